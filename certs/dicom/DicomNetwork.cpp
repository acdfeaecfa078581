#include "certs/dicom/DicomNetwork.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/scu.h>
#include <dcmtk/oflog/appender.h>
#include <dcmtk/oflog/oflog.h>
#include <dcmtk/oflog/spi/logevent.h>

#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "certs/dicom/ExportSession.h"
#include "recon/core/Errors.h"
#include "recon/core/InputFile.h"
#include "recon/io/dicom/DicomNesting.h"

namespace trustct {
namespace {

OFList<OFString> transferSyntaxes(const std::set<std::string>& extra = {}) {
  OFList<OFString> ts;
  for (const auto& t : extra) ts.push_back(t.c_str());
  for (const char* t : {UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax})
    if (!extra.count(t)) ts.push_back(t);
  return ts;
}

void configure(DcmSCU& scu, const DicomNode& node) {
  node.validate();
  OFLog::configure(OFLogger::FATAL_LOG_LEVEL);  // failures reach the caller as exceptions; no chatter on stderr
  scu.setAETitle(node.callingAeTitle.c_str());
  scu.setPeerHostName(node.host.c_str());
  scu.setPeerPort(static_cast<Uint16>(node.port));
  scu.setPeerAETitle(node.calledAeTitle.c_str());
  scu.setConnectionTimeout(node.timeoutSeconds);
  scu.setACSETimeout(static_cast<Uint32>(node.timeoutSeconds));
  scu.setDIMSETimeout(static_cast<Uint32>(node.timeoutSeconds));
  scu.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
  scu.setVerbosePCMode(OFFalse);
}

// Collects what DCMTK's network module logs while it is installed, instead of printing it. DcmSCU keeps
// the A-ASSOCIATE-RJ parameters private and only logs them ("Association Rejected: Result: ... Reason:
// Called AE Title Not Recognized"); without them a user cannot tell a wrong AE title from a busy server.
class NetworkLogCapture {
 public:
  NetworkLogCapture() : logger_(OFLog::getLogger("dcmtk.dcmnet")), appender_(new Collector(lines_)) {
    level_ = logger_.getLogLevel();
    logger_.setLogLevel(dcmtk::log4cplus::DEBUG_LOG_LEVEL);  // the rejection is logged at debug level
    logger_.setAdditivity(false);  // to us, not to the console
    logger_.addAppender(appender_);
  }
  ~NetworkLogCapture() {
    logger_.removeAppender(appender_);
    logger_.setAdditivity(true);
    logger_.setLogLevel(level_);
  }
  NetworkLogCapture(const NetworkLogCapture&) = delete;
  NetworkLogCapture& operator=(const NetworkLogCapture&) = delete;

  // The rejection's "Result/Source/Reason" lines joined with "; ", or empty when none was logged.
  std::string rejection() const {
    std::string out;
    for (const std::string& text : lines_) {
      if (text.find("Association Rejected") == std::string::npos) continue;
      std::istringstream in(text);
      std::string line;
      std::getline(in, line);  // the heading itself
      while (std::getline(in, line))
        if (!line.empty()) out += (out.empty() ? "" : "; ") + line;
    }
    return out;
  }

 private:
  class Collector : public dcmtk::log4cplus::Appender {
   public:
    explicit Collector(std::vector<std::string>& lines) : lines_(lines) {}
    ~Collector() override { destructorImpl(); }
    void close() override {}

   protected:
    void append(const dcmtk::log4cplus::spi::InternalLoggingEvent& event) override {
      lines_.emplace_back(event.getMessage().c_str());
    }

   private:
    std::vector<std::string>& lines_;
  };

