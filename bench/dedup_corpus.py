"""Generate a scraped-looking English corpus with known duplicates, for `bench_dedup.py`.

Lines are prose sentences, headlines and web boilerplate (bylines, dates, counters)
built from a Zipf-weighted vocabulary, with blank lines between paragraphs. About 15%
of the lines are injected copies of an earlier line: half exact, half near-duplicates
made by small edits (a changed number, a typo, a dropped or added word, punctuation
or case changes, sometimes two edits at once), copied from close by (the last 50
lines) or from anywhere earlier. Output is deterministic for a given seed.

Example:
    python bench/dedup_corpus.py --lines 100000 --seed 1 > bench/data/dedup-100k.txt
"""

from __future__ import annotations

import argparse
import random
import sys

# Function words are weighted heavily so unrelated lines share many short n-grams,
# as real text does; content words give each sentence its identity.
FUNCTION_WORDS = """the of and to a in is that for it as was with be by on not he this are or his
from at which but have an they you were her she there been one all we their has would when if so
no will can more about up out them some could into than its only other new after also any these
two may first then do most over like such our between where before through under while""".split()
CONTENT_WORDS = """people time year way day man thing woman life child world school state family
student group country problem hand part place case week company system program question work
government number night point home water room mother area money story fact month lot right study
book eye job word business issue side kind head house service friend father power hour game line
end member law car city community name president team minute idea kid body information back parent
face others level office door health person art war history party result change morning reason
research girl guy moment air teacher force education foot boy age policy music market sense nation
plan college interest death experience effect use class control care field development role effort
rate heart drug show leader light voice wife police mind price report decision son view relationship
town road arm difference value building action model season society tax director position player
record paper space ground form event official matter center couple site project activity star table
need court oil situation cost industry figure street image phone data picture practice piece land
product doctor wall patient worker news test movie north love support technology step baby computer
type attention film tree source organization hair window evidence population truth song energy
release weather election reader council summer winter garden river island bridge station museum
library airport hospital village forest mountain coast harbor festival concert kitchen recipe
season championship league coach stadium tournament budget contract agreement network software
update version feature customer account password download subscription newsletter article comment
review rating delivery shipping discount offer storage battery camera screen engine vehicle""".split()
VERBS = """said made found took gave told became left felt brought began kept held wrote stood heard
let meant set met ran paid sat spoke lay led read grew lost fell sent built understood drew broke
spent cut rose drove bought wore chose announced reported confirmed expected remained opened closed
increased reduced launched released signed approved rejected visited discussed described""".split()
ADJECTIVES = """good new first last long great little own other old right big high different small
large next early young important few public bad same able local sure free better true whole
special clear recent certain personal open red difficult available likely short single medical
current wrong private past foreign fine common poor natural significant similar hot dead central
happy serious ready simple left physical general environmental financial blue democratic dark
various entire close legal religious cold final main green nice huge popular traditional cultural""".split()
NAMES = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Thompson White Harris Clark Lewis Robinson
Walker Young Allen King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts""".split()
FIRST_NAMES = """James Mary John Patricia Robert Jennifer Michael Linda David Elizabeth William Susan
Richard Jessica Joseph Sarah Thomas Karen Charles Lisa Daniel Nancy Matthew Betty Anthony Sandra""".split()
MONTHS = """January February March April May June July August September October November December""".split()
PLACES = """London Paris Berlin Madrid Chicago Boston Denver Seattle Toronto Sydney Dublin Oslo Vienna
Prague Lisbon Austin Portland Atlanta Phoenix Houston Manchester Glasgow Lyon Munich Milan""".split()


def _zipf_weights(count: int, exponent: float = 1.0) -> list[float]:
    return [1.0 / (rank ** exponent) for rank in range(1, count + 1)]


class CorpusGenerator:
    """Deterministic source of scraped-looking lines with injected duplicates."""

    def __init__(self, seed: int = 1, duplicate_share: float = 0.15, exact_share: float = 0.5):
        self.random = random.Random(seed)
        self.duplicate_share = duplicate_share
        self.exact_share = exact_share
        self._content = CONTENT_WORDS
        self._content_weights = _zipf_weights(len(CONTENT_WORDS), 0.8)
        self._function_weights = _zipf_weights(len(FUNCTION_WORDS), 1.1)

    # -- original lines ---------------------------------------------------------

    def _word(self) -> str:
        r = self.random
        roll = r.random()
        if roll < 0.42:
            return r.choices(FUNCTION_WORDS, self._function_weights)[0]
        if roll < 0.78:
            return r.choices(self._content, self._content_weights)[0]
        if roll < 0.88:
            return r.choice(ADJECTIVES)
        if roll < 0.95:
            return r.choice(VERBS)
        if roll < 0.98:
            return r.choice(NAMES + PLACES)
        return str(r.randint(2, 2030))

    def _sentence(self) -> str:
        r = self.random
        words = [self._word() for _ in range(max(3, int(r.gauss(14, 5))))]
        text = " ".join(words)
        for _ in range(r.randint(0, 2)):  # a comma or two
            cut = text.find(" ", r.randint(10, max(11, len(text) - 10)))
            if cut > 0:
                text = text[:cut] + "," + text[cut:]
        return text[0].upper() + text[1:] + r.choice(".......!?")

    def _headline(self) -> str:
        r = self.random
        words = [self._word() for _ in range(r.randint(4, 9))]
        return " ".join(w.capitalize() if len(w) > 3 else w for w in words)

    def _boilerplate(self) -> str:
        r = self.random
        kind = r.randint(0, 7)
        date = f"{r.choice(MONTHS)} {r.randint(1, 28)}, {r.randint(2005, 2025)}"
        person = f"{r.choice(FIRST_NAMES)} {r.choice(NAMES)}"
        if kind == 0:
            return f"Posted by {person} on {date}"
        if kind == 1:
            return f"{r.choice(PLACES)}, {date} - {self._sentence()}"
        if kind == 2:
            return f"Comments ({r.randint(0, 400)}) | Share this {r.choice(CONTENT_WORDS)} with {person}"
        if kind == 3:
            return f"Page {r.randint(2, 40)} of {r.randint(41, 90)} - {self._headline()}"
        if kind == 4:
            return f"Copyright {r.randint(2000, 2025)} {r.choice(NAMES)} {r.choice(['Media', 'Press', 'Group', 'News'])}. All rights reserved."
        if kind == 5:
            return f"Updated {date} at {r.randint(1, 12)}:{r.randint(0, 59):02d} {r.choice(['am', 'pm'])} by {person}"
        if kind == 6:
            return f"Read more: {self._headline()} ({r.randint(1, 99)} min read)"
        return f"Photo: {person} / {r.choice(PLACES)} {r.choice(CONTENT_WORDS).capitalize()} Archive"

    def original(self) -> str:
        roll = self.random.random()
        if roll < 0.72:
            text = self._sentence()
            if self.random.random() < 0.35:  # longer paragraphs-as-lines
                text += " " + self._sentence()
            return text
        if roll < 0.86:
            return self._headline()
        return self._boilerplate()

    # -- edits ------------------------------------------------------------------

    def _typo(self, text: str) -> str:
        r = self.random
        if len(text) < 4:
            return text + "s"
        i = r.randrange(1, len(text) - 1)
        op = r.randint(0, 3)
        letter = r.choice("etaoinshrdlu")
        if op == 0:
            return text[:i] + letter + text[i + 1:]
        if op == 1:
            return text[:i] + text[i + 1:]
        if op == 2:
            return text[:i] + letter + text[i:]
        return text[:i - 1] + text[i] + text[i - 1] + text[i + 1:]

    def _change_number(self, text: str) -> str:
        digits = [i for i, c in enumerate(text) if c.isdigit()]
        if not digits:
            return self._typo(text)
        i = self.random.choice(digits)
        return text[:i] + str((int(text[i]) + self.random.randint(1, 9)) % 10) + text[i + 1:]

    def _drop_word(self, text: str) -> str:
        words = text.split(" ")
        if len(words) < 6:
            return self._typo(text)
        del words[self.random.randrange(len(words))]
        return " ".join(words)

    def _add_word(self, text: str) -> str:
        words = text.split(" ")
        words.insert(self.random.randrange(len(words) + 1), self.random.choice(FUNCTION_WORDS + ADJECTIVES))
        return " ".join(words)

    def _punctuation_or_case(self, text: str) -> str:
        r = self.random
        choice = r.randint(0, 3)
        if choice == 0:
            return text.upper() if r.random() < 0.3 else text.lower()
        if choice == 1:
            return text.rstrip(".!?") + r.choice(["", "!", "...", " -", "."])
        if choice == 2:
            return text.replace(" ", "  ", 1).replace(",", "", 1)
        return '"' + text + '"'

    def near_copy(self, text: str) -> str:
        r = self.random
        edits = [self._change_number, self._typo, self._drop_word, self._add_word, self._punctuation_or_case]
        for _ in range(1 if r.random() < 0.75 else 2):
            text = r.choice(edits)(text)
        return text

    # -- the stream -------------------------------------------------------------

    def lines(self, count: int):
        r = self.random
        written: list[str] = []
        produced = 0
        while produced < count:
            if produced and r.random() < 0.08:
                yield ""
                produced += 1
                continue
            if written and r.random() < self.duplicate_share:
                if r.random() < 0.5:
                    source = written[-r.randint(1, min(50, len(written)))]
                else:
                    source = r.choice(written)
                text = source if r.random() < self.exact_share else self.near_copy(source)
            else:
                text = self.original()
            written.append(text)
            yield text
            produced += 1


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duplicates", type=float, default=0.15, help="share of injected copies")
    parser.add_argument("-o", "--output", default="-")
    args = parser.parse_args(argv)
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")
    with out:
        out.writelines(line + "\n" for line in CorpusGenerator(args.seed, args.duplicates).lines(args.lines))


if __name__ == "__main__":
    main()
