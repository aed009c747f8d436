"""Ctrl-C and SIGTERM for the command: raised once, at a point we chose, never in clean-up.

Python's own SIGINT handler raises `KeyboardInterrupt` at whatever bytecode runs next:
in a ``finally`` block, in clean-up after the command's handler, at exit. An interrupt
that escapes every handler kills the process with SIGINT (exit -2 and a traceback),
one raised inside a finalizer is printed and lost. `install` replaces it with a handler
that records the request and raises `Interrupt` once, outside `deferred` sections; a
later signal only adds to the record, so clean-up on the way out cannot be cut short.
`check` raises again at points of the normal work in case the first one was swallowed
(by a finalizer). `exiting` blocks both signals for good once the outcome is decided.
Without `install` (library use) nothing here has any effect.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupt(BaseException):
    """Ctrl-C or SIGTERM, as the command raises it.

    Not a `KeyboardInterrupt`, which Click would answer with an extra blank line on
    standard error before the command's own message.
    """


class _State:
    installed = False
    requested: int | None = None  #: the last signal received
    raised = False  #: `Interrupt` was raised once; later signals are only recorded
    depth = 0  #: nesting of `deferred` sections
    pending = False  #: a signal came during a deferred section and is not raised yet
    closing = False  #: `exiting` was called: never raise again


def _on_signal(signum: int, frame: object) -> None:
    _State.requested = signum
    if _State.closing or _State.raised:
        return
    if _State.depth:
        _State.pending = True
        return
    _State.raised = True
    raise Interrupt(signum)


def check() -> None:
    """Raise the interrupt again if one was requested and the work still goes on.

    Called where the normal work passes (between inputs, every few hundred lines): an
    `Interrupt` raised inside a finalizer is printed and dropped by Python, and without
    this the run would go on as if Ctrl-C had not been pressed.
    """
    if _State.requested is not None and not _State.closing and not _State.depth:
        _State.raised = True
        raise Interrupt(_State.requested)


def install() -> None:
    """Route SIGINT and SIGTERM to `Interrupt` (the command's entry point calls this first)."""
    _State.installed, _State.requested, _State.depth = True, None, 0
    _State.raised = _State.pending = _State.closing = False
    for signum in SIGNALS:
        signal.signal(signum, _on_signal)


def requested() -> bool:
    return _State.requested is not None


@contextmanager
def deferred() -> Iterator[None]:
    """Hold an interrupt that arrives inside the block until the block is done.

    For steps that must finish once begun (a backup and the rename after it, stopping
    the worker pool): the interrupt is raised when the outermost block ends (instead of
    an error leaving it; an interrupt already leaving it is not raised twice).
    """
    _State.depth += 1
    try:
        yield
    except BaseException as error:
        _State.depth -= 1
        if not isinstance(error, Interrupt):
            _raise_pending()  # the interrupt wins over the error it interrupted
        raise
    _State.depth -= 1
    _raise_pending()


def _raise_pending() -> None:
    if not _State.depth and _State.pending and not _State.closing:
        _State.pending, _State.raised = False, True
        raise Interrupt(_State.requested)


def exiting() -> None:
    """The outcome is decided: from here to exit, signals wait (blocked) and raise nothing."""
    _State.closing = True
    if _State.installed and hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
