#!/bin/bash
# Speed of `neardup clean` against `wc -w` on the same generated JSONL crawl
# (issue 4, "Figures": MB/s per core for clean on the 1 GB generated crawl, as
# a ratio to wc -w on the same file in the same run). A benchmark, not a
# test: the exit status says whether it ran, not how fast.
#
#   bench/clean_benchmark.sh                # the 1 GB crawl
#   bench/clean_benchmark.sh FILE.jsonl     # any JSONL crawl
#   SIZE=100M bench/clean_benchmark.sh      # a 100 MB crawl
#
# Environment (all optional):
#   WORK          folder for generated crawls and the output (default
#                 /tmp/neardup-clean-bench); a crawl already there is reused,
#                 the output is deleted after each run
#   NEARDUP       the neardup binary (default build/tools/neardup)
#   MAKE_CORPUS   the generator (default build/bench/neardup_make_corpus)
#   SIZE          --bytes of the crawl (default 1G); SEED (default 5)
#   REUSE         a crawl to use instead of generating one when no FILE is
#                 given (default /tmp/neardup-e2e/crawl-$SIZE.jsonl, the crawl
#                 of bench/e2e_benchmark.sh, when it exists; it is only read)
#   QUIET_WAIT    seconds to wait for other benchmarks to finish (default
#                 900); when the machine is still busy after that, the script
#                 measures the FALLBACK_SIZE crawl instead (default 100M),
#                 says so, and waits as long again for a quiet window to run
#                 it in; with FILE given, or when it is still busy, it exits
#                 with status 3 without measuring
#   WC_RUNS       wc -w runs (default 3); CLEAN_RUNS clean runs (default 2)
#   CLEAN_ARGS    more neardup clean options (default none: the defaults)
#
# "Busy" means another process that would skew the timings: a running
# `neardup dedup|clean`, `wc -w`, core_benchmark, neardup_make_corpus or
# e2e_benchmark.sh. The file is read once (cat) so that every timed run
# starts with it in the page cache; `wc -w FILE` is timed WC_RUNS times and
# `neardup clean FILE -o OUT --quiet --overwrite` CLEAN_RUNS times under
# /usr/bin/time -v, best wall time kept. MB = 10^6 bytes of the JSONL file.
# "Per core" divides by the CPU seconds (user + sys) of the run: the counting
# pass runs on --threads (default all cores), the cleaning pass on one.

set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${WORK:-/tmp/neardup-clean-bench}"
NEARDUP="${NEARDUP:-$REPO/build/tools/neardup}"
MAKE_CORPUS="${MAKE_CORPUS:-$REPO/build/bench/neardup_make_corpus}"
SIZE="${SIZE:-1G}"
SEED="${SEED:-5}"
QUIET_WAIT="${QUIET_WAIT:-900}"
FALLBACK_SIZE="${FALLBACK_SIZE:-100M}"
WC_RUNS="${WC_RUNS:-3}"
CLEAN_RUNS="${CLEAN_RUNS:-2}"
CLEAN_ARGS="${CLEAN_ARGS:-}"
PY=/usr/bin/python3
FILE="${1:-}"

[[ -x "$NEARDUP" ]] || { echo "clean_benchmark: $NEARDUP is not executable (cmake --build build --target neardup_tool)" >&2; exit 2; }
. "$REPO/bench/bench_lib.sh"  # TIMEV, print_context
mkdir -p "$WORK"
OUT="$WORK/out"

now() { date +%s.%N; }
elapsed() { $PY -c "import sys; print('%.3f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$2"; }
less() { $PY -c "import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)" "$1" "$2"; }

