"""`ssdmigrate run` and its companions `resume`, `status` and `abandon`.

`run` executes exactly the plan `ssdmigrate plan` prints, after the owner has
typed the disk's identifier or name (or, unattended, named it with
--confirm-target). It is the only command that changes a disk.
"""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path

import click

from ssdmigrate import ui
from ssdmigrate.app import App
from ssdmigrate.commands.plan import plan_options
from ssdmigrate.errors import Refused, SsdmigrateError, UsageProblem
from ssdmigrate.exits import Exit
from ssdmigrate.journal import Journal, machine_key
from ssdmigrate.model import Snapshot
from ssdmigrate.plan_model import Plan
from ssdmigrate.progress import JsonEvents, PlainLines, ProgressBar, Reporter
from ssdmigrate.validate import Validation

NOT_COPIED = (
    "Anything saved on this Mac after the copy starts is not on the SSD; "
    "copy such files over yourself before the swap."
)


def _reporter(app: App, as_json: bool) -> Reporter:
    # The simulated Mac keeps its own clock, so its rates read like real ones.
    clock = getattr(app.backend(), "clock", time.monotonic)
    if as_json:
        return JsonEvents()
    if app.verbosity < 0:
        return PlainLines(quiet=True)
    if sys.stderr.isatty():
        return ProgressBar(clock=clock)
    return PlainLines(clock=clock)


def _interactive() -> bool:
    return sys.stdin.isatty()


def _confirm(
    ident: str,
    media_name: str | None,
    yes: bool,
    confirm_target: str | None,
    command: str,
) -> None:
    """The severe-action rule: type the disk's name, or name it on the command line."""
    media = media_name or ident
    names = {ident, f"/dev/{ident}", media}
    if yes:
        if confirm_target is None:
            raise UsageProblem(
                f"--yes needs --confirm-target {ident}, naming the disk to erase",
                remedy=f"ssdmigrate {command} --yes --confirm-target {ident}",
            )
        if confirm_target not in names:
            raise Refused(
                f"--confirm-target {confirm_target} does not name the disk "
                f"that would be erased ({ident}, {media}); nothing was changed"
            )
        return
    if not _interactive():
        raise UsageProblem(
            "not a terminal, so nothing can be confirmed here",
            remedy=f"Run it in Terminal, or unattended: ssdmigrate "
            f"{command} --yes --confirm-target {ident}",
        )
    click.echo(f"\nThis ERASES {media} ({ident}) and everything on it.", err=True)
    answer = click.prompt(
        f"Type {ident} or {media} to go on", err=True, default="", show_default=False
    )
    if answer.strip() not in names:
        click.echo("That is not the disk's name. Nothing was changed.", err=True)
        raise click.exceptions.Exit(Exit.FAILED)


def _machine(snapshot: Snapshot) -> dict[str, object]:
    return machine_key(snapshot.machine.model, snapshot.boot.uuid)


def _refuse_root(app: App) -> None:
    from ssdmigrate.plan_gather import is_root

    if not is_root(app.runner(read_only=True)):
        args = " ".join(sys.argv[1:]) or "run"
        raise Refused(
            "changing disks needs root; nothing was changed",
            remedy=f"Run: sudo ssdmigrate {args}",
        )


def _open_journal(app: App) -> Journal | None:
    journal = Journal.load(app.journal_path())
    return journal if journal is not None and journal.is_open else None


