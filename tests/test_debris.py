"""StripDebris: rules, heuristics, custom rules, keep patterns and clean prose."""

import pickle
import time
from pathlib import Path

import pytest

from cleantext import Pipeline, StripDebris, split_lines
from cleantext.stages import boilerplate

PROSE = Path(__file__).parent / "data" / "prose"
ARTICLE = "\n\n".join(
    f"Paragraph {n} of the story says that the council met on Tuesday and that the vote was close, "
    "as many of the people in the town had expected it to be for weeks." for n in range(4)
)
PAGE = (
    "Skip to content\nHome\nNews\nSport\nWeather\nContact\nHome › News › Local\n"
    "Council keeps the ferry\n" + ARTICLE + "\nShare on Facebook\nShare on Twitter\n"
    "Related stories\nFerry fares to rise\nNew bridge study\n© 2025 Town News. All rights reserved.\n"
)


def clean(text: str, **options) -> str:
    return Pipeline([StripDebris(**options)]).clean(text)


def removals(text: str, **options) -> dict[str, str]:
    lines = StripDebris(**options).process(iter(split_lines(text)))
    return {line.text: line.removed.rule for line in lines if line.removed is not None and line.text}


def test_page_menus_and_footer_are_removed_and_article_with_headline_kept():
    out = clean(PAGE)
    assert out.startswith("Council keeps the ferry\n")
    assert out.rstrip().endswith("for weeks.")
    assert "Sport" not in out and "Ferry fares" not in out


def test_every_heuristic_removal_has_a_reason_and_a_score():
    page = StripDebris().process(iter(split_lines(PAGE)))
    heuristic = [line.removed for line in page if line.removed and line.removed.rule.startswith("boilerplate:")]
    assert heuristic
    for removal in heuristic:
        assert removal.detail and "stopwords" in removal.detail
        assert 0.0 < removal.score <= 1.0


def test_short_standalone_document_loses_nothing():
    doc = "A short title\n\nA first short paragraph.\n\nA second one, a little longer than the first.\n\nBye.\n"
    assert clean(doc) == doc


def test_clean_prose_corpus_loses_no_line_except_copyright_notices():
    for path in sorted(PROSE.glob("*.txt")):
        for line, rule in removals(path.read_text("utf-8")).items():
            assert rule == "navigation:copyright", (path.name, line, rule)


def test_rules_only_mode_keeps_menus_that_no_rule_names():
    out = clean(PAGE, heuristics=False)
    assert "Sport\n" in out and "Skip to content" not in out


def test_keep_pattern_protects_a_line_from_rules_and_heuristics():
    out = clean(PAGE, keep=("^Weather$", "Share on Twitter"))
    assert "Weather\n" in out and "Share on Twitter\n" in out


def test_tab_separated_rules_file_adds_and_disables_rules(tmp_path):
    rules = tmp_path / "rules.txt"
    rules.write_text("# mine\nbuy-now\tBuy now.*\n-share-bar\n")
    found = removals("Buy now, pay later\nShare\n", rules_file=(str(rules),), heuristics=False)
    assert found == {"Buy now, pay later": "custom:buy-now"}


def test_toml_rules_file_adds_and_disables_rules(tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text('disable = ["navigation:advertisement"]\n[[rule]]\nname = "promo"\npattern = "Promo.*"\n')
    found = removals("Promo code X\nAdvertisement\n", rules_file=(str(rules),), heuristics=False)
    assert found == {"Promo code X": "custom:promo"}


def test_bad_rules_file_and_bad_keep_pattern_are_value_errors(tmp_path):
    rules = tmp_path / "rules.txt"
    rules.write_text("no tab here\n")
    with pytest.raises(ValueError):
        StripDebris(rules_file=(str(rules),))
    with pytest.raises(ValueError):
        StripDebris(keep=("(",))
    with pytest.raises(ValueError):
        StripDebris(lang="xx")


def test_catastrophic_user_pattern_times_out_and_keeps_the_line(tmp_path):
    rules = tmp_path / "rules.txt"
    rules.write_text("evil\t(.*a){12}\n")
    start = time.perf_counter()
    with pytest.warns(UserWarning):
        out = clean("ab" * 20000 + "c\n", rules_file=(str(rules),), heuristics=False)
    assert out == "ab" * 20000 + "c\n"
    assert time.perf_counter() - start < 5


def test_language_is_detected_from_stopwords():
    assert boilerplate.detect_language(["Le chat et le chien sont dans la maison avec les enfants."]) == "fr"
    assert boilerplate.detect_language(["町の図書館は十一月から平日の閉館時間が早くなります。"]) == "ja"


def test_stage_pickles():
    stage = StripDebris(keep=("x",))
    assert pickle.loads(pickle.dumps(stage)).keep == ("x",)


def test_lines_removed_by_earlier_stages_pass_through_untouched():
    lines = split_lines("Home\nText.\n")
    from cleantext import Removal

    lines[1].removed = Removal("other", "x")
    out = list(StripDebris().process(iter(lines)))
    assert out[1].removed.stage == "other"
