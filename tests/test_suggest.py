"""`itinerary suggest VISIT HOST`: where a host left out would fit if it agreed (issue 19).

Through the CLI: a suggested slot, written into the host's `open` windows, is used by the next
plan (which passes the checker); slots outside the stated hours are marked; the JSON's shape;
no overwrite without --force; unknown ids; German and French words. In the library: every
candidate's routes pass `model/verify.py`, on the examples and on random trips.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EXAMPLES, FAST, plan_checked
from hypothesis import HealthCheck, given, settings
from test_properties import PARAMS, dump, trips
from typer.testing import CliRunner

from itinerary.cli import app
from itinerary.input.load import load_spec, load_spec_text
from itinerary.model.compile import NodeRef, compile_spec
from itinerary.model.problem import Problem, Solution
from itinerary.model.rules import Rank
from itinerary.model.schedule import timed_route
from itinerary.model.verify import verify_solution
from itinerary.plan import Plan
from itinerary.plan.check import check_plan
from itinerary.plan.planner import make_plan
from itinerary.plan.suggest import candidates, pinned, slots, solution_of, suggest

runner = CliRunner()
OWL = EXAMPLES / "its-owl-week.yaml"

# One day; gamma's only window is after the day ends, so no plan can have it.
LATE_HOST_TRIP = """\
trip:
  name: Suggest trip
  start: 2016-05-24
  end: 2016-05-24
  timezone: Europe/Berlin
  day: {start: "09:00", end: "17:00"}
  lunch: {from: "12:00", to: "14:00", minutes: 60}
delegation: {name: Test delegation, size: 10}
stays:
  - {id: hotel, name: Hotel, location: [51.7155, 8.7630], from: 2016-05-24, to: 2016-05-24}
hosts:
  - id: alpha
    name: Alpha GmbH
    location: [51.7310, 8.7360]
    duration: 90
    open: [{days: [tue], from: "09:00", to: "12:00"}]
  - id: beta
    name: Beta AG
    location: [51.7400, 8.7000]
    duration: 60
    priority: 40
  - id: gamma
    name: Gamma KG
    location: [51.7500, 8.7200]
    duration: 60
    priority: 50
    open: [{days: [tue], from: "18:00", to: "20:00"}]
events:
  - id: talk
    name: Keynote
    location: [51.7310, 8.7360]
    start: "2016-05-24 14:00"
    end: "2016-05-24 15:00"
"""


def _invoke(*args: str) -> Any:
    return runner.invoke(app, list(args))


def _suggest_json(tmp_path: Path, *args: str) -> dict[str, Any]:
    out = tmp_path / "suggest.json"
    result = _invoke("suggest", *args, "--json", str(out), "--force")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def _with_window(visit: Path, host_id: str, slot: dict[str, Any]) -> None:
    """Write the slot into the host's `open` windows, as an organiser would once it agreed."""
    data = yaml.safe_load(visit.read_text(encoding="utf-8"))
    start = dt.datetime.fromisoformat(slot["start"])
    end = dt.datetime.fromisoformat(slot["end"])
    host = next(h for h in data["hosts"] if h["id"] == host_id)
    host.setdefault("open", []).append(
        {"dates": [slot["date"]], "from": start.strftime("%H:%M"), "to": end.strftime("%H:%M")}
    )
    visit.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _planned_checked(visit: Path, tmp_path: Path) -> Plan:
    """`itinerary plan` through the CLI, its JSON read back and re-checked."""
    out = tmp_path / "plan.json"
    result = _invoke("plan", str(visit), "--json", str(out), "--force")
    assert result.exit_code in (0, 1), result.output
    plan = Plan.from_json(out.read_text(encoding="utf-8"))
    assert check_plan(plan, load_spec(visit)) == []
    return plan


def _assert_planned_in(plan: Plan, host_id: str, slot: dict[str, Any]) -> None:
    visit = next((v for v in plan.visits() if v.id == host_id), None)
    assert visit is not None, f"{host_id} is still left out"
    first = dt.datetime.fromisoformat(slot["start"])
    last = dt.datetime.fromisoformat(slot["latest_start"])
    assert first <= visit.start <= last


