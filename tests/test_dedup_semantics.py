"""A near-duplicate is the same statement written again, never a different one, and code is left alone."""

from __future__ import annotations

import string
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleantext import Pipeline
from cleantext.lines import Line
from cleantext.stages.dedup import Dedup
from cleantext.stages.statements import CodeLines, is_code_line, negation_words, statement_signature, unindented_code_line
from test_dedup import brute_force


def kept(texts: list[str], stage: Dedup | None = None) -> list[bool]:
    lines = Pipeline([stage or Dedup()]).clean_lines([Line(i, t) for i, t in enumerate(texts, start=1)])
    return [line.kept for line in lines]


# -- numbers and negations ----------------------------------------------------------


@pytest.mark.parametrize("first, second", [
    ("Manchester United 2, Liverpool 1", "Manchester United 1, Liverpool 2"),
    ("Add 100 g of sugar to the bowl", "Add 200 g of sugar to the bowl"),
    ("Take 1.5 mg twice a day with food", "Take 15 mg twice a day with food"),
    ("Overnight it will fall to -5 degrees", "Overnight it will fall to 5 degrees"),
    ("The meeting is on 12 March at the town hall", "The meeting is on 12 March at the town hall, room 4"),
    ("Version 2.10 of the library fixes the bug", "Version 2.1 of the library fixes the bug"),
])
def test_lines_whose_numbers_differ_are_different_statements(first, second):
    assert kept([first, second]) == [True, True]


def test_the_judge_example_differs_by_a_negation():
    first = "In the end the jury decided that the defendant is guilty of the first charge"
    second = "In the end the jury decided that the defendant is not guilty of the second charge"
    assert kept([first, second]) == [True, True]


@pytest.mark.parametrize("first, second", [
    ("The defendant is guilty of the charge today", "The defendant isn't guilty of the charge today"),
    ("Der Angeklagte ist schuldig im Sinne der Anklage", "Der Angeklagte ist nicht schuldig im Sinne der Anklage"),
    ("L'accusé est coupable du premier chef d'accusation", "L'accusé n'est pas coupable du premier chef d'accusation"),
    ("El acusado es culpable del primer cargo presentado", "El acusado no es culpable del primer cargo presentado"),
    ("O réu é culpado da primeira acusação hoje", "O réu não é culpado da primeira acusação hoje"),
    ("L'imputato è colpevole del primo capo d'accusa", "L'imputato non è colpevole del primo capo d'accusa"),
    ("De verdachte is schuldig aan de eerste aanklacht", "De verdachte is niet schuldig aan de eerste aanklacht"),
    ("Подсудимый виновен по первому пункту обвинения", "Подсудимый не виновен по первому пункту обвинения"),
    ("Oskarżony jest winny pierwszego zarzutu w sprawie", "Oskarżony nie jest winny pierwszego zarzutu w sprawie"),
    ("Terdakwa bersalah atas dakwaan pertama hari ini", "Terdakwa tidak bersalah atas dakwaan pertama hari ini"),
])
def test_a_negation_makes_a_different_statement_in_each_language(first, second):
    assert kept([first, second]) == [True, True]


def test_every_documented_language_has_a_negation_list():
    assert {"en", "de", "fr", "es", "pt", "it", "nl", "ru", "pl", "id"} <= set(negation_words())


def test_the_same_statement_written_again_is_still_a_near_duplicate():
    texts = ["The council approved 2 new budgets on Tuesday, not 3.",
             "the council aproved 2 new budgets on tuesday - not 3",  # typo, case, punctuation
             "The  council approved 2 new budgets on Tuesday, not 3!"]
    assert kept(texts) == [True, False, False]


def test_threshold_100_keeps_lines_that_differ_only_in_a_decimal_point():
    assert kept(["Take 1.5 mg twice a day", "Take 15 mg twice a day"], Dedup(threshold=100)) == [True, True]


words = st.sampled_from(["the", "council", "approved", "budget", "river", "train", "night", "of", "new"])
numbers = st.lists(st.integers(-999, 9999).map(str) | st.sampled_from(["1.5", "15", "0.15", "-5", "5"]),
                   min_size=1, max_size=3)


@settings(max_examples=150, deadline=None)
@given(st.lists(words, min_size=3, max_size=10), numbers, numbers, st.integers(0, 10),
       st.sampled_from([80.0, 90.0, 100.0, 60.0]))
def test_two_lines_whose_number_sequences_differ_are_never_near_duplicates(text, first, second, at, threshold):
    def with_numbers(values: list[str]) -> str:
        return " ".join(text[:at] + values + text[at:])

    a, b = with_numbers(first), with_numbers(second)
    if statement_signature(a) == statement_signature(b):
        return  # equal number sequences: nothing to check
    assert kept([a, b], Dedup(threshold=threshold, min_length=0)) == [True, True]


@given(st.text(alphabet=string.printable))
def test_case_and_spacing_changes_keep_the_signature(text):
    assert statement_signature(" ".join(text.upper().split())) == statement_signature(text)


# -- code ----------------------------------------------------------------------------

PYTHON = '''class Counter:
    def __init__(self):
        self.count = 0

    def up(self):
        self.count += 1
        return self.count

    def down(self):
        self.count -= 1
        return self.count


if __name__ == "__main__":
    print(Counter().up())
'''


