"""Batch work through the CLI: directories, per-file outputs, JSONL, compression, jobs, stats."""

from __future__ import annotations

import builtins
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import group_alive

from cleantext.batch import default_jobs
from cleantext.cli import cli

DOC = "Title {n}\n\nTitle {n}\n\ncafÃ© &amp; bar number {n}, open daily.\nRead more\n"
CLEAN = "Title {n}\n\ncafé & bar number {n}, open daily.\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """in/a1.txt .. a3.txt, in/sub/b.txt, in/notes.md and a hidden file."""
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    for n in (1, 2, 3):
        (root / f"a{n}.txt").write_text(DOC.format(n=n))
    (root / "sub" / "b.txt").write_text(DOC.format(n=9))
    (root / "notes.md").write_text("Only markdown.\n")
    (root / ".hidden.txt").write_text("Never read.\n")
    return root


def test_directory_is_walked_recursively_in_sorted_order(runner, corpus):
    result = runner.invoke(cli, ["clean", str(corpus), "--glob", "*.txt"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "".join(CLEAN.format(n=n) for n in (1, 2, 3, 9))


def test_without_glob_every_visible_file_is_taken(runner, corpus):
    result = runner.invoke(cli, ["clean", str(corpus)])
    assert "Only markdown." in result.stdout and "Never read" not in result.stdout


def test_directory_without_matching_files_is_an_input_error(runner, corpus):
    result = runner.invoke(cli, ["clean", str(corpus), "--glob", "*.csv"])
    assert result.exit_code == 1 and "no files matching *.csv" in result.stderr


def test_output_dir_mirrors_the_input_tree(runner, corpus, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(cli, ["clean", str(corpus), "--glob", "*.txt", "--output-dir", str(out)])
    assert result.exit_code == 0 and result.stdout == ""
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert written == ["a1.txt", "a2.txt", "a3.txt", "sub/b.txt"]
    assert (out / "sub" / "b.txt").read_text() == CLEAN.format(n=9)
    assert (corpus / "a1.txt").read_text() == DOC.format(n=1)  # inputs untouched


def test_output_dir_inside_the_input_is_not_cleaned_again(runner, corpus):
    args = ["clean", str(corpus), "--glob", "*.txt", "--output-dir", str(corpus / "cleaned")]
    assert runner.invoke(cli, args).exit_code == 0
    assert runner.invoke(cli, args).exit_code == 0
    assert not (corpus / "cleaned" / "cleaned").exists()


def test_in_place_with_backup(runner, corpus):
    target = corpus / "a1.txt"
    os.chmod(target, 0o640)
    result = runner.invoke(cli, ["clean", str(target), "--in-place", "--backup", ".orig"])
    assert result.exit_code == 0
    assert target.read_text() == CLEAN.format(n=1)
    assert (corpus / "a1.txt.orig").read_text() == DOC.format(n=1)
    assert os.stat(target).st_mode & 0o777 == 0o640
    assert not [p for p in corpus.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("args", [
    ["--in-place", "-o", "x.txt"],
    ["--in-place", "--output-dir", "d"],
    ["--output-dir", "d", "-o", "x.txt"],
    ["--backup", ".orig"],
    ["-q", "-v"],
])
def test_conflicting_options_are_usage_errors(runner, corpus, args):
    result = runner.invoke(cli, ["clean", str(corpus / "a1.txt"), *args])
    assert result.exit_code == 2 and "Error" in result.stderr


def test_in_place_on_stdin_is_a_usage_error(runner):
    result = runner.invoke(cli, ["clean", "--in-place"], input="text\n")
    assert result.exit_code == 2 and "standard input" in result.stderr


def test_output_dir_onto_the_inputs_is_refused(runner, corpus):
    result = runner.invoke(cli, ["clean", str(corpus), "--output-dir", str(corpus)])
    assert result.exit_code == 2 and "--in-place" in result.stderr


JSONL = (
    '{"id": 1, "text": "Title\\n\\nTitle\\nRead more\\n", "meta": {"z": 1.5, "a": [1, 2]}}\n'
    '{"text": "Already clean.\\n", "id": 2}\n'
    '{"id": 3}\n'
    'not json at all\n'
    '\n'
    '{"id": 4, "text": 5}\n'
    '["a", "list"]\n'
)


def test_jsonl_cleans_the_text_field_and_keeps_the_rest(runner, tmp_path):
    source = tmp_path / "pages.jsonl"
    source.write_text(JSONL)
    result = runner.invoke(cli, ["clean", str(source), "--jsonl"])
    assert result.exit_code == 0
    lines = result.stdout.split("\n")
    first = json.loads(lines[0])
    assert list(first) == ["id", "text", "meta"] and first["text"] == "Title\n"
    assert first["meta"] == {"z": 1.5, "a": [1, 2]}
    assert lines[1] == '{"text": "Already clean.\\n", "id": 2}'  # unchanged record: same bytes
    assert lines[2:] == JSONL.split("\n")[2:]  # bad records passed through by default
    assert "line 3" in result.stderr and "3 more" in result.stderr


def test_jsonl_bad_records_can_be_skipped_or_fail_the_input(runner, tmp_path):
    source = tmp_path / "pages.jsonl"
    source.write_text(JSONL)
    skipped = runner.invoke(cli, ["clean", str(source), "--jsonl", "--on-bad-record", "skip"])
    assert skipped.exit_code == 0 and skipped.stdout.count("\n") == 3  # two records and the blank line
    good = tmp_path / "good.jsonl"
    good.write_text('{"text": "Fine."}\n')
    failed = runner.invoke(cli, ["clean", str(source), str(good), "--jsonl", "--on-bad-record", "fail"])
    assert failed.exit_code == 1
    assert failed.stdout == '{"text": "Fine."}\n'  # the failed input contributes nothing
    assert f"{source}: line 3: no 'text' field" in failed.stderr


def test_jsonl_other_text_field_and_removed_rows_name_the_record(runner, tmp_path):
    source = tmp_path / "pages.jsonl"
    source.write_text('{"body": "Same\\nSame\\n"}\n')
    removed = tmp_path / "removed.tsv"
    result = runner.invoke(cli, ["clean", str(source), "--jsonl", "--text-field", "body",
                                 "--removed", str(removed)])
    assert json.loads(result.stdout) == {"body": "Same\n"}
    row = removed.read_text().splitlines()[1].split("\t")
    assert row[0] == f"{source}:1" and row[1] == "2"


def test_jsonl_lone_surrogate_escapes_survive(runner, tmp_path):
    source = tmp_path / "odd.jsonl"
    source.write_text('{"text": "a\\ud800b\\nRead more\\n", "note": "\\udfff"}\n')
    result = runner.invoke(cli, ["-i", str(source), "--jsonl", "strip-debris"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {"text": "a\ud800b\n", "note": "\udfff"}


def test_gzip_round_trip(runner, corpus, tmp_path):
    packed = tmp_path / "a1.txt.gz"
    packed.write_bytes(gzip.compress(DOC.format(n=1).encode()))
    out = tmp_path / "out.txt.gz"
    result = runner.invoke(cli, ["clean", str(packed), "-o", str(out)])
    assert result.exit_code == 0
    assert gzip.decompress(out.read_bytes()).decode() == CLEAN.format(n=1)


def test_corrupt_gzip_is_an_input_error(runner, tmp_path):
    broken = tmp_path / "broken.txt.gz"
    broken.write_bytes(gzip.compress(b"some text\n" * 1000)[:-30])
    good = tmp_path / "good.txt"
    good.write_text("Good.\n")
    result = runner.invoke(cli, ["clean", str(broken), str(good)])
    assert result.exit_code == 1 and result.stdout == "Good.\n"
    assert "broken.txt.gz" in result.stderr and "Traceback" not in result.stderr


def test_zstd_round_trip(runner, tmp_path):
    zstandard = pytest.importorskip("zstandard")
    packed = tmp_path / "a1.txt.zst"
    packed.write_bytes(zstandard.ZstdCompressor().compress(DOC.format(n=1).encode()))
    out = tmp_path / "out.txt.zst"
    result = runner.invoke(cli, ["clean", str(packed), "-o", str(out)])
    assert result.exit_code == 0
    assert zstandard.ZstdDecompressor().stream_reader(out.read_bytes()).read().decode() == CLEAN.format(n=1)


def test_zst_without_the_module_names_the_file_and_the_extra(runner, tmp_path, monkeypatch):
    real_import = builtins.__import__

    def no_zstandard(name, *args, **kwargs):
        if name == "zstandard":
            raise ImportError("No module named 'zstandard'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_zstandard)
    packed = tmp_path / "a.txt.zst"
    packed.write_bytes(b"\x28\xb5\x2f\xfd")
    result = runner.invoke(cli, ["clean", str(packed)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert str(packed) in result.stderr and "cleantext-cli[zstd]" in result.stderr


def many_files(root: Path, count: int = 12) -> Path:
    root.mkdir()
    for n in range(count):
        # every third file lacks a final newline, so document joins are exercised too
        text = DOC.format(n=n) + ("Last line." if n % 3 == 0 else "")
        (root / f"doc{n:02d}.txt").write_text(text)
    return root


def test_two_jobs_give_the_same_output_and_removed_rows_as_one(runner, tmp_path):
    root = many_files(tmp_path / "many")
    outputs = {}
    for jobs in ("1", "2"):
        removed = tmp_path / f"removed{jobs}.tsv"
        result = runner.invoke(cli, ["clean", str(root), "-j", jobs, "--removed", str(removed),
                                     "--stats", str(tmp_path / f"stats{jobs}.json")])
        assert result.exit_code == 0, result.stderr
        stats = json.loads((tmp_path / f"stats{jobs}.json").read_text())
        assert stats["jobs"] == min(int(jobs), default_jobs())  # never more workers than cores
        for entry in stats["files"]:
            entry.pop("seconds")
        outputs[jobs] = (result.stdout, removed.read_text(), stats["files"], stats["stages"])
    assert outputs["1"] == outputs["2"]


def test_two_jobs_with_output_dir_and_a_failing_file(runner, tmp_path):
    root = many_files(tmp_path / "many", 6)
    (root / "doc03.txt").write_bytes(bytes(range(256)) * 64)  # binary: refused
    out = tmp_path / "out"
    result = runner.invoke(cli, ["clean", str(root), "-j", "2", "--output-dir", str(out)])
    assert result.exit_code == 1 and "doc03.txt" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["doc00.txt", "doc01.txt", "doc02.txt",
                                                    "doc04.txt", "doc05.txt"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_fail_fast_stops_at_the_first_failure(runner, tmp_path, jobs):
    root = many_files(tmp_path / "many", 6)
    (root / "doc01.txt").write_bytes(bytes(range(256)) * 64)
    out = tmp_path / "out"
    result = runner.invoke(cli, ["clean", str(root), "-j", jobs, "--fail-fast", "--output-dir", str(out)])
    assert result.exit_code == 1
    assert "--fail-fast" in result.stderr and "4 input(s) not cleaned" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["doc00.txt"]


def test_corpus_scope_is_sequential_and_identical(runner, tmp_path):
    root = tmp_path / "docs"
    root.mkdir()
    (root / "a.txt").write_text("A shared sentence in two files.\nOnly a.\n")
    (root / "b.txt").write_text("A shared sentence in two files.\nOnly b.\n")
    result = runner.invoke(cli, ["-i", str(root), "-j", "2", "--stats", "-", "dedup", "--scope", "corpus"])
    assert result.stdout == "A shared sentence in two files.\nOnly a.\nOnly b.\n"
    assert json.loads(result.stderr)["jobs"] == 1


def test_stats_json_shape(runner, corpus, tmp_path):
    stats_path = tmp_path / "stats.json"
    result = runner.invoke(cli, ["clean", str(corpus), "--glob", "*.txt", "--stats", str(stats_path)])
    assert result.exit_code == 0
    stats = json.loads(stats_path.read_text())
    assert set(stats) >= {"documents", "stages", "seconds", "jobs", "totals", "files"}
    assert stats["documents"] == 4
    assert [stage["stage"] for stage in stats["stages"]] == ["fix-encoding", "strip-debris", "dedup"]
    first = stats["files"][0]
    assert first["file"] == str(corpus / "a1.txt")
    assert first["lines_in"] == 6 and first["lines_out"] == 3 and first["removed"] == 3 and first["changed"] == 1
    assert sum(first["removed_by_reason"].values()) == 3
    assert all(key.split(":")[0] in {"strip-debris", "dedup"} for key in first["removed_by_reason"])
    assert first["bytes_in"] == len(DOC.format(n=1).encode())
    assert first["bytes_out"] == len(CLEAN.format(n=1).encode())
    assert stats["totals"]["lines_in"] == 24 and stats["totals"]["failed"] == 0


def test_verbose_logs_each_file_and_quiet_hides_warnings(runner, tmp_path):
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\xe9 ouvert.\n".encode("latin-1"))
    verbose = runner.invoke(cli, ["clean", str(latin), "-v"])
    assert "latin.txt: 1 lines, 0 removed, 1 changed" in verbose.stderr
    quiet = runner.invoke(cli, ["clean", str(latin), "-q"])
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_no_progress_bar_when_stderr_is_not_a_terminal(runner, corpus):
    result = runner.invoke(cli, ["clean", str(corpus), "-j", "1"])
    assert "ETA" not in result.stderr


def test_progress_line_format():
    import io

    from cleantext.cli.progress import Progress

    screen = io.StringIO()
    progress = Progress(screen, total_files=4, total_bytes=4_000_000, delay=0)
    progress.file_done(1_000_000)
    assert "1/4 files" in screen.getvalue() and "ETA" in screen.getvalue()
    progress.clear()
    assert screen.getvalue().endswith("\r")


def run_cli(*args: str, cwd: Path | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cleantext", *args], capture_output=True,
                          timeout=120, cwd=cwd, **kwargs)


def test_real_process_parallel_in_place_and_gzip(tmp_path):
    root = many_files(tmp_path / "many", 8)
    expected = run_cli("clean", str(root), "-j", "1").stdout
    for path in sorted(root.iterdir())[:4]:
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(path.read_bytes()))
        path.unlink()
    done = run_cli("clean", str(root), "-j", "2", "--in-place")
    assert done.returncode == 0, done.stderr
    joined = b""
    for path in sorted(root.iterdir()):
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        if joined and not joined.endswith(b"\n") and data:
            joined += b"\n"
        joined += data
    assert joined == expected


def test_real_process_removed_rows_name_each_file(tmp_path):
    root = many_files(tmp_path / "many", 3)
    done = run_cli("clean", str(root), "-j", "2", "--removed", "-", "-o", str(tmp_path / "out.txt"))
    sources = {line.split(b"\t")[0] for line in done.stderr.splitlines()[1:]}
    assert sources == {str(root / f"doc{n:02d}.txt").encode() for n in range(3)}


def test_fuzz_script_finds_no_tracebacks_in_a_few_seconds(tmp_path):
    script = Path(__file__).resolve().parent.parent / "bench" / "fuzz_cli.py"
    done = subprocess.run([sys.executable, str(script), "--seconds", "4", "--seed", "3", "--process-every", "25"],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert "tracebacks:" in done.stdout, done.stderr
    kinds = [line for line in done.stdout.splitlines() if line.startswith("  ")]
    assert kinds == []
    assert done.returncode == 0


def test_real_process_interrupt_with_jobs_leaves_no_temporary_or_partial_files(tmp_path):
    import signal
    import time

    root = tmp_path / "in"
    root.mkdir()
    text = "".join(f"Line {i} of a long generated document, cafÃ© &amp; more words.\n" for i in range(12_000))
    for n in range(8):
        (root / f"f{n}.txt").write_text(text)
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "cleantext", "clean", str(root), "--output-dir", str(out),
                                "-j", "2"], stderr=subprocess.PIPE, start_new_session=True)
    time.sleep(1.0)
    os.killpg(process.pid, signal.SIGINT)
    assert process.wait(timeout=60) == 130
    assert b"Traceback" not in process.stderr.read()
    leftovers = [p.name for p in out.rglob("*") if p.name.startswith(".")] if out.exists() else []
    assert leftovers == []
    finished = list(out.rglob("*.txt")) if out.exists() else []
    if finished:  # whatever was finished is complete
        expected = run_cli("clean", str(root / "f0.txt")).stdout
        assert all(written.read_bytes() == expected for written in finished)


# --- issue 10: backups are never inputs, outputs never destroy inputs -------------------

def test_in_place_backup_run_twice_keeps_the_originals(runner, corpus):
    args = ["clean", str(corpus), "--glob", "*.txt*", "--in-place", "--backup", ".orig"]
    assert runner.invoke(cli, args).exit_code == 0
    assert (corpus / "a1.txt.orig").read_text() == DOC.format(n=1)
    second = runner.invoke(cli, args)
    assert second.exit_code == 1 and "a1.txt.orig already exists" in second.stderr
    assert (corpus / "a1.txt.orig").read_text() == DOC.format(n=1)  # the original survives
    assert not (corpus / "a1.txt.orig.orig").exists()  # backups were not taken as inputs
    assert (corpus / "a1.txt").read_text() == CLEAN.format(n=1)


def test_unrelated_existing_backup_is_not_overwritten_unless_asked(runner, tmp_path):
    (tmp_path / "a.txt").write_text(DOC.format(n=1))
    (tmp_path / "a.txt.orig").write_text("precious\n")
    args = ["clean", str(tmp_path / "a.txt"), "--in-place", "--backup", ".orig"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1 and "already exists" in result.stderr
    assert (tmp_path / "a.txt.orig").read_text() == "precious\n"
    assert (tmp_path / "a.txt").read_text() == DOC.format(n=1)
    assert runner.invoke(cli, [*args, "--overwrite-backup"]).exit_code == 0
    assert (tmp_path / "a.txt.orig").read_text() == DOC.format(n=1)


@pytest.mark.parametrize("flag", ["--removed", "--stats", "-o"])
@pytest.mark.parametrize("link", [None, "symlink", "hardlink"])
def test_an_output_that_is_an_input_is_refused(runner, tmp_path, flag, link):
    source = tmp_path / "n.txt"
    source.write_text(DOC.format(n=1))
    output = source
    if link:
        output = tmp_path / "alias.txt"
        (os.symlink if link == "symlink" else os.link)(source, output)
    result = runner.invoke(cli, ["clean", str(source), flag, str(output)])
    assert result.exit_code == 2 and "would destroy" in result.stderr, result.output
    assert source.read_text() == DOC.format(n=1)


def test_two_outputs_naming_one_file_are_refused(runner, tmp_path):
    source = tmp_path / "a.txt"
    source.write_text(DOC.format(n=1))
    result = runner.invoke(cli, ["clean", str(source), "-o", str(tmp_path / "x"), "--removed", str(tmp_path / "x")])
    assert result.exit_code == 2 and "same file" in result.stderr
    assert not (tmp_path / "x").exists()


def test_removed_file_inside_an_in_place_tree_is_refused(runner, corpus):
    result = runner.invoke(cli, ["clean", str(corpus), "--in-place", "--removed", str(corpus / "a1.txt")])
    assert result.exit_code == 2
    assert (corpus / "a1.txt").read_text() == DOC.format(n=1)


# --- issue 10: a failed input adds nothing -----------------------------------------------

def _truncated_gzip(path: Path) -> Path:
    path.write_bytes(gzip.compress("".join(f"Line {n} of a long text.\n" for n in range(5000)).encode())[:-200])
    return path


def test_truncated_gzip_adds_nothing_to_a_new_output(runner, tmp_path):
    broken = _truncated_gzip(tmp_path / "broken.txt.gz")
    out = tmp_path / "out.txt"
    result = runner.invoke(cli, ["clean", str(broken), "-o", str(out)])
    assert result.exit_code == 1 and "broken.txt.gz" in result.stderr
    assert not out.exists()


def test_when_every_input_fails_an_existing_output_is_untouched(runner, tmp_path):
    broken = _truncated_gzip(tmp_path / "broken.txt.gz")
    out = tmp_path / "out.txt"
    out.write_text("yesterday's output\n")
    result = runner.invoke(cli, ["clean", str(broken), str(tmp_path / "missing.txt"), "-o", str(out)])
    assert result.exit_code == 1
    assert out.read_text() == "yesterday's output\n"


def test_failed_input_among_good_ones_adds_nothing(runner, tmp_path):
    broken = _truncated_gzip(tmp_path / "broken.txt.gz")
    good = tmp_path / "good.txt"
    good.write_text("Good.\n")
    out = tmp_path / "out.txt"
    result = runner.invoke(cli, ["clean", str(broken), "-", str(good), "-o", str(out), "-j", "2"],
                           input="From stdin.\n")
    assert result.exit_code == 1
    assert out.read_text() == "From stdin.\nGood.\n"


# --- issue 10: JSON Lines stay valid and a wrong --text-field fails -----------------------

def test_jsonl_wrong_text_field_fails_and_names_the_fields(runner, tmp_path):
    source = tmp_path / "pages.jsonl"
    source.write_text('{"id": 1, "body": "Same\\nSame\\n"}\n{"id": 2, "body": "x"}\n')
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli, ["clean", str(source), "--jsonl", "-o", str(out)])
    assert result.exit_code == 1
    assert "no record has a 'text' field" in result.stderr and "'id', 'body'" in result.stderr
    assert not out.exists()
    streamed = runner.invoke(cli, ["clean", str(source), "--jsonl"])
    assert streamed.exit_code == 1 and streamed.stdout == ""  # held back, not copied through


def test_jsonl_records_before_the_first_with_the_field_keep_their_place(runner, tmp_path):
    source = tmp_path / "pages.jsonl"
    source.write_text('{"id": 0}\nnot json\n{"text": "Same\\nSame\\n"}\n{"id": 3}\n')
    result = runner.invoke(cli, ["clean", str(source), "--jsonl"])
    assert result.exit_code == 0
    assert result.stdout == '{"id": 0}\nnot json\n{"text": "Same\\n"}\n{"id": 3}\n'


def test_jsonl_lone_surrogate_with_removed_rows(runner, tmp_path):
    source = tmp_path / "odd.jsonl"
    source.write_text('{"text": "a \\ud800 b\\na \\ud800 b"}\n')
    removed = tmp_path / "removed.tsv"
    assert runner.invoke(cli, ["clean", str(source), "--jsonl", "--removed", str(removed)]).exit_code == 0
    result = runner.invoke(cli, ["-i", str(source), "--jsonl", "--removed", str(removed), "dedup"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout_bytes.decode("utf-8")) == {"text": "a \ud800 b\n"}
    assert removed.read_bytes().decode("utf-8").splitlines()[1].endswith("\\ud800 b")


def test_jsonl_changed_records_stay_valid_utf8_json_with_other_fields_as_they_were(runner, tmp_path):
    source = tmp_path / "odd.jsonl"
    source.write_text('{"n":1e400,  "dup": 1, "dup": 2, "text": "x \\udcff y\\nx \\udcff y\\n", "e": "\\u00e9"}\n')
    result = runner.invoke(cli, ["-i", str(source), "--jsonl", "dedup"])
    assert result.exit_code == 0, result.output
    line = result.stdout_bytes.decode("utf-8")  # valid UTF-8
    assert line == '{"n":1e400,  "dup": 1, "dup": 2, "text": "x \\udcff y\\n", "e": "\\u00e9"}\n'
    assert json.loads(line)["text"] == "x \udcff y\n"


# --- issue 10: signals to the process group, symbolic links, worker count --------------------

@pytest.mark.parametrize("mode", ["--output-dir", "--in-place"])
def test_sigterm_to_the_process_group_leaves_no_temporary_files(tmp_path, mode):
    import signal
    import time

    text = "".join(f"Line {i} of a long generated document, cafÃ© &amp; more words.\n" for i in range(3000))
    for round_number, delay in enumerate((0.6, 0.9, 1.2)):
        root = tmp_path / f"in{round_number}"
        root.mkdir()
        for n in range(24):
            (root / f"f{n}.txt").write_text(text)
        out = tmp_path / f"out{round_number}"
        target = ["--output-dir", str(out)] if mode == "--output-dir" else ["--in-place"]
        with open(tmp_path / f"stderr{round_number}", "wb") as stderr:
            process = subprocess.Popen([sys.executable, "-m", "cleantext", "clean", str(root), *target,
                                        "-j", "2"], stderr=stderr, start_new_session=True)
            time.sleep(delay)
            os.killpg(process.pid, signal.SIGTERM)
            code = process.wait(timeout=60)
        assert code in (0, 130)  # 0: it was already done
        assert b"Traceback" not in (tmp_path / f"stderr{round_number}").read_bytes()
        deadline = time.monotonic() + 10
        while group_alive(process.pid) and time.monotonic() < deadline:  # workers end after the parent
            time.sleep(0.05)
        assert not group_alive(process.pid), "a worker outlived the run"
        leftovers = [p.name for p in tmp_path.rglob(".*")]
        assert leftovers == [], f"round {round_number}"


def test_a_worker_result_lost_in_transit_leaves_no_temporary_file(tmp_path):
    """A worker can finish a file's temporary output and end (SIGTERM to the process
    group reaching it while idle) before its result reaches the main process; nobody
    commits that file, so the batch must remove it. Here the worker dies right after
    finishing f1.txt, deterministically."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import os, signal\n"
        "import cleantext.executors.pool as batch\n"
        "real = batch._work\n"
        "def work_then_vanish(task):\n"
        "    outcome = real(task)\n"
        "    if task.name.endswith('f1.txt'):\n"
        "        os.kill(os.getpid(), signal.SIGKILL)  # its result never reaches the main process\n"
        "    return outcome\n"
        "batch._work = work_then_vanish\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(hook), os.environ.get("PYTHONPATH")]))}
    root = tmp_path / "in"
    root.mkdir()
    for n in range(4):
        (root / f"f{n}.txt").write_text(f"Text of file {n}.\n")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "cleantext", "clean", str(root), "--output-dir", str(out),
                           "-j", "2"], capture_output=True, env=env, timeout=120)
    # the files whose worker vanished fail, each named; no internal error, no traceback
    assert done.returncode == 1, done.stderr
    assert b"Traceback" not in done.stderr and b"internal error" not in done.stderr
    assert f"{root / 'f1.txt'}: the worker process cleaning it ended abruptly".encode() in done.stderr
    for n in range(4):  # a broken pool fails the files it still held; each is written or named
        written = (out / f"f{n}.txt").exists()
        assert written != (f"{root / f'f{n}.txt'}: the worker process".encode() in done.stderr)
    assert [p.name for p in tmp_path.rglob(".*")] == []  # no temporary file left anywhere


