"""Atomic outputs leave nothing behind, whatever moment an interrupt picks."""

from cleantext.io import AtomicOutput, remove_temporary_files


def test_temporary_file_outside_any_with_block_is_still_removed(tmp_path):
    output = AtomicOutput(str(tmp_path / "out.txt"))  # interrupted before `with` took it
    output.stream.write(b"half")
    assert len(list(tmp_path.iterdir())) == 1
    remove_temporary_files()
    assert list(tmp_path.iterdir()) == []


def test_committed_output_is_not_touched_by_the_cleanup(tmp_path):
    with AtomicOutput(str(tmp_path / "out.txt")) as output:
        output.stream.write(b"whole\n")
    remove_temporary_files()
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
    assert (tmp_path / "out.txt").read_bytes() == b"whole\n"


def test_interrupt_right_after_the_file_is_created_leaves_nothing(tmp_path, monkeypatch):
    import os

    import pytest

    real_open = os.open

    def open_then_interrupt(*args, **kwargs):
        real_open(*args, **kwargs)  # the file now exists, its name not yet returned
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "open", open_then_interrupt)
    monkeypatch.setattr("tempfile._os.open", open_then_interrupt, raising=False)
    with pytest.raises(KeyboardInterrupt):
        AtomicOutput(str(tmp_path / "out.txt"))
    monkeypatch.undo()
    assert len(list(tmp_path.iterdir())) == 1
    remove_temporary_files()
    assert list(tmp_path.iterdir()) == []


def test_backup_copy_interrupted_leaves_nothing(tmp_path, monkeypatch):
    import os

    import pytest

    from cleantext.io import PendingOutput

    target = tmp_path / "a.txt"
    target.write_text("original\n")
    temp = tmp_path / ".a.txt.new.tmp"
    temp.write_text("cleaned\n")

    def interrupted_replace(source, destination):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted_replace)
    with pytest.raises(KeyboardInterrupt):
        PendingOutput(str(temp), str(target), ".orig").commit()
    monkeypatch.undo()
    remove_temporary_files()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".a.txt.new.tmp", "a.txt"]
    assert target.read_text() == "original\n"


# --- the command's interrupt handler (cleantext.interrupts), installed in this process ----

import os  # noqa: E402
import sys  # noqa: E402
import signal  # noqa: E402

import pytest  # noqa: E402

from cleantext import interrupts  # noqa: E402


@pytest.fixture
def command_handlers():
    saved = {signum: signal.getsignal(signum) for signum in interrupts.SIGNALS}
    interrupts.install()
    yield
    interrupts.exiting()  # a signal still pending is only noted ...
    signal.pthread_sigmask(signal.SIG_UNBLOCK, interrupts.SIGNALS)
    for signum, handler in saved.items():  # ... and this process is left as it was
        signal.signal(signum, handler)
    interrupts.install()
    for signum, handler in saved.items():
        signal.signal(signum, handler)
    interrupts._State.installed = False


def _signal_self(signum=signal.SIGINT):
    os.kill(os.getpid(), signum)
    for _ in range(1000):  # the Python-level handler runs between these bytecodes
        pass


def test_interrupt_inside_deferred_section_is_raised_when_it_ends(command_handlers):
    finished = []
    with pytest.raises(interrupts.Interrupt):
        with interrupts.deferred():
            _signal_self()
            finished.append("rest of the section")
    assert finished == ["rest of the section"]


def test_interrupt_is_raised_once_and_a_second_signal_only_noted(command_handlers):
    with pytest.raises(interrupts.Interrupt):
        _signal_self()
    _signal_self(signal.SIGTERM)  # clean-up on the way out goes on
    assert interrupts.requested()
    interrupts.exiting()
    # blocked in this thread from here on; another thread of the process may still take
    # it, and then the handler only notes it: either way nothing is raised
    _signal_self()
    signal.pthread_sigmask(signal.SIG_UNBLOCK, interrupts.SIGNALS)
    _signal_self()


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_swallowed_interrupt_is_raised_again_at_the_next_check(command_handlers):
    class Finalized:
        def __del__(self):
            _signal_self()  # Python prints and drops an exception raised here

    Finalized()
    with pytest.raises(interrupts.Interrupt):
        interrupts.check()


def test_interrupt_during_backup_finishes_the_rename_first(tmp_path, monkeypatch, command_handlers):
    from cleantext.io import PendingOutput

    target = tmp_path / "a.txt"
    target.write_text("original\n")
    temp = tmp_path / ".a.txt.new.tmp"
    temp.write_text("cleaned\n")
    real_link = os.link

    def link_then_interrupt(source, destination):
        real_link(source, destination)
        _signal_self()

    monkeypatch.setattr(os, "link", link_then_interrupt)
    with pytest.raises(interrupts.Interrupt):
        PendingOutput(str(temp), str(target), ".orig").commit()
    assert target.read_text() == "cleaned\n"
    assert (tmp_path / "a.txt.orig").read_text() == "original\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "a.txt.orig"]


@pytest.mark.parametrize("make", ["spool", "jsonl-writer"])
def test_ctrl_c_while_a_spool_is_made_prints_nothing_when_it_is_collected(command_handlers, monkeypatch, make):
    """SpooledTemporaryFile sets its buffer in __init__, and its finalizer reads it: an
    interrupt raised before that left an object whose collection printed "Exception
    ignored ... has no attribute '_file'" after the command's one-line message."""
    import gc
    import tempfile

    from cleantext.batch.clean import _spool
    from cleantext.formats.jsonl import JsonLines, JsonLinesWriter

    made = tempfile._io.BytesIO

    def interrupted_buffer(*args):
        _signal_self()  # Ctrl-C arrives while the spool builds its buffer
        return made(*args)

    unraisable: list = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    monkeypatch.setattr(tempfile._io, "BytesIO", interrupted_buffer)
    with pytest.raises(interrupts.Interrupt):
        _spool(None) if make == "spool" else JsonLinesWriter(JsonLines(), out=None)
    monkeypatch.setattr(tempfile._io, "BytesIO", made)
    gc.collect()
    assert unraisable == []
