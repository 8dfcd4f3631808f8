"""One checklist filled in for one Mac: what every output format prints."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ssdmigrate import paths
from ssdmigrate.checklist.facts import Facts, from_plan
from ssdmigrate.checklist.library import Selection
from ssdmigrate.checklist.schema import Notice, Pause, Phase, Source, Step
from ssdmigrate.models import Hazard

DOCUMENT_SCHEMA = "ssdmigrate.checklist/1"
UNCONFIRMED = "Unconfirmed: check against your model's repair guide."
GATE_RULE = "Do not go on until the answer is yes."


@dataclass(frozen=True)
class DocStep:
    number: int
    id: str
    kind: str
    text: str
    notice: Notice | None
    unconfirmed: bool
    pause: Pause | None


@dataclass(frozen=True)
class DocPhase:
    number: int
    id: str
    title: str
    steps: tuple[DocStep, ...]


@dataclass(frozen=True)
class Document:
    checklist_id: str
    model_id: str
    title: str
    facts: tuple[tuple[str, str], ...]  # (label, value) for the title block
    note: str | None
    refusal: str | None
    hazards: tuple[Hazard, ...]
    tools: tuple[str, ...]
    phases: tuple[DocPhase, ...]
    help: tuple[str, ...]
    sources: tuple[Source, ...]
    date: str
    version: str

    @property
    def steps(self) -> tuple[DocStep, ...]:
        return tuple(step for phase in self.phases for step in phase.steps)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": DOCUMENT_SCHEMA,
            "checklist": self.checklist_id,
            "model": self.model_id,
            "title": self.title,
            "facts": dict(self.facts),
            "note": self.note,
            "refusal": self.refusal,
            "hazards": [h.__dict__ for h in self.hazards],
            "tools": list(self.tools),
            "phases": [_phase_json(p) for p in self.phases],
            "if_something_goes_wrong": list(self.help),
            "sources": [s.__dict__ for s in self.sources],
            "date": self.date,
            "version": self.version,
        }


def _phase_json(phase: DocPhase) -> dict[str, Any]:
    steps = [
        {
            "number": s.number,
            "id": s.id,
            "kind": s.kind,
            "text": s.text,
            "notice": s.notice.__dict__ if s.notice else None,
            "unconfirmed": s.unconfirmed,
            "pause": s.pause.__dict__ if s.pause else None,
        }
        for s in phase.steps
    ]
    return {"id": phase.id, "title": phase.title, "steps": steps}


def log_location() -> str:
    """The log folder, with the home folder shortened to ~ for print."""
    folder = str(paths.log_dir())
    home = os.environ.get("HOME") or str(Path.home())
    if home and folder.startswith(home.rstrip("/") + "/"):
        return "~" + folder[len(home.rstrip("/")) :]
    return folder


def resume_command(model_id: str) -> str:
    return f"ssdmigrate checklist walk --model {model_id}"


def make_facts(selection: Selection, plan: Mapping[str, Any] | None) -> Facts:
    """Placeholder values from the model table, the plan and this install."""
    info = selection.info
    values = {
        "model_id": selection.model_id,
        "model_name": info.name if info else selection.model_id,
        "log_path": log_location(),
        "resume_command": resume_command(selection.model_id),
    }
    values.update(from_plan(plan))
    return Facts(values)


def build(selection: Selection, facts: Facts, *, date: str, version: str) -> Document:
    checklist = selection.checklist
    keys = (selection.model_id,) + ((selection.info.key,) if selection.info else ())
    refusal = facts.fill(checklist.refuse) if checklist.refuse else None
    return Document(
        checklist_id=checklist.id,
        model_id=selection.model_id,
        title=_title(facts, refusal is not None),
        facts=_title_facts(facts, checklist.title, refusal is not None),
        note=_fallback_note(selection),
        refusal=refusal,
        hazards=selection.info.hazards if selection.info else (),
        tools=checklist.tools,
        phases=_phases(checklist.phases, keys, facts),
        help=() if refusal else _help(facts),
        sources=checklist.sources,
        date=date,
        version=version,
    )


def _title(facts: Facts, refused: bool) -> str:
    if refused:
        return f"No drive swap for {facts.get('model_name')}"
    return f"Drive swap checklist: {facts.get('model_name')}"


def _title_facts(
    facts: Facts, procedure: str, refused: bool
) -> tuple[tuple[str, str], ...]:
    mac = ("Mac", facts.fill("{model_name}, {model_id}"))
    if refused:
        return (mac, ("Procedure", procedure))
    drive = facts.fill(
        "{target_name}, {target_size}, {target_media} ({target_disk} in the enclosure)"
    )
    return (mac, ("New drive", drive), ("Procedure", procedure))


def _fallback_note(selection: Selection) -> str | None:
    if not selection.fallback:
        return None
    return (
        f"{selection.model_id} is not in ssdmigrate's model table. This is the "
        "generic procedure for Macs with a 2.5-inch SATA drive bay: check your "
        "model's repair guide before you begin."
    )


def _phases(
    phases: tuple[Phase, ...], keys: tuple[str, ...], facts: Facts
) -> tuple[DocPhase, ...]:
    result: list[DocPhase] = []
    number = 0
    for phase in phases:
        steps = []
        for step in (s for s in phase.steps if s.applies_to(keys)):
            number += 1
            steps.append(_step(step, number, facts))
        if steps:
            result.append(
                DocPhase(len(result) + 1, phase.id, phase.title, tuple(steps))
            )
    return tuple(result)


def _step(step: Step, number: int, facts: Facts) -> DocStep:
    notice = (
        Notice(step.notice.level, facts.fill(step.notice.text)) if step.notice else None
    )
    pause = None
    if step.pause is not None:
        if_not = facts.fill(step.pause.if_not) if step.pause.if_not else None
        pause = Pause(facts.fill(step.pause.question), step.pause.gate, if_not)
    return DocStep(
        number,
        step.id,
        step.kind,
        facts.fill(step.text),
        notice,
        step.unconfirmed,
        pause,
    )


def _help(facts: Facts) -> tuple[str, ...]:
    return (
        "Stop, and do not force anything. The old drive still holds everything.",
        "To start up from the old drive, put it back, or connect it in the USB "
        "enclosure and hold Option (⌥) at start-up.",
        facts.fill("To pick up this checklist where you left it: {resume_command}"),
        facts.fill("ssdmigrate's logs are in {log_path}"),
    )
