"""Batch work: many inputs, one output or one output per input, on any executor.

- `options`: `Options`, how a batch runs (filled by the CLI, a config file or a caller).
- `plan`: inputs become `Task`s (directory walks, targets, checks that nothing is destroyed).
- `clean`: one input's documents through a `Run`, read and written by a `cleantext.formats` format.
- `run`: `run_batch`, which lets an executor (`cleantext.executors`) clean the tasks and
  finishes them in input order.
- `report`: per-input `FileResult`s, the run's `Report`, the end-of-run summary.
"""

from .clean import CHECK_EVERY, SPOOL_MEMORY, Account, Interrupted, Outcome, clean_input, clean_task
from .options import BAD_RECORD_POLICIES, ENGINES, PARALLEL_MIN_BYTES, STDIN, BatchUsageError, Options, default_jobs
from .plan import Task, plan_batch
from .report import FileResult, Report, describe, summary_lines
from .run import Silent, run_batch

__all__ = [
    "Account", "BAD_RECORD_POLICIES", "BatchUsageError", "CHECK_EVERY", "ENGINES", "FileResult", "Interrupted",
    "Options", "Outcome", "PARALLEL_MIN_BYTES", "Report", "SPOOL_MEMORY", "STDIN", "Silent", "Task",
    "clean_input", "clean_task", "default_jobs", "describe", "plan_batch", "run_batch", "summary_lines",
]
