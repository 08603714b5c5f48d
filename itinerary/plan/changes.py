"""What a re-planned plan changes against the plan it replaces (`itinerary plan --previous`):
per host, a visit moved (another date or start), dropped or added. Pure: two plans in, a list
out; the terminal prints it after the plan (`render/replan.py`).

The visits are matched as `itinerary diff` matches them (`diff.diff_plans`); this is the part
of that diff that `Plan.changes` counts: a visit whose start moved, or that was dropped. A visit
kept at its start (even if it now ends at another time, or is newly confirmed) is no change."""

from __future__ import annotations

import datetime as dt

from . import Plan
from .diff import Change, diff_plans


def plan_changes(old: Plan, new: Plan) -> list[Change]:
    """The host changes of `diff_plans(old, new)` that `Plan.changes` is about: the visits of
    `old` that `new` moves (`moved`: another start) or drops (`removed`, with the reason
    `declined` when the host said no), in `old`'s order, then the visits `new` adds (`added`),
    in its order."""
    moved_or_dropped: list[tuple[dt.datetime, Change]] = []
    added: list[Change] = []
    for change in diff_plans(old, new).of("host"):
        if change.old is None:
            added.append(change)
        elif change.new is None or change.new.start != change.old.start:
            moved_or_dropped.append((change.old.start, change))
    moved_or_dropped.sort(key=lambda pair: (pair[0], pair[1].id))
    return [change for _, change in moved_or_dropped] + added


__all__ = ["plan_changes"]
