#include "recon/io/dicom/DicomNesting.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctag.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "recon/core/Errors.h"

namespace trustct {
namespace {

constexpr uint32_t kUndefined = 0xFFFFFFFFu;
constexpr size_t kOpenEnded = size_t(-1);

class NestingScan {
 public:
  NestingScan(const std::string& bytes, const std::string& source, int maxDepth)
      : b_(bytes), source_(source), maxDepth_(maxDepth) {}

  void run() {
    size_t p = 0;
    if (b_.size() >= 132 && b_.compare(128, 4, "DICM") == 0) {
      p = 132;
      const std::string syntax = metaGroup(p);
      if (syntax == "1.2.840.10008.1.2") explicitVr_ = false;
      if (syntax == "1.2.840.10008.1.2.2") littleEndian_ = false;
      if (syntax == "1.2.840.10008.1.2.1.99")
        throw InputError(source_, "uses the deflated transfer syntax, which TrustCT does not read");
    } else if (b_.size() >= 6) {
      // No preamble: a data set as DCMTK would guess it, explicit when the VR field holds two capitals.
      explicitVr_ = isVrChar(b_[4]) && isVrChar(b_[5]);
    }
    dataSet(p);
  }

 private:
  struct Open {
    size_t end;     // kOpenEnded: closed by a delimiter
    bool sequence;  // a sequence (counts towards the depth) or an item
  };

  static bool isVrChar(char c) { return c >= 'A' && c <= 'Z'; }
  uint16_t u16(size_t p, bool little) const {
    const auto* u = reinterpret_cast<const unsigned char*>(b_.data() + p);
    return little ? uint16_t(u[0] | u[1] << 8) : uint16_t(u[0] << 8 | u[1]);
  }
  uint32_t u32(size_t p, bool little) const {
    const uint32_t lo = u16(p, little), hi = u16(p + 2, little);
    return little ? lo | hi << 16 : lo << 16 | hi;
  }
  static bool longForm(std::string_view vr) {
    for (const char* v : {"OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"})
      if (vr == v) return true;
    return false;
  }

  // The file meta group (always explicit little endian); returns the transfer syntax UID.
  std::string metaGroup(size_t& p) const {
    std::string syntax;
    while (p + 8 <= b_.size() && u16(p, true) == 0x0002) {
      const uint16_t element = u16(p + 2, true);
      const std::string_view vr(b_.data() + p + 4, 2);
      const bool wide = longForm(vr);
      if (wide && p + 12 > b_.size()) return syntax;
      const uint32_t length = wide ? u32(p + 8, true) : u16(p + 6, true);
      p += wide ? 12 : 8;
      if (length == kUndefined || p + length > b_.size()) return syntax;
      if (element == 0x0010) {
        syntax.assign(b_, p, length);
        while (!syntax.empty() && (syntax.back() == '\0' || syntax.back() == ' ')) syntax.pop_back();
      }
      p += length;
    }
    return syntax;
  }

  void dataSet(size_t p) {
    std::vector<Open> open;
    int depth = 0;
    while (p + 8 <= b_.size()) {
      while (!open.empty() && open.back().end != kOpenEnded && p >= open.back().end) {
        depth -= open.back().sequence;
        open.pop_back();
      }
      const uint16_t group = u16(p, littleEndian_), element = u16(p + 2, littleEndian_);
      if (group == 0xFFFE) {
        const uint32_t length = u32(p + 4, littleEndian_);
        p += 8;
        if (element == 0xE000) {
          open.push_back({length == kUndefined ? kOpenEnded : p + length, false});
        } else if (element == 0xE00D && !open.empty() && !open.back().sequence) {
          open.pop_back();
        } else if (element == 0xE0DD) {
          while (!open.empty() && !open.back().sequence) open.pop_back();
          if (!open.empty()) --depth, open.pop_back();
        }
        continue;
      }
      std::string_view vr;
      uint32_t length;
      if (explicitVr_) {
        vr = std::string_view(b_.data() + p + 4, 2);
        const bool wide = longForm(vr);
        if (wide && p + 12 > b_.size()) return;
        length = wide ? u32(p + 8, littleEndian_) : u16(p + 6, littleEndian_);
        p += wide ? 12 : 8;
      } else {
        length = u32(p + 4, littleEndian_);
        p += 8;
        if (DcmTag(group, element).getEVR() == EVR_SQ || length == kUndefined) vr = "SQ";
      }
      if (vr == "SQ" || (vr == "UN" && length == kUndefined)) {
        if (++depth > maxDepth_)
          throw InputError(source_, "nests sequences more than " + std::to_string(maxDepth_) + " levels deep (at byte " +
                                        std::to_string(p) + "): damaged or hostile, refusing to parse it");
        open.push_back({length == kUndefined ? kOpenEnded : p + length, true});
      } else if (length == kUndefined) {
        p = fragmentsEnd(p);  // encapsulated pixel data: items of raw bytes, then a sequence delimiter
      } else {
        if (length > b_.size() - p) return;
        p += length;
      }
    }
  }

  size_t fragmentsEnd(size_t p) const {
    while (p + 8 <= b_.size()) {
      const uint16_t group = u16(p, littleEndian_), element = u16(p + 2, littleEndian_);
      const uint32_t length = u32(p + 4, littleEndian_);
      p += 8;
      if (group != 0xFFFE || element == 0xE0DD || length > b_.size() - p) return p;
      p += length;
    }
    return b_.size();
  }

  const std::string& b_;
  const std::string& source_;
  const int maxDepth_;
  bool explicitVr_ = true, littleEndian_ = true;
};

}  // namespace

void requireShallowNesting(const std::string& bytes, const std::string& source, int maxDepth) {
  NestingScan(bytes, source, maxDepth).run();
}

}  // namespace trustct
