"""The Mac model table: lookups, patterns, and clear errors for a bad table."""

from __future__ import annotations

import dataclasses

import pytest

from ssdmigrate import models
from ssdmigrate.checklist import library

GOOD_FAMILY = """\
families:
  fam:
    label: A family
    drive: sata-2.5
    swap: owner
    checklist: one
    hazards:
      - id: h
        text: A hazard.
    sources: [https://example.org/a]
models:
"""


def test_mid_2012_13_inch_is_owner_swappable_with_cable_hazard() -> None:
    info = models.lookup("MacBookPro9,2")

    assert info is not None
    assert (info.drive, info.swap, info.checklist) == (
        "sata-2.5",
        "owner",
        "mbp-unibody",
    )
    assert "sata-cable" in info.hazard_ids
    assert info.name == "MacBook Pro (13-inch, Mid 2012)"


def test_other_13_inch_models_do_not_carry_the_cable_hazard() -> None:
    info = models.lookup("MacBookPro8,1")

    assert info is not None and "sata-cable" not in info.hazard_ids


@pytest.mark.parametrize("model", ["iMac11,2", "iMac11,3", "iMac12,1", "iMac12,2"])
def test_2010_2011_imacs_warn_about_the_temperature_sensor(model: str) -> None:
    info = models.lookup(model)

    assert info is not None and info.drive == "sata-3.5"
    assert "temperature-sensor" in info.hazard_ids


def test_late_2009_imac_has_the_separate_sensor_cable_instead() -> None:
    info = models.lookup("iMac10,1")

    assert info is not None
    assert "drive-sensor-cable" in info.hazard_ids
    assert "temperature-sensor" not in info.hazard_ids


@pytest.mark.parametrize(
    ("model", "key"),
    [("MacBookAir6,2", "MacBookAir*"), ("MacBookAir1,1", "MacBookAir1,1")],
)
def test_an_exact_identifier_beats_a_pattern(model: str, key: str) -> None:
    info = models.lookup(model)

    assert info is not None and info.key == key and info.model_id == model
    assert info.swap == "adapter"


@pytest.mark.parametrize(
    ("model", "family"),
    [
        ("MacBookAir8,1", "t2"),
        ("MacBookPro15,2", "t2"),
        ("Macmini8,1", "t2"),
        ("MacBookAir10,1", "apple-silicon"),
        ("MacBookPro18,3", "apple-silicon"),
        ("Mac14,2", "apple-silicon"),
    ],
)
def test_t2_and_apple_silicon_cannot_be_swapped(model: str, family: str) -> None:
    info = models.lookup(model)

    assert info is not None
    assert (info.family, info.swap, info.drive) == (family, "no", "soldered")
    assert info.checklist == "refuse-soldered"


@pytest.mark.parametrize("model", ["Foo1,1", "MacBookPro3,1", "", "MacBook"])
def test_unknown_models_are_none(model: str) -> None:
    assert models.lookup(model) is None


def test_model_info_is_frozen() -> None:
    info = models.lookup("Macmini6,2")
    assert info is not None

    with pytest.raises(dataclasses.FrozenInstanceError):
        info.swap = "no"  # type: ignore[misc]


def test_every_table_checklist_exists_in_the_library() -> None:
    checklists = library.bundled().checklists
    table = models.table()

    missing = {i.checklist for i in table.entries.values()} - set(checklists)

    assert missing == set()


def test_every_family_without_sources_says_unconfirmed() -> None:
    for info in models.table().entries.values():
        assert info.sources or info.unconfirmed, info.key


def _table_error(models_text: str, families: str = GOOD_FAMILY) -> str:
    with pytest.raises(models.ModelTableError) as caught:
        models.load_table(families + models_text, "t.yaml")
    return caught.value.message


def test_unquoted_no_is_refused_as_a_boolean() -> None:
    text = (
        GOOD_FAMILY.replace("swap: owner", "swap: no")
        + "  A1,1: {name: A, family: fam}\n"
    )

    with pytest.raises(models.ModelTableError) as caught:
        models.load_table(text, "t.yaml")

    assert caught.value.message.startswith("t.yaml, line 5: 'swap'")
    assert "true/false" in caught.value.message


def test_unknown_family_names_the_line() -> None:
    message = _table_error("  A1,1: {name: A, family: nope}\n")

    assert message.startswith("t.yaml, line 12:") and "unknown family 'nope'" in message


def test_bad_identifier_is_refused() -> None:
    message = _table_error("  not an id: {name: A, family: fam}\n")

    assert "line 12" in message and "not a model identifier" in message


def test_unknown_key_in_a_model_is_refused() -> None:
    message = _table_error("  A1,1: {name: A, family: fam, drvie: blade}\n")

    assert "line 12" in message and "unknown key 'drvie'" in message


def test_a_pattern_in_a_loaded_table_matches() -> None:
    table = models.load_table(GOOD_FAMILY + "  Zed*: {name: Z, family: fam}\n", "t")

    info = table.lookup("Zed4,1")

    assert info is not None and info.key == "Zed*" and info.model_id == "Zed4,1"
