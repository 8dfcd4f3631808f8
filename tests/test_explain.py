"""explain: every recorded failure is recognised, success is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssdmigrate.explain import explain
from tests.conftest import fixture_text

ERRORS = {
    "13_apfs_macos15_asr_restore_root_replication_failure.txt": "replication-failed",
    "13c_apfs_macos15_asr_restore_data_volume_broken_seal.txt": "broken-seal",
    "14_apfs_1013_asr_error_apfs_target_requires_apfs_src.txt": "apfs-needs-apfs",
    "15_restor_asr_error_list_t2_tdm.txt": "t2-target-disk-mode",
    "16b_ios_restored_asr_relay_checksum_failure.txt": "checksum",
    "16c_ios_restored_asr_relay_bad_stream_exit1.txt": "stream-broken",
    "16d_ios_restored_asr_relay_stream_closed.txt": "stream-broken",
    "18_diskutil_eraseVolume_free_error_69879.txt": "cannot-open-disk",
    "23a_apfs_mojave_asr_restore_error_no_scan_information.txt": "not-scanned",
    "24_diskutil_unmountDisk_force_failed_highsierra.txt": "unmount-failed",
    "27_diskutil_mount_wholedisk_unsupported.txt": "whole-disk-mount",
    "28b_apfs_1013_asr_restore_no_root_mount_apfs_not_permitted.txt": "not-root",
}
SUCCESSES = [
    "16_ios_restored_asr_puppetstrings_relay_success_progress.txt",
    "21_hfs_era_asr_restore_recoveryhd_transcript_in_script_comment.txt",
    "23b_asr_imagescan_success.txt",
    "23c_apfs_mojave_asr_restore_noverify_invert_success.txt",
    "U2_hfs_lion_installesd_asr_restore_to_usb_success_with_warning.txt",
    "U4_diskutil_partitionDisk_gpt_jhfs_stdout.txt",
]


@pytest.mark.parametrize("name, code", sorted(ERRORS.items()))
def test_every_error_capture_is_recognised(name: str, code: str) -> None:
    assert code in [m.code for m in explain(fixture_text(name))]


@pytest.mark.parametrize("name", SUCCESSES)
def test_success_is_not_mistaken_for_failure(name: str) -> None:
    assert explain(fixture_text(name)) == []


def test_no_error_capture_is_left_out() -> None:
    from tests.conftest import FIXTURES

    if not FIXTURES.exists():
        pytest.skip(f"{FIXTURES} not found")
    listed = set(ERRORS) | set(SUCCESSES)
    for path in FIXTURES.glob("*.txt"):
        if path.name.endswith(".source.txt") or (
            "asr" not in path.name and "diskutil" not in path.name
        ):
            continue
        if "list_text" in path.name or "info_text" in path.name or "bless" in path.name:
            continue  # listings, not outcomes
        assert path.name in listed, (
            f"{path.name} is neither an error nor a success here"
        )


@pytest.mark.parametrize(
    "text, code",
    [
        ("Fehler beim Aushängen: -69888", "unmount-busy"),  # the number, not the words
        ("Volume replication failed - Erreur 49244", "replication-failed"),
        (
            "Impossible de modifier le type de partition de /dev/disk5s2 - Autorisation refusée",
            "not-root",
        ),
        (
            "Unmount of disk4 failed: at least one volume could not be unmounted\nUnmount was dissented by PID 9572 (/usr/bin/mds)",
            "unmount-dissented",
        ),
        (
            "Couldn't set up partitions on target device - operation DeleteAPFSVolume, line #5502 - Resource busy",
            "setup-partitions-busy",
        ),
    ],
)
def test_other_languages_and_the_reference_list(text: str, code: str) -> None:
    assert code in [m.code for m in explain(text)]


def test_explain_command_json_and_stdin(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pasted = tmp_path / "out.txt"
    pasted.write_text("Error: -69879: Couldn't open disk\n")
    data = cli("explain", str(pasted), "--json").json()
    assert data["schema"] == "ssdmigrate.explain/1"
    assert [m["code"] for m in data["matches"]] == ["cannot-open-disk"]
    assert set(data["matches"][0]) == {"code", "cause", "remedy"}
    nothing = tmp_path / "fine.txt"
    nothing.write_text("Finished partitioning on disk3\n")
    assert cli("explain", str(nothing), "--json").json()["matches"] == []
    assert "knows" in cli("explain", str(nothing)).out
