"""One note and one calendar file per scheduled host, for the organiser to send on.

`<host>.md` is a short letter to paste into an e-mail: a greeting by the contact's salutation
(`greeting`), when the group comes and leaves, who they are, whom to call, what they want to
see, the language of the visit (and whether an interpreter is needed), where they come from and
go on to, the host's own `message`, a request to confirm (thanks, once the host has confirmed),
and the organiser's signature. `<host>.ics` holds the same visit for the host's calendar,
TENTATIVE until the host confirms, then CONFIRMED.
Each host learns only about their own visit: the places before and after it are named, never
another host's time, and nothing about priorities, scores, the organiser's `notes` or hosts
left out. Both are written in the host's language unless the export asks for one language for
all.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from babel.lists import format_list

from ..fsio import MAX_FILENAME, safe_filename
from ..input.spec import LOCALES
from ..plan import (
    GROUP_ALL,
    CheckInItem,
    EndItem,
    EventItem,
    Plan,
    RestItem,
    StartItem,
    VisitItem,
)
from ..plan.diff import Told, diff_plans, told_sequences
from . import RenderOptions
from .greeting import greeting
from .i18n import Words, clock
from .ics_export import (
    Entry,
    Slot,
    calendar_for,
    contact_text,
    description,
    place_name,
    slots,
)
from .terminal import group_label
from .text import joined, one_line

TEXTS = {
    "en": {
        "intro": "Here are the details of the planned visit of our delegation:",
        "visitors": "Visitors",
        "visitors_group": "a group of {size} from {group}",
        "visitors_all": "the whole delegation ({people})",
        "visitor_names": "Names of the visitors",
        "intro_groups": (
            "Our delegation will visit you in {n} groups; here are the details of each visit:"
        ),
        "arrival": "Arrival",
        "departure": "Departure",
        "coming_from": "Arriving from",
        "going_to": "Continuing to",
        "delegation_contact": "Delegation contact",
        "topics_of_interest": "Topics of interest",
        "visit_language": "Language of the visit",
        "interpreter_needed": "{language} (interpreter needed: the delegation speaks {spoken})",
        "confirm": "Could you please confirm this visit, or let us know if anything should change?",
        "confirm_visits": (
            "Could you please confirm these visits, or let us know if anything should change?"
        ),
        "regards": "Kind regards,",
        "moved_intro": "The time of our delegation's visit has changed; it is now:",
        "moved_before": "Previously planned: {when}.",
        "moved_sorry": "We apologise for the change.",
        "moved_confirm": (
            "Could you please confirm the new time, or let us know if it does not suit you?"
        ),
        "cancel": (
            "We are sorry to cancel the visit of our delegation ({delegation}) planned for {when}."
        ),
        "cancel_thanks": (
            "Thank you very much for your readiness to receive us, and please excuse the "
            "inconvenience."
        ),
        "when": "{date}, {start}–{end}",
        "declined": (
            "Thank you for letting us know that you are unable to receive our delegation "
            "({delegation}) on {when}."
        ),
        "declined_regret": (
            "We fully understand, and we hope there will be another occasion for us to visit you."
        ),
        "confirmed_intro": (
            "Thank you for confirming the visit of our delegation. For your reference, here are "
            "the details once more:"
        ),
        "confirmed_close": (
            "We look forward to our visit. Should anything change on your side, please let us know."
        ),
    },
    "de": {
        "intro": "hier finden Sie die Einzelheiten zum geplanten Besuch unserer Delegation:",
        "visitors": "Besucher",
        "visitors_group": "eine Gruppe von {size} Personen ({group})",
        "visitors_all": "die gesamte Delegation ({people})",
        "visitor_names": "Namen der Besucher",
        "intro_groups": (
            "unsere Delegation besucht Sie in {n} Gruppen; hier die Einzelheiten zu jedem Besuch:"
        ),
        "arrival": "Ankunft",
        "departure": "Abfahrt",
        "coming_from": "Anreise von",
        "going_to": "Weiterfahrt zu",
        "delegation_contact": "Ansprechpartner der Delegation",
        "topics_of_interest": "Themenwünsche",
        "visit_language": "Sprache des Besuchs",
        "interpreter_needed": (
            "{language} (Dolmetscher erforderlich: die Delegation spricht {spoken})"
        ),
        "confirm": (
            "Könnten Sie uns diesen Besuch bitte bestätigen oder uns mitteilen, "
            "falls sich etwas ändern sollte?"
        ),
        "confirm_visits": (
            "Könnten Sie uns diese Besuche bitte bestätigen oder uns mitteilen, "
            "falls sich etwas ändern sollte?"
        ),
        "regards": "Mit freundlichen Grüßen",
        "moved_intro": (
            "der Termin des Besuchs unserer Delegation hat sich geändert. Der neue Termin:"
        ),
        "moved_before": "Bisher geplant: {when}.",
        "moved_sorry": "Bitte entschuldigen Sie die Änderung.",
        "moved_confirm": (
            "Könnten Sie uns den neuen Termin bitte bestätigen oder uns mitteilen, "
            "falls er Ihnen nicht passt?"
        ),
        "cancel": (
            "zu unserem Bedauern müssen wir den für {when} geplanten Besuch unserer "
            "Delegation ({delegation}) absagen."
        ),
        "cancel_thanks": (
            "Herzlichen Dank für Ihre Bereitschaft, uns zu empfangen; bitte entschuldigen Sie "
            "die Umstände."
        ),
        "when": "{date}, {start}–{end} Uhr",
        "declined": (
            "vielen Dank für Ihre Nachricht, dass Sie unsere Delegation ({delegation}) am {when} "
            "nicht empfangen können."
        ),
        "declined_regret": (
            "Wir haben dafür selbstverständlich Verständnis und hoffen, dass sich bei anderer "
            "Gelegenheit ein Besuch bei Ihnen ergibt."
        ),
        "confirmed_intro": (
            "vielen Dank, dass Sie den Besuch unserer Delegation bestätigt haben. Zur Übersicht "
            "noch einmal die Einzelheiten:"
        ),
        "confirmed_close": (
            "Wir freuen uns auf den Besuch bei Ihnen. Sollte sich bei Ihnen etwas ändern, geben "
            "Sie uns bitte Bescheid."
        ),
    },
    "fr": {
        "intro": "Voici les détails de la visite prévue de notre délégation\u202f:",
        "visitors": "Visiteurs",
        "visitors_group": "un groupe de {size} personnes ({group})",
        "visitors_all": "toute la délégation ({people})",
        "visitor_names": "Noms des visiteurs",
        "intro_groups": (
            "Notre délégation vous rendra visite en {n} groupes\u202f; voici les détails de "
            "chaque visite\u202f:"
        ),
        "arrival": "Arrivée",
        "departure": "Départ",
        "coming_from": "En provenance de",
        "going_to": "Ensuite vers",
        "delegation_contact": "Interlocuteur de la délégation",
        "topics_of_interest": "Thèmes d'intérêt",
        "visit_language": "Langue de la visite",
        "interpreter_needed": (
            "{language} (interprète nécessaire\u202f: la délégation parle {spoken})"
        ),
        "confirm": (
            "Pourriez-vous nous confirmer cette visite, ou nous signaler "
            "tout changement nécessaire\u202f?"
        ),
        "confirm_visits": (
            "Pourriez-vous nous confirmer ces visites, ou nous signaler "
            "tout changement nécessaire\u202f?"
        ),
        "regards": "Bien cordialement,",
        "moved_intro": (
            "L'horaire de la visite de notre délégation a changé\u202f; le voici désormais\u202f:"
        ),
        "moved_before": "Horaire prévu jusqu'ici\u202f: {when}.",
        "moved_sorry": "Veuillez nous excuser pour ce changement.",
        "moved_confirm": (
            "Pourriez-vous nous confirmer ce nouvel horaire, ou nous signaler "
            "s'il ne vous convient pas\u202f?"
        ),
        "cancel": (
            "Nous avons le regret d'annuler la visite de notre délégation ({delegation}) "
            "prévue le {when}."
        ),
        "cancel_thanks": (
            "Nous vous remercions de votre disponibilité et vous prions de nous excuser "
            "pour ce désagrément."
        ),
        "when": "{date}, de {start} à {end}",
        "declined": (
            "Nous vous remercions de nous avoir fait savoir que vous ne pourrez pas recevoir "
            "notre délégation ({delegation}) le {when}."
        ),
        "declined_regret": (
            "Nous le comprenons tout à fait et espérons avoir l'occasion de vous rendre visite "
            "une autre fois."
        ),
        "confirmed_intro": (
            "Nous vous remercions d'avoir confirmé la visite de notre délégation. Pour mémoire, "
            "en voici de nouveau les détails\u202f:"
        ),
        "confirmed_close": (
            "Nous nous réjouissons de cette visite. Si quelque chose devait changer de votre "
            "côté, n'hésitez pas à nous en informer."
        ),
    },
}

# Room for "-<n>" and ".ics" within the file-name limit the writer enforces.
_MAX_STEM = MAX_FILENAME - 10

# Characters that start emphasis, links, HTML, code, headings, tables or strike-through, and
# `&` before what would read as an entity ("&amp;"); escaped with a backslash (CommonMark).
_MARKDOWN_ACTIVE = re.compile(r"[\\`*_\[\]<>#|~]|&(?=#?\w+;)")


def md(text: str) -> str:
    """User text as inert Markdown on one line: a name cannot start a heading or a list, nor
    make a link, emphasis or HTML."""
    return _MARKDOWN_ACTIVE.sub(lambda m: "\\" + m.group(), one_line(text))


def file_stems(host_ids: Iterable[str]) -> dict[str, str]:
    """A distinct file name stem per host id, in order: `a/b` -> `a-b`, a second `a?b` ->
    `a-b-2`. Compared without case, as the file systems of Windows and macOS do."""
    stems: dict[str, str] = {}
    taken: set[str] = set()
    for host_id in host_ids:
        base = safe_filename(safe_filename(host_id)[:_MAX_STEM])
        stem, n = base, 1
        while stem.lower() in taken:
            n += 1
            stem = f"{base}-{n}"
        stems[host_id] = stem
        taken.add(stem.lower())
    return stems


def _visit(slot: Slot) -> VisitItem:
    item = slot.item
    assert isinstance(item, VisitItem)
    return item


def _neighbours(slot: Slot) -> tuple[str, str]:
    """The places the group comes from and goes on to: names only, never their times."""
    places = (StartItem, VisitItem, EventItem, RestItem, CheckInItem, EndItem)
    before = [i for i in slot.track.items[: slot.index] if isinstance(i, places)]
    after = [i for i in slot.track.items[slot.index + 1 :] if isinstance(i, places)]
    return (
        place_name(before[-1]) if before else "",
        place_name(after[0]) if after else "",
    )


def _route_facts(plan: Plan, slot: Slot, w: Words) -> list[tuple[str, str]]:
    coming_from, going_to = _neighbours(slot)
    if plan.split:
        who = (w["visitors"], visitors_text(plan, slot, w))
    else:  # a track of a group the plan does not list (a hand-edited plan): named by its id
        who = (w["group"], "" if slot.track.group == GROUP_ALL else slot.track.group)
    return [
        who,
        (w["coming_from"], coming_from),
        (w["going_to"], going_to),
    ]


def visitors_text(plan: Plan, slot: Slot, w: Words) -> str:
    """Who comes, in a plan with groups: 'a group of 8 from Plastics processing', or 'the whole
    delegation (20 people)' on a date the delegation is together; "" without groups (the
    delegation's facts say it all)."""
    if not plan.split:
        return ""
    group = slot.track.group
    if group == GROUP_ALL:
        size = plan.delegation.size
        return w.fmt("visitors_all", people=w.count(size, "person", "people"))
    found = plan.delegation.group(group)
    return w.fmt("visitors_group", size=found.size, group=group_label(plan, group, w))


