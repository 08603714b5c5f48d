"""The `hosts` export: a note and a calendar file per scheduled host, and nothing more."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import EXAMPLES, example_plan, plan_text
from icalendar import Calendar
from markdown_it import MarkdownIt

from itinerary.fsio import MAX_FILENAME, safe_filename
from itinerary.input.spec import Contact
from itinerary.plan import EndItem, EventItem, Plan, StartItem, VisitItem
from itinerary.render import RenderOptions
from itinerary.render.export import export_plan
from itinerary.render.hosts_export import TEXTS, file_stems, render
from itinerary.render.i18n import LABELS

OWL, LIMOGES = "its-owl-week.yaml", "limoges-symposium.yaml"

DE_WEEKDAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
DE_MONTHS = (
    "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split()
)
FR_WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
FR_MONTHS = (
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
)
EN_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
EN_MONTHS = (
    "January February March April May June July August September October November December".split()
)


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    return {name: example_plan(name) for name in (OWL, LIMOGES)}


def text_files(files: dict[str, bytes]) -> dict[str, str]:
    return {name: data.decode("utf-8") for name, data in files.items()}


def neighbour_names(plan: Plan, host_id: str) -> tuple[str, str]:
    """Names of the places just before and after the host's visit in its day (not lunch or
    travel)."""
    (track,) = [t for t in plan.tracks if any(getattr(i, "id", None) == host_id for i in t.items)]
    stops = [i for i in track.items if isinstance(i, StartItem | VisitItem | EventItem | EndItem)]
    names = [
        i.place if isinstance(i, StartItem | EndItem | EventItem) else i.name for i in stops
    ]  # an event is named by its venue
    index = next(n for n, i in enumerate(stops) if getattr(i, "id", None) == host_id)
    return names[index - 1], names[index + 1]


def edit_visits(plan: Plan, edit: Callable[[VisitItem], dict[str, object]]) -> Plan:
    tracks = [
        track.model_copy(
            update={
                "items": [
                    i.model_copy(update=edit(i)) if isinstance(i, VisitItem) else i
                    for i in track.items
                ]
            }
        )
        for track in plan.tracks
    ]
    return plan.model_copy(update={"tracks": tracks})


def clock(moment: dt.datetime, plan: Plan) -> str:
    return moment.astimezone(ZoneInfo(plan.trip.timezone)).strftime("%H:%M")


# --- what is written -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", [OWL, LIMOGES])
def test_every_scheduled_host_gets_a_note_and_a_calendar(plans: dict[str, Plan], name: str) -> None:
    plan = plans[name]
    files = render(plan, RenderOptions())
    expected = {f"{v.id}{ext}" for v in plan.visits() for ext in (".md", ".ics")}
    assert set(files) == expected
    for left_out in plan.unscheduled:
        assert not any(f.startswith(left_out.id) for f in files)
    for visit in plan.visits():
        (event,) = Calendar.from_ical(files[f"{visit.id}.ics"]).events
        assert (event.start, event.end) == (visit.start, visit.end)
        assert event.start.tzinfo == ZoneInfo(plan.trip.timezone)
        assert (event["geo"].latitude, event["geo"].longitude) == visit.location
        assert plan.delegation.name in str(event["summary"])
        # A single visit goes into the host's own calendar, not a new calendar of its own.
        assert "x-wr-calname" not in Calendar.from_ical(files[f"{visit.id}.ics"])


def test_german_host_in_owl_gets_a_german_note(plans: dict[str, Plan]) -> None:
    plan = plans[OWL]
    note = text_files(render(plan, RenderOptions()))["dmg-mori.md"]
    visit = next(v for v in plan.visits() if v.id == "dmg-mori")
    day = visit.start.date()
    coming_from, going_to = neighbour_names(plan, "dmg-mori")
    date = f"{DE_WEEKDAYS[day.weekday()]}, {day.day}. {DE_MONTHS[day.month - 1]} {day.year}"
    assert note.startswith("Sehr geehrter Herr Richter,\n")  # salutation: Herr
    for line in [
        f"- **Datum**: {date}",
        f"- **Ankunft**: {clock(visit.start, plan)}",
        f"- **Abfahrt**: {clock(visit.end, plan)}",
        "- **Adresse**: Gildemeisterstraße 60, 33689 Bielefeld",
        f"- **Anreise von**: {coming_from}",
        f"- **Weiterfahrt zu**: {going_to}",
        "- **Delegation**: ACCIÓ – Catalan industry delegation, 20 Personen",
        "- **Ansprechpartner der Delegation**: Montserrat Vidal, +34 600 123 456, "
        "montserrat.vidal@example.org",
        "- **Themenwünsche**: machine tools, digital manufacturing, CELOS",
        # DMG Mori also offers English, which the Catalan delegation speaks.
        "- **Sprache des Besuchs**: Englisch",
    ]:
        assert line + "\n" in note
    assert "Sicherheitsschuhe" in note  # the host's message
    assert "bestätigen" in note
    assert note.endswith(
        "Mit freundlichen Grüßen\n\nPetra Lange  \nInternational projects  \n"
        "it's OWL Clustermanagement GmbH  \n+49 5251 000 110  \np.lange@its-owl.example.org\n"
    )


def test_french_host_in_limoges_gets_a_french_note(plans: dict[str, Plan]) -> None:
    plan = plans[LIMOGES]
    note = text_files(render(plan, RenderOptions()))["ceradrop.md"]
    visit = next(v for v in plan.visits() if v.id == "ceradrop")
    day = visit.start.date()
    coming_from, going_to = neighbour_names(plan, "ceradrop")
    assert note.startswith("Monsieur,\n")  # French business usage: no name
    date = f"{FR_WEEKDAYS[day.weekday()]} {day.day} {FR_MONTHS[day.month - 1]} {day.year}"
    assert f"- **Date**\u202f: {date}\n" in note
    assert f"- **Arrivée**\u202f: {clock(visit.start, plan)}\n" in note
    assert f"- **En provenance de**\u202f: {coming_from}\n" in note
    assert f"- **Ensuite vers**\u202f: {going_to}\n" in note
    assert "6 personnes" in note and "Katharina Vogel" in note
    assert "impression jet d'encre, microcomposants, électronique imprimée" in note
    # Ceradrop also offers English; the German delegation speaks German and English.
    assert "- **Langue de la visite**\u202f: anglais\n" in note
    assert "démonstration d'impression sur céramique" in note  # the host's message
    assert "Salle blanche" not in note  # the organiser's notes
    assert "confirmer cette visite" in note


@pytest.mark.parametrize(
    ("lang", "greeting"),
    [
        ("en", "Dear Sir or Madam,"),
        ("de", "Sehr geehrte Damen und Herren,"),
        ("fr", "Madame, Monsieur,"),
    ],
)
def test_polite_greeting_without_a_contact_name(
    plans: dict[str, Plan], lang: str, greeting: str
) -> None:
    plan = edit_visits(
        plans[OWL], lambda v: {"contact": Contact(email="info@example.org"), "language": lang}
    )
    for name, text in text_files(render(plan, RenderOptions())).items():
        if name.endswith(".md"):
            assert text.startswith(greeting + "\n\n")


def test_one_language_for_all_hosts_when_asked(plans: dict[str, Plan]) -> None:
    plan = plans[OWL]
    files = text_files(render(plan, RenderOptions(lang="en")))
    visit = next(v for v in plan.visits() if v.id == "dmg-mori")
    day = visit.start.date()
    note = files["dmg-mori.md"]
    assert note.startswith("Dear Mr Richter,\n")
    assert f"{EN_WEEKDAYS[day.weekday()]}, {day.day} {EN_MONTHS[day.month - 1]} {day.year}" in note
    # The visit is held in English whatever the note's language: a fact about the visit.
    assert "- **Language of the visit**: English\n" in note
    assert "Visit: ACCIÓ" in files["dmg-mori.ics"]
    french = text_files(render(plan, RenderOptions(lang="fr")))
    openings = {t.split("\n")[0] for n, t in french.items() if n.endswith(".md")}
    assert openings <= {"Madame,", "Monsieur,", "Madame, Monsieur,"}
    assert french["dmg-mori.md"].startswith("Monsieur,\n")


def user_texts(plan: Plan) -> list[str]:
    """Everything the plan's author wrote (names, addresses, topics), longest first."""
    texts = [plan.trip.name, plan.delegation.name, *plan.delegation.model_dump().values()]
    texts += list(plan.organiser.model_dump().values()) if plan.organiser else []
    for track in plan.tracks:
        for item in track.items:
            fields = item.model_dump()
            texts += [v for v in fields.values() if isinstance(v, str)]
            texts += [*fields.get("topics", []), *(fields.get("contact") or {}).values()]
    return sorted({t for t in texts if isinstance(t, str) and t}, key=len, reverse=True)


