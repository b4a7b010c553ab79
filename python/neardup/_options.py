"""The options of the dedup job from the flags of ``neardup dedup``."""

import os

from neardup import _core


def _options(method="minhash", threshold=0.8, ngram=0, char=False,
             num_perm=112, bands=0, rows=0, hamming=3, keep="first",
             verify="signature", text_field="text", id_field="id",
             max_doc_bytes=256 << 20, oversize="reject", seed=0,
             dry_run=False, overwrite=False, max_bucket_pairs_size=64,
             threads=0, max_memory=None, min_words=0,
             output_format="as-input", containment=-1.0, digits="zero",
             main_text=False, line_counts="", containment_asymmetry=4.0):
    """Returns DedupOptions from the flags of ``neardup dedup``."""
    o = _core.DedupOptions()
    o.threads = threads
    if max_memory is not None:
        o.max_memory_bytes = _byte_size(max_memory)
    o.min_words = min_words
    o.output_format = _output_format(output_format)
    o.method = _core.parse_dedup_method(method)
    policy, field = _core.parse_keep_policy(keep)
    o.keep = policy
    o.keep_field = field
    if verify not in ("signature", "exact"):
        raise ValueError("verify must be signature or exact")
    o.verify = (_core.VerifyMode.EXACT if verify == "exact"
                else _core.VerifyMode.SIGNATURE)
    o.threshold = threshold
    o.containment = containment
    if not containment_asymmetry >= 1 or containment_asymmetry == float("inf"):
        raise ValueError("containment_asymmetry must be at least 1, not %r"
                         % (containment_asymmetry,))
    o.containment_asymmetry = containment_asymmetry
    o.main_text = bool(main_text)
    o.line_counts_file = os.fspath(line_counts)
    shingles = _core.ShingleOptions()
    if digits not in ("zero", "keep"):
        raise ValueError("digits must be zero or keep")
    normalize = _core.NormalizeOptions()
    normalize.digits_to_zero = digits == "zero"
    shingles.normalize = normalize
    shingles.kind = _core.ShingleKind.CHAR if char else _core.ShingleKind.WORD
    shingles.n = ngram if ngram > 0 else (3 if method == "simhash" else 5)
    o.shingles = shingles
    o.num_perm = num_perm
    o.bands = bands
    o.rows = rows
    o.hamming = hamming
    o.reader = _reader(text_field, id_field, max_doc_bytes, oversize)
    o.seed = seed
    o.dry_run = dry_run
    o.overwrite = overwrite
    candidates = _core.CandidateOptions()
    candidates.max_bucket_pairs_size = max_bucket_pairs_size
    o.candidates = candidates
    return o


def _clean_options(repeats=True, min_repeat_line_bytes=30,
                   near_similarity=0.8, boilerplate=True,
                   boilerplate_min_docs=3, boilerplate_max_line_bytes=200,
                   line_counts="", syndicated=False, syndicated_threshold=0.8,
                   syndicated_min_words=20, bloom_bytes=256 << 20,
                   gopher_filter=False, signals_only=False, annotate=False,
                   text_field="text", id_field="id", url_field="url",
                   max_doc_bytes=256 << 20, oversize="reject", threads=0,
                   output_format="as-input", overwrite=False):
    """Returns CleanOptions from the flags of ``neardup clean``."""
    o = _core.CleanOptions()
    o.repeats = repeats
    r = _core.RepeatOptions()
    r.min_single_line_bytes = min_repeat_line_bytes
    r.near_similarity = near_similarity
    o.repeat_options = r
    o.boilerplate = boilerplate
    b = _core.BoilerplateOptions()
    b.min_docs = boilerplate_min_docs
    b.max_line_bytes = boilerplate_max_line_bytes
    o.boilerplate_options = b
    o.line_counts_file = os.fspath(line_counts)
    o.syndicated = syndicated
    syn = _core.SyndicationOptions()
    syn.threshold = syndicated_threshold
    syn.min_words = syndicated_min_words
    syn.bloom_bytes = bloom_bytes
    o.syndication = syn
    o.gopher_filter = gopher_filter
    o.signals_only = signals_only
    o.annotate = annotate
    o.reader = _reader(text_field, id_field, max_doc_bytes, oversize)
    o.reader.url_field = url_field
    o.threads = threads
    o.output_format = _output_format(output_format)
    o.overwrite = overwrite
    return o


def _reader(text_field, id_field, max_doc_bytes, oversize):
    reader = _core.ReaderOptions()
    reader.text_field = text_field
    reader.id_field = id_field
    reader.max_document_bytes = max_doc_bytes
    oversizes = {"reject": _core.Oversize.REJECT,
                 "truncate": _core.Oversize.TRUNCATE}
    if oversize not in oversizes:
        raise ValueError("oversize must be reject or truncate")
    reader.oversize = oversizes[oversize]
    return reader


def _output_format(name):
    formats = {"as-input": _core.OutputFormat.AS_INPUT,
               "jsonl": _core.OutputFormat.TEXT_JSONL}
    if name not in formats:
        raise ValueError("output_format must be as-input or jsonl")
    return formats[name]


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
