"""The rules between hosts, `after` and `choices`, read from the visit file and refused when
they contradict themselves: unknown or repeated ids, a host after itself, a cycle of `after`,
and choices that no selection of hosts can meet.

`relation_issues(spec, where)` gives (path, message) pairs like `load.semantic_issues`, which
calls it. The static rule for choices ignores time on purpose: it asks only whether *some* set
of visited hosts agrees with every rule at once —

- every must-visit is visited;
- a visited host's `after` hosts are visited too (events are always attended);
- each `one_of` has at most one visited host, each `must` one exactly one —

and refuses the file when none does. Whether the visits then fit into the days is the
planner's question, answered by a plan and its reasons, not by an input error. The search is
exhaustive over the hosts named in must choices (one host of each, with what it needs), which
are few; past `SEARCH_LIMIT` steps it gives up and accepts the file: a file is
refused only on proof.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .spec import VisitSpec

Path_ = tuple[str | int, ...]
SEARCH_LIMIT = 10_000


@dataclass(frozen=True)
class Rules:
    """The valid part of the rules: `needs[h]` = the hosts `h` comes after (events left out,
    as they are always attended), `choices` = the host sets in file order, `must` = whether
    each choice is a must, `musts` = the must-visits in file order."""

    needs: dict[str, tuple[str, ...]]
    choices: tuple[tuple[str, ...], ...]
    must: tuple[bool, ...]
    musts: tuple[str, ...]


def relation_issues(spec: VisitSpec, where: Callable[[Path_], str]) -> list[tuple[Path_, str]]:
    """Every refused `after` and `choices` entry; the choices are weighed together only when
    each entry on its own is sound (an unknown id would make their verdict meaningless)."""
    out = _reference_issues(spec)
    if not out:
        out += _cycle_issues(spec)
    if not out:
        out += _choice_issues(spec, where)
    return out


# --- each entry on its own ---------------------------------------------------------------------


def _reference_issues(spec: VisitSpec) -> list[tuple[Path_, str]]:
    host_ids = [h.id for h in spec.hosts]
    event_ids = [e.id for e in spec.events]
    hosts, events = set(host_ids), set(event_ids)
    out: list[tuple[Path_, str]] = []
    for i, host in enumerate(spec.hosts):
        seen: set[str] = set()
        for k, ident in enumerate(host.after or ()):
            path: Path_ = ("hosts", i, "after", k)
            if ident == host.id:
                out.append(
                    (path, f"after: '{ident}' is this host itself; a host cannot come after itself")
                )
            elif ident in seen:
                out.append((path, f"after: '{ident}' is named twice"))
            elif ident not in hosts and ident not in events:
                what = "unknown host or event"
                out.append(
                    (path, f"after: {what} '{ident}'{_did_you_mean(ident, host_ids + event_ids)}")
                )
            seen.add(ident)
    for c, choice in enumerate(spec.choices):
        seen = set()
        for k, ident in enumerate(choice.one_of):
            path = ("choices", c, "one_of", k)
            if ident in seen:
                out.append((path, f"one_of: '{ident}' is named twice in this choice"))
            elif ident in events:
                out.append(
                    (
                        path,
                        f"one_of: '{ident}' is an event, which is always attended; "
                        "a choice is between hosts",
                    )
                )
            elif ident not in hosts:
                out.append(
                    (path, f"one_of: unknown host '{ident}'{_did_you_mean(ident, host_ids)}")
                )
            seen.add(ident)
    return out


def _did_you_mean(ident: str, known: Sequence[str]) -> str:
    near = difflib.get_close_matches(ident, known, n=1, cutoff=0.6)
    if not near:
        lowered = {k.lower(): k for k in known}
        near = [lowered[n] for n in difflib.get_close_matches(ident.lower(), list(lowered), 1, 0.6)]
    return f" — did you mean '{near[0]}'?" if near else ""


def _cycle_issues(spec: VisitSpec) -> list[tuple[Path_, str]]:
    """Each cycle of `after` once, at the entry that closes it (depth first, hosts in file
    order): 'smartfactory → its-owl → smartfactory', each host only after the next."""
    index = {h.id: i for i, h in enumerate(spec.hosts)}
    state: dict[str, int] = {}  # 1 on the path, 2 done
    out: list[tuple[Path_, str]] = []

    def visit(start: str) -> None:
        # An explicit stack (a chain of 500 hosts would pass Python's recursion limit):
        # (host, position in its `after` list).
        path: list[str] = [start]
        stack: list[tuple[str, int]] = [(start, 0)]
        state[start] = 1
        while stack:
            ident, k = stack[-1]
            after = spec.hosts[index[ident]].after or []
            if k == len(after):
                stack.pop()
                path.pop()
                state[ident] = 2
                continue
            stack[-1] = (ident, k + 1)
            nxt = after[k]
            if nxt not in index:
                continue  # an event: it comes after nothing
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt) :] + [nxt]
                out.append(
                    (
                        ("hosts", index[ident], "after", k),
                        f"after: a cycle, {' → '.join(cycle)} (each only after the next), so "
                        "none of them can be visited first",
                    )
                )
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, 0))

    for host in spec.hosts:
        if host.id not in state:
            visit(host.id)
    return out


# --- the choices taken together ------------------------------------------------------------------


def rules_of(spec: VisitSpec) -> Rules:
    hosts = {h.id for h in spec.hosts}
    return Rules(
        needs={h.id: tuple(a for a in h.after or () if a in hosts) for h in spec.hosts},
        choices=tuple(tuple(c.one_of) for c in spec.choices),
        must=tuple(c.must for c in spec.choices),
        musts=tuple(h.id for h in spec.hosts if h.must),
    )


def _with_needs(rules: Rules, start: Iterable[str]) -> set[str]:
    """`start` and every host it needs, through chains of `after`."""
    found: set[str] = set()
    todo = list(start)
    while todo:
        ident = todo.pop()
        if ident not in found:
            found.add(ident)
            todo.extend(rules.needs[ident])
    return found


def _two_in_a_choice(rules: Rules, visited: set[str]) -> tuple[int, str, str] | None:
    """The first choice (file order) with two visited hosts, and those two."""
    for d, members in enumerate(rules.choices):
        inside = [m for m in members if m in visited]
        if len(inside) >= 2:
            return d, inside[0], inside[1]
    return None


def satisfiable(rules: Rules, required: Sequence[int], limit: int | None = None) -> bool | None:
    """Whether some set of visited hosts meets every rule, the choices `required` (indices)
    needing one host each; None when the search passed `limit` steps (default SEARCH_LIMIT)
    without an answer.

    Depth first over the required choices, starting from the must-visits and what they need:
    a choice already met by what is visited is passed; else each of its hosts is tried with
    what it needs. The visited set only grows, so a set with two hosts in one choice is a dead
    end. Complete: any valid set contains the one this search builds from its hosts in those
    choices. Each step adds or removes a few hosts and counts them per choice, so 10,000 steps
    take well under a second."""
    choices_of: dict[str, list[int]] = {}
    for c, members in enumerate(rules.choices):
        for m in members:
            choices_of.setdefault(m, []).append(c)
    counts = [0] * len(rules.choices)
    visited: set[str] = set()

    def add(hosts: Iterable[str]) -> list[str] | None:
        """Visit `hosts` (those not visited yet); None, and nothing changed, when that puts
        two hosts into one choice."""
        added = [h for h in hosts if h not in visited]
        clash = False
        for h in added:
            visited.add(h)
            for c in choices_of.get(h, ()):
                counts[c] += 1
                clash = clash or counts[c] > 1
        if clash:
            remove(added)
            return None
        return added

    def remove(hosts: list[str]) -> None:
        for h in hosts:
            visited.discard(h)
            for c in choices_of.get(h, ()):
                counts[c] -= 1

    if add(_with_needs(rules, rules.musts)) is None:
        return False
    limit = SEARCH_LIMIT if limit is None else limit
    needs = {m: _with_needs(rules, [m]) for c in required for m in rules.choices[c]}
    frames: list[tuple[int, int, list[str]]] = []  # (depth, next host to try, hosts added)
    depth, position, steps = 0, 0, 0
    while True:
        steps += 1
        if steps > limit:
            return None
        if depth == len(required):
            return True
        members = rules.choices[required[depth]]
        if position == 0 and any(m in visited for m in members):
            frames.append((depth, len(members), []))  # met already: no other way to try
            depth, position = depth + 1, 0
            continue
        while position < len(members):
            added = add(needs[members[position]])
            position += 1
            if added is not None:
                frames.append((depth, position, added))
                depth, position = depth + 1, 0
                break
        else:
            if not frames:
                return False
            depth, position, added = frames.pop()
            remove(added)


def _choice_issues(spec: VisitSpec, where: Callable[[Path_], str]) -> list[tuple[Path_, str]]:
    if not spec.choices:
        return []
    rules = rules_of(spec)
    musts = set(rules.musts)
    why_forced: dict[str, str] = {}
    for must in rules.musts:
        why_forced.setdefault(must, "a must-visit")
        for needed in sorted(_with_needs(rules, [must]) - {must}, key=_order(spec)):
            why_forced.setdefault(needed, f"before must-visit '{must}'")
    forced = set(why_forced)

    def one_of(c: int) -> Path_:
        return ("choices", c, "one_of")

    # A: two hosts of one choice that must both be visited.
    out: list[tuple[Path_, str]] = []
    for c, members in enumerate(rules.choices):
        inside = [m for m in members if m in forced]
        if len(inside) >= 2:
            u, v = inside[:2]
            out.append(
                (
                    one_of(c),
                    f"one_of: '{u}' ({why_forced[u]}) and '{v}' ({why_forced[v]}) must both be "
                    "visited, but a choice allows at most one of them",
                )
            )
    if out:
        return out

    # B: a must choice none of whose hosts can be visited.
    musts_chosen = [c for c, must in enumerate(rules.must) if must]
    for c in musts_chosen:
        if satisfiable(rules, [c]) is not False:
            continue
        reasons = []
        for m in rules.choices[c]:
            visited = forced | _with_needs(rules, [m])
            clash = _two_in_a_choice(rules, visited)
            assert clash is not None  # else this choice could be met with m
            d, u, v = clash

            def because(x: str, m: str = m) -> str:
                if x == m:
                    return f"'{x}'"
                if x in musts or x in forced:
                    return f"'{x}' ({why_forced[x]})"
                return f"'{x}' (which '{m}' comes after)"

            which = "this choice" if d == c else f"the choice at {where(one_of(d))}"
            reasons.append(
                f"'{m}' would mean visiting {because(u)} and {because(v)}, two of {which}"
            )
        out.append(
            (
                one_of(c),
                "one_of: none of this must choice can be visited: " + "; ".join(reasons),
            )
        )
    if out:
        return out

    # C: must choices that cannot all be met, though each can alone: a set of them none of
    # which can be left out (so every smaller part can be met), found by leaving out, one by
    # one in file order, each choice without which the rest still cannot be met.
    if satisfiable(rules, musts_chosen) is not False:
        return out
    core = list(musts_chosen)
    for c in musts_chosen:
        rest = [d for d in core if d != c]
        if satisfiable(rules, rest) is False:
            core = rest
    others = [where(one_of(c)) for c in core[:-1]]
    if len(others) == 1:
        what = f"this must choice and the one at {others[0]} cannot both be met"
    else:
        if all(o.startswith("line ") for o in others):  # "lines 24, 25", not "line 24, line 25"
            others = ["lines " + others[0].removeprefix("line ")] + [
                o.removeprefix("line ") for o in others[1:]
            ]
        what = f"the must choices at {', '.join(others)} and this one cannot all be met"
    out.append(
        (
            one_of(core[-1]),
            f"one_of: {what}: whichever hosts are chosen, with the hosts they come after and "
            "the must-visits, two hosts of one choice would be visited",
        )
    )
    return out


def _order(spec: VisitSpec) -> Callable[[str], int]:
    index = {h.id: i for i, h in enumerate(spec.hosts)}
    return lambda ident: index[ident]
