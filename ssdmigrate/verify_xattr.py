"""Read an entry's extended attributes without following symlinks, on any platform.

Linux has os.listxattr/os.getxattr. CPython on macOS has neither, so there the
same calls go to libc through ctypes (listxattr(2) and getxattr(2) with
XATTR_NOFOLLOW). Resource forks (com.apple.ResourceFork) and Finder info
(com.apple.FinderInfo) are ordinary attributes through this interface.
Elsewhere, and on file systems that keep no attributes, every entry has none.
"""

from __future__ import annotations

import errno
import functools
import os
import sys
from typing import Callable

Xattrs = dict[str, bytes]

# "This file system keeps no extended attributes": not a difference, not an error.
_UNSUPPORTED = {errno.ENOTSUP, errno.EOPNOTSUPP, getattr(errno, "ENOATTR", -1)}


def _read_linux(path: str) -> Xattrs:
    names = os.listxattr(path, follow_symlinks=False)
    if not names:
        return {}
    return {n: os.getxattr(path, n, follow_symlinks=False) for n in sorted(names)}


def _make_darwin_reader() -> Callable[[str], Xattrs]:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    nofollow = 0x0001  # XATTR_NOFOLLOW, <sys/xattr.h>
    text, size_t = ctypes.c_char_p, ctypes.c_size_t
    libc.listxattr.argtypes = [text, text, size_t, ctypes.c_int]
    libc.listxattr.restype = ctypes.c_ssize_t
    libc.getxattr.argtypes = [text, text, text, size_t, ctypes.c_uint32, ctypes.c_int]
    libc.getxattr.restype = ctypes.c_ssize_t

    def call(result: int) -> int:
        if result < 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code))
        return result

    def names(path: bytes) -> list[bytes]:
        size = call(libc.listxattr(path, None, 0, nofollow))
        if size == 0:
            return []
        buf = ctypes.create_string_buffer(size)
        size = call(libc.listxattr(path, buf, size, nofollow))
        return [n for n in buf.raw[:size].split(b"\0") if n]

    def value(path: bytes, name: bytes) -> bytes:
        size = call(libc.getxattr(path, name, None, 0, 0, nofollow))
        buf = ctypes.create_string_buffer(max(size, 1))
        size = call(libc.getxattr(path, name, buf, size, 0, nofollow))
        return buf.raw[:size]

    def read(path: str) -> Xattrs:
        raw = os.fsencode(path)
        found = sorted(names(raw))
        return {os.fsdecode(n): value(raw, n) for n in found}

    return read


def _read_nothing(path: str) -> Xattrs:
    return {}


@functools.cache
def _pick_reader() -> Callable[[str], Xattrs]:
    if hasattr(os, "listxattr"):
        return _read_linux
    if sys.platform == "darwin":
        return _make_darwin_reader()
    return _read_nothing


def _has_any_linux(path: str) -> bool:
    try:
        return bool(os.listxattr(path, follow_symlinks=False))
    except OSError:
        return True  # read_xattrs tells "none here" from a real error


def _has_any_other(path: str) -> bool:
    try:
        return bool(read_xattrs(path))
    except OSError:
        return True


# Called for every entry, so the Linux test is one system call and no lookup.
has_xattrs: Callable[[str], bool] = (
    _has_any_linux if hasattr(os, "listxattr") else _has_any_other
)


def read_xattrs(path: str) -> Xattrs:
    """Name -> value for every attribute of `path` itself (a symlink's own)."""
    try:
        return _pick_reader()(path)
    except OSError as exc:
        if exc.errno in _UNSUPPORTED:
            return {}
        raise
