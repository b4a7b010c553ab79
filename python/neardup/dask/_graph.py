"""The driver of neardup.dask: it submits every step of the graph (see the
package notes), orders them, sums counters and streams the small output
files; the work runs on the workers."""

import json
import operator
import os
import time

import numpy as np

from neardup import _core
from neardup.dask._candidates import _attach_first, _bucket_map, \
    _bucket_reduce, _edges_from_pairs, _verify
from neardup.dask._components import _star_out, connected_components
from neardup.dask._files import _peak_rss, _sign, _sign_meta, _write_file
from neardup.dask._keep import _attach_kept, _attach_member, _choose, \
    _cluster_chunk, _decide
from neardup.dask._lines import _count, _prepare
from neardup.dask._shuffle import _exchange, _field


class _Job:
    """What every step of one run needs: the client, the options, and the
    partitions (`count` sign partitions, `width` shuffle shards)."""

    def __init__(self, client, kw, options, count, shuffle_partitions):
        self.client = client
        self.kw = kw
        self.options = options
        self.method = _core.dedup_method_name(options.method)
        # What the C++ method is (SimilarityMethod): which evidence travels
        # and how candidates are found and joined.
        self.traits = next(t for t in _core.dedup_method_traits()
                           if t.method == options.method)
        # Steps that route to the partition holding a document use one piece
        # per sign partition (count); steps that route by key or vertex hash
        # use `width` pieces, a few per worker thread: the task count of a
        # shuffle is the product of the two sides.
        self.count = count
        if shuffle_partitions > 0:
            self.width = shuffle_partitions
        else:
            threads = sum(client.nthreads().values())
            self.width = max(2, min(count, 2 * threads))
        # Candidates are compared before joining (MinHash's LSH).
        self.verifies = self.traits.verifies_candidates
        sets = self.traits.compares_sets
        self.exact = sets and options.verify == _core.VerifyMode.EXACT
        # Containment estimated from signatures needs each set's size.
        self.sized = sets and not self.exact and options.containment > 0
        # Containment within one site does not count: sites travel with it.
        self.sited = sets and options.containment > 0
        self.seconds = []

    def timed(self, name, started):
        self.seconds.append((name, time.monotonic() - started))


def _run(client, inputs, output, parts, kw, options, shuffle_partitions,
         started):
    job = _Job(client, kw, options, len(parts), shuffle_partitions)
    t = time.monotonic()
    line_counts = _count_step(job, parts)
    if line_counts is not None:
        job.timed("count", t)
    t = time.monotonic()
    signed, metas, starts, offsets = _sign_step(job, parts, line_counts)
    del line_counts
    job.timed("sign", t)
    t = time.monotonic()
    edges, bucket_stats, verified = _candidate_step(job, signed, starts,
                                                    offsets)
    current, rounds = connected_components(client, edges, job.width)
    del edges
    job.timed("index", t)
    t = time.monotonic()
    decided, counts = _keep_step(job, signed, starts, offsets, current,
                                 output)
    del current
    job.timed("decisions", t)
    files = _write_step(job, inputs, output, metas, decided,
                        counts["removed"])
    _core.write_output(os.path.join(output, "rejected.jsonl"),
                       _stream(client, signed, "rejected_jsonl"))
    del decided, signed
    stats = _stats(job, inputs, files, metas, counts, bucket_stats, verified)
    job.seconds.append(("total", time.monotonic() - started))
    stats.stage_seconds = job.seconds
    stats.peak_rss_bytes = max(client.run(_peak_rss).values() or [0])
    stats.threads = sum(client.nthreads().values())
    text = _core.stats_to_json(stats, options)
    _core.write_output(os.path.join(output, "stats.json"), [text + "\n"])
    result = json.loads(text)
    result["components_rounds"] = rounds
    return result


def _stream(client, futures, name=None):
    """The results of futures (or their field `name`), one at a time."""
    for future in futures:
        value = future if name is None else client.submit(_field, future,
                                                          name)
        yield client.gather(value)


