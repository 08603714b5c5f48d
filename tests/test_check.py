"""The plan checker catches tampering: plan the Limoges example once, then break copies of the
plan one rule at a time and look for the violation that names the break.

Tampering edits the plan's JSON dict and re-validates it with Plan.model_validate, so every
tampered plan is still a well-formed Plan — only the checker can tell it is wrong.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from itinerary.input.load import Loaded, load_spec
from itinerary.plan import Plan
from itinerary.plan.check import Violation, check_edited, check_plan
from itinerary.plan.planner import make_plan
from itinerary.plan.retime import retime
from itinerary.solver import Budget, ProofParams, SolveParams

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "limoges-symposium.yaml"
PARAMS = SolveParams(budget=Budget(solution_limit=500, patience=200), proof=ProofParams())

Data = dict[str, Any]


@pytest.fixture(scope="module")
def loaded() -> Loaded:
    return load_spec(EXAMPLE)


@pytest.fixture(scope="module")
def plan(loaded: Loaded) -> Plan:
    return make_plan(loaded, PARAMS)


# --- helpers --------------------------------------------------------------------------------------


def tampered(plan: Plan, edit: Callable[[Data], None]) -> Plan:
    """A copy of the plan with `edit` applied to its JSON dict."""
    data = json.loads(plan.to_json())
    edit(data)
    return Plan.model_validate(data)


def items(data: Data, kind: str) -> Iterator[tuple[Data, int, Data]]:
    """(track, index, item) for every item of a type, in plan order."""
    for track in data["tracks"]:
        for i, item in enumerate(track["items"]):
            if item["type"] == kind:
                yield track, i, item


def shift(stamp: str, minutes: int) -> str:
    return (dt.datetime.fromisoformat(stamp) + dt.timedelta(minutes=minutes)).isoformat()


def at(stamp: str, hour: int, minute: int = 0) -> str:
    """The same date and UTC offset, another wall-clock time."""
    return dt.datetime.fromisoformat(stamp).replace(hour=hour, minute=minute).isoformat()


def violation(found: list[Violation], *fragments: str) -> Violation:
    """The violation whose message contains every fragment (fails listing all found)."""
    for v in found:
        if all(f in v.message for f in fragments):
            return v
    listing = "\n".join(map(str, found)) or "(none)"
    raise AssertionError(f"no violation with {fragments!r}; found:\n{listing}")


def duration_of(loaded: Loaded, host_id: str) -> int:
    return next(h.duration for h in loaded.spec.hosts if h.id == host_id)


# --- the untouched plan ---------------------------------------------------------------------------


def test_the_plan_passes_the_checker(plan: Plan, loaded: Loaded) -> None:
    assert check_plan(plan, loaded) == []
    assert plan.status == "complete"
    assert plan.visits(), "the example should schedule visits"


def test_the_json_copy_passes_too(plan: Plan, loaded: Loaded) -> None:
    copy = tampered(plan, lambda data: None)
    assert copy == plan
    assert check_plan(copy, loaded) == []


# --- one broken rule each -------------------------------------------------------------------------


def test_visit_moved_outside_its_open_window(plan: Plan, loaded: Loaded) -> None:
    track, _, visit = next(items(json.loads(plan.to_json()), "visit"))
    minutes = duration_of(loaded, visit["id"])

    def edit(data: Data) -> None:
        # every host of the example opens at 08:30 or later: 06:00 is outside all windows
        _, _, item = next(items(data, "visit"))
        item["start"] = at(item["start"], 6)
        item["end"] = shift(item["start"], minutes)

    found = check_plan(tampered(plan, edit), loaded)
    v = violation(found, f"visit {visit['id']} 06:00–", "is not inside an open window")
    assert v.where == f"{track['date']}/all"


def test_visit_shortened(plan: Plan, loaded: Loaded) -> None:
    def edit(data: Data) -> None:
        _, _, item = next(items(data, "visit"))
        item["end"] = shift(item["end"], -15)

    visit = plan.visits()[0]
    minutes = duration_of(loaded, visit.id)
    found = check_plan(tampered(plan, edit), loaded)
    violation(found, f"visit {visit.id} lasts {minutes - 15} min, not {minutes}")


def test_travel_shortened(plan: Plan, loaded: Loaded) -> None:
    """Too little travel: the group reaches the next place before the journey is over."""
    data = json.loads(plan.to_json())
    track, i, leg = next(
        (t, i, item)
        for t, i, item in items(data, "travel")
        if t["items"][i + 1]["type"] in ("visit", "event")
    )
    arrives_at = track["items"][i + 1]["id"]
    leg["end"] = shift(leg["end"], -5)
    leg["minutes"] -= 5
    data["travel_minutes"] -= 5  # keep the total consistent: only the leg itself is wrong

    found = check_plan(Plan.model_validate(data), loaded)
    violation(found, f"reaches {arrives_at} while still travelling to {leg['to']}")
    assert not any("travel_minutes" in v.message for v in found)


def test_travel_minutes_disagreeing_with_its_times(plan: Plan, loaded: Loaded) -> None:
    def edit(data: Data) -> None:
        _, _, leg = next(items(data, "travel"))
        leg["minutes"] += 3
        data["travel_minutes"] += 3

    found = check_plan(tampered(plan, edit), loaded)
    violation(found, "lasts", "says")


def test_lunch_removed_on_a_day_that_needs_it(plan: Plan, loaded: Loaded) -> None:
    data = json.loads(plan.to_json())
    track, i, _ = next(items(data, "lunch"))
    del track["items"][i]

    found = check_plan(Plan.model_validate(data), loaded)
    v = violation(found, "no lunch, though the day has room for it")
    assert v.where == f"{track['date']}/all"


def test_event_moved_by_an_hour(plan: Plan, loaded: Loaded) -> None:
    data = json.loads(plan.to_json())
    _, _, event = next(items(data, "event"))
    event["start"] = shift(event["start"], 60)
    event["end"] = shift(event["end"], 60)

    found = check_plan(Plan.model_validate(data), loaded)
    violation(found, f"event {event['id']} is not at its fixed time")


def test_host_visited_twice(plan: Plan, loaded: Loaded) -> None:
    data = json.loads(plan.to_json())
    track, i, visit = next(items(data, "visit"))
    track["items"].insert(i + 1, dict(visit))

    found = check_plan(Plan.model_validate(data), loaded)
    violation(found, f"host {visit['id']} is visited/listed 2 times, not once")


def test_host_both_visited_and_unscheduled(plan: Plan, loaded: Loaded) -> None:
    data = json.loads(plan.to_json())
    _, _, visit = next(items(data, "visit"))
    data["unscheduled"].append(
        {
            "id": visit["id"],
            "name": visit["name"],
            "kind": "host",
            "priority": visit["priority"],
            "reason": "tampered",
        }
    )

    found = check_plan(Plan.model_validate(data), loaded)
    violation(found, f"host {visit['id']} is visited/listed 2 times, not once")


def test_host_missing_from_visits_and_unscheduled(plan: Plan, loaded: Loaded) -> None:
    data = json.loads(plan.to_json())
    track, i, visit = next(items(data, "visit"))
    del track["items"][i]  # the travel there and on stays: the group passes by without a visit

    found = check_plan(Plan.model_validate(data), loaded)
    violation(found, f"host {visit['id']} is visited/listed 0 times, not once")


def test_unscheduled_host_dropped_from_the_list(plan: Plan, loaded: Loaded) -> None:
    assert plan.unscheduled, "the example leaves some hosts out with this budget"
    left_out = plan.unscheduled[0].id

    def edit(data: Data) -> None:
        del data["unscheduled"][0]

    found = check_plan(tampered(plan, edit), loaded)
    assert [v.message for v in found] == [f"host {left_out} is visited/listed 0 times, not once"]


def test_wrong_score(plan: Plan, loaded: Loaded) -> None:
    found = check_plan(plan.model_copy(update={"score": plan.score + 1}), loaded)
    assert [v.message for v in found] == [
        f"score is {plan.score + 1}, visits add up to {plan.score}"
    ]


def test_wrong_travel_minutes(plan: Plan, loaded: Loaded) -> None:
    wrong = plan.travel_minutes - 7
    found = check_plan(plan.model_copy(update={"travel_minutes": wrong}), loaded)
    assert [v.message for v in found] == [
        f"travel_minutes is {wrong}, items add up to {plan.travel_minutes}"
    ]


def test_complete_status_with_a_must_host_unscheduled(plan: Plan, loaded: Loaded) -> None:
    must = {h.id for h in loaded.spec.hosts if h.must}
    data = json.loads(plan.to_json())
    track, i, visit = next((t, i, v) for t, i, v in items(data, "visit") if v["id"] in must)
    del track["items"][i]
    data["unscheduled"].append(
        {
            "id": visit["id"],
            "name": visit["name"],
            "kind": "host",
            "priority": "must",
            "reason": "tampered",
        }
    )
    assert data["status"] == "complete"

    found = check_plan(Plan.model_validate(data), loaded)
    violation(found, "status is complete, should be partial")
    assert not any("visited/listed" in v.message for v in found)


def test_a_hand_edit_is_reported_with_the_figures_it_stated(plan: Plan, loaded: Loaded) -> None:
    """`check_edited` (what `itinerary check` prints and exits by): an untouched plan holds;
    a plan whose file states other figures and lacks a must-visit does not, and says so."""
    assert check_edited(retime(plan, loaded), loaded, plan).holds
    must = next(v for v in plan.visits() if v.priority == "must")

    def edit(data: Data) -> None:
        data["score"], data["travel_minutes"] = plan.score + 5, plan.travel_minutes + 9
        for track in data["tracks"]:
            track["items"] = [i for i in track["items"] if i.get("id") != must.id]

    stated = tampered(plan, edit)
    found = check_edited(retime(stated, loaded), loaded, stated)
    assert not found.holds
    assert found.stated_score == plan.score + 5
    assert found.stated_travel == plan.travel_minutes + 9
    assert found.missing == [must.name]


@pytest.mark.parametrize("kind", ["start", "visit", "travel", "end"])
def test_time_with_the_wrong_utc_offset(plan: Plan, loaded: Loaded, kind: str) -> None:
    """The same instant written in UTC: right moment, wrong offset for Europe/Paris."""
    data = json.loads(plan.to_json())
    _, _, item = next(items(data, kind))
    field = "time" if kind in ("start", "end") else "start"
    stamp = dt.datetime.fromisoformat(item[field])
    item[field] = stamp.astimezone(dt.UTC).isoformat()

    found = check_plan(Plan.model_validate(data), loaded)
    v = violation(found, "does not carry the trip time zone's UTC offset")
    assert v.message.startswith(item[field])
    assert len(found) == 1, found


def test_end_item_after_the_days_end(plan: Plan, loaded: Loaded) -> None:
    spec = loaded.spec
    data = json.loads(plan.to_json())
    # a day that ends at the hotel (not the departure day): its end is trip.day(s).end
    track = next(t for t in data["tracks"] if t["date"] != spec.trip.end.isoformat())
    day_end = spec.day_bounds(dt.date.fromisoformat(track["date"]))[1]
    late = day_end + 30
    track["items"][-1]["time"] = at(track["items"][-1]["time"], late // 60, late % 60)

    found = check_plan(Plan.model_validate(data), loaded)
    v = violation(
        found,
        f"ends at {late // 60:02d}:{late % 60:02d}, after the day must end "
        f"({day_end // 60:02d}:{day_end % 60:02d})",
    )
    assert v.where == f"{track['date']}/all"


@pytest.mark.parametrize("position", [0, -1])
def test_start_or_end_item_in_the_middle_of_a_day(
    plan: Plan, loaded: Loaded, position: int
) -> None:
    """Reported as a violation; the checker used to fail on it (a start or end item has a time,
    not a start and an end, nor an id)."""

    def edit(data: Data) -> None:
        day = data["tracks"][0]["items"]
        day.insert(len(day) // 2, dict(day[position]))

    found = check_plan(tampered(plan, edit), loaded)
    v = violation(found, "start/end items in the middle of the day")
    assert v.where == f"{plan.tracks[0].date}/{plan.tracks[0].group}"
