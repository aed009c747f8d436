"""A held-out check of the list rules (`page_shape.article_lists`): lists written after
them, unlike the ones `bench/article_lists.py` tuned them on.

Other marks ("* ", "· ", "a) "), items ending with periods, items of 2-8 words, three to
seven items, title-case items; lists at the end of an article (after its last line,
with the page's own chrome under them) next to a ranking under an article (a "Most
read" heading and headlines, a "Top searches" heading and queries), which must stay
out; and lists in ten other languages, cased or not, inserted into the multilingual
dev pages (between two paragraphs and after the last). Printed: the share of the
inserted lines kept (for the rankings: lower is better), the pages that lose over half.

    python bench/article_lists_heldout.py
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

# Written for this probe: none of these words is in bench/article_lists.py.
STEPS = ["Unplug the heater.", "Let it cool for an hour.", "Wipe the filter with a dry cloth.",
         "Check the cord for cracks.", "Store it upright.", "Keep the box and the receipt.",
         "Call the shop if it smells of burning."]
REASONS = ["Rents rose again", "Wages did not", "The bus route was cut in March",
           "Two clinics closed", "Few new homes were built nearby", "Schools are full"]
TITLED = ["Harbour View Cafe", "The Old Mill Museum", "Saint Anne's Church", "Riverside Walking Trail",
          "North Bay Lighthouse", "Market Hall Gallery"]
HEADLINES = ["Man charged after lorry crash on the ring road", "Council tax to rise by five per cent",
             "Missing dog found safe after three days", "New owners for the bankrupt steel plant",
             "Storm warning issued for the whole coast", "Teenager wins national chess final"]
QUERIES = ["weather tomorrow", "bin collection days", "lottery results", "road closures", "school holidays 2025"]

#: Lists in other languages (items written for this probe), by multilingual dev page.
LANGUAGE_ITEMS = {
    "de": ["Zwei Eier verquirlen", "Mehl langsam einrühren", "Den Teig eine Stunde ruhen lassen", "Im Ofen backen", "Warm servieren"],
    "fr": ["Prendre le train de huit heures", "Changer à Lyon", "Descendre à la gare du port", "Marcher jusqu'au musée", "Rentrer avant la nuit"],
    "es": ["Revisar las ruedas", "Llenar el depósito", "Llevar agua y un mapa", "Salir temprano", "Llamar al llegar"],
    "ru": ["Проверить документы", "Купить билеты заранее", "Взять тёплую одежду", "Зарядить телефон", "Оставить ключи соседям"],
    "pl": ["Sprawdzić pogodę", "Spakować plecak", "Wziąć latarkę i mapę", "Wyjść przed świtem", "Wrócić przed zmrokiem"],
    "ja": ["パスポートを確認する", "切符を早めに買う", "駅で地図をもらう", "雨具を持っていく", "夜は早めに帰る"],
    "zh": ["提前购买车票", "带好身份证件", "早上七点出发", "中午在车站吃饭", "下午参观博物馆"],
    "th": ["ตรวจสอบเอกสารให้ครบ", "ซื้อตั๋วล่วงหน้า", "เตรียมน้ำดื่มและร่ม", "ออกเดินทางแต่เช้า", "โทรแจ้งเมื่อถึงที่หมาย"],
    "ar": ["تحقق من جواز السفر", "احجز التذاكر مبكرا", "خذ معك الماء والمظلة", "اخرج في الصباح الباكر", "اتصل عند الوصول"],
    "ko": ["여권을 확인하기", "표를 미리 사기", "물과 우산을 챙기기", "아침 일찍 출발하기", "도착하면 전화하기"],
    "hi": ["पासपोर्ट की जाँच करें", "टिकट पहले से खरीदें", "पानी और छाता साथ रखें", "सुबह जल्दी निकलें", "पहुँचकर फ़ोन करें"],
}


def middle_blocks(rng: random.Random) -> dict[str, list[str]]:
    """Blocks inserted between two paragraphs of an English article."""
    steps = rng.sample(STEPS, rng.randint(3, 7))
    return {
        "star list, items with periods": [f"* {s}" for s in steps],
        "middle-dot list": [f"· {r}" for r in rng.sample(REASONS, 4)],
        "lettered list a) b)": [f"{chr(97 + k)}) {s}" for k, s in enumerate(rng.sample(STEPS, 4))],
        "bare list, items with periods": steps,
        "bare list, no periods (3 items)": rng.sample(REASONS, 3),
        "numbered list (3 items)": [f"{k}. {s}" for k, s in enumerate(rng.sample(STEPS, 3), 1)],
        "bare title-case list": rng.sample(TITLED, 5),
    }


def end_blocks(rng: random.Random) -> dict[str, list[str]]:
    """Blocks inserted after an article's last line (must stay: lists; must go: rankings)."""
    return {
        "end: bare list": rng.sample(REASONS, 5),
        "end: star list": [f"* {s}" for s in rng.sample(STEPS, 5)],
        "end: numbered list": [f"{k}. {s}" for k, s in enumerate(rng.sample(STEPS, 4), 1)],
        "end, must go: Most read + numbered headlines": ["Most read"] + [f"{k}. {h}" for k, h in enumerate(rng.sample(HEADLINES, 5), 1)],
        "end, must go: Most read + headlines": ["Most read"] + rng.sample(HEADLINES, 5),
        "end, must go: Top searches + queries": ["Top searches"] + QUERIES,
    }


