"""`ssdmigrate checklist export/show/list`: every format, golden files, the PDF's
text, the HTML's boxes and page breaks, and plan files.

The golden files pin the Markdown and text exports for a MacBookPro9,2 with the
plan below. After an intended change, regenerate them with
    SSDMIGRATE_UPDATE_GOLDEN=1 python -m pytest tests/test_checklist_export.py
and read the diff before committing.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from ssdmigrate import models
from ssdmigrate.checklist import document, library, render
from ssdmigrate.checklist.facts import BLANK

GOLDEN = Path(__file__).parent / "golden"
PLAN = {
    "schema": "ssdmigrate.plan/1",
    "ok": True,
    "era": "hfs",
    "source": {
        "volume": "Macintosh HD",
        "disks": ["disk0"],
        "used_bytes": 9 * 10**10,
        "filesystem": "hfs",
        "recovery": "disk0s3",
    },
    "target": {
        "id": "disk1",
        "size": 120_034_123_776,
        "media_name": "OWC Mercury Extreme Pro SSD",
        "identity": {},
    },
    "findings": [],
    "steps": [
        {
            "id": "clone",
            "title": "Clone",
            "argv": [],
            "destructive": True,
            "estimate_seconds": 2600,
        }
    ],
    "estimate_seconds": 2700,
    "machine": {"model": "MacBookPro9,2"},
    "new_volume_name": "SSD Boot HD",
}
PHASE_NAMES = [
    "Prepare",
    "Clone and check",
    "Test boot from the enclosure",
    "Open the Mac",
    "Swap the drive",
    "Close up",
    "First start-up from the new drive",
    "Afterwards",
]


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(PLAN), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _fixed_log_location(monkeypatch: pytest.MonkeyPatch) -> None:
    # The log folder differs between macOS and Linux; pin what the page prints.
    monkeypatch.setattr(document, "log_location", lambda: "~/Library/Logs/ssdmigrate")


def _model_for(checklist_id: str) -> str:
    checklist = library.bundled().checklists[checklist_id]
    exact = [m for m in checklist.model_ids if not models.is_pattern(m)]
    return exact[0] if exact else "Unknown1,1"


def _export(cli, tmp_path: Path, fmt: str, *args: str) -> Path:
    out = tmp_path / f"out.{fmt}"
    ran = cli(
        "checklist",
        "export",
        "--format",
        fmt,
        "-o",
        str(out),
        "--date",
        "2024-05-01",
        *args,
    )
    assert ran.code == 0, ran.err
    return out


@pytest.mark.parametrize("fmt", ["md", "txt"])
def test_golden_exports_for_mid_2012_13_inch(cli, tmp_path, plan_file, fmt) -> None:
    out = _export(
        cli, tmp_path, fmt, "--model", "MacBookPro9,2", "--plan", str(plan_file)
    )
    golden = GOLDEN / f"checklist-MacBookPro9_2.{fmt}"
    if os.environ.get("SSDMIGRATE_UPDATE_GOLDEN") == "1":
        golden.write_text(out.read_text(encoding="utf-8"), encoding="utf-8")

    assert out.read_text(encoding="utf-8") == golden.read_text(encoding="utf-8")


def test_golden_title_names_the_model_and_the_target(tmp_path, cli, plan_file) -> None:
    text = _export(cli, tmp_path, "md", "--plan", str(plan_file)).read_text("utf-8")

    assert text.startswith("# Drive swap checklist: MacBook Pro (13-inch, Mid 2012)")
    assert "SSD Boot HD, 120.0 GB, OWC Mercury Extreme Pro SSD" in text
    assert "expect it to take about 45 minutes" in text
    assert "2024-05-01 by ssdmigrate" in text


@pytest.mark.parametrize("checklist_id", sorted(library.bundled().checklists))
@pytest.mark.parametrize("fmt", ["md", "txt", "html", "pdf"])
def test_every_checklist_exports_in_every_format(
    cli, tmp_path, checklist_id, fmt
) -> None:
    out = _export(cli, tmp_path, fmt, "--model", _model_for(checklist_id))
    data = out.read_bytes()

    if fmt == "pdf":
        assert data.startswith(b"%PDF-")
        return
    text = " ".join(data.decode("utf-8").split())  # undo the text format's wrapping
    assert "{target_name}" not in text and "{model_name}" not in text
    assert library.bundled().checklists[checklist_id].title in text


def test_unfilled_placeholders_become_blanks(tmp_path, cli) -> None:
    out = _export(cli, tmp_path, "txt", "--model", "MacBookPro9,2")
    text = " ".join(out.read_text("utf-8").split())

    assert f"the target must be {BLANK}, {BLANK}." in text
    assert "{" not in text


def _pdf_text(path: Path):
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_has_title_notices_unicode_and_phases(tmp_path, cli, plan_file) -> None:
    out = _export(cli, tmp_path, "pdf", "--plan", str(plan_file))
    reader, text = _pdf_text(out)

    assert (
        reader.metadata.title == "Drive swap checklist: MacBook Pro (13-inch, Mid 2012)"
    )
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert "NOTICE" in text and "CAUTION" in text and "⌥" in text
    assert "SSD Boot HD, 120.0 GB" in text
    for number, name in enumerate(PHASE_NAMES, start=1):
        assert f"Phase {number} of 8: {name}" in text
    outline = [item.title for item in reader.outline]
    assert outline[1:-1] == [
        f"Phase {n} of 8: {name}" for n, name in enumerate(PHASE_NAMES, start=1)
    ]


def test_pdf_puts_each_phase_on_its_own_page(tmp_path, cli) -> None:
    reader, _ = _pdf_text(_export(cli, tmp_path, "pdf", "--model", "Macmini6,2"))

    starts = [
        i
        for i, page in enumerate(reader.pages)
        if page.extract_text().lstrip().startswith("Phase ")
    ]
    assert len(starts) == 8 and len(set(starts)) == 8


def test_html_has_one_labelled_checkbox_per_step(tmp_path, cli, plan_file) -> None:
    html = _export(cli, tmp_path, "html", "--plan", str(plan_file)).read_text("utf-8")
    selection = library.select(library.bundled(), models.table(), "MacBookPro9,2")
    doc = document.build(
        selection, document.make_facts(selection, PLAN), date="2024-05-01", version="0"
    )

    assert html.count('<input type="checkbox"') == len(doc.steps)
    for step in doc.steps:
        box = f"step-{step.number}-{step.id}"
        assert f'id="{box}"' in html and f'<label for="{box}">' in html


def test_html_is_a_printable_self_contained_page(tmp_path, cli) -> None:
    html = _export(cli, tmp_path, "html", "--model", "iMac12,2").read_text("utf-8")

    assert '<html lang="en">' in html and "@page" in html
    assert "break-before: page" in html
    assert html.count('<section class="phase"') == 8
    assert '<strong class="word">WARNING</strong>' in html
    assert "<script" not in html and "<link" not in html


def test_show_prints_the_text_checklist(cli, plan_file) -> None:
    ran = cli("checklist", "show", "--plan", str(plan_file))

    assert ran.code == 0
    assert ran.out.startswith("Drive swap checklist: MacBook Pro (13-inch, Mid 2012)")


def test_show_reads_the_model_from_this_mac(cli) -> None:
    ran = cli("--simulate", "checklist", "show", "--json")

    assert ran.code == 0
    assert json.loads(ran.out)["model"] == "MacBookPro9,2"


def test_show_json_is_versioned(cli) -> None:
    ran = cli("checklist", "show", "--model", "MacBookAir10,1", "--json")
    data = json.loads(ran.out)

    assert data["schema"] == "ssdmigrate.checklist/1"
    assert data["checklist"] == "refuse-soldered" and data["refusal"]


def test_list_names_every_checklist_and_its_models(cli) -> None:
    data = json.loads(cli("checklist", "list", "--json").out)
    text = cli("checklist", "list").out

    rows = {row["id"]: row for row in data["checklists"]}
    assert "MacBookPro9,2" in rows["mbp-unibody"]["models"]
    assert rows["generic-2.5"]["generic"] and rows["refuse-soldered"]["refusal"]
    assert "mbp-unibody\n  MacBook Pro 13-inch and 15-inch" in text


def test_plan_with_another_schema_is_refused(cli, tmp_path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"schema": "other/9"}), encoding="utf-8")

    ran = cli("checklist", "show", "--plan", str(plan))

    assert ran.code == 1
    assert "is not an ssdmigrate plan (schema 'other/9'" in ran.err


def test_plan_that_is_not_json_is_refused(cli, tmp_path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text("{not json", encoding="utf-8")

    ran = cli("checklist", "show", "--model", "MacBookPro9,2", "--plan", str(plan))

    assert ran.code == 1 and "is not valid JSON" in ran.err


def test_bad_date_is_a_usage_error(cli, tmp_path) -> None:
    ran = cli(
        "checklist",
        "export",
        "--model",
        "MacBookPro9,2",
        "--format",
        "md",
        "-o",
        str(tmp_path / "x.md"),
        "--date",
        "2024-13-40",
    )

    assert ran.code == 2 and "YYYY-MM-DD" in ran.err


def test_text_renderer_boxes_notices_before_their_step() -> None:
    selection = library.select(library.bundled(), models.table(), "MacBookPro9,2")
    doc = document.build(
        selection, document.make_facts(selection, PLAN), date="2024-05-01", version="0"
    )
    text = render.text(doc)

    notice = text.index("+-- NOTICE ---")
    step = text.index("[ ] 6. Run ssdmigrate plan")
    assert notice < step and text.index("[ ] 5.") < notice
