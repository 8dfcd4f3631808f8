"""The run's journal: the plan, the disk the owner confirmed, and each step's
outcome, written atomically after every change so an interruption loses
nothing and `resume` knows where to go on.

Where it lives: in the simulated Mac's state folder when simulating; on a real
Mac in /var/db/ssdmigrate, a system folder that stays the same under sudo and
survives a restart (the run needs root there anyway).
"""

from __future__ import annotations

import datetime
import json
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ssdmigrate import __version__, atomic
from ssdmigrate.errors import SsdmigrateError
from ssdmigrate.model import Identity
from ssdmigrate.plan_model import Plan

FORMAT = "ssdmigrate-journal/1"
MAC_JOURNAL = Path("/var/db/ssdmigrate/journal.json")
OPEN_STATES = ("running", "stopped", "interrupted", "failed")


class JournalError(SsdmigrateError):
    """The journal cannot be used: corrupt, from another Mac or a newer version."""


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def _version_tuple(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(".")[:3])
    except ValueError:
        return (999,)


@dataclass
class Journal:
    path: Path
    data: dict[str, Any]

    @classmethod
    def start(
        cls,
        path: Path,
        plan: Plan,
        machine: dict[str, Any],
        confirmed: Identity,
        log: Path | None,
    ) -> Journal:
        assert plan.target is not None
        steps = [
            {
                "id": s.id,
                "status": "pending",
                "started": None,
                "finished": None,
                "message": None,
            }
            for s in plan.steps
        ]
        data = {
            "format": FORMAT,
            "version": __version__,
            "run_id": uuid.uuid4().hex[:12],
            "created": now(),
            "updated": now(),
            "state": "running",
            "machine": machine,
            "plan": plan.to_json(),
            "confirmed": {
                "target": plan.target.id,
                "identity": confirmed.to_json(),
                "at": now(),
            },
            "resolved": {},
            "steps": steps,
            "log": str(log) if log else None,
        }
        journal = cls(path, data)
        journal.save()
        return journal

    @classmethod
    def load(cls, path: Path) -> Journal | None:
        """The journal at path, or None when there is none. A bad one is refused."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except PermissionError as exc:
            raise JournalError(
                f"the journal {path} can only be read by root",
                remedy="Run the command with sudo.",
            ) from exc
        except (OSError, ValueError) as exc:
            raise JournalError(
                f"the journal {path} is corrupt ({exc})", remedy=_inspect_remedy(path)
            ) from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise JournalError(
                f"{path} is not an ssdmigrate journal this version reads",
                remedy=_inspect_remedy(path),
            )
        if (
            _version_tuple(str(data.get("version")))[:1]
            > _version_tuple(__version__)[:1]
        ):
            raise JournalError(
                f"{path} was written by ssdmigrate {data.get('version')}, newer than "
                f"this {__version__}",
                remedy="Use that version to resume the run.",
            )
        return cls(path, data)

    def save(self) -> None:
        self.data["updated"] = now()
        atomic.write_json(self.path, self.data)

    def copy_to(self, path: Path) -> None:
        atomic.write_json(path, self.data)

    # --- reading ----------------------------------------------------------------

    @property
    def state(self) -> str:
        return str(self.data["state"])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def plan(self) -> Plan:
        return Plan.from_json(self.data["plan"])

    def confirmed_identity(self) -> Identity:
        return Identity.from_json(self.data["confirmed"]["identity"])

    def step(self, step_id: str) -> dict[str, Any]:
        return next(s for s in self.data["steps"] if s["id"] == step_id)

    def next_step(self) -> str | None:
        pending = [s["id"] for s in self.data["steps"] if s["status"] != "done"]
        return pending[0] if pending else None

    def done(self, step_id: str) -> bool:
        return bool(self.step(step_id)["status"] == "done")

    def check_machine(self, machine: dict[str, Any]) -> None:
        """Refuse a journal written on another Mac (model and boot volume)."""
        mine = self.data.get("machine") or {}
        for key in ("model", "boot_volume_uuid"):
            if mine.get(key) and machine.get(key) and mine[key] != machine[key]:
                raise JournalError(
                    f"the journal {self.path} is from another Mac ({key} "
                    f"{mine[key]}, this one has {machine[key]})",
                    remedy="Close it with `ssdmigrate abandon` to start a new run.",
                )

    # --- writing ----------------------------------------------------------------

    def mark(self, step_id: str, status: str, message: str | None = None) -> None:
        record = self.step(step_id)
        record["status"] = status
        record["message"] = message
        record["started" if status == "running" else "finished"] = now()
        self.save()

    def set_state(self, state: str, message: str | None = None) -> None:
        self.data["state"] = state
        self.data["message"] = message
        self.save()

    def remember(self, key: str, value: Any) -> None:
        self.data["resolved"][key] = value
        self.save()

    def update_identity(self, identity: Identity) -> None:
        self.data["confirmed"]["identity"] = identity.to_json()
        self.save()


def _inspect_remedy(path: Path) -> str:
    return (
        f"Look at it, then move it away (mv {path} {path}.bad) to start a new "
        "run; nothing on the disks depends on it."
    )


def machine_key(model: str | None, boot_volume_uuid: str | None) -> dict[str, Any]:
    return {
        "model": model,
        "boot_volume_uuid": boot_volume_uuid,
        "host": socket.gethostname(),
    }
