"""Batch work: many inputs, one output or one output per input, in parallel.

The plan (`plan_batch`) turns the command line's inputs into `Task`s: directories are
walked in sorted order, and each task knows where its text goes. `run_batch` cleans
the tasks, in worker processes when that pays, and *finishes them in input order* in
the main process: a worker writes its result to a temporary file, and the main
process appends it to the shared output or renames it into place. So the output of
``-j 4`` is byte for byte the output of ``-j 1``, a failing input changes nothing but
its own result, and Ctrl-C or ``--fail-fast`` never leaves half a file behind.

Each task gets a fresh `Run` of the pipeline, which is exactly a shared run when no
stage keeps state across documents. A stage that does (dedup with ``scope="corpus"``)
makes the whole batch one sequential run in the main process.
"""

from __future__ import annotations

import fnmatch
import json
import multiprocessing
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import time
import warnings
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal

from .io import (
    REMOVED_HEADER,
    AtomicOutput,
    DocumentJoiner,
    InputError,
    NamedWriter,
    OutputError,
    PendingOutput,
    encode_line,
    standard_stream,
    input_position,
    open_input,
    read_error_message,
    read_lines,
    removed_row,
    remove_orphaned_temporary_files,
    set_temporary_tag,
    temporary_tag,
)
from .interrupts import check as check_interrupt, deferred
from .lines import Line, join_lines, split_documents, split_lines
from .pipeline import Pipeline, Run, StageStats

STDIN = "-"
BAD_RECORD_POLICIES: tuple[str, ...] = ("pass", "skip", "fail")
#: Below this much input, starting worker processes costs more than it saves, so the
#: default ``--jobs`` cleans in the main process (an explicit ``-j N`` is obeyed).
PARALLEL_MIN_BYTES = 1 << 20
#: A document larger than this is spooled to disk, not memory, while it waits its turn.
SPOOL_MEMORY = 8 << 20
#: Lines between checks for Ctrl-C (in workers) and progress updates.
CHECK_EVERY = 512


class BatchUsageError(ValueError):
    """Options that cannot work together; the CLI reports it as a usage error (exit 2)."""


class Interrupted(Exception):
    """Raised inside a worker when the main process asks it to stop."""


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Options:
    """How a batch runs; the CLI fills it from options and config."""

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


@dataclass(frozen=True)
class Task:
    """One input to clean and where its cleaned text goes."""

    index: int
    source: str  #: path, or '-' for standard input
    name: str  #: how messages and the removed-lines TSV name it
    target: str | None = None  #: its own output file, or None for the shared output
    size: int = 0  #: bytes on disk, for progress
    problem: str | None = None  #: known to fail before reading (e.g. empty directory)


@dataclass
class FileResult:
    """What happened to one input."""

    name: str
    output: str | None = None
    lines_in: int = 0
    lines_out: int = 0
    changed: int = 0
    removed_by_reason: Counter[str] = field(default_factory=Counter)
    bytes_in: int = 0
    bytes_out: int = 0
    records: int = 0
    bad_records: int = 0
    seconds: float = 0.0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    notes: Counter[str] = field(default_factory=Counter)  #: stages' notes on its documents

    def as_dict(self, jsonl: bool = False) -> dict:
        result: dict[str, Any] = {"file": self.name}
        if self.output is not None:
            result["output"] = self.output
        result.update(
            lines_in=self.lines_in, lines_out=self.lines_out,
            removed=self.lines_in - self.lines_out, changed=self.changed,
            removed_by_reason=dict(sorted(self.removed_by_reason.items())),
            bytes_in=self.bytes_in, bytes_out=self.bytes_out, seconds=round(self.seconds, 3),
        )
        if jsonl:
            result.update(records=self.records, bad_records=self.bad_records)
        if self.error is not None:
            result["error"] = self.error
        return result


@dataclass
class Outcome:
    """A cleaned task waiting to be finished by the main process."""

    task: Task
    result: FileResult
    stage_stats: list[StageStats] | None = None
    documents: int = 0
    pending: PendingOutput | None = None  #: its own output file, not yet renamed
    text: Any = None  #: spooled cleaned text for the shared output (path or file)
    removed: Any = None  #: spooled removed-lines rows (path or file)


@dataclass
class Report:
    """What happened to every input of one invocation."""

    files: list[FileResult] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    seconds: float = 0.0
    jobs: int = 1
    not_started: int = 0  #: inputs left alone after --fail-fast stopped the batch
    jsonl: bool = False

    @property
    def failed(self) -> list[FileResult]:
        return [result for result in self.files if result.error is not None]

    def as_dict(self) -> dict:
        totals = {"files": len(self.files), "failed": len(self.failed), "not_started": self.not_started}
        for key in ("lines_in", "lines_out", "changed", "bytes_in", "bytes_out"):
            totals[key] = sum(getattr(result, key) for result in self.files)
        totals["removed"] = totals["lines_in"] - totals["lines_out"]
        return {**self.stats, "seconds": round(self.seconds, 3), "jobs": self.jobs, "totals": totals,
                "files": [result.as_dict(self.jsonl) for result in self.files]}


