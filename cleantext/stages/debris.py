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

import re
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
from ..pipeline import DocumentCleaner, Stage
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
    #: Lowercase substrings of which a line must contain one for the pattern to be
    #: tried at all (empty: always tried). A cheap gate for patterns that must scan
    #: the whole line, such as "a line mentioning cookies and consent".
    requires: tuple[str, ...] = ()

    @property
    def qualified_name(self) -> str:
        return f"{self.category}:{self.name}"


def builtin_rules() -> tuple[Rule, ...]:
    rules = []
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
    rules, disabled = [], set()
    if path.endswith(".toml"):
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"{path}: {error}") from None
        for entry in data.get("rule", []):
            if "name" not in entry or "pattern" not in entry:
                raise ValueError(f"{path}: every [[rule]] needs a name and a pattern")
            rules.append(Rule(entry.get("category", CUSTOM), entry["name"], entry["pattern"], tuple(entry.get("requires", ()))))
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


def _lowercase_pattern(pattern: str) -> str:
    """`pattern` with its literals lowercased, escapes (``\\S``, ``\\W``...) untouched."""
    out, i = [], 0
    while i < len(pattern):
        if pattern[i] == "\\":
            out.append(pattern[i:i + 2])
            i += 2
        else:
            out.append(pattern[i].lower())
            i += 1
    return "".join(out)


