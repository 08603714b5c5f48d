"""`export --format members`: a folder with a one-page programme (html) and a calendar (ics)
for every member of the delegation (`delegation.members` of the plan), in the member's
language (`language`; else the trip's), each named by the member's id (`cdupont.html`,
`cdupont.ics`).

A member's programme holds exactly what that member attends: on a date the groups split, the
day of the member's group; on a together date, the whole delegation's day; and, at a
matchmaking event, the member's own one-to-one meetings. Nothing about priorities, scores,
hosts left out, the organiser's notes, or the other groups' days.
"""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from ..input.spec import Language
from ..plan import GROUP_ALL, EventItem, Plan, PlanMember, PlanTrack
from . import RenderOptions
from .hosts_export import file_stems
from .i18n import LANGUAGES, Words, clock_range
from .ics_export import Entry, calendar_for, delegation_entry, slots
from .meetings import MEETING_LABELS, people, table_name
from .meetings_export import entries as meeting_entries
from .program import Day, Row, build, contact_name

TEXTS = {
    "en": {
        "mb_programme_of": "Programme of {name}",
        "mb_group": "Your group",
        "mb_with_all": "with the whole delegation",
        "mb_with": "with the group {group}",
        "mb_meetings": "Your meetings at {event}",
        "mb_none": "No programme items for this member.",
    },
    "de": {
        "mb_programme_of": "Programm von {name}",
        "mb_group": "Ihre Gruppe",
        "mb_with_all": "mit der gesamten Delegation",
        "mb_with": "mit der Gruppe {group}",
        "mb_meetings": "Ihre Gespräche bei {event}",
        "mb_none": "Keine Programmpunkte für dieses Mitglied.",
    },
    "fr": {
        "mb_programme_of": "Programme de {name}",
        "mb_group": "Votre groupe",
        "mb_with_all": "avec toute la délégation",
        "mb_with": "avec le groupe {group}",
        "mb_meetings": "Vos rendez-vous à {event}",
        "mb_none": "Aucun point de programme pour ce membre.",
    },
}

STYLE = """
body { font-family: "Helvetica Neue", Arial, sans-serif; margin: 2em; color: #222;
  font-size: 14px; }
h1 { font-size: 1.6em; margin-bottom: 0.1em; }
p.who { margin-top: 0; color: #555; }
h2 { font-size: 1.1em; margin: 1.2em 0 0.2em; border-bottom: 2px solid #1f4e79;
  padding-bottom: 2px; }
h2 .with { font-weight: normal; color: #555; font-size: 0.9em; }
h3 { font-size: 1em; margin: 0.8em 0 0.2em; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.3em 0.5em; border-bottom: 1px solid #ddd;
  vertical-align: top; }
th { background: #f2f2f2; font-size: 0.9em; }
td.time { white-space: nowrap; font-variant-numeric: tabular-nums; width: 7.5em; }
tr.travel td { color: #666; font-size: 0.9em; }
tr.visit td, tr.event td { font-weight: 600; }
.sub { display: block; font-weight: normal; color: #555; font-size: 0.92em; }
@media print { body { margin: 1cm; font-size: 10pt; } @page { size: A4; }
  h2, tr { break-inside: avoid; break-after: avoid-page; } }
"""


def member_language(member: PlanMember, plan: Plan, options: RenderOptions) -> Language:
    """The language of a member's files: the export's --lang, else the member's own (en, de,
    fr), else the trip's."""
    if options.lang is not None:
        return options.lang
    if member.language in LANGUAGES:
        return member.language
    return plan.trip.language


def attends(member: PlanMember, track: PlanTrack) -> bool:
    """Whether a track is the member's: their group's, or the whole delegation's."""
    return track.group == GROUP_ALL or track.group == member.group


def member_plan(plan: Plan, member: PlanMember) -> Plan:
    """The plan as one member lives it: only the tracks they attend."""
    return plan.model_copy(update={"tracks": [t for t in plan.tracks if attends(member, t)]})


def _events_with_meetings(plan: Plan, member: PlanMember) -> list[EventItem]:
    """The matchmaking events of the member's days at which the member has a meeting (an
    event shared by several groups is on each group's track: once)."""
    found: dict[str, EventItem] = {}
    for event in plan.matchmaking_events():
        if any(member.id in m.with_ for m in event.meetings or ()):
            found.setdefault(event.id, event)
    return list(found.values())


def _row(row: Row, colon: str) -> str:
    e = html.escape
    title = e(row.title or row.place)
    subs = []
    if row.title and row.place:
        subs.append(row.place)
    if row.address:
        subs.append(row.address)
    if row.contact is not None and contact_name(row.contact):
        subs.append(contact_name(row.contact))
    sub = "".join(f'<span class="sub">{e(s)}</span>' for s in subs)
    what = f"{e(row.label)}{e(colon) if row.title else ' · '}{title}" if title else e(row.label)
    minutes = "" if row.travel_minutes is None else f" ({row.travel_minutes} min)"
    return (
        f'<tr class="{row.kind}"><td class="time">{e(row.time)}</td>'
        f"<td>{what}{e(minutes)}{sub}</td></tr>"
    )


