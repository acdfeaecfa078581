#include "recon/io/SinogramFormats.h"

#include "recon/io/SinogramIO.h"

namespace trustct {

SinogramFormats& SinogramFormats::instance() {
  static SinogramFormats formats;
  return formats;
}

SinogramFormats::SinogramFormats() {
  add(npySinogramFormat());
  add(rawSinogramFormat());
  add(itkSinogramFormat());
  add(lodopabSinogramFormat());
}

void SinogramFormats::add(SinogramFormat format) {
  for (auto& f : formats_)
    if (f.name == format.name) {
      f = std::move(format);
      return;
    }
  formats_.push_back(std::move(format));
}

const SinogramFormat* SinogramFormats::find(const std::string& path) const {
  for (const auto& f : formats_)
    for (const auto& ext : f.extensions)
      if (path.size() >= ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0) return &f;
  return nullptr;
}

std::vector<std::string> SinogramFormats::extensions() const {
  std::vector<std::string> all;
  for (const auto& f : formats_) all.insert(all.end(), f.extensions.begin(), f.extensions.end());
  return all;
}

std::string joinExtensions(const std::vector<std::string>& extensions, const std::string& prefix,
                           const std::string& separator) {
  std::string list;
  for (const auto& ext : extensions) list += (list.empty() ? "" : separator) + prefix + ext;
  return list;
}

}  // namespace trustct
