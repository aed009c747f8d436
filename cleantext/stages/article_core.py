"""Where a page's article is: each line weighs for or against prose (`core_weight`), the
best-scoring stretch is the article core (`article_core`), and on a stream of many pages
each page's own article is found (`independent_articles`, `stream_pages`).
"""

from __future__ import annotations

from collections.abc import Sequence

from .line_classes import BlockClass
from .page_shape import comment_section_start


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


