"""A line's 64-bit key: the same in every process (unlike `hash`, salted per process).

Phases group lines by this key instead of by their text, so what travels between
workers is 8 bytes a line. Two different lines sharing a key (about one chance in
10^8 among 10^6 distinct lines) would count as one: accepted, like any hash table
of a dedup tool that keys on a digest.
"""

from __future__ import annotations

from hashlib import blake2b


def line_key(text: str) -> int:
    """A stable 64-bit key of `text` (BLAKE2b, 8 bytes)."""
    return int.from_bytes(blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")
