"""The simulated Mac is held to the real captures of the same era: the same
keys with the same value types, and text laid out the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ssdmigrate import plists
from ssdmigrate.runner import Runner
from ssdmigrate.sim.backend import SimBackend
from tests.conftest import fixture_text


def _runner(tmp_path: Path, scenario: str = "mbp2012-el-capitan") -> Runner:
    return Runner(SimBackend.open(scenario, tmp_path / scenario))


def _types(data: dict[str, Any]) -> dict[str, str]:
    return {key: type(value).__name__ for key, value in data.items()}


def _real(name: str) -> dict[str, Any]:
    return plists.parse(fixture_text(name), name)


def _simulated(runner: Runner, *argv: str) -> dict[str, Any]:
    return plists.parse(runner.run(list(argv)).stdout, " ".join(argv))


def test_list_plist_matches_capture_01(tmp_path: Path) -> None:
    real = _real("01_hfs_vbox_diskutil_list_plist_recoveryhd.plist")
    ours = _simulated(_runner(tmp_path), "diskutil", "list", "-plist")
    assert _types(ours) == _types(real)
    real_disk, our_disk = (
        real["AllDisksAndPartitions"][0],
        ours["AllDisksAndPartitions"][0],
    )
    assert _types(our_disk) == _types(real_disk)
    for real_part, our_part in zip(real_disk["Partitions"], our_disk["Partitions"]):
        assert _types(our_part) == _types(real_part), real_part["DeviceIdentifier"]


def test_info_of_a_whole_disk_matches_capture_02(tmp_path: Path) -> None:
    real = _real("02_hfs_vbox_diskutil_info_disk0.plist")
    ours = _simulated(_runner(tmp_path), "diskutil", "info", "-plist", "disk0")
    assert _types(ours) == _types(real)


def test_info_of_the_boot_volume_matches_capture_02c(tmp_path: Path) -> None:
    real = _real("02c_hfs_vbox_diskutil_info_disk0s2_EDITED.plist")
    ours = _simulated(_runner(tmp_path), "diskutil", "info", "-plist", "disk0s2")
    assert _types(ours) == {k: t for k, t in _types(real).items()}
    assert ours["RecoveryDeviceIdentifier"] == "disk0s3" and ours["MountPoint"] == "/"


def test_info_of_the_recovery_partition_matches_capture_02b(tmp_path: Path) -> None:
    real = _real("02b_hfs_vbox_diskutil_info_disk0s3_recoveryhd_EDITED.plist")
    ours = _simulated(_runner(tmp_path), "diskutil", "info", "-plist", "disk0s3")
    # The capture's Recovery HD is not mounted, so it has no file-system keys;
    # every key it has, ours has with the same type.
    assert {k: t for k, t in _types(ours).items() if k in real} == _types(real)
    assert ours["Content"] == "Apple_Boot" and ours["MountPoint"] == ""


def test_apfs_outputs_match_captures_03_and_04(tmp_path: Path) -> None:
    runner = _runner(tmp_path, "macmini2012-mojave")
    real_list = _real("03_apfs_1013_diskutil_list_plist.plist")
    ours_list = _simulated(runner, "diskutil", "list", "-plist")
    real_container = real_list["AllDisksAndPartitions"][1]
    our_container = next(
        d for d in ours_list["AllDisksAndPartitions"] if "APFSVolumes" in d
    )
    assert _types(our_container) == _types(real_container)
    assert _types(our_container["APFSVolumes"][0]) == _types(
        real_container["APFSVolumes"][0]
    )

    real_apfs = _real("04_apfs_1013_diskutil_apfs_list_plist.plist")["Containers"][0]
    ours_apfs = _simulated(runner, "diskutil", "apfs", "list", "-plist")["Containers"][
        0
    ]
    assert _types(ours_apfs) == _types(real_apfs)
    assert _types(ours_apfs["Volumes"][1]) == _types(real_apfs["Volumes"][1])
    assert [v["Roles"] for v in ours_apfs["Volumes"]] == [
        [],
        ["Preboot"],
        ["Recovery"],
        ["VM"],
    ]


def test_system_profiler_drive_keys_are_real_ones(tmp_path: Path) -> None:
    excerpt = fixture_text(
        "08_hfs_era_system_profiler_xml_SPSerialATADataType_excerpt.xml"
    )
    real_keys = {
        line.strip()[5:-6]
        for line in excerpt.splitlines()
        if line.strip().startswith("<key>")
    }
    result = _runner(tmp_path).run(["system_profiler", "-xml", "SPSerialATADataType"])
    (report,) = plists.parse_value(result.stdout, "profiler")
    drive = report["_items"][0]["_items"][0]
    # spsata_trim_support is listed in the capture's _properties table.
    assert set(drive) - {"device_serial"} <= real_keys | {"spsata_trim_support"}


# R for the main volume: the simulator takes both of the man page's forms.
PARTITION = [
    "diskutil",
    "partitionDisk",
    "disk1",
    "2",
    "GPT",
    "JHFS+",
    "SSD Boot HD",
    "R",
    "JHFS+",
    "Recovery HD",
    "750M",
]


def test_partition_disk_prints_like_capture_u4(tmp_path: Path) -> None:
    runner = _runner(tmp_path)
    result = runner.run(PARTITION)
    real = fixture_text("U4_diskutil_partitionDisk_gpt_jhfs_stdout.txt").splitlines()
    ours = result.stdout.splitlines()
    assert ours[:4] == [line.replace("disk3", "disk1") for line in real[:4]]
    assert (
        ours[4]
        == "Formatting disk1s2 as Mac OS Extended (Journaled) with name SSD Boot HD"
    )
    header = next(i for i, line in enumerate(ours) if line.startswith("/dev/disk1"))
    assert ours[header] == "/dev/disk1 (external, physical):"
    assert ours[header + 1] == real[-4]  # the column header, to the character
    for real_line, our_line in zip(real[-3:], ours[header + 2 : header + 5]):
        # The identifiers line up.
        assert our_line.index("disk1") == real_line.index("disk3")


def test_partition_disk_changes_what_list_shows(tmp_path: Path) -> None:
    runner = _runner(tmp_path)
    runner.run(PARTITION)
    disk1 = _simulated(runner, "diskutil", "list", "-plist")["AllDisksAndPartitions"][1]
    parts = disk1["Partitions"]
    assert [p["VolumeName"] for p in parts] == ["EFI", "SSD Boot HD", "Recovery HD"]
    assert parts[2]["Size"] == 750_000_000 and parts[0]["Size"] == 209_715_200
    assert sum(p["Size"] for p in parts) <= disk1["Size"]
    assert parts[1]["MountPoint"] == "/Volumes/SSD Boot HD"


def test_partition_disk_refuses_a_busy_disk_like_capture_26(tmp_path: Path) -> None:
    runner = _runner(tmp_path, "two-external-disks")
    backend = runner.backend
    assert isinstance(backend, SimBackend)
    backend.state.disk("disk2")["partitions"][1]["open_files"] = [
        [412, "Preview", "a.jpg"]
    ]  # type: ignore[index]
    result = runner.run(
        ["diskutil", "partitionDisk", "disk2", "GPT", "JHFS+", "X", "0"], check=False
    )
    assert result.returncode == 1 and "-69888: Couldn't unmount disk" in result.stderr


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["diskutil", "frobnicate"], 'did not recognize verb "frobnicate"'),
        (["diskutil", "list", "external", "-plist"], "Could not find disk for -plist"),
        (["diskutil", "mount", "disk0"], "kDAReturnUnsupported"),
    ],
)
def test_errors_read_like_the_real_ones(
    tmp_path: Path, argv: list[str], expected: str
) -> None:
    result = _runner(tmp_path).run(argv, check=False)
    assert result.returncode == 1 and expected in result.stderr


def test_info_of_an_unknown_disk_is_the_plist_error_form(tmp_path: Path) -> None:
    result = _runner(tmp_path).run(
        ["diskutil", "info", "-plist", "/Volumes/SMB"], check=False
    )
    data = plists.parse(result.stdout, "error")
    assert (result.returncode, data["ExitCode"]) == (1, 1)
    assert data["ErrorMessage"] == "Could not find disk: /Volumes/SMB"