def test_german_and_french_notes_carry_no_english_label(plans: dict[str, Plan]) -> None:
    catalogues = (LABELS, TEXTS)
    english = {
        v for c in catalogues for v in c["en"].values() if "{" not in v and re.search(r"\w", v)
    }
    for lang, plan in (("de", plans[LIMOGES]), ("fr", plans[OWL]), ("de", plans[OWL])):
        foreign = {v for c in catalogues for v in c[lang].values()}
        for name, text in text_files(render(plan, RenderOptions(lang=lang))).items():  # type: ignore[arg-type]
            text = text.replace("\r\n ", "")
            for user_text in user_texts(plan):  # printed as the author wrote it
                text = text.replace(user_text, "")
            for word in english - foreign:
                found = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)
                assert not found, (lang, name, word)


# --- privacy: a host sees their own visit only ---------------------------------------------------


@pytest.mark.parametrize("name", [OWL, LIMOGES])
def test_hosts_see_nothing_of_other_hosts_slots_or_the_planning(
    plans: dict[str, Plan], name: str
) -> None:
    plan = plans[name]
    visits = plan.visits()
    for lang in (None, "en", "de", "fr"):
        files = text_files(render(plan, RenderOptions(lang=lang)))  # type: ignore[arg-type]
        for visit in visits:
            own = {clock(visit.start, plan), clock(visit.end, plan)}
            for ext in (".md", ".ics"):
                text = files[f"{visit.id}{ext}"].replace("\r\n ", "")
                for other in visits:
                    if other.id == visit.id:
                        continue
                    for moment in (other.start, other.end):
                        if clock(moment, plan) not in own:
                            assert clock(moment, plan) not in text, (visit.id, other.id)
                    if other.contact and other.contact.email:
                        assert other.contact.email not in text
                lowered = text.lower()
                for word in ("priorit", "must", "pflicht", "incontournable", "score"):
                    assert word not in lowered, (visit.id, word)
                for left_out in plan.unscheduled:
                    assert left_out.name not in text and left_out.reason not in text


