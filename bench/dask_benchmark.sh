#!/bin/bash
# neardup.dask with 2 local worker processes against `neardup dedup
# --threads 2` on the same generated crawl: wall time, throughput, peak
# memory per worker and of the driver, and a byte-for-byte comparison of
# the outputs. A benchmark, not a test.
#
#   bench/dask_benchmark.sh              # the 100 MB and 1 GB crawls
#   SIZES=100M bench/dask_benchmark.sh
#
# Environment (all optional): WORK (crawls, default /tmp/neardup-e2e, the
# folder of e2e_benchmark.sh: crawls there are reused), OUT (outputs,
# default /tmp/neardup-dask-bench), BUILD (default build), SIZES (default
# "100M 1G"), PARTITION_BYTES (default 67108864).
#
# The Dask time is measured twice: the whole command (it starts and stops a
# LocalCluster of 2 processes, about 2 s) and the job alone ("total" in its
# stats.json). Each run is made once after one untimed warm-up of the
# page cache (cat FILE > /dev/null).

set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${BUILD:-$REPO/build}"
WORK="${WORK:-/tmp/neardup-e2e}"
OUT="${OUT:-/tmp/neardup-dask-bench}"
SIZES="${SIZES:-100M 1G}"
PARTITION_BYTES="${PARTITION_BYTES:-67108864}"
PY=/usr/bin/python3
export PYTHONPATH="$BUILD/python${PYTHONPATH:+:$PYTHONPATH}"

mkdir -p "$WORK" "$OUT"
echo "host $(hostname), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "neardup $(git -C "$REPO" rev-parse --short HEAD), $($PY -c 'import dask, distributed; print("dask", dask.__version__, "distributed", distributed.__version__)')"

field() { $PY -c "import json,sys; s=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
timed() {  # timed LOG COMMAND...: wall seconds on stdout, time -v in LOG
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -v "${@:2}" > /dev/null 2> "$1"
  end=$(date +%s.%N)
  $PY -c "print('%.2f' % ($end - $start))"
}
maxrss_mb() { awk -F: '/Maximum resident/ {printf "%.0f", $2 / 1024}' "$1"; }

for size in $SIZES; do
  crawl="$WORK/crawl-$size.jsonl"
  if [[ ! -f "$crawl" ]]; then
    "$BUILD/bench/neardup_make_corpus" --bytes "$size" --dup-rate 0.2 \
      --seed 1 -o "$crawl" 2> /dev/null
  fi
  bytes=$(stat -L -c %s "$crawl")
  cat "$crawl" > /dev/null
  rm -rf "$OUT/cli" "$OUT/dask"
  cli_s=$(timed "$OUT/cli.time" "$BUILD/tools/neardup" dedup "$crawl" \
    -o "$OUT/cli" --threads 2 --quiet)
  cat "$crawl" > /dev/null
  dask_s=$(timed "$OUT/dask.time" $PY -m neardup.dask "$crawl" -o "$OUT/dask" \
    --workers 2 --threads-per-worker 1 --partition-bytes "$PARTITION_BYTES")
  job_s=$(field "$OUT/dask/stats.json" 's["seconds"]["total"]')
  text=$(field "$OUT/dask/stats.json" 's["text_bytes"]')
  same=yes
  for f in "$(basename "$crawl")" removed.jsonl clusters.jsonl rejected.jsonl; do
    cmp -s "$OUT/cli/$f" "$OUT/dask/$f" || same="NO ($f differs)"
  done
  echo
  echo "crawl $crawl: $bytes bytes, $(field "$OUT/cli/stats.json" 's["read"]') records, $((bytes / PARTITION_BYTES + 1)) partitions"
  echo "  neardup dedup --threads 2: $cli_s s, $($PY -c "print('%.1f' % ($text / 1e6 / $cli_s))") MB/s of text, peak $(maxrss_mb "$OUT/cli.time") MB"
  echo "  neardup.dask, 2 workers:   $dask_s s with cluster start, job $job_s s ($($PY -c "print('%.1f' % ($text / 1e6 / $job_s))") MB/s), peak per worker $(field "$OUT/dask/stats.json" '"%.0f" % (s["peak_rss_bytes"] / 2**20)') MB, largest process (driver or worker) $(maxrss_mb "$OUT/dask.time") MB"
  echo "  stage seconds: cli $(field "$OUT/cli/stats.json" 's["seconds"]'), dask $(field "$OUT/dask/stats.json" 's["seconds"]')"
  echo "  outputs identical: $same"
done
