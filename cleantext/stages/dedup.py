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
at all, which one exhaustive look-up per line shows (`_LazyCandidates`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, ClassVar, Literal

import regex

from ..lines import Line, Removal
from ..pipeline import DocumentCleaner, Stage
from .blank_lines import collapse_blank_lines
from .statements import CodeLines, ascii_signature, statement_signature

Scope = Literal["document", "window", "corpus"]
SCOPES: tuple[str, ...] = ("document", "window", "corpus")

#: Lines judged together; large enough for numpy to pay off, small enough to stream.
BATCH = 4096
#: Characters of text judged in one batch at most: a batch of long lines stops early,
#: so hashing (some 40 bytes a character, see `near_duplicates.band_keys`) stays bounded.
BATCH_CHARS = 500_000
#: A line longer than this (characters) only matches exactly, as a short one does:
#: normalizing, hashing and comparing it with ``fuzz.ratio`` would cost a multiple of
#: its size in memory and its square in time.
EXACT_ONLY_LENGTH = 100_000
#: Below this threshold MinHash candidates would miss too many matches (two lines at
#: ratio 70 may share few 5-grams), so every kept line is compared: exact but quadratic.
INDEX_MIN_THRESHOLD = 80.0
#: A document's only batch with at most this many distinct long lines skips the index
#: (see `_LazyCandidates`): its exhaustive pre-check is quadratic, and measured on
#: 300-line documents it is still faster than the index, at 1,000 lines 1.5x slower.
LAZY_MAX_ROWS = 512

_PUNCTUATION = regex.compile(r"[\p{P}\p{S}]+")
_WHITESPACE = regex.compile(r"\s+")
#: ASCII punctuation and symbols (all of them are Unicode P or S), deleted on the fast path.
_ASCII_PUNCTUATION = bytes(c for c in range(128) if _PUNCTUATION.match(chr(c)))
_LOWERCASE_AND_SPACE = b"abcdefghijklmnopqrstuvwxyz "
_DIGITS = b"0123456789"


def _ascii_folded(text: str) -> tuple[bytes, bool] | None:
    """For printable ASCII `text`: its lowercase bytes without punctuation, and whether
    it holds digits. ``None`` otherwise (a control character, or not ASCII): bytes
    methods do the Unicode rules' work for ASCII at a fraction of the cost."""
    if not text.isascii():
        return None
    folded = text.encode().lower().translate(None, _ASCII_PUNCTUATION)
    rest = folded.translate(None, _LOWERCASE_AND_SPACE)
    if rest and rest.translate(None, _DIGITS):  # not printable: leave it to the Unicode rules
        return None
    return folded, bool(rest)


def normalize(text: str) -> str:
    """The form lines are compared in: case-folded, punctuation dropped, spaces folded.

    >>> normalize("  The  Title -- Part 2! ")
    'the title part 2'
    """
    ascii_form = _ascii_folded(text)
    if ascii_form is not None:  # only spaces are left as whitespace: split() folds them
        return b" ".join(ascii_form[0].split()).decode()
    return _WHITESPACE.sub(" ", _PUNCTUATION.sub("", text.casefold())).strip()


def normalize_and_sign(text: str) -> tuple[str, str]:
    """``(normalize(text), statement_signature(text, normalize(text)))``, computed together:
    on the ASCII fast path the words are split once for both, and lines without digits
    skip the number search."""
    ascii_form = _ascii_folded(text)
    if ascii_form is not None:
        words = ascii_form[0].split()
        return b" ".join(words).decode(), ascii_signature(text, words, ascii_form[1])
    norm = normalize(text)
    return norm, statement_signature(text, norm)


class _Memory:
    """Kept lines of one scope: exact and normalized texts, and the near-duplicate index.

    Kept lines get ascending ids. With a window, only the last `window` ids are live:
    older ones leave both dicts and the index, so memory is bounded by the window.
    """

    def __init__(self, threshold: float, window: int | None, batch_size: int):
        self.threshold = threshold
        self.window = window
        self.batch_size = batch_size
        self._index = None
        self.exact: dict[str, int] = {}  # stripped text -> kept id
        self.normalized: dict[str, int] = {}  # `_comparable` text (long lines) -> kept id
        self.next_id = 0
        # per kept id (a ring of `window` slots in window scope)
        self.numbers: list[int] = []
        self.sources: list[str] = []
        self.keys: list[str] = []
        self.norms: list[str | None] = []
        self.signatures: list[str] = []

    @property
    def index(self):
        """The near-duplicate index, built (and numpy imported) when a line first needs it."""
        if self._index is None:
            from .near_duplicates import BandIndex

            capacity = None if self.window is None else self.window + self.batch_size
            self._index = BandIndex(1 - self.threshold / 100, capacity)
        return self._index

    @property
    def first_live(self) -> int:
        return 0 if self.window is None else max(0, self.next_id - self.window)

    def slot(self, kept_id: int) -> int:
        return kept_id if self.window is None else kept_id % self.window

    def add(self, key: str, norm: str | None, signature: str, number: int, source: str) -> int:
        kept_id = self.next_id
        self.next_id += 1
        self.exact[key] = kept_id
        if norm is not None:
            self.normalized[_comparable(norm, signature)] = kept_id
        if self.window is None or kept_id < self.window:
            self.numbers.append(number)
            self.sources.append(source)
            self.keys.append(key)
            self.norms.append(norm)
            self.signatures.append(signature)
        else:
            record: tuple[list[Any], ...] = (self.numbers, self.sources, self.keys, self.norms, self.signatures)
            values = (number, source, key, norm, signature)
            slot = kept_id % self.window
            old_id = kept_id - self.window
            if self.exact.get(self.keys[slot]) == old_id:
                del self.exact[self.keys[slot]]
            old_norm = self.norms[slot]
            if old_norm is not None:
                old = _comparable(old_norm, self.signatures[slot])
                if self.normalized.get(old) == old_id:
                    del self.normalized[old]
            for column, value in zip(record, values):
                column[slot] = value
        return kept_id


def _index_candidates(memory: _Memory, texts: list[str], signatures: list[str]):
    """Band keys and lengths of a batch's distinct texts, which keys no other row has, and
    what the index proposes.

    Per row and band, the candidates are the `DEPTH` newest kept lines holding that band
    key. For a key no other row of the batch has, those lines are in the index already:
    they come back as flat sorted lists (``flat[bounds[r]:bounds[r + 1]]``). A key that
    several rows share is a "group": which of them is kept is only known while judging,
    so those entries come back as (group, index chain) pairs for the judging loop to
    complete. Either way the answer does not depend on where a batch starts.
    """
    import numpy as np

    from .near_duplicates import BANDS, band_keys, signature_salts

    keys = band_keys(texts) ^ signature_salts(signatures)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    chains = memory.index.owners(keys, lengths)  # (rows, DEPTH, BANDS)
    banded = (np.arange(BANDS, dtype=np.uint64) << np.uint64(32)) | keys.astype(np.uint64)
    _, groups, sizes = np.unique(banded.ravel(), return_inverse=True, return_counts=True)
    shared = (sizes[groups] > 1).reshape(keys.shape)
    unshared = np.where(shared[:, None, :], -1, chains).reshape(len(texts), -1)
    unshared.sort(axis=1)
    valid = unshared >= 0
    valid[:, 1:] &= unshared[:, 1:] != unshared[:, :-1]
    bounds = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(valid.sum(axis=1), out=bounds[1:])
    shared_rows, shared_bands = shared.nonzero()
    shared_bounds = np.searchsorted(shared_rows, np.arange(len(texts) + 1))
    groups = groups.reshape(keys.shape)
    return keys, lengths, ~shared, ((unshared[valid].tolist(), bounds.tolist()),
                           (groups[shared_rows, shared_bands].tolist(), chains[shared_rows, :, shared_bands].tolist(),
                            shared_bounds.tolist()))


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


class _LazyCandidates:
    """The index's candidates for a document's only batch, worked out only where they matter.

    Short documents (a web page: a few dozen long lines) would pay more for building
    MinHash tables than for judging. Since a candidate is only ever verified, a line
    none of whose earlier kept lines with its signature reaches the threshold is kept
    whatever the index proposes: one `extractOne` over those lines settles most lines.
    For the others the candidates are computed as the index would give them (per band
    key, the `DEPTH` newest kept lines holding it; with no earlier batch these are all
    in this batch), from the batch's band keys, computed once when first needed.
    """

    def __init__(self, texts: list[str], signatures: list[str]):
        self.texts, self.signatures = texts, signatures
        self.by_signature: dict[str, list[str]] = {}  # kept normalized texts per signature
        self.kept_rows: list[int] = []
        self.kept_ids: list[int] = []
        self._keys: Any = None  # numpy band keys of the batch's rows, made on first need

    def keep(self, kept_id: int, row: int) -> None:
        self.by_signature.setdefault(self.signatures[row], []).append(self.texts[row])
        self.kept_rows.append(row)
        self.kept_ids.append(kept_id)

    def candidates(self, row: int, best_match, threshold: float) -> list[int]:
        earlier = self.by_signature.get(self.signatures[row])
        if not earlier or best_match(self.texts[row], earlier, score_cutoff=threshold) is None:
            return []
        import numpy as np

        from .near_duplicates import DEPTH, band_keys, signature_salts

        if self._keys is None:
            self._keys = band_keys(self.texts) ^ signature_salts(self.signatures)
        held = self._keys[self.kept_rows] == self._keys[row]  # (kept lines, BANDS)
        newest = held & (np.cumsum(held[::-1], axis=0)[::-1] <= DEPTH)
        return [self.kept_ids[i] for i in np.flatnonzero(newest.any(axis=1)).tolist()]


def judged_form(key: str, min_length: int) -> tuple[str | None, str]:
    """What `Dedup` compares a stripped line by: its normalized text and statement
    signature, or ``(None, "")`` for a line it matches exactly only (shorter than
    `min_length` once normalized, or longer than `EXACT_ONLY_LENGTH`)."""
    if len(key) > EXACT_ONLY_LENGTH:
        return None, ""
    norm, signature = normalize_and_sign(key)
    return (norm, signature) if len(norm) >= min_length else (None, "")


def _best_match():
    """``(text, score, index)`` of the best of `choices` reaching `score_cutoff`, or None."""
    from functools import partial

    from rapidfuzz import fuzz, process

    return partial(process.extractOne, scorer=fuzz.ratio)


def _comparable(norm: str, signature: str) -> str:
    """Normalized text plus what normalizing must not erase: "1.5" and "15", "-5" and "5"."""
    return f"{norm}\x00{signature}" if signature else norm


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
        def new_memory() -> _Memory:
            return _Memory(self.threshold, self.window if self.scope == "window" else None, batch_size)

        corpus_memory = new_memory() if self.scope == "corpus" else None

        def clean_document(lines: Iterator[Line]) -> Iterator[Line]:
            memory = corpus_memory or new_memory()
            code_blanks: set[int] = set()  # ids of blank lines inside code blocks
            judged = self._dedup(lines, memory, code_blanks, batch_size, memory is not corpus_memory)
            return collapse_blank_lines(judged, self.name, keep=code_blanks, stream=True)

        return clean_document

    def process(self, lines: Iterator[Line]) -> Iterator[Line]:
        return self.start()(lines)

    def _dedup(self, lines: Iterator[Line], memory: _Memory, code_blanks: set[int],
               batch_size: int, own_memory: bool) -> Iterator[Line]:
        """`own_memory`: `memory` serves this document alone (not corpus scope)."""
        lines = iter(lines)
        code = CodeLines()
        first = True
        while batch := _next_batch(lines, batch_size):
            if self.threshold < 100:
                # the document's only batch: `_next_batch` stopped because the lines ran out
                only = (own_memory and first and len(batch) < batch_size
                        and sum(len(line.text) for line in batch) < BATCH_CHARS)
                self._judge_batch(batch, memory, code, code_blanks, only)
            else:
                self._judge_exactly(batch, memory, code, code_blanks)
            first = False
            yield from batch

    def _judge_exactly(self, batch: list[Line], memory: _Memory, code: CodeLines, code_blanks: set[int]) -> None:
        """Threshold 100: a line repeats a kept line as it is or as normalized; one pass, no index."""
        min_length = self.min_length
        exact, normalized = memory.exact, memory.normalized
        is_code, add = code.is_code, memory.add
        for line in batch:
            text = line.text
            if is_code(text):  # code is left alone, blank lines of a code block too
                if line.removed is None and not text.strip():
                    code_blanks.add(id(line))
                continue
            if line.removed is not None:
                continue
            key = text.strip()
            if not key:
                continue
            kept_id = exact.get(key)
            if kept_id is not None:
                line.removed = self._removal("exact-duplicate", line, memory, kept_id, 100.0)
                continue
            norm, signature = judged_form(key, min_length)
            if norm is None:
                add(key, None, "", line.number, line.source)
                continue
            kept_id = normalized.get(_comparable(norm, signature))
            if kept_id is not None:
                line.removed = self._removal("near-duplicate", line, memory, kept_id, 100.0)
                continue
            add(key, norm, signature, line.number, line.source)

    def _judge_batch(self, batch: list[Line], memory: _Memory, code: CodeLines, code_blanks: set[int],
                     only: bool = False) -> None:
        """Judge each line of `batch` in order against earlier kept lines. `only`: the
        batch is a whole document with a memory of its own (see `_LazyCandidates`)."""
        threshold, min_length = self.threshold, self.min_length
        exact, normalized = memory.exact, memory.normalized
        # In window scope a line that repeats a live kept line may find it gone by its
        # turn (lines kept earlier in the batch push it out), so every line is prepared.
        windowed = memory.window is not None
        # 1. normalize what may need it
        todo: list[tuple[Line, str, str | None, str, int]] = []
        rows: dict[str, int] = {}  # comparable text -> row of the index query
        row_texts: list[str] = []
        row_signatures: list[str] = []
        is_code = code.is_code
        for line in batch:
            if is_code(line.text):  # code is left alone, blank lines of a code block too
                if line.removed is None and not line.text.strip():
                    code_blanks.add(id(line))
                continue
            if line.removed is not None:
                continue
            key = line.text.strip()
            if not key:
                continue
            if not windowed and key in exact:
                todo.append((line, key, None, "", -1))
                continue
            normalized_key, signature = judged_form(key, min_length)
            if normalized_key is None:
                todo.append((line, key, None, "", -1))
                continue
            comparable = _comparable(normalized_key, signature)
            if not windowed and comparable in normalized:  # removed at its turn: no MinHash needed
                todo.append((line, key, normalized_key, signature, -1))
                continue
            row = rows.get(comparable)
            if row is None:
                row = rows[comparable] = len(rows)
                row_texts.append(normalized_key)
                row_signatures.append(signature)
            todo.append((line, key, normalized_key, signature, row))
        fuzzy = threshold < 100
        use_index = fuzzy and threshold >= INDEX_MIN_THRESHOLD and bool(rows)
        lazy = None
        if use_index and only and len(rows) <= LAZY_MAX_ROWS and memory._index is None and (
                memory.window is None or memory.next_id + len(batch) <= memory.window):  # nothing expires
            lazy = _LazyCandidates(row_texts, row_signatures)
            use_index = False
        if use_index:
            import numpy as np

            keys, lengths, alone, candidates_of = _index_candidates(memory, row_texts, row_signatures)
            (index_flat, index_bounds), (shared_groups, shared_chains, shared_bounds) = candidates_of
            group_kept: dict[int, list[int]] = {}  # in-batch key group -> kept ids holding it, oldest first
            from .near_duplicates import DEPTH
            new_ids: list[int] = []
            new_rows: list[int] = []
        best_match = None  # rapidfuzz: imported when a line first has a candidate
        norms, signatures = memory.norms, memory.signatures
        window = memory.window
        # 2. judge in input order
        candidates: Sequence[int]
        for line, key, norm, signature, row in todo:
            kept_id = exact.get(key)
            if kept_id is not None:
                line.removed = self._removal("exact-duplicate", line, memory, kept_id, 100.0)
                continue
            if norm is not None:
                kept_id = normalized.get(_comparable(norm, signature))
                if kept_id is not None:
                    line.removed = self._removal("near-duplicate", line, memory, kept_id, 100.0)
                    continue
                if fuzzy:
                    first_live = memory.first_live if window is not None else 0
                    if lazy is not None:
                        best_match = best_match or _best_match()
                        candidates = lazy.candidates(row, best_match, threshold)
                    elif use_index:
                        low, high = index_bounds[row], index_bounds[row + 1]
                        start, end = shared_bounds[row], shared_bounds[row + 1]
                        candidates = index_flat[low:high] if low < high else ()
                        if start < end:  # keys other lines of this batch have: the newest kept ones first
                            found = set(candidates)
                            for group, chain in zip(shared_groups[start:end], shared_chains[start:end]):
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
                        if signature:
                            same = [i for i, s in enumerate(slots) if signatures[s] == signature]
                        else:
                            same = [i for i, s in enumerate(slots) if not signatures[s]]
                        if len(same) < len(slots):
                            candidates = [candidates[i] for i in same]
                            slots = [slots[i] for i in same]
                        if slots:
                            texts = [norms[slots[0]]] if len(slots) == 1 else itemgetter(*slots)(norms)
                            best_match = best_match or _best_match()
                            best = best_match(norm, texts, score_cutoff=threshold)
                            # extractOne lets a score a rounding error below the cutoff through
                            if best is not None and best[1] >= threshold:
                                line.removed = self._removal("near-duplicate", line, memory, candidates[best[2]],
                                                            best[1])
                                continue
            kept_id = memory.add(key, norm, signature, line.number, line.source)
            if norm is not None and lazy is not None:
                lazy.keep(kept_id, row)
            elif norm is not None and use_index:
                for group in shared_groups[shared_bounds[row]:shared_bounds[row + 1]]:
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
                             new_rows_array, alone)
        if use_index and windowed:
            memory.index.drop_before(memory.first_live)

    def _removal(self, rule: str, line: Line, memory: _Memory, kept_id: int, score: float) -> Removal:
        slot = memory.slot(kept_id)
        return duplicate_removal(self.name, rule, line, memory.numbers[slot], memory.sources[slot], score)


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
