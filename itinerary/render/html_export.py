"""The programme as one self-contained, printable HTML page.

No scripts, no external files: the CSS is inline (with A4 print rules, a page per day) and the
pictures are inline SVG (`svg.py`). The content is the `program.Programme` view, which the
Markdown export shares. Every piece of user text goes through `html.escape`, attributes are
always double-quoted, and the output depends on the plan alone, so it can be a golden file.
Its own phrases are `program.TEXTS`, re-exported here as `TEXTS` for the language checks.
"""

from __future__ import annotations

from html import escape

from ..input.spec import Contact
from ..plan import Plan
from . import RenderOptions
from .i18n import Words, clock_range
from .program import (
    TEXTS,
    Day,
    Fact,
    LeftOut,
    MatchSheet,
    Programme,
    Row,
    build,
    contact_name,
    duration,
)
from .svg import PALETTE, map_svg, timeline_lanes_svg, timeline_svg
from .text import printable

_VISIT, _VISIT_INK = PALETTE["visit"]
_EVENT, _EVENT_INK = PALETTE["event"]
_BASE, _ = PALETTE["base"]

CSS = f"""
:root {{
  --ink: #1b1b1b; --muted: #5b6573; --rule: #d5dae0; --accent: {_VISIT}; --band: #f3f5f8;
}}
* {{ box-sizing: border-box; }}
html {{ font-size: 15px; -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
body {{
  margin: 0; background: #e6e9ed; color: var(--ink); overflow-wrap: anywhere;
  font: 1rem/1.45 "Source Sans 3", "Segoe UI", "Helvetica Neue", "Liberation Sans", Arial,
    sans-serif;
}}
main {{ max-width: 1100px; margin: 18px auto; }}
.sheet {{
  background: #fff; padding: 26px 44px 28px; margin-bottom: 18px;
  box-shadow: 0 1px 4px rgba(0, 0, 0, .18);
}}
h1, h2, h3 {{ font-family: Georgia, "Liberation Serif", "DejaVu Serif", serif; font-weight: 400; }}
h1 {{ font-size: 2.133rem; line-height: 1.15; margin: 2px 0 4px; }}
h2 {{ font-size: 1.6rem; margin: 0; }}
h3 {{ font-size: 1.133rem; margin: 22px 0 8px; }}
.kicker, .label {{
  font-size: 0.733rem; font-weight: 600; letter-spacing: .12em; text-transform: uppercase;
  color: var(--muted);
}}
.kicker {{ color: var(--accent); }}
.dates {{ font-size: 1.2rem; margin: 0 0 16px; }}
.facts {{
  display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 18px 28px;
  border-top: 3px solid var(--accent); padding-top: 14px; margin: 0;
}}
.facts div {{ break-inside: avoid; }}
.facts dt {{ margin-bottom: 2px; }}
.facts dd {{ margin: 0 0 8px; }}
.copy {{ font-size: 0.867rem; color: var(--muted); font-style: italic; margin: 14px 0 0; }}
table {{ width: 100%; border-collapse: collapse; }}
th {{
  text-align: left; vertical-align: bottom; padding: 6px 8px; white-space: nowrap;
  border-bottom: 1.5px solid var(--ink);
}}
td {{
  padding: 7px 8px; border-bottom: 1px solid var(--rule); vertical-align: top;
}}
td.time, td.num {{ white-space: nowrap; font-variant-numeric: tabular-nums; }}
td.num, th.num {{ text-align: right; }}
.overview {{ margin-top: 16px; font-size: 0.933rem; }}
.overview td {{ padding: 4px 8px; }}
.overview td.nowrap {{ white-space: nowrap; }}
.day-head {{
  display: flex; justify-content: space-between; align-items: baseline; gap: 16px;
  border-bottom: 2px solid var(--accent); padding-bottom: 6px; margin-bottom: 14px;
}}
.day-head .label {{ white-space: nowrap; }}
figure {{ margin: 0; }}
figcaption {{ font-size: 0.8rem; color: var(--muted); margin-top: 4px; }}
svg {{ display: block; width: 100%; height: auto; font-family: inherit; }}
svg.timeline {{ margin-bottom: 12px; }}
.programme {{ font-size: 0.933rem; table-layout: fixed; }}
.programme col.time {{ width: 7.2em; }}
.programme col.what {{ width: 28%; }}
.programme col.contact {{ width: 23%; }}
.programme col.num {{ width: 5.4em; }}
.programme th.num {{ white-space: normal; }}
.programme tr.travel td {{
  color: var(--muted); font-size: 0.833rem; padding-top: 4px; padding-bottom: 4px;
}}
.programme tr.travel .label {{ margin-right: .8em; }}
.programme tr.visit td, .programme tr.event td {{ padding-top: 8px; padding-bottom: 8px; }}
.programme tr.start td, .programme tr.end td {{ background: var(--band); }}
.programme tr.rest td, .programme tr.check_in td {{ background: #f1f7f2; }}
.kind {{ display: block; }}
.title {{ font-weight: 600; }}
.sub {{ display: block; color: var(--muted); font-size: 0.867rem; }}
.remark {{
  display: block; margin-top: 3px; padding-left: 6px; border-left: 3px solid #c98a00;
  font-size: 0.867rem; color: #6b4a00;
}}
.marker {{
  display: inline-block; min-width: 1.6em; height: 1.6em; border-radius: .8em;
  margin-right: 6px; padding: 0 .3em; text-align: center; font-size: 0.733rem; font-weight: 700;
  line-height: 1.6em; background: {_VISIT}; color: {_VISIT_INK}; vertical-align: 1px;
}}
.marker.event {{ background: {_EVENT}; color: {_EVENT_INK}; }}
.marker.base {{
  min-width: 0; width: 1.1em; height: 1.1em; border-radius: 0; background: {_BASE};
  vertical-align: -1px; margin-left: .25em; margin-right: .55em;
}}
.map-key {{ list-style: none; margin: 0; padding: 0; font-size: 0.933rem; }}
.map-key li {{ margin-bottom: 7px; padding-left: 2.3em; text-indent: -2.3em; }}
.map-key .marker {{ text-indent: 0; }}
.must {{
  display: inline-block; margin-left: 6px; padding: 0 5px; border: 1px solid currentColor;
  border-radius: 3px; font-size: 0.667rem; font-weight: 600; letter-spacing: .06em;
  text-transform: uppercase; color: var(--accent); vertical-align: 2px;
}}
a {{ color: var(--accent); text-decoration: none; }}
.lower {{
  display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 24px; margin-top: 16px;
}}
.notes {{ margin: 0; padding-left: 1.1em; }}
.notes li {{ margin-bottom: 6px; }}
.summary dl {{
  display: grid; grid-template-columns: max-content 1fr; gap: 6px 24px; margin: 14px 0 0;
}}
.summary dd {{ margin: 0; }}
.left-out {{ font-size: 0.933rem; }}
.left-out tr.required td {{ color: #9b1c1c; font-weight: 600; }}
@page {{ size: A4; margin: 14mm 13mm 16mm; }}
@media print {{
  html {{ font-size: 9.5pt; }}
  body {{ background: #fff; }}
  main {{ max-width: none; margin: 0; }}
  .sheet {{ box-shadow: none; padding: 0; margin: 0; }}
  .sheet + .sheet {{ break-before: page; }}
  tr, figure, .aside {{ break-inside: avoid; }}
  thead {{ display: table-header-group; }}
  a {{ color: inherit; }}
}}
"""


