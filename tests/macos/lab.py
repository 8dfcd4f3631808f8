"""Disk images that stand in for disks on a real Mac, for the `macos` suite.

`hdiutil create` makes sparse images (they take only the space written);
`hdiutil attach -nomount` makes one appear as a whole disk (/dev/diskN,
virtual) without mounting anything, as a freshly plugged-in blank SSD would.
Everything the lab attaches is detached, and every file it made is deleted,
in reverse order, even when a test fails half-way.
"""

from __future__ import annotations

import plistlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ssdmigrate.errors import SsdmigrateError
from ssdmigrate.runner import Runner

_WHOLE = re.compile(r"^/dev/disk[0-9]+$")

# hdiutil attach -plist prints a dictionary whose `system-entities` list has
# one entry per device, each with `dev-entry` (/dev/diskN, /dev/diskNsM),
# `content-hint` and, when mounted, `mount-point` (as parsed by many public
# scripts and apps, e.g. index ids 70500694433, 54613136138).


@dataclass(frozen=True)
class ImageSpec:
    name: str
    size_mb: int
    filesystem: str | None = None  # None: no partition map, no file system

    def create_argv(self, path: Path) -> list[str]:
        argv = ["hdiutil", "create", "-size", f"{self.size_mb}m", "-type", "SPARSE"]
        if self.filesystem is None:
            argv += ["-layout", "NONE"]
        else:
            argv += [
                "-fs",
                self.filesystem,
                "-volname",
                self.name,
                "-layout",
                "GPTSPUD",
            ]
        return [*argv, str(path)]

    def file_name(self) -> str:
        return self.name.replace(" ", "-") + ".sparseimage"  # hdiutil adds this suffix


def attach_argv(path: Path, *, mount: bool) -> list[str]:
    argv = ["hdiutil", "attach", "-plist", "-noverify", "-noautoopen"]
    argv += ["-owners", "on"] if mount else ["-nomount"]
    return [*argv, str(path)]


def detach_argv(device: str) -> list[str]:
    return ["hdiutil", "detach", "-force", device]


@dataclass(frozen=True)
class Attached:
    whole: str  # /dev/diskN
    mount_point: str | None

    @property
    def ident(self) -> str:
        return self.whole.removeprefix("/dev/")


def parse_attach(text: str) -> Attached:
    entities = plistlib.loads(text.encode())["system-entities"]
    wholes = [e["dev-entry"] for e in entities if _WHOLE.match(e["dev-entry"])]
    mounts = [e["mount-point"] for e in entities if e.get("mount-point")]
    if not wholes:
        raise SsdmigrateError(f"hdiutil attach named no whole disk: {entities!r}")
    return Attached(wholes[0], mounts[0] if mounts else None)


@dataclass
class Lab:
    """Creates and attaches images; `close()` undoes it all, in reverse order."""

    runner: Runner
    folder: Path
    made: list[Path] = field(default_factory=list)
    attached: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def image(self, spec: ImageSpec, *, mount: bool) -> Attached:
        path = self.folder / spec.file_name()
        self.runner.run(spec.create_argv(self.folder / spec.name.replace(" ", "-")))
        self.made.append(path)
        result = self.runner.run(attach_argv(path, mount=mount))
        found = parse_attach(result.stdout)
        self.attached.append(found.whole)
        return found

    def close(self) -> list[str]:
        """Detach newest first, then delete; report what could not be undone."""
        for device in reversed(self.attached):
            self._try(
                lambda d=device: self.runner.run(detach_argv(d)), f"detach {device}"
            )
        self.attached.clear()
        for path in reversed(self.made):
            self._try(lambda p=path: p.unlink(missing_ok=True), f"delete {path}")
        self.made.clear()
        return self.problems

    def _try(self, action: Callable[[], object], what: str) -> None:
        try:
            action()
        except (SsdmigrateError, OSError) as exc:
            self.problems.append(f"{what}: {exc}")

    def __enter__(self) -> Lab:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
