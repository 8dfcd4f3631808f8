"""The simulated `diskutil`: same argv as the real one, same outputs and errors."""

from __future__ import annotations

import re
from collections.abc import Callable

from ssdmigrate import plists
from ssdmigrate.model import APFS_VOLUME
from ssdmigrate.sim import output
from ssdmigrate.sim.mac import Call, Out
from ssdmigrate.sim.state import EFI_SIZE, DiskState, Volume, stable_uuid
from ssdmigrate.sizes import SizeError, fixed_bytes

GPT_OVERHEAD = 2 * 20480  # primary and backup GPT (34 sectors each, aligned)

_FORMATS = {
    "jhfs+": ("Journaled HFS+", "Apple_HFS", "Mac OS Extended (Journaled)"),
    "journaled hfs+": ("Journaled HFS+", "Apple_HFS", "Mac OS Extended (Journaled)"),
    "hfs+": ("HFS+", "Apple_HFS", "Mac OS Extended"),
    "apfs": ("APFS", "Apple_APFS", "APFS"),
}
_FREE = {"free", "free space", "freespace"}


def run(call: Call) -> Out:
    args = call.argv[1:]
    if not args:
        return call.fail(
            "Disk Utility Tool\nUtility to manage local disks and volumes\n"
        )
    verbs: dict[str, Callable[[Call, list[str]], Out]] = {
        "list": _list,
        "info": _info,
        "information": _info,
        "apfs": _apfs,
        "partitionDisk": _partition_disk,
        "unmountDisk": _unmount_disk,
        "umountDisk": _unmount_disk,
        "unmount": _unmount,
        "umount": _unmount,
        "mount": _mount,
        "enableOwnership": _enable_ownership,
        "verifyVolume": _verify_volume,
        "eject": _eject,
    }
    verb = verbs.get(args[0])
    if verb is None:
        return call.fail(
            f'diskutil: did not recognize verb "{args[0]}"; '
            'type "diskutil" for a list\n'
        )
    return verb(call, args[1:])


def _list(call: Call, args: list[str]) -> Out:
    state = call.mac.state
    if args[:1] == ["-plist"]:
        call.out.append(output.list_plist(state))
        return call.done()
    if "-plist" in args:
        # `diskutil list external -plist` is refused like this (capture U6).
        return call.fail("Could not find disk for -plist\n")
    for disk in state.disks:
        call.out.append(output.list_text(state, disk) + "\n")
    return call.done()


def _not_found(call: Call, ref: str, plist: bool) -> Out:
    if plist:
        call.out.append(output.error_plist(f"Could not find disk: {ref}"))
        return call.done(1)
    return call.fail(f"Could not find disk: {ref}\n")


def _info(call: Call, args: list[str]) -> Out:
    plist = "-plist" in args
    refs = [a for a in args if a != "-plist"]
    if len(refs) != 1:
        return call.fail(
            "Usage:  diskutil info[rmation] [-plist] "
            "MountPoint|DiskIdentifier|DeviceNode\n"
        )
    found = call.mac.state.find(refs[0])
    if found is None:
        return _not_found(call, refs[0], plist)
    disk, part = found
    info = (
        output.info_whole(call.mac.state, disk)
        if part is None
        else output.info_volume(call.mac.state, disk, part)
    )
    if not plist:
        call.out.extend(f"   {k + ':':<34}{v}\n" for k, v in sorted(info.items()))
        return call.done()
    call.out.append(plists.dumps(info))
    return call.done()


def _apfs(call: Call, args: list[str]) -> Out:
    if args[:2] != ["list", "-plist"]:
        return call.fail("Usage:  diskutil apfs list [-plist] [Container]\n")
    call.out.append(output.apfs_list_plist(call.mac.state))
    return call.done()


def _whole_disk(call: Call, ref: str) -> DiskState | None:
    found = call.mac.state.find(ref)
    return found[0] if found else None


def busy_volumes(disk: DiskState) -> list[Volume]:
    return [
        p for p in disk["partitions"] if p.get("mount_point") and p.get("open_files")
    ]


