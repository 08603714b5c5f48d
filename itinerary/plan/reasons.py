"""Why a host or event is not in the plan, worded in en, de and fr.

`explain` finds the cause as a code with values (`plan.Cause`); this module turns it into a
sentence. The English sentence is also stored in the plan as `reason`, so a plan stays readable
without this module.

A cause's values are worded by their key, the same for every cause (`_VALUES`): `date` (an ISO
date) as the language writes a date in a sentence ("Wednesday, 13 July 2016", "Mittwoch,
13. Juli 2016", "mercredi 13 juillet 2016"), `visits` ([id, name, priority, ISO date] each) as
names with their priorities, `events` as names on their dates, `travel_minutes` as a duration
in `travel`, `groups` ([id, name] each) as names. A new cause needs its code in `TEMPLATES` in
each language, and a new kind of value its entry in `_VALUES`. Codes of older versions stay here,
so that older plans still read well.

With sub-groups (`groups`), the cause of a host or event one group leaves out carries that
group's id as `group` and its name as `group_name`: the sentence begins with the name
("Automation & Industry 4.0: holds 12 visitors; …").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from babel.dates import format_date

from ..input.spec import LOCALES, Language
from . import Cause, Unscheduled

_HOLIDAY_NAME_AT = {"en": 0, "de": 1, "fr": 2}  # in a `closed_on` day: [date, en, de, fr]
_CLOSED_DAYS_SHOWN = 3

TEMPLATES: dict[str, dict[str, str]] = {
    "en": {
        "declined": "the host declined the visit",
        "over_capacity": (
            "holds {capacity} visitors; the group has {size} — split the delegation or ask "
            "for two tours"
        ),
        "closed": "closed on every trip day",
        "closed_on": "closed on {days}",
        "closed_day": "closed day",
        "closed_more": " and {n} more days",
        "window_too_short": "open window {window} is shorter than the {minutes}-minute visit",
        "window_off_grid": "open window {window} leaves the {minutes}-minute visit no start on "
        "the {grid}-minute time grid",
        "outside_day": (
            "its open hours leave no {minutes} minutes within the day's hours on any trip day"
        ),
        "too_far_for_day": "cannot be reached from {place} and back within the day "
        "(needs {travel} travel)",
        "too_far_for_window": "cannot be reached from {place} within its open hours "
        "({travel} travel each way)",
        "no_lunch_room": "leaves no room for lunch on any day it is open",
        "event_conflict": "conflicts with {events}",
        "around_events": "does not fit around the day's events",
        "lunch_and_events": "fits on no day together with that day's lunch and events",
        "must_crowded": "does not fit together with the other must-visits and events",
        # What the plan's days leave for it (explain.Room): the cheapest way in.
        "outranked": "left out for higher-priority visits: it fits only in place of {visits} "
        "on {date}",
        "leaves_must_out": "fits on {date} only in place of {visits}, which would leave the "
        "plan incomplete",
        "lower_score": "fits on {date} only in place of {visits}, which would lower the score "
        "by {points}",
        "more_travel": "fits on {date} only in place of {visits}, for the same score with "
        "{travel} more travel",
        "equal_swap": "fits on {date} in place of {visits}, for a plan just as good (the same "
        "score and travel)",
        "better_swap": "fits on {date} in place of {visits}, which makes a better plan; the "
        "search stopped before it found it",
        "room_left": "fits on {date} without dropping a visit; the search stopped before it "
        "found this better plan",
        "adds_travel": "fits on {date} without dropping a visit, but adds {travel} of travel "
        "and no score",
        "no_room": "no day of the plan has room for it, not even in place of other visits",
        "event_crowded": "does not fit together with the must-visits and other events of that day",
        "event_unreachable": (
            "cannot be reached from the day's start place and back within the day's hours"
        ),
        "other_choice": "the other choice, {name}, is in the plan",
        "after_missing": "visited only after {name}, which is not in the plan",
        "after_too_late": "visited only after {name}, which the plan cannot fit before it",
        # Sub-groups: a host another group is at whenever this one could come; a host open only
        # on the dates the delegation travels together (or only when the groups split).
        "closed_when_together": "open only on the dates the whole delegation travels together",
        "closed_when_split": "open only on the dates the groups tour on their own",
        "capacity_shared": "{groups} would be there whenever this group could come, and "
        "together they would be {total} visitors; it holds {capacity}",
        # Plans of older versions: said of every host crowded out, true or not.
        "crowded_out": "left out for higher-priority visits (priority {priority})",
        # The pieces of the values.
        "event_on": "{name} on {date}",
        "visit_priority": "{name} (priority {priority})",
        "visit_must": "{name} (must-visit)",
        "visit_priority_on": "{name} (priority {priority}, {date})",
        "visit_must_on": "{name} (must-visit, {date})",
        "minutes": "min",
        "and": " and ",
        "colon": ": ",
    },
    "de": {
        "declined": "der Gastgeber hat den Besuch abgesagt",
        "over_capacity": (
            "empfängt höchstens {capacity} Besucher; die Gruppe hat {size} — teilen Sie die "
            "Delegation oder bitten Sie um zwei Führungen"
        ),
        "closed": "an keinem Reisetag geöffnet",
        "closed_on": "geschlossen am {days}",
        "closed_day": "Schließtag",
        "closed_more": " und an {n} weiteren Tagen",
        "window_too_short": "Öffnungszeit {window} ist kürzer als der {minutes}-minütige Besuch",
        "window_off_grid": "Öffnungszeit {window} lässt dem {minutes}-minütigen Besuch keinen "
        "Beginn im {grid}-Minuten-Raster",
        "outside_day": "die Öffnungszeiten lassen an keinem Reisetag {minutes} Minuten innerhalb "
        "der Tageszeiten frei",
        "too_far_for_day": "von {place} aus nicht hin und zurück innerhalb des Tages erreichbar "
        "({travel} Fahrzeit nötig)",
        "too_far_for_window": "von {place} aus nicht innerhalb der Öffnungszeiten erreichbar "
        "({travel} Fahrzeit je Richtung)",
        "no_lunch_room": "lässt an keinem Öffnungstag Zeit für das Mittagessen",
        "event_conflict": "überschneidet sich mit {events}",
        "around_events": "passt nicht zwischen die Termine des Tages",
        "lunch_and_events": "passt an keinem Tag zusammen mit Mittagessen und Terminen dieses "
        "Tages",
        "must_crowded": "passt nicht mit den anderen Pflichtbesuchen und Terminen zusammen",
        "outranked": "zugunsten wichtigerer Besuche ausgelassen: Platz wäre nur anstelle von "
        "{visits} am {date}",
        "leaves_must_out": "Platz wäre am {date} nur anstelle von {visits}, womit der Plan "
        "unvollständig würde",
        "lower_score": "Platz wäre am {date} nur anstelle von {visits}, was die Punktzahl um "
        "{points} senken würde",
        "more_travel": "Platz wäre am {date} nur anstelle von {visits}, bei gleicher Punktzahl "
        "mit {travel} mehr Fahrzeit",
        "equal_swap": "Platz wäre am {date} anstelle von {visits}, für einen ebenso guten Plan "
        "(gleiche Punktzahl und Fahrzeit)",
        "better_swap": "Platz wäre am {date} anstelle von {visits}, was einen besseren Plan "
        "ergibt; die Suche endete, bevor sie ihn fand",
        "room_left": "Platz wäre am {date}, ohne einen Besuch zu streichen; die Suche endete, "
        "bevor sie diesen besseren Plan fand",
        "adds_travel": "Platz wäre am {date}, ohne einen Besuch zu streichen, aber mit {travel} "
        "mehr Fahrzeit und ohne Punkte",
        "no_room": "an keinem Tag des Plans ist Platz dafür, auch nicht anstelle anderer Besuche",
        "event_crowded": "passt nicht mit den Pflichtbesuchen und anderen Terminen des Tages "
        "zusammen",
        "event_unreachable": "vom Startort des Tages aus nicht hin und zurück innerhalb der "
        "Tageszeiten erreichbar",
        "other_choice": "stattdessen ist die Alternative {name} im Plan",
        "after_missing": "nur nach {name} zu besuchen, das nicht im Plan ist",
        "after_too_late": "nur nach {name} zu besuchen, das der Plan nicht früh genug davor "
        "unterbringt",
        "closed_when_together": "nur an den Tagen geöffnet, an denen die ganze Delegation "
        "gemeinsam reist",
        "closed_when_split": "nur an den Tagen geöffnet, an denen die Gruppen getrennt unterwegs "
        "sind",
        "capacity_shared": "{groups} wäre zu jeder Zeit dort, zu der diese Gruppe kommen "
        "könnte, und zusammen wären es {total} Besucher; Platz ist für {capacity}",
        # Plans of older versions: said of every host crowded out, true or not.
        "crowded_out": "zugunsten wichtigerer Besuche ausgelassen (Priorität {priority})",
        "event_on": "{name} am {date}",
        "visit_priority": "{name} (Priorität {priority})",
        "visit_must": "{name} (Pflichtbesuch)",
        "visit_priority_on": "{name} (Priorität {priority}, {date})",
        "visit_must_on": "{name} (Pflichtbesuch, {date})",
        "minutes": "Min.",
        "and": " und ",
        "colon": ": ",
    },
    "fr": {
        "declined": "l'hôte a décliné la visite",
        "over_capacity": (
            "accueille au plus {capacity} visiteurs ; le groupe en compte {size} — divisez la "
            "délégation ou demandez deux visites"
        ),
        "closed": "fermé tous les jours du voyage",
        "closed_on": "fermé le {days}",
        "closed_day": "jour de fermeture",
        "closed_more": " et {n} autres jours",
        "window_too_short": "le créneau d'ouverture {window} est plus court que la visite de "
        "{minutes} minutes",
        "window_off_grid": "le créneau d'ouverture {window} n'offre à la visite de {minutes} "
        "minutes aucun début sur la grille de {grid} minutes",
        "outside_day": "ses heures d'ouverture ne laissent jamais {minutes} minutes libres dans "
        "les horaires de la journée",
        "too_far_for_day": "inaccessible depuis {place} aller-retour dans la journée "
        "({travel} de trajet nécessaires)",
        "too_far_for_window": "inaccessible depuis {place} pendant ses heures d'ouverture "
        "({travel} de trajet dans chaque sens)",
        "no_lunch_room": "ne laisse pas le temps de déjeuner les jours où il est ouvert",
        "event_conflict": "en conflit avec {events}",
        "around_events": "ne s'insère pas entre les rendez-vous de la journée",
        "lunch_and_events": "ne trouve place dans aucune journée avec son déjeuner et ses "
        "rendez-vous",
        "must_crowded": "incompatible avec les autres visites incontournables et rendez-vous",
        "outranked": "écarté au profit de visites plus prioritaires\u202f: seul le retrait de "
        "{visits} le {date} lui ferait de la place",
        "leaves_must_out": "seul le retrait de {visits} le {date} lui ferait de la place, ce qui "
        "rendrait le programme incomplet",
        "lower_score": "seul le retrait de {visits} le {date} lui ferait de la place, ce qui "
        "abaisserait le score de {points}",
        "more_travel": "seul le retrait de {visits} le {date} lui ferait de la place, pour le "
        "même score avec {travel} de trajet en plus",
        "equal_swap": "le retrait de {visits} le {date} lui ferait de la place, pour un "
        "programme aussi bon (même score, mêmes trajets)",
        "better_swap": "le retrait de {visits} le {date} lui ferait de la place et donnerait un "
        "meilleur programme\u202f; la recherche s'est arrêtée avant de le trouver",
        "room_left": "il y a de la place le {date} sans retirer de visite\u202f; la recherche "
        "s'est arrêtée avant de trouver ce meilleur programme",
        "adds_travel": "il y a de la place le {date} sans retirer de visite, mais avec {travel} "
        "de trajet en plus et sans points",
        "no_room": "aucune journée du programme n'a de place pour cette visite, même à la place "
        "d'autres visites",
        "event_crowded": "incompatible avec les visites incontournables et les autres "
        "rendez-vous de la journée",
        "event_unreachable": "inaccessible aller-retour depuis le point de départ de la journée "
        "dans les horaires de la journée",
        "other_choice": "l'autre choix, {name}, est au programme",
        "after_missing": "à visiter seulement après {name}, qui n'est pas au programme",
        "after_too_late": "à visiter seulement après {name}, que le programme ne peut placer "
        "assez tôt avant",
        "closed_when_together": "ouvert seulement les jours où toute la délégation voyage ensemble",
        "closed_when_split": "ouvert seulement les jours où les groupes visitent chacun de leur "
        "côté",
        "capacity_shared": "{groups} y serait chaque fois que ce groupe pourrait venir, et "
        "ensemble ils seraient {total} visiteurs\u202f; l'hôte en reçoit {capacity}",
        # Plans of older versions: said of every host crowded out, true or not.
        "crowded_out": "écarté au profit de visites plus prioritaires (priorité {priority})",
        "event_on": "{name} le {date}",
        "visit_priority": "{name} (priorité {priority})",
        "visit_must": "{name} (visite incontournable)",
        "visit_priority_on": "{name} (priorité {priority}, {date})",
        "visit_must_on": "{name} (visite incontournable, {date})",
        "minutes": "min",
        "and": " et ",
        "colon": "\u202f: ",
    },
}


def long_date(iso: str, lang: Language) -> str:
    """An ISO date as `lang` writes it in a sentence: 'Wednesday, 13 July 2016'; a text that is
    no date is left as it is."""
    try:
        date = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return format_date(date, format="full", locale=LOCALES[lang])


def duration(minutes: int, lang: Language) -> str:
    """'45 min', '2 h 10': the shape the programme gives travel in, the unit in `lang`."""
    if minutes < 60:
        return f"{minutes} {TEMPLATES[lang]['minutes']}"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}"


def _listed(items: Sequence[str], lang: Language) -> str:
    """'A', 'A and B', 'A, B and C'."""
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + TEMPLATES[lang]["and"] + items[-1]


def _events(value: object, args: Mapping[str, object], lang: Language) -> str:
    """[[id, ISO date], …], named by `args["names"]` ([[name, ISO date], …]) when the plan has
    them (plans of older versions have ids only)."""
    assert isinstance(value, list)
    names = args.get("names")
    pairs = names if isinstance(names, list) and len(names) == len(value) else value
    words = TEMPLATES[lang]
    return _listed(
        [words["event_on"].format(name=n, date=long_date(d, lang)) for n, d in pairs], lang
    )


def _visits(value: object, args: Mapping[str, object], lang: Language) -> str:
    """[[id, name, priority, ISO date], …]; the date is said when it is not the cause's."""
    assert isinstance(value, list)
    words = TEMPLATES[lang]
    worded = []
    for _id, name, priority, date in value:
        kind = "visit_must" if priority == "must" else "visit_priority"
        if date != args.get("date"):
            kind += "_on"
        worded.append(words[kind].format(name=name, priority=priority, date=long_date(date, lang)))
    return _listed(worded, lang)


