#!/usr/bin/python3
"""Quality of `neardup dedup` on the article-extraction benchmark.

The benchmark (scrapinghub/article-extraction-benchmark, see
../shared/data/SOURCES.md) holds 181 news articles and, for each, the text that
up to 33 extractors produced from the same HTML page: the ground truth
(`ground-truth.json`) and 32 tools (`output/*.json`). Every extracted version of
an article is a near-duplicate of the others, more or less near depending on
how much boilerplate the extractor kept, so the true cluster of a document is
its article id.

This script turns every non-empty extracted version into one JSONL record
{"id": "<article>/<version>", "text": ...}, runs
`neardup dedup --dry-run --quiet` on it with several settings, reads
clusters.jsonl back (a document not in clusters.jsonl is a singleton) and
scores the predicted clusters against the article ids:

  ARI        adjusted Rand index (Hubert and Arabie 1985), from the
             contingency table of predicted cluster x article
  P, R, F1   pairwise precision and recall: a pair of documents is predicted
             when both are in the same predicted cluster and true when both
             come from the same article

It runs minhash and simhash at their default settings, sweeps --threshold for
minhash (0.30 to 0.90 step 0.05) and --hamming (0 to 8) x --ngram (1, 3, 5)
for simhash, and reports the setting with the best pairwise F1 of each method.
The exact method is run once as a reference.

Standard library only; run with Debian's /usr/bin/python3:

  bench/eval_articles.py [--data ../shared/data] [--neardup build/tools/neardup]
                         [--out result.json]

The archive is read in place; the JSONL and the neardup outputs go to a
temporary folder that is deleted at the end (--keep-temp keeps it).
"""

import argparse
import collections
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import time

import evalkit

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARCHIVE = "article-extraction-benchmark.tar.xz"
SUMMARY_RE = re.compile(
    r"read (\d+) = kept (\d+) \+ removed (\d+) \+ rejected (\d+)")


def comb2(n):
    return n * (n - 1) // 2


# ---------------------------------------------------------------- the data

def load_versions(archive):
    """Returns (records, empty, versions): records is a list of
    (article, version, text) in a fixed order (version by version, articles
    sorted), empty counts the empty extractions per version."""
    raw = {}
    with tarfile.open(archive, "r:xz") as tf:
        for member in tf:
            if not member.isfile():
                continue
            parts = member.name.split("/")
            if len(parts) == 2 and parts[1] == "ground-truth.json":
                version = "ground-truth"
            elif (len(parts) == 3 and parts[1] == "output"
                  and parts[2].endswith(".json")):
                version = parts[2][:-len(".json")]
            else:
                continue
            raw[version] = json.load(tf.extractfile(member))
    if "ground-truth" not in raw:
        sys.exit("eval_articles: no ground-truth.json in %s" % archive)
    versions = ["ground-truth"] + sorted(v for v in raw if v != "ground-truth")
    articles = sorted(raw["ground-truth"])
    records, empty = [], collections.Counter()
    for version in versions:
        data = raw[version]
        # Newer outputs are {"version": tool version, "output": {...}}.
        if isinstance(data.get("output"), dict) and "version" in data:
            data = data["output"]
        for article in articles:
            item = data.get(article)
            text = None
            if isinstance(item, dict):
                text = item.get("articleBody")
            elif isinstance(item, str):
                text = item
            if not isinstance(text, str) or not text.strip():
                empty[version] += 1
                continue
            records.append((article, version, text))
    return records, empty, versions, articles


# ------------------------------------------------------------ the metrics

def score(labels_true, labels_pred):
    """ARI and pairwise precision/recall/F1 of two labelings (lists of
    hashable labels, same length), from the contingency table."""
    n = len(labels_true)
    cells = collections.Counter(zip(labels_true, labels_pred))
    rows = collections.Counter(labels_true)
    cols = collections.Counter(labels_pred)
    tp = sum(comb2(c) for c in cells.values())        # same article, same cluster
    true_pairs = sum(comb2(c) for c in rows.values())
    pred_pairs = sum(comb2(c) for c in cols.values())
    all_pairs = comb2(n)
    expected = true_pairs * pred_pairs / all_pairs if all_pairs else 0.0
    max_index = (true_pairs + pred_pairs) / 2.0
    ari = ((tp - expected) / (max_index - expected)
           if max_index != expected else 1.0)
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = (2 * precision * recall / (precision + recall)
          if precision + recall else 0.0)
    return {"ari": ari, "precision": precision, "recall": recall, "f1": f1,
            "true_pairs": true_pairs, "predicted_pairs": pred_pairs,
            "correct_pairs": tp}


