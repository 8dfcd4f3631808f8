"""The checklist library: every file in checklists/, merged and cross-checked
against the model table, and the choice of checklist for one Mac."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Union

from ssdmigrate import models
from ssdmigrate.checklist.schema import (
    PHASE_ORDER,
    Checklist,
    ChecklistError,
    Fragment,
    Phase,
    Step,
    parse,
)
from ssdmigrate.errors import UsageProblem

if TYPE_CHECKING:
    from importlib.abc import Traversable

    Root = Union[Traversable, Path]

LIBRARY_PACKAGE = "ssdmigrate.checklist_data"


@dataclass(frozen=True)
class Library:
    checklists: Mapping[str, Checklist]  # by id, in file-name order

    def get(self, checklist_id: str) -> Checklist | None:
        return self.checklists.get(checklist_id)

    @property
    def generic(self) -> Checklist | None:
        return next((c for c in self.checklists.values() if c.generic), None)


@dataclass(frozen=True)
class Selection:
    """The checklist chosen for one model, and what the table said about it."""

    model_id: str
    info: models.ModelInfo | None
    checklist: Checklist

    @property
    def fallback(self) -> bool:
        """True when the model is unknown and the generic procedure stands in."""
        return self.info is None


def default_root() -> Root:
    try:
        return resources.files(LIBRARY_PACKAGE)
    except ModuleNotFoundError:
        # In a source checkout the folder is not a subpackage of ssdmigrate:
        # pyproject maps checklists/ to ssdmigrate.checklist_data only in the
        # installed package, so read it from the repository instead.
        return Path(__file__).resolve().parents[2] / "checklists"


@functools.cache
def bundled() -> Library:
    """The library that ships with ssdmigrate, read and checked once."""
    return load_library()


def load_library(
    root: Root | None = None, table: models.ModelTable | None = None
) -> Library:
    """Read, merge and check every checklist under `root`."""
    root = default_root() if root is None else root
    table = models.table() if table is None else table
    checklists, fragments = _read_all(root)
    resolved = {cid: _resolve(c, fragments) for cid, c in checklists.items()}
    _check_claims(resolved.values(), table)
    _check_only(resolved.values(), table)
    _check_generic(resolved.values())
    return Library(resolved)


def select(library: Library, table: models.ModelTable, model_id: str) -> Selection:
    """The checklist for a model; the generic one when the table does not know it."""
    info = table.lookup(model_id)
    if info is None:
        generic = library.generic
        if generic is None:
            raise UsageProblem(f"no checklist for {model_id} and no generic one")
        return Selection(model_id, None, generic)
    checklist = library.get(info.checklist)
    if checklist is None:
        line = table.lines.get(info.key)
        raise models.ModelTableError(
            table.file,
            line,
            f"{info.key} names the checklist {info.checklist!r}, "
            "which no file in checklists/ defines",
        )
    return Selection(model_id, info, checklist)


def _read_all(root: Root) -> tuple[dict[str, Checklist], dict[str, Fragment]]:
    checklists: dict[str, Checklist] = {}
    fragments: dict[str, Fragment] = {}
    entries = sorted(
        (e for e in root.iterdir() if e.name.endswith(".yaml")), key=lambda e: e.name
    )
    for entry in entries:
        parsed = parse(_read_text(entry), str(entry), entry.name)
        if isinstance(parsed, Fragment):
            fragments[parsed.name] = parsed
            continue
        _add_checklist(checklists, parsed)
    return checklists, fragments


def _read_text(entry: Root) -> str:
    try:
        return entry.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ChecklistError(
            str(entry), None, f"not UTF-8 text ({exc.reason})"
        ) from None


def _add_checklist(checklists: dict[str, Checklist], checklist: Checklist) -> None:
    first = checklists.get(checklist.id)
    if first is not None:
        raise ChecklistError(
            checklist.file,
            checklist.line,
            f"the id {checklist.id!r} is already used by {first.file}, "
            f"line {first.line}",
        )
    checklists[checklist.id] = checklist


def _resolve(checklist: Checklist, fragments: Mapping[str, Fragment]) -> Checklist:
    """Merge included phases in, then check the rules that span the whole file."""
    phases = list(checklist.phases)
    sources = list(checklist.sources)
    for include in checklist.includes:
        fragment = fragments.get(include.name)
        if fragment is None:
            raise ChecklistError(
                checklist.file,
                include.line,
                f"include {include.name!r}: there is no "
                f"_{include.name}.yaml beside this file",
            )
        phases += fragment.phases
        sources += [s for s in fragment.sources if s not in sources]
    merged = dataclasses.replace(
        checklist, phases=_ordered(phases), sources=tuple(sources)
    )
    _check_unique_steps(merged.steps)
    _check_shape(merged)
    return merged


def _ordered(phases: list[Phase]) -> tuple[Phase, ...]:
    seen: dict[str, Phase] = {}
    for phase in phases:
        if phase.id in seen:
            first = seen[phase.id]
            raise ChecklistError(
                phase.file,
                phase.line,
                f"phase {phase.id!r} is already given in "
                f"{first.file}, line {first.line}",
            )
        seen[phase.id] = phase
    return tuple(sorted(phases, key=lambda p: PHASE_ORDER.index(p.id)))


def _check_unique_steps(steps: Iterable[Step]) -> None:
    seen: dict[str, Step] = {}
    for step in steps:
        first = seen.setdefault(step.id, step)
        if first is not step:
            raise ChecklistError(
                step.file,
                step.line,
                f"step id {step.id!r} is used twice (first in "
                f"{first.file}, line {first.line})",
            )


def _check_shape(checklist: Checklist) -> None:
    ids = [phase.id for phase in checklist.phases]
    where = (checklist.file, checklist.line)
    if checklist.refuse is not None:
        if checklist.includes or ids != ["instead"]:
            raise ChecklistError(
                *where,
                "a refusal (refuse:) has only the phase 'instead' and includes nothing",
            )
        return
    missing = [p for p in ("open", "swap", "close") if p not in ids]
    if "instead" in ids or missing:
        raise ChecklistError(
            *where,
            "a procedure needs the phases open, swap and "
            f"close (missing: {', '.join(missing) or 'none'}) "
            "and no 'instead' phase",
        )
    if not _gated_before_open(checklist.phases):
        raise ChecklistError(
            *where,
            "a procedure needs a pause point with gate: "
            "true (the test boot) before the phase 'open'",
        )


def _gated_before_open(phases: tuple[Phase, ...]) -> bool:
    for phase in phases:
        if phase.id == "open":
            return False
        if any(step.pause is not None and step.pause.gate for step in phase.steps):
            return True
    return False


def _check_claims(checklists: Iterable[Checklist], table: models.ModelTable) -> None:
    claimed: dict[str, tuple[Checklist, int]] = {}
    for checklist in checklists:
        for claim in checklist.models:
            _check_claim(checklist, claim.model, claim.line, claimed, table)
            claimed[claim.model] = (checklist, claim.line)
        _check_table_covered(checklist, table)


def _check_claim(
    checklist: Checklist,
    model: str,
    line: int,
    claimed: Mapping[str, tuple[Checklist, int]],
    table: models.ModelTable,
) -> None:
    fail = functools.partial(ChecklistError, checklist.file, line)
    if model in claimed:
        other, other_line = claimed[model]
        raise fail(
            f"{model} is claimed by two checklists: this one and "
            f"{other.id!r} ({other.file}, line {other_line})"
        )
    info = table.entries.get(model)
    if info is None:
        raise fail(f"{model} is not in the model table ({table.file}); add it there")
    if info.checklist != checklist.id:
        raise fail(
            f"the model table gives {model} the checklist "
            f"{info.checklist!r}, not {checklist.id!r}"
        )


def _check_table_covered(checklist: Checklist, table: models.ModelTable) -> None:
    missing = set(table.keys_for(checklist.id)) - set(checklist.model_ids)
    if missing:
        raise ChecklistError(
            checklist.file,
            checklist.line,
            f"the model table sends {', '.join(sorted(missing))} "
            "to this checklist, but its 'models' does not list them",
        )


def _check_only(checklists: Iterable[Checklist], table: models.ModelTable) -> None:
    for step in (step for c in checklists for step in c.steps):
        unknown = [model for model in step.only if model not in table.entries]
        if unknown:
            raise ChecklistError(
                step.file,
                step.line,
                f"'only' names {', '.join(unknown)}, which the "
                f"model table ({table.file}) does not list",
            )


def _check_generic(checklists: Iterable[Checklist]) -> None:
    generic = [c for c in checklists if c.generic]
    for extra in generic[1:]:
        raise ChecklistError(
            extra.file,
            extra.line,
            f"only one checklist can be generic ({generic[0].file} already is)",
        )
    for checklist in generic:
        if checklist.refuse is not None:
            raise ChecklistError(
                checklist.file,
                checklist.line,
                "the generic checklist cannot be a refusal",
            )
