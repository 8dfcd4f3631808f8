"""The outcome of `verify`: one object, rendered as text for people or as JSON."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Union

SCHEMA = "ssdmigrate.verify/1"
Value = Union[str, int, None]


@dataclass(frozen=True)
class MetadataDiff:
    path: str
    field: str
    source: Value
    target: Value


@dataclass(frozen=True)
class EntryError:
    path: str
    error: str


@dataclass
class VerifyStats:
    mode: str
    entries: int = 0
    files_compared: int = 0
    bytes_compared: int = 0
    excluded: int = 0
    seconds: float = 0.0
    seed: int | None = None
    sample: int | None = None


@dataclass
class VerifyResult:
    source: str
    target: str
    stats: VerifyStats
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    content: list[str] = field(default_factory=list)
    metadata: list[MetadataDiff] = field(default_factory=list)
    errors: list[EntryError] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        return bool(self.missing or self.extra or self.content or self.metadata)

    @property
    def match(self) -> bool:
        """Equal after exclusions, and every entry could be compared."""
        return not self.differs and not self.errors

    def sort(self) -> None:
        # Content results arrive from worker threads in any order.
        self.missing.sort()
        self.extra.sort()
        self.content.sort()
        self.metadata.sort(key=lambda d: (d.path, d.field))
        self.errors.sort(key=lambda e: e.path)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "match": self.match,
            "source": self.source,
            "target": self.target,
            "missing": self.missing,
            "extra": self.extra,
            "content": self.content,
            "metadata": [dataclasses.asdict(d) for d in self.metadata],
            "errors": [dataclasses.asdict(e) for e in self.errors],
            "stats": dataclasses.asdict(self.stats),
        }


def render_text(result: VerifyResult, *, limit: int | None = 20) -> str:
    """The summary line, then each group of differences, `limit` lines per group."""
    lines = [summary_line(result)]
    groups: list[tuple[str, list[str]]] = [
        ("Missing in the clone", result.missing),
        ("Extra in the clone", result.extra),
        ("Content differs", result.content),
        ("Metadata differs", [_metadata_line(d) for d in result.metadata]),
        ("Could not compare", [f"{e.path}: {e.error}" for e in result.errors]),
    ]
    for title, items in groups:
        lines.extend(_group_lines(title, items, limit))
    lines.append(_verdict(result))
    return "\n".join(lines)


def summary_line(result: VerifyResult) -> str:
    stats = result.stats
    seconds = max(stats.seconds, 1e-9)
    rate = f"{human_size(int(stats.bytes_compared / seconds))}/s"
    if stats.bytes_compared == 0:
        rate = f"{int(stats.entries / seconds):,} entries/s"
    seed = f", seed {stats.seed}" if stats.seed is not None else ""
    return (
        f"Compared {stats.entries:,} entries and {human_size(stats.bytes_compared)} "
        f"in {stats.seconds:.1f} s ({rate}); mode {stats.mode}{seed}"
    )


def _group_lines(title: str, items: list[str], limit: int | None) -> list[str]:
    if not items:
        return []
    shown = items if limit is None else items[:limit]
    lines = [f"{title} ({len(items):,}):"]
    lines.extend(f"  {item}" for item in shown)
    if len(shown) < len(items):
        lines.append(f"  ... and {len(items) - len(shown):,} more (-v shows all)")
    return lines


def _metadata_line(diff: MetadataDiff) -> str:
    return f"{diff.path}: {diff.field}: {diff.source} (source) != {diff.target} (clone)"


def _verdict(result: VerifyResult) -> str:
    if result.match:
        return "The clone matches its source."
    if result.differs:
        return "The clone differs from its source."
    return "No differences found, but some entries could not be compared."


def human_size(count: int) -> str:
    value = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"
