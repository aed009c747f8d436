"""`StripDebris(repeated_in=N)` as phases: a groupby over short-line keys.

The streaming run counts, per short line, the earlier documents of the run that
contained it (`debris.LineCounts`). Here one fold maps each line key to how many
documents of each partition hold it (a partition named by its first order key: the
partitions hold consecutive documents in order), keeping only keys in more than N
documents (any other count stays below N for every document, the same as absent). So
the table grows with the partitions, not the documents. Each document then counts, for
its own lines, the holders in earlier partitions plus the earlier ones of its own
partition, and the stage cleans it with exactly those counts.

With sites (``sites``: order key -> site name, absent for a document without one)
the key is (site, line), the site as its `line_key` so keys hash alike in every
process; a document without a site counts in the shared bucket, under the plain line
key, as every document does without sites.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator
from functools import partial
from itertools import accumulate
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


def _documents_with(items: Iterable[Item], sites: dict) -> Iterator[tuple[Any, dict]]:
    """Per count key, ``{first order key of this partition: documents holding it}``."""
    counts: dict[Any, int] = {}
    first = None
    for order_key, lines, _ in items:
        if first is None:
            first = order_key
        for key in _count_keys(order_key, lines, sites):
            counts[key] = counts.get(key, 0) + 1
    return iter([(key, {first: count}) for key, count in counts.items()])


def _merged(one: dict, other: dict) -> dict:
    return {**one, **other}  # partitions have distinct first keys


def _in_more_than(partitions: dict, count: int) -> bool:
    return sum(partitions.values()) > count


def _apply(items: list[Item], documents_with: dict, sites: dict, *, stage: StripDebris) -> list[Item]:
    cleaner = stage.start()
    out = []
    earlier: dict[Any, int] = {}  # per key of the table seen here: its holders before this document
    first = None
    for order_key, lines, stats in items:
        if first is None:
            first = order_key
        counts = {}
        for key in _count_keys(order_key, lines, sites):
            partitions = documents_with.get(key)
            if partitions is None:
                continue
            count = earlier.get(key)
            if count is None:  # the holders in earlier partitions
                firsts, totals = partitions
                before = bisect_left(firsts, first)
                count = totals[before - 1] if before else 0
            counts[key if isinstance(key, int) else key[1]] = count
            earlier[key] = count + 1
        cleaner.memo.documents_with = LineCounts(counts, sites.get(order_key))
        stage_stats = StageStats()
        out.append((order_key, list(_counted(cleaner, iter(fresh_lines(lines)), stage_stats)), [*stats, stage_stats]))
    return out


def _running_totals(partitions: dict) -> tuple[list, list[int]]:
    """The partitions' first keys in order, and the holders up to and including each."""
    firsts = sorted(partitions)
    return firsts, list(accumulate(partitions[first] for first in firsts))


def run(engine, stage: StripDebris, items, sites: dict | None = None):
    """`stage` (with ``repeated_in``) applied to every item, as the streaming run would;
    `sites` names the site of each document that has one (by order key)."""
    sites = sites or {}
    table = engine.fold(items, partial(_documents_with, sites=sites), _merged,
                        partial(_in_more_than, count=stage.repeated_in))
    documents_with = {key: _running_totals(partitions) for key, partitions in table.items()}
    return engine.map_partitions(items, partial(_apply, stage=stage), engine.share(documents_with),
                                 engine.share(sites))
