"""Type stubs of neardup._core (python/src/*_bindings.cc; checked against
the built module by python/tests/test_stubs.py).

Arrays are NumPy arrays when NumPy is installed, memoryviews otherwise
(``Array``); arguments typed ``Buffer`` take any C-contiguous buffer of the
right item size. Texts are ``str`` (UTF-8) or ``bytes`` (any bytes; invalid
UTF-8 is repaired as in C++).
"""

import enum
from typing import Any, Callable, Iterable, Optional, Sequence, Union, \
    overload

Text = Union[str, bytes]
Buffer = Any  # numpy.ndarray, memoryview, array.array, ...
Array = Any   # numpy.ndarray, or memoryview without NumPy

__version__: str
SKETCH_FORMAT_VERSION: int
WHOLE_FILE: int

# ---- text

class NormalizeOptions:
    nfkc: bool
    case_fold: bool
    strip_accents: bool
    punctuation_to_space: bool
    digits_to_zero: bool
    collapse_whitespace: bool
    def __init__(self, nfkc: bool = True, case_fold: bool = True,
                 strip_accents: bool = False,
                 punctuation_to_space: bool = True,
                 digits_to_zero: bool = True,
                 collapse_whitespace: bool = True) -> None: ...

class Normalizer:
    def __init__(self, options: NormalizeOptions = ...) -> None: ...
    def normalize(self, text: Text) -> str: ...
    @property
    def options(self) -> NormalizeOptions: ...

def normalize(text: Text, options: NormalizeOptions = ...) -> str: ...
def normalize_batch(texts: Iterable[Text], options: NormalizeOptions = ...,
                    threads: int = 1) -> list[str]: ...
def is_valid_utf8(data: bytes) -> bool: ...

# ---- shingle

class ShingleKind(enum.Enum):
    WORD = ...
    CHAR = ...

class ShingleOptions:
    kind: ShingleKind
    n: int
    seed: int
    normalize: NormalizeOptions
    def __init__(self, kind: ShingleKind = ..., n: int = 5, seed: int = 0,
                 normalize: NormalizeOptions = ...) -> None: ...

class Shingler:
    def __init__(self, options: ShingleOptions = ...) -> None: ...
    def hash(self, text: Text) -> Array: ...  # uint64, at least one
    @property
    def options(self) -> ShingleOptions: ...

# ---- MinHash, SimHash

class MinHashOptions:
    num_perm: int
    seed: int
    def __init__(self, num_perm: int = 112, seed: int = 0) -> None: ...

class MinHasher:
    @overload
    def __init__(self, options: MinHashOptions = ...) -> None: ...
    @overload
    def __init__(self, num_perm: int, seed: int = 0) -> None: ...
    def sign(self, shingles: Buffer) -> Array: ...  # (num_perm,) uint32
    def sign_texts(self, texts: Iterable[Text],
                   shingles: ShingleOptions = ...,
                   threads: int = 1) -> Array: ...  # (n, num_perm) uint32
    @property
    def num_perm(self) -> int: ...
    @property
    def options(self) -> MinHashOptions: ...
    @property
    def kernel(self) -> str: ...

def estimate_jaccard(a: Buffer, b: Buffer) -> float: ...
def estimate_jaccard_rows(a: Buffer, b: Buffer) -> Array: ...  # float64
def estimate_containment_rows(jaccard: Buffer, size_a: Buffer,
                              size_b: Buffer) -> Array: ...  # float64
def counts_by_containment_rows(options: DedupOptions, containment: Buffer,
                               size_a: Buffer, size_b: Buffer,
                               site_a: Buffer,
                               site_b: Buffer) -> Array: ...  # uint8
def exact_jaccard(a: Buffer, b: Buffer) -> float: ...
def exact_jaccard_rows(a: Buffer, a_end: Buffer, b: Buffer,
                       b_end: Buffer) -> Array: ...  # float64