def visitor_names(plan: Plan, slot: Slot, w: Words) -> list[str]:
    """The names (and organisations) of the members who come on this visit, as Markdown list
    lines under their label ([] when the plan lists no members of that group)."""
    members = plan.delegation.members_of(slot.track.group)
    if not members:
        return []
    lines = [f"- **{w['visitor_names']}**{w['colon'].rstrip()}"]
    lines += [f"  - {md(joined(m.name, m.organisation))}" for m in members]
    return lines


def _language_text(plan: Plan, visit: VisitItem, w: Words) -> str:
    """The language the visit is held in; when the delegation speaks none of the host's, says
    that an interpreter is needed and what the delegation speaks."""
    language = w.language_name(visit.held_in)
    spoken = plan.delegation.languages
    if not visit.interpreter or not spoken:
        return language
    return w.fmt("interpreter_needed", language=language, spoken=w.language_list(spoken))


def _group_facts(plan: Plan, visit: VisitItem, w: Words) -> list[tuple[str, str]]:
    group = plan.delegation
    return [
        (w["delegation"], f"{group.name}, {w.count(group.size, 'person', 'people')}"),
        (w["organisation"], group.organisation or ""),
        (w["delegation_contact"], contact_text(group.contact)),
        (w["topics_of_interest"], ", ".join(visit.topics)),
        (w["visit_language"], _language_text(plan, visit, w)),
    ]


