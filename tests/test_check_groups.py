"""The plan checker with sub-groups (`groups`): tracks per (date, group), the plan's groups and
members, `for`, capacity at every host, groups synchronised at joint events, each host at most
once per group, lunch and the day's rules per track; `itinerary check` catching each hand edit
of a groups plan in words (en/de/fr); and what a plan alone shows (`check_plan_alone`).

The trip: two groups (Automation, 12; Plastics, 8) that split on 23 and 24 May and travel
together on 25 May; KTP holds 12 visitors and both groups may visit it (one after the other);
Alpha is for Automation, Beta for Plastics; the networking evening of 24 May joins both; the
Gamma works take the whole delegation on the together date; Tiny holds 6, so no group fits.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import plan_checked
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from itinerary.cli import app
from itinerary.input.groups import unmet_by
from itinerary.input.load import Loaded, load_spec_text
from itinerary.plan import Plan
from itinerary.plan.check import Violation, check_edited, check_plan, check_plan_alone
from itinerary.plan.retime import retime
from itinerary.render.check_words import TEXTS, describe

Data = dict[str, Any]

GROUPS_TRIP = """\
trip:
  name: Groups trip
  start: 2016-05-23
  end: 2016-05-25
  timezone: Europe/Berlin
  day: {start: "08:30", end: "18:00"}
  days:
    2016-05-24: {end: "20:30"}
    2016-05-25: {together: true}
  lunch: {from: "12:00", to: "14:00", minutes: 60}
delegation:
  name: Test delegation
  size: 20
  members:
    - {id: ada, name: Ada Lovelace, organisation: Analytical, group: auto}
    - {id: bea, name: Bea Brun, organisation: Polymères SA, group: plast}
    - {id: cyd, name: Cyd Charisse, interests: [plastics]}
    - {id: dan, name: Dan Dare, interests: [automation, robots]}
groups:
  - {id: auto, name: Automation, size: 12, interests: [automation]}
  - {id: plast, name: Plastics, size: 8, interests: [plastics]}
stays:
  - {id: hotel, name: Hotel, location: [51.7155, 8.7630], from: 2016-05-23, to: 2016-05-25}
hosts:
  - id: ktp
    name: KTP Kunststoff
    location: [51.7310, 8.7360]
    duration: 90
    priority: 50
    capacity: 12
    topics: [plastics, automation]
    open: [{dates: [2016-05-23], from: "09:00", to: "17:00"}]
  - id: alpha
    name: Alpha Automation
    location: [51.7400, 8.7000]
    duration: 60
    priority: 40
    topics: [automation]
    open: [{dates: [2016-05-23, 2016-05-24], from: "09:00", to: "17:00"}]
  - id: beta
    name: Beta Plastics
    location: [51.7200, 8.7800]
    duration: 60
    priority: 30
    topics: [plastics]
    open: [{dates: [2016-05-23, 2016-05-24], from: "09:00", to: "17:00"}]
  - id: gamma
    name: Gamma Works
    location: [51.7000, 8.7500]
    duration: 60
    priority: 20
    capacity: 30
    open: [{dates: [2016-05-25], from: "09:00", to: "17:00"}]
  - id: tiny
    name: Tiny Lab
    location: [51.7250, 8.7550]
    duration: 60
    priority: 10
    capacity: 6
    open: [{dates: [2016-05-23, 2016-05-24], from: "09:00", to: "17:00"}]
events:
  - id: networking
    name: Networking evening
    location: [51.7180, 8.7550]
    start: 2016-05-24 18:00
    end: 2016-05-24 20:00
