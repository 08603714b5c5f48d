"""Matchmaking meetings for people: the terminal grid, and the words every export shares.

Pure functions of a plan's event item or of an `itinerary-meetings/1` event (both carry
`name`, `meetings`, `unmatched` and `matchmaking`); nothing here solves."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..input.spec import Language
from ..match.explain import word
from ..plan.meetings import Matchmaking, Meeting, MeetingPerson, Unmatched
from .i18n import Catalogue, Words, clock_range

MEETING_LABELS: Catalogue = {
    "en": {
        "meetings_of": "Meetings — {event}",
        "m_time": "Time",
        "m_table": "Table",
        "m_table_n": "Table {name}",
        "m_participant": "Participant",
        "m_organisation": "Organisation",
        "m_meets": "Meets",
        "m_summary": "{meetings} of {requests} requested meetings · priority {score} of at most "
        "{bound}{optimal} · {gaps}{fewest} · {without}",
        "m_optimal": " (optimal)",
        "m_gap": "idle gap",
        "m_gaps": "idle gaps",
        "m_fewest": " (fewest possible)",
        "m_without_one": "participant without a meeting",
        "m_without": "participants without a meeting",
        "m_unmatched": "Requests not matched",
        "m_who": "Who",
        "m_priority": "Priority",
        "m_reason": "Reason",
        "m_interpreter": "Interpreter",
        "m_interpreters": "Meetings needing an interpreter",
        "m_none": "No meetings.",
        "m_your": "Your meetings",
        "m_must": "must",
        "m_schedule_for": "Meeting schedule of {name}",
        "m_speaks": "Languages",
    },
    "de": {
        "meetings_of": "Gespräche — {event}",
        "m_time": "Zeit",
        "m_table": "Tisch",
        "m_table_n": "Tisch {name}",
        "m_participant": "Teilnehmer",
        "m_organisation": "Organisation",
        "m_meets": "Gesprächspartner",
        "m_summary": "{meetings} von {requests} gewünschten Gesprächen · Priorität {score} von "
        "höchstens {bound}{optimal} · {gaps}{fewest} · {without}",
        "m_optimal": " (optimal)",
        "m_gap": "Leerlaufzeit",
        "m_gaps": "Leerlaufzeiten",
        "m_fewest": " (so wenige wie möglich)",
        "m_without_one": "Teilnehmer ohne Gespräch",
        "m_without": "Teilnehmer ohne Gespräch",
        "m_unmatched": "Nicht vermittelte Wünsche",
        "m_who": "Wer",
        "m_priority": "Priorität",
        "m_reason": "Grund",
        "m_interpreter": "Dolmetscher",
        "m_interpreters": "Gespräche mit Dolmetscher",
        "m_none": "Keine Gespräche.",
        "m_your": "Ihre Gespräche",
        "m_must": "Pflicht",
        "m_schedule_for": "Gesprächsplan von {name}",
        "m_speaks": "Sprachen",
    },
    "fr": {
        "meetings_of": "Rendez-vous — {event}",
        "m_time": "Heure",
        "m_table": "Table",
        "m_table_n": "Table {name}",
        "m_participant": "Participant",
        "m_organisation": "Organisation",
        "m_meets": "Rencontre",
        "m_summary": "{meetings} des {requests} rendez-vous demandés · priorité {score} sur "
        "{bound} au plus{optimal} · {gaps}{fewest} · {without}",
        "m_optimal": " (optimal)",
        "m_gap": "temps mort",
        "m_gaps": "temps morts",
        "m_fewest": " (le moins possible)",
        "m_without_one": "participant sans rendez-vous",
        "m_without": "participants sans rendez-vous",
        "m_unmatched": "Demandes non satisfaites",
        "m_who": "Qui",
        "m_priority": "Priorité",
        "m_reason": "Raison",
        "m_interpreter": "Interprète",
        "m_interpreters": "Rendez-vous avec interprète",
        "m_none": "Aucun rendez-vous.",
        "m_your": "Vos rendez-vous",
        "m_must": "impératif",
        "m_schedule_for": "Planning de rendez-vous de {name}",
        "m_speaks": "Langues",
    },
}


class MeetingsLike(Protocol):
    """A plan's event item with matchmaking, or an event of the meetings file."""

    @property
    def name(self) -> str: ...
    @property
    def meetings(self) -> list[Meeting] | None: ...
    @property
    def unmatched(self) -> list[Unmatched] | None: ...
    @property
    def matchmaking(self) -> Matchmaking | None: ...


