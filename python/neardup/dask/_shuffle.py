"""The data movement of neardup.dask: document numbers to the partitions
that hold them, rows split into pieces by destination and joined again,
and one piece of every task's result to every task of the next step."""

import numpy as np

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


def _piece(result, j):
    return result["pieces"][j]


def _field(result, name):
    return result[name]


def _exchange(client, results, count, getter=_piece):
    """Piece j of every result, for j in range(count): futures. One
    client.map call: submitting count^2 tasks one by one costs more than the
    tasks."""
    flat = client.map(getter, [r for _ in range(count) for r in results],
                      [j for j in range(count) for _ in results])
    m = len(results)
    return [flat[j * m:(j + 1) * m] for j in range(count)]