def _unmount_all(call: Call, disk: DiskState) -> bool:
    if disk.pop("fault_busy", False):
        call.mac.state.save()  # a planted fault holds the disk once
        return False
    if busy_volumes(disk):
        return False
    for part in disk["partitions"]:
        if part.get("mount_point") and part.get("mount_point") != "/":
            part["mount_point"] = None
    return True


def _unmount_disk(call: Call, args: list[str]) -> Out:
    force = args[:1] == ["force"]
    refs = args[1:] if force else args
    disk = _whole_disk(call, refs[0]) if refs else None
    if disk is None:
        return call.fail(f"Unable to find disk for {refs[0] if refs else ''}\n")
    if any(p.get("mount_point") == "/" for p in disk["partitions"]) or not _unmount_all(
        call, disk
    ):
        # Captures 24 (forced, High Sierra) and 25 (Tahoe) give these lines.
        prefix = "Forced unmount" if force else "Unmount"
        return call.fail(
            f"{prefix} of {disk['id']} failed: at least one volume "
            "could not be unmounted\n"
        )
    call.mac.state.save()
    call.line(f"Unmount of all volumes on {disk['id']} was successful")
    return call.done()


def _unmount(call: Call, args: list[str]) -> Out:
    refs = args[1:] if args[:1] == ["force"] else args
    found = call.mac.state.find(refs[0]) if refs else None
    if found is None or found[1] is None:
        return call.fail(f"Unable to find disk for {refs[0] if refs else ''}\n")
    part = found[1]
    if part.get("mount_point") == "/" or part.get("open_files"):
        return call.fail(
            f"Volume {part.get('name')} on {part['id']} failed to unmount: "
            "dissented by PID 0\n"
        )
    part["mount_point"] = None
    call.mac.state.save()
    call.line(f"Volume {part.get('name')} on {part['id']} unmounted")
    return call.done()


def _mount(call: Call, args: list[str]) -> Out:
    found = call.mac.state.find(args[0]) if args else None
    if found is None:
        return call.fail(f"Unable to find disk for {args[0] if args else ''}\n")
    disk, part = found
    if part is None:
        # `diskutil mount` of a whole disk (capture 27).
        return call.fail(
            f"Volume on {disk['id']} failed to mount\nPerhaps the operation "
            "is not supported (kDAReturnUnsupported)\n"
        )
    if not part.get("filesystem"):
        return call.fail(f"Volume on {part['id']} failed to mount\n")
    part["mount_point"] = part.get("mount_point") or mount_point_for(call, part["name"])
    call.mac.state.save()
    call.line(f"Volume {part['name']} on {part['id']} mounted")
    return call.done()


def mount_point_for(call: Call, name: str) -> str:
    """/Volumes/NAME, or NAME 1, NAME 2 ... when that is taken, as macOS does."""
    taken = {
        p.get("mount_point") for d in call.mac.state.disks for p in d["partitions"]
    }
    candidate, n = f"/Volumes/{name}", 0
    while candidate in taken:
        n += 1
        candidate = f"/Volumes/{name} {n}"
    return candidate


def _enable_ownership(call: Call, args: list[str]) -> Out:
    found = call.mac.state.find(args[0]) if args else None
    if found is None or found[1] is None:
        return call.fail(f"Could not find disk: {args[0] if args else ''}\n")
    found[1]["ownership"] = True
    call.mac.state.save()
    call.line("File system user/group ownership enabled")
    return call.done()


def _verify_volume(call: Call, args: list[str]) -> Out:
    found = call.mac.state.find(args[0]) if args else None
    if found is None or found[1] is None:
        return call.fail(f"Could not find disk: {args[0] if args else ''}\n")
    part = found[1]
    name = part.get("name") or ""
    call.line(f"Started file system verification on {part['id']} {name}")
    call.line("Verifying file system")
    call.mac.wait(20)
    if part.get("damaged"):
        call.line(f"The volume {name} was found corrupt and needs to be repaired")
        call.line("Error: -69845: File system verify or repair failed")
        return call.done(1)
    call.line(f"The volume {name} appears to be OK")
    call.line("File system check exit code is 0")
    call.line(f"Finished file system verification on {part['id']} {name}")
    return call.done()


