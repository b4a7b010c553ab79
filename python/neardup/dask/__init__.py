"""neardup.dask: the job of ``neardup dedup`` as a Dask distributed graph.

``dedup(paths, output, client=...)`` reads the same inputs, takes the same
options and writes the same files as ``neardup dedup``: the kept records
(one output per input file, same format and compression), removed.jsonl,
clusters.jsonl, rejected.jsonl and stats.json. For the same input and seed
the clusters, the removals and the kept records are byte for byte those of
the single-machine job, whatever the number of workers and partitions.
stats.json differs only in what describes the run rather than the data:
``seconds``, ``peak_rss_bytes`` (the largest peak of any worker process),
``threads`` (worker threads), and, for the minhash method only,
``verified_pairs`` (here the number of distinct candidate pairs compared;
the single-machine job skips pairs that earlier pairs already joined, so
its count depends on the order it meets them in). It writes no
report.html and no ``pair_similarity`` (``neardup dedup --no-report``
writes neither either); ``neardup report OUTPUT`` writes the page for its
output afterwards, without the pairs' similarity chart.

The graph (every step runs on the workers; the driver only orders the
steps, sums counters and streams the small output files):

1. sign: one task per partition (a file, or a byte range of an
   uncompressed JSONL file) reads its records and computes their signatures
   in C++ (SignDedupPartition). Documents are numbered in input order:
   partition offsets are prefix sums of the partition counts.
2. bucket: every (band, band key, document) triple is shuffled by band key;
   each shuffle partition sorts its triples and emits the candidate pairs
   of each bucket with the C++ rule (CandidatesFromSortedKeys: the same
   pairs and oversized-bucket handling as the single-machine job).
3. verify: pairs go to the partition holding their first document (its
   signature is attached), then to the partition holding the second, where
   the estimated Jaccard is computed (EstimateJaccard) and compared with
   the threshold. For simhash the triples are (permuted table, masked
   fingerprint, document) and the shard verifies the Hamming distance
   itself (SimHashPairsFromSortedKeys, the single-machine job's rule); the
   exact method joins every candidate pair.
4. components: the verified edges are joined into clusters by the
   alternating large-star / small-star algorithm (Kiveris et al., 2014,
   "Connected Components in MapReduce and Beyond"), each step a shuffle of
   edges by vertex, repeated until neither step changes an edge (O(log^2 n)
   rounds). Each cluster ends as a star around its smallest member, which
   is the single-machine job's cluster representative.
5. keep: members go, with their signature (shingle set, fingerprint or
   key), to the partition of their component's smallest member, where the
   component is judged with the C++ rule (JudgeComponents: members, best
   first by the keep policy, join the first kept member they are a
   duplicate of, else are kept; no chains) and its clusters (a kept member
   and the members judged against it) are numbered in order of (component,
   first member), like the single-machine job; then members go to the kept
   member's partition (its id and signature are attached) and back to
   their own, which formats its removed.jsonl lines (RemovedJson) and its
   keep flags, and sends its clusters.jsonl lines to the component's
   partition to be sorted. A component of m members costs up to m x kept
   comparisons in one task.
6. write: one task per input file writes its kept records
   (WriteKeptDocuments). The driver concatenates removed.jsonl,
   clusters.jsonl and rejected.jsonl from the partitions in order.

Memory: a worker holds the signed partitions it computed (signature and id
of each document: about 4 x num_perm + id bytes per document, plus 8 bytes
per distinct shingle with verify="exact"; Dask spills them to its local
disk past its memory limit) and one shuffle partition at
a time per task: the band triples of 1/P of the documents, the candidate
pairs and edges of 1/P of the keys or vertices. The components step holds,
per task, the edges of the vertices hashed to it; its one skew is a single
cluster, whose star edges all meet at its smallest member (a cluster of m
documents costs about 16 m bytes in the task that holds that member).

Data layout: every worker must be able to open every input path, and the
output folder, under the same name: a shared filesystem (NFS, Lustre,
CephFS, a bind mount at the same place on each machine). Object stores
(s3://, gs://) are not read directly: mount them (s3fs, gcsfuse) or copy.
"""

import argparse
import json
import math
import operator
import os
import resource
import sys
import time

import numpy as np

from neardup import _core
from neardup._options import _options, _plan

__all__ = ["dedup", "main"]

_WHOLE_FILE = _core.WHOLE_FILE


# ---------------------------------------------------------------------------
# Options and inputs


def _partitions(inputs, reader, partition_bytes):
    """(file index, path, display, begin, end) per partition, input order."""
    parts = []
    for f, item in enumerate(inputs):
        fmt, compression = _core.probe_input(item.path, reader)
        size = os.path.getsize(item.path)
        pieces = 1
        if fmt == "jsonl" and compression == "none" and partition_bytes > 0:
            pieces = max(1, math.ceil(size / partition_bytes))
        for i in range(pieces):
            begin = size * i // pieces
            end = size * (i + 1) // pieces if i + 1 < pieces else _WHOLE_FILE
            parts.append((f, item.path, item.path, begin, end))
    return parts


# ---------------------------------------------------------------------------
# Tasks (run on the workers; arguments and results are plain Python and
# NumPy values so that Dask can move them between processes)


def _sign(part, options):
    _, path, display, begin, end = part
    resolved = _core.resolve_dedup_options(_options(**options))
    signed = _core.sign_dedup_partition(
        _core.DedupPartition(path, display, begin, end), resolved)
    signed["file"] = part[0]
    signed["display"] = display
    return signed


