"""Debris rules: named regexes from cleantext/rules/*.toml and users' `--rules` files,
and the matcher that finds the first one a line matches (built-in rules: only those the
prefilter says the line might match; user patterns under a time budget).
"""

from __future__ import annotations

import re
import time
import tomllib
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from .rule_prefilter import line_filter


#: Built-in rule files in cleantext/rules/, by the category named in removal reasons.
RULE_FILES = {"template-error": "template_errors.toml", "navigation": "navigation.toml"}
#: Category of rules read from a user's ``--rules`` file.
CUSTOM = "custom"
#: Seconds a user-supplied pattern may spend on one line, and on one whole document,
#: before it is given up for the rest of that document (the lines it did not match are
#: kept): a catastrophic pattern must not hang a batch, even over thousands of lines.
USER_PATTERN_TIMEOUT = 0.05
USER_PATTERN_BUDGET = 1.0


class PatternTimeout(UserWarning):
    """A user pattern (``--rules``, ``--keep``) was given up for the rest of a document."""


@dataclass(frozen=True, slots=True)
class Rule:
    """A named pattern that a whole line (stripped) must match to be debris."""

    category: str
    name: str
    pattern: str
    #: Lowercase substrings of which a line must contain one for the pattern to be
    #: tried at all (empty: always tried). A cheap gate for patterns that must scan
    #: the whole line, such as "a line mentioning cookies and consent".
    requires: tuple[str, ...] = ()

    @property
    def qualified_name(self) -> str:
        return f"{self.category}:{self.name}"


@cache
def _builtin_rules_once() -> tuple[Rule, ...]:
    """The built-in catalogue read once per process (its rules are immutable): the
    default of `StripDebris.rules`, and what `StripDebris.__repr__` compares against."""
    return builtin_rules()


def builtin_rules() -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for category, filename in RULE_FILES.items():
        data = tomllib.loads(resources.files("cleantext.rules").joinpath(filename).read_text("utf-8"))
        rules.extend(
            Rule(category, entry["name"], entry["pattern"], tuple(entry.get("requires", ())))
            for entry in data["rule"]
        )
    return tuple(rules)


