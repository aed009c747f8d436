"""A review of a run for people: each document with its removed lines marked.

`review_documents` cleans inputs and keeps every line in input order with what
happened to it; `render_text` shows that on a terminal (colour) or as plain text with
markers, `render_html` as one self-contained page a person opens in a browser. Lines
that fix-encoding changed are shown before and after, with ftfy's explanation of the
fix (asked only for those lines, which are the ones its gate let through to ftfy).
The removed-lines TSV (``--removed``) stays the format for machines.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .lines import Line, split_documents
from .pipeline import Pipeline

#: Markers in front of a line in the plain-text review.
KEPT, REMOVED, CHANGED = " ", "-", "~"


@dataclass
class ReviewedDocument:
    """One document's lines in input order, removed ones marked, with explanations of
    the encoding fixes (by line number)."""

    name: str
    lines: list[Line]
    explanations: dict[int, str] = field(default_factory=dict)

    @property
    def removed(self) -> int:
        return sum(1 for line in self.lines if line.removed is not None)

    @property
    def changed(self) -> int:
        return sum(1 for line in self.lines if line.removed is None and line.text != line.original)


def explain_fix(stage, original: str) -> str:
    """ftfy's account of how it repaired `original` with `stage`'s settings."""
    import ftfy

    from .stages.encoding import _ESCAPED_BYTE, _decode_escaped_bytes

    steps = []
    text = original
    if _ESCAPED_BYTE.search(text):
        text = _decode_escaped_bytes(text)
        steps.append("invalid UTF-8 bytes read as Windows-1252")
    explained = ftfy.fix_and_explain(text, stage._config._replace(explain=True))
    steps += [f"{action} {parameter}" for action, parameter in explained.explanation or ()]
    return ", ".join(steps) or "changed"


def review_documents(pipeline: Pipeline, documents: Iterable[tuple]) -> Iterator[ReviewedDocument]:
    """Clean each (name, lines) or (name, lines, site) document with one run of `pipeline`, in order."""
    fixer = next((stage for stage in pipeline.stages if stage.name == "fix-encoding"), None)
    run = pipeline.start()
    for name, lines, *site in documents:
        lines = list(lines)
        position = {id(line): i for i, line in enumerate(lines)}
        cleaned = sorted(run.process(lines, *site), key=lambda line: position[id(line)])
        document = ReviewedDocument(name, cleaned)
        if fixer is not None:
            for line in cleaned:
                if line.text != line.original:
                    document.explanations[line.number] = explain_fix(fixer, line.original)
        yield document


def documents_of(lines: Iterator[Line], name: str, separator: str | None) -> Iterator[tuple[str, list[Line]]]:
    """One input's documents: the whole input, or its pieces between separators."""
    if separator is None:
        yield name, list(lines)
        return
    for number, document in enumerate(split_documents(lines, separator, name), start=1):
        yield f"{name}#{number}", list(document)


def visible(text: str) -> str:
    """`text` with invisible control and format characters spelled out (``\\x07``,
    ``\\u200b``), so a fix that removed one shows what it removed."""
    import unicodedata

    def spelled(c: str) -> str:
        code = ord(c)
        if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept as a surrogate escape
            return f"\\x{code - 0xDC00:02x}"
        if c == "\t" or unicodedata.category(c) not in ("Cc", "Cf"):
            return c
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return "".join(spelled(c) for c in text)


def _reason(line: Line) -> str:
    removal = line.removed
    assert removal is not None
    score = ""
    if removal.stage == "strip-debris" and removal.score is not None and removal.score < 1:
        score = f" (debris score {removal.score:.2f})"  # a heuristic's judgement, not a rule match
    return f"{removal.stage}: {removal.describe()}{score}"


_STYLE = {"removed": "\x1b[9;31m", "reason": "\x1b[33m", "old": "\x1b[31m", "new": "\x1b[32m",
          "dim": "\x1b[2m", "name": "\x1b[1m"}
_RESET = "\x1b[0m"


def render_text(documents: Iterable[ReviewedDocument], colour: bool = False) -> Iterator[str]:
    """The review as lines of text: ``-`` marks a removed line (then its stage and
    reason), ``~`` a changed one (shown before and after, then how it was fixed).
    With `colour`, removed text is red and struck through, reasons yellow."""
    def paint(style: str, text: str) -> str:
        return f"{_STYLE[style]}{text}{_RESET}" if colour else text

    for document in documents:
        yield paint("name", f"==> {document.name} <== {len(document.lines)} lines, "
                            f"{document.removed} removed, {document.changed} changed")
        width = len(str(document.lines[-1].number)) if document.lines else 1
        for line in document.lines:
            number = str(line.number).rjust(width)
            if line.removed is not None:
                yield (f"{REMOVED} {paint('dim', number)} {paint('removed', line.original)}"
                       f"  {paint('reason', '<- ' + _reason(line))}")
            elif line.text != line.original:
                why = document.explanations.get(line.number, "changed")
                yield f"{CHANGED} {paint('dim', number)} {paint('old', visible(line.original))}"
                yield f"{CHANGED} {' ' * width} {paint('new', line.text)}  {paint('reason', '<- fix-encoding: ' + why)}"
            else:
                yield f"{KEPT} {paint('dim', number)} {line.text}"


