"""neardup: near-duplicate documents and repeated text in web crawls.

The C++ core as Python objects, with the names and options of the C++ API
(``Normalizer``, ``Shingler``, ``MinHasher``, ``simhash``, LSH functions,
``DisjointSets``, ``RepeatFinder``, the Gopher signals) and the dedup job
(``run_dedup``). Batch functions take a list of ``str`` or ``bytes`` and
release the GIL while they work. Arrays come back as NumPy arrays when NumPy
is installed, else as memoryviews of the same shape.

``neardup.dask`` runs the dedup job on a Dask cluster, with the same output
as ``neardup dedup``.

Example::

    import neardup
    hasher = neardup.MinHasher(num_perm=112)
    sigs = hasher.sign_texts(["a text", "another text"])  # (2, 112) uint32
    neardup.estimate_jaccard(sigs[0], sigs[1])
"""

from neardup._core import *  # noqa: F401,F403
from neardup._core import __version__  # noqa: F401


def dedup(paths, output, *, progress=None, **options):
    """Runs ``neardup dedup`` in this process: see ``neardup.dask.dedup`` for
    the options (the same names, without the Dask ones), plus ``threads``
    (0: every core), ``max_memory`` (bytes, or "2G"), ``min_words`` and
    ``output_format`` ("as-input" or "jsonl"), as the command's flags.
    ``paths`` and ``output`` may be ``str`` or ``pathlib`` paths.
    ``progress(stage, records, bytes, total_bytes, total_records)`` is
    called as the job goes; returning False stops it (nothing written).
    Returns the parsed stats.json."""
    import json
    import os
    from neardup._options import _options, _plan
    opts = _options(**options)
    inputs = _plan(paths)
    stats = run_dedup(inputs, os.fspath(output), opts, progress)  # noqa: F405
    return json.loads(stats_to_json(stats, opts))  # noqa: F405
