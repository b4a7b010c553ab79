"""The neardup Python module against the C++ core: known answers of the
stable formats (src/known_answers.cc), the neardup command's own outputs on
the same input, batch calls against single calls, GIL release, and the
memoryview path without NumPy.

Run: PYTHONPATH=<build>/python NEARDUP=<build>/tools/neardup \
     /usr/bin/python3 -m pytest python/tests/test_bindings.py
"""

import json
import os
import subprocess
import sys
import threading
import time

import pytest

import neardup

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
NEARDUP = os.environ.get("NEARDUP", os.path.join(REPO, "build", "tools",
                                                 "neardup"))

# The vocabulary of KnownAnswerText (src/known_answers.cc), same order.
VOCABULARY = [
    "the", "of", "and", "to", "in", "a", "news", "report", "said",
    "government", "Market", "WATER", "city", "people", "year", "2024",
    "3.5%", "café", "cafe\u0301", "naïve", "Straße", "\uFF21\uFF22\uFF23",
    "ﬁnance", "über", "Αθήνα", "東京", "新闻报道", "ข่าว", "\U0001F600",
    "co-op", "don’t", "“quoted”", "—", "e-mail", "résumé", "İstanbul",
    "x\u00A0y", "naïve", "CO₂",
]
MASK = (1 << 64) - 1


def known_answer_text(seed, words):
    """KnownAnswerText of src/known_answers.cc."""
    state, parts = seed, []
    for i in range(words):
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        r = z ^ (z >> 31)
        if i > 0:
            parts.append(".\n\n" if i % 40 == 0 else
                         ", " if (r >> 60) == 0 else " ")
        parts.append(VOCABULARY[r % len(VOCABULARY)])
    return "".join(parts)


def fold(values):
    return sum(int(v) * (2 * i + 1) for i, v in enumerate(values)) & MASK


# ---------------------------------------------------------------- known answers


@pytest.mark.parametrize("text,expected", [
    ("  Hello, World! It's 2024.  ", "hello world it s 0000"),
    ("\uFF21\uFF22\uFF23\uFF11 ﬁne\u00A0day", "abc0 fine day"),
    ("STRASSE Straße ΟΔΟΣ", "strasse strasse οδοσ"),
    ("“Yes” — she said 😀", "yes she said 😀"),
    (b"a\xffb", "a\uFFFDb"),  # invalid UTF-8 is repaired
])
def test_normalize_known_answers(text, expected):
    assert neardup.normalize(text) == expected
    assert neardup.Normalizer().normalize(text) == expected


def test_shingle_known_answers():
    # n + 1 words: two shingles (the table keeps the first and the fold).
    hashes = neardup.Shingler().hash("one two three four five six")
    assert len(hashes) == 2 and int(hashes[0]) == 0x31e758b4e93e82ed
    assert fold(hashes) == 0x44dd9861f36ae322
    char = neardup.Shingler(neardup.ShingleOptions(
        kind=neardup.ShingleKind.CHAR, n=5))
    text = known_answer_text(0, 120)
    hashes = char.hash(text)
    assert len(hashes) == 631
    assert int(hashes[0]) == 0x70c268772173bf11
    assert fold(hashes) == 0xcdbc3d3d726bb082


@pytest.mark.parametrize("words,seed,num_perm,first,signature_fold,simhash", [
    (400, 0, 112, [0x00006f68, 0x00706e67, 0x00274912, 0x005a7984],
     0x00000018d600e944, 0xe6177162952750e7),
    (40, 3, 5, [0x08a2b9ac, 0x028077ba, 0x00a26aad, 0x0ff2bd6b],
     0x00000000b05844ac, 0x87b2501c89b05534),
])
def test_sketch_known_answers(words, seed, num_perm, first, signature_fold,
                              simhash):
    text = known_answer_text(seed, words)
    shingles = neardup.ShingleOptions(seed=seed)
    hashes = neardup.Shingler(shingles).hash(text)
    hasher = neardup.MinHasher(num_perm=num_perm, seed=seed)
    signature = hasher.sign(hashes)
    assert [int(v) for v in signature[:4]] == first
    assert fold(signature) == signature_fold
    assert neardup.simhash(hashes) == simhash
    # The batch path gives the same values.
    batch = hasher.sign_texts([text, text.encode()], shingles)
    assert [int(v) for v in batch[1]] == [int(v) for v in signature]
    assert neardup.simhash_batch([text], shingles)[0] == simhash


