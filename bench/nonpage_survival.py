"""Non-page documents found on this machine: does strip-debris leave them whole?

The shared dev set `multilingual-dev/survive/` holds 47 documents that are not page
dumps (Debian changelogs, AUTHORS/THANKS lists, licence texts, Python modules, numpy's
test CSV files), taken from a stock Debian + Python machine. This machine has thousands
more of each kind, so this script draws a larger sample of the same kinds, and READMEs (seeded,
skipping the dev documents themselves), as held-out data for the question "does the
stage ever delete a document that is not a page?", and prints the share of non-blank
lines kept per kind, the worst documents and why their lines went.

    python bench/nonpage_survival.py                 # 120 changelogs, 120 licences, ...
    python bench/nonpage_survival.py --per-kind 40 --worst 10 --keep /tmp/nonpage

Everything runs in process through `Pipeline([StripDebris()])` (what `cleantext
strip-debris` runs). A kind whose files this machine lacks is skipped.
"""

from __future__ import annotations

import argparse
import glob
import gzip
import hashlib
import os
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleantext import Pipeline, StripDebris, split_lines  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "multilingual-dev" / "survive"
SITE = f"{sys.prefix}/lib/python{sys.version_info.major}.{sys.version_info.minor}"
BASE = f"{sys.base_prefix}/lib/python{sys.version_info.major}.{sys.version_info.minor}"
NAME_FILES = ("AUTHORS", "THANKS", "CONTRIBUTORS", "CREDITS")


def _name_files() -> list[str]:
    found = glob.glob("/usr/share/doc/*/AUTHORS*") + glob.glob("/usr/share/doc/*/THANKS*")
    for folder in {SITE, BASE}:
        found += [p for p in glob.glob(f"{folder}/site-packages/**/*", recursive=True)
                  if os.path.basename(p).split(".")[0].upper() in NAME_FILES]
    return found


KINDS = {
    "changelog": lambda: glob.glob("/usr/share/doc/*/changelog*.gz"),
    "licence": lambda: glob.glob("/usr/share/common-licenses/*") + glob.glob("/usr/share/doc/*/copyright"),
    "python": lambda: glob.glob(f"{BASE}/*.py"),
    "names": _name_files,
    "csv": lambda: glob.glob(f"{BASE}/site-packages/**/*.csv", recursive=True)
    + glob.glob(f"{SITE}/site-packages/**/*.csv", recursive=True),
    # Last, so the kinds above draw the same documents as before it was added.
    "readme": lambda: glob.glob("/usr/share/doc/*/README*"),
}


def _read(path: str) -> str | None:
    try:
        data = gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read()
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError, EOFError):
        return None


def sample(per_kind: int, max_lines: int, seed: int) -> list[tuple[str, str]]:
    """(name, text) of up to `per_kind` documents of each kind, at least 5 lines each."""
    dev = {hashlib.md5(p.read_bytes()).hexdigest() for p in DEV.glob("*.txt")} if DEV.is_dir() else set()
    rng = random.Random(seed)
    documents = []
    for kind, find in KINDS.items():
        paths = sorted(set(find()))
        rng.shuffle(paths)
        taken = 0
        for path in paths:
            if taken == per_kind:
                break
            text = _read(path) if os.path.isfile(path) else None
            lines = text.splitlines()[:max_lines] if text else []
            body = "\n".join(lines) + "\n"
            if len(lines) < 5 or hashlib.md5(body.encode()).hexdigest() in dev:
                continue
            documents.append((f"{kind}-{taken:03d} ({path})", body))
            taken += 1
    return documents


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=120)
    parser.add_argument("--max-lines", type=int, default=900, help="first lines of each file (as the dev set)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--worst", type=int, default=8)
    parser.add_argument("--keep", metavar="DIR", help="also write the sampled documents here")
    args = parser.parse_args()
    documents = sample(args.per_kind, args.max_lines, args.seed)
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
        for name, body in documents:
            (Path(args.keep) / f"{name.split()[0]}.txt").write_text(body, encoding="utf-8")
    pipeline = Pipeline([StripDebris()])
    kept_by_kind: Counter[str] = Counter()
    total_by_kind: Counter[str] = Counter()
    docs_by_kind: Counter[str] = Counter()
    worst = []
    for name, body in documents:
        lines = pipeline.clean_lines(split_lines(body))
        content = [line for line in lines if line.text.strip()]
        lost = [line for line in content if line.removed is not None]
        kind = name.split("-")[0]
        kept_by_kind[kind] += len(content) - len(lost)
        total_by_kind[kind] += len(content)
        docs_by_kind[kind] += 1
        if lost:
            reasons = Counter(line.removed.rule for line in lost if line.removed is not None)
            worst.append(((len(content) - len(lost)) / len(content), name, len(content), reasons))
    print("| kind | documents | non-blank lines | kept |\n|---|---:|---:|---:|")
    for kind in total_by_kind:
        print(f"| {kind} | {docs_by_kind[kind]} | {total_by_kind[kind]:,} | {kept_by_kind[kind] / total_by_kind[kind]:.4f} |")
    total = sum(total_by_kind.values())
    below = sum(1 for share, *_ in worst if share < 0.98)
    print(f"| all | {len(documents)} | {total:,} | {sum(kept_by_kind.values()) / max(total, 1):.4f} |\n")
    print(f"documents losing any line: {len(worst)}; below 0.98 kept: {below}")
    for share, name, lines, reasons in sorted(worst)[:args.worst]:
        print(f"  {share:.3f} of {lines} lines  {name}  {dict(reasons.most_common(3))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
