"""The sub-groups' keys in the visit file (issue 20): each bad value is one located line
(`file:line: message`, exit 2 through `validate` and `plan`), the warnings `validate` prints,
its summary of the groups, the placement of members by interests, and the schema."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_properties import (
    LOAD_SETTINGS,
    F,
    dump,
    is_time_of_day,
    load_or_input_error,
    random_values,
    scalars,
    trips,
)
from typer.testing import CliRunner

from itinerary.cli import app
from itinerary.errors import InputError
from itinerary.input.groups import place_members
from itinerary.input.load import load_spec_text
from itinerary.model.compile import compile_spec

runner = CliRunner()

# Two days: Monday 6 June together, Tuesday 7 June split in two groups. The lines the tests
# expect are those of this text (line 1 is `trip:`).
TRIP = """\
trip:
  name: Groups
  start: 2016-06-06
  end: 2016-06-07
  timezone: Europe/Berlin
  days:
    2016-06-06: {together: true}
  lunch: {from: "12:00", to: "14:00", minutes: 60}
delegation:
  name: Plastipolis
  size: 20
  members:
    - {id: cdupont, name: Claire Dupont, group: plastics}
    - {id: jmartin, name: Jean Martin, interests: [automation]}
    - {id: lbernard, name: Lucie Bernard, interests: [plastics, automation]}
groups:
  - {id: automation, name: Automation & Industry 4.0, size: 12, interests: [automation]}
  - {id: plastics, name: Plastics processing, size: 8, interests: [plastics]}
stays:
  - {id: hotel, name: Hotel, location: [51.7155, 8.7630], from: 2016-06-06, to: 2016-06-07}
hosts:
  - {id: ktp, name: KTP, location: [51.7310, 8.7360], duration: 90, capacity: 12,
     topics: [plastics], for: [plastics]}
  - {id: phoenix, name: Phoenix Contact, location: [51.9437, 9.0935], duration: 120,
     topics: [automation]}
events:
  - {id: networking, name: Networking evening, location: [51.7183, 8.7543],
     start: "2016-06-07 17:00", end: "2016-06-07 18:00", groups: [automation, plastics]}
