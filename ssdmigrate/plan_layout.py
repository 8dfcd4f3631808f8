"""The new SSD's partitions: sizes, predicted identifiers, and the one diskutil call.

diskutil(8), partitionDisk: "You can specify an exact size for your last
partition by specifying it as the penultimate triplet and specifying an
additional (last) triplet as Free Space." That is the form used here for the
HFS+ layout: the main volume and the Recovery HD get exact sizes and a final
Free Space triplet of size 0 ("all possible", SIZES) takes what is left.
The other form the page offers, `R` (remainder) on the main volume, is only
described for a *middle* partition; whether R on the first of two is accepted
on 10.7-10.12 is unsettled (tools reference, open question 3), so it is not
used. GPT adds the 200 MiB EFI partition by itself as s1 (captures 01, 09, U4),
so it is not a triplet.
"""

from __future__ import annotations

from ssdmigrate.model import Disk
from ssdmigrate.plan_model import Slice

MIB = 2**20
EFI_SIZE = 209_715_200  # 200 MiB, "EFI 209.7 MB" in every GPT capture
# The EFI partition starts at sector 40 (20,480 bytes) behind the protective
# MBR and the GPT header and table; a backup table (33 sectors) ends the disk.
GPT_OVERHEAD = 20_480 + 33 * 512
# The main volume is sized to leave this much unallocated after the Recovery
# HD. diskutil aligns partitions (1 MiB from 10.14, HISTORY) and Apple's
# tools may keep gaps between partitions; asking for the exact remainder
# risks a request a few sectors too large, which fails after the disk has
# been unmounted. 256 MiB is 0.2% of a 120 GB SSD and ends up as free space
# after the Recovery HD, so the Recovery HD is still the last partition.
SLACK = 256 * MIB


# Partitions are whole sectors; 4096 covers 512-byte and 4K-sector drives.
SECTOR = 4096


def recovery_bytes(requested: int) -> int:
    """The Recovery HD's size, rounded up to whole 4096-byte sectors."""
    return -(-requested // SECTOR) * SECTOR


def main_bytes(disk_size: int, recovery: int | None) -> int:
    """The main volume's exact size; whole MiB, leaving SLACK free at the end."""
    rest = disk_size - GPT_OVERHEAD - EFI_SIZE - SLACK - (recovery or 0)
    return max(0, rest // MIB * MIB)


def fits(disk_size: int, recovery: int | None) -> bool:
    """Whether the layout leaves the main volume at least 1 MiB."""
    return main_bytes(disk_size, recovery) >= MIB


def whole_disk_bytes(disk_size: int) -> int:
    """About what a single partition of size 0 ("all possible") will get."""
    return max(0, (disk_size - GPT_OVERHEAD - EFI_SIZE) // MIB * MIB)


def predicted(disk: str, index: int) -> str:
    """The identifier partition `index` will have: GPT numbers slices from s1."""
    return f"{disk}s{index}"


def hfs_argv(disk: str, name: str, main: int, recovery: int) -> tuple[str, ...]:
    # Sizes carry the B suffix: before 10.11 a bare number was not accepted
    # ("0b" and "31016951808b" in the HISTORY section and the CLCMacTeam script).
    return (
        "diskutil",
        "partitionDisk",
        disk,
        "3",
        "GPT",
        "JHFS+",
        name,
        f"{main}B",
        "JHFS+",
        "Recovery HD",
        f"{recovery}B",
        "Free Space",
        "none",
        "0B",
    )


def single_argv(disk: str, fmt: str, name: str) -> tuple[str, ...]:
    # One partition, size 0: "all possible", to the end of the map (SIZES).
    return ("diskutil", "partitionDisk", disk, "1", "GPT", fmt, name, "0B")


def hfs_after(disk: Disk, name: str, recovery: int | None) -> tuple[Slice, ...]:
    assert disk.size is not None
    efi = Slice(predicted(disk.id, 1), "efi", "EFI", EFI_SIZE, "EFI")
    if recovery is None:
        size = whole_disk_bytes(disk.size)
        return (efi, Slice(predicted(disk.id, 2), "main", name, size, "Apple_HFS"))
    main = main_bytes(disk.size, recovery)
    return (
        efi,
        Slice(predicted(disk.id, 2), "main", name, main, "Apple_HFS"),
        Slice(predicted(disk.id, 3), "recovery", "Recovery HD", recovery, "Apple_Boot"),
        Slice("", "free", None, _free(disk.size, main, recovery), None),
    )


def apfs_after(disk: Disk, name: str) -> tuple[Slice, ...]:
    assert disk.size is not None
    size = whole_disk_bytes(disk.size)
    return (
        Slice(predicted(disk.id, 1), "efi", "EFI", EFI_SIZE, "EFI"),
        Slice(predicted(disk.id, 2), "apfs", name, size, "Apple_APFS"),
    )


def _free(disk_size: int, main: int, recovery: int) -> int:
    return disk_size - GPT_OVERHEAD - EFI_SIZE - main - recovery


def before(disk: Disk) -> tuple[Slice, ...]:
    return tuple(
        Slice(p.id, "existing", p.name, p.size, p.content, p.used)
        for p in disk.partitions
    )
