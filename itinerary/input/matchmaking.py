"""The `matchmaking` section of an event: its slots, participants and requests, checked.

Read by `load` (errors with `file:line`, the requests of a CSV file), `compile` and `explain`
(`match/`), so all read the same slots and the same participants. The plan checker derives the
slots again on its own.

Slots. The event's time, less its `breaks`, falls into segments; each holds slots of `minutes`
from its start, `pause_minutes` apart, as many as fit. A segment too short for one slot is an
error ("does not divide into the event"); minutes left at a segment's end are a warning.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import Issue, counted
from . import groups as grouping
from .spec import Event, Matchmaking, MeetingRequest, Person, VisitSpec, format_time_of_day

Path_ = tuple[str | int, ...]
MAX_REQUEST_BYTES = 5_000_000


@dataclass(frozen=True)
class RequestRow:
    """One request as written: `file` and `line` locate it (the visit file or its CSV)."""

    from_: str
    to: str
    priority: int | str
    file: str
    line: int

    @property
    def must(self) -> bool:
        return self.priority == "must"


@dataclass(frozen=True)
class Segment:
    start: int  # local minutes of the event's day
    end: int


def _minute_of_day(event: Event, moment: dt.datetime) -> int:
    return int((moment - dt.datetime.combine(event.start.date(), dt.time())).total_seconds()) // 60


def event_span(event: Event) -> tuple[int, int]:
    """The event's start and end as local minutes of its day (an end at midnight is 1440)."""
    return _minute_of_day(event, event.start), _minute_of_day(event, event.end)


def segments(event: Event, mm: Matchmaking) -> list[Segment]:
    """The event's time without its breaks (breaks outside the event are ignored here; `load`
    refuses them)."""
    start, end = event_span(event)
    out = []
    at = start
    for b in sorted(mm.breaks, key=lambda b: b.from_):
        if b.from_ > at:
            out.append(Segment(at, min(b.from_, end)))
        at = max(at, b.to)
    if at < end:
        out.append(Segment(at, end))
    return [s for s in out if s.end > s.start]


def slots_of(segment: Segment, mm: Matchmaking) -> list[tuple[int, int]]:
    out = []
    at = segment.start
    while at + mm.minutes <= segment.end:
        out.append((at, at + mm.minutes))
        at += mm.minutes + mm.pause_minutes
    return out


def event_slots(event: Event, mm: Matchmaking) -> list[tuple[int, int]]:
    """Every slot of the event, in order: (start, end) in local minutes of its day."""
    return [slot for segment in segments(event, mm) for slot in slots_of(segment, mm)]


def participants(spec: VisitSpec, mm: Matchmaking) -> list[Person]:
    """The delegation's members, then the event's participants."""
    return [*spec.delegation.members, *mm.participants]


def _members_away(spec: VisitSpec, event: Event) -> dict[str, str]:
    """The members whose group does not attend `event` (`events[].groups`), with that group's
    id: they cannot meet anyone there."""
    attending = set(grouping.event_groups(spec, event))
    if grouping.ALL in attending:
        return {}
    placed = grouping.place_members(spec).group_of
    return {m: g for m, g in placed.items() if g not in attending}


def presence(event: Event, person: Person) -> tuple[int, int]:
    """When a participant is present, in local minutes of the event's day."""
    available = getattr(person, "available", None)
    if available is None:
        return event_span(event)
    return available.from_, available.to


def spoken(spec: VisitSpec, person: Person) -> frozenset[str]:
    """The languages a participant meets in: their own, a member without any the delegation's
    (empty: not known, never taken to need an interpreter)."""
    own = person.spoken()
    if own or person not in spec.delegation.members:
        return own
    return frozenset(spec.delegation.languages or ())


def needs_interpreter(spec: VisitSpec, a: Person, b: Person) -> bool:
    """Two participants whose known languages have none in common."""
    first, second = spoken(spec, a), spoken(spec, b)
    return bool(first and second and not first & second)


# --- reading and checking -------------------------------------------------------------------


