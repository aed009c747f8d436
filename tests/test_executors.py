"""The same corpus through every executor gives the same bytes: in-process, the local
process pool (-j 2) and Dask (its synchronous scheduler, and one real two-process
LocalCluster)."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

import cleantext.batch.plan as plan
from cleantext import default_pipeline
from cleantext.batch import Options, run_batch
from cleantext.cli import cli

SAMPLES = ["blog-post.txt", "news-article.txt", "template-errors.txt", "mojibake.txt"]
EXECUTORS = {"in-process": ["-j", "1"], "pool": ["-j", "2"], "dask": ["--engine", "dask", "--scheduler", "synchronous"]}


@pytest.fixture
def text_corpus(tmp_path):
    root = tmp_path / "pages"
    (root / "b").mkdir(parents=True)
    for n, name in enumerate(SAMPLES):
        text = (plan_root() / name).read_bytes()
        (root / ("b" if n % 2 else "") / name).write_bytes(text)
    (root / "b" / "zz-binary.txt").write_bytes(b"\x00\x01\x02\x03" * 100)  # fails, named, in every executor
    return root


def plan_root():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture
def jsonl_corpus(tmp_path, monkeypatch):
    """One JSON Lines file big enough to be cut into several slices (shards)."""
    monkeypatch.setattr(plan, "SHARD_BYTES", 4000)
    pages = [(plan_root() / name).read_text(encoding="utf-8") for name in SAMPLES]
    path = tmp_path / "pages.jsonl"
    with open(path, "wb") as out:
        for n in range(60):
            if n == 17:
                out.write(b"not json at all\n")
            elif n == 33:
                out.write(b'{"id": 33, "text": "bad \xff byte\\nShare on Facebook\\n"}\n')
            else:
                record = {"id": n, "site": f"s{n % 3}", "text": pages[n % len(pages)]}
                out.write((json.dumps(record, ensure_ascii=False) + "\n").encode())
    assert len(plan.shard_tasks([plan.Task(0, str(path), str(path), size=path.stat().st_size)],
                                Options(jsonl=True), 2)) >= 4
    return path


def _normalized_stats(path):
    stats = json.loads(path.read_text())
    stats["seconds"] = stats["jobs"] = 0
    for entry in stats["files"]:
        entry["seconds"] = 0
        if "output" in entry:
            entry["output"] = entry["output"].rsplit("/", 2)[-2:]
    return stats


def _run_all(tmp_path, arguments):
    """Run `arguments` with each executor; the outputs, removed lines, stats, stderr and exit code."""
    results = {}
    for executor, flags in EXECUTORS.items():
        where = tmp_path / executor
        where.mkdir()
        args = [a.replace("{out}", str(where)) for a in arguments]
        done = CliRunner().invoke(cli, ["clean", *args, *flags, "--removed", str(where / "removed.tsv"),
                                        "--stats", str(where / "stats.json")])
        files = {str(p.relative_to(where)): p.read_bytes() for p in sorted(where.rglob("*"))
                 if p.is_file() and p.name not in ("stats.json",)}
        results[executor] = (done.exit_code, done.stdout, done.stderr.replace(str(where), "OUT"), files,
                             _normalized_stats(where / "stats.json"))
    return results


def _assert_same(results):
    first = results["in-process"]
    assert first[3], "something was written"
    for executor, result in results.items():
        assert result[0] == first[0], executor
        assert result[1] == first[1], executor
        assert result[2] == first[2], executor
        assert result[3] == first[3], executor
        assert result[4] == first[4], executor


def test_every_executor_writes_the_same_shared_output(tmp_path, text_corpus):
    results = _run_all(tmp_path, [str(text_corpus), "-o", "{out}/all.txt"])
    _assert_same(results)
    exit_code, _, stderr, files, stats = results["in-process"]
    assert exit_code == 1 and "zz-binary.txt: looks like binary data" in stderr
    assert stats["totals"]["files"] == 5 and stats["totals"]["failed"] == 1


def test_every_executor_writes_the_same_files_per_input(tmp_path, text_corpus):
    results = _run_all(tmp_path, [str(text_corpus), "--output-dir", "{out}/clean"])
    _assert_same(results)
    files = results["in-process"][3]
    assert "clean/b/news-article.txt" in files and "clean/b/zz-binary.txt" not in files


def test_every_executor_cleans_a_large_jsonl_file_in_slices_the_same(tmp_path, jsonl_corpus):
    results = _run_all(tmp_path, [str(jsonl_corpus), "--jsonl", "-o", "{out}/pages.jsonl"])
    _assert_same(results)
    exit_code, _, stderr, files, stats = results["in-process"]
    assert exit_code == 0
    assert f"{jsonl_corpus}: invalid UTF-8 on line 34" in stderr
    assert f"{jsonl_corpus}: line 18: invalid JSON" in stderr
    assert stats["files"][0]["records"] == 60 and stats["files"][0]["bad_records"] == 1


def test_a_sliced_jsonl_file_with_its_own_output_file_is_written_whole(tmp_path, jsonl_corpus):
    results = _run_all(tmp_path, [str(jsonl_corpus), "--jsonl", "--output-dir", "{out}/clean"])
    _assert_same(results)
    assert results["pool"][3]["clean/pages.jsonl"] == results["in-process"][3]["clean/pages.jsonl"]


def test_two_jobs_share_one_large_jsonl_file(tmp_path, jsonl_corpus):
    stats = tmp_path / "stats.json"
    done = CliRunner().invoke(cli, ["clean", str(jsonl_corpus), "--jsonl", "-j", "2", "-o", str(tmp_path / "o"),
                                    "--stats", str(stats)])
    assert done.exit_code == 0, done.stderr
    report = json.loads(stats.read_text())
    assert report["jobs"] == 2 and len(report["files"]) == 1


def test_a_local_dask_cluster_of_two_processes_gives_the_same_bytes(tmp_path, text_corpus):
    """Document scope (a task per input) and corpus scope (phases whose partitions read
    and write their inputs on the workers) on one real cluster."""
    distributed = pytest.importorskip("distributed")
    from cleantext import Dedup, StripDebris
    from cleantext.executors.dask import run_on_dask

    (text_corpus / "again.txt").write_bytes((plan_root() / "news-article.txt").read_bytes())
    pipelines = {"document": default_pipeline(),
                 "corpus": default_pipeline(strip_debris=StripDebris(repeated_in=1), dedup=Dedup(scope="corpus"))}
    outputs = {}
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") \
            as cluster, distributed.Client(cluster) as client:
        for scope, pipeline in pipelines.items():
            for name, client_or_none in (("local", None), ("cluster", client)):
                where = tmp_path / scope / name
                where.mkdir(parents=True)
                options = Options(output_dir=str(where / "clean"), removed=str(where / "removed.tsv"))
                if client_or_none is None:
                    report = run_batch(pipeline, [str(text_corpus)], options, warn=lambda message: None)
                else:
                    report = run_on_dask(client, pipeline, [str(text_corpus)], options, warn=lambda message: None)
                outputs[scope, name] = (
                    {str(p.relative_to(where)): p.read_bytes() for p in where.rglob("*") if p.is_file()},
                    [f.as_dict() | {"seconds": 0, "output": None} for f in report.files], report.stats)
            assert report.jobs == 2
    for scope in pipelines:
        assert outputs[scope, "cluster"] == outputs[scope, "local"], scope
        assert len(outputs[scope, "local"][0]) == 6  # five cleaned pages and the removed-lines TSV
    assert outputs["corpus", "local"][0] != outputs["document", "local"][0]
    assert b"exact-duplicate" in outputs["corpus", "local"][0]["removed.tsv"]


def test_engine_dask_without_dask_installed_says_how_to_install(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Text.\n")
    code = ("import sys; sys.modules['distributed'] = None; sys.modules['dask'] = None\n"
            "from cleantext.cli import main; main()")
    done = subprocess.run([sys.executable, "-c", code, "clean", "--engine", "dask", str(page), "--output-dir",
                           str(tmp_path / "out")], capture_output=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.decode() == "cleantext: --engine dask needs Dask: pip install 'cleantext-cli[dask]'\n"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("output", [["-o", "{out}/all.txt"], ["--output-dir", "{out}/clean"]], ids=["shared", "per-input"])
def test_cross_document_stages_on_dask_with_a_failing_input_give_the_local_bytes(tmp_path, text_corpus, output):
    """The binary input is named once, exit 1, and no part of it is written, on Dask
    as locally; the partitions that write the other inputs are not disturbed."""
    (text_corpus / "again.txt").write_bytes((plan_root() / "news-article.txt").read_bytes())
    results = _run_all(tmp_path, [str(text_corpus), "--scope", "corpus", "--repeated-in", "2", *output])
    _assert_same(results)
    exit_code, _, stderr, files, stats = results["dask"]
    assert exit_code == 1 and stderr.count("zz-binary.txt") == 1 and stats["totals"]["failed"] == 1
    assert not any("zz-binary" in name or ".tmp" in name for name in files)


def test_cross_document_stages_on_dask_group_inputs_beyond_the_partition_limit(tmp_path, text_corpus, monkeypatch):
    import cleantext.executors.corpus as corpus

    monkeypatch.setattr(corpus, "MAX_PARTITIONS", 2)
    assert [len(group) for group in corpus.partition_tasks(list(range(5)))] == [3, 2]
    results = _run_all(tmp_path, [str(text_corpus), "--scope", "corpus", "--repeated-in", "1",
                                  "--output-dir", "{out}/clean"])
    _assert_same(results)
    assert results["dask"][0] == 1 and "clean/b/news-article.txt" in results["dask"][3]


def test_cross_document_stages_on_dask_clean_jsonl_inputs_like_the_local_run(tmp_path, jsonl_corpus):
    second = tmp_path / "more.jsonl"
    second.write_bytes(jsonl_corpus.read_bytes()[:3000] + b"\n")  # repeats the first records' pages
    results = _run_all(tmp_path, [str(jsonl_corpus), str(second), "--jsonl", "--scope", "corpus",
                                  "--repeated-in", "2", "--output-dir", "{out}/clean"])
    _assert_same(results)
    exit_code, _, stderr, files, stats = results["dask"]
    assert exit_code == 0 and f"{jsonl_corpus}: line 18: invalid JSON" in stderr
    assert "exact-duplicate" in files["removed.tsv"].decode() and len(stats["files"]) == 2


def test_cross_document_stages_on_dask_refuse_standard_input(tmp_path):
    done = CliRunner().invoke(cli, ["clean", "-", "--scope", "corpus", *EXECUTORS["dask"]], input="Text.\n")
    assert done.exit_code == 2 and done.stdout == ""
    assert done.stderr.endswith("\nError: stages that compare documents across inputs read standard input only "
                                "with --engine local; give file names.\n")


def test_cross_document_stages_on_dask_give_the_local_bytes(tmp_path, text_corpus):
    """Corpus-scope dedup and --repeated-in run as phases (cleantext.phased) on Dask,
    with the streaming run's output, removals and statistics."""
    pytest.importorskip("cleantext.phased")
    (text_corpus / "b" / "zz-binary.txt").unlink()
    (text_corpus / "again.txt").write_bytes((plan_root() / "news-article.txt").read_bytes())
    results = _run_all(tmp_path, [str(text_corpus), "--scope", "corpus", "--repeated-in", "1",
                                  "-o", "{out}/all.txt"])
    _assert_same(results)
    assert "exact-duplicate" in results["dask"][3]["removed.tsv"].decode()


