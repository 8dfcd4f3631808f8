"""The command line: global options, exit statuses, messages instead of tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ssdmigrate.exits import Exit
from ssdmigrate.sim.state import scenario_names
from tests.bundles import make_bundle

SCENARIOS = scenario_names()


def sim(tmp_path: Path, scenario: str) -> list[str]:
    return ["--sim-state", str(tmp_path / scenario), "--scenario", scenario]


def test_at_least_the_promised_scenarios_exist() -> None:
    assert {
        "mbp2012-el-capitan",
        "mbp2012-too-small",
        "macmini2012-mojave",
        "mbp2011-sierra-filevault",
        "two-external-disks",
        "macbookair2013",
        "macbookair-m1",
    } <= set(SCENARIOS)


def test_scenarios_lists_each_with_a_line(cli) -> None:  # type: ignore[no-untyped-def]
    ran = cli("scenarios")
    assert ran.code == 0
    lines = ran.out.splitlines()
    assert len(lines) == len(SCENARIOS)
    assert any(
        line.startswith("mbp2012-el-capitan") and "(default)" in line for line in lines
    )


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_disks_json_on_every_scenario(cli, tmp_path: Path, scenario: str) -> None:  # type: ignore[no-untyped-def]
    ran = cli(*sim(tmp_path, scenario), "disks", "--json")
    assert ran.code == 0, ran.err
    data = ran.json()
    assert data["schema"] == "ssdmigrate.disks/1"
    boot = data["boot"]
    assert boot["volume"] and boot["disks"]
    for disk in data["disks"]:
        assert {
            "id",
            "size",
            "internal",
            "solid_state",
            "bus",
            "scheme",
            "media_name",
            "partitions",
        } <= set(disk)
        for part in disk["partitions"]:
            assert {"id", "content", "size", "name", "mount_point"} <= set(part)
        if disk["id"] in boot["disks"]:
            assert not disk["candidate"] and disk["internal"] is True
    assert any(d["candidate"] for d in data["disks"])


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_capture_then_replay_sees_the_same_disks(
    cli, tmp_path: Path, scenario: str
) -> None:  # type: ignore[no-untyped-def]
    bundle = tmp_path / "bundle"
    assert cli(*sim(tmp_path, scenario), "capture", "--out", str(bundle)).code == 0
    simulated = cli(*sim(tmp_path, scenario), "disks", "--json").json()
    replayed = cli("--replay", str(bundle), "disks", "--json")
    assert replayed.code == 0, replayed.err
    assert replayed.json() == simulated


def test_redacted_capture_masks_serials_and_uuids_consistently(
    cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    bundle = tmp_path / "bundle"
    ran = cli(
        *sim(tmp_path, "mbp2012-el-capitan"),
        "capture",
        "--out",
        str(bundle),
        "--redact",
    )
    assert ran.code == 0 and "masked" in ran.out
    text = "".join(p.read_text() for p in bundle.iterdir())
    assert "TNS5193T0GJ2ZH" not in text and "OW20130512A9F3C1" not in text
    assert "SERIAL0001" in text
    plain = cli(*sim(tmp_path, "mbp2012-el-capitan"), "disks", "--json").json()
    masked = cli("--replay", str(bundle), "disks", "--json").json()
    uuids = [
        p["volume_uuid"]
        for d in masked["disks"]
        for p in d["partitions"]
        if p["volume_uuid"]
    ]
    originals = [
        p["volume_uuid"]
        for d in plain["disks"]
        for p in d["partitions"]
        if p["volume_uuid"]
    ]
    assert uuids and set(uuids).isdisjoint(originals)
    assert masked["boot"] == plain["boot"]


def test_disks_text_marks_the_boot_disk_and_the_candidate(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ran = cli(*sim(tmp_path, "mbp2012-el-capitan"), "disks")
    lines = ran.out.splitlines()
    assert ran.code == 0
    assert lines[0].startswith("disk0") and lines[0].endswith("[boot disk]")
    assert any(
        line.startswith("disk1") and line.endswith("[candidate]") for line in lines
    )
    assert any("Recovery HD" in line and "650.0 MB" in line for line in lines)
    assert "\x1b[" not in ran.out  # not a terminal: no colour


def test_color_always_but_no_color_env_wins_in_auto(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    assert (
        "\x1b["
        in cli("--color", "always", *sim(tmp_path, "mbp2012-el-capitan"), "disks").out
    )
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in cli(*sim(tmp_path, "mbp2012-el-capitan"), "disks").out


def test_not_a_mac_says_how_to_try_it(cli) -> None:  # type: ignore[no-untyped-def]
    if sys.platform == "darwin":
        pytest.skip("this is a Mac")
    ran = cli("disks")
    assert ran.code == Exit.FAILED
    assert "needs a Mac" in ran.err and "--simulate" in ran.err
    assert "Traceback" not in ran.err


def test_commands_that_need_no_mac_work_anywhere(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("scenarios").code == 0
    assert cli("--version").out.startswith("ssdmigrate, version")


def test_usage_errors_exit_2(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("no-such-command").code == Exit.USAGE
    assert cli("--color", "purple", "disks").code == Exit.USAGE
    both = cli("--simulate", "--replay", "/tmp", "disks")
    assert both.code == Exit.USAGE and "--replay" in both.err
    assert cli("--scenario", "no-such-mac", "disks").code == Exit.USAGE


def test_scenario_is_an_option_so_a_command_is_never_taken_for_one(
    cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    ran = cli("--sim-state", str(tmp_path / "s"), "--simulate", "disks", "--json")
    assert ran.code == 0 and ran.json()["machine"]["model"] == "MacBookPro9,2"


@pytest.mark.parametrize(
    "setup, problem",
    [
        (lambda d: None, "replay.yaml: not found"),
        (
            lambda d: (d / "replay.yaml").write_text("format: [unclosed"),
            "not valid YAML",
        ),
        (
            lambda d: (d / "replay.yaml").write_text("format: other/9\ncommands: []\n"),
            "unknown format",
        ),
        (
            lambda d: (d / "replay.yaml").write_text(
                "format: ssdmigrate-replay/1\ncommands:\n  - argv: [diskutil, list, -plist]\n    stdout: gone.plist\n"
            ),
            "gone.plist: named by command 1 but missing",
        ),
        (
            lambda d: (d / "replay.yaml").write_text(
                "format: ssdmigrate-replay/1\ncommands:\n  - argv: diskutil\n"
            ),
            "argv should be a non-empty list",
        ),
    ],
)
def test_bad_replay_bundles_are_named_with_their_problem(
    cli, tmp_path: Path, setup, problem: str
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "bundle"
    folder.mkdir()
    setup(folder)
    ran = cli("--replay", str(folder), "disks")
    assert ran.code == Exit.FAILED
    assert problem in ran.err and "Traceback" not in ran.err


@pytest.mark.parametrize(
    "stdout, problem",
    [
        ("", "the output was empty"),
        (
            '<?xml version="1.0"?><plist version="1.0"><dict><key>AllDisks</key>',
            "not a valid property list",
        ),
        (
            '<?xml version="1.0"?><plist version="1.0"><array/></plist>',
            "expected a dictionary",
        ),
    ],
)
def test_malformed_tool_output_is_a_message_not_a_traceback(
    cli, tmp_path: Path, stdout: str, problem: str
) -> None:  # type: ignore[no-untyped-def]
    make_bundle(tmp_path / "b", {("diskutil", "list", "-plist"): stdout})
    ran = cli("--replay", str(tmp_path / "b"), "disks")
    assert ran.code == Exit.FAILED and problem in ran.err and "Traceback" not in ran.err


def test_missing_recording_fails_like_a_missing_tool(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    make_bundle(tmp_path / "b", {("sw_vers",): "ProductVersion:\t10.11.6\n"})
    ran = cli("--replay", str(tmp_path / "b"), "disks")
    assert ran.code == Exit.FAILED
    assert "no recording for: diskutil list -plist" in ran.err


def test_replay_refuses_anything_that_writes(tmp_path: Path) -> None:
    from ssdmigrate.errors import Refused
    from ssdmigrate.replay import ReplayBackend
    from ssdmigrate.runner import Runner

    runner = Runner(ReplayBackend.load(make_bundle(tmp_path / "b", {})))
    with pytest.raises(Refused):
        runner.run(["diskutil", "partitionDisk", "disk1", "GPT", "JHFS+", "X", "0"])


def test_a_bug_writes_a_crash_report_and_exits_70(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import ssdmigrate.commands.disks as disks

    def broken(runner: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(disks, "discover", broken)
    log = tmp_path / "logs" / "run.log"
    ran = cli("--log-file", str(log), *sim(tmp_path, "mbp2012-el-capitan"), "disks")
    assert ran.code == Exit.BUG and "RuntimeError: boom" in ran.err
    reports = list(log.parent.glob("crash-*.txt"))
    assert len(reports) == 1 and "Traceback" in reports[0].read_text()
    assert "Traceback" not in ran.err


def test_every_run_writes_a_log_with_commands_and_output(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "run.log"
    cli("--log-file", str(log), *sim(tmp_path, "mbp2012-el-capitan"), "disks")
    text = log.read_text()
    assert "INFO ssdmigrate.runner: run: diskutil list -plist" in text
    assert (
        "DEBUG ssdmigrate.runner: stdout:" in text and "AllDisksAndPartitions" in text
    )


def test_default_log_goes_under_the_state_folder(
    cli, tmp_path: Path, _isolated_home: Path
) -> None:  # type: ignore[no-untyped-def]
    cli(*sim(tmp_path, "mbp2012-el-capitan"), "disks")
    assert list((_isolated_home / "state" / "ssdmigrate" / "logs").glob("run-*.log"))


def test_sim_reset_show_and_swap(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    args = sim(tmp_path, "mbp2012-el-capitan")
    assert cli(*args, "sim", "reset").code == 0
    assert '"scenario": "mbp2012-el-capitan"' in cli(*args, "sim", "show").out
    refused = cli(*args, "sim", "swap")
    assert refused.code == Exit.REFUSED and "question mark" in refused.err
    assert cli("sim", "reset").code == Exit.USAGE


def test_corrupt_sim_state_points_to_reset(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    args = sim(tmp_path, "mbp2012-el-capitan")
    cli(*args, "disks")
    (tmp_path / "mbp2012-el-capitan" / "state.json").write_text("{not json")
    ran = cli(*args, "disks")
    assert ran.code == Exit.FAILED and "sim reset" in ran.err
    assert cli(*args, "sim", "reset").code == 0
    assert cli(*args, "disks").code == 0


def test_help_imports_nothing_heavy() -> None:
    code = (
        "import sys\nfrom ssdmigrate.cli import run_cli\n"
        "run_cli(['--help'])\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'rich', 'fpdf', 'yaml', 'psutil'})\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "HEAVY []" in out
    assert "disks      List the disks" in out


@pytest.mark.parametrize("name", sorted(__import__("ssdmigrate.cli").cli.COMMANDS))
def test_the_help_listing_matches_each_command(name: str) -> None:
    import importlib

    from ssdmigrate.cli import COMMANDS, SHORT_HELP

    module, attr = COMMANDS[name].split(":")
    try:
        command = getattr(importlib.import_module(module), attr)
    except ModuleNotFoundError:
        pytest.skip(f"{module} is not there yet")
    assert command.get_short_help_str(limit=200) == SHORT_HELP[name]


def test_ctrl_c_anywhere_exits_130(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import ssdmigrate.commands.disks as disks

    def interrupted(runner: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(disks, "discover", interrupted)
    ran = cli(*sim(tmp_path, "mbp2012-el-capitan"), "disks")
    assert ran.code == Exit.INTERRUPTED and "Interrupted." in ran.err
    assert "Traceback" not in ran.err
