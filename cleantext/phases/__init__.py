"""Cross-document stages as phases: pure evidence per document, merged, then applied.

`cleantext.phased.clean_corpus` runs a pipeline this way on any `engines.Engine`;
each cross-document stage has its job here (`corpus_dedup`, `repeated_lines`).
Nothing here imports dask: `engines.DaskEngine` does, when it is built.
"""

from __future__ import annotations

from ..lines import Line


def fresh_lines(lines: list[Line]) -> list[Line]:
    """Copies of `lines` for a task to mark: a task must not change its input, which a
    Dask worker may hold for other tasks or hand to a retry of this one."""
    return [Line(line.number, line.text, line.ending, line.source, line.original, line.removed) for line in lines]
