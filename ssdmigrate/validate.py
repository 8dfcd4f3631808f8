"""Is the clone ready for a test start-up? Checks of what makes a clone boot.

Each check reads the real tools' answers through the runner, and the clone's
files through the backend (on the simulated Mac, its real backing folders):
the partition map, `diskutil verifyVolume`, ownership, the system version,
`bless --info`, the Recovery HD link, used space, and a sampled comparison of
files with the Mac's own.
"""

from __future__ import annotations

import plistlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ssdmigrate import findings as f
from ssdmigrate.adapters import diskutil
from ssdmigrate.discovery import discover
from ssdmigrate.errors import ParseError, SsdmigrateError
from ssdmigrate.explain import explain
from ssdmigrate.findings import Finding
from ssdmigrate.model import Disk, Partition, Snapshot
from ssdmigrate.plan_model import Plan
from ssdmigrate.runner import Runner
from ssdmigrate.sizes import gb, human
from ssdmigrate.targeting import apfs_main, apfs_roles

SCHEMA = "ssdmigrate.validate/1"
VERSION_FILE = "System/Library/CoreServices/SystemVersion.plist"
CORE_SERVICES = "System/Library/CoreServices"
# The clone leaves out caches, swap, the sleep image and Spotlight's index,
# and files change while a live system is copied: within this share of the
# Mac's used space counts as complete.
USED_TOLERANCE = 0.15


@dataclass(frozen=True)
class Clone:
    """What validation needs to know about the clone and its source."""

    disk: str
    main_uuid: str | None  # the main partition's UUID, when the run recorded it
    name: str  # the main volume's name, when no UUID is known
    source_used: int | None
    source_recovery_size: int | None
    hfs: bool = True
    excluded: tuple[str, ...] = ()
    remade: tuple[str, ...] = ()  # folders and links the copy made, not copied

    @classmethod
    def from_plan(cls, plan: Plan, disk: str, main_uuid: str | None) -> Clone:
        mount = f"/Volumes/{plan.new_volume_name}/"
        remade = tuple(
            s.argv[-1].removeprefix(mount)
            for s in plan.steps
            if s.group == "clone" and s.argv[0] in ("mkdir", "ln")
        )
        return cls(
            disk=disk,
            main_uuid=main_uuid,
            name=plan.new_volume_name,
            source_used=plan.source.used_bytes,
            source_recovery_size=plan.source.recovery_size,
            hfs=plan.era != "apfs",
            excluded=plan.excluded,
            remade=remade,
        )


@dataclass
class Validation:
    findings: list[Finding] = field(default_factory=list)
    sample: dict[str, Any] | None = None
    mount: str | None = None  # where the clone is mounted

    @property
    def ready(self) -> bool:
        return not f.failed(self.findings)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "ready": self.ready,
            "mount": self.mount,
            "findings": [x.to_json() for x in self.findings],
            "sample": self.sample,
        }


def validate(
    runner: Runner, clone: Clone, *, sample: int = 1000, seed: int | None = None
) -> Validation:
    result = Validation()
    snapshot = discover(runner)
    disk = snapshot.disk(clone.disk)
    main = _main(snapshot, disk, clone)
    result.findings.append(_layout(snapshot, disk, main, clone))
    if disk is None or main is None or not main.mount_point:
        return result
    result.mount = main.mount_point
    checks: list[Callable[[], Finding]] = [
        lambda: _verify_volume(runner, main),
        lambda: _ownership(runner, main),
        lambda: _version(runner, main),
        lambda: _blessed(runner, main),
        lambda: _recovery_link(runner, disk, main, clone),
        lambda: _used(main, clone),
    ]
    result.findings.extend(check() for check in checks)
    result.findings.append(_sampled(runner, main, clone, sample, seed, result))
    return result


def _main(snapshot: Snapshot, disk: Disk | None, clone: Clone) -> Partition | None:
    if disk is None:
        return None
    if not clone.hfs:
        return apfs_main(snapshot, disk)
    by_uuid = [
        p for p in disk.partitions if clone.main_uuid and p.disk_uuid == clone.main_uuid
    ]
    by_name = [p for p in disk.partitions if p.name == clone.name]
    found = by_uuid or by_name
    return found[0] if found else None


