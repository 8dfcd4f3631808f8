"""The live HFS+ copy: one command per item of the boot volume, minus exclusions.

asr cannot copy the running HFS+ system: an erase block-copy needs a source
that is unmounted or read-only ("one cannot erase blockcopy the root
filesystem as the source"), and "file copies are no longer supported by asr"
(asr(8), --source and --erase). So the volume is copied file by file with
ditto, one item at a time, which lets the copy leave some things out (ditto
has no exclude option) and lets a resumed run skip the items already done.

ditto(1) facts this relies on: with an existing or new destination folder it
merges the source folder's *contents* into it; -X keeps it from descending
into other devices (mount points); it keeps owners, modes, ACLs, extended
attributes, resource forks and hard links. It follows a symbolic link named
as an argument, so a top-level link (etc -> private/etc) would become a real
folder: links are remade with `ln -s` instead, and an excluded folder is
remade empty with `mkdir -m`, keeping its permission bits.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ssdmigrate.plan_facts import RootEntry

# Left out, folder and all: data stores macOS rebuilds when they are missing
# (Carbon Copy Cloner's list of automatic exclusions, bombich.com KB "Some files
# and folders are automatically excluded from a backup task": Spotlight,
# fsevents, document versions, hot-file B-tree), plus the per-volume trash and
# the 10.7-10.12 local Time Machine snapshots.
DROPPED = (
    ".DocumentRevisions-V100",
    ".fseventsd",
    ".hotfiles.btree",
    ".MobileBackups",
    ".Spotlight-V100",
    ".Trashes",
)

# Remade empty: mount points (other disks, devfs, volfs, autofs) and contents
# that belong to the running system only: swap files and the sleep image
# (private/var/vm), temporary files and per-user caches, daemons' pid files,
# core dumps and system caches. The folders must exist for the copy to boot.
EMPTIED = (
    ".vol",
    "Library/Caches",
    "Volumes",
    "cores",
    "dev",
    "home",
    "net",
    "private/tmp",
    "private/var/folders",
    "private/var/run",
    "private/var/vm",
)


def excluded() -> tuple[str, ...]:
    """What the copy leaves out, as shown to the owner (`name/` = contents only)."""
    return tuple(sorted(DROPPED) + [f"{p}/" for p in sorted(EMPTIED)])


def folders_to_list() -> tuple[str, ...]:
    """Folders whose items must be listed: the root and each excluded path's parents."""
    found = {""}
    for path in EMPTIED + DROPPED:
        parts = path.split("/")[:-1]
        found.update("/".join(parts[:n]) for n in range(1, len(parts) + 1))
    return tuple(sorted(found))


@dataclass(frozen=True)
class Item:
    path: str  # relative to the volume root
    action: str  # ditto | mkdir | link
    entry: RootEntry


def items(entries: tuple[RootEntry, ...]) -> list[Item]:
    """The copy's items in order, each parent folder before what is inside it."""
    children: dict[str, list[RootEntry]] = {}
    for entry in entries:
        parent = entry.path.rpartition("/")[0]
        children.setdefault(parent, []).append(entry)
    return list(_walk("", children, set(folders_to_list())))


def _walk(
    parent: str, children: dict[str, list[RootEntry]], split: set[str]
) -> Iterator[Item]:
    for entry in sorted(children.get(parent, []), key=lambda e: e.path):
        item = _item(entry, split)
        if item is not None:
            yield item
        if item is not None and entry.path in split and entry.kind == "dir":
            yield from _walk(entry.path, children, split)


def _item(entry: RootEntry, split: set[str]) -> Item | None:
    if entry.path in DROPPED:
        return None
    if entry.kind == "symlink":
        return Item(entry.path, "link", entry)
    if entry.kind == "dir" and (entry.path in EMPTIED or entry.path in split):
        return Item(entry.path, "mkdir", entry)
    if entry.kind in {"dir", "file"}:
        return Item(entry.path, "ditto", entry)
    return None  # sockets and pipes: ditto skips them too (ditto(1))


def argv(item: Item, mount: str) -> tuple[str, ...]:
    destination = f"{mount}/{item.path}"
    if item.action == "link":
        # -h: replace an existing link instead of following it (a resumed run)
        return ("ln", "-sfh", item.entry.link or "", destination)
    if item.action == "mkdir":
        # -p: no error if a resumed run made it already.
        # TODO: mkdir run as root leaves root:wheel; /Volumes is root:admin on a
        # real Mac. Keeping the group needs a chown step (not in the tool table).
        return ("mkdir", "-p", "-m", f"{item.entry.mode & 0o7777:o}", destination)
    return ("ditto", "-X", f"/{item.path}", destination)
