"""The README's claims about the audit and reviews match what the code does (issue 13, point 3)."""

from __future__ import annotations

import re
from pathlib import Path

from cleantext.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_blank_line_reasons_in_the_readme_are_the_ones_in_the_audit(runner):
    result = runner.invoke(cli, ["clean", "--removed", "-"], input="\n\nA sentence here.\n\n\n\nAnother one.\n\n")
    reasons = {row.split("\t")[3] for row in result.stderr.splitlines()[1:]}
    assert reasons == {"leading-blank", "blank-run", "trailing-blank"}
    for reason in reasons:
        assert f"`{reason}`" in README
    assert "blank:..." not in README


def test_readme_does_not_promise_a_score_column_in_the_tsv(runner):
    header = runner.invoke(cli, ["clean", "--removed", "-"], input="x\n").stderr.splitlines()[0]
    assert "score" not in header.split("\t")
    assert "the TSV has no score column" in README
    assert not re.search(r"--removed`? with its reason, details and a debris score", README)


def test_review_shows_the_debris_score_the_readme_mentions(runner):
    page = (ROOT / "samples" / "blog-post.txt").read_text()
    review = runner.invoke(cli, ["clean", "--review"], input=page).stdout
    assert re.search(r"strip-debris: boilerplate:\S+: .*\(debris score 0\.\d\d\)", review)


def test_readme_states_the_window_that_bounds_memory():
    from cleantext.stages import debris

    assert "memory does not\ngrow with file size" not in README
    assert "holds one document at a time" not in README
    assert f"windows of at most {debris.WINDOW_BLOCKS:,}\nnon-blank lines" in README
    assert f"A line over {debris.LONG_LINE:,} characters" in README
