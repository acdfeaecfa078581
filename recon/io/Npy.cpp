#include "recon/io/Npy.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "recon/core/AtomicFile.h"
#include "recon/core/Errors.h"
#include "recon/core/InputFile.h"

namespace trustct {
namespace {

std::string dictValue(const std::string& header, const std::string& key, const std::string& source) {
  const size_t k = header.find("'" + key + "'");
  if (k == std::string::npos) throw InputError(source, "not a valid .npy file: header has no '" + key + "'");
  size_t colon = header.find(':', k);
  if (colon == std::string::npos) throw InputError(source, "not a valid .npy file: malformed header");
  size_t start = header.find_first_not_of(' ', colon + 1);
  if (start == std::string::npos) throw InputError(source, "not a valid .npy file: malformed header");
  size_t end;
  if (header[start] == '(') end = header.find(')', start) + 1;
  else if (header[start] == '\'') end = header.find('\'', start + 1) + 1;
  else end = header.find_first_of(",}", start);
  if (end == std::string::npos || end == 0) throw InputError(source, "not a valid .npy file: malformed header");
  return header.substr(start, end - start);
}

}  // namespace

torch::Tensor parseNpy(const std::string& bytes, const std::string& source) {
  if (bytes.empty()) throw InputError(source, "file is empty (0 bytes)");
  if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0)
    throw InputError(source, "not a NumPy .npy file (bad magic string)");
  const int major = static_cast<unsigned char>(bytes[6]);
  if (major < 1 || major > 3) throw InputError(source, "unsupported .npy format version " + std::to_string(major));
  size_t headerLen, offset;
  if (major == 1) {
    headerLen = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
    offset = 10;
  } else {
    if (bytes.size() < 12) throw InputError(source, "truncated .npy header");
    headerLen = 0;
    for (int i = 0; i < 4; ++i) headerLen |= size_t(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
    offset = 12;
  }
  if (bytes.size() < offset + headerLen) throw InputError(source, "truncated .npy header");
  const std::string header = bytes.substr(offset, headerLen);
  offset += headerLen;

  const std::string descr = dictValue(header, "descr", source);
  size_t itemSize;
  if (descr == "'<f4'") itemSize = 4;
  else if (descr == "'<f8'") itemSize = 8;
  else throw InputError(source, "unsupported dtype " + descr + " (expected little-endian float32 '<f4' or float64 '<f8')");
  if (dictValue(header, "fortran_order", source) != "False")
    throw InputError(source, "Fortran-ordered arrays are not supported (save with C order)");

  std::string shapeText = dictValue(header, "shape", source);
  if (shapeText.size() < 2 || shapeText.front() != '(' || shapeText.back() != ')')
    throw InputError(source, "malformed shape " + shapeText + " (expected a tuple)");
  std::vector<int64_t> shape;
  // count: elements; extent: the product of the non-zero dimensions, which bounds the strides even when a
  // zero dimension makes the array empty.
  int64_t count = 1, extent = 1;
  {
    std::string inner = shapeText.substr(1, shapeText.size() - 2);
    std::stringstream ss(inner);
    std::string dim;
    while (std::getline(ss, dim, ',')) {
      if (dim.find_first_not_of(' ') == std::string::npos) continue;
      long long v = -1;
      size_t used = 0;  // stays 0 when stoll finds no number
      try {
        v = std::stoll(dim, &used);
      } catch (const std::exception&) {
      }
      if (used == 0 || dim.find_first_not_of(' ', used) != std::string::npos)  // "0-15" is not one number
        throw InputError(source, "malformed shape " + shapeText);
      if (v < 0 || v > (1LL << 31)) throw InputError(source, "absurd dimension in shape " + shapeText);
      shape.push_back(v);
      count *= v;
      extent *= std::max<long long>(v, 1);
      if (extent > (1LL << 31) || shape.size() > 8) throw InputError(source, "array too large: shape " + shapeText);
    }
  }
  const size_t need = size_t(count) * itemSize;
  if (bytes.size() - offset < need)
    throw InputError(source, "truncated: shape " + shapeText + " needs " + std::to_string(need) + " data bytes, file has " +
                                 std::to_string(bytes.size() - offset));
  auto dtype = itemSize == 4 ? torch::kFloat32 : torch::kFloat64;
  torch::Tensor t = torch::empty(shape, torch::TensorOptions().dtype(dtype));
  if (need) std::memcpy(t.data_ptr(), bytes.data() + offset, need);
  return t.to(torch::kFloat32);
}

torch::Tensor readNpy(const std::string& path) {
  return parseNpy(readRegularFile(path), path);
}

void writeNpy(const std::string& path, const torch::Tensor& data) {
  const torch::Tensor t = data.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  std::string shape = "(";
  for (int64_t i = 0; i < t.dim(); ++i) shape += std::to_string(t.size(i)) + (t.dim() == 1 || i + 1 < t.dim() ? "," : "");
  shape += ")";
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
  const size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  writeFileAtomically(path, [&](std::ostream& out) {
    out.write("\x93NUMPY\x01\x00", 8);
    const uint16_t len = static_cast<uint16_t>(header.size());
    out.put(char(len & 0xff));
    out.put(char(len >> 8));
    out << header;
    out.write(reinterpret_cast<const char*>(t.data_ptr<float>()), std::streamsize(t.numel() * sizeof(float)));
  });
}

void requireFinite(const torch::Tensor& t, const std::string& source) {
  const torch::Tensor bad = torch::logical_not(torch::isfinite(t.detach()));
  if (!bad.any().item<bool>()) return;
  const int64_t count = bad.sum().item<int64_t>();
  const int64_t first = bad.flatten().nonzero()[0][0].item<int64_t>();
  throw InputError(source, "contains " + std::to_string(count) + " NaN or infinite value(s) (first at flat index " +
                               std::to_string(first) + ")");
}

}  // namespace trustct
