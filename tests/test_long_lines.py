"""A long line costs memory in proportion to itself (issue 11, target 1): reading it
piece by piece, writing it in pieces and fixing it segment by segment give the same
text and bytes as doing each at once, without the extra copies."""

import gc
import hashlib
import io
import tracemalloc

import ftfy
from hypothesis import example, given, settings
from hypothesis import strategies as st

import cleantext.io.reading as reading
import cleantext.io.writing as writing
from cleantext import Pipeline
from cleantext.batch import Options
from cleantext.batch.clean import clean_input
from cleantext.batch.plan import Task
from cleantext.io.reading import read_lines
from cleantext.io.writing import encode_line, encoded_pieces
from cleantext.lines import Line
from cleantext.stages import statements
from cleantext.stages.dedup import Dedup
from cleantext.stages.encoding import FixEncoding

PIECES = [b"a", b"\n", b"\r", b"\r\n", b"\xef\xbb\xbf", b"\xc3\xa9", b"\xe2\x82\xac", b"\xf0\x9f\x98\x80",
          b"\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b" "]


def _read(data: bytes) -> tuple[list[tuple], list[str]]:
    warnings: list[str] = []
    lines = read_lines(io.BufferedReader(io.BytesIO(data)), "doc", warnings.append)
    return [(line.number, line.text, line.ending, line.original) for line in lines], warnings


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60), st.integers(1, 9))
def test_a_line_read_in_pieces_is_the_line_read_at_once(pieces, piece_size):
    data = b"".join(pieces)
    whole = _read(data)  # every line here fits one read
    original = reading.LONG_LINE_BYTES
    reading.LONG_LINE_BYTES = piece_size
    try:
        assert _read(data) == whole
    finally:
        reading.LONG_LINE_BYTES = original


@given(st.text(st.sampled_from("ab é€😀\udcff\udc80\ud800")), st.sampled_from(["\n", "\r\n", ""]),
       st.integers(1, 5), st.booleans())
def test_a_long_line_is_written_in_pieces_as_it_is_written_at_once(text, ending, size, original):
    line = Line(1, text.upper(), ending, original=text)
    expected = encode_line(line, original)
    previous = writing.LONG_LINE
    writing.LONG_LINE = size
    try:
        assert b"".join(encoded_pieces(line, original)) == expected
    finally:
        writing.LONG_LINE = previous


def _traced_peak(call):
    """``(call(), peak)``: the peak of the memory `call` allocates, traced.

    `call` runs once before it is traced, after a full garbage collection, and no
    collection runs while it is traced. A full collection empties the interpreter's
    free lists (tuples, frames...): objects a traced call frees into them stay counted,
    so the peak of an untouched call moved by a few hundred KB with the time of the last
    collection (one run in five of this file). The untraced run refills the lists.
    """
    gc.collect()
    call()
    gc.disable()
    tracemalloc.start()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        gc.enable()


class _Digest:
    """An output that keeps a digest of what is written, not the bytes."""

    def __init__(self):
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return len(data)


def test_reading_and_writing_a_long_line_costs_one_copy_of_it(tmp_path):
    """16 MB of ASCII on one line through reading, a run and writing: the text plus a
    piece at a time (it was three copies at once: the bytes read, the bytes without
    their newline and the text; then the text, it with its newline, and the bytes)."""
    size = 16_000_000
    path = tmp_path / "lines.txt"
    peak, digest = _streamed_peak(tmp_path, Pipeline([]), b"word " * (size // 5) + b"\n")
    assert digest == hashlib.sha256(path.read_bytes()).digest()
    assert peak < 1.5 * size, peak / size


def test_a_long_line_that_ftfy_changes_costs_its_text_and_the_fixed_text():
    """A line of 4-byte characters with mojibake in every segment: the original and
    the fixed text, not also a list of fixed segments to join."""
    stage = FixEncoding()
    stage.__dict__["_config"] = stage._config._replace(max_decode_length=50_000)
    text = ("\U0001f600 caf\u00c3\u00a9 " * 100_000)[:600_000]  # 2.4 MB in memory
    expected = ftfy.fix_text(text, stage._config)
    fixed, peak = _traced_peak(lambda: stage.fix(text))
    assert fixed == expected and fixed != text
    assert peak < 1.6 * len(text) * 4, peak / (len(text) * 4)  # the fixed text, one segment's work


def _streamed_peak(tmp_path, pipeline: Pipeline, data: bytes) -> tuple[int, bytes]:
    """Peak traced memory of cleaning `data` as a file, streamed to a digest; and the digest."""
    path = tmp_path / "lines.txt"
    path.write_bytes(data)
    outputs: list[_Digest] = []

    def clean():
        outputs.append(_Digest())
        return clean_input(pipeline.start(), Task(0, str(path), "lines.txt"), Options(), outputs[-1], None)

    result, peak = _traced_peak(clean)
    assert result.error is None and result.bytes_in == result.bytes_out == len(data)
    return peak, outputs[-1].digest.digest()


def test_dedup_judges_a_long_line_without_copying_it(tmp_path):
    """A 16 MB line with spaces around it: dedup's code check and exact key read it in
    pieces (they copied it twice: stripped, and encoded to count its symbols)."""
    size = 16_000_000
    line = b"  " + b"word " * (size // 5) + b"\n"
    peak, digest = _streamed_peak(tmp_path, Pipeline([Dedup()]), line)
    assert digest == hashlib.sha256(line).digest()
    assert peak < 1.5 * size, peak / size


def test_dedup_does_not_keep_long_lines_alive(tmp_path):
    """Kept long lines are remembered by a digest, not their text: five different 3 MB
    lines cost about one of them at a time, not five."""
    size = 3_000_000
    data = b"".join(f"{n} ".encode() + b"word " * (size // 5) + b"\n" for n in range(5))
    peak, digest = _streamed_peak(tmp_path, Pipeline([Dedup()]), data)
    assert digest == hashlib.sha256(data).digest()
    assert peak < 2.5 * size, peak / size


def test_long_lines_repeat_exactly_whatever_surrounds_them():
    text = "word " * 30_000
    document = f"{text}\n  {text}\t\n{text}!\n"
    kept = Pipeline([Dedup()]).clean(document)
    assert kept == f"{text}\n{text}!\n"
    removed = [line for line in _lines_of(document, Dedup()) if line.removed is not None]
    assert [(line.number, line.removed.rule) for line in removed] == [(2, "exact-duplicate")]


def _lines_of(document: str, stage) -> list[Line]:
    from cleantext.lines import split_lines

    return list(stage.process(iter(split_lines(document))))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\u00a0\u3000ab{}=();:\u00e9\u4e00_-", max_size=40), st.integers(1, 6))
@example("\u3000:\t", 1)  # a line that is ASCII once stripped counts its symbols the ASCII way
@example(":\t\u00e9", 1)
def test_reading_a_line_in_pieces_gives_the_whole_line_answers(text, piece):
    """`strip_bounds` and the code check of a long line, read `piece` characters at a
    time, agree with `str.strip` and the check of a short line."""
    start, end = statements.strip_bounds(text)
    assert text[start:end] == text.strip()
    whole = statements.is_code_line(text)
    original = statements.PIECE
    statements.PIECE = piece
    try:
        assert statements.strip_bounds(text) == (start, end)
        assert statements.is_code_line(text) == whole
    finally:
        statements.PIECE = original
