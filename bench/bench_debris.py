"""strip-debris alone on the dev pages, as the CLI runs it, against ftfy on the same pages.

    python bench/bench_debris.py [--repeat 5] [--compare OLD_CHECKOUT]

Each measurement is a fresh Python process (start-up work such as compiling the rules'
regexes counts, as it does for every `cleantext` run) that reads the 191 dev pages
(the same as ``bench_batch.py --dev-pages``), splits them into lines, and then times, in
CPU seconds (user + system):

- ``import``: importing `cleantext` (as ``cleantext clean`` does, which imports
  strip-debris's modules and their data),
- ``strip-debris``: one `StripDebris()` cleaning each page in a run of its own (as
  ``cleantext clean DIR`` does, when no option needs state across files), every
  output line consumed: the cold cost, first use included (rules compiled, memos empty),
  which every ``cleantext`` process and every ``-j 2`` worker pays,
- ``warm``: the same stage cleaning the same pages again (fresh lines): the rules
  compiled, the verdicts and facts of lines up to 300 characters remembered (a process
  that goes on to more files of the same sites),
- ``ftfy``: ``ftfy.fix_text`` on each page in the same process (the baseline).

With ``--compare DIR`` (a directory holding another `cleantext` package, e.g. main from
``git archive main | tar -x -C /tmp/main``) the same worker runs that code too, the
checkouts taking turns round by round; the output of both is compared line by line
(which lines each removes, and why). The best of ``--repeat`` rounds is kept (a shared
machine is noisy); the load average is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
DEV_PAGES = [(EVAL / "extraction-dev", "*.txt"), (EVAL / "cleaneval-dev", "*.txt"),
             (EVAL / "multilingual-dev" / "multilingual", "*.page.txt")]


def page_paths() -> list[Path]:
    pages = [p for folder, pattern in DEV_PAGES for p in sorted(folder.glob(pattern))
             if not p.name.endswith(".expected.txt")]
    if not pages:
        raise SystemExit(f"no dev pages under {EVAL}")
    return pages


def cpu() -> float:
    return time.process_time()  # this process's user + system time, finer than os.times()


def worker(code: str) -> None:
    """Time one pass in this process and print it as JSON (see the module docstring)."""
    sys.path.insert(0, code)
    texts = [p.read_text("utf-8", "surrogateescape") for p in page_paths()]
    started = cpu()
    import cleantext
    from cleantext import StripDebris, split_lines

    imported = cpu()
    documents = [split_lines(text, str(n)) for n, text in enumerate(texts)]
    begun = cpu()
    stage = StripDebris()
    removals = []
    for lines in documents:  # a run per file, as `cleantext clean DIR` cleans them
        for line in stage.start()(iter(lines)):
            removals.append(None if line.removed is None else (line.removed.rule, line.removed.detail))
    ended = cpu()
    again = [split_lines(text, str(n)) for n, text in enumerate(texts)]
    warm_begun = cpu()
    for lines in again:
        for line in stage.start()(iter(lines)):
            pass
    warm_ended = cpu()
    import ftfy

    ftfy_begun = cpu()
    for text in texts:
        ftfy.fix_text(text)
    ftfy_ended = cpu()
    print(json.dumps({"import": imported - started, "strip-debris": ended - begun, "warm": warm_ended - warm_begun,
                      "ftfy": ftfy_ended - ftfy_begun,
                      "lines": sum(map(len, documents)), "package": os.path.dirname(cleantext.__file__),
                      "output": removals}))


#: Bytecode caching on, as after an install (see bench_startup.py): imports read .pyc files.
ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def measure(code: str) -> dict:
    result = subprocess.run([sys.executable, __file__, "--worker", code], capture_output=True, text=True, check=True,
                            env=ENVIRONMENT)
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--compare", metavar="DIR", help="another checkout (a directory holding `cleantext`)")
    parser.add_argument("--worker", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
    checkouts = {"this checkout": str(ROOT)}
    if args.compare:
        checkouts = {f"compared ({args.compare})": str(Path(args.compare).resolve()), **checkouts}
    best: dict[str, dict] = {}
    outputs = {}
    for _ in range(args.repeat):
        for name, code in checkouts.items():
            found = measure(code)
            outputs[name] = found.pop("output")
            kept = best.setdefault(name, found)
            for key in ("import", "strip-debris", "warm", "ftfy"):
                kept[key] = min(kept[key], found[key])
    print(f"{found['lines']:,} lines, {len(page_paths())} dev pages; best of {args.repeat}; "
          f"load average {os.getloadavg()[0]:.1f}")
    print("| code | import s | strip-debris CPU s (cold) | warm s | ftfy CPU s | cold / ftfy | lines/s (cold) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, row in best.items():
        print(f"| {name} ({row['package']}) | {row['import']:.3f} | {row['strip-debris']:.3f} | {row['warm']:.3f} "
              f"| {row['ftfy']:.3f} | {row['strip-debris'] / row['ftfy']:.2f} | {row['lines'] / row['strip-debris']:,.0f} |")
    if len(outputs) == 2:
        old, new = outputs.values()
        same = old == new
        print(f"same removals (rule and detail of every line): {same}")
        if not same:
            raise SystemExit("outputs differ")


if __name__ == "__main__":
    main()
