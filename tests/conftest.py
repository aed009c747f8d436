"""Shared fixtures: the bundled samples and a CLI runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def sample_names() -> list[str]:
    return sorted(p.name.removesuffix(".expected.txt") for p in SAMPLES.glob("*.expected.txt"))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def group_alive(pgid: int) -> bool:
    """Whether any process of the process group `pgid` is still running."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True