def exact_containment(a: Buffer, b: Buffer) -> float: ...
def exact_containment_rows(a: Buffer, a_end: Buffer, b: Buffer,
                           b_end: Buffer) -> Array: ...  # float64
def simhash(features: Buffer) -> int: ...
def simhash_batch(texts: Iterable[Text], shingles: ShingleOptions = ...,
                  threads: int = 1) -> Array: ...  # uint64
def hamming_distance(a: int, b: int) -> int: ...

# ---- LSH

class LshParams:
    bands: int
    rows: int
    def __init__(self, bands: int = 14, rows: int = 8) -> None: ...

class CandidateOptions:
    max_bucket_pairs_size: int
    def __init__(self, max_bucket_pairs_size: int = 64) -> None: ...

class CandidateStats:
    buckets: int
    pairs: int
    oversized_buckets: int
    largest_bucket: int

def candidate_probability(s: float, params: LshParams) -> float: ...
def optimal_lsh_params(threshold: float, num_perm: int,
                       fp_weight: float = 0.05,
                       fn_weight: float = 0.95) -> LshParams: ...
def band_key(signature: Buffer, band: int, rows: int) -> int: ...
def band_keys(signatures: Buffer, bands: int, rows: int) -> Array: ...
def candidates_from_keys(
        keys: Buffer,
        options: CandidateOptions = ...) -> tuple[Array, CandidateStats]: ...
def candidates_from_sorted_keys(
        keys: Buffer, docs: Buffer,
        options: CandidateOptions = ...) -> tuple[Array, CandidateStats]: ...
def simhash_near_pairs(
        fingerprints: Buffer, max_distance: int = 3,
        options: CandidateOptions = ...) -> tuple[Array, CandidateStats]: ...

def simhash_table_masks(max_distance: int) -> list[int]: ...
def simhash_pairs_from_sorted_keys(
        keys: Buffer, fingerprints: Buffer, docs: Buffer, max_distance: int,
        options: CandidateOptions = ...) -> tuple[Array, CandidateStats]: ...
def hamming_distance_rows(a: Buffer, b: Buffer) -> Array: ...

# ---- cluster

class KeepPolicy(enum.Enum):
    FIRST = ...
    LONGEST = ...
    FIELD = ...

class DisjointSets:
    def __init__(self, n: int) -> None: ...
    def find(self, x: int) -> int: ...
    def union(self, a: int, b: int) -> bool: ...
    def __len__(self) -> int: ...

def keeps_over(policy: KeepPolicy, length: int, number: float,
               best_length: int, best_number: float) -> bool: ...
def choose_kept(cluster: Buffer, doc: Buffer, lengths: Buffer,
                numbers: Buffer, policy: KeepPolicy) -> Array: ...
def parse_keep_policy(text: str) -> tuple[KeepPolicy, str]: ...
def judge_components(component: Buffer, doc: Buffer, lengths: Buffer,
                     numbers: Buffer, options: DedupOptions,
                     signatures: Optional[Buffer] = None,
                     keys: Optional[Buffer] = None,
                     sets: Optional[Buffer] = None,
                     set_end: Optional[Buffer] = None,
                     set_size: Optional[Buffer] = None,
                     site: Optional[Buffer] = None) -> Array: ...  # uint64

# ---- clean

class CutReason(enum.Enum):
    REPEATED_BLOCK = ...
    REPEATED_LINE = ...
    BOILERPLATE = ...
    SYNDICATED = ...

class Cut:
    """begin and end are UTF-8 byte offsets, also for a str text."""
    begin: int
    end: int
    reason: CutReason
    source_begin: int | None
    similarity: float
    def __init__(self, begin: int, end: int,
                 reason: CutReason = ..., source_begin: int | None = None,
                 similarity: float = 1.0) -> None: ...
    def text(self, text: Text) -> Text: ...
    def char_span(self, text: str) -> tuple[int, int]: ...

