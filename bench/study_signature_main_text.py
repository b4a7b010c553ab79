#!/usr/bin/python3
"""A study for issue 13, not a feature: can the MinHash signatures alone
tell two pages' main texts apart from their site's furniture?

`--main-text on` finds CleanPortalEval's true pair and removes fewer
different articles, but it counts every line of every page by site (about
1 GB per million documents beside the default job's 0.5). This study asks
whether the signatures the job holds anyway carry the same information.

The rule studied. A slot of page A is *furniture* when its value is that
slot's minimum on at least --min-pages pages of A's site (a template shared
by the site's pages gives them the same minimum wherever the template's
shingles hold it). For a pair, a slot is left out when the pair's minimum
there (the common value, or the lower one) is furniture of the page that
holds it; every other slot is a sample of the union of the two main texts.
Main-text Jaccard: equal kept slots over kept slots. Main-text sizes:
|A| x (share of A's slots that are not furniture). Containment from those
(Jaccard-based, not the job's slot-order estimate). Too few kept slots
(--min-slots): not a duplicate.

Three verdicts for every pair of pages that agree on at least two slots,
against the gold truth of eval_portal_dedup.py --all-collections (gold
main-content containment >= 0.8):
  today       Jaccard >= 0.8 on the whole text, or containment (>= 0.7,
              asymmetry 5) between pages of different sites
  same-site   as today, but a pair of one site where furniture was found
              on either page is judged on its main texts
  every-pair  every pair where furniture was found is judged on its main
              texts

Needs the Python module built in build/python (numpy) and the data:

  bench/study_signature_main_text.py [--data ../shared/data] [--min-pages 3]
      [--min-slots 16] [--out result.json]
"""

import argparse
import collections
import itertools
import os
import sys

import evalkit
import eval_boilerplate as eb
import eval_portal_dedup as ep

sys.path.insert(0, os.path.join(evalkit.REPO, "build", "python"))
import numpy as np  # noqa: E402
import neardup._core as nd  # noqa: E402

NUM_PERM = 112
THRESHOLD, CONTAINMENT, ASYMMETRY = 0.8, 0.7, 5.0
RULES = ("today", "same-site", "every-pair")


def accepts(jaccard, size_a, size_b):
    """The job's rule on a Jaccard and two set sizes."""
    if jaccard >= THRESHOLD:
        return True
    small, large = sorted((size_a, size_b))
    if small <= 0:
        return False
    shared = jaccard * (small + large) / (1 + jaccard)
    return (shared / small >= CONTAINMENT and
            large - shared >= ASYMMETRY * max(0.0, small - shared))


def furniture_masks(sig, sites, min_pages):
    """mask[p, slot]: the page's value there is the slot's minimum on at
    least min_pages pages of its site."""
    counts = collections.Counter()
    for p, site in enumerate(sites):
        if site:
            counts.update((site, i, int(v)) for i, v in enumerate(sig[p]))
    mask = np.zeros(sig.shape, dtype=bool)
    for p, site in enumerate(sites):
        if site:
            mask[p] = [counts[(site, i, int(v))] >= min_pages
                       for i, v in enumerate(sig[p])]
    return mask


def pairs_sharing_slots(sig, least=2, largest_group=300):
    """Pairs (a, b), a < b, equal in at least `least` slots."""
    shared = collections.Counter()
    for i in range(sig.shape[1]):
        groups = collections.defaultdict(list)
        for p, v in enumerate(sig[:, i]):
            groups[int(v)].append(p)
        for members in groups.values():
            if 1 < len(members) <= largest_group:
                shared.update(itertools.combinations(members, 2))
    return [pair for pair, n in shared.items() if n >= least]


def main_text_verdict(a, b, sig, size, mask, min_slots):
    equal = sig[a] == sig[b]
    lower_is_a = sig[a] < sig[b]
    left_out = np.where(equal, mask[a] & mask[b],
                        np.where(lower_is_a, mask[a], mask[b]))
    kept = int((~left_out).sum())
    if kept < min_slots:
        return False
    jaccard = float((equal & ~left_out).sum()) / kept
    return accepts(jaccard, size[a] * (1 - mask[a].mean()),
                   size[b] * (1 - mask[b].mean()))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.path.join(evalkit.REPO, "..",
                                                   "shared", "data"))
    ap.add_argument("--min-pages", type=int, default=3)
    ap.add_argument("--min-slots", type=int, default=16)
    ap.add_argument("--out")
    args = ap.parse_args()
    with evalkit.work_folder("neardup-study-", False) as tmp:
        pages = ep.load(os.path.join(args.data, eb.ARCHIVE), tmp,
                        [sub for sub, _ in eb.SUBS])
    ids = [p["id"] for p in pages]
    truth = ep.true_pairs_of({p["id"]: ep.shingles(p["gold"]) for p in pages})
    truth |= {(b, a) for a, b in truth}
    shingler, hasher = nd.Shingler(), nd.MinHasher(NUM_PERM, 0)
    sig = np.zeros((len(pages), NUM_PERM), dtype=np.uint32)
    size = np.zeros(len(pages))
    for p, page in enumerate(pages):
        shingles = np.unique(shingler.hash(page["text"]))
        sig[p], size[p] = hasher.sign(shingles), len(shingles)
    sites = [eb.url_host(p["url"]) if p["url"] else None for p in pages]
    mask = furniture_masks(sig, sites, args.min_pages)

    found = collections.Counter()
    wrong = collections.defaultdict(list)
    candidates = pairs_sharing_slots(sig)
    for a, b in candidates:
        same_site = sites[a] is not None and sites[a] == sites[b]
        jaccard = float((sig[a] == sig[b]).mean())
        today = jaccard >= THRESHOLD or (
            not same_site and accepts(jaccard, size[a], size[b]))
        furnished = bool(mask[a].any() or mask[b].any())
        main = (main_text_verdict(a, b, sig, size, mask, args.min_slots)
                if furnished else today)
        verdicts = {"today": today,
                    "same-site": main if same_site else today,
                    "every-pair": main}
        for rule, yes in verdicts.items():
            if not yes:
                continue
            if (ids[a], ids[b]) in truth:
                found[rule] += 1
            else:
                wrong[rule].append("%s %s (whole-text J %.2f%s)" % (
                    ids[a], ids[b], jaccard, ", one site" if same_site else ""))
    print("%d pages, %d pairs equal in >= 2 slots, %d true pairs; "
          "--min-pages %d --min-slots %d" % (
              len(pages), len(candidates), len(truth) // 2, args.min_pages,
              args.min_slots))
    print("| rule | true pairs found | pairs wrongly judged duplicates |")
    print("| --- | ---: | ---: |")
    for rule in RULES:
        print("| %s | %d | %d |" % (rule, found[rule], len(wrong[rule])))
    for rule in RULES[1:]:
        for line in wrong[rule][:12]:
            print("  %s, wrong: %s" % (rule, line))
    if args.out:
        evalkit.write_json(args.out, {
            "revision": evalkit.git_revision(),
            "min_pages": args.min_pages, "min_slots": args.min_slots,
            "found": dict(found),
            "wrong": {rule: wrong[rule] for rule in RULES}})


if __name__ == "__main__":
    main()
