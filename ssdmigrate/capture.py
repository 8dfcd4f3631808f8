"""Record what discovery saw as a replay bundle, optionally with identities masked."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from ssdmigrate import replay
from ssdmigrate.adapters import diskutil
from ssdmigrate.discovery import discover
from ssdmigrate.model import Snapshot
from ssdmigrate.runner import Result, Runner

# Read-only commands the planner asks besides discovery, so that `plan` can
# run on a bundle too.
EXTRA = [["tmutil", "latestbackup"], ["tmutil", "destinationinfo"]]

_UUID = re.compile(
    r"\b[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\b"
)


def record(runner: Runner) -> Snapshot:
    """Run every read-only command the tool relies on; the runner keeps them all."""
    snapshot = discover(runner)
    listed = {r.argv for r in runner.history}
    for ident in _all_disks(runner.history):
        argv = ["diskutil", "info", "-plist", ident]
        if tuple(argv) not in listed:
            runner.run(argv, check=False)
    for argv in EXTRA + _lsof_calls(snapshot):
        runner.run(argv, check=False)
    return snapshot


def _all_disks(history: Iterable[Result]) -> list[str]:
    for result in history:
        if result.argv[1:] == ("list", "-plist") and result.ok:
            return list(diskutil.parse_list(result.stdout).all_disks)
    return []


def _lsof_calls(snapshot: Snapshot) -> list[list[str]]:
    mounts = [
        p.mount_point
        for d in snapshot.disks
        for p in d.partitions
        if p.mount_point and p.mount_point != "/" and not d.internal
    ]
    return [["lsof", "-Fpcn", m] for m in mounts if m]


class Redactor:
    """Masks UUIDs and serial numbers, the same value always by the same mask."""

    def __init__(self, serials: Iterable[str]) -> None:
        self.serials = sorted(
            {s for s in serials if len(s) >= 4}, key=len, reverse=True
        )

    def _uuid(self, match: re.Match[str]) -> str:
        digest = hashlib.sha256(match.group(0).upper().encode()).hexdigest()[:32]
        return "-".join(
            [digest[:8], digest[8:12], digest[12:16], digest[16:20], digest[20:32]]
        ).upper()

    def text(self, text: str) -> str:
        text = _UUID.sub(self._uuid, text)
        for number, serial in enumerate(self.serials, 1):
            text = text.replace(serial, f"SERIAL{number:04d}")
        return text

    def result(self, result: Result) -> Result:
        return replace(
            result, stdout=self.text(result.stdout), stderr=self.text(result.stderr)
        )


def write(folder: Path, runner: Runner, snapshot: Snapshot, redact: bool) -> Path:
    results = list(runner.history)
    if redact:
        redactor = Redactor(m.serial for m in snapshot.media if m.serial)
        results = [redactor.result(r) for r in results]
    return replay.write_bundle(folder, results)
