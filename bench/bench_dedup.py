"""Benchmark `cleantext dedup` against an exhaustive reference and `awk '!seen[$0]++'`.

For each size the real command runs as a subprocess under /usr/bin/time (wall and CPU
seconds, peak RSS), on a corpus from `dedup_corpus.py`. Its removals (read back from
``--removed``) are compared with the exhaustive answer: every line compared with every
earlier kept line with rapidfuzz `process.cdist`. That is quadratic, so above
``--exhaustive-max`` lines recall is *estimated*: a random sample of the lines the
command kept is brute-forced against all lines it kept before them; a sampled line
that reaches the threshold against one of them is a removal the command missed.
Precision is then not measured (every removal is verified by construction; it can only
differ from the exhaustive answer through cascades). The sampling estimator is also
printed for the exhaustively checked sizes, so you can see how well it tracks.

Example:
    python bench/bench_dedup.py --sizes 10000 100000 1000000
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from cleantext.stages.dedup import normalize  # noqa: E402
from cleantext.stages.statements import CodeLines, statement_signature  # noqa: E402
from dedup_corpus import CorpusGenerator  # noqa: E402

DEDUP_RULES = {"exact-duplicate", "near-duplicate"}


def corpus(size: int, seed: int, data: Path) -> Path:
    path = data / f"dedup-{size}-s{seed}.txt"
    if not path.exists():
        data.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(".tmp")
        with open(temp, "w", encoding="utf-8") as out:
            out.writelines(line + "\n" for line in CorpusGenerator(seed).lines(size))
        temp.replace(path)
    return path


def timed(command: list[str], stdout=subprocess.DEVNULL) -> dict:
    """Run under /usr/bin/time: wall seconds, user+system CPU seconds, peak RSS in MB."""
    report = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-dedup-time-{os.getpid()}.txt"
    started = time.perf_counter()
    subprocess.run(["/usr/bin/time", "-f", "%U %S %M", "-o", str(report), *command], check=True, stdout=stdout)
    wall = time.perf_counter() - started
    user, system, rss_kb = report.read_text().split()[-3:]
    report.unlink()
    return {"seconds": wall, "cpu": float(user) + float(system), "rss_mb": int(rss_kb) / 1024}


def removed_by_dedup(tsv: Path) -> set[int]:
    with open(tsv, encoding="utf-8", newline="") as rows:
        reader = csv.reader(rows, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        return {int(row[1]) for row in reader if row[2] == "dedup" and row[3] in DEDUP_RULES}


def statement_ids(texts: list[str]) -> tuple[list[bool], list[int]]:
    """Per line: whether dedup treats it as code, and an id of its statement signature."""
    code = CodeLines()
    ids: dict[str, int] = {}
    flags, signature_ids = [], []
    for text in texts:
        flags.append(code.is_code(text))
        signature_ids.append(ids.setdefault(statement_signature(text.strip()), len(ids)))
    return flags, signature_ids


def exhaustive(texts: list[str], threshold: float, min_length: int, block: int = 512,
               chunk: int = 65536) -> set[int]:
    """Line numbers the specification removes: each line against every earlier kept line
    that says the same thing (equal numbers and negations); code lines are left alone."""
    is_code, signature_of = statement_ids(texts)
    exact: set[str] = set()
    normalized: set[tuple[str, int]] = set()
    kept_norms: list[str] = []
    kept_signatures: list[int] = []
    removed: set[int] = set()
    for start in range(0, len(texts), block):
        keys = [t.strip() for t in texts[start:start + block]]
        norms = [normalize(k) for k in keys]
        signatures = signature_of[start:start + block]
        long_rows = [i for i, n in enumerate(norms) if len(n) >= min_length and not is_code[start + i]]
        near_earlier: set[int] = set()
        if kept_norms and long_rows:
            queries = [norms[i] for i in long_rows]
            query_signatures = np.array([signatures[i] for i in long_rows])
            for offset in range(0, len(kept_norms), chunk):
                scores = process.cdist(queries, kept_norms[offset:offset + chunk], scorer=fuzz.ratio,
                                       score_cutoff=threshold, workers=-1, dtype=np.float32)
                same = query_signatures[:, None] == np.array(kept_signatures[offset:offset + chunk])[None, :]
                near_earlier.update(long_rows[r] for r in np.flatnonzero((scores * same).max(axis=1)))
        kept_here: list[int] = []
        for i, key in enumerate(keys):
            if not key or is_code[start + i]:
                continue
            if key in exact:
                removed.add(start + i + 1)
                continue
            norm = norms[i]
            if len(norm) >= min_length:
                if (norm, signatures[i]) in normalized or i in near_earlier or any(
                        signatures[j] == signatures[i] and fuzz.ratio(norm, norms[j], score_cutoff=threshold)
                        for j in kept_here):
                    removed.add(start + i + 1)
                    continue
                normalized.add((norm, signatures[i]))
                kept_here.append(i)
            exact.add(key)
        kept_norms.extend(norms[j] for j in kept_here)
        kept_signatures.extend(signatures[j] for j in kept_here)
    return removed


def sampled_miss_rate(texts: list[str], removed: set[int], threshold: float, min_length: int,
                      sample: int, seed: int) -> tuple[float, int]:
    """Share of kept lines that reach the threshold against an earlier kept line saying the same thing.

    Each sampled line is compared only with earlier kept lines of equal signature whose
    length allows the threshold (``|a - b| <= (1 - T/100) (a + b)``): both are necessary
    for a removal, so the answer is that of comparing with all of them, many times faster."""
    is_code, signature_of = statement_ids(texts)
    kept = [(n, norm, signature_of[n - 1]) for n, norm in ((i + 1, normalize(t.strip())) for i, t in enumerate(texts))
            if n not in removed and len(norm) >= min_length and not is_code[n - 1]]
    rng = random.Random(seed)
    picks = sorted(rng.sample(range(len(kept)), min(sample, len(kept))))
    norms = [norm for _, norm, _ in kept]
    signatures = np.array([signature for _, _, signature in kept])
    lengths = np.array([len(norm) for norm in norms])
    gap = 1 - threshold / 100
    misses = 0
    for position in picks:
        own = lengths[position]
        earlier = np.flatnonzero((signatures[:position] == signatures[position])
                                 & (np.abs(lengths[:position] - own) <= gap * (lengths[:position] + own) + 1e-9))
        if not len(earlier):
            continue
        scores = process.cdist([norms[position]], [norms[i] for i in earlier], scorer=fuzz.ratio,
                               score_cutoff=threshold, workers=-1, dtype=np.float32)
        misses += bool(scores[0].any())
    return misses / len(picks), len(picks)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threshold", type=float, default=90.0)
    parser.add_argument("--min-length", type=int, default=15)
    parser.add_argument("--exhaustive-max", type=int, default=100_000,
                        help="largest size compared exhaustively; larger sizes are sampled")
    parser.add_argument("--sample", type=int, default=2000, help="kept lines brute-forced per sampled size")
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    cleantext = shutil.which("cleantext") or str(Path(sys.executable).parent / "cleantext")
    results = []
    for size in args.sizes:
        path = corpus(size, args.seed, args.data)
        out, tsv = args.data / f"out-{size}.txt", args.data / f"removed-{size}.tsv"
        awk = timed(["awk", "!seen[$0]++", str(path)])
        run = timed([cleantext, "-i", str(path), "-o", str(out), "--removed", str(tsv), "dedup",
                     "--threshold", str(args.threshold), "--min-length", str(args.min_length)])
        removed = removed_by_dedup(tsv)
        texts = path.read_text(encoding="utf-8").split("\n")[:-1]
        row = {"lines": size, **run, "lines_per_s": size / run["seconds"], "awk_seconds": awk["seconds"],
               "vs_awk": run["seconds"] / awk["seconds"], "removed": len(removed)}
        miss_rate, sampled = sampled_miss_rate(texts, removed, args.threshold, args.min_length,
                                               args.sample, args.seed)
        kept_long = sum(1 for i, t in enumerate(texts) if i + 1 not in removed
                        and len(normalize(t.strip())) >= args.min_length)
        estimated_missed = miss_rate * kept_long
        row["recall_sampled"] = len(removed) / (len(removed) + estimated_missed)
        row["sampled"] = sampled
        if size <= args.exhaustive_max:
            cache = args.data / f"exhaustive-v2-{size}-s{args.seed}-t{args.threshold}-m{args.min_length}.json"
            if cache.exists():
                reference = set(json.loads(cache.read_text()))
            else:
                started = time.perf_counter()
                reference = exhaustive(texts, args.threshold, args.min_length)
                row["exhaustive_seconds"] = time.perf_counter() - started
                cache.write_text(json.dumps(sorted(reference)))
            both = len(removed & reference)
            row.update(exhaustive_removed=len(reference), recall=both / len(reference),
                       precision=both / len(removed))
        results.append(row)
        print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()}), flush=True)
    print()
    print("| lines | seconds (CPU) | lines/s | peak RSS | recall | precision | vs awk |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for row in results:
        if "recall" in row:
            recall = f"{row['recall']:.4f} (sampled {row['recall_sampled']:.4f})"
            precision = f"{row['precision']:.4f}"
        else:
            recall, precision = f"{row['recall_sampled']:.4f} (sampled, n={row['sampled']})", "n/a"
        print(f"| {row['lines']:,} | {row['seconds']:.2f} ({row['cpu']:.2f}) | {row['lines_per_s']:,.0f} "
              f"| {row['rss_mb']:.0f} MB | {recall} | {precision} | {row['vs_awk']:.1f}x "
              f"({row['awk_seconds']:.2f} s) |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