# ------------------------------------------------------------- batch = single


def corpus(n, seed=7):
    return [known_answer_text(seed + i, 30 + (i * 37) % 300)
            for i in range(n)]


@pytest.mark.parametrize("threads", [1, 3, 0])
def test_batch_equals_single_calls(threads):
    np = pytest.importorskip("numpy")
    texts = corpus(50)
    hasher = neardup.MinHasher(num_perm=64, seed=11)
    options = neardup.ShingleOptions(n=3, seed=11)
    batch = hasher.sign_texts(texts, options, threads=threads)
    assert batch.shape == (50, 64) and batch.dtype == np.uint32
    shingler = neardup.Shingler(options)
    for i, text in enumerate(texts):
        assert np.array_equal(batch[i], hasher.sign(shingler.hash(text)))
    assert neardup.normalize_batch(texts, threads=threads) == [
        neardup.normalize(t) for t in texts]
    signals = neardup.compute_repetition_signals_batch(texts, threads=threads)
    for s, text in zip(signals, texts):
        one = neardup.compute_repetition_signals(text)
        assert s.top_ngram_char_fraction == one.top_ngram_char_fraction
        assert s.words == one.words


@pytest.mark.parametrize("text", [
    "plain ascii words only here and there",
    "caf\u00e9 na\u00efve \u00ff latin one",      # 1 byte per code point
    "\u6771\u4eac report \u2014 \u201cquoted\u201d",  # 2 bytes
    "emoji \U0001F600 and \u00e9 \u6771",       # 4 bytes
    "lone \ud800 surrogate",                  # repaired like bytes are
])
def test_str_is_encoded_like_its_utf8_bytes(text):
    raw = text.encode("utf-8", "surrogatepass")
    hasher = neardup.MinHasher(num_perm=32)
    a = hasher.sign_texts([text, text])
    b = hasher.sign_texts([raw])
    assert list(a[1]) == list(b[0]) and list(a[0]) == list(b[0])
    assert neardup.normalize_batch([text]) == [neardup.normalize(raw)]
    assert neardup.simhash_batch([text])[0] == neardup.simhash_batch([raw])[0]


def test_band_keys_and_candidates():
    np = pytest.importorskip("numpy")
    texts = corpus(30)
    texts += [t + " and one more" for t in texts[:10]]  # near-duplicates
    hasher = neardup.MinHasher(num_perm=112)
    signatures = hasher.sign_texts(texts)
    params = neardup.optimal_lsh_params(0.8, 112)
    assert (params.bands, params.rows) == (14, 8)
    keys = neardup.band_keys(signatures, params.bands, params.rows)
    assert keys.shape == (40, 14)
    for d in (0, 17, 39):
        for b in (0, 13):
            assert keys[d, b] == neardup.band_key(signatures[d], b, 8)
    pairs, stats = neardup.candidates_from_keys(
        np.ascontiguousarray(keys[:, 0]))
    order = np.lexsort((np.arange(40), keys[:, 0]))
    sorted_pairs, sorted_stats = neardup.candidates_from_sorted_keys(
        np.ascontiguousarray(keys[order, 0]), order.astype(np.uint32))
    assert np.array_equal(pairs, sorted_pairs)
    assert (stats.buckets, stats.pairs) == (sorted_stats.buckets,
                                            sorted_stats.pairs)
    # Each short edited copy shares a band with its source at least.
    found = {tuple(p) for b in range(14) for p in
             neardup.candidates_from_keys(np.ascontiguousarray(keys[:, b]))[0]}
    assert len(found) >= 5
    rows = neardup.estimate_jaccard_rows(signatures[:10], signatures[30:])
    for i in range(10):
        assert rows[i] == neardup.estimate_jaccard(signatures[i],
                                                   signatures[30 + i])


