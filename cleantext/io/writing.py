"""Writing outputs atomically: complete or not at all, never half a file.

A path is written to a temporary file beside it and renamed into place; every
temporary file this process creates is registered before it exists, so an interrupt
at any moment leaves nothing behind (`remove_temporary_files`).
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import re
import shutil
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..interrupts import deferred
from ..lines import Line
from .compression import GZIP_LEVEL, ZSTD_LEVEL, _zstandard, compression_of
from .errors import OutputError, output_error

def encode_line(line: Line, original: bool = False) -> bytes:
    """The bytes of a line (as cleaned, or as read with `original`).

    Surrogate escapes from reading become their original bytes again.
    """
    return encode_text((line.original if original else line.text) + line.ending)


def encode_text(text: str) -> bytes:
    """The bytes of a text read by `io.reading` (and perhaps changed since): surrogate
    escapes from reading become their original bytes again, unless the text has other
    lone surrogates: then every lone surrogate becomes ``?``."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # lone surrogates that did not come from reading
        return text.encode("utf-8", "replace")


#: A line longer than this many characters is encoded in pieces of this size
#: (`encoded_pieces`): writing it costs a piece's bytes, not two more copies of the line.
LONG_LINE = 1 << 20
#: Surrogates that reading did not make (it makes U+DC80-U+DCFF, one per invalid byte).
_FOREIGN_SURROGATE = re.compile("[\ud800-\udc7f\udd00-\udfff]")


def encoded_pieces(line: Line, original: bool = False) -> Iterator[bytes]:
    """`encode_line`'s bytes in order, in pieces of at most `LONG_LINE` characters' worth."""
    text = line.original if original else line.text
    if len(text) <= LONG_LINE:
        yield encode_line(line, original)
        return
    errors = "replace" if _FOREIGN_SURROGATE.search(text) else "surrogateescape"  # as `encode_line`
    for start in range(0, len(text), LONG_LINE):
        yield text[start:start + LONG_LINE].encode("utf-8", errors)
    if line.ending:
        yield line.ending.encode()


#: Temporary files this process created and has not yet renamed or removed. An
#: interrupt can land between creating one and the ``with`` block that would clean it
#: up; `remove_temporary_files` is the last line of defence for that moment.
_live_temporary_files: set[str] = set()


#: Output files this process has renamed into place, in order: what an interrupted run
#: did finish (an interrupt message must not claim that nothing was written).
committed_outputs: list[str] = []


def remove_temporary_files() -> None:
    """Remove every temporary output file of this process still on disk."""
    while _live_temporary_files:
        try:
            os.unlink(_live_temporary_files.pop())
        except OSError:
            pass


#: Part of every temporary file's name: the process that runs the batch (its worker
#: processes take their parent's tag), so the batch can remove a temporary output that a
#: worker finished and handed over but that never reached a commit (the worker ended on
#: SIGTERM before its result was sent, or the interrupt came before the rename).
_temporary_tag = str(os.getpid())


def temporary_tag() -> str:
    return _temporary_tag


def set_temporary_tag(tag: str) -> None:
    """Name this (worker) process's temporary files after the batch that owns them."""
    global _temporary_tag
    _temporary_tag = tag


def remove_orphaned_temporary_files(targets: Iterable[str], tag: str) -> None:
    """Remove temporary files that processes tagged `tag` made for `targets` and left behind."""
    import glob

    for target in targets:
        directory, name = os.path.split(target)
        pattern = os.path.join(glob.escape(directory or "."), glob.escape(f".{name}.{tag}-") + "*.tmp")
        for path in glob.glob(pattern, include_hidden=True):
            try:
                os.unlink(path)
            except OSError:
                pass


def _create_temporary(directory: str, prefix: str) -> tuple[int, str]:
    """Create a new temporary file (mode 0600) and return its descriptor and path.

    The path is registered *before* the file exists, so an interrupt at any moment
    leaves nothing that `remove_temporary_files` does not know about (with
    `tempfile.mkstemp` there is a gap between creating the file and learning its name).
    """
    for _ in range(100):
        path = os.path.join(directory, f"{prefix}{_temporary_tag}-{os.urandom(6).hex()}.tmp")
        _live_temporary_files.add(path)
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600), path
        except FileExistsError:
            _live_temporary_files.discard(path)
        except OSError:  # not created; an interrupt instead keeps the name registered
            _live_temporary_files.discard(path)
            raise
    raise FileExistsError(17, "no free temporary file name", directory)


