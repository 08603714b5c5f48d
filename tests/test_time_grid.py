"""The time grid (`trip.round_minutes`, default 5): every visit and every lunch starts on a mark
of the grid, the group waiting where it is for the next one; events keep their own times.

Through the command line, as a user meets it; every plan made is re-checked by the plan checker,
which enforces the grid on its own (tests/test_rules_conformance.py holds the solver's copies of
the rule to the reference, tests/test_cpsat.py the proof's models)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from itinerary.cli import app
from itinerary.input.load import load_spec
from itinerary.plan import Plan
from itinerary.plan.check import check_plan

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
BERLIN = ZoneInfo("Europe/Berlin")

TRIP = """\
trip:
  name: Grid trip
  start: 2016-05-23
  end: 2016-05-24
  timezone: Europe/Berlin
  day: {{start: "08:30", end: "18:30"}}
  days: {{2016-05-23: {{end: "20:30"}}}}
  lunch: {{from: "12:03", to: "14:00", minutes: 60}}
{extra}delegation: {{name: Test delegation, size: 10}}
stays:
  - {{name: Hotel Bielefeld, location: [52.0302, 8.5325], from: 2016-05-23, to: 2016-05-24}}
hosts:
  - {{id: alpha, name: Alpha GmbH, location: [51.9900, 8.4600], duration: 70, priority: 60}}
  - {{id: beta, name: Beta AG, location: [52.0800, 8.6100], duration: 45, priority: 50}}
  - {{id: gamma, name: Gamma KG, location: [51.9300, 8.8700], duration: 55, priority: 40,
     open: [{{days: [mon, tue], from: "09:07", to: "17:00"}}]}}
events:
  - id: dinner
    name: Dinner
    location: [52.0210, 8.5350]
    start: "2016-05-23 18:03"
    end: "2016-05-23 20:00"
