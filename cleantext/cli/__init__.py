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

from .. import __version__
from ..batch import STDIN, BatchUsageError, Options, run_batch, summary_lines
from ..config import ConfigError, config_from_args, describe_settings
from ..io import InputError
from ..placement import misplaced_argument, misplaced_option
from ..stages.dedup import Dedup
from ..stages.debris import StripDebris
from ..stages.encoding import FixEncoding
from ..executors import DaskUnavailable
from .entry import EXIT_INPUT_ERROR, EXIT_OK, EXIT_USAGE, _OutputClosed, interrupted_message, main
from .options import (
    BATCH_OPTIONS,
    STAGE_COMMANDS,
    dedup_options,
    fix_encoding_options,
    io_options,
    strip_debris_options,
)
from .progress import Progress


def _build(stage_class: type, options: dict[str, Any]) -> Any:
    """Construct a stage from the options named like its fields (CLI options map 1:1)."""
    names = {f.name for f in dataclasses.fields(stage_class)}
    try:
        return stage_class(**{k: v for k, v in options.items() if k in names})
    except ValueError as error:
        raise click.UsageError(str(error)) from None


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
    from ..pipeline import Pipeline

    settings = ctx.obj
    stages = [stage for stages in stage_lists for stage in stages]
    if settings.get("clean_used") and len(stage_lists) > 1:
        raise click.UsageError("'clean' runs the whole pipeline; use it alone or chain the stages yourself.")
    if settings["quiet"] and settings["verbose"]:
        raise click.UsageError("-q/--quiet and -v/--verbose contradict each other.")
    options = Options.from_settings(settings)

    def echo(message: str) -> None:
        click.echo(f"cleantext: {message}", err=True)

    if settings["review"] or settings["review_html"]:
        from .review import review

        review(ctx, Pipeline(stages), settings, options, echo)
    try:
        report = run_batch(
            Pipeline(stages), settings["inputs"] or [STDIN], options, warn=echo,
            note=None if settings["quiet"] else echo, log=echo if settings["verbose"] else None,
            progress=_progress(options, settings["quiet"]),
        )
    except DaskUnavailable as error:  # one line: the remedy is an install, not the usage
        echo(str(error))
        ctx.exit(EXIT_USAGE)
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


def _wants_summary(settings: dict[str, Any]) -> bool:
    if settings["quiet"]:
        return False
    if settings["summary"] is not None:
        return bool(settings["summary"])
    return settings["verbose"] or (sys.stderr is not None and sys.stderr.isatty())


def _progress(options: Options, quiet: bool) -> Progress | None:
    """A progress line on standard error, when a person watches it and the text does not
    go to the same terminal."""
    stderr = sys.stderr
    if quiet or stderr is None or not stderr.isatty():
        return None
    writes_stdout = options.output in (None, "-") and options.output_dir is None and not options.in_place
    if writes_stdout and sys.stdout is not None and sys.stdout.isatty():
        return None
    return Progress(stderr)


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




__all__ = ["EXIT_INPUT_ERROR", "EXIT_OK", "cli", "interrupted_message", "main"]
