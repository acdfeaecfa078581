#!/usr/bin/env bash
# Orthanc round trip: starts a real Orthanc on this machine with a configuration written here (own DICOM
# and HTTP ports, remote access off, only our AE from 127.0.0.1 may store), C-ECHOes it, C-STOREs an
# exported CT + SR, checks them through the REST API, exports and sends the same reconstructions again (the
# derived UIDs must replace, not duplicate: one CT series per method) and stops Orthanc by its PID.
# usage: orthanc_roundtrip.sh TRUSTCT_CLI TEST_DATA_DIR
set -euo pipefail
cli=$1 data=$2
work=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
dicom_port=$(free_port)
http_port=$(free_port)
while [ "$http_port" = "$dicom_port" ]; do http_port=$(free_port); done
mkdir -p "$work/storage"
cat > "$work/orthanc.json" <<JSON
{
  "Name": "TrustCT integration test",
  "StorageDirectory": "$work/storage",
  "IndexDirectory": "$work/storage",
  "DicomAet": "ORTHANC_TEST",
  "DicomPort": $dicom_port,
  "HttpPort": $http_port,
  "RemoteAccessAllowed": false,
  "AuthenticationEnabled": false,
  "DicomAlwaysAllowStore": false,
  "DicomAlwaysAllowEcho": false,
  "DicomCheckModalityHost": true,
  "DicomModalities": { "trustct": [ "TRUSTCT_TEST", "127.0.0.1", 104 ] },
  "Plugins": [],
  "LuaScripts": [],
  "StorageCompression": false
}
JSON
Orthanc "$work/orthanc.json" > "$work/orthanc.log" 2>&1 &
pid=$!
api="http://127.0.0.1:$http_port"
for _ in $(seq 1 60); do
  curl -sf "$api/system" > /dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/orthanc.log"; echo "Orthanc exited"; exit 1; }
  sleep 0.5
done
curl -sf "$api/system" > /dev/null || { cat "$work/orthanc.log"; echo "Orthanc did not start"; exit 1; }
echo "Orthanc $(curl -s "$api/system" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["Version"])') on DICOM port $dicom_port, HTTP port $http_port (pid $pid)"

node=(--host 127.0.0.1 --port "$dicom_port" --aet TRUSTCT_TEST --aec ORTHANC_TEST --timeout 10)
"$cli" echo "${node[@]}"
# An AE the server does not know is refused: the configuration really restricts who may talk to it.
if "$cli" echo --host 127.0.0.1 --port "$dicom_port" --aet STRANGER --aec ORTHANC_TEST --timeout 10 > "$work/stranger.log" 2>&1; then
  echo "FAIL: Orthanc accepted an unregistered AE title"; exit 1
fi
# ... and the user reads the reason the server gave (A-ASSOCIATE-RJ), not only "Association Rejected".
grep -q "Reason: Calling AE Title Not Recognized" "$work/stranger.log" || { cat "$work/stranger.log"; echo "FAIL: rejection reason not shown"; exit 1; }

"$cli" calibrate --model fbp --count 24 --seed 500000 --out "$work/cal.json" > /dev/null
"$cli" export --input "$data/dicom/CT_small.dcm" --methods fbp,tv --out "$work/out" --calibration "$work/cal.json"
"$cli" send "${node[@]}" "$work/out"/*.dcm
# The same reconstructions exported and sent again: the same UIDs, so Orthanc still holds one copy.
"$cli" export --input "$data/dicom/CT_small.dcm" --methods fbp,tv --out "$work/again" --calibration "$work/cal.json"
"$cli" send "${node[@]}" "$work/again"/*.dcm

/usr/bin/python3 - "$api" "$work/out/export.json" "$work/again/export.json" "$data/dicom/CT_small.dcm" <<'PY'
import json, sys, urllib.request
import pydicom
api, manifest_path, again_path, source = sys.argv[1:]
get = lambda path: json.load(urllib.request.urlopen(api + path))
methods = json.load(open(manifest_path))["methods"]
again = json.load(open(again_path))["methods"]
uid_keys = lambda m: {k: v for k, v in m.items() if k.endswith("_uid")}
for name, m in methods.items():
    assert uid_keys(m) == uid_keys(again[name]), f"{name}: a re-export changed its UIDs {uid_keys(m)} {uid_keys(again[name])}"
expected = {}
for m in methods.values():
    expected[m["ct_sop_instance_uid"]] = "CT"
    expected[m["sr_sop_instance_uid"]] = "SR"
    if m.get("kos_sop_instance_uid"):
        expected[m["kos_sop_instance_uid"]] = "KO"
ids = get("/instances")
assert len(ids) == len(expected), f"expected {len(expected)} instances in Orthanc, found {len(ids)}"
study = pydicom.dcmread(source, stop_before_pixels=True).StudyInstanceUID
seen, ct_series = {}, set()
for i in ids:
    tags = get(f"/instances/{i}/simplified-tags")
    seen[tags["SOPInstanceUID"]] = tags["Modality"]
    assert tags["StudyInstanceUID"] == study, "exported instances must stay in the source study"
    if tags["Modality"] == "CT":
        assert tags["ImageType"] == "DERIVED\\SECONDARY\\AXIAL", tags["ImageType"]
        assert tags["BurnedInAnnotation"] == "NO"
        assert tags["RescaleType"] == "HU"
        ct_series.add(tags["SeriesInstanceUID"])
    print(f"Orthanc holds {tags['Modality']} {tags['SOPInstanceUID']} ({tags.get('SeriesDescription', '')})")
assert seen == expected, f"Orthanc holds {seen}, expected {expected}"
assert len(ct_series) == len(methods), f"{len(ct_series)} CT series for {len(methods)} methods"
stats = get("/statistics")
assert stats["CountInstances"] == len(expected) and stats["CountStudies"] == 1, stats
print(f"orthanc_roundtrip: {len(expected)} instances of {len(methods)} methods stored once, sent twice, verified through the REST API")
PY
kill "$pid"
wait "$pid" 2>/dev/null || true
pid=""
echo "Orthanc stopped"
