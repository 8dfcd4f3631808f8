"""Replay bundles: recorded command outputs that stand in for a Mac.

A bundle is a folder with `replay.yaml` and the files it names:

    format: ssdmigrate-replay/1
    commands:
      - argv: [diskutil, list, -plist]
        stdout: diskutil-list.plist    # a file in the same folder
        stderr: diskutil-list.err      # optional
        returncode: 0                  # optional, default 0

argv[0] matches by its bare name; the other arguments must match exactly. A
command with no recording fails like a tool would: exit 1, and stderr says
`no recording for: <argv>`. Replays only read: the runner refuses changes.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ssdmigrate import atomic
from ssdmigrate.errors import Refused, ReplayBundleError
from ssdmigrate.runner import LineHandler, Result
from ssdmigrate.tools import tool_name

FORMAT = "ssdmigrate-replay/1"
INDEX = "replay.yaml"


@dataclass(frozen=True)
class Recording:
    argv: tuple[str, ...]
    stdout: str
    stderr: str
    returncode: int

    def key(self) -> tuple[str, ...]:
        return (tool_name(self.argv), *self.argv[1:])


class ReplayBackend:
    name = "replay"
    writable = False
    is_root = False

    def __init__(self, folder: Path, recordings: list[Recording]) -> None:
        self.folder = folder
        self._by_argv = {r.key(): r for r in recordings}

    @classmethod
    def load(cls, folder: Path) -> ReplayBackend:
        return cls(folder, read_bundle(folder))

    def execute(
        self, argv: Sequence[str], *, on_line: LineHandler | None, timeout: float | None
    ) -> Result:
        found = self._by_argv.get((tool_name(argv), *argv[1:]))
        if found is None:
            return Result(tuple(argv), 1, "", f"no recording for: {shlex.join(argv)}\n")
        if on_line is not None:
            for line in found.stdout.splitlines():
                on_line(line)
        return Result(tuple(argv), found.returncode, found.stdout, found.stderr)

    def host_path(self, mount_point: str) -> Path:
        raise _no_files(mount_point)

    def volume_used_bytes(self, mount_point: str) -> int:
        raise _no_files(mount_point)

    def attached(self, argv: Sequence[str]) -> int:
        return self.execute(argv, on_line=None, timeout=None).returncode


def _no_files(mount_point: str) -> Refused:
    return Refused(
        f"a replay bundle holds command outputs, not the files of {mount_point}",
        remedy="Compare real folders with `ssdmigrate verify` instead.",
    )


def _problem(path: Path, problem: str) -> ReplayBundleError:
    return ReplayBundleError(
        f"replay bundle {path}: {problem}",
        remedy=f"A bundle is a folder with {INDEX} (format: {FORMAT}); "
        "`ssdmigrate capture --out DIR` writes one.",
    )


def read_bundle(folder: Path) -> list[Recording]:
    index = folder / INDEX
    if not index.is_file():
        raise _problem(index, "not found")
    try:
        data = yaml.safe_load(index.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise _problem(index, f"not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise _problem(index, "expected a mapping with format and commands")
    if data.get("format") != FORMAT:
        raise _problem(
            index, f"unknown format {data.get('format')!r}, expected {FORMAT}"
        )
    commands = data.get("commands")
    if not isinstance(commands, list):
        raise _problem(index, "commands should be a list")
    return [_recording(folder, index, n, entry) for n, entry in enumerate(commands, 1)]


def _recording(folder: Path, index: Path, number: int, entry: Any) -> Recording:
    where = f"command {number}"
    if not isinstance(entry, dict):
        raise _problem(index, f"{where} should be a mapping")
    argv = entry.get("argv")
    if not (isinstance(argv, list) and argv and all(isinstance(a, str) for a in argv)):
        raise _problem(index, f"{where}: argv should be a non-empty list of strings")
    code = entry.get("returncode", 0)
    if not isinstance(code, int) or isinstance(code, bool):
        raise _problem(index, f"{where}: returncode should be a whole number")
    return Recording(
        argv=tuple(argv),
        stdout=_read(folder, index, where, entry.get("stdout")),
        stderr=_read(folder, index, where, entry.get("stderr")),
        returncode=code,
    )


def _read(folder: Path, index: Path, where: str, name: Any) -> str:
    if name is None:
        return ""
    if not isinstance(name, str) or "/" in name or name.startswith("."):
        raise _problem(index, f"{where}: {name!r} should be a file name in the bundle")
    path = folder / name
    if not path.is_file():
        raise _problem(path, f"named by {where} but missing")
    return path.read_text(encoding="utf-8", errors="replace")


def _file_stem(argv: Sequence[str]) -> str:
    words = [tool_name(argv), *[a.lstrip("-") for a in argv[1:]]]
    return re.sub(r"[^A-Za-z0-9,._]+", "_", "-".join(w for w in words if w))[:80]


def write_bundle(folder: Path, results: Sequence[Result]) -> Path:
    """Write results as a bundle; later recordings of the same argv win."""
    folder.mkdir(parents=True, exist_ok=True)
    entries: dict[tuple[str, ...], dict[str, Any]] = {}
    used: set[str] = set()
    for result in results:
        key = (tool_name(result.argv), *result.argv[1:])
        entries[key] = _write_one(folder, result, used)
    index = {"format": FORMAT, "commands": list(entries.values())}
    atomic.write_text(folder / INDEX, yaml.safe_dump(index, sort_keys=False))
    return folder / INDEX


def _write_one(folder: Path, result: Result, used: set[str]) -> dict[str, Any]:
    stem = _file_stem(result.argv)
    name, n = stem, 1
    while name in used:
        n += 1
        name = f"{stem}-{n}"
    used.add(name)
    suffix = ".plist" if "-plist" in result.argv or "-xml" in result.argv else ".out"
    entry: dict[str, Any] = {"argv": [tool_name(result.argv), *result.argv[1:]]}
    atomic.write_text(folder / f"{name}{suffix}", result.stdout)
    entry["stdout"] = f"{name}{suffix}"
    if result.stderr:
        atomic.write_text(folder / f"{name}.err", result.stderr)
        entry["stderr"] = f"{name}.err"
    if result.returncode:
        entry["returncode"] = result.returncode
    return entry
