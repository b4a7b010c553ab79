"""Hostile arguments for every binding of neardup._core: out of range,
negative, empty, mismatched and wrong-typed values (Hypothesis draws them).
A binding must answer with a result or raise ValueError, IndexError,
TypeError, OverflowError or OSError; never crash the interpreter, never
raise RuntimeError or SystemError. The calls run in this process, so a
crash kills pytest (and fails ctest loudly, with faulthandler's traceback);
the calls that used to crash also run in a subprocess, which reports the
crash as a signal.

test_every_binding_is_covered checks that the table below names every
function, constructor, method and writable property of the module, so a new
binding cannot escape these tests.

Run: PYTHONPATH=<build>/python /usr/bin/python3 -m pytest \
     python/tests/test_hostile.py
"""

import inspect
import operator
import os
import subprocess
import sys
import tempfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import neardup
from neardup import _core

ALLOWED = (ValueError, IndexError, TypeError, OverflowError, OSError)

# Integers at the edges of the ranges the API uses (sizes that would
# allocate gigabytes are left to DisjointSets' own strategy).
EDGE_INTS = [-2**64, -2**63 - 1, -2**31, -65, -9, -1, 0, 1, 7, 8, 9, 10, 50,
             64, 65, 112, 8193, 2**31, 2**32 + 1, 2**63, 2**64, 2**70,
             4_000_000_000]


def _arrays():
    return [
        np.zeros(0, np.uint64), np.zeros(0, np.uint32),
        np.arange(5, dtype=np.uint64), np.arange(5, dtype=np.uint32),
        np.arange(5, dtype=np.int64), np.arange(5, dtype=np.float32),
        np.arange(5, dtype=np.float64), np.arange(5, dtype=np.uint8),
        np.zeros((2, 3), np.uint32), np.zeros((3, 2), np.uint64),
        np.zeros((2, 0), np.uint32), np.zeros((1, 2, 3), np.uint64),
        np.arange(10, dtype=np.uint64)[::-2],  # negative stride
        np.arange(10, dtype=np.uint32)[::3],
        np.array([5, 3, 5], dtype=np.uint64),  # unsorted
        np.array([3, 1], dtype=np.uint64),     # decreasing "ends"
        memoryview(b"abc"), bytearray(b"xy"),
    ]


HOSTILE = st.one_of(
    st.sampled_from(EDGE_INTS),
    st.integers(min_value=-300, max_value=300),
    st.sampled_from([None, float("nan"), float("inf"), -float("inf"), -0.0,
                     1.5, -0.5, 1e300]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", "x", "one string", "field:", "\udcff", "é" * 3,
                     "a\x00b", b"", b"\xff\xfe\x00", b"bytes"]),
    st.sampled_from([[], [1, 2], ["a", 3], [b"a", "b"], (), {}, {"a": 1},
                     [[1]], object(), True, 3j]),
    st.sampled_from(_arrays()),
)


def _work_dir():
    work = tempfile.mkdtemp(prefix="neardup_hostile_")
    path = os.path.join(work, "in.jsonl")
    with open(path, "w") as f:
        f.write('{"id":"a","text":"one two three four five six"}\n'
                '{"id":"b","text":"one two three four five six"}\n')
    return work, path


WORK, INPUT = _work_dir()
SIG = np.arange(112, dtype=np.uint32)
SIGS = np.arange(3 * 16, dtype=np.uint32).reshape(3, 16)
U64 = np.array([1, 2, 3], dtype=np.uint64)


def _resolved():
    o = _core.DedupOptions()
    o.containment = 0  # judge_components' evidence below is signatures only
    return _core.resolve_dedup_options(o)


def _exact_verify():
    o = _core.DedupOptions()
    o.verify = _core.VerifyMode.EXACT
    return _core.resolve_dedup_options(o)


def _main_text():
    o = _core.DedupOptions()
    o.main_text = True
    return _core.resolve_dedup_options(o)


# name -> (a function returning the callable, valid arguments). The callable
# is built afresh for each example, so that examples do not share state.
def _index():
    index = _core.Index(0.8, 16)
    index.insert("k", "a b c d e f g h")
    return index


def _index_files():
    """An index file, and an empty index folder (MANIFEST by hand, as
    `neardup dedup --index` writes it)."""
    path = os.path.join(WORK, "saved.ndx")
    _index().save(path)
    folder = os.path.join(WORK, "index_folder")
    os.makedirs(folder, exist_ok=True)
    params = _core.Index().parameters  # DedupOptions() decides alike
    with open(os.path.join(folder, "MANIFEST"), "w") as f:
        f.write("neardup-index-folder 1\n")
        f.write("".join("param " + line + "\n" for line in params.splitlines()))
    return path, folder


