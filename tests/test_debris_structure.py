"""StripDebris on the shape of a page: lists, data and copies around the article core,
page evidence without phrase rules, and the run-level memo and fast rule engine."""

from cleantext import Pipeline, StripDebris, split_lines
from cleantext.stages.rules import Rule, _Matcher, _lowercase_pattern, builtin_rules

MENU = "Skip to content\nHome\nNews\nSport\nWeather\nContact\nHome › News › Local\n"
FOOTER = "Share on Facebook\nShare on Twitter\nRelated stories\nFerry fares to rise\n© 2025 Town News. All rights reserved.\n"
PARAGRAPH = (
    "Paragraph {n} of the story says that the council met on Tuesday and that the vote was close, "
    "as many of the people in the town had expected it to be for weeks."
)


def article(count: int, start: int = 0) -> str:
    return "\n".join(PARAGRAPH.format(n=n) for n in range(start, start + count)) + "\n"


def clean(text: str, **options) -> str:
    return Pipeline([StripDebris(**options)]).clean(text)


def test_list_announced_by_a_line_just_after_the_article_is_kept():
    dates = "June 9 -- Coral Sky Amphitheatre, West Palm Beach, FL\nJune 10 -- Credit Union Arena, Tampa, FL\n"
    out = clean(MENU + article(3) + "The 2020 tour dates:\n" + dates + FOOTER)
    assert "The 2020 tour dates:\n" in out and dates in out
    assert "Sport\n" not in out and "Ferry fares" not in out


def test_figures_and_names_inside_the_article_are_kept():
    table = "DL Larry Ogunjobi 63 85% 1 tackle (1 combined). 1 sack, 1 TFL, 2 QH, 1 pass defended, 1 forced fumble.\n"
    out = clean(MENU + article(2) + table + article(2, start=2) + FOOTER)
    assert table in out


def test_a_copy_of_the_article_run_together_on_one_line_is_removed():
    body = article(8)
    copy = " ".join(body.splitlines()) + "\n"
    out = clean(MENU + body + FOOTER + copy)
    assert body in out and copy not in out
    reasons = {line.removed.rule for line in StripDebris().process(iter(split_lines(MENU + body + FOOTER + copy))) if line.removed}
    assert "boilerplate:copy-of-article" in reasons


def test_a_long_menu_is_page_evidence_when_no_phrase_rule_fires():
    # Items of different shapes: numbered items of one shape ("Диета номер 7") are a list.
    words = ("Кето Палео Белковая Гречневая Кефирная Японская Средиземноморская Овощная Фруктовая "
             "Рисовая Яичная Шоколадная Арбузная Огуречная Яблочная Капустная Творожная Молочная "
             "Рыбная Куриная Сырная Ореховая Медовая Томатная Морковная Свекольная Тыквенная Ягодная "
             "Грибная Бобовая").split()
    menu = "".join(f"{word} диета\n" for word in words)
    prose = (
        "Эта диета подходит не всем, и перед началом стоит поговорить с врачом, потому что у неё "
        "есть противопоказания, о которых мы расскажем ниже в этой статье.\n"
    ) * 3
    footer = "О нас\nКонтакты\nРеклама на сайте\nВакансии\nПравила сайта\n"  # a page has debris on both sides
    out = clean("Популярные диеты\n" + menu + prose + footer)
    assert "Кето диета" not in out and "Рыбная диета" not in out and prose in out and "Вакансии" not in out


def test_short_menu_like_lists_in_clean_documents_stay():
    doc = "Shopping list\n\n" + "".join(f"Item {n}\n" for n in range(12)) + "\nThat is all for this week.\n"
    assert clean(doc) == doc


def test_one_run_remembers_lines_and_gives_the_same_result_as_fresh_stages():
    stage = StripDebris()
    pages = [MENU + article(3, start=k) + FOOTER for k in range(3)]
    run = stage.start()
    for page in pages:
        together = [(line.text, line.removed and line.removed.rule) for line in run(iter(split_lines(page)))]
        alone = [(line.text, line.removed and line.removed.rule) for line in StripDebris().process(iter(split_lines(page)))]
        assert together == alone


def test_fast_rule_engine_matches_like_case_insensitive_regex():
    rules = builtin_rules()
    fast, careful = _Matcher(rules), _Matcher(rules, timeout=5.0)
    assert fast._fast is not None and careful._find is not None
    lines = [
        "SHARE ON FACEBOOK", "Home › NEWS › World", "We use COOKIES to improve your experience. Accept",
        "Updated 0339 GMT (1139 HKT) November 19, 2019", "Notice: Undefined variable: x in /a.php on line 3",
        "The council met on Tuesday.", "Got it!", "Read more: Ferry fares to rise", "Ärger im Rathaus",
    ]
    for line in lines:
        assert fast.match(line) == careful.match(line), line


def test_a_gated_rule_is_only_tried_on_lines_holding_its_needle():
    gated = _Matcher([Rule("custom", "x", ".*ferry.*", requires=("boat",))])
    assert gated.match("The ferry boat left") is not None
    assert gated.match("The ferry left") is None


def test_lines_repeated_across_documents_of_a_run_become_boilerplate_evidence():
    chrome = "Sections\nOur Newsroom\nWrite to the Editor\nReader Letters\n"
    pages = [chrome + article(3, start=k) + FOOTER for k in range(3)]
    run = StripDebris(repeated_in=2).start()
    for page in pages[:2]:
        list(run(iter(split_lines(page))))
    reasons = {line.text: line.removed and line.removed.rule for line in run(iter(split_lines(pages[2])))}
    assert reasons["Our Newsroom"] == "boilerplate:repeated-across-documents"
    assert reasons[PARAGRAPH.format(n=2)] is None