"""


def _edit(old: str, new: str, text: str = TRIP) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _errors(text: str) -> list[str]:
    with pytest.raises(InputError) as info:
        load_spec_text(text, "visit.yaml")
    return str(info.value).splitlines()


def _warnings(text: str) -> list[str]:
    return [str(w) for w in load_spec_text(text, "visit.yaml").warnings]


def test_the_trip_is_valid_without_warnings() -> None:
    loaded = load_spec_text(TRIP, "visit.yaml")
    assert loaded.warnings == ()
    assert [g.id for g in loaded.spec.groups] == ["automation", "plastics"]


# --- each bad value: one located line ------------------------------------------------------------

BAD: dict[str, tuple[str, str, list[str]]] = {
    "duplicate group id": (
        "{id: plastics, name: Plastics processing",
        "{id: automation, name: Plastics processing",
        ["visit.yaml:18: duplicate group id 'automation' (first used at line 17)"],
    ),
    "group id differing in case": (
        "{id: plastics, name: Plastics processing",
        "{id: Automation, name: Plastics processing",
        [
            "visit.yaml:18: group id 'Automation' differs only in case from 'automation' "
            "(line 17); ids must differ in more than case"
        ],
    ),
    "group id all": (
        "{id: plastics, name: Plastics processing",
        "{id: all, name: Plastics processing",
        [
            "visit.yaml:18: id 'all' is reserved for the whole delegation (the group of a "
            "together date); give the group another id"
        ],
    ),
    "unknown member group": (
        "group: plastics}",
        "group: plastic}",
        ["visit.yaml:13: group: unknown group 'plastic' — did you mean 'plastics'?"],
    ),
    "unknown host for": (
        "for: [plastics]}",
        "for: [plastiks]}",
        ["visit.yaml:23: for: unknown group 'plastiks' — did you mean 'plastics'?"],
    ),
    "unknown event group": (
        "groups: [automation, plastics]}",
        "groups: [automaton, plastics]}",
        ["visit.yaml:28: groups: unknown group 'automaton' — did you mean 'automation'?"],
    ),
    "event group twice": (
        "groups: [automation, plastics]}",
        "groups: [plastics, plastics]}",
        ["visit.yaml:28: groups: 'plastics' is named twice"],
    ),
    "empty for": (
        "for: [plastics]}",
        "for: []}",
        [
            "visit.yaml:23: for: an empty list; give at least one group id (omit `for` to let "
            "the host's topics decide)"
        ],
    ),
    "empty event groups": (
        "groups: [automation, plastics]}",
        "groups: []}",
        [
            "visit.yaml:28: groups: an empty list; give at least one group id (omit `groups` "
            "for everyone)"
        ],
    ),
    "capacity 0": (
        "capacity: 12",
        "capacity: 0",
        [
            "visit.yaml:22: capacity: a host receives at least 1 visitor at once, got 0 (omit "
            "capacity for no limit; `declined: true` for a host that receives none)"
        ],
    ),
    "capacity negative": (
        "capacity: 12",
        "capacity: -3",
        [
            "visit.yaml:22: capacity: a host receives at least 1 visitor at once, got -3 (omit "
            "capacity for no limit; `declined: true` for a host that receives none)"
        ],
    ),
    "capacity not a number": (
        "capacity: 12",
        "capacity: twelve",
        ["visit.yaml:22: capacity: expected a whole number, got 'twelve'"],
    ),
    "group size 0": (
        "size: 8,",
        "size: 0,",
        ["visit.yaml:18: size: must be at least 1, got 0"],
    ),
    "member in no group": (
        "{id: jmartin, name: Jean Martin, interests: [automation]}",
        "{id: jmartin, name: Jean Martin}",
        [
            "visit.yaml:14: member 'jmartin' is in no group: give `group:` (one of automation, "
            "plastics) or `interests:` to place them by"
        ],
    ),
    "group larger than the delegation": (
        "size: 12,",
        "size: 25,",
        ["visit.yaml:17: group 'automation' has 25 people; the delegation has 20 (line 11)"],
    ),
    "groups adding up to more": (
        "size: 12,",
        "size: 14,",
        [
            "visit.yaml:16: the groups add up to 22 people; the delegation has 20 (line 11): "
            "make the groups smaller or the delegation larger"
        ],
    ),
    "must host no group fits": (
        "duration: 90, capacity: 12,",
        "duration: 90, capacity: 6, priority: must,",
        [
            "visit.yaml:22: must-visit 'ktp' holds 6 visitors; the group it is for, 'plastics', "
            "has 8 — no group can visit it: split the delegation or ask for two tours"
        ],
    ),
    "confirmed on a split date for two groups": (
        "topics: [automation]}",
        'topics: [automation], confirmed: "2016-06-07 10:00", for: [automation, plastics]}',
        [
            "visit.yaml:25: on 2016-06-07 the groups split: say which group the host "
            "confirmed, e.g. `for: [automation]`"
        ],
    ),
    "confirmed on a together date for one group": (
        "for: [plastics]}",
        'for: [plastics], confirmed: "2016-06-06 10:00"}',
        [
            "visit.yaml:23: host 'ktp' is confirmed for 2016-06-06 10:00, when the delegation "
            "of 20 travels together (line 7), but it is only for plastics (line 23)"
        ],
    ),
    "duplicate member id": (
        "{id: jmartin, name: Jean Martin",
        "{id: cdupont, name: Jean Martin",
        ["visit.yaml:14: duplicate member id 'cdupont' (first used at line 13)"],
    ),
    "member ids differing in case": (
        "{id: jmartin, name: Jean Martin",
        "{id: CDupont, name: Jean Martin",
        [
            "visit.yaml:14: member id 'CDupont' differs only in case from 'cdupont' (line 13); "
            "ids must differ in more than case"
        ],
    ),
    "unknown key under a group": (
        "interests: [plastics]}",
        "interests: [plastics], capacity: 8}",
        ["visit.yaml:18: unknown key 'capacity' (expected one of: id, name, size, interests)"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_each_bad_value_is_one_located_line(case: str) -> None:
    old, new, expected = BAD[case]
    assert _errors(_edit(old, new)) == expected


def test_the_group_keys_without_groups_are_refused() -> None:
    text = (
        TRIP.split("groups:\n  - {id: automation")[0]
        + TRIP.split("size: 8, interests: [plastics]}\n")[1]
    )
    text = _edit("interests: [automation]}", "}", text)
    text = _edit("interests: [plastics, automation]}", "}", text)
    hint = "add `groups:` (the parts of the delegation that tour on their own) or remove it"
    assert _errors(text) == [
        "visit.yaml:7: together: the file has no `groups`, so the delegation always travels "
        f"together; {hint}",
        "visit.yaml:13: group: member 'cdupont' names group 'plastics', but the file has no "
        f"`groups`; {hint}",
        "visit.yaml:20: for: host 'ktp' names the groups that may visit it, but the file has no "
        f"`groups`; {hint}",
        "visit.yaml:25: groups: event 'networking' names the groups that attend it, but the "
        f"file has no `groups`; {hint}",
    ]


def test_a_must_host_too_small_for_the_whole_delegation_without_groups() -> None:
    text = """\
