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
    seen_text = False
    pending: Line | None = None  # the kept blank line after the last kept text line
    behind: list[Line] = []  # lines that arrived after `pending` (always empty with `stream`)
    for line in lines:
        if line.removed is not None:
            if pending is not None and not stream:
                behind.append(line)
            else:
                yield line
        elif not line.text.strip() and id(line) not in keep:
            if not seen_text:
                line.removed = Removal(stage, "leading-blank")
                yield line
            elif pending is not None:
                line.removed = Removal(stage, "blank-run")
                if stream:
                    yield line
                else:
                    behind.append(line)
            else:
                pending = line
        else:
            if pending is not None:
                yield pending
                yield from behind
                pending = None
                behind.clear()
            seen_text = True
            yield line
    if pending is not None:
        pending.removed = Removal(stage, "trailing-blank")
        yield pending
        yield from behind
