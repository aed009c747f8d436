"""Properties of cleaning over arbitrary text (hypothesis).

Kept small (a few dozen examples each, no deadline) so the suite stays fast; the fuzz
script in bench/ runs the same ideas for longer.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from click.testing import CliRunner

import cleantext
from cleantext.cli import cli
from cleantext.io import looks_binary
from cleantext.lines import split_lines

#: Pieces that make scraped text interesting: mojibake, entities, debris, repeats,
#: control characters, lone surrogates, odd line breaks.
PIECES = ["Title", "Read more", "cafÃ©", "&amp;", "Â", "\x00", "\x1b", "\r", "\u2028", "\ufeff",
          "\ud800", "\udcff", "Share on Facebook", "[an error occurred while processing this directive]",
          "The quick brown fox jumps over the lazy dog", "the quick brown fox jumped over the lazy dog.",
          "  ", "\t", "日本語のテキスト", "Привет", "😀"]
line = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=6).map("".join)
ending = st.sampled_from(["\n", "\n", "\n", "\r\n", ""])
document = st.lists(st.tuples(line, ending), max_size=14).map(
    lambda parts: "".join(text + end for text, end in parts))
fast = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fast
@given(document)
def test_cleaning_is_idempotent(text):
    once = cleantext.clean(text)
    assert cleantext.clean(once) == once


@fast
@given(document)
def test_kept_and_removed_lines_are_the_input_lines(text):
    lines = cleantext.default_pipeline().clean_lines(split_lines(text))
    assert [(line.number, line.original, line.ending) for line in lines] == \
        [(line.number, line.original, line.ending) for line in split_lines(text)]


def _as_cli_input(text: str) -> bytes | None:
    """The bytes a file with `text` would hold, or None where the CLI reads differently on purpose
    (lone surrogates have no UTF-8 form; a leading BOM is dropped; binary-looking data is refused)."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    if text.startswith("\ufeff") or looks_binary(data[:8192]) or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return None
    return data


@fast
@given(document)
def test_library_and_cli_agree(text):
    data = _as_cli_input(text)
    if data is None:
        return
    result = CliRunner().invoke(cli, ["clean"], input=data)
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.decode("utf-8") == cleantext.clean(text)


@fast
@given(st.binary(max_size=400) | document.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_cli_never_raises_for_any_bytes(data):
    result = CliRunner().invoke(cli, ["clean"], input=data)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert result.exit_code in (0, 1)


def test_huge_line_mixed_endings_and_nuls():
    text = ("word " * 20_000) + "\r\n" + "a\x00b\rc\n" * 3 + "\r\n\r\n" + "last"
    result = CliRunner().invoke(cli, ["clean"], input=text.encode())
    assert result.exit_code == 0
    assert result.stdout_bytes.decode() == cleantext.clean(text)
