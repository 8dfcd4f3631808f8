"""The simulated bless, ditto, sw_vers, sysctl, system_profiler, fdesetup,
pmset, tmutil, lsof and caffeinate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ssdmigrate import plists
from ssdmigrate.sim import tree
from ssdmigrate.sim.mac import Call, Out
from ssdmigrate.sim.state import DiskState, SimState, Volume

# ditto over USB 2.0 from a hard disk, file by file: well under the bus's
# 35 MB/s once small files dominate (assumed; see the planner's estimates).
DITTO_RATE = 25e6


def resolve_path(state: SimState, path: str) -> tuple[Volume, str] | None:
    """The mounted volume holding `path` and the path inside it.

    A path under /Volumes/NAME belongs to nothing when no volume is mounted
    there: macOS removes a mount point's folder when the volume goes.
    """
    best: tuple[Volume, str] | None = None
    for disk in state.disks:
        for part in disk["partitions"]:
            mount = part.get("mount_point")
            if not mount or not _under(path, mount):
                continue
            if best is None or len(mount) > len(best[0]["mount_point"]):
                best = (part, path[len(mount) :].lstrip("/"))
    if (
        best is not None
        and best[0]["mount_point"] == "/"
        and path.startswith("/Volumes/")
    ):
        return None
    return best


def _under(path: str, mount: str) -> bool:
    return mount == "/" or path == mount or path.startswith(mount.rstrip("/") + "/")


def host_folder(state: SimState, path: str) -> Path | None:
    found = resolve_path(state, path)
    if found is None:
        return None
    volume, inner = found
    return state.files(volume) / inner


# --- ditto ---------------------------------------------------------------------


def ditto(call: Call) -> Out:
    paths = [a for a in call.argv[1:] if not a.startswith("-")]
    if len(paths) < 2:
        return call.fail("usage: ditto [ <options> ] src [ ... src ] dst_directory\n")
    state = call.mac.state
    target = resolve_path(state, paths[-1])
    if target is None:
        return call.fail(f"ditto: {paths[-1]}: No such file or directory\n")
    for source in paths[:-1]:
        problem = _ditto_one(call, source, target)
        if problem:
            return call.fail(problem)
    state.save()
    return call.done()


def _ditto_one(call: Call, source: str, target: tuple[Volume, str]) -> str | None:
    state = call.mac.state
    found = resolve_path(state, source)
    src = host_folder(state, source)
    if found is None or src is None or not (src.exists() or src.is_symlink()):
        return f"ditto: {source}: No such file or directory\n"
    volume, dst_inner = target
    dst = state.files(volume) / dst_inner
    dst.parent.mkdir(parents=True, exist_ok=True)
    if src.is_dir() and not src.is_symlink():
        dst.mkdir(exist_ok=True)
    tree.copy_into(src, dst)
    # Copying an item again (a resumed run) replaces it: count it once.
    copied = volume.setdefault("copied", {})
    volume["used"] = int(volume.get("used") or 0) - copied.pop(dst_inner, 0)
    size = _reported_bytes(state, found[0], found[1])
    copied[dst_inner] = size
    _grow(call, volume, size, found[0])
    return None


def _reported_bytes(state: SimState, volume: Volume, inner: str) -> int:
    """The scenario's size for what was copied: the volume's used bytes, in
    the share the copied files have of the miniature's bytes, so progress
    looks real and the parts add up to the whole."""
    used = int(volume.get("used") or 0)
    if not inner:
        return used
    root = state.files(volume)
    whole = volume.get("tree_bytes") or _bytes(root)
    volume["tree_bytes"] = whole
    return int(used * _bytes(root / inner) / max(whole, 1))


def _bytes(path: Path) -> int:
    if path.is_symlink() or not path.is_dir():
        return path.lstat().st_size if path.exists() or path.is_symlink() else 0
    return sum(
        f.lstat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()
    )


def _grow(call: Call, volume: Volume, size: int, source: Volume) -> None:
    """Fill the target in steps, so a progress poll sees it grow."""
    steps = 10
    whole = int(source.get("used") or 0) or 1
    for _ in range(steps):
        call.mac.wait(size / DITTO_RATE / steps)
        volume["used"] = min(
            int(volume.get("used") or 0) + size // steps, volume["size"]
        )
        call.mac.progress(100 * volume["used"] / whole)


def mkdir(call: Call) -> Out:
    """`mkdir -p [-m MODE] PATH`: the only form the live copy uses."""
    args = call.argv[1:]
    mode = int(args[args.index("-m") + 1], 8) if "-m" in args else 0o755
    target = host_folder(call.mac.state, args[-1]) if args else None
    if target is None:
        return call.fail(
            f"mkdir: {args[-1] if args else ''}: No such file or directory\n"
        )
    target.mkdir(parents=True, exist_ok="-p" in args)
    target.chmod(mode)
    return call.done()


def ln(call: Call) -> Out:
    """`ln -sfh TARGET LINK` (BSD ln: -h does not follow an existing link)."""
    args = [a for a in call.argv[1:] if not a.startswith("-")]
    link = host_folder(call.mac.state, args[-1]) if len(args) == 2 else None
    if link is None:
        return call.fail("usage: ln [-Ffhinsv] source_file [target_file]\n")
    if link.is_symlink() or link.is_file():
        link.unlink()
    link.symlink_to(args[0])
    return call.done()


# --- bless ---------------------------------------------------------------------


def bless(call: Call) -> Out:
    args = call.argv[1:]
    state = call.mac.state
    if "--getBoot" in args:
        boot = next(
            (
                p
                for d in state.disks
                for p in d["partitions"]
                if p.get("mount_point") == "/"
            ),
            None,
        )
        call.line(f"/dev/{boot['id']}" if boot else "")
        return call.done()
    if "--info" in args:
        return _bless_info(call, args)
    if "--folder" in args:
        return _bless_folder(call, args)
    if "--mount" in args:
        return _bless_mount(call, args)
    return call.fail("Usage: bless --folder directory | --mount directory | --info\n")


def _value(args: list[str], name: str) -> str | None:
    index = args.index(name)
    return args[index + 1] if index + 1 < len(args) else None


def _bless_folder(call: Call, args: list[str]) -> Out:
    folder = _value(args, "--folder") or ""
    found = resolve_path(call.mac.state, folder)
    host = host_folder(call.mac.state, folder)
    if found is None or host is None or not host.is_dir():
        return call.fail(f"Can't access folder {folder}\n")
    volume, inner = found
    call.mac.state.data["blessed"][volume["volume_uuid"]] = inner
    if "--setBoot" in args:
        call.mac.state.data["next_boot"] = {
            "volume": volume["volume_uuid"],
            "once": False,
        }
    call.mac.state.save()
    return call.done()


def _bless_mount(call: Call, args: list[str]) -> Out:
    mount = _value(args, "--mount") or ""
    volume = call.mac.state.mounted(mount)
    if volume is None:
        return call.fail(f"Can't access mount point {mount}\n")
    call.mac.state.data["next_boot"] = {
        "volume": volume["volume_uuid"],
        "once": "--nextonly" in args,
    }
    call.mac.state.save()
    return call.done()


def _bless_info(call: Call, args: list[str]) -> Out:
    """HFS+ form from bless's handleInfo.c: `finderinfo[%i]: %6u => %s%s` (U3)."""
    paths = [a for a in args if not a.startswith("--")]
    found = resolve_path(call.mac.state, paths[0] if paths else "/")
    if found is None:
        return call.fail(f"Can't access {paths[0] if paths else '/'}\n")
    volume = found[0]
    blessed = call.mac.state.data["blessed"].get(volume["volume_uuid"])
    if (
        blessed is None
        and volume.get("mount_point") == "/"
        and volume.get("tree") == "system"
    ):
        blessed = "System/Library/CoreServices"  # the running system is blessed
    mount = volume["mount_point"].rstrip("/")
    if blessed is None:
        call.line("finderinfo[0]:      0 => No Blessed System Folder")
        call.line("finderinfo[1]:      0 => No Blessed System File")
    else:
        call.line(
            f"finderinfo[0]: {1306219:6d} => Blessed System Folder is {mount}/{blessed}"
        )
        call.line(
            f"finderinfo[1]: {1677004:6d} => Blessed System File is "
            f"{mount}/{blessed}/boot.efi"
        )
    call.line("finderinfo[2]:      0 => Open-folder linked list empty")
    call.line("finderinfo[3]:      0 => No alternate OS blessed file/folder")
    call.line("finderinfo[4]:      0 => Unused field unset")
    if blessed is None:
        call.line("finderinfo[5]:      0 => No OS X blessed folder")
    else:
        call.line(
            f"finderinfo[5]: {1306219:6d} => OS X blessed folder is {mount}/{blessed}"
        )
    call.line(
        "64-bit VSDB volume id:  0x" + volume["volume_uuid"].replace("-", "")[:16]
    )
    return call.done()


