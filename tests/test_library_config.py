"""Config files from Python (no command line) and options declared once."""

import pytest
from click.testing import CliRunner

from cleantext.batch import Options, run_batch
from cleantext.cli import cli
from cleantext.cli.options import BATCH_OPTIONS
from cleantext.config import ConfigError, read_settings


def test_read_settings_gives_checked_batch_options_and_the_pipeline(tmp_path):
    config = tmp_path / "cleantext.toml"
    config.write_text('jobs = 2\nglob = ["*.txt"]\nseparator = "formfeed"\n[dedup]\nthreshold = 95\n'
                      '[strip-debris]\nkeep = ["^Editor"]\n')
    settings = read_settings(config)
    assert settings.options == Options(jobs=2, globs=("*.txt",), separator="\f")
    stages = {stage.name: stage for stage in settings.pipeline().stages}
    assert stages["dedup"].threshold == 95 and stages["strip-debris"].keep == ("^Editor",)


def test_read_settings_finds_the_nearest_file_like_the_command(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.cleantext]\njsonl = true\n")
    (tmp_path / "sub").mkdir()
    settings = read_settings(cwd=tmp_path / "sub")
    assert settings.options.jsonl and settings.path == tmp_path / "pyproject.toml"


def test_read_settings_rejects_what_the_command_rejects(tmp_path):
    config = tmp_path / "cleantext.toml"
    config.write_text("[dedup]\nthreshhold = 95\n")
    with pytest.raises(ConfigError, match="unknown key 'dedup.threshhold'"):
        read_settings(config)
    assert CliRunner().invoke(cli, ["--config", str(config), "clean", "-"], input="x\n").exit_code == 2


def test_a_library_batch_with_file_settings_equals_the_command(tmp_path):
    config = tmp_path / "cleantext.toml"
    config.write_text("[dedup]\nthreshold = 80\n")
    page = tmp_path / "page.txt"
    page.write_text("The storm delayed every train in the north today.\n"
                    "The storm delayed all trains in the north today.\nOther news.\n")
    settings = read_settings(config)
    out = tmp_path / "out.txt"
    run_batch(settings.pipeline(), [str(page)], Options(output=str(out)), warn=lambda m: None)
    command = CliRunner().invoke(cli, ["--config", str(config), "clean", str(page)])
    assert out.read_text() == command.stdout
    assert command.stdout.count("storm") == 1  # the threshold from the file took effect


def test_every_batch_option_of_the_command_is_declared_once_and_fills_options():
    fields = set(Options.__dataclass_fields__)
    cli_only = {"quiet", "verbose", "summary", "review", "review_html"}
    assert set(BATCH_OPTIONS) == fields | cli_only
    assert len(BATCH_OPTIONS) == len(set(BATCH_OPTIONS))
