"""Compare the metadata of two entries that share a path: everything but bytes."""

from __future__ import annotations

import os
import stat

from ssdmigrate.verify_result import MetadataDiff, Value
from ssdmigrate.verify_xattr import Xattrs

HAS_FLAGS = hasattr(os.stat_result, "st_flags")
_SECOND = 1_000_000_000

TYPE_NAMES = {
    stat.S_IFREG: "file",
    stat.S_IFDIR: "dir",
    stat.S_IFLNK: "symlink",
    stat.S_IFIFO: "fifo",
    stat.S_IFSOCK: "socket",
    stat.S_IFCHR: "char device",
    stat.S_IFBLK: "block device",
}


def type_name(mode: int) -> str:
    return TYPE_NAMES.get(stat.S_IFMT(mode), f"type {stat.S_IFMT(mode):o}")


def same_mtime(a: int, b: int) -> bool:
    """Equal to the nanosecond, or to the second when one side keeps only seconds.

    HFS+ keeps whole seconds, APFS and ext4 nanoseconds: a time with no fraction
    is taken as coming from a file system that dropped it.
    """
    if a == b:
        return True
    whole = a % _SECOND == 0 or b % _SECOND == 0
    return whole and a // _SECOND == b // _SECOND


def quick_equal(src: os.stat_result, dst: os.stat_result) -> bool:
    """The common case in one expression: nothing in the stat data differs."""
    return (
        src.st_mode == dst.st_mode
        and src.st_mtime_ns == dst.st_mtime_ns
        and src.st_uid == dst.st_uid
        and src.st_gid == dst.st_gid
        and (src.st_size == dst.st_size or not stat.S_ISREG(src.st_mode))
        and (not HAS_FLAGS or _flags(src) == _flags(dst))
        and src.st_rdev == dst.st_rdev
    )


def stat_diffs(
    rel: str, src: os.stat_result, dst: os.stat_result
) -> list[MetadataDiff]:
    """Each stat field that differs between two entries of the same type."""
    found: list[tuple[str, Value, Value]] = []
    if stat.S_IMODE(src.st_mode) != stat.S_IMODE(dst.st_mode):
        found.append(("mode", _octal(src.st_mode), _octal(dst.st_mode)))
    if src.st_uid != dst.st_uid:
        found.append(("owner", src.st_uid, dst.st_uid))
    if src.st_gid != dst.st_gid:
        found.append(("group", src.st_gid, dst.st_gid))
    if not same_mtime(src.st_mtime_ns, dst.st_mtime_ns):
        found.append(("mtime", src.st_mtime_ns, dst.st_mtime_ns))
    found.extend(_kind_specific(src, dst))
    return [MetadataDiff(rel, name, a, b) for name, a, b in found]


def _kind_specific(
    src: os.stat_result, dst: os.stat_result
) -> list[tuple[str, Value, Value]]:
    found: list[tuple[str, Value, Value]] = []
    # Only a file's size says something of its own: a folder's is the file
    # system's bookkeeping (different on APFS, HFS+ and ext4 for the same
    # contents), a symlink's is the length of its target, compared as text.
    if stat.S_ISREG(src.st_mode) and src.st_size != dst.st_size:
        found.append(("size", src.st_size, dst.st_size))
    if HAS_FLAGS and _flags(src) != _flags(dst):
        found.append(("flags", hex(_flags(src)), hex(_flags(dst))))
    if src.st_rdev != dst.st_rdev and _is_device(src.st_mode):
        found.append(("device", src.st_rdev, dst.st_rdev))
    return found


def _flags(info: os.stat_result) -> int:
    # st_flags exists on macOS and the BSDs only (chflags(2)).
    flags: int = getattr(info, "st_flags", 0)
    return flags


def _is_device(mode: int) -> bool:
    return stat.S_ISCHR(mode) or stat.S_ISBLK(mode)


def _octal(mode: int) -> str:
    return f"{stat.S_IMODE(mode):04o}"


def xattr_diffs(rel: str, src: Xattrs, dst: Xattrs) -> list[MetadataDiff]:
    """One difference per attribute that is missing, extra or has another value."""
    diffs = []
    for name in sorted(src.keys() | dst.keys()):
        a, b = src.get(name), dst.get(name)
        if a != b:
            diffs.append(MetadataDiff(rel, f"xattr:{name}", _show(a), _show(b)))
    return diffs


def _show(value: bytes | None) -> str | None:
    if value is None:
        return None
    text = repr(value[:48])[2:-1]
    more = "..." if len(value) > 48 else ""
    return f"{text}{more} ({len(value)} bytes)"


class LinkTracker:
    """Checks that files linked together in one tree are linked in the other.

    Only entries with more than one link are remembered: an inode's first path
    in each tree, and the inode it pairs with in the other tree. A path whose
    pairing disagrees with the first path's is a difference.
    """

    def __init__(self) -> None:
        self._source: dict[tuple[int, int], tuple[tuple[int, int], str]] = {}
        self._target: dict[tuple[int, int], tuple[tuple[int, int], str]] = {}

    def check(
        self, rel: str, src: os.stat_result, dst: os.stat_result
    ) -> MetadataDiff | None:
        s_key, d_key = (src.st_dev, src.st_ino), (dst.st_dev, dst.st_ino)
        src_peer = _pair(self._source, s_key, d_key, rel) if src.st_nlink > 1 else None
        dst_peer = _pair(self._target, d_key, s_key, rel) if dst.st_nlink > 1 else None
        if src_peer is None and dst_peer is None:
            return None
        return MetadataDiff(rel, "hardlink", src_peer, dst_peer)


def _pair(
    seen: dict[tuple[int, int], tuple[tuple[int, int], str]],
    key: tuple[int, int],
    other: tuple[int, int],
    rel: str,
) -> str | None:
    """The first path of `key` when it paired with another inode, else None."""
    first = seen.setdefault(key, (other, rel))
    return first[1] if first[0] != other else None
