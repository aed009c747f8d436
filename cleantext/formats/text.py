"""Plain text: an input is one document, or one per piece between separators.

Writing each document's lines, and the separator after each one that had it, gives
back the input's layout byte for byte (see `lines.split_documents`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ..lines import Document, Line, split_documents


class PlainText:
    """The plain-text format: `documents` reads one input, `writer` writes documents back."""

    def __init__(self, separator: str | None = None):
        self.separator = separator

    def documents(self, lines: Iterable[Line], name: str, result: Any = None, whole: bool = True) -> Iterator[Document]:
        if self.separator is None:
            yield Document(name, (1,), lines)
        else:
            yield from split_documents(lines, self.separator, name)

    def settle(self, name: str, parts: list[Any], result: Any) -> None:
        """Plain text is never cut into slices: nothing to decide for the whole input."""

    def writer(self, out: Any, hold: bool = True) -> PlainTextWriter:
        return PlainTextWriter(self, out)


class PlainTextWriter:
    """Writes kept lines to `out` (a `batch.clean.Account`), and each separator back."""

    def __init__(self, format: PlainText, out: Any):
        self.out = out
        self._separator = (format.separator or "").encode("utf-8")

    def write(self, document: Document, cleaned: Iterable[Line]) -> None:
        self.out.lines(cleaned)
        if document.separated:
            self.out.raw(self._separator, read=True)

    def finish(self) -> None:
        """Nothing is held back: every document went out as it was written."""

    def close(self) -> None:
        pass
