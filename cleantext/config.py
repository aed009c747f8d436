"""Defaults from a file, so a nightly job's command line stays short.

Settings live in ``[tool.cleantext]`` of a ``pyproject.toml``, or at the top level of a
``cleantext.toml``; the first directory from the working directory upward that has
one wins (``cleantext.toml`` before ``pyproject.toml`` in the same directory), and
``--config FILE`` names one directly. Keys are the long option names::

    # cleantext.toml                     # pyproject.toml
    jobs = 4                             [tool.cleantext]
    glob = ["*.txt"]                     jobs = 4
    on-bad-record = "skip"
                                         [tool.cleantext.dedup]
    [dedup]                              threshold = 95
    threshold = 95

Top-level keys are the options given before a subcommand (inputs and outputs, jobs,
JSONL); a table per stage (``fix-encoding``, ``strip-debris``, ``dedup``) holds that
stage's options, which also apply to ``clean``. The command line overrides the file.
An unknown key or a bad value is an error that names it, so a typo never silently
does nothing. The settings become Click's ``default_map``: the file supplies
defaults, and Click's own parsing does the rest.

From Python, `read_settings` reads and checks the same files without a command line:

    >>> settings = read_settings("cleantext.toml")          # doctest: +SKIP
    >>> run_batch(settings.pipeline(), ["crawl/"], settings.options)  # doctest: +SKIP
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import click

CONFIG_FILE = "cleantext.toml"
PYPROJECT = "pyproject.toml"
#: Group options that are about the command line itself, not settings.
NOT_SETTINGS = frozenset({"inputs", "config_file", "no_config", "help", "version"})
#: Subcommands whose options are not stage settings.
NOT_STAGES = frozenset({"clean", "config"})


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names the file and key."""


@dataclass
class Config:
    """The settings read from one file (or none)."""

    path: Path | None = None
    table: dict[str, Any] = field(default_factory=dict)

    def default_map(self, group: click.Group) -> dict[str, Any]:
        """Click defaults for `group` and its subcommands, checked against their options."""
        schema = settings_schema(group)
        result: dict[str, Any] = {}
        stage_defaults: dict[str, Any] = {}
        for key, value in self.table.items():
            if key in schema["sections"]:
                if not isinstance(value, dict):
                    raise ConfigError(f"{self._where()}: '{key}' must be a table of {key} options")
                section = {}
                for option, option_value in value.items():
                    param = _lookup(schema["sections"][key], option, f"{key}.{option}", self._where())
                    section[param.name] = self._convert(param, option_value, f"{key}.{option}")
                result[key] = section
                stage_defaults.update(section)
            else:
                param = _lookup(schema["group"], key, key, self._where(), sections=schema["sections"])
                result[param.name] = self._convert(param, value, key)
        if stage_defaults:
            result["clean"] = stage_defaults  # `clean` takes every stage's options
        return result

    def _relative(self, param: click.Parameter, value: Any) -> Any:
        """A relative path in a config file names a file next to it, wherever cleantext runs."""
        if (self.path is None or not isinstance(param.type, click.Path) or not isinstance(value, str)
                or value == "-" or os.path.isabs(value)):
            return value
        return os.path.join(self.path.parent, value)

    def _where(self) -> str:
        return str(self.path) if self.path else "config"

    def _convert(self, param: click.Parameter, value: Any, key: str) -> Any:
        try:
            if param.multiple:
                values = value if isinstance(value, list) else [value]
                return [self._relative(param, param.type.convert(_checked_type(param, item), param, None))
                        for item in values]
            if isinstance(value, (list, dict)):
                raise click.BadParameter(f"expected one value, not {type(value).__name__}")
            return self._relative(param, param.type.convert(_checked_type(param, value), param, None))
        except click.BadParameter as error:
            raise ConfigError(f"{self._where()}: {key}: {error.message}") from None


