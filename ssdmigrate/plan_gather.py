"""The facts a plan needs beyond discovery, read with read-only commands only.

`gather_facts` runs tmutil and lsof through a read-only runner and lists the
boot volume's items. Each parser either understands its tool's output,
reports "unknown", or raises `ParseError`; the caller turns an error into an
unknown fact, which becomes a warning, never a silent pass.
"""

from __future__ import annotations

import os
import re
import stat
from datetime import datetime
from pathlib import Path
from typing import Any

from ssdmigrate.errors import ParseError, SsdmigrateError
from ssdmigrate.model import Snapshot
from ssdmigrate.plan_clone import folders_to_list
from ssdmigrate.plan_facts import (
    BackupStatus,
    ModelLike,
    OpenFile,
    PlanFacts,
    RootEntry,
)
from ssdmigrate.runner import Result, Runner

# A backup's folder is named by its start time, e.g.
# /Volumes/bakvol/Backups.backupdb/mymac/2011-08-26-104514 (tmutil(8),
# BACKUP STRUCTURE; sample at real-world-systems.com/docs/tmutil.1.html). APFS
# backups are snapshots named with the same stamp and a ".backup" suffix.
_STAMP = re.compile(r"(\d{4}-\d{2}-\d{2}-\d{6})(?:\.backup)?/*$")
# `tmutil destinationinfo` prints blocks of "Key   : Value" lines, one block per
# destination, with "Mount Point   : /Volumes/..." when it is mounted.
_MOUNT_POINT = re.compile(r"^\s*Mount Point\s*:\s*(.+?)\s*$", re.MULTILINE)
_DESTINATION_KEYS = re.compile(r"^\s*(Name|Kind|ID|URL)\s*:", re.MULTILINE)


def parse_latest_backup(result: Result) -> BackupStatus:
    """tmutil latestbackup: a path ending in a time stamp, or nothing when none.

    tmutil is known to exit 0 while printing an error instead of a path
    ("Failed to mount backup destination"), so the text decides, not the status.
    """
    text = result.stdout.strip()
    if result.returncode != 0 or not text:
        said = (result.stderr or result.stdout).strip().splitlines()
        return BackupStatus(None, detail=said[0] if said else "")
    last = text.splitlines()[-1].strip()
    match = _STAMP.search(last)
    if match is None:
        return BackupStatus(None, known=False, detail=last)
    return BackupStatus(_stamp_time(match.group(1)))


def _stamp_time(stamp: str) -> datetime:
    try:
        return datetime.strptime(stamp, "%Y-%m-%d-%H%M%S")
    except ValueError as exc:
        raise ParseError("tmutil latestbackup", f"bad time stamp {stamp!r}") from exc


def parse_destinations(result: Result) -> tuple[str, ...] | None:
    """Mount points of the Time Machine destinations; None when unreadable."""
    text = f"{result.stdout}\n{result.stderr}"
    if "No destinations configured" in text:
        return ()
    mounts = tuple(m.group(1) for m in _MOUNT_POINT.finditer(result.stdout))
    if mounts or _DESTINATION_KEYS.search(result.stdout):
        return mounts  # a network destination that is not mounted has none
    return None


def parse_lsof(result: Result) -> tuple[OpenFile, ...]:
    """lsof -Fpcn: one field per line, its first letter saying which.

    lsof(8), OUTPUT FOR OTHER PROGRAMS: `p` starts a process (its PID), `c`
    is its command, `f` a file descriptor, `n` a file's name. lsof exits 1
    with no output when nothing is open.
    """
    if result.returncode == 1 and not result.stdout.strip():
        if result.stderr.strip():
            raise ParseError("lsof", result.stderr.strip().splitlines()[0])
        return ()
    if result.returncode not in (0, 1):
        raise ParseError("lsof", f"exit status {result.returncode}")
    return _lsof_fields(result.stdout)


