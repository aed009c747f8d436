"""What shows that a document is a page dump, and the structures inside one that are
not debris: navigation evidence and menu runs (`page_evidence`), tables and runs of
data lines, comment sections, and copies of the article body.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .line_classes import BlockClass, LENGTH_HIGH, _DIGIT


#: The heuristics only touch a document that shows it is a page dump: at least this
#: many lines matched navigation rules (menus, share bars, footers...), of at least
#: `MIN_NAVIGATION_KINDS` different rules. Clean prose has none; a licence or an
#: AUTHORS file may repeat one ("Copyright ..."), a page dump matches several kinds.
MIN_NAVIGATION_EVIDENCE = 3
MIN_NAVIGATION_KINDS = 2

#: ... or it holds a run of at least this many short lines in a row that neither end
#: like a sentence nor announce a list nor look like data (see `data_like`): a menu
#: the phrase rules do not know (a page in a language they cover thinly), on a document
#: where some line did match a navigation rule. Documentation and letters in
#: tests/data/prose/ have runs of at most 16 (headings, argument lists).
MIN_MENU_RUN = 25

#: A document where at least this share of the lines is indented is a text file
#: (code, changelog, licence, plain-text mail), not a page dump: block elements dumped
#: as lines start at the margin. It shows no page evidence, whatever its lines match.
INDENTED_SHARE = 0.2

_DATA_CHARS = re.compile(r"[\d@<>=\t|{}\[\]();/\\#_*+%$]")


def data_like(text: str) -> bool:
    """Whether a short line reads as data or code (figures, addresses, markup), not a menu item.

    >>> [data_like(t) for t in ("Privacy Policy", "3, 0x82738c549beccc30", "Ann Lee <ann@x.org>")]
    [False, True, True]
    """
    marks = len(_DATA_CHARS.findall(text))
    return marks >= 2 and marks * 5 >= len(text) or "@" in text


_FIGURES = re.compile(r"[\d\s.,:;/+%()\-\u2012-\u2015\u2212]*\d[\d\s.,:;/+%()\-\u2012-\u2015\u2212]*")


def figures_only(text: str) -> bool:
    """Whether a line is figures alone: digits with spaces and the signs of numbers, times
    and ranges, no word and no symbol. A navigation rule matches some ("8" as a page
    number, "4:32" as a video's length), but outside a page dump they are data: a column
    of numbers, a row of a matrix, a list of times.

    >>> [figures_only(t) for t in ("8", "1 2 3", "-0.25, 3/4", "12:30", "« 1 2 3 »", "© 2024", "Page 2")]
    [True, True, True, True, False, False, False]
    """
    return _FIGURES.fullmatch(text) is not None


_DIGITS = re.compile(r"\d+")
_LETTER_RUNS = re.compile(r"[^\W\d_]+")


def longest_menu_run(classes: Sequence[BlockClass], texts: Sequence[str] | None = None) -> int:
    """The longest run of short lines that could be menu items (with `texts`: not data,
    and not numbered items of one shape, "line 1", "line 2")."""
    longest = run = 0
    shape = None
    for i, c in enumerate(classes):
        if c.label == "short" and not c.sentence and not c.announces:
            if texts:
                if data_like(texts[i]):
                    run = 0
                    continue
                if c.figures:
                    previous, shape = shape, _DIGITS.sub("0", texts[i])
                    if shape == previous:
                        run = 0
                        continue
                else:
                    shape = None
            run += 1
            longest = max(longest, run)
        else:
            run = 0
    return longest


#: Rules for data a table also holds (dates, times): they name a page's byline only
#: where the line is not a cell of a table (see `table_cells`).
DATA_CELL_RULES = frozenset({"navigation:byline-date"})
#: A table dumped one cell per line repeats its row every `period` lines (at most
#: this many cells to a row).
TABLE_MAX_PERIOD = 6
#: Table cells are short: names, dates, figures ("3 years & 11 months"); a teaser
#: feed's title lines are longer.
TABLE_CELL_MAX = 40


def _shape(text: str) -> str:
    """`text` with each run of digits written "0" and each run of letters "a"
    ("11/13/91" -> "0/0/0", "3 years" -> "0 a").

    Two substitutions with a constant replacement, digits first (a "0" stays out of the
    letter runs): several times faster than one pattern with a replacement function.
    """
    return _LETTER_RUNS.sub("a", _DIGITS.sub("0", text))


def table_cells(texts: Sequence[str], rules: Sequence[str | None]) -> list[int]:
    """Indices of lines matched by a `DATA_CELL_RULES` rule that are cells of a table.

    A cell's shape ("11/13/91" -> "0/0/0") recurs every `period` lines for at least
    `DATA_RUN_MIN` rows of lines no longer than `TABLE_CELL_MAX`, and another column of those rows holds
    figures too ("11 years", "7 years & 2 months"): a table of names, dates and ages,
    not a teaser feed of title and date lines, whose titles carry no figures.
    """
    found: set[int] = set()
    n = len(texts)
    shapes: dict[int, str] = {}  # each line's shape, computed once: rows are compared at several periods

    def shaped_like(j: int, shape: str) -> bool:
        # A shape keeps a line's spaces: a line with another number of them (a paragraph
        # above a date) differs without being shaped, which costs in proportion to it.
        if texts[j].count(" ") != shape.count(" "):
            return False
        known = shapes.get(j)
        if known is None:
            known = shapes[j] = _shape(texts[j])
        return known == shape

    for i, rule in enumerate(rules):
        if rule not in DATA_CELL_RULES or i in found:
            continue
        shape = shapes[i] = shapes.get(i) or _shape(texts[i])
        for period in range(1, TABLE_MAX_PERIOD + 1):
            if i >= period and shaped_like(i - period, shape):
                break  # inside a run judged from its first row
            rows = [i]
            while rows[-1] + period < n and shaped_like(rows[-1] + period, shape):
                rows.append(rows[-1] + period)
            if len(rows) < DATA_RUN_MIN:
                continue
            # The shortest period that repeats is the row (a feed with two date columns
            # repeats at 3 and 6 lines: its row is 3).
            short = all(len(texts[j]) <= TABLE_CELL_MAX for j in range(rows[0], rows[-1] + 1))
            if short and (period == 1 or any(
                all(_DIGIT.search(texts[r + offset]) for r in rows) for offset in range(1, period) if rows[-1] + offset < n
            )):
                found.update(r for r in rows if rules[r] in DATA_CELL_RULES)
            break
    return sorted(found)


def page_evidence(classes: Sequence[BlockClass], texts: Sequence[str], rules: Sequence[str | None], indented: float) -> str | None:
    """What shows that a document is a page dump (see the constants above): "navigation",
    "menu-run" or None (nothing: it is left to the rules).

    `rules` are the qualified names of the navigation rules each line matched (None:
    none); `indented` the share of the document's non-blank lines that are indented.
    No evidence counts in a text file (`INDENTED_SHARE`: a licence whose notices match
    the copyright rule, a module whose comments say "All rights reserved"), nor matches
    that are all `figures_only` ("8", "12:30": a data file has page numbers and video
    lengths by the hundred), nor a menu run on a document no navigation rule matched
    (a list of names under a paragraph; every dev page with a menu run has a match).
    """
    if indented >= INDENTED_SHARE:
        return None
    matched = [(rule, text) for rule, text in zip(rules, texts) if rule is not None]
    if (len(matched) >= MIN_NAVIGATION_EVIDENCE and len({rule for rule, _ in matched}) >= MIN_NAVIGATION_KINDS
            and not all(figures_only(text) for _, text in matched)):
        return "navigation"
    if matched and longest_menu_run(classes, texts) >= MIN_MENU_RUN:
        return "menu-run"
    return None


#: A page known by its menu run alone must have debris on both sides of its article
#: (a menu above, a footer below: at least this many lines outside the core on each
#: side); a list with a sentence under it (a shopping list and a note) has one side.
MIN_DEBRIS_EACH_SIDE = 3


#: When the article core would keep less than this share of the document's text (the
#: lines no rule removed), the core is not trusted and the document keeps its text:
#: a page whose article the search missed loses less this way than a document that is
#: not a page loses to a wrong core. The dev pages keep at least 0.10.
MIN_CORE_SHARE = 0.05


#: Rules whose matches open a comment section. When one is followed by at least
#: `COMMENT_SECTION_MIN` more within `COMMENT_SECTION_SPAN` lines, the article is over:
#: comments are prose too, but not the document's.
COMMENT_SECTION_MIN = 2
COMMENT_SECTION_SPAN = 30


def comment_section_start(fixed: Sequence[str | None], after: int) -> int | None:
    """Index of the line opening the comment section, if the page has one after `after`."""
    marks = [i for i, f in enumerate(fixed) if f == "comment" and i >= after]
    for n, i in enumerate(marks):
        if sum(1 for j in marks[n + 1:] if j - i <= COMMENT_SECTION_SPAN) >= COMMENT_SECTION_MIN:
            return i
    return None


#: A line at least this long that contains `COPY_MIN_LINES` other lines of the page
#: verbatim is a copy of the article (structured data such as JSON-LD "articleBody" or
#: a meta description dumped as text), not part of it.
COPY_MIN_LENGTH = 1000
COPY_MIN_LINES = 3
COPY_PROBE_LENGTH = 40
#: A giant line is searched for the page's lines in its first this many characters
#: only, so a line of megabytes costs one bounded scan per probe (a copy starts with
#: the article's first paragraphs).
COPY_SCAN = 100_000


def body_copies(texts: Sequence[str], fixed: Sequence[str | None]) -> list[int]:
    """Indices of lines that repeat the page's own paragraphs run together."""
    giants = [i for i, t in enumerate(texts) if len(t) >= COPY_MIN_LENGTH and fixed[i] is None]
    if not giants:
        return []
    probes = {t.strip() for t, f in zip(texts, fixed) if f is None and COPY_PROBE_LENGTH <= len(t) < COPY_MIN_LENGTH}
    copies = []
    for i in giants:
        text, found = texts[i][:COPY_SCAN], 0
        for probe in probes:
            if probe in text:
                found += 1
                if found >= COPY_MIN_LINES:
                    copies.append(i)
                    break
    return copies


#: A run of at least this many data lines of one shape (see `_item_shape`) right
#: after an article core, under at most one heading, is part of the article: a
#: calendar, a results table, a price list. Menus are words; these carry figures or
#: field separators. Items marked alike ("- ", "• ") are such a run too, and inside
#: the article they do not end it: six bullets between two paragraphs once cut the
#: article core short (`bench/article_lists.py`).
DATA_RUN_MIN = 3

#: A field mark of a data line: a digit, a separator or a currency sign, or " - " (a class
#: alone, so the search skips along the line to its characters; " - " is looked for apart).
_FIELD_MARK = re.compile(r"[\d:|–—$€£%]")


def _item_shape(text: str) -> str | None:
    """The shape of a data line's start ("1a etapa: 10 de" -> "0a a: 0 a"), None for other lines."""
    if not _FIELD_MARK.search(text) and " - " not in text:
        return None
    return _shape(text[:16])


_LIST_MARK = re.compile(r"([-*•·▪◦])\s+\S")


def _list_mark(text: str) -> str | None:
    """The bullet of a list item ("-", "•"), None for other lines. Numbered items (and
    items after an en dash) are data lines to `_item_shape`, which `data_runs` asks first.

    >>> [_list_mark(t) for t in ("- Fresh bread", "• Two tickets", "12. Item", "-5 degrees", "Home")]
    ['-', '•', None, None, None]
    """
    found = _LIST_MARK.match(text)
    return None if found is None else found.group(1)


def data_runs(texts: Sequence[str], classes: Sequence[BlockClass], fixed: Sequence[str | None]) -> list[int]:
    """Indices of lines in runs of at least `DATA_RUN_MIN` short data lines of one shape,
    or list items with one kind of bullet ("- ", "• ")."""
    found: list[int] = []
    run: list[int] = []
    shape = None
    for i, (text, c, f) in enumerate(zip(texts, classes, fixed)):
        this = (_item_shape(text) or _list_mark(text)) if f is None and c.length < LENGTH_HIGH else None
        if this is not None and this == shape:
            run.append(i)
            continue
        if len(run) >= DATA_RUN_MIN:
            found += run
        run, shape = ([i], this) if this is not None else ([], None)
    if len(run) >= DATA_RUN_MIN:
        found += run
    return found


#: Lists inside an article stand between its paragraphs: a paragraph of prose at most
#: this many lines before the list and after it (a caption, a "Read more" link or a
#: heading may stand between). A ranking of searches or headlines under the article has
#: only the footer under it, and stays out. These three constants were chosen in every
#: fold of the cross-validation over both English dev sets (bench/debris_quality.py
#: --cv: gap 0-3, item length 40-80, share 0.5-1 tried).
LIST_GAP = 3
#: A list item without a number is short (a menu of headlines between two teasers has
#: longer lines: "Prince Andrew: BT and three universities abandon ties with duke") ...
LIST_ITEM_MAX = 70
#: ... and most items are written in sentence case, some word after the first in lower
#: case ("Fresh bread and milk"), where a menu's are in title case ("Car Reviews",
#: "Editor's Note"). A script without case has no such items: its lists stay as they were.
LIST_SENTENCE_CASE_SHARE = 0.75

#: A list right under an article's last paragraph, with no paragraph under it, is taken
#: in only when more than this share of each item's words after the first start in lower
#: case ("Rents rose again"), where a link bar's are in title case ("Contact the Editors",
#: "Send This Page to a Friend"). Chosen in 4 of 5 folds of the cross-validation (0.34,
#: 0.5, 0.67 tried; 0.34, chosen once, took a block of related headlines in as a list:
#: "How to invest in index funds, explained"). See bench/article_lists_heldout.py.
LIST_END_LOWER_SHARE = 0.5

_NUMBERED = re.compile(r"(\d{1,3})([.)])\s+\S")


def _number(text: str) -> tuple[int, str] | None:
    """The number and mark of a numbered item, None for other lines.

    >>> [_number(t) for t in ("12. Item", "3) Item", "2019. Year", "1.5 litres", "Item")]
    [(12, '.'), (3, ')'), None, None, None]
    """
    found = _NUMBERED.match(text) if text[:1].isdigit() else None
    return None if found is None else (int(found.group(1)), found.group(2))


_LOWER_WORD = re.compile(r"\s[a-z]")  # the common case, found without splitting the line


def _sentence_case(text: str) -> bool:
    """Whether some word after the first starts in lower case.

    >>> [_sentence_case(t) for t in ("Fresh bread and milk", "Car Reviews", "GPS", "Paket für 3 Tage")]
    [True, False, False, True]
    """
    if _LOWER_WORD.search(text):
        return True
    return not text.isascii() and any(word[:1].islower() for word in text.split()[1:])


def article_lists(texts: Sequence[str], classes: Sequence[BlockClass], fixed: Sequence[str | None]) -> list[int]:
    """Indices of the items of lists between paragraphs (`LIST_GAP`): at least
    `DATA_RUN_MIN` items numbered one after another ("1. ", "2. "... or "1) ", "2) "), or
    a run of short lines no rule matched that reads as a list (`LIST_ITEM_MAX`,
    `LIST_SENTENCE_CASE_SHARE`); and lists right under a paragraph with none under them,
    an article's last lines, whose items read as sentences (`_list_under`).

    Like a data run, such a list neither ends the article core nor counts against it.
    Numbered items share no shape of a data line ("1. Check the tyres", "2. Pack water"),
    and counted as a run wherever they stood, they pulled a ranking of searches under
    an article into it.
    """
    prose_at = [i for i, (c, f) in enumerate(zip(classes, fixed)) if f is None and (c.label == "good" or c.label == "near-good")]
    found: list[int] = []
    for p, q in zip(prose_at, prose_at[1:]):  # each stretch between two paragraphs
        # A list starts at most `LIST_GAP` lines after the paragraph above and ends at
        # most `LIST_GAP` lines before the one below.
        i, latest = p + 1, min(q, p + 2 + LIST_GAP)
        while i < latest and q - i >= DATA_RUN_MIN:
            if fixed[i] is not None:
                i += 1
                continue
            stop = _numbered_run(texts, classes, fixed, i, q)
            if stop - i >= DATA_RUN_MIN and q - stop <= LIST_GAP:
                found += range(i, stop)
                break
            stop = i
            while stop < q and fixed[stop] is None and classes[stop].label == "short":
                stop += 1
            if (stop - i >= DATA_RUN_MIN and q - stop <= LIST_GAP
                    and all(classes[k].length <= LIST_ITEM_MAX for k in range(i, stop))
                    and sum(_sentence_case(texts[k]) for k in range(i, stop)) >= LIST_SENTENCE_CASE_SHARE * (stop - i)):
                found += range(i, stop)
                break
            i = max(stop, i + 1)
    taken, n = set(found), len(texts)
    for p in prose_at:  # a list right under a paragraph, with debris under it: the article's end
        first = p + 1  # mostly another paragraph: looked at here, without a call
        if first < n and fixed[first] is None and classes[first].label == "short" and first not in taken:
            found += [k for k in _list_under(texts, classes, fixed, first) if k not in taken]
    return found


def _list_under(texts: Sequence[str], classes: Sequence[BlockClass], fixed: Sequence[str | None], first: int) -> list[int]:
    """The items of a list starting at line `first`, right under a paragraph, that no
    paragraph follows: at least `DATA_RUN_MIN` short lines (`LIST_ITEM_MAX`) that read
    as sentences (`_plain_item`: "Rents rose again"), up to the first line that is not
    such an item.

    A ranking under an article stands under a heading ("Most read", a rule matches it,
    or "Top searches" over queries in lower case), not right under the last paragraph;
    numbered items are not taken here (a ranking of a hundred searches under a paragraph).
    """
    stop, n = first, len(texts)
    while (stop < n and fixed[stop] is None and classes[stop].label == "short" and classes[stop].length <= LIST_ITEM_MAX
           and _plain_item(texts[stop])):
        stop += 1
    return list(range(first, stop)) if stop - first >= DATA_RUN_MIN else []


def _plain_item(text: str) -> bool:
    """Whether a line reads as an item of a list written as sentences: it starts in upper
    case and more than `LIST_END_LOWER_SHARE` of the words after the first start in lower
    case; not data, no "|" between links.

    >>> [_plain_item(t) for t in ("Rents rose again", "Contact the Editors", "weather tomorrow", "Home | News")]
    [True, False, False, False]
    """
    if not text[:1].isupper() or "|" in text or data_like(text):
        return False
    later = text.split()[1:]
    return sum(word[:1].islower() for word in later) > LIST_END_LOWER_SHARE * len(later)


def _numbered_run(texts: Sequence[str], classes: Sequence[BlockClass], fixed: Sequence[str | None], first: int, hi: int) -> int:
    """Where the run of items numbered one after another from line `first` ends (at most `hi`)."""
    stop, last = first, None
    while stop < hi and fixed[stop] is None and classes[stop].length < LENGTH_HIGH:
        number = _number(texts[stop])
        if number is None or last is not None and number != (last[0] + 1, last[1]):
            break
        stop, last = stop + 1, number
    return stop


#: A copyright notice is the licence's, not a page footer's, when its own line or one
#: at most this many lines under it names a licence, or hard-wrapped prose starts there
#: (see `licence_notice`): other notices and a one-line sentence ("See the end for
#: copying conditions.") may stand between. Both constants give the same output on every
#: dev page at every value tried (1-5 and 30-60, bench/debris_quality.py --cv); on the
#: held-out bench/nonpage_survival.py, 1 misses a THANKS file's two notices above a sentence.
NOTICE_SPAN = 3
#: A line broken off by hard wrapping is at least this long (text files wrap at 70-80
#: characters; a menu item followed by one in lower case is not prose).
WRAPPED_LINE_MIN = 40
_SENTENCE_END = tuple(".!?:;,\"')]»”’")
#: "License", "licence", "licensed": a page's footer reserves rights and links its
#: terms; it seldom names a licence (a disclaimer of warranties it may have).
_LICENCE = re.compile(r"\blicen[cs]", re.IGNORECASE)


def licence_notice(texts: Sequence[str], i: int, stop: int) -> bool:
    """Whether the copyright notice at line i heads a licence or a text file: its line or
    one of the `NOTICE_SPAN` lines under it (before `stop`) names a licence ("Released
    under the MIT License."), or hard-wrapped prose starts there: a line broken off
    mid-sentence and the next one going on in lower case.

    A licence or a README under its copyright notice is wrapped at a fixed width
    ("Permission is hereby granted, free of charge, to any person obtaining a" / "copy
    of this software..."); a page dump has one paragraph to a line, and its © footer
    has links under it, or nothing.

    >>> notice = ["Copyright © 1992 X Consortium", "Permission is hereby granted, free of charge, to any person obtaining a",
    ...           "copy of this software and associated documentation files."]
    >>> licence_notice(notice, 0, 3), licence_notice(["© 2024 Jane Doe", "Released under the MIT License."], 0, 2)
    (True, True)
    >>> licence_notice(["© 2024 Town News", "Privacy Policy", "about us"], 0, 3)
    False
    """
    if any(_LICENCE.search(texts[k]) for k in range(i, min(stop, i + 1 + NOTICE_SPAN))):
        return True
    for k in range(i + 1, min(stop - 1, i + 1 + NOTICE_SPAN)):
        line = texts[k]
        if len(line) >= WRAPPED_LINE_MIN and not line.endswith(_SENTENCE_END) and texts[k + 1][:1].islower():
            return True
    return False
