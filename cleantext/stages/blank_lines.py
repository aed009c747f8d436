"""Blank lines are structure: keep one between paragraphs, none at the edges.

Stages that remove lines call `collapse_blank_lines` so that removing a debris line
between two paragraphs never leaves a doubled blank line behind.
"""

from __future__ import annotations

from collections.abc import Container, Iterator

from ..lines import Line, Removal


def collapse_blank_lines(lines: Iterator[Line], stage: str, keep: Container[int] = (),
                         stream: bool = False) -> Iterator[Line]:
    """Mark blank lines removed where they are leading, trailing or doubled.

    A kept blank line is held back until the next kept text line shows it separates
    two paragraphs. Lines already removed pass through untouched. By default they
    keep their place, so they wait behind a held blank line too (strip-debris holds
    its whole document anyway). With `stream`, only the held blank line waits:
    removed lines and further blank lines (removed at once as ``blank-run``) go on
    immediately, so memory stays bounded and output flows however long the run of
    removed lines is; a trailing blank line then comes after the lines removed behind
    it. A blank line whose ``id`` is in `keep` (inside a code block) counts as text.
    """
    if stream:
        yield from _collapse_streaming(lines, stage, keep)
        return
    seen_text = False
    held: list[Line] = []  # a kept blank line, then lines that arrived after it
    for line in lines:
        if line.removed is not None:
            if held:
                held.append(line)
            else:
                yield line
        elif not line.text.strip() and id(line) not in keep:
            if not seen_text:
                line.removed = Removal(stage, "leading-blank")
                yield line
            elif held:
                line.removed = Removal(stage, "blank-run")
                held.append(line)
            else:
                held.append(line)
        else:
            if held:
                yield from held
                held.clear()
            seen_text = True
            yield line
    if held:
        held[0].removed = Removal(stage, "trailing-blank")
        yield from held


def _collapse_streaming(lines: Iterator[Line], stage: str, keep: Container[int]) -> Iterator[Line]:
    seen_text = False
    pending: Line | None = None  # the kept blank line after the last kept text line
    for line in lines:
        if line.removed is not None:
            yield line
        elif not line.text.strip() and id(line) not in keep:
            if not seen_text:
                line.removed = Removal(stage, "leading-blank")
                yield line
            elif pending is not None:
                line.removed = Removal(stage, "blank-run")
                yield line
            else:
                pending = line
        else:
            if pending is not None:
                yield pending
                pending = None
            seen_text = True
            yield line
    if pending is not None:
        pending.removed = Removal(stage, "trailing-blank")
        yield pending
