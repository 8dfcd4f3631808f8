"""Other disks that can turn up where the SSD was expected."""

from __future__ import annotations

from typing import Any

from ssdmigrate.sim.state import SimState, stable_uuid


def swap_in(state: SimState, target: str) -> None:
    """The SSD gets a new number, and a USB stick with files takes its old one,
    as when both are unplugged and plugged back in the other order."""
    ssd = state.disk(target)
    if ssd is None:
        return
    state.rename(ssd, f"disk{state.next_disk_number()}")
    state.disks.append(_stick(state.data["scenario"], target))
    state.disks.sort(key=lambda d: int(d["id"][4:]))
    state.save()


def _stick(scenario: str, ident: str) -> dict[str, Any]:
    return {
        "id": ident,
        "media_name": "Kingston DataTraveler 3.0",
        "serial": "60A44C3FAE2B",
        "size": 15_502_147_584,
        "bus": "USB",
        "usb_speed": "super_speed",
        "internal": False,
        "solid_state": False,
        "kind": "physical",
        "device_tree_path": "IODeviceTree:/PCI0@0/XHC1@14/@14300000",
        "scheme": "GUID_partition_scheme",
        "partitions": [
            {
                "id": f"{ident}s1",
                "content": "EFI",
                "name": "EFI",
                "size": 209_715_200,
                "disk_uuid": stable_uuid(scenario, "stick", "efi"),
                "volume_uuid": stable_uuid(scenario, "stick", "efi-volume"),
            },
            {
                "id": f"{ident}s2",
                "content": "Apple_HFS",
                "name": "KINGSTON",
                "size": 15_157_641_216,
                "filesystem": "Journaled HFS+",
                "mount_point": "/Volumes/KINGSTON",
                "used": 4_210_000_000,
                "tree": "user-data",
                "disk_uuid": stable_uuid(scenario, "stick", "data"),
                "volume_uuid": stable_uuid(scenario, "stick", "data-volume"),
            },
        ],
    }
