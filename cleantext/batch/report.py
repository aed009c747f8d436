"""What a batch did: one `FileResult` per input, a `Report` for the run, and the
summary people read at the end."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..pipeline import StageStats


@dataclass
class FileResult:
    """What happened to one input.

    Its line counts derive from `stages`, what each stage of the pipeline did to this
    input (the part of the run between its first and last document); bytes, records
    and `changed` (kept lines whose text differs from the input) are counted as the
    format writes them.
    """

    name: str
    output: str | None = None
    stages: list[tuple[str, StageStats]] = field(default_factory=list)  #: (stage name, its numbers)
    documents: int = 0
    changed: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    records: int = 0
    bad_records: int = 0
    seconds: float = 0.0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    #: What a slice of an input leaves for the whole input to decide (see `batch.clean.join_parts`).
    facts: dict[str, Any] = field(default_factory=dict)

    def __add__(self, other: FileResult) -> FileResult:
        """Two slices of one input, added up (the first error and both warnings kept)."""
        stages = [(name, stats + more) for (name, stats), (_, more) in zip(self.stages, other.stages)] \
            if self.stages and other.stages else self.stages or other.stages
        return FileResult(
            self.name, self.output, stages, self.documents + other.documents, self.changed + other.changed,
            self.bytes_in + other.bytes_in, self.bytes_out + other.bytes_out, self.records + other.records,
            self.bad_records + other.bad_records, self.seconds + other.seconds,
            self.error if self.error is not None else other.error, self.warnings + other.warnings)

    @property
    def lines_in(self) -> int:
        """Lines read (into the first stage) and cleaned."""
        return self.stages[0][1].lines_in if self.stages else 0

    @property
    def removed(self) -> int:
        return sum(stats.removed for _, stats in self.stages)

    @property
    def lines_out(self) -> int:
        return self.lines_in - self.removed

    @property
    def removed_by_reason(self) -> Counter[str]:
        """Removed lines by ``stage:rule``."""
        reasons: Counter[str] = Counter()
        for name, stats in self.stages:
            reasons.update({f"{name}:{rule}": n for rule, n in stats.removed_by_rule.items()})
        return reasons

    @property
    def notes(self) -> Counter[str]:
        """Documents by what a stage noted about them, as ``stage note``."""
        notes: Counter[str] = Counter()
        for name, stats in self.stages:
            notes.update({f"{name} {note}": n for note, n in stats.notes.items()})
        return notes

    def as_dict(self, jsonl: bool = False) -> dict:
        result: dict[str, Any] = {"file": self.name}
        if self.output is not None:
            result["output"] = self.output
        result.update(
            lines_in=self.lines_in, lines_out=self.lines_out,
            removed=self.removed, changed=self.changed,
            removed_by_reason=dict(sorted(self.removed_by_reason.items())),
            bytes_in=self.bytes_in, bytes_out=self.bytes_out, seconds=round(self.seconds, 3),
        )
        if jsonl:
            result.update(records=self.records, bad_records=self.bad_records)
        if self.error is not None:
            result["error"] = self.error
        return result


@dataclass
class Report:
    """What happened to every input of one invocation."""

    files: list[FileResult] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    seconds: float = 0.0
    jobs: int = 1
    not_started: int = 0  #: inputs left alone after --fail-fast stopped the batch
    jsonl: bool = False

    def totals(self, stage_names: list[str]) -> dict:
        """The run's statistics: per stage, the sum of what it did to each input."""
        stages = StageStats.total(([stats for _, stats in result.stages] for result in self.files if result.stages),
                                  len(stage_names))
        return {"documents": sum(result.documents for result in self.files),
                "stages": [{"stage": name, **stats.as_dict()} for name, stats in zip(stage_names, stages)]}

    @property
    def failed(self) -> list[FileResult]:
        return [result for result in self.files if result.error is not None]

    def as_dict(self) -> dict:
        totals = {"files": len(self.files), "failed": len(self.failed), "not_started": self.not_started}
        for key in ("lines_in", "lines_out", "changed", "bytes_in", "bytes_out"):
            totals[key] = sum(getattr(result, key) for result in self.files)
        totals["removed"] = totals["lines_in"] - totals["lines_out"]
        return {**self.stats, "seconds": round(self.seconds, 3), "jobs": self.jobs, "totals": totals,
                "files": [result.as_dict(self.jsonl) for result in self.files]}


def summary_lines(report: Report, top: int = 3) -> list[str]:
    """The end-of-batch summary: totals, then each stage's removals with its `top` reasons."""
    totals = report.as_dict()["totals"]
    failed = f", {totals['failed']} failed" if totals["failed"] else ""
    not_started = f", {totals['not_started']} not started" if totals["not_started"] else ""
    lines = [f"{totals['files']} file{'s' if totals['files'] != 1 else ''}{failed}{not_started}: "
             f"{totals['lines_in']:,} lines in, {totals['lines_out']:,} out, {totals['removed']:,} removed, "
             f"{totals['changed']:,} changed in {report.seconds:.2f}s"]
    for stage in report.stats.get("stages", []):
        reasons = Counter(stage["removed_by_rule"]).most_common()
        shown = ", ".join(f"{rule} {count:,}" for rule, count in reasons[:top])
        if len(reasons) > top:
            shown += f", {len(reasons) - top} more"
        parts = [f"{stage['removed']:,} removed" + (f" ({shown})" if shown else "")]
        if stage["changed"] and not stage["removed"]:
            parts = []
        if stage["changed"]:
            parts.append(f"{stage['changed']:,} changed")
        lines.append(f"  {stage['stage']}: {'; '.join(parts)}")
    return lines


def describe(result: FileResult) -> str:
    removed = result.lines_in - result.lines_out
    where = f" -> {result.output}" if result.output else ""
    notes = "".join(f"; {note}" + (f" x{n}" if n > 1 else "") for note, n in sorted(result.notes.items()))
    return (f"{result.name}: {result.lines_in} lines, {removed} removed, {result.changed} changed"
            f"{where} ({result.seconds:.2f}s){notes}")
