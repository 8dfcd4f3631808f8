"""After the swap: is this Mac running from the clone, and what is left to do?

Run on the Mac once it has started from the SSD. It reads the journal of the
run that made the clone (the run wrote its final copy onto the clone, since
after the swap the clone is the system disk), and checks by UUID that the
running system is that clone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ssdmigrate import findings as f
from ssdmigrate.findings import Finding
from ssdmigrate.journal import Journal
from ssdmigrate.model import Disk, Snapshot

SCHEMA = "ssdmigrate.finish/1"


@dataclass
class Finish:
    findings: list[Finding] = field(default_factory=list)
    todo: list[Finding] = field(default_factory=list)
    trim_needed: bool = False

    @property
    def on_clone(self) -> bool:
        return any(x.code == "booted-clone" and x.level == "ok" for x in self.findings)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "booted_from_clone": self.on_clone,
            "findings": [x.to_json() for x in self.findings + self.todo],
        }


def check(snapshot: Snapshot, journal: Journal | None) -> Finish:
    result = Finish()
    if journal is None:
        result.findings.append(
            f.fail(
                "no-run",
                "No ssdmigrate run is recorded on this Mac.",
                "Run ssdmigrate run first.",
            )
        )
        return result
    booted = _booted(snapshot, journal)
    result.findings.append(booted)
    if booted.level != "ok":
        return result
    result.findings.append(_recovery(snapshot))
    trim = _trim(snapshot)
    result.trim_needed = trim.code == "trim-off"
    result.findings.append(trim)
    result.todo.extend(_left_to_do(journal))
    return result


def _booted(snapshot: Snapshot, journal: Journal) -> Finding:
    clone = journal.data["resolved"].get("main")
    boot = snapshot.boot
    part = next(
        (p for d in snapshot.disks for p in d.partitions if p.id == boot.volume), None
    )
    plan = journal.plan()
    if part is not None and clone and part.disk_uuid == clone:
        disk = snapshot.disk(boot.disks[0]) if boot.disks else None
        where = "inside the Mac" if disk and disk.internal else "in its enclosure"
        return f.ok(
            "booted-clone",
            f'This Mac is running from the clone "{boot.name}" '
            f"({boot.volume}), {where}.",
        )
    ssd = _ssd_disk(snapshot, journal)
    if ssd is not None and ssd.internal:
        return f.warn(
            "booted-old-disk",
            f'This Mac started from "{boot.name}", not '
            f'from the clone "{plan.new_volume_name}".',
            "Choose the SSD in System Preferences > Startup Disk (or hold "
            "Option at start-up and pick it), restart, then run finish again.",
        )
    where = "is still in its enclosure" if ssd is not None else "is not connected"
    return f.warn(
        "not-swapped",
        f'This Mac is still running from "{boot.name}"; the '
        f"SSD with the clone {where}.",
        "Swap the drive (ssdmigrate checklist walk), start up from it, then "
        "run ssdmigrate finish.",
    )


def _ssd_disk(snapshot: Snapshot, journal: Journal) -> Disk | None:
    """The disk holding the clone, wherever it is now."""
    clone = journal.data["resolved"].get("main")
    return next(
        (
            d
            for d in snapshot.disks
            for p in d.partitions
            if clone and p.disk_uuid == clone
        ),
        None,
    )


def _recovery(snapshot: Snapshot) -> Finding:
    boot = snapshot.boot
    if boot.recovery_kind == "apfs-volume":
        return f.ok(
            "recovery", "The Recovery volume is in the startup disk's container."
        )
    if boot.recovery_kind == "partition":
        return f.ok(
            "recovery",
            f"The Recovery HD ({boot.recovery}) is an Apple_Boot "
            "partition: Command-R at start-up works.",
        )
    return f.warn(
        "recovery",
        "No Recovery HD was found on the startup disk.",
        "Run ssdmigrate validate --target on the SSD; without it, macOS "
        "Recovery comes over the internet (Option-Command-R).",
    )


def _trim(snapshot: Snapshot) -> Finding:
    disk_id = snapshot.boot.disks[0] if snapshot.boot.disks else None
    media = snapshot.media_for(disk_id) if disk_id else None
    disk = snapshot.disk(disk_id) if disk_id else None
    if media is None or media.trim is None or disk is None:
        return f.warn(
            "trim-unknown",
            "TRIM support could not be read.",
            "Look in System Information > SATA/SATA Express.",
        )
    if media.trim:
        return f.ok("trim", f"TRIM is on for {media.model or disk_id}.")
    if not disk.solid_state:
        return f.ok(
            "trim", f"{media.model or disk_id} is not an SSD; TRIM does not apply."
        )
    # trimforce(8): macOS sends TRIM only to Apple's own SSDs until it is run
    # (OS X 10.10.4 and later); it asks for confirmation and restarts the Mac.
    return f.warn(
        "trim-off",
        f"TRIM is off for {media.model or disk_id}, a third-party "
        "SSD: it stays fast longer with TRIM on.",
        "sudo trimforce enable (it asks its own question, then restarts the Mac)",
    )


def _left_to_do(journal: Journal) -> list[Finding]:
    plan = journal.plan()
    filevault = any(x.code == "filevault-on" for x in plan.findings)
    todo = [
        f.warn(
            "startup-disk",
            "Make the SSD the startup disk for good.",
            "System Preferences > Startup Disk: choose it (or: sudo bless --mount / "
            "--setBoot).",
        ),
        f.warn(
            "time-machine",
            "Time Machine sees a new disk.",
            "Open Time Machine and let it back up; it may offer to reuse the old "
            "backups, or start a full one.",
        ),
        f.warn(
            "apps-sign-in",
            "Some apps tie themselves to the disk they run from.",
            "Sign in again to Dropbox, Microsoft Office and Adobe apps if they ask.",
        ),
        f.warn(
            "keep-old-drive",
            "Keep the old drive as it is for a few weeks.",
            "It still starts this Mac: put it in the enclosure and hold Option at "
            "start-up to choose it.",
        ),
    ]
    if filevault:
        todo.insert(
            1,
            f.warn(
                "filevault",
                "FileVault was on before the move; the clone is not encrypted.",
                "System Preferences > Security & "
                "Privacy > FileVault: turn it on again.",
            ),
        )
    return todo
