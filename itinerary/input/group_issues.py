"""The sub-groups of the visit file (`groups`, members' `group` / `interests`,
`trip.days[].together`, `hosts[].capacity` and `for`, `events[].groups`), refused where they
contradict themselves or the delegation, and noted where they are valid but probably not meant.

`group_issues(spec, where)` and `group_warnings(spec, where)` give (path, message) pairs like
`load.semantic_issues` and `load.semantic_warnings`, which call them. Which group a member is
in, which groups may visit a host and which attend an event is read by `groups.py` (the one
reading of these keys); this module only judges what it reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .groups import (
    ALL,
    fits,
    group_info,
    host_groups,
    place_members,
    together_dates,
    together_on,
    together_visit_allowed,
    visited_together,
)
from .relations import _did_you_mean
from .spec import Host, VisitSpec

Path_ = tuple[str | int, ...]
Where = Callable[[Path_], str]


def group_issues(spec: VisitSpec, where: Where) -> list[tuple[Path_, str]]:
    """Every refused use of the group keys, and members sharing an id. Without `groups`, the
    keys that name groups are refused (they would be silently ignored); with it, the groups
    themselves first (ids, sizes), and what refers to them only once they are sound."""
    members = member_id_issues(spec, where)
    if not spec.groups:
        return members + _without_groups(spec)
    out = members + _group_list_issues(spec, where)
    if out:
        return out
    out += _reference_issues(spec)
    if out:
        return out
    out += _member_issues(spec, where)
    out += _host_issues(spec, where)
    return out


def group_warnings(spec: VisitSpec, where: Where) -> list[tuple[Path_, str]]:
    """What is valid but probably not meant: groups holding more members than their size,
    groups that add up to fewer people than the delegation, members' interests without
    `groups`, an event's `groups` on a date the delegation travels together, a must-visit
    some of whose groups are too large for it."""
    if not spec.groups:
        return [
            (
                ("delegation", "members", i, "interests"),
                f"interests: member '{m.id}' has interests, but the file has no `groups` to "
                "place them in; they are ignored",
            )
            for i, m in enumerate(spec.delegation.members)
            if m.interests is not None
        ]
    out: list[tuple[Path_, str]] = []
    placement = place_members(spec)
    for i, g in enumerate(spec.groups):
        extra = placement.over.get(g.id)
        if extra:
            held = g.size + extra
            out.append(
                (
                    ("groups", i, "size"),
                    f"group '{g.id}' holds {held} members but has size {g.size}: raise its "
                    f"size, or move {_people(extra)} to another group",
                )
            )
    total = sum(g.size for g in spec.groups)
    if total < spec.delegation.size:
        missing = spec.delegation.size - total
        out.append(
            (
                ("groups",),
                f"the groups add up to {_people(total)}; {_delegation(spec, where)}, so "
                f"{_people(missing)} {'is' if missing == 1 else 'are'} in no group",
            )
        )
    for j, event in enumerate(spec.events):
        date = event.start.date()
        if event.groups is not None and together_on(spec, date):
            out.append(
                (
                    ("events", j, "groups"),
                    f"event '{event.id}' is on {date}, when the delegation travels together "
                    f"({where(('trip', 'days', date.isoformat(), 'together'))}): the whole "
                    "delegation attends it, whatever `groups` says",
                )
            )
    for i, host in enumerate(spec.hosts):
        if not host.must or host.capacity is None:
            continue
        named = host_groups(spec, host)
        too_large = [g for g in named if not fits(spec, host, g)]
        if too_large and len(too_large) < len(named) and not visited_together(spec, host):
            shown = ", ".join(f"'{g}' ({_people(group_info(spec, g).size)})" for g in too_large)
            out.append(
                (
                    ("hosts", i, "capacity"),
                    f"must-visit '{host.id}' holds {host.capacity} visitors: "
                    f"{_groups_word(too_large)} {shown} cannot visit it, so the plan will be "
                    f"partial; leave {'that group' if len(too_large) == 1 else 'those groups'} "
                    "out of its `for`, or ask for two tours",
                )
            )
    return out


# --- without groups ------------------------------------------------------------------------------


def _without_groups(spec: VisitSpec) -> list[tuple[Path_, str]]:
    """The keys that name groups, in a file without `groups`."""
    out: list[tuple[Path_, str]] = []
    hint = "add `groups:` (the parts of the delegation that tour on their own) or remove it"

    def lacking(path: Path_, what: str) -> None:
        out.append((path, f"{what}, but the file has no `groups`; {hint}"))

    for date, override in spec.trip.days.items():
        if override.together:
            out.append(
                (
                    ("trip", "days", date.isoformat(), "together"),
                    f"together: the file has no `groups`, so the delegation always travels "
                    f"together; {hint}",
                )
            )
    for i, m in enumerate(spec.delegation.members):
        if m.group is not None:
            lacking(
                ("delegation", "members", i, "group"),
                f"group: member '{m.id}' names group '{m.group}'",
            )
    for i, host in enumerate(spec.hosts):
        if host.for_ is not None:
            lacking(
                ("hosts", i, "for"), f"for: host '{host.id}' names the groups that may visit it"
            )
        out += _capacity_issues(spec, host, i)
    for j, event in enumerate(spec.events):
        if event.groups is not None:
            lacking(
                ("events", j, "groups"),
                f"groups: event '{event.id}' names the groups that attend it",
            )
    return out


# --- the groups themselves -----------------------------------------------------------------------


def _group_list_issues(spec: VisitSpec, where: Where) -> list[tuple[Path_, str]]:
    """Ids: unique (in more than case), not the reserved `all`; sizes: each within the
    delegation, and all together too."""
    out: list[tuple[Path_, str]] = []
    seen: dict[str, tuple[str, int]] = {}
    for i, g in enumerate(spec.groups):
        path: Path_ = ("groups", i, "id")
        if g.id.lower() == ALL:
            out.append(
                (
                    path,
                    f"id '{g.id}' is reserved for the whole delegation (the group of a together "
                    "date); give the group another id",
                )
            )
            continue
        first = seen.get(g.id.lower())
        if first is None:
            seen[g.id.lower()] = (g.id, i)
        elif first[0] == g.id:
            out.append(
                (path, f"duplicate group id '{g.id}' (first used at {where(('groups', first[1]))})")
            )
        else:
            out.append(
                (
                    path,
                    f"group id '{g.id}' differs only in case from '{first[0]}' "
                    f"({where(('groups', first[1]))}); ids must differ in more than case",
                )
            )
    size = spec.delegation.size
    larger = False
    for i, g in enumerate(spec.groups):
        if g.size > size:
            larger = True
            out.append(
                (
                    ("groups", i, "size"),
                    f"group '{g.id}' has {_people(g.size)}; {_delegation(spec, where)}",
                )
            )
    total = sum(g.size for g in spec.groups)
    if total > size and not larger:
        out.append(
            (
                ("groups",),
                f"the groups add up to {_people(total)}; {_delegation(spec, where)}: make the "
                "groups smaller or the delegation larger",
            )
        )
    return out


def _reference_issues(spec: VisitSpec) -> list[tuple[Path_, str]]:
    """Group ids named by members, hosts' `for` and events' `groups`: known, each once, and
    `for` / `groups` not empty."""
    known = [g.id for g in spec.groups]
    out: list[tuple[Path_, str]] = []

    def unknown(key: str, ident: str) -> str:
        return f"{key}: unknown group '{ident}'{_did_you_mean(ident, known)}"

    for i, m in enumerate(spec.delegation.members):
        if m.group is not None and m.group not in known:
            out.append((("delegation", "members", i, "group"), unknown("group", m.group)))
    lists: list[tuple[Path_, str, Sequence[str] | None, str]] = [
        (
            ("hosts", i, "for"),
            "for",
            h.for_,
            "give at least one group id (omit `for` to let the host's topics decide)",
        )
        for i, h in enumerate(spec.hosts)
    ]
    lists += [
        (
            ("events", j, "groups"),
            "groups",
            e.groups,
            "give at least one group id (omit `groups` for everyone)",
        )
        for j, e in enumerate(spec.events)
    ]
    for path, key, ids, empty in lists:
        if ids is None:
            continue
        if not ids:
            out.append((path, f"{key}: an empty list; {empty}"))
            continue
        seen: set[str] = set()
        for k, ident in enumerate(ids):
            if ident in seen:
                out.append((path + (k,), f"{key}: '{ident}' is named twice"))
            elif ident not in known:
                out.append((path + (k,), unknown(key, ident)))
            seen.add(ident)
    return out


# --- members -------------------------------------------------------------------------------------


def member_id_issues(spec: VisitSpec, where: Where) -> list[tuple[Path_, str]]:
    """Every member id names one person: it keys their group, their meeting requests and the
    file of their programme (`export --format members`: `ID.html`), so two members with one id,
    or with ids that differ only in case (one file name on Windows and macOS), are refused."""
    out: list[tuple[Path_, str]] = []
    seen: dict[str, tuple[str, int]] = {}
    for i, m in enumerate(spec.delegation.members):
        first = seen.setdefault(m.id.lower(), (m.id, i))
        if first[1] == i:
            continue
        path: Path_ = ("delegation", "members", i, "id")
        at = where(("delegation", "members", first[1]))
        if first[0] == m.id:
            out.append((path, f"duplicate member id '{m.id}' (first used at {at})"))
        else:
            out.append(
                (
                    path,
                    f"member id '{m.id}' differs only in case from '{first[0]}' ({at}); ids "
                    "must differ in more than case",
                )
            )
    return out


def _member_issues(spec: VisitSpec, where: Where) -> list[tuple[Path_, str]]:
    """Each member in a group: by `group`, or placed by `interests` in a group with room."""
    placement = place_members(spec)
    unplaced = set(placement.unplaced)
    ids = ", ".join(g.id for g in spec.groups)
    out: list[tuple[Path_, str]] = []
    for i, m in enumerate(spec.delegation.members):
        if m.id not in unplaced:
            continue
        if m.interests is None:
            out.append(
                (
                    ("delegation", "members", i),
                    f"member '{m.id}' is in no group: give `group:` (one of {ids}) or "
                    "`interests:` to place them by",
                )
            )
            continue
        sizes = " + ".join(str(g.size) for g in spec.groups)
        total = sum(g.size for g in spec.groups)
        out.append(
            (
                ("delegation", "members", i, "interests"),
                f"member '{m.id}' is in no group: every group is full ({sizes} = {total} places, "
                f"{where(('groups',))}); raise a group's size, or give the member a `group:`",
            )
        )
    return out


# --- hosts ---------------------------------------------------------------------------------------


def _host_issues(spec: VisitSpec, where: Where) -> list[tuple[Path_, str]]:
    out: list[tuple[Path_, str]] = []
    for i, host in enumerate(spec.hosts):
        out += _capacity_issues(spec, host, i)
        if host.confirmed is not None:
            out += _confirmed_issues(spec, host, i, where)
    return out


def _capacity_issues(spec: VisitSpec, host: Host, i: int) -> list[tuple[Path_, str]]:
    """A must-visit that no group may visit: every group it is for is larger than its
    capacity, and the whole delegation cannot visit it on a together date either. Without
    groups, a confirmed host too (with groups, `_confirmed_issues` says it of the one group)."""
    confirmed = host.confirmed is not None and not spec.groups
    if not (host.must or confirmed) or host.capacity is None:
        return []
    named = host_groups(spec, host)
    if any(fits(spec, host, g) for g in named if g != ALL) or visited_together(spec, host):
        return []
    if named == [ALL]:
        who = f"the delegation has {spec.delegation.size}"
    elif len(named) == 1:
        who = f"the group it is for, '{named[0]}', has {group_info(spec, named[0]).size}"
    else:
        sizes = [f"{group_info(spec, g).size} ('{g}')" for g in named]
        who = f"the groups it is for have {', '.join(sizes[:-1])} and {sizes[-1]}"
    what = "must-visit" if host.must else "confirmed host"
    return [
        (
            ("hosts", i, "capacity"),
            f"{what} '{host.id}' holds {host.capacity} visitors; {who} — no group can "
            "visit it: split the delegation or ask for two tours",
        )
    ]


def _confirmed_issues(spec: VisitSpec, host: Host, i: int, where: Where) -> list[tuple[Path_, str]]:
    """A confirmed visit belongs to one group: on a split date the host names exactly one
    group (`for`), and that group fits; on a together date the whole delegation visits it."""
    assert host.confirmed is not None
    date = host.confirmed.date()
    if date not in spec.trip_dates():
        return []  # load.confirmed_issues says so
    path: Path_ = ("hosts", i, "confirmed")
    named = host_groups(spec, host)
    if together_on(spec, date):
        if together_visit_allowed(spec, host):
            return []
        if len(named) < len(spec.groups):
            why = f"it is only for {', '.join(named)} ({where(_for_path(host, i))})"
        else:
            why = f"it holds {host.capacity} visitors ({where(('hosts', i, 'capacity'))})"
        return [
            (
                path,
                f"host '{host.id}' is confirmed for {host.confirmed:%Y-%m-%d %H:%M}, when the "
                f"delegation of {spec.delegation.size} travels together "
                f"({where(('trip', 'days', date.isoformat(), 'together'))}), but {why}",
            )
        ]
    if len(named) != 1:
        example = named[0] if named else spec.groups[0].id
        return [
            (
                path,
                f"on {date} the groups split: say which group the host confirmed, e.g. "
                f"`for: [{example}]`",
            )
        ]
    if not fits(spec, host, named[0]):
        size = group_info(spec, named[0]).size
        return [
            (
                path,
                f"host '{host.id}' is confirmed for group '{named[0]}' ({_people(size)}), but "
                f"it holds {host.capacity} visitors ({where(('hosts', i, 'capacity'))})",
            )
        ]
    return []


# --- words ---------------------------------------------------------------------------------------


def _people(n: int) -> str:
    return f"{n} {'person' if n == 1 else 'people'}"


def _groups_word(groups: Sequence[str]) -> str:
    return "group" if len(groups) == 1 else "groups"


_SIZE: Path_ = ("delegation", "size")


def _delegation(spec: VisitSpec, where: Where) -> str:
    """'the delegation has 20 (line 9)', saying so when `delegation.size` is not given."""
    size = spec.delegation.size
    if "size" not in spec.delegation.model_fields_set:
        return f"the delegation has {size} (delegation.size is not given, {where(_SIZE)})"
    return f"the delegation has {size} ({where(_SIZE)})"


def _for_path(host: Host, i: int) -> Path_:
    return ("hosts", i, "for") if host.for_ is not None else ("hosts", i, "topics")


# --- what `validate` says of the groups ----------------------------------------------------------


def group_summary(spec: VisitSpec) -> list[str]:
    """A few lines on the groups for `itinerary validate`: how many, the dates they travel
    together, and each group's id, name, size and the members placed in it (none without
    `groups`)."""
    if not spec.groups:
        return []
    dates = together_dates(spec)
    together = (
        "together on " + ", ".join(d.isoformat() for d in dates) if dates else "split on every date"
    )
    total = sum(g.size for g in spec.groups)
    lines = [f"{len(spec.groups)} groups of {_people(total)}; {together}"]
    placement = place_members(spec)
    counts = {g.id: 0 for g in spec.groups}
    for group in placement.group_of.values():
        counts[group] = counts.get(group, 0) + 1
    id_width = max(len(g.id) for g in spec.groups)
    name_width = max(len(g.name) for g in spec.groups)
    size_width = max(len(str(g.size)) for g in spec.groups)
    for g in spec.groups:
        line = f"  {g.id:<{id_width}}  {g.name:<{name_width}}  {g.size:>{size_width}} people"
        if spec.delegation.members:
            placed = counts[g.id]
            line += f", {placed} {'member' if placed == 1 else 'members'} placed"
        lines.append(line)
    return lines
