"""The pure planner: hand-built snapshots in, checked plans out."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssdmigrate import plan_layout
from ssdmigrate.model import (
    ApfsContainer,
    ApfsVolume,
    Boot,
    Disk,
    Machine,
    Media,
    Partition,
    Power,
    Snapshot,
)
from ssdmigrate.plan_facts import (
    BackupStatus,
    OpenFile,
    PlanFacts,
    PlanOptions,
    RootEntry,
)
from ssdmigrate.plan_model import STEP_IDS, Plan
from ssdmigrate.planner import build_plan
from ssdmigrate.render_plan import render_json, render_text

GOLDEN = Path(__file__).parent / "golden"
SCHEMA = Path(__file__).parents[1] / "ssdmigrate" / "data" / "plan.schema.json"
NOW = datetime(2026, 12, 1, 9, 30)
USED = 82_341_412_864
RECOVERY = 650_002_432
OWC = 120_034_123_776

# --- builders ------------------------------------------------------------------


@dataclass(frozen=True)
class FakeHazard:
    id: str
    text: str


@dataclass(frozen=True)
class FakeModel:
    model_id: str
    name: str
    drive: str
    swap: str
    hazards: tuple[FakeHazard, ...] = ()


MBP92 = FakeModel(
    "MacBookPro9,2",
    "MacBook Pro (13-inch, Mid 2012)",
    "sata-2.5",
    "owner",
    (FakeHazard("sata-cable", "The drive's flex cable fails often on this model."),),
)


def hdd(used: int = USED, *, recovery: str | None = "Apple_Boot") -> Disk:
    """disk0: the internal 500 GB hard disk with EFI, Macintosh HD, Recovery HD."""
    parts = [
        Partition("disk0s1", "EFI", 209_715_200, "EFI", None),
        Partition(
            "disk0s2", "Apple_HFS", 499_248_103_424, "Macintosh HD", "/",
            volume_uuid="9A1C0E5B-0000-4000-8000-000000000002",
            filesystem="Journaled HFS+", free=499_248_103_424 - used,
        ),
    ]  # fmt: skip
    if recovery:
        parts.append(Partition("disk0s3", recovery, RECOVERY, "Recovery HD", None))
    return Disk(
        "disk0", 500_107_862_016, "physical", True, False, "SATA",
        "GUID_partition_scheme", "APPLE HDD HTS545050A7E362", writable=True,
        smart_status="Verified", serial="TNS5193T0GJ2ZH", partitions=tuple(parts),
    )  # fmt: skip


def ssd(
    ident: str = "disk1",
    size: int | None = OWC,
    *,
    name: str = "OWC Mercury Extreme Pro SSD",
    partitions: tuple[Partition, ...] = (),
    **changes: Any,
) -> Disk:
    disk = Disk(
        ident, size, "physical", False, True, "USB", None, name,
        writable=True, serial=f"OW{ident.upper()}", partitions=partitions,
    )  # fmt: skip
    return replace(disk, **changes)


def boot(used: int = USED, **changes: Any) -> Boot:
    made = Boot(
        volume="disk0s2", disks=("disk0",), filesystem="Journaled HFS+",
        name="Macintosh HD", size=499_248_103_424, used=used, recovery="disk0s3",
        recovery_kind="partition", recovery_size=RECOVERY, partition="disk0s2",
    )  # fmt: skip
    return replace(made, **changes)


def machine(**changes: Any) -> Machine:
    made = Machine(
        "MacBookPro9,2", "Mac OS X", "10.11.6", "15G31", False, Power("ac", 96)
    )
    return replace(made, **changes)


def usb2(ident: str = "disk1") -> Media:
    return Media(ident, "Solid State", None, None, "Up to 480 Mb/sec", "OWC")


def snapshot(*disks: Disk, used: int = USED, **changes: Any) -> Snapshot:
    return Snapshot(
        machine=changes.pop("machine", machine()),
        disks=(hdd(used), *disks),
        boot=changes.pop("boot", boot(used)),
        media=changes.pop("media", (usb2(),)),
        **changes,
    )


def entry(
    path: str, kind: str = "dir", mode: int = 0o755, link: str | None = None
) -> RootEntry:
    return RootEntry(path, kind, mode, link)


EL_CAPITAN_ROOT = (
    entry(".DocumentRevisions-V100"), entry(".Spotlight-V100", mode=0o700),
    entry(".Trashes", mode=0o1333), entry(".file", "file", 0o444),
    entry(".fseventsd", mode=0o700), entry(".vol", mode=0o555),
    entry("Applications", mode=0o775), entry("Library"), entry("Network"),
    entry("System"), entry("Users"), entry("Volumes", mode=0o1777),
    entry("bin"), entry("cores", mode=0o1775), entry("dev", mode=0o555),
    entry("etc", "symlink", link="private/etc"), entry("home", mode=0o555),
    entry("installer.failurerequests", "file", 0o644),
    entry("net", mode=0o555), entry("private"), entry("sbin"),
    entry("tmp", "symlink", link="private/tmp"), entry("usr"),
    entry("var", "symlink", link="private/var"),
    entry("Library/Application Support"), entry("Library/Caches", mode=0o1777),
    entry("Library/Preferences"),
    entry("private/etc"), entry("private/tmp", mode=0o1777), entry("private/var"),
    entry("private/var/db"), entry("private/var/folders"), entry("private/var/log"),
    entry("private/var/run", mode=0o775), entry("private/var/vm"),
)  # fmt: skip


def facts(snap: Snapshot, **changes: Any) -> PlanFacts:
    made = PlanFacts(
        snapshot=snap,
        now=NOW,
        latest_backup=BackupStatus(datetime(2026, 11, 29, 20, 30, 15)),
        is_root=True,
        tm_destinations=(),
        root_entries=EL_CAPITAN_ROOT,
        model=MBP92,
    )
    return replace(made, **changes)


def plan_for(snap: Snapshot, target: str | None = "disk1", **changes: Any) -> Plan:
    options = PlanOptions(target=target, **changes.pop("options", {}))
    return build_plan(facts(snap, **changes), options)


def codes(plan: Plan, level: str | None = None) -> set[str]:
    return {f.code for f in plan.findings if level is None or f.level == level}


def finding(plan: Plan, code: str) -> str:
    return next(f.message for f in plan.findings if f.code == code)


def step(plan: Plan, ident: str):  # type: ignore[no-untyped-def]
    return next(s for s in plan.steps if s.id == ident)


# --- the user story: MacBookPro9,2, El Capitan, OWC SSD on USB 2.0 -------------


def test_hfs_plan_partitions_with_a_trailing_recovery_hd() -> None:
    plan = plan_for(snapshot(ssd()))

    argv = step(plan, "partition").argv
    main = plan_layout.main_bytes(OWC, 750_002_176)
    assert argv == (
        "diskutil", "partitionDisk", "disk1", "3", "GPT",
        "JHFS+", "SSD Boot HD", f"{main}B",
        "JHFS+", "Recovery HD", "750002176B",
        "Free Space", "none", "0B",
    )  # fmt: skip
    roles = [s.role for s in plan.after]
    assert roles == ["efi", "main", "recovery", "free"]
    assert [s.id for s in plan.after[:3]] == ["disk1s1", "disk1s2", "disk1s3"]


def test_hfs_plan_runs_its_steps_in_the_stable_order() -> None:
    plan = plan_for(snapshot(ssd()))

    groups = list(dict.fromkeys(s.group for s in plan.steps))
    assert groups == list(STEP_IDS)
    assert plan.ok and plan.era == "hfs"


def test_live_hfs_clone_copies_item_by_item_with_ditto_and_leaves_out_volatile_data():
    plan = plan_for(snapshot(ssd()))
    clone = {s.id: s.argv for s in plan.steps if s.group == "clone"}

    mount = "/Volumes/SSD Boot HD"
    assert clone["clone:Users"] == ("ditto", "-X", "/Users", f"{mount}/Users")
    assert clone["clone:etc"] == ("ln", "-sfh", "private/etc", f"{mount}/etc")
    assert clone["clone:private/tmp"] == (
        "mkdir", "-p", "-m", "1777", f"{mount}/private/tmp",
    )  # fmt: skip
    assert clone["clone:private/var/vm"][0] == "mkdir"
    assert clone["clone:Library/Caches"][0] == "mkdir"
    assert clone["clone:private/var/log"][0] == "ditto"
    for dropped in (".Spotlight-V100", ".fseventsd", ".Trashes"):
        assert f"clone:{dropped}" not in clone
    for mount_point in ("Volumes", "dev", "home", "net"):
        assert clone[f"clone:{mount_point}"][0] == "mkdir"


def test_a_split_folder_is_made_before_anything_inside_it() -> None:
    plan = plan_for(snapshot(ssd()))
    order = [s.id for s in plan.steps]

    assert order.index("clone:private") < order.index("clone:private/var")
    assert order.index("clone:private/var") < order.index("clone:private/var/log")


def test_recovery_hd_is_block_copied_then_typed_apple_boot_then_the_volume_blessed():
    plan = plan_for(snapshot(ssd()))

    assert step(plan, "clone-recovery").argv == (
        "asr", "restore", "--source", "/dev/disk0s3", "--target", "/dev/disk1s3",
        "--erase", "--noprompt", "--puppetstrings",
    )  # fmt: skip
    assert step(plan, "set-recovery-type").argv == (
        "asr", "adjust", "--target", "/dev/disk1s3", "-settype", "Apple_Boot",
    )  # fmt: skip
    assert step(plan, "bless").argv == (
        "bless", "--folder", "/Volumes/SSD Boot HD/System/Library/CoreServices",
    )  # fmt: skip
    assert step(plan, "enable-ownership").argv == (
        "diskutil", "enableOwnership", "/Volumes/SSD Boot HD",
    )  # fmt: skip


def test_steps_on_new_partitions_say_they_must_be_resolved_again() -> None:
    plan = plan_for(snapshot(ssd()))

    for s in plan.steps:
        uses_new = any("disk1s" in a or "/Volumes/" in a for a in s.argv)
        assert (s.resolve_after == "partition") == uses_new, s.id


def test_usb_2_warns_with_the_estimate_from_a_hard_disk_copied_file_by_file() -> None:
    plan = plan_for(snapshot(ssd()))

    said = finding(plan, "target-usb2")
    assert "USB 2.0" in said and "40 min" in said
    clone_time = sum(s.estimate_seconds for s in plan.steps if s.group == "clone")
    assert clone_time == pytest.approx(USED / 35e6, rel=0.05)


def test_a_disk_too_small_is_refused_with_the_numbers() -> None:
    plan = plan_for(snapshot(ssd(), used=140_000_000_000))

    assert "target-too-small" in codes(plan, "fail")
    said = finding(plan, "target-too-small")
    assert "140.0 GB is in use" in said and "154.0 GB" in said and "120.0 GB" in said
    assert not plan.ok


def test_two_external_disks_make_the_owner_choose() -> None:
    plan = plan_for(snapshot(ssd(), ssd("disk2", 64_000_000_000, name="Stick")), None)

    assert "target-choose" in codes(plan, "fail")
    assert plan.target is None and plan.steps == ()
    assert [c.id for c in plan.candidates] == ["disk1", "disk2"]
    assert "source-filesystem" in codes(plan)  # the Mac is still checked


def test_the_only_external_disk_is_proposed_when_small() -> None:
    plan = plan_for(snapshot(ssd()), None)

    assert plan.target is not None and plan.target.id == "disk1"


def test_a_large_only_disk_is_named_but_never_chosen_silently() -> None:
    plan = plan_for(snapshot(ssd(size=500_107_862_016)), None)

    assert plan.target is None
    assert "disk1" in finding(plan, "target-confirm")
    assert plan_for(snapshot(ssd(size=500_107_862_016)), "disk1").ok


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("disk0", "target-is-boot"),
        ("/dev/disk0", "target-is-boot"),
        ("disk0s2", "target-not-whole-disk"),
        ("disk9", "target-missing"),
        ("disk3", "target-internal"),
    ],
)
def test_wrong_targets_are_refused(target: str, code: str) -> None:
    internal = ssd("disk3", internal=True, bus="SATA")
    plan = plan_for(snapshot(ssd(), internal), target)

    assert code in codes(plan, "fail")
    assert plan.steps == () and not plan.ok


def test_the_physical_store_behind_an_apfs_boot_volume_is_refused() -> None:
    snap = apfs_snapshot()

    assert "target-is-boot" in codes(plan_for(snap, "disk0"), "fail")
    assert "target-not-whole-disk" in codes(plan_for(snap, "disk0s2"), "fail")
    assert "target-virtual" in codes(plan_for(snap, "disk2"), "fail")


def test_the_physical_disk_behind_a_corestorage_boot_volume_is_refused() -> None:
    lv = Disk(
        "disk2", 499_000_000_000, "corestorage", True, False, "SATA", None, None,
        backing=("disk0s2",),
        partitions=(Partition("disk2", "Apple_HFS", 1, "Macintosh HD", "/"),),
    )  # fmt: skip
    snap = snapshot(
        ssd(), lv, boot=boot(volume="disk2", corestorage=True, partition=None)
    )

    assert "target-is-boot" in codes(plan_for(snap, "disk0"), "fail")
    assert "target-virtual" in codes(plan_for(snap, "disk2"), "fail")
    assert plan_for(snap, "disk1").ok


@pytest.mark.parametrize(
    "changes",
    [{"info_ok": False}, {"internal": None}, {"size": None}, {"bus": None}],
)
def test_a_disk_whose_attributes_are_unknown_is_refused(
    changes: dict[str, Any],
) -> None:
    plan = plan_for(snapshot(ssd(**changes)))

    assert "target-unknown" in codes(plan, "fail")


def test_volumes_on_the_ssd_are_named_with_size_and_use() -> None:
    old = Partition(
        "disk1s2", "Apple_HFS", 119_000_000_000, "Old Stuff", "/Volumes/Old Stuff",
        free=100_000_000_000,
    )  # fmt: skip
    plan = plan_for(snapshot(ssd(partitions=(old,))))

    said = finding(plan, "target-has-data")
    assert '"Old Stuff"' in said and "119.0 GB" in said and "19.0 GB used" in said


def test_open_files_on_the_ssd_refuse_the_plan_and_name_the_processes() -> None:
    old = Partition("disk1s2", "Apple_HFS", 1, "Old", "/Volumes/Old", free=0)
    busy = {"/Volumes/Old": (OpenFile(412, "Preview"), OpenFile(412, "Preview"))}
    plan = plan_for(snapshot(ssd(partitions=(old,))), open_files=busy)

    assert "Preview (pid 412)" in finding(plan, "target-in-use")
    unknown = plan_for(snapshot(ssd(partitions=(old,))), open_files={})
    assert "target-open-files-unknown" in codes(unknown, "warn")


def test_a_time_machine_disk_is_never_erased() -> None:
    backups = Partition("disk1s2", "Apple_HFS", 1, "TM", "/Volumes/TM", free=0)
    plan = plan_for(
        snapshot(ssd(partitions=(backups,))),
        tm_destinations=("/Volumes/TM",),
        open_files={"/Volumes/TM": ()},
    )

    assert "target-is-backup" in codes(plan, "fail")


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (BackupStatus(NOW - timedelta(days=8)), "backup-old"),
        (BackupStatus(None), "backup-none"),
        (BackupStatus(None, known=False, detail="Failed to mount"), "backup-unknown"),
    ],
)
def test_no_recent_backup_is_a_warning(status: BackupStatus, code: str) -> None:
    plan = plan_for(snapshot(ssd()), latest_backup=status)

    assert code in codes(plan, "warn") and plan.ok


def test_a_rotational_ssd_and_unknown_media_warn() -> None:
    spinning = snapshot(
        ssd(solid_state=None), media=(replace(usb2(), medium_type="Rotational"),)
    )

    assert "target-rotational" in codes(plan_for(spinning), "warn")
    unknown = snapshot(ssd(solid_state=None), media=())
    assert "target-media-unknown" in codes(plan_for(unknown), "warn")


def test_a_failing_disk_refuses_and_says_to_copy_files_first() -> None:
    snap = snapshot(ssd())
    failing = replace(
        snap, disks=(replace(snap.disks[0], smart_status="Failing"), ssd())
    )
    plan = plan_for(failing)

    assert "source-smart-failing" in codes(plan, "fail")
    assert "home folder" in next(f.remedy for f in plan.findings if f.level == "fail")


def test_filevault_warns_that_the_copy_is_not_encrypted() -> None:
    plan = plan_for(snapshot(ssd(), machine=machine(filevault=True)))

    assert "not be encrypted" in finding(plan, "filevault-on")


def test_a_volume_merely_named_recovery_hd_is_not_a_recovery_hd() -> None:
    snap = snapshot(ssd())
    fake = replace(snap, disks=(hdd(recovery="Apple_HFS"), ssd()))
    plan = plan_for(fake)

    assert "source-recovery-missing" in codes(plan, "warn")
    assert plan.source.recovery is None and plan.recovery_size is None
    assert "clone-recovery" not in {s.id for s in plan.steps}
    assert step(plan, "partition").argv[3:] == (
        "1",
        "GPT",
        "JHFS+",
        "SSD Boot HD",
        "0B",
    )


def test_a_recovery_size_below_the_existing_one_is_refused() -> None:
    plan = plan_for(snapshot(ssd()), options={"recovery_size": 600_000_000})

    assert "recovery-size-too-small" in codes(plan, "fail")


@pytest.mark.parametrize(
    ("power", "code"),
    [(Power("battery", 30), "power-low"), (Power(None), "power-unknown")],
)
def test_low_or_unknown_power_warns(power: Power, code: str) -> None:
    plan = plan_for(snapshot(ssd(), machine=machine(power=power)))

    assert code in codes(plan, "warn")


@pytest.mark.parametrize(
    ("model", "level", "code"),
    [
        (FakeModel("iMac11,3", "iMac (27-inch, Mid 2010)", "sata-3.5", "owner"),
         "warn", "model-imac-bay"),
        (FakeModel("MacBookPro11,1", "MacBook Pro (Retina)", "blade", "adapter"),
         "warn", "model-adapter"),
        (FakeModel("MacBookPro15,2", "MacBook Pro (2018)", "soldered", "no"),
         "fail", "model-no-swap"),
        (None, "warn", "model-unknown"),
    ],
)  # fmt: skip
def test_the_model_decides_whether_the_drive_can_be_swapped(
    model: FakeModel | None, level: str, code: str
) -> None:
    plan = plan_for(snapshot(ssd()), model=model)

    assert code in codes(plan, level)


def test_soldered_storage_still_mentions_the_external_boot_disk() -> None:
    soldered = FakeModel("Macmini9,1", "Mac mini (M1, 2020)", "soldered", "no")
    plan = plan_for(snapshot(ssd()), model=soldered)

    remedy = next(f.remedy for f in plan.findings if f.code == "model-no-swap")
    assert "external startup disk" in (remedy or "")


def test_not_root_warns_with_the_sudo_command() -> None:
    plan = plan_for(snapshot(ssd()), is_root=False)

    remedy = next(f.remedy for f in plan.findings if f.code == "not-root")
    assert remedy == "Start the run with: sudo ssdmigrate run --target disk1"
    assert plan.ok


def test_a_source_that_is_not_running_is_block_copied_with_asr() -> None:
    plan = plan_for(snapshot(ssd()), source_live=False)

    clone = [s for s in plan.steps if s.group == "clone"]
    assert [s.id for s in clone] == ["clone"]
    assert clone[0].argv[:4] == ("asr", "restore", "--source", "/dev/disk0s2")
    assert clone[0].argv[4:6] == ("--target", "/Volumes/SSD Boot HD")
    assert "--erase" in clone[0].argv


def test_without_a_listing_of_the_boot_volume_the_copy_cannot_be_planned() -> None:
    plan = plan_for(snapshot(ssd()), root_entries=None)

    assert "source-listing" in codes(plan, "fail") and plan.steps == ()


@pytest.mark.parametrize("name", ["", "a/b", "Mac:HD", "tab\there"])
def test_volume_names_that_cannot_be_used_are_refused(name: str) -> None:
    plan = plan_for(snapshot(ssd()), options={"name": name})

    assert "name-invalid" in codes(plan, "fail")


# --- APFS ----------------------------------------------------------------------


def apfs_snapshot(version: str = "10.15.7", **changes: Any) -> Snapshot:
    store = Disk(
        "disk0", 500_277_790_720, "physical", True, True, "PCI-Express",
        "GUID_partition_scheme", "APPLE SSD SM0512F", smart_status="Verified",
        partitions=(
            Partition("disk0s1", "EFI", 209_715_200, "EFI", None),
            Partition("disk0s2", "Apple_APFS", 500_068_036_608, None, None),
        ),
    )  # fmt: skip
    container = Disk(
        "disk2", 500_068_036_608, "apfs-container", True, True, "PCI-Express",
        None, None, backing=("disk0s2",),
        partitions=(
            Partition("disk2s1", "41504653-0000-11AA-AA11-00306543ECAC", None,
                      "Macintosh HD", "/", filesystem="APFS"),
        ),
    )  # fmt: skip
    apfs = ApfsContainer(
        "disk2", None, ("disk0s2",), 500_068_036_608, 400_000_000_000,
        (ApfsVolume("disk2s3", "Recovery", ("Recovery",), None, 520_000_000),),
    )  # fmt: skip
    return Snapshot(
        machine=machine(model="MacBookPro11,1", os_version=version),
        disks=(store, container, ssd("disk1", 250_059_350_016)),
        boot=Boot(
            volume="disk2s1",
            disks=("disk0",),
            filesystem="APFS",
            name="Macintosh HD",
            used=90_000_000_000,
            recovery="disk2s3",
            recovery_kind="apfs-volume",
            recovery_size=520_000_000,
            container="disk2",
        ),
        containers=(apfs,),
        **changes,
    )


def test_apfs_plan_clones_the_running_system_with_asr_onto_an_apfs_volume() -> None:
    plan = plan_for(apfs_snapshot())

    assert plan.era == "apfs" and plan.recovery_size is None
    assert step(plan, "partition").argv == (
        "diskutil", "partitionDisk", "disk1", "1", "GPT", "APFS", "SSD Boot HD", "0B",
    )  # fmt: skip
    assert step(plan, "clone").argv == (
        "asr", "restore", "--source", "/", "--target", "/Volumes/SSD Boot HD",
        "--erase", "--noprompt", "--puppetstrings",
    )  # fmt: skip
    assert "clone-recovery" not in {s.id for s in plan.steps}
    assert "no separate Recovery partition" in finding(plan, "apfs-recovery")
    assert step(plan, "bless").resolve_after == "clone"


@pytest.mark.parametrize(
    ("version", "code"), [("10.13.6", "apfs-inverter"), ("10.14.6", "apfs-inverter"),
                          ("12.7", "apfs-live-sealed")],
)  # fmt: skip
def test_apfs_releases_with_known_asr_trouble_warn_and_name_recovery(
    version: str, code: str
) -> None:
    plan = plan_for(apfs_snapshot(version))

    assert code in codes(plan, "warn")
    remedy = next(f.remedy for f in plan.findings if f.code == code) or ""
    assert "Recovery" in remedy and "Restore" in remedy


# --- JSON, reload, golden output -----------------------------------------------


def test_plan_json_round_trips_through_from_json() -> None:
    plan = plan_for(snapshot(ssd()))

    again = Plan.from_json(json.loads(render_json(plan)))
    assert again == plan


def test_a_stored_plan_of_another_schema_is_refused() -> None:
    from ssdmigrate.errors import ParseError

    with pytest.raises(ParseError, match="schema"):
        Plan.from_json({"schema": "ssdmigrate.plan/0"})


def validate(data: Any, schema: dict[str, Any], root: dict[str, Any]) -> None:
    """The subset of JSON Schema 2020-12 plan.schema.json uses."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return validate(data, root["$defs"][name], root)
    if "oneOf" in schema:
        matches = 0
        for option in schema["oneOf"]:
            try:
                validate(data, option, root)
                matches += 1
            except AssertionError:
                pass
        assert matches == 1, f"{data!r} matches {matches} of oneOf"
        return None
    if "const" in schema:
        assert data == schema["const"]
    if "enum" in schema:
        assert data in schema["enum"], f"{data!r} not in {schema['enum']}"
    if "type" in schema:
        assert _type_ok(data, schema["type"]), f"{data!r} is not {schema['type']}"
    if isinstance(data, dict):
        _validate_object(data, schema, root)
    if isinstance(data, list):
        assert len(data) >= schema.get("minItems", 0)
        for item in data:
            validate(item, schema.get("items", {}), root)
    if isinstance(data, int) and "minimum" in schema:
        assert data >= schema["minimum"]
    return None


