"""Tell article prose from page boilerplate using the text alone.

A scraped page dump has one block per line: menu items, share buttons, teasers and
footer links are short lines with few function words; article paragraphs are long
lines dense in stopwords. The classifier follows the idea of jusText (Pomikálek,
2011): each line is first classified on its own as `good`, `near-good`, `short` or
`bad` from its length and stopword density, then lines that are too short to judge
take the class of their neighbours. On top of that, the article core (the stretch of
the page with the most prose, debris on either side) decides what lies too far from
the article to be part of it. The core is generous at its edges, because users
forgive leftover debris more easily than lost text: it takes in neighbouring lines
that argue neither way, a list its last line announces ("Tour dates:") and a run of
data lines of one shape, and inside it a line of names and figures (a result, a
stats row) is data, not a menu.

Each line is measured in its own language (see `languages`), and where no stopword
list covers it, by its shape: a long line with sentence ends of its script is a
paragraph in any language. Safety comes first: the heuristics act only on a document
that shows positive evidence of being a page dump (`page_evidence`), and a document
whose article core is missing or would keep almost nothing is left to the rules
(`classify_document` says why), so no document is emptied silently.

Every decision carries a reason and a debris score in [0, 1] (1 = surely debris),
so a removal can be explained: ``menu-run: short line among boilerplate (score 0.80)``.

>>> texts = ["Home", "News", "Contact", "Ferry stays", "The council met and the vote was close. " * 4,
...          "Share on Facebook", "© 2025 Town News"]
>>> fixed = [None, None, "navigation", None, None, "navigation", "navigation"]  # the rules' matches
>>> [c.label for c in classify(texts, "en", fixed)]
['bad', 'bad', 'bad', 'good', 'good', 'bad', 'bad']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# Re-exported: callers (the stage, the CLI's --lang choices, tests) read them here.
from .languages import LANGUAGES, detect_language, measure, stopwords  # noqa: F401
from .languages import HAN_KANA, SENTENCE_MARK, UNSPACED

# Thresholds, in "Latin characters": jusText's defaults are 70 and 200 characters and
# stopword densities 0.30 / 0.32; a grid over the news dev set preferred a lower "long"
# bar and lower densities, which keep short article paragraphs, and cross-validation
# over sites of both English dev sets (bench/debris_quality.py --cv) chose 0.18.
LENGTH_LOW = 70
LENGTH_HIGH = 120
STOPWORDS_LOW = 0.18
STOPWORDS_HIGH = 0.30
#: Short lines this close (in blocks) before the first article paragraph may be its
#: headline, standfirst or byline: they are kept when they look like one.
HEADLINE_WINDOW = 3
#: A line without enough stopword evidence (a language without a list, or a list
#: that misses) is still prose when it is shaped like a paragraph: at least
#: `LENGTH_HIGH` long, a sentence ending in it, and with this many words (or, in
#: Han or Kana, twice the length) or two sentence ends; in Thai, Lao, Khmer or Myanmar,
#: which put spaces between phrases only, three phrases.
PARAGRAPH_WORDS = 15

_DIGIT = re.compile(r"\d")
_CONTINUES = (",", "、", "，", "،")


@dataclass(slots=True)
class BlockClass:
    """The verdict on one line: a label, why, and how sure (1 = surely debris)."""

    label: str  # good, near-good, short, bad
    reason: str
    score: float
    length: float = 0.0
    density: float = 0.0
    sentence: bool = False
    announces: bool = False  #: ends with a colon: a list may follow
    figures: bool = False  #: holds a digit: dates, scores, prices (data, rarely a menu item)
    language: str = ""  #: the language its stopword density was measured in ("" = none)


def paragraph_shaped(text: str, length: float, sentence: bool, words: int) -> bool:
    """Whether a line is shaped like a paragraph of prose, in any language or script."""
    if length < LENGTH_HIGH:
        return False
    plain = text.isascii()  # no unspaced script, no Han or Kana: skips the `regex` searches
    if not plain and UNSPACED.search(text) and not HAN_KANA.search(text):
        # Thai, Lao, Khmer, Myanmar: no spaces between words and often no full stop;
        # spaces separate phrases and sentences, which menu items do not have.
        return words >= 3
    marks = len(SENTENCE_MARK.findall(text))
    if not (sentence or marks):  # a sentence ends somewhere in it, at least
        return False
    if words >= PARAGRAPH_WORDS or (length >= 2 * LENGTH_HIGH and not plain and HAN_KANA.search(text)):
        return True
    return marks >= 2


def paragraph_like(text: str) -> bool:
    """Whether a line is a paragraph of prose by its stopwords or by its shape."""
    length, density, sentence, _, words = measure(text)
    return length >= LENGTH_HIGH and (density >= STOPWORDS_HIGH or paragraph_shaped(text, length, sentence, words))


#: `line_facts` remembers the verdicts on lines up to this long, this many at most (then
#: starts afresh): pages of one site repeat their menus and footers, in one run or across
#: the files of a batch, each file a run of its own. A verdict depends on the line alone.
#: Short lines only (99% of the repeats on the dev pages), so it holds 15 MB at most.
FACTS_MEMO_LINE = 300
FACTS_MEMO_SIZE = 50_000
_facts_memo: dict[tuple[str, str | None], tuple] = {}


def line_facts(text: str, language: str | None = None) -> tuple:
    """The context-free verdict on one line, as a tuple of `BlockClass` fields.

    A tuple, so it can be cached per distinct line and fresh (mutable) `BlockClass`
    objects built from it: ``BlockClass(*line_facts(text))``.
    """
    if len(text) > FACTS_MEMO_LINE:
        return _line_facts(text, language)
    key = (text, language)
    facts = _facts_memo.get(key)
    if facts is None:
        if len(_facts_memo) >= FACTS_MEMO_SIZE:
            _facts_memo.clear()
        facts = _facts_memo[key] = _line_facts(text, language)
    return facts


def _line_facts(text: str, language: str | None) -> tuple:
    length, density, sentence, measured_in, words = measure(text, language, density=False)
    announces = text.rstrip().endswith((":", "："))
    # Shorter than a paragraph and ending neither like a sentence nor with a comma (a
    # sentence going on on the next line): a title or a link, such as a teaser headline
    # in a sidebar, however many function words it has. It is judged as a short line,
    # and its stopwords are not counted (they would not change its class).
    title = length < LENGTH_HIGH and not sentence and not text.rstrip().endswith(_CONTINUES)
    if not (length < LENGTH_LOW or title):
        length, density, sentence, measured_in, words = measure(text, language)
    if length < LENGTH_LOW or title:
        label, reason, score = "short", "short", 0.5
    elif density >= STOPWORDS_HIGH and length >= LENGTH_HIGH:
        label, reason, score = "good", "prose", 0.0
    elif density >= STOPWORDS_LOW:
        label, reason, score = "near-good", "prose-like", 0.3
    elif sentence and density >= STOPWORDS_LOW / 2 and length >= LENGTH_HIGH:
        label, reason, score = "near-good", "sentence-few-stopwords", 0.4
    elif paragraph_shaped(text, length, sentence, words):
        # Twice a paragraph's length, prose in any language; shorter, it argues less.
        label, reason, score = ("good", "paragraph-shape", 0.2) if length >= 2 * LENGTH_HIGH else ("near-good", "paragraph-shape", 0.4)
    else:
        label, reason, score = "bad", "few-stopwords", round(0.9 - density, 2)
    figures = _DIGIT.search(text) is not None
    return label, reason, score, length, density, sentence and not announces, announces, figures, measured_in


def classify_line(text: str, language: str | None = None) -> BlockClass:
    """Context-free class of one line, as in jusText's first pass."""
    return BlockClass(*line_facts(text, language))


