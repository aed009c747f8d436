"""A synthetic web corpus: many sites whose pages share menus and footers.

Each site runs on one of a few "CMS templates" (the footer and part of the menu are
the template's, shared by every site on it), adds its own sections, sidebar and
copyright line, and publishes articles: a headline and paragraphs of English-like
prose. Every line carries its truth (boilerplate or content), so a cleaner's removals
can be scored. Pure functions of (seed, document number): any process can generate any
document, no files needed.

    >>> text, truth = document(7)
    >>> len(text.splitlines()) == len(truth)
    True
    >>> site_number, same = page(7)
    >>> same == text and truth == [line in chrome_lines(site_number) for line in text.splitlines()]
    True
"""

from __future__ import annotations

import random
from functools import lru_cache

SECTIONS = ("Home", "News", "World", "Politics", "Business", "Sport", "Culture", "Science", "Health", "Travel",
            "Opinion", "Weather", "Video", "Podcasts", "Local", "Education", "Food", "Style", "Tech", "Books",
            "Music", "Film", "Motoring", "Property", "Jobs", "Obituaries", "Puzzles", "Archive", "Events", "Photos")
PLACES = ("Valley", "Harbour", "County", "Riverside", "Northern", "Coastal", "Hill", "Lake", "Bay", "Metro",
          "Eastern", "Capital", "Island", "Forest", "Prairie", "Highland", "Delta", "Border", "Canyon", "Market")
PAPERS = ("Gazette", "Courier", "Herald", "Times", "Post", "Chronicle", "Observer", "Tribune", "Echo", "Journal")
TEMPLATES = (  # footers shared by every site on one CMS
    ("About us", "Contact us", "Privacy policy", "Terms of use", "Cookie settings"),
    ("About", "Advertise with us", "Careers", "Help centre", "Accessibility"),
    ("Our team", "Send us a tip", "Corrections", "Newsletters", "RSS feeds"),
    ("Company info", "Subscriptions", "Manage preferences", "Site map", "Code of conduct"),
    ("Who we are", "Write for us", "Complaints", "Syndication", "Back to top"),
)
NOUNS = ("council", "river", "school", "bridge", "market", "harbour", "farmer", "museum", "station", "budget",
         "library", "festival", "hospital", "railway", "forest", "factory", "teacher", "mayor", "bakery", "garden",
         "storm", "ferry", "road", "election", "team", "village", "court", "theatre", "clinic", "orchard")
VERBS = ("approved", "delayed", "rebuilt", "opened", "closed", "funded", "visited", "praised", "questioned",
         "studied", "moved", "repaired", "expanded", "reviewed", "welcomed", "announced", "planned", "cancelled")
ADJECTIVES = ("new", "old", "local", "small", "busy", "quiet", "historic", "modern", "famous", "empty", "large",
              "rural", "public", "private", "popular", "flooded", "crowded", "costly")
TIMES = ("on Tuesday", "last week", "this spring", "after a long debate", "in the morning", "for the first time",
         "despite the rain", "before the summer", "with little warning", "at the end of the year")


def _sentence(rng: random.Random) -> str:
    subject = f"the {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
    return (f"{subject[0].upper()}{subject[1:]} {rng.choice(VERBS)} the {rng.choice(NOUNS)} of the "
            f"{rng.choice(NOUNS)} {rng.choice(TIMES)}, and {rng.randrange(2, 900)} people said that it was "
            f"{rng.choice(ADJECTIVES)} for the {rng.choice(NOUNS)}.")


def site(number: int, seed: int = 1) -> dict:
    """The chrome of site `number`: menu, sidebar and footer lines, all boilerplate."""
    rng = random.Random(f"site {seed} {number}")
    name = f"The {rng.choice(PLACES)} {rng.choice(PAPERS)}"
    if number >= len(PLACES) * len(PAPERS) // 2:
        name += f" {number}"
    template = TEMPLATES[number % len(TEMPLATES)]
    menu = ["Skip to main content", name, *rng.sample(SECTIONS, rng.randint(5, 9))]
    own = [f"{rng.choice(PLACES)} {rng.choice(SECTIONS)}", f"{name} Weekly Digest"]
    sidebar = ["Most read", *own, f"Get {name} by email"]
    footer = [*template, f"© 2025 {name}. All rights reserved."]
    return {"name": name, "menu": menu, "sidebar": sidebar, "footer": footer}


@lru_cache(maxsize=4096)
def chrome_lines(number: int, seed: int = 1) -> frozenset[str]:
    """Every boilerplate line of site `number` (no article line is one of them)."""
    chrome = site(number, seed)
    return frozenset(chrome["menu"] + chrome["sidebar"] + chrome["footer"])


def page(number: int, sites: int = 100, seed: int = 1) -> tuple[int, str]:
    """Page `number`: the site it belongs to, and its text."""
    site_number = random.Random(f"site of page {seed} {number}").randrange(sites)
    return site_number, document(number, sites, seed)[0]


def document(number: int, sites: int = 100, seed: int = 1) -> tuple[str, list[bool]]:
    """Page `number`: its text, and per line whether it is boilerplate (blank lines: False)."""
    rng = random.Random(f"page {seed} {number}")
    chrome = site(random.Random(f"site of page {seed} {number}").randrange(sites), seed)
    headline = f"{rng.choice(ADJECTIVES).title()} {rng.choice(NOUNS)} {rng.choice(VERBS)} {rng.choice(TIMES)}"
    paragraphs = [" ".join(_sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(3, 7))]
    lines: list[tuple[str, bool]] = [(line, True) for line in chrome["menu"]]
    lines += [("", False), (headline, False), ("", False)]
    for paragraph in paragraphs:
        lines += [(paragraph, False), ("", False)]
    lines += [(line, True) for line in chrome["sidebar"]]
    lines += [("", False)] + [(line, True) for line in chrome["footer"]]
    return "".join(text + "\n" for text, _ in lines), [truth for _, truth in lines]
