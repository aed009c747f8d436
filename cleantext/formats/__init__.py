"""File formats: a reader yields `Document`s from an input's lines, a writer takes them back.

`text.PlainText` (an input, or each piece between separators, is a document),
`jsonl.JsonLines` (one document per record's text field, the record kept around it)
and `removed` (the TSV of removed lines). `format_for` picks one from batch options.
"""

from __future__ import annotations

from typing import Any

from .jsonl import JsonLines
from .text import PlainText


def format_for(options: Any) -> PlainText | JsonLines:
    """The format a batch's `options` ask for (``jsonl``, ``text_field``, ``on_bad_record``, ``separator``)."""
    if options.jsonl:
        return JsonLines(options.text_field, options.on_bad_record, options.site_field)
    return PlainText(options.separator)


__all__ = ["JsonLines", "PlainText", "format_for"]
