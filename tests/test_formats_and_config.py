"""Compressed formats, compressed standard input, HTML hints and config paths (issue 13, point 6)."""

from __future__ import annotations

import bz2
import gzip
import lzma
import subprocess
import sys

import pytest

from cleantext.cli import cli

TEXT = "Title\n\nTitle\n\nBody text of the page, long enough.\n"
CLEAN = "Title\n\nBody text of the page, long enough.\n"
COMPRESSORS = {"gz": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}
DECOMPRESSORS = {"gz": gzip.decompress, "bz2": bz2.decompress, "xz": lzma.decompress}


@pytest.mark.parametrize("suffix", ["bz2", "xz", "gz"])
def test_compressed_files_are_read_and_written_by_suffix(runner, tmp_path, suffix):
    source = tmp_path / f"page.txt.{suffix}"
    source.write_bytes(COMPRESSORS[suffix](TEXT.encode()))
    out = tmp_path / f"out.txt.{suffix}"
    result = runner.invoke(cli, ["clean", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert DECOMPRESSORS[suffix](out.read_bytes()).decode() == CLEAN


@pytest.mark.parametrize("suffix", ["bz2", "xz"])
def test_corrupt_and_truncated_compressed_files_fail_with_one_line(runner, tmp_path, suffix):
    data = COMPRESSORS[suffix]((TEXT * 50).encode())
    truncated = tmp_path / f"cut.txt.{suffix}"
    truncated.write_bytes(data[: len(data) // 2])
    garbage = tmp_path / f"junk.txt.{suffix}"
    garbage.write_bytes(b"this is not compressed at all\n")
    result = runner.invoke(cli, ["clean", str(truncated), str(garbage)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and "Traceback" not in result.stderr
    assert lines[0].endswith("compressed data ends early (truncated file?)")
    assert "junk.txt" in lines[1] and "corrupt" in lines[1]


@pytest.mark.parametrize("suffix", ["gz", "bz2", "xz"])
def test_compressed_standard_input_is_recognised_by_magic_bytes(suffix):
    done = subprocess.run([sys.executable, "-m", "cleantext", "clean"], input=COMPRESSORS[suffix](TEXT.encode()),
                          capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode() == CLEAN and done.stderr == b""


def test_zstd_standard_input():
    zstandard = pytest.importorskip("zstandard")
    data = zstandard.ZstdCompressor().compress(TEXT.encode())
    done = subprocess.run([sys.executable, "-m", "cleantext", "clean"], input=data, capture_output=True, timeout=60)
    assert done.stdout.decode() == CLEAN


def test_plain_standard_input_that_starts_like_magic_is_text(runner):
    assert runner.invoke(cli, ["dedup"], input="BZh is a word here\n").stdout == "BZh is a word here\n"


def test_html_input_passes_through_with_one_warning_per_file(runner, tmp_path):
    page = "<!DOCTYPE html>\n<html><body>\n<p>One paragraph.</p>\n</body></html>\n"
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    a.write_text(page)
    b.write_text("\ufeff<!-- saved -->\n<div class='x'>Hi</div>\n")
    result = runner.invoke(cli, ["-i", str(a), "-i", str(b), "fix-encoding"])
    assert result.exit_code == 0
    assert result.stdout == page + "<!-- saved -->\n<div class='x'>Hi</div>\n"  # output unchanged
    warnings = result.stderr.splitlines()
    assert len(warnings) == 2 and all("looks like HTML" in line and "trafilatura" in line for line in warnings)
    assert runner.invoke(cli, ["-q", "-i", str(a), "fix-encoding"]).stderr == ""
    for text in ("<3 you\n", "a <p> tag in prose\n", "Plain text.\n", '{"text": "<p>x</p>"}\n'):
        assert runner.invoke(cli, ["fix-encoding"], input=text).stderr == ""


def test_relative_paths_in_a_config_file_are_relative_to_it(runner, tmp_path, monkeypatch):
    project = tmp_path / "project"
    (project / "audit").mkdir(parents=True)
    (project / "rules.tsv").write_text("custom\t^Zorblax banner$\n")
    (project / "cleantext.toml").write_text('removed = "audit/removed.tsv"\n'
                                            '[strip-debris]\nrules = ["rules.tsv"]\n')
    elsewhere = project / "deep" / "down"
    elsewhere.mkdir(parents=True)
    monkeypatch.chdir(elsewhere)
    result = runner.invoke(cli, ["clean"], input="Zorblax banner\nA sentence of text here.\n")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "A sentence of text here.\n"
    assert "strip-debris\tcustom:custom" in (project / "audit" / "removed.tsv").read_text()
    # on the command line a relative path stays relative to the working directory
    runner.invoke(cli, ["clean", "--removed", "here.tsv"], input="x\n")
    assert (elsewhere / "here.tsv").exists()


def test_config_prints_unset_values_as_not_set(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shown = runner.invoke(cli, ["--no-config", "config"]).stdout
    assert "Sentinel" not in shown and "UNSET" not in shown
    assert "# keep is not set (default)" in shown and "# rules is not set (default)" in shown