def _neighbour(classes: list[BlockClass], i: int, step: int, skip: frozenset[str], lo: int, hi: int) -> str:
    j = i + step
    while lo <= j < hi:
        if classes[j].label not in skip:
            return classes[j].label
        j += step
    return "good"  # the edges of the article core border on the article


def _in_announced_list(classes: list[BlockClass], i: int, lo: int) -> bool:
    """Whether line i belongs to a run of short lines announced by a colon ("Dates:")."""
    while i > lo:
        i -= 1
        if classes[i].announces:
            return True
        if classes[i].label != "short":
            return False
    return False


_SKIP_SHORT = frozenset({"short", "near-good"})
_SKIP_NOTHING = frozenset({"short"})


def resolve_context(classes: list[BlockClass], lo: int = 0, hi: int | None = None) -> None:
    """Give short and near-good lines in `classes[lo:hi]` the class of their neighbours."""
    hi = len(classes) if hi is None else hi
    labels = [c.label for c in classes]
    for i in range(lo, hi):
        c = classes[i]
        if c.label != "short":
            continue
        prev, nxt = _neighbour(classes, i, -1, _SKIP_SHORT, lo, hi), _neighbour(classes, i, 1, _SKIP_SHORT, lo, hi)
        if prev == nxt == "good":
            labels[i], c.reason, c.score = "good", "short-inside-prose", 0.2
        elif prev == nxt == "bad":
            labels[i], c.reason, c.score = "bad", "short-among-boilerplate", 0.8
        elif (prev == "bad" and _neighbour(classes, i, -1, _SKIP_NOTHING, lo, hi) == "near-good") or (
            nxt == "bad" and _neighbour(classes, i, 1, _SKIP_NOTHING, lo, hi) == "near-good"
        ):
            labels[i], c.reason, c.score = "good", "short-next-to-prose", 0.4
        elif c.sentence or _in_announced_list(classes, i, lo):
            labels[i], c.reason, c.score = "good", "short-sentence-or-list-item", 0.4
        else:
            labels[i], c.reason, c.score = "bad", "short-at-edge", 0.6
    for i in range(lo, hi):
        c = classes[i]
        if c.label != "near-good":
            continue
        prev, nxt = _neighbour(classes, i, -1, _SKIP_SHORT, lo, hi), _neighbour(classes, i, 1, _SKIP_SHORT, lo, hi)
        # Two prose-like paragraphs in a row are a block of prose, not a stray line.
        block = (i > lo and classes[i - 1].label == "near-good") or (i + 1 < hi and classes[i + 1].label == "near-good")
        if prev == nxt == "bad" and not block:
            labels[i], c.reason, c.score = "bad", "prose-among-boilerplate", 0.6
        else:
            labels[i], c.reason = "good", "prose-near-prose"
    for i in range(lo, hi):
        c = classes[i]
        # Inside the article, a line of names and figures is data, not a menu: a
        # result ("Palm Bay (1-0): Tolivert 25 points."), a stats row, a date line.
        if labels[i] == "bad" and c.reason == "few-stopwords" and (c.sentence or c.figures):
            labels[i], c.reason, c.score = "good", "figures-or-names-in-article", 0.4
        c.label = labels[i]


