// libFuzzer entry for the .npy reader: parse or InputError, nothing else.
#include <cstddef>
#include <cstdint>
#include <string>

#include "recon/core/Errors.h"
#include "recon/io/Npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    trustct::parseNpy(std::string(reinterpret_cast<const char*>(data), size), "fuzz.npy");
  } catch (const trustct::InputError&) {
  }
  return 0;
}
