"""Cleaning one input: read its documents, clean each with a `Run`, write them back.

`clean_input` never raises for a bad input: the `FileResult` it returns carries the
error. `clean_task` wraps it for an executor: the cleaned text goes to the task's own
pending output file, or to a spool that waits for its turn in the shared output.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any, BinaryIO

from ..formats import format_for
from ..formats.removed import removed_row
from ..interrupts import deferred
from ..io import (
    AtomicOutput,
    DocumentJoiner,
    InputError,
    NamedWriter,
    OutputError,
    PendingOutput,
    encode_line,
    encode_text,
    encoded_pieces,
    input_position,
    open_input,
    read_error_message,
    read_lines,
)
from ..io.reading import invalid_utf8_warning, open_slice
from ..io.writing import LONG_LINE
from ..lines import Line
from ..pipeline import Run
from .options import STDIN, Options
from .plan import Task
from .report import FileResult

#: A document larger than this is spooled to disk, not memory, while it waits its turn.
SPOOL_MEMORY = 8 << 20
#: Cleaned bytes a worker process returns with the outcome, in memory; beyond this
#: they go through a file (see `HandOff`).
HAND_OFF_MEMORY = 1 << 20
#: Kept lines (or characters) a document's writer joins into one write (`Account.lines`).
WRITE_LINES = 256
WRITE_CHARS = 64 << 10
#: Lines between checks for Ctrl-C (in workers) and progress updates.
CHECK_EVERY = 512
#: How messages name a spool file that cannot be written.
SPOOL_NAME = "temporary file"


class Interrupted(Exception):
    """Raised inside a worker when the main process asks it to stop."""


class Account:
    """Counts the lines and bytes of one input as a format's writer writes them."""

    def __init__(self, result: FileResult, out: BinaryIO | DocumentJoiner | NamedWriter, removed: Any):
        self.result = result
        self.out = out
        self.removed = removed

    def line(self, line: Line, write: bool = True) -> None:
        """Take one cleaned line of a document: write it if kept and `write` (plain
        text), or its row to the removed-lines TSV. (Line counts come from the stages'
        statistics; see `FileResult`.)"""
        if line.removed is None:
            unchanged = line.text is line.original or line.text == line.original
            if not unchanged:
                self.result.changed += 1
            if write:
                self._write_kept(line, unchanged)
            return
        if write:
            self.result.bytes_in += _encoded_size(line)
        if self.removed is not None:
            self.removed.write(removed_row(line))

    def lines(self, cleaned: Iterable[Line]) -> None:
        """`line` for each of a document's cleaned lines, the kept ones written
        `WRITE_LINES` at a time: their texts and endings joined and encoded at once,
        one write instead of an encoding and a write per line (most of the framework's
        cost per line); removed lines' bytes as read are counted the same way. What was
        taken before an error (a read error, an interrupt) still goes out, so the output
        is the same bytes as line by line."""
        result = self.result
        pending: list[str] = []  # texts and endings of kept lines not yet written
        dropped: list[str] = []  # original texts and endings of removed lines not yet counted
        append = pending.append
        size = dropped_size = 0  # characters in `pending`, in `dropped`
        flush = self._flush
        rows = self.removed
        try:
            for line in cleaned:
                if line.removed is not None:
                    if rows is not None:
                        rows.write(removed_row(line))
                    original = line.original
                    if len(original) > LONG_LINE:
                        result.bytes_in += _encoded_size(line)
                        continue
                    dropped.append(original)
                    dropped.append(line.ending)
                    dropped_size += len(original)
                    if dropped_size >= WRITE_CHARS or len(dropped) >= 2 * WRITE_LINES:
                        result.bytes_in += len(_encoded(dropped))
                        dropped_size = 0
                    continue
                text = line.text
                length = len(text)
                if length > LONG_LINE:
                    if pending:
                        flush(pending)
                        size = 0
                    self.line(line)
                    continue
                if text is not line.original and text != line.original:
                    result.changed += 1
                    result.bytes_in += _encoded_size(line) - len(encode_line(line))  # flush counts the rest
                append(text)
                append(line.ending)
                size += length
                if size >= WRITE_CHARS or len(pending) >= 2 * WRITE_LINES:
                    flush(pending)
                    size = 0
        finally:
            if dropped:
                result.bytes_in += len(_encoded(dropped))
            if pending:
                flush(pending)

    def _flush(self, pending: list[str]) -> None:
        """Write the kept lines' texts and endings in `pending` (and count their bytes
        as read and written: their difference for changed lines is counted already)."""
        data = _encoded(pending)
        self.result.bytes_out += len(data)
        self.result.bytes_in += len(data)
        self.out.write(data)

    def _write_kept(self, line: Line, unchanged: bool) -> None:
        result = self.result
        if len(line.text) > LONG_LINE:  # in pieces, not as two more copies of the line
            size = 0
            for data in encoded_pieces(line):
                size += len(data)
                self.out.write(data)
        else:
            data = encode_line(line)
            size = len(data)
            self.out.write(data)
        result.bytes_out += size
        result.bytes_in += size if unchanged else _encoded_size(line)

    def raw(self, data: bytes, counted: bool = False, read: bool = False) -> None:
        """Write bytes that are not lines of a document (a separator, a JSON record);
        `read`: they were read as they are, `counted`: already in `bytes_out`."""
        if read:
            self.result.bytes_in += len(data)
        if not counted:
            self.result.bytes_out += len(data)
        self.out.write(data)

    def count_out(self, size: int) -> None:
        """Count bytes written that are held back for now (see `formats.jsonl`)."""
        self.result.bytes_out += size