INDEX_FILE, INDEX_FOLDER = _index_files()


def _table():
    t = {}
    def fn(name, *args):
        t[name] = (lambda: getattr(_core, name), args)
    fn("apply_cuts", "0123456789", [_core.Cut(2, 4)])
    fn("band_key", SIG, 0, 8)
    fn("band_keys", SIGS, 2, 8)
    fn("candidate_probability", 0.8, _core.LshParams())
    fn("candidates_from_keys", U64, _core.CandidateOptions())
    fn("candidates_from_sorted_keys", U64, np.array([0, 1, 2], np.uint32),
       _core.CandidateOptions())
    fn("char_offsets", "café", [0, 3, 5])
    fn("choose_kept", U64, U64, U64, np.zeros(3), _core.KeepPolicy.FIRST)
    fn("cluster_lines", b"abc", U64, np.array([0], np.uint64),
       np.array([0], np.uint64), b"a", np.array([1], np.uint64))
    fn("cluster_member_json", "a", 1, "b")
    fn("compute_repetition_signals", "a b c")
    fn("compute_repetition_signals_batch", ["a b", "c"], 1)
    fn("compare_rows", _resolved(), {"signatures": np.zeros(3 * 112, np.uint32)},
       {"signatures": np.ones(3 * 112, np.uint32)})
    fn("dedup_method_name", _core.DedupMethod.MINHASH)
    fn("dedup_method_traits")
    fn("default_shingle_size", _core.DedupMethod.SIMHASH)
    fn("estimate_containment_rows", np.array([0.5, 0.2, 1.0]),
       np.array([10, 0, 3], np.uint32), np.array([5, 7, 3], np.uint32))
    fn("counts_by_containment_rows",
       _core.resolve_dedup_options(_core.DedupOptions()),
       np.array([0.9, 0.5, 1.0]), U64, np.array([50, 7, 3], np.uint64), U64,
       U64)
    fn("estimate_jaccard", SIG, SIG)
    fn("estimate_jaccard_rows", SIGS, SIGS)
    fn("exact_jaccard", U64, U64)
    fn("exact_jaccard_rows", U64, np.array([1, 3], np.uint64), U64,
       np.array([2, 3], np.uint64))
    fn("exact_containment", U64, U64)
    fn("exact_containment_rows", U64, np.array([1, 3], np.uint64), U64,
       np.array([2, 3], np.uint64))
    fn("exceeded_gopher_signal", _core.compute_repetition_signals("a"),
       _core.GopherThresholds())
    fn("hamming_distance", 1, 2)
    fn("hamming_distance_rows", U64, U64)
    fn("is_valid_utf8", b"abc")
    fn("judge_components", U64, U64, U64, np.zeros(3), _resolved(),
       np.zeros(3 * 112, np.uint32))
    fn("keeps_over", _core.KeepPolicy.LONGEST, 3, 1.0, 2, 0.5)
    fn("normalize", "Text", _core.NormalizeOptions())
    fn("normalize_batch", ["A", "b"], _core.NormalizeOptions(), 1)
    fn("optimal_lsh_params", 0.8, 16, 0.05, 0.95)
    fn("parse_dedup_method", "minhash")
    fn("parse_keep_policy", "first")
    fn("plan_inputs", [INPUT])
    fn("plan_dedup_partitions", [_core.InputFile(INPUT, "in.jsonl")],
       _core.ReaderOptions(), 100)
    fn("prepare_dedup_output", [_core.InputFile(INPUT, "in.jsonl")],
       os.path.join(WORK, "prepared"), True, _core.ReaderOptions())
    fn("probe_input", INPUT, _core.ReaderOptions())
    fn("removed_lines", b"abc", U64, np.array([0], np.uint64), "f",
       np.array([1], np.uint64), _core.DedupMethod.MINHASH,
       np.array([0], np.uint64), b"a", np.array([1], np.uint64),
       np.array([0.9]))
    fn("resolve_dedup_options", _core.DedupOptions())
    fn("table_keys", _resolved(), np.zeros((3, 112), np.uint32))
    fn("run_dedup", [_core.InputFile(INPUT, "in.jsonl")],
       os.path.join(WORK, "run"), _overwrite(_core.DedupOptions()))
    fn("run_dedup_with_index", [_core.InputFile(INPUT, "in.jsonl")],
       os.path.join(WORK, "run_index"), _overwrite(_core.DedupOptions()),
       INDEX_FOLDER, True)
    fn("find_duplicates", ["a b c d e f", "a b c d e f", "x"],
       _core.DedupOptions())
    fn("run_clean", [_core.InputFile(INPUT, "in.jsonl")],
       os.path.join(WORK, "run_clean"), _overwrite(_core.CleanOptions()))
    fn("sign_dedup_partition", _core.DedupPartition(INPUT, "in"), _resolved())
    fn("prepare_dedup_lines", _core.DedupPartition(INPUT, "in"),
       _main_text())
    fn("count_dedup_lines", [], _main_text())
    fn("simhash", U64)
    fn("simhash_batch", ["a b c", "d"], _core.ShingleOptions(), 1)
    fn("simhash_near_pairs", U64, 3, _core.CandidateOptions())
    fn("simhash_pairs_from_sorted_keys", U64, U64,
       np.array([0, 1, 2], np.uint32), 3, _core.CandidateOptions())
    fn("simhash_table_masks", 3)
    fn("stats_to_json", _core.DedupStats(), _core.DedupOptions())
    fn("write_kept_documents", INPUT, "in", os.path.join(WORK, "kept.jsonl"),
       _core.ReaderOptions(), np.array([1, 0], np.uint8))
    fn("write_output", os.path.join(WORK, "out.jsonl"), [b"a\n", b"b\n"])
    fn("write_report", os.path.join(WORK, "run"))

    # Constructors (classes with one), by keyword-less positional values.
    def ctor(name, *args):
        t[name] = (lambda: getattr(_core, name), args)
    ctor("BoilerplateOptions")
    ctor("CleanOptions")
    ctor("SyndicationOptions")
    ctor("CandidateOptions", 64)
    ctor("CandidateStats")
    ctor("Cut", 1, 3, _core.CutReason.REPEATED_LINE, None, 1.0)
    ctor("DedupOptions")
    ctor("DedupPartition", INPUT, "in", 0, _core.WHOLE_FILE)
    ctor("DedupStats")
    ctor("DisjointSets", 10)
    ctor("FileCounts")
    ctor("GopherThresholds")
    ctor("InputFile", INPUT, "in.jsonl")
    ctor("LshParams", 14, 8)
    ctor("MinHashOptions", 16, 0)
    ctor("MinHasher", 16, 0)
    ctor("NormalizeOptions", True, True, False, True, True, True)
    ctor("Normalizer", _core.NormalizeOptions())
    ctor("ReaderOptions")
    ctor("RepeatFinder", _core.RepeatOptions())
    ctor("RepeatOptions", 30, 0.8, True, _core.NormalizeOptions())
    ctor("ShingleOptions", _core.ShingleKind.WORD, 5, 0,
         _core.NormalizeOptions())
    ctor("Shingler", _core.ShingleOptions())
    ctor("Index", 0.8, 16)
    ctor("IndexFolder", INDEX_FOLDER)
    for enum in ("CutReason", "DedupMethod", "KeepPolicy", "OutputFormat",
                 "Oversize", "ShingleKind", "VerifyMode"):
        ctor(enum, 0)

    # Methods, on a fresh object each time.
    def method(name, make, *args):
        cls, meth = name.split(".")
        t[name] = (lambda: getattr(make(), meth), args)
    method("Cut.text", lambda: _core.Cut(1, 3), "abcdé")
    method("Cut.char_span", lambda: _core.Cut(1, 3), "abcdé")
    method("DisjointSets.find", lambda: _core.DisjointSets(10), 3)
    method("DisjointSets.union", lambda: _core.DisjointSets(10), 3, 4)
    method("MinHasher.sign", lambda: _core.MinHasher(16), U64)
    method("MinHasher.sign_texts", lambda: _core.MinHasher(16), ["a", "b"],
           _core.ShingleOptions(), 1)
    method("Normalizer.normalize", _core.Normalizer, "Text")
    method("Index.insert", lambda: _core.Index(0.8, 16), "k", "a b c d e f")
    method("Index.query", _index, "a b c d e f g", 0, None, False)
    method("Index.remove", _index, "k")
    method("Index.insert_batch", lambda: _core.Index(0.8, 16), ["a", "b"],
           ["x y z", "u v w"], 1)
    method("Index.query_batch", _index, ["a b c d e f"], 1)
    method("Index.dedup_batch", _index, ["a", "b"], ["x y z", "x y z"], 1)
    method("Index.save", _index, os.path.join(WORK, "index.ndx"))
    t["Index.open"] = (lambda: _core.Index.open, (INDEX_FILE,))
    method("IndexFolder.query", lambda: _core.IndexFolder(INDEX_FOLDER), "a b")
    method("IndexFolder.query_batch", lambda: _core.IndexFolder(INDEX_FOLDER),
           ["a b"], 1)
    method("RepeatFinder.find", _core.RepeatFinder, "a\nb\na\n")
    method("Shingler.hash", _core.Shingler, "a b c d e f")
    return t


