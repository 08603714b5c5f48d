"""The plan as rich tables: one per day, then a summary.

A day's table has a row per visit, event, lunch and the day's start and end; each coach leg is
folded into the row it leads to ("34 min from Paderborn/Lippstadt Airport" in the travel
column), so that a day fits on one screen of 80 columns. Long names are shortened for the
terminal only (`short_name`): every export keeps them whole. `legs=True` (`plan --legs`) gives
each leg its own row, with the names whole, as the exports list them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.constrain import Constrain
from rich.table import Table
from rich.text import Text

from ..input.spec import ARRIVAL_KEY, DEPARTURE_KEY, Language
from ..model.timeline import format_duration
from ..plan import (
    GROUP_ALL,
    CheckInItem,
    EndItem,
    EventItem,
    Item,
    LunchItem,
    Plan,
    PlanTrack,
    RestItem,
    StartItem,
    TravelItem,
    VisitItem,
)
from .i18n import Words, clock, clock_range, end_label, start_label
from .meetings import meetings_renderable
from .replan import TEXTS as CHANGE_TEXTS
from .replan import changes_line

# How long a name may be in the folded tables: in the "what" column, and as the place a leg
# comes from in the travel column (which also holds "34 min from "): longer ones lose their
# legal form, brackets and what follows a dash at FROM_CHARS, and are cut at FROM_CUT_CHARS.
NAME_CHARS = 34
TOWN_CHARS = 14
FROM_CHARS, FROM_CUT_CHARS = 20, 30
# A wait this long or longer between the coach's arrival and the next item shows the arrival
# time ("arr. 17:46"); shorter waits (rounding to the time grid, a few minutes' margin) do not.
SHOWN_WAIT_MINUTES = 15
# The folded tables fill the terminal up to this width; wider, they would only spread out.
FOLDED_MAX_WIDTH = 120

# Legal forms at the end of a company's name, which a glance at the day does not need: "Phoenix
# Contact GmbH & Co. KG" -> "Phoenix Contact", "CLAAS KGaA mbH" -> "CLAAS". German, French,
# English and a few other European forms; matched whole, case as written.
_LEGAL_FORM = re.compile(
    r"(?:,?\s+(?:GmbH\s*&\s*Co\.?\s*KG(?:aA)?|AG\s*&\s*Co\.?\s*KG(?:aA)?|&\s*Cie\.?\s*KG"
    r"|gGmbH|GmbH|mbH|UG(?:\s*\(haftungsbeschränkt\))?|KGaA|KG|OHG|AG|SE|e\.\s?V\.|eG"
    r"|S\.A\.S\.?|SASU|SAS|SARL|S\.A\.R\.L\.|S\.A\.|SA|SCOP|Ltd\.?|Limited|plc|PLC|LLP"
    r"|Inc\.?|LLC|Corp\.?|B\.V\.|BV|N\.V\.|NV|S\.p\.A\.|SpA|S\.L\.|S\.r\.l\.|Srl|AB|A/S|Oy))+$"
)
# A short lower-case word or preposition, an elided article ("d'", "l'"), a dash or guillemet:
# what a cut name should not end with.
LEADING_ON = re.compile(
    r"[a-zäöüßàâçéèêëîïôûù]{1,3}|with|from|into|over|über|beim|pour|avec|dans|sous|vers|chez"
    r"|\w'|[–—«(:-]"
)
_TRAILING_BRACKETS = re.compile(r"\s*\([^()]*\)$")
_PARTS = re.compile(r"\s+[–—-]\s+|,\s+")  # "ELOPSYS – pôle de compétitivité"
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]+(?:-[A-Z0-9]+)*")  # "IEM", "IOSB-INA"
# A postcode before the town: "33102 ", "F-87000 ", "D-33102 ", "1010 ", "75 008 " (not UK ones,
# which follow the town and stay).
_POSTCODE = re.compile(r"^(?:[A-Z]{1,2}-)?\d[\d ]{2,}\d\s+")


def short_name(name: str, limit: int = NAME_CHARS, cut_limit: int | None = None) -> str:
    """A name as the terminal shows it: without its legal form, and when still longer than
    `limit` characters, without a trailing "(…)", then only the part before a dash or a comma
    ("CILAS – céramiques optiques" -> "CILAS", "Heinz Nixdorf Institut, Universität Paderborn"
    -> "Heinz Nixdorf Institut"), then, when longer than `cut_limit` (default `limit`), cut
    after a whole word with "…", keeping an acronym at the end ("Fraunhofer-Einrichtung…
    IEM"). Never empty."""
    name = " ".join(name.split())
    name = _LEGAL_FORM.sub("", name) or name
    if len(name) <= limit:
        return name
    name = _TRAILING_BRACKETS.sub("", name) or name
    if len(name) > limit:
        first = _PARTS.split(name, maxsplit=1)[0]
        if len(first) >= 3:
            name = first
    limit = limit if cut_limit is None else cut_limit
    if len(name) <= limit:
        return name
    rest, _, last = name.rpartition(" ")
    if rest and _ACRONYM.fullmatch(last) and len(last) <= limit // 3:
        return f"{ellipsize(rest, limit - len(last) - 1)} {last}"
    return ellipsize(name, limit)


def town(address: str) -> str:
    """The town of an address, for the terminal's "where": "Zukunftsmeile 1, 33102 Paderborn"
    -> "Paderborn". The last part after a comma that is not a bare country name, without its
    postcode; the address as it is when it has no comma."""
    parts = [part.strip() for part in address.split(",") if part.strip()]
    if len(parts) < 2:
        return " ".join(address.split())
    last = parts[-1]
    if not any(c.isdigit() for c in last) and any(c.isdigit() for c in parts[-2]):
        last = parts[-2]  # "…, 33102 Paderborn, Germany"
    return _POSTCODE.sub("", last) or last


def ellipsize(text: str, limit: int) -> str:
    """`text` cut after the last whole word that leaves room for "…" within `limit`, short
    words that only lead on to the next ("de", "à", "für", "of") left off too; a first word
    longer than that is cut at a hyphen in it, else inside it, as nothing shorter would say
    anything."""
    if len(text) <= limit:
        return text
    words = text[:limit].split(" ")
    if len(words) > 1:
        words.pop()  # cut inside, or exactly at its end: either way there is no room for "…"
        while len(words) > 1 and LEADING_ON.fullmatch(words[-1]):
            words.pop()
        cut = " ".join(words)
    else:  # one long word: cut at a hyphen in it if there is one ("Fraunhofer-…"), else inside
        cut = text[: limit - 1]
        hyphen = cut.rfind("-")
        if hyphen >= 3:
            cut = cut[:hyphen]
    return cut.rstrip(" ,;:–—-(«") + "…"


def _activity(
    item: object,
    w: Words,
    day: dt.date,
    name: Callable[[str], str] = str,
    address: Callable[[str], str] = str,
) -> tuple[str, str, str, str]:
    """(time, activity, place, travel minutes) of one item of the programme day `day`; `name`
    shows a host's, event's or place's name (whole, or `short_name`), `address` an address
    (whole, or its `town`)."""
    if isinstance(item, StartItem):
        return clock(item.time, day), start_label(item, w), name(item.place), ""
    if isinstance(item, EndItem):
        return clock(item.time, day), end_label(item, w), name(item.place), ""
    if isinstance(item, RestItem | CheckInItem):
        return clock_range(item.start, item.end, day), w[item.type], name(item.place), ""
    if isinstance(item, TravelItem):
        return (
            clock_range(item.start, item.end, day),
            w["travel"],
            f"{name(item.from_name)} → {name(item.to_name)}",
            str(item.minutes),
        )
    if isinstance(item, VisitItem):
        marks = [w["must"]] if item.priority == "must" else []
        marks += [w["confirmed"]] if item.confirmed else []
        label = w["visit"] + (f" ({', '.join(marks)})" if marks else "")
        return (
            clock_range(item.start, item.end, day),
            f"{label}{w['colon']}{name(item.name)}",
            address(item.address or ""),
            "",
        )
    if isinstance(item, EventItem):
        return (
            clock_range(item.start, item.end, day),
            f"{w['event']}{w['colon']}{name(item.name)}",
            address(", ".join(p for p in (item.venue, item.address) if p)),
            "",
        )
    if isinstance(item, LunchItem):
        return (
            clock_range(item.start, item.end, day),
            w["lunch"],
            name(item.place) if item.place else w["lunch_on_the_way"],
            "",
        )
    raise TypeError(item)


def _ends(item: Item) -> tuple[dt.datetime, dt.datetime]:
    if isinstance(item, StartItem | EndItem):
        return item.time, item.time
    return item.start, item.end


def _legs_text(
    legs: Sequence[TravelItem],
    after: Item | None,
    before: Item,
    hotels: set[str],
    w: Words,
    day: dt.date,
) -> str:
    """The travel cell of `before`, the row the `legs` lead to from the row `after`: "34 min
    from Paderborn/Lippstadt Airport", "20 min from the hotel" (a place in `hotels`), with the
    coach's departure ("dep. 13:05") or arrival ("arr. 17:46") when the group waits
    `SHOWN_WAIT_MINUTES` or more before or after it (on a line of its own, so it never
    breaks). A leg split by a lunch on the way goes on from the lunch's row: "25 min more"."""
    lines = []
    for leg in legs:
        on_the_way = isinstance(after, LunchItem) and after.at is None
        if on_the_way:
            text = w.fmt("travel_more", minutes=leg.minutes)
        elif leg.from_ in hotels:
            text = w.fmt("travel_from_hotel", minutes=leg.minutes)
        else:
            place = short_name(leg.from_name, FROM_CHARS, FROM_CUT_CHARS)
            text = w.fmt("travel_from", minutes=leg.minutes, place=place)
        if after is not None and _minutes(_ends(after)[1], leg.start) >= SHOWN_WAIT_MINUTES:
            lines.append(f"({w.fmt('departs', time=clock(leg.start, day))})")
        lines.append(text)
        after = leg
    if after is not None and _minutes(_ends(after)[1], _ends(before)[0]) >= SHOWN_WAIT_MINUTES:
        lines.append(f"({w.fmt('arrives', time=clock(_ends(after)[1], day))})")
    return "\n".join(lines)


def _minutes(start: dt.datetime, end: dt.datetime) -> float:
    return (end - start).total_seconds() / 60


FoldedRow = tuple[str, str, str, str, str | None]  # time, what, where, travel, style


def _folded_rows(track: PlanTrack, w: Words) -> list[FoldedRow]:
    """A row per item that is not travel, each with the leg (or legs) that lead to it. The
    "what" names the visit or event, or the place of the day's start, end or lunch; the
    "where" is the town."""
    addresses = track.addresses()
    rows: list[FoldedRow] = []
    # Where the day starts and ends, except an arrival or departure, is a stay: the hotel.
    hotels = {
        item.key
        for item in track.items
        if isinstance(item, StartItem | EndItem) and item.key not in (ARRIVAL_KEY, DEPARTURE_KEY)
    }
    pending: list[TravelItem] = []
    previous: Item | None = None
    for item in track.items:
        if isinstance(item, TravelItem):
            pending.append(item)
            continue
        time, what, where, _ = _activity(item, w, track.date, short_name, town)
        if not isinstance(item, VisitItem | EventItem):
            # The place is what this row is about ("Lunch: KREON Technologies"); where is
            # its town, when its address is known.
            what = f"{what}{w['colon']}{where}" if where else what
            key = getattr(item, "key", None) or getattr(item, "at", None)
            address = getattr(item, "address", None) or (addresses.get(key) if key else None)
            where = town(address) if address else ""
        travel = _legs_text(pending, previous, item, hotels, w, track.date) if pending else ""
        style = "bold" if isinstance(item, VisitItem | EventItem) else None
        rows.append((time, what, where, travel, style))
        pending, previous = [], item
    for leg in pending:  # legs after the day's end: only a hand-edited plan has them
        time, what, where, minutes = _activity(leg, w, track.date, short_name)
        rows.append((time, f"{what}{w['colon']}{where}", "", f"{minutes} {w['minutes']}", None))
    return rows


def _folded_table(rows: list[FoldedRow], w: Words, title: str, towns: int) -> RenderableType:
    """The day's `rows` as a table; `towns`: the width of the longest town of the trip."""
    table = Table(title=title, title_justify="left", expand=True)
    table.add_column(w["time"], no_wrap=True)
    table.add_column(w["what"], ratio=5)
    # A town is one word or two, and cut it would be unreadable ("Paderbo…"): the column is as
    # wide as the longest of the trip (so every day has the same columns), up to TOWN_CHARS,
    # and takes no share of the rest.
    table.add_column(w["where"], min_width=min(towns, TOWN_CHARS), ratio=None)
    table.add_column(w["travel"], ratio=4)
    for time, what, where, travel, style in rows:
        table.add_row(time, what, where, travel, style=style)
    return Constrain(table, FOLDED_MAX_WIDTH)


def _legs_table(track: PlanTrack, w: Words, title: str) -> RenderableType:
    """A row per item, each leg included, with the names whole."""
    table = Table(title=title, title_justify="left", expand=False)
    table.add_column(w["time"], no_wrap=True)
    table.add_column(w["what"])
    table.add_column(w["where"])
    table.add_column(w["travel_min"], justify="right")
    for item in track.items:
        style = "bold" if isinstance(item, VisitItem | EventItem) else None
        table.add_row(*_activity(item, w, track.date), style=style)
    return table


def host_counts(plan: Plan) -> tuple[int, int]:
    """How many hosts the plan visits, and how many it leaves out. With groups a host is
    counted once however many groups visit it, and as left out only when no group visits it
    (the table of what was left out lists each group that leaves it out)."""
    if not plan.split:
        return len(plan.visits()), sum(1 for u in plan.unscheduled if u.kind == "host")
    visited = {v.id for v in plan.visits()}
    left = {u.id for u in plan.unscheduled if u.kind == "host"} - visited
    return len(visited), len(left)


def group_label(plan: Plan, group: str, w: Words) -> str:
    """A group's name ("all": the whole delegation, in words; an id the plan does not list, as
    a hand-edited plan may have: the id)."""
    if group == GROUP_ALL:
        return w["whole_delegation"]
    found = plan.delegation.group(group)
    return found.name if found.id == group else group


def group_heading(plan: Plan, track: PlanTrack, w: Words) -> str:
    """'Plastics processing (8 people)': the group a track is of, with its size."""
    found = plan.delegation.group(track.group)
    if track.group != GROUP_ALL and found.id != track.group:
        return track.group
    return f"{group_label(plan, track.group, w)} ({w.count(found.size, 'person', 'people')})"


# A group's column on a date the groups split is at least this wide; a terminal too narrow for
# a column per group gets the groups' tables one below the other, each named.
GROUP_MIN_WIDTH = 44


class SplitDay:
    """A date the groups split: one table with a column per group, its rows the group's day
    (time, then what with the travel before it and the town), when the terminal has
    `GROUP_MIN_WIDTH` columns per group; else each group's own table, titled with its name."""

    def __init__(
        self,
        title: str,
        heads: list[str],
        rows: list[list[FoldedRow]],
        w: Words,
        towns: int,
    ) -> None:
        self.title, self.heads, self.rows, self.w, self.towns = title, heads, rows, w, towns

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = min(options.max_width, FOLDED_MAX_WIDTH * len(self.heads))
        if width < GROUP_MIN_WIDTH * len(self.heads):
            for head, rows in zip(self.heads, self.rows, strict=True):
                yield _folded_table(rows, self.w, f"{self.title} — {head}", self.towns)
            return
        table = Table(title=self.title, title_justify="left", expand=True, show_lines=False)
        for head in self.heads:
            table.add_column(head, ratio=1)
        table.add_row(*(self._column(rows) for rows in self.rows))
        yield Constrain(table, width)

    def _column(self, rows: list[FoldedRow]) -> Table:
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1)
        for time, what, where, travel, style in rows:
            if travel:  # the way there, on a line of its own above the row it leads to
                grid.add_row("", Text(f"↓ {travel.replace(chr(10), ' ')}", style="dim italic"))
            cell = Text(what, style=style or "")
            if where:
                cell.append(f" · {where}", style="dim")
            grid.add_row(time, cell)
        return grid


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


