"""`json`: the plan exactly as `Plan.to_json` writes it, so it reads back with `Plan.from_json`."""

from __future__ import annotations

from ..plan import Plan
from . import RenderOptions


def render(plan: Plan, options: RenderOptions) -> bytes:
    # Language and audience do not apply: the plan file is the reviewed data, not a view of it.
    return plan.to_json().encode()
