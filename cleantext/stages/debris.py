"""StripDebris: remove template errors and navigation debris left in scraped text.

Two layers, both explained in each removal's reason:

1. Rules (cleantext/rules/*.toml, plus ``--rules FILE``): named regexes that a whole
   line must match, compiled into one alternation (one regex call per line). A rule
   match is certain: ``template-error:php-error``, ``navigation:share-bar``.
2. Heuristics (`boilerplate`): each remaining line is classified from its length and
   stopword density in the document's language, then by its neighbours, then by its
   distance from the article core. Reasons read ``boilerplate:short-among-boilerplate``
   with the measurements and a debris score in the detail.
"""

from __future__ import annotations

import tomllib
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import ClassVar

import regex

from ..lines import Line, Removal
from ..pipeline import Stage
from . import boilerplate
from .blank_lines import collapse_blank_lines

#: Built-in rule files in cleantext/rules/, by the category named in removal reasons.
RULE_FILES = {"template-error": "template_errors.toml", "navigation": "navigation.toml"}
#: Category of rules read from a user's ``--rules`` file.
CUSTOM = "custom"
#: Seconds a user-supplied pattern may spend on one line before it is given up (the line
#: is then kept): a catastrophic pattern must not hang a batch.
USER_PATTERN_TIMEOUT = 0.05


@dataclass(frozen=True, slots=True)
class Rule:
    """A named pattern that a whole line (stripped) must match to be debris."""

    category: str
    name: str
    pattern: str

    @property
    def qualified_name(self) -> str:
        return f"{self.category}:{self.name}"


def builtin_rules() -> tuple[Rule, ...]:
    rules = []
    for category, filename in RULE_FILES.items():
        data = tomllib.loads(resources.files("cleantext.rules").joinpath(filename).read_text("utf-8"))
        rules.extend(Rule(category, entry["name"], entry["pattern"]) for entry in data["rule"])
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
    rules, disabled = [], set()
    if path.endswith(".toml"):
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"{path}: {error}") from None
        for entry in data.get("rule", []):
            if "name" not in entry or "pattern" not in entry:
                raise ValueError(f"{path}: every [[rule]] needs a name and a pattern")
            rules.append(Rule(entry.get("category", CUSTOM), entry["name"], entry["pattern"]))
        disabled.update(data.get("disable", []))
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
    for rule in rules:
        try:
            regex.compile(rule.pattern)
        except regex.error as error:
            raise ValueError(f"{path}: rule {rule.name!r}: bad pattern: {error}") from None
    return rules, disabled


#: How the heuristics treat a line a rule matched (see `boilerplate.classify`).
_ROLE = {
    "navigation:comment-chrome": "comment",
    "navigation:comment-date": "comment",
    **{f"template-error:{name}": "template" for name in (
        "apache-ssi", "php-error", "php-source-leak", "aspnet-error", "iis-error",
        "unrendered-template-tag", "wordpress-shortcode", "javascript-value",
        "database-connection-error", "loading-placeholder",
    )},
}


class _Matcher:
    """Rules compiled into one alternation: one regex call per line.

    With `timeout`, a line whose match takes longer is treated as not matching.
    """

    def __init__(self, rules: Sequence[Rule], timeout: float | None = None, whole_line: bool = True):
        self.rules = tuple(rules)
        self.timeout = timeout
        self.timeouts = 0
        alternatives = (f"(?P<r{i}>{rule.pattern})" for i, rule in enumerate(self.rules))
        compiled = regex.compile("|".join(alternatives), regex.IGNORECASE | regex.V0) if self.rules else None
        self._find = None if compiled is None else (compiled.fullmatch if whole_line else compiled.search)

    def match(self, text: str) -> Rule | None:
        if self._find is None:
            return None
        try:
            found = self._find(text.strip(), timeout=self.timeout)
        except TimeoutError:
            self.timeouts += 1
            if self.timeouts == 1:
                warnings.warn(f"a user pattern timed out after {self.timeout}s; the line is kept", stacklevel=2)
            return None
        return None if found is None else self.rules[int(found.lastgroup[1:])]