trip: {name: T, start: 2016-06-06, end: 2016-06-06, timezone: Europe/Berlin}
delegation: {name: D, size: 20}
stays:
  - {id: hotel, name: Hotel, location: [51.7155, 8.7630], from: 2016-06-06, to: 2016-06-06}
hosts:
  - {id: ktp, name: KTP, location: [51.7310, 8.7360], duration: 90, capacity: 12,
     priority: must}
"""
    assert _errors(text) == [
        "visit.yaml:6: must-visit 'ktp' holds 12 visitors; the delegation has 20 — no group "
        "can visit it: split the delegation or ask for two tours"
    ]


def test_a_must_host_too_small_for_every_group() -> None:
    text = _edit(
        "duration: 90, capacity: 12,\n     topics: [plastics], for: [plastics]}",
        "duration: 90, capacity: 7, priority: must}",
    )
    assert _errors(text) == [
        "visit.yaml:22: must-visit 'ktp' holds 7 visitors; the groups it is for have 12 "
        "('automation') and 8 ('plastics') — no group can visit it: split the delegation or ask "
        "for two tours"
    ]


def test_a_confirmed_host_too_small_for_the_delegation_without_groups() -> None:
    text = """\
trip: {name: T, start: 2016-06-06, end: 2016-06-06, timezone: Europe/Berlin}
delegation: {name: D, size: 20}
stays:
  - {id: hotel, name: Hotel, location: [51.7155, 8.7630], from: 2016-06-06, to: 2016-06-06}
hosts:
  - {id: ktp, name: KTP, location: [51.7310, 8.7360], duration: 90, capacity: 12,
     confirmed: "2016-06-06 10:00"}
