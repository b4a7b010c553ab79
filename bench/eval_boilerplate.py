#!/usr/bin/python3
"""Boilerplate removal of `neardup clean` against gold main content.

Data: ../shared/data/html-boilerplate-gold.tar.xz (a merge of public
boilerplate-removal gold sets; see ../shared/data/SOURCES.md). Each
sub-collection has input/<page>.html and GoldStandard/<page>.txt:

  sub-collection       gold format (what "main content" is here)
  CleanPortalEval      CleanEval text: a "URL: ..." line, then paragraphs
                       marked <p>, <h>, <l>
  cleaneval-dev/final  the same (59 pages of cleaneval-final have no gold and
                       are left out)
  dragnet_data         plain text; the part before the "!@#$%^&*() COMMENTS"
                       marker is the main content (comments are not)
  L3S-GN1_page-signal  the page as HTML with every text node wrapped in
                       class="x-nc-selN"; main content = N in {1, 2, 3}
                       (headline, full text, supplemental such as captions);
                       0 (not content), 4 (related content) and 5 (user
                       comments) are not main content
  readability          the article as readability outputs it (HTML),
                       converted to text like the input pages

Pages to text lines (here, not in neardup): html.parser with character
references decoded; the text of script, style, noscript, template and title
is dropped; block-level tags (p, div, br, li, h1-h6, tr, td, th, table,
section, article, nav, header, footer, form, option, ...) end a line;
whitespace is collapsed inside each line and empty lines are dropped. Bytes
are decoded as UTF-8, else with the charset the page declares, else as
cp1252.

Sites: neardup counts boilerplate per site, the host of the record's "url".
A page's host comes from the URL the dataset gives for it: the CleanEval
<text id="URL"> wrapper or the gold's "URL:" line (CleanEval,
CleanPortalEval), else the page's <link rel="canonical">, og:url, twitter:url
or <base href> (dragnet, readability; L3S-GN1 pages carry none). Pages with
no URL are grouped by the sub-collection's natural grouping: for
CleanPortalEval the file-name prefix (bbc.co.uk_news_01 -> bbc.co.uk_news);
dragnet, L3S-GN1 and readability have none, so all of their URL-less pages
form one site per sub-collection. The record's url is
"https://<sub-collection>.<site>/<page>", so that sites of different
sub-collections never merge; all sub-collections go into one JSONL and one
neardup run per setting.

Labels: a text line is content when its normalized text (lowercase,
whitespace collapsed) is a substring of the page's normalized gold main
content, boilerplate otherwise; lines shorter than 3 characters (normalized)
are ignored (neither).

For each (--boilerplate-min-docs, --boilerplate-max-line-bytes) of the grid
the script runs `neardup clean --no-repeats --quiet`, maps the byte spans of
edits.jsonl back to the lines it wrote (a line is removed when the cuts
cover all of its bytes; partial cuts are counted and reported) and computes

  precision  removed lines that are boilerplate / removed lines
  recall     boilerplate lines removed / boilerplate lines

per sub-collection and overall, by lines and by characters (each line
weighted by its length in characters). Substring labels are unreliable for
lines of one to three words ("Reply" is in "replying", "News" in any
sentence about news: such navigation lines are labelled content), so the
script also gives "P >= 4 words", the precision over removed lines of at
least 4 words, and lists the content lines removed most often. It also
splits the figures by how the site is known (a URL or file name, or the
no-url pseudo-sites, where unrelated sites are counted together as neardup
does for records without a URL), gives per-site rows for one setting
(--detail, sites with at least --per-site pages), and counts the pages
neardup emptied (removed.jsonl, empty_after_clean).

Standard library only; run with Debian's /usr/bin/python3:

  bench/eval_boilerplate.py [--data ../shared/data] [--neardup build/tools/neardup]
        [--min-docs 2,3,5,10] [--max-line-bytes 100,200,400]
        [--show-false-positives 20] [--per-site 3,200] [--json result.json]
        [--keep-temp]

The archive is extracted into a temporary folder, deleted at the end with
the JSONL and the neardup outputs (--keep-temp keeps it).
"""

