#!/usr/bin/env bash
# Builds the Debian package, unpacks it into a scratch root and runs the installed binaries from there:
# they must find their resources under the install prefix, not in the source tree.
# Usage: package_test.sh BUILD_DIR
set -euo pipefail
build="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$build" && cpack -G DEB -B "$work/pkg" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/pkg/trustct_*.deb)
echo "package: $(basename "$deb") ($(du -h "$deb" | cut -f1))"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for lib in libopenblas0-openmp libtorch libc6; do
  grep -q "$lib" <<<"$depends" || { echo "FAIL: Depends lacks $lib"; exit 1; }
done
dpkg-deb -x "$deb" "$work/root"
for f in usr/bin/trustct-cli usr/share/applications/trustct.desktop usr/share/metainfo/io.github.trustct.TrustCT.metainfo.xml \
         usr/share/icons/hicolor/scalable/apps/trustct.svg usr/share/trustct/resources/calibration/default.json; do
  [ -e "$work/root/$f" ] || { echo "FAIL: package lacks $f"; exit 1; }
done
# Man pages and completion: every subcommand has its section, and the completion offers the installed options.
for page in trustct-cli trustct; do
  [ -s "$work/root/usr/share/man/man1/$page.1" ] || { echo "FAIL: package lacks the man page $page.1"; exit 1; }
  [ -s "$work/root/usr/share/bash-completion/completions/$page" ] || { echo "FAIL: package lacks the completion for $page"; exit 1; }
done
man -l "$work/root/usr/share/man/man1/trustct-cli.1" > "$work/man.txt" 2>/dev/null || cp "$work/root/usr/share/man/man1/trustct-cli.1" "$work/man.txt"
for section in RECONSTRUCT EXPORT TRAIN VALIDATE-CERTIFICATES; do
  grep -q "^$section" "$work/man.txt" || grep -q "^\.SH \"$section\"" "$work/man.txt" ||
    { echo "FAIL: trustct-cli.1 has no $section section"; exit 1; }
done
grep -q -- "--calibration" "$work/man.txt" || { echo "FAIL: trustct-cli.1 lacks the options"; exit 1; }
completed=$(PATH="$work/root/usr/bin:$PATH" bash -c 'source "$1"; COMP_WORDS=(trustct-cli reconstruct --calib); COMP_CWORD=2
  _trustct_cli; echo "${COMPREPLY[*]}"' _ "$work/root/usr/share/bash-completion/completions/trustct-cli")
[ "$completed" = "--calibration" ] || { echo "FAIL: completion of 'reconstruct --calib' gave '$completed'"; exit 1; }
echo "man pages and completion installed"
# Run from the scratch root with the source tree's resources out of reach.
unset TRUSTCT_RESOURCES
version=$("$work/root/usr/bin/trustct-cli" --version)
echo "$version"
grep -q "resources: $work/root/usr/share/trustct/resources" <<<"$version" || { echo "FAIL: resources not found under the prefix"; exit 1; }
"$work/root/usr/bin/trustct-cli" demo --threads 1 --methods fbp | tee "$work/demo.log"
grep -q "FBP" "$work/demo.log"
echo "package test: 1 passed, 0 failed"
