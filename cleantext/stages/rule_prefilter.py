"""A cheap test of which built-in rules a line can match, run before any rule's regex.

Most lines of a page match no rule, and a line that does usually starts like only one or
two of the 34. Every rule is a whole-line pattern, so its parse tree tells what a
matching line must start with (``share``, ``©``, a digit...) or, for rules that start
with "anything" (``.{0,80}``), a string it must contain (``all rights reserved``). A
line is tried only against the rules it starts like and the rules whose needles it
holds, each rule on its own, in catalogue order: the same first match as one
alternation of all rules, without compiling that alternation (17 ms per process) or
running every rule's ``.{0,200}`` branches on each line that starts like one rule. On the
dev pages about 75% of the distinct lines try no rule at all. The conditions are
derived, never written by hand, so they follow the rules as they change;
tests/test_rule_prefilter.py checks that no line is ever given another rule than the
whole alternation's.
"""

from __future__ import annotations

import re
import re._constants as sre  # the stdlib parser: the same reading of a pattern `re` compiles
import re._parser as sre_parse
from collections.abc import Callable, Iterable
from functools import cache

#: Most strings a condition may list before it settles for shorter ones.
_MAX = 400
#: Prefixes are cut to this many characters: a line that starts with a prefix starts
#: with its beginning too, so the filter only lets a few more lines through (+4% on
#: the dev pages), and a line's start is looked up in at most this many steps.
PREFIX_CHARS = 8
#: Stands for ``\d`` in condition strings (a pattern holding a literal NUL gets no condition).
DIGIT = "\x00"
#: (strings, complete, wild) of an element nothing is known about.
WILD: tuple[frozenset[str], bool, bool] = (frozenset(), False, True)


def _class_chars(arg) -> set[str] | None:
    """The characters of a small character class (DIGIT for ``\\d``), or None."""
    chars = set()
    for kind, value in arg:
        if kind is sre.LITERAL and chr(value) != DIGIT:
            chars.add(chr(value))
        elif kind is sre.RANGE and value[1] - value[0] < 30:
            chars.update(chr(c) for c in range(value[0], value[1] + 1))
        elif kind is sre.CATEGORY and value is sre.CATEGORY_DIGIT:
            chars.add(DIGIT)
        else:
            return None
    return chars


def _element(op, arg, at_start: bool) -> tuple[frozenset[str], bool, bool]:
    """(S, complete, wild) of one parsed element (see `_sequence`)."""
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return frozenset({""}), True, False
    if op is sre.LITERAL:
        return (frozenset({chr(arg)}), True, False) if chr(arg) != DIGIT else WILD
    if op is sre.IN:
        chars = _class_chars(arg)
        if chars is not None:
            return frozenset(chars), True, False
        if at_start and all(k is sre.CATEGORY and v is sre.CATEGORY_SPACE for k, v in arg):
            return frozenset(), True, False  # a stripped line starts with no space
        return WILD
    if op is sre.SUBPATTERN:
        if arg[1] or arg[2]:
            return WILD  # inline flags
        return _sequence(arg[-1], at_start)
    if op is sre.ATOMIC_GROUP:
        return _sequence(arg, at_start)
    if op is sre.BRANCH:
        strings: set[str] = set()
        complete = True
        for branch in arg[1]:
            s, c, w = _sequence(branch, at_start)
            if w:
                return WILD
            strings |= s
            complete = complete and c
        return frozenset(strings), complete, False
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, high, inner = arg
        s, c, w = _sequence(inner, at_start)
        if w:
            return WILD if low >= 1 else (frozenset({""}), False, True)
        if low == high == 1:
            return s, c, False
        if c and high <= 4 and len(s) ** high <= _MAX:  # a short counted repeat: spell it out
            strings, power = set(), {""}
            for count in range(high + 1):
                if count >= low:
                    strings |= power
                power = {a + b for a in power for b in s}
            return frozenset(strings), True, False
        if low == 0:
            return s | {""}, c and high == 1, False
        return s, False, False
    return WILD