"""


def write(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "visit.yaml"
    path.write_text(TRIP.format(extra=extra), encoding="utf-8")
    return path


def planned(tmp_path: Path, visit: Path) -> Plan:
    out = tmp_path / "plan.json"
    result = runner.invoke(app, ["plan", str(visit), "--json", str(out), "--force"])
    assert result.exit_code == 0, result.output + result.stderr
    plan = Plan.from_json(out.read_bytes())
    assert check_plan(plan, load_spec(visit)) == []
    return plan


def starts(plan: Plan, kind: str) -> list[tuple[int, int]]:
    """(hour, minute) of the local start of every item of a kind."""
    return [
        (local.hour, local.minute)
        for track in plan.tracks
        for item in track.items
        if item.type == kind
        for local in [item.start.astimezone(BERLIN)]
    ]


def test_the_bundled_example_starts_every_visit_and_lunch_on_five_minute_marks(
    tmp_path: Path,
) -> None:
    plan = planned(tmp_path, EXAMPLES / "its-owl-week.yaml")
    visits, lunches = starts(plan, "visit"), starts(plan, "lunch")
    assert len(visits) >= 8 and lunches
    assert all(minute % 5 == 0 for _, minute in visits + lunches), visits + lunches
    # ... and still proven optimal with the grid (the proof states the grid exactly).
    assert plan.optimal


@pytest.mark.parametrize("grid", [5, 15, 30])
def test_visits_and_lunch_start_on_the_grid_and_events_keep_their_time(
    tmp_path: Path, grid: int
) -> None:
    plan = planned(tmp_path, write(tmp_path, f"  round_minutes: {grid}\n"))
    visits, lunches = starts(plan, "visit"), starts(plan, "lunch")
    assert len(visits) == 3 and len(lunches) == 2
    assert all(minute % grid == 0 for _, minute in visits + lunches), visits + lunches
    assert (12, 3) not in lunches  # the lunch window opens off the grid: lunch waits for a mark
    assert starts(plan, "event") == [(18, 3)]  # an event keeps its own time


def test_the_group_waits_where_it_is_for_the_next_mark(tmp_path: Path) -> None:
    # Without a grid each visit starts when the group is there; with one, at the next mark after
    # that (or at opening, rounded up), never earlier and never a whole mark later.
    off = planned(tmp_path, write(tmp_path, "  round_minutes: 1\n"))
    on = planned(tmp_path, write(tmp_path, "  round_minutes: 15\n"))
    assert any(minute % 5 for _, minute in starts(off, "visit")), "the trip needs odd arrivals"
    for track in on.tracks:
        items = track.items
        for before, item in zip(items, items[1:], strict=False):
            if item.type == "visit" and before.type == "travel":
                wait = (item.start - before.end).total_seconds() / 60
                assert 0 <= wait < 15 or item.start.astimezone(BERLIN).minute == 15  # opening


def test_the_grid_must_divide_an_hour(tmp_path: Path) -> None:
    visit = write(tmp_path, "  round_minutes: 7\n")
    result = runner.invoke(app, ["validate", str(visit)])
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in result.output
    assert line.startswith(f"{visit}:9:") and "round_minutes" in line and "divide an hour" in line


def test_a_window_too_short_for_any_mark_leaves_the_host_out_with_a_reason(
    tmp_path: Path,
) -> None:
    # Open 09:02-10:03 for a 60-minute visit: it could start at 09:02 or 09:03 only, both off
    # the 5-minute grid.
    text = (
        TRIP.format(extra="")
        .replace(
            'open: [{days: [mon, tue], from: "09:07", to: "17:00"}]',
            'open: [{days: [mon, tue], from: "09:02", to: "10:03"}]',
        )
        .replace("duration: 55", "duration: 60")
    )
    visit = tmp_path / "visit.yaml"
    visit.write_text(text, encoding="utf-8")
    plan = planned(tmp_path, visit)
    assert "gamma" not in {i.id for t in plan.tracks for i in t.items if i.type == "visit"}
    (left,) = [u for u in plan.unscheduled if u.id == "gamma"]
    assert left.reason == (
        "open window 09:02–10:03 leaves the 60-minute visit no start on the 5-minute time grid"
    )


def test_the_checker_refuses_a_visit_moved_off_the_grid(tmp_path: Path) -> None:
    visit = write(tmp_path)
    planned(tmp_path, visit)
    data = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    items = next(
        t["items"] for t in data["tracks"] if any(i["type"] == "visit" for i in t["items"])
    )
    first = next(i for i in items if i["type"] == "visit")
    for key in ("start", "end"):  # one minute later, as a hand edit would
        first[key] = (dt.datetime.fromisoformat(first[key]) + dt.timedelta(minutes=1)).isoformat()
    plan = Plan.from_json(json.dumps(data).encode())
    messages = [v.message for v in check_plan(plan, load_spec(visit))]
    assert any("off the 5-minute grid" in m for m in messages), messages


def test_a_lunch_window_without_a_mark_for_lunch_is_refused(tmp_path: Path) -> None:
    visit = write(tmp_path)
    visit.write_text(
        visit.read_text(encoding="utf-8").replace('to: "14:00", minutes: 60', 'to: "13:04"'),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", str(visit)])
    assert result.exit_code == 2, result.output
    line = result.stderr.strip()
    assert "\n" not in line and re.match(rf"{re.escape(str(visit))}:\d+: ", line), line
    assert "12:03–13:04 has no start on the 5-minute time grid" in line


def test_a_problem_on_a_grid_is_not_polished(monkeypatch: pytest.MonkeyPatch) -> None:
    # OR-Tools' time dimension cannot state the grid: the walk's plan is kept, on the grid (a
    # polish with a margin once ran for minutes inside OR-Tools).
    from itinerary.model.problem import Node, Problem, Track
    from itinerary.model.verify import verify_solution
    from itinerary.solver import SolveParams, search
    from itinerary.solver.params import Budget

    def no_polish(*args: object) -> None:
        raise AssertionError("a problem on a grid was handed to the OR-Tools polish")

    monkeypatch.setattr(search, "polish", no_polish)
    travel = [[0, 7, 13], [7, 0, 9], [13, 9, 0]]
    nodes = [
        Node(1, 30, ((480, 900),), score=5, grid=5),
        Node(2, 45, ((480, 900),), score=3, grid=5),
    ]
    problem = Problem.build(travel, nodes, [Track(0, 0, 480, 1000)])
    assert problem.gridded
    params = SolveParams(budget=Budget(iterations=50, solution_limit=20))
    solution = search.solve_search(problem, params, None)
    assert verify_solution(problem, solution) == []
    assert all(s.start % 5 == 0 for r in solution.routes for s in r.stops)
    assert solution.score(problem) == 8