"""

KTP_HOURS = 'open: [{dates: [2016-05-23], from: "09:00", to: "17:00"}]'


def _one_group(group: str) -> str:
    """The trip for one group alone (no `groups`): its size, the hosts it may visit, KTP in the
    morning for Automation and in the afternoon for Plastics, so that the two never meet there;
    the together date's host for the whole delegation only."""
    text = GROUPS_TRIP.split("groups:\n")[0] + "stays:" + GROUPS_TRIP.split("stays:")[1]
    text = text.replace("    2016-05-25: {together: true}\n", "")
    # A member's `group` names a group of `groups`: refused in a file without them.
    text = text.replace(", group: auto}", "}").replace(", group: plast}", "}")
    size = {"auto": 12, "plast": 8, "all": 20}[group]
    text = text.replace("size: 20", f"size: {size}")
    keep = {"auto": ("ktp", "alpha"), "plast": ("ktp", "beta"), "all": ("gamma",)}[group]
    hours = {"auto": '"09:00", to: "12:00"', "plast": '"13:30", to: "17:00"'}
    if group in hours:
        text = text.replace(KTP_HOURS, KTP_HOURS.replace('"09:00", to: "17:00"', hours[group]))
    head, rest = text.split("hosts:\n")
    hosts_text, events = rest.split("events:\n")
    blocks = ["  - id:" + b for b in hosts_text.split("  - id:")[1:]]
    kept = [b for b in blocks if b.split()[2] in keep]
    events_text = "events:\n" + events if group != "all" else ""
    return head + "hosts:\n" + "".join(kept) + events_text


def loaded_trip(text: str = GROUPS_TRIP) -> Loaded:
    return load_spec_text(text, "visit.yaml")


@functools.cache
def groups_plan() -> Plan:
    """A plan of the groups trip built from three plans of one group each (Automation and
    Plastics on the split dates, the whole delegation on the together date), its drives laid
    out and its figures counted again (`retime`)."""
    loaded = loaded_trip()
    parts = {g: plan_checked(loaded_trip(_one_group(g))) for g in ("auto", "plast", "all")}
    together = dt.date(2016, 5, 25)
    tracks = []
    for date in loaded.spec.trip_dates():
        for group in ("all",) if date == together else ("auto", "plast"):
            track = next(t for t in parts[group].tracks if t.date == date)
            tracks.append(track.model_copy(update={"group": group}))
    data = json.loads(parts["all"].to_json())
    data["format"] = "itinerary-plan/1.4"
    data["tracks"] = [json.loads(t.model_dump_json(by_alias=True)) for t in tracks]
    data["unscheduled"] = []
    data["delegation"] |= {
        "size": 20,
        "groups": [
            {"id": "auto", "name": "Automation", "size": 12, "interests": ["automation"]},
            {"id": "plast", "name": "Plastics", "size": 8, "interests": ["plastics"]},
        ],
        "members": [
            {"id": "ada", "name": "Ada Lovelace", "group": "auto", "organisation": "Analytical"},
            {"id": "bea", "name": "Bea Brun", "group": "plast", "organisation": "Polymères SA"},
            {"id": "cyd", "name": "Cyd Charisse", "group": "plast"},
            {"id": "dan", "name": "Dan Dare", "group": "auto"},
        ],
    }
    plan = retime(Plan.model_validate(data), loaded)
    found = check_plan(plan, loaded)
    assert found == [], "\n".join(map(str, found))
    return plan


def plan_data() -> Data:
    return json.loads(groups_plan().to_json())


def track_of(data: Data, date: str, group: str) -> Data:
    return next(t for t in data["tracks"] if t["date"] == date and t["group"] == group)


def item_of(track: Data, ident: str) -> Data:
    return next(i for i in track["items"] if i.get("id") == ident)


def at(stamp: str, hhmm: str) -> str:
    t = dt.datetime.fromisoformat(stamp)
    hours, minutes = map(int, hhmm.split(":"))
    return t.replace(hour=hours, minute=minutes).isoformat()


def kinds(violations: list[Violation]) -> set[str]:
    return {v.kind for v in violations}


def checked(data: Data, text: str = GROUPS_TRIP) -> list[Violation]:
    loaded = loaded_trip(text)
    return check_plan(retime(Plan.model_validate(data), loaded), loaded)


