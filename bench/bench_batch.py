"""Batch throughput: `cleantext clean DIR` at -j 1 and -j 2 against `cat` and ftfy alone.

Generates a directory of many scraped-looking files (prose, repeated titles, menus,
share bars, mojibake; deterministic), or copies real pages (`--dev-pages`: the 191 page
dumps of ../shared/eval, news, CleanEval and 75 languages), then times, in one run and
on the same files:

- ``cat`` of every file (the floor: reading and writing the bytes),
- ftfy alone: one Python process running ``ftfy.fix_text`` on each file (the
  encoding stage's library without cleantext around it),
- ``cleantext clean DIR -j 1`` and ``-j 2`` (the whole pipeline, output to /dev/null),
  and with `--compare OTHER` the same from another checkout (a directory holding a
  `cleantext` package, e.g. from `git archive`).

Every tool is a fresh process, so start-up time counts for all of them; they take
turns, one run of each per round, `--repeat` rounds, and the best wall and CPU time
(user + system, workers included) of each is kept: shared machines are noisy, and the
load average is printed with the table. With `--compare`, the medians of both checkouts
follow, and in how many rounds this one was faster (its run and the other's come one
after the other, so load hits them alike). Bytecode caching is on, as after an install
(see bench_startup.py). Prints a Markdown table for bench/README.md.

    python bench/bench_batch.py --files 200 --lines 400
    python bench/bench_batch.py --dev-pages --repeat 5
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
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


ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
DEV_PAGES = [(EVAL / "extraction-dev", "*.txt"), (EVAL / "cleaneval-dev", "*.txt"),
             (EVAL / "multilingual-dev" / "multilingual", "*.page.txt")]
ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def copy_dev_pages(root: Path) -> tuple[int, int]:
    """Copy the dev page dumps (not the expected texts) into 8 subdirectories of `root`."""
    pages = [p for folder, pattern in DEV_PAGES for p in sorted(folder.glob(pattern))
             if not p.name.endswith(".expected.txt")]
    if not pages:
        raise SystemExit(f"no dev pages under {EVAL}")
    for n, page in enumerate(pages):
        sub = root / f"part{n % 8}"
        sub.mkdir(exist_ok=True)
        shutil.copyfile(page, sub / f"page{n:05d}.txt")
    data = [p.read_bytes() for p in pages]
    return sum(d.count(b"\n") for d in data), sum(map(len, data))


def adopt_orphans() -> bool:
    """Make this process the "subreaper" of its descendants (Linux), so that it can wait
    for the ones their parent never waits for: multiprocessing's forkserver (and the
    `-j 2` workers it waited for) and resource tracker outlive the command's main
    process by a moment and are then adopted here, and their CPU time counts."""
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU (user + system, of every process it started, see `adopt_orphans`)
    seconds of one run; wall time ends when the command's main process does."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=cwd,
                   env=ENVIRONMENT)
    wall = time.perf_counter() - started
    while True:  # wait for adopted descendants: their CPU time joins RUSAGE_CHILDREN
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--lines", type=int, default=400, help="lines per file")
    parser.add_argument("--dev-pages", action="store_true", help="the real dev pages instead of generated files")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--compare", metavar="DIR", help="also time `cleantext clean` from this checkout")
    args = parser.parse_args()
    all_cpu = adopt_orphans()
    with tempfile.TemporaryDirectory(prefix="cleantext-bench-") as scratch:
        root = Path(scratch) / "corpus"
        root.mkdir()
        lines, size = copy_dev_pages(root) if args.dev_pages else make_corpus(root, args.files, args.lines)
        names = sorted(str(p) for p in root.rglob("*.txt"))
        checkouts = [("", ROOT)] + ([(f" ({args.compare})", Path(args.compare).resolve())] if args.compare else [])
        runs = [
            ("cat", ["cat", *names], ROOT),
            ("ftfy.fix_text alone (1 process)", [sys.executable, "-c", FTFY_SCRIPT, os.devnull, *names], ROOT),
            *((f"cleantext clean -j {jobs}{label}", [sys.executable, "-m", "cleantext", "clean", str(root),
                                                     "-j", str(jobs)], cwd)
              for label, cwd in checkouts for jobs in (1, 2)),
        ]
        for _, command, cwd in runs:
            timed(command, cwd)  # warm-up: bytecode caches, the page cache
        load = os.getloadavg()
        walls = {label: float("inf") for label, _, _ in runs}
        cpus = dict(walls)
        rounds: dict[str, list[tuple[float, float]]] = {label: [] for label, _, _ in runs}
        for _ in range(args.repeat):
            for label, command, cwd in runs:
                wall, cpu = timed(command, cwd)
                walls[label], cpus[label] = min(walls[label], wall), min(cpus[label], cpu)
                rounds[label].append((wall, cpu))
        load = tuple(max(a, b) for a, b in zip(load, os.getloadavg()))
        kind = "dev pages" if args.dev_pages else "files"
        print(f"{len(names)} {kind}, {lines:,} lines, {size / 1e6:.1f} MB; best of {args.repeat}, tools in turn; "
              f"{os.cpu_count()} cores; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} "
              f"(1, 5, 15 min, highest seen); Python {sys.version.split()[0]}\n")
        print("| tool | seconds | lines/s | MB/s | ÷ ftfy alone | CPU seconds | CPU ÷ ftfy alone |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        ftfy_wall, ftfy_cpu = walls["ftfy.fix_text alone (1 process)"], cpus["ftfy.fix_text alone (1 process)"]
        for label, _, _ in runs:
            # without `adopt_orphans`, -j 2's workers' CPU time is not counted: none is shown
            cpu = "n/a | n/a" if "-j 2" in label and not all_cpu else f"{cpus[label]:.2f} | {cpus[label] / ftfy_cpu:.2f}x"
            print(f"| {label} | {walls[label]:.2f} | {lines / walls[label]:,.0f} | {size / 1e6 / walls[label]:.2f} "
                  f"| {walls[label] / ftfy_wall:.2f}x | {cpu} |")
        if args.compare:
            # on a loaded machine the best of a few runs is luck; the runs of one round
            # follow each other, so comparing them round by round is fairer
            print("\nThis checkout against the other, round by round (median wall and CPU seconds):\n")
            for jobs in (1, 2):
                mine, other = rounds[f"cleantext clean -j {jobs}"], rounds[f"cleantext clean -j {jobs}{checkouts[1][0]}"]
                faster = sum(a[0] < b[0] for a, b in zip(mine, other))
                print(f"- `-j {jobs}`: wall {statistics.median(w for w, _ in mine):.2f} against "
                      f"{statistics.median(w for w, _ in other):.2f} (faster in {faster} of {len(mine)} rounds), "
                      f"CPU {statistics.median(c for _, c in mine):.2f} against {statistics.median(c for _, c in other):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
