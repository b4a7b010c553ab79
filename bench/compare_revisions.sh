#!/bin/bash
# Output equality of the working tree against an earlier revision: builds
# REV (from `git archive`, in its own build folder) and the current tree,
# runs both `neardup` binaries on the same generated inputs (JSONL, gzip,
# zstd, WARC/WET with response and conversion records, a folder of text
# files, a file of bad records) and compares every output file and every
# console output byte for byte (issue 11: a refactoring changes no output).
#
#   bench/compare_revisions.sh             # against main
#   bench/compare_revisions.sh 22b0ef5     # against a commit
#   DASK=1 bench/compare_revisions.sh REV  # neardup.dask too (builds the
#                                          # Python module on both sides)
#
# What runs, on each side:
#   dedup    minhash, simhash and exact, each with --verify signature and
#            exact, each with --keep first, longest and field:score; then
#            variants (character n-grams, --containment, --digits keep,
#            --main-text on with and without --line-counts, --threshold,
#            --bands/--rows, --min-words, --max-doc-bytes with both
#            --oversize, --output-format jsonl, --dry-run, --threads 1)
#   clean    default, --no-repeats, --no-boilerplate, --syndicated,
#            --gopher-filter, --signals-only, --annotate, --output-format
#            jsonl, --line-counts of an earlier run, --near-similarity 1
#            --block-similarity 1, --explain ID, truncation
#   explain  pairs by line, by id, across formats, each method; and
#            OUT/removed.jsonl:LINE of several runs, and of runs against an
#            index folder (dedup --index, each method)
#   report   `neardup report OUTDIR` of a --no-report run
#   dask     (DASK=1) python3 -m neardup.dask with 2 workers, several
#            methods and keep policies
# Both sides run in folders of the same shape with the same relative
# paths, so that every path they print is the same. Before comparing,
# stats.json loses what is measured, not computed (its "seconds" and
# "peak_rss_bytes" values); nothing else is touched.
#
# Environment (all optional):
#   WORK   folder for the builds, inputs and outputs (default
#          /tmp/neardup-compare-$USER); the build of REV is kept there and
#          reused while REV names the same commit
#   BUILD  the current tree's build folder (default build; configured
#          Release when missing)
#   JOBS   build parallelism (default 2)
#   DOCS   documents in the generated crawl (default 1500)
#   DASK   1: compare neardup.dask too (default 0)
#   KEEP   1: keep the outputs after a successful comparison (default 0)
# Exit status: 0 when every output is identical, 1 when one differs (each
# is named, with the first lines of its diff), 2 on a build or usage error.

set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REV="${1:-main}"
WORK="${WORK:-/tmp/neardup-compare-${USER:-$(id -u)}}"
BUILD="${BUILD:-$REPO/build}"
JOBS="${JOBS:-2}"
DOCS="${DOCS:-1500}"
DASK="${DASK:-0}"
KEEP="${KEEP:-0}"
PY=/usr/bin/python3

die() { echo "compare_revisions: $*" >&2; exit 2; }

commit=$(git -C "$REPO" rev-parse --verify "$REV^{commit}" 2>/dev/null) ||
  die "'$REV' is not a revision of $REPO"
mkdir -p "$WORK" || die "cannot create $WORK"
targets=(neardup_tool)
[[ "$DASK" == 1 ]] && targets+=(neardup_python)

# --- builds --------------------------------------------------------------
old_src="$WORK/rev-src"
old_build="$WORK/rev-build"
if [[ "$(cat "$WORK/rev-commit" 2>/dev/null)" != "$commit" ]]; then
  echo "== exporting $REV ($commit)"
  rm -rf "$old_src" "$old_build" "$WORK/rev-commit"
  mkdir -p "$old_src"
  git -C "$REPO" archive "$commit" | tar -x -C "$old_src" ||
    die "git archive $commit failed"
fi
echo "== building $REV in $old_build"
if [[ ! -f "$old_build/CMakeCache.txt" ]]; then
  cmake -S "$old_src" -B "$old_build" -DCMAKE_BUILD_TYPE=Release \
    -DNEARDUP_BUILD_TESTS=OFF -DNEARDUP_BUILD_BENCHMARKS=OFF \
    > "$WORK/rev-configure.log" 2>&1 ||
    die "configuring $REV failed (see $WORK/rev-configure.log)"
fi
cmake --build "$old_build" -j"$JOBS" --target "${targets[@]}" \
  > "$WORK/rev-build.log" 2>&1 || die "building $REV failed (see $WORK/rev-build.log)"
echo "$commit" > "$WORK/rev-commit"