def _bullets(facts: Iterable[tuple[str, str]], w: Words) -> list[str]:
    return [f"- **{label}**{w['colon']}{md(value)}" for label, value in facts if value]


def _paragraphs(text: str) -> list[str]:
    """The host's `message` as Markdown paragraphs: its own blank lines kept, each line inert."""
    lines = [md(line) for line in text.strip().splitlines()]
    # A hard line break (two spaces) keeps the author's single line breaks in the paragraph.
    return [
        line + "  " if line and nxt else line
        for line, nxt in zip(lines, [*lines[1:], ""], strict=True)
    ]


def signature(plan: Plan) -> list[str]:
    """Who signs: the organiser (name, role, organisation, phone, e-mail, one a line), or,
    without one, the delegation (its name, and the organising body if given)."""
    o = plan.organiser
    if o is not None:
        who = [o.name, o.role, o.organisation, o.phone, o.email]
    else:
        who = [plan.delegation.name, plan.delegation.organisation]
    lines = [md(part) for part in who if part and part.strip()]
    return [line + "  " for line in lines[:-1]] + lines[-1:]


def _when(plan: Plan, slot: Slot, w: Words) -> str:
    """'Tuesday, 24 May 2016, 10:00–11:30': a visit's day and times, as the letter names them."""
    zone = ZoneInfo(plan.trip.timezone)
    visit = _visit(slot)
    return w.fmt(
        "when",
        date=w.long_date(slot.track.date),
        start=clock(visit.start.astimezone(zone)),
        end=clock(visit.end.astimezone(zone)),
    )


