"""The records that flow through a pipeline: one `Line` per input line.

Removed lines are not dropped: they keep flowing, marked with a `Removal`, so later
stages skip them and the writer can report them. Kept plus removed lines therefore
account for every input line by construction.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Removal:
    """Why a line was removed: the stage, a stable rule name, and details for people.

    `rule` is short and stable (``exact-duplicate``, ``template-error:apache-ssi``) so
    statistics can group by it; `detail` says what exactly matched.
    """

    stage: str
    rule: str
    detail: str = ""
    duplicate_of: int | None = None  #: line number of the kept line this one repeats
    duplicate_source: str | None = None  #: its document, when it is another one
    score: float | None = None  #: similarity or debris score behind the decision

    def describe(self) -> str:
        """One human-readable phrase, e.g. ``near-duplicate of line 3 (score 93.5)``."""
        return f"{self.rule}: {self.detail}" if self.detail else self.rule


@dataclass(slots=True, eq=False)
class Line:
    """One line of a document.

    `text` excludes the line ending; `ending` is ``"\\n"``, ``"\\r\\n"`` or ``""`` (last
    line without a newline) so output reproduces the input's endings. `original` is the
    text as read, before any stage changed it.
    """

    number: int
    text: str
    ending: str = "\n"
    source: str = "<stdin>"
    original: str = ""
    removed: Removal | None = None

    def __post_init__(self) -> None:
        if not self.original:
            self.original = self.text

    @property
    def kept(self) -> bool:
        return self.removed is None

    @property
    def is_blank(self) -> bool:
        return not self.text.strip()


def split_lines(text: str, source: str = "<text>") -> list[Line]:
    """Split a string into `Line` records, keeping each line's ending.

    Only ``\\n`` and ``\\r\\n`` end a line: a lone ``\\r`` stays inside the line, as in
    most Unix tools, so cleaning never invents line breaks.
    """
    lines = []
    for number, piece in enumerate(text.split("\n"), start=1):
        lines.append(Line(number, piece, "\n", source))
    last = lines[-1]
    if last.text == "":
        lines.pop()  # text ended with a newline (or was empty)
    else:
        last.ending = ""
    for line in lines:
        if line.ending and line.text.endswith("\r"):
            line.text = line.original = line.text[:-1]
            line.ending = "\r\n"
    return lines


def join_lines(lines: list[Line] | tuple[Line, ...]) -> str:
    """The inverse of `split_lines` for the lines that were kept."""
    return "".join(line.text + line.ending for line in lines if line.removed is None)
