"""Where phases run: the few collection operations `clean_corpus` needs, twice over.

A phase only ever maps a function over partitions of a collection (in order),
folds (key, value) pairs into a small table for the driver, collects a collection,
or shares a driver value with every task. `InProcess` does that with plain lists (the
reference the tests compare against); `DaskEngine` with a `dask.bag.Bag` on whatever
scheduler is active (a `distributed.Client`, or ``dask.config.set(scheduler=...)``).
Functions passed in must be picklable (module-level) for Dask's process workers.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from functools import partial
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
V = TypeVar("V")


class Engine(Protocol):
    """The operations of a collection engine that phased cleaning uses."""

    def collection(self, items: Iterable[Any]) -> Any:
        """The engine's collection holding `items`, in order."""

    def partitioned(self, partitions: Sequence[Sequence[Any]]) -> Any:
        """The engine's collection of these `partitions` (at least one), in order."""

    def map_partitions(self, collection: Any, function: Callable[..., list], *shared: Any) -> Any:
        """``function(items_of_one_partition, *shared) -> list`` on every partition, order and
        partitions kept; a shared collection of as many partitions is passed partition by partition."""

    def fold(self, collection: Any, function: Callable[..., Iterable[tuple[Hashable, Any]]],
             combine: Callable[[Any, Any], Any], keep: Callable[[Any], bool] | None = None,
             finish: Callable[[Any], Any] | None = None) -> dict:
        """The driver's table of ``key -> combine(combine(v1, v2), ...)`` over the (key, value)
        pairs ``function(items_of_one_partition)`` yields; each combined value passed
        through `finish` where the fold ends (on a worker), and with `keep`, only keys
        whose finished value passes it. `combine` must be associative and commutative,
        and must not change its arguments (Dask may hold them elsewhere)."""

    def collect(self, collection: Any) -> list:
        """The items of `collection`, on the driver, in order."""

    def share(self, value: Any) -> Any:
        """`value` made available to the tasks of later `map_partitions` calls."""

    def persist(self, collection: Any) -> Any:
        """`collection` computed once and kept, for phases that read it twice."""


def _fold_items(items: Iterable[Any], function: Callable[..., Iterable[tuple[Hashable, Any]]],
                combine: Callable[[Any, Any], Any]) -> dict:
    table: dict = {}
    for key, value in function(items):
        old = table.get(key, _MISSING)
        table[key] = value if old is _MISSING else combine(old, value)
    return table


_MISSING = object()


class InProcess:
    """Plain lists in this process: one partition, nothing pickled."""

    def collection(self, items: Iterable[Any]) -> list:
        return list(items)

    def partitioned(self, partitions: Sequence[Sequence[Any]]) -> list:
        return [item for partition in partitions for item in partition]

    def map_partitions(self, collection: list, function: Callable[..., list], *shared: Any) -> list:
        return list(function(collection, *shared))

    def fold(self, collection: list, function: Callable[..., Iterable[tuple[Hashable, Any]]],
             combine: Callable[[Any, Any], Any], keep: Callable[[Any], bool] | None = None,
             finish: Callable[[Any], Any] | None = None) -> dict:
        return _kept(_fold_items(collection, function, combine), keep, finish)

    def collect(self, collection: list) -> list:
        return list(collection)

    def share(self, value: Any) -> Any:
        return value

    def persist(self, collection: list) -> list:
        return collection


class DaskEngine:
    """A `dask.bag.Bag` per collection, computed on the current Dask scheduler.

    `partitions` is how many partitions `collection` makes (default: dask's choice).
    A fold combines within each partition and cuts the partial table into `SLICES`
    by key hash (keys must hash the same in every process: ints, tuples of ints); each
    slice is merged over the partitions in a tree, so no task holds the whole table,
    and only the entries that pass `keep` reach the driver.
    """

    SLICES = 8

    def __init__(self, partitions: int | None = None) -> None:
        try:
            import dask.bag  # noqa: F401
        except ImportError:
            raise ImportError("the Dask engine needs dask: pip install 'cleantext-cli[dask]'") from None
        self.partitions = partitions

    def collection(self, items: Iterable[Any]):
        import dask.bag

        items = list(items)
        if self.partitions is None:
            return dask.bag.from_sequence(items)
        return dask.bag.from_sequence(items, npartitions=max(1, min(self.partitions, len(items) or 1)))

    def partitioned(self, partitions: Sequence[Sequence[Any]]):
        """A bag of exactly these partitions (their items travel in the graph: keep them small)."""
        import dask.bag

        return dask.bag.from_sequence([list(partition) for partition in partitions],
                                      npartitions=len(partitions)).flatten()

    def map_partitions(self, collection, function: Callable[..., list], *shared: Any):
        return collection.map_partitions(function, *shared)

    def fold(self, collection, function: Callable[..., Iterable[tuple[Hashable, Any]]],
             combine: Callable[[Any, Any], Any], keep: Callable[[Any], bool] | None = None,
             finish: Callable[[Any], Any] | None = None) -> dict:
        import dask

        slices = max(1, min(self.SLICES, collection.npartitions))
        tables = collection.map_partitions(_sliced_tables, function, combine, slices)
        results = [tables.reduction(partial(_slice_table, index=index), partial(_merge_tables, combine=combine),
                                    split_every=4).apply(partial(_kept, keep=keep, finish=finish))
                   for index in range(slices)]
        table: dict = {}
        for part in dask.compute(*results):
            table.update(part)
        return table

    def collect(self, collection) -> list:
        return list(collection.compute())

    def share(self, value: Any):
        import dask

        return dask.delayed(value, traverse=False)

    def persist(self, collection):
        return collection.persist()


def _sliced_tables(items: Iterable[Any], function, combine, slices: int) -> list:
    """One partition's folded table, cut into `slices` by key hash (a one-item partition)."""
    parts: list[dict] = [{} for _ in range(slices)]
    for key, value in _fold_items(items, function, combine).items():
        parts[hash(key) % slices][key] = value
    return [parts]


def _slice_table(partition: Iterable[list[dict]], index: int) -> dict:
    return next(iter(partition))[index]


def _merge_tables(tables: Iterable[dict], combine) -> dict:
    merged: dict = {}
    for table in tables:
        if not merged:
            merged = dict(table)
            continue
        for key, value in table.items():
            old = merged.get(key, _MISSING)
            merged[key] = value if old is _MISSING else combine(old, value)
    return merged


def _kept(table: dict, keep, finish) -> dict:
    if finish is not None:
        table = {key: finish(value) for key, value in table.items()}
    return table if keep is None else {key: value for key, value in table.items() if keep(value)}
