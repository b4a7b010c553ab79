#!/usr/bin/env bash
# The bad-input corpus: hostile inputs generated here, each run through the
# neardup command with its exit status, its message (naming the file and
# the line or byte offset) and its accounting (read = kept + removed +
# rejected) asserted. Damaged records are rejected and the run goes on;
# only what makes a run impossible (a missing, unreadable or corrupted
# input, a bad option) stops it, before any output looks finished.
# Usage: bad_input_test.sh NEARDUP_BINARY
set -u
neardup=$1
work=$(mktemp -d)
trap 'chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/check_lib.sh"
cases=0


# run NAME ARGS...: runs neardup, output (both streams) in $work/NAME.txt
# and the exit status in $rc.
run() {
  local name=$1
  shift
  cases=$((cases + 1))
  "$neardup" "$@" > "$work/$name.txt" 2>&1
  rc=$?
}
# accounting NAME "read R = kept K + removed M + rejected J": the last
# line is exactly that, and it adds up.
accounting() {
  local name=$1 want=$2
  local last
  last=$(tail -n 1 "$work/$name.txt")
  check "$name: accounting '$want' (got '$last')" [ "$last" = "$want" ]
  [[ $last =~ ^read\ ([0-9]+)\ =\ kept\ ([0-9]+)\ \+\ removed\ ([0-9]+)\ \+\ rejected\ ([0-9]+) ]] &&
    check "$name: adds up" [ $((BASH_REMATCH[2] + BASH_REMATCH[3] + BASH_REMATCH[4])) -eq "${BASH_REMATCH[1]}" ]
}
# rejected NAME OUTDIR PATTERN...: rejected.jsonl has a line matching every
# pattern (grep -E), e.g. the file, "line":N and the reason.
rejected() {
  local name=$1 out=$2
  shift 2
  local lines
  lines=$(cat "$out/rejected.jsonl")
  for p in "$@"; do lines=$(grep -E -- "$p" <<< "$lines"); done
  check "$name: rejected.jsonl names $*" [ -n "$lines" ]
}
message() {  # message NAME PATTERN: the output says it (grep -E)
  check "$1: message /$2/" grep -Eq -- "$2" "$work/$1.txt"
}
status() {  # status NAME CODE
  check "$1: exit $2 (got $rc)" [ "$rc" -eq "$2" ]
}
# unfinished OUTDIR: no output looks finished after a failed run.
unfinished() {
  check "$1: no stats.json" [ ! -e "$1/stats.json" ]
}

