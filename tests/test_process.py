"""The installed command in a real process: pipes, signals, exit codes, atomic outputs."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

COMMAND = [sys.executable, "-m", "cleantext"]
SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "news-article.txt"


def run(*args, **kwargs):
    return subprocess.run([*COMMAND, *args], capture_output=True, timeout=120, **kwargs)


def big_text(lines=60_000):
    """Lines that are neither duplicates nor near-duplicates of each other."""
    rng = random.Random(5)
    words = [f"w{n}" for n in range(5000)]
    return "".join("Line number " + " ".join(rng.choices(words, k=12)) + "\n"
                   for _ in range(lines)).encode()


def test_stdin_to_stdout():
    done = run("clean", input=SAMPLE.read_bytes())
    assert done.returncode == 0 and done.stderr == b""
    assert done.stdout == SAMPLE.with_name("news-article.expected.txt").read_bytes()


def test_closed_pipe_exits_quietly(tmp_path):
    source = tmp_path / "big.txt"
    source.write_bytes(big_text())
    with source.open("rb") as stdin:
        process = subprocess.Popen([*COMMAND, "dedup"], stdin=stdin, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
    first = process.stdout.readline()  # like `| head -1`
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == 141
    assert first.startswith(b"Line number w")
    assert b"Traceback" not in stderr and b"Exception" not in stderr


def test_interrupt_leaves_no_output_file(tmp_path):
    out = tmp_path / "out.txt"
    process = subprocess.Popen([*COMMAND, "clean", "-", "-o", str(out)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdin.write(b"Some text before the interrupt.\n" * 100)
    process.stdin.flush()
    deadline = time.monotonic() + 30
    while not any(tmp_path.iterdir()) and time.monotonic() < deadline:  # the temporary file
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    process.wait(timeout=60)  # stdin stays open: only the signal can end the run
    stderr = process.stderr.read()
    assert process.returncode == 130
    assert list(tmp_path.iterdir()) == []
    assert stderr == b"cleantext: interrupted; no output was written and no partial output was kept\n"  # one line


def test_interrupt_keeps_existing_output_intact(tmp_path):
    out = tmp_path / "out.txt"
    out.write_text("previous result\n")
    process = subprocess.Popen([*COMMAND, "clean", "-", "-o", str(out)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdin.write(b"new text\n")
    process.stdin.flush()
    deadline = time.monotonic() + 30
    while len(list(tmp_path.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    process.wait(timeout=60)
    assert process.returncode == 130
    assert out.read_text() == "previous result\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_missing_file_message_and_exit_code():
    done = run("clean", "no-such-file.txt")
    assert done.returncode == 1
    assert done.stderr.decode() == "cleantext: no-such-file.txt: no such file\n"


def test_usage_error_exit_code():
    assert run("dedup", "--threshold", "abc").returncode == 2


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX")
def test_crlf_and_invalid_bytes_round_trip_through_dedup(tmp_path):
    data = b"caf\xe9 line one\r\nline two\r\nline two\r\nno newline at end"
    done = run("dedup", input=data)
    assert done.returncode == 0
    assert done.stdout == b"caf\xe9 line one\r\nline two\r\nno newline at end"
    assert b"<stdin>" in done.stderr and b"invalid UTF-8" in done.stderr


def test_help_does_not_import_heavy_libraries():
    code = ("import sys; from cleantext.cli import cli; "
            "print(sorted(m for m in ('ftfy', 'rapidfuzz') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]"


def test_unexpected_error_is_one_line_with_its_own_exit_code(tmp_path):
    """A bug must not print a traceback; CLEANTEXT_DEBUG=1 brings it back."""
    plugin = tmp_path / "sitecustomize.py"  # make a stage fail from outside the package
    plugin.write_text("import cleantext.stages.encoding as e\n"
                      "def boom(self, text):\n    raise RuntimeError('simulated bug')\n"
                      "e.FixEncoding.fix = boom\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run([*COMMAND, "fix-encoding"], input=b"x\n", capture_output=True, env=env,
                          timeout=60)
    assert done.returncode == 70
    assert done.stderr.decode().count("\n") == 1 and b"simulated bug" in done.stderr
    assert b"Traceback" not in done.stderr
    debug = subprocess.run([*COMMAND, "fix-encoding"], input=b"x\n", capture_output=True,
                           env={**env, "CLEANTEXT_DEBUG": "1"}, timeout=60)
    assert b"Traceback" in debug.stderr


# --- issue 10: exit codes of full disks, closed streams, start-up signals; no hangs ---------

FULL = "/dev/full"


@pytest.mark.skipif(not os.path.exists(FULL), reason="needs /dev/full")
@pytest.mark.parametrize("args, named", [
    ((), "<stdout>"),
    (("-o", FULL), FULL),
    (("--removed", FULL), FULL),
    (("--stats", FULL), FULL),
])
def test_full_disk_is_an_output_error_naming_the_output(tmp_path, args, named):
    source = tmp_path / "a.txt"
    source.write_text("Same line.\nSame line.\n" * 3000)
    with open(FULL if not args else os.devnull, "wb") as stdout:
        done = subprocess.run([*COMMAND, "clean", str(source), *args], stdout=stdout, stderr=subprocess.PIPE,
                              timeout=120)
    assert done.returncode == 1, done.stderr
    assert done.stderr.decode() == f"cleantext: {named}: No space left on device\n"


def test_named_pipe_in_a_directory_is_skipped_not_waited_for(tmp_path):
    (tmp_path / "a.txt").write_text("Text.\n")
    os.mkfifo(tmp_path / "pipe.txt")
    done = subprocess.run([*COMMAND, "clean", str(tmp_path)], capture_output=True, timeout=20)
    assert done.returncode == 0 and done.stdout == b"Text.\n"
    assert b"pipe.txt: not a regular file" in done.stderr


def _closed(fd):
    return lambda: os.close(fd)


@pytest.mark.parametrize("fd, args, code, output", [
    (0, ("clean",), 1, b""),  # nothing to read: the input fails
    (0, ("clean", "{file}"), 0, b"Text.\n"),  # standard input is not needed
    (1, ("clean", "{file}"), 1, None),  # nowhere to write
    (1, ("clean", "{file}", "-o", "{out}"), 0, None),
    (2, ("clean", "{file}"), 0, b"Text.\n"),  # messages are lost, the work is done
    (2, ("clean", "{file}", "--removed", "-"), 1, b""),  # asked-for rows cannot be written
])
def test_closed_standard_streams(tmp_path, fd, args, code, output):
    source, out = tmp_path / "a.txt", tmp_path / "out.txt"
    source.write_text("Text.\n")
    args = [arg.format(file=source, out=out) for arg in args]
    streams = {"stdin": subprocess.DEVNULL, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    streams[("stdin", "stdout", "stderr")[fd]] = None
    done = subprocess.run([*COMMAND, *args], preexec_fn=_closed(fd), timeout=60, **streams)
    assert done.returncode == code, done.stderr
    if output is not None:
        assert done.stdout == output
    if fd != 2:
        assert b"Traceback" not in done.stderr and done.stderr.count(b"\n") <= 1
    if "-o" in args:
        assert out.read_text() == "Text.\n"


# Holds the import of click (the CLI's first heavy import) until a signal arrives, after
# telling the test it got there: a signal during start-up, every time.
_SLOW_START = """
import sys, time, runpy
class Hold:
    def find_spec(self, name, path=None, target=None):
        if name == "click":
            sys.meta_path.remove(self)
            sys.stdout.write("importing\\n"); sys.stdout.flush()
            time.sleep(30)
        return None
