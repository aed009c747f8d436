"""StripDebris never empties a document silently: documents that are not page dumps
keep their text, a page whose article core is not found falls back to the rules, and
each fallback is counted and named (issue 9, point 1)."""

import json
import textwrap

from cleantext import Pipeline, StripDebris, split_lines
from cleantext.cli import cli

MENU = "Skip to content\nHome\nNews\nSport\nWeather\nContact\nHome › News › Local\n"
FOOTER = "Share on Facebook\nShare on Twitter\nRelated stories\n© 2025 Town News. All rights reserved.\n"


def strip(text: str) -> str:
    return Pipeline([StripDebris()]).clean(text)


def nonblank(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def notes(text: str) -> list[str]:
    run = StripDebris().start()
    list(run(iter(split_lines(text))))
    return list(run.notes)


def test_numbered_unique_lines_are_all_kept():
    text = "".join(f"unique line number {n}\n" for n in range(1, 2001))
    assert strip(text) == text
    assert notes(text) == ["rules-only:no-page-evidence"]  # items of one shape are not a menu


def test_a_shopping_list_is_kept_whole():
    items = ["Milk", "Eggs", "Bread", "Butter", "Apples", "Bananas", "Rice", "Pasta", "Tomatoes",
             "Onions", "Garlic", "Cheese", "Yoghurt", "Coffee", "Tea", "Sugar", "Flour", "Salt",
             "Pepper", "Olive oil", "Soap", "Shampoo", "Toothpaste", "Tissues", "Batteries",
             "Candles", "Matches"]
    text = "\n".join(items) + "\n"
    assert len(items) == 27 and strip(text) == text


def test_numeric_csv_is_kept_whole():
    text = "seed, 0xdeadbeaf\n" + "".join(f"{n}, 0x{(n * 2654435761) % 2**64:016x}\n" for n in range(800))
    assert strip(text) == text


def test_a_list_of_names_and_addresses_is_kept_whole():
    text = "".join(f"Person Number{n} <person{n}@example.org>\n" for n in range(200))
    assert strip(text) == text


def test_an_indented_changelog_keeps_every_line_including_its_copyright_lines():
    entry = (
        "pkg (1.{n}-1) unstable; urgency=medium\n\n"
        "  * New upstream release\n  * Bump standards version\n  * Fix build\n\n"
        " -- Ann Lee <ann@example.org>  Mon, 0{d} Jan 2024 10:00:00 +0000\n\n"
    )
    text = "Copyright (c) 2024 Ann Lee\nAll rights reserved.\n\n" + "".join(
        entry.format(n=n, d=n % 9 + 1) for n in range(30))
    assert nonblank(strip(text)) == nonblank(text)


def test_an_indented_copyright_line_in_a_list_of_names_is_kept():
    # A NAMES/THANKS file: mostly unindented names, a licence header indented. Not a
    # page, and a page dump does not indent its footer: the notice is content.
    header = ("  Copyright (C) 1992, 2004-2022 Free Software Foundation, Inc.\n\n"
              "  Copying and distribution of this file, with or without modification,\n"
              "  are permitted in any medium without royalty.\n\n")
    text = header + "".join(f"Person Number{n}\tperson{n}@example.org\n" for n in range(60))
    assert nonblank(strip(text)) == nonblank(text)
    assert notes(text) == ["rules-only:no-page-evidence"]


def test_an_indented_copyright_line_is_kept_when_the_heuristics_leave_a_list_to_the_rules():
    # A THANKS file whose name-and-address lines look like a menu run (page evidence),
    # but whose article core is too small to trust: the rules alone judge it, and its
    # indented licence notice is content, since page dumps do not indent their footers.
    first = ["Adam", "Alain", "Albert", "Alec", "Anand", "Bernhard", "Billy", "Brian"]
    last = ["Mitchell", "Guibert", "Chin", "Habig", "Kumria", "Herzog", "Halsey", "Carlson"]
    names = "".join(f"{f} {name}\t\t   {f.lower()} at {name.lower()}.org\n" for f in first for name in last)
    text = ("The program was written by one person. Other people contributed by reporting problems\n"
            "and sending code. Here is a list of them.\n\n" + names
            + "\nThanks to the user group for hosting the mailing list.\n\n"
            " Copyright 1998, 1999, 2000, 2001, 2002, 2003, 2004\n"
            "           2006  Free Software Foundation, Inc.\n\n"
            " This file is free software; the author gives unlimited permission to copy it.\n")
    assert notes(text) == ["rules-only:core-too-small"]
    assert nonblank(strip(text)) == nonblank(text)


def test_a_python_module_is_kept_whole():
    body = "".join(
        f"def function_{n}(value):\n    \"\"\"Return the value.\"\"\"\n    if value:\n        return value\n    return None\n\n\n"
        for n in range(40)
    )
    text = '"""A module."""\n\nimport os\n\n\n' + body
    assert nonblank(strip(text)) == nonblank(text)


def test_a_page_without_an_article_keeps_its_text_and_says_so():
    teasers = "".join(f"Teaser headline number {n}\n" for n in range(20))
    page = MENU + teasers + FOOTER
    out = strip(page)
    assert teasers in out
    assert "Share on Facebook" not in out  # the rules still apply
    assert notes(page) == ["rules-only:no-article-core"]


def test_a_page_with_an_article_gets_no_note():
    paragraph = ("The council met on Tuesday and the vote was close, as many of the people in the town "
                 "had expected it to be for weeks before the meeting.\n")
    page = MENU + "Council keeps the ferry\n" + paragraph * 4 + FOOTER
    assert notes(page) == []
    assert strip(page).startswith("Council keeps the ferry\n")


def test_stats_count_documents_per_fallback_reason_and_verbose_names_the_file(runner, tmp_path):
    csv = tmp_path / "data.csv"
    csv.write_text("".join(f"{n}, {n * n}\n" for n in range(100)))
    teasers = tmp_path / "teasers.txt"
    teasers.write_text(MENU + "".join(f"Teaser headline number {n}\n" for n in range(20)) + FOOTER)
    result = runner.invoke(cli, ["clean", "-v", str(csv), str(teasers), "-o", str(tmp_path / "out.txt"),
                                 "--stats", str(tmp_path / "stats.json")])
    assert result.exit_code == 0
    stats = json.loads((tmp_path / "stats.json").read_text())
    debris = next(s for s in stats["stages"] if s["stage"] == "strip-debris")
    assert debris["documents_by_note"] == {"rules-only:no-article-core": 1, "rules-only:no-page-evidence": 1}
    assert "data.csv: 100 lines" in result.stderr and "rules-only:no-page-evidence" in result.stderr
    line = next(line for line in result.stderr.splitlines() if "teasers.txt" in line)
    assert "strip-debris rules-only:no-article-core" in line


SECTIONS = ("World", "Business", "Markets", "Sport", "Football", "Tennis", "Culture", "Books", "Film", "Music",
            "Travel", "Food", "Science", "Health", "Climate", "Technology", "Opinion", "Letters", "Video", "Podcasts",
            "Puzzles", "Obituaries", "Weather", "Traffic", "Jobs", "Property", "Motoring", "Education", "Media", "Events")


def stream_page(number: int, paragraphs: int) -> tuple[str, str]:
    """A page dump (menus, an article, a footer) and its article."""
    article = "".join(
        f"Report {number}, paragraph {k}: the council of town {number} met on Tuesday and the vote on the new "
        f"bridge was close, as many of the people who live there had expected it to be for weeks.\n"
        for k in range(paragraphs)
    )
    menu = "".join(f"{section} {number}\n" if k % 3 else f"{section}\n" for k, section in enumerate(SECTIONS))
    footer = ("Share on Facebook\nShare on Twitter\nRelated stories\n" + "".join(f"Teaser headline {number}-{k}\n" for k in range(8))
              + f"© 2025 Town {number} News. All rights reserved.\n")
    return menu + f"Headline of report {number}\n" + article + footer, article


def test_many_pages_on_one_stream_keep_every_article():
    pages = [stream_page(n, 16 if n == 0 else 6) for n in range(20)]
    out = strip("".join(page for page, _ in pages))
    for page, article in pages:
        assert article in out
    assert "Teaser headline 3-4" not in out


# --- properties over page-like documents -------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PARAGRAPHS = [
    "The council met on Tuesday and the vote was close, as many of the people in the town had expected it to be.",
    "Der Rat hat am Dienstag über die neue Brücke beraten, und die Abstimmung war so knapp, wie es viele erwartet hatten.",
    "시의회는 화요일에 회의를 열어 새 다리 건설 계획을 논의했다. 많은 주민들이 회의에 참석했고, 표결은 아주 근소한 차이로 끝났다.",
    "Belediye meclisi salı günü yeni köprü planını görüşmek için toplandı ve oylama beklendiği gibi çok yakın bir sonuçla bitti.",
]
CHROME = ["Home", "News", "Sport", "Contact", "Share on Facebook", "Related stories", "© 2025 Town News",
          "Privacy Policy", "Follow us on Twitter", "Subscribe to our newsletter", "Weather", "Video"]