def _groups(value: object, args: Mapping[str, object], lang: Language) -> str:
    """[[id, name], …] as the names."""
    assert isinstance(value, list)
    return _listed([name for _id, name in value], lang)


def _date(value: object, args: Mapping[str, object], lang: Language) -> str:
    return long_date(str(value), lang)


def _travel(value: object, args: Mapping[str, object], lang: Language) -> str:
    """The travel in the language's words when the minutes are known, else as recorded."""
    minutes = args.get("travel_minutes")
    return duration(minutes, lang) if isinstance(minutes, int) else str(value)


# How each kind of value is worded, by its key; a value of another key is used as it is.
_VALUES: dict[str, Callable[[object, Mapping[str, object], Language], str]] = {
    "date": _date,
    "events": _events,
    "visits": _visits,
    "travel": _travel,
    "groups": _groups,
}


def word_cause(cause: Cause, lang: Language = "en") -> str:
    """The cause as a sentence in `lang`; one group's (`group` in its values) begins with the
    group's name."""
    if cause.code == "closed_on":
        days = _closed_days(cause.args["days"], lang)
        return _of_group(TEMPLATES[lang]["closed_on"].format(days=days), cause, lang)
    args = dict(cause.args)
    if "travel_minutes" in args and "travel" not in args:
        args["travel"] = ""  # worded from the minutes
    values = {
        key: _VALUES[key](value, args, lang) if key in _VALUES else value
        for key, value in args.items()
    }
    return _of_group(TEMPLATES[lang][cause.code].format(**values), cause, lang)


