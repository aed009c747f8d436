"""Planning a batch: the command line's inputs become `Task`s, in order.

Directories are walked in sorted order, each task knows where its text goes, and
requests that would destroy data (an output naming an input, two inputs written to
one file) are refused before anything is read.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..io import compression_of
from ..io.reading import line_boundaries
from .options import BAD_RECORD_POLICIES, STDIN, BatchUsageError, Options


#: A JSON Lines file of at least twice this size is cut into slices of about this size
#: or more (at line ends), which workers clean in parallel (see `shard_tasks`).
SHARD_BYTES = 4 << 20


@dataclass(frozen=True)
class Shard:
    """A slice of one input: bytes `start` to `end`, its first line's number, and
    which `part` of how many `parts` it is."""

    start: int
    end: int
    first_line: int
    part: int
    parts: int


@dataclass(frozen=True)
class Task:
    """One input to clean (or one slice of it) and where its cleaned text goes."""

    index: int
    source: str  #: path, or '-' for standard input
    name: str  #: how messages and the removed-lines TSV name it
    target: str | None = None  #: its own output file, or None for the shared output
    size: int = 0  #: bytes on disk, for progress
    problem: str | None = None  #: known to fail before reading (e.g. empty directory)
    shard: Shard | None = None  #: a slice of the input, or None for all of it
    site: str | None = None  #: with ``--site dir``: the directory under the input directory

    @property
    def last_part(self) -> bool:
        """Whether this task finishes its input (the last slice, or the whole input)."""
        return self.shard is None or self.shard.part == self.shard.parts - 1


def shard_tasks(tasks: Sequence[Task], options: Options, workers: int) -> list[Task]:
    """`tasks` with each large JSON Lines file cut into slices at line ends, so that
    `workers` processes (or machines) share it; one shard per slice, in order. Other
    inputs, compressed files and standard input stay whole."""
    if not options.jsonl or workers < 2:
        return list(tasks)
    result = []
    for task in tasks:
        if task.problem or task.source == STDIN or task.size < 2 * SHARD_BYTES or compression_of(task.source) \
                or not os.path.isfile(task.source) or _wide_text(task.source):
            result.append(task)
            continue
        slices = line_boundaries(task.source, max(SHARD_BYTES, task.size // (4 * workers)))
        result += [replace(task, size=end - start, shard=Shard(start, end, first, part, len(slices)))
                   for part, (start, end, first) in enumerate(slices)]
    return result


def _wide_text(path: str) -> bool:
    """Whether a file starts with a UTF-16 or UTF-32 byte order mark (read whole, not cut)."""
    try:
        with open(path, "rb") as stream:
            return stream.read(4).startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"))
    except OSError:
        return True  # its reader will say why


def _walk(directory: str, globs: Sequence[str], exclude: str | None, backup: str | None = None,
          follow_symlinks: bool = False, note: Callable[[str], None] | None = None) -> list[str]:
    """Regular files under `directory` matching `globs`, sorted by path.

    Hidden names are skipped, and backups (names ending in `backup`). Symbolic links are
    not followed unless `follow_symlinks` (an in-place run must not reach outside the
    tree), and other non-regular files (named pipes, sockets, devices) are skipped: a
    named pipe would block the run forever. `note` hears about every skipped link or
    special file.
    """
    note = note or (lambda message: None)
    found = []
    visited: set[str] = set()
    for root, dirs, files in os.walk(directory, followlinks=follow_symlinks):
        if follow_symlinks:  # a link back up the tree would walk forever
            real = os.path.realpath(root)
            if real in visited:
                dirs[:] = []
                continue
            visited.add(real)
        kept_dirs = []
        for d in dirs:
            path = os.path.join(root, d)
            if d.startswith(".") or (exclude is not None and os.path.realpath(path) == exclude):
                continue
            if os.path.islink(path) and not follow_symlinks:
                note(f"{path}: symbolic link to a directory skipped (use --follow-symlinks)")
                continue
            kept_dirs.append(d)
        dirs[:] = kept_dirs
        for name in files:
            if name.startswith(".") or (backup and name.endswith(backup)):
                continue
            if globs and not any(fnmatch.fnmatch(name, pattern) for pattern in globs):
                continue
            path = os.path.join(root, name)
            try:
                status = os.stat(path) if follow_symlinks else os.lstat(path)
            except OSError:  # a dangling link, a file gone since listing
                note(f"{path}: cannot be read (dangling symbolic link?); skipped")
                continue
            if stat.S_ISLNK(status.st_mode):
                note(f"{path}: symbolic link skipped (use --follow-symlinks)")
                continue
            if not stat.S_ISREG(status.st_mode):
                note(f"{path}: not a regular file (named pipe, socket or device); skipped")
                continue
            found.append(path)
    return sorted(found, key=lambda path: Path(os.path.relpath(path, directory)).parts)


def plan_batch(inputs: Sequence[str], options: Options, note: Callable[[str], None] | None = None) -> list[Task]:
    """The tasks for `inputs`, in order; raises `BatchUsageError` for impossible requests.

    A directory stands for the files under it (recursively, sorted, hidden names
    skipped, filtered by ``globs``); a file named on the command line is always taken.
    With ``output_dir``, a file found in directory D goes to the same relative path
    under the output directory, and a file named directly goes to its base name there.
    """
    _check_options(inputs, options)
    exclude = os.path.realpath(options.output_dir) if options.output_dir else None
    tasks: list[Task] = []
    for given in inputs:
        if given != STDIN and os.path.isdir(given):
            files = _walk(given, options.globs, exclude, options.backup if options.in_place else None,
                          options.follow_symlinks, note)
            if not files:
                pattern = f" matching {' or '.join(options.globs)}" if options.globs else ""
                tasks.append(Task(len(tasks), given, given, problem=f"{given}: no files{pattern} in directory"))
            for path in files:
                relative = os.path.relpath(path, given)
                task = _task(len(tasks), path, relative, options)
                if options.site == "dir":
                    task = replace(task, site=site_directory(relative))
                tasks.append(task)
        else:
            tasks.append(_task(len(tasks), given, os.path.basename(given), options))
    _check_targets(tasks, options)
    _check_shared_outputs(tasks, options)
    return tasks


def site_directory(relative: str) -> str | None:
    """The site of a file found in an input directory, from its `relative` path there:
    the first directory (``example.com/2024/page.txt`` is ``example.com``), or None for
    a file at the top (the shared "no site" bucket)."""
    head, _, rest = relative.replace(os.sep, "/").partition("/")
    return head if rest else None


def _check_options(inputs: Sequence[str], options: Options) -> None:
    chosen = [flag for flag, on in (("--output/-o", options.output is not None),
                                     ("--output-dir", options.output_dir is not None),
                                     ("--in-place", options.in_place)) if on]
    if len(chosen) > 1:
        raise BatchUsageError(f"{' and '.join(chosen)} cannot be used together; choose one.")
    if options.backup is not None and not options.in_place:
        raise BatchUsageError("--backup only makes sense with --in-place.")
    if options.overwrite_backup and options.backup is None:
        raise BatchUsageError("--overwrite-backup only makes sense with --backup.")
    if options.backup is not None and (not options.backup or "/" in options.backup):
        raise BatchUsageError("--backup takes a file-name suffix such as '.orig'.")
    if (options.in_place or options.output_dir) and STDIN in inputs:
        raise BatchUsageError("standard input has no file to replace or mirror; use -o or standard output.")
    if options.separator is not None:
        if not options.separator or "\n" in options.separator or "\r" in options.separator:
            raise BatchUsageError("--separator must be text without line breaks (or formfeed, nul, none).")
        if options.jsonl:
            raise BatchUsageError("--separator does not apply to --jsonl: each record is a document.")
    if options.site not in ("none", "dir") and options.site_field is None:
        raise BatchUsageError(f"--site must be none, dir or field:NAME, not {options.site!r}.")
    if options.site_field is not None and not options.jsonl:
        raise BatchUsageError("--site field:NAME needs --jsonl (plain text has no fields); use --site dir.")
    if options.on_bad_record not in BAD_RECORD_POLICIES:
        raise BatchUsageError(f"--on-bad-record must be one of {', '.join(BAD_RECORD_POLICIES)}.")
    if options.jobs is not None and options.jobs < 1:
        raise BatchUsageError("--jobs must be at least 1.")
    if options.output_dir is not None and os.path.exists(options.output_dir) \
            and not os.path.isdir(options.output_dir):
        raise BatchUsageError(f"--output-dir {options.output_dir}: exists and is not a directory.")


def _task(index: int, source: str, relative: str, options: Options) -> Task:
    target = None
    if options.output_dir is not None:
        target = os.path.join(options.output_dir, relative)
    elif options.in_place:
        target = os.path.realpath(source)  # replace the file a symbolic link points to
    try:
        size = os.path.getsize(source) if source != STDIN else 0
    except OSError:
        size = 0
    name = "<stdin>" if source == STDIN else source
    problem = None
    if options.in_place and options.backup and not options.overwrite_backup \
            and os.path.lexists(target + options.backup):  # type: ignore[operator]
        problem = (f"{name}: backup {target}{options.backup} already exists; not cleaned "
                   "(remove the old backup or use --overwrite-backup)")
    return Task(index, source, name, target, size, problem)


def _check_targets(tasks: Sequence[Task], options: Options) -> None:
    seen: dict[str, str] = {}
    for task in tasks:
        if task.target is None or task.problem:
            continue
        key = os.path.realpath(task.target)
        if key in seen:
            raise BatchUsageError(f"{seen[key]} and {task.name} would both be written to {task.target}.")
        seen[key] = task.name
        if options.output_dir is not None and key == os.path.realpath(task.source):
            raise BatchUsageError(f"{task.name}: --output-dir would overwrite the input; "
                                  "use --in-place to do that on purpose.")


def _identity(path: str) -> tuple:
    """What makes two names the same file: device and inode if it exists (so symbolic and
    hard links match), else the resolved path."""
    try:
        status = os.stat(path)
    except OSError:
        return ("path", os.path.realpath(path))
    return ("inode", status.st_dev, status.st_ino)


def _check_shared_outputs(tasks: Sequence[Task], options: Options) -> None:
    """Refuse -o, --removed or --stats naming an input, a per-input output or each other:
    writing it would destroy the data it was meant to hold."""
    outputs = [(flag, path) for flag, path in (("-o/--output", options.output), ("--removed", options.removed),
                                                ("--stats", options.stats)) if path not in (None, "-")]
    if not outputs:
        return
    seen: dict[tuple, str] = {}
    for flag, path in outputs:
        key = _identity(path)  # type: ignore[arg-type]
        if key in seen:
            raise BatchUsageError(f"{seen[key]} and {flag} name the same file {path}; choose different files.")
        seen[key] = f"{flag} {path}"
    for task in tasks:
        for name in (task.source, task.target):
            if name is None or name == STDIN or task.problem:
                continue
            key = _identity(name)
            if key in seen:
                role = "an input" if name == task.source else "an output of --in-place/--output-dir"
                raise BatchUsageError(f"{seen[key]} is {role} ({task.name}); writing it would destroy it.")

