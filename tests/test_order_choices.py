"""Order and either/or hosts (issue 17): `after` and `choices` from the visit file to the plan.

The plans here are made by hand, so that the checkers are tested apart from the solver (which
keeps both rules in every stage: tests/test_search_rules.py, tests/test_cpsat.py): routes of one
trip's compiled problem, timed by `timed_route` from the problem's own numbers, assembled into a
Plan, and judged by the plan checker and the solution verifier — neither of which uses the
solver. The refusals of the visit file are in tests/bad/ (see
test_load_errors.py); here they go through `itinerary validate` for the exit status.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT, plan_checked
from test_load_errors import EXPECTED
from typer.testing import CliRunner

from itinerary.cli import app
from itinerary.input.load import Loaded, load_spec_text
from itinerary.input.relations import Rules, rules_of, satisfiable
from itinerary.input.spec import Language
from itinerary.model.compile import Compiled, compile_spec
from itinerary.model.problem import After, OneOf, Problem, Route, Solution, Stop
from itinerary.model.verify import verify_solution
from itinerary.plan import Cause, Plan
from itinerary.plan.assemble import assemble
from itinerary.plan.check import Violation, check_plan
from itinerary.plan.reasons import word_cause

runner = CliRunner()
BAD = ROOT / "tests" / "bad"

# Monday and Tuesday; hosts open whenever the day runs, a few km apart around Paderborn.
TRIP = """\
trip:
  name: Order trip
  start: 2016-05-23
  end: 2016-05-24
  timezone: Europe/Berlin
  lunch: {from: "12:00", to: "14:00", minutes: 60}
  rest_at_stay_after: 0  # no rests at the hotel: the plans stay format 1 and 1.1
delegation: {name: Test delegation, size: 10}
stays:
  - {id: hotel, name: Hotel, location: [51.7155, 8.7630], from: 2016-05-23, to: 2016-05-24}
hosts:
  - {id: its-owl, name: it's OWL, location: [51.7310, 8.7360], duration: 60}
  - id: smartfactory
    name: SmartFactory OWL
    location: [51.7400, 8.7000]
    duration: 60
    after: [its-owl]
  - {id: benteler, name: Benteler, location: [51.7200, 8.7100], duration: 60}
  - {id: claas, name: Claas, location: [51.7250, 8.7200], duration: 60}
  - {id: miele, name: Miele, location: [51.7300, 8.7500], duration: 60}
  - {id: dmg-mori, name: DMG Mori, location: [51.7350, 8.7450], duration: 60}
events:
  - {id: matchmaking, name: Matchmaking, location: [51.7155, 8.7630], start: "2016-05-23 14:00",
     end: "2016-05-23 15:00"}
choices:
  - one_of: [benteler, claas]
  - one_of: [miele, dmg-mori]
    must: true
"""
ITS_OWL, SMARTFACTORY, BENTELER, CLAAS, MIELE, DMG_MORI, MATCHMAKING = range(7)
MONDAY, TUESDAY = 0, 1


def loaded_trip(text: str = TRIP) -> Loaded:
    return load_spec_text(text, "visit.yaml")


def timed_route(problem: Problem, track: int, nodes: list[int]) -> Route:
    """The track serving `nodes` in this order, each as early as its window and the travel
    allow, leaving at the track's earliest start (a hand-made route, no solver involved)."""
    t = problem.tracks[track]
    time, place, stops = t.earliest_start, t.start_place, []
    for n in nodes:
        node = problem.nodes[n]
        start = node.first_start(time + problem.travel[place][node.place])
        assert start is not None, (track, n)
        stops.append(Stop(n, start))
        time, place = start + node.duration, node.place
    return Route(track, t.earliest_start, time + problem.travel[place][t.end_place], tuple(stops))


def hand_made(problem: Problem, monday: list[int], tuesday: list[int]) -> Solution:
    routes = (timed_route(problem, MONDAY, monday), timed_route(problem, TUESDAY, tuesday))
    served = {s.node for r in routes for s in r.stops}
    return Solution(routes, tuple(n for n in range(len(problem.nodes)) if n not in served))


def planned(
    loaded: Loaded, monday: list[int], tuesday: list[int]
) -> tuple[Compiled, Solution, Plan]:
    compiled = compile_spec(loaded)
    solution = hand_made(compiled.problem, monday, tuesday)
    return compiled, solution, assemble(compiled, loaded, solution)


def messages(found: list[Violation]) -> list[str]:
    return [str(v) for v in found]


# --- reading the file -----------------------------------------------------------------------


def test_validate_accepts_a_trip_with_after_and_choices(tmp_path: Path) -> None:
    visit = tmp_path / "visit.yaml"
    visit.write_text(TRIP, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(visit)])
    assert result.exit_code == 0, result.stderr
    spec = loaded_trip().spec
    assert spec.hosts[SMARTFACTORY].after == ["its-owl"]
    assert [(c.one_of, c.must) for c in spec.choices] == [
        (["benteler", "claas"], False),
        (["miele", "dmg-mori"], True),
    ]


