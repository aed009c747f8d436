"""Peak memory and time to first output of `cleantext clean` on one large document.

Builds the inputs under ``--data`` (once; reused afterwards):

* ``pages-NMB.txt``: the real pages of ``../shared/eval`` (extraction-dev and
  cleaneval-dev inputs) one after another, repeated into one document of N MB, as a
  scraper that concatenates a site's pages writes it;
* ``line-NMB.txt``: the same pages' words run together into a single line of N MB
  (Japanese, Russian, emoji...: in memory, 4 bytes a character);
* ``ascii-line-NMB.txt``: the same with every non-ASCII character left out (1 byte a
  character).

Each command runs as a subprocess reading the file on standard input, writing to a pipe
that is drained, and is measured with ``os.wait4`` (peak RSS of that process alone),
next to ``cat`` on the same file as the baseline, in the same run. "First output" is
the time from start to the first byte on standard output; CPU is user + system time of
the process (wall time depends on how busy the machine is).

Example:
    python bench/bench_memory.py --sizes 50 500 --line 44 --ascii-line 44
    python bench/bench_memory.py --sizes 50 --line 44 -- cleantext strip-debris
    python bench/bench_memory.py --sizes --line 44 --ascii-line 44 --compare /tmp/old-checkout
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
EVAL = HERE.parent.parent / "shared" / "eval"
MB = 1_000_000


def dev_pages() -> list[bytes]:
    pages = []
    for folder in ("extraction-dev", "cleaneval-dev"):
        for path in sorted((EVAL / folder).glob("*.txt")):
            if not path.name.endswith(".expected.txt"):
                pages.append(path.read_bytes().rstrip(b"\n") + b"\n")
    if not pages:
        sys.exit(f"bench_memory: no dev pages under {EVAL}")
    return pages


def build(path: Path, size: int, one_line: bool, ascii_only: bool = False) -> Path:
    """Write `size` bytes of dev pages to `path` (as one line when `one_line`)."""
    if path.exists() and path.stat().st_size >= size:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    pages = dev_pages()
    if ascii_only:
        pages = [page.decode("utf-8", "ignore").encode("ascii", "ignore") for page in pages]
    if one_line:
        pages = [b" ".join(page.split()) + b" " for page in pages]
    temp = path.with_suffix(".tmp")
    written = 0
    with open(temp, "wb") as out:
        while written < size:
            for page in pages:
                piece = page[: size - written]
                out.write(piece)
                written += len(piece)
                if written >= size:
                    break
        out.write(b"\n")
    temp.replace(path)
    return path


def measure(command: list[str], path: Path, cwd: Path | None = None) -> dict:
    """Peak RSS (MB), wall seconds and seconds to the first output byte of `command` < `path`."""
    with open(path, "rb") as stdin:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=cwd)
        assert process.stdout is not None
        first = process.stdout.read1(1 << 16)
        first_at = time.perf_counter() - started if first else None
        size = len(first)
        while chunk := process.stdout.read1(1 << 20):
            size += len(chunk)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
    return {"rss_mb": usage.ru_maxrss / 1024, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
            "first": first_at, "out_mb": size / MB, "status": process.returncode}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[50], help="document sizes in MB")
    parser.add_argument("--line", type=int, nargs="*", default=[44], help="single-line sizes in MB")
    parser.add_argument("--ascii-line", type=int, nargs="*", default=[], help="ASCII single-line sizes in MB")
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "cleantext-bench-memory")
    parser.add_argument("--compare", metavar="DIR", type=Path,
                        help="also measure `python -m cleantext clean` run in DIR, another checkout "
                             "(e.g. from `git archive`), in the same run")
    parser.add_argument("command", nargs="*", help="command to measure (default: cleantext clean)")
    args = parser.parse_args()
    command = args.command or [shutil.which("cleantext") or "cleantext", "clean"]
    inputs = [build(args.data / f"pages-{n}MB.txt", n * MB, False) for n in args.sizes]
    inputs += [build(args.data / f"line-{n}MB.txt", n * MB, True) for n in args.line]
    inputs += [build(args.data / f"ascii-line-{n}MB.txt", n * MB, True, True) for n in args.ascii_line]
    print(f"command: {' '.join(command)}")
    print("| input | MB | contender | peak RSS MB | RSS / input | CPU s | wall s | first output s | output MB |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|")
    for path in inputs:
        size = path.stat().st_size / MB
        contenders: list[tuple[str, list[str], Path | None]] = [("cat", ["cat"], None), ("cleantext", command, None)]
        if args.compare:
            contenders.append((f"cleantext ({args.compare})", [sys.executable, "-m", "cleantext", "clean"],
                               args.compare.resolve()))
        for name, argv, cwd in contenders:
            result = measure(argv, path, cwd)
            first = "-" if result["first"] is None else f"{result['first']:.2f}"
            failed = "" if result["status"] == 0 else f" (exit {result['status']})"
            print(f"| {path.name} | {size:.0f} | {name}{failed} | {result['rss_mb']:.0f} | "
                  f"{result['rss_mb'] / size:.2f} | {result['cpu']:.1f} | {result['wall']:.1f} | {first} | "
                  f"{result['out_mb']:.1f} |",
                  flush=True)


if __name__ == "__main__":
    main()
