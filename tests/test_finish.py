"""finish: after the swap, on the simulated Mac."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ssdmigrate.exits import Exit
from tests.test_cli import sim


@pytest.fixture
def cloned(cli, tmp_path: Path) -> list[str]:  # type: ignore[no-untyped-def]
    args = sim(tmp_path, "mbp2012-el-capitan")
    assert cli(*args, "run", "--yes", "--confirm-target", "disk1").code == Exit.OK
    return args


def _findings(cli, args: list[str]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    ran = cli(*args, "finish", "--json")
    assert ran.code == Exit.OK, ran.err
    data = ran.json()
    assert data["schema"] == "ssdmigrate.finish/1"
    return {f["code"]: f for f in data["findings"]}


def test_after_run_and_swap_the_mac_runs_from_the_clone(cli, cloned: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert cli(*cloned, "sim", "swap").code == Exit.OK
    found = _findings(cli, cloned)
    assert (
        found["booted-clone"]["level"] == "ok"
        and "inside the Mac" in found["booted-clone"]["message"]
    )
    assert (
        found["recovery"]["level"] == "ok"
        and "Apple_Boot" in found["recovery"]["message"]
    )
    assert (
        found["trim-off"]["level"] == "warn"
        and "trimforce enable" in found["trim-off"]["remedy"]
    )
    assert {"startup-disk", "time-machine", "apps-sign-in", "keep-old-drive"} <= set(
        found
    )
    assert "filevault" not in found  # it was off on this Mac


def test_before_the_swap_it_says_so(cli, cloned: list[str]) -> None:  # type: ignore[no-untyped-def]
    found = _findings(cli, cloned)
    assert found["not-swapped"]["level"] == "warn"
    assert "enclosure" in found["not-swapped"]["message"]
    assert "trim-off" not in found  # nothing more is checked on the old system


def test_started_from_the_old_disk_after_the_swap(cli, cloned: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert cli(*cloned, "sim", "swap", "--start-from", "old").code == Exit.OK
    found = _findings(cli, cloned)
    assert found["booted-old-disk"]["level"] == "warn"
    assert "Startup Disk" in found["booted-old-disk"]["remedy"]


def test_no_run_recorded(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    found = _findings(cli, sim(tmp_path, "mbp2012-el-capitan"))
    assert found["no-run"]["level"] == "fail"


def test_filevault_reminder_when_it_was_on(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    args = sim(tmp_path, "mbp2011-sierra-filevault")
    ran = cli(*args, "run", "--yes", "--confirm-target", "disk2")
    assert ran.code == Exit.OK, ran.err
    assert cli(*args, "sim", "swap").code == Exit.OK
    found = _findings(cli, args)
    assert found["booted-clone"]["level"] == "ok"
    assert "turn it on again" in found["filevault"]["remedy"]


def test_trimforce_runs_attached_and_turns_trim_on(
    cli, cloned: list[str], tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from ssdmigrate.runner import Runner
    from ssdmigrate.sim.backend import SimBackend

    cli(*cloned, "sim", "swap")
    runner = Runner(
        SimBackend.open("mbp2012-el-capitan", tmp_path / "mbp2012-el-capitan")
    )
    assert runner.run_attached(["trimforce", "enable"]) == 0
    assert _findings(cli, cloned)["trim"]["level"] == "ok"
