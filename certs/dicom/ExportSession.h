#pragma once
// One certified DICOM export of a case, as `trustct-cli export` and the GUI's File ▸ Export certified DICOM
// and Send to PACS write it: every result is filed under one study (ExportStudy::from) and gets its own
// series numbers, 9001, 9011, 9021, … in the order written (CT n, SR n + 1, KOS n + 2). What the files say
// made the image is the result's AlgorithmInfo, captured when the method ran. An export is all or nothing:
// every file is staged (recon/core/AtomicFile.h FileSetWriter) and appears only at commit(), one set per
// folder with its manifest; a session that ends without commit() leaves the folder as it was.
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "certs/CertifiedReconstruction.h"
#include "certs/dicom/DicomExport.h"
#include "recon/core/AtomicFile.h"
#include "recon/core/FolderLock.h"

namespace trustct {

constexpr const char* kExportManifest = "export.json";

// Refuses (InputError naming the file) any of `files` that lies in an export folder — one holding
// kExportManifest — but is not listed there or no longer has the SHA-256 listed: a set torn by a crash
// or edited after export (an SR referencing a CT that is no longer there) is never sent.
void requireFilesMatchExportManifest(const std::vector<std::string>& files);

class ExportSession {
 public:
  static constexpr int kFirstSeriesNumber = 9001;
  static constexpr int kSeriesNumberStep = 10;

  // `input` is the case's grid image (its DICOM identity, if any); `inputDescription` what the sinogram is.
  // UsageError when options.uidRoot is not a valid UID root.
  ExportSession(const GridImage& input, std::string inputDescription, ExportOptions options);

  // Writes the result's CT, SR (and KOS when it fails) into outDir; InputError when it has no certificates,
  // or when another export is writing into outDir (the session locks each folder it writes into until it ends).
  ExportedMethod write(const CertifiedResult& result, const std::string& outDir);
  // Stages `manifest` as outDir's export.json (kExportManifest), last in its set, with "files": the
  // SHA-256 of every file staged there, so that `send` can refuse a set that no longer matches it.
  void addManifest(const std::string& outDir, nlohmann::json manifest);
  // Publishes every staged file (once); a folder without a new manifest loses its old one. The folders
  // stay locked until the session ends.
  void commit();

  const ExportStudy& study() const { return exporter_.study(); }
  // What the files say the image was reconstructed from: the input's description, or for an anonymised
  // export a generic one (the description names the source file, which may carry patient data).
  const std::string& inputDescription() const { return inputDescription_; }

 private:
  std::string inputDescription_;
  CertifiedDicomExporter exporter_;
  int nextSeriesNumber_ = kFirstSeriesNumber;
  struct Folder {
    FolderLock lock;
    FileSetWriter files;
  };
  Folder& folder(const std::string& outDir);
  std::map<std::string, std::unique_ptr<Folder>> folders_;  // by canonical path
};

}  // namespace trustct
