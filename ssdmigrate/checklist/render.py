"""A filled checklist as Markdown, plain text or one self-contained HTML page.

Conventions for paper (ux-and-safety notes, section 5): tools first, one
section per phase, a real box to tick per step, each notice boxed with its
signal word just before the step it guards (never colour alone), room for
notes, and an "if something goes wrong" box.
"""

from __future__ import annotations

import html
import textwrap

from ssdmigrate.checklist.document import (
    GATE_RULE,
    UNCONFIRMED,
    DocPhase,
    DocStep,
    Document,
)

WIDTH = 78
NOTE_LINE = "_" * 70


def footer(doc: Document) -> str:
    return f"Printed {doc.date} by ssdmigrate {doc.version}"


def pause_lines(step: DocStep) -> list[str]:
    """The words of a pause point, the same in every format."""
    if step.pause is None:
        return []
    lines = [f"PAUSE POINT: {step.pause.question}"]
    if step.pause.gate:
        lines.append(GATE_RULE)
    if step.pause.if_not:
        lines.append(f"If not: {step.pause.if_not}")
    return lines


# Markdown ------------------------------------------------------------------


def markdown(doc: Document) -> str:
    parts = [f"# {doc.title}", _md_facts(doc)]
    parts += _md_intro(doc)
    parts += [_md_phase(doc, phase) for phase in doc.phases]
    parts.append(_md_sources(doc))
    return "\n\n".join(p for p in parts if p) + "\n"


def _md_facts(doc: Document) -> str:
    rows = [f"- **{label}:** {value}" for label, value in doc.facts]
    return "\n".join([*rows, f"- **Printed:** {doc.date} by ssdmigrate {doc.version}"])


def _md_intro(doc: Document) -> list[str]:
    parts = []
    if doc.note:
        parts.append(f"> **NOTE:** {doc.note}")
    if doc.refusal:
        parts.append(f"> **NO SWAP:** {doc.refusal}")
    if doc.hazards:
        rows = "\n".join(f"- {h.text}" for h in doc.hazards)
        parts.append(f"## Known hazards for this model\n\n{rows}")
    if doc.tools:
        parts.append("## Tools needed\n\n" + "\n".join(f"- {t}" for t in doc.tools))
    if doc.help:
        rows = "\n".join(f"> - {line}" for line in doc.help)
        parts.append(f"> **IF SOMETHING GOES WRONG**\n>\n{rows}")
    return parts


def _md_phase(doc: Document, phase: DocPhase) -> str:
    total = len(doc.phases)
    parts = [f"## Phase {phase.number} of {total}: {phase.title}"]
    parts += [_md_step(step) for step in phase.steps]
    # A line of only underscores is a horizontal rule in Markdown: label each.
    parts.append(f"**Notes:** {NOTE_LINE}\n\n**Notes:** {NOTE_LINE}")
    return "\n\n".join(parts)


def _md_step(step: DocStep) -> str:
    lines = []
    if step.notice is not None:
        lines.append(f"> **{step.notice.level}:** {step.notice.text}\n")
    lines.append(f"- [ ] **{step.number}.** {step.text}")
    if step.unconfirmed:
        lines.append(f"  ({UNCONFIRMED})")
    lines += [f"  **{line}**" for line in pause_lines(step)]
    return "\n".join(lines)


def _md_sources(doc: Document) -> str:
    rows = "\n".join(f"- <{s.url}>: {s.about}" for s in doc.sources)
    return f"## Sources\n\n{rows}" if rows else ""


# Plain text ----------------------------------------------------------------


def text(doc: Document) -> str:
    parts = [_txt_heading(doc.title, "="), _txt_facts(doc)]
    parts += _txt_intro(doc)
    parts += [_txt_phase(doc, phase) for phase in doc.phases]
    parts.append(_txt_sources(doc))
    return "\n\n".join(p for p in parts if p) + "\n"


def _txt_heading(title: str, underline: str) -> str:
    return f"{title}\n{underline * min(len(title), WIDTH)}"


def _txt_facts(doc: Document) -> str:
    rows = [*doc.facts, ("Printed", f"{doc.date} by ssdmigrate {doc.version}")]
    return "\n".join(
        _wrap(value, f"{label + ':':<11}", " " * 11) for label, value in rows
    )


def _txt_intro(doc: Document) -> list[str]:
    parts = []
    if doc.note:
        parts.append(_box("NOTE", [doc.note]))
    if doc.refusal:
        parts.append(_box("NO SWAP", [doc.refusal]))
    if doc.hazards:
        rows = [_wrap(h.text, "  * ", "    ") for h in doc.hazards]
        parts.append(
            _txt_heading("Known hazards for this model", "-") + "\n" + "\n".join(rows)
        )
    if doc.tools:
        rows = [_wrap(t, "  * ", "    ") for t in doc.tools]
        parts.append(_txt_heading("Tools needed", "-") + "\n" + "\n".join(rows))
    if doc.help:
        parts.append(_box("IF SOMETHING GOES WRONG", list(doc.help)))
    return parts


def _txt_phase(doc: Document, phase: DocPhase) -> str:
    heading = f"Phase {phase.number} of {len(doc.phases)}: {phase.title}"
    parts = [_txt_heading(heading, "-")]
    parts += [_txt_step(step) for step in phase.steps]
    parts.append(f"Notes:\n{NOTE_LINE}\n{NOTE_LINE}")
    return "\n\n".join(parts)


def _txt_step(step: DocStep) -> str:
    lines = []
    if step.notice is not None:
        lines.append(_box(step.notice.level, [step.notice.text], indent="    "))
    lead = f"[ ] {step.number}. "
    lines.append(_wrap(step.text, lead, " " * len(lead)))
    extra = ([UNCONFIRMED] if step.unconfirmed else []) + pause_lines(step)
    lines += [_wrap(line, " " * len(lead), " " * len(lead)) for line in extra]
    return "\n".join(lines)


