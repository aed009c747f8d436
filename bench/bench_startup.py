"""Start-up cost of the command: `cleantext --help` against `python -c pass`, in one run.

    python bench/bench_startup.py [--repeat 20]

Prints the best and median wall time of each and their ratio, and which heavy modules
(ftfy, rapidfuzz, numpy) importing the CLI pulls in; `--help` should need none of them.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "python -c 'import click'": [sys.executable, "-c", "import click"],
    "cleantext --help": [sys.executable, "-m", "cleantext", "--help"],
    "cleantext --version": [sys.executable, "-m", "cleantext", "--version"],
}
HEAVY = ("ftfy", "rapidfuzz", "numpy", "regex")


def timings(command: list[str], repeat: int) -> list[float]:
    result = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
        result.append(time.perf_counter() - started)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    measured = {name: timings(command, args.repeat) for name, command in COMMANDS.items()}
    base = min(measured["python -c pass"])
    print(f"{'command':28} {'best ms':>8} {'median ms':>10} {'x python -c pass':>17}")
    for name, values in measured.items():
        print(f"{name:28} {min(values) * 1e3:8.1f} {statistics.median(values) * 1e3:10.1f} "
              f"{min(values) / base:16.1f}x")
    probe = ("import sys; import cleantext.cli; "
             f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules) or 'none')")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    print(f"heavy modules imported by cleantext.cli: {loaded.stdout.strip()}")


if __name__ == "__main__":
    main()
