"""`itinerary suggest` in words (en, de, fr) and as JSON (`itinerary-suggest/1`).

Pure functions of a `plan.suggest.Suggestion`: dates through Babel (`i18n.Words`), times as
24-hour clock times, and per slot the sentence an organiser sends the host ("Open Monday,
23 May 2016, 16:30–18:10 instead of 08:30–12:00").
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Final

from babel.lists import format_list

from ..input.spec import LOCALES, Language, format_time_of_day
from ..plan.reasons import duration, reason_in
from ..plan.suggest import SuggestedSlot, Suggestion, Timed
from .i18n import Catalogue, Words, clock, clock_range

FORMAT: Final = "itinerary-suggest/1"

TEXTS: Catalogue = {
    "en": {
        "sg_in_plan": "{name} is in the plan: {date}, {time}. Nothing to ask.",
        "sg_left_out": "{name} is not in the plan: {reason}",
        "sg_not_in_plan": "{name} is not in the plan.",
        "sg_title": "Where its visit ({minutes}) would fit if the host agreed, best first:",
        "sg_shown": "Slots shown: {shown} of {total}; --limit shows more.",
        "sg_none": "No start on any day searched fits it, even with two visits taken out.",
        "sg_closed": "Not searched (closed): {days}.",
        "sg_closed_day": "closed day",
        "sg_start": "start {time}",
        "sg_starts": "start {first}–{last}",
        "sg_within": "within its opening hours",
        "sg_outside": "outside its opening hours",
        "sg_ask_within": "Receive us on {date}, {window} (within your opening hours)",
        "sg_ask_outside": "Open {date}, {window} instead of {hours}",
        "sg_ask_closed": "Open {date}, {window} (so far closed that day)",
        "sg_ask": "Ask",
        "sg_quoted": "“{text}”",
        "sg_score": "score {change}",
        "sg_travel": "travel {change}",
        "sg_required": "must-visits and events left out {change}",
        "sg_moves": "moves {name}: {old} → {new}",
        "sg_drops": "drops {name} ({priority}), {time}",
        "sg_nothing_else": "no other visit moves",
        "sg_must": "must",
        "sg_priority": "priority {priority}",
        "sg_event": "event",
    },
    "de": {
        "sg_in_plan": "{name} ist im Plan: {date}, {time}. Nichts anzufragen.",
        "sg_left_out": "{name} ist nicht im Plan: {reason}",
        "sg_not_in_plan": "{name} ist nicht im Plan.",
        "sg_title": "Wo der Besuch ({minutes}) passen würde, wenn der Gastgeber zustimmt, "
        "die besten Zeitfenster zuerst:",
        "sg_shown": "Gezeigt: {shown} von {total} Zeitfenstern; --limit zeigt mehr.",
        "sg_none": "Kein Beginn an einem der durchsuchten Tage passt, auch nicht, wenn zwei "
        "Besuche entfallen.",
        "sg_closed": "Nicht durchsucht (geschlossen): {days}.",
        "sg_closed_day": "Schließtag",
        "sg_start": "Beginn {time}",
        "sg_starts": "Beginn {first}–{last}",
        "sg_within": "innerhalb der Öffnungszeiten",
        "sg_outside": "außerhalb der Öffnungszeiten",
        "sg_ask_within": "Empfang am {date}, {window} (innerhalb Ihrer Öffnungszeiten)",
        "sg_ask_outside": "Geöffnet am {date}, {window} statt {hours}",
        "sg_ask_closed": "Geöffnet am {date}, {window} (an diesem Tag sonst geschlossen)",
        "sg_ask": "Anfrage",
        "sg_quoted": "„{text}“",
        "sg_score": "Punkte {change}",
        "sg_travel": "Fahrzeit {change}",
        "sg_required": "fehlende Pflichtbesuche und Termine {change}",
        "sg_moves": "verschiebt {name}: {old} → {new}",
        "sg_drops": "streicht {name} ({priority}), {time}",
        "sg_nothing_else": "kein anderer Besuch verschiebt sich",
        "sg_must": "Pflicht",
        "sg_priority": "Priorität {priority}",
        "sg_event": "Termin",
    },
    "fr": {
        "sg_in_plan": "{name} est au programme\u202f: {date}, {time}. Rien à demander.",
        "sg_left_out": "{name} n'est pas au programme\u202f: {reason}",
        "sg_not_in_plan": "{name} n'est pas au programme.",
        "sg_title": "Où sa visite ({minutes}) trouverait place si l'hôte acceptait, "
        "les meilleurs créneaux d'abord\u202f:",
        "sg_shown": "Créneaux affichés\u202f: {shown} sur {total}\u202f; --limit en affiche plus.",
        "sg_none": "Aucun début, aucun jour examiné, ne convient, même en retirant deux visites.",
        "sg_closed": "Jours non examinés (fermeture)\u202f: {days}.",
        "sg_closed_day": "jour de fermeture",
        "sg_start": "début {time}",
        "sg_starts": "début {first}–{last}",
        "sg_within": "dans ses heures d'ouverture",
        "sg_outside": "hors de ses heures d'ouverture",
        "sg_ask_within": "Nous recevoir le {date}, {window} (dans vos heures d'ouverture)",
        "sg_ask_outside": "Ouvrir le {date}, {window} au lieu de {hours}",
        "sg_ask_closed": "Ouvrir le {date}, {window} (jour habituellement fermé)",
        "sg_ask": "Demande",
        "sg_quoted": "« {text} »",
        "sg_score": "score {change}",
        "sg_travel": "trajets {change}",
        "sg_required": "visites obligatoires et événements manquants {change}",
        "sg_moves": "déplace {name}\u202f: {old} → {new}",
        "sg_drops": "retire {name} ({priority}), {time}",
        "sg_nothing_else": "aucune autre visite ne bouge",
        "sg_must": "obligatoire",
        "sg_priority": "priorité {priority}",
        "sg_event": "événement",
    },
}


def _words(lang: Language) -> Words:
    return Words(lang, TEXTS)


def _hours(hours: Sequence[tuple[int, int]], lang: Language) -> str:
    """'08:30–12:00 and 14:00–17:00' in `lang`."""
    shown = [f"{format_time_of_day(a)}–{format_time_of_day(b)}" for a, b in hours]
    return format_list(shown, locale=LOCALES[lang]) if shown else ""


def _span(item: Timed, slot: SuggestedSlot, w: Words) -> str:
    """'09:00–10:30', after the date when it is not the slot's ('Tuesday, 24 May 2016,
    09:00–10:30': a visit moved to another day)."""
    text = clock_range(item.start, item.end)
    if item.start.date() != slot.date:
        text = f"{w.long_date(item.start.date())}, {text}"
    return text


