"""The options of the dedup and clean jobs from the flags of ``neardup dedup``
and ``neardup clean`` (names with underscores).

A flag that is not given leaves the C++ default: every default comes from
the C++ option structs (``DedupOptions()``, ``CleanOptions()`` and the
structs they hold), none is written again here. An unknown name is a
TypeError, as for any Python function."""

import os

from neardup import _core

# The flags of `neardup dedup` that the dedup options take.
DEDUP_FLAGS = (
    "method", "threshold", "ngram", "char", "num_perm", "bands", "rows",
    "hamming", "keep", "verify", "text_field", "id_field", "max_doc_bytes",
    "oversize", "seed", "dry_run", "overwrite", "max_bucket_pairs_size",
    "threads", "max_memory", "min_words", "output_format", "containment",
    "containment_asymmetry", "digits", "main_text", "line_counts", "report")

# The flags of `neardup clean`.
CLEAN_FLAGS = (
    "repeats", "min_repeat_line_bytes", "near_similarity",
    "block_similarity", "boilerplate", "boilerplate_min_docs",
    "boilerplate_max_line_bytes", "line_counts", "syndicated",
    "syndicated_threshold", "syndicated_min_words", "bloom_bytes",
    "gopher_filter", "signals_only", "annotate", "text_field", "id_field",
    "url_field", "max_doc_bytes", "oversize", "threads", "output_format",
    "overwrite", "report")


def _check_names(flags, known, what):
    unknown = sorted(set(flags) - set(known))
    if unknown:
        raise TypeError("%s got unexpected options: %s (options: %s)"
                        % (what, ", ".join(unknown), ", ".join(known)))


def _options(**flags):
    """Returns DedupOptions from the flags of ``neardup dedup``."""
    _check_names(flags, DEDUP_FLAGS, "dedup")
    o = _core.DedupOptions()
    if "method" in flags:
        o.method = _core.parse_dedup_method(flags["method"])
    if "keep" in flags:
        o.keep, o.keep_field = _core.parse_keep_policy(flags["keep"])
    if "verify" in flags:
        o.verify = _verify_mode(flags["verify"])
    if "max_memory" in flags and flags["max_memory"] is not None:
        o.max_memory_bytes = _byte_size(flags["max_memory"])
    if "output_format" in flags:
        o.output_format = _output_format(flags["output_format"])
    if "line_counts" in flags:
        o.line_counts_file = os.fspath(flags["line_counts"])
    if "main_text" in flags:
        o.main_text = bool(flags["main_text"])
    for name in ("threshold", "num_perm", "bands", "rows", "hamming", "seed",
                 "dry_run", "overwrite", "threads", "min_words",
                 "containment", "containment_asymmetry", "report"):
        if name in flags:
            setattr(o, name, flags[name])
    o.shingles = _shingles(o.method, flags)
    o.reader = _reader(o.reader, flags)
    if "max_bucket_pairs_size" in flags:
        candidates = o.candidates
        candidates.max_bucket_pairs_size = flags["max_bucket_pairs_size"]
        o.candidates = candidates
    return o


def _shingles(method, flags):
    """ShingleOptions from --ngram (0 or absent: the method's size, as the
    command chooses it), --char and --digits."""
    shingles = _core.ShingleOptions()
    if flags.get("char"):
        shingles.kind = _core.ShingleKind.CHAR
    ngram = flags.get("ngram", 0)
    shingles.n = ngram if ngram > 0 else _core.default_shingle_size(method)
    if "digits" in flags:
        if flags["digits"] not in ("zero", "keep"):
            raise ValueError("digits must be zero or keep")
        normalize = shingles.normalize
        normalize.digits_to_zero = flags["digits"] == "zero"
        shingles.normalize = normalize
    return shingles


def _clean_options(**flags):
    """Returns CleanOptions from the flags of ``neardup clean``."""
    _check_names(flags, CLEAN_FLAGS, "clean")
    o = _core.CleanOptions()
    for name in ("repeats", "boilerplate", "syndicated", "gopher_filter",
                 "signals_only", "annotate", "threads", "overwrite",
                 "report"):
        if name in flags:
            setattr(o, name, flags[name])
    _set_fields(o, "repeat_options", flags, {
        "min_repeat_line_bytes": "min_single_line_bytes",
        "near_similarity": "near_similarity",
        "block_similarity": "block_similarity"})
    _set_fields(o, "boilerplate_options", flags, {
        "boilerplate_min_docs": "min_docs",
        "boilerplate_max_line_bytes": "max_line_bytes"})
    _set_fields(o, "syndication", flags, {
        "syndicated_threshold": "threshold",
        "syndicated_min_words": "min_words",
        "bloom_bytes": "bloom_bytes"})
    if "line_counts" in flags:
        o.line_counts_file = os.fspath(flags["line_counts"])
    if "output_format" in flags:
        o.output_format = _output_format(flags["output_format"])
    o.reader = _reader(o.reader, flags)
    return o


def _set_fields(options, member, flags, names):
    """Sets the fields of options.<member> (a struct, changed as a copy)
    that `names` maps from the given flags."""
    value = getattr(options, member)
    for flag, field in names.items():
        if flag in flags:
            setattr(value, field, flags[flag])
    setattr(options, member, value)


def _reader(reader, flags):
    """`reader` (ReaderOptions) with the reading flags that are given."""
    for flag, field in (("text_field", "text_field"), ("id_field", "id_field"),
                        ("url_field", "url_field"),
                        ("max_doc_bytes", "max_document_bytes")):
        if flag in flags:
            setattr(reader, field, flags[flag])
    if "oversize" in flags:
        reader.oversize = _one_of(flags["oversize"], "oversize",
                                  {"reject": _core.Oversize.REJECT,
                                   "truncate": _core.Oversize.TRUNCATE})
    return reader


def _one_of(name, flag, choices):
    """choices[name], or ValueError naming the flag and its choices."""
    if name not in choices:
        raise ValueError(f"{flag} must be {' or '.join(choices)}")
    return choices[name]


def _verify_mode(name):
    return _one_of(name, "verify", {"signature": _core.VerifyMode.SIGNATURE,
                                    "exact": _core.VerifyMode.EXACT})


def _output_format(name):
    return _one_of(name, "output_format",
                   {"as-input": _core.OutputFormat.AS_INPUT,
                    "jsonl": _core.OutputFormat.TEXT_JSONL})


def _byte_size(value):
    """Bytes from an int or a size such as "500M" or "2G" (powers of 1024)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    units = {"K": 10, "M": 20, "G": 30, "T": 40}
    if isinstance(value, str) and value[:-1].isdigit() and \
            value[-1:].upper() in units:
        return int(value[:-1]) << units[value[-1].upper()]
    if isinstance(value, str) and value.isdigit():
        return int(value)
    raise ValueError("max_memory must be a number of bytes or a size such as "
                     "500M or 2G, not %r" % (value,))


def _plan(paths):
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    return _core.plan_inputs([os.fspath(p) for p in paths])
