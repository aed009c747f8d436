"""Reading by blocks gives the lines that reading line by line gives, whatever the
bytes, the size of a read and how a pipe cuts them (issue 11: the framework's cost
per line)."""

import io

from hypothesis import example, given, settings
from hypothesis import strategies as st

import cleantext.io.reading as reading
from cleantext.io.reading import read_lines

PIECES = [b"a", b"b ", b"\n", b"\r", b"\r\n", b"\xef\xbb\xbf", b"\xc3\xa9", b"\xe2\x82\xac", b"\xf0\x9f\x98\x80",
          b"\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\x00", b"\xf0\x9f"]


def line_by_line(data: bytes) -> tuple[list[tuple[int, str, str]], list[int]]:
    """What the reading policy says, one line at a time: lines end at "\\n" or "\\r\\n"
    (the last one perhaps at the end of the input instead), a UTF-8 byte order mark
    at the start of the first is dropped, and invalid UTF-8 is kept as surrogate escapes."""
    pieces = data.split(b"\n")
    if pieces[-1] == b"":
        pieces.pop()  # the input ended with a newline (or was empty)
    if pieces and pieces[0].startswith(b"\xef\xbb\xbf"):  # a file of just a mark is one empty line
        pieces[0] = pieces[0][3:]
    lines, invalid = [], []
    for number, raw in enumerate(pieces, start=1):
        ending = "" if number == len(pieces) and not data.endswith(b"\n") else "\n"
        if ending and raw.endswith(b"\r"):
            raw, ending = raw[:-1], "\r\n"
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("utf-8", "surrogateescape")
            invalid.append(number)
        lines.append((number, text, ending))
    return lines, invalid


class Pipe(io.RawIOBase):
    """Bytes given out a few at a time, as a pipe does: each read gets at most the next
    of `sizes` (in turn). `ends` counts the reads that found the end: a terminal would
    wait for more input at each one."""

    def __init__(self, data: bytes, sizes: list[int]):
        self.data, self.sizes, self.reads, self.ends = data, sizes, 0, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        size = min(len(buffer), self.sizes[self.reads % len(self.sizes)])
        self.reads += 1
        piece, self.data = self.data[:size], self.data[size:]
        buffer[:len(piece)] = piece
        self.ends += not piece
        return len(piece)


def read_in_blocks(data: bytes, sizes: list[int]) -> tuple[list[tuple[int, str, str]], list[int]]:
    """`read_lines` from a `Pipe` (NUL bytes allowed: how much of the input the sniffing
    sees depends on the pipe, and the sniffing is not under test here)."""
    invalid: list[int] = []
    pipe = Pipe(data, sizes)
    lines = [(line.number, line.text, line.ending)
             for line in read_lines(io.BufferedReader(pipe, buffer_size=8), "in", nul_separated=True, invalid=invalid)]
    assert pipe.ends <= 2  # the sniffing's peek may find the end first; reading finds it once
    return lines, invalid


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=80), st.integers(1, 40), st.integers(1, 40),
       st.lists(st.integers(1, 50), min_size=1, max_size=5))
@example([b"\xef", b"\xbb\xbf", b"a\r", b"\n"], 1, 1, [1])  # a byte order mark and "\r\n" cut in two
@example([b"a\r"] * 3 + [b"\n"], 2, 1, [2])  # a long line that ends in "\r\n" across reads
@example([b"\xf0\x9f\x98\x80"] * 5 + [b"\n", b"a"], 3, 5, [3, 1])  # a character across reads
def test_reading_by_blocks_gives_the_lines_read_one_by_one(pieces, read_bytes, long_line_bytes, sizes):
    data = b"".join(pieces)
    saved = reading.READ_BYTES, reading.LONG_LINE_BYTES
    reading.READ_BYTES, reading.LONG_LINE_BYTES = read_bytes, long_line_bytes
    try:
        assert read_in_blocks(data, sizes) == line_by_line(data)
    finally:
        reading.READ_BYTES, reading.LONG_LINE_BYTES = saved


def test_a_line_comes_out_as_soon_as_its_end_is_read():
    """A line from a pipe is yielded when its newline arrives, not when a whole block
    has (a line typed at a terminal is cleaned at once)."""
    pipe = Pipe(b"first\nsecond\n", [6, 7])
    lines = read_lines(io.BufferedReader(pipe, buffer_size=8), "in")
    assert next(lines).text == "first"
    assert pipe.reads == 1  # the read that brought it (the sniffing's peek), not more
    assert [line.text for line in lines] == ["second"]
