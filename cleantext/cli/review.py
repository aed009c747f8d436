"""--review and --review-html: show what cleaning does instead of writing cleaned text."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

import click

from ..batch import STDIN, BatchUsageError, Options, plan_batch
from ..io import AtomicOutput, InputError
from .entry import EXIT_INPUT_ERROR, EXIT_OK, _OutputClosed


def review(ctx: click.Context, pipeline: Any, settings: dict[str, Any], options: Options,
            echo: Callable[[str], None]) -> None:
    """--review and --review-html: show what cleaning does instead of writing cleaned text."""
    from ..review import encoded, render_html, render_text, review_inputs

    for flag, used in (("--output-dir", options.output_dir), ("--in-place", options.in_place),
                       ("--jsonl", options.jsonl), ("--removed", options.removed), ("--stats", options.stats)):
        if used:
            raise click.UsageError(f"--review and --review-html show what cleaning would do; they do not "
                                   f"combine with {flag}. Run without them to clean.")
    if options.output is not None and not settings["review"]:
        raise click.UsageError("-o names where --review writes; --review-html takes its own file name.")
    review_options = Options(output=options.output, globs=options.globs, follow_symlinks=options.follow_symlinks,
                             separator=options.separator, site=options.site)
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


