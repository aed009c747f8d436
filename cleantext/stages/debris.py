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
import time
import tomllib
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from os import PathLike, fspath
from pathlib import Path
from typing import ClassVar

from ..lines import Line, Removal
from ..pipeline import DocumentCleaner, Stage
from ..phases.hashing import line_key
from . import boilerplate
from .rule_prefilter import line_filter
from .blank_lines import collapse_blank_lines

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
    """The built-in catalogue read once, for comparing against (`StripDebris.__repr__`)."""
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
    """Rules compiled for one regex call per line.

    Trusted (built-in) rules form one alternation on the stdlib `re` engine, run against
    the lowercased line with lowercased patterns: the same matches as case-insensitive
    matching, about three times faster than `regex` with IGNORECASE on the dev pages
    (bench/README.md); a line that `rule_prefilter` shows cannot match any of them skips
    that alternation. With `timeout` (user patterns), each rule is its own `regex`
    pattern tried in order, so the one that runs too long can be given up alone: a line
    whose match takes longer than `timeout` counts as not matching, and a `_PatternBudget`
    stops the pattern for the rest of the document.
    """

    def __init__(self, rules: Sequence[Rule], timeout: float | None = None, whole_line: bool = True):
        self.rules = tuple(rules)
        self.timeout = timeout
        self._fast: Callable[[str], re.Match | None] | None = None
        self._may_match = None
        self._gated: list = []
        self._find: tuple = ()
        self._memo: dict[str, Rule | None] = {}
        if not self.rules:
            return
        if timeout is None:
            always = [(i, r) for i, r in enumerate(self.rules) if not r.requires]
            patterns = tuple(_lowercase_pattern(r.pattern) for _, r in always)
            self._alternatives = "|".join(f"(?P<r{i}>{p})" for (i, _), p in zip(always, patterns)) or "(?!)"
            # Built-in rules are known to compile on `re` (tests/test_debris_rules.py): their
            # alternation (about 30 ms to compile) waits for the first line the prefilter
            # lets through, so a run of plain lines never pays for it.
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
                if compiled is None and self._may_match is None:
                    compiled = re.compile(self._alternatives)
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

    def _first_fast(self, text: str) -> re.Match | None:
        """Compile the alternation (on the first line that needs it) and match `text`."""
        self._fast = re.compile(self._alternatives).fullmatch
        return self._fast(text)

    #: Verdicts of the trusted rules on lines up to this long, this many at most (then it
    #: starts afresh), kept across the runs of the stage (the files of a batch): pages of
    #: one site repeat their menus and footers (as `boilerplate.FACTS_MEMO_LINE`).
    MEMO_LINE = 300
    MEMO_SIZE = 50_000

    def match(self, text: str, budget: _PatternBudget | None = None) -> Rule | None:
        if not self.rules:
            return None  # no --keep patterns or user rules: every distinct line asks
        if self._fast is not None:
            if len(text) > self.MEMO_LINE:
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
        if self._may_match is None or self._may_match(text):
            found = self._fast(text)
            if found is not None and found.lastgroup is not None:
                return self.rules[int(found.lastgroup[1:])]
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