def char_offsets(text: str, offsets: Sequence[int]) -> list[int]: ...

class RepeatOptions:
    normalize: NormalizeOptions
    min_single_line_bytes: int
    near_similarity: float
    repeats_inside_lines: bool
    block_similarity: float
    def __init__(self, min_single_line_bytes: int = 30,
                 near_similarity: float = 0.8,
                 repeats_inside_lines: bool = True,
                 normalize: NormalizeOptions = ...,
                 block_similarity: float = 0.5) -> None: ...

class RepeatFinder:
    def __init__(self, options: RepeatOptions = ...) -> None: ...
    def find(self, text: Text) -> list[Cut]: ...

def apply_cuts(text: Text, cuts: Sequence[Cut]) -> Text: ...

class RepetitionSignals:
    dup_line_fraction: float
    dup_paragraph_fraction: float
    dup_line_char_fraction: float
    dup_paragraph_char_fraction: float
    top_ngram_char_fraction: tuple[float, ...]  # n = 2, 3, 4 (read-only)
    dup_ngram_char_fraction: tuple[float, ...]  # n = 5 .. 10 (read-only)
    lines: int
    paragraphs: int
    words: int

class GopherThresholds:
    dup_line_fraction: float
    dup_paragraph_fraction: float
    dup_line_char_fraction: float
    dup_paragraph_char_fraction: float
    # Writable views: t.top_ngram_char_fraction[0] = 0.9 changes t; so does
    # assigning a whole sequence of 3 (or 6) numbers.
    top_ngram_char_fraction: Array  # float64, 3 values (n = 2, 3, 4)
    dup_ngram_char_fraction: Array  # float64, 6 values (n = 5 .. 10)

def compute_repetition_signals(text: Text) -> RepetitionSignals: ...
def compute_repetition_signals_batch(
        texts: Iterable[Text], threads: int = 1) -> list[RepetitionSignals]: ...
def exceeded_gopher_signal(signals: RepetitionSignals,
                           thresholds: GopherThresholds = ...) -> str: ...

# ---- pipeline

class DedupMethod(enum.Enum):
    MINHASH = ...
    SIMHASH = ...
    EXACT = ...

class VerifyMode(enum.Enum):
    SIGNATURE = ...
    EXACT = ...

class Oversize(enum.Enum):
    REJECT = ...
    TRUNCATE = ...

class OutputFormat(enum.Enum):
    AS_INPUT = ...
    TEXT_JSONL = ...

class ReaderOptions:
    text_field: str
    id_field: str
    url_field: str
    number_field: str
    max_document_bytes: int
    oversize: Oversize

class DedupOptions:
    method: DedupMethod
    threshold: float
    shingles: ShingleOptions
    num_perm: int
    seed: int
    bands: int
    rows: int
    hamming: int
    verify: VerifyMode
    containment: float  # negative: the default (0.7 with minhash)
    containment_asymmetry: float
    main_text: bool
    line_counts_file: str
    main_text_min_docs: int
    keep: KeepPolicy
    keep_field: str
    reader: ReaderOptions
    threads: int
    dry_run: bool
    overwrite: bool
    report: bool
    max_memory_bytes: int
    min_words: int
    output_format: OutputFormat
    candidates: CandidateOptions

class InputFile:
    path: str
    output_name: str
    def __init__(self, path: str, output_name: str) -> None: ...

def plan_inputs(paths: Sequence[str]) -> list[InputFile]: ...

class FileCounts:
    path: str
    output: str
    format: str
    compression: str
    read: int
    kept: int
    removed: int
    rejected: int
    passed_through: int
    truncated: int

class DedupStats:
    read: int
    kept: int
    removed: int
    rejected: int
    passed_through: int
    truncated: int
    text_bytes: int
    repaired_utf8: int
    clusters: int
    candidate_pairs: int
    outputs: list[str]
    verified_pairs: int
    joined_pairs: int
    lsh: LshParams
    candidates: CandidateStats
    files: list[FileCounts]
    stage_seconds: list[tuple[str, float]]
    peak_rss_bytes: int
    spilled_bytes: int
    threads: int

