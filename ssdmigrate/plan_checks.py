"""The preflight checks of the chosen disk, the backup, and the copy's space and speed.

Each check gives one finding, `ok` when it passes, so the plan shows every
check made. An unknown fact never passes silently: it is a `warn` or `fail`.
"""

from __future__ import annotations

from datetime import timedelta

from ssdmigrate import estimate
from ssdmigrate.findings import Finding, fail, ok, warn
from ssdmigrate.model import Disk, Partition, Snapshot
from ssdmigrate.plan_facts import OpenFile, PlanFacts
from ssdmigrate.plan_target import describe
from ssdmigrate.sizes import gb, human

BACKUP_AGE = timedelta(days=7)
MARGIN = 0.10  # room on the new volume beyond what is in use now


def target_contents(disk: Disk) -> list[Finding]:
    """Name every volume the erase will destroy, with its size and use."""
    volumes = [p for p in disk.partitions if p.content != "EFI"]
    if not volumes:
        return [ok("target-empty", f"{describe(disk)} holds no volumes.")]
    return [_will_erase(disk, p) for p in volumes]


def _will_erase(disk: Disk, part: Partition) -> Finding:
    use = f"{human(part.used)} used" if part.used is not None else "use unknown"
    where = f", mounted at {part.mount_point}" if part.mount_point else ""
    return warn(
        "target-has-data",
        f'{part.id} "{part.name or "untitled"}" on {disk.id} ({human(part.size)}, '
        f"{use}{where}) will be erased.",
        "Copy anything you need from it first; the erase cannot be undone.",
    )


def open_files(disk: Disk, facts: PlanFacts) -> list[Finding]:
    """A mounted volume in use cannot be unmounted, so the erase would fail."""
    found = []
    for part in disk.partitions:
        if part.mount_point:
            users = facts.open_files.get(part.mount_point)
            found += _busy(part, users, part.mount_point in facts.open_files)
    return found


def _busy(
    part: Partition, users: tuple[OpenFile, ...] | None, asked: bool
) -> list[Finding]:
    if asked and users == ():
        return []
    if users is None:
        return [
            warn(
                "target-open-files-unknown",
                f"Could not check whether files on {part.mount_point} are open.",
                "Quit the apps that use it; the run stops if it cannot unmount it.",
            )
        ]
    names = sorted({f"{u.command} (pid {u.pid})" for u in users})
    return [
        fail(
            "target-in-use",
            f"{', '.join(names)} {'has' if len(names) == 1 else 'have'} files "
            f"open on {part.mount_point}.",
            "Quit them (or eject the volume in Finder and reconnect), then plan again.",
        )
    ]


def time_machine(disk: Disk, facts: PlanFacts) -> list[Finding]:
    if facts.tm_destinations is None:
        return [
            warn(
                "tm-destinations-unknown",
                "Could not read the Time Machine destinations, so it is not known "
                f"whether {disk.id} holds your backups.",
                "Run `tmutil destinationinfo`; never erase the backup disk.",
            )
        ]
    hit = [p for p in disk.partitions if p.mount_point in facts.tm_destinations]
    if not hit:
        return []
    return [
        fail(
            "target-is-backup",
            f"{hit[0].mount_point} on {describe(disk)} is a Time Machine backup disk.",
            "Use a different disk; erasing it would destroy your backups.",
        )
    ]


def backup(facts: PlanFacts) -> Finding:
    status = facts.latest_backup
    remedy = "Make a Time Machine backup first (Back Up Now in the Time Machine menu)."
    if not status.known:
        return warn(
            "backup-unknown",
            f"Could not tell when the last Time Machine backup was: {status.detail}",
            remedy,
        )
    if status.latest is None:
        return warn(
            "backup-none", "There is no Time Machine backup of this Mac.", remedy
        )

    age = facts.now - status.latest
    when = status.latest.strftime("%Y-%m-%d %H:%M")
    if age > BACKUP_AGE:
        return warn(
            "backup-old",
            f"The last Time Machine backup is from {when}, {age.days} days ago.",
            remedy,
        )
    return ok("backup", f"The last Time Machine backup is from {when}.")


def space(disk: Disk, used: int | None, capacity: int, extra: str) -> Finding:
    """used + 10% must fit in what the new main volume will hold."""
    if used is None:
        return fail(
            "space-unknown",
            "Could not tell how much of the boot volume is in use, so it is not "
            "known whether the copy fits.",
            "Run `ssdmigrate disks -v` and report what it shows.",
        )
    need = int(used * (1 + MARGIN))
    said = (
        f"{gb(used)} is in use; with a 10% margin the copy needs {gb(need)}, and "
        f"{describe(disk)} leaves {gb(capacity)} for it{extra}."
    )
    if need > capacity:
        return fail(
            "target-too-small",
            said,
            "Use a larger SSD, or move files off the Mac (to another disk) first.",
        )
    return ok("space", said)


def solid_state(disk: Disk, snapshot: Snapshot) -> Finding:
    ssd = target_solid_state(disk, snapshot)
    if ssd is None:
        return warn(
            "target-media-unknown",
            f"Could not tell whether {describe(disk)} is an SSD.",
            "Check the enclosure's label; a hard disk works but is slower.",
        )
    if not ssd:
        return warn(
            "target-rotational",
            f"{describe(disk)} is a spinning hard disk, not an SSD.",
            "That works, but the Mac will not get faster; check it is the right disk.",
        )
    return ok("target-ssd", f"{describe(disk)} is an SSD.")


def target_solid_state(disk: Disk, snapshot: Snapshot) -> bool | None:
    if disk.solid_state is not None:
        return disk.solid_state
    media = snapshot.media_for(disk.id)
    if media is None or media.medium_type is None:
        return None
    return media.medium_type == "Solid State"


def link(disk: Disk, snapshot: Snapshot, clone_seconds: int) -> Finding:
    media = snapshot.media_for(disk.id)
    speed = media.link_speed if media else None
    if estimate.is_usb2(speed):
        return warn(
            "target-usb2",
            f"{disk.id} is connected over USB 2.0 ({speed}); copying takes about "
            f"{estimate.duration(clone_seconds)} at about 35 MB/s.",
            "That is fine, only slow; a USB 3 enclosure or port would be faster.",
        )
    shown = f" ({speed})" if speed else ""
    return ok("target-link", f"{disk.id} is connected over {disk.bus}{shown}.")