@dataclass(frozen=True)
class PendingOutput:
    """A finished temporary file waiting to replace `target`; picklable, so a worker
    process can write it and the main process can rename it in input order.

    With `backup`, the file being replaced is first kept as ``target + backup``.
    """

    temp: str
    target: str
    backup: str | None = None

    def commit(self) -> None:
        """Rename into place; Ctrl-C waits until the backup and the rename are both done
        (a backup alone would make the next run skip the file)."""
        with deferred():
            self._commit()

    def _commit(self) -> None:
        exists = os.path.exists(self.target)
        if exists:
            os.chmod(self.temp, os.stat(self.target).st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(self.temp, 0o666 & ~umask)
        if self.backup and exists:
            _atomic_copy(self.target, self.target + self.backup)
        os.replace(self.temp, self.target)
        _live_temporary_files.discard(self.temp)
        committed_outputs.append(self.target)

    def discard(self) -> None:
        try:
            os.unlink(self.temp)
        except FileNotFoundError:
            pass
        _live_temporary_files.discard(self.temp)


def _atomic_copy(source: str, destination: str) -> None:
    """Make `destination` a copy of `source` that is never seen half-written.

    A hard link is instant and keeps the original inode (the rename that follows
    gives `source` a new one); file systems without links get a real copy.
    """
    path = Path(destination)
    temp = str(path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"))
    _live_temporary_files.add(temp)
    try:
        try:
            os.link(source, temp)
        except OSError:
            shutil.copy2(source, temp)
        os.replace(temp, destination)
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise
    finally:
        _live_temporary_files.discard(temp)



class NamedWriter:
    """A binary stream whose write errors name it: `OutputError`, except a closed pipe,
    which stays `BrokenPipeError` (the reader went away; not an error of ours)."""

    def __init__(self, stream: BinaryIO, name: str):
        self.raw = stream
        self.name = name

    def write(self, data: bytes) -> int:
        try:
            return self.raw.write(data)
        except BrokenPipeError:
            raise
        except OSError as error:
            raise output_error(self.name, error) from None

    def flush(self) -> None:
        try:
            self.raw.flush()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise output_error(self.name, error) from None


#: Standard descriptors the command found closed at start (see `cli.main`).
closed_standard_streams: set[str] = set()


def standard_stream(name: str) -> BinaryIO:
    """The binary standard output or error; `OutputError` when it was closed at start."""
    stream = sys.stdout if name == "<stdout>" else sys.stderr
    if stream is None or name in closed_standard_streams:
        raise OutputError(f"{name}: closed (the command was run with it closed)", name)
    return stream.buffer


class AtomicOutput:
    """A binary output that appears complete or not at all.

    A path is written to a temporary file beside it and renamed into place by
    `commit`; `discard` (or leaving the ``with`` block by an exception) removes the
    temporary file, so an interrupted run never leaves a truncated output. The data is
    flushed to disk before the rename, so a crash of the machine cannot leave an empty
    file either. ``-`` writes to standard output directly (`label` names it in
    messages, e.g. ``<stderr>`` when `stdout` is standard error). A name ending in
    ``.gz`` or ``.zst`` is compressed unless `compress` is false. `detach` finishes the
    file without renaming it and returns the `PendingOutput` to commit later. Errors
    while writing or finishing are `OutputError`s naming the target.
    """

    def __init__(self, target: str, stdout: BinaryIO | None = None, *, compress: bool = True,
                 backup: str | None = None, make_parents: bool = False, label: str | None = None):
        self.target = target
        self.backup = backup
        self.label = label or ("<stdout>" if target == "-" else target)
        self._temp: str | None = None
        self._raw: BinaryIO | None = None
        self._special = False  # a device or pipe: written directly, closed at the end
        if target == "-":
            self._stream: BinaryIO = stdout or standard_stream("<stdout>")
            self.stream = NamedWriter(self._stream, self.label)
            return
        kind = compression_of(target) if compress else None
        zstandard = _zstandard(target) if kind == "zst" else None
        path = Path(target)
        try:
            if path.is_dir():
                raise IsADirectoryError(21, "Is a directory")
            if path.exists() and not path.is_file():  # /dev/null, a named pipe: write through
                self._stream = open(path, "wb")
                self.stream = NamedWriter(self._stream, self.label)
                self._raw = None
                self._special = True
                return
            if make_parents:
                path.parent.mkdir(parents=True, exist_ok=True)
            fd, self._temp = _create_temporary(str(path.parent) or ".", f".{path.name}.")
        except OSError as error:
            raise output_error(target, error) from None
        self._raw = os.fdopen(fd, "wb")
        if kind == "gz":
            self._stream = gzip.GzipFile(fileobj=self._raw, mode="wb", compresslevel=GZIP_LEVEL,  # type: ignore[assignment]
                                         filename="", mtime=0)  # reproducible bytes
        elif kind == "bz2":
            self._stream = bz2.BZ2File(self._raw, "wb")  # type: ignore[assignment]
        elif kind == "xz":
            self._stream = lzma.LZMAFile(self._raw, "wb")  # type: ignore[assignment]
        elif zstandard is not None:
            compressor = zstandard.ZstdCompressor(level=ZSTD_LEVEL)
            self._stream = compressor.stream_writer(self._raw, closefd=False)  # type: ignore[assignment]
        else:
            self._stream = self._raw
        self.stream = NamedWriter(self._stream, self.label)

    def _finish(self) -> None:
        assert self._raw is not None
        if self._stream is not self._raw:
            self._stream.close()  # writes the compressed stream's trailer
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()

    def detach(self) -> PendingOutput | None:
        """Finish writing and hand over the temporary file (None for standard output)."""
        if self._temp is None:
            try:
                if self._special:
                    self._special = False
                    self._stream.close()
                elif self._raw is None:  # standard output, not a file already discarded
                    self._stream.flush()
            except BrokenPipeError:
                raise
            except OSError as error:
                raise output_error(self.label, error) from None
            return None
        try:
            self._finish()
        except BaseException as error:
            self.discard()
            if isinstance(error, OSError):
                raise output_error(self.label, error) from None
            raise
        pending = PendingOutput(self._temp, self.target, self.backup)
        self._temp = None
        return pending

    def commit(self) -> None:
        pending = self.detach()
        if pending is not None:
            try:
                pending.commit()
            except BaseException as error:
                pending.discard()
                if isinstance(error, OSError):
                    raise output_error(self.label, error) from None
                raise

    def discard(self) -> None:
        if self._special:
            self._special = False
            try:
                self._stream.close()
            except OSError:  # e.g. a full device refusing the buffered rest: it is thrown away
                pass
        if self._temp is not None:
            for stream in {id(s): s for s in (self._stream, self._raw) if s is not None}.values():
                try:
                    stream.close()
                except Exception:  # a compressor may fail to flush; the file goes anyway
                    pass
            try:
                os.unlink(self._temp)
            except FileNotFoundError:
                pass
            _live_temporary_files.discard(self._temp)
            self._temp = None

    def __enter__(self) -> AtomicOutput:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


class DocumentJoiner:
    """Concatenates documents into one output so that two never share a line.

    Call `start_document` before each document; if the output so far does not end
    with a newline, one is added before the next document's first byte.
    """

    def __init__(self, stream: BinaryIO | NamedWriter):
        self.stream = stream
        self._open_line = False
        self._new_document = False

    def start_document(self) -> None:
        self._new_document = True

    def write(self, data: bytes) -> None:
        if not data:
            return
        if self._new_document:
            if self._open_line:
                self.stream.write(b"\n")
            self._new_document = False
        self.stream.write(data)
        self._open_line = not data.endswith(b"\n")

    def flush(self) -> None:
        self.stream.flush()