import argparse
import collections
import html
import html.parser
import json
import os
import re
import shlex
import subprocess
import sys
import tarfile
import time

import evalkit

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARCHIVE = "html-boilerplate-gold.tar.xz"
TOP = "html-boilerplate-gold"

SUBS = [
    # folder, short name used in urls and tables
    ("CleanPortalEval", "cleanportaleval"),
    ("cleaneval-dev", "cleaneval-dev"),
    ("cleaneval-final", "cleaneval-final"),
    ("dragnet_data", "dragnet"),
    ("L3S-GN1_page-signal", "l3s-gn1"),
    ("readability", "readability"),
]

SKIP_TAGS = {"script", "style", "noscript", "template", "title"}
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "caption", "center",
    "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "frame", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hgroup", "hr", "iframe", "legend", "li", "main",
    "menu", "nav", "ol", "optgroup", "option", "p", "pre", "section",
    "select", "summary", "table", "tbody", "td", "textarea", "tfoot", "th",
    "thead", "tr", "ul", "body", "html", "head",
}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input",
             "link", "meta", "param", "source", "track", "wbr"}
CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
CLEANEVAL_ID_RE = re.compile(r"""<text\s+id="([^"]*)\"""")
GOLD_URL_RE = re.compile(r"^\s*URL:\s*(\S+)")
GOLD_MARK_RE = re.compile(r"^\s*<(?:p|h|l)>", re.M)
DRAGNET_COMMENTS = "!@#$%^&*()"
LONG_WORDS = 4  # "P >= 4 words": precision over removed lines of 4 words or more


# ------------------------------------------------------------ HTML to text

