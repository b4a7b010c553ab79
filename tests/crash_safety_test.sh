#!/usr/bin/env bash
# Crash safety of `neardup dedup`: killed (SIGKILL) at a spread of moments,
# a run leaves no output under its final name unless that output is
# complete (byte-identical to the one an uninterrupted run writes), and no
# stats.json (the job writes it last) unless the run finished; rerun with
# --overwrite, it writes byte-identical outputs. Interrupted (SIGINT,
# SIGTERM), it writes nothing. A full disk (a file size
# limit, and a 1 MiB tmpfs where one can be mounted) stops the run with an
# error naming the file and leaves no finished-looking output, also when
# it spills (--max-memory), and so does `neardup clean` past a file size
# limit.
# Usage: crash_safety_test.sh NEARDUP_BINARY [TRIALS]
set -u
neardup=$1
trials=${2:-16}
work=$(mktemp -d)
mounted=""
trap '[ -n "$mounted" ] && umount "$mounted"; rm -rf "$work"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/check_lib.sh"

# A crawl of three files (plain, gzip, zstd), 24000 documents of letter
# words, every fifth one a copy of an earlier one with two words changed.
awk -v n=24000 'function word(m,  w) { w = "w"; do { w = w sprintf("%c", 97 + m % 26); m = int(m / 26) } while (m > 0); return w }
  BEGIN {
    srand(7)
    for (d = 0; d < n; d++) {
      if (d % 5 == 4) { src = int(rand() * d); t = text[src]; sub(/ [a-z]+ /, " " word(d) " ", t); sub(/ [a-z]+$/, " " word(d + n), t) }
      else { t = ""; for (k = 0; k < 80; k++) t = t (k ? " " : "") word(int(rand() * 20000)) }
      text[d] = t
      printf("{\"id\":\"doc-%d\",\"src\":\"gen\",\"text\":\"%s\"}\n", d, t) > ("'"$work"'/part" (d % 3) ".jsonl")
    }
  }'
gzip "$work/part1.jsonl"
zstd -q --rm "$work/part2.jsonl"
inputs=("$work/part0.jsonl" "$work/part1.jsonl.gz" "$work/part2.jsonl.zst")
args=(--threads 2 --quiet)

# Final names only: everything but temporaries (*.tmp-PID).
finals() { [ -d "$1" ] && (cd "$1" && find . -type f ! -name '*.tmp-*' | sort); }
# stats.json without the measured fields (seconds, peak memory, bytes
# spilled).
stable_stats() { sed -E 's/"seconds":\{[^}]*\}//; s/"peak_rss_bytes":[0-9]+//; s/"spilled_bytes":[0-9]+,//' "$1"; }
# report.html with the output folder's name (which it shows) as OUT: the
# reference's, the earlier run's (copied into odd trials) or a trial's.
stable_report() { sed -E "s#$work/(ref|old|trial[0-9]+|spilled|spillkill)#OUT#g" "$1"; }
# same_file OUT REF F: F of OUT equals F of REF (stats.json and report.html
# up to the measured fields and the folder's name).
same_file() {
  case $3 in
    ./stats.json) [ "$(stable_stats "$1/$3")" = "$(stable_stats "$2/$3")" ] ;;
    ./report.html)
      [ "$(stable_report "$1/$3")" = "$(stable_report "$2/$3")" ] ;;
    *) cmp -s "$1/$3" "$2/$3" ;;
  esac
}
# same OUT [REF]: every final output in OUT is byte-identical to REF's
# (default: the reference run's).
same() {
  local out=$1 ref=${2:-$work/ref} f
  for f in $(finals "$out"); do
    same_file "$out" "$ref" "$f" || return 1
  done
}
# complete_files OUT: every final output in OUT is a whole file of the
# reference run or of the earlier run it replaces (ref or old).
complete_files() {
  local out=$1 f
  for f in $(finals "$out"); do
    if [ "$f" = ./stats.json ]; then
      [ "$(stable_stats "$out/$f")" = "$(stable_stats "$work/ref/$f")" ] || return 1
    else
      same_file "$out" "$work/ref" "$f" || same_file "$out" "$work/old" "$f" ||
        return 1
    fi
  done
}

