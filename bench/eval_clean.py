#!/usr/bin/python3
"""What `neardup clean` cuts from a generated crawl whose every paragraph is
labelled: repeated blocks (exact and captured twice from an edited version)
and page furniture, against the content that must stay.

neardup_make_corpus writes the crawl and, with --labels, a label for each
paragraph (each non-blank line) of each document:

  content          the article: headline, paragraphs, captions, quoted
                   paragraphs, versions of an article republished on its site
  repeat           a later copy of a paragraph or caption repeated exactly
  repeat_edited    a paragraph of a body captured a second time from a
                   slightly different version (1-5% of words edited)
  repeat_inserted  a paragraph only the second capture has (inside it)
  furniture        the site's header, footer and "Advertisement" lines
  unlabelled       the paragraphs of an edited copy of a document that has
                   repeats (left out of the figures)

The script generates a crawl (--docs, --seed; copies, repeats, edited
repeats, quotes and furniture on by default), runs

  neardup clean CRAWL -o OUT --quiet [--extra-args]

and counts a paragraph as removed when the cuts of edits.jsonl cover all of
its non-whitespace bytes (partly covered paragraphs are reported apart and
count as not removed). It prints, per label, how many were removed, and:

  recall exact     removed repeat / repeat                  (target >= 0.98)
  recall edited    removed repeat_edited / repeat_edited    (target >= 0.98)
  content kept     kept content / content                   (target >= 0.999)
  boilerplate recall  removed furniture / furniture         (target >= 0.95)

then lists a few content paragraphs that were cut, with their reason.
Exit status 1 when a target is missed.

Standard library only; run with Debian's /usr/bin/python3:

  bench/eval_clean.py [--docs 3000] [--seed 7] [--neardup build/tools/neardup]
        [--make-corpus build/bench/neardup_make_corpus]
        [--extra-args "--no-boilerplate"] [--no-targets] [--json result.json]
        [--keep-temp]
"""

import argparse
import collections
import json
import os
import shlex
import subprocess
import sys

import evalkit

REPO = evalkit.REPO
LABELS = ["content", "repeat", "repeat_edited", "repeat_inserted", "furniture",
          "unlabelled"]