DATA = ["3, 0x82738c549beccc30", "Round 4: 7 March – Monza", "Ann Lee <ann@example.org>", "  * Fix the build"]
piece = st.one_of(st.sampled_from(PARAGRAPHS), st.sampled_from(CHROME), st.sampled_from(DATA))
page_like = st.lists(piece, max_size=60).map(lambda lines: "".join(f"{line}\n" for line in lines))
few = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@few
@given(page_like)
def test_strip_debris_is_idempotent_on_page_like_documents(text):
    once = strip(text)
    assert strip(once) == once


@few
@given(page_like)
def test_a_document_left_to_the_rules_loses_only_rule_matches_and_every_removal_has_a_reason(text):
    run = StripDebris().start()
    lines = list(run(iter(split_lines(text))))
    for line in lines:
        if line.removed is not None:
            assert line.removed.stage == "strip-debris" and line.removed.rule
    if any(note.startswith("rules-only:") for note in run.notes):
        assert all(line.removed is None or not line.removed.rule.startswith("boilerplate:") for line in lines)


def test_a_list_with_a_sentence_under_it_is_not_a_page():
    items = ("Milk Eggs Bread Butter Apples Bananas Rice Pasta Tomatoes Onions Garlic Cheese Yoghurt Coffee Tea "
             "Sugar Flour Salt Pepper Soap Shampoo Toothpaste Tissues Batteries Candles Matches Lemons Carrots").split()
    text = ("Shopping for the week\n" + "".join(f"{item}\n" for item in items)
            + "Please remember that the shop closes early on Saturday, so we should go on Friday evening after work.\n")
    assert strip(text) == text
    assert notes(text) == ["rules-only:no-page-evidence"]  # no navigation rule matches a line
    printable = "Print\n" + text  # the share-bar rule matches: a menu run, but debris on one side only
    assert strip(printable).endswith(text)
    assert notes(printable) == ["rules-only:one-sided-list"]


