"""The plan as text for people: problems first, then what will happen, then commands.

Plain text, no colour: it is often copied into a message or a support
request, and its commands are shell-quoted (shlex.join) so they paste as is.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator

from ssdmigrate import estimate
from ssdmigrate.findings import LABELS, Finding, by_severity, text_lines
from ssdmigrate.plan_model import Plan, Slice, Step, TargetInfo
from ssdmigrate.sizes import human


def render_json(plan: Plan) -> str:
    return json.dumps(plan.to_json(), indent=2, ensure_ascii=False) + "\n"


def render_text(plan: Plan) -> str:
    return "\n".join(_text(plan)).rstrip("\n") + "\n"


def _text(plan: Plan) -> Iterator[str]:
    yield from _headline(plan)
    yield from _problems(plan)
    if plan.target is not None and plan.steps:
        yield from _story(plan, plan.target)
        yield from _layout(plan, plan.target)
        yield from _commands(plan)
    elif plan.candidates:
        yield from _candidates(plan)
    yield from _passed(plan)


def _headline(plan: Plan) -> Iterator[str]:
    fails = sum(1 for f in plan.findings if f.level == "fail")
    if plan.ok:
        yield "Plan: ready. Nothing has been changed; `ssdmigrate run` carries it out."
    elif fails:
        noun = "problem stops" if fails == 1 else "problems stop"
        yield f"Plan: refused. {fails} {noun} it; nothing has been changed."
    else:
        yield "Plan: incomplete. Nothing has been changed."
    yield ""


def _problems(plan: Plan) -> Iterator[str]:
    shown = [f for f in by_severity(plan.findings) if f.level != "ok"]
    if not shown:
        return
    yield "Problems and warnings"
    for finding in shown:
        yield from _finding(finding)
    yield ""


def _finding(finding: Finding) -> Iterator[str]:
    yield from text_lines(finding)


def _story(plan: Plan, target: TargetInfo) -> Iterator[str]:
    yield "What's going to happen"
    for paragraph in _paragraphs(plan, target):
        yield from _wrap(paragraph)
        yield ""


def _paragraphs(plan: Plan, target: TargetInfo) -> list[str]:
    drive = target.media_name or "external disk"
    ssd = f"the {drive} ({human(target.size)}, {target.id})"
    mac = plan.machine.name or plan.machine.model or "this Mac"
    source = plan.source
    volume = f'"{source.name or source.volume}"'
    new = f'"{plan.new_volume_name}"'
    disk_name = ", ".join(source.disk_names) or "its internal disk"
    said = [
        f"1. Everything on {ssd} is erased. It gets {_layout_words(plan)}.",
        f"2. {volume} ({human(source.used_bytes)} in use, on the {disk_name} in "
        f"{mac}) is copied onto {new}. {_copy_words(plan)}",
    ]
    said += _recovery_words(plan)
    said.append(
        f"{len(said) + 1}. {new} is made able to start up the Mac, and its file "
        "system is checked."
    )
    said.append(
        f"Nothing on {volume} is changed. The whole job takes about "
        f"{estimate.duration(plan.estimate_seconds)}. Afterwards, "
        f"`ssdmigrate checklist` walks you through putting the SSD inside {mac}."
    )
    return said


def _layout_words(plan: Plan) -> str:
    new = f'"{plan.new_volume_name}"'
    main = next((s for s in plan.after if s.role in {"main", "apfs"}), None)
    size = human(main.size) if main else "the rest"
    if plan.era == "apfs":
        return (
            f"one APFS container holding {new} ({size}); macOS's Recovery comes "
            "along inside it, as on the Mac now"
        )
    if plan.recovery_size is None:
        return f"one volume, {new} ({size}), and no Recovery HD"
    return (
        f"{new} ({size}) for macOS and your files, and a {human(plan.recovery_size)} "
        "Recovery HD at the end"
    )


def _copy_words(plan: Plan) -> str:
    if plan.excluded:
        return (
            "It is copied file by file, one top-level folder at a time, leaving "
            "out caches, temporary files, swap files and Spotlight's index, which "
            "macOS rebuilds."
        )
    return "asr copies it as a whole and then checks the copy."


def _recovery_words(plan: Plan) -> list[str]:
    if plan.era != "hfs" or plan.source.recovery is None:
        return []
    return [
        f"3. The Recovery HD ({plan.source.recovery}) is copied onto the new one and "
        "marked as a recovery partition, so Command-R works after the swap."
    ]


def _wrap(text: str, width: int = 78) -> Iterator[str]:
    line = " "
    for word in text.split():
        if len(line) + len(word) + 1 > width:
            yield line
            line = "    " if text[0].isdigit() else " "
        line = f"{line} {word}"
    yield line


def _layout(plan: Plan, target: TargetInfo) -> Iterator[str]:
    yield f"{target.id} ({target.media_name}, {human(target.size)}) now and afterwards"
    yield "  Now:"
    yield from _slices(plan.before) if plan.before else iter(["    (no partitions)"])
    yield "  Afterwards (identifiers are predictions; the run checks them by UUID):"
    yield from _slices(plan.after)
    yield ""


def _slices(slices: tuple[Slice, ...]) -> Iterator[str]:
    for piece in slices:
        name = f'"{piece.name}"' if piece.name else "(free space)"
        used = f", {human(piece.used)} used" if piece.used is not None else ""
        size = human(piece.size)
        kind = piece.content or ""
        yield f"    {piece.id or '-':<10} {name:<22} {size:>10}  {kind}{used}"


def _commands(plan: Plan) -> Iterator[str]:
    yield "The commands, in order (run as root; copy them as they are)"
    for number, step in enumerate(plan.steps, 1):
        yield from _command(number, step)
    yield ""
    yield f"Estimated time: about {estimate.duration(plan.estimate_seconds)}."
    yield ""


def _command(number: int, step: Step) -> Iterator[str]:
    erase = "  [changes the SSD]" if step.destructive else ""
    yield f"  {number:>3}. {step.title}{erase}"
    yield f"       {shlex.join(step.argv)}"


def _candidates(plan: Plan) -> Iterator[str]:
    yield "External disks that could be erased"
    for c in plan.candidates:
        yield f"  {c.id:<8} {c.media_name or 'unnamed disk'}, {human(c.size)}, {c.bus}"
    yield ""


def _passed(plan: Plan) -> Iterator[str]:
    passed = [f for f in plan.findings if f.level == "ok"]
    if not passed:
        return
    yield "Checks passed"
    for finding in passed:
        yield f"  {LABELS['ok']}  {finding.message}"
        if finding.remedy:
            yield f"        Note: {finding.remedy}"
