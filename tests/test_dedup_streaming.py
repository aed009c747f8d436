"""Dedup results never depend on how lines are batched, and output streams with bounded memory."""

from __future__ import annotations

import random
import subprocess
import sys
from itertools import islice

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleantext.lines import Line, Removal
from cleantext.stages.blank_lines import collapse_blank_lines
from cleantext.stages.dedup import BATCH, Dedup

WORDS = ["the", "of", "river", "council", "budget", "2019", "not", "garden", "}", "    x = 1", "```", ""]


def judged(texts: list[str], stage: Dedup, batch: int) -> list[tuple[int, Removal | None]]:
    lines = stage.start(batch_size=batch)(iter(Line(i, t) for i, t in enumerate(texts, start=1)))
    return sorted((line.number, line.removed) for line in lines)


line_texts = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join)


@settings(max_examples=120, deadline=None)
@given(st.lists(line_texts, max_size=40), st.sampled_from([51.0, 75.0, 85.0, 90.0, 100.0]),
       st.integers(0, 16), st.sampled_from(["document", "window", "corpus"]), st.sampled_from([1, 2, 3, 5]),
       st.integers(1, 6))
def test_results_do_not_depend_on_the_batch_size(texts, threshold, min_length, scope, window, batch):
    stage = Dedup(threshold=threshold, min_length=min_length, scope=scope, window=window)
    assert judged(texts, stage, batch) == judged(texts, stage, BATCH)


def test_a_line_kept_again_after_leaving_the_window_is_the_one_its_near_copy_resembles():
    """In one batch, a line leaves the window and is kept again: the index must then
    point its keys at the newer copy, not the expired one (the near copy comes in the
    next batch, so it is looked up in the index)."""
    first = "The river council approved the new garden budget"
    fillers = ["Heavy storms delayed every morning train", "A local school opened its library",
               "Market stalls sold apples and pears"]
    texts = [first, *fillers, first, first.replace("garden", "gardn")]
    stage = Dedup(scope="window", window=3)
    got = judged(texts, stage, 5)
    assert got == judged(texts, stage, 1)
    assert got[-1][1] is not None and got[-1][1].duplicate_of == 5


def test_window_scope_gives_the_same_answer_across_line_4096():
    block = ["river", "the", "the", "of", "the the the", "river", "the river"]

    def removed(offset: int) -> list[str]:
        filler = [f"filler line {i}" for i in range(offset)]  # distinct numbers: never near-duplicates
        text = "".join(t + "\n" for t in filler + block)
        rows = subprocess.run([sys.executable, "-m", "cleantext", "--removed", "-", "dedup", "--threshold", "51",
                               "--min-length", "0", "--scope", "window", "--window", "3"], input=text.encode(),
                              capture_output=True, check=True, timeout=60).stderr.decode().splitlines()[1:]
        return [(int(row.split("\t")[1]) - offset, row.split("\t")[3]) for row in rows]

    assert removed(BATCH - 3) == removed(0)


def test_a_long_run_of_removed_lines_after_a_blank_line_streams():
    consumed = 0

    def source():
        nonlocal consumed
        for number, text in enumerate(["first line here", ""] + ["first line here"] * 100_000, start=1):
            consumed = number
            yield Line(number, text)

    out = Dedup().start(batch_size=64)(source())
    first = list(islice(out, 3))
    assert [line.number for line in first] == [1, 3, 4]  # removed lines go out while the blank line waits
    assert consumed <= 2 * 64 + 2
    rest = list(out)
    assert [(line.number, line.removed.rule) for line in rest if line.number == 2] == [(2, "trailing-blank")]
    assert len(first) + len(rest) == 100_002


def test_only_one_blank_line_waits_and_further_blanks_are_removed_at_once():
    lines = [Line(1, "Text"), Line(2, ""), Line(3, ""), Line(4, "gone"), Line(5, ""), Line(6, "More text")]
    lines[3].removed = Removal("earlier", "rule")
    out = list(collapse_blank_lines(iter(lines), "dedup", stream=True))
    assert [line.number for line in out] == [1, 3, 4, 5, 2, 6]
    assert [line.kept for line in sorted(out, key=lambda line: line.number)] == [True, True, False, False, False, True]


def test_the_default_mode_keeps_every_line_in_place():
    lines = [Line(1, "Text"), Line(2, ""), Line(3, ""), Line(4, "gone"), Line(5, "More text")]
    lines[3].removed = Removal("earlier", "rule")
    out = list(collapse_blank_lines(iter(lines), "strip-debris"))
    assert [line.number for line in out] == [1, 2, 3, 4, 5]