def _whens(plan: Plan, visits: list[Slot], w: Words) -> str:
    return format_list([_when(plan, slot, w) for slot in visits], locale=LOCALES[w.lang])


def note(
    plan: Plan,
    visits: list[Slot],
    w: Words,
    *,
    before: tuple[Plan, list[Slot]] | None = None,
    visitors: bool = False,
) -> str:
    """The letter to one host about their visit(s). With `before` (the plan the host was last
    written from, and their visits in it), a letter about a new time: it says that the time
    has changed, gives the new one as the first letter did, and names the old one. Visits the
    host has confirmed (and not moved since) get thanks for confirming and the same details,
    without a request to confirm. `visitors`: each visit lists the names and organisations
    of the members who come (`export --visitor-list`; personal data, so only when asked)."""
    zone = ZoneInfo(plan.trip.timezone)
    first = _visit(visits[0])
    if before is not None:
        intro, close = "moved_intro", "moved_confirm"
    elif all(_visit(slot).confirmed for slot in visits):
        intro, close = "confirmed_intro", "confirmed_close"
    else:
        intro, close = "intro", "confirm"
    lines = [md(greeting(first.contact, w.lang)), ""]
    groups = {slot.track.group for slot in visits}
    if intro == "intro" and len(groups) > 1:  # the groups of the delegation come one by one
        lines.append(w.fmt("intro_groups", n=len(groups)))
        close = "confirm_visits"
    else:
        lines.append(w[intro])
    for slot in visits:
        visit = _visit(slot)
        times = [
            (w["date"], w.day_title(slot.track)),
            (w["arrival"], clock(visit.start.astimezone(zone))),
            (w["departure"], clock(visit.end.astimezone(zone))),
            (w["address"], visit.address or ""),
        ]
        lines += ["", *_bullets(times + _route_facts(plan, slot, w), w)]
        if visitors:
            lines += visitor_names(plan, slot, w)
    if before is not None:
        earlier, old_visits = before
        was = w.fmt("moved_before", when=_whens(earlier, old_visits, w))
        lines += ["", md(was + " " + w["moved_sorry"])]
    lines += ["", *_bullets(_group_facts(plan, first, w), w)]
    if first.message and first.message.strip():
        lines += ["", *_paragraphs(first.message)]
    lines += ["", w[close], "", w["regards"], "", *signature(plan)]
    return "\n".join(lines) + "\n"


