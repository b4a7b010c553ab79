#!/usr/bin/env bash
# Tests of the neardup command as a user runs it: exit statuses, messages
# naming the problem, the accounting line, and byte-identical outputs for
# any thread count. Usage: tools_test.sh NEARDUP_BINARY SOURCE_DIR
set -u
neardup=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/check_lib.sh"

# --version and selftest.
out=$("$neardup" --version)
check "version" [ "${out#neardup }" != "$out" ]
"$neardup" selftest --quiet > "$work/selftest" 2>&1
check "selftest exit" [ $? -eq 0 ]
check "selftest summary" grep -q " 0 failed" "$work/selftest"

# The bundled example: the last line is the accounting, and it adds up.
"$neardup" dedup "$src/examples/crawl.jsonl" -o "$work/a" --threads 1 > "$work/a.txt"
check "dedup exit" [ $? -eq 0 ]
last=$(tail -n 1 "$work/a.txt")
check "accounting line" bash -c "[[ '$last' =~ ^read\ ([0-9]+)\ =\ kept\ ([0-9]+)\ \+\ removed\ ([0-9]+)\ \+\ rejected\ ([0-9]+)$ ]] && (( BASH_REMATCH[1] == BASH_REMATCH[2] + BASH_REMATCH[3] + BASH_REMATCH[4] ))"
check "kept file" [ "$(wc -l < "$work/a/crawl.jsonl")" -eq "$(echo "$last" | sed -E 's/.*kept ([0-9]+).*/\1/')" ]
check "removed file" [ "$(wc -l < "$work/a/removed.jsonl")" -eq "$(echo "$last" | sed -E 's/.*removed ([0-9]+).*/\1/')" ]

# Same bytes with two threads, and from standard input.
"$neardup" dedup "$src/examples/crawl.jsonl" -o "$work/b" --threads 2 --quiet > /dev/null
for f in crawl.jsonl removed.jsonl clusters.jsonl rejected.jsonl; do
  check "threads identical $f" cmp -s "$work/a/$f" "$work/b/$f"
done
"$neardup" dedup - -o "$work/c" --quiet < "$src/examples/crawl.jsonl" > /dev/null
check "stdin output" cmp -s "$work/a/crawl.jsonl" "$work/c/stdin.jsonl"

# Bad records are rejected with file and line, and the run goes on.
{
  head -n 3 "$src/examples/crawl.jsonl"
  echo '{"id":"x","text":'
  echo '{"id":"y"}'
  printf '{"id":"z","text":"bad \xff byte"}\n'
  echo '[1,2,3]'
} > "$work/bad.jsonl"
"$neardup" dedup "$work/bad.jsonl" -o "$work/d" > "$work/d.txt" 2>&1
check "bad input exit" [ $? -eq 0 ]
check "bad input accounting" grep -q "^read 7 = kept 3 + removed 0 + rejected 4$" "$work/d.txt"
check "rejected lines" [ "$(wc -l < "$work/d/rejected.jsonl")" -eq 4 ]
check "rejected names line 4" grep -q '"line":4,' "$work/d/rejected.jsonl"

# Refusals before any work: missing input, busy output folder, bad option.
"$neardup" dedup "$work/missing.jsonl" -o "$work/e" > "$work/e.txt" 2>&1
check "missing input exit" [ $? -ne 0 ]
check "missing input message" grep -q "missing.jsonl" "$work/e.txt"
check "missing input no output" [ ! -e "$work/e" ]
"$neardup" dedup "$src/examples/crawl.jsonl" -o "$work/a" > "$work/f.txt" 2>&1
check "busy output exit" [ $? -ne 0 ]
check "busy output message" grep -q "not empty" "$work/f.txt"
"$neardup" dedup "$src/examples/crawl.jsonl" -o "$work/g" --keep newest > "$work/g.txt" 2>&1
check "bad keep exit" [ $? -ne 0 ]
check "bad keep message" grep -q "first, longest or field:NAME" "$work/g.txt"

