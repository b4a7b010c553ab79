"""neardup.dask.dedup against `neardup dedup` on a generated crawl with
near-duplicates: the same kept records, removed.jsonl, clusters.jsonl and
rejected.jsonl byte for byte, and the same stats.json except the fields that
describe the run, on a distributed.LocalCluster of 1 and of 2 worker
processes, with files read whole or cut into byte ranges.

Run: PYTHONPATH=<build>/python NEARDUP=<build>/tools/neardup \
     /usr/bin/python3 -m pytest python/tests/test_dask.py
"""

import gzip
import json
import logging
import os
import random
import subprocess

import pytest

distributed = pytest.importorskip("distributed")

import neardup.dask  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
NEARDUP = os.environ.get("NEARDUP", os.path.join(REPO, "build", "tools",
                                                 "neardup"))
# What stats.json says about the run rather than the data (see
# neardup/dask/__init__.py).
RUN_FIELDS = {"seconds", "peak_rss_bytes", "threads"}

WORDS = ("market city water people year report government school river "
         "council budget train museum season league storm harbour bridge "
         "festival hospital election farmer village library court").split()


def make_text(rng, words):
    sentences = []
    while words > 0:
        n = min(words, rng.randint(6, 14))
        sentence = " ".join(rng.choice(WORDS) for _ in range(n))
        sentences.append(sentence.capitalize() + ".")
        words -= n
    return " ".join(sentences)


