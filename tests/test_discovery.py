"""Discovery on replay bundles assembled from real captures, and on the
quirks the captures show."""

from __future__ import annotations

from pathlib import Path

from ssdmigrate import plists
from ssdmigrate.discovery import discover
from ssdmigrate.replay import ReplayBackend
from ssdmigrate.runner import Runner
from tests.bundles import machine_answers, make_bundle
from tests.conftest import fixture_text

LIST = ("diskutil", "list", "-plist")


def _info(ident: str) -> tuple[str, ...]:
    return ("diskutil", "info", "-plist", ident)


def _discover(folder: Path, answers: dict) -> object:  # type: ignore[type-arg]
    make_bundle(folder, answers)
    return discover(Runner(ReplayBackend.load(folder)))


def test_hfs_era_bundle(tmp_path: Path) -> None:
    """Captures 01, 02, 02b, 02c: a VirtualBox Mac with a trailing Recovery HD."""
    snapshot = _discover(
        tmp_path,
        {
            LIST: fixture_text("01_hfs_vbox_diskutil_list_plist_recoveryhd.plist"),
            _info("disk0"): fixture_text("02_hfs_vbox_diskutil_info_disk0.plist"),
            _info("disk0s2"): fixture_text(
                "02c_hfs_vbox_diskutil_info_disk0s2_EDITED.plist"
            ),
            _info("disk0s3"): fixture_text(
                "02b_hfs_vbox_diskutil_info_disk0s3_recoveryhd_EDITED.plist"
            ),
            **machine_answers(),
        },
    )
    boot = snapshot.boot  # type: ignore[attr-defined]
    assert (boot.volume, boot.disks, boot.recovery) == (
        "disk0s2",
        ("disk0",),
        "disk0s3",
    )
    assert boot.filesystem == "Journaled HFS+" and boot.recovery_size == 650_002_432
    assert boot.used == 42_089_095_168 - 18_913_898_496
    disk0 = snapshot.disk("disk0")  # type: ignore[attr-defined]
    assert (disk0.kind, disk0.internal, disk0.bus) == ("physical", True, "SATA")
    # disk0s1 had no recording: still listed, its details unknown.
    assert any("disk0s1" in note for note in snapshot.notes)  # type: ignore[attr-defined]
    assert snapshot.machine.model == "MacBookPro9,2"  # type: ignore[attr-defined]


def test_apfs_era_bundle_finds_the_disk_behind_the_container(tmp_path: Path) -> None:
    """Captures 03, 04, 05: the boot volume is in container disk1 on disk0s2.

    disk0's own details are missing from the bundle; it must still count as
    the disk behind the boot volume.
    """
    snapshot = _discover(
        tmp_path,
        {
            LIST: fixture_text("03_apfs_1013_diskutil_list_plist.plist"),
            ("diskutil", "apfs", "list", "-plist"): fixture_text(
                "04_apfs_1013_diskutil_apfs_list_plist.plist"
            ),
            _info("disk1s1"): fixture_text(
                "05_apfs_1013_diskutil_info_disk1s1_TRIMMED.plist"
            ),
        },
    )
    boot = snapshot.boot  # type: ignore[attr-defined]
    assert (boot.volume, boot.container, boot.disks) == ("disk1s1", "disk1", ("disk0",))
    assert (boot.recovery, boot.recovery_kind) == ("disk1s3", "apfs-volume")
    assert boot.used == 97_727_180_800
    assert snapshot.disk("disk1").kind == "apfs-container"  # type: ignore[attr-defined]
    assert snapshot.disk("disk0").kind == "unknown"  # type: ignore[attr-defined]
    assert snapshot.machine.model is None  # type: ignore[attr-defined]


def test_old_hfs_list_and_no_details_at_all(tmp_path: Path) -> None:
    """Capture 06 alone (10.7/10.8 era): the Recovery HD is found by its place."""
    snapshot = _discover(
        tmp_path,
        {
            LIST: fixture_text(
                "06_hfs_diskutil_list_plist_recoveryhd_cauliflowervest.plist"
            ),
        },
    )
    boot = snapshot.boot  # type: ignore[attr-defined]
    assert (boot.volume, boot.recovery, boot.disks) == (
        "disk0s2",
        "disk0s3",
        ("disk0",),
    )
    assert snapshot.disk("disk0").info_ok is False  # type: ignore[attr-defined]


def _part(ident: str, content: str, size: int, name: str = "", mount: str = "") -> dict:  # type: ignore[type-arg]
    entry = {"DeviceIdentifier": ident, "Content": content, "Size": size}
    if name:
        entry["VolumeName"] = name
    if mount:
        entry["MountPoint"] = mount
    return entry


