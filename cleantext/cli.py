"""The command line: a thin Click layer that builds library stages from options.

Each stage subcommand only turns its options into a stage object; the group's result
callback composes them into a `Pipeline` and hands it, with the batch options, to
`batch.run_batch`. Defaults may come from a config file (`config.py`), which becomes
Click's `default_map`.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable
from typing import Any

import click

from . import __version__
from .batch import BAD_RECORD_POLICIES, STDIN, BatchUsageError, Options, run_batch, summary_lines
from .config import ConfigError, config_from_args, describe_settings
from .interrupts import Interrupt, exiting, install as install_interrupts
from .io import InputError, closed_standard_streams, remove_temporary_files
from .lines import SEPARATORS
from .placement import misplaced_argument, misplaced_option
from .stages.dedup import SCOPES, Dedup
from .stages.debris import StripDebris
from .stages.encoding import FixEncoding

EXIT_OK, EXIT_INPUT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 0, 1, 2, 130, 141
EXIT_INTERNAL_ERROR = 70  # EX_SOFTWARE from sysexits.h

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def _options(*options: Decorator) -> Decorator:
    def apply(function: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            function = option(function)
        return function

    return apply


def _build(stage_class: type, options: dict[str, Any]) -> Any:
    """Construct a stage from the options named like its fields (CLI options map 1:1)."""
    names = {f.name for f in dataclasses.fields(stage_class)}
    try:
        return stage_class(**{k: v for k, v in options.items() if k in names})
    except ValueError as error:
        raise click.UsageError(str(error)) from None


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
                 help="Treat a line seen in N earlier documents of the run as site boilerplate (0: off)."),
)

io_options = _options(
    click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default=None,
                 help="Write cleaned text here (atomically) instead of standard output."),
    click.option("--output-dir", type=click.Path(file_okay=False), default=None,
                 help="Write each input to its own file under DIR, mirroring the input tree."),
    click.option("--in-place", is_flag=True, default=False,
                 help="Replace each input file with its cleaned text (atomically)."),
    click.option("--backup", metavar="SUFFIX", default=None,
                 help="With --in-place, keep each original as FILE+SUFFIX (e.g. '.orig'); files "
                      "ending in SUFFIX are never inputs, and a file whose backup exists is not cleaned."),
    click.option("--overwrite-backup", is_flag=True, default=False,
                 help="With --backup, replace backups left by an earlier run."),
    click.option("--glob", "globs", multiple=True, metavar="PATTERN",
                 help="Take only files matching PATTERN (e.g. '*.txt') from directories; repeatable."),
    click.option("--follow-symlinks", is_flag=True, default=False,
                 help="Take symbolic links found in directories (default: skip them, with a warning)."),
    click.option("--removed", type=click.Path(dir_okay=False, allow_dash=True), default=None,
                 help="Write every removed line as TSV (source, line, stage, reason, detail, text); '-' is stderr."),
    click.option("--stats", type=click.Path(dir_okay=False, allow_dash=True), default=None,
                 help="Write per-stage and per-file counts as JSON; '-' is stderr."),
    click.option("--separator", default="none", show_default=True, metavar="formfeed|nul|none|TEXT",
                 help="Split each input (standard input too) into documents at this separator: form "
                      "feed, NUL, or literal TEXT; each is cleaned on its own and the separators are kept."),
    click.option("--jsonl", is_flag=True, default=False,
                 help="Inputs are JSON Lines: clean one field of each record, keep the other fields."),
    click.option("--text-field", default="text", show_default=True, metavar="NAME",
                 help="With --jsonl, the field holding the text."),
    click.option("--on-bad-record", type=click.Choice(BAD_RECORD_POLICIES), default="pass",
                 show_default=True,
                 help="With --jsonl, what to do with a line that is not a JSON object with a string "
                      "text field: copy it unchanged, drop it, or fail the input."),
    click.option("-j", "--jobs", type=click.IntRange(1), default=None,
                 help="Clean up to N files at once (default: one per core; small batches use one process)."),
    click.option("--fail-fast", is_flag=True, default=False,
                 help="Stop at the first input that fails: later inputs are left alone and an -o file is not written."),
    click.option("-q", "--quiet", is_flag=True, default=False,
                 help="No progress bar and no warnings; errors are still shown."),
    click.option("-v", "--verbose", is_flag=True, default=False,
                 help="Log one line per input: lines in, removed, changed, output, time."),
    click.option("--review", is_flag=True, default=False,
                 help="Instead of the cleaned text, show each document with removed lines marked "
                      "('-', stage and reason) and fixed lines before and after ('~'); colour on a terminal."),
    click.option("--review-html", metavar="FILE", type=click.Path(dir_okay=False), default=None,
                 help="Instead of the cleaned text, write the review as an HTML page to open in a browser."),
    click.option("--summary/--no-summary", default=None,
                 help="Print totals and the top removal reasons per stage on stderr at the end "
                      "(default: when stderr is a terminal, or with -v; never with -q)."),
)

#: The stage subcommands, in the order `clean` runs them.
STAGE_COMMANDS = ("fix-encoding", "strip-debris", "dedup")

#: Group and `clean` options that describe the batch rather than a stage.
BATCH_OPTIONS = ("output", "output_dir", "in_place", "backup", "overwrite_backup", "follow_symlinks",
                 "separator", "globs", "removed", "stats", "jsonl", "text_field", "on_bad_record", "jobs",
                 "fail_fast", "quiet", "verbose", "summary", "review", "review_html")


def _argv(ctx: click.Context) -> list[str]:
    return ctx.find_root().meta.get("cleantext.argv", [])


def _hinted_parse(parse: Callable[[click.Context, list[str]], list[str]], ctx: click.Context,
                  args: list[str]) -> list[str]:
    """Parse as Click does; an option in the wrong part of the chain gets a message
    showing where it belongs."""
    try:
        return parse(ctx, args)
    except click.NoSuchOption as error:
        group = ctx.find_root().command
        hint = misplaced_option(group, _argv(ctx), error.option_name,  # type: ignore[arg-type]
                                ctx.info_name or "cleantext" if ctx.parent is not None else "cleantext")
        if hint is None:
            raise
        raise click.UsageError(hint, ctx) from None


class _StageCommand(click.Command):
    """A stage subcommand; misplaced options and file names get a teaching message."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return _hinted_parse(super().parse_args, ctx, args)


