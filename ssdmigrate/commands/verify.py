"""`ssdmigrate verify`: compare a clone with its source, file by file."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import click

from ssdmigrate.app import App
from ssdmigrate.errors import SsdmigrateError
from ssdmigrate.exits import Exit
from ssdmigrate.verify import (
    DEFAULT_SAMPLE,
    MODES,
    VerifyOptions,
    VerifyResult,
    build_excludes,
    compare_trees,
)
from ssdmigrate.verify_progress import Progress, estimate_bytes
from ssdmigrate.verify_result import render_text

log = logging.getLogger("ssdmigrate.verify")

EXCLUDE_HELP = (
    "Leave out paths matching this glob (repeatable), relative to the roots: "
    "with a '/' it is anchored at the roots, without one it matches that name "
    "at any depth; * and ? stop at '/', ** does not. A matched folder is left "
    "out with all it holds."
)


class VerifyIncomplete(SsdmigrateError):
    """No differences were found, but some entries could not be compared."""


@click.command(
    "verify",
    epilog="Exit status: 0 the trees match (after exclusions), 4 they differ, "
    "1 the comparison failed or some entries could not be compared.",
)
@click.option(
    "--source",
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="The folder that was copied (a volume's mount point, say).",
)
@click.option(
    "--target",
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="The copy to check.",
)
@click.option(
    "--mode",
    type=click.Choice(MODES),
    default="metadata",
    show_default=True,
    help="metadata only; plus a random sample of files' bytes; plus every byte.",
)
@click.option(
    "--sample",
    type=click.IntRange(min=0),
    default=DEFAULT_SAMPLE,
    show_default=True,
    metavar="N",
    help="Files to compare in --mode sample.",
)
@click.option("--seed", type=int, metavar="N", help="Repeat an earlier sample.")
@click.option(
    "--exclude", "excludes", multiple=True, metavar="PATTERN", help=EXCLUDE_HELP
)
@click.option(
    "--no-default-excludes",
    is_flag=True,
    help="Compare what a running macOS changes by itself too.",
)
@click.option(
    "--show-excludes", is_flag=True, help="Print the exclusion list and exit."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object on stdout.")
@click.pass_obj
def verify(
    app: App,
    source: Path | None,
    target: Path | None,
    mode: str,
    sample: int,
    seed: int | None,
    excludes: tuple[str, ...],
    no_default_excludes: bool,
    show_excludes: bool,
    as_json: bool,
) -> None:
    """Compare a clone with its source, file by file.

    Differences inside excluded paths are not counted; --show-excludes
    lists them.
    """
    patterns = build_excludes(excludes, defaults=not no_default_excludes)
    if show_excludes:
        _print_excludes(patterns.patterns, as_json)
        return
    if source is None or target is None:
        raise click.UsageError("--source and --target are both needed")
    options = VerifyOptions(mode=mode, sample=sample, seed=seed, excludes=patterns)
    result = _run(app, source, target, options)
    _print_result(result, as_json, verbose=app.verbosity >= 1)
    _finish(result)


def _run(app: App, source: Path, target: Path, options: VerifyOptions) -> VerifyResult:
    log.info("verify %s against %s, mode %s", target, source, options.mode)
    total = estimate_bytes(str(source), options.mode)
    with Progress(enabled=app.verbosity >= 0, total_bytes=total) as progress:
        result = compare_trees(source, target, options, on_start=progress.attach)
    log.info("%s", render_text(result, limit=None))
    return result


def _print_excludes(patterns: tuple[str, ...], as_json: bool) -> None:
    if as_json:
        obj = {"schema": "ssdmigrate.verify-excludes/1", "excludes": list(patterns)}
        click.echo(json.dumps(obj, indent=2))
        return
    for pattern in patterns:
        click.echo(pattern)


def _print_result(result: VerifyResult, as_json: bool, *, verbose: bool) -> None:
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2))
    else:
        click.echo(render_text(result, limit=None if verbose else 20))


def _finish(result: VerifyResult) -> None:
    if result.differs:
        raise click.exceptions.Exit(int(Exit.DIFFERENT))
    if result.errors:
        raise VerifyIncomplete(
            f"{len(result.errors):,} entries could not be compared",
            remedy="They are listed under errors; fix access to them and run again.",
        )
