"""The options of the dedup job from the flags of ``neardup dedup``."""

import os

from neardup import _core


def _options(method="minhash", threshold=0.8, ngram=0, char=False,
             num_perm=112, bands=0, rows=0, hamming=3, keep="first",
             verify="signature", text_field="text", id_field="id",
             max_doc_bytes=256 << 20, oversize="reject", seed=0,
             dry_run=False, overwrite=False, max_bucket_pairs_size=64,
             containment=0.0, digits="zero", main_text=False,
             line_counts=""):
    """Returns DedupOptions from the flags of ``neardup dedup``."""
    o = _core.DedupOptions()
    methods = {"minhash": _core.DedupMethod.MINHASH,
               "simhash": _core.DedupMethod.SIMHASH,
               "exact": _core.DedupMethod.EXACT}
    if method not in methods:
        raise ValueError("method must be minhash, simhash or exact")
    o.method = methods[method]
    policy, field = _core.parse_keep_policy(keep)
    o.keep = policy
    o.keep_field = field
    if verify not in ("signature", "exact"):
        raise ValueError("verify must be signature or exact")
    o.verify = (_core.VerifyMode.EXACT if verify == "exact"
                else _core.VerifyMode.SIGNATURE)
    o.threshold = threshold
    o.containment = containment
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
    reader = _core.ReaderOptions()
    reader.text_field = text_field
    reader.id_field = id_field
    reader.max_document_bytes = max_doc_bytes
    oversizes = {"reject": _core.Oversize.REJECT,
                 "truncate": _core.Oversize.TRUNCATE}
    if oversize not in oversizes:
        raise ValueError("oversize must be reject or truncate")
    reader.oversize = oversizes[oversize]
    o.reader = reader
    o.seed = seed
    o.dry_run = dry_run
    o.overwrite = overwrite
    candidates = _core.CandidateOptions()
    candidates.max_bucket_pairs_size = max_bucket_pairs_size
    o.candidates = candidates
    return o


def _plan(paths):
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    return _core.plan_inputs([os.fspath(p) for p in paths])
