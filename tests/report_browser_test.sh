#!/usr/bin/env bash
# report.html pages as a person sees them, in headless Chromium (Debian's
# chromium, installed by tools/install_deps.sh): the demo's two pages, and
# the pages of generated runs with no removals, with 100,000 removals
# (size bound), over WARC input, and over hostile text. Each: no console
# message (a script error, or anything the page's Content-Security-Policy
# blocked: injected script would be), every chart present with a nonzero
# size and marks in it, the page's text naming the run's counts from
# stats.json, and a screenshot (PNG, under the build folder) that is not
# blank.
# Usage: report_browser_test.sh NEARDUP SOURCE_DIR WORK_DIR
set -u
neardup=$1
source_dir=$2
work=$3

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "FAIL: chromium is not installed: run tools/install_deps.sh (make test" \
       "does) or apt-get install chromium" >&2
  exit 1
fi
python=/usr/bin/python3
[ -x "$python" ] || { echo "FAIL: $python is needed to read the PNG" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work"
if ! bash "$source_dir/tools/demo.sh" "$neardup" \
    "$source_dir/examples/crawl.jsonl" "$work/demo" > "$work/demo.log" 2>&1; then
  cat "$work/demo.log"
  echo "FAIL: the demo did not run"
  exit 1
fi

# One profile folder per run: nothing from the machine's own profile.
chrome() {
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu \
    --hide-scrollbars --no-first-run --user-data-dir="$work/profile" "$@"
}

# Returns a top-level number of stats.json (its first occurrence: the
# per-file counts come later).
stat() {
  grep -o "\"$2\":[0-9]*" "$1" | head -n 1 | cut -d: -f2
}

# check_page NAME OUTDIR "CHART_ID..."
check_page() {
  local name=$1 dir=$2 charts=$3
  local page=$dir/report.html
  [ -s "$page" ] || { fail "$name: no $page"; return; }

  # Console messages (script errors, CSP violations) of the page alone.
  chrome --enable-logging=stderr --v=0 --dump-dom "file://$page" \
    > "$work/$name.dom" 2> "$work/$name.log"
  if grep -q "CONSOLE" "$work/$name.log"; then
    fail "$name: console messages:"
    grep "CONSOLE" "$work/$name.log" | head -n 5
  fi
  grep -q "</html>" "$work/$name.dom" || fail "$name: the DOM was not dumped"

  # The laid-out page, measured by a harness page that frames it.
  cat > "$work/$name-harness.html" <<EOF
<!DOCTYPE html><html><body>
<iframe id="f" src="file://$page" style="width:1200px;height:3000px"></iframe>
<pre id="out">not measured</pre>
<script>
document.getElementById('f').addEventListener('load', () => {
  const out = document.getElementById('out');
  try {
    const d = document.getElementById('f').contentDocument;
    const svgs = [...d.querySelectorAll('svg')];
    out.textContent = svgs.map(s => {
      const r = s.getBoundingClientRect();
      const marks = s.querySelectorAll('rect,polyline,circle').length;
      return 'SVG ' + s.id + ' ' + Math.round(r.width) + ' ' +
             Math.round(r.height) + ' ' + marks;
    }).join('\n') + '\nTEXT ' + d.body.innerText.replace(/\s+/g, ' ');
  } catch (e) {
    out.textContent = 'ERROR ' + e;
  }
});
</script></body></html>
EOF
  chrome --allow-file-access-from-files --virtual-time-budget=5000 \
    --dump-dom "file://$work/$name-harness.html" 2> /dev/null |
    sed 's/^<pre id="out">//' > "$work/$name-measured.txt"
  local measured=$work/$name-measured.txt
  grep -q "^ERROR" "$measured" && fail "$name: $(grep '^ERROR' "$measured")"
  local chart
  for chart in $charts; do
    local line
    line=$(grep "^SVG $chart " "$measured")
    if [ -z "$line" ]; then
      fail "$name: chart $chart missing"
      continue
    fi
    # SVG id width height marks: the background rect is one mark, a chart
    # has at least two more.
    read -r _ _ w h marks <<< "$line"
    if [ "$w" -le 0 ] || [ "$h" -le 0 ] || [ "$marks" -lt 3 ]; then
      fail "$name: chart $chart is empty ($w x $h, $marks marks)"
    fi
  done
  local stats=$dir/stats.json
  local counts
  counts="read $(stat "$stats" read) = kept $(stat "$stats" kept) + removed $(stat "$stats" removed) + rejected $(stat "$stats" rejected)"
  grep -q "^TEXT .*$counts" "$measured" ||
    fail "$name: the page does not say \"$counts\""

  # The screenshot: a PNG with more than one colour.
  local png=$work/$name.png
  rm -f "$png"
  chrome --screenshot="$png" --window-size=1200,3000 "file://$page" \
    > /dev/null 2>&1
  if [ ! -s "$png" ]; then
    fail "$name: no screenshot"
  elif ! "$python" - "$png" <<'EOF'
import sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
at, idat, width, height = 8, b"", 0, 0
while at < len(data):
    n = int.from_bytes(data[at:at + 4], "big")
    kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + n]
    if kind == b"IHDR":
        width, height = int.from_bytes(body[:4], "big"), int.from_bytes(body[4:8], "big")
    if kind == b"IDAT":
        idat += body
    at += 12 + n
raw = zlib.decompress(idat)
# A page of one colour filters to a few byte values; text and charts give
# many, and many bytes that are not the most common one.
counts = [0] * 256
for b in raw:
    counts[b] += 1
distinct = sum(1 for c in counts if c)
other = 1 - max(counts) / len(raw)
print("screenshot %dx%d: %d byte values, %.1f%% not the commonest"
      % (width, height, distinct, other * 100))
sys.exit(0 if width >= 1000 and height >= 1000 and distinct > 32 and other > 0.01 else 1)
EOF
  then
    fail "$name: the screenshot $png is blank"
  fi
  echo "$name: $(grep -c '^SVG ' "$measured") charts, \"$counts\", $png"
}