def test_engine_dask_refuses_cross_document_stages_it_cannot_run(tmp_path, monkeypatch):
    import cleantext.executors.dask as on_dask

    monkeypatch.setattr(on_dask, "phases_available", lambda: False)
    page = tmp_path / "page.txt"
    page.write_text("Text.\n")
    for stage_options in (["--scope", "corpus"], ["--repeated-in", "2"]):
        done = CliRunner().invoke(cli, ["clean", str(page), *stage_options, "--engine", "dask",
                                        "--scheduler", "synchronous", "-o", str(tmp_path / "out.txt")])
        assert done.exit_code == 2
        assert done.stderr.startswith("cleantext: --engine dask cannot run stages that compare documents")
        assert done.stderr.count("\n") == 1
        assert not (tmp_path / "out.txt").exists()


@pytest.mark.parametrize("policy", ["pass", "skip"])
def test_an_input_of_only_bad_records_follows_the_policy_whole_or_in_slices(tmp_path, monkeypatch, policy):
    # No JSON object at all is not a wrong --text-field: the records are passed through
    # (or skipped) as the warning says, never silently dropped.
    monkeypatch.setattr(plan, "SHARD_BYTES", 4000)
    path = tmp_path / "bad.jsonl"
    rows = b"".join(b"not json %d\n" % n if n % 2 else b"[%d, 2]\n" % n for n in range(1500))
    path.write_bytes(rows)
    results = _run_all(tmp_path, [str(path), "--jsonl", "--on-bad-record", policy, "-o", "{out}/bad.jsonl"])
    _assert_same(results)
    exit_code, _, stderr, files, _ = results["in-process"]
    assert exit_code == 0
    assert files["bad.jsonl"] == (rows if policy == "pass" else b"")
    assert f"bad records {'passed through' if policy == 'pass' else 'skipped'}" in stderr