def _encoded(texts: list[str]) -> bytes:
    """The bytes of `texts` (lines' texts and endings) one after another, as
    `encode_text` makes each; empties the list."""
    try:
        data = "".join(texts).encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a line with a surrogate reading did not make
        data = b"".join(map(encode_text, texts))
    texts.clear()  # before writing: a write that fails is not tried again
    return data


def _encoded_size(line: Line) -> int:
    """How many bytes the line was as read."""
    if len(line.original) <= LONG_LINE:
        return len(encode_line(line, original=True))
    return sum(map(len, encoded_pieces(line, original=True)))


def clean_input(run: Run, task: Task, options: Options, out: BinaryIO | DocumentJoiner | NamedWriter,
                removed: Any, stop: Callable[[], bool] | None = None,
                progress: Callable[[int], None] | None = None) -> FileResult:
    """Clean one input into `out` (and removed rows into `removed`); never raises for
    a bad input: the returned result carries the error."""
    started = time.perf_counter()
    result = FileResult(task.name, task.target)
    account = Account(result, out, removed)
    caught: list[warnings.WarningMessage] = []  # a stage's warnings become this input's notes
    before, documents_before = [stats.copy() for stats in run.stats], run.documents
    try:
        if task.problem:
            raise InputError(task.problem)
        shard = task.shard
        stream = open_input(task.source) if shard is None else open_slice(task.source, shard.start, shard.end)
        with stream if task.source != STDIN else ExitStack(), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default", UserWarning)  # noted, never raised (even under -W error)
            if shard is None:
                lines = read_lines(stream, task.name, result.warnings.append, options.separator == "\0")
            else:
                lines = read_lines(stream, task.name, first_line=shard.first_line,
                                   invalid=result.facts.setdefault("invalid", []))
            if stop is not None or progress is not None:
                lines = _watched(lines, stop, progress, stream)
            format = format_for(options)
            writer = format.writer(account, hold=shard is None)
            try:
                for document in format.documents(lines, task.name, result, whole=shard is None):
                    site = task.site if task.site is not None else document.site
                    cleaned = run.process(document.lines, site) if document.to_clean else iter(())
                    writer.write(document, cleaned)
                writer.finish()
            finally:
                writer.close()
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
    result.stages = [(stage.name, after - earlier) for stage, after, earlier in zip(run.stages, run.stats, before)]
    result.documents = run.documents - documents_before
    result.warnings += [f"{task.name}: {warning.message}" for warning in caught]
    result.seconds = time.perf_counter() - started
    return result


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


@dataclass
class Outcome:
    """A cleaned task waiting to be finished by the main process."""

    task: Task
    result: FileResult
    pending: PendingOutput | None = None  #: its own output file, not yet renamed
    text: Any = None  #: spooled cleaned text for the shared output (bytes, path or file)
    removed: Any = None  #: spooled removed-lines rows (bytes, path or file)


def _spool(directory: str | None):
    """A place for one document's bytes while it waits for its turn."""
    if directory is None:
        with deferred():  # Ctrl-C inside its __init__ leaves an object that fails when collected
            return tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)
    return HandOff(directory)


