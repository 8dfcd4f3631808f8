"""The simulated Mac's state: its disks and volumes, kept as JSON in a folder.

Each simulated volume that holds files is backed by a real folder under the
state folder (`volumes/<uuid>`), filled on first use with a miniature system,
so that a simulated `ditto` really copies and validation really compares. The
sizes the simulated tools report come from the scenario, not from the folder.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import uuid as uuidlib
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ssdmigrate import atomic
from ssdmigrate.errors import SsdmigrateError, UsageProblem
from ssdmigrate.sim import tree

STATE_FILE = "state.json"
STATE_FORMAT = "ssdmigrate-sim/1"
EFI_SIZE = 209_715_200  # GPT adds it as s1 (captures 01, 03, U4)

_STORES = {"Apple_CoreStorage", "Apple_APFS", "Apple_APFS_ISC", "Apple_APFS_Recovery"}
Volume = dict[str, Any]
DiskState = dict[str, Any]


def scenario_names() -> list[str]:
    folder = resources.files("ssdmigrate.sim.scenarios")
    return sorted(
        p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml")
    )


def load_scenario(name: str) -> dict[str, Any]:
    if name not in scenario_names():
        raise UsageProblem(
            f"no simulated Mac named {name!r}",
            remedy="Choose one of: " + ", ".join(scenario_names()),
        )
    text = resources.files("ssdmigrate.sim.scenarios").joinpath(f"{name}.yaml")
    data = yaml.safe_load(text.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"scenario {name} is not a mapping"
    return data


def stable_uuid(*parts: str) -> str:
    """A UUID that is the same on every reset, so outputs can be compared."""
    digest = hashlib.sha1("/".join(parts).encode()).hexdigest()
    return str(uuidlib.UUID(digest[:32])).upper()


class SimState:
    """Load, change and save the simulated Mac."""

    def __init__(self, folder: Path, data: dict[str, Any]) -> None:
        self.folder = folder
        self.data = data

    @classmethod
    def open(cls, folder: Path, scenario: str) -> SimState:
        path = folder / STATE_FILE
        if not path.exists():
            return cls.fresh(folder, scenario)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SsdmigrateError(
                f"the simulated Mac's state {path} is unreadable ({exc})",
                remedy="Start it afresh: ssdmigrate --simulate sim reset",
            ) from exc
        if data.get("format") != STATE_FORMAT or data.get("scenario") != scenario:
            raise SsdmigrateError(
                f"{path} holds another simulated Mac ({data.get('scenario')!r})",
                remedy="Use --sim-state with another folder, or `sim reset`.",
            )
        state = cls(folder, data)
        state.replug()
        return state

    @classmethod
    def fresh(cls, folder: Path, scenario: str) -> SimState:
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        state = cls(folder, _from_scenario(scenario, load_scenario(scenario)))
        state.save()
        return state

    def save(self) -> None:
        atomic.write_json(self.folder / STATE_FILE, self.data)

    # --- looking things up -------------------------------------------------

    @property
    def disks(self) -> list[DiskState]:
        disks: list[DiskState] = self.data["disks"]
        return disks

    def disk(self, ident: str) -> DiskState | None:
        ident = ident.removeprefix("/dev/").removeprefix("r")
        return next((d for d in self.disks if d["id"] == ident), None)

    def volume(self, ident: str) -> tuple[DiskState, Volume] | None:
        ident = ident.removeprefix("/dev/")
        for disk in self.disks:
            for part in disk["partitions"]:
                if part["id"] == ident:
                    return disk, part
        return None

    def find(self, ref: str) -> tuple[DiskState, Volume | None] | None:
        """A disk or volume by identifier, /dev node, mount point or UUID,
        as diskutil accepts them (diskutil(8), DEVICES)."""
        ref = ref.rstrip("/") or "/"
        disk = self.disk(ref)
        if disk is not None and disk.get("kind") == "corestorage":
            return disk, disk["partitions"][0]  # the logical volume is the disk
        if disk is not None:
            return disk, None
        for disk in self.disks:
            for part in disk["partitions"]:
                names = {part["id"], f"/dev/{part['id']}", part.get("volume_uuid")}
                names |= {part.get("disk_uuid"), part.get("mount_point")}
                if ref in names:
                    return disk, part
        return None

    def mounted(self, mount_point: str) -> Volume | None:
        found = self.find(mount_point)
        return found[1] if found and found[1] and found[1].get("mount_point") else None

    def rename(self, disk: DiskState, ident: str) -> None:
        """Give a whole disk a new number; its partitions, and the containers
        and logical volumes that live on them, follow."""
        old = disk["id"]
        disk["id"] = ident
        moved = {}
        for part in disk["partitions"]:
            new = ident + part["id"][len(old) :]
            moved[part["id"]] = new
            part["id"] = new
        for other in self.disks:
            if other.get("stores"):
                other["stores"] = [moved.get(s, s) for s in other["stores"]]
            if other.get("store_uuids"):
                other["store_uuids"] = {
                    moved.get(k, k): v for k, v in other["store_uuids"].items()
                }

    def unplug(self, disk: DiskState, *, comes_back: bool) -> None:
        self.data["disks"] = [d for d in self.disks if d is not disk]
        for part in disk["partitions"]:
            part["mount_point"] = None
        disk["comes_back"] = comes_back
        self.data.setdefault("unplugged", []).append(disk)
        self.save()

    def replug(self) -> None:
        """Disks that fell out come back with the next free number, as on a Mac."""
        back = [d for d in self.data.get("unplugged", []) if d.get("comes_back")]
        if not back:
            return
        for disk in back:
            self.rename(disk, f"disk{self.next_disk_number()}")
            for part in disk["partitions"]:
                if part.get("filesystem") and part.get("content") != "Apple_Boot":
                    part["mount_point"] = f"/Volumes/{part['name']}"
            self.disks.append(disk)
        self.data["unplugged"] = [d for d in self.data["unplugged"] if d not in back]
        self.save()

    def store_disk(self, disk: DiskState) -> DiskState:
        """The physical disk under a virtual one (itself for a physical disk)."""
        for store in disk.get("stores", []):
            found = self.find(store)
            if found is not None and found[0] is not disk:
                return self.store_disk(found[0])
        return disk

    def next_disk_number(self) -> int:
        numbers = [int(d["id"][4:]) for d in self.disks]
        return max(numbers, default=-1) + 1

    def volume_folder(self, part: Volume) -> Path:
        return self.folder / "volumes" / str(part["volume_uuid"])

    def files(self, part: Volume) -> Path:
        """The volume's backing folder, built from its scenario profile on first use."""
        folder = self.volume_folder(part)
        if not folder.exists() and part.get("tree"):
            tree.build(folder, part["tree"], self.data["machine"]["os"])
        folder.mkdir(parents=True, exist_ok=True)
        return folder


