"""Check that `cleantext dedup` gives byte-identical output to another checkout.

Runs ``cleantext dedup`` from this tree and from `--old` (a checkout, e.g.
``git worktree add /tmp/old main``, run through ``PYTHONPATH``) on the same inputs, in
each mode (default, ``--scope window``, ``--scope corpus``, ``--threshold 100``), and
compares the cleaned text and the ``--removed`` report byte for byte. Inputs: every
``.txt`` under ``../shared/eval`` and ``samples/`` in one run (each file its own
document, so corpus scope spans them), the generated corpora of `bench_dedup.py` and
the low-variety text of `bench_dedup_shapes.py`.

Example:
    python bench/dedup_same_output.py --old /tmp/old --sizes 10000 100000
"""

from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_dedup import corpus  # noqa: E402
from bench_dedup_shapes import low_variety  # noqa: E402

MODES = {"default": [], "window": ["--scope", "window"], "window-500": ["--scope", "window", "--window", "500"],
         "corpus": ["--scope", "corpus"], "threshold-100": ["--threshold", "100"]}


def run(code: Path, inputs: list[Path], mode: list[str], out: Path, removed: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(code)}
    command = [sys.executable, "-m", "cleantext", *(f"-i{path}" for path in inputs), "-o", str(out),
               "--removed", str(removed), "dedup", *mode]
    subprocess.run(command, check=True, env=env, cwd=code, stderr=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", type=Path, required=True, help="the checkout to compare with")
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--low-variety", type=int, nargs="*", default=[20_000])
    parser.add_argument("--modes", nargs="+", default=list(MODES), choices=list(MODES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=HERE / "data")
    args = parser.parse_args(argv)
    new = HERE.parent
    pages = sorted(p.resolve() for root in (new.parent / "shared" / "eval", new / "samples")
                   for p in root.rglob("*.txt"))
    sets = [(f"{len(pages)} dev pages and samples", pages)]
    sets += [(f"corpus {size:,}", [corpus(size, args.seed, args.data).resolve()]) for size in args.sizes]
    sets += [(f"low variety {size:,}", [low_variety(size, args.seed, args.data).resolve()])
             for size in args.low_variety]
    differing = 0
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        for name, inputs in sets:
            for mode in args.modes:
                files = {}
                for side, code in (("old", args.old.resolve()), ("new", new)):
                    files[side] = folder / f"{side}.txt", folder / f"{side}.tsv"
                    run(code, inputs, MODES[mode], *files[side])
                same = all(filecmp.cmp(a, b, shallow=False) for a, b in zip(files["old"], files["new"]))
                removed = sum(1 for _ in open(files["new"][1], encoding="utf-8")) - 1
                differing += not same
                print(f"{name:32s} {mode:14s} {'identical' if same else 'DIFFERENT'} ({removed:,} lines removed)",
                      flush=True)
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