# --- planning -----------------------------------------------------------------------

def _walk(directory: str, globs: Sequence[str], exclude: str | None, backup: str | None = None,
          follow_symlinks: bool = False, note: Callable[[str], None] | None = None) -> list[str]:
    """Regular files under `directory` matching `globs`, sorted by path.

    Hidden names are skipped, and backups (names ending in `backup`). Symbolic links are
    not followed unless `follow_symlinks` (an in-place run must not reach outside the
    tree), and other non-regular files (named pipes, sockets, devices) are skipped: a
    named pipe would block the run forever. `note` hears about every skipped link or
    special file.
    """
    note = note or (lambda message: None)
    found = []
    visited: set[str] = set()
    for root, dirs, files in os.walk(directory, followlinks=follow_symlinks):
        if follow_symlinks:  # a link back up the tree would walk forever
            real = os.path.realpath(root)
            if real in visited:
                dirs[:] = []
                continue
            visited.add(real)
        kept_dirs = []
        for d in dirs:
            path = os.path.join(root, d)
            if d.startswith(".") or (exclude is not None and os.path.realpath(path) == exclude):
                continue
            if os.path.islink(path) and not follow_symlinks:
                note(f"{path}: symbolic link to a directory skipped (use --follow-symlinks)")
                continue
            kept_dirs.append(d)
        dirs[:] = kept_dirs
        for name in files:
            if name.startswith(".") or (backup and name.endswith(backup)):
                continue
            if globs and not any(fnmatch.fnmatch(name, pattern) for pattern in globs):
                continue
            path = os.path.join(root, name)
            try:
                status = os.stat(path) if follow_symlinks else os.lstat(path)
            except OSError:  # a dangling link, a file gone since listing
                note(f"{path}: cannot be read (dangling symbolic link?); skipped")
                continue
            if stat.S_ISLNK(status.st_mode):
                note(f"{path}: symbolic link skipped (use --follow-symlinks)")
                continue
            if not stat.S_ISREG(status.st_mode):
                note(f"{path}: not a regular file (named pipe, socket or device); skipped")
                continue
            found.append(path)
    return sorted(found, key=lambda path: Path(os.path.relpath(path, directory)).parts)


def plan_batch(inputs: Sequence[str], options: Options, note: Callable[[str], None] | None = None) -> list[Task]:
    """The tasks for `inputs`, in order; raises `BatchUsageError` for impossible requests.

    A directory stands for the files under it (recursively, sorted, hidden names
    skipped, filtered by ``globs``); a file named on the command line is always taken.
    With ``output_dir``, a file found in directory D goes to the same relative path
    under the output directory, and a file named directly goes to its base name there.
    """
    _check_options(inputs, options)
    exclude = os.path.realpath(options.output_dir) if options.output_dir else None
    tasks: list[Task] = []
    for given in inputs:
        if given != STDIN and os.path.isdir(given):
            files = _walk(given, options.globs, exclude, options.backup if options.in_place else None,
                          options.follow_symlinks, note)
            if not files:
                pattern = f" matching {' or '.join(options.globs)}" if options.globs else ""
                tasks.append(Task(len(tasks), given, given, problem=f"{given}: no files{pattern} in directory"))
            for path in files:
                relative = os.path.relpath(path, given)
                tasks.append(_task(len(tasks), path, relative, options))
        else:
            tasks.append(_task(len(tasks), given, os.path.basename(given), options))
    _check_targets(tasks, options)
    _check_shared_outputs(tasks, options)
    return tasks


def _check_options(inputs: Sequence[str], options: Options) -> None:
    chosen = [flag for flag, on in (("--output/-o", options.output is not None),
                                     ("--output-dir", options.output_dir is not None),
                                     ("--in-place", options.in_place)) if on]
    if len(chosen) > 1:
        raise BatchUsageError(f"{' and '.join(chosen)} cannot be used together; choose one.")
    if options.backup is not None and not options.in_place:
        raise BatchUsageError("--backup only makes sense with --in-place.")
    if options.overwrite_backup and options.backup is None:
        raise BatchUsageError("--overwrite-backup only makes sense with --backup.")
    if options.backup is not None and (not options.backup or "/" in options.backup):
        raise BatchUsageError("--backup takes a file-name suffix such as '.orig'.")
    if (options.in_place or options.output_dir) and STDIN in inputs:
        raise BatchUsageError("standard input has no file to replace or mirror; use -o or standard output.")
    if options.separator is not None:
        if not options.separator or "\n" in options.separator or "\r" in options.separator:
            raise BatchUsageError("--separator must be text without line breaks (or formfeed, nul, none).")
        if options.jsonl:
            raise BatchUsageError("--separator does not apply to --jsonl: each record is a document.")
    if options.on_bad_record not in BAD_RECORD_POLICIES:
        raise BatchUsageError(f"--on-bad-record must be one of {', '.join(BAD_RECORD_POLICIES)}.")
    if options.jobs is not None and options.jobs < 1:
        raise BatchUsageError("--jobs must be at least 1.")
    if options.output_dir is not None and os.path.exists(options.output_dir) \
            and not os.path.isdir(options.output_dir):
        raise BatchUsageError(f"--output-dir {options.output_dir}: exists and is not a directory.")


