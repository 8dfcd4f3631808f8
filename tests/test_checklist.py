"""The checklist library: every bundled file is valid, each model family gets
its hazards, and malformed files fail with the file, the line and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssdmigrate import models
from ssdmigrate.checklist import document, library
from ssdmigrate.checklist.schema import MAX_STEPS, ChecklistError

TABLE = models.load_table(
    """\
families:
  fam:
    label: Test family
    drive: sata-2.5
    swap: owner
    checklist: one
    hazards: []
    sources: [https://example.org/fam]
models:
  Test1,1: {name: Test Mac, family: fam}
""",
    "table.yaml",
)

FRAGMENT = """\
phases:
  - id: test-boot
    steps:
      - id: booted
        kind: do-confirm
        text: Started up from {target_name}.
        pause:
          question: Did it start up?
          gate: true
"""

CHECKLIST = """\
id: one
title: Test checklist
models:
  - Test1,1
include: [frag]
tools: [Screwdriver]
sources:
  - url: https://example.org/one
    about: everything
phases:
  - id: open
    steps:
      - id: open-it
        kind: read-do
        text: Open it.
  - id: swap
    steps:
      - id: swap-it
        kind: read-do
        text: Swap the drive in {model_name}.
  - id: close
    steps:
      - id: close-it
        kind: read-do
        text: Close it.
"""


def _doc(model: str) -> document.Document:
    selection = library.select(library.bundled(), models.table(), model)
    facts = document.make_facts(selection, None)
    return document.build(selection, facts, date="2024-05-01", version="0")


def _all_text(doc: document.Document) -> str:
    parts = [h.text for h in doc.hazards] + list(doc.tools) + [doc.refusal or ""]
    for step in doc.steps:
        parts += [step.text, step.notice.text if step.notice else ""]
    return "\n".join(parts)


def test_every_bundled_checklist_loads() -> None:
    checklists = library.bundled().checklists

    assert set(checklists) >= {
        "mbp-unibody",
        "mbp-17",
        "mac-mini",
        "macbook",
        "imac",
        "blade",
        "generic-2.5",
        "refuse-soldered",
    }


@pytest.mark.parametrize("checklist_id", sorted(library.bundled().checklists))
def test_bundled_checklists_keep_the_rules(checklist_id: str) -> None:
    checklist = library.bundled().checklists[checklist_id]

    assert checklist.sources
    assert all(len(phase.steps) <= MAX_STEPS for phase in checklist.phases)
    ids = [step.id for step in checklist.steps]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    "checklist_id", ["mbp-unibody", "mbp-17", "mac-mini", "macbook", "imac", "blade"]
)
def test_procedures_test_boot_before_opening_the_mac(checklist_id: str) -> None:
    phases = [p.id for p in library.bundled().checklists[checklist_id].phases]

    assert phases == [
        "prepare",
        "clone",
        "test-boot",
        "open",
        "swap",
        "close",
        "first-boot",
        "afterwards",
    ]
    test_boot = library.bundled().checklists[checklist_id].phases[2]
    assert any(s.pause is not None and s.pause.gate for s in test_boot.steps)


def test_mid_2012_13_inch_warns_the_cable_looks_like_a_bad_clone() -> None:
    text = _all_text(_doc("MacBookPro9,2"))

    assert "drive cable is a known weak part" in text
    assert "looks exactly like a bad clone" in text


def test_cable_step_is_only_for_the_mid_2012_13_inch() -> None:
    steps = {step.id for step in _doc("MacBookPro8,1").steps}

    assert "cable-warning" not in steps and "battery" in steps


@pytest.mark.parametrize("model", ["iMac11,3", "iMac12,1"])
def test_2010_2011_imac_checklist_warns_about_full_speed_fans(model: str) -> None:
    doc = _doc(model)

    assert "temperature" in _all_text(doc) and "fans run at full speed" in _all_text(
        doc
    )
    assert {"fan-plan", "fans"} <= {step.id for step in doc.steps}
    assert "Two suction cups" in doc.tools


def test_mac_mini_checklist_slides_the_logic_board_out() -> None:
    doc = _doc("Macmini5,1")

    assert "logic-board-removal" in [h.id for h in doc.hazards]
    assert "slide-board" in {step.id for step in doc.steps}


@pytest.mark.parametrize("model", ["MacBookAir6,2", "MacBookPro11,1"])
def test_blade_models_need_an_adapter(model: str) -> None:
    text = _all_text(_doc(model))

    assert "adapter" in text and "10.13 High Sierra" in text


@pytest.mark.parametrize("model", ["MacBookPro15,1", "MacBookAir10,1", "Mac15,3"])
def test_t2_and_apple_silicon_get_a_refusal_with_alternatives(model: str) -> None:
    doc = _doc(model)

    assert doc.refusal is not None and "cannot be swapped" in doc.refusal
    assert doc.title.startswith("No drive swap")
    assert "Migration Assistant" in _all_text(doc)
    assert [phase.id for phase in doc.phases] == ["instead"]


def test_unknown_model_falls_back_to_the_generic_procedure() -> None:
    doc = _doc("PowerBook9,9")

    assert doc.checklist_id == "generic-2.5"
    assert doc.note is not None and "not in ssdmigrate's model table" in doc.note


def _write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _error(tmp_path: Path, checklist: str, **extra: str) -> ChecklistError:
    files = {"_frag.yaml": FRAGMENT, "one.yaml": checklist, **extra}
    with pytest.raises(ChecklistError) as caught:
        library.load_library(_write(tmp_path, files), TABLE)
    return caught.value


def test_the_test_checklist_itself_is_valid(tmp_path: Path) -> None:
    files = {"_frag.yaml": FRAGMENT, "one.yaml": CHECKLIST}

    lib = library.load_library(_write(tmp_path, files), TABLE)

    assert [p.id for p in lib.checklists["one"].phases] == [
        "test-boot",
        "open",
        "swap",
        "close",
    ]


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    error = _error(
        tmp_path, CHECKLIST.replace("title: Test checklist", "title: [unclosed")
    )

    assert error.file.endswith("one.yaml") and error.line == 3
    assert "not valid YAML" in error.message


def test_unknown_key_is_refused(tmp_path: Path) -> None:
    error = _error(
        tmp_path,
        CHECKLIST.replace(
            "        kind: read-do\n        text: Open",
            "        kind: read-do\n        txt: x\n        text: Open",
            1,
        ),
    )

    assert error.line == 15 and "unknown key 'txt' in step 'open-it'" in error.message


def test_missing_field_is_refused(tmp_path: Path) -> None:
    error = _error(
        tmp_path,
        CHECKLIST.replace(
            "        kind: read-do\n        text: Close it.\n",
            "        text: Close it.\n",
        ),
    )

    assert error.line == 23 and "missing the required key 'kind'" in error.message


def test_duplicate_step_id_names_both_places(tmp_path: Path) -> None:
    error = _error(tmp_path, CHECKLIST.replace("id: close-it", "id: open-it"))

    assert error.line == 23 and "step id 'open-it' is used twice" in error.message
    assert "one.yaml, line 13)" in error.message


def test_duplicate_step_id_across_an_include(tmp_path: Path) -> None:
    error = _error(tmp_path, CHECKLIST.replace("id: close-it", "id: booted"))

    assert "step id 'booted' is used twice" in error.message
    assert "_frag.yaml, line 4" in error.message


def test_unknown_placeholder_is_refused(tmp_path: Path) -> None:
    error = _error(tmp_path, CHECKLIST.replace("{model_name}", "{model_nmae}"))

    assert error.line == 20 and "unknown placeholder {model_nmae}" in error.message


def test_model_claimed_by_two_checklists(tmp_path: Path) -> None:
    two = CHECKLIST.replace("id: one", "id: two")

    error = _error(tmp_path, CHECKLIST, **{"two.yaml": two})

    assert error.file.endswith("two.yaml") and error.line == 4
    assert "Test1,1 is claimed by two checklists" in error.message
    assert "one.yaml, line 4" in error.message


def test_model_missing_from_the_table_is_refused(tmp_path: Path) -> None:
    error = _error(
        tmp_path, CHECKLIST.replace("  - Test1,1", "  - Test1,1\n  - Nope2,2")
    )

    assert error.line == 5 and "Nope2,2 is not in the model table" in error.message


def test_yaml_boolean_where_text_is_expected(tmp_path: Path) -> None:
    error = _error(tmp_path, CHECKLIST.replace("text: Close it.", "text: yes"))

    assert error.line == 25 and "must be text" in error.message
    assert "yes, no, on and off" in error.message


def test_unquoted_hash_is_refused_not_truncated(tmp_path: Path) -> None:
    error = _error(
        tmp_path,
        CHECKLIST.replace(
            "tools: [Screwdriver]", "tools:\n  - Phillips #00 screwdriver"
        ),
    )

    assert error.line == 7 and "put the whole text in quotes" in error.message


def test_procedure_without_a_test_boot_gate_is_refused(tmp_path: Path) -> None:
    error = _error(
        tmp_path,
        CHECKLIST,
        **{"_frag.yaml": FRAGMENT.replace("          gate: true\n", "")},
    )

    assert "gate: true (the test boot) before the phase 'open'" in error.message


def test_too_many_steps_in_a_phase(tmp_path: Path) -> None:
    step = "      - id: s{0}\n        kind: read-do\n        text: Step {0}.\n"
    many = "".join(step.format(i) for i in range(MAX_STEPS + 1))
    text = CHECKLIST.replace(
        "      - id: close-it\n        kind: read-do\n        text: Close it.\n", many
    )

    error = _error(tmp_path, text)

    assert "has 10 steps" in error.message and error.line == 22


def test_a_bad_file_becomes_a_clear_cli_error(tmp_path: Path, cli, monkeypatch) -> None:
    bad = CHECKLIST.replace("kind: read-do", "kind: read-and-do", 1)
    folder = _write(tmp_path, {"_frag.yaml": FRAGMENT, "one.yaml": bad})
    monkeypatch.setattr(library, "default_root", lambda: folder)
    library.bundled.cache_clear()
    try:
        ran = cli("checklist", "list")
    finally:
        library.bundled.cache_clear()

    assert ran.code == 1
    assert "one.yaml, line 14: 'kind' must be one of read-do, do-confirm" in ran.err
