"""The process pool's own machinery: batches of files, cleaned bytes handed back in
memory or through a file, what the workers are given before they start, how they start,
and the main process's share of the work."""

import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import group_alive
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import cleantext.batch.clean as batch_clean
import cleantext.executors.pool as pool
from cleantext import Dedup, FixEncoding, Pipeline, StripDebris
from cleantext.__main__ import _stages_with_workers
from cleantext.batch import Options
from cleantext.batch.clean import HandOff, clean_task, copy_spool
from cleantext.batch.plan import Task
from cleantext.cli import cli

PAGE = "Title {n}\n\nTitle {n}\n\ncafÃ© &amp; bar number {n}, open daily.\nRead more\nShare on Facebook\n"


def _tasks(sizes, stdin_at=()):
    return [Task(n, "-" if n in stdin_at else f"f{n}.txt", f"f{n}.txt", size=size) for n, size in enumerate(sizes)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 3 << 20), max_size=300), st.integers(1, 8), st.sets(st.integers(0, 299), max_size=5))
def test_batches_keep_every_task_once_in_order_and_bounded(sizes, jobs, stdin_at):
    tasks = _tasks(sizes, stdin_at)
    batches = list(pool.batches(tasks, jobs))
    assert [task for batch in batches for task in batch] == tasks
    for batch in batches:
        assert batch and len(batch) <= pool.BATCH_FILES
        assert sum(task.size for task in batch[:-1]) < pool.BATCH_BYTES  # only its last file takes it past
        if any(task.source == "-" for task in batch):
            assert len(batch) == 1  # standard input is cleaned by the main process, alone


def test_batches_shrink_as_the_work_left_does():
    batches = list(pool.batches(_tasks([10_000] * 400), 2))
    assert len(batches[0]) > len(batches[-2]) >= pool.BATCH_MIN_BYTES // 10_000
    assert len(batches) < 400 / 4  # far fewer round trips than files


def test_many_small_batches_give_the_same_bytes_as_one_process(tmp_path, monkeypatch):
    monkeypatch.setattr(pool, "BATCH_MIN_BYTES", 1)  # a batch per file or two
    root = tmp_path / "in"
    root.mkdir()
    for n in range(30):
        (root / f"p{n:02d}.txt").write_text(PAGE.format(n=n % 7) * (1 + n % 4))
    (root / "p15.txt").write_bytes(b"\x00\x01\x02\x03" * 50)  # fails in the middle, named
    outputs = {}
    for jobs in ("1", "2"):
        where = tmp_path / f"j{jobs}"
        where.mkdir()
        done = CliRunner().invoke(cli, ["clean", str(root), "-j", jobs, "-o", str(where / "all.txt"),
                                        "--removed", str(where / "removed.tsv")])
        outputs[jobs] = (done.exit_code, done.stderr, (where / "all.txt").read_bytes(),
                         (where / "removed.tsv").read_bytes())
    assert outputs["1"] == outputs["2"]
    assert outputs["1"][0] == 1 and "p15.txt: looks like binary data" in outputs["1"][1]


def test_hand_off_keeps_small_output_in_memory_and_moves_large_output_to_a_file(tmp_path, monkeypatch):
    monkeypatch.setattr(batch_clean, "HAND_OFF_MEMORY", 100)
    small = HandOff(str(tmp_path))
    small.write(b"a" * 60)
    assert small.handed_off() == b"a" * 60 and list(tmp_path.iterdir()) == []
    large = HandOff(str(tmp_path))
    for _ in range(5):
        large.write(b"b" * 60)
    path = large.handed_off()
    assert isinstance(path, str) and open(path, "rb").read() == b"b" * 300
    written = []
    copy_spool(path, written.append)
    assert b"".join(written) == b"b" * 300 and not os.path.exists(path)


