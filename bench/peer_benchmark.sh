#!/bin/bash
# neardup dedup against the compiled Go MinHash-LSH peer (ekzhu/minhash-lsh
# with dgryski/go-minhash, 128 permutations, its own tokenizer: lowercase
# [a-z0-9] words, word 5-grams), one core each, on the same generated crawl
# (issue 16). A benchmark, not a test: the exit status says whether it ran,
# not how fast. The peer stays outside the project: it is built by the
# shared script ../shared/tools/peers/build-go-peer.sh (Debian packages
# golang-go, golang-github-ekzhu-minhash-lsh-dev,
# golang-github-dgryski-go-minhash-dev; the script installs them with apt
# when they are missing).
#
#   bench/peer_benchmark.sh                 # a 200 MB crawl
#   SIZE=50M bench/peer_benchmark.sh        # a smaller one
#
# Environment (all optional):
#   WORK          folder for the crawl, its TSV copy and the outputs (default
#                 /tmp/neardup-peer-bench; a crawl already there is reused)
#   NEARDUP       the neardup binary (default build/tools/neardup)
#   MAKE_CORPUS   the generator (default build/bench/neardup_make_corpus)
#   PEER          the peer's driver (default $WORK/gominhashbench, built with
#                 PEER_BUILD when missing)
#   PEER_BUILD    default ../shared/tools/peers/build-go-peer.sh (beside the
#                 repository)
#   SIZE          --bytes of the crawl (default 200M); SEED (default 1)
#   THRESHOLD     Jaccard threshold of both (default 0.8)
#   RUNS          runs of each (default 2; best wall time kept)
#   CORE          the CPU both are pinned to with taskset (default 0)
#
# Both read the same documents: the JSONL crawl for neardup (`neardup dedup
# FILE --threads 1`, its defaults otherwise: 112 permutations, word 5-grams
# of its normalization, threshold THRESHOLD) and `id<TAB>text` lines for the
# peer (`PEER corpus.tsv THRESHOLD pairs.tsv`; tabs and line breaks of the
# text become spaces, which its tokenizer drops anyway), with GOMAXPROCS=1.
# Each run is a whole process: reading, signing, indexing and writing its
# results (neardup writes the kept records; the peer its pairs). The peer's
# own stage times (printed on stderr) are shown too. MB = 10^6 bytes of
# document text.

set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${WORK:-/tmp/neardup-peer-bench}"
NEARDUP="${NEARDUP:-$REPO/build/tools/neardup}"
MAKE_CORPUS="${MAKE_CORPUS:-$REPO/build/bench/neardup_make_corpus}"
PEER="${PEER:-$WORK/gominhashbench}"
PEER_BUILD="${PEER_BUILD:-$REPO/../shared/tools/peers/build-go-peer.sh}"
SIZE="${SIZE:-200M}"
SEED="${SEED:-1}"
THRESHOLD="${THRESHOLD:-0.8}"
RUNS="${RUNS:-2}"
CORE="${CORE:-0}"
PY=/usr/bin/python3

for exe in "$NEARDUP" "$MAKE_CORPUS"; do
  [[ -x "$exe" ]] || { echo "peer_benchmark: $exe is not executable (build it, or set NEARDUP / MAKE_CORPUS)" >&2; exit 2; }
done
. "$REPO/bench/bench_lib.sh"  # TIMEV, print_context
[[ -n "$TIMEV" ]] || { echo "peer_benchmark: needs /usr/bin/time -v (Debian package time)" >&2; exit 2; }
mkdir -p "$WORK"

if [[ ! -x "$PEER" ]]; then
  [[ -x "$PEER_BUILD" ]] || { echo "peer_benchmark: no peer at $PEER and no build script at $PEER_BUILD" >&2; exit 2; }
  echo "building the Go peer: $PEER_BUILD $PEER"
  "$PEER_BUILD" "$PEER"
fi

PIN=()
if command -v taskset > /dev/null; then PIN=(taskset -c "$CORE"); fi

print_context "neardup against the Go MinHash-LSH peer, one core each"
echo "peer:    $PEER (ekzhu/minhash-lsh, 128 permutations), built $(date -u -r "$PEER" '+%Y-%m-%d %H:%M UTC')"
echo "pinned:  ${PIN[*]:-no taskset: not pinned}"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) at start"
echo

