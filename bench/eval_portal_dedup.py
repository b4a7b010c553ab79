#!/usr/bin/python3
"""`neardup dedup` on the CleanPortalEval pages: no page of a site wrongly
removed, and the one true duplicate pair found (issue 13).

Data: the CleanPortalEval sub-collection of
../shared/data/html-boilerplate-gold.tar.xz (71 pages of 5 sites, each with
its gold main content). Pages become text with bench/eval_boilerplate.py's
rules (html.parser, block tags end a line) and go into one JSONL, one record
per page: {"id": <page name>, "url": <the URL the dataset gives>, "text":
<the page's text lines>}, in file-name order.

Truth: two pages are duplicates when their gold main contents are: word
5-gram containment (shared over the smaller set, after lowercasing and
collapsing whitespace) >= 0.8. The script prints every pair above 0.3 so
that the reader can see the truth it used.

For each setting it runs `neardup dedup --dry-run --quiet` and reports:

  wrongly removed  removed pages whose gold is not a duplicate of the gold
                   of the page they were judged against (kept_id)
  true pairs found true pairs with one page removed against the other
  full-text J      the exact Jaccard (word 5-grams of the page text, as
                   dedup shingles it) of the true pairs and of the most
                   similar pairs of different articles, from
                   `neardup explain`, for the record

Standard library only; run with Debian's /usr/bin/python3:

  bench/eval_portal_dedup.py [--data ../shared/data] [--neardup build/tools/neardup]
        [--setting NAME=FLAGS]... [--out result.json] [--keep-temp]

Without --setting it runs the defaults, --main-text off and on when the
binary has it, --threshold 0.5, and --verify exact --containment 0.7.

--all-collections runs the same on every sub-collection of the archive
(2,928 pages of many sites, ids SUB/NAME): ordinary pages, nearly all of
them different articles, so that "wrongly removed" measures the precision
of a setting on pages of one site at scale. A page's URL is, in order, the
cleaneval <text id>, the gold file's URL line, the page's own link or meta,
else (CleanPortalEval) one made from the file name; pages without any are
written without url (compared whole with --main-text on).
"""

import argparse
import itertools
import json
import os
import platform
import re
import subprocess
import sys
import tarfile
import time

import evalkit
import eval_boilerplate as eb

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUB = "CleanPortalEval"
WORD_RE = re.compile(r"\w+", re.UNICODE)


def shingles(text, n=5):
    words = WORD_RE.findall(text.lower())
    if len(words) < n:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}


def containment(a, b):
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def jaccard(a, b):
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def load(archive, tmp, subs):
    with tarfile.open(archive, "r:xz") as tf:
        members = [m for m in tf.getmembers()
                   if m.name.split("/")[1:2] and m.name.split("/")[1] in subs]
        tf.extractall(tmp, members=members)
    pages = []
    for sub in subs:
        root = os.path.join(tmp, eb.TOP, sub)
        for name in sorted(f[:-5] for f in os.listdir(os.path.join(root, "input"))
                           if f.endswith(".html")):
            gold_path = os.path.join(root, "GoldStandard", name + ".txt")
            if not os.path.exists(gold_path):
                continue
            raw = eb.decode(open(os.path.join(root, "input", name + ".html"),
                                 "rb").read())
            lines, page_url = eb.html_to_lines(raw)
            gold, gold_url = eb.gold_text(sub, open(gold_path, "rb").read())
            m = eb.CLEANEVAL_ID_RE.search(raw[:2000])
            url = ""
            for candidate in (m.group(1) if m else "", gold_url, page_url):
                if candidate and eb.url_host(candidate):
                    url = candidate
                    break
            if not url and sub == SUB:
                site = re.sub(r"_\d+$", "", name).replace("_", "-").lower()
                url = "https://%s/%s" % (site, name)
            pages.append({"id": name if len(subs) == 1 else sub + "/" + name,
                          "url": url, "text": "\n".join(lines), "gold": gold})
    return pages


def true_pairs_of(gold, cut=0.8):
    """Pairs (a, b), a before b, whose gold containment is >= cut, found
    through the shingles they share (an inverted index, not all pairs)."""
    ids = list(gold)
    position = {x: i for i, x in enumerate(ids)}
    postings = {}
    for x in ids:
        for s in gold[x]:
            postings.setdefault(s, []).append(x)
    shared = {}
    for members in postings.values():
        if len(members) > 200:  # a phrase of hundreds of pages: furniture
            continue
        for a, b in itertools.combinations(members, 2):
            shared[(a, b)] = shared.get((a, b), 0) + 1
    pairs = []
    for (a, b), n in shared.items():
        smaller = min(len(gold[a]), len(gold[b]))
        if smaller and n / smaller >= cut:
            pairs.append((a, b) if position[a] < position[b] else (b, a))
    return set(pairs)


def run(args, jsonl, tmp, name, flags):
    out = os.path.join(tmp, "run-" + name)
    cmd = [args.neardup, "dedup", jsonl, "-o", out, "--dry-run", "--quiet",
           "--threads", "2"] + flags
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        return None, proc.stderr.strip() or proc.stdout.strip()
    removed = [json.loads(l) for l in open(os.path.join(out, "removed.jsonl"))]
    return removed, None