echo "== building the working tree in $BUILD"
if [[ ! -f "$BUILD/CMakeCache.txt" ]]; then
  cmake -S "$REPO" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release \
    > "$WORK/cur-configure.log" 2>&1 ||
    die "configuring the working tree failed (see $WORK/cur-configure.log)"
fi
cmake --build "$BUILD" -j"$JOBS" --target "${targets[@]}" neardup_make_corpus \
  > "$WORK/cur-build.log" 2>&1 ||
  die "building the working tree failed (see $WORK/cur-build.log)"

# --- inputs --------------------------------------------------------------
in="$WORK/in"
rm -rf "$in"
mkdir -p "$in/texts/sub"
"$BUILD/bench/neardup_make_corpus" --docs "$DOCS" --seed 7 --dup-rate 0.3 \
  --repeat-rate 0.1 --edited-repeat-rate 0.3 --quote-rate 0.05 --furniture \
  -o "$in/all.jsonl" > /dev/null 2>&1 || die "neardup_make_corpus failed"
# A numeric field for --keep field:score (missing on every 7th record), and
# the crawl cut in three: plain, gzip and zstd.
awk '{ if (NR % 7) sub(/^\{/, "{\"score\":" (NR * 7919) % 1000 ","); print }' \
  "$in/all.jsonl" > "$in/scored.jsonl"
third=$(( (DOCS + 2) / 3 ))
head -n "$third" "$in/scored.jsonl" > "$in/a.jsonl"
sed -n "$((third + 1)),$((2 * third))p" "$in/scored.jsonl" | gzip -n -c > "$in/b.jsonl.gz"
tail -n +"$((2 * third + 1))" "$in/scored.jsonl" | zstd -q -c > "$in/c.jsonl.zst"
# WARC: a WET file (conversion records) and a WARC file (HTML responses),
# both gzip per record, from records of the crawl and copies of them; a
# folder of text files, some compressed.
"$PY" - "$in" <<'EOF' || die "writing the WARC and text inputs failed"
import gzip, html, json, os, sys
root = sys.argv[1]
docs = [json.loads(l) for l in open(os.path.join(root, "all.jsonl"), encoding="utf-8")]
def record(headers, block):
    head = "WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
    head += f"Content-Length: {len(block)}\r\n\r\n"
    return head.encode() + block + b"\r\n\r\n"
def member(data):
    return gzip.compress(data, mtime=0)
with open(os.path.join(root, "pages.warc.wet.gz"), "wb") as out:
    out.write(member(record([("WARC-Type", "warcinfo")], b"software: test\r\n")))
    for i, d in enumerate(docs[:400] + docs[100:140]):
        out.write(member(record([
            ("WARC-Type", "conversion"),
            ("WARC-Target-URI", d["url"]),
            ("WARC-Date", "2024-01-%02dT00:00:00Z" % (1 + i % 28)),
            ("WARC-Record-ID", "<urn:uuid:wet-%05d>" % i),
            ("Content-Type", "text/plain"),
        ], d["text"].encode())))
with open(os.path.join(root, "pages.warc.gz"), "wb") as out:
    for i, d in enumerate(docs[300:500] + docs[300:330]):
        body = "".join("<p>%s</p>\n" % html.escape(p) for p in d["text"].split("\n"))
        page = ("<html><head><title>t</title></head><body>%s</body></html>" % body).encode()
        http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                b"Content-Length: %d\r\n\r\n" % len(page)) + page
        out.write(member(record([("WARC-Type", "request"), ("WARC-Target-URI", d["url"])], b"GET / HTTP/1.1\r\n\r\n")))
        out.write(member(record([
            ("WARC-Type", "response"),
            ("WARC-Target-URI", d["url"]),
            ("WARC-Date", "2024-02-01T00:00:00Z"),
            ("WARC-Record-ID", "<urn:uuid:resp-%05d>" % i),
            ("Content-Type", "application/http; msgtype=response"),
        ], http)))
for i, d in enumerate(docs[600:700] + docs[600:620]):
    sub = "sub" if i % 3 == 0 else ""
    path = os.path.join(root, "texts", sub, "doc%04d.txt" % i)
    data = d["text"].encode()
    if i % 4 == 1:
        with open(path + ".gz", "wb") as f: f.write(member(data))
    else:
        with open(path, "wb") as f: f.write(data)
EOF
{
  head -n 20 "$in/scored.jsonl"
  echo '{"id":"broken","text":'
  echo '{"id":"notext"}'
  printf '{"id":"badutf","text":"bad \xff byte"}\n'
  echo '[1,2,3]'
  echo '{"id":"empty","text":""}'
  echo '{"id":"short","text":"three short words"}'
  echo '{"id":"num","text":5}'
} > "$in/bad.jsonl"
inputs=(in/a.jsonl in/b.jsonl.gz in/c.jsonl.zst in/pages.warc.wet.gz
        in/pages.warc.gz in/texts in/bad.jsonl)