def test_a_slot_written_into_the_hosts_windows_is_what_the_plan_uses(tmp_path: Path) -> None:
    visit = tmp_path / "visit.yaml"
    visit.write_text(LATE_HOST_TRIP, encoding="utf-8")
    before = _planned_checked(visit, tmp_path)
    assert "gamma" in {u.id for u in before.unscheduled}

    data = _suggest_json(tmp_path, str(visit), "gamma")
    best = data["slots"][0]
    assert best["within_hours"] is False  # its only window is after the day's end
    assert best["score_change"] == 50 and best["drops"] == []

    _with_window(visit, "gamma", best)
    _assert_planned_in(_planned_checked(visit, tmp_path), "gamma", best)


def test_owl_a_left_out_host_planned_in_its_best_slot(tmp_path: Path) -> None:
    """Benteler (priority 30) is left out of the OWL week; its best slot raises the score, so
    a plan of the proven best score must use it once the host opens then."""
    visit = tmp_path / "visit.yaml"
    visit.write_text(OWL.read_text(encoding="utf-8"), encoding="utf-8")
    data = _suggest_json(tmp_path, str(visit), "benteler")
    best = data["slots"][0]
    assert best["score_change"] > 0 and best["required_change"] == 0
    assert best["within_hours"] is False
    assert best["sentence"].startswith("Open ") and " instead of " in best["sentence"]

    _with_window(visit, "benteler", best)
    plan = _planned_checked(visit, tmp_path)
    _assert_planned_in(plan, "benteler", best)
    assert plan.score >= data["slots"][0]["score_change"] + 335


def test_slots_outside_the_stated_hours_are_marked(tmp_path: Path) -> None:
    data = _suggest_json(tmp_path, str(OWL), "benteler", "--limit", "100")
    loaded = load_spec(OWL)
    host = next(h for h in loaded.spec.hosts if h.id == "benteler")
    marks = set()
    for slot in data["slots"]:
        start = dt.datetime.fromisoformat(slot["start"])
        latest = dt.datetime.fromisoformat(slot["latest_start"])
        minutes = [start.hour * 60 + start.minute, latest.hour * 60 + latest.minute]
        stated = [(w["from"], w["to"]) for w in slot["hours"]]
        inside = [
            any(_minutes(a) <= m and m + host.duration <= _minutes(b) for a, b in stated)
            for m in minutes
        ]
        assert inside == [slot["within_hours"]] * 2, slot
        marks.add(slot["within_hours"])
    assert marks == {True, False}
    text = _invoke("suggest", str(OWL), "benteler", "--limit", "100").stdout
    assert "— outside its opening hours" in text and "— within its opening hours" in text


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def test_the_json_shape(tmp_path: Path) -> None:
    data = _suggest_json(tmp_path, str(OWL), "phoenix-contact", "--limit", "3")
    assert set(data) == {
        "format",
        "host",
        "name",
        "duration",
        "planned",
        "reason",
        "not_searched",
        "slots_found",
        "slots",
    }
    assert data["format"] == "itinerary-suggest/1"
    assert data["host"] == "phoenix-contact" and data["planned"] is None
    assert data["not_searched"] == [{"date": "2016-05-26", "holiday": "Corpus Christi"}]
    assert len(data["slots"]) == 3 and data["slots_found"] >= 3
    for slot in data["slots"]:
        assert set(slot) == {
            "date",
            "start",
            "latest_start",
            "end",
            "within_hours",
            "hours",
            "required_change",
            "score_change",
            "travel_change",
            "moves",
            "drops",
            "sentence",
        }
        assert slot["date"] != "2016-05-26"  # Corpus Christi: closed, not searched
        start = dt.datetime.fromisoformat(slot["start"])
        end = dt.datetime.fromisoformat(slot["end"])
        latest = dt.datetime.fromisoformat(slot["latest_start"])
        assert start.date().isoformat() == slot["date"] and start.utcoffset() is not None
        assert start <= latest and end == latest + dt.timedelta(minutes=data["duration"])
        for move in slot["moves"]:
            assert set(move) == {"id", "name", "kind", "old", "new"}
            assert set(move["old"]) == set(move["new"]) == {"date", "start", "end"}
            assert move["old"] != move["new"]
        for drop in slot["drops"]:
            assert set(drop) == {"id", "name", "kind", "date", "start", "end"}
    keys = [(s["required_change"], -s["score_change"]) for s in data["slots"]]
    assert keys == sorted(keys)  # best first


