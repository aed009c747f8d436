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

    Band ``b``'s table is the run of `stride` slots from ``b * stride`` in `entries`; an
    entry holds a scrambled key and its owner (``mixed << 32 | owner + 1``, so one read
    answers both, see `_mixed`), 0 marks an empty slot. A key's home is one of the first
    `size` slots, in the order of the mixed keys, and probing runs forward from it, never
    wrapping, into `SPARE` more slots; a run that would spill past them grows the tables
    instead, and the last slot of each band stays empty, so every probe ends in its band.
    All bands share one size, doubled once the fullest is `LOAD` full (8 bytes a slot).
    Nothing is deleted: `BandIndex` rebuilds the tables when expired owners pile up.
    """

    LOAD = 0.75
    GROWTH = 2.0
    #: Slots past the last home a probe run may fill.
    SPARE = 1024
    #: Probes still running when this few are left read `BLOCK` slots a step: long runs
    #: would otherwise cost a dozen numpy calls per slot for a handful of keys.
    FEW = 2048
    BLOCK = 32
    _block = np.arange(BLOCK)

    def __init__(self, size: int = 1024) -> None:
        self._reset(size)

    def _reset(self, size: int) -> None:
        self.generation = getattr(self, "generation", 0) + 1  # `probed` slots hold until the next reset
        self.size = size
        self.stride = size + self.SPARE + 1
        self.entries = np.zeros(BANDS * self.stride + self.BLOCK, dtype=np.uint64)  # a block reads past the end
        self.counts = np.zeros(BANDS, dtype=np.int64)

    @staticmethod
    def _mixed(keys: np.ndarray) -> np.ndarray:
        """Keys scrambled (a bijection of 32-bit values, as uint64): what the tables hold."""
        return (keys.astype(np.uint64) * _U64(0x9E3779B1)) & _MASK32

    def _home(self, mixed: np.ndarray) -> np.ndarray:
        """The home slot of each `_mixed` key, uniform in [0, size) and ascending with it."""
        return ((mixed * _U64(self.size)) >> _U64(32)).astype(np.int64)

    def _probe(self, at: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """From positions `at` of `entries`, where each probe for a key of `wanted`
        ends: the position of its entry or of the first empty slot, and the entry there.
        `wanted` are `_mixed` keys."""
        table = self.entries
        held = table[at]
        stop = held == 0
        stop |= (held >> _U64(32)) == wanted
        if stop.all():
            return at, held
        ends = at.copy()
        pending = np.flatnonzero(~stop)
        at_now, wanted_now = at[pending] + 1, wanted[pending]
        while len(pending) > self.FEW:
            entry = table[at_now]
            stop = entry == 0
            stop |= (entry >> _U64(32)) == wanted_now
            done = pending[stop]
            ends[done], held[done] = at_now[stop], entry[stop]
            going_on = ~stop
            pending, at_now, wanted_now = pending[going_on], at_now[going_on] + 1, wanted_now[going_on]
        while len(pending):  # the few long runs left: a block of slots at a time
            block = table[at_now[:, None] + self._block]
            stop = block == 0
            stop |= (block >> _U64(32)) == wanted_now[:, None]
            first = stop.argmax(axis=1)  # 0 where the block has no stop: its entry is not one
            entry = block[np.arange(len(block)), first]
            stopped = (entry == 0) | ((entry >> _U64(32)) == wanted_now)
            done = pending[stopped]
            ends[done], held[done] = at_now[stopped] + first[stopped], entry[stopped]
            going_on = ~stopped
            pending, at_now, wanted_now = pending[going_on], at_now[going_on] + self.BLOCK, wanted_now[going_on]
        return ends, held

    def get(self, keys: np.ndarray) -> np.ndarray:
        """The owner of each key of a ``(rows, BANDS)`` array (band = column), -1 where absent.

        Also keeps where each probe ended (the key's slot, or the empty slot that ended
        the search) in `probed`, for `put` to start from: slots are never emptied, so
        until the tables grow every slot before it still holds another key."""
        mixed = self._mixed(keys.ravel())
        bases = np.tile(np.arange(BANDS, dtype=np.int64) * self.stride, len(keys))
        ends, held = self._probe(self._home(mixed) + bases, mixed)
        found = (held & _MASK32).astype(np.int64) - 1  # -1 for an empty slot
        self.probed = (self.generation, (ends - bases).reshape(keys.shape))
        return found.reshape(keys.shape)

    def put(self, bands: np.ndarray, keys: np.ndarray, owners: np.ndarray,
            starts: np.ndarray | None = None) -> np.ndarray:
        """Set the owner of each (band, key) (distinct pairs); returns the owners they replace, or -1.

        `starts`, where known, are the slots the last `get` of these keys ended at (from
        `probed`): probing resumes there unless the tables grow first."""
        needed = int((self.counts + np.bincount(bands, minlength=BANDS)).max())
        if needed > self.LOAD * self.size:
            size = self.size if self.counts.any() else max(self.size, int(needed / self.LOAD * self.GROWTH))
            while needed > self.LOAD * size:
                size = -(-int(size * self.GROWTH) // 1024) * 1024
            self._grow(size)
            starts = None
        entries = (self._mixed(keys) << _U64(32)) | (owners.astype(np.uint64) + _U64(1))
        return self._put(bands, entries, starts)

    def _grow(self, size: int) -> None:
        """Move every entry into tables of (at least) `size` home slots."""
        old, stride, counts = self.entries, self.stride, self.counts.tolist()
        while True:
            self._reset(size)
            if all(self._refill(band, old[band * stride:(band + 1) * stride], counts[band]) for band in range(BANDS)):
                return
            size = -(-int(size * self.GROWTH) // 1024) * 1024  # a run spilled past the spare slots

    def _refill(self, band: int, slots: np.ndarray, count: int) -> bool:
        """Put the `count` entries of `slots` (distinct keys; the rest is empty) into band
        `band`'s empty table without probing step by step; False if they do not fit.

        Inserted in order of home slot (the order of the entries themselves: their high
        half is the mixed key), each key lands in the first free slot from its home: one
        past the previous key's slot, or its home when that is further (a running maximum).
        Sorting all the slots, empty ones first, is cheaper than picking the entries out."""
        entries = np.sort(slots)[len(slots) - count:]
        steps = np.arange(count)
        placed = np.maximum.accumulate(self._home(entries >> _U64(32)) - steps) + steps
        if count and placed[-1] >= self.size + self.SPARE:
            return False
        self.entries[band * self.stride + placed] = entries
        self.counts[band] = count
        return True

    def _put(self, bands: np.ndarray, entries: np.ndarray, starts: np.ndarray | None = None) -> np.ndarray:
        wanted = entries >> _U64(32)
        at = bands * self.stride + (self._home(wanted) if starts is None else starts.astype(np.int64))
        ends, held = self._probe(at, wanted)
        replaced = (held & _MASK32).astype(np.int64) - 1  # -1 where the probe ended at an empty slot
        hit = held != 0  # the key's own slot: its owner is replaced
        self.entries[ends[hit]] = entries[hit]
        # the others claim empty slots; where several claim one, the entry left in it won,
        # and the rest probe on from there (their keys are in no slot: they end at empty ones)
        claiming = np.flatnonzero(~hit)
        claimed = ends[claiming]
        while len(claiming):
            if (claimed - bands[claiming] * self.stride >= self.size + self.SPARE).any():
                # a run spilled past the spare slots: grow, then place the rest from their new homes
                self._grow(-(-int(self.size * self.GROWTH) // 1024) * 1024)
                claimed, _ = self._probe(bands[claiming] * self.stride + self._home(wanted[claiming]),
                                         wanted[claiming])
                continue
            table = self.entries
            table[claimed] = entries[claiming]
            won = table[claimed] == entries[claiming]
            self.counts += np.bincount(bands[claiming[won]], minlength=BANDS)
            lost = ~won
            claiming = claiming[lost]
            claimed, _ = self._probe(claimed[lost], wanted[claiming])
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
        # only the keys some live kept line holds (a minority: most keys are new)
        at = np.flatnonzero(newest.ravel() >= self._first_live)
        ids = newest.ravel()[at]
        rows, bands = np.divmod(at, BANDS)
        own = lengths[rows].astype(np.int64)
        flat = chain.reshape(-1)
        for level in range(DEPTH):
            slots = self._slots(ids)
            other = self._lengths[slots].astype(np.int64)
            near = np.abs(own - other) <= self._max_length_gap * (own + other) + 1e-9
            flat[(rows[near] * DEPTH + level) * BANDS + bands[near]] = ids[near]
            if level + 1 < DEPTH:
                older = self._previous[slots, bands]
                live = older >= self._first_live
                ids, rows, bands, own = older[live].astype(np.int64), rows[live], bands[live], own[live]
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
