// libFuzzer entry: any byte string given to the DICOM CT reader must either parse or raise an
// InputError — never crash, hang, leak or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string>

#include "recon/core/Errors.h"
#include "recon/io/dicom/DicomCt.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    trustct::parseDicomCt(std::string(reinterpret_cast<const char*>(data), size), "fuzz.dcm");
  } catch (const trustct::InputError&) {
  }
  return 0;
}
