"""Finding the confirmed disk again, and the new volumes on it, by identity.

Disk numbers are handed out afresh when a disk is plugged in again
(diskutil(8) warns against relying on them), so the run keeps what identifies
the disk (media name, size, bus, serial, device path, partition UUIDs) and
the new partitions' UUIDs, and turns them back into today's identifiers right
before each step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ssdmigrate.errors import Refused
from ssdmigrate.model import Disk, Identity, Partition, Snapshot
from ssdmigrate.plan_model import Plan
from ssdmigrate.sizes import human


class IdentityChanged(Refused):
    """The disk at the confirmed identifier is not the disk the owner confirmed."""


class TargetGone(Refused):
    """The confirmed disk is not connected."""


def describe(identity: Identity) -> str:
    return f"the {identity.media_name or 'disk'} {human(identity.size)}"


def check(snapshot: Snapshot, ident: str, confirmed: Identity) -> Disk:
    """The disk at `ident`, if it still is the confirmed one; otherwise stop."""
    disk = snapshot.disk(ident)
    if disk is None:
        raise TargetGone(
            f"{ident} ({describe(confirmed)}) is not connected any more",
            remedy="Plug it back in, then run: ssdmigrate resume",
        )
    changed = confirmed.differences(disk.identity())
    if changed or not disk.info_ok:
        raise IdentityChanged(
            f"{ident} is no longer {describe(confirmed)} you confirmed "
            f"({'; '.join(changed) or 'its details could not be read'}); "
            "nothing was written to it",
            remedy="Check which disk is which (ssdmigrate disks), then run "
            "ssdmigrate resume: it finds the confirmed disk by its identity.",
        )
    return disk


def locate(snapshot: Snapshot, ident: str, confirmed: Identity) -> Disk:
    """The confirmed disk wherever it is now, by identity, never by number alone."""
    matches = [
        d
        for d in snapshot.disks
        if d.info_ok
        and d.physical
        and not confirmed.differences(d.identity())
        and _strong_match(confirmed, d.identity())
    ]
    here = [d for d in matches if d.id == ident]
    if here:
        return here[0]
    if len(matches) == 1:
        return matches[0]
    return check(snapshot, ident, confirmed)  # raises with the right message


def _strong_match(confirmed: Identity, now: Identity) -> bool:
    """A serial number or device path must agree, not just name and size."""
    return bool(
        (confirmed.serial and confirmed.serial == now.serial)
        or (
            confirmed.device_tree_path
            and confirmed.device_tree_path == now.device_tree_path
        )
    )


@dataclass
class Names:
    """Predicted identifiers and mount points in a plan's argv, and today's."""

    mapping: dict[str, str] = field(default_factory=dict)

    def rewrite(self, argv: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(self._one(arg) for arg in argv)

    def _one(self, arg: str) -> str:
        for old in sorted(self.mapping, key=len, reverse=True):
            new = self.mapping[old]
            for prefix in ("", "/dev/", "/dev/r"):
                if arg == prefix + old:
                    return prefix + new
            if old.startswith("/") and arg.startswith(old + "/"):
                return new + arg[len(old) :]
        return arg


def new_partitions(disk: Disk, plan: Plan) -> dict[str, Partition]:
    """The main volume and the Recovery HD partition as they are on the disk now."""
    found: dict[str, Partition] = {}
    main = next(
        (
            p
            for p in disk.partitions
            if p.name == plan.new_volume_name
            and p.content in ("Apple_HFS", "Apple_APFS")
        ),
        None,
    )
    if main is not None:
        found["main"] = main
    recovery = disk.partitions[-1] if disk.partitions else None
    if recovery is not None and recovery.name == "Recovery HD" and recovery is not main:
        found["recovery"] = recovery
    return found


def predicted(plan: Plan) -> dict[str, str]:
    """Role -> the identifier the plan predicted (disk1s2, disk1s3)."""
    return {s.role: s.id for s in plan.after if s.role in ("main", "recovery")}


def apfs_main(snapshot: Snapshot, disk: Disk) -> Partition | None:
    """The system volume in the APFS container on `disk`: the container is found
    through its physical store, a partition of the disk, and the volume is the
    one without a Preboot, Recovery or VM role."""
    stores = {p.id for p in disk.partitions if p.content == "Apple_APFS"}
    container = next(
        (c for c in snapshot.containers if stores & set(c.physical_stores)), None
    )
    holder = snapshot.disk(container.ref) if container else None
    if container is None or holder is None:
        return None
    system = [v for v in container.volumes if not set(v.roles) - {"System"}]
    return holder.partition(system[0].id) if system else None


def apfs_roles(snapshot: Snapshot, disk: Disk) -> set[str]:
    """The roles of the volumes in the APFS container on `disk`."""
    stores = {p.id for p in disk.partitions if p.content == "Apple_APFS"}
    return {
        r
        for c in snapshot.containers
        if stores & set(c.physical_stores)
        for v in c.volumes
        for r in v.roles
    }