def test_disjoint_sets_and_keep_rule():
    sets = neardup.DisjointSets(5)
    assert sets.union(3, 1) and sets.union(4, 3) and not sets.union(1, 4)
    assert sets.find(4) == 1 and len(sets) == 5
    nan = float("nan")
    policy = neardup.KeepPolicy
    assert neardup.keeps_over(policy.LONGEST, 10, nan, 9, nan)
    assert not neardup.keeps_over(policy.LONGEST, 9, nan, 9, nan)
    assert neardup.keeps_over(policy.FIELD, 0, 1.0, 0, nan)
    assert not neardup.keeps_over(policy.FIRST, 100, 5.0, 1, 1.0)


# ---------------------------------------------------- against the command


def test_repeats_and_signals_equal_neardup_clean(tmp_path):
    crawl = os.path.join(REPO, "examples", "crawl.jsonl")
    subprocess.run([NEARDUP, "clean", crawl, "-o", str(tmp_path / "c"),
                    "--no-boilerplate", "--quiet"], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([NEARDUP, "clean", crawl, "-o", str(tmp_path / "s"),
                    "--signals-only", "--quiet"], check=True,
                   stdout=subprocess.DEVNULL)
    edits = [json.loads(line) for line in open(tmp_path / "c" / "edits.jsonl")]
    signals = {}
    for line in open(tmp_path / "s" / "signals.jsonl"):
        s = json.loads(line)
        signals[s["id"]] = s
    finder = neardup.RepeatFinder()
    cuts_seen = 0
    for line in open(crawl, encoding="utf-8"):
        record = json.loads(line)
        text = record["text"].encode("utf-8")
        expected = [(e["start"], e["end"], e["reason"], e["source_start"])
                    for e in edits if e["id"] == record["id"]]
        got = [(c.begin, c.end, c.reason.name.lower(), c.source_begin)
               for c in finder.find(text)]
        assert got == expected, record["id"]
        cuts_seen += len(got)
        s = neardup.compute_repetition_signals(text)
        want = signals[record["id"]]
        assert round(s.dup_line_fraction, 4) == want["dup_line_fraction"]
        for n, value in zip((2, 3, 4), s.top_ngram_char_fraction):
            assert round(value, 4) == want["top_%dgram_char_fraction" % n]
        for n, value in zip(range(5, 11), s.dup_ngram_char_fraction):
            assert round(value, 4) == want["dup_%dgram_char_fraction" % n]
        name = neardup.exceeded_gopher_signal(s)
        assert (name or None) == want["exceeds"]
    assert cuts_seen > 0
    text = "Para one is here.\n\nPara two.\n\nPara one is here.\n\nPara two."
    cuts = finder.find(text)
    assert [c.reason for c in cuts] == [neardup.CutReason.REPEATED_BLOCK]
    assert neardup.apply_cuts(text, cuts).rstrip() == text[:29].rstrip()


def test_run_dedup_equals_neardup_dedup(tmp_path):
    texts = corpus(200, seed=3)
    texts += [t.replace(" the ", " a ", 1) for t in texts[:60]]
    with open(tmp_path / "in.jsonl", "w", encoding="utf-8") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"id": "d%d" % i, "text": t}) + "\n")
    subprocess.run([NEARDUP, "dedup", str(tmp_path / "in.jsonl"), "-o",
                    str(tmp_path / "cli"), "--quiet", "--threshold", "0.7"],
                   check=True, stdout=subprocess.DEVNULL)
    stats = neardup.dedup([str(tmp_path / "in.jsonl")], str(tmp_path / "py"),
                          threshold=0.7)
    assert stats["removed"] > 0
    assert stats["read"] == stats["kept"] + stats["removed"]
    for name in ("in.jsonl", "removed.jsonl", "clusters.jsonl"):
        assert (tmp_path / "cli" / name).read_bytes() == (
            tmp_path / "py" / name).read_bytes(), name


