"""Hand-edited and damaged plan files: whatever a plan file holds, `export` reads it and renders
every format, or refuses it in located lines; never an exception of its own (which the CLI would
report as an internal error, status 3)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from conftest import GOLDEN
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from itinerary.errors import InputError
from itinerary.render import FORMATS, RenderOptions, render
from itinerary.render.export import parse_plan

SAVED = json.loads((GOLDEN / "limoges-plan.json").read_text(encoding="utf-8"))

# Values a hand edit or a damaged file may leave anywhere.
ODD_VALUES: list[Any] = [
    None, True, 0, -1, 10**30, 1.5, -0.0, 1e308, "", "x" * 300, "\u202e\u0000", "=cmd()",
    "2016-05-23", "2016-05-23T10:30:00", "2016-05-23T10:30:00+02:00",
    "2008-04-09T23:59:00-11:00", "2008-04-10T05:00:00Z", "9999-12-31T23:59:00+14:00",
    "Europe/Berlin", "../etc/passwd", [], {}, [1, 2], [91, 0], [45.8, 1.26], {"a": 1},
    "must", "visit", "travel", "lunch", "all",
]  # fmt: skip


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _paths(value, (*prefix, index))
    return out


PATHS = [p for p in _paths(SAVED) if p]


@st.composite
def damaged_plans(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(SAVED)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(PATHS))
        parent: Any = data
        try:
            for part in path[:-1]:
                parent = parent[part]
            action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
            if action == "replace":
                parent[path[-1]] = draw(st.sampled_from(ODD_VALUES))
            elif action == "delete":
                del parent[path[-1]]
            elif isinstance(parent, dict):
                parent[draw(st.sampled_from(["extra", "note", "gate"]))] = draw(
                    st.sampled_from(ODD_VALUES)
                )
        except (KeyError, IndexError, TypeError):
            continue  # an earlier damage removed the way there
    return data


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(damaged_plans())
def test_a_damaged_plan_is_rendered_or_refused_in_located_lines(data: dict[str, Any]) -> None:
    text = json.dumps(data, indent=2, allow_nan=False)
    try:
        plan = parse_plan(text, "plan.json")
    except InputError as error:
        lines = text.count("\n") + 1
        assert error.issues
        for issue in error.issues:
            assert 1 <= issue.line <= lines and "\n" not in issue.message
        return
    for fmt in FORMATS:
        for audience in ("organiser", "delegation"):
            render(plan, fmt, RenderOptions(audience=audience))  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", [b"", b"\x00" * 10, b"{" * 5000, b'{"format": 1}', b"[]" * 3])
def test_bytes_that_are_no_plan_are_refused(raw: bytes) -> None:
    with pytest.raises(InputError):
        parse_plan(raw, "plan.json")


def test_an_event_item_turned_into_lunch_is_refused_in_located_lines() -> None:
    """An event's `"type"` edited to `"lunch"`: its `lunch` key is named twice among the
    unknown keys (found by the fuzz above), and the plan is refused, not crashed on."""
    data = copy.deepcopy(SAVED)
    item = next(i for i in data["tracks"][1]["items"] if i["type"] == "event" and "lunch" in i)
    item["type"] = "lunch"
    with pytest.raises(InputError):
        parse_plan(json.dumps(data, indent=2), "plan.json")
