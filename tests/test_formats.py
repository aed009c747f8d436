"""Formats: readers yield `Document` values, writers take them back; slices of a file."""

import io

from hypothesis import assume, given, settings, strategies as st

from cleantext import Pipeline, StripDebris
from cleantext.batch import FileResult
from cleantext.batch.clean import Account
from cleantext.batch.plan import _wide_text
from cleantext.formats import JsonLines, PlainText
from cleantext.io import read_lines
from cleantext.io.reading import line_boundaries, open_slice
from cleantext.lines import Document
from cleantext.pipeline import StageStats


def _documents(format, data: bytes, name="in"):
    result = FileResult(name)
    return list(format.documents(read_lines(io.BytesIO(data), name), name, result)), result


def _round_trip(format, data: bytes, pipeline=None) -> bytes:
    """Read `data` into documents and write them back (cleaned by `pipeline`, if any)."""
    out = io.BytesIO()
    result = FileResult("in")
    writer = format.writer(Account(result, out, None))
    run = pipeline.start() if pipeline else None
    for document in format.documents(read_lines(io.BytesIO(data), "in"), "in", result):
        lines = document.lines if run is None or not document.to_clean else run.process(document.lines)
        writer.write(document, lines if document.to_clean else ())
    writer.close()
    return out.getvalue()


def test_a_jsonl_reader_yields_one_document_per_record_with_the_record_around_it():
    data = b'{"id": 1, "text": "First line\\nSecond"}\n\nnot json\n{"id": 2, "text": "x"}\n'
    documents, result = _documents(JsonLines(), data)
    assert all(isinstance(document, Document) for document in documents)
    assert [document.order for document in documents] == [(1,), (2,), (3,), (4,)]
    first = documents[0]
    assert first.source == "in:1" and [line.text for line in first.lines] == ["First line", "Second"]
    assert first.record.raw == b'{"id": 1, "text": "First line\\nSecond"}\n'
    assert [document.to_clean for document in documents] == [True, False, False, True]
    assert (result.records, result.bad_records) == (3, 1)
    assert result.warnings == ["in: line 3: invalid JSON (Expecting value); bad records passed through"]


def test_writers_give_back_the_bytes_of_documents_nobody_changed():
    jsonl = b'{"b": 1e400, "text": "Same"}\n\nbad\n{"text": "x", "text": "y"}\n'
    assert _round_trip(JsonLines(), jsonl) == jsonl
    text = b"one\r\ntwo\fthree\nfour\f"
    assert _round_trip(PlainText("\f"), text) == text
    assert _round_trip(PlainText(), b"no newline at the end") == b"no newline at the end"


def test_a_jsonl_writer_replaces_only_the_text_field_of_a_cleaned_record():
    data = b'{"id": 7, "text": "Real sentence about the weather today.\\nShare on Facebook"}\n'
    cleaned = _round_trip(JsonLines(), data, Pipeline([StripDebris()]))
    assert cleaned == b'{"id": 7, "text": "Real sentence about the weather today.\\n"}\n'


def test_separated_plain_text_documents_are_ordered_and_named():
    result = FileResult("in")
    seen = []
    for document in PlainText("\f").documents(read_lines(io.BytesIO(b"a\fb\nc\f"), "in"), "in", result):
        texts = [line.text for line in document.lines]  # each is read before the next is asked for
        seen.append((document.source, document.order, texts, document.separated))
    assert seen == [("in#1", (1,), ["a"], True), ("in#2", (2,), ["b", "c"], True)]


def test_stage_stats_add_up_and_subtract_back():
    a = StageStats(3, 1, 1)
    a.removed_by_rule["x"] += 1
    b = StageStats(2, 2, 0)
    b.removed_by_rule.update({"x": 1, "y": 1})
    total = a + b
    assert (total.lines_in, total.removed, total.changed) == (5, 3, 1)
    assert total.removed_by_rule == {"x": 2, "y": 1}
    assert (total - a).as_dict() == b.as_dict()
    assert [s.as_dict() for s in StageStats.total([[a], [b]], 1)] == [total.as_dict()]


