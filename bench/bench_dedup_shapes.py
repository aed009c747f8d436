"""Dedup on the inputs that stress it, each against a baseline measured in the same run.

* low variety: lines drawn from a 20-word vocabulary (every line shares band keys
  with thousands of others) against the varied corpus of `dedup_corpus.py`, same
  line count: CPU µs per line and peak RSS per line, as a ratio;
* the exact path (``--threshold 100``) against a Python ``set`` over the same lines
  (a script that reads the file, strips each line and writes the unseen ones);
* window scope (``--scope window --window 10000``) at two sizes: peak RSS should not grow;
* start-up: importing the index must not import numpy.random.

Every contender runs as a subprocess under /usr/bin/time (CPU seconds, peak RSS).

Example:
    python bench/bench_dedup_shapes.py --lines 100000
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_dedup import corpus, timed  # noqa: E402

VOCABULARY = ["the", "of", "river", "council", "budget", "station", "approved", "new", "garden", "market",
              "and", "report", "a", "storm", "delayed", "local", "school", "night", "train", "town"]

SET_SCRIPT = """
import sys
seen = set()
out = sys.stdout
for line in open(sys.argv[1], encoding="utf-8"):
    key = line.strip()
    if key not in seen:
        seen.add(key)
        out.write(line)
"""


def low_variety(size: int, seed: int, data: Path) -> Path:
    path = data / f"dedup-lowvariety-{size}-s{seed}.txt"
    if not path.exists():
        rng = random.Random(seed)
        data.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8") as out:
            for _ in range(size):
                out.write(" ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(4, 16))).capitalize() + ".\n")
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--window-lines", type=int, nargs=2, default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=HERE / "data")
    args = parser.parse_args(argv)
    cleantext = shutil.which("cleantext") or str(Path(sys.executable).parent / "cleantext")
    varied, low = corpus(args.lines, args.seed, args.data), low_variety(args.lines, args.seed, args.data)

    rows = []
    for name, path in (("varied", varied), ("low variety", low)):
        run = timed([cleantext, "-i", str(path), "-o", "/dev/null", "dedup"])
        rows.append((name, run))
    print(f"| {args.lines:,} lines | CPU s | µs/line | peak RSS | KB/line |")
    print("|---|---:|---:|---:|---:|")
    for name, run in rows:
        print(f"| {name} | {run['cpu']:.2f} | {run['cpu'] / args.lines * 1e6:.1f} | {run['rss_mb']:.0f} MB "
              f"| {run['rss_mb'] * 1024 / args.lines:.2f} |")
    print(f"low variety / varied: time {rows[1][1]['cpu'] / rows[0][1]['cpu']:.2f}x, "
          f"RSS {rows[1][1]['rss_mb'] / rows[0][1]['rss_mb']:.2f}x\n")

    exact = timed([cleantext, "-i", str(varied), "-o", "/dev/null", "dedup", "--threshold", "100"])
    python_set = timed([sys.executable, "-c", SET_SCRIPT, str(varied)])
    passthrough = timed([cleantext, "-i", str(varied), "-o", "/dev/null", "dedup", "--threshold", "100",
                         "--min-length", "1000000"])
    print("| exact path | CPU s | vs Python set |")
    print("|---|---:|---:|")
    for name, run in (("Python set (read, strip, write)", python_set), ("cleantext dedup --threshold 100", exact),
                      ("  same, --min-length 1000000 (normalized, never compared)", passthrough)):
        print(f"| {name} | {run['cpu']:.2f} | {run['cpu'] / python_set['cpu']:.1f}x |")
    print()

    print("| window scope (--window 10000) | CPU s | µs/line | peak RSS |")
    print("|---|---:|---:|---:|")
    for size in args.window_lines:
        path = corpus(size, args.seed, args.data)
        run = timed([cleantext, "-i", str(path), "-o", "/dev/null", "dedup", "--scope", "window"])
        print(f"| {size:,} lines | {run['cpu']:.2f} | {run['cpu'] / size * 1e6:.1f} | {run['rss_mb']:.0f} MB |")
    print()

    loaded = subprocess.run([sys.executable, "-X", "importtime", "-c",
                             "import sys; import cleantext.stages.near_duplicates; "
                             "print('numpy.random' in sys.modules)"], capture_output=True, text=True, check=True)
    print(f"importing the index loads numpy.random: {loaded.stdout.strip()}")


if __name__ == "__main__":
    main()
