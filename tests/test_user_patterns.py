"""User patterns (--rules, --keep) cannot hang a document, and say so once when given up."""

from __future__ import annotations

import subprocess
import sys
import time
import warnings

import pytest

from cleantext import Pipeline, StripDebris, split_lines
from cleantext.cli import cli
from cleantext.stages.rules import PatternTimeout, Rule, _Matcher, _PatternBudget

#: Each of these lines makes ``(a|a)+b`` backtrack for far longer than the 0.05 s a
#: user pattern gets per line; 400 distinct ones took 20-30 s before the budget.
CATASTROPHIC = "".join(f"{'a' * 28}c{n}\n" for n in range(400))


@pytest.fixture
def evil_rules(tmp_path):
    path = tmp_path / "rules.txt"
    path.write_text("evil\t(a|a)+b\n")
    return str(path)


def test_a_pattern_that_times_out_is_given_up_for_the_rest_of_the_document(evil_rules):
    started = time.perf_counter()
    with pytest.warns(PatternTimeout) as caught:
        out = Pipeline([StripDebris(rules_file=(evil_rules,), heuristics=False)]).clean(CATASTROPHIC)
    assert out == CATASTROPHIC
    assert len(caught) == 1
    assert "custom:evil" in str(caught[0].message)
    assert time.perf_counter() - started < 5


def test_a_catastrophic_keep_pattern_is_given_up_too():
    started = time.perf_counter()
    with pytest.warns(PatternTimeout, match="--keep pattern"):
        out = Pipeline([StripDebris(keep=("(a|a)+b",), heuristics=False)]).clean(CATASTROPHIC)
    assert out == CATASTROPHIC
    assert time.perf_counter() - started < 5


def test_each_document_gets_the_pattern_back_and_skipped_lines_are_not_remembered(evil_rules):
    """A line the given-up pattern did not try in one document is tried in the next."""
    stage = StripDebris(rules_file=(evil_rules,), heuristics=False)
    run = stage.start()
    first = "a" * 28 + "c\n" + "aab\n"
    with pytest.warns(PatternTimeout):
        kept = [line.text for line in run(iter(split_lines(first))) if line.removed is None]
    assert "aab" in kept
    removed = [line.text for line in run(iter(split_lines("aab\n"))) if line.removed is not None]
    assert removed == ["aab"]


def test_a_pattern_that_spent_its_budget_on_a_document_is_given_up():
    rule = Rule("custom", "slow", "a+b")
    matcher = _Matcher([rule], timeout=0.05)
    budget = _PatternBudget(seconds=1.0)
    assert matcher.match("aab", budget) is rule
    with pytest.warns(PatternTimeout, match="spent 1 s"):
        budget.spend(rule, 1.0)
    budget.complete = True
    assert matcher.match("aab", budget) is None
    assert budget.complete is False


def test_requires_gates_user_rules_as_it_gates_builtin_ones(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text("[[rule]]\nname = 'ferry'\npattern = '.*ferry.*'\nrequires = ['boat']\n")
    stage = StripDebris(rules_file=(str(path),), heuristics=False)
    removed = [line.text for line in stage.process(iter(split_lines("The ferry boat left\nThe ferry left\n")))
               if line.removed is not None]
    assert removed == ["The ferry boat left"]


def test_cli_reports_a_timeout_as_one_cleantext_line_naming_file_and_rule(runner, tmp_path, evil_rules):
    page = tmp_path / "page.txt"
    page.write_text(CATASTROPHIC)
    with warnings.catch_warnings(record=True) as escaped:
        warnings.simplefilter("always")
        result = runner.invoke(cli, ["-i", str(page), "strip-debris", "--rules", evil_rules, "--rules-only"])
    assert escaped == []  # nothing leaks past the batch as a Python warning
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line]
    assert len(notes) == 1
    assert notes[0].startswith(f"cleantext: {page}: rule 'custom:evil' ")
    assert "Warning" not in result.stderr


def test_real_process_with_jobs_names_each_file_once(tmp_path, evil_rules):
    pages = []
    for name in ("one.txt", "two.txt"):
        pages += ["-i", str(tmp_path / name)]
        (tmp_path / name).write_text(CATASTROPHIC)
    done = subprocess.run([sys.executable, "-m", "cleantext", *pages, "-j", "2", "-o", str(tmp_path / "out.txt"),
                           "strip-debris", "--rules", evil_rules, "--rules-only"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert sorted(line.split(": ")[1] for line in lines) == [str(tmp_path / "one.txt"), str(tmp_path / "two.txt")]
    assert all(line.startswith("cleantext: ") and "custom:evil" in line for line in lines)
