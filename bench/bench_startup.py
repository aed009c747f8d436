"""Start-up cost of the command: `cleantext --help` and a one-line `cleantext clean`
against `python -c pass` and `python -c 'import click'`, in one run.

    python bench/bench_startup.py [--repeat 20]

Prints the best and median wall time of each, their ratios, and which heavy modules
(ftfy, rapidfuzz, numpy) importing the CLI, and cleaning one plain line, pull in: none
of them should be needed (issue 11: `echo hi | cleantext clean` within 3x of importing
click). Set PYTHONPATH to another checkout to measure its code with the same interpreter.
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
    "echo hi | cleantext clean": [sys.executable, "-m", "cleantext", "clean"],
}
INPUT = {"echo hi | cleantext clean": b"hi\n"}
HEAVY = ("ftfy", "rapidfuzz", "numpy", "regex")


def timings(command: list[str], repeat: int, stdin: bytes = b"") -> list[float]:
    result = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, input=stdin, stdout=subprocess.DEVNULL, check=True)
        result.append(time.perf_counter() - started)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    measured = {name: timings(command, args.repeat, INPUT.get(name, b"")) for name, command in COMMANDS.items()}
    base, click = min(measured["python -c pass"]), min(measured["python -c 'import click'"])
    print(f"{'command':28} {'best ms':>8} {'median ms':>10} {'x python -c pass':>17} {'x import click':>15}")
    for name, values in measured.items():
        print(f"{name:28} {min(values) * 1e3:8.1f} {statistics.median(values) * 1e3:10.1f} "
              f"{min(values) / base:16.1f}x {min(values) / click:14.1f}x")
    probe = ("import sys; import cleantext.cli; "
             f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules) or 'none')")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    print(f"heavy modules imported by cleantext.cli: {loaded.stdout.strip()}")
    probe = ("import sys; from cleantext import Pipeline, FixEncoding, Dedup, StripDebris; "
             "Pipeline([FixEncoding(), Dedup(), StripDebris()]).clean('hi\\n'); "
             f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules) or 'none')")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    print(f"heavy modules imported to clean one plain line: {loaded.stdout.strip()}")


if __name__ == "__main__":
    main()
