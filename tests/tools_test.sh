#!/usr/bin/env bash
# Tests of the neardup command as a user runs it: exit statuses, messages
# naming the problem, the accounting line, and byte-identical outputs for
# any thread count. Usage: tools_test.sh NEARDUP_BINARY SOURCE_DIR
set -u
neardup=$1
src=$2
. "$(dirname "${BASH_SOURCE[0]}")/check_lib.sh"
scratch

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
check "max-memory message in flag terms" grep -q "over --max-memory (1.0 MiB).*against an index folder (--index)" "$work/m.txt"
check "max-memory no output" [ ! -e "$work/m/stats.json" ]
"$neardup" dedup "$src/examples/crawl.jsonl" -o "$work/m2" --max-memory 2G --quiet > "$work/m2.txt" 2>&1
check "max-memory 2G" cmp -s "$work/a/crawl.jsonl" "$work/m2/crawl.jsonl"
# Above the fixed buffers but below them plus a chunk of signatures: the
# job spills, and writes what it writes without a ceiling.
"$neardup" dedup "$src/examples/crawl.jsonl" -o "$work/m4" --max-memory 24M --threads 2 --quiet > "$work/m4.txt" 2>&1
check "max-memory 24M spills" grep -q '"spilled_bytes":[1-9]' "$work/m4/stats.json"
check "max-memory 24M: same records kept" cmp -s "$work/a/crawl.jsonl" "$work/m4/crawl.jsonl"
check "max-memory 24M: same removals" cmp -s "$work/a/removed.jsonl" "$work/m4/removed.jsonl"
check "max-memory 24M: no spill file left" [ -z "$(find "$work/m4" -name '.neardup-*')" ]
"$neardup" dedup "$src/examples/crawl.jsonl" -o "$work/m3" --max-memory 12X > "$work/m3.txt" 2>&1
check "max-memory bad size" [ $? -eq 2 ]
check "max-memory bad size message" grep -q '"12X" is not a size' "$work/m3.txt"

# Progress on a terminal (script gives the command one): every stage ends
# with its count, with the total where a first pass knows it.
if command -v script > /dev/null; then
  script -qc "'$neardup' dedup '$src/examples/crawl.jsonl' -o '$work/p' --threads 1" /dev/null \
    | tr '\r' '\n' > "$work/p.txt"
  check "progress: sign" grep -q '^\[sign\] 60 records, 0.1 MB' "$work/p.txt"
  check "progress: index" grep -q '^\[index\] 39 of 39 bands, done' "$work/p.txt"
  check "progress: write" grep -q '^\[write\] 60 of 60 records, 0.1 MB.*, done' "$work/p.txt"
fi

# explain on two records by id.
"$neardup" explain "$src/examples/crawl.jsonl#doc-000001" "$src/examples/crawl.jsonl#doc-000010" > "$work/h.txt"
check "explain exit" [ $? -eq 0 ]
check "explain exact" grep -q "^exact Jaccard" "$work/h.txt"
"$neardup" explain "$src/examples/crawl.jsonl#nope" "$src/examples/crawl.jsonl:1" > "$work/i.txt" 2>&1
check "explain missing id" [ $? -ne 0 ]


