"""Terminal output: one place decides colour, and where things are printed.

Results go to stdout; progress, prompts and messages to stderr. `--json`
output is printed alone on stdout, never mixed with text.
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from rich.console import Console

    from ssdmigrate.app import App


def color_enabled(app: App, stream: Any) -> bool:
    """--color decides; in auto, NO_COLOR (any value) and non-terminals turn it off."""
    if app.color == "never":
        return False
    if app.color == "always":
        return True
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def console(app: App, *, stderr: bool = False) -> Console:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    color = color_enabled(app, stream)
    return Console(
        file=stream,
        force_terminal=color if app.color == "always" else None,
        no_color=not color,
        color_system="auto" if color else None,
        highlight=False,
        soft_wrap=True,
    )


def json_text(obj: Any) -> str:
    return json.dumps(obj, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def print_json(obj: Any) -> None:
    click.echo(json_text(obj), nl=False)
