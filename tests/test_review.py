"""The review of a run for people: --review (terminal/plain) and --review-html (issue 13, point 1)."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cleantext import Pipeline, default_pipeline
from cleantext.cli import cli
from cleantext.lines import split_lines
from cleantext.review import explain_fix, render_html, render_text, review_documents, visible
from cleantext.stages import FixEncoding

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
PAGE = "Title\n\nTitle\n\ncafÃ© &amp; bar, open daily.\nRead more\nLast line.\n"


def test_review_marks_every_removed_line_with_stage_and_reason(runner):
    result = runner.invoke(cli, ["clean", "--review"], input=PAGE)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "==> <stdin> <== 7 lines, 3 removed, 1 changed"
    assert lines[1:] == [
        "  1 Title",
        "  2 ",
        "- 3 Title  <- dedup: exact-duplicate: repeats line 1",
        "- 4   <- dedup: blank-run",
        "~ 5 cafÃ© &amp; bar, open daily.",
        "~   café & bar, open daily.  <- fix-encoding: apply unescape_html, encode latin-1, decode utf-8",
        "- 6 Read more  <- strip-debris: navigation:read-more",
        "  7 Last line.",
    ]
    assert "\x1b[" not in result.stdout  # not a terminal: plain markers, no colour


def test_review_accounts_for_the_same_lines_as_the_removed_tsv(runner, tmp_path):
    source = SAMPLES / "news-article.txt"
    tsv = tmp_path / "removed.tsv"
    runner.invoke(cli, ["clean", str(source), "--removed", str(tsv)])
    removed_numbers = {int(row.split("\t")[1]) for row in tsv.read_text().splitlines()[1:]}
    review = runner.invoke(cli, ["clean", str(source), "--review"]).stdout.splitlines()[1:]
    marked = {int(line[2:].split()[0]) for line in review if line.startswith("- ")}
    assert marked == removed_numbers
    assert len(review) == len(source.read_text().splitlines())


def test_review_only_asks_ftfy_about_changed_lines(monkeypatch):
    import ftfy

    asked = []
    real = ftfy.fix_and_explain
    def spy(text, config=None, **kwargs):
        if config is not None and config.explain:  # ftfy.fix_text (the stage) calls it without
            asked.append(text)
        return real(text, config, **kwargs)

    monkeypatch.setattr(ftfy, "fix_and_explain", spy)
    [document] = review_documents(default_pipeline(), [("page", split_lines(PAGE))])
    assert asked == ["cafÃ© &amp; bar, open daily."]
    assert document.explanations == {5: "apply unescape_html, encode latin-1, decode utf-8"}


def test_explanation_follows_the_stage_settings():
    assert explain_fix(FixEncoding(), "“quoted”") == "changed"  # nothing to explain: unchanged by default
    assert "uncurl_quotes" in explain_fix(FixEncoding(straight_quotes=True), "“quoted”")


def test_invisible_characters_removed_by_a_fix_are_spelled_out():
    assert visible("coffee\x07 is\u200b hot\udce9\t.") == "coffee\\x07 is\\u200b hot\\xe9\t."


def test_colour_on_a_terminal(tmp_path):
    import shutil

    if shutil.which("script") is None:
        pytest.skip("needs script(1) for a pseudo-terminal")
    page = tmp_path / "page.txt"
    page.write_text(PAGE)
    command = f"{sys.executable} -m cleantext clean {page} --review"
    done = subprocess.run(["script", "-qec", command, "/dev/null"], capture_output=True, text=True, timeout=60)
    assert "\x1b[9;31mTitle\x1b[0m" in done.stdout  # removed: red, struck through
    assert "\x1b[33m<- dedup: exact-duplicate: repeats line 1\x1b[0m" in done.stdout
    plain = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout).replace("\r\n", "\n")
    assert "- 3 Title  <- dedup: exact-duplicate" in plain


def test_review_html_is_a_page_with_each_line(runner, tmp_path):
    report = tmp_path / "review.html"
    sources = [str(SAMPLES / "news-article.txt"), str(SAMPLES / "mojibake.txt")]
    result = runner.invoke(cli, ["clean", *sources, "--review-html", str(report)])
    assert result.exit_code == 0 and result.stdout == ""
    page = report.read_text()
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script" not in page and "http" not in page.split("<body>")[0]  # self-contained
    assert page.count('<tr class="removed">') == 8
    assert page.count('<tr class="changed">') == 7
    assert html.escape("template-error:apache-ssi") in page
    assert "apply unescape_html, encode sloppy-windows-1252, decode utf-8" in page
    total = sum(len(Path(s).read_text().splitlines()) for s in sources)
    assert page.count('<td class="n">') == total


def test_review_html_escapes_markup():
    [document] = review_documents(Pipeline([]), [("<b>", split_lines("<script>x</script>\n"))])
    page = "".join(render_html([document]))
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_review_does_not_combine_with_writing_options(runner, tmp_path):
    for extra in (["--in-place"], ["--output-dir", str(tmp_path / "o")], ["--jsonl"], ["--stats", "-"]):
        result = runner.invoke(cli, ["clean", str(SAMPLES / "mojibake.txt"), "--review", *extra])
        assert result.exit_code == 2 and "do not combine" in result.stderr


def test_review_to_a_file_and_a_missing_input(runner, tmp_path):
    out = tmp_path / "review.txt"
    result = runner.invoke(cli, ["clean", str(SAMPLES / "mojibake.txt"), str(tmp_path / "missing.txt"),
                                 "--review", "-o", str(out)])
    assert result.exit_code == 1 and "missing.txt: no such file" in result.stderr
    assert out.read_text().startswith("==> ")


def test_render_text_without_documents_is_empty():
    assert list(render_text([])) == []