@click.command()
@plan_options
@click.option("--yes", is_flag=True, help="Do not ask; needs --confirm-target.")
@click.option(
    "--confirm-target", metavar="DISK", help="Name the disk to erase (unattended)."
)
@click.option(
    "--json", "as_json", is_flag=True, help="One JSON event per line on stdout."
)
@click.pass_obj
def run(
    app: App,
    target: str | None,
    name: str,
    recovery_size: int,
    allow_image: bool,
    yes: bool,
    confirm_target: str | None,
    as_json: bool,
) -> None:
    """Partition the SSD, clone this Mac onto it and check the clone."""
    from ssdmigrate.commands.plan import gather, options_from
    from ssdmigrate.planner import build_plan
    from ssdmigrate.render_plan import render_json, render_text

    if app.replay is not None:
        raise UsageProblem(
            "run changes disks; a replay bundle can only be read",
            remedy="Use ssdmigrate --replay DIR plan to see the plan.",
        )
    if _open_journal(app) is not None:
        raise Refused(
            f"an unfinished run is recorded in {app.journal_path()}",
            remedy="Continue it with `ssdmigrate resume`, or close it with "
            "`ssdmigrate abandon`.",
        )
    facts = gather(app)
    plan = build_plan(facts, options_from(target, name, recovery_size, allow_image))
    if not as_json:
        click.echo(render_text(plan), nl=False)
    if not plan.ok:
        if as_json:
            click.echo(render_json(plan), nl=False)
        raise click.exceptions.Exit(Exit.REFUSED)
    _refuse_root(app)
    assert plan.target is not None
    _confirm(plan.target.id, plan.target.media_name, yes, confirm_target, "run")
    _execute(app, plan, facts.snapshot, as_json, offer=not yes and _interactive())


def _execute(
    app: App, plan: Plan, snapshot: Snapshot, as_json: bool, offer: bool
) -> None:
    from ssdmigrate.execute import Executor

    assert plan.target is not None
    reporter = _reporter(app, as_json)
    reporter.note("info", NOT_COPIED)
    disk = snapshot.disk(plan.target.id)
    assert disk is not None
    journal = Journal.start(
        app.journal_path(), plan, _machine(snapshot), disk.identity(), app.log_path
    )
    executor = Executor(app.runner(), journal, reporter)
    executor.run()
    _finished(app, journal, reporter, executor.target, offer=offer)


def _finished(
    app: App, journal: Journal, reporter: Reporter, target: str, offer: bool
) -> None:
    """Validate the clone, then offer the test start-up, the eject, the checklist."""
    from ssdmigrate.commands.validate import clone_from_journal
    from ssdmigrate.validate import validate

    reporter.step_started("check-clone", "Check the clone (files, system, start-up)")
    result = validate(
        app.runner(read_only=True), clone_from_journal(app, journal, target)
    )
    for finding in result.findings:
        reporter.note(finding.level, finding.message)
    journal.data["validation"] = result.to_json()
    journal.save()
    reporter.step_finished("check-clone", "done" if result.ready else "failed", 0.0)
    outcome = {
        "ok": result.ready,
        "journal": str(journal.path),
        "log": str(app.log_path) if app.log_path else None,
    }
    if not result.ready:
        reporter.result(outcome)
        raise SsdmigrateError(
            "the clone is not ready; do not swap the drive yet",
            remedy="ssdmigrate validate shows what is wrong and what to do.",
        )
    reporter.note(
        "info",
        f'Done: "{journal.plan().new_volume_name}" on the SSD is a '
        "copy of this Mac, checked, with its Recovery HD in place.",
    )
    _leave_journal_on_clone(app, journal, result.mount)
    reporter.note("info", NOT_COPIED)
    _next_steps(app, reporter, target, result, offer)
    reporter.result(outcome)


def _leave_journal_on_clone(app: App, journal: Journal, mount: str | None) -> None:
    """After the swap the clone is the system disk, and its /var/db holds a copy
    of the journal taken mid-copy: put the finished one there for `finish`."""
    from ssdmigrate.journal import MAC_JOURNAL

    if journal.path != MAC_JOURNAL or mount is None:
        return  # the simulated Mac keeps its journal beside its state
    on_clone = (
        app.backend().host_path(mount) / "private" / MAC_JOURNAL.relative_to("/var")
    )
    journal.copy_to(on_clone)