def cancellation(plan: Plan, earlier: Plan, visits: list[Slot], w: Words) -> str:
    """The letter that cancels a host's visit(s) of the `earlier` plan, signed as `plan` (the
    current one) is: no new time, no facts of the programme, an apology and thanks."""
    sorry = w.fmt("cancel", delegation=plan.delegation.name, when=_whens(earlier, visits, w))
    return _short_letter(plan, visits, w, [md(sorry), w["cancel_thanks"]])


def acknowledgement(plan: Plan, earlier: Plan, visits: list[Slot], w: Words) -> str:
    """The answer to a host that declined the visit(s) of the `earlier` plan, signed as `plan`
    is: thanks for letting us know, understanding, the hope for another occasion; no apology
    (the host said no, not the organiser), nothing else of the programme."""
    thanks = w.fmt("declined", delegation=plan.delegation.name, when=_whens(earlier, visits, w))
    return _short_letter(plan, visits, w, [md(thanks) + " " + w["declined_regret"]])


def _short_letter(plan: Plan, visits: list[Slot], w: Words, paragraphs: list[str]) -> str:
    """A letter of a few paragraphs to the host of `visits`, without the programme's facts:
    the greeting, the paragraphs, the regards and `plan`'s signature."""
    lines = [md(greeting(_visit(visits[0]).contact, w.lang))]
    for paragraph in paragraphs:
        lines += ["", paragraph]
    lines += ["", w["regards"], "", *signature(plan)]
    return "\n".join(lines) + "\n"


def host_entry(plan: Plan, slot: Slot, w: Words) -> Entry:
    """The host's view of their visit: who comes, whom to call, where they come from. Tentative
    until the host confirms it (the letter asks them to); CONFIRMED once the plan says the host
    has (`VisitItem.confirmed`)."""
    visit = _visit(slot)
    facts = _route_facts(plan, slot, w) + _group_facts(plan, visit, w)
    if visit.message and visit.message.strip():
        facts.append((w["note"], visit.message.strip()))
    key = f"host-visit-{visit.id}"
    summary = w["visit"] + w["colon"] + plan.delegation.name
    if slot.track.group != GROUP_ALL:  # a UID per visiting group, as stable as the group's id
        key += f"-{slot.track.group}"
        summary += f" ({group_label(plan, slot.track.group, w)})"
    return Entry(
        key=key,
        summary=summary,
        start=visit.start,
        end=visit.end,
        location=joined(visit.name, visit.address),
        geo=visit.location,
        description=description(facts, w),
        category=w["visit"],
        status="CONFIRMED" if visit.confirmed else "TENTATIVE",
        sequence=visit.sequence or 0,
        attendee=visit.contact,
    )


