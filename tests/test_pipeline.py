"""The library API: stages compose into pipelines that explain every removal."""

import pickle

import pytest

import cleantext
from cleantext import Dedup, FixEncoding, Pipeline, StripDebris, split_lines

ARTICLE = """Storm closes mountain pass

Storm closes mountain pass

Storm closes mountain pass

Snow and high winds closed the northern pass on Friday, the roads agency said.

"There is no decision to leave the pass closed all winter," a spokeswoman said.

"We have made no decision whatsoever to leave the villages cut off," the mayor said.

Crews expect to reopen one lane by Sunday if the wind drops.

Related news

[an error occurred while processing the directive]
"""

CLEANED = """Storm closes mountain pass

Snow and high winds closed the northern pass on Friday, the roads agency said.

"There is no decision to leave the pass closed all winter," a spokeswoman said.

"We have made no decision whatsoever to leave the villages cut off," the mayor said.

Crews expect to reopen one lane by Sunday if the wind drops.
"""


def test_clean_removes_repeated_title_and_debris_and_nothing_else():
    assert cleantext.clean(ARTICLE) == CLEANED


def test_clean_is_the_default_pipeline():
    assert cleantext.default_pipeline().clean(ARTICLE) == cleantext.clean(ARTICLE)
    assert [s.name for s in cleantext.default_pipeline().stages] == ["fix-encoding", "strip-debris", "dedup"]


def test_cleaning_clean_text_changes_nothing():
    assert cleantext.clean(CLEANED) == CLEANED


def test_every_removal_names_its_stage_and_reason():
    removed = Pipeline(cleantext.default_pipeline().stages).removals(ARTICLE)
    reasons = {(line.text, line.removed.stage) for line in removed if line.text}
    assert ("Storm closes mountain pass", "dedup") in reasons
    assert ("Related news", "strip-debris") in reasons
    assert ("[an error occurred while processing the directive]", "strip-debris") in reasons
    title_repeats = [line for line in removed if line.text == "Storm closes mountain pass"]
    assert [line.removed.detail for line in title_repeats] == ["repeats line 1", "repeats line 1"]


def test_kept_and_removed_lines_account_for_the_input():
    lines = cleantext.default_pipeline().clean_lines(split_lines(ARTICLE))
    assert [line.number for line in lines] == list(range(1, ARTICLE.count("\n") + 1))
    kept = [line for line in lines if line.removed is None]
    assert "".join(line.text + line.ending for line in kept) == CLEANED


def test_custom_pipeline_of_stage_objects():
    pipeline = Pipeline([FixEncoding(straight_quotes=True), Dedup(threshold=100)])
    assert pipeline.clean("“A” cafÃ©\n“A” cafÃ©\n") == '"A" café\n'


def test_any_order_and_subset_of_stages():
    text = "Read more\nText line here.\nText line here.\n"
    assert Pipeline([StripDebris()]).clean(text) == "Text line here.\nText line here.\n"
    assert Pipeline([Dedup(), StripDebris()]).clean(text) == "Text line here.\n"


def test_stats_count_lines_in_removed_and_changed():
    run = cleantext.default_pipeline().start()
    list(run.process(split_lines("cafÃ©\ncafÃ©\nRead more\n")))
    stats = {stage["stage"]: stage for stage in run.stats_dict()["stages"]}
    assert stats["fix-encoding"]["changed"] == 2
    assert stats["strip-debris"]["removed"] == 1
    assert stats["dedup"]["lines_in"] == 2 and stats["dedup"]["removed"] == 1


def test_stages_are_small_picklable_values():
    for stage in cleantext.default_pipeline().stages:
        assert pickle.loads(pickle.dumps(stage)) == stage


@pytest.mark.parametrize("bad", [{"threshold": 101}, {"threshold": -1}, {"min_length": -1},
                                 {"scope": "planet"}, {"window": 0}])
def test_invalid_parameters_are_refused(bad):
    with pytest.raises(ValueError):
        Dedup(**bad)


def test_crlf_line_endings_are_preserved():
    text = ARTICLE.replace("\n", "\r\n")
    assert cleantext.clean(text) == CLEANED.replace("\n", "\r\n")


def test_empty_input_gives_empty_output():
    assert cleantext.clean("") == ""


def test_stages_say_whether_they_span_documents():
    assert not Dedup().cross_document and Dedup(scope="corpus").cross_document
    assert not StripDebris().cross_document and StripDebris(repeated_in=2).cross_document
    assert not FixEncoding().cross_document


def test_clean_calls_share_no_state_between_documents():
    # cleantext.clean reuses one pipeline; each call must still be a fresh document.
    text = "A line that repeats in every document of the run.\n"
    assert cleantext.clean(text) == text
    assert cleantext.clean(text) == text
    assert cleantext.clean(text + text) == text
