"""What dedup must not treat as a repeat: different statements, and code.

A near-duplicate is the same statement written again (case, spacing, punctuation, a
typo). Lines whose numbers differ ("Add 100 g" / "Add 200 g", "1.5 mg" / "15 mg",
"-5" / "5 degrees", "United 2, Liverpool 1" / "United 1, Liverpool 2") or that differ by
a negation ("is guilty" / "is not guilty") say something else however similar they
look, so `statement_signature` condenses exactly that and dedup only compares lines
with equal signatures.

Code is not prose: a repeated ``return self.count`` or ``}`` is part of the program.
`CodeLines` tells, line by line, which lines dedup leaves alone.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources

#: A number as written: digits with inner ``.`` or ``,`` separators kept (so "1.5" and
#: "15" differ), with a sign when the sign does not follow a word character ("-5", but
#: "2019-2020" is two unsigned numbers).
#: (The lookahead only lets the engine skip positions where no number can start.)
_NUMBER = re.compile(r"(?=[-+\u2212\d])(?:(?<!\w)[-+\u2212])?\d+(?:[.,]\d+)*")


@cache
def negation_words() -> dict[str, dict[str, list[str]]]:
    """The negation lists of ``rules/negations.toml``, by language."""
    text = resources.files("cleantext").joinpath("rules/negations.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@cache
def _negations() -> tuple[frozenset[str], re.Pattern[str]]:
    """Negation words as `normalize` leaves them, and a pattern for elided forms
    ("isn't", "n'est") that normalizing would glue into other words."""
    words: set[str] = set()
    suffixes: set[str] = set()
    prefixes: set[str] = set()
    for lists in negation_words().values():
        words.update(w.casefold() for w in lists.get("words", ()))
        suffixes.update(lists.get("suffixes", ()))
        prefixes.update(lists.get("prefixes", ()))
    # the first branch starts at a word start: a match starting inside a word would also
    # start at its start (found first), so the result is the same without the retries
    elided = [rf"(?<!\w)\w+(?:{'|'.join(map(re.escape, sorted(suffixes)))})(?!\w)",
              rf"(?<!\w)(?:{'|'.join(map(re.escape, sorted(prefixes)))})\w+"]
    return frozenset(words), re.compile("|".join(elided))


@cache
def _elision_marks() -> tuple[str, ...]:
    """The suffixes and prefixes of elided forms: a text holding none has no elided form."""
    marks: set[str] = set()
    for lists in negation_words().values():
        marks.update(lists.get("suffixes", ()))
        marks.update(lists.get("prefixes", ()))
    return tuple(sorted(marks))


def _elided_negations(text: str, known: frozenset[str], elided: re.Pattern[str]) -> int:
    """Elided negations of `text` whose glued word is not in `known` ("n'est" -> "nest")."""
    folded = text.casefold()
    if not any(mark in folded for mark in _elision_marks()):
        return 0
    return sum(1 for form in elided.findall(folded) if form.replace("'", "").replace("\u2019", "") not in known)


_DIGIT = re.compile(r"\d")


def statement_signature(text: str, norm: str | None = None) -> str:
    """The numbers of `text` in order and its count of negations; ``""`` when it has neither.

    `norm` is ``normalize(text)`` when the caller has it (the words are counted there).

    >>> statement_signature("Manchester United 2, Liverpool 1")
    '2 1'
    >>> statement_signature("The defendant isn't guilty, not at all")
    '!2'
    >>> statement_signature("Read more")
    ''
    """
    words, elided = _negations()
    signature = " ".join(_NUMBER.findall(text)) if _DIGIT.search(text) else ""
    if norm is None:
        from .line_forms import normalize

        norm = normalize(text)
    tokens = norm.split()
    negations = 0 if words.isdisjoint(tokens) else sum(map(words.__contains__, tokens))
    if "'" in text or "\u2019" in text:  # elided forms whose glued word is not listed ("n'est" -> "nest")
        negations += _elided_negations(text, words, elided)
    if negations:
        signature += f"!{negations}"
    return signature


@cache
def _ascii_negation_words() -> frozenset[bytes]:
    return frozenset(word.encode() for word in _negations()[0] if word.isascii())


def ascii_signature(text: str, words: list[bytes], has_digits: bool) -> str:
    """`statement_signature` of an ASCII `text` whose normalized words (as bytes) the
    caller has split already; `has_digits` says whether `text` holds any digit."""
    signature = " ".join(_NUMBER.findall(text)) if has_digits else ""
    negation_words = _ascii_negation_words()
    negations = 0 if negation_words.isdisjoint(words) else sum(map(negation_words.__contains__, words))
    if "'" in text:
        known, elided = _negations()
        negations += _elided_negations(text, known, elided)
    if negations:
        signature += f"!{negations}"
    return signature


# -- code -------------------------------------------------------------------------

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_FENCE_STARTS = " `~"  # the first character of any `_FENCE` match
#: Statements that start a line of code in common languages, lowercase as code writes them.
_CODE_START = re.compile(
    r"(?:return|pass|break|continue|yield|raise|throw|end|else|elif|elsif|fi|done|esac|try|finally|"
    r"except|catch|import|from|def|class|if|for|while|switch|case|default|var|let|const|function|"
    r"public|private|protected|static|async|await|print|echo|do|then|begin|self|this|#include|#define)"
    r"(?![\w-])")
_CODE_CHARACTERS = frozenset("=(){}[];<>")
_ASCII_WORD_AND_SPACE = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 "
_SYMBOL = re.compile(r"[^\w\s]|_")


#: Lines longer than this (characters) are measured piece by piece, each piece this
#: long: whole, the ASCII count would copy the line and `findall` build a list as long.
PIECE = 1 << 16


def _symbols(text: str, ascii: bool) -> int:
    """Symbol characters in `text`, counted the ASCII way (other whitespace than a space
    counts) when the whole line is ASCII."""
    if ascii:
        return len(text.encode().translate(None, _ASCII_WORD_AND_SPACE))
    return len(_SYMBOL.findall(text))


def _mostly_symbols(stripped: str) -> bool:
    return 2 * _symbols(stripped, stripped.isascii()) > len(stripped) - stripped.count(" ")


def strip_bounds(text: str) -> tuple[int, int]:
    """``(start, end)`` with ``text[start:end] == text.strip()``, found without copying `text`."""
    start, end, size = 0, len(text), len(text)
    while start < size:
        piece = text[start:start + PIECE]
        rest = len(piece.lstrip())
        start += len(piece) - rest
        if rest:
            break
    while end > start:
        piece = text[max(start, end - PIECE):end]
        rest = len(piece.rstrip())
        end -= len(piece) - rest
        if rest:
            break
    return start, end


def _is_long_code_line(text: str) -> bool:
    """`is_code_line` of a line longer than `PIECE`, reading it in pieces (no copy of it)."""
    start, end = strip_bounds(text)
    if start == end:
        return False
    ascii = text.isascii() or all(text[at:min(at + PIECE, end)].isascii() for at in range(start, end, PIECE))
    symbols = sum(_symbols(text[at:min(at + PIECE, end)], ascii) for at in range(start, end, PIECE))
    if 2 * symbols > end - start - text.count(" ", start, end):
        return True
    first = text[0]
    if first == "\t" or (first == " " and text.startswith("  ")):
        return not _CODE_CHARACTERS.isdisjoint(text) or _CODE_START.match(text, start) is not None
    return text[end - 1] in ":{" and _CODE_START.match(text, start) is not None


def is_code_line(text: str) -> bool:
    """Whether one line, on its own, is code (see the README's dedup section).

    A mostly-symbol line (``}``, ``});``, ``-->``) is; so is an indented line (a tab or
    two spaces) holding ``= ( ) { } [ ] ; < >`` or starting with a lowercase code
    keyword, and an unindented lowercase keyword line ending in ``:`` or ``{``
    (``else:``, ``try {``).

    >>> [is_code_line(t) for t in ["}", "    return self.count", "else:", "Return to top", "  The end."]]
    [True, True, True, False, False]
    """
    if len(text) > PIECE:
        return _is_long_code_line(text)
    stripped = text.strip()
    if not stripped:
        return False
    first = text[0]
    if first == "\t" or (first == " " and text.startswith("  ")):
        return (_mostly_symbols(stripped) or not _CODE_CHARACTERS.isdisjoint(stripped)
                or _CODE_START.match(stripped) is not None)
    return unindented_code_line(stripped)


def unindented_code_line(stripped: str) -> bool:
    """`is_code_line` of a line that starts with neither a space nor a tab, from its
    stripped text (not empty): dedup's common case, in one call."""
    if len(stripped) > PIECE:
        return _is_long_code_line(stripped)
    return _mostly_symbols(stripped) or (stripped[-1] in ":{" and _CODE_START.match(stripped) is not None)


class CodeLines:
    """Which lines of one document are code: fenced blocks (``` or ~~~, fences
    included, an unclosed fence running to the end of the document) and lines that
    `is_code_line` recognizes on their own. Feed it every line in order, except that a
    caller may skip a line starting with none of `UNPLAIN` while not `in_fence` (no
    fence opens there) and ask `unindented_code_line` instead."""

    #: First characters of lines that may open a fence or be indented code.
    UNPLAIN = " `~\t"

    def __init__(self) -> None:
        self._fence: str | None = None  # the opening fence while inside a block

    @property
    def in_fence(self) -> bool:
        return self._fence is not None

    def is_code(self, text: str) -> bool:
        if self._fence is None and text[:1] not in _FENCE_STARTS:  # no fence can open here
            return is_code_line(text)
        fence = _FENCE.match(text)
        if self._fence is not None:
            if fence is not None and fence.group(1)[0] == self._fence[0] \
                    and len(fence.group(1)) >= len(self._fence) and not text[fence.end():].strip():
                self._fence = None
            return True
        if fence is not None and not (fence.group(1)[0] == "`" and "`" in text[fence.end():]):
            self._fence = fence.group(1)
            return True
        return is_code_line(text)
