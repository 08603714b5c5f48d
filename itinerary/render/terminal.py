"""The plan as rich tables: one per day, then a summary."""

from __future__ import annotations

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from ..plan import EndItem, EventItem, LunchItem, Plan, StartItem, TravelItem, VisitItem
from ..timeline import format_duration


def _activity(item: object) -> tuple[str, str, str, str]:
    """(time, activity, place, travel minutes) of one item."""
    if isinstance(item, StartItem):
        return f"{item.time:%H:%M}", "Start", item.place, ""
    if isinstance(item, EndItem):
        return f"{item.time:%H:%M}", "End of day", item.place, ""
    if isinstance(item, TravelItem):
        return (
            f"{item.start:%H:%M}–{item.end:%H:%M}",
            "Travel",
            f"{item.from_name} → {item.to_name}",
            str(item.minutes),
        )
    if isinstance(item, VisitItem):
        label = "Visit" + (" (must)" if item.priority == "must" else "")
        return (
            f"{item.start:%H:%M}–{item.end:%H:%M}",
            f"{label}: {item.name}",
            item.address or "",
            "",
        )
    if isinstance(item, EventItem):
        return f"{item.start:%H:%M}–{item.end:%H:%M}", f"Event: {item.name}", item.address or "", ""
    if isinstance(item, LunchItem):
        return f"{item.start:%H:%M}–{item.end:%H:%M}", "Lunch", item.place or "on the way", ""
    raise TypeError(item)


def plan_renderable(plan: Plan) -> Group:
    parts: list = []
    for track in plan.tracks:
        title = f"{track.date:%A %d %B %Y}" + (f" — {track.group}" if track.group != "all" else "")
        table = Table(title=title, title_justify="left", expand=False)
        table.add_column("Time", no_wrap=True)
        table.add_column("Activity")
        table.add_column("Place")
        table.add_column("Travel min", justify="right")
        for item in track.items:
            style = "bold" if isinstance(item, VisitItem | EventItem) else None
            table.add_row(*_activity(item), style=style)
        parts.append(table)
        for note in track.notes:
            parts.append(Text(f"  note: {note}", style="yellow"))

    summary = Table(title="Summary", title_justify="left", show_header=False)
    summary.add_column("", style="bold")
    summary.add_column("")
    visits = plan.visits()
    summary.add_row("Status", plan.status)
    summary.add_row("Hosts scheduled", str(len(visits)))
    summary.add_row("Hosts unscheduled", str(sum(1 for u in plan.unscheduled if u.kind == "host")))
    summary.add_row("Score", f"{plan.score} of {plan.max_score}")
    summary.add_row(
        "Total travel", f"{format_duration(plan.travel_minutes)} ({plan.travel_minutes} min)"
    )
    parts.append(summary)
    if plan.unscheduled:
        left = Table(title="Not in the plan", title_justify="left")
        left.add_column("Id", no_wrap=True)
        left.add_column("Name")
        left.add_column("Priority")
        left.add_column("Reason")
        for u in plan.unscheduled:
            left.add_row(
                u.id,
                u.name,
                "event" if u.kind == "event" else str(u.priority),
                u.reason,
                style="bold red" if u.required else None,
            )
        parts.append(left)
    return Group(*parts)


def print_plan(plan: Plan, console: Console) -> None:
    console.print(plan_renderable(plan))
