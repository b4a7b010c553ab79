#!/usr/bin/env bash
# `neardup dedup --index DIR` and `neardup index` as a user runs them: the
# options an index refuses (named), the writer lock (naming its holder),
# info, verify (naming a corrupted file), compact; and crash safety: killed
# (SIGKILL) at a spread of moments while it adds a generation, and at each
# step of an automatic merge and around it, the index is afterwards at the
# old generation or the new one, never between, `index verify` passes, the
# next writer removes what the kill left, and a rerun gives byte-identical
# outputs and index files.
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

# Crash safety inside an automatic merge. With three files of one tier in
# the folder (about 6000 records each), the fourth run's commit merges the
# four into one (gen-000001-000004.ndx). That run is killed at each step of
# its commit and merge (NEARDUP_CRASH_AT: the writer sends itself SIGKILL
# there) and at a spread of moments over the end of the run. Afterwards the
# index is at the old generation (3) or the new one (4, merged or not yet),
# `index verify` passes, and it answers as before or as after; the next
# writer (the rerun at the old generation, `index compact` at the new one)
# removes what the kill left, and the outputs and index files are then
# byte-identical to those of the uninterrupted run.
awk -v n=16000 'function word(m,  w) { w = "w"; do { w = w sprintf("%c", 97 + m % 26); m = int(m / 26) } while (m > 0); return w }
  BEGIN {
    srand(13)
    for (d = 0; d < n; d++) {
      if (d % 4 == 3) { src = int(rand() * d); t = text[src]; sub(/ [a-z]+ /, " " word(d) " ", t); sub(/ [a-z]+$/, " " word(d + n), t) }
      else { t = ""; for (k = 0; k < 80; k++) t = t (k ? " " : "") word(int(rand() * 20000)) }
      text[d] = t
      printf("{\"id\":\"doc2-%d\",\"text\":\"%s\"}\n", d, t) > ("'"$work"'/" (d < n / 2 ? "c" : "d") ".jsonl")
    }
  }'
c=$work/c.jsonl
d=$work/d.jsonl
cp -r "$work/I" "$work/M3"
"$neardup" dedup "$c" -o "$work/mc" --index "$work/M3" "${args[@]}" > /dev/null
check "merge: three files of one tier" [ "$(generations "$work/M3")" -eq 3 ]
cp -r "$work/M3" "$work/M4"
start=$(date +%s%N)
"$neardup" dedup "$d" -o "$work/md" --index "$work/M4" "${args[@]}" > /dev/null
mms=$((($(date +%s%N) - start) / 1000000))
check "merge: the fourth run merges the four files into one" \
  grep -q "^generation 4 gen-000001-000004.ndx " "$work/M4/MANIFEST"
check "merge: one file" [ "$(generations "$work/M4")" -eq 1 ]
"$neardup" dedup "$b" -o "$work/mq" --index "$work/M4" --index-readonly "${args[@]}" > /dev/null
# Files in the folder that its MANIFEST does not name (MANIFEST and LOCK
# aside): what a kill leaves.
leftovers() {
  comm -23 <(ls "$1" | grep -v -e '^MANIFEST$' -e '^LOCK$' | sort) \
    <(grep '^generation' "$1/MANIFEST" | cut -d' ' -f3 | sort)
}
declare -A states=()
left=0
merge_passed=0
merge_trials=0
# merge_check LABEL IDX OUT: the checks above, after the fourth run into
# IDX (writing OUT) was killed.
merge_check() {
  local label=$1 idx=$2 out=$3 ok=1 g state
  "$neardup" index verify "$idx" > /dev/null 2>&1 || ok=0
  g=$(grep '^generation' "$idx/MANIFEST" | tail -n 1 | cut -d' ' -f2)
  [ -n "$(leftovers "$idx")" ] && left=$((left + 1))
  if [ "$g" = 3 ]; then
    state=old
    [ "$(manifest "$idx")" = "$(manifest "$work/M3")" ] || ok=0
    "$neardup" dedup "$d" -o "$out" --overwrite --index "$idx" "${args[@]}" > /dev/null 2>&1 || ok=0
  elif [ "$g" = 4 ]; then
    state=new; [ "$(generations "$idx")" -eq 4 ] && state=new-unmerged
    # The run committed its outputs before its generation.
    cmp -s "$out/removed.jsonl" "$work/md/removed.jsonl" && cmp -s "$out/d.jsonl" "$work/md/d.jsonl" || ok=0
    "$neardup" dedup "$b" -o "$out.q" --index "$idx" --index-readonly "${args[@]}" > /dev/null 2>&1
    cmp -s "$out.q/removed.jsonl" "$work/mq/removed.jsonl" || ok=0
    "$neardup" index compact "$idx" > /dev/null 2>&1 || ok=0
  else
    state="generation $g"; ok=0
  fi
  states[$state]=$((${states[$state]:-0} + 1))
  [ -z "$(leftovers "$idx")" ] || ok=0
  [ "$(manifest "$idx")" = "$(manifest "$work/M4")" ] || ok=0
  cmp -s "$idx/gen-000001-000004.ndx" "$work/M4/gen-000001-000004.ndx" || ok=0
  cmp -s "$out/removed.jsonl" "$work/md/removed.jsonl" && cmp -s "$out/d.jsonl" "$work/md/d.jsonl" || ok=0
  "$neardup" index verify "$idx" > /dev/null 2>&1 || ok=0
  echo "merge trial $label: $state after the kill"
  check "merge trial $label ($state after the kill): index whole, leftovers removed, outputs and index identical" [ $ok -eq 1 ]
  merge_trials=$((merge_trials + 1))
  ((ok)) && merge_passed=$((merge_passed + 1))
}
for point in generation-written generation-committed merge-written merge-renamed merge-committed; do
  rm -rf "$work/M.$point" "$work/m.$point"
  cp -r "$work/M3" "$work/M.$point"
  NEARDUP_CRASH_AT=$point "$neardup" dedup "$d" -o "$work/m.$point" --index "$work/M.$point" "${args[@]}" > /dev/null 2>&1
  rc=$?
  check "kill point $point: killed (exit $rc)" [ "$rc" -eq 137 ]
  merge_check "$point" "$work/M.$point" "$work/m.$point"
done
# Timed kills over the last 60% of the run and a little past it.
for ((i = 1; i <= trials; i++)); do
  idx="$work/M.t$i"
  out="$work/m.t$i"
  rm -rf "$idx" "$out"
  cp -r "$work/M3" "$idx"
  delay_ms=$((mms * (40 + 70 * i / trials) / 100 + 1))
  "$neardup" dedup "$d" -o "$out" --index "$idx" "${args[@]}" > /dev/null 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  kill -KILL "$pid" 2> /dev/null
  wait "$pid" 2> /dev/null
  merge_check "t$i (killed at $delay_ms ms of $mms)" "$idx" "$out"
done
summary=""
for state in "${!states[@]}"; do summary="$summary $state ${states[$state]},"; done
echo "merge kills: $merge_passed of $merge_trials trials passed; states after the kill:${summary%,}; $left left files for the next writer"
check "merge: some kill left files that the next writer removed" [ "$left" -ge 1 ]
finish
