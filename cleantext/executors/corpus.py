"""Pipelines whose stages compare documents across inputs, on a collection engine.

Corpus-scope dedup and ``strip-debris --repeated-in`` decide about one document from
all earlier ones. Locally one `Run` streams every document in order; on an engine
(`cleantext.phased.clean_corpus` with a Dask bag) the decisions are phases over the
whole corpus, with the same results line for line. This executor feeds it: it reads
every input's documents (keyed ``(input index, document number)``, so keys sort into
input order), lets the engine clean them, then writes each input exactly as the local
executor does, with a `Replay` standing in for the run.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from typing import Any

from ..batch.clean import Outcome, clean_task
from ..batch.options import STDIN, BatchUsageError, Options
from ..batch.plan import Task
from ..batch.report import FileResult
from ..formats import format_for
from ..io import open_input, read_lines
from ..lines import Line
from ..pipeline import Pipeline, Stage, StageStats


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
        read = sum(1 for _ in lines)  # the reader's copy; the engine cleaned the same lines
        key, cleaned, stats = next(self._cleaned)
        if len(cleaned) != read:
            raise AssertionError(f"document {key}: {read} lines read again, {len(cleaned)} cleaned")
        self.documents += 1
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


class CrossDocument:
    """Cleans every document with `clean_corpus` on `engine`, then writes the inputs in order."""

    def __init__(self, pipeline: Pipeline, options: Options, engine: Any, compute: Any = None):
        self.pipeline, self.options, self.engine = pipeline, options, engine
        self.compute = compute or ExitStack  # a context for the engine's computations (a scheduler)

    def outcomes(self, tasks: Sequence[Task]) -> Iterator[Outcome]:
        from ..phased import clean_corpus

        if any(task.source == STDIN for task in tasks):
            raise BatchUsageError("stages that compare documents across inputs read standard input only "
                                  "with --engine local; give file names.")
        documents = [document for task in tasks for document in corpus_documents(task, self.options)]
        with self.compute():
            cleaned = self.engine.collect(clean_corpus(self.pipeline, self.engine.collection(documents),
                                                       self.engine))
        by_input: dict[int, list] = defaultdict(list)
        for item in sorted(cleaned, key=lambda item: item[0]):
            by_input[item[0][0]].append(item)
        for task in tasks:
            replay = Replay(self.pipeline.stages, by_input.pop(task.index, []))
            yield clean_task(replay, task, self.options, None)  # type: ignore[arg-type]

    def close(self) -> None:
        pass


def phases_available() -> bool:
    """Whether this installation has the phased corpus cleaning (`cleantext.phased`)."""
    try:
        from ..phased import clean_corpus  # noqa: F401
    except ImportError:
        return False
    return True
