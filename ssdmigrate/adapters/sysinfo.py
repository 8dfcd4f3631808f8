"""The small tools that describe the Mac: sw_vers, sysctl, fdesetup, pmset,
system_profiler. Each gives argv and a parser that fails loudly on a surprise."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ssdmigrate import plists
from ssdmigrate.errors import ParseError
from ssdmigrate.model import Media, Power

SW_VERS = ["sw_vers"]
HW_MODEL = ["sysctl", "-n", "hw.model"]
FDESETUP = ["fdesetup", "status"]
PMSET_BATT = ["pmset", "-g", "batt"]
PROFILER = [
    "system_profiler",
    "-xml",
    "SPSerialATADataType",
    "SPNVMeDataType",
    "SPUSBDataType",
]


def parse_sw_vers(text: str) -> dict[str, str]:
    """`Key:<tab>value` lines: ProductName, ProductVersion, BuildVersion (sw_vers)."""
    fields = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip()] = value.strip()
    if "ProductVersion" not in fields:
        raise ParseError("the macOS version (sw_vers)", "ProductVersion is missing")
    return fields


# A model identifier: letters, then major,minor (MacBookPro9,2).
MODEL_ID = re.compile(r"^[A-Za-z]+[0-9]+,[0-9]+$")


def parse_model(text: str) -> str:
    """`sysctl -n hw.model` prints the bare identifier, e.g. MacBookPro9,2."""
    value = text.strip()
    if value.startswith("hw.model:"):  # without -n; accepted all the same
        value = value.split(":", 1)[1].strip()
    if not MODEL_ID.match(value):
        raise ParseError("the Mac's model (sysctl hw.model)", f"unexpected {value!r}")
    return value


def parse_filevault(text: str) -> bool:
    """`FileVault is On.` / `FileVault is Off.` (fdesetup(8); the exact lines are
    seen in public scripts only, so anything else is an error, not a guess)."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    match = re.match(r"FileVault is (On|Off)\b", first)
    if match is None:
        raise ParseError(
            "FileVault's status (fdesetup status)", f"unexpected {first!r}"
        )
    return match.group(1) == "On"


_SOURCE = re.compile(r"Now drawing from '([^']+)'")
_PERCENT = re.compile(r"\t(\d{1,3})%;")


def parse_power(text: str) -> Power:
    """`pmset -g batt`: "Now drawing from 'AC Power'" and, on a laptop, a battery
    line with `<tab>NN%;` (format from many public test fixtures; pmset(1))."""
    source = _SOURCE.search(text)
    if source is None:
        raise ParseError(
            "the power source (pmset -g batt)", "no 'Now drawing from' line"
        )
    kind = {"AC Power": "ac", "Battery Power": "battery"}.get(source.group(1))
    percent = _PERCENT.search(text)
    return Power(kind, int(percent.group(1)) if percent else None)


# USB speeds as the -xml report names them; the text report prints
# "Speed: Up to 480 Mb/sec" for high_speed. (inferred from public parsers of
# SPUSBDataType such as munkireport's usb module; no first-hand XML capture.)
_USB_SPEEDS = {
    "low_speed": "Up to 1.5 Mb/sec",
    "full_speed": "Up to 12 Mb/sec",
    "high_speed": "Up to 480 Mb/sec",
    "super_speed": "Up to 5 Gb/sec",
    "super_speed_plus": "Up to 10 Gb/sec",
}


def parse_profiler(text: str) -> tuple[Media, ...]:
    """Medium type, TRIM, serial and USB link speed for every drive with a bsd_name.

    The XML is an array of reports, each with nested `_items` (capture 08:
    controllers, then drives with spsata_medium_type, smart_status ...).
    """
    what = "the drive report (system_profiler -xml)"
    reports = plists.parse_value(text, what)
    if not isinstance(reports, list):
        raise ParseError(what, "expected an array of reports")
    return tuple(_media(item, ctx) for item, ctx in _drives(reports, {}))


_WHOLE_DISK = re.compile(r"^disk[0-9]+$")


def _drives(
    node: Any, context: dict[str, str]
) -> Iterator[tuple[dict[str, Any], dict[str, str]]]:
    """Every dictionary naming a whole disk, with its USB device's speed and serial.

    A USB drive's `Media` entries sit under the device that carries
    `device_speed` and `serial_num`, so those are handed down the tree.
    """
    if isinstance(node, list):
        for child in node:
            yield from _drives(child, context)
        return
    if not isinstance(node, dict):
        return
    context = dict(context)
    if str(node.get("device_speed")) in _USB_SPEEDS:
        context["speed"] = _USB_SPEEDS[str(node["device_speed"])]
    if isinstance(node.get("serial_num"), str):
        context["serial"] = node["serial_num"]
    if _WHOLE_DISK.match(str(node.get("bsd_name", ""))):
        yield node, context
    for key in ("_items", "Media"):
        yield from _drives(node.get(key), context)


def _yes(value: Any) -> bool | None:
    if value in ("Yes", "yes"):
        return True
    if value in ("No", "no"):
        return False
    return None


def _media(item: dict[str, Any], context: dict[str, str]) -> Media:
    medium = item.get("spsata_medium_type")
    if medium is None and "spnvme_trim_support" in item:
        medium = "Solid State"  # NVMe has no rotational variant
    trim = item.get("spsata_trim_support", item.get("spnvme_trim_support"))
    serial = item.get("device_serial") or context.get("serial")
    return Media(
        bsd_name=item["bsd_name"],
        medium_type=medium if isinstance(medium, str) else None,
        trim=_yes(trim),
        serial=serial.strip() if isinstance(serial, str) else None,
        link_speed=context.get("speed"),
        model=str(item.get("device_model") or item.get("_name") or "").strip() or None,
    )