# --- the plan as built holds ---------------------------------------------------------------------


def test_a_groups_plan_built_by_hand_holds_with_every_group_and_host_accounted_for() -> None:
    plan = groups_plan()
    assert [(t.date.isoformat(), t.group) for t in plan.tracks] == [
        ("2016-05-23", "auto"),
        ("2016-05-23", "plast"),
        ("2016-05-24", "auto"),
        ("2016-05-24", "plast"),
        ("2016-05-25", "all"),
    ]
    ktp = [
        (t.group, v.start) for t in plan.tracks for v in t.items if getattr(v, "id", "") == "ktp"
    ]
    assert [g for g, _ in ktp] == ["auto", "plast"]
    # Tiny Lab holds 6: neither group visits it, and each is said to leave it out
    assert sorted((u.id, u.group) for u in plan.unscheduled) == [
        ("tiny", "auto"),
        ("tiny", "plast"),
    ]
    # every visit counts once per group that makes it; the together visit for both
    assert plan.score == 50 + 50 + 40 + 30 + 2 * 20
    assert check_plan_alone(plan) == []


def test_the_same_plan_checked_as_before_without_groups_in_the_visit_file() -> None:
    """A trip without groups: one track per date, whatever its group is called, as always."""
    plan = plan_checked(loaded_trip(_one_group("auto")))
    assert {t.group for t in plan.tracks} == {"all"}
    assert check_plan_alone(plan) == []


# --- tracks and the delegation -------------------------------------------------------------------


def test_a_missing_or_doubled_group_track_is_caught() -> None:
    data = plan_data()
    data["tracks"] = [
        t for t in data["tracks"] if (t["date"], t["group"]) != ("2016-05-23", "plast")
    ]
    found = checked(data)
    assert "track_missing" in kinds(found)
    line = describe(next(v for v in found if v.kind == "track_missing"), "Europe/Berlin")
    assert line == "Monday 23 May: the group Plastics has no programme that day"

    data = plan_data()
    data["tracks"].insert(1, track_of(data, "2016-05-23", "auto"))
    found = check_plan(Plan.model_validate(data), loaded_trip())
    assert "track_twice" in kinds(found)
    assert "host_twice" in kinds(found)  # the copy visits Alpha and KTP a second time


def test_a_group_track_on_a_together_date_and_an_all_track_on_a_split_date_are_caught() -> None:
    data = plan_data()
    day3 = track_of(data, "2016-05-25", "all")
    day3["group"] = "auto"
    found = check_plan(Plan.model_validate(data), loaded_trip())
    assert {"track_together", "track_missing"} <= kinds(found)

    data = plan_data()
    track_of(data, "2016-05-23", "plast")["group"] = "all"
    found = check_plan(Plan.model_validate(data), loaded_trip())
    assert "track_split" in kinds(found)


def test_the_plans_groups_and_members_must_be_the_visit_files() -> None:
    data = plan_data()
    data["delegation"]["members"][2]["group"] = "auto"  # Cyd is placed with Plastics
    data["delegation"]["groups"][1]["size"] = 9
    found = check_plan(Plan.model_validate(data), loaded_trip())
    assert {"member_group", "plan_groups"} <= kinds(found)
    line = describe(next(v for v in found if v.kind == "member_group"), "Europe/Berlin", "de")
    assert line == "Cyd Charisse: reist mit Plastics, nicht mit Automation"
    alone = check_plan_alone(Plan.model_validate(data))
    assert alone == []  # the plan alone cannot know who belongs where
    data["delegation"]["members"][2]["group"] = "robots"
    assert "member_group_unknown" in kinds(check_plan_alone(Plan.model_validate(data)))


