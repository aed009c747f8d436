"""The strip-debris rule matcher with and without its prefilter, in one run.

    python bench/bench_rules.py [--repeat 5]

Takes the distinct lines of all dev pages (../shared/eval, else samples/), as
`StripDebris` sees them (each distinct line is matched once per run), and times the
built-in rules' matcher on them: with the prefilter (`rule_prefilter`, what runs: each
line tries only the rules it starts like or holds a needle of) and with the prefilter
turned off (every line goes through the one alternation of all rules). Checks that
both give the same rule for every line, and prints lines/s, the share of lines that try
no rule, and how many rules the others try. Compiling counts in neither (the first
round compiles what it needs; the best round is kept).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench_encoding import best_of  # this folder is on sys.path when run as a script

from cleantext.stages.rules import _Matcher, builtin_rules

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT.parent / "shared" / "eval", ROOT / "samples"]


def distinct_lines() -> list[str]:
    for folder in SOURCES:
        files = [p for p in folder.rglob("*.txt") if not p.name.endswith(".expected.txt")]
        if files:
            return sorted({line.strip() for p in files for line in p.read_text("utf-8", "surrogateescape").splitlines()
                           if line.strip()})
    raise SystemExit("no source text found")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    lines = distinct_lines()
    filtered = _Matcher(builtin_rules())
    unfiltered = _Matcher(builtin_rules())
    unfiltered._may_match = None  # every line through the alternation
    results = {}
    for name, matcher in [("without prefilter", unfiltered), ("with prefilter", filtered)]:
        match = getattr(matcher, "_match_fast", matcher.match)  # past the verdict memo: the matching itself
        results[name] = best_of(args.repeat, lambda: [match(line) for line in lines])
    same = results["without prefilter"][1] == results["with prefilter"][1]
    tried = [filtered._may_match(line.lower()) for line in lines]
    trying = [len(rules) for rules in tried if rules]
    matched = sum(rule is not None for rule in results["with prefilter"][1])
    print(f"{len(lines):,} distinct lines, {matched:,} matched by a rule; same matches: {same}; "
          f"{1 - len(trying) / len(lines):.1%} try no rule, the others {sum(trying) / len(trying):.1f} of "
          f"{len(filtered._alone)} on average")
    baseline = results["without prefilter"][0]
    for name, (seconds, _) in results.items():
        print(f"{name:18} {seconds:7.3f} s {len(lines) / seconds:10,.0f} lines/s "
              f"{seconds / len(lines) * 1e6:6.2f} µs/line {baseline / seconds:5.2f}x")
    if not same:
        raise SystemExit("matches differ")


if __name__ == "__main__":
    main()