def _next_steps(
    app: App, reporter: Reporter, target: str, result: Validation, offer: bool
) -> None:
    """Open the Mac only for a clone that has started: test it in its enclosure."""
    mount = result.mount or f"/Volumes/{target}"
    test = ["bless", "--mount", mount, "--setBoot", "--nextonly"]
    if offer and click.confirm(
        "Set this Mac to start up once from the SSD, to test it?",
        err=True,
        default=True,
    ):
        app.runner().run(test)
        reporter.note(
            "info",
            "Restart now. The next start after that returns to the "
            "Mac's own disk by itself.",
        )
    elif offer and click.confirm("Eject the SSD now, to unplug it?", err=True):
        app.runner().run(["diskutil", "eject", target])
        reporter.note("info", f"{target} is ejected; you can unplug it.")
    else:
        reporter.note(
            "info",
            f"Test it first: sudo {shlex.join(test)}, then restart. "
            f"Before unplugging it: diskutil eject {target}",
        )
    reporter.note(
        "info",
        "The swap, step by step: ssdmigrate checklist walk "
        "(or print it: ssdmigrate checklist export --format pdf -o swap.pdf)",
    )
    if app.log_path and not isinstance(reporter, JsonEvents):
        click.echo(f"Log: {app.log_path}", err=True)


@click.command()
@click.option("--yes", is_flag=True, help="Do not ask; needs --confirm-target.")
@click.option("--confirm-target", metavar="DISK", help="Name the disk (unattended).")
@click.option(
    "--json", "as_json", is_flag=True, help="One JSON event per line on stdout."
)
@click.pass_obj
def resume(app: App, yes: bool, confirm_target: str | None, as_json: bool) -> None:
    """Go on with an interrupted run from the first step not done."""
    from ssdmigrate.discovery import discover
    from ssdmigrate.execute import Executor
    from ssdmigrate.targeting import locate

    journal = _open_journal(app)
    if journal is None:
        raise UsageProblem(
            "there is no unfinished run to resume",
            remedy="Start one with: ssdmigrate run",
        )
    snapshot = discover(app.runner(read_only=True))
    journal.check_machine(_machine(snapshot))
    confirmed = journal.confirmed_identity()
    # Found by identity: after a replug the SSD may have another number.
    disk = locate(snapshot, str(journal.data["confirmed"]["target"]), confirmed)
    if not journal.done("partition"):
        # Erasing has not happened yet: ask again, as for a new run.
        _confirm(disk.id, disk.media_name, yes, confirm_target, "resume")
    reporter = _reporter(app, as_json)
    reporter.note("info", f"Resuming at: {journal.next_step()}")
    journal.set_state("running")
    executor = Executor(app.runner(), journal, reporter, follow_identity=True)
    executor.run()
    _finished(app, journal, reporter, executor.target, offer=not yes and _interactive())


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def status(app: App, as_json: bool) -> None:
    """Show where the last run stands."""
    journal = Journal.load(app.journal_path())
    if journal is None:
        if as_json:
            ui.print_json({"schema": "ssdmigrate.status/1", "state": None})
        else:
            click.echo("No run has been recorded.")
        return
    if as_json:
        ui.print_json(
            {
                "schema": "ssdmigrate.status/1",
                "state": journal.state,
                "next_step": journal.next_step(),
                "steps": journal.data["steps"],
                "journal": str(journal.path),
                "log": journal.data.get("log"),
            }
        )
        return
    _print_status(journal)


def _print_status(journal: Journal) -> None:
    click.echo(
        f"Run {journal.data['run_id']}: {journal.state}"
        + (f" ({journal.data['message']})" if journal.data.get("message") else "")
    )
    for record in journal.data["steps"]:
        click.echo(f"  {record['status']:<12}{record['id']}")
    if journal.is_open:
        click.echo(f"Next: {journal.next_step()}. Continue with: ssdmigrate resume")
    click.echo(f"Journal: {journal.path}")


@click.command()
@click.option("--yes", is_flag=True, help="Do not ask.")
@click.pass_obj
def abandon(app: App, yes: bool) -> None:
    """Close an unfinished run so that a new one can start."""
    journal = _open_journal(app)
    if journal is None:
        raise UsageProblem("there is no unfinished run to abandon")
    if not yes:
        if not _interactive():
            raise UsageProblem("not a terminal", remedy="ssdmigrate abandon --yes")
        click.confirm(
            "Close the unfinished run? The SSD stays as it is now", err=True, abort=True
        )
    journal.set_state("abandoned", "closed by the owner")
    kept = journal.path.with_name(f"journal-{journal.data['run_id']}.json")
    Path(journal.path).replace(kept)
    click.echo(f"Closed. The old journal is kept as {kept}.")