check_page deduped "$work/demo/deduped" "scurve pairs-hist cluster-sizes"
check_page cleaned "$work/demo/cleaned" "cut-reasons"

# Generated runs. Texts of letter words (as in crash_safety_test.sh).
gen() {  # gen DOCS COPIES: DOCS distinct texts of 12 words, each COPIES times
  awk -v n="$1" -v copies="$2" 'function word(m,  w) { w = "w"; do { w = w sprintf("%c", 97 + m % 26); m = int(m / 26) } while (m > 0); return w }
    BEGIN { srand(11); d = 0
      for (i = 0; i < n; i++) { t = ""; for (k = 0; k < 12; k++) t = t (k ? " " : "") word(int(rand() * 50000)); text[i] = t }
      for (c = 0; c < copies; c++) for (i = 0; i < n; i++) printf("{\"id\":\"g%d\",\"text\":\"%s\"}\n", d++, text[i]) }'
}
run() {  # run NAME ARGS...: neardup dedup into $work/NAME
  local name=$1
  shift
  "$neardup" dedup "$@" -o "$work/$name" --quiet > "$work/$name.txt" 2>&1 ||
    fail "$name: neardup dedup failed: $(cat "$work/$name.txt")"
}
gen 300 1 > "$work/distinct.jsonl"
run none "$work/distinct.jsonl"
check_page none "$work/none" "scurve"
grep -q "No document was removed" "$work/none/report.html" ||
  fail "none: the page does not say that nothing was removed"

gen 20000 6 > "$work/copies.jsonl"
run many "$work/copies.jsonl" --method exact
check_page many "$work/many" "cluster-sizes"
size=$(wc -c < "$work/many/report.html")
[ "$(stat "$work/many/stats.json" removed)" -eq 100000 ] ||
  fail "many: not 100,000 removals"
[ "$size" -lt 1048576 ] || fail "many: report.html is $size bytes"
echo "many: 100000 removals, report.html $size bytes"

# WARC: a warcinfo record and conversion records, the third a copy of the
# first.
warc_record() {  # warc_record TYPE ID BLOCK
  printf 'WARC/1.0\r\nWARC-Type: %s\r\nWARC-Record-ID: <urn:uuid:%s>\r\nWARC-Target-URI: https://example.test/%s\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n' \
    "$1" "$2" "$2" "${#3}" "$3"
}
a=$(gen 1 1 | sed 's/.*"text":"\(.*\)"}/\1/')
a="$a $a $a $a $a $a"
b=$(gen 2 1 | tail -n 1 | sed 's/.*"text":"\(.*\)"}/\1/')
b="$b $b x $b $b $b $b"
{
  warc_record warcinfo 0 "software: test"
  warc_record conversion 1 "$a"
  warc_record conversion 2 "$b"
  warc_record conversion 3 "$a"
} > "$work/crawl.warc.wet"
run warc "$work/crawl.warc.wet"
check_page warc "$work/warc" "scurve pairs-hist cluster-sizes"
grep -q "urn:uuid:3" "$work/warc/report.html" ||
  fail "warc: the page does not show the removed record"

# Hostile text: markup, a closing script tag, right-to-left text with an
# override, a 20,000-byte line, and invalid UTF-8 (text files: the reader
# repairs it), in the texts and the file names.
long=$(printf 'q%.0s' $(seq 1 20000))
hostile='</script><script>alert(1)</script> <img src=x onerror=alert(2)> \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xe2\x80\xae evil'
body=$(gen 30 1 | sed 's/.*"text":"\(.*\)"}/\1/' | tr '\n' ' ')
mkdir -p "$work/hostile-in"
printf "$hostile %s %s\n" "$body" "$long" > "$work/hostile-in/<b>a.txt"
printf "$hostile \xff\xfe %s %s\n" "$body" "$long" > "$work/hostile-in/<i>b.txt"
run hostile "$work/hostile-in"
check_page hostile "$work/hostile" "scurve cluster-sizes"

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "report pages render in $("$browser" --version 2>/dev/null)"
