"""Candidate generation for near-duplicate lines: MinHash signatures and an LSH index.

`Dedup` must find, for each line, the earlier kept lines whose ``fuzz.ratio`` with it
reaches the threshold. Comparing with every kept line is quadratic, so candidates
come from locality-sensitive hashing and every candidate is then verified with
rapidfuzz: the index may miss a pair (recall) but never decides a removal.

Why MinHash over character 5-grams (measured with bench/bench_dedup.py, 100k lines
against the exhaustive answer):

* ``ratio >= 90`` allows about 8 edits in an 80-character line, yet the edits that make
  real near-duplicates (a changed number, a typo, a dropped word) are few and local,
  so the two lines still share most of their 5-grams (Jaccard 0.6-0.9). MinHash turns
  that into shared band keys with a probability we can tune.
* Exact filters (q-gram prefix filtering, PassJoin partitions) need dozens of
  Python-level look-ups per line at this threshold, and an inverted index of single
  n-grams drowns in common ones ("the ", "tion "). MinHash costs a few numpy passes
  per *batch* of lines (about 2 µs a line for 96 hashes), and a band of ``ROWS``
  minima is shared by unrelated lines only rarely.
* Measured alternatives: 5-grams 24x3 bands recall 0.9977; 32x3 0.9991; 40x3 0.9996
  (+12% time); 4-grams 32x3 0.9995 but 2.7x the candidates; 6-grams 32x3 0.9965;
  48x4 0.9968; two rows per band 0.9999 but 6x slower. Ranking candidates by shared
  bands and verifying only the top 16 lost recall (0.9926): template lines share
  many bands with their whole family.

With ``BANDS`` x ``ROWS`` = 32 x 3, two lines with Jaccard 0.5 share a band with
probability 1 - (1 - 0.5**3)**32 = 0.986, at 0.6 it is 0.9996 and at 0.7 0.999999.
Lines that miss are mostly short (under ~25 characters, where one typo changes half
the 5-grams) or template lines whose near-duplicate is crowded out of a capped bucket.

The index keeps each band key with its line id as one sorted uint64 (a small
log-structured merge tree, 8 bytes per band per kept line) and answers a whole batch
with `numpy.searchsorted`, so look-ups run in C.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np

#: Characters per shingle. 5 is the usual choice for web text (datatrove, NeMo
#: Curator); shorter shingles make unrelated lines share too many of them.
NGRAM = 5
#: LSH bands and hashes per band; see the module docstring for the recall curve.
BANDS = 32
ROWS = 3
#: A query returns at most this many lines per band bucket, the newest ones. Template
#: families ("Copyright 2009 NAME Media. All rights reserved.") put thousands of lines
#: in the buckets whose minima fall on the shared words; without a cap every new member
#: is compared with all of them (quadratic: 1M lines ran for minutes). A real
#: near-duplicate also shares the buckets keyed on its own words, which stay small.
BUCKET_LIMIT = 32

_U64 = np.uint64
_MASK32 = _U64(0xFFFFFFFF)
_PRIME = _U64(0x100000001B3)


def _parameters(seed: int = 20240611) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    count = BANDS * ROWS
    multipliers = rng.integers(1, 2**63, count, dtype=np.uint64) | _U64(1)
    offsets = rng.integers(0, 2**63, count, dtype=np.uint64)
    band_salts = rng.integers(0, 2**63, (BANDS, ROWS), dtype=np.uint64) | _U64(1)
    return multipliers, offsets, band_salts


_MULTIPLIERS, _OFFSETS, _BAND_SALTS = _parameters()
#: A new sorted run is merged into the previous one while that is at most this many
#: times larger: fewer runs to search per query, each entry merged a few more times.
MERGE_FACTOR = 4
#: `BandIndex.query` reports rows of the queried batch itself as ``IN_BATCH + row``.
IN_BATCH = 2**31
#: Keeps the bands of one index apart: the same key in two bands means nothing.
_BAND_SALT32 = (np.arange(BANDS, dtype=np.uint64) * _U64(0x9E3779B1) & _MASK32).astype(np.uint32)


def band_keys(texts: Sequence[str]) -> np.ndarray:
    """LSH band keys of each text: a ``(len(texts), BANDS)`` array of uint32.

    Texts are compared by their sets of `NGRAM`-character shingles; a text shorter
    than that is one shingle. Equal texts always get equal keys.

    >>> keys = band_keys(["the quick brown fox", "the quick brown fix", "lorem ipsum"])
    >>> keys.shape
    (3, 32)
    >>> bool((keys[0] == keys[1]).any()), bool((keys[0] == keys[2]).any())
    (True, False)
    """
    count = len(texts)
    if count == 0:
        return np.empty((0, BANDS), dtype=np.uint32)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=count)
    short = lengths < NGRAM
    if short.any():  # pad so every text has at least one shingle
        texts = [t + "\x00" * (NGRAM - len(t)) if len(t) < NGRAM else t for t in texts]
        lengths = np.maximum(lengths, NGRAM)
    codes = np.frombuffer("\x00".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    positions = len(codes) - NGRAM + 1
    shingles = codes[:positions].copy()
    for offset in range(1, NGRAM):
        shingles *= _PRIME
        shingles += codes[offset:offset + positions]
    # keep only shingles that lie inside one text
    starts = np.zeros(count, dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])
    per_text = lengths - NGRAM + 1
    inside = np.zeros(positions + NGRAM, dtype=np.int8)
    np.add.at(inside, starts, 1)
    np.add.at(inside, starts + per_text, -1)
    shingles = shingles[np.cumsum(inside[:positions]).astype(bool)]
    shingles ^= shingles >> _U64(29)
    shingles *= _U64(0xBF58476D1CE4E5B9)
    shingles ^= shingles >> _U64(32)
    first = np.zeros(count, dtype=np.int64)
    np.cumsum(per_text[:-1], out=first[1:])
    minima = np.empty((count, BANDS * ROWS), dtype=np.uint64)
    scratch = np.empty_like(shingles)
    for k in range(BANDS * ROWS):
        np.multiply(shingles, _MULTIPLIERS[k], out=scratch)
        scratch += _OFFSETS[k]
        minima[:, k] = np.minimum.reduceat(scratch, first)
    minima >>= _U64(32)
    bands = minima.reshape(count, BANDS, ROWS)
    combined = (bands * _BAND_SALTS).sum(axis=2, dtype=np.uint64)
    combined ^= combined >> _U64(32)
    return (combined & _MASK32).astype(np.uint32)


def signature_salts(signatures: Sequence[str]) -> np.ndarray:
    """A ``(len(signatures), 1)`` uint32 column to XOR into band keys: lines with different
    statement signatures (see `statements`) then never share a band; ``""`` salts nothing."""
    salts = [zlib.crc32(s.encode("utf-8", "surrogatepass")) if s else 0 for s in signatures]
    return np.array(salts, dtype=np.uint32).reshape(-1, 1)


class BandIndex:
    """Band keys of kept lines, answering "which kept lines share a band with these?".

    Entries live in sorted runs (keys, band-salted, with the owner's id); a new run
    is merged with the previous ones while it is at least half their size, so each
    entry is merged O(log n) times and a query searches O(log n) runs. `drop_before`
    forgets ids below a bound (window scope): their entries are filtered out of
    answers at once and out of memory at the next merge or compaction.
    """

    def __init__(self, max_length_gap: float = 1.0, capacity: int | None = None) -> None:
        self._runs: list[np.ndarray] = []  # sorted uint64 entries, see `_entries_of`
        self._entries = 0
        self._first_live = 0
        #: ``ratio >= T`` needs ``|len(a) - len(b)| <= (1 - T/100) * (len(a) + len(b))``:
        #: candidates failing that are dropped here, in numpy, before any verification.
        self._max_length_gap = max_length_gap
        # text length per id; a ring of `capacity` slots (a power of two) when ids expire
        self._ring = None if capacity is None else 1 << (capacity - 1).bit_length()
        self._lengths = np.zeros(self._ring or 4096, dtype=np.int32)

    def __len__(self) -> int:
        return self._entries

    def _salted(self, keys: np.ndarray) -> np.ndarray:
        return keys ^ _BAND_SALT32

    def _slots(self, ids: np.ndarray) -> np.ndarray:
        return ids if self._ring is None else ids & (self._ring - 1)

    def add(self, ids: np.ndarray, keys: np.ndarray, lengths: np.ndarray) -> None:
        """Index kept lines `ids` (ascending) with their band keys (one row each) and text lengths."""
        if len(ids) == 0:
            return
        if self._ring is None and ids[-1] >= len(self._lengths):
            self._lengths = np.resize(self._lengths, max(2 * len(self._lengths), int(ids[-1]) + 1))
        self._lengths[self._slots(ids)] = lengths
        run = np.sort(self._entries_of(keys, ids))
        self._entries += len(run)
        while self._runs and len(self._runs[-1]) <= MERGE_FACTOR * len(run):
            run = self._merge(self._runs.pop(), run)
        self._runs.append(run)

    def _entries_of(self, keys: np.ndarray, owners: np.ndarray) -> np.ndarray:
        """One uint64 per band: the salted key in the high half, the owner in the low half."""
        flat = self._salted(keys).ravel().astype(np.uint64) << _U64(32)
        return flat | np.repeat(owners.astype(np.uint64), BANDS)

    def _merge(self, older: np.ndarray, newer: np.ndarray) -> np.ndarray:
        merged = np.concatenate((older, newer))
        if self._first_live:
            merged = merged[(merged & _MASK32) >= self._first_live]
            self._entries -= len(older) + len(newer) - len(merged)
        merged.sort(kind="stable")  # two sorted runs: timsort merges them in linear time
        return merged

    def drop_before(self, first_live: int) -> None:
        """Forget every id below `first_live`; compacts once stale entries outnumber live ones."""
        self._first_live = first_live
        if not self._runs:
            return
        newest = max(int((run & _MASK32).max()) for run in self._runs)
        live_bound = max(newest + 1 - first_live, 0) * BANDS
        if self._entries > 2 * live_bound + 4096 * BANDS:
            runs, self._runs, self._entries = self._runs, [], 0
            for run in runs:
                run = run[(run & _MASK32) >= first_live]
                if len(run):
                    self._runs.append(run)
                    self._entries += len(run)

    def query(self, keys: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, list[int]]:
        """Who shares a band with each row of `keys`: kept ids, and other rows of `keys`.

        Returns ``(found, bounds)``: row ``i``'s matches are ``found[bounds[i]:bounds[i+1]]``,
        ascending and unique. A value below `IN_BATCH` is a kept id (ids below the
        `drop_before` bound are left out); ``IN_BATCH + j`` is row ``j`` of `keys`
        itself (``j != i``), so one query also finds similar lines within a batch.
        """
        rows = len(keys)
        batch_run = np.sort(self._entries_of(keys, np.arange(rows)))
        needles = batch_run & ~_MASK32  # sorted needles: cache-friendly search
        row_of = (batch_run & _MASK32).astype(np.int64)
        found_rows, found_ids = [], []
        for run in (*self._runs, batch_run):
            left = np.searchsorted(run, needles, "left")
            hits = ((run[np.minimum(left, len(run) - 1)] ^ needles) <= _MASK32).nonzero()[0]
            if len(hits) == 0:
                continue
            right = np.searchsorted(run, needles[hits] | _MASK32, "right")
            left = np.maximum(left[hits], right - BUCKET_LIMIT)  # only the newest entries
            counts = right - left
            total = int(counts.sum())
            # positions left[h] .. left[h]+counts[h]-1 for each hit, flattened
            steps = np.ones(total, dtype=np.int64)
            steps[0] = left[0]
            boundaries = np.cumsum(counts)[:-1]
            steps[boundaries] = left[1:] - (left[:-1] + counts[:-1]) + 1
            owners = (run[np.cumsum(steps)] & _MASK32).astype(np.int64)
            found_ids.append(owners + IN_BATCH if run is batch_run else owners)
            found_rows.append(np.repeat(row_of[hits], counts))
        ids = np.concatenate(found_ids)
        row_ids = np.concatenate(found_rows)
        keep = ids != row_ids + IN_BATCH
        if self._first_live:
            keep &= (ids >= self._first_live)
        in_batch = ids >= IN_BATCH
        other_length = np.where(in_batch, lengths[np.where(in_batch, ids - IN_BATCH, 0)],
                                self._lengths[self._slots(np.where(in_batch, 0, ids))])
        own_length = lengths[row_ids]
        keep &= np.abs(own_length - other_length) <= self._max_length_gap * (own_length + other_length) + 1e-9
        pairs = np.unique((row_ids[keep] << 32) | ids[keep])
        bounds = np.searchsorted(pairs >> 32, np.arange(rows + 1))
        return pairs & 0xFFFFFFFF, bounds.tolist()
