"""python3 -m neardup.dask: the command line of neardup.dask.dedup."""

import argparse
import sys

from neardup import _core
from neardup.dask._files import _peak_rss


def _byte_size(text):
    """Bytes from "2G", "500M", "64K" or digits (powers of 1024), as
    ``neardup dedup --max-memory`` reads them."""
    units = {"": 0, "k": 10, "m": 20, "g": 30, "t": 40}
    digits = text.rstrip("kKmMgGtT")
    suffix = text[len(digits):].lower()
    if not digits.isdigit() or suffix not in units:
        raise argparse.ArgumentTypeError(
            '"%s" is not a size (bytes, or a number with K, M, G or T: '
            '500M, 2G)' % text)
    return int(digits) << units[suffix]


def _one_of(items):
    """'a, b or c'."""
    return " or ".join(filter(None, [", ".join(items[:-1]), items[-1]]))


def _ngram_defaults(methods):
    """'5 for minhash and exact, 3 for simhash': each method's shingle size
    (C++ DefaultShingleSize), sizes in the order of the methods."""
    by_size = {}
    for t in methods:
        by_size.setdefault(t.default_shingle_size, []).append(t.name)
    return ", ".join(f"{n} for " + " and ".join(names)
                     for n, names in by_size.items())


def _flag_defaults():
    """The defaults of the dedup flags, spelled as the flags are, from the
    C++ DedupOptions (the command's defaults)."""
    o = _core.DedupOptions()
    names = {_core.KeepPolicy.FIRST: "first",
             _core.KeepPolicy.LONGEST: "longest"}
    return {
        "method": _core.dedup_method_name(o.method),
        "threshold": o.threshold, "num_perm": o.num_perm, "bands": o.bands,
        "rows": o.rows, "hamming": o.hamming, "containment": o.containment,
        "containment_asymmetry": o.containment_asymmetry,
        "digits": "zero" if o.shingles.normalize.digits_to_zero else "keep",
        "verify": ("exact" if o.verify == _core.VerifyMode.EXACT
                   else "signature"),
        "keep": names[o.keep],
        "text_field": o.reader.text_field, "id_field": o.reader.id_field,
        "max_doc_bytes": o.reader.max_document_bytes,
        "oversize": ("truncate" if o.reader.oversize ==
                     _core.Oversize.TRUNCATE else "reject"),
        "main_text": "on" if o.main_text else "off",
        "seed": o.seed}