def _sequence(items, at_start: bool) -> tuple[frozenset[str], bool, bool]:
    """(S, complete, wild): every match of `items` starts with a string of S (complete:
    S is exactly what it matches; wild: nothing is known)."""
    items = list(items)
    result = {""}
    for i, (op, arg) in enumerate(items):
        s, c, w = _element(op, arg, at_start)
        if w:
            return (frozenset(result), False, result == {""})
        nonempty = {b for b in s if b}
        if c:
            joined = {a + b for a in result for b in s}
            if len(joined) > _MAX:  # enough: every match starts with one of `result`
                return frozenset(result), False, result == {""}
            result = joined
            if "" not in s:
                at_start = False
            continue
        stopped = {a + b for a in result for b in nonempty}
        if "" in s:  # the element may match nothing: the rest starts here too
            rs, rc, rw = _sequence(items[i + 1:], at_start)
            if rw:
                return WILD if result == {""} else (frozenset(result), False, False)
            stopped |= {a + b for a in result for b in rs}
        if len(stopped) > _MAX:
            return frozenset(result), False, result == {""}
        return frozenset(stopped), False, "" in stopped
    return frozenset(result), True, False


def _width(state, items) -> float:
    """The most characters `items` can match (inf: unbounded)."""
    widest = sre_parse.SubPattern(state, list(items)).getwidth()[1] if items else 0
    return float("inf") if widest >= sre.MAXREPEAT else widest


def _needles(state, items) -> tuple[frozenset[str], float] | None:
    """Strings of which a match of `items` must contain one, and the furthest position
    (from the start of the match) at which the chosen one can start; or None."""
    best: tuple[frozenset[str], float] | None = None
    items = list(items)

    def rank(candidate: tuple[frozenset[str], float]) -> tuple:
        strings, offset = candidate  # bounded first (searched in a window), then selective
        return offset != float("inf"), min(map(len, strings)), -len(strings)

    def consider(candidate: tuple[frozenset[str], float] | None) -> None:
        nonlocal best
        if candidate is not None and (best is None or rank(candidate) > rank(best)):
            best = candidate

    for i, (op, arg) in enumerate(items):
        before = _width(state, items[:i])
        s, c, w = _sequence(items[i:], False)
        if not w and "" not in s:
            consider((s, before))
        inner = None
        if op is sre.BRANCH:
            found = [_needles(state, b) for b in arg[1]]
            complete = [x for x in found if x is not None]
            if len(complete) == len(found):
                inner = (frozenset().union(*(x[0] for x in complete)), max(x[1] for x in complete))
        elif op is sre.SUBPATTERN and not (arg[1] or arg[2]):
            inner = _needles(state, arg[-1])
        elif op is sre.ATOMIC_GROUP:
            inner = _needles(state, arg)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and arg[0] >= 1:
            inner = _needles(state, arg[2])
            if inner is not None and arg[1] > 1:  # a later repetition may hold it
                inner = (inner[0], float("inf"))
        elif op is sre.ASSERT:
            inner = _needles(state, arg[1])
        if inner is not None:
            consider((inner[0], before + inner[1]))
    return best


def conditions(pattern: str) -> tuple[set[str], list[tuple[frozenset[str], float]]] | None:
    """What a line that `pattern` fully matches must satisfy, or None if nothing is known:
    it starts with one of the prefixes, or holds one of a needle set's strings starting
    no further than that set's offset (inf: anywhere)."""
    parsed = sre_parse.parse(pattern)
    if parsed.state.flags & ~(sre.SRE_FLAG_UNICODE):
        return None
    items = list(parsed)
    branches = items[0][1][1] if len(items) == 1 and items[0][0] is sre.BRANCH else [items]
    prefixes: set[str] = set()
    needles = []
    for branch in branches:
        s, c, w = _sequence(branch, True)
        if not w and "" not in s and min(len(x) for x in s) >= 1:
            prefixes |= s
            continue
        found = _needles(parsed.state, branch)
        if found is None:
            return None
        needles.append(found)
    return prefixes, needles


#: Characters of page text from rarest to commonest (roughly, for English pages; other
#: characters count as rare as digits). Needles are searched for by rare characters
#: of theirs (`anchored_regex`): the search stops at far fewer places in a line.
RARITY = DIGIT + "<>{}[]|@#$%^&*_=+~`\\qjzxkv()!?;:/\"'-bwyfgpmcuhldrsniotae., "
#: How much commoner each step down `RARITY` is, roughly.
_ANCHOR_COST = 1.3


