"""How a batch runs: the options every front end (the CLI, a config file, a library
caller) fills in, and the errors for options that cannot work together."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal

from ..formats.jsonl import BAD_RECORD_POLICIES
from ..lines import SEPARATORS

STDIN = "-"
#: Below this much input, starting worker processes costs more than it saves, so the
#: default ``--jobs`` cleans in the main process (an explicit ``-j N`` is obeyed).
PARALLEL_MIN_BYTES = 1 << 20
#: The executors a batch can run on (see `cleantext.executors`).
ENGINES: tuple[str, ...] = ("local", "dask")


class BatchUsageError(ValueError):
    """Options that cannot work together; the CLI reports it as a usage error (exit 2)."""


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Options:
    """How a batch runs; the CLI fills it from options and config (`from_settings`)."""

    output: str | None = None  #: one output for all inputs ('-' is standard output)
    output_dir: str | None = None  #: one output per input, mirroring the input tree
    in_place: bool = False
    backup: str | None = None  #: with in_place: keep the original as NAME + backup
    removed: str | None = None
    stats: str | None = None
    globs: tuple[str, ...] = ()  #: file-name patterns for files found in directories
    jsonl: bool = False
    text_field: str = "text"
    on_bad_record: Literal["pass", "skip", "fail"] = "pass"
    jobs: int | None = None  #: None: one per core, in-process for small batches
    fail_fast: bool = False
    overwrite_backup: bool = False  #: with backup: replace a backup left by an earlier run
    follow_symlinks: bool = False  #: take symbolic links found in directories
    separator: str | None = None  #: splits each input into documents (None: one per input)
    engine: str = "local"  #: "local" (main process or -j workers) or "dask"
    scheduler: str | None = None  #: with engine "dask": a running scheduler's address
    #: What names each document's site, for per-site ``--repeated-in`` counting: "none"
    #: (count across the run), "dir" (the directory under the input directory) or
    #: "field:NAME" (a JSON Lines field; a URL names its host).
    site: str = "none"

    @property
    def site_field(self) -> str | None:
        """The JSON Lines field that names each record's site, if ``site`` is "field:NAME"."""
        kind, _, name = self.site.partition(":")
        return name if kind == "field" and name else None

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Options:
        """Options from settings named like the command line's options (``output_dir``,
        ``globs``, ``separator="formfeed"``...), as the CLI and config files give them;
        other keys are ignored."""
        values = {field.name: settings[field.name] for field in fields(cls) if field.name in settings}
        if "separator" in values:
            values["separator"] = SEPARATORS.get(values["separator"], values["separator"])
        if "globs" in values:
            values["globs"] = tuple(values["globs"])
        return cls(**values)


__all__ = ["BAD_RECORD_POLICIES", "ENGINES", "PARALLEL_MIN_BYTES", "STDIN", "BatchUsageError", "Options", "default_jobs"]
