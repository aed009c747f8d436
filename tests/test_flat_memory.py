"""Flat memory: strip-debris judges bounded windows, output streams, long lines stay cheap.

See `StripDebris._windows` (how a document longer than a window is judged),
`collapse_blank_lines` (one pending run) and the long-line limits of strip-debris,
dedup and fix-encoding.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path
from unittest import mock

import ftfy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleantext import Pipeline
from cleantext.lines import Line, split_lines
from cleantext.stages import blank_lines, debris, dedup
from cleantext.stages.blank_lines import collapse_blank_lines
from cleantext.stages.debris import StripDebris
from cleantext.stages.dedup import Dedup
from cleantext.stages.encoding import FixEncoding

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"

WORDS = ("harbour council ferry island vote bridge mayor report fishermen channel boats weather spring "
         "summer winter passengers vehicles engines contract operator signatures chamber gallery rain "
         "cost route construction piers hotel visitors shopkeepers authority subsidy fares residents "
         "discount pupils school mainland crossing dispute community study result decision").split()
STOPWORDS = "the of and to in that it was for on with as at by from they this which but not".split()
MENU = ["Home", "News", "Sport", "Business", "Culture", "Weather", "Contact us", "Privacy policy",
        "Share on Facebook", "Share on Twitter", "Subscribe to our newsletter"]
FOOTER = ["Terms of use", "About us", "Advertise with us", "© 2025 Town News. All rights reserved."]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS if i % 2 else STOPWORDS) for i in range(rng.randint(14, 24))]
    return " ".join(words).capitalize() + "."


def page(rng: random.Random, paragraphs: int = 4) -> tuple[str, list[str]]:
    """A page dump (menus, headline, article, footer) and its article paragraphs."""
    article = [" ".join(sentence(rng) for _ in range(3)) for _ in range(paragraphs)]
    headline = " ".join(rng.choice(WORDS) for _ in range(6)).capitalize()
    lines = MENU + ["", headline, ""] + [p + "\n" for p in article] + FOOTER
    return "\n".join(lines) + "\n", article


def judged(stage: StripDebris, text: str) -> list[tuple[int, str | None]]:
    """(line number, removal rule) of every line, in the order the stage yields them."""
    return [(line.number, line.removed and line.removed.rule) for line in stage.process(iter(split_lines(text)))]


def test_long_stream_of_pages_keeps_every_article():
    rng = random.Random(7)
    pages = [page(rng) for _ in range(700)]
    document = "".join(text for text, _ in pages)
    assert document.count("\n") > 3 * debris.WINDOW_BLOCKS  # several windows
    kept = Pipeline([StripDebris()]).clean(document).splitlines()
    kept_set = set(kept)
    for _, article in pages:
        assert all(paragraph in kept_set for paragraph in article)
    # and the debris still goes: no menu line survives between the articles
    assert not kept_set & set(MENU + FOOTER)
    # each page alone keeps the same article lines
    alone = Pipeline([StripDebris()]).clean(pages[0][0]).splitlines()
    assert [line for line in alone if line] == [line for line in kept[:len(alone)] if line]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(
    ["", "", "Home", "News", "Share on Facebook", "© 2025 Town News", "Read more", "Tour dates:",
     "12 May: Lisbon", "13 May: Porto", "The vote was close.",
     "The council met on Tuesday and the vote was close, so the ferry will keep running for years.",
     "The ferry carries about 1,200 passengers a day in summer and half that in winter, the operator says in its report.",
     "  indented code line", "Posted on 12 March 2024", "Warning: include(x.php) failed in /var/www/a.php on line 3"]),
    min_size=1, max_size=80), st.integers(0, 10))
def test_a_document_that_fits_one_window_is_judged_whole(lines, spare):
    """The window driver changes nothing for a document that fits: even when the window
    is full exactly at the document's end, the result is the whole-document judgement."""
    text = "\n".join(lines) + "\n"
    whole = judged(StripDebris(), text)
    blocks = sum(1 for line in lines if line.strip())
    with mock.patch.object(debris, "WINDOW_BLOCKS", max(1, blocks + spare)), \
            mock.patch.object(debris, "WINDOW_HELD", len(lines) + spare + 1):
        assert judged(StripDebris(), text) == whole


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(
    ["", "Home", "News", "Share on Facebook", "© 2025 Town News", "The vote was close.",
     "The council met on Tuesday and the vote was close, so the ferry will keep running for years.",
     "Posted on 12 March 2024"]), min_size=1, max_size=200), st.integers(2, 30))
def test_small_windows_account_for_every_line_in_order(lines, window):
    text = "\n".join(lines) + "\n"
    with mock.patch.object(debris, "WINDOW_BLOCKS", window), mock.patch.object(debris, "CONTEXT_BLOCKS", 3):
        out = judged(StripDebris(), text)
    assert [number for number, _ in out] == list(range(1, len(lines) + 1))
    reasons = ("navigation:", "template-error:", "boilerplate:", "leading-blank", "blank-run", "trailing-blank")
    assert all(rule is None or rule.startswith(reasons) for _, rule in out)


