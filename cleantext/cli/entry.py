"""The console entry point: every outcome becomes a message and a documented exit code."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from ..interrupts import Interrupt, exiting, install as install_interrupts
from ..io import closed_standard_streams, remove_temporary_files

EXIT_OK, EXIT_INPUT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 0, 1, 2, 130, 141
EXIT_INTERNAL_ERROR = 70  # EX_SOFTWARE from sysexits.h


class _OutputClosed(Exception):
    """The reader of standard output went away."""


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
    from ..io import committed_outputs

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
        from . import cli  # the group, defined in the package

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
