// The .npy header is read as the Python dict literal it is (hardening issue, defect 12): a key inside a string
// value was taken for the key, "(30,,,,, 183)" was accepted as a shape, and an empty batch (0, 30, 183) ended
// in a LibTorch stack trace instead of an error naming the file.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>

#include "recon/core/Errors.h"
#include "recon/geometry/RadonOperator.h"
#include "recon/io/Npy.h"

using namespace trustct;

namespace {

// A version-1 .npy of float32 zeros with `dict` as its header and `count` values.
std::string npy(const std::string& dict, size_t count) {
  std::string header = dict;
  header.append(63 - (10 + header.size()) % 64, ' ');
  header += '\n';
  std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
  bytes += char(header.size() & 0xFF);
  bytes += char(header.size() >> 8);
  return bytes + header + std::string(count * 4, '\0');
}

std::string refusal(const std::string& bytes) {
  try {
    parseNpy(bytes, "probe.npy");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(NpyHeader, KeysAreKeysAndShapesAreTuples) {
  const std::string prefix = "{'descr': '<f4', 'fortran_order': False, ";
  EXPECT_EQ(refusal(npy(prefix + "'shape': (30, 183), }", 30 * 183)), "(accepted)");
  EXPECT_EQ(refusal(npy(prefix + "'shape': (5,), }", 5)), "(accepted)");
  // The string value mentions a shape; the real one decides.
  const torch::Tensor t = parseNpy(npy(prefix + "'note': \"'shape': (1, 2)\", 'shape': (30, 183), }", 30 * 183), "probe.npy");
  EXPECT_EQ(t.sizes(), (std::vector<int64_t>{30, 183}));
  EXPECT_NE(refusal(npy(prefix + "'note': \"'shape': (1, 2)\", }", 2)).find("header has no 'shape'"), std::string::npos);
  for (const char* shape : {"(30,,,,, 183)", "(,30)", "(30 183)", "(30, -183)", "(30, 1e2)"}) {
    const std::string why = refusal(npy(prefix + "'shape': " + shape + ", }", 30 * 183));
    EXPECT_NE(why.find("probe.npy"), std::string::npos) << shape;
    EXPECT_NE(why.find("malformed shape"), std::string::npos) << shape << ": " << why;
  }
  EXPECT_NE(refusal(npy(prefix + "'shape': (30, 183), 'shape': (1, 1), }", 30 * 183)).find("the key 'shape' twice"),
            std::string::npos);
  EXPECT_NE(refusal(npy(prefix + "'shape': (30, 183) }x", 30 * 183)).find("after the closing brace"), std::string::npos);
}

TEST(NpyHeader, AnEmptyBatchIsAnInputError) {
  const auto op = RadonOperator::forGeometry(Geometry::paperDefault());
  const torch::Tensor empty = parseNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 30, 183), }", 0), "e.npy");
  try {
    op->checkSinogramShape(empty, "e.npy");
    FAIL() << "an empty batch was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("e.npy: holds no sinograms (shape (0, 30, 183))"), std::string::npos) << e.what();
  }
}

}  // namespace
