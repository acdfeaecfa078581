#include "recon/io/itk/ItkImageIO.h"

#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkImageFileWriter.h>
#include <itkImageIOBase.h>
#include <itkImageIOFactory.h>
#include <itkMetaImageIO.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <numeric>

#include "recon/core/AtomicFile.h"
#include "recon/core/Errors.h"
#include "recon/core/InputFile.h"

namespace trustct {
namespace {

using Image3 = itk::Image<float, 3>;

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The data a reader would take must be there in full before it reads: ITK fills a short file's missing
// pixels with whatever memory held (docs/robustness.md, "Reading inputs").
struct DataExtent {
  std::string file;        // where the pixels are
  uint64_t offset = 0;     // first byte of the pixel data in `file`
  bool compressed = false; // zlib or gzip from `offset` to the end
  bool exact = true;       // the data must end where the image does (no trailing bytes)
};

std::string fileBytes(const std::string& path, uint64_t from, uint64_t limit) {
  std::ifstream in(path, std::ios::binary);
  in.seekg(std::streamoff(from));
  std::string bytes(limit, '\0');
  in.read(bytes.data(), std::streamsize(limit));
  bytes.resize(size_t(in.gcount()));
  return bytes;
}

// Inflated length of `path` from `offset` (zlib or gzip members, as ITK's readers accept), keeping the first
// `keep` inflated bytes in `head`. Bounded by the input: zlib expands at most about 1,000-fold.
uint64_t inflatedSize(const std::string& path, uint64_t offset, size_t keep, std::string* head) {
  std::ifstream in(path, std::ios::binary);
  in.seekg(std::streamoff(offset));
  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK) throw InputError(path, "cannot start decompressing it");
  std::vector<unsigned char> input(1 << 16), output(1 << 16);
  uint64_t total = 0;
  int rc = Z_OK;
  bool more = true;
  while (more) {
    if (z.avail_in == 0) {
      in.read(reinterpret_cast<char*>(input.data()), std::streamsize(input.size()));
      z.next_in = input.data();
      z.avail_in = uInt(in.gcount());
      if (z.avail_in == 0) break;
    }
    z.next_out = output.data();
    z.avail_out = uInt(output.size());
    rc = inflate(&z, Z_NO_FLUSH);
    const size_t produced = output.size() - z.avail_out;
    if (head && head->size() < keep)
      head->append(reinterpret_cast<char*>(output.data()), std::min(produced, keep - head->size()));
    total += produced;
    if (rc == Z_STREAM_END) {
      if (z.avail_in == 0 && in.peek() == EOF) break;
      inflateReset(&z);  // a further gzip member
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      more = false;
    }
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END) throw InputError(path, "its compressed data is damaged or cut short");
  return total;
}

DataExtent metaImageExtent(const std::string& path, MetaImage& meta) {
  namespace fs = std::filesystem;
  DataExtent extent;
  extent.compressed = meta.CompressedData();
  const std::string name = meta.ElementDataFileName();
  if (name == "LOCAL" || name == "Local" || name == "local") {
    // The pixels follow the header's last line, "ElementDataFile = LOCAL".
    const std::string header = fileBytes(path, 0, 1 << 16);
    const size_t key = header.find("ElementDataFile");
    const size_t end = key == std::string::npos ? key : header.find('\n', key);
    if (end == std::string::npos) throw InputError(path, "has no end to its header (ElementDataFile line)");
    extent.file = path;
    extent.offset = end + 1;
    return extent;
  }
  if (name.empty() || name.rfind("LIST", 0) == 0 || name.find('%') != std::string::npos)
    throw InputError(path, "ElementDataFile \"" + name + "\": only one data file (or LOCAL) is supported");
  const fs::path relative(name);
  if (relative.is_absolute() || std::find(relative.begin(), relative.end(), "..") != relative.end())
    throw InputError(path, "ElementDataFile \"" + name + "\" is outside the header's folder; refusing to read it");
  const fs::path folder = fs::weakly_canonical(fs::absolute(path)).parent_path();
  std::error_code ec;
  const fs::path data = fs::weakly_canonical(folder / relative, ec);
  const auto [mismatch, unused] = std::mismatch(folder.begin(), folder.end(), data.begin(), data.end());
  if (ec || mismatch != folder.end())
    throw InputError(path, "ElementDataFile \"" + name + "\" leads outside the header's folder; refusing to read it");
  requireRegularFileOrFolder(data.string());
  if (fs::is_directory(data)) throw InputError(data.string(), "is a folder, named as ElementDataFile by " + path);
  extent.file = data.string();
  extent.offset = meta.HeaderSize() > 0 ? uint64_t(meta.HeaderSize()) : 0;
  extent.exact = meta.HeaderSize() >= 0;  // -1: the data is the file's last bytes, after a header of any size
  return extent;
}

uint32_t swapped(uint32_t v) { return __builtin_bswap32(v); }

// NIfTI-1 (348-byte header, float vox_offset at 108) and NIfTI-2 (540 bytes, int64 vox_offset at 168), either
// byte order; the data runs from vox_offset.
uint64_t niftiDataOffset(const std::string& path, const std::string& header) {
  uint32_t size = 0;
  if (header.size() < 348) throw InputError(path, "is shorter than a NIfTI header");
  std::memcpy(&size, header.data(), 4);
  const bool swap = size == swapped(348) || size == swapped(540);
  if (swap) size = swapped(size);
  if (size == 348) {
    uint32_t bits = 0;
    std::memcpy(&bits, header.data() + 108, 4);
    if (swap) bits = swapped(bits);
    float offset = 0;
    std::memcpy(&offset, &bits, 4);
    if (!(offset >= 0) || offset > 1e12f) throw InputError(path, "has an invalid NIfTI vox_offset");
    return std::max<uint64_t>(uint64_t(offset), 352);  // a .nii's data never starts inside the header
  }
  if (size == 540 && header.size() >= 540) {
    uint64_t offset = 0;
    std::memcpy(&offset, header.data() + 168, 8);
    if (swap) offset = __builtin_bswap64(offset);
    return std::max<uint64_t>(offset, 544);
  }
  throw InputError(path, "has no NIfTI-1 or NIfTI-2 header (sizeof_hdr " + std::to_string(size) + ")");
}

void requireData(const std::string& path, const DataExtent& extent, uint64_t bytes) {
  std::error_code ec;
  const uint64_t fileSize = std::filesystem::file_size(extent.file, ec);
  if (ec) throw InputError(extent.file, "cannot read the image data named by " + path);
  const uint64_t have = extent.compressed ? inflatedSize(extent.file, extent.offset, 0, nullptr)
                                          : (fileSize > extent.offset ? fileSize - extent.offset : 0);
  if (have < bytes || (extent.exact && have != bytes))
    throw InputError(path, "declares " + std::to_string(bytes) + " bytes of pixel data, but " +
                               (extent.file == path ? std::string("the file") : extent.file) + " holds " +
                               std::to_string(have) + (extent.compressed ? " (decompressed)" : ""));
}

void requireNiftiData(const std::string& path, uint64_t bytes) {
  const bool gz = endsWith(path, ".gz");
  std::string header;
  const uint64_t size = gz ? inflatedSize(path, 0, 544, &header) : std::filesystem::file_size(path);
  if (!gz) header = fileBytes(path, 0, 544);
  const uint64_t offset = niftiDataOffset(path, header);
  if (size < offset + bytes)
    throw InputError(path, "declares " + std::to_string(bytes) + " bytes of pixel data from byte " +
                               std::to_string(offset) + ", but the file holds " + std::to_string(size) +
                               (gz ? " (decompressed)" : "") + ": it is cut short");
}

bool isNifti(const std::string& path) { return endsWith(path, ".nii") || endsWith(path, ".nii.gz"); }
bool isMetaImage(const std::string& path) { return endsWith(path, ".mha") || endsWith(path, ".mhd"); }

}  // namespace

RawImage readItkImage(const std::string& path) {
  std::error_code ec;
  if (!isNifti(path) && !isMetaImage(path)) throw InputError(path, "is not named .mha, .mhd, .nii or .nii.gz");
  if (!std::filesystem::exists(path, ec)) throw InputError(path, "no such file");
  requireRegularFileOrFolder(path);
  if (std::filesystem::is_directory(path, ec)) throw InputError(path, "is a folder, not a MetaImage or NIfTI file");
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
    const uint64_t bytes = uint64_t(count) * io->GetComponentSize();
    if (auto* meta = dynamic_cast<itk::MetaImageIO*>(io.GetPointer()))
      requireData(path, metaImageExtent(path, *meta->GetMetaImagePointer()), bytes);
    else
      requireNiftiData(path, bytes);
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
