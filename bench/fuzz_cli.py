"""Throw random and mutated input at the CLI for a bounded time and count tracebacks.

A traceback is a bug: every bad input must end in a one-line message and a documented
exit code. Inputs are random bytes and mutations of the samples (samples/*.txt, or
generated scraped-looking text when there are none): bit flips, cut and repeated
spans, inserted control bytes, byte order marks and invalid UTF-8, as plain text,
JSON Lines and gzip files, several documents on one stream with form feed, NUL or
text separators, UTF-16 and UTF-32 with byte order marks, through every subcommand.
Most runs are in-process (Click's CliRunner, fast); a few go through a real
`python -m cleantext` process, among them file scenarios: an output (`-o`, `--removed`,
`--stats`) that is the input itself or a symbolic or hard link to it (the input must
survive), and a directory holding a named pipe (a hang counts as a failure).

    python bench/fuzz_cli.py --seconds 60 --seed 7

Prints a summary and exits 1 if any run raised an exception that was not an exit.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from cleantext.cli import cli

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = [
    ["clean"], ["dedup"], ["fix-encoding"], ["strip-debris"], ["fix-encoding", "dedup", "strip-debris"],
    ["dedup", "--threshold", "100"], ["dedup", "--scope", "window", "--window", "3"],
    ["clean", "--removed", "-"], ["clean", "--stats", "-"], ["--jsonl", "clean"],
    ["--jsonl", "--on-bad-record", "skip", "clean"], ["-i", "-", "-i", "-", "dedup", "--scope", "corpus"],
    ["--separator", "formfeed", "clean", "--removed", "-"], ["--separator", "nul", "dedup", "--stats", "-"],
    ["--separator", "<doc>", "fix-encoding", "strip-debris"], ["--jsonl", "--text-field", "body", "clean"],
]
#: Byte order marks put in front of a whole input, or the whole input re-encoded.
WIDE_ENCODINGS = ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]
SPICE = [b"\x00", b"\xff", b"\xc3", b"\xe2\x80", b"\r", b"\r\n", b"\n\n\n", b"\xef\xbb\xbf", b"\xff\xfe",
         b"\x1b[31m", b"&amp;", "Ã©".encode(), b"\xed\xa0\x80", b'{"text": ', b'"}', b"\\u0000", b"\t",
         b"\x0c", b"\x00", b"<doc>", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\xfe\xff",
         b'"\\ud800"', b"1e400", b'"text": "x", "text": "y"']


def seeds() -> list[bytes]:
    samples = [p.read_bytes() for p in sorted((ROOT / "samples").glob("*.txt"))
               if not p.name.endswith(".expected.txt")]
    if samples:
        return samples
    lines = ["Title of the page", "Home | News | Contact", "Read more", "cafÃ© &amp; bar",
             "The article body says something long enough to count as prose.", "Share on Facebook",
             "[an error occurred while processing this directive]", "© 2024 Example Ltd."]
    rng = random.Random(0)
    return ["\n".join(rng.choice(lines) for _ in range(40)).encode() for _ in range(4)]


def mutate(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        choice = rng.random()
        position = rng.randint(0, len(data))
        if choice < 0.25 and data:
            index = rng.randrange(len(data))
            data[index] ^= 1 << rng.randrange(8)
        elif choice < 0.5:
            data[position:position] = rng.choice(SPICE)
        elif choice < 0.7 and data:
            end = min(len(data), position + rng.randint(1, 200))
            data[position:end] = data[position:end] * rng.randint(0, 4)
        elif choice < 0.85:
            data[position:position] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 32)))
        else:
            data = data[: rng.randint(0, len(data))]
    return bytes(data)


def as_jsonl(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("utf-8", "surrogateescape")
    records = [json.dumps({"id": n, "text": part}, ensure_ascii=rng.random() < 0.5)
               for n, part in enumerate(text.split("\n\n"))]
    return mutate("\n".join(records).encode("utf-8", "surrogatepass"), rng) if rng.random() < 0.5 \
        else "\n".join(records).encode("utf-8", "surrogatepass")


def one_input(rng: random.Random, pool: list[bytes]) -> bytes:
    roll = rng.random()
    if roll < 0.2:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 2000)))
    if roll < 0.35:
        return as_jsonl(rng.choice(pool), rng)
    if roll < 0.45:  # several documents on one stream
        separator = rng.choice([b"\x0c", b"\x00", b"<doc>"])
        return separator.join(mutate(rng.choice(pool), rng) for _ in range(rng.randint(1, 5)))
    if roll < 0.55:  # UTF-16 or UTF-32, with or without damage
        text = rng.choice(pool).decode("utf-8", "replace")
        data = text.encode(rng.choice(WIDE_ENCODINGS))
        return mutate(data, rng) if rng.random() < 0.3 else data
    return mutate(rng.choice(pool), rng)


def file_scenario(rng: random.Random, data: bytes, scratch: Path, run: int) -> tuple[list[str], Path, bytes]:
    """An input file and outputs that may be the same file (directly or through links),
    or a directory that holds a named pipe: returns the command, the input, its bytes."""
    folder = scratch / f"case{run}"
    folder.mkdir()
    source = folder / "in.txt"
    source.write_bytes(data)
    roll = rng.random()
    if roll < 0.3 and hasattr(os, "mkfifo"):  # a named pipe beside the input: must be skipped
        os.mkfifo(folder / "pipe.txt")
        return ["clean", str(folder), "-o", str(scratch / f"out{run}.txt")], source, data
    alias = source
    if roll < 0.5:
        alias = folder / "alias.txt"
        os.symlink(source, alias)
    elif roll < 0.7:
        alias = folder / "hard.txt"
        os.link(source, alias)
    flag = rng.choice(["-o", "--removed", "--stats"])
    other = [rng.choice(["-o", "--removed", "--stats"]), str(alias)] if rng.random() < 0.3 else []
    if other and other[0] == flag:
        other = []
    return ["clean", str(source), flag, str(alias if not other else scratch / f"x{run}"), *other], source, data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--process-every", type=int, default=40,
                        help="every Nth run goes through a real process (0: never)")
    parser.add_argument("--keep", type=int, default=3, help="save this many failing inputs")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    pool = seeds()
    runner = CliRunner()
    runs, exits, tracebacks = 0, Counter(), Counter()
    deadline = time.monotonic() + args.seconds
    with tempfile.TemporaryDirectory(prefix="cleantext-fuzz-") as scratch:
        while time.monotonic() < deadline:
            runs += 1
            data = one_input(rng, pool)
            command = rng.choice(COMMANDS)
            if rng.random() < 0.15:  # a gzip file, sometimes corrupt
                path = Path(scratch) / f"in{runs}.txt.gz"
                packed = gzip.compress(data)
                path.write_bytes(mutate(packed, rng) if rng.random() < 0.5 else packed)
                command = ["-i", str(path), *command]
            if rng.random() < 0.08:  # same-file outputs and named pipes, in a real process (a hang shows)
                command, source, before = file_scenario(rng, data, Path(scratch), runs)
                try:
                    done = subprocess.run([sys.executable, "-m", "cleantext", *command], capture_output=True,
                                          timeout=60, env={**os.environ, "CLEANTEXT_DEBUG": "1"})
                except subprocess.TimeoutExpired:
                    tracebacks["hang: " + " ".join(command[:1] + command[2:3])] += 1
                    continue
                exits[done.returncode] += 1
                if b"Traceback" in done.stderr:
                    tracebacks["traceback in a file scenario: " + done.stderr.decode("utf-8", "replace")
                               .strip().splitlines()[-1][:120]] += 1
                if source.read_bytes() != before:
                    tracebacks[f"input destroyed by {' '.join(command[2:])}"] += 1
                continue
            if args.process_every and runs % args.process_every == 0:
                done = subprocess.run([sys.executable, "-m", "cleantext", *command], input=data,
                                      capture_output=True, timeout=120,
                                      env={**os.environ, "CLEANTEXT_DEBUG": "1"})  # show bugs
                exits[done.returncode] += 1
                if b"Traceback" in done.stderr:
                    last = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1]
                    frames = re.findall(r'File "([^"]+)", line (\d+)', done.stderr.decode("utf-8", "replace"))
                    where = f"{Path(frames[-1][0]).name}:{frames[-1][1]}, " if frames else ""
                    tracebacks[re.sub(r"\d+|'\\\w+'", "N", last)[:120] + f" (at {where}in a process)"] += 1
                    if sum(tracebacks.values()) <= args.keep:
                        _keep(data, command, seed, runs)
                continue
            result = runner.invoke(cli, command, input=data)
            exits[result.exit_code] += 1
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                tracebacks[_kind(result.exception)] += 1
                if sum(tracebacks.values()) <= args.keep:
                    _keep(data, command, seed, runs)
    print(f"seed {seed}: {runs} runs in {args.seconds:.0f}s; exit codes {dict(sorted(exits.items()))}")
    print(f"tracebacks: {sum(tracebacks.values())}")
    for kind, count in tracebacks.most_common():
        print(f"  {count} x {kind}")
    return 1 if tracebacks else 0


def _kind(error: BaseException) -> str:
    """Exception type, message without numbers, and the innermost frame: one bug, one line."""
    frame = traceback.extract_tb(error.__traceback__)[-1]
    message = re.sub(r"\d+|'\\\w+'", "N", str(error))[:120]
    return f"{type(error).__name__}: {message} (at {Path(frame.filename).name}:{frame.lineno})"


def _keep(data: bytes, command: list[str], seed: int, run: int) -> None:
    """Save a failing input in the working directory to reproduce it."""
    path = Path(f"fuzz-failure-{seed}-{run}.bin")
    path.write_bytes(data)
    print(f"failure: cleantext {' '.join(command)} < {path}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
