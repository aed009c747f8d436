"""FixEncoding: repair mojibake, HTML entities and control characters with ftfy."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import ClassVar

from ..lines import Line
from ..pipeline import Stage

# The gate: a line ftfy cannot change skips it. Such a line consists of characters
# no fix applies to on their own (below), holds no HTML entity, and has no pair of
# characters that one of the single-byte codecs ftfy undoes makes of a UTF-8 lead byte
# followed by a continuation byte; Mac Roman, for one, decodes the lead bytes D0-D5 as
# dashes and curly quotes and the continuation byte A0 as a dagger, so "‘†" is mojibake
# to ftfy. ftfy re-encodes a whole line (or, for mojibake inside other text, a whole
# stretch of it) with one codec, so only a pair from one codec counts ("çã" in
# Portuguese is Latin-1 "ç" before Mac Roman "ã"), and only bytes that can start a
# sequence its UTF-8 decoders accept (C0, C2-F4) are leads: "ö" (F6) never is. No safe
# character may be one that ftfy's NFC step can reorder or merge with its neighbour (a
# combining mark, the second half of a composition); scripts whose words carry
# combining marks (Devanagari, Thai...) skip ftfy only in a line already in NFC
# (`NFC_CHECKED`). tests/test_encoding.py checks the gate against ftfy, every safe
# character alone and in context, and every pair.
SAFE_CHARACTERS = (
    "\t\x20-\x7e"  # printable ASCII ("&" only matters as part of an entity)
    "\u2010-\u2027\u2030-\u205e"  # general punctuation: dashes, curly quotes, bullets,
    # ellipsis, primes, ‹ ›, ※ (not the spaces U+2000-A, which NFC changes)
    "\u200b-\u200f"  # zero-width space, joiners and direction marks (ftfy keeps them)
    "\u00a1-\u00ac\u00ae-\u00bf\u00d7\u00f7\u20ac\u2116\u2122"  # Latin-1 signs (not the
    # no-break space or soft hyphen), €, №, ™
    "\u2190-\u21ff\u2500-\u27bf"  # arrows, box drawing, shapes, symbols, dingbats
    "\u20a0-\u20c0\u2200-\u22ff"  # currency signs (₩, ₹...), mathematical operators
    "\U0001f300-\U0001f64f\U0001f680-\U0001f6ff\U0001f900-\U0001f9ff"  # emoji
    "\u3001-\u3029\u3030-\u303f"  # CJK punctuation (not U+3000: ftfy's width fix would
    # change it; not the combining tone marks U+302A-F, which NFC reorders)
    "\u3041-\u3096\u30a0-\u30ff"  # hiragana, katakana (not the combining marks U+3099-A)
    "\u3400-\u4dbf\u4e00-\u9fff"  # CJK unified ideographs (not the compatibility ones)
    "\uac00-\ud7a3"  # Hangul syllables (not the jamo, which NFC composes into syllables)
    "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff"  # Latin-1 letters
    "\u0100-\u0131\u0134-\u0148\u014a-\u017f"  # Latin Extended-A (not the ligatures ĳ, ŉ)
    "\u0180-\u01c3\u01cd-\u01f0\u01f4-\u02ff"  # Latin Extended-B, IPA, modifier letters
    # (not the ligatures Ǆ-ǌ, Ǳ-ǳ)
    "\u1e00-\u1eff"  # Latin Extended Additional (Vietnamese)
    "\u0386\u0388-\u038a\u038c\u038e-\u03a1\u03a3-\u03ce"  # Greek letters (not
    # U+0374, U+037E, U+0387, which NFC replaces)
    "\u0400-\u0481\u048a-\u052f"  # Cyrillic (not the combining marks U+0483-9)
    "\u0531-\u0556\u055a-\u055f\u0561-\u0587\u0589"  # Armenian letters and punctuation
    "\u05be\u05c0\u05c3\u05c6\u05d0-\u05ea\u05f0-\u05f4"  # Hebrew letters (not the points)
    "\u060c\u061b\u061f\u0621-\u063a\u0640-\u064a\u0660-\u066d\u0671-\u06d5\u06ee-\u06ff"
    # Arabic letters, digits and punctuation (not the vowel marks U+064B-065F, U+0670, U+06D6-ED)
    "\u10d0-\u10ff"  # Georgian
)
#: Full-width forms, safe unless ftfy's width fix is on.
FULL_WIDTH = "\uff01-\uff5e"
#: Scripts whose words carry combining marks: the Brahmic scripts of India and Sri
#: Lanka (Devanagari to Sinhala), Thai and Lao, and the Arabic vowel marks. Of all of
#: ftfy's fixes only its NFC step can change them (no codec it undoes makes them, no
#: other fix touches them), so a line whose other characters are safe skips ftfy when
#: it is in NFC already (`unicodedata.is_normalized`, a fast check in C): before, every
#: line of Hindi or Thai went to ftfy and came back unchanged. tests/test_encoding.py
#: checks each of them alone and in context against ftfy.
NFC_CHECKED = "\u064b-\u065f\u0670\u06d6-\u06ed\u0900-\u0dff\u0e00-\u0eff"
#: The single-byte codecs of ftfy's ``CHARMAP_ENCODINGS``, in order, each "sloppy-"
#: one replaced by the standard codec: a sloppy codec decodes a byte the standard one
#: leaves undefined as Latin-1 does (`_decode_high_bytes`). So the gate is built without importing
#: ftfy (tests/test_encoding.py compares it with one built from ftfy's codecs).
CODECS = ("latin-1", "cp1252", "cp1251", "cp1250", "cp1253", "cp1254", "cp1257", "iso-8859-2", "macroman", "cp437")
#: Lead bytes that ftfy completes with a space (read as a lost no-break space, A0) or a
#: "?" (a lost byte) before decoding: ``Ã `` is mojibake of "à".
_LEAD_BYTES_BEFORE_SPACE = b"\xc2\xc3\xc5\xce\xd0\xd9"
_CURLY_QUOTES = "\u02bc\u2018-\u201f"  # what ftfy's uncurl_quotes straightens
_ENTITY = "&#?[0-9A-Za-z]{1,24};"  # what ftfy's HTML unescaping looks for


def _decode_high_bytes(encoding: str) -> str:
    """Bytes 80-FF decoded one character each, as ftfy's sloppy variant of `encoding`
    does (the character of byte B is at B - 0x80)."""
    chars = bytes(range(0x80, 0x100)).decode(encoding, "replace")  # a single-byte codec
    return "".join(chr(byte) if char == "\ufffd" else char for byte, char in zip(range(0x80, 0x100), chars))


def _is_lead(byte: int) -> bool:
    """Whether `byte` can start a sequence ftfy's UTF-8 decoders accept (C0 80 is
    "modified UTF-8" for NUL; C1 and F5-FF start nothing)."""
    return byte == 0xC0 or 0xC2 <= byte <= 0xF4


def _class_members(characters: str) -> Callable[[str], bool]:
    """Whether a character is in the regex character class ``[characters]``, read by the
    stdlib parser without compiling the class (its CJK and Hangul ranges make `re` build
    a map of the whole BMP: 7 ms)."""
    import re._constants as sre
    import re._parser as sre_parse

    [(_, items)] = sre_parse.parse(f"[{characters}]")
    singles = {value for kind, value in items if kind is sre.LITERAL}
    ranges = [value for kind, value in items if kind is sre.RANGE]
    assert len(singles) + len(ranges) == len(items), "a class of literals and ranges only"

    @cache
    def member(char: str) -> bool:  # the codecs share most characters
        code = ord(char)
        return code in singles or any(low <= code <= high for low, high in ranges)

    return member


class _Gate:
    """The gate: a line goes to ftfy when its pattern (`pattern`) matches, or when it
    holds a character of `nfc_checked` and is not in NFC.

    The pattern is searched one alternative at a time, the common one first: a line of
    Cyrillic or accented Latin holds many characters that may start the codec-pair
    alternative, and the whole alternation tries every alternative at each of them,
    while each alone is a fast scan for its own first characters (a third of the time
    on the dev pages). `search` (anywhere) and `match` (at the start) return a match
    where the gate sends the line to ftfy, else None (not always the match the whole
    pattern would find first).
    """

    def __init__(self, alternatives: Sequence[tuple[str | None, str]], nfc_checked: str = ""):
        self.pattern = "|".join(pattern for _, pattern in alternatives)
        #: (a string the alternative's matches hold, or None; the compiled alternative)
        self._alternatives = [(needle, re.compile(pattern)) for needle, pattern in alternatives]
        self._nfc_checked = re.compile(f"[{nfc_checked}]") if nfc_checked else None

    def search(self, text: str) -> re.Match | None:
        for needle, alternative in self._alternatives:
            if needle is None or needle in text:
                found = alternative.search(text)
                if found is not None:
                    return found
        return self._not_in_nfc(text, self._nfc_checked.search) if self._nfc_checked else None

    def match(self, text: str) -> re.Match | None:
        for _, alternative in self._alternatives:
            found = alternative.match(text)
            if found is not None:
                return found
        return self._not_in_nfc(text, self._nfc_checked.match) if self._nfc_checked else None

    @staticmethod
    def _not_in_nfc(text: str, find: Callable[[str], re.Match | None]) -> re.Match | None:
        found = find(text)
        return None if found is None or unicodedata.is_normalized("NFC", text) else found


@cache
def _needs_ftfy(straight_quotes: bool, unescape_html: bool, fix_width: bool = False,
                safe_characters: str = SAFE_CHARACTERS, codecs: tuple[str, ...] = CODECS,
                nfc_checked: str = NFC_CHECKED) -> _Gate:
    """The gate for one configuration (`_Gate`).

    Compiled with the stdlib `re`, whose search skips positions that cannot start a
    pattern (it gathers their first characters into one set): a quarter of the
    time `regex` takes on the same pattern.
    """
    if not fix_width:
        safe_characters += FULL_WIDTH
    safe = _class_members(safe_characters)
    curly = _class_members(_CURLY_QUOTES)
    pairs: list[tuple[set[str], set[str]]] = []  # per codec: its safe leads and continuations
    leads_before_space: set[str] = set()
    for encoding in codecs:
        leads: set[str] = set()
        continuations: set[str] = set()
        for byte, char in enumerate(_decode_high_bytes(encoding), start=0x80):
            if safe(char) and not (straight_quotes and curly(char)):
                if byte < 0xC0:
                    continuations.add(char)
                elif _is_lead(byte):
                    leads.add(char)
                if byte in _LEAD_BYTES_BEFORE_SPACE and encoding != "macroman":  # as in ftfy
                    leads_before_space.add(char)
        if leads and continuations:
            pairs.append((leads, continuations))

    def chars(found: set[str]) -> str:
        return f"[{re.escape(''.join(sorted(found)))}]"

    # A lead with a continuation of the same codec after it, possibly with a space or
    # "?" standing in for a lost byte between them; or a two-byte lead ftfy completes
    # with the space itself. Any codec's lead first, then which codec's (a look-behind):
    # most characters are no lead and fail at once, a third of the time the ten
    # alternatives side by side take.
    same_codec = "|".join(f"(?<={chars(leads)})[ ?]?{chars(continuations)}" for leads, continuations in pairs)
    any_lead = chars(set().union(*(leads for leads, _ in pairs)))
    alternatives = [(None, f"[^{safe_characters}{nfc_checked}]"), ("&", _ENTITY) if unescape_html else None,
                    (None, f"[{_CURLY_QUOTES}]") if straight_quotes else None,
                    (None, f"{any_lead}(?:{same_codec})") if pairs else None,
                    (None, f"{chars(leads_before_space)}[ ?]") if leads_before_space else None]
    return _Gate([a for a in alternatives if a], nfc_checked)


_ESCAPED_BYTE = re.compile("[\udc80-\udcff]+")


def _decode_escaped_bytes(text: str) -> str:
    """Re-decode bytes that were not valid UTF-8 as Windows-1252, the usual culprit.

    The reader keeps such bytes as surrogate escapes so nothing is lost; here they
    become characters. Bytes that Windows-1252 leaves undefined map to the same code
    point, as in Latin-1, so every byte yields a character.
    """

    def decode(match: re.Match) -> str:
        raw = match.group().encode("utf-8", "surrogateescape")
        return "".join(bytes([b]).decode("cp1252", "ignore") or chr(b) for b in raw)

    return _ESCAPED_BYTE.sub(decode, text)


@dataclass(frozen=True)
class FixEncoding(Stage):
    """Fix mojibake, HTML entities and control characters, line by line.

    Text that is already fine passes unchanged: curly quotes and full-width
    characters are kept unless asked (`straight_quotes`, `fix_width`), and lines made
    only of characters ftfy cannot change (or only by NFC, in a line that is in NFC
    already) skip it entirely, which is what makes this stage several times faster
    than calling ``ftfy.fix_text`` on every line.

    >>> FixEncoding().fix("The Mona Lisa doesnÃ¢â‚¬â„¢t have eyebrows.")
    'The Mona Lisa doesn’t have eyebrows.'
    """

    straight_quotes: bool = False
    fix_width: bool = False
    unescape_html: bool = True

    name: ClassVar[str] = "fix-encoding"
    worker_imports: ClassVar[tuple[str, ...]] = ("ftfy",)

    @cached_property
    def _config(self):
        import ftfy  # deferred: keeps `cleantext --help` fast

        return ftfy.TextFixerConfig(
            unescape_html="auto" if self.unescape_html else False,
            uncurl_quotes=self.straight_quotes,
            fix_character_width=self.fix_width,
            fix_line_breaks=False,  # lines are split already; a lone \r stays
            explain=False,
        )

    @property
    def _gate(self) -> _Gate:
        return _needs_ftfy(self.straight_quotes, self.unescape_html, self.fix_width)

    def fix(self, text: str) -> str:
        """Return `text` (one line) repaired."""
        if "&" not in text and text.isascii() and text.isprintable():
            return text  # the gate never matches such a line: no need to build it
        if self._gate.search(text) is None:
            return text
        import ftfy

        if _ESCAPED_BYTE.search(text):
            text = _decode_escaped_bytes(text)
        if len(text) > self._config.max_decode_length:
            return self._fix_long(text)
        return ftfy.fix_text(text, self._config)

    def _fix_long(self, text: str) -> str:
        """`ftfy.fix_text` of a line longer than one of its segments, cut as ftfy cuts it
        (every `max_decode_length` characters, "auto" entities off from the first segment
        with a "<"): the same text, but segments the gate passes skip ftfy, and a line
        nothing changed comes back as it was instead of as a copy."""
        segments = self._fixed_segments(text)
        for start, segment, fixed in segments:
            if fixed != segment:  # the first change: from here on the fixed text is built
                fixed_text = text[:start] + fixed
                break
        else:
            return text  # nothing changed: the line as it was, not a copy
        for _, _, fixed in segments:
            # appended in place (CPython resizes a string nothing else holds), so the
            # line costs its original and its fixed text, not also a list of segments
            fixed_text += fixed
        return fixed_text

    def _fixed_segments(self, text: str) -> Iterator[tuple[int, str, str]]:
        """(start, segment, fixed segment) of each of ftfy's segments of `text`, in order."""
        from ftfy import fix_and_explain

        config, size = self._config, self._config.max_decode_length
        for start in range(0, len(text), size):
            segment = text[start:start + size]
            if config.unescape_html == "auto" and "<" in segment:
                config = config._replace(unescape_html=False)
            fixed = segment if self._gate.search(segment) is None else fix_and_explain(segment, config)[0]
            yield start, segment, fixed

    def process(self, lines: Iterator[Line]) -> Iterator[Line]:
        fix = self.fix
        for line in lines:
            if line.removed is None:
                line.text = fix(line.text)
            yield line

