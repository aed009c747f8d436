"""Pipelines whose stages compare documents across inputs, on a collection engine.

Corpus-scope dedup and ``strip-debris --repeated-in`` decide about one document from
all earlier ones. Locally one `Run` streams every document in order; on an engine
(`cleantext.phased.clean_corpus` with a Dask bag) the decisions are phases over the
whole corpus, with the same results line for line.

The corpus never passes through the command's process: the engine's collection starts
from the tasks, one partition per group of consecutive inputs, and each partition
reads its own inputs' documents (keyed ``(input index, document number)``, so keys
sort into input order). Every phase keeps the partitions, so after the last one each
partition still holds exactly its inputs' documents and writes them where it runs, as
the local executor does (a `Replay` standing in for the run): a pending output file
or a spool, as for the document-scope Dask tasks. The command only gets each input's
`Outcome` and finishes them in input order.
"""

from __future__ import annotations

import warnings
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from functools import partial
from typing import Any

from ..batch.clean import Outcome, clean_task, discard
from ..batch.options import STDIN, BatchUsageError, Options
from ..batch.plan import Task
from ..batch.report import FileResult
from ..formats import format_for
from ..io import open_input, read_lines, set_temporary_tag
from ..lines import Line
from ..pipeline import Pipeline, Stage, StageStats

#: At most this many partitions (inputs are grouped beyond it): every phase schedules
#: one task per partition.
MAX_PARTITIONS = 1000


class Replay:
    """Stands in for a `Run` over one input: for each document the input's reader
    yields, `process` gives back the lines the engine cleaned (in the order the
    streaming run yields them) and adds up their statistics."""

    def __init__(self, stages: Sequence[Stage], cleaned: Sequence[tuple[Any, list[Line], list[StageStats]]]):
        self.stages = tuple(stages)
        self.stats = [StageStats() for _ in self.stages]
        self.documents = 0
        self._cleaned = iter(cleaned)

    def process(self, lines: Any, site: str | None = None) -> Iterator[Line]:
        self.documents += 1  # counted before reading, as `Run.process` counts it
        read = sum(1 for _ in lines)  # the reader's copy; the engine cleaned the same lines
        key, cleaned, stats = next(self._cleaned)
        if len(cleaned) != read:
            raise AssertionError(f"document {key}: {read} lines read again, {len(cleaned)} cleaned")
        self.stats = [total + part for total, part in zip(self.stats, stats)]
        return iter(cleaned)


def corpus_documents(task: Task, options: Options) -> list[tuple[tuple[int, int], list[Line], str | None]]:
    """The documents of one input to clean, keyed ``(input index, number)``, with their
    site (as `batch.clean.clean_input` gives it to the run); an input
    that fails part-way gives the documents read before (the local run saw those too)."""
    documents: list[tuple[tuple[int, int], list[Line], str | None]] = []
    if task.problem:
        return documents
    scratch = FileResult(task.name)  # counts and warnings come when the input is written
    try:
        with open_input(task.source) as stream, warnings.catch_warnings(record=True):
            lines = read_lines(stream, task.name, nul_separated=options.separator == "\0")
            for document in format_for(options).documents(lines, task.name, scratch):
                if document.to_clean:
                    site = task.site if task.site is not None else document.site
                    documents.append(((task.index, len(documents)), list(document.lines), site))
    except Exception:  # noqa: BLE001 - the input fails again, with its message, when written
        pass
    return documents


def read_partition(tasks: Sequence[Task], *, options: Options) -> list[tuple[tuple[int, int], list[Line], str | None]]:
    """One partition of the corpus: the documents of its inputs, in order (a task)."""
    return [document for task in tasks for document in corpus_documents(task, options)]


def write_partition(items: Sequence[tuple[Any, list[Line], list[StageStats]]], tasks: Sequence[Task], *,
                    stages: tuple[Stage, ...], options: Options, spool_dir: str | None,
                    tag: str | None) -> list[Outcome]:
    """Write the inputs of one partition from their cleaned documents (a task): each to
    its pending output file or a spool in `spool_dir`; their outcomes, in order."""
    if tag is not None:
        set_temporary_tag(tag)
    by_input: dict[int, list] = {task.index: [] for task in tasks}
    for item in sorted(items, key=lambda item: item[0]):
        if item[0][0] not in by_input:
            raise AssertionError(f"document {item[0]} reached the partition of inputs {sorted(by_input)}")
        by_input[item[0][0]].append(item)
    return [clean_task(Replay(stages, by_input[task.index]), task, options, spool_dir)  # type: ignore[arg-type]
            for task in tasks]


def partition_tasks(tasks: Sequence[Task], most: int | None = None) -> list[list[Task]]:
    """`tasks` in groups of consecutive inputs: one input each, up to `most` groups
    (`MAX_PARTITIONS`)."""
    size = max(1, -(-len(tasks) // (most or MAX_PARTITIONS)))
    return [list(tasks[start:start + size]) for start in range(0, len(tasks), size)]


class CrossDocument:
    """Reads, cleans (`clean_corpus`) and writes every input on `engine`, partition by
    partition; yields the outcomes in input order.

    `engine` must be able to make a collection of given partitions (`partitioned`).
    `compute` is a context for the engine's computations (a scheduler); `spool_dir`
    and `tag` say where tasks put spools and how they tag temporary files.
    """

    def __init__(self, pipeline: Pipeline, options: Options, engine: Any,
                 compute: Callable[[], Any] | None = None, spool_dir: str | None = None, tag: str | None = None):
        self.pipeline, self.options, self.engine = pipeline, options, engine
        self.compute = compute or ExitStack
        self.spool_dir, self.tag = spool_dir, tag
        self._waiting: deque[Outcome] = deque()

    def outcomes(self, tasks: Sequence[Task]) -> Iterator[Outcome]:
        from ..phased import clean_corpus

        if any(task.source == STDIN for task in tasks):
            raise BatchUsageError("stages that compare documents across inputs read standard input only "
                                  "with --engine local; give file names.")
        if not tasks:
            return
        engine = self.engine
        partitions = engine.partitioned(partition_tasks(tasks))
        documents = engine.map_partitions(partitions, partial(read_partition, options=self.options))
        with self.compute():
            cleaned = clean_corpus(self.pipeline, documents, engine)
            written = engine.map_partitions(cleaned, partial(
                write_partition, stages=self.pipeline.stages, options=self.options, spool_dir=self.spool_dir,
                tag=self.tag), partitions)
            self._waiting.extend(engine.collect(written))
        while self._waiting:
            yield self._waiting.popleft()  # the batch finishes it; `close` discards the rest

    def close(self) -> None:
        """Throw away the outcomes not finished (their pending files and spools)."""
        while self._waiting:
            discard(self._waiting.popleft())


def phases_available() -> bool:
    """Whether this installation has the phased corpus cleaning (`cleantext.phased`)."""
    try:
        from ..phased import clean_corpus  # noqa: F401
    except ImportError:
        return False
    return True
