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
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--prose", type=Path, default=ROOT / "tests" / "data" / "prose")
    parser.add_argument("--worst", type=int, default=0, help="also list the N pages with the lowest F1")
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


if __name__ == "__main__":
    main()
