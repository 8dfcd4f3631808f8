"""What the simulated tools print, in the real tools' formats.

Key names and value types follow the recorded captures: `diskutil list
-plist` as in capture 01, `diskutil info -plist` of a whole disk as in 02 and
of a volume as in 02c, `diskutil apfs list -plist` as in 04, and the text
table of `diskutil list` as in U4.
"""

from __future__ import annotations

from typing import Any

from ssdmigrate import plists
from ssdmigrate.model import APFS_CONTAINER
from ssdmigrate.sim.state import DiskState, SimState, Volume
from ssdmigrate.sizes import human


def _listed_volume(part: Volume) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "Content": part.get("content") or "",
        "DeviceIdentifier": part["id"],
        "DiskUUID": part["disk_uuid"],
        "Size": part["size"],
    }
    if part.get("name"):
        entry["VolumeName"] = part["name"]
    if part.get("volume_uuid"):
        entry["VolumeUUID"] = part["volume_uuid"]
    if part.get("mount_point"):
        entry["MountPoint"] = part["mount_point"]
    return entry


def _listed_disk(disk: DiskState) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "Content": disk.get("scheme") or "",
        "DeviceIdentifier": disk["id"],
        "Size": disk["size"],
    }
    if disk.get("kind") == "apfs-container":
        entry["Content"] = APFS_CONTAINER
        # APFS volumes list without Content (capture 03).
        entry["APFSVolumes"] = [
            {k: v for k, v in _listed_volume(p).items() if k != "Content"}
            for p in disk["partitions"]
        ]
        entry["Partitions"] = []
    elif disk.get("kind") == "corestorage":
        volume = disk["partitions"][0]
        entry["Content"] = "Apple_HFS"
        entry.update(
            {
                k: v
                for k, v in _listed_volume(volume).items()
                if k in ("VolumeName", "VolumeUUID", "MountPoint", "DiskUUID")
            }
        )
    else:
        entry["Partitions"] = [_listed_volume(p) for p in disk["partitions"]]
    return entry


def list_plist(state: SimState) -> str:
    all_disks: list[str] = []
    volumes: list[str] = []
    for disk in state.disks:
        all_disks.append(disk["id"])
        for part in disk["partitions"]:
            if part["id"] != disk["id"]:
                all_disks.append(part["id"])
            if part.get("mount_point") and part.get("name"):
                volumes.append(part["name"])
    return plists.dumps(
        {
            "AllDisks": all_disks,
            "AllDisksAndPartitions": [_listed_disk(d) for d in state.disks],
            "VolumesFromDisks": volumes,
            "WholeDisks": [d["id"] for d in state.disks],
        }
    )


def _common(state: SimState, disk: DiskState) -> dict[str, Any]:
    # A container or logical volume is as internal as the drive it lives on.
    internal = bool(state.store_disk(disk).get("internal"))
    return {
        "Bootable": False,
        "BusProtocol": state.store_disk(disk).get("bus") or "",
        "CanBeMadeBootable": False,
        "CanBeMadeBootableRequiresDestroy": False,
        "DeviceBlockSize": 512,
        "DeviceTreePath": disk.get("device_tree_path") or "",
        "Ejectable": not internal,
        "EjectableMediaAutomaticUnderSoftwareControl": False,
        "EjectableOnly": False,
        "Internal": internal,
        "MediaName": disk.get("media_name") or "",
        "MediaType": "Generic",
        "ParentWholeDisk": disk["id"],
        "RAIDMaster": False,
        "RAIDSlice": False,
        "Removable": False,
        "RemovableMedia": False,
        "RemovableMediaOrExternalDevice": not internal,
        "SMARTStatus": disk.get("smart", "Verified" if internal else "Not Supported"),
        "SolidState": bool(disk.get("solid_state")),
        "SupportsGlobalPermissionsDisable": False,
        "SystemImage": False,
        "Writable": True,
        "WritableMedia": True,
    }


def info_whole(state: SimState, disk: DiskState) -> dict[str, Any]:
    info = _common(state, disk)
    info.update(
        {
            "Content": disk.get("scheme") or "",
            "DeviceIdentifier": disk["id"],
            "DeviceNode": f"/dev/{disk['id']}",
            "FreeSpace": 0,
            "GlobalPermissionsEnabled": False,
            "IOKitSize": disk["size"],
            "IORegistryEntryName": f"{disk.get('media_name') or disk['id']} Media",
            "LowLevelFormatSupported": False,
            "MountPoint": "",
            "OS9DriversInstalled": False,
            "Size": disk["size"],
            "TotalSize": disk["size"],
            "VolumeName": "",
            "VolumeSize": 0,
            "WholeDisk": True,
            "WritableVolume": False,
            # Whole disks carry this key (capture 02); volumes do not (02c).
            "VirtualOrPhysical": "Physical"
            if disk.get("kind", "physical") == "physical"
            else "Virtual",
        }
    )
    if disk.get("kind") == "apfs-container":
        info["Content"] = APFS_CONTAINER
        info["APFSPhysicalStores"] = [{"APFSPhysicalStore": s} for s in disk["stores"]]
    if disk.get("kind") == "corestorage":
        info.update(_corestorage(disk))
    return info


def _corestorage(disk: DiskState) -> dict[str, Any]:
    volume = disk["partitions"][0]
    return {
        "Content": "Apple_HFS",
        "CoreStorageEncrypted": bool(disk.get("encrypted")),
        "CoreStorageLVGUUID": disk["lvg_uuid"],
        "CoreStorageLVUUID": volume["disk_uuid"],
        "CoreStoragePVs": [{"CoreStoragePVDisk": pv} for pv in disk["stores"]],
        "WholeDisk": True,
    }