# --- hostile ids and names -----------------------------------------------------------------------

HOSTILE_IDS = ["../../x", "con", "a/b", "a?b", "line\nbreak", "<script>", "ABC", "abc", "x" * 300]
HOSTILE_IDS += ["evil\x07bell"]
HOSTILE_NAME = (
    "# Heading *bold* _under_ [link](http://x) <script>alert(1)</script> `code` ~~s~~ &amp;\x07"
)


@functools.cache
def owl_without_holidays() -> Plan:
    """The OWL week as it was before it kept Corpus Christi free (no holidays, no excursion,
    Claas and SmartFactoryOWL open on 26 May): all ten hosts visited, one for each hostile
    id, every one next to another visit whose (hostile) name its letter shows."""
    text = (EXAMPLES / OWL).read_text(encoding="utf-8")
    line = next(li for li in text.splitlines(keepends=True) if li.startswith("  holidays: "))
    text = text.replace(line, "")
    text = text.replace("[2016-05-24, 2016-05-27]", "[2016-05-24, 2016-05-26]")
    text = text.replace("[2016-05-24, 2016-05-25]", "[2016-05-24, 2016-05-26]")
    return plan_text(text[: text.index("  # Corpus Christi: ")])


def hostile(plan: Plan) -> Plan:
    assert len(plan.visits()) >= len(HOSTILE_IDS)
    ids = iter([*HOSTILE_IDS, *(f"extra-{n}" for n in range(len(plan.visits())))])
    return edit_visits(
        plan,
        lambda v: {
            "id": next(ids),
            "name": f"{HOSTILE_NAME}\n# {v.name}",
            "contact": Contact(
                name="*Dr.* <b>Evil</b>\n# x", role="[boss](http://x)", salutation="*Ms* <i>_"
            ),
            "topics": ["_a_", "`b`", "<i>c</i>"],
        },
    )


