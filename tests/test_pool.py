"""The process pool's own machinery: batches of files, cleaned bytes handed back in
memory or through a file, what the forkserver imports, and its early start."""

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


def test_a_run_that_asked_for_workers_but_needs_none_ends_with_its_forkserver():
    """`-j 2` on standard input: the forkserver starts early, no worker is used, and
    nothing of the command outlives it."""
    process = subprocess.Popen([sys.executable, "-m", "cleantext", "clean", "-j", "2"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    out, err = process.communicate(PAGE.format(n=1).encode(), timeout=60)
    assert process.returncode == 0, err
    assert out == b"Title 1\n\ncaf\xc3\xa9 & bar number 1, open daily.\n" and err == b""
    deadline = time.monotonic() + 10
    while group_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not group_alive(process.pid), "a helper process outlived the command"


def _forkserver_importing(pgid: int) -> bool:
    """Whether the forkserver of the process group `pgid` has loaded `regex`'s extension
    module: it is then importing what the workers need (rapidfuzz and numpy come next)."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                command = cmdline.read()
            if int(fields[2]) != pgid or b"multiprocessing.forkserver" not in command:
                continue
            with open(f"/proc/{entry}/maps", "rb") as maps:
                return b"_regex" in maps.read()
        except OSError:
            continue
    return False


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="finds the forkserver through /proc")
def test_ctrl_c_while_the_forkserver_starts_is_one_line_not_a_traceback(tmp_path):
    """Ctrl-C reaches the whole process group, the forkserver too, while it still imports
    what the workers need: it used to die of it printing a KeyboardInterrupt traceback."""
    root = tmp_path / "in"
    root.mkdir()
    for n in range(8):
        (root / f"p{n}.txt").write_text(PAGE.format(n=n) * 50)
    out = tmp_path / "out.txt"
    process = subprocess.Popen([sys.executable, "-m", "cleantext", "clean", str(root), "-j", "2", "-o", str(out)],
                               stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 30
    while not _forkserver_importing(process.pid) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.002)
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert b"Traceback" not in err and b"KeyboardInterrupt" not in err, err.decode()
    assert process.returncode == 130 and err.count(b"\n") == 1, err.decode()
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["in"]