"""
    assert _errors(text) == [
        "visit.yaml:6: confirmed host 'ktp' holds 12 visitors; the delegation has 20 — no group "
        "can visit it: split the delegation or ask for two tours"
    ]


def test_a_must_host_the_whole_delegation_visits_on_a_together_date_is_valid() -> None:
    # plastics (8) does not fit 6, nor automation (12); the delegation does not either: refused.
    # With capacity 20 the whole delegation may visit it on Monday.
    text = _edit(
        "duration: 90, capacity: 12,\n     topics: [plastics], for: [plastics]}",
        "duration: 90, capacity: 20, priority: must}",
    )
    load_spec_text(text, "visit.yaml")


def test_a_member_no_group_has_room_for() -> None:
    text = _edit("size: 8,", "size: 1,")
    text = _edit("size: 12,", "size: 1,", text)
    text = _edit("size: 20", "size: 2", text)
    assert _errors(text) == [
        "visit.yaml:15: member 'lbernard' is in no group: every group is full (1 + 1 = 2 "
        "places, line 16); raise a group's size, or give the member a `group:`"
    ]


def test_a_group_larger_than_a_delegation_without_size() -> None:
    text = _edit("  size: 20\n", "")
    assert _errors(text) == [
        "visit.yaml:16: group 'automation' has 12 people; the delegation has 1 "
        "(delegation.size is not given, line 9)",
        "visit.yaml:17: group 'plastics' has 8 people; the delegation has 1 "
        "(delegation.size is not given, line 9)",
    ]


# --- warnings ------------------------------------------------------------------------------------


def test_a_group_holding_more_members_than_its_size_is_a_warning() -> None:
    text = _edit("size: 8,", "size: 1,")
    text = _edit(
        "{id: jmartin, name: Jean Martin, interests: [automation]}",
        "{id: jmartin, name: Jean Martin, group: plastics}",
        text,
    )
    assert _warnings(text) == [
        "visit.yaml:18: group 'plastics' holds 2 members but has size 1: raise its size, or "
        "move 1 person to another group",
        "visit.yaml:16: the groups add up to 13 people; the delegation has 20 (line 11), so 7 "
        "people are in no group",
    ]


def test_an_event_groups_on_a_together_date_is_a_warning() -> None:
    text = _edit(
        'start: "2016-06-07 17:00", end: "2016-06-07 18:00"',
        'start: "2016-06-06 17:00", end: "2016-06-06 18:00"',
    )
    assert _warnings(text) == [
        "visit.yaml:28: event 'networking' is on 2016-06-06, when the delegation travels "
        "together (line 7): the whole delegation attends it, whatever `groups` says"
    ]


def test_a_must_host_too_small_for_one_of_its_groups_is_a_warning() -> None:
    text = _edit(
        "duration: 90, capacity: 12,\n     topics: [plastics], for: [plastics]}",
        "duration: 90, capacity: 10, priority: must}",
    )
    assert _warnings(text) == [
        "visit.yaml:22: must-visit 'ktp' holds 10 visitors: group 'automation' (12 people) "
        "cannot visit it, so the plan will be partial; leave that group out of its `for`, or "
        "ask for two tours"
    ]


# --- through the command line --------------------------------------------------------------------


@pytest.mark.parametrize("command", ["validate", "plan"])
@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_values_exit_2_with_one_line(command: str, case: str, tmp_path: Path) -> None:
    old, new, expected = BAD[case]
    visit = tmp_path / "visit.yaml"
    visit.write_text(_edit(old, new), encoding="utf-8")
    result = runner.invoke(app, [command, str(visit)])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [f"{tmp_path}/{line}" for line in expected]
    assert "Traceback" not in result.output


def test_validate_summarises_the_groups(tmp_path: Path) -> None:
    visit = tmp_path / "visit.yaml"
    visit.write_text(TRIP, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(visit)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{visit}: valid — 2 hosts, 1 event, 2 days (2016-06-06 to 2016-06-07)",
        "2 groups of 20 people; together on 2016-06-06",
        "  automation  Automation & Industry 4.0  12 people, 2 members placed",
        "  plastics    Plastics processing         8 people, 1 member placed",
    ]


# --- placement by interests ----------------------------------------------------------------------


def _spec(members: str, groups: str, size: int = 20):  # type: ignore[no-untyped-def]
    text = f"""\
