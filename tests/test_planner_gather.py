"""Reading the plan's extra facts, and the `plan` command on the simulated Mac."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from ssdmigrate.app import App
from ssdmigrate.commands import plan as plan_command
from ssdmigrate.errors import ParseError
from ssdmigrate.plan_facts import OpenFile
from ssdmigrate.plan_gather import (
    is_root,
    parse_destinations,
    parse_latest_backup,
    parse_lsof,
)
from ssdmigrate.runner import Result, Runner


def result(stdout: str = "", stderr: str = "", code: int = 0) -> Result:
    return Result(("tool",), code, stdout, stderr)


# Path layout from tmutil(8) BACKUP STRUCTURE and the real-world-systems sample.
@pytest.mark.parametrize(
    "stdout",
    [
        "/Volumes/bakvol/Backups.backupdb/mymac/2011-08-26-104514\n",
        "/Volumes/.timemachine/ABC/2011-08-26-104514.backup/2011-08-26-104514.backup\n",
    ],
)
def test_latest_backup_is_read_from_the_stamp_in_its_path(stdout: str) -> None:
    status = parse_latest_backup(result(stdout))

    assert status.known and status.latest == datetime(2011, 8, 26, 10, 45, 14)


def test_no_backup_is_known_to_be_none() -> None:
    status = parse_latest_backup(result(stderr="No machine directory found.\n", code=1))

    assert status.known and status.latest is None
    assert parse_latest_backup(result("")).latest is None


def test_tmutil_printing_an_error_with_exit_0_is_unknown_not_a_pass() -> None:
    said = "Failed to mount backup destination, error: Error Domain=...\n"
    status = parse_latest_backup(result(said))

    assert not status.known and "Failed to mount" in status.detail


def test_an_impossible_time_stamp_fails_loudly() -> None:
    with pytest.raises(ParseError):
        parse_latest_backup(result("/Volumes/B/Backups.backupdb/m/2011-13-45-999999\n"))


DESTINATIONS = """\
====================================================
Name          : TM With Spaces
Kind          : Local
Mount Point   : /Volumes/TM With Spaces
ID            : AAAAAAAA-0000-0000-0000-000000000000
====================================================
Name          : Tensho
Kind          : Network
URL           : afp://Tensho@Capsule._afpovertcp._tcp.local/Tensho
ID            : D397B0D6-2714-47D1-9860-4B7616EC61CC
"""


def test_destination_mount_points_are_read_and_unmounted_ones_have_none() -> None:
    assert parse_destinations(result(DESTINATIONS)) == ("/Volumes/TM With Spaces",)
    none = result(stderr="tmutil: No destinations configured.\n", code=1)
    assert parse_destinations(none) == ()
    assert parse_destinations(result("something else entirely\n")) is None


def test_lsof_fields_name_each_process_once_per_pid() -> None:
    out = "p412\ncPreview\nf5\nn/Volumes/Old/a.pdf\nf6\nn/Volumes/Old/b.pdf\np9\ncmds\n"

    assert parse_lsof(result(out)) == (
        OpenFile(412, "Preview", "/Volumes/Old/a.pdf"),
        OpenFile(9, "mds", None),
    )


def test_lsof_exit_1_without_output_means_nothing_is_open() -> None:
    assert parse_lsof(result(code=1)) == ()


@pytest.mark.parametrize(
    "bad",
    [result("412\n"), result("pabc\n"), result(stderr="lsof: status error\n", code=1)],
)
def test_lsof_output_that_does_not_parse_fails_loudly(bad: Result) -> None:
    with pytest.raises(ParseError):
        parse_lsof(bad)


class _Backend:
    name = "test"
    writable = False

    def __init__(self, root: object) -> None:
        self.is_root = root


def test_the_backend_answers_is_root_before_the_process_does() -> None:
    assert is_root(Runner(_Backend(True))) is True  # type: ignore[arg-type]
    assert is_root(Runner(_Backend(lambda: False))) is False  # type: ignore[arg-type]


# --- the command on the simulated Mac ----------------------------------------


def invoke(tmp_path: Path, *args: str) -> tuple[int, str]:
    app = App(simulate=True, sim_state=tmp_path / "sim")
    done = CliRunner().invoke(plan_command.plan, list(args), obj=app)
    if done.exception and not isinstance(done.exception, SystemExit):
        raise done.exception
    return done.exit_code, done.output


def test_plan_on_the_default_simulated_mac_is_ready(tmp_path: Path) -> None:
    code, out = invoke(tmp_path, "--json")
    data = json.loads(out)

    assert code == 0 and data["ok"] and data["era"] == "hfs"
    assert data["target"]["id"] == "disk1"
    groups = {s["group"] for s in data["steps"]}
    assert {"partition", "clone", "clone-recovery", "bless"} <= groups
    assert not any(f["code"] == "not-root" for f in data["findings"])


def test_plan_refused_exits_3_and_still_prints_every_check(tmp_path: Path) -> None:
    code, out = invoke(tmp_path, "--target", "disk0")

    assert code == 3
    assert "target-is-boot" in out and "Checks passed" in out


def test_a_recovery_size_of_r_is_a_usage_error(tmp_path: Path) -> None:
    code, out = invoke(tmp_path, "--recovery-size", "R")

    assert code == 2 and "depends on the disk" in out
