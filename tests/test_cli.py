"""The command line, driven in-process with Click's CliRunner."""

import json

import pytest

import cleantext
from cleantext.cli import cli

from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

TEXT = "Title\n\nTitle\n\ncafÃ© &amp; bar, open daily.\n\n\n\nRead more\nLast line of the text.\n"


def test_clean_reads_stdin_and_writes_stdout(runner):
    result = runner.invoke(cli, ["clean"], input=TEXT)
    assert result.exit_code == 0
    assert result.stdout == "Title\n\ncafé & bar, open daily.\n\nLast line of the text.\n"


def test_chained_stages_in_documented_order_equal_clean(runner):
    chained = runner.invoke(cli, ["fix-encoding", "strip-debris", "dedup"], input=TEXT)
    assert chained.exit_code == 0
    assert chained.stdout == runner.invoke(cli, ["clean"], input=TEXT).stdout


def test_library_and_cli_agree(runner):
    assert runner.invoke(cli, ["clean"], input=TEXT).stdout == cleantext.clean(TEXT)


def test_any_subset_of_stages(runner):
    result = runner.invoke(cli, ["dedup"], input="cafÃ©\ncafÃ©\n")
    assert result.stdout == "cafÃ©\n"
    result = runner.invoke(cli, ["fix-encoding"], input="cafÃ©\ncafÃ©\n")
    assert result.stdout == "café\ncafé\n"


def test_stage_options_map_to_parameters(runner):
    text = "The quick brown fox jumps over the dog\nThe quick brown fox jumped over the dog\n"
    assert runner.invoke(cli, ["dedup"], input=text).stdout.count("\n") == 1
    assert runner.invoke(cli, ["dedup", "--threshold", "100"], input=text).stdout == text
    result = runner.invoke(cli, ["fix-encoding", "--straight-quotes"], input="“q”\n")
    assert result.stdout == '"q"\n'


