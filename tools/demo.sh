#!/usr/bin/env bash
# The demo of the README's quick start (`make demo`): the hashing core
# against its known answers, clean on the bundled example crawl, dedup on
# the cleaned crawl, one removal explained, and where the two runs' HTML
# reports are. tests/readme_demo_test.sh
# checks that the README shows what this prints.
# Usage: tools/demo.sh NEARDUP EXAMPLE OUTDIR
set -eu
neardup=$1
example=$2
out=$3
echo "== neardup selftest: the hashing core against its known answers"
"$neardup" selftest --quiet
echo
echo "== neardup clean $example -o $out/cleaned"
"$neardup" clean "$example" -o "$out/cleaned" --overwrite
echo
echo "== the first cuts ($out/cleaned/edits.jsonl)"
head -n 3 "$out/cleaned/edits.jsonl"
echo
echo "== neardup dedup $out/cleaned/crawl.jsonl -o $out/deduped"
"$neardup" dedup "$out/cleaned/crawl.jsonl" -o "$out/deduped" --overwrite
echo
echo "== the first removals ($out/deduped/removed.jsonl)"
head -n 3 "$out/deduped/removed.jsonl"
echo
echo "== why doc-000010 was removed: neardup explain"
"$neardup" explain "$example#doc-000001" "$example#doc-000010"
echo
echo "== the reports: open them in a browser (one self-contained page per run)"
echo "$out/cleaned/report.html"
echo "$out/deduped/report.html"