def test_window_scope_over_many_rebuilds_of_the_index_matches_brute_force():
    # the index is rebuilt from the live lines once expired entries pile up (every few
    # thousand lines with a small window); short lines get kept ids but no index entries
    from test_dedup import brute_force, make_line, small_edit

    rng = random.Random(3)
    texts: list[str] = []
    for _ in range(9000):
        roll = rng.random()
        if roll < 0.2:
            texts.append(rng.choice(["Yes.", "No.", "Top", "Share", "Menu"]))
        elif roll < 0.4 and any(len(t) > 30 for t in texts[-6:]):  # one edit of a long line: MinHash finds it
            texts.append(small_edit(rng, rng.choice([t for t in texts[-6:] if len(t) > 30])))
        else:
            texts.append(make_line(rng, rng.randint(8, 14), distinct=True))
    stage = Dedup(scope="window", window=4)
    got = {number for number, removed in judged(texts, stage, 512) if removed is not None and texts[number - 1].strip()}
    assert got == brute_force(texts, window=4)


def test_rebuilding_the_window_index_never_indexes_lines_that_were_not_added():
    import numpy as np

    from cleantext.stages.near_duplicates import BANDS, BandIndex

    rng = np.random.default_rng(5)
    index = BandIndex(capacity=16)
    keys_of: dict[int, np.ndarray] = {}
    rebuilds = 0
    for start in range(0, 12000, 8):  # enough entries for several rebuilds
        ids = np.arange(start, start + 8, dtype=np.int64)
        ids = ids[ids % 3 != 0]  # every third kept line is short: kept, but not indexed
        keys = rng.integers(0, 2**32, (len(ids), BANDS), dtype=np.uint32)
        keys_of.update(zip(ids.tolist(), keys))
        index.add(ids, keys, np.full(len(ids), 40))
        before = len(index)
        first_live = max(0, start + 8 - 16)
        index.drop_before(first_live)
        if len(index) < before:  # rebuilt from the live lines
            rebuilds += 1
            # a live non-indexed id's ring slot still holds the keys of the id 16 before it
            skipped = [i for i in range(first_live, start + 8) if i % 3 == 0 and i - 16 in keys_of]
            stale = np.array([keys_of[i - 16] for i in skipped])
            found = index.owners(stale, np.full(len(stale), 40))
            assert not set(found.ravel().tolist()) & set(skipped)
    assert rebuilds >= 1


