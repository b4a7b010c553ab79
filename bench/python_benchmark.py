#!/usr/bin/python3
"""The cost of the Python bindings: MinHash and SimHash batch calls on the
documents of core_benchmark (8 MB of generated news, written by
`neardup_make_corpus --core-corpus --bytes 8M --seed 20240601`), against
core_benchmark's BM_MinHash/112 and BM_SimHash64 run in the same session on
the same text. A benchmark, not a test.

  PYTHONPATH=build/python /usr/bin/python3 bench/python_benchmark.py \
      [--build build] [--repetitions 5]

Prints one line per measure: MB/s (best of the repetitions) of
MinHasher.sign_texts (threads=1, one list of all documents, str and bytes),
simhash_batch, the same per document (one call each, the per-call
overhead), and the C++ figures with the ratio. The MB are of the UTF-8 text.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import neardup


def best_rate(fn, nbytes, repetitions, setup=None):
    """MB/s of the fastest of `repetitions` calls of fn(setup())."""
    best = float("inf")
    for _ in range(repetitions):
        arg = setup() if setup else None
        start = time.perf_counter()
        fn(arg)
        best = min(best, time.perf_counter() - start)
    return nbytes / 1e6 / best


def cpp_rates(build, repetitions):
    out = subprocess.run(
        [os.path.join(build, "bench", "core_benchmark"),
         "--benchmark_filter=^(BM_MinHash/112|BM_SimHash64)$",
         "--benchmark_format=json",
         "--benchmark_repetitions=%d" % repetitions],
        check=True, capture_output=True, text=True).stdout
    rates = {}
    for b in json.loads(out[out.index("{"):])["benchmarks"]:
        if b.get("run_type") == "aggregate":
            continue
        name = b["run_name"] if "run_name" in b else b["name"]
        rates[name] = max(rates.get(name, 0), b["bytes_per_second"] / 1e6)
    return rates


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", default="build")
    p.add_argument("--repetitions", type=int, default=5)
    a = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = os.path.join(tmp, "core.jsonl")
        subprocess.run([os.path.join(a.build, "bench", "neardup_make_corpus"),
                        "--core-corpus", "--bytes", "8M", "--seed",
                        "20240601", "-o", corpus], check=True)
        texts = [json.loads(line)["text"] for line in open(corpus,
                                                           encoding="utf-8")]
    raw = [t.encode("utf-8") for t in texts]
    del texts
    nbytes = sum(len(r) for r in raw)
    hasher = neardup.MinHasher(num_perm=112)
    simhash_shingles = neardup.ShingleOptions()  # word 5-grams, as the C++
    r = a.repetitions
    # Fresh str objects for every call: a str caches its UTF-8 form after
    # the first call, and a crawl's texts are each signed once.
    def fresh():
        return [b.decode("utf-8") for b in raw]
    rows = [
        ("MinHasher.sign_texts(list of str)",
         best_rate(lambda t: hasher.sign_texts(t), nbytes, r, fresh),
         "BM_MinHash/112"),
        ("MinHasher.sign_texts(list of bytes)",
         best_rate(lambda _: hasher.sign_texts(raw), nbytes, r),
         "BM_MinHash/112"),
        ("sign_texts([doc]) per document, str",
         best_rate(lambda t: [hasher.sign_texts([d]) for d in t], nbytes, r,
                   fresh),
         "BM_MinHash/112"),
        ("simhash_batch(list of str)",
         best_rate(lambda t: neardup.simhash_batch(t, simhash_shingles),
                   nbytes, r, fresh),
         "BM_SimHash64"),
    ]
    cpp = cpp_rates(a.build, r)
    print("host %s, %s, Python %s, neardup %s, %d documents, %.1f MB" % (
        platform.node(), platform.processor() or platform.machine(),
        platform.python_version(), neardup.__version__, len(raw),
        nbytes / 1e6))
    for name, rate, ref in rows:
        print("%-40s %7.1f MB/s   C++ %s %7.1f MB/s   %+.1f%%" % (
            name, rate, ref, cpp[ref], 100 * (rate / cpp[ref] - 1)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