def _task(index: int, source: str, relative: str, options: Options) -> Task:
    target = None
    if options.output_dir is not None:
        target = os.path.join(options.output_dir, relative)
    elif options.in_place:
        target = os.path.realpath(source)  # replace the file a symbolic link points to
    try:
        size = os.path.getsize(source) if source != STDIN else 0
    except OSError:
        size = 0
    name = "<stdin>" if source == STDIN else source
    problem = None
    if options.in_place and options.backup and not options.overwrite_backup \
            and os.path.lexists(target + options.backup):  # type: ignore[operator]
        problem = (f"{name}: backup {target}{options.backup} already exists; not cleaned "
                   "(remove the old backup or use --overwrite-backup)")
    return Task(index, source, name, target, size, problem)


def _check_targets(tasks: Sequence[Task], options: Options) -> None:
    seen: dict[str, str] = {}
    for task in tasks:
        if task.target is None or task.problem:
            continue
        key = os.path.realpath(task.target)
        if key in seen:
            raise BatchUsageError(f"{seen[key]} and {task.name} would both be written to {task.target}.")
        seen[key] = task.name
        if options.output_dir is not None and key == os.path.realpath(task.source):
            raise BatchUsageError(f"{task.name}: --output-dir would overwrite the input; "
                                  "use --in-place to do that on purpose.")


def _identity(path: str) -> tuple:
    """What makes two names the same file: device and inode if it exists (so symbolic and
    hard links match), else the resolved path."""
    try:
        status = os.stat(path)
    except OSError:
        return ("path", os.path.realpath(path))
    return ("inode", status.st_dev, status.st_ino)


def _check_shared_outputs(tasks: Sequence[Task], options: Options) -> None:
    """Refuse -o, --removed or --stats naming an input, a per-input output or each other:
    writing it would destroy the data it was meant to hold."""
    outputs = [(flag, path) for flag, path in (("-o/--output", options.output), ("--removed", options.removed),
                                                ("--stats", options.stats)) if path not in (None, "-")]
    if not outputs:
        return
    seen: dict[tuple, str] = {}
    for flag, path in outputs:
        key = _identity(path)  # type: ignore[arg-type]
        if key in seen:
            raise BatchUsageError(f"{seen[key]} and {flag} name the same file {path}; choose different files.")
        seen[key] = f"{flag} {path}"
    for task in tasks:
        for name in (task.source, task.target):
            if name is None or name == STDIN or task.problem:
                continue
            key = _identity(name)
            if key in seen:
                role = "an input" if name == task.source else "an output of --in-place/--output-dir"
                raise BatchUsageError(f"{seen[key]} is {role} ({task.name}); writing it would destroy it.")


# --- cleaning one input --------------------------------------------------------------

class _Account:
    """Counts lines and bytes of one input as they are written."""

    def __init__(self, result: FileResult, out: BinaryIO | DocumentJoiner | NamedWriter, removed: Any):
        self.result = result
        self.out = out
        self.removed = removed

    def line(self, line: Line, write: bool = True) -> None:
        """Count one line of a document; write it if kept and `write` (plain text)."""
        result = self.result
        result.lines_in += 1
        if write:
            result.bytes_in += len(encode_line(line, original=True))
        if line.removed is None:
            result.lines_out += 1
            if line.text != line.original:
                result.changed += 1
            if write:
                data = encode_line(line)
                result.bytes_out += len(data)
                self._write(data)
        else:
            result.removed_by_reason[f"{line.removed.stage}:{line.removed.rule}"] += 1
            if self.removed is not None:
                self.removed.write(removed_row(line))

    def raw(self, data: bytes) -> None:
        self.result.bytes_out += len(data)
        self._write(data)

    def _write(self, data: bytes) -> None:
        self.out.write(data)


def clean_input(run: Run, task: Task, options: Options, out: BinaryIO | DocumentJoiner | NamedWriter,
                removed: Any, stop: Callable[[], bool] | None = None,
                progress: Callable[[int], None] | None = None) -> FileResult:
    """Clean one input into `out` (and removed rows into `removed`); never raises for
    a bad input: the returned result carries the error instead."""
    started = time.perf_counter()
    result = FileResult(task.name, task.target)
    account = _Account(result, out, removed)
    caught: list[warnings.WarningMessage] = []  # a stage's warnings become this input's notes
    try:
        if task.problem:
            raise InputError(task.problem)
        stream = open_input(task.source)
        with stream if task.source != STDIN else ExitStack(), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default", UserWarning)  # noted, never raised (even under -W error)
            lines = read_lines(stream, task.name, result.warnings.append, options.separator == "\0")
            if stop is not None or progress is not None:
                lines = _watched(lines, stop, progress, stream)
            noted = [Counter(stats.notes) for stats in run.stats]
            if options.jsonl:
                _clean_jsonl(run, task, options, lines, account)
            elif options.separator is not None:
                _clean_documents(run, task, options.separator, lines, account)
            else:
                for line in run.process(lines):
                    account.line(line)
            for stage, stats, before in zip(run.stages, run.stats, noted):
                result.notes.update({f"{stage.name} {note}": n for note, n in (stats.notes - before).items()})
    except BrokenPipeError:  # the reader of standard output went away: ends the run
        raise
    except OutputError as error:
        if task.target is None or error.name != task.target:  # a shared output: fatal
            raise
        result.error = str(error)  # this input's own output file
    except Exception as error:  # noqa: BLE001 - only reading errors are kept, see below
        message = read_error_message(task.name, error)
        if message is None:
            raise
        result.error = message
    result.warnings += [f"{task.name}: {warning.message}" for warning in caught]
    result.seconds = time.perf_counter() - started
    return result