# --- facts about the machine ------------------------------------------------------


def sw_vers(call: Call) -> Out:
    os_facts = call.mac.state.data["machine"]["os"]
    call.line(f"ProductName:\t{os_facts['name']}")
    call.line(f"ProductVersion:\t{os_facts['version']}")
    call.line(f"BuildVersion:\t{os_facts['build']}")
    return call.done()


def sysctl(call: Call) -> Out:
    args = call.argv[1:]
    model = call.mac.state.data["machine"]["model"]
    if args == ["-n", "hw.model"]:
        call.line(model)
    elif args == ["hw.model"]:
        call.line(f"hw.model: {model}")
    else:
        return call.fail(f"sysctl: unknown oid '{args[-1] if args else ''}'\n")
    return call.done()


def fdesetup(call: Call) -> Out:
    on = bool(call.mac.state.data["machine"].get("filevault"))
    if call.argv[1:2] == ["isactive"]:
        call.line("true" if on else "false")
        return call.done(0 if on else 1)
    call.line(f"FileVault is {'On' if on else 'Off'}.")
    return call.done()


def pmset(call: Call) -> Out:
    power = call.mac.state.data["machine"].get("power") or {}
    source = "Battery Power" if power.get("source") == "battery" else "AC Power"
    call.line(f"Now drawing from '{source}'")
    if power.get("percent") is not None:
        state = "discharging" if source == "Battery Power" else "charged"
        call.line(
            f" -InternalBattery-0 (id=4325475)\t{power['percent']}%; {state}; "
            "0:00 remaining present: true"
        )
    return call.done()


