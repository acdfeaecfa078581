#pragma once
// C-ECHO and C-STORE to a DICOM node (PACS) with DCMTK's network module. Errors name the node or the
// file; nothing here logs patient data (only file names, SOP classes and status codes).
#include <string>
#include <vector>

namespace trustct {

struct DicomNode {
  std::string host;
  int port = 104;
  std::string callingAeTitle = "TRUSTCT";
  std::string calledAeTitle = "ANY-SCP";
  int timeoutSeconds = 30;

  void validate() const;  // UsageError on a bad port or AE title (1..16 characters, no backslash)
  std::string describe() const;  // "CALLED@host:port"
};

// Throws std::runtime_error when the association or the echo fails.
void echo(const DicomNode& node);

struct StoreResult {
  std::string file;
  std::string sopClassUid, sopInstanceUid;
  unsigned status = 0;  // DIMSE status; 0 = success, 0xB000.. = warning
};
// One association for all files. InputError for unreadable files (before connecting); runtime_error
// naming the file and status when the peer refuses one.
std::vector<StoreResult> store(const DicomNode& node, const std::vector<std::string>& files);

}  // namespace trustct