def test_a_member_left_out_of_the_plan_or_added_to_it_is_named() -> None:
    data = plan_data()
    gone = data["delegation"]["members"].pop(0)
    data["delegation"]["members"].append({**gone, "id": "guest", "name": "A Guest"})
    found = check_plan(Plan.model_validate(data), loaded_trip())
    missing = next(v for v in found if v.kind == "member_missing")
    unknown = next(v for v in found if v.kind == "member_unknown")
    assert (missing.id, missing.name, unknown.id, unknown.name) == (
        gone["id"],
        gone["name"],
        "guest",
        "A Guest",
    )
    for lang in ("en", "de", "fr"):
        for v in (missing, unknown):
            line = describe(v, "Europe/Berlin", lang)  # type: ignore[arg-type]
            assert line != str(v) and "{" not in line, (lang, line)
            assert line.startswith(v.name), line


# --- for, capacity, joint events -----------------------------------------------------------------


def moved_ktp(data: Data) -> None:
    """Plastics' KTP visit moved to the morning, at the time of Automation's."""
    auto_ktp = item_of(track_of(data, "2016-05-23", "auto"), "ktp")
    plast = track_of(data, "2016-05-23", "plast")
    mine = item_of(plast, "ktp")
    mine["start"], mine["end"] = auto_ktp["start"], auto_ktp["end"]
    # the rest of Plastics' day keeps to its order: move KTP to the front of its items
    plast["items"].remove(mine)
    plast["items"].insert(1, mine)


def test_two_groups_at_a_small_host_at_once_break_its_capacity() -> None:
    data = plan_data()
    moved_ktp(data)
    found = checked(data)
    shared = [v for v in found if v.kind == "capacity_shared"]
    assert len(shared) == 1, "\n".join(map(str, found))
    line = describe(shared[0], "Europe/Berlin")
    assert "KTP Kunststoff: Automation and Plastics are there at once, 20 visitors" in line
    assert line.endswith("it holds 12")


def test_a_group_not_in_for_is_caught_and_so_is_a_group_larger_than_the_capacity() -> None:
    data = plan_data()
    # Plastics visits Alpha instead of Beta: Alpha is for Automation
    plast = track_of(data, "2016-05-23", "plast")
    beta = item_of(plast, "beta")
    beta.update(id="alpha", name="Alpha Automation")
    found = checked(data)
    barred = next(v for v in found if v.kind == "not_for_group")
    assert barred.group == "Plastics"
    assert describe(barred, "Europe/Berlin").endswith(
        "Alpha Automation: only Automation may visit this host, not Plastics"
    )
    # the whole delegation at KTP (12) on the together date: 20 visitors
    data = plan_data()
    gamma = item_of(track_of(data, "2016-05-25", "all"), "gamma")
    gamma.update(id="tiny", name="Tiny Lab")
    text = GROUPS_TRIP.replace(
        '[{dates: [2016-05-23, 2016-05-24], from: "09:00", to: "17:00"}]\nevents',
        '[{dates: [2016-05-23, 2016-05-24, 2016-05-25], from: "09:00", to: "17:00"}]\nevents',
    )
    found = checked(data, text)
    over = next(v for v in found if v.kind == "over_capacity")
    assert describe(over, "Europe/Berlin", "fr").endswith(
        "Tiny Lab\u202f: l’hôte reçoit 6 visiteurs\u202f; le groupe Test delegation en compte 20"
    )


def without_networking(data: Data) -> None:
    plast = track_of(data, "2016-05-24", "plast")
    plast["items"] = [i for i in plast["items"] if i.get("id") != "networking"]


def shifted_networking(data: Data) -> None:
    event = item_of(track_of(data, "2016-05-24", "auto"), "networking")
    event["start"], event["end"] = at(event["start"], "18:30"), at(event["end"], "20:30")


