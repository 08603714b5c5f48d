"""What a re-planned plan changes against the plan it replaces (`itinerary plan --previous`):
per host, a visit moved (another date or start), dropped or added. Pure: two plans in, a list
out; the terminal prints it after the plan (`render/replan.py`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from . import Plan, VisitItem


@dataclass(frozen=True)
class VisitChange:
    id: str
    name: str
    change: Literal["moved", "dropped", "added"]
    old: tuple[dt.datetime, dt.datetime] | None  # start, end (with their UTC offsets)
    new: tuple[dt.datetime, dt.datetime] | None


def plan_changes(old: Plan, new: Plan) -> list[VisitChange]:
    """The visits of `old` that `new` moves or drops, in `old`'s order, then the visits `new`
    adds, in its order. A visit kept at the same moment is no change. Moved and dropped visits
    are what `Plan.changes` counts."""
    before = _visits(old)
    after = _visits(new)
    out: list[VisitChange] = []
    for host, item in before.items():
        now = after.get(host)
        if now is None:
            out.append(VisitChange(host, item.name, "dropped", _span(item), None))
        elif now.start != item.start:
            out.append(VisitChange(host, now.name, "moved", _span(item), _span(now)))
    for host, item in after.items():
        if host not in before:
            out.append(VisitChange(host, item.name, "added", None, _span(item)))
    return out


def _visits(plan: Plan) -> dict[str, VisitItem]:
    """Each host's visit (its first, should a hand-edited plan list one twice), in time order."""
    found: dict[str, VisitItem] = {}
    for item in sorted(plan.visits(), key=lambda v: v.start):
        found.setdefault(item.id, item)
    return found


def _span(item: VisitItem) -> tuple[dt.datetime, dt.datetime]:
    return item.start, item.end