# Other processes that would skew the timings, one "pid command" per line.
busy() {
  $PY - "$$" <<'EOF'
import os, sys
me = {int(sys.argv[1]), os.getpid(), os.getppid()}
for pid in os.listdir("/proc"):
    if not pid.isdigit() or int(pid) in me:
        continue
    try:
        argv = open("/proc/%s/cmdline" % pid, "rb").read().split(b"\0")
    except OSError:
        continue
    argv = [a.decode("utf-8", "replace") for a in argv if a]
    if not argv:
        continue
    name = os.path.basename(argv[0])
    hit = (name == "neardup" and len(argv) > 1 and argv[1] in ("dedup", "clean")) \
        or (name == "wc" and "-w" in argv[1:]) \
        or name in ("core_benchmark", "neardup_make_corpus") \
        or any(os.path.basename(a) == "e2e_benchmark.sh" for a in argv[:3])
    if hit:
        print(pid, " ".join(argv)[:150])
EOF
}

# Wait up to $1 seconds for a quiet machine; returns 1 if still busy.
wait_quiet() {
  local deadline=$(( $(date +%s) + $1 )) others
  while :; do
    others="$(busy)"
    [[ -z "$others" ]] && return 0
    if (( $(date +%s) >= deadline )); then
      echo "still busy after ${1} s:" >&2
      echo "$others" | sed 's/^/  /' >&2
      return 1
    fi
    echo "waiting for a quiet machine ($(echo "$others" | wc -l) other benchmark processes, e.g. $(echo "$others" | head -1 | cut -c1-80))" >&2
    sleep 20
  done
}

crawl_for() {  # the crawl of size $1: reused or generated
  local s="$1" reuse="${REUSE:-/tmp/neardup-e2e/crawl-$1.jsonl}"
  if [[ -f "$reuse" ]]; then
    echo "$reuse"
    return
  fi
  local f="$WORK/crawl-$s-seed$SEED.jsonl"
  if [[ ! -f "$f" ]]; then
    [[ -x "$MAKE_CORPUS" ]] || { echo "clean_benchmark: $MAKE_CORPUS is not executable (cmake --build build --target neardup_make_corpus)" >&2; exit 2; }
    echo "generating $f: neardup_make_corpus --bytes $s --seed $SEED" >&2
    "$MAKE_CORPUS" --bytes "$s" --seed "$SEED" -o "$f" >&2
  fi
  echo "$f"
}

# --------------------------------------------------------------- context
print_context "neardup clean benchmark"

note=""
if [[ -z "$FILE" ]]; then
  if ! wait_quiet "$QUIET_WAIT"; then
    # A smaller crawl needs a shorter quiet window: wait for one again.
    note="NOT the $SIZE figure: no quiet window within $QUIET_WAIT s, measured on $FALLBACK_SIZE instead"
    SIZE="$FALLBACK_SIZE"
    wait_quiet "$QUIET_WAIT" || { echo "clean_benchmark: no quiet window; nothing measured" >&2; exit 3; }
  fi
  FILE="$(crawl_for "$SIZE")"
elif ! wait_quiet "$QUIET_WAIT"; then
  echo "clean_benchmark: no quiet window; nothing measured" >&2
  exit 3
fi
bytes=$(stat -L -c %s "$FILE")
echo "crawl:   $FILE, $bytes bytes, $(wc -l < "$FILE") records"
echo "clean:   neardup clean FILE -o OUT --quiet --overwrite $CLEAN_ARGS"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) at start"
[[ -n "$note" ]] && echo "NOTE:    $note"
echo

# --------------------------------------------------------------- runs
cat "$FILE" > /dev/null
best_wc=""
for i in $(seq 1 "$WC_RUNS"); do
  others="$(busy)"
  t0=$(now); words=$(wc -w < "$FILE"); t=$(elapsed "$t0" "$(now)")
  echo "wc -w          run $i: $t s ($words words)${others:+; also running: $(echo "$others" | head -1 | cut -c1-80)}"
  [[ -z "$best_wc" ]] || less "$t" "$best_wc" && best_wc=$t
done