def read_rules_file(path: str) -> tuple[list[Rule], set[str]]:
    """Rules and names to disable from a user file.

    TOML (``*.toml``): ``[[rule]]`` tables with ``name`` and ``pattern``, and an optional
    ``disable = ["navigation:share-bar", ...]``. Any other file: one ``name<TAB>regex``
    per line, ``-name`` to disable a built-in, ``#`` comments.
    """
    try:
        text = Path(path).read_text("utf-8")
    except OSError as error:
        raise ValueError(f"cannot read rules file {path}: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not UTF-8 text (byte {error.start})") from None
    rules, disabled = [], set()
    if path.endswith(".toml"):
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"{path}: {error}") from None
        unknown = sorted(set(data) - {"rule", "disable"})
        if unknown:
            raise ValueError(f"{path}: unknown key {unknown[0]!r} (known: rule, disable)")
        entries = data.get("rule", [])
        if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
            raise ValueError(f"{path}: 'rule' must be [[rule]] tables")
        for number, entry in enumerate(entries, start=1):
            where = f"{path}: rule {number}"
            if "name" not in entry or "pattern" not in entry:
                raise ValueError(f"{where}: every [[rule]] needs a name and a pattern")
            for key in ("name", "pattern", "category"):
                if key in entry and not (isinstance(entry[key], str) and entry[key]):
                    raise ValueError(f"{where}: '{key}' must be a non-empty string, not {entry[key]!r}")
            requires = entry.get("requires", [])
            if not isinstance(requires, list) or not all(isinstance(item, str) for item in requires):
                raise ValueError(f"{where}: 'requires' must be a list of strings")
            extra = sorted(set(entry) - {"name", "pattern", "category", "requires"})
            if extra:
                raise ValueError(f"{where}: unknown key {extra[0]!r}")
            rules.append(Rule(entry.get("category", CUSTOM), entry["name"], entry["pattern"], tuple(requires)))
        off = data.get("disable", [])
        if not isinstance(off, list) or not all(isinstance(name, str) for name in off):
            raise ValueError(f"{path}: 'disable' must be a list of rule names, not {off!r}")
        disabled.update(off)
    else:
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.rstrip("\r\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line.startswith("-") and "\t" not in line:
                disabled.add(line[1:].strip())
                continue
            name, tab, pattern = line.partition("\t")
            if not tab or not name.strip() or not pattern:
                raise ValueError(f"{path}:{number}: expected 'name<TAB>regex' or '-name'")
            rules.append(Rule(CUSTOM, name.strip(), pattern))
    known = {name for rule in builtin_rules() for name in (rule.name, rule.qualified_name)}
    for name in sorted(disabled - known):
        raise ValueError(f"{path}: 'disable': no built-in rule is named {name!r}")
    import regex  # user patterns run on `regex` (timeouts); imported only when there are some

    for rule in rules:
        try:
            regex.compile(rule.pattern)
        except regex.error as error:
            raise ValueError(f"{path}: rule {rule.name!r}: bad pattern: {error}") from None
    return rules, disabled


def _lowercase_pattern(pattern: str) -> str:
    """`pattern` with its literals lowercased, escapes (``\\S``, ``\\W``...) untouched."""
    pieces = _ESCAPE.split(pattern)  # odd pieces are the escapes
    pieces[::2] = ["".join(map(str.lower, piece)) for piece in pieces[::2]]  # each character alone, as `re` reads it
    return "".join(pieces)


_ESCAPE = re.compile(r"(\\.)", re.DOTALL)


class _PatternBudget:
    """The time user patterns have left in one document.

    A pattern that times out on a line, or has spent `seconds` on the document, is given
    up for the rest of it, with one `PatternTimeout` warning; `complete` tells whether
    the last line was tried against every pattern (only such verdicts may be remembered).
    """

    def __init__(self, seconds: float = USER_PATTERN_BUDGET):
        self.seconds = seconds
        self.spent: dict[Rule, float] = {}
        self.given_up: set[Rule] = set()
        self.complete = True

    def left(self, rule: Rule) -> float:
        return self.seconds - self.spent.get(rule, 0.0)

    def spend(self, rule: Rule, seconds: float) -> None:
        self.spent[rule] = self.spent.get(rule, 0.0) + seconds
        if self.left(rule) <= 0:
            self.give_up(rule, f"spent {self.seconds:g} s on this document")

    def give_up(self, rule: Rule, why: str) -> None:
        self.complete = False
        if rule not in self.given_up:
            self.given_up.add(rule)
            what = f"--keep pattern {rule.pattern!r}" if rule.category == "keep" else f"rule {rule.qualified_name!r}"
            warnings.warn(f"{what} {why}; not applied to the rest of the document (lines it did not match are kept)",
                          PatternTimeout, stacklevel=2)


class _Matcher:
    """Rules compiled for fast matching of each line.

    Trusted (built-in) rules run on the stdlib `re` engine, against the lowercased line
    with lowercased patterns: the same matches as case-insensitive matching, about
    three times faster than `regex` with IGNORECASE on the dev pages (bench/README.md).
    `rule_prefilter` tells which of them a line might match (most lines: none); those
    are tried in order, each compiled alone on first use, so a run compiles only the
    rules its lines need. Without such a filter (a rule set with a pattern that gives no
    condition), one alternation of all rules is tried instead. With `timeout` (user
    patterns), each rule is its own `regex` pattern tried in order, so the one that runs
    too long can be given up alone: a line whose match takes longer than `timeout`
    counts as not matching, and a `_PatternBudget` stops the pattern for the rest of the
    document.
    """

    def __init__(self, rules: Sequence[Rule], timeout: float | None = None, whole_line: bool = True):
        self.rules = tuple(rules)
        self.timeout = timeout
        self._fast: Callable[[str], re.Match | None] | None = None
        self._may_match: Callable[[str], tuple[int, ...]] | None = None
        self._gated: list = []
        self._alone: list[tuple[int, str]] = []  #: (position in `rules`, pattern) of each alternative
        self._compiled_alone: dict[int, Callable[[str], re.Match | None]] = {}
        self._find: tuple = ()
        self._memo: dict[str, Rule | None] = {}
        if not self.rules:
            return
        if timeout is None:
            always = [(i, r) for i, r in enumerate(self.rules) if not r.requires]
            patterns = tuple(_lowercase_pattern(r.pattern) for _, r in always)
            self._alternatives = "|".join(f"(?P<r{i}>{p})" for (i, _), p in zip(always, patterns)) or "(?!)"
            self._alone = [(i, p) for (i, _), p in zip(always, patterns)]
            # Built-in rules are known to compile on `re` (tests/test_debris_rules.py): each
            # waits for the first line that needs it. Other rule sets are compiled now, so
            # one that `re` cannot read goes to the `regex` engine below.
            builtin = set(_builtin_rules_once())
            lazy = whole_line and all(r in builtin for _, r in always)
            try:
                compiled = None if lazy else re.compile(self._alternatives)
                gated = [
                    (tuple(s.lower() for s in r.requires), re.compile(_lowercase_pattern(r.pattern)), r)
                    for r in self.rules if r.requires
                ]
            except re.error:
                pass
            else:
                if whole_line:
                    self._may_match = line_filter(patterns)
                self._fast = self._first_fast if compiled is None else (
                    compiled.fullmatch if whole_line else compiled.search)
                self._gated = [(needles, (p.fullmatch if whole_line else p.search), r) for needles, p, r in gated]
                return
        import regex

        compiled_rules = [(rule, regex.compile(rule.pattern, regex.IGNORECASE | regex.V0)) for rule in self.rules]
        self._find = tuple(
            (rule, tuple(s.lower() for s in rule.requires), p.fullmatch if whole_line else p.search)
            for rule, p in compiled_rules
        )

    def _alternative(self, position: int) -> Callable[[str], re.Match | None]:
        """The full match of one alternative alone, compiled on first use."""
        found = self._compiled_alone.get(position)
        if found is None:
            found = self._compiled_alone[position] = re.compile(self._alone[position][1]).fullmatch
        return found

    def _first_fast(self, text: str) -> re.Match | None:
        """Compile the alternation (on the first line that needs it) and match `text`."""
        self._fast = re.compile(self._alternatives).fullmatch
        return self._fast(text)

    #: Verdicts of the trusted rules on lines up to this long, this many at most (then it
    #: starts afresh), kept across the runs of the stage (the files of a batch): pages of
    #: one site repeat their menus and footers (as `boilerplate.FACTS_MEMO_LINE`).
    MEMO_LINE = 300
    MEMO_SIZE = 50_000

    def match(self, text: str, budget: _PatternBudget | None = None, remember: bool = True) -> Rule | None:
        """The first rule that matches `text`, or None. `remember`: keep the trusted
        rules' verdict in the matcher's memo (off for a caller that remembers it itself)."""
        if not self.rules:
            return None  # no --keep patterns or user rules: every distinct line asks
        if self._fast is not None:
            if not remember or len(text) > self.MEMO_LINE:
                return self._match_fast(text)
            memo = self._memo
            found = memo.get(text, memo)  # the memo itself stands for "not seen"
            if found is memo:
                if len(memo) >= self.MEMO_SIZE:
                    memo.clear()
                found = memo[text] = self._match_fast(text)
            return found  # type: ignore[return-value]
        return self._match_careful(text, budget)

    def _match_fast(self, text: str) -> Rule | None:
        text = text.strip().lower()
        assert self._fast is not None
        if self._may_match is None:
            found = self._fast(text)
            if found is not None and found.lastgroup is not None:
                return self.rules[int(found.lastgroup[1:])]
        else:  # only these alternatives can match: the first that does is the alternation's match
            for alternative in self._may_match(text):
                if self._alternative(alternative)(text) is not None:
                    return self.rules[self._alone[alternative][0]]
        for needles, find, rule in self._gated:
            for needle in needles:
                if needle in text:
                    if find(text) is not None:
                        return rule
                    break
        return None

    def _match_careful(self, text: str, budget: _PatternBudget | None) -> Rule | None:
        if budget is None:
            budget = _PatternBudget(float("inf"))  # alone: each line on its own timeout
        text = text.strip()
        lowered = None
        for rule, needles, find in self._find:
            if rule in budget.given_up:
                budget.complete = False
                continue
            if needles:
                lowered = text.lower() if lowered is None else lowered
                if not any(needle in lowered for needle in needles):
                    continue
            allowed = min(self.timeout or float("inf"), budget.left(rule))
            started = time.perf_counter()
            try:
                found = find(text, timeout=allowed)
            except TimeoutError:
                budget.give_up(rule, f"took over {allowed:.2g} s on one line")
                continue
            budget.spend(rule, time.perf_counter() - started)
            if found is not None:
                return rule
        return None