def _signed_minutes(minutes: int, lang: Language) -> str:
    sign = "+" if minutes > 0 else "−" if minutes < 0 else "±"
    return f"{sign}{duration(abs(minutes), lang)}"


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else f"−{-n}" if n < 0 else "±0"


def sentence(slot: SuggestedSlot, lang: Language) -> str:
    """What the organiser asks the host for this slot: the window from its first start to the
    end of a visit at its last start."""
    w = _words(lang)
    date = w.long_date(slot.date)
    window = clock_range(slot.start, slot.end)
    if slot.within_hours:
        return w.fmt("sg_ask_within", date=date, window=window)
    if not slot.hours:
        return w.fmt("sg_ask_closed", date=date, window=window)
    return w.fmt("sg_ask_outside", date=date, window=window, hours=_hours(slot.hours, lang))


def suggestion_text(suggestion: Suggestion, lang: Language, limit: int) -> str:
    """The report for people: where the host is, or why not and the best `limit` slots."""
    w = _words(lang)
    lines: list[str] = []
    if suggestion.planned is not None:
        visit = suggestion.planned
        lines.append(
            w.fmt(
                "sg_in_plan",
                name=suggestion.host_name,
                date=w.long_date(visit.start.date()),
                time=clock_range(visit.start, visit.end),
            )
        )
        return "\n".join(lines) + "\n"
    if suggestion.unscheduled is not None:
        reason = reason_in(suggestion.unscheduled, lang)
        lines.append(w.fmt("sg_left_out", name=suggestion.host_name, reason=reason))
    else:
        lines.append(w.fmt("sg_not_in_plan", name=suggestion.host_name))
    if suggestion.closed:
        days = []
        for closure in suggestion.closed:
            name = closure.holiday.get(lang) if closure.holiday else w["sg_closed_day"]
            days.append(f"{w.long_date(closure.date)} ({name})")
        lines.append(w.fmt("sg_closed", days="; ".join(days)))
    lines.append("")
    if not suggestion.slots:
        lines.append(w["sg_none"])
        return "\n".join(lines) + "\n"
    lines.append(w.fmt("sg_title", minutes=duration(suggestion.duration, lang)))
    shown = suggestion.slots[:limit]
    for rank, slot in enumerate(shown, 1):
        lines.append("")
        lines += _slot_lines(slot, rank, w)
    if len(shown) < len(suggestion.slots):
        lines.append("")
        lines.append(w.fmt("sg_shown", shown=len(shown), total=len(suggestion.slots)))
    return "\n".join(lines) + "\n"