def test_the_json_is_not_overwritten_without_force(tmp_path: Path) -> None:
    out = tmp_path / "suggest.json"
    out.write_text("keep me", encoding="utf-8")
    result = _invoke("suggest", str(OWL), "benteler", "--json", str(out))
    assert result.exit_code == 2
    assert "--force" in result.stderr and out.read_text(encoding="utf-8") == "keep me"
    result = _invoke("suggest", str(OWL), "benteler", "--json", str(out), "--force")
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["host"] == "benteler"


def test_json_to_standard_output_puts_the_words_on_standard_error() -> None:
    result = _invoke("suggest", str(OWL), "benteler", "--json", "-", "--limit", "1")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["format"] == "itinerary-suggest/1"
    assert "Benteler Automobiltechnik is not in the plan" in result.stderr


@pytest.mark.parametrize(
    ("host", "message"),
    [
        ("benteler-auto", "no host 'benteler-auto' in this trip; did you mean 'benteler'?"),
        ("matchmaking", "'matchmaking' is an event, not a host; suggest works for hosts"),
    ],
)
def test_an_unknown_host_is_one_located_line(host: str, message: str) -> None:
    result = _invoke("suggest", str(OWL), host)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    line = next(n for n, text in enumerate(OWL.read_text().splitlines(), 1) if text == "hosts:")
    assert lines == [f"{OWL}:{line}: {message}"]
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--limit", "0"], "error: --limit must be 1 or more, not 0"),
        (["--lang", "es"], "error: --lang must be one of en, de, fr, not 'es'"),
    ],
)
def test_a_bad_option_is_one_line_before_any_planning(option: list[str], message: str) -> None:
    result = _invoke("suggest", str(OWL), "benteler", *option)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [message]
    assert result.stdout == ""


def test_a_host_in_the_plan_is_said_to_be_there(owl: Plan, tmp_path: Path) -> None:
    saved = tmp_path / "plan.json"
    saved.write_text(owl.to_json(), encoding="utf-8")
    visit = next(v for v in owl.visits() if v.id == "miele")
    result = _invoke("suggest", str(OWL), "miele", "--plan", str(saved))
    assert result.exit_code == 0, result.output
    time = f"{visit.start:%H:%M}–{visit.end:%H:%M}"
    assert (
        result.stdout
        == f"Miele & Cie. KG is in the plan: Friday, 27 May 2016, {time}. Nothing to ask.\n"
    )


def test_german_and_french(owl: Plan, tmp_path: Path) -> None:
    saved = tmp_path / "plan.json"
    saved.write_text(owl.to_json(), encoding="utf-8")
    args = ["suggest", str(OWL), "benteler", "--plan", str(saved), "--limit", "2"]
    german = _invoke(*args, "--lang", "de")
    assert german.exit_code == 0, german.output
    text = german.stdout
    assert "Benteler Automobiltechnik ist nicht im Plan:" in text
    assert "Nicht durchsucht (geschlossen): Donnerstag, 26. Mai 2016 (Fronleichnam)." in text
    assert "Anfrage: „Geöffnet am Montag, 23. Mai 2016, " in text and " statt " in text
    assert "außerhalb der Öffnungszeiten" in text and "Punkte +" in text
    for english in ("Ask", "score", "travel", "moves", "drops", "instead", "Monday"):
        assert english not in text
    french = _invoke(*args, "--lang", "fr").stdout
    assert "Demande\u202f: «\u202fOuvrir le lundi 23 mai 2016, " in french
    assert " au lieu de " in french and "n'est pas au programme\u202f: " in french


