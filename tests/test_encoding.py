"""FixEncoding repairs what is broken and leaves everything else alone."""

import unicodedata
from functools import cache

import ftfy
import pytest
from ftfy.chardata import LIGATURES, WIDTH_MAP
from hypothesis import example, given, settings
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


#: Lines the gate once let through although ftfy's NFC step reorders their combining
#: ideographic tone marks (U+302A-U+302F, canonical classes 218-232).
NFC_REORDERED = ["\u302b\u302a", "中\u302d\u302a", "a\u302b\u302e b", "\u302c\u302d\u302a"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
@example(NFC_REORDERED[0])
@example(NFC_REORDERED[1])
@example(NFC_REORDERED[2])
@example(NFC_REORDERED[3])
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


@pytest.mark.parametrize("text", NFC_REORDERED)
def test_combining_marks_go_to_ftfy(text):
    assert ftfy.fix_text(text, FixEncoding()._config) != text  # NFC changes these
    for stage in CONFIGURATIONS:
        assert stage.fix(text) == ftfy.fix_text(text, stage._config)


def safe_characters(stage: FixEncoding) -> list[str]:
    """Every code point the gate lets skip ftfy on its own."""
    return _safe_characters(stage._gate)


@cache
def _safe_characters(gate) -> list[str]:
    return [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000 and gate.search(chr(c)) is None]


@cache
def composition_seconds() -> frozenset[str]:
    """Characters that NFC can merge into the character before them."""
    seconds = {chr(c) for c in range(0x1161, 0x11C3)}  # Hangul vowel and final jamo
    for code in range(0x110000):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            seconds.add(chr(int(parts[1], 16)))
    return frozenset(seconds)


def nfc_checked(c: str) -> bool:
    """Whether `c` is one of the characters the gate lets through only in a line in NFC."""
    return _nfc_checked_member()(c)


@cache
def _nfc_checked_member():
    from cleantext.stages.encoding import NFC_CHECKED, _class_members

    return _class_members(NFC_CHECKED)


@pytest.mark.parametrize("stage", CONFIGURATIONS, ids=repr)
def test_no_safe_character_is_one_a_fix_or_normalization_can_touch(stage):
    """Safe characters (but those let through only in NFC lines) are never combining,
    never merged by NFC with what precedes them, and never rewritten by ftfy's ligature
    fix, nor by its width fix when that is on (full-width forms are safe otherwise)."""
    assert stage._config.normalization == "NFC"  # NFKC would touch the ellipsis, for one
    touchable = [
        f"U+{ord(c):04X}" for c in safe_characters(stage) if not nfc_checked(c) and (
            unicodedata.combining(c) or unicodedata.category(c).startswith("M")
            or unicodedata.normalize("NFC", c) != c or c in composition_seconds()
            or ord(c) in LIGATURES or (stage.fix_width and ord(c) in WIDTH_MAP))
    ]
    assert touchable == []


def test_characters_checked_for_nfc_are_made_by_no_codec_and_touched_by_no_other_fix():
    """Only ftfy's NFC step can change them: no single-byte codec ftfy undoes decodes a
    byte to one (so they are never part of mojibake it repairs), and none is a ligature,
    a full-width form, a control or format character ftfy removes, or a quote."""
    from ftfy.chardata import CHARMAP_ENCODINGS

    produced = {bytes([b]).decode(e, "replace") for e in CHARMAP_ENCODINGS for b in range(0x80, 0x100)}
    checked = [chr(c) for c in range(0x110000) if nfc_checked(chr(c))]
    assert len(checked) > 1000
    assert [c for c in checked if c in produced or ord(c) in LIGATURES or ord(c) in WIDTH_MAP] == []
    for stage in CONFIGURATIONS:
        config = stage._config._replace(normalization=None)  # every fix but NFC
        assert [c for c in checked if ftfy.fix_text(f"{c}a{c}{c} {c}.", config) != f"{c}a{c}{c} {c}."] == []


@pytest.mark.parametrize("text", [
    "क़",  # DEVANAGARI KA + NUKTA: in NFC
    "क़ क़",  # QA (a composition exclusion) then KA + NUKTA
    "कि़",  # vowel sign before nukta: canonical reordering
    "ก้ั",  # Thai tone mark before vowel: canonical reordering
    "بِّ",  # Arabic kasra before shadda: canonical reordering
])
def test_lines_of_marked_scripts_skip_ftfy_exactly_when_they_are_in_nfc(text):
    stage = FixEncoding()
    assert (stage._gate.search(text) is None) == unicodedata.is_normalized("NFC", text)
    assert stage.fix(text) == ftfy.fix_text(text, stage._config) == unicodedata.normalize("NFC", text)


_MARKED = st.sampled_from([chr(c) for c in range(0x0900, 0x0E80)] + [chr(c) for c in range(0x064B, 0x0660)]
                          + list("aé ?.,Ã©â€™\u00a0"))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_MARKED, max_size=30))