def read_requests(
    spec: VisitSpec,
    line_of: Callable[[Path_], int],
    filename: str,
    base_dir: Path,
) -> tuple[dict[str, tuple[RequestRow, ...]], tuple[Path, ...], list[Issue], list[Issue]]:
    """Per matchmaking event id, its requests (inline or from CSV); the CSV files read; errors;
    warnings."""
    requests: dict[str, tuple[RequestRow, ...]] = {}
    files: list[Path] = []
    errors: list[Issue] = []
    warnings: list[Issue] = []
    for i, event in enumerate(spec.events):
        mm = event.matchmaking
        if mm is None:
            continue
        at: Path_ = ("events", i, "matchmaking")

        def issue(path: Path_, message: str, at: Path_ = at) -> Issue:
            return Issue(filename, line_of(at + path), message)

        rows: list[RequestRow] = []
        if isinstance(mm.requests, str):
            path = Path(mm.requests)
            if not path.is_absolute():
                path = base_dir / path
            read, problems = _read_csv(path, mm.requests, issue(("requests",), ""))
            rows, errors = rows + read, errors + problems
            if path.is_file():
                files.append(path)
        else:
            for j, r in enumerate(mm.requests):
                line = line_of(at + ("requests", j))
                rows.append(RequestRow(r.from_, r.to, r.priority, filename, line))
        requests[event.id] = tuple(rows)
        problems, notes = _event_issues(spec, i, event, mm, rows, issue)
        errors += problems
        warnings += notes
    return requests, tuple(files), errors, warnings


def _read_csv(path: Path, written: str, where: Issue) -> tuple[list[RequestRow], list[Issue]]:
    def at(message: str) -> list[Issue]:
        return [Issue(where.file, where.line, message)]

    if not path.is_file():
        found = "is a folder, not a file" if path.is_dir() else "not found"
        return [], at(f"requests: the file {written!r} {found} (looked for {path})")
    try:
        if path.stat().st_size > MAX_REQUEST_BYTES:
            return [], at(f"requests: {written} is too large (over {MAX_REQUEST_BYTES:,} bytes)")
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        return [], at(f"requests: cannot read {written}: {exc.strerror or exc}")
    except UnicodeDecodeError:
        return [], at(f"requests: {written} is not UTF-8 text")
    shown = str(path)
    reader = csv.reader(io.StringIO(text))
    rows: list[RequestRow] = []
    issues: list[Issue] = []
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        if "from" not in header or "to" not in header:
            return [], [Issue(shown, 1, "the first line must name the columns from,to,priority")]
        unknown = [h for h in header if h not in ("from", "to", "priority") and h]
        if unknown:
            return [], [
                Issue(shown, 1, f"unknown column {unknown[0]!r}: the columns are from,to,priority")
            ]
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            values: dict[str, Any] = {
                h: c.strip() for h, c in zip(header, cells, strict=False) if h and c.strip()
            }
            if len(cells) > len(header):
                issues.append(
                    Issue(shown, line, f"{len(cells)} cells, the header has {len(header)}")
                )
                continue
            try:
                r = MeetingRequest.model_validate(values)
            except ValidationError as exc:
                err = exc.errors(include_url=False)[0]
                field = str(err["loc"][0]) if err["loc"] else "request"
                field = "from" if field == "from_" else field
                message = str(err["msg"]).removeprefix("Value error, ")
                if err["type"] == "missing":
                    message = f"missing {field}"
                else:
                    message = f"{field}: {message}"
                issues.append(Issue(shown, line, message))
                continue
            rows.append(RequestRow(r.from_, r.to, r.priority, shown, line))
    except csv.Error as exc:
        issues.append(Issue(shown, reader.line_num, f"not a CSV file of requests: {exc}"))
    return rows, issues


