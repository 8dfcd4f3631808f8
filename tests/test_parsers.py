"""The parsers, on real captures from ../shared/fixtures/macos and on bad input."""

from __future__ import annotations

import contextlib
import plistlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ssdmigrate import plists
from ssdmigrate.adapters import diskutil, sysinfo
from ssdmigrate.errors import ParseError, SsdmigrateError
from tests.conftest import fixture_text


def test_hfs_list_with_recovery_hd() -> None:
    listing = diskutil.parse_list(
        fixture_text("01_hfs_vbox_diskutil_list_plist_recoveryhd.plist")
    )
    assert listing.whole_disks == ("disk0",)
    parts = listing.disks[0].partitions
    assert [p.content for p in parts] == ["EFI", "Apple_HFS", "Apple_Boot"]
    assert parts[1].mount_point == "/"
    assert parts[2].size == 650_002_432 and parts[2].name == "Recovery HD"


def test_old_list_without_uuid_keys() -> None:
    listing = diskutil.parse_list(
        fixture_text("06_hfs_diskutil_list_plist_recoveryhd_cauliflowervest.plist")
    )
    parts = listing.disks[0].partitions
    assert [p.volume_uuid for p in parts] == [None, None, None]
    assert parts[1].name == "MacintoshHD"


def test_apfs_list_shows_the_container_as_its_own_disk() -> None:
    listing = diskutil.parse_list(
        fixture_text("03_apfs_1013_diskutil_list_plist.plist")
    )
    container = listing.disks[1]
    assert container.content == "EF57347C-0000-11AA-AA11-00306543ECAC"
    assert [v.name for v in container.apfs_volumes] == [
        "Macintosh HD",
        "Preboot",
        "Recovery",
        "VM",
    ]
    assert container.partitions == ()


def test_apfs_containers_with_roles() -> None:
    (container,) = diskutil.parse_apfs_list(
        fixture_text("04_apfs_1013_diskutil_apfs_list_plist.plist")
    )
    assert container.ref == "disk1" and container.physical_stores == ("disk0s2",)
    assert container.role_volume("Recovery").id == "disk1s3"  # type: ignore[union-attr]
    assert (
        container.volumes[0].roles == () and container.volumes[0].used == 97_727_180_800
    )


@pytest.mark.parametrize(
    "name, ident, internal, bus",
    [
        ("02_hfs_vbox_diskutil_info_disk0.plist", "disk0", True, "SATA"),
        (
            "02b_hfs_vbox_diskutil_info_disk0s3_recoveryhd_EDITED.plist",
            "disk0s3",
            False,
            "Thunderbolt",
        ),
        ("02c_hfs_vbox_diskutil_info_disk0s2_EDITED.plist", "disk0s2", False, "USB"),
        # The built-in SD card reader: USB, and internal all the same.
        ("11_usb_sdcardreader_diskutil_info_wholedisk.plist", "disk3", True, "USB"),
    ],
)
def test_info(name: str, ident: str, internal: bool, bus: str) -> None:
    info = diskutil.parse_info(fixture_text(name), ident)
    assert info.flag("Internal") is internal and info.text("BusProtocol") == bus


def test_info_about_another_disk_is_refused() -> None:
    with pytest.raises(ParseError, match="describes disk0, not disk1"):
        diskutil.parse_info(
            fixture_text("02_hfs_vbox_diskutil_info_disk0.plist"), "disk1"
        )


def test_system_profiler_sata_report() -> None:
    # The capture is one report of the array system_profiler prints.
    excerpt = fixture_text(
        "08_hfs_era_system_profiler_xml_SPSerialATADataType_excerpt.xml"
    )
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">\n<array>\n'
        f"{excerpt}\n</array>\n</plist>\n"
    )
    media = {m.bsd_name: m for m in sysinfo.parse_profiler(text)}
    assert media["disk0"].medium_type == "Rotational"
    assert media["disk0"].model == "TOSHIBA MK7559GSXF"