def test_repeated_python_lines_survive_and_the_code_still_compiles():
    cleaned = Pipeline([Dedup()]).clean(PYTHON)
    assert cleaned.count("return self.count") == 2
    compile(cleaned, "<cleaned>", "exec")


def test_closing_braces_and_symbol_lines_are_not_duplicates():
    text = "function a() {\n  go();\n}\nfunction b() {\n  go();\n});\n}\n"
    assert Pipeline([Dedup()]).clean(text) == text


def test_the_second_of_two_code_fences_is_kept_and_so_is_their_content():
    text = ("Install it:\n\n```\npip install cleantext-cli\n```\n\nThen run it:\n\n```\n"
            "pip install cleantext-cli\n\n\ncleantext clean page.txt\n```\n\nInstall it:\n")
    lines = Pipeline([Dedup()]).clean_lines([Line(i, t) for i, t in enumerate(text.split("\n")[:-1], 1)])
    removed = sorted((line.number, line.text) for line in lines if not line.kept)
    assert removed == [(15, ""), (16, "Install it:")]  # the last paragraph repeats line 1; its blank line goes too


@pytest.mark.parametrize("line, code", [
    ("}", True), ("});", True), ("    return self.count", True), ("\tx = y", True), ("else:", True),
    ("  end", True), ("-->", True),
    ("Return to the top of the page", False), ("  The river rose again.", False), ("If so:", False),
    ("Home | News | Sport", False), ("© 2024 ACME Media", False),
])
def test_code_lines_are_told_apart_from_prose_line_by_line(line, code):
    assert is_code_line(line) is code


def test_an_unclosed_fence_runs_to_the_end_and_a_longer_fence_closes_it():
    lines = CodeLines()
    assert [lines.is_code(t) for t in ["Prose here.", "~~~~", "Prose?", "~~~", "still code", "~~~~~", "Prose."]] \
        == [False, True, True, True, True, True, False]
    inline = CodeLines()
    assert [inline.is_code(t) for t in ["```inline``` is not a fence", "Prose."]] == [False, False]


prose = st.sampled_from(["The council met on Tuesday.", "The river rose again tonight.",
                         "Night trains return to the coast.", ""])
code_text = st.sampled_from(["The council met on Tuesday.", "x = 1", "}", "", "return x", "The river rose again"])
blocks = st.lists(st.tuples(st.lists(prose, max_size=4), st.lists(code_text, max_size=5),
                            st.sampled_from(["```", "~~~", "````"])), max_size=5)


@settings(max_examples=100, deadline=None)
@given(blocks, st.sampled_from(["document", "window"]), st.sampled_from([1, 3, 4096]))
def test_fenced_block_contents_are_never_removed(parts, scope, batch):
    texts: list[str] = []
    inside: set[int] = set()
    for paragraph, block, fence in parts:
        texts.extend(paragraph)
        start = len(texts)
        texts.extend([fence + "python", *block, fence])
        inside.update(range(start + 1, len(texts) + 1))
    stage = Dedup(scope=scope, window=2)
    lines = list(stage.start(batch_size=batch)(iter(Line(i, t) for i, t in enumerate(texts, start=1))))
    assert all(line.kept for line in lines if line.number in inside)


def test_a_python_file_through_the_cli_stays_valid(tmp_path):
    source = tmp_path / "counter.py"
    source.write_text(PYTHON, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "cleantext", "dedup"], input=PYTHON.encode(),
                         capture_output=True, check=True, timeout=60).stdout.decode()
    compile(out, "counter.py", "exec")
    assert [t for t in out.splitlines() if t.strip()] == [t for t in PYTHON.splitlines() if t.strip()]


# -- the sample corpora ----------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
CORPORA = sorted(p for p in [*ROOT.glob("samples/*.txt"), *ROOT.glob("tests/data/prose/*.txt")]
                 if not p.name.endswith(".expected.txt"))


@pytest.mark.parametrize("path", CORPORA, ids=lambda p: p.name)
def test_sample_corpora_lose_exactly_what_the_specification_removes(path):
    texts = path.read_text(encoding="utf-8").split("\n")
    lines = Pipeline([Dedup()]).clean_lines([Line(i, t) for i, t in enumerate(texts, start=1)])
    assert {line.number for line in lines if line.removed and line.text.strip()} == brute_force(texts)


code_like = st.text(st.sampled_from("ab {}();=<>:-_`~ \t\u00e9\u2014") | st.characters(), min_size=1, max_size=30)


@given(code_like, st.sampled_from(["", "return ", "else", "} ", "x = ", "```", "~~~"]))
def test_unindented_code_line_is_is_code_line_for_lines_starting_without_space_or_tab(text, start):
    text = start + text
    if text[0] in CodeLines.UNPLAIN or not text.strip():
        return
    assert unindented_code_line(text.strip()) == is_code_line(text)


@given(st.lists(st.sampled_from(["```", "~~~", "  ```", "```py", "}", "  x = 1", "plain text", "", "~~~~"]),
                max_size=20))
def test_a_line_starting_without_space_tab_or_fence_mark_never_changes_the_fence(texts):
    code = CodeLines()
    for text in texts:
        before = code.in_fence
        code.is_code(text)
        if not before and text[:1] not in CodeLines.UNPLAIN:
            assert not code.in_fence