def test_a_run_counts_what_its_documents_count_one_by_one():
    pipeline = Pipeline([StripDebris()])
    texts = ["Real sentence about the weather today.\nShare on Facebook\n", "Home\nAnother real sentence here.\n"]
    run = pipeline.start()
    parts = []
    for text in texts:
        before = [stats.copy() for stats in run.stats]
        list(run.process(read_lines(io.BytesIO(text.encode()), "t")))
        parts.append([after - earlier for after, earlier in zip(run.stats, before)])
    assert [s.as_dict() for s in StageStats.total(parts, 1)] == [s.as_dict() for s in run.stats]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.binary(max_size=30).map(lambda b: b.replace(b"\n", b"").replace(b"\0", b"")), max_size=60),
       st.booleans(), st.integers(1, 200))
def test_slices_cut_at_line_ends_read_like_the_whole_file(tmp_path_factory, lines, final_newline, piece):
    data = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    path = tmp_path_factory.mktemp("slices") / "f.jsonl"
    path.write_bytes(data)
    assume(not _wide_text(str(path)))  # UTF-16/32 files are read whole, never cut (batch.plan.shard_tasks)
    slices = line_boundaries(str(path), piece)
    assert b"".join(open_slice(str(path), start, end).read() for start, end, _ in slices) == data
    read = []
    for start, end, first in slices:
        assert start == 0 or data[start - 1:start] == b"\n"
        with open_slice(str(path), start, end) as stream:
            read += [(line.number, line.text) for line in read_lines(stream, "f", first_line=first, invalid=[])]
    with open(path, "rb") as stream:
        assert read == [(line.number, line.text) for line in read_lines(stream, "f", invalid=[])]


# --- a document's kept lines are written in chunks (`Account.lines`) ----------------------

def _account_lines(lines, by_line: bool):
    """What an `Account` writes and counts for `lines`, given all at once or one by one;
    an exception from `lines` is returned with the result."""
    out, removed = io.BytesIO(), io.BytesIO()
    account = Account(FileResult("in"), out, removed)
    error = None
    try:
        if by_line:
            for line in lines:
                account.line(line)
        else:
            account.lines(lines)
    except OSError as caught:
        error = str(caught)
    result = account.result
    return out.getvalue(), removed.getvalue(), (result.bytes_in, result.bytes_out, result.changed), error


def _mixed_lines(count: int):
    """Kept, changed, removed and blank lines, CRLF and LF endings, an escaped invalid
    byte, lone surrogates (kept and removed) and a last line without a newline."""
    from cleantext.lines import Line, Removal

    lines = []
    for n in range(1, count + 1):
        line = Line(n, f"line {n} caf\u00e9" if n % 5 else "", "\r\n" if n % 7 == 0 else "\n", "in")
        if n % 11 == 0:
            line.text = line.text.upper()
        if n % 13 == 0:
            line.removed = Removal("dedup", "exact-duplicate")
        if n == 17:
            line.text = line.original = "bad byte \udcff here"
        if n == 19:
            line.text = "lone \ud800 surrogate"
        if n == 26:  # removed (26 % 13): its bytes as read count with the same fallback
            line.text = line.original = "removed lone \udfff surrogate"
        lines.append(line)
    lines[-1].ending = ""
    return lines


def test_a_document_written_in_chunks_is_the_bytes_and_counts_of_line_by_line():
    from cleantext.batch.clean import WRITE_LINES

    for count in (1, 3, WRITE_LINES - 1, WRITE_LINES, WRITE_LINES + 1, 3 * WRITE_LINES + 5):
        chunked = _account_lines(_mixed_lines(count), by_line=False)
        assert chunked == _account_lines(_mixed_lines(count), by_line=True), count
        assert chunked[0].count(b"\n") == count - 1 - (count // 13)  # all kept lines, in order


def test_lines_taken_before_a_read_error_are_written_as_line_by_line():
    from cleantext.batch.clean import WRITE_LINES

    def failing(count):
        yield from _mixed_lines(count)
        raise OSError("read error")

    for count in (6, WRITE_LINES + 40):
        chunked = _account_lines(failing(count), by_line=False)
        assert chunked == _account_lines(failing(count), by_line=True) and chunked[3] == "read error"
        last = _mixed_lines(count)[-1].text
        assert chunked[0].startswith(b"line 1 caf\xc3\xa9\n") and chunked[0].endswith(last.encode())
