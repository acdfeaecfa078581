#include "recon/io/itk/ItkImageIO.h"

#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkImageFileWriter.h>
#include <itkImageIOBase.h>
#include <itkImageIOFactory.h>

#include <filesystem>
#include <functional>
#include <numeric>

#include "recon/core/AtomicFile.h"
#include "recon/core/Errors.h"

namespace trustct {
namespace {

using Image3 = itk::Image<float, 3>;

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

RawImage readItkImage(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw InputError(path, "no such file");
  if (std::filesystem::file_size(path, ec) == 0) throw InputError(path, "file is empty (0 bytes)");
  // niftilib looks for X.nii before X.nii.gz: with both present it would silently read the other file.
  if (endsWith(path, ".nii.gz") && std::filesystem::exists(path.substr(0, path.size() - 3), ec))
    throw InputError(path, "ambiguous: " + path.substr(0, path.size() - 3) + " exists too, and NIfTI readers take that one");
  itk::ImageIOBase::Pointer io = itk::ImageIOFactory::CreateImageIO(path.c_str(), itk::ImageIOFactory::FileModeEnum::ReadMode);
  if (!io) throw InputError(path, "not a readable MetaImage or NIfTI file");
  RawImage out;
  try {
    io->SetFileName(path);
    io->ReadImageInformation();
    const unsigned dims = io->GetNumberOfDimensions();
    if (dims < 2 || dims > 3) throw InputError(path, "has " + std::to_string(dims) + " dimensions (expected 2 or 3)");
    if (io->GetNumberOfComponents() != 1) throw InputError(path, "has vector pixels; expected one value per pixel");
    for (unsigned d = 0; d < dims; ++d) {
      out.size.push_back(io->GetDimensions(d));
      out.spacing.push_back(io->GetSpacing(d));
    }
    const size_t count = std::accumulate(out.size.begin(), out.size.end(), size_t{1}, std::multiplies<>());
    if (count == 0 || count > (size_t{1} << 28)) throw InputError(path, "absurd image size");
    auto reader = itk::ImageFileReader<Image3>::New();
    reader->SetFileName(path);
    reader->Update();
    const Image3* image = reader->GetOutput();
    const float* p = image->GetBufferPointer();
    out.data.assign(p, p + count);
  } catch (const itk::ExceptionObject& e) {
    throw InputError(path, std::string("ITK could not read it: ") + e.GetDescription());
  }
  return out;
}

void writeItkImage(const std::string& path, const RawImage& image) {
  if (image.size.size() < 2 || image.size.size() > 3) throw InputError(path, "can only write 2-D or 3-D images");
  if (endsWith(path, ".mhd")) throw InputError(path, "write .mha (one file) instead of .mhd, so the write is atomic");
  Image3::Pointer out = Image3::New();
  Image3::SizeType size;
  Image3::SpacingType spacing;
  for (unsigned d = 0; d < 3; ++d) {
    size[d] = d < image.size.size() ? image.size[d] : 1;
    spacing[d] = d < image.spacing.size() ? image.spacing[d] : 1.0;
  }
  out->SetRegions(Image3::RegionType(size));
  out->SetSpacing(spacing);
  out->Allocate();
  if (image.data.size() != out->GetLargestPossibleRegion().GetNumberOfPixels())
    throw InputError(path, "pixel count does not match the size");
  std::copy(image.data.begin(), image.data.end(), out->GetBufferPointer());
  // Written beside the target and renamed, so a reader never sees half a file (extension kept for ITK).
  writeFileViaPath(path, [&](const std::string& tmp) {
    try {
      auto writer = itk::ImageFileWriter<Image3>::New();
      writer->SetFileName(tmp);
      writer->SetInput(out);
      writer->Update();
    } catch (const std::exception& e) {
      throw InputError(path, std::string("could not write: ") + e.what());
    }
  });
}

}  // namespace trustct
