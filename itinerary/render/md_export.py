"""The programme as GitHub-flavoured Markdown: the same `program.Programme` view as the HTML
page, as a title, the delegation, one `##` section and table per day, a summary and (for the
organiser) the hosts left out.

User text is escaped so that it shows as written and never becomes markup: every character that
Markdown or GitHub gives a meaning to is backslash-escaped, `&` where it would start an entity,
and line breaks become `<br>` inside table cells (a raw line break would end the table).
Its own phrases are `program.TEXTS`, re-exported here as `TEXTS` for the language checks.
"""

from __future__ import annotations

import re

from ..plan import Plan
from . import RenderOptions
from .i18n import Words
from .program import TEXTS, Day, Programme, Row, build, contact_parts, duration
from .text import printable

# Emphasis, links and images, code, tables, headings, HTML, strikethrough and math ($).
_ACTIVE = re.compile(r"([\\`*_\[\]<>|~#$])")
# A named entity (`&amp;`) would show as its character; numeric ones (`&#169;`) are already
# broken up by the escaped `#`. A lone `&` ("R&D") stays as it is, readable.
_ENTITY = re.compile(r"&(?=[A-Za-z][A-Za-z0-9]*;)")


def render(plan: Plan, options: RenderOptions) -> bytes:
    return document(build(plan, options)).encode("utf-8")


def md(text: str, *, cell: bool = False) -> str:
    """User text that shows as written: in a table cell a line break becomes `<br>`, elsewhere
    a space (a line break would end the paragraph or the list item)."""
    escaped = _ENTITY.sub(r"\\&", _ACTIVE.sub(r"\\\1", printable(text)))
    return escaped.replace("\n", "<br>" if cell else " ")


def document(p: Programme) -> str:
    w = p.words
    lines = [f"# {md(p.title)}", "", f"**{md(w['programme'])}** · {md(p.dates)}", ""]
    for fact in p.delegation:
        # (The groups, one a line in the html, are a list here.)
        lines.append(_fact(w, fact.label, md(" · ".join(fact.value.splitlines()))))
    contact = contact_parts(p.contact)
    if contact:
        lines.append(_fact(w, w["contact"], ", ".join(md(c) for c in contact)))
    if p.organiser:
        lines.append(_fact(w, w["organiser"], ", ".join(md(part) for part in p.organiser)))
    lines += [_fact(w, w["timezone"], md(p.timezone)), "", f"_{md(p.copy_note)}_", ""]
    for days in p.by_date():
        if len(days) == 1:
            lines += _day(days[0], p)
            continue
        # A date the groups split: the date once, then each group's day under its name.
        lines += [f"## {md(days[0].date_heading)}", ""]
        for day in days:
            lines += _day(day, p, f"### {md(day.group_name)} ({md(day.group_size)})")
    lines += [f"## {md(w['summary'])}", ""]
    lines += [_fact(w, f.label, md(f.value)) for f in p.summary]
    lines.append("")
    if p.unscheduled:
        lines += [
            f"## {md(w['unscheduled'])}",
            "",
            _table_row([w["name"], w["priority"], w["reason"]]),
            "| --- | ---: | --- |",
        ]
        lines += [_table_row([u.name, u.priority, u.reason]) for u in p.unscheduled]
        lines.append("")
    return "\n".join(lines)


def _fact(w: Words, label: str, value: str) -> str:
    """A list item "**Label:** value"; `value` is Markdown already."""
    return "- " + w.fmt("fact", label=f"**{md(label)}**", value=value)


def _table_row(cells: list[str]) -> str:
    return "| " + " | ".join(md(c, cell=True) for c in cells) + " |"


def _day(day: Day, p: Programme, heading: str | None = None) -> list[str]:
    w = p.words
    travel = w.fmt("day_travel", duration=duration(day.travel_minutes, w))
    lines = [
        heading or f"## {md(day.heading)}",
        "",
        f"_{md(travel)}_",
        "",
        _table_row([w["time"], w["what"], w["where"], w["contact"], w["travel_min"]]),
        "| --- | --- | --- | --- | ---: |",
    ]
    lines += [_row(row, p) for row in day.rows]
    lines.append("")
    note_label = f"**{md(w['note'])}**"
    for note in day.notes:
        lines += ["> " + w.fmt("fact", label=note_label, value=md(note)), ""]
    return lines


def _row(row: Row, p: Programme) -> str:
    """Like `_table_row`, but the what cell carries bold and the map number (our own markup)."""
    what = md(row.label, cell=True)
    if row.title.strip():
        number = f"{row.marker} · " if row.marker else ""
        must = f" ({md(p.words['must'], cell=True)})" if row.must else ""
        must += f" ({md(p.words['confirmed'], cell=True)})" if row.confirmed else ""
        # Strong emphasis only closes after a non-space, hence the strip.
        title = f"**{number}{md(row.title.strip(), cell=True)}**{must}"
        what = p.words.fmt("fact", label=what, value=title)
    for remark in row.remarks:
        # Emphasis closes only after a non-space: the remark is stripped when it is made.
        what += f"<br>_{md(remark, cell=True)}_"
    where = "<br>".join(md(part, cell=True) for part in (row.place, row.address) if part)
    contact = "<br>".join(md(part, cell=True) for part in contact_parts(row.contact))
    travel = "" if row.travel_minutes is None else str(row.travel_minutes)
    return f"| {md(row.time, cell=True)} | {what} | {where} | {contact} | {travel} |"


__all__ = ["TEXTS", "document", "md", "render"]