def test_a_poem_is_not_a_menu():
    stanza = ("Two roads diverged in a yellow wood,\nAnd sorry I could not travel both\nAnd be one traveler, long I stood\n"
              "And looked down one as far as I could\nTo where it bent in the undergrowth;\n\n")
    text = "The Road\n\n" + stanza * 8
    assert nonblank(strip(text)) == nonblank(text)


# --- files of figures: data, not page numbers ---------------------------------------------

def test_a_column_of_numbers_is_kept_whole():
    # "8" alone matches the pagination rule, "12:30" a video length: `seq 1 500` lost every line.
    for text in ("".join(f"{n}\n" for n in range(1, 501)),
                 "".join(f"{n * 37 % 1000 - 500}\n" for n in range(300)),
                 "".join(f"{n % 24:02d}:{n * 7 % 60:02d}\n" for n in range(300)),
                 "".join(f"{n} {n * 3 % 97} {n * 7 % 89}\t{n % 10}\n" for n in range(300))):
        assert strip(text) == text
        assert notes(text) == ["rules-only:no-page-evidence"]


def test_page_numbers_and_times_together_are_no_page_evidence():
    # Two rules (pagination, media-chrome) matched many lines: still only figures.
    text = "".join(f"{n % 24:02d}:{n * 7 % 60:02d}\n{n % 100}\n" for n in range(100))
    assert strip(text) == text


