"""Cross-document cleaning at corpus scale: streaming run vs phases in-process vs Dask.

The corpus (`corpus_sites`): `--docs` pages from `--sites` synthetic sites sharing
menus and footers, every line labelled boilerplate or content. Each contender cleans
the same pages with the same pipeline, in a fresh process (so peak memory is its own),
and reports:

- docs/s of cleaning: splitting the texts into lines, cleaning, scoring (generating the
  texts is excluded: the streaming run generates as it goes, and that time, measured
  alone in the same process, is subtracted);
- CPU seconds of all its processes over the same span (Dask: driver and workers), which
  says how much of a slow wall time was the host's load rather than the work;
- peak RSS of each process (the Dask driver and each worker);
- boilerplate precision and recall of the removals (non-blank lines, any stage), and a
  checksum of every line's fate, which must be the same for all contenders.

Contenders: ``streaming`` (`Pipeline.start().process`, one document after another),
``phased`` (`clean_corpus` on the in-process engine: all documents held in lists) and
``dask`` (`clean_corpus` on a `LocalCluster` of 2 worker processes, 1 thread each,
pages generated inside the workers).

    python bench/bench_corpus.py                       # 5,000 pages, a minute or two
    python bench/bench_corpus.py --docs 100000 --repeated-in 3
    python bench/bench_corpus.py --docs 100000 --repeated-in 3 --scope corpus
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus_sites  # noqa: E402

CONTENDERS = ("streaming", "phased", "dask")


def pipeline(repeated_in: int, scope: str):
    from cleantext import Dedup, StripDebris, default_pipeline

    return default_pipeline(strip_debris=StripDebris(repeated_in=repeated_in), dedup=Dedup(scope=scope))


def lines_of(number: int, site_number: int, text: str) -> tuple[int, list]:
    from cleantext import split_lines

    return number, split_lines(text, f"site{site_number}/page{number}")


def score(order_key, lines, seed: int = 1) -> tuple[int, int, int, int]:
    """(true positives, false positives, false negatives, checksum) of one cleaned page."""
    site_number = int(lines[0].source.split("/")[0][4:]) if lines else 0
    chrome = corpus_sites.chrome_lines(site_number, seed)
    tp = fp = fn = 0
    fate = []
    for line in sorted(lines, key=lambda line: line.number):
        fate.append(f"{line.number}:{line.removed.rule if line.removed else ''}:{line.text}")
        if not line.original.strip():
            continue
        boilerplate = line.original in chrome
        if line.removed is not None:
            tp += boilerplate
            fp += not boilerplate
        elif boilerplate:
            fn += 1
    return tp, fp, fn, zlib.crc32(f"{order_key}\n".encode() + "\n".join(fate).encode("utf-8", "surrogatepass"))


def _scored_partition(items, seed: int) -> list:
    total = [0, 0, 0, 0]
    for order_key, lines, _ in items:
        tp, fp, fn, checksum = score(order_key, lines, seed)
        total[0] += tp
        total[1] += fp
        total[2] += fn
        total[3] = (total[3] + checksum) % (1 << 32)
    return [tuple(total)]


def _generated(numbers, sites: int, seed: int) -> list:
    return [(n, *corpus_sites.page(n, sites, seed)) for n in numbers]


def _split_partition(pages) -> list:
    return [lines_of(number, site_number, text) for number, site_number, text in pages]


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_contender(name: str, docs: int, sites: int, seed: int, repeated_in: int, scope: str,
                  partitions: int) -> dict:
    cleaning = pipeline(repeated_in, scope)
    cleaning.stages[1]._matchers  # compile the rules outside the timing
    result: dict = {"contender": name}
    if name == "streaming":
        started = time.perf_counter()
        for n in range(docs):
            corpus_sites.page(n, sites, seed)
        generating = time.perf_counter() - started
        run = cleaning.start()
        totals = [0, 0, 0, 0]
        cpu = _cpu_seconds()
        started = time.perf_counter()
        for n in range(docs):
            key, lines = lines_of(n, *corpus_sites.page(n, sites, seed))
            for i, value in enumerate(score(key, list(run.process(lines)), seed)):
                totals[i] += value
        seconds = time.perf_counter() - started - generating
        result["cpu_s"] = round(_cpu_seconds() - cpu - generating, 1)
        totals[3] %= 1 << 32
        result["peak_rss_mb"] = {"process": round(_peak_rss_mb())}
    elif name == "phased":
        from cleantext.phased import InProcess, clean_corpus

        pages = _generated(range(docs), sites, seed)
        engine = InProcess()
        cpu = _cpu_seconds()
        started = time.perf_counter()
        documents = engine.collection(_split_partition(pages))
        del pages
        totals = list(_scored_partition(clean_corpus(cleaning, documents, engine), seed)[0])
        seconds = time.perf_counter() - started
        result["cpu_s"] = round(_cpu_seconds() - cpu, 1)
        result["peak_rss_mb"] = {"process": round(_peak_rss_mb())}
    else:
        import dask
        import dask.bag
        from distributed import LocalCluster, wait

        from cleantext.phased import DaskEngine, clean_corpus

        # the workers' sampling profiler (every 10 ms) costs CPU that the cleaning needs
        with dask.config.set({"distributed.worker.profile.enabled": False}), \
                LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                             memory_limit=0) as cluster, cluster.get_client() as client:
            numbers = dask.bag.range(docs, npartitions=partitions)
            pages = numbers.map_partitions(_generated, sites, seed).persist()
            wait(pages)
            engine = DaskEngine()
            cpu = _cpu_seconds() + sum(client.run(_cpu_seconds).values())
            started = time.perf_counter()
            documents = pages.map_partitions(_split_partition)
            cleaned = clean_corpus(cleaning, documents, engine)
            parts = cleaned.map_partitions(_scored_partition, seed).compute()
            seconds = time.perf_counter() - started
            result["cpu_s"] = round(_cpu_seconds() + sum(client.run(_cpu_seconds).values()) - cpu, 1)
            totals = [sum(part[i] for part in parts) for i in range(3)] + [sum(p[3] for p in parts) % (1 << 32)]
            workers = client.run(_peak_rss_mb)
            result["peak_rss_mb"] = {"driver": round(_peak_rss_mb()),
                                     **{f"worker {i + 1}": round(mb) for i, mb in enumerate(workers.values())}}
    tp, fp, fn, checksum = totals
    result.update(seconds=round(seconds, 2), docs_per_s=round(docs / seconds), precision=round(tp / max(1, tp + fp), 4),
                  recall=round(tp / max(1, tp + fn), 4), checksum=checksum)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--sites", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeated-in", type=int, default=3)
    parser.add_argument("--scope", choices=("document", "corpus"), default="document")
    parser.add_argument("--partitions", type=int, default=0, help="Dask partitions (default: a partition per 2,500 pages, at least 4)")
    parser.add_argument("--contender", choices=CONTENDERS, help="run one contender in this process and print its JSON")
    parser.add_argument("--only", nargs="+", choices=CONTENDERS, default=list(CONTENDERS))
    args = parser.parse_args()
    partitions = args.partitions or max(4, args.docs // 2500)
    settings = (args.docs, args.sites, args.seed, args.repeated_in, args.scope, partitions)
    if args.contender:
        print(json.dumps(run_contender(args.contender, *settings)))
        return
    print(f"{args.docs:,} pages from {args.sites} sites, `clean --repeated-in {args.repeated_in} --scope {args.scope}`, "
          f"load average before: {os.getloadavg()[0]:.1f}")
    print("\n| engine | seconds | CPU seconds | docs/s | peak RSS MB | precision | recall | checksum |\n"
          "|---|---:|---:|---:|---|---:|---:|---|")
    results = []
    for name in args.only:
        command = [sys.executable, __file__, "--contender", name, "--docs", str(args.docs), "--sites", str(args.sites),
                   "--seed", str(args.seed), "--repeated-in", str(args.repeated_in), "--scope", args.scope,
                   "--partitions", str(partitions)]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"{name} failed:\n{done.stderr}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        results.append(result)
        memory = ", ".join(f"{where} {mb}" for where, mb in result["peak_rss_mb"].items())
        print(f"| {name} | {result['seconds']} | {result['cpu_s']} | {result['docs_per_s']:,} | {memory} | {result['precision']} | "
              f"{result['recall']} | {result['checksum']:08x} |", flush=True)
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")
    if len({result["checksum"] for result in results}) > 1:
        sys.exit("the contenders' results differ")


if __name__ == "__main__":
    main()
