"""Build the migration plan: discovery's facts in, a plan out. Pure: nothing runs.

`build_plan` chooses the disk to erase (or refuses to choose), checks
everything the migration depends on, and lays out the exact commands. The
command module gathers the facts; the guided run executes the plan's steps.
"""

from __future__ import annotations

from ssdmigrate import estimate, plan_checks, plan_layout, plan_source, plan_steps
from ssdmigrate.findings import Finding, fail, ok, warn
from ssdmigrate.model import Disk, Snapshot
from ssdmigrate.plan_clone import excluded
from ssdmigrate.plan_facts import PlanFacts, PlanOptions
from ssdmigrate.plan_model import (
    MachineInfo,
    Plan,
    Slice,
    SourceInfo,
    Step,
    TargetInfo,
)
from ssdmigrate.plan_target import choose
from ssdmigrate.sizes import human


def build_plan(facts: PlanFacts, options: PlanOptions) -> Plan:
    snapshot = facts.snapshot
    choice = choose(snapshot, options.target, allow_image=options.allow_image_target)
    era = plan_source.era(snapshot.boot.filesystem)
    recovery = _new_recovery(snapshot, era, options)

    findings = list(choice.findings)
    steps: tuple[Step, ...] = ()
    disk = choice.disk
    if disk is not None:
        ctx = _context(facts, disk, options)
        findings += _target_findings(facts, ctx, era, recovery)
        steps = (
            _steps(facts, ctx, era, recovery, findings) if _fits(disk, recovery) else ()
        )
    findings += _mac_findings(facts, options, era, disk)

    return Plan(
        era=era,
        source=_source(snapshot),
        target=_target(snapshot, choice.disk) if choice.disk else None,
        machine=_machine(facts),
        findings=tuple(findings),
        steps=steps,
        new_volume_name=options.name,
        recovery_size=recovery,
        candidates=choice.candidates,
        before=plan_layout.before(choice.disk) if choice.disk else (),
        after=_after(disk, options.name, era, recovery) if steps else (),
        excluded=excluded() if era == "hfs" and facts.source_live else (),
    )


def _new_recovery(
    snapshot: Snapshot, era: str | None, options: PlanOptions
) -> int | None:
    """The new Recovery HD's size: only on HFS+, and only if there is one to copy."""
    if era != "hfs" or plan_source.real_recovery(snapshot) is None:
        return None
    if snapshot.boot.recovery_kind != "partition":
        return None
    return plan_layout.recovery_bytes(options.recovery_size)


def _fits(disk: Disk, recovery: int | None) -> bool:
    """A layout that cannot fit is not written out; the space check says why."""
    return disk.size is not None and plan_layout.fits(disk.size, recovery)


def _context(facts: PlanFacts, disk: Disk, options: PlanOptions) -> plan_steps.Context:
    snapshot = facts.snapshot
    media = snapshot.media_for(disk.id)
    return plan_steps.Context(
        disk=disk,
        name=options.name,
        used=snapshot.boot.used or 0,
        source_ssd=_source_ssd(snapshot),
        target_ssd=plan_checks.target_solid_state(disk, snapshot),
        link_speed=media.link_speed if media else None,
    )


def _source_ssd(snapshot: Snapshot) -> bool | None:
    """An SSD only if every disk behind the boot volume is (a Fusion Drive is not)."""
    found = [plan_checks.target_solid_state(d, snapshot) for d in _boot_disks(snapshot)]
    if not found or None in found:
        return None
    return all(found)


def _boot_disks(snapshot: Snapshot) -> list[Disk]:
    return [d for d in snapshot.disks if d.id in snapshot.boot.disks]


def _target_findings(
    facts: PlanFacts, ctx: plan_steps.Context, era: str | None, recovery: int | None
) -> list[Finding]:
    disk = ctx.disk
    found = plan_checks.target_contents(disk)
    found += plan_checks.open_files(disk, facts)
    found += plan_checks.time_machine(disk, facts)
    found.append(_space(facts.snapshot, disk, era, recovery))
    found.append(plan_checks.solid_state(disk, facts.snapshot))
    found.append(
        plan_checks.link(disk, facts.snapshot, _clone_seconds(ctx, era, facts))
    )
    return found