def test_against_a_saved_plan_that_does_not_fit_the_trip(owl: Plan, tmp_path: Path) -> None:
    visit = tmp_path / "visit.yaml"
    visit.write_text(LATE_HOST_TRIP, encoding="utf-8")
    saved = tmp_path / "plan.json"
    saved.write_text(owl.to_json(), encoding="utf-8")
    result = _invoke("suggest", str(visit), "gamma", "--plan", str(saved))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{saved}:1: the plan has a day 2016-05-23")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_saved_plan_reads_back_as_the_solution_it_was(owl: Plan) -> None:
    loaded = load_spec(OWL)
    compiled = compile_spec(loaded)
    solution = solution_of(compiled, owl)
    assert verify_solution(compiled.problem, solution) == []
    problem = compiled.problem
    assert solution.score(problem) == owl.score
    starts = {
        (compiled.nodes[s.node].id, compiled.clock.local(s.start))
        for r in solution.routes
        for s in r.stops
    }
    planned = {(i.id, i.start) for t in owl.tracks for i in t.items if i.type in ("visit", "event")}
    assert starts == planned


def test_a_hand_edited_plan_that_breaks_a_rule_is_refused(owl: Plan) -> None:
    loaded = load_spec(OWL)
    compiled = compile_spec(loaded)
    data = json.loads(owl.to_json())
    for track in data["tracks"]:
        for item in track["items"]:
            if item["type"] == "visit":
                start = dt.datetime.fromisoformat(item["start"]) + dt.timedelta(minutes=3)
                item["start"] = start.isoformat()
                break
    with pytest.raises(ValueError, match="the plan"):
        solution_of(compiled, Plan.model_validate(data))


def _without(problem: Problem, solution: Solution, n: int) -> Solution:
    """The solution with node n taken out of its route, the route timed as plans are."""
    routes = []
    for route in solution.routes:
        seq = [s.node for s in route.stops]
        if n in seq:
            seq.remove(n)
            timed = timed_route(problem, route.track, seq)
            assert timed is not None  # one visit fewer is always possible
            route = timed
        routes.append(route)
    served = {s.node for r in routes for s in r.stops}
    dropped = tuple(m for m in range(len(problem.nodes)) if m not in served)
    return Solution(tuple(routes), dropped)


def _assert_candidates_hold(loaded: Any, plan: Plan, taken_out: bool = False) -> int:
    """Every candidate of every host left out (`taken_out`: of every host of the plan, taken
    out of it first): its routes pass `verify` with the host pinned, serve the host at its
    start, change the rank as it says, and list exactly what moved and what was dropped."""
    compiled = compile_spec(loaded)
    problem = compiled.problem
    planned = solution_of(compiled, plan)
    ids = [v.id for v in plan.visits()] if taken_out else [u.id for u in plan.unscheduled]
    checked = 0
    for host_id in ids:
        n = next((i for i, r in enumerate(compiled.nodes) if r == NodeRef("host", host_id)), None)
        if n is None:
            continue  # an event
        base = _without(problem, planned, n) if taken_out else planned
        assert verify_solution(problem, base) == []
        before = Rank.of(problem, base)
        found = candidates(compiled, base, n, range(len(problem.tracks)))
        if taken_out:  # where it was is a candidate, whatever it costs
            was = next((r.track, s.start) for r in planned.routes for s in r.stops if s.node == n)
            assert was in {(c.track, c.start) for c in found}
        for cand in found:
            tried = problem.with_nodes({n: pinned(problem.nodes[n], cand.track, cand.start)})
            assert verify_solution(tried, cand.solution) == []
            served = {s.node: (r.track, s.start) for r in cand.solution.routes for s in r.stops}
            assert served[n] == (cand.track, cand.start)
            after = Rank.of(tried, cand.solution)
            assert (
                after.missing_required - before.missing_required,
                after.lost_score - before.lost_score,
                after.travel - before.travel,
            ) == (
                cand.required,
                cand.lost,
                cand.travel,
            )
            old = {s.node: (r.track, s.start) for r in base.routes for s in r.stops}
            assert {c.node for c in cand.moved} == {
                m for m in old if m in served and served[m] != old[m]
            }
            assert {c.node for c in cand.dropped} == {m for m in old if m not in served}
            checked += 1
        grouped = slots(found, problem.nodes[n].grid)
        assert sum((s.last - s.first) // problem.nodes[n].grid + 1 for s in grouped) == len(found)
        keys = [s.best.key() for s in grouped]
        assert keys == sorted(keys)
    return checked


@pytest.mark.parametrize("name", ["its-owl-week", "limoges-symposium"])
def test_every_candidate_of_the_examples_passes_the_verifier(name: str) -> None:
    loaded = load_spec(EXAMPLES / f"{name}.yaml")
    plan = plan_checked(loaded, FAST)
    assert _assert_candidates_hold(loaded, plan) > 0 or not plan.unscheduled
    assert _assert_candidates_hold(loaded, plan, taken_out=True) >= len(plan.visits())


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trips())
def test_every_candidate_of_random_trips_passes_the_verifier(spec: dict[str, Any]) -> None:
    loaded = load_spec_text(dump(spec), "visit.yaml")
    plan = make_plan(loaded, PARAMS)
    _assert_candidates_hold(loaded, plan)
    # Each planned host taken out again has a candidate where it was (and maybe more).
    assert _assert_candidates_hold(loaded, plan, taken_out=True) >= len(plan.visits())