def _parser():
    d = _flag_defaults()
    p = argparse.ArgumentParser(
        prog="python3 -m neardup.dask",
        description="neardup dedup on a Dask cluster: the same inputs, "
                    "flags and outputs as the command.",
        epilog="Example: python3 -m neardup.dask /shared/crawl/ -o "
               "/shared/deduped --scheduler tcp://node0:8786")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="JSONL, WARC/WET or text files and folders (gzip "
                        "and zstd detected; not - : every worker must open "
                        "every input under the same name)")
    p.add_argument("-o", "--output", required=True,
                   help="output folder, on a filesystem every worker "
                        "shares (not - : the outputs are several files)")
    p.add_argument("--scheduler",
                   help="scheduler address (tcp://host:8786); default: a "
                        "local cluster of --workers processes")
    p.add_argument("--workers", type=int, default=2,
                   help="local cluster worker processes (without "
                        "--scheduler; default: %(default)s)")
    p.add_argument("--threads-per-worker", type=int, default=1,
                   help="threads of each local worker (default: "
                        "%(default)s)")
    p.add_argument("--max-memory", type=_byte_size, metavar="SIZE",
                   help="memory ceiling of the local cluster (bytes, or "
                        "with K, M, G: 500M, 2G), split evenly between its "
                        "--workers as Dask's memory_limit: a worker spills "
                        "to its disk past 60%% of its share, pauses at 80%% "
                        "and is restarted at 95%%, so the job slows or "
                        "fails instead of the machine running out. With "
                        "--scheduler, give the workers --memory-limit "
                        "instead. Default: Dask's (the machine's memory)")
    p.add_argument("--partition-bytes", type=int, default=64 << 20,
                   help="uncompressed JSONL files are read in byte ranges "
                        "of about this size, other files whole (default: "
                        "%(default)s)")
    p.add_argument("--shuffle-partitions", type=int, default=0,
                   help="shards of the key and vertex shuffles (default "
                        "0: twice the worker threads)")
    methods = _core.dedup_method_traits()
    p.add_argument("--method", default=d["method"],
                   choices=tuple(t.name for t in methods),
                   help=_one_of([f"{t.name} ({t.description})"
                                 for t in methods]) +
                   "; default: %(default)s")
    p.add_argument("--threshold", type=float, default=d["threshold"],
                   help="Jaccard similarity of duplicates (minhash): "
                        "greater than 0 and less than 1 (default: "
                        "%(default)s)")
    p.add_argument("--ngram", type=int, default=0,
                   help=f"shingle size (default: {_ngram_defaults(methods)})")
    p.add_argument("--char", action="store_true",
                   help="character n-grams instead of words")
    p.add_argument("--num-perm", type=int, default=d["num_perm"],
                   help="MinHash permutations (default: %(default)s)")
    p.add_argument("--bands", type=int, default=d["bands"],
                   help="LSH bands (default: chosen from --threshold)")
    p.add_argument("--rows", type=int, default=d["rows"],
                   help="LSH rows per band (default: chosen from "
                        "--threshold)")
    p.add_argument("--hamming", type=int, default=d["hamming"],
                   help="SimHash: largest Hamming distance of duplicates, "
                        "0 to 8 (default: %(default)s)")
    p.add_argument("--containment", type=float,
                   default=d["containment"],
                   help="a pair is also a duplicate when |A & B| / min(|A|, "
                   "|B|) of its shingle sets is at least this (default "
                   "-1: 0.7 with minhash, off with other methods; 0: off; "
                   "estimated from signatures and set sizes, exact with "
                   "--verify exact; not within one site unless boilerplate "
                   "lines were left out (--main-text on), as neardup dedup)")
    p.add_argument("--containment-asymmetry", type=float,
                   default=d["containment_asymmetry"],
                   help="containment counts only for an excerpt or an "
                   "extension: of the shingles the two do not share, the "
                   "longer holds at least this many times as many as the "
                   "shorter (default: %(default)s; 1: any)")
    p.add_argument("--digits", default=d["digits"], choices=("zero", "keep"),
                   help="digits in shingles: zero (every digit becomes 0) "
                   "or keep")
    p.add_argument("--main-text", default=d["main_text"],
                   choices=("on", "off"),
                   help="on: compare documents without the lines that are "
                   "boilerplate of their site (the host of the url "
                   "field), counted in a first pass over the inputs, as "
                   "neardup dedup --main-text on; the records written stay "
                   "as read. off: compare the whole text (default: "
                   "%(default)s)")
    p.add_argument("--line-counts", metavar="FILE",
                   help="with --main-text on: use this line_counts.bin (of "
                   "a neardup clean run; every worker must read it) "
                   "instead of counting the inputs")
    p.add_argument("--verify", default=d["verify"],
                   choices=("signature", "exact"),
                   help="how candidates are confirmed: signature "
                        "(estimated Jaccard) or exact (Jaccard of the "
                        "shingle sets); default: %(default)s")
    p.add_argument("--keep", default=d["keep"],
                   help="record kept per cluster: first, longest or "
                        "field:NAME (the largest value of that numeric "
                        "field); default: %(default)s. Records, best "
                        "first, join the first kept record they are a "
                        "duplicate of (no chains)")
    p.add_argument("--text-field", default=d["text_field"],
                   help="JSONL text field (default: %(default)s)")
    p.add_argument("--id-field", default=d["id_field"],
                   help="JSONL id field; absent: FILE:LINE (default: "
                        "%(default)s)")
    p.add_argument("--max-doc-bytes", type=int,
                   default=d["max_doc_bytes"],
                   help="documents with more text bytes are rejected or "
                        "truncated, as --oversize says (default: "
                        "%(default)s)")
    p.add_argument("--oversize", default=d["oversize"],
                   choices=("reject", "truncate"),
                   help="reject: a larger document goes to rejected.jsonl; "
                        "truncate: it is signed on its first "
                        "--max-doc-bytes bytes (cut at a character "
                        "boundary), counted as truncated, and written back "
                        "whole; default: %(default)s")
    p.add_argument("--seed", type=int, default=d["seed"],
                   help="hash seed (default: %(default)s)")
    p.add_argument("--dry-run", action="store_true",
                   help="write the decisions only, no record files")
    p.add_argument("--overwrite", action="store_true",
                   help="accept an output folder that is not empty")
    p.add_argument("--quiet", action="store_true",
                   help="print only the last line")
    return p


