"""A filled checklist as a PDF, one page per phase, with drawn tick boxes.

fpdf2's built-in fonts cover Latin-1 only, so the bundled DejaVu Sans is
embedded (the checklists use ⌥, ⌘ and arrows). Boxes are drawn with rect()
rather than typed as glyphs, so they print the same with any font.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from typing import Any

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from ssdmigrate.checklist.document import UNCONFIRMED, DocPhase, DocStep, Document
from ssdmigrate.checklist.render import footer, pause_lines

FONT = "DejaVu"
BOX = 4.5  # tick box side, mm
INDENT = 8.0  # text starts this far right of the box, mm
LINE = 5.5  # line height for body text, mm


class _Pdf(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.cell(0, 5, f"{self.footer_text}   ·   page {self.page_no()}", align="C")


def render(doc: Document) -> bytes:
    pdf = _setup(doc)
    _cover(pdf, doc)
    for phase in doc.phases:
        _phase(pdf, doc, phase)
    _sources(pdf, doc)
    return bytes(pdf.output())


def _setup(doc: Document) -> _Pdf:
    pdf = _Pdf(format="A4")
    pdf.footer_text = footer(doc)
    pdf.set_margins(25, 15, 15)  # a wide left margin leaves room to hole-punch
    pdf.set_auto_page_break(True, margin=18)
    fonts = resources.files("ssdmigrate") / "data" / "fonts"
    with resources.as_file(fonts / "DejaVuSans.ttf") as regular:
        pdf.add_font(FONT, "", str(regular))
    with resources.as_file(fonts / "DejaVuSans-Bold.ttf") as bold:
        pdf.add_font(FONT, "B", str(bold))
    pdf.set_title(doc.title)
    pdf.set_lang("en")
    pdf.set_creator(f"ssdmigrate {doc.version}")
    # A fixed creation date keeps the file the same for the same inputs.
    pdf.set_creation_date(
        dt.datetime.fromisoformat(doc.date).replace(tzinfo=dt.timezone.utc)
    )
    return pdf


def _para(
    pdf: _Pdf,
    text: str,
    *,
    size: float = 11,
    bold: bool = False,
    x: float | None = None,
    height: float = LINE,
) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    if x is not None:
        pdf.set_x(x)
    width = pdf.w - pdf.r_margin - pdf.get_x()
    pdf.multi_cell(width, height, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _heading(pdf: _Pdf, text: str, size: float = 14) -> None:
    pdf.ln(2)
    _para(pdf, text, size=size, bold=True, height=size * 0.5)
    y = pdf.get_y() + 1
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.ln(3)


def _cover(pdf: _Pdf, doc: Document) -> None:
    pdf.add_page()
    pdf.start_section("Overview")
    _para(pdf, doc.title, size=18, bold=True, height=8)
    pdf.ln(2)
    for label, value in doc.facts:
        _para(pdf, f"{label}: {value}")
    _para(pdf, footer(doc), size=9)
    for word, text in (("NOTE", doc.note), ("NO SWAP", doc.refusal)):
        if text:
            _boxed(pdf, word, [text])
    _bullets(pdf, "Known hazards for this model", [h.text for h in doc.hazards])
    _bullets(pdf, "Tools needed", list(doc.tools))
    if doc.help:
        _boxed(pdf, "IF SOMETHING GOES WRONG", list(doc.help))


def _bullets(pdf: _Pdf, title: str, items: list[str]) -> None:
    if not items:
        return
    _heading(pdf, title, 13)
    for item in items:
        pdf.set_font(FONT, "", 11)
        pdf.cell(5, LINE, "•")
        _para(pdf, item, x=pdf.l_margin + 5)


def _text_height(pdf: _Pdf, width: float, text: str, size: float) -> float:
    pdf.set_font(FONT, "", size)
    height: Any = pdf.multi_cell(
        width, LINE, text, dry_run=True, output=MethodReturnValue.HEIGHT
    )
    return float(height)


def _boxed(pdf: _Pdf, word: str, lines: list[str], x: float | None = None) -> None:
    """A thick-bordered box with the signal word in bold on its first line."""
    left = pdf.l_margin if x is None else x
    width = pdf.w - pdf.r_margin - left
    body = "\n".join(lines)
    height = LINE + _text_height(pdf, width - 4, body, 10) + 3
    _keep_room(pdf, height + 2)
    top = pdf.get_y() + 1
    pdf.set_line_width(0.8)
    pdf.rect(left, top, width, height)
    pdf.set_xy(left + 2, top + 1.5)
    _para(pdf, word, size=10, bold=True, x=left + 2)
    pdf.set_x(left + 2)
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(
        width - 4, LINE, body, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_y(top + height + 2)


def _keep_room(pdf: _Pdf, height: float) -> None:
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()


def _phase(pdf: _Pdf, doc: Document, phase: DocPhase) -> None:
    pdf.add_page()
    title = f"Phase {phase.number} of {len(doc.phases)}: {phase.title}"
    pdf.start_section(title)
    _heading(pdf, title, 15)
    for step in phase.steps:
        _step(pdf, step)
    _notes(pdf)


def _step(pdf: _Pdf, step: DocStep) -> None:
    left = pdf.l_margin
    width = pdf.w - pdf.r_margin - left - INDENT
    extra = ([UNCONFIRMED] if step.unconfirmed else []) + pause_lines(step)
    text = f"{step.number}.  {step.text}"
    _keep_room(
        pdf,
        _text_height(pdf, width, "\n".join([text, *extra]), 11)
        + (25 if step.notice else 0),
    )
    if step.notice is not None:
        _boxed(pdf, step.notice.level, [step.notice.text])
    pdf.ln(1.5)
    pdf.set_line_width(0.4)
    pdf.rect(left, pdf.get_y() + 0.8, BOX, BOX)
    _para(pdf, text, x=left + INDENT)
    for line in extra:
        _para(pdf, line, size=10, bold=line.startswith("PAUSE"), x=left + INDENT)


def _notes(pdf: _Pdf) -> None:
    _keep_room(pdf, 30)
    pdf.ln(4)
    _para(pdf, "Notes", bold=True)
    pdf.set_line_width(0.2)
    for _ in range(3):
        y = pdf.get_y() + 8
        pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
        pdf.set_y(y)


def _sources(pdf: _Pdf, doc: Document) -> None:
    if not doc.sources:
        return
    pdf.add_page()
    pdf.start_section("Sources")
    _heading(pdf, "Sources", 13)
    for source in doc.sources:
        _para(pdf, source.url, size=9, bold=True)
        _para(pdf, source.about, size=9)
        pdf.ln(1)