def test_a_group_missing_from_a_joint_event_is_caught() -> None:
    data = plan_data()
    without_networking(data)
    # as edited by hand (retimed): Plastics leaves it out, so the plan is partial
    loaded = loaded_trip()
    edited = retime(Plan.model_validate(data), loaded)
    assert [(u.id, u.group) for u in edited.missing_required()] == [("networking", "plast")]
    assert edited.status == "partial"
    assert check_edited(edited, loaded).missing == ["Networking evening (Plastics)"]
    # as the plan says (not listed as left out): neither there nor listed
    found = check_plan(Plan.model_validate(data), loaded)
    missing = next(v for v in found if v.kind == "event_missing")
    assert describe(missing, "Europe/Berlin") == (
        "Networking evening: Plastics is not at this joint event, though Automation meets there"
    )


def test_a_group_at_a_joint_event_at_another_time_is_caught() -> None:
    data = plan_data()
    shifted_networking(data)
    found = checked(data)
    late = next(v for v in found if v.kind == "event_time")
    assert describe(late, "Europe/Berlin").endswith(
        "the groups meet here at 18:00–20:00 on Tuesday 24 May, with Plastics"
    )


def test_checking_keeps_each_rule_per_track() -> None:
    """Lunch, the day's bounds and travel are each group's: taking Plastics' lunch away is
    caught on its track alone, and the two tracks of a date do not make a 'night' together."""
    data = plan_data()
    plast = track_of(data, "2016-05-23", "plast")
    plast["items"] = [i for i in plast["items"] if i["type"] != "lunch"]
    found = checked(data)
    assert [(v.kind, v.group) for v in found] == [("lunch_missing", "Plastics")]
    line = describe(found[0], "Europe/Berlin")
    assert line.startswith("Monday 23 May, Plastics: no lunch")


# --- the command line ----------------------------------------------------------------------------


def run_check(tmp_path: Path, edit: Callable[[Data], None], *args: str) -> tuple[int, list[str]]:
    visit = tmp_path / "visit.yaml"
    visit.write_text(GROUPS_TRIP, encoding="utf-8")
    data = plan_data()
    edit(data)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(visit), str(path), *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output.splitlines()


def test_the_cli_holds_an_untouched_groups_plan(tmp_path: Path) -> None:
    code, lines = run_check(tmp_path, lambda data: None)
    assert code == 0, "\n".join(lines)
    assert lines[-1] == "The plan holds: it keeps every rule of the visit file."


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (moved_ktp, "Automation and Plastics are there at once, 20 visitors"),
        (
            lambda d: item_of(track_of(d, "2016-05-23", "plast"), "beta").update(
                id="alpha", name="Alpha Automation"
            ),
            "only Automation may visit this host, not Plastics",
        ),
        (without_networking, "incomplete plan: Networking evening (Plastics) not in the programme"),
        (
            shifted_networking,
            "the groups meet here at 18:00–20:00 on Tuesday 24 May, with Plastics",
        ),
    ],
)
def test_the_cli_catches_each_hand_edit_of_a_groups_plan(
    tmp_path: Path, edit: Callable[[Data], None], expected: str
) -> None:
    code, lines = run_check(tmp_path, edit)
    assert code == 1
    assert any(expected in line for line in lines), "\n".join(lines)


def test_every_new_kind_is_worded_in_each_language() -> None:
    new = {
        "track_missing",
        "track_twice",
        "track_together",
        "track_split",
        "track_group",
        "track_order",
        "plan_groups",
        "member_missing",
        "member_group",
        "member_unknown",
        "member_group_unknown",
        "not_for_group",
        "over_capacity",
        "capacity_shared",
        "event_group",
        "event_missing_group",
        "event_missing_joint",
        "event_time_joint",
        "host_missing_group",
        "host_twice_group",
        "unscheduled_group",
        "unscheduled_no_group",
        "choice_group",
        "after_missing_group",
        "after_order_group",
    }
    for lang in ("en", "de", "fr"):
        assert new <= TEXTS[lang].keys(), new - TEXTS[lang].keys()