def _slot_lines(slot: SuggestedSlot, rank: int, w: Words) -> list[str]:
    lang = w.lang
    if slot.latest_start == slot.start:
        starts = w.fmt("sg_start", time=clock(slot.start))
    else:
        starts = w.fmt("sg_starts", first=clock(slot.start), last=clock(slot.latest_start))
    where = w["sg_within"] if slot.within_hours else w["sg_outside"]
    colon = w["colon"]
    number = f"{rank}. "
    pad = " " * len(number)  # the lines under it start where its text does
    lines = [f"{number}{w.long_date(slot.date)}, {starts} — {where}"]
    lines.append(f"{pad}{w['sg_ask']}{colon}{w.fmt('sg_quoted', text=sentence(slot, lang))}")
    cost = [
        w.fmt("sg_score", change=_signed(slot.score_change)),
        w.fmt("sg_travel", change=_signed_minutes(slot.travel_change, lang)),
    ]
    if slot.required_change:
        cost.append(w.fmt("sg_required", change=_signed(slot.required_change)))
    lines.append(pad + ", ".join(cost))
    for move in slot.moves:
        lines.append(
            pad
            + w.fmt(
                "sg_moves",
                name=move.old.name,
                old=_span(move.old, slot, w),
                new=_span(move.new, slot, w),
            )
        )
    for drop in slot.drops:
        lines.append(
            pad
            + w.fmt(
                "sg_drops", name=drop.name, priority=_priority(drop, w), time=_span(drop, slot, w)
            )
        )
    if not slot.moves and not slot.drops:
        lines.append(pad + w["sg_nothing_else"])
    return lines


def _priority(item: Timed, w: Words) -> str:
    if item.kind == "event":
        return w["sg_event"]
    if item.priority == "must":
        return w["sg_must"]
    return w.fmt("sg_priority", priority=item.priority)


def _times(item: Timed) -> dict[str, str]:
    return {
        "date": item.start.date().isoformat(),
        "start": item.start.isoformat(),
        "end": item.end.isoformat(),
    }


def suggestion_json(suggestion: Suggestion, lang: Language, limit: int) -> str:
    """`itinerary-suggest/1`: the host, where it is if planned, and the best `limit` slots,
    each with its sentence in `lang`; times are ISO 8601 with their UTC offset."""
    data: dict[str, Any] = {
        "format": FORMAT,
        "host": suggestion.host_id,
        "name": suggestion.host_name,
        "duration": suggestion.duration,
        "planned": None if suggestion.planned is None else _times(suggestion.planned),
        "reason": None
        if suggestion.unscheduled is None
        else reason_in(suggestion.unscheduled, lang),
        "not_searched": [
            {
                "date": c.date.isoformat(),
                "holiday": c.holiday.get(lang) if c.holiday else None,
            }
            for c in suggestion.closed
        ],
        "slots_found": len(suggestion.slots),
        "slots": [_slot_json(slot, lang) for slot in suggestion.slots[:limit]],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _slot_json(slot: SuggestedSlot, lang: Language) -> dict[str, Any]:
    return {
        "date": slot.date.isoformat(),
        "start": slot.start.isoformat(),
        "latest_start": slot.latest_start.isoformat(),
        "end": slot.end.isoformat(),
        "within_hours": slot.within_hours,
        "hours": [
            {"from": format_time_of_day(a), "to": format_time_of_day(b)} for a, b in slot.hours
        ],
        "required_change": slot.required_change,
        "score_change": slot.score_change,
        "travel_change": slot.travel_change,
        "moves": [
            {
                "id": m.old.id,
                "name": m.old.name,
                "kind": m.old.kind,
                "old": _times(m.old),
                "new": _times(m.new),
            }
            for m in slot.moves
        ],
        "drops": [{"id": d.id, "name": d.name, "kind": d.kind, **_times(d)} for d in slot.drops],
        "sentence": sentence(slot, lang),
    }