def explain_jaccard(args, jsonl, a, b):
    proc = subprocess.run([args.neardup, "explain", "%s#%s" % (jsonl, a),
                           "%s#%s" % (jsonl, b), "--verify", "exact"],
                          capture_output=True, text=True)
    m = re.search(r"^exact Jaccard\s+([0-9.]+)", proc.stdout, re.M)
    return float(m.group(1)) if m else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.path.join(REPO, "..", "shared", "data"))
    ap.add_argument("--neardup",
                    default=os.path.join(REPO, "build", "tools", "neardup"))
    ap.add_argument("--setting", action="append", default=[],
                    metavar="NAME=FLAGS")
    ap.add_argument("--all-collections", action="store_true",
                    help="every sub-collection of the archive, not only "
                    "CleanPortalEval")
    ap.add_argument("--out")
    ap.add_argument("--keep-temp", action="store_true")
    args = ap.parse_args()
    archive = os.path.join(args.data, eb.ARCHIVE)
    help_text = subprocess.run([args.neardup, "dedup", "--help"],
                               capture_output=True, text=True).stdout
    settings = [s.partition("=")[::2] for s in args.setting]
    if not settings:
        settings = [("default", "")]
        if "--main-text" in help_text:
            settings += [("main-text-off", "--main-text off"),
                         ("main-text-on", "--main-text on")]
        settings += [("threshold-0.5", "--threshold 0.5"),
                     ("containment-0.7", "--verify exact --containment 0.7")]

    with evalkit.work_folder("neardup-eval-portal-", args.keep_temp) as tmp:
        subs = ([sub for sub, _ in eb.SUBS] if args.all_collections
                else [SUB])
        pages = load(archive, tmp, subs)
        jsonl = os.path.join(tmp, "portal.jsonl")
        with open(jsonl, "w", encoding="utf-8") as f:
            for p in pages:
                record = {"id": p["id"], "url": p["url"], "text": p["text"]}
                if not p["url"]:
                    del record["url"]
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
        gold = {p["id"]: shingles(p["gold"]) for p in pages}
        url_of = {p["id"]: p["url"] for p in pages}
        full = {p["id"]: shingles(p["text"]) for p in pages}
        sites = sorted({eb.url_host(p["url"]) for p in pages if p["url"]})
        if args.all_collections:
            print("%s: %d pages, %d of them with a URL, of %d sites" % (
                ", ".join(subs), len(pages), sum(1 for p in pages if p["url"]),
                len(sites)))
            true_pairs = true_pairs_of(gold)
            print("true pairs (gold containment >= 0.8): %d" % len(true_pairs))
        else:
            print("CleanPortalEval: %d pages of %d sites (%s)" % (
                len(pages), len(sites), ", ".join(sites)))
            pairs = []
            for a, b in itertools.combinations([p["id"] for p in pages], 2):
                pairs.append((containment(gold[a], gold[b]),
                              jaccard(full[a], full[b]), a, b))
            true_pairs = {(a, b) for c, _, a, b in pairs if c >= 0.8}
            print("gold containment >= 0.3 (truth: >= 0.8):")
            for c, j, a, b in sorted(pairs, reverse=True):
                if c < 0.3:
                    break
                print("  %.3f  %s  %s  (full-text J %.3f)" % (c, a, b, j))
            print("different articles with the highest full-text J (Python "
                  "word 5-grams):")
            for c, j, a, b in sorted(pairs, key=lambda x: -x[1])[:6]:
                if (a, b) not in true_pairs:
                    print("  J %.3f  %s  %s" % (j, a, b))

        def dup(a, b):
            return (a, b) in true_pairs or (b, a) in true_pairs

        rows = []
        for name, flags in settings:
            removed, error = run(args, jsonl, tmp, name, flags.split())
            if removed is None:
                print("%s: neardup failed: %s" % (name, error))
                continue
            wrong = [r for r in removed if not dup(r["id"], r["kept_id"])]
            # Pages without a URL are compared whole even with --main-text.
            wrong_with_url = sum(1 for r in wrong if url_of[r["id"]])
            found = sum(any((r["id"], r["kept_id"]) in ((a, b), (b, a))
                            for r in removed) for a, b in true_pairs)
            rows.append({"name": name, "flags": flags, "removed": len(removed),
                         "wrongly_removed": len(wrong),
                         "wrongly_removed_with_url": wrong_with_url,
                         "wrong": [(r["id"], r["kept_id"], r["similarity"])
                                   for r in wrong],
                         "true_pairs": len(true_pairs), "found": found})
        print()
        print("| setting              | flags                                  "
              "| removed | wrongly removed (with URL) | true pairs found |")
        print("| -------------------- | -------------------------------------- "
              "| ------: | -------------------------: | ---------------: |")
        for r in rows:
            print("| %-20s | %-38s | %7d | %15d (%6d) | %9d of %4d |" % (
                r["name"], r["flags"] or "(defaults)", r["removed"],
                r["wrongly_removed"], r["wrongly_removed_with_url"],
                r["found"], r["true_pairs"]))
            for a, b, s in r["wrong"][:8]:
                print("|   wrong: %s against %s (similarity %s)" % (a, b, s))
        if args.out:
            evalkit.write_json(args.out, {
                "benchmark": "CleanPortalEval dedup",
                "date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
                "host": platform.node(), "git": evalkit.git_revision(),
                "neardup": args.neardup, "pages": len(pages),
                "true_pairs": sorted(true_pairs), "rows": rows})


if __name__ == "__main__":
    main()