def _sign_meta(signed):
    keys = ("file", "format", "compression", "read", "rejected",
            "passed_through", "truncated", "text_bytes", "repaired_utf8")
    meta = {k: signed[k] for k in keys}
    meta["documents"] = len(signed["line"])
    return meta


def _owner(docs, starts):
    """The sign partition of each document number."""
    return np.searchsorted(starts, docs, side="right") - 1


def _pack(x, y):
    """Pairs of document numbers (< 2^32) as one sortable uint64 each."""
    return (x.astype(np.uint64) << np.uint64(32)) | y.astype(np.uint64)


def _unpack(packed):
    return ((packed >> np.uint64(32)).astype(np.int64),
            (packed & np.uint64(0xFFFFFFFF)).astype(np.int64))


def _split(route, count, **columns):
    """Splits columns (equal-length arrays or lists) into `count` pieces by
    `route` (a partition number per row), keeping row order in each."""
    order = np.argsort(route, kind="stable")
    bounds = np.searchsorted(route[order], np.arange(count + 1))
    pieces = []
    for j in range(count):
        rows = order[bounds[j]:bounds[j + 1]]
        piece = {}
        for name, column in columns.items():
            if isinstance(column, list):
                piece[name] = [column[i] for i in rows]
            else:
                piece[name] = column[rows]
        pieces.append(piece)
    return pieces


def _concat(pieces, name, dtype, width=None):
    arrays = [p[name] for p in pieces if len(p[name])]
    if not arrays:
        shape = (0,) if width is None else (0, width)
        return np.zeros(shape, dtype=dtype)
    return np.concatenate(arrays).astype(dtype, copy=False)


def _route(key, band, width):
    """A shard for each (band, key): mixed, because SimHash table keys are
    masked (whole runs of their bits are 0)."""
    with np.errstate(over="ignore"):
        h = (key ^ (band.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)))
        h = h * np.uint64(0xBF58476D1CE4E5B9)
    return ((h >> np.uint64(32)) % np.uint64(width)).astype(np.int64)


def _bucket_map(signed, offset, index, width):
    n = len(signed["line"])
    docs = offset + np.arange(n, dtype=np.uint64)
    fingerprint = None
    if index["method"] == "minhash":
        bands = index["bands"]
        keys = np.asarray(_core.band_keys(signed["signatures"], bands,
                                          index["rows"]))
        band = np.tile(np.arange(bands, dtype=np.uint16), n)
        doc = np.repeat(docs, bands)
        key = keys.reshape(-1)
    elif index["method"] == "simhash":
        masks = np.array(_core.simhash_table_masks(index["hamming"]),
                         dtype=np.uint64)
        prints = np.asarray(signed["keys"], dtype=np.uint64)
        band = np.tile(np.arange(len(masks), dtype=np.uint16), n)
        doc = np.repeat(docs, len(masks))
        fingerprint = np.repeat(prints, len(masks))
        key = fingerprint & np.tile(masks, n)
    else:
        band = np.zeros(n, dtype=np.uint16)
        doc = docs
        key = np.asarray(signed["keys"], dtype=np.uint64)
    columns = dict(band=band, key=key, doc=doc)
    if fingerprint is not None:
        columns["fingerprint"] = fingerprint
    return _split(_route(key, band, width), width, **columns)


def _bucket_reduce(pieces, index, starts, count):
    band = _concat(pieces, "band", np.uint16)
    key = _concat(pieces, "key", np.uint64)
    doc = _concat(pieces, "doc", np.uint64)
    simhash = index["method"] == "simhash"
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


def _piece(result, j):
    return result["pieces"][j]


def _field(result, name):
    return result[name]


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
    (options.containment_asymmetry)."""
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


def _edges_out(a, b, count, verified=0):
    """Edges for the large-star step: both directions, by first vertex."""
    u = np.concatenate([a, b])
    v = np.concatenate([b, a])
    return {"verified": verified, "changes": 0,
            "pieces": _split(u % count, count, u=u, v=v)}


def _large_star(pieces, count):
    """For each vertex u: m(u) = min of u and its neighbours; every
    neighbour v > u is linked to m(u) instead of u."""
    u = _concat(pieces, "u", np.int64)
    v = _concat(pieces, "v", np.int64)
    if len(u) == 0:
        return {"changes": 0, "pieces": _split(u, count, u=u, v=v)}
    order = np.lexsort((v, u))
    u, v = u[order], v[order]
    starts = np.flatnonzero(np.r_[True, u[1:] != u[:-1]])
    group_min = np.minimum(np.minimum.reduceat(v, starts), u[starts])
    m = np.repeat(group_min, np.diff(np.r_[starts, len(u)]))
    out = v > u
    x, y, moved = v[out], m[out], (m[out] != u[out])
    x, y = _unpack(np.unique(_pack(x, y)))
    # Next: small-star groups each edge at its larger vertex (x > y here).
    return {"changes": int(moved.sum()),
            "pieces": _split(x % count, count, u=x, v=y)}


def _small_star(pieces, count):
    """For each vertex u with smaller neighbours N: m = min(N); u and every
    other member of N are linked to m."""
    u = _concat(pieces, "u", np.int64)
    v = _concat(pieces, "v", np.int64)
    u, v = _unpack(np.unique(_pack(u, v)))
    if len(u) == 0:
        return {"changes": 0, "stars": (u, v),
                "pieces": _split(u, count, u=u, v=v)}
    starts = np.flatnonzero(np.r_[True, u[1:] != u[:-1]])
    sizes = np.diff(np.r_[starts, len(u)])
    m = np.repeat(v[starts], sizes)  # sorted, so the first is the smallest
    keep = v != m
    x = np.concatenate([v[keep], u[starts]])
    y = np.concatenate([m[keep], v[starts]])
    x, y = _unpack(np.unique(_pack(x, y)))
    return {"changes": int((sizes > 1).sum()), "stars": (x, y),
            "pieces": _split(np.concatenate([x, y]) % count, count,
                             u=np.concatenate([x, y]),
                             v=np.concatenate([y, x]))}


def _star_out(result, starts, count):
    """Converged stars (member, smallest member) by the member's partition."""
    x, y = result["stars"]
    return {"pieces": _split(_owner(x, starts), count, doc=x, root=y)}


