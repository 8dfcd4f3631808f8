"""`ssdmigrate finish`: after the first start from the new SSD."""

from __future__ import annotations

import sys

import click

from ssdmigrate import ui
from ssdmigrate.app import App
from ssdmigrate.findings import text_lines
from ssdmigrate.journal import Journal


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def finish(app: App, as_json: bool) -> None:
    """After the swap: check the SSD started the Mac, and finish the job."""
    from ssdmigrate.discovery import discover
    from ssdmigrate.finish import check

    snapshot = discover(app.runner(read_only=True))
    result = check(snapshot, Journal.load(app.journal_path()))
    if as_json:
        ui.print_json(result.to_json())
        return
    for finding in result.findings:
        click.echo("\n".join(text_lines(finding)))
    if result.trim_needed:
        _offer_trim(app)
    if result.todo:
        click.echo("\nStill to do:")
        for finding in result.todo:
            click.echo("\n".join(text_lines(finding)))


def _offer_trim(app: App) -> None:
    """trimforce asks its own question and restarts the Mac: only on an explicit
    yes, and attached to this terminal so the owner answers it."""
    if not sys.stdin.isatty():
        return
    if click.confirm("Run `sudo trimforce enable` now?", err=True, default=False):
        app.runner().run_attached(["trimforce", "enable"])
