"""Validation of the clone, after a simulated run and after broken ones."""

from __future__ import annotations

import json
import plistlib
from pathlib import Path
from typing import Any

import pytest

from ssdmigrate.exits import Exit
from tests.test_cli import sim

SCENARIO = "mbp2012-el-capitan"


@pytest.fixture
def done(cli, tmp_path: Path) -> list[str]:  # type: ignore[no-untyped-def]
    args = sim(tmp_path, SCENARIO)
    assert cli(*args, "run", "--yes", "--confirm-target", "disk1").code == Exit.OK
    return args


def _state(tmp_path: Path) -> dict[str, Any]:
    data = json.loads((tmp_path / SCENARIO / "state.json").read_text())
    assert isinstance(data, dict)
    return data


def _save(tmp_path: Path, data: dict[str, Any]) -> None:
    (tmp_path / SCENARIO / "state.json").write_text(json.dumps(data))


def _clone(data: dict[str, Any]) -> dict[str, Any]:
    disk = next(d for d in data["disks"] if d["id"] == "disk1")
    return next(p for p in disk["partitions"] if p.get("name") == "SSD Boot HD")


def _codes(ran: Any, level: str) -> set[str]:
    return {f["code"] for f in ran.json()["findings"] if f["level"] == level}


def test_a_completed_run_validates(cli, done: list[str]) -> None:  # type: ignore[no-untyped-def]
    ran = cli(*done, "validate", "--json", "--seed", "7")
    assert ran.code == Exit.OK
    data = ran.json()
    assert data["schema"] == "ssdmigrate.validate/1" and data["ready"] is True
    assert _codes(ran, "ok") >= {
        "layout",
        "verify-volume",
        "ownership",
        "system-version",
        "blessed",
        "used-space",
        "sample",
    }
    assert data["sample"]["seed"] == 7 and data["sample"]["files_compared"] > 0


def test_recovery_left_as_apple_hfs(cli, done: list[str], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = _state(tmp_path)
    disk1 = next(d for d in data["disks"] if d["id"] == "disk1")
    disk1["partitions"][-1]["content"] = "Apple_HFS"
    _save(tmp_path, data)
    ran = cli(*done, "validate", "--json")
    assert ran.code == Exit.FAILED
    assert "recovery-type" in _codes(ran, "fail")
    remedy = next(
        f["remedy"] for f in ran.json()["findings"] if f["code"] == "recovery-type"
    )
    assert "asr adjust --target /dev/disk1s3 -settype Apple_Boot" in remedy


def test_missing_blessed_folder(cli, done: list[str], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = _state(tmp_path)
    data["blessed"] = {}
    _save(tmp_path, data)
    ran = cli(*done, "validate", "--json")
    assert ran.code == Exit.FAILED and "blessed" in _codes(ran, "fail")
    assert "bless --folder" in cli(*done, "validate").out


def test_system_version_mismatch(cli, done: list[str], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / SCENARIO / "volumes" / _clone(_state(tmp_path))["volume_uuid"]
    version = folder / "System/Library/CoreServices/SystemVersion.plist"
    facts = plistlib.loads(version.read_bytes())
    facts["ProductBuildVersion"] = "15G1004"
    version.write_bytes(plistlib.dumps(facts))
    ran = cli(*done, "validate", "--json")
    codes = _codes(ran, "fail")
    assert ran.code == Exit.FAILED and "system-version" in codes
    assert "sample" in codes or "sample" in _codes(ran, "ok")  # the sample may miss it


def test_a_changed_file_fails_the_sample_when_it_is_sampled(
    cli, done: list[str], tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / SCENARIO / "volumes" / _clone(_state(tmp_path))["volume_uuid"]
    for path in (folder / "Users/owner/Documents").glob("letter-00*.txt"):
        path.write_bytes(path.read_bytes()[::-1] + b"!")  # content and size change
    ran = cli(*done, "validate", "--json", "--sample", "100000")
    assert ran.code == Exit.FAILED and "sample" in _codes(ran, "fail")
    assert any("letter-00" in d for d in ran.json()["sample"]["differences"])


def test_validate_needs_a_run_or_a_target(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ran = cli(*sim(tmp_path, SCENARIO), "validate")
    assert ran.code == Exit.USAGE and "--target" in ran.err
    blank = cli(*sim(tmp_path, SCENARIO), "validate", "--target", "disk1", "--json")
    assert blank.code == Exit.FAILED and "layout-map" in _codes(blank, "fail")