def test_the_last_row_of_a_truncated_csv_file_is_kept():
    text = "seed, 0xdeadbeef\n" + "".join(f"{n}, 0x{n * 2654435761 % 2**64:016x}\n" for n in range(200)) + "8"
    assert strip(text) == text


def test_a_page_still_loses_its_page_numbers():
    article = ("The council met on Tuesday and the vote on the new bridge was close, as many of the people "
               "in the town had expected it to be after a long and heated debate.\n") * 6
    text = MENU + "\n" + article + "\n1\n2\n3\nNext »\n" + FOOTER
    kept = nonblank(strip(text))
    assert "2" not in kept and "Share on Facebook" not in kept
    assert nonblank(article)[0] in kept


figure_line = st.lists(st.one_of(st.integers(-10**6, 10**6).map(str), st.sampled_from(["12:30", "3/4", "0.25", "1-2"])),
                       min_size=1, max_size=6).map(" ".join)


@few
@given(st.lists(figure_line, min_size=1, max_size=80))
def test_a_document_of_figures_alone_is_kept_whole(rows):
    text = "".join(f"{row}\n" for row in rows)
    assert nonblank(strip(text)) == nonblank(text)


# --- text files that look like pages to the rules ------------------------------------------

def test_an_indented_licence_whose_lines_match_several_rules_is_kept_whole():
    # A Debian copyright file: "DISCLAIMER" (legal-links) twice and "(c) Modified Versions"
    # (copyright) are three matches of two rules, page evidence on an unindented page.
    stanza = ("Files: src/*\nCopyright: 2005-2023, Some Author\nLicense: Artistic\n"
              " This program is free software; you can redistribute it and/or modify it under\n"
              " the terms of the licence below, which you should read before you use it.\n"
              " .\n DISCLAIMER\n .\n"
              " (c) Modified Versions which are not Substantially Changed must be marked as such\n"
              " THE SOFTWARE IS PROVIDED AS IS, WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED.\n\n")
    text = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n" + stanza * 3
    assert nonblank(strip(text)) == nonblank(text)
    assert notes(text) == ["rules-only:no-page-evidence"]


def test_a_list_of_names_under_a_paragraph_is_not_a_menu_when_no_navigation_rule_matches():
    first = ["Adam", "Alain", "Albert", "Alec", "Anand", "Bernhard", "Billy", "Brian", "Carla", "Dora"]
    last = ["Mitchell", "Guibert", "Chin", "Habig", "Kumria", "Herzog", "Halsey", "Carlson", "Ng"]
    text = ("This project was started as a fork of an older one. We thank all who made a contribution;\n"
            "here are the people and organizations who contributed, as retrieved from the commit log.\n\n"
            + "".join(f"{f} {name}\n" for f in first for name in last))
    assert strip(text) == text
    assert notes(text) == ["rules-only:no-page-evidence"]


def test_copyright_notices_of_a_text_file_are_kept_but_a_page_footer_goes():
    notice = ("Authors of the library\n\nCopyright (C) 1999 Robert Example <robert@example.org>\n"
              "Copyright (c) 2001-2004, 2007 Example Code GmbH\nAll Rights Reserved.\n\n"
              "Permission to use, copy and distribute this software for any purpose is hereby granted.\n")
    assert strip(notice) == notice
    page = ("Town council approves the new bridge\n\n" + "The council met on Tuesday and the vote on the "
            "new bridge was close, as many of the people in the town had expected it to be.\n" * 4
            + "\nRelated news\n© 2024 Town News Media. All rights reserved.\n")
    kept = nonblank(strip(page))
    assert "Related news" not in kept and "© 2024 Town News Media. All rights reserved." not in kept
    assert notes(page) == ["rules-only:no-page-evidence"]