def test_hostile_ids_make_safe_distinct_file_names_inside_the_folder(
    plans: dict[str, Plan], tmp_path: Path
) -> None:
    plan = hostile(owl_without_holidays())
    files = render(plan, RenderOptions())
    assert len(files) == 2 * len(plan.visits())
    out = tmp_path / "out"
    written = export_plan(plan, "hosts", out)
    assert written.files == len(files)
    on_disk = sorted(p.name for p in out.iterdir())
    assert on_disk == sorted(files)  # the writer had nothing to rename
    assert len({n.lower() for n in on_disk}) == len(on_disk)
    for path in out.iterdir():
        assert path.resolve().parent == out.resolve() and path.is_file()
        assert len(path.name) <= MAX_FILENAME
    assert {"_con.md", "a-b.md", "a-b-2.md", "evil-bell.md", "ABC.md", "abc-2.md"} <= set(files)
    assert not list(tmp_path.glob("x*")) and not (tmp_path.parent / "x").exists()


def test_hostile_names_stay_text_in_markdown(plans: dict[str, Plan]) -> None:
    plan = hostile(owl_without_holidays())
    markdown = MarkdownIt("commonmark", {"html": True}).enable("strikethrough")
    shown = 0  # letters that show another visit's hostile name (where from, where next)
    for name, text in text_files(render(plan, RenderOptions(lang="en"))).items():
        if not name.endswith(".md"):
            continue
        html = markdown.render(text)
        bullets = sum(line.startswith("- ") for line in text.splitlines())
        # Only our own labels are bold; nothing else from the text becomes markup.
        assert html.count("<strong>") == bullets
        for tag in ("<h1", "<h2", "<a ", "<script", "<em>", "<code>", "<b>", "<i>", "<s>", "<del>"):
            assert tag not in html, (name, tag)
        if "script" in text:  # a neighbour's name, escaped and inert
            assert "&lt;script&gt;" in html and "&amp;amp;" in html
            shown += 1
        assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", text)
        # The salutation's unknown words are kept as written, and inert.
        assert text.startswith(r"Dear \*Ms\* \<i\>\_ x,")
    assert shown >= len(HOSTILE_IDS) // 2


def test_file_stems_are_unique_deterministic_and_stable_under_the_writer() -> None:
    ids = ["a/b", "a?b", "A-B", "con", "index", ".hidden", "", "y" * 300, "y" * 301, "ok"]
    stems = file_stems(ids)
    assert stems == file_stems(ids)
    assert list(stems) == ids
    assert len({s.lower() for s in stems.values()}) == len(ids)
    assert stems["a/b"] == "a-b" and stems["a?b"] == "a-b-2" and stems["A-B"] == "A-B-3"
    assert stems["con"] == "_con" and stems["index"] == "index" and stems["ok"] == "ok"
    for stem in stems.values():
        for ext in (".md", ".ics"):
            assert safe_filename(stem + ext) == stem + ext


def test_a_host_visited_twice_gets_both_visits(plans: dict[str, Plan]) -> None:
    plan = plans[LIMOGES]
    first, *_, last = plan.visits()
    twice = edit_visits(plan, lambda v: {"id": first.id} if v.id == last.id else {})
    files = text_files(render(twice, RenderOptions()))
    assert f"{last.id}.md" not in files
    note = files[f"{first.id}.md"]
    assert note.count("- **Date**\u202f:") == 2
    assert f"{clock(last.start, plan)}\n" in note
    events = Calendar.from_ical(files[f"{first.id}.ics"]).events
    assert [(e.start, e.end) for e in events] == [(first.start, first.end), (last.start, last.end)]
    assert len({str(e["uid"]) for e in events}) == 2


def test_a_subgroup_visit_names_its_group(plans: dict[str, Plan]) -> None:
    plan = plans[LIMOGES]
    first, *rest = plan.tracks
    plan = plan.model_copy(update={"tracks": [first.model_copy(update={"group": "Team B"}), *rest]})
    notes = text_files(render(plan, RenderOptions(lang="en")))
    for visit in plan.visits():
        in_group = visit.start.date() == first.date
        assert ("- **Group**: Team B\n" in notes[f"{visit.id}.md"]) == in_group