def _meetings(plan: Plan, event: EventItem, member: PlanMember, w: Words) -> str:
    e = html.escape
    info = event.matchmaking
    assert info is not None
    zone = ZoneInfo(plan.trip.timezone)
    who = people(info)
    rows = []
    for m in sorted(event.meetings or [], key=lambda m: m.start):
        if member.id not in m.with_:
            continue
        other = m.with_[1] if m.with_[0] == member.id else m.with_[0]
        them = who.get(other)
        name = them.name if them else other
        org = (
            f'<span class="sub">{e(them.organisation)}</span>' if them and them.organisation else ""
        )
        note = f" — {e(w['m_interpreter'])}" if m.interpreter else ""
        span = clock_range(m.start.astimezone(zone), m.end.astimezone(zone))
        rows.append(
            f'<tr><td class="time">{e(span)}</td><td>{e(table_name(info, m.table, w))}</td>'
            f"<td>{e(name)}{note}{org}</td></tr>"
        )
    return (
        f"<h3>{e(w.fmt('mb_meetings', event=event.name))}</h3>\n"
        f"<table><thead><tr><th>{e(w['m_time'])}</th><th>{e(w['m_table'])}</th>"
        f"<th>{e(w['m_meets'])}</th></tr></thead><tbody>{''.join(rows)}</tbody></table>\n"
    )


def page(plan: Plan, member: PlanMember, lang: Language) -> str:
    """The member's one-page programme: a heading per date (with whom they travel that day),
    a row per item of their day, and their meetings at matchmaking events."""
    e = html.escape
    w = Words(lang, MEETING_LABELS, TEXTS)
    own = member_plan(plan, member)
    programme = build(own, RenderOptions(lang=lang, audience="delegation"))
    group = plan.delegation.group(member.group)
    sections = []
    meetings = {ev.id: ev for ev in _events_with_meetings(own, member)}
    for day in programme.days:
        sections.append(_day_section(day, group.name if plan.split else None, w))
        shown = [r.title for r in day.rows if r.kind == "event"]
        for event_id, event in list(meetings.items()):
            if event.name in shown and event.start.date() == day.date:
                sections.append(_meetings(plan, event, member, w))
                del meetings[event_id]
    sections += [_meetings(plan, event, member, w) for event in meetings.values()]
    title = w.fmt("mb_programme_of", name=member.name)
    who = [member.organisation or ""]
    if plan.split and group.id == member.group:
        size = w.count(group.size, "person", "people")
        who.append(f"{w['mb_group']}{w['colon']}{group.name} ({size})")
    facts = " · ".join(e(part) for part in who if part)
    body = "\n".join(sections) if sections else f"<p>{e(w['mb_none'])}</p>"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{e(title)} — {e(plan.trip.name)}</title>\n<style>{STYLE}</style>\n"
        "</head>\n<body>\n"
        f"<h1>{e(title)}</h1>\n"
        f'<p class="who">{e(plan.trip.name)} · {e(w.date_range(plan.trip.start, plan.trip.end))}'
        + (f"<br>{facts}" if facts else "")
        + f"</p>\n{body}\n</body>\n</html>\n"
    )


def _day_section(day: Day, group_name: str | None, w: Words) -> str:
    """A date of the member's programme; with groups (`group_name`: the member's group), the
    heading says whom the member travels with that day."""
    e = html.escape
    heading = e(day.date_heading)
    if group_name is not None:
        with_whom = w.fmt("mb_with", group=group_name) if day.group_name else w["mb_with_all"]
        heading += f' <span class="with">— {e(with_whom)}</span>'
    rows = "\n".join(_row(row, w["colon"]) for row in day.rows)
    return (
        f"<h2>{heading}</h2>\n"
        f"<table><thead><tr><th>{e(w['time'])}</th><th>{e(w['what'])}</th></tr></thead>"
        f"<tbody>\n{rows}\n</tbody></table>"
    )


def calendar(plan: Plan, member: PlanMember, lang: Language) -> bytes:
    """The member's calendar: the visits, events and lunches of their days (`ics` export's
    entries), and their matchmaking meetings."""
    w = Words(lang, MEETING_LABELS, TEXTS)
    own = member_plan(plan, member)
    from .ics_export import TEXTS as ICS_TEXTS

    iw = Words(lang, ICS_TEXTS)
    entries: list[Entry] = [delegation_entry(own, slot, iw) for slot in slots(own)]
    for event in _events_with_meetings(own, member):
        person = people(event.matchmaking).get(member.id) if event.matchmaking else None
        if person is not None:
            entries += meeting_entries(event, person, w)
    entries.sort(key=lambda entry: entry.start)
    title = w.fmt("mb_programme_of", name=member.name)
    return calendar_for(plan, entries, f"{plan.trip.name} — {title}")


def render(plan: Plan, options: RenderOptions) -> dict[str, bytes]:
    """Per member, `ID.html` and `ID.ics` (none for a plan without members: `export_plan`
    refuses that)."""
    members = plan.delegation.members or []
    stems = file_stems(m.id for m in members)
    files: dict[str, bytes] = {}
    for member in members:
        lang = member_language(member, plan, options)
        stem = stems[member.id]
        files[f"{stem}.html"] = page(plan, member, lang).encode("utf-8")
        files[f"{stem}.ics"] = calendar(plan, member, lang)
    return files
