"""clean_corpus (phases on an engine) gives the streaming run's lines, removals and stats."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleantext import Dedup, Pipeline, Stage, StripDebris, default_pipeline, split_lines
from cleantext.phased import clean_corpus, summed_stats
from cleantext.phases.engines import DaskEngine, InProcess
from cleantext.stages import debris

SENTENCES = [
    "Paragraph one of the story says that the council met on Tuesday and that the vote was close.",
    "The ferry company said that fares would rise in the spring because fuel had become expensive.",
    "Residents who spoke at the meeting asked for a second bridge across the river near the school.",
    "The mayor is not guilty of anything, her lawyer said outside the court on Friday afternoon.",
]
CHROME = ["Skip to content", "Home", "News", "Sport", "Our Newsroom", "Write to the Editor", "Share on Facebook",
          "Related stories", "© 2025 Town News. All rights reserved.", "Reader Letters"]
CODE = ["```", "    return value", "}", "def main():", "    x = compute(1, 2)"]


def _typo(sentence: str, where: int, letter: str) -> str:
    where %= len(sentence)
    return sentence[:where] + letter + sentence[where + 1:]


LINE = st.one_of(
    st.sampled_from(SENTENCES),
    st.builds(_typo, st.sampled_from(SENTENCES), st.integers(0, 200), st.sampled_from("xq ,")),
    st.builds("Add {} g of flour to the bowl and stir it well for a minute.".format, st.integers(1, 3)),
    st.builds("Paragraph {} of the story: the vote was close, as many in the town expected.".format,
              st.integers(1, 4)),
    st.sampled_from(CHROME),
    st.sampled_from(CODE),
    st.sampled_from(["", "", "   "]),
    st.sampled_from(["Yes.", "Yes!", "yes", "THE MAYOR IS NOT GUILTY OF ANYTHING, HER LAWYER SAID OUTSIDE THE COURT "
                                         "ON FRIDAY AFTERNOON"]),
)
CORPUS = st.lists(st.lists(LINE, max_size=14).map(lambda lines: "\n".join(lines) + "\n"), max_size=8)

DEBRIS = StripDebris(repeated_in=2)
PIPELINES = {
    "dedup-90": Pipeline([Dedup(scope="corpus")]),
    "dedup-85-short": Pipeline([Dedup(scope="corpus", threshold=85, min_length=5)]),
    "dedup-70": Pipeline([Dedup(scope="corpus", threshold=70)]),
    "dedup-100": Pipeline([Dedup(scope="corpus", threshold=100, min_length=0)]),
    "repeated-in": Pipeline([DEBRIS]),
    "clean": default_pipeline(strip_debris=DEBRIS, dedup=Dedup(scope="corpus")),
}


def _documents(texts: list[str], keys=None, sites=None) -> list:
    keys = list(range(len(texts))) if keys is None else keys
    if sites is None:
        return [(key, split_lines(text, f"doc{n}")) for n, (key, text) in enumerate(zip(keys, texts))]
    return [(key, split_lines(text, f"doc{n}"), site) for n, (key, text, site) in enumerate(zip(keys, texts, sites))]


def _view(lines) -> list:
    return [(line.number, line.source, line.text, line.ending, line.removed) for line in lines]


def streaming(pipeline: Pipeline, texts: list[str], sites=None) -> tuple[list, list]:
    run = pipeline.start()
    sites = [None] * len(texts) if sites is None else sites
    documents = [_view(run.process(lines, site)) for (_, lines), site in zip(_documents(texts), sites)]
    return documents, [stats.as_dict() for stats in run.stats]


def phased(pipeline: Pipeline, texts: list[str], engine, keys=None, sites=None) -> tuple[list, list]:
    results = engine.collect(clean_corpus(pipeline, engine.collection(_documents(texts, keys, sites)), engine))
    assert [key for key, _, _ in results] == (list(range(len(texts))) if keys is None else keys)
    assert all(len(stats) == len(pipeline.stages) for _, _, stats in results)
    return [_view(lines) for _, lines, _ in results], [stats.as_dict() for stats in summed_stats(pipeline, results)]


@pytest.mark.parametrize("name", PIPELINES)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=CORPUS)
def test_in_process_phases_equal_the_streaming_run(name, texts):
    pipeline = PIPELINES[name]
    assert phased(pipeline, texts, InProcess()) == streaming(pipeline, texts)


SITED = st.lists(st.tuples(st.lists(LINE, max_size=14).map(lambda lines: "\n".join(lines) + "\n"),
                           st.sampled_from(["a.com", "b.com", None])), max_size=10)


@pytest.mark.parametrize("name", ["repeated-in", "clean"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents=SITED)
def test_in_process_phases_with_sites_equal_the_streaming_run(name, documents):
    pipeline = PIPELINES[name]
    texts, sites = [text for text, _ in documents], [site for _, site in documents]
    assert phased(pipeline, texts, InProcess(), sites=sites) == streaming(pipeline, texts, sites)


def _site_pages(seed: int, count: int) -> list[str]:
    """Pages of two sites sharing chrome, with repeated, near-duplicate and numbered lines."""
    rng = random.Random(seed)
    pages = []
    for n in range(count):
        chrome = CHROME[: 6 + n % 2 * 3]
        body = [rng.choice(SENTENCES) if rng.random() < 0.3 else _typo(rng.choice(SENTENCES), rng.randrange(90), "z")
                for _ in range(rng.randint(2, 5))]
        body += [f"Add {rng.randint(1, 4)} g of flour to the bowl and stir it well for a minute.", "", *CODE[:3], "```"]
        pages.append("\n".join(chrome[:4] + [""] + body + [""] + chrome[4:]) + "\n")
    return pages


FIXED = [_site_pages(seed, count) for seed, count in ((1, 6), (2, 12), (3, 20))]


@pytest.mark.parametrize("name", ["dedup-90", "dedup-70", "repeated-in", "clean"])
def test_dask_phases_on_the_synchronous_scheduler_equal_the_streaming_run(name):
    import dask

    pipeline = PIPELINES[name]
    with dask.config.set(scheduler="synchronous"):
        for texts in FIXED:
            keys = [("shard", n) for n in range(len(texts))]  # any sortable order keys
            assert phased(pipeline, texts, DaskEngine(partitions=4), keys) == streaming(pipeline, texts)


def test_dask_phases_with_sites_on_the_synchronous_scheduler_equal_the_streaming_run():
    import dask

    pipeline = PIPELINES["repeated-in"]
    with dask.config.set(scheduler="synchronous"):
        for texts in FIXED:
            sites = [("a.com", "b.com", None)[n % 3] for n in range(len(texts))]
            expected = streaming(pipeline, texts, sites)
            assert expected != streaming(pipeline, texts)  # per site counts differ from whole-run counts
            assert phased(pipeline, texts, DaskEngine(partitions=4), sites=sites) == expected


def test_dask_phases_on_two_worker_processes_equal_the_streaming_run():
    from distributed import Client, LocalCluster

    texts = FIXED[2]
    pipeline = PIPELINES["clean"]
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster):
        assert phased(pipeline, texts, DaskEngine(partitions=3)) == streaming(pipeline, texts)


def test_repeated_in_counts_do_not_depend_on_how_many_lines_the_run_remembers(monkeypatch):
    # Before: past MAX_ENTRIES distinct lines the run forgot lines seen in one document,
    # so a menu line's count (and its removal) depended on the other lines of the run.
    texts = _site_pages(7, 8)
    pipeline = Pipeline([StripDebris(repeated_in=2)])
    expected = streaming(pipeline, texts)
    assert any("earlier documents" in (line[4].detail if line[4] else "") for page in expected[0] for line in page)
    monkeypatch.setattr(debris._RunMemo, "MAX_ENTRIES", 3)
    assert streaming(pipeline, texts) == expected


def test_a_cross_document_stage_without_phases_runs_on_the_driver_in_order():
    class Numbered(Stage):  # a stage the phases do not know: lines numbered across documents
        name = "numbered"

        @property
        def cross_document(self) -> bool:
            return True

        def start(self):
            seen = iter(range(10**6))

            def clean(lines):
                for line in lines:
                    line.text = f"{next(seen)} {line.text}"
                    yield line
            return clean

    pipeline = Pipeline([Numbered()])
    texts = ["a\nb\n", "c\n", "d\ne\n"]
    assert phased(pipeline, texts, InProcess(), keys=[0, 1, 2]) == streaming(pipeline, texts)


def test_every_phase_keeps_the_partitions_so_each_still_holds_its_own_documents():
    # The Dask executor writes each input from its partition after the last phase:
    # a phase that regrouped documents (the driver fallback once did) mixed inputs.
    import dask

    class Driven(Stage):  # no phases: runs on the driver
        name = "driven"

        @property
        def cross_document(self) -> bool:
            return True

        def start(self):
            return lambda lines: iter(lines)

    texts = FIXED[1]
    engine = DaskEngine()
    groups = [[((n // 5, n), split_lines(texts[n], f"doc{n}")) for n in range(start, min(start + 5, len(texts)))]
              for start in range(0, len(texts), 5)]
    pipeline = Pipeline([Dedup(scope="corpus", threshold=70), StripDebris(repeated_in=2), Driven()])
    with dask.config.set(scheduler="synchronous"):
        cleaned = clean_corpus(pipeline, engine.partitioned(groups), engine)
        partitions = dask.compute(*cleaned.to_delayed())
    assert [[item[0] for item in partition] for partition in partitions] == \
        [[key for key, _ in group] for group in groups]
    items = [item for partition in partitions for item in partition]
    assert ([_view(lines) for _, lines, _ in items], [stats.as_dict() for stats in summed_stats(pipeline, items)]) \
        == streaming(pipeline, texts)


def test_importing_the_package_and_the_phases_does_not_import_dask():
    code = "import sys, cleantext, cleantext.phased; cleantext.clean('a'); print('dask' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"


def test_a_family_of_template_lines_crowding_the_band_buckets_is_judged_as_streaming_judges_it():
    # More kept lines share band keys than the index offers as candidates (DEPTH per key).
    rng = random.Random(5)
    names = ["John Smith", "Jane Doe", "Ann Lee", "Bob Stone", "Carl Wu", "Dina Roe", "Eve Park", "Fay Moss"]
    texts = []
    for _ in range(120):
        lines = []
        for _ in range(rng.randint(1, 12)):
            line = f"Copyright 2009 {rng.choice(names)} Media Group, all rights kept by the owner"
            if rng.random() < 0.5:
                where = rng.randrange(len(line))
                line = line[:where] + rng.choice("abxz") + line[where + 1:]
            lines.append(line if rng.random() < 0.8 else rng.choice(CHROME + [""]))
        texts.append("\n".join(lines) + "\n")
    for threshold in (95, 90, 80, 75):
        pipeline = Pipeline([Dedup(scope="corpus", threshold=threshold)])
        expected = streaming(pipeline, texts)
        assert sum(line[4].rule == "near-duplicate" for page in expected[0] for line in page if line[4]) > 100
        assert phased(pipeline, texts, InProcess()) == expected


def test_the_dask_engine_without_dask_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "dask.bag", None)  # what an install without the extra looks like
    with pytest.raises(ImportError, match=r"pip install 'cleantext-cli\[dask\]'"):
        DaskEngine()


@pytest.mark.parametrize("engine", [InProcess(), DaskEngine(partitions=2)], ids=["in-process", "dask"])
def test_tasks_leave_their_input_alone_so_a_rerun_gives_the_same_result(engine):
    import dask

    pipeline = PIPELINES["clean"]
    with dask.config.set(scheduler="synchronous"):
        documents = engine.persist(engine.collection(_documents(FIXED[0])))
        first = engine.collect(clean_corpus(pipeline, documents, engine))
        again = engine.collect(clean_corpus(pipeline, documents, engine))  # as a retried task would see it
        untouched = engine.collect(documents)
    assert [_view(lines) for _, lines, _ in again] == [_view(lines) for _, lines, _ in first]
    assert any(line.removed for _, lines, _ in first for line in lines)
    assert not any(line.removed for _, lines in untouched for line in lines)


def test_lines_too_long_to_compare_are_matched_exactly_in_phases_as_when_streaming():
    # Dedup matches a line over EXACT_ONLY_LENGTH characters exactly only; the phases
    # must not find it a near-duplicate of a copy that differs in case.
    from cleantext.stages.dedup import EXACT_ONLY_LENGTH

    long_line = ("Word " * (EXACT_ONLY_LENGTH // 5 + 10)).strip()
    texts = [long_line + "\nshort one\n", long_line.upper() + "\nshort one\n" + long_line + "\n"]
    pipeline = Pipeline([Dedup(scope="corpus")])
    expected = streaming(pipeline, texts)
    assert [line[4].rule for line in expected[0][1] if line[4]] == ["exact-duplicate", "exact-duplicate"]
    assert phased(pipeline, texts, InProcess()) == expected
