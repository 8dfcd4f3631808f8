"""The command line: global options, lazily loaded commands, and the one place
where expected failures become messages and exit statuses."""

from __future__ import annotations

import importlib
import logging
import sys
from pathlib import Path
from typing import Any

import click

from ssdmigrate import __version__
from ssdmigrate.app import App
from ssdmigrate.errors import SsdmigrateError
from ssdmigrate.exits import Exit

# name -> "module:attribute". Commands load only when called, so that
# `ssdmigrate --help` and `disks` answer at once (no PDF, no progress bars).
COMMANDS: dict[str, str] = {
    "disks": "ssdmigrate.commands.disks:disks",
    "plan": "ssdmigrate.commands.plan:plan",
    "run": "ssdmigrate.commands.run:run",
    "resume": "ssdmigrate.commands.run:resume",
    "status": "ssdmigrate.commands.run:status",
    "abandon": "ssdmigrate.commands.run:abandon",
    "explain": "ssdmigrate.commands.explain:explain",
    "validate": "ssdmigrate.commands.validate:validate",
    "finish": "ssdmigrate.commands.finish:finish",
    "capture": "ssdmigrate.commands.capture:capture",
    "scenarios": "ssdmigrate.commands.scenarios:scenarios",
    "sim": "ssdmigrate.commands.sim:sim",
    "verify": "ssdmigrate.commands.verify:verify",
    "checklist": "ssdmigrate.commands.checklist:checklist",
}

SHORT_HELP: dict[str, str] = {
    "disks": "List the disks, the boot volume and the candidate targets.",
    "plan": "Check everything and show what a run would do; changes nothing.",
    "run": "Partition the SSD, clone this Mac onto it and check the clone.",
    "resume": "Go on with an interrupted run from the first step not done.",
    "status": "Show where the last run stands.",
    "abandon": "Close an unfinished run so that a new one can start.",
    "explain": "Explain pasted diskutil or asr output: the cause and what to try.",
    "validate": "Check that the clone is complete and ready to start up the Mac.",
    "finish": "After the swap: check the SSD started the Mac, and finish the job.",
    "capture": "Record this Mac's discovery outputs as a replay bundle.",
    "scenarios": "List the built-in simulated Macs.",
    "sim": "Reset, inspect or physically swap the simulated Mac.",
    "verify": "Compare a clone with its source, file by file.",
    "checklist": "Show, walk through or export the drive-swap checklist.",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attr = target.split(":")
        command = getattr(importlib.import_module(module), attr)
        assert isinstance(command, click.Command)
        return command

    def format_commands(
        self, ctx: click.Context, formatter: click.HelpFormatter
    ) -> None:
        # The short help is kept here so that listing the commands loads none.
        with formatter.section("Commands"):
            formatter.write_dl([(name, SHORT_HELP[name]) for name in sorted(COMMANDS)])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ssdmigrate")
@click.option("--simulate", is_flag=True, help="Use the built-in simulated Mac.")
@click.option(
    "--scenario", metavar="NAME", help="Which simulated Mac (implies --simulate)."
)
@click.option(
    "--sim-state",
    type=click.Path(path_type=Path),
    metavar="DIR",
    help="Folder that keeps the simulated Mac's state.",
)
@click.option(
    "--replay",
    type=click.Path(path_type=Path),
    metavar="DIR",
    help="Answer from a recorded replay bundle (read-only).",
)
@click.option(
    "--fault",
    "faults",
    multiple=True,
    metavar="STEP:KIND",
    help="Simulated Mac only: make a step fail (fail, busy, interrupt-at:N, ...).",
)
@click.option("-v", "--verbose", count=True, help="More detail (repeatable).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors and results.")
@click.option("--log-file", type=click.Path(path_type=Path), metavar="PATH")
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour in output; NO_COLOR turns it off.",
)
@click.pass_context
def cli(ctx: click.Context, /, **opts: Any) -> None:
    """Move a Mac's boot disk onto a new SSD: plan, partition, clone, validate, swap.

    Global options go before the command: ssdmigrate --simulate plan
    """
    from ssdmigrate import logs

    app = App(
        simulate=opts["simulate"],
        scenario=opts["scenario"],
        sim_state=opts["sim_state"],
        replay=opts["replay"],
        faults=opts["faults"],
        verbosity=-1 if opts["quiet"] else opts["verbose"],
        color=opts["color"],
    )
    app.check_options()
    app.log_path = logs.start(opts["log_file"], app.verbosity)
    ctx.obj = app


def main(argv: list[str] | None = None) -> None:
    sys.exit(run_cli(argv))


def run_cli(argv: list[str] | None = None) -> int:
    """Run the CLI and turn every outcome into an exit status."""
    try:
        # Without standalone mode, click returns the status of ctx.exit(N).
        status = cli.main(args=argv, prog_name="ssdmigrate", standalone_mode=False)
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except click.Abort as exc:
        # click turns Ctrl-C (and end of input at a prompt) into Abort.
        if isinstance(exc.__context__, KeyboardInterrupt):
            click.echo("Interrupted.", err=True)
            return Exit.INTERRUPTED
        click.echo("Aborted.", err=True)
        return Exit.FAILED
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except SsdmigrateError as exc:
        return _report_expected(exc)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return Exit.INTERRUPTED
    except Exception as exc:
        # Anything else is a bug: a short message, and the traceback in a report.
        return _report_bug(exc)
    return int(status) if isinstance(status, int) else Exit.OK


def _report_expected(exc: SsdmigrateError) -> int:
    from ssdmigrate import logs

    logging.getLogger("ssdmigrate").debug("failed: %s", exc)
    click.echo(f"Error: {exc.message}", err=True)
    if exc.remedy:
        click.echo(exc.remedy, err=True)
    log_path = logs.current_path()
    if log_path is not None:
        click.echo(f"Log: {log_path}", err=True)
    return int(exc.exit_code)


def _report_bug(exc: Exception) -> int:
    from ssdmigrate import logs

    report = logs.write_crash_report(logs.current_path(), exc)
    click.echo(f"Internal error: {type(exc).__name__}: {exc}", err=True)
    where = f" A crash report is in {report}." if report else ""
    click.echo(f"This is a bug in ssdmigrate.{where}", err=True)
    return Exit.BUG
