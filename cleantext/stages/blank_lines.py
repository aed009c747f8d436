"""Blank lines are structure: keep one between paragraphs, none at the edges.

Stages that remove lines call `collapse_blank_lines` so that removing a debris line
between two paragraphs never leaves a doubled blank line behind.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..lines import Line, Removal


def collapse_blank_lines(lines: Iterator[Line], stage: str) -> Iterator[Line]:
    """Mark blank lines removed where they are leading, trailing or doubled.

    Lines already removed pass through untouched, in order; a kept blank line is held
    back until the next kept text line shows it separates two paragraphs.
    """
    seen_text = False
    held: list[Line] = []  # a kept blank line, then lines that arrived after it
    for line in lines:
        if line.removed is not None:
            if held:
                held.append(line)
            else:
                yield line
        elif not line.text.strip():
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