def _layout(
    snapshot: Snapshot, disk: Disk | None, main: Partition | None, clone: Clone
) -> Finding:
    if disk is None:
        return f.fail(
            "clone-missing",
            f"{clone.disk} is not connected.",
            "Plug the SSD in and run ssdmigrate validate again.",
        )
    if (
        disk.scheme != "GUID_partition_scheme"
        or not disk.partitions
        or disk.partitions[0].content != "EFI"
    ):
        return f.fail(
            "layout-map",
            f"{disk.id} does not start with an EFI partition on a GUID partition map.",
            "Run ssdmigrate run again.",
        )
    if main is None:
        return f.fail(
            "layout-main",
            f'No volume "{clone.name}" on {disk.id}.',
            "Run ssdmigrate run again.",
        )
    return _recovery_layout(disk, clone) if clone.hfs else _apfs_layout(snapshot, disk)


def _apfs_layout(snapshot: Snapshot, disk: Disk) -> Finding:
    # A bootable APFS system needs Preboot and Recovery volumes beside it in
    # its container (asr(8), RESTORING WITH APFS FILESYSTEMS).
    missing = {"Preboot", "Recovery"} - apfs_roles(snapshot, disk)
    if missing:
        return f.fail(
            "layout-apfs-roles",
            f"The container on {disk.id} has no "
            f"{' or '.join(sorted(missing))} volume, so it would not start.",
            "Run ssdmigrate run again.",
        )
    return f.ok(
        "layout",
        f"{disk.id}: EFI, then the APFS container with the system, "
        "Preboot and Recovery volumes.",
    )


def _recovery_layout(disk: Disk, clone: Clone) -> Finding:
    last = disk.partitions[-1]
    if last.name == "Recovery HD" and last.content != "Apple_Boot":
        return f.fail(
            "recovery-type",
            f"The Recovery HD ({last.id}) is still of type "
            f"{last.content}; it will not start as a Recovery HD.",
            f"Set its type: sudo asr adjust --target /dev/{last.id} "
            "-settype Apple_Boot",
        )
    if last.content != "Apple_Boot":
        return f.fail(
            "recovery-missing",
            f"The last partition of {disk.id} is not a Recovery HD.",
            "Run ssdmigrate run again.",
        )
    wanted = clone.source_recovery_size or 0
    if (last.size or 0) < wanted:
        return f.fail(
            "recovery-size",
            f"The Recovery HD ({human(last.size)}) is smaller "
            f"than the Mac's own ({human(wanted)}).",
            "Run ssdmigrate run again.",
        )
    return f.ok(
        "layout",
        f"{disk.id}: EFI, the system, and a {human(last.size)} "
        "Recovery HD (Apple_Boot) last.",
    )


def _verify_volume(runner: Runner, main: Partition) -> Finding:
    result = runner.run(["diskutil", "verifyVolume", main.id], check=False)
    if result.ok:
        return f.ok("verify-volume", f"diskutil verifyVolume found {main.name} OK.")
    matches = explain(result.stdout + result.stderr)
    cause = matches[0].cause if matches else result.stderr.strip() or "it failed"
    return f.fail(
        "verify-volume",
        f"diskutil verifyVolume on {main.id}: {cause}",
        "Run ssdmigrate run again; if it fails again the SSD may be faulty.",
    )


def _ownership(runner: Runner, main: Partition) -> Finding:
    try:
        info = diskutil.parse_info(
            runner.run(diskutil.info_argv(main.id)).stdout, main.id
        )
    except SsdmigrateError as exc:
        return f.warn("ownership", f"Could not read {main.id}'s details: {exc.message}")
    if info.flag("GlobalPermissionsEnabled"):
        return f.ok("ownership", f"{main.name} honours file owners.")
    return f.fail(
        "ownership",
        f"{main.name} ignores file owners, so macOS on it would not start properly.",
        f"sudo diskutil enableOwnership {main.id}",
    )


def _read_version(path: Path) -> tuple[str, str]:
    try:
        data = plistlib.loads(path.read_bytes())
    except (OSError, plistlib.InvalidFileException, ValueError) as exc:
        raise ParseError(str(path), str(exc)) from exc
    return str(data.get("ProductVersion")), str(data.get("ProductBuildVersion"))


def _version(runner: Runner, main: Partition) -> Finding:
    backend = runner.backend
    try:
        mine = _read_version(backend.host_path("/") / VERSION_FILE)
        theirs = _read_version(backend.host_path(str(main.mount_point)) / VERSION_FILE)
    except SsdmigrateError as exc:
        return f.fail(
            "system-version",
            f"The clone's system version could not be read ({exc.message}).",
            "Run ssdmigrate run again.",
        )
    if mine != theirs:
        return f.fail(
            "system-version",
            f"The clone has macOS {theirs[0]} ({theirs[1]}), "
            f"this Mac {mine[0]} ({mine[1]}).",
            "Run ssdmigrate run again.",
        )
    return f.ok(
        "system-version", f"The clone has the same macOS: {mine[0]} ({mine[1]})."
    )


