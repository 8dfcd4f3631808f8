"""Every run leaves a log file: each command at INFO, its output at DEBUG."""

from __future__ import annotations

import datetime
import logging
import os
import sys
import traceback
from pathlib import Path

from ssdmigrate import paths

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def new_log_path() -> Path:
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    return paths.log_dir() / f"run-{stamp}-{os.getpid()}.log"


def start(log_path: Path | None, verbosity: int) -> Path | None:
    """Open this run's log file and the stderr handler; return the file's path.

    A log folder that cannot be written (a read-only home) costs the log file,
    not the run.
    """
    root = logging.getLogger("ssdmigrate")
    root.setLevel(logging.DEBUG)
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    _add_console(root, verbosity)
    path = log_path or new_log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError as exc:
        root.warning("no log file (%s): %s", path, exc)
        return None
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(handler)
    root.info("ssdmigrate %s", " ".join(sys.argv[1:]))
    return path


def _add_console(root: logging.Logger, verbosity: int) -> None:
    console = logging.StreamHandler(sys.stderr)
    levels = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}
    console.setLevel(levels.get(verbosity, logging.DEBUG))
    console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    root.addHandler(console)


def current_path() -> Path | None:
    """The file this run logs to, if it could open one."""
    for handler in logging.getLogger("ssdmigrate").handlers:
        if isinstance(handler, logging.FileHandler):
            return Path(handler.baseFilename)
    return None


def write_crash_report(log_path: Path | None, exc: BaseException) -> Path | None:
    """Save the traceback beside the log, for a bug report."""
    folder = log_path.parent if log_path else paths.log_dir()
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    report = folder / f"crash-{stamp}-{os.getpid()}.txt"
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        report.write_text(f"ssdmigrate {' '.join(sys.argv[1:])}\n\n{text}")
    except OSError:
        return None
    logging.getLogger("ssdmigrate").debug("crash:\n%s", text)
    return report