def tmutil(call: Call) -> Out:
    facts = call.mac.state.data.get("time_machine") or {}
    verb = call.argv[1:2]
    if verb == ["latestbackup"]:
        return _latest_backup(call, facts)
    if verb == ["destinationinfo"]:
        return _destinations(call, facts)
    return call.fail("Usage: tmutil <verb> <options>\n")


def _latest_backup(call: Call, facts: dict[str, Any]) -> Out:
    if not facts.get("latest"):
        return call.fail("No machine directory found for host.\n")
    model = call.mac.state.data["machine"]["model"]
    call.line(f"/Volumes/Time Machine/Backups.backupdb/{model}/{facts['latest']}")
    return call.done()


def _destinations(call: Call, facts: dict[str, Any]) -> Out:
    mount = facts.get("destination")
    if not mount:
        return call.fail("tmutil: No destinations configured.\n")
    call.line("=" * 52)
    call.line(f"Name          : {mount.rsplit('/', 1)[-1]}")
    call.line("Kind          : Local")
    call.line(f"Mount Point   : {mount}")
    call.line("ID            : 5E1AC8F4-2C6B-4F17-9D0E-3A4B5C6D7E8F")
    return call.done()


def lsof(call: Call) -> Out:
    mount = call.argv[-1]
    volume = call.mac.state.mounted(mount)
    holders = (volume or {}).get("open_files") or []
    if not holders:
        return call.done(1)  # lsof exits 1 when nothing is open
    for pid, command, name in holders:
        call.line(f"p{pid}")
        call.line(f"c{command}")
        call.line(f"n{mount.rstrip('/')}/{name}")
    return call.done()


