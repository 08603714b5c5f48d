"""The plan checker's findings in people's words, in en, de and fr (`itinerary check`,
`itinerary export` refusing a plan that does not hold).

A `Violation` (plan/check.py) carries its rule as a kind and its values as data; this module
turns it into one line that names the day, the item's time and the item, then what is wrong:
"Thursday 26 May, 13:00–14:30, KTP: the host is closed 12:00–13:30". Times are the trip's local
wall-clock times, dates go through Babel. A kind without words here (a newer checker's) keeps
the checker's own English message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.lists import format_list

from ..input.spec import LOCALES, Language
from ..plan.check import EditedCheck, Violation
from .i18n import Catalogue, Words, clock, fill

# Day names in a line: "Thursday 26 May" — the year is the trip's and goes without saying.
_DAY_FORMAT: Mapping[str, str] = {"en": "EEEE d MMMM", "de": "EEEE, d. MMMM", "fr": "EEEE d MMMM"}

# Kinds whose sentence names the item and its time itself: the line begins with the day only.
_DAY_ONLY = frozenset({"travel_time"})

TEXTS: Catalogue = {
    "en": {
        "days": "the plan's days are {dates}, but the trip runs from {first} to {last}",
        "holiday_named": "the plan names this day's public holiday wrongly",
        "day_shape": "the day must begin with its start and end with its end",
        "time_zone": "the time {time} is not in the trip's time zone",
        "travel_time": (
            "the group cannot be at {to} by {start} after {frm} ends at {left}: "
            "the drive takes {minutes} min"
        ),
        "travel_time_unknown": "the group cannot be at {to} by {start} after {frm} ends at {left}",
        "travel_time_leaving": (
            "the group cannot be at {to} by {start} after leaving {frm} at {left}: "
            "the drive takes {minutes} min"
        ),
        "travel_time_unknown_leaving": (
            "the group cannot be at {to} by {start} after leaving {frm} at {left}"
        ),
        "overlap": "it overlaps {other} (until {until})",
        "ends_before_start": "it ends before it begins",
        "day_end_early": "the day ends at {start}, before its last item ends ({until})",
        "start_place": "the day begins at {name}, but the group is at {expected}",
        "end_place": "the day ends at {name}, but it must end at {expected}",
        "departure_time": "the departure is at {departs}, not at {said}",
        "departure_day": "this day does not end with the departure",
        "day_start": "the day cannot begin before {earliest}",
        "day_start_arrival": "the group only arrives at {earliest}",
        "before_day": "the day only begins at {earliest}",
        "before_day_arrival": "the coach can only leave the arrival at {earliest}",
        "after_day": "the day must end by {latest}, back at {place}",
        "after_day_departure": (
            "the group must be at {place} by {latest} for the departure at {departs}"
        ),
        "travel_item": "the drive lasts {lasts} min but is said to take {minutes} min",
        "route_here": "the group is at {here} then",
        "route_moving": "the group is on the way then",
        "route_heading": "the group has not reached {heading} yet",
        "travel_long": "the drive from {frm} to {to} takes {minutes} min, not {said}",
        "unknown_place": "{id} is no place of the visit file",
        "unknown_host": "the visit file has no host {id}",
        "unknown_event": "the visit file has no event {id}",
        "duration": "the visit lasts {lasts} min, but it takes {minutes} min",
        "grid": "it does not begin on the {grid}-minute grid",
        "declined": "the host declined the visit, so it may not be in the programme",
        "confirmed_flag": "it is marked confirmed, but the visit file has no confirmed time for it",
        "unconfirmed_flag": "the host has confirmed it, but the plan does not mark it confirmed",
        "confirmed_time": (
            "the host confirmed {confirmed_date} at {confirmed}; the visit must begin then"
        ),
        "holiday": "the host is closed on {holiday}",
        "closed_date": "the host is closed that day",
        "closed_day": "the host is not open that day",
        "hours_closed": "the host is closed {closed}–{opens}",
        "hours_opens": "the host only opens at {opens}",
        "hours_closes": "the host closes at {closes}",
        "letter_language": "its letter is in {letter}, not in the host's {own}",
        "host_language": "it is held in {held_in}, which the host does not offer",
        "group_language": "it is held in {held_in}, which the delegation does not speak",
        "interpreter_unknown": (
            "an interpreter is marked, but the delegation's languages are not known"
        ),
        "interpreter_unneeded": (
            "an interpreter is marked, but host and delegation share a language"
        ),
        "interpreter_missing": "host and delegation share no language: an interpreter is needed",
        "event_time": "the event is fixed at {fixed_start}–{fixed_end} on {fixed_date}",
        "event_day": "the event is on {fixed_date}",
        "stay_place": "this is not a hotel of the day ({hotels})",
        "no_time": "it takes no time",
        "check_in_needless": "there is no new hotel to check in to",
        "check_in_length": "the check-in lasts {lasts} min, not {minutes}",
        "check_in_count": "{count} check-ins at {hotel}, not one",
        "check_in_late": "the check-in is not at the first arrival at the hotel",
        "lunch_length": "lunch lasts {lasts} min, not {minutes}",
        "lunch_window": "lunch must be between {opens} and {closes}",
        "lunch_twice": "the day has {count} lunches",
        "lunch_missing": (
            "no lunch, though the day has room for {minutes} min between {opens} and {closes}"
        ),
        "lunch_none": "the trip has no lunch",
        "night": "the day begins before the day before ends ({until})",
        "host_missing": "the host is neither in the programme nor listed as left out",
        "host_twice": "the host is in the programme {visits} times",
        "host_twice_listed": "the host is in the programme and also listed as left out",
        "event_missing": "the event is neither in the programme nor listed as left out",
        "event_missing_listed": "the event is in the programme and also listed as left out",
        "after_missing": "it comes after {other}, which is not in the programme",
        "after_order": "it comes after {other}, which ends at {until} on {other_date}",
        "choice": "only one of {names} may be in the programme",
        "unmet_choices": "the plan's list of unmet choices is wrong",
        "status": "the plan says it is {said}, but it is {is_}",
        "score": "the plan states a score of {said}; its visits add up to {is_}",
        "hotel_travel": (
            "the plan states {said} min to and from the hotel; the stops there add {is_} min"
        ),
        "travel_total": "the plan states {said} min of travel; its drives add up to {is_} min",
        # sub-groups (`groups`)
        "track_missing": "the group {group} has no programme that day",
        "track_twice": "the plan has {count} programmes of {group} that day",
        "track_together": (
            "{group} has a programme of its own, though the delegation travels together that day"
        ),
        "track_split": "the whole delegation has one programme, though the groups split that day",
        "track_group": "the trip has no group {group}",
        "track_order": "the programmes are not listed date by date, the groups in their order",
        "plan_groups": "the plan's groups are not those of the visit file",
        "member_missing": "missing from the plan's members; they travel with {group}",
        "member_group": "travels with {group}, not with {said}",
        "member_unknown": "listed with {said}, but the visit file puts them in no group",
        "member_group_unknown": "listed with {said}, which is no group of the plan",
        "not_for_group": "only {allowed} may visit this host, not {barred}",
        "not_for_group_none": "no group may visit this host",
        "over_capacity": "the host holds {capacity} visitors; the group {visitors} has {size}",
        "capacity_shared": (
            "{groups} are there at once, {total} visitors at {at}; it holds {capacity}"
        ),
        "event_group": "only {attending} attend this event",
        "event_missing_group": "{group} neither attends the event nor is listed as leaving it out",
        "event_missing_joint": "{group} is not at this joint event, though {joint} meets there",
        "event_twice_group": "{group} attends the event {visits} times",
        "event_time_joint": "the groups meet here at {fixed_start}–{fixed_end} on {fixed_date}, "
        "with {joint}",
        "host_missing_group": (
            "the host is neither in the programme of {group} nor listed as left out by it"
        ),
        "host_twice_group": "{group} visits the host {visits} times",
        "unscheduled_group": "listed as left out by {group}, which does not visit it anyway",
        "unscheduled_no_group": "listed as left out without the group that leaves it out",
        "choice_group": "only one of {names} may be in the programme of {group}",
        "after_missing_group": "it comes after {other}, which is not in this group's programme",
        "after_order_group": (
            "it comes after {other}, which this group ends at {until} on {other_date}"
        ),
        # the summary of `itinerary check`
        "check_holds": "The plan holds: it keeps every rule of the visit file.",
        "check_rule": "broken rule",
        "check_rules": "broken rules",
        "check_breaks": "The plan does not hold: {count}.",
        "check_figures": "Score {score} of {max_score}; travel {travel} min.",
        "check_score_was": "The plan stated a score of {said}; it is {is_}.",
        "check_travel_was": "The plan stated {said} min of travel; it is {is_} min.",
        "check_more": "… and {count} more",
    },
    "de": {
        "days": "der Plan umfasst die Tage {dates}, die Reise aber dauert von {first} bis {last}",
        "holiday_named": "der Plan nennt den Feiertag dieses Tages falsch",
        "day_shape": "der Tag muss mit seinem Beginn anfangen und mit seinem Ende enden",
        "time_zone": "die Uhrzeit {time} liegt nicht in der Zeitzone der Reise",
        "travel_time": (
            "die Gruppe kann nicht um {start} bei {to} sein, wenn {frm} um {left} endet: "
            "die Fahrt dauert {minutes} Min."
        ),
        "travel_time_unknown": (
            "die Gruppe kann nicht um {start} bei {to} sein, wenn {frm} um {left} endet"
        ),
        "travel_time_leaving": (
            "die Gruppe kann nicht um {start} bei {to} sein, wenn sie {frm} um {left} verlässt: "
            "die Fahrt dauert {minutes} Min."
        ),
        "travel_time_unknown_leaving": (
            "die Gruppe kann nicht um {start} bei {to} sein, wenn sie {frm} um {left} verlässt"
        ),
        "overlap": "überschneidet sich mit {other} (bis {until})",
        "ends_before_start": "endet, bevor es beginnt",
        "day_end_early": "der Tag endet um {start}, bevor sein letzter Punkt endet ({until})",
        "start_place": "der Tag beginnt bei {name}, die Gruppe ist aber bei {expected}",
        "end_place": "der Tag endet bei {name}, muss aber bei {expected} enden",
        "departure_time": "die Abreise ist um {departs}, nicht um {said}",
        "departure_day": "dieser Tag endet nicht mit der Abreise",
        "day_start": "der Tag kann nicht vor {earliest} beginnen",
        "day_start_arrival": "die Gruppe kommt erst um {earliest} an",
        "before_day": "der Tag beginnt erst um {earliest}",
        "before_day_arrival": "der Bus kann erst um {earliest} vom Ankunftsort abfahren",
        "after_day": "der Tag muss um {latest} enden, zurück bei {place}",
        "after_day_departure": (
            "die Gruppe muss um {latest} bei {place} sein, für die Abreise um {departs}"
        ),
        "travel_item": "die Fahrt dauert {lasts} Min., angegeben sind {minutes} Min.",
        "route_here": "die Gruppe ist dann bei {here}",
        "route_moving": "die Gruppe ist dann unterwegs",
        "route_heading": "die Gruppe hat {heading} noch nicht erreicht",
        "travel_long": "die Fahrt von {frm} nach {to} dauert {minutes} Min., nicht {said}",
        "unknown_place": "{id} ist kein Ort der Besuchsdatei",
        "unknown_host": "die Besuchsdatei hat keinen Gastgeber {id}",
        "unknown_event": "die Besuchsdatei hat keinen Termin {id}",
        "duration": "der Besuch dauert {lasts} Min., vorgesehen sind {minutes} Min.",
        "grid": "beginnt nicht im {grid}-Minuten-Raster",
        "declined": "der Gastgeber hat den Besuch abgesagt; er darf nicht im Programm stehen",
        "confirmed_flag": (
            "er ist als bestätigt markiert, aber die Besuchsdatei enthält keine bestätigte Zeit"
        ),
        "unconfirmed_flag": (
            "der Gastgeber hat ihn bestätigt, aber der Plan markiert ihn nicht als bestätigt"
        ),
        "confirmed_time": (
            "der Gastgeber hat den Termin am {confirmed_date} um {confirmed} bestätigt; dann "
            "muss der Besuch beginnen"
        ),
        "holiday": "der Gastgeber hat an {holiday} geschlossen",
        "closed_date": "der Gastgeber hat an diesem Tag geschlossen",
        "closed_day": "der Gastgeber hat an diesem Tag nicht geöffnet",
        "hours_closed": "der Gastgeber hat von {closed} bis {opens} geschlossen",
        "hours_opens": "der Gastgeber öffnet erst um {opens}",
        "hours_closes": "der Gastgeber schließt um {closes}",
        "letter_language": "der Brief ist auf {letter}, nicht in der Sprache des Gastgebers",
        "host_language": "der Besuch ist auf {held_in}, das der Gastgeber nicht anbietet",
        "group_language": "der Besuch ist auf {held_in}, das die Delegation nicht spricht",
        "interpreter_unknown": (
            "ein Dolmetscher ist vermerkt, die Sprachen der Delegation sind aber unbekannt"
        ),
        "interpreter_unneeded": (
            "ein Dolmetscher ist vermerkt, Gastgeber und Delegation sprechen aber eine "
            "gemeinsame Sprache"
        ),
        "interpreter_missing": (
            "Gastgeber und Delegation haben keine gemeinsame Sprache: ein Dolmetscher ist nötig"
        ),
        "event_time": "der Termin liegt fest am {fixed_date}, {fixed_start}–{fixed_end}",
        "event_day": "der Termin ist am {fixed_date}",
        "stay_place": "das ist kein Hotel dieses Tages ({hotels})",
        "no_time": "dauert keine Zeit",
        "check_in_needless": "hier gibt es kein neues Hotel zum Einchecken",
        "check_in_length": "der Check-in dauert {lasts} Min., nicht {minutes}",
        "check_in_count": "{count} Check-ins im {hotel}, nicht einer",
        "check_in_late": "der Check-in ist nicht bei der ersten Ankunft im Hotel",
        "lunch_length": "das Mittagessen dauert {lasts} Min., nicht {minutes}",
        "lunch_window": "das Mittagessen muss zwischen {opens} und {closes} liegen",
        "lunch_twice": "der Tag hat {count} Mittagessen",
        "lunch_missing": (
            "kein Mittagessen, obwohl der Tag zwischen {opens} und {closes} Platz für "
            "{minutes} Min. hat"
        ),
        "lunch_none": "die Reise hat kein Mittagessen",
        "night": "der Tag beginnt, bevor der Vortag endet ({until})",
        "host_missing": "der Gastgeber ist weder im Programm noch als nicht eingeplant aufgeführt",
        "host_twice": "der Gastgeber ist {visits}-mal im Programm",
        "host_twice_listed": (
            "der Gastgeber ist im Programm und zugleich als nicht eingeplant aufgeführt"
        ),
        "event_missing": "der Termin ist weder im Programm noch als nicht eingeplant aufgeführt",
        "event_missing_listed": (
            "der Termin ist im Programm und zugleich als nicht eingeplant aufgeführt"
        ),
        "after_missing": "kommt nach {other}, das nicht im Programm ist",
        "after_order": "kommt nach {other}, das am {other_date} um {until} endet",
        "choice": "nur eines von {names} darf im Programm sein",
        "unmet_choices": "die Liste der nicht erfüllten Auswahlen im Plan ist falsch",
        "status": "der Plan gibt sich als {said} aus, ist aber {is_}",
        "score": "der Plan nennt die Punktzahl {said}; seine Besuche ergeben {is_}",
        "hotel_travel": (
            "der Plan nennt {said} Min. zum Hotel und zurück; die Aufenthalte dort ergeben "
            "{is_} Min."
        ),
        "travel_total": "der Plan nennt {said} Min. Fahrzeit; seine Fahrten ergeben {is_} Min.",
        "track_missing": "die Gruppe {group} hat an diesem Tag kein Programm",
        "track_twice": "der Plan hat an diesem Tag {count} Programme für {group}",
        "track_together": (
            "{group} hat ein eigenes Programm, obwohl die Delegation an diesem Tag gemeinsam reist"
        ),
        "track_split": (
            "die ganze Delegation hat ein Programm, obwohl sich die Gruppen an diesem Tag teilen"
        ),
        "track_group": "die Reise hat keine Gruppe {group}",
        "track_order": (
            "die Programme stehen nicht Tag für Tag und die Gruppen nicht in ihrer Reihenfolge"
        ),
        "plan_groups": "die Gruppen des Plans sind nicht die der Besuchsdatei",
        "member_missing": "fehlt unter den Mitgliedern des Plans; reist mit {group}",
        "member_group": "reist mit {group}, nicht mit {said}",
        "member_unknown": (
            "ist bei {said} aufgeführt, gehört laut Besuchsdatei aber zu keiner Gruppe"
        ),
        "member_group_unknown": "ist bei {said} aufgeführt, einer Gruppe, die der Plan nicht hat",
        "not_for_group": "nur {allowed} darf diesen Gastgeber besuchen, nicht {barred}",
        "not_for_group_none": "keine Gruppe darf diesen Gastgeber besuchen",
        "over_capacity": (
            "der Gastgeber empfängt {capacity} Besucher; die Gruppe {visitors} zählt {size}"
        ),
        "capacity_shared": (
            "{groups} sind gleichzeitig dort, {total} Besucher um {at}; Platz ist für {capacity}"
        ),
        "event_group": "nur {attending} nehmen an diesem Termin teil",
        "event_missing_group": (
            "{group} nimmt weder an dem Termin teil noch ist er für sie als ausgelassen aufgeführt"
        ),
        "event_missing_joint": (
            "{group} fehlt bei diesem gemeinsamen Termin, obwohl {joint} sich dort trifft"
        ),
        "event_twice_group": "{group} nimmt {visits}-mal an dem Termin teil",
        "event_time_joint": (
            "die Gruppen treffen sich hier am {fixed_date}, {fixed_start}–{fixed_end}, mit {joint}"
        ),
        "host_missing_group": (
            "der Gastgeber ist weder im Programm von {group} noch für sie als ausgelassen "
            "aufgeführt"
        ),
        "host_twice_group": "{group} besucht den Gastgeber {visits}-mal",
        "unscheduled_group": (
            "als von {group} ausgelassen aufgeführt, die ihn ohnehin nicht besucht"
        ),
        "unscheduled_no_group": "als ausgelassen aufgeführt, ohne die Gruppe zu nennen",
        "choice_group": "nur eines von {names} darf im Programm von {group} sein",
        "after_missing_group": "kommt nach {other}, das nicht im Programm dieser Gruppe ist",
        "after_order_group": (
            "kommt nach {other}, das für diese Gruppe am {other_date} um {until} endet"
        ),
        "check_holds": "Der Plan hält: er erfüllt jede Regel der Besuchsdatei.",
        "check_rule": "verletzte Regel",
        "check_rules": "verletzte Regeln",
        "check_breaks": "Der Plan hält nicht: {count}.",
        "check_figures": "Punktzahl {score} von {max_score}; Fahrzeit {travel} Min.",
        "check_score_was": "Der Plan nannte die Punktzahl {said}; sie ist {is_}.",
        "check_travel_was": "Der Plan nannte {said} Min. Fahrzeit; sie beträgt {is_} Min.",
        "check_more": "… und {count} weitere",
    },
    "fr": {
        "days": "le plan couvre les jours {dates}, mais le voyage va du {first} au {last}",
        "holiday_named": "le plan se trompe sur le jour férié de cette journée",
        "day_shape": "la journée doit commencer par son départ et finir par sa fin",
        "time_zone": "l’heure {time} n’est pas dans le fuseau horaire du voyage",
        "travel_time": (
            "le groupe ne peut pas être chez {to} à {start} après la fin de {frm} à {left}\u202f: "
            "le trajet dure {minutes} min"
        ),
        "travel_time_unknown": (
            "le groupe ne peut pas être chez {to} à {start} après la fin de {frm} à {left}"
        ),
        "travel_time_leaving": (
            "le groupe ne peut pas être chez {to} à {start} en quittant {frm} à {left}\u202f: "
            "le trajet dure {minutes} min"
        ),
        "travel_time_unknown_leaving": (
            "le groupe ne peut pas être chez {to} à {start} en quittant {frm} à {left}"
        ),
        "overlap": "chevauche {other} (jusqu’à {until})",
        "ends_before_start": "finit avant de commencer",
        "day_end_early": "la journée finit à {start}, avant la fin de son dernier point ({until})",
        "start_place": "la journée commence à {name}, mais le groupe est à {expected}",
        "end_place": "la journée finit à {name}, mais doit finir à {expected}",
        "departure_time": "le départ est à {departs}, pas à {said}",
        "departure_day": "cette journée ne finit pas par le départ",
        "day_start": "la journée ne peut pas commencer avant {earliest}",
        "day_start_arrival": "le groupe n’arrive qu’à {earliest}",
        "before_day": "la journée ne commence qu’à {earliest}",
        "before_day_arrival": "le car ne peut quitter le lieu d’arrivée qu’à {earliest}",
        "after_day": "la journée doit finir à {latest}, de retour à {place}",
        "after_day_departure": (
            "le groupe doit être à {place} à {latest} pour le départ à {departs}"
        ),
        "travel_item": "le trajet dure {lasts} min, mais en annonce {minutes}",
        "route_here": "le groupe est alors à {here}",
        "route_moving": "le groupe est alors en route",
        "route_heading": "le groupe n’a pas encore atteint {heading}",
        "travel_long": "le trajet de {frm} à {to} dure {minutes} min, pas {said}",
        "unknown_place": "{id} n’est pas un lieu du fichier de visite",
        "unknown_host": "le fichier de visite n’a pas d’hôte {id}",
        "unknown_event": "le fichier de visite n’a pas de rendez-vous {id}",
        "duration": "la visite dure {lasts} min, mais elle en demande {minutes}",
        "grid": "ne commence pas sur la grille de {grid} minutes",
        "declined": "l’hôte a décliné la visite, elle ne peut donc pas figurer au programme",
        "confirmed_flag": (
            "elle est marquée confirmée, mais le fichier de visite n’en confirme aucun horaire"
        ),
        "unconfirmed_flag": "l’hôte l’a confirmée, mais le plan ne la marque pas confirmée",
        "confirmed_time": (
            "l’hôte a confirmé le {confirmed_date} à {confirmed} ; la visite doit commencer à "
            "cette heure"
        ),
        "holiday": "l’hôte est fermé ce jour férié ({holiday})",
        "closed_date": "l’hôte est fermé ce jour-là",
        "closed_day": "l’hôte n’ouvre pas ce jour-là",
        "hours_closed": "l’hôte est fermé de {closed} à {opens}",
        "hours_opens": "l’hôte n’ouvre qu’à {opens}",
        "hours_closes": "l’hôte ferme à {closes}",
        "letter_language": "sa lettre est en {letter}, pas dans la langue de l’hôte ({own})",
        "host_language": "elle se tient en {held_in}, que l’hôte ne propose pas",
        "group_language": "elle se tient en {held_in}, que la délégation ne parle pas",
        "interpreter_unknown": (
            "un interprète est indiqué, mais les langues de la délégation ne sont pas connues"
        ),
        "interpreter_unneeded": (
            "un interprète est indiqué, mais l’hôte et la délégation ont une langue commune"
        ),
        "interpreter_missing": (
            "l’hôte et la délégation n’ont aucune langue commune\u202f: il faut un interprète"
        ),
        "event_time": "le rendez-vous est fixé au {fixed_date}, {fixed_start}–{fixed_end}",
        "event_day": "le rendez-vous est le {fixed_date}",
        "stay_place": "ce n’est pas un hôtel de la journée ({hotels})",
        "no_time": "ne dure pas",
        "check_in_needless": "il n’y a pas de nouvel hôtel où s’enregistrer",
        "check_in_length": "l’enregistrement dure {lasts} min, pas {minutes}",
        "check_in_count": "{count} enregistrements à {hotel}, pas un",
        "check_in_late": "l’enregistrement n’est pas à la première arrivée à l’hôtel",
        "lunch_length": "le déjeuner dure {lasts} min, pas {minutes}",
        "lunch_window": "le déjeuner doit être entre {opens} et {closes}",
        "lunch_twice": "la journée a {count} déjeuners",
        "lunch_missing": (
            "pas de déjeuner, alors que la journée a la place pour {minutes} min entre {opens} "
            "et {closes}"
        ),
        "lunch_none": "le voyage n’a pas de déjeuner",
        "night": "la journée commence avant la fin de la veille ({until})",
        "host_missing": "l’hôte n’est ni au programme ni parmi les hôtes écartés",
        "host_twice": "l’hôte est {visits} fois au programme",
        "host_twice_listed": "l’hôte est au programme et aussi parmi les hôtes écartés",
        "event_missing": "le rendez-vous n’est ni au programme ni parmi les points écartés",
        "event_missing_listed": "le rendez-vous est au programme et aussi parmi les points écartés",
        "after_missing": "vient après {other}, qui n’est pas au programme",
        "after_order": "vient après {other}, qui finit le {other_date} à {until}",
        "choice": "un seul de {names} peut être au programme",
        "unmet_choices": "la liste des choix non satisfaits du plan est fausse",
        "status": "le plan se dit {said}, mais il est {is_}",
        "score": "le plan annonce un score de {said}\u202f; ses visites font {is_}",
        "hotel_travel": (
            "le plan annonce {said} min vers l’hôtel et retour\u202f; les passages à l’hôtel font "
            "{is_} min"
        ),
        "travel_total": "le plan annonce {said} min de trajet\u202f; ses trajets font {is_} min",
        "track_missing": "le groupe {group} n’a pas de programme ce jour-là",
        "track_twice": "le plan a {count} programmes pour {group} ce jour-là",
        "track_together": (
            "{group} a son propre programme, alors que la délégation voyage ensemble ce jour-là"
        ),
        "track_split": (
            "toute la délégation a un seul programme, alors que les groupes se séparent ce jour-là"
        ),
        "track_group": "le voyage n’a pas de groupe {group}",
        "track_order": (
            "les programmes ne sont pas rangés jour par jour, les groupes dans leur ordre"
        ),
        "plan_groups": "les groupes du plan ne sont pas ceux du fichier de visite",
        "member_missing": "absent des membres du plan ; voyage avec {group}",
        "member_group": "voyage avec {group}, pas avec {said}",
        "member_unknown": (
            "inscrit avec {said}, mais le fichier de visite ne le place dans aucun groupe"
        ),
        "member_group_unknown": "inscrit avec {said}, qui n’est pas un groupe du plan",
        "not_for_group": "seul {allowed} peut visiter cet hôte, pas {barred}",
        "not_for_group_none": "aucun groupe ne peut visiter cet hôte",
        "over_capacity": (
            "l’hôte reçoit {capacity} visiteurs ; le groupe {visitors} en compte {size}"
        ),
        "capacity_shared": (
            "{groups} y sont en même temps, {total} visiteurs à {at} ; l’hôte en reçoit {capacity}"
        ),
        "event_group": "seuls {attending} assistent à ce rendez-vous",
        "event_missing_group": (
            "{group} n’assiste pas au rendez-vous et n’est pas non plus inscrit comme "
            "l’ayant écarté"
        ),
        "event_missing_joint": (
            "{group} n’est pas à ce rendez-vous commun, où {joint} se retrouve pourtant"
        ),
        "event_twice_group": "{group} assiste {visits} fois au rendez-vous",
        "event_time_joint": (
            "les groupes se retrouvent ici le {fixed_date}, {fixed_start}–{fixed_end}, avec {joint}"
        ),
        "host_missing_group": (
            "l’hôte n’est ni au programme de {group} ni parmi les hôtes que ce groupe écarte"
        ),
        "host_twice_group": "{group} visite l’hôte {visits} fois",
        "unscheduled_group": (
            "inscrit comme écarté par {group}, qui ne le visite de toute façon pas"
        ),
        "unscheduled_no_group": "inscrit comme écarté sans le groupe qui l’écarte",
        "choice_group": "un seul de {names} peut être au programme de {group}",
        "after_missing_group": "vient après {other}, qui n’est pas au programme de ce groupe",
        "after_order_group": ("vient après {other}, que ce groupe finit le {other_date} à {until}"),
        "check_holds": "Le plan tient\u202f: il respecte chaque règle du fichier de visite.",
        "check_rule": "règle enfreinte",
        "check_rules": "règles enfreintes",
        "check_breaks": "Le plan ne tient pas\u202f: {count}.",
        "check_figures": "Score {score} sur {max_score}\u202f; trajets {travel} min.",
        "check_score_was": "Le plan annonçait un score de {said}\u202f; il est de {is_}.",
        "check_travel_was": "Le plan annonçait {said} min de trajet\u202f; il y en a {is_}.",
        "check_more": "… et {count} de plus",
    },
}


def _variant(v: Violation) -> str:
    """The catalogue key of a violation: its kind, or a variant of it that its values pick."""
    args = v.args
    match v.kind:
        case "travel_time":
            # From a place the group leaves rather than one whose visit ends: the day's start,
            # a rest or a check-in at the hotel, a lunch (named by its place, whose visit ended
            # before it).
            leaving = (
                "_leaving"
                if args.get("frm_subject") in ("start", "rest", "check_in", "lunch")
                else ""
            )
            unknown = "_unknown" if args.get("minutes") is None else ""
            return f"travel_time{unknown}{leaving}"
        case "day_start" | "before_day" if args.get("arrival"):
            return f"{v.kind}_arrival"
        case "after_day" if args.get("departs") is not None:
            return "after_day_departure"
        case "route":
            if args.get("heading") is not None:
                return "route_heading"
            return "route_here" if args.get("here") is not None else "route_moving"
        case "hours":
            if args.get("closed") is not None:
                return "hours_closed"
            return "hours_opens" if args.get("opens") is not None else "hours_closes"
        case "host_twice" | "event_missing" if args.get("listed") and args.get("visits", 1):
            return f"{v.kind}_listed"
        case "host_missing" | "host_twice" if args.get("group"):
            return f"{v.kind}_group"
        case "event_missing" if args.get("group"):
            if args.get("visits", 0) > 1:
                return "event_twice_group"
            if args.get("joint") and not args.get("listed"):
                return "event_missing_joint"
            return "event_missing_group"
        case "event_time" if args.get("joint"):
            return "event_time_joint"
        case "not_for_group" if not args.get("allowed"):
            return "not_for_group_none"
        case "unscheduled_group" if args.get("group") is None:
            return "unscheduled_no_group"
        case "choice" if args.get("group"):
            return "choice_group"
        case "after_missing" | "after_order" if v.group is not None:
            return f"{v.kind}_group"
    return v.kind


_DATE_ARGS = frozenset({"first", "last", "fixed_date", "other_date", "confirmed_date"})


def describe(v: Violation, timezone: str, lang: Language = "en") -> str:
    """One line for people: "Thursday 26 May, 13:00–14:30, KTP: the host is closed 12:00–13:30"
    (the day, the item's times and name, then what is wrong; a finding about the whole plan
    without the day)."""
    w = Words(lang, TEXTS)
    zone = ZoneInfo(timezone)
    key = _variant(v)
    try:
        template = w[key]
    except KeyError:
        return str(v)  # a kind this version has no words for: the checker's own
    values = {
        name: _shown(name, value, w, zone) for name, value in v.args.items() if value is not None
    }
    if v.start is not None:
        values.setdefault("start", clock(v.start.astimezone(zone)))
    values.setdefault("name", v.name or v.id or "")
    values.setdefault("id", v.id or "")
    if "other" not in values:  # an overlap with something without a name: a lunch, a drive
        values["other"] = values.get("other_subject", "")
    try:
        sentence = fill(template, lang, values)
    except (KeyError, IndexError, ValueError):
        return str(v)
    return f"{_prefix(v, w, zone)}{sentence}"


def _prefix(v: Violation, w: Words, zone: ZoneInfo) -> str:
    parts: list[str] = []
    if v.date is not None:
        parts.append(format_date(v.date, _DAY_FORMAT[w.lang], locale=LOCALES[w.lang]))
    if v.group is not None:  # a group's own programme (sub-groups)
        parts.append(v.group)
    if v.kind not in _DAY_ONLY:
        if v.start is not None and v.end is not None:
            start, end = v.start.astimezone(zone), v.end.astimezone(zone)
            parts.append(clock(start) if start == end else f"{clock(start)}–{clock(end)}")
        if v.subject == "lunch":
            parts.append(w["lunch"] if v.name is None else f"{w['lunch']} ({v.name})")
        elif v.subject in ("rest", "check_in"):
            parts.append(f"{w[v.subject]} ({v.name})" if v.name else w[v.subject])
        elif v.subject not in ("day", "plan"):  # a visit, an event, a member
            named = v.name or v.id
            if named:
                parts.append(named)
    return ", ".join(parts) + w["colon"] if parts else ""


def _shown(name: str, value: Any, w: Words, zone: ZoneInfo) -> str:
    if isinstance(value, dt.datetime):
        return clock(value.astimezone(zone))
    if isinstance(value, dt.date):
        fmt = _DAY_FORMAT[w.lang] if name in _DATE_ARGS else "medium"
        return format_date(value, fmt, locale=LOCALES[w.lang])
    if isinstance(value, list):
        shown = [_shown(name, v, w, zone) for v in value]
        return format_list(shown, locale=LOCALES[w.lang]) if shown else ""
    if isinstance(value, dict):  # a holiday's names by language
        return str(value.get(w.lang) or next(iter(value.values()), ""))
    if name in ("said", "is_") and value in ("complete", "partial"):
        return w[value]
    if name in ("letter", "held_in", "own") and isinstance(value, str):
        return w.language_name(value)
    if name == "other_subject":
        return w[value] if value in ("lunch", "rest", "check_in", "travel") else str(value)
    return str(value)


def summary(
    violations: list[Violation], timezone: str, lang: Language, shown: int | None = None
) -> list[str]:
    """The findings as lines, the first `shown` of them (all by default), then how many more."""
    lines = [describe(v, timezone, lang) for v in violations[:shown]]
    if shown is not None and len(violations) > shown:
        w = Words(lang, TEXTS)
        lines.append(w.fmt("check_more", count=len(violations) - shown))
    return lines


def edited_report(found: EditedCheck, lang: Language) -> list[str]:
    """`itinerary check`'s report: every broken rule, the plan's figures as recounted, each
    figure the file stated wrongly, and the verdict (none when only figures are wrong or
    must-visits are missing: those lines say it)."""
    w = Words(lang, TEXTS)
    plan = found.plan
    lines = summary(found.violations, plan.trip.timezone, lang)
    lines.append(
        w.fmt(
            "check_figures", score=plan.score, max_score=plan.max_score, travel=plan.travel_minutes
        )
    )
    if found.stated_score is not None:
        lines.append(w.fmt("check_score_was", said=found.stated_score, is_=plan.score))
    if found.stated_travel is not None:
        lines.append(w.fmt("check_travel_was", said=found.stated_travel, is_=plan.travel_minutes))
    if found.violations:
        count = len(found.violations)
        shown = f"{count} {w['check_rule'] if count == 1 else w['check_rules']}"
        lines.append(w.fmt("check_breaks", count=shown))
    elif found.holds:
        lines.append(w["check_holds"])
    return lines
