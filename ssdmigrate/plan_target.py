"""Which disk may be erased: the refusals, the candidates, and the choice.

The rules follow how careful disk writers refuse the wrong disk (the UX
reference, 1.2-1.3): never the boot disk or any physical disk behind the boot
volume, never an internal, virtual or read-only disk, never a disk whose
attributes could not be read, and never a large disk picked silently.
"""

from __future__ import annotations

from dataclasses import dataclass

from ssdmigrate.findings import Finding, fail, ok
from ssdmigrate.model import Disk, Snapshot
from ssdmigrate.plan_model import Candidate
from ssdmigrate.sizes import human

# balenaEtcher flags drives over 128 GB as "large" (etcher's drive-constraints,
# LARGE_DRIVE_SIZE = 128e9): such a disk is likely someone's data disk, so it
# is only ever erased when named on the command line.
LARGE_DISK = 128 * 10**9

_KIND_NAMES = {
    "apfs-container": "an APFS container (a virtual disk made of partitions)",
    "corestorage": "a CoreStorage volume (a virtual disk made of partitions)",
    "image": "a disk image",
}


@dataclass(frozen=True)
class Choice:
    disk: Disk | None
    findings: tuple[Finding, ...]
    candidates: tuple[Candidate, ...]


def describe(disk: Disk) -> str:
    """`disk1 (OWC Mercury Extreme Pro SSD, 120.0 GB)`."""
    return f"{disk.id} ({disk.media_name or 'unnamed disk'}, {human(disk.size)})"


def boot_disk_ids(snapshot: Snapshot) -> set[str]:
    """Every whole disk the running system stands on, virtual and physical."""
    found = set(snapshot.boot.disks)
    if snapshot.boot.volume:
        owner = snapshot.owner_of(snapshot.boot.volume)
        if owner is not None:
            found.add(owner.id)
    return found


def problems(
    snapshot: Snapshot, disk: Disk, *, allow_image: bool = False
) -> list[Finding]:
    """Why this whole disk must not be erased; empty when it may be.

    `allow_image` lets a disk image stand in for a drive: only the real-Mac
    test suite asks for it, never the owner.
    """
    found = _boot_problems(snapshot, disk)
    if not (allow_image and disk.kind == "image"):
        found += _kind_problems(disk)
    found += _attribute_problems(disk)
    return found


def _boot_problems(snapshot: Snapshot, disk: Disk) -> list[Finding]:
    boot = snapshot.boot
    if boot.volume is None or not boot.disks:
        return [
            fail(
                "boot-disk-unknown",
                "Could not tell which disk this Mac is running from, so no disk "
                "can be erased safely.",
                "Run `ssdmigrate disks -v` and report what it shows.",
            )
        ]
    if disk.id not in boot_disk_ids(snapshot):
        return []
    return [
        fail(
            "target-is-boot",
            f"{describe(disk)} holds {boot.name or boot.volume}, the volume this "
            "Mac is running from; it is never erased.",
            "Choose the external SSD: `ssdmigrate disks` lists the disks.",
        )
    ]


def _kind_problems(disk: Disk) -> list[Finding]:
    if disk.physical:
        return []
    what = _KIND_NAMES.get(disk.kind, "not a physical drive (its kind is unknown)")
    return [
        fail(
            "target-virtual",
            f"{describe(disk)} is {what}, not a drive that can be partitioned.",
            "Name the physical external disk, e.g. --target disk1.",
        )
    ]


def _attribute_problems(disk: Disk) -> list[Finding]:
    if not disk.info_ok or None in (disk.internal, disk.size, disk.bus):
        return [
            fail(
                "target-unknown",
                f"Could not read all of {describe(disk)}'s attributes (internal or "
                "external, size, connection), so it cannot be shown to be safe.",
                "Reconnect the disk directly to the Mac, then plan again.",
            )
        ]
    found = []
    if disk.internal:
        found.append(
            fail(
                "target-internal",
                f"{describe(disk)} is an internal disk; only an external disk is "
                "erased.",
                "Put the new SSD in a USB enclosure and name it with --target.",
            )
        )
    if disk.writable is False:
        found.append(
            fail(
                "target-read-only",
                f"{describe(disk)} is read-only.",
                "Check the enclosure's write-protect switch, or use another one.",
            )
        )
    return found


def candidates(snapshot: Snapshot) -> tuple[Disk, ...]:
    return tuple(d for d in snapshot.disks if d.physical and not problems(snapshot, d))


def choose(
    snapshot: Snapshot, wanted: str | None, *, allow_image: bool = False
) -> Choice:
    """The disk to erase: the one named, or the only safe small one."""
    listed = tuple(_candidate(d) for d in candidates(snapshot))
    if wanted is not None:
        return _named(snapshot, wanted, listed, allow_image)
    return _automatic(snapshot, listed)


def _candidate(disk: Disk) -> Candidate:
    return Candidate(disk.id, disk.media_name, disk.size, disk.bus)


def _named(
    snapshot: Snapshot, wanted: str, listed: tuple[Candidate, ...], allow_image: bool
) -> Choice:
    ident = wanted[len("/dev/") :] if wanted.startswith("/dev/") else wanted
    disk = snapshot.disk(ident)
    if disk is None:
        return Choice(None, (_missing(snapshot, ident),), listed)

    found = problems(snapshot, disk, allow_image=allow_image)
    if found:
        return Choice(None, tuple(found), listed)
    return Choice(disk, (ok("target", f"{describe(disk)} may be erased."),), listed)


def _missing(snapshot: Snapshot, ident: str) -> Finding:
    owner = snapshot.owner_of(ident)
    if owner is not None:
        return fail(
            "target-not-whole-disk",
            f"{ident} is a partition of {describe(owner)}; the whole disk is "
            "erased, so name the whole disk.",
            f"If {owner.id} is the new SSD, use --target {owner.id}.",
        )
    return fail(
        "target-missing",
        f"There is no disk {ident}.",
        "`ssdmigrate disks` lists the disks; disk numbers change when a disk is "
        "plugged in again.",
    )


def _automatic(snapshot: Snapshot, listed: tuple[Candidate, ...]) -> Choice:
    if not listed:
        return Choice(None, (_none_found(),), listed)
    if len(listed) > 1:
        return Choice(None, (_several(listed),), listed)

    disk = snapshot.disk(listed[0].id)
    assert disk is not None and disk.size is not None  # a candidate has a size
    if disk.size > LARGE_DISK:
        return Choice(None, (_large(disk),), listed)
    return Choice(disk, (_proposed(disk),), listed)


def _none_found() -> Finding:
    return fail(
        "target-none",
        "No external disk that could be erased is connected.",
        "Connect the new SSD in its USB enclosure, then plan again.",
    )


def _several(listed: tuple[Candidate, ...]) -> Finding:
    names = "; ".join(f"{c.id} ({c.media_name}, {human(c.size)})" for c in listed)
    return fail(
        "target-choose",
        f"{len(listed)} external disks could be erased: {names}.",
        f"Say which one with --target, e.g. ssdmigrate plan --target {listed[0].id}",
    )


def _large(disk: Disk) -> Finding:
    return fail(
        "target-confirm",
        f"{describe(disk)} is the only external disk, but it is larger than "
        f"{human(LARGE_DISK)}; a disk that size is never chosen without being named.",
        f"If it is the new SSD: ssdmigrate plan --target {disk.id}",
    )


def _proposed(disk: Disk) -> Finding:
    return ok(
        "target",
        f"{describe(disk)} is the only external disk, so it is proposed.",
        f"Name it to confirm: --target {disk.id}",
    )
