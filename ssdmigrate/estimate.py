"""How long the copy steps take: bytes over the slowest rate on the way.

These are planning figures that err long, not measurements. Each rate says
where it comes from; where no source gave a number, the comment says so.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

MB = 10**6

# A 2.5-inch laptop hard disk reads about 100 MB/s sequentially (the 5400 rpm
# drives Apple fitted 2009-2012 are rated 80-120 MB/s on their data sheets).
HDD_READ = 100 * MB
# Copying file by file from a hard disk pays a seek for most small files, so it
# runs well below the sequential rate. No measurement in our references; half
# the sequential rate is an assumption, deliberately on the slow side.
HDD_FILE_COPY = 50 * MB
# A SATA SSD of the era sustains 400-500 MB/s; 400 keeps estimates long.
SSD_RATE = 400 * MB
# USB 2.0 signals at 480 Mb/s (60 MB/s); after protocol overhead a USB 2.0
# mass-storage enclosure moves about 30-40 MB/s.
USB2 = 35 * MB
# FireWire 800 signals at 800 Mb/s; about 70 MB/s in practice.
FIREWIRE800 = 70 * MB
# USB 3.0 signals at 5 Gb/s; a UASP enclosure with a SATA SSD moves ~300 MB/s.
USB3 = 300 * MB
# A SATA III port (6 Gb/s) carries about 550 MB/s; 500 keeps estimates long.
SATA = 500 * MB
# Thunderbolt and PCIe carry more than any SATA SSD can write.
FAST_LINK = 1000 * MB

_LINK = re.compile(r"([\d.]+)\s*([MG])b/s", re.IGNORECASE)


@dataclass(frozen=True)
class Rate:
    bytes_per_second: int
    what: str  # e.g. "the USB 2.0 connection (about 35 MB/s)"


def link_bits(link_speed: str | None) -> float | None:
    """Bits per second from system_profiler's "Up to 480 Mb/sec" style text."""
    if not link_speed:
        return None
    match = _LINK.search(link_speed.replace("/sec", "/s"))
    if match is None:
        return None
    scale = 1e6 if match.group(2).upper() == "M" else 1e9
    return float(match.group(1)) * scale


def is_usb2(link_speed: str | None) -> bool:
    bits = link_bits(link_speed)
    return bits is not None and bits <= 480e6


def bus_rate(bus: str | None, link_speed: str | None) -> Rate:
    """The connection's practical rate; unknown USB is taken as USB 2.0 (slowest)."""
    bits = link_bits(link_speed)
    if bits is not None:
        return _rate_for_link(bits)
    if bus in {"SATA"}:
        return Rate(SATA, "the SATA connection")
    if bus in {"Thunderbolt", "PCI", "PCI-Express"}:
        return Rate(FAST_LINK, f"the {bus} connection")
    if bus == "FireWire":
        return Rate(FIREWIRE800, "the FireWire connection")
    return Rate(USB2, "the USB connection (speed unknown, taken as USB 2.0)")


def _rate_for_link(bits: float) -> Rate:
    if bits <= 480e6:
        return Rate(USB2, "the USB 2.0 connection")
    if bits <= 800e6:
        return Rate(FIREWIRE800, "the 800 Mb/s connection")
    if bits <= 5e9:
        return Rate(USB3, "the 5 Gb/s connection")
    return Rate(FAST_LINK, "the connection")


def read_rate(solid_state: bool | None, *, file_by_file: bool) -> Rate:
    """Reading the Mac's own disk; unknown media is taken as a hard disk."""
    if solid_state:
        return Rate(SSD_RATE, "the Mac's SSD")
    if file_by_file:
        return Rate(HDD_FILE_COPY, "reading many small files from the hard disk")
    return Rate(HDD_READ, "the Mac's hard disk")


def write_rate(solid_state: bool | None) -> Rate:
    if solid_state:
        return Rate(SSD_RATE, "the new SSD")
    return Rate(HDD_READ, "the new disk (not known to be an SSD)")


def slowest(*rates: Rate) -> Rate:
    return min(rates, key=lambda r: r.bytes_per_second)


def seconds(size: int, rate: Rate) -> int:
    return max(1, math.ceil(size / rate.bytes_per_second))


def per_second(rate: Rate) -> str:
    return f"about {rate.bytes_per_second // MB} MB/s"


def duration(total: int) -> str:
    """`45 s`, `12 min`, `2 h 05 min`: rounded up, never shown as zero."""
    if total < 60:
        return f"{max(total, 1)} s"
    minutes = math.ceil(total / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"
