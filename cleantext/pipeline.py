"""Compose stages over a stream of lines and count what each one did.

A stage is a small immutable object holding its parameters (picklable, no global
state). `Stage.start()` returns the function that cleans one document at a time for
one run; anything that must persist across documents of a run (corpus-scope dedup)
lives in that function's closure, never on the stage itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from .lines import Line, join_lines, split_lines

DocumentCleaner = Callable[[Iterator[Line]], Iterator[Line]]


class Stage:
    """Base class of pipeline stages.

    Subclasses set `name` and implement `process` (one document, stateless) or, when
    they need state across documents, override `start`. Either way, lines that arrive
    already removed must be passed through untouched and in order.
    """

    name: ClassVar[str] = "stage"
    #: Modules the stage imports only when it first needs them (a library such as
    #: ftfy): a process pool imports them once, before it starts its workers, instead
    #: of in every worker (`executors.pool.worker_imports`).
    worker_imports: ClassVar[tuple[str, ...]] = ()

    @property
    def cross_document(self) -> bool:
        """Whether cleaning one document depends on earlier ones of the same run.

        Such a stage needs every document of a run to pass through one `Run`, in
        order, so a batch cannot spread its files over processes.
        """
        return False

    def start(self) -> DocumentCleaner:
        return self.process

    def process(self, lines: Iterator[Line]) -> Iterator[Line]:
        raise NotImplementedError


@dataclass
class StageStats:
    """What one stage did during a run (or a part of one: an input, a document).

    Statistics add up: the numbers of a whole run are the sum of its parts, whichever
    process or machine counted them (``a + b``, `StageStats.total`), and the part of a
    run between two snapshots is their difference (``after - before``).
    """

    lines_in: int = 0
    removed: int = 0
    changed: int = 0
    removed_by_rule: Counter[str] = field(default_factory=Counter)
    #: Documents by what the stage noted about them as a whole, e.g. strip-debris's
    #: ``rules-only:no-article-core`` (its heuristics left that document to the rules).
    notes: Counter[str] = field(default_factory=Counter)

    def __add__(self, other: StageStats) -> StageStats:
        return StageStats(self.lines_in + other.lines_in, self.removed + other.removed,
                          self.changed + other.changed, self.removed_by_rule + other.removed_by_rule,
                          self.notes + other.notes)

    def __sub__(self, other: StageStats) -> StageStats:
        return StageStats(self.lines_in - other.lines_in, self.removed - other.removed,
                          self.changed - other.changed, self.removed_by_rule - other.removed_by_rule,
                          self.notes - other.notes)

    def copy(self) -> StageStats:
        return StageStats(self.lines_in, self.removed, self.changed, Counter(self.removed_by_rule),
                          Counter(self.notes))

    @staticmethod
    def total(parts: Iterable[Sequence[StageStats]], stages: int) -> list[StageStats]:
        """Per stage, the sum of `parts` (each a list with one `StageStats` per stage)."""
        totals = [StageStats() for _ in range(stages)]
        for part in parts:
            totals = [total + stats for total, stats in zip(totals, part)]
        return totals

    def as_dict(self) -> dict:
        return {
            "lines_in": self.lines_in,
            "removed": self.removed,
            "changed": self.changed,
            "removed_by_rule": dict(sorted(self.removed_by_rule.items())),
            "documents_by_note": dict(sorted(self.notes.items())),
        }


def _counted(cleaner: DocumentCleaner, lines: Iterator[Line], stats: StageStats) -> Iterator[Line]:
    """Run `cleaner` over `lines`, counting lines in, removed and changed.

    A cleaner may carry a list attribute `notes` where it appends one word per event
    about a whole document; they are moved into `stats.notes` after each document.
    """
    # line -> its text on entry, for lines still kept (a `Line` hashes by identity)
    before: dict[Line, str] = {}

    def feed() -> Iterator[Line]:
        for line in lines:
            if line.removed is None:
                before[line] = line.text
            yield line

    for line in cleaner(feed()):
        text_in = before.pop(line, None)
        if text_in is not None:
            stats.lines_in += 1
            if line.removed is not None:
                stats.removed += 1
                stats.removed_by_rule[line.removed.rule] += 1
            elif line.text != text_in:
                stats.changed += 1
        yield line
    notes = getattr(cleaner, "notes", None)
    if notes:
        stats.notes.update(notes)
        notes.clear()


class Run:
    """One run of a pipeline over any number of documents, with its statistics."""

    def __init__(self, stages: Sequence[Stage]):
        self.stages = tuple(stages)
        self._cleaners = [stage.start() for stage in self.stages]
        self._for_site = [cleaner.for_site for cleaner in self._cleaners if hasattr(cleaner, "for_site")]
        self.stats = [StageStats() for _ in self.stages]
        self.documents = 0

    def process(self, lines: Iterable[Line], site: str | None = None) -> Iterator[Line]:
        """Clean one document; yields every line, kept or marked removed.

        Kept lines come in input order; a stage may hold a blank line back while the
        lines removed after it go ahead (dedup does, to stream with bounded memory).
        `site` names the document's site (`lines.Document.site`) for stages that learn
        per site (a cleaner with a ``for_site`` attribute is told it first)."""
        self.documents += 1
        stream: Iterator[Line] = iter(lines)
        for for_site in self._for_site:
            for_site(site)
        for cleaner, stats in zip(self._cleaners, self.stats):
            stream = _counted(cleaner, stream, stats)
        return stream

    def stats_dict(self) -> dict:
        return {
            "documents": self.documents,
            "stages": [{"stage": s.name, **st.as_dict()} for s, st in zip(self.stages, self.stats)],
        }


class Pipeline:
    """An ordered list of stages.

    >>> from cleantext import Pipeline, Dedup
    >>> Pipeline([Dedup()]).clean("a line\\na line\\n")
    'a line\\n'
    """

    def __init__(self, stages: Sequence[Stage]):
        self.stages = tuple(stages)

    def __repr__(self) -> str:
        return f"Pipeline({list(self.stages)!r})"

    def start(self) -> Run:
        return Run(self.stages)

    def clean_lines(self, lines: Iterable[Line]) -> list[Line]:
        """Clean one document given as lines; returns all lines in input order, removed ones marked."""
        lines = list(lines)
        position = {id(line): i for i, line in enumerate(lines)}
        # streaming stages may let removed lines overtake a blank line they hold back
        return sorted(self.start().process(lines), key=lambda line: position[id(line)])

    def clean(self, text: str) -> str:
        """Clean one document given as a string."""
        return join_lines(self.clean_lines(split_lines(text)))

    def removals(self, text: str) -> list[Line]:
        """The lines that cleaning `text` removes, each with its `Removal`."""
        return [line for line in self.clean_lines(split_lines(text)) if line.removed is not None]
