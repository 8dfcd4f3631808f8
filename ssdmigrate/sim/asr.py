"""The simulated `asr`: restore (block copy or APFS replication) and adjust.

Progress lines follow the shape that every known parser of `--puppetstrings`
agrees on (tab-separated, a key, then the percent; the macos-tools reference,
§1.5). No raw macOS transcript of that mode has been found, so this format is
SYNTHETIC: the parser must also accept the plain `....10....20` dots, which
are recorded (captures 21, 23c, U2).
"""

from __future__ import annotations

import shutil

from ssdmigrate.sim import tree
from ssdmigrate.sim.diskutil import mount_point_for
from ssdmigrate.sim.mac import Call, Out
from ssdmigrate.sim.state import DiskState, Volume, stable_uuid

RATES = {"USB": 35e6, "SATA": 110e6}  # bytes per simulated second


def run(call: Call) -> Out:
    args = call.argv[1:]
    if args[:1] == ["adjust"]:
        return _adjust(call, args[1:])
    if args[:1] in (["restore"], ["restoreexact"]):
        return _restore(call, args[1:])
    return call.fail("Usage: asr <verb> <options>; asr help for details\n")


def _option(args: list[str], *names: str) -> str | None:
    for i, arg in enumerate(args[:-1]):
        if arg in names:
            return args[i + 1]
    return None


def _adjust(call: Call, args: list[str]) -> Out:
    # Undocumented verb; real scripts use both -settype and --settype and only
    # check the exit status (macos-tools reference §1.4), so it prints nothing.
    target = _option(args, "--target", "-target")
    kind = _option(args, "-settype", "--settype")
    found = call.mac.state.find(target) if target else None
    if found is None or found[1] is None or not kind:
        return call.fail("Could not adjust target - No such file or directory\n")
    volume = found[1]
    if volume.get("mount_point"):
        return call.fail(
            f"Could not change the partition type for {target} - Resource busy\n"
        )
    volume["content"] = kind
    call.mac.state.save()
    return call.done()


def _restore(call: Call, args: list[str]) -> Out:
    source_ref = _option(args, "--source", "-source", "-s")
    target_ref = _option(args, "--target", "-target", "-t")
    if not source_ref or not target_ref:
        return call.fail("asr: --source and --target are required\n")
    if "--erase" not in args and "-erase" not in args:
        # asr(8): "--erase must always be used, as file copies are no longer
        # supported by asr".
        return call.fail("asr: --erase must be given; file copies are not supported\n")
    state = call.mac.state
    source, target = state.find(source_ref), state.find(target_ref)
    if source is None or source[1] is None or target is None or target[1] is None:
        return call.fail("Could not validate source - No such file or directory\n")
    return _copy(
        call, source[0], source[1], target[0], target[1], "--puppetstrings" in args
    )


def _copy(
    call: Call,
    src_disk: DiskState,
    src: Volume,
    dst_disk: DiskState,
    dst: Volume,
    puppet: bool,
) -> Out:
    if src.get("mount_point") == "/" and src.get("filesystem") != "APFS":
        # asr(8): an erase block copy needs a source that is unmountable or
        # read-only, "thus, one cannot erase blockcopy the root filesystem".
        # No recorded error text exists for this case; this one is SYNTHETIC.
        _status(call, puppet, "setup")
        call.line("\tValidating target...done")
        return call.fail("Could not validate source - Resource busy\n")
    if (src.get("used") or 0) > dst["size"]:
        return call.fail(
            f'There is not enough space in volume "{dst.get("name")}" '
            "to do the restore.\n"
        )
    _status(call, puppet, "start")
    _status(call, puppet, "setup")
    for what in ("target", "source", "sizes"):
        call.line(f"\tValidating {what}...done")
    _pass(call, puppet, "restore", "Restoring", src, dst_disk)
    _pass(call, puppet, "verify", "Verifying", src, dst_disk)
    _clone_volume(call, src, dst)
    if dst.get("filesystem") == "APFS":
        _replicate_group(call, src_disk, dst)
    call.line(f"\tRestored target device is /dev/{dst['id']}.")
    call.line("\tRemounting target volume...done")
    return call.done()


def _replicate_group(call: Call, src_disk: DiskState, dst: Volume) -> None:
    """An APFS restore brings the Preboot and Recovery volumes along, and the
    copy takes the source's name (asr(8), RESTORING WITH APFS FILESYSTEMS)."""
    state = call.mac.state
    found = state.find(dst["id"])
    if found is None:
        return
    container = found[0]
    have = {r for v in container["partitions"] for r in v.get("roles", [])}
    for volume in src_disk["partitions"]:
        roles = volume.get("roles") or []
        if not roles or set(roles) & have or "VM" in roles:
            continue
        ident = f"{container['id']}s{len(container['partitions']) + 1}"
        copy = {k: v for k, v in volume.items() if k not in ("mount_point",)}
        copy.update(
            {
                "id": ident,
                "size": container["size"],
                "disk_uuid": stable_uuid(ident, "replica"),
                "volume_uuid": stable_uuid(ident, "replica-volume"),
            }
        )
        container["partitions"].append(copy)
    dst["mount_point"] = mount_point_for(call, dst["name"])
    state.save()


def _status(call: Call, puppet: bool, phase: str) -> None:
    if puppet:
        call.line(f"XSTA\t{phase}")


def _pass(
    call: Call, puppet: bool, phase: str, label: str, src: Volume, dst_disk: DiskState
) -> None:
    seconds = (src.get("used") or 0) / RATES.get(dst_disk.get("bus") or "", 110e6)
    if puppet:
        call.line(f"XSTA\t{phase}")
    dots = [f"\t{label}  "]
    for percent in range(2, 101, 2):
        call.mac.wait(seconds / 50)
        call.mac.progress(percent / 2 + (50 if phase == "verify" else 0))
        if puppet:
            key = "PSTP" if percent == 100 else "PINF"
            call.line(f"{key}\t{percent}\t100\t{phase}")
        else:
            dots.append("...." + str(percent) if percent % 10 == 0 else "")
    if not puppet:
        call.line("".join(dots))


def _clone_volume(call: Call, src: Volume, dst: Volume) -> None:
    """The target becomes a copy of the source: name, file system, files."""
    state = call.mac.state
    for key in ("name", "filesystem", "used", "tree"):
        if key in src:
            dst[key] = src[key]
    folder = state.volume_folder(dst)
    if folder.exists():
        shutil.rmtree(folder)
    tree.copy_into(state.files(src), folder)
    dst["mount_point"] = (
        None if src.get("content") == "Apple_Boot" else dst.get("mount_point")
    )
    state.save()
