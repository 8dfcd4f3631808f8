"""`ssdmigrate capture`: record this Mac's discovery outputs as a replay bundle."""

from __future__ import annotations

from pathlib import Path

import click

from ssdmigrate import capture as recorder
from ssdmigrate.app import App


@click.command()
@click.option(
    "--out",
    "folder",
    required=True,
    type=click.Path(path_type=Path),
    metavar="DIR",
    help="Folder to write the bundle into.",
)
@click.option("--redact", is_flag=True, help="Mask serial numbers and UUIDs.")
@click.pass_obj
def capture(app: App, folder: Path, redact: bool) -> None:
    """Record this Mac's discovery outputs as a replay bundle.

    It runs the read-only commands ssdmigrate relies on and keeps their output.

    Anyone can then see what the tool saw: ssdmigrate --replay DIR disks
    """
    runner = app.runner(read_only=True)
    snapshot = recorder.record(runner)
    index = recorder.write(folder, runner, snapshot, redact)
    count = len({r.argv for r in runner.history})
    click.echo(
        f"Recorded {count} commands in {index}"
        + (" (serial numbers and UUIDs masked)" if redact else "")
    )