def trimforce(call: Call) -> Out:
    """`trimforce enable`: TRIM for the third-party SSD, after a (simulated) restart."""
    if call.argv[1:] != ["enable"]:
        return call.fail("usage: trimforce [enable | disable | help]\n")
    boot = next(
        (
            d
            for d in call.mac.state.disks
            for p in d["partitions"]
            if p.get("mount_point") == "/"
        ),
        None,
    )
    if boot is not None:
        boot["trim"] = True
        call.mac.state.save()
    call.line(
        "TRIM is now enabled; the Mac restarts to use it (simulated: no restart)."
    )
    return call.done()


def caffeinate(call: Call) -> Out:
    return call.done()


def system_profiler(call: Call) -> Out:
    types = [a for a in call.argv[1:] if a.startswith("SP")]
    disks = call.mac.state.disks
    builders = {
        "SPSerialATADataType": _sata,
        "SPNVMeDataType": _nvme,
        "SPUSBDataType": _usb,
    }
    reports = [
        {
            "_dataType": t,
            "_items": builders[t](disks) if t in builders else [],
            "_detailLevel": -1,
        }
        for t in types
    ]
    call.out.append(plists.dumps_any(reports))
    return call.done()


def _drive(disk: DiskState) -> dict[str, Any]:
    return {
        "_name": disk.get("media_name") or disk["id"],
        "bsd_name": disk["id"],
        "device_model": disk.get("media_name") or "",
        "device_serial": disk.get("serial") or "",
        "removable_media": "no",
        "detachable_drive": "no" if disk.get("internal") else "yes",
        "partition_map_type": "guid_partition_map_type"
        if disk.get("scheme")
        else "unknown",
        "size_in_bytes": disk["size"],
        "smart_status": disk.get("smart", "Verified"),
    }


def _physical(disks: list[DiskState], bus: str) -> list[DiskState]:
    return [
        d
        for d in disks
        if d.get("kind", "physical") == "physical" and d.get("bus") == bus
    ]


def _sata(disks: list[DiskState]) -> list[dict[str, Any]]:
    drives = []
    for disk in _physical(disks, "SATA"):
        drive = _drive(disk)
        drive["spsata_medium_type"] = (
            "Solid State" if disk.get("solid_state") else "Rotational"
        )
        drive["spsata_trim_support"] = "Yes" if disk.get("trim") else "No"
        drives.append(drive)
    return (
        [
            {
                "_name": "Intel 7 Series Chipset",
                "_items": drives,
                "spsata_negotiatedlinkspeed": "6 Gigabit",
            }
        ]
        if drives
        else []
    )


def _nvme(disks: list[DiskState]) -> list[dict[str, Any]]:
    drives = []
    for disk in _physical(disks, "PCI-Express"):
        drive = _drive(disk)
        drive["spnvme_trim_support"] = "Yes" if disk.get("trim", True) else "No"
        drives.append(drive)
    return [{"_name": "Generic SSD Controller", "_items": drives}] if drives else []


def _usb(disks: list[DiskState]) -> list[dict[str, Any]]:
    devices = []
    for disk in _physical(disks, "USB"):
        devices.append(
            {
                "_name": disk.get("enclosure", "USB 3.0 SATA Bridge"),
                "device_speed": disk.get("usb_speed", "high_speed"),
                "serial_num": disk.get("serial") or "",
                "Media": [
                    {
                        "_name": disk.get("media_name") or "",
                        "bsd_name": disk["id"],
                        "size_in_bytes": disk["size"],
                        "removable_media": "no",
                    }
                ],
            }
        )
    return [{"_name": "USB 2.0 Bus", "_items": devices}] if devices else []
