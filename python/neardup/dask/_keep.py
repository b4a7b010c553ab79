"""The keep step of neardup.dask: each component judged at the partition
of its smallest member with the C++ rule (JudgeComponents: members, best
first by the keep policy, join the first kept member they are a duplicate
of, else are kept; no chains), its clusters numbered in order of
(component, first member) like the single-machine job, and each member's
removed.jsonl and clusters.jsonl lines formatted in C++ (RemovedLines,
ClusterLines)."""

import numpy as np

from neardup import _core
from neardup._options import _options
from neardup.dask._candidates import _flat_sets, _set, _site, _size
from neardup.dask._shuffle import _concat, _owner, _pack, _split


def _signs_rows(method):
    """True when the method keeps MinHash rows (C++ MethodTraits)."""
    return next(t.signs_rows for t in _core.dedup_method_traits()
                if t.name == method)


def _evidence(signed, rows, method, exact, sized=False, sited=False):
    """What _choose compares of the documents at `rows` of a partition."""
    out = {}
    if sited:
        out["site"] = _site(signed, rows)
    if exact:  # the signatures give the band keys
        out["set"] = [_set(signed, int(r)) for r in rows]
    if sized:
        out["size"] = _size(signed, rows)
    if _signs_rows(method):
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
    if _signs_rows(method):
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
    elif _signs_rows(method):
        columns["sig_kept"] = np.asarray(signed["signatures"])[kept - offset]
        if sized:
            columns["size_kept"] = _size(signed, kept - offset)
    else:
        columns["key_kept"] = np.asarray(signed["keys"])[kept - offset]
    return {"pieces": _split(_owner(doc, starts), count, **columns)}


def _blob(strings):
    ends = np.cumsum([len(s) for s in strings], dtype=np.uint64)
    return b"".join(strings), ends


def _decide(signed, offset, pieces, cluster_base, starts, count, method,
            exact=False, containment=False, kw=None):
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
    # The similarity to the kept record, by the C++ method (compare_rows).
    mine = (doc - offset)[removed]
    if exact:
        sets_kept = [x for p in pieces for x in p["set_kept"]]
        sets_kept = [sets_kept[i] for i in order]
        ev_a = dict(zip(("sets", "set_end"), _flat_sets(
            [_set(signed, int(r)) for r in mine])))
        ev_b = dict(zip(("sets", "set_end"), _flat_sets(
            [sets_kept[i] for i in np.flatnonzero(removed)])))
    elif _signs_rows(method):
        width = np.asarray(signed["signatures"]).shape[1]
        sig_kept = _concat(pieces, "sig_kept", np.uint32, width)[order]
        ev_a = {"signatures": np.ascontiguousarray(
            np.asarray(signed["signatures"])[mine])}
        ev_b = {"signatures": np.ascontiguousarray(sig_kept[removed])}
        if containment:
            size_kept = _concat(pieces, "size_kept", np.uint32)[order]
            ev_a["set_size"] = np.ascontiguousarray(_size(signed, mine))
            ev_b["set_size"] = np.ascontiguousarray(size_kept[removed])
    else:
        key_kept = _concat(pieces, "key_kept", np.uint64)[order]
        ev_a = {"keys": np.ascontiguousarray(
            np.asarray(signed["keys"], dtype=np.uint64)[mine])}
        ev_b = {"keys": np.ascontiguousarray(key_kept[removed])}
    similarity, contained, _ = _core.compare_rows(
        _core.resolve_dedup_options(_options(**kw)), ev_a, ev_b)
    similarity = np.asarray(similarity)
    removed_kept = [kept_ids[i] for i in np.flatnonzero(removed)]
    kept_blob, kept_end = _blob(removed_kept)
    ids, id_end = signed["ids"], np.asarray(signed["id_end"], np.uint64)
    lines = _core.removed_lines(
        ids, id_end, rows[removed], signed["display"],
        np.asarray(signed["line"], np.uint64)[rows[removed]],
        _core.parse_dedup_method(method),
        cluster[removed].astype(np.uint64), kept_blob, kept_end,
        similarity.astype(np.float64),
        np.asarray(contained) if containment else None)
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
