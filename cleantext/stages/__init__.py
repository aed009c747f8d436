"""The pipeline stages, in their recommended order."""

from .debris import StripDebris
from .dedup import Dedup
from .encoding import FixEncoding

__all__ = ["FixEncoding", "StripDebris", "Dedup"]
