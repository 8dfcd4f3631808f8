"""What discovery finds: the Mac, its disks and the boot volume, as immutable facts.

Sizes are bytes. A fact the tools did not give is None ("unknown"), never a
guess: an unknown attribute makes a disk unsafe to erase.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Partition and container content types, as `diskutil list -plist` prints them.
APFS_CONTAINER = "EF57347C-0000-11AA-AA11-00306543ECAC"
APFS_VOLUME = "41504653-0000-11AA-AA11-00306543ECAC"
PHYSICAL_BUSES = {"SATA", "USB", "Thunderbolt", "PCI", "PCI-Express", "FireWire"}


@dataclass(frozen=True)
class Identity:
    """The facts that tell one disk from another when its number changes."""

    media_name: str | None
    size: int | None
    bus: str | None
    serial: str | None = None
    device_tree_path: str | None = None
    partition_uuids: tuple[str, ...] = ()

    def differences(self, other: Identity) -> list[str]:
        """What differs, ignoring facts one side does not know."""
        found = []
        for name in ("media_name", "size", "bus", "serial", "device_tree_path"):
            mine, theirs = getattr(self, name), getattr(other, name)
            if mine is not None and theirs is not None and mine != theirs:
                found.append(f"{name}: {mine!r} became {theirs!r}")
        if self.partition_uuids and other.partition_uuids != self.partition_uuids:
            found.append("the partitions' UUIDs changed")
        return found

    def to_json(self) -> dict[str, Any]:
        return {
            "media_name": self.media_name,
            "size": self.size,
            "bus": self.bus,
            "serial": self.serial,
            "device_tree_path": self.device_tree_path,
            "partition_uuids": list(self.partition_uuids),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Identity:
        return cls(
            media_name=data.get("media_name"),
            size=data.get("size"),
            bus=data.get("bus"),
            serial=data.get("serial"),
            device_tree_path=data.get("device_tree_path"),
            partition_uuids=tuple(data.get("partition_uuids") or ()),
        )


@dataclass(frozen=True)
class Partition:
    id: str
    content: str | None
    size: int | None
    name: str | None
    mount_point: str | None
    volume_uuid: str | None = None
    disk_uuid: str | None = None
    filesystem: str | None = None  # FilesystemName, e.g. "Journaled HFS+"
    free: int | None = None

    @property
    def used(self) -> int | None:
        if self.size is None or self.free is None or not self.mount_point:
            return None
        return self.size - self.free

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "content": self.content,
            "size": self.size,
            "name": self.name,
            "mount_point": self.mount_point,
            "filesystem": self.filesystem,
            "volume_uuid": self.volume_uuid,
            "used": self.used,
        }


@dataclass(frozen=True)
class Disk:
    """A whole disk: a physical drive, an APFS container, a CoreStorage volume..."""

    id: str
    size: int | None
    kind: str  # physical | apfs-container | corestorage | image | unknown
    internal: bool | None
    solid_state: bool | None
    bus: str | None
    scheme: str | None  # Content of the whole disk: GUID_partition_scheme, ...
    media_name: str | None
    removable: bool | None = None
    writable: bool | None = None
    smart_status: str | None = None
    device_tree_path: str | None = None
    serial: str | None = None
    info_ok: bool = True  # False when `diskutil info` failed for it
    partitions: tuple[Partition, ...] = ()
    backing: tuple[str, ...] = ()  # partitions this virtual disk lives on

    @property
    def physical(self) -> bool:
        return self.kind == "physical"

    def identity(self) -> Identity:
        return Identity(
            media_name=self.media_name,
            size=self.size,
            bus=self.bus,
            serial=self.serial,
            device_tree_path=self.device_tree_path,
            partition_uuids=tuple(p.disk_uuid for p in self.partitions if p.disk_uuid),
        )

    def partition(self, ident: str) -> Partition | None:
        return next((p for p in self.partitions if p.id == ident), None)


@dataclass(frozen=True)
class ApfsVolume:
    id: str
    name: str | None
    roles: tuple[str, ...]
    uuid: str | None
    used: int | None
    mount_point: str | None = None
    encrypted: bool | None = None


@dataclass(frozen=True)
class ApfsContainer:
    ref: str
    uuid: str | None
    physical_stores: tuple[str, ...]
    capacity: int | None
    free: int | None
    volumes: tuple[ApfsVolume, ...] = ()

    def role_volume(self, role: str) -> ApfsVolume | None:
        return next((v for v in self.volumes if role in v.roles), None)


@dataclass(frozen=True)
class Media:
    """What system_profiler says of a drive that diskutil does not."""

    bsd_name: str
    medium_type: str | None = None  # "Solid State" or "Rotational"
    trim: bool | None = None
    serial: str | None = None
    link_speed: str | None = None  # e.g. "Up to 480 Mb/sec" (USB 2.0)
    model: str | None = None


@dataclass(frozen=True)
class Power:
    source: str | None  # "ac" | "battery" | None (unknown)
    percent: int | None = None


@dataclass(frozen=True)
class Machine:
    model: str | None
    os_name: str | None
    os_version: str | None
    os_build: str | None
    filevault: bool | None
    power: Power = field(default_factory=lambda: Power(None))


@dataclass(frozen=True)
class Boot:
    """The running system's volume and every physical disk it stands on."""

    volume: str | None  # device identifier of the volume mounted at /
    disks: tuple[str, ...] = ()  # physical whole disks behind it
    filesystem: str | None = None
    name: str | None = None
    uuid: str | None = None
    size: int | None = None
    used: int | None = None
    recovery: str | None = None  # Recovery HD partition or APFS Recovery volume
    recovery_kind: str | None = None  # "partition" | "apfs-volume"
    recovery_size: int | None = None
    corestorage: bool = False
    encrypted: bool | None = None
    container: str | None = None  # APFS container reference
    partition: str | None = None  # the partition that holds it (HFS+ direct)


@dataclass(frozen=True)
class Snapshot:
    machine: Machine
    disks: tuple[Disk, ...]
    boot: Boot
    containers: tuple[ApfsContainer, ...] = ()
    media: tuple[Media, ...] = ()
    notes: tuple[str, ...] = ()

    def disk(self, ident: str) -> Disk | None:
        return next((d for d in self.disks if d.id == ident), None)

    def media_for(self, ident: str) -> Media | None:
        return next((m for m in self.media if m.bsd_name == ident), None)

    def owner_of(self, ident: str) -> Disk | None:
        """The whole disk a partition identifier belongs to."""
        for disk in self.disks:
            if disk.id == ident or disk.partition(ident) is not None:
                return disk
        return None