def test_files_options_and_separate_documents(runner, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Shared line that appears in both files.\nOnly in a.\n")
    b.write_text("Shared line that appears in both files.\nOnly in b.")
    out = tmp_path / "out.txt"
    result = runner.invoke(cli, ["clean", str(a), str(b), "-o", str(out)])
    assert result.exit_code == 0 and result.stdout == ""
    # each input is its own document: the shared line stays in both
    assert out.read_text() == ("Shared line that appears in both files.\nOnly in a.\n"
                               "Shared line that appears in both files.\nOnly in b.")
    corpus = runner.invoke(cli, ["-i", str(a), "-i", str(b), "dedup", "--scope", "corpus"])
    assert corpus.stdout == "Shared line that appears in both files.\nOnly in a.\nOnly in b."


def test_dash_reads_stdin_among_files(runner, tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("From the file.\n")
    result = runner.invoke(cli, ["clean", str(a), "-"], input="From stdin.\n")
    assert result.stdout == "From the file.\nFrom stdin.\n"


def test_removed_tsv_accounts_for_every_line(runner, tmp_path):
    source = SAMPLES / "news-article.txt"
    removed = tmp_path / "removed.tsv"
    result = runner.invoke(cli, ["clean", str(source), "--removed", str(removed)])
    assert result.exit_code == 0
    rows = removed.read_text().splitlines()
    assert rows[0].split("\t") == ["source", "line", "stage", "reason", "detail", "text"]
    removed_numbers = {int(row.split("\t")[1]) for row in rows[1:]}
    total = len(source.read_text().splitlines())
    kept = result.stdout.count("\n")
    assert kept + len(removed_numbers) == total
    stages = {row.split("\t")[2] for row in rows[1:]}
    assert stages == {"dedup", "strip-debris"}
    assert any("template-error" in row and "directive" in row for row in rows)


def test_stats_json_on_stderr(runner):
    result = runner.invoke(cli, ["clean", "--stats", "-"], input=TEXT)
    stats = json.loads(result.stderr)
    by_stage = {stage["stage"]: stage for stage in stats["stages"]}
    assert set(by_stage) == {"fix-encoding", "strip-debris", "dedup"}
    assert by_stage["fix-encoding"]["lines_in"] == TEXT.count("\n")
    assert by_stage["fix-encoding"]["changed"] == 1
    assert by_stage["strip-debris"]["removed_by_rule"]


def test_group_options_with_chained_stages(runner, tmp_path):
    a = tmp_path / "a.txt"
    a.write_text(TEXT)
    out = tmp_path / "out.txt"
    result = runner.invoke(cli, ["-o", str(out), "--input", str(a), "dedup", "strip-debris"])
    assert result.exit_code == 0
    assert "Read more" not in out.read_text() and out.read_text().count("Title") == 1


def test_version(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0 and cleantext.__version__ in result.stdout


@pytest.mark.parametrize("command", [["--help"], ["clean", "--help"], ["dedup", "--help"],
                                     ["fix-encoding", "--help"], ["strip-debris", "--help"]])
def test_help_has_examples(runner, command):
    result = runner.invoke(cli, command)
    assert result.exit_code == 0 and "Example" in result.stdout


@pytest.mark.parametrize("args", [["dedup", "--threshold", "150"], ["clean", "dedup"],
                                  ["dedup", "--scope", "galaxy"], ["no-such-stage"]])
def test_usage_errors_exit_2(runner, args):
    result = runner.invoke(cli, args, input="x\n")
    assert result.exit_code == 2
    assert "Error" in result.stderr


def test_missing_file_is_reported_and_others_are_cleaned(runner, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Fine text.\n")
    result = runner.invoke(cli, ["clean", str(tmp_path / "missing.txt"), str(good)])
    assert result.exit_code == 1
    assert result.stdout == "Fine text.\n"
    assert result.stderr.strip() == f"cleantext: {tmp_path / 'missing.txt'}: no such file"


def test_directory_given_as_file(runner, tmp_path):
    result = runner.invoke(cli, ["clean", str(tmp_path)])
    assert result.exit_code == 1
    assert str(tmp_path) in result.stderr and "directory" in result.stderr


def test_binary_input_is_refused_by_name(runner, tmp_path):
    blob = tmp_path / "image.bin"
    blob.write_bytes(bytes(range(256)) * 64)
    result = runner.invoke(cli, ["clean", str(blob)])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "image.bin" in result.stderr and "binary" in result.stderr


def test_invalid_utf8_is_kept_and_warned_about(runner, tmp_path):
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Caf\xe9 cr\xe8me, ouvert tous les jours.\n".encode("latin-1"))
    dedup_only = runner.invoke(cli, ["-i", str(latin), "dedup"])
    assert dedup_only.stdout_bytes == latin.read_bytes()  # bytes survive untouched
    assert "latin1.txt" in dedup_only.stderr and "invalid UTF-8" in dedup_only.stderr
    fixed = runner.invoke(cli, ["clean", str(latin)])
    assert fixed.exit_code == 0 and fixed.stdout == "Café crème, ouvert tous les jours.\n"


def test_nul_bytes_in_text_are_removed_as_control_characters(runner):
    result = runner.invoke(cli, ["clean"], input=b"Some text\x00 with a NUL.\n")
    assert result.exit_code == 0 and result.stdout == "Some text with a NUL.\n"


def test_empty_input(runner):
    result = runner.invoke(cli, ["clean"], input="")
    assert result.exit_code == 0 and result.stdout == ""


def test_bom_is_dropped_and_utf16_is_decoded(runner):
    assert runner.invoke(cli, ["clean"], input="\ufeffHello there.\n".encode()).stdout == "Hello there.\n"
    utf16 = "Grüße aus Köln.\n".encode("utf-16")
    assert runner.invoke(cli, ["clean"], input=utf16).stdout == "Grüße aus Köln.\n"


def test_crlf_input_keeps_crlf(runner):
    result = runner.invoke(cli, ["clean"], input=TEXT.replace("\n", "\r\n").encode())
    assert result.stdout_bytes == cleantext.clean(TEXT).replace("\n", "\r\n").encode()


def test_ten_megabyte_single_line(runner):
    line = ("word " * 2_000_000).strip()
    result = runner.invoke(cli, ["clean"], input=line + "\n" + line + "\n")
    assert result.exit_code == 0 and result.stdout == line + "\n"


def test_failed_output_leaves_no_file(runner, tmp_path):
    out = tmp_path / "no-such-dir" / "out.txt"
    result = runner.invoke(cli, ["clean", "-o", str(out)], input=TEXT)
    assert result.exit_code == 1 and str(out) in result.stderr
    assert not out.parent.exists()


def test_stages_that_remember_documents_see_every_file_of_a_batch(runner, tmp_path):
    """Corpus-scope state spans the files of a run, whatever -j says."""
    names = []
    for i in range(3):
        page = tmp_path / f"page{i}.txt"
        page.write_text("Site Menu Home\nSubscribe to our newsletter\nPrivacy Policy\nShare on Facebook\n"
                        "News Sport Weather\n"
                        f"Document {i} has a long paragraph of article prose, which is what readers came for.\n"
                        f"Another paragraph, number {i}, with enough words to read like real prose here.\n"
                        "Local Shop Offers\n")
        names.append(str(page))
    one = runner.invoke(cli, ["clean", *names, "--repeated-in", "1", "-j", "1", "--removed", "-"])
    two = runner.invoke(cli, ["clean", *names, "--repeated-in", "1", "-j", "2"])
    assert one.exit_code == two.exit_code == 0
    assert one.stdout == two.stdout
    assert "repeated-across-documents" in one.stderr


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-le", "utf-32-be"])
def test_utf32_with_a_byte_order_mark_is_decoded(runner, encoding):
    text = "Grüße aus Köln 😀.\n"
    data = ("\ufeff" + text).encode(encoding) if encoding != "utf-32" else text.encode(encoding)
    result = runner.invoke(cli, ["fix-encoding"], input=data)
    assert result.exit_code == 0 and result.stdout == text


def test_utf16_byte_order_mark_before_utf8_text_is_not_trusted(runner):
    result = runner.invoke(cli, ["dedup"], input=b"\xff\xfeHello world!!\n")
    assert result.exit_code == 0
    assert result.stdout_bytes == b"\xff\xfeHello world!!\n"  # bytes kept as they were


def test_utf16_without_ascii_is_still_decoded(runner):
    text = "日本語の文章。"  # no ASCII at all: no NUL byte in its UTF-16
    result = runner.invoke(cli, ["dedup"], input=text.encode("utf-16"))
    assert result.exit_code == 0 and result.stdout == text


# --- issue 10: many documents on one stream -------------------------------------------------

PAGE = "Title\nShare on Facebook\nThe same sentence appears on every page of the site.\n"


def test_form_feed_separates_documents_on_stdin(runner):
    stream = PAGE + "\f" + PAGE + "\f" + PAGE
    result = runner.invoke(cli, ["clean", "--separator", "formfeed", "--removed", "-", "--stats", "-"],
                           input=stream)
    assert result.exit_code == 0
    kept = "Title\nThe same sentence appears on every page of the site.\n"
    assert result.stdout == kept + "\f" + kept + "\f" + kept  # each page cleaned on its own, separators kept
    rows = [row.split("\t") for row in result.stderr.splitlines() if row.startswith("<stdin>")]
    assert [(row[0], row[1]) for row in rows] == [("<stdin>#1", "2"), ("<stdin>#2", "2"), ("<stdin>#3", "2")]
    stats = json.loads(result.stderr[result.stderr.index("{"):])
    assert stats["documents"] == 3


def test_without_a_separator_a_stream_is_one_document(runner):
    result = runner.invoke(cli, ["clean"], input=PAGE + "\f" + PAGE)
    assert result.stdout.count("The same sentence") == 1  # the default (none) is unchanged


def test_nul_and_literal_separators(runner):
    result = runner.invoke(cli, ["--separator", "nul", "dedup"], input="a\na\n\0a\n\0")
    assert result.exit_code == 0 and result.stdout == "a\n\0a\n\0"
    many = "\0".join("x" for _ in range(500)) + "\0"  # mostly NUL bytes, still text
    assert runner.invoke(cli, ["--separator", "nul", "dedup"], input=many).stdout == many
    result = runner.invoke(cli, ["--separator", "<<<doc>>>", "dedup"], input="a\na\n<<<doc>>>a\n")
    assert result.stdout == "a\n<<<doc>>>a\n"


def test_separator_applies_to_files_and_mixes_with_corpus_scope(runner, tmp_path):
    source = tmp_path / "pages.txt"
    source.write_text("a\nb\n\fa\nc\n")
    assert runner.invoke(cli, ["--separator", "formfeed", "-i", str(source), "dedup"]).stdout == "a\nb\n\fa\nc\n"
    corpus = runner.invoke(cli, ["--separator", "formfeed", "-i", str(source), "dedup", "--scope", "corpus"])
    assert corpus.stdout == "a\nb\n\fc\n"


@pytest.mark.parametrize("args", [["--separator", "a\nb", "dedup"], ["--separator", "nul", "--jsonl", "dedup"]])
def test_bad_separators_are_usage_errors(runner, args):
    assert runner.invoke(cli, args, input="x\n").exit_code == 2


# --- misplaced words in the chain teach the right command line (issue 13, point 4) ---

def _usage_error(runner, args, tmp_path):
    result = runner.invoke(cli, args, input="")
    assert result.exit_code == 2 and result.stdout == ""
    return result.stderr


def test_file_after_a_stage_shows_the_input_option(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file.txt").write_text("text\n")
    message = _usage_error(runner, ["dedup", "file.txt"], tmp_path)
    assert "No such command 'file.txt'" in message
    assert "Try: cleantext -i file.txt dedup\n" in message


def test_several_files_after_stages_all_move_to_inputs(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    message = _usage_error(runner, ["fix-encoding", "a.txt", "b.txt", "dedup", "--threshold", "90"], tmp_path)
    assert "Try: cleantext -i a.txt -i b.txt fix-encoding dedup --threshold 90\n" in message


def test_output_option_after_a_stage_moves_before_it(runner, tmp_path):
    message = _usage_error(runner, ["dedup", "-o", "out.txt"], tmp_path)
    assert "-o is not an option of 'dedup' but of cleantext itself" in message
    assert "Try: cleantext -o out.txt dedup\n" in message
    assert "No such option" not in message


def test_a_misplaced_option_suggestion_also_moves_the_files_given_after_a_stage(runner, tmp_path, monkeypatch):
    # The suggested command must run as written: a stage takes no files.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "page.txt").write_text("Share on Facebook\nA line of text.\n")
    message = _usage_error(runner, ["strip-debris", "--removed", "-", "page.txt"], tmp_path)
    assert "Try: cleantext --removed - -i page.txt strip-debris\n" in message
    suggested = message.split("Try: cleantext ", 1)[1].split("\n", 1)[0].split(" ")
    done = runner.invoke(cli, suggested)
    assert done.exit_code == 0 and done.stdout == "A line of text.\n"
    assert "page.txt\t1\tstrip-debris\tnavigation:share-bar" in done.stderr  # removed rows beside the text


def test_stage_option_before_clean_moves_after_it(runner, tmp_path):
    message = _usage_error(runner, ["--threshold", "95", "clean", "in.txt"], tmp_path)
    assert "Did you mean '--removed'" not in message
    assert "--threshold is not an option of cleantext itself but of 'dedup' and 'clean'" in message
    assert "Try: cleantext clean in.txt --threshold 95\n" in message


def test_option_of_another_stage_moves_to_that_stage(runner, tmp_path):
    message = _usage_error(runner, ["strip-debris", "--scope=corpus", "dedup"], tmp_path)
    assert "Try: cleantext strip-debris dedup --scope=corpus\n" in message
    alone = _usage_error(runner, ["strip-debris", "--scope", "corpus"], tmp_path)
    assert "--scope is not an option of 'strip-debris' but of 'dedup' and 'clean'" in alone
    assert "Try:" not in alone  # no stage in the chain takes it: nothing to move it to


def test_misspelt_command_and_unknown_option_keep_clicks_suggestions(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert "Did you mean 'dedup'?" in _usage_error(runner, ["dedpu"], tmp_path)
    assert "No such option '--bogus'" in _usage_error(runner, ["clean", "--bogus"], tmp_path)


def test_placement_errors_from_the_real_command(tmp_path):
    import subprocess
    import sys
    result = subprocess.run([sys.executable, "-m", "cleantext", "dedup", "-o", "out.txt"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 2 and "Try: cleantext -o out.txt dedup" in result.stderr
    assert not (tmp_path / "out.txt").exists()


def test_clean_skip_leaves_out_stages(runner):
    skipped = runner.invoke(cli, ["clean", "--skip", "dedup"], input=TEXT)
    chained = runner.invoke(cli, ["fix-encoding", "strip-debris"], input=TEXT)
    assert skipped.exit_code == 0 and skipped.stdout == chained.stdout
    two = runner.invoke(cli, ["clean", "--skip", "dedup", "--skip", "fix-encoding"], input=TEXT)
    assert two.stdout == runner.invoke(cli, ["strip-debris"], input=TEXT).stdout
    every = runner.invoke(cli, ["clean", "--skip", "dedup", "--skip", "fix-encoding", "--skip", "strip-debris"],
                          input=TEXT)
    assert every.exit_code == 2 and "leaves no stage" in every.stderr
    assert runner.invoke(cli, ["clean", "--skip", "nope"], input=TEXT).exit_code == 2


def test_clean_help_groups_options_by_stage(runner):
    text = runner.invoke(cli, ["clean", "--help"]).stdout
    sections = ["Fix-encoding options:", "Strip-debris options:", "Dedup options:", "Input, output and other options:"]
    positions = [text.index(title) for title in sections]
    assert positions == sorted(positions)
    assert positions[0] < text.index("--straight-quotes") < positions[1] < text.index("--keep PATTERN") \
        < positions[2] < text.index("--threshold") < positions[3] < text.index("-o, --output FILE")
    assert text.count("--threshold FLOAT") == 1


def test_documented_shell_completion_completes_commands_and_options():
    import os
    import subprocess
    import sys
    env = {**os.environ, "_CLEANTEXT_COMPLETE": "bash_complete", "COMP_CWORD": "1"}
    script = "from cleantext.__main__ import main; main()"
    commands = subprocess.run([sys.executable, "-c", script], env={**env, "COMP_WORDS": "cleantext de"},
                              capture_output=True, text=True, timeout=60)
    assert commands.stdout.split() == ["plain,dedup"]
    env["COMP_CWORD"] = "2"
    options = subprocess.run([sys.executable, "-c", script], env={**env, "COMP_WORDS": "cleantext clean --sk"},
                             capture_output=True, text=True, timeout=60)
    assert options.stdout.split() == ["plain,--skip"]
    source = subprocess.run([sys.executable, "-c", script], env={**env, "_CLEANTEXT_COMPLETE": "bash_source"},
                            capture_output=True, text=True, timeout=60)
    assert "complete " in source.stdout and "_cleantext_completion" in source.stdout