sys.meta_path.insert(0, Hold())
sys.argv = ["cleantext", "clean"]
runpy.run_module("cleantext", run_name="__main__", alter_sys=True)
"""


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_signal_during_start_up_is_an_interrupt(signum):
    process = subprocess.Popen([sys.executable, "-c", _SLOW_START], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.readline() == b"importing\n"
    process.send_signal(signum)
    assert process.wait(timeout=20) == 130
    stderr = process.stderr.read()
    assert b"Traceback" not in stderr and b"interrupted" in stderr


# --- interrupts at chosen moments: a sitecustomize sends the signal from inside -----------

def _hooked(tmp_path, code):
    """Environment that runs `code` (a sitecustomize) in the command's process."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text("import os, signal\n" + code)
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(hook), os.environ.get("PYTHONPATH")]))}


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_signal_during_final_clean_up_does_not_escape(tmp_path, signum):
    """The run is done and committed when the signal lands in the last clean-up: no
    traceback and no death by SIGINT (exit -2), which a single late signal used to cause."""
    env = _hooked(tmp_path, f"""
import cleantext.io as io
real = io.remove_temporary_files
def late():
    os.kill(os.getpid(), {int(signum)})
    real()
io.remove_temporary_files = late
""")
    source, out = tmp_path / "a.txt", tmp_path / "out.txt"
    source.write_text("Text.\n")
    done = subprocess.run([*COMMAND, "clean", str(source), "-o", str(out)], capture_output=True,
                          env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr == b"" and out.read_text() == "Text.\n"


def test_interrupt_between_backup_and_rename_waits_for_the_rename(tmp_path):
    """Ctrl-C right after the backup link used to leave the file uncleaned beside its
    backup (so the next run would skip it); now the rename finishes first."""
    env = _hooked(tmp_path, """
import cleantext.io.writing as io
real = io._atomic_copy
def copy_then_interrupt(source, destination):
    real(source, destination)
    os.kill(os.getpid(), signal.SIGINT)
io._atomic_copy = copy_then_interrupt
""")
    source = tmp_path / "a.txt"
    source.write_text("Text.\nText.\n")
    done = subprocess.run([*COMMAND, "clean", str(source), "--in-place", "--backup", ".orig"],
                          capture_output=True, env=env, timeout=60)
    assert done.returncode == 130
    assert done.stderr.decode() == (f"cleantext: interrupted; 1 output file was finished before it "
                                    f"(last: {source}); no partial output was kept\n")
    assert source.read_text() == "Text.\n"
    assert (tmp_path / "a.txt.orig").read_text() == "Text.\nText.\n"
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))


