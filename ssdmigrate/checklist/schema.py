"""The checklist file format (described in checklists/SCHEMA.md) and its checks.

One file becomes either a `Checklist` (a procedure or a refusal for some Mac
models) or, when its name starts with an underscore, a `Fragment`: phases that
several checklists share through `include:`.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from ssdmigrate.checklist.yamlio import (
    SLUG,
    DataFileError,
    Fields,
    MarkedDict,
    load,
    mappings,
)

# Phases in the order they happen. Checklists and fragments each give some;
# the loader merges them into this order.
PHASE_TITLES: dict[str, str] = {
    "prepare": "Prepare",
    "clone": "Clone and check",
    "test-boot": "Test boot from the enclosure",
    "open": "Open the Mac",
    "swap": "Swap the drive",
    "close": "Close up",
    "first-boot": "First start-up from the new drive",
    "afterwards": "Afterwards",
    "instead": "What you can do instead",
}
PHASE_ORDER = tuple(PHASE_TITLES)

# Facts a step may quote; `ssdmigrate.checklist.facts` fills them from a plan.
PLACEHOLDERS: dict[str, str] = {
    "model_name": "the Mac's marketing name, e.g. MacBook Pro (13-inch, Mid 2012)",
    "model_id": "the Mac's model identifier, e.g. MacBookPro9,2",
    "target_name": "the name the new drive's main volume gets",
    "target_size": "the new drive's capacity, e.g. 120.0 GB",
    "target_media": "the new drive's make and model as macOS reports it",
    "target_disk": "the new drive's device while in the enclosure, e.g. disk1",
    "source_volume": "the volume being cloned, e.g. Macintosh HD",
    "clone_duration": "how long the clone should take, e.g. about 45 minutes",
    "log_path": "where ssdmigrate keeps its logs",
    "resume_command": "the command that resumes this checklist",
}

STEP_KINDS = ("read-do", "do-confirm")
NOTICE_LEVELS = ("NOTICE", "CAUTION", "WARNING")
MAX_STEPS = 9  # working memory holds five to nine items (Gawande)


class ChecklistError(DataFileError):
    """A checklist file is malformed."""


@dataclass(frozen=True)
class Notice:
    level: str
    text: str


@dataclass(frozen=True)
class Pause:
    question: str
    gate: bool  # True: the walk refuses to go on until the answer is yes
    if_not: str | None


@dataclass(frozen=True)
class Step:
    id: str
    text: str
    kind: str
    notice: Notice | None
    unconfirmed: bool
    pause: Pause | None
    only: tuple[str, ...]  # shown only for these model identifiers; empty: all
    file: str
    line: int

    def applies_to(self, keys: tuple[str, ...]) -> bool:
        """Whether the step is shown for a Mac known by any of `keys`."""
        return not self.only or any(key in self.only for key in keys)


@dataclass(frozen=True)
class Phase:
    id: str
    title: str
    steps: tuple[Step, ...]
    file: str
    line: int


@dataclass(frozen=True)
class Source:
    url: str
    about: str


@dataclass(frozen=True)
class Claim:
    """A model identifier that a checklist says it covers, and where it says so."""

    model: str
    file: str
    line: int


@dataclass(frozen=True)
class Include:
    name: str
    line: int


@dataclass(frozen=True)
class Checklist:
    id: str
    title: str
    file: str
    line: int
    models: tuple[Claim, ...]
    generic: bool
    tools: tuple[str, ...]
    sources: tuple[Source, ...]
    includes: tuple[Include, ...]
    refuse: str | None
    phases: tuple[Phase, ...]

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(step for phase in self.phases for step in phase.steps)

    @property
    def model_ids(self) -> tuple[str, ...]:
        return tuple(claim.model for claim in self.models)


@dataclass(frozen=True)
class Fragment:
    name: str
    file: str
    sources: tuple[Source, ...]
    phases: tuple[Phase, ...]


def parse(text: str, file: str, name: str) -> Checklist | Fragment:
    """Parse one file; `name` is its file name (an underscore marks a fragment)."""
    data = load(text, file, ChecklistError)
    if not isinstance(data, MarkedDict):
        raise ChecklistError(file, 1, "a checklist file must be a mapping of keys")
    fields = Fields(data, "the checklist", ChecklistError)
    if name.startswith("_"):
        return _fragment(fields, name)
    return _checklist(fields)


def _fragment(fields: Fields, name: str) -> Fragment:
    fields.what = "the shared phases"
    fields.check_keys({"phases"}, {"about", "sources"})
    fields.opt_text("about")
    return Fragment(
        name=name.removesuffix(".yaml").lstrip("_"),
        file=fields.data.file,
        sources=_sources(fields, required=False),
        phases=_phases(fields),
    )


def _checklist(fields: Fields) -> Checklist:
    fields.check_keys(
        {"id", "title", "sources", "phases"},
        {"models", "generic", "tools", "include", "refuse"},
    )
    refuse = fields.opt_text("refuse")
    if refuse is not None:
        check_placeholders(fields, "refuse", refuse)
    return Checklist(
        id=_slug(fields, "id"),
        title=fields.text("title"),
        file=fields.data.file,
        line=fields.data.key_lines["id"],
        models=_claims(fields),
        generic=fields.flag("generic"),
        tools=_tools(fields, refuse is None),
        sources=_sources(fields, required=True),
        includes=_includes(fields),
        refuse=refuse,
        phases=_phases(fields),
    )


def _slug(fields: Fields, key: str) -> str:
    value = fields.text(key)
    if not SLUG.match(value):
        fields.fail(
            key, f"{key} {value!r} must be lower-case letters, digits, dots and dashes"
        )
    return value


def _claims(fields: Fields) -> tuple[Claim, ...]:
    items = fields.items("models", required=False)
    fields.texts("models", required=False)  # type check with lines
    file = fields.data.file
    return tuple(Claim(m.strip(), file, ln) for m, ln in zip(items, items.item_lines))


def _tools(fields: Fields, required: bool) -> tuple[str, ...]:
    tools = fields.texts("tools", required=required)
    if required and not tools:
        fields.fail("tools", "a procedure must list the tools it needs")
    return tools


def _includes(fields: Fields) -> tuple[Include, ...]:
    items = fields.items("include", required=False)
    names = fields.texts("include", required=False)
    return tuple(Include(n, ln) for n, ln in zip(names, items.item_lines))


def _sources(fields: Fields, *, required: bool) -> tuple[Source, ...]:
    items = fields.items("sources", required=required)
    if required and not items:
        fields.fail("sources", "a checklist must name its sources")
    result = []
    for source in mappings(items, "source", ChecklistError):
        source.check_keys({"url", "about"}, set())
        url = source.text("url")
        if not url.startswith(("https://", "http://")):
            source.fail("url", f"source url {url!r} must start with http(s)://")
        result.append(Source(url, source.text("about")))
    return tuple(result)


def _phases(fields: Fields) -> tuple[Phase, ...]:
    items = fields.items("phases")
    if not items:
        fields.fail("phases", "'phases' must list at least one phase")
    return tuple(_phase(p) for p in mappings(items, "phase", ChecklistError))


def _phase(fields: Fields) -> Phase:
    fields.check_keys({"id", "steps"}, {"title"})
    phase_id = fields.choice("id", PHASE_ORDER)
    items = fields.items("steps")
    if not 1 <= len(items) <= MAX_STEPS:
        fields.fail(
            "steps",
            f"phase {phase_id!r} has {len(items)} steps; give it "
            f"1 to {MAX_STEPS} (split a long phase, keep items short)",
        )
    steps = tuple(_step(s) for s in mappings(items, "step", ChecklistError))
    title = fields.opt_text("title") or PHASE_TITLES[phase_id]
    file, line = fields.data.file, fields.data.line
    return Phase(phase_id, title, steps, file, line)


def _step(fields: Fields) -> Step:
    raw_id = fields.data.get("id")
    fields.what = f"step {raw_id!r}" if isinstance(raw_id, str) else "a step"
    fields.check_keys(
        {"id", "text", "kind"}, {"notice", "unconfirmed", "pause", "only"}
    )
    step_id = _slug(fields, "id")
    text = fields.text("text")
    check_placeholders(fields, "text", text)
    return Step(
        id=step_id,
        text=text,
        kind=fields.choice("kind", STEP_KINDS),
        notice=_notice(fields),
        unconfirmed=fields.flag("unconfirmed"),
        pause=_pause(fields),
        only=fields.texts("only", required=False),
        file=fields.data.file,
        line=fields.data.key_lines["id"],
    )


def _notice(step: Fields) -> Notice | None:
    fields = step.mapping("notice", f"the notice of {step.what}")
    if fields is None:
        return None
    fields.check_keys({"level", "text"}, set())
    text = fields.text("text")
    check_placeholders(fields, "text", text)
    return Notice(fields.choice("level", NOTICE_LEVELS), text)


def _pause(step: Fields) -> Pause | None:
    fields = step.mapping("pause", f"the pause point of {step.what}")
    if fields is None:
        return None
    fields.check_keys({"question"}, {"gate", "if-not"})
    question = fields.text("question")
    if_not = fields.opt_text("if-not")
    for key, value in (("question", question), ("if-not", if_not)):
        if value is not None:
            check_placeholders(fields, key, value)
    return Pause(question, fields.flag("gate"), if_not)


def check_placeholders(fields: Fields, key: str, text: str) -> None:
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        fields.fail(key, "unbalanced { or } (write {{ or }} for a literal brace)")
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            known = ", ".join(sorted(PLACEHOLDERS))
            fields.fail(key, f"unknown placeholder {{{name}}} (known: {known})")
