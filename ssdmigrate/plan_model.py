"""The plan: what will run, in order, and what was checked first.

A plan is data. `ssdmigrate plan` prints it; the guided run stores it in its
journal as JSON (`to_json`) and reloads it (`Plan.from_json`) to run it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ssdmigrate.errors import ParseError
from ssdmigrate.findings import Finding, failed
from ssdmigrate.model import Identity

SCHEMA = "ssdmigrate.plan/1"

# Step ids (or, for the one-item-at-a-time clone, their group) that the run,
# the journal and the docs key on; they do not change between releases.
STEP_IDS = (
    "unmount-target",
    "partition",
    "enable-ownership",
    "clone",
    "clone-recovery",
    "set-recovery-type",
    "bless",
    "validate",
)


@dataclass(frozen=True)
class Step:
    """One command. `argv[0]` is the bare tool name; the runner resolves it.

    A live HFS+ clone is many steps, one per top-level item, with ids such as
    `clone:Applications` and `group` "clone": each is one ditto (or mkdir/ln)
    call, so the journal records which items are done and a resumed run
    starts at the first item not done. Every other step's group is its id.

    `resolve_after` names the step after which the identifiers and mount
    points in argv are predictions: the run must find the new partition or
    volume again by UUID once that step has run, and substitute.
    """

    id: str
    group: str
    title: str
    argv: tuple[str, ...]
    destructive: bool  # may erase or overwrite data on `disk`
    disk: str | None  # the whole disk it changes, None if it changes none
    requires: tuple[str, ...] = ()
    checks_after: tuple[str, ...] = ()
    estimate_seconds: int = 0
    resolve_after: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "group": self.group,
            "title": self.title,
            "argv": list(self.argv),
            "destructive": self.destructive,
            "disk": self.disk,
            "requires": list(self.requires),
            "checks_after": list(self.checks_after),
            "estimate_seconds": self.estimate_seconds,
            "resolve_after": self.resolve_after,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Step:
        return cls(
            id=data["id"],
            group=data["group"],
            title=data["title"],
            argv=tuple(data["argv"]),
            destructive=bool(data["destructive"]),
            disk=data.get("disk"),
            requires=tuple(data.get("requires") or ()),
            checks_after=tuple(data.get("checks_after") or ()),
            estimate_seconds=int(data.get("estimate_seconds") or 0),
            resolve_after=data.get("resolve_after"),
        )


@dataclass(frozen=True)
class Slice:
    """One partition of the target, as it is now or as it will be."""

    id: str  # now: its identifier; after: the predicted one (disk1s2)
    role: str  # efi | main | recovery | apfs | free | existing
    name: str | None
    size: int | None
    content: str | None  # EFI, Apple_HFS, Apple_Boot, Apple_APFS, ...
    used: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "role": self.role,
            "name": self.name,
            "size": self.size,
            "content": self.content,
            "used": self.used,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Slice:
        return cls(
            id=data["id"],
            role=data["role"],
            name=data.get("name"),
            size=data.get("size"),
            content=data.get("content"),
            used=data.get("used"),
        )


@dataclass(frozen=True)
class SourceInfo:
    volume: str | None
    name: str | None
    disks: tuple[str, ...]
    disk_names: tuple[str, ...]
    used_bytes: int | None
    filesystem: str | None
    recovery: str | None  # a real Recovery HD (Apple_Boot) or Recovery volume
    recovery_kind: str | None
    recovery_size: int | None
    solid_state: bool | None

    def to_json(self) -> dict[str, Any]:
        return {
            "volume": self.volume,
            "name": self.name,
            "disks": list(self.disks),
            "disk_names": list(self.disk_names),
            "used_bytes": self.used_bytes,
            "filesystem": self.filesystem,
            "recovery": self.recovery,
            "recovery_kind": self.recovery_kind,
            "recovery_size": self.recovery_size,
            "solid_state": self.solid_state,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SourceInfo:
        return cls(
            volume=data.get("volume"),
            name=data.get("name"),
            disks=tuple(data.get("disks") or ()),
            disk_names=tuple(data.get("disk_names") or ()),
            used_bytes=data.get("used_bytes"),
            filesystem=data.get("filesystem"),
            recovery=data.get("recovery"),
            recovery_kind=data.get("recovery_kind"),
            recovery_size=data.get("recovery_size"),
            solid_state=data.get("solid_state"),
        )


@dataclass(frozen=True)
class TargetInfo:
    id: str
    size: int | None
    media_name: str | None
    identity: Identity
    bus: str | None
    link_speed: str | None
    solid_state: bool | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "size": self.size,
            "media_name": self.media_name,
            "identity": self.identity.to_json(),
            "bus": self.bus,
            "link_speed": self.link_speed,
            "solid_state": self.solid_state,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TargetInfo:
        return cls(
            id=data["id"],
            size=data.get("size"),
            media_name=data.get("media_name"),
            identity=Identity.from_json(data.get("identity") or {}),
            bus=data.get("bus"),
            link_speed=data.get("link_speed"),
            solid_state=data.get("solid_state"),
        )


@dataclass(frozen=True)
class MachineInfo:
    model: str | None
    name: str | None  # marketing name from the model table
    os_name: str | None
    os_version: str | None
    os_build: str | None
    drive: str | None  # sata-2.5 | sata-3.5 | blade | soldered | ...
    swap: str | None  # owner | adapter | no

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "name": self.name,
            "os_name": self.os_name,
            "os_version": self.os_version,
            "os_build": self.os_build,
            "drive": self.drive,
            "swap": self.swap,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MachineInfo:
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Candidate:
    """An external disk that could be erased, listed when one must be chosen."""

    id: str
    media_name: str | None
    size: int | None
    bus: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "media_name": self.media_name,
            "size": self.size,
            "bus": self.bus,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Candidate:
        return cls(
            data["id"], data.get("media_name"), data.get("size"), data.get("bus")
        )


@dataclass(frozen=True)
class Plan:
    era: str | None  # hfs | apfs; None when the boot volume's format is unknown
    source: SourceInfo
    target: TargetInfo | None
    machine: MachineInfo
    findings: tuple[Finding, ...]
    steps: tuple[Step, ...]
    new_volume_name: str
    recovery_size: int | None  # the new Recovery HD partition; None on APFS
    candidates: tuple[Candidate, ...] = ()
    before: tuple[Slice, ...] = ()
    after: tuple[Slice, ...] = ()
    excluded: tuple[str, ...] = ()  # paths the live clone leaves out

    @property
    def ok(self) -> bool:
        return (
            self.target is not None and bool(self.steps) and not failed(self.findings)
        )

    @property
    def estimate_seconds(self) -> int:
        return sum(step.estimate_seconds for step in self.steps)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "ok": self.ok,
            "era": self.era,
            "source": self.source.to_json(),
            "target": self.target.to_json() if self.target else None,
            "findings": [f.to_json() for f in self.findings],
            "steps": [s.to_json() for s in self.steps],
            "estimate_seconds": self.estimate_seconds,
            "machine": self.machine.to_json(),
            "new_volume_name": self.new_volume_name,
            "recovery_size": self.recovery_size,
            "candidates": [c.to_json() for c in self.candidates],
            "layout": {
                "before": [s.to_json() for s in self.before],
                "after": [s.to_json() for s in self.after],
            },
            "excluded": list(self.excluded),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        """Rebuild a stored plan; a plan of another schema is refused, not guessed."""
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            found = (
                data.get("schema") if isinstance(data, dict) else type(data).__name__
            )
            raise ParseError("a stored plan", f"schema is {found!r}, not {SCHEMA!r}")
        try:
            return _plan_from(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise ParseError("a stored plan", f"{type(exc).__name__}: {exc}") from exc


def _plan_from(data: dict[str, Any]) -> Plan:
    layout = data.get("layout") or {}
    target = data.get("target")
    return Plan(
        era=data.get("era"),
        source=SourceInfo.from_json(data["source"]),
        target=TargetInfo.from_json(target) if target else None,
        machine=MachineInfo.from_json(data["machine"]),
        findings=tuple(Finding.from_json(f) for f in data["findings"]),
        steps=tuple(Step.from_json(s) for s in data["steps"]),
        new_volume_name=data["new_volume_name"],
        recovery_size=data.get("recovery_size"),
        candidates=tuple(Candidate.from_json(c) for c in data.get("candidates") or ()),
        before=tuple(Slice.from_json(s) for s in layout.get("before") or ()),
        after=tuple(Slice.from_json(s) for s in layout.get("after") or ()),
        excluded=tuple(data.get("excluded") or ()),
    )
