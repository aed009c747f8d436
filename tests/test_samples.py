"""Every bundled sample cleans to the expected text beside it, through CLI and library alike."""

from pathlib import Path

import pytest

import cleantext
from cleantext.cli import cli

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
NAMES = sorted(p.name.removesuffix(".expected.txt") for p in SAMPLES.glob("*.expected.txt"))


def test_samples_are_bundled():
    assert {"news-article", "blog-post", "mojibake", "template-errors"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_cli_output_is_the_expected_text(runner, name):
    result = runner.invoke(cli, ["clean", str(SAMPLES / f"{name}.txt")])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (SAMPLES / f"{name}.expected.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", NAMES)
def test_library_gives_the_same_text(name):
    text = (SAMPLES / f"{name}.txt").read_text(encoding="utf-8")
    assert cleantext.clean(text) == (SAMPLES / f"{name}.expected.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", NAMES)
def test_expected_text_is_a_fixed_point(name):
    expected = (SAMPLES / f"{name}.expected.txt").read_text(encoding="utf-8")
    assert cleantext.clean(expected) == expected


def test_news_article_keeps_both_quotes_that_share_words():
    out = cleantext.clean((SAMPLES / "news-article.txt").read_text(encoding="utf-8"))
    assert "There is no decision to leave the islanders" in out
    assert "no decision whatsoever to leave the bridge" in out
    assert out.count("Harbour town votes to keep its ferry") == 1
    assert "Related news" not in out and "directive" not in out
    assert "\n\n\n" not in out
