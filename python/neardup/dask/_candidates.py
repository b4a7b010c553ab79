"""The candidate step of neardup.dask: band keys (or SimHash table keys,
or exact keys) shuffled by key, the candidate pairs of each bucket by the
C++ rule, and for MinHash their verification at the partition of each
member. Its output is the verified edges, ready for the components
step."""

import numpy as np

from neardup import _core
from neardup._options import _options
from neardup.dask._components import _edges_out
from neardup.dask._shuffle import _concat, _owner, _pack, _route, _split, \
    _unpack


def _bucket_map(signed, offset, index, width):
    """The (table, key, doc) triples of a partition's documents, keyed by
    the C++ method (table_keys: MinHash band keys, SimHash permuted-table
    keys, exact keys), with the fingerprints when the candidate rule
    compares them."""
    n = len(signed["line"])
    docs = offset + np.arange(n, dtype=np.uint64)
    options = _options(**index["options"])
    if index["signs_rows"]:
        keys = _core.table_keys(options, signatures=signed["signatures"])
    else:
        prints = np.asarray(signed["keys"], dtype=np.uint64)
        keys = _core.table_keys(options, keys=prints)
    keys = np.asarray(keys)
    tables = keys.shape[1]
    band = np.tile(np.arange(tables, dtype=np.uint16), n)
    doc = np.repeat(docs, tables)
    key = keys.reshape(-1)
    columns = dict(band=band, key=key, doc=doc)
    if index["compares_while_finding"]:
        columns["fingerprint"] = np.repeat(prints, tables)
    return _split(_route(key, band, width), width, **columns)


def _bucket_reduce(pieces, index, starts, count):
    band = _concat(pieces, "band", np.uint16)
    key = _concat(pieces, "key", np.uint64)
    doc = _concat(pieces, "doc", np.uint64)
    # SimHash: the distance is checked as the pairs are found.
    simhash = index["compares_while_finding"]
    order = np.lexsort((doc, key, band))
    band, key, doc = band[order], key[order], doc[order]
    if simhash:
        fingerprint = _concat(pieces, "fingerprint", np.uint64)[order]
    options = _core.CandidateOptions(max_bucket_pairs_size=index["cap"])
    bounds = np.searchsorted(band, np.arange(int(band.max()) + 2)) if len(
        band) else np.zeros(1, dtype=np.int64)
    pairs, stats = [], [0, 0, 0, 0]
    for b in range(len(bounds) - 1):
        lo, hi = bounds[b], bounds[b + 1]
        if hi - lo < 2:
            continue
        docs = doc[lo:hi].astype(np.uint32)
        if simhash:
            found, s = _core.simhash_pairs_from_sorted_keys(
                key[lo:hi], fingerprint[lo:hi], docs, index["hamming"],
                options)
        else:
            found, s = _core.candidates_from_sorted_keys(key[lo:hi], docs,
                                                         options)
        pairs.append(np.asarray(found))
        stats[0] += s.buckets
        stats[1] += s.pairs
        stats[2] += s.oversized_buckets
        stats[3] = max(stats[3], s.largest_bucket)
    pairs = (np.concatenate(pairs).astype(np.int64) if pairs
             else np.zeros((0, 2), dtype=np.int64))
    route = _owner(pairs[:, 0], starts)
    return {"stats": stats,
            "pieces": _split(route, count, a=pairs[:, 0], b=pairs[:, 1])}


def _set(signed, row):
    """The sorted distinct shingles of a document (verify="exact")."""
    end = signed["set_end"]
    begin = end[row - 1] if row > 0 else 0
    return np.asarray(signed["sets"])[begin:end[row]]


def _flat_sets(sets):
    """A list of sets as (values, ends) for the *_rows functions."""
    ends = np.cumsum([len(x) for x in sets], dtype=np.uint64)
    values = (np.concatenate(sets).astype(np.uint64) if sets
              else np.zeros(0, dtype=np.uint64))
    return values, ends


def _exact_rows(sets_a, sets_b):
    """ExactJaccard of sets_a[i] and sets_b[i]."""
    return np.asarray(_core.exact_jaccard_rows(*_flat_sets(sets_a),
                                               *_flat_sets(sets_b)))