def _lines_in(value, seen=None) -> tuple[int, int]:
    """How many `Line`s `value` holds, however deeply (lists, tuples, dicts, objects),
    and how many lists of them (a document's lines)."""
    from cleantext.lines import Line

    seen = set() if seen is None else seen
    if id(value) in seen or isinstance(value, (str, bytes, int, float)) or value is None:
        return 0, 0
    seen.add(id(value))
    if isinstance(value, Line):
        return 1, 0
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    elif not isinstance(value, (list, tuple, set, frozenset)):
        return _lines_in(vars(value), seen) if hasattr(value, "__dict__") else (0, 0)
    counts = [_lines_in(item, seen) for item in value]
    lines = sum(count[0] for count in counts)
    listed = any(isinstance(item, Line) for item in value) and isinstance(value, list)
    return lines, sum(count[1] for count in counts) + listed


@pytest.mark.parametrize("threshold", ["100", "70"])
def test_cross_document_stages_on_dask_leave_the_documents_on_the_workers(tmp_path, text_corpus, monkeypatch,
                                                                            threshold):
    """The command reads no input and gets no document back: each partition (one per
    input) reads its input and writes it; what the command computes holds only the
    outcomes, the phases' tables and, for near-duplicates, the contested lines."""
    dask = pytest.importorskip("dask")
    import dask.base

    import cleantext.executors.corpus as corpus
    from cleantext.phases.engines import DaskEngine

    (text_corpus / "again.txt").write_bytes((plan_root() / "news-article.txt").read_bytes())
    received, partitions, read_in_tasks = [], [], []
    compute, partitioned, read = dask.base.compute, getattr(DaskEngine, "partitioned", None), corpus.corpus_documents

    def spying_compute(*args, **kwargs):
        results = compute(*args, **kwargs)
        received.append(results)
        return results

    def spying_partitioned(self, groups):
        partitions.append([[task.name for task in group] for group in groups])
        return partitioned(self, groups)

    def spying_read(task, options):
        read_in_tasks.append(any(frame.function == "execute_task" for frame in __import__("inspect").stack()))
        return read(task, options)

    monkeypatch.setattr(dask.base, "compute", spying_compute)
    monkeypatch.setattr(dask, "compute", spying_compute)
    monkeypatch.setattr(DaskEngine, "partitioned", spying_partitioned, raising=False)
    monkeypatch.setattr(DaskEngine, "collection", lambda self, items: pytest.fail("a collection built on the driver"))
    monkeypatch.setattr(corpus, "corpus_documents", spying_read)
    results = {}
    for executor in ("in-process", "dask"):
        where = tmp_path / executor
        where.mkdir()
        done = CliRunner().invoke(cli, ["clean", str(text_corpus), "--scope", "corpus", "--threshold", threshold,
                                        "--repeated-in", "1", "-o", str(where / "all.txt"), "--removed",
                                        str(where / "removed.tsv"), *EXECUTORS[executor]])
        results[executor] = (done.exit_code, done.stderr.replace(str(where), "OUT"),
                             (where / "all.txt").read_bytes(), (where / "removed.tsv").read_bytes())
    assert results["dask"] == results["in-process"]
    assert results["dask"][0] == 1 and results["dask"][1].count("zz-binary.txt") == 1

    assert len(partitions) == 1 and all(len(group) == 1 for group in partitions[0])  # one partition per input
    assert len(read_in_tasks) == len(partitions[0]) == 6 and all(read_in_tasks)  # each input once, in a task
    total_lines = sum(len(path.read_bytes().splitlines()) for path in text_corpus.rglob("*.txt"))
    reached = [_lines_in(result) for result in received]
    assert sum(lists for _, lists in reached) == 0  # never a document's lines
    if threshold == "100":  # no near-duplicate search: no line at all
        assert sum(lines for lines, _ in reached) == 0
    else:  # below 80 every long line is contested: those, one by one, for Dedup's judging
        assert 0 < sum(lines for lines, _ in reached) < total_lines
    assert isinstance(received[-1][0][0], corpus.Outcome)
