#pragma once
// NumPy .npy files (format versions 1–3, little-endian float32; float64 is converted on read).
// Every malformed file gets an InputError naming the file and the problem.
#include <torch/types.h>

#include <string>

namespace trustct {

torch::Tensor readNpy(const std::string& path);                    // float32, CPU, C order
void writeNpy(const std::string& path, const torch::Tensor& data);  // float32, atomic
// Same, on a byte buffer (fuzzing and in-memory use); `source` names it in errors.
torch::Tensor parseNpy(const std::string& bytes, const std::string& source);

// InputError naming `source` and the first offending index if any value is NaN or infinite.
void requireFinite(const torch::Tensor& t, const std::string& source);

}  // namespace trustct
