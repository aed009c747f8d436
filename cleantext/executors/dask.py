"""The Dask executor (``--engine dask``): tasks cleaned on a Dask cluster.

Each shard (an input, or a slice of a large JSON Lines file) is one Dask task. A task
writes its cleaned text and removed lines to files of its own (a spool in a shared
directory, or the temporary file beside the input's own output) and returns the
outcome; the main process finishes the outcomes in input order, exactly as for the
other executors, so the bytes are the same. The workers must therefore see the same
file system as the main process (one machine, or a shared mount).

Without a client, `outcomes` starts a `LocalCluster` (one single-threaded worker
process per core, or ``-j N``: the work is pure Python) and stops it at the end;
``--scheduler tcp://HOST:PORT`` (`Options.scheduler`) connects to a running cluster,
and `run_on_dask` uses a `distributed.Client` the caller holds.
"""

from __future__ import annotations

import logging
import shutil
import signal
import tempfile
import warnings
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from typing import Any

from ..batch.clean import Outcome, clean_task, discard
from ..batch.options import STDIN, Options, default_jobs
from ..batch.plan import Task
from ..batch.report import FileResult
from ..interrupts import deferred
from ..io import remove_orphaned_temporary_files, set_temporary_tag, temporary_tag
from ..pipeline import Pipeline
from . import DaskUnavailable, Destination, keeps_state_across_documents
from .corpus import CrossDocument, phases_available
from .local import InProcess

INSTALL_HINT = "--engine dask needs Dask: pip install 'cleantext-cli[dask]'"
#: What a file's failure says when every worker that tried to clean it died.
WORKER_LOST = "the Dask worker cleaning it ended abruptly (killed, or out of memory)"


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise DaskUnavailable(INSTALL_HINT) from None
    return distributed


def clean_shard(task: Task, pipeline: Pipeline, options: Options, spool_dir: str, tag: str) -> Outcome:
    """One Dask task: clean `task` with a fresh run into files under `spool_dir` (or
    the pending output beside its target), named so the batch can find leftovers."""
    set_temporary_tag(tag)
    return clean_task(pipeline.start(), task, options, spool_dir)