def _clean_documents(run: Run, task: Task, separator: str, lines: Iterator[Line], account: _Account) -> None:
    """Clean each separated document of one input on its own, separators kept in place."""
    data = separator.encode("utf-8")
    for document in split_documents(lines, separator, task.name):
        for line in run.process(document):
            account.line(line)
        if document.separated:
            account.result.bytes_in += len(data)
            account.raw(data)


def _watched(lines: Iterator[Line], stop, progress, stream) -> Iterator[Line]:
    """Pass lines on, checking for a stop request and reporting progress as they are read.

    Checked on the reading side because a stage may hold a whole document before
    letting its first line out.
    """
    for count, line in enumerate(lines, start=1):
        if count % CHECK_EVERY == 0:
            if stop is not None and stop():
                raise Interrupted()
            if progress is not None:
                position = input_position(stream)
                if position is not None:
                    progress(position)
        yield line


def _clean_jsonl(run: Run, task: Task, options: Options, lines: Iterator[Line], account: _Account) -> None:
    """Each line is a JSON object; its `text_field` is cleaned as one document.

    A record whose text did not change is written back byte for byte; in a changed one
    only the text field's value is replaced, so the other fields keep their exact bytes
    (numbers such as ``1e400``, duplicate keys, spacing). Blank lines are copied. Bad
    records (not JSON, not an object, field missing or not a string) follow
    `on_bad_record`. An input in which no object has the field at all fails, naming the
    fields it has: that is a wrong ``--text-field``, not a corpus of bad records. Until
    the field is first seen, output is held back so that such an input adds nothing.
    """
    field_name = options.text_field
    result = account.result
    first_bad: str | None = None
    fields_found: dict[str, None] = {}  # in order of first appearance
    held = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)  # output before the field is seen
    seen_field = False

    def write(data: bytes) -> None:
        if seen_field:
            account.raw(data)
        else:
            result.bytes_out += len(data)
            held.write(data)

    with held:
        for record_line in lines:
            raw = encode_line(record_line)
            result.bytes_in += len(raw)
            if not record_line.text.strip():
                write(raw)
                continue
            result.records += 1
            problem = None
            try:
                record = json.loads(record_line.text)
            except (ValueError, RecursionError) as error:
                problem = f"invalid JSON ({getattr(error, 'msg', error)})"
            else:
                if not isinstance(record, dict):
                    problem = f"not a JSON object but {type(record).__name__}"
                elif field_name not in record:
                    problem = f"no {field_name!r} field"
                    if len(fields_found) < 50:
                        fields_found.update(dict.fromkeys(record))
                else:
                    if not seen_field:
                        seen_field = True
                        result.bytes_out -= held.tell()
                        held.seek(0)
                        while chunk := held.read(1 << 20):
                            account.raw(chunk)
                    if not isinstance(record[field_name], str):
                        problem = f"{field_name!r} is {type(record[field_name]).__name__}, not a string"
            if problem is not None:
                where = f"{task.name}: line {record_line.number}: {problem}"
                if options.on_bad_record == "fail":
                    raise InputError(where)
                result.bad_records += 1
                if first_bad is None:
                    first_bad = where
                if options.on_bad_record == "pass":
                    write(raw)
                continue
            text = record[field_name]
            source = f"{task.name}:{record_line.number}"
            cleaned = []
            for line in run.process(split_lines(text, source)):
                account.line(line, write=False)
                cleaned.append(line)
            new_text = join_lines(cleaned)
            if new_text == text:
                write(raw)
            else:
                write(_with_field_replaced(record_line.text, field_name, new_text) + record_line.ending.encode())
        if fields_found and not seen_field:
            shown = ", ".join(repr(name) for name in fields_found)
            raise InputError(f"{task.name}: no record has a {field_name!r} field (wrong --text-field?); "
                             f"fields found: {shown}")
    if first_bad is not None:
        action = {"pass": "passed through", "skip": "skipped"}[options.on_bad_record]
        more = f" (and {result.bad_records - 1} more)" if result.bad_records > 1 else ""
        result.warnings.append(f"{first_bad}{more}; bad records {action}")


