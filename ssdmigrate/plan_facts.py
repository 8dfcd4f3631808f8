"""What the planner takes in: discovery's snapshot, a few more facts, the options.

Everything here is plain data, gathered beforehand by read-only commands
(`ssdmigrate.plan_gather`), so that building a plan is a pure function and
tests can state any situation directly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from ssdmigrate.model import Snapshot

DEFAULT_NAME = "SSD Boot HD"
# The classic Recovery HD is 650,002,432 bytes (every capture in the tools
# reference: 01, 06, 08, 09, 22, U5); 750 MB leaves room for a newer one.
DEFAULT_RECOVERY = 750_000_000


class HazardLike(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def text(self) -> str: ...


class ModelLike(Protocol):
    """What the planner reads from the model table (`ssdmigrate.models.ModelInfo`)."""

    @property
    def model_id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def drive(self) -> str: ...

    @property
    def swap(self) -> str: ...

    @property
    def hazards(self) -> Sequence[HazardLike]: ...


@dataclass(frozen=True)
class BackupStatus:
    """The newest Time Machine backup: a time, none at all, or unknown (`known`)."""

    latest: datetime | None
    known: bool = True
    detail: str = ""  # what tmutil said when it did not give a time


@dataclass(frozen=True)
class OpenFile:
    pid: int
    command: str
    path: str | None = None


@dataclass(frozen=True)
class RootEntry:
    """One item of the boot volume, by its path relative to the root."""

    path: str  # "Applications", "private/var/vm"
    kind: str  # dir | file | symlink | other
    mode: int = 0o755  # permission bits, kept when an excluded folder is remade
    link: str | None = None  # a symlink's target, as stored


@dataclass(frozen=True)
class PlanFacts:
    snapshot: Snapshot
    now: datetime  # local time, the same clock as Time Machine's backup names
    latest_backup: BackupStatus
    is_root: bool
    # Mount points of Time Machine destinations; None when they could not be read.
    tm_destinations: tuple[str, ...] | None = ()
    # Mount point -> processes with files open there; None when unknown.
    open_files: Mapping[str, tuple[OpenFile, ...] | None] = field(default_factory=dict)
    # The boot volume's items (top level, and inside folders that hold an
    # exclusion); None when the volume could not be listed.
    root_entries: tuple[RootEntry, ...] | None = None
    model: ModelLike | None = None
    # False when the system to copy is not the one running (then it can be
    # unmounted and block-copied with asr).
    source_live: bool = True


@dataclass(frozen=True)
class PlanOptions:
    target: str | None = None
    name: str = DEFAULT_NAME
    recovery_size: int = DEFAULT_RECOVERY
    allow_image_target: bool = False  # the real-Mac test suite's disk images
