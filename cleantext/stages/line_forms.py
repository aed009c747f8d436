"""The forms `Dedup` compares lines in: normalized text plus statement signature.

Shared by the streaming stage and the corpus phases (`phases.corpus_dedup`), so both
judge every line by the same form.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from collections.abc import Iterable, Iterator

from ..lines import Line
from .statements import (PIECE, CodeLines, ascii_signature, is_code_line, statement_signature, strip_bounds,
                         unindented_code_line)

#: A line longer than this (characters) only matches exactly, as a short one does:
#: normalizing, hashing and comparing it with ``fuzz.ratio`` would cost a multiple of
#: its size in memory and its square in time.
EXACT_ONLY_LENGTH = 100_000
#: How the stand-in key of a line longer than `EXACT_ONLY_LENGTH` starts (see `exact_key`).
_LONG_KEY = "\x00long line "
#: ASCII punctuation and symbols (Unicode categories P and S), deleted on the fast path.
_ASCII_PUNCTUATION = bytes(c for c in range(128) if unicodedata.category(chr(c))[0] in "PS")
_LOWERCASE_AND_SPACE = b"abcdefghijklmnopqrstuvwxyz "
_DIGITS = b"0123456789"
#: The only characters `str.isspace` and the `regex` module's ``\s`` disagree on.
_SEPARATORS = re.compile("[\x1c-\x1f]")


@cache
def unicode_rules():
    """Punctuation and symbols, and white space, by Unicode properties (the `regex`
    module, imported only when a line is not plain ASCII)."""
    import regex

    return regex.compile(r"[\p{P}\p{S}]+"), regex.compile(r"\s+")


def _ascii_folded(text: str) -> tuple[bytes, bool] | None:
    """For printable ASCII `text`: its lowercase bytes without punctuation, and whether
    it holds digits. ``None`` otherwise (a control character, or not ASCII): bytes
    methods do the Unicode rules' work for ASCII at a fraction of the cost."""
    if not text.isascii():
        return None
    folded = text.encode().lower().translate(None, _ASCII_PUNCTUATION)
    rest = folded.translate(None, _LOWERCASE_AND_SPACE)
    if rest and rest.translate(None, _DIGITS):  # not printable: leave it to the Unicode rules
        return None
    return folded, bool(rest)


def normalize(text: str) -> str:
    """The form lines are compared in: case-folded, punctuation dropped, spaces folded.

    >>> normalize("  The  Title -- Part 2! ")
    'the title part 2'
    """
    ascii_form = _ascii_folded(text)
    if ascii_form is not None:  # only spaces are left as whitespace: split() folds them
        return b" ".join(ascii_form[0].split()).decode()
    punctuation, whitespace = unicode_rules()
    folded = punctuation.sub("", text.casefold())
    if _SEPARATORS.search(folded) is None:  # then `str.split` splits where ``\s`` matches
        return " ".join(folded.split())
    return whitespace.sub(" ", folded).strip()


def normalize_and_sign(text: str) -> tuple[str, str]:
    """``(normalize(text), statement_signature(text, normalize(text)))``, computed together:
    on the ASCII fast path the words are split once for both, and lines without digits
    skip the number search."""
    ascii_form = _ascii_folded(text)
    if ascii_form is not None:
        words = ascii_form[0].split()
        return b" ".join(words).decode(), ascii_signature(text, words, ascii_form[1])
    norm = normalize(text)
    return norm, statement_signature(text, norm)


def exact_key(text: str) -> str:
    """What `Dedup` matches a line exactly by: its stripped text, or, for a line longer
    than `EXACT_ONLY_LENGTH`, a stand-in made of its length and BLAKE2 digest, so that
    the dicts of kept lines neither copy a long line nor keep it alive once written."""
    if len(text) <= EXACT_ONLY_LENGTH:
        return text.strip()
    import hashlib

    start, end = strip_bounds(text)
    if end - start <= EXACT_ONLY_LENGTH:
        return text[start:end]
    digest = hashlib.blake2b(digest_size=20)
    for at in range(start, end, PIECE):
        digest.update(text[at:min(at + PIECE, end)].encode("utf-8", "surrogatepass"))
    return f"{_LONG_KEY}{end - start} {digest.hexdigest()}"