# A memory ceiling: too low stops the run with a clear error and no
# finished output; a size it cannot read is refused.
"$neardup" dedup "$src/examples/crawl.jsonl" -o "$work/m" --max-memory 1M > "$work/m.txt" 2>&1
check "max-memory exit" [ $? -eq 1 ]
check "max-memory message" grep -q "memory ceiling reached: 1 documents would need an estimated" "$work/m.txt"
check "max-memory no output" [ ! -e "$work/m/stats.json" ]
"$neardup" dedup "$src/examples/crawl.jsonl" -o "$work/m2" --max-memory 2G --quiet > "$work/m2.txt" 2>&1
check "max-memory 2G" cmp -s "$work/a/crawl.jsonl" "$work/m2/crawl.jsonl"
"$neardup" dedup "$src/examples/crawl.jsonl" -o "$work/m3" --max-memory 12X > "$work/m3.txt" 2>&1
check "max-memory bad size" [ $? -eq 2 ]
check "max-memory bad size message" grep -q '"12X" is not a size' "$work/m3.txt"

# explain on two records by id.
"$neardup" explain "$src/examples/crawl.jsonl#doc-000001" "$src/examples/crawl.jsonl#doc-000010" > "$work/h.txt"
check "explain exit" [ $? -eq 0 ]
check "explain exact" grep -q "^exact Jaccard" "$work/h.txt"
"$neardup" explain "$src/examples/crawl.jsonl#nope" "$src/examples/crawl.jsonl:1" > "$work/i.txt" 2>&1
check "explain missing id" [ $? -ne 0 ]

# Usage errors: exit 2, "neardup: ...", a pointer to --help; --help and
# --version exit 0.
"$neardup" frobnicate > "$work/u1.txt" 2>&1
check "unknown command exit" [ $? -eq 2 ]
check "unknown command message" grep -q "^neardup: unknown command 'frobnicate' (the commands are clean, dedup, explain and selftest)" "$work/u1.txt"
check "unknown command pointer" grep -q "^Run 'neardup --help' for usage.$" "$work/u1.txt"
"$neardup" dedup "$src/examples/crawl.jsonl" > "$work/u2.txt" 2>&1
check "missing -o exit" [ $? -eq 2 ]
check "missing -o message" grep -q "^neardup: --output is required" "$work/u2.txt"
check "missing -o pointer" grep -q "^Run 'neardup dedup --help' for usage.$" "$work/u2.txt"
"$neardup" dedup "$src/examples/crawl.jsonl" -o "$work/u3" --threshold abc > "$work/u3.txt" 2>&1
check "bad value exit" [ $? -eq 2 ]
"$neardup" clean --no-such-flag "$src/examples/crawl.jsonl" -o "$work/u4" > "$work/u4.txt" 2>&1
check "unknown flag exit" [ $? -eq 2 ]
check "unknown flag pointer" grep -q "^Run 'neardup clean --help' for usage.$" "$work/u4.txt"
"$neardup" > "$work/u5.txt" 2>&1
check "no command exit" [ $? -eq 2 ]
"$neardup" --help > "$work/u6.txt" 2>&1
check "help exit" [ $? -eq 0 ]
check "help examples" grep -q "neardup dedup crawl/ -o out/" "$work/u6.txt"
"$neardup" dedup --help > /dev/null 2>&1
check "dedup help exit" [ $? -eq 0 ]
"$neardup" selftest --help > "$work/u7.txt" 2>&1
check "selftest help exit" [ $? -eq 0 ]
check "selftest help has no top-level examples" bash -c "! grep -q 'neardup clean crawl/' '$work/u7.txt'"
# -o - is refused (it once made a folder named -).
(cd "$work" && "$neardup" dedup "$src/examples/crawl.jsonl" -o -) > "$work/u8.txt" 2>&1
check "-o - exit" [ $? -eq 2 ]
check "-o - message" grep -q "\-o expects an output folder" "$work/u8.txt"
check "-o - no folder" [ ! -e "$work/-" ]
(cd "$work" && "$neardup" clean "$src/examples/crawl.jsonl" -o -) > /dev/null 2>&1
check "clean -o - exit" [ $? -eq 2 ]
check "clean -o - no folder" [ ! -e "$work/-" ]
# --threshold says the range it accepts.
"$neardup" dedup "$src/examples/crawl.jsonl" -o "$work/u9" --threshold 0 > "$work/u9.txt" 2>&1
check "threshold 0 exit" [ $? -eq 2 ]
check "threshold 0 message" grep -q "greater than 0 and less than 1 (got 0)" "$work/u9.txt"
"$neardup" explain "$src/examples/crawl.jsonl:1" "$src/examples/crawl.jsonl:2" --threshold 1 > "$work/u10.txt" 2>&1
check "explain threshold 1 exit" [ $? -eq 2 ]

finish
