"""The errors of reading and writing: one line each, naming the file."""

from __future__ import annotations

class InputError(Exception):
    """An input that cannot be cleaned; the message names it and says why."""


def describe_os_error(name: str, error: OSError) -> str:
    reason = error.strerror or str(error)
    if isinstance(error, FileNotFoundError):
        reason = "no such file"
    elif isinstance(error, IsADirectoryError):
        reason = "is a directory"
    elif isinstance(error, PermissionError):
        reason = "permission denied"
    return f"{name}: {reason}"


class OutputError(InputError):
    """Writing an output failed (a full disk, a closed stream); the message names the output."""

    def __init__(self, message: str, name: str):
        super().__init__(message)
        self.name = name


def output_error(name: str, error: OSError) -> OutputError:
    return OutputError(describe_os_error(name, error), name)