def info_volume(state: SimState, disk: DiskState, part: Volume) -> dict[str, Any]:
    if disk.get("kind") == "corestorage":
        info = info_whole(state, disk)
    else:
        info = _common(state, disk)
        info.update({"Content": part.get("content") or "", "WholeDisk": False})
    size, used = part["size"], part.get("used", 0)
    mounted = part.get("mount_point") or ""
    info.update(
        {
            "DeviceIdentifier": part["id"],
            "DeviceNode": f"/dev/{part['id']}",
            "DiskUUID": part["disk_uuid"],
            "FreeSpace": size - used if mounted else 0,
            "GlobalPermissionsEnabled": bool(part.get("ownership", mounted == "/")),
            "IOKitSize": size,
            "IORegistryEntryName": part.get("name") or "",
            "MountPoint": mounted,
            "Size": size,
            "TotalSize": size,
            "VolumeName": part.get("name") or "",
            "VolumeSize": size if mounted else 0,
            "WritableVolume": bool(mounted),
        }
    )
    info.update(_filesystem(part))
    info.update(_links(part))
    return info


_FILESYSTEMS = {
    "Journaled HFS+": ("hfs", "Mac OS Extended (Journaled)"),
    "HFS+": ("hfs", "Mac OS Extended"),
    "APFS": ("apfs", "APFS"),
    "MS-DOS (FAT32)": ("msdos", "MS-DOS (FAT32)"),
}


def _filesystem(part: Volume) -> dict[str, Any]:
    name = part.get("filesystem")
    if name not in _FILESYSTEMS:
        return {}
    kind, visible = _FILESYSTEMS[name]
    extra: dict[str, Any] = {
        "FilesystemName": name,
        "FilesystemType": kind,
        "FilesystemUserVisibleName": visible,
        "VolumeAllocationBlockSize": 4096,
        "VolumeUUID": part["volume_uuid"],
    }
    if name == "Journaled HFS+":
        extra.update({"JournalOffset": 1310720, "JournalSize": 8388608})
    return extra


def _links(part: Volume) -> dict[str, Any]:
    """RecoveryDeviceIdentifier / BooterDeviceIdentifier, as in captures 02c and 05."""
    extra: dict[str, Any] = {}
    if part.get("recovery"):
        extra["RecoveryDeviceIdentifier"] = part["recovery"]
    if part.get("booter"):
        extra["BooterDeviceIdentifier"] = part["booter"]
    if part.get("encrypted") is not None and part.get("filesystem") == "APFS":
        extra["FileVault"] = bool(part["encrypted"])
        extra["Encryption"] = bool(part["encrypted"])
    return extra


def error_plist(message: str) -> str:
    """diskutil's -plist error form (capture 32): Error, ErrorMessage, ExitCode."""
    return plists.dumps({"Error": True, "ErrorMessage": message, "ExitCode": 1})


def apfs_list_plist(state: SimState) -> str:
    containers = [d for d in state.disks if d.get("kind") == "apfs-container"]
    return plists.dumps({"Containers": [_container(d) for d in containers]})


def _container(disk: DiskState) -> dict[str, Any]:
    used = sum(p.get("used", 0) for p in disk["partitions"])
    return {
        "APFSContainerUUID": disk["container_uuid"],
        "CapacityCeiling": disk["size"],
        "CapacityFree": disk["size"] - used,
        "ContainerReference": disk["id"],
        "DesignatedPhysicalStore": disk["stores"][0],
        "Fusion": len(disk["stores"]) > 1,
        "PhysicalStores": [_store(disk, s) for s in disk["stores"]],
        "Volumes": [_apfs_volume(p) for p in disk["partitions"]],
    }


def _store(disk: DiskState, ident: str) -> dict[str, Any]:
    return {
        "DeviceIdentifier": ident,
        "DiskUUID": disk["store_uuids"][ident],
        "Size": disk["size"],
    }


def _apfs_volume(part: Volume) -> dict[str, Any]:
    return {
        "APFSVolumeUUID": part["volume_uuid"],
        "CapacityInUse": part.get("used", 0),
        "CapacityQuota": 0,
        "CapacityReserve": 0,
        "CryptoMigrationOn": False,
        "DeviceIdentifier": part["id"],
        "Encryption": bool(part.get("encrypted")),
        "Locked": False,
        "Name": part.get("name") or "",
        "Roles": list(part.get("roles", [])),
    }


def list_text(state: SimState, disk: DiskState) -> str:
    """One disk of plain `diskutil list` (column positions as in capture U4)."""
    where = "internal" if disk.get("internal") else "external"
    kind = "physical" if disk.get("kind", "physical") == "physical" else "virtual"
    rows = [
        f"/dev/{disk['id']} ({where}, {kind}):",
        _row("#", "TYPE", "NAME", " ", "SIZE", "IDENTIFIER"),
    ]
    rows.append(
        _row("0", disk.get("scheme") or "", "", "*", human(disk["size"]), disk["id"])
    )
    for number, part in enumerate(disk["partitions"], 1):
        rows.append(
            _row(
                str(number),
                part.get("content") or "",
                part.get("name") or "",
                " ",
                human(part["size"]),
                part["id"],
            )
        )
    return "\n".join(rows) + "\n"


def _row(num: str, kind: str, name: str, star: str, size: str, ident: str) -> str:
    return f"{num:>4}:{kind:>27} {name:<23}{star}{size:<11}{ident}"
