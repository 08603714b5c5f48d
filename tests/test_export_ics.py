"""The `ics` export: the delegation's calendar, read back with icalendar."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from conftest import example_plan, plan_text
from icalendar import Calendar

from itinerary.plan import EventItem, LunchItem, Plan, TravelItem, VisitItem
from itinerary.render import RenderOptions
from itinerary.render.i18n import LABELS
from itinerary.render.ics_export import TEXTS, render

EXAMPLE_FILES = ["its-owl-week.yaml", "limoges-symposium.yaml"]


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    return {name: example_plan(name) for name in EXAMPLE_FILES}


def parse(raw: bytes) -> Calendar:
    return Calendar.from_ical(raw)


def calendar_items(plan: Plan) -> list[VisitItem | EventItem | LunchItem]:
    return [
        i for t in plan.tracks for i in t.items if isinstance(i, VisitItem | EventItem | LunchItem)
    ]


def unfolded(raw: bytes) -> str:
    return raw.decode("utf-8").replace("\r\n ", "")


def rename_first_visit(plan: Plan, **changes: object) -> Plan:
    """A copy of `plan` whose first visit has `changes` (a hostile name, say)."""
    tracks = []
    done = False
    for track in plan.tracks:
        items = []
        for item in track.items:
            if isinstance(item, VisitItem) and not done:
                item = item.model_copy(update=changes)
                done = True
            items.append(item)
        tracks.append(track.model_copy(update={"items": items}))
    return plan.model_copy(update={"tracks": tracks})


# --- both examples -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_every_item_is_an_event_at_the_planned_time(plans: dict[str, Plan], name: str) -> None:
    plan = plans[name]
    cal = parse(render(plan, RenderOptions()))
    items = calendar_items(plan)
    assert len(cal.events) == len(items) > 0
    for event, item in zip(cal.events, items, strict=True):
        # Aware datetimes compare as instants; the zone must be the trip's, not UTC.
        assert event.start == item.start and event.end == item.end
        assert event.start.tzinfo == ZoneInfo(plan.trip.timezone)
        assert str(event["status"]) == "CONFIRMED"
        assert event["dtstamp"].dt.tzinfo is not None
        if item.location is not None:
            assert (event["geo"].latitude, event["geo"].longitude) == item.location
    assert [tz.tz_name for tz in cal.timezones] == [plan.trip.timezone]
    assert cal["version"] == "2.0" and "itinerary" in str(cal["prodid"])
    assert str(cal["x-wr-calname"]) == plan.trip.name


def test_visit_says_whom_to_meet_and_what_comes_next(plans: dict[str, Plan]) -> None:
    plan = plans["its-owl-week.yaml"]
    track = next(t for t in plan.tracks if any(getattr(i, "id", "") == "dmg-mori" for i in t.items))
    index = next(n for n, i in enumerate(track.items) if getattr(i, "id", "") == "dmg-mori")
    visit = track.items[index]
    events = {str(e["summary"]): e for e in parse(render(plan, RenderOptions(lang="de"))).events}
    event = events[f"Besuch: {visit.name}"]
    assert str(event["location"]) == f"{visit.name}, {visit.address}"
    assert str(event["categories"].to_ical().decode()) == "Besuch"
    text = str(event["description"])
    assert (
        "Ansprechpartner: Thomas Richter, +49 5205 000 900, t.richter@dmgmori.example.org" in text
    )
    assert "Themen: machine tools, digital manufacturing, CELOS" in text
    assert "Sprache: Deutsch" in text


@pytest.mark.parametrize(
    ("lang", "visit", "lunch", "next_travel"),
    [
        ("en", "Visit: ", "Lunch", "Next: {m} min travel to {to}"),
        ("de", "Besuch: ", "Mittagessen", "Danach: {m} Min. Fahrt zu {to}"),
        ("fr", "Visite\u202f: ", "Déjeuner", "Ensuite\u202f: {m} min de trajet vers {to}"),
    ],
)
@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_summaries_are_localised(
    plans: dict[str, Plan], name: str, lang: str, visit: str, lunch: str, next_travel: str
) -> None:
    plan = plans[name]
    cal = parse(render(plan, RenderOptions(lang=lang)))  # type: ignore[arg-type]
    for event, item in zip(cal.events, calendar_items(plan), strict=True):
        summary = str(event["summary"])
        if isinstance(item, VisitItem):
            assert summary == visit + item.name
        elif isinstance(item, LunchItem):
            assert summary == lunch
        else:
            assert summary == item.name
    # Every visit followed by a journey says where the group goes next and how long it takes.
    legs = [
        (item, leg)
        for track in plan.tracks
        for item, leg in zip(track.items, track.items[1:], strict=False)
        if isinstance(item, VisitItem) and isinstance(leg, TravelItem)
    ]
    assert legs
    for item, leg in legs:
        event = next(e for e in cal.events if str(e["summary"]) == visit + item.name)
        assert next_travel.format(m=leg.minutes, to=leg.to_name) in str(event["description"])


def test_next_item_at_the_same_place_is_named_with_its_time(plans: dict[str, Plan]) -> None:
    plan = plans["its-owl-week.yaml"]
    cal = parse(render(plan, RenderOptions(lang="fr")))
    zone = ZoneInfo(plan.trip.timezone)
    checked = 0
    for track in plan.tracks:
        for item, following in zip(track.items, track.items[1:], strict=False):
            if isinstance(item, VisitItem) and isinstance(following, LunchItem):
                event = next(e for e in cal.events if e.start == item.start)
                when = following.start.astimezone(zone).strftime("%H:%M")
                assert f"Ensuite\u202f: Déjeuner à {when}" in str(event["description"])
                checked += 1
    assert checked > 0


def test_german_and_french_calendars_carry_no_english_label(plans: dict[str, Plan]) -> None:
    english = {
        v
        for v in [*LABELS["en"].values(), *TEXTS["en"].values()]
        if "{" not in v and re.search(r"\w", v)
    }
    for lang in ("de", "fr"):
        foreign = {*LABELS[lang].values(), *TEXTS[lang].values()}
        # Property names (SUMMARY, STATUS, END) are upper case; labels are matched as written.
        text = unfolded(render(plans["limoges-symposium.yaml"], RenderOptions(lang=lang)))
        for word in english - foreign:
            assert not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text), (lang, word)


# --- UIDs ----------------------------------------------------------------------------------------


def uids(raw: bytes) -> list[str]:
    return [str(e["uid"]) for e in parse(raw).events]


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_uids_are_unique_and_exports_reproducible(plans: dict[str, Plan], name: str) -> None:
    plan = plans[name]
    first, second = render(plan, RenderOptions()), render(plan, RenderOptions())
    assert first == second
    assert len(set(uids(first))) == len(uids(first))
    assert all(u.endswith("@itinerary") for u in uids(first))
    # The language of the calendar does not change what its entries are.
    assert uids(render(plan, RenderOptions(lang="de"))) == uids(first)


TRIP = """\
trip:
  name: Re-planned week
  start: 2026-06-01
  end: 2026-06-02
  timezone: Europe/Berlin
  lunch: {{from: "12:00", to: "14:00", minutes: 45}}