trip: {{name: T, start: 2016-06-06, end: 2016-06-06, timezone: Europe/Berlin}}
stays:
  - {{id: hotel, name: Hotel, location: [51.7155, 8.7630], from: 2016-06-06, to: 2016-06-06}}
delegation:
  name: D
  size: {size}
  members: {members}
groups: {groups}
"""
    return load_spec_text(text, "visit.yaml").spec


def test_members_go_to_the_group_sharing_most_interests() -> None:
    spec = _spec(
        "[{id: a, name: A, interests: [plastics, medical]}, "
        "{id: b, name: B, interests: [automation]}, {id: c, name: C, interests: [robots]}]",
        "[{id: auto, name: Auto, size: 10, interests: [automation, robots]}, "
        "{id: plast, name: Plast, size: 10, interests: [plastics, medical]}]",
    )
    placement = place_members(spec)
    assert placement.group_of == {"a": "plast", "b": "auto", "c": "auto"}
    assert placement.unplaced == () and placement.over == {}


def test_ties_go_to_the_first_group_and_nothing_shared_too() -> None:
    spec = _spec(
        "[{id: a, name: A, interests: [automation, plastics]}, {id: b, name: B, interests: []}]",
        "[{id: auto, name: Auto, size: 10, interests: [automation]}, "
        "{id: plast, name: Plast, size: 10, interests: [Plastics]}]",
    )
    assert place_members(spec).group_of == {"a": "auto", "b": "auto"}


def test_sizes_are_respected_and_named_members_come_first() -> None:
    # `b` names plastics, so `a` (listed first, but placed by interests) finds it full.
    spec = _spec(
        "[{id: a, name: A, interests: [plastics]}, {id: b, name: B, group: plast}, "
        "{id: c, name: C, interests: [plastics]}]",
        "[{id: auto, name: Auto, size: 2, interests: [automation]}, "
        "{id: plast, name: Plast, size: 1, interests: [plastics]}]",
        size=3,
    )
    placement = place_members(spec)
    assert placement.group_of == {"b": "plast", "a": "auto", "c": "auto"}
    assert placement.unplaced == ()


# --- the schema ----------------------------------------------------------------------------------


def test_the_schema_describes_the_new_keys() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    defs = schema["$defs"]
    assert schema["properties"]["groups"]["description"]
    for model, keys in {
        "Group": ["id", "name", "size", "interests"],
        "Member": ["group", "interests"],
        "DayOverride": ["together"],
        "Host": ["capacity", "for"],
        "Event": ["groups"],
    }.items():
        for key in keys:
            assert defs[model]["properties"][key].get("description"), (model, key)
    assert defs["Host"]["properties"]["capacity"]["anyOf"][0]["minimum"] == 1


# --- fuzz: random trips with groups load, broken ones fail with located lines -----------------

TOPICS = ["automation", "plastics", "medical", "robots"]


@st.composite
def grouped_trips(draw: st.DrawFn) -> dict[str, Any]:
    """A valid trip of `test_properties.trips` with groups: sizes adding up to the delegation,
    members placed by name or interests within the sizes, together dates, hosts with
    capacities (a must-visit's fits every group), `for` and topics, events with `groups`."""
    spec = draw(trips())
    n_groups = draw(st.integers(1, 3))
    groups = []
    for k in range(n_groups):
        group: dict[str, Any] = {
            "id": f"g{k}",
            "name": f"Group {k}",
            "size": draw(st.integers(1, 15)),
        }
        if draw(st.booleans()):
            group["interests"] = draw(st.lists(st.sampled_from(TOPICS), max_size=2, unique=True))
        groups.append(group)
    spec["groups"] = groups
    ids = [g["id"] for g in groups]
    total = sum(g["size"] for g in groups)
    spec["delegation"]["size"] = total + draw(st.sampled_from([0, 0, 0, 2]))
    room = {g["id"]: g["size"] for g in groups}
    members = []
    for m in range(draw(st.integers(0, min(6, total)))):
        member: dict[str, Any] = {"id": f"m{m}", "name": f"Member {m}"}
        named = draw(st.sampled_from(ids))
        if draw(st.booleans()) and room[named] > 0:
            member["group"] = named
            room[named] -= 1
        else:
            member["interests"] = draw(st.lists(st.sampled_from(TOPICS), max_size=2))
            # placed in the group with room sharing most: keep a place free somewhere
            if sum(room.values()) == 0:
                break
            free = next(g for g in ids if room[g] > 0)
            room[free] -= 1  # not necessarily its group, but the count of free places is right
        members.append(member)
    if members:
        spec["delegation"]["members"] = members
    dates = [
        dt.date.fromisoformat(spec["trip"]["start"]) + dt.timedelta(days=i)
        for i in range(
            (
                dt.date.fromisoformat(spec["trip"]["end"])
                - dt.date.fromisoformat(spec["trip"]["start"])
            ).days
            + 1
        )
    ]
    days = spec["trip"].setdefault("days", {})
    for d in draw(st.lists(st.sampled_from(dates), max_size=2, unique=True)):
        days.setdefault(d.isoformat(), {})["together"] = True
    if not days:
        del spec["trip"]["days"]
    largest = max(g["size"] for g in groups)
    for host in spec["hosts"]:
        if draw(st.booleans()):
            host["capacity"] = draw(st.integers(1, 30))
            if host["priority"] == "must":
                host["capacity"] = max(host["capacity"], largest)
        if draw(st.booleans()):
            host["topics"] = draw(st.lists(st.sampled_from(TOPICS), max_size=2, unique=True))
        if draw(st.booleans()):
            host["for"] = draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))
    for event in spec.get("events", []):
        if draw(st.booleans()):
            event["groups"] = draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))
    return spec


