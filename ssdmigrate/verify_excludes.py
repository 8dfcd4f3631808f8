"""Which paths `verify` leaves out: what a live Mac changes by itself while it is
copied, plus the user's own patterns.

The matching rule (the one .gitignore uses, without negation):

- A pattern is matched against an entry's path relative to the two roots,
  with "/" between folders (for example `private/var/log/system.log`).
- A pattern that contains a "/" (other than a trailing one) is anchored at the
  roots; a leading "/" only marks it as anchored. A pattern without a "/"
  matches an entry of that name at any depth.
- `*` matches any run of characters except "/", `?` one character except "/",
  `[abc]` one of a set (`[!abc]` one not in it), and `**` any run including "/".
- A pattern that matches a folder leaves out the folder and everything in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Relative to the roots of the two trees, so they also fit a clone mounted at
# /Volumes/NAME. Each is rewritten by a running macOS while it is being copied.
DEFAULT_EXCLUDES: tuple[str, ...] = (
    "/.DocumentRevisions-V100",  # document versions database
    "/.fseventsd",  # file system event log
    "/.MobileBackups",  # local Time Machine snapshots (OS X 10.7-10.12)
    "/.Spotlight-V100",  # Spotlight index
    "/.Trashes",  # per-volume trash
    "/.vol",  # volfs: a virtual folder, not files
    "/dev",  # devfs, virtual
    "/Volumes",  # mount points of other disks, the clone among them
    "/Library/Caches",
    "/Library/Logs",
    "/Users/*/Library/Caches",
    "/Users/*/Library/Logs",
    "/private/tmp",
    "/private/var/folders",  # per-user caches and temporary files
    "/private/var/log",
    "/private/var/run",  # pid files and sockets of running daemons
    "/private/var/tmp",
    "/private/var/vm",  # swap files and the sleep image
)

Components = tuple["re.Pattern[str]", ...]


@dataclass(frozen=True)
class Scope:
    """The patterns that can still match inside one folder.

    Anchored patterns are kept as their remaining path components, so a folder
    deep in the tree that no pattern reaches costs nothing per entry.
    """

    anchored: tuple[Components, ...]
    names: re.Pattern[str] | None  # patterns without "/": any depth
    deep: re.Pattern[str] | None  # patterns with "**": the whole relative path

    @property
    def active(self) -> bool:
        return bool(self.anchored) or self.names is not None or self.deep is not None

    def excludes(self, name: str, rel_path: str) -> bool:
        for parts in self.anchored:
            if len(parts) == 1 and parts[0].fullmatch(name):
                return True
        if self.names is not None and self.names.fullmatch(name):
            return True
        return self.deep is not None and self.deep.fullmatch(rel_path) is not None

    def child(self, name: str) -> Scope:
        """The scope inside the folder `name` of this one."""
        if not self.anchored:
            return self
        inner = tuple(
            parts[1:]
            for parts in self.anchored
            if len(parts) > 1 and parts[0].fullmatch(name)
        )
        return Scope(inner, self.names, self.deep)


class Excludes:
    """A compiled list of patterns, applied folder by folder from `root`."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(patterns)
        kept = [p.rstrip("/") for p in self.patterns if p.strip("/")]
        deep = [p.lstrip("/") for p in kept if "**" in p]
        names = [p for p in kept if "/" not in p]
        anchored = [p.lstrip("/") for p in kept if "/" in p and "**" not in p]
        self.root = Scope(
            tuple(_components(p) for p in anchored), _compile(names), _compile(deep)
        )

    def matches(self, rel_path: str) -> bool:
        """Whether `rel_path` or one of the folders above it is excluded."""
        scope = self.root
        parts = rel_path.strip("/").split("/")
        for depth, name in enumerate(parts):
            if scope.excludes(name, "/".join(parts[: depth + 1])):
                return True
            scope = scope.child(name)
        return False


def build_excludes(extra: Sequence[str], *, defaults: bool = True) -> Excludes:
    return Excludes((*DEFAULT_EXCLUDES, *extra) if defaults else extra)


def _components(pattern: str) -> Components:
    return tuple(re.compile(glob_to_regex(part)) for part in pattern.split("/"))


def _compile(patterns: Sequence[str]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{glob_to_regex(p)})" for p in patterns))


def glob_to_regex(pattern: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        piece, i = _translate_at(pattern, i)
        out.append(piece)
    return "".join(out)


def _translate_at(pattern: str, i: int) -> tuple[str, int]:
    """The regex for the glob token that starts at `i`, and where the next starts."""
    char = pattern[i]
    if pattern.startswith("**/", i):
        return "(?:.*/)?", i + 3  # any folders, or none
    if pattern.startswith("**", i):
        return ".*", i + 2
    if char == "*":
        return "[^/]*", i + 1
    if char == "?":
        return "[^/]", i + 1
    if char == "[":
        end = pattern.find("]", i + 2)
        if end != -1:
            return _char_class(pattern[i + 1 : end]), end + 1
    return re.escape(char), i + 1


def _char_class(body: str) -> str:
    negate = body.startswith("!")
    if negate:
        body = body[1:]
    escaped = body.replace("\\", "\\\\").replace("^", "\\^")
    return f"[^/{escaped}]" if negate else f"[{escaped}]"
