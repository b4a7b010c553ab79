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

# A field named by an option that no record has is an error naming it and
# the fields there are, before any output; one that some records lack is a
# warning with the count; a run that rejects every record exits 1.
{
  echo '{"id":"1","text":"one two three four five six","url":"http://a.example/1","score":3}'
  echo '{"id":"2","text":"one two three four five six","url":"http://a.example/2"}'
  echo '{"id":"3","body":"seven eight nine"}'
} > "$work/fields.jsonl"
for opt in "--text-field content" "--id-field docid" "--keep field:nosuch"; do
  field=${opt##* }; field=${field#field:}
  "$neardup" dedup "$work/fields.jsonl" -o "$work/fd" $opt > "$work/fd.txt" 2>&1
  check "missing field $field: exit 1" [ $? -eq 1 ]
  check "missing field $field: message" grep -q "no record has the field \"$field\".*the first records have the fields: id, text, url, score, body" "$work/fd.txt"
  check "missing field $field: no output" [ -z "$(find "$work/fd" -type f 2> /dev/null)" ]
done
"$neardup" clean "$work/fields.jsonl" -o "$work/fc" --text-field content > "$work/fc.txt" 2>&1
check "clean missing field: exit 1" [ $? -eq 1 ]
check "clean missing field: message" grep -q 'no record has the field "content"' "$work/fc.txt"
"$neardup" dedup "$work/fields.jsonl" -o "$work/fw" --keep field:score > "$work/fw.txt" 2>&1
check "some records lack fields: exit 0" [ $? -eq 0 ]
check "warning: text" grep -q 'warning: 1 of 3 records have no "text" field: rejected' "$work/fw.txt"
check "warning: keep field" grep -q 'warning: 2 of 3 records have no "score" field' "$work/fw.txt"
printf 'not json\n{"id":"x","text":5}\n' > "$work/allbad.jsonl"
"$neardup" dedup "$work/allbad.jsonl" -o "$work/fa" > "$work/fa.txt" 2>&1
check "every record rejected: exit 1" [ $? -eq 1 ]
check "every record rejected: message" grep -q "every record was rejected (2)" "$work/fa.txt"
"$neardup" dedup --help > "$work/dh.txt"
check "help says what field:NAME keeps" grep -q "largest numeric" "$work/dh.txt"

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

finish
