"""What changed between two saved plans of one trip, and whom the organiser must tell.

`diff_plans(old, new)` matches hosts and events by id and days by (date, group), and says for
each host and event whether it was `added`, `removed` (with `reason` "declined" when the host
said no), `moved` (another date, start or end), `confirmed` (the same times, now confirmed by
the host) or is `unchanged`, and for each day what changed in its shape: the day added or
removed, its start or end moved or its hotel changed (`day`), its lunch added, removed, moved or
held elsewhere (`lunch`). Nothing is solved again: the plans are compared as they are.

`carry_sequences(old, new)` counts revisions for calendars (iCalendar SEQUENCE, RFC 5546): the
new plan's visits keep the old plan's count when unchanged, and get one more when moved,
newly confirmed, cancelled (kept on the host's `unscheduled` entry) or invited again after a
cancellation. The
count lives in the plan file (`sequence`, format 1.3), so a chain of re-plans, each carried from
the one before, always sends every host a higher number than the last letter it got.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo

from . import EndItem, EventItem, LunchItem, Plan, PlanTrack, StartItem, VisitItem

FORMAT: Final = "itinerary-diff/1"

ChangeKind = Literal["added", "removed", "moved", "confirmed", "unchanged"]
Subject = Literal["host", "event", "day", "lunch"]
# What a host is told: a new invitation, a new time, a cancellation, the acknowledgement of its
# refusal (`declined`: removed because the host declined), or thanks for its confirmation.
Told = Literal["added", "moved", "removed", "declined", "confirmed"]
# Why a host was removed, when the new plan says so in a way its letter must follow: the host
# declined (its `unscheduled` cause), so it is not told that the visit is cancelled.
RemovedReason = Literal["declined"]


@dataclass(frozen=True)
class Slot:
    """When (and for days and lunches, where) something is in one plan. `date` is the programme
    day, `group` the track's group. A day's `place` is where it starts and `end_place` where it
    ends (the hotel, or the departure); a lunch's `place` is where it is held (None: on the
    way); hosts and events have none (their place does not change)."""

    start: dt.datetime
    end: dt.datetime
    date: dt.date
    group: str = "all"
    place: str | None = None
    end_place: str | None = None
    # A host's visit that the host has confirmed (the plan's `confirmed`); never in the JSON.
    confirmed: bool = False
    # The name of `group` for people ("Plastics processing"), when the plan has groups; never
    # in the JSON, which names the group by its id.
    group_name: str | None = None

    def same_time(self, other: Slot) -> bool:
        return (self.start, self.end, self.date) == (other.start, other.end, other.date)

    def as_json(self, subject: Subject) -> dict[str, Any]:
        data: dict[str, Any] = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.group != "all":
            data["group"] = self.group
        if subject == "day":
            data["from"], data["to"] = self.place, self.end_place
        elif subject == "lunch":
            data["place"] = self.place
        return data


@dataclass(frozen=True)
class Change:
    """One host, event, day or lunch. `id` is the host's or event's id, or for a day and its
    lunch the date (ISO), with "/group" for a subgroup's day. `name` is for people (the host's
    name; for a day, the date). `reason`: why a host was `removed`, when it changes what the host
    is told (`declined`: the host said no); in the JSON only when set."""

    subject: Subject
    id: str
    name: str
    change: ChangeKind
    old: Slot | None
    new: Slot | None
    reason: RemovedReason | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "kind": self.subject,
            "name": self.name,
            "change": self.change,
        }
        if self.reason is not None:
            data["reason"] = self.reason
        data["old"] = self.old.as_json(self.subject) if self.old else None
        data["new"] = self.new.as_json(self.subject) if self.new else None
        return data


@dataclass(frozen=True)
class PlanDiff:
    """Every host and event of either plan (unchanged ones too), then what changed in the days.
    `same_trip`: both plans are of one trip (its name and first day), so their calendar entries
    have the same UIDs."""

    changes: tuple[Change, ...]
    same_trip: bool = True

    def of(self, subject: Subject) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.subject == subject)

    def hosts_to_tell(self) -> dict[str, Told]:
        """Each host whose visit changed, by id, with what their letter says: `added` (a new
        invitation: the host had no visit in the old plan), `removed` (a cancellation: none in
        the new plan), `declined` (none in the new plan because the host declined: an
        acknowledgement), `confirmed` (the same times, newly confirmed: thanks), else `moved`
        (a new time). Ordered as the changes are."""
        told: dict[str, Told] = {}
        by_host: dict[str, list[Change]] = {}
        for change in self.of("host"):
            by_host.setdefault(change.id, []).append(change)
        for host_id, changes in by_host.items():
            if all(c.change == "unchanged" for c in changes):
                continue
            in_old = any(c.old is not None for c in changes)
            in_new = any(c.new is not None for c in changes)
            if in_old and in_new:
                kinds = {c.change for c in changes}
                told[host_id] = "confirmed" if kinds <= {"confirmed", "unchanged"} else "moved"
            elif in_new:
                told[host_id] = "added"
            elif any(c.reason == "declined" for c in changes):
                told[host_id] = "declined"
            else:
                told[host_id] = "removed"
        return told

    def unchanged_hosts(self) -> list[str]:
        """Ids of the hosts planned in both plans at the same times: no letter for them."""
        told = self.hosts_to_tell()
        return list(dict.fromkeys(c.id for c in self.of("host") if c.id not in told))

    def changed(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.change != "unchanged")

    def to_json(self) -> str:
        data = {"format": FORMAT, "changes": [c.as_json() for c in self.changes]}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _zone(plan: Plan) -> ZoneInfo:
    return ZoneInfo(plan.trip.timezone)


def _item_slots(plan: Plan, kind: type[VisitItem] | type[EventItem]) -> dict[str, list[Slot]]:
    """The slots of every visit (or event) by id, in time order."""
    zone = _zone(plan)
    found: dict[str, list[Slot]] = {}
    for track in plan.tracks:
        for item in track.items:
            if isinstance(item, kind):
                confirmed = isinstance(item, VisitItem) and bool(item.confirmed)
                slot = _named(plan, _slot(track, zone, item.start, item.end, confirmed=confirmed))
                found.setdefault(item.id, []).append(slot)
    return {key: sorted(slots, key=lambda s: (s.start, s.end)) for key, slots in found.items()}


def _slot(
    track: PlanTrack,
    zone: ZoneInfo,
    start: dt.datetime,
    end: dt.datetime,
    place: str | None = None,
    end_place: str | None = None,
    *,
    confirmed: bool = False,
) -> Slot:
    """A slot on `track`'s date and group, its times in the trip's time zone."""
    return Slot(
        start.astimezone(zone),
        end.astimezone(zone),
        track.date,
        track.group,
        place,
        end_place,
        confirmed,
    )


def _named(plan: Plan, slot: Slot) -> Slot:
    """`slot` with its group's name, when the plan has groups (a group's track)."""
    if not plan.split or slot.group == "all":
        return slot
    return replace(slot, group_name=plan.delegation.group(slot.group).name)


def _names(plan: Plan, kind: type[VisitItem] | type[EventItem]) -> dict[str, str]:
    names = {i.id: i.name for t in plan.tracks for i in t.items if isinstance(i, kind)}
    subject = "host" if kind is VisitItem else "event"
    for u in plan.unscheduled:
        if u.kind == subject:
            names.setdefault(u.id, u.name)
    return names


def _matched(
    subject: Subject,
    old: dict[str, list[Slot]],
    new: dict[str, list[Slot]],
    old_names: dict[str, str],
    new_names: dict[str, str],
    removed_why: dict[str, RemovedReason] | None = None,
) -> list[Change]:
    """Pair the slots of each id, a group's with the same group's first (with sub-groups a host
    may be visited once per group), then the rest in time order: a pair is moved (another time,
    or another group), newly confirmed (the same times, confirmed now and not before) or
    unchanged, a slot left over is added or removed (with `removed_why`'s reason for its id, if
    any)."""
    changes: list[Change] = []
    for key in dict.fromkeys([*old, *new]):
        name = new_names.get(key) or old_names.get(key) or key
        for a, b in _pairs(old.get(key, []), new.get(key, [])):
            reason = None
            if a is None:
                kind: ChangeKind = "added"
            elif b is None:
                kind = "removed"
                reason = (removed_why or {}).get(key)
            elif not a.same_time(b) or a.group != b.group:
                kind = "moved"
            else:
                kind = "confirmed" if b.confirmed and not a.confirmed else "unchanged"
            changes.append(Change(subject, key, name, kind, a, b, reason))
    return sorted(changes, key=_when)


def _pairs(before: list[Slot], after: list[Slot]) -> list[tuple[Slot | None, Slot | None]]:
    """The slots of one id in two plans, paired: the n-th of a group with the n-th of the same
    group, the rest in time order; a slot without a partner with None. Without groups (every
    slot "all") simply in time order."""
    pairs: list[tuple[Slot | None, Slot | None]] = []
    left_a: list[Slot] = []
    left_b: list[Slot] = []
    for group in dict.fromkeys(s.group for s in [*before, *after]):
        mine_a = [s for s in before if s.group == group]
        mine_b = [s for s in after if s.group == group]
        pairs += list(zip(mine_a, mine_b, strict=False))
        left_a += mine_a[len(mine_b) :]
        left_b += mine_b[len(mine_a) :]
    left_a.sort(key=lambda s: (s.start, s.end))
    left_b.sort(key=lambda s: (s.start, s.end))
    for n in range(max(len(left_a), len(left_b))):
        pairs.append(
            (left_a[n] if n < len(left_a) else None, left_b[n] if n < len(left_b) else None)
        )
    return pairs


def _when(change: Change) -> tuple[dt.datetime, str]:
    slot = change.new or change.old
    assert slot is not None
    return (slot.start, change.id)


def _track_id(track: PlanTrack) -> str:
    return track.date.isoformat() + ("" if track.group == "all" else f"/{track.group}")


def _day_slot(track: PlanTrack, zone: ZoneInfo) -> Slot | None:
    starts = [i for i in track.items if isinstance(i, StartItem)]
    ends = [i for i in track.items if isinstance(i, EndItem)]
    if not starts or not ends:
        return None
    first, last = starts[0], ends[-1]
    return _slot(track, zone, first.time, last.time, first.place, last.place)


def _lunch_slot(track: PlanTrack, zone: ZoneInfo) -> Slot | None:
    lunches = [i for i in track.items if isinstance(i, LunchItem)]
    if not lunches:
        return None
    lunch = lunches[0]
    return _slot(track, zone, lunch.start, lunch.end, lunch.place)


def _day_changes(old: Plan, new: Plan) -> list[Change]:
    """What changed in the shape of each day: the day itself (added, removed, its start or end
    moved, or it starts or ends elsewhere: another hotel) and its lunch. Unchanged days and
    lunches are not listed."""
    old_zone, new_zone = _zone(old), _zone(new)
    before = {_track_id(t): t for t in old.tracks}
    after = {_track_id(t): t for t in new.tracks}
    changes: list[Change] = []
    for key in sorted(dict.fromkeys([*before, *after])):
        a, b = before.get(key), after.get(key)
        name = key
        shapes: tuple[tuple[Subject, Callable[[PlanTrack, ZoneInfo], Slot | None]], ...] = (
            ("day", _day_slot),
            ("lunch", _lunch_slot),
        )
        for subject, shape in shapes:
            x = shape(a, old_zone) if a is not None else None
            y = shape(b, new_zone) if b is not None else None
            x, y = x and _named(old, x), y and _named(new, y)
            if x is None and y is None:
                continue
            if x is None:
                kind: ChangeKind = "added"
            elif y is None:
                kind = "removed"
            elif x == y:
                continue
            else:
                kind = "moved"
            changes.append(Change(subject, key, name, kind, x, y))
    return changes


def same_trip(old: Plan, new: Plan) -> bool:
    """Whether two plans are of one trip as calendars see it: the same name and first day (the
    UIDs of their entries are made of these and the entry's id)."""
    return (old.trip.name, old.trip.start) == (new.trip.name, new.trip.start)


def other_trip(old: Plan, new: Plan) -> str | None:
    """ "a plan of another trip ('A' from 2016-05-23, not 'B' from 2016-05-23)" when `old` is
    not of `new`'s trip (`same_trip`), said of `old`; None when it is."""
    if same_trip(old, new):
        return None
    return (
        f"a plan of another trip ({old.trip.name!r} from {old.trip.start}, not "
        f"{new.trip.name!r} from {new.trip.start})"
    )


def diff_plans(old: Plan, new: Plan) -> PlanDiff:
    """Every host and event of either plan with what happened to it, then every change in the
    shape of a day. Hosts and events in neither plan's programme are not listed."""
    hosts = _matched(
        "host",
        _item_slots(old, VisitItem),
        _item_slots(new, VisitItem),
        _names(old, VisitItem),
        _names(new, VisitItem),
        _removed_why(new),
    )
    events = _matched(
        "event",
        _item_slots(old, EventItem),
        _item_slots(new, EventItem),
        _names(old, EventItem),
        _names(new, EventItem),
    )
    return PlanDiff(tuple(hosts + events + _day_changes(old, new)), same_trip(old, new))


def _removed_why(new: Plan) -> dict[str, RemovedReason]:
    """The hosts the new plan leaves out because they declined (their cause code)."""
    return {
        u.id: "declined"
        for u in new.unscheduled
        if u.kind == "host" and u.cause is not None and u.cause.code == "declined"
    }


def sequences(plan: Plan) -> dict[str, int]:
    """The revision each host of the plan was last sent (0: the first letter only), from its
    visits and its `unscheduled` entry."""
    found: dict[str, int] = {}
    holders: Iterable[Any] = [*plan.visits(), *plan.unscheduled]
    for holder in holders:
        if isinstance(holder, VisitItem) or holder.kind == "host":
            found[holder.id] = max(found.get(holder.id, 0), holder.sequence or 0)
    return found


def told_sequences(old: Plan, new: Plan, diff: PlanDiff | None = None) -> dict[str, int]:
    """The SEQUENCE of each letter to a host that must be told (`PlanDiff.hosts_to_tell`): one
    more than the host was last sent in `old` for a new time, a cancellation (declined too), a
    confirmation, or an invitation after a cancellation; 0 for a host invited for the first
    time. Never lower than what `new` already holds (a plan carried from `old`)."""
    diff = diff or diff_plans(old, new)
    before, after = sequences(old), sequences(new)
    counts: dict[str, int] = {}
    for host_id, told in diff.hosts_to_tell().items():
        last = before.get(host_id, 0)
        raised = last + 1 if told != "added" or last > 0 else 0
        counts[host_id] = max(raised, after.get(host_id, 0))
    return counts


def carry_sequences(old: Plan, new: Plan) -> Plan:
    """`new` with each host's revision count carried from `old`: unchanged visits keep it,
    changed ones (moved, cancelled: on the host's `unscheduled` entry, invited again after a
    cancellation) get one more. Idempotent, and never lowers a count `new` already holds. A
    cancelled host that is not in `new` at all (taken out of the visit file) keeps none. A
    newly confirmed visit gets one more too: its entry is sent again, CONFIRMED."""
    diff = diff_plans(old, new)
    counts = {**sequences(old), **told_sequences(old, new, diff)}
    current = sequences(new)

    def count(host_id: str) -> int | None:
        value = max(counts.get(host_id, 0), current.get(host_id, 0))
        return value or None

    tracks = [
        track.model_copy(
            update={
                "items": [
                    item.model_copy(update={"sequence": count(item.id)})
                    if isinstance(item, VisitItem)
                    else item
                    for item in track.items
                ]
            }
        )
        for track in new.tracks
    ]
    unscheduled = [
        u.model_copy(update={"sequence": count(u.id)}) if u.kind == "host" else u
        for u in new.unscheduled
    ]
    # Through validation again, so that the format is the lowest with every key (1.3 when a
    # count is kept).
    data = new.model_copy(update={"tracks": tracks, "unscheduled": unscheduled})
    return Plan.model_validate(data.model_dump(by_alias=True))


__all__ = [
    "FORMAT",
    "Change",
    "ChangeKind",
    "PlanDiff",
    "RemovedReason",
    "Slot",
    "Told",
    "carry_sequences",
    "diff_plans",
    "other_trip",
    "same_trip",
    "sequences",
    "told_sequences",
]
