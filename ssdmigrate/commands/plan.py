"""`ssdmigrate plan`: the dry run. Reads the Mac, prints what a run would do."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime

import click

from ssdmigrate.app import App
from ssdmigrate.exits import Exit
from ssdmigrate.plan_facts import DEFAULT_NAME, PlanFacts, PlanOptions
from ssdmigrate.sizes import SizeError, parse_size


def _size(ctx: click.Context, param: click.Parameter, value: str) -> int:
    """--recovery-size in diskutil's grammar (750M, 1.5G, 650002432B), as bytes."""
    try:
        return parse_size(value)
    except SizeError as exc:
        raise click.BadParameter(exc.message) from exc


IMAGES_ENV = "SSDMIGRATE_TEST_IMAGES"  # set only by the real-Mac test suite


def _images(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value and os.environ.get(IMAGES_ENV) != "1":
        raise click.BadParameter("is for ssdmigrate's own test suite on disk images")
    return value


def plan_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options that shape a plan, shared by `plan` and `run`."""
    decorators = [
        click.option(
            "--target", metavar="DISK", help="The whole disk to erase, e.g. disk1."
        ),
        click.option(
            "--name",
            default=DEFAULT_NAME,
            show_default=True,
            help="The new volume's name.",
        ),
        click.option(
            "--recovery-size",
            metavar="SIZE",
            default="750M",
            callback=_size,
            show_default=True,
            help="Size of the new Recovery HD, in diskutil's grammar (750M, 1Gi).",
        ),
        click.option(
            "--allow-virtual-target",
            "allow_image",
            is_flag=True,
            hidden=True,
            callback=_images,
        ),
    ]
    for decorate in reversed(decorators):
        command = decorate(command)
    return command


def options_from(
    target: str | None, name: str, recovery_size: int, allow_image: bool
) -> PlanOptions:
    return PlanOptions(
        target=target,
        name=name,
        recovery_size=recovery_size,
        allow_image_target=allow_image,
    )


@click.command("plan")
@plan_options
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
@click.pass_context
def plan(
    ctx: click.Context,
    target: str | None,
    name: str,
    recovery_size: int,
    allow_image: bool,
    as_json: bool,
) -> None:
    """Check everything and show what a run would do; changes nothing.

    It shows the checks, then the run step by step with its exact commands.
    Exits 3 when a check refuses the plan or a disk must be chosen with --target.
    """
    from ssdmigrate.planner import build_plan
    from ssdmigrate.render_plan import render_json, render_text

    app: App = ctx.obj
    options = options_from(target, name, recovery_size, allow_image)
    made = build_plan(gather(app), options)

    click.echo(render_json(made) if as_json else render_text(made), nl=False)
    if not made.ok:
        ctx.exit(Exit.REFUSED)


def gather(app: App) -> PlanFacts:
    """Discover, then read the few extra facts, all with a read-only runner."""
    from ssdmigrate.discovery import discover
    from ssdmigrate.plan_gather import gather_facts

    runner = app.runner(read_only=True)
    snapshot = discover(runner)
    # Time Machine names backups in local time, so "now" is local too.
    return gather_facts(runner, snapshot, datetime.now())