@given(st.integers(0, 2**32 - 1), st.booleans(), st.booleans())
@settings(max_examples=25, deadline=None)
def test_band_tables_map_each_key_to_its_newest_owner_across_growth_and_spills(seed, crowd_the_end, resume):
    """The tables grow by refilling in home order (no step-by-step probing), finish long
    probe runs a block of slots at a time and grow when a run would spill past the spare
    slots after the last home; either way each (band, key) must map to the owner last put,
    and `put` must return the owner it replaced, exactly as a dict does. With `resume`,
    each put starts where a `get` of the same keys ended its probes."""
    import numpy as np

    from cleantext.stages.near_duplicates import BANDS, _BandTables

    rng = np.random.default_rng(seed)
    if crowd_the_end:  # keys whose home is in the last 2% of any table size: runs reach the end
        mixed = rng.integers(int(0.98 * 2**32), 2**32, size=3000, dtype=np.uint64)
        pool = (mixed * np.uint64(pow(0x9E3779B1, -1, 2**32)) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    else:
        pool = rng.integers(0, 2**32, size=3000, dtype=np.uint64).astype(np.uint32)
    tables, expected, owner = _BandTables(), {}, 0
    for _ in range(6):
        bands = rng.choice([0, 1, BANDS - 1], size=1500)  # few bands: each outgrows its table
        keys = pool[rng.integers(0, len(pool), size=1500)]
        pairs = dict.fromkeys(zip(bands.tolist(), keys.tolist()))  # distinct (band, key) pairs
        bands = np.array([b for b, _ in pairs], dtype=np.int64)
        keys = np.array([k for _, k in pairs], dtype=np.uint32)
        owners = np.arange(owner, owner + len(keys), dtype=np.int32)
        owner += len(keys)
        starts = None
        if resume:
            tables.get(np.repeat(keys[:, None], BANDS, axis=1))
            generation, slots = tables.probed
            starts = slots[np.arange(len(keys)), bands]
        replaced = tables.put(bands, keys, owners, starts)
        assert replaced.tolist() == [expected.get(pair, -1) for pair in pairs]
        expected.update(zip(pairs, owners.tolist()))
    queries = np.zeros((len(pool), BANDS), dtype=np.uint32) + pool[:, None]
    found = tables.get(queries)
    assert found.tolist() == [[expected.get((b, int(k)), -1) for b in range(BANDS)] for k in pool]
    assert tables.counts.sum() == len(expected)
    assert tables.size > 1024  # the tables grew


@pytest.mark.parametrize("resume", [False, True])
def test_band_tables_grow_when_a_probe_run_would_spill_past_the_spare_slots(resume):
    """Keys whose homes all fall in the last slots of a table make one probe run longer
    than the spare slots after the last home: the tables must grow (again and again,
    until the run fits) rather than write past a band's end, and still map each key to
    its newest owner."""
    from cleantext.stages.near_duplicates import BANDS, _BandTables

    rng = np.random.default_rng(7)
    count = _BandTables.SPARE + 200
    top = 2**32 - 2**32 // 1000  # mixed keys in the last 0.1% of the range: homes in the last slots
    mixed = rng.choice(np.arange(top, 2**32, dtype=np.uint64), size=count, replace=False)
    keys = (mixed * np.uint64(pow(0x9E3779B1, -1, 2**32)) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    tables = _BandTables()
    band = np.full(count, BANDS - 1, dtype=np.int64)  # the last band: a spill would leave the array
    expected: dict[int, int] = {}
    for round_, chosen in enumerate([np.arange(count), rng.choice(count, size=count // 2, replace=False)]):
        owners = np.arange(round_ * count, round_ * count + len(chosen), dtype=np.int32)
        starts = None
        if resume:
            tables.get(np.repeat(keys[chosen, None], BANDS, axis=1))
            starts = tables.probed[1][np.arange(len(chosen)), BANDS - 1]
        replaced = tables.put(band[chosen], keys[chosen], owners, starts)
        assert replaced.tolist() == [expected.get(k, -1) for k in keys[chosen].tolist()]
        expected.update(zip(keys[chosen].tolist(), owners.tolist()))
    found = tables.get(np.repeat(keys[:, None], BANDS, axis=1))
    assert found[:, BANDS - 1].tolist() == [expected[k] for k in keys.tolist()]
    assert (found[:, :BANDS - 1] == -1).all()
    assert tables.counts.tolist() == [0] * (BANDS - 1) + [count]
    assert tables.size >= 16 * 2048  # far more than the load alone asks for
    last = tables.entries[(BANDS - 1) * tables.stride:]
    assert not last[tables.size + tables.SPARE:].any()  # nothing past the spare slots


BASES = ["The river council approved the new garden budget today",
         "Heavy storms delayed every morning train to the city",
         "The river council did not approve the garden budget"]


@st.composite
def edited_sentence(draw) -> str:
    """A base sentence with a few characters changed: many pairs near the threshold."""
    text = list(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(0, 8))):
        at = draw(st.integers(0, len(text) - 1))
        text[at] = draw(st.sampled_from("aeiou xz"))
    return "".join(text)


@settings(max_examples=150, deadline=None)
@given(st.lists(edited_sentence(), min_size=1, max_size=60), st.sampled_from([80.0, 85.0, 90.0, 95.0]),
       st.sampled_from(["document", "window"]), st.sampled_from([2, 5, 100]))
def test_a_whole_document_batch_finds_what_the_index_finds(texts, threshold, scope, window):
    """A document in one batch skips the MinHash index (`_LazyCandidates`) unless the batch is
    exactly full: both ways, and in small batches, give the same removals and scores."""
    stage = Dedup(threshold=threshold, scope=scope, window=window)
    whole = judged(texts, stage, len(texts) + 1)
    assert whole == judged(texts, stage, len(texts))
    assert whole == judged(texts, stage, 3)


def test_the_short_document_pre_check_keeps_lines_at_the_length_bound():
    """The pre-check compares a line only with kept lines whose length can reach the
    threshold: a line exactly at the bound (ratio 90.0) is still found, one past it is not."""
    base = "abcdefghij" * 9
    at_bound = base + "klmnopqrst" * 2  # 90 of 110 characters: ratio 2 * 90 / 200 = 90.0
    for texts, found in (([base, at_bound], True), ([at_bound, base], True), ([base, at_bound + "u"], False)):
        stage = Dedup(threshold=90.0)
        whole = judged(texts, stage, len(texts) + 1)  # one batch: the pre-check
        assert (whole[1][1] is not None) == found
        assert whole == judged(texts, stage, len(texts))  # a full batch: the index


def test_whole_document_batches_agree_with_the_index_on_crowded_keys():
    """Seeded documents of many variants of one sentence, where several kept lines hold the
    same band keys and only the `DEPTH` newest of them are candidates (this catches a
    lazy path that proposes one holder too many)."""
    rng = random.Random(1)
    for _ in range(200):
        texts = []
        for _ in range(rng.randint(5, 60)):
            text = list(rng.choice(BASES))
            for _ in range(rng.randint(0, 8)):
                text[rng.randrange(len(text))] = rng.choice("aeiou xz")
            texts.append("".join(text))
        stage = Dedup(threshold=rng.choice([80.0, 85.0, 90.0, 95.0]))
        assert judged(texts, stage, len(texts) + 1) == judged(texts, stage, len(texts))


pair_texts = st.text(st.sampled_from("abcde \u00e9\u4e00\U0001F600") | st.characters(), max_size=60)


@settings(max_examples=300, deadline=None)
@given(pair_texts, pair_texts, st.sampled_from([80.0, 85.0, 90.0, 95.0]))
def test_a_pair_the_histograms_rule_out_never_reaches_the_threshold(first, second, threshold):
    """The candidate filter drops only kept lines that cannot match (so no decision changes)."""
    from rapidfuzz import fuzz

    from cleantext.stages.near_duplicates import char_histograms, reachable

    first, second = first or "x", second or "y"
    histograms = char_histograms([first, second])
    lengths = np.array([len(first), len(second)])
    may = reachable(histograms, lengths, np.array([0]), histograms, lengths, np.array([1]), 1 - threshold / 100)[0]
    assert may or fuzz.ratio(first, second) < threshold


def test_char_histograms_count_each_text_by_code_point_and_clip_at_255():
    from cleantext.stages.near_duplicates import BUCKETS, char_histograms

    texts = ["ab", "", "a" * 300 + "\U0001F600", "!" + chr(33 + BUCKETS)]
    got = char_histograms(texts)
    for text, row in zip(texts, got.tolist()):
        expected = [0] * BUCKETS
        for ch in text:
            expected[ord(ch) % BUCKETS] += 1
        assert row == [min(count, 255) for count in expected]


@given(st.lists(st.integers(0, 40), max_size=300))
def test_grouped_order_is_a_stable_sort(values):
    from cleantext.stages.near_duplicates import grouped_order

    banded = np.array([(v % 32) << 32 | v * 7919 % 50 for v in values], dtype=np.uint64)
    order, ordered = grouped_order(banded)
    assert order.tolist() == np.argsort(banded, kind="stable").tolist()
    assert ordered.tolist() == banded[order].tolist()


squash_words = ["ab c", "a bc", "A-b c", "abc", "a.b.c", "not", "2", "2.5", "25", "x\ty", "é b", "\x01"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(squash_words), min_size=1, max_size=4).map(" ".join), max_size=30),
       st.integers(0, 12), st.sampled_from(["document", "corpus"]))
def test_threshold_100_normalizing_only_on_a_squashed_match_gives_the_eager_answer(texts, min_length, scope):
    """Outside window scope, threshold 100 normalizes a line only when a kept line has its
    squashed form; window scope (here never full) normalizes every line."""
    lazy = Dedup(threshold=100.0, min_length=min_length, scope=scope)
    eager = Dedup(threshold=100.0, min_length=min_length, scope="window", window=1000)
    assert judged(texts, lazy, 3) == judged(texts, eager, 3)


def test_kept_lines_name_the_source_of_each_live_id_and_forget_expired_sources():
    from cleantext.stages.kept_lines import KeptLines

    memory = KeptLines(90.0, 2, 16)
    for number, source in enumerate(["a", "a", "b", "c", "c", "d"]):
        memory.note_source(source)
        memory.add(f"line {number}", None, None, number)
        assert memory.source(number) == source
        assert [memory.source(i) for i in range(memory.first_live, number + 1)] == \
            [["a", "a", "b", "c", "c", "d"][i] for i in range(memory.first_live, number + 1)]
    assert len(memory._sources) <= 3  # sources of expired ids are forgotten


@given(st.text(max_size=40), st.integers(0, 20), st.integers(0, 20))
def test_recent_judged_form_answers_as_judged_form(text, min_length, other_min_length):
    from cleantext.stages import line_forms

    for length in (min_length, other_min_length, min_length):
        assert line_forms.recent_judged_form(text, length) == line_forms.judged_form(text, length)
    assert len(line_forms._recent) <= line_forms.RECENT_SIZE


def test_recent_judged_form_forgets_everything_when_full_and_skips_long_texts(monkeypatch):
    from cleantext.stages import line_forms

    monkeypatch.setattr(line_forms, "RECENT_SIZE", 4)
    monkeypatch.setattr(line_forms, "_recent", {})
    for i in range(10):
        line_forms.recent_judged_form(f"The council met on day {i}", 15)
        assert 1 <= len(line_forms._recent) <= 4
    line_forms.recent_judged_form("x" * (line_forms.RECENT_LENGTH + 1), 15)
    assert "x" * (line_forms.RECENT_LENGTH + 1) not in line_forms._recent