def _eject(call: Call, args: list[str]) -> Out:
    disk = _whole_disk(call, args[0]) if args else None
    if disk is None or disk.get("internal"):
        return call.fail(f"Unable to eject {args[0] if args else ''}\n")
    if not _unmount_all(call, disk):
        return call.fail(
            f"Unmount of {disk['id']} failed: at least one volume could "
            "not be unmounted\n"
        )
    call.mac.state.data["disks"] = [d for d in call.mac.state.disks if d is not disk]
    call.mac.state.data.setdefault("unplugged", []).append(disk)
    call.mac.state.save()
    call.line(f"Disk {disk['id']} ejected")
    return call.done()


# --- partitionDisk -------------------------------------------------------------

_SCHEMES = re.compile(r"^(APM|MBR|GPT)(Format)?$", re.IGNORECASE)


class _Refusal(Exception):
    pass


def _partition_disk(call: Call, args: list[str]) -> Out:
    try:
        disk, triplets = _parse_partition_args(call, args)
        sizes = _resolve_sizes(disk, triplets)
    except _Refusal as exc:
        return call.fail(f"{exc}\n")
    call.line(f"Started partitioning on {disk['id']}")
    call.line("Unmounting disk")
    if any(p.get("mount_point") == "/" for p in disk["partitions"]) or not _unmount_all(
        call, disk
    ):
        # partitionDisk's answer to a busy disk (capture 26, OS X 10.7.5).
        return call.fail("Error: -69888: Couldn't unmount disk\n")
    call.line("Creating the partition map")
    call.mac.wait(5)
    _lay_out(call, disk, triplets, sizes)
    call.line(f"Finished partitioning on {disk['id']}")
    call.out.append(output.list_text(call.mac.state, disk))
    call.mac.state.save()
    return call.done()


def _parse_partition_args(
    call: Call, args: list[str]
) -> tuple[DiskState, list[list[str]]]:
    args = [a for a in args if a != "-noEFI"]
    if not args:
        raise _Refusal(
            "Usage:  diskutil partitionDisk MountPoint|DiskIdentifier|DeviceNode ..."
        )
    disk = _whole_disk(call, args[0])
    if disk is None or call.mac.state.disk(args[0]) is None:
        raise _Refusal(f"Could not find disk: {args[0]}")
    rest, count = args[1:], None
    if rest and rest[0].isdigit():
        count, rest = int(rest[0]), rest[1:]
    if rest and _SCHEMES.match(rest[0]):
        rest = rest[1:]
    if len(rest) % 3:
        raise _Refusal("Each partition needs a format, a name and a size")
    triplets = [rest[i : i + 3] for i in range(0, len(rest), 3)]
    if count is not None and count != len(triplets):
        raise _Refusal(
            f"The number of partitions ({count}) does not match the "
            f"{len(triplets)} triplets given"
        )
    for fmt, _, _ in triplets:
        if (
            fmt.lower() not in _FORMATS
            and fmt.lower() not in _FREE
            and not fmt.startswith("%")
        ):
            raise _Refusal(f"Unknown file system personality {fmt!r}")
    return disk, triplets


def _parse_size(text: str, available: int) -> int | None:
    """Bytes for an explicit size; None for R and for 0 ("all possible")."""
    if text.upper() == "R":
        return None
    if text.endswith("%"):
        return int(available * float(text[:-1]) / 100)
    try:
        value = fixed_bytes(text)
    except SizeError:
        raise _Refusal(f"Invalid size {text!r}") from None
    return value or None


def _resolve_sizes(disk: DiskState, triplets: list[list[str]]) -> list[int]:
    available = disk["size"] - EFI_SIZE - GPT_OVERHEAD
    sizes = [_parse_size(size, available) for _, _, size in triplets]
    fixed = sum(s for s in sizes if s is not None)
    open_slots = [i for i, s in enumerate(sizes) if s is None]
    if fixed > available or (fixed == available and open_slots):
        # MediaKit's refusal when the sizes do not fit (as reported by users;
        # not among our recorded captures).
        raise _Refusal("Error: -5341: MediaKit reports partition (map) too small")
    share = (available - fixed) // max(len(open_slots), 1)
    return [s if s is not None else share for s in sizes]


