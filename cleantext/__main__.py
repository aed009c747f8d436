"""The `cleantext` command and `python -m cleantext`: signals first, then the CLI.

Importing the CLI and its stages takes a tenth of a second; SIGINT and SIGTERM are
routed to `interrupts` before that, so an interrupt during start-up also ends with
exit code 130 and one line, not a traceback or 143. What remains: the interpreter's own
start-up and the import of the (light) `cleantext` package itself, a few milliseconds
in which Python's default handlers still apply.
"""

from .interrupts import install as _install_interrupts

_install_interrupts()  # before anything heavier is imported

import os  # noqa: E402
import sys  # noqa: E402

from .interrupts import Interrupt  # noqa: E402

EXIT_INTERRUPTED = 130


def main() -> None:
    try:
        from .cli import main as run

        run()  # handles its own interrupts from its first line on; this catches the call itself
    except (Interrupt, KeyboardInterrupt):
        if sys.stderr is not None:
            sys.stderr.write("cleantext: interrupted; no output was written and no partial output was kept\n")
        os._exit(EXIT_INTERRUPTED)  # no half-imported module's clean-up to run, no file made yet


if __name__ == "__main__":
    main()
