"""Which language a line is in, and how much of it is function words.

Each line of a page is measured on its own: an article in one language inside menus
in another, or a page that mixes scripts, is judged line by line. The language of a
line is the one whose stopword list covers most of its words (the lists are data in
cleantext/rules/stopwords/, see LICENSE-stopwords-iso.txt there); Han and Kana lines
count the function characters of the Chinese or Japanese list instead. Where no list
covers a line, the classifier falls back on its shape (`boilerplate.paragraph_shaped`).

>>> measure("Der Hund und die Katze sind nicht im Haus.")[3]
'de'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

#: The languages with a stopword list in cleantext/rules/stopwords/ (see LICENSE-stopwords-iso.txt there).
_STOPWORD_LISTS = resources.files("cleantext.rules").joinpath("stopwords")
LANGUAGES = tuple(sorted(
    entry.name[:-4] for entry in _STOPWORD_LISTS.iterdir()
    if entry.name.endswith(".txt") and entry.name[:-4].isalpha() and entry.name[:-4].islower()
))
#: Languages whose lists hold characters, for text written without spaces.
CJK_LANGUAGES = frozenset({"zh", "ja"})

#: One Han or Kana character carries about as much as three Latin ones (a word and a
#: space), one Hangul syllable about as much as two (Korean puts spaces between words).
CJK_CHAR_WEIGHT = 3
HANGUL_CHAR_WEIGHT = 2

# Per-line features run on the stdlib `re` engine for ASCII and `_PLAIN` lines, faster than
# `regex` on short strings: a word is a run of letters and digits (``[^\W_]``), with
# apostrophe-joined parts. Other lines use `regex`, whose words keep their combining
# marks (Indic vowel signs are not ``\w`` for `re`).
_WORD = re.compile(r"[^\W_]+(?:['’][^\W\d_]+)*")
#: `_WORD` spelled out for lowercased ASCII lines (most lines), where it finds the same
#: words: an explicit range is cheaper to test than the Unicode category behind ``\W``.
_ASCII_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)*")
#: Bytes of an ASCII line as `_ascii_words` splits them: letters lowercased, digits and
#: the apostrophe kept, every other byte a space.
_ASCII_WORD_BYTES = bytes(
    (byte | 0x20) if chr(byte).isalpha() and byte < 0x80 else byte if chr(byte) in "0123456789'" else 0x20
    for byte in range(256)
)


def _ascii_words(text: str) -> list[str]:
    """``_ASCII_WORD.findall(text.lower())`` of an ASCII line, found by splitting it:
    about a third less time on a line of prose, whose words are most of its characters.

    The split gives the same words unless an apostrophe is not between a letter or digit
    and letters (``'quoted'``, ``90's2``): then the pattern finds them.
    """
    spaced = text.encode("ascii").translate(_ASCII_WORD_BYTES).decode("ascii")
    words = spaced.split()
    if "'" in spaced:
        whole = _ASCII_WORD.fullmatch
        for word in words:
            if "'" in word and whole(word) is None:
                return _ASCII_WORD.findall(text.lower())
    return words


class _Lazy:
    """A `regex` pattern compiled on first use: importing `regex` costs about 25 ms of
    start-up, and plain ASCII and `_PLAIN` lines never need its Unicode classes."""

    def __init__(self, pattern: str):
        self.pattern = pattern

    def __getattr__(self, name: str):
        import regex

        compiled = regex.compile(self.pattern)
        for method in ("search", "match", "fullmatch", "findall", "finditer", "sub"):
            setattr(self, method, getattr(compiled, method))  # later calls skip __getattr__
        return getattr(compiled, name)


_WORD_ANY = _Lazy(r"[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}]+)*")
#: Han and Kana: scripts written without spaces whose lists hold characters.
HAN_KANA = _Lazy(r"[\p{Han}\p{Hiragana}\p{Katakana}]")
_HANGUL = _Lazy(r"[\p{Hangul}]")
#: Scripts written without spaces between words.
UNSPACED = _Lazy(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\p{Tibetan}]")
_HIRAGANA = _Lazy(r"\p{Hiragana}")
#: Lines in Latin, Greek or Cyrillic with punctuation and symbols: scripts without
#: combining marks or unspaced writing, whose words the faster `re` engine finds as
#: `_WORD_ANY` does. Left out: the combining marks among them (U+0300-036F,
#: U+0483-0489, U+20D0-20FF) and the numbers other than digits (superscripts,
#: fractions, Roman numerals, circled numbers), which `re` joins after an apostrophe,
#: and "İ", whose lower case takes a combining dot.
_PLAIN = re.compile(
    "[\x00-\u00b1\u00b4-\u00b8\u00ba\u00bb\u00bf-\u012f\u0131-\u02ff\u0370-\u0482\u048a-\u052f\u1e00-\u1fff"
    "\u2000-\u206f\u20a0-\u20cf\u2100-\u214f\u2190-\u245f\u2500-\u2775\u2794-\u2bff]*"
)
#: A superset of the Han, Kana and Hangul blocks, on the faster `re` engine: a line
#: without any of these characters (most non-ASCII lines: accents, curly quotes)
#: skips the exact `regex` script searches.
_MAYBE_WIDE = re.compile("[\u1100-\u11ff\u2e80-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff00-\uffef"
                         "\U00016fe0-\U00016fff\U0001aff0-\U0001b16f\U0001f200\U00020000-\U0003ffff]")
_NOT_LETTER = _Lazy(r"[^\p{L}]+")
#: Sentence ends of many scripts: Latin, CJK, Devanagari and Bengali (danda), Arabic
#: and Urdu, Ethiopic, Myanmar, Khmer, Armenian, Tibetan.
_STOPS = ".!?。！？…:;।॥۔؟።፧။។៕։།"
_CLOSERS = "\"'”’»)]"
#: A sentence end followed by a space (or the line's end): sentences in a line.
SENTENCE_MARK = re.compile(rf"[{_STOPS}](?:\s|$)")


def ends_like_sentence(text: str) -> bool:
    """Whether `text` ends with a sentence mark, maybe followed by closing quotes or
    brackets and spaces (``Done."``, ``(see above.)``)."""
    return text.rstrip().rstrip(_CLOSERS)[-1:] in _STOPS_SET


_STOPS_SET = frozenset(_STOPS)


@lru_cache(maxsize=None)
def stopwords(language: str) -> frozenset[str]:
    """The function words of `language` from cleantext/rules/stopwords/{language}.txt."""
    text = _STOPWORD_LISTS.joinpath(f"{language}.txt").read_text("utf-8")
    return frozenset(text.split())


@lru_cache(maxsize=None)
def _stopword_index() -> dict[str, tuple[str, ...]]:
    """Each stopword of every word-based list, with the languages that list it."""
    index: dict[str, list[str]] = {}
    for language in LANGUAGES:
        if language not in CJK_LANGUAGES:
            for word in stopwords(language):
                index.setdefault(word, []).append(language)
    return {word: tuple(languages) for word, languages in index.items()}


#: Language detection reads lines of at least this many characters, this many in all.
DETECT_MIN_LINE = 40
DETECT_SAMPLE = 6000


def detect_language(texts: Sequence[str]) -> str:
    """Guess the main language of some text from its stopwords (CJK from its script).

    The classifier does not need it (each line is judged in its own language, see
    `measure`); it names a document's language for people.

    >>> detect_language(["Der Hund und die Katze sind nicht im Haus."])
    'de'
    """
    sample = " ".join(t for t in texts if len(t) >= DETECT_MIN_LINE)[:DETECT_SAMPLE] or " ".join(texts)[:DETECT_SAMPLE]
    cjk = 0 if sample.isascii() else len(HAN_KANA.findall(sample))
    if cjk and cjk > 0.3 * (len(_NOT_LETTER.sub("", sample)) or 1):
        return "ja" if len(_HIRAGANA.findall(sample)) > 0.15 * cjk else "zh"
    return best_language(_words(sample.lower()))[0] or "en"


def _words(lowered: str) -> list[str]:
    return _WORD.findall(lowered) if lowered.isascii() else _WORD_ANY.findall(lowered)


#: Languages with a word list, in order: field i of a `_packed_index` count is language i.
_WORD_LANGUAGES = tuple(language for language in LANGUAGES if language not in CJK_LANGUAGES)
#: Words a packed count may add before a field could overflow into the next (one byte
#: per language: half the size of a 16-bit field, so each addition is cheaper).
_FIELD_WORDS = 255


@lru_cache(maxsize=None)
def _packed_index() -> dict[str, int]:
    """Each stopword as one integer holding a 1 in the field (byte) of every language
    that lists it: adding a line's integers counts its stopwords in all languages at once."""
    packed: dict[str, int] = {}
    for i, language in enumerate(_WORD_LANGUAGES):
        field = 1 << (8 * i)
        for word in stopwords(language):
            packed[word] = packed.get(word, 0) | field
    return packed


def best_language(words: Sequence[str]) -> tuple[str | None, int]:
    """The language whose stopwords cover most of `words`, and how many it covers.

    Ties go to the first language in alphabetical order, so results are stable.
    """
    index = _packed_index()
    size = len(_WORD_LANGUAGES)
    if len(words) <= _FIELD_WORDS:
        total = sum(filter(None, map(index.get, words)))  # misses dropped: no bigint copies
        if not total:
            return None, 0
        counts: Sequence[int] = total.to_bytes(size, "little")  # byte i: language i's count
    else:  # a long line: its counts added up from those of pieces a field holds
        counts = [0] * size
        for start in range(0, len(words), _FIELD_WORDS):
            piece = sum(filter(None, map(index.get, words[start:start + _FIELD_WORDS])))
            counts = list(map(int.__add__, counts, piece.to_bytes(size, "little")))
    best = max(counts)
    if not best:
        return None, 0
    return _WORD_LANGUAGES[counts.index(best)], best


def _best_language_by_dict(words: Sequence[str]) -> tuple[str | None, int]:
    """`best_language` one word and language at a time (no limit on the number of words)."""
    index = _stopword_index()
    hits: dict[str, int] = {}
    for word in words:
        languages = index.get(word)
        if languages is not None:
            for language in languages:
                hits[language] = hits.get(language, 0) + 1
    if not hits:
        return None, 0
    best = max(hits.values())
    return min(language for language, count in hits.items() if count == best), best


def measure(text: str, language: str | None = None, density: bool = True) -> tuple[float, float, bool, str, int]:
    """Effective length, stopword density, whether `text` ends like a sentence, the
    language of the density and the number of words.

    Each line is measured in its own language: the one whose stopwords cover most of
    its words (`language` fixes it instead). Han and Kana lines count function
    characters of the Chinese or Japanese list. With `density` false, only the
    length is measured (density 0, language "").
    """
    text = text.strip()
    sentence = ends_like_sentence(text)
    if not density:
        return shown_length(text), 0.0, sentence, "", 0
    return measure_stripped(text, sentence, language)


def shown_length(text: str) -> float:
    """The effective length of a stripped line alone (`measure` without the density):
    a Han or Kana character counts `CJK_CHAR_WEIGHT`, a Hangul one `HANGUL_CHAR_WEIGHT`."""
    if text.isascii() or not _MAYBE_WIDE.search(text):
        return float(len(text))
    wide = len(HAN_KANA.findall(text))
    return float(len(text) + wide * (CJK_CHAR_WEIGHT - 1) + len(_HANGUL.findall(text)) * (HANGUL_CHAR_WEIGHT - 1))


def measure_stripped(text: str, sentence: bool, language: str | None) -> tuple[float, float, bool, str, int]:
    """`measure` of a stripped line whose sentence end is known."""
    if text.isascii():
        words = _ascii_words(text)
        length = float(len(text))
    elif _PLAIN.fullmatch(text):
        words = _WORD.findall(text.lower())
        length = float(len(text))
    else:
        wide = _MAYBE_WIDE.search(text) is not None
        chars = HAN_KANA.findall(text) if wide else ()
        if chars and (language is None or language in CJK_LANGUAGES):
            if language is None:
                language = "ja" if _HIRAGANA.search(text) else "zh"
            function_chars = stopwords(language)
            share = sum(1 for ch in chars if ch in function_chars) / len(chars)
            return len(text) + len(chars) * (CJK_CHAR_WEIGHT - 1), share, sentence, language, len(chars)
        words = _WORD_ANY.findall(text.lower())
        length = len(text) + len(_HANGUL.findall(text)) * (HANGUL_CHAR_WEIGHT - 1) if wide else float(len(text))
        if not words:
            return 0.0, 0.0, sentence, "", 0
        if UNSPACED.search(text):  # Thai, Lao, Khmer...: words are not space-separated
            return length, 0.0, sentence, "", len(words)
    if not words:
        # No word at all ("​", "»", "|"): no evidence either way, weight 0 in the core search.
        return 0.0, 0.0, sentence, "", 0
    if language is None:
        language, hits = best_language(words)
    else:
        hits = sum(map(stopwords(language).__contains__, words))
    return length, hits / len(words), sentence, language or "", len(words)
