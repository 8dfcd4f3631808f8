"""The one door to the operating system: every external command goes through here.

A `Runner` hands each argv to a backend: the real Mac (`MacBackend`), a
recorded replay bundle (`ssdmigrate.replay.ReplayBackend`) or the simulated
Mac (`ssdmigrate.sim.backend.SimBackend`). No other module imports subprocess.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shlex
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ssdmigrate.errors import CommandFailed, Refused, ToolMissing
from ssdmigrate.tools import TOOL_PATHS, is_read_only, tool_name

log = logging.getLogger(__name__)

LineHandler = Callable[[str], None]


@dataclass(frozen=True)
class Result:
    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def check(self) -> Result:
        """Raise `CommandFailed` (keeping argv and both streams) unless it succeeded."""
        if self.returncode != 0:
            raise CommandFailed(self.argv, self.returncode, self.stdout, self.stderr)
        return self


class Backend(Protocol):
    """What runs a command, and answers the few questions no command answers."""

    name: str
    writable: bool

    def execute(
        self, argv: Sequence[str], *, on_line: LineHandler | None, timeout: float | None
    ) -> Result: ...

    def host_path(self, mount_point: str) -> Path:
        """Where the files of the volume mounted at mount_point can be read here."""
        ...

    def volume_used_bytes(self, mount_point: str) -> int: ...

    def attached(self, argv: Sequence[str]) -> int: ...


class Runner:
    """Runs argv lists (first element a bare tool name) through one backend.

    `read_only=True` refuses any call that could change a disk: plan mode and
    replay bundles use it, so a dry run cannot write by mistake.
    """

    def __init__(self, backend: Backend, *, read_only: bool = False) -> None:
        self.backend = backend
        self.read_only = read_only or not backend.writable
        self.history: list[Result] = []

    def run(
        self,
        argv: Sequence[str],
        *,
        check: bool = True,
        on_line: LineHandler | None = None,
        timeout: float | None = None,
    ) -> Result:
        if self.read_only and not is_read_only(argv):
            raise Refused(
                f"refused to run {shlex.join(argv)}: this mode only reads "
                f"({self.backend.name} backend)",
                remedy="Run without --replay, and with `run` rather than `plan`.",
            )
        log.info("run: %s", shlex.join(argv))
        result = self.backend.execute(argv, on_line=on_line, timeout=timeout)
        self.history.append(result)
        log.info("exit %d: %s", result.returncode, tool_name(argv))
        log.debug("stdout:\n%s", result.stdout)
        log.debug("stderr:\n%s", result.stderr)
        return result.check() if check else result

    def run_attached(self, argv: Sequence[str]) -> int:
        """Run with this terminal as the command's own, for tools that ask
        questions themselves (trimforce). Nothing is captured but the status."""
        if self.read_only and not is_read_only(argv):
            raise Refused(f"refused to run {shlex.join(argv)}: this mode only reads")
        log.info("run attached: %s", shlex.join(argv))
        code = self.backend.attached(argv)
        log.info("exit %d: %s", code, tool_name(argv))
        return code


def resolve(argv: Sequence[str]) -> list[str]:
    """Swap the bare tool name for its absolute path from the tool table."""
    name = tool_name(argv)
    path = TOOL_PATHS.get(name)
    if path is None:
        raise ToolMissing(name, "(not in ssdmigrate's tool table)")
    if not os.path.exists(path):
        raise ToolMissing(name, path)
    return [path, *argv[1:]]


def _child_env() -> dict[str, str]:
    # Apple's tools print localized error text ("Fehler 49244", "Autorisation
    # refusée" in the recorded captures). Whether LC_ALL=C turns that off is
    # unverified (macos-tools reference, open question 10), so error matching
    # keys on numbers and structure as well; asking for C costs nothing.
    env = dict(os.environ)
    env["LC_ALL"] = "C"
    env["LANG"] = "C"
    # asr flushes progress lines promptly with this set (google/restor does so).
    env["NSUnbufferedIO"] = "YES"
    return env


class MacBackend:
    """The real Mac: runs Apple's tools by absolute path."""

    name = "mac"
    writable = True

    def execute(
        self, argv: Sequence[str], *, on_line: LineHandler | None, timeout: float | None
    ) -> Result:
        full = resolve(argv)
        if on_line is None:
            done = subprocess.run(
                full,
                capture_output=True,
                text=True,
                errors="replace",
                env=_child_env(),
                timeout=timeout,
                check=False,
            )
            return Result(tuple(argv), done.returncode, done.stdout, done.stderr)
        return stream(full, tuple(argv), on_line, timeout)

    def host_path(self, mount_point: str) -> Path:
        return Path(mount_point)

    def volume_used_bytes(self, mount_point: str) -> int:
        import psutil

        return int(psutil.disk_usage(mount_point).used)

    def attached(self, argv: Sequence[str]) -> int:
        return subprocess.run(resolve(argv), env=_child_env(), check=False).returncode

    @contextlib.contextmanager
    def keep_awake(self) -> Iterator[None]:
        """caffeinate -i -w <our pid>: no idle sleep while this process lives."""
        awake = subprocess.Popen(resolve(["caffeinate", "-i", "-w", str(os.getpid())]))
        try:
            yield
        finally:
            awake.terminate()


def stream(
    full: list[str], argv: tuple[str, ...], on_line: LineHandler, timeout: float | None
) -> Result:
    """Run a long command, handing each stdout line over as it comes.

    The child gets its own process group, so Ctrl-C here stops it and anything
    it started; the KeyboardInterrupt then goes on up to the caller.
    """
    proc = subprocess.Popen(
        full,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        env=_child_env(),
        start_new_session=True,
    )
    err_chunks: list[str] = []
    reader = threading.Thread(target=_drain, args=(proc.stderr, err_chunks))
    reader.start()
    out_lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            out_lines.append(line)
            on_line(line.rstrip("\n"))
        proc.wait(timeout=timeout)
    except BaseException:
        stop_group(proc)
        raise
    finally:
        reader.join()
    return Result(argv, proc.returncode, "".join(out_lines), "".join(err_chunks))


def _drain(pipe: object, chunks: list[str]) -> None:
    for line in pipe:  # type: ignore[attr-defined]  # a text-mode pipe
        chunks.append(line)


def stop_group(proc: subprocess.Popen[str], grace: float = 5.0) -> None:
    """SIGINT the child's whole group, then SIGTERM, then SIGKILL if it lingers."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue
