"""cleantext: turn scraped web text into clean text.

>>> import cleantext
>>> cleantext.clean("Title\\n\\nTitle\\n\\nBody text.\\n\\nRelated news\\n")
'Title\\n\\nBody text.\\n'

Build your own pipeline from the stages:

>>> pipeline = cleantext.Pipeline([cleantext.FixEncoding(), cleantext.Dedup(threshold=95)])
"""

from __future__ import annotations

from functools import lru_cache

TYPE_CHECKING = False  # not `typing`'s: importing it would delay the command's Ctrl-C handler
if TYPE_CHECKING:
    from typing import Any

    from .lines import Line, Removal, join_lines, split_lines
    from .pipeline import Pipeline, Run, Stage
    from .stages import Dedup, FixEncoding, StripDebris

_LAZY = {"Dedup": "stages", "FixEncoding": "stages", "StripDebris": "stages",
         "Line": "lines", "Removal": "lines", "join_lines": "lines", "split_lines": "lines",
         "Pipeline": "pipeline", "Run": "pipeline", "Stage": "pipeline"}


def __getattr__(name: str) -> Any:
    """The public names, imported on first use: the command installs its Ctrl-C handler
    (`cleantext.__main__`) before anything heavier than this module loads."""
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'cleantext' has no attribute {name!r}")

__version__ = "0.1.0"

__all__ = [
    "clean",
    "default_pipeline",
    "Pipeline",
    "Run",
    "Stage",
    "FixEncoding",
    "Dedup",
    "StripDebris",
    "Line",
    "Removal",
    "split_lines",
    "join_lines",
    "__version__",
]


def default_pipeline(
    *,
    fix_encoding: FixEncoding | None = None,
    strip_debris: StripDebris | None = None,
    dedup: Dedup | None = None,
) -> Pipeline:
    """The recommended pipeline, the one ``cleantext clean`` runs.

    Order: fix encoding first (so later stages compare repaired text), then strip
    debris (so dedup's blank-line folding tidies the gaps debris leaves), then dedup.
    Pass a configured stage to replace its default.
    """
    from .pipeline import Pipeline
    from .stages import Dedup, FixEncoding, StripDebris

    return Pipeline([fix_encoding or FixEncoding(), strip_debris or StripDebris(), dedup or Dedup()])


@lru_cache(maxsize=1)
def _shared_default_pipeline() -> Pipeline:
    # Stages are immutable and keep no state between runs, so one pipeline serves every
    # call; building it compiles the rule catalogue, which costs far more than a short text.
    return default_pipeline()


def clean(text: str) -> str:
    """Clean one document with the recommended pipeline."""
    return _shared_default_pipeline().clean(text)
