"""Walk two trees side by side, folder by folder, and record how they differ.

Each folder pair is listed once with os.scandir; the two listings are joined
by name in sorted order, and only the folders still to visit are kept, so
memory follows the depth and width of the tree, not its number of files.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from typing import Callable

from ssdmigrate import verify_meta as meta
from ssdmigrate.verify_content import FilePair, describe_error
from ssdmigrate.verify_excludes import Scope
from ssdmigrate.verify_result import EntryError, MetadataDiff, VerifyResult
from ssdmigrate.verify_xattr import has_xattrs, read_xattrs

Listing = dict[str, os.DirEntry[str]]


@dataclass(frozen=True)
class Folder:
    """A folder present in both trees, still to be compared."""

    rel: str  # "" for the roots, else "a/b"
    source: str
    target: str
    scope: Scope


class TreeWalk:
    """Compares metadata everywhere and hands regular file pairs to `on_file`."""

    def __init__(
        self,
        result: VerifyResult,
        on_file: Callable[[FilePair], None] | None,
    ) -> None:
        self.result = result
        self._on_file = on_file
        self._links = meta.LinkTracker()

    def run(self, root: Folder) -> None:
        stack = [root]
        while stack:
            folder = stack.pop()
            children = self._compare_folder(folder)
            # Reversed, so the first name is visited first.
            stack.extend(reversed(children))

    def _compare_folder(self, folder: Folder) -> list[Folder]:
        listings = self._list_both(folder)
        if listings is None:
            return []
        src, dst = listings
        if folder.scope.active:
            self._drop_excluded(folder, src, dst)
        prefix = f"{folder.rel}/" if folder.rel else ""
        self._one_sided(prefix, src, dst)
        return self._compare_common(folder, prefix, src, dst)

    def _list_both(self, folder: Folder) -> tuple[Listing, Listing] | None:
        try:
            return _listing(folder.source), _listing(folder.target)
        except OSError as exc:
            self._error(folder.rel or ".", exc)
            return None

    def _drop_excluded(self, folder: Folder, src: Listing, dst: Listing) -> None:
        prefix = f"{folder.rel}/" if folder.rel else ""
        for name in sorted(src.keys() | dst.keys()):
            if folder.scope.excludes(name, prefix + name):
                src.pop(name, None)
                dst.pop(name, None)
                self.result.stats.excluded += 1

    def _one_sided(self, prefix: str, src: Listing, dst: Listing) -> None:
        missing = src.keys() - dst.keys()
        extra = dst.keys() - src.keys()
        self.result.missing.extend(prefix + name for name in sorted(missing))
        self.result.extra.extend(prefix + name for name in sorted(extra))
        self.result.stats.entries += len(missing) + len(extra)

    def _compare_common(
        self, folder: Folder, prefix: str, src: Listing, dst: Listing
    ) -> list[Folder]:
        children: list[Folder] = []
        names = sorted(src.keys() & dst.keys())
        self.result.stats.entries += len(names)
        for name in names:
            s_entry, d_entry = src[name], dst[name]
            try:
                is_dir = self._compare_entry(prefix + name, s_entry, d_entry)
            except OSError as exc:
                self._error(prefix + name, exc)
                continue
            if is_dir:
                scope = folder.scope.child(name)
                rel = prefix + name
                children.append(Folder(rel, s_entry.path, d_entry.path, scope))
        return children

    def _compare_entry(
        self, rel: str, s_entry: os.DirEntry[str], d_entry: os.DirEntry[str]
    ) -> bool:
        """Record every difference of one entry; True when both are folders."""
        src = s_entry.stat(follow_symlinks=False)
        dst = d_entry.stat(follow_symlinks=False)
        if stat.S_IFMT(src.st_mode) != stat.S_IFMT(dst.st_mode):
            self._type_differs(rel, src.st_mode, dst.st_mode)
            return False
        if not meta.quick_equal(src, dst):
            self.result.metadata.extend(meta.stat_diffs(rel, src, dst))
        if has_xattrs(s_entry.path) or has_xattrs(d_entry.path):
            self._compare_xattrs(rel, s_entry.path, d_entry.path)
        if stat.S_ISDIR(src.st_mode):
            return True
        self._compare_kind(rel, s_entry, d_entry, src, dst)
        return False

    def _compare_kind(
        self,
        rel: str,
        s_entry: os.DirEntry[str],
        d_entry: os.DirEntry[str],
        src: os.stat_result,
        dst: os.stat_result,
    ) -> None:
        if src.st_nlink > 1 or dst.st_nlink > 1:
            self._record(self._links.check(rel, src, dst))
        if stat.S_ISLNK(src.st_mode):
            self._compare_symlinks(rel, s_entry.path, d_entry.path)
            return
        # Files of different sizes already differ: no need to read them.
        same_size = stat.S_ISREG(src.st_mode) and src.st_size == dst.st_size
        if self._on_file is not None and same_size:
            self._on_file(_pair(rel, s_entry.path, d_entry.path, src, dst))

    def _compare_xattrs(self, rel: str, source: str, target: str) -> None:
        src, dst = read_xattrs(source), read_xattrs(target)
        if src != dst:
            self.result.metadata.extend(meta.xattr_diffs(rel, src, dst))

    def _compare_symlinks(self, rel: str, source: str, target: str) -> None:
        src, dst = os.readlink(source), os.readlink(target)
        if src != dst:
            self._record(MetadataDiff(rel, "symlink", src, dst))

    def _type_differs(self, rel: str, src_mode: int, dst_mode: int) -> None:
        src, dst = meta.type_name(src_mode), meta.type_name(dst_mode)
        self._record(MetadataDiff(rel, "type", src, dst))

    def _record(self, diff: MetadataDiff | None) -> None:
        if diff is not None:
            self.result.metadata.append(diff)

    def _error(self, rel: str, exc: OSError) -> None:
        self.result.errors.append(EntryError(rel, describe_error(exc)))


def _listing(path: str) -> Listing:
    with os.scandir(path) as entries:
        return {entry.name: entry for entry in entries}


def _pair(
    rel: str, source: str, target: str, src: os.stat_result, dst: os.stat_result
) -> FilePair:
    return FilePair(rel, source, target, src.st_size, src.st_mtime_ns, dst.st_mtime_ns)
