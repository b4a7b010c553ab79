#!/usr/bin/env bash
# The README's demo transcript is what `make demo` prints: runs
# tools/demo.sh and compares its output with the block that follows the
# marker line "<!-- demo output" in README.md, with the figures that change
# from run to run (seconds, MB/s, threads, peak memory) masked on both
# sides, and so is the number of selftest known answers that passed: it
# depends on the kernels this CPU has (AVX-512 adds some). Usage: readme_demo_test.sh NEARDUP_BINARY SOURCE_DIR
set -u
neardup=$1
src=$2
. "$(dirname "${BASH_SOURCE[0]}")/check_lib.sh"
scratch

mask() {
  sed -E 's/in [0-9.]+ s \([0-9.]+ MB\/s(, [0-9]+ threads)?\), peak memory [0-9.]+ [KMG]?B/in S s (R MB\/s\1), peak memory M/;
          s/, [0-9]+ threads\)/, T threads)/;
          s/^[0-9]+ passed, 0 failed$/P passed, 0 failed/'
}
cd "$src" || exit 1
tools/demo.sh "$neardup" examples/crawl.jsonl "$work/demo" > "$work/out.txt" 2>&1
check "demo exit" [ $? -eq 0 ]
sed "s|$work/demo|build/demo|g" "$work/out.txt" | mask > "$work/actual.txt"
awk '/^<!-- demo output/ { on = 1; next } on && /^```/ { if (open) exit; open = 1; next } on && open' \
  README.md | mask > "$work/readme.txt"
check "README has the demo block" [ -s "$work/readme.txt" ]
if ! diff -u "$work/readme.txt" "$work/actual.txt" > "$work/diff.txt"; then
  echo "README.md's demo output differs from what tools/demo.sh prints (- README, + demo):" >&2
  cat "$work/diff.txt" >&2
  check "README demo block is the demo's output" false
fi
finish
