"""Reading inputs into lines.

Decoding policy: input is UTF-8. Bytes that are not valid UTF-8 are kept as surrogate
escapes (PEP 383), so a line is never dropped or altered by reading: stages that do
not touch it write the same bytes back, and `FixEncoding` re-decodes them as
Windows-1252. A UTF-8 byte order mark is dropped; UTF-32 and UTF-16 with a byte order
mark are decoded (a UTF-16 mark only when the text after it looks like UTF-16). Only
``\\n`` and ``\\r\\n`` end lines, and each line keeps its own ending.
"""

from __future__ import annotations

import codecs
import gzip
import io
import lzma
import os
import re
import sys
import zlib
from collections.abc import Callable, Iterator
from typing import BinaryIO

from ..lines import Line, split_lines
from .compression import (
    _Bz2Reader,
    _GzipReader,
    _XzReader,
    _decompressed_stdin,
    _zstandard,
    compression_of,
)
from .errors import InputError, describe_os_error

#: How much of an input is inspected to tell text from binary data.
SNIFF_BYTES = 8192
#: Share of control bytes (other than tab, newlines, form feed, escape) that marks binary data.
BINARY_CONTROL_SHARE = 0.10
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0c\x0b\x1b")
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")



def open_input(name: str) -> BinaryIO:
    """Open a file (or ``-`` for standard input) for reading bytes, decompressing by
    name (standard input: by its first bytes)."""
    if name == "-":
        if sys.stdin is None:
            raise InputError("<stdin>: closed (the command was run with standard input closed)")
        return _decompressed_stdin(sys.stdin.buffer)
    if os.path.isdir(name):
        raise InputError(f"{name}: is a directory")
    kind = compression_of(name)
    zstandard = _zstandard(name) if kind == "zst" else None
    try:
        raw = open(name, "rb")
    except OSError as error:
        raise InputError(describe_os_error(name, error)) from None
    if kind == "gz":
        return _GzipReader(raw)  # type: ignore[return-value]
    if kind == "bz2":
        return _Bz2Reader(raw)  # type: ignore[return-value]
    if kind == "xz":
        return _XzReader(raw)  # type: ignore[return-value]
    if zstandard is not None:
        reader = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True, closefd=True)
        return io.BufferedReader(reader, buffer_size=1 << 16)  # type: ignore[arg-type]
    return raw


def read_error_message(name: str, error: BaseException) -> str | None:
    """The one-line message for an error met while reading `name`, or None if it is a bug.

    Covers the operating system's errors and corrupt or truncated compressed data.
    """
    if isinstance(error, InputError):
        return str(error)
    if isinstance(error, gzip.BadGzipFile) or isinstance(error, zlib.error):
        return f"{name}: corrupt gzip data ({error})"
    if isinstance(error, lzma.LZMAError):
        return f"{name}: corrupt xz data ({error})"
    if isinstance(error, OSError) and compression_of(name) == "bz2" and not error.errno:
        return f"{name}: corrupt bzip2 data ({error})"
    if isinstance(error, EOFError):
        return f"{name}: compressed data ends early (truncated file?)"
    if type(error).__name__ == "ZstdError":
        return f"{name}: corrupt zstd data ({error})"
    if isinstance(error, OSError):
        return describe_os_error(name, error).lower()
    return None


def input_position(stream: BinaryIO) -> int | None:
    """How many bytes of the underlying file were read so far (None if not a file)."""
    try:
        return os.lseek(stream.fileno(), 0, os.SEEK_CUR)
    except (OSError, AttributeError, ValueError, io.UnsupportedOperation):
        return None


def looks_binary(sample: bytes) -> bool:
    """Binary data has NUL bytes and many other control bytes; text with a stray NUL does not."""
    if b"\x00" not in sample:
        return False
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in _TEXT_CONTROLS)
    return controls > BINARY_CONTROL_SHARE * len(sample)


_HTML_START = re.compile(rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
                         rb"<(?:!doctype\s+html|html|head|body|meta|title|div|p|table|script|style|section|"
                         rb"article|span|a\s+href)\b", re.IGNORECASE | re.DOTALL)


def looks_like_html(sample: bytes) -> bool:
    """Whether an input starts like an HTML page (a doctype or an HTML element first)."""
    return _HTML_START.match(sample.removeprefix(_UTF8_BOM)) is not None


