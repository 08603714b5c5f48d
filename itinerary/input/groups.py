"""Sub-groups of the delegation (`groups`): who is in which group, on which dates the groups
split, which groups may visit a host and attend an event. The one reading of `groups`,
`trip.days[].together`, `hosts[].for`, `hosts[].capacity`, `events[].groups` and the members'
`group` / `interests`, used by `load` (its located errors and warnings), `compile` (tracks and
node copies), `assemble` (the plan's groups and members) and the plan checker.

Without `groups` the delegation is one group, `ALL`, of the delegation's size, on every date:
everything below then answers as the trip always did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from .spec import Choice, Event, Host, Member, VisitSpec

# The group of a together date, and the one group of a delegation without `groups`.
ALL = "all"


@dataclass(frozen=True)
class GroupInfo:
    """A group as the planner uses it: `ALL` is the whole delegation."""

    id: str
    name: str
    size: int


def is_split(spec: VisitSpec) -> bool:
    """Whether the delegation has groups at all."""
    return bool(spec.groups)


def together_on(spec: VisitSpec, date: dt.date) -> bool:
    """Whether on `date` the delegation travels as one group (always, without `groups`)."""
    if not spec.groups:
        return True
    override = spec.trip.days.get(date)
    return bool(override and override.together)


def groups_on(spec: VisitSpec, date: dt.date) -> list[GroupInfo]:
    """The groups that tour on `date`, in the order of `groups` (one, `ALL`, on a together
    date)."""
    if together_on(spec, date):
        return [GroupInfo(ALL, spec.delegation.name, spec.delegation.size)]
    return [GroupInfo(g.id, g.name, g.size) for g in spec.groups]


def group_info(spec: VisitSpec, group: str) -> GroupInfo:
    """The group `group` (`ALL`: the whole delegation)."""
    for g in spec.groups:
        if g.id == group:
            return GroupInfo(g.id, g.name, g.size)
    return GroupInfo(ALL, spec.delegation.name, spec.delegation.size)


def _meets(interests: Sequence[str], topics: Sequence[str]) -> bool:
    wanted = {t.casefold() for t in topics}
    return any(i.casefold() in wanted for i in interests)


def host_groups(spec: VisitSpec, host: Host) -> list[str]:
    """The groups that may visit `host` (its `for`; by default the groups whose interests meet
    its topics, a group without interests meeting every host; all groups when none does or the
    host has no topics), in the order of `groups`; [`ALL`] without groups."""
    if not spec.groups:
        return [ALL]
    if host.for_ is not None:
        named = set(host.for_)
        return [g.id for g in spec.groups if g.id in named]
    if host.topics:
        meeting = [g.id for g in spec.groups if not g.interests or _meets(g.interests, host.topics)]
        if meeting:
            return meeting
    return [g.id for g in spec.groups]


def together_visit_allowed(spec: VisitSpec, host: Host) -> bool:
    """Whether the whole delegation may visit `host` on a together date: every group may visit
    it, and the whole delegation fits its capacity (always, without groups, but for the
    capacity)."""
    if spec.groups and len(host_groups(spec, host)) < len(spec.groups):
        return False
    return host.capacity is None or spec.delegation.size <= host.capacity


def together_dates(spec: VisitSpec) -> list[dt.date]:
    """The trip's dates on which the delegation travels as one (every date, without groups)."""
    return [d for d in spec.trip_dates() if together_on(spec, d)]


def visited_together(spec: VisitSpec, host: Host) -> bool:
    """Whether the whole delegation can visit `host` on one of the trip's together dates:
    there is one, and `together_visit_allowed`."""
    return bool(together_dates(spec)) and together_visit_allowed(spec, host)


def fits(spec: VisitSpec, host: Host, group: str) -> bool:
    """Whether group `group` (`ALL`: the whole delegation) fits the host's capacity."""
    return host.capacity is None or group_info(spec, group).size <= host.capacity


