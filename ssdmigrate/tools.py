"""The external tools: where each lives on a Mac, and which calls only read.

Plans and replay bundles name tools by their bare name (`diskutil`); only the
real-Mac backend turns that into the absolute path below, so that a stray
program earlier on PATH can never stand in for Apple's tool.
"""

from __future__ import annotations

from collections.abc import Sequence

TOOL_PATHS: dict[str, str] = {
    "diskutil": "/usr/sbin/diskutil",
    "asr": "/usr/sbin/asr",
    "bless": "/usr/sbin/bless",
    "ditto": "/usr/bin/ditto",
    "sw_vers": "/usr/bin/sw_vers",
    "sysctl": "/usr/sbin/sysctl",
    "system_profiler": "/usr/sbin/system_profiler",
    "fdesetup": "/usr/bin/fdesetup",
    "pmset": "/usr/bin/pmset",
    "tmutil": "/usr/bin/tmutil",
    "caffeinate": "/usr/bin/caffeinate",
    "trimforce": "/usr/sbin/trimforce",
    "lsof": "/usr/sbin/lsof",
    "hdiutil": "/usr/bin/hdiutil",
    # The live copy remakes top-level links and emptied folders itself.
    "mkdir": "/bin/mkdir",
    "ln": "/bin/ln",
}

# diskutil verbs that only look. verifyVolume checks a file system without
# changing it (diskutil(8) VERBS), so validation may replay it.
_DISKUTIL_READ = {"list", "info", "information", "verifyVolume", "listFilesystems"}
_BLESS_READ = {"--info", "--getBoot"}


def tool_name(argv: Sequence[str]) -> str:
    """The bare name of argv[0]: `/usr/sbin/diskutil` and `diskutil` are one tool."""
    return argv[0].rsplit("/", 1)[-1]


def is_read_only(argv: Sequence[str]) -> bool:
    """True when the call cannot change a disk, a volume or the Mac's settings."""
    name = tool_name(argv)
    args = list(argv[1:])
    if name == "diskutil":
        return _diskutil_reads(args)
    if name == "bless":
        return bool(args) and args[0] in _BLESS_READ
    if name == "fdesetup":
        return bool(args) and args[0] in {"status", "isactive"}
    if name == "tmutil":
        return bool(args) and args[0] in {"latestbackup", "destinationinfo"}
    if name == "pmset":
        return args[:1] == ["-g"]
    if name == "hdiutil":
        return bool(args) and args[0] in {"info", "imageinfo"}
    return name in {"sw_vers", "sysctl", "system_profiler", "lsof"}


def _diskutil_reads(args: list[str]) -> bool:
    if not args:
        return False
    if args[0] == "apfs":
        return args[1:2] == ["list"]
    return args[0] in _DISKUTIL_READ