def test_a_bulleted_list_inside_an_article_keeps_the_paragraphs_after_it():
    # Six short items cost the article core more than two paragraphs after them bring:
    # the core ended at the list and the rest of the article was lost with it.
    before = [f"The council met on Tuesday to discuss plan number {n} for the town, and many of the people "
              "who live near the river came to hear what it would mean for their homes." for n in range(3)]
    items = ["Fresh bread and milk", "Two tickets for Friday", "The old railway bridge", "A new school roof",
             "Free parking on Sundays", "Longer library hours"]
    after = [f"After the vote on part {n}, the mayor said the work would start in spring." for n in range(2)]
    for marker in ("- ", "• ", "* "):
        article = before + [marker + item for item in items] + after
        page = MENU + "\n" + "\n".join(article) + "\n\n" + FOOTER
        kept = nonblank(strip(page))
        assert [line for line in kept if line in article] == article
        assert "Share on Facebook" not in kept


def test_a_bare_list_between_two_paragraphs_keeps_the_paragraph_after_it():
    # Short lines no rule matched, between two paragraphs of prose: a list, not a menu.
    before = [f"The council met on Tuesday to discuss plan number {n} for the town, and many of the people "
              "who live near the river came to hear what it would mean for their homes." for n in range(3)]
    items = ["Fresh bread and milk", "Two tickets for Friday", "The old railway bridge", "A new school roof",
             "Free parking on Sundays", "Longer library hours"]
    after = ["After the vote on part 0, the mayor said the work would start in spring. The town would hold "
             "another meeting before the summer."]  # a paragraph weighing less than six short lines
    article = before + items + after
    page = MENU + "\n" + "\n".join(article) + "\n\n" + FOOTER
    kept = nonblank(strip(page))
    assert [line for line in kept if line in article] == article
    assert "Share on Facebook" not in kept and "Skip to content" not in kept


TOWN_PARAGRAPHS = [f"The council met on Tuesday to discuss plan number {n} for the town, and many of the people "
                   "who live near the river came to hear what it would mean for their homes." for n in range(3)]
STEPS = ["Check the tyres before you leave", "Pack water and a map", "Tell a friend your route",
         "Take the coast road north", "Stop at the old mill for lunch", "Come back before dark"]


def test_a_numbered_list_between_paragraphs_is_kept_next_to_a_caption():
    # Numbered items have no common shape of a data run ("1. Check", "2. Pack"), so six of
    # them next to a caption a rule matched ended the article core at the list, or were
    # judged as short lines at its edge.
    after = [f"After the vote on part {n}, the mayor said the work on the river path would start in spring, "
             "once the ground is dry enough for the heavy machines." for n in range(2)]
    for mark in (".", ")"):
        items = [f"{n}{mark} {step}" for n, step in enumerate(STEPS, 1)]
        for caption in (["Image copyright Getty Images"], ["Read more"], []):
            article = TOWN_PARAGRAPHS + items + after
            page = MENU + "\n" + "\n".join(TOWN_PARAGRAPHS + items + caption + after) + "\n\n" + FOOTER
            kept = nonblank(strip(page))
            assert [line for line in kept if line in article] == article, (mark, caption)
            assert "Share on Facebook" not in kept and "Skip to content" not in kept


def test_a_bare_list_in_sentence_case_is_kept_next_to_a_caption_or_a_shorter_paragraph():
    # Without a marker, six items between a paragraph of fewer function words and a
    # caption a rule matched were judged a menu: the strict rule wants full prose right
    # on both sides of the list.
    items = [step.lower().capitalize() for step in STEPS]
    before = ["Riders said on Monday the coast path, closed since the storm, opens again."]
    after = [f"After the vote on part {n}, the mayor said the work on the river path would start in spring, "
             "once the ground is dry enough for the heavy machines." for n in range(2)]
    for caption in (["Image copyright Getty Images"], ["Read more"]):
        article = TOWN_PARAGRAPHS + before + items + after
        page = MENU + "\n" + "\n".join(TOWN_PARAGRAPHS + before + items + caption + after) + "\n\n" + FOOTER
        kept = nonblank(strip(page))
        assert [line for line in kept if line in article] == article, caption
        assert "Share on Facebook" not in kept and "Skip to content" not in kept


