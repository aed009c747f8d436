"""Lists and other short lines inside an article: does strip-debris keep them, and the
paragraphs after them?

Each news and CleanEval dev page gets a block of short lines inserted after the middle
line of its article (the lines of its expected text): six list items (bulleted,
numbered, bare, announced by a colon; bare and numbered also with `OTHER_ITEMS`, written
after the list rules), a small results table, a short Q&A, very short
paragraphs, or headings. Printed: the share of the inserted lines kept, the pages that
lose more than half of them, and, for the bulleted list, the article recall (expected
lines kept) with and without it. The pages keep their own chrome; "headings" and
"short paragraphs" show where the insertion point itself falls outside the article
the stage finds (the ceiling for the other shapes).

    python bench/article_lists.py
"""

from __future__ import annotations

import random
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import debris_quality  # noqa: E402
from cleantext import Pipeline, StripDebris  # noqa: E402

ITEMS = ["Fresh bread and milk", "Two tickets for Friday", "The old railway bridge", "A new school roof",
         "Free parking on Sundays", "Longer library hours", "Solar panels for the hall", "Safer bike lanes",
         "More buses at night", "A bigger market square", "Clean water for the farms", "Street lights on Elm Road"]
TEAMS = ["Arsenal", "Chelsea", "Leeds", "Everton", "Fulham"]
#: Items written after the list rules were (other words, lengths and punctuation): a
#: check that the rules do not only fit ITEMS.
OTHER_ITEMS = ["Two eggs, beaten", "A pinch of salt", "Half a cup of warm milk", "Butter for the pan",
               "Fresh herbs to serve", "Black pepper", "Check the brakes and the lights before every ride",
               "Carry a spare tube", "Ride on the right", "Wear bright colours at dusk"]


def blocks(rng: random.Random, other_rng: random.Random) -> dict[str, list[str]]:
    items = rng.sample(ITEMS, 6)
    return {
        "bulleted list": [f"- {item}" for item in items],
        "bulleted list (•)": [f"• {item}" for item in items],
        "numbered list": [f"{n}. {item}" for n, item in enumerate(items, 1)],
        "bare list": items,
        "bare list (other items)": other_rng.sample(OTHER_ITEMS, 6),
        "numbered list (other items)": [f"{n}) {item}" for n, item in enumerate(other_rng.sample(OTHER_ITEMS, 5), 1)],
        "announced list": ["The plan includes:"] + items,
        "results table": ["Team Won Lost Points"] + [f"{t} {w} {8 - w} {3 * w}" for t, w in zip(TEAMS, (7, 6, 4, 3, 1))],
        "Q&A": ["Q: Why now?", "A: Because the money is there.", "Q: Who pays?", "A: The county does."],
        "short paragraphs": ["It worked.", "Then it rained.", "Nobody came.", "The bridge held."],
        "headings": ["Background", "A longer paragraph follows here, with more words than a heading would have."] * 2,
    }


def kept_lines(text: str) -> set[str]:
    return {line.strip() for line in Pipeline([StripDebris()]).clean(text).split("\n")}


def main() -> int:
    rng, other_rng = random.Random(5), random.Random(7)  # the second apart: the first rows stay as they were
    shares: dict[str, list[float]] = {}
    recall_before, recall_after = [], []
    for _, _, page, gold in debris_quality.pages("extraction-dev") + debris_quality.pages("cleaneval-dev"):
        article = [line.strip() for line in gold.split("\n") if line.strip()]
        lines = page.split("\n")
        at = [i for i, line in enumerate(lines) if line.strip() in set(article)]
        if len(article) < 4 or len(at) < 4:
            continue
        middle = at[len(at) // 2]
        for name, block in blocks(rng, other_rng).items():
            kept = kept_lines("\n".join(lines[:middle + 1] + block + lines[middle + 1:]) + "\n")
            shares.setdefault(name, []).append(sum(line in kept for line in block) / len(block))
            if name == "bulleted list":
                before = kept_lines(page)
                recall_before.append(sum(line in before for line in article) / len(article))
                recall_after.append(sum(line in kept for line in article) / len(article))
    print("| inserted block | pages | inserted lines kept | pages losing over half |\n|---|---:|---:|---:|")
    for name, values in shares.items():
        print(f"| {name} | {len(values)} | {statistics.mean(values):.3f} | {sum(v < 0.5 for v in values)} |")
    print(f"\narticle lines kept, mean over pages: {statistics.mean(recall_before):.4f} as it is, "
          f"{statistics.mean(recall_after):.4f} with a bulleted list inserted")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