def test_report(tmp_path):
    texts = corpus(60, seed=4)
    texts += [t.replace(" the ", " a ", 1) for t in texts[:10]]
    with open(tmp_path / "in.jsonl", "w", encoding="utf-8") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"id": "d%d" % i, "text": t}) + "\n")
    options = neardup.DedupOptions()
    options.report = True
    inputs = [neardup.InputFile(str(tmp_path / "in.jsonl"), "in.jsonl")]
    stats = neardup.run_dedup(inputs, str(tmp_path / "out"), options)
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "read %d = kept %d + removed %d + rejected 0" % (
        stats.read, stats.kept, stats.removed) in page
    assert "report.html" in stats.outputs
    (tmp_path / "out" / "report.html").unlink()
    neardup.write_report(str(tmp_path / "out"))
    assert (tmp_path / "out" / "report.html").read_text(
        encoding="utf-8") == page
    with pytest.raises(Exception, match="no stats.json"):
        neardup.write_report(str(tmp_path))


def test_dedup_takes_paths_progress_and_the_commands_options(tmp_path):
    texts = corpus(300, seed=4)
    texts += [t.replace(" the ", " a ", 1) for t in texts[:50]] + ["", "!!!", ""]
    with open(tmp_path / "in.jsonl", "w", encoding="utf-8") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"id": "d%d" % i, "text": t}) + "\n")
    events = []
    stats = neardup.dedup(tmp_path / "in.jsonl", tmp_path / "py", threads=2,
                          max_memory="1G", min_words=1,
                          progress=lambda *e: events.append(e))
    subprocess.run([NEARDUP, "dedup", str(tmp_path / "in.jsonl"), "-o",
                    str(tmp_path / "cli"), "--quiet", "--threads", "2",
                    "--min-words", "1"], check=True, stdout=subprocess.DEVNULL)
    for name in ("in.jsonl", "removed.jsonl", "clusters.jsonl"):
        assert (tmp_path / "cli" / name).read_bytes() == (
            tmp_path / "py" / name).read_bytes(), name
    assert stats["removed_too_short"] == 3
    # Every stage ends with an event; the write stage knows its total.
    stages = {e[0] for e in events}
    assert {"sign", "index", "write"} <= stages
    last_write = [e for e in events if e[0] == "write"][-1]
    assert last_write[1] == last_write[4] == len(texts)
    # A callback that returns False stops the job: nothing is written.
    with pytest.raises(RuntimeError, match="interrupted"):
        neardup.dedup(tmp_path / "in.jsonl", tmp_path / "stopped",
                      progress=lambda *e: False)
    assert not [p for p in (tmp_path / "stopped").rglob("*") if p.is_file()]
    # One that raises stops it too, and its exception comes out.
    def boom(*e):
        raise KeyError("from the callback")
    with pytest.raises(KeyError, match="from the callback"):
        neardup.dedup(tmp_path / "in.jsonl", tmp_path / "raised", progress=boom)
    with pytest.raises(ValueError, match="max_memory"):
        neardup.dedup(tmp_path / "in.jsonl", tmp_path / "bad", max_memory="lots")