def test_a_host_that_shares_a_choice_takes_the_chosen_one_out() -> None:
    text = LATE_HOST_TRIP + "choices:\n  - {one_of: [beta, gamma]}\n"
    loaded = load_spec_text(text, "visit.yaml")
    plan = plan_checked(loaded, FAST)
    assert "beta" in {v.id for v in plan.visits()}
    found = suggest(loaded, plan, "gamma")
    assert found.slots
    for slot in found.slots:
        assert "beta" in {d.id for d in slot.drops}
    assert found.slots[0].score_change == 10  # gamma 50 for beta 40


def test_candidates_start_on_the_grid_each_once(owl: Plan) -> None:
    """Each start of a day is tried once, on the trip's time grid."""
    loaded = load_spec(OWL)
    compiled = compile_spec(loaded)
    base: Solution = solution_of(compiled, owl)
    n = next(i for i, r in enumerate(compiled.nodes) if r.id == "benteler")
    found = candidates(compiled, base, n, range(len(compiled.problem.tracks)))
    starts = [(c.track, c.start) for c in found]
    assert len(starts) == len(set(starts))
    assert all(c.start % compiled.problem.nodes[n].grid == 0 for c in found)


TWO_DAYS = """\
trip:
  name: Two days
  start: 2016-05-23
  end: 2016-05-24
  timezone: Europe/Berlin
  day: {start: "09:00", end: "17:00"}
  days: {2016-05-24: {end: "11:30"}}
delegation: {name: Test delegation, size: 10}
stays:
  - {id: hotel, name: Hotel, location: [51.7155, 8.7630], from: 2016-05-23, to: 2016-05-24}
hosts:
  - {id: beta, name: Beta AG, location: [51.7400, 8.7000], duration: 60, priority: 40}
  - id: gamma
    name: Gamma KG
    location: [51.7500, 8.7200]
    duration: 90
    priority: 50
    open: [{days: [wed], from: "09:00", to: "17:00"}]
"""


def test_a_visit_taken_out_moves_to_another_day_where_it_fits() -> None:
    """Tuesday's short morning holds beta or gamma, not both: gamma there takes beta out,
    and beta moves to Monday, which has room, rather than being dropped."""
    loaded = load_spec_text(TWO_DAYS, "visit.yaml")
    compiled = compile_spec(loaded)
    problem = compiled.problem
    beta, gamma = 0, 1
    tuesday = timed_route(problem, 1, [beta])
    monday = timed_route(problem, 0, [])
    assert tuesday is not None and monday is not None
    base = Solution((monday, tuesday), (gamma,))
    assert verify_solution(problem, base) == []
    found = candidates(compiled, base, gamma, [1])
    assert found
    for cand in found:
        assert cand.dropped == ()
        assert [(c.node, c.track, c.new_track) for c in cand.moved] == [(beta, 1, 0)]
        assert (cand.required, cand.lost) == (0, -50) and not cand.within
        tried = problem.with_nodes({gamma: pinned(problem.nodes[gamma], 1, cand.start)})
        assert verify_solution(tried, cand.solution) == []