def _checked_type(param: click.Parameter, value: Any) -> Any:
    """`value` if its TOML type is the option's; Click alone would turn 2.5 into 2, true
    into 1 and 5 into the file name "5" (or fail inside Click on a number for a path)."""
    kind = param.type
    if isinstance(param, click.Option) and param.is_flag:
        wanted: tuple[type, ...] = (bool,)
        expected = "true or false"
    elif isinstance(kind, click.types.IntParamType):
        wanted, expected = (int,), "a whole number"
    elif isinstance(kind, click.types.FloatParamType):
        wanted, expected = (int, float), "a number"
    elif isinstance(kind, click.types.BoolParamType):
        wanted, expected = (bool,), "true or false"
    else:  # paths, choices, patterns, names
        wanted, expected = (str,), "a string"
    if (isinstance(value, bool) and bool not in wanted) or not isinstance(value, wanted):
        shown = "true" if value is True else "false" if value is False else repr(value)
        raise click.BadParameter(f"expected {expected}, not {shown}")
    return value


def _key(param: click.Parameter) -> str:
    """The name a setting has in a file: its long option without dashes."""
    longs = [opt for opt in getattr(param, "opts", []) if opt.startswith("--")]
    return longs[0][2:] if longs else (param.name or "").replace("_", "-")


def settings_schema(group: click.Group) -> dict[str, Any]:
    """The keys a file may set: {"group": {key: param}, "sections": {stage: {key: param}}}."""
    def keys(command: click.Command, skip: frozenset[str] = frozenset()) -> dict[str, click.Parameter]:
        return {_key(p): p for p in command.params if isinstance(p, click.Option) and p.name not in skip}

    sections = {name: keys(command) for name, command in group.commands.items() if name not in NOT_STAGES}
    return {"group": keys(group, NOT_SETTINGS), "sections": sections}


def _lookup(known: dict[str, click.Parameter], key: str, shown: str, where: str,
            sections: dict | None = None) -> click.Parameter:
    spelled = key.replace("_", "-")
    if spelled in known:
        return known[spelled]
    for param in known.values():
        if param.name == key:
            return param
    hint = f"known keys: {', '.join(sorted(known))}"
    if sections:
        hint += f"; stage tables: {', '.join(sorted(sections))}"
    raise ConfigError(f"{where}: unknown key '{shown}' ({hint})")


def find_config(start: Path) -> Path | None:
    """The nearest cleantext.toml, or pyproject.toml with a [tool.cleantext] table."""
    for directory in (start, *start.parents):
        candidate = directory / CONFIG_FILE
        if candidate.is_file():
            return candidate
        candidate = directory / PYPROJECT
        if candidate.is_file():
            try:
                if "cleantext" in _read_toml(candidate).get("tool", {}):
                    return candidate
            except ConfigError:
                continue  # someone else's broken pyproject.toml is not ours to report
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read ({error.strerror or error})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not UTF-8 text (byte {error.start}); TOML files are UTF-8") from None


def load_config(path: Path | None) -> Config:
    """Read the settings table of `path` (None: no file, empty settings)."""
    if path is None:
        return Config()
    data = _read_toml(path)
    if path.name == PYPROJECT:
        table = data.get("tool", {}).get("cleantext", {})
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.cleantext] must be a table")
        return Config(path, table)
    return Config(path, data)


def config_from_args(args: Sequence[str], group: click.Group, cwd: Path | None = None) -> Config:
    """The configuration a command line asks for: ``--config FILE``, ``--no-config``,
    or the nearest file. Only the options before the first subcommand are looked at.
    """
    for index, arg in enumerate(args):
        if arg in group.commands:
            break
        if arg == "--no-config":
            return Config()
        if arg == "--config" or arg.startswith("--config="):
            name = arg.partition("=")[2] if "=" in arg else (args[index + 1] if index + 1 < len(args) else "")
            if not name:
                raise ConfigError("--config needs a file name")
            path = Path(name)
            if not path.is_file():
                raise ConfigError(f"--config {name}: no such file")
            return load_config(path)
    return load_config(find_config(cwd or Path.cwd()))