def judged_form(key: str, min_length: int) -> tuple[str | None, str]:
    """What `Dedup` compares a line by, given its `exact_key`: its normalized text and
    statement signature, or ``(None, "")`` for a line it matches exactly only (shorter
    than `min_length` once normalized, or longer than `EXACT_ONLY_LENGTH`).

    A short ASCII line gets no signature: normalizing never lengthens ASCII text."""
    if len(key) > EXACT_ONLY_LENGTH or key.startswith(_LONG_KEY) or (key.isascii() and len(key) < min_length):
        return None, ""
    norm, signature = normalize_and_sign(key)
    return (norm, signature) if len(norm) >= min_length else (None, "")


_PUNCTUATION_AND_SPACE = _ASCII_PUNCTUATION + b" "
_LOWERCASE_AND_DIGITS = b"abcdefghijklmnopqrstuvwxyz0123456789"


def squashed(key: str) -> bytes | None:
    """For printable ASCII `key`: `normalize`'s form without its spaces, as bytes, or None.

    Lines of one normalized form have one squashed form, and squashing is a fraction of
    the cost of normalizing and signing: dedup at threshold 100 normalizes a line only
    when an earlier kept line has its squashed form (`squashed_form` for any text)."""
    if not key.isascii():
        return None
    folded = key.encode().lower().translate(None, _PUNCTUATION_AND_SPACE)
    return None if folded.translate(None, _LOWERCASE_AND_DIGITS) else folded  # else a tab or control character


def squashed_form(norm: str) -> bytes | str:
    """The squashed form of a text whose normalized form is `norm`, as `squashed` gives it."""
    folded = norm.replace(" ", "")
    return folded.encode() if folded.isascii() else folded


#: `recent_judged_form` remembers texts up to this long, this many at a time.
RECENT_LENGTH = 300
RECENT_SIZE = 8192
_recent: dict[str, tuple[int, tuple[str | None, str]]] = {}


def recent_judged_form(key: str, min_length: int) -> tuple[str | None, str]:
    """`judged_form`, remembered across documents for short texts: pages of one site
    repeat their menus and footers. Memory stays bounded (forgotten all at once when full)."""
    found = _recent.get(key)
    if found is not None and found[0] == min_length:
        return found[1]
    form = judged_form(key, min_length)
    if len(key) <= RECENT_LENGTH:
        if len(_recent) >= RECENT_SIZE:
            _recent.clear()
        _recent[key] = (min_length, form)
    return form


def comparable(norm: str, signature: str) -> str:
    """Normalized text plus what normalizing must not erase: "1.5" and "15", "-5" and "5"."""
    return f"{norm}\x00{signature}" if signature else norm


def judged_lines(lines: Iterable[Line], code: CodeLines,
                 code_blanks: set[int] | None = None) -> Iterator[tuple[int, Line, str]]:
    """``(index, line, exact_key)`` of the lines `Dedup` judges: not code (a blank
    line inside a code block goes into `code_blanks`, by id), not removed by an
    earlier stage, not blank. `code` carries the code-block state across calls.

    Most lines start with none of `CodeLines.UNPLAIN` outside a fence: for them one
    call (`unindented_code_line`, on the stripped text) stands for `code.is_code`."""
    is_code, unplain = code.is_code, CodeLines.UNPLAIN
    fenced = code.in_fence
    for index, line in enumerate(lines):
        text = line.text
        if fenced or text[:1] in unplain:
            if is_code(text):  # code is left alone, blank lines of a code block too
                if code_blanks is not None and line.removed is None and not text.strip():
                    code_blanks.add(id(line))
                fenced = code.in_fence
                continue
            fenced = code.in_fence
            if line.removed is not None:
                continue
            key = text.strip() if len(text) <= EXACT_ONLY_LENGTH else exact_key(text)
        elif line.removed is not None:
            continue
        elif len(text) > EXACT_ONLY_LENGTH:  # read in pieces, matched by a stand-in
            if is_code_line(text):
                continue
            key = exact_key(text)
        else:
            key = text.strip()
            if key and unindented_code_line(key):
                continue
        if key:
            yield index, line, key
