#include "recon/io/Npy.h"

#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <cstring>
#include <fstream>
#include <iterator>

#include "recon/core/AtomicFile.h"
#include "recon/core/Errors.h"
#include "recon/core/InputFile.h"

namespace trustct {
namespace {

// The header is a Python dict literal of strings, booleans and one tuple of integers. It is tokenised as such,
// so a key inside a string value ("'x': 'shape: (1, 2)'") is never taken for a key and "(30,,,,, 183)" is not
// a shape (hardening issue, defect 12).
class NpyHeader {
 public:
  NpyHeader(const std::string& text, const std::string& source) : t_(text), source_(source) {
    skipSpace();
    expect('{');
    while (skipSpace(), peek() != '}') {
      const std::string key = quoted();
      if (values_.count(key)) fail("the key '" + key + "' twice");
      skipSpace();
      expect(':');
      skipSpace();
      const size_t from = p_;
      if (peek() == '\'' || peek() == '"') {
        values_[key] = "'" + quoted() + "'";
      } else if (peek() == '(') {
        shape_ = tuple();
        values_[key] = t_.substr(from, p_ - from);
      } else {
        while (p_ < t_.size() && std::isalnum(static_cast<unsigned char>(t_[p_]))) ++p_;
        values_[key] = t_.substr(from, p_ - from);
        if (values_[key].empty()) fail("a value that is not a string, True/False or a tuple");
      }
      skipSpace();
      if (peek() == ',') ++p_;
      else if (peek() != '}') fail("no comma between entries");
    }
    ++p_;
    skipSpace();
    if (p_ != t_.size()) fail("text after the closing brace");
  }

  const std::string& value(const std::string& key) const {
    const auto it = values_.find(key);
    if (it == values_.end()) throw InputError(source_, "not a valid .npy file: header has no '" + key + "'");
    return it->second;
  }
  // The shape tuple's integers; only valid when value("shape") was a tuple.
  const std::vector<long long>& shape() const { return shape_; }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    const size_t shown = t_.find_last_not_of(" \n") + 1;  // without the padding
    throw InputError(source_, "not a valid .npy file: its header has " + what + " (at character " +
                                  std::to_string(p_) + " of \"" + t_.substr(0, shown) + "\")");
  }
  char peek() const { return p_ < t_.size() ? t_[p_] : '\0'; }
  void skipSpace() {
    while (p_ < t_.size() && (t_[p_] == ' ' || t_[p_] == '\n' || t_[p_] == '\t')) ++p_;
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("no '") + c + "' where one belongs");
    ++p_;
  }
  std::string quoted() {
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail("a key that is not a quoted string");
    const size_t close = t_.find(quote, p_ + 1);
    if (close == std::string::npos) fail("an unterminated string");
    std::string out = t_.substr(p_ + 1, close - p_ - 1);
    p_ = close + 1;
    return out;
  }
  // "(" [int ("," int)* [","]] ")": (30, 183), (30,), () — never an empty element.
  std::vector<long long> tuple() {
    std::vector<long long> out;
    expect('(');
    for (skipSpace(); peek() != ')'; skipSpace()) {
      const size_t from = p_;
      while (p_ < t_.size() && std::isdigit(static_cast<unsigned char>(t_[p_]))) ++p_;
      if (p_ == from || p_ - from > 12) fail("a malformed shape: an element that is not a whole number");
      out.push_back(std::stoll(t_.substr(from, p_ - from)));
      skipSpace();
      if (peek() == ',') ++p_;
      else if (peek() != ')') fail("a malformed shape: an element followed by neither ',' nor ')'");
    }
    ++p_;
    return out;
  }

  const std::string& t_;
  const std::string& source_;
  size_t p_ = 0;
  std::map<std::string, std::string> values_;
  std::vector<long long> shape_;
};

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

  const NpyHeader fields(header, source);
  const std::string& descr = fields.value("descr");
  size_t itemSize;
  if (descr == "'<f4'") itemSize = 4;
  else if (descr == "'<f8'") itemSize = 8;
  else throw InputError(source, "unsupported dtype " + descr + " (expected little-endian float32 '<f4' or float64 '<f8')");
  if (fields.value("fortran_order") != "False")
    throw InputError(source, "Fortran-ordered arrays are not supported (save with C order)");

  const std::string& shapeText = fields.value("shape");
  if (shapeText.empty() || shapeText.front() != '(') throw InputError(source, "malformed shape " + shapeText + " (expected a tuple)");
  std::vector<int64_t> shape;
  // count: elements; extent: the product of the non-zero dimensions, which bounds the strides even when a
  // zero dimension makes the array empty.
  int64_t count = 1, extent = 1;
  for (const long long v : fields.shape()) {
    if (v > (1LL << 31)) throw InputError(source, "absurd dimension in shape " + shapeText);
    shape.push_back(v);
    count *= v;
    extent *= std::max<long long>(v, 1);
    if (extent > (1LL << 31) || shape.size() > 8) throw InputError(source, "array too large: shape " + shapeText);
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