def _rarity(char: str) -> int:
    found = RARITY.find(char)
    return 1 if found < 0 else found


def _escape(string: str) -> str:
    return "".join(r"\d" if char == DIGIT else re.escape(char) for char in string)


def anchored_regex(strings: Iterable[str]) -> str:
    """A regex that finds any of `strings` (DIGIT is ``\\d``), as their plain alternation
    would, by rare characters of theirs.

    A line of prose has a space or a common letter every few characters, where a search
    for ``(?: says| wrote|all rights...)`` starts an attempt; each string is found instead
    from one of a few rare characters that together cover every string (the ``y`` of
    `` says``, the digit of ``, 2019``), then the rest of it, then the whole string is
    checked behind that point. A string that holds another one of the set is dropped
    (the shorter one finds it). On the dev pages' distinct lines the needle search takes
    half the time it took from the strings' first characters.
    """
    kept: list[str] = []
    for string in sorted(set(strings), key=lambda s: (len(s), s)):
        if not any(shorter in string for shorter in kept):
            kept.append(string)
    if not kept:
        return "(?!)"
    # Few anchors, and rare ones: each chosen character is the one that finds the most
    # strings not found yet for its commonness (the "g" of "sign up" and "register").
    chosen: list[str] = []
    left = set(kept)
    while left:
        chars = sorted({char for string in left for char in string})
        best = min(chars, key=lambda c: (_ANCHOR_COST ** _rarity(c) / sum(c in string for string in left), c))
        chosen.append(best)
        left = {string for string in left if best not in string}
    anchors: set[str] = set()
    tree: dict = {}
    for string in kept:
        at = min((i for i, char in enumerate(string) if char in chosen), key=lambda i: (chosen.index(string[i]), i))
        anchors.add(string[at])
        node = tree
        for char in string[at + 1:]:
            node = node.setdefault(char, {})
        node.setdefault("", set()).add(string)

    def emit(node: dict) -> str:
        parts = []
        if "" in node:  # the whole string, behind the point reached: a fixed-width lookbehind
            behind = [f"(?<={_escape(whole)})" for whole in sorted(node[""])]
            parts.append(behind[0] if len(behind) == 1 else "(?:" + "|".join(behind) + ")")
        parts += [_escape(char) + emit(node[char]) for char in sorted(key for key in node if key)]
        return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"

    # One character class first: the search skips along the line to its characters.
    return "[" + "".join(_escape(char) for char in sorted(anchors)) + "]" + emit(tree)


#: The built-in rules' derived filter, written by `write_cache` (``python -c "from
#: cleantext.stages.rule_prefilter import write_cache; write_cache()"`` after a rule changes)
#: (deriving it parses every rule: 0.05-0.1 s, a third of a one-line run's start-up).
#: tests/test_rule_prefilter.py checks that it equals a fresh derivation.
CACHE = "rules/prefilter.json"


def _digits_as_placeholders(text: str) -> str:
    """`text` with every decimal digit (what ``\\d`` matches) written as DIGIT."""
    if text.isascii():
        return text.translate(_ASCII_DIGITS)
    return _ANY_DIGIT.sub(DIGIT, text)


_ASCII_DIGITS = str.maketrans(dict.fromkeys("0123456789", DIGIT))
_ANY_DIGIT = re.compile(r"\d")