def _overwrite(options):
    options.overwrite = True
    return options


def _writable_properties():
    """(class name, property name) of every writable property."""
    out = []
    for name, cls in inspect.getmembers(_core, inspect.isclass):
        if name.startswith("_"):
            continue
        for prop, value in vars(cls).items():
            if isinstance(value, property) and value.fset is not None:
                out.append((name, prop))
    return sorted(out)


TABLE = _table()
PROPERTIES = _writable_properties()


def _bindings():
    """Every function, constructor and method the module exports."""
    names = set()
    for name, obj in vars(_core).items():
        if name.startswith("_"):
            continue
        if inspect.isclass(obj):
            # A constructor pybind11 defined documents its signature.
            if (obj.__init__.__doc__ or "").startswith("__init__("):
                names.add(name)
            for meth, value in vars(obj).items():
                if (not meth.startswith("_") and callable(value)
                        and not isinstance(value, property)):
                    names.add(name + "." + meth)
        elif callable(obj):
            names.add(name)
    return names


def test_every_binding_is_covered():
    missing = _bindings() - set(TABLE)
    assert not missing, "bindings without hostile tests: %s" % sorted(missing)
    print("\nhostile-argument coverage: %d bindings (functions, constructors,"
          " methods) + %d writable properties" % (len(TABLE), len(PROPERTIES)))


