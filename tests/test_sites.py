"""Per-site counting for strip-debris --repeated-in (`--site none|dir|field:NAME`)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from cleantext import Pipeline, StripDebris, split_lines
from cleantext.batch.plan import site_directory
from cleantext.cli import cli
from cleantext.formats.jsonl import JsonLines, site_name
from cleantext.phased import clean_corpus
from cleantext.phases.engines import InProcess

FOOTER = "Shared footer about cookies"
REPEATED = "boilerplate:repeated-across-documents"


def _page(n: int) -> str:
    """A page dump with menus around a short article, and a footer line no rule knows."""
    body = [f"Paragraph {n} of the story says that the council met on Tuesday and that the vote was close.",
            "The ferry company said that fares would rise in the spring because fuel had become expensive.",
            "Residents who spoke at the meeting asked for a second bridge across the river near the school."]
    chrome = ["Skip to content", "Home", "News", "Sport"]
    tail = ["Our Newsroom", "Write to the Editor", "Share on Facebook", "Related stories",
            "© 2025 Town News. All rights reserved.", FOOTER]
    return "\n".join([*chrome, "", *body, "", *tail]) + "\n"


def _footer_removed_in(removed_tsv: str) -> list[str]:
    """The sources (one per document) whose footer line was removed as repeated."""
    rows = [row.split("\t") for row in removed_tsv.splitlines()[1:]]
    return [row[0] for row in rows if row[-1] == FOOTER and row[3] == REPEATED]


def _write_jsonl(path, records) -> None:
    path.write_text("".join(json.dumps(record) + "\n" for record in records))


# Six pages alternating between two sites that share the footer text.
URLS = ["https://www.a.com/1", "http://B.com/1", "https://a.com/2", "https://www.b.com/2", "http://A.COM/3",
        "http://b.com:8080/3"]


@pytest.fixture
def two_sites(tmp_path):
    path = tmp_path / "pages.jsonl"
    _write_jsonl(path, [{"url": url, "text": _page(n)} for n, url in enumerate(URLS)])
    return path


def test_without_sites_the_footer_is_learned_across_the_whole_run(runner, two_sites):
    result = runner.invoke(cli, ["clean", str(two_sites), "--jsonl", "--repeated-in", "2", "--removed", "-"])
    assert result.exit_code == 0, result.stderr
    name = str(two_sites)
    assert _footer_removed_in(result.stderr) == [f"{name}:3", f"{name}:4", f"{name}:5", f"{name}:6"]


def test_with_a_site_field_the_footer_is_learned_per_site(runner, two_sites):
    # Each site has three pages: the footer is in two earlier pages of its own site only
    # on its third page (the URLs differ in case, www., scheme and port: one host each).
    result = runner.invoke(cli, ["clean", str(two_sites), "--jsonl", "--site", "field:url",
                                 "--repeated-in", "2", "--removed", "-"])
    assert result.exit_code == 0, result.stderr
    name = str(two_sites)
    assert _footer_removed_in(result.stderr) == [f"{name}:5", f"{name}:6"]


def test_records_without_the_site_field_share_one_no_site_bucket(runner, tmp_path):
    path = tmp_path / "pages.jsonl"
    # a.com, then four records with no usable site (missing, null, empty, a list): they
    # count together, so the fourth of them (after three earlier ones) drops the footer
    # at --repeated-in 3; a.com's page never does.
    _write_jsonl(path, [{"url": "https://a.com/", "text": _page(0)}, {"text": _page(1)},
                        {"url": None, "text": _page(2)}, {"url": "", "text": _page(3)},
                        {"url": ["x"], "text": _page(4)}])
    result = runner.invoke(cli, ["clean", str(path), "--jsonl", "--site", "field:url",
                                 "--repeated-in", "3", "--removed", "-"])
    assert result.exit_code == 0, result.stderr
    assert _footer_removed_in(result.stderr) == [f"{path}:5"]


def test_site_directories_count_each_directory_on_its_own(runner, crawl):
    whole = runner.invoke(cli, ["clean", str(crawl), "--repeated-in", "2", "--removed", "-"])
    per_site = runner.invoke(cli, ["clean", str(crawl), "--site", "dir", "--repeated-in", "2", "--removed", "-"])
    assert whole.exit_code == 0 and per_site.exit_code == 0, (whole.stderr, per_site.stderr)
    assert len(_footer_removed_in(whole.stderr)) == 4  # from the third page of the run on
    assert _footer_removed_in(per_site.stderr) == [str(crawl / "a.com" / "2024" / "page2.txt"),
                                                   str(crawl / "b.com" / "2024" / "page2.txt")]
    assert whole.stdout != per_site.stdout


@pytest.fixture
def crawl(tmp_path):
    """Three pages each of two sites, one directory per site."""
    root = tmp_path / "crawl"
    for site in ("a.com", "b.com"):
        for n in range(3):
            (root / site / "2024").mkdir(parents=True, exist_ok=True)
            (root / site / "2024" / f"page{n}.txt").write_text(_page(n))
    return root


@pytest.mark.parametrize("engine", [["-j", "2"], ["--engine", "dask", "--scheduler", "synchronous"]])
@pytest.mark.parametrize("layout", ["field", "dir"])
def test_per_site_counting_is_the_same_on_every_executor(runner, two_sites, crawl, tmp_path, engine, layout):
    if "dask" in engine:
        pytest.importorskip("dask")
    if layout == "field":
        options = [str(two_sites), "--jsonl", "--site", "field:url", "--repeated-in", "2"]
    else:
        options = [str(crawl), "--site", "dir", "--repeated-in", "2"]
    outputs = []
    for n, extra in enumerate(([], engine)):
        out, removed, stats = (tmp_path / f"{kind}{n}" for kind in ("out", "removed", "stats"))
        result = runner.invoke(cli, ["clean", *options, *extra, "-o", str(out),
                                     "--removed", str(removed), "--stats", str(stats)])
        assert result.exit_code == 0, result.stderr
        stats_data = json.loads(stats.read_text())
        for file in stats_data.get("files", []):
            file.pop("seconds", None)
        stats_data.pop("seconds", None)
        stats_data.pop("jobs", None)
        outputs.append((out.read_bytes(), removed.read_bytes(), stats_data))
    assert REPEATED.encode() in outputs[0][1]
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("value, message", [
    ("bogus", "--site must be none, dir or field:NAME, not 'bogus'"),
    ("field:", "--site must be none, dir or field:NAME"),
])
def test_a_bad_site_option_is_a_usage_error(runner, two_sites, value, message):
    result = runner.invoke(cli, ["clean", str(two_sites), "--jsonl", "--site", value, "--repeated-in", "2"])
    assert result.exit_code == 2
    assert message in result.stderr


def test_a_site_field_needs_json_lines(runner, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(_page(0))
    result = runner.invoke(cli, ["clean", str(page), "--site", "field:url", "--repeated-in", "2"])
    assert result.exit_code == 2
    assert "--site field:NAME needs --jsonl" in result.stderr
    assert not result.stdout


def test_the_site_option_can_come_from_a_config_file(runner, tmp_path, monkeypatch, two_sites):
    (tmp_path / "cleantext.toml").write_text('site = "field:url"\n\n[strip-debris]\nrepeated-in = 2\n')
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["clean", str(two_sites), "--jsonl", "--removed", "-"])
    assert result.exit_code == 0, result.stderr
    assert _footer_removed_in(result.stderr) == [f"{two_sites}:5", f"{two_sites}:6"]
    shown = runner.invoke(cli, ["config"])
    assert 'site = "field:url"' in shown.stdout


@pytest.mark.parametrize("value, site", [
    ("https://www.Example.COM/path?q=1", "example.com"),
    ("http://example.com:8080/", "example.com"),
    ("//www.example.com/x", "example.com"),
    ("WWW.Example.com.", "example.com"),
    ("example.com", "example.com"),
    ("https://news.example.com/", "news.example.com"),
    ("https://wwwexample.com/", "wwwexample.com"),  # only a leading "www." label goes
    ("http://[::1]:80/", "::1"),
    ("http://[bad/", None),
    ("file:///tmp/page.html", None),  # a URL without a host names no site
    (17, "17"),
    (True, None),
    (None, None),
    ("", None),
    ("  ", None),
    (["a.com"], None),
])
def test_site_names_from_field_values(value, site):
    assert site_name(value) == site


@pytest.mark.parametrize("relative, site", [
    ("a.com/page.txt", "a.com"),
    ("a.com/2024/05/page.txt", "a.com"),
    ("page.txt", None),
])
def test_the_site_of_a_file_is_the_first_directory_under_the_input_directory(relative, site):
    assert site_directory(relative) == site


def test_the_json_lines_reader_puts_the_site_on_each_document():
    class Result:
        bytes_in = records = bad_records = 0
        warnings: list = []
        facts: dict = {}

    lines = split_lines('{"text": "a", "domain": "www.A.com"}\n{"text": "b"}\n', "in.jsonl")
    documents = list(JsonLines(site_field="domain").documents(lines, "in.jsonl", Result()))
    assert [document.site for document in documents] == ["a.com", None]
    assert [document.site for document in JsonLines().documents(lines, "in.jsonl", Result())] == [None, None]


def _removed_footers(run_lines) -> int:
    return sum(1 for line in run_lines if line.text == FOOTER and line.removed and line.removed.rule == REPEATED)


def test_library_runs_count_per_site_when_process_is_given_one():
    pipeline = Pipeline([StripDebris(repeated_in=2)])
    pages = [_page(n) for n in range(6)]
    sites = ["a.com", "b.com"] * 3
    whole, per_site = pipeline.start(), pipeline.start()
    assert [_removed_footers(whole.process(split_lines(page))) for page in pages] == [0, 0, 1, 1, 1, 1]
    assert [_removed_footers(per_site.process(split_lines(page), site)) for page, site in zip(pages, sites)] \
        == [0, 0, 0, 0, 1, 1]


def test_a_cross_document_stage_run_on_the_driver_gets_each_documents_site():
    @dataclass(frozen=True)
    class Subclass(StripDebris):  # not StripDebris itself: no phases, it runs on the driver
        pass

    pipeline = Pipeline([Subclass(repeated_in=2)])
    pages = [_page(n) for n in range(6)]
    sites = ["a.com", "b.com", None] * 2
    run = pipeline.start()
    expected = [[(line.text, line.removed) for line in run.process(split_lines(page, f"d{n}"), site)]
                for n, (page, site) in enumerate(zip(pages, sites))]
    documents = [(n, split_lines(page, f"d{n}"), site) for n, (page, site) in enumerate(zip(pages, sites))]
    results = clean_corpus(pipeline, documents, InProcess())
    assert [[(line.text, line.removed) for line in lines] for _, lines, _ in results] == expected


def test_a_removal_counted_per_site_says_so():
    run = Pipeline([StripDebris(repeated_in=2)]).start()
    for n in range(2):
        list(run.process(split_lines(_page(n)), "a.com"))
    details = {line.removed.detail for line in run.process(split_lines(_page(2)), "a.com")
               if line.removed and line.removed.rule == REPEATED}
    assert details == {"in 2 earlier documents of this site"}


def test_review_shows_what_per_site_counting_removes(runner, crawl):
    whole = runner.invoke(cli, ["clean", str(crawl), "--repeated-in", "2", "--review"])
    per_site = runner.invoke(cli, ["clean", str(crawl), "--site", "dir", "--repeated-in", "2", "--review"])
    assert whole.exit_code == 0 and per_site.exit_code == 0, (whole.stderr, per_site.stderr)
    assert whole.stdout.count(f"{FOOTER}  <- strip-debris: {REPEATED}") == 4
    assert per_site.stdout.count(f"{FOOTER}  <- strip-debris: {REPEATED}") == 2
    assert "in 2 earlier documents of this site" in per_site.stdout
