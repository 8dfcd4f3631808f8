"""`ssdmigrate checklist`: list, show, walk through or export the swap checklist."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from ssdmigrate import __version__, atomic, models
from ssdmigrate.checklist import document, facts, library, render
from ssdmigrate.checklist.schema import Checklist
from ssdmigrate.errors import UsageProblem

LIST_SCHEMA = "ssdmigrate.checklists/1"
FORMATS = ("md", "txt", "html", "pdf")
# Tests set this to drive the walk through CliRunner, whose stdin is no terminal.
FORCE_INTERACTIVE_ENV = "SSDMIGRATE_FORCE_INTERACTIVE"


@dataclass(frozen=True)
class ListResult:
    checklists: tuple[Checklist, ...]

    def to_json(self) -> dict[str, Any]:
        rows = [
            {
                "id": c.id,
                "title": c.title,
                "models": list(c.model_ids),
                "generic": c.generic,
                "refusal": c.refuse is not None,
            }
            for c in self.checklists
        ]
        return {"schema": LIST_SCHEMA, "checklists": rows}

    def to_text(self) -> str:
        return "\n\n".join(_list_entry(c) for c in self.checklists) + "\n"


def _list_entry(checklist: Checklist) -> str:
    covers = ", ".join(checklist.model_ids)
    if checklist.generic:
        covers = "any other Mac with a 2.5-inch SATA bay (generic)"
    return f"{checklist.id}\n  {checklist.title}\n  Models: {covers}"


def _emit(result: Any, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(result.to_text(), nl=False)


model_option = click.option(
    "--model",
    metavar="ID",
    help="Model identifier, e.g. MacBookPro9,2 (default: this Mac).",
)
plan_option = click.option(
    "--plan",
    "plan_path",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="A plan from `ssdmigrate plan --json`, to fill in the target's facts.",
)


@click.group()
def checklist() -> None:
    """Show, walk through or export the drive-swap checklist."""


@checklist.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_checklists(as_json: bool) -> None:
    """The checklists and the Mac models each one covers."""
    lib = library.bundled()
    _emit(ListResult(tuple(lib.checklists.values())), as_json)


@checklist.command()
@model_option
@plan_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show(
    ctx: click.Context, model: str | None, plan_path: Path | None, as_json: bool
) -> None:
    """The checklist for this Mac, or for --model, filled in from --plan."""
    doc = _document(ctx, model, plan_path, dt.date.today().isoformat())
    if as_json:
        click.echo(json.dumps(doc.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(render.text(doc), nl=False)


@checklist.command()
@model_option
@plan_option
@click.option("--restart", is_flag=True, help="Forget earlier progress and start over.")
@click.pass_context
def walk(
    ctx: click.Context, model: str | None, plan_path: Path | None, restart: bool
) -> None:
    """Go through the checklist step by step; leave with q and resume later."""
    from ssdmigrate.checklist import walk as walker

    if not _interactive():
        raise UsageProblem(
            "checklist walk asks questions and needs a terminal",
            remedy="Run it in Terminal, or print the checklist: "
            "ssdmigrate checklist export --format pdf -o checklist.pdf",
        )
    doc = _document(ctx, model, plan_path, dt.date.today().isoformat())
    path = walker.state_path(doc)
    if restart:
        path.unlink(missing_ok=True)
    _warn_refusal(doc)
    try:
        result = walker.walk(doc, path, document.resume_command(doc.model_id))
    except click.Abort:
        click.echo(
            f"\nProgress is saved. Resume with: "
            f"{document.resume_command(doc.model_id)}",
            err=True,
        )
        raise
    click.echo(result.to_text())


def _interactive() -> bool:
    return os.environ.get(FORCE_INTERACTIVE_ENV) == "1" or sys.stdin.isatty()


def _warn_refusal(doc: document.Document) -> None:
    if doc.refusal:
        click.echo(f"NO SWAP: {doc.refusal}", err=True)


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    if value is None:
        return dt.date.today().isoformat()
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter("use the form YYYY-MM-DD") from None


@checklist.command()
@model_option
@plan_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    required=True,
    help="md, txt, html or pdf.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    metavar="FILE",
    help="Where to write it.",
)
@click.option(
    "--date",
    callback=_parse_date,
    metavar="YYYY-MM-DD",
    help="The date printed on it (default: today).",
)
@click.pass_context
def export(
    ctx: click.Context,
    model: str | None,
    plan_path: Path | None,
    fmt: str,
    output: Path,
    date: str,
) -> None:
    """Write a printable checklist: Markdown, text, HTML or PDF."""
    doc = _document(ctx, model, plan_path, date)
    atomic.write_bytes(output, _rendered(doc, fmt))
    click.echo(f"Wrote the {fmt} checklist for {doc.model_id} to {output}")


def _rendered(doc: document.Document, fmt: str) -> bytes:
    if fmt == "pdf":
        from ssdmigrate.checklist import pdf  # fpdf2 loads only for PDFs

        return pdf.render(doc)
    renderers = {"md": render.markdown, "txt": render.text, "html": render.html_page}
    return renderers[fmt](doc).encode("utf-8")


def _document(
    ctx: click.Context, model: str | None, plan_path: Path | None, date: str
) -> document.Document:
    plan = facts.read_plan(plan_path) if plan_path is not None else None
    model_id = model or (facts.plan_model(plan) if plan else None) or _this_mac(ctx)
    selection = library.select(library.bundled(), models.table(), model_id.strip())
    if selection.fallback:
        click.echo(
            f"Note: {model_id} is not in the model table; showing the generic "
            "2.5-inch procedure.",
            err=True,
        )
    doc_facts = document.make_facts(selection, plan)
    return document.build(selection, doc_facts, date=date, version=__version__)


def _this_mac(ctx: click.Context) -> str:
    from ssdmigrate.discovery import model_identifier  # runs sysctl via the runner

    return str(model_identifier(ctx.obj.runner(read_only=True)))
