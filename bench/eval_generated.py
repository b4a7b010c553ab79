#!/usr/bin/python3
"""Recall and precision of `neardup dedup` on a generated crawl with known
near-duplicate pairs.

neardup_make_corpus writes a JSONL crawl in which a fraction of the documents
are edited copies of earlier ones, and a --truth file with one line per copy:
its source_id and the exact Jaccard of the two documents' word 5-gram sets
(the library's default shingles). This script generates such a crawl, runs
`neardup dedup --dry-run` on it and measures:

  recall(J >= 0.9)   of the true pairs (copy, source) with exact Jaccard >= 0.9,
                     the share that end in the same cluster (clusters.jsonl)
  recall(J >= 0.8)   the same for exact Jaccard >= 0.8
  not both kept      of the same pairs, the share of which the output keeps
                     at most one record (without chains, issue 13, a pair
                     can be split between two clusters with one removed)
  precision          of the reported pairs, one per removed record
                     (removed id, kept_id): the share whose exact Jaccard is
                     >= threshold - 0.1. A pair found in the truth file takes
                     its Jaccard from there; for the others (copies of copies,
                     chance pairs) `neardup explain CRAWL#ID1 CRAWL#ID2` computes
                     it (at most --max-explain of them, a fixed random sample;
                     beyond that the share is extrapolated, with a 95% interval)

  precision, same generated text
                     the share of reported pairs whose two records are
                     versions of one generated text (the truth file's copy
                     chains end at the same original): the precision that
                     counts containment's removals of edited versions
  removed below threshold
                     removals whose similarity to their kept record is below
                     the threshold (and, with containment on, the default
                     with minhash, whose containment is below the C of
                     stats.json): 0 without chains

Targets from issue 3: recall(J >= 0.9) >= 0.99 and precision >= 0.98 at the
default threshold 0.8.

Standard library only; run with Debian's /usr/bin/python3:

  bench/eval_generated.py [--docs 20000 --dup-rate 0.3 --seed 5]
                          [--threshold 0.8] [--out result.json]

The crawl and the outputs go to a temporary folder, deleted at the end
(--keep-temp keeps it).
"""

import argparse
import collections
import json
import math
import os
import platform
import random
import re
import subprocess
import sys
import time

import evalkit

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXPLAIN_RE = re.compile(
    r"exact Jaccard\s+([0-9.]+)\s+\((\d+) shared of (\d+) distinct")
SUMMARY_RE = re.compile(
    r"read (\d+) = kept (\d+) \+ removed (\d+) \+ rejected (\d+)")
BANDS = [(0.0, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9),
         (0.9, 1.0), (1.0, 1.01)]


def read_jsonl(path):
    out = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    out.append(json.loads(line))
    return out


def wilson(k, n, z=1.96):
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    d = 1 + z * z / n
    c = p + z * z / (2 * n)
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return ((c - h) / d, (c + h) / d)


def run(cmd, what):
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit("eval_generated: %s failed (exit %d): %s\n%s%s" % (
            what, proc.returncode, " ".join(cmd), proc.stdout, proc.stderr))
    return proc, time.monotonic() - t0


def explain_pairs(args, crawl, tmp, pairs):
    """Exact Jaccard of each (a, b) in pairs with `neardup explain`, on a
    small JSONL holding only the documents involved (explain reads the file
    up to the id it wants). Returns {(a, b): (jaccard, shared, distinct)}."""
    wanted = {x for p in pairs for x in p}
    subset = os.path.join(tmp, "explain-subset.jsonl")
    found = set()
    with open(crawl, "rb") as src, open(subset, "wb") as dst:
        for line in src:
            # The generator writes {"id":"doc-...", ...} first; parse to be safe.
            doc_id = json.loads(line)["id"]
            if doc_id in wanted:
                dst.write(line)
                found.add(doc_id)
    if found != wanted:
        sys.exit("eval_generated: ids not in the crawl: %s" %
                 sorted(wanted - found)[:5])
    out = {}
    for a, b in pairs:
        proc, _ = run([args.neardup, "explain", "%s#%s" % (subset, a),
                       "%s#%s" % (subset, b)], "explain")
        m = EXPLAIN_RE.search(proc.stdout)
        if not m:
            sys.exit("eval_generated: no 'exact Jaccard' in explain output:\n"
                     + proc.stdout)
        shared, distinct = int(m.group(2)), int(m.group(3))
        out[(a, b)] = (shared / distinct if distinct else 1.0, shared, distinct)
    return out