def test_option_structs_take_keywords_print_compare_and_pickle():
    import pickle
    o = neardup.DedupOptions(threshold=0.6, num_perm=64,
                             reader=neardup.ReaderOptions(text_field="body"))
    assert (o.threshold, o.num_perm, o.reader.text_field) == (0.6, 64, "body")
    assert "threshold=0.6" in repr(o) and "text_field='body'" in repr(o)
    assert pickle.loads(pickle.dumps(o)) == o
    assert o != neardup.DedupOptions()
    g = neardup.GopherThresholds()
    g.top_ngram_char_fraction[1] = 0.5
    assert pickle.loads(pickle.dumps(g)).top_ngram_char_fraction[1] == 0.5
    with pytest.raises(TypeError, match="no field 'treshold'"):
        neardup.DedupOptions(treshold=0.5)
    # Every class prints something a person can read.
    assert repr(neardup.MinHasher(num_perm=16)).startswith("MinHasher(")
    assert "num_perm=16" in repr(neardup.MinHasher(num_perm=16))
    assert repr(neardup.DisjointSets(4)) == "DisjointSets(4)"
    assert "read=0" in repr(neardup.DedupStats())
    # The options still reach the job: a keyword-built struct runs.
    assert neardup.LshParams(bands=14, rows=8) == neardup.LshParams(14, 8)


def test_every_option_field_says_what_it_is():
    from neardup import _fields
    undocumented = []
    for name in ("CandidateOptions", "DedupOptions", "GopherThresholds",
                 "LshParams", "MinHashOptions", "NormalizeOptions",
                 "ReaderOptions", "RepeatOptions", "ShingleOptions"):
        cls = getattr(neardup, name)
        for field in _fields(cls()):
            if not (getattr(cls, field).__doc__ or "").strip():
                undocumented.append(name + "." + field)
    assert not undocumented, undocumented


def test_clean_equals_neardup_clean(tmp_path):
    texts = corpus(120, seed=6)
    nav = "Home | News | Sport\nSign in\n"
    with open(tmp_path / "in.jsonl", "w", encoding="utf-8") as f:
        for i, t in enumerate(texts):
            body = nav + t + "\n" + (t + "\n" if i % 9 == 0 else "")
            f.write(json.dumps({"id": "d%d" % i, "url": "https://s.example/%d" % i,
                                "text": body}) + "\n")
    subprocess.run([NEARDUP, "clean", str(tmp_path / "in.jsonl"), "-o",
                    str(tmp_path / "cli"), "--quiet", "--syndicated",
                    "--near-similarity", "0.7"],
                   check=True, stdout=subprocess.DEVNULL)
    events = []
    stats = neardup.clean(tmp_path / "in.jsonl", tmp_path / "py",
                          syndicated=True, near_similarity=0.7,
                          progress=lambda *e: events.append(e))
    for name in ("in.jsonl", "edits.jsonl", "removed.jsonl",
                 "line_counts.jsonl"):
        assert (tmp_path / "cli" / name).read_bytes() == (
            tmp_path / "py" / name).read_bytes(), name
    assert stats["edited"] > 0 and stats["read"] == 120
    assert {"count", "clean"} <= {e[0] for e in events}
    with pytest.raises(TypeError):
        neardup.clean(tmp_path / "in.jsonl", tmp_path / "x", no_such_flag=1)


def _clean_crawl(folder):
    """A crawl with navigation lines, repeated paragraphs, a page repeated
    across sites and one record that is not JSON; and a folder of text
    files (two of them equal but for one line)."""
    texts = corpus(90, seed=11)
    nav = "Home | News | Sport | Weather\nSign in to comment\n"
    os.makedirs(folder / "pages")
    with open(folder / "in.jsonl", "w", encoding="utf-8") as f:
        for i, t in enumerate(texts):
            body = nav + t + "\n" + (t + "\n" if i % 7 == 0 else "")
            if i % 11 == 0:
                body += texts[0] + "\n"
            f.write(json.dumps({"id": "d%d" % i, "score": i % 5,
                                "url": "https://s%d.example/%d" % (i % 3, i),
                                "text": body}) + "\n")
        f.write("{not json\n")
    for i in range(6):
        (folder / "pages" / ("p%d.txt" % i)).write_text(
            nav + texts[i % 4] + "\nLast line %d\n" % i, encoding="utf-8")


def _stats_without_timing(path):
    stats = json.loads(path.read_text(encoding="utf-8"))
    for key in ("seconds", "peak_rss_bytes"):
        stats.pop(key, None)
    return stats


