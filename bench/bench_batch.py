"""Batch throughput: `cleantext clean DIR` at -j 1 and -j 2 against `cat` and ftfy alone.

Generates a directory of many scraped-looking files (prose, repeated titles, menus,
share bars, mojibake; deterministic), then times, in one run and on the same files:

- ``cat`` of every file (the floor: reading and writing the bytes),
- ftfy alone: one Python process running ``ftfy.fix_text`` on each file (the
  encoding stage's library without cleantext around it),
- ``cleantext clean DIR -j 1`` and ``-j 2`` (the whole pipeline, output to /dev/null).

Every tool is a fresh process, so start-up time counts for all of them. Each is run
`--repeat` times and the best time is kept (shared machines are noisy). Prints a
Markdown table for bench/README.md.

    python bench/bench_batch.py --files 200 --lines 400
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROSE = ("The council approved the new budget after a long debate on Tuesday evening",
         "Researchers found that the river had changed course twice in the last century",
         "Local bakeries reported a sharp rise in the price of flour this spring",
         "The museum will reopen its east wing after three years of restoration work",
         "Volunteers planted more than two thousand trees along the old railway line")
DEBRIS = ("Read more", "Share on Facebook", "Home | News | Sport | Weather | Contact",
          "Click here to subscribe to our newsletter", "© 2024 Example Media Ltd. All rights reserved.",
          "[an error occurred while processing this directive]")
MOJIBAKE = ("cafÃ© crÃ¨me at the corner â€” open daily", "Itâ€™s the best &amp; cheapest in town")

FTFY_SCRIPT = """
import sys, ftfy
out = open(sys.argv[1], "w", encoding="utf-8")
for name in sys.argv[2:]:
    with open(name, encoding="utf-8", errors="surrogateescape") as f:
        out.write(ftfy.fix_text(f.read()))
"""


def make_corpus(root: Path, files: int, lines: int, seed: int = 1) -> tuple[int, int]:
    """Write the corpus; returns (total lines, total bytes)."""
    rng = random.Random(seed)
    total_lines = total_bytes = 0
    for n in range(files):
        title = f"Story {n}: {rng.choice(PROSE)[:40]}"
        out = [title, ""]
        while len(out) < lines:
            roll = rng.random()
            if roll < 0.6:
                words = rng.choice(PROSE).split()
                rng.shuffle(words)
                out.append(" ".join(words) + f", said source {rng.randrange(10_000)}.")
            elif roll < 0.75:
                out.append(rng.choice(DEBRIS))
            elif roll < 0.85:
                out.append(rng.choice(MOJIBAKE))
            elif roll < 0.92:
                out.append(title)
            else:
                out.append("")
        data = ("\n".join(out) + "\n").encode()
        sub = root / f"part{n % 8}"
        sub.mkdir(exist_ok=True)
        (sub / f"page{n:05d}.txt").write_bytes(data)
        total_lines += len(out)
        total_bytes += len(data)
    return total_lines, total_bytes


def best_time(command: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--lines", type=int, default=400, help="lines per file")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cleantext = [sys.executable, "-m", "cleantext"]
    with tempfile.TemporaryDirectory(prefix="cleantext-bench-") as scratch:
        root = Path(scratch) / "corpus"
        root.mkdir()
        lines, size = make_corpus(root, args.files, args.lines)
        names = sorted(str(p) for p in root.rglob("*.txt"))
        runs = [
            ("cat", ["cat", *names]),
            ("ftfy.fix_text alone (1 process)", [sys.executable, "-c", FTFY_SCRIPT, os.devnull, *names]),
            ("cleantext clean -j 1", [*cleantext, "clean", str(root), "-j", "1"]),
            ("cleantext clean -j 2", [*cleantext, "clean", str(root), "-j", "2"]),
        ]
        print(f"{args.files} files, {lines:,} lines, {size / 1e6:.1f} MB; best of {args.repeat}; "
              f"{os.cpu_count()} cores; Python {sys.version.split()[0]}\n")
        print("| tool | seconds | lines/s | MB/s | vs -j 1 |")
        print("| --- | ---: | ---: | ---: | ---: |")
        results = [(label, best_time(command, args.repeat)) for label, command in runs]
        reference = dict(results)["cleantext clean -j 1"]
        for label, seconds in results:
            print(f"| {label} | {seconds:.2f} | {lines / seconds:,.0f} | {size / 1e6 / seconds:.2f} "
                  f"| {reference / seconds:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
