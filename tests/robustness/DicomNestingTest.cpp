// Deeply nested DICOM sequences are refused before DCMTK's recursive parser sees them (hardening issue,
// defect 4): about 7,000 levels in a 291 KB file overflowed the stack and killed import, export, send and
// the GUI. tests/data/malformed/deep_nesting.dcm (7,000 levels, explicit VR) is also in the fuzzers' corpus.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "certs/dicom/DicomNetwork.h"
#include "recon/core/Errors.h"
#include "recon/core/InputFile.h"
#include "recon/io/dicom/DicomCt.h"

using namespace trustct;

namespace {

const std::string kDeep = std::string(TRUSTCT_TEST_DATA) + "/malformed/deep_nesting.dcm";

std::string le16(uint16_t v) { return {char(v & 0xFF), char(v >> 8)}; }
std::string le32(uint32_t v) { return le16(uint16_t(v & 0xFFFF)) + le16(uint16_t(v >> 16)); }
std::string tag(uint16_t g, uint16_t e) { return le16(g) + le16(e); }

// A Part-10 file in `syntax` holding Modality CT and `levels` nested ReferencedSeriesSequence items of
// undefined length.
std::string nested(int levels, bool explicitVr) {
  const std::string syntax = explicitVr ? std::string("1.2.840.10008.1.2.1", 20) : std::string("1.2.840.10008.1.2\0", 18);
  std::string meta = tag(2, 0x10) + "UI" + le16(uint16_t(syntax.size())) + syntax;
  meta = tag(2, 0) + "UL" + le16(4) + le32(uint32_t(meta.size())) + meta;
  std::string body = explicitVr ? tag(8, 0x60) + "CS" + le16(2) + "CT" : tag(8, 0x60) + le32(2) + "CT";
  const std::string open = explicitVr ? tag(8, 0x1115) + "SQ" + le16(0) + le32(0xFFFFFFFF)
                                      : tag(8, 0x1115) + le32(0xFFFFFFFF);
  for (int i = 0; i < levels; ++i) body += open + tag(0xFFFE, 0xE000) + le32(0xFFFFFFFF);
  for (int i = 0; i < levels; ++i) body += tag(0xFFFE, 0xE00D) + le32(0) + tag(0xFFFE, 0xE0DD) + le32(0);
  return std::string(128, '\0') + "DICM" + meta + body;
}

std::string refusal(const std::string& bytes) {
  try {
    parseDicomCt(bytes, "nested.dcm");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(DicomNesting, DeepSequencesAreRefusedInEitherVrEncoding) {
  for (const bool explicitVr : {true, false}) {
    const std::string deep = refusal(nested(7000, explicitVr));
    EXPECT_NE(deep.find("nested.dcm"), std::string::npos) << deep;
    EXPECT_NE(deep.find("nests sequences more than 64 levels deep"), std::string::npos) << deep;
    EXPECT_NE(refusal(nested(65, explicitVr)).find("more than 64 levels"), std::string::npos);
    // Nesting a real object may have passes the scan; DCMTK then parses it and the CT reader names what is missing.
    const std::string shallow = refusal(nested(64, explicitVr));
    EXPECT_EQ(shallow.find("nests sequences"), std::string::npos) << shallow;
    EXPECT_NE(shallow.find("nested.dcm"), std::string::npos) << shallow;
  }
}

TEST(DicomNesting, TheCorpusCaseIsRefusedByImportAndSendBeforeAnyConnection) {
  try {
    readDicomCt(kDeep);
    FAIL() << "deep_nesting.dcm was read";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("nests sequences"), std::string::npos) << e.what();
  }
  DicomNode nowhere;
  nowhere.host = "127.0.0.1";
  nowhere.port = 9;  // nothing listens: the file must be refused before a connection is tried
  try {
    store(nowhere, {kDeep});
    FAIL() << "deep_nesting.dcm was sent";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("deep_nesting.dcm"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("nests sequences"), std::string::npos) << e.what();
  }
}

}  // namespace