# Only in the page of a plan whose groups split on some date: a column per group.
GROUPS_CSS = """
.groups {
  display: grid; grid-template-columns: repeat(var(--groups), minmax(0, 1fr)); gap: 22px;
  margin-top: 4px;
}
.group-head {
  margin: 0 0 8px; padding: 4px 0 5px 10px; border-left: 5px solid var(--accent);
  background: var(--band);
}
.group-head h3 { margin: 0; font-size: 1.2rem; }
.group-head .label { display: block; letter-spacing: .08em; }
.groups .programme { font-size: 0.867rem; }
.groups .programme col.time { width: 6.6em; }
.groups .programme col.num { width: 4em; }
.groups .programme th.num { white-space: nowrap; }
.groups .programme .sub { font-size: 0.8rem; }
.groups figure { margin-top: 12px; }
.groups .map-key { font-size: 0.867rem; margin-top: 8px; }
.overview tr.group-row td { border-bottom-style: dotted; }
.overview .group-name { font-weight: 600; margin-right: .4em; }
@media print { .groups { gap: 12px; } .group { break-inside: auto; } }
"""


def render(plan: Plan, options: RenderOptions) -> bytes:
    return page(build(plan, options)).encode("utf-8")


def page(p: Programme) -> str:
    w = p.words
    dates = p.by_date()
    split = any(len(days) > 1 for days in dates)
    sheets = [
        _cover(p),
        *(_day(days[0], p) if len(days) == 1 else _split_day(days, p) for days in dates),
        *(_matchmaking(sheet, p) for sheet in p.matchmaking),
        _summary(p),
    ]
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_a(p.lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_h(w['programme'])} — {_h(p.title)}</title>\n"
        f"<style>{CSS}{GROUPS_CSS if split else ''}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(sheets)
        + "\n</main>\n</body>\n</html>\n"
    )