def _space(
    snapshot: Snapshot, disk: Disk, era: str | None, recovery: int | None
) -> Finding:
    assert disk.size is not None  # a chosen disk's size is known
    if recovery is not None:
        capacity = plan_layout.main_bytes(disk.size, recovery)
        extra = f" after a {human(recovery)} Recovery HD and the EFI partition"
    else:
        capacity = plan_layout.whole_disk_bytes(disk.size)
        extra = " after the EFI partition"
    if era == "apfs" and snapshot.boot.recovery_size:
        capacity -= snapshot.boot.recovery_size
        extra += " and the Recovery volume"
    return plan_checks.space(disk, snapshot.boot.used, capacity, extra)


def _clone_seconds(ctx: plan_steps.Context, era: str | None, facts: PlanFacts) -> int:
    by_file = era == "hfs" and facts.source_live
    return estimate.seconds(ctx.used, ctx.rate(file_by_file=by_file))


def _mac_findings(
    facts: PlanFacts, options: PlanOptions, era: str | None, disk: Disk | None
) -> list[Finding]:
    snapshot = facts.snapshot
    found = [plan_source.filesystem(snapshot)]
    found += plan_source.smart(snapshot)
    found.append(plan_source.filevault(snapshot))
    found.append(plan_source.recovery(snapshot))
    if era == "hfs":
        found += plan_source.recovery_size(snapshot, options.recovery_size)
    found += _apfs_findings(snapshot) if era == "apfs" else []
    found.append(plan_checks.backup(facts))
    found.append(plan_source.power(snapshot))
    found.append(plan_source.model(facts))
    found.append(plan_source.root(facts, disk.id if disk else None))
    found += plan_source.volume_name(options.name, snapshot, disk.id if disk else None)
    return found


def _apfs_findings(snapshot: Snapshot) -> list[Finding]:
    version = _version(snapshot.machine.os_version)
    remedy = (
        "If asr refuses, start up from Recovery (hold Command-R), open Disk "
        "Utility and use Restore to copy the system onto the SSD's volume."
    )
    said = (
        "Recovery is a volume inside the APFS container; asr copies it along, "
        "so the SSD gets no separate Recovery partition."
    )
    if version is None or version >= (11, 0):
        return [ok("apfs-recovery", said), _sealed_warning(remedy)]
    if version < (10, 15):
        return [ok("apfs-recovery", said), _inverter_warning(remedy)]
    return [ok("apfs-recovery", said)]


def _sealed_warning(remedy: str) -> Finding:
    # Capture 13: asr restore of / on macOS 15.6 replicated one volume, then
    # "Volume replication failed"; Bombich: ASR "simply fails with no explanation".
    return warn(
        "apfs-live-sealed",
        "Copying a running macOS 11 or later with asr has failed part-way in "
        "recorded cases; the run checks asr's result and stops if it fails.",
        remedy,
    )


def _inverter_warning(remedy: str) -> Finding:
    # asr(8): the inverter (10.13/10.14) needs a source without snapshots; no
    # reference shows a running 10.13/10.14 boot volume copied this way.
    return warn(
        "apfs-inverter",
        "On macOS 10.13 and 10.14 asr refuses to copy a volume that has snapshots, "
        "and copying the running system this way is untested; the run stops if "
        "asr refuses.",
        remedy,
    )


def _version(text: str | None) -> tuple[int, int] | None:
    parts = (text or "").split(".")
    if len(parts) < 2 or not all(p.isdigit() for p in parts[:2]):
        if len(parts) == 1 and parts[0].isdigit():
            return int(parts[0]), 0
        return None
    return int(parts[0]), int(parts[1])