def _evidence(signed, rows, method, exact, sized=False, sited=False):
    """What _choose compares of the documents at `rows` of a partition."""
    out = {}
    if sited:
        out["site"] = _site(signed, rows)
    if exact:  # the signatures give the band keys
        out["set"] = [_set(signed, int(r)) for r in rows]
    if sized:
        out["size"] = _size(signed, rows)
    if method == "minhash":
        out["sig"] = np.asarray(signed["signatures"])[rows]
        return out
    return {"key": np.asarray(signed["keys"], dtype=np.uint64)[rows]}


def _attach_member(signed, offset, pieces, starts, count, method, exact,
                   sized=False, sited=False):
    doc = _concat(pieces, "doc", np.int64)
    root = _concat(pieces, "root", np.int64)
    length = np.asarray(signed["length"])[doc - offset]
    number = np.asarray(signed["number"])[doc - offset]
    return {"pieces": _split(_owner(root, starts), count, doc=doc, root=root,
                             length=length, number=number,
                             **_evidence(signed, doc - offset, method,
                                         exact, sized, sited))}


def _choose(signed, offset, pieces, kw, starts, count, method, exact,
            sized=False, sited=False):
    """Judges the components whose smallest member is here (no chains:
    JudgeComponents), and numbers their clusters of two or more in order of
    (component, first member), as neardup dedup does."""
    doc = _concat(pieces, "doc", np.int64)
    root = _concat(pieces, "root", np.int64)
    length = _concat(pieces, "length", np.uint64)
    number = _concat(pieces, "number", np.float64)
    roots = np.unique(root)
    # The smallest member of each component lives here: add it.
    doc = np.concatenate([doc, roots])
    root = np.concatenate([root, roots])
    length = np.concatenate(
        [length, np.asarray(signed["length"])[roots - offset]])
    number = np.concatenate(
        [number, np.asarray(signed["number"])[roots - offset]])
    mine = _evidence(signed, roots - offset, method, exact, sized, sited)
    order = np.lexsort((doc, root))
    doc, root, length, number = (doc[order], root[order], length[order],
                                 number[order])
    evidence = {}
    if exact:
        sets = [x for p in pieces for x in p["set"]] + mine["set"]
        sets = [sets[i] for i in order]
        ends = np.cumsum([len(x) for x in sets], dtype=np.uint64)
        evidence["sets"] = (np.concatenate(sets).astype(np.uint64) if sets
                            else np.zeros(0, dtype=np.uint64))
        evidence["set_end"] = ends
    if method == "minhash":
        width = np.asarray(signed["signatures"]).shape[1]
        sig = np.concatenate(
            [_concat(pieces, "sig", np.uint32, width), mine["sig"]])[order]
        evidence["signatures"] = np.ascontiguousarray(sig).reshape(-1)
        if sized:
            evidence["set_size"] = np.ascontiguousarray(np.concatenate(
                [_concat(pieces, "size", np.uint32), mine["size"]])[order])
        if sited:
            evidence["site"] = np.ascontiguousarray(np.concatenate(
                [_concat(pieces, "site", np.uint64), mine["site"]])[order])
    else:
        evidence["keys"] = np.ascontiguousarray(np.concatenate(
            [_concat(pieces, "key", np.uint64), mine["key"]])[order])
    options = _core.resolve_dedup_options(_options(**kw))
    kept = np.asarray(_core.judge_components(
        root.astype(np.uint64), doc.astype(np.uint64), length, number,
        options, **evidence)).astype(np.int64)
    # A cluster is a kept member and the members judged against it; a kept
    # member that no other joined is in no cluster.
    kept_order = np.lexsort((doc, kept))
    k_sorted = kept[kept_order]
    group_start = np.flatnonzero(np.r_[len(k_sorted) > 0,
                                       k_sorted[1:] != k_sorted[:-1]])
    group_size = np.diff(np.r_[group_start, len(k_sorted)])
    first = np.empty(len(doc), dtype=np.int64)
    first[kept_order] = np.repeat(doc[kept_order][group_start], group_size)
    size = np.empty(len(doc), dtype=np.int64)
    size[kept_order] = np.repeat(group_size, group_size)
    clustered = size >= 2
    doc, root, kept, first = (doc[clustered], root[clustered],
                              kept[clustered], first[clustered])
    # Entries are in (root, doc) order: a cluster's first member comes
    # first, so np.unique numbers (root, first) pairs in that order.
    packed = _pack(root, first)
    groups, rank = np.unique(packed, return_inverse=True)
    return {"clusters": len(groups), "components": len(roots),
            "members": len(order),
            "pieces": _split(_owner(kept, starts), count, doc=doc, root=root,
                             rank=rank.astype(np.int64), kept=kept)}


