#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "recon/core/AtomicFile.h"
#include "recon/core/Errors.h"
#include "recon/io/Npy.h"

using namespace trustct;
namespace fs = std::filesystem;

namespace {
fs::path scratch() {
  fs::path p = fs::temp_directory_path() / ("trustct_npy_" + std::to_string(::getpid()));
  fs::create_directories(p);
  return p;
}
std::string bytesOf(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
void expectInputError(const std::string& bytes, const std::string& fragment) {
  try {
    parseNpy(bytes, "probe.npy");
    FAIL() << "accepted input that should fail with: " << fragment;
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("probe.npy"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}
}  // namespace

TEST(Npy, RoundTripKeepsShapeAndValues) {
  const fs::path dir = scratch();
  const torch::Tensor t = torch::rand({3, 30, 183});
  writeNpy((dir / "a.npy").string(), t);
  EXPECT_TRUE(torch::equal(readNpy((dir / "a.npy").string()), t));
  const std::string header = bytesOf(dir / "a.npy").substr(0, 128);
  EXPECT_NE(header.find("'shape': (3,30,183)"), std::string::npos);
  EXPECT_EQ((bytesOf(dir / "a.npy").size()) % 64, (3 * 30 * 183 * 4) % 64);
  fs::remove_all(dir);
}

TEST(Npy, MalformedFilesGiveClearErrors) {
  const fs::path dir = scratch();
  writeNpy((dir / "ok.npy").string(), torch::rand({4, 4}));
  const std::string good = bytesOf(dir / "ok.npy");
  expectInputError("", "empty");
  expectInputError("hello world, not numpy", "bad magic");
  expectInputError(good.substr(0, good.size() - 5), "truncated");
  expectInputError(good.substr(0, 30), "truncated");
  std::string i16 = good;
  i16.replace(i16.find("<f4"), 3, "<i2");
  expectInputError(i16, "unsupported dtype");
  std::string fortran = good;
  fortran.replace(fortran.find("False"), 5, "True ");
  expectInputError(fortran, "Fortran");
  auto withShape = [&](const std::string& shape) {
    std::string bytes = good;
    return bytes.replace(bytes.find("(4,4)"), 5, shape);
  };
  expectInputError(withShape("(9999999999,4)"), "dimension");
  expectInputError(withShape("(0-15,4)"), "malformed shape");
  // Empty, but with strides that overflow: found by fuzz.npy.
  expectInputError(withShape("(0,2147483647,2147483647,2147483647)"), "too large");
  fs::remove_all(dir);
}

TEST(Npy, NanIsReportedWithItsPosition) {
  torch::Tensor t = torch::zeros({2, 3});
  t[1][2] = std::nanf("");
  try {
    requireFinite(t, "s.npy");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("flat index 5"), std::string::npos);
  }
}

TEST(AtomicFile, FailedWriteLeavesNothingBehind) {
  const fs::path dir = scratch();
  const std::string target = (dir / "out.json").string();
  writeTextAtomically(target, "old");
  EXPECT_THROW(writeFileAtomically(target, [](std::ostream& out) {
    out << "half";
    throw std::runtime_error("interrupted");
  }),
               std::runtime_error);
  EXPECT_EQ(bytesOf(target), "old");
  int files = 0;
  for (auto& e : fs::directory_iterator(dir)) (void)e, ++files;
  EXPECT_EQ(files, 1);
  EXPECT_THROW(writeTextAtomically((dir / "missing" / "x.json").string(), "x"), InputError);
  fs::remove_all(dir);
}
