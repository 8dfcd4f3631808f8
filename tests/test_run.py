"""The guided run on the simulated Mac: the whole job, the journal, faults."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from ssdmigrate.exits import Exit
from tests.test_cli import sim

CONFIRM = ("--yes", "--confirm-target", "disk1")


def _journal(tmp_path: Path, scenario: str = "mbp2012-el-capitan") -> dict[str, Any]:
    data = json.loads((tmp_path / scenario / "journal.json").read_text())
    assert isinstance(data, dict)
    return data


def _statuses(journal: dict[str, Any]) -> dict[str, str]:
    return {s["id"]: s["status"] for s in journal["steps"]}


def _disk(cli, args: list[str], media: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    disks = cli(*args, "disks", "--json").json()["disks"]
    return next(d for d in disks if d["media_name"] == media)


OWC = "OWC Mercury Extreme Pro SSD"


def test_unattended_run_completes_the_default_migration(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    args = sim(tmp_path, "mbp2012-el-capitan")
    ran = cli(*args, "run", *CONFIRM)
    assert ran.code == Exit.OK, ran.err
    assert "Anything saved on this Mac after the copy starts" in ran.err
    journal = _journal(tmp_path)
    assert journal["state"] == "done"
    assert set(_statuses(journal).values()) == {"done"}
    ssd = _disk(cli, args, OWC)
    parts = [(p["content"], p["name"]) for p in ssd["partitions"]]
    assert parts == [
        ("EFI", "EFI"),
        ("Apple_HFS", "SSD Boot HD"),
        ("Apple_Boot", "Recovery HD"),
    ]
    clone = tmp_path / "mbp2012-el-capitan" / "volumes"
    versions = list(clone.glob("*/System/Library/CoreServices/SystemVersion.plist"))
    assert len(versions) == 2  # the Mac's and the clone's, really copied
    assert "Log:" in ran.err


def test_yes_without_confirm_target_is_a_usage_error(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ran = cli(*sim(tmp_path, "mbp2012-el-capitan"), "run", "--yes")
    assert ran.code == Exit.USAGE and "--confirm-target disk1" in ran.err
    assert not (tmp_path / "mbp2012-el-capitan" / "journal.json").exists()


def test_confirm_target_naming_another_disk_changes_nothing(
    cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    args = sim(tmp_path, "mbp2012-el-capitan")
    ran = cli(*args, "run", "--yes", "--confirm-target", "disk0")
    assert ran.code == Exit.REFUSED
    assert _disk(cli, args, OWC)["partitions"] == []


def test_no_terminal_and_no_yes_asks_for_the_flags(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ran = cli(*sim(tmp_path, "mbp2012-el-capitan"), "run")
    assert ran.code == Exit.USAGE and "--yes --confirm-target disk1" in ran.err


def test_refused_plan_stops_before_anything(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    args = sim(tmp_path, "mbp2012-too-small")
    assert cli(*args, "run", *CONFIRM).code == Exit.REFUSED
    assert not (tmp_path / "mbp2012-too-small" / "journal.json").exists()


def test_run_is_refused_on_a_replay_bundle(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bundle = tmp_path / "b"
    cli(*sim(tmp_path, "mbp2012-el-capitan"), "capture", "--out", str(bundle))
    ran = cli("--replay", str(bundle), "run", *CONFIRM)
    assert ran.code == Exit.USAGE and "replay" in ran.err


def test_an_unfinished_run_points_to_resume_or_abandon(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    args = sim(tmp_path, "mbp2012-el-capitan")
    assert (
        cli(*args, "--fault", "clone:interrupt-at:30", "run", *CONFIRM).code
        == Exit.INTERRUPTED
    )
    again = cli(*args, "run", *CONFIRM)
    assert (
        again.code == Exit.REFUSED and "resume" in again.err and "abandon" in again.err
    )
    assert cli(*args, "abandon").code == Exit.USAGE  # not a terminal, no --yes
    assert cli(*args, "abandon", "--yes").code == Exit.OK
    assert cli(*args, "status", "--json").json()["state"] is None
    assert cli(*args, "run", *CONFIRM).code == Exit.OK


def test_json_event_stream_line_by_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ran = cli(*sim(tmp_path, "mbp2012-el-capitan"), "run", *CONFIRM, "--json")
    assert ran.code == Exit.OK
    events = [json.loads(line) for line in ran.out.splitlines()]  # every line is JSON
    # The plan's steps, then the check of the clone.
    steps = [s["id"] for s in _journal(tmp_path)["steps"]] + ["check-clone"]
    started = [e["step"] for e in events if e["event"] == "step-started"]
    finished = [e["step"] for e in events if e["event"] == "step-finished"]
    assert started == steps and finished == steps
    assert all(e["status"] == "done" for e in events if e["event"] == "step-finished")
    for step in ("clone", "clone-recovery"):
        percents = [
            e["percent"]
            for e in events
            if e["event"] == "progress" and e["step"] == step
        ]
        assert percents == sorted(percents) and percents[-1] >= 90, step
    assert events[-1]["event"] == "result" and events[-1]["ok"] is True
    for event in events:  # each step's progress falls between its start and finish
        assert set(event) >= {"event"}


# Which fault kinds apply to which steps, and the exit status each must give.
EXIT = {
    "fail": Exit.FAILED,
    "busy": Exit.FAILED,
    "interrupt-at": Exit.INTERRUPTED,
    "vanish": Exit.INTERRUPTED,
    "swap-target": Exit.REFUSED,
    "slow": Exit.OK,
}
MATRIX = {
    "unmount-target": ["fail", "busy", "interrupt-at:0", "vanish", "swap-target"],
    "partition": ["fail", "busy", "interrupt-at:0", "vanish", "swap-target"],
    "enable-ownership": ["fail", "interrupt-at:0", "vanish", "swap-target"],
    "clone": ["fail", "interrupt-at:50", "vanish", "swap-target", "slow"],
    "clone-recovery": ["fail", "interrupt-at:50", "vanish", "swap-target", "slow"],
    "set-recovery-type": ["fail", "interrupt-at:0", "vanish", "swap-target"],
    "bless": ["fail", "interrupt-at:0", "vanish", "swap-target"],
    "validate": ["fail", "interrupt-at:0", "vanish"],
}
PAIRS = [(step, kind) for step, kinds in MATRIX.items() for kind in kinds]


def _group(step_id: str) -> str:
    return step_id.split(":")[0]


def _write_spy(
    monkeypatch: pytest.MonkeyPatch,
) -> list[tuple[tuple[str, ...], str | None]]:
    """Every command that changes something, with the media name of the disk
    its first disk argument names at that moment."""
    from ssdmigrate.sim.backend import SimBackend
    from ssdmigrate.tools import is_read_only

    seen: list[tuple[tuple[str, ...], str | None]] = []
    real = SimBackend.execute

    def spy(self, argv, **kwargs):  # type: ignore[no-untyped-def]
        if not is_read_only(argv):
            seen.append((tuple(argv), _media_named(self, argv)))
        return real(self, argv, **kwargs)

    monkeypatch.setattr(SimBackend, "execute", spy)
    return seen


def _media_named(backend: Any, argv: Any) -> str | None:
    for arg in argv[1:]:
        found = backend.state.find(arg.replace("/dev/", ""))
        if found is None and arg.startswith("/Volumes/"):
            found = backend.state.find("/".join(arg.split("/")[:3]))
        if found is not None:
            return str(found[0].get("media_name"))
    return None


@pytest.mark.parametrize("step, kind", PAIRS, ids=[f"{s}-{k}" for s, k in PAIRS])
def test_fault_matrix(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str, kind: str
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SSDMIGRATE_SIM_STALL", "0.4")
    monkeypatch.setenv("SSDMIGRATE_STALL_WARN", "0.1")
    writes = _write_spy(monkeypatch)
    args = sim(tmp_path, "mbp2012-el-capitan")
    ran = cli(*args, "--fault", f"{step}:{kind}", "run", *CONFIRM, "--json")
    name = kind.split(":")[0]
    assert ran.code == EXIT[name], ran.err
    assert "Traceback" not in ran.err

    # Nothing was ever written to a disk other than the confirmed SSD.
    touched = {media for _, media in writes if media is not None}
    assert touched <= {OWC, "APPLE HDD HTS545050A7E362"}, writes
    assert all(
        media != "APPLE HDD HTS545050A7E362" or argv[0] in ("ditto", "asr")
        for argv, media in writes
    )  # the Mac's disk is only read from

    journal = _journal(tmp_path)
    statuses = _statuses(journal)
    _journal_tells_the_truth(journal, statuses, step, name, ran)
    if name == "slow":
        assert '"No progress for' in ran.out
        return

    resume = (
        ["resume"]
        if journal_partitioned(statuses)
        else ["resume", "--yes", "--confirm-target", _disk(cli, args, OWC)["id"]]
    )
    again = cli(*args, *resume)
    assert again.code == Exit.OK, again.err
    assert set(_statuses(_journal(tmp_path)).values()) == {"done"}
    assert [p["content"] for p in _disk(cli, args, OWC)["partitions"]][
        -1
    ] == "Apple_Boot"


def journal_partitioned(statuses: dict[str, str]) -> bool:
    return statuses["partition"] == "done"


def _journal_tells_the_truth(
    journal: dict[str, Any], statuses: dict[str, str], step: str, name: str, ran: Any
) -> None:
    order = [s["id"] for s in journal["steps"]]
    first = next(i for i, s in enumerate(order) if _group(s) == step)
    assert all(statuses[s] == "done" for s in order[:first]), statuses
    if name == "slow":
        assert journal["state"] == "done"
        return
    stopped = [s for s in order if statuses[s] not in ("done", "pending")]
    expected = {
        "fail": "failed",
        "busy": "failed",
        "interrupt-at": "interrupted",
        "vanish": "interrupted",
        "swap-target": None,
    }[name]
    if expected is None:  # refused before the step began: nothing started
        assert stopped == [] and journal["state"] == "stopped"
        assert "no longer" in journal["message"]
    else:
        assert len(stopped) == 1 and _group(stopped[0]) == step
        assert statuses[stopped[0]] == expected
        assert journal["state"] == ("failed" if expected == "failed" else "interrupted")
    last = order.index(stopped[0]) if stopped else first
    assert all(statuses[s] == "pending" for s in order[last + 1 :])
    assert "resume" in ran.err or name in ("fail", "busy")


def _interrupted(cli, tmp_path: Path) -> tuple[list[str], Path]:  # type: ignore[no-untyped-def]
    args = sim(tmp_path, "mbp2012-el-capitan")
    assert (
        cli(*args, "--fault", "clone:interrupt-at:20", "run", *CONFIRM).code
        == Exit.INTERRUPTED
    )
    return args, tmp_path / "mbp2012-el-capitan" / "journal.json"


def test_a_corrupt_journal_is_refused_with_its_path(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    args, path = _interrupted(cli, tmp_path)
    path.write_text(path.read_text()[:200])  # cut short, as by a full disk
    ran = cli(*args, "resume")
    assert ran.code == Exit.FAILED and "corrupt" in ran.err and str(path) in ran.err
    assert "Traceback" not in ran.err


def test_a_journal_from_a_newer_version_is_refused(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    args, path = _interrupted(cli, tmp_path)
    data = json.loads(path.read_text())
    data["version"] = "9.0.0"
    path.write_text(json.dumps(data))
    ran = cli(*args, "resume")
    assert ran.code == Exit.FAILED and "newer" in ran.err


def test_a_journal_from_another_mac_is_refused(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    args, path = _interrupted(cli, tmp_path)
    data = json.loads(path.read_text())
    data["machine"]["boot_volume_uuid"] = "00000000-0000-0000-0000-000000000000"
    path.write_text(json.dumps(data))
    ran = cli(*args, "resume")
    assert ran.code == Exit.FAILED and "another Mac" in ran.err
    assert json.loads(path.read_text())["state"] == "interrupted"  # left as it was


def test_status_tells_where_a_run_stands(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    args, _ = _interrupted(cli, tmp_path)
    text = cli(*args, "status").out
    assert "interrupted" in text and "Continue with: ssdmigrate resume" in text
    data = cli(*args, "status", "--json").json()
    assert data["state"] == "interrupted" and data["next_step"].startswith("clone:")


def test_an_apfs_mac_is_cloned_into_a_container_and_starts_from_it(
    cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    args = sim(tmp_path, "macmini2012-mojave")
    ran = cli(
        *args,
        "run",
        "--target",
        "disk2",
        "--yes",
        "--confirm-target",
        "disk2",
        "--json",
    )
    assert ran.code == Exit.OK, ran.err
    events = [json.loads(line) for line in ran.out.splitlines()]
    assert events[-1] == {**events[-1], "event": "result", "ok": True}
    containers = [
        d
        for d in cli(*args, "disks", "--json").json()["disks"]
        if d["kind"] == "apfs-container" and not d["internal"]
    ]
    (clone,) = containers
    assert [p["name"] for p in clone["partitions"]] == [
        "Macintosh HD",
        "Preboot",
        "Recovery",
    ]
    assert cli(*args, "sim", "swap").code == Exit.OK
    found = {
        f["code"]: f["level"] for f in cli(*args, "finish", "--json").json()["findings"]
    }
    assert found["booted-clone"] == "ok" and found["recovery"] == "ok"


def test_an_apfs_clone_without_recovery_fails_validation(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    args = sim(tmp_path, "macmini2012-mojave")
    assert (
        cli(
            *args, "run", "--target", "disk2", "--yes", "--confirm-target", "disk2"
        ).code
        == Exit.OK
    )
    path = tmp_path / "macmini2012-mojave" / "state.json"
    state = json.loads(path.read_text())
    clone = next(
        d
        for d in state["disks"]
        if d["kind"] == "apfs-container" and "disk2s2" in d["stores"]
    )
    clone["partitions"] = [
        v for v in clone["partitions"] if "Recovery" not in v.get("roles", [])
    ]
    path.write_text(json.dumps(state))
    ran = cli(*args, "validate", "--json")
    assert ran.code == Exit.FAILED
    assert "layout-apfs-roles" in {
        f["code"] for f in ran.json()["findings"] if f["level"] == "fail"
    }


@pytest.mark.skipif(
    not hasattr(os, "seteuid") or os.geteuid() != 0, reason="needs root to switch users"
)
def test_a_journal_only_root_can_read_says_to_use_sudo(tmp_path: Path) -> None:
    from ssdmigrate.journal import Journal, JournalError

    path = tmp_path / "journal.json"
    path.write_text("{}")
    path.chmod(0o600)
    tmp_path.chmod(0o755)
    os.seteuid(65534)
    try:
        with pytest.raises(JournalError, match="only be read by root"):
            Journal.load(path)
    finally:
        os.seteuid(0)