def test_a_task_cleaned_for_another_process_carries_the_same_bytes_either_way(tmp_path, monkeypatch):
    page = tmp_path / "page.txt"
    page.write_text(PAGE.format(n=1) * 40)
    options = Options(removed=str(tmp_path / "removed.tsv"))
    pipeline = Pipeline([FixEncoding(), StripDebris(), Dedup()])

    def handed(limit):
        monkeypatch.setattr(batch_clean, "HAND_OFF_MEMORY", limit)
        outcome = clean_task(pipeline.start(), Task(0, str(page), str(page), size=1), options, str(tmp_path))
        text, removed = [], []
        kinds = (type(outcome.text), type(outcome.removed))
        copy_spool(outcome.text, text.append)
        copy_spool(outcome.removed, removed.append)
        return kinds, b"".join(text), b"".join(removed)

    in_memory, through_files = handed(1 << 20), handed(10)
    assert in_memory[0] == (bytes, bytes) and through_files[0] == (str, str)
    assert in_memory[1:] == through_files[1:] and b"cafe" not in in_memory[1] and b"Read more" in in_memory[2]
    assert [p for p in tmp_path.iterdir() if p.suffix == ".spool"] == []


def test_the_forkserver_imports_each_stage_module_and_its_libraries():
    names = pool.worker_imports(Pipeline([FixEncoding(), Dedup()]))
    assert names[0] == "cleantext.executors.pool"
    assert {"cleantext.stages.encoding", "ftfy", "cleantext.stages.dedup", "rapidfuzz.process", "numpy"} <= set(names)
    assert "regex" not in names and len(names) == len(set(names))


def test_workers_are_asked_for_by_jobs_above_one_in_any_spelling():
    assert _stages_with_workers(["clean", "dir", "-j", "2"]) == {"clean"}
    assert _stages_with_workers(["-j4", "dedup", "a", "b"]) == {"dedup"}
    assert _stages_with_workers(["--jobs=3", "fix-encoding", "strip-debris", "x"]) == {"fix-encoding", "strip-debris"}
    assert _stages_with_workers(["clean", "--jobs", "2", "-i", "x"]) == {"clean"}
    for args in (["clean", "-j", "1"], ["clean", "dir"], ["clean", "-j"], ["clean", "-j", "x"],
                 ["clean", "-j", "2", "--engine", "dask"]):
        assert _stages_with_workers(args) == set(), args


