"""How one line looks on its own and among its neighbours: length, stopword density and
sentence shape (`line_facts`), its class (`BlockClass`), and the context pass that gives
lines too short to judge the class of their neighbours (`resolve_context`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .languages import ends_like_sentence, measure, measure_stripped, shown_length
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
#: Every byte but the ASCII digits: deleting them leaves the digits of an ASCII line.
_NOT_DIGIT_BYTES = bytes(byte for byte in range(256) if not 0x30 <= byte <= 0x39)


def has_digit(text: str) -> bool:
    """Whether `text` holds a digit (``\\d``); an ASCII line by deleting every other byte,
    in half the time of the search on a long line."""
    if text.isascii():
        return bool(text.encode("ascii").translate(None, _NOT_DIGIT_BYTES))
    return _DIGIT.search(text) is not None


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
    stripped = text.strip()
    sentence = ends_like_sentence(stripped)
    length = shown_length(stripped)
    announces = stripped.endswith((":", "："))
    # Shorter than a paragraph and ending neither like a sentence nor with a comma (a
    # sentence going on on the next line): a title or a link, such as a teaser headline
    # in a sidebar, however many function words it has. It is judged as a short line,
    # and its stopwords are not counted (they would not change its class).
    title = length < LENGTH_HIGH and not sentence and not stripped.endswith(_CONTINUES)
    if length < LENGTH_LOW or title:
        density, measured_in, words = 0.0, "", 0
    else:
        length, density, sentence, measured_in, words = measure_stripped(stripped, sentence, language)
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
    figures = has_digit(text)
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