_BLESSED = re.compile(r"=> Blessed System Folder is (.+?)\s*$", re.MULTILINE)


def _blessed(runner: Runner, main: Partition) -> Finding:
    mount = str(main.mount_point)
    result = runner.run(["bless", "--info", mount], check=False)
    match = _BLESSED.search(result.stdout)
    expected = f"{mount.rstrip('/')}/{CORE_SERVICES}"
    if result.ok and match and match.group(1) in (expected, f"/{CORE_SERVICES}"):
        return f.ok("blessed", f"{main.name} has a blessed system folder.")
    # Without it a Mac starts to a flashing question mark (capture 29).
    return f.fail(
        "blessed",
        f"{main.name} has no blessed system folder, so the Mac "
        "would not start from it.",
        f'sudo bless --folder "{expected}"',
    )


def _recovery_link(
    runner: Runner, disk: Disk, main: Partition, clone: Clone
) -> Finding:
    if not clone.hfs:
        return f.ok("recovery-link", "Recovery lives in the APFS container.")
    result = runner.run(diskutil.info_argv(main.id), check=False)
    try:
        named = diskutil.parse_info(result.stdout, main.id).text(
            "RecoveryDeviceIdentifier"
        )
    except SsdmigrateError:
        named = None
    last = disk.partitions[-1].id
    if named is None:
        return f.ok(
            "recovery-link",
            "The OS names no Recovery HD for the clone yet; "
            "it finds the one at the end of the disk at start-up.",
        )
    if named != last:
        return f.warn(
            "recovery-link",
            f"{main.id} names {named} as its Recovery HD, not {last}.",
            "Start up from the SSD and check Command-R.",
        )
    return f.ok("recovery-link", f"{main.id} names {last} as its Recovery HD.")


def _used(main: Partition, clone: Clone) -> Finding:
    if main.used is None or not clone.source_used:
        return f.warn("used-space", "Used space could not be compared.")
    share = main.used / clone.source_used
    text = (
        f"The clone uses {gb(main.used)}, the Mac {gb(clone.source_used)} "
        f"({abs(1 - share) * 100:.0f}% {'less' if share < 1 else 'more'}): caches, "
        "swap files and the sleep image are left out, and files changed while "
        "the copy ran."
    )
    if abs(1 - share) <= USED_TOLERANCE:
        return f.ok("used-space", text)
    return f.warn(
        "used-space", text, "Compare them with ssdmigrate verify before the swap."
    )


def _sampled(
    runner: Runner,
    main: Partition,
    clone: Clone,
    sample: int,
    seed: int | None,
    result: Validation,
) -> Finding:
    from ssdmigrate.verify import VerifyOptions, build_excludes, compare_trees

    try:
        source = runner.backend.host_path("/")
        target = runner.backend.host_path(str(main.mount_point))
    except SsdmigrateError as exc:
        return f.warn("sample", f"Files could not be compared here ({exc.message}).")
    # The journal on the Mac changes while (and after) it is copied.
    patterns = [*excludes_for(clone.excluded), "/private/var/db/ssdmigrate"]
    options = VerifyOptions(
        mode="sample", sample=sample, seed=seed, excludes=build_excludes(patterns)
    )
    compared = compare_trees(source, target, options)
    differences = _unexpected(compared, clone)
    result.sample = {
        "seed": compared.stats.seed,
        "differences": differences[:20],
        **compared.to_json()["stats"],
    }
    if differences:
        return f.fail(
            "sample",
            f"{len(differences)} differences between the clone and "
            f"the Mac, e.g. {differences[0]}.",
            "Run ssdmigrate verify --mode "
            "full to see them all, then run the clone again.",
        )
    return f.ok(
        "sample",
        f"A sample of files matches the Mac's, byte for byte (seed "
        f"{compared.stats.seed}).",
    )


def excludes_for(excluded: tuple[str, ...]) -> list[str]:
    """The plan's exclusions as verify patterns: `name/` keeps the folder only."""
    return [
        f"/{item.rstrip('/')}/*" if item.endswith("/") else f"/{item}"
        for item in excluded
    ]


def _unexpected(compared: Any, clone: Clone) -> list[str]:
    """Differences other than the folders the live copy made itself (their dates
    are the copy's, not the Mac's)."""
    made = {"", *clone.remade}
    found = [f"missing {p}" for p in compared.missing]
    found += [f"extra {p}" for p in compared.extra]
    found += [f"content {p}" for p in compared.content]
    found += [
        f"{d.field} of {d.path or '/'}"
        for d in compared.metadata
        if not (d.field == "mtime" and d.path in made)
    ]
    found += [f"unreadable {e.path}" for e in compared.errors]
    return found