def plan_renderable(plan: Plan, lang: Language | None = None, legs: bool = False) -> Group:
    """The day tables (legs folded into the rows they lead to, or with `legs` a row each), the
    summary and what was left out."""
    w = Words(lang or plan.trip.language, CHANGE_TEXTS)
    parts: list = []
    folded = {} if legs else {id(track): _folded_rows(track, w) for track in plan.tracks}
    towns = max((len(row[2]) for rows in folded.values() for row in rows), default=0)
    by_date: dict[dt.date, list[PlanTrack]] = {}
    for track in plan.tracks:
        by_date.setdefault(track.date, []).append(track)
    for tracks in by_date.values():
        title = w.day_title(tracks[0])
        split = len(tracks) > 1 or tracks[0].group != GROUP_ALL
        # On a date the groups split, each table or column is named by its group.
        heads = [group_heading(plan, track, w) for track in tracks] if split else [""]
        if legs:
            for track, head in zip(tracks, heads, strict=True):
                parts.append(_legs_table(track, w, f"{title} — {head}" if split else title))
        elif split:  # side by side when the terminal is wide enough
            rows = [folded[id(track)] for track in tracks]
            parts.append(SplitDay(title, heads, rows, w, towns))
        else:
            parts.append(_folded_table(folded[id(tracks[0])], w, title, towns))
        for track in tracks:
            for note in track.notes:
                group = "" if track.group == GROUP_ALL else f" ({group_heading(plan, track, w)})"
                parts.append(Text(f"  {w['note']}{group}{w['colon']}{note}", style="yellow"))
    for event in plan.matchmaking_events():
        parts.append(meetings_renderable(event, w.lang))

    summary = Table(title=w["summary"], title_justify="left", show_header=False)
    summary.add_column("", style="bold")
    summary.add_column("")
    summary.add_row(w["status"], w[plan.status])
    for choice in plan.unmet():
        names = w["or"].join(choice.names)
        summary.add_row(w["unmet_choice"], w.fmt("one_of", names=names), style="bold red")
    scheduled, unscheduled = host_counts(plan)
    summary.add_row(w["hosts_scheduled"], str(scheduled))
    summary.add_row(w["hosts_unscheduled"], str(unscheduled))
    summary.add_row(w["score"], score_line(plan, w))
    summary.add_row(w["total_travel"], travel_line(plan, w))
    changed = changes_line(plan, w)
    if changed is not None:  # re-planned against a previous plan (`plan --previous`)
        summary.add_row(w["changes"], changed)
    parts.append(summary)
    if plan.unscheduled:
        left = Table(title=w["unscheduled"], title_justify="left")
        left.add_column(w["id"], no_wrap=True)
        left.add_column(w["name"])
        if plan.split:
            left.add_column(w["group"])
        left.add_column(w["priority"])
        left.add_column(w["reason"])
        for u in plan.unscheduled:
            in_group = [group_label(plan, u.group or GROUP_ALL, w)] if plan.split else []
            left.add_row(
                u.id,
                u.name,
                *in_group,
                w["event"] if u.kind == "event" else str(u.priority),
                w.reason(u),
                style="bold red" if u.required else None,
            )
        parts.append(left)
    return Group(*parts)


def print_plan(
    plan: Plan, console: Console, lang: Language | None = None, legs: bool = False
) -> None:
    console.print(plan_renderable(plan, lang, legs))