def test_gate_is_sound_on_lines_of_marked_scripts_mixed_with_latin_and_mojibake(text):
    stage = FixEncoding()
    if stage._gate.search(text) is None:
        assert ftfy.fix_text(text, stage._config) == text


def contexts(safe: list[str]) -> list[str]:
    """Each safe character alone, and once among its neighbours in code point order (in
    reverse), doubled, and between ASCII letters and spaces."""
    texts = []
    for i, char in enumerate(safe):
        before, after = safe[i - 1], safe[(i + 1) % len(safe)]
        texts += [char, f"{after}{char}{before} a{char}{char} {char}."]
    return texts


@pytest.mark.parametrize("stage", CONFIGURATIONS, ids=repr)
def test_every_safe_character_alone_and_in_context_is_left_alone_by_ftfy(stage):
    """Deterministic: each code point the gate lets skip, alone and among others."""
    changed = [
        text for text in contexts(safe_characters(stage))
        if stage._gate.search(text) is None and ftfy.fix_text(text, stage._config) != text
    ]
    assert changed == []


@pytest.mark.parametrize("stage", CONFIGURATIONS[:2], ids=repr)
def test_every_pair_of_safe_characters_a_codec_can_produce_is_judged_like_ftfy(stage):
    """Mojibake is made of what single-byte codecs decode bytes 80-FF to: every pair of
    such safe characters, also with a space or "?" (a lost byte) between them, is
    either sent to ftfy or left unchanged by it."""
    from ftfy.chardata import CHARMAP_ENCODINGS

    produced = {bytes([b]).decode(encoding, "replace") for encoding in CHARMAP_ENCODINGS for b in range(0x80, 0x100)}
    alphabet = sorted(c for c in produced if stage._gate.search(c) is None)
    assert len(alphabet) > 100
    texts = [a + middle + b for a in alphabet for b in alphabet for middle in ("", " ", "?")]
    texts += [a + " " for a in alphabet] + [a + "?" for a in alphabet]
    changed = [t for t in texts if stage._gate.search(t) is None and ftfy.fix_text(t, stage._config) != t]
    assert changed == []


@pytest.mark.parametrize("straight_quotes", [False, True])
@pytest.mark.parametrize("unescape_html", [False, True])
def test_printable_ascii_without_an_ampersand_never_reaches_the_gate_because_it_never_matches(
        straight_quotes, unescape_html):
    """`fix` returns such lines before building the gate (which imports ftfy): sound only
    because the gate finds nothing in them, alone, in pairs or around a space or "?"."""
    stage = FixEncoding(straight_quotes=straight_quotes, unescape_html=unescape_html)
    ascii_ = [chr(c) for c in range(0x20, 0x7F) if chr(c) != "&"]
    texts = ["".join(ascii_)] + [a + b for a in ascii_ for b in ascii_] + [a + m + b for a in ascii_[::3]
                                                                         for b in ascii_ for m in " ?"]
    assert [t for t in texts if stage._gate.search(t)] == []


@pytest.mark.parametrize("stage", CONFIGURATIONS, ids=repr)
def test_gate_built_from_standard_codecs_equals_the_one_from_ftfys_own(stage):
    """The gate is built without importing ftfy: its codecs are ftfy's CHARMAP_ENCODINGS
    with each sloppy codec replaced by the standard one, which decodes every safe
    character the same way."""
    from ftfy.chardata import CHARMAP_ENCODINGS

    from cleantext.stages.encoding import CODECS, _needs_ftfy

    assert [name.replace("sloppy-windows-", "cp") for name in CHARMAP_ENCODINGS] == list(CODECS)
    ours = _needs_ftfy(stage.straight_quotes, stage.unescape_html, stage.fix_width)
    theirs = _needs_ftfy(stage.straight_quotes, stage.unescape_html, stage.fix_width,
                         codecs=tuple(CHARMAP_ENCODINGS))
    assert ours.pattern == theirs.pattern