_IDS = st.sampled_from(["g0", "g1", "g2", "gx", "G0", "all"])
# Values likely to pass the models and meet the checks across the group keys.
GROUP_VALUES: dict[Any, st.SearchStrategy[Any]] = {
    "group": _IDS,
    "for": st.lists(_IDS, max_size=3),
    "groups": st.lists(_IDS, max_size=3),
    "id": _IDS,
    "size": st.integers(-1, 40),
    "capacity": st.integers(-1, 40),
    "priority": st.just("must"),
    "interests": st.lists(st.sampled_from(TOPICS), max_size=2),
}


def _mutated(draw: st.DrawFn, spec: dict[str, Any]) -> dict[str, Any]:
    """`spec` with one key deleted or one value replaced (as test_properties.mutated_trips),
    drawn more often under the group keys."""
    parent: Any = None
    key: Any = None
    node: Any = spec
    path: list[Any] = []
    if draw(st.booleans()):  # start at a group key
        starts = [("groups",), ("delegation", "members")]
        starts += [("hosts", i) for i in range(len(spec["hosts"]))]
        starts += [("events", i) for i in range(len(spec.get("events", [])))]
        start = draw(st.sampled_from([s for s in starts if _at(spec, s) is not None]))
        parent, key = _at(spec, start[:-1]), start[-1]
        node, path = parent[key], list(start)
    first = True
    while isinstance(node, dict | list) and node and (first or draw(st.booleans())):
        first = False
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        parent, key = node, draw(st.sampled_from(keys))
        node = parent[key]
        path.append(key)
    if draw(st.booleans()):
        del parent[key]
    else:
        values = st.one_of(random_values, GROUP_VALUES.get(key, st.nothing()))
        parent[key] = draw(scalars if is_time_of_day(path) else values)
    return spec


def _at(spec: dict[str, Any], path: tuple[Any, ...]) -> Any:
    node: Any = spec
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


@LOAD_SETTINGS
@given(grouped_trips())
def test_random_trips_with_groups_load(spec: dict[str, Any]) -> None:
    loaded = load_spec_text(dump(spec), F)
    assert place_members(loaded.spec).unplaced == ()