@pytest.mark.parametrize("name", sorted(TABLE))
def test_valid_arguments_work(name, monkeypatch):
    monkeypatch.chdir(WORK)
    make, args = TABLE[name]
    make()(*args)


def _call(make, args):
    try:
        make()(*args)
    except ALLOWED:
        pass


@pytest.mark.parametrize("name", sorted(TABLE))
@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(data=st.data())
def test_hostile_arguments_raise_or_answer(name, data, monkeypatch):
    monkeypatch.chdir(WORK)  # relative output paths land in the work folder
    make, args = TABLE[name]
    args = list(args)
    if name == "DisjointSets":
        hostile = st.one_of(HOSTILE.filter(
            lambda v: not (isinstance(v, int) and 2**20 < v <= 2**32)))
    else:
        hostile = HOSTILE
    # Replace one or two arguments, or call with one too many or too few.
    shape = data.draw(st.sampled_from(["one", "two", "extra", "fewer"]))
    if shape == "extra" or not args:
        args.append(data.draw(hostile))
    elif shape == "fewer":
        args.pop()
    else:
        for _ in range(1 if shape == "one" else 2):
            i = data.draw(st.integers(0, len(args) - 1))
            args[i] = data.draw(hostile)
    _call(make, args)


@pytest.mark.parametrize("owner,prop", PROPERTIES)
@settings(max_examples=25, deadline=None, derandomize=True)
@given(value=HOSTILE)
def test_hostile_property_values_raise_or_stick(owner, prop, value):
    make, args = TABLE[owner]
    obj = make()(*args)
    try:
        setattr(obj, prop, value)
    except ALLOWED:
        return
    try:
        getattr(obj, prop)  # what was accepted reads back, or raises
    except ALLOWED:  # bytes that are not UTF-8 in a str field
        pass


# ------------------------------------------------- what must be an error

def _dedup(**fields):
    o = _core.DedupOptions()
    for k, v in fields.items():
        setattr(o, k, v)
    return o


def _seed_conflict():
    o = _core.DedupOptions()
    o.seed = 7
    shingles = _core.ShingleOptions()
    shingles.seed = 5
    o.shingles = shingles
    return o