start=$(date +%s%N)
"$neardup" dedup "${inputs[@]}" -o "$work/ref" "${args[@]}" > "$work/ref.txt"
check "reference run" [ $? -eq 0 ]
ms=$((($(date +%s%N) - start) / 1000000))
echo "reference run: $ms ms, $(tail -n 1 "$work/ref.txt")"
check "reference outputs" [ "$(finals "$work/ref" | wc -l)" -eq 8 ]
# An earlier run with other decisions, whose outputs odd trials replace.
"$neardup" dedup "${inputs[@]}" -o "$work/old" --threshold 0.5 "${args[@]}" > /dev/null
check "earlier run" [ $? -eq 0 ]
check "earlier run differs" [ "$(stable_stats "$work/old/stats.json")" != "$(stable_stats "$work/ref/stats.json")" ]

passed=0
for ((i = 1; i <= trials; i++)); do
  out="$work/trial$i"
  # Odd trials replace an earlier run's outputs (--overwrite): a kill may
  # leave some of its files, each whole, but never its stats.json beside
  # new outputs.
  if ((i % 2)); then cp -r "$work/old" "$out"; fi
  delay_ms=$((ms * i / (trials + 1) + 1))
  "$neardup" dedup "${inputs[@]}" -o "$out" --overwrite "${args[@]}" > /dev/null 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  kill -KILL "$pid" 2> /dev/null
  wait "$pid" 2> /dev/null
  ok=1
  if [ -e "$out/stats.json" ]; then
    # A finished run: this one (it ended before the kill), or the earlier
    # one untouched (killed before it started replacing anything).
    { [ "$(finals "$out")" = "$(finals "$work/ref")" ] && same "$out"; } ||
      { [ "$(finals "$out")" = "$(finals "$work/old")" ] && same "$out" "$work/old"; } ||
      ok=0
  else
    complete_files "$out" || ok=0
  fi
  check "trial $i (killed at ${delay_ms} ms): finished-looking outputs are complete" [ $ok -eq 1 ]
  if ((!ok)); then ls -la "$out" >&2; fi
  "$neardup" dedup "${inputs[@]}" -o "$out" --overwrite "${args[@]}" > /dev/null 2>&1
  check "trial $i: rerun exit" [ $? -eq 0 ]
  check "trial $i: rerun outputs" [ "$(finals "$out")" = "$(finals "$work/ref")" ]
  same "$out" && [ "$(finals "$out")" = "$(finals "$work/ref")" ] && ((ok)) && passed=$((passed + 1))
  check "trial $i: rerun byte-identical" same "$out"
done
echo "kill-and-rerun: $passed of $trials trials passed"

# Interrupted (SIGINT, SIGTERM) once its temporaries exist: it stops, exits
# 128 + the signal, says so, removes its temporaries and renames nothing:
# a new folder holds no file (a rerun without --overwrite is accepted), a
# folder holding an earlier run holds exactly that run.
for i in 1 2 3 4 5 6; do cat "$work/part0.jsonl"; done > "$work/big.jsonl"
interrupt() {  # interrupt SIGNAL OUT [ARGS...]
  local sig=$1 out=$2
  shift 2
  "$neardup" dedup "$work/big.jsonl" -o "$out" "${args[@]}" "$@" > "$work/int.txt" 2>&1 &
  local pid=$! n=0
  until [ -n "$(find "$out" -name '*.tmp-*' 2> /dev/null)" ] || ((n++ > 2000)); do
    sleep 0.005
  done
  kill -"$sig" "$pid"
  wait "$pid"
}
interrupt INT "$work/int1"
rc=$?
check "SIGINT: exit 130 (got $rc)" [ "$rc" -eq 130 ]
check "SIGINT: message" grep -q "interrupted (SIGINT).*nothing written to $work/int1" "$work/int.txt"
check "SIGINT: no file left" [ -z "$(find "$work/int1" -type f)" ]
"$neardup" dedup "$work/big.jsonl" -o "$work/int1" "${args[@]}" > /dev/null 2>&1
check "SIGINT: rerun without --overwrite accepted" [ $? -eq 0 ]
cp -r "$work/old" "$work/int2"
interrupt TERM "$work/int2" --overwrite
rc=$?
check "SIGTERM: exit 143 (got $rc)" [ "$rc" -eq 143 ]
check "SIGTERM: the earlier run is untouched" diff -r "$work/old" "$work/int2"