def _validate_object(
    data: dict[str, Any], schema: dict[str, Any], root: dict[str, Any]
) -> None:
    for key in schema.get("required", []):
        assert key in data, f"missing {key}"
    props = schema.get("properties", {})
    if schema.get("additionalProperties") is False:
        assert set(data) <= set(props), f"extra keys {set(data) - set(props)}"
    for key, value in data.items():
        if key in props:
            validate(value, props[key], root)


def _type_ok(data: Any, wanted: str | list[str]) -> bool:
    kinds = {
        "string": str, "boolean": bool, "object": dict, "array": list,
        "null": type(None),
    }  # fmt: skip
    for name in [wanted] if isinstance(wanted, str) else wanted:
        if name == "integer" and isinstance(data, int) and not isinstance(data, bool):
            return True
        if name in kinds and isinstance(data, kinds[name]):
            return True
    return False


RETINA = FakeModel(
    "MacBookPro11,1", "MacBook Pro (Retina, 13-inch, Late 2013)", "blade", "adapter"
)
PLANS = {
    "default": lambda: plan_for(snapshot(ssd()), None),
    "refused": lambda: plan_for(snapshot(ssd(), ssd("disk2", 64_000_000_000)), None),
    "apfs": lambda: plan_for(apfs_snapshot(), model=RETINA),
}