_JSON = json.JSONDecoder()
_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _with_field_replaced(record_text: str, field_name: str, value: str) -> bytes:
    """The record's bytes with the value of its top-level `field_name` (the last one, as
    `json.loads` sees duplicates) replaced by `value`; everything else as it was."""
    start, end = _value_span(record_text, field_name)
    encoded = json.dumps(value, ensure_ascii=False)
    encoded = _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", encoded)  # valid UTF-8
    text = record_text[:start] + encoded + record_text[end:]
    return encode_line(Line(0, text, ""))


def _value_span(text: str, field_name: str) -> tuple[int, int]:
    """Where the value of the last top-level `field_name` of a JSON object starts and ends."""
    def space(at: int) -> int:  # past any white space (the pattern matches the empty string too)
        return _JSON_SPACE.match(text, at).end()  # type: ignore[union-attr]

    span = None
    index = space(0) + 1  # past "{"
    index = space(index)
    while text[index] == '"':
        key, index = json.decoder.scanstring(text, index + 1)  # type: ignore[attr-defined]
        index = space(index) + 1  # past ":"
        index = space(index)
        _, end = _JSON.raw_decode(text, index)
        if key == field_name:
            span = (index, end)
        index = space(end)
        if text[index] == ",":
            index = space(index + 1)
    assert span is not None, "the record was parsed with this field"
    return span


# --- running tasks -------------------------------------------------------------------

#: How messages name a spool file that cannot be written.
SPOOL_NAME = "temporary file"


def _spool(directory: str | None):
    """A place for one document's bytes while it waits for its turn."""
    if directory is None:
        return tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)
    fd, path = tempfile.mkstemp(dir=directory, suffix=".spool")
    return os.fdopen(fd, "wb"), path


def _clean_task(run: Run, task: Task, options: Options, spool_dir: str | None,
                direct: DocumentJoiner | None = None, direct_removed: Any = None,
                stop=None, progress=None) -> Outcome:
    """Clean one task into a spool (or its own pending output file)."""
    outcome = Outcome(task, FileResult(task.name))
    with ExitStack() as stack:
        removed = direct_removed
        if removed is None and options.removed is not None:
            spooled = _spool(spool_dir)
            removed, outcome.removed = (spooled, spooled) if spool_dir is None else spooled
            if spool_dir is not None:
                stack.callback(removed.close)
            removed = NamedWriter(removed, SPOOL_NAME)
        if task.target is not None:
            try:
                target = AtomicOutput(task.target, backup=options.backup, make_parents=True)
            except InputError as error:
                outcome.result.error = str(error)
                return outcome
            try:
                outcome.result = clean_input(run, task, options, target.stream, removed, stop, progress)
            except BaseException:
                target.discard()
                raise
            if outcome.result.error is None:
                try:
                    outcome.pending = target.detach()
                except OutputError as error:
                    outcome.result.error = str(error)
            else:
                target.discard()
        elif direct is not None:
            direct.start_document()
            outcome.result = clean_input(run, task, options, direct, removed, stop, progress)
        else:
            spooled = _spool(spool_dir)
            text, outcome.text = (spooled, spooled) if spool_dir is None else spooled
            try:
                outcome.result = clean_input(run, task, options, NamedWriter(text, SPOOL_NAME), removed,
                                             stop, progress)
            finally:
                text.flush()
                if spool_dir is not None:
                    text.close()
    return outcome


# Worker processes: the pipeline and options arrive once, through the initializer.
_worker: dict[str, Any] = {}


def _start_worker(pipeline: Pipeline, options: Options, spool_dir: str, stop_event, tag: str) -> None:
    set_temporary_tag(tag)  # the batch can find what this worker leaves behind
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process decides when to stop
    # SIGTERM to the whole process group (a service manager stopping the job) reaches the
    # workers too; by default it would kill one mid-file and leave its temporary output.
    # Instead it stops the current file at the next check, which removes that file.
    signal.signal(signal.SIGTERM, _terminate_worker)
    _worker.update(pipeline=pipeline, options=options, spool_dir=spool_dir, stop=stop_event, terminated=False)


def _terminate_worker(signum: int, frame: Any) -> None:
    if not _worker.get("busy"):
        os._exit(EXIT_TERMINATED)  # holds no file: just go (the pool may never send work again)
    _worker["terminated"] = True  # only a flag: `_work` stops at its next check


#: How a worker ends after SIGTERM (128 + SIGTERM's number, as a shell would say).
EXIT_TERMINATED = 143


def _stop_requested() -> bool:
    return _worker["terminated"] or _worker["stop"].is_set()


def _work(task: Task) -> Outcome:
    _worker["busy"] = True
    try:
        if _stop_requested():
            return Outcome(task, FileResult(task.name, error="interrupted"))
        run = _worker["pipeline"].start()
        try:
            outcome = _clean_task(run, task, _worker["options"], _worker["spool_dir"], stop=_stop_requested)
        except Interrupted:
            return Outcome(task, FileResult(task.name, error="interrupted"))
        if _worker["terminated"]:  # finished, but nobody will commit it
            _discard(outcome)
            return Outcome(task, FileResult(task.name, error="interrupted"))
        outcome.stage_stats, outcome.documents = run.stats, run.documents
        return outcome
    finally:
        _worker["busy"] = False
        if _worker["terminated"]:  # its temporary files are gone; now leave like SIGTERM asked
            os._exit(EXIT_TERMINATED)


