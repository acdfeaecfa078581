#!/usr/bin/python3
"""Reference PSNR/SSIM values from scikit-image for tests/unit/MetricsTest.cpp.

Run once with Debian's python3 (apt-get install python3-skimage python3-numpy):
    /usr/bin/python3 tests/reference/make_metric_references.py tests/data/metrics
Writes pair_K_a.npy / pair_K_b.npy (float32, 128x128) and references.json. Committed with its outputs.
"""
import json
import os
import sys

import numpy as np
import skimage
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(20261122)
yy, xx = np.mgrid[0:128, 0:128] / 127.0
pairs = []
# Smooth structure plus noise of several levels, a blurred copy, a clipped copy, and an exact copy.
base = (0.5 + 0.3 * np.sin(6 * xx) * np.cos(4 * yy) + 0.2 * ((xx - 0.5) ** 2 + (yy - 0.4) ** 2 < 0.05)).clip(0, 1)
pairs.append((base, base + 0.02 * rng.standard_normal(base.shape)))
pairs.append((base, base + 0.1 * rng.standard_normal(base.shape)))
blur = (base + np.roll(base, 1, 0) + np.roll(base, -1, 0) + np.roll(base, 1, 1) + np.roll(base, -1, 1)) / 5
pairs.append((base, blur))
pairs.append((rng.random(base.shape), rng.random(base.shape)))
pairs.append((base, (base + 0.3 * rng.standard_normal(base.shape)).clip(-0.2, 1.2)))
refs = []
for k, (a, b) in enumerate(pairs):
    a = a.astype(np.float32)
    b = b.astype(np.float32)
    np.save(os.path.join(out, f"pair_{k}_a.npy"), a)
    np.save(os.path.join(out, f"pair_{k}_b.npy"), b)
    # Metrics in float64 on the float32 data, image b measured against reference a.
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    refs.append({
        "pair": k,
        "psnr": float(peak_signal_noise_ratio(a64, b64, data_range=1)),
        "ssim": float(structural_similarity(a64, b64, data_range=1)),
    })
with open(os.path.join(out, "references.json"), "w") as f:
    json.dump({"skimage_version": skimage.__version__, "pairs": refs}, f, indent=1)
print(json.dumps(refs, indent=1))