@dataclass(frozen=True)
class StripDebris(Stage):
    """Remove lines that are template errors, page navigation or boilerplate.

    `rules` are the built-in catalogue; `rules_file` adds (or disables, by name) rules
    from files; `keep` patterns protect every line they find a match in; `lang` fixes
    the language of stopwords (default: each line is measured in the language whose
    stopwords cover it best, and by its shape where no list does); `heuristics` turns the
    context classifier on or off (off = rules only); `repeated_in` > 0 makes a line that
    appeared in that many earlier documents of the run count as site boilerplate
    (CCNet's idea: a site's menus and footers repeat on all its pages), counted per
    site when documents name one (``Run.process(lines, site=...)``); only lines
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
        for name, kinds in (("keep", (str,)), ("rules_file", (str, PathLike))):
            value = getattr(self, name)
            if isinstance(value, (str, bytes, PathLike)):  # tuple('^Editor') would be six one-letter items
                raise TypeError(f"StripDebris({name}=...) takes a tuple of {'patterns' if name == 'keep' else 'paths'},"
                                f" not a single {type(value).__name__}: write {name}=({value!r},)")
            try:
                items = tuple(value)
            except TypeError:
                raise TypeError(f"StripDebris({name}=...) takes a tuple, not {type(value).__name__}") from None
            for item in items:
                if not isinstance(item, kinds):
                    raise TypeError(f"StripDebris({name}=...) items must be "
                                    f"{' or '.join(kind.__name__ for kind in kinds)}, not {type(item).__name__}")
            # a list becomes a tuple (the stage stays hashable), a Path its string
            object.__setattr__(self, name, tuple(fspath(item) for item in items))
        if isinstance(self.repeated_in, bool) or not isinstance(self.repeated_in, int) or self.repeated_in < 0:
            raise ValueError(f"repeated_in must be a whole number, 0 or more, not {self.repeated_in!r}")
        if self.lang is not None and self.lang not in boilerplate.LANGUAGES:
            raise ValueError(f"unknown language {self.lang!r}; choose from {', '.join(boilerplate.LANGUAGES)}")
        if self.keep:
            import regex  # user patterns run on `regex`; imported only when there are some

            for pattern in self.keep:
                try:
                    regex.compile(pattern)
                except regex.error as error:
                    raise ValueError(f"bad --keep pattern {pattern!r}: {error}") from None
        self._user_rules  # read the rule files now, so errors surface before any input is read

    def __repr__(self) -> str:
        """Only the settings that differ from the defaults; the rule catalogue as a count."""
        shown = []
        if self.rules != _builtin_rules_once():
            shown.append(f"rules=<{len(self.rules)} rules>")
        for name, default in (("rules_file", ()), ("keep", ()), ("lang", None), ("heuristics", True),
                              ("repeated_in", 0)):
            value = getattr(self, name)
            if value != default:
                shown.append(f"{name}={value!r}")
        return f"StripDebris({', '.join(shown)})"

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
            memo.patterns = _PatternBudget()  # user patterns get their time afresh per document
            return collapse_blank_lines(self._windows(lines, memo), self.name)

        clean.notes = memo.notes  # type: ignore[attr-defined]  # read by pipeline.StageStats
        clean.memo = memo  # type: ignore[attr-defined]  # phases.repeated_lines sets its counts per document
        clean.for_site = lambda site: memo.documents_with.select(site)  # type: ignore[attr-defined]  # see Run.process
        return clean

    def process(self, lines: Iterator[Line]) -> Iterator[Line]:
        return self.start()(lines)

    def _verdict(self, text: str, memo: _RunMemo) -> tuple[str | None, Rule | None]:
        """The forced class of a line and the rule behind it (None, None: no rule).

        Remembered for the run unless a user pattern was given up on this line. A line
        longer than `LONG_LINE` is tried against `--keep` and `--rules` patterns only:
        the built-in rules describe short lines (a menu, a share bar, an error message),
        and it is not remembered.
        """
        builtin, user, keep = self._matchers
        budget = memo.patterns
        budget.complete = True
        long = len(text) > LONG_LINE
        if keep.match(text, budget) is not None:
            verdict: tuple[str | None, Rule | None] = ("good", None)
        else:
            rule = (None if long else builtin.match(text)) or user.match(text, budget)
            verdict = (None, None) if rule is None else (
                _ROLE.get(rule.qualified_name, "navigation" if rule.category == "navigation" else "bad"), rule)
        if budget.complete and not long:
            memo.remember(memo.verdicts, text, verdict)
        return verdict

    def _windows(self, lines: Iterator[Line], memo: _RunMemo) -> Iterator[Line]:
        """Judge one document window by window and yield its lines as they are decided.

        A document that fits in one window (`WINDOW_BLOCKS` non-blank lines, `WINDOW_CHARS`
        characters, `WINDOW_HELD` lines in all: every dev page several times over) is judged
        whole, exactly as it always was. A longer one is judged in overlapping windows:
        when a window is full, the lines up to a cut are decided and leave; the cut is the
        deepest valley of the article-core evidence (the point with the most debris behind
        it, see `_cut`) in the window's third quarter, so the debris between two pages of a
        stream is where windows meet and each page's article is judged with all of its
        lines. The lines after the cut (at least a quarter of the window: the decisions'
        lookahead) are judged again with the next input, behind `CONTEXT_BLOCKS` decided
        lines that are read again as context only (lookbehind: a headline above an article).

        In a document longer than one window (a stream of pages run together), a window
        is judged page by page: a page's comment section ends at the next stretch of
        heavy debris or the next article of its own (`boilerplate.stream_pages`), so a
        page after another's comments keeps its whole article, not just its strongest
        run. Each page needs its own page evidence (without any it keeps its text) and finds
        its own article core, and falls back to the rules on its own, so a long stream is
        not judged exactly as it would be whole (bench/README.md measures the difference
        on the dev pages run together); its ``rules-only`` notes count once per document. With `repeated_in`, the lines of
        a document are counted once it ends (so its own windows do not count as earlier
        documents), by their `line_key`s.
        """
        window: list[Line] = []
        blocks: list[int] = []  # positions in `window` of the non-blank lines still kept
        chars = 0
        context: list[tuple[str, bool]] = []  # (text, indented) of decided lines before the window
        document = _DocumentTally()
        stream = iter(lines)
        peeked: Line | None = None  # the line read to see whether a full window ends the document
        ended = pages = False
        while not ended:
            line, peeked = (peeked, None) if peeked is not None else (next(stream, None), None)
            if line is not None:
                if line.removed is None and line.text.strip():
                    blocks.append(len(window))
                chars += len(line.text)
                window.append(line)
                if len(blocks) < WINDOW_BLOCKS and chars < WINDOW_CHARS and len(window) < WINDOW_HELD:
                    continue
                peeked = next(stream, None)  # a full window at the very end is the whole rest
                ended = peeked is None
            else:
                ended = True
            blocks_in = [window[i] for i in blocks]
            texts = [text for text, _ in context] + [b.text.strip() for b in blocks_in]
            indented = [flag for _, flag in context] + [b.text[:1] in (" ", "\t") for b in blocks_in]
            pages = pages or not ended  # longer than one window: pages run together
            removals, weights = self._judge(texts, indented, memo, document, need_weights=not ended, stream=pages)
            first = len(context)
            cut = len(texts) if ended else _cut(weights, first)
            decided = len(window) if cut == len(texts) else blocks[cut - first]
            if not ended and (len(window) - decided > WINDOW_HELD // 2 or chars - sum(
                    len(w.text) for w in window[:decided]) > WINDOW_CHARS // 2):
                cut, decided = len(texts), len(window)  # what is left is too big to carry: decide it all
            for b, removal in zip(blocks_in[:cut - first], removals[first:cut]):
                b.removed = removal
            yield from window[:decided]
            context = list(zip(texts[max(0, cut - CONTEXT_BLOCKS):cut], indented[max(0, cut - CONTEXT_BLOCKS):cut]))
            window = window[decided:]
            blocks = [i - decided for i in blocks[cut - first:]]
            chars = sum(len(w.text) for w in window)
            memo.trim()
        memo.notes.extend(document.notes)
        if self.repeated_in:
            counts = memo.documents_with.counts
            for key in document.lines:
                counts[key] = counts.get(key, 0) + 1
            memo.trim()

    def _judge(self, texts: list[str], indented_lines: list[bool], memo: _RunMemo, document: _DocumentTally,
               need_weights: bool = False, stream: bool = False) -> tuple[list[Removal | None], list[float]]:
        """The removal (None: kept) of each of a window's non-blank lines (stripped
        `texts`; `indented_lines` tells which began with a space or tab), and, with
        `need_weights`, each one's article-core weight before context (for `_cut`)."""
        verdicts = memo.verdicts
        removals: list[Removal | None] = []
        fixed: list[str | None] = []
        navigation: list[str | None] = []
        seen_in = memo.documents_with
        for text in texts:
            verdict = verdicts.get(text)
            if verdict is None:
                verdict = self._verdict(text, memo)
            role, rule = verdict
            if (
                role is None and self.repeated_in and len(text) < boilerplate.LENGTH_HIGH
                and seen_in.get(text, 0) >= self.repeated_in
            ):  # short lines only: a repeated paragraph is a duplicate, Dedup's business
                role = "repeated"
            fixed.append(role)
            navigation.append(rule.qualified_name if rule is not None and role in ("navigation", "comment") else None)
            removals.append(None if rule is None else Removal(self.name, rule.qualified_name, score=1.0))
        rule_names = [removal.rule if removal is not None else None for removal in removals]
        for i in boilerplate.table_cells(texts, rule_names):
            # A date in a table is the table's data, neither a byline nor page evidence.
            removals[i], fixed[i], navigation[i] = None, None, None
        if self.repeated_in:
            document.count(texts)
        weights: list[float] = []
        if self.heuristics and texts:
            language = self.lang  # None: each line in its own language
            facts = memo.facts(language or "")
            classes = []
            for text in texts:
                known = facts.get(text)
                if known is None:
                    if len(text) > LONG_LINE:
                        known = _long_line_facts(text, language)
                    else:
                        known = memo.remember(facts, text, boilerplate.line_facts(text, language))
                classes.append(boilerplate.BlockClass(*known))
            if need_weights:
                weights = [boilerplate.core_weight(c, f) for c, f in zip(classes, fixed)]
            # A document longer than a window is a stream of pages: each is judged on its own.
            for a, b in boilerplate.stream_pages(fixed, classes) if stream else [(0, len(texts))]:
                indented = sum(indented_lines[a:b]) / (b - a)
                _, fallback = boilerplate.classify_document(
                    texts[a:b], language, fixed[a:b], classes[a:b], navigation[a:b], indented)
                if fallback is not None:
                    document.note(f"rules-only:{fallback}")
                if fallback == "no-page-evidence":
                    # Not a page: in a text file (code, changelog, licence) navigation-like lines
                    # ("Copyright ...", "All rights reserved.") are its content, and so is, in
                    # any document, a paragraph of prose that happens to match a phrase rule.
                    text_file = indented >= boilerplate.INDENTED_SHARE
                    for i in range(a, b):
                        if fixed[i] in ("navigation", "comment") and (text_file or boilerplate.paragraph_like(texts[i])):
                            removals[i] = None
            for i, (text, judged, forced) in enumerate(zip(texts, classes, fixed)):
                if judged.reason == "rule-match-inside-prose":
                    removals[i] = None
                elif forced == "repeated" and judged.label == "bad":
                    removals[i] = Removal(
                        self.name, f"boilerplate:{judged.reason}",
                        f"in {seen_in[text]} earlier documents of this {seen_in.scope}", score=judged.score,
                    )
                elif forced is None and judged.label == "bad":
                    removals[i] = Removal(
                        self.name,
                        f"boilerplate:{judged.reason}",
                        f"{judged.length:.0f} chars, "
                        + (f"stopwords {judged.density:.2f} ({judged.language})" if judged.language
                           else "stopwords not counted (short line or no list)"),
                        score=judged.score,
                    )
        if need_weights and not weights:
            weights = [0.0] * len(texts)
        return removals, weights


