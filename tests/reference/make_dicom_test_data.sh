#!/usr/bin/env bash
# Regenerates tests/data/dicom and tests/data/malformed from Debian's own DICOM test files
# (python3-pydicom, octave-dicom) with DCMTK's tools and pydicom. Run with Debian's /usr/bin/python3.
# The generated files are committed; this script documents how they were made.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
src=/usr/lib/python3/dist-packages/pydicom/data/test_files
dicom=$here/data/dicom
bad=$here/data/malformed
mkdir -p "$dicom/series_ct2" "$bad"

# Real CT data (see tests/data/dicom/SOURCES.md for origin and licences).
cp "$src/CT_small.dcm" "$dicom/CT_small.dcm"
cp "$src"/dicomdirtests/77654033/CT2/* "$dicom/series_ct2/"
if [ ! -f "$dicom/CT-MONO2-16-ankle.dcm" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download octave-dicom >/dev/null 2>&1 && dpkg-deb -x octave-dicom_*.deb x)
  cp "$tmp"/x/usr/share/octave/packages/dicom-*/imdata/CT-MONO2-16-ankle.dcm "$dicom/"
  rm -rf "$tmp"
fi

# Compressed transfer syntaxes DCMTK decodes: JPEG lossless (process 14 SV1), JPEG-LS lossless, RLE.
dcmcjpeg "$dicom/CT_small.dcm" "$dicom/CT_small_jpeg_lossless.dcm"
dcmcjpls "$dicom/CT_small.dcm" "$dicom/CT_small_jpegls.dcm"
dcmcrle "$dicom/CT_small.dcm" "$dicom/CT_small_rle.dcm"

# An Enhanced CT multi-frame object built from the 4-slice series (functional groups, shuffled frames).
/usr/bin/python3 - "$dicom" <<'PY'
import sys, glob, copy
import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian
out = sys.argv[1]
slices = [pydicom.dcmread(f) for f in sorted(glob.glob(out + "/series_ct2/*"))]
order = [2, 0, 3, 1]  # frames out of position order: the reader must not rely on frame order
first = slices[0]
ds = Dataset()
for kw in ["PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyInstanceUID", "StudyDate", "StudyTime",
           "ReferringPhysicianName", "StudyID", "AccessionNumber", "SeriesInstanceUID", "FrameOfReferenceUID"]:
    if kw in first: setattr(ds, kw, getattr(first, kw))
ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2.1"  # Enhanced CT Image Storage
ds.SOPInstanceUID = first.SOPInstanceUID + ".99"
ds.Modality = "CT"
ds.InstanceNumber = 1
ds.Rows, ds.Columns = first.Rows, first.Columns
ds.SamplesPerPixel = 1
ds.PhotometricInterpretation = "MONOCHROME2"
ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 16, 15
ds.PixelRepresentation = first.PixelRepresentation
ds.NumberOfFrames = len(slices)
shared = Dataset()
pm = Dataset(); pm.PixelSpacing = first.PixelSpacing; pm.SliceThickness = first.get("SliceThickness", 1)
po = Dataset(); po.ImageOrientationPatient = first.ImageOrientationPatient
pt = Dataset(); pt.RescaleIntercept = first.RescaleIntercept; pt.RescaleSlope = first.RescaleSlope; pt.RescaleType = "HU"
shared.PixelMeasuresSequence = Sequence([pm]); shared.PlaneOrientationSequence = Sequence([po])
shared.PixelValueTransformationSequence = Sequence([pt])
ds.SharedFunctionalGroupsSequence = Sequence([shared])
frames = []
for i in order:
    f = Dataset(); pp = Dataset(); pp.ImagePositionPatient = slices[i].ImagePositionPatient
    f.PlanePositionSequence = Sequence([pp]); frames.append(f)
ds.PerFrameFunctionalGroupsSequence = Sequence(frames)
ds.PixelData = b"".join(slices[i].PixelData for i in order)
meta = FileMetaDataset(); meta.MediaStorageSOPClassUID = ds.SOPClassUID; meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
meta.TransferSyntaxUID = ExplicitVRLittleEndian
ds.file_meta = meta; ds.is_little_endian = True; ds.is_implicit_VR = False
ds.save_as(out + "/enhanced_ct_multiframe.dcm", write_like_original=False)
PY

# Malformed inputs: each must give a clear InputError naming the file and the problem.
: > "$bad/zero_bytes.dcm"
head -c 20000 "$dicom/CT_small.dcm" > "$bad/truncated.dcm"
cp "$src/MR_small.dcm" "$bad/non_ct_modality_mr.dcm"
cp "$dicom/CT_small.dcm" "$bad/missing_pixel_data.dcm" && dcmodify -nb -e "(7fe0,0010)" "$bad/missing_pixel_data.dcm"
cp "$dicom/CT_small.dcm" "$bad/absurd_dimensions.dcm" && dcmodify -nb -m "(0028,0010)=60000" -m "(0028,0011)=60000" "$bad/absurd_dimensions.dcm"
cp "$dicom/CT_small.dcm" "$bad/rows_exceed_pixel_data.dcm" && dcmodify -nb -m "(0028,0010)=4096" "$bad/rows_exceed_pixel_data.dcm"
printf 'not a DICOM file at all\n' > "$bad/text_file.dcm"
/usr/bin/python3 - "$bad" <<'PY'
import sys
import numpy as np
bad = sys.argv[1]
np.save(bad + "/wrong_shape.npy", np.zeros((30, 180), np.float32))
nan = np.ones((30, 183), np.float32); nan[3, 7] = np.nan
np.save(bad + "/nan.npy", nan)
np.save(bad + "/int_dtype.npy", np.zeros((30, 183), np.int32))
with open(bad + "/truncated.npy", "wb") as f:
    np.save(f, np.ones((30, 183), np.float32))
data = open(bad + "/truncated.npy", "rb").read()
open(bad + "/truncated.npy", "wb").write(data[:1000])
np.zeros((30, 183), np.float32).tofile(bad + "/raw_without_sidecar.raw")
np.zeros((30, 183), np.float32).tofile(bad + "/raw_size_mismatch.raw")
open(bad + "/raw_size_mismatch.raw.json", "w").write('{"shape": [30, 184], "dtype": "float32"}\n')
PY
# shape_not_a_tuple.npy is fuzz_npy's first crash (an uncaught std::out_of_range), kept as a regression case.
echo "test data regenerated in $dicom and $bad"
