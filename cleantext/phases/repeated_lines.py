"""`StripDebris(repeated_in=N)` as phases: a groupby over short-line keys.

The streaming run counts, per short line, the earlier documents of the run that
contained it (`debris.LineCounts`). Here one fold maps each line key to the order keys
of the documents holding it, keeping only keys in more than N documents (any other
count stays below N for every document, the same as absent). Each document then
looks up, for its own lines, how many of those order keys precede its own, and the
stage cleans it with exactly those counts.

With sites (``sites``: order key -> site name, absent for a document without one)
the key is (site, line), the site as its `line_key` so keys hash alike in every
process; a document without a site counts in the shared bucket, under the plain line
key, as every document does without sites.
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


def _count_keys(order_key: Any, lines: list[Line], sites: dict) -> list[Any]:
    """The keys the document's short lines are counted under: (site, line) or line."""
    site = sites.get(order_key)
    if site is None:
        return list(_short_keys(lines))
    site_key = line_key(site)
    return [(site_key, key) for key in _short_keys(lines)]


def _documents_with(items: Iterable[Item], sites: dict) -> Iterator[tuple[Any, list]]:
    table: dict[Any, list] = {}
    for order_key, lines, _ in items:
        for key in _count_keys(order_key, lines, sites):
            table.setdefault(key, []).append(order_key)
    return iter(table.items())


def _concatenated(one: list, other: list) -> list:
    return one + other


def _in_more_than(documents: list, count: int) -> bool:
    return len(documents) > count


def _apply(items: list[Item], documents_with: dict, sites: dict, *, stage: StripDebris) -> list[Item]:
    cleaner = stage.start()
    out = []
    for order_key, lines, stats in items:
        counts = {}
        site = sites.get(order_key)
        for key in _count_keys(order_key, lines, sites):
            holders = documents_with.get(key)
            if holders is not None:
                counts[key if isinstance(key, int) else key[1]] = bisect_left(holders, order_key)
        cleaner.memo.documents_with = LineCounts(counts, site)  # type: ignore[attr-defined]
        stage_stats = StageStats()
        out.append((order_key, list(_counted(cleaner, iter(fresh_lines(lines)), stage_stats)), [*stats, stage_stats]))
    return out


def run(engine, stage: StripDebris, items, sites: dict | None = None):
    """`stage` (with ``repeated_in``) applied to every item, as the streaming run would;
    `sites` names the site of each document that has one (by order key)."""
    sites = sites or {}
    table = engine.fold(items, partial(_documents_with, sites=sites), _concatenated,
                        partial(_in_more_than, count=stage.repeated_in))
    documents_with = {key: sorted(holders) for key, holders in table.items()}
    return engine.map_partitions(items, partial(_apply, stage=stage), engine.share(documents_with),
                                 engine.share(sites))
