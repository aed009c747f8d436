"""Candidate generation for near-duplicate lines: MinHash signatures and an LSH index.

`Dedup` must find, for each line, the earlier kept lines whose ``fuzz.ratio`` with it
reaches the threshold. Comparing with every kept line is quadratic, so candidates
come from locality-sensitive hashing and every candidate is then verified with
rapidfuzz: the index may miss a pair (recall) but never decides a removal.

Why MinHash over character 5-grams (measured with bench/bench_dedup.py, 100k lines
against the exhaustive answer):

* ``ratio >= 90`` allows about 8 edits in an 80-character line, yet the edits that make
  real near-duplicates (a typo, a dropped word, case and punctuation) are few and local,
  so the two lines still share most of their 5-grams (Jaccard 0.6-0.9). MinHash turns
  that into shared band keys with a probability we can tune.
* Exact filters (q-gram prefix filtering, PassJoin partitions) need dozens of
  Python-level look-ups per line at this threshold, and an inverted index of single
  n-grams drowns in common ones ("the ", "tion "). MinHash costs a few numpy passes
  per *batch* of lines (about 2 µs a line for 96 hashes), and a band of ``ROWS``
  minima is shared by unrelated lines only rarely.
* Measured alternatives (with the earlier sorted-run index): 5-grams 24x3 bands recall
  0.9977; 32x3 0.9991; 40x3 0.9996 (+12% time); 4-grams 32x3 0.9995 but 2.7x the
  candidates; 6-grams 32x3 0.9965; 48x4 0.9968; two rows per band 0.9999 but 6x slower.

With ``BANDS`` x ``ROWS`` = 32 x 3, two lines with Jaccard 0.5 share a band with
probability 1 - (1 - 0.5**3)**32 = 0.986, at 0.6 it is 0.9996 and at 0.7 0.999999.

The index (`BandIndex`) is one hash table per band, in numpy, mapping a band key to
the *newest* kept line that has it, and each kept line links, per band, to the next
older line with the same key. A line's candidates are the `DEPTH` newest holders of
each of its keys (at most ``DEPTH * BANDS``, usually a handful), however many lines
share a key: look-up cost and candidates per line stay flat as the index grows, and a
family of template lines ("Copyright 2009 NAME Media") costs one table entry per key.
Newest-first also makes expiry exact in window scope: once the newest holder of a key
has left the window, every older one has too. One holder per key gave recall 0.9957 at
100k lines; two give 0.9988 for about 4% more time.
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

_U64 = np.uint64
_MASK32 = _U64(0xFFFFFFFF)
_PRIME = _U64(0x100000001B3)
_M64 = 0xFFFFFFFFFFFFFFFF


def _splitmix64(seed: int, count: int) -> list[int]:
    """`count` pseudo-random 64-bit integers (SplitMix64): fixed constants, no numpy.random."""
    values = []
    state = seed
    for _ in range(count):
        state = (state + 0x9E3779B97F4A7C15) & _M64
        z = ((state ^ (state >> 30)) * 0xBF58476D1CE4E5B9) & _M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
        values.append(z ^ (z >> 31))
    return values


def _parameters(seed: int = 20240611) -> tuple[np.ndarray, np.ndarray]:
    count = BANDS * ROWS
    values = np.array(_splitmix64(seed, 2 * count), dtype=np.uint64) | _U64(1)
    return values[:count], values[count:].reshape(BANDS, ROWS)


#: Candidates per band key: the newest kept lines holding it, this many of them.
DEPTH = 2

#: One odd multiplier per MinHash function (odd: multiplying permutes 64-bit values),
#: and per band the odd weights that combine its ROWS minima into one key.
_MULTIPLIERS, _BAND_SALTS = _parameters()
_MULTIPLIERS32 = (_MULTIPLIERS >> _U64(32)).astype(np.uint32) | np.uint32(1)


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
    # keep only shingles that lie inside one text: each text's first `per_text`
    # positions; the next NGRAM (its last NGRAM - 1 and the separator) straddle two
    per_text = lengths - NGRAM + 1
    runs = np.empty(2 * count, dtype=np.int64)
    runs[0::2] = per_text
    runs[1::2] = NGRAM
    shingles = shingles[np.repeat(np.tile(np.array([True, False]), count), runs)[:positions]]
    shingles ^= shingles >> _U64(29)
    shingles *= _U64(0xBF58476D1CE4E5B9)
    shingles ^= shingles >> _U64(32)
    first = np.zeros(count, dtype=np.int64)
    np.cumsum(per_text[:-1], out=first[1:])
    shingles = (shingles >> _U64(32)).astype(np.uint32)
    minima = np.empty((count, BANDS * ROWS), dtype=np.uint32)
    scratch = np.empty_like(shingles)
    for k in range(BANDS * ROWS):
        np.multiply(shingles, _MULTIPLIERS32[k], out=scratch)  # an odd multiplier permutes 32-bit values
        minima[:, k] = np.minimum.reduceat(scratch, first)
    bands = minima.reshape(count, BANDS, ROWS)
    combined = bands[:, :, 0] * _BAND_SALTS[:, 0]  # uint64: row by row, not a sum over a short axis
    for row in range(1, ROWS):
        combined += bands[:, :, row] * _BAND_SALTS[:, row]
    combined ^= combined >> _U64(32)
    return combined.astype(np.uint32)  # the low 32 bits


#: Buckets of `char_histograms`: characters counted by code point modulo this.
BUCKETS = 32


def char_histograms(texts: Sequence[str]) -> np.ndarray:
    """A ``(len(texts), BUCKETS)`` uint8 array: each text's characters counted by code
    point modulo `BUCKETS`, a count above 255 kept as 255.

    ``fuzz.ratio`` is ``100 * (1 - d / (a + b))`` with ``d`` the insert/delete distance,
    and ``d`` is at least the L1 distance of the two texts' character counts; counting by
    bucket and clipping both only shrink that distance, so `reachable` tells from two
    histograms, without comparing the texts, that a pair cannot reach a threshold.
    """
    count = len(texts)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=count)
    codes = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    cells = np.repeat(np.arange(0, count * BUCKETS, BUCKETS, dtype=np.int64), lengths)
    cells += codes & np.uint32(BUCKETS - 1)
    counts = np.bincount(cells, minlength=count * BUCKETS).reshape(count, BUCKETS)
    return np.minimum(counts, 255).astype(np.uint8)


def reachable(histograms: np.ndarray, lengths: np.ndarray, rows: np.ndarray, other_histograms: np.ndarray,
              other_lengths: np.ndarray, other_rows: np.ndarray, max_gap: float) -> np.ndarray:
    """Per pair ``(rows[i], other_rows[i])``, whether the texts of these histograms and
    lengths may have ``fuzz.ratio >= 100 * (1 - max_gap)``: False only where they cannot
    (one character of slack against rounding). Pairs go in chunks, so temporary arrays
    stay small however many there are."""
    may = np.empty(len(rows), dtype=bool)
    for start in range(0, len(rows), _PAIRS_AT_ONCE):
        mine, theirs = rows[start:start + _PAIRS_AT_ONCE], other_rows[start:start + _PAIRS_AT_ONCE]
        distance = np.abs(histograms[mine].astype(np.int16) - other_histograms[theirs]).sum(axis=1)
        may[start:start + _PAIRS_AT_ONCE] = distance <= max_gap * (lengths[mine] + other_lengths[theirs]) + 1
    return may


_PAIRS_AT_ONCE = 16_384


def grouped_order(banded: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(order, banded[order])`` with equal values in their original order, for values below
    2**37 (a band number above a 32-bit key): one plain sort of value and position packed
    into one uint64, several times faster than a stable argsort."""
    bits = max(1, (len(banded) - 1).bit_length())
    if 37 + bits > 64:
        order = np.argsort(banded, kind="stable")
        return order, banded[order]
    packed = (banded << _U64(bits)) | np.arange(len(banded), dtype=np.uint64)
    packed.sort()
    return (packed & _U64((1 << bits) - 1)).astype(np.int64), packed >> _U64(bits)


