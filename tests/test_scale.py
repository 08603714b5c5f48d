"""Nothing hangs: the time limit bounds the whole command, trips beyond the supported size are
refused while loading, and the default budget shrinks with the problem while staying
reproducible (the travel matrix: tests/test_travel.py). No wall-clock assertions: the timings are in
benchmarks/budget.py."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import EXAMPLES, load_benchmark
from typer.testing import CliRunner

from itinerary.cli import app
from itinerary.input.load import MAX_EVENTS, MAX_HOSTS, MAX_VISIT_SLOTS, load_spec, load_spec_text
from itinerary.model.compile import compile_spec
from itinerary.model.verify import verify_solution
from itinerary.plan import Plan
from itinerary.plan.check import check_plan
from itinerary.plan.planner import PLAN_PARAMS, make_plan
from itinerary.solver import Budget, Deadline, SolveParams, solve
from itinerary.solver.cpsat import prove_bound

runner = CliRunner()
OWL = str(EXAMPLES / "its-owl-week.yaml")


# --- --time-limit ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["inf", "nan", "1e308", "0", "-1", "-inf", "0.5", "3601"])
def test_a_time_limit_out_of_range_is_refused_in_one_line(value: str) -> None:
    result = runner.invoke(app, ["plan", OWL, f"--time-limit={value}"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: --time-limit must be 1 to 3600 seconds, not {float(value):g}"
    ]
    assert "Traceback" not in result.output and result.stdout == ""


def test_a_time_limited_plan_is_checked_and_says_what_stopped_it(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    result = runner.invoke(app, ["plan", OWL, "--time-limit", "2", "--json", str(out)])
    assert result.exit_code == 0, result.output
    plan = Plan.from_json(out.read_bytes())
    assert plan.solver is not None and plan.solver.time_limit == 2.0
    assert check_plan(plan, load_spec(OWL)) == []


def test_a_passed_deadline_still_gives_the_first_plan_checked() -> None:
    """Past its deadline the command still returns the insertion plan (events and must-visits
    placed), re-checked, without a walk, a polish or a proof."""
    loaded = load_spec(OWL)
    passed = Deadline(time.monotonic() - 1)
    plan = make_plan(loaded, PLAN_PARAMS.for_seconds(5), deadline=passed)
    assert check_plan(plan, loaded) == []  # make_plan checked it too
    assert plan.status == "complete" and plan.bound is None
    assert plan.solver is not None and plan.solver.solutions == 0
    assert plan.solver.stopped_by == "time limit (5 s)"


def test_the_search_stops_by_its_deadline_even_with_a_work_budget() -> None:
    problem = compile_spec(load_spec(OWL)).problem
    solution = solve(problem, SolveParams(), deadline=Deadline(time.monotonic() - 1))
    assert verify_solution(problem, solution) == []
    assert solution.stopped_by == "deadline" and solution.solutions_found == 0


def test_the_proof_is_skipped_when_its_deadline_has_passed() -> None:
    problem = compile_spec(load_spec(OWL)).problem
    assert prove_bound(problem, deadline=Deadline(time.monotonic() - 1)) is None
    assert prove_bound(problem, deadline=Deadline.within(600)) is not None


def test_deadline_arithmetic() -> None:
    now = time.monotonic()
    deadline = Deadline.within(10, now)
    assert deadline.at == now + 10 and deadline.before(4).at == now + 6
    assert 0 < deadline.remaining() <= 10 and not deadline.passed()
    assert Deadline(now - 1).remaining() == 0 and Deadline(now - 1).passed()
    assert Deadline.earliest(None, deadline, Deadline(now + 1)) == Deadline(now + 1)
    assert Deadline.earliest(None, None) is None
    half = deadline.part(0.5)
    assert now + 4 < half.at < now + 6


# --- the supported size -------------------------------------------------------------------


def _line_of(text: str, key: str) -> int:
    return text.splitlines().index(f"{key}:") + 1


def _refused_by_validate_and_plan(path: Path, line: int, message: str) -> None:
    for command in (["validate", str(path)], ["plan", str(path), "--time-limit", "5"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, result.output
        assert result.stderr.splitlines() == [f"{path}:{line}: {message}"]
        assert result.stdout == ""


def test_a_trip_beyond_the_supported_number_of_hosts_is_refused(tmp_path: Path) -> None:
    trip_yaml = load_benchmark("generate").trip_yaml
    text = trip_yaml(MAX_HOSTS + 1, 2, 1)
    path = tmp_path / "visit.yaml"
    path.write_text(text, encoding="utf-8")
    message = f"{MAX_HOSTS + 1:,} hosts: the planner supports at most {MAX_HOSTS:,} in one trip"
    _refused_by_validate_and_plan(path, _line_of(text, "hosts"), message)


def test_the_largest_supported_trip_validates() -> None:
    trip_yaml = load_benchmark("generate").trip_yaml
    spec = load_spec_text(trip_yaml(MAX_HOSTS, 10, 1)).spec  # 4,618 visit slots
    assert len(spec.hosts) == MAX_HOSTS


def _one_host_trip(windows: int, events: int = 0) -> str:
    """A 31-day trip (the longest there is) whose one host opens `windows` times a day, for a
    minute each, with `events` one-minute events on the first day."""

    def at(minutes: int) -> str:
        return f"{8 + minutes // 60:02d}:{minutes % 60:02d}"

    opening = "".join(
        f'\n      - {{days: [mon, tue, wed, thu, fri, sat, sun], from: "{at(i)}", '
        f'to: "{at(i + 1)}"}}'
        for i in range(windows)
    )
    listed = "".join(
        f'\n  - {{id: e{i}, name: E{i}, location: [51.7, 8.7], start: "2026-03-02 {at(i)}", '
        f'end: "2026-03-02 {at(i + 1)}"}}'
        for i in range(events)
    )
    return f"""trip:
  name: Long
  start: 2026-03-02
  end: 2026-04-01
  timezone: Europe/Berlin
  day: {{start: "08:00", end: "20:00"}}