class BoilerplateOptions:
    def __init__(self, **fields: Any) -> None: ...
    min_docs: int
    max_line_bytes: int

class SyndicationOptions:
    def __init__(self, **fields: Any) -> None: ...
    threshold: float
    min_words: int
    bloom_bytes: int

class CleanOptions:
    def __init__(self, **fields: Any) -> None: ...
    repeats: bool
    repeat_options: RepeatOptions
    boilerplate: bool
    boilerplate_options: BoilerplateOptions
    syndicated: bool
    syndication: SyndicationOptions
    line_counts_file: str
    gopher_filter: bool
    gopher: GopherThresholds
    signals_only: bool
    annotate: bool
    reader: ReaderOptions
    threads: int
    output_format: OutputFormat
    overwrite: bool
    report: bool

class CleanStats:
    read: int
    kept: int
    removed: int
    rejected: int
    edited: int
    cut_bytes: int
    text_bytes: int
    not_rewritten: int
    outputs: list[str]

def find_duplicates(texts: Iterable[Text], options: DedupOptions = ...,
                    numbers: Any = ...) -> dict[str, Any]: ...
def run_clean(inputs: Sequence[InputFile], output: str,
              options: CleanOptions = ...,
              progress: Optional[Callable[[str, int, int, int, int],
                                          Optional[bool]]] = ...) -> CleanStats: ...
def run_dedup(inputs: Sequence[InputFile], output: str,
              options: DedupOptions = ...,
              progress: Optional[Callable[[str, int, int, int, int],
                                          Optional[bool]]] = ...) -> DedupStats: ...
def run_dedup_with_index(inputs: Sequence[InputFile], output: str,
                         options: DedupOptions, index: str,
                         readonly: bool = False,
                         progress: Optional[Callable[..., Optional[bool]]] = None
                         ) -> DedupStats: ...
def stats_to_json(stats: DedupStats, options: DedupOptions) -> str: ...
def write_report(outdir: str) -> None: ...
def dedup_method_name(method: DedupMethod) -> str: ...
def parse_dedup_method(text: str) -> DedupMethod: ...
def default_shingle_size(method: DedupMethod) -> int: ...

class MethodTraits:
    @property
    def method(self) -> DedupMethod: ...
    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def default_shingle_size(self) -> int: ...
    @property
    def signs_rows(self) -> bool: ...
    @property
    def compares_sets(self) -> bool: ...
    @property
    def verifies_candidates(self) -> bool: ...
    @property
    def compares_while_finding(self) -> bool: ...
    @property
    def chains_buckets(self) -> bool: ...
    @property
    def reports_distance(self) -> bool: ...

def dedup_method_traits() -> list[MethodTraits]: ...
def compare_rows(options: DedupOptions, a: dict[str, Buffer],
                 b: dict[str, Buffer]) -> tuple[Array, Array, Array]: ...
def table_keys(options: DedupOptions, signatures: Optional[Buffer] = None,
               keys: Optional[Buffer] = None) -> Array: ...

# The stages of the dedup job, for neardup.dask.
class DedupPartition:
    path: str
    display: str
    begin: int
    end: int
    file: int
    def __init__(self, path: str, display: str, begin: int = 0,
                 end: int = ...) -> None: ...

def plan_dedup_partitions(inputs: Sequence[InputFile], reader: ReaderOptions,
                          partition_bytes: int) -> list[DedupPartition]: ...
def resolve_dedup_options(options: DedupOptions) -> DedupOptions: ...
def prepare_dedup_output(inputs: Sequence[InputFile], output: str,
                         overwrite: bool, reader: ReaderOptions) -> None: ...