# ------------------------------------------------------------ one run

def read_jsonl(path):
    out = []
    if not os.path.exists(path):
        return out
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                out.append(json.loads(line))
    return out


def run_neardup(args, jsonl, tmp, name, options, ids, article_of):
    outdir = os.path.join(tmp, "run-" + name)
    cmd = [args.neardup, "dedup", jsonl, "-o", outdir, "--dry-run", "--quiet",
           "--threads", str(args.threads)] + options
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.monotonic() - t0
    if proc.returncode != 0:
        sys.exit("eval_articles: %s failed (exit %d):\n%s%s" % (
            " ".join(cmd), proc.returncode, proc.stdout, proc.stderr))
    problems = []
    stats = json.load(open(os.path.join(outdir, "stats.json")))
    clusters = read_jsonl(os.path.join(outdir, "clusters.jsonl"))
    removed = read_jsonl(os.path.join(outdir, "removed.jsonl"))
    rejected = read_jsonl(os.path.join(outdir, "rejected.jsonl"))

    # The accounting, as the command prints it and as stats.json has it.
    last = (proc.stdout.strip().splitlines() or [""])[-1]
    m = SUMMARY_RE.search(last)
    if not m:
        problems.append("last line is not the summary: %r" % last)
    else:
        printed = tuple(int(x) for x in m.groups())
        if printed != (stats["read"], stats["kept"], stats["removed"],
                       stats["rejected"]):
            problems.append("printed %s, stats.json %s" % (
                printed, (stats["read"], stats["kept"], stats["removed"],
                          stats["rejected"])))
    if stats["read"] != len(ids):
        problems.append("read %d, the JSONL has %d" % (stats["read"], len(ids)))
    if stats["kept"] + stats["removed"] + stats["rejected"] != stats["read"]:
        problems.append("kept + removed + rejected != read")
    if len(removed) != stats["removed"]:
        problems.append("removed.jsonl has %d lines, stats %d" % (
            len(removed), stats["removed"]))
    if len(rejected) != stats["rejected"]:
        problems.append("rejected.jsonl has %d lines, stats %d" % (
            len(rejected), stats["rejected"]))

    # clusters.jsonl: every member of a cluster of 2+, once.
    cluster_of, kept_of = {}, {}
    for c in clusters:
        if c["id"] in cluster_of:
            problems.append("id %s twice in clusters.jsonl" % c["id"])
        cluster_of[c["id"]] = c["cluster"]
        kept_of.setdefault(c["cluster"], c["kept_id"])
        if kept_of[c["cluster"]] != c["kept_id"]:
            problems.append("cluster %s has two kept ids" % c["cluster"])
    unknown = set(cluster_of) - set(ids)
    if unknown:
        problems.append("%d ids in clusters.jsonl not in the input" % len(unknown))
    sizes = collections.Counter(cluster_of.values())
    if any(s < 2 for s in sizes.values()):
        problems.append("clusters of one in clusters.jsonl")
    if len(cluster_of) - len(sizes) != stats["removed"]:
        problems.append("clustered %d - clusters %d != removed %d" % (
            len(cluster_of), len(sizes), stats["removed"]))
    for r in removed:
        if cluster_of.get(r["id"]) != r["cluster"]:
            problems.append("removed %s not in its cluster" % r["id"])
            break
        if kept_of.get(r["cluster"]) != r["kept_id"]:
            problems.append("removed %s: kept_id differs from clusters.jsonl"
                            % r["id"])
            break
    if stats.get("clusters") is not None and stats["clusters"] != len(sizes):
        problems.append("stats clusters %d, clusters.jsonl %d" % (
            stats["clusters"], len(sizes)))

    # Every document not in a cluster of 2+ is a singleton.
    pred = [cluster_of.get(i, ("single", i)) for i in ids]
    truth = [article_of[i] for i in ids]
    result = score(truth, pred)
    params = stats.get("parameters", {})
    result.update({
        "name": name, "options": options, "seconds": round(seconds, 3),
        "method": params.get("method"),
        "bands": params.get("bands"), "rows": params.get("rows"),
        "read": stats["read"], "kept": stats["kept"],
        "removed": stats["removed"], "rejected": stats["rejected"],
        "clusters": len(sizes), "clustered_docs": len(cluster_of),
        "largest_cluster": max(sizes.values()) if sizes else 1,
        "stage_seconds": stats.get("seconds"),
        "problems": problems,
    })
    result["_pred"] = pred
    if not args.keep_temp:
        shutil.rmtree(outdir, ignore_errors=True)
    return result