def _lsof_fields(text: str) -> tuple[OpenFile, ...]:
    found: list[OpenFile] = []
    current: dict[str, Any] = {}
    for line in text.splitlines():
        if not line:
            continue
        field, value = line[0], line[1:]
        if field == "p":
            _flush(current, found)
            current = {"pid": _pid(value)}
        elif not current or not field.isalpha():
            raise ParseError("lsof", f"unexpected line {line!r}")
        elif field in "cn" and field not in current:
            current[field] = value
    _flush(current, found)
    return tuple(found)


def _pid(value: str) -> int:
    if not value.isdigit():
        raise ParseError("lsof", f"process id {value!r} is not a number")
    return int(value)


def _flush(current: dict[str, Any], found: list[OpenFile]) -> None:
    if current:
        found.append(OpenFile(current["pid"], current.get("c", "?"), current.get("n")))


def is_root(runner: Runner) -> bool:
    """Whether the run would have root: the backend knows first (the simulated
    Mac never needs root), otherwise this process's effective user id."""
    answer = getattr(runner.backend, "is_root", None)
    if answer is not None:
        return bool(answer() if callable(answer) else answer)
    return os.geteuid() == 0


def list_root(runner: Runner) -> tuple[RootEntry, ...] | None:
    """The boot volume's items the copy plan needs, or None if it cannot be read."""
    try:
        root = runner.backend.host_path("/")
        return tuple(e for folder in folders_to_list() for e in _entries(root, folder))
    except (OSError, SsdmigrateError, NotImplementedError):
        return None


def _entries(root: Path, folder: str) -> list[RootEntry]:
    where = root / folder if folder else root
    if not where.is_dir() or where.is_symlink():
        return []
    return [_entry(path, folder) for path in sorted(where.iterdir())]


def _entry(path: Path, folder: str) -> RootEntry:
    info = path.lstat()
    relative = f"{folder}/{path.name}" if folder else path.name
    mode = stat.S_IMODE(info.st_mode)
    if stat.S_ISLNK(info.st_mode):
        return RootEntry(relative, "symlink", mode, os.readlink(path))
    if stat.S_ISDIR(info.st_mode):
        return RootEntry(relative, "dir", mode)
    kind = "file" if stat.S_ISREG(info.st_mode) else "other"
    return RootEntry(relative, kind, mode)


def open_files(
    runner: Runner, snapshot: Snapshot
) -> dict[str, tuple[OpenFile, ...] | None]:
    """Processes with files open on each mounted volume of every external disk."""
    found: dict[str, tuple[OpenFile, ...] | None] = {}
    for disk in snapshot.disks:
        if disk.internal is not False:
            continue
        for part in disk.partitions:
            if part.mount_point:
                found[part.mount_point] = _lsof(runner, part.mount_point)
    return found


def _lsof(runner: Runner, mount_point: str) -> tuple[OpenFile, ...] | None:
    try:
        return parse_lsof(runner.run(["lsof", "-Fpcn", mount_point], check=False))
    except ParseError:
        return None


def latest_backup(runner: Runner) -> BackupStatus:
    try:
        return parse_latest_backup(runner.run(["tmutil", "latestbackup"], check=False))
    except ParseError as exc:
        return BackupStatus(None, known=False, detail=exc.message)


def destinations(runner: Runner) -> tuple[str, ...] | None:
    return parse_destinations(runner.run(["tmutil", "destinationinfo"], check=False))


def model_info(model_id: str | None) -> ModelLike | None:
    if model_id is None:
        return None
    from ssdmigrate.models import lookup

    return lookup(model_id)


def gather_facts(runner: Runner, snapshot: Snapshot, now: datetime) -> PlanFacts:
    """Everything `build_plan` needs; `runner` must be read-only."""
    return PlanFacts(
        snapshot=snapshot,
        now=now,
        latest_backup=latest_backup(runner),
        is_root=is_root(runner),
        tm_destinations=destinations(runner),
        open_files=open_files(runner, snapshot),
        root_entries=list_root(runner),
        model=model_info(snapshot.machine.model),
    )
