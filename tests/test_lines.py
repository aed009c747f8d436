"""Splitting text into lines and joining it back loses nothing."""

from hypothesis import given
from hypothesis import strategies as st

from cleantext import join_lines, split_lines
from cleantext.lines import Removal, split_documents


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


def _rejoin(text, separator):
    out = []
    documents = 0
    for document in split_documents(split_lines(text), separator, "s"):
        documents += 1
        out.append("".join(line.text + line.ending for line in document))
        if document.separated:
            out.append(separator)
    return "".join(out), documents


@given(st.text(alphabet=st.sampled_from(["a", "b", " ", "\n", "\r", "\f", "\0", "é"]), max_size=60),
       st.sampled_from(["\f", "\0", "--"]))
def test_split_documents_loses_nothing(text, separator):
    assert _rejoin(text, separator)[0] == text


def test_split_documents_numbers_lines_per_document():
    documents = [list(document) for document in split_documents(split_lines("a\nb\n\fc\n"), "\f", "x")]
    assert [[(line.number, line.text, line.source) for line in document] for document in documents] == [
        [(1, "a", "x#1"), (2, "b", "x#1")], [(1, "c", "x#2")]]


def test_trailing_separator_ends_the_last_document():
    assert _rejoin("a\0b\0", "\0") == ("a\0b\0", 2)
    assert _rejoin("", "\0") == ("", 1)