def event_groups(spec: VisitSpec, event: Event) -> list[str]:
    """The groups that attend `event` on its date: [`ALL`] on a together date (the whole
    delegation, whatever `groups` says) and without groups; else its `groups` (default every
    group), in the order of `groups`."""
    if together_on(spec, event.start.date()):
        return [ALL]
    if event.groups is None:
        return [g.id for g in spec.groups]
    named = set(event.groups)
    return [g.id for g in spec.groups if g.id in named]


@dataclass(frozen=True)
class Placement:
    """The members by group: `group_of[member id]` (members in no group are absent), and the
    members each group holds beyond its size (`over`: group id → count)."""

    group_of: dict[str, str]
    unplaced: tuple[str, ...]
    over: dict[str, int]


def place_members(spec: VisitSpec) -> Placement:
    """Each member in a group: its `group`, else (with `interests`) the group whose interests
    it shares most (none shared: the first), ties by the order of `groups`, among the groups with
    room left after the members placed by name; a member with neither, or with no group left
    with room, or naming an unknown group, is in no group (`unplaced`). Without groups every
    member is in `ALL`."""
    members: Sequence[Member] = spec.delegation.members
    if not spec.groups:
        return Placement({m.id: ALL for m in members}, (), {})
    known = {g.id for g in spec.groups}
    group_of: dict[str, str] = {}
    count = {g.id: 0 for g in spec.groups}
    for m in members:
        if m.group is not None and m.group in known:
            group_of[m.id] = m.group
            count[m.group] += 1
    unplaced: list[str] = []
    for m in members:
        if m.id in group_of or m.group is not None:
            if m.group is not None and m.group not in known:
                unplaced.append(m.id)
            continue
        if m.interests is None:
            unplaced.append(m.id)
            continue
        mine = {i.casefold() for i in m.interests}
        best: tuple[int, str] | None = None
        for g in spec.groups:
            if count[g.id] >= g.size:
                continue
            shared = len(mine & {i.casefold() for i in g.interests})
            if best is None or shared > best[0]:
                best = (shared, g.id)
        if best is None:
            unplaced.append(m.id)
            continue
        group_of[m.id] = best[1]
        count[best[1]] += 1
    over = {g.id: count[g.id] - g.size for g in spec.groups if count[g.id] > g.size}
    return Placement(group_of, tuple(unplaced), over)


def visiting_groups(spec: VisitSpec, host: Host) -> list[str]:
    """The groups of `host_groups` that fit its capacity: those the plan may send (a group
    larger than the capacity is left out with its reason). Without groups: [`ALL`] when the
    delegation fits, else none."""
    return [g for g in host_groups(spec, host) if fits(spec, host, g)]


def host_max_score(spec: VisitSpec, host: Host) -> int:
    """What `host` would add to a plan's score: its priority once per group it is for (a visit
    of the whole delegation on a together date counts for every group; a group too large for
    its capacity counts too, as a closed host does: the plan lacks it); nothing for a
    must-visit (required, not scored) or a declined host."""
    if host.must or host.declined:
        return 0
    return int(host.priority) * len(host_groups(spec, host))


def unmet_by(spec: VisitSpec, choice: Choice, visited: Collection[tuple[str, str]]) -> list[str]:
    """The groups a `must` choice goes unmet for, in the order of `groups`: those some of its
    hosts are for (`host_groups`; a group none of them is for has no choice to make; without
    groups the one group, `ALL`) that visit none of them. `visited`: (host id, group) pairs, a
    visit of the whole delegation on a together date, (host, `ALL`), counting for every group.
    None for a choice that is not a must. The plan (assemble, re-timing) and the checker read
    a plan's unmet choices with this."""
    if not choice.must:
        return []
    hosts = {h.id: h for h in spec.hosts}
    options = [hosts[h] for h in choice.one_of if h in hosts]
    return [
        g
        for g in [g.id for g in spec.groups] or [ALL]
        if any(g in host_groups(spec, h) for h in options)
        and not any((h.id, g) in visited or (h.id, ALL) in visited for h in options)
    ]