def edit(rng, text, changes):
    words = text.split(" ")
    for _ in range(changes):
        words[rng.randrange(len(words))] = rng.choice(WORDS)
    return " ".join(words)


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    """A folder of three files: plain JSONL (to be cut into byte ranges),
    gzip JSONL, and a text file; near and exact copies within and across
    files, a malformed line, a record without id, chains of edits."""
    rng = random.Random(2026)
    root = tmp_path_factory.mktemp("dask") / "crawl"
    root.mkdir()
    originals = [make_text(rng, rng.randint(40, 400)) for _ in range(260)]
    a_lines, b_lines = [], []
    for i, text in enumerate(originals):
        record = {"id": "a%d" % i, "url": "https://s%d.example/a%d" % (i % 4, i),
                  "text": text, "score": rng.randint(0, 9)}
        if i % 50 == 7:
            record["score"] = None  # not a number: ranks below any number
        a_lines.append(json.dumps(record, ensure_ascii=False))
        if i % 3 == 0:  # an edited copy later in the same file
            copy = {"id": "a%d-copy" % i,
                    "text": edit(rng, text, rng.randint(0, 4)),
                    "extra": {"kept": "byte for byte"},
                    "score": rng.randint(0, 9)}
            a_lines.append(json.dumps(copy))
        if i % 5 == 0:  # and one in the gzip file
            b_lines.append(json.dumps({"id": "b%d" % i,
                                       "text": edit(rng, text, 2) + " More.",
                                       "score": 3}))
    # A chain: each edit of the previous, so clusters join transitively.
    chain = originals[11]
    for k in range(6):
        chain = edit(rng, chain, 3)
        b_lines.append(json.dumps({"id": "chain%d" % k, "text": chain}))
    # Excerpts: the first two thirds of a text (containment 1), half on
    # their original's site (containment within a site does not count),
    # half on another.
    for i in range(0, len(originals), 13):
        words = originals[i].split(" ")
        site = i % 4 if (i // 13) % 2 else 4
        b_lines.append(json.dumps({"id": "x%d" % i,
                                   "url": "https://s%d.example/x%d" % (site, i),
                                   "text": " ".join(
            words[:len(words) * 2 // 3])}))
    # Rewrites: a twentieth of a text's words replaced, one size, so that
    # about 75% of the shingles are shared at Jaccard 0.6: an edit, which
    # containment counts only with containment_asymmetry 1.
    for i in range(0, len(originals), 17):
        words = originals[i].split(" ")
        b_lines.append(json.dumps({"id": "r%d" % i,
                                   "text": edit(rng, originals[i],
                                                max(1, len(words) // 20))}))
    a_lines.insert(40, '{"id": "broken", "text": "no closing brace"')
    a_lines.insert(90, json.dumps({"text": originals[5]}))  # no id
    for _ in range(60):
        b_lines.append(json.dumps({"id": "u%d" % len(b_lines),
                                   "text": make_text(rng, 120)}))
    (root / "a.jsonl").write_text("\n".join(a_lines) + "\n",
                                  encoding="utf-8")
    with gzip.open(root / "b.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write("\n".join(b_lines) + "\n")
    (root / "c.txt").write_text(originals[3] + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def clients():
    """A LocalCluster of 1 and one of 2 worker processes, for the module."""
    logging.getLogger("distributed").setLevel(logging.ERROR)
    made = {}
    for workers in (1, 2):
        cluster = distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True,
            dashboard_address=":0", silence_logs=logging.ERROR)
        made[workers] = (cluster, distributed.Client(cluster))
    yield {k: v[1] for k, v in made.items()}
    for cluster, client in made.values():
        client.close()
        cluster.close()


OPTIONS = {
    "default": ({}, []),
    "longest": (dict(threshold=0.7, keep="longest", seed=5, num_perm=64),
                ["--threshold", "0.7", "--keep", "longest", "--seed", "5",
                 "--num-perm", "64"]),
    "field": (dict(keep="field:score", ngram=3, bands=10, rows=4),
              ["--keep", "field:score", "--ngram", "3", "--bands", "10",
               "--rows", "4"]),
    "exact": (dict(method="exact"), ["--method", "exact"]),
    "simhash": (dict(method="simhash", hamming=4),
                ["--method", "simhash", "--hamming", "4"]),
    "dry_run": (dict(dry_run=True), ["--dry-run"]),
    "verify_exact": (dict(verify="exact", threshold=0.75),
                     ["--verify", "exact", "--threshold", "0.75"]),
    "containment": (dict(verify="exact", containment=0.8, keep="longest",
                         digits="keep"),
                    ["--verify", "exact", "--containment", "0.8",
                     "--digits", "keep", "--keep", "longest"]),
    "containment_estimated": (dict(containment=0.8, keep="longest"),
                              ["--containment", "0.8", "--keep", "longest"]),
    "asymmetry": (dict(verify="exact", containment=0.7,
                       containment_asymmetry=1),
                  ["--verify", "exact", "--containment", "0.7",
                   "--containment-asymmetry", "1"]),
    "no_containment": (dict(containment=0), ["--containment", "0"]),
    "truncate": (dict(max_doc_bytes=1500, oversize="truncate"),
                 ["--max-doc-bytes", "1500", "--oversize", "truncate"]),
}


def run_cli(crawl, out, flags):
    # --no-report: neardup.dask writes no report.html (`neardup report OUT`
    # writes one for its output), and the command records the pairs'
    # similarity in stats.json only for its report.
    subprocess.run([NEARDUP, "dedup", str(crawl), "-o", str(out), "--quiet",
                    "--threads", "2", "--no-report"] + flags, check=True,
                   stdout=subprocess.DEVNULL)


def outputs(folder):
    files = {}
    for dirpath, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(dirpath, name)
            files[os.path.relpath(path, folder)] = open(path, "rb").read()
    return files


def assert_same_outputs(expected_dir, got_dir):
    expected, got = outputs(expected_dir), outputs(got_dir)
    assert sorted(expected) == sorted(got)
    for name in expected:
        if name == "stats.json":
            continue
        assert expected[name] == got[name], name
    want = json.loads(expected["stats.json"])
    have = json.loads(got["stats.json"])
    for key in set(want) | set(have):
        if key in RUN_FIELDS:
            continue
        if key == "verified_pairs" and want["parameters"]["method"] == "minhash":
            continue  # counts distinct pairs, see neardup/dask/__init__.py
        assert want.get(key) == have.get(key), key
    return want


@pytest.fixture(scope="module")
def references(crawl, tmp_path_factory):
    """neardup dedup's outputs for each option set, computed once."""
    root = tmp_path_factory.mktemp("cli")
    made = {}

    def get(name):
        if name not in made:
            run_cli(crawl, root / name, OPTIONS[name][1])
            made[name] = root / name
        return made[name]
    return get


@pytest.mark.parametrize("workers,partition_bytes,options,width", [
    (1, 0, "default", 0),
    (2, 0, "default", 1),
    (1, 60000, "default", 0),
    (2, 60000, "default", 7),
    (2, 150000, "longest", 0),
    (2, 100000, "field", 3),
    (1, 150000, "exact", 2),
    (2, 60000, "simhash", 0),
    (2, 150000, "dry_run", 0),
    (2, 100000, "verify_exact", 0),
    (2, 100000, "truncate", 0),
    (2, 60000, "containment", 3),
    (2, 60000, "containment_estimated", 3),
    (2, 60000, "asymmetry", 3),
    (1, 100000, "no_containment", 0),
])
def test_same_outputs_as_neardup_dedup(crawl, clients, references, tmp_path,
                                       workers, partition_bytes, options,
                                       width):
    expected = references(options)
    stats = neardup.dask.dedup(
        [str(crawl)], str(tmp_path / "out"), client=clients[workers],
        partition_bytes=partition_bytes, shuffle_partitions=width,
        **OPTIONS[options][0])
    want = assert_same_outputs(expected, tmp_path / "out")
    # The crawl exercises what it should.
    exact = options in ("exact", "simhash")  # fewer at these settings
    assert want["removed"] > (10 if exact else 50)
    assert want["clusters"] > (5 if exact else 20)
    assert want["rejected"] == 1
    if options == "truncate":  # counted alike (stats.json is compared)
        assert want["truncated"] > 10
    removed = [json.loads(line) for line in
               open(os.path.join(expected, "removed.jsonl"), encoding="utf-8")]
    if options in ("verify_exact", "containment", "containment_estimated"):
        # Judged against the kept record (no chains): exact similarity.
        threshold = OPTIONS[options][0].get("threshold", 0.8)
        for r in removed:
            assert (r["similarity"] >= threshold
                    or r.get("containment", 0) >= 0.8), r
    if options in ("containment", "containment_estimated"):
        assert sum(r["similarity"] < 0.8 for r in removed) > 5
        # No removal by containment alone is of two pages of one site.
        host = {}
        for name, opener in (("a.jsonl", open), ("b.jsonl.gz", gzip.open)):
            with opener(os.path.join(crawl, name), "rt",
                        encoding="utf-8") as f:
                for line in f:
                    try:
                        record = json.loads(line)
                    except ValueError:
                        continue
                    if "id" in record and "url" in record:
                        host[record["id"]] = record["url"].split("/")[2]
        alone = [r for r in removed if r["similarity"] < 0.8]
        assert any(r["id"] in host for r in alone)
        # x13 lies in a13 only, on its site: kept; x26 in a26, on another.
        ids = {r["id"] for r in removed}
        assert "x13" not in ids and "x26" in ids
        for r in alone:
            assert (r["id"] not in host or r["kept_id"] not in host
                    or host[r["id"]] != host[r["kept_id"]]), r
    # The rewrites go by containment only when any containment counts.
    rewrites = [r for r in removed
                if r["id"].startswith("r") and r["similarity"] < 0.8]
    if options == "asymmetry":
        assert rewrites
    elif options in ("default", "containment", "containment_estimated"):
        assert not rewrites, rewrites
    assert stats["read"] == stats["kept"] + stats["removed"] + stats[
        "rejected"]
    assert stats["threads"] == workers


def test_cuts_plain_jsonl_into_byte_ranges(crawl):
    reader = neardup.ReaderOptions()
    parts = neardup.dask._partitions(neardup.plan_inputs([str(crawl)]),
                                     reader, 60000)
    files = [p[0] for p in parts]
    assert files.count(0) > 5  # a.jsonl in many ranges
    assert files.count(1) == 1 and files.count(2) == 1  # gzip, text: whole


def test_refuses_what_it_cannot_do_before_any_work(crawl, clients, tmp_path):
    client = clients[1]
    with pytest.raises(ValueError, match="verify"):
        neardup.dask.dedup([str(crawl)], str(tmp_path / "s"), client=client,
                           verify="jaccard")
    with pytest.raises(ValueError, match="threshold"):
        neardup.dask.dedup([str(crawl)], str(tmp_path / "t"), client=client,
                           threshold=1.5)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(OSError, match="not empty"):
        neardup.dask.dedup([str(crawl)], str(tmp_path / "full"),
                           client=client)
    with pytest.raises(FileNotFoundError):
        neardup.dask.dedup([str(tmp_path / "missing.jsonl")],
                           str(tmp_path / "m"), client=client)


def test_command_line_entry_point(crawl, clients, references, tmp_path):
    env = dict(os.environ)
    address = clients[2].scheduler.address
    out = subprocess.run(
        ["/usr/bin/python3", "-m", "neardup.dask", str(crawl), "-o",
         str(tmp_path / "out"), "--scheduler", address, "--partition-bytes",
         "100000", "--quiet"],
        check=True, capture_output=True, text=True, env=env)
    assert out.stdout.startswith("read ")
    assert_same_outputs(references("default"), tmp_path / "out")


def test_command_line_help_describes_every_option():
    parser = neardup.dask._parser()
    for action in parser._actions:
        assert action.help, action.option_strings or action.dest
    out = subprocess.run(["/usr/bin/python3", "-m", "neardup.dask", "--help"],
                         check=True, capture_output=True, text=True,
                         env=dict(os.environ))
    for flag in ("--max-memory", "--oversize", "--max-doc-bytes",
                 "--scheduler", "--threshold"):
        assert flag in out.stdout


def test_command_line_refuses_before_any_work(crawl, tmp_path, capsys):
    cases = [
        (["-o", "-"], "-o expects an output folder"),
        (["-o", str(tmp_path / "a"), "--max-memory", "12X"],
         '"12X" is not a size'),
        (["-o", str(tmp_path / "b"), "--max-memory", "1G", "--scheduler",
          "tcp://127.0.0.1:1"], "start the workers with --memory-limit"),
        (["-o", str(tmp_path / "c"), "--oversize", "cut"], "--oversize"),
    ]
    for flags, message in cases:
        with pytest.raises(SystemExit) as exit_info:
            neardup.dask.main([str(crawl)] + flags)
        assert exit_info.value.code == 2
        assert message in capsys.readouterr().err
    assert not os.path.exists("-")


def test_command_line_max_memory_and_oversize(crawl, references, tmp_path):
    out = subprocess.run(
        ["/usr/bin/python3", "-m", "neardup.dask", str(crawl), "-o",
         str(tmp_path / "out"), "--workers", "1", "--max-memory", "2G",
         "--max-doc-bytes", "1500", "--oversize", "truncate", "--quiet"],
        check=True, capture_output=True, text=True, env=dict(os.environ))
    assert "truncated)" in out.stdout
    assert_same_outputs(references("truncate"), tmp_path / "out")
