"""What a check found: one line for the owner, with what to do about it.

Planning, validation and `finish` all speak in findings, so a refusal, a
warning and a passed check print and serialize the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

LEVELS = ("ok", "warn", "fail")
LABELS = {"fail": "FAIL", "warn": "WARN", "ok": " ok "}


@dataclass(frozen=True)
class Finding:
    """`code` is stable (scripts match on it); `message` names the actual things."""

    code: str
    level: str  # ok | warn | fail
    message: str
    remedy: str | None = None

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"finding level must be one of {LEVELS}: {self.level!r}")

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "level": self.level,
            "message": self.message,
            "remedy": self.remedy,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        return cls(
            code=str(data["code"]),
            level=str(data["level"]),
            message=str(data["message"]),
            remedy=data.get("remedy"),
        )


def ok(code: str, message: str, remedy: str | None = None) -> Finding:
    return Finding(code, "ok", message, remedy)


def warn(code: str, message: str, remedy: str | None = None) -> Finding:
    return Finding(code, "warn", message, remedy)


def fail(code: str, message: str, remedy: str | None = None) -> Finding:
    return Finding(code, "fail", message, remedy)


def failed(findings: Iterable[Finding]) -> bool:
    return any(f.level == "fail" for f in findings)


def by_severity(findings: Iterable[Finding]) -> list[Finding]:
    """Failures first, then warnings, then passed checks; stable within a level."""
    order = {"fail": 0, "warn": 1, "ok": 2}
    return sorted(findings, key=lambda f: order[f.level])


def text_lines(finding: Finding) -> list[str]:
    """A finding as people read it: level, message, code, then what to do."""
    lines = [f"  {LABELS[finding.level]}  {finding.message}  [{finding.code}]"]
    if finding.remedy:
        lines.append(f"        What to do: {finding.remedy}")
    return lines