# explain reads through dedup's readers: gzip, zstd, JSONL by line and id,
# WARC records by number and WARC-Record-ID, text files whole.
mkdir "$work/x"
words 80 0 > "$work/x/a.txt"
gzip -c "$work/x/a.txt" > "$work/x/a.txt.gz"
"$neardup" explain "$work/x/a.txt.gz" "$work/x/a.txt" > "$work/x1.txt" 2>&1
check "explain gzip exit" [ $? -eq 0 ]
check "explain gzip jaccard 1" grep -q "^exact Jaccard          1.0000" "$work/x1.txt"
check "explain gzip verdict" grep -q "^verdict: near-duplicate" "$work/x1.txt"
gzip -c "$src/examples/crawl.jsonl" > "$work/x/crawl.jsonl.gz"
zstd -q -c "$src/examples/crawl.jsonl" > "$work/x/crawl.jsonl.zst"
"$neardup" explain "$work/x/crawl.jsonl.gz:1" "$work/x/crawl.jsonl.zst#doc-000001" > "$work/x2.txt" 2>&1
check "explain jsonl.gz:1 exit" [ $? -eq 0 ]
check "explain jsonl.gz:1 same record" grep -q "^exact Jaccard          1.0000" "$work/x2.txt"
wet_record() {  # wet_record ID TEXT
  printf 'WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Record-ID: <urn:uuid:%s>\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n' "$1" "${#2}" "$2"
}
{
  printf 'WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 2\r\n\r\nhi\r\n\r\n'
  wet_record 11111111-aaaa "$(words 60 0)"
  wet_record 22222222-bbbb "$(words 60 0) extra"
  wet_record 33333333-cccc "$(words 60 500)"
} | gzip -c > "$work/x/pages.warc.wet.gz"
"$neardup" explain "$work/x/pages.warc.wet.gz:2" "$work/x/pages.warc.wet.gz#<urn:uuid:22222222-bbbb>" > "$work/x3.txt" 2>&1
check "explain warc exit" [ $? -eq 0 ]
check "explain warc record 2" grep -q 'pages.warc.wet.gz:2 (id "<urn:uuid:11111111-aaaa>")' "$work/x3.txt"
check "explain warc by id" grep -q 'pages.warc.wet.gz:3 (id "<urn:uuid:22222222-bbbb>")' "$work/x3.txt"
"$neardup" explain "$work/x/crawl.jsonl.gz:99999999999999999999999" "$work/x/a.txt" > "$work/x7.txt" 2>&1
check "explain huge record number exit" [ $? -eq 1 ]
check "explain huge record number message" grep -q "record number, counted from 1" "$work/x7.txt"
"$neardup" explain "$work/x/pages.warc.wet.gz" "$work/x/a.txt" > "$work/x4.txt" 2>&1
check "explain warc needs a record" [ $? -eq 1 ]
check "explain warc needs a record message" grep -q "name one record as" "$work/x4.txt"

# explain's verdict is what dedup does with the same two records and the
# same flags, for each method (pairs from identical to unrelated).
base=$(words 120 0)
pairs=(
  "$base|$base"
  "$base|$base wz"
  "$base|$(words 110 0) $(words 10 900)"
  "$base|$(words 95 0) $(words 25 900)"
  "$base|$(words 80 0) $(words 40 900)"
  "$base|$(words 120 3000)"
  "$(words 12 0)|$(words 12 0) wy"
  "$base|$(words 70 20)"
  "$(words 20 0) $(seq -s ' ' 1000 1100)|$(words 20 0) $(seq -s ' ' 5000 5100)"
)
agree=0
total=0
for method in "--method minhash" "--method minhash --verify exact" \
              "--method minhash --threshold 0.7" "--method simhash" \
              "--method simhash --hamming 6" "--method exact" \
              "--method minhash --char --ngram 4" \
              "--method minhash --verify exact --containment 0.8" \
              "--method minhash --containment 0.8" \
              "--method minhash --containment 0.7 --containment-asymmetry 1" \
              "--method minhash --verify exact --containment-asymmetry 1" \
              "--method minhash --containment 0" \
              "--method minhash --digits keep" \
              "--method minhash --main-text on"; do
  for i in "${!pairs[@]}"; do
    pair=${pairs[$i]}
    pf="$work/pair$i.jsonl"
    printf '{"id":"p%d-a","text":"%s"}\n{"id":"p%d-b","text":"%s"}\n' "$i" "${pair%%|*}" "$i" "${pair#*|}" > "$pf"
    rm -rf "$work/pd"
    # shellcheck disable=SC2086
    "$neardup" dedup "$pf" -o "$work/pd" --quiet $method > "$work/pd.txt" 2>&1
    removed=$(wc -l < "$work/pd/removed.jsonl")
    # shellcheck disable=SC2086
    verdict=$("$neardup" explain "$pf:1" "$pf:2" $method | tail -n 1)
    said=0
    case $verdict in
      "verdict: near-duplicate"*|"verdict: exact duplicate"*) said=1 ;;
    esac
    total=$((total + 1))
    if [ "$said" -eq "$removed" ] && [[ $verdict == verdict:* ]]; then
      agree=$((agree + 1))
    else
      echo "disagree: $method pair $i: dedup removed $removed, explain: $verdict" >&2
    fi
  done
