#!/usr/bin/env bash
# The demo's report.html pages as a person sees them, in headless Chromium
# (Debian's chromium, installed by tools/install_deps.sh): no console
# message (a script error, or anything the page's Content-Security-Policy
# blocked), every chart present with a nonzero size and marks in it, the
# page's text naming the run's counts from stats.json, and a screenshot
# (PNG, under the build folder) that is not blank.
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

# Returns a top-level number of stats.json.
stat() {
  sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p" "$1" | head -n 1
}

check_page() {
  local name=$1 charts=$2
  local dir=$work/demo/$name
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

check_page deduped "scurve pairs-hist cluster-sizes"
check_page cleaned "cut-reasons"

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "report pages render in $("$browser" --version 2>/dev/null)"