delegation: {{name: Group, size: 8}}
stays:
  - {{id: hotel, name: Hotel, location: [52.02, 8.53], from: 2026-06-01, to: 2026-06-02}}
hosts:
  - {{id: mill, name: Mill, location: [52.03, 8.55], duration: 90, priority: must,
     open: [{{days: [mon], from: "{mill_opens}", to: "{mill_closes}"}}]}}
  - {{id: lab, name: Lab, location: [52.00, 8.50], duration: 60, priority: must,
     open: [{{days: [tue], from: "09:00", to: "12:00"}}]}}
events:
  - {{id: dinner, name: Dinner, location: [52.02, 8.53],
     start: "2026-06-01 18:00", end: "2026-06-01 18:20"}}
"""


def test_uids_survive_a_replan_that_moves_a_visit() -> None:
    before = plan_text(TRIP.format(mill_opens="09:00", mill_closes="11:00"))
    after = plan_text(TRIP.format(mill_opens="14:00", mill_closes="17:00"))
    mill_before = next(v for v in before.visits() if v.id == "mill")
    mill_after = next(v for v in after.visits() if v.id == "mill")
    assert mill_before.start != mill_after.start
    old = {str(e["uid"]): e for e in parse(render(before, RenderOptions())).events}
    new = {str(e["uid"]): e for e in parse(render(after, RenderOptions())).events}
    assert old.keys() == new.keys()
    mill = next(uid for uid in new if uid.startswith("visit-mill-"))
    assert (old[mill].start, new[mill].start) == (mill_before.start, mill_after.start)


def test_a_host_visited_twice_gets_two_entries() -> None:
    plan = plan_text(TRIP.format(mill_opens="09:00", mill_closes="17:00"))
    lab = next(v for v in plan.visits() if v.id == "lab")
    twice = rename_first_visit(plan, id=lab.id, name=lab.name)
    found = uids(render(twice, RenderOptions()))
    assert len(set(found)) == len(found)
    assert sum(u.startswith("visit-lab") for u in found) == 2


# --- text escaping and line folding --------------------------------------------------------------

HOSTILE_NAME = 'ACME, "Labs"; R\\D\nline two <script>alert(1)</script> =HYPERLINK("x")'


def test_text_escaping_round_trips(plans: dict[str, Plan]) -> None:
    plan = rename_first_visit(
        plans["its-owl-week.yaml"], name=HOSTILE_NAME, address="Weg 1; Hof 2, 33102 Paderborn\\"
    )
    plan = plan.model_copy(
        update={"trip": plan.trip.model_copy(update={"name": "Trip; one, two\\three\nfour"})}
    )
    raw = render(plan, RenderOptions())
    visit = plan.visits()[0]
    event = next(e for e in parse(raw).events if e.start == visit.start and "Visit" in e["summary"])
    assert str(event["summary"]) == f"Visit: {HOSTILE_NAME}"
    assert str(event["location"]) == f"{HOSTILE_NAME}, Weg 1; Hof 2, 33102 Paderborn\\"
    text = unfolded(raw)
    assert 'SUMMARY:Visit: ACME\\, "Labs"\\; R\\\\D\\nline two <script>' in text
    # The calendar's name is one line, escaped as TEXT (icalendar reads it back raw).
    assert "X-WR-CALNAME:Trip\\; one\\, two\\\\three four\r\n" in text
    assert "NAME:Trip\\; one\\, two\\\\three four\r\n" in text


def test_long_lines_are_folded_at_75_octets(plans: dict[str, Plan]) -> None:
    long_name = "Größte Fabrik 🏭 der Welt, " * 12
    plan = rename_first_visit(plans["its-owl-week.yaml"], name=long_name, topics=["ü" * 200])
    raw = render(plan, RenderOptions(lang="de"))
    assert raw.endswith(b"\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) == 75
    for line in lines:
        line.decode("utf-8")  # no character is cut in two
        assert b"\n" not in line and b"\r" not in line
    summaries = [str(e["summary"]) for e in parse(raw).events]
    assert f"Besuch: {long_name}" in summaries


# --- daylight-saving changes ---------------------------------------------------------------------

DST_TRIP = """\
trip:
  name: Across the clock change
  start: {start}
  end: {end}
  timezone: Europe/Berlin