def _discard(outcome: Outcome) -> None:
    if outcome.pending is not None:
        outcome.pending.discard()
    for spooled in (outcome.text, outcome.removed):
        if isinstance(spooled, str):
            try:
                os.unlink(spooled)
            except FileNotFoundError:
                pass
        elif spooled is not None:
            spooled.close()


def _copy_spool(spooled: Any, write: Callable[[bytes], object]) -> None:
    if isinstance(spooled, str):
        with open(spooled, "rb") as source:
            while chunk := source.read(1 << 20):
                write(chunk)
        os.unlink(spooled)
    else:
        spooled.seek(0)
        while chunk := spooled.read(1 << 20):
            write(chunk)
        spooled.close()


def keeps_state_across_documents(pipeline: Pipeline) -> bool:
    """Whether a stage remembers one document while cleaning the next (corpus dedup)."""
    return any(stage.cross_document for stage in pipeline.stages)


def choose_jobs(pipeline: Pipeline, tasks: Sequence[Task], requested: int | None) -> int:
    """How many worker processes to use; 1 means the main process does the work."""
    files = [task for task in tasks if task.source != STDIN and not task.problem]
    if keeps_state_across_documents(pipeline) or len(files) < 2:
        return 1
    if requested is None:
        if sum(task.size for task in files) < PARALLEL_MIN_BYTES:
            return 1
        requested = default_jobs()
    return max(1, min(requested, len(files), default_jobs()))


def _mp_context():
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if "forkserver" in methods:
        context.set_forkserver_preload(["cleantext.batch"])
    return context


#: What a file's failure says when the worker process cleaning it vanished.
WORKER_LOST = "the worker process cleaning it ended abruptly (killed, or out of memory)"


def _submitted(executor: Any, task: Task) -> Any:
    """`task` submitted to the pool; once the pool is broken, a future holding that error."""
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    try:
        return executor.submit(_work, task)
    except BrokenProcessPool as error:
        future: Future = Future()
        future.set_exception(error)
        return future


