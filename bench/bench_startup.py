"""Start-up cost of the command: `cleantext --help` and a one-line `cleantext clean`
against `python -c pass` and `python -c 'import click'`, in one run.

    python bench/bench_startup.py [--repeat 20] [--compare OTHER_CHECKOUT]

The commands take turns, one of each per round, so load on a shared machine hits them
alike; each is a fresh process. Prints the best and median wall time and the best CPU
time (user + system) of each, their ratios to `import click` (issue 11: `echo hi |
cleantext clean` within 3x), the load average, and which heavy modules (ftfy,
rapidfuzz, numpy, regex) importing the CLI, and cleaning one plain line, pull in: none
of them should be needed. `--compare` adds the same one-line clean run from another
checkout (a directory holding a `cleantext` package, e.g. from `git archive`).

Every command runs with bytecode caching on (`PYTHONDONTWRITEBYTECODE` unset) after one
warm-up round, as after `pip install`, which compiles the package: click's modules come
with their `.pyc` files, so a run that recompiles cleantext's sources each time (about
40 ms) would compare unlike with unlike.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent  # this checkout: `-m cleantext` runs its code
HEAVY = ("ftfy", "rapidfuzz", "numpy", "regex")


def commands(compare: str | None) -> dict[str, tuple[list[str], bytes, Path]]:
    python = sys.executable
    found = {
        "python -c pass": ([python, "-c", "pass"], b"", HERE),
        "python -c 'import click'": ([python, "-c", "import click"], b"", HERE),
        "cleantext --help": ([python, "-m", "cleantext", "--help"], b"", HERE),
        "cleantext --version": ([python, "-m", "cleantext", "--version"], b"", HERE),
        "echo hi | cleantext clean": ([python, "-m", "cleantext", "clean"], b"hi\n", HERE),
    }
    if compare:
        found["echo hi | cleantext clean (--compare)"] = ([python, "-m", "cleantext", "clean"], b"hi\n",
                                                           Path(compare).resolve())
    return found


ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str], stdin: bytes, cwd: Path) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run of `command` in `cwd`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, input=stdin, stdout=subprocess.DEVNULL, check=True, cwd=cwd, env=ENVIRONMENT)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def loaded_modules(code: str) -> str:
    probe = f"import sys; {code}; print(' '.join(m for m in {HEAVY!r} if m in sys.modules) or 'none')"
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                          cwd=HERE, env=ENVIRONMENT).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--compare", metavar="DIR", help="another checkout to time `echo hi | cleantext clean` from")
    args = parser.parse_args()
    runs = commands(args.compare)
    walls: dict[str, list[float]] = {name: [] for name in runs}
    cpus: dict[str, list[float]] = {name: [] for name in runs}
    for command, stdin, cwd in runs.values():
        timed(command, stdin, cwd)  # warm-up: writes the bytecode caches
    load = os.getloadavg()
    for _ in range(args.repeat):
        for name, (command, stdin, cwd) in runs.items():
            wall, cpu = timed(command, stdin, cwd)
            walls[name].append(wall)
            cpus[name].append(cpu)
    load = tuple(max(a, b) for a, b in zip(load, os.getloadavg()))
    click_wall, click_cpu = min(walls["python -c 'import click'"]), min(cpus["python -c 'import click'"])
    print(f"best of {args.repeat}, commands in turn; load average (1, 5, 15 min, highest seen): "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {os.cpu_count()} cores\n")
    print(f"{'command':40} {'best ms':>8} {'median ms':>10} {'x click':>8} {'CPU ms':>7} {'CPU x click':>12}")
    for name in runs:
        wall, cpu = min(walls[name]), min(cpus[name])
        print(f"{name:40} {wall * 1e3:8.1f} {statistics.median(walls[name]) * 1e3:10.1f} {wall / click_wall:7.2f}x "
              f"{cpu * 1e3:7.1f} {cpu / click_cpu:11.2f}x")
    print(f"heavy modules imported by cleantext.cli: {loaded_modules('import cleantext.cli')}")
    clean_one = ("from cleantext import Pipeline, FixEncoding, Dedup, StripDebris; "
                 "Pipeline([FixEncoding(), Dedup(), StripDebris()]).clean('hi\\n')")
    print(f"heavy modules imported to clean one plain line: {loaded_modules(clean_one)}")


if __name__ == "__main__":
    main()