class _ConfiguredGroup(click.Group):
    """The top-level group: reads the config file before parsing, as Click defaults."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if ctx.parent is None:
            ctx.meta["cleantext.argv"] = list(args)
        return _hinted_parse(super().parse_args, ctx, args)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as error:
            hint = misplaced_argument(self, _argv(ctx), args[0])
            if hint is None:
                raise
            raise click.UsageError(hint, ctx) from error

    def make_context(self, info_name, args, parent=None, **extra: Any) -> click.Context:
        if parent is None and "default_map" not in extra:
            try:
                config = config_from_args(args, self)
                extra["default_map"] = config.default_map(self)
            except ConfigError as error:
                raise click.UsageError(str(error)) from None
        else:
            config = None
        ctx = super().make_context(info_name, args, parent=parent, **extra)
        ctx.meta["cleantext.config"] = config
        return ctx


@click.group(cls=_ConfiguredGroup, chain=True,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("-i", "--input", "inputs", multiple=True, type=click.Path(allow_dash=True),
              help="Input file or directory ('-' for standard input); repeatable. Default: standard input.")
@io_options
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None, expose_value=False,
              help="Read settings from this TOML file instead of the nearest cleantext.toml or "
                   "pyproject.toml [tool.cleantext].")
@click.option("--no-config", is_flag=True, default=False, expose_value=False,
              help="Ignore config files.")
@click.version_option(__version__, "-V", "--version", prog_name="cleantext")
@click.pass_context
def cli(ctx: click.Context, inputs: tuple[str, ...], **io: Any) -> None:
    """Clean scraped web text: fix encoding, drop duplicate lines, strip debris.

    Stages are subcommands; chain them and the text streams through them in order.
    `clean` runs the recommended pipeline (fix-encoding, strip-debris, dedup).

    \b
    Examples:
      cleantext clean samples/news-article.txt
      cat page.txt | cleantext clean > page.clean.txt
      cleantext clean a.txt b.txt -o out.txt --removed removed.tsv
      cleantext fix-encoding dedup --threshold 95 strip-debris < page.txt
      cleantext -i a.txt -i b.txt -o out.txt dedup --scope corpus
      cleantext clean crawl/ --glob '*.txt.gz' --output-dir clean/ -j 4 --stats stats.json
      cleantext clean pages.jsonl --jsonl --text-field body -o pages.clean.jsonl
      cleantext clean notes/ --in-place --backup .orig

    Each input is its own document (or each piece of it between --separator
    marks); a directory stands for the regular files under it.
    Exit codes: 0 ok, 1 some input failed or an output could not be written
    (reported; the other inputs are still cleaned), 2 usage or config error,
    130 interrupted, 141 output pipe closed.
    """
    ctx.obj = {"inputs": list(inputs), **io}


@cli.result_callback()
@click.pass_context
def _run(ctx: click.Context, stage_lists: list[list[Any]], **_: Any) -> None:
    from .pipeline import Pipeline

    settings = ctx.obj
    stages = [stage for stages in stage_lists for stage in stages]
    if settings.get("clean_used") and len(stage_lists) > 1:
        raise click.UsageError("'clean' runs the whole pipeline; use it alone or chain the stages yourself.")
    if settings["quiet"] and settings["verbose"]:
        raise click.UsageError("-q/--quiet and -v/--verbose contradict each other.")
    options = Options(
        output=settings["output"], output_dir=settings["output_dir"], in_place=settings["in_place"],
        backup=settings["backup"], overwrite_backup=settings["overwrite_backup"],
        follow_symlinks=settings["follow_symlinks"],
        separator=SEPARATORS.get(settings["separator"], settings["separator"]),
        removed=settings["removed"], stats=settings["stats"],
        globs=tuple(settings["globs"]), jsonl=settings["jsonl"], text_field=settings["text_field"],
        on_bad_record=settings["on_bad_record"], jobs=settings["jobs"], fail_fast=settings["fail_fast"],
    )

    def echo(message: str) -> None:
        click.echo(f"cleantext: {message}", err=True)

    if settings["review"] or settings["review_html"]:
        _review(ctx, Pipeline(stages), settings, options, echo)
    try:
        report = run_batch(
            Pipeline(stages), settings["inputs"] or [STDIN], options, warn=echo,
            note=None if settings["quiet"] else echo, log=echo if settings["verbose"] else None,
            progress_stream=_progress_stream(options, settings["quiet"]),
        )
    except BatchUsageError as error:
        raise click.UsageError(str(error)) from None
    except InputError as error:  # an output that cannot be created
        echo(str(error))
        ctx.exit(EXIT_INPUT_ERROR)
    except BrokenPipeError:
        raise _OutputClosed() from None  # past Click, which would turn it into exit code 1
    if _wants_summary(settings):
        for line in summary_lines(report):
            echo(line)
    # ctx.exit, not a return value: the exit code must survive standalone mode too
    ctx.exit(EXIT_INPUT_ERROR if report.failed else EXIT_OK)


def _review(ctx: click.Context, pipeline: Any, settings: dict[str, Any], options: Options,
            echo: Callable[[str], None]) -> None:
    """--review and --review-html: show what cleaning does instead of writing cleaned text."""
    from .batch import plan_batch
    from .io import AtomicOutput
    from .review import encoded, render_html, render_text, review_inputs

    for flag, used in (("--output-dir", options.output_dir), ("--in-place", options.in_place),
                       ("--jsonl", options.jsonl), ("--removed", options.removed), ("--stats", options.stats)):
        if used:
            raise click.UsageError(f"--review and --review-html show what cleaning would do; they do not "
                                   f"combine with {flag}. Run without them to clean.")
    if options.output is not None and not settings["review"]:
        raise click.UsageError("-o names where --review writes; --review-html takes its own file name.")
    review_options = Options(output=options.output, globs=options.globs, follow_symlinks=options.follow_symlinks,
                             separator=options.separator)
    try:
        tasks = plan_batch(settings["inputs"] or [STDIN], review_options, None if settings["quiet"] else echo)
    except BatchUsageError as error:
        raise click.UsageError(str(error)) from None
    failed: list[str] = []
    documents = list(review_inputs(pipeline, tasks, options.separator, echo, failed))
    try:
        if settings["review_html"]:
            with AtomicOutput(settings["review_html"], compress=False) as page:
                for chunk in render_html(documents):
                    page.stream.write(chunk.encode("utf-8", "replace"))
        if settings["review"]:
            target = options.output or "-"
            colour = target == "-" and sys.stdout is not None and sys.stdout.isatty() \
                and not os.environ.get("NO_COLOR")
            with AtomicOutput(target) as out:
                for line in render_text(documents, colour):
                    out.stream.write(encoded(line + "\n"))
    except InputError as error:
        echo(str(error))
        ctx.exit(EXIT_INPUT_ERROR)
    except BrokenPipeError:
        raise _OutputClosed() from None
    ctx.exit(EXIT_INPUT_ERROR if failed else EXIT_OK)


class _OutputClosed(Exception):
    """The reader of standard output went away."""


def _wants_summary(settings: dict[str, Any]) -> bool:
    if settings["quiet"]:
        return False
    if settings["summary"] is not None:
        return bool(settings["summary"])
    return settings["verbose"] or (sys.stderr is not None and sys.stderr.isatty())


def _progress_stream(options: Options, quiet: bool):
    """Standard error, when a person watches it and the text does not go to the same terminal."""
    stderr = sys.stderr
    if quiet or stderr is None or not stderr.isatty():
        return None
    writes_stdout = options.output in (None, "-") and options.output_dir is None and not options.in_place
    if writes_stdout and sys.stdout is not None and sys.stdout.isatty():
        return None
    return stderr


@cli.command("fix-encoding", cls=_StageCommand)
@fix_encoding_options
def fix_encoding_command(**options: Any) -> list[FixEncoding]:
    """Repair mojibake, HTML entities and control characters (ftfy).

    \b
    Example:
      printf 'cafÃ© &amp; bar\\n' | cleantext fix-encoding
    """
    return [_build(FixEncoding, options)]


@cli.command("dedup", cls=_StageCommand)
@dedup_options
def dedup_command(**options: Any) -> list[Dedup]:
    """Remove duplicate and near-duplicate lines, keeping the first.

    Blank lines are kept as paragraph breaks; runs of them collapse to one.

    \b
    Example:
      printf 'Title\\n\\nTitle\\n\\nText.\\n' | cleantext dedup
    """
    return [_build(Dedup, options)]


@cli.command("strip-debris", cls=_StageCommand)
@strip_debris_options
def strip_debris_command(**options: Any) -> list[StripDebris]:
    """Remove template errors and navigation debris (menus, share bars, footers).

    \b
    Example:
      printf 'Text.\\nRelated news\\n' | cleantext strip-debris
    """
    return [_build(StripDebris, options)]


#: `clean --help` sections: the options of each stage, then the rest.
_HELP_SECTIONS = (
    ("Fix-encoding options", fix_encoding_command),
    ("Strip-debris options", strip_debris_command),
    ("Dedup options", dedup_command),
)


class _StandaloneCommand(_StageCommand):
    """A subcommand that may mix options and file names (`clean a.txt -o out.txt`).

    In chain mode Click stops parsing a subcommand's options at its first argument, so
    the rest can go to the next subcommand; `clean` is never chained, so it takes all.
    """

    def make_context(self, info_name, args, parent=None, **extra: Any) -> click.Context:
        extra["allow_interspersed_args"] = True
        return super().make_context(info_name, args, parent=parent, **extra)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Options grouped by the stage they configure, then input/output and the rest."""
        records = {param.name: record for param in self.get_params(ctx)
                   if isinstance(param, click.Option) and (record := param.get_help_record(ctx))}
        for title, command in _HELP_SECTIONS:
            names = [param.name for param in command.params]
            with formatter.section(title):
                formatter.write_dl([records.pop(name) for name in names if name in records])
        with formatter.section("Input, output and other options"):
            formatter.write_dl(list(records.values()))