crawl="$WORK/crawl-$SIZE.jsonl"
tsv="$WORK/crawl-$SIZE.tsv"
if [[ ! -f "$crawl" ]]; then
  echo "generating $crawl: neardup_make_corpus --bytes $SIZE --seed $SEED"
  "$MAKE_CORPUS" --bytes "$SIZE" --seed "$SEED" -o "$crawl" 2>&1 | sed 's/^/  /'
fi
if [[ ! -f "$tsv" ]]; then
  $PY - "$crawl" "$tsv.tmp" <<'EOF'
import json, sys
with open(sys.argv[1], encoding="utf-8") as src, open(sys.argv[2], "w", encoding="utf-8") as out:
    for line in src:
        r = json.loads(line)
        text = r["text"].replace("\t", " ").replace("\r", " ").replace("\n", " ")
        out.write(r["id"] + "\t" + text + "\n")
EOF
  mv "$tsv.tmp" "$tsv"
fi
text_bytes=$($PY -c "
import sys
n = 0
for line in open(sys.argv[1], 'rb'):
    n += len(line) - line.index(b'\t') - 2
print(n)" "$tsv")
docs=$(wc -l < "$tsv")
echo "crawl:   $crawl ($docs documents, $text_bytes bytes of text)"
echo

field() {  # field FILE NAME: a /usr/bin/time -v field
  sed -n "s/^\t$2: //p" "$1"
}
seconds() {  # m:ss.ss or h:mm:ss -> seconds
  $PY -c "
import sys
p = [float(x) for x in sys.argv[1].split(':')]
s = 0
for x in p: s = s * 60 + x
print('%.3f' % s)" "$1"
}

best() {  # best NAME CMD...: runs it RUNS times, prints the best wall and CPU times
  local name=$1; shift
  local b="" c="" tv="$WORK/time-$name.txt"
  for i in $(seq 1 "$RUNS"); do
    "$TIMEV" -v -o "$tv" "$@" > "$WORK/$name.stdout" 2> "$WORK/$name.stderr"
    local w cpu rss
    w=$(seconds "$(field "$tv" 'Elapsed (wall clock) time (h:mm:ss or m:ss)')")
    cpu=$($PY -c "print('%.2f' % (float('$(field "$tv" 'User time (seconds)')') + float('$(field "$tv" 'System time (seconds)')')))")
    rss=$(field "$tv" 'Maximum resident set size (kbytes)')
    echo "  $name run $i: wall $w s, cpu $cpu s, peak $((rss / 1024)) MiB, load $(cut -d' ' -f1 /proc/loadavg)" >&2
    b=$($PY -c "import sys; a=sys.argv[1]; print(sys.argv[2] if not a or float(sys.argv[2]) < float(a) else a)" "$b" "$w")
    c=$($PY -c "import sys; a=sys.argv[1]; print(sys.argv[2] if not a or float(sys.argv[2]) < float(a) else a)" "$c" "$cpu")
  done
  echo "$b $c"
}

cat "$crawl" "$tsv" > /dev/null
echo "runs (best of $RUNS):"
nd=$(best neardup "${PIN[@]}" "$NEARDUP" dedup "$crawl" -o "$WORK/out" --threads 1 \
  --threshold "$THRESHOLD" --quiet --overwrite --no-report)
grep -o '"seconds":{[^}]*}' "$WORK/out/stats.json" | sed 's/^/  neardup stages: /'
export GOMAXPROCS=1
peer=$(best peer "${PIN[@]}" "$PEER" "$tsv" "$THRESHOLD" "$WORK/pairs.tsv")
sed 's/^/  peer stages: /' "$WORK/peer.stderr"
echo
# On a shared machine the CPU seconds (user + sys, best run) say more than
# the wall time, which waits for the core whenever another process has it.
$PY - "$text_bytes" "$docs" $nd $peer <<'EOF'
import sys
text, docs = int(sys.argv[1]), int(sys.argv[2])
nd_wall, nd_cpu, peer_wall, peer_cpu = map(float, sys.argv[3:7])
print("| program | wall s | cpu s | MB/s (wall) | MB/s (cpu) | docs/s (wall) |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for name, w, c in (("neardup dedup --threads 1", nd_wall, nd_cpu),
                   ("Go peer, GOMAXPROCS=1", peer_wall, peer_cpu)):
    print(f"| {name} | {w:.2f} | {c:.2f} | {text / w / 1e6:.1f} | {text / c / 1e6:.1f} | {docs / w:.0f} |")
print()
print(f"neardup / peer speed: {peer_wall / nd_wall:.1f}x by wall time, "
      f"{peer_cpu / nd_cpu:.1f}x by CPU time (target >= 15x, report only)")
EOF