def read_lines(
    stream: BinaryIO, source: str, warn: Callable[[str], None] = lambda message: None,
    nul_separated: bool = False, *, first_line: int = 1, invalid: list[int] | None = None,
) -> Iterator[Line]:
    """Yield the lines of `stream`, decoded by the policy above.

    Raises `InputError` before yielding anything when the data looks binary (NUL bytes
    do not count when `nul_separated`: they separate documents). `warn` receives one
    message per input that had invalid UTF-8, unless `invalid` collects their line
    numbers instead. A slice of an input that starts at line `first_line` > 1 (see
    `open_slice`) is numbered from there and not sniffed: its input's start was.
    """
    if not hasattr(stream, "peek") and hasattr(stream, "readinto"):
        # e.g. BytesIO: sniffing needs peek; the wrapper must not close the stream it wraps
        wrapper = io.BufferedReader(stream)  # type: ignore[arg-type]
        try:
            yield from read_lines(wrapper, source, warn, nul_separated,  # type: ignore[arg-type]
                                  first_line=first_line, invalid=invalid)
        finally:
            wrapper.detach()
        return
    head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES] if hasattr(stream, "peek") and first_line == 1 else b""
    encoding = _bom_encoding(head)
    if encoding is not None:
        yield from _read_wide(stream, source, encoding)
        return
    if looks_binary(head.replace(b"\x00", b"") if nul_separated else head):
        raise InputError(f"{source}: looks like binary data, not text (skipped)")
    if looks_like_html(head):
        warn(f"{source}: looks like HTML; cleantext expects text and passes markup through as it is "
             "(extract the text first, e.g. with trafilatura, html2text or lynx -dump)")
    number = first_line - 1
    collected = invalid is not None
    if invalid is None:
        invalid = []
    read = stream.read1 if hasattr(stream, "read1") else stream.read  # read1: what a pipe has now
    first = first_line == 1  # a byte order mark may start the first line
    carry = b""  # the start of a line whose end has not been read yet
    ended = False
    while True:
        block = b"" if ended else read(READ_BYTES)
        ended = not block
        data = carry + block if carry else block
        end = data.rfind(b"\n")
        if end < 0:
            if ended:  # the last line, without an ending
                if data:
                    number += 1
                    text = _decoded(data[len(_UTF8_BOM):] if first and data.startswith(_UTF8_BOM) else data,
                                    number, invalid)
                    yield Line(number, text, "", source)
                break
            carry = data
            if len(carry) >= LONG_LINE_BYTES:
                number += 1
                text, ending, valid, carry = _read_long_line(carry, read, first)
                first, ended = False, not ending
                if not valid:
                    invalid.append(number)
                yield Line(number, text, ending, source)
            continue
        complete, carry = data[:end], data[end + 1:]
        if first:
            first = False
            if complete.startswith(_UTF8_BOM):
                complete = complete[len(_UTF8_BOM):]
        texts, returns = _decoded_lines(complete, number, invalid)
        if returns:
            for text in texts:
                number += 1
                if text.endswith("\r"):
                    yield Line(number, text[:-1], "\r\n", source)
                else:
                    yield Line(number, text, "\n", source)
        else:
            for text in texts:
                number += 1
                yield Line(number, text, "\n", source)
    if invalid and not collected:
        warn(invalid_utf8_warning(source, invalid))


#: Inputs are read this many bytes at a time (at most: a pipe gives what it has), and
#: the complete lines of each read decoded at once.
READ_BYTES = 1 << 16
#: A line that has this many bytes before its end is read is decoded piece by piece
#: onto the end of its text, so that it costs memory for its text and one piece, not
#: also for all its bytes at once and their copies (issue 11: a long line costs memory
#: in proportion to itself).
LONG_LINE_BYTES = 1 << 16
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")  # what surrogateescape makes of an invalid byte


def _decoded(data: bytes, number: int, invalid: list[int]) -> str:
    """The text of line `number`, its bytes `data` (no ending); `invalid` gets its
    number if they are not valid UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        invalid.append(number)
        return data.decode("utf-8", "surrogateescape")


def _decoded_lines(data: bytes, number: int, invalid: list[int]) -> tuple[list[str], bool]:
    """The texts of the lines after line `number` whose bytes, each but the last
    followed by a newline, are `data` (decoded at once where all are valid UTF-8, as
    most are), and whether any has a carriage return (perhaps before its newline)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        texts = [_decoded(raw, at, invalid) for at, raw in enumerate(data.split(b"\n"), start=number + 1)]
        return texts, b"\r" in data
    return text.split("\n"), "\r" in text