@cli.command("clean", cls=_StandaloneCommand)
@click.argument("files", nargs=-1, type=click.Path(allow_dash=True))
@fix_encoding_options
@strip_debris_options
@dedup_options
@click.option("--skip", "skipped", multiple=True, type=click.Choice(STAGE_COMMANDS), metavar="STAGE",
              help="Leave out this stage (fix-encoding, strip-debris or dedup); repeatable.")
@io_options
@click.pass_context
def clean_command(ctx: click.Context, files: tuple[str, ...], **options: Any) -> list[Any]:
    """Run the recommended pipeline: fix-encoding, strip-debris, dedup.

    FILES default to standard input; '-' reads it explicitly. Every stage's options
    are accepted here too. The output equals
    `cleantext fix-encoding strip-debris dedup` with the same options.

    \b
    Examples:
      cleantext clean samples/news-article.txt
      cleantext clean page.txt --skip dedup --keep '^Editor'
      cleantext clean a.txt b.txt -o out.txt --stats -
      cleantext clean corpus/ --glob '*.txt' --output-dir cleaned/ -j 4 -v
    """
    settings = ctx.find_root().obj
    settings["clean_used"] = True
    for name in files:
        if name in ctx.find_root().command.commands and not os.path.exists(name):  # type: ignore[attr-defined]
            raise click.UsageError(f"'clean' runs every stage; it cannot be chained with '{name}'.")
    settings["inputs"] += list(files)
    for key in BATCH_OPTIONS:  # given after `clean`, they override the group's
        value = options.pop(key)
        if ctx.get_parameter_source(key) is click.core.ParameterSource.COMMANDLINE:
            settings[key] = value
    skipped = set(options.pop("skipped"))
    if len(skipped) == len(STAGE_COMMANDS):
        raise click.UsageError("--skip leaves no stage to run; skip at most two of "
                               f"{', '.join(STAGE_COMMANDS)}.")
    stages = {"fix-encoding": FixEncoding, "strip-debris": StripDebris, "dedup": Dedup}
    return [_build(stages[name], options) for name in STAGE_COMMANDS if name not in skipped]