def main(argv=None):
    """The command line: ``python3 -m neardup.dask INPUT... -o OUT
    --scheduler ADDRESS`` with the flags of ``neardup dedup``."""
    p = _parser()
    a = p.parse_args(argv)
    if a.output == "-":
        p.error("-o expects an output folder (it receives the kept records, "
                "removed.jsonl, rejected.jsonl and stats.json); '-' "
                "(standard output) is not supported")
    if a.line_counts and a.main_text != "on":
        p.error("--line-counts is read only with --main-text on")
    if a.max_memory is not None and a.scheduler:
        p.error("--max-memory sets the memory of the local cluster; with "
                "--scheduler, start the workers with --memory-limit")
    kw = dict(partition_bytes=a.partition_bytes,
              shuffle_partitions=a.shuffle_partitions, method=a.method,
              threshold=a.threshold, ngram=a.ngram, char=a.char,
              num_perm=a.num_perm, bands=a.bands, rows=a.rows,
              hamming=a.hamming, verify=a.verify, keep=a.keep,
              containment=a.containment, digits=a.digits,
              containment_asymmetry=a.containment_asymmetry,
              text_field=a.text_field, id_field=a.id_field,
              max_doc_bytes=a.max_doc_bytes, oversize=a.oversize,
              seed=a.seed, main_text=a.main_text == "on",
              dry_run=a.dry_run, overwrite=a.overwrite)
    if a.line_counts:
        kw["line_counts"] = a.line_counts
    from neardup.dask import dedup
    try:
        if a.scheduler:
            stats = dedup(a.inputs, a.output, scheduler=a.scheduler, **kw)
        else:
            from distributed import Client, LocalCluster
            limit = ("auto" if a.max_memory is None
                     else a.max_memory // max(a.workers, 1))
            with LocalCluster(n_workers=a.workers,
                              threads_per_worker=a.threads_per_worker,
                              memory_limit=limit, processes=True,
                              dashboard_address=None) as c, \
                    Client(c) as client:
                stats = dedup(a.inputs, a.output, client=client, **kw)
    except (ValueError, OSError) as e:
        print("neardup.dask: %s" % e, file=sys.stderr)
        return 1
    if not a.quiet:
        total = stats["seconds"].get("total", 0)
        print("neardup.dask: %d files, %.1f MB of text in %.2f s on %d "
              "threads, %d clusters; peak memory %.1f MB per worker, %.1f "
              "MB driver; output: %s/" % (
                  len(stats["files"]), stats["text_bytes"] / 1e6, total,
                  stats["threads"], stats["clusters"],
                  stats["peak_rss_bytes"] / 1e6, _peak_rss() / 1e6,
                  a.output))
    print("read %d = kept %d + removed %d + rejected %d%s%s" % (
        stats["read"], stats["kept"], stats["removed"], stats["rejected"],
        " (%d truncated)" % stats["truncated"] if stats["truncated"] else "",
        " (dry run: nothing written)" if a.dry_run else ""))
    return 0