def _id(signed, row):
    end = signed["id_end"]
    begin = end[row - 1] if row > 0 else 0
    return signed["ids"][begin:end[row]]


def _attach_kept(signed, offset, pieces, starts, count, method,
                 exact=False, sized=False):
    doc = _concat(pieces, "doc", np.int64)
    root = _concat(pieces, "root", np.int64)
    rank = _concat(pieces, "rank", np.int64)
    kept = _concat(pieces, "kept", np.int64)
    kept_ids = [_id(signed, int(k - offset)) for k in kept]
    columns = dict(doc=doc, root=root, rank=rank, kept=kept, kept_id=kept_ids)
    if exact:
        columns["set_kept"] = [_set(signed, int(k - offset)) for k in kept]
    elif method == "minhash":
        columns["sig_kept"] = np.asarray(signed["signatures"])[kept - offset]
        if sized:
            columns["size_kept"] = _size(signed, kept - offset)
    elif method == "simhash":
        columns["fp_kept"] = np.asarray(signed["keys"])[kept - offset]
    return {"pieces": _split(_owner(doc, starts), count, **columns)}


def _blob(strings):
    ends = np.cumsum([len(s) for s in strings], dtype=np.uint64)
    return b"".join(strings), ends


def _decide(signed, offset, pieces, cluster_base, starts, count, method,
            exact=False, containment=False):
    doc = _concat(pieces, "doc", np.int64)
    root = _concat(pieces, "root", np.int64)
    rank = _concat(pieces, "rank", np.int64)
    kept = _concat(pieces, "kept", np.int64)
    kept_ids = [s for p in pieces for s in p["kept_id"]]
    order = np.argsort(doc, kind="stable")
    doc, root, rank, kept = doc[order], root[order], rank[order], kept[order]
    kept_ids = [kept_ids[i] for i in order]
    # Clusters are numbered in order of their smallest member.
    cluster = rank + np.asarray(cluster_base)[_owner(root, starts)]
    rows = (doc - offset).astype(np.uint64)
    n = len(signed["line"])
    keep = np.ones(n, dtype=np.uint8)
    removed = kept != doc
    keep[rows[removed]] = 0
    if exact:
        sets_kept = [x for p in pieces for x in p["set_kept"]]
        sets_kept = [sets_kept[i] for i in order]
        chosen = np.flatnonzero(removed)
        similarity = _exact_rows(
            [_set(signed, int(rows[i])) for i in chosen],
            [sets_kept[i] for i in chosen])
        if containment:
            contained = np.asarray(_core.exact_containment_rows(
                *_flat_sets([_set(signed, int(rows[i])) for i in chosen]),
                *_flat_sets([sets_kept[i] for i in chosen])))
    elif method == "minhash":
        width = np.asarray(signed["signatures"]).shape[1]
        sig_kept = _concat(pieces, "sig_kept", np.uint32, width)[order]
        mine = np.asarray(signed["signatures"])[doc - offset]
        similarity = np.asarray(_core.estimate_jaccard_rows(
            np.ascontiguousarray(mine[removed]),
            np.ascontiguousarray(sig_kept[removed])))
        if containment:
            size_kept = _concat(pieces, "size_kept", np.uint32)[order]
            contained = _estimated_containment(
                similarity, _size(signed, (doc - offset)[removed]),
                size_kept[removed])
    elif method == "simhash":
        fp_kept = _concat(pieces, "fp_kept", np.uint64)[order]
        mine = np.asarray(signed["keys"], dtype=np.uint64)[doc - offset]
        similarity = np.asarray(_core.hamming_distance_rows(
            mine[removed], fp_kept[removed]))
    else:
        similarity = np.ones(int(removed.sum()), dtype=np.float64)
    removed_kept = [kept_ids[i] for i in np.flatnonzero(removed)]
    kept_blob, kept_end = _blob(removed_kept)
    ids, id_end = signed["ids"], np.asarray(signed["id_end"], np.uint64)
    lines = _core.removed_lines(
        ids, id_end, rows[removed], signed["display"],
        np.asarray(signed["line"], np.uint64)[rows[removed]],
        _core.parse_dedup_method(method),
        cluster[removed].astype(np.uint64), kept_blob, kept_end,
        similarity.astype(np.float64),
        contained if containment and method == "minhash" else None)
    member_ids = [_id(signed, int(r)) for r in rows]
    return {"removed": lines, "removed_count": int(removed.sum()),
            "keep": keep,
            "pieces": _split(_owner(root, starts), count, cluster=cluster,
                             doc=doc, id=member_ids, kept_id=kept_ids)}


def _cluster_chunk(pieces):
    cluster = _concat(pieces, "cluster", np.int64)
    doc = _concat(pieces, "doc", np.int64)
    ids = [s for p in pieces for s in p["id"]]
    kept_ids = [s for p in pieces for s in p["kept_id"]]
    order = np.lexsort((doc, cluster))
    id_blob, id_end = _blob([ids[i] for i in order])
    kept_blob, kept_end = _blob([kept_ids[i] for i in order])
    return _core.cluster_lines(id_blob, id_end,
                               np.arange(len(order), dtype=np.uint64),
                               cluster[order].astype(np.uint64), kept_blob,
                               kept_end)