def kept_lines(text: str) -> set[str]:
    return {line.strip() for line in Pipeline([StripDebris()]).clean(text).split("\n")}


def insert_points(page: str, gold: str) -> tuple[list[str], int, int] | None:
    """The page's lines, the middle line of its article and its last line (indices)."""
    article = {line.strip() for line in gold.split("\n") if line.strip()}
    lines = page.split("\n")
    at = [i for i, line in enumerate(lines) if line.strip() in article]
    if len(article) < 4 or len(at) < 4:
        return None
    return lines, at[len(at) // 2], at[-1]


def share_kept(lines: list[str], after: int, block: list[str]) -> float:
    kept = kept_lines("\n".join(lines[:after + 1] + block + lines[after + 1:]) + "\n")
    return sum(line in kept for line in block) / len(block)


def english(shares: dict[str, list[float]]) -> None:
    rng = random.Random(11)
    for _, _, page, gold in debris_quality.pages("extraction-dev") + debris_quality.pages("cleaneval-dev"):
        points = insert_points(page, gold)
        if points is None:
            continue
        lines, middle, last = points
        for name, block in middle_blocks(rng).items():
            shares.setdefault(name, []).append(share_kept(lines, middle, block))
        for name, block in end_blocks(rng).items():
            shares.setdefault(name, []).append(share_kept(lines, last, block))


def languages(shares: dict[str, list[float]]) -> None:
    folder = debris_quality.EVAL / "multilingual-dev" / "multilingual"
    for language, items in LANGUAGE_ITEMS.items():
        page = (folder / f"{language}.page.txt").read_text("utf-8")
        gold = (folder / f"{language}.page.expected.txt").read_text("utf-8")
        points = insert_points(page, gold)
        if points is None:
            continue
        lines, middle, last = points
        cased = "cased" if any(ch.isupper() for ch in "".join(items)) else "uncased"
        shares.setdefault(f"{cased} languages: bare list between paragraphs", []).append(share_kept(lines, middle, items))
        shares.setdefault(f"{cased} languages: • list between paragraphs", []).append(share_kept(lines, middle, [f"• {i}" for i in items]))
        shares.setdefault(f"{cased} languages: bare list at the end", []).append(share_kept(lines, last, items))


def main() -> int:
    shares: dict[str, list[float]] = {}
    english(shares)
    languages(shares)
    print("| inserted block | pages | inserted lines kept | pages losing over half |\n|---|---:|---:|---:|")
    for name, values in shares.items():
        print(f"| {name} | {len(values)} | {statistics.mean(values):.3f} | {sum(v < 0.5 for v in values)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
