"""Corpus-scope `Dedup` as phases, with the streaming run's results line for line.

Every line has a global position, ``(order key, index in its document)``, so "earlier"
means the same on any engine. What a line's fate depends on:

* A short line (normalized shorter than ``min_length``) only matches exactly, and the
  first occurrence of a text is always kept: each later one repeats the smallest
  position with its key. One fold gives that table (repeated keys only).
* A long line belongs to a *row*: its normalized text plus statement signature (what
  `Dedup` calls comparable). A row none of whose MinHash band keys is shared with
  another row can never be offered a candidate by the index, so its first occurrence
  is kept and the later ones repeat it (exactly, or as a near-duplicate at score 100
  when only the comparable form is equal): the same fold resolves it.
* The other rows are *contested*: rows sharing a band bucket. Buckets are found with a
  fold per round of `BANDS_PER_ROUND` bands (each worker holds a few bands' keys of its
  partition at a time). The occurrences of contested rows, and only those, go to the
  driver in position order, where `Dedup`'s own judging (index, DEPTH newest holders per
  key, rapidfuzz verification, first kept line wins) runs over them. This is exact:
  uncontested rows never share a bucket with a contested one, so they can neither be
  a candidate nor take a candidate's place among the DEPTH newest holders of a key.
  Below `INDEX_MIN_THRESHOLD` every kept line is a candidate, so every long row is
  contested.
* An apply pass marks the lines and folds blank lines as `Dedup` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any, NamedTuple

from ..lines import Line
from ..pipeline import StageStats
from ..stages.blank_lines import collapse_blank_lines
from ..stages.dedup import BATCH, INDEX_MIN_THRESHOLD, Dedup, duplicate_removal
from ..stages.kept_lines import KeptLines
from ..stages.line_forms import comparable, judged_form, judged_lines
from ..stages.statements import CodeLines
from . import fresh_lines
from .hashing import line_key

#: Band keys per fold round; see `near_duplicates.BANDS` for how many there are.
BANDS_PER_ROUND = 8

Item = tuple[Any, list[Line], list[StageStats]]


class _Fact(NamedTuple):
    """A line `Dedup` judges (not code, not blank, not removed before)."""

    at: int  # index in the document's lines
    line: Line
    key: str
    norm: str | None  # None for a short line
    signature: str
    row: int  # line_key of the short key, or of the long line's comparable form


def _facts(stage: Dedup, lines: list[Line], code_blanks: set[int] | None = None) -> Iterator[_Fact]:
    """The lines of one document that `Dedup` judges, as it sees them."""
    for index, line, key in judged_lines(lines, CodeLines(), code_blanks):
        norm, signature = judged_form(key, stage.min_length)
        if norm is None:
            yield _Fact(index, line, key, None, "", line_key(key))
        else:
            yield _Fact(index, line, key, norm, signature, line_key(comparable(norm, signature)))


class _First(NamedTuple):
    """How often a short key or a row occurs, and its first occurrence."""

    occurrences: int
    position: tuple
    number: int
    source: str
    key: int  # line_key of the first occurrence's stripped text


class _Evidence(NamedTuple):
    """What one partition's documents hold for dedup, computed once and kept for the phases.

    `documents`: per document, its order key and per judged line ``(index, short, row,
    key, number, source)`` (row as in `_Fact`, key = line_key of the stripped text); `rows`: the
    partition's distinct long rows, and `bands` their band keys (one row each), when
    the index is used."""

    documents: list[tuple[Any, list[tuple[int, bool, int, int, int, str]]]]
    rows: list[int]
    bands: Any


def _evidence(items: Iterable[Item], *, stage: Dedup) -> list[_Evidence]:
    documents = []
    rows: dict[int, tuple[str, str]] = {}
    for order_key, lines, _ in items:
        facts = []
        for fact in _facts(stage, lines):
            facts.append((fact.at, fact.norm is None, fact.row, line_key(fact.key), fact.line.number,
                          fact.line.source))
            if fact.norm is not None:
                rows.setdefault(fact.row, (fact.norm, fact.signature))
        documents.append((order_key, facts))
    bands = None
    if rows and INDEX_MIN_THRESHOLD <= stage.threshold < 100:
        from ..stages.near_duplicates import band_keys, signature_salts

        import numpy as np

        values = list(rows.values())
        chunks = []
        for start in range(0, len(values), BATCH):  # MinHash's temporaries grow with the text hashed at once
            norms, signatures = zip(*values[start:start + BATCH])
            chunks.append(band_keys(norms) ^ signature_salts(signatures))
        bands = np.concatenate(chunks)
    return [_Evidence(documents, list(rows), bands)]


def _earliest(one: _First, other: _First) -> _First:
    first = one if one.position <= other.position else other
    return first._replace(occurrences=one.occurrences + other.occurrences)


def _repeated(first: _First) -> bool:
    return first.occurrences > 1


def _first_occurrences(parts: Iterable[_Evidence]) -> Iterator[tuple[tuple[bool, int], _First]]:
    for evidence in parts:
        for order_key, facts in evidence.documents:
            for index, short, row, key, number, source in facts:
                yield (short, row), _First(1, (order_key, index), number, source, key)


#: Bucket tables travel in this many slices (by bucket key), each a pair of numpy arrays.
BUCKET_SLICES = 8


def _bucket_rows(parts: Iterable[_Evidence], bands: range) -> Iterator[tuple[int, tuple]]:
    """Per slice, the distinct (bucket, row) pairs of a partition's rows for the round's bands,
    as two uint64 arrays; a bucket is ``band << 32 | band key``."""
    import numpy as np

    buckets, rows = [], []
    for evidence in parts:
        if evidence.bands is not None and evidence.rows:
            keys = evidence.bands[:, bands.start:bands.stop].astype(np.uint64)
            keys |= np.arange(bands.start, bands.stop, dtype=np.uint64) << np.uint64(32)
            buckets.append(keys.ravel())
            rows.append(np.repeat(np.array(evidence.rows, dtype=np.uint64), len(bands)))
    if buckets:
        bucket, row = _distinct_pairs(np.concatenate(buckets), np.concatenate(rows))
        slices = bucket % np.uint64(BUCKET_SLICES)
        for index in range(BUCKET_SLICES):
            chosen = slices == index
            yield index, (bucket[chosen], row[chosen])


def _distinct_pairs(buckets, rows) -> tuple:
    import numpy as np

    order = np.lexsort((rows, buckets))
    buckets, rows = buckets[order], rows[order]
    new = np.ones(len(buckets), dtype=bool)
    new[1:] = (buckets[1:] != buckets[:-1]) | (rows[1:] != rows[:-1])
    return buckets[new], rows[new]


def _union(one: tuple, other: tuple) -> tuple:
    import numpy as np

    return _distinct_pairs(np.concatenate((one[0], other[0])), np.concatenate((one[1], other[1])))


def _shared_rows(pairs: tuple):
    """The rows of buckets that hold more than one row (pairs are distinct and sorted)."""
    import numpy as np

    buckets, rows = pairs
    shared = np.zeros(len(buckets), dtype=bool)
    same = buckets[1:] == buckets[:-1]
    shared[1:] |= same
    shared[:-1] |= same
    return np.unique(rows[shared])


def _any(rows) -> bool:
    return len(rows) > 0


def _contested_rows(engine, evidence, stage: Dedup) -> frozenset[int] | None:
    """Rows sharing a band bucket with another row; None when every long row is contested."""
    from ..stages.near_duplicates import BANDS

    if stage.threshold >= 100:
        return frozenset()
    if stage.threshold < INDEX_MIN_THRESHOLD:
        return None
    contested: set[int] = set()
    for start in range(0, BANDS, BANDS_PER_ROUND):
        bands = range(start, min(start + BANDS_PER_ROUND, BANDS))
        found = engine.fold(evidence, partial(_bucket_rows, bands=bands), _union, _any, _shared_rows)
        for rows in found.values():
            contested.update(rows.tolist())
    return frozenset(contested)


def _is_contested(short: bool, row: int, contested: frozenset[int] | None) -> bool:
    return not short and (contested is None or row in contested)


def _contested_lines(items: list[Item], evidence: list[_Evidence], contested: frozenset[int] | None) -> list:
    out = []
    for (order_key, facts), (_, lines, _) in zip(evidence[0].documents, items):
        for index, short, row, *_ in facts:
            if _is_contested(short, row, contested):
                line = lines[index]
                out.append(((order_key, index), Line(line.number, line.text, line.ending, line.source)))
    return out


class _NoCode(CodeLines):
    """The driver's stream holds no code: the documents' code was left out already."""

    def is_code(self, text: str) -> bool:
        return False


def _judge_contested(stage: Dedup, contested_lines: list) -> dict[tuple, Any]:
    """`Dedup`'s judging over the contested lines in position order: removal by position."""
    contested_lines.sort(key=lambda pair: pair[0])
    memory = KeptLines(stage.threshold, None, BATCH)
    code = _NoCode()
    for start in range(0, len(contested_lines), BATCH):
        stage._judge_batch([line for _, line in contested_lines[start:start + BATCH]], memory, code, set())
    return {position: line.removed for position, line in contested_lines if line.removed is not None}


