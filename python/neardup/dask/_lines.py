"""The count step of neardup.dask with main_text: the line counts every
partition is signed with, those of ``neardup dedup --main-text on``. Each
partition's documents are prepared for counting on the workers
(PrepareDedupLines: the expensive part, normalizing and hashing lines); one
task adds them in input order, since the counts depend on it, and finishes
them as the command does (CountDedupLines). With ``line_counts`` that task
reads the file instead. The result, LineCounter serialized, goes to every
sign task."""

from neardup import _core
from neardup._options import _options


def _prepare(part, options):
    _, path, display, begin, end = part
    resolved = _core.resolve_dedup_options(_options(**options))
    return _core.prepare_dedup_lines(
        _core.DedupPartition(path, display, begin, end), resolved)


def _count(prepared, options):
    resolved = _core.resolve_dedup_options(_options(**options))
    return _core.count_dedup_lines(list(prepared), resolved)
