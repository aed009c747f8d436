"""FixEncoding repairs what is broken and leaves everything else alone."""

import ftfy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleantext import FixEncoding, Pipeline, split_lines

fix = FixEncoding().fix


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("cafÃ©", "café"),
        ("Itâ€™s", "It’s"),
        ("â€œquotedâ€\x9d", "“quoted”"),
        ("Fish &amp; chips", "Fish & chips"),
        ("it&#39;s", "it's"),
        ("bell\x07 inside", "bell inside"),
        ("MÃ¼nchen", "München"),
    ],
)
def test_repairs_mojibake_entities_and_control_characters(broken, fixed):
    assert fix(broken) == fixed


def test_invalid_utf8_read_as_escapes_becomes_windows_1252_text():
    raw = "caf\xe9 na\xefve".encode("latin-1")
    assert fix(raw.decode("utf-8", "surrogateescape")) == "café naïve"


def test_curly_quotes_and_full_width_are_kept_unless_asked():
    text = "“Ｑuoted”"
    assert fix(text) == text
    assert FixEncoding(straight_quotes=True).fix(text) == '"Ｑuoted"'
    assert FixEncoding(fix_width=True).fix(text) == "“Quoted”"


def test_entities_can_be_kept():
    assert FixEncoding(unescape_html=False).fix("a &amp; b") == "a &amp; b"


def test_clean_text_passes_unchanged():
    text = "Plain ASCII, “curly” quotes — dashes… 日本語の文章。 Ελληνικά, русский, ñandú.\n"
    assert Pipeline([FixEncoding()]).clean(text) == text


def test_removed_lines_are_not_touched():
    from cleantext.lines import Removal

    lines = split_lines("cafÃ©\n")
    lines[0].removed = Removal("earlier", "rule")
    [line] = FixEncoding().process(iter(lines))
    assert line.text == "cafÃ©"


CONFIGURATIONS = [FixEncoding(), FixEncoding(straight_quotes=True), FixEncoding(fix_width=True),
                  FixEncoding(unescape_html=False)]


@pytest.mark.parametrize("stage", CONFIGURATIONS, ids=repr)
def test_gate_is_sound_ftfy_never_changes_text_it_skips(stage):
    """Lines the gate lets skip ftfy are lines ftfy would leave as they are."""
    safe = [chr(c) for c in range(0xA000) if stage._gate.match(chr(c)) is None]
    # the characters that single-byte codecs produce are where mojibake hides
    tricky = [c for c in safe if not c.isascii() and c < "\u3000"] + list(" a&;#.")

    @settings(max_examples=400, deadline=None)
    @given(st.text(alphabet=st.sampled_from(safe), max_size=60)
           | st.text(alphabet=st.sampled_from(tricky), max_size=12)
           | st.lists(st.sampled_from(["&amp;", "&#39;", "&quot", "x", " ", "&", ";"])).map("".join))
    def check(text):
        if stage._gate.search(text) is None:
            assert ftfy.fix_text(text, stage._config) == text

    check()


@pytest.mark.parametrize("stage", CONFIGURATIONS[:2], ids=repr)
def test_gate_is_sound_on_every_short_string_of_typographic_characters(stage):
    alphabet = [chr(c) for c in range(0x2010, 0x2028)] + [" ", "a"]
    strings = [a + b + c for a in alphabet for b in alphabet for c in alphabet]
    skipped = [text for text in strings if stage._gate.search(text) is None]
    assert skipped
    assert [t for t in skipped if ftfy.fix_text(t, stage._config) != t] == []


def test_gate_catches_mojibake_made_of_typographic_characters():
    """Mac Roman turns UTF-8 lead and continuation bytes into curly quotes and daggers."""
    assert FixEncoding().fix("‘†’•") == ftfy.fix_text("‘†’•", FixEncoding()._config) != "‘†’•"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_stage_equals_ftfy_on_any_line(text):
    """The gate is an optimisation only: the result is always ftfy's own."""
    text = text.replace("\n", " ")
    config = FixEncoding()._config
    assert fix(text) == ftfy.fix_text(text, config)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_fixing_twice_changes_nothing_more(text):
    once = fix(text.replace("\n", " "))
    assert fix(once) == once


def test_gate_sends_ascii_entities_to_ftfy_and_lets_plain_text_pass():
    """Pure ASCII is not automatically safe: ftfy decodes entities in it."""
    gate = FixEncoding()._gate
    assert gate.search("Tom &amp; Jerry") is not None
    assert gate.search("Tom & Jerry, “curly” quotes – and dashes…") is None


@pytest.mark.parametrize("stage", CONFIGURATIONS, ids=repr)
def test_gate_sends_combining_cjk_tone_marks_to_ftfy(stage):
    """U+302A-F are combining marks inside the CJK punctuation block: NFC reorders them."""
    assert stage.fix("\u302b\u302a") == ftfy.fix_text("\u302b\u302a", stage._config) == "\u302a\u302b"
