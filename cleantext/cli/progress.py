"""The progress line a person watching a terminal sees: files, bytes, rate and ETA."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Sequence
from typing import IO


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

    def __init__(self, stream: IO[str] | None, total_files: int = 0, total_bytes: int = 0, delay: float = 1.0,
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

    def planned(self, files: int, size: int) -> None:
        """The batch's size, once its inputs are known."""
        self.total_files, self.total_bytes = files, size
        self.started = time.monotonic()

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


def _megabytes(count: float) -> str:
    return f"{count / 1e6:.1f}"