@cli.command("config")
@click.pass_context
def config_command(ctx: click.Context) -> None:
    """Print the effective settings and where each comes from.

    Settings come from the built-in defaults, then the nearest cleantext.toml (or
    pyproject.toml with [tool.cleantext]) from the working directory upward, or
    --config FILE, then the command line.

    \b
    Example:
      cleantext --jobs 2 config
    """
    root = ctx.find_root()
    click.echo(describe_settings(root, root.meta.get("cleantext.config")))
    ctx.exit(EXIT_OK)


def _guard_standard_streams() -> None:
    """Point closed standard descriptors (``<&-``, ``>&-``, ``2>&-``) at /dev/null.

    Otherwise the next file opened would get descriptor 0, 1 or 2 and be mistaken for
    a standard stream. A closed standard input or output stays `None` in `sys`, so
    reading or writing it is an error that names it (exit 1); closed standard error just
    discards the messages.
    """
    for fd, mode in ((0, os.O_RDONLY), (1, os.O_WRONLY), (2, os.O_WRONLY)):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, mode)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
            if fd == 2:
                closed_standard_streams.add("<stderr>")
                sys.stderr = open(os.devnull, "w")


def interrupted_message() -> str:
    """The one line printed on Ctrl-C or SIGTERM, true about the files already finished."""
    from .io import committed_outputs

    if not committed_outputs:
        return "cleantext: interrupted; no output was written and no partial output was kept"
    count = len(committed_outputs)
    files = "1 output file was" if count == 1 else f"{count} output files were"
    return (f"cleantext: interrupted; {files} finished before it (last: {committed_outputs[-1]}); "
            "no partial output was kept")


