"""The process-pool executor (``-j N``): the main process and N - 1 workers on this machine.

Workers clean tasks ahead, a batch of consecutive files at a time, into their outcome
(the cleaned bytes, a spool file, or the task's own pending output); the main process
cleans batches too while it waits, and finishes every outcome in input order, so the
output of ``-j 4`` is byte for byte the output of ``-j 1``. Ctrl-C, SIGTERM or a worker
that dies leave nothing half-written: `close` stops the workers and removes what they
left.

On Linux the workers are forked from the main process once it has imported what they
need (`worker_imports`): they start at once, with everything loaded, and no server
process is started. Elsewhere, and when the process runs other threads (a library
caller's; forking those is unsafe), they come from multiprocessing's forkserver, which
imports the same modules once before forking them.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

from ..batch.clean import Interrupted, Outcome, clean_task, discard
from ..batch.options import STDIN, Options
from ..batch.plan import Task
from ..batch.report import FileResult
from ..interrupts import deferred
from ..io import remove_orphaned_temporary_files, set_temporary_tag, temporary_tag
from ..pipeline import Pipeline
from . import Destination
from .local import InProcess

# Worker processes: the pipeline and options arrive once, through the initializer.
_worker: dict[str, Any] = {}


def _start_worker(pipeline: Pipeline, options: Options, spool_dir: str, stop_event, tag: str) -> None:
    set_temporary_tag(tag)  # the batch can find what this worker leaves behind
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process decides when to stop
    # SIGTERM to the whole process group (a service manager stopping the job) reaches the
    # workers too; by default it would kill one mid-file and leave its temporary output.
    # Instead it stops the current file at the next check, which removes that file.
    signal.signal(signal.SIGTERM, _terminate_worker)
    if hasattr(signal, "pthread_sigmask"):  # blocked while it was forked (see `_forking`)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
    _worker.update(pipeline=pipeline, options=options, spool_dir=spool_dir, stop=stop_event, terminated=False)


def _terminate_worker(signum: int, frame: Any) -> None:
    if not _worker.get("busy"):
        os._exit(EXIT_TERMINATED)  # holds no file: just go (the pool may never send work again)
    _worker["terminated"] = True  # only a flag: `_work` stops at its next check


#: How a worker ends after SIGTERM (128 + SIGTERM's number, as a shell would say).
EXIT_TERMINATED = 143


def _stop_requested() -> bool:
    return _worker["terminated"] or _worker["stop"].is_set()


def _work(task: Task) -> Outcome:
    """Clean one task in this worker (or say it was interrupted)."""
    if _stop_requested():
        return Outcome(task, FileResult(task.name, error="interrupted"))
    run = _worker["pipeline"].start()
    try:
        return clean_task(run, task, _worker["options"], _worker["spool_dir"], stop=_stop_requested)
    except Interrupted:
        return Outcome(task, FileResult(task.name, error="interrupted"))


def _work_batch(tasks: list[Task]) -> list[Outcome]:
    """Clean a batch of tasks, in order: one round trip to the main process for several
    small files."""
    _worker["busy"] = True
    try:
        outcomes = [_work(task) for task in tasks]
        if _worker["terminated"]:  # finished, but nobody will commit them
            for outcome in outcomes:
                discard(outcome)
            return [Outcome(task, FileResult(task.name, error="interrupted")) for task in tasks]
        return outcomes
    finally:
        _worker["busy"] = False
        if _worker["terminated"]:  # its temporary files are gone; now leave like SIGTERM asked
            os._exit(EXIT_TERMINATED)


_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def start_method() -> str:
    """How workers start: ``fork`` on Linux when this process runs no other thread,
    else ``forkserver`` (or ``spawn`` where there is none)."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _mp_context(pipeline: Pipeline):
    method = start_method()
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(worker_imports(pipeline))
    return context


def _preload(pipeline: Pipeline) -> None:
    """Import what the workers need here, before they are forked: they inherit it, and
    the main process, which cleans batches too, needs it as well."""
    from importlib import import_module

    for name in worker_imports(pipeline):
        import_module(name)