@pytest.mark.parametrize("flags,options", [
    ([], {}),
    (["--no-repeats", "--gopher-filter"],
     dict(repeats=False, gopher_filter=True)),
    (["--no-boilerplate", "--syndicated", "--syndicated-min-words", "5",
      "--syndicated-threshold", "0.6", "--bloom-bytes", "65536"],
     dict(boilerplate=False, syndicated=True, syndicated_min_words=5,
          syndicated_threshold=0.6, bloom_bytes=65536)),
    (["--near-similarity", "1", "--block-similarity", "1",
      "--min-repeat-line-bytes", "10", "--boilerplate-min-docs", "2",
      "--boilerplate-max-line-bytes", "40"],
     dict(near_similarity=1.0, block_similarity=1.0, min_repeat_line_bytes=10,
          boilerplate_min_docs=2, boilerplate_max_line_bytes=40)),
    (["--signals-only"], dict(signals_only=True)),
    (["--annotate", "--threads", "1", "--max-doc-bytes", "300",
      "--oversize", "truncate"],
     dict(annotate=True, threads=1, max_doc_bytes=300, oversize="truncate")),
    (["--output-format", "jsonl", "--text-field", "text", "--id-field", "id",
      "--url-field", "url"],
     dict(output_format="jsonl", text_field="text", id_field="id",
          url_field="url")),
    (["--report"], dict(report=True)),
])
def test_clean_writes_the_commands_files_byte_for_byte(tmp_path, flags,
                                                       options):
    """neardup.clean against `neardup clean` with the same flags, on JSONL
    and a folder of text files: the same files, each byte for byte, and the
    same stats.json but for the timings (report.html, which shows them, is
    only checked to exist)."""
    _clean_crawl(tmp_path)
    inputs = [tmp_path / "in.jsonl", tmp_path / "pages"]
    report = "--report" in flags
    cli_flags = [f for f in flags if f != "--report"] + (
        [] if report else ["--no-report"])
    subprocess.run([NEARDUP, "clean", *map(str, inputs), "-o",
                    str(tmp_path / "cli"), "--quiet", *cli_flags],
                   check=True, stdout=subprocess.DEVNULL)
    stats = neardup.clean(inputs, tmp_path / "py", **options)
    cli = sorted(p.relative_to(tmp_path / "cli")
                 for p in (tmp_path / "cli").rglob("*") if p.is_file())
    py = sorted(p.relative_to(tmp_path / "py")
                for p in (tmp_path / "py").rglob("*") if p.is_file())
    assert cli == py
    assert ("report.html" in map(str, cli)) == report
    for name in cli:
        if str(name) in ("stats.json", "report.html"):
            continue
        assert (tmp_path / "cli" / name).read_bytes() == (
            tmp_path / "py" / name).read_bytes(), name
    assert _stats_without_timing(tmp_path / "cli" / "stats.json") == \
        _stats_without_timing(tmp_path / "py" / "stats.json")
    assert stats["read"] == 97 and stats["rejected"] == 1


def test_clean_with_line_counts_of_an_earlier_run(tmp_path):
    _clean_crawl(tmp_path)
    neardup.clean(tmp_path / "in.jsonl", tmp_path / "first")
    counts = tmp_path / "first" / "line_counts.bin"
    assert counts.exists()
    subprocess.run([NEARDUP, "clean", str(tmp_path / "in.jsonl"), "-o",
                    str(tmp_path / "cli"), "--quiet", "--no-report",
                    "--line-counts", str(counts)],
                   check=True, stdout=subprocess.DEVNULL)
    neardup.clean(tmp_path / "in.jsonl", tmp_path / "py", line_counts=counts)
    for name in ("in.jsonl", "edits.jsonl", "removed.jsonl"):
        assert (tmp_path / "cli" / name).read_bytes() == (
            tmp_path / "py" / name).read_bytes(), name