def _write_file(path, output_path, options, keeps):
    resolved = _core.resolve_dedup_options(_options(**options))
    keep = (np.concatenate(keeps) if keeps
            else np.zeros(0, dtype=np.uint8))
    return _core.write_kept_documents(path, path, output_path,
                                      resolved.reader, keep)


def _peak_rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


# ---------------------------------------------------------------------------
# The driver


def _exchange(client, results, count, getter=_piece):
    """Piece j of every result, for j in range(count): futures. One
    client.map call: submitting count^2 tasks one by one costs more than the
    tasks."""
    flat = client.map(getter, [r for _ in range(count) for r in results],
                      [j for j in range(count) for _ in results])
    m = len(results)
    return [flat[j * m:(j + 1) * m] for j in range(count)]


def dedup(paths, output, *, client=None, scheduler=None,
          partition_bytes=64 << 20, shuffle_partitions=0,
          method="minhash", threshold=0.8, ngram=0, char=False, num_perm=112,
          bands=0, rows=0, hamming=3, keep="first", verify="signature",
          text_field="text", id_field="id", max_doc_bytes=256 << 20,
          oversize="reject", seed=0, dry_run=False, overwrite=False,
          max_bucket_pairs_size=64, containment=-1.0, digits="zero",
          containment_asymmetry=4.0):
    """Runs the dedup job of ``neardup dedup`` on a Dask cluster.

    paths: files and folders (expanded as ``neardup dedup`` does); output:
    the output folder. Every worker must be able to read the inputs and
    write the output folder under these names (a shared filesystem). The
    options have the names and defaults of the command's flags (``ngram`` 0:
    5 for minhash, 3 for simhash). client: a ``distributed.Client``;
    scheduler: the address of one to connect to ("tcp://host:8786"); with
    neither, the current client (``distributed.get_client()``).
    partition_bytes: uncompressed JSONL files larger than this are read in
    byte ranges of about this size (other files whole).
    shuffle_partitions: the shards of the key and vertex shuffles (0: twice
    the worker threads, at most one per partition). All three methods and
    both verify modes are supported; verify="exact" keeps every document's
    shingle set with its signature (8 bytes per distinct shingle).

    keep: first, longest or field:NAME. Judging is the command's: records,
    best first by the keep policy, join the first kept record they are a
    duplicate of, else are kept (no chains). containment (estimated, or
    exact with verify="exact"), containment_asymmetry and digits ("zero" or
    "keep") are the command's --containment, --containment-asymmetry and
    --digits; --main-text is not supported here.

    Returns the parsed stats.json. Raises the errors of ``neardup dedup``
    (ValueError for bad options, FileNotFoundError, OSError) before any
    work is sent to the cluster.
    """
    started = time.monotonic()
    kw = dict(method=method, threshold=threshold, ngram=ngram, char=char,
              num_perm=num_perm, bands=bands, rows=rows, hamming=hamming,
              keep=keep, verify=verify, text_field=text_field,
              id_field=id_field, max_doc_bytes=max_doc_bytes,
              oversize=oversize, seed=seed,
              dry_run=dry_run, overwrite=overwrite,
              max_bucket_pairs_size=max_bucket_pairs_size,
              containment=containment, digits=digits,
              containment_asymmetry=containment_asymmetry)
    options = _core.resolve_dedup_options(_options(**kw))
    inputs = _plan(paths)
    output = os.fspath(output)
    _core.prepare_dedup_output(inputs, output, overwrite, options.reader)
    parts = _partitions(inputs, options.reader, partition_bytes)

    from distributed import Client, get_client
    own_client = None
    if client is None:
        if scheduler is not None:
            client = own_client = Client(scheduler)
        else:
            client = get_client()
    try:
        return _run(client, inputs, output, parts, kw, options, method,
                    shuffle_partitions, started)
    finally:
        if own_client is not None:
            own_client.close()


