"""What strip-debris remembers: per document (`_DocumentTally`), and per run the counts
behind `repeated_in` (`LineCounts`, never forgotten, so results do not depend on memory)
and caches of each distinct line's verdicts (`_RunMemo`, bounded).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..phases.hashing import line_key
from . import boilerplate
from .rules import _PatternBudget

if TYPE_CHECKING:
    from .debris import Verdict


class _DocumentTally:
    """What `StripDebris` gathers over the windows of one document: its notes (each
    once) and, with `repeated_in`, its distinct short lines (counted when it ends)."""

    def __init__(self) -> None:
        self.notes: list[str] = []
        self.lines: set[int] = set()  #: `line_key`s, 8 bytes a line instead of its text

    def note(self, note: str) -> None:
        if note not in self.notes:
            self.notes.append(note)

    def count(self, texts: Sequence[str]) -> None:
        for text in texts:
            if len(text) < boilerplate.LENGTH_HIGH:  # only short lines can count as repeated
                self.lines.add(line_key(text))


class LineCounts:
    """In how many documents each line appeared, keyed by the line's stable 64-bit key
    (`phases.hashing.line_key`) rather than its text: 8 bytes a line instead of the
    text, and the same counts however the documents were spread over processes.

    With sites, the count key is (site, line): each site has its own table, and
    `select` picks the one `counts`, `get` and the stage's updates use for the current
    document. Site None (the default, and a document whose site is unknown) is one
    shared bucket, so without sites this counts across the whole run.
    """

    __slots__ = ("by_site", "counts", "site")

    def __init__(self, counts: dict[int, int] | None = None, site: str | None = None) -> None:
        self.counts = {} if counts is None else counts
        self.by_site: dict[str | None, dict[int, int]] = {site: self.counts}
        self.site = site

    def select(self, site: str | None) -> None:
        """Count and look up the lines of the next document under `site`."""
        self.counts = self.by_site.setdefault(site, {})
        self.site = site

    @property
    def scope(self) -> str:
        """What the counts are of, for a removal's detail: ``run`` or ``site``."""
        return "run" if self.site is None else "site"

    def get(self, text: str, default: int = 0) -> int:
        return self.counts.get(line_key(text), default)

    def __getitem__(self, text: str) -> int:
        return self.counts[line_key(text)]

    def __setitem__(self, text: str, count: int) -> None:
        self.counts[line_key(text)] = count


class _RunMemo:
    """Per-run state of `StripDebris`, keyed by a line's stripped text.

    Held by the `RunCleaner` `StripDebris.start()` returns, never on the (frozen) stage.
    Its verdict and fact caches hold the lines longer than `debris.SHARED_LINE`, and, with
    `--keep` or `--rules` patterns, every verdict (shorter lines are remembered across
    runs: `StripDebris._shared_verdicts`, `boilerplate.line_facts`). They are cleared
    when they hold more than `MAX_CACHED` lines or `MAX_CACHED_CHARS` characters of them,
    so a long run's memory stays bounded. The document counts of ``repeated_in`` are never trimmed: a count must not depend on how
    many other lines a process happened to see, or results would change with the
    executor (they cost about 100 bytes per distinct short line).
    """

    MAX_ENTRIES = 200_000
    MAX_CACHED = 100_000
    MAX_CACHED_CHARS = 10_000_000

    def __init__(self) -> None:
        self.verdicts: dict[str, Verdict] = {}
        #: In how many documents of the run each distinct line has appeared so far.
        self.documents_with = LineCounts()
        self._facts: dict[str, dict[str, tuple]] = {}
        #: Time left to user patterns in the current document.
        self.patterns = _PatternBudget()
        #: Events of the documents cleaned so far, for `StageStats.notes` (drained by the run).
        self.notes: list[str] = []
        self._cached_chars = 0

    def remember(self, cache: dict, text: str, value):
        """Store `value` for `text` in one of the caches, counting its characters."""
        cache[text] = value
        self._cached_chars += len(text)
        return value

    def facts(self, language: str) -> dict[str, tuple]:
        return self._facts.setdefault(language, {})

    def trim(self) -> None:
        if self._cached_chars > self.MAX_CACHED_CHARS or len(self.verdicts) > self.MAX_CACHED or any(
                len(table) > self.MAX_CACHED for table in self._facts.values()):
            self.verdicts.clear()
            for table in self._facts.values():
                table.clear()
            self._cached_chars = 0