done
check "explain verdict agrees with dedup ($agree of $total)" [ "$agree" -eq "$total" ]
# Pair 3 is an edit of one size (95 of 120 words, containment 0.78, Jaccard
# 0.65): at the defaults containment does not count it, and explain says why.
printf '{"id":"e-a","text":"%s"}\n{"id":"e-b","text":"%s"}\n' "$base" "$(words 95 0) $(words 25 900)" > "$work/edit.jsonl"
"$neardup" explain "$work/edit.jsonl:1" "$work/edit.jsonl:2" --verify exact > "$work/edit.txt"
check "explain names the asymmetry rule" grep -q "^verdict: not a near-duplicate.*an edit, not an excerpt.*--containment-asymmetry" "$work/edit.txt"
"$neardup" explain "$work/edit.jsonl:1" "$work/edit.jsonl:2" --verify exact --containment-asymmetry 1 > "$work/edit1.txt"
check "explain: asymmetry 1 counts the edit" grep -q "^verdict: near-duplicate.*containment" "$work/edit1.txt"
"$neardup" dedup "$work/edit.jsonl" -o "$work/edit-bad" --containment-asymmetry 0.5 > "$work/edit-bad.txt" 2>&1
check "containment-asymmetry below 1 refused" grep -q "containment-asymmetry must be at least 1" "$work/edit-bad.txt"
# --main-text on: pages of one site under shared furniture, and a copy of
# one article on another site; dedup and explain agree that the copy is a
# duplicate on the main text, and not on the whole text.
furniture=""
for l in $(seq 0 59); do furniture+="$(words 6 $((5000 + 6 * l)))\\n"; done
{
  for i in 0 1 2 3; do
    printf '{"id":"s%d","url":"https://a.example/%d","text":"%s%s"}\n' "$i" "$i" "$furniture" "$(words 60 $((100 * i)))"
  done
  printf '{"id":"copy","url":"https://b.example/c","text":"%s"}\n' "$(words 60 200)"
} > "$work/site.jsonl"
rm -rf "$work/mt"
"$neardup" dedup "$work/site.jsonl" -o "$work/mt" --quiet --main-text on > /dev/null 2>&1
check "main-text: the copy is removed against s2" grep -q '"id":"copy".*"kept_id":"s2"' "$work/mt/removed.jsonl"
check "main-text: stats.json says so" grep -q '"main_text":true' "$work/mt/stats.json"
check "main-text: explain agrees" bash -c "'$neardup' explain '$work/site.jsonl:3' '$work/site.jsonl:5' --main-text on | tail -n 1 | grep -q '^verdict: near-duplicate'"
check "main-text off, Jaccard alone: explain says not" bash -c "'$neardup' explain '$work/site.jsonl:3' '$work/site.jsonl:5' --containment 0 | tail -n 1 | grep -q '^verdict: not a near-duplicate'"
# On whole pages the copy lies inside s2 (another site): by containment.
check "main-text off: containment finds the copy" bash -c "'$neardup' explain '$work/site.jsonl:3' '$work/site.jsonl:5' | tail -n 1 | grep -q '^verdict: near-duplicate.*containment'"
check "main-text: explain of the removal" bash -c "cd '$work' && '$neardup' explain mt/removed.jsonl:1 | tail -n 1 | grep -q '^verdict: near-duplicate'"
# A run that truncated its documents: stats.json records the limits, and
# explain of a removal reads the records as the run did.
{
  printf '{"id":"t1","text":"%s %s"}\n' "$(words 200 0)" "$(words 100 1000)"
  printf '{"id":"t2","text":"%s %s"}\n' "$(words 200 0)" "$(words 100 2000)"
} > "$work/trunc.jsonl"
(cd "$work" && "$neardup" dedup trunc.jsonl -o tr --quiet --max-doc-bytes 600 --oversize truncate > /dev/null 2>&1)
check "truncate: recorded" grep -q '"max_doc_bytes":600,"oversize":"truncate"' "$work/tr/stats.json"
check "truncate: removed" grep -q '"id":"t2"' "$work/tr/removed.jsonl"
check "truncate: explain reads as the run did" bash -c "cd '$work' && '$neardup' explain tr/removed.jsonl:1 | grep -q 'truncated (--oversize)'"

