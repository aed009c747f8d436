"""A long line costs memory in proportion to itself (issue 11, target 1): reading it
piece by piece, writing it in pieces and fixing it segment by segment give the same
text and bytes as doing each at once, without the extra copies."""

import hashlib
import io
import tracemalloc

import ftfy
from hypothesis import given, settings
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
    path = tmp_path / "line.txt"
    path.write_bytes(b"word " * (size // 5) + b"\n")
    out = _Digest()
    tracemalloc.start()
    try:
        result = clean_input(Pipeline([]).start(), Task(0, str(path), "line.txt"), Options(), out, None)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.error is None and result.bytes_in == result.bytes_out == size + 1
    assert out.digest.hexdigest() == hashlib.sha256(path.read_bytes()).hexdigest()
    assert peak < 1.5 * size, peak / size


def test_a_long_line_that_ftfy_changes_costs_its_text_and_the_fixed_text():
    """A line of 4-byte characters with mojibake in every segment: the original and
    the fixed text, not also a list of fixed segments to join."""
    stage = FixEncoding()
    stage.__dict__["_config"] = stage._config._replace(max_decode_length=50_000)
    text = ("\U0001f600 caf\u00c3\u00a9 " * 100_000)[:600_000]  # 2.4 MB in memory
    expected = ftfy.fix_text(text, stage._config)
    tracemalloc.start()
    try:
        fixed = stage.fix(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert fixed == expected and fixed != text
    assert peak < 1.6 * len(text) * 4, peak / (len(text) * 4)  # the fixed text, one segment's work
