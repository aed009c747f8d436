"""Time the Dedup stage in-process on the real dev pages, one document at a time.

Pages are short (about 170 lines), so this measures dedup's per-document cost: what
`cleantext clean` pays per file. Each measurement runs in a fresh interpreter (so a
checkout given with `--compare` can take turns with this one) and reports CPU seconds
of the dedup work alone (pages are read and split before the clock starts); numpy and
rapidfuzz imports are counted, as a CLI run pays them.

Example:
    python bench/bench_dedup_pages.py --repeat 5 --compare /tmp/old
    python bench/bench_dedup_pages.py --profile      # cProfile of one pass, top 25
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
EVAL = HERE.parent.parent / "shared" / "eval"
DEV_PAGES = [(EVAL / "extraction-dev", "*.txt"), (EVAL / "cleaneval-dev", "*.txt"),
             (EVAL / "multilingual-dev" / "multilingual", "*.page.txt")]

CHILD = r"""
import sys, time
from pathlib import Path
paths = sys.argv[1:]
texts = [Path(p).read_text(encoding="utf-8", errors="surrogateescape") for p in paths]
from cleantext import Pipeline, Dedup
from cleantext.lines import split_lines
documents = [split_lines(text, path) for text, path in zip(texts, paths)]
started = time.process_time()
def work():
    run = Pipeline([Dedup()]).start()
    kept = 0
    for lines in documents:
        for line in lines:
            line.removed = None
        kept += sum(1 for line in run.process(lines) if line.removed is None)
    return kept
if PROFILE:
    import cProfile, pstats
    cProfile.run("kept = work()", "/tmp/bench_dedup_pages.prof")
    pstats.Stats("/tmp/bench_dedup_pages.prof").sort_stats("cumulative").print_stats(30)
    pstats.Stats("/tmp/bench_dedup_pages.prof").sort_stats("tottime").print_stats(25)
else:
    kept = work()
print(time.process_time() - started, kept)
"""


def pages() -> list[str]:
    found = [str(p) for folder, pattern in DEV_PAGES for p in sorted(folder.glob(pattern))
             if not p.name.endswith(".expected.txt")]
    if not found:
        raise SystemExit(f"no dev pages under {EVAL}")
    return found


def measure(code: Path, paths: list[str], profile: bool = False) -> tuple[float, int]:
    env = {**os.environ, "PYTHONPATH": str(code)}
    source = CHILD.replace("PROFILE", str(profile))
    out = subprocess.run([sys.executable, "-c", source, *paths], env=env, cwd=code, check=True,
                         capture_output=True, text=True).stdout
    if profile:
        print(out)
    seconds, kept = out.split()[-2:]
    return float(seconds), int(kept)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--compare", type=Path, help="another checkout to take turns with")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    paths = pages()
    new = HERE.parent
    if args.profile:
        measure(new, paths, profile=True)
        return 0
    lines = sum(Path(p).read_bytes().count(b"\n") for p in paths)
    print(f"{len(paths)} pages, {lines:,} lines; load average {os.getloadavg()[0]:.2f}")
    codes = [("new", new)] + ([("old", args.compare.resolve())] if args.compare else [])
    times: dict[str, list[float]] = {name: [] for name, _ in codes}
    kept: dict[str, int] = {}
    for _ in range(args.repeat):
        for name, code in codes:
            seconds, kept[name] = measure(code, paths)
            times[name].append(seconds)
    for name, _ in codes:
        best = min(times[name])
        print(f"{name}: best {best:.3f} s CPU, median {sorted(times[name])[len(times[name]) // 2]:.3f} s, "
              f"{best / lines * 1e6:.1f} µs/line, {kept[name]:,} lines kept")
    if args.compare:
        print(f"new/old (best): {min(times['new']) / min(times['old']):.2f}")
    print(f"load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