def test_every_language_has_every_word() -> None:
    from itinerary.render.suggestion import TEXTS

    assert set(TEXTS["en"]) == set(TEXTS["de"]) == set(TEXTS["fr"])
    alike = {"de": [], "fr": ["sg_score"]}  # "score {change}" is French too
    for lang in ("de", "fr"):
        same = [k for k in TEXTS["en"] if TEXTS[lang][k] == TEXTS["en"][k]]
        assert same == alike[lang]


def test_a_declined_host_is_suggested_as_if_it_agreed(tmp_path: Path) -> None:
    """A declined host (compiled with no window and no score) is searched with its own grid and
    priority: its slots start on the trip's 5-minute grid and gain its priority; written into
    its windows (and the refusal taken back), the plan uses the best one."""
    visit = tmp_path / "visit.yaml"
    text = OWL.read_text(encoding="utf-8")
    visit.write_text(
        text.replace("  - id: dmg-mori\n", "  - id: dmg-mori\n    declined: true\n", 1),
        encoding="utf-8",
    )
    assert "declined: true" in visit.read_text(encoding="utf-8")
    data = _suggest_json(tmp_path, str(visit), "dmg-mori", "--limit", "20")
    assert "declined" in data["reason"]
    assert data["slots"]
    for slot in data["slots"]:
        for key in ("start", "latest_start"):
            assert dt.datetime.fromisoformat(slot[key]).minute % 5 == 0, slot
    best = data["slots"][0]
    priority = {h["id"]: h.get("priority") for h in yaml.safe_load(text)["hosts"]}
    dropped = sum(int(priority[d["id"]]) for d in best["drops"])
    # DMG MORI's priority (80) counts: the score changes by it less what is dropped.
    assert best["score_change"] == 80 - dropped
    visit.write_text(text, encoding="utf-8")
    _with_window(visit, "dmg-mori", best)
    _assert_planned_in(_planned_checked(visit, tmp_path), "dmg-mori", best)


GROUPS_TRIP = LATE_HOST_TRIP.replace(
    "delegation: {name: Test delegation, size: 10}",
    """delegation: {name: Test delegation, size: 10}
groups:
  - {id: auto, name: Automation, size: 6, interests: [automation]}
  - {id: plast, name: Plastics, size: 4, interests: [plastics]}""",
)


def test_with_groups_the_slots_are_for_the_first_group_that_goes_without(tmp_path: Path) -> None:
    """Gamma (for both groups) is left out by both; the suggestion is for the first group,
    on that group's day only (another group's day is not its to take), and a slot written
    into the host's windows is used by that group's next plan, which passes the checker."""
    visit = tmp_path / "visit.yaml"
    visit.write_text(GROUPS_TRIP, encoding="utf-8")
    before = _planned_checked(visit, tmp_path)
    assert {(u.id, u.group) for u in before.unscheduled if u.id == "gamma"} == {
        ("gamma", "auto"),
        ("gamma", "plast"),
    }
    loaded = load_spec(visit)
    found = suggest(loaded, before, "gamma")
    assert found.host_name == "Gamma KG (Automation)"
    assert found.unscheduled is not None and found.unscheduled.group == "auto"
    assert found.slots and found.planned is None

    data = _suggest_json(tmp_path, str(visit), "gamma")
    best = data["slots"][0]
    _with_window(visit, "gamma", best)
    after = _planned_checked(visit, tmp_path)
    automation = next(t for t in after.tracks if t.group == "auto")
    gamma = next((i for i in automation.items if getattr(i, "id", None) == "gamma"), None)
    assert gamma is not None, "the automation group still goes without Gamma"
    assert dt.datetime.fromisoformat(best["start"]) <= gamma.start