best=""
best_summary=""
tv="$WORK/time-v.txt"
for i in $(seq 1 "$CLEAN_RUNS"); do
  rm -rf "$OUT"
  others="$(busy)"
  load=$(cut -d' ' -f1 /proc/loadavg)
  t0=$(now)
  # shellcheck disable=SC2086
  if [[ -n "$TIMEV" ]]; then
    "$TIMEV" -v -o "$tv" "$NEARDUP" clean "$FILE" -o "$OUT" --quiet --overwrite $CLEAN_ARGS > "$WORK/last.txt"
  else
    : > "$tv"
    "$NEARDUP" clean "$FILE" -o "$OUT" --quiet --overwrite $CLEAN_ARGS > "$WORK/last.txt"
  fi
  t=$(elapsed "$t0" "$(now)")
  summary=$($PY - "$OUT/stats.json" "$tv" "$t" "$best_wc" "$bytes" "$load" <<'EOF'
import json, re, sys
stats = json.load(open(sys.argv[1]))
tv = open(sys.argv[2]).read()
t, wc, nbytes, load = float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
def grab(pattern, conv=float):
    m = re.search(pattern, tv)
    return conv(m.group(1)) if m else None
user = grab(r"User time \(seconds\): ([\d.]+)")
sys_ = grab(r"System time \(seconds\): ([\d.]+)")
maxrss = grab(r"Maximum resident set size \(kbytes\): (\d+)", int)
cpu = (user + sys_) if user is not None else None
mb = nbytes / 1e6
lines = []
lines.append("wall %.2f s = %.1f MB/s; %.2f x wc -w (%.2f s)" % (t, mb / t, t / wc, wc))
if cpu is not None:
    lines.append("CPU %.2f s (user %.2f + sys %.2f, %.0f%% of one core) = %.1f MB/s per core; "
                 "%.2f x wc -w CPU-for-CPU (wc -w runs on one core)" % (
                     cpu, user, sys_, 100 * cpu / t, mb / cpu, cpu / wc))
lines.append("stages (stats.json seconds): " + ", ".join(
    "%s %.2f" % kv for kv in stats.get("seconds", {}).items()))
lines.append("peak RSS %.1f MB (stats.json)%s" % (
    stats["peak_rss_bytes"] / 1e6,
    ", %.1f MB (time -v)" % (maxrss * 1024 / 1e6) if maxrss else ""))
lines.append("read %d = kept %d + removed %d + rejected %d; edited %d; cuts: repeated_block %d, "
             "repeated_line %d, boilerplate %d; %d of %d text bytes cut (%.2f%%); %d boilerplate lines" % (
                 stats["read"], stats["kept"], stats["removed"], stats["rejected"],
                 stats["edited"], stats["cuts_repeated_block"], stats["cuts_repeated_line"],
                 stats["cuts_boilerplate"], stats["cut_bytes"], stats["text_bytes"],
                 100 * stats["cut_bytes"] / max(1, stats["text_bytes"]),
                 stats["boilerplate_lines"]))
lines.append("load %s before the run" % load)
print("\n".join(lines))
EOF
)
  echo "neardup clean  run $i: $t s${others:+; also running: $(echo "$others" | head -1 | cut -c1-80)}"
  echo "$summary" | sed 's/^/  /'
  if [[ -z "$best" ]] || less "$t" "$best"; then
    best=$t
    best_summary="$summary"
  fi
  rm -rf "$OUT"
done
rm -f "$tv" "$WORK/last.txt"

mb=$($PY -c "import sys; print('%.1f' % (int(sys.argv[1]) / 1e6))" "$bytes")
echo
echo "summary ($mb MB; best of $WC_RUNS wc -w and $CLEAN_RUNS clean runs)${note:+; $note}"
echo "  wc -w:          $best_wc s = $($PY -c "import sys; print('%.1f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$mb" "$best_wc") MB/s"
echo "  neardup clean:  $best s"
echo "$best_summary" | sed 's/^/    /'