#: The bounded window of `StripDebris._windows`: non-blank lines judged together (the
#: longest dev page has 1,027), characters held (the largest has 123 KB), and lines of
#: any kind held (blank lines and lines removed before this stage count too).
WINDOW_BLOCKS = 4000
WINDOW_CHARS = 4_000_000
WINDOW_HELD = 4 * WINDOW_BLOCKS
#: Decided lines read again, as context only, at the start of the next window.
CONTEXT_BLOCKS = 200
#: A line longer than this (characters; the longest line of a dev page has 9,333) is
#: judged by cheap means: no built-in rule is tried on it (see `StripDebris._verdict`)
#: and its stopwords and shape are measured on a sample of its start and end
#: (`_long_line_facts`), so it costs time and memory in proportion to itself.
LONG_LINE = 20_000


def _long_line_facts(text: str, language: str | None) -> tuple:
    """`boilerplate.line_facts` of a line longer than `LONG_LINE`, measured on its first
    and last `LONG_LINE // 2` characters, with its length scaled to the whole line."""
    half = LONG_LINE // 2
    sample = f"{text[:half]} {text[-half:]}"
    facts = boilerplate.line_facts(sample, language)
    length = facts[3] * len(text) / len(sample)
    return (*facts[:3], length, *facts[4:])


