"""The removed-lines TSV (``--removed``): one row per removed line, for machines."""

from __future__ import annotations

import re

from ..lines import Line

#: Surrogates that are not escapes of undecodable input bytes (those are U+DC80..U+DCFF).
_LONE_SURROGATE = re.compile("[\ud800-\udc7f\udd00-\udfff]")
_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})

REMOVED_HEADER = "source\tline\tstage\treason\tdetail\ttext\n"


def removed_row(line: Line) -> bytes:
    """One TSV row for a removed line: where it was, who removed it, why, and its text.

    The text is the line as read, before any stage changed it; backslash, tab and
    newline characters are escaped as ``\\\\``, ``\\t``, ``\\n``, ``\\r``, and a lone
    surrogate (from a JSON ``\\ud800`` escape) as ``\\uXXXX``.
    """
    removal = line.removed
    assert removal is not None
    fields = (line.source, str(line.number), removal.stage, removal.rule, removal.detail, line.original)
    row = "\t".join(field.translate(_TSV_ESCAPES) for field in fields) + "\n"
    try:
        return row.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate from a JSON escape such as \ud800
        return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", row).encode("utf-8", "surrogateescape")