def _apply(items: list[Item], evidence: list[_Evidence], firsts: dict, contested: frozenset[int] | None,
           decisions: dict, *, stage: Dedup) -> list[Item]:
    from ..pipeline import _counted

    out = []
    for (order_key, facts), (_, lines, stats) in zip(evidence[0].documents, items):
        stage_stats = StageStats()

        def clean(stream: Iterator[Line], order_key: Any = order_key, facts: list = facts) -> Iterator[Line]:
            document = list(stream)
            for index, short, row, key, *_ in facts:
                position = (order_key, index)
                line = document[index]
                if _is_contested(short, row, contested):
                    line.removed = decisions.get(position)
                    continue
                first = firsts.get((short, row))
                if first is None or first.position == position:
                    continue  # kept: the first of its key or row
                rule = "exact-duplicate" if short or key == first.key else "near-duplicate"
                line.removed = duplicate_removal(stage.name, rule, line, first.number, first.source, 100.0)
            code_blanks = _code_blanks(document)
            return collapse_blank_lines(iter(document), stage.name, keep=code_blanks, stream=True)

        out.append((order_key, list(_counted(clean, iter(fresh_lines(lines)), stage_stats)), [*stats, stage_stats]))
    return out


def _code_blanks(lines: list[Line]) -> set[int]:
    """Ids of the kept blank lines inside code blocks: text, for blank-line folding."""
    code = CodeLines()
    return {id(line) for line in lines if code.is_code(line.text) and line.removed is None and not line.text.strip()}


def run(engine, stage: Dedup, items):
    """`stage` (corpus scope) applied to every item of `items`, as the streaming run would."""
    evidence = engine.persist(engine.map_partitions(items, partial(_evidence, stage=stage)))
    firsts = engine.fold(evidence, _first_occurrences, _earliest, _repeated)
    contested = _contested_rows(engine, evidence, stage)
    decisions: dict = {}
    shared_contested = engine.share(contested)
    if contested is None or contested:
        found = engine.map_partitions(items, _contested_lines, evidence, shared_contested)
        decisions = _judge_contested(stage, engine.collect(found))
    return engine.map_partitions(items, partial(_apply, stage=stage), evidence, engine.share(firsts),
                                 shared_contested, engine.share(decisions))