def decode(data):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    m = CHARSET_RE.search(data[:4096])
    if m:
        try:
            return data.decode(m.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    return data.decode("cp1252", errors="replace")


class TextLines(html.parser.HTMLParser):
    """Collects the text lines of a page, and the URL it declares."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines = []
        self.current = []
        self.skip = 0
        self.skip_stack = []
        self.url = None

    def _break(self):
        line = " ".join("".join(self.current).split())
        if line:
            self.lines.append(line)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in SKIP_TAGS:
            self.skip += 1
            self.skip_stack.append(tag)
            return
        if tag in ("link", "meta", "base") and self.url is None:
            a = {k.lower(): (v or "") for k, v in attrs}
            if tag == "link" and "canonical" in a.get("rel", "").lower().split():
                self.url = a.get("href")
            elif tag == "meta" and (a.get("property", "").lower() == "og:url"
                                    or a.get("name", "").lower() == "twitter:url"):
                self.url = a.get("content")
            elif tag == "base":
                self.url = a.get("href")
            if self.url is not None and "://" not in self.url:
                self.url = None  # relative: no host
        if tag in BLOCK_TAGS:
            self._break()

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in SKIP_TAGS and tag not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in SKIP_TAGS:
            if tag in self.skip_stack:
                while self.skip_stack:
                    self.skip -= 1
                    if self.skip_stack.pop() == tag:
                        break
            return
        if tag in BLOCK_TAGS:
            self._break()

    def handle_data(self, data):
        if not self.skip:
            self.current.append(data)

    def close(self):
        super().close()
        self._break()


def html_to_lines(text):
    p = TextLines()
    try:
        p.feed(text)
        p.close()
    except Exception as e:  # html.parser is lenient; keep what was read
        print("  warning: html.parser: %s" % e, file=sys.stderr)
        p._break()
    return p.lines, p.url


class L3SGold(html.parser.HTMLParser):
    """Text inside class="x-nc-selN" elements with N in `keep`."""

    def __init__(self, keep):
        super().__init__(convert_charrefs=True)
        self.keep = keep
        self.stack = []  # (tag, label or None)
        self.parts = []

    def label(self):
        for _, lab in reversed(self.stack):
            if lab is not None:
                return lab
        return None

    def handle_starttag(self, tag, attrs):
        if tag in VOID_TAGS:
            return
        lab = None
        for k, v in attrs:
            if k == "class" and v:
                m = re.search(r"\bx-nc-sel(\d)\b", v)
                if m:
                    lab = int(m.group(1))
        self.stack.append((tag, lab))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if self.label() in self.keep:
            self.parts.append(data)
            self.parts.append(" ")


def normalize(s):
    return " ".join(s.lower().split())


# ---------------------------------------------------------------- the data

def gold_text(sub, raw):
    """Returns (normalized gold main content, URL or None)."""
    text = decode(raw)
    if sub in ("CleanPortalEval", "cleaneval-dev", "cleaneval-final"):
        url = None
        first = text.lstrip().split("\n", 1)[0]
        m = GOLD_URL_RE.match(first)
        if m:
            url = m.group(1)
            text = text.lstrip().split("\n", 1)[1] if "\n" in text.lstrip() else ""
        text = GOLD_MARK_RE.sub(" ", text)
        return normalize(html.unescape(text)), url
    if sub == "dragnet_data":
        cut = text.find(DRAGNET_COMMENTS)
        if cut >= 0:
            text = text[:cut]
        return normalize(html.unescape(text)), None
    if sub == "L3S-GN1_page-signal":
        p = L3SGold(keep={1, 2, 3})
        p.feed(text)
        p.close()
        return normalize("".join(p.parts)), None
    if sub == "readability":
        lines, _ = html_to_lines(text)
        return normalize(" \n ".join(lines)), None
    raise ValueError(sub)


def url_host(url):
    if not url or "://" not in url:
        return None
    rest = url.split("://", 1)[1]
    host = re.split(r"[/?#]", rest, 1)[0].rsplit("@", 1)[-1].split(":")[0].lower()
    host = host.strip(".")
    return host if re.fullmatch(r"[a-z0-9.-]+", host or "") else None


def load_pages(root):
    """Returns a list of page dicts in a fixed order."""
    pages = []
    for folder, short in SUBS:
        base = os.path.join(root, folder)
        gold_dir = os.path.join(base, "GoldStandard")
        names = sorted(f[:-len(".html")] for f in os.listdir(os.path.join(base, "input"))
                       if f.endswith(".html"))
        for name in names:
            gold_path = os.path.join(gold_dir, name + ".txt")
            if not os.path.exists(gold_path):
                continue
            raw = open(os.path.join(base, "input", name + ".html"), "rb").read()
            page_text = decode(raw)
            lines, page_url = html_to_lines(page_text)
            gold, gold_url = gold_text(folder, open(gold_path, "rb").read())
            url, source = None, None
            m = CLEANEVAL_ID_RE.search(page_text[:2000])
            if m and url_host(m.group(1)):
                url, source = m.group(1), "<text id>"
            elif gold_url and url_host(gold_url):
                url, source = gold_url, "gold URL line"
            elif page_url and url_host(page_url):
                url, source = page_url, "page link/meta"
            if url:
                site = url_host(url)
            elif folder == "CleanPortalEval":
                site, source = re.sub(r"_\d+$", "", name).replace("_", "-").lower(), \
                    "file name"
            else:
                site, source = "no-url", "none (one site per sub-collection)"
            labels = []
            for line in lines:
                n = normalize(line)
                if len(n) < 3:
                    labels.append(None)
                else:
                    labels.append(n in gold)
            pages.append({"sub": short, "name": name, "site": site, "site_source": source,
                          "lines": lines, "labels": labels})
    return pages


# --------------------------------------------------------------- scoring

class Score:
    FIELDS = ("lines", "content", "boiler", "ignored", "removed", "tp", "fp",
              "removed_ignored", "partial")

    def __init__(self):
        self.n = collections.Counter()
        self.c = collections.Counter()  # the same, in characters

    def add(self, label, length, removed, partial, words):
        if removed and label is not None and words >= LONG_WORDS:
            self.n["tp_long" if not label else "fp_long"] += 1
        for counter, w in ((self.n, 1), (self.c, length)):
            counter["lines"] += w
            if label is None:
                counter["ignored"] += w
            elif label:
                counter["content"] += w
            else:
                counter["boiler"] += w
            if removed:
                counter["removed"] += w
                if label is None:
                    counter["removed_ignored"] += w
                elif label:
                    counter["fp"] += w
                else:
                    counter["tp"] += w
            if partial:
                counter["partial"] += w

    def merge(self, other):
        self.n.update(other.n)
        self.c.update(other.c)

    @staticmethod
    def p_long(c):
        judged = c["tp_long"] + c["fp_long"]
        return c["tp_long"] / judged if judged else float("nan")

    @staticmethod
    def pr(c):
        judged = c["tp"] + c["fp"]
        p = c["tp"] / judged if judged else float("nan")
        r = c["tp"] / c["boiler"] if c["boiler"] else float("nan")
        return p, r


def removed_lines(page, cuts):
    """(removed, partial) flags per line of `page` for byte spans `cuts`."""
    removed, partial = [], []
    pos = 0
    cuts = sorted(cuts)
    for i, line in enumerate(page["lines"]):
        b = pos
        e = pos + len(line.encode("utf-8"))
        pos = e + 1  # the "\n"
        got = 0
        for cb, ce in cuts:
            if ce <= b:
                continue
            if cb >= e:
                break
            got += min(e, ce) - max(b, cb)
        removed.append(got == e - b and e > b)
        partial.append(0 < got < e - b)
    return removed, partial


def fmt(x):
    return "  n/a" if x != x else "%5.3f" % x


# ------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.path.join(REPO, "..", "shared", "data"))
    ap.add_argument("--neardup", default=os.path.join(REPO, "build", "tools", "neardup"))
    ap.add_argument("--min-docs", default="2,3,5,10")
    ap.add_argument("--max-line-bytes", default="100,200,400")
    ap.add_argument("--threads", default="1", help="neardup --threads (default 1)")
    ap.add_argument("--show-false-positives", type=int, default=20, metavar="N",
                    help="list the N most frequent content lines removed, per setting "
                         "in --detail (default 20)")
    ap.add_argument("--detail", default="3,200",
                    help="setting MIN_DOCS,MAX_LINE_BYTES to detail (default 3,200)")
    ap.add_argument("--per-site", type=int, default=10, metavar="PAGES",
                    help="per-site rows for the --detail setting, sites with at "
                         "least PAGES pages (default 10)")
    ap.add_argument("--json", help="write every figure to this file")
    ap.add_argument("--keep-temp", action="store_true")
    args = ap.parse_args()

    archive = os.path.join(args.data, ARCHIVE)
    if not os.path.exists(archive):
        sys.exit("%s not found" % archive)
    if not os.access(args.neardup, os.X_OK):
        sys.exit("%s not found: build it with cmake --build build --target neardup_tool"
                 % args.neardup)
    grid = [(int(m), int(b)) for m in args.min_docs.split(",")
            for b in args.max_line_bytes.split(",")]
    detail = tuple(int(x) for x in args.detail.split(","))

    with evalkit.work_folder("neardup-eval-boilerplate-", args.keep_temp) as tmp:
        t0 = time.time()
        with tarfile.open(archive, "r:xz") as tf:
            members = [m for m in tf.getmembers() if m.isfile()
                       and ("/input/" in m.name or "/GoldStandard/" in m.name)]
            tf.extractall(tmp, members=members)
        pages = load_pages(os.path.join(tmp, TOP))
        print("read %d pages with gold in %.1f s" % (len(pages), time.time() - t0))

        # sites and labels
        subs = [s for _, s in SUBS]
        print()
        print("| sub-collection | pages | sites | pages in sites of >= 2 / >= 3 / >= 10 pages "
              "| site from | lines | content | boilerplate | ignored (< 3 chars) |")
        print("| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |")
        site_sizes = collections.Counter((p["sub"], p["site"]) for p in pages)
        for sub in subs:
            ps = [p for p in pages if p["sub"] == sub]
            sizes = [site_sizes[(sub, p["site"])] for p in ps]
            sources = collections.Counter(p["site_source"] for p in ps)
            labels = [l for p in ps for l in p["labels"]]
            print("| %s | %d | %d | %d / %d / %d | %s | %d | %d | %d | %d |" % (
                sub, len(ps), len({p["site"] for p in ps}),
                sum(s >= 2 for s in sizes), sum(s >= 3 for s in sizes),
                sum(s >= 10 for s in sizes),
                ", ".join("%s %d" % kv for kv in sorted(sources.items())),
                len(labels), sum(l is True for l in labels),
                sum(l is False for l in labels), sum(l is None for l in labels)))

        jsonl = os.path.join(tmp, "pages.jsonl")
        with open(jsonl, "w", encoding="utf-8") as out:
            for p in pages:
                p["id"] = "%s/%s" % (p["sub"], p["name"])
                url = "https://%s.%s/%s" % (p["sub"], p["site"], p["name"])
                out.write(json.dumps({"id": p["id"], "url": url,
                                      "text": "\n".join(p["lines"])},
                                     ensure_ascii=False) + "\n")
        by_id = {p["id"]: p for p in pages}
        print()
        print("JSONL: %d records, %.1f MB" % (len(pages), os.path.getsize(jsonl) / 1e6))

        results = {}
        for min_docs, max_bytes in grid:
            outdir = os.path.join(tmp, "out-%d-%d" % (min_docs, max_bytes))
            cmd = [args.neardup, "clean", jsonl, "-o", outdir, "--no-repeats", "--quiet",
                   "--threads", args.threads,
                   "--boilerplate-min-docs", str(min_docs),
                   "--boilerplate-max-line-bytes", str(max_bytes)]
            t1 = time.time()
            run = subprocess.run(cmd, capture_output=True, text=True)
            if run.returncode != 0:
                sys.stderr.write(run.stdout + run.stderr)
                sys.exit("neardup clean failed: " + " ".join(shlex.quote(c) for c in cmd))
            seconds = time.time() - t1
            cuts = collections.defaultdict(list)
            reasons = collections.Counter()
            with open(os.path.join(outdir, "edits.jsonl"), encoding="utf-8") as f:
                for line in f:
                    e = json.loads(line)
                    cuts[e["id"]].append((e["start"], e["end"]))
                    reasons[e["reason"]] += 1
            emptied = 0
            with open(os.path.join(outdir, "removed.jsonl"), encoding="utf-8") as f:
                for line in f:
                    emptied += 1
            scores = {s: Score() for s in subs}
            site_scores = collections.defaultdict(Score)
            grouping = {False: Score(), True: Score()}  # site known / no-url
            fps = collections.Counter()
            for p in pages:
                rem, part = removed_lines(p, cuts.get(p["id"], []))
                for line, label, r, pa in zip(p["lines"], p["labels"], rem, part):
                    words = len(line.split())
                    scores[p["sub"]].add(label, len(line), r, pa, words)
                    site_scores[(p["sub"], p["site"])].add(label, len(line), r, pa, words)
                    grouping[p["site"] == "no-url"].add(label, len(line), r, pa, words)
                    if r and label:
                        fps[line] += 1
            total = Score()
            for s in subs:
                total.merge(scores[s])
            results[(min_docs, max_bytes)] = {
                "scores": scores, "total": total, "site_scores": site_scores,
                "fps": fps, "grouping": grouping, "reasons": reasons, "emptied": emptied,
                "seconds": seconds}

        # the grid, overall
        print()
        print("Overall (all %d pages): precision P and recall R of removed lines, by lines "
              "and by characters" % len(pages))
        print()
        print("| min_docs | max_line_bytes | removed lines | content removed | P lines "
              "| R lines | P chars | R chars | P >= %d words | pages emptied |" % LONG_WORDS)
        print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for key in grid:
            r = results[key]
            pl, rl = Score.pr(r["total"].n)
            pc, rc = Score.pr(r["total"].c)
            print("| %d | %d | %d | %d | %s | %s | %s | %s | %s | %d |" % (
                key[0], key[1], r["total"].n["removed"], r["total"].n["fp"], fmt(pl),
                fmt(rl), fmt(pc), fmt(rc), fmt(Score.p_long(r["total"].n)), r["emptied"]))

        print()
        print("By how the site is known: pages whose site comes from a URL or a file "
              "name, and pages of the no-url pseudo-sites (one per sub-collection: "
              "unrelated sites counted together, as neardup does without URLs). "
              "P / R by lines; P by characters; P >= %d words" % LONG_WORDS)
        print()
        print("| min_docs | max_line_bytes | site known | no-url pseudo-sites |")
        print("| ---: | ---: | --- | --- |")
        for key in grid:
            cells = []
            for g in (False, True):
                sc = results[key]["grouping"][g]
                pl, rl = Score.pr(sc.n)
                pc, _ = Score.pr(sc.c)
                cells.append("%s / %s; %s; %s" % (fmt(pl), fmt(rl), fmt(pc),
                                                  fmt(Score.p_long(sc.n))))
            print("| %d | %d | %s |" % (key[0], key[1], " | ".join(cells)))

        # per sub-collection
        print()
        print("Per sub-collection: P / R by lines, then P / R by characters")
        print()
        def per_sub_table(cell):
            """Prints a row per setting of the grid, a column per sub-collection."""
            print("| min_docs | max_line_bytes | " + " | ".join(subs) + " |")
            print("| ---: | ---: | " + " | ".join("---" for _ in subs) + " |")
            for key in grid:
                cells = [cell(results[key]["scores"][s]) for s in subs]
                print("| %d | %d | %s |" % (key[0], key[1], " | ".join(cells)))

        def pr_cell(sc):
            pl, rl = Score.pr(sc.n)
            pc, rc = Score.pr(sc.c)
            return "%s / %s; %s / %s" % (fmt(pl), fmt(rl), fmt(pc), fmt(rc))

        per_sub_table(pr_cell)

        print()
        print("Lines removed per sub-collection (content removed = false positives)")
        print()
        per_sub_table(lambda sc: "%d (content %d)" % (sc.n["removed"], sc.n["fp"]))

        partial = sum(results[k]["total"].n["partial"] for k in grid)
        other = sum(v for k in grid for r, v in results[k]["reasons"].items()
                    if r != "boilerplate")
        print()
        print("partially cut lines over all settings: %d; cuts with a reason other than "
              "boilerplate: %d" % (partial, other))

        if detail in results:
            r = results[detail]
            print()
            print("Setting min_docs=%d max_line_bytes=%d in detail" % detail)
            print()
            print("Sites with at least %d pages:" % args.per_site)
            print()
            print("| sub-collection | site | pages | lines | boilerplate | removed "
                  "| content removed | P lines | R lines | P chars | R chars |")
            print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
            for (sub, site), n in sorted(site_sizes.items(), key=lambda kv: (-kv[1], kv[0])):
                if n < args.per_site:
                    continue
                sc = r["site_scores"][(sub, site)]
                pl, rl = Score.pr(sc.n)
                pc, rc = Score.pr(sc.c)
                print("| %s | %s | %d | %d | %d | %d | %d | %s | %s | %s | %s |" % (
                    sub, site, n, sc.n["lines"], sc.n["boiler"], sc.n["removed"],
                    sc.n["fp"], fmt(pl), fmt(rl), fmt(pc), fmt(rc)))
            if args.show_false_positives:
                print()
                print("The content lines removed most often (pages, line):")
                for line, n in r["fps"].most_common(args.show_false_positives):
                    print("  %4d  %s" % (n, line[:100]))
                print()
                print("... of %d words or more:" % LONG_WORDS)
                longs = collections.Counter({k: v for k, v in r["fps"].items()
                                             if len(k.split()) >= LONG_WORDS})
                for line, n in longs.most_common(args.show_false_positives):
                    print("  %4d  %s" % (n, line[:100]))

        if args.json:
            out = []
            for key in grid:
                r = results[key]
                row = {"min_docs": key[0], "max_line_bytes": key[1],
                       "emptied": r["emptied"], "seconds": round(r["seconds"], 3),
                       "overall": {"lines": dict(r["total"].n), "chars": dict(r["total"].c)},
                       "subs": {s: {"lines": dict(r["scores"][s].n),
                                    "chars": dict(r["scores"][s].c)} for s in subs}}
                out.append(row)
            with open(args.json, "w") as f:
                json.dump(out, f, indent=1)
        return 0


if __name__ == "__main__":
    sys.exit(main())