def paragraph_spans(data):
    """Byte spans [begin, end) of the non-blank lines of `data` (bytes)."""
    spans = []
    at = 0
    for line in data.split(b"\n"):
        if line.strip():
            spans.append((at, at + len(line)))
        at += len(line) + 1
    return spans


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--corpus-args",
                    default="--dup-rate 0.2 --repeat-rate 0.3 "
                            "--edited-repeat-rate 0.5 --quote-rate 0.05 --furniture",
                    help="neardup_make_corpus options (default: %(default)s)")
    ap.add_argument("--neardup", default=os.path.join(REPO, "build", "tools", "neardup"))
    ap.add_argument("--make-corpus",
                    default=os.path.join(REPO, "build", "bench", "neardup_make_corpus"))
    ap.add_argument("--extra-args", default="",
                    help="more neardup clean options, one shell-quoted string")
    ap.add_argument("--no-targets", action="store_true",
                    help="exit 0 whatever the figures")
    ap.add_argument("--show", type=int, default=8,
                    help="content paragraphs cut to print (default 8)")
    ap.add_argument("--json", help="write the figures here")
    ap.add_argument("--keep-temp", action="store_true")
    args = ap.parse_args()
    for tool in (args.neardup, args.make_corpus):
        if not os.access(tool, os.X_OK):
            sys.exit("%s not found: build it (benchmarks ON for neardup_make_corpus)"
                     % tool)

    with evalkit.work_folder("neardup-eval-clean-", args.keep_temp) as tmp:
        crawl = os.path.join(tmp, "crawl.jsonl")
        labels_path = os.path.join(tmp, "labels.jsonl")
        subprocess.run([args.make_corpus, "--docs", str(args.docs), "--seed",
                        str(args.seed), "--labels", labels_path, "-o", crawl]
                       + shlex.split(args.corpus_args), check=True)
        out = os.path.join(tmp, "out")
        cmd = [args.neardup, "clean", crawl, "-o", out, "--quiet"] + \
            shlex.split(args.extra_args)
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit("neardup clean failed (%d): %s" % (proc.returncode, proc.stderr))

        cuts = collections.defaultdict(list)
        with open(os.path.join(out, "edits.jsonl"), encoding="utf-8") as f:
            for line in f:
                e = json.loads(line)
                cuts[e["id"]].append((e["start"], e["end"], e["reason"]))
        labels = {}
        with open(labels_path, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                labels[r["id"]] = r["labels"]
        removed_docs = set()
        removed_path = os.path.join(out, "removed.jsonl")
        if os.path.exists(removed_path):
            with open(removed_path, encoding="utf-8") as f:
                removed_docs = {json.loads(l)["id"] for l in f if l.strip()}

        total = collections.Counter()
        gone = collections.Counter()
        partial = collections.Counter()
        by_reason = collections.Counter()
        shown = []
        with open(crawl, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                data = r["text"].encode("utf-8")
                spans = paragraph_spans(data)
                doc_labels = labels[r["id"]]
                if len(spans) != len(doc_labels):
                    sys.exit("%s: %d paragraphs, %d labels" %
                             (r["id"], len(spans), len(doc_labels)))
                doc_cuts = cuts.get(r["id"], [])
                for (b, e), label in zip(spans, doc_labels):
                    total[label] += 1
                    if r["id"] in removed_docs:
                        continue
                    covered = 0
                    reasons = set()
                    for cb, ce, why in doc_cuts:
                        lo, hi = max(b, cb), min(e, ce)
                        if lo < hi:
                            covered += hi - lo
                            reasons.add(why)
                    if covered >= e - b:
                        gone[label] += 1
                        if label == "content":
                            for why in reasons:
                                by_reason[why] += 1
                            if len(shown) < args.show:
                                shown.append((r["id"], sorted(reasons),
                                              data[b:e].decode("utf-8")[:100]))
                    elif covered:
                        partial[label] += 1

    print("neardup clean on %d generated documents (seed %d; %s)" %
          (args.docs, args.seed, args.corpus_args))
    print("  %-16s %8s %8s %8s" % ("label", "lines", "removed", "partial"))
    for label in LABELS:
        print("  %-16s %8d %8d %8d" % (label, total[label], gone[label], partial[label]))

    def ratio(a, b):
        return a / b if b else float("nan")

    figures = {
        "recall_exact": ratio(gone["repeat"], total["repeat"]),
        "recall_edited": ratio(gone["repeat_edited"], total["repeat_edited"]),
        "content_kept": ratio(total["content"] - gone["content"] - partial["content"],
                              total["content"]),
        "boilerplate_recall": ratio(gone["furniture"], total["furniture"]),
    }
    targets = {"recall_exact": 0.98, "recall_edited": 0.98, "content_kept": 0.999,
               "boilerplate_recall": 0.95}
    missed = []
    for name, value in figures.items():
        ok = value >= targets[name] or value != value
        if not ok:
            missed.append(name)
        print("  %-20s %.4f  (target >= %s)%s" %
              (name, value, targets[name], "" if ok else "  MISSED"))
    if by_reason:
        print("  content lines cut by reason: " +
              ", ".join("%s %d" % kv for kv in sorted(by_reason.items())))
    for doc_id, reasons, text in shown:
        print("    %s [%s] %s" % (doc_id, ",".join(reasons), text))
    if args.json:
        evalkit.write_json(args.json, {
            "revision": evalkit.git_revision(), "docs": args.docs, "seed": args.seed,
            "corpus_args": args.corpus_args, "extra_args": args.extra_args,
            "lines": dict(total), "removed": dict(gone), "partial": dict(partial),
            "figures": figures})
    if missed and not args.no_targets:
        sys.exit(1)


if __name__ == "__main__":
    main()