delegation: {{name: D, size: 3}}
stays:
  - {{name: Hotel, location: [51.7, 8.7], from: 2026-03-01, to: 2026-04-30}}
hosts:
  - id: busy
    name: Busy
    location: [51.8, 8.8]
    duration: 1
    open:{opening}
events:{listed or " []"}
"""


def test_too_many_visit_slots_are_refused(tmp_path: Path) -> None:
    """One host that opens 200 times a day on each of 31 days: few hosts, but more visit slots
    than the planner supports."""
    text = _one_host_trip(200)
    path = tmp_path / "visit.yaml"
    path.write_text(text, encoding="utf-8")
    assert 200 * 31 > MAX_VISIT_SLOTS
    message = (
        f"the hosts' opening windows give {200 * 31:,} visit slots over the trip's 31 days "
        f"(one per window and day); the planner supports at most {MAX_VISIT_SLOTS:,}: plan "
        "fewer days or hosts at a time"
    )
    _refused_by_validate_and_plan(path, _line_of(text, "hosts"), message)


def test_too_many_events_are_refused(tmp_path: Path) -> None:
    text = _one_host_trip(2, events=MAX_EVENTS + 1)
    path = tmp_path / "visit.yaml"
    path.write_text(text, encoding="utf-8")
    message = f"{MAX_EVENTS + 1:,} events: the planner supports at most {MAX_EVENTS:,} in one trip"
    _refused_by_validate_and_plan(path, _line_of(text, "events"), message)


def test_a_long_trip_within_the_slots_is_accepted() -> None:
    assert load_spec_text(_one_host_trip(150)).spec.hosts[0].id == "busy"  # 4,650 slots


# --- the default budget -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["its-owl-week", "limoges-symposium"])
def test_small_trips_keep_the_full_budget(name: str) -> None:
    problem = compile_spec(load_spec(EXAMPLES / f"{name}.yaml")).problem
    assert SolveParams().for_problem(problem) == SolveParams()


def test_the_budget_of_a_large_trip_is_scaled_by_its_size() -> None:
    trip_yaml = load_benchmark("generate").trip_yaml
    problem = compile_spec(load_spec_text(trip_yaml(150, 5, 1))).problem
    options = problem.visit_options()
    assert options > SolveParams().budget.full_budget_options  # type: ignore[operator]
    scaled = SolveParams().for_problem(problem)
    share = (300 / options) ** 0.75
    assert scaled.budget.iterations == round(4000 * share)
    assert scaled.budget.walk_patience == round(1500 * share)
    assert scaled.budget.solution_limit == 0  # no OR-Tools polish
    assert scaled.for_problem(problem) == scaled  # final
    assert SolveParams().for_seconds(5).for_problem(problem) == SolveParams().for_seconds(5)
    unscaled = SolveParams(budget=Budget(full_budget_options=None))
    assert unscaled.for_problem(problem) == unscaled


@pytest.mark.slow
def test_the_scaled_default_budget_gives_the_same_plan_twice(tmp_path: Path) -> None:
    """A 150-host trip (326 visit options over 2 days: above the full budget), planned twice
    through the CLI with the default budget: the same plan to the byte."""
    trip_yaml = load_benchmark("generate").trip_yaml
    visit = tmp_path / "visit.yaml"
    visit.write_text(trip_yaml(150, 2, 1), encoding="utf-8")
    saved = []
    for name in ("a.json", "b.json"):
        result = runner.invoke(app, ["plan", str(visit), "--json", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        saved.append((tmp_path / name).read_bytes())
    assert saved[0] == saved[1]
    plan = Plan.from_json(saved[0])
    assert plan.solver is not None and plan.solver.solution_limit == 0
    assert check_plan(plan, load_spec(visit)) == []
