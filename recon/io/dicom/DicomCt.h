#pragma once
// Reading CT slices from DICOM (DCMTK): a single file, a multi-frame file or a series folder, in any
// transfer syntax DCMTK decodes (uncompressed, JPEG, JPEG-LS, RLE). Pixels become Hounsfield units via
// the Modality LUT (Rescale Slope/Intercept); the identifiers and geometry the certified export needs
// travel with every slice. No torch here, so the reader can be fuzzed on its own.
// Every malformed input gets an InputError naming the file and the problem.
#include <string>
#include <vector>

#include "recon/io/CtSlice.h"

namespace trustct {

// A file (single- or multi-frame) or a folder holding one CT series.
CtSeries readDicomCt(const std::string& path);
// One DICOM file from memory (Part 10 with preamble, or a bare data set); `source` names it in errors.
std::vector<CtSlice> parseDicomCt(const std::string& bytes, const std::string& source);

}  // namespace trustct
