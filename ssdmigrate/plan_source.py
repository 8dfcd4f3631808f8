"""Checks of the Mac itself: boot volume, disk, FileVault, power, model, root."""

from __future__ import annotations

from ssdmigrate.findings import Finding, fail, ok, warn
from ssdmigrate.model import Snapshot
from ssdmigrate.plan_facts import ModelLike, PlanFacts
from ssdmigrate.sizes import human

LOW_BATTERY = 50


def era(filesystem: str | None) -> str | None:
    """hfs for Journaled HFS+ (also on CoreStorage), apfs for APFS, else None."""
    if not filesystem:
        return None
    name = filesystem.upper()
    if "APFS" in name:
        return "apfs"
    if "HFS" in name or "MAC OS EXTENDED" in name:
        return "hfs"
    return None


def filesystem(snapshot: Snapshot) -> Finding:
    boot = snapshot.boot
    kind = era(boot.filesystem)
    where = f"{boot.name or boot.volume} ({boot.volume})"
    if kind is None:
        return fail(
            "source-filesystem",
            f"{where} is formatted {boot.filesystem or 'in an unknown format'}; "
            "only Journaled HFS+ and APFS boot volumes can be copied.",
            "Run `ssdmigrate disks -v` and report what it shows.",
        )
    on = " on CoreStorage" if boot.corestorage and kind == "hfs" else ""
    return ok("source-filesystem", f"{where} is {boot.filesystem}{on}.")


def smart(snapshot: Snapshot) -> list[Finding]:
    return [_smart_one(snapshot, ident) for ident in snapshot.boot.disks]


def _smart_one(snapshot: Snapshot, ident: str) -> Finding:
    disk = snapshot.disk(ident)
    status = disk.smart_status if disk else None
    name = f"{ident} ({disk.media_name})" if disk and disk.media_name else ident
    if status == "Failing":
        return fail(
            "source-smart-failing",
            f"{name} reports its SMART status as Failing: it may stop working at any "
            "moment, and a long full copy can finish it off.",
            "Copy your own files (your home folder) to another disk first, then "
            "plan again.",
        )
    if status == "Verified":
        return ok("source-smart", f"{name} reports its SMART status as Verified.")
    if status is None:
        return warn(
            "source-smart-unknown",
            f"Could not read {name}'s SMART status.",
            "Check Disk Utility's First Aid before copying.",
        )
    return ok("source-smart", f"{name} SMART status: {status}.")


def filevault(snapshot: Snapshot) -> Finding:
    on = snapshot.machine.filevault
    if on is None:
        on = snapshot.boot.encrypted
    remedy = "After the swap, turn FileVault on again in Security & Privacy."
    if on is None:
        return warn(
            "filevault-unknown",
            "Could not tell whether FileVault is on. If it is, the copy will not "
            "be encrypted.",
            remedy,
        )
    if on:
        return warn(
            "filevault-on",
            "FileVault is on, but the copy on the new SSD will not be encrypted.",
            remedy,
        )
    return ok("filevault", "FileVault is off.")


def recovery(snapshot: Snapshot) -> Finding:
    """Only an Apple_Boot partition or a Recovery-role volume counts as Recovery."""
    boot = snapshot.boot
    ident = real_recovery(snapshot)
    if ident is None:
        return warn(
            "source-recovery-missing",
            f"No Recovery HD was found for {boot.name or boot.volume}, so the new "
            "SSD will have none: Command-R will start Internet Recovery instead, "
            "which needs a network connection.",
            "That is how this Mac is now too; the copy itself is not affected.",
        )
    if boot.recovery_kind == "apfs-volume":
        return ok("source-recovery", f"The Recovery volume is {ident}.")
    return ok(
        "source-recovery",
        f"The Recovery HD is {ident} ({human(boot.recovery_size)}), an Apple_Boot "
        "partition.",
    )


def real_recovery(snapshot: Snapshot) -> str | None:
    """The boot volume's Recovery, if it is what discovery says it is."""
    boot = snapshot.boot
    if boot.recovery is None:
        return None
    if boot.recovery_kind == "apfs-volume":
        return boot.recovery
    owner = snapshot.owner_of(boot.recovery)
    part = owner.partition(boot.recovery) if owner else None
    return boot.recovery if part is not None and part.content == "Apple_Boot" else None


