// HDF5 reads are bounded by what is asked for and what is stored (hardening issue, defect 11): a 1.4 KB
// chunked file declaring 1e6 samples was read in full (858 MB and growing), and one slice of a
// 2,000-sample file cost 21.7 s. Now a reconstruction reads only its sample, and a sample whose storage
// the file does not hold is an input error instead of a blank image.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <torch/torch.h>

#include "recon/core/Errors.h"
#include "recon/io/Lodopab.h"
#include "recon/io/SinogramIO.h"
#include "tests/unit/LearnedTestSupport.h"

using namespace trustct;
using trustct::testing::freshDir;

namespace {

// LoDoPaB ground truth declaring `declared` samples in chunks of one, of which only sample 0 is written.
std::string sparseGroundTruth(hsize_t declared) {
  const std::string path = (freshDir("hdf5_sparse") / "ground_truth_test_000.hdf5").string();
  const hsize_t side = LodopabLayout::kImageSide;
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hsize_t dims[3] = {declared, side, side}, chunk[3] = {1, side, side};
  const hid_t space = H5Screate_simple(3, dims, nullptr);
  const hid_t plist = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(plist, 3, chunk);
  const hid_t data = H5Dcreate2(file, "data", H5T_IEEE_F32LE, space, H5P_DEFAULT, plist, H5P_DEFAULT);
  const torch::Tensor disc = (torch::rand({int64_t(side), int64_t(side)}) > 0.5).to(torch::kFloat32);
  const hsize_t start[3] = {0, 0, 0}, count[3] = {1, side, side};
  H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr);
  const hid_t memory = H5Screate_simple(3, count, nullptr);
  EXPECT_GE(H5Dwrite(data, H5T_NATIVE_FLOAT, memory, space, H5P_DEFAULT, disc.data_ptr<float>()), 0);
  H5Sclose(memory);
  H5Dclose(data);
  H5Pclose(plist);
  H5Sclose(space);
  H5Fclose(file);
  return path;
}

TEST(Hdf5Bounds, OnlyTheRequestedSampleIsReadAndAMissingOneIsRefused) {
  const std::string path = sparseGroundTruth(1000000);
  const auto op = trustct::testing::tinyOperator();
  // Reading all samples would reach sample 1, which is not stored; sample 0 alone reads.
  const SinogramFile first = loadSinogramFile(path, *op, NoiseModel{}, 0, 0);
  EXPECT_EQ(first.sinograms.size(0), 1);
  EXPECT_EQ(first.samplesInFile, 1000000);
  try {
    loadSinogramFile(path, *op, NoiseModel{}, 0, 5);
    FAIL() << "an unstored sample was read";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("sample 5 is not stored in the file"), std::string::npos) << e.what();
  }
  EXPECT_THROW(loadSinogramFile(path, *op, NoiseModel{}, 0, 1000000), InputError);  // beyond the declared count
}

}  // namespace
