"""The in-process executor: the main process cleans one task after the other."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..batch.clean import Outcome, clean_task
from ..batch.options import Options
from ..batch.plan import Task
from ..pipeline import Pipeline, Run
from . import Destination, keeps_state_across_documents


class InProcess:
    """Cleans tasks in this process, in order.

    A pipeline whose stages remember earlier documents (corpus-scope dedup,
    ``--repeated-in``) gets one run for the whole batch, in input order; otherwise each
    task gets a fresh run. A single task streams straight into the shared output, so
    ``cleantext clean big.txt | head`` shows text at once.
    """

    def __init__(self, pipeline: Pipeline, options: Options, destination: Destination | None = None):
        self.pipeline, self.options = pipeline, options
        self.destination = destination or Destination()
        self.shared_run: Run | None = pipeline.start() if keeps_state_across_documents(pipeline) else None

    def outcomes(self, tasks: Sequence[Task]) -> Iterator[Outcome]:
        stream_all = len(tasks) == 1
        for task in tasks:
            yield self.clean(task, direct=stream_all)

    def clean(self, task: Task, direct: bool = False) -> Outcome:
        """Clean `task` here; `direct` streams it straight to the shared output."""
        run = self.shared_run or self.pipeline.start()
        to = self.destination
        return clean_task(run, task, self.options, None, to.joiner if direct else None,
                          to.removed if direct else None, progress=to.progress)

    def close(self) -> None:
        pass