MUST_RAISE = {
    # Part 1 of issue 18: these crashed or corrupted memory.
    "union out of uint32": (lambda: _core.DisjointSets(10).union(
        3, 4_000_000_000), IndexError),
    "union past n": (lambda: _core.DisjointSets(10).union(3, 50), IndexError),
    "union negative": (lambda: _core.DisjointSets(10).union(-1, 2),
                       TypeError),
    "find past n": (lambda: _core.DisjointSets(10).find(10), IndexError),
    "DisjointSets too big": (lambda: _core.DisjointSets(2**32 + 1),
                             ValueError),
    "band past signature": (lambda: _core.band_key(SIG, 20, 8), IndexError),
    "band negative": (lambda: _core.band_key(SIG, -1, 8), ValueError),
    "rows zero": (lambda: _core.band_key(SIG, 0, 0), ValueError),
    "band_keys too wide": (lambda: _core.band_keys(SIGS, 3, 8), ValueError),
    "table_keys partial row": (lambda: _core.table_keys(
        _resolved(), np.zeros(113, np.uint32)), ValueError),
    "compare_rows of 3 and 2 rows": (lambda: _core.compare_rows(
        _resolved(), {"signatures": np.zeros(3 * 112, np.uint32)},
        {"signatures": np.zeros(2 * 112, np.uint32)}), ValueError),
    "compare_rows without set_end": (lambda: _core.compare_rows(
        _exact_verify(), {"sets": U64}, {"sets": U64}), ValueError),
    "negative stride keep": (lambda: _core.write_kept_documents(
        INPUT, "in", os.path.join(WORK, "k2.jsonl"), _core.ReaderOptions(),
        np.arange(4, dtype=np.uint8)[::-2]), ValueError),
    "decreasing set ends": (lambda: _core.exact_jaccard_rows(
        U64, np.array([3, 1], np.uint64), U64,
        np.array([1, 3], np.uint64)), ValueError),
    "id ends past ids": (lambda: _core.cluster_lines(
        b"abc", np.array([9], np.uint64), np.array([0], np.uint64),
        np.array([0], np.uint64), b"a", np.array([1], np.uint64)),
        ValueError),
    "row past ids": (lambda: _core.cluster_lines(
        b"abc", U64, np.array([5], np.uint64), np.array([0], np.uint64),
        b"a", np.array([1], np.uint64)), IndexError),
    "unsorted keys": (lambda: _core.candidates_from_sorted_keys(
        np.array([5, 3], np.uint64), np.array([0, 1], np.uint32)),
        ValueError),
    "simhash mismatched": (lambda: _core.simhash_pairs_from_sorted_keys(
        U64, U64[:2], np.array([0, 1, 2], np.uint32), 3), ValueError),
    "cut outside text": (lambda: _core.Cut(2, 40).text("abc"), IndexError),
    "char offset inside char": (lambda: _core.char_offsets("é", [1]),
                                ValueError),
    "char offset past end": (lambda: _core.char_offsets("é", [3]),
                             IndexError),
    # Part 2: answers that were wrong in silence.
    "estimate of 112 and 64": (lambda: _core.estimate_jaccard(
        SIG, SIG[:64]), ValueError),
    "estimate of empty": (lambda: _core.estimate_jaccard(SIG[:0], SIG[:0]),
                          ValueError),
    "estimate rows of 0": (lambda: _core.estimate_jaccard_rows(
        np.zeros((2, 0), np.uint32), np.zeros((2, 0), np.uint32)),
        ValueError),
    "inverted cut": (lambda: _core.apply_cuts("0123456789",
                                              [_core.Cut(6, 3)]),
                     ValueError),
    "cut past text": (lambda: _core.apply_cuts("0123", [_core.Cut(2, 9)]),
                      ValueError),
    "sign_texts of a str": (lambda: _core.MinHasher(16).sign_texts(
        "one string"), TypeError),
    "sign_texts of bytes": (lambda: _core.MinHasher(16).sign_texts(
        b"one string"), TypeError),
    "simhash_batch of a str": (lambda: _core.simhash_batch("text"),
                               TypeError),
    "normalize_batch of a str": (lambda: _core.normalize_batch("text"),
                                 TypeError),
    "signals batch of a str": (lambda: _core.compute_repetition_signals_batch(
        "text"), TypeError),
    "write_output of bytes": (lambda: _core.write_output(
        os.path.join(WORK, "o.jsonl"), b"chunk"), TypeError),
    "batch threads -3": (lambda: _core.MinHasher(16).sign_texts(
        ["a"], _core.ShingleOptions(), -3), ValueError),
    "weights -1 and 0": (lambda: _core.optimal_lsh_params(0.8, 112, -1, 0),
                         ValueError),
    "distance 9": (lambda: _core.simhash_near_pairs(U64, 9), ValueError),
    "masks of 9": (lambda: _core.simhash_table_masks(9), ValueError),
    "near_similarity 1.5": (lambda: _core.RepeatFinder(
        _core.RepeatOptions(near_similarity=1.5)), ValueError),
    "dedup threads -3": (lambda: _core.resolve_dedup_options(
        _dedup(threads=-3)), ValueError),
    "FIELD without field": (lambda: _core.resolve_dedup_options(
        _dedup(keep=_core.KeepPolicy.FIELD)), ValueError),
    "seed conflict": (lambda: _core.resolve_dedup_options(_seed_conflict()),
                      ValueError),
    "method 99": (lambda: _core.resolve_dedup_options(
        _dedup(method=_core.DedupMethod(99))), ValueError),
    "run_dedup method 99": (lambda: _core.run_dedup(
        [_core.InputFile(INPUT, "in.jsonl")], os.path.join(WORK, "r99"),
        _dedup(method=_core.DedupMethod(99))), ValueError),
    "gopher array too short": (lambda: setattr(
        _core.GopherThresholds(), "top_ngram_char_fraction", [0.1]),
        ValueError),
    "gopher array of a str": (lambda: setattr(
        _core.GopherThresholds(), "top_ngram_char_fraction", "abc"),
        TypeError),
    "signals are read-only": (lambda: operator.setitem(
        _core.compute_repetition_signals("a b").top_ngram_char_fraction, 0,
        1.0), TypeError),
}


