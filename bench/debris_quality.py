"""strip-debris quality: article extraction on the dev pages, false removals on clean prose.

Usage (from the project root):

    /work/venv/bin/python bench/debris_quality.py            # summary
    /work/venv/bin/python bench/debris_quality.py --worst 10 # and the 10 worst pages

1. Dev set (../shared/eval/extraction-dev, or --eval DIR): runs `cleantext.clean`
   (the defaults of ``cleantext clean``) in process on every page and scores it with
   the shared scorer's own token P/R/F1 (macro mean), so the numbers match
   ``score_extraction.py -- 'cleantext clean'``.
2. Prose corpus (tests/data/prose/*.txt): debris-free documents; every line the
   default pipeline's strip-debris stage removes, other than blank-line folding, is a
   false removal. Prints the count, the corpus size and the lines themselves.
3. Speed: the strip-debris stage alone over the dev page dumps (one run, each page
   one document, lines already split), in lines per second, next to two baselines
   measured in the same run on the same text: ``awk '!seen[$0]++'`` (an exact-line
   filter in C, process start included) and reading the text into `Line` records
   (`split_lines`). CPU time (this process and its children), best of ``--repeat``
   passes, each with a fresh run, so the per-run memo starts empty.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import cleantext  # noqa: E402
from cleantext import StripDebris, split_lines  # noqa: E402

BLANK_RULES = {"leading-blank", "trailing-blank", "blank-run"}


def load_scorer(eval_dir: Path):
    spec = importlib.util.spec_from_file_location("score_extraction", eval_dir / "score_extraction.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def dev_scores(eval_dir: Path) -> list[tuple[str, float, float, float]]:
    scorer = load_scorer(eval_dir)
    data = eval_dir / "extraction-dev"
    ids = json.loads((data / "split.json").read_text())["dev"]
    rows = []
    for doc_id in ids:
        page = (data / f"{doc_id}.txt").read_text("utf-8")
        gold = (data / f"{doc_id}.expected.txt").read_text("utf-8")
        rows.append((doc_id, *scorer.tok_prf(cleantext.clean(page), gold)))
    return rows


def prose_false_removals(prose_dir: Path) -> tuple[list[tuple[str, int, str, str]], int]:
    stage, removed, total = StripDebris(), [], 0
    for path in sorted(prose_dir.glob("*.txt")):
        lines = split_lines(path.read_text("utf-8"), path.name)
        total += sum(1 for line in lines if line.text.strip())
        for line in stage.process(iter(lines)):
            if line.removed is not None and line.removed.rule not in BLANK_RULES:
                removed.append((path.name, line.number, line.removed.describe(), line.text))
    return removed, total


def cpu_seconds() -> float:
    """CPU time of this process and its finished children: steadier than wall time on a
    machine shared with other jobs."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def best_seconds(action, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = cpu_seconds()
        action()
        best = min(best, cpu_seconds() - start)
    return best


def stage_speed(eval_dir: Path, repeat: int) -> dict[str, float]:
    """Lines per second of StripDebris and of the baselines on the dev page dumps."""
    data = eval_dir / "extraction-dev"
    ids = json.loads((data / "split.json").read_text())["dev"]
    pages = [(data / f"{doc_id}.txt").read_text("utf-8") for doc_id in ids]
    total = sum(len(split_lines(page)) for page in pages)
    stage = StripDebris()

    def strip_debris() -> None:
        clean = stage.start()
        for lines in [split_lines(page) for page in pages]:
            for _ in clean(iter(lines)):
                pass

    def read() -> None:
        for page in pages:
            split_lines(page)

    # strip_debris() also splits the pages; take that time off so the figure is the stage's.
    reading = best_seconds(read, repeat)
    rates = {"strip-debris": total / max(best_seconds(strip_debris, repeat) - reading, 1e-9), "split_lines": total / reading}
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt") as handle:
        handle.write("".join(pages))
        handle.flush()
        command = ["awk", "!seen[$0]++", handle.name]
        rates["awk '!seen[$0]++'"] = total / best_seconds(lambda: subprocess.run(command, stdout=subprocess.DEVNULL, check=True), repeat)
    rates["lines"] = total
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--prose", type=Path, default=ROOT / "tests" / "data" / "prose")
    parser.add_argument("--worst", type=int, default=0, help="also list the N pages with the lowest F1")
    parser.add_argument("--repeat", type=int, default=7, help="speed: best of this many passes (0: skip)")
    args = parser.parse_args()

    start = time.perf_counter()
    rows = dev_scores(args.eval)
    seconds = time.perf_counter() - start
    p, r, f = (statistics.mean(row[i] for row in rows) for i in (1, 2, 3))
    print(f"dev pages {len(rows)}  tok-P {p:.3f}  tok-R {r:.3f}  tok-F1 {f:.3f}  ({seconds:.1f}s)")
    for doc_id, pp, rr, ff in sorted(rows, key=lambda row: row[3])[: args.worst]:
        print(f"  {doc_id[:12]}  P {pp:.3f}  R {rr:.3f}  F1 {ff:.3f}")

    removed, total = prose_false_removals(args.prose)
    rate = len(removed) / total if total else 0.0
    print(f"prose corpus: {len(removed)} of {total} non-blank lines removed (false-removal rate {rate:.4f})")
    for name, number, reason, text in removed:
        print(f"  {name}:{number}  {reason}  | {text[:90]}")

    if args.repeat:
        rates = stage_speed(args.eval, args.repeat)
        lines, stage = rates.pop("lines"), rates.pop("strip-debris")
        others = ", ".join(f"{name} {rate:,.0f}/s (x{stage / rate:.2f})" for name, rate in rates.items())
        print(f"speed: strip-debris {stage:,.0f} lines/s on {lines:,.0f} page lines; {others}")


if __name__ == "__main__":
    main()