@dataclass(frozen=True)
class StripDebris(Stage):
    """Remove lines that are template errors, page navigation or boilerplate.

    `rules` are the built-in catalogue; `rules_file` adds (or disables, by name) rules
    from files; `keep` patterns protect every line they find a match in; `lang` fixes
    the language of stopwords (default: detected per document); `heuristics` turns the
    context classifier on or off (off = rules only).

    >>> StripDebris().clean_text("Home\\nNews\\nSport\\n" + "A sentence of the story. " * 8 + "\\nShare on Facebook\\n")
    'A sentence of the story. A sentence of the story. A sentence of the story. A sentence of the story. A sentence of the story. A sentence of the story. A sentence of the story. A sentence of the story. \\n'
    """

    rules: tuple[Rule, ...] = field(default_factory=builtin_rules)
    rules_file: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    lang: str | None = None
    heuristics: bool = True

    name: ClassVar[str] = "strip-debris"
    LANGUAGES: ClassVar[tuple[str, ...]] = boilerplate.LANGUAGES

    def __post_init__(self) -> None:
        if self.lang is not None and self.lang not in boilerplate.LANGUAGES:
            raise ValueError(f"unknown language {self.lang!r}; choose from {', '.join(boilerplate.LANGUAGES)}")
        for pattern in self.keep:
            try:
                regex.compile(pattern)
            except regex.error as error:
                raise ValueError(f"bad --keep pattern {pattern!r}: {error}") from None
        self._user_rules  # read the rule files now, so errors surface before any input is read

    @cached_property
    def _user_rules(self) -> tuple[tuple[Rule, ...], frozenset[str]]:
        rules, disabled = [], set()
        for path in self.rules_file:
            more, off = read_rules_file(path)
            rules += more
            disabled |= off
        return tuple(rules), frozenset(disabled)

    @cached_property
    def _matchers(self) -> tuple[_Matcher, _Matcher, _Matcher]:
        user, disabled = self._user_rules
        builtin = [r for r in self.rules if r.name not in disabled and r.qualified_name not in disabled]
        return (
            _Matcher(builtin),
            _Matcher(user, timeout=USER_PATTERN_TIMEOUT),
            _Matcher([Rule("keep", f"k{i}", p) for i, p in enumerate(self.keep)], USER_PATTERN_TIMEOUT, False),
        )

    def clean_text(self, text: str) -> str:
        """Clean one document given as a string with this stage alone."""
        from ..lines import join_lines, split_lines

        return join_lines(list(self.process(iter(split_lines(text)))))

    def process(self, lines: Iterator[Line]) -> Iterator[Line]:
        return collapse_blank_lines(self._strip(list(lines)), self.name)

    def _strip(self, document: list[Line]) -> Iterator[Line]:
        builtin, user, keep = self._matchers
        blocks = [line for line in document if line.removed is None and line.text.strip()]
        fixed: list[str | None] = []
        for line in blocks:
            if keep.match(line.text) is not None:
                fixed.append("good")
                continue
            rule = builtin.match(line.text) or user.match(line.text)
            if rule is not None:
                line.removed = Removal(self.name, rule.qualified_name, score=1.0)
                fixed.append(_ROLE.get(rule.qualified_name, "navigation" if rule.category == "navigation" else "bad"))
            else:
                fixed.append(None)
        if self.heuristics and blocks:
            texts = [line.text for line in blocks]
            language = self.lang or boilerplate.detect_language(texts)
            classes = boilerplate.classify(texts, language, fixed)
            for line, verdict, forced in zip(blocks, classes, fixed):
                if forced is None and verdict.label == "bad":
                    line.removed = Removal(
                        self.name,
                        f"boilerplate:{verdict.reason}",
                        f"{verdict.length:.0f} chars, stopwords {verdict.density:.2f} ({language})",
                        score=verdict.score,
                    )
        yield from document