  std::vector<std::string> lines_;
  OFLogger logger_;
  dcmtk::log4cplus::SharedAppenderPtr appender_;
  dcmtk::log4cplus::LogLevel level_;
};

void connect(DcmSCU& scu, const DicomNode& node) {
  OFCondition c = scu.initNetwork();
  if (c.bad()) throw std::runtime_error("cannot initialise the network: " + std::string(c.text()));
  NetworkLogCapture log;
  c = scu.negotiateAssociation();
  if (c.bad()) {
    const std::string why = log.rejection();
    throw std::runtime_error("no association with " + node.describe() + ": " + std::string(c.text()) +
                             (why.empty() ? "" : " (" + why + ")"));
  }
}

std::string hex(unsigned v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%04X", v);
  return buf;
}

}  // namespace

void DicomNode::validate() const {
  if (host.empty()) throw UsageError("no host given");
  if (port < 1 || port > 65535) throw UsageError("port must be between 1 and 65535");
  for (const auto* ae : {&callingAeTitle, &calledAeTitle})
    if (ae->empty() || ae->size() > 16 || ae->find('\\') != std::string::npos)
      throw UsageError("AE title '" + *ae + "' must have 1 to 16 characters and no backslash");
  if (timeoutSeconds < 1) throw UsageError("timeout must be at least 1 second");
}

std::string DicomNode::describe() const { return calledAeTitle + "@" + host + ":" + std::to_string(port); }

void echo(const DicomNode& node) {
  DcmSCU scu;
  configure(scu, node);
  scu.addPresentationContext(UID_VerificationSOPClass, transferSyntaxes());
  connect(scu, node);
  const OFCondition c = scu.sendECHORequest(0);
  scu.releaseAssociation();
  if (c.bad()) throw std::runtime_error("C-ECHO to " + node.describe() + " failed: " + std::string(c.text()));
}

std::vector<StoreResult> store(const DicomNode& node, const std::vector<std::string>& files) {
  if (files.empty()) throw UsageError("no files to send");
  // Read every file first: a bad file is reported before anything is sent.
  std::vector<StoreResult> results;
  std::map<std::string, std::set<std::string>> contexts;  // SOP class → transfer syntaxes
  requireFilesMatchExportManifest(files);
  for (const auto& f : files) {
    requireShallowNesting(readRegularFile(f), f);
    DcmFileFormat ff;
    const OFCondition c = ff.loadFile(f.c_str(), EXS_Unknown, EGL_noChange, 4096);
    if (c.bad()) throw InputError(f, std::string("not a readable DICOM file: ") + c.text());
    OFString sopClass, sopInstance;
    ff.getDataset()->findAndGetOFString(DCM_SOPClassUID, sopClass);
    ff.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, sopInstance);
    if (sopClass.empty() || sopInstance.empty()) throw InputError(f, "has no SOP Class or SOP Instance UID");
    contexts[sopClass.c_str()].insert(DcmXfer(ff.getDataset()->getOriginalXfer()).getXferID());
    results.push_back({f, sopClass.c_str(), sopInstance.c_str(), 0});
  }
  DcmSCU scu;
  configure(scu, node);
  for (const auto& [sopClass, syntaxes] : contexts) scu.addPresentationContext(sopClass.c_str(), transferSyntaxes(syntaxes));
  connect(scu, node);
  for (auto& r : results) {
    const T_ASC_PresentationContextID pc = scu.findPresentationContextID(r.sopClassUid.c_str(), "");
    if (pc == 0) {
      scu.releaseAssociation();
      throw std::runtime_error(node.describe() + " does not accept " + r.sopClassUid + " (" + r.file + ")");
    }
    Uint16 status = 0;
    const OFCondition c = scu.sendSTORERequest(pc, r.file.c_str(), nullptr, status);
    r.status = status;
    const bool ok = status == 0x0000 || (status & 0xF000) == 0xB000;
    if (c.bad() || !ok) {
      scu.releaseAssociation();
      throw std::runtime_error("C-STORE of " + r.file + " to " + node.describe() + " failed: " +
                               (c.bad() ? std::string(c.text()) : "status " + hex(status)));
    }
  }
  scu.releaseAssociation();
  return results;
}

}  // namespace trustct
