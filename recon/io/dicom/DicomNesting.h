#pragma once
// A bounded pre-scan of a DICOM file's sequence nesting. DCMTK parses nested sequences recursively, so a
// 291 KB file of about 7,000 nested levels overflowed the stack and killed import, export, send and the GUI
// (hardening issue, defect 4). The scan walks the element structure iteratively, without allocating
// per element, and refuses a file nested deeper than any real CT object before DCMTK sees it.
#include <string>

namespace trustct {

constexpr int kMaxDicomNesting = 64;  // real CT objects nest a handful of levels (enhanced CT: 3–4)

// InputError naming `source` when `bytes` nests sequences deeper than `maxDepth` or uses the deflated transfer
// syntax (whose structure cannot be scanned without inflating it). Structure it cannot follow (a length past
// the end) ends the scan: DCMTK then reports the damage in its own words.
void requireShallowNesting(const std::string& bytes, const std::string& source, int maxDepth = kMaxDicomNesting);

}  // namespace trustct