@pytest.mark.parametrize("text", [
    "A educação não é só informação.",  # "çã": Latin-1 lead, Mac Roman continuation
    "Größe für Übergröße, schön öffentlich.",  # "ö" (F6) is never a UTF-8 lead
    "Η γλώσσα είναι ελληνική.", "هذه جملة عربية بسيطة.", "זה משפט בעברית.", "Tiếng Việt có dấu.",
    "（全角）テスト！", "Əlaqə → ※ ► ✕",
    "यह एक सरल हिन्दी वाक्य है।", "ภาษาไทยเป็นภาษาที่สวยงาม", "اَلْعَرَبِيَّة", "தமிழ் ஒரு மொழி.",
])
def test_ordinary_text_of_many_scripts_skips_ftfy_and_ftfy_agrees(text):
    stage = FixEncoding()
    assert stage._gate.search(text) is None
    assert ftfy.fix_text(text, stage._config) == text


def test_full_width_forms_go_to_ftfy_when_asked_to_fix_width():
    stage = FixEncoding(fix_width=True)
    assert stage._gate.search("（全角）") is not None
    assert stage.fix("（全角）") == ftfy.fix_text("（全角）", stage._config) == "(全角)"


def test_safe_characters_are_read_as_re_reads_the_class():
    """The gate is built from the safe set read by the stdlib parser, not compiled:
    every code point is a member exactly when the compiled class matches it."""
    import re

    from cleantext.stages.encoding import FULL_WIDTH, SAFE_CHARACTERS, _class_members

    code_points = [*range(0x10000), *range(0x10000, 0x110000, 97)]  # the set lies in the BMP
    for characters in (SAFE_CHARACTERS, SAFE_CHARACTERS + FULL_WIDTH):
        member, compiled = _class_members(characters), re.compile(f"[{characters}]")
        assert [c for c in code_points if member(chr(c)) != bool(compiled.fullmatch(chr(c)))] == []


def _decides_like_the_whole_pattern(stage: FixEncoding, text: str) -> bool:
    """Whether the gate sends `text` to ftfy when one search of its joined pattern, or
    the NFC check of a line holding a character of `NFC_CHECKED`, says so."""
    import re

    whole = re.compile(stage._gate.pattern)
    not_nfc = not unicodedata.is_normalized("NFC", text)
    searched = whole.search(text) is not None or (not_nfc and any(map(nfc_checked, text)))
    matched = whole.match(text) is not None or (not_nfc and nfc_checked(text[:1]))
    return (stage._gate.search(text) is not None) == searched and (stage._gate.match(text) is not None) == matched


@pytest.mark.parametrize("stage", CONFIGURATIONS[:2], ids=repr)
def test_gate_searched_alternative_by_alternative_decides_like_the_whole_pattern(stage):
    """`_Gate` tries its alternatives one at a time (faster): on every pair of the safe
    characters a codec makes, with and without a space or "?" between, and on entities,
    it sends to ftfy exactly the lines one search of the joined pattern would."""
    from ftfy.chardata import CHARMAP_ENCODINGS

    produced = {bytes([b]).decode(e, "replace") for e in CHARMAP_ENCODINGS for b in range(0x80, 0x100)}
    alphabet = sorted(c for c in produced if stage._gate.search(c) is None)  # a pair is what matters
    texts = [a + middle + b for a in alphabet for b in alphabet for middle in ("", " ", "?")]
    texts += ["Tom &amp; Jerry", "a &#39; b", "&", "x & y;", "“quoted”", "（全角）", "café crème"]
    assert [t for t in texts if not _decides_like_the_whole_pattern(stage, t)] == []


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40), st.sampled_from(CONFIGURATIONS))
def test_gate_decides_like_the_whole_pattern_on_any_text(text, stage):
    assert _decides_like_the_whole_pattern(stage, text)