def test_symbolic_links_in_a_directory_are_not_followed_unless_asked(runner, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text(DOC.format(n=1))
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "own.txt").write_text(DOC.format(n=2))
    (tree / "link.txt").symlink_to(outside)
    (tree / "sub" / "linked-dir").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "far.txt").write_text(DOC.format(n=3))
    result = runner.invoke(cli, ["clean", str(tree), "--in-place"])
    assert result.exit_code == 0, result.output
    assert outside.read_text() == DOC.format(n=1)  # nothing outside the tree changed
    assert (tmp_path / "elsewhere" / "far.txt").read_text() == DOC.format(n=3)
    assert (tree / "own.txt").read_text() == CLEAN.format(n=2)
    assert "link.txt: symbolic link skipped" in result.stderr
    assert "linked-dir: symbolic link to a directory skipped" in result.stderr
    followed = runner.invoke(cli, ["clean", str(tree), "--in-place", "--follow-symlinks"])
    assert followed.exit_code == 0
    assert outside.read_text() == CLEAN.format(n=1)
    assert (tmp_path / "elsewhere" / "far.txt").read_text() == CLEAN.format(n=3)


def test_symbolic_link_loop_is_walked_once(runner, tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.txt").write_text("Text.\n")
    (tree / "loop").symlink_to(tree, target_is_directory=True)
    result = runner.invoke(cli, ["clean", str(tree), "--follow-symlinks"])
    assert result.exit_code == 0 and result.stdout == "Text.\n"


def test_jobs_are_capped_at_the_cores_and_the_files(runner, tmp_path):
    root = many_files(tmp_path / "many")
    stats = tmp_path / "stats.json"
    result = runner.invoke(cli, ["clean", str(root), "-j", "64", "--stats", str(stats)])
    assert result.exit_code == 0
    assert json.loads(stats.read_text())["jobs"] == min(default_jobs(), len(list(root.iterdir())))



def test_an_output_inside_a_walked_directory_is_refused_on_the_next_run(runner, corpus):
    args = ["clean", str(corpus), "--glob", "*.txt", "-o", str(corpus / "all.txt")]
    assert runner.invoke(cli, args).exit_code == 0
    written = (corpus / "all.txt").read_text()
    second = runner.invoke(cli, args)
    assert second.exit_code == 2 and "all.txt" in second.stderr
    assert (corpus / "all.txt").read_text() == written


# --- end-of-batch summary and a progress line that fits (issue 13, point 2) ---

def test_summary_on_stderr_counts_files_lines_and_reasons(runner, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Title\n\nTitle\n\nBody text of the first page, long enough.\n")
    b.write_text("Body of b.\nBody of b.\nRead more\n")
    plain = runner.invoke(cli, ["clean", str(a), str(b)])
    result = runner.invoke(cli, ["clean", str(a), str(b), "--summary"])
    assert result.exit_code == 0 and result.stdout == plain.stdout  # stdout never changes
    lines = result.stderr.splitlines()
    assert lines[0].startswith("cleantext: 2 files: 8 lines in, 4 out, 4 removed, 0 changed in ")
    stages = {line.split(":")[1].strip(): line for line in lines[1:]}
    assert set(stages) == {"fix-encoding", "strip-debris", "dedup"}
    assert "exact-duplicate 2" in stages["dedup"] and stages["fix-encoding"].endswith("0 removed")


def test_summary_is_off_when_stderr_is_not_a_terminal_and_hidden_by_quiet(runner, tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("Some words here.\nSome words here.\n")
    assert runner.invoke(cli, ["clean", str(a)]).stderr == ""
    assert runner.invoke(cli, ["clean", str(a), "-q", "--summary"]).stderr == ""
    assert "1 file: 2 lines in, 1 out" in runner.invoke(cli, ["clean", str(a), "-v"]).stderr
    assert runner.invoke(cli, ["clean", str(a), "-v", "--no-summary"]).stderr.count("\n") == 1


def test_summary_shows_top_reasons_and_how_many_more():
    from cleantext.batch import Report, summary_lines

    report = Report(stats={"stages": [{"stage": "strip-debris", "removed": 10, "changed": 0,
                                       "removed_by_rule": {"a": 1, "b": 5, "c": 3, "d": 1}}]})
    assert summary_lines(report)[1] == "  strip-debris: 10 removed (b 5, c 3, a 1, 1 more)"


def test_summary_in_a_real_terminal(tmp_path):
    import shutil as sh
    if sh.which("script") is None:
        pytest.skip("needs script(1) for a pseudo-terminal")
    a = tmp_path / "a.txt"
    a.write_text("Some words here.\nSome words here.\n")
    command = f"{sys.executable} -m cleantext clean {a} -o {tmp_path / 'out.txt'}"
    done = subprocess.run(["script", "-qec", command, "/dev/null"], capture_output=True, text=True, timeout=60)
    assert "1 file: 2 lines in, 1 out, 1 removed" in done.stdout


@pytest.mark.parametrize("columns", [20, 40, 80])
def test_progress_line_fits_the_terminal(columns):
    import io

    from cleantext.cli.progress import Progress

    screen = io.StringIO()
    progress = Progress(screen, total_files=1200, total_bytes=4_000_000_000, delay=0, columns=lambda: columns)
    for _ in range(3):
        progress._drawn_at = 0
        progress.file_done(1_000_000)
    drawn = [piece for piece in screen.getvalue().split("\r") if piece]
    assert drawn and all(len(piece) < columns for piece in drawn)
    assert all(piece.startswith("cleantext: ") for piece in drawn)
    if columns >= 80:
        assert "ETA" in drawn[-1]
