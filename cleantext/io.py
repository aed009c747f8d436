"""Reading inputs into lines and writing outputs atomically.

Decoding policy: input is UTF-8. Bytes that are not valid UTF-8 are kept as surrogate
escapes (PEP 383), so a line is never dropped or altered by reading: stages that do
not touch it write the same bytes back, and `FixEncoding` re-decodes them as
Windows-1252. A UTF-8 byte order mark is dropped; UTF-32 and UTF-16 with a byte order
mark are decoded (a UTF-16 mark only when the text after it looks like UTF-16). Only ``\\n`` and ``\\r\\n`` end lines, and each line keeps its own ending.

Compression follows the file name: ``*.gz`` (gzip), ``*.bz2`` (bzip2) and ``*.xz``
(standard library) and ``*.zst`` (Zstandard, the optional ``zstandard`` module,
``pip install 'cleantext-cli[zstd]'``), for reading and for writing. Standard input is
decompressed when it starts with one of those formats' magic bytes; standard output is
never compressed.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import lzma
import os
import re
import shutil
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .interrupts import deferred
from .lines import Line, split_lines

#: How much of an input is inspected to tell text from binary data.
SNIFF_BYTES = 8192
#: Share of control bytes (other than tab, newlines, form feed, escape) that marks binary data.
BINARY_CONTROL_SHARE = 0.10
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0c\x0b\x1b")
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")


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


#: Gzip level for outputs: the gzip tool's default, far faster than the module's 9
#: for a few percent more bytes.
GZIP_LEVEL = 6
#: Zstandard level for outputs: the library's default.
ZSTD_LEVEL = 3


#: Compressed formats by file-name suffix (all standard library but Zstandard).
COMPRESSION_SUFFIXES = {".gz": "gz", ".bz2": "bz2", ".xz": "xz", ".zst": "zst"}
#: The bytes each compressed format starts with: standard input has no name to go by.
COMPRESSION_MAGIC = {b"\x1f\x8b": "gz", b"BZh": "bz2", b"\xfd7zXZ\x00": "xz", b"\x28\xb5\x2f\xfd": "zst"}


def compression_of(name: str) -> str | None:
    """``"gz"``, ``"bz2"``, ``"xz"``, ``"zst"`` or None, from the file name alone."""
    if name == "-":
        return None
    return COMPRESSION_SUFFIXES.get(Path(name).suffix.lower())


def compression_by_magic(head: bytes) -> str | None:
    """The compressed format `head` (the first bytes of a stream) starts with, if any."""
    return next((kind for magic, kind in COMPRESSION_MAGIC.items() if head.startswith(magic)), None)


def _zstandard(name: str):
    try:
        import zstandard
    except ImportError:
        raise InputError(
            f"{name}: .zst files need the zstandard module; install it with "
            "pip install 'cleantext-cli[zstd]'"
        ) from None
    return zstandard


class _ClosesItsSource:
    """Mixin for a decompressing reader: closing it also closes the file it reads from
    (the standard library's readers leave a file object they were given open)."""

    _raw: BinaryIO

    def close(self) -> None:
        try:
            super().close()  # type: ignore[misc]
        finally:
            self._raw.close()


class _GzipReader(_ClosesItsSource, gzip.GzipFile):
    def __init__(self, raw: BinaryIO):
        super().__init__(fileobj=raw, mode="rb")
        self._raw = raw


class _Bz2Reader(_ClosesItsSource, bz2.BZ2File):
    def __init__(self, raw: BinaryIO):
        super().__init__(raw, "rb")
        self._raw = raw


class _XzReader(_ClosesItsSource, lzma.LZMAFile):
    def __init__(self, raw: BinaryIO):
        super().__init__(raw, "rb")
        self._raw = raw


def _decompressed_stdin(stream: BinaryIO) -> BinaryIO:
    """Standard input, decompressed when its first bytes are a compressed format's magic."""
    head = stream.peek(8)[:8] if hasattr(stream, "peek") else b""
    kind = compression_by_magic(head)
    if kind == "gz":
        return gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[return-value]
    if kind == "bz2":
        return bz2.BZ2File(stream, "rb")  # type: ignore[return-value]
    if kind == "xz":
        return lzma.LZMAFile(stream, "rb")  # type: ignore[return-value]
    if kind == "zst":
        zstandard = _zstandard("<stdin>")
        reader = zstandard.ZstdDecompressor().stream_reader(stream, read_across_frames=True, closefd=False)
        return io.BufferedReader(reader, buffer_size=1 << 16)  # type: ignore[arg-type]
    return stream


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
    nul_separated: bool = False,
) -> Iterator[Line]:
    """Yield the lines of `stream`, decoded by the policy above.

    Raises `InputError` before yielding anything when the data looks binary (NUL bytes
    do not count when `nul_separated`: they separate documents). `warn` receives one
    message per input that had invalid UTF-8.
    """
    if not hasattr(stream, "peek") and hasattr(stream, "readinto"):
        # e.g. BytesIO: sniffing needs peek; the wrapper must not close the stream it wraps
        wrapper = io.BufferedReader(stream)  # type: ignore[arg-type]
        try:
            yield from read_lines(wrapper, source, warn, nul_separated)  # type: ignore[arg-type]
        finally:
            wrapper.detach()
        return
    head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES] if hasattr(stream, "peek") else b""
    encoding = _bom_encoding(head)
    if encoding is not None:
        yield from _read_wide(stream, source, encoding)
        return
    if looks_binary(head.replace(b"\x00", b"") if nul_separated else head):
        raise InputError(f"{source}: looks like binary data, not text (skipped)")
    if looks_like_html(head):
        warn(f"{source}: looks like HTML; cleantext expects text and passes markup through as it is "
             "(extract the text first, e.g. with trafilatura, html2text or lynx -dump)")
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


def encode_line(line: Line, original: bool = False) -> bytes:
    """The bytes of a line (as cleaned, or as read with `original`).

    Surrogate escapes from reading become their original bytes again.
    """
    text = (line.original if original else line.text) + line.ending
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # lone surrogates that did not come from reading
        return text.encode("utf-8", "replace")


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


class OutputError(InputError):
    """Writing an output failed (a full disk, a closed stream); the message names the output."""

    def __init__(self, message: str, name: str):
        super().__init__(message)
        self.name = name


def output_error(name: str, error: OSError) -> OutputError:
    return OutputError(describe_os_error(name, error), name)


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


#: Surrogates that are not escapes of undecodable input bytes (those are U+DC80..U+DCFF).
_LONE_SURROGATE = re.compile("[\ud800-\udc7f\udd00-\udfff]")
_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})

REMOVED_HEADER = "source\tline\tstage\treason\tdetail\ttext\n"


def removed_row(line: Line) -> bytes:
    """One TSV row for a removed line: where it was, who removed it, why, and its text.

    The text is the line as read, before any stage changed it; backslash, tab and
    newline characters are escaped as ``\\\\``, ``\\t``, ``\\n``, ``\\r``, and a lone
    surrogate (from a JSON ``\\ud800`` escape) as ``\\uXXXX``.
    """
    removal = line.removed
    assert removal is not None
    fields = (line.source, str(line.number), removal.stage, removal.rule, removal.detail, line.original)
    row = "\t".join(field.translate(_TSV_ESCAPES) for field in fields) + "\n"
    try:
        return row.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate from a JSON escape such as \ud800
        return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", row).encode("utf-8", "surrogateescape")
