"""The records that flow through a pipeline: one `Line` per input line.

Removed lines are not dropped: they keep flowing, marked with a `Removal`, so later
stages skip them and the writer can report them. Kept plus removed lines therefore
account for every input line by construction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any


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

    def __init__(self, number: int, text: str, ending: str = "\n", source: str = "<stdin>",
                 original: str = "", removed: Removal | None = None):
        # written out rather than generated with a __post_init__: one call less for
        # every line read (the dataclass keeps this __init__); one assignment a
        # statement, as a tuple assignment of four builds and unpacks a tuple
        self.number = number
        self.text = text
        self.ending = ending
        self.source = source
        self.original = original or text
        self.removed = removed

    @property
    def kept(self) -> bool:
        return self.removed is None

    @property
    def is_blank(self) -> bool:
        text = self.text
        return not text or text.isspace()  # as `not text.strip()`, without copying a long line


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


#: Names of the document separators `--separator` knows; any other value is literal text.
SEPARATORS = {"none": None, "formfeed": "\f", "nul": "\0"}


@dataclass(eq=False)
class Document:
    """One document: where it comes from, where it goes, and its lines.

    `order` is a sortable key that puts documents in input order, whichever process
    or machine cleaned them: ``(input index, document number)`` for a whole corpus, or
    just ``(document number,)`` within one input. `lines` may be a one-shot iterator, so
    a document of any size streams. Readers fill the rest: `record` is the JSON Lines
    record around the text (a `formats.jsonl.Record`), `site` names the site it comes
    from when the batch asks for one (``--site``; None: unknown, the shared bucket), and
    `separated` says whether a separator followed the document in its input (known once
    its lines are read), so a writer can put it back.
    """

    source: str
    order: tuple[int, ...]
    lines: Iterable[Line]
    record: Any = None
    separated: bool = False
    site: str | None = None

    def __iter__(self) -> Iterator[Line]:
        return iter(self.lines)

    @property
    def to_clean(self) -> bool:
        """False for a JSON Lines line that carries no text to clean (blank, or a bad
        record): the writer copies or drops it as it is."""
        return self.record is None or self.record.text is not None


def split_documents(lines: Iterable[Line], separator: str, source: str) -> Iterator[Document]:
    """Split one stream of lines into documents wherever `separator` occurs.

    Yields one `Document` at a time, lazily (consume each before asking for the next),
    so an endless stream still streams. A separator may sit anywhere in a line: the text
    before it ends one document (without a line ending), the text after it starts the
    next. Lines are numbered from 1 in each document, whose source is ``SOURCE#N``.
    Writing each document's lines, and the separator after each one that is
    `separated`, gives back the input byte for byte. A separator at the very end ends
    the last document rather than starting an empty one (``a\\0b\\0`` is two documents,
    as ``find -print0`` writes them).
    """
    stream = iter(lines)
    carry: list[Line] = []  # the rest of a line after a separator: starts the next document

    def has_more() -> bool:
        while carry and not carry[0].text and not carry[0].ending:
            carry.pop()  # nothing after the separator but the end of the line
        if carry:
            return True
        line = next(stream, None)
        if line is None:
            return False
        carry.append(line)
        return True

    def document_lines(name: str, document: Document) -> Iterator[Line]:
        count = 0
        while True:
            line = carry.pop() if carry else next(stream, None)
            if line is None:
                return
            head, found, tail = line.text.partition(separator)
            if found:
                if head:
                    count += 1
                    yield Line(count, head, "", name)
                carry.append(Line(line.number, tail, line.ending, source))
                document.separated = True
                return
            if line.text or line.ending:
                count += 1
                yield Line(count, line.text, line.ending, name)

    def make(number: int) -> Document:
        document = Document(f"{source}#{number}", (number,), iter(()))
        document.lines = document_lines(document.source, document)
        return document

    number = 1
    yield make(number)
    while has_more():
        number += 1
        yield make(number)
