from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from ssdmigrate import runner
from ssdmigrate.errors import CommandFailed, Refused, ToolMissing
from ssdmigrate.runner import MacBackend, Result, Runner
from tests.conftest import RealToolCalled


def test_failed_command_error_keeps_and_prints_everything() -> None:
    result = Result(
        ("diskutil", "eraseVolume", "free", "free", "disk2s2"),
        1,
        "Started erase on disk2s2\n",
        "Error: -69879: Couldn't open disk\n",
    )
    with pytest.raises(CommandFailed) as caught:
        result.check()
    error = caught.value
    assert (error.argv, error.returncode) == (list(result.argv), 1)
    assert str(error) == (
        "command failed: diskutil eraseVolume free free disk2s2\n"
        "exit status: 1\n"
        "stdout:\n    Started erase on disk2s2\n"
        "stderr:\n    Error: -69879: Couldn't open disk"
    )


def test_empty_streams_are_shown_as_empty() -> None:
    error = CommandFailed(["asr", "restore"], 1, "", "")
    assert "stdout:\n    (empty)\nstderr:\n    (empty)" in error.format()


def test_a_test_can_never_run_a_real_tool() -> None:
    with pytest.raises(RealToolCalled):
        MacBackend().execute(["diskutil", "list", "-plist"], on_line=None, timeout=5)


def test_missing_tool_is_reported_with_its_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.undo()  # the real resolve, on a machine without Apple's tools
    if os.path.exists("/usr/sbin/diskutil"):
        pytest.skip("this machine has diskutil")
    with pytest.raises(ToolMissing, match="/usr/sbin/diskutil"):
        runner.resolve(["diskutil", "list"])
    with pytest.raises(ToolMissing, match="tool table"):
        runner.resolve(["rm", "-rf", "/"])


class _Echo:
    name, writable = "echo", True

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def execute(self, argv, *, on_line, timeout):  # type: ignore[no-untyped-def]
        self.calls.append(list(argv))
        return Result(tuple(argv), 0, "", "")


def test_read_only_runner_refuses_changes_and_runs_nothing() -> None:
    backend = _Echo()
    reader = Runner(backend, read_only=True)  # type: ignore[arg-type]
    reader.run(["diskutil", "info", "-plist", "disk0"])
    for argv in (
        ["diskutil", "partitionDisk", "disk1", "GPT", "JHFS+", "A", "0"],
        ["asr", "restore", "--source", "/", "--target", "/Volumes/A"],
        ["bless", "--folder", "/Volumes/A/System/Library/CoreServices"],
        ["ditto", "/Applications", "/Volumes/A/Applications"],
    ):
        with pytest.raises(Refused):
            reader.run(argv)
    assert backend.calls == [["diskutil", "info", "-plist", "disk0"]]


def test_stream_hands_over_lines_as_they_come() -> None:
    code = "import sys\nfor i in range(3):\n    print(f'PINF\\t{i}\\t100\\trestore', flush=True)\nsys.stderr.write('warn\\n')"
    seen: list[str] = []
    result = runner.stream([sys.executable, "-c", code], ("asr",), seen.append, 30)
    assert seen == [
        "PINF\t0\t100\trestore",
        "PINF\t1\t100\trestore",
        "PINF\t2\t100\trestore",
    ]
    assert (result.returncode, result.stderr) == (0, "warn\n")


def test_ctrl_c_stops_the_whole_process_group(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    code = (
        "import os, subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pids)!r}, 'w').write(f'{{os.getpid()}} {{child.pid}}')\n"
        "print('started', flush=True)\n"
        "time.sleep(60)\n"
    )

    def interrupt(line: str) -> None:
        raise KeyboardInterrupt

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        runner.stream([sys.executable, "-c", code], ("asr",), interrupt, 60)
    assert time.monotonic() - started < 30
    for pid in map(int, pids.read_text().split()):
        assert not _alive(pid), f"process {pid} outlived Ctrl-C"


def _alive(pid: int) -> bool:
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        try:  # a zombie of ours is dead too
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                return False
        except ChildProcessError:
            pass
        time.sleep(0.1)
    return True