@settings(max_examples=60, deadline=None)
@given(st.integers(8 * 12, 17 * 12 - 18))
def test_a_capacity_finding_exactly_when_the_two_groups_visits_overlap(mark: int) -> None:
    """Plastics' KTP visit (90 min) moved to any 5-minute mark of the day: the checker finds
    the host over its capacity exactly when the visit meets Automation's, [start, end)."""
    data = plan_data()
    auto = item_of(track_of(data, "2016-05-23", "auto"), "ktp")
    mine = item_of(track_of(data, "2016-05-23", "plast"), "ktp")
    start = dt.datetime.fromisoformat(mine["start"]).replace(hour=mark // 12, minute=mark % 12 * 5)
    mine["start"] = start.isoformat()
    mine["end"] = (start + dt.timedelta(minutes=90)).isoformat()
    found = check_plan(Plan.model_validate(data), loaded_trip())
    a, b = dt.datetime.fromisoformat(auto["start"]), dt.datetime.fromisoformat(auto["end"])
    overlap = start < b and a < start + dt.timedelta(minutes=90)
    assert ("capacity_shared" in kinds(found)) == overlap


def test_what_a_groups_plan_alone_shows() -> None:
    """Without the visit file: tracks per date as the plan's groups say, members in its groups,
    each host at most once per group (a together visit for every group), the score per group."""
    data = plan_data()
    assert check_plan_alone(Plan.model_validate(data)) == []
    # Automation visits Beta too: fine without the file (who may visit whom is the file's)
    data2 = plan_data()
    day = track_of(data2, "2016-05-23", "auto")
    day["items"].insert(-1, item_of(track_of(data2, "2016-05-23", "plast"), "beta"))
    found = check_plan_alone(Plan.model_validate(data2))
    assert "host_twice" not in kinds(found)
    # ... but twice in one group's programme is not
    data3 = plan_data()
    auto = track_of(data3, "2016-05-24", "auto")
    auto["items"].insert(1, item_of(track_of(data3, "2016-05-23", "auto"), "alpha"))
    found = check_plan_alone(Plan.model_validate(data3))
    twice = next(v for v in found if v.kind == "host_twice")
    assert (
        describe(twice, "Europe/Berlin") == "Alpha Automation: Automation visits the host 2 times"
    )
    # a group's programme missing on a date
    data4 = plan_data()
    data4["tracks"].remove(track_of(data4, "2016-05-24", "plast"))
    assert "track_missing" in kinds(check_plan_alone(Plan.model_validate(data4)))
    # the score counts a visit once per group: one less group at KTP, 50 less
    data5 = plan_data()
    data5["score"] += 50
    assert "score" in kinds(check_plan_alone(Plan.model_validate(data5)))


def test_a_real_plan_of_the_groups_trip_holds_everywhere(tmp_path: Path) -> None:
    """The planner's own plan (KTP roomy enough for both groups at once): the checker, the
    checker without the file and `itinerary check` all hold it; sending Plastics to Alpha is
    caught on it too."""
    text = GROUPS_TRIP.replace("capacity: 12\n", "capacity: 20\n")
    plan = plan_checked(loaded_trip(text))
    assert plan.split and [t.group for t in plan.tracks] == ["auto", "plast"] * 2 + ["all"]
    assert check_plan_alone(plan) == []
    visit = tmp_path / "visit.yaml"
    visit.write_text(text, encoding="utf-8")
    path = tmp_path / "plan.json"
    path.write_text(plan.to_json(), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(visit), str(path)])
    assert result.exit_code == 0, result.output
    data = json.loads(plan.to_json())
    beta = next(
        i
        for t in data["tracks"]
        if t["group"] == "plast"
        for i in t["items"]
        if i.get("id") == "beta"
    )
    beta.update(id="alpha", name="Alpha Automation")
    path.write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(visit), str(path), "--lang", "de"])
    assert result.exit_code == 1
    assert "nur Automation darf diesen Gastgeber besuchen, nicht Plastics" in result.output