def _lay_out(
    call: Call, disk: DiskState, triplets: list[list[str]], sizes: list[int]
) -> None:
    scenario = call.mac.state.data["scenario"]
    generation = call.mac.state.data.setdefault("generation", 0) + 1
    call.mac.state.data["generation"] = generation
    disk["scheme"] = "GUID_partition_scheme"
    parts: list[Volume] = [_efi(disk, scenario, generation)]
    for (fmt, name, _), size in zip(triplets, sizes):
        if fmt.lower() in _FREE:
            continue
        ident = f"{disk['id']}s{len(parts) + 1}"
        part: Volume = {
            "id": ident,
            "size": size,
            "name": name,
            "disk_uuid": stable_uuid(scenario, ident, "disk", str(generation)),
            "volume_uuid": stable_uuid(scenario, ident, "volume", str(generation)),
            "used": 0,
        }
        parts.append(_format(call, part, fmt))
    disk["partitions"] = parts
    for part in parts:
        if part.get("content") == "Apple_APFS":
            _synthesize_container(call, disk, part, generation)


def _synthesize_container(
    call: Call, disk: DiskState, store: Volume, generation: int
) -> None:
    """An APFS partition holds a container, which lists as a disk of its own
    with the volume in it (capture 03: disk1 on disk0s2)."""
    state = call.mac.state
    scenario = state.data["scenario"]
    state.data["disks"] = [
        d for d in state.disks if store["id"] not in d.get("stores", [])
    ]
    ident = f"disk{state.next_disk_number()}"
    volume: Volume = {
        "id": f"{ident}s1",
        "name": store.pop("name"),
        "size": store["size"],
        "content": APFS_VOLUME,
        "filesystem": "APFS",
        "used": 0,
        "roles": [],
        "disk_uuid": stable_uuid(scenario, ident, "volume", str(generation)),
        "volume_uuid": stable_uuid(scenario, ident, "apfs", str(generation)),
    }
    volume["mount_point"] = store.pop("mount_point")
    for key in ("filesystem", "volume_uuid"):
        store.pop(key, None)
    state.disks.append(
        {
            "id": ident,
            "kind": "apfs-container",
            "size": store["size"],
            "stores": [store["id"]],
            "store_uuids": {store["id"]: store["disk_uuid"]},
            "container_uuid": stable_uuid(
                scenario, ident, "container", str(generation)
            ),
            "partitions": [volume],
        }
    )


def _efi(disk: DiskState, scenario: str, generation: int) -> Volume:
    ident = f"{disk['id']}s1"
    return {
        "id": ident,
        "content": "EFI",
        "name": "EFI",
        "size": EFI_SIZE,
        "disk_uuid": stable_uuid(scenario, ident, "disk", str(generation)),
        "volume_uuid": stable_uuid(scenario, ident, "volume", str(generation)),
    }


def _format(call: Call, part: Volume, fmt: str) -> Volume:
    if fmt.startswith("%"):
        # An explicit partition type: created, wiped, not formatted (diskutil(8)).
        part.update({"content": fmt.strip("%"), "name": None, "filesystem": None})
        return part
    filesystem, content, visible = _FORMATS[fmt.lower()]
    part.update({"content": content, "filesystem": filesystem})
    call.line("Waiting for partitions to activate")
    call.line(f"Formatting {part['id']} as {visible} with name {part['name']}")
    gigabytes = max(round(part["size"] / 10**9), 1)
    call.line(
        f"Initialized /dev/r{part['id']} as a {gigabytes} GB case-insensitive "
        "HFS Plus volume with a 16384k journal"
    )
    call.line("Mounting disk")
    part["mount_point"] = mount_point_for(call, part["name"])
    return part