@LOAD_SETTINGS
@given(st.data())
def test_mutated_trips_with_groups_give_input_error_or_loaded(data: st.DataObject) -> None:
    spec = _mutated(data.draw, data.draw(grouped_trips()))
    text = dump(spec)
    loaded = load_or_input_error(text)
    if loaded is not None:
        compile_spec(loaded)  # whatever loads must also compile


# --- the bundled example -------------------------------------------------------------------------

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "plastipolis-owl.yaml"


def test_the_example_validates_with_its_groups_summary() -> None:
    result = runner.invoke(app, ["validate", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # no warnings
    assert result.stdout.splitlines() == [
        f"{EXAMPLE}: valid — 14 hosts, 1 event, 4 days (2016-06-06 to 2016-06-09)",
        "2 groups of 20 people; together on 2016-06-06",
        "  automation  Automatisation et Industrie 4.0  12 people, 12 members placed",
        "  plastics    Plasturgie                        8 people, 8 members placed",
    ]


def test_the_examples_capacities_bind() -> None:
    """SmartFactoryOWL and HELLA hold 12, Miele 15: the two groups (12 and 8) are there one
    after the other, never at once."""
    from itinerary.input.load import load_spec

    compiled = compile_spec(load_spec(EXAMPLE))
    limits = sorted(c.limit for c in compiled.problem.capacity)
    assert limits == [12, 12, 15]
    assert all(sorted(c.sizes) == [8, 12] for c in compiled.problem.capacity)


def test_the_example_plans_with_exit_0_and_passes_the_checker(tmp_path: Path) -> None:
    from conftest import plan_checked

    from itinerary.input.load import load_spec
    from itinerary.plan import Plan

    out = tmp_path / "plan.json"
    result = runner.invoke(app, ["plan", str(EXAMPLE), "--json", str(out)])
    assert result.exit_code == 0, result.output
    plan = Plan.from_json(out.read_bytes())
    assert plan.status == "complete"
    assert [(t.date.isoformat(), t.group) for t in plan.tracks] == [
        ("2016-06-06", "all"),
        *[
            (d, g)
            for d in ("2016-06-07", "2016-06-08", "2016-06-09")
            for g in ("automation", "plastics")
        ],
    ]
    # both groups busy on every split date: at least one visit each, and a lunch each
    for track in plan.tracks:
        kinds = [item.type for item in track.items]
        assert "visit" in kinds and "lunch" in kinds, (track.date, track.group)
    # the capacities bind: both groups visit each host of 12 or 15, one after the other
    for host in ("smartfactory-owl", "miele", "hella"):
        visits = sorted(
            (item.start, item.end, track.group)
            for track in plan.tracks
            for item in track.items
            if item.type == "visit" and item.id == host
        )
        assert [g for _, _, g in visits] in (
            ["automation", "plastics"],
            ["plastics", "automation"],
        ), host
        (_, first_end, _), (second_start, _, _) = visits
        assert first_end <= second_start, host
    plan_checked(load_spec(EXAMPLE))


def test_the_readme_shows_what_validate_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    root = EXAMPLE.parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8").splitlines()
    start = readme.index("$ itinerary validate examples/plastipolis-owl.yaml") + 1
    shown = []
    for line in readme[start:]:
        if line.startswith("$ ") or line.startswith("```"):
            break
        shown.append(line)
    monkeypatch.chdir(root)
    result = runner.invoke(app, ["validate", "examples/plastipolis-owl.yaml"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == shown


def test_validate_prints_the_group_warnings_and_exits_0(tmp_path: Path) -> None:
    visit = tmp_path / "visit.yaml"
    visit.write_text(_edit("size: 20", "size: 22"), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(visit)])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        f"{visit}:16: warning: the groups add up to 20 people; the delegation has 22 (line 11), "
        "so 2 people are in no group"
    )