def _count_step(job, parts):
    """0. count (main_text only; else None): the line counts (a future of
    bytes), from every partition prepared on the workers and added in input
    order in one task, or read from line_counts by that task."""
    if not job.options.main_text:
        return None
    from distributed import wait
    client = job.client
    prepared = []
    if not job.options.line_counts_file:
        prepared = client.map(_prepare, parts, options=job.kw, pure=False)
    counts = client.submit(_count, prepared, job.kw, pure=False)
    del prepared
    # Every sign task waits for the counts; waiting here times the step
    # (and raises its errors, such as an unreadable line_counts file).
    wait([counts])
    if counts.status == "error":
        counts.result()
    return counts


def _sign_step(job, parts, line_counts):
    """1. sign: one task per partition. Documents are numbered in input
    order: partition offsets are prefix sums of the partition counts."""
    client = job.client
    if line_counts is None:
        signed = client.map(_sign, parts, options=job.kw, pure=False)
    else:
        signed = client.map(_sign, parts, options=job.kw,
                            line_counts=line_counts, pure=False)
    metas = client.gather(client.map(_sign_meta, signed))
    sizes = np.array([m["documents"] for m in metas], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    offsets = [int(s) for s in starts]
    if sizes.sum() >= 1 << 32:
        raise ValueError("neardup.dask: more than 2^32 documents")
    return signed, metas, starts, offsets


def _candidate_step(job, signed, starts, offsets):
    """2-3. bucket and verify: the verified edges (futures), the bucket
    statistics and the number of pairs compared."""
    client, count, width, options = job.client, job.count, job.width, \
        job.options
    # A method that chains buckets joins equal keys in a chain (a bucket of
    # m in m - 1 pairs).
    index = {"options": job.kw, "hamming": options.hamming,
             "signs_rows": job.traits.signs_rows,
             "compares_while_finding": job.traits.compares_while_finding,
             "cap": 1 if job.traits.chains_buckets
             else options.candidates.max_bucket_pairs_size}
    mapped = [client.submit(_bucket_map, s, o, index, width)
              for s, o in zip(signed, offsets)]
    buckets = [client.submit(_bucket_reduce, pieces, index, starts, count)
               for pieces in _exchange(client, mapped, width,
                                       getter=operator.getitem)]
    del mapped
    if job.verifies:
        firsts = [client.submit(_attach_first, signed[p], offsets[p], pieces,
                                starts, count, job.exact, job.sized,
                                job.sited)
                  for p, pieces in enumerate(_exchange(client, buckets,
                                                       count))]
        edges = [client.submit(_verify, signed[p], offsets[p], pieces,
                               options.threshold, width, job.exact,
                               options.containment, job.kw)
                 for p, pieces in enumerate(_exchange(client, firsts, count))]
        del firsts
    else:
        edges = [client.submit(_edges_from_pairs, pieces, width)
                 for pieces in _exchange(client, buckets, count)]
    bucket_stats = client.gather([client.submit(_field, b, "stats")
                                  for b in buckets])
    del buckets
    verified = sum(client.gather([client.submit(_field, e, "verified")
                                  for e in edges]))
    return edges, bucket_stats, verified


def _keep_step(job, signed, starts, offsets, current, output):
    """5. keep, number, format: writes removed.jsonl and clusters.jsonl;
    returns the decided partitions (futures) and the counts."""
    client, count = job.client, job.count
    stars = [client.submit(_star_out, r, starts, count) for r in current]
    members = [client.submit(_attach_member, signed[p], offsets[p], pieces,
                             starts, count, job.method, job.exact, job.sized,
                             job.sited)
               for p, pieces in enumerate(_exchange(client, stars, count))]
    chosen = [client.submit(_choose, signed[p], offsets[p], pieces, job.kw,
                            starts, count, job.method, job.exact, job.sized,
                            job.sited)
              for p, pieces in enumerate(_exchange(client, members, count))]
    del stars, members
    counts = {}
    for name in ("clusters", "members", "components"):
        counts[name] = client.gather([client.submit(_field, c, name)
                                      for c in chosen])
    cluster_base = np.concatenate(
        [[0], np.cumsum(counts["clusters"])[:-1]]).astype(np.int64)
    with_kept = [client.submit(_attach_kept, signed[p], offsets[p], pieces,
                               starts, count, job.method, job.exact,
                               job.sized)
                 for p, pieces in enumerate(_exchange(client, chosen, count))]
    del chosen
    decided = [client.submit(_decide, signed[p], offsets[p], pieces,
                             cluster_base, starts, count, job.method,
                             job.exact, job.options.containment > 0, job.kw)
               for p, pieces in enumerate(_exchange(client, with_kept,
                                                    count))]
    del with_kept
    chunks = [client.submit(_cluster_chunk, pieces)
              for pieces in _exchange(client, decided, count)]
    counts["removed"] = client.gather(
        [client.submit(_field, d, "removed_count") for d in decided])
    _core.write_output(os.path.join(output, "removed.jsonl"),
                       _stream(client, decided, "removed"))
    _core.write_output(os.path.join(output, "clusters.jsonl"),
                       _stream(client, chunks))
    return decided, counts


def _write_step(job, inputs, output, metas, decided, removed_counts):
    """6. write: one task per input file writes its kept records. Returns
    the FileCounts of the inputs."""
    client = job.client
    files = []
    for item in inputs:
        fc = _core.FileCounts()
        fc.path = item.path
        fc.output = item.output_name
        files.append(fc)
    for p, meta in enumerate(metas):
        fc = files[meta["file"]]
        if not fc.format:
            fc.format, fc.compression = meta["format"], meta["compression"]
        fc.read += meta["read"]
        fc.rejected += meta["rejected"]
        fc.passed_through += meta["passed_through"]
        fc.truncated += meta["truncated"]
        fc.removed += removed_counts[p]
    if job.options.dry_run:
        for fc in files:
            fc.kept = fc.read - fc.rejected - fc.removed
        return files
    t = time.monotonic()
    writes = []
    for f, item in enumerate(inputs):
        keeps = [client.submit(_field, decided[p], "keep")
                 for p, meta in enumerate(metas) if meta["file"] == f]
        writes.append(client.submit(
            _write_file, item.path, os.path.join(output, item.output_name),
            job.kw, keeps, pure=False))
    for fc, written in zip(files, client.gather(writes)):
        fc.kept = written
    job.timed("write", t)
    return files


def _stats(job, inputs, files, metas, counts, bucket_stats, verified):
    """The DedupStats of the run, as neardup dedup counts them."""
    stats = _core.DedupStats()
    # What neardup dedup lists as its outputs: a text file's output exists
    # only when its document is kept.
    outputs = ["clusters.jsonl", "rejected.jsonl", "removed.jsonl"]
    if not job.options.dry_run:
        outputs += [item.output_name for item, fc in zip(inputs, files)
                    if fc.format != "text" or fc.kept > 0]
    stats.outputs = sorted(outputs)
    for name in ("read", "rejected", "passed_through", "truncated",
                 "text_bytes", "repaired_utf8"):
        setattr(stats, name, sum(m[name] for m in metas))
    stats.removed = sum(counts["removed"])
    stats.kept = stats.read - stats.rejected - stats.removed
    stats.clusters = int(sum(counts["clusters"]))
    stats.candidate_pairs = sum(s[1] for s in bucket_stats)
    # Only MinHash verification skips pairs (see the package notes); the
    # other methods verify every candidate, as neardup dedup counts them.
    stats.verified_pairs = (int(verified) if job.verifies
                            else sum(s[1] for s in bucket_stats))
    stats.joined_pairs = int(sum(counts["members"]) -
                             sum(counts["components"]))
    if job.traits.signs_rows:
        stats.lsh = _core.LshParams(job.options.bands, job.options.rows)
    candidates = _core.CandidateStats()
    candidates.buckets = sum(s[0] for s in bucket_stats)
    candidates.pairs = sum(s[1] for s in bucket_stats)
    candidates.oversized_buckets = sum(s[2] for s in bucket_stats)
    candidates.largest_bucket = max([s[3] for s in bucket_stats] or [0])
    stats.candidates = candidates
    stats.files = files
    return stats
