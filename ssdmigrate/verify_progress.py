"""Progress of a running `verify` on stderr: a bar on a terminal, plain lines
elsewhere, nothing for the first second (most small runs) or under -q.

A thread reads the live counters of the result every few tenths of a second,
so the comparison itself never waits for drawing.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from types import TracebackType
from typing import Any, TextIO

from ssdmigrate.verify_result import VerifyResult, human_size

QUIET_SECONDS = 1.0
TICK_SECONDS = 0.2
LINE_SECONDS = 10.0


def estimate_bytes(source: str, mode: str) -> int | None:
    """Bytes a full comparison will read, when the source is a whole volume.

    A volume's used space is its files' bytes plus some bookkeeping: close
    enough for time left. For a folder inside a volume there is no cheap
    estimate, and then no time left is shown.
    """
    if mode != "full" or not os.path.ismount(source):
        return None
    try:
        usage = os.statvfs(source)
    except OSError:
        return None
    return (usage.f_blocks - usage.f_bfree) * usage.f_frsize


class Progress:
    """Use as a context manager around the comparison; `attach` gives it the
    live result (pass it as `compare_trees(on_start=...)`)."""

    def __init__(
        self,
        *,
        enabled: bool,
        total_bytes: int | None = None,
        stream: TextIO | None = None,
    ) -> None:
        self.enabled = enabled
        self.total_bytes = total_bytes
        self._result: VerifyResult | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="progress", daemon=True)
        self._stream: TextIO = stream or sys.stderr

    def attach(self, result: VerifyResult) -> None:
        self._result = result

    def __enter__(self) -> Progress:
        if self.enabled:
            self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        started = time.monotonic()
        if self._stop.wait(QUIET_SECONDS):
            return
        if self._stream.isatty():
            self._draw_bar(started)
        else:
            self._print_lines(started)

    def _print_lines(self, started: float) -> None:
        while True:
            self._stream.write(f"verify: {self._status(started)}\n")
            self._stream.flush()
            if self._stop.wait(LINE_SECONDS):
                return

    def _status(self, started: float) -> str:
        entries, done = self._counts()
        elapsed = max(time.monotonic() - started, 1e-9)
        rate = f"{human_size(int(done / elapsed))}/s"
        return (
            f"{entries:,} entries, {human_size(done)} compared, {rate}, "
            f"{_clock(elapsed)} elapsed{self._time_left(done, elapsed)}"
        )

    def _time_left(self, done: int, elapsed: float) -> str:
        if not self.total_bytes or done <= 0:
            return ""
        left = max(self.total_bytes - done, 0) * elapsed / done
        return f", about {_clock(left)} left"

    def _counts(self) -> tuple[int, int]:
        if self._result is None:
            return 0, 0
        stats = self._result.stats
        return stats.entries, stats.bytes_compared

    def _draw_bar(self, started: float) -> None:
        progress, task = _rich_bar(self._stream, self.total_bytes)
        with progress:
            while not self._stop.wait(TICK_SECONDS):
                entries, done = self._counts()
                progress.update(task, completed=done, entries=f"{entries:,}")
            entries, done = self._counts()
            progress.update(task, completed=done, entries=f"{entries:,}")


def _rich_bar(stream: TextIO, total: int | None) -> tuple[Any, Any]:
    # Imported here: rich costs a tenth of a second, and most runs never draw.
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    progress = Progress(
        TextColumn("verify: {task.fields[entries]} entries"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(file=stream),
        transient=True,
    )
    task = progress.add_task("verify", total=total, entries="0")
    return progress, task


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"