def _cut(weights: Sequence[float], first: int) -> int:
    """Where to end the decided part of a full window: the index of the first non-blank
    line to carry over, at the deepest valley of the article-core evidence (the lowest
    running sum of `weights`: the most debris behind, the most prose ahead) in the third
    quarter of the window (the latest on a tie). `weights[:first]` are context."""
    n = len(weights)
    lo = max(first + 1, n // 2)
    hi = max(lo, n - n // 4)
    if lo >= n:
        return n
    total = sum(weights[:lo])
    best, where = total, lo
    for i in range(lo, min(hi, n - 1) + 1):
        if i > lo:
            total += weights[i - 1]
        if total <= best:
            best, where = total, i
    return where


class _DocumentTally:
    """What `StripDebris` gathers over the windows of one document: its notes (each
    once) and, with `repeated_in`, its distinct short lines (counted when it ends)."""

    def __init__(self) -> None:
        self.notes: list[str] = []
        self.lines: set[int] = set()  #: `line_key`s, 8 bytes a line instead of its text

    def note(self, note: str) -> None:
        if note not in self.notes:
            self.notes.append(note)

    def count(self, texts: Sequence[str]) -> None:
        for text in texts:
            if len(text) < boilerplate.LENGTH_HIGH:  # only short lines can count as repeated
                self.lines.add(line_key(text))


class LineCounts:
    """In how many documents each line appeared, keyed by the line's stable 64-bit key
    (`phases.hashing.line_key`) rather than its text: 8 bytes a line instead of the
    text, and the same counts however the documents were spread over processes.

    With sites, the count key is (site, line): each site has its own table, and
    `select` picks the one `counts`, `get` and the stage's updates use for the current
    document. Site None (the default, and a document whose site is unknown) is one
    shared bucket, so without sites this counts across the whole run.
    """

    __slots__ = ("by_site", "counts", "site")

    def __init__(self, counts: dict[int, int] | None = None, site: str | None = None) -> None:
        self.counts = {} if counts is None else counts
        self.by_site: dict[str | None, dict[int, int]] = {site: self.counts}
        self.site = site

    def select(self, site: str | None) -> None:
        """Count and look up the lines of the next document under `site`."""
        self.counts = self.by_site.setdefault(site, {})
        self.site = site

    @property
    def scope(self) -> str:
        """What the counts are of, for a removal's detail: ``run`` or ``site``."""
        return "run" if self.site is None else "site"

    def get(self, text: str, default: int = 0) -> int:
        return self.counts.get(line_key(text), default)

    def __getitem__(self, text: str) -> int:
        return self.counts[line_key(text)]

    def __setitem__(self, text: str, count: int) -> None:
        self.counts[line_key(text)] = count


class _RunMemo:
    """Per-run state of `StripDebris`, keyed by a line's stripped text.

    Held in the closure `StripDebris.start()` returns, never on the (frozen) stage.
    The verdict and fact caches are cleared when they hold more than `MAX_CACHED` lines
    or `MAX_CACHED_CHARS` characters of them, so a long run's memory stays bounded. The
    document counts of ``repeated_in`` are never trimmed: a count must not depend on how
    many other lines a process happened to see, or results would change with the
    executor (they cost about 100 bytes per distinct short line).
    """

    MAX_ENTRIES = 200_000
    MAX_CACHED = 100_000
    MAX_CACHED_CHARS = 10_000_000

    def __init__(self) -> None:
        self.verdicts: dict[str, tuple[str | None, Rule | None]] = {}
        #: In how many documents of the run each distinct line has appeared so far.
        self.documents_with = LineCounts()
        self._facts: dict[str, dict[str, tuple]] = {}
        #: Time left to user patterns in the current document.
        self.patterns = _PatternBudget()
        #: Events of the documents cleaned so far, for `StageStats.notes` (drained by the run).
        self.notes: list[str] = []
        self._cached_chars = 0

    def remember(self, cache: dict, text: str, value):
        """Store `value` for `text` in one of the caches, counting its characters."""
        cache[text] = value
        self._cached_chars += len(text)
        return value

    def facts(self, language: str) -> dict[str, tuple]:
        return self._facts.setdefault(language, {})

    def trim(self) -> None:
        if self._cached_chars > self.MAX_CACHED_CHARS or len(self.verdicts) > self.MAX_CACHED or any(
                len(table) > self.MAX_CACHED for table in self._facts.values()):
            self.verdicts.clear()
            for table in self._facts.values():
                table.clear()
            self._cached_chars = 0