def band_name(lo, hi):
    if lo >= 1.0:
        return "1.0"
    return "[%.1f,%.1f)" % (lo, hi)


def main():
    ap = argparse.ArgumentParser(
        description="recall and precision of neardup dedup on a generated "
        "crawl with known near-duplicate pairs")
    ap.add_argument("--neardup",
                    default=os.path.join(REPO, "build", "tools", "neardup"))
    ap.add_argument("--make-corpus", default=os.path.join(
        REPO, "build", "bench", "neardup_make_corpus"))
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--dup-rate", type=float, default=0.3)
    ap.add_argument("--seed", type=int, default=5,
                    help="corpus generator seed")
    ap.add_argument("--threshold", type=float, default=0.8,
                    help="neardup --threshold (precision counts a pair correct "
                    "at exact Jaccard >= threshold - 0.1)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--neardup-arg", action="append", default=[],
                    help="extra argument for neardup dedup (repeatable), "
                    "e.g. --neardup-arg=--verify --neardup-arg=exact")
    ap.add_argument("--max-explain", type=int, default=500,
                    help="at most this many reported pairs outside the truth "
                    "file get their exact Jaccard from neardup explain")
    ap.add_argument("--out", help="also write the figures as JSON")
    ap.add_argument("--keep-temp", action="store_true")
    args = ap.parse_args()
    for exe in (args.neardup, args.make_corpus):
        if not os.access(exe, os.X_OK):
            sys.exit("eval_generated: %s is not executable (build it, or pass "
                     "--neardup / --make-corpus)" % exe)

    with evalkit.work_folder("neardup-eval-generated-", args.keep_temp) as tmp:
        crawl = os.path.join(tmp, "crawl.jsonl")
        truth_path = os.path.join(tmp, "truth.jsonl")
        outdir = os.path.join(tmp, "out")
        gen_cmd = [args.make_corpus, "--docs", str(args.docs), "--dup-rate",
                   str(args.dup_rate), "--seed", str(args.seed), "--truth",
                   truth_path, "-o", crawl]
        proc, gen_s = run(gen_cmd, "neardup_make_corpus")
        print("corpus: %s" % " ".join(
            ["neardup_make_corpus"] + gen_cmd[1:]).replace(tmp + "/", ""))
        for line in (proc.stdout + proc.stderr).strip().splitlines():
            print("  " + line)

        dd_cmd = [args.neardup, "dedup", crawl, "-o", outdir, "--dry-run",
                  "--quiet", "--threads", str(args.threads), "--threshold",
                  "%g" % args.threshold] + args.neardup_arg
        proc, dd_s = run(dd_cmd, "neardup dedup")
        print("run:    %s" % " ".join(["neardup"] + dd_cmd[1:]).replace(
            tmp + "/", ""))
        summary = proc.stdout.strip().splitlines()[-1]
        print("  " + summary)

        stats = json.load(open(os.path.join(outdir, "stats.json")))
        clusters = read_jsonl(os.path.join(outdir, "clusters.jsonl"))
        removed = read_jsonl(os.path.join(outdir, "removed.jsonl"))
        rejected = read_jsonl(os.path.join(outdir, "rejected.jsonl"))
        truth = read_jsonl(truth_path)
        params = stats.get("parameters", {})

        # -- consistency of the outputs
        problems = []
        m = SUMMARY_RE.search(summary)
        if not m or tuple(int(x) for x in m.groups()) != (
                stats["read"], stats["kept"], stats["removed"],
                stats["rejected"]):
            problems.append("last line %r does not match stats.json" % summary)
        if stats["read"] != args.docs:
            problems.append("read %d of %d documents" % (stats["read"],
                                                         args.docs))
        if stats["kept"] + stats["removed"] + stats["rejected"] != stats["read"]:
            problems.append("kept + removed + rejected != read")
        if len(removed) != stats["removed"]:
            problems.append("removed.jsonl: %d lines, stats %d" % (
                len(removed), stats["removed"]))
        cluster_of, kept_of = {}, {}
        for c in clusters:
            cluster_of[c["id"]] = c["cluster"]
            if kept_of.setdefault(c["cluster"], c["kept_id"]) != c["kept_id"]:
                problems.append("cluster %s: two kept ids" % c["cluster"])
        if len(cluster_of) != len(clusters):
            problems.append("ids repeated in clusters.jsonl")
        if len(cluster_of) - len(kept_of) != stats["removed"]:
            problems.append("clustered %d - clusters %d != removed %d" % (
                len(cluster_of), len(kept_of), stats["removed"]))
        for r in removed:
            if (cluster_of.get(r["id"]) != r["cluster"]
                    or kept_of.get(r["cluster"]) != r["kept_id"]):
                problems.append("removed %s disagrees with clusters.jsonl"
                                % r["id"])
                break

        # -- recall of true pairs
        def same_cluster(a, b):
            ca = cluster_of.get(a)
            return ca is not None and ca == cluster_of.get(b)

        found_by_band = collections.Counter()
        total_by_band = collections.Counter()
        missed_09 = []
        for t in truth:
            j = t["jaccard"]
            band = next(b for b in BANDS if b[0] <= j < b[1])
            total_by_band[band] += 1
            ok = same_cluster(t["id"], t["source_id"])
            found_by_band[band] += ok
            if j >= 0.9 and not ok:
                missed_09.append((t["id"], t["source_id"], j, t["edit"]))

        def recall_at(cut):
            pairs = [t for t in truth if t["jaccard"] >= cut]
            hits = sum(same_cluster(t["id"], t["source_id"]) for t in pairs)
            return hits, len(pairs)

        r09, n09 = recall_at(0.9)
        r08, n08 = recall_at(0.8)

        # Without chains (issue 13) a component splits into one cluster per
        # kept record, so a true pair can end in two clusters with one of
        # them removed: the output no longer holds both. This recall counts
        # a pair as found when the output keeps at most one of the two.
        removed_ids = {r["id"] for r in removed}

        def deduped_at(cut):
            pairs = [t for t in truth if t["jaccard"] >= cut]
            hits = sum(t["id"] in removed_ids or t["source_id"] in removed_ids
                       for t in pairs)
            return hits, len(pairs)

        d09, _ = deduped_at(0.9)
        d08, _ = deduped_at(0.8)
        r_thr, n_thr = recall_at(args.threshold)

        # -- precision of reported pairs
        truth_j = {}
        for t in truth:
            truth_j[(t["id"], t["source_id"])] = t["jaccard"]
            truth_j[(t["source_id"], t["id"])] = t["jaccard"]
        cut = args.threshold - 0.1
        reported = [(r["id"], r["kept_id"], r.get("similarity")) for r in removed]
        in_truth = [(a, b, s) for a, b, s in reported if (a, b) in truth_j]
        outside = [(a, b, s) for a, b, s in reported if (a, b) not in truth_j]
        rng = random.Random(12345)
        sample = (outside if len(outside) <= args.max_explain
                  else sorted(rng.sample(outside, args.max_explain)))
        # A few truth pairs through explain too, to check that explain and the
        # generator agree on the exact Jaccard.
        check = sorted(rng.sample(in_truth, min(20, len(in_truth))))
        t0 = time.monotonic()
        exact = explain_pairs(args, crawl, tmp,
                              [(a, b) for a, b, _ in sample + check])
        explain_s = time.monotonic() - t0
        agree = max((abs(exact[(a, b)][0] - truth_j[(a, b)]) for a, b, _ in check),
                    default=0.0)

        correct_truth = sum(truth_j[(a, b)] >= cut - 1e-9 for a, b, _ in in_truth)
        correct_sample = sum(exact[(a, b)][0] >= cut - 1e-9 for a, b, _ in sample)
        wrong = sorted(
            [(truth_j[(a, b)], a, b, s, "truth") for a, b, s in in_truth
             if truth_j[(a, b)] < cut - 1e-9] +
            [(exact[(a, b)][0], a, b, s, "explain") for a, b, s in sample
             if exact[(a, b)][0] < cut - 1e-9])
        if outside:
            share = correct_sample / len(sample)
            est_correct = correct_truth + share * len(outside)
            lo_s, hi_s = wilson(correct_sample, len(sample))
            if len(sample) == len(outside):
                lo_s = hi_s = share
            lo = (correct_truth + lo_s * len(outside)) / len(reported)
            hi = (correct_truth + hi_s * len(outside)) / len(reported)
        else:
            est_correct, lo, hi = correct_truth, None, None
        precision = est_correct / len(reported) if reported else 1.0

        # Records joined through another member of their cluster: their own
        # similarity to the kept record is below the threshold (union-find
        # chains), the usual source of pairs below the cut.
        # With --containment C a removal may rest on containment instead.
        c_cut = params.get("containment", 0)
        contained = {r["id"]: r.get("containment") for r in removed}
        chained = [(a, b) for a, b, s in reported
                   if s is not None and s < args.threshold - 1e-9
                   and not (c_cut and (contained.get(a) or 0) >= c_cut - 1e-9)]
        # Versions of one generated text: the copy chains of the truth file
        # (a copy of a copy ends at the same original).
        source_of = {t["id"]: t["source_id"] for t in truth}

        def original(x):
            while x in source_of:
                x = source_of[x]
            return x
        same_family = sum(original(a) == original(b) for a, b, _ in reported)
        chained_wrong = sum(1 for _, a, b, s, _ in wrong
                            if s is not None and s < args.threshold - 1e-9)

        # The reported similarity (estimated Jaccard) against the exact one.
        errs = [s - truth_j[(a, b)] for a, b, s in in_truth if s is not None]
        errs += [s - exact[(a, b)][0] for a, b, s in sample if s is not None]
        mae = sum(abs(e) for e in errs) / len(errs) if errs else 0.0
        bias = sum(errs) / len(errs) if errs else 0.0

        # -- print
        print()
        print("LSH: %s bands x %s rows; P(candidate) %s" % (
            params.get("bands"), params.get("rows"), ", ".join(
                "%s at J=%s" % (v, k) for k, v in
                sorted(stats.get("candidate_probability", {}).items()))))
        print("stats: candidates %s, verified %s, joined %s, clusters %s, "
              "largest bucket %s, oversized buckets %s" % (
                  stats.get("candidate_pairs"), stats.get("verified_pairs"),
                  stats.get("joined_pairs"), stats.get("clusters"),
                  stats.get("largest_bucket"), stats.get("oversized_buckets")))
        print("seconds: %s; peak memory %.1f MB" % (
            stats.get("seconds"), stats.get("peak_rss_bytes", 0) / 1e6))
        print()
        print("recall of true pairs (copy, source) by exact Jaccard:")
        print("| exact Jaccard | pairs | same cluster | recall |")
        print("| ------------- | ----: | -----------: | -----: |")
        for band in BANDS:
            if total_by_band[band]:
                print("| %-13s | %5d | %12d | %6.4f |" % (
                    band_name(*band), total_by_band[band], found_by_band[band],
                    found_by_band[band] / total_by_band[band]))
        print()
        print("precision of reported pairs (removed id, kept_id), correct when "
              "exact Jaccard >= %.2f:" % cut)
        print("  reported %d = %d in the truth file (%d correct) + %d not "
              "(%d checked with neardup explain, %d correct)" % (
                  len(reported), len(in_truth), correct_truth, len(outside),
                  len(sample), correct_sample))
        print("  explain vs truth file on %d truth pairs: max |diff| %.5f" % (
            len(check), agree))
        print("  reported similarity - exact Jaccard: mean %+.4f, mean |.| "
              "%.4f over %d pairs" % (bias, mae, len(errs)))
        print("  reported similarity below the threshold %.2f (joined through "
              "another member): %d pairs, %d of the %d below %.2f" % (
                  args.threshold, len(chained), chained_wrong, len(wrong), cut))
        if wrong:
            print("  below %.2f (lowest first):" % cut)
            for j, a, b, s, src in wrong[:10]:
                print("    %s -> kept %s: exact %.4f (%s), reported %s" % (
                    a, b, j, src, s))
        if missed_09:
            print("  missed pairs with J >= 0.9 (first 10 of %d):" % len(missed_09))
            for a, b, j, e in missed_09[:10]:
                print("    %s source %s: J %.4f, %s; clusters %s / %s" % (
                    a, b, j, e, cluster_of.get(a), cluster_of.get(b)))
        if problems:
            print("PROBLEMS in neardup's outputs:")
            for p in problems:
                print("  " + p)
        else:
            print("output checks: counts, clusters.jsonl and removed.jsonl "
                  "consistent")
        if rejected:
            print("rejected records: %d" % len(rejected))

        print()
        print("| figure                         |  value | count           | target  | met |")
        print("| ------------------------------ | -----: | --------------- | ------- | --- |")
        print("| recall, exact J >= 0.9         | %6.4f | %6d of %6d | >= 0.99 | %s |" % (
            r09 / n09 if n09 else 1, r09, n09,
            "yes" if n09 and r09 / n09 >= 0.99 else "NO "))
        print("| recall, exact J >= 0.8         | %6.4f | %6d of %6d |         |     |" % (
            r08 / n08 if n08 else 1, r08, n08))
        print("| not both kept, J >= 0.9        | %6.4f | %6d of %6d | >=0.999 | %s |" % (
            d09 / n09 if n09 else 1, d09, n09,
            "yes" if n09 and d09 / n09 >= 0.999 else "NO "))
        print("| not both kept, J >= 0.8        | %6.4f | %6d of %6d |         |     |" % (
            d08 / n08 if n08 else 1, d08, n08))
        print("| removed below threshold vs kept| %6d |                 | 0       | %s |" % (
            len(chained), "yes" if not chained else "NO "))
        prec_count = ("%6d of %6d" % (round(est_correct), len(reported))
                      if len(sample) == len(outside) else
                      "~%5.0f of %6d" % (est_correct, len(reported)))
        print("| precision, exact J >= %.2f     | %6.4f | %s | >= 0.98 | %s |" % (
            cut, precision, prec_count, "yes" if precision >= 0.98 else "NO "))
        if lo is not None and len(sample) < len(outside):
            print("  (precision extrapolated from a sample: 95%% interval "
                  "%.4f-%.4f)" % (lo, hi))
        print("| precision, same generated text | %6.4f | %6d of %6d |         |     |" % (
            same_family / len(reported) if reported else 1.0, same_family,
            len(reported)))
        print("times: generate %.1f s, dedup %.1f s, explain %.1f s" % (
            gen_s, dd_s, explain_s))

        if args.out:
            doc = {
                "benchmark": "generated crawl",
                "date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
                "host": platform.node(), "git": evalkit.git_revision(),
                "corpus": {"docs": args.docs, "dup_rate": args.dup_rate,
                           "seed": args.seed, "copies": len(truth)},
                "neardup_args": dd_cmd[4:],
                "parameters": params, "stats": stats,
                "recall_j09": {"found": r09, "pairs": n09},
                "recall_j08": {"found": r08, "pairs": n08},
                "not_both_kept_j09": {"found": d09, "pairs": n09},
                "not_both_kept_j08": {"found": d08, "pairs": n08},
                "recall_by_band": {band_name(*b): {
                    "pairs": total_by_band[b], "found": found_by_band[b]}
                    for b in BANDS if total_by_band[b]},
                "precision": {
                    "cut": cut, "reported": len(reported),
                    "in_truth": len(in_truth), "in_truth_correct": correct_truth,
                    "outside_truth": len(outside), "explained": len(sample),
                    "explained_correct": correct_sample,
                    "estimate": precision, "interval95": [lo, hi]},
                "below_cut": [{"id": a, "kept_id": b, "exact": j,
                               "similarity": s, "from": src}
                              for j, a, b, s, src in wrong],
                "missed_j09": [{"id": a, "source_id": b, "jaccard": j,
                                "edit": e} for a, b, j, e in missed_09],
                "chained": {"pairs": len(chained), "below_cut": chained_wrong},
                "similarity_error": {"mean": bias, "mean_abs": mae,
                                     "pairs": len(errs)},
                "explain_vs_truth_max_diff": agree,
                "problems": problems,
            }
            evalkit.write_json(args.out, doc)


if __name__ == "__main__":
    main()
