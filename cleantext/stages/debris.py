"""StripDebris: remove template errors and navigation debris left in scraped text."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from typing import ClassVar

import regex

from ..lines import Line, Removal
from ..pipeline import Stage
from .blank_lines import collapse_blank_lines

#: Built-in rule files in cleantext/rules/, by the category named in removal reasons.
RULE_FILES = {"template-error": "template_errors.toml", "navigation": "navigation.toml"}


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


class _Matcher:
    """All rules compiled into one alternation: one regex call per line."""

    def __init__(self, rules: Sequence[Rule]):
        self.rules = tuple(rules)
        alternatives = (f"(?P<r{i}>{rule.pattern})" for i, rule in enumerate(self.rules))
        self._regex = regex.compile("|".join(alternatives), regex.IGNORECASE | regex.V0)

    def match(self, text: str) -> Rule | None:
        found = self._regex.fullmatch(text.strip())
        return None if found is None else self.rules[int(found.lastgroup[1:])]


@dataclass(frozen=True)
class StripDebris(Stage):
    """Remove lines that are template errors or page navigation, not content.

    Each built-in rule is a named regex in cleantext/rules/*.toml; the rule's name is
    the removal reason (``template-error:apache-ssi``, ``navigation:read-more``).
    """

    rules: tuple[Rule, ...] = field(default_factory=builtin_rules)

    name: ClassVar[str] = "strip-debris"

    @cached_property
    def _matcher(self) -> _Matcher:
        return _Matcher(self.rules)

    def process(self, lines: Iterator[Line]) -> Iterator[Line]:
        return collapse_blank_lines(self._strip(lines), self.name)

    def _strip(self, lines: Iterator[Line]) -> Iterator[Line]:
        match = self._matcher.match
        for line in lines:
            if line.removed is None and line.text.strip():
                rule = match(line.text)
                if rule is not None:
                    line.removed = Removal(self.name, rule.qualified_name)
            yield line