# A file size limit: writes fail with EFBIG (SIGXFSZ is ignored), the
# error names the file, and nothing looks finished.
(ulimit -f 256 && exec "$neardup" dedup "${inputs[@]}" -o "$work/full" "${args[@]}") > "$work/full.txt" 2>&1
rc=$?
check "file size limit: exit 1 (got $rc)" [ "$rc" -eq 1 ]
check "file size limit: message" grep -Eq "$work/full/[^ ]+: File too large" "$work/full.txt"
check "file size limit: no stats.json" [ ! -e "$work/full/stats.json" ]
check "file size limit: no temporaries left" [ -z "$(find "$work/full" -name '*.tmp-*')" ]
same "$work/full"
check "file size limit: finished outputs complete" [ $? -eq 0 ]

# The same for clean, whose outputs are written on writer threads (the
# error comes from that thread, back through the job's next write).
(ulimit -f 256 && exec "$neardup" clean "${inputs[@]}" -o "$work/fullclean" "${args[@]}") > "$work/fullclean.txt" 2>&1
rc=$?
check "clean past a file size limit: exit 1 (got $rc)" [ "$rc" -eq 1 ]
check "clean past a file size limit: message" grep -Eq "writing $work/fullclean/[^ ]+: File too large" "$work/fullclean.txt"
check "clean past a file size limit: no file left" [ -z "$(find "$work/fullclean" -type f)" ]

# Spilling (--max-memory) past a file size limit: the signatures' spill
# file cannot grow, the error names it, and nothing is left.
(ulimit -f 4096 && exec "$neardup" dedup "${inputs[@]}" -o "$work/fullspill" --max-memory 30M "${args[@]}") > "$work/fullspill.txt" 2>&1
rc=$?
check "spill past a file size limit: exit 1 (got $rc)" [ "$rc" -eq 1 ]
check "spill past a file size limit: message" \
  grep -q "cannot grow $work/fullspill/.neardup-signatures.tmp-[0-9]*: File too large" "$work/fullspill.txt"
check "spill past a file size limit: no stats.json" [ ! -e "$work/fullspill/stats.json" ]
check "spill past a file size limit: no file left" [ -z "$(find "$work/fullspill" -type f)" ]
# With room, the spilled run writes what the reference run wrote.
"$neardup" dedup "${inputs[@]}" -o "$work/spilled" --max-memory 30M "${args[@]}" > /dev/null 2>&1
check "spilled run" grep -q '"spilled_bytes":[1-9]' "$work/spilled/stats.json"
same "$work/spilled"
check "spilled run: outputs byte-identical to the reference" [ $? -eq 0 ]
# Killed while it spills: its spill files have no name to leave behind,
# and a rerun is byte-identical.
"$neardup" dedup "${inputs[@]}" -o "$work/spillkill" --max-memory 30M "${args[@]}" > /dev/null 2>&1 &
pid=$!
sleep "$(printf '%d.%03d' $((ms / 2000)) $((ms / 2 % 1000)))"
kill -KILL "$pid" 2> /dev/null
wait "$pid" 2> /dev/null
check "spilling run killed: no spill file left" [ -z "$(find "$work/spillkill" -name '.neardup-signatures*' -o -name '.neardup-ids*' 2> /dev/null)" ]
"$neardup" dedup "${inputs[@]}" -o "$work/spillkill" --overwrite --max-memory 30M "${args[@]}" > /dev/null 2>&1
check "spilling run killed: rerun" [ $? -eq 0 ]
same "$work/spillkill"
check "spilling run killed: rerun byte-identical" [ $? -eq 0 ]

# A full file system, where a small tmpfs can be mounted (root).
mkdir -p "$work/tmpfs"
if mount -t tmpfs -o size=1m tmpfs "$work/tmpfs" 2> /dev/null; then
  mounted="$work/tmpfs"
  "$neardup" dedup "${inputs[@]}" -o "$work/tmpfs/out" "${args[@]}" > "$work/enospc.txt" 2>&1
  rc=$?
  check "full disk: exit 1 (got $rc)" [ "$rc" -eq 1 ]
  check "full disk: message" grep -Eq "$work/tmpfs/out/[^ ]+: No space left on device" "$work/enospc.txt"
  check "full disk: no stats.json" [ ! -e "$work/tmpfs/out/stats.json" ]
  check "full disk: no temporaries left" [ -z "$(find "$work/tmpfs/out" -name '*.tmp-*')" ]
  same "$work/tmpfs/out"
  check "full disk: finished outputs complete" [ $? -eq 0 ]
else
  echo "full disk: cannot mount a tmpfs here (not root); file size limit only"
fi

finish