# With a clean run's line counts: stats.json records the file, and explain
# of a removal uses it without the flag given again.
"$neardup" clean "$work/site.jsonl" -o "$work/mtc" --quiet > /dev/null 2>&1
(cd "$work" && "$neardup" dedup site.jsonl -o mt2 --quiet --main-text on --line-counts mtc/line_counts.bin > /dev/null 2>&1)
check "line-counts: recorded" grep -q '"line_counts_file":"mtc/line_counts.bin"' "$work/mt2/stats.json"
check "line-counts: explain uses it" bash -c "cd '$work' && '$neardup' explain mt2/removed.jsonl:1 | grep -q -- '--line-counts mtc/line_counts.bin'"

# SimHash with dedup's default 3-grams: the same pair, the same verdict
# without --ngram on either side (explain once used 5-grams).
check "explain simhash default 3-grams" bash -c "'$neardup' explain '$work/pair2.jsonl:1' '$work/pair2.jsonl:2' --method simhash | grep -q 'word 3-grams'"

# explain OUT/removed.jsonl:LINE: the removed record against its kept
# record, found by id in the run's inputs, with the run's parameters.
(cd "$work" && "$neardup" dedup x/crawl.jsonl.gz -o xr --quiet --threshold 0.7 > /dev/null)
first=$(head -n 1 "$work/xr/removed.jsonl")
rid=$(sed -E 's/^\{"id":"([^"]*)".*/\1/' <<< "$first")
kid=$(sed -E 's/.*"kept_id":"([^"]*)".*/\1/' <<< "$first")
(cd "$work" && "$neardup" explain xr/removed.jsonl:1) > "$work/x5.txt" 2>&1
check "explain removal exit" [ $? -eq 0 ]
check "explain removal removed record" grep -q "^A (removed): x/crawl.jsonl.gz:[0-9]* (id \"$rid\")" "$work/x5.txt"
check "explain removal kept record" grep -q "^B (kept): x/crawl.jsonl.gz:[0-9]* (id \"$kid\")" "$work/x5.txt"
check "explain removal says how" grep -q "^kept record: found by id at" "$work/x5.txt"
check "explain removal run parameters" grep -q "threshold 0.70" "$work/x5.txt"
check "explain removal verdict" grep -q "^verdict: " "$work/x5.txt"
(cd "$work" && "$neardup" explain xr/removed.jsonl:999) > "$work/x6.txt" 2>&1
check "explain removal past the end" [ $? -eq 1 ]
check "explain removal past the end message" grep -q "fewer than 999 lines" "$work/x6.txt"

# Usage errors: exit 2, "neardup: ...", a pointer to --help; --help and
# --version exit 0.
"$neardup" frobnicate > "$work/u1.txt" 2>&1
check "unknown command exit" [ $? -eq 2 ]
check "unknown command message" grep -q "^neardup: unknown command 'frobnicate' (the commands are clean, dedup, explain, index, report and selftest)" "$work/u1.txt"
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