def test_interrupt_swallowed_by_a_finalizer_still_stops_the_batch(tmp_path):
    """Python prints and drops an exception raised in a finalizer; the interrupt must
    still stop the run at the next input instead of being lost."""
    env = _hooked(tmp_path, """
import cleantext.batch.clean as batch
real = batch.clean_input
class Finalized:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(10000):  # the handler runs here, inside the finalizer
            pass
def clean_input(*args, **kwargs):
    if not getattr(clean_input, "done", False):
        clean_input.done = True
        Finalized()
    return real(*args, **kwargs)
batch.clean_input = clean_input
""")
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("Text.\n")
    out = tmp_path / "out"
    done = subprocess.run([*COMMAND, "clean", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"),
                           "--output-dir", str(out), "-j", "1"], capture_output=True, env=env, timeout=60)
    assert done.returncode == 130, done.stderr
    assert not (out / "b.txt").exists()
    assert not (out / "a.txt").exists()  # the interrupt is noticed before a.txt is renamed into place
    assert done.stderr.endswith(b"\ncleantext: interrupted; no output was written and no partial output was kept\n")


def test_interrupt_message_names_the_files_already_finished(tmp_path):
    """Ctrl-C after some files of an --output-dir batch were written: the message says
    how many were finished instead of claiming that nothing was kept."""
    env = _hooked(tmp_path, """
import cleantext.io as io
real = io.PendingOutput._commit
def commit_then_interrupt(self):
    real(self)
    if self.target.endswith("b.txt"):
        os.kill(os.getpid(), signal.SIGINT)
io.PendingOutput._commit = commit_then_interrupt
""")
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(f"Text of {name}.\n")
    out = tmp_path / "out"
    done = subprocess.run([*COMMAND, "clean", *(str(tmp_path / n) for n in ("a.txt", "b.txt", "c.txt")),
                           "--output-dir", str(out), "-j", "1"], capture_output=True, env=env, timeout=60)
    assert done.returncode == 130, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "b.txt"]
    assert done.stderr.decode() == (f"cleantext: interrupted; 2 output files were finished before it "
                                    f"(last: {out / 'b.txt'}); no partial output was kept\n")
