"""The physical swap, simulated: the SSD goes into the Mac, the old disk into
the USB enclosure, and the Mac starts from the SSD's clone."""

from __future__ import annotations

from ssdmigrate.errors import Refused
from ssdmigrate.sim.state import DiskState, SimState, Volume


def _bootable(state: SimState, disk: DiskState) -> Volume | None:
    """The volume on the disk, or in a container on it, that bless marked."""
    part: Volume
    for part in _volumes_on(state, disk):
        if part.get("volume_uuid") in state.data["blessed"]:
            return part
    return None


def _volumes_on(state: SimState, disk: DiskState) -> list[Volume]:
    ids = {p["id"] for p in disk["partitions"]}
    inside = [
        v
        for d in state.disks
        if ids & set(d.get("stores", []))
        for v in d["partitions"]
    ]
    return [*disk["partitions"], *inside]


def swap(state: SimState, start_from: str = "ssd") -> str:
    """Swap the internal disk and the external SSD; returns what happened.

    `start_from="old"` is the owner choosing the old disk, now in the USB
    enclosure, at start-up (Option key) instead of the SSD.
    """
    internal = next((d for d in state.disks if d.get("internal")), None)
    ssd = next(
        (
            d
            for d in state.disks
            if not d.get("internal")
            and d.get("kind", "physical") == "physical"
            and _bootable(state, d)
        ),
        None,
    )
    if internal is None or ssd is None:
        raise Refused(
            "no external disk holds a blessed copy of the system, so a Mac with it "
            "inside would start to a flashing question mark",
            remedy="Finish the clone first: ssdmigrate --simulate run",
        )
    # The running system may sit on a CoreStorage volume of the internal disk.
    old_root = next(
        p for d in state.disks for p in d["partitions"] if p.get("mount_point") == "/"
    )
    new_root = _bootable(state, ssd)
    assert new_root is not None
    _move(internal, ssd)
    _renumber(state, ssd, internal)
    if start_from == "old":
        new_root["mount_point"] = f"/Volumes/{new_root['name']}"
    else:
        old_root["mount_point"] = f"/Volumes/{old_root['name']}"
        new_root["mount_point"] = "/"
        new_root["recovery"] = next(
            (p["id"] for p in ssd["partitions"] if p.get("content") == "Apple_Boot"),
            None,
        )
    state.data["swapped"] = True
    state.save()
    started = ssd if start_from != "old" else internal
    return (
        f"{ssd.get('media_name')} is now inside the Mac as {ssd['id']}, "
        f"{internal.get('media_name')} in the USB enclosure as {internal['id']}; "
        f"the Mac started from {started.get('media_name')}"
    )


def _move(old: DiskState, ssd: DiskState) -> None:
    """Exchange where the two drives sit: bus, internal flag, device path."""
    keys = ("bus", "internal", "device_tree_path", "usb_speed")
    for key in keys:
        old[key], ssd[key] = ssd.get(key), old.get(key)
    ssd["trim"] = False  # a third-party SSD gets no TRIM until trimforce
    old["usb_speed"] = old.get("usb_speed") or "high_speed"


def _renumber(state: SimState, first: DiskState, second: DiskState) -> None:
    """The internal disk enumerates first after the restart. Both go through
    spare numbers, so containers on them keep pointing at the right disk."""
    ids = sorted(d["id"] for d in (first, second))
    spare = state.next_disk_number()
    state.rename(first, f"disk{spare}")
    state.rename(second, f"disk{spare + 1}")
    state.rename(first, ids[0])
    state.rename(second, ids[1])
    state.disks.sort(key=lambda d: int(d["id"][4:]))