def test_repeated_lines_are_kept_in_documents_without_page_evidence():
    doc = "Weekly notes\n\nThe garden needs water on hot days, and the tomatoes need a stake.\n\nSee you next week.\n"
    run = StripDebris(repeated_in=1).start()
    outputs = ["".join(line.text + line.ending for line in run(iter(split_lines(doc))) if line.removed is None) for _ in range(3)]
    assert outputs == [doc] * 3


def test_a_paragraph_inside_the_article_that_a_phrase_rule_matches_is_kept():
    quoting = ("The judge noted that the words all rights reserved, printed under the photograph, did not by "
               "themselves prove who owned the picture, and that the agency would have to show the contract.\n")
    page = MENU + article(2) + quoting + article(2, start=2) + FOOTER
    lines = list(StripDebris().process(iter(split_lines(page))))
    assert quoting in clean(page)
    assert "© 2025 Town News" not in clean(page)  # the footer's own notice still goes
    assert not any(line.removed for line in lines if line.text == quoting.strip())


def test_a_run_of_data_lines_of_one_shape_after_the_article_is_kept():
    calendar = "".join(f"Round {n}: {n + 3} March – Circuit number {n}\n" for n in range(1, 9))
    page = MENU + article(3) + "Calendar 2018\n" + calendar + FOOTER
    out = clean(page)
    assert calendar in out
    assert "Sport\n" not in out and "Ferry fares" not in out


TABLE = (  # a table of names, birth dates and ages, dumped one cell per line
    "Name\nBirth Date\nAge\nCorey\n11/13/91\n11 years\nSissi\n09/29/95\n7 years & 2 months\n"
    "Tomas\n12/01/98\n3 years & 11 months\nSara\n12/07/00\n1 year & 11 months\n"
)


def test_dates_in_a_table_are_data_not_bylines_nor_page_evidence():
    # The rules alone would remove the dates; on a page, they would count as bylines.
    text = article(3) + TABLE + article(2, start=3)
    assert clean(text) == text
    page = split_lines(MENU + text + FOOTER, "page")
    rules = {line.text: line.removed.rule for line in StripDebris().process(iter(page)) if line.removed}
    assert rules["Sport"].startswith("boilerplate:") and not rules.get("11/13/91", "").startswith("navigation:")


def test_dates_of_a_teaser_feed_are_still_bylines():
    feed = "".join(f"AUTO NEWS\nThe carmaker's new model number {n} is launched\nMay {n}, 2014\n" for n in range(1, 6))
    out = clean(MENU + article(4) + feed + FOOTER)
    assert "May 3, 2014" not in out and article(4) in out


def test_table_cells_need_a_repeating_row_with_another_column_of_figures():
    from cleantext.stages.boilerplate import table_cells

    texts = TABLE.splitlines()
    rules = ["navigation:byline-date" if "/" in t else None for t in texts]
    assert table_cells(texts, rules) == [4, 7, 10, 13]
    # Title and date items (no other column of figures) are not a table.
    feed = [t for n in range(5) for t in (f"Headline {'abc'[n % 3]}", f"May {n + 1}, 2014")]
    assert table_cells(feed, ["navigation:byline-date" if "May" in t else None for t in feed]) == []


# `page_shape._shape` writes runs of digits "0" and runs of letters "a" with two constant
# substitutions; it must give what one pattern with a replacement function gave.
import re  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from cleantext.stages import page_shape  # noqa: E402

_RUNS = re.compile(r"(\d+)|([^\W\d_]+)")


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from("ab1٣_ é9 /-:Ⅻ²ßЖ中.") | st.characters(), max_size=30))
def test_a_line_shape_is_its_runs_of_digits_and_letters(text):
    assert page_shape._shape(text) == _RUNS.sub(lambda m: "0" if m.group(1) else "a", text)


def test_table_cells_found_with_shapes_compared_once():
    rows = [("Ann Lee", "11/13/91", "11 years"), ("Bo Chan", "02/07/93", "9 years & 2 months"),
            ("Cy Dorn", "05/30/95", "7 years"), ("Di Eng", "08/01/97", "5 years")]
    texts = ["A long paragraph above the table, with 2 spaces and more words in it than a cell."]
    rules: list[str | None] = [None]
    for name, date, age in rows:
        texts += [name, date, age]
        rules += [None, "navigation:byline-date", None]
    assert page_shape.table_cells(texts, rules) == [2, 5, 8, 11]


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from("AbÇΣİẞ\\\\dSwW.*(?:)[]{}|ÉÀ ΟΔ"), max_size=24))
def test_patterns_are_lowercased_literal_by_literal_escapes_kept(pattern):
    """What `re` reads of a pattern lowercased character by character, a backslash and the
    character after it kept as they are (``\\S`` is not ``\\s``)."""
    expected, i = [], 0
    while i < len(pattern):
        step = 2 if pattern[i] == "\\" else 1
        expected.append(pattern[i:i + step] if step == 2 else pattern[i].lower())
        i += step
    assert _lowercase_pattern(pattern) == "".join(expected)


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from("ab1٣ -:|–—$€£%x") | st.characters(), max_size=30))
def test_data_line_marks_and_digits_are_what_the_searches_found(text):
    """`_item_shape` tests its class and " - " apart, `has_digit` deletes an ASCII line's
    other bytes: the same answers as one search each."""
    from cleantext.stages.line_classes import has_digit

    assert (page_shape._item_shape(text) is not None) == (re.search(r"[\d:|–—$€£%]| - ", text) is not None)
    assert has_digit(text) == (re.search(r"\d", text) is not None)
