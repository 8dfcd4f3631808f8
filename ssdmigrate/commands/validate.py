"""`ssdmigrate validate`: is the clone ready for a test start-up?"""

from __future__ import annotations

import click

from ssdmigrate import ui
from ssdmigrate.app import App
from ssdmigrate.errors import UsageProblem
from ssdmigrate.exits import Exit
from ssdmigrate.findings import by_severity, text_lines
from ssdmigrate.journal import Journal
from ssdmigrate.validate import Clone, Validation
from ssdmigrate.validate import validate as check


def clone_from_journal(app: App, journal: Journal, target: str | None) -> Clone:
    from ssdmigrate.discovery import discover
    from ssdmigrate.targeting import locate

    if target is None:
        snapshot = discover(app.runner(read_only=True))
        confirmed = journal.confirmed_identity()
        target = locate(
            snapshot, str(journal.data["confirmed"]["target"]), confirmed
        ).id
    return Clone.from_plan(journal.plan(), target, journal.data["resolved"].get("main"))


def clone_without_journal(app: App, target: str, name: str) -> Clone:
    from ssdmigrate.discovery import discover
    from ssdmigrate.plan_clone import excluded

    boot = discover(app.runner(read_only=True)).boot
    return Clone(
        disk=target,
        main_uuid=None,
        name=name,
        source_used=boot.used,
        source_recovery_size=boot.recovery_size,
        hfs=boot.filesystem != "APFS",
        excluded=excluded(),
    )


def render(result: Validation) -> str:
    lines = []
    for finding in by_severity(result.findings):
        lines.extend(text_lines(finding))
    verdict = (
        "Ready: start up from the SSD while it is in its enclosure (hold Option "
        "at start-up) before you open the Mac."
        if result.ready
        else "Not ready: do not swap the drive yet; see what to do above."
    )
    return "\n".join([*lines, "", verdict]) + "\n"


@click.command()
@click.option("--target", help="The SSD's disk (default: the one the last run used).")
@click.option(
    "--name",
    default="SSD Boot HD",
    show_default=True,
    help="The clone's volume name, when no run was recorded.",
)
@click.option("--sample", default=1000, show_default=True, help="Files to compare.")
@click.option("--seed", type=int, help="Repeat an earlier sample.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def validate(
    app: App,
    target: str | None,
    name: str,
    sample: int,
    seed: int | None,
    as_json: bool,
) -> None:
    """Check that the clone is complete and ready to start up the Mac."""
    journal = Journal.load(app.journal_path()) if app.replay is None else None
    if journal is not None:
        clone = clone_from_journal(app, journal, target)
    elif target is not None:
        clone = clone_without_journal(app, target, name)
    else:
        raise UsageProblem(
            "no run is recorded, so say which disk holds the clone",
            remedy="ssdmigrate validate --target disk1",
        )
    result = check(app.runner(read_only=True), clone, sample=sample, seed=seed)
    click.echo(ui.json_text(result.to_json()) if as_json else render(result), nl=False)
    if not result.ready:
        raise click.exceptions.Exit(Exit.FAILED)