def test_every_groups_finding_is_worded_not_left_in_the_checkers_english() -> None:
    """Each finding of the hand edits above, in en, de and fr: a sentence of the catalogue (a
    missing value would leave the checker's own English message)."""
    edits: list[Callable[[Data], None]] = [moved_ktp, without_networking, shifted_networking]

    def to_alpha(data: Data) -> None:
        item_of(track_of(data, "2016-05-23", "plast"), "beta").update(
            id="alpha", name="Alpha Automation"
        )

    def tracks_and_members(data: Data) -> None:
        data["tracks"].remove(track_of(data, "2016-05-23", "plast"))
        track_of(data, "2016-05-25", "all")["group"] = "auto"
        data["delegation"]["members"][2]["group"] = "auto"
        data["delegation"]["members"].pop(0)
        data["unscheduled"][0]["group"] = None

    edits += [to_alpha, tracks_and_members]
    found: list[Violation] = []
    for edit in edits:
        data = plan_data()
        edit(data)
        found += check_plan(Plan.model_validate(data), loaded_trip())
    new = {
        "capacity_shared",
        "not_for_group",
        "event_missing",
        "event_time",
        "track_missing",
        "track_together",
        "member_group",
        "member_missing",
        "unscheduled_group",
    }
    assert new <= kinds(found)
    for v in found:
        for lang in ("en", "de", "fr"):
            line = describe(v, "Europe/Berlin", lang)  # type: ignore[arg-type]
            assert line != str(v) and "{" not in line, (lang, line)


def test_a_groups_plans_spreadsheet_read_back_holds(tmp_path: Path) -> None:
    """`itinerary check VISIT plan.xlsx`: the groups' days read back by (date, group), the
    together date as the whole delegation's; what each group goes without, by group."""
    from itinerary.render import RenderOptions, render
    from itinerary.render.xlsx_import import read_edited

    visit = tmp_path / "visit.yaml"
    visit.write_text(GROUPS_TRIP, encoding="utf-8")
    path = tmp_path / "plan.xlsx"
    path.write_bytes(render(groups_plan(), "xlsx", RenderOptions()))
    loaded = loaded_trip()
    read = read_edited(path, loaded)
    assert [(t.date, t.group) for t in read.tracks] == [
        (t.date, t.group) for t in groups_plan().tracks
    ]
    assert check_plan(read, loaded) == []
    assert sorted((u.id, u.group) for u in read.unscheduled) == [
        ("tiny", "auto"),
        ("tiny", "plast"),
    ]
    result = CliRunner().invoke(app, ["check", str(visit), str(path)])
    assert result.exit_code == 0, result.output


def test_a_must_choice_is_unmet_for_each_group_that_visits_none_of_its_hosts() -> None:
    """`groups.unmet_by`, the one reading assemble, the checker and re-timing share: a group
    chooses among the hosts it may visit; one for which no host of the choice is, has none to
    make; a visit of the whole delegation counts for every group."""
    spec = loaded_trip(GROUPS_TRIP + "choices:\n  - {one_of: [alpha, beta], must: true}\n").spec
    (choice,) = spec.choices
    assert unmet_by(spec, choice, set()) == ["auto", "plast"]
    assert unmet_by(spec, choice, {("alpha", "auto")}) == ["plast"]
    assert unmet_by(spec, choice, {("alpha", "auto"), ("beta", "plast")}) == []
    assert unmet_by(spec, choice, {("alpha", "all")}) == []
    # Alpha is Automation's only: a choice of Alpha alone is none for Plastics to make.
    choice = choice.model_copy(update={"one_of": ["alpha"]})
    assert unmet_by(spec, choice, set()) == ["auto"]
    assert unmet_by(spec, choice, {("alpha", "auto")}) == []
    assert unmet_by(spec, choice.model_copy(update={"must": False}), set()) == []