class DaskExecutor:
    """Cleans tasks on a Dask cluster, yielding their outcomes in task order.

    At most a few tasks per worker run ahead of the one being finished, so spooled
    output stays bounded. Standard input is read by the main process.
    """

    def __init__(self, pipeline: Pipeline, options: Options, destination: Destination | None = None,
                 client: Any = None, spool_parent: str | None = None, synchronous: bool = False):
        self.cross_document = keeps_state_across_documents(pipeline)
        if self.cross_document and not phases_available():
            raise DaskUnavailable(
                "--engine dask cannot run stages that compare documents across inputs yet "
                "(dedup --scope corpus, strip-debris --repeated-in); use --engine local for them.")
        self.pipeline, self.options = pipeline, options
        self.here = InProcess(pipeline, options, destination)
        self.client = client
        #: run each task's graph in this process with Dask's synchronous scheduler
        #: (``--scheduler synchronous``: for tests and debugging)
        self.synchronous = synchronous or options.scheduler == "synchronous"
        self.workers = 1
        self.spool_parent = spool_parent
        self._owned: list[Any] = []  # a cluster and client started here, closed by `close`
        self._distributed = _distributed()
        self._spool_dir: str | None = None
        self._targets: list[str] = []
        self._ahead: deque = deque()
        self._corpus: CrossDocument | None = None

    def _connect(self) -> Any:
        distributed = self._distributed
        if self.client is not None:
            return self.client
        try:
            if self.options.scheduler:
                client = distributed.Client(self.options.scheduler, timeout="10s")
            else:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # e.g. "port 8787 is already in use"
                    cluster = distributed.LocalCluster(
                        n_workers=self.options.jobs or default_jobs(), threads_per_worker=1, processes=True,
                        dashboard_address=":0", silence_logs=logging.CRITICAL)
                self._owned.append(cluster)
                client = distributed.Client(cluster)
                client.register_plugin(_signals_plugin(distributed), name="cleantext-signals")
        except OSError as error:  # no scheduler at that address
            raise DaskUnavailable(f"--scheduler {self.options.scheduler}: cannot connect ({error})") from None
        self._owned.insert(0, client)
        self.client = client
        return client

    def outcomes(self, tasks: Sequence[Task]) -> Iterator[Outcome]:
        import dask

        if self.cross_document:
            yield from self._corpus_outcomes(tasks)
            return
        self._spool_dir = tempfile.mkdtemp(prefix="cleantext-parts-", dir=self.spool_parent)
        self._targets = [task.target for task in tasks if task.target]
        if self.synchronous:
            client, pipeline, workers = None, self.pipeline, 1
        else:
            client = self._connect()
            pipeline = client.scatter(self.pipeline, broadcast=True, hash=False)
            workers = max(1, len(client.scheduler_info().get("workers", {})))
        self.workers = workers

        def submit(task: Task) -> None:
            if task.source == STDIN:  # standard input belongs to the main process
                self._ahead.append((task, None))
                return
            graph = dask.delayed(clean_shard, pure=False)(task, pipeline, self.options, self._spool_dir,
                                                          temporary_tag())
            self._ahead.append((task, _Synchronous(graph) if client is None else client.compute(graph)))

        queue = iter(tasks)
        for task in queue:
            submit(task)
            if len(self._ahead) >= 4 * workers:
                break
        while self._ahead:
            task, future = self._ahead[0]  # stays queued until done, so `close` can discard it
            outcome = self.here.clean(task) if future is None else self._result(task, future)
            self._ahead.popleft()
            next_task = next(queue, None)
            if next_task is not None:
                submit(next_task)
            yield outcome

    def _corpus_outcomes(self, tasks: Sequence[Task]) -> Iterator[Outcome]:
        """A pipeline that compares documents across inputs: phases on a Dask bag whose
        partitions read, and in the end write, their own inputs (see `corpus`)."""
        import dask

        from ..phased import DaskEngine

        if self.synchronous:
            def compute() -> Any:
                return dask.config.set(scheduler="synchronous")
        else:
            client = self._connect()  # the default scheduler from now on
            self.workers = max(1, len(client.scheduler_info().get("workers", {})))
            compute = ExitStack
        self._spool_dir = tempfile.mkdtemp(prefix="cleantext-parts-", dir=self.spool_parent)
        self._targets = [task.target for task in tasks if task.target]
        self._corpus = CrossDocument(self.pipeline, self.options, DaskEngine(), compute, self._spool_dir,
                                     temporary_tag())
        yield from self._corpus.outcomes(tasks)

    def _result(self, task: Task, future: Any) -> Outcome:
        """The task's outcome, or its failure when the workers cleaning it kept dying."""
        try:
            return future.result()
        except self._distributed.KilledWorker:
            return Outcome(task, FileResult(task.name, error=f"{task.name}: {WORKER_LOST}"))

    def close(self) -> None:
        with deferred():  # once begun, stopping runs to the end
            self._close()

    def _close(self) -> None:
        for _, future in self._ahead:
            if future is not None:
                future.cancel()
                if future.status == "finished":
                    try:
                        discard(future.result())
                    except Exception:  # noqa: BLE001 - a task that failed has nothing to keep
                        pass
        self._ahead.clear()
        if self._corpus is not None:
            self._corpus.close()
        for owned in self._owned:
            owned.close()
        self._owned.clear()
        if self._targets:
            remove_orphaned_temporary_files(self._targets, temporary_tag())
        if self._spool_dir is not None:
            shutil.rmtree(self._spool_dir, ignore_errors=True)
            self._spool_dir = None


def _ignore_signals(worker: Any = None) -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)


def _signals_plugin(distributed: Any) -> Any:
    """A worker plugin for the cluster the command starts: its workers ignore Ctrl-C
    and SIGTERM sent to the whole process group, and the command, which hears them
    too, stops the cluster in its clean-up (instead of every worker printing a
    traceback)."""
    plugin = type("LeaveSignalsToTheCommand", (distributed.WorkerPlugin,), {"setup": _ignore_signals_method})
    return plugin()


def _ignore_signals_method(self: Any, worker: Any) -> None:
    _ignore_signals()


class _Synchronous:
    """A task graph computed by Dask's synchronous scheduler when its result is asked
    for, with the little of a `distributed.Future` that the executor uses."""

    def __init__(self, graph: Any):
        self.graph = graph
        self.status = "pending"

    def result(self) -> Any:
        self.status = "finished"
        return self.graph.compute(scheduler="synchronous")

    def cancel(self) -> None:
        self.status = "cancelled"


def run_on_dask(client: Any, pipeline: Pipeline, inputs: Sequence[str], options: Options,
                **report_to: Callable[[str], None] | None) -> Any:
    """Clean `inputs` on the cluster behind `client` (a `distributed.Client`, or
    ``"synchronous"`` for Dask's single-threaded scheduler in this process); returns
    the `batch.Report`. `report_to` takes `run_batch`'s `warn`, `note` and `log`.

    >>> from distributed import Client                     # doctest: +SKIP
    >>> report = run_on_dask(Client("tcp://10.0.0.5:8786"), cleantext.default_pipeline(),
    ...                      ["crawl/"], Options(output_dir="clean/"))  # doctest: +SKIP
    """
    from ..batch.run import run_batch

    synchronous = client == "synchronous"
    return run_batch(pipeline, inputs, options, executor=lambda destination: DaskExecutor(
        pipeline, options, destination, client=None if synchronous else client, synchronous=synchronous),
        **report_to)  # type: ignore[arg-type]
