"""`ssdmigrate explain`: what a pasted diskutil or asr error means."""

from __future__ import annotations

import sys

import click

from ssdmigrate import ui
from ssdmigrate.explain import explain as find
from ssdmigrate.explain import to_json


@click.command()
@click.argument(
    "source", type=click.File("r", encoding="utf-8", errors="replace"), default="-"
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def explain(source: click.utils.LazyFile, as_json: bool) -> None:
    """Explain pasted diskutil or asr output: the cause and what to try."""
    if source.name == "<stdin>" and sys.stdin.isatty():
        click.echo("Paste the output, then press Control-D:", err=True)
    matches = find(source.read())
    if as_json:
        ui.print_json(to_json(matches))
        return
    if not matches:
        click.echo("Nothing in this output is a failure ssdmigrate knows.")
        return
    for match in matches:
        click.echo(f"[{match.code}] {match.cause}\n  What to do: {match.remedy}")
