"""What changed between two plans, for the organiser's terminal (`itinerary diff`): whom to
tell first (hosts moved, removed, added), then events, then the shape of each day, in the
reader's language. Names, never ids; dates as the language writes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from babel.dates import format_skeleton
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..input.spec import LOCALES, Language
from ..plan import Plan
from ..plan.diff import Change, PlanDiff, Slot, Told
from .i18n import Words, clock, clock_range

TEXTS = {
    "en": {
        "host_col": "Host",
        "event_col": "Event",
        "change_col": "Change",
        "before_col": "Before",
        "now_col": "Now",
        "ch_moved": "moved",
        "ch_removed": "removed",
        "ch_added": "added",
        "ch_unchanged": "unchanged",
        "ch_confirmed": "confirmed",
        "ch_declined": "declined",
        "and_replies": "{changes}; {replies}",
        "n_moved": "moved",
        "n_moved_one": "moved",
        "n_removed": "removed",
        "n_removed_one": "removed",
        "n_added": "added",
        "n_added_one": "added",
        "n_declined": "declined",
        "n_declined_one": "declined",
        "n_confirmed": "confirmed",
        "n_confirmed_one": "confirmed",
        "to_tell": "Hosts to tell: {count} ({changes})",
        "none_to_tell": "No host to tell: every visit is where it was.",
        "unchanged_hosts": "Unchanged ({count}): {names}",
        "events_unchanged": "Events: all at their times.",
        "days_title": "Days",
        "day_added": "new day in the programme, {start}–{end}",
        "day_removed": "no longer in the programme",
        "day_starts": "starts at {new} (was {old})",
        "day_ends": "ends at {new} (was {old})",
        "day_from": "starts from {new} (was {old})",
        "day_to": "ends at {new} (was {old})",
        "lunch_moved": "lunch {new} (was {old})",
        "lunch_added": "lunch {new} (none before)",
        "lunch_removed": "no lunch (was {old})",
        "at_place": "{time} at {place}",
        "on_the_way": "{time} on the way",
        "score_travel": "Score {old_score} → {new_score} · travel {old_travel} → {new_travel} min",
        "other_trip": (
            "These plans are of different trips ({old} and {new}): their calendar entries "
            "have different UIDs."
        ),
    },
    "de": {
        "host_col": "Gastgeber",
        "event_col": "Termin",
        "change_col": "Änderung",
        "before_col": "Bisher",
        "now_col": "Jetzt",
        "ch_moved": "verschoben",
        "ch_removed": "entfällt",
        "ch_added": "neu",
        "ch_unchanged": "unverändert",
        "ch_confirmed": "bestätigt",
        "ch_declined": "abgesagt",
        "and_replies": "{changes}; {replies}",
        "n_moved": "verschoben",
        "n_moved_one": "verschoben",
        "n_removed": "entfallen",
        "n_removed_one": "entfallen",
        "n_added": "neu",
        "n_added_one": "neu",
        "n_declined": "abgesagt",
        "n_declined_one": "abgesagt",
        "n_confirmed": "bestätigt",
        "n_confirmed_one": "bestätigt",
        "to_tell": "Zu benachrichtigen: {count} Gastgeber ({changes})",
        "none_to_tell": "Niemand zu benachrichtigen: jeder Besuch bleibt, wo er war.",
        "unchanged_hosts": "Unverändert ({count}): {names}",
        "events_unchanged": "Termine: alle zur bisherigen Zeit.",
        "days_title": "Tage",
        "day_added": "neuer Programmtag, {start}–{end}",
        "day_removed": "nicht mehr im Programm",
        "day_starts": "Beginn {new} (bisher {old})",
        "day_ends": "Ende {new} (bisher {old})",
        "day_from": "Abfahrt ab {new} (bisher {old})",
        "day_to": "Tagesziel {new} (bisher {old})",
        "lunch_moved": "Mittagessen {new} (bisher {old})",
        "lunch_added": "Mittagessen {new} (bisher keines)",
        "lunch_removed": "kein Mittagessen (bisher {old})",
        "at_place": "{time} bei {place}",
        "on_the_way": "{time} unterwegs",
        "score_travel": (
            "Punktzahl {old_score} → {new_score} · Fahrzeit {old_travel} → {new_travel} Min."
        ),
        "other_trip": (
            "Diese Pläne gehören zu verschiedenen Reisen ({old} und {new}): ihre "
            "Kalendereinträge haben verschiedene UIDs."
        ),
    },
    "fr": {
        "host_col": "Hôte",
        "event_col": "Rendez-vous",
        "change_col": "Modification",
        "before_col": "Avant",
        "now_col": "Désormais",
        "ch_moved": "déplacée",
        "ch_removed": "supprimée",
        "ch_added": "ajoutée",
        "ch_unchanged": "inchangée",
        "ch_confirmed": "confirmée",
        "ch_declined": "déclinée",
        "and_replies": "{changes}\u202f; {replies}",
        "n_moved": "déplacées",
        "n_moved_one": "déplacée",
        "n_removed": "supprimées",
        "n_removed_one": "supprimée",
        "n_added": "ajoutées",
        "n_added_one": "ajoutée",
        "n_declined": "déclinées",
        "n_declined_one": "déclinée",
        "n_confirmed": "confirmées",
        "n_confirmed_one": "confirmée",
        "to_tell": "Hôtes à prévenir\u202f: {count} ({changes})",
        "none_to_tell": "Personne à prévenir\u202f: chaque visite reste à sa place.",
        "unchanged_hosts": "Inchangées ({count})\u202f: {names}",
        "events_unchanged": "Rendez-vous\u202f: tous à leur heure.",
        "days_title": "Journées",
        "day_added": "nouvelle journée au programme, {start}–{end}",
        "day_removed": "ne figure plus au programme",
        "day_starts": "début à {new} (avant {old})",
        "day_ends": "fin à {new} (avant {old})",
        "day_from": "départ de {new} (avant {old})",
        "day_to": "fin de journée à {new} (avant {old})",
        "lunch_moved": "déjeuner {new} (avant {old})",
        "lunch_added": "déjeuner {new} (aucun avant)",
        "lunch_removed": "pas de déjeuner (avant {old})",
        "at_place": "{time} à {place}",
        "on_the_way": "{time} en route",
        "score_travel": (
            "Score {old_score} → {new_score} · trajets {old_travel} → {new_travel} min"
        ),
        "other_trip": (
            "Ces plans concernent des voyages différents ({old} et {new})\u202f: leurs "
            "entrées de calendrier ont des UID différents."
        ),
    },
}

_STYLE = {"moved": "yellow", "removed": "bold red", "added": "green"}
# The hosts' own replies: what the organiser acknowledges or thanks for, after the changes.
_REPLIES = {"declined": "red", "confirmed": "cyan"}
_ORDER = [*_STYLE, *_REPLIES]


def short_date(date: dt.date, lang: Language) -> str:
    """'Tue 24 May', 'Di., 24. Mai', 'mar. 24 mai'."""
    return format_skeleton("MMMEd", date, locale=LOCALES[lang])


def when(slot: Slot | None, lang: Language, *, long: bool = False) -> str:
    """'Tue 24 May, 10:00–11:30', or with `long` 'Tuesday, 24 May 2016, 10:00–11:30' (a
    subgroup's track named after it); '—' for none."""
    if slot is None:
        return "—"
    date = Words(lang).long_date(slot.date) if long else short_date(slot.date, lang)
    text = f"{date}, {_times(slot)}"
    return text if slot.group == "all" else f"{text} ({slot.group_name or slot.group})"


def _items_table(changes: tuple[Change, ...], first: str, w: Words, notes: dict[str, str]) -> Table:
    table = Table(show_header=True, header_style="bold", pad_edge=False)
    table.add_column(w[first])
    table.add_column(w["change_col"], no_wrap=True)
    table.add_column(w["before_col"])
    table.add_column(w["now_col"])
    for change in changes:
        now = when(change.new, w.lang)
        if change.new is None and change.id in notes:
            now = f"— ({notes[change.id]})"
        label = _label(change)
        table.add_row(
            change.name,
            Text(w[f"ch_{label}"], style={**_STYLE, **_REPLIES}.get(label, "")),
            when(change.old, w.lang),
            now,
        )
    return table


def _label(change: Change) -> str:
    """What the table says of a change: a host removed because it declined says `declined`."""
    return change.reason if change.change == "removed" and change.reason else change.change


def _times(slot: Slot) -> str:
    return clock_range(slot.start, slot.end, slot.date)


def _lunch_text(slot: Slot, w: Words) -> str:
    time = _times(slot)
    if slot.place is None:
        return w.fmt("on_the_way", time=time)
    return w.fmt("at_place", time=time, place=slot.place)


def day_lines(change: Change, w: Words) -> list[str]:
    """What changed in a day or its lunch, as short phrases."""
    old, new = change.old, change.new
    if change.subject == "lunch":
        if old is None:
            assert new is not None
            return [w.fmt("lunch_added", new=_lunch_text(new, w))]
        if new is None:
            return [w.fmt("lunch_removed", old=_lunch_text(old, w))]
        was = _lunch_text(old, w) if old.place != new.place else _times(old)
        return [w.fmt("lunch_moved", new=_lunch_text(new, w), old=was)]
    if old is None:
        assert new is not None
        return [w.fmt("day_added", start=clock(new.start, new.date), end=clock(new.end, new.date))]
    if new is None:
        return [w["day_removed"]]
    lines = []
    if old.start != new.start:
        lines.append(
            w.fmt("day_starts", new=clock(new.start, new.date), old=clock(old.start, old.date))
        )
    if old.place != new.place:
        lines.append(w.fmt("day_from", new=new.place, old=old.place))
    if old.end != new.end:
        lines.append(w.fmt("day_ends", new=clock(new.end, new.date), old=clock(old.end, old.date)))
    if old.end_place != new.end_place:
        lines.append(w.fmt("day_to", new=new.end_place, old=old.end_place))
    return lines


def _day_title(change: Change, w: Words) -> str:
    slot = change.new or change.old
    assert slot is not None
    title = w.long_date(slot.date)
    return title if slot.group == "all" else f"{title} ({slot.group_name or slot.group})"


def _told_counts(told: dict[str, Told], w: Words) -> str:
    """'3 moved, 1 removed, 0 added', then the hosts' replies (declined, confirmed) only when
    there are any, so the line reads the same for a re-plan of the organiser's own making:
    '…; 1 declined'. Each count agrees with its number ('1 supprimée', '2 supprimées')."""
    counts = {kind: sum(1 for k in told.values() if k == kind) for kind in _ORDER}

    def listed(kinds: Iterable[str]) -> str:
        return ", ".join(w.count(counts[kind], f"n_{kind}_one", f"n_{kind}") for kind in kinds)

    changes = listed(_STYLE)
    replies = [kind for kind in _REPLIES if counts[kind]]
    return w.fmt("and_replies", changes=changes, replies=listed(replies)) if replies else changes


def diff_renderable(diff: PlanDiff, old: Plan, new: Plan, lang: Language) -> RenderableType:
    """The hosts to tell, the unchanged ones by name, the events that changed, what changed in
    each day, and the score and travel before and after."""
    w = Words(lang, TEXTS)
    parts: list[RenderableType] = []
    if not diff.same_trip:
        parts.append(
            Text(w.fmt("other_trip", old=old.trip.name, new=new.trip.name), style="bold red")
        )
    told = diff.hosts_to_tell()
    if told:
        parts.append(
            Text(w.fmt("to_tell", count=len(told), changes=_told_counts(told, w)), style="bold")
        )
        # Whom to write to, by what to write: new times, cancellations, invitations, replies.
        hosts = tuple(
            sorted(
                (c for c in diff.of("host") if c.change != "unchanged"),
                key=lambda c: _ORDER.index(_label(c)),
            )
        )
        reasons = {u.id: w.reason(u) for u in new.unscheduled if u.kind == "host"}
        parts.append(_items_table(hosts, "host_col", w, reasons))
    else:
        parts.append(Text(w["none_to_tell"], style="bold"))
    name = {c.id: c.name for c in diff.of("host")}
    unchanged = [name[host_id] for host_id in diff.unchanged_hosts()]
    if unchanged:
        names = ", ".join(unchanged)
        parts.append(Text(w.fmt("unchanged_hosts", count=len(unchanged), names=names)))
    events = tuple(c for c in diff.of("event") if c.change != "unchanged")
    if events:
        reasons = {u.id: w.reason(u) for u in new.unscheduled if u.kind == "event"}
        parts.append(_items_table(events, "event_col", w, reasons))
    elif diff.of("event"):
        parts.append(Text(w["events_unchanged"]))
    days = [c for c in diff.changes if c.subject in ("day", "lunch")]
    if days:
        lines: dict[str, list[str]] = {}
        for change in days:
            lines.setdefault(_day_title(change, w), []).extend(day_lines(change, w))
        table = Table.grid(padding=(0, 1), pad_edge=False)
        table.add_column(no_wrap=True)
        table.add_column()
        for title, phrases in lines.items():
            table.add_row(title, "\n".join(phrases))
        parts.append(Text(w["days_title"], style="bold"))
        parts.append(table)
    parts.append(
        Text(
            w.fmt(
                "score_travel",
                old_score=old.score,
                new_score=new.score,
                old_travel=old.travel_minutes,
                new_travel=new.travel_minutes,
            )
        )
    )
    return Group(*parts)


def print_diff(diff: PlanDiff, old: Plan, new: Plan, console: Console, lang: Language) -> None:
    console.print(diff_renderable(diff, old, new, lang))


__all__ = ["TEXTS", "day_lines", "diff_renderable", "print_diff", "short_date", "when"]