# --- runs ----------------------------------------------------------------
# run_side SIDE NEARDUP PYTHONPATH: every case, in WORK/SIDE; each case's
# console output in SIDE/console/CASE, its outputs in SIDE/o/CASE.
run_side() {
  local side=$1 nd=$2 pypath=$3
  local dir="$WORK/$side"
  rm -rf "$dir"
  mkdir -p "$dir/console" "$dir/o"
  ln -s ../in "$dir/in"
  cd "$dir" || die "cd $dir"
  local n=0
  c() {  # c CASE COMMAND...: runs COMMAND, console to console/CASE
    local name=$1
    shift
    "$@" > "console/$name" 2>&1
    echo "exit $?" >> "console/$name"
    n=$((n + 1))
  }
  dedup_case() { local name=$1; shift; c "$name" "$nd" dedup "${inputs[@]}" -o "o/$name" --quiet --threads 2 "$@"; }
  clean_case() { local name=$1; shift; c "$name" "$nd" clean "${inputs[@]}" -o "o/$name" --quiet --threads 2 "$@"; }
  explain_case() { local name=$1; shift; c "$name" "$nd" explain "$@"; }
  local start=$SECONDS
  # dedup: every method x verify x keep policy.
  for method in minhash simhash exact; do
    for verify in signature exact; do
      for keep in first longest field:score; do
        dedup_case "dedup-$method-$verify-${keep/:/_}" --method "$method" --verify "$verify" --keep "$keep"
      done
    done
  done
  dedup_case dedup-char --char --ngram 4
  dedup_case dedup-containment --verify exact --containment 0.8
  dedup_case dedup-digits --digits keep
  dedup_case dedup-maintext --main-text on
  dedup_case dedup-maintext-exact --main-text on --verify exact --keep longest
  dedup_case dedup-threshold --threshold 0.6 --keep longest
  dedup_case dedup-bands --bands 20 --rows 5 --num-perm 100 --seed 3
  dedup_case dedup-simhash-hamming --method simhash --hamming 6
  dedup_case dedup-minwords --min-words 40
  dedup_case dedup-truncate --max-doc-bytes 3000 --oversize truncate
  dedup_case dedup-reject --max-doc-bytes 3000
  dedup_case dedup-jsonl --output-format jsonl
  dedup_case dedup-dryrun --dry-run
  c dedup-threads1 "$nd" dedup "${inputs[@]}" -o o/dedup-threads1 --quiet --threads 1
  dedup_case dedup-idfield --id-field url --keep longest
  c dedup-stdin "$nd" dedup - -o o/dedup-stdin --quiet < in/a.jsonl
  # clean: every mode.
  clean_case clean-default
  clean_case clean-norepeats --no-repeats
  clean_case clean-noboilerplate --no-boilerplate
  clean_case clean-syndicated --syndicated --syndicated-threshold 0.7
  clean_case clean-gopher --gopher-filter
  clean_case clean-signals --signals-only
  clean_case clean-annotate --annotate
  clean_case clean-jsonl --output-format jsonl
  clean_case clean-exactrepeats --near-similarity 1 --block-similarity 1
  clean_case clean-mindocs --boilerplate-min-docs 2 --boilerplate-max-line-bytes 80 --min-repeat-line-bytes 10
  clean_case clean-truncate --max-doc-bytes 3000 --oversize truncate
  clean_case clean-linecounts --line-counts o/clean-default/line_counts.bin
  c clean-threads1 "$nd" clean "${inputs[@]}" -o o/clean-threads1 --quiet --threads 1
  clean_case clean-explain --explain doc-000005
  dedup_case dedup-linecounts --main-text on --line-counts o/clean-default/line_counts.bin
  # explain: pairs, each method, and removals of finished runs.
  local first second id
  # The first removal of the default run, by id.
  first=$(head -n 1 o/dedup-minhash-signature-first/removed.jsonl)
  id=$(sed -E 's/.*"kept_id":"([^"]*)".*/\1/' <<< "$first")
  second=$(sed -E 's/^\{"id":"([^"]*)".*/\1/' <<< "$first")
  for flags in "" "--verify exact" "--method simhash" "--method exact" \
               "--char --ngram 4" "--verify exact --containment 0.8" \
               "--main-text on" "--threshold 0.6" "--digits keep"; do
    local tag=${flags// /_}
    explain_case "explain-pair${tag}" in/a.jsonl:1 in/a.jsonl:2 $flags
    explain_case "explain-ids${tag}" "in/scored.jsonl#$id" "in/scored.jsonl#$second" $flags
  done
  explain_case explain-wet in/pages.warc.wet.gz:2 "in/pages.warc.wet.gz#<urn:uuid:wet-00101>" --examples 5
  explain_case explain-warc in/pages.warc.gz:4 "in/pages.warc.gz#<urn:uuid:resp-00003>"
  explain_case explain-text in/texts/doc0001.txt.gz in/texts/sub/doc0000.txt
  explain_case explain-cross in/pages.warc.wet.gz:2 in/a.jsonl:1
  explain_case explain-missing "in/a.jsonl#nosuch" in/a.jsonl:1
  for run in dedup-minhash-signature-first dedup-simhash-exact-longest \
             dedup-exact-signature-field_score dedup-containment dedup-maintext \
             dedup-truncate dedup-linecounts dedup-char; do
    for line in 1 2 7 40; do
      explain_case "explain-removal-$run-$line" "o/$run/removed.jsonl:$line"
    done
  done
  # explain: removals against an index folder (dedup --index), each method;
  # the folders lie outside o/ (an index is not an output compared here).
  mkdir -p idx
  for method in minhash simhash exact; do
    local run
    for run in 1 2; do
      c "index-$method-$run" "$nd" dedup "${inputs[run - 1]}" -o "o/index-$method-$run" \
        --quiet --threads 2 --method "$method" --index "idx/$method"
    done
    for line in $(grep -n '"kept_source"' "o/index-$method-2/removed.jsonl" | head -n 2 | cut -d: -f1); do
      explain_case "explain-index-$method-$line" "o/index-$method-2/removed.jsonl:$line"
    done
  done
  # report: a run without one, written afterwards.
  dedup_case dedup-noreport --no-report
  c report-later "$nd" report o/dedup-noreport
  if [[ "$DASK" == 1 ]]; then

    dk() { local name=$1; shift; c "$name" env PYTHONPATH="$pypath" "$PY" -m neardup.dask \
             in/a.jsonl in/b.jsonl.gz in/c.jsonl.zst -o "o/$name" --quiet \
             --workers 2 --partition-bytes 400000 "$@"; }
    dk dask-minhash
    dk dask-exact-verify --verify exact --keep longest
    dk dask-simhash --method simhash --keep field:score
    dk dask-exact --method exact
    dk dask-containment --verify exact --containment 0.8
  fi
  echo "   $side: $n commands in $((SECONDS - start)) s"
  # A comparison of failures would prove nothing.
  for case in dedup-minhash-signature-first clean-default explain-pair; do
    [[ "$(tail -n 1 "console/$case")" == "exit 0" ]] ||
      die "$side: $case failed: $(head -c 300 "console/$case")"
  done
  cd "$WORK" || die "cd $WORK"
}

echo "== running $REV"
run_side old "$old_build/tools/neardup" "$old_build/python"
echo "== running the working tree"
run_side new "$BUILD/tools/neardup" "$BUILD/python"

# --- comparison ----------------------------------------------------------
# Measured values vary from run to run; they are blanked on both sides.
normalize() {  # normalize FILE: in place
  sed -E -i 's/"seconds":\{[^}]*\}/"seconds":{}/; s/"peak_rss_bytes":[0-9]+/"peak_rss_bytes":0/' "$1"
}
status=0
compared=0
differ=0
while IFS= read -r rel; do
  a="$WORK/old/$rel"
  b="$WORK/new/$rel"
  if [[ ! -e "$b" ]]; then
    echo "only in $REV: $rel"
    differ=$((differ + 1))
    continue
  fi
  compared=$((compared + 1))
  cmp -s "$a" "$b" && continue
  case $rel in
    */stats.json)
      normalize "$a"
      normalize "$b"
      cmp -s "$a" "$b" && continue
      ;;
  esac
  echo "DIFFERS: $rel"
  diff <(head -c 2000000 "$a") <(head -c 2000000 "$b") | head -n 8 | cut -c 1-300
  differ=$((differ + 1))
done < <(cd "$WORK/old" && find console o -type f | sort)
while IFS= read -r rel; do
  if [[ ! -e "$WORK/old/$rel" ]]; then
    echo "only in the working tree: $rel"
    differ=$((differ + 1))
  fi
done < <(cd "$WORK/new" && find console o -type f | sort)

if (( differ > 0 )); then
  echo "== $differ of $compared files differ between $REV ($commit) and the working tree"
  echo "   outputs kept in $WORK/old and $WORK/new"
  exit 1
fi
echo "== all $compared files identical between $REV (${commit:0:10}) and the working tree"
if [[ "$KEEP" != 1 ]]; then rm -rf "$WORK/old" "$WORK/new"; fi
exit 0