def test_a_menu_in_title_case_or_of_headlines_between_two_teasers_is_not_a_list():
    teaser = "The ferry company said on Monday that the new timetable would start in the first week of May."
    for menu in (["Car Reviews", "Auto Shows", "Editor's Note", "Buyers Guide"],
                 ["Harbour master: ferry timetable for the summer will change in May again",
                  "Storm damage: council says the coast path will be closed for two more weeks",
                  "School roof: work on the new roof of the primary school starts next month"]):
        page = (MENU + "\n" + "\n".join(TOWN_PARAGRAPHS) + "\n" + teaser + "\n" + "\n".join(menu) + "\n"
                + teaser.replace("Monday", "Friday") + "\n\n" + FOOTER)
        kept = nonblank(strip(page))
        assert not set(menu) & set(kept), menu
        assert TOWN_PARAGRAPHS == [line for line in kept if line in TOWN_PARAGRAPHS]


def test_a_numbered_ranking_under_the_article_is_not_pulled_into_it():
    # A "most searched" ranking after the article's last paragraph has only the footer
    # under it: it is no list of the article's.
    ranking = [f"{n}. {name} ({n + 3})" for n, name in enumerate(
        ["Harbour Lights", "Ferry Times", "Storm Watch", "Bridge Vote", "Town Fair", "Jazz Night"], 1)]
    page = (MENU + "\n" + "\n".join(TOWN_PARAGRAPHS) + "\n\nMost searched this week\n" + "\n".join(ranking)
            + "\n\n" + FOOTER)
    kept = nonblank(strip(page))
    assert TOWN_PARAGRAPHS == [line for line in kept if line in TOWN_PARAGRAPHS]
    assert not set(ranking) & set(kept)


def test_version_numbers_are_not_dates():
    """A changelog's version headings ("3.0.9") were read as numeric dates: with a long
    release making a menu-like run, the document counted as a page and lost them as
    bylines. A date's day and month are 1-31 and its year has two or four digits."""
    parts = ["log writer", "rule loader", "network plugin", "config parser", "remote client", "event queue",
             "man pages", "syscall table", "path lookup", "test suite"]
    verbs = ["Fix", "Speed up", "Clean up", "Document", "Rewrite", "Drop"]
    lines = []
    for n, version in enumerate(["3.0.9", "3.0.8", "3.0.7", "3.0.6", "3.0", "2.8.3", "2.8.2", "1.2.3"]):
        lines.append(version)
        for k in range(30 if version == "3.0" else 4):
            lines.append(f"- {verbs[(n + k) % len(verbs)]} the {parts[(n * 7 + k) % len(parts)]} ({parts[k % 10]})")
        lines.append("")
    changelog = "\n".join(lines)
    assert strip(changelog) == changelog


def test_numeric_dates_are_still_dates():
    from cleantext.stages.debris import StripDebris as Stage

    builtin = Stage()._matchers[0]
    for date in ("12.3.2019", "2019-03-12", "03/12/19", "12/31/2020 10:30", "1.1.2024"):
        assert builtin.match(date).name == "byline-date", date
    for version in ("3.0.9", "3.0.10", "1.2.3", "2019.13.01", "0.9.10"):
        assert builtin.match(version) is None, version


WORDS = ["bread", "milk", "river", "bridge", "school", "roof", "tickets", "parking", "library", "water",
         "farms", "lights", "square", "buses", "garden", "benches", "the", "for", "and", "a", "new", "old"]
numbered_item = st.lists(st.sampled_from(WORDS), min_size=2, max_size=6).map(lambda words: " ".join(words).capitalize())


@few
@given(st.lists(numbered_item, min_size=3, max_size=12), st.sampled_from([".", ")"]), st.integers(1, 40),
       st.sampled_from([[], ["Image copyright Getty Images"], ["Read more"], ["Photo: Town News"]]))