def _txt_sources(doc: Document) -> str:
    rows = [f"  * {s.url}\n{_wrap(s.about, '    ', '    ')}" for s in doc.sources]
    return _txt_heading("Sources", "-") + "\n" + "\n".join(rows) if rows else ""


def _wrap(value: str, first: str, rest: str) -> str:
    return textwrap.fill(
        value,
        WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _box(word: str, lines: list[str], indent: str = "") -> str:
    """A bordered box whose top edge carries the signal word."""
    inner = WIDTH - len(indent) - 4
    top = f"{indent}+-- {word} " + "-" * max(inner - len(word) - 2, 0) + "+"
    body = [
        f"{indent}| {row:<{inner}} |"
        for line in lines
        for row in textwrap.wrap(line, inner, break_long_words=False)
    ]
    return "\n".join([top, *body, f"{indent}+{'-' * (inner + 2)}+"])


# HTML ------------------------------------------------------------------------

CSS = """
body { font-family: "Helvetica Neue", Helvetica, Arial, sans-serif; font-size: 12pt;
       line-height: 1.4; color: #000; background: #fff; max-width: 48em;
       margin: 1em auto; padding: 0 1em; }
h1 { font-size: 20pt; margin-bottom: 0.3em; }
h2 { font-size: 15pt; border-bottom: 2px solid #000; padding-bottom: 0.2em; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2em 1em; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
.box { border: 3px solid #000; padding: 0.5em 0.8em; margin: 0.8em 0; }
.box strong.word { display: block; letter-spacing: 0.05em; }
ol.steps { list-style: none; padding-left: 0; }
ol.steps li { margin: 0.7em 0; }
ol.steps input[type=checkbox] { width: 1.2em; height: 1.2em; vertical-align: top;
       margin: 0.15em 0.5em 0 0; }
ol.steps label { display: inline-block; max-width: calc(100% - 2em); }
.extra { margin: 0.2em 0 0 1.9em; }
.pause { font-weight: bold; border-left: 4px solid #000; padding-left: 0.5em; }
.notes .line { border-bottom: 1px solid #000; height: 2em; }
section.phase, section.sources { break-before: page; page-break-before: always; }
footer { margin-top: 2em; font-size: 10pt; }
@page { margin: 15mm 15mm 15mm 25mm; }
@media print { body { max-width: none; margin: 0; padding: 0; } a { color: #000; } }
"""


def html_page(doc: Document) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(doc.title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        _html_cover(doc),
        *(_html_phase(doc, phase) for phase in doc.phases),
        _html_sources(doc),
        f"<footer>{_e(footer(doc))}</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"


def _e(value: str) -> str:
    return html.escape(value, quote=True)


def _html_cover(doc: Document) -> str:
    facts = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in doc.facts)
    parts = [
        f"<header><h1>{_e(doc.title)}</h1>",
        f'<dl class="facts">{facts}</dl>',
        "</header>",
    ]
    if doc.note:
        parts.append(_html_box("NOTE", [doc.note]))
    if doc.refusal:
        parts.append(_html_box("NO SWAP", [doc.refusal]))
    if doc.hazards:
        parts.append(
            _html_list("Known hazards for this model", [h.text for h in doc.hazards])
        )
    if doc.tools:
        parts.append(_html_list("Tools needed", list(doc.tools)))
    if doc.help:
        parts.append(_html_box("IF SOMETHING GOES WRONG", list(doc.help)))
    return "\n".join(parts)


def _html_list(title: str, items: list[str]) -> str:
    rows = "".join(f"<li>{_e(item)}</li>" for item in items)
    return f"<section><h2>{_e(title)}</h2><ul>{rows}</ul></section>"


def _html_box(word: str, lines: list[str]) -> str:
    body = "".join(f"<p>{_e(line)}</p>" for line in lines)
    word_html = f'<strong class="word">{_e(word)}</strong>'
    return f'<div class="box" role="note">{word_html}{body}</div>'


def _html_phase(doc: Document, phase: DocPhase) -> str:
    heading = f"Phase {phase.number} of {len(doc.phases)}: {phase.title}"
    steps = "\n".join(_html_step(step) for step in phase.steps)
    lines = '<div class="line"></div>' * 4
    return (
        f'<section class="phase" id="phase-{_e(phase.id)}">\n<h2>{_e(heading)}</h2>\n'
        f'<ol class="steps">\n{steps}\n</ol>\n'
        f'<div class="notes"><h3>Notes</h3>{lines}</div>\n</section>'
    )


def _html_step(step: DocStep) -> str:
    box_id = f"step-{step.number}-{step.id}"
    parts = ["<li>"]
    if step.notice is not None:
        parts.append(_html_box(step.notice.level, [step.notice.text]))
    parts.append(
        f'<input type="checkbox" id="{_e(box_id)}">'
        f'<label for="{_e(box_id)}"><strong>{step.number}.</strong> '
        f"{_e(step.text)}</label>"
    )
    if step.unconfirmed:
        parts.append(f'<p class="extra">{_e(UNCONFIRMED)}</p>')
    pause = pause_lines(step)
    if pause:
        rows = "<br>".join(_e(line) for line in pause)
        parts.append(f'<p class="extra pause">{rows}</p>')
    return "".join(parts) + "</li>"


def _html_sources(doc: Document) -> str:
    rows = "".join(
        f'<li><a href="{_e(s.url)}">{_e(s.url)}</a>: {_e(s.about)}</li>'
        for s in doc.sources
    )
    return (
        f'<section class="sources"><h2>Sources</h2><ul>{rows}</ul></section>'
        if rows
        else ""
    )
