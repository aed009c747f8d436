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
    """

    def __init__(self, threshold: float, window: int | None, batch_size: int):
        self.threshold = threshold
        self.window = window
        self.batch_size = batch_size
        self._index = None
        self.exact: dict[str, int] = {}  # stripped text -> kept id
        self.normalized: dict[str, int] = {}  # `comparable` text (long lines) -> kept id
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
            self.normalized[comparable(norm, signature)] = kept_id
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
                old = comparable(old_norm, self.signatures[slot])
                if self.normalized.get(old) == old_id:
                    del self.normalized[old]
            for column, value in zip(record, values):
                column[slot] = value
        return kept_id


def index_candidates(memory: KeptLines, texts: list[str], signatures: list[str]):
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

    from .near_duplicates import BANDS, DEPTH, band_keys, signature_salts

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
    # most shared keys are new (no kept line holds them): one empty chain serves them all
    shared_chains: list[Sequence[int]] = [(-1,) * DEPTH] * len(shared_rows)
    held = chains.transpose(0, 2, 1)[shared_rows, shared_bands]  # (shared keys, DEPTH)
    linked = np.flatnonzero((held >= 0).any(axis=1))
    for at, chain in zip(linked.tolist(), held[linked].tolist()):
        shared_chains[at] = chain
    return keys, lengths, ~shared, ((unshared[valid].tolist(), bounds.tolist()),
                           (groups[shared_rows, shared_bands].tolist(), shared_chains, shared_bounds.tolist()))


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
