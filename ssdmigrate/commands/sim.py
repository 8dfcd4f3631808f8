"""`ssdmigrate sim`: reset, inspect or physically swap the simulated Mac."""

from __future__ import annotations

import json

import click

from ssdmigrate.app import DEFAULT_SCENARIO, App
from ssdmigrate.errors import UsageProblem
from ssdmigrate.sim.state import SimState


def _require_sim(app: App) -> None:
    if not app.simulated:
        raise UsageProblem(
            "`sim` works on the simulated Mac only",
            remedy="Put --simulate (or --scenario NAME) before it: "
            "ssdmigrate --simulate sim reset",
        )


@click.group()
def sim() -> None:
    """Reset, inspect or physically swap the simulated Mac."""


@sim.command()
@click.pass_obj
def reset(app: App) -> None:
    """Start the simulated Mac afresh from its scenario."""
    _require_sim(app)
    scenario = app.scenario or DEFAULT_SCENARIO
    SimState.fresh(app.sim_folder(), scenario)
    click.echo(f"The simulated Mac {scenario} is as new ({app.sim_folder()}).")


@sim.command()
@click.pass_obj
def show(app: App) -> None:
    """Print the simulated Mac's state as JSON."""
    _require_sim(app)
    from ssdmigrate.sim.backend import SimBackend

    backend = app.backend()
    assert isinstance(backend, SimBackend)
    click.echo(json.dumps(backend.state.data, indent=2, sort_keys=True))


@sim.command()
@click.option(
    "--start-from",
    type=click.Choice(["ssd", "old"]),
    default="ssd",
    show_default=True,
    help="Which disk the Mac starts from afterwards.",
)
@click.pass_obj
def swap(app: App, start_from: str) -> None:
    """Put the SSD inside the Mac and the old disk in the USB enclosure."""
    _require_sim(app)
    from ssdmigrate.sim.backend import SimBackend
    from ssdmigrate.sim.swap import swap as do_swap

    backend = app.backend()
    assert isinstance(backend, SimBackend)
    click.echo(do_swap(backend.state, start_from) + ".")
