"""The physical swap, simulated: the SSD goes into the Mac, the old disk into
the USB enclosure, and the Mac starts from the SSD's clone."""

from __future__ import annotations

from ssdmigrate.errors import Refused
from ssdmigrate.sim.state import DiskState, SimState, Volume


def _bootable(state: SimState, disk: DiskState) -> Volume | None:
    part: Volume
    for part in disk["partitions"]:
        if (
            part.get("tree") == "system"
            and part["volume_uuid"] in state.data["blessed"]
        ):
            return part
    return None


def swap(state: SimState) -> str:
    """Swap the internal disk and the external SSD; returns what happened."""
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
    old_root = next(p for p in internal["partitions"] if p.get("mount_point") == "/")
    new_root = _bootable(state, ssd)
    assert new_root is not None
    _move(internal, ssd)
    _renumber(state, ssd, internal)
    old_root["mount_point"] = f"/Volumes/{old_root['name']}"
    new_root["mount_point"] = "/"
    new_root["recovery"] = next(
        (p["id"] for p in ssd["partitions"] if p.get("content") == "Apple_Boot"), None
    )
    state.data["swapped"] = True
    state.save()
    return (
        f"{ssd.get('media_name')} is now inside the Mac as {ssd['id']} and started "
        f"it; {internal.get('media_name')} is in the USB enclosure as {internal['id']}"
    )


def _move(old: DiskState, ssd: DiskState) -> None:
    """Exchange where the two drives sit: bus, internal flag, device path."""
    keys = ("bus", "internal", "device_tree_path", "usb_speed")
    for key in keys:
        old[key], ssd[key] = ssd.get(key), old.get(key)
    ssd["trim"] = False  # a third-party SSD gets no TRIM until trimforce
    old["usb_speed"] = old.get("usb_speed") or "high_speed"


def _renumber(state: SimState, first: DiskState, second: DiskState) -> None:
    """The internal disk enumerates first after the restart."""
    ids = sorted(d["id"] for d in (first, second))
    state.rename(first, ids[0])
    state.rename(second, ids[1])
    others = [d for d in state.disks if d is not first and d is not second]
    state.data["disks"] = [first, second, *others]