# clean --explain ID: the record with its cuts marked, reasons and evidence.
names=(zero alpha bravo charlie delta echo)  # digits normalize alike
for i in 1 2 3 4 5; do
  body="Paragraph ${names[$i]} on the council vote of ${names[$i]} week."
  [ $i -eq 1 ] && body="$body\\n$body"  # a JSON \n between the copies
  printf '{"id":"p%s","url":"https://s.example/%s","text":"Site Name\\nHome | News | Sport\\nHeadline %s\\n%s\\nFooter of the site\\n"}\n' \
    $i $i "${names[$i]}" "$body" >> "$work/ce.jsonl"
done
"$neardup" clean "$work/ce.jsonl" -o "$work/ce" --quiet --explain p1 > "$work/ce.txt" 2>&1
check "explain exit" [ $? -eq 0 ]
check "explain header" grep -q "^record p1 (.*ce.jsonl line 1): 4 cuts" "$work/ce.txt"
check "explain boilerplate evidence" grep -q "boilerplate: in 5 documents (5 article families) of s.example, the first p1" "$work/ce.txt"
check "explain repeat source" grep -q "repeated_line: repeats the text from line 4" "$work/ce.txt"
check "explain kept line" grep -q "^    3   Headline alpha$" "$work/ce.txt"
check "explain cut line" grep -q "^    1 - Site Name$" "$work/ce.txt"
check "edits evidence" grep -q '"site":"s.example","docs":5,"families":5,"first_id":"p1"}' "$work/ce/edits.jsonl"
# Records without url: boilerplate needs stronger evidence, and it says so.
sed 's/"url":"[^"]*",//' "$work/ce.jsonl" > "$work/nourl.jsonl"
"$neardup" clean "$work/nourl.jsonl" -o "$work/nourl" > "$work/nourl.txt" 2>&1
check "no url exit" [ $? -eq 0 ]
check "no url message" grep -q "^5 records have no url: they count as one site" "$work/nourl.txt"
check "no url stats" grep -q '"without_url":5,' "$work/nourl/stats.json"
"$neardup" clean "$work/ce.jsonl" -o "$work/ce2" --quiet --explain nosuch > "$work/ce2.txt" 2>&1
check "explain unknown id exit" [ $? -eq 1 ]
check "explain unknown id message" grep -q "no record with id 'nosuch'" "$work/ce2.txt"

# report.html: written by every run and named on the console, the same for
# any thread count, left out with --no-report, written later by `report`.
check "dedup report" [ -s "$work/a/report.html" ]
check "dedup report named" grep -q "^report: $work/a/report.html" "$work/a.txt"
check "report listed" grep -q '"report.html"' "$work/a/stats.json"
check "report same for 2 threads" cmp -s <(sed "s|$work/a|OUT|g" "$work/a/report.html") <(sed "s|$work/b|OUT|g" "$work/b/report.html")
"$neardup" clean "$src/examples/crawl.jsonl" -o "$work/r1" --quiet > /dev/null
check "clean report" grep -q "read 60 = kept 60 + removed 0 + rejected 0" "$work/r1/report.html"
"$neardup" dedup "$src/examples/crawl.jsonl" -o "$work/r2" --quiet --no-report > /dev/null
check "--no-report" [ ! -e "$work/r2/report.html" ]
"$neardup" report "$work/r2" > "$work/r2.txt" 2>&1
check "report command exit" [ $? -eq 0 ]
check "report command output" grep -q "^report: $work/r2/report.html$" "$work/r2.txt"
check "report command page" grep -q "$(tail -n 1 "$work/a.txt")" "$work/r2/report.html"
check "report command: no pair similarity recorded" grep -q "did not record the similarity" "$work/r2/report.html"
check "report command lists the page" grep -q '"report.html"' "$work/r2/stats.json"
"$neardup" report "$work/missing" > "$work/r3.txt" 2>&1
check "report of no run exit" [ $? -eq 1 ]
check "report of no run message" grep -q "no stats.json" "$work/r3.txt"

finish