def dev_pages() -> list[Path]:
    return sorted(p for folder in ("extraction-dev", "cleaneval-dev", "multilingual-dev")
                  for p in (EVAL / folder).rglob("*.txt") if not p.name.endswith(".expected.txt"))


@pytest.mark.skipif(not EVAL.is_dir(), reason="../shared/eval not present")
def test_every_dev_page_fits_one_window():
    """So the windows change no dev result (compared byte for byte in the report)."""
    for path in dev_pages():
        lines = split_lines(path.read_text("utf-8", "surrogateescape"))
        assert sum(1 for line in lines if line.text.strip()) < debris.WINDOW_BLOCKS, path
        assert sum(len(line.text) for line in lines) < debris.WINDOW_CHARS, path
        assert len(lines) < debris.WINDOW_HELD, path
        assert max(len(line.text) for line in lines) <= debris.LONG_LINE, path


@pytest.mark.skipif(not EVAL.is_dir(), reason="../shared/eval not present")
@pytest.mark.parametrize("name", ["extraction-dev/0", "cleaneval-dev/dev-33", "multilingual-dev/multilingual/ja.page"])
def test_dev_page_judged_the_same_when_the_window_ends_with_it(name):
    candidates = sorted((EVAL / name).parent.glob(Path(name).name + "*.txt"))
    path = next(p for p in candidates if not p.name.endswith(".expected.txt"))
    text = path.read_text("utf-8")
    blocks = sum(1 for line in text.splitlines() if line.strip())
    whole = judged(StripDebris(), text)
    with mock.patch.object(debris, "WINDOW_BLOCKS", blocks):
        assert judged(StripDebris(), text) == whole


def feed(process: subprocess.Popen, rng: random.Random, got_output: threading.Event, limit: int) -> int:
    assert process.stdin is not None
    written = 0
    while not got_output.is_set() and written < limit:
        data = page(rng)[0].encode()
        process.stdin.write(data)
        written += len(data)
    process.stdin.flush()
    return written


def test_clean_streams_output_before_input_ends():
    """A real pipe: the first cleaned lines come out while standard input is still open."""
    process = subprocess.Popen([sys.executable, "-m", "cleantext", "clean"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT)
    watchdog = threading.Timer(120, process.kill)  # a hang fails the test (broken pipe) instead of hanging it
    watchdog.start()
    got_output = threading.Event()
    first: list[bytes] = []

    def read() -> None:
        assert process.stdout is not None
        first.append(process.stdout.read1(1 << 16))
        got_output.set()
        process.stdout.read()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        written = feed(process, random.Random(3), got_output, limit=40_000_000)
        assert got_output.wait(60), "no output within 60 s"
        assert written < 40_000_000, "no output before 40 MB of input"
        assert first[0]  # real text, not end of file: stdin is still open
    finally:
        process.stdin.close()  # type: ignore[union-attr]
        process.wait(60)
        reader.join(60)
        watchdog.cancel()
    assert process.returncode == 0


def test_held_blank_line_lets_a_long_run_of_removed_lines_go_ahead():
    """At most MAX_BEHIND lines wait behind a held blank line: the rest stream."""
    consumed = 0

    def lines():
        nonlocal consumed
        for line in [Line(1, "Text"), Line(2, "")] + [
                Line(3 + i, "x", removed=debris.Removal("x", "x")) for i in range(25)] + [Line(99, "More")]:
            consumed += 1
            yield line

    with mock.patch.object(blank_lines, "MAX_BEHIND", 10):
        out = collapse_blank_lines(lines(), "strip-debris")
        numbers = []
        for line in out:
            numbers.append(line.number)
            if line.number == 3:
                assert consumed < 28  # removed lines came out before the input's next text line
    assert sorted(numbers) == [1, 2] + list(range(3, 28)) + [99]
    assert numbers[-2:] == [2, 99]  # the held blank line still sits just before the text it separates


#: Runs a command and prints its peak RSS in KB. Measured from this small process: a
#: child forked straight from pytest would report pytest's own peak as its floor.
MEASURE = ("import resource, subprocess, sys; subprocess.run(sys.argv[2:], stdin=open(sys.argv[1], 'rb'),"
           " stdout=subprocess.DEVNULL, check=True);"
           " print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def peak_rss_mb(argv: list[str], data: Path) -> float:
    """Peak RSS of one run of `argv` < `data` (MB)."""
    result = subprocess.run([sys.executable, "-c", MEASURE, str(data), *argv], capture_output=True, text=True,
                            cwd=ROOT, timeout=120, check=True)
    return int(result.stdout) / 1024


def test_a_long_line_costs_memory_in_proportion_to_itself(tmp_path):
    """A 20 MB line: peak RSS above a one-line run stays within 5x the line (1.8x
    measured; it was 28x: dedup hashed every character of it)."""
    rng = random.Random(5)
    words = [sentence(rng) for _ in range(200)]
    line = " ".join(rng.choice(words) for _ in range(150_000))[:20_000_000]
    big = tmp_path / "line.txt"
    big.write_text(line + "\n")
    small = tmp_path / "small.txt"
    small.write_text(words[0] + "\n")
    argv = [sys.executable, "-m", "cleantext", "clean"]
    base = peak_rss_mb(argv, small)
    peak = peak_rss_mb(argv, big)
    assert peak - base < 5 * len(line) / 1e6, (base, peak)


def test_a_long_line_is_not_judged_by_the_built_in_rules():
    """A 30,000-character paragraph that mentions cookies and consent is not a cookie notice."""
    rng = random.Random(1)
    text = " ".join(sentence(rng) for _ in range(200))
    long_line = "We use cookies and ask your consent, the operator wrote. " + text
    assert len(long_line) > debris.LONG_LINE
    assert Pipeline([StripDebris(heuristics=False)]).clean(long_line + "\n") == long_line + "\n"
    short = "We use cookies and ask your consent. Accept all cookies"
    assert Pipeline([StripDebris(heuristics=False)]).clean(short + "\n") == ""


def test_a_long_prose_line_is_judged_as_prose():
    rng = random.Random(2)
    long_line = " ".join(sentence(rng) for _ in range(300))
    facts = debris._long_line_facts(long_line, None)
    assert facts[0] == "good" and abs(facts[3] - len(long_line)) < 0.05 * len(long_line)
    text, article = page(rng)
    document = text.replace(article[1], long_line)
    assert long_line in Pipeline([StripDebris()]).clean(document).splitlines()


def test_dedup_matches_a_very_long_line_exactly_only():
    rng = random.Random(4)
    long_line = " ".join(sentence(rng) for _ in range(1200))
    assert len(long_line) > dedup.EXACT_ONLY_LENGTH
    near = long_line.replace(".", "!", 3)
    text = f"{long_line}\n{near}\n{long_line}\n"
    removed = [(line.number, line.removed.rule) for line in Pipeline([Dedup()]).removals(text)]
    assert removed == [(3, "exact-duplicate")]


def test_dedup_batches_by_characters_without_changing_results():
    rng = random.Random(6)
    paragraphs = [" ".join(sentence(rng) for _ in range(40)) for _ in range(30)]
    lines = [rng.choice(paragraphs) + rng.choice(["", "!", " Indeed."]) for _ in range(300)]
    text = "\n".join(lines) + "\n"
    assert len(text) > 2 * dedup.BATCH_CHARS

    def removals(batch: int) -> list:
        clean = Dedup().start(batch_size=batch)
        return [(l.number, l.removed and l.removed.describe()) for l in clean(iter(split_lines(text)))]

    assert removals(4096) == removals(1)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["caf\u00c3\u00a9 ", "&amp; ", "<b>", "plain words ", "\u00e2\u20ac\u2122 ",
                                 "na\u00efve ", "\U0001f600", "e\u0301 ", "x" * 40]), min_size=1, max_size=120))
