"""Stage arguments are checked and stages print short reprs (issue 13, point 5)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from cleantext import Dedup, FixEncoding, Pipeline, StripDebris

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name, value", [("keep", "^Editor"), ("rules_file", "my.toml"),
                                         ("rules_file", Path("my.toml")), ("keep", b"^Editor")])
def test_a_lone_string_where_a_tuple_is_meant_is_a_type_error(name, value):
    with pytest.raises(TypeError, match=re.escape(f"write {name}=({value!r},)")):
        StripDebris(**{name: value})


def test_items_of_the_wrong_type_are_refused():
    with pytest.raises(TypeError, match="items must be str, not int"):
        StripDebris(keep=(1,))
    with pytest.raises(TypeError, match="takes a tuple, not int"):
        StripDebris(keep=3)
    with pytest.raises(ValueError, match="repeated_in"):
        StripDebris(repeated_in=-1)


def test_a_list_is_taken_as_a_tuple_and_keeps_working(tmp_path):
    stage = StripDebris(keep=["^Editor"])
    assert stage.keep == ("^Editor",) and hash(stage) == hash(StripDebris(keep=("^Editor",)))
    text = "Editor's note: long enough text here.\nRelated news\n"
    assert Pipeline([stage]).clean(text) == "Editor's note: long enough text here.\n"
    rules = tmp_path / "my.toml"
    rules.write_text('[[rule]]\nname = "mine"\npattern = "^Sponsored$"\n')
    assert Pipeline([StripDebris(rules_file=[rules])]).clean("Sponsored\nA sentence.\n") == "A sentence.\n"


def test_dedup_arguments_are_type_checked():
    with pytest.raises(TypeError, match="threshold=...\\) must be a number, not str '95'"):
        Dedup(threshold="95")
    with pytest.raises(TypeError, match="window"):
        Dedup(window=2.5)
    with pytest.raises(TypeError, match="min_length"):
        Dedup(min_length=True)
    assert Dedup(threshold=np.float64(95), window=np.int64(5)).window == 5


def test_reprs_are_short_and_name_what_differs_from_the_defaults():
    assert repr(StripDebris()) == "StripDebris()"
    assert repr(StripDebris(keep=("^Editor",), lang="en")) == "StripDebris(keep=('^Editor',), lang='en')"
    assert repr(StripDebris(rules=StripDebris().rules[:3])) == "StripDebris(rules=<3 rules>)"
    assert repr(Dedup()) == "Dedup(threshold=90.0, min_length=15, scope='document', window=10000)"
    assert len(repr(Pipeline([FixEncoding(), StripDebris(), Dedup()]))) < 200


def test_ci_runs_mypy_before_pytest_and_the_readme_says_so():
    ci = (ROOT / ".ci" / "run").read_text()
    assert ci.index("python -m mypy cleantext") < ci.index("python -m pytest")
    assert "|| " not in ci.split("python -m mypy cleantext")[1].splitlines()[0]  # its failure fails CI
    readme = (ROOT / "README.md").read_text()
    assert "pip install -e '.[test]' && python -m mypy cleantext && python -m pytest" in readme
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"mypy' in pyproject.split("[project.optional-dependencies]")[1].split("zstd")[0]
