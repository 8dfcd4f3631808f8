"""diskutil: the argv it takes and what its -plist output means.

Always `-plist`: the man page asks scripts not to parse the human-readable
text, whose layout changed between releases (diskutil(8), SIZES).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ssdmigrate import plists
from ssdmigrate.errors import ParseError, SsdmigrateError
from ssdmigrate.model import ApfsContainer, ApfsVolume
from ssdmigrate.plists import Reader


class DiskutilError(SsdmigrateError):
    """diskutil answered with its -plist error dictionary (Error, ErrorMessage)."""

    def __init__(self, what: str, message: str, exit_code: int | None) -> None:
        super().__init__(f"diskutil could not give {what}: {message}")
        self.tool_message = message
        self.tool_exit_code = exit_code


def list_argv() -> list[str]:
    # Verb before -plist: `diskutil -plist list` is not accepted (capture U6,
    # quoted in the macos-tools reference, §1.1).
    return ["diskutil", "list", "-plist"]


def info_argv(ident: str) -> list[str]:
    return ["diskutil", "info", "-plist", ident]


def apfs_list_argv() -> list[str]:
    return ["diskutil", "apfs", "list", "-plist"]


def load(text: str, what: str) -> Reader:
    """Parse diskutil's plist and raise its own error dictionary as DiskutilError."""
    data = plists.parse(text, what)
    if data.get("Error") is True or "ErrorMessage" in data:
        # Seen as {Error: true, ErrorMessage: "Could not find disk: ...",
        # ExitCode: 1} (macos-tools reference §1.1, capture 32).
        message = str(data.get("ErrorMessage") or "unknown error")
        code = data.get("ExitCode")
        raise DiskutilError(what, message, code if isinstance(code, int) else None)
    return Reader(data, what)


@dataclass(frozen=True)
class ListedVolume:
    id: str
    content: str | None
    size: int | None
    name: str | None
    mount_point: str | None
    volume_uuid: str | None
    disk_uuid: str | None


@dataclass(frozen=True)
class ListedDisk:
    id: str
    content: str | None
    size: int | None
    partitions: tuple[ListedVolume, ...]
    apfs_volumes: tuple[ListedVolume, ...]
    own_volume: ListedVolume | None  # a whole disk that is itself a volume


@dataclass(frozen=True)
class Listing:
    all_disks: tuple[str, ...]
    whole_disks: tuple[str, ...]
    disks: tuple[ListedDisk, ...]


def parse_list(text: str) -> Listing:
    reader = load(text, "the disk list (diskutil list -plist)")
    if "AllDisksAndPartitions" not in reader.data:
        raise ParseError(reader.what, "AllDisksAndPartitions is missing")
    disks = tuple(_listed_disk(d) for d in reader.dicts("AllDisksAndPartitions"))
    return Listing(
        all_disks=tuple(_strings(reader, "AllDisks")),
        whole_disks=tuple(_strings(reader, "WholeDisks")),
        disks=disks,
    )


def _strings(reader: Reader, key: str) -> list[str]:
    values = reader.array(key)
    if not all(isinstance(v, str) for v in values):
        raise ParseError(reader.what, f"{key} should hold strings")
    return values


def _listed_volume(entry: Reader) -> ListedVolume:
    return ListedVolume(
        id=entry.require_text("DeviceIdentifier"),
        content=entry.text("Content"),
        size=entry.integer("Size"),
        name=entry.text("VolumeName"),
        mount_point=entry.text("MountPoint"),
        volume_uuid=entry.text("VolumeUUID"),
        disk_uuid=entry.text("DiskUUID"),
    )


def _listed_disk(entry: Reader) -> ListedDisk:
    own = None
    if entry.text("VolumeName") or entry.text("MountPoint"):
        # A CoreStorage logical volume lists as a whole disk holding a
        # volume, with no partitions (captures 09, 22).
        own = _listed_volume(entry)
    return ListedDisk(
        id=entry.require_text("DeviceIdentifier"),
        content=entry.text("Content"),
        size=entry.integer("Size"),
        partitions=tuple(_listed_volume(p) for p in entry.dicts("Partitions")),
        apfs_volumes=tuple(_listed_volume(v) for v in entry.dicts("APFSVolumes")),
        own_volume=own,
    )


def parse_info(text: str, ident: str) -> Reader:
    """One `diskutil info -plist` answer, checked to be about `ident`."""
    reader = load(text, f"the details of {ident} (diskutil info -plist {ident})")
    found = reader.text("DeviceIdentifier")
    if found is not None and found != ident:
        raise ParseError(reader.what, f"it describes {found}, not {ident}")
    return reader


def parse_apfs_list(text: str) -> tuple[ApfsContainer, ...]:
    reader = load(text, "the APFS containers (diskutil apfs list -plist)")
    if "Containers" not in reader.data:
        raise ParseError(reader.what, "Containers is missing")
    return tuple(_container(c) for c in reader.dicts("Containers"))


def _container(entry: Reader) -> ApfsContainer:
    stores = tuple(
        s.require_text("DeviceIdentifier") for s in entry.dicts("PhysicalStores")
    )
    return ApfsContainer(
        ref=entry.require_text("ContainerReference"),
        uuid=entry.text("APFSContainerUUID"),
        physical_stores=stores,
        capacity=entry.integer("CapacityCeiling"),
        free=entry.integer("CapacityFree"),
        volumes=tuple(_apfs_volume(v) for v in entry.dicts("Volumes")),
    )


def _apfs_volume(entry: Reader) -> ApfsVolume:
    roles = entry.array("Roles")
    return ApfsVolume(
        id=entry.require_text("DeviceIdentifier"),
        name=entry.text("Name"),
        roles=tuple(str(r) for r in roles),
        uuid=entry.text("APFSVolumeUUID"),
        used=entry.integer("CapacityInUse"),
        encrypted=entry.flag("Encryption"),
    )


def corestorage_pvs(info: Reader) -> tuple[str, ...]:
    """The partitions a CoreStorage logical volume lives on.

    `CoreStoragePVs` holds dictionaries whose `CoreStoragePVDisk` names each
    physical-volume partition (key names from public parsers of 10.x output,
    e.g. index id 40724223028; no first-hand capture is in our fixtures).
    """
    found = []
    for pv in info.array("CoreStoragePVs"):
        if isinstance(pv, dict) and isinstance(pv.get("CoreStoragePVDisk"), str):
            found.append(pv["CoreStoragePVDisk"])
        elif isinstance(pv, str):
            found.append(pv)
    return tuple(found)


def apfs_stores(info: Reader) -> tuple[str, ...]:
    """APFSPhysicalStores from `diskutil info`: a list of {APFSPhysicalStore: id}."""
    found = []
    for store in info.array("APFSPhysicalStores"):
        if isinstance(store, dict) and isinstance(store.get("APFSPhysicalStore"), str):
            found.append(store["APFSPhysicalStore"])
    return tuple(found)


def raw(reader: Reader | None) -> dict[str, Any]:
    return reader.data if reader is not None else {}