def test_a_run_that_asked_for_workers_but_needs_none_leaves_no_process_behind():
    """`-j 2` on standard input: no worker is used (where workers come from a forkserver,
    it starts early), and nothing of the command outlives it."""
    process = subprocess.Popen([sys.executable, "-m", "cleantext", "clean", "-j", "2"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    out, err = process.communicate(PAGE.format(n=1).encode(), timeout=60)
    assert process.returncode == 0, err
    assert out == b"Title 1\n\ncaf\xc3\xa9 & bar number 1, open daily.\n" and err == b""
    deadline = time.monotonic() + 10
    while group_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not group_alive(process.pid), "a helper process outlived the command"


def _process(pid: int) -> tuple[int, int, bytes] | None:
    """(parent pid, process group, memory map) of a running process, or None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        with open(f"/proc/{pid}/maps", "rb") as maps:
            return int(fields[1]), int(fields[2]), maps.read()
    except (OSError, ValueError, IndexError):
        return None


def _starting_workers(pid: int, moment: str) -> bool:
    """Whether the command `pid` (a process group leader) is at `moment`: "importing"
    (its main process, or the forkserver, has loaded `regex`'s extension module, which
    it imports for the workers; rapidfuzz and numpy come next) or "forked" (a worker
    exists)."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == pid and moment == "forked":
            continue
        found = _process(int(entry))
        if found is None or found[1] != pid:
            continue
        if moment == "importing" and b"_regex" in found[2]:
            return True
        if moment == "forked" and found[0] == pid:
            return True
    return False


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="watches the processes through /proc")
@pytest.mark.parametrize("moment", ["importing", "forked"])
def test_ctrl_c_while_the_workers_start_is_one_line_not_a_traceback(tmp_path, moment):
    """Ctrl-C reaches the whole process group while the modules the workers need are
    imported, or a worker has just been forked: a forkserver still importing used to die
    of it printing a KeyboardInterrupt traceback, and a worker forked with the main
    process's handlers would act on it as the main process."""
    root = tmp_path / "in"
    root.mkdir()
    for n in range(40):
        (root / f"p{n}.txt").write_text(PAGE.format(n=n) * 400)
    out = tmp_path / "out.txt"
    process = subprocess.Popen([sys.executable, "-m", "cleantext", "clean", str(root), "-j", "2", "-o", str(out)],
                               stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 30
    while not _starting_workers(process.pid, moment) and time.monotonic() < deadline:
        assert process.poll() is None, "the command ended before the moment came"
        time.sleep(0.001)
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert b"Traceback" not in err and b"KeyboardInterrupt" not in err, err.decode()
    assert process.returncode == 130 and err.count(b"\n") == 1, err.decode()
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["in"]
    deadline = time.monotonic() + 10
    while group_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not group_alive(process.pid), "a worker outlived the command"


def test_what_the_main_process_buffered_is_written_once_when_workers_fork(tmp_path):
    """`--removed -` writes its header to standard error before the workers start; a
    worker forked with it still buffered would write it a second time when it ends
    (multiprocessing flushes the standard streams before it forks)."""
    root = tmp_path / "in"
    root.mkdir()
    for n in range(6):
        (root / f"p{n}.txt").write_text(PAGE.format(n=n) * 20)
    done = subprocess.run([sys.executable, "-m", "cleantext", "clean", str(root), "-j", "2", "-q", "--removed", "-"],
                          capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr.count(b"source\tline\tstage") == 1 and done.stderr.count(b"\tRead more\n") == 6 * 20
    one = subprocess.run([sys.executable, "-m", "cleantext", "clean", str(root), "-j", "1", "-q", "--removed", "-"],
                         capture_output=True, timeout=60)
    assert (done.stdout, done.stderr) == (one.stdout, one.stderr)


def test_the_main_process_cleans_batches_while_the_worker_cleans_the_oldest(tmp_path, monkeypatch):
    """With `-j 2` one worker process cleans next to the main process, which takes the
    next batch of the plan while the oldest is still in the worker's hands."""
    from cleantext.executors.local import InProcess

    monkeypatch.setattr(pool, "BATCH_MIN_BYTES", 1)  # a batch per file or two
    root = tmp_path / "in"
    root.mkdir()
    for n in range(24):
        (root / f"p{n:02d}.txt").write_text(PAGE.format(n=n) * (40 + n))
    here: list[str] = []
    clean = InProcess.clean

    def counted(self, task, direct=False):
        here.append(task.name)
        return clean(self, task, direct)

    monkeypatch.setattr(InProcess, "clean", counted)
    outputs = {}
    for jobs in ("2", "1"):
        done = CliRunner().invoke(cli, ["clean", str(root), "-j", jobs, "--removed", str(tmp_path / f"r{jobs}")])
        outputs[jobs] = (done.exit_code, done.stdout_bytes, (tmp_path / f"r{jobs}").read_bytes())
        if jobs == "2":
            assert 0 < len(here) < 24 and len(set(here)) == len(here)  # a share, each file once
    assert outputs["2"] == outputs["1"] and outputs["1"][0] == 0


def test_workers_fork_from_the_main_process_only_when_no_other_thread_runs():
    """Checked in a fresh interpreter: this one may run threads other tests left."""
    script = ("import threading, cleantext.executors.pool as pool\n"
              "alone = pool.start_method()\n"
              "release = threading.Event()\n"
              "other = threading.Thread(target=release.wait)\n"
              "other.start()\n"
              "print(alone, pool.start_method())\n"
              "release.set()\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    alone = "fork" if sys.platform.startswith("linux") else "forkserver"
    assert done.stdout.split() == [alone, "forkserver"], done.stderr  # forking a threaded process is unsafe


def test_workers_from_a_forkserver_give_the_bytes_of_one_process(tmp_path, monkeypatch):
    """The path for other platforms and threaded callers: the forkserver imports what the
    workers need, the main process cleans its share after importing it itself."""
    monkeypatch.setattr(pool, "BATCH_MIN_BYTES", 1)
    monkeypatch.setattr(pool, "start_method", lambda: "forkserver")
    root = tmp_path / "in"
    root.mkdir()
    for n in range(12):
        (root / f"p{n:02d}.txt").write_text(PAGE.format(n=n % 5) * (1 + n % 3))
    outputs = {}
    for jobs in ("2", "1"):
        done = CliRunner().invoke(cli, ["clean", str(root), "-j", jobs, "--removed", str(tmp_path / f"r{jobs}")])
        outputs[jobs] = (done.exit_code, done.stdout_bytes, (tmp_path / f"r{jobs}").read_bytes())
    assert outputs["2"] == outputs["1"] and outputs["1"][0] == 0 and b"Read more" in outputs["1"][2]


def test_the_main_process_cleans_at_most_main_ahead_batches_while_a_worker_lags(tmp_path):
    """The worker holds its first batch until the main process has cleaned `MAIN_AHEAD`
    batches; the main process must then wait for it rather than clean a fifth. Run in a
    fresh interpreter, whose worker is forked with the held batch patched in."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the held batch is patched into a forked worker")
    root = tmp_path / "in"
    root.mkdir()
    for n in range(20):
        (root / f"p{n:02d}.txt").write_text(PAGE.format(n=n))
    script = f"""
import multiprocessing
import cleantext.executors.pool as pool
from cleantext import Dedup, Pipeline
from cleantext.batch import Options
from cleantext.batch.plan import plan_batch
from cleantext.executors.local import InProcess

release = multiprocessing.get_context("fork").Event()
held = pool._work_batch


def hold_first(tasks):
    if tasks[0].index == 0:
        release.wait(60)
    return held(tasks)


pool._work_batch, pool.BATCH_FILES = hold_first, 1
here = []
clean = InProcess.clean


def counted(self, task, direct=False):
    here.append(task.index)
    if len(here) == pool.MAIN_AHEAD:
        release.set()
    return clean(self, task, direct)


InProcess.clean = counted
options = Options(jobs=2)
executor = pool.ProcessPool(Pipeline([Dedup()]), options, 2)
order = []
try:
    for outcome in executor.outcomes(plan_batch([{str(root)!r}], options, print)):
        if not order:
            print("ahead", len(here))
        order.append(outcome.task.index)
finally:
    executor.close()
print("order", order == sorted(order) and len(order), "here", here[:pool.MAIN_AHEAD])
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"ahead {pool.MAIN_AHEAD}"
    # batches 0 and 1 went to the worker, the next ones to the main process
    assert lines[1] == f"order 20 here {list(range(2, 2 + pool.MAIN_AHEAD))}"


def test_the_forkserver_starts_early_only_where_workers_come_from_it(monkeypatch):
    from multiprocessing import forkserver

    started = []
    monkeypatch.setattr(pool, "_start_forkserver", lambda context: started.append(context.get_start_method()))
    monkeypatch.setattr(pool, "start_method", lambda: "fork")
    pool.start_forkserver_early({"clean"})
    assert started == []  # workers fork from the main process: no server to start
    monkeypatch.setattr(pool, "start_method", lambda: "forkserver")
    monkeypatch.setattr(forkserver, "set_forkserver_preload", lambda names: started.append(tuple(names)))
    pool.start_forkserver_early({"dedup"})
    assert started[-1] == "forkserver" and "cleantext.stages.dedup" in started[0]
    assert "cleantext.stages.debris" not in started[0]  # only the stages asked for
