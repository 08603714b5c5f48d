"""`export --format meetings`: a folder with a printable schedule (html) and a calendar (ics)
for every participant of every matchmaking event, in the participant's language.

A page lists only the participant's own meetings: slot, table, whom they meet and their
organisation, and whether an interpreter is there; nothing about priorities, scores or other
participants' meetings. Participants without a meeting get a page that says so. With one
matchmaking event the files are `<participant>.html` and `.ics`; with several, each event's
files start with the event's id.
"""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from ..fsio import MAX_FILENAME, safe_filename
from ..plan import EventItem, Plan
from ..plan.meetings import Meeting, MeetingPerson
from . import RenderOptions
from .i18n import Words, clock_range
from .ics_export import Entry, calendar_for
from .meetings import MEETING_LABELS, people, table_name, words

_MAX_STEM = MAX_FILENAME - 12

STYLE = """
body { font-family: "Helvetica Neue", Arial, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
p.event { margin-top: 0; color: #555; }
table { border-collapse: collapse; width: 100%; margin-top: 1em; }
th, td { text-align: left; padding: 0.45em 0.6em; border-bottom: 1px solid #ccc; }
th { background: #f2f2f2; }
td.time, td.table { white-space: nowrap; }
@media print { body { margin: 1cm; } @page { size: A4; } }
"""


def _stems(plan: Plan) -> dict[tuple[str, str], str]:
    events = plan.matchmaking_events()
    stems: dict[tuple[str, str], str] = {}
    taken: set[str] = set()
    for event in events:
        assert event.matchmaking is not None
        for person in event.matchmaking.participants:
            wanted = person.id if len(events) == 1 else f"{event.id}-{person.id}"
            base = safe_filename(safe_filename(wanted)[:_MAX_STEM])
            stem, n = base, 1
            while stem.lower() in taken:
                n += 1
                stem = f"{base}-{n}"
            taken.add(stem.lower())
            stems[(event.id, person.id)] = stem
    return stems


def _own(event: EventItem, person: MeetingPerson) -> list[tuple[Meeting, str]]:
    """The participant's meetings, with the other participant's id."""
    out = []
    for m in sorted(event.meetings or [], key=lambda m: m.start):
        if person.id in m.with_:
            other = m.with_[1] if m.with_[0] == person.id else m.with_[0]
            out.append((m, other))
    return out


def page(plan: Plan, event: EventItem, person: MeetingPerson, w: Words) -> str:
    info = event.matchmaking
    assert info is not None
    zone = ZoneInfo(plan.trip.timezone)
    who = people(info)
    e = html.escape
    rows = []
    for m, other in _own(event, person):
        them = who.get(other)
        note = f" — {e(w['m_interpreter'])}" if m.interpreter else ""
        span = clock_range(m.start.astimezone(zone), m.end.astimezone(zone))
        rows.append(
            "<tr>"
            f'<td class="time">{e(span)}</td>'
            f'<td class="table">{e(table_name(info, m.table, w))}</td>'
            f"<td>{e(them.name if them else other)}{note}</td>"
            f"<td>{e((them.organisation or '') if them else '')}</td>"
            "</tr>"
        )
    where = ", ".join(x for x in (event.venue, event.address) if x)
    when = f"{w.long_date(event.start.astimezone(zone).date())}, " + clock_range(
        event.start.astimezone(zone), event.end.astimezone(zone)
    )
    title = w.fmt("m_schedule_for", name=person.name)
    body = (
        "<table><thead><tr>"
        f"<th>{e(w['m_time'])}</th><th>{e(w['m_table'])}</th>"
        f"<th>{e(w['m_meets'])}</th><th>{e(w['m_organisation'])}</th>"
        "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
        if rows
        else f"<p>{e(w['m_none'])}</p>"
    )
    organisation = f"<p>{e(person.organisation)}</p>" if person.organisation else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{w.lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{e(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{e(title)}</h1>\n{organisation}\n"
        f'<p class="event">{e(event.name)} · {e(when)}'
        + (f" · {e(where)}" if where else "")
        + f"</p>\n<h2>{e(w['m_your'])}</h2>\n{body}\n</body>\n</html>\n"
    )


def entries(event: EventItem, person: MeetingPerson, w: Words) -> list[Entry]:
    info = event.matchmaking
    assert info is not None
    who = people(info)
    out = []
    for m, other in _own(event, person):
        them = who.get(other)
        name = them.name if them else other
        with_org = f"{name} ({them.organisation})" if them and them.organisation else name
        place = ", ".join(x for x in (event.venue or event.name, table_name(info, m.table, w)))
        facts = [w["m_interpreter"]] if m.interpreter else []
        out.append(
            Entry(
                key=f"meeting-{event.id}-{'-'.join(sorted(m.with_))}",
                summary=f"{w['m_meets']}: {with_org}",
                start=m.start,
                end=m.end,
                location=place,
                geo=event.location,
                description="\n".join([event.name, *facts]),
                category="MEETING",
            )
        )
    return out


TEXTS = MEETING_LABELS  # the words of these pages (checked by tests/test_i18n.py)


def render(plan: Plan, options: RenderOptions) -> dict[str, bytes]:
    """Per participant of every matchmaking event, `ID.html` and `ID.ics` (none for a plan
    without matchmaking: `export_plan` refuses that)."""
    files: dict[str, bytes] = {}
    stems = _stems(plan)
    for event in plan.matchmaking_events():
        assert event.matchmaking is not None
        for person in event.matchmaking.participants:
            w = words(options.lang or person.language)
            stem = stems[(event.id, person.id)]
            files[f"{stem}.html"] = page(plan, event, person, w).encode("utf-8")
            files[f"{stem}.ics"] = calendar_for(plan, entries(event, person, w), None)
    return files
