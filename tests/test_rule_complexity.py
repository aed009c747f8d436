"""Every built-in rule runs in time linear in the line: no catastrophic backtracking.

A rule that lists items ("English | Deutsch | ..." menus, share bars) backtracks
exponentially when an item or a separator can be matched in more than one way: a
139-byte language menu with one word the rule did not know took 16 s. These tests
build long adversarial lines of each rule's own shape, from the words and characters
of its pattern, repeated with its separators, with and without a final character
that makes the match fail, and check that all rules get through them well within a
hang bound (the whole set takes well under a second when every rule is linear).
"""

from __future__ import annotations

import random
import re
import re._constants as sre
import re._parser as sre_parse
import subprocess
import sys
import time

import pytest
import regex

from cleantext.stages.rules import _lowercase_pattern, builtin_rules

#: Length of the adversarial lines; a rule that backtracks exponentially hangs long
#: before this, a quadratic one takes seconds at the longer mixes.
LENGTH = 400
#: Seconds the whole set may take: a hang bound, not a benchmark.
HANG_BOUND = 20.0
TAILS = ("", "\x00", " \x00!", "1", " ")


def _pieces(pattern: str) -> tuple[list[str], list[str]]:
    """The literal runs of `pattern` and one sample character of each of its classes."""
    words, chars = set(), set()
    samples = {sre.CATEGORY_DIGIT: "1", sre.CATEGORY_SPACE: " ", sre.CATEGORY_WORD: "a"}

    def walk(items) -> None:
        run: list[str] = []
        for op, arg in items:
            if op is sre.LITERAL:
                run.append(chr(arg))
                continue
            if run:
                words.add("".join(run))
                run = []
            if op is sre.IN:
                for kind, value in arg:
                    if kind is sre.LITERAL:
                        chars.add(chr(value))
                    elif kind is sre.RANGE:
                        chars.update((chr(value[0]), chr(value[1])))
                    elif kind is sre.CATEGORY and value in samples:
                        chars.add(samples[value])
            elif op is sre.ANY:
                chars.add("x")
            elif op is sre.BRANCH:
                for branch in arg[1]:
                    walk(branch)
            elif op is sre.SUBPATTERN:
                walk(arg[-1])
            elif op is sre.ATOMIC_GROUP:
                walk(arg)
            elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
                walk(arg[2])
            elif op in (sre.ASSERT, sre.ASSERT_NOT):
                walk(arg[1])
        if run:
            words.add("".join(run))

    walk(sre_parse.parse(pattern))
    return sorted(words), sorted(chars)


def adversarial_lines(pattern: str, length: int = LENGTH, mixes: int = 12) -> list[str]:
    """Long lines made of the rule's own items and separators.

    Each item repeated with each separator; all items in turn; and seeded random
    mixes of items and separators (``English (US) | English (UK) | ...``). Each line
    comes with several endings, some of which make the whole match fail.
    """
    words, chars = _pieces(_lowercase_pattern(pattern))
    separators = ["", " "] + [c for c in chars if not c.isalnum()] + [" | ", ", ", " / "]
    units = words + chars + ["(us)"]
    bodies = []
    for separator in separators:
        everything = separator.join(units) + separator
        bodies.append(everything * (length // len(everything) + 1))
        bodies += [(unit + separator) * (length // len(unit + separator) + 1) for unit in units]
    rng = random.Random(pattern)
    for _ in range(mixes):
        line = ""
        while len(line) < length:
            line += rng.choice(units) + rng.choice(separators)
        bodies.append(line)
    return [body[:length].strip() + tail for body in bodies for tail in TAILS]


def test_generator_builds_the_shape_of_the_reported_language_menu():
    rule = next(r for r in builtin_rules() if r.name == "language-switch")
    lines = adversarial_lines(rule.pattern)
    assert any("english | " in line and line.endswith("\x00") for line in lines)
    assert any("(us)" in line for line in lines)


def test_reported_language_menus_are_fast_and_still_removed():
    from cleantext.stages.rules import _Matcher

    matcher = _Matcher(builtin_rules())
    menu = ("English (US) | English (UK) | Deutsch | Français | Español | Português | Italiano | "
            "Nederlands | Polski | Русский | 中文 | 日本語 | 한국어 | العربية")
    started = time.perf_counter()
    assert matcher.match(menu).name == "language-switch"
    assert matcher.match(menu + " | Türkçe") is None
    assert matcher.match(menu.replace(" |", "") + " Türkçe") is None
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize("rule", builtin_rules(), ids=lambda rule: rule.name)
def test_rule_is_linear_on_the_regex_engine(rule):
    """The `regex` engine (timed user rules, the fallback) never times out."""
    compiled = regex.compile(rule.pattern, regex.IGNORECASE | regex.V0)
    for line in adversarial_lines(rule.pattern):
        try:
            compiled.fullmatch(line, timeout=2.0)
        except TimeoutError:
            pytest.fail(f"{rule.name} backtracks catastrophically on {line[:80]!r}...")


_RE_CHECK = """
import re, sys
sys.path.insert(0, {tests!r})
from test_rule_complexity import adversarial_lines
from cleantext.stages.rules import _lowercase_pattern, builtin_rules
for rule in builtin_rules():
    print(rule.name, flush=True)
    compiled = re.compile(_lowercase_pattern(rule.pattern))
    for line in adversarial_lines(rule.pattern):
        compiled.fullmatch(line.lower())
print("done", flush=True)
"""


def test_every_rule_is_linear_on_the_re_engine_that_runs_them():
    """The stdlib `re` engine (what built-in rules run on) has no timeout: run the
    lines in a child process and name the rule it was stuck in."""
    from pathlib import Path

    code = _RE_CHECK.format(tests=str(Path(__file__).parent))
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=HANG_BOUND)
    except subprocess.TimeoutExpired as expired:
        output = expired.stdout.decode() if isinstance(expired.stdout, bytes) else (expired.stdout or "")
        stuck = output.split()[-1] if output.split() else "?"
        pytest.fail(f"rule {stuck} did not finish its adversarial lines in {HANG_BOUND} s")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == "done"


def test_item_lists_match_as_before():
    """The rewritten list rules still take the lists they took."""
    from cleantext.stages.rules import _Matcher

    rules = {rule.name: rule for rule in builtin_rules()}
    cases = {
        "share-bar": ["Share on Facebook Share on Twitter Email a friend", "FacebookTwitterPinterestEmail",
                      "Share this article with a friend", "Pinterest", "Share LinkedIn", "Share on LinkedIn (Opens in new window)",
                      "Click to share on Flipboard | Print", "Follow us on Twitter | Share"],
        "pagination": ["Page 1 2 3 Next page »", "« Previous page page 2 of 9"],
        "follow-us": ["Facebook | Twitter • Instagram YouTube", "x vk rss"],
        "legal-links": ["Privacy Policy | Terms of Use | Cookie Settings | Contact us", "Impressum Datenschutz AGB"],
        "language-switch": ["English (US) | English (UK) | Deutsch", "English Deutsch (DE) Français  edition",
                            "中文日本語한국어"],
    }
    for name, lines in cases.items():
        matcher = _Matcher([rules[name]])
        for line in lines:
            assert matcher.match(line) is not None, (name, line)
