"""Blank lines are structure: keep one between paragraphs, none at the edges.

Stages that remove lines call `collapse_blank_lines` so that removing a debris line
between two paragraphs never leaves a doubled blank line behind.
"""

from __future__ import annotations

from collections.abc import Container, Iterator

from ..lines import Line, Removal

#: Lines that may wait behind one held blank line before they go ahead of it.
MAX_BEHIND = 10_000


def collapse_blank_lines(lines: Iterator[Line], stage: str, keep: Container[int] = (),
                         stream: bool = False) -> Iterator[Line]:
    """Mark blank lines removed where they are leading, trailing or doubled.

    A kept blank line is held back until the next kept text line shows it separates
    two paragraphs. Lines already removed pass through untouched. By default they
    keep their place, so they wait behind a held blank line too, up to `MAX_BEHIND`
    of them: past that, they and the rest of that run go ahead of it, so memory stays
    bounded (one pending run) on any input. With `stream`, only the held blank line
    waits: removed lines and further blank lines (removed at once as ``blank-run``) go
    on immediately, so output flows however long the run of removed lines is; a
    trailing blank line then comes after the lines removed behind it. A blank line
    whose ``id`` is in `keep` (inside a code block) counts as text.
    """
    seen_text = False
    pending: Line | None = None  # the kept blank line after the last kept text line
    behind: list[Line] = []  # lines that arrived after `pending` (always empty with `stream`)
    ahead = stream  # whether removed lines go ahead of `pending`
    for line in lines:
        if line.removed is None:
            text = line.text
            if (text and not text.isspace()) or id(line) in keep:  # `text.strip()` would copy a long line
                if pending is not None:
                    yield pending
                    yield from behind
                    pending = None
                    behind.clear()
                    ahead = stream
                seen_text = True
                yield line
                continue
            if not seen_text:
                line.removed = Removal(stage, "leading-blank")
            elif pending is None:
                pending = line
                continue
            else:
                line.removed = Removal(stage, "blank-run")
        if pending is None or ahead:
            yield line
            continue
        behind.append(line)
        if len(behind) >= MAX_BEHIND:
            yield from behind
            behind.clear()
            ahead = True
    if pending is not None:
        pending.removed = Removal(stage, "trailing-blank")
        yield pending
        yield from behind