@pytest.mark.parametrize(
    "name",
    [
        "after-unknown-id",
        "after-cycle",
        "one-of-twice",
        "choice-two-musts",
        "choices-cannot-all-hold",
    ],
)
def test_validate_refuses_contradictions_in_one_line_with_status_2(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(BAD)
    result = runner.invoke(app, ["validate", f"{name}.yaml"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == EXPECTED[name]
    assert result.stdout == ""


def test_an_event_in_after_and_a_host_in_two_choices_are_fine() -> None:
    text = TRIP.replace("after: [its-owl]", "after: [matchmaking, its-owl]")
    text += "  - {one_of: [claas, miele]}\n"
    loaded = loaded_trip(text)
    assert loaded.spec.hosts[SMARTFACTORY].after == ["matchmaking", "its-owl"]


def test_a_must_visit_in_a_choice_is_fine_when_the_choice_can_hold() -> None:
    """A must-visit in a `must` choice meets it; its companions are then left out."""
    text = TRIP.replace("{id: miele, name: Miele,", "{id: miele, priority: must, name: Miele,")
    assert loaded_trip(text).spec.hosts[MIELE].must


def test_the_static_rule_finds_the_one_way_out() -> None:
    """Must choices [a, b] and [b, c] with a and c excluded together: only b meets both."""
    text = TRIP.replace(
        "choices:\n  - one_of: [benteler, claas]\n  - one_of: [miele, dmg-mori]\n    must: true\n",
        "choices:\n  - {one_of: [benteler, claas], must: true}\n"
        "  - {one_of: [claas, miele], must: true}\n  - {one_of: [benteler, miele]}\n",
    )
    spec = loaded_trip(text).spec  # claas meets both
    rules = rules_of(spec)
    assert satisfiable(rules, [0, 1]) is True
    assert satisfiable(rules, [0, 1], limit=1) is None  # gave up: the file is then accepted


def test_a_search_too_long_to_finish_refuses_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Eight hosts for seven places, each must choice a host of its own: no way out, but the
    search gives up before it proves so; the file is then accepted (refused only on proof)."""
    holes, pigeons = 7, 8
    hosts = [f"p{i}-{h}" for i in range(pigeons) for h in range(holes)]
    each = tuple(tuple(f"p{i}-{h}" for h in range(holes)) for i in range(pigeons))
    per_hole = tuple(tuple(f"p{i}-{h}" for i in range(pigeons)) for h in range(holes))
    rules = Rules({x: () for x in hosts}, each + per_hole, (True,) * pigeons + (False,) * holes, ())
    assert satisfiable(rules, range(pigeons)) is None
    assert satisfiable(rules, range(pigeons - 1)) is True
    assert satisfiable(rules, range(4), limit=10**6) is True

    monkeypatch.chdir(BAD)
    monkeypatch.setattr("itinerary.input.relations.SEARCH_LIMIT", 1)
    result = runner.invoke(app, ["validate", "choices-cannot-all-hold.yaml"])
    assert result.exit_code == 0, result.stderr


def test_compile_maps_ids_to_node_indices() -> None:
    compiled = compile_spec(loaded_trip(TRIP.replace("[its-owl]", "[its-owl, matchmaking]")))
    assert [ref.id for ref in compiled.nodes][MATCHMAKING] == "matchmaking"
    problem = compiled.problem
    assert problem.after == (After(ITS_OWL, SMARTFACTORY), After(MATCHMAKING, SMARTFACTORY))
    assert problem.one_of == (OneOf((BENTELER, CLAAS), False), OneOf((MIELE, DMG_MORI), True))
    assert problem.spans_tracks


def test_a_trip_without_the_keys_compiles_to_no_rules() -> None:
    text = TRIP.replace("    after: [its-owl]\n", "").split("choices:")[0]
    problem = compile_spec(loaded_trip(text)).problem
    assert problem.after == () and problem.one_of == () and not problem.spans_tracks


# --- plans that keep the rules --------------------------------------------------------------


def test_a_plan_that_keeps_the_rules_passes_both_checkers() -> None:
    loaded = loaded_trip()
    compiled, solution, plan = planned(
        loaded, [ITS_OWL, MATCHMAKING], [SMARTFACTORY, BENTELER, MIELE]
    )
    assert verify_solution(compiled.problem, solution) == []
    assert check_plan(plan, loaded) == []
    assert plan.status == "complete" and plan.unmet_choices is None
    assert json.loads(plan.to_json())["format"] == "itinerary-plan/1"


def test_after_may_be_met_earlier_the_same_day() -> None:
    loaded = loaded_trip()
    compiled, solution, plan = planned(
        loaded, [ITS_OWL, SMARTFACTORY, MATCHMAKING], [CLAAS, DMG_MORI]
    )
    assert verify_solution(compiled.problem, solution) == []
    assert check_plan(plan, loaded) == []


# --- plans that break them: the plan checker and the solution verifier ----------------------


def test_a_host_on_an_earlier_day_than_the_one_it_comes_after_is_caught() -> None:
    loaded = loaded_trip()
    compiled, solution, plan = planned(loaded, [SMARTFACTORY, MATCHMAKING, MIELE], [ITS_OWL])
    found = messages(check_plan(plan, loaded))
    (order,) = [m for m in found if "comes after" in m]
    assert order.startswith("2016-05-23/all: visit smartfactory starts at 2016-05-23 ")
    assert "before its-owl ends (2016-05-24 " in order and "2016-05-24/all)" in order
    starts = {s.node: s.start for r in solution.routes for s in r.stops}
    assert verify_solution(compiled.problem, solution) == [
        f"node {SMARTFACTORY} starts at {starts[SMARTFACTORY]}, before node {ITS_OWL} ends at "
        f"{starts[ITS_OWL] + 60}, which it comes after"
    ]


def test_a_host_earlier_the_same_day_than_the_one_it_comes_after_is_caught() -> None:
    loaded = loaded_trip()
    compiled, solution, plan = planned(loaded, [SMARTFACTORY, ITS_OWL, MATCHMAKING], [MIELE])
    found = messages(check_plan(plan, loaded))
    assert len(found) == 1 and "visit smartfactory starts at 2016-05-23 08:" in found[0]
    assert "before its-owl ends (2016-05-23 " in found[0]
    (wrong,) = verify_solution(compiled.problem, solution)
    assert wrong.startswith(f"node {SMARTFACTORY} starts at ")


def test_a_host_before_the_event_it_comes_after_is_caught() -> None:
    loaded = loaded_trip(TRIP.replace("after: [its-owl]", "after: [matchmaking]"))
    compiled, solution, plan = planned(loaded, [SMARTFACTORY, MATCHMAKING], [MIELE])
    (found,) = messages(check_plan(plan, loaded))
    assert "visit smartfactory starts at 2016-05-23 08:" in found
    assert "before matchmaking ends (2016-05-23 15:00, 2016-05-23/all)" in found
    assert len(verify_solution(compiled.problem, solution)) == 1


def test_a_host_without_the_one_it_comes_after_is_caught() -> None:
    loaded = loaded_trip()
    compiled, solution, plan = planned(loaded, [SMARTFACTORY, MATCHMAKING], [MIELE])
    assert messages(check_plan(plan, loaded)) == [
        "2016-05-23/all: visit smartfactory is in the plan without its-owl, which it comes after"
    ]
    assert verify_solution(compiled.problem, solution) == [
        f"node {SMARTFACTORY} is served without node {ITS_OWL}, which it comes after"
    ]


def test_two_hosts_of_one_choice_are_caught() -> None:
    loaded = loaded_trip()
    compiled, solution, plan = planned(loaded, [BENTELER, MATCHMAKING], [CLAAS, MIELE, DMG_MORI])
    assert messages(check_plan(plan, loaded)) == [
        "plan: benteler and claas are both in the plan, but the choice one_of [benteler, claas]"
        " allows at most one",
        "plan: miele and dmg-mori are both in the plan, but the choice one_of [miele, dmg-mori]"
        " allows at most one",
    ]
    assert verify_solution(compiled.problem, solution) == [
        f"nodes [{BENTELER}, {CLAAS}] are all served, but one_of ({BENTELER}, {CLAAS}) allows one",
        f"nodes [{MIELE}, {DMG_MORI}] are all served, but one_of ({MIELE}, {DMG_MORI}) allows one",
    ]


# --- an unmet must choice ---------------------------------------------------------------------


def test_an_unmet_must_choice_makes_the_plan_incomplete_and_is_recorded() -> None:
    loaded = loaded_trip()
    compiled, solution, plan = planned(loaded, [ITS_OWL, MATCHMAKING], [BENTELER])
    assert verify_solution(compiled.problem, solution) == []  # incomplete, not infeasible
    assert solution.unmet_choices(compiled.problem) == [1]
    assert plan.status == "partial" and plan.missing_required() == []
    assert [(c.one_of, c.names) for c in plan.unmet()] == [
        (["miele", "dmg-mori"], ["Miele", "DMG Mori"])
    ]
    assert check_plan(plan, loaded) == []
    data = json.loads(plan.to_json())
    assert data["format"] == "itinerary-plan/1.1"
    assert data["unmet_choices"] == [
        {"one_of": ["miele", "dmg-mori"], "names": ["Miele", "DMG Mori"]}
    ]
    assert Plan.model_validate(data) == plan

    # The same plan claiming to be complete, with nothing unmet: the checker says both.
    data.update(status="complete")
    del data["unmet_choices"]
    assert messages(check_plan(Plan.model_validate(data), loaded)) == [
        "plan: unmet_choices lists [], but the must choices unmet are [['miele', 'dmg-mori']]",
        "plan: status is complete, should be partial",
    ]


def test_plan_with_a_must_choice_that_cannot_be_placed_exits_1(tmp_path: Path) -> None:
    """Both hosts of the must choice are closed on the trip's days: the plan is printed,
    incomplete, and says which choice is unmet; the saved plan exports as any other."""
    closed = ", open: [{days: [sun], from: '09:00', to: '17:00'}]}"
    text = TRIP.replace("    after: [its-owl]\n", "").replace("  - one_of: [benteler, claas]\n", "")
    for host in ("[51.7300, 8.7500], duration: 60}", "[51.7350, 8.7450], duration: 60}"):
        text = text.replace(host, host[:-1] + closed)
    visit = tmp_path / "visit.yaml"
    visit.write_text(text, encoding="utf-8")
    plan = plan_checked(load_spec_text(text, "visit.yaml"))
    assert plan.status == "partial" and [c.one_of for c in plan.unmet()] == [["miele", "dmg-mori"]]

    saved = tmp_path / "plan.json"
    result = runner.invoke(app, ["plan", str(visit), "--json", str(saved)])
    assert result.exit_code == 1, result.stderr
    assert result.stderr.splitlines()[-1] == (
        "incomplete plan: one of Miele or DMG Mori could not be placed (see reasons above)"
    )
    assert "Choice not met" in result.stdout and "one of Miele or DMG Mori" in result.stdout
    exported = runner.invoke(app, ["export", str(saved), "--format", "json", "--out", "-"])
    assert exported.exit_code == 0, exported.stderr
    assert exported.stdout == saved.read_text(encoding="utf-8")


# --- reasons ----------------------------------------------------------------------------------


def _reasons(plan: Plan) -> dict[str, str]:
    return {u.id: u.reason for u in plan.unscheduled}


def test_the_other_choice_is_the_reason() -> None:
    loaded = loaded_trip()
    _, _, plan = planned(loaded, [ITS_OWL, BENTELER, MATCHMAKING], [SMARTFACTORY, MIELE])
    assert _reasons(plan) == {
        "claas": "the other choice, Benteler, is in the plan",
        "dmg-mori": "the other choice, Miele, is in the plan",
    }


def test_a_host_whose_earlier_host_is_out_says_so() -> None:
    loaded = loaded_trip()
    _, _, plan = planned(loaded, [BENTELER, MATCHMAKING], [MIELE])
    reasons = _reasons(plan)
    assert reasons["smartfactory"] == "visited only after it's OWL, which is not in the plan"
    # The hand-made plan leaves room for it: the reason says so rather than blame priorities.
    assert reasons["its-owl"] == (
        "fits on Monday, 23 May 2016 without dropping a visit; the search stopped before it "
        "found this better plan"
    )


def test_a_host_whose_earlier_host_ends_too_late_says_so() -> None:
    """SmartFactory opens on Monday only; it's OWL is on Tuesday."""
    monday = "    after: [its-owl]\n    open: [{days: [mon], from: '09:00', to: '17:00'}]\n"
    loaded = loaded_trip(TRIP.replace("    after: [its-owl]\n", monday))
    _, _, plan = planned(loaded, [BENTELER, MATCHMAKING], [ITS_OWL, MIELE])
    assert check_plan(plan, loaded) == []
    assert _reasons(plan)["smartfactory"] == (
        "visited only after it's OWL, which the plan cannot fit before it"
    )


def test_a_host_of_the_wrong_kind_keeps_its_basic_reason() -> None:
    """A host closed on every trip day is closed, whatever else the plan holds."""
    closed = "    after: [its-owl]\n    open: [{days: [sun], from: '09:00', to: '17:00'}]\n"
    loaded = loaded_trip(TRIP.replace("    after: [its-owl]\n", closed))
    _, _, plan = planned(loaded, [BENTELER, MATCHMAKING], [MIELE])
    assert _reasons(plan)["smartfactory"] == "closed on every trip day"


@pytest.mark.parametrize(
    ("code", "lang", "words"),
    [
        ("other_choice", "en", "the other choice, Benteler, is in the plan"),
        ("other_choice", "de", "stattdessen ist die Alternative Benteler im Plan"),
        ("other_choice", "fr", "l'autre choix, Benteler, est au programme"),
        ("after_missing", "en", "visited only after Benteler, which is not in the plan"),
        ("after_missing", "de", "nur nach Benteler zu besuchen, das nicht im Plan ist"),
        ("after_missing", "fr", "à visiter seulement après Benteler, qui n'est pas au programme"),
        (
            "after_too_late",
            "en",
            "visited only after Benteler, which the plan cannot fit before it",
        ),
        (
            "after_too_late",
            "de",
            "nur nach Benteler zu besuchen, das der Plan nicht früh genug davor unterbringt",
        ),
        (
            "after_too_late",
            "fr",
            "à visiter seulement après Benteler, que le programme ne peut placer assez tôt avant",
        ),
    ],
)
def test_the_new_reasons_in_each_language(code: str, lang: Language, words: str) -> None:
    assert word_cause(Cause(code=code, args={"name": "Benteler"}), lang) == words


def test_reasons_travel_with_the_plan_file() -> None:
    loaded = loaded_trip()
    _, _, plan = planned(loaded, [ITS_OWL, BENTELER, MATCHMAKING], [SMARTFACTORY, MIELE])
    again = Plan.from_json(plan.to_json())
    claas = next(u for u in again.unscheduled if u.id == "claas")
    assert claas.cause is not None and claas.cause.code == "other_choice"
