#!/usr/bin/env bash
# Reads the Common Crawl fixtures with neardup's readers and prints, per
# WARC/WET/WAT file: format, compression, documents, rejected records (with
# reasons), records passed through, and bytes of text.
#
# Usage: bench/eval_warc_fixtures.sh [DATA_DIR]
#   DATA_DIR  holds cc-warc-fixtures.tar.xz (default: ../shared/data,
#             relative to the repository root)
#   BUILD     the build folder with bench/neardup_io_check (default: build,
#             relative to the repository root; configure with
#             -DNEARDUP_BUILD_BENCHMARKS=ON, build target neardup_io_check)
# Exit status: 0 when every record was read, 1 when any file had a
# rejection, 2 when something is missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${1:-$root/../shared/data}"
build="${BUILD:-build}"
case "$build" in
  /*) ;;
  *) build="$root/$build" ;;
esac
check="$build/bench/neardup_io_check"
archive="$data/cc-warc-fixtures.tar.xz"

if [[ ! -x "$check" ]]; then
  echo "error: $check not found (cmake -DNEARDUP_BUILD_BENCHMARKS=ON, then" \
       "build the neardup_io_check target)" >&2
  exit 2
fi
if [[ ! -f "$archive" ]]; then
  echo "error: $archive not found" >&2
  exit 2
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
tar -xJf "$archive" -C "$tmp"
cd "$tmp"

# Every WARC-format file: .warc, .wet and .wat, compressed or not.
mapfile -t files < <(find . -type f \
  \( -name '*.warc' -o -name '*.warc.*' -o -name '*.wet' -o -name '*.wet.*' \
     -o -name '*.wat' -o -name '*.wat.*' \) | sed 's|^\./||' | LC_ALL=C sort)
if [[ ${#files[@]} -eq 0 ]]; then
  echo "error: no WARC/WET/WAT files in $archive" >&2
  exit 2
fi

echo "neardup io check: ${#files[@]} files from $(basename "$archive")"
status=0
"$check" "${files[@]}" || status=$?
if [[ $status -eq 1 ]]; then
  echo "FAIL: some records were rejected" >&2
elif [[ $status -ne 0 ]]; then
  echo "FAIL: neardup_io_check exited with $status" >&2
else
  echo "OK: no rejections"
fi
exit "$status"
