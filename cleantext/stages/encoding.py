"""FixEncoding: repair mojibake, HTML entities and control characters with ftfy."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

import regex

from ..lines import Line
from ..pipeline import Stage

# Characters ftfy provably leaves alone under our configuration: printable ASCII
# except "&" (entities), the typographic punctuation block U+2010-U+2027 (no lead
# byte of a UTF-8 sequence can be formed from them), and common CJK blocks that no
# single-byte codec ftfy undoes produces. A line made only of these skips ftfy.
# tests/test_encoding.py checks this set against ftfy itself with hypothesis.
SAFE_CHARACTERS = (
    "\t\x20-\x25\x27-\x7e"  # printable ASCII without "&"
    "\u2010-\u2027"  # dashes, curly quotes, bullets, ellipsis
    "\u3001-\u303f"  # CJK punctuation (not U+3000: ftfy's width fix would change it)
    "\u3041-\u3096\u30a0-\u30ff"  # hiragana, katakana (not the combining marks U+3099-A)
    "\u4e00-\u9fff"  # CJK unified ideographs
)
_NEEDS_FTFY = regex.compile(f"[^{SAFE_CHARACTERS}]")
# With straight_quotes, curly quotes (U+2018-U+201F) are what ftfy must change.
_NEEDS_FTFY_FOR_QUOTES = regex.compile(f"[^{SAFE_CHARACTERS.replace(chr(0x2027), chr(0x2017))}\u2020-\u2027]")
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
    def _gate(self) -> regex.Pattern:
        return _NEEDS_FTFY_FOR_QUOTES if self.straight_quotes else _NEEDS_FTFY

    def fix(self, text: str) -> str:
        """Return `text` (one line) repaired."""
        if self._gate.search(text) is None:
            return text
        import ftfy

        if _ESCAPED_BYTE.search(text):
            text = _decode_escaped_bytes(text)
        return ftfy.fix_text(text, self._config)

    def process(self, lines: Iterator[Line]) -> Iterator[Line]:
        fix = self.fix
        for line in lines:
            if line.removed is None:
                line.text = fix(line.text)
            yield line

