"""`StripDebris(repeated_in=N)` as phases: a groupby over short-line keys.

The streaming run counts, per short line, the earlier documents of the run that
contained it (`debris.LineCounts`). Here one fold maps each line key to the order keys
of the documents holding it, keeping only keys in more than N documents (any other
count stays below N for every document, the same as absent). Each document then
looks up, for its own lines, how many of those order keys precede its own, and the
stage cleans it with exactly those counts.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any

from ..lines import Line
from ..pipeline import StageStats, _counted
from ..stages import boilerplate
from ..stages.debris import LineCounts, StripDebris
from . import fresh_lines
from .hashing import line_key

Item = tuple[Any, list[Line], list[StageStats]]


def _short_keys(lines: list[Line]) -> set[int]:
    """Keys of the distinct short lines `StripDebris` would count in this document."""
    keys = set()
    for line in lines:
        if line.removed is None:
            text = line.text.strip()
            if text and len(text) < boilerplate.LENGTH_HIGH:
                keys.add(line_key(text))
    return keys


def _documents_with(items: Iterable[Item]) -> Iterator[tuple[int, list]]:
    table: dict[int, list] = {}
    for order_key, lines, _ in items:
        for key in _short_keys(lines):
            table.setdefault(key, []).append(order_key)
    return iter(table.items())


def _concatenated(one: list, other: list) -> list:
    return one + other


def _in_more_than(documents: list, count: int) -> bool:
    return len(documents) > count


def _apply(items: list[Item], documents_with: dict, *, stage: StripDebris) -> list[Item]:
    cleaner = stage.start()
    out = []
    for order_key, lines, stats in items:
        counts = {}
        for key in _short_keys(lines):
            holders = documents_with.get(key)
            if holders is not None:
                counts[key] = bisect_left(holders, order_key)
        cleaner.memo.documents_with = LineCounts(counts)  # type: ignore[attr-defined]
        stage_stats = StageStats()
        out.append((order_key, list(_counted(cleaner, iter(fresh_lines(lines)), stage_stats)), [*stats, stage_stats]))
    return out


def run(engine, stage: StripDebris, items):
    """`stage` (with ``repeated_in``) applied to every item, as the streaming run would."""
    table = engine.fold(items, _documents_with, _concatenated, partial(_in_more_than, count=stage.repeated_in))
    documents_with = {key: sorted(holders) for key, holders in table.items()}
    return engine.map_partitions(items, partial(_apply, stage=stage), engine.share(documents_with))
