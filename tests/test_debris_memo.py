"""Strip-debris remembers each line's rule verdict and context-free class across runs
(the files of a batch) within bounds, and that never changes a result."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleantext import Pipeline, StripDebris
from cleantext.stages import boilerplate, line_classes
from cleantext.stages.rules import _Matcher, builtin_rules

SAMPLES = sorted(p for p in (Path(__file__).resolve().parent.parent / "samples").glob("*.txt")
                 if not p.name.endswith(".expected.txt"))


def removals(pipeline: Pipeline, text: str) -> list[tuple[int, str, str]]:
    return [(line.number, line.removed.rule, line.removed.detail) for line in pipeline.removals(text)]


def test_a_stage_reused_for_many_documents_removes_what_a_fresh_one_does():
    texts = [p.read_text("utf-8") for p in SAMPLES]
    assert len(texts) >= 3
    reused = Pipeline([StripDebris()])
    for _ in range(2):  # the second round finds every line remembered
        for text in texts:
            assert removals(reused, text) == removals(Pipeline([StripDebris()]), text)


def test_memos_stay_within_their_bounds_and_results_do_not_change(monkeypatch):
    text = SAMPLES[0].read_text("utf-8")
    expected = removals(Pipeline([StripDebris()]), text)
    monkeypatch.setattr(line_classes, "FACTS_MEMO_SIZE", 5)
    monkeypatch.setattr(_Matcher, "MEMO_SIZE", 5)
    monkeypatch.setattr(line_classes, "_facts_memo", {})
    stage = StripDebris()
    for _ in range(3):
        assert removals(Pipeline([stage]), text) == expected
        assert len(line_classes._facts_memo) <= 5 and len(stage._matchers[0]._memo) <= 5


@pytest.mark.parametrize("length", [boilerplate.FACTS_MEMO_LINE, boilerplate.FACTS_MEMO_LINE + 1])
def test_only_lines_up_to_the_memo_length_are_remembered(length, monkeypatch):
    monkeypatch.setattr(line_classes, "_facts_memo", {})
    line = ("All rights reserved. " * 100)[:length]
    matcher = _Matcher(builtin_rules())
    assert boilerplate.line_facts(line) == line_classes._line_facts(line, None)
    assert matcher.match(line) == matcher._match_fast(line)
    remembered = length <= boilerplate.FACTS_MEMO_LINE
    assert ((line, None) in line_classes._facts_memo) == remembered
    assert (line in matcher._memo) == remembered


def test_short_lines_verdicts_are_shared_across_runs_only_without_user_patterns():
    text = SAMPLES[0].read_text("utf-8")
    plain = StripDebris()
    removals(Pipeline([plain]), text)
    assert plain._shared_verdicts  # remembered for the next file of a batch
    guarded = StripDebris(keep=("^Editor",))
    assert removals(Pipeline([guarded]), text) == removals(Pipeline([StripDebris(keep=("^Editor",))]), text)
    assert guarded._shared_verdicts is None  # a --keep pattern may be given up mid-document: per run only

