"""`ssdmigrate scenarios`: the built-in simulated Macs."""

from __future__ import annotations

import click

from ssdmigrate import ui
from ssdmigrate.app import DEFAULT_SCENARIO
from ssdmigrate.sim.state import load_scenario, scenario_names


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def scenarios(as_json: bool) -> None:
    """List the built-in simulated Macs."""
    rows = [
        (name, str(load_scenario(name)["description"])) for name in scenario_names()
    ]
    if as_json:
        ui.print_json(
            {
                "schema": "ssdmigrate.scenarios/1",
                "default": DEFAULT_SCENARIO,
                "scenarios": [{"name": n, "description": d} for n, d in rows],
            }
        )
        return
    width = max(len(name) for name, _ in rows)
    for name, description in rows:
        mark = " (default)" if name == DEFAULT_SCENARIO else ""
        click.echo(f"{name:<{width}}  {description}{mark}")