def _of_group(sentence: str, cause: Cause, lang: Language) -> str:
    """The sentence, after the name of the group it is about (sub-groups)."""
    group = cause.args.get("group_name")
    if isinstance(group, str) and group:
        return f"{group}{TEMPLATES[lang]['colon']}{sentence}"
    return sentence


def _closed_days(days: object, lang: Language) -> str:
    """`[[date, en, de, fr], [date]]` (a holiday's names, or none for a closed date) ->
    'Thursday, 26 May 2016 (Corpus Christi) and Tuesday, 24 May 2016 (closed day)'."""
    words = TEMPLATES[lang]
    shown = []
    listed = days if isinstance(days, list) else []
    for day in listed[:_CLOSED_DAYS_SHOWN]:
        date = long_date(day[0], lang)
        names = day[1:]
        name = names[_HOLIDAY_NAME_AT[lang]] if len(names) == 3 else words["closed_day"]
        shown.append(f"{date} ({name})")
    text = words["and"].join(shown) if len(shown) < 3 else "; ".join(shown)
    if len(listed) > _CLOSED_DAYS_SHOWN:
        text += words["closed_more"].format(n=len(listed) - _CLOSED_DAYS_SHOWN)
    return text


def reason_in(unscheduled: Unscheduled, lang: Language) -> str:
    """The reason in `lang`; plans without a recorded cause, or with one this version cannot
    word (a newer version's code, values of another shape), keep their English reason."""
    if unscheduled.cause is None or unscheduled.cause.code not in TEMPLATES[lang]:
        return unscheduled.reason
    try:
        return word_cause(unscheduled.cause, lang)
    except (KeyError, IndexError, ValueError, TypeError, AssertionError):
        return unscheduled.reason
