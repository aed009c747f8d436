"""Settings from cleantext.toml / pyproject.toml, overridden by the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleantext.cli import cli
from cleantext.config import find_config, load_config

TEXT = "The quick brown fox jumps over the dog\nThe quick brown fox jumped over the dog\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    work = tmp_path / "project" / "deep" / "er"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    return tmp_path / "project"


def test_stage_table_in_cleantext_toml_sets_defaults_found_upward(runner, project):
    (project / "cleantext.toml").write_text("[dedup]\nthreshold = 100\n")
    assert runner.invoke(cli, ["dedup"], input=TEXT).stdout == TEXT  # exact only
    assert runner.invoke(cli, ["clean"], input=TEXT).stdout == TEXT  # `clean` too


def test_command_line_overrides_the_file(runner, project):
    (project / "cleantext.toml").write_text("[dedup]\nthreshold = 100\n")
    result = runner.invoke(cli, ["dedup", "--threshold", "90"], input=TEXT)
    assert result.stdout.count("\n") == 1


def test_pyproject_tool_table(runner, project, tmp_path):
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.cleantext]\njsonl = true\n'
                                            '[tool.cleantext.dedup]\nmin-length = 5\n')
    assert find_config(Path.cwd()) == project / "pyproject.toml"
    result = runner.invoke(cli, ["clean"], input='{"text": "a\\na\\n"}\n')
    assert result.stdout == '{"text": "a\\n"}\n'


def test_pyproject_without_the_table_is_skipped(project):
    (project / "deep" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (project / "cleantext.toml").write_text("jobs = 2\n")
    assert find_config(Path.cwd()) == project / "cleantext.toml"


def test_explicit_config_file_and_no_config(runner, project, tmp_path):
    (project / "cleantext.toml").write_text("[dedup]\nthreshold = 100\n")
    other = tmp_path / "other.toml"
    other.write_text("[dedup]\nthreshold = 90\n")
    assert runner.invoke(cli, ["--config", str(other), "dedup"], input=TEXT).stdout.count("\n") == 1
    assert runner.invoke(cli, ["--no-config", "dedup"], input=TEXT).stdout.count("\n") == 1
    missing = runner.invoke(cli, ["--config", str(tmp_path / "nope.toml"), "dedup"], input=TEXT)
    assert missing.exit_code == 2 and "nope.toml" in missing.stderr


@pytest.mark.parametrize("content, named", [
    ("jobz = 2\n", "'jobz'"),
    ("[dedup]\ntreshold = 95\n", "'dedup.treshold'"),
    ("[dedup]\nthreshold = 150\n", "dedup.threshold"),
    ("on-bad-record = 'maybe'\n", "on-bad-record"),
    ("this is not toml\n", "not valid TOML"),
])
def test_bad_settings_are_usage_errors_that_name_the_key(runner, project, content, named):
    (project / "cleantext.toml").write_text(content)
    result = runner.invoke(cli, ["dedup"], input=TEXT)
    assert result.exit_code == 2
    assert named in result.stderr and "cleantext.toml" in result.stderr


def test_snake_case_keys_are_accepted(project):
    (project / "cleantext.toml").write_text("fail_fast = true\n[dedup]\nmin_length = 3\n")
    defaults = load_config(project / "cleantext.toml").default_map(cli)
    assert defaults["fail_fast"] is True and defaults["dedup"]["min_length"] == 3


def test_config_command_prints_effective_settings_and_sources(runner, project):
    (project / "cleantext.toml").write_text("jobs = 3\nglob = ['*.txt']\n[dedup]\nthreshold = 95\n")
    result = runner.invoke(cli, ["--jsonl", "config"])
    assert result.exit_code == 0
    out = result.stdout
    assert str(project / "cleantext.toml") in out
    assert "jobs = 3  # config file" in out and 'glob = ["*.txt"]  # config file' in out
    assert "jsonl = true  # command line" in out and "fail-fast = false  # default" in out
    assert "[tool.cleantext.dedup]" in out and "threshold = 95.0  # config file" in out


def test_config_command_without_a_file(runner, project):
    result = runner.invoke(cli, ["--no-config", "config"])
    assert result.exit_code == 0 and "none found" in result.stdout


@pytest.mark.parametrize("content, named", [
    ("output = 5\n", "output"),
    ("output-dir = 7\n", "output-dir"),
    ("jobs = 2.5\n", "jobs"),
    ("jobs = true\n", "jobs"),
    ("glob = [1, 2]\n", "glob"),
    ("jsonl = 'yes'\n", "jsonl"),
    ("[dedup]\nthreshold = '95'\n", "dedup.threshold"),
])
def test_settings_of_the_wrong_type_are_usage_errors(runner, project, content, named):
    (project / "cleantext.toml").write_text(content)
    result = runner.invoke(cli, ["dedup"], input=TEXT)
    assert result.exit_code == 2, result.output
    assert named in result.stderr and "cleantext.toml" in result.stderr and "expected" in result.stderr


def test_config_that_is_not_utf8_is_a_usage_error(runner, project):
    (project / "cleantext.toml").write_bytes(b"# caf\xe9\njobs = 2\n")
    result = runner.invoke(cli, ["dedup"], input=TEXT)
    assert result.exit_code == 2 and "cleantext.toml" in result.stderr and "UTF-8" in result.stderr


@pytest.mark.parametrize("content, named", [
    ('[[rule]]\nname = 5\npattern = "x"\n', "'name'"),
    ('[[rule]]\nname = "n"\npattern = 7\n', "'pattern'"),
    ('disable = "navigation:share-bar"\n', "'disable'"),
    ('disable = ["navigation:no-such-rule"]\n', "no-such-rule"),
    ('rule = 3\n', "'rule'"),
])
def test_bad_rules_files_are_usage_errors_that_name_the_key(runner, tmp_path, content, named):
    rules = tmp_path / "rules.toml"
    rules.write_text(content)
    result = runner.invoke(cli, ["--no-config", "strip-debris", "--rules", str(rules)], input=TEXT)
    assert result.exit_code == 2, result.output
    assert named in result.stderr and "rules.toml" in result.stderr


def test_rules_file_that_is_not_utf8_and_unknown_disabled_names_in_tsv(runner, tmp_path):
    binary = tmp_path / "rules.txt"
    binary.write_bytes(b"caf\xe9\t^x$\n")
    result = runner.invoke(cli, ["--no-config", "strip-debris", "--rules", str(binary)], input=TEXT)
    assert result.exit_code == 2 and "rules.txt" in result.stderr and "UTF-8" in result.stderr
    binary.write_text("-share-barr\n")
    result = runner.invoke(cli, ["--no-config", "strip-debris", "--rules", str(binary)], input=TEXT)
    assert result.exit_code == 2 and "share-barr" in result.stderr


def test_valid_disable_list_still_works(runner, tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text('disable = ["navigation:share-bar", "read-more"]\n')
    result = runner.invoke(cli, ["--no-config", "strip-debris", "--rules", str(rules)], input=TEXT)
    assert result.exit_code == 0, result.output