def main(args: list[str] | None = None) -> None:
    """Console entry point: turns every outcome into a message and a documented exit code.

    Ctrl-C and SIGTERM raise `Interrupt` once (see `interrupts`), which unwinds like an
    error: temporary files go, inputs and existing outputs stay. If it lands while
    another outcome is being reported, the outer handler still makes it exit 130; once
    the outcome is known, both signals are blocked until the process is gone.
    """
    try:
        status = _run_command(args)
    except Interrupt:  # landed in a handler below or in its clean-up, before `exiting`
        exiting()
        remove_temporary_files()
        click.echo(interrupted_message(), err=True)
        status = EXIT_INTERRUPTED
    sys.exit(status if isinstance(status, int) else EXIT_OK)


def _run_command(args: list[str] | None) -> Any:
    try:
        install_interrupts()
        _guard_standard_streams()
        status = cli.main(args, prog_name="cleantext", standalone_mode=False)
    except click.ClickException as error:
        error.show()
        status = error.exit_code
    except (Interrupt, click.Abort, KeyboardInterrupt):  # KeyboardInterrupt: before install
        exiting()
        click.echo(interrupted_message(), err=True)
        status = EXIT_INTERRUPTED
    except (BrokenPipeError, _OutputClosed):
        # the reader went away (`| head`): stop quietly, like other Unix filters
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        status = EXIT_BROKEN_PIPE
    except Exception as error:  # a bug in cleantext: still one line, never a traceback
        if os.environ.get("CLEANTEXT_DEBUG"):
            raise
        click.echo(f"cleantext: internal error: {type(error).__name__}: {error} "
                   "(set CLEANTEXT_DEBUG=1 for a traceback, and please report it)", err=True)
        status = EXIT_INTERNAL_ERROR
    finally:
        exiting()  # from here a signal cannot escape as a traceback (death by SIGINT, exit -2)
        remove_temporary_files()  # normally none are left; after an interrupt, maybe one
    return status
