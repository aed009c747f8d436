"""JSON Lines: each line is a JSON object whose text field is one document.

The reader yields a `Document` per line, with the `Record` around the text; the writer
takes each back with its cleaned lines. A record whose text did not change is written
back byte for byte; in a changed one only the text field's value is replaced, so the
other fields keep their exact bytes (numbers such as ``1e400``, duplicate keys,
spacing). Blank lines are copied. Bad records (not JSON, not an object, field missing
or not a string) follow `on_bad_record`: ``pass`` copies them, ``skip`` drops them,
``fail`` fails the input. An input in which no object has the field at all fails,
naming the fields it has: that is a wrong ``--text-field``, not a corpus of bad
records. Until the field is first seen, output is held back so that such an input adds
nothing; an input with no JSON object at all (only bad records) is not such a mistake,
and its records follow `on_bad_record` like any others.
"""

from __future__ import annotations

import json
import re
import tempfile
from urllib.parse import urlsplit
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from ..interrupts import deferred
from ..io import InputError, encode_line
from ..lines import Document, Line, join_lines, split_lines

BAD_RECORD_POLICIES: tuple[str, ...] = ("pass", "skip", "fail")
#: Output held back before the text field is first seen stays in memory up to this size.
HELD_MEMORY = 8 << 20


@dataclass(frozen=True)
class Record:
    """One line of a JSON Lines input: its bytes as read, and the text to clean.

    `text` is None for a line that is not cleaned (blank, or a bad record passed
    through or skipped); `field_seen` says whether the text field had appeared in this
    input by this line (the writer holds output back until it has).
    """

    line: Line
    raw: bytes
    text: str | None = None
    bad: bool = False
    field_seen: bool = True


class JsonLines:
    """The JSON Lines format for one input: `documents` reads, `write` writes back."""

    def __init__(self, text_field: str = "text", on_bad_record: Literal["pass", "skip", "fail"] = "pass",
                 site_field: str | None = None):
        self.text_field = text_field
        self.on_bad_record = on_bad_record
        self.site_field = site_field  #: the field naming each record's site (`site_name`)

    def documents(self, lines: Iterable[Line], name: str, result: Any, whole: bool = True) -> Iterator[Document]:
        """Documents of one input; counts records, bad records and bytes read into `result`
        (a `batch.FileResult`) and adds a warning naming the first bad record.

        For a slice of an input (`whole` false), what only the whole input can decide
        (whether the field appears at all, the first bad record) is left in
        ``result.facts`` for `settle`.
        """
        field_name = self.text_field
        first_bad: str | None = None
        fields_found: dict[str, None] = {}  # in order of first appearance
        seen_field = False
        for record_line in lines:
            raw = encode_line(record_line)
            result.bytes_in += len(raw)
            order = (record_line.number,)
            if not record_line.text.strip():
                yield Document(name, order, (), Record(record_line, raw, field_seen=seen_field))
                continue
            result.records += 1
            problem = None
            try:
                record = json.loads(record_line.text)
            except (ValueError, RecursionError) as error:
                problem = f"invalid JSON ({getattr(error, 'msg', error)})"
            else:
                if not isinstance(record, dict):
                    problem = f"not a JSON object but {type(record).__name__}"
                elif field_name not in record:
                    problem = f"no {field_name!r} field"
                    if len(fields_found) < 50:
                        fields_found.update(dict.fromkeys(record))
                else:
                    seen_field = True
                    if not isinstance(record[field_name], str):
                        problem = f"{field_name!r} is {type(record[field_name]).__name__}, not a string"
            if problem is not None:
                where = f"{name}: line {record_line.number}: {problem}"
                if self.on_bad_record == "fail":
                    raise InputError(where)
                result.bad_records += 1
                if first_bad is None:
                    first_bad = where
                yield Document(name, order, (), Record(record_line, raw, bad=True, field_seen=seen_field))
                continue
            source = f"{name}:{record_line.number}"
            text = record[field_name]
            site = None if self.site_field is None else site_name(record.get(self.site_field))
            yield Document(source, order, split_lines(text, source), Record(record_line, raw, text), site=site)
        if not whole:
            result.facts.update(field_seen=seen_field, fields_found=list(fields_found), first_bad=first_bad)
            return
        if fields_found and not seen_field:
            shown = ", ".join(repr(name) for name in fields_found)
            raise InputError(f"{name}: no record has a {field_name!r} field (wrong --text-field?); "
                             f"fields found: {shown}")
        if first_bad is not None:
            action = {"pass": "passed through", "skip": "skipped"}[self.on_bad_record]
            more = f" (and {result.bad_records - 1} more)" if result.bad_records > 1 else ""
            result.warnings.append(f"{first_bad}{more}; bad records {action}")

    def settle(self, name: str, parts: list[Any], result: Any) -> None:
        """Decide for an input cleaned in slices (`parts`, their `FileResult`s) what
        `documents` decides for a whole one: raises the missing-field error, adds the
        bad-record warning to `result` (the parts added up)."""
        seen = any(part.facts.get("field_seen") for part in parts)
        fields = dict.fromkeys(field for part in parts for field in part.facts.get("fields_found", ()))
        if fields and not seen:
            shown = ", ".join(repr(field) for field in list(fields)[:50])
            raise InputError(f"{name}: no record has a {self.text_field!r} field (wrong --text-field?); "
                             f"fields found: {shown}")
        first_bad = next((part.facts["first_bad"] for part in parts if part.facts.get("first_bad")), None)
        if first_bad is not None:
            action = {"pass": "passed through", "skip": "skipped"}[self.on_bad_record]
            more = f" (and {result.bad_records - 1} more)" if result.bad_records > 1 else ""
            result.warnings.append(f"{first_bad}{more}; bad records {action}")

    def writer(self, out: Any, hold: bool = True) -> JsonLinesWriter:
        """A writer into `out`; `hold`: output waits until the text field is seen (a
        slice of an input writes at once: `settle` decides for the whole input)."""
        writer = JsonLinesWriter(self, out)
        writer._released = not hold
        return writer