def setting_of(r):
    opts = r["options"]
    pairs = [(opts[i].lstrip("-"), opts[i + 1]) for i in range(0, len(opts) - 1, 2)
             if opts[i] != "--method"]
    text = " ".join("%s=%s" % p for p in pairs) or "default"
    if r["method"] == "minhash" and r["bands"]:
        text += " (%dx%d)" % (r["bands"], r["rows"])
    return text


def print_table(title, rows):
    print()
    print(title)
    head = ("| method  | setting                          | clusters | removed |"
            "    ARI | pair P | pair R | pair F1 |")
    print(head)
    print("| ------- | -------------------------------- | -------: | ------: |"
          " -----: | -----: | -----: | ------: |")
    for r in rows:
        print("| %-7s | %-32s | %8d | %7d | %6.4f | %6.4f | %6.4f | %7.4f |" % (
            r["method"], setting_of(r), r["clusters"], r["removed"], r["ari"],
            r["precision"], r["recall"], r["f1"]))


def main():
    ap = argparse.ArgumentParser(
        description="ARI and pairwise P/R/F1 of neardup dedup on the "
        "article-extraction benchmark (clusters = article ids)")
    ap.add_argument("--data", default=os.path.join(REPO, "..", "shared", "data"),
                    help="folder holding %s (default ../shared/data from the "
                    "repository root)" % ARCHIVE)
    ap.add_argument("--neardup",
                    default=os.path.join(REPO, "build", "tools", "neardup"),
                    help="the neardup binary (default build/tools/neardup)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", help="also write every row as JSON to this file")
    ap.add_argument("--no-sweep", action="store_true",
                    help="only the default settings")
    ap.add_argument("--setting", action="append", default=[],
                    metavar="NAME=FLAGS",
                    help="also run neardup dedup with these flags (split on "
                    "spaces), reported as NAME; repeatable (e.g. "
                    "'contain=--verify exact --containment 0.8')")
    ap.add_argument("--keep-temp", action="store_true",
                    help="keep the temporary folder (JSONL and outputs)")
    args = ap.parse_args()

    archive = os.path.join(args.data, ARCHIVE)
    if not os.path.isfile(archive):
        sys.exit("eval_articles: %s not found (use --data)" % archive)
    if not os.access(args.neardup, os.X_OK):
        sys.exit("eval_articles: %s is not executable (build neardup_tool or "
                 "use --neardup)" % args.neardup)

    t0 = time.monotonic()
    records, empty, versions, articles = load_versions(archive)
    with evalkit.work_folder("neardup-eval-articles-", args.keep_temp) as tmp:
        jsonl = os.path.join(tmp, "articles.jsonl")
        ids, article_of, version_of = [], {}, {}
        with open(jsonl, "w", encoding="utf-8") as f:
            for article, version, text in records:
                doc_id = "%s/%s" % (article, version)
                f.write(json.dumps({"id": doc_id, "text": text},
                                   ensure_ascii=False) + "\n")
                ids.append(doc_id)
                article_of[doc_id] = article
                version_of[doc_id] = version
        text_bytes = sum(len(t.encode("utf-8")) for _, _, t in records)
        per_article = collections.Counter(article_of.values())

        print("article-extraction benchmark: %d articles x %d versions "
              "(ground truth + %d extractors)" % (
                  len(articles), len(versions), len(versions) - 1))
        print("documents: %d non-empty, %d empty extractions skipped "
              "(%s); %.1f MB of text; %d to %d versions per article" % (
                  len(records), sum(empty.values()),
                  ", ".join("%s %d" % kv for kv in empty.most_common()),
                  text_bytes / 1e6, min(per_article.values()),
                  max(per_article.values())))
        print("true pairs (same article): %d of %d" % (
            sum(comb2(c) for c in per_article.values()), comb2(len(ids))))
        print("neardup: %s, --threads %d" % (args.neardup, args.threads))

        def run(name, options):
            return run_neardup(args, jsonl, tmp, name, options, ids, article_of)

        defaults = [run("minhash-default", ["--method", "minhash"]),
                    run("simhash-default", ["--method", "simhash"]),
                    run("exact", ["--method", "exact"])]
        extra = []
        for setting in args.setting:
            name, _, flags = setting.partition("=")
            extra.append(run(name, ["--method", "minhash"] + flags.split()))
        sweep_min, sweep_sim = [], []
        if not args.no_sweep:
            for i in range(13):
                t = 0.30 + 0.05 * i
                sweep_min.append(run("minhash-t%.2f" % t, [
                    "--method", "minhash", "--threshold", "%.2f" % t]))
            for ngram in (1, 3, 5):
                for k in range(9):
                    sweep_sim.append(run("simhash-n%d-k%d" % (ngram, k), [
                        "--method", "simhash", "--ngram", str(ngram),
                        "--hamming", str(k)]))

        best = []
        for method, rows in (("minhash", sweep_min), ("simhash", sweep_sim)):
            if rows:
                b = max(rows, key=lambda r: (r["f1"], r["ari"]))
                best.append(b)

        print_table("default settings (exact: normalized-text hash, reference)",
                    defaults)
        if extra:
            print_table("--setting runs", extra)
        if best:
            print_table("best pairwise F1 of each sweep", best)
        if sweep_min:
            print_table("minhash: --threshold sweep (word 5-grams, 112 "
                        "permutations)", sweep_min)
        if sweep_sim:
            print_table("simhash: --ngram x --hamming sweep", sweep_sim)

        # Which extractors end up with the ground-truth text of their article,
        # at the best minhash setting (or the default without a sweep).
        ref = best[0] if best else defaults[0]
        pred = dict(zip(ids, ref["_pred"]))
        joined, present = collections.Counter(), collections.Counter()
        for doc_id in ids:
            v = version_of[doc_id]
            gt = article_of[doc_id] + "/ground-truth"
            if v == "ground-truth" or gt not in pred:
                continue
            present[v] += 1
            if pred[doc_id] == pred[gt]:
                joined[v] += 1
        by_version = {v: {"documents": present[v], "with_ground_truth": joined[v]}
                      for v in versions if v != "ground-truth"}
        print()
        print("share of each extractor's documents in the same cluster as the "
              "ground-truth text, minhash %s:" % setting_of(ref))
        line = []
        for v in sorted(by_version, key=lambda v: -joined[v] / max(1, present[v])):
            line.append("%s %.2f" % (v, joined[v] / max(1, present[v])))
        for i in range(0, len(line), 6):
            print("  " + ", ".join(line[i:i + 6]))

        problems = [(r["name"], p)
                    for r in defaults + extra + sweep_min + sweep_sim
                    for p in r["problems"]]
        print()
        if problems:
            print("PROBLEMS in neardup's outputs:")
            for name, p in problems:
                print("  %s: %s" % (name, p))
        else:
            print("output checks: counts, clusters.jsonl and removed.jsonl "
                  "consistent in all %d runs" % len(defaults + extra + sweep_min + sweep_sim))
        rejected = max(r["rejected"] for r in defaults + sweep_min + sweep_sim)
        print("rejected records: %d (counted as singletons)" % rejected)
        print("total %.1f s" % (time.monotonic() - t0))

        if args.out:
            def clean(r):
                return {k: v for k, v in r.items() if not k.startswith("_")}
            doc = {
                "benchmark": "article-extraction-benchmark",
                "date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
                "host": platform.node(),
                "git": evalkit.git_revision(),
                "neardup": args.neardup,
                "articles": len(articles), "versions": versions,
                "documents": len(records),
                "empty_skipped": dict(empty),
                "text_bytes": text_bytes,
                "true_pairs": sum(comb2(c) for c in per_article.values()),
                "defaults": [clean(r) for r in defaults],
                "settings": [clean(r) for r in extra],
                "best": [clean(r) for r in best],
                "sweep_minhash": [clean(r) for r in sweep_min],
                "sweep_simhash": [clean(r) for r in sweep_sim],
                "by_version_at": ref["name"],
                "by_version": by_version,
                "problems": problems,
            }
            evalkit.write_json(args.out, doc)


if __name__ == "__main__":
    main()
