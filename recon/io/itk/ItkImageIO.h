#pragma once
// Float images in MetaImage (.mha/.mhd) and NIfTI (.nii/.nii.gz) through ITK, behind a plain C++
// interface so no ITK header or flag leaks into other targets. Errors are InputErrors naming the file.
#include <string>
#include <vector>

namespace trustct {

struct RawImage {
  std::vector<size_t> size;      // ITK order: x (fastest), y, z; trailing extents of 1 are kept
  std::vector<double> spacing;   // per axis, in the file's unit
  std::vector<float> data;       // x fastest
};

RawImage readItkImage(const std::string& path);
void writeItkImage(const std::string& path, const RawImage& image);  // 2-D or 3-D; .mha, .nii, .nii.gz

}  // namespace trustct