class JsonLinesWriter:
    """Writes records back to `out` (a `batch.clean.Account`), holding output back
    until the text field is first seen."""

    def __init__(self, format: JsonLines, out: Any):
        self.format = format
        self.out = out
        with deferred():  # Ctrl-C inside its __init__ leaves an object that fails when collected
            self._held = tempfile.SpooledTemporaryFile(max_size=HELD_MEMORY)
        self._released = False

    def write(self, document: Document, cleaned: Iterable[Line]) -> None:
        record: Record = document.record
        if record.text is None:
            passed = not record.bad or self.format.on_bad_record == "pass"
            self._write(record.raw if passed else b"", record.field_seen)
            return
        lines = []
        for line in cleaned:
            self.out.line(line, write=False)
            lines.append(line)
        new_text = join_lines(lines)
        if new_text == record.text:
            self._write(record.raw, True)
        else:
            self._write(with_field_replaced(record.line.text, self.format.text_field, new_text)
                        + record.line.ending.encode(), True)

    def _write(self, data: bytes, field_seen: bool) -> None:
        if not self._released and field_seen:  # the held output goes first
            self._release()
        if self._released:
            self.out.raw(data)
        else:
            self.out.count_out(len(data))
            self._held.write(data)

    def finish(self) -> None:
        """The input was read to its end without a missing-field error: what is still
        held back (bad records of an input with no object at all) goes out."""
        if not self._released:
            self._release()

    def close(self) -> None:
        if not self._released:
            self._held.close()

    def _release(self) -> None:
        self._released = True
        self._held.seek(0)
        while chunk := self._held.read(1 << 20):
            self.out.raw(chunk, counted=True)
        self._held.close()


def site_name(value: Any) -> str | None:
    """The site a record's site field names: for a URL its host, else the value;
    lower-cased, without a leading ``www.`` or trailing dot (``https://WWW.Example.com:8080/a``
    and ``example.com`` are one site). A whole number is its digits; anything else
    (missing, null, empty, another type) is None, the shared "no site" bucket."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        return None
    name = value.strip()
    if "://" in name or name.startswith("//"):
        try:
            name = urlsplit(name).hostname or ""
        except ValueError:  # an unparsable URL (a bad port or IPv6 address) names no site
            return None
    name = name.lower().rstrip(".")
    if name.startswith("www."):
        name = name[4:]
    return name or None


_JSON = json.JSONDecoder()
_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_SURROGATE = re.compile("[\ud800-\udfff]")


def with_field_replaced(record_text: str, field_name: str, value: str) -> bytes:
    """The record's bytes with the value of its top-level `field_name` (the last one, as
    `json.loads` sees duplicates) replaced by `value`; everything else as it was."""
    start, end = _value_span(record_text, field_name)
    encoded = json.dumps(value, ensure_ascii=False)
    encoded = _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", encoded)  # valid UTF-8
    text = record_text[:start] + encoded + record_text[end:]
    return encode_line(Line(0, text, ""))


def _value_span(text: str, field_name: str) -> tuple[int, int]:
    """Where the value of the last top-level `field_name` of a JSON object starts and ends."""
    def space(at: int) -> int:  # past any white space (the pattern matches the empty string too)
        return _JSON_SPACE.match(text, at).end()  # type: ignore[union-attr]

    span = None
    index = space(0) + 1  # past "{"
    index = space(index)
    while text[index] == '"':
        key, index = json.decoder.scanstring(text, index + 1)  # type: ignore[attr-defined]
        index = space(index) + 1  # past ":"
        index = space(index)
        _, end = _JSON.raw_decode(text, index)
        if key == field_name:
            span = (index, end)
        index = space(end)
        if text[index] == ",":
            index = space(index + 1)
    assert span is not None, "the record was parsed with this field"
    return span