def _run(client, inputs, output, parts, kw, options, method,
         shuffle_partitions, started):
    seconds = []
    # Steps that route to the partition holding a document use one piece
    # per sign partition (count); steps that route by key or vertex hash
    # use `width` pieces, a few per worker thread: the task count of a
    # shuffle is the product of the two sides.
    count = len(parts)
    if shuffle_partitions > 0:
        width = shuffle_partitions
    else:
        threads = sum(client.nthreads().values())
        width = max(2, min(count, 2 * threads))
    minhash = method == "minhash"
    exact = minhash and options.verify == _core.VerifyMode.EXACT
    # Containment estimated from signatures needs each set's size.
    sized = minhash and not exact and options.containment > 0
    # Containment within one site does not count: sites travel with it.
    sited = minhash and options.containment > 0

    # 1. sign
    t = time.monotonic()
    signed = client.map(_sign, parts, options=kw, pure=False)
    metas = client.gather(client.map(_sign_meta, signed))
    sizes = np.array([m["documents"] for m in metas], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    offsets = [int(s) for s in starts]
    if sizes.sum() >= 1 << 32:
        raise ValueError("neardup.dask: more than 2^32 documents")
    seconds.append(("sign", time.monotonic() - t))

    # 2-4. candidates, verification, components
    t = time.monotonic()
    # kExact joins equal keys in a chain (a bucket of m in m - 1 pairs).
    index = {"method": method, "bands": options.bands, "rows": options.rows,
             "hamming": options.hamming,
             "cap": 1 if method == "exact"
             else options.candidates.max_bucket_pairs_size}
    mapped = [client.submit(_bucket_map, s, o, index, width)
              for s, o in zip(signed, offsets)]
    buckets = [client.submit(_bucket_reduce, pieces, index, starts, count)
               for pieces in _exchange(client, mapped, width,
                                       getter=operator.getitem)]
    del mapped
    if minhash:
        firsts = [client.submit(_attach_first, signed[p], offsets[p], pieces,
                                starts, count, exact, sized, sited)
                  for p, pieces in enumerate(_exchange(client, buckets, count))]
        edges = [client.submit(_verify, signed[p], offsets[p], pieces,
                               options.threshold, width, exact,
                               options.containment, kw)
                 for p, pieces in enumerate(_exchange(client, firsts, count))]
        del firsts
    else:
        edges = [client.submit(_edges_from_pairs, pieces, width)
                 for pieces in _exchange(client, buckets, count)]
    bucket_stats = client.gather([client.submit(_field, b, "stats")
                                  for b in buckets])
    del buckets
    verified = sum(client.gather([client.submit(_field, e, "verified")
                                  for e in edges]))
    current, rounds = edges, 0
    while True:
        rounds += 1
        large = [client.submit(_large_star, pieces, width)
                 for pieces in _exchange(client, current, width)]
        small = [client.submit(_small_star, pieces, width)
                 for pieces in _exchange(client, large, width)]
        changes = sum(client.gather(
            [client.submit(_field, r, "changes") for r in large + small]))
        del large
        current = small
        if changes == 0:
            break
    seconds.append(("index", time.monotonic() - t))

    # 5. keep, number, format
    t = time.monotonic()
    stars = [client.submit(_star_out, r, starts, count) for r in current]
    del current, edges
    members = [client.submit(_attach_member, signed[p], offsets[p], pieces,
                             starts, count, method, exact, sized, sited)
               for p, pieces in enumerate(_exchange(client, stars, count))]
    chosen = [client.submit(_choose, signed[p], offsets[p], pieces, kw,
                            starts, count, method, exact, sized, sited)
              for p, pieces in enumerate(_exchange(client, members, count))]
    del stars, members
    cluster_counts = client.gather([client.submit(_field, c, "clusters")
                                    for c in chosen])
    member_count = sum(client.gather([client.submit(_field, c, "members")
                                      for c in chosen]))
    component_count = sum(client.gather(
        [client.submit(_field, c, "components") for c in chosen]))
    cluster_base = np.concatenate(
        [[0], np.cumsum(cluster_counts)[:-1]]).astype(np.int64)
    with_kept = [client.submit(_attach_kept, signed[p], offsets[p], pieces,
                               starts, count, method, exact, sized)
                 for p, pieces in enumerate(_exchange(client, chosen, count))]
    del chosen
    decided = [client.submit(_decide, signed[p], offsets[p], pieces,
                             cluster_base, starts, count, method, exact,
                             options.containment > 0)
               for p, pieces in enumerate(_exchange(client, with_kept,
                                                    count))]
    del with_kept
    chunks = [client.submit(_cluster_chunk, pieces)
              for pieces in _exchange(client, decided, count)]
    removed_counts = client.gather([client.submit(_field, d, "removed_count")
                                    for d in decided])

    def stream(futures, name=None):
        for future in futures:
            value = future if name is None else client.submit(_field, future,
                                                              name)
            yield client.gather(value)

    _core.write_output(os.path.join(output, "removed.jsonl"),
                       stream(decided, "removed"))
    _core.write_output(os.path.join(output, "clusters.jsonl"), stream(chunks))
    del chunks
    seconds.append(("decisions", time.monotonic() - t))

    # 6. write
    stats = _core.DedupStats()
    files = []
    for f, item in enumerate(inputs):
        fc = _core.FileCounts()
        fc.path = item.path
        fc.output = item.output_name
        files.append(fc)
    for p, meta in enumerate(metas):
        fc = files[meta["file"]]
        if not fc.format:
            fc.format, fc.compression = meta["format"], meta["compression"]
        fc.read += meta["read"]
        fc.rejected += meta["rejected"]
        fc.passed_through += meta["passed_through"]
        fc.truncated += meta["truncated"]
        fc.removed += removed_counts[p]
    if not options.dry_run:
        t = time.monotonic()
        writes = []
        for f, item in enumerate(inputs):
            keeps = [client.submit(_field, decided[p], "keep")
                     for p, meta in enumerate(metas) if meta["file"] == f]
            writes.append(client.submit(
                _write_file, item.path,
                os.path.join(output, item.output_name), kw, keeps,
                pure=False))
        for fc, written in zip(files, client.gather(writes)):
            fc.kept = written
        seconds.append(("write", time.monotonic() - t))
    else:
        for fc in files:
            fc.kept = fc.read - fc.rejected - fc.removed
    _core.write_output(os.path.join(output, "rejected.jsonl"),
                       stream(signed, "rejected_jsonl"))
    del decided, signed
    # What neardup dedup lists as its outputs: a text file's output exists
    # only when its document is kept.
    outputs = ["clusters.jsonl", "rejected.jsonl", "removed.jsonl"]
    if not options.dry_run:
        outputs += [item.output_name for item, fc in zip(inputs, files)
                    if fc.format != "text" or fc.kept > 0]
    stats.outputs = sorted(outputs)

    for name in ("read", "rejected", "passed_through", "truncated",
                 "text_bytes", "repaired_utf8"):
        setattr(stats, name, sum(m[name] for m in metas))
    stats.removed = sum(removed_counts)
    stats.kept = stats.read - stats.rejected - stats.removed
    stats.clusters = int(sum(cluster_counts))
    stats.candidate_pairs = sum(s[1] for s in bucket_stats)
    # Only MinHash verification skips pairs (see the module notes); the
    # other methods verify every candidate, as neardup dedup counts them.
    stats.verified_pairs = (int(verified) if minhash
                            else sum(s[1] for s in bucket_stats))
    stats.joined_pairs = int(member_count - component_count)
    if minhash:
        stats.lsh = _core.LshParams(options.bands, options.rows)
    candidates = _core.CandidateStats()
    candidates.buckets = sum(s[0] for s in bucket_stats)
    candidates.pairs = sum(s[1] for s in bucket_stats)
    candidates.oversized_buckets = sum(s[2] for s in bucket_stats)
    candidates.largest_bucket = max([s[3] for s in bucket_stats] or [0])
    stats.candidates = candidates
    stats.files = files
    seconds.append(("total", time.monotonic() - started))
    stats.stage_seconds = seconds
    stats.peak_rss_bytes = max(client.run(_peak_rss).values() or [0])
    stats.threads = sum(client.nthreads().values())
    text = _core.stats_to_json(stats, options)
    _core.write_output(os.path.join(output, "stats.json"), [text + "\n"])
    result = json.loads(text)
    result["components_rounds"] = rounds
    return result


# ---------------------------------------------------------------------------
# python3 -m neardup.dask


def _byte_size(text):
    """Bytes from "2G", "500M", "64K" or digits (powers of 1024), as
    ``neardup dedup --max-memory`` reads them."""
    units = {"": 0, "k": 10, "m": 20, "g": 30, "t": 40}
    digits = text.rstrip("kKmMgGtT")
    suffix = text[len(digits):].lower()
    if not digits.isdigit() or suffix not in units:
        raise argparse.ArgumentTypeError(
            '"%s" is not a size (bytes, or a number with K, M, G or T: '
            '500M, 2G)' % text)
    return int(digits) << units[suffix]


def _parser():
    p = argparse.ArgumentParser(
        prog="python3 -m neardup.dask",
        description="neardup dedup on a Dask cluster: the same inputs, "
                    "flags and outputs as the command.",
        epilog="Example: python3 -m neardup.dask /shared/crawl/ -o "
               "/shared/deduped --scheduler tcp://node0:8786")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="JSONL, WARC/WET or text files and folders (gzip "
                        "and zstd detected; not - : every worker must open "
                        "every input under the same name)")
    p.add_argument("-o", "--output", required=True,
                   help="output folder, on a filesystem every worker "
                        "shares (not - : the outputs are several files)")
    p.add_argument("--scheduler",
                   help="scheduler address (tcp://host:8786); default: a "
                        "local cluster of --workers processes")
    p.add_argument("--workers", type=int, default=2,
                   help="local cluster worker processes (without "
                        "--scheduler; default: %(default)s)")
    p.add_argument("--threads-per-worker", type=int, default=1,
                   help="threads of each local worker (default: "
                        "%(default)s)")
    p.add_argument("--max-memory", type=_byte_size, metavar="SIZE",
                   help="memory ceiling of the local cluster (bytes, or "
                        "with K, M, G: 500M, 2G), split evenly between its "
                        "--workers as Dask's memory_limit: a worker spills "
                        "to its disk past 60%% of its share, pauses at 80%% "
                        "and is restarted at 95%%, so the job slows or "
                        "fails instead of the machine running out. With "
                        "--scheduler, give the workers --memory-limit "
                        "instead. Default: Dask's (the machine's memory)")
    p.add_argument("--partition-bytes", type=int, default=64 << 20,
                   help="uncompressed JSONL files are read in byte ranges "
                        "of about this size, other files whole (default: "
                        "%(default)s)")
    p.add_argument("--shuffle-partitions", type=int, default=0,
                   help="shards of the key and vertex shuffles (default "
                        "0: twice the worker threads)")
    p.add_argument("--method", default="minhash",
                   choices=("minhash", "simhash", "exact"),
                   help="minhash (Jaccard of shingle sets), simhash "
                        "(Hamming distance) or exact (identical normalized "
                        "text); default: %(default)s")
    p.add_argument("--threshold", type=float, default=0.8,
                   help="Jaccard similarity of duplicates (minhash): "
                        "greater than 0 and less than 1 (default: "
                        "%(default)s)")
    p.add_argument("--ngram", type=int, default=0,
                   help="shingle size (default: 5 for minhash and exact, "
                        "3 for simhash)")
    p.add_argument("--char", action="store_true",
                   help="character n-grams instead of words")
    p.add_argument("--num-perm", type=int, default=112,
                   help="MinHash permutations (default: %(default)s)")
    p.add_argument("--bands", type=int, default=0,
                   help="LSH bands (default: chosen from --threshold)")
    p.add_argument("--rows", type=int, default=0,
                   help="LSH rows per band (default: chosen from "
                        "--threshold)")
    p.add_argument("--hamming", type=int, default=3,
                   help="SimHash: largest Hamming distance of duplicates, "
                        "0 to 8 (default: %(default)s)")
    p.add_argument("--containment", type=float, default=-1.0,
                   help="a pair is also a duplicate when |A & B| / min(|A|, "
                   "|B|) of its shingle sets is at least this (default "
                   "0.7 with minhash, off with other methods; 0: off; "
                   "estimated from signatures and set sizes, exact with "
                   "--verify exact; not within one site, as neardup dedup "
                   "without --main-text)")
    p.add_argument("--containment-asymmetry", type=float, default=4.0,
                   help="containment counts only for an excerpt or an "
                   "extension: of the shingles the two do not share, the "
                   "longer holds at least this many times as many as the "
                   "shorter (default: %(default)s; 1: any)")
    p.add_argument("--digits", default="zero", choices=("zero", "keep"),
                   help="digits in shingles: zero (every digit becomes 0) "
                   "or keep")
    p.add_argument("--verify", default="signature",
                   choices=("signature", "exact"),
                   help="how candidates are confirmed: signature "
                        "(estimated Jaccard) or exact (Jaccard of the "
                        "shingle sets); default: %(default)s")
    p.add_argument("--keep", default="first",
                   help="record kept per cluster: first, longest or "
                        "field:NAME (the largest value of that numeric "
                        "field); default: %(default)s. Records, best "
                        "first, join the first kept record they are a "
                        "duplicate of (no chains)")
    p.add_argument("--text-field", default="text",
                   help="JSONL text field (default: %(default)s)")
    p.add_argument("--id-field", default="id",
                   help="JSONL id field; absent: FILE:LINE (default: "
                        "%(default)s)")
    p.add_argument("--max-doc-bytes", type=int, default=256 << 20,
                   help="documents with more text bytes are rejected or "
                        "truncated, as --oversize says (default: "
                        "%(default)s)")
    p.add_argument("--oversize", default="reject",
                   choices=("reject", "truncate"),
                   help="reject: a larger document goes to rejected.jsonl; "
                        "truncate: it is signed on its first "
                        "--max-doc-bytes bytes (cut at a character "
                        "boundary), counted as truncated, and written back "
                        "whole; default: %(default)s")
    p.add_argument("--seed", type=int, default=0,
                   help="hash seed (default: %(default)s)")
    p.add_argument("--dry-run", action="store_true",
                   help="write the decisions only, no record files")
    p.add_argument("--overwrite", action="store_true",
                   help="accept an output folder that is not empty")
    p.add_argument("--quiet", action="store_true",
                   help="print only the last line")
    return p