delegation: {{name: Group, size: 5}}
stays:
  - {{id: hotel, name: Hotel, location: [52.02, 8.53], from: {start}, to: {end}}}
hosts:
  - {{id: before, name: Before, location: [52.03, 8.55], duration: 90, priority: must,
     open: [{{days: [fri, sat], from: "09:00", to: "12:00"}}]}}
  - {{id: sunday, name: Sunday, location: [52.00, 8.50], duration: 60, priority: must,
     open: [{{days: [sun], from: "10:00", to: "12:00"}}]}}
  - {{id: after, name: After, location: [52.01, 8.52], duration: 60, priority: must,
     open: [{{days: [mon, tue], from: "14:00", to: "17:00"}}]}}
"""


@pytest.mark.parametrize(
    ("start", "end", "offsets"),
    [
        # EU autumn change: Sunday 25 October 2026, 03:00 CEST -> 02:00 CET.
        ("2026-10-23", "2026-10-27", {"before": 2, "sunday": 1, "after": 1}),
        # EU spring change: Sunday 29 March 2026, 02:00 CET -> 03:00 CEST.
        ("2026-03-27", "2026-03-31", {"before": 1, "sunday": 2, "after": 2}),
    ],
)
def test_times_stay_right_across_a_daylight_saving_change(
    start: str, end: str, offsets: dict[str, int]
) -> None:
    plan = plan_text(DST_TRIP.format(start=start, end=end))
    zone = ZoneInfo("Europe/Berlin")
    raw = render(plan, RenderOptions())
    cal = parse(raw)
    # A client that ignores its own zone database and reads only the VTIMEZONE in the file.
    (vtimezone,) = cal.timezones
    file_zone = vtimezone.to_tz()
    text = unfolded(raw)
    assert {v.id for v in plan.visits()} == set(offsets)
    for visit in plan.visits():
        event = next(e for e in cal.events if str(e["uid"]).startswith(f"visit-{visit.id}-"))
        assert (event.start, event.end) == (visit.start, visit.end)
        local = visit.start.astimezone(zone)
        assert local.utcoffset() == dt.timedelta(hours=offsets[visit.id])
        wall = local.strftime("%Y%m%dT%H%M%S")
        assert f"DTSTART;TZID=Europe/Berlin:{wall}\r\n" in text
        as_file_says = local.replace(tzinfo=None).replace(tzinfo=file_zone)
        assert as_file_says == visit.start


def test_control_characters_are_dropped(plans: dict[str, Plan]) -> None:
    plan = rename_first_visit(
        plans["its-owl-week.yaml"], id="evil\x07id", name="Bell\x07\x00 GmbH\r\n"
    )
    raw = render(plan, RenderOptions())
    assert not re.search(rb"[\x00-\x08\x0b-\x1f\x7f]", raw.replace(b"\r\n", b""))
    summaries = [str(e["summary"]) for e in parse(raw).events]
    assert "Visit: Bell GmbH\n" in summaries
    assert any(str(e["uid"]).startswith("visit-evilid-") for e in parse(raw).events)


def test_a_subgroup_is_named_in_its_entries(plans: dict[str, Plan]) -> None:
    plan = plans["limoges-symposium.yaml"]
    first, *rest = plan.tracks
    plan = plan.model_copy(update={"tracks": [first.model_copy(update={"group": "Team B"}), *rest]})
    cal = parse(render(plan, RenderOptions(lang="de")))
    first_day = [e for e in cal.events if e.start.date() == first.date]
    assert first_day and all(str(e["summary"]).endswith(" (Team B)") for e in first_day)
    assert not any("Team B" in str(e["summary"]) for e in cal.events if e not in first_day)
