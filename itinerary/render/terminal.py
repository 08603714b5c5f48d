"""The plan as rich tables: one per day, then a summary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from ..input.spec import Language
from ..model.timeline import format_duration
from ..plan import (
    CheckInItem,
    EndItem,
    EventItem,
    LunchItem,
    Plan,
    RestItem,
    StartItem,
    TravelItem,
    VisitItem,
)
from .i18n import Words, clock, clock_range, end_label, start_label


def _activity(item: object, w: Words, day: dt.date) -> tuple[str, str, str, str]:
    """(time, activity, place, travel minutes) of one item of the programme day `day`."""
    if isinstance(item, StartItem):
        return clock(item.time, day), start_label(item, w), item.place, ""
    if isinstance(item, EndItem):
        return clock(item.time, day), end_label(item, w), item.place, ""
    if isinstance(item, RestItem | CheckInItem):
        return clock_range(item.start, item.end, day), w[item.type], item.place, ""
    if isinstance(item, TravelItem):
        return (
            clock_range(item.start, item.end, day),
            w["travel"],
            f"{item.from_name} → {item.to_name}",
            str(item.minutes),
        )
    if isinstance(item, VisitItem):
        label = w["visit"] + (f" ({w['must']})" if item.priority == "must" else "")
        return (
            clock_range(item.start, item.end, day),
            f"{label}{w['colon']}{item.name}",
            item.address or "",
            "",
        )
    if isinstance(item, EventItem):
        return (
            clock_range(item.start, item.end, day),
            f"{w['event']}{w['colon']}{item.name}",
            item.address or "",
            "",
        )
    if isinstance(item, LunchItem):
        return (
            clock_range(item.start, item.end, day),
            w["lunch"],
            item.place or w["lunch_on_the_way"],
            "",
        )
    raise TypeError(item)


def score_line(plan: Plan, w: Words) -> str:
    """'455 of 455 (optimal)' (score and travel proven), '300 (optimal; all hosts together
    would be 330)', '455 of 455 (highest possible)' (the score proven, not the travel), '260 of
    at most 280', or '260 of 330' when no bound was proven."""
    if plan.bound is not None and plan.score == plan.bound:
        if plan.optimal:
            if plan.score == plan.max_score:
                score = w.fmt("score_of", score=plan.score, max_score=plan.max_score)
                return f"{score} ({w['optimal']})"
            # Not "300 of 330 (optimal)": that reads as if 330 were reachable.
            return w.fmt("score_optimal", score=plan.score, max_score=plan.max_score)
        if plan.score == plan.max_score:
            return w.fmt("score_best", score=plan.score, max_score=plan.max_score)
        return w.fmt("score_best_of", score=plan.score, max_score=plan.max_score)
    if plan.bound is not None:
        return w.fmt("score_at_most", score=plan.score, bound=plan.bound)
    return w.fmt("score_of", score=plan.score, max_score=plan.max_score)


def travel_line(plan: Plan, w: Words) -> str:
    """'10h24 (624 min), shortest possible', '…, at least 9h50 possible', '…, not proven
    shortest' (a bound was tried), or '10h24 (624 min)' when none was."""
    total = f"{format_duration(plan.travel_minutes)} ({plan.travel_minutes} {w['minutes']})"
    return total + travel_proof(plan, w, format_duration)


def travel_proof(plan: Plan, w: Words, duration: Callable[[int], str] = format_duration) -> str:
    """What is proven about the plan's travel, to follow its total: ', shortest possible', ',
    at least 9h50 possible', ', not proven shortest', or '' when no bound was tried."""
    if plan.travel_optimal:
        if plan.hotel_travel_minutes:
            # The route is the shortest; the trips to rest at the hotel come on top of it.
            extra = duration(plan.hotel_travel_minutes)
            return f", {w.fmt('travel_shortest_with_rests', minutes=extra)}"
        return f", {w['travel_shortest']}"
    if plan.travel_bound is not None:
        return f", {w.fmt('travel_at_least', bound=duration(plan.travel_bound))}"
    if plan.bound is not None and not plan.optimal:
        # (A plan saved before travel was proven may say `optimal` of its score alone.)
        return f", {w['travel_unproven']}"
    return ""


def plan_renderable(plan: Plan, lang: Language | None = None) -> Group:
    w = Words(lang or plan.trip.language)
    parts: list = []
    for track in plan.tracks:
        group = f" — {track.group}" if track.group != "all" else ""
        table = Table(title=w.long_date(track.date) + group, title_justify="left", expand=False)
        table.add_column(w["time"], no_wrap=True)
        table.add_column(w["what"])
        table.add_column(w["where"])
        table.add_column(w["travel_min"], justify="right")
        for item in track.items:
            style = "bold" if isinstance(item, VisitItem | EventItem) else None
            table.add_row(*_activity(item, w, track.date), style=style)
        parts.append(table)
        for note in track.notes:
            parts.append(Text(f"  {w['note']}{w['colon']}{note}", style="yellow"))

    summary = Table(title=w["summary"], title_justify="left", show_header=False)
    summary.add_column("", style="bold")
    summary.add_column("")
    visits = plan.visits()
    summary.add_row(w["status"], w[plan.status])
    for choice in plan.unmet():
        names = w["or"].join(choice.names)
        summary.add_row(w["unmet_choice"], w.fmt("one_of", names=names), style="bold red")
    summary.add_row(w["hosts_scheduled"], str(len(visits)))
    summary.add_row(
        w["hosts_unscheduled"], str(sum(1 for u in plan.unscheduled if u.kind == "host"))
    )
    summary.add_row(w["score"], score_line(plan, w))
    summary.add_row(w["total_travel"], travel_line(plan, w))
    parts.append(summary)
    if plan.unscheduled:
        left = Table(title=w["unscheduled"], title_justify="left")
        left.add_column(w["id"], no_wrap=True)
        left.add_column(w["name"])
        left.add_column(w["priority"])
        left.add_column(w["reason"])
        for u in plan.unscheduled:
            left.add_row(
                u.id,
                u.name,
                w["event"] if u.kind == "event" else str(u.priority),
                w.reason(u),
                style="bold red" if u.required else None,
            )
        parts.append(left)
    return Group(*parts)


def print_plan(plan: Plan, console: Console, lang: Language | None = None) -> None:
    console.print(plan_renderable(plan, lang))
