#!/usr/bin/env bash
# `neardup dedup --index DIR` and `neardup index` as a user runs them: the
# options an index refuses (named), the writer lock (naming its holder),
# info, verify (naming a corrupted file), compact; and crash safety: killed
# (SIGKILL) at a spread of moments while it adds a generation, the index is
# afterwards at the old generation or the new one, never between, `index
# verify` passes, and a rerun gives byte-identical outputs and index files.
# Usage: index_cli_test.sh NEARDUP_BINARY [TRIALS]
set -u
neardup=$1
trials=${2:-10}
. "$(dirname "${BASH_SOURCE[0]}")/check_lib.sh"
scratch

# Two crawls of one collection: 16000 documents of letter words, every
# fourth a copy of an earlier one (also of the first crawl) with two words
# changed.
awk -v n=16000 'function word(m,  w) { w = "w"; do { w = w sprintf("%c", 97 + m % 26); m = int(m / 26) } while (m > 0); return w }
  BEGIN {
    srand(11)
    for (d = 0; d < n; d++) {
      if (d % 4 == 3) { src = int(rand() * d); t = text[src]; sub(/ [a-z]+ /, " " word(d) " ", t); sub(/ [a-z]+$/, " " word(d + n), t) }
      else { t = ""; for (k = 0; k < 80; k++) t = t (k ? " " : "") word(int(rand() * 20000)) }
      text[d] = t
      printf("{\"id\":\"doc-%d\",\"text\":\"%s\"}\n", d, t) > ("'"$work"'/" (d < n / 2 ? "a" : "b") ".jsonl")
    }
  }'
args=(--threads 2 --quiet --no-report)
a=$work/a.jsonl
b=$work/b.jsonl

# The central property, from the command line.
"$neardup" dedup "$a" "$b" -o "$work/whole" "${args[@]}" > /dev/null
"$neardup" dedup "$a" -o "$work/oa" --index "$work/I" "${args[@]}" > /dev/null
check "first run creates the index" [ -f "$work/I/MANIFEST" ]
cp -r "$work/I" "$work/I1"  # the index after one generation
start=$(date +%s%N)
"$neardup" dedup "$b" -o "$work/ob" --index "$work/I" "${args[@]}" > "$work/ob.txt"
check "second run" [ $? -eq 0 ]
ms=$((($(date +%s%N) - start) / 1000000))
echo "second run: $ms ms, $(tail -n 1 "$work/ob.txt")"
pairs() { sed -E 's/.*"id":("[^"]*").*"kept_id":("[^"]*").*/\1 \2/' "$@" | sort; }
check "split runs remove what one run removes, same kept ids" \
  [ "$(pairs "$work/oa/removed.jsonl" "$work/ob/removed.jsonl")" = "$(pairs "$work/whole/removed.jsonl")" ]
check "kept_source names the generation, file and line" \
  grep -q "\"kept_source\":{\"generation\":1,\"file\":\"$a\",\"line\":[0-9]*}" "$work/ob/removed.jsonl"

check "stats.json: the index folder, generation read and written" \
  grep -q "\"index\":{\"folder\":\"$work/I\",\"generation_read\":1,\"generation_written\":2}" "$work/ob/stats.json"
n=$(grep -n '"kept_source"' "$work/ob/removed.jsonl" | head -n 1 | cut -d: -f1)
kept=$(sed -n "${n}p" "$work/ob/removed.jsonl" | sed -E 's/.*"kept_id":"([^"]*)".*/\1/')
"$neardup" explain "$work/ob/removed.jsonl:$n" > "$work/explain.txt" 2>&1
check "explain of a removal against the index (exit 0)" [ $? -eq 0 ]
check "explain: the indexed signature gives the run's verdict" \
  grep -q "against the indexed signature of the kept record .*: a duplicate, as the run decided" "$work/explain.txt"
check "explain: the kept record named by its generation" \
  grep -q "of \"$kept\" (index $work/I, generation 1, from $a:[0-9]*)" "$work/explain.txt"
check "explain: the kept text read again" grep -q "kept record's text: read again at $a:" "$work/explain.txt"

# Refusals name the option.
"$neardup" dedup "$b" -o "$work/r1" --index "$work/I" --threshold 0.7 "${args[@]}" 2> "$work/r1.txt"
check "other threshold refused" grep -q "was made with threshold=0.8; this run asks threshold=0.7 (--threshold)" "$work/r1.txt"
"$neardup" dedup "$b" -o "$work/r2" --index "$work/I" --method simhash "${args[@]}" 2> "$work/r2.txt"
check "other method refused" grep -q "(--method)" "$work/r2.txt"
"$neardup" dedup "$b" -o "$work/r3" --index "$work/I" --keep longest "${args[@]}" 2> "$work/r3.txt"
check "keep longest refused" grep -q "keep must be first" "$work/r3.txt"
"$neardup" dedup "$b" -o "$work/r4" --index-readonly "${args[@]}" 2> "$work/r4.txt"
check "--index-readonly alone refused" grep -q "needs --index" "$work/r4.txt"
check "refused runs write nothing" [ ! -e "$work/r1/stats.json" ]

