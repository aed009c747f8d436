"""fix-encoding against ftfy alone, on the same mostly-clean text, in one run.

    python bench/bench_encoding.py [--lines 200000] [--repeat 3]

The text is real scraped page text (../shared/eval pages, else samples/), repeated to
the requested size, with 2% of lines turned into mojibake (UTF-8 read as Windows-1252)
and 1% given HTML entities, as scraped text has. Three contenders clean it:

* ``ftfy.fix_text`` on every line, with the stage's own ftfy configuration;
* ``ftfy.fix_text`` on the whole text at once (same configuration);
* the ``FixEncoding`` stage (a character-class gate in front of ftfy);
* the stage with the previous gate (ASCII, typographic punctuation and CJK only, before
  Latin letters and signs, Cyrillic and Hangul were let through), on `re` and on `regex`
  (the engine it ran on before), to measure those changes.

It also prints the share of lines that skip ftfy under each gate, on this corpus and on
the distinct lines of all dev pages (extraction, cleaneval, multilingual), and how many
of those go to ftfy with and without the NFC check (`NFC_CHECKED`: Devanagari, Thai...).

The script checks that the per-line ftfy and the stage produce identical text and prints lines/s and the
stage's speed-up over each ftfy baseline (target: >= 3x). It also times the whole
`cleantext fix-encoding` command against a one-line ftfy command on the same file.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ftfy
import regex

from dataclasses import dataclass
from functools import cache

from cleantext import FixEncoding, Pipeline
from cleantext.stages.encoding import _needs_ftfy

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT.parent / "shared" / "eval" / "extraction-dev", ROOT / "samples"]
DEV_PAGES = ROOT.parent / "shared" / "eval"
#: The safe set before Latin-1/Latin Extended-A letters, Cyrillic and Hangul joined it.
PREVIOUS_SAFE = "\t\x20-\x7e\u2010-\u2027\u3001-\u3029\u3030-\u303f\u3041-\u3096\u30a0-\u30ff\u4e00-\u9fff"


@dataclass(frozen=True)
class PreviousGate(FixEncoding):
    """The stage with the previous, narrower gate."""

    @property
    def _gate(self):
        return _needs_ftfy(self.straight_quotes, self.unescape_html, safe_characters=PREVIOUS_SAFE, nfc_checked="")


@dataclass(frozen=True)
class PreviousGateOnRegex(FixEncoding):
    """The stage as it was: the previous gate, compiled with `regex`."""

    @property
    def _gate(self):
        return _on_regex(_needs_ftfy(self.straight_quotes, self.unescape_html, safe_characters=PREVIOUS_SAFE,
                                     nfc_checked="").pattern)


@dataclass(frozen=True)
class WithoutNfcCheck(FixEncoding):
    """The stage without the NFC-checked scripts (Devanagari, Thai...): their lines go to ftfy."""

    @property
    def _gate(self):
        return _needs_ftfy(self.straight_quotes, self.unescape_html, self.fix_width, nfc_checked="")


@cache
def _on_regex(pattern: str) -> regex.Pattern:
    return regex.compile(pattern)


def skip_share(stage: FixEncoding, lines: list[str]) -> float:
    return sum(stage._gate.search(line) is None for line in lines) / len(lines)


def dev_lines() -> list[str]:
    files = [p for p in DEV_PAGES.rglob("*.txt") if not p.name.endswith(".expected.txt")]
    return sorted({line for p in files for line in p.read_text("utf-8", "surrogateescape").splitlines() if line})


def source_lines() -> list[str]:
    for folder in SOURCES:
        files = sorted(p for p in folder.glob("*.txt") if "expected" not in p.name)
        if files:
            lines = [line for p in files for line in p.read_text(encoding="utf-8").splitlines()]
            return [FixEncoding().fix(line) for line in lines]  # start from repaired text
    raise SystemExit("no source text found")


def corpus(size: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    base = source_lines()
    lines = [base[i % len(base)] for i in range(size)]
    for i in range(size):
        roll = rng.random()
        if roll < 0.02:
            lines[i] = lines[i].encode("utf-8").decode("cp1252", "replace")
        elif roll < 0.03:
            lines[i] = lines[i].replace("&", "&amp;") + " &quot;quoted&quot; &amp; more"
    return lines


def best_of(repeat: int, function) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


def command_seconds(command: list[str], path: Path, repeat: int) -> float:
    def once() -> None:
        with path.open("rb") as stdin:
            subprocess.run(command, stdin=stdin, stdout=subprocess.DEVNULL, check=True)

    return best_of(repeat, once)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    lines = corpus(args.lines)
    text = "\n".join(lines) + "\n"
    stage = FixEncoding()
    config = stage._config
    previous, released = PreviousGate(), PreviousGateOnRegex()
    released._gate.search("")  # compile outside the timing
    pipeline = Pipeline([stage])

    contenders = {
        "ftfy.fix_text per line": lambda: "".join(ftfy.fix_text(line, config) + "\n" for line in lines),
        "ftfy.fix_text whole text": lambda: ftfy.fix_text(text, config),
        "FixEncoding.fix per line": lambda: "".join(stage.fix(line) + "\n" for line in lines),
        "same, previous gate": lambda: "".join(previous.fix(line) + "\n" for line in lines),
        "same, previous gate on regex": lambda: "".join(released.fix(line) + "\n" for line in lines),
        "Pipeline([FixEncoding()]).clean": lambda: pipeline.clean(text),
    }
    results = {name: best_of(args.repeat, run) for name, run in contenders.items()}
    # ftfy on the whole text is a speed reference only: its "auto" entity handling looks
    # at the whole string (one "<" anywhere turns unescaping off), so it may differ.
    outputs = {result for name, (_, result) in results.items() if "whole" not in name}
    identical = len(outputs) == 1
    changed = sum(a != b for a, b in zip(lines, results["FixEncoding.fix per line"][1].splitlines()))
    print(f"{args.lines} lines, {len(text.encode()) / 1e6:.1f} MB, {changed} lines changed; "
          f"outputs identical: {identical}")
    baseline = results["ftfy.fix_text per line"][0]
    whole = results["ftfy.fix_text whole text"][0]
    print(f"{'contender':34} {'seconds':>8} {'lines/s':>10} {'vs ftfy/line':>13} {'vs ftfy/text':>13}")
    for name, (seconds, _) in results.items():
        print(f"{name:34} {seconds:8.3f} {args.lines / seconds:10,.0f} "
              f"{baseline / seconds:12.1f}x {whole / seconds:12.1f}x")

    print(f"lines skipping ftfy: this corpus {skip_share(stage, lines):.1%} (previous gate "
          f"{skip_share(previous, lines):.1%})", end="")
    if DEV_PAGES.is_dir():
        dev = dev_lines()
        sent = sum(stage._gate.search(line) is not None for line in dev)
        unchecked = sum(WithoutNfcCheck()._gate.search(line) is not None for line in dev)
        print(f"; the {len(dev):,} distinct lines of all dev pages {skip_share(stage, dev):.1%} "
              f"(previous gate {skip_share(previous, dev):.1%}); dev lines sent to ftfy: {sent} "
              f"({unchecked} without the NFC check)", end="")
    print()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "input.txt"
        path.write_text(text, encoding="utf-8")
        ftfy_command = [sys.executable, "-c",
                        "import sys, ftfy; from cleantext import FixEncoding; "
                        "sys.stdout.write(ftfy.fix_text(sys.stdin.read(), FixEncoding()._config))"]
        ftfy_seconds = command_seconds(ftfy_command, path, args.repeat)
        ours = command_seconds([sys.executable, "-m", "cleantext", "fix-encoding"], path, args.repeat)
        print(f"end to end: `cleantext fix-encoding` {ours:.2f} s, ftfy command {ftfy_seconds:.2f} s, "
              f"ratio {ftfy_seconds / ours:.1f}x")
    if not identical:
        raise SystemExit("outputs differ")


if __name__ == "__main__":
    main()