def _steps(
    facts: PlanFacts,
    ctx: plan_steps.Context,
    era: str | None,
    recovery: int | None,
    findings: list[Finding],
) -> tuple[Step, ...]:
    if era == "apfs":
        return _apfs_steps(ctx)
    if era != "hfs":
        return ()
    if facts.source_live and facts.root_entries is None:
        findings.append(_no_listing(facts.snapshot))
        return ()
    return _hfs_steps(facts, ctx, recovery)


def _no_listing(snapshot: Snapshot) -> Finding:
    return fail(
        "source-listing",
        f"Could not list the items of {snapshot.boot.name or 'the boot volume'}, "
        "so the copy commands cannot be written out.",
        "Run the plan again; if it persists, report it with the log.",
    )


def _hfs_steps(
    facts: PlanFacts, ctx: plan_steps.Context, recovery: int | None
) -> tuple[Step, ...]:
    steps = [plan_steps.unmount(ctx), plan_steps.partition_hfs(ctx, recovery)]
    steps.append(plan_steps.enable_ownership(ctx, "partition"))
    if facts.source_live:
        steps += plan_steps.clone_items(ctx, facts.root_entries or ())
    else:
        source = f"/dev/{facts.snapshot.boot.volume}"
        steps.append(plan_steps.clone_block(ctx, source))
    if recovery is not None:
        source_recovery = plan_source.real_recovery(facts.snapshot)
        assert source_recovery is not None  # _new_recovery checked it
        steps.append(plan_steps.clone_recovery(ctx, source_recovery, recovery))
        steps.append(plan_steps.unmount_recovery(ctx))
        steps.append(plan_steps.set_recovery_type(ctx))
    steps.append(plan_steps.bless(ctx, "partition"))
    steps.append(plan_steps.validate(ctx, "partition"))
    return tuple(steps)


def _apfs_steps(ctx: plan_steps.Context) -> tuple[Step, ...]:
    # asr restore --source / --target <volume> --erase: "Volume Restore with
    # Erase" (asr(8), RESTORING WITH APFS FILESYSTEMS); asr renames the volume
    # after the one it copies, so later steps find it again after the clone.
    return (
        plan_steps.unmount(ctx),
        plan_steps.partition_apfs(ctx),
        plan_steps.clone_block(ctx, "/"),
        plan_steps.enable_ownership(ctx, "clone"),
        plan_steps.bless(ctx, "clone"),
        plan_steps.validate(ctx, "clone"),
    )


def _source(snapshot: Snapshot) -> SourceInfo:
    boot = snapshot.boot
    disks = _boot_disks(snapshot)
    recovery = plan_source.real_recovery(snapshot)
    return SourceInfo(
        volume=boot.volume,
        name=boot.name,
        disks=boot.disks,
        disk_names=tuple(d.media_name or d.id for d in disks),
        used_bytes=boot.used,
        filesystem=boot.filesystem,
        recovery=recovery,
        recovery_kind=boot.recovery_kind if recovery else None,
        recovery_size=boot.recovery_size if recovery else None,
        solid_state=_source_ssd(snapshot),
    )


def _target(snapshot: Snapshot, disk: Disk) -> TargetInfo:
    media = snapshot.media_for(disk.id)
    return TargetInfo(
        id=disk.id,
        size=disk.size,
        media_name=disk.media_name,
        identity=disk.identity(),
        bus=disk.bus,
        link_speed=media.link_speed if media else None,
        solid_state=plan_checks.target_solid_state(disk, snapshot),
    )


def _machine(facts: PlanFacts) -> MachineInfo:
    machine = facts.snapshot.machine
    info = facts.model
    return MachineInfo(
        model=machine.model,
        name=info.name if info else None,
        os_name=machine.os_name,
        os_version=machine.os_version,
        os_build=machine.os_build,
        drive=info.drive if info else None,
        swap=info.swap if info else None,
    )


def _after(
    disk: Disk | None, name: str, era: str | None, recovery: int | None
) -> tuple[Slice, ...]:
    if disk is None or era is None:
        return ()
    if era == "apfs":
        return plan_layout.apfs_after(disk, name)
    return plan_layout.hfs_after(disk, name, recovery)