@pytest.mark.parametrize("which", sorted(PLANS))
def test_plan_json_validates_against_its_schema(which: str) -> None:
    schema = json.loads(SCHEMA.read_text())
    data = json.loads(render_json(PLANS[which]()))

    validate(data, schema, schema)
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator(schema).validate(data)


def test_the_schema_validator_rejects_what_the_schema_forbids() -> None:
    schema = json.loads(SCHEMA.read_text())
    data = json.loads(render_json(PLANS["default"]()))
    data["steps"][0]["group"] = "format-everything"

    with pytest.raises(AssertionError):
        validate(data, schema, schema)


@pytest.mark.parametrize(
    ("which", "suffix"),
    [("default", "txt"), ("default", "json"), ("refused", "txt"), ("apfs", "txt")],
)
def test_golden_output(which: str, suffix: str) -> None:
    plan = PLANS[which]()
    text = render_json(plan) if suffix == "json" else render_text(plan)
    path = GOLDEN / f"plan_{which}.{suffix}"

    if os.environ.get("SSDMIGRATE_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_text_output_puts_problems_first_and_quotes_commands_for_the_shell() -> None:
    text = render_text(plan_for(snapshot(ssd()), None, options={"name": "Bob's $HOME"}))

    assert text.index("Problems and warnings") < text.index("What's going to happen")
    assert "ditto -X /Users '/Volumes/Bob'\"'\"'s $HOME/Users'" in text
    story = text[text.index("What's going to happen") : text.index("now and after")]
    assert "source" not in story and "target" not in story


# --- properties over generated layouts -----------------------------------------

BUSES = ["USB", "SATA", "Thunderbolt", "PCI-Express", None]
KINDS = ["physical", "physical", "physical", "apfs-container", "corestorage", "image"]


@st.composite
def layouts(draw: st.DrawFn) -> tuple[Snapshot, str | None]:
    count = draw(st.integers(1, 5))
    disks = [_drawn_disk(draw, n) for n in range(count)]
    boot_owner = draw(st.sampled_from(disks))
    behind = draw(st.lists(st.sampled_from([d.id for d in disks]), max_size=2))
    boot_part = Partition(f"{boot_owner.id}s2", "Apple_HFS", 1, "Macintosh HD", "/")
    disks[disks.index(boot_owner)] = replace(
        boot_owner, partitions=(*boot_owner.partitions, boot_part)
    )
    physical = boot_owner.id if boot_owner.physical else draw(st.sampled_from(disks)).id
    snap = Snapshot(
        machine=machine(os_version=draw(st.sampled_from(["10.11.6", "10.15.7"]))),
        disks=tuple(disks),
        boot=boot(
            volume=boot_part.id,
            disks=tuple(dict.fromkeys([physical, *behind])),
            filesystem=draw(st.sampled_from(["Journaled HFS+", "APFS"])),
            used=draw(st.integers(1, 200) ) * 10**9,
            recovery=None, recovery_kind=None,
        ),
        media=(),
    )  # fmt: skip
    wanted = draw(st.one_of(st.none(), st.sampled_from(_idents(snap))))
    return snap, wanted


def _drawn_disk(draw: st.DrawFn, n: int) -> Disk:
    ident = f"disk{n}"
    parts = tuple(
        Partition(f"{ident}s{i + 3}", "Apple_HFS", 10**9, f"Vol {i}", None)
        for i in range(draw(st.integers(0, 2)))
    )
    return Disk(
        ident,
        draw(st.one_of(st.none(), st.integers(10**9, 4 * 10**12))),
        draw(st.sampled_from(KINDS)),
        draw(st.sampled_from([True, False, False, None])),
        draw(st.sampled_from([True, False, None])),
        draw(st.sampled_from(BUSES)),
        None,
        f"Drive {n}",
        info_ok=draw(st.booleans()) or draw(st.booleans()),
        partitions=parts,
    )


def _idents(snap: Snapshot) -> list[str]:
    return [d.id for d in snap.disks] + [p.id for d in snap.disks for p in d.partitions]


@settings(max_examples=300, deadline=None)
@given(layouts())
def test_no_plan_writes_to_the_boot_disk_an_internal_or_an_unknown_disk(layout):
    snap, wanted = layout
    plan = build_plan(facts(snap), PlanOptions(target=wanted))

    for s in plan.steps:
        if not (s.destructive or s.disk):
            continue
        disk = snap.disk(s.disk or "")
        assert (
            disk is not None and plan.target is not None and disk.id == plan.target.id
        )
        assert disk.physical and disk.internal is False and disk.info_ok
        assert disk.id not in snap.boot.disks
        assert snap.owner_of(snap.boot.volume or "") is not disk
        for device in _written_devices(s.argv):
            assert device == disk.id or device.startswith(f"{disk.id}s")


def _written_devices(argv: tuple[str, ...]) -> list[str]:
    """Disk identifiers an argv writes to: all of them except asr's --source."""
    found = []
    for i, arg in enumerate(argv):
        if i > 0 and argv[i - 1] == "--source":
            continue
        match = re.fullmatch(r"(?:/dev/)?(disk\d+(?:s\d+)?)", arg)
        if match:
            found.append(match.group(1))
    return found


@settings(max_examples=200, deadline=None)
@given(
    size=st.integers(2 * 10**9, 8 * 10**12),
    recovery=st.integers(650_002_432, 5 * 10**9),
)
def test_partitions_never_add_up_to_more_than_the_disk_and_recovery_is_last(
    size: int, recovery: int
) -> None:
    plan = plan_for(
        snapshot(ssd(size=size), used=10**9), options={"recovery_size": recovery}
    )

    assert plan.target is not None
    if not plan.after:
        assert "target-too-small" in codes(plan, "fail") and not plan.steps
        return
    taken = sum(s.size or 0 for s in plan.after if s.role != "free")
    assert taken + plan_layout.GPT_OVERHEAD <= size
    parts = [s.role for s in plan.after if s.role != "free"]
    assert parts[-1] == "recovery"
    argv = step(plan, "partition").argv
    asked = int(argv[7][:-1]) + int(argv[10][:-1]) + plan_layout.EFI_SIZE
    assert asked + plan_layout.GPT_OVERHEAD <= size


NAMES = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc"), blacklist_characters="/:"
    ),
    min_size=1,
    max_size=40,
).filter(lambda n: n.strip() and n.isprintable())


@settings(max_examples=200, deadline=None)
@given(
    name=st.one_of(
        NAMES,
        st.sampled_from(['Bob\'s $(rm -rf ~) `x` "HD"', "Ünïcødé ✓ Диск", "a;b|c&d>e"]),
    )
)
def test_volume_names_reach_argv_unchanged(name: str) -> None:
    plan = plan_for(snapshot(ssd()), options={"name": name})

    assert plan.ok, [f.message for f in plan.findings if f.level == "fail"]
    assert step(plan, "partition").argv[6] == name
    mount = f"/Volumes/{name}"
    assert step(plan, "bless").argv[2] == f"{mount}/System/Library/CoreServices"
    assert step(plan, "clone:Users").argv[-1] == f"{mount}/Users"
