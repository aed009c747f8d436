"""Splitting text into lines and joining it back loses nothing."""

from hypothesis import given
from hypothesis import strategies as st

from cleantext import join_lines, split_lines
from cleantext.lines import Removal


def test_each_line_keeps_its_own_ending():
    lines = split_lines("a\r\nb\nc")
    assert [(line.text, line.ending) for line in lines] == [("a", "\r\n"), ("b", "\n"), ("c", "")]
    assert [line.number for line in lines] == [1, 2, 3]


def test_lone_carriage_return_is_not_a_line_break():
    assert [line.text for line in split_lines("a\rb\n")] == ["a\rb"]


def test_carriage_return_at_the_very_end_stays_in_the_text():
    [line] = split_lines("a\r")
    assert (line.text, line.ending) == ("a\r", "")


def test_empty_text_has_no_lines():
    assert split_lines("") == []


@given(st.text())
def test_join_inverts_split(text):
    assert join_lines(split_lines(text)) == text


def test_removed_lines_are_left_out_when_joining():
    lines = split_lines("keep\ndrop\nkeep too\n")
    lines[1].removed = Removal("test", "rule")
    assert join_lines(lines) == "keep\nkeep too\n"


def test_removal_describes_itself():
    removal = Removal("dedup", "near-duplicate", "resembles line 3 (score 92.1)")
    assert removal.describe() == "near-duplicate: resembles line 3 (score 92.1)"
