"""strip-debris quality on every dev set, cross-validated constants, and speed.

Usage (from the project root, with the project's virtualenv active):

    python bench/debris_quality.py              # every set, against `cat`, and speed
    python bench/debris_quality.py --worst 5    # and the 5 worst pages of each set
    python bench/debris_quality.py --cv         # cross-validate the constants (a few minutes)
    python bench/debris_quality.py --cv --constant LIST_GAP   # one constant (repeatable)
    python bench/debris_quality.py --swap       # multilingual articles in the other dev pages' chrome
    python bench/debris_quality.py --code DIR   # speed only, of another checkout (a release worktree)

Everything runs in process, with the shared scorers' own token functions, so the
numbers match ``score_extraction.py -- 'cleantext clean'`` (news and CleanEval pages,
``cleantext.clean`` = the default pipeline) and ``score_multilingual.py -- 'cleantext
strip-debris'`` (multilingual pages and prose, non-page documents: the stage alone).

1. News dev pages (../shared/eval/extraction-dev) and CleanEval dev pages
   (cleaneval-dev): token P, R, F1 (macro mean) and the bootstrap std of the mean F1
   (1000 resamples, seed 0, as the scorer). Next to `cat` (the input unchanged).
2. Multilingual pages and prose, non-page documents (multilingual-dev).
3. Clean article bodies: every dev *.expected.txt fed back alone; share of its tokens
   kept (strip-debris alone, and the default pipeline, whose dedup may drop repeats).
4. Template errors injected into the news article bodies (lines written for this
   bench, one of each kind the rules name, at seeded random places): share removed,
   share of the article's tokens kept.
5. One stream of 20 dev pages: text kept together vs. as 20 inputs.
   Also: the clean prose corpus tests/data/prose/ (every line strip-debris removes
   there, other than blank-line folding, is a false removal).
6. Speed of the stage alone on the news page dumps, in lines per second, with
   baselines measured in the same run (see `stage_speed`).

``--swap``: a check of generalization beyond multilingual-dev's own page chrome: each
language's paragraphs replace the article of every 6th news page and every 5th
CleanEval page (at the article's first line; the article's other lines are dropped),
and the stage alone is scored against the paragraphs.

``--cv``: for each constant in `GRID`, every value is scored on all pages of both
English sets; 5 folds over sites (news: the page's domain; CleanEval: one site per
page) choose the value with the best mean F1 on the other four folds, and the chosen
value is scored on the held-out fold. Reported per fold and per set, with the value
each fold chose, and the safety numbers of every value: a value is not eligible when
a language's article recall falls below 0.95, a non-page document keeps under 95 % of
its lines, or a line of the clean prose corpus is removed.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
# --code DIR: the speed of another checkout's stage (e.g. a release in a git worktree),
# for a ratio against it measured on the same loaded machine.
sys.path.insert(0, sys.argv[sys.argv.index("--code") + 1] if "--code" in sys.argv[:-1] else str(ROOT))

from cleantext import Dedup, FixEncoding, Pipeline, StripDebris, split_lines  # noqa: E402
from cleantext.stages import article_core, boilerplate, line_classes, page_shape  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
FOLDS = 5

#: Constants cross-validated by --cv, with the values tried (the shipped one included).
GRID = {
    "SECOND_RUN_SHARE": (0.3, 0.5, 0.7),
    "ARTICLE_RUN": (500, 800, 1200),
    "ARTICLE_GAP": (1000, 1500, 2500),
    "MIN_CORE_SHARE": (0.02, 0.05, 0.1),
    "PARAGRAPH_WORDS": (10, 15, 20),
    "STOPWORDS_LOW": (0.18, 0.22, 0.26),
    "MIN_MENU_RUN": (15, 25, 40),
    "MIN_NAVIGATION_KINDS": (1, 2, 3),
    "DATA_RUN_MIN": (2, 3, 5),
    "MIN_DEBRIS_EACH_SIDE": (1, 3, 6),
    "LIST_GAP": (0, 1, 2, 3),
    "LIST_ITEM_MAX": (40, 50, 60, 70, 80),
    "LIST_SENTENCE_CASE_SHARE": (0.5, 0.75, 1.0),
    "LIST_END_LOWER_SHARE": (0.34, 0.5, 0.67),
    "NOTICE_SPAN": (1, 3, 5),
    "WRAPPED_LINE_MIN": (30, 40, 60),
}

#: Template-error lines of each kind the rules name, written for this bench.
TEMPLATE_ERRORS = (
    "[an error occurred while processing this directive]",
    "Warning: include(/var/www/site/header.php): failed to open stream: No such file or directory in /var/www/site/page.php on line 12",
    "Notice: Undefined index: author in /srv/www/templates/article.php on line 48",
    "Fatal error: Uncaught Error: Call to undefined function get_sidebar() in /var/www/index.php:31",
    "<?php echo $article['title']; ?>",
    "Server Error in '/' Application.",
    "HTTP Error 500.19 - Internal Server Error",
    "{{ article.byline }}",
    "{% include 'related.html' %}",
    "[caption id=\"attachment_512\" align=\"alignright\" width=\"300\"]",
    "undefined",
    "[object Object]",
    "NaN",
    "Error establishing a database connection",
    "Loading...",
    "Please enable JavaScript to view this content.",
)


def load_module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCORER = load_module("score_extraction", EVAL / "score_extraction.py")


def default_clean(text: str) -> str:
    return Pipeline([FixEncoding(), StripDebris(), Dedup()]).clean(text)


def strip_debris(text: str) -> str:
    return Pipeline([StripDebris()]).clean(text)


def token_kept(source: str, output: str) -> float:
    a, b = Counter(SCORER.tokens(source)), Counter(SCORER.tokens(output))
    return sum((a & b).values()) / max(1, sum(a.values()))


def boot_std(values: list[float]) -> float:
    rng = random.Random(0)
    return statistics.stdev([statistics.mean(rng.choice(values) for _ in values) for _ in range(1000)])


# --- the sets ---------------------------------------------------------------------

def pages(name: str) -> list[tuple[str, str, str, str]]:
    """(id, site, page, gold) of a dev set."""
    data = EVAL / name
    split = json.loads((data / "split.json").read_text())
    urls = split.get("urls", {})
    urls = dict(urls) if not isinstance(urls, dict) else urls
    rows = []
    for doc_id in split["dev"]:
        site = urlparse(urls.get(doc_id, doc_id)).netloc.removeprefix("www.") or doc_id
        rows.append((doc_id, site if name == "extraction-dev" else doc_id,
                     (data / f"{doc_id}.txt").read_text("utf-8"), (data / f"{doc_id}.expected.txt").read_text("utf-8")))
    return rows


def page_scores(rows, clean=default_clean) -> list[tuple[float, float, float]]:
    return [SCORER.tok_prf(clean(page), gold) for _, _, page, gold in rows]


def summary(scores) -> str:
    p, r, f = (statistics.mean(s[i] for s in scores) for i in range(3))
    return f"P {p:.3f}  R {r:.3f}  F1 {f:.3f} ±{boot_std([s[2] for s in scores]):.3f}"


def multilingual() -> dict:
    folder = EVAL / "multilingual-dev" / "multilingual"
    rows = []
    for page in sorted(folder.glob("*.page.txt")):
        language = page.name.split(".")[0]
        p, r, f = SCORER.tok_prf(strip_debris(page.read_text("utf-8")), (folder / f"{language}.page.expected.txt").read_text("utf-8"))
        prose = (folder / f"{language}.prose.txt").read_text("utf-8")
        rows.append((language, p, r, f, token_kept(prose, strip_debris(prose))))
    low = [row[0] for row in rows if row[2] < 0.95]
    return {
        "f1": statistics.mean(row[3] for row in rows), "f1_std": boot_std([row[3] for row in rows]),
        "r_min": min(row[2] for row in rows), "low": low, "prose_min": min(row[4] for row in rows),
        "rows": rows,
    }


def survive() -> dict:
    kept = total = 0
    worst = []
    for path in sorted((EVAL / "multilingual-dev" / "survive").glob("*.txt")):
        source = [line.strip() for line in path.read_text("utf-8").split("\n") if line.strip()]
        out = Counter(line.strip() for line in strip_debris(path.read_text("utf-8")).split("\n") if line.strip())
        k = sum((Counter(source) & out).values())
        kept, total = kept + k, total + len(source)
        worst.append((k / max(1, len(source)), path.name))
    worst.sort()
    return {"kept": kept / total, "min": worst[0][0], "min_doc": worst[0][1], "below_95": sum(w < 0.95 for w, _ in worst)}


def bodies(rows) -> dict:
    alone = [token_kept(gold, strip_debris(gold)) for *_, gold in rows]
    default = [token_kept(gold, default_clean(gold)) for *_, gold in rows]
    return {"strip": (statistics.mean(alone), min(alone), sum(k < 0.95 for k in alone)),
            "clean": (statistics.mean(default), min(default), sum(k < 0.95 for k in default))}


def injected(rows) -> tuple[float, float]:
    """Share of injected template-error lines removed, share of article tokens kept."""
    rng = random.Random(0)
    removed = injected_lines = 0
    kept = []
    for *_, gold in rows:
        lines = gold.splitlines()
        errors = rng.sample(TEMPLATE_ERRORS, 4)
        for error in errors:
            lines.insert(rng.randrange(len(lines) + 1), error)
        out = Counter(line.strip() for line in strip_debris("\n".join(lines) + "\n").splitlines())
        for error in errors:
            injected_lines += 1
            if out[error.strip()] == 0:
                removed += 1
            else:
                out[error.strip()] -= 1
        kept.append(token_kept(gold, "\n".join(out.elements())))
    return removed / injected_lines, statistics.mean(kept)


BLANK_RULES = {"leading-blank", "trailing-blank", "blank-run"}


def prose_false_removals() -> tuple[list[str], int]:
    removed, total = [], 0
    for path in sorted((ROOT / "tests" / "data" / "prose").glob("*.txt")):
        lines = split_lines(path.read_text("utf-8"), path.name)
        total += sum(1 for line in lines if line.text.strip())
        for line in StripDebris().process(iter(lines)):
            if line.removed is not None and line.removed.rule not in BLANK_RULES:
                removed.append(f"{path.name}:{line.number} {line.removed.describe()} | {line.text[:80]}")
    return removed, total


def swapped(sets: dict[str, list]) -> None:
    folder = EVAL / "multilingual-dev" / "multilingual"
    for name, step in (("news", 6), ("cleaneval", 5)):
        f1s, low = [], []
        for prose in sorted(folder.glob("*.prose.txt")):
            paragraphs = [line for line in prose.read_text("utf-8").split("\n") if line.strip()]
            for doc_id, _, page, gold in sets[name][::step]:
                article = {line.strip() for line in gold.split("\n") if line.strip()}
                lines, placed = [], False
                for line in page.split("\n"):
                    if line.strip() in article:
                        if not placed:
                            lines += paragraphs
                            placed = True
                        continue
                    lines.append(line)
                if placed:
                    p, r, f = SCORER.tok_prf(strip_debris("\n".join(lines) + "\n"), "\n".join(paragraphs))
                    f1s.append(f)
                    if r < 0.95:
                        low.append(f"{prose.name.split('.')[0]}@{doc_id[:8]}")
        print(f"multilingual articles in {name} chrome: {len(f1s)} pages, F1 {statistics.mean(f1s):.3f}, "
              f"R < 0.95 on {len(low)} {' '.join(low[:10])}")


def stream(rows) -> tuple[int, int]:
    texts = [page for _, _, page, _ in rows[:20]]
    return len(default_clean("".join(texts)).encode()), sum(len(default_clean(t).encode()) for t in texts)


# --- speed ---------------------------------------------------------------------------

def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def best_seconds(action, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = cpu_seconds()
        action()
        best = min(best, cpu_seconds() - start)
    return best


def stage_speed(rows, repeat: int) -> dict[str, float]:
    """Lines per second of StripDebris (one fresh run per pass, each page one document,
    reading time taken off) and of the baselines on the same text: `split_lines` and
    ``awk '!seen[$0]++'`` (an exact-line filter in C, process start included)."""
    texts = [page for _, _, page, _ in rows]
    total = sum(len(split_lines(t)) for t in texts)
    stage = StripDebris()

    def run_stage() -> None:
        clean = stage.start()
        for lines in [split_lines(t) for t in texts]:
            for _ in clean(iter(lines)):
                pass

    def read() -> None:
        for t in texts:
            split_lines(t)

    reading = best_seconds(read, repeat)
    rates = {"strip-debris": total / max(best_seconds(run_stage, repeat) - reading, 1e-9), "split_lines": total / reading}
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt") as handle:
        handle.write("".join(texts))
        handle.flush()
        command = ["awk", "!seen[$0]++", handle.name]
        rates["awk"] = total / best_seconds(lambda: subprocess.run(command, stdout=subprocess.DEVNULL, check=True), repeat)
    rates["lines"] = total
    return rates


# --- cross-validation ------------------------------------------------------------------

def fold_of(group: str) -> int:
    return int(hashlib.sha256(group.encode()).hexdigest(), 16) % FOLDS


def with_constant(name: str, value, action):
    """Run `action` with the tuned constant `name` set to `value` where it is defined
    (its module's functions read it there) and where `boilerplate` re-exports it."""
    homes = [module for module in (line_classes, page_shape, article_core) if name in vars(module)]
    homes += [boilerplate] if name in vars(boilerplate) else []
    old = getattr(homes[0], name)
    for module in homes:
        setattr(module, name, value)
    try:
        return action()
    finally:
        for module in homes:
            setattr(module, name, old)


def cross_validate(sets: dict[str, list], names: list[str]) -> None:
    for name in names or list(GRID):
        values = GRID[name]
        shipped = getattr(next(m for m in (line_classes, page_shape, article_core, boilerplate) if name in vars(m)), name)
        print(f"\n{name} (shipped {shipped}); values {values}")
        scored = {}
        for value in values:
            def score():
                per_set = {s: [f for _, _, f in page_scores(rows)] for s, rows in sets.items()}
                return per_set, multilingual(), survive(), len(prose_false_removals()[0])
            per_set, ml, sv, prose = with_constant(name, value, score)
            safe = not ml["low"] and sv["below_95"] == 0 and prose == 0
            scored[value] = (per_set, safe)
            means = "  ".join(f"{s} {statistics.mean(f):.3f}" for s, f in per_set.items())
            print(f"  {value!s:>6}: {means}  multilingual F1 {ml['f1']:.3f} (R<0.95: {len(ml['low'])})  "
                  f"non-page kept {sv['kept']:.4f} (min {sv['min']:.3f})  prose lines removed {prose}{'' if safe else '  [unsafe]'}")
        eligible = [v for v in values if scored[v][1]] or list(values)
        for s, rows in sets.items():
            folds = [fold_of(site) for _, site, _, _ in rows]
            held_out, chosen = [], []
            for k in range(FOLDS):
                def train_mean(v):  # both sets' training folds, each set weighted equally
                    return statistics.mean(
                        statistics.mean(f for f, fold in zip(scored[v][0][t], [fold_of(site) for _, site, _, _ in sets[t]]) if fold != k)
                        for t in sets
                    )
                # Differences under 0.001 F1 are not evidence: then the shipped value stays.
                best = max(eligible, key=lambda v: (round(train_mean(v), 3), v == shipped))
                test = [f for f, fold in zip(scored[best][0][s], folds) if fold == k]
                if test:
                    held_out.append(statistics.mean(test))
                    chosen.append(best)
            print(f"  {s}: held-out fold F1 {' '.join(f'{f:.3f}' for f in held_out)}  mean {statistics.mean(held_out):.3f} "
                  f"±{statistics.stdev(held_out):.3f} (std over folds); chosen per fold {chosen}")


# --- main ------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worst", type=int, default=0, help="also list the N pages with the lowest F1 per set")
    parser.add_argument("--repeat", type=int, default=5, help="speed: best of this many passes (0: skip)")
    parser.add_argument("--cv", action="store_true", help="cross-validate the constants in GRID")
    parser.add_argument("--constant", action="append", default=[], choices=sorted(GRID),
                        help="with --cv: only this constant (repeatable)")
    parser.add_argument("--swap", action="store_true", help="multilingual articles in the other dev pages' chrome")
    parser.add_argument("--code", metavar="DIR", help="speed only, of the cleantext checkout in DIR")
    args = parser.parse_args()

    sets = {"news": pages("extraction-dev"), "cleaneval": pages("cleaneval-dev")}
    if args.cv:
        cross_validate(sets, args.constant)
        return
    if args.swap:
        swapped(sets)
        return
    if args.code:
        print(f"cleantext from {Path(sys.modules['cleantext'].__file__).parent.parent}")
        print_speed(sets["news"], args.repeat or 5)
        return
    for name, rows in sets.items():
        scores = page_scores(rows)
        print(f"{name:9} ({len(rows)} pages): strip-debris {summary(scores)}   cat {summary(page_scores(rows, lambda t: t))}")
        for (doc_id, *_), (p, r, f) in sorted(zip(rows, scores), key=lambda x: x[1][2])[: args.worst]:
            print(f"    {doc_id[:16]:16} P {p:.3f} R {r:.3f} F1 {f:.3f}")
        body = bodies(rows)
        print(f"    bodies alone: strip-debris keeps {body['strip'][0]:.4f} of tokens (min {body['strip'][1]:.3f}, "
              f"{body['strip'][2]} below 0.95); clean {body['clean'][0]:.4f} (min {body['clean'][1]:.3f}, {body['clean'][2]} below 0.95)")
    ml = multilingual()
    print(f"multilingual: page F1 {ml['f1']:.3f} ±{ml['f1_std']:.3f}, R min {ml['r_min']:.3f}, languages with R<0.95: "
          f"{len(ml['low'])} {','.join(ml['low'])}; prose kept min {ml['prose_min']:.3f}")
    sv = survive()
    print(f"non-page documents: lines kept {sv['kept']:.4f}, min {sv['min']:.3f} ({sv['min_doc']}), below 0.95: {sv['below_95']}")
    removed, kept = injected(sets["news"])
    print(f"template errors injected into news bodies: {removed:.3f} removed, article tokens kept {kept:.4f}")
    removed_prose, total = prose_false_removals()
    print(f"prose corpus: {len(removed_prose)} of {total} non-blank lines removed")
    for line in removed_prose:
        print(f"    {line}")
    together, alone = stream(sets["news"])
    print(f"20 news pages on one stream: {together:,} bytes kept vs {alone:,} as 20 inputs ({together / alone:.3f})")
    if args.repeat:
        print_speed(sets["news"], args.repeat)


def print_speed(rows, repeat: int) -> None:
    rates = stage_speed(rows, repeat)
    stage = rates["strip-debris"]
    print(f"speed: strip-debris {stage:,.0f} lines/s on {rates['lines']:,.0f} page lines; split_lines "
          f"{rates['split_lines']:,.0f}/s (x{stage / rates['split_lines']:.3f}), awk '!seen[$0]++' {rates['awk']:,.0f}/s "
          f"(x{stage / rates['awk']:.3f})")


if __name__ == "__main__":
    main()
