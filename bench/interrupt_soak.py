"""Interrupt soak: SIGINT / SIGTERM at random moments, under CPU load, counting outcomes.

    python bench/interrupt_soak.py [--seconds 120] [--burners 2] [--seed 1] [--start-up]

Runs the real command over and over (standard input, -o, --output-dir -j 2,
--in-place), sends SIGINT to the process or SIGTERM to its process group at a random
moment, and checks what the README promises: exit 130 (or 0 if the run finished
first), at most one line on stderr and no traceback, no ``.tmp`` file left, an
existing output either untouched or completely written, no process left behind, no
hang. `--burners` CPU-burning processes run alongside to widen the race windows.
By default the signal comes after the command has created its first temporary file
(cleantext code is running); `--start-up` also picks moments from the first 150 ms,
where the interpreter itself may still be starting. Prints the counts per scenario
and outcome, and the first few bad runs in detail (a hang is dumped with faulthandler
before it is killed). Bounded by `--seconds`; nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMAND = [sys.executable, "-m", "cleantext"]
HANG_SECONDS = 15
ORIGINAL = b"previous result\n"


def text(rng: random.Random, lines: int) -> bytes:
    words = [f"w{n}" for n in range(3000)]
    return "".join("Line " + " ".join(rng.choices(words, k=10)) + "\n" for _ in range(lines)).encode()


def burn() -> None:
    while True:
        pass


class Scenario:
    """One way to run the command; `prepare` lays out files, `check` judges the result."""

    name = ""
    stdin_data: bytes | None = None

    def __init__(self, data: bytes, expected: bytes):
        self.data, self.expected = data, expected

    def args(self, root: Path) -> list[str]:
        raise NotImplementedError

    def prepare(self, root: Path) -> None:
        pass

    def outputs_ok(self, root: Path, code: int) -> str | None:
        return None


class StdinToFile(Scenario):
    name = "stdin -o"

    def prepare(self, root):
        (root / "out.txt").write_bytes(ORIGINAL)

    def args(self, root):
        return ["clean", "-", "-o", str(root / "out.txt")]

    def outputs_ok(self, root, code):
        return None if (root / "out.txt").read_bytes() == ORIGINAL else "existing -o output changed"


class StdinToStdout(Scenario):
    name = "stdin stdout"

    def args(self, root):
        return ["clean"]


class FileToFile(Scenario):
    name = "file -o"

    def prepare(self, root):
        (root / "in.txt").write_bytes(self.data)
        (root / "out.txt").write_bytes(ORIGINAL)

    def args(self, root):
        return ["clean", str(root / "in.txt"), "-o", str(root / "out.txt")]

    def outputs_ok(self, root, code):
        got = (root / "out.txt").read_bytes()
        if got == ORIGINAL or (code == 0 and got == self.expected):
            return None
        return "-o output damaged"


class OutputDirJobs(Scenario):
    name = "--output-dir -j2"

    def prepare(self, root):
        (root / "in").mkdir()
        for n in range(4):
            (root / "in" / f"{n}.txt").write_bytes(self.data)

    def args(self, root):
        return ["clean", str(root / "in"), "--output-dir", str(root / "out"), "-j", "2"]

    def outputs_ok(self, root, code):
        for path in (root / "out").glob("*") if (root / "out").exists() else ():
            if path.read_bytes() != self.expected:
                return f"partial output {path.name}"
        return None


class InPlace(Scenario):
    name = "--in-place"

    def prepare(self, root):
        (root / "in").mkdir()
        for n in range(2):
            (root / "in" / f"{n}.txt").write_bytes(self.data)

    def args(self, root):
        return ["clean", str(root / "in"), "--in-place", "-j", "1"]

    def outputs_ok(self, root, code):
        for path in (root / "in").glob("*"):
            if path.read_bytes() not in (self.data, self.expected):
                return f"in-place file damaged {path.name}"
        return None


SCENARIOS = (StdinToFile, StdinToStdout, FileToFile, OutputDirJobs, InPlace)


def leftovers(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.name.endswith(".tmp"))


def alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def one_run(scenario: Scenario, root: Path, rng: random.Random, start_up: bool) -> tuple[str, str]:
    scenario.prepare(root)
    signum = rng.choice((signal.SIGINT, signal.SIGTERM))
    env = {**os.environ, "PYTHONFAULTHANDLER": "1"}
    stdin = subprocess.PIPE if isinstance(scenario, (StdinToFile, StdinToStdout)) else subprocess.DEVNULL
    stdout = subprocess.DEVNULL
    process = subprocess.Popen([*COMMAND, *scenario.args(root)], stdin=stdin, stdout=stdout,
                               stderr=subprocess.PIPE, start_new_session=True, env=env)
    if stdin == subprocess.PIPE:
        try:
            process.stdin.write(scenario.data[: rng.randrange(1, 20_000)])
            process.stdin.flush()
        except BrokenPipeError:
            pass
    if start_up and rng.random() < 0.5:
        time.sleep(rng.uniform(0, 0.15))
        phase = "start-up"
    else:
        deadline = time.monotonic() + 10
        while not leftovers(root) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.05))
        phase = "running"
    sig_name = signal.Signals(signum).name
    try:
        if signum == signal.SIGINT:
            process.send_signal(signum)  # Ctrl-C as a test sends it: the main process only
        else:
            os.killpg(process.pid, signum)  # a service manager: the whole group
    except ProcessLookupError:
        pass
    try:
        code = process.wait(timeout=HANG_SECONDS)
        hang = None
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)  # faulthandler dumps every thread's stack
        code = process.wait(timeout=10)
        hang = "hang"
    stderr = process.stderr.read().decode(errors="replace")
    if process.stdin:
        process.stdin.close()
    deadline = time.monotonic() + 3  # a forkserver or worker may take a moment to see EOF
    while alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    stray = alive(process.pid)
    if stray:
        os.killpg(process.pid, signal.SIGKILL)
    problems = []
    if hang:
        problems.append("hang")
    elif code not in (130, 0):
        problems.append(f"exit {code}")
    if "Traceback" in stderr:
        problems.append("traceback")
    if code == 130 and stderr.count("\n") != 1:
        problems.append("blank line before message" if stderr.lstrip("\n").count("\n") == 1
                        else "stderr not one line")
    if leftovers(root):
        problems.append("leftover .tmp")
    if stray:
        problems.append("process left behind")
    damaged = scenario.outputs_ok(root, code) if not hang else None
    if damaged:
        problems.append(damaged)
    outcome = ", ".join(problems) if problems else ("ok 130" if code == 130 else f"ok {code}")
    return f"{scenario.name:17} {sig_name:7} {phase:8} {outcome}", stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--burners", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start-up", action="store_true")
    parser.add_argument("--only", default=None, help="run only scenarios whose name contains this")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    data = text(rng, 40_000)
    expected = subprocess.run([*COMMAND, "clean"], input=data, capture_output=True, check=True).stdout
    scenarios = [cls(data, expected) for cls in SCENARIOS if args.only is None or args.only in cls.name]
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.burners)]
    counts: collections.Counter[str] = collections.Counter()
    details: list[str] = []
    seen: set[str] = set()
    runs = 0
    started = time.monotonic()
    try:
        while time.monotonic() - started < args.seconds:
            scenario = rng.choice(scenarios)
            root = Path(tempfile.mkdtemp(prefix="cleantext-soak-"))
            try:
                key, stderr = one_run(scenario, root, rng, args.start_up)
            finally:
                shutil.rmtree(root, ignore_errors=True)
            runs += 1
            counts[key] += 1
            if not key.endswith(("ok 130", "ok 0")) and key not in seen and len(details) < 8:
                seen.add(key)
                details.append(f"--- {key}\n{stderr[-3000:]}")
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
    bad = sum(n for key, n in counts.items() if not key.endswith(("ok 130", "ok 0")))
    print(f"{runs} runs in {time.monotonic() - started:.0f} s with {args.burners} CPU burners; {bad} bad")
    for key, n in sorted(counts.items()):
        print(f"{n:5}  {key}")
    for detail in details:
        print(detail)


if __name__ == "__main__":
    main()