def main(argv=None):
    """The command line: ``python3 -m neardup.dask INPUT... -o OUT
    --scheduler ADDRESS`` with the flags of ``neardup dedup``."""
    p = _parser()
    a = p.parse_args(argv)
    if a.output == "-":
        p.error("-o expects an output folder (it receives the kept records, "
                "removed.jsonl, rejected.jsonl and stats.json); '-' "
                "(standard output) is not supported")
    if a.max_memory is not None and a.scheduler:
        p.error("--max-memory sets the memory of the local cluster; with "
                "--scheduler, start the workers with --memory-limit")
    kw = dict(partition_bytes=a.partition_bytes,
              shuffle_partitions=a.shuffle_partitions, method=a.method,
              threshold=a.threshold, ngram=a.ngram, char=a.char,
              num_perm=a.num_perm, bands=a.bands, rows=a.rows,
              hamming=a.hamming, verify=a.verify, keep=a.keep,
              containment=a.containment, digits=a.digits,
              containment_asymmetry=a.containment_asymmetry,
              text_field=a.text_field, id_field=a.id_field,
              max_doc_bytes=a.max_doc_bytes, oversize=a.oversize,
              seed=a.seed,
              dry_run=a.dry_run, overwrite=a.overwrite)
    try:
        if a.scheduler:
            stats = dedup(a.inputs, a.output, scheduler=a.scheduler, **kw)
        else:
            from distributed import Client, LocalCluster
            limit = ("auto" if a.max_memory is None
                     else a.max_memory // max(a.workers, 1))
            with LocalCluster(n_workers=a.workers,
                              threads_per_worker=a.threads_per_worker,
                              memory_limit=limit, processes=True,
                              dashboard_address=None) as c, \
                    Client(c) as client:
                stats = dedup(a.inputs, a.output, client=client, **kw)
    except (ValueError, OSError) as e:
        print("neardup.dask: %s" % e, file=sys.stderr)
        return 1
    if not a.quiet:
        total = stats["seconds"].get("total", 0)
        print("neardup.dask: %d files, %.1f MB of text in %.2f s on %d "
              "threads, %d clusters; peak memory %.1f MB per worker, %.1f "
              "MB driver; output: %s/" % (
                  len(stats["files"]), stats["text_bytes"] / 1e6, total,
                  stats["threads"], stats["clusters"],
                  stats["peak_rss_bytes"] / 1e6, _peak_rss() / 1e6,
                  a.output))
    print("read %d = kept %d + removed %d + rejected %d%s%s" % (
        stats["read"], stats["kept"], stats["removed"], stats["rejected"],
        " (%d truncated)" % stats["truncated"] if stats["truncated"] else "",
        " (dry run: nothing written)" if a.dry_run else ""))
    return 0
