"""Facts that fill a checklist's {placeholders}, read from a plan file.

A fact nobody gave is printed as a blank line to write on, never as
`{target_name}`.
"""

from __future__ import annotations

import json
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ssdmigrate.errors import SsdmigrateError

PLAN_SCHEMA = "ssdmigrate.plan/1"
BLANK = "________"


class PlanFileError(SsdmigrateError):
    """A plan file could not be read or is not an ssdmigrate plan."""


@dataclass(frozen=True)
class Facts:
    values: Mapping[str, str]

    def get(self, name: str) -> str:
        return self.values.get(name) or BLANK

    def fill(self, text: str) -> str:
        """Replace each {name} with its fact, or a blank line to write on."""
        parts = []
        for literal, name, _, _ in string.Formatter().parse(text):
            parts.append(literal)
            if name is not None:
                parts.append(self.get(name))
        return "".join(parts)


def read_plan(path: Path) -> dict[str, Any]:
    """A plan written by `ssdmigrate plan --json`; refuse anything else."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PlanFileError(f"cannot read the plan {path}: {exc.strerror}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise PlanFileError(
            f"{path} is not valid JSON: {exc}",
            remedy="Write it with: ssdmigrate plan --json > plan.json",
        ) from None
    if not isinstance(data, dict) or data.get("schema") != PLAN_SCHEMA:
        found = data.get("schema") if isinstance(data, dict) else type(data).__name__
        raise PlanFileError(
            f"{path} is not an ssdmigrate plan (schema {found!r}, "
            f"expected {PLAN_SCHEMA!r})"
        )
    return data


def plan_model(plan: Mapping[str, Any]) -> str | None:
    """The model identifier recorded in a plan, if the plan has one."""
    machine = plan.get("machine")
    model = machine.get("model") if isinstance(machine, dict) else None
    return model if isinstance(model, str) and model.strip() else None


def from_plan(plan: Mapping[str, Any] | None) -> dict[str, str]:
    """Placeholder values a plan gives; unknown or missing facts are left out."""
    if plan is None:
        return {}
    target = _section(plan, "target")
    source = _section(plan, "source")
    values = {
        "target_name": _text(plan.get("new_volume_name")),
        "target_size": human_size(target.get("size")),
        "target_media": _text(target.get("media_name")),
        "target_disk": _text(target.get("id")),
        "source_volume": _text(source.get("volume")),
        "clone_duration": human_duration(plan.get("estimate_seconds")),
    }
    return {name: value for name, value in values.items() if value}


def _section(plan: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = plan.get(key)
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def human_size(value: object) -> str:
    """Bytes in decimal units, as macOS has shown sizes since 10.6."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return ""
    if value >= 10**12:
        return f"{value / 10**12:.2f} TB"
    return f"{value / 10**9:.1f} GB"


def human_duration(value: object) -> str:
    """An estimate in words, rounded up to five minutes: it is a guess."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        return ""
    minutes = -(-int(value) // 300) * 5
    if minutes < 60:
        return f"about {minutes} minutes"
    hours, rest = divmod(minutes, 60)
    unit = "hour" if hours == 1 else "hours"
    return f"about {hours} {unit}" + (f" {rest} minutes" if rest else "")
