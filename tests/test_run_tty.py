"""The interactive confirmation, through a real pseudo-terminal."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path


def _spawn(tmp_path: Path, home: Path) -> tuple[subprocess.Popen[bytes], int]:
    primary, secondary = pty.openpty()
    env = dict(
        os.environ,
        HOME=str(home),
        XDG_STATE_HOME=str(home / "state"),
        SSDMIGRATE_SIM_SPEED="0",
        COLUMNS="100",
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ssdmigrate",
            "--sim-state",
            str(tmp_path / "sim"),
            "--simulate",
            "run",
        ],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        close_fds=True,
    )
    os.close(secondary)
    return proc, primary


def _read_until(fd: int, text: str, seconds: float = 60) -> str:
    seen = b""
    deadline = time.monotonic() + seconds
    while text.encode() not in seen:
        assert time.monotonic() < deadline, (
            f"never saw {text!r} in:\n{seen.decode(errors='replace')}"
        )
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                seen += os.read(fd, 4096)
            except OSError:  # the other side closed
                break
    return seen.decode(errors="replace")


def _finish(proc: subprocess.Popen[bytes], fd: int) -> str:
    rest = ""
    try:
        while True:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready and proc.poll() is not None:
                break
            if ready:
                chunk = os.read(fd, 4096)
                if not chunk:
                    break
                rest += chunk.decode(errors="replace")
    except OSError:
        pass
    proc.wait(60)
    os.close(fd)
    return rest


def test_wrong_answer_changes_nothing_then_the_right_one_runs(
    tmp_path: Path, _isolated_home: Path
) -> None:
    proc, fd = _spawn(tmp_path, _isolated_home)
    _read_until(fd, "Type disk1 or OWC Mercury Extreme Pro SSD to go on")
    os.write(fd, b"disk0\n")
    out = _finish(proc, fd)
    assert proc.returncode == 1
    assert "Nothing was changed" in out
    assert not (tmp_path / "sim" / "journal.json").exists()

    proc, fd = _spawn(tmp_path, _isolated_home)
    shown = _read_until(fd, "to go on")
    assert "This ERASES OWC Mercury Extreme Pro SSD (disk1)" in shown
    os.write(fd, b"OWC Mercury Extreme Pro SSD\n")
    _read_until(fd, "start up once from the SSD, to test it?")
    os.write(fd, b"y\n")
    out = _finish(proc, fd)
    assert proc.returncode == 0, out
    assert "Restart now" in out
    state = json.loads((tmp_path / "sim" / "state.json").read_text())
    assert state["next_boot"]["once"] is True  # bless --setBoot --nextonly
    assert (
        json.loads((tmp_path / "sim" / "journal.json").read_text())["state"] == "done"
    )