def test_partition_order_need_not_follow_slice_numbers(tmp_path: Path) -> None:
    # On-disk order since 10.12 (diskutil(8) HISTORY): the Recovery HD can be
    # disk0s4 listed right after disk0s2, and an Apple_Boot before the boot
    # partition is not its Recovery HD.
    listing = plists.dumps(
        {
            "AllDisks": ["disk0", "disk0s1", "disk0s3", "disk0s2", "disk0s4"],
            "AllDisksAndPartitions": [
                {
                    "DeviceIdentifier": "disk0",
                    "Content": "GUID_partition_scheme",
                    "Size": 10**11,
                    "Partitions": [
                        _part("disk0s1", "EFI", 209715200, "EFI"),
                        _part("disk0s3", "Apple_Boot", 650002432, "Old Boot"),
                        _part("disk0s2", "Apple_HFS", 9 * 10**10, "Macintosh HD", "/"),
                        _part("disk0s4", "Apple_Boot", 650002432, "Recovery HD"),
                    ],
                }
            ],
            "VolumesFromDisks": ["Macintosh HD"],
            "WholeDisks": ["disk0"],
        }
    )
    snapshot = _discover(tmp_path, {LIST: listing})
    assert snapshot.boot.recovery == "disk0s4"  # type: ignore[attr-defined]


def test_a_volume_only_named_recovery_hd_is_not_one(tmp_path: Path) -> None:
    listing = plists.dumps(
        {
            "AllDisks": ["disk0"],
            "WholeDisks": ["disk0"],
            "VolumesFromDisks": [],
            "AllDisksAndPartitions": [
                {
                    "DeviceIdentifier": "disk0",
                    "Content": "GUID_partition_scheme",
                    "Size": 10**11,
                    "Partitions": [
                        _part("disk0s2", "Apple_HFS", 9 * 10**10, "Macintosh HD", "/"),
                        _part(
                            "disk0s3",
                            "Apple_HFS",
                            650002432,
                            "Recovery HD",
                            "/Volumes/Recovery HD",
                        ),
                    ],
                }
            ],
        }
    )
    snapshot = _discover(tmp_path, {LIST: listing})
    assert snapshot.boot.recovery is None  # type: ignore[attr-defined]


def test_recording_of_another_mac_has_no_boot_volume(tmp_path: Path) -> None:
    listing = fixture_text("01_hfs_vbox_diskutil_list_plist_recoveryhd.plist").replace(
        "<string>/</string>", "<string>/Volumes/OSX</string>"
    )
    snapshot = _discover(tmp_path, {LIST: listing})
    assert snapshot.boot.volume is None and snapshot.boot.disks == ()  # type: ignore[attr-defined]
    assert any("no volume is mounted at /" in n for n in snapshot.notes)  # type: ignore[attr-defined]


def test_internal_and_os_internal_media_can_disagree(tmp_path: Path) -> None:
    # Capture 30's quirk (Internal true, OSInternalMedia false on the boot
    # SSD): Internal decides, and a disagreeing key does not make it external.
    info = plists.parse(fixture_text("02_hfs_vbox_diskutil_info_disk0.plist"), "02")
    info["OSInternalMedia"] = False
    snapshot = _discover(
        tmp_path,
        {
            LIST: fixture_text("01_hfs_vbox_diskutil_list_plist_recoveryhd.plist"),
            _info("disk0"): plists.dumps(info),
        },
    )
    assert snapshot.disk("disk0").internal is True  # type: ignore[attr-defined]


def test_pre_sierra_disk_without_virtual_or_physical(tmp_path: Path) -> None:
    info = plists.parse(
        fixture_text("11_usb_sdcardreader_diskutil_info_wholedisk.plist"), "11"
    )
    assert "VirtualOrPhysical" not in info
    listing = plists.dumps(
        {
            "AllDisks": ["disk3"],
            "WholeDisks": ["disk3"],
            "VolumesFromDisks": [],
            "AllDisksAndPartitions": [
                {
                    "DeviceIdentifier": "disk3",
                    "Content": "FDisk_partition_scheme",
                    "Size": 3980394496,
                    "Partitions": [],
                }
            ],
        }
    )
    snapshot = _discover(tmp_path, {LIST: listing, _info("disk3"): plists.dumps(info)})
    reader = snapshot.disk("disk3")  # type: ignore[attr-defined]
    assert (reader.kind, reader.internal, reader.bus) == ("physical", True, "USB")


def test_another_mounted_volume_is_described_like_the_boot_volume(
    tmp_path: Path,
) -> None:
    from ssdmigrate.discovery import describe_volume
    from ssdmigrate.sim.backend import SimBackend

    runner = Runner(SimBackend.open("two-external-disks", tmp_path / "sim"))
    other = describe_volume(runner, "/Volumes/Photos Backup")
    assert (other.volume, other.disks, other.name) == (
        "disk2s2",
        ("disk2",),
        "Photos Backup",
    )
    assert other.filesystem == "Journaled HFS+" and other.recovery is None
    assert describe_volume(runner, "/Volumes/Nothing").volume is None
