"""Progress: reading it from asr's output, and showing it to people or scripts.

asr --puppetstrings prints tab-separated lines; every known parser takes the
second field of `PSTT`/`PINF`/`PSTP` lines as a percentage and the fourth as
the pass ("restore" or "verify"), and `XSTA` lines as status changes (the
macos-tools reference, §1.5; no raw macOS transcript exists, so anything else
is kept as text, never guessed at). Without --puppetstrings asr prints
`Restoring  ....10....20...`; the last number on such a line is the percent.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TextIO

_DOTS = re.compile(r"(Restoring|Verifying|Replicating)\s+[.\d]*?(\d+)\s*$")
_PASS_WEIGHT = {"restore": 0.0, "verify": 0.5}


@dataclass
class AsrProgress:
    """Follows one asr run: its pass and percent, and the lines that were not
    progress (kept to explain a failure)."""

    phase: str = "restore"
    percent: int = 0
    verifying: bool = False
    text: list[str] = field(default_factory=list)

    def feed(self, line: str) -> float | None:
        """The overall fraction done after this line, or None if it was not progress."""
        fields = line.split("\t")
        if fields[0] == "XSTA" and len(fields) > 1:
            self._phase(fields[1])
            return None
        if fields[0] in ("PSTT", "PINF", "PSTP") and len(fields) > 1:
            return self._percent(fields[1], fields[3] if len(fields) > 3 else None)
        dots = _DOTS.search(line)
        if dots:
            return self._percent(
                dots.group(2), "verify" if dots.group(1) == "Verifying" else None
            )
        self.text.append(line)
        return None

    def _phase(self, name: str) -> None:
        self.phase = name
        if name == "verify":
            self.verifying = True

    def _percent(self, value: str, phase: str | None) -> float | None:
        try:
            percent = max(0, min(100, int(float(value))))
        except ValueError:
            self.text.append(value)
            return None
        if phase is not None:
            self._phase(phase)
        self.percent = percent
        # Two passes, copy then verify, each half of the work.
        base = 0.5 if self.verifying else 0.0
        return base + percent / 200


class Reporter(Protocol):
    def step_started(self, step: str, title: str) -> None: ...

    def progress(
        self, step: str, fraction: float, done: int | None, total: int | None
    ) -> None: ...

    def step_finished(self, step: str, status: str, seconds: float) -> None: ...

    def note(self, level: str, message: str) -> None: ...

    def result(self, data: dict[str, Any]) -> None: ...


class JsonEvents:
    """One JSON object per line on stdout, for scripts that run many Macs."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self._last: dict[str, int] = {}
        self._lock = threading.Lock()  # a watchdog thread reports too

    def _emit(self, event: str, **fields: Any) -> None:
        line = json.dumps({"event": event, **fields}) + "\n"
        with self._lock:
            self.stream.write(line)
            self.stream.flush()

    def step_started(self, step: str, title: str) -> None:
        self._emit("step-started", step=step, title=title)

    def progress(
        self, step: str, fraction: float, done: int | None, total: int | None
    ) -> None:
        percent = int(fraction * 100)
        if self._last.get(step) == percent:
            return  # one event per whole percent is plenty
        self._last[step] = percent
        self._emit("progress", step=step, percent=percent, bytes=done, total=total)

    def step_finished(self, step: str, status: str, seconds: float) -> None:
        self._emit("step-finished", step=step, status=status, seconds=round(seconds, 2))

    def note(self, level: str, message: str) -> None:
        self._emit(
            "finding" if level in ("ok", "warn", "fail") else "message",
            level=level,
            message=message,
        )

    def result(self, data: dict[str, Any]) -> None:
        self._emit("result", **data)


def _rate(done: int | None, started: float, clock: Callable[[], float]) -> str:
    elapsed = clock() - started
    if not done or elapsed <= 0:
        return ""
    return f", {done / elapsed / 1e6:.0f} MB/s"


class PlainLines:
    """Lines on stderr (not a terminal): a line at each tenth, so a log stays short."""

    def __init__(
        self,
        stream: TextIO | None = None,
        quiet: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.clock = clock
        self._lock = threading.Lock()
        self._tenth: dict[str, int] = {}
        self._started: dict[str, float] = {}

    def _say(self, text: str) -> None:
        if not self.quiet:
            with self._lock:
                self.stream.write(text + "\n")
                self.stream.flush()

    def step_started(self, step: str, title: str) -> None:
        self._started[step] = self.clock()
        # The copy's items share one progress line, timed from the first item.
        self._started.setdefault(step.split(":")[0], self._started[step])
        self._say(f"-> {title}")

    def progress(
        self, step: str, fraction: float, done: int | None, total: int | None
    ) -> None:
        tenth = int(fraction * 10)
        if tenth <= self._tenth.get(step, 0):
            return
        self._tenth[step] = tenth
        size = f" ({done / 1e9:.1f} of {total / 1e9:.1f} GB" if done and total else ""
        rate = _rate(done, self._started.get(step, self.clock()), self.clock)
        self._say(f"   {tenth * 10}%{size}{rate}{')' if size else ''}")

    def step_finished(self, step: str, status: str, seconds: float) -> None:
        if status != "done":
            self._say(f"   {status} after {seconds:.0f} s")

    def note(self, level: str, message: str) -> None:
        self._say(message if level == "info" else f"{level.upper()}: {message}")

    def result(self, data: dict[str, Any]) -> None:
        pass


class ProgressBar(PlainLines):
    """A live bar on a terminal: percent, bytes, rate and time left."""

    def __init__(
        self, stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(stream, clock=clock)
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=Console(file=self.stream),
            transient=True,
            get_time=clock,
        )
        self._tasks: dict[str, Any] = {}

    def step_started(self, step: str, title: str) -> None:
        self._progress.console.print(f"-> {title}")

    def progress(
        self, step: str, fraction: float, done: int | None, total: int | None
    ) -> None:
        if step not in self._tasks:
            self._progress.start()
            self._tasks[step] = self._progress.add_task(step, total=total or 100)
        task = self._tasks[step]
        completed = done if done is not None and total else fraction * 100
        self._progress.update(task, completed=completed, total=total or 100)

    def step_finished(self, step: str, status: str, seconds: float) -> None:
        task = self._tasks.pop(step, None)
        if task is not None:
            self._progress.remove_task(task)
        if not self._tasks:
            self._progress.stop()
        super().step_finished(step, status, seconds)

    def note(self, level: str, message: str) -> None:
        self._progress.console.print(
            message if level == "info" else f"{level.upper()}: {message}"
        )
