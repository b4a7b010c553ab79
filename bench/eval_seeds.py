#!/usr/bin/python3
"""Repeated blocks and captions in the seed articles: `neardup clean` against
an independent expectation.

../shared/data/seeds/*.txt are 5 crawled articles (see ../shared/data/
SOURCES.md and issue 4): two repeat their whole body (a run of lines printed
twice), two print an image caption twice in a row, one has neither.

The script writes one JSONL record per seed, {"id": <file name>, "text":
<file content>} with no url, runs

  neardup clean SEEDS.jsonl -o OUT --no-boilerplate --quiet

(repeats only: boilerplate across documents is not what the seeds test; two
of them share navigation lines) and reads OUT/edits.jsonl back.

Expected cuts are derived here, without neardup: a line is expected to go
when its text, stripped of surrounding whitespace, is non-empty and equal to
an earlier line of the same seed (so the second copy of a repeated run goes,
the first copy stays). Blank lines are neither expected nor counted.

A line counts as found when the cuts cover all of its non-whitespace bytes;
a line with only some of them covered is reported as partial (counted as
extra). For each seed the script prints the cuts (reason, line numbers) and
found / expected / missed / extra, then checks that the cleaned text neardup
wrote is exactly the seed without the expected lines (blank lines aside).
It exits 1 when anything is missed, extra or partial, or the cleaned text is
not what is expected.

Standard library only; run with Debian's /usr/bin/python3:

  bench/eval_seeds.py [--data ../shared/data] [--neardup build/tools/neardup]
                      [--keep-temp] [--extra-args "--near-similarity 1"]

The seeds are read in place; the JSONL and the neardup output go to a
temporary folder that is deleted at the end (--keep-temp keeps it).
"""

import argparse
import glob
import json
import os
import shlex
import subprocess
import sys

import evalkit

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def line_spans(data):
    """Byte spans [begin, end) of the lines of `data` (bytes), without their
    terminators ('\\n', '\\r\\n' or '\\r')."""
    spans = []
    i, n = 0, len(data)
    while i < n:
        j = i
        while j < n and data[j] not in (0x0A, 0x0D):
            j += 1
        spans.append((i, j))
        if j < n and data[j] == 0x0D and j + 1 < n and data[j + 1] == 0x0A:
            j += 1
        i = j + 1
    return spans


def expected_lines(lines):
    """1-based numbers of the lines equal (after strip) to an earlier line."""
    seen = set()
    out = []
    for number, line in enumerate(lines, 1):
        key = line.strip()
        if not key:
            continue
        if key in seen:
            out.append(number)
        seen.add(key)
    return out


def covered(begin, end, cuts):
    """Number of bytes of [begin, end) inside the union of `cuts`."""
    total = 0
    for b, e in cuts:
        lo, hi = max(begin, b), min(end, e)
        if lo < hi:
            total += hi - lo
    return total


def ranges(numbers):
    """[3, 4, 5, 9] -> '3-5, 9'."""
    out = []
    for n in sorted(numbers):
        if out and out[-1][1] == n - 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return ", ".join(str(a) if a == b else "%d-%d" % (a, b) for a, b in out) or "-"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.path.join(REPO, "..", "shared", "data"),
                    help="folder holding seeds/ (default ../shared/data)")
    ap.add_argument("--neardup", default=os.path.join(REPO, "build", "tools", "neardup"))
    ap.add_argument("--extra-args", default="",
                    help="more neardup clean options, one shell-quoted string")
    ap.add_argument("--keep-temp", action="store_true")
    args = ap.parse_args()

    files = sorted(glob.glob(os.path.join(args.data, "seeds", "*.txt")))
    if not files:
        sys.exit("no seeds under %s/seeds" % args.data)
    if not os.access(args.neardup, os.X_OK):
        sys.exit("%s not found: build it with cmake --build build --target neardup_tool"
                 % args.neardup)

    with evalkit.work_folder("neardup-eval-seeds-", args.keep_temp) as tmp:
        seeds = []
        jsonl = os.path.join(tmp, "seeds.jsonl")
        with open(jsonl, "w", encoding="utf-8") as out:
            for path in files:
                raw = open(path, "rb").read()
                text = raw.decode("utf-8")
                name = os.path.basename(path)
                seeds.append((name, raw))
                out.write(json.dumps({"id": name, "text": text}, ensure_ascii=False) + "\n")

        outdir = os.path.join(tmp, "out")
        cmd = [args.neardup, "clean", jsonl, "-o", outdir, "--no-boilerplate",
               "--quiet"] + shlex.split(args.extra_args)
        print("$ " + " ".join(shlex.quote(c) for c in cmd))
        run = subprocess.run(cmd, capture_output=True, text=True)
        sys.stdout.write(run.stdout)
        sys.stderr.write(run.stderr)
        if run.returncode != 0:
            sys.exit("neardup clean failed with status %d" % run.returncode)

        edits = {}
        with open(os.path.join(outdir, "edits.jsonl"), encoding="utf-8") as f:
            for line in f:
                e = json.loads(line)
                edits.setdefault(e["id"], []).append(e)
        cleaned = {}
        with open(os.path.join(outdir, "seeds.jsonl"), encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                cleaned[r["id"]] = r["text"]
        removed = set()
        removed_path = os.path.join(outdir, "removed.jsonl")
        if os.path.exists(removed_path):
            with open(removed_path, encoding="utf-8") as f:
                for line in f:
                    removed.add(json.loads(line)["id"])

        failures = 0
        totals = {"expected": 0, "found": 0, "missed": 0, "extra": 0}
        for name, raw in seeds:
            spans = line_spans(raw)
            lines = [raw[b:e].decode("utf-8") for b, e in spans]
            expected = expected_lines(lines)
            cuts = sorted((e["start"], e["end"]) for e in edits.get(name, []))

            def line_of(offset):
                for number, (b, e) in enumerate(spans, 1):
                    if offset < e or (offset == e and number == len(spans)):
                        return number
                return len(spans)

            cut_lines = []
            partial = []
            for number, (b, e) in enumerate(spans, 1):
                content = raw[b:e]
                lead = len(content) - len(content.lstrip())
                trail = len(content) - len(content.rstrip())
                cb, ce = b + lead, e - trail
                if cb >= ce:
                    continue  # blank line
                got = covered(cb, ce, cuts)
                if got == ce - cb:
                    cut_lines.append(number)
                elif got > 0:
                    partial.append(number)
            found = [n for n in expected if n in cut_lines]
            missed = [n for n in expected if n not in cut_lines]
            extra = [n for n in cut_lines if n not in expected] + partial

            print()
            print("== %s  (%d lines, %d bytes)" % (name, len(lines), len(raw)))
            for e in sorted(edits.get(name, []), key=lambda e: e["start"]):
                src = ""
                if e.get("source_id") is not None:
                    src = "  source %s byte %s (line %d)" % (
                        e["source_id"], e["source_start"],
                        line_of(e["source_start"]) if e["source_id"] == name else -1)
                print("  cut %-15s bytes %5d-%5d  lines %s%s" % (
                    e["reason"], e["start"], e["end"],
                    ranges(n for n, (b, en) in enumerate(spans, 1)
                           if covered(b, max(en, b + 1), [(e["start"], e["end"])]) > 0),
                    src))
            if not edits.get(name):
                print("  no cuts")
            print("  expected %-22s found %-22s missed %-10s extra %s" % (
                ranges(expected), ranges(found), ranges(missed), ranges(extra)))
            for n in partial:
                print("  partial cut of line %d: %r" % (n, lines[n - 1][:120]))
            for n in missed + [x for x in extra if x not in partial]:
                print("  line %d (%s): %r" % (n, "missed" if n in missed else "extra",
                                              lines[n - 1][:120]))

            # the cleaned text must be the seed without the expected lines
            keep = [l.strip() for i, l in enumerate(lines, 1)
                    if l.strip() and i not in expected]
            if name in removed:
                got_lines = []
            else:
                got_lines = [l.strip() for l in cleaned.get(name, "").splitlines() if l.strip()]
            text_ok = got_lines == keep
            if not text_ok:
                print("  cleaned text differs from the seed without the expected lines")
            ok = not missed and not extra and text_ok
            print("  result: %s" % ("ok: every repeat found, nothing else removed"
                                    if ok else "FAIL"))
            failures += not ok
            totals["expected"] += len(expected)
            totals["found"] += len(found)
            totals["missed"] += len(missed)
            totals["extra"] += len(extra)

        print()
        print("seeds: %d, lines expected to go: %d, found: %d, missed: %d, extra: %d; "
              "seeds failing: %d" % (len(seeds), totals["expected"], totals["found"],
                                     totals["missed"], totals["extra"], failures))
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
