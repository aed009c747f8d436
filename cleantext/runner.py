"""Run a pipeline over input files: the part of the CLI that is not argument parsing.

`clean_files` is the simple form (inputs into one output); `cleantext.batch` holds the
batch machinery behind it (directories, per-file outputs, JSONL, parallel jobs).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from .batch import STDIN, FileResult, Options, Report, run_batch
from .pipeline import Pipeline

__all__ = ["STDIN", "FileResult", "Report", "clean_files", "display_name"]


def display_name(name: str) -> str:
    return "<stdin>" if name == STDIN else name


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
    return run_batch(pipeline, inputs, Options(output=output, removed=removed, stats=stats, jobs=1), warn)
