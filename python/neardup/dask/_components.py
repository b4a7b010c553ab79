"""The connected-components step of neardup.dask: the verified edges
joined into clusters by the alternating large-star / small-star algorithm
(Kiveris et al., 2014, "Connected Components in MapReduce and Beyond"),
each step a shuffle of edges by vertex, repeated until neither step
changes an edge (O(log^2 n) rounds). Each cluster ends as a star around its
smallest member, the single-machine job's cluster representative."""

import numpy as np

from neardup.dask._shuffle import _concat, _exchange, _field, _owner, \
    _pack, _split, _unpack


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


def connected_components(client, edges, width):
    """Runs large-star / small-star rounds over `edges` (futures of
    _edges_out results, `width` pieces each) until no step changes an
    edge. Returns the futures of the last small-star step (their "stars"
    are (member, smallest member) pairs) and the number of rounds."""
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
            return current, rounds
