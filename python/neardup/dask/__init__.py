"""neardup.dask: the job of ``neardup dedup`` as a Dask distributed graph.

``dedup(paths, output, client=...)`` reads the same inputs, takes the same
options and writes the same files as ``neardup dedup``: the kept records
(one output per input file, same format and compression), removed.jsonl,
clusters.jsonl, rejected.jsonl and stats.json. For the same input and seed
the clusters, the removals and the kept records are byte for byte those of
the single-machine job, whatever the number of workers and partitions.
stats.json differs only in what describes the run rather than the data:
``seconds``, ``peak_rss_bytes`` (the largest peak of any worker process),
``threads`` (worker threads), and, for the minhash method only,
``verified_pairs`` (here the number of distinct candidate pairs compared;
the single-machine job skips pairs that earlier pairs already joined, so
its count depends on the order it meets them in). It writes no
report.html and no ``pair_similarity`` (``neardup dedup --no-report``
writes neither either); ``neardup report OUTPUT`` writes the page for its
output afterwards, without the pairs' similarity chart.

The graph (every step runs on the workers; the driver only orders the
steps, sums counters and streams the small output files):

1. sign: one task per partition (a file, or a byte range of an
   uncompressed JSONL file) reads its records and computes their signatures
   in C++ (SignDedupPartition). Documents are numbered in input order:
   partition offsets are prefix sums of the partition counts.
2. bucket: every (band, band key, document) triple is shuffled by band key;
   each shuffle partition sorts its triples and emits the candidate pairs
   of each bucket with the C++ rule (CandidatesFromSortedKeys: the same
   pairs and oversized-bucket handling as the single-machine job).
3. verify: pairs go to the partition holding their first document (its
   signature is attached), then to the partition holding the second, where
   the estimated Jaccard is computed (EstimateJaccard) and compared with
   the threshold. For simhash the triples are (permuted table, masked
   fingerprint, document) and the shard verifies the Hamming distance
   itself (SimHashPairsFromSortedKeys, the single-machine job's rule); the
   exact method joins every candidate pair.
4. components: the verified edges are joined into clusters by the
   alternating large-star / small-star algorithm (Kiveris et al., 2014,
   "Connected Components in MapReduce and Beyond"), each step a shuffle of
   edges by vertex, repeated until neither step changes an edge (O(log^2 n)
   rounds). Each cluster ends as a star around its smallest member, which
   is the single-machine job's cluster representative.
5. keep: members go, with their signature (shingle set, fingerprint or
   key), to the partition of their component's smallest member, where the
   component is judged with the C++ rule (JudgeComponents: members, best
   first by the keep policy, join the first kept member they are a
   duplicate of, else are kept; no chains) and its clusters (a kept member
   and the members judged against it) are numbered in order of (component,
   first member), like the single-machine job; then members go to the kept
   member's partition (its id and signature are attached) and back to
   their own, which formats its removed.jsonl lines (RemovedJson) and its
   keep flags, and sends its clusters.jsonl lines to the component's
   partition to be sorted. A component of m members costs up to m x kept
   comparisons in one task.
6. write: one task per input file writes its kept records
   (WriteKeptDocuments). The driver concatenates removed.jsonl,
   clusters.jsonl and rejected.jsonl from the partitions in order.

Memory: a worker holds the signed partitions it computed (signature and id
of each document: about 4 x num_perm + id bytes per document, plus 8 bytes
per distinct shingle with verify="exact"; Dask spills them to its local
disk past its memory limit) and one shuffle partition at
a time per task: the band triples of 1/P of the documents, the candidate
pairs and edges of 1/P of the keys or vertices. The components step holds,
per task, the edges of the vertices hashed to it; its one skew is a single
cluster, whose star edges all meet at its smallest member (a cluster of m
documents costs about 16 m bytes in the task that holds that member).

Data layout: every worker must be able to open every input path, and the
output folder, under the same name: a shared filesystem (NFS, Lustre,
CephFS, a bind mount at the same place on each machine). Object stores
(s3://, gs://) are not read directly: mount them (s3fs, gcsfuse) or copy.

Modules: ``_files`` (the file stages: partitions, sign, write),
``_shuffle`` (moving rows between tasks), ``_candidates`` (steps 2 and 3),
``_components`` (step 4), ``_keep`` (step 5), ``_graph`` (the driver that
submits the steps) and ``_cli`` (``python3 -m neardup.dask``).
"""

