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

from neardup import _core
from neardup._core import *  # noqa: F401,F403
from neardup._core import __version__  # noqa: F401


def _fields(obj):
    """The readable and writable fields of an option struct, by name."""
    cls = type(obj)
    return [name for name in sorted(dir(cls))
            if not name.startswith("_")
            and isinstance(getattr(cls, name, None), property)
            and getattr(cls, name).fset is not None]


def _same(a, b):
    if hasattr(a, "tolist"):  # arrays (and array views) compare as lists
        a, b = a.tolist(), b.tolist()
    return a == b


def _rebuild(cls, state):
    obj = cls()
    for name, value in state.items():
        setattr(obj, name, value)
    return obj


def _add_python_manners(cls):
    """Gives an option struct keyword construction (every field, by name;
    an unknown name is a TypeError), a repr that shows its fields, equality
    by fields, and pickling (by its fields)."""
    base_init = cls.__init__

    def __init__(self, *args, **kwargs):
        base_init(self, *args)
        fields = _fields(self)
        for name, value in kwargs.items():
            if name not in fields:
                raise TypeError("%s has no field %r (fields: %s)"
                                % (cls.__name__, name, ", ".join(fields)))
            setattr(self, name, value)

    def __repr__(self):
        return "%s(%s)" % (cls.__name__, ", ".join(
            "%s=%r" % (name, getattr(self, name)) for name in _fields(self)))

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return all(_same(getattr(self, n), getattr(other, n))
                   for n in _fields(self))

    def __reduce__(self):
        state = {}
        for n in _fields(self):
            value = getattr(self, n)
            state[n] = list(value.tolist()) if hasattr(value, "tolist") \
                else value
        return (_rebuild, (cls, state))

    __init__.__doc__ = base_init.__doc__
    cls.__init__ = __init__
    cls.__repr__ = __repr__
    cls.__eq__ = __eq__
    cls.__hash__ = None
    cls.__reduce__ = __reduce__


def _add_repr(cls):
    """A repr that shows the readable fields of a class (its options, its
    counts), for the classes that are not option structs."""
    names = [n for n, v in sorted(vars(cls).items())
             if isinstance(v, property) and not n.startswith("_")]

    def __repr__(self):
        if not names:
            return "<neardup.%s>" % cls.__name__
        return "%s(%s)" % (cls.__name__, ", ".join(
            "%s=%r" % (n, getattr(self, n)) for n in names))
    cls.__repr__ = __repr__


for _name in ("CandidateStats", "CleanStats", "DedupPartition", "DedupStats",
              "FileCounts", "MinHasher", "Normalizer", "RepetitionSignals",
              "Shingler"):
    _add_repr(getattr(_core, _name))  # noqa: F405


for _name in ("BoilerplateOptions", "CandidateOptions", "CleanOptions",
              "DedupOptions", "GopherThresholds", "SyndicationOptions",
              "LshParams", "MinHashOptions", "NormalizeOptions",
              "ReaderOptions", "RepeatOptions", "ShingleOptions"):
    _add_python_manners(getattr(_core, _name))  # noqa: F405
del _name


def dedup(paths, output, *, progress=None, index=None, index_readonly=False,
          **options):
    """Runs ``neardup dedup`` in this process: see ``neardup.dask.dedup`` for
    the options (the same names, without the Dask ones), plus ``threads``
    (0: every core), ``max_memory`` (bytes, or "2G"), ``min_words``,
    ``output_format`` ("as-input" or "jsonl"), ``main_text``,
    ``line_counts`` and ``report`` (report.html, off unless asked), as the
    command's flags, with the defaults of the C++ DedupOptions.
    ``paths`` and ``output`` may be ``str`` or ``pathlib`` paths.
    ``progress(stage, records, bytes, total_bytes, total_records)`` is
    called as the job goes; returning False stops it (nothing written).
    ``index``: an index folder, as ``--index`` (``index_readonly``: as
    ``--index-readonly``). Returns the parsed stats.json."""
    import json
    import os
    from neardup._options import _options, _plan
    opts = _options(**options)
    inputs = _plan(paths)
    if index is not None:
        stats = run_dedup_with_index(  # noqa: F405
            inputs, os.fspath(output), opts, os.fspath(index), index_readonly,
            progress)
    elif index_readonly:
        raise ValueError("index_readonly needs index")
    else:
        stats = run_dedup(inputs, os.fspath(output), opts, progress)  # noqa: F405
    return json.loads(stats_to_json(stats, opts))  # noqa: F405


def clean(paths, output, *, progress=None, **options):
    """Runs ``neardup clean`` in this process and returns the parsed
    stats.json; releases the GIL while it works. Options are the command's
    flags with underscores (``repeats``, ``min_repeat_line_bytes``,
    ``near_similarity``, ``block_similarity``, ``boilerplate``,
    ``boilerplate_min_docs``, ``boilerplate_max_line_bytes``,
    ``line_counts``, ``syndicated``, ``syndicated_threshold``,
    ``syndicated_min_words``, ``bloom_bytes``, ``gopher_filter``,
    ``signals_only``, ``annotate``, ``text_field``, ``id_field``,
    ``url_field``, ``max_doc_bytes``, ``oversize``, ``threads``,
    ``output_format``, ``overwrite``, ``report``; ``repeats=False`` is
    ``--no-repeats``), with the defaults of the C++ CleanOptions (those of
    the command, except ``report``: off unless asked; the command writes
    report.html unless ``--no-report``). The outputs are byte for byte the
    command's. ``progress`` as for ``dedup``; an unknown option is a
    TypeError."""
    import json
    import os
    from neardup._options import _clean_options, _plan
    opts = _clean_options(**options)
    inputs = _plan(paths)
    run_clean(inputs, os.fspath(output), opts, progress)  # noqa: F405
    with open(os.path.join(os.fspath(output), "stats.json"),
              encoding="utf-8") as f:
        return json.loads(f.read())


def find_duplicates(texts, *, numbers=None, **options):
    """Finds the near-duplicates among ``texts`` (a list of ``str`` or
    ``bytes``) in memory, deciding as ``neardup dedup`` does for the same
    texts in the same order. Options are dedup's flags (``threshold``,
    ``method``, ``verify``, ``keep``, ``num_perm``, ``seed``, ``threads``,
    ...; ``numbers``: one value per text for ``keep="field:NAME"``).
    Returns a dict: ``kept`` (kept[i] is the text i duplicates, i when
    kept), ``cluster``, ``similarity`` (of i to kept[i]), ``pairs`` (the
    verified duplicate pairs, (n, 2)), ``pair_similarity`` and ``removed``;
    with ``containment`` on (the default with minhash: 0.7, and
    ``containment_asymmetry`` 5), also ``containment`` (of i to kept[i]).

    Example::

        d = neardup.find_duplicates(texts, threshold=0.8)
        unique = [t for i, t in enumerate(texts) if d["kept"][i] == i]
    """
    from neardup._options import _options
    return _core.find_duplicates(texts, _options(**options), numbers)
