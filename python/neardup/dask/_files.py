"""The file stages of neardup.dask: partitions of the inputs, each read
and signed in C++ (SignDedupPartition), and each input's kept records
written (WriteKeptDocuments). They run on the workers; their arguments and
results are plain Python and NumPy values so that Dask can move them."""

import math
import os
import resource

import numpy as np

from neardup import _core
from neardup._options import _options

_WHOLE_FILE = _core.WHOLE_FILE


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


def _write_file(path, output_path, options, keeps):
    resolved = _core.resolve_dedup_options(_options(**options))
    keep = (np.concatenate(keeps) if keeps
            else np.zeros(0, dtype=np.uint8))
    return _core.write_kept_documents(path, path, output_path,
                                      resolved.reader, keep)


def _peak_rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