def _by_host(plan: Plan) -> dict[str, list[Slot]]:
    """Each host's visits, in the order of time (a host two groups visit: both)."""
    by_host: dict[str, list[Slot]] = {}
    for slot in slots(plan, VisitItem):
        by_host.setdefault(_visit(slot).id, []).append(slot)
    return {host: sorted(visits, key=lambda s: _visit(s).start) for host, visits in by_host.items()}


def render(plan: Plan, options: RenderOptions) -> dict[str, bytes]:
    by_host = _by_host(plan)
    files: dict[str, bytes] = {}
    for host_id, stem in file_stems(by_host).items():
        visits = by_host[host_id]
        w = Words(options.lang or _visit(visits[0]).language, TEXTS)
        entries = [host_entry(plan, slot, w) for slot in visits]
        files[f"{stem}.ics"] = calendar_for(plan, entries, None)
        files[f"{stem}.md"] = note(plan, visits, w, visitors=options.visitor_list).encode("utf-8")
    return files


@dataclass(frozen=True)
class ChangeLetters:
    """The letters to the hosts that must be told of a re-plan: `files` by name, what each host
    is told (`told`, by host id), and the hosts left out because nothing changed for them."""

    files: dict[str, bytes]
    told: dict[str, Told]
    unchanged: tuple[str, ...]


def render_changes(
    earlier: Plan, plan: Plan, options: RenderOptions, stamp: dt.datetime
) -> ChangeLetters:
    """A letter and a calendar message for each host whose visit differs between the `earlier`
    plan (the one the hosts were written from) and `plan`: a new time (the letter names the
    old one; METHOD:REQUEST), a cancellation (METHOD:CANCEL, STATUS:CANCELLED, at the old
    time), the acknowledgement of a host's refusal (the same calendar message; the letter
    thanks it for saying so), thanks for a confirmation (the details again; METHOD:REQUEST,
    STATUS:CONFIRMED) or a first invitation (the usual letter; METHOD:REQUEST). Each calendar
    entry has the UID of the host's entry in the earlier export and its SEQUENCE raised
    (`plan.diff.told_sequences`); `stamp` is when the messages are made (their DTSTAMP). The
    plans must be of one trip (`plan.diff.same_trip`), or the UIDs would not match."""
    diff = diff_plans(earlier, plan)
    told = diff.hosts_to_tell()
    counts = told_sequences(earlier, plan, diff)
    before, after = _by_host(earlier), _by_host(plan)
    files: dict[str, bytes] = {}
    for host_id, stem in file_stems(told).items():
        if told[host_id] in ("removed", "declined"):
            visits = before[host_id]
            w = Words(options.lang or _visit(visits[0]).language, TEXTS)
            entries = [
                replace(host_entry(earlier, slot, w), status="CANCELLED", sequence=counts[host_id])
                for slot in visits
            ]
            files[f"{stem}.ics"] = calendar_for(
                earlier, entries, None, method="CANCEL", stamp=stamp
            )
            letter = acknowledgement if told[host_id] == "declined" else cancellation
            files[f"{stem}.md"] = letter(plan, earlier, visits, w).encode("utf-8")
            continue
        visits = after[host_id]
        w = Words(options.lang or _visit(visits[0]).language, TEXTS)
        entries = [replace(host_entry(plan, slot, w), sequence=counts[host_id]) for slot in visits]
        files[f"{stem}.ics"] = calendar_for(plan, entries, None, method="REQUEST", stamp=stamp)
        moved = (earlier, before[host_id]) if told[host_id] == "moved" else None
        text = note(plan, visits, w, before=moved, visitors=options.visitor_list)
        files[f"{stem}.md"] = text.encode("utf-8")
    return ChangeLetters(files, told, tuple(diff.unchanged_hosts()))
