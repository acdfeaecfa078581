#include <gtest/gtest.h>

#include "recon/core/Runtime.h"

int main(int argc, char** argv) {
  trustct::configureRuntime();
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
