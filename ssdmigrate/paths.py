"""Where the tool keeps its logs and state, following each platform's habits."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _home() -> Path:
    return Path(os.environ.get("HOME") or Path.home())


def log_dir() -> Path:
    """~/Library/Logs/ssdmigrate on macOS, the XDG state folder elsewhere."""
    if sys.platform == "darwin":
        return _home() / "Library" / "Logs" / "ssdmigrate"
    return state_dir() / "logs"


def state_dir() -> Path:
    if sys.platform == "darwin":
        return _home() / "Library" / "Application Support" / "ssdmigrate"
    base = os.environ.get("XDG_STATE_HOME") or str(_home() / ".local" / "state")
    return Path(base) / "ssdmigrate"


def sim_state_dir(scenario: str) -> Path:
    """One folder per simulated Mac, so each scenario keeps its own disks."""
    return state_dir() / "sim" / scenario
