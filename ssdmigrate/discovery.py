"""Discovery: ask the Mac (through the runner) what disks it has and what boots.

Read-only. Starts from `diskutil list -plist`, asks `diskutil info -plist` of
every disk and volume, `diskutil apfs list -plist` where containers exist,
then the machine facts. A disk whose details cannot be read stays listed with
its unknowns as None, and so can never pass as a safe target.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TypeVar

from ssdmigrate.adapters import diskutil, sysinfo
from ssdmigrate.adapters.diskutil import ListedDisk, ListedVolume, Listing
from ssdmigrate.errors import ParseError, SsdmigrateError
from ssdmigrate.model import (
    APFS_CONTAINER,
    PHYSICAL_BUSES,
    ApfsContainer,
    Boot,
    Disk,
    Machine,
    Media,
    Partition,
    Power,
    Snapshot,
)
from ssdmigrate.plists import Reader
from ssdmigrate.runner import Runner

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class _Found:
    """What the commands answered, before it is assembled into a Snapshot."""

    listing: Listing
    infos: dict[str, Reader | None]
    containers: tuple[ApfsContainer, ...]
    notes: list[str] = field(default_factory=list)


def discover(runner: Runner) -> Snapshot:
    found, media, disks = _read_disks(runner)
    boot = find_boot(disks, found.infos, found.containers)
    if boot.volume is None:
        found.notes.append(
            "no volume is mounted at /: this is not the running Mac's view"
        )
    return Snapshot(
        machine=machine_facts(runner, found.notes),
        disks=disks,
        boot=boot,
        containers=found.containers,
        media=media,
        notes=tuple(found.notes),
    )


def describe_volume(runner: Runner, mount_point: str) -> Boot:
    """What discovery tells of the boot volume, for another mounted volume (a
    system that is not running, such as the real-Mac suite's source image)."""
    found, _, disks = _read_disks(runner)
    return find_boot(disks, found.infos, found.containers, mount_point)


def _read_disks(runner: Runner) -> tuple[_Found, tuple[Media, ...], tuple[Disk, ...]]:
    listing = diskutil.parse_list(runner.run(diskutil.list_argv()).stdout)
    notes: list[str] = []
    infos = {ident: _info(runner, ident, notes) for ident in _wanted(listing)}
    containers = _containers(runner, listing, notes)
    found = _Found(listing, infos, containers, notes)
    media = _media(runner, notes)
    disks = tuple(_with_serial(_disk(entry, found), media) for entry in listing.disks)
    return found, media, disks


def _with_serial(disk: Disk, media: tuple[Media, ...]) -> Disk:
    """diskutil does not print serial numbers; system_profiler does."""
    match = next((m for m in media if m.bsd_name == disk.id and m.serial), None)
    return replace(disk, serial=match.serial) if match else disk


def _wanted(listing: Listing) -> list[str]:
    """Whole disks, partitions and APFS volumes, in listing order, once each."""
    wanted: list[str] = []
    for entry in listing.disks:
        for ident in [entry.id, *[v.id for v in entry.partitions + entry.apfs_volumes]]:
            if ident not in wanted:
                wanted.append(ident)
    return wanted


def _info(runner: Runner, ident: str, notes: list[str]) -> Reader | None:
    result = runner.run(diskutil.info_argv(ident), check=False)
    try:
        if result.returncode != 0 and not result.stdout.strip():
            raise SsdmigrateError(result.stderr.strip() or f"exit {result.returncode}")
        return diskutil.parse_info(result.stdout, ident)
    except SsdmigrateError as exc:
        notes.append(f"{ident}: details unknown ({exc.message})")
        log.warning("%s: details unknown: %s", ident, exc.message)
        return None


def _containers(
    runner: Runner, listing: Listing, notes: list[str]
) -> tuple[ApfsContainer, ...]:
    if not any(_is_container(d) for d in listing.disks):
        return ()
    result = runner.run(diskutil.apfs_list_argv(), check=False)
    try:
        return diskutil.parse_apfs_list(result.stdout)
    except SsdmigrateError as exc:
        notes.append(f"APFS containers unknown ({exc.message})")
        return ()


def _is_container(entry: ListedDisk) -> bool:
    return entry.content == APFS_CONTAINER or bool(entry.apfs_volumes)


def _disk(entry: ListedDisk, found: _Found) -> Disk:
    info = found.infos.get(entry.id)
    get = info if info is not None else Reader({}, entry.id)
    kind = _kind(entry, info)
    return Disk(
        id=entry.id,
        size=get.integer("TotalSize") or get.integer("Size") or entry.size,
        kind=kind,
        internal=get.flag("Internal"),
        solid_state=get.flag("SolidState"),
        bus=get.text("BusProtocol"),
        scheme=entry.content,
        media_name=get.text("MediaName"),
        removable=_removable(get),
        writable=get.flag("WritableMedia"),
        smart_status=get.text("SMARTStatus"),
        device_tree_path=get.text("DeviceTreePath"),
        info_ok=info is not None,
        partitions=_partitions(entry, found),
        backing=_backing(entry, info, found.containers),
    )


def _removable(get: Reader) -> bool | None:
    value = get.flag("RemovableMediaOrExternalDevice")
    return value if value is not None else get.flag("Removable")


def _kind(entry: ListedDisk, info: Reader | None) -> str:
    """physical, apfs-container, corestorage, image or unknown.

    `VirtualOrPhysical` decides where the OS gives it (10.12 and later);
    before that, a physical bus that is not a CoreStorage volume, a container
    or a disk image counts as physical.
    """
    if _is_container(entry):
        return "apfs-container"
    if info is None:
        return "unknown"
    if "CoreStoragePVs" in info.data or "CoreStorageLVUUID" in info.data:
        return "corestorage"
    declared = info.text("VirtualOrPhysical")
    if declared is not None:
        return "physical" if declared == "Physical" else "image"
    if info.text("BusProtocol") in PHYSICAL_BUSES:
        return "physical"
    return "image" if info.text("BusProtocol") else "unknown"


def _partitions(entry: ListedDisk, found: _Found) -> tuple[Partition, ...]:
    listed = list(entry.partitions) + list(entry.apfs_volumes)
    if entry.own_volume is not None:
        listed.insert(0, entry.own_volume)
    return tuple(_partition(v, found.infos.get(v.id)) for v in listed)


def _partition(listed: ListedVolume, info: Reader | None) -> Partition:
    get = info if info is not None else Reader({}, listed.id)
    return Partition(
        id=listed.id,
        content=listed.content or get.text("Content"),
        size=listed.size if listed.size is not None else get.integer("Size"),
        name=listed.name or get.text("VolumeName"),
        mount_point=listed.mount_point or get.text("MountPoint"),
        volume_uuid=listed.volume_uuid or get.text("VolumeUUID"),
        disk_uuid=listed.disk_uuid or get.text("DiskUUID"),
        filesystem=get.text("FilesystemName"),
        free=get.integer("FreeSpace"),
    )


def _backing(
    entry: ListedDisk, info: Reader | None, containers: tuple[ApfsContainer, ...]
) -> tuple[str, ...]:
    """The partitions a virtual disk lives on (APFS stores, CoreStorage PVs)."""
    for container in containers:
        if container.ref == entry.id:
            return container.physical_stores
    if info is None:
        return ()
    return diskutil.apfs_stores(info) or diskutil.corestorage_pvs(info)


def find_boot(
    disks: tuple[Disk, ...],
    infos: dict[str, Reader | None],
    containers: tuple[ApfsContainer, ...],
    mount_point: str = "/",
) -> Boot:
    """The volume mounted at / (or mount_point), and every physical disk behind it."""
    volume, owner = _mounted_at(disks, mount_point)
    if volume is None or owner is None:
        return Boot(volume=None)
    info = infos.get(volume.id) or Reader({}, volume.id)
    container = next((c for c in containers if c.ref == owner.id), None)
    behind = physical_disks_behind(owner, disks)
    recovery, kind, size = _recovery(volume, owner, info, container, disks)
    return Boot(
        volume=volume.id,
        disks=behind,
        filesystem=volume.filesystem,
        name=volume.name,
        uuid=volume.volume_uuid,
        size=volume.size,
        used=_used(volume, container),
        recovery=recovery,
        recovery_kind=kind,
        recovery_size=size,
        corestorage=owner.kind == "corestorage",
        encrypted=_encrypted(info),
        container=container.ref if container else None,
        partition=volume.id if owner.kind == "physical" else None,
    )


def _mounted_at(
    disks: tuple[Disk, ...], mount_point: str
) -> tuple[Partition | None, Disk | None]:
    for disk in disks:
        for part in disk.partitions:
            if part.mount_point == mount_point:
                return part, disk
    return None, None


VIRTUAL_KINDS = {"apfs-container", "corestorage"}


def physical_disks_behind(disk: Disk, disks: tuple[Disk, ...]) -> tuple[str, ...]:
    """Follow APFS stores and CoreStorage PVs down to the whole disks under them.

    A disk whose details are unknown counts as behind the boot volume when a
    store sits on it: when in doubt, a disk is protected, never erased.
    """
    if disk.kind not in VIRTUAL_KINDS:
        return (disk.id,)
    found: list[str] = []
    for part_id in disk.backing:
        owner = next(
            (d for d in disks if d.partition(part_id) or d.id == part_id), None
        )
        if owner is None or owner is disk:
            continue
        for ident in physical_disks_behind(owner, disks):
            if ident not in found:
                found.append(ident)
    return tuple(found)


def _used(volume: Partition, container: ApfsContainer | None) -> int | None:
    if container is not None:
        match = next((v for v in container.volumes if v.id == volume.id), None)
        if match is not None and match.used is not None:
            return match.used
    return volume.used


def _encrypted(info: Reader) -> bool | None:
    for key in ("CoreStorageEncrypted", "FileVault", "Encryption"):
        value = info.data.get(key)
        if isinstance(value, bool):
            return value
    return None


def _recovery(
    volume: Partition,
    owner: Disk,
    info: Reader,
    container: ApfsContainer | None,
    disks: tuple[Disk, ...],
) -> tuple[str | None, str | None, int | None]:
    if container is not None:
        role = container.role_volume("Recovery")
        return (role.id, "apfs-volume", role.used) if role else (None, None, None)
    named = info.text("RecoveryDeviceIdentifier")
    for part in _recovery_candidates(volume, owner, disks, named):
        # Only an Apple_Boot partition is a Recovery HD; a volume that is merely
        # named "Recovery HD" is not (it would not boot as one).
        if part.content == "Apple_Boot":
            return part.id, "partition", part.size
    return None, None, None


def _recovery_candidates(
    volume: Partition, owner: Disk, disks: tuple[Disk, ...], named: str | None
) -> list[Partition]:
    """The partition the OS names, then those after the boot partition on disk."""
    holders = [volume.id, *owner.backing] if owner.kind != "physical" else [volume.id]
    found: list[Partition] = []
    for disk in disks:
        ids = [p.id for p in disk.partitions]
        if named in ids:
            found.insert(0, disk.partitions[ids.index(named)])
        for holder in holders:
            if holder in ids:
                found.extend(disk.partitions[ids.index(holder) + 1 :])
    return found


def machine_facts(runner: Runner, notes: list[str]) -> Machine:
    version = _fact(runner, sysinfo.SW_VERS, sysinfo.parse_sw_vers, notes)
    return Machine(
        model=_fact(runner, sysinfo.HW_MODEL, sysinfo.parse_model, notes),
        os_name=(version or {}).get("ProductName"),
        os_version=(version or {}).get("ProductVersion"),
        os_build=(version or {}).get("BuildVersion"),
        filevault=_fact(runner, sysinfo.FDESETUP, sysinfo.parse_filevault, notes),
        power=_fact(runner, sysinfo.PMSET_BATT, sysinfo.parse_power, notes)
        or Power(None),
    )


def model_identifier(runner: Runner) -> str:
    """This Mac's model identifier, e.g. MacBookPro9,2 (sysctl -n hw.model)."""
    return sysinfo.parse_model(runner.run(sysinfo.HW_MODEL).stdout)


def _media(runner: Runner, notes: list[str]) -> tuple[Media, ...]:
    return _fact(runner, sysinfo.PROFILER, sysinfo.parse_profiler, notes) or ()


def _fact(
    runner: Runner, argv: list[str], parse: Callable[[str], T], notes: list[str]
) -> T | None:
    """One machine fact; a tool that fails or answers oddly leaves it unknown."""
    result = runner.run(argv, check=False)
    if result.returncode != 0:
        notes.append(
            f"{argv[0]} failed (exit {result.returncode}); its facts are unknown"
        )
        return None
    try:
        return parse(result.stdout)
    except ParseError as exc:
        notes.append(exc.message)
        return None
