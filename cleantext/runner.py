"""Run a pipeline over input files: the part of the CLI that is not argument parsing."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field

from .io import REMOVED_HEADER, AtomicOutput, InputError, LineWriter, open_input, read_lines, removed_row
from .pipeline import Pipeline

STDIN = "-"


def display_name(name: str) -> str:
    return "<stdin>" if name == STDIN else name


@dataclass
class FileResult:
    name: str
    lines_in: int = 0
    lines_out: int = 0
    error: str | None = None

    def as_dict(self) -> dict:
        result = {"file": self.name, "lines_in": self.lines_in, "lines_out": self.lines_out,
                  "removed": self.lines_in - self.lines_out}
        if self.error is not None:
            result["error"] = self.error
        return result


@dataclass
class Report:
    """What happened to every input of one invocation."""

    files: list[FileResult] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def failed(self) -> list[FileResult]:
        return [result for result in self.files if result.error is not None]

    def as_dict(self) -> dict:
        return {**self.stats, "seconds": round(self.seconds, 3),
                "files": [result.as_dict() for result in self.files]}


def clean_files(
    pipeline: Pipeline,
    inputs: Sequence[str],
    output: str = "-",
    removed: str | None = None,
    stats: str | None = None,
    warn: Callable[[str], None] = lambda message: print(message, file=sys.stderr),
) -> Report:
    """Clean each input as its own document into one output.

    An input that cannot be read is reported through `warn` and skipped; the others
    go on. Outputs given as paths are written atomically (see `AtomicOutput`).
    """
    started = time.perf_counter()
    report = Report()
    run = pipeline.start()
    with ExitStack() as stack:
        out = stack.enter_context(AtomicOutput(output))
        writer = LineWriter(out.stream)
        removed_out = stack.enter_context(AtomicOutput(removed, sys.stderr.buffer)) if removed else None
        if removed_out is not None:
            removed_out.stream.write(REMOVED_HEADER.encode())
        for name in inputs:
            result = FileResult(display_name(name))
            report.files.append(result)
            try:
                stream = open_input(name)
                with stream if name != STDIN else ExitStack():
                    for line in run.process(read_lines(stream, result.name, warn)):
                        result.lines_in += 1
                        if line.removed is None:
                            result.lines_out += 1
                            writer.write(line)
                        elif removed_out is not None:
                            removed_out.stream.write(removed_row(line))
            except InputError as error:
                result.error = str(error)
                warn(str(error))
            except (IsADirectoryError, PermissionError) as error:  # raised on first read
                result.error = f"{result.name}: {error.strerror.lower()}"
                warn(result.error)
        report.stats = run.stats_dict()
        report.seconds = time.perf_counter() - started
        if stats is not None:
            stats_out = stack.enter_context(AtomicOutput(stats, sys.stderr.buffer))
            stats_out.stream.write((json.dumps(report.as_dict(), indent=2) + "\n").encode())
    return report