def _worker_outcome(task: Task, future: Any) -> Outcome:
    """The worker's outcome, or a failure of `task` when its worker process died (the
    pool is then broken: every later file fails the same way, each named)."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        return future.result()
    except BrokenProcessPool:
        return Outcome(task, FileResult(task.name, error=f"{task.name}: {WORKER_LOST}"))


class _Outcomes:
    """Yields the outcome of every task in task order, cleaning ahead in worker processes.

    At most a few tasks per worker are ahead of the one being finished, so spooled
    output waiting on disk stays bounded. `close` stops the workers, throws away what
    they cleaned ahead and removes the spool directory.
    """

    def __init__(self, pipeline: Pipeline, tasks: Sequence[Task], options: Options, jobs: int,
                 direct: DocumentJoiner | None, direct_removed: Any, progress: Progress):
        self.pipeline, self.tasks, self.options, self.jobs = pipeline, tasks, options, jobs
        self.direct, self.direct_removed, self.progress = direct, direct_removed, progress
        self.shared_run = pipeline.start() if jobs == 1 and keeps_state_across_documents(pipeline) else None
        self.runs: list[Run] = []
        self._stack = ExitStack()
        self._spool_dir: str | None = None
        self._executor: Any = None
        self._stop: Any = None
        self._ahead: deque = deque()

    def __iter__(self) -> Iterator[Outcome]:
        if self.jobs == 1:
            yield from self._in_process()
            return
        import concurrent.futures

        context = _mp_context()
        self._spool_dir = self._stack.enter_context(tempfile.TemporaryDirectory(prefix="cleantext-"))
        self._stop = context.Event()
        self._executor = concurrent.futures.ProcessPoolExecutor(
            self.jobs, mp_context=context, initializer=_start_worker,
            initargs=(self.pipeline, self.options, self._spool_dir, self._stop, temporary_tag()))
        queue = iter(self.tasks)
        for task in queue:
            self._submit(task)
            if len(self._ahead) >= 4 * self.jobs:
                break
        while self._ahead:
            task, future = self._ahead[0]  # stays queued until done, so `close` can discard it
            outcome = self._here(task) if future is None else _worker_outcome(task, future)
            self._ahead.popleft()
            next_task = next(queue, None)
            if next_task is not None:
                self._submit(next_task)
            yield outcome

    def _submit(self, task: Task) -> None:
        if task.source == STDIN:  # standard input belongs to the main process
            self._ahead.append((task, None))
        else:
            self._ahead.append((task, _submitted(self._executor, task)))

    def _here(self, task: Task, direct: bool = False) -> Outcome:
        """Clean `task` in this process; `direct` streams it straight to the shared output."""
        run = self.shared_run or self.pipeline.start()
        outcome = _clean_task(run, task, self.options, None, self.direct if direct else None,
                              self.direct_removed if direct else None,
                              progress=self.progress.within_file)
        if self.shared_run is None:
            outcome.stage_stats, outcome.documents = run.stats, run.documents
        else:
            self.runs = [run]
        return outcome

    def _in_process(self) -> Iterator[Outcome]:
        # one input, or standard input, streams straight to a shared output: nothing
        # to keep in order, and `cleantext clean big.txt | head` shows text at once
        stream_all = len(self.tasks) == 1
        for task in self.tasks:
            yield self._here(task, direct=stream_all)

    def close(self) -> None:
        with deferred():  # once begun, stopping the workers runs to the end
            self._close()

    def _close(self) -> None:
        if self._executor is not None:
            self._stop.set()
            for _, future in self._ahead:
                if future is not None and not future.cancel():
                    try:
                        _discard(future.result())
                    except BaseException:  # noqa: BLE001 - a worker that failed has nothing to keep
                        pass
            self._ahead.clear()
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
            # every worker is gone: a temporary output of this batch still on disk was
            # handed over but never committed (lost in transit, or dropped by an interrupt)
            remove_orphaned_temporary_files([t.target for t in self.tasks if t.target], temporary_tag())
        self._stack.close()


def _fitted(parts: Sequence[str], width: int) -> str:
    """As many of `parts` (most important first) as fit in `width` columns; a line that
    wrapped would pile up copies of itself instead of being redrawn in place."""
    text = parts[0]
    for part in parts[1:]:
        if len(text) + 2 + len(part) > width:
            break
        text += "  " + part
    return text[:max(width, 1)]


class Progress:
    """A one-line progress display on a terminal: files, bytes, rate and ETA.

    Drawn only once the work has taken `delay` seconds, at most ten times a second,
    never wider than the terminal (measured at each draw, so resizing is followed), and
    erased at the end; `clear` makes room for a message.
    """

    def __init__(self, stream: IO[str] | None, total_files: int, total_bytes: int, delay: float = 1.0,
                 columns: Callable[[], int] | None = None):
        self.stream = stream
        self.columns = columns or (lambda: shutil.get_terminal_size().columns)
        self.total_files, self.total_bytes = total_files, total_bytes
        self.files = 0
        self.bytes_done = 0
        self.current = 0
        self.delay = delay
        self.started = time.monotonic()
        self._drawn_at = 0.0
        self._width = 0

    def file_done(self, size: int) -> None:
        self.files += 1
        self.bytes_done += size
        self.current = 0
        self._draw()

    def within_file(self, position: int) -> None:
        self.current = position
        self._draw()

    def _draw(self, force: bool = False) -> None:
        if self.stream is None:
            return
        now = time.monotonic()
        elapsed = now - self.started
        if not force and (elapsed < self.delay or now - self._drawn_at < 0.1):
            return
        self._drawn_at = now
        done = self.bytes_done + self.current
        rate = done / elapsed if elapsed > 0 else 0
        eta = "?"
        if rate > 0 and self.total_bytes > done:
            seconds = int((self.total_bytes - done) / rate)
            eta = f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        elif self.total_bytes <= done:
            eta = "0:00:00"
        parts = [f"cleantext: {self.files}/{self.total_files} files",
                 f"{_megabytes(done)}/{_megabytes(self.total_bytes)} MB", f"{_megabytes(rate)} MB/s",
                 f"ETA {eta}"]
        text = _fitted(parts, self.columns() - 1)  # the last column would wrap on some terminals
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)

    def clear(self) -> None:
        if self.stream is not None and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0


def summary_lines(report: Report, top: int = 3) -> list[str]:
    """The end-of-batch summary: totals, then each stage's removals with its `top` reasons."""
    totals = report.as_dict()["totals"]
    failed = f", {totals['failed']} failed" if totals["failed"] else ""
    not_started = f", {totals['not_started']} not started" if totals["not_started"] else ""
    lines = [f"{totals['files']} file{'s' if totals['files'] != 1 else ''}{failed}{not_started}: "
             f"{totals['lines_in']:,} lines in, {totals['lines_out']:,} out, {totals['removed']:,} removed, "
             f"{totals['changed']:,} changed in {report.seconds:.2f}s"]
    for stage in report.stats.get("stages", []):
        reasons = Counter(stage["removed_by_rule"]).most_common()
        shown = ", ".join(f"{rule} {count:,}" for rule, count in reasons[:top])
        if len(reasons) > top:
            shown += f", {len(reasons) - top} more"
        parts = [f"{stage['removed']:,} removed" + (f" ({shown})" if shown else "")]
        if stage["changed"] and not stage["removed"]:
            parts = []
        if stage["changed"]:
            parts.append(f"{stage['changed']:,} changed")
        lines.append(f"  {stage['stage']}: {'; '.join(parts)}")
    return lines


def _megabytes(count: float) -> str:
    return f"{count / 1e6:.1f}"