def recovery_size(snapshot: Snapshot, requested: int) -> list[Finding]:
    have = snapshot.boot.recovery_size
    if snapshot.boot.recovery_kind != "partition" or have is None:
        return []
    if requested < have:
        return [
            fail(
                "recovery-size-too-small",
                f"--recovery-size {human(requested)} is smaller than the Recovery HD "
                f"it copies ({human(have)}).",
                f"Leave out --recovery-size (750 MB), or give at least {have}B.",
            )
        ]
    return []


def power(snapshot: Snapshot) -> Finding:
    state = snapshot.machine.power
    remedy = "Plug the Mac into its power adapter for the copy."
    if state.source == "ac":
        return ok("power", "The Mac is on its power adapter.")
    if state.source == "battery" and state.percent is not None:
        if state.percent < LOW_BATTERY:
            return warn(
                "power-low",
                f"The Mac is on battery at {state.percent}%.",
                remedy,
            )
        return warn(
            "power-battery",
            f"The Mac is on battery ({state.percent}%); the copy takes a while.",
            remedy,
        )
    return warn(
        "power-unknown", "Could not tell whether the Mac is plugged in.", remedy
    )


def model(facts: PlanFacts) -> Finding:
    ident = facts.snapshot.machine.model
    info = facts.model
    if ident is None or info is None:
        return warn(
            "model-unknown",
            f"This Mac's model ({ident or 'unknown'}) is not in ssdmigrate's table, "
            "so it cannot say whether its drive can be swapped.",
            "The SSD can still be used as an external startup disk; check the "
            "model's repair guide before opening it.",
        )
    return _model_finding(info)


def _model_finding(info: ModelLike) -> Finding:
    hazards = " ".join(h.text for h in info.hazards)
    said = f"{info.name} ({info.model_id})"
    if info.drive == "soldered" or info.swap == "no":
        return fail(
            "model-no-swap",
            f"{said} has its storage soldered to the logic board; the internal "
            "drive cannot be swapped.",
            "The SSD can still be used as an external startup disk.",
        )
    if info.swap == "adapter" or info.drive in {"blade", "zif-1.8"}:
        return warn(
            "model-adapter",
            f"{said} has an Apple blade SSD slot; a standard SSD needs an adapter.",
            _joined("Check the adapter fits this model before buying it.", hazards),
        )
    if info.drive == "sata-3.5":
        return warn(
            "model-imac-bay",
            f"{said} has a 3.5-inch drive bay behind the glued or magnetic screen.",
            _joined("Read the checklist before opening it.", hazards),
        )
    return ok(
        "model", f"{said} has a 2.5-inch drive bay you can swap.", hazards or None
    )


def _joined(first: str, rest: str) -> str:
    return f"{first} {rest}".strip()


def root(facts: PlanFacts, target: str | None) -> Finding:
    # Plan mode runs as anyone; the run needs root (asr(8): "asr needs to be
    # run as root"; enableOwnership likewise), so say how to start it.
    if facts.is_root:
        return ok("root", "Running as root.")
    command = "sudo ssdmigrate run" + (f" --target {target}" if target else "")
    return warn(
        "not-root",
        "The run needs administrator rights (root); this plan does not.",
        f"Start the run with: {command}",
    )


def volume_name(name: str, snapshot: Snapshot, target: str | None) -> list[Finding]:
    """A name that diskutil or a mount point cannot carry is refused up front."""
    if not name.strip() or any(ch in name for ch in "/:") or not name.isprintable():
        return [
            fail(
                "name-invalid",
                f"The volume name {name!r} cannot be used: it must not be empty or "
                "contain '/', ':' or control characters.",
                'Choose another with --name, e.g. --name "SSD Boot HD".',
            )
        ]
    mount = f"/Volumes/{name}"
    taken = [
        p
        for d in snapshot.disks
        if d.id != target
        for p in d.partitions
        if p.mount_point == mount
    ]
    if taken:
        return [
            warn(
                "name-in-use",
                f'A volume named "{name}" is already mounted at '
                f"{taken[0].mount_point}; the new one will be mounted elsewhere.",
                "The run finds it by UUID, but a different --name avoids confusion.",
            )
        ]
    return []
