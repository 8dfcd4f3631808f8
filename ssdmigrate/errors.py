"""Expected failures. Each one becomes a message and an exit status at the CLI edge.

Anything that is not an `SsdmigrateError` is a bug: the CLI prints a short
message, writes a crash report and exits with `Exit.BUG`.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from ssdmigrate.exits import Exit


class SsdmigrateError(Exception):
    """A failure the tool expected and can explain, with what to do next."""

    exit_code: Exit = Exit.FAILED

    def __init__(self, message: str, *, remedy: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.remedy = remedy

    def __str__(self) -> str:
        if self.remedy:
            return f"{self.message}\n{self.remedy}"
        return self.message


class UsageProblem(SsdmigrateError):
    exit_code = Exit.USAGE


class Refused(SsdmigrateError):
    """A safety check said no. Nothing was changed."""

    exit_code = Exit.REFUSED


class Interrupted(SsdmigrateError):
    exit_code = Exit.INTERRUPTED


class NeedsMac(SsdmigrateError):
    """The command needs Apple's tools and this is not a Mac."""


class ParseError(SsdmigrateError):
    """A tool's output could not be understood (truncated, malformed, wrong shape)."""

    def __init__(self, what: str, problem: str, *, remedy: str | None = None) -> None:
        super().__init__(f"could not read {what}: {problem}", remedy=remedy)
        self.what = what
        self.problem = problem


class ReplayBundleError(SsdmigrateError):
    """A replay bundle is malformed; the message names the file and the problem."""


def _indent(text: str) -> str:
    text = text.rstrip("\n")
    if not text:
        return "    (empty)"
    return "\n".join("    " + line for line in text.splitlines())


class CommandFailed(SsdmigrateError):
    """An external command exited non-zero. Keeps the command and all it printed."""

    def __init__(
        self, argv: Sequence[str], returncode: int, stdout: str, stderr: str
    ) -> None:
        self.argv = list(argv)
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        super().__init__(self.format())

    def format(self) -> str:
        return (
            f"command failed: {shlex.join(self.argv)}\n"
            f"exit status: {self.returncode}\n"
            f"stdout:\n{_indent(self.stdout)}\n"
            f"stderr:\n{_indent(self.stderr)}"
        )


class ToolMissing(SsdmigrateError):
    """A tool the command needs is not installed where the tool table says."""

    def __init__(self, name: str, path: str) -> None:
        super().__init__(
            f"{name} was not found at {path}",
            remedy="ssdmigrate needs macOS's own tools; is this a Mac?",
        )
        self.name = name
        self.path = path
