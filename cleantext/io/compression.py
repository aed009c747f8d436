"""Compressed inputs and outputs, chosen by file name (standard input: by its first bytes).

``*.gz`` (gzip), ``*.bz2`` (bzip2) and ``*.xz`` use the standard library; ``*.zst``
(Zstandard) the optional ``zstandard`` module (``pip install 'cleantext-cli[zstd]'``).
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
from pathlib import Path
from typing import BinaryIO

from .errors import InputError

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