# One writer at a time.
flock "$work/I/LOCK" sleep 2 &
sleep 0.3
"$neardup" dedup "$b" -o "$work/l" --index "$work/I" "${args[@]}" 2> "$work/l.txt"
check "second writer refused, holder named" grep -q "is being written by another process (pid [0-9]* on .* since .*): one writer at a time" "$work/l.txt"
"$neardup" dedup "$b" -o "$work/ro" --index "$work/I" --index-readonly "${args[@]}" > /dev/null
check "a reader needs no lock" [ $? -eq 0 ]
check "a read-only run removes every indexed record" \
  grep -q "kept 0 + removed 8000" <("$neardup" dedup "$b" -o "$work/ro2" --index "$work/I" --index-readonly --threads 2 --no-report | tail -n 1)
wait

"$neardup" index info "$work/I" > "$work/info.txt"
check "info: files" grep -Eq "^  2  gen-000002.ndx +[0-9]+ records  run $work/ob" "$work/info.txt"
check "info: parameters" grep -q "^  threshold=0.8$" "$work/info.txt"
check "verify" grep -q "every checksum verified" <("$neardup" index verify "$work/I")
cp -r "$work/I" "$work/Ic"
"$neardup" index compact "$work/Ic" > /dev/null
check "compact: one file" [ "$(grep -c '^generation' "$work/Ic/MANIFEST")" -eq 1 ]
check "compact: verify" grep -q "every checksum verified" <("$neardup" index verify "$work/Ic")
"$neardup" dedup "$b" -o "$work/oc" --index "$work/Ic" --index-readonly "${args[@]}" > /dev/null
"$neardup" dedup "$b" -o "$work/oi" --index "$work/I" --index-readonly "${args[@]}" > /dev/null
check "compact: same decisions" cmp -s "$work/oc/removed.jsonl" "$work/oi/removed.jsonl"
cp -r "$work/I" "$work/Id"
check "drop: a generation" grep -q "generation 2 dropped (6000 records)" <("$neardup" index drop "$work/Id" 2)
check "drop: verify" grep -q "every checksum verified" <("$neardup" index verify "$work/Id")
"$neardup" dedup "$b" -o "$work/od" --index "$work/Id" --index-readonly "${args[@]}" > /dev/null
check "drop: as if never added" cmp -s "$work/od/removed.jsonl" "$work/ob/removed.jsonl"
cp -r "$work/I" "$work/Ibad"
printf 'X' | dd of="$work/Ibad/gen-000001.ndx" bs=1 seek=5000 conv=notrunc 2> /dev/null
"$neardup" index verify "$work/Ibad" > /dev/null 2> "$work/bad.txt"
check "verify: corruption named (exit 1)" [ $? -eq 1 ]
check "verify: the file named" grep -q "$work/Ibad/gen-000001.ndx: file checksum differs from MANIFEST" "$work/bad.txt"

# Crash safety: the second run killed at a spread of moments.
generations() { grep -c '^generation' "$1/MANIFEST"; }
# MANIFEST without the run labels (output folders differ between trials).
manifest() { sed -E 's/^(generation [^ ]+ [^ ]+ [^ ]+ [^ ]+) .*/\1/' "$1/MANIFEST"; }
same_index() {
  [ "$(manifest "$1")" = "$(manifest "$work/I")" ] &&
    cmp -s "$1/gen-000001.ndx" "$work/I/gen-000001.ndx" &&
    cmp -s "$1/gen-000002.ndx" "$work/I/gen-000002.ndx"
}
passed=0
for ((i = 1; i <= trials; i++)); do
  idx="$work/I$i.k"
  out="$work/trial$i"
  rm -rf "$idx"
  cp -r "$work/I1" "$idx"
  # Spread over 1.25 times the run: the last trials land after it ends.
  delay_ms=$((ms * i * 5 / (4 * trials) + 1))
  "$neardup" dedup "$b" -o "$out" --index "$idx" "${args[@]}" > /dev/null 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  kill -KILL "$pid" 2> /dev/null
  wait "$pid" 2> /dev/null
  ok=1
  "$neardup" index verify "$idx" > /dev/null 2>&1 || ok=0
  g=$(generations "$idx")
  if [ "$g" -eq 2 ]; then
    # The run finished: its outputs are complete.
    same_index "$idx" && cmp -s "$out/removed.jsonl" "$work/ob/removed.jsonl" || ok=0
  else
    [ "$g" -eq 1 ] && [ "$(manifest "$idx")" = "$(manifest "$work/I1")" ] || ok=0
    # The rerun: the same outputs and the same index files.
    "$neardup" dedup "$b" -o "$out" --overwrite --index "$idx" "${args[@]}" > /dev/null 2>&1 || ok=0
    cmp -s "$out/removed.jsonl" "$work/ob/removed.jsonl" && cmp -s "$out/b.jsonl" "$work/ob/b.jsonl" && same_index "$idx" || ok=0
  fi
  echo "trial $i: killed at ${delay_ms} ms, $g generations after"
  check "trial $i (killed at ${delay_ms} ms, $g generations after): index whole, rerun identical" [ $ok -eq 1 ]
  ((ok)) && passed=$((passed + 1))
done
echo "kill-and-rerun: $passed of $trials trials passed"
finish
