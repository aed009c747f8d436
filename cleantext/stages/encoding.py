"""FixEncoding: repair mojibake, HTML entities and control characters with ftfy."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from typing import ClassVar

import regex

from ..lines import Line
from ..pipeline import Stage

# The gate: a line ftfy cannot change skips it. Such a line consists of characters
# no fix applies to on their own (below), holds no HTML entity, and has no pair of
# characters that could be a UTF-8 lead byte followed by a continuation byte in one
# of the single-byte codecs ftfy undoes; Mac Roman, for one, decodes the lead bytes
# D0-D5 as dashes and curly quotes and the continuation byte A0 as a dagger, so
# "‘†" is mojibake to ftfy. No safe character may be one that ftfy's NFC step can
# reorder or merge with its neighbour (a combining mark, the second half of a
# composition). tests/test_encoding.py checks the gate against ftfy, every safe
# character alone and in context.
SAFE_CHARACTERS = (
    "\t\x20-\x7e"  # printable ASCII ("&" only matters as part of an entity)
    "\u2010-\u2027\u2030-\u203a"  # dashes, curly quotes, bullets, ellipsis, primes, ‹ ›
    "\u00a1-\u00ac\u00ae-\u00bf\u00d7\u00f7\u20ac\u2116\u2122"  # Latin-1 signs (not the
    # no-break space or soft hyphen), €, №, ™
    "\u3001-\u3029\u3030-\u303f"  # CJK punctuation (not U+3000: ftfy's width fix would
    # change it; not the combining tone marks U+302A-F, which NFC reorders)
    "\u3041-\u3096\u30a0-\u30ff"  # hiragana, katakana (not the combining marks U+3099-A)
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uac00-\ud7a3"  # Hangul syllables (not the jamo, which NFC composes into syllables)
    "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff"  # Latin-1 letters
    "\u0100-\u0131\u0134-\u0148\u014a-\u017f"  # Latin Extended-A (not the ligatures ĳ, ŉ)
    "\u0400-\u0481\u048a-\u04ff"  # Cyrillic (not the combining marks U+0483-9)
)
#: Lead bytes that ftfy completes with a space (read as a lost no-break space, A0) or a
#: "?" (a lost byte) before decoding: ``Ã `` is mojibake of "à".
_LEAD_BYTES_BEFORE_SPACE = b"\xc2\xc3\xc5\xce\xd0\xd9"
_CURLY_QUOTES = "\u2018-\u201f"
_ENTITY = "&#?[0-9A-Za-z]{1,24};"  # what ftfy's HTML unescaping looks for


@cache
def _needs_ftfy(straight_quotes: bool, unescape_html: bool, safe_characters: str = SAFE_CHARACTERS) -> re.Pattern:
    """The gate's pattern for one configuration: a match means "call ftfy".

    Compiled with the stdlib `re`, whose search skips positions that cannot start any
    alternative (it gathers their first characters into one set): a quarter of the
    time `regex` takes on the same pattern.
    """
    from ftfy.chardata import CHARMAP_ENCODINGS  # also registers ftfy's sloppy codecs

    safe = regex.compile(f"[{safe_characters}]")
    if straight_quotes:
        safe = regex.compile(f"(?V1)[[{safe_characters}]--[{_CURLY_QUOTES}]]")
    leads: set[str] = set()
    continuations: set[str] = set()
    leads_before_space: set[str] = set()
    for encoding in CHARMAP_ENCODINGS:
        for byte in range(0x80, 0x100):
            char = bytes([byte]).decode(encoding, "replace")
            if safe.fullmatch(char):
                (continuations if byte < 0xC0 else leads).add(char)
                if byte in _LEAD_BYTES_BEFORE_SPACE and encoding != "macroman":  # as in ftfy
                    leads_before_space.add(char)

    def chars(found: set[str]) -> str:
        return f"[{regex.escape(''.join(sorted(found)))}]"

    # A lead with a continuation after it, possibly with a space or "?" standing in for
    # a lost byte between them; or a two-byte lead ftfy completes with the space itself.
    alternatives = [f"[^{safe_characters}]", _ENTITY if unescape_html else None,
                    f"[{_CURLY_QUOTES}]" if straight_quotes else None,
                    f"{chars(leads)}[ ?]?{chars(continuations)}",
                    f"{chars(leads_before_space)}[ ?]" if leads_before_space else None]
    return re.compile("|".join(a for a in alternatives if a))


_ESCAPED_BYTE = regex.compile("[\udc80-\udcff]+")


def _decode_escaped_bytes(text: str) -> str:
    """Re-decode bytes that were not valid UTF-8 as Windows-1252, the usual culprit.

    The reader keeps such bytes as surrogate escapes so nothing is lost; here they
    become characters. Bytes that Windows-1252 leaves undefined map to the same code
    point, as in Latin-1, so every byte yields a character.
    """

    def decode(match: regex.Match) -> str:
        raw = match.group().encode("utf-8", "surrogateescape")
        return "".join(bytes([b]).decode("cp1252", "ignore") or chr(b) for b in raw)

    return _ESCAPED_BYTE.sub(decode, text)


@dataclass(frozen=True)
class FixEncoding(Stage):
    """Fix mojibake, HTML entities and control characters, line by line.

    Text that is already fine passes unchanged: curly quotes and full-width
    characters are kept unless asked (`straight_quotes`, `fix_width`), and lines made
    only of characters ftfy cannot change skip it entirely, which is what makes this
    stage several times faster than calling ``ftfy.fix_text`` on every line.

    >>> FixEncoding().fix("The Mona Lisa doesnÃ¢â‚¬â„¢t have eyebrows.")
    'The Mona Lisa doesn’t have eyebrows.'
    """

    straight_quotes: bool = False
    fix_width: bool = False
    unescape_html: bool = True

    name: ClassVar[str] = "fix-encoding"

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
    def _gate(self) -> re.Pattern:
        return _needs_ftfy(self.straight_quotes, self.unescape_html)

    def fix(self, text: str) -> str:
        """Return `text` (one line) repaired."""
        if "&" not in text and text.isascii() and text.isprintable():
            return text  # the gate never matches such a line: no need to build it (and import ftfy)
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
        from ftfy import fix_and_explain

        config, size = self._config, self._config.max_decode_length
        out, changed = [], False
        for start in range(0, len(text), size):
            segment = text[start:start + size]
            if config.unescape_html == "auto" and "<" in segment:
                config = config._replace(unescape_html=False)
            if self._gate.search(segment) is not None:
                fixed = fix_and_explain(segment, config)[0]
                changed = changed or fixed != segment
                segment = fixed
            out.append(segment)
        return "".join(out) if changed else text

    def process(self, lines: Iterator[Line]) -> Iterator[Line]:
        fix = self.fix
        for line in lines:
            if line.removed is None:
                line.text = fix(line.text)
            yield line