def test_diskutil_error_dictionary() -> None:
    text = plists.dumps(
        {
            "Error": True,
            "ErrorMessage": "Could not find disk: /Volumes/SMB",
            "ExitCode": 1,
        }
    )
    with pytest.raises(diskutil.DiskutilError, match="Could not find disk") as caught:
        diskutil.parse_info(text, "/Volumes/SMB")
    assert caught.value.tool_exit_code == 1


@pytest.mark.parametrize(
    "text, problem",
    [
        ("", "empty"),
        ("   \n", "empty"),
        (
            '<?xml version="1.0"?><plist version="1.0"><dict><key>AllDisks</key><array>',
            "not a valid",
        ),
        ("diskutil: did not recognize verb", "not a valid"),
        (plists.dumps_any(["disk0"]), "expected a dictionary"),
        (plists.dumps({"AllDisks": []}), "AllDisksAndPartitions is missing"),
        (
            plists.dumps({"AllDisksAndPartitions": [{"DeviceIdentifier": 7}]}),
            "DeviceIdentifier should be a string",
        ),
        (
            plists.dumps(
                {
                    "AllDisksAndPartitions": [
                        {"DeviceIdentifier": "disk0", "Size": "big"}
                    ]
                }
            ),
            "Size should be an integer",
        ),
        (
            plists.dumps({"AllDisksAndPartitions": ["disk0"]}),
            "should hold dictionaries",
        ),
    ],
)
def test_bad_list_output_is_a_clear_parse_error(text: str, problem: str) -> None:
    with pytest.raises(ParseError, match=problem):
        diskutil.parse_list(text)


def test_truncated_real_capture_is_a_parse_error() -> None:
    text = fixture_text("03_apfs_1013_diskutil_list_plist.plist")
    with pytest.raises(ParseError):
        diskutil.parse_list(text[: len(text) // 2])


def test_binary_plist_and_noise_before_xml() -> None:
    data = {
        "AllDisks": ["disk0"],
        "AllDisksAndPartitions": [{"DeviceIdentifier": "disk0"}],
    }
    binary = plistlib.dumps(data, fmt=plistlib.FMT_BINARY)
    assert plists.parse(binary, "a binary plist")["AllDisks"] == ["disk0"]
    noisy = "objc[123]: Class X is implemented in both\n" + plists.dumps(data)
    assert diskutil.parse_list(noisy).whole_disks == ()


@given(st.binary(max_size=300))
def test_no_byte_string_crashes_the_list_parser(data: bytes) -> None:
    with contextlib.suppress(SsdmigrateError):
        diskutil.parse_list(data.decode("latin-1"))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("MacBookPro9,2\n", "MacBookPro9,2"),
        ("hw.model: Macmini6,2\n", "Macmini6,2"),
    ],
)
def test_model(text: str, expected: str) -> None:
    assert sysinfo.parse_model(text) == expected


@pytest.mark.parametrize("bad", ["", "sysctl: unknown oid", "x86_64"])
def test_model_surprises_fail_loudly(bad: str) -> None:
    with pytest.raises(ParseError):
        sysinfo.parse_model(bad)


def test_sw_vers_fdesetup_and_pmset() -> None:
    assert (
        sysinfo.parse_sw_vers(
            "ProductName:\tMac OS X\nProductVersion:\t10.11.6\nBuildVersion:\t15G31\n"
        )["BuildVersion"]
        == "15G31"
    )
    assert sysinfo.parse_filevault("FileVault is On.\nEncryption in progress\n") is True
    assert sysinfo.parse_filevault("FileVault is Off.\n") is False
    with pytest.raises(ParseError):
        sysinfo.parse_filevault("Error: unknown\n")
    laptop = sysinfo.parse_power(
        "Now drawing from 'Battery Power'\n -InternalBattery-0 (id=4325475)\t37%; discharging; 2:01 remaining present: true\n"
    )
    assert (laptop.source, laptop.percent) == ("battery", 37)
    desktop = sysinfo.parse_power("Now drawing from 'AC Power'\n")
    assert (desktop.source, desktop.percent) == ("ac", None)
    with pytest.raises(ParseError):
        sysinfo.parse_power("")
