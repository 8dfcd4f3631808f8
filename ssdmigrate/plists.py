"""Property lists from tool output: cut out the plist, parse it, check its shape."""

from __future__ import annotations

import plistlib
from typing import Any
from xml.parsers.expat import ExpatError

from ssdmigrate.errors import ParseError

_XML_START = b"<?xml"
_XML_END = b"</plist>"
_BINARY_START = b"bplist00"


def _cut(data: bytes) -> bytes:
    """Drop text a tool printed around the plist.

    Tools sometimes print warnings before the XML (autopkg cuts the plist out
    of diskutil's output for the same reason), so take `<?xml ... </plist>`.
    """
    start = data.find(_XML_START)
    if start < 0:
        start = data.find(_BINARY_START)
        return data[start:] if start >= 0 else data
    end = data.rfind(_XML_END)
    return data[start : end + len(_XML_END)] if end > start else data[start:]


def parse_value(data: str | bytes, what: str) -> Any:
    """Parse a plist of any shape; `what` names it in errors."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if not raw.strip():
        raise ParseError(what, "the output was empty")
    try:
        return plistlib.loads(_cut(raw))
    except (plistlib.InvalidFileException, ExpatError, ValueError, TypeError) as exc:
        raise ParseError(what, f"not a valid property list ({exc})") from exc


def parse(data: str | bytes, what: str) -> dict[str, Any]:
    """Parse a plist whose top level must be a dictionary."""
    value = parse_value(data, what)
    if not isinstance(value, dict):
        raise ParseError(what, f"expected a dictionary, got {type(value).__name__}")
    return value


def dumps(value: dict[str, Any]) -> str:
    return dumps_any(value)


def dumps_any(value: Any) -> str:
    return plistlib.dumps(value, fmt=plistlib.FMT_XML, sort_keys=True).decode("utf-8")


class Reader:
    """Typed access to a plist dictionary: a wrong type is a ParseError, not a crash."""

    def __init__(self, data: dict[str, Any], what: str) -> None:
        self.data = data
        self.what = what

    def _get(self, key: str, kinds: tuple[type, ...], label: str) -> Any:
        value = self.data.get(key)
        if value is None:
            return None
        # bool is an int subclass; an int where a bool belongs is a wrong shape.
        if isinstance(value, bool) and bool not in kinds:
            raise ParseError(self.what, f"{key} should be {label}, got {value!r}")
        if not isinstance(value, kinds):
            raise ParseError(self.what, f"{key} should be {label}, got {value!r}")
        return value

    def text(self, key: str) -> str | None:
        value = self._get(key, (str,), "a string")
        return value if value else None

    def integer(self, key: str) -> int | None:
        value = self._get(key, (int,), "an integer")
        return int(value) if value is not None else None

    def flag(self, key: str) -> bool | None:
        value = self._get(key, (bool,), "true or false")
        return bool(value) if value is not None else None

    def array(self, key: str) -> list[Any]:
        value = self._get(key, (list,), "an array")
        return list(value) if value is not None else []

    def dicts(self, key: str) -> list[Reader]:
        items = self.array(key)
        for item in items:
            if not isinstance(item, dict):
                raise ParseError(self.what, f"{key} should hold dictionaries")
        return [Reader(item, self.what) for item in items]

    def require_text(self, key: str) -> str:
        value = self.text(key)
        if value is None:
            raise ParseError(self.what, f"{key} is missing")
        return value