def _event_issues(
    spec: VisitSpec,
    i: int,
    event: Event,
    mm: Matchmaking,
    rows: list[RequestRow],
    issue: Callable[[Path_, str], Issue],
) -> tuple[list[Issue], list[Issue]]:
    errors: list[Issue] = []
    warnings: list[Issue] = []
    start, end = event_span(event)
    span = f"{format_time_of_day(start)}–{format_time_of_day(end)}"
    ordered = sorted(enumerate(mm.breaks), key=lambda jb: jb[1].from_)
    for j, b in ordered:
        if b.from_ < start or b.to > end:
            errors.append(
                issue(
                    ("breaks", j),
                    f"the break {format_time_of_day(b.from_)}–{format_time_of_day(b.to)} is "
                    f"outside the event ({span})",
                )
            )
    for (_, before), (j, after) in zip(ordered, ordered[1:], strict=False):
        if after.from_ < before.to:
            errors.append(issue(("breaks", j), "breaks overlap; give each pause once"))
    if not errors:
        for segment in segments(event, mm):
            slots = slots_of(segment, mm)
            part = f"{format_time_of_day(segment.start)}–{format_time_of_day(segment.end)}"
            if not slots:
                errors.append(
                    issue(
                        ("minutes",),
                        f"a slot of {mm.minutes} minutes does not divide into the event: the "
                        f"{segment.end - segment.start} minutes of {part} hold none (shorten "
                        "the slots or move the breaks)",
                    )
                )
                continue
            left = segment.end - slots[-1][1]
            if left:
                warnings.append(
                    issue(
                        ("minutes",),
                        f"{left} minutes of {part} hold no slot (the last ends at "
                        f"{format_time_of_day(slots[-1][1])})",
                    )
                )
    people = participants(spec, mm)
    first_of: dict[str, int] = {}
    members = len(spec.delegation.members)
    for k, person in enumerate(people):
        # Two members with one id: the delegation's own error (`group_issues.member_id_issues`).
        if person.id.lower() in first_of and k >= members:
            where = ("participants", k - members, "id")
            whose = (
                "a member of the delegation"
                if first_of[person.id.lower()] < members
                else ("another participant")
            )
            errors.append(issue(where, f"participant id '{person.id}' is already used by {whose}"))
        first_of.setdefault(person.id.lower(), k)
    for k, p in enumerate(mm.participants):
        if p.available is not None and (p.available.from_ < start or p.available.to > end):
            errors.append(
                issue(
                    ("participants", k, "available"),
                    f"{p.name} is available {format_time_of_day(p.available.from_)}–"
                    f"{format_time_of_day(p.available.to)}, outside the event ({span})",
                )
            )
    ids = {p.id: p for p in people}
    away = _members_away(spec, event)
    slots = event_slots(event, mm) if not errors else []
    seen: dict[tuple[str, str], RequestRow] = {}
    must: dict[str, set[str]] = {}
    for row in rows:

        def at(message: str, row: RequestRow = row) -> Issue:
            return Issue(row.file, row.line, message)

        bad = False
        for who in (row.from_, row.to):
            if who not in ids:
                near = difflib.get_close_matches(who, list(ids), n=1, cutoff=0.6)
                hint = f"; did you mean '{near[0]}'?" if near else ""
                errors.append(
                    at(
                        f"request names '{who}', who is not a participant of event '{event.id}'"
                        f"{hint}"
                    )
                )
                bad = True
        if bad:
            continue
        for who in (row.from_, row.to):
            group = away.get(who)
            if group is not None:
                errors.append(
                    at(
                        f"request names '{who}', a member of group '{group}', which does not "
                        f"attend event '{event.id}' (its `groups`)"
                    )
                )
                bad = True
        if bad:
            continue
        if row.from_ == row.to:
            errors.append(at(f"a request from '{row.from_}' to themselves"))
            continue
        key = (row.from_, row.to)
        if key in seen:
            first = seen[key]
            errors.append(
                at(
                    f"'{row.from_}' asks to meet '{row.to}' twice (first at {first.file}:"
                    f"{first.line}); give one request"
                )
            )
            continue
        seen[key] = row
        if row.must:
            for one, other in (key, key[::-1]):
                must.setdefault(one, set()).add(other)
    if slots:
        for who, others in sorted(must.items()):
            came, left = presence(event, ids[who])
            present = sum(1 for s, e in slots if came <= s and e <= left)
            most = present if mm.max_meetings is None else min(present, mm.max_meetings)
            if len(others) > most:
                row = next(r for r in rows if r.must and who in (r.from_, r.to))
                limit = (
                    f"max_meetings is {mm.max_meetings}"
                    if mm.max_meetings is not None and mm.max_meetings < present
                    else f"they are present for {counted(present, 'slot')}"
                )
                errors.append(
                    Issue(
                        row.file,
                        row.line,
                        f"{ids[who].name} has {len(others)} must meetings, but {limit}",
                    )
                )
    return errors, warnings
