"""Nothing hangs: the time limit bounds the whole command. No wall-clock assertions: the
timings are in benchmarks/budget.py."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import EXAMPLES
from typer.testing import CliRunner

from itinerary.check import check_plan
from itinerary.cli import app
from itinerary.compile import compile_spec
from itinerary.load import load_spec
from itinerary.plan import Plan
from itinerary.planner import make_plan
from itinerary.solver import Deadline, SolveParams, solve
from itinerary.solver.cpsat import prove_bound
from itinerary.verify import verify_solution

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
    plan = make_plan(loaded, SolveParams.for_seconds(5), deadline=passed)
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