def derive(patterns: tuple[str, ...]) -> dict | None:
    """The filter of `patterns` as plain data, or None when some pattern gives no usable
    condition: each prefix (digits written as DIGIT, as `_digits_as_placeholders` writes
    a line's start) with the patterns (by position) that may start so, and the needle
    patterns (`anchored_regex`) with the near window and the patterns with needles of
    each kind."""
    prefixes: set[str] = set()
    starting: dict[str, set[int]] = {}  # a prefix, digits as DIGIT -> the patterns that may start so
    near: set[str] = set()  # needles that start within `window` characters
    far: set[str] = set()  # needles that may start anywhere
    near_rules: set[int] = set()  # the patterns (by position) with needles of each kind
    far_rules: set[int] = set()
    window = 0
    for index, pattern in enumerate(patterns):
        found = conditions(pattern)
        if found is None:
            return None
        prefixes |= found[0]
        for prefix in found[0]:
            starting.setdefault(_digits_as_placeholders(prefix[:PREFIX_CHARS]), set()).add(index)
        for strings, offset in found[1]:
            if offset == float("inf"):
                far |= strings
                far_rules.add(index)
            else:
                near |= strings
                near_rules.add(index)
                window = max(window, int(offset) + max(map(len, strings)))
    if "" in prefixes or "" in near or "" in far:
        return None
    return {"prefixes": {p: sorted(starting[p]) for p in sorted(starting)},
            "near": anchored_regex(near), "far": anchored_regex(far), "window": window,
            "near_rules": sorted(near_rules), "far_rules": sorted(far_rules)}


def _cached(patterns: tuple[str, ...]) -> dict | None:
    """The stored derivation when it was made from exactly `patterns`."""
    import json
    from importlib import resources

    try:
        stored = json.loads(resources.files("cleantext").joinpath(CACHE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stored["filter"] if tuple(stored.get("patterns", ())) == patterns else None


@cache
def line_filter(patterns: tuple[str, ...]) -> Callable[[str], tuple[int, ...]] | None:
    """A function giving the positions in `patterns`, in order, of the only ones a
    stripped line might fully match (none: an empty tuple), or None when some pattern
    gives no usable condition.

    Those are the patterns the line starts like (a line that starts like none, most
    lines, skips this) and the patterns with a needle the line holds (a line of prose
    holding a year: the two date rules). Cached: every `StripDebris` with the built-in
    rules shares one, read from `CACHE`.
    """
    derived = _cached(patterns) or derive(patterns)
    if derived is None:
        return None
    holds_near = re.compile(derived["near"]).search
    holds_far = re.compile(derived["far"]).search
    window = derived["window"]
    near_rules, far_rules = frozenset(derived["near_rules"]), frozenset(derived["far_rules"])
    # The prefixes as a tree of their characters: each node maps a character to the
    # patterns that start with exactly the string so far (often none) and the next node.
    # A line's start is walked down it, one step a character (most lines stop at the
    # first or second): cheaper, with the time to build it, than compiling a regex of
    # all prefixes (8 ms) to match first.
    tree: dict[str, list] = {}
    for prefix, rules in derived["prefixes"].items():
        node = tree
        for char in prefix:
            entry = node.setdefault(char, [(), {}])
            node = entry[1]
        entry[0] = tuple(rules)
    chosen: dict[tuple, tuple[int, ...]] = {}  # (start patterns, near, far) -> the positions in order

    def may_match(line: str) -> tuple[int, ...]:
        started: tuple[int, ...] = ()
        node = tree
        for char in line[:PREFIX_CHARS]:
            entry = node.get(char)
            if entry is None:
                if not char.isdecimal():  # what ``\d`` matches, written DIGIT in prefixes
                    break
                entry = node.get(DIGIT)
                if entry is None:
                    break
            started += entry[0]
            node = entry[1]
        near = holds_near(line, 0, window) is not None
        far = holds_far(line) is not None
        if not (started or near or far):
            return ()
        key = (started, near, far)
        positions = chosen.get(key)
        if positions is None:
            positions = chosen[key] = tuple(sorted(
                set(started) | (near_rules if near else frozenset()) | (far_rules if far else frozenset())))
        return positions

    return may_match


def builtin_patterns() -> tuple[str, ...]:
    """The patterns `StripDebris` filters with its built-in rules (see rules._Matcher)."""
    from .debris import StripDebris
    from .rules import _lowercase_pattern

    return tuple(_lowercase_pattern(r.pattern) for r in StripDebris().rules if not r.requires)


def write_cache() -> None:
    """Regenerate `CACHE` from the built-in rules."""
    import json
    from pathlib import Path

    patterns = builtin_patterns()
    path = Path(__file__).resolve().parent.parent / CACHE
    text = json.dumps({"patterns": list(patterns), "filter": derive(patterns)}, ensure_ascii=False, indent=1)
    path.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {path}")