def sign_dedup_partition(partition: DedupPartition,
                         options: DedupOptions,
                         line_counts: bytes = ...) -> dict[str, Any]: ...
def prepare_dedup_lines(partition: DedupPartition,
                        options: DedupOptions) -> bytes: ...
def count_dedup_lines(prepared: list[bytes],
                      options: DedupOptions) -> bytes: ...
def write_kept_documents(path: str, display: str, output_path: str,
                         reader: ReaderOptions, keep: Buffer) -> int: ...
def removed_lines(ids: bytes, id_end: Buffer, rows: Buffer, file: str,
                  lines: Buffer, method: DedupMethod, clusters: Buffer,
                  kept_ids: bytes, kept_id_end: Buffer,
                  similarity: Buffer,
                  containment: Optional[Buffer] = None) -> bytes: ...
def cluster_member_json(id: Text, cluster: int, kept_id: Text) -> bytes: ...
def cluster_lines(ids: bytes, id_end: Buffer, rows: Buffer, clusters: Buffer,
                  kept_ids: bytes, kept_id_end: Buffer) -> bytes: ...
def write_output(path: str, chunks: Iterable[Text]) -> None: ...
def probe_input(path: str,
                reader: ReaderOptions = ...) -> tuple[str, str]: ...

# ---- index (python/src/index_bindings.cc)

Match = tuple[str, float]

class Index:
    """A near-duplicate index (C++ neardup::Index): insert texts under keys,
    ask which indexed documents a text nearly duplicates. Decides as
    ``neardup dedup --keep first`` does. Every method is thread-safe and
    releases the GIL while it works."""
    def __init__(self, threshold: float = 0.8, num_perm: int = 112, *,
                 method: str = "minhash", bands: int = 0, rows: int = 0,
                 seed: int = 0, shingle_size: Optional[int] = None,
                 shingle_kind: str = "word", hamming: int = 3,
                 verify: str = "signature") -> None: ...
    def insert(self, key: str, text: Text, origin: str = "") -> None: ...
    def query(self, text: Text, limit: int = 0,
              min_similarity: Optional[float] = None,
              origin: bool = False) -> list[Any]: ...  # [(key, similarity[, origin])]
    def remove(self, key: str) -> bool: ...
    def __len__(self) -> int: ...
    def __contains__(self, key: str) -> bool: ...
    def insert_batch(self, keys: Sequence[str], texts: Sequence[Text],
                     threads: int = 0,
                     origins: Optional[Sequence[str]] = None) -> None: ...
    def query_batch(self, texts: Sequence[Text], threads: int = 0,
                    limit: int = 0, min_similarity: Optional[float] = None,
                    origin: bool = False) -> list[list[Any]]: ...
    def dedup_batch(self, keys: Sequence[str], texts: Sequence[Text],
                    threads: int = 0,
                    origins: Optional[Sequence[str]] = None
                    ) -> list[Optional[str]]: ...
    def save(self, path: str) -> None: ...
    @staticmethod
    def open(path: str) -> "Index": ...
    @property
    def threshold(self) -> float: ...
    @property
    def num_perm(self) -> int: ...
    @property
    def bands(self) -> int: ...
    @property
    def rows(self) -> int: ...
    @property
    def method(self) -> str: ...
    @property
    def parameters(self) -> str: ...

class IndexFolder:
    """An index folder grown by ``neardup dedup --index DIR``, opened to read."""
    def __init__(self, path: str) -> None: ...
    def query(self, text: Text, limit: int = 0
              ) -> list[tuple[str, float, int, str, int]]: ...  # (id, similarity, generation, file, line)
    def query_batch(self, texts: Sequence[Text], threads: int = 0, limit: int = 0
                    ) -> list[list[tuple[str, float, int, str, int]]]: ...
    def __len__(self) -> int: ...
    @property
    def generations(self) -> list[dict[str, Any]]: ...
    @property
    def parameters(self) -> str: ...
