"""`ssdmigrate plan` through the command line, on every simulated Mac."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssdmigrate.exits import Exit
from ssdmigrate.sim.state import scenario_names
from ssdmigrate.tools import is_read_only
from tests.test_cli import sim


@pytest.mark.parametrize("scenario", scenario_names())
def test_plan_runs_only_read_only_commands(
    cli, tmp_path: Path, scenario: str, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from ssdmigrate.sim.backend import SimBackend

    seen: list[tuple[str, ...]] = []
    real = SimBackend.execute

    def spy(self, argv, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(tuple(argv))
        return real(self, argv, **kwargs)

    monkeypatch.setattr(SimBackend, "execute", spy)
    ran = cli(*sim(tmp_path, scenario), "plan", "--json")
    assert ran.code in (Exit.OK, Exit.REFUSED), ran.err
    assert seen and all(is_read_only(argv) for argv in seen), seen


def test_default_scenario_plans_the_whole_hfs_migration(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ran = cli(*sim(tmp_path, "mbp2012-el-capitan"), "plan", "--json")
    assert ran.code == Exit.OK
    plan = ran.json()
    assert (plan["ok"], plan["era"], plan["target"]["id"]) == (True, "hfs", "disk1")
    groups: list[str] = []
    for step in plan["steps"]:
        group = step["id"].split(":")[0]
        if group not in groups:
            groups.append(group)
    assert groups[:3] == ["unmount-target", "partition", "enable-ownership"]
    assert groups[-4:] == ["clone-recovery", "set-recovery-type", "bless", "validate"]
    assert {"ditto"} <= {
        s["argv"][0] for s in plan["steps"] if s["id"].startswith("clone:")
    }
    partition = next(s for s in plan["steps"] if s["id"] == "partition")
    assert partition["argv"][-6:-3] == ["JHFS+", "Recovery HD", "750002176B"]


def test_too_small_is_refused_with_the_numbers(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ran = cli(*sim(tmp_path, "mbp2012-too-small"), "plan")
    assert ran.code == Exit.REFUSED
    fail = next(line for line in ran.out.splitlines() if "FAIL" in line)
    assert "140.1 GB" in fail and "GB" in fail


def test_two_candidates_ask_for_target_then_name_the_data(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    args = sim(tmp_path, "two-external-disks")
    ran = cli(*args, "plan")
    assert ran.code == Exit.REFUSED and "--target" in ran.out
    chosen = cli(*args, "plan", "--target", "disk2")
    assert "Photos Backup" in chosen.out  # the volume that would be erased


@pytest.mark.parametrize(
    "scenario, target",
    [
        ("mbp2012-el-capitan", "disk0"),  # the boot disk, internal
        ("mbp2011-sierra-filevault", "disk0"),  # the CoreStorage physical volume's disk
        ("mbp2011-sierra-filevault", "disk1"),  # the CoreStorage logical volume
        ("macmini2012-mojave", "disk0"),  # the APFS container's physical store
        ("macmini2012-mojave", "disk1"),  # the APFS container itself
        ("mbp2012-el-capitan", "disk9"),  # no such disk
    ],
)
def test_disks_behind_the_boot_volume_are_refused(
    cli, tmp_path: Path, scenario: str, target: str
) -> None:  # type: ignore[no-untyped-def]
    ran = cli(*sim(tmp_path, scenario), "plan", "--target", target, "--json")
    assert ran.code == Exit.REFUSED
    plan = ran.json()
    assert not plan["ok"] and not any(s["destructive"] for s in plan["steps"])
    assert any(f["level"] == "fail" for f in plan["findings"])


def test_bad_recovery_size_is_a_usage_error(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ran = cli(*sim(tmp_path, "mbp2012-el-capitan"), "plan", "--recovery-size", "R")
    assert ran.code == Exit.USAGE and "Traceback" not in ran.err
