from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from itinerary.input.load import Loaded, load_spec, load_spec_text
from itinerary.plan import Plan
from itinerary.plan.check import check_plan
from itinerary.plan.planner import make_plan
from itinerary.solver import Budget, ProofParams, SolveParams

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FAST = SolveParams(budget=Budget(solution_limit=2000, patience=300), proof=ProofParams())


def load_benchmark(name: str) -> ModuleType:
    """benchmarks/NAME.py as the module NAME (the scripts are not a package). Registered in
    sys.modules under that name, so that a script importing a sibling (steadiness.py imports
    toptw) gets this very module, and dataclasses can look their module up while defined."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def plan_checked(loaded: Loaded, params: SolveParams = FAST) -> Plan:
    """Plan a trip and re-check the plan against every rule; fail the test on any violation."""
    plan = make_plan(loaded, params)
    violations = check_plan(plan, loaded)
    assert violations == [], "\n".join(map(str, violations))
    return plan


def plan_text(text: str, params: SolveParams = FAST) -> Plan:
    return plan_checked(load_spec_text(text, "visit.yaml"), params)


GOLDEN = Path(__file__).resolve().parent / "golden"

# A two-day trip with two hosts and lunch: the small file that the command-line cases edit.
SMALL_TRIP = """\
trip:
  name: Test trip
  start: 2016-05-23
  end: 2016-05-24
  timezone: Europe/Berlin
  lunch: {from: "12:00", to: "14:00", minutes: 60}
delegation: {name: Test delegation, size: 10}
stays:
  - {id: hotel, name: Hotel, location: [51.7155, 8.7630], from: 2016-05-23, to: 2016-05-24}
hosts:
  - {id: alpha, name: Alpha GmbH, location: [51.7310, 8.7360], duration: 60}
  - {id: beta, name: Beta AG, location: [51.7400, 8.7000], duration: 60, priority: 40}
"""


def assert_golden(name: str, content: bytes | str) -> None:
    """Compare with tests/golden/NAME; review a diff there like code, and regenerate with
    UPDATE_GOLDEN=1 when the change is intended."""
    import os

    data = content.encode("utf-8") if isinstance(content, str) else content
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_bytes(data)
    assert data == golden.read_bytes(), f"{name} differs; UPDATE_GOLDEN=1 if intended"


@functools.cache
def example_plan(name: str) -> Plan:
    """A bundled example ("its-owl-week" or "its-owl-week.yaml"), planned and checked once per
    test session; plans are frozen, so tests can share them."""
    return plan_checked(load_spec(EXAMPLES / f"{name.removesuffix('.yaml')}.yaml"))


@pytest.fixture
def small_trip(tmp_path: Path) -> Path:
    """SMALL_TRIP written as tmp_path/visit.yaml."""
    path = tmp_path / "visit.yaml"
    path.write_text(SMALL_TRIP, encoding="utf-8")
    return path


@pytest.fixture
def examples() -> Path:
    return EXAMPLES


@pytest.fixture
def owl() -> Plan:
    return example_plan("its-owl-week")


@pytest.fixture
def limoges() -> Plan:
    return example_plan("limoges-symposium")


__all__ = [
    "EXAMPLES",
    "FAST",
    "GOLDEN",
    "SMALL_TRIP",
    "assert_golden",
    "example_plan",
    "load_spec",
    "plan_checked",
    "plan_text",
]
