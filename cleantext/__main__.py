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


def _stages_with_workers(args: list[str]) -> set[str]:
    """The stage commands of a command line that asks for worker processes (``-j N``,
    N > 1, on a machine with more than one core), else nothing; read from the raw
    arguments, before the command line is imported, so that a forkserver can start
    while it is (see `executors.pool.start_forkserver_early`; where workers are forked
    from the main process, there is none)."""
    jobs = None
    for index, arg in enumerate(args):
        value = None
        if arg in ("-j", "--jobs") and index + 1 < len(args):
            value = args[index + 1]
        elif arg.startswith("--jobs="):
            value = arg[len("--jobs="):]
        elif arg.startswith("-j") and arg[2:].isdigit():
            value = arg[2:]
        if value is not None:
            jobs = int(value) if value.isdigit() else None
    if jobs is None or jobs < 2 or "--engine" in args or (os.cpu_count() or 1) < 2:
        return set()
    return {arg for arg in args if arg in ("clean", "fix-encoding", "strip-debris", "dedup")}


def main() -> None:
    # numpy's OpenBLAS starts a thread per core at import, spinning for work the command
    # never gives it (no linear algebra here): a tenth of a second of CPU per process,
    # taken from the other worker at -j 2. A library caller's process is left as it is.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        stages = _stages_with_workers(sys.argv[1:])
        if stages:
            try:
                from .executors.pool import start_forkserver_early

                start_forkserver_early(stages)
            except Exception:  # noqa: BLE001 - only a head start: the pool starts it anyway, or says why not
                pass
        from .cli import main as run

        run()  # handles its own interrupts from its first line on; this catches the call itself
    except (Interrupt, KeyboardInterrupt):
        if sys.stderr is not None:
            sys.stderr.write("cleantext: interrupted; no output was written and no partial output was kept\n")
        os._exit(EXIT_INTERRUPTED)  # no half-imported module's clean-up to run, no file made yet


if __name__ == "__main__":
    main()