def test_a_line_longer_than_an_ftfy_segment_is_fixed_as_ftfy_fixes_it(pieces):
    text = "".join(pieces)
    stage = FixEncoding()
    config = stage._config._replace(max_decode_length=64)
    stage.__dict__["_config"] = config  # small segments, so short texts cross them
    assert stage.fix(text) == ftfy.fix_text(text, config)


SECTIONS = ["Home", "News", "Local", "World", "Sport", "Business", "Culture", "Opinion", "Weather",
            "Travel", "Food", "Science", "Health", "Education", "Property", "Jobs", "Motoring", "Puzzles",
            "Obituaries", "Letters", "Events", "Podcasts", "Video", "Photos", "Archive"]


def page_with_comments(rng: random.Random, paragraphs: int) -> tuple[str, list[str]]:
    """A page dump with a comment section under its article, and its article paragraphs."""
    article = [" ".join(sentence(rng) for _ in range(2)) for _ in range(paragraphs)]
    comments = []
    for name in ("Ann", "Bob", "Cy"):
        comments += [f"{name} says:", "March 3, 2024 at 10:15 am", sentence(rng), "Reply"]
    lines = (SECTIONS + MENU + ["", " ".join(rng.choice(WORDS) for _ in range(6)).capitalize(), ""]
             + article + ["3 comments on this story", "Leave a comment"] + comments + FOOTER)
    return "\n".join(lines) + "\n", article


def test_stream_of_pages_judged_in_windows_keeps_what_each_page_alone_keeps():
    """A comment section ends with its page: judged in windows, the pages after one are
    judged as pages (their whole article), not left with their strongest run of prose."""
    rng = random.Random(11)
    pages = [page_with_comments(rng, rng.choice((1, 2, 4))) for _ in range(60)]
    with mock.patch.object(debris, "WINDOW_BLOCKS", 600), mock.patch.object(debris, "WINDOW_HELD", 2400):
        assert "".join(text for text, _ in pages).count("\n") > 3 * debris.WINDOW_BLOCKS  # several windows
        kept = set(Pipeline([StripDebris()]).clean("".join(text for text, _ in pages)).splitlines())
    for text, article in pages:
        alone = set(Pipeline([StripDebris()]).clean(text).splitlines())
        assert [p for p in article if p in alone] == [p for p in article if p in kept]
    assert not kept & set(SECTIONS + MENU + FOOTER)
