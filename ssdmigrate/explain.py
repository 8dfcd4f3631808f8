"""Turn what diskutil and asr print when they fail into a likely cause and the
next thing to try.

The tools print localized text ("Fehler 49244", "Autorisation refusée" in the
recorded captures), so each pattern keys on error numbers and on the parts of
a message that are not translated where it can, and on the English wording
only as a second way in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

SCHEMA = "ssdmigrate.explain/1"


@dataclass(frozen=True)
class Known:
    code: str
    pattern: re.Pattern[str]
    cause: str
    remedy: str


def _k(code: str, pattern: str, cause: str, remedy: str) -> Known:
    return Known(code, re.compile(pattern, re.IGNORECASE | re.MULTILINE), cause, remedy)


# Each entry cites the capture or page its text comes from.
KNOWN: tuple[Known, ...] = (
    _k(
        "unmount-busy",
        r"-69888\b",  # capture 26 (10.7.5), partitionDisk
        "A volume on the disk is in use, so diskutil could not unmount it.",
        "Quit the apps using files on that disk (lsof +f -- /Volumes/NAME shows "
        "them), eject it in Finder, then try again.",
    ),
    _k(
        "unmount-dissented",
        r"dissented by PID (\d+)",  # capture 25 (Tahoe)
        "A running program kept the volume from unmounting.",
        "Quit the program with the process number shown (ps -p PID names it), "
        "then try again.",
    ),
    _k(
        "unmount-failed",
        r"(?:Forced )?[Uu]nmount of disk\d+ failed",  # capture 24
        "At least one volume on the disk could not be unmounted.",
        "Close every window and app using the disk, then try again; "
        "`sudo lsof | grep /Volumes/NAME` shows what holds it.",
    ),
    _k(
        "cannot-open-disk",
        r"-69879\b",  # capture 18
        "diskutil could not open the disk for writing: it is busy, or the "
        "command was not run as root.",
        "Run with sudo, unplug and replug the disk, and try again.",
    ),
    _k(
        "partition-map-too-small",
        r"-5341\b",  # reported by users
        "The sizes asked for do not fit on the disk.",
        "Run ssdmigrate plan again: it computes sizes from the disk's size.",
    ),
    _k(
        "scheme-too-large",
        r"-69659\b",  # index id 59026750436
        "The disk is too large for the partition scheme asked for.",
        "Use a GUID partition map (GPT); ssdmigrate always does.",
    ),
    _k(
        "setup-partitions-busy",
        r"Couldn't set up partitions.*(?:Resource busy|\b16\b)",
        # capture 20 (bigmac #172)
        "asr could not replace a volume on the target because it is in use.",
        "Run the command from Terminal rather than another app, with nothing "
        "open on the SSD, and try again.",
    ),
    _k(
        "t2-target-disk-mode",
        r"\b4916[5]\b|\b49182\b|Could not find APFS container disk for target",
        # capture 15 (google/restor #62)
        "The target is a T2 Mac in Target Disk Mode with a user on it; it "
        "cannot be erased that way.",
        "Boot the target Mac into Recovery and erase its disk there, then try again.",
    ),
    _k(
        "not-root",
        r"Could not change the partition type|Operation not permitted|"
        r"Autorisation refus|error 18688|Version RPC",  # captures 28a, 28b
        "The command needs root.",
        "Run ssdmigrate with sudo: sudo ssdmigrate run ...",
    ),
    _k(
        "apfs-needs-apfs",
        r"APFS volume cannot be the target of restores unless",
        # capture 14
        "An APFS target can only receive an APFS source.",
        "Let ssdmigrate partition the SSD to match the Mac's own file system "
        "(run ssdmigrate plan again).",
    ),
    _k(
        "not-scanned",
        r"needs to be imagescanned|Could not find any scan information",
        # capture 23a
        "The source image was never scanned for restoring.",
        "Run asr imagescan --source IMAGE first.",
    ),
    _k(
        "broken-seal",
        r"has a broken seal",  # capture 13c
        "The system volume's seal is broken, so asr refuses to copy it.",
        "Reinstall macOS on the Mac (this repairs the seal), or clone from "
        "Recovery with Disk Utility's Restore.",
    ),
    _k(
        "source-invalid",
        r"Could not validate source",  # capture 13c
        "asr rejected the source volume.",
        "Check the source with diskutil verifyVolume /, then try again.",
    ),
    _k(
        "replication-failed",
        r"Volume replication failed.*\b49244\b|\b49244\b",
        # capture 13 (macOS 15)
        "APFS replication of the running system failed part-way.",
        "Clone from Recovery with Disk Utility's Restore instead; the SSD was "
        "left erased.",
    ),
    _k(
        "checksum",
        r"checksum failure|Checksum failed",  # capture 16b
        "What was written did not read back the same: a bad cable, enclosure or drive.",
        "Connect the SSD directly, not through a hub, try another cable, and "
        "run the clone again.",
    ),
    _k(
        "stream-broken",
        r"Bad file descriptor|Could not access multicast stream|"
        r"Socket unexpectedly closed",  # captures 16c, 16d
        "The copy lost its source part-way through.",
        "Check that both disks stay connected and the Mac does not sleep, then "
        "run the clone again.",
    ),
    _k(
        "no-space",
        r"There is not enough space in volume",  # asr(8) ERRORS
        "The target is smaller than what is being copied.",
        "Use a larger SSD, or free space on the Mac first.",
    ),
    _k(
        "corrupt-image",
        r"codec overrun",  # asr(8) ERRORS
        "The source image is damaged.",
        "Make the image again.",
    ),
    _k(
        "whole-disk-mount",
        r"kDAReturnUnsupported",  # capture 27
        "A whole disk cannot be mounted, only its volumes.",
        "Use diskutil mountDisk DISK, or mount a volume (diskutil mount diskNsM).",
    ),
    _k(
        "verify-failed",
        r"-69845\b|File system verify or repair failed",
        "The file system check found a problem on the volume.",
        "Run the clone again; if the check fails again, the SSD may be faulty.",
    ),
    _k(
        "disk-not-found",
        r"Could not find disk|Unable to find disk",  # capture 32
        "The disk is not there any more: unplugged, or renumbered.",
        "Plug it back in and run ssdmigrate resume; it finds the disk again by "
        "its identity, never by its number.",
    ),
)


@dataclass(frozen=True)
class Match:
    code: str
    cause: str
    remedy: str

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "cause": self.cause, "remedy": self.remedy}


def explain(text: str) -> list[Match]:
    """Every known failure the text shows, most specific first, each once."""
    return [Match(k.code, k.cause, k.remedy) for k in KNOWN if k.pattern.search(text)]


def to_json(matches: list[Match]) -> dict[str, Any]:
    return {"schema": SCHEMA, "matches": [m.to_json() for m in matches]}
