"""StripDebris: remove template errors and navigation debris left in scraped text.

Two layers, both explained in each removal's reason:

1. Rules (cleantext/rules/*.toml, plus ``--rules FILE``): named regexes that a whole
   line must match, each line tried only against the rules a prefilter says it might
   match (most lines: none). A rule
   match is certain: ``template-error:php-error``, ``navigation:share-bar``.
2. Heuristics (`boilerplate`): each remaining line is classified from its length and
   stopword density in the document's language, then by its neighbours, then by its
   distance from the article core. Reasons read ``boilerplate:short-among-boilerplate``
   with the measurements and a debris score in the detail.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import chain, starmap
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from os import PathLike, fspath
from typing import ClassVar, NamedTuple

from ..lines import Line, Removal
from ..pipeline import Stage
from . import boilerplate
from .blank_lines import collapse_blank_lines
from .page_shape import licence_notice
from .rules import (  # noqa: F401
    CUSTOM, PatternTimeout, RULE_FILES, Rule, USER_PATTERN_BUDGET, USER_PATTERN_TIMEOUT, builtin_rules,
    read_rules_file, _Matcher, _PatternBudget, _builtin_rules_once,
)
from .run_memory import LineCounts, _DocumentTally, _RunMemo  # noqa: F401

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


class Verdict(NamedTuple):
    """What the rules say of one line, remembered per distinct line for the run."""

    role: str | None  #: its forced class for the heuristics (None: no rule; "good": a --keep pattern)
    rule: Rule | None
    navigation: str | None  #: the rule's name where the match is page evidence (navigation, comment chrome)
    removal: Removal | None  #: the removal the rule makes (one object per rule: a `Removal` is immutable)


_NO_RULE = Verdict(None, None, None, None)
_PROTECTED = Verdict("good", None, None, None)


@lru_cache(maxsize=1024)
def _rule_verdict(rule: Rule, stage: str) -> Verdict:
    name = rule.qualified_name
    role = _ROLE.get(name, "navigation" if rule.category == "navigation" else "bad")
    return Verdict(role, rule, name if role in ("navigation", "comment") else None, Removal(stage, name, score=1.0))


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

    rules: tuple[Rule, ...] = field(default_factory=_builtin_rules_once)  # read once per process: immutable
    rules_file: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    lang: str | None = None
    heuristics: bool = True
    repeated_in: int = 0

    name: ClassVar[str] = "strip-debris"
    worker_imports: ClassVar[tuple[str, ...]] = ("regex",)  # non-Latin scripts (languages.py)
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

    @cached_property
    def _shared_verdicts(self) -> dict[str, Verdict] | None:
        """Verdicts on lines up to `SHARED_LINE` long, remembered across the runs of the
        stage (the files of a batch repeat their site's menus and footers); None when
        there are `--keep` or `--rules` patterns: one may be given up part-way through a
        document (`_PatternBudget`), so their verdicts are remembered per run only."""
        return None if self.keep or self._user_rules[0] else {}

    def start(self) -> RunCleaner:
        """A cleaner for the documents of one run, remembering each distinct line's verdicts.

        Page dumps of one site repeat their menus and footers in every document, so
        the rule match and the line's features are computed once per distinct line.
        """
        return RunCleaner(self, _RunMemo())

    def process(self, lines: Iterator[Line]) -> Iterator[Line]:
        return self.start()(lines)

    def _verdict(self, text: str, memo: _RunMemo) -> Verdict:
        """What the rules say of a line (see `Verdict`).

        Remembered (see `_shared_verdicts`) unless a user pattern was given up on this line. A line
        longer than `LONG_LINE` is tried against `--keep` and `--rules` patterns only:
        the built-in rules describe short lines (a menu, a share bar, an error message),
        and it is not remembered.
        """
        builtin, user, keep = self._matchers
        shared = self._shared_verdicts
        budget = memo.patterns
        budget.complete = True
        long = len(text) > LONG_LINE
        if keep.rules and keep.match(text, budget) is not None:
            verdict = _PROTECTED
        else:
            rule = None if long else builtin.match(text, remember=shared is None)  # else remembered below
            if rule is None and user.rules:
                rule = user.match(text, budget)
            verdict = _NO_RULE if rule is None else _rule_verdict(rule, self.name)
        if budget.complete and not long:
            self._remember(text, verdict, memo)
        return verdict

    def _remember(self, text: str, verdict: Verdict, memo: _RunMemo) -> None:
        """Keep a line's verdict: across runs when `_shared_verdicts` may hold it, else for the run."""
        shared = self._shared_verdicts
        if shared is not None and len(text) <= SHARED_LINE:
            if len(shared) >= SHARED_SIZE:
                shared.clear()
            shared[text] = verdict
        else:
            memo.remember(memo.verdicts, text, verdict)

    def _verdicts(self, texts: list[str], memo: _RunMemo) -> list[Verdict]:
        """`_verdict` of each of `texts`, looked up first where it is remembered (see
        `_shared_verdicts`): one lookup per line in a list, then the lines not seen yet."""
        shared = self._shared_verdicts
        remembered = memo.verdicts if shared is None else shared
        found: list[Verdict | None] = list(map(remembered.get, texts))
        builtin = self._matchers[0]
        # The built-in rules alone (no pattern that may be given up): a short line's
        # verdict goes straight from the matcher to `shared`, as `_verdict` would put it.
        direct = builtin._match_fast if shared is not None and builtin.rules and builtin._fast is not None else None
        for i in [i for i, verdict in enumerate(found) if verdict is None]:
            text = texts[i]
            # a line met twice in this window was remembered at its first; a line longer
            # than SHARED_LINE is remembered for the run
            verdict = remembered.get(text)
            if verdict is None and shared is not None:
                verdict = memo.verdicts.get(text)
            if verdict is None:
                if direct is not None and len(text) <= SHARED_LINE:
                    rule = direct(text)
                    verdict = _NO_RULE if rule is None else _rule_verdict(rule, self.name)
                    self._remember(text, verdict, memo)
                else:
                    verdict = self._verdict(text, memo)
            found[i] = verdict
        return found  # type: ignore[return-value]

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
        stripped: list[str] = []  # their texts, stripped
        chars = 0
        context: list[tuple[str, bool]] = []  # (text, indented) of decided lines before the window
        document = _DocumentTally()
        stream = iter(lines)
        peeked: Line | None = None  # the line read to see whether a full window ends the document
        ended = pages = False
        while not ended:
            full = False
            # What the window may still take of each limit, counted down line by line.
            blocks_left, held_left = WINDOW_BLOCKS - len(blocks), WINDOW_HELD - len(window)
            chars_left = WINDOW_CHARS - chars
            add_line, add_block, add_stripped = window.append, blocks.append, stripped.append
            position = len(window)
            for line in stream if peeked is None else chain((peeked,), stream):
                text = line.text
                if line.removed is None:
                    bare = text.strip()
                    if bare:
                        add_block(position)
                        add_stripped(bare)
                        blocks_left -= 1
                add_line(line)
                position += 1
                held_left -= 1
                chars_left -= len(text)
                if blocks_left <= 0 or chars_left <= 0 or held_left <= 0:
                    full = True
                    break
            chars = WINDOW_CHARS - chars_left
            peeked = next(stream, None) if full else None  # a full window at the very end is the whole rest
            ended = peeked is None
            blocks_in = [window[i] for i in blocks]
            texts = [text for text, _ in context] + stripped
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
            stripped = stripped[cut - first:]
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
        seen_in = memo.documents_with
        repeated_in = self.repeated_in
        heuristics = self.heuristics
        language = self.lang  # None: each line in its own language
        verdicts = self._verdicts(texts, memo)  # what the rules say of each line
        fixed: list[str | None] = [verdict.role for verdict in verdicts]
        navigation: list[str | None] = [verdict.navigation for verdict in verdicts]
        removals: list[Removal | None] = [verdict.removal for verdict in verdicts]
        rule_names = [None if removal is None else removal.rule for removal in removals]
        if repeated_in:
            for i, text in enumerate(texts):
                # short lines only: a repeated paragraph is a duplicate, Dedup's business
                if fixed[i] is None and len(text) < boilerplate.LENGTH_HIGH and seen_in.get(text, 0) >= repeated_in:
                    fixed[i] = "repeated"
        classes: list[boilerplate.BlockClass] = []
        if heuristics:  # each line's facts: short lines remembered across runs, longer ones for the run
            facts = memo.facts(language or "")
            line_facts = boilerplate.line_facts
            known: list[tuple | None] = [
                line_facts(text, language) if len(text) <= SHARED_LINE else facts.get(text) for text in texts]
            for i, found in enumerate(known):
                if found is None:
                    text = texts[i]
                    known[i] = facts.get(text) or (
                        _long_line_facts(text, language) if len(text) > LONG_LINE
                        else memo.remember(facts, text, line_facts(text, language)))
            classes = list(starmap(boilerplate.BlockClass, known))  # type: ignore[arg-type]  # none left
        for i in boilerplate.table_cells(texts, rule_names):
            # A date in a table is the table's data, neither a byline nor page evidence.
            removals[i], fixed[i], navigation[i] = None, None, None
        if repeated_in:
            document.count(texts)
        weights: list[float] = []
        if heuristics and texts:
            if need_weights:
                weights = [boilerplate.core_weight(c, f) for c, f in zip(classes, fixed)]
            # A document longer than a window is a stream of pages: each is judged on its own.
            for a, b in boilerplate.stream_pages(fixed, classes) if stream else [(0, len(texts))]:
                indented = sum(indented_lines[a:b]) / (b - a)
                _, fallback = boilerplate.classify_document(
                    texts[a:b], language, fixed[a:b], classes[a:b], navigation[a:b], indented)
                if fallback is not None:
                    document.note(f"rules-only:{fallback}")
                if fallback is not None:
                    not_a_page = fallback == "no-page-evidence"
                    text_file = indented >= boilerplate.INDENTED_SHARE  # never a page (`page_evidence`)
                    for i in range(a, b):
                        if fixed[i] in ("navigation", "comment") and (_content_left_to_rules(
                                texts[i], navigation[i], indented_lines[i], not_a_page, text_file)
                                or navigation[i] == "navigation:copyright" and licence_notice(texts, i, b)):
                            removals[i] = None  # a licence's notice (or a README's)
            for i, (text, judged, forced) in enumerate(zip(texts, classes, fixed)):
                if judged.label != "bad" and judged.reason != "rule-match-inside-prose":
                    continue  # kept by the heuristics: the rules' removal (or none) stands
                if judged.reason == "rule-match-inside-prose":
                    removals[i] = None
                elif forced == "repeated":
                    removals[i] = Removal(
                        self.name, f"boilerplate:{judged.reason}",
                        f"in {seen_in[text]} earlier documents of this {seen_in.scope}", score=judged.score,
                    )
                elif forced is None:
                    removals[i] = self._boilerplate_removal(judged)
        if need_weights and not weights:
            weights = [0.0] * len(texts)
        return removals, weights

    def _boilerplate_removal(self, judged: boilerplate.BlockClass) -> Removal:
        """The removal of a line the heuristics judged bad, with its measurements.

        Many lines share one (short lines of a length, in the same place on the page),
        and a `Removal` is immutable: each distinct one is made once per stage.
        """
        key = (judged.reason, judged.score, judged.length, judged.density, judged.language)
        made = self._boilerplate_removals.get(key)
        if made is None:
            if len(self._boilerplate_removals) >= SHARED_SIZE:
                self._boilerplate_removals.clear()
            made = self._boilerplate_removals[key] = Removal(
                self.name,
                f"boilerplate:{judged.reason}",
                f"{judged.length:.0f} chars, "
                + (f"stopwords {judged.density:.2f} ({judged.language})" if judged.language
                   else "stopwords not counted (short line or no list)"),
                score=judged.score,
            )
        return made

    @cached_property
    def _boilerplate_removals(self) -> dict[tuple, Removal]:
        return {}


def _content_left_to_rules(text: str, rule: str | None, indented: bool, not_a_page: bool, text_file: bool) -> bool:
    """Whether a line a navigation rule matched is content, in a document the heuristics
    left to the rules (`rule` is the rule's qualified name).

    Page dumps do not indent, so an indented line is content (a licence notice in a
    THANKS file). With no page evidence at all (`not_a_page`), so is every match in a
    text file (code, changelog, licence), a line of figures alone (a column of numbers
    is data, not page numbers), a copyright notice written without the © sign (text
    files write "Copyright (C) 1999 ..."; a page's footer renders &copy;, as the footers
    of every dev page without page evidence do) and a paragraph of prose that happens
    to match a phrase rule.
    """
    if indented:
        return True
    if not not_a_page:
        return False
    return (text_file or boilerplate.figures_only(text) or (rule == "navigation:copyright" and "©" not in text)
            or boilerplate.paragraph_like(text))


#: The bounded window of `StripDebris._windows`: non-blank lines judged together (the
#: longest dev page has 1,027), characters held (the largest has 123 KB), and lines of
#: any kind held (blank lines and lines removed before this stage count too).
WINDOW_BLOCKS = 4000
WINDOW_CHARS = 4_000_000
WINDOW_HELD = 4 * WINDOW_BLOCKS
#: Lines up to this long have their rule verdicts (`StripDebris._shared_verdicts`) and
#: facts (`boilerplate.line_facts`) remembered across runs, this many verdicts at most
#: (then it starts afresh); longer ones for the run (`_RunMemo`).
SHARED_LINE = boilerplate.FACTS_MEMO_LINE
SHARED_SIZE = boilerplate.FACTS_MEMO_SIZE
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


class RunCleaner:
    """`StripDebris`'s cleaner for one run: call it with each document's lines in turn.

    What the run remembers is its `memo`: `notes` (events about whole documents, drained
    into `StageStats.notes` by the run), the repeated-lines counts that `for_site`
    switches to a document's site (see `Run.process`) and that the phases set per
    document (`phases.repeated_lines`), and the per-line caches.
    """

    def __init__(self, stage: StripDebris, memo: _RunMemo):
        self.stage = stage
        self.memo = memo

    @property
    def notes(self) -> list[str]:
        return self.memo.notes

    def for_site(self, site: str | None) -> None:
        self.memo.documents_with.select(site)

    def __call__(self, lines: Iterator[Line]) -> Iterator[Line]:
        self.memo.patterns = _PatternBudget()  # user patterns get their time afresh per document
        return collapse_blank_lines(self.stage._windows(lines, self.memo), self.stage.name)