def signature_salts(signatures: Sequence[str]) -> np.ndarray:
    """A ``(len(signatures), 1)`` uint32 column to XOR into band keys: lines with different
    statement signatures (see `statements`) then never share a band; ``""`` salts nothing."""
    salts = [zlib.crc32(s.encode("utf-8", "surrogatepass")) if s else 0 for s in signatures]
    return np.array(salts, dtype=np.uint32).reshape(-1, 1)


class _BandTables:
    """One open-addressing hash table per band (linear probing), probed for all bands at once.

    Row ``b`` of `entries` is band ``b``'s table; an entry holds a key and its owner
    (``key << 32 | owner + 1``, so one read answers both), 0 marks an empty slot. All
    bands share one size, doubled once the fullest is `LOAD` full (8 bytes a slot).
    Nothing is deleted: `BandIndex` rebuilds the tables when expired owners pile up.
    """

    LOAD = 0.75
    GROWTH = 2.0
    #: Keys still probing when this few are left finish in a Python loop: a long probe
    #: run would otherwise cost a dozen numpy calls per step for a handful of keys.
    TAIL = 16

    def __init__(self, size: int = 1024) -> None:
        self._reset(size)

    def _reset(self, size: int) -> None:
        self.generation = getattr(self, "generation", 0) + 1  # `probed` slots hold until the next reset
        self.size = size
        self.entries = np.zeros((BANDS, size), dtype=np.uint64)
        self.counts = np.zeros(BANDS, dtype=np.int64)

    def _home(self, keys: np.ndarray) -> np.ndarray:
        mixed = (keys.astype(np.uint64) * _U64(0x9E3779B1)) & _MASK32
        return ((mixed * _U64(self.size)) >> _U64(32)).astype(np.int64)  # uniform in [0, size)

    def get(self, keys: np.ndarray) -> np.ndarray:
        """The owner of each key of a ``(rows, BANDS)`` array (band = column), -1 where absent.

        Also keeps where each probe ended (the key's slot, or the empty slot that ended
        the search) in `probed`, for `put` to start from: slots are never emptied, so
        until the tables grow every slot before it still holds another key."""
        flat_keys = keys.ravel()
        wanted = flat_keys.astype(np.uint64)
        found = np.full(len(flat_keys), -1, dtype=np.int64)
        slots = self._home(flat_keys)
        at = slots + np.tile(np.arange(BANDS, dtype=np.int64) * self.size, len(keys))
        pending = np.arange(len(flat_keys))
        table = self.entries.ravel()
        while len(pending) > self.TAIL:
            entries = table[at]
            occupied = entries != 0
            hit = occupied & ((entries >> _U64(32)) == wanted[pending])
            found[pending[hit]] = (entries[hit] & _MASK32).astype(np.int64) - 1
            going_on = occupied & ~hit
            pending, at = pending[going_on], at[going_on] + 1
            slots[pending] += 1
            wrapped = slots[pending] == self.size
            if wrapped.any():
                slots[pending[wrapped]] = 0
                at[wrapped] -= self.size
        for i in pending.tolist():  # the last few long probe runs: cheaper one by one
            base, slot, key = i % BANDS * self.size, int(slots[i]), int(flat_keys[i])
            while entry := int(table[base + slot]):
                if entry >> 32 == key:
                    found[i] = (entry & 0xFFFFFFFF) - 1
                    break
                slot = slot + 1 if slot + 1 < self.size else 0
            slots[i] = slot
        self.probed = (self.generation, slots.reshape(keys.shape))
        return found.reshape(keys.shape)

    def put(self, bands: np.ndarray, keys: np.ndarray, owners: np.ndarray,
            starts: np.ndarray | None = None) -> np.ndarray:
        """Set the owner of each (band, key) (distinct pairs); returns the owners they replace, or -1.

        `starts`, where known, are the slots the last `get` of these keys ended at (from
        `probed`): probing resumes there unless the tables grow first."""
        needed = int((self.counts + np.bincount(bands, minlength=BANDS)).max())
        if needed > self.LOAD * self.size:
            old = self.entries
            size = self.size if self.counts.any() else max(self.size, int(needed / self.LOAD * self.GROWTH))
            while needed > self.LOAD * size:
                size = -(-int(size * self.GROWTH) // 1024) * 1024
            self._reset(size)
            for band in range(BANDS):  # band by band: temporary arrays stay small
                self._refill(band, old[band][old[band] != 0])
            starts = None
        entries = (keys.astype(np.uint64) << _U64(32)) | (owners.astype(np.uint64) + _U64(1))
        return self._put(bands, entries, starts)

    def _refill(self, band: int, entries: np.ndarray) -> None:
        """Put `entries` of distinct keys into band `band`'s empty table without probing step by step.

        Inserted in order of home slot, each key lands in the first free slot from its
        home: one past the previous key's slot, or its home when that is further
        (a running maximum). Keys pushed past the end wrap around through `_put`.
        """
        homes = self._home(entries >> _U64(32))
        order = np.argsort(homes, kind="stable")
        steps = np.arange(len(order))
        slots = np.maximum.accumulate(homes[order] - steps) + steps
        inside = slots < self.size
        self.entries[band, slots[inside]] = entries[order[inside]]
        self.counts[band] += int(inside.sum())
        wrapped = order[~inside]
        if len(wrapped):
            self._put(np.full(len(wrapped), band, dtype=np.int64), entries[wrapped])

    def _put(self, bands: np.ndarray, entries: np.ndarray, starts: np.ndarray | None = None) -> np.ndarray:
        replaced = np.full(len(entries), -1, dtype=np.int64)
        wanted = entries >> _U64(32)
        slots = self._home(wanted) if starts is None else starts.astype(np.int64)
        bases = bands * self.size
        pending = np.arange(len(entries))
        table = self.entries.ravel()
        while len(pending):
            at = bases[pending] + slots[pending]
            found = table[at]
            empty = found == 0
            hit = ~empty & ((found >> _U64(32)) == wanted[pending])
            replaced[pending[hit]] = (found[hit] & _MASK32).astype(np.int64) - 1
            table[at[hit]] = entries[pending[hit]]
            # claim empty slots; where several claim one, the entry left in it won
            claiming, claimed = pending[empty], at[empty]
            table[claimed] = entries[claiming]
            won = table[claimed] == entries[claiming]
            self.counts += np.bincount(bands[claiming[won]], minlength=BANDS)
            done = hit
            done[np.flatnonzero(empty)[won]] = True
            move = pending[~empty & ~hit]
            slots[move] += 1
            slots[move[slots[move] == self.size]] = 0
            pending = pending[~done]
            if len(pending) <= self.TAIL:
                break
        for i in pending.tolist():  # the last few long probe runs: cheaper one by one
            base, slot, entry, key = int(bases[i]), int(slots[i]), int(entries[i]), int(wanted[i])
            while True:
                at = base + slot
                held = int(table[at])
                if not held:
                    table[at] = entry
                    self.counts[bands[i]] += 1
                    break
                if held >> 32 == key:
                    replaced[i] = (held & 0xFFFFFFFF) - 1
                    table[at] = entry
                    break
                slot = slot + 1 if slot + 1 < self.size else 0
        return replaced


class BandIndex:
    """Band keys of kept lines: for each band key, the newest kept line that has it.

    `owners` answers a batch at once; `add` records kept lines (ascending ids, newer
    ones replacing older owners of the same key). With a `capacity` (window scope) ids
    below `drop_before`'s bound are treated as absent, and the tables are rebuilt from
    the live lines when stale entries outnumber them, so memory stays flat.
    """

    def __init__(self, max_length_gap: float = 1.0, capacity: int | None = None) -> None:
        self._tables = _BandTables()
        self._first_live = 0
        #: ``ratio >= T`` needs ``|len(a) - len(b)| <= (1 - T/100) * (len(a) + len(b))``:
        #: owners failing that are dropped here, in numpy, before any verification.
        self._max_length_gap = max_length_gap
        # text length per id (and band keys, to rebuild); a ring of `capacity` slots when ids expire
        self._ring = None if capacity is None else 1 << (capacity - 1).bit_length()
        self._lengths = np.zeros(self._ring or 4096, dtype=np.int32)
        self._histograms = np.zeros((self._ring or 4096, BUCKETS), dtype=np.uint8)  # see `char_histograms`
        self._counted = np.zeros(self._ring or 4096, dtype=bool)  # which ids have a histogram
        self._keys = None if self._ring is None else np.zeros((self._ring, BANDS), dtype=np.uint32)
        # which id each ring slot holds (not every kept id is indexed: short lines are not)
        self._ring_ids = None if self._ring is None else np.full(self._ring, -1, dtype=np.int64)
        #: per id and band, the next older kept line with the same key (-1: none)
        self._previous = np.full((self._ring or 4096, BANDS), -1, dtype=np.int32)
        self._next_id = 0
        #: (table generation, probe end slots) of the last `owners` query, for `add`
        self._probed: tuple[int, np.ndarray] | None = None

    def __len__(self) -> int:
        return int(self._tables.counts.sum())

    def _slots(self, ids: np.ndarray) -> np.ndarray:
        return ids if self._ring is None else ids & (self._ring - 1)

    def owners(self, keys: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """``(len(keys), DEPTH, BANDS)`` int64: per row and band, the `DEPTH` newest live kept
        lines with that key, newest first; -1 where there are fewer, or where a line's
        length cannot reach the threshold with the row's (a placeholder that keeps positions)."""
        newest = self._tables.get(keys)
        self._probed = self._tables.probed
        chain = np.full((len(keys), DEPTH, BANDS), -1, dtype=np.int64)
        chain[:, 0] = newest
        bands = np.broadcast_to(np.arange(BANDS), newest.shape)
        current = newest
        for level in range(1, DEPTH):
            live = current >= self._first_live
            older = np.full(current.shape, -1, dtype=np.int64)
            older[live] = self._previous[self._slots(current[live]), bands[live]]
            chain[:, level] = older
            current = older
        valid = chain >= self._first_live
        other = self._lengths[self._slots(np.where(valid, chain, 0))].astype(np.int64)
        own = lengths.reshape(-1, 1, 1)
        valid &= np.abs(own - other) <= self._max_length_gap * (own + other) + 1e-9
        chain[~valid] = -1
        return chain

    def reachable(self, ids: np.ndarray, histograms: np.ndarray, lengths: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Whether each kept line of `ids` may reach the threshold with the text of row
        ``rows[i]`` of `histograms` and `lengths` (see `reachable`); ids added without
        histograms always may."""
        slots = self._slots(ids)
        return reachable(histograms, lengths, rows, self._histograms, self._lengths, slots,
                         self._max_length_gap) | ~self._counted[slots]

    def add(self, ids: np.ndarray, keys: np.ndarray, lengths: np.ndarray, rows: np.ndarray | None = None,
            alone: np.ndarray | None = None, histograms: np.ndarray | None = None) -> None:
        """Index kept lines `ids` (ascending) with their band keys (one row each) and text lengths
        (and character histograms, when known: see `reachable`).

        `rows`, when given, are the rows of the last `owners` query that these lines are
        (same keys): insertion then resumes where that query's probes ended. `alone`,
        when given, marks (row, band) keys that no other of these lines has, which need
        no sorting into chains."""
        if len(ids) == 0:
            return
        if self._ring is None and ids[-1] >= len(self._lengths):
            size = max(2 * len(self._lengths), int(ids[-1]) + 1)
            self._lengths = np.resize(self._lengths, size)
            self._histograms = np.resize(self._histograms, (size, BUCKETS))
            self._counted = np.resize(self._counted, size)
            previous = np.full((size, BANDS), -1, dtype=np.int32)
            previous[:len(self._previous)] = self._previous
            self._previous = previous
        self._lengths[self._slots(ids)] = lengths
        self._counted[self._slots(ids)] = histograms is not None
        if histograms is not None:
            self._histograms[self._slots(ids)] = histograms
        if self._keys is not None:
            assert self._ring_ids is not None  # a ring has both
            self._keys[self._slots(ids)] = keys
            self._ring_ids[self._slots(ids)] = ids
        self._next_id = int(ids[-1]) + 1
        starts = None
        if rows is not None and self._probed is not None and self._probed[0] == self._tables.generation:
            starts = self._probed[1][rows]
        self._probed = None
        if alone is None:
            self._put(ids, keys, starts)
            return
        generation = self._tables.generation
        lone_rows, lone_bands = alone.nonzero()
        lone_ids = ids[lone_rows]
        previous = self._tables.put(lone_bands, keys[lone_rows, lone_bands], lone_ids.astype(np.int32),
                                    None if starts is None else starts[lone_rows, lone_bands])
        self._previous[self._slots(lone_ids), lone_bands] = previous
        if self._tables.generation != generation:
            starts = None
        self._put(ids, keys, starts, ~alone)

    def _put(self, ids: np.ndarray, keys: np.ndarray, starts: np.ndarray | None = None,
             which: np.ndarray | None = None) -> None:
        """The newest of equal (band, key) entries becomes the owner; each links to the next older.
        `which` (a mask like `keys`) limits this to some entries."""
        banded = ((np.arange(BANDS, dtype=np.uint64) << np.uint64(32)) | keys.astype(np.uint64)).ravel()
        chosen = None if which is None else np.flatnonzero(which.ravel())
        if chosen is not None:
            if not len(chosen):
                return
            banded = banded[chosen]
        order, ordered = grouped_order(banded)  # equal keys stay in ascending id order
        if chosen is not None:
            order = chosen[order]  # positions in the full (ids, BANDS) grid
        owners = ids[order // BANDS]
        bands = (order % BANDS).astype(np.int64)
        same = ordered[1:] == ordered[:-1]
        previous = np.full(len(order), -1, dtype=np.int64)
        previous[1:][same] = owners[:-1][same]
        newest = np.ones(len(order), dtype=bool)
        newest[:-1] = ~same
        oldest = np.ones(len(order), dtype=bool)
        oldest[1:] = ~same
        previous[oldest] = self._tables.put(bands[newest], (ordered[newest] & _MASK32).astype(np.uint32),
                                            owners[newest].astype(np.int32),
                                            None if starts is None else starts.ravel()[order[newest]])
        self._previous[self._slots(owners), bands] = previous

    def drop_before(self, first_live: int) -> None:
        """Treat ids below `first_live` as absent; rebuild once stale entries dominate."""
        self._first_live = first_live
        live = self._next_id - first_live
        if self._keys is None or len(self) <= 4 * BANDS * max(live, 1024):
            return
        assert self._ring_ids is not None  # a ring has both
        self._tables._reset(1024)
        ids = np.arange(first_live, self._next_id, dtype=np.int64)
        ids = ids[self._ring_ids[self._slots(ids)] == ids]
        if len(ids):
            self._put(ids, self._keys[self._slots(ids)])