def _h(text: str) -> str:
    """User or label text for an HTML text node; line breaks kept as <br>."""
    return escape(printable(text)).replace("\n", "<br>")


def _a(text: str) -> str:
    """Text for a double-quoted attribute value."""
    return escape(printable(text).replace("\n", " "), quote=True)


def _facts(facts: tuple[Fact, ...] | list[Fact]) -> str:
    return "".join(f'<dt class="label">{_h(f.label)}</dt><dd>{_h(f.value)}</dd>' for f in facts)


def _contact(contact: Contact | None) -> str:
    """Name (role), phone and e-mail, one a line; phone and e-mail as tel:/mailto: links."""
    if contact is None:
        return ""
    lines = []
    name = contact_name(contact)
    if name:
        lines.append(_h(name))
    if contact.phone:
        dial = "".join(c for c in contact.phone if c.isdigit() or c == "+")
        lines.append(f'<a href="tel:{_a(dial)}">{_h(contact.phone)}</a>')
    if contact.email:
        # A line may break after the "@" before it breaks inside either half.
        shown = "@<wbr>".join(_h(part) for part in contact.email.split("@"))
        lines.append(f'<a href="mailto:{_a(contact.email)}">{shown}</a>')
    return "<br>".join(lines)


def _cover(p: Programme) -> str:
    w = p.words
    contact = _contact(p.contact)
    contact_block = (
        f'<div><dt class="label">{_h(w["contact"])}</dt><dd>{contact}</dd></div>' if contact else ""
    )
    organiser_block = (
        f'<div><dt class="label">{_h(w["organiser"])}</dt>'
        f"<dd>{'<br>'.join(_h(part) for part in p.organiser)}</dd></div>"
        if p.organiser
        else ""
    )
    overview_rows = "".join(_overview_rows(days, p) for days in p.by_date())
    return (
        '<section class="sheet cover">\n'
        f'<p class="kicker">{_h(w["programme"])}</p>\n'
        f"<h1>{_h(p.title)}</h1>\n"
        f'<p class="dates">{_h(p.dates)}</p>\n'
        '<dl class="facts">'
        f"<div>{_facts(p.delegation)}</div>"
        f"{contact_block}"
        f"{organiser_block}"
        f"<div>{_facts([Fact(w['timezone'], p.timezone)])}</div>"
        "</dl>\n"
        f'<table class="overview"><thead><tr><th class="label">{_h(w["day"])}</th>'
        f'<th class="label">{_h(w["date"])}</th><th class="label">{_h(w["time"])}</th>'
        f'<th class="label">{_h(w["programme"])}</th></tr></thead>'
        f"<tbody>{overview_rows}</tbody></table>\n"
        f'<p class="copy">{_h(p.copy_note)}</p>\n'
        "</section>"
    )


