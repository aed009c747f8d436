"""Dedup: remove exact and near-duplicate lines, keeping the first occurrence."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar, Literal

import regex

from ..lines import Line, Removal
from ..pipeline import DocumentCleaner, Stage
from .blank_lines import collapse_blank_lines

Scope = Literal["document", "window", "corpus"]
SCOPES: tuple[str, ...] = ("document", "window", "corpus")

_PUNCTUATION = regex.compile(r"[\p{P}\p{S}]+")
_WHITESPACE = regex.compile(r"\s+")


def normalize(text: str) -> str:
    """The form lines are compared in: case-folded, punctuation dropped, spaces folded.

    >>> normalize("  The  Title -- Part 2! ")
    'the title part 2'
    """
    return _WHITESPACE.sub(" ", _PUNCTUATION.sub("", text.casefold())).strip()


@dataclass(frozen=True, slots=True)
class _Kept:
    number: int
    source: str


class _Memory:
    """Kept lines of one scope: an exact-text table and a near-duplicate index."""

    def __init__(self, threshold: float, window: int | None):
        from rapidfuzz import fuzz

        self._ratio = fuzz.ratio
        self.threshold = threshold
        self.window = window
        self.exact: dict[str, _Kept] = {}
        self.fuzzy: dict[str, _Kept] = {}  # normalized text -> first kept line
        self.order: deque[tuple[str, str | None]] = deque()  # for window eviction

    def find_exact(self, key: str) -> _Kept | None:
        return self.exact.get(key)

    def find_near(self, key: str) -> tuple[_Kept, float] | None:
        """The earliest kept line whose normalized form is most similar to `key`."""
        if key in self.fuzzy:
            return self.fuzzy[key], 100.0
        from rapidfuzz import process

        best = process.extractOne(
            key, self.fuzzy.keys(), scorer=self._ratio, score_cutoff=self.threshold
        )
        if best is None:
            return None
        return self.fuzzy[best[0]], best[1]

    def add(self, key: str, fuzzy_key: str | None, kept: _Kept) -> None:
        self.exact.setdefault(key, kept)
        if fuzzy_key is not None:
            self.fuzzy.setdefault(fuzzy_key, kept)
        if self.window is not None:
            self.order.append((key, fuzzy_key))
            while len(self.order) > self.window:
                old_key, old_fuzzy = self.order.popleft()
                if self.exact.get(old_key) is not None and old_key not in (k for k, _ in self.order):
                    del self.exact[old_key]
                if old_fuzzy is not None and old_fuzzy not in (f for _, f in self.order):
                    self.fuzzy.pop(old_fuzzy, None)


@dataclass(frozen=True)
class Dedup(Stage):
    """Remove exact duplicate lines and near-duplicates of earlier kept lines.

    A line is an exact duplicate when its text, stripped of surrounding whitespace,
    equals an earlier kept line's. It is a near-duplicate when its normalized form
    (see `normalize`) is at least `min_length` characters long and its
    ``rapidfuzz.fuzz.ratio`` with an earlier kept line's reaches `threshold`. Shorter
    lines only match exactly: "Yes." and "Yes!" are different answers, not a typo.
    Blank lines are structure: runs collapse to one, none lead or trail a document.

    `scope` decides what "earlier" means: ``document`` (each input on its own),
    ``window`` (the last `window` kept lines, bounded memory for endless streams)
    or ``corpus`` (every document of the run).
    """

    threshold: float = 90.0
    min_length: int = 15
    scope: Scope = "document"
    window: int = 10_000

    name: ClassVar[str] = "dedup"

    def __post_init__(self) -> None:
        if not 0 <= self.threshold <= 100:
            raise ValueError(f"threshold must be between 0 and 100, not {self.threshold}")
        if self.scope not in SCOPES:
            raise ValueError(f"scope must be one of {', '.join(SCOPES)}, not {self.scope!r}")
        if self.window < 1:
            raise ValueError(f"window must be at least 1, not {self.window}")
        if self.min_length < 0:
            raise ValueError(f"min_length must be 0 or more, not {self.min_length}")

    def _memory(self) -> _Memory:
        return _Memory(self.threshold, self.window if self.scope == "window" else None)

    def start(self) -> DocumentCleaner:
        corpus_memory = self._memory() if self.scope == "corpus" else None

        def clean_document(lines: Iterator[Line]) -> Iterator[Line]:
            memory = corpus_memory or self._memory()
            return collapse_blank_lines(self._dedup(lines, memory), self.name)

        return clean_document

    def process(self, lines: Iterator[Line]) -> Iterator[Line]:
        return self.start()(lines)

    def _dedup(self, lines: Iterator[Line], memory: _Memory) -> Iterator[Line]:
        for line in lines:
            if line.removed is None and line.text.strip():
                self._judge(line, memory)
            yield line

    def _judge(self, line: Line, memory: _Memory) -> None:
        key = line.text.strip()
        kept = memory.find_exact(key)
        if kept is not None:
            line.removed = self._removal("exact-duplicate", line, kept, 100.0)
            return
        fuzzy_key = normalize(key)
        if len(fuzzy_key) < self.min_length:
            fuzzy_key = None
        else:
            found = memory.find_near(fuzzy_key)
            if found is not None:
                line.removed = self._removal("near-duplicate", line, found[0], found[1])
                return
        memory.add(key, fuzzy_key, _Kept(line.number, line.source))

    def _removal(self, rule: str, line: Line, kept: _Kept, score: float) -> Removal:
        where = f"line {kept.number}"
        other_source = kept.source if kept.source != line.source else None
        if other_source is not None:
            where += f" of {other_source}"
        detail = f"{'repeats' if rule == 'exact-duplicate' else 'resembles'} {where}"
        if rule == "near-duplicate":
            detail += f" (score {score:.1f})"
        return Removal(self.name, rule, detail, kept.number, other_source, round(score, 1))
