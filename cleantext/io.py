"""Reading inputs into lines and writing outputs atomically.

Decoding policy: input is UTF-8. Bytes that are not valid UTF-8 are kept as surrogate
escapes (PEP 383), so a line is never dropped or altered by reading: stages that do
not touch it write the same bytes back, and `FixEncoding` re-decodes them as
Windows-1252. A UTF-8 byte order mark is dropped; UTF-16 with a byte order mark is
decoded. Only ``\\n`` and ``\\r\\n`` end lines, and each line keeps its own ending.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from .lines import Line, split_lines

#: How much of an input is inspected to tell text from binary data.
SNIFF_BYTES = 8192
#: Share of control bytes (other than tab, newlines, form feed, escape) that marks binary data.
BINARY_CONTROL_SHARE = 0.10
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0c\x0b\x1b")
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class InputError(Exception):
    """An input that cannot be cleaned; the message names it and says why."""


def describe_os_error(name: str, error: OSError) -> str:
    reason = error.strerror or str(error)
    if isinstance(error, FileNotFoundError):
        reason = "no such file"
    elif isinstance(error, IsADirectoryError):
        reason = "is a directory"
    elif isinstance(error, PermissionError):
        reason = "permission denied"
    return f"{name}: {reason}"


def open_input(name: str) -> BinaryIO:
    """Open a file (or ``-`` for standard input) for reading bytes."""
    if name == "-":
        return sys.stdin.buffer
    if os.path.isdir(name):
        raise InputError(f"{name}: is a directory")
    try:
        return open(name, "rb")
    except OSError as error:
        raise InputError(describe_os_error(name, error)) from None


def looks_binary(sample: bytes) -> bool:
    """Binary data has NUL bytes and many other control bytes; text with a stray NUL does not."""
    if b"\x00" not in sample:
        return False
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in _TEXT_CONTROLS)
    return controls > BINARY_CONTROL_SHARE * len(sample)


def read_lines(
    stream: BinaryIO, source: str, warn: Callable[[str], None] = lambda message: None
) -> Iterator[Line]:
    """Yield the lines of `stream`, decoded by the policy above.

    Raises `InputError` before yielding anything when the data looks binary. `warn`
    receives one message per input that had invalid UTF-8.
    """
    head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES] if hasattr(stream, "peek") else b""
    if head.startswith(_UTF16_BOMS):
        yield from _read_utf16(stream, source)
        return
    if looks_binary(head):
        raise InputError(f"{source}: looks like binary data, not text (skipped)")
    invalid: list[int] = []
    number = 0
    for number, raw in enumerate(stream, start=1):
        if number == 1 and raw.startswith(_UTF8_BOM):
            raw = raw[len(_UTF8_BOM):]
        if raw.endswith(b"\n"):
            if raw.endswith(b"\r\n"):
                raw, ending = raw[:-2], "\r\n"
            else:
                raw, ending = raw[:-1], "\n"
        else:
            ending = ""
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("utf-8", "surrogateescape")
            invalid.append(number)
        yield Line(number, text, ending, source)
    if invalid:
        more = f" and {len(invalid) - 1} more" if len(invalid) > 1 else ""
        warn(f"{source}: invalid UTF-8 on line {invalid[0]}{more}; bytes kept as they were")


def _read_utf16(stream: BinaryIO, source: str) -> Iterator[Line]:
    try:
        text = stream.read().decode("utf-16")
    except UnicodeDecodeError as error:
        raise InputError(f"{source}: invalid UTF-16 ({error.reason})") from None
    yield from split_lines(text, source)


def encode_line(line: Line) -> bytes:
    """The bytes of a line; surrogate escapes from reading become their original bytes."""
    try:
        return (line.text + line.ending).encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # lone surrogates that did not come from reading
        return (line.text + line.ending).encode("utf-8", "replace")


class AtomicOutput:
    """A binary output that appears complete or not at all.

    A path is written to a temporary file beside it and renamed into place by
    `commit`; `discard` (or leaving the ``with`` block by an exception) removes the
    temporary file, so an interrupted run never leaves a truncated output. ``-``
    writes to standard output directly.
    """

    def __init__(self, target: str, stdout: BinaryIO | None = None):
        self.target = target
        self._temp: str | None = None
        if target == "-":
            self.stream: BinaryIO = stdout or sys.stdout.buffer
            return
        path = Path(target)
        try:
            if path.is_dir():
                raise IsADirectoryError(21, "Is a directory")
            fd, self._temp = tempfile.mkstemp(
                prefix=f".{path.name}.", suffix=".tmp", dir=path.parent if str(path.parent) else "."
            )
        except OSError as error:
            raise InputError(describe_os_error(target, error)) from None
        self.stream = os.fdopen(fd, "wb")

    def commit(self) -> None:
        if self._temp is None:
            self.stream.flush()
            return
        self.stream.close()
        if os.path.exists(self.target):
            os.chmod(self._temp, os.stat(self.target).st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(self._temp, 0o666 & ~umask)
        os.replace(self._temp, self.target)
        self._temp = None

    def discard(self) -> None:
        if self._temp is not None:
            self.stream.close()
            try:
                os.unlink(self._temp)
            except FileNotFoundError:
                pass
            self._temp = None

    def __enter__(self) -> AtomicOutput:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


class LineWriter:
    """Writes kept lines to an output, keeping documents apart.

    A document whose last line had no newline gets one before the next document,
    so two inputs never run together on one line.
    """

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self._open_line = False

    def write(self, line: Line) -> None:
        if self._open_line:
            self.stream.write(b"\n")
        self.stream.write(encode_line(line))
        self._open_line = line.ending == ""


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})

REMOVED_HEADER = "source\tline\tstage\treason\tdetail\ttext\n"


def removed_row(line: Line) -> bytes:
    """One TSV row for a removed line: where it was, who removed it, why, and its text.

    The text is the line as read, before any stage changed it; backslash, tab and
    newline characters are escaped as ``\\\\``, ``\\t``, ``\\n``, ``\\r``.
    """
    removal = line.removed
    assert removal is not None
    fields = (line.source, str(line.number), removal.stage, removal.rule, removal.detail, line.original)
    row = "\t".join(field.translate(_TSV_ESCAPES) for field in fields) + "\n"
    return row.encode("utf-8", "surrogateescape")
