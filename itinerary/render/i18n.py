"""Words and dates in the three languages the programme is printed in (en, de, fr).

Every label a renderer prints comes from a catalogue here or in the renderer's own module
(`TEXTS` there, same shape); `tests/test_i18n.py` checks that all languages have the same keys
and that German and French outputs carry no English label. Dates go through Babel so weekday
and month names and their order are right ("Dienstag, 24. Mai 2016", "mardi 24 mai 2016").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list

from ..input.spec import ARRIVAL_KEY, DEPARTURE_KEY, Language
from ..input.spec import LOCALES as _LOCALES
from ..plan import EndItem, PlanTrack, StartItem, Unscheduled
from ..plan.reasons import reason_in

LANGUAGES: tuple[Language, ...] = ("en", "de", "fr")

Catalogue = Mapping[str, Mapping[str, str]]

LABELS: Catalogue = {
    "en": {
        "programme": "Programme",
        "day": "Day",
        "time": "Time",
        "what": "What",
        "where": "Where",
        "address": "Address",
        "contact": "Contact",
        "travel": "Travel",
        "travel_min": "Travel (min)",
        "visit": "Visit",
        "must": "must",
        "confirmed": "✓ confirmed",
        "event": "Event",
        "lunch": "Lunch",
        "lunch_on_the_way": "on the way",
        "start": "Start",
        "arrival": "Arrival",
        "arrival_note": "Arrival ({note})",
        "departure": "Departure",
        "departure_at": "Departure at {time}",
        "departure_note": "Departure ({note} at {time})",
        "rest": "At the hotel",
        "check_in": "Check-in at the hotel",
        "end": "End of day",
        "from": "From",
        "to": "To",
        "minutes": "min",
        "trip": "Trip",
        "delegation": "Delegation",
        "organisation": "Organisation",
        "people": "people",
        "group_size": "Group size",
        "dates": "Dates",
        "status": "Status",
        "complete": "complete",
        "partial": "incomplete",
        "unmet_choice": "Choice not met",
        "one_of": "one of {names}",
        "or": " or ",
        "optimal": "optimal",
        "score": "Score",
        "score_of": "{score} of {max_score}",
        "score_at_most": "{score} of at most {bound}",
        "score_optimal": "{score} (optimal; all hosts together would be {max_score})",
        "score_best": "{score} of {max_score} (highest possible)",
        "score_best_of": "{score} (highest possible; all hosts together would be {max_score})",
        "travel_shortest": "shortest possible",
        "travel_shortest_with_rests": "shortest possible, plus {minutes} to and from the hotel",
        "travel_at_least": "at least {bound} possible",
        "travel_unproven": "not proven shortest",
        "hosts_scheduled": "Hosts scheduled",
        "hosts_unscheduled": "Hosts not scheduled",
        "total_travel": "Total travel",
        "unscheduled": "Not in the programme",
        "id": "Id",
        "name": "Name",
        "priority": "Priority",
        "reason": "Reason",
        "note": "Note",
        "topics": "Topics",
        "language": "Language",
        "group": "Group",
        "groups": "Groups",
        "summary": "Summary",
        "overview": "Overview",
        "type": "Type",
        "date": "Date",
        "end_time": "End",
        "start_time": "Start",
        "phone": "Phone",
        "email": "E-mail",
        "timezone": "Time zone",
        "map": "Map",
        "timeline": "Timeline",
        "lang_en": "English",
        "lang_de": "German",
        "lang_fr": "French",
        "whole_delegation": "whole delegation",
        "person": "person",
        "travel_from": "{minutes} min from {place}",
        "travel_more": "{minutes} min more",
        "travel_from_hotel": "{minutes} min from the hotel",
        "departs": "dep. {time}",
        "arrives": "arr. {time}",
        "interpreter": "{language}: interpreter needed",
        "organiser": "Organiser",
        "colon": ": ",
        "holiday": "Public holiday",
    },
    "de": {
        "programme": "Programm",
        "day": "Tag",
        "time": "Uhrzeit",
        "what": "Programmpunkt",
        "where": "Ort",
        "address": "Adresse",
        "contact": "Ansprechpartner",
        "travel": "Fahrt",
        "travel_min": "Fahrt (Min.)",
        "visit": "Besuch",
        "must": "Pflicht",
        "confirmed": "✓ bestätigt",
        "event": "Termin",
        "lunch": "Mittagessen",
        "lunch_on_the_way": "unterwegs",
        "start": "Abfahrt",
        "arrival": "Ankunft",
        "arrival_note": "Ankunft ({note})",
        "departure": "Abreise",
        "departure_at": "Abreise um {time}",
        "departure_note": "Abreise ({note} um {time})",
        "rest": "Im Hotel",
        "check_in": "Check-in im Hotel",
        "end": "Tagesende",
        "from": "Von",
        "to": "Nach",
        "minutes": "Min.",
        "trip": "Reise",
        "delegation": "Delegation",
        "organisation": "Organisation",
        "people": "Personen",
        "group_size": "Gruppengröße",
        "dates": "Zeitraum",
        "status": "Stand",
        "complete": "vollständig",
        "partial": "unvollständig",
        "unmet_choice": "Auswahl nicht erfüllt",
        "one_of": "eines von {names}",
        "or": " oder ",
        "optimal": "optimal",
        "score": "Punktzahl",
        "score_of": "{score} von {max_score}",
        "score_at_most": "{score} von höchstens {bound}",
        "score_optimal": "{score} (optimal; alle Gastgeber zusammen wären {max_score})",
        "score_best": "{score} von {max_score} (höchstmöglich)",
        "score_best_of": "{score} (höchstmöglich; alle Gastgeber zusammen wären {max_score})",
        "travel_shortest": "kürzestmöglich",
        "travel_shortest_with_rests": "kürzestmöglich, zuzüglich {minutes} zum Hotel und zurück",
        "travel_at_least": "mindestens {bound} möglich",
        "travel_unproven": "nicht als kürzeste bewiesen",
        "hosts_scheduled": "Eingeplante Gastgeber",
        "hosts_unscheduled": "Nicht eingeplante Gastgeber",
        "total_travel": "Fahrzeit gesamt",
        "unscheduled": "Nicht im Programm",
        "id": "Kennung",
        "name": "Name",
        "priority": "Priorität",
        "reason": "Grund",
        "note": "Hinweis",
        "topics": "Themen",
        "language": "Sprache",
        "group": "Gruppe",
        "groups": "Gruppen",
        "summary": "Übersicht",
        "overview": "Gesamtübersicht",
        "type": "Art",
        "date": "Datum",
        "end_time": "Ende",
        "start_time": "Beginn",
        "phone": "Telefon",
        "email": "E-Mail",
        "timezone": "Zeitzone",
        "map": "Karte",
        "timeline": "Zeitleiste",
        "lang_en": "Englisch",
        "lang_de": "Deutsch",
        "lang_fr": "Französisch",
        "whole_delegation": "gesamte Delegation",
        "person": "Person",
        "travel_from": "{minutes} Min. ab {place}",
        "travel_more": "weitere {minutes} Min.",
        "travel_from_hotel": "{minutes} Min. ab Hotel",
        "departs": "ab {time}",
        "arrives": "an {time}",
        "interpreter": "{language}: Dolmetscher erforderlich",
        "organiser": "Veranstalter",
        "colon": ": ",
        "holiday": "Feiertag",
    },
    "fr": {
        "programme": "Programme",
        "day": "Jour",
        "time": "Heure",
        "what": "Activité",
        "where": "Lieu",
        "address": "Adresse",
        "contact": "Interlocuteur",
        "travel": "Trajet",
        "travel_min": "Trajet (min)",
        "visit": "Visite",
        "must": "incontournable",
        "confirmed": "✓ confirmé",
        "event": "Rendez-vous",
        "lunch": "Déjeuner",
        "lunch_on_the_way": "en route",
        "start": "Départ",
        "arrival": "Arrivée",
        "arrival_note": "Arrivée ({note})",
        "departure": "Départ",
        "departure_at": "Départ à {time}",
        "departure_note": "Départ ({note} à {time})",
        "rest": "À l'hôtel",
        "check_in": "Enregistrement à l'hôtel",
        "end": "Fin de journée",
        "from": "De",
        "to": "À",
        "minutes": "min",
        "trip": "Voyage",
        "delegation": "Délégation",
        "organisation": "Organisme",
        "people": "personnes",
        "group_size": "Effectif",
        "dates": "Dates",
        "status": "État",
        "complete": "complet",
        "partial": "incomplet",
        "unmet_choice": "Choix non satisfait",
        "one_of": "l'un de {names}",
        "or": " ou ",
        "optimal": "optimal",
        "score": "Score",
        "score_of": "{score} sur {max_score}",
        "score_at_most": "{score} sur au plus {bound}",
        "score_optimal": "{score} (optimal\u202f; tous les hôtes réunis feraient {max_score})",
        "score_best": "{score} sur {max_score} (le maximum possible)",
        "score_best_of": (
            "{score} (le maximum possible\u202f; tous les hôtes réunis feraient {max_score})"
        ),
        "travel_shortest": "le plus court possible",
        "travel_shortest_with_rests": (
            "le plus court possible, plus {minutes} pour l'aller-retour à l'hôtel"
        ),
        "travel_at_least": "au moins {bound} possible",
        "travel_unproven": "minimum non prouvé",
        "hosts_scheduled": "Hôtes programmés",
        "hosts_unscheduled": "Hôtes non programmés",
        "total_travel": "Trajets au total",
        "unscheduled": "Hors programme",
        "id": "Identifiant",
        "name": "Nom",
        "priority": "Priorité",
        "reason": "Motif",
        "note": "Remarque",
        "topics": "Thèmes",
        "language": "Langue",
        "group": "Groupe",
        "groups": "Groupes",
        "summary": "Synthèse",
        "overview": "Vue d'ensemble",
        "type": "Type",
        "date": "Date",
        "end_time": "Fin",
        "start_time": "Début",
        "phone": "Téléphone",
        "email": "Courriel",
        "timezone": "Fuseau horaire",
        "map": "Carte",
        "timeline": "Chronologie",
        "lang_en": "anglais",
        "lang_de": "allemand",
        "lang_fr": "français",
        "interpreter": "{language}\u202f: interprète nécessaire",
        "organiser": "Organisateur",
        # French typography puts a (narrow) no-break space before a colon.
        "whole_delegation": "toute la délégation",
        "person": "personne",
        "travel_from": "{minutes} min depuis {place}",
        "travel_more": "encore {minutes} min",
        "travel_from_hotel": "{minutes} min depuis l'hôtel",
        "departs": "dép. {time}",
        "arrives": "arr. {time}",
        "colon": "\u202f: ",
        "holiday": "Jour férié",
    },
}


# French elides "de" before a vowel: "le planning d'Isabelle", "après la fin d'IEM". The words
# are written with "de {name}"; the name is known only when they are filled in.
_ELIDABLE = re.compile(r"\b([Dd])e \{(\w+)\}")
_VOWELS = frozenset("AEIOUÀÂÄÆÉÈÊËÎÏÔÖŒÙÛÜaeiouàâäæéèêëîïôöœùûü")


def fill(template: str, lang: str, values: Mapping[str, object]) -> str:
    """`template.format(**values)`, with French's "de" elided before a value that begins with
    a vowel ("d’Isabelle Moreau", not "de Isabelle Moreau")."""
    if lang == "fr":

        def elided(m: re.Match[str]) -> str:
            value = str(values.get(m.group(2), ""))
            if value[:1] in _VOWELS:
                return f"{m.group(1)}’{{{m.group(2)}}}"
            return m.group(0)

        template = _ELIDABLE.sub(elided, template)
    return template.format(**values)


class Words:
    """The labels of one language: `words["lunch"]`, `words.fmt("score_of", score=…)`."""

    def __init__(self, lang: Language, *catalogues: Catalogue) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unsupported language {lang!r}")
        self.lang = lang
        merged: dict[str, str] = {}
        for catalogue in (LABELS, *catalogues):
            merged.update(catalogue[lang])
        self._words = merged

    def __getitem__(self, key: str) -> str:
        return self._words[key]

    def fmt(self, key: str, **values: object) -> str:
        return fill(self._words[key], self.lang, values)

    def count(self, n: int, one: str, other: str) -> str:
        """'1 person', '20 people': `n` with the label `one` or `other`, as this language's
        plural rule (CLDR, through Babel) has it; French counts 0 and 1 as singular."""
        form = Locale.parse(_LOCALES[self.lang]).plural_form(n)
        return f"{n} {self._words[one if form == 'one' else other]}"

    def reason(self, unscheduled: Unscheduled) -> str:
        """Why a host or event is not in the plan, in this language."""
        return reason_in(unscheduled, self.lang)

    def language_name(self, lang: str) -> str:
        """'German', 'Deutsch', 'allemand'; any ISO 639 code Babel knows ('ca': 'Catalan')."""
        key = f"lang_{lang}"
        if key in self._words:
            return self._words[key]
        return Locale.parse(_LOCALES[self.lang]).languages.get(lang, lang)

    def language_list(self, langs: Sequence[str]) -> str:
        """'French and English', 'Französisch und Englisch', 'français et anglais'."""
        names = [self.language_name(code) for code in langs]
        return format_list(names, locale=_LOCALES[self.lang]) if names else ""

    def long_date(self, date: dt.date) -> str:
        """'Tuesday, 24 May 2016', 'Dienstag, 24. Mai 2016', 'mardi 24 mai 2016'."""
        return format_date(date, format="full", locale=_LOCALES[self.lang])

    def day_title(self, track: PlanTrack) -> str:
        """The long date, with the trip's public holiday that day when there is one:
        'Thursday, 26 May 2016 — Corpus Christi', 'Donnerstag, 26. Mai 2016 — Fronleichnam'."""
        holiday = track.holiday_in(self.lang)
        date = self.long_date(track.date)
        return f"{date} — {holiday}" if holiday else date

    def medium_date(self, date: dt.date) -> str:
        """'24 May 2016', '24.05.2016', '24 mai 2016'."""
        return format_date(date, format="medium", locale=_LOCALES[self.lang])

    def weekday(self, date: dt.date) -> str:
        return format_date(date, format="EEEE", locale=_LOCALES[self.lang])

    def date_range(self, start: dt.date, end: dt.date) -> str:
        if start == end:
            return self.long_date(start)
        return f"{self.long_date(start)} – {self.long_date(end)}"


def clock(moment: dt.datetime | dt.time, day: dt.date | None = None) -> str:
    """24-hour local time, the same in all three languages: '09:05'; with `day` (the date of
    the programme day it belongs to), a time on another date says so: '00:40 (+1)', the way
    timetables mark a time after midnight."""
    text = f"{moment.hour:02d}:{moment.minute:02d}"
    if day is not None and isinstance(moment, dt.datetime) and moment.date() != day:
        text += f" ({(moment.date() - day).days:+d})"
    return text


def clock_range(start: dt.datetime, end: dt.datetime, day: dt.date | None = None) -> str:
    return f"{clock(start, day)}–{clock(end, day)}"


def start_label(item: StartItem, w: Words) -> str:
    """'Arrival (flight LH 123)' on the arrival day, else the day's start ('Start')."""
    if item.key != ARRIVAL_KEY:
        return w["start"]
    return w.fmt("arrival_note", note=item.note) if item.note else w["arrival"]


def end_label(item: EndItem, w: Words) -> str:
    """'Departure (flight LH 123 at 17:30)' on the departure day, with the flight's time
    (the row's own time is when the group reaches the airport), else 'End of day'."""
    if item.key != DEPARTURE_KEY:
        return w["end"]
    if item.departs is None:
        return w["departure"]
    time = clock(item.departs.astimezone(item.time.tzinfo))
    if item.note:
        return w.fmt("departure_note", note=item.note, time=time)
    return w.fmt("departure_at", time=time)