def test_clean_releases_the_gil(tmp_path):
    """Another Python thread runs while neardup.clean works: a ticker
    thread advances between two progress callbacks (which take the GIL
    back), so the job itself does not hold it."""
    _clean_crawl(tmp_path)
    ticks, between = [0], []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks[0] += 1
            time.sleep(0.0005)

    last = [None]

    def progress(*event):
        if last[0] is not None:
            between.append(ticks[0] - last[0])
        last[0] = ticks[0]

    thread = threading.Thread(target=ticker)
    old = sys.getswitchinterval()
    sys.setswitchinterval(30)  # a thread that holds the GIL keeps it
    thread.start()
    try:
        neardup.clean(tmp_path / "in.jsonl", tmp_path / "py",
                      progress=progress)
    finally:
        stop.set()
        sys.setswitchinterval(old)
        thread.join()
    assert between and max(between) > 0
@pytest.mark.parametrize("flags,options", [
    (["--verify", "exact", "--containment", "0.7", "--keep", "longest"],
     dict(verify="exact", containment=0.7, keep="longest")),
    (["--main-text", "on", "--digits", "keep"],
     dict(main_text=True, digits="keep")),
])
def test_issue13_options_equal_neardup_dedup(tmp_path, flags, options):
    texts = corpus(120, seed=4)
    furniture = "\n".join("menu item %s here" % w for w in texts[0].split()[:80])
    with open(tmp_path / "in.jsonl", "w", encoding="utf-8") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"id": "d%d" % i,
                                "url": "https://s%d.example/%d" % (i % 3, i),
                                "text": furniture + "\n" + t}) + "\n")
        for i, t in enumerate(texts[:30]):  # excerpts on another site
            words = t.split(" ")
            f.write(json.dumps({"id": "x%d" % i, "url": "https://x.example/",
                                "text": " ".join(words[:len(words) * 3 // 4])})
                    + "\n")
    subprocess.run([NEARDUP, "dedup", str(tmp_path / "in.jsonl"), "-o",
                    str(tmp_path / "cli"), "--quiet"] + flags,
                   check=True, stdout=subprocess.DEVNULL)
    stats = neardup.dedup([str(tmp_path / "in.jsonl")], str(tmp_path / "py"),
                          **options)
    assert stats["removed"] > 0
    for name in ("in.jsonl", "removed.jsonl", "clusters.jsonl"):
        assert (tmp_path / "cli" / name).read_bytes() == (
            tmp_path / "py" / name).read_bytes(), name


def test_find_duplicates_decides_as_neardup_dedup(tmp_path):
    texts = corpus(200, seed=8)
    texts += [t.replace(" the ", " a ", 1) for t in texts[:40]]
    with open(tmp_path / "in.jsonl", "w", encoding="utf-8") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"id": str(i), "text": t}) + "\n")
    subprocess.run([NEARDUP, "dedup", str(tmp_path / "in.jsonl"), "-o",
                    str(tmp_path / "cli"), "--quiet"],
                   check=True, stdout=subprocess.DEVNULL)
    job = {}
    with open(tmp_path / "cli" / "removed.jsonl", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            job[int(r["id"])] = int(r["kept_id"])
    d = neardup.find_duplicates(texts)
    memory = {i: int(k) for i, k in enumerate(d["kept"]) if k != i}
    assert memory == job and d["removed"] == len(job) > 0
    assert len(d["pairs"]) == len(d["pair_similarity"]) > 0
    with pytest.raises(ValueError):
        neardup.find_duplicates(texts, threshold=1.5)


# ----------------------------------------------------------- GIL and buffers


def test_batch_calls_release_the_gil():
    # With a switch interval far longer than the call, a thread that holds
    # the GIL never lets the ticker run until it returns; a call that
    # releases it lets the ticker tick throughout. The batch grows until
    # the call lasts long enough to tell (no bound on the machine's speed).
    base = corpus(40)
    hasher = neardup.MinHasher(num_perm=256)
    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(30.0)
    try:
        texts = base * 10
        while True:
            ticks, span, done = [], [], threading.Event()

            def tick():
                while not done.is_set():
                    ticks.append(time.monotonic())
                    time.sleep(0.001)

            def work():
                span.append(time.monotonic())
                hasher.sign_texts(texts)
                span.append(time.monotonic())

            ticker = threading.Thread(target=tick)
            ticker.start()
            worker = threading.Thread(target=work)
            worker.start()
            worker.join()
            done.set()
            ticker.join()
            begin, end = span
            if end - begin > 0.3 or len(texts) > 2_000_000:
                break
            texts = texts * 4
    finally:
        sys.setswitchinterval(old_interval)
    inside = [t for t in ticks if begin + 0.05 < t < end - 0.05]
    assert len(inside) >= 3, (len(inside), end - begin, len(texts))


def test_arrays_without_numpy():
    code = r"""
import sys
sys.modules["numpy"] = None  # import numpy now fails
import neardup
h = neardup.MinHasher(num_perm=16)
sig = h.sign_texts(["one two three four five six", "a b c"])
assert isinstance(sig, memoryview), type(sig)
assert sig.shape == (2, 16) and sig.itemsize == 4 and sig.format in "IL"
hashes = neardup.Shingler().hash("one two three four five six")
assert isinstance(hashes, memoryview) and hashes.shape == (2,)
assert hashes.tolist()[0] == 0x31e758b4e93e82ed
print(sig.tolist()[0] == list(h.sign(hashes)))
"""
    out = subprocess.run([sys.executable, "-c", code], check=True,
                         capture_output=True, text=True,
                         env=dict(os.environ))
    assert out.stdout.strip() == "True"


def test_buffers_are_checked():
    np = pytest.importorskip("numpy")
    with pytest.raises(ValueError, match="items of 4 bytes"):
        neardup.band_keys(np.zeros((2, 16), dtype=np.uint64), 4, 4)
    # A transposed or sliced array is copied, not refused.
    rng = np.random.default_rng(5)
    sigs = rng.integers(0, 2**32, size=(16, 3), dtype=np.uint32)
    assert (neardup.band_keys(sigs.T, 4, 4) ==
            neardup.band_keys(np.ascontiguousarray(sigs.T), 4, 4)).all()
    wide = rng.integers(0, 2**32, size=(3, 32), dtype=np.uint32)
    assert (neardup.band_keys(wide[:, ::2], 4, 4) ==
            neardup.band_keys(np.ascontiguousarray(wide[:, ::2]), 4, 4)).all()
    with pytest.raises(ValueError, match="bands x rows"):
        neardup.band_keys(np.zeros((2, 16), dtype=np.uint32), 5, 4)
    with pytest.raises(TypeError):
        neardup.MinHasher(num_perm=8).sign_texts(["ok", 3])
    # A list where an array is expected says what to pass instead.
    with pytest.raises(TypeError, match="expected an array.*got list.*"
                       "numpy.asarray.*uint32"):
        neardup.band_keys([[1, 2], [3, 4]], 1, 1)


def test_errors_become_python_exceptions(tmp_path):
    with pytest.raises(ValueError, match="num_perm"):
        neardup.MinHasher(num_perm=0)
    with pytest.raises(ValueError):
        neardup.optimal_lsh_params(1.5, 112)
    with pytest.raises(FileNotFoundError):
        neardup.plan_inputs([str(tmp_path / "missing.jsonl")])
    with pytest.raises(ValueError, match="keep policy"):
        neardup.parse_keep_policy("biggest")
    with pytest.raises(ValueError, match='method must be .* got "lsh"'):
        neardup.parse_dedup_method("lsh")
    for method in (neardup.DedupMethod.MINHASH, neardup.DedupMethod.SIMHASH,
                   neardup.DedupMethod.EXACT):
        assert neardup.parse_dedup_method(
            neardup.dedup_method_name(method)) == method
    assert neardup.__version__
