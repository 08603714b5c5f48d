"""Why a host or event is not in the plan, worded in en, de and fr.

`explain` finds the cause as a code with values (`plan.Cause`); this module turns it into a
sentence. The English sentence is also stored in the plan as `reason`, so a plan stays readable
without this module.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date

from ..input.spec import Language
from . import Cause, Unscheduled

_DATE_LOCALES = {"en": "en_GB", "de": "de_DE", "fr": "fr_FR"}
_HOLIDAY_NAME_AT = {"en": 0, "de": 1, "fr": 2}  # in a `closed_on` day: [date, en, de, fr]
_CLOSED_DAYS_SHOWN = 3

TEMPLATES: dict[str, dict[str, str]] = {
    "en": {
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
        "event_conflict": "conflicts with event {events}",
        "around_events": "does not fit around the day's events",
        "must_crowded": "does not fit together with the other must-visits and events",
        "crowded_out": "left out for higher-priority visits (priority {priority})",
        "event_crowded": "does not fit together with the must-visits and other events of that day",
        "event_unreachable": (
            "cannot be reached from the day's start place and back within the day's hours"
        ),
        "other_choice": "the other choice {name} is in the plan",
        "after_missing": "visited only after {name}, which is not in the plan",
        "after_too_late": "visited only after {name}, which the plan cannot fit before it",
        "event_on": "{id} on {date}",
        "and": " and ",
    },
    "de": {
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
        "event_conflict": "überschneidet sich mit dem Termin {events}",
        "around_events": "passt nicht zwischen die Termine des Tages",
        "must_crowded": "passt nicht mit den anderen Pflichtbesuchen und Terminen zusammen",
        "crowded_out": "zugunsten wichtigerer Besuche ausgelassen (Priorität {priority})",
        "event_crowded": "passt nicht mit den Pflichtbesuchen und anderen Terminen des Tages "
        "zusammen",
        "event_unreachable": "vom Startort des Tages aus nicht hin und zurück innerhalb der "
        "Tageszeiten erreichbar",
        "other_choice": "die andere Wahl {name} ist im Plan",
        "after_missing": "nur nach {name} zu besuchen, das nicht im Plan ist",
        "after_too_late": "nur nach {name} zu besuchen, das der Plan nicht früh genug davor "
        "unterbringt",
        "event_on": "{id} am {date}",
        "and": " und ",
    },
    "fr": {
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
        "event_conflict": "en conflit avec le rendez-vous {events}",
        "around_events": "ne s'insère pas entre les rendez-vous de la journée",
        "must_crowded": "incompatible avec les autres visites incontournables et rendez-vous",
        "crowded_out": "écarté au profit de visites plus prioritaires (priorité {priority})",
        "event_crowded": "incompatible avec les visites incontournables et les autres "
        "rendez-vous de la journée",
        "event_unreachable": "inaccessible aller-retour depuis le point de départ de la journée "
        "dans les horaires de la journée",
        "other_choice": "l'autre choix, {name}, est au programme",
        "after_missing": "à visiter seulement après {name}, qui n'est pas au programme",
        "after_too_late": "à visiter seulement après {name}, que le programme ne peut placer "
        "assez tôt avant",
        "event_on": "{id} le {date}",
        "and": " et ",
    },
}


def word_cause(cause: Cause, lang: Language = "en") -> str:
    words = TEMPLATES[lang]
    if cause.code == "closed_on":
        return words["closed_on"].format(days=_closed_days(cause.args["days"], lang))
    values: dict[str, object] = {}
    for key, value in cause.args.items():
        if isinstance(value, list):
            value = words["and"].join(words["event_on"].format(id=i, date=d) for i, d in value)
        values[key] = value
    return words[cause.code].format(**values)


def _closed_days(days: object, lang: Language) -> str:
    """`[[date, en, de, fr], [date]]` (a holiday's names, or none for a closed date) ->
    'Thursday, 26 May 2016 (Corpus Christi) and Tuesday, 24 May 2016 (closed day)'."""
    words = TEMPLATES[lang]
    shown = []
    listed = days if isinstance(days, list) else []
    for day in listed[:_CLOSED_DAYS_SHOWN]:
        date = format_date(dt.date.fromisoformat(day[0]), format="full", locale=_DATE_LOCALES[lang])
        names = day[1:]
        name = names[_HOLIDAY_NAME_AT[lang]] if len(names) == 3 else words["closed_day"]
        shown.append(f"{date} ({name})")
    text = words["and"].join(shown) if len(shown) < 3 else "; ".join(shown)
    if len(listed) > _CLOSED_DAYS_SHOWN:
        text += words["closed_more"].format(n=len(listed) - _CLOSED_DAYS_SHOWN)
    return text


def reason_in(unscheduled: Unscheduled, lang: Language) -> str:
    """The reason in `lang`; plans without a recorded cause keep their English reason."""
    if unscheduled.cause is None or unscheduled.cause.code not in TEMPLATES[lang]:
        return unscheduled.reason
    return word_cause(unscheduled.cause, lang)