def test_a_numbered_list_between_paragraphs_is_kept_whatever_its_items(items, mark, first, caption):
    numbered = [f"{first + n}{mark} {item}" for n, item in enumerate(items)]
    after = [f"After the vote on part {n}, the mayor said the work on the river path would start in spring, "
             "once the ground is dry enough for the heavy machines." for n in range(2)]
    page = MENU + "\n" + "\n".join(TOWN_PARAGRAPHS + numbered + caption + after) + "\n\n" + FOOTER
    kept = nonblank(strip(page))
    assert [line for line in kept if line in numbered] == numbered
    assert "Share on Facebook" not in kept


def test_a_copyright_notice_with_the_sign_is_kept_above_the_licence_it_heads():
    # Licence files write "Copyright ©" too: the notice went as a page footer would.
    # Hard-wrapped text under it is the licence's; a page's footer has links under it.
    licence = ("Copying terms for the harbour tools\n\nCopyright © 2003, 2011 Robert Example\n\n"
               "Permission to use, copy and change these tools for any purpose is given to\n"
               "everyone without a fee, as long as this notice and the text below are kept in\n"
               "every copy of them.\n\nCopyright © 2019 Example Harbour Group\n"
               "Copyright © 2020 Ann Lee\n\nThe tools come as they are, with no promise that\n"
               "they work, and nobody who wrote them answers for any harm they may do.\n")
    assert strip(licence) == licence
    page = ("Town council approves the new bridge\n\n" + "The council met on Tuesday and the vote on the "
            "new bridge was close, as many of the people in the town had expected it to be.\n" * 4
            + "\nRelated news\nCopyright © 2024 Town News Media\nTown News, 12 Harbour Road, Port Ellen\n"
            "Letters to the editor\n")
    kept = nonblank(strip(page))
    assert "Copyright © 2024 Town News Media" not in kept
    assert notes(page) == ["rules-only:no-page-evidence"]


def test_a_readme_keeps_its_copyright_notice_above_a_licence_line():
    # A Markdown README writes a paragraph to a line, like a page: the line under its
    # notice names the licence, which a page's footer seldom does.
    readme = ("# harbour-tools\n\nSmall tools for reading tide tables and ferry timetables from the command line.\n\n"
              "## Usage\n\nRun `tides --port ellen` to print the next four tides.\n\n## Licence\n\n"
              "Copyright © 2021 Jane Example\n\nReleased under the MIT License. See LICENSE for the full text.\n")
    assert strip(readme) == readme
    assert notes(readme) == ["rules-only:no-page-evidence"]


LICENCE_WORDS = ["you", "may", "copy", "change", "and", "share", "the", "tools", "for", "any", "purpose", "without",
                 "a", "fee", "as", "long", "this", "notice", "stays", "in", "every", "copy", "of", "them"]
wrapped_paragraph = st.tuples(st.lists(st.sampled_from(LICENCE_WORDS), min_size=20, max_size=60),
                              st.integers(60, 79)).map(
    lambda words_width: textwrap.fill(" ".join(words_width[0]).capitalize() + ".", width=words_width[1]))


@few
@given(st.lists(st.tuples(st.integers(1990, 2030), st.sampled_from(["Ann Lee", "Example Group", "R. Example"]),
                          wrapped_paragraph), min_size=1, max_size=5))
def test_a_hard_wrapped_text_keeps_every_copyright_notice_that_heads_a_paragraph(parts):
    text = "\n".join(f"Copyright © {year} {holder}\n\n{paragraph}\n" for year, holder, paragraph in parts)
    assert strip(text) == text


bare_item = st.lists(st.sampled_from(WORDS), min_size=2, max_size=6).map(lambda words: " ".join(["Some"] + words))


@few
@given(st.lists(bare_item, min_size=3, max_size=10),
       st.sampled_from([[], ["Image copyright Getty Images"], ["Read more"], ["Photo: Town News"]]))
