"""Dedup: remove exact and near-duplicate lines, keeping the first occurrence.

Each kept line is remembered three ways: its stripped text in a dict (exact
duplicates, as cheap as ``awk '!seen[$0]++'``), its normalized text plus statement
signature in a dict (lines that differ only in case, spacing or punctuation) and, when
long enough, its MinHash band keys in a `BandIndex` (near-duplicates; see
`near_duplicates` for why MinHash and how it was measured). The index only proposes
candidates; a line is removed only when ``fuzz.ratio`` with a candidate that has the
same numbers and negations (`statements`) reaches the threshold. Code lines
(`statements.CodeLines`) are neither judged nor remembered.

Lines are judged in batches so the hashing and index look-ups run in numpy: a batch
is read, judged line by line in input order (against earlier kept lines, including
those earlier in the same batch), then yielded. Output lags input by at most one
batch, and the batch size never changes a result: per band the candidate is the
newest kept line with that key, whether it was kept in an earlier batch or earlier
in this one.

A short document (one batch, a few hundred long lines: a web page) skips the index:
building it cost more than judging the page, and most pages have no near-duplicate
at all, which one exhaustive look-up per line shows (`LazyCandidates`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, ClassVar, Literal

from ..lines import Line, Removal
from ..pipeline import DocumentCleaner, Stage
from .blank_lines import collapse_blank_lines
from .kept_lines import KeptLines, LazyCandidates, best_match, index_candidates
from .line_forms import (EXACT_ONLY_LENGTH, comparable, judged_form, judged_lines, normalize, normalize_and_sign,
                         recent_judged_form, squashed, squashed_form)
from .statements import CodeLines

__all__ = ["Dedup", "EXACT_ONLY_LENGTH", "judged_form", "normalize", "normalize_and_sign"]

Scope = Literal["document", "window", "corpus"]
SCOPES: tuple[str, ...] = ("document", "window", "corpus")

#: Lines judged together; large enough for numpy to pay off, small enough to stream.
BATCH = 4096
#: Characters of text judged in one batch at most: a batch of long lines stops early,
#: so hashing (some 40 bytes a character, see `near_duplicates.band_keys`) stays bounded.
BATCH_CHARS = 500_000
#: Below this threshold MinHash candidates would miss too many matches (two lines at
#: ratio 70 may share few 5-grams), so every kept line is compared: exact but quadratic.
INDEX_MIN_THRESHOLD = 80.0
#: A document's only batch with at most this many distinct long lines skips the index
#: (see `LazyCandidates`): its exhaustive pre-check is quadratic, and measured on
#: 300-line documents it is still faster than the index, at 1,000 lines 1.5x slower.
LAZY_MAX_ROWS = 512

def _next_batch(lines: Iterator[Line], size: int) -> list[Line]:
    """The next `size` lines, fewer when they hold `BATCH_CHARS` characters."""
    batch: list[Line] = []
    chars = 0
    for line in lines:
        batch.append(line)
        chars += len(line.text)
        if len(batch) >= size or chars >= BATCH_CHARS:
            break
    return batch


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
    worker_imports: ClassVar[tuple[str, ...]] = ("rapidfuzz.process", "numpy", "cleantext.stages.near_duplicates")

    @property
    def cross_document(self) -> bool:
        return self.scope == "corpus"

    def __post_init__(self) -> None:
        import numbers

        for name, kind, what in (("threshold", numbers.Real, "a number"), ("min_length", numbers.Integral,
                                 "a whole number"), ("window", numbers.Integral, "a whole number"),
                                 ("scope", str, "a string")):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, kind):
                raise TypeError(f"Dedup({name}=...) must be {what}, not {type(value).__name__} {value!r}")
        if not 0 <= self.threshold <= 100:
            raise ValueError(f"threshold must be between 0 and 100, not {self.threshold}")
        if self.scope not in SCOPES:
            raise ValueError(f"scope must be one of {', '.join(SCOPES)}, not {self.scope!r}")
        if self.window < 1:
            raise ValueError(f"window must be at least 1, not {self.window}")
        if self.min_length < 0:
            raise ValueError(f"min_length must be 0 or more, not {self.min_length}")

    def start(self, batch_size: int = BATCH) -> DocumentCleaner:
        """`batch_size` changes speed only, never results (tests shrink it to cross batches)."""
        def new_memory() -> KeptLines:
            return KeptLines(self.threshold, self.window if self.scope == "window" else None, batch_size)

        corpus_memory = new_memory() if self.scope == "corpus" else None

        def clean_document(lines: Iterator[Line]) -> Iterator[Line]:
            memory = corpus_memory or new_memory()
            code_blanks: set[int] = set()  # ids of blank lines inside code blocks
            judged = self._dedup(lines, memory, code_blanks, batch_size, memory is not corpus_memory)
            return collapse_blank_lines(judged, self.name, keep=code_blanks, stream=True)

        return clean_document

    def process(self, lines: Iterator[Line]) -> Iterator[Line]:
        return self.start()(lines)

    def _dedup(self, lines: Iterator[Line], memory: KeptLines, code_blanks: set[int],
               batch_size: int, own_memory: bool) -> Iterator[Line]:
        """`own_memory`: `memory` serves this document alone (not corpus scope)."""
        lines = iter(lines)
        code = CodeLines()
        first = True
        while batch := _next_batch(lines, batch_size):
            if self.threshold == 100 and memory.window is None:
                self._judge_exactly(batch, memory, code, code_blanks)
            else:  # in window scope kept lines expire: `_judge_batch` handles that, at 100 too
                # the document's only batch: `_next_batch` stopped because the lines ran out
                only = (own_memory and first and len(batch) < batch_size
                        and sum(len(line.text) for line in batch) < BATCH_CHARS)
                self._judge_batch(batch, memory, code, code_blanks, only)
            first = False
            yield from batch

    def _judge_exactly(self, batch: list[Line], memory: KeptLines, code: CodeLines, code_blanks: set[int]) -> None:
        """Threshold 100 outside window scope: a line repeats a kept line as it is or as
        normalized; one pass, no index. A line is normalized only when an earlier kept line
        has its squashed form (`line_forms.squashed`): most lines have none and are kept at once."""
        min_length = self.min_length
        exact, by_squashed, compared = memory.exact, memory.squashed, memory.compared
        numbers, keys = memory.numbers, memory.keys
        source = None
        for _, line, key in judged_lines(batch, code, code_blanks):
            kept_id = exact.get(key)
            if kept_id is not None:
                line.removed = self._removal("exact-duplicate", line, memory, kept_id, 100.0)
                continue
            form: str | None = None
            squash: bytes | str | None = None
            if len(key) <= EXACT_ONLY_LENGTH:  # else it matches exactly only
                squash = squashed(key)
                if squash is None:  # not printable ASCII: normalized now
                    norm, signature = judged_form(key, min_length)
                    if norm is not None:
                        form = comparable(norm, signature)
                        squash = squashed_form(norm)
                elif len(key) < min_length:  # short: matches exactly only
                    squash = None
            holders = None if squash is None else by_squashed.get(squash)
            if holders is not None:
                if form is None:
                    norm, signature = judged_form(key, min_length)
                    if norm is not None:
                        form = comparable(norm, signature)
                if form is None:
                    squash = None  # short once normalized
                else:
                    for holder in ([holders] if isinstance(holders, int) else holders):
                        if holder not in compared:
                            norm, signature = judged_form(keys[holder], min_length)
                            compared[holder] = None if norm is None else comparable(norm, signature)
                        if compared[holder] == form:
                            line.removed = self._removal("near-duplicate", line, memory, holder, 100.0)
                            break
                    if line.removed is not None:
                        continue
            if line.source != source:
                source = line.source
                memory.note_source(source)
            kept_id = memory.next_id
            memory.next_id = kept_id + 1
            exact[key] = kept_id
            numbers.append(line.number)
            keys.append(key)
            if squash is not None:
                if form is not None:
                    compared[kept_id] = form
                if holders is None:
                    by_squashed[squash] = kept_id
                elif isinstance(holders, int):
                    by_squashed[squash] = [holders, kept_id]
                else:
                    holders.append(kept_id)

    def _judge_batch(self, batch: list[Line], memory: KeptLines, code: CodeLines, code_blanks: set[int],
                     only: bool = False) -> None:
        """Judge each line of `batch` in order against earlier kept lines. `only`: the
        batch is a whole document with a memory of its own (see `LazyCandidates`).

        First every line is prepared (its normalized form, and a row of the index query
        per distinct form), then judged in input order. Most lines repeat nothing and
        have no candidate: judging them is two dict misses and remembering them."""
        threshold, min_length = self.threshold, self.min_length
        exact, normalized = memory.exact, memory.normalized
        # In window scope a line that repeats a live kept line may find it gone by its
        # turn (lines kept earlier in the batch push it out), so every line is prepared.
        windowed = memory.window is not None
        # 1. prepare: (line, key, ((norm, signature) or None, comparable form or None, row or -1))
        todo: list[tuple[Line, str, tuple[tuple[str, str] | None, str | None, int]]] = []
        prepared: dict[str, tuple[tuple[str, str] | None, str | None, int]] = {}  # key -> its entry's tail
        rows: dict[str, int] = {}  # comparable text -> row of the index query
        row_texts: list[str] = []
        row_signatures: list[str] = []
        repeated: set[int] = set()  # rows judged more than once
        judge_form = recent_judged_form if only else judged_form  # a page: see `recent_judged_form`
        for _, line, key in judged_lines(batch, code, code_blanks):
            tail = prepared.get(key)
            if tail is not None:
                if tail[2] >= 0:
                    repeated.add(tail[2])
            else:
                if not windowed and key in exact:
                    tail = (None, None, -1)
                else:
                    norm, signature = judge_form(key, min_length)
                    if norm is None:
                        tail = (None, None, -1)
                    else:
                        form = comparable(norm, signature)
                        if not windowed and form in normalized:  # removed at its turn: no MinHash needed
                            tail = ((norm, signature), form, -1)
                        else:
                            row = rows.get(form)
                            if row is None:
                                row = rows[form] = len(rows)
                                row_texts.append(norm)
                                row_signatures.append(signature)
                            else:
                                repeated.add(row)
                            tail = ((norm, signature), form, row)
                prepared[key] = tail
            todo.append((line, key, tail))
        fuzzy = threshold < 100
        use_index = fuzzy and threshold >= INDEX_MIN_THRESHOLD and bool(rows)
        lazy = None
        if use_index and only and len(rows) <= LAZY_MAX_ROWS and memory._index is None and (
                memory.window is None or memory.next_id + len(batch) <= memory.window):  # nothing expires
            lazy = LazyCandidates(row_texts, row_signatures)
            use_index = False
        # per row: whether it may have a candidate (None: every row may)
        maybe: list[bool] | None = None if fuzzy else [False] * len(rows)
        if use_index:
            import numpy as np

            keys, lengths, histograms, alone, candidates_of = index_candidates(memory, row_texts, row_signatures,
                                                                                repeated)
            (index_flat, index_bounds), (waiting_groups, waiting_chains, waiting_bounds), \
                (register_groups, register_bounds), (maybe, waits, registers) = candidates_of
            group_kept: dict[int, list[int]] = {}  # in-batch key group -> kept ids holding it, oldest first
            from .near_duplicates import DEPTH
            new_ids: list[int] = []
            new_rows: list[int] = []
        match = None  # rapidfuzz: imported when a line first has a candidate
        forms = memory.forms
        window = memory.window
        source = None
        # 2. judge in input order
        candidates: Sequence[int]
        for line, key, (pair, compared, row) in todo:
            kept_id = exact.get(key)
            if kept_id is not None:
                line.removed = self._removal("exact-duplicate", line, memory, kept_id, 100.0)
                continue
            if pair is not None:
                kept_id = normalized.get(compared)  # type: ignore[arg-type]  # a pair has its comparable form
                if kept_id is not None:
                    line.removed = self._removal("near-duplicate", line, memory, kept_id, 100.0)
                    continue
                if maybe is None or maybe[row]:
                    norm, signature = pair
                    first_live = memory.first_live if window is not None else 0
                    if lazy is not None:
                        candidates = lazy.candidates(row, threshold)
                    elif use_index:
                        candidates = index_flat[index_bounds[row]:index_bounds[row + 1]]
                        if waits[row]:  # keys earlier lines of this batch have: the newest kept ones first
                            start, end = waiting_bounds[row], waiting_bounds[row + 1]
                            found = set(candidates)
                            for group, chain in zip(waiting_groups[start:end], waiting_chains[start:end]):
                                here = group_kept.get(group)
                                if here is None:
                                    found.update(chain)
                                else:
                                    newest = here[:-DEPTH - 1:-1]
                                    found.update(newest)
                                    found.update(chain[:DEPTH - len(newest)])
                            found.discard(-1)
                            candidates = sorted(found)
                    else:
                        candidates = range(first_live, memory.next_id)
                    if first_live:
                        candidates = [c for c in candidates if c >= first_live]
                    if candidates:
                        # only lines saying the same thing: equal numbers and negations
                        slots = [c % window for c in candidates] if window is not None else candidates
                        same = [i for i, s in enumerate(slots) if (f := forms[s]) is not None and f[1] == signature]
                        if len(same) < len(slots):
                            candidates = [candidates[i] for i in same]
                            slots = [slots[i] for i in same]
                        if slots:
                            texts = [forms[s][0] for s in slots]  # type: ignore[index]
                            match = match or best_match()
                            best = match(norm, texts, score_cutoff=threshold)
                            # extractOne lets a score a rounding error below the cutoff through
                            if best is not None and best[1] >= threshold:
                                line.removed = self._removal("near-duplicate", line, memory, candidates[best[2]],
                                                            best[1])
                                continue
            if line.source != source:
                source = line.source
                memory.note_source(source)
            kept_id = memory.add(key, pair, compared, line.number)
            if pair is not None:
                if lazy is not None:
                    lazy.keep(kept_id, row)
                elif use_index:
                    if registers[row]:
                        for group in register_groups[register_bounds[row]:register_bounds[row + 1]]:
                            group_kept.setdefault(group, []).append(kept_id)
                    new_ids.append(kept_id)
                    new_rows.append(row)
        if use_index and new_ids:
            new_rows_array = np.array(new_rows)
            alone = alone[new_rows_array]
            if len(set(new_rows)) < len(new_rows):  # a text kept twice (window scope): its keys are not alone
                _, copies, counts = np.unique(new_rows_array, return_inverse=True, return_counts=True)
                alone &= (counts[copies] == 1)[:, None]
            memory.index.add(np.array(new_ids, dtype=np.int64), keys[new_rows_array], lengths[new_rows_array],
                             new_rows_array, alone, histograms[new_rows_array])
        if use_index and windowed:
            memory.index.drop_before(memory.first_live)

    def _removal(self, rule: str, line: Line, memory: KeptLines, kept_id: int, score: float) -> Removal:
        return duplicate_removal(self.name, rule, line, memory.numbers[memory.slot(kept_id)], memory.source(kept_id),
                                 score)


def duplicate_removal(stage: str, rule: str, line: Line, number: int, source: str, score: float) -> Removal:
    """Why `line` goes: it repeats (`rule`) the kept line `number` of `source`."""
    where = f"line {number}"
    other_source = source if source != line.source else None
    if other_source is not None:
        where += f" of {other_source}"
    detail = f"{'repeats' if rule == 'exact-duplicate' else 'resembles'} {where}"
    if rule == "near-duplicate":
        detail += f" (score {score:.1f})"
    return Removal(stage, rule, detail, number, other_source, round(score, 1))
