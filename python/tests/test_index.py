"""neardup.Index against the in-memory dedup (find_duplicates, which decides
as the neardup command does): the same records kept, one text at a time and
in batches; queries, removal, save and open, errors, GIL release.

Run: PYTHONPATH=<build>/python /usr/bin/python3 -m pytest python/tests/test_index.py
"""

import os
import random
import threading

import pytest

import neardup


def crawl(seed=5, originals=120):
    """Documents, edited copies around the threshold, exact copies, shuffled."""
    rng = random.Random(seed)
    words = ["w" + "".join(chr(97 + (n // 26 ** k) % 26) for k in range(3))
             for n in range(3000)]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(40, 120)))
             for _ in range(originals)]
    for i in range(originals):
        copy = rng.choice(texts).split()
        for e in range(rng.randint(0, 11)):
            # letters only: normalization maps every digit to 0
            tag = str(i).translate(str.maketrans("0123456789", "abcdefghij"))
            copy.insert(rng.randint(0, len(copy)), "edit" + chr(97 + e) + tag)
        texts.append(" ".join(copy) if rng.random() < 0.8 else rng.choice(texts))
    texts += ["", "!!!", ""]
    rng.shuffle(texts)
    return texts


@pytest.mark.parametrize("options", [
    {},
    {"method": "simhash"},
    {"method": "exact"},
    {"verify": "exact"},
    {"threshold": 0.6},
])
def test_keeps_what_dedup_keeps(options):
    texts = crawl()
    found = neardup.find_duplicates(texts, **options)
    expected = {i: found["kept"][i] for i in range(len(texts))
                if found["kept"][i] != i}
    assert len(expected) > 20
    # one text at a time: the first match inserted is the kept record
    index = neardup.Index(**options)
    removed = {}
    for i, text in enumerate(texts):
        keys = [int(k) for k, _ in index.query(text)]
        if keys:
            removed[i] = min(keys)
        else:
            index.insert(str(i), text)
    assert removed == expected
    batch = neardup.Index(**options)
    decided = batch.dedup_batch([str(i) for i in range(len(texts))], texts,
                                threads=3)
    assert {i: int(k) for i, k in enumerate(decided) if k is not None} == expected
    assert len(batch) == len(index) == len(texts) - len(expected)


def test_query_remove_contains_len(tmp_path):
    index = neardup.Index(threshold=0.5, num_perm=64)
    assert (index.bands, index.rows, index.method) == (index.bands, index.rows, "minhash")
    text = "one two three four five six seven eight nine ten eleven twelve"
    index.insert("a", text, origin="file.jsonl:1")
    index.insert("b", text + " thirteen")
    assert len(index) == 2 and "a" in index and "c" not in index
    matches = index.query(text)
    assert [k for k, _ in matches] == ["a", "b"]  # best first
    assert matches[0][1] == 1.0 and matches[1][1] < 1.0
    assert index.query(text, limit=1) == matches[:1]
    assert index.query(text, origin=True)[0] == ("a", 1.0, "file.jsonl:1")
    with pytest.raises(ValueError):
        index.insert("a", "again")
    assert index.remove("a") and not index.remove("a")
    assert [k for k, _ in index.query(text)] == ["b"]
    path = str(tmp_path / "i.ndx")
    index.save(path)
    opened = neardup.Index.open(path)
    assert len(opened) == 1 and opened.query(text) == index.query(text)
    assert opened.parameters == index.parameters
    data = bytearray(open(path, "rb").read())
    data[-2] ^= 1
    open(path, "wb").write(bytes(data))
    with pytest.raises(OSError, match="checksum"):
        neardup.Index.open(path)
    with pytest.raises(FileNotFoundError):
        neardup.Index.open(str(tmp_path / "missing"))


def test_batches_and_errors():
    texts = crawl(7, 60)
    index = neardup.Index()
    keys = ["k%d" % i for i in range(len(texts))]
    index.insert_batch(keys, texts, threads=2)
    assert len(index) == len(texts)
    results = index.query_batch(texts, threads=2)
    assert results == [index.query(t) for t in texts]
    with pytest.raises(ValueError):
        index.insert_batch(["new", "k0"], ["x", "y"])
    assert "new" not in index  # all or nothing
    with pytest.raises(TypeError):
        index.query_batch("one text")
    with pytest.raises(TypeError):
        index.query(3)
    with pytest.raises(ValueError):
        neardup.Index(threshold=2)
    with pytest.raises(ValueError):
        neardup.Index(method="lsh")
    with pytest.raises(ValueError):
        index.query_batch(texts, threads=-1)
    with pytest.raises(ValueError):
        index.query("x", min_similarity=3)


def test_batch_releases_the_gil():
    texts = [" ".join("w%d" % ((i * 7 + j) % 5000) for j in range(400))
             for i in range(3000)]
    index = neardup.Index()
    ticks = []
    done = threading.Event()

    def tick():
        while not done.is_set():
            ticks.append(1)
            done.wait(0.001)

    t = threading.Thread(target=tick)
    t.start()
    index.insert_batch(["%d" % i for i in range(len(texts))], texts, threads=1)
    index.query_batch(texts, threads=1)
    done.set()
    t.join()
    assert len(ticks) > 5


def test_index_folder_of_dedup_runs(tmp_path):
    texts = crawl(9, 40)
    path = tmp_path / "a.jsonl"
    import json
    with open(path, "w") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"id": "r%d" % i, "text": t}) + "\n")
    index_dir = str(tmp_path / "seen")
    import subprocess
    neardup_cmd = os.environ.get("NEARDUP")
    if not neardup_cmd:
        pytest.skip("NEARDUP (the command) not given")
    subprocess.run([neardup_cmd, "dedup", str(path), "-o", str(tmp_path / "out"),
                    "--index", index_dir, "-q", "--no-report"], check=True)
    folder = neardup.IndexFolder(index_dir)
    assert folder.generations[0]["number"] == 1
    assert len(folder) == folder.generations[0]["records"]
    found = folder.query(texts[0])
    assert found and found[0][1] == 1.0 and found[0][2] == 1
    assert found[0][3] == str(path) and found[0][4] >= 1
    assert folder.query_batch([texts[0]], threads=2)[0] == found
    with pytest.raises(FileNotFoundError):
        neardup.IndexFolder(str(tmp_path / "none"))


def test_dedup_against_an_index_folder(tmp_path):
    import json
    texts = crawl(13, 60)
    half = len(texts) // 2
    for name, part in (("a", texts[:half]), ("b", texts[half:])):
        with open(tmp_path / (name + ".jsonl"), "w") as f:
            for i, t in enumerate(part):
                f.write(json.dumps({"id": name + str(i), "text": t}) + "\n")
    seen = tmp_path / "seen"
    a = neardup.dedup(tmp_path / "a.jsonl", tmp_path / "oa", index=seen)
    b = neardup.dedup(tmp_path / "b.jsonl", tmp_path / "ob", index=seen)
    whole = neardup.dedup([tmp_path / "a.jsonl", tmp_path / "b.jsonl"],
                          tmp_path / "whole")
    assert a["removed"] + b["removed"] == whole["removed"]
    assert len(neardup.IndexFolder(str(seen))) == whole["kept"]
    with pytest.raises(ValueError):
        neardup.dedup(tmp_path / "b.jsonl", tmp_path / "oc", index=seen,
                      threshold=0.7)
    with pytest.raises(ValueError):
        neardup.dedup(tmp_path / "b.jsonl", tmp_path / "od", index_readonly=True)