def start_forkserver_early(stage_commands: set[str]) -> None:
    """Start the forkserver now, importing what workers for the stages of
    `stage_commands` (``clean`` is all three) will need, while the main process is still
    importing the command line and planning the batch: the two take turns on one core,
    or overlap on two. The command calls it when ``-j N`` asks for workers; if the
    batch ends up without them, the server only ends with the command. Nothing to do
    where workers are forked from the main process."""
    if start_method() != "forkserver":
        return
    from ..stages import Dedup, FixEncoding, StripDebris

    stages = [stage() for stage in (FixEncoding, StripDebris, Dedup)
              if stage.name in stage_commands or "clean" in stage_commands]
    _start_forkserver(_mp_context(Pipeline(stages)))


def _start_forkserver(context: Any) -> None:
    """Start multiprocessing's forkserver, if that is the start method, with SIGINT
    blocked (as multiprocessing starts its resource tracker): Ctrl-C reaches the whole
    process group, and a server still importing would die of it with a traceback. The
    workers it forks inherit the block; they ignore SIGINT anyway, the main process
    decides when to stop."""
    if context.get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver, resource_tracker

    resource_tracker.ensure_running()  # first: it unblocks SIGINT after starting its process
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        forkserver.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def worker_imports(pipeline: Pipeline) -> list[str]:
    """The modules every worker needs, which the forkserver imports once before it forks
    them: this module, each stage's module and the libraries the stage declares
    (`Stage.worker_imports`), so no worker pays for importing them again."""
    names = ["cleantext.executors.pool"]
    for stage in pipeline.stages:
        for name in (type(stage).__module__, *getattr(stage, "worker_imports", ())):
            if name not in names and name != "__main__":
                names.append(name)
    return names


#: What a file's failure says when the worker process cleaning it vanished.
WORKER_LOST = "the worker process cleaning it ended abruptly (killed, or out of memory)"


def _submitted(executor: Any, tasks: list[Task]) -> Any:
    """`tasks` submitted to the pool as one batch; once the pool is broken, a future
    holding that error."""
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    try:
        return executor.submit(_work_batch, tasks)
    except BrokenProcessPool as error:
        future: Future = Future()
        future.set_exception(error)
        return future


