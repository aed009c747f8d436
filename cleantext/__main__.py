"""The `cleantext` command and `python -m cleantext`: signals first, then the CLI.

Importing the CLI and its stages takes a tenth of a second; SIGTERM is routed to the
Ctrl-C path before that, so an interrupt during start-up also ends with exit code 130
and one line, not a traceback or 143.
"""

import os
import signal
import sys

EXIT_INTERRUPTED = 130


def _terminate(signum, frame):
    raise KeyboardInterrupt


def main() -> None:
    signal.signal(signal.SIGTERM, _terminate)
    try:
        from .cli import main as run
    except KeyboardInterrupt:
        if sys.stderr is not None:
            sys.stderr.write("cleantext: interrupted; no partial output was kept\n")
        os._exit(EXIT_INTERRUPTED)  # no half-imported module's clean-up to run
    run()


if __name__ == "__main__":
    main()