def run_batch(
    pipeline: Pipeline,
    inputs: Sequence[str],
    options: Options,
    warn: Callable[[str], None] = lambda message: print(message, file=sys.stderr),
    note: Callable[[str], None] | None = ...,  # type: ignore[assignment]
    log: Callable[[str], None] | None = None,
    progress_stream: IO[str] | None = None,
    tasks: Sequence[Task] | None = None,
) -> Report:
    """Clean `inputs` as `options` say; returns the report (its `failed` decides the exit code).

    `warn` gets failures (one line each, naming the input), `note` warnings about
    inputs that were still cleaned (default: `warn`; None silences them), `log` one
    line per input with its counts (``-v``), and `progress_stream` a progress line.
    """
    if note is ...:
        note = warn
    started = time.perf_counter()
    tasks = list(tasks) if tasks is not None else plan_batch(inputs, options, note)
    jobs = choose_jobs(pipeline, tasks, options.jobs)
    report = Report(jobs=jobs, jsonl=options.jsonl)
    progress = Progress(progress_stream, len(tasks), sum(task.size for task in tasks))

    def say(message: str, to: Callable[[str], None] | None) -> None:
        if to is None:
            return
        progress.clear()
        to(message)

    totals = [StageStats() for _ in pipeline.stages]
    outcome_documents: list[int] = []
    with ExitStack() as stack:
        shared = None
        if options.output_dir is None and not options.in_place:
            shared = stack.enter_context(AtomicOutput(options.output or "-"))
        joiner = DocumentJoiner(shared.stream) if shared is not None else None
        removed_out = None
        if options.removed is not None:
            removed_out = stack.enter_context(_side_output(options.removed))
            removed_out.stream.write(REMOVED_HEADER.encode())
        outcomes = _Outcomes(pipeline, tasks, options, jobs, joiner,
                             removed_out.stream if removed_out is not None else None, progress)
        stack.callback(outcomes.close)
        stack.callback(progress.clear)
        for position, outcome in enumerate(outcomes):
            check_interrupt()  # in case an interrupt was swallowed (see `interrupts.check`)
            result = outcome.result
            report.files.append(result)
            for message in result.warnings if note is not None else ():
                say(message, note)
            if result.error is None:
                if outcome.text is not None and joiner is not None:
                    joiner.start_document()
                    _copy_spool(outcome.text, joiner.write)
                if outcome.pending is not None:
                    try:
                        outcome.pending.commit()
                    except OSError as error:
                        outcome.pending.discard()
                        result.error = read_error_message(result.output or result.name, error)
            if outcome.removed is not None:
                if result.error is None and removed_out is not None:
                    _copy_spool(outcome.removed, removed_out.stream.write)
                else:
                    _discard(Outcome(outcome.task, result, removed=outcome.removed))
            if result.error is not None:
                _discard(outcome)
                say(result.error, warn)
            elif log is not None:
                say(_describe(result), log)
            outcome_documents.append(outcome.documents)
            if outcome.stage_stats is not None:
                for total, stats in zip(totals, outcome.stage_stats):
                    _add(total, stats)
            progress.file_done(outcome.task.size)
            if result.error is not None and options.fail_fast:
                report.not_started = len(tasks) - position - 1
                if report.not_started:
                    say(f"stopped after the first failure (--fail-fast); "
                        f"{report.not_started} input(s) not cleaned", warn)
                break
        if outcomes.runs:  # one shared run: its statistics are the totals
            totals = outcomes.runs[0].stats
            documents = outcomes.runs[0].documents
        else:
            documents = sum(outcome_documents)
        report.stats = {
            "documents": documents,
            "stages": [{"stage": stage.name, **stats.as_dict()} for stage, stats in zip(pipeline.stages, totals)],
        }
        report.seconds = time.perf_counter() - started
        if shared is not None and options.output not in (None, "-") and report.failed \
                and (options.fail_fast or len(report.failed) == len(report.files)):
            shared.discard()  # a stopped batch, or one with nothing cleaned, leaves -o FILE alone
        if options.stats is not None:
            stats_out = stack.enter_context(_side_output(options.stats))
            stats_out.stream.write((json.dumps(report.as_dict(), indent=2) + "\n").encode())
    return report


def _side_output(name: str) -> AtomicOutput:
    """--removed or --stats: a file, or standard error for '-'."""
    if name == "-":
        return AtomicOutput(name, standard_stream("<stderr>"), label="<stderr>")
    return AtomicOutput(name)


def _add(total: StageStats, stats: StageStats) -> None:
    total.lines_in += stats.lines_in
    total.removed += stats.removed
    total.changed += stats.changed
    total.removed_by_rule.update(stats.removed_by_rule)
    total.notes.update(stats.notes)


def _describe(result: FileResult) -> str:
    removed = result.lines_in - result.lines_out
    where = f" -> {result.output}" if result.output else ""
    notes = "".join(f"; {note}" + (f" x{n}" if n > 1 else "") for note, n in sorted(result.notes.items()))
    return (f"{result.name}: {result.lines_in} lines, {removed} removed, {result.changed} changed"
            f"{where} ({result.seconds:.2f}s){notes}")
