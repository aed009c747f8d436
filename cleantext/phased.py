"""Clean a whole corpus in phases, on any engine, with the streaming run's results.

`Run.process` cleans documents one after another and keeps what spans documents
(corpus-scope dedup, ``repeated_in``) in closures: one process, in order.
`clean_corpus` gets the same lines, texts, removals and per-stage statistics from an
`Engine` that may spread documents over many processes:

* runs of document-scope stages are one map over the documents;
* each cross-document stage is a job of phases (`phases.corpus_dedup`,
  `phases.repeated_lines`): a pure map extracts the evidence later decisions need,
  folds merge it by key (deterministically: "earlier" is the order of the documents'
  order keys, never the order tasks finish), and an apply map cleans each document
  with the merged evidence;
* a cross-document stage without such a job runs on the driver, in order.

>>> from cleantext import Dedup, Pipeline, split_lines
>>> from cleantext.phases.engines import InProcess
>>> documents = [(0, split_lines("Same line.\\nFirst page.\\n", "a")), (1, split_lines("Same line.\\n", "b"))]
>>> [(key, [line.removed.rule for line in lines if line.removed]) for key, lines, _ in
...  clean_corpus(Pipeline([Dedup(scope="corpus")]), documents, InProcess())]
[(0, []), (1, ['exact-duplicate'])]
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from .lines import Line
from .phases import fresh_lines
from .phases.engines import DaskEngine, Engine, InProcess
from .pipeline import Pipeline, Stage, StageStats, _counted

__all__ = ["clean_corpus", "Engine", "InProcess", "DaskEngine", "summed_stats"]

#: ``(order key, lines, statistics of each stage so far)``: a document between phases.
Item = tuple[Any, list[Line], list[StageStats]]


def clean_corpus(pipeline: Pipeline, documents: Any, engine: Engine) -> Any:
    """Clean `documents`, the engine's collection of ``(order_key, lines)`` in input order,
    or ``(order_key, lines, site)`` where documents name their site (None: no site),
    as `Run.process` takes it.

    Order keys must be sortable and ascending in input order. The input lines are
    left as they are (tasks clean copies). Returns the engine's
    collection of ``(order_key, lines, stats)``: the lines in the order the streaming
    run yields them, marked as it marks them, and one `StageStats` per stage of
    `pipeline` for that document (add them up with `summed_stats`).
    """
    stages = pipeline.stages
    sites = {}
    if any(stage.cross_document for stage in stages):
        documents = engine.persist(documents)  # read once: the sites come from the same copy
        sites = dict(engine.collect(engine.map_partitions(documents, _sites)))
    items = engine.map_partitions(documents, _with_empty_stats)
    start = 0
    while start < len(stages):
        stage = stages[start]
        if stage.cross_document:
            items = _cross_document_job(engine, stage, engine.persist(items), sites)
            start += 1
            continue
        end = start
        while end < len(stages) and not stages[end].cross_document:
            end += 1
        items = engine.map_partitions(items, partial(_run_document_stages, stages=stages[start:end]))
        start = end
    return items


def summed_stats(pipeline: Pipeline, results: Iterable[Item]) -> list[StageStats]:
    """One `StageStats` per stage: the sum over `results` (as a run's `stats` counts them)."""
    return StageStats.total((stats for _, _, stats in results), len(pipeline.stages))


def _with_empty_stats(documents: Iterable[tuple]) -> list[Item]:
    return [(order_key, list(lines), []) for order_key, lines, *_ in documents]


def _sites(documents: Iterable[tuple]) -> list[tuple[Any, str]]:
    """``(order_key, site)`` of the documents that name a site."""
    return [(document[0], document[2]) for document in documents if len(document) > 2 and document[2] is not None]


def _run_document_stages(items: Iterable[Item], *, stages: tuple[Stage, ...]) -> list[Item]:
    """Document-scope stages over each item, composed as `Run.process` composes them."""
    cleaners = [stage.start() for stage in stages]
    out = []
    for order_key, lines, stats in items:
        more = [StageStats() for _ in stages]
        stream = iter(fresh_lines(lines))
        for cleaner, stage_stats in zip(cleaners, more):
            stream = _counted(cleaner, stream, stage_stats)
        out.append((order_key, list(stream), [*stats, *more]))
    return out


def _cross_document_job(engine: Engine, stage: Stage, items: Any, sites: dict) -> Any:
    from .stages.debris import StripDebris
    from .stages.dedup import Dedup

    if type(stage) is Dedup:  # a subclass may judge differently: it runs on the driver
        from .phases import corpus_dedup

        return corpus_dedup.run(engine, stage, items)
    if type(stage) is StripDebris:
        from .phases import repeated_lines

        return repeated_lines.run(engine, stage, items, sites)
    return _on_driver(engine, stage, items, sites)


def _on_driver(engine: Engine, stage: Stage, items: Any, sites: dict) -> Any:
    """A cross-document stage without phases: every document through one cleaner, in
    order, on the driver; the results go back to the documents' own partitions."""
    cleaner = stage.start()
    for_site = getattr(cleaner, "for_site", None)
    out = {}
    for order_key, lines, stats in sorted(engine.collect(items), key=lambda item: item[0]):
        if for_site is not None:
            for_site(sites.get(order_key))
        stage_stats = StageStats()
        out[order_key] = (order_key, list(_counted(cleaner, iter(fresh_lines(lines)), stage_stats)),
                          [*stats, stage_stats])
    return engine.map_partitions(items, _replaced, engine.share(out))


def _replaced(items: Iterable[Item], cleaned: dict) -> list[Item]:
    return [cleaned[order_key] for order_key, _, _ in items]
