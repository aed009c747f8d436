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

from collections.abc import Sequence

# Re-exported: callers (the stage, the CLI's --lang choices, tests) read them here.
from .languages import LANGUAGES, detect_language, measure, stopwords  # noqa: F401
from .line_classes import (  # noqa: F401
    BlockClass, FACTS_MEMO_LINE, FACTS_MEMO_SIZE, HEADLINE_WINDOW, LENGTH_HIGH, LENGTH_LOW, PARAGRAPH_WORDS,
    STOPWORDS_HIGH, STOPWORDS_LOW, classify_line, line_facts, paragraph_like, paragraph_shaped, resolve_context,
    _DIGIT,
)
from .page_shape import (  # noqa: F401
    COMMENT_SECTION_MIN, COMMENT_SECTION_SPAN, COPY_MIN_LENGTH, COPY_MIN_LINES, COPY_PROBE_LENGTH, COPY_SCAN,
    DATA_CELL_RULES, DATA_RUN_MIN, INDENTED_SHARE, MIN_CORE_SHARE, MIN_DEBRIS_EACH_SIDE, MIN_MENU_RUN,
    MIN_NAVIGATION_EVIDENCE, MIN_NAVIGATION_KINDS, TABLE_CELL_MAX, TABLE_MAX_PERIOD, article_lists, body_copies,
    comment_section_start, data_like, data_runs, figures_only, longest_menu_run, page_evidence, table_cells, _item_shape,
)
from .article_core import (  # noqa: F401
    ARTICLE_GAP, ARTICLE_RUN, BAD_FACTOR, NEAR_GOOD_FACTOR, RULE_PENALTY, SECOND_RUN_SHARE, SHORT_PENALTY,
    article_core, best_segment, core_weight, independent_articles, stream_pages,
)

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
    data = data_runs(texts, classes, fixed) + article_lists(texts, classes, fixed) + _lists_between_paragraphs(classes, fixed)
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


def _lists_between_paragraphs(classes: Sequence[BlockClass], fixed: Sequence[str | None]) -> list[int]:
    """Indices of runs of short lines no rule matched that stand between two paragraphs of
    prose: a list inside an article, which must not end its core."""
    found: list[int] = []
    start = None
    for i, (c, f) in enumerate(zip(classes, fixed)):
        if c.label == "short" and f is None:
            if start is None:
                start = i
            continue
        if start is not None and start > 0 and c.label == "good" and f is None and (
                classes[start - 1].label == "good" and fixed[start - 1] is None):
            found += range(start, i)
        start = None
    return found


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
