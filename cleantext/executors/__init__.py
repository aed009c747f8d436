"""Executors: where a batch's tasks are cleaned.

Every executor has the same small interface (`Executor`): `outcomes(tasks)` yields one
`batch.Outcome` per task *in task order*, and `close()` stops the work and throws away
whatever was cleaned ahead. The batch (`batch.run`) finishes each outcome in the main
process: it appends spooled text to the shared output or renames the task's own file
into place. So every executor gives the same bytes.

- `local.InProcess`: the main process, one task after the other (``-j 1``, standard
  input, small batches, and pipelines whose stages remember earlier documents).
- `pool.ProcessPool`: worker processes on this machine (``-j N``).
- `dask.DaskExecutor`: a Dask cluster, local or remote (``--engine dask``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

from ..batch.options import PARALLEL_MIN_BYTES, STDIN, BatchUsageError, default_jobs
from ..pipeline import Pipeline


class Executor(Protocol):
    def outcomes(self, tasks: Sequence[Any]) -> Iterator[Any]:
        """One outcome per task, in task order."""
        ...

    def close(self) -> None:
        """Stop, throw away work done ahead, remove temporary files."""
        ...


class DaskUnavailable(BatchUsageError):
    """Dask cannot run this batch: not installed, no scheduler at the address, or
    stages it cannot run yet; the CLI says so in one line (exit 2). (Defined here, not in
    `dask`, so the command line can catch it without importing that executor.)"""


class Destination:
    """Where an executor running in the main process may write directly: the shared
    output (a `DocumentJoiner`, or None with per-input outputs), the removed-lines
    stream, and a progress callback for the bytes read of the current input."""

    def __init__(self, joiner: Any = None, removed: Any = None,
                 progress: Callable[[int], None] | None = None):
        self.joiner, self.removed, self.progress = joiner, removed, progress


def keeps_state_across_documents(pipeline: Pipeline) -> bool:
    """Whether a stage remembers one document while cleaning the next (corpus dedup)."""
    return any(stage.cross_document for stage in pipeline.stages)


def choose_jobs(pipeline: Pipeline, tasks: Sequence[Any], requested: int | None) -> int:
    """How many worker processes to use; 1 means the main process does the work."""
    files = [task for task in tasks if task.source != STDIN and not task.problem]
    if keeps_state_across_documents(pipeline) or len(files) < 2:
        return 1
    if requested is None:
        if sum(task.size for task in files) < PARALLEL_MIN_BYTES:
            return 1
        requested = default_jobs()
    return max(1, min(requested, len(files), default_jobs()))


__all__ = ["DaskUnavailable", "Destination", "Executor", "choose_jobs", "keeps_state_across_documents"]