def _overview_rows(days: tuple[Day, ...], p: Programme) -> str:
    """The cover's line for a date; on a date the groups split, a line per group, the day and
    date cells spanning them."""
    w = p.words
    first = days[0]
    if len(days) == 1 and first.group_name == "":
        return (
            f'<tr><td class="nowrap">{_h(w["day"])} {first.number}</td>'
            f'<td class="nowrap">{_h(first.long_date)}</td>'
            f'<td class="time">{clock_range(first.start, first.end)}</td>'
            f"<td>{_h(' · '.join(first.visit_titles()))}</td></tr>"
        )
    rows = []
    for n, day in enumerate(days):
        span = (
            f'<td class="nowrap" rowspan="{len(days)}">{_h(w["day"])} {day.number}</td>'
            f'<td class="nowrap" rowspan="{len(days)}">{_h(day.long_date)}</td>'
            if n == 0
            else ""
        )
        css = ' class="group-row"' if n < len(days) - 1 else ""
        rows.append(
            f"<tr{css}>{span}"
            f'<td class="time">{clock_range(day.start, day.end)}</td>'
            f'<td><span class="group-name">{_h(day.group_name)}</span>'
            f"{_h(' · '.join(day.visit_titles()))}</td></tr>"
        )
    return "".join(rows)


def _split_day(days: tuple[Day, ...], p: Programme) -> str:
    """A date the groups split: their lanes on one timeline, then a column per group with
    its name and size, its programme, its map and the map's key."""
    w = p.words
    first = days[0]
    columns = []
    for day in days:
        rows = "\n".join(_compact_row(row, p) for row in day.rows)
        travel = w.fmt("day_travel", duration=duration(day.travel_minutes, w))
        columns.append(
            f'<div class="group" id="day-{day.number}-{_a(day.group)}">'
            f'<div class="group-head"><h3>{_h(day.group_name)}</h3>'
            f'<span class="label">{_h(day.group_size)} · {_h(travel)}</span></div>\n'
            '<table class="programme">'
            '<colgroup><col class="time"><col><col class="num"></colgroup>'
            f'<thead><tr><th class="label">{_h(w["time"])}</th>'
            f'<th class="label">{_h(w["what"])}</th>'
            f'<th class="label num">{_h(w["minutes"])}</th></tr></thead>\n'
            f"<tbody>\n{rows}\n</tbody></table>\n"
            f"<figure>{map_svg(day, w)}</figure>"
            f"{_map_key(day)}{_notes(day, w)}"
            "</div>"
        )
    return (
        f'<section class="sheet day split" id="day-{first.number}">\n'
        f'<div class="day-head"><h2>{_h(first.date_heading)}</h2>'
        f'<span class="label">{_h(w.count(len(days), "group_one", "group_other"))}</span>'
        "</div>\n"
        f"<figure>{timeline_lanes_svg(days, w)}</figure>\n"
        f'<div class="groups" style="--groups: {len(days)}">\n' + "\n".join(columns) + "\n</div>\n"
        f'<p class="copy">{_h(w["map_caption_roads" if first.routes else "map_caption"])}</p>\n'
        "</section>"
    )