def describe_settings(ctx: click.Context, config: Config | None) -> str:
    """The effective settings as TOML, each with where it came from."""
    config = config or Config()
    group = ctx.command
    assert isinstance(group, click.Group)
    schema = settings_schema(group)
    origin = str(config.path) if config.path else None
    lines = [f"# effective settings; config file: {origin or 'none found'}",
             "# precedence: command line > config file > built-in default", "", "[tool.cleantext]"]
    for key, param in schema["group"].items():
        source = ctx.get_parameter_source(param.name) if param.name else None
        lines.append(_setting(key, ctx.params.get(param.name), _source_name(source)))
    default_map = ctx.default_map or {}
    for section, params in schema["sections"].items():
        lines += ["", f"[tool.cleantext.{section}]"]
        section_map = default_map.get(section, {})
        for key, param in params.items():
            if param.name in section_map:
                lines.append(_setting(key, section_map[param.name], "config file"))
            else:
                lines.append(_setting(key, param.default, "default"))
    return "\n".join(lines)


#: Click 8.3+ marks an option without a default with this sentinel (older Click: None).
_UNSET: Any = getattr(getattr(click, "_utils", None), "UNSET", None)


def _source_name(source: click.core.ParameterSource | None) -> str:
    names = {click.core.ParameterSource.COMMANDLINE: "command line",
             click.core.ParameterSource.DEFAULT_MAP: "config file",
             click.core.ParameterSource.ENVIRONMENT: "environment"}
    return names.get(source, "default")  # type: ignore[arg-type]


def _setting(key: str, value: Any, source: str) -> str:
    if value is None or value == () or value is _UNSET:
        return f"# {key} is not set ({source})"
    return f"{key} = {_toml_value(value)}  # {source}"


def _toml_value(value: Any) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string


@dataclass(frozen=True)
class Settings:
    """Checked settings from a config file, for library use.

    `options` are the batch options (`batch.Options`), `stages` each stage table's
    settings by stage (``{"dedup": {"threshold": 95.0}}``, keys as the stage's fields),
    and `other` the remaining top-level settings that only the command line uses
    (``quiet``, ``verbose``...).
    """

    path: Path | None
    options: Any
    stages: dict[str, dict[str, Any]]
    other: dict[str, Any]

    def pipeline(self) -> Any:
        """The recommended pipeline (`cleantext.default_pipeline`) with these settings."""
        from . import default_pipeline
        from .stages import Dedup, FixEncoding, StripDebris

        def build(stage_class: type, name: str) -> Any:
            names = {f.name for f in fields(stage_class)}
            return stage_class(**{k: v for k, v in self.stages.get(name, {}).items() if k in names})

        return default_pipeline(fix_encoding=build(FixEncoding, "fix-encoding"),
                                strip_debris=build(StripDebris, "strip-debris"), dedup=build(Dedup, "dedup"))


def read_settings(path: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> Settings:
    """Read and check a config file: `path`, or the nearest ``cleantext.toml`` (or
    ``pyproject.toml`` with ``[tool.cleantext]``) from `cwd` upward; no file gives the
    defaults. Raises `ConfigError` naming the file and key for an unknown key or a bad
    value, exactly as the command line does."""
    from .batch import Options
    from .cli import cli

    if path is not None:
        if not Path(path).is_file():
            raise ConfigError(f"{path}: no such file")
        config = load_config(Path(path))
    else:
        config = load_config(find_config(cwd or Path.cwd()))
    defaults = config.default_map(cli)
    schema = settings_schema(cli)
    stages = {section: dict(defaults.get(section, {})) for section in schema["sections"]}
    top = {key: value for key, value in defaults.items() if key not in schema["sections"] and key != "clean"}
    options = Options.from_settings(top)
    option_names = {f.name for f in fields(Options)}
    return Settings(config.path, options, stages, {k: v for k, v in top.items() if k not in option_names})
