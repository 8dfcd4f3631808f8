"""`ssdmigrate disks`: the disks, the boot volume and the disks behind it,
and which disks could be the new SSD."""

from __future__ import annotations

import sys
from typing import Any

import click

from ssdmigrate import ui
from ssdmigrate.app import App
from ssdmigrate.discovery import discover
from ssdmigrate.model import APFS_CONTAINER, APFS_VOLUME, Disk, Snapshot
from ssdmigrate.plan_target import problems
from ssdmigrate.sizes import human

SCHEMA = "ssdmigrate.disks/1"


def candidate(disk: Disk, snapshot: Snapshot) -> bool:
    """Could this disk be erased for the new system? The planner's rules decide."""
    return disk.physical and not problems(snapshot, disk)


def to_json(snapshot: Snapshot) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "machine": {
            "model": snapshot.machine.model,
            "os_version": snapshot.machine.os_version,
            "os_build": snapshot.machine.os_build,
        },
        "boot": {
            "volume": snapshot.boot.volume,
            "disks": list(snapshot.boot.disks),
            "filesystem": snapshot.boot.filesystem,
            "recovery": snapshot.boot.recovery,
        },
        "disks": [_disk_json(d, snapshot) for d in snapshot.disks],
        "notes": list(snapshot.notes),
    }


def _disk_json(disk: Disk, snapshot: Snapshot) -> dict[str, Any]:
    return {
        "id": disk.id,
        "size": disk.size,
        "kind": disk.kind,
        "internal": disk.internal,
        "solid_state": disk.solid_state,
        "bus": disk.bus,
        "scheme": disk.scheme,
        "media_name": disk.media_name,
        "serial": disk.serial,
        "behind_boot": disk.id in snapshot.boot.disks,
        "candidate": candidate(disk, snapshot),
        "partitions": [p.to_json() for p in disk.partitions],
    }


def _where(disk: Disk) -> str:
    if disk.internal is None:
        return "unknown"
    return "internal" if disk.internal else "external"


def _marks(disk: Disk, snapshot: Snapshot) -> str:
    if disk.id in snapshot.boot.disks:
        return "boot disk"
    if candidate(disk, snapshot):
        return "candidate"
    return "" if disk.info_ok else "details unknown"


def _ssd(disk: Disk) -> str:
    return {True: "SSD", False: "HDD", None: "?"}[disk.solid_state]


def render(app: App, snapshot: Snapshot) -> None:
    """A line per disk, an indented line per partition or volume."""
    color = ui.color_enabled(app, sys.stdout)
    name_width = max((len(d.media_name or "?") for d in snapshot.disks), default=1)
    for disk in snapshot.disks:
        kind = _ssd(disk) if disk.physical else disk.kind
        facts = f"{human(disk.size):>9}  {_where(disk)} {disk.bus or '?'} {kind}"
        mark = _marks(disk, snapshot)
        if mark:
            mark = click.style(f"  [{mark}]", bold=color)
        line = f"{disk.id:<7}{disk.media_name or '?':<{name_width}}  {facts}{mark}"
        click.echo(line, color=color)
        for line in _contents(disk, snapshot):
            click.echo(f"       {line}")
    click.echo(_boot_line(snapshot))
    for note in snapshot.notes:
        click.echo(f"note: {note}")


def _contents(disk: Disk, snapshot: Snapshot) -> list[str]:
    if not disk.partitions:
        return ["(no partitions)" if not disk.scheme else "(no volumes)"]
    width = max(len(p.name or "-") for p in disk.partitions)
    kinds = max(len(_content_name(p.content)) for p in disk.partitions) + 2
    lines = []
    for part in disk.partitions:
        mark = "  [boot volume]" if part.id == snapshot.boot.volume else ""
        where = f"  {part.mount_point}" if part.mount_point else ""
        content = _content_name(part.content)
        lines.append(
            f"{part.id:<9}{content:<{kinds}}{part.name or '-':<{width}}  "
            f"{human(part.size):>9}{where}{mark}"
        )
    return lines


def _content_name(content: str | None) -> str:
    names = {APFS_CONTAINER: "APFS container", APFS_VOLUME: "APFS volume"}
    return names.get(content or "", content or "?")


def _boot_line(snapshot: Snapshot) -> str:
    boot = snapshot.boot
    if boot.volume is None:
        return "Boot volume: none is mounted at / (a recording of another Mac?)"
    behind = ", ".join(boot.disks) or "unknown"
    return f"Boot volume: {boot.name} ({boot.volume}, {boot.filesystem}) on {behind}"


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def disks(app: App, as_json: bool) -> None:
    """List the disks, the boot volume and the candidate targets."""
    snapshot = discover(app.runner(read_only=True))
    if as_json:
        ui.print_json(to_json(snapshot))
    else:
        render(app, snapshot)