class _Matcher:
    """Rules compiled into one alternation: one regex call per line.

    Trusted (built-in) rules run on the stdlib `re` engine against the lowercased line
    with lowercased patterns: the same matches as case-insensitive matching, about
    three times faster than `regex` with IGNORECASE on the dev pages (bench/README.md).
    A rule set `re` cannot compile, and every user pattern, runs on `regex`; with
    `timeout`, a line whose match takes longer is treated as not matching.
    """

    def __init__(self, rules: Sequence[Rule], timeout: float | None = None, whole_line: bool = True):
        self.rules = tuple(rules)
        self.timeout = timeout
        self.timeouts = 0
        self._fast = None
        self._gated: list = []
        self._find = None
        if not self.rules:
            return
        if timeout is None:
            always = [(i, r) for i, r in enumerate(self.rules) if not r.requires]
            alternatives = "|".join(f"(?P<r{i}>{_lowercase_pattern(r.pattern)})" for i, r in always)
            try:
                compiled = re.compile(alternatives or "(?!)")
                gated = [
                    (tuple(s.lower() for s in r.requires), re.compile(_lowercase_pattern(r.pattern)), r)
                    for r in self.rules if r.requires
                ]
            except re.error:
                pass
            else:
                self._fast = compiled.fullmatch if whole_line else compiled.search
                self._gated = [(needles, (p.fullmatch if whole_line else p.search), r) for needles, p, r in gated]
                return
        alternatives = "|".join(f"(?P<r{i}>{rule.pattern})" for i, rule in enumerate(self.rules))
        compiled = regex.compile(alternatives, regex.IGNORECASE | regex.V0)
        self._find = compiled.fullmatch if whole_line else compiled.search

    def match(self, text: str) -> Rule | None:
        if self._fast is not None:
            text = text.strip().lower()
            found = self._fast(text)
            if found is not None:
                return self.rules[int(found.lastgroup[1:])]
            for needles, find, rule in self._gated:
                for needle in needles:
                    if needle in text:
                        if find(text) is not None:
                            return rule
                        break
            return None
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
    the language of stopwords (default: each line is measured in the language whose
    stopwords cover it best, and by its shape where no list does); `heuristics` turns the
    context classifier on or off (off = rules only); `repeated_in` > 0 makes a line that
    appeared in that many earlier documents of the run count as site boilerplate
    (CCNet's idea: a site's menus and footers repeat on all its pages); only lines
    shorter than a paragraph, and only on a page with other evidence of being a page
    dump. A single document is unaffected.

    >>> from cleantext import Pipeline
    >>> Pipeline([StripDebris()]).clean("Home\\nNews\\nContact\\nFerry stays\\n" + "A sentence of the story. " * 8 + "\\nShare on Facebook\\n© 2025 Town News\\n")
    'Ferry stays\\nA sentence of the story. A sentence of the story. A sentence of the story. A sentence of the story. A sentence of the story. A sentence of the story. A sentence of the story. A sentence of the story. \\n'
    """

    rules: tuple[Rule, ...] = field(default_factory=builtin_rules)
    rules_file: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    lang: str | None = None
    heuristics: bool = True
    repeated_in: int = 0

    name: ClassVar[str] = "strip-debris"
    LANGUAGES: ClassVar[tuple[str, ...]] = boilerplate.LANGUAGES

    @property
    def cross_document(self) -> bool:
        return self.repeated_in > 0

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

    def start(self) -> DocumentCleaner:
        """A cleaner for the documents of one run, remembering each distinct line's verdicts.

        Page dumps of one site repeat their menus and footers in every document, so
        the rule match and the line's features are computed once per distinct line.
        """
        memo = _RunMemo()

        def clean(lines: Iterator[Line]) -> Iterator[Line]:
            return collapse_blank_lines(self._strip(list(lines), memo), self.name)

        clean.notes = memo.notes  # type: ignore[attr-defined]  # read by pipeline.StageStats
        return clean

    def process(self, lines: Iterator[Line]) -> Iterator[Line]:
        return self.start()(lines)

    def _verdict(self, text: str) -> tuple[str | None, Rule | None]:
        """The forced class of a line and the rule behind it (None, None: no rule)."""
        builtin, user, keep = self._matchers
        if keep.match(text) is not None:
            return "good", None
        rule = builtin.match(text) or user.match(text)
        if rule is None:
            return None, None
        return _ROLE.get(rule.qualified_name, "navigation" if rule.category == "navigation" else "bad"), rule

    def _strip(self, document: list[Line], memo: _RunMemo) -> Iterator[Line]:
        blocks = [line for line in document if line.removed is None and line.text.strip()]
        texts = [line.text.strip() for line in blocks]
        verdicts = memo.verdicts
        fixed: list[str | None] = []
        navigation: list[str | None] = []
        seen_in = memo.documents_with
        for line, text in zip(blocks, texts):
            verdict = verdicts.get(text)
            if verdict is None:
                verdict = verdicts[text] = self._verdict(text)
            role, rule = verdict
            if (
                role is None and self.repeated_in and len(text) < boilerplate.LENGTH_HIGH
                and seen_in.get(text, 0) >= self.repeated_in
            ):  # short lines only: a repeated paragraph is a duplicate, Dedup's business
                role = "repeated"
            fixed.append(role)
            navigation.append(rule.qualified_name if role in ("navigation", "comment") else None)
            if rule is not None:
                line.removed = Removal(self.name, rule.qualified_name, score=1.0)
        if self.repeated_in:
            for text in set(texts):
                seen_in[text] = seen_in.get(text, 0) + 1
        if self.heuristics and blocks:
            language = self.lang  # None: each line in its own language
            facts = memo.facts(language or "")
            classes = []
            for text in texts:
                known = facts.get(text)
                if known is None:
                    known = facts[text] = boilerplate.line_facts(text, language)
                classes.append(boilerplate.BlockClass(*known))
            indented = sum(1 for line in blocks if line.text[:1] in (" ", "\t")) / len(blocks)
            _, fallback = boilerplate.classify_document(texts, language, fixed, classes, navigation, indented)
            if fallback is not None:
                memo.notes.append(f"rules-only:{fallback}")
            if fallback == "no-page-evidence":
                # Not a page: in a text file (code, changelog, licence) navigation-like lines
                # ("Copyright ...", "All rights reserved.") are its content, and so is, in
                # any document, a paragraph of prose that happens to match a phrase rule.
                text_file = indented >= boilerplate.INDENTED_SHARE
                for line, role, text in zip(blocks, fixed, texts):
                    if role in ("navigation", "comment") and (text_file or boilerplate.paragraph_like(text)):
                        line.removed = None
            for line, verdict, forced in zip(blocks, classes, fixed):
                if verdict.reason == "rule-match-inside-prose":
                    line.removed = None
                elif forced == "repeated" and verdict.label == "bad":
                    line.removed = Removal(
                        self.name, f"boilerplate:{verdict.reason}",
                        f"in {seen_in[line.text.strip()] - 1} earlier documents of this run", score=verdict.score,
                    )
                elif forced is None and verdict.label == "bad":
                    line.removed = Removal(
                        self.name,
                        f"boilerplate:{verdict.reason}",
                        f"{verdict.length:.0f} chars, "
                        + (f"stopwords {verdict.density:.2f} ({verdict.language})" if verdict.language
                           else "stopwords not counted (short line or no list)"),
                        score=verdict.score,
                    )
        memo.trim()
        yield from document


class _RunMemo:
    """Per-run caches of `StripDebris`, keyed by a line's stripped text.

    Held in the closure `StripDebris.start()` returns, never on the (frozen) stage.
    Cleared when they exceed `MAX_ENTRIES`, so a long run's memory stays bounded.
    """

    MAX_ENTRIES = 200_000

    def __init__(self) -> None:
        self.verdicts: dict[str, tuple[str | None, Rule | None]] = {}
        #: In how many documents of the run each distinct line has appeared so far.
        self.documents_with: dict[str, int] = {}
        self._facts: dict[str, dict[str, tuple]] = {}
        #: Events of the documents cleaned so far, for `StageStats.notes` (drained by the run).
        self.notes: list[str] = []

    def facts(self, language: str) -> dict[str, tuple]:
        return self._facts.setdefault(language, {})

    def trim(self) -> None:
        if len(self.verdicts) > self.MAX_ENTRIES:
            self.verdicts.clear()
        if len(self.documents_with) > self.MAX_ENTRIES:
            # Keep the lines that already repeat; forget the ones seen once.
            self.documents_with = {text: n for text, n in self.documents_with.items() if n > 1}
        for table in self._facts.values():
            if len(table) > self.MAX_ENTRIES:
                table.clear()