@pytest.mark.parametrize("case", sorted(MUST_RAISE))
def test_hostile_call_raises(case):
    call, error = MUST_RAISE[case]
    with pytest.raises(error):
        call()


def test_former_crashes_in_a_subprocess():
    """The calls that killed the interpreter, in a child that a crash would
    kill instead of the test runner."""
    code = (
        "import numpy as np, neardup\n"
        "for call in (lambda: neardup.DisjointSets(10).union(3, 4_000_000_000),\n"
        "             lambda: neardup.DisjointSets(10).union(3, 50),\n"
        "             lambda: neardup.band_key(np.zeros(112, np.uint32), 20, 8)):\n"
        "    try:\n"
        "        call()\n"
        "    except IndexError:\n"
        "        print('IndexError')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, (done.returncode, done.stderr)
    assert done.stdout.split() == ["IndexError"] * 3


# ------------------------------------------- the answers that were silent

def test_gopher_thresholds_change_element_by_element_and_whole():
    signals = _core.compute_repetition_signals(
        "the cat sat on the mat and the cat sat on the mat again today")
    t = _core.GopherThresholds()
    t.dup_ngram_char_fraction = [1.0] * 6
    assert _core.exceeded_gopher_signal(signals, t) == \
        "top_2gram_char_fraction"
    t.top_ngram_char_fraction[0] = 0.9  # changed nothing before
    assert t.top_ngram_char_fraction[0] == 0.9
    assert _core.exceeded_gopher_signal(signals, t) == \
        "top_3gram_char_fraction"
    t.top_ngram_char_fraction = (1.0, 1.0, 1.0)
    assert list(t.top_ngram_char_fraction) == [1.0, 1.0, 1.0]
    assert _core.exceeded_gopher_signal(signals, t) == ""
    view = t.dup_ngram_char_fraction
    del t  # the view keeps its thresholds alive
    assert list(view) == [1.0] * 6


def test_cut_offsets_are_bytes_and_convert_to_str_indices():
    line = "Ärger über Straßen — a line long enough to be cut again"
    text = "Intro\n" + line + "\n" + line + "\n"
    cuts = _core.RepeatFinder().find(text)
    assert len(cuts) == 1
    cut = cuts[0]
    assert text.encode()[cut.begin:cut.end].decode() == line + "\n"
    assert text[cut.begin:cut.end] != line + "\n"  # bytes, not str indices
    begin, end = cut.char_span(text)
    assert text[begin:end] == cut.text(text) == line + "\n"
    assert _core.char_offsets(text, [cut.begin, cut.end]) == [begin, end]
    assert cut.text(text.encode()) == (line + "\n").encode()
    assert _core.apply_cuts(text, cuts) == "Intro\n" + line + "\n"


def test_apply_cuts_sorts_and_merges():
    assert _core.apply_cuts("0123456789",
                            [_core.Cut(6, 7), _core.Cut(2, 4)]) == "0145789"
    assert _core.apply_cuts("0123456789",
                            [_core.Cut(2, 6), _core.Cut(4, 8)]) == "0189"
