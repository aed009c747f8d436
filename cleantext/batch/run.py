"""Running a batch: an executor cleans the tasks, the main process finishes them in order.

The executor (`cleantext.executors`) yields one outcome per task in input order; this
module appends each to the shared output (or renames the task's own file into place),
writes its removed lines, reports it, and adds up the statistics. So the output of
every executor is byte for byte the same, a failing input changes nothing but its own
result, and Ctrl-C or ``--fail-fast`` never leaves half a file behind.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from typing import Any

from ..formats.removed import REMOVED_HEADER
from ..interrupts import check as check_interrupt
from ..io import AtomicOutput, DocumentJoiner, read_error_message, standard_stream
from ..pipeline import Pipeline
from .clean import Outcome, copy_spool, discard, join_parts
from .options import Options, default_jobs
from .plan import Task, plan_batch, shard_tasks
from .report import Report, describe


class Silent:
    """A progress display that shows nothing (the CLI passes `cli.progress.Progress`)."""

    def planned(self, files: int, size: int) -> None:
        pass

    def file_done(self, size: int) -> None:
        pass

    def within_file(self, position: int) -> None:
        pass

    def clear(self) -> None:
        pass


def make_executor(pipeline: Pipeline, options: Options, tasks: Sequence[Task], destination: Any) -> tuple[Any, int]:
    """The executor `options` ask for (a `cleantext.executors.Executor`), and how many
    workers it uses (for Dask: as many as asked, or 0 for the cluster's)."""
    from ..executors import choose_jobs

    if options.engine == "dask":
        import os

        from ..executors.dask import DaskExecutor

        spool_parent = None
        if options.output not in (None, "-"):  # beside the output: a file system the workers share
            spool_parent = os.path.dirname(os.path.abspath(options.output))  # type: ignore[arg-type]
        return DaskExecutor(pipeline, options, destination, spool_parent=spool_parent), options.jobs or 0
    jobs = choose_jobs(pipeline, tasks, options.jobs)
    if jobs == 1:
        from ..executors.local import InProcess

        return InProcess(pipeline, options, destination), 1
    from ..executors.pool import ProcessPool

    return ProcessPool(pipeline, options, jobs, destination), jobs


def run_batch(
    pipeline: Pipeline,
    inputs: Sequence[str],
    options: Options,
    warn: Callable[[str], None] = lambda message: print(message, file=sys.stderr),
    note: Callable[[str], None] | None = ...,  # type: ignore[assignment]
    log: Callable[[str], None] | None = None,
    progress: Any = None,
    tasks: Sequence[Task] | None = None,
    executor: Callable[[Any], Any] | None = None,
) -> Report:
    """Clean `inputs` as `options` say; returns the report (its `failed` decides the exit code).

    `warn` gets failures (one line each, naming the input), `note` warnings about
    inputs that were still cleaned (default: `warn`; None silences them), `log` one
    line per input with its counts (``-v``), and `progress` hears about every input
    finished and the bytes read of the current one (`Silent` has the methods).
    `executor`, given the `executors.Destination`, makes the executor to use instead
    of the one `options` ask for (e.g. `executors.dask.run_on_dask`'s).
    """
    if note is ...:
        note = warn
    started = time.perf_counter()
    tasks = list(tasks) if tasks is not None else plan_batch(inputs, options, note)
    progress = progress or Silent()
    progress.planned(len(tasks), sum(task.size for task in tasks))
    inputs_total = len({task.index for task in tasks})
    from ..executors import keeps_state_across_documents

    if not keeps_state_across_documents(pipeline):
        tasks = shard_tasks(tasks, options, options.jobs or default_jobs())

    def say(message: str, to: Callable[[str], None] | None) -> None:
        if to is None:
            return
        progress.clear()
        to(message)

    with ExitStack() as stack:
        shared = None
        if options.output_dir is None and not options.in_place:
            shared = stack.enter_context(AtomicOutput(options.output or "-"))
        joiner = DocumentJoiner(shared.stream) if shared is not None else None
        removed_out = None
        if options.removed is not None:
            removed_out = stack.enter_context(_side_output(options.removed))
            removed_out.stream.write(REMOVED_HEADER.encode())
        from ..executors import Destination

        destination = Destination(joiner, removed_out.stream if removed_out is not None else None,
                                  None if isinstance(progress, Silent) else progress.within_file)
        if executor is None:
            chosen, jobs = make_executor(pipeline, options, tasks, destination)
        else:
            chosen, jobs = executor(destination), options.jobs or 0
        report = Report(jobs=jobs, jsonl=options.jsonl)
        stack.callback(chosen.close)
        stack.callback(progress.clear)
        parts: list[Outcome] = []  # the slices of one input cleaned so far
        stack.callback(_discard_all, parts)
        done_in_input = 0
        for outcome in chosen.outcomes(tasks):
            check_interrupt()  # in case an interrupt was swallowed (see `interrupts.check`)
            if outcome.task.shard is not None:
                parts.append(outcome)
                if not outcome.task.last_part:
                    done_in_input += outcome.task.size
                    progress.within_file(done_in_input)
                    continue
                outcome, done_in_input = join_parts(list(parts), options), 0
                parts.clear()
            result = outcome.result
            report.files.append(result)
            for message in result.warnings if note is not None else ():
                say(message, note)
            if result.error is None:
                if outcome.text is not None and joiner is not None:
                    joiner.start_document()
                    copy_spool(outcome.text, joiner.write)
                if outcome.pending is not None:
                    try:
                        outcome.pending.commit()
                    except OSError as error:
                        outcome.pending.discard()
                        result.error = read_error_message(result.output or result.name, error)
            if outcome.removed is not None:
                if result.error is None and removed_out is not None:
                    copy_spool(outcome.removed, removed_out.stream.write)
                else:
                    discard(Outcome(outcome.task, result, removed=outcome.removed))
            if result.error is not None:
                discard(outcome)
                say(result.error, warn)
            elif log is not None:
                say(describe(result), log)
            progress.file_done(outcome.task.size)
            if result.error is not None and options.fail_fast:
                report.not_started = inputs_total - outcome.task.index - 1
                if report.not_started:
                    say(f"stopped after the first failure (--fail-fast); "
                        f"{report.not_started} input(s) not cleaned", warn)
                break
        report.jobs = getattr(chosen, "workers", jobs)
        report.stats = report.totals([stage.name for stage in pipeline.stages])
        report.seconds = time.perf_counter() - started
        if shared is not None and options.output not in (None, "-") and report.failed \
                and (options.fail_fast or len(report.failed) == len(report.files)):
            shared.discard()  # a stopped batch, or one with nothing cleaned, leaves -o FILE alone
        if options.stats is not None:
            stats_out = stack.enter_context(_side_output(options.stats))
            stats_out.stream.write((json.dumps(report.as_dict(), indent=2) + "\n").encode())
    return report


def _discard_all(outcomes: list[Outcome]) -> None:
    for outcome in outcomes:
        discard(outcome)


def _side_output(name: str) -> AtomicOutput:
    """--removed or --stats: a file, or standard error for '-'."""
    if name == "-":
        return AtomicOutput(name, standard_stream("<stderr>"), label="<stderr>")
    return AtomicOutput(name)

