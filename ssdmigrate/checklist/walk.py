"""Walk a checklist one step at a time in the terminal, and remember where.

The position is saved after every confirmed step, so a walk left with 'q' or
Ctrl-C resumes later at the first step not yet confirmed: the step that was on
screen when it was left is asked again, never assumed done (checklists are
restarted after an interruption, as flight-deck practice has it).
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from ssdmigrate import atomic, paths
from ssdmigrate.checklist.document import UNCONFIRMED, DocStep, Document
from ssdmigrate.checklist.render import pause_lines
from ssdmigrate.errors import Refused

STATE_SCHEMA = "ssdmigrate.walk/1"
LEAVE = "q"


@dataclass(frozen=True)
class WalkResult:
    status: str  # "done", "left" or "paused"
    position: int  # the step to ask next (1-based); total + 1 when done
    total: int
    resume: str

    def to_text(self) -> str:
        if self.status == "done":
            return f"Checklist complete: all {self.total} steps confirmed."
        return (
            f"Stopped before step {self.position} of {self.total}. "
            f"Resume with: {self.resume}"
        )


class _Leave(Exception):
    """The owner typed q: save nothing more and stop."""


def state_path(doc: Document) -> Path:
    safe_model = re.sub(r"[^A-Za-z0-9,._-]", "_", doc.model_id)
    return (
        paths.state_dir() / "checklist-walk" / f"{doc.checklist_id}--{safe_model}.json"
    )


def load_confirmed(path: Path, doc: Document) -> list[str]:
    """Confirmed step ids from an earlier walk; steps since removed are dropped."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, dict) or data.get("schema") != STATE_SCHEMA:
        return []
    known = {step.id for step in doc.steps}
    return [s for s in data.get("confirmed", []) if isinstance(s, str) and s in known]


def save_confirmed(path: Path, doc: Document, confirmed: list[str]) -> None:
    atomic.write_json(
        path,
        {
            "schema": STATE_SCHEMA,
            "checklist": doc.checklist_id,
            "model": doc.model_id,
            "confirmed": confirmed,
        },
    )


def walk(doc: Document, path: Path, resume: str) -> WalkResult:
    """Ask each unconfirmed step in order; raises Refused at a failed gate."""
    confirmed = load_confirmed(path, doc)
    steps = doc.steps
    pending = [step for step in steps if step.id not in confirmed]
    if pending and confirmed:
        click.echo(f"Resuming at step {pending[0].number} of {len(steps)}.", err=True)
    shown_phase = ""
    for step in pending:
        shown_phase = _show_phase(doc, step, shown_phase)
        try:
            status = _ask(step, len(steps))
        except _Leave:
            status = "left"
        if status != "ok":
            return WalkResult(status, step.number, len(steps), resume)
        confirmed.append(step.id)
        save_confirmed(path, doc, confirmed)
    return WalkResult("done", len(steps) + 1, len(steps), resume)


def _show_phase(doc: Document, step: DocStep, shown: str) -> str:
    phase = next(p for p in doc.phases if step in p.steps)
    if phase.id != shown:
        title = f"Phase {phase.number} of {len(doc.phases)}: {phase.title}"
        click.echo(f"\n== {title} ==", err=True)
    return phase.id


def _ask(step: DocStep, total: int) -> str:
    if step.notice is not None:
        click.echo(f"\n  [{step.notice.level}] {step.notice.text}", err=True)
    click.echo(f"\n[{step.number}/{total}] {step.text}", err=True)
    if step.unconfirmed:
        click.echo(f"  ({UNCONFIRMED})", err=True)
    if step.kind == "do-confirm":
        _confirm("Done? y = yes, q = leave for now")
    else:
        _answer("Press Enter when done, q to leave for now", {""})
    return _pause(step) if step.pause is not None else "ok"


def _confirm(question: str) -> None:
    _answer(question, {"y", "yes"})


def _answer(question: str, accepted: set[str]) -> str:
    while True:
        reply = _read_reply(question)
        if reply == LEAVE:
            raise _Leave
        if reply in accepted:
            return reply


def _read_reply(question: str) -> str:
    """One line from the owner. End of input is Ctrl-D: leave, as Ctrl-C does.

    Read directly rather than with click.prompt, whose test runner in click 8.1
    answers an empty line for ever once input runs out.
    """
    click.echo(f"{question}: ", err=True, nl=False)
    line = sys.stdin.readline()
    if not line:
        raise click.Abort
    return line.strip().lower()


def _pause(step: DocStep) -> str:
    assert step.pause is not None
    for line in pause_lines(step)[:-1] if step.pause.if_not else pause_lines(step):
        click.echo(f"  {line}", err=True)
    reply = _answer("y = yes, n = no, q = leave for now", {"y", "yes", "n", "no"})
    if reply.startswith("y"):
        return "ok"
    if step.pause.gate:
        raise Refused(
            f"step {step.number} is a pause point that needs a yes: "
            f"{step.pause.question}",
            remedy=step.pause.if_not or "Fix the cause, then walk again.",
        )
    if step.pause.if_not:
        click.echo(step.pause.if_not, err=True)
    return "paused"
