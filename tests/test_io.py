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