def _read_long_line(head: bytes, read: Callable[[int], bytes], first: bool) -> tuple[str, str, bool, bytes]:
    """Text, ending and UTF-8 validity of a line that starts with `head` (no newline in
    it), read on with `read`, and the bytes read after its end; the same as
    `read_lines` gives a short line. The ending is "" only at the end of the input."""
    decode = codecs.getincrementaldecoder("utf-8")("surrogateescape").decode
    text, ending, valid, rest = "", "", True, b""
    data = head
    while True:
        block = read(READ_BYTES)
        end = block.find(b"\n")
        if end >= 0:
            data, rest, ending = data + block[:end], block[end + 1:], "\n"
        else:
            data += block
        last = not block or end >= 0
        carried = b""  # a "\r" that ends the bytes so far: perhaps half of "\r\n"
        if data.endswith(b"\r"):
            if ending:
                data, ending = data[:-1], "\r\n"
            elif not last:
                data, carried = data[:-1], b"\r"
        decoded = decode(data, final=last)
        if first and decoded:  # a byte order mark (decoded: it may span two pieces)
            decoded, first = decoded.removeprefix("\ufeff"), False
        valid = valid and _ESCAPED_BYTE.search(decoded) is None  # valid UTF-8 never decodes to one
        text += decoded  # in place: CPython resizes a string nothing else holds
        if last:
            return text, ending, valid, rest
        data = carried


def invalid_utf8_warning(source: str, invalid: list[int]) -> str:
    """The warning for an input with invalid UTF-8 on the lines `invalid`."""
    more = f" and {len(invalid) - 1} more" if len(invalid) > 1 else ""
    return f"{source}: invalid UTF-8 on line {invalid[0]}{more}; bytes kept as they were"


class _Slice(io.RawIOBase):
    """Bytes `start` to `end` of a file, as a stream of their own."""

    def __init__(self, raw: BinaryIO, start: int, end: int):
        self._raw = raw
        self._left = end - start
        raw.seek(start)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def, override]
        if self._left <= 0:
            return 0
        view = memoryview(buffer)[:self._left]
        count = self._raw.readinto(view)  # type: ignore[attr-defined]
        self._left -= count or 0
        return count or 0

    def fileno(self) -> int:
        return self._raw.fileno()

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


def open_slice(name: str, start: int, end: int) -> BinaryIO:
    """Bytes `start` to `end` of the (uncompressed) file `name`, for reading lines."""
    try:
        raw = open(name, "rb", buffering=0)
    except OSError as error:
        raise InputError(describe_os_error(name, error)) from None
    return io.BufferedReader(_Slice(raw, start, end), buffer_size=1 << 16)  # type: ignore[return-value]


def line_boundaries(name: str, piece: int) -> list[tuple[int, int, int]]:
    """Cut the file `name` into slices of about `piece` bytes that end at line ends:
    ``(start, end, first line number)`` for each, in order."""
    slices = []
    start, line, position, cut_after = 0, 1, 0, piece
    newlines_before = 0  # newlines in the file before `position`
    with open(name, "rb") as stream:
        while chunk := stream.read(1 << 20):
            offset = 0
            while position + len(chunk) > cut_after:
                at = chunk.find(b"\n", max(cut_after - position, offset))
                if at < 0:
                    break
                newlines = newlines_before + chunk.count(b"\n", 0, at + 1)
                slices.append((start, position + at + 1, line))
                start, line = position + at + 1, newlines + 1
                cut_after = start + piece
                offset = at + 1
            newlines_before += chunk.count(b"\n")
            position += len(chunk)
    if position > start:
        slices.append((start, position, line))
    return slices


def _bom_encoding(head: bytes) -> str | None:
    """"utf-32" or "utf-16" when `head` starts with its byte order mark and looks like it.

    A UTF-32 mark is checked first (the little-endian one begins with UTF-16's). Two
    bytes ``FF FE`` also start many files that are not UTF-16, so that mark is trusted
    only when the text after it has a NUL byte (any ASCII character, space or newline in
    UTF-16 has one) or is not valid UTF-8; ``\\xff\\xfeHello`` stays UTF-8 text with
    two stray bytes.
    """
    if head.startswith(_UTF32_BOMS):
        return "utf-32"
    if not head.startswith(_UTF16_BOMS):
        return None
    rest = head[2:]
    if b"\x00" in rest:
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(rest, final=False)
    except UnicodeDecodeError:
        return "utf-16"
    return None


def _read_wide(stream: BinaryIO, source: str, encoding: str) -> Iterator[Line]:
    try:
        text = stream.read().decode(encoding)
    except UnicodeDecodeError as error:
        raise InputError(f"{source}: invalid {encoding.upper()} ({error.reason})") from None
    yield from split_lines(text, source)