def _size(signed, rows):
    """Distinct shingle counts (verify="signature" with containment)."""
    return np.asarray(signed["set_size"], dtype=np.uint32)[rows]


def _site(signed, rows):
    """Site keys of documents (containment): 0 without a URL."""
    return np.asarray(signed["site"], dtype=np.uint64)[rows]


def _contained(kw, contained, size_a, size_b, site_a, site_b):
    """IsDuplicate's containment rule (CountsByContainment, evaluated by the
    library so that the job's verdicts are the command's): containment at
    least options.containment, not within one site (the same non-zero key)
    on the whole text, and an excerpt or an extension by the set sizes
    (options.containment_asymmetry). kw: the dedup flags."""
    options = _core.resolve_dedup_options(_options(**kw))
    return np.asarray(_core.counts_by_containment_rows(
        options, np.ascontiguousarray(contained, dtype=np.float64),
        np.ascontiguousarray(size_a, dtype=np.uint64),
        np.ascontiguousarray(size_b, dtype=np.uint64),
        np.ascontiguousarray(site_a, dtype=np.uint64),
        np.ascontiguousarray(site_b, dtype=np.uint64))).astype(bool)


def _estimated_containment(similarity, size_a, size_b):
    """EstimateContainment of each pair, as neardup dedup estimates it."""
    return np.asarray(_core.estimate_containment_rows(
        np.ascontiguousarray(similarity, dtype=np.float64),
        np.ascontiguousarray(size_a, dtype=np.uint32),
        np.ascontiguousarray(size_b, dtype=np.uint32)))


def _attach_first(signed, offset, pieces, starts, count, exact=False,
                  sized=False, sited=False):
    a = _concat(pieces, "a", np.int64)
    b = _concat(pieces, "b", np.int64)
    # The bands of one pair may meet in several buckets: compare it once.
    a, b = _unpack(np.unique(_pack(a, b)))
    columns = dict(a=a, b=b)
    if exact:
        columns["set_a"] = [_set(signed, int(x - offset)) for x in a]
    else:
        columns["sig_a"] = np.asarray(signed["signatures"])[a - offset]
    if sized:
        columns["size_a"] = _size(signed, a - offset)
    if sited:
        columns["site_a"] = _site(signed, a - offset)
    return {"pieces": _split(_owner(b, starts), count, **columns)}


def _verify(signed, offset, pieces, threshold, count, exact=False,
            containment=0.0, kw=None):
    a = _concat(pieces, "a", np.int64)
    b = _concat(pieces, "b", np.int64)
    if exact:
        sets_a = [x for p in pieces for x in p["set_a"]]
        sets_b = [_set(signed, int(x - offset)) for x in b]
        similarity = _exact_rows(sets_a, sets_b)
        if containment > 0:  # IsDuplicate's rule
            contained = np.asarray(_core.exact_containment_rows(
                *_flat_sets(sets_a), *_flat_sets(sets_b)))
            joined = (similarity >= threshold) | _contained(
                kw, contained, [len(x) for x in sets_a],
                [len(x) for x in sets_b],
                _concat(pieces, "site_a", np.uint64),
                _site(signed, b - offset))
            return _edges_out(a[joined], b[joined], count, verified=len(a))
    else:
        width = np.asarray(signed["signatures"]).shape[1]
        sig_a = _concat(pieces, "sig_a", np.uint32, width)
        sig_b = np.asarray(signed["signatures"])[b - offset]
        similarity = np.asarray(_core.estimate_jaccard_rows(
            np.ascontiguousarray(sig_a), np.ascontiguousarray(sig_b)))
        if containment > 0:  # estimated from the set sizes
            size_a = _concat(pieces, "size_a", np.uint32)
            size_b = _size(signed, b - offset)
            contained = _estimated_containment(similarity, size_a, size_b)
            joined = (similarity >= threshold) | _contained(
                kw, contained, size_a, size_b,
                _concat(pieces, "site_a", np.uint64),
                _site(signed, b - offset))
            return _edges_out(a[joined], b[joined], count, verified=len(a))
    joined = similarity >= threshold
    return _edges_out(a[joined], b[joined], count, verified=len(a))


def _edges_from_pairs(pieces, count):
    a = _concat(pieces, "a", np.int64)
    b = _concat(pieces, "b", np.int64)
    return _edges_out(a, b, count, verified=len(a))