_PAGE_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 2em; border-bottom: 1px solid #ccc; }
table.lines { border-collapse: collapse; width: 100%; font-family: ui-monospace, monospace; font-size: 13px; }
table.lines td { padding: 1px 8px; vertical-align: top; white-space: pre-wrap; word-break: break-word; }
td.n { color: #888; text-align: right; width: 3em; user-select: none; }
tr.removed td.t { background: #fde8e8; color: #a33; text-decoration: line-through; }
tr.changed td.t del { background: #fde8e8; color: #a33; } tr.changed td.t ins { background: #e6f6e6; text-decoration: none; }
td.why { color: #8a6100; font-family: system-ui, sans-serif; width: 35%; }
table.totals td { padding: 1px 10px; } .muted { color: #777; }
"""


def render_html(documents: Iterable[ReviewedDocument], title: str = "cleantext review") -> Iterator[str]:
    """The review as one self-contained HTML page (no scripts, no external files)."""
    documents = list(documents)
    reasons: Counter[str] = Counter()
    for document in documents:
        for line in document.lines:
            if line.removed is not None:
                reasons[f"{line.removed.stage}: {line.removed.rule}"] += 1
        if document.explanations:
            reasons["fix-encoding: changed"] += len(document.explanations)
    escape = html.escape
    yield (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{escape(title)}</title>"
           f"<style>{_PAGE_STYLE}</style></head><body>")
    total = sum(len(document.lines) for document in documents)
    removed = sum(document.removed for document in documents)
    yield (f"<h1>{escape(title)}</h1><p>{len(documents)} document(s), {total} lines, {removed} removed "
           f"(struck through, with the stage and reason), {sum(d.changed for d in documents)} changed "
           "(before and after, with ftfy's explanation).</p>")
    if reasons:
        yield "<table class=\"totals\"><tr><th>stage: reason</th><th>lines</th></tr>"
        for reason, count in reasons.most_common():
            yield f"<tr><td>{escape(reason)}</td><td>{count}</td></tr>"
        yield "</table>"
    for document in documents:
        yield (f"<h2>{escape(document.name)} <span class=\"muted\">{len(document.lines)} lines, "
               f"{document.removed} removed, {document.changed} changed</span></h2><table class=\"lines\">")
        for line in document.lines:
            number = f"<td class=\"n\">{line.number}</td>"
            if line.removed is not None:
                yield (f"<tr class=\"removed\">{number}<td class=\"t\">{escape(line.original)}</td>"
                       f"<td class=\"why\">{escape(_reason(line))}</td></tr>")
            elif line.text != line.original:
                why = document.explanations.get(line.number, "changed")
                yield (f"<tr class=\"changed\">{number}<td class=\"t\"><del>{escape(visible(line.original))}</del><br>"
                       f"<ins>{escape(line.text)}</ins></td><td class=\"why\">fix-encoding: {escape(why)}</td></tr>")
            else:
                yield f"<tr>{number}<td class=\"t\">{escape(line.text)}</td><td class=\"why\"></td></tr>"
        yield "</table>"
    yield "</body></html>\n"


def review_inputs(pipeline: Pipeline, tasks: Iterable, separator: str | None,
                  warn, failed: list[str]) -> Iterator[ReviewedDocument]:
    """The reviewed documents of planned batch `tasks`; an input that cannot be read is
    reported through `warn`, named in `failed`, and skipped."""
    from .io import open_input, read_error_message, read_lines

    def documents() -> Iterator[tuple[str, list[Line], str | None]]:
        for task in tasks:
            try:
                if task.problem:
                    raise InputError(task.problem)
                stream = open_input(task.source)
                try:
                    pieces = list(documents_of(read_lines(stream, task.name, warn, separator == "\0"),
                                               task.name, separator))
                finally:
                    if task.source != "-":
                        stream.close()
            except Exception as error:  # noqa: BLE001 - only reading errors are reported
                message = read_error_message(task.name, error)
                if message is None:
                    raise
                warn(message)
                failed.append(task.name)
                continue
            yield from ((name, lines, task.site) for name, lines in pieces)

    from .io import InputError

    return review_documents(pipeline, documents())


def encoded(text: str) -> bytes:
    """Output bytes for review text; bytes that were not UTF-8 in the input come back as they were."""
    return text.encode("utf-8", "surrogateescape")