def _from_scenario(name: str, scenario: dict[str, Any]) -> dict[str, Any]:
    data = {
        "format": STATE_FORMAT,
        "scenario": name,
        "machine": copy.deepcopy(scenario["machine"]),
        "time_machine": copy.deepcopy(scenario.get("time_machine") or {}),
        "disks": [_disk(name, d) for d in scenario["disks"]],
        "blessed": {},
        "next_boot": None,
        "swapped": False,
    }
    for extra in scenario.get("virtual_disks", []):
        data["disks"].append(_disk(name, extra))
    data["disks"].sort(key=lambda d: int(d["id"][4:]))  # diskutil lists by number
    return data


def _disk(scenario: str, spec: dict[str, Any]) -> DiskState:
    disk = copy.deepcopy(spec)
    disk.setdefault("kind", "physical")
    parts = []
    for number, part in enumerate(disk.get("partitions", []), 1):
        part = dict(part)
        part.setdefault("id", f"{disk['id']}s{number}")
        part.setdefault("disk_uuid", stable_uuid(scenario, part["id"], "disk"))
        # Container partitions hold no volume of their own (capture 03).
        if part.get("content") not in _STORES:
            part.setdefault("volume_uuid", stable_uuid(scenario, part["id"], "volume"))
        parts.append(part)
    disk["partitions"] = parts
    return disk