def _title_and_remarks(row: Row, p: Programme) -> tuple[str, str]:
    """A row's title (its map marker, name and must / confirmed marks) and its remarks, as HTML."""
    marker = f'<span class="marker {row.kind}">{_h(row.marker)}</span>' if row.marker else ""
    must = f'<span class="must">{_h(p.words["must"])}</span>' if row.must else ""
    if row.confirmed:
        must += f'<span class="must confirmed">{_h(p.words["confirmed"])}</span>'
    title = f'{marker}<span class="title">{_h(row.title)}</span>{must}' if row.title else ""
    remarks = "".join(f'<span class="remark">{_h(remark)}</span>' for remark in row.remarks)
    return title, remarks


def _compact_row(row: Row, p: Programme) -> str:
    """A row of a group's column: what, where and whom to call in one cell."""
    travel = "" if row.travel_minutes is None else str(row.travel_minutes)
    if row.kind == "travel":
        return _travel_row(row, "")
    title, remarks = _title_and_remarks(row, p)
    where = [row.place, row.address] if row.title else [row.address]
    place = "" if row.title else _h(row.place)
    subs = "".join(f'<span class="sub">{_h(part)}</span>' for part in where if part)
    contact = _contact(row.contact)
    if contact:
        subs += f'<span class="sub">{contact}</span>'
    what = f'<span class="kind label">{_h(row.label)}</span>{title}{place}{subs}{remarks}'
    return (
        f'<tr class="{row.kind}"><td class="time">{_h(row.time)}</td><td>{what}</td>'
        f'<td class="num">{travel}</td></tr>'
    )


def _day(day: Day, p: Programme) -> str:
    w = p.words
    rows = "\n".join(_row(row, p) for row in day.rows)
    travel = w.fmt("day_travel", duration=duration(day.travel_minutes, w))
    return (
        f'<section class="sheet day" id="day-{day.number}">\n'
        f'<div class="day-head"><h2>{_h(day.heading)}</h2>'
        f'<span class="label">{_h(travel)}</span>'
        "</div>\n"
        f"<figure>{timeline_svg(day, w)}</figure>\n"
        '<table class="programme">'
        '<colgroup><col class="time"><col class="what"><col><col class="contact">'
        '<col class="num"></colgroup>'
        f'<thead><tr><th class="label">{_h(w["time"])}</th><th class="label">{_h(w["what"])}</th>'
        f'<th class="label">{_h(w["where"])}</th><th class="label">{_h(w["contact"])}</th>'
        f'<th class="label num">{_h(w["travel_min"])}</th></tr></thead>\n'
        f"<tbody>\n{rows}\n</tbody></table>\n"
        '<div class="lower">'
        f"<figure>{map_svg(day, w)}<figcaption>"
        f"{_h(w['map_caption_roads' if day.routes else 'map_caption'])}</figcaption></figure>"
        f'<div class="aside">{_map_key(day)}{_notes(day, w)}</div>'
        "</div>\n"
        "</section>"
    )


def _notes(day: Day, w: Words) -> str:
    """The day's notes under their heading ("" without notes)."""
    if not day.notes:
        return ""
    notes = "".join(f"<li>{_h(note)}</li>" for note in day.notes)
    return f'<h3 class="label">{_h(w["note"])}</h3><ul class="notes">{notes}</ul>'


def _travel_row(row: Row, span: str) -> str:
    """A leg's row: its time, "Travel" and from → to (in a cell spanning `span`), minutes."""
    travel = "" if row.travel_minutes is None else str(row.travel_minutes)
    return (
        f'<tr class="travel"><td class="time">{_h(row.time)}</td><td{span}>'
        f'<span class="label">{_h(row.label)}</span> {_h(row.place)}</td>'
        f'<td class="num">{travel}</td></tr>'
    )


def _map_key(day: Day) -> str:
    """The map's stops with their full names (the labels on the map may be cut short)."""
    items = "".join(
        f'<li><span class="marker {stop.kind}">{_h(stop.marker)}</span>{_h(stop.name)}</li>'
        for stop in day.stops
    )
    return f'<ol class="map-key">{items}</ol>'


