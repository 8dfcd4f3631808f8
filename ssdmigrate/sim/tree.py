"""Miniature volumes for the simulated Mac, and a ditto-like copier.

A simulated system volume is a real folder of a few thousand files laid out
like OS X (System/Library/CoreServices/SystemVersion.plist, Applications,
Library, Users, private with the usual symlinks), with hard links and
extended attributes, so that copying and comparing it exercises what a real
clone must keep.
"""

from __future__ import annotations

import contextlib
import os
import plistlib
import random
import shutil
from pathlib import Path
from typing import Any

# How a system volume's used bytes split over its top-level items, so that a
# simulated ditto can report progress item by item (rough shares of a 2012
# MacBook's El Capitan install with a user's files).
_XATTR_PREFIX = "user." if os.name == "posix" and os.uname().sysname != "Darwin" else ""


def xattr_name(name: str) -> str:
    """On Linux only the user.* namespace is open, so macOS names get that prefix."""
    return _XATTR_PREFIX + name


def build(folder: Path, profile: str, facts: dict[str, Any]) -> None:
    builders = {"system": _system, "recovery": _recovery, "user-data": _user_data}
    folder.mkdir(parents=True, exist_ok=True)
    builders[profile](folder, facts, random.Random(profile))


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def system_version(facts: dict[str, Any]) -> bytes:
    return plistlib.dumps(
        {
            "ProductName": facts.get("name", "Mac OS X"),
            "ProductVersion": str(facts.get("version", "10.11.6")),
            "ProductBuildVersion": str(facts.get("build", "15G31")),
            "ProductCopyright": "1983-2016 Apple Inc.",
        }
    )


def _system(root: Path, facts: dict[str, Any], rng: random.Random) -> None:
    core = root / "System/Library/CoreServices"
    _write(core / "SystemVersion.plist", system_version(facts))
    _write(core / "boot.efi", rng.randbytes(4096))
    _many(root / "System/Library/Frameworks", "Framework", 700, rng)
    _apps(root / "Applications", rng)
    _many(root / "Library/Preferences", "pref", 300, rng)
    _many(root / "usr/lib", "lib", 300, rng)
    _many(root / "bin", "tool", 40, rng)
    _many(root / "private/etc", "conf", 120, rng)
    _many(root / "private/var/log", "log", 20, rng)
    _many(root / "private/var/vm", "swapfile", 2, rng)
    _many(root / ".fseventsd", "fsevent", 10, rng)
    _user(root / "Users/owner", rng)
    for name, target in (
        ("etc", "private/etc"),
        ("var", "private/var"),
        ("tmp", "private/tmp"),
    ):
        (root / "private/tmp").mkdir(parents=True, exist_ok=True)
        os.symlink(target, root / name)
    os.link(root / "bin/tool-0001", root / "bin/tool-link")


def _apps(folder: Path, rng: random.Random) -> None:
    for name in ("Safari", "Mail", "Pages", "Photos", "TextEdit"):
        bundle = folder / f"{name}.app/Contents"
        _write(bundle / "Info.plist", plistlib.dumps({"CFBundleName": name}))
        _many(bundle / "Resources", "res", 60, rng)
        _write(bundle / f"MacOS/{name}", rng.randbytes(8192))
        os.chmod(bundle / f"MacOS/{name}", 0o755)
        _set_xattr(folder / f"{name}.app", "com.apple.FinderInfo", bytes(32))


def _user(home: Path, rng: random.Random) -> None:
    _many(home / "Documents", "letter", 200, rng, suffix=".txt")
    _many(home / "Pictures", "photo", 80, rng, suffix=".jpg", size=24_000)
    _many(home / "Library/Caches", "cache", 40, rng)
    note = home / "Documents/Ångström notes ✓.txt"
    _write(note, b"Notes with a name that is not ASCII.\n")
    _set_xattr(note, "com.apple.metadata:kMDItemWhereFroms", b"bplist00\x08")
    _set_xattr(home / "Documents/letter-0001.txt", "com.apple.ResourceFork", b"rsrc")
    os.link(home / "Documents/letter-0002.txt", home / "Documents/letter-copy.txt")
    os.symlink("Documents/letter-0003.txt", home / "Desktop-link")


def _recovery(root: Path, facts: dict[str, Any], rng: random.Random) -> None:
    boot = root / "com.apple.recovery.boot"
    _write(boot / "SystemVersion.plist", system_version(facts))
    _write(boot / "boot.efi", rng.randbytes(4096))
    _write(boot / "BaseSystem.dmg", rng.randbytes(65536))
    _write(boot / "BaseSystem.chunklist", rng.randbytes(512))


def _user_data(root: Path, facts: dict[str, Any], rng: random.Random) -> None:
    _many(root / "Projects", "draft", 60, rng, suffix=".txt")
    _many(root / "Photos 2019", "IMG", 40, rng, suffix=".jpg", size=32_000)


def _many(
    folder: Path,
    stem: str,
    count: int,
    rng: random.Random,
    suffix: str = "",
    size: int = 700,
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        _write(folder / f"{stem}-{n:04d}{suffix}", rng.randbytes(rng.randint(1, size)))


def _set_xattr(path: Path, name: str, value: bytes) -> None:
    # A file system without extended attributes still gets the rest.
    with contextlib.suppress(OSError, AttributeError):
        os.setxattr(path, xattr_name(name), value, follow_symlinks=False)


def copy_into(src: Path, dst: Path, skip: frozenset[str] = frozenset()) -> int:
    """Merge src's contents into dst as ditto does; returns the bytes copied.

    Keeps symlinks as links, hard links as links, modes, times, owners and
    extended attributes (ditto(1): it keeps all of these, and hard links).
    """
    links: dict[tuple[int, int], Path] = {}
    copied = _copy_entry(src, dst, skip, links, top=True)
    return copied


def _copy_entry(
    src: Path,
    dst: Path,
    skip: frozenset[str],
    links: dict[tuple[int, int], Path],
    top: bool = False,
) -> int:
    info = src.lstat()
    if src.is_symlink():
        _replace(dst)
        os.symlink(os.readlink(src), dst)
        _own(src, dst, info)
        os.utime(dst, ns=(info.st_atime_ns, info.st_mtime_ns), follow_symlinks=False)
        return 0
    if src.is_dir():
        dst.mkdir(exist_ok=True)
        total = 0
        for child in sorted(os.listdir(src)):
            if top and child in skip:
                continue
            total += _copy_entry(src / child, dst / child, skip, links)
        shutil.copystat(src, dst, follow_symlinks=False)
        _own(src, dst, info)
        return total
    return _copy_file(src, dst, info, links)


def _copy_file(
    src: Path, dst: Path, info: os.stat_result, links: dict[tuple[int, int], Path]
) -> int:
    key = (info.st_dev, info.st_ino)
    _replace(dst)
    if info.st_nlink > 1 and key in links:
        os.link(links[key], dst)
        return 0
    shutil.copy2(src, dst, follow_symlinks=False)
    _own(src, dst, info)
    if info.st_nlink > 1:
        links[key] = dst
    return info.st_size


def _replace(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()


def _own(src: Path, dst: Path, info: os.stat_result) -> None:
    if os.geteuid() == 0:
        os.chown(dst, info.st_uid, info.st_gid, follow_symlinks=False)