def _worker_outcomes(tasks: list[Task], future: Any) -> list[Outcome]:
    """The worker's outcomes, or a failure of each task when its worker process died
    (the pool is then broken: every later file fails the same way, each named)."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        return future.result()
    except BrokenProcessPool:
        return [Outcome(task, FileResult(task.name, error=f"{task.name}: {WORKER_LOST}")) for task in tasks]


#: Batches the main process may have cleaned ahead, waiting for their turn, before it
#: waits for the oldest instead of cleaning the next one itself.
MAIN_AHEAD = 4
#: A batch sent to a worker holds at most this many files, and this many bytes unless
#: it is one file. Batches shrink as the work left does (a share of what is left per
#: worker, see `batches`), so the workers finish together.
BATCH_FILES = 64
BATCH_BYTES = 1 << 20
#: ... and at least this many bytes, or one file (below it, the round trip costs more
#: than the balance it buys).
BATCH_MIN_BYTES = 32 << 10


def batches(tasks: Sequence[Task], jobs: int) -> Iterator[list[Task]]:
    """`tasks` in order, cut into batches of consecutive tasks, each about an eighth of
    the bytes left per worker (within `BATCH_MIN_BYTES` and `BATCH_BYTES`). Standard
    input is a batch of its own: the main process cleans it."""
    left = sum(task.size for task in tasks)
    batch: list[Task] = []
    size = 0
    for task in tasks:
        if task.source == STDIN:
            if batch:
                yield batch
                batch, size = [], 0
            yield [task]
            continue
        batch.append(task)
        size += task.size
        left -= task.size
        if len(batch) >= BATCH_FILES or size >= min(BATCH_BYTES, max(BATCH_MIN_BYTES, left // (8 * jobs))):
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


class ProcessPool:
    """Yields the outcome of every task in task order, cleaning ahead in `jobs` - 1
    worker processes and in this one.

    Consecutive small files go to a worker together (`batches`), at most two batches per
    worker ahead of the one being finished. While the oldest batch is still being
    cleaned, the main process cleans the next batch of the plan itself (at most
    `MAIN_AHEAD` of them waiting), so spooled output waiting stays bounded, and ``-j 2`` costs one worker process, not two next to an idle main
    process. Standard input belongs to the main process and is cleaned there. `close`
    stops the workers, throws away what was cleaned ahead and removes the spool
    directory.
    """

    def __init__(self, pipeline: Pipeline, options: Options, jobs: int, destination: Destination | None = None):
        self.pipeline, self.options, self.jobs = pipeline, options, jobs
        self.here = InProcess(pipeline, options, destination)
        self._targets: list[str] = []
        self._stack = ExitStack()
        self._executor: Any = None
        self._forked = False
        self._stop: Any = None
        #: (batch of tasks, a future, the main process's outcomes, or None: to clean here)
        self._ahead: deque = deque()
        self._ready: deque[Outcome] = deque()  # outcomes of a finished batch not yet yielded

    def outcomes(self, tasks: Sequence[Task]) -> Iterator[Outcome]:
        import concurrent.futures

        context = _mp_context(self.pipeline)
        self._forked = context.get_start_method() == "fork"
        if self._forked:
            _preload(self.pipeline)
        _start_forkserver(context)
        spool_dir = self._stack.enter_context(tempfile.TemporaryDirectory(prefix="cleantext-"))
        self._targets = [task.target for task in tasks if task.target]
        self._stop = context.Event()
        workers = max(1, self.jobs - 1)
        self._executor = concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=context, initializer=_start_worker,
            initargs=(self.pipeline, self.options, spool_dir, self._stop, temporary_tag()))
        queue = batches(tasks, self.jobs)
        submitted = 0  # batches in the workers' hands
        cleaned_here = 0  # batches the main process cleaned, waiting for their turn
        while True:
            while submitted < 2 * workers and (batch := next(queue, None)) is not None:
                submitted += self._submit(batch)
            if not self._ahead:
                return
            batch, handle = self._ahead[0]
            if isinstance(handle, concurrent.futures.Future) and not handle.done() \
                    and cleaned_here < MAIN_AHEAD and (extra := next(queue, None)) is not None:
                if extra[0].source == STDIN:
                    self._ahead.append((extra, None))  # cleaned in its turn, streaming
                else:  # the main process cleans this one while the worker finishes the oldest
                    done: list[Outcome] = []  # queued first: `close` discards what an interrupt cut short
                    self._ahead.append((extra, done))
                    done.extend(self.here.clean(task) for task in extra)
                    cleaned_here += 1
                continue
            if handle is None:
                self._ready.extend(self.here.clean(task) for task in batch)
            elif isinstance(handle, list):
                self._ready.extend(handle)
                cleaned_here -= 1
            else:
                self._ready.extend(_worker_outcomes(batch, handle))
                submitted -= 1
            self._ahead.popleft()
            while self._ready:
                yield self._ready.popleft()

    def _submit(self, batch: list[Task]) -> int:
        """Queue `batch`: for a worker (returns 1), or for the main process (standard input)."""
        if batch[0].source == STDIN:  # standard input belongs to the main process
            self._ahead.append((batch, None))
            return 0
        # submitting may start a worker: an interrupt in the middle of that would leave a
        # process the pool does not know about, which `close` cannot wait for
        with deferred(), self._forking():
            self._ahead.append((batch, _submitted(self._executor, batch)))
        return 1

    @contextmanager
    def _forking(self) -> Iterator[None]:
        """Around a submit that may fork workers from this process, so that they do not
        act on what they inherit: SIGINT and SIGTERM stay blocked until a worker has its
        own handlers (this process's would treat a signal as the command's), and the
        objects that exist now are kept from the worker's garbage collector (collecting
        one of this process's files there would flush it into the same file).
        (multiprocessing flushes standard output and error itself before forking.)"""
        if not self._forked:
            yield
            return
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

    def close(self) -> None:
        with deferred():  # once begun, stopping the workers runs to the end
            self._close()

    def _close(self) -> None:
        while self._ready:
            discard(self._ready.popleft())
        for _, handle in self._ahead:  # what the main process cleaned ahead
            if isinstance(handle, list):
                for outcome in handle:
                    discard(outcome)
        if self._executor is not None:
            self._stop.set()
            for _, future in self._ahead:
                if future is not None and not isinstance(future, list) and not future.cancel():
                    try:
                        for outcome in future.result():
                            discard(outcome)
                    except BaseException:  # noqa: BLE001 - a worker that failed has nothing to keep
                        pass
            self._ahead.clear()
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
            # every worker is gone: a temporary output of this batch still on disk was
            # handed over but never committed (lost in transit, or dropped by an interrupt)
            remove_orphaned_temporary_files(self._targets, temporary_tag())
        self._ahead.clear()
        self._stack.close()