def _row(row: Row, p: Programme) -> str:
    travel = "" if row.travel_minutes is None else str(row.travel_minutes)
    if row.kind == "travel":
        # A leg is a one-line connector between two stops: it spans what, where and contact.
        return _travel_row(row, ' colspan="3"')
    title, remarks = _title_and_remarks(row, p)
    what = f'<span class="kind label">{_h(row.label)}</span>{title}{remarks}'
    where = _h(row.place) + (f'<span class="sub">{_h(row.address)}</span>' if row.address else "")
    return (
        f'<tr class="{row.kind}"><td class="time">{_h(row.time)}</td><td>{what}</td>'
        f'<td>{where}</td><td>{_contact(row.contact)}</td><td class="num">{travel}</td></tr>'
    )


def _matchmaking(sheet: MatchSheet, p: Programme) -> str:
    """A matchmaking event: the slot × table grid, then the meetings needing an interpreter
    (for the organiser: where to send the interpreters)."""
    from .meetings import words

    w = words(p.words.lang)
    head = "".join(f'<th class="label">{_h(t)}</th>' for t in sheet.tables)
    rows = "".join(
        f'<tr><td class="time">{_h(span)}</td>'
        + "".join(f"<td>{_h(cell)}</td>" for cell in cells)
        + "</tr>"
        for span, cells in sheet.grid
    )
    interpreted = ""
    if sheet.interpreted and p.unscheduled is not None:
        lines = "".join(
            f'<tr><td class="time">{_h(a)}</td><td>{_h(b)}</td><td>{_h(c)}</td>'
            f"<td>{_h(d)}</td></tr>"
            for a, b, c, d in sheet.interpreted
        )
        interpreted = (
            f"<h3>{_h(w['m_interpreters'])}</h3>\n"
            f'<table class="meetings"><thead><tr><th class="label">{_h(w["m_time"])}</th>'
            f'<th class="label">{_h(w["m_table"])}</th>'
            f'<th class="label">{_h(w["m_participant"])}</th>'
            f'<th class="label">{_h(w["m_participant"])}</th></tr></thead>'
            f"<tbody>{lines}</tbody></table>\n"
        )
    return (
        '<section class="sheet matchmaking">\n'
        f"<h2>{_h(sheet.title)}</h2>\n<p>{_h(sheet.when)}</p>\n"
        f'<table class="meetings"><thead><tr><th class="label">{_h(w["m_time"])}</th>{head}'
        f"</tr></thead><tbody>{rows}</tbody></table>\n"
        f"<p>{_h(sheet.summary)}</p>\n{interpreted}"
        "</section>"
    )


def _summary(p: Programme) -> str:
    w = p.words
    left = "" if p.unscheduled is None else _left_out(p.unscheduled, p)
    return (
        '<section class="sheet summary">\n'
        f"<h2>{_h(w['summary'])}</h2>\n"
        f"<dl>{_facts(p.summary)}</dl>\n"
        f"{left}"
        "</section>"
    )


def _left_out(left: tuple[LeftOut, ...], p: Programme) -> str:
    w = p.words
    if not left:
        return ""
    rows = "".join(
        f'<tr class="{"required" if u.required else "optional"}"><td>{_h(u.name)}</td>'
        f'<td class="num">{_h(u.priority)}</td><td>{_h(u.reason)}</td></tr>'
        for u in left
    )
    return (
        f"<h3>{_h(w['unscheduled'])}</h3>\n"
        f'<table class="left-out"><thead><tr><th class="label">{_h(w["name"])}</th>'
        f'<th class="label num">{_h(w["priority"])}</th><th class="label">{_h(w["reason"])}</th>'
        f"</tr></thead><tbody>{rows}</tbody></table>\n"
    )


__all__ = ["CSS", "TEXTS", "page", "render"]
