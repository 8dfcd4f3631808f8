"""The Mac model table: drive kind, swap verdict, hazards and checklist per model.

The table lives in `ssdmigrate/data/models.yaml`; `lookup()` answers for one
model identifier (what `sysctl -n hw.model` prints, e.g. MacBookPro9,2).
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

from ssdmigrate.adapters.sysinfo import MODEL_ID
from ssdmigrate.checklist.yamlio import (
    SLUG,
    DataFileError,
    Fields,
    MarkedDict,
    load,
    mappings,
)

DRIVE_KINDS = ("sata-2.5", "sata-3.5", "blade", "zif-1.8", "soldered")
SWAP_VERDICTS = ("owner", "adapter", "no")

_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9,*?\[\]-]*$")
_WILDCARDS = "*?["


class ModelTableError(DataFileError):
    """The model table is malformed."""


@dataclass(frozen=True)
class Hazard:
    id: str
    text: str


@dataclass(frozen=True)
class ModelInfo:
    """What the table says about one model identifier."""

    model_id: str  # the identifier asked about
    key: str  # the table entry that answered: the identifier or a pattern
    name: str
    family: str
    family_label: str
    drive: str
    swap: str
    hazards: tuple[Hazard, ...]
    checklist: str
    sources: tuple[str, ...]
    unconfirmed: bool

    @property
    def hazard_ids(self) -> tuple[str, ...]:
        return tuple(hazard.id for hazard in self.hazards)


@dataclass(frozen=True)
class _Family:
    label: str
    drive: str
    swap: str
    checklist: str
    hazards: tuple[Hazard, ...]
    sources: tuple[str, ...]
    unconfirmed: bool


@dataclass(frozen=True)
class ModelTable:
    file: str
    entries: Mapping[str, ModelInfo]  # key (identifier or pattern) -> info
    lines: Mapping[str, int]  # key -> line in the file

    def lookup(self, model_id: str) -> ModelInfo | None:
        """The entry for an identifier: exact first, then the most specific pattern."""
        model_id = model_id.strip()
        exact = self.entries.get(model_id)
        if exact is not None and not is_pattern(model_id):
            return exact
        matches = [k for k in self.entries if is_pattern(k) and _matches(k, model_id)]
        if not matches:
            return None
        best = max(matches, key=_specificity)
        return _with_id(self.entries[best], model_id)

    def keys_for(self, checklist_id: str) -> tuple[str, ...]:
        """The table keys whose checklist is `checklist_id`, in file order."""
        return tuple(k for k, v in self.entries.items() if v.checklist == checklist_id)


def is_pattern(key: str) -> bool:
    return any(char in key for char in _WILDCARDS)


def _matches(pattern: str, model_id: str) -> bool:
    return fnmatch.fnmatchcase(model_id, pattern)


def _specificity(pattern: str) -> tuple[int, int]:
    # The longer the fixed start, the narrower the pattern: MacBookPro15,*
    # must beat a hypothetical MacBookPro* for MacBookPro15,1.
    fixed = min(pattern.index(c) for c in _WILDCARDS if c in pattern)
    return fixed, len(pattern)


def _with_id(info: ModelInfo, model_id: str) -> ModelInfo:
    return ModelInfo(**{**info.__dict__, "model_id": model_id})


def load_table(text: str, file: str) -> ModelTable:
    """Parse and validate a model table; any problem names the file and line."""
    data = load(text, file, ModelTableError)
    if not isinstance(data, MarkedDict):
        raise ModelTableError(file, 1, "the model table must be a mapping")
    top = Fields(data, "the model table", ModelTableError)
    top.check_keys({"families", "models"}, set())
    families = _families(top)
    models = top.mapping("models", "the models")
    assert models is not None  # required key, checked above
    entries = {key: _model(models, key, families) for key in models.data}
    return ModelTable(file, entries, dict(models.data.key_lines))


def _families(top: Fields) -> dict[str, _Family]:
    block = top.mapping("families", "the families")
    assert block is not None  # required key, checked above
    result = {}
    for name in block.data:
        if not SLUG.match(name):
            block.fail(name, f"family name {name!r} must be lower-case-with-dashes")
        fields = block.mapping(name, f"family {name!r}")
        assert fields is not None
        result[name] = _family(fields)
    return result


def _family(fields: Fields) -> _Family:
    fields.check_keys(
        {"label", "drive", "swap", "checklist", "hazards", "sources"}, {"unconfirmed"}
    )
    sources = fields.texts("sources")
    unconfirmed = fields.flag("unconfirmed")
    if not sources and not unconfirmed:
        fields.fail("sources", "a family without sources must say unconfirmed: true")
    return _Family(
        label=fields.text("label"),
        drive=fields.choice("drive", DRIVE_KINDS),
        swap=fields.choice("swap", SWAP_VERDICTS),
        checklist=fields.text("checklist"),
        hazards=_hazards(fields, required=True),
        sources=sources,
        unconfirmed=unconfirmed,
    )


def _hazards(fields: Fields, *, required: bool) -> tuple[Hazard, ...]:
    items = fields.items("hazards", required=required)
    result = []
    for hazard in mappings(items, "hazard", ModelTableError):
        hazard.check_keys({"id", "text"}, set())
        hazard_id = hazard.text("id")
        if not SLUG.match(hazard_id):
            hazard.fail("id", f"hazard id {hazard_id!r} must be lower-case-with-dashes")
        result.append(Hazard(hazard_id, hazard.text("text")))
    return tuple(result)


def _model(models: Fields, key: str, families: dict[str, _Family]) -> ModelInfo:
    if not (MODEL_ID.match(key) or (is_pattern(key) and _PATTERN.match(key))):
        models.fail(key, f"{key!r} is not a model identifier such as MacBookPro9,2")
    fields = models.mapping(key, f"model {key!r}")
    assert fields is not None
    fields.check_keys({"name", "family"}, {"hazards", "sources", "unconfirmed"})
    family_name = fields.text("family")
    family = families.get(family_name)
    if family is None:
        fields.fail("family", f"unknown family {family_name!r} (not under families:)")
    return ModelInfo(
        model_id=key,
        key=key,
        name=fields.text("name"),
        family=family_name,
        family_label=family.label,
        drive=family.drive,
        swap=family.swap,
        hazards=family.hazards + _hazards(fields, required=False),
        checklist=family.checklist,
        sources=family.sources + fields.texts("sources", required=False),
        unconfirmed=family.unconfirmed or fields.flag("unconfirmed"),
    )


TABLE_FILE = "ssdmigrate/data/models.yaml"


@functools.cache
def table() -> ModelTable:
    """The bundled model table, read once."""
    text = (resources.files("ssdmigrate") / "data" / "models.yaml").read_text("utf-8")
    return load_table(text, TABLE_FILE)


def lookup(model_id: str) -> ModelInfo | None:
    """The bundled table's entry for a model identifier, or None if unknown.

    None means the table knows nothing: whether the generic 2.5-inch procedure
    applies is the caller's decision, not this function's.
    """
    return table().lookup(model_id)
