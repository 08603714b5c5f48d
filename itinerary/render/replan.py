"""The change summary `itinerary plan --previous` prints after the plan: per host, the visit
moved (old → new, with dates in the reader's language), dropped or added, and the count with
what is proven about it. Pure: plans in, a rich renderable out."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..input.spec import Language
from ..plan import Plan
from ..plan.changes import plan_changes
from ..plan.diff import Slot
from .changes import TEXTS as DIFF_TEXTS
from .changes import when
from .i18n import Catalogue, Words

TEXTS: Catalogue = {
    "en": {
        "changes": "Changes",
        "changes_title": "Changes against the previous plan",
        "dropped": "dropped",
        "changes_none": "every visit of the previous plan keeps its time",
        "changes_count": "{changes} of {total} visits of the previous plan moved or dropped",
        "changes_proven": "fewest changes, proven",
        "changes_at_least": "at least {bound} needed",
        "changes_unproven": "not proven fewest",
    },
    "de": {
        "changes": "Änderungen",
        "changes_title": "Änderungen gegenüber dem vorigen Plan",
        "dropped": "entfallen",
        "changes_none": "jeder Besuch des vorigen Plans behält seine Zeit",
        "changes_count": "{changes} von {total} Besuchen des vorigen Plans verschoben oder "
        "entfallen",
        "changes_proven": "nachweislich die wenigsten Änderungen",
        "changes_at_least": "mindestens {bound} nötig",
        "changes_unproven": "nicht als geringste bewiesen",
    },
    "fr": {
        "changes": "Changements",
        "changes_title": "Changements par rapport au plan précédent",
        "dropped": "annulée",
        "changes_none": "chaque visite du plan précédent garde son horaire",
        "changes_count": "{changes} des {total} visites du plan précédent déplacées ou annulées",
        "changes_proven": "le moins de changements possible, prouvé",
        "changes_at_least": "au moins {bound} nécessaires",
        "changes_unproven": "minimum non prouvé",
    },
}


def changes_proof(plan: Plan, w: Words) -> str | None:
    """'fewest changes, proven', 'at least 2 needed' or 'not proven fewest' for a re-planned
    plan; None for any other."""
    if plan.changes is None:
        return None
    if plan.changes_optimal:
        return w["changes_proven"]
    if plan.changes_bound is not None:
        return w.fmt("changes_at_least", bound=plan.changes_bound)
    return w["changes_unproven"]


def changes_line(plan: Plan, w: Words) -> str | None:
    """'2 (fewest changes, proven)' for a re-planned plan (the summary's row); None for any
    other."""
    proof = changes_proof(plan, w)
    return None if proof is None else f"{plan.changes} ({proof})"


def changes_renderable(old: Plan, new: Plan, lang: Language) -> Group:
    """The table of what `new` changes against `old`, and the count."""
    w = Words(lang, DIFF_TEXTS, TEXTS)
    changes = plan_changes(old, new)
    moved_or_dropped = sum(1 for c in changes if c.change != "added")
    total = len(old.visits())
    parts: list[Table | Text] = []
    if changes:
        table = Table(title=w["changes_title"], title_justify="left")
        for column in ("host_col", "change_col", "before_col", "now_col"):
            table.add_column(w[column])
        for change in changes:
            table.add_row(
                change.name,
                w[_WORD[change.reason or change.change]],
                _when(change.old, lang),
                _when(change.new, lang),
                style=_STYLES[change.change],
            )
        parts.append(table)
    if moved_or_dropped:
        count = w.fmt("changes_count", changes=moved_or_dropped, total=total)
    else:
        count = w["changes_none"]
    proof = changes_proof(new, w)
    if proof is not None and moved_or_dropped:
        count += f" ({proof})"
    parts.append(Text(count))
    return Group(*parts)


# What the table calls each change, in `itinerary diff`'s words but for a visit the plan had to
# drop (a host that said no itself is told apart).
_WORD = {"moved": "ch_moved", "removed": "dropped", "declined": "ch_declined", "added": "ch_added"}
_STYLES = {"moved": "yellow", "removed": "red", "added": "green"}


def _when(slot: Slot | None, lang: Language) -> str:
    """'Tuesday, 24 May 2016, 10:00–12:00' in the trip's time zone; '' for none."""
    return "" if slot is None else when(slot, lang, long=True)


__all__ = ["TEXTS", "changes_line", "changes_proof", "changes_renderable"]
