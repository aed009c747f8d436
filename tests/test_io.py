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