# Weights of the article-core search, in characters of evidence: prose counts for its
# length, a menu-like short line or a rule match against. A short line ending like a
# sentence is weak evidence for prose ("The vote was close.").
SHORT_PENALTY = 40
RULE_PENALTY = 100
BAD_FACTOR = 0.5
NEAR_GOOD_FACTOR = 0.6
#: A second run of prose joins the article when it scores at least this share of the
#: best run (two halves of one text split by a table, not a comment under it). Chosen
#: by every fold of the cross-validation over both English dev sets (0.3, 0.5, 0.7 tried).
SECOND_RUN_SHARE = 0.3


def core_weight(c: BlockClass, fixed: str | None) -> float:
    """How much one line argues for (+) or against (-) being inside the article."""
    if fixed == "good":
        return max(c.length, SHORT_PENALTY)
    if fixed == "template":
        return 0.0
    if fixed is not None:
        return -RULE_PENALTY
    if c.label == "good":
        return c.length
    if c.label == "near-good":
        return c.length * NEAR_GOOD_FACTOR
    if c.label == "short":
        if c.sentence:
            return c.length * 0.3
        return -SHORT_PENALTY if c.length else 0.0
    if c.sentence:
        return 0.0  # names and figures in sentences (results, listings): neither prose nor menu
    return -max(c.length * BAD_FACTOR, SHORT_PENALTY)


def best_segment(weights: Sequence[float], lo: int = 0, hi: int | None = None) -> tuple[int, int, float]:
    """The contiguous run [start, end) of `weights[lo:hi]` with the largest sum (Kadane)."""
    hi = len(weights) if hi is None else hi
    best = (lo, lo, 0.0)
    start, total = lo, 0.0
    for i in range(lo, hi):
        if total <= 0:
            start, total = i, 0.0
        total += weights[i]
        if total > best[2]:
            best = (start, i + 1, total)
    return best


