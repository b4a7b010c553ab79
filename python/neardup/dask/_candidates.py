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


def _size(signed, rows):
    """Distinct shingle counts (verify="signature" with containment)."""
    return np.asarray(signed["set_size"], dtype=np.uint32)[rows]


def _site(signed, rows):
    """Site keys of documents (containment): 0 without a URL."""
    return np.asarray(signed["site"], dtype=np.uint64)[rows]


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
    """The candidate pairs whose first member is elsewhere (pieces) and
    second here, compared by the C++ method (compare_rows: dedup's rule);
    the duplicates are the edges. threshold and containment are the
    options' (kw, the dedup flags, gives them all)."""
    a = _concat(pieces, "a", np.int64)
    b = _concat(pieces, "b", np.int64)
    rows = b - offset
    if exact:
        ev_a = dict(zip(("sets", "set_end"), _flat_sets(
            [x for p in pieces for x in p["set_a"]])))
        ev_b = dict(zip(("sets", "set_end"), _flat_sets(
            [_set(signed, int(x)) for x in rows])))
    else:
        width = np.asarray(signed["signatures"]).shape[1]
        ev_a = {"signatures": np.ascontiguousarray(
            _concat(pieces, "sig_a", np.uint32, width))}
        ev_b = {"signatures": np.ascontiguousarray(
            np.asarray(signed["signatures"])[rows])}
    if containment > 0:
        if not exact:  # containment is estimated from the set sizes
            ev_a["set_size"] = _concat(pieces, "size_a", np.uint32)
            ev_b["set_size"] = np.ascontiguousarray(_size(signed, rows))
        ev_a["site"] = _concat(pieces, "site_a", np.uint64)
        ev_b["site"] = np.ascontiguousarray(_site(signed, rows))
    options = _core.resolve_dedup_options(_options(**kw))
    joined = np.asarray(_core.compare_rows(options, ev_a, ev_b)[2]) \
        .astype(bool)
    return _edges_out(a[joined], b[joined], count, verified=len(a))


def _edges_from_pairs(pieces, count):
    a = _concat(pieces, "a", np.int64)
    b = _concat(pieces, "b", np.int64)
    return _edges_out(a, b, count, verified=len(a))