def test_a_short_list_in_sentence_case_between_paragraphs_is_kept_whatever_its_items(items, caption):
    before = ["Riders said on Monday the coast path, closed since the storm, opens again."]
    after = [f"After the vote on part {n}, the mayor said the work on the river path would start in spring, "
             "once the ground is dry enough for the heavy machines." for n in range(2)]
    page = MENU + "\n" + "\n".join(TOWN_PARAGRAPHS + before + items + caption + after) + "\n\n" + FOOTER
    kept = nonblank(strip(page))
    assert [line for line in kept if line in items] == items
    assert "Share on Facebook" not in kept


PRICES_RISE = ["Rents went up again this year", "Most wages stayed where they were", "The night bus was cut",
               "Two of the three clinics closed", "Only a few new flats were built"]


def test_a_list_at_the_end_of_an_article_is_kept_above_the_page_chrome():
    # Short items right under the last paragraph, with the share bar or an unknown
    # footer line under them, not a paragraph: the article core ended above the list.
    for chrome in (FOOTER, "Sign up for the Town News newsletter\n" + FOOTER):
        page = MENU + "\n" + "\n".join(TOWN_PARAGRAPHS + PRICES_RISE) + "\n\n" + chrome
        kept = nonblank(strip(page))
        assert [line for line in kept if line in TOWN_PARAGRAPHS + PRICES_RISE] == TOWN_PARAGRAPHS + PRICES_RISE
        assert "Share on Facebook" not in kept and "Skip to content" not in kept


def test_rankings_and_links_under_the_article_stay_out_of_it():
    headlines = ["Ferry timetable for the summer changes in May", "Storm closes the coast path for two weeks",
                 "Work on the school roof starts next month", "New owners for the old mill by the river"]
    for block in (["Most read"] + headlines,  # a heading a rule matches, over headlines
                  ["Top searches", "ferry times", "bin collection days", "school holidays"],  # queries in lower case
                  ["Send This Page to a Friend", "Contact the Editors", "Add Town News to Your Start Page"],  # title case
                  ["Print | Email | Share", "Comments are closed on this story", "Reader Services"]):
        page = MENU + "\n" + "\n".join(TOWN_PARAGRAPHS + block) + "\n\n" + FOOTER
        kept = nonblank(strip(page))
        assert not set(block) & set(kept), block
        assert [line for line in kept if line in TOWN_PARAGRAPHS] == TOWN_PARAGRAPHS


@few
@given(st.lists(bare_item, min_size=3, max_size=10), st.sampled_from(["", "Sign up for the Town News newsletter\n"]))
def test_a_short_list_in_sentence_case_at_the_end_of_an_article_is_kept_whatever_its_items(items, unknown):
    page = MENU + "\n" + "\n".join(TOWN_PARAGRAPHS + items) + "\n\n" + unknown + FOOTER
    kept = nonblank(strip(page))
    assert [line for line in kept if line in items] == items
    assert [line for line in kept if line in TOWN_PARAGRAPHS] == TOWN_PARAGRAPHS
    assert "Share on Facebook" not in kept


CAPITALIZED = ["Harbour", "Ferry", "Times", "Storm", "Watch", "Bridge", "Town", "Fair", "Jazz", "Night", "Editors",
               "Reviews", "Guide", "Contact", "Weather", "Sport", "Letters", "Podcasts"]
title_item = st.tuples(st.lists(st.sampled_from(CAPITALIZED), min_size=2, max_size=5),
                       st.sampled_from(["", "of", "the", "and"])).map(
    lambda parts: " ".join(parts[0][:1] + ([parts[1]] if parts[1] else []) + parts[0][1:]))


@few
@given(st.lists(title_item, min_size=3, max_size=10))
def test_title_case_lines_right_under_the_article_stay_out_whatever_they_are(items):
    # A link bar or a menu in title case ("Contact the Editors") under the last
    # paragraph: at most half of each item's later words in lower case, no list.
    page = MENU + "\n" + "\n".join(TOWN_PARAGRAPHS + items) + "\n\n" + FOOTER
    kept = nonblank(strip(page))
    assert not set(items) & set(kept)
    assert [line for line in kept if line in TOWN_PARAGRAPHS] == TOWN_PARAGRAPHS
