"""The prefilter never makes a line skip the rules when one of them would match it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleantext.stages.rules import _lowercase_pattern, _Matcher, builtin_rules
from cleantext.stages import rule_prefilter
from cleantext.stages.rule_prefilter import DIGIT, conditions, line_filter
from test_debris_rules import EXAMPLES
from test_rule_complexity import _pieces

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT.parent / "shared" / "eval", ROOT / "samples", ROOT / "tests" / "data"]


@pytest.fixture(scope="module")
def matcher() -> _Matcher:
    matcher = _Matcher(builtin_rules())
    assert matcher._may_match is not None  # every built-in rule yields a condition
    return matcher


@pytest.fixture(scope="module")
def unfiltered() -> _Matcher:
    matcher = _Matcher(builtin_rules())
    matcher._may_match = None  # every line through the one alternation
    return matcher


def skipped_but_matching(matcher: _Matcher, lines, unfiltered: _Matcher) -> list[str]:
    """Lines the prefilter keeps from the rule the whole alternation finds: skipped
    altogether, or given only alternatives that do not include it."""
    lowered = (line.strip().lower() for line in lines)
    return [line for line in lowered if matcher._match_fast(line) != unfiltered._match_fast(line)]


def test_no_line_of_the_pages_a_rule_matches_is_skipped(matcher, unfiltered):
    files = [p for folder in PAGES for p in folder.rglob("*.txt") if not p.name.endswith(".expected.txt")]
    assert files
    lines = {line for p in files for line in p.read_text("utf-8", "surrogateescape").splitlines() if line.strip()}
    assert skipped_but_matching(matcher, lines, unfiltered) == []
    tried = [matcher._may_match(line.strip().lower()) for line in lines]
    assert sum(not rules for rules in tried) > len(lines) / 2  # most lines try no rule
    # and the others only a few of the 34 (a year: the two date rules; "Share on": share-bar)
    assert any(tried) and max(map(len, tried)) < len(matcher._alone) / 2


def test_every_positive_example_passes_the_filter_of_its_own_rule():
    for rule in builtin_rules():
        may_match = line_filter((_lowercase_pattern(rule.pattern),))
        assert may_match is not None, rule.name
        assert may_match(EXAMPLES[rule.qualified_name][0].strip().lower()), rule.name


WORDS = sorted({w.strip() for rule in builtin_rules() for w in _pieces(_lowercase_pattern(rule.pattern))[0]
                if w.strip()} | {"1", "12", "2019", "©", "»", ":", "|", "(", ")", "...", "…"})


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(WORDS) | st.text(max_size=6), min_size=1, max_size=8),
       st.sampled_from(["", " ", "  ", " | ", ", ", ": "]), st.booleans())
def test_lines_made_of_rule_words_and_random_text_are_never_wrongly_skipped(matcher, unfiltered, parts, separator,
                                                                           upper):
    line = separator.join(parts)
    line = line.upper() if upper else line.capitalize()
    assert skipped_but_matching(matcher, [line], unfiltered) == []


@pytest.mark.parametrize(("pattern", "prefixes", "needles"), [
    ("(?:home|start)\\s*:", {"home", "start"}, set()),
    ("(?:\\d{1,2}:)?\\d{1,2}:\\d{2}", None, None),
    (".{0,80}(?:join|subscribe) now", set(), {"join now", "subscribe now"}),
    ("(?:[«‹]+ ?)?next", {"«", "‹", "next"}, set()),
    ("(?:foo|\\s)+bar", {"foo"}, set()),  # a stripped line starts with no space
])
def test_conditions_read_from_patterns(pattern, prefixes, needles):
    found = conditions(pattern)
    assert found is not None
    if prefixes is not None:
        assert found[0] == prefixes
    else:
        assert found[0] and all(p.startswith(DIGIT) for p in found[0])
    if needles is not None:
        assert set().union(*(strings for strings, _ in found[1])) == needles


def test_a_needle_after_a_bounded_start_is_looked_for_only_that_far():
    [(strings, offset)] = conditions(".{0,80}(?:join|subscribe) now")[1]
    assert offset == 80
    may_match = line_filter((".{0,80}(?:join|subscribe) now",))
    assert may_match("x" * 80 + "join now")
    assert not may_match("x" * 90 + "join now")  # the window: 80 + len("subscribe now")
    [(strings, offset)] = conditions("\\w+ says")[1]
    assert strings == {" says"} and offset == float("inf")


@pytest.mark.parametrize("pattern", [".*", "\\w+", "(?i)home", "a?", "(?!x).+", "\x00+"])
def test_patterns_with_nothing_necessary_give_no_filter(pattern):
    may_match = line_filter((pattern,))
    assert may_match is None or all(may_match(line) for line in ["x", "home", "a", "\x00", "z says"])


def test_an_ordinary_sentence_skips_the_rules(matcher):
    assert not matcher._may_match("the council met on tuesday and voted to keep the ferry.")
    assert matcher._may_match("z says:")  # a needle anywhere: "NAME says:" (comment-chrome)


def test_a_line_that_starts_like_no_rule_tries_only_the_rules_whose_needles_it_holds(matcher):
    names = [rule.name for rule in matcher.rules if not rule.requires]
    tried = matcher._may_match("the ferry was renamed in 2019 after the storm.")
    assert {names[i] for i in tried} == {"comment-date", "byline-date"}
    assert matcher._match_fast("the ferry was renamed in 2019 after the storm.") is None
    assert [names[i] for i in matcher._may_match("share on facebook")] == ["share-bar"]  # what it starts like
    # a line that starts like one rule and holds another's needle tries both, in catalogue order
    tried = matcher._may_match("share this: all rights reserved")
    assert {"share-bar", "copyright"} <= {names[i] for i in tried} and list(tried) == sorted(tried)


def test_only_the_rules_a_line_needs_are_compiled():
    matcher = _Matcher(builtin_rules())
    assert matcher.match("Share on Facebook").qualified_name == "navigation:share-bar"
    assert matcher.match("The council met on Tuesday.") is None
    names = [matcher.rules[matcher._alone[i][0]].name for i in matcher._compiled_alone]
    assert names == ["share-bar"]
    assert matcher._fast == matcher._first_fast  # the alternation of all rules was never compiled


NEEDLES = ["all rights reserved", " says", " wrote", "(photo", "credit", f", {DIGIT * 4}", f" at {DIGIT}:{DIGIT * 2}",
           "版权所有", "{{", "<%", "sign up for ", "register for "]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(NEEDLES + ["2019", "12:30", "x", " ", "says", "all rights", "(", "版"])
                | st.text(max_size=5), max_size=8),
       st.lists(st.sampled_from(NEEDLES), min_size=1, max_size=len(NEEDLES), unique=True))
def test_needles_found_by_rare_characters_are_the_needles_a_plain_search_finds(parts, needles):
    line = "".join(parts)
    anchored = re.compile(rule_prefilter.anchored_regex(needles))
    plain = re.compile("|".join(rule_prefilter._escape(needle) for needle in needles))
    for end in (len(line), len(line) // 2):  # the near needles are looked for up to a window
        assert (anchored.search(line, 0, end) is None) == (plain.search(line, 0, end) is None), (line, end)


def test_the_stored_filter_of_the_built_in_rules_equals_a_fresh_derivation():
    """`rule_prefilter.write_cache()` regenerates it after a rule changes."""
    patterns = rule_prefilter.builtin_patterns()
    assert rule_prefilter._cached(patterns) == rule_prefilter.derive(patterns) is not None
    assert rule_prefilter._cached(patterns[1:]) is None  # another rule set is derived afresh