class HandOff:
    """Bytes cleaned for another process: kept in memory up to `HAND_OFF_MEMORY`, in a
    file in `directory` past that. `handed_off()` is what the outcome carries: the
    bytes themselves, or the file's path. A page of a few kilobytes then travels with
    its outcome instead of through a file created, written, read and removed."""

    def __init__(self, directory: str):
        self.directory = directory
        self.memory: io.BytesIO | None = io.BytesIO()
        self.file: BinaryIO | None = None
        self.path: str | None = None

    def write(self, data: bytes) -> int:
        if self.memory is not None:
            self.memory.write(data)
            if self.memory.tell() > HAND_OFF_MEMORY:
                fd, self.path = tempfile.mkstemp(dir=self.directory, suffix=".spool")
                self.file = os.fdopen(fd, "wb")
                self.file.write(self.memory.getbuffer())
                self.memory = None
            return len(data)
        assert self.file is not None
        return self.file.write(data)

    def flush(self) -> None:
        if self.file is not None:
            self.file.flush()

    def close(self) -> None:
        if self.file is not None:
            self.file.close()

    def handed_off(self) -> bytes | str:
        self.close()
        if self.memory is not None:
            return self.memory.getvalue()
        assert self.path is not None
        return self.path


def clean_task(run: Run, task: Task, options: Options, spool_dir: str | None,
               direct: DocumentJoiner | None = None, direct_removed: Any = None,
               stop=None, progress=None) -> Outcome:
    """Clean one task into a spool (or its own pending output file, or `direct`ly into
    the shared output); with `spool_dir`, the spooled bytes travel with the outcome to
    another process (in memory, or in a file there named in the outcome, see `HandOff`)."""
    outcome = Outcome(task, FileResult(task.name))
    removed_spool = None
    removed = direct_removed
    if removed is None and options.removed is not None:
        removed_spool = _spool(spool_dir)
        removed = NamedWriter(removed_spool, SPOOL_NAME)
        if spool_dir is None:
            outcome.removed = removed_spool
    try:
        if task.target is not None and task.shard is None:
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
            text = _spool(spool_dir)
            try:
                outcome.result = clean_input(run, task, options, NamedWriter(text, SPOOL_NAME), removed,
                                             stop, progress)
            finally:
                text.flush()
                if spool_dir is not None:
                    outcome.text = text.handed_off()
                else:
                    outcome.text = text
    finally:
        if spool_dir is not None and removed_spool is not None:
            outcome.removed = removed_spool.handed_off()
    return outcome


def discard(outcome: Outcome) -> None:
    """Throw away what a task cleaned: its pending output file and its spools."""
    if outcome.pending is not None:
        outcome.pending.discard()
    for spooled in (outcome.text, outcome.removed):
        if isinstance(spooled, list):
            for part in spooled:
                discard(Outcome(outcome.task, outcome.result, text=part))
        elif isinstance(spooled, str):
            try:
                os.unlink(spooled)
            except FileNotFoundError:
                pass
        elif spooled is not None and not isinstance(spooled, bytes):
            spooled.close()


def copy_spool(spooled: Any, write: Callable[[bytes], object]) -> None:
    """Pass a spool's bytes (or each of a list of spools') to `write`, then remove it."""
    if isinstance(spooled, bytes):
        if spooled:
            write(spooled)
    elif isinstance(spooled, list):
        for part in spooled:
            if part is not None:
                copy_spool(part, write)
    elif isinstance(spooled, str):
        with open(spooled, "rb") as source:
            while chunk := source.read(1 << 20):
                write(chunk)
        os.unlink(spooled)
    else:
        spooled.seek(0)
        while chunk := spooled.read(1 << 20):
            write(chunk)
        spooled.close()


def join_parts(parts: list[Outcome], options: Options) -> Outcome:
    """One outcome for an input cleaned in slices (`parts`, in order): the counts added
    up, the decisions only the whole input can make taken (`formats.jsonl` `settle`),
    and the spooled text and removed lines of every part, in order. An input with its
    own output file gets it written here, from the parts, so it appears whole or not
    at all."""
    first = parts[0].task
    task = Task(first.index, first.source, first.name, first.target, sum(p.task.size for p in parts))
    result = FileResult(first.name, first.target)
    for part in parts:
        result = result + part.result
    invalid = [number for part in parts for number in part.result.facts.get("invalid", ())]
    if invalid:
        result.warnings.insert(0, invalid_utf8_warning(first.name, invalid))
    outcome = Outcome(task, result, text=[p.text for p in parts], removed=[p.removed for p in parts])
    if result.error is None:
        try:
            format_for(options).settle(first.name, [p.result for p in parts], result)
        except InputError as error:
            result.error = str(error)
    if result.error is not None:
        return outcome
    if task.target is not None:  # its own output file, written from the parts
        try:
            with AtomicOutput(task.target, backup=options.backup, make_parents=True) as target:
                copy_spool(outcome.text, target.stream.write)
                outcome.text = None
                outcome.pending = target.detach()
        except InputError as error:  # includes OutputError
            result.error = str(error)
    return outcome