good() {  # good ID [FIRST_WORD]: a valid JSONL record
  printf '{"id":"%s","text":"%s"}\n' "$1" "$(words 30 "${2:-$((${#1} * 97))}")"
}

# --- 1. Invalid UTF-8 of every class inside JSON strings: each line is
# rejected with its line and the byte offset of the bad sequence; the
# valid records around them are kept.
declare -A utf8=(
  [overlong_2]='\xC0\xAF' [overlong_3]='\xE0\x80\xAF' [overlong_4]='\xF0\x80\x80\xAF'
  [surrogate_high]='\xED\xA0\x80' [surrogate_low]='\xED\xBF\xBF'
  [above_max]='\xF4\x90\x80\x80' [truncated_2]='\xC3' [truncated_3]='\xE2\x82'
  [truncated_4]='\xF0\x9F\x98' [lone_continuation]='\x80' [byte_FE]='\xFE'
  [byte_FF]='\xFF' [five_byte]='\xF8\x88\x80\x80\x80'
)
for class in "${!utf8[@]}"; do
  f="$work/utf8_$class.jsonl"
  { good a 0; printf '{"id":"b","text":"abc '"${utf8[$class]}"' def"}\n'; good c 500; } > "$f"
  run "utf8_$class" dedup "$f" -o "$work/o_utf8_$class" --threads 2
  status "utf8_$class" 0
  accounting "utf8_$class" "read 3 = kept 2 + removed 0 + rejected 1"
  rejected "utf8_$class" "$work/o_utf8_$class" "utf8_$class.jsonl" '"line":2,' \
    'invalid UTF-8 at byte offset 22 of the line'
done
# In a plain text file the same bytes are repaired (U+FFFD), counted, and
# the document is kept as it was: each maximal ill-formed subsequence is
# one U+FFFD, so C0 AF is two, ED A0 80 three and E2 82 one.
printf 'some %b text %b and %b more words here\n' '\xC0\xAF' '\xED\xA0\x80' '\xE2\x82' > "$work/repair.txt"
run utf8_repaired dedup "$work/repair.txt" -o "$work/o_repair"
status utf8_repaired 0
accounting utf8_repaired "read 1 = kept 1 + removed 0 + rejected 0"
check "utf8_repaired: counted" grep -q '"repaired_utf8_sequences":6' "$work/o_repair/stats.json"
check "utf8_repaired: written as read" cmp -s "$work/repair.txt" "$work/o_repair/repair.txt"

# --- 2. NUL bytes: raw in a JSON string (malformed), escaped (fine), in a
# text file (a binary file: rejected), and a line of NULs.
{
  good a 0
  printf '{"id":"raw","text":"a\0b"}\n'
  printf '{"id":"esc","text":"a\\u0000b %s"}\n' "$(words 10 900)"
  printf '\0\0\0\0\n'
} > "$work/nul.jsonl"
run nul dedup "$work/nul.jsonl" -o "$work/o_nul"
status nul 0
accounting nul "read 4 = kept 2 + removed 0 + rejected 2"
rejected nul "$work/o_nul" '"line":2,' 'malformed JSON'
rejected nul "$work/o_nul" '"line":4,' 'offset'
printf 'text with a \0 NUL byte inside\n' > "$work/nul.txt"
run nul_text dedup "$work/nul.txt" -o "$work/o_nul_text"
status nul_text 1  # every record rejected
check "nul_text: says so" grep -q "every record was rejected (1)" "$work/nul_text.txt"
accounting nul_text "read 1 = kept 0 + removed 0 + rejected 1"
rejected nul_text "$work/o_nul_text" 'nul.txt' '"offset":12,' 'binary file, not text: NUL byte at offset 12'

# --- 3. JSON with wrong types, not an object, and trailing content.
{
  good a 0
  echo '{"id":"n","text":5}'
  echo '{"id":"z","text":null}'
  echo '{"id":"l","text":["a"]}'
  echo '{"id":"o","text":{"a":1}}'
  echo '{"id":"t","text":true}'
  echo '["not","an","object"]'
  echo '"a string"'
  echo '{"id":"m"}'
  echo '{"id":"x","text":"a"} trailing'
  echo '{"id":"bad number","text":"a","n":01}'
  echo '{"id":{"nested":[1,2]},"text":"an object as the id is its JSON text"}'
} > "$work/types.jsonl"
run types dedup "$work/types.jsonl" -o "$work/o_types"
status types 0
accounting types "read 12 = kept 2 + removed 0 + rejected 10"
rejected types "$work/o_types" '"line":2,' 'field \\"text\\" is not a string \(number\)'
rejected types "$work/o_types" '"line":3,' 'is not a string \(null\)'
rejected types "$work/o_types" '"line":4,' 'is not a string \(array\)'
rejected types "$work/o_types" '"line":5,' 'is not a string \(object\)'
rejected types "$work/o_types" '"line":6,' 'is not a string \(boolean\)'
rejected types "$work/o_types" '"line":7,' 'not an object \(array\)'
rejected types "$work/o_types" '"line":8,' 'not an object \(string\)'
rejected types "$work/o_types" '"line":9,' 'no \\"text\\" field'
rejected types "$work/o_types" '"line":10,' 'malformed JSON'
rejected types "$work/o_types" '"line":11,' 'malformed JSON'
check "types: object id" grep -q '{"nested":\[1,2\]}' "$work/o_types/types.jsonl"

# --- 4. Duplicate keys: the first occurrence wins, the line is kept byte
# for byte; a duplicated id does not merge records.
{
  printf '{"id":"d","text":"%s","text":5,"id":"e"}\n' "$(words 30 0)"
  printf '{"id":"d","text":"%s"}\n' "$(words 30 3000)"
} > "$work/dupkeys.jsonl"
run dupkeys dedup "$work/dupkeys.jsonl" -o "$work/o_dupkeys"
status dupkeys 0
accounting dupkeys "read 2 = kept 2 + removed 0 + rejected 0"
check "dupkeys: written as read" cmp -s "$work/dupkeys.jsonl" "$work/o_dupkeys/dupkeys.jsonl"

# --- 5. Deep nesting: 1024 levels are read, 1025 are rejected.
deep() { printf '{"id":"%s","text":"%s","x":%s%s}\n' "$1" "$(words 20 "$3")" \
  "$(printf '%*s' "$2" '' | tr ' ' '[')" "$(printf '%*s' "$2" '' | tr ' ' ']')"; }
{ deep ok 1022 0; deep too_deep 1024 5000; deep very_deep 100000 9000; } > "$work/deep.jsonl"
run deep dedup "$work/deep.jsonl" -o "$work/o_deep"
status deep 0
accounting deep "read 3 = kept 1 + removed 0 + rejected 2"
rejected deep "$work/o_deep" '"line":2,' 'nested deeper than 1024 levels'
rejected deep "$work/o_deep" '"line":3,' 'malformed JSON'

# --- 6. Huge strings: over --max-doc-bytes, rejected or truncated as asked.
big=$(words 200000 0)  # about 1.3 MB
{ good a 7; printf '{"id":"big","text":"%s"}\n' "$big"; good c 900; } > "$work/huge.jsonl"
run huge_reject dedup "$work/huge.jsonl" -o "$work/o_huge_reject" --max-doc-bytes 1000000
status huge_reject 0
accounting huge_reject "read 3 = kept 2 + removed 0 + rejected 1"
rejected huge_reject "$work/o_huge_reject" '"line":2,' "document larger than max_document_bytes \(${#big} > 1000000\)"
run huge_truncate dedup "$work/huge.jsonl" -o "$work/o_huge_truncate" --max-doc-bytes 1000000 --oversize truncate
status huge_truncate 0
accounting huge_truncate "read 3 = kept 3 + removed 0 + rejected 0 (1 truncated)"
check "huge_truncate: written whole" cmp -s "$work/huge.jsonl" "$work/o_huge_truncate/huge.jsonl"
check "huge_truncate: counted" grep -q '"truncated":1' "$work/o_huge_truncate/stats.json"
run huge_clean clean "$work/huge.jsonl" -o "$work/o_huge_clean" --max-doc-bytes 1000000 --oversize truncate
status huge_clean 0
accounting huge_clean "read 3 = kept 3 + removed 0 + rejected 0 (1 truncated)"
check "huge_clean: rest of the text kept" cmp -s "$work/huge.jsonl" "$work/o_huge_clean/huge.jsonl"
run oversize_bad dedup "$work/huge.jsonl" -o "$work/o_oversize_bad" --oversize cut
status oversize_bad 2
message oversize_bad '--oversize must be reject or truncate'
# Truncation never splits a character: 3-byte characters cut at 1000.
printf '{"id":"cjk","text":"%s"}\n' "$(printf '%*s' 2000 '' | sed 's/ /\xe6\x97\xa5/g')" > "$work/cjk.jsonl"
run cjk_truncate clean "$work/cjk.jsonl" -o "$work/o_cjk" --max-doc-bytes 1000 --oversize truncate
status cjk_truncate 0
accounting cjk_truncate "read 1 = kept 1 + removed 0 + rejected 0 (1 truncated)"

# --- 7. A line of 100 MB: read with the default limits; rejected by its
# line number, without being held, under a 1 MB limit.
{
  good a 11
  printf '{"id":"long","text":"'
  yes 'lorem ipsum dolor sit amet consectetur adipiscing elit' | head -c 100000000 | tr '\n' ' '
  printf '"}\n'
  good c 1300
} > "$work/line100mb.jsonl"
run line100mb dedup "$work/line100mb.jsonl" -o "$work/o_line100mb" --dry-run
status line100mb 0
accounting line100mb "read 3 = kept 3 + removed 0 + rejected 0 (dry run: nothing written)"
run line100mb_limit dedup "$work/line100mb.jsonl" -o "$work/o_line100mb_limit" --max-doc-bytes 1000000 --dry-run
status line100mb_limit 0
accounting line100mb_limit "read 3 = kept 2 + removed 0 + rejected 1 (dry run: nothing written)"
rejected line100mb_limit "$work/o_line100mb_limit" '"line":2,' 'line longer than 9048576 bytes'
rm -f "$work/line100mb.jsonl"

# --- 8. Truncated and corrupted gzip and zstd: the records before the
# damage are kept, the damage is one rejection with the compressed byte
# offset, and the run goes on with the next file.
# 2000 records (400 KB): more than one zstd block, so that records come
# before the damage.
awk 'BEGIN {
  for (d = 0; d < 2000; d++) {
    printf("{\"id\":\"r%d\",\"text\":\"", d)
    for (k = 0; k < 30; k++) {
      m = d * 40 + k; w = "w"
      do { w = w sprintf("%c", 97 + m % 26); m = int(m / 26) } while (m > 0)
      printf("%s%s", k ? " " : "", w)
    }
    printf("\"}\n")
  }
}' > "$work/plain.jsonl"
gzip -c "$work/plain.jsonl" > "$work/full.jsonl.gz"
zstd -q -c "$work/plain.jsonl" > "$work/full.jsonl.zst"
for kind in gz zst; do
  size=$(stat -c %s "$work/full.jsonl.$kind")
  head -c $((size / 2)) "$work/full.jsonl.$kind" > "$work/cut.jsonl.$kind"
  cp "$work/full.jsonl.$kind" "$work/bad.jsonl.$kind"
  printf '\xde\xad\xbe\xef\xde\xad\xbe\xef' |
    dd of="$work/bad.jsonl.$kind" bs=1 seek=$((size / 2)) conv=notrunc status=none
  name=$([ $kind = gz ] && echo gzip || echo zstd)
  for damage in cut bad; do
    run "${damage}_$kind" dedup "$work/$damage.jsonl.$kind" "$work/plain.jsonl" -o "$work/o_${damage}_$kind"
    status "${damage}_$kind" 0
    last=$(tail -n 1 "$work/${damage}_$kind.txt")
    [[ $last =~ ^read\ ([0-9]+)\ =\ kept\ ([0-9]+)\ \+\ removed\ ([0-9]+)\ \+\ rejected\ ([0-9]+)$ ]]
    check "${damage}_$kind: adds up ($last)" \
      [ "${BASH_REMATCH[1]:-0}" -eq $((BASH_REMATCH[2] + BASH_REMATCH[3] + BASH_REMATCH[4])) ]
    check "${damage}_$kind: the rest of the run ($last)" [ "${BASH_REMATCH[2]:-0}" -ge 2000 ]
    # The records decoded before the damage are read (their copies in
    # plain.jsonl are then removed as duplicates), except in a zstd frame
    # that fails its checksum: zstd checks a frame whole, and none of its
    # bytes are trusted. Deflate has no such check until the end: bytes
    # decoded from damaged data may come first, as records or rejections.
    if [ "$damage.$kind" != bad.zst ]; then
      check "${damage}_$kind: records before the damage" [ "${BASH_REMATCH[3]:-0}" -gt 500 ]
    fi
    [ $damage = cut ] &&
      check "${damage}_$kind: one rejection" [ "${BASH_REMATCH[4]:-0}" -eq 1 ]
    reason=$([ $damage = cut ] && echo truncated || echo corrupt)
    rejected "${damage}_$kind" "$work/o_${damage}_$kind" "$damage.jsonl.$kind" \
      "$reason $name stream at compressed byte [0-9]+"
  done
done
# An empty file that claims gzip by its name is read as what it holds.
: > "$work/empty.jsonl.gz"
run empty_gz dedup "$work/empty.jsonl.gz" -o "$work/o_empty_gz"
status empty_gz 0
accounting empty_gz "read 0 = kept 0 + removed 0 + rejected 0"

# --- 9. WARC records with a wrong, missing or invalid Content-Length.
warc() {  # warc ID TEXT [LENGTH]: a conversion record (LENGTH: "" = none)
  local len=${3-${#2}}
  printf 'WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Record-ID: <urn:%s>\r\n' "$1"
  [ -n "$len" ] && printf 'Content-Length: %s\r\n' "$len"
  printf '\r\n%s\r\n\r\n' "$2"
}
t1=$(words 30 0) t2=$(words 30 1000) t3=$(words 30 2000) t4=$(words 30 3000) t5=$(words 30 4000) t6=$(words 30 5000)
{
  warc one "$t1"
  warc too_long "$t2" $((${#t2} + 50))
  warc two "$t3"
  warc too_short "$t4" $((${#t4} - 10))
  warc missing "$t5" ""
  warc invalid "$t5" "12x"
  warc three "$t6"
} > "$work/lengths.warc"
run warc_lengths dedup "$work/lengths.warc" -o "$work/o_lengths"
status warc_lengths 0
accounting warc_lengths "read 7 = kept 3 + removed 0 + rejected 4"
rejected warc_lengths "$work/o_lengths" '"line":2,' 'Content-Length does not match'
rejected warc_lengths "$work/o_lengths" '"line":4,' 'Content-Length does not match'
rejected warc_lengths "$work/o_lengths" '"line":5,' 'missing Content-Length'
rejected warc_lengths "$work/o_lengths" '"line":6,' 'invalid Content-Length \\"12x\\"'
{ warc one "$t1"; warc past_end "$t2" 100000; } > "$work/past_end.warc"
run warc_past_end dedup "$work/past_end.warc" -o "$work/o_past_end"
status warc_past_end 0
accounting warc_past_end "read 2 = kept 1 + removed 0 + rejected 1"
rejected warc_past_end "$work/o_past_end" '"line":2,' '"offset":[1-9][0-9]*,' 'truncated record'

# --- 10. Empty files of every format, and a file of blank lines.
: > "$work/empty.jsonl"
: > "$work/empty.warc"
: > "$work/empty.txt"
printf '\n  \n\r\n' > "$work/blank.jsonl"
run empty dedup "$work/empty.jsonl" "$work/empty.warc" "$work/empty.txt" "$work/blank.jsonl" -o "$work/o_empty"
status empty 0
accounting empty "read 1 = kept 1 + removed 0 + rejected 0"
check "empty: jsonl output exists and is empty" [ -f "$work/o_empty/empty.jsonl" ] && [ ! -s "$work/o_empty/empty.jsonl" ]

# --- 11. Folders where files are expected.
mkdir -p "$work/folder.jsonl"
run folder_input dedup "$work/folder.jsonl" -o "$work/o_folder"
status folder_input 1
message folder_input 'folder.jsonl'
message folder_input 'no input files'
unfinished "$work/o_folder"
good a 0 > "$work/one.jsonl"
run folder_counts clean "$work/one.jsonl" -o "$work/o_folder_counts" --line-counts "$work/folder.jsonl"
status folder_counts 1
message folder_counts 'folder.jsonl'
unfinished "$work/o_folder_counts"
: > "$work/outfile"
run output_is_file dedup "$work/one.jsonl" -o "$work/outfile"
status output_is_file 1
message output_is_file 'outfile exists and is not a folder'

# --- 12. Unreadable files: no permission (not testable as root), and a
# file that opens but fails to read (EIO).
printf '%s\n' "$(words 20 0)" > "$work/locked.txt"
chmod 000 "$work/locked.txt"
if ! cat "$work/locked.txt" > /dev/null 2>&1; then
  run unreadable dedup "$work/locked.txt" -o "$work/o_unreadable"
  status unreadable 1
  message unreadable 'locked.txt: Permission denied'
  unfinished "$work/o_unreadable"
fi
chmod 644 "$work/locked.txt"
run read_error dedup /proc/self/mem -o "$work/o_read_error"
status read_error 1
message read_error 'reading /proc/self/mem: Input/output error'
unfinished "$work/o_read_error"
run missing dedup "$work/one.jsonl" "$work/nope.jsonl" -o "$work/o_missing"
status missing 1
message missing 'nope.jsonl: No such file or directory'
check "missing: nothing created" [ ! -e "$work/o_missing" ]

# --- 13. A corrupted line-count file: a clear error naming it.
"$neardup" clean "$work/plain.jsonl" -o "$work/o_counts" > /dev/null 2>&1
cp "$work/o_counts/line_counts.bin" "$work/counts.bin"
printf '\xff' | dd of="$work/counts.bin" bs=1 seek=40 conv=notrunc status=none
run bad_counts clean "$work/one.jsonl" -o "$work/o_bad_counts" --line-counts "$work/counts.bin"
status bad_counts 1
message bad_counts 'counts.bin'
message bad_counts 'checksum mismatch'
unfinished "$work/o_bad_counts"
head -c 30 "$work/o_counts/line_counts.bin" > "$work/short.bin"
run short_counts clean "$work/one.jsonl" -o "$work/o_short_counts" --line-counts "$work/short.bin"
status short_counts 1
message short_counts 'short.bin.*truncated'

# --- 14. Inputs that are not what they seem.
# An executable named .txt (ELF header, then code-like bytes) beside a
# real text file: rejected with file and offset, counted, the run goes on.
mkdir -p "$work/seem"
{ printf '\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00\x3e\x00'
  head -c 3000 /dev/zero | tr '\0' '\220'; } > "$work/seem/program.txt"
words 50 0 > "$work/seem/essay.txt"
run elf_txt dedup "$work/seem" -o "$work/o_elf"
status elf_txt 0
accounting elf_txt "read 2 = kept 1 + removed 0 + rejected 1"
rejected elf_txt "$work/o_elf" 'program.txt' '"line":1,' '"offset":7,' 'binary file, not text: NUL byte at offset 7'
check "elf_txt: not written" [ ! -e "$work/o_elf/seem/program.txt" ]
run elf_clean clean "$work/seem/program.txt" -o "$work/o_elf_clean"
status elf_clean 1  # every record rejected
check "elf_clean: says so" grep -q "every record was rejected (1)" "$work/elf_clean.txt"
accounting elf_clean "read 1 = kept 0 + removed 0 + rejected 1"
# Bytes that are mostly not UTF-8 (no NUL) are not text either.
head -c 4000 /dev/zero | tr '\0' '\351' > "$work/noise.txt"
run noise_txt dedup "$work/noise.txt" -o "$work/o_noise"
status noise_txt 1  # every record rejected
check "noise_txt: says so" grep -q "every record was rejected (1)" "$work/noise_txt.txt"
accounting noise_txt "read 1 = kept 0 + removed 0 + rejected 1"
rejected noise_txt "$work/o_noise" '"offset":0,' 'are not UTF-8 \(more than 25%'
# A folder walk names the files it leaves out, on the console and in
# stats.json; the files it reads are counted as before.
mkdir -p "$work/walk/sub"
good a 0 > "$work/walk/a.jsonl"
printf 'WARC/1.0\r\n' | gzip -c > "$work/walk/meta.wat.gz"
printf 'x' > "$work/walk/notes.bin"
printf 'x' > "$work/walk/sub/README"
run walk dedup "$work/walk" -o "$work/o_walk"
status walk 0
accounting walk "read 1 = kept 1 + removed 0 + rejected 0"
message walk "^neardup dedup: skipped 3 files in $work/walk \(not an input format\): meta.wat.gz, notes.bin, sub/README$"
check "walk: stats.json count" grep -q '"skipped_file_count":3,' "$work/o_walk/stats.json"
check "walk: stats.json names" grep -q "\"skipped_files\":\[\"$work/walk/meta.wat.gz\",\"$work/walk/notes.bin\",\"$work/walk/sub/README\"\]" "$work/o_walk/stats.json"
run walk_clean clean "$work/walk" -o "$work/o_walk_clean"
status walk_clean 0
message walk_clean "^neardup clean: skipped 3 files in $work/walk"
check "walk_clean: stats.json" grep -q '"skipped_file_count":3,' "$work/o_walk_clean/stats.json"
mkdir -p "$work/only_wat"
printf 'x' > "$work/only_wat/a.wat.gz"
run only_wat dedup "$work/only_wat" -o "$work/o_only_wat"
status only_wat 1
message only_wat 'no input files in this folder .*; it holds .*a.wat.gz'
# A pretty-printed JSON array: one clear error, not a rejection per line.
printf '[\n  {\n    "id": "a",\n    "text": "one"\n  },\n  {\n    "id": "b",\n    "text": "two"\n  }\n]\n' > "$work/export.json"
run json_array dedup "$work/export.json" -o "$work/o_json_array"
status json_array 1
message json_array "export.json is one JSON array \(it starts with '\['\), not JSON Lines"
message json_array "jq -c '.\[\]'"
unfinished "$work/o_json_array"
# A line that is not JSON at all says so; a JSON value that is not an
# object keeps its type.
{ good a 0; echo 'not json at all'; echo '[1,2]'; echo '42'; } > "$work/notjson.jsonl"
run not_json dedup "$work/notjson.jsonl" -o "$work/o_not_json"
status not_json 0
accounting not_json "read 4 = kept 1 + removed 0 + rejected 3"
rejected not_json "$work/o_not_json" '"line":2,' 'not JSON: the line starts with \\"not json at all\\"'
rejected not_json "$work/o_not_json" '"line":3,' 'not an object \(array\)'
rejected not_json "$work/o_not_json" '"line":4,' 'not an object \(number\)'

finish "$cases bad-input cases, checks: "
