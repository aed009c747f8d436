"""The command line's options, declared once: stage options mirror each stage's
fields (and take their defaults from it), batch options fill `batch.Options`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from ..batch import BAD_RECORD_POLICIES, ENGINES, Options
from ..stages.dedup import SCOPES, Dedup
from ..stages.debris import StripDebris
from ..stages.encoding import FixEncoding

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


class _Options:
    """A list of Click options applied as one decorator, which knows their names."""

    def __init__(self, *options: Decorator):
        self.options = options
        self.names = tuple(getattr(option, "name", None) for option in options)

    def __call__(self, function: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(self.options):
            function = option(function)
        return function


_options = _Options


def _option(*declarations: str, **attributes: Any) -> Decorator:
    """`click.option`, remembering the parameter name it declares."""
    decorator = click.option(*declarations, **attributes)
    decorator.name = click.Option(declarations, **attributes).name  # type: ignore[attr-defined]
    return decorator


fix_encoding_options = _options(
    click.option("--straight-quotes", is_flag=True, default=FixEncoding.straight_quotes,
                 help="Replace curly quotes with straight ones."),
    click.option("--fix-width", is_flag=True, default=FixEncoding.fix_width,
                 help="Turn full-width Latin letters and digits into normal ones."),
    click.option("--unescape-html/--keep-html-entities", default=FixEncoding.unescape_html,
                 show_default=True, help="Decode HTML entities such as &amp;."),
)

dedup_options = _options(
    click.option("--threshold", type=click.FloatRange(0, 100), default=Dedup.threshold,
                 show_default=True,
                 help="Similarity (rapidfuzz ratio, 0-100) at which a line is a near-duplicate; 100 = exact only."),
    click.option("--min-length", type=click.IntRange(0), default=Dedup.min_length, show_default=True,
                 help="Normalized lines shorter than this only match exactly."),
    click.option("--scope", type=click.Choice(SCOPES), default=Dedup.scope, show_default=True,
                 help="Compare within each input, within a sliding window, or across all inputs."),
    click.option("--window", type=click.IntRange(1), default=Dedup.window, show_default=True,
                 help="Kept lines remembered with --scope window."),
)

strip_debris_options = _options(
    click.option("--rules", "rules_file", multiple=True, type=click.Path(dir_okay=False),
                 help="Extra rules: TOML ([[rule]] name/pattern, disable = [...]) or 'name<TAB>regex' "
                      "lines ('-name' disables a built-in). Repeatable."),
    click.option("--keep", multiple=True, metavar="PATTERN",
                 help="Never remove a line in which this regex finds a match. Repeatable."),
    click.option("--lang", type=click.Choice(StripDebris.LANGUAGES), default=StripDebris.lang, metavar="CODE",
                 help="Measure every line against this stopword list (en, de, ko, ar...; "
                      "default: each line in its own language)."),
    click.option("--heuristics/--rules-only", default=StripDebris.heuristics, show_default=True,
                 help="Classify boilerplate by length, stopwords and article core, or apply only the rules."),
    click.option("--repeated-in", type=click.IntRange(0), default=StripDebris.repeated_in, show_default=True,
                 metavar="N",
                 help="Treat a line seen in N earlier documents of the run (of its site, with --site) as site "
                      "boilerplate (0: off)."),
)

io_options = _options(
    _option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default=None,
                 help="Write cleaned text here (atomically) instead of standard output."),
    _option("--output-dir", type=click.Path(file_okay=False), default=None,
                 help="Write each input to its own file under DIR, mirroring the input tree."),
    _option("--in-place", is_flag=True, default=False,
                 help="Replace each input file with its cleaned text (atomically)."),
    _option("--backup", metavar="SUFFIX", default=None,
                 help="With --in-place, keep each original as FILE+SUFFIX (e.g. '.orig'); files "
                      "ending in SUFFIX are never inputs, and a file whose backup exists is not cleaned."),
    _option("--overwrite-backup", is_flag=True, default=False,
                 help="With --backup, replace backups left by an earlier run."),
    _option("--glob", "globs", multiple=True, metavar="PATTERN",
                 help="Take only files matching PATTERN (e.g. '*.txt') from directories; repeatable."),
    _option("--follow-symlinks", is_flag=True, default=False,
                 help="Take symbolic links found in directories (default: skip them, with a warning)."),
    _option("--removed", type=click.Path(dir_okay=False, allow_dash=True), default=None,
                 help="Write every removed line as TSV (source, line, stage, reason, detail, text); '-' is stderr."),
    _option("--stats", type=click.Path(dir_okay=False, allow_dash=True), default=None,
                 help="Write per-stage and per-file counts as JSON; '-' is stderr."),
    _option("--separator", default="none", show_default=True, metavar="formfeed|nul|none|TEXT",
                 help="Split each input (standard input too) into documents at this separator: form "
                      "feed, NUL, or literal TEXT; each is cleaned on its own and the separators are kept."),
    _option("--jsonl", is_flag=True, default=False,
                 help="Inputs are JSON Lines: clean one field of each record, keep the other fields."),
    _option("--text-field", default=Options.text_field, show_default=True, metavar="NAME",
                 help="With --jsonl, the field holding the text."),
    _option("--on-bad-record", type=click.Choice(BAD_RECORD_POLICIES), default=Options.on_bad_record,
                 show_default=True,
                 help="With --jsonl, what to do with a line that is not a JSON object with a string "
                      "text field: copy it unchanged, drop it, or fail the input."),
    _option("--site", default=Options.site, show_default=True, metavar="none|dir|field:NAME",
            help="What names each document's site, so strip-debris --repeated-in counts repeats per "
                 "site: 'dir' (the first directory under an input directory), 'field:NAME' (with "
                 "--jsonl, a record field; a URL names its host, without 'www.'), or 'none' (count "
                 "across the whole run). Documents with no site share one bucket."),
    _option("-j", "--jobs", type=click.IntRange(1), default=None,
                 help="Clean up to N files at once (default: one per core; small batches use one process)."),
    _option("--engine", type=click.Choice(ENGINES), default=Options.engine, show_default=True,
            help="Where to clean: 'local' (this machine: the main process, or -j worker processes) or "
                 "'dask' (a Dask cluster; needs pip install 'cleantext-cli[dask]')."),
    _option("--scheduler", metavar="ADDRESS", default=Options.scheduler,
            help="With --engine dask, the address of a running scheduler (tcp://HOST:PORT), or "
                 "'synchronous' (Dask's scheduler in this process, for debugging); default: start "
                 "a local cluster with one worker process per core (or -j N)."),
    _option("--fail-fast", is_flag=True, default=False,
                 help="Stop at the first input that fails: later inputs are left alone and an -o file is not written."),
    _option("-q", "--quiet", is_flag=True, default=False,
                 help="No progress bar and no warnings; errors are still shown."),
    _option("-v", "--verbose", is_flag=True, default=False,
                 help="Log one line per input: lines in, removed, changed, output, time."),
    _option("--review", is_flag=True, default=False,
                 help="Instead of the cleaned text, show each document with removed lines marked "
                      "('-', stage and reason) and fixed lines before and after ('~'); colour on a terminal."),
    _option("--review-html", metavar="FILE", type=click.Path(dir_okay=False), default=None,
                 help="Instead of the cleaned text, write the review as an HTML page to open in a browser."),
    _option("--summary/--no-summary", default=None,
                 help="Print totals and the top removal reasons per stage on stderr at the end "
                      "(default: when stderr is a terminal, or with -v; never with -q)."),
)

#: The stage subcommands, in the order `clean` runs them.
STAGE_COMMANDS = ("fix-encoding", "strip-debris", "dedup")

#: Group and `clean` options that describe the batch rather than a stage.
BATCH_OPTIONS: tuple[str, ...] = io_options.names  # type: ignore[assignment]


