"""The steps, with exact argv, in the order the run executes them.

Identifiers of the new partitions are predictions (GPT numbers them s1, s2,
s3 in map order; EFI is s1), and the new volume is expected at
/Volumes/NAME. diskutil(8) warns against relying on numbering, so each step
that uses them says after which step the run must find them again by UUID
(`resolve_after`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ssdmigrate import estimate, plan_clone, plan_layout
from ssdmigrate.model import Disk
from ssdmigrate.plan_facts import RootEntry
from ssdmigrate.plan_model import Step
from ssdmigrate.sizes import human

UNMOUNT_SECONDS = 10
PARTITION_SECONDS = 30
SMALL_STEP_SECONDS = 5
# diskutil verifyVolume walks the catalog, not the data; a few minutes plus a
# little per GB is a planning figure, not a measurement.
VERIFY_BASE_SECONDS = 120
VERIFY_PER_GB_SECONDS = 1


@dataclass(frozen=True)
class Context:
    disk: Disk  # the SSD to erase
    name: str  # the new main volume
    used: int  # bytes in use on the boot volume
    source_ssd: bool | None
    target_ssd: bool | None
    link_speed: str | None

    @property
    def mount(self) -> str:
        return f"/Volumes/{self.name}"

    @property
    def main(self) -> str:
        return plan_layout.predicted(self.disk.id, 2)

    def rate(self, *, file_by_file: bool) -> estimate.Rate:
        return estimate.slowest(
            estimate.read_rate(self.source_ssd, file_by_file=file_by_file),
            estimate.bus_rate(self.disk.bus, self.link_speed),
            estimate.write_rate(self.target_ssd),
        )


def unmount(ctx: Context) -> Step:
    return Step(
        id="unmount-target",
        group="unmount-target",
        title=f"Unmount every volume on {ctx.disk.id}",
        argv=("diskutil", "unmountDisk", ctx.disk.id),
        destructive=False,
        disk=ctx.disk.id,
        requires=(f"{ctx.disk.id} is still the disk planned (same identity)",),
        checks_after=(f"no volume of {ctx.disk.id} is mounted",),
        estimate_seconds=UNMOUNT_SECONDS,
    )


def partition_hfs(ctx: Context, recovery: int | None) -> Step:
    disk = ctx.disk
    assert disk.size is not None
    if recovery is None:
        argv = plan_layout.single_argv(disk.id, "JHFS+", ctx.name)
        layout = f'EFI, then "{ctx.name}" (Journaled HFS+) to the end'
    else:
        main = plan_layout.main_bytes(disk.size, recovery)
        argv = plan_layout.hfs_argv(disk.id, ctx.name, main, recovery)
        layout = (
            f'EFI, "{ctx.name}" (Journaled HFS+, {human(main)}), then '
            f'"Recovery HD" ({human(recovery)}) as the last partition'
        )
    return _partition(ctx, argv, layout, recovery is not None)


def partition_apfs(ctx: Context) -> Step:
    argv = plan_layout.single_argv(ctx.disk.id, "APFS", ctx.name)
    layout = f'EFI, then one APFS container with the volume "{ctx.name}"'
    return _partition(ctx, argv, layout, False)


def _partition(ctx: Context, argv: tuple[str, ...], layout: str, rec: bool) -> Step:
    disk = ctx.disk.id
    checks = [
        f"{disk} has a GUID partition map: {layout}",
        f"{plan_layout.predicted(disk, 1)} is the EFI partition",
        f'{ctx.main} is "{ctx.name}", mounted at {ctx.mount}',
    ]
    if rec:
        checks.append(f"{plan_layout.predicted(disk, 3)} is the last partition")
    checks.append("each size is within 1 MiB of the plan; new UUIDs recorded")
    return Step(
        id="partition",
        group="partition",
        title=f"Erase {disk} and partition it: {layout}",
        argv=argv,
        destructive=True,
        disk=disk,
        requires=(
            f"{disk} is still the disk planned (same identity)",
            f"no volume of {disk} is mounted",
            "running as root",
        ),
        checks_after=tuple(checks),
        estimate_seconds=PARTITION_SECONDS,
    )


def enable_ownership(ctx: Context, after: str) -> Step:
    # diskutil(8), enableOwnership: plug-in disks ignore owners by default, and
    # a disk holding system files needs them honoured. Done before the copy so
    # that ditto's owners stick.
    return Step(
        id="enable-ownership",
        group="enable-ownership",
        title=f"Make {ctx.mount} honour file owners",
        argv=("diskutil", "enableOwnership", ctx.mount),
        destructive=False,
        disk=ctx.disk.id,
        requires=(f"{ctx.mount} is mounted",),
        checks_after=(f"diskutil info {ctx.mount} shows owners enabled",),
        estimate_seconds=SMALL_STEP_SECONDS,
        resolve_after=after,
    )


def clone_items(ctx: Context, entries: tuple[RootEntry, ...]) -> list[Step]:
    """One step per item (group "clone"); the group's total is the copy's estimate."""
    found = plan_clone.items(entries)
    copies = sum(1 for i in found if i.action == "ditto") or 1
    total = estimate.seconds(ctx.used, ctx.rate(file_by_file=True))
    return [_clone_item(ctx, item, total // copies) for item in found]


def _clone_item(ctx: Context, item: plan_clone.Item, share: int) -> Step:
    titles = {
        "ditto": f"Copy /{item.path}",
        "mkdir": f"Make the folder /{item.path}",
        "link": f"Make the link /{item.path} -> {item.entry.link}",
    }
    return Step(
        id=f"clone:{item.path}",
        group="clone",
        title=titles[item.action],
        argv=plan_clone.argv(item, ctx.mount),
        destructive=True,
        disk=ctx.disk.id,
        requires=(f"{ctx.mount} is mounted with owners enabled", "running as root"),
        checks_after=(f"{ctx.mount}/{item.path} exists",),
        estimate_seconds=share if item.action == "ditto" else 1,
        resolve_after="partition",
    )


def clone_block(ctx: Context, source: str) -> Step:
    """asr copies an unmounted (or APFS) system block by block onto the new volume."""
    rate = ctx.rate(file_by_file=False)
    return Step(
        id="clone",
        group="clone",
        title=f"Copy {source} onto {ctx.mount} with asr",
        argv=(
            "asr",
            "restore",
            "--source",
            source,
            "--target",
            ctx.mount,
            "--erase",
            "--noprompt",
            "--puppetstrings",
        ),
        destructive=True,
        disk=ctx.disk.id,
        requires=(f"{ctx.mount} is mounted", "running as root"),
        checks_after=(
            "asr exited 0 and printed its restore and verify passes",
            "the new volume's UUID recorded (asr gives it the copied volume's name)",
        ),
        estimate_seconds=estimate.seconds(ctx.used, rate),
        resolve_after="partition",
    )


def clone_recovery(ctx: Context, source: str, size: int) -> Step:
    # The CLCMacTeam recipe (tools reference 1.6): block-copy onto the new
    # partition with asr, then give it the Apple_Boot type with `asr adjust`.
    # Apple_Boot partitions are not mounted, so the source can be block-copied.
    new = plan_layout.predicted(ctx.disk.id, 3)
    return Step(
        id="clone-recovery",
        group="clone-recovery",
        title=f"Copy the Recovery HD {source} onto {new}",
        argv=(
            "asr",
            "restore",
            "--source",
            f"/dev/{source}",
            "--target",
            f"/dev/{new}",
            "--erase",
            "--noprompt",
            "--puppetstrings",
        ),
        destructive=True,
        disk=ctx.disk.id,
        requires=(
            f"{source} is not mounted",
            f"{new} is not mounted",
            "running as root",
        ),
        checks_after=(f"{new} holds com.apple.recovery.boot with boot.efi",),
        estimate_seconds=estimate.seconds(size, ctx.rate(file_by_file=False)),
        resolve_after="partition",
    )


def unmount_recovery(ctx: Context) -> Step:
    # asr leaves the restored partition mounted, and a disk plugged in again
    # mounts it too; the type cannot change while it is mounted. The script
    # this recipe follows runs `diskutil unmount force` first, every time
    # (CLCMacTeam PartitionAndRestoreOSXRecoveryVolume.pl, lines 426-432).
    new = plan_layout.predicted(ctx.disk.id, 3)
    return Step(
        id="set-recovery-type:unmount",
        group="set-recovery-type",
        title=f"Unmount {new} before its type is changed",
        argv=("diskutil", "unmount", "force", f"/dev/{new}"),
        destructive=False,
        disk=ctx.disk.id,
        checks_after=(f"{new} is not mounted",),
        estimate_seconds=SMALL_STEP_SECONDS,
        resolve_after="partition",
    )


def set_recovery_type(ctx: Context) -> Step:
    # `asr adjust -settype` is not on the asr man page; scripts use it for
    # exactly this (CLCMacTeam PartitionAndRestoreOSXRecoveryVolume.pl, Xrecovery).
    new = plan_layout.predicted(ctx.disk.id, 3)
    return Step(
        id="set-recovery-type",
        group="set-recovery-type",
        title=f"Mark {new} as a Recovery HD (partition type Apple_Boot)",
        argv=("asr", "adjust", "--target", f"/dev/{new}", "-settype", "Apple_Boot"),
        destructive=True,
        disk=ctx.disk.id,
        requires=(f"{new} is not mounted",),
        checks_after=(f"diskutil info {new} shows partition type Apple_Boot",),
        estimate_seconds=SMALL_STEP_SECONDS,
        resolve_after="partition",
    )


def bless(ctx: Context, after: str) -> Step:
    # A restored system that was not blessed started to a flashing question
    # mark until `bless --folder .../CoreServices` (google/restor #27, tools
    # reference capture 29), so the new volume is always blessed.
    folder = f"{ctx.mount}/System/Library/CoreServices"
    return Step(
        id="bless",
        group="bless",
        title=f"Make {ctx.mount} startable",
        argv=("bless", "--folder", folder),
        destructive=False,
        disk=ctx.disk.id,
        requires=(f"{folder}/boot.efi exists",),
        checks_after=(f"bless --info {ctx.mount} names {folder}",),
        estimate_seconds=SMALL_STEP_SECONDS,
        resolve_after=after,
    )


def validate(ctx: Context, after: str) -> Step:
    gb_used = ctx.used // 10**9
    return Step(
        id="validate",
        group="validate",
        title=f"Check the file system on {ctx.mount}",
        argv=("diskutil", "verifyVolume", ctx.mount),
        destructive=False,
        disk=None,
        requires=(f"{ctx.mount} is mounted",),
        checks_after=("diskutil reports the volume appears to be OK",),
        estimate_seconds=VERIFY_BASE_SECONDS + VERIFY_PER_GB_SECONDS * gb_used,
        resolve_after=after,
    )