#: A run of prose at least this strong (characters of evidence, net of the debris
#: inside it: some 80 words), cut off from the article by at least `ARTICLE_GAP` of
#: debris (a page's footer and the next page's menus), is an article of its own
#: however strong the best one: one long stream of many pages holds one such run per
#: page, and keeping only the best would keep one page of twenty. On single dev pages
#: the F1 is flat in both (500-1200, 1000-2500 tried, bench/debris_quality.py --cv).
ARTICLE_RUN = 500
ARTICLE_GAP = 1500


def article_core(weights: Sequence[float], lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
    """The article's stretches in `weights[lo:hi]`: the best-scoring run, plus other runs
    nearly as strong (`SECOND_RUN_SHARE` of the best).
    """
    hi = len(weights) if hi is None else hi
    start, end, total = best_segment(weights, lo, hi)
    if total <= 0:
        return []
    spans = [(start, end)]
    pending = [(lo, start), (end, hi)]
    while pending:
        a, b = pending.pop()
        s, e, t = best_segment(weights, a, b)
        if t <= 0:
            continue
        if t >= total * SECOND_RUN_SHARE:
            spans.append((s, e))
            pending += [(a, s), (e, b)]
    return sorted(spans)


def independent_articles(
    weights: Sequence[float], spans: list[tuple[int, int]], lo: int, hi: int, gap_weights: Sequence[float] | None = None,
) -> list[tuple[int, int]]:
    """Runs in `weights[lo:hi]` that are articles of their own next to `spans` (`ARTICLE_RUN`).

    `gap_weights` (default `weights`) measure the debris between them: comment chrome
    (a reply button, a comment date) separates comments, not pages, so it counts 0 there.
    """
    found: list[tuple[int, int]] = []
    pending, cursor = [], lo
    for start, stop in sorted(spans):  # the stretches between the spans already taken
        if start > cursor and start <= hi:
            pending.append((cursor, start))
        cursor = max(cursor, stop)
    if cursor < hi:
        pending.append((cursor, hi))
    near: list[tuple[int, int]] = []  # strong runs that are not cut off: part of an article's page
    while pending:
        a, b = pending.pop()
        s, e, t = best_segment(weights, a, b)
        if t < ARTICLE_RUN:
            continue
        if _cut_off(gap_weights or weights, spans + found + near, s, e):
            found.append((s, e))
        else:
            near.append((s, e))
        pending += [(a, s), (e, b)]
    return sorted(found)


def _cut_off(weights: Sequence[float], spans: list[tuple[int, int]], s: int, e: int) -> bool:
    """Whether the debris between run [s, e) and the nearest accepted span weighs at
    least `ARTICLE_GAP` against."""
    before = [stop for start, stop in spans if stop <= s]
    after = [start for start, stop in spans if start >= e]
    gaps = ([_deepest_debris(weights, max(before), s)] if before else []) + (
        [_deepest_debris(weights, e, min(after))] if after else [])
    return bool(gaps) and max(gaps) <= -ARTICLE_GAP


def _deepest_debris(weights: Sequence[float], lo: int, hi: int) -> float:
    """The lowest sum of a contiguous stretch of `weights[lo:hi]` (0 for none)."""
    deepest = total = 0.0
    for w in weights[lo:hi]:
        total = min(0.0, total + w)
        deepest = min(deepest, total)
    return deepest


def stream_pages(fixed: Sequence[str | None], classes: Sequence[BlockClass]) -> list[tuple[int, int]]:
    """Split a stream of pages run together into pages: [start, stop) ranges.

    A page's comment section ends where the next page begins: at an article of its own
    (`independent_articles`) after the comments, the split falling in the middle of the
    deepest stretch of debris between them (the footer and the next page's menus, so the
    next page keeps its headline). Judged whole, every page after the first comment
    section of a stream would be left with its strongest run of prose alone.
    """
    n = len(classes)
    weights = [core_weight(c, f) for c, f in zip(classes, fixed)]
    gap_weights = [0.0 if f == "comment" else w for w, f in zip(weights, fixed)]
    pages, start = [], 0
    while True:
        first_good = next((i for i in range(start, n) if classes[i].label == "good" and fixed[i] is None), n)
        comments = comment_section_start(fixed[start:], first_good - start)
        split = None
        if comments is not None:
            end = start + comments
            spans = article_core(weights, start, end) or [(end, end)]
            stretch = _first_deep_stretch(gap_weights, end, n)
            later = independent_articles(weights, spans, end, n, gap_weights)
            if later and (stretch is None or later[0][0] < stretch[0]):
                low, stretch = _deepest_stretch(weights, end, later[0][0])
                stretch = stretch if low < 0 else None
            if stretch is not None:
                split = (stretch[0] + stretch[1]) // 2
        if split is None or split <= start:
            pages.append((start, n))
            return pages
        pages.append((start, split))
        start = split


def _first_deep_stretch(weights: Sequence[float], lo: int, hi: int) -> tuple[int, int] | None:
    """The first stretch of `weights[lo:hi]` whose debris weighs `ARTICLE_GAP` or more against
    (from its first line against to the first line for after that), None if there is none."""
    total, began, low, low_at = 0.0, lo, 0.0, lo
    for i in range(lo, hi):
        if low <= -ARTICLE_GAP and weights[i] > 0:
            return began, i
        if total + weights[i] >= 0:
            total, low = 0.0, 0.0
            continue
        if total == 0:
            began = i
        total += weights[i]
        if total < low:
            low, low_at = total, i + 1
    return (began, low_at) if low <= -ARTICLE_GAP else None


def _deepest_stretch(weights: Sequence[float], lo: int, hi: int) -> tuple[float, tuple[int, int]]:
    """The lowest sum of a contiguous stretch of `weights[lo:hi]`, and the stretch."""
    low, where = 0.0, (lo, lo)
    total, began = 0.0, lo
    for i in range(lo, hi):
        if total > 0 or total == 0 and weights[i] >= 0:
            total, began = 0.0, i + 1
            continue
        total += weights[i]
        if total > 0:
            total, began = 0.0, i + 1
        elif total < low:
            low, where = total, (began, i + 1)
    return low, where


#: The heuristics only touch a document that shows it is a page dump: at least this
#: many lines matched navigation rules (menus, share bars, footers...), of at least
#: `MIN_NAVIGATION_KINDS` different rules. Clean prose has none; a licence or an
#: AUTHORS file may repeat one ("Copyright ..."), a page dump matches several kinds.
MIN_NAVIGATION_EVIDENCE = 3
MIN_NAVIGATION_KINDS = 2

#: ... or it holds a run of at least this many short lines in a row that neither end
#: like a sentence nor announce a list nor look like data (see `data_like`): a menu
#: the phrase rules do not know (a page in a language they cover thinly). Documentation
#: and letters in tests/data/prose/ have runs of at most 16 (headings, argument lists).
MIN_MENU_RUN = 25

#: A document where at least this share of the lines is indented is a text file
#: (code, changelog, licence, plain-text mail), not a page dump: block elements dumped
#: as lines start at the margin. Its long runs of short lines are not menus.
INDENTED_SHARE = 0.2

_DATA_CHARS = re.compile(r"[\d@<>=\t|{}\[\]();/\\#_*+%$]")


def data_like(text: str) -> bool:
    """Whether a short line reads as data or code (figures, addresses, markup), not a menu item.

    >>> [data_like(t) for t in ("Privacy Policy", "3, 0x82738c549beccc30", "Ann Lee <ann@x.org>")]
    [False, True, True]
    """
    marks = len(_DATA_CHARS.findall(text))
    return marks >= 2 and marks * 5 >= len(text) or "@" in text


_DIGITS = re.compile(r"\d+")


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


def _cell_shape(text: str) -> str:
    return _SHAPE_RUNS.sub(lambda m: "0" if m.group(1) else "a", text)


def table_cells(texts: Sequence[str], rules: Sequence[str | None]) -> list[int]:
    """Indices of lines matched by a `DATA_CELL_RULES` rule that are cells of a table.

    A cell's shape ("11/13/91" -> "0/0/0") recurs every `period` lines for at least
    `DATA_RUN_MIN` rows of lines no longer than `TABLE_CELL_MAX`, and another column of those rows holds
    figures too ("11 years", "7 years & 2 months"): a table of names, dates and ages,
    not a teaser feed of title and date lines, whose titles carry no figures.
    """
    found: set[int] = set()
    n = len(texts)
    for i, rule in enumerate(rules):
        if rule not in DATA_CELL_RULES or i in found:
            continue
        shape = _cell_shape(texts[i])
        for period in range(1, TABLE_MAX_PERIOD + 1):
            if i >= period and _cell_shape(texts[i - period]) == shape:
                break  # inside a run judged from its first row
            rows = [i]
            while rows[-1] + period < n and _cell_shape(texts[rows[-1] + period]) == shape:
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
    """
    navigation = [r for r in rules if r is not None]
    if len(navigation) >= MIN_NAVIGATION_EVIDENCE and len(set(navigation)) >= MIN_NAVIGATION_KINDS:
        return "navigation"
    if indented < INDENTED_SHARE and longest_menu_run(classes, texts) >= MIN_MENU_RUN:
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


def classify(
    texts: Sequence[str],
    language: str | None = None,
    fixed: Sequence[str | None] = (),
    classes: list[BlockClass] | None = None,
) -> list[BlockClass]:
    """Classify the non-blank lines of one document in context (see `classify_document`)."""
    fixed = list(fixed) + [None] * (len(texts) - len(fixed))
    rules = ["navigation" if f in ("navigation", "comment") else None for f in fixed]
    # Without rule names, every navigation match counts as its own kind.
    rules = [f"{r}{i}" if r else None for i, r in enumerate(rules)]
    return classify_document(texts, language, fixed, classes, rules)[0]


def _keep_all(classes: list[BlockClass], fixed: Sequence[str | None], reason: str) -> None:
    for c, label in zip(classes, fixed):
        if label in (None, "good", "repeated"):
            c.label, c.reason, c.score = "good", reason, 0.0
        else:
            c.label, c.reason, c.score = "bad", "rule", 1.0


def classify_document(
    texts: Sequence[str],
    language: str | None,
    fixed: Sequence[str | None],
    classes: list[BlockClass] | None = None,
    rules: Sequence[str | None] = (),
    indented: float = 0.0,
) -> tuple[list[BlockClass], str | None]:
    """Classify the non-blank lines of one document in context.

    `fixed[i]`, when given, forces line i: ``"good"`` (protected), ``"bad"`` (a rule
    matched it), ``"template"`` (a template error: debris that says nothing about
    the page's structure), ``"comment"`` (comment-widget chrome) or ``"repeated"``
    (seen in several earlier documents of the run: site chrome, as in CCNet; kept
    when the page shows no other evidence of being a page dump). Lines outside
    the article core are boilerplate; inside it, short and near-good lines take the
    class of their neighbours. `classes`, when given, are the lines' context-free
    classes already computed (from a cache of `line_facts`); they are updated in place.
    `rules` and `indented` are the page evidence of `page_evidence`.

    Returns the classes and, when the heuristics left the document to the rules, why:
    ``no-page-evidence``, ``no-article-core``, ``core-too-small`` or ``one-sided-list``
    (page evidence from a menu run alone, and debris on one side of the core only).
    """
    if classes is None:
        classes = [classify_line(t, language) for t in texts]
    fixed = list(fixed) + [None] * (len(classes) - len(fixed))
    rules = list(rules) + [None] * (len(classes) - len(rules))
    evidence = page_evidence(classes, texts, rules, indented)
    if evidence is None:
        _keep_all(classes, fixed, "no-page-evidence")
        return classes, "no-page-evidence"
    facts = [(c.label, c.reason, c.score) for c in classes]
    weights = [core_weight(c, f) for c, f in zip(classes, fixed)]
    data = data_runs(texts, classes, fixed)
    for i in data:
        weights[i] = max(weights[i], 0.0)  # data, neither prose nor menu: the core may take it in
    copies = body_copies(texts, fixed)
    for i in copies:
        weights[i] = 0.0
    for c, label in zip(classes, fixed):
        if label == "repeated":
            c.label, c.reason, c.score = "bad", "repeated-across-documents", 0.7
        elif label is not None:
            c.label = "good" if label == "good" else "bad"
    end = len(classes)
    first_good = next((i for i, c in enumerate(classes) if c.label == "good" and fixed[i] is None), end)
    comments = comment_section_start(fixed, first_good)
    if comments is not None:
        end = comments
    spans = article_core(weights, 0, end)
    if not spans:
        _keep_all(classes, fixed, "no-article-core")
        return classes, "no-article-core"
    spans = [_extend_neutral(weights, fixed, start, stop, end) for start, stop in spans]
    spans = [_extend_list(texts, fixed, start, stop, end) for start, stop in spans]
    spans = [_extend_data(texts, classes, fixed, start, stop, end) for start, stop in spans]
    # Articles of their own (the other pages of a stream), before or past a comment section.
    gap_weights = [0.0 if f == "comment" else w for w, f in zip(weights, fixed)]
    others = independent_articles(weights, spans, 0, end, gap_weights)
    spans = sorted(spans + [_extend_neutral(weights, fixed, start, stop, end) for start, stop in others])
    others = independent_articles(weights, spans, end, len(classes), gap_weights) if end < len(classes) else []
    spans += [_extend_neutral(weights, fixed, start, stop, len(classes)) for start, stop in others]
    inside = [False] * len(classes)
    for start, stop in spans:
        for i in range(start, stop):
            inside[i] = True
        resolve_context(classes, start, stop)
        _keep_announced_lists(classes, fixed, start, stop)
    for start, _ in spans:
        _keep_headline(classes, fixed, start)
    for i in range(1, len(classes) - 1):
        # A paragraph between two of the article's own that a phrase rule matched (an
        # article about copyright quoting "all rights reserved") is the article's.
        if (fixed[i] == "navigation" and inside[i - 1] and inside[i + 1] and fixed[i - 1] is None
                and fixed[i + 1] is None and classes[i - 1].label == classes[i + 1].label == "good"
                and paragraph_like(texts[i])):
            classes[i].label, classes[i].reason, classes[i].score = "good", "rule-match-inside-prose", 0.5
    for i in data:
        if inside[i] and classes[i].label == "bad":
            classes[i].label, classes[i].reason, classes[i].score = "good", "data-run-in-article", 0.4
    for i in copies:
        classes[i].label, classes[i].reason, classes[i].score = "bad", "copy-of-article", 0.8
    for i, c in enumerate(classes):
        if not inside[i] and fixed[i] is None and c.reason not in ("headline", "copy-of-article"):
            if i >= end:
                c.label, c.reason, c.score = "bad", "comment-section", 0.7
                continue
            c.label, c.reason = "bad", "outside-article-core"
            c.score = round(max(c.score, 0.5 + min(0.4, -weights[i] / 200)), 2) if weights[i] < 0 else 0.5
    free = sum(len(t) for t, f in zip(texts, fixed) if f is None)
    kept = sum(len(t) for t, f, c in zip(texts, fixed, classes) if f is None and c.label == "good")
    fallback = None
    if kept < MIN_CORE_SHARE * free:
        fallback = "core-too-small"
    elif evidence == "menu-run":
        before = sum(1 for i in range(spans[0][0]) if fixed[i] is None and classes[i].label == "bad")
        after = sum(1 for i in range(spans[-1][1], len(classes)) if fixed[i] is None and classes[i].label == "bad")
        if min(before, after) < MIN_DEBRIS_EACH_SIDE:
            fallback = "one-sided-list"
    if fallback is not None:
        for c, (label, reason, score) in zip(classes, facts):
            c.label, c.reason, c.score = label, reason, score
        _keep_all(classes, fixed, fallback)
    return classes, fallback


def _keep_announced_lists(classes: list[BlockClass], fixed: Sequence[str | None], start: int, stop: int) -> None:
    """Keep each list a line ending in a colon announces ("Tour dates:"), and that line.

    Inside the article, list items are short and few in function words, so the
    context pass alone would judge them as a menu. The list runs until a rule-matched
    line or a line as long as a paragraph.
    """
    for i in range(start, stop):
        if not classes[i].announces or fixed[i] is not None:
            continue
        j = i + 1
        while j < stop and fixed[j] is None and classes[j].length < LENGTH_HIGH:
            j += 1
        if j > i + 1:
            for k in range(i, j):
                c = classes[k]
                if c.label != "good":
                    c.label, c.reason, c.score = "good", "announced-list", 0.4


def _extend_neutral(weights, fixed, start: int, stop: int, end: int) -> tuple[int, int]:
    """Extend a core span over the lines next to it that argue neither way (weight >= 0)."""
    while start > 0 and fixed[start - 1] is None and weights[start - 1] >= 0:
        start -= 1
    while stop < end and fixed[stop] is None and weights[stop] >= 0:
        stop += 1
    return start, stop


def _extend_list(texts: Sequence[str], fixed: Sequence[str | None], start: int, stop: int, end: int) -> tuple[int, int]:
    """Extend a core span over the list its last line, or the line after it, announces
    ("Tour dates:").

    The list runs until a rule-matched line or a line as long as a paragraph.
    """
    if stop == start:
        return start, stop
    if stop < end and fixed[stop] is None and texts[stop].rstrip().endswith((":", "：")):
        stop += 1  # the announcing line itself, judged short by the core search
    if not texts[stop - 1].rstrip().endswith((":", "：")) or fixed[stop - 1] is not None:
        return start, stop
    while stop < end and fixed[stop] is None and len(texts[stop]) < LENGTH_HIGH:
        stop += 1
    return start, stop


#: A run of at least this many data lines of one shape (see `_item_shape`) right
#: after an article core, under at most one heading, is part of the article: a
#: calendar, a results table, a price list. Menus are words; these carry figures or
#: field separators.
DATA_RUN_MIN = 3

_SHAPE_RUNS = re.compile(r"(\d+)|([^\W\d_]+)")
_FIELD_MARK = re.compile(r"\d|[:|–—$€£%]| - ")


def _item_shape(text: str) -> str | None:
    """The shape of a data line's start ("1a etapa: 10 de" -> "0a a: 0 a"), None for other lines."""
    if not _FIELD_MARK.search(text):
        return None
    return _SHAPE_RUNS.sub(lambda m: "0" if m.group(1) else "a", text[:16])


def data_runs(texts: Sequence[str], classes: Sequence[BlockClass], fixed: Sequence[str | None]) -> list[int]:
    """Indices of lines in runs of at least `DATA_RUN_MIN` short data lines of one shape."""
    found: list[int] = []
    run: list[int] = []
    shape = None
    for i, (text, c, f) in enumerate(zip(texts, classes, fixed)):
        this = _item_shape(text) if f is None and c.length < LENGTH_HIGH else None
        if this is not None and this == shape:
            run.append(i)
            continue
        if len(run) >= DATA_RUN_MIN:
            found += run
        run, shape = ([i], this) if this is not None else ([], None)
    if len(run) >= DATA_RUN_MIN:
        found += run
    return found


def _extend_data(texts: Sequence[str], classes: Sequence[BlockClass], fixed: Sequence[str | None], start: int, stop: int, end: int) -> tuple[int, int]:
    """Extend a core span over a run of data lines of one shape just after it."""
    j = stop
    if (j + 1 < end and fixed[j] is None and classes[j].label == "short"
            and _item_shape(texts[j]) != _item_shape(texts[j + 1])):
        j += 1  # a heading ("Calendar 2018")
    shape = _item_shape(texts[j]) if j < end and fixed[j] is None else None
    if shape is None:
        return start, stop
    k = j
    while k < end and fixed[k] is None and classes[k].length < LENGTH_HIGH and _item_shape(texts[k]) == shape:
        k += 1
    return (start, k) if k - j >= DATA_RUN_MIN else (start, stop)


def _keep_headline(classes: list[BlockClass], fixed: list[str | None], start: int) -> None:
    """Keep the headline, standfirst or byline just above the article core."""
    seen = 0
    for i in range(start - 1, -1, -1):
        if fixed[i] == "template":
            continue  # a leaked error between headline and article says nothing
        if fixed[i] is not None or seen == HEADLINE_WINDOW:
            break
        seen += 1
        c = classes[i]
        if c.length > 2 * LENGTH_HIGH:
            break
        c.label, c.reason, c.score = "good", "headline", 0.3
