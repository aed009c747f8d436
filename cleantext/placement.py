"""Usage errors that teach the chained command line.

Click reports a file after a stage (`cleantext dedup file.txt`) as "No such command"
and an option in the wrong part of the chain (`cleantext dedup -o out.txt`,
`cleantext --threshold 95 clean in.txt`) as "No such option". Both are natural
mistakes, so these helpers name what went wrong and show the command line with the
misplaced words moved where they belong.
"""

from __future__ import annotations

import difflib
import os
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field

import click

GROUP = "cleantext"  #: how the messages name the top-level group's own options


@dataclass
class _Segment:
    """The words of one part of the chain: the group's options, or one subcommand's."""

    command: str
    words: list[list[str]] = field(default_factory=list)  #: options with their values, arguments


def _owners(group: click.Group) -> dict[str, list[str]]:
    """Every option string and the commands (``cleantext`` for the group) that take it."""
    owners: dict[str, list[str]] = {}
    commands: list[tuple[str, click.Command]] = [(GROUP, group), *group.commands.items()]
    for name, command in commands:
        for param in command.params:
            if isinstance(param, click.Option):
                for opt in (*param.opts, *param.secondary_opts):
                    owners.setdefault(opt, []).append(name)
    return owners


def _takes_value(group: click.Group) -> set[str]:
    takes = set()
    for command in (group, *group.commands.values()):
        for param in command.params:
            if isinstance(param, click.Option) and not param.is_flag and not param.count:
                takes.update(param.opts)
    return takes


def _segments(group: click.Group, argv: Sequence[str]) -> list[_Segment]:
    """Split `argv` at subcommand names into the group's part and each command's part."""
    takes = _takes_value(group)
    segments = [_Segment(GROUP)]
    words = iter(argv)
    for word in words:
        if word in group.commands and not word.startswith("-"):
            segments.append(_Segment(word))
        elif word.startswith("-") and word != "-" and "=" not in word and word in takes:
            value = next(words, None)
            segments[-1].words.append([word] if value is None else [word, value])
        else:
            segments[-1].words.append([word])
    return segments


def _command_line(segments: list[_Segment]) -> str:
    words = [GROUP]
    for segment in segments:
        if segment.command != GROUP:
            words.append(segment.command)
        for unit in segment.words:
            words.extend(unit)
    return shlex.join(words)


def _listed(names: Sequence[str]) -> str:
    quoted = [f"'{name}'" for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def misplaced_option(group: click.Group, argv: Sequence[str], option: str, where: str) -> str | None:
    """The message for `option`, refused by `where` (a subcommand or ``cleantext``), or
    None when no part of the command line takes it (Click's own message then stands)."""
    name = option.split("=", 1)[0]

    def matches(unit: list[str]) -> bool:
        return unit[0].split("=", 1)[0] == name
    owners = [owner for owner in _owners(group).get(name, []) if owner != where]
    if not owners:
        return None
    segments = _segments(group, argv)
    chain = [segment.command for segment in segments[1:]]
    source = next((s for s in segments if s.command == where and any(matches(u) for u in s.words)), None)
    here = "cleantext itself" if where == GROUP else f"'{where}'"
    if GROUP in owners:
        target_name: str | None = GROUP
        lead = (f"{option} is not an option of {here} but of cleantext itself: input, output and "
                "batch options go before the first stage (or after 'clean').")
    else:
        target_name = next((owner for owner in owners if owner in chain), None)
        lead = f"{option} is not an option of {here} but of {_listed(owners)}: stage options go after their stage."
    if source is None or target_name is None:
        return lead
    unit = next(u for u in source.words if matches(u))
    source.words.remove(unit)
    next(s for s in segments if s.command == target_name).words.append(unit)
    _files_to_inputs(segments)  # the suggestion must run as written: stages take no files
    return f"{lead}\n  Try: {_command_line(segments)}"


def _files_to_inputs(segments: list[_Segment]) -> list[str]:
    """Move the file names given after a stage (other than 'clean', which takes files)
    into ``-i NAME`` before the first stage; returns them."""
    files = []
    for segment in segments[1:]:
        if segment.command == "clean":
            continue
        for unit in list(segment.words):
            if len(unit) == 1 and (not unit[0].startswith("-") or unit[0] == "-"):
                segment.words.remove(unit)
                files.append(unit[0])
    for name in files:
        segments[0].words.append(["-i", name])
    return files


def misplaced_argument(group: click.Group, argv: Sequence[str], word: str) -> str | None:
    """The message for `word` read as a command name: a file given after a stage, which
    takes no files. None for what looks like a misspelt command (Click suggests one)."""
    if not os.path.exists(word) and difflib.get_close_matches(word, list(group.commands), cutoff=0.6):
        return None
    segments = _segments(group, argv)
    if word not in _files_to_inputs(segments):
        return None
    lead = (f"No such command '{word}'. Stages take no file names: give inputs with -i before "
            "the first stage, or name them after 'clean'.")
    return f"{lead}\n  Try: {_command_line(segments)}"