import os
import time

from neardup import _core
from neardup._options import _options, _plan
from neardup.dask._cli import _parser, main  # noqa: F401
from neardup.dask._files import _partitions
from neardup.dask._graph import _run

__all__ = ["dedup", "main"]

# The flags of neardup dedup that the Dask job does not support.
UNSUPPORTED = ("threads", "max_memory", "min_words", "output_format",
               "main_text", "line_counts", "report")


def dedup(paths, output, *, client=None, scheduler=None,
          partition_bytes=64 << 20, shuffle_partitions=0, **options):
    """Runs the dedup job of ``neardup dedup`` on a Dask cluster.

    paths: files and folders (expanded as ``neardup dedup`` does); output:
    the output folder. Every worker must be able to read the inputs and
    write the output folder under these names (a shared filesystem). The
    options are the command's flags with underscores (``method``,
    ``threshold``, ``ngram`` (0: 5 for minhash, 3 for simhash), ``char``,
    ``num_perm``, ``bands``, ``rows``, ``hamming``, ``keep``, ``verify``,
    ``containment``, ``containment_asymmetry``, ``digits``,
    ``text_field``, ``id_field``,
    ``max_doc_bytes``, ``oversize``, ``seed``, ``dry_run``, ``overwrite``,
    ``max_bucket_pairs_size``), with the command's defaults (those of the
    C++ DedupOptions); ``threads``, ``max_memory``, ``min_words``,
    ``output_format``, ``main_text``, ``line_counts`` and ``report`` are not
    supported (TypeError; ``neardup report OUTPUT`` writes the page
    afterwards). client: a ``distributed.Client``;
    scheduler: the address of one to connect to ("tcp://host:8786"); with
    neither, the current client (``distributed.get_client()``).
    partition_bytes: uncompressed JSONL files larger than this are read in
    byte ranges of about this size (other files whole).
    shuffle_partitions: the shards of the key and vertex shuffles (0: twice
    the worker threads, at most one per partition). All three methods and
    both verify modes are supported; verify="exact" keeps every document's
    shingle set with its signature (8 bytes per distinct shingle).

    keep: first, longest or field:NAME. Judging is the command's: records,
    best first by the keep policy, join the first kept record they are a
    duplicate of, else are kept (no chains). containment (estimated, or
    exact with verify="exact"; on by default with minhash),
    containment_asymmetry and digits ("zero" or "keep") are the command's
    --containment, --containment-asymmetry and --digits; --main-text is not
    supported here.

    Returns the parsed stats.json. Raises the errors of ``neardup dedup``
    (ValueError for bad options, FileNotFoundError, OSError) before any
    work is sent to the cluster.
    """
    started = time.monotonic()
    unsupported = sorted(set(options) & set(UNSUPPORTED))
    if unsupported:
        raise TypeError("neardup.dask.dedup does not support %s"
                        % ", ".join(unsupported))
    resolved = _core.resolve_dedup_options(_options(**options))
    inputs = _plan(paths)
    output = os.fspath(output)
    _core.prepare_dedup_output(inputs, output, resolved.overwrite,
                               resolved.reader)
    parts = _partitions(inputs, resolved.reader, partition_bytes)

    from distributed import Client, get_client
    own_client = None
    if client is None:
        if scheduler is not None:
            client = own_client = Client(scheduler)
        else:
            client = get_client()
    try:
        return _run(client, inputs, output, parts, dict(options), resolved,
                    shuffle_partitions, started)
    finally:
        if own_client is not None:
            own_client.close()
