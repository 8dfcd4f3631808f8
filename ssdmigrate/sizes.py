"""diskutil's size grammar, for `--recovery-size`, and sizes printed as diskutil does.

diskutil(8), SIZES: a size is a number followed by a unit letter; B, K[B],
M[B], G[B], T[B] are powers of ten (750M is 750,000,000 bytes), Ki, Mi, Gi, Ti
are powers of two, S and UAM are 512-byte sectors, and a bare number is bytes
(the B is optional since 10.11). Its examples mix cases (`55.3T`, `10g`), so
the unit is read without regard to case. The page also allows `R`
(remainder), `N%`, `0` (all possible) and `DBS` (device block size): those
depend on the disk, so they cannot give a partition a size chosen in advance
and are refused here.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ssdmigrate.errors import UsageProblem

_UNITS: dict[str, int] = {
    "": 1,
    "b": 1,
    "k": 10**3,
    "kb": 10**3,
    "m": 10**6,
    "mb": 10**6,
    "g": 10**9,
    "gb": 10**9,
    "t": 10**12,
    "tb": 10**12,
    "ki": 2**10,
    "mi": 2**20,
    "gi": 2**30,
    "ti": 2**40,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
    "s": 512,
    "uam": 512,
}

_SIZE = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*([A-Za-z]*)\s*$")
_EXAMPLES = "for example 750M, 1.5G, 650002432B or 716Mi"


class SizeError(UsageProblem):
    """A size that diskutil's grammar does not allow, or that is not a fixed size."""


def parse_size(text: str) -> int:
    """Bytes for a diskutil size such as `750M`, `1.5G`, `650002432B`, `716Mi`."""
    stripped = text.strip()
    if stripped.upper() in {"R", "DBS"} or stripped.endswith("%"):
        raise SizeError(
            f"size {text!r} depends on the disk; give a fixed size ({_EXAMPLES})"
        )
    value = fixed_bytes(text)
    if value <= 0:
        raise SizeError(
            f"size {text!r} must be more than zero (to diskutil, 0 means all the "
            "space that is left)"
        )
    return value


def fixed_bytes(text: str) -> int:
    """A number with a unit, as bytes; 0 is allowed (diskutil reads it as "all
    that is left"). R, DBS and percentages are not fixed sizes."""
    match = _SIZE.match(text)
    if match is None or match.group(2).lower() not in _UNITS:
        raise SizeError(f"not a size: {text!r} ({_EXAMPLES})")
    return _whole_bytes(text, match.group(1), _UNITS[match.group(2).lower()])


def _whole_bytes(text: str, number: str, unit: int) -> int:
    try:
        value = Decimal(number) * unit
    except InvalidOperation as exc:  # the pattern should make this unreachable
        raise SizeError(f"not a size: {text!r} ({_EXAMPLES})") from exc
    if value != value.to_integral_value():
        raise SizeError(f"size {text!r} is not a whole number of bytes")
    return int(value)


def human(size: int | None) -> str:
    """Bytes as diskutil prints them: one decimal, powers of ten (`650.0 MB`)."""
    if size is None:
        return "unknown size"
    value = Decimal(size)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        shown = round(value, 1)
        if shown < 1000 or unit == "TB":
            return f"{size} B" if unit == "B" else f"{shown:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")  # pragma: no cover


def gb(size: int) -> str:
    """Bytes in GB with one decimal, so sizes in one sentence compare at a glance."""
    return f"{Decimal(size) / 10**9:.1f} GB"
