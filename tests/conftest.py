from __future__ import annotations

from pathlib import Path

import pytest

from itinerary.check import check_plan
from itinerary.load import Loaded, load_spec, load_spec_text
from itinerary.plan import Plan
from itinerary.planner import make_plan
from itinerary.solver import SolveParams

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FAST = SolveParams(solution_limit=2000, patience=300)


def plan_checked(loaded: Loaded, params: SolveParams = FAST) -> Plan:
    """Plan a trip and re-check the plan against every rule; fail the test on any violation."""
    plan = make_plan(loaded, params)
    violations = check_plan(plan, loaded)
    assert violations == [], "\n".join(map(str, violations))
    return plan


def plan_text(text: str, params: SolveParams = FAST) -> Plan:
    return plan_checked(load_spec_text(text, "visit.yaml"), params)


@pytest.fixture
def examples() -> Path:
    return EXAMPLES


__all__ = ["EXAMPLES", "FAST", "load_spec", "plan_checked", "plan_text"]
