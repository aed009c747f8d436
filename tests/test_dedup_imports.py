"""Dedup loads its heavy dependencies only when a line needs them."""

from __future__ import annotations

import subprocess
import sys

CHECK = "import sys; {code}; print(sorted(m for m in ('numpy', 'numpy.random', 'rapidfuzz') if m in sys.modules))"


def loaded(code: str) -> str:
    return subprocess.run([sys.executable, "-c", CHECK.format(code=code)], capture_output=True, text=True,
                          check=True, timeout=60).stdout.strip()


def test_the_index_builds_its_minhash_constants_without_numpy_random():
    assert loaded("import cleantext.stages.near_duplicates") == "['numpy']"


def test_short_and_exact_lines_need_neither_numpy_nor_rapidfuzz():
    assert loaded("import cleantext; cleantext.Pipeline([cleantext.Dedup()]).clean('Yes\\nYes\\nNo\\n')") == "[]"


def test_a_near_duplicate_loads_numpy_and_rapidfuzz():
    code = "import cleantext; cleantext.Pipeline([cleantext.Dedup()]).clean('The storm delayed trains\\nThe strom delayed trains\\n')"
    assert loaded(code) == "['numpy', 'rapidfuzz']"


def test_cleaning_a_plain_line_with_every_stage_imports_none_of_ftfy_numpy_rapidfuzz():
    """`echo hi | cleantext clean` pays for none of them (issue 11's start-up target)."""
    code = ("import sys; from cleantext.cli import main\n"
            "try:\n    main(['clean'])\nexcept SystemExit as exit:\n    assert exit.code == 0\n"
            "print(sorted(m for m in ('ftfy', 'numpy', 'rapidfuzz') if m in sys.modules), file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], input="hi\n", capture_output=True, text=True, check=True,
                         timeout=60)
    assert (out.stdout, out.stderr.strip()) == ("hi\n", "[]")
