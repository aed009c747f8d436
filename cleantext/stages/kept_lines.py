"""What `Dedup` remembers of kept lines, and how candidates are found among them.

`KeptLines` holds one scope's kept lines (exact and normalized dicts, the MinHash
index); `index_candidates` asks the index about a batch; `LazyCandidates` answers the
same question for a short document without building the index.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from functools import cache, partial
from typing import Any

from .line_forms import comparable


@cache
def best_match():
    """rapidfuzz's ``extractOne`` by ``fuzz.ratio``: ``(text, score, index)`` of the best
    of `choices` reaching `score_cutoff`, or None. Its score may lie a rounding error
    below a fractional cutoff, so a caller that removes checks it. Imports rapidfuzz on
    first call."""
    from rapidfuzz import fuzz, process

    return partial(process.extractOne, scorer=fuzz.ratio)


class KeptLines:
    """Kept lines of one scope: exact and normalized texts, and the near-duplicate index.

    Kept lines get ascending ids. With a window, only the last `window` ids are live:
    older ones leave both dicts and the index, so memory is bounded by the window.

    Per kept id there are two columns (a ring of `window` slots in window scope): its
    line number and its ``(normalized text, signature)`` pair (None for a line that
    only matches exactly; rows of one batch share one pair). The source changes once
    per document at most, so it is kept where it changes (`source`). `add` appends to
    the columns, with window expiry; `Dedup`'s threshold-100 pass appends itself, since
    it also keeps every key and its squashed form.
    """

    def __init__(self, threshold: float, window: int | None, batch_size: int):
        self.threshold = threshold
        self.window = window
        self.batch_size = batch_size
        self._index = None
        self.exact: dict[str, int] = {}  # stripped text -> kept id
        self.normalized: dict[str, int] = {}  # `comparable` text (long lines) -> kept id
        self.next_id = 0
        self.numbers: list[int] = []
        self.forms: list[tuple[str, str] | None] = []
        self.keys: list[str] = []  # stripped texts: in window scope (to expire them) and at threshold 100
        # threshold 100 outside window scope (`Dedup._judge_exactly`): squashed form -> kept
        # id(s), and the comparable forms worked out so far, by kept id (None: too short)
        self.squashed: dict[bytes | str, int | list[int]] = {}
        self.compared: dict[int, str | None] = {}
        self._source_ids: list[int] = []  # first kept id of each run of one source
        self._sources: list[str] = []

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

    def note_source(self, source: str) -> None:
        """Lines kept from now on (ids from `next_id`) come from `source`."""
        if not self._sources or self._sources[-1] != source:
            if self._source_ids and self._source_ids[-1] == self.next_id:
                self._sources[-1] = source
            else:
                self._source_ids.append(self.next_id)
                self._sources.append(source)
            if self.window is not None and len(self._sources) > 2:  # forget sources no live id has
                live = bisect_right(self._source_ids, self.first_live) - 1
                if live > 0:
                    del self._source_ids[:live], self._sources[:live]

    def source(self, kept_id: int) -> str:
        return self._sources[bisect_right(self._source_ids, kept_id) - 1]

    def add(self, key: str, form: tuple[str, str] | None, comparable_form: str | None, number: int) -> int:
        """Remember a kept line (its source noted before): `form` is its (normalized text,
        signature) and `comparable_form` their `comparable`, or both None."""
        kept_id = self.next_id
        self.next_id += 1
        self.exact[key] = kept_id
        if comparable_form is not None:
            self.normalized[comparable_form] = kept_id
        if self.window is None:
            self.numbers.append(number)
            self.forms.append(form)
        elif kept_id < self.window:
            self.numbers.append(number)
            self.forms.append(form)
            self.keys.append(key)
        else:
            slot = kept_id % self.window
            old_id = kept_id - self.window
            if self.exact.get(self.keys[slot]) == old_id:
                del self.exact[self.keys[slot]]
            old_form = self.forms[slot]
            if old_form is not None:
                old = comparable(*old_form)
                if self.normalized.get(old) == old_id:
                    del self.normalized[old]
            self.numbers[slot] = number
            self.forms[slot] = form
            self.keys[slot] = key
        return kept_id


def index_candidates(memory: KeptLines, texts: list[str], signatures: list[str], repeated: set[int] | None = None):
    """Band keys, lengths and character histograms of a batch's distinct texts, which keys no
    other row has, and what the index proposes.

    Per row and band, the candidates are the `DEPTH` newest kept lines holding that band
    key. For a key no other row of the batch has, those lines are in the index already.
    A key that several rows share is a "group": which of them is kept is only known
    while judging, so those entries come back as (group, index chain) pairs for the
    judging loop to complete. When each row of a group is judged once (`repeated` names
    the rows judged more often, such as a text kept again in window scope once its first
    copy expired; None: any may be), the group's first
    row has no earlier line of the batch to wait for (its chain is known already) and its
    last row none to tell its kept id. Known candidates come back as flat sorted
    lists (``flat[bounds[r]:bounds[r + 1]]``), without the kept lines whose character
    histogram shows they cannot reach the threshold (`near_duplicates.reachable`: a
    candidate that cannot match changes no decision). Either way the answer does not
    depend on where a batch starts. Also returned: the groups each row must note its
    kept id in for later rows (``register``), and per row whether it may have any
    candidate and whether it has entries to complete.
    """
    import numpy as np

    from .near_duplicates import BANDS, DEPTH, band_keys, char_histograms, grouped_order, signature_salts

    count = len(texts)
    index = memory.index
    keys = band_keys(texts) ^ signature_salts(signatures)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=count)
    histograms = char_histograms(texts)
    chains = index.owners(keys, lengths)  # (rows, DEPTH, BANDS)
    # group the (band, key) pairs: one stable sort gives each pair's group, size, first and last
    banded = ((np.arange(BANDS, dtype=np.uint64) << np.uint64(32)) | keys.astype(np.uint64)).ravel()
    order, ordered = grouped_order(banded)
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    ends = np.ones(len(order), dtype=bool)
    ends[:-1] = starts[1:]
    groups = np.empty(len(order), dtype=np.int64)
    groups[order] = np.cumsum(starts) - 1
    shared = np.empty(len(order), dtype=bool)
    shared[order] = ~(starts & ends)
    shared = shared.reshape(keys.shape)
    groups = groups.reshape(keys.shape)
    crowded = None
    if repeated is not None:
        first = np.empty(len(order), dtype=bool)
        first[order] = starts
        last = np.empty(len(order), dtype=bool)
        last[order] = ends
        if repeated:  # groups holding a row judged twice keep every entry
            twice = np.zeros(count, dtype=bool)
            twice[list(repeated)] = True
            crowded = (np.bincount(groups.ravel(), weights=np.repeat(twice, BANDS))[groups] > 0).ravel()
            first &= ~crowded
            last &= ~crowded
        waiting = shared & ~first.reshape(keys.shape)
        register = shared & ~last.reshape(keys.shape)
    else:
        waiting = register = shared
    # chains no waiting entry needs, per row: sorted, distinct, reachable
    known = np.where(waiting[:, None, :], -1, chains).reshape(count, -1)
    known.sort(axis=1)
    valid = known >= 0
    valid[:, 1:] &= known[:, 1:] != known[:, :-1]
    known_rows = np.repeat(np.arange(count), valid.sum(axis=1))
    known_ids = known[valid]
    if len(known_ids):
        alive = index.reachable(known_ids, histograms, lengths, known_rows)
        known_ids, known_rows = known_ids[alive], known_rows[alive]
    bounds = np.searchsorted(known_rows, np.arange(count + 1))
    # waiting entries: (group, chain) per (row, band), chains without unreachable lines
    waiting_rows, waiting_bands = waiting.nonzero()
    held = chains.transpose(0, 2, 1)[waiting_rows, waiting_bands]  # (waiting entries, DEPTH)
    entries, depths = (held >= 0).nonzero()
    if len(entries):
        rows = waiting_rows[entries]
        alive = index.reachable(held[entries, depths], histograms, lengths, rows)
        held[entries[~alive], depths[~alive]] = -1
    if repeated is not None and len(waiting_rows):
        # an entry none of whose possible candidates can match proposes nothing worth judging
        useful = (held >= 0).any(axis=1) | _earlier_rows_may_match(
            waiting_rows, waiting_bands, order, starts, crowded, histograms, lengths, 1 - memory.threshold / 100)
        waiting_rows, waiting_bands, held = waiting_rows[useful], waiting_bands[useful], held[useful]
    waiting_bounds = np.searchsorted(waiting_rows, np.arange(count + 1))
    # most shared keys are new (no kept line holds them): one empty chain serves them all
    waiting_chains: list[Sequence[int]] = [(-1,) * DEPTH] * len(waiting_rows)
    linked = np.flatnonzero((held >= 0).any(axis=1))
    for at, chain in zip(linked.tolist(), held[linked].tolist()):
        waiting_chains[at] = chain
    register_rows, register_bands = register.nonzero()
    register_bounds = np.searchsorted(register_rows, np.arange(count + 1))
    waits = waiting_bounds[1:] > waiting_bounds[:-1]
    maybe = (bounds[1:] > bounds[:-1]) | waits
    registers = register_bounds[1:] > register_bounds[:-1]
    return keys, lengths, histograms, ~shared, (
        (known_ids.tolist(), bounds.tolist()),
        (groups[waiting_rows, waiting_bands].tolist(), waiting_chains, waiting_bounds.tolist()),
        (groups[register_rows, register_bands].tolist(), register_bounds.tolist()),
        (maybe.tolist(), waits.tolist(), registers.tolist()))


#: Groups of more rows than this are not searched for earlier rows that may match.
SEARCHED_GROUP = 16


def _earlier_rows_may_match(rows, bands, order, starts, crowded, histograms, lengths, max_gap):
    """Per waiting entry (`rows`, `bands`, in a batch where rows are judged once outside
    `crowded` groups), whether a row before it in its group may reach the threshold with it
    (`near_duplicates.reachable`); True where not worth searching (crowded or large groups).
    The group's lines kept earlier in the batch are among those rows."""
    import numpy as np

    from .near_duplicates import BANDS, reachable

    total = len(order)
    sorted_at = np.empty(total, dtype=np.int64)
    sorted_at[order] = np.arange(total)
    run_first = np.flatnonzero(starts)
    run_size = np.diff(np.append(run_first, total))
    positions = rows * BANDS + bands
    at = sorted_at[positions]
    run = np.cumsum(starts)[at] - 1
    rank = at - run_first[run]  # rows before this one in its group
    may = np.ones(len(rows), dtype=bool)
    searched = run_size[run] <= SEARCHED_GROUP
    if crowded is not None:
        searched &= ~crowded[positions]
    chosen = np.flatnonzero(searched & (rank > 0))
    for part in np.array_split(chosen, max(1, -(-len(chosen) * SEARCHED_GROUP // 65_536))):  # a few MB at a time
        counts = rank[part]
        entry = np.repeat(np.arange(len(part)), counts)
        step = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        earlier = order[run_first[run[part]][entry] + step] // BANDS
        alive = reachable(histograms, lengths, rows[part][entry], histograms, lengths, earlier, max_gap)
        may[part] = np.bincount(entry, weights=alive, minlength=len(part)) > 0
    return may


class LazyCandidates:
    """The index's candidates for a document's only batch, worked out only where they matter.

    Short documents (a web page: a few dozen long lines) would pay more for building
    MinHash tables than for judging. Since a candidate is only ever verified, a line
    none of whose earlier kept lines with its signature reaches the threshold is kept
    whatever the index proposes: one `extractOne` over those lines settles most lines.
    Only lines whose length can reach the threshold take part (kept sorted by length
    per signature): ``ratio >= T`` needs ``|a - b| <= (1 - T/100) (a + b)``, and the
    longer the list the more rapidfuzz spends converting it, a third of this look-up.
    For the others the candidates are computed as the index would give them (per band
    key, the `DEPTH` newest kept lines holding it; with no earlier batch these are all
    in this batch), from the batch's band keys, computed once when first needed.
    """

    def __init__(self, texts: list[str], signatures: list[str]):
        self.texts, self.signatures = texts, signatures
        # per signature, the kept normalized texts and their lengths, sorted by length
        self.by_signature: dict[str, tuple[list[int], list[str]]] = {}
        self.kept_rows: list[int] = []
        self.kept_ids: list[int] = []
        self._keys: Any = None  # numpy band keys of the batch's rows, made on first need

    def keep(self, kept_id: int, row: int) -> None:
        lengths, texts = self.by_signature.setdefault(self.signatures[row], ([], []))
        text = self.texts[row]
        at = bisect_right(lengths, len(text))
        lengths.insert(at, len(text))
        texts.insert(at, text)
        self.kept_rows.append(row)
        self.kept_ids.append(kept_id)

    def candidates(self, row: int, threshold: float) -> list[int]:
        earlier = self.by_signature.get(self.signatures[row])
        if not earlier:
            return []
        lengths, texts = earlier
        text = self.texts[row]
        # lengths that can reach the threshold, a line's worth wider on each side: a text
        # that cannot reach it can only add a score a rounding error below the cutoff,
        # which the caller's check rejects as it would have
        gap = 1 - threshold / 100
        low = bisect_left(lengths, int(len(text) * (1 - gap) / (1 + gap)) - 1)
        high = bisect_right(lengths, int(len(text) * (1 + gap) / (1 - gap)) + 1) if gap < 1 else len(lengths)
        if low >= high or best_match()(text, texts[low:high], score_cutoff=threshold) is None:
            return []
        import numpy as np

        from .near_duplicates import DEPTH, band_keys, signature_salts

        if self._keys is None:
            self._keys = band_keys(self.texts) ^ signature_salts(self.signatures)
        held = self._keys[self.kept_rows] == self._keys[row]  # (kept lines, BANDS)
        newest = held & (np.cumsum(held[::-1], axis=0)[::-1] <= DEPTH)
        return [self.kept_ids[i] for i in np.flatnonzero(newest.any(axis=1)).tolist()]
