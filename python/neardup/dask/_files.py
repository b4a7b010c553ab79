"""The file stages of neardup.dask: partitions of the inputs, each read
and signed in C++ (SignDedupPartition, with main_text on the line counts
of the count step), and each input's kept records
written (WriteKeptDocuments). They run on the workers; their arguments and
results are plain Python and NumPy values so that Dask can move them."""

import resource

import numpy as np

from neardup import _core
from neardup._options import _options


def _partitions(inputs, reader, partition_bytes):
    """(file index, path, display, begin, end) per partition, input order:
    the C++ plan (plan_dedup_partitions), as plain values Dask can move."""
    return [(p.file, p.path, p.display, p.begin, p.end)
            for p in _core.plan_dedup_partitions(inputs, reader,
                                                 partition_bytes)]


def _sign(part, options, line_counts=b""):
    _, path, display, begin, end = part
    resolved = _core.resolve_dedup_options(_options(**options))
    signed = _core.sign_dedup_partition(
        _core.DedupPartition(path, display, begin, end), resolved,
        line_counts)
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