def words(lang: Language) -> Words:
    return Words(lang, MEETING_LABELS)


def table_name(info: Matchmaking, table: str, w: Words) -> str:
    name = next((t.name for t in info.tables if t.id == table), table)
    return w.fmt("m_table_n", name=name) if name.isdigit() else name


def people(info: Matchmaking) -> dict[str, MeetingPerson]:
    return {p.id: p for p in info.participants}


def person_text(person: MeetingPerson | None, who: str) -> str:
    if person is None:
        return who
    return f"{person.name} ({person.organisation})" if person.organisation else person.name


def reason_in(u: Unmatched, lang: str) -> str:
    if u.cause is None:
        return u.reason
    return word(u.cause.code, u.cause.args, lang)


def priority_text(priority: int, must: bool | None, w: Words) -> str:
    return f"{priority} ({w['m_must']})" if must else str(priority)


def summary(event: MeetingsLike, w: Words) -> str:
    info = event.matchmaking
    assert info is not None
    meetings = event.meetings or []
    busy = {who for m in meetings for who in m.with_}
    asked = busy | {who for u in event.unmatched or [] for who in u.with_}
    return w.fmt(
        "m_summary",
        meetings=len(meetings),
        requests=len(meetings) + len(event.unmatched or []),
        score=info.score,
        bound=info.bound,
        optimal=w["m_optimal"] if info.optimal else "",
        gaps=w.count(info.idle_gaps, "m_gap", "m_gaps"),
        # Proven fewest: worth saying only when there are gaps at all.
        fewest=w["m_fewest"] if info.gaps_optimal and info.idle_gaps else "",
        without=w.count(len(asked - busy), "m_without_one", "m_without"),
    )


def grid_rows(event: MeetingsLike, w: Words) -> list[tuple[str, str, str, str, bool]]:
    """(time, table, participant, participant, interpreter) per meeting, by slot and table;
    the time only on a slot's first row."""
    info = event.matchmaking
    assert info is not None
    who = people(info)
    order = {t.id: i for i, t in enumerate(info.tables)}
    rows = []
    last = None
    for m in sorted(event.meetings or [], key=lambda m: (m.start, order.get(m.table, 0))):
        span = clock_range(m.start, m.end)
        rows.append(
            (
                span if span != last else "",
                table_name(info, m.table, w),
                person_text(who.get(m.with_[0]), m.with_[0]),
                person_text(who.get(m.with_[1]), m.with_[1]),
                bool(m.interpreter),
            )
        )
        last = span
    return rows


def meetings_renderable(event: MeetingsLike, lang: Language) -> RenderableType:
    """The grid (per slot: table and the two participants), the summary, and the requests
    left out with their reasons."""
    w = words(lang)
    info = event.matchmaking
    assert info is not None
    parts: list[RenderableType] = []
    grid = Table(title=w.fmt("meetings_of", event=event.name), title_justify="left")
    grid.add_column(w["m_time"], no_wrap=True)
    grid.add_column(w["m_table"], no_wrap=True)
    grid.add_column(w["m_participant"])
    grid.add_column(w["m_participant"])
    for span, table, a, b, interpreter in grid_rows(event, w):
        grid.add_row(span, table, a, b + (f" [{w['m_interpreter']}]" if interpreter else ""))
    if event.meetings:
        parts.append(grid)
    else:
        parts.append(Text(f"{w.fmt('meetings_of', event=event.name)}: {w['m_none']}"))
    parts.append(Text(summary(event, w)))
    if event.unmatched:
        who = people(info)
        left = Table(title=w["m_unmatched"], title_justify="left")
        left.add_column(w["m_who"])
        left.add_column(w["m_priority"], no_wrap=True)
        left.add_column(w["m_reason"])
        for u in event.unmatched:
            names = " – ".join(who[i].name if i in who else i for i in u.with_)
            left.add_row(
                names,
                priority_text(u.priority, u.must, w),
                reason_in(u, lang),
                style="bold red" if u.must else None,
            )
        parts.append(left)
    return Group(*parts)


def all_meetings_renderable(events: Sequence[MeetingsLike], lang: Language) -> RenderableType:
    return Group(*(meetings_renderable(e, lang) for e in events))
