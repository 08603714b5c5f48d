"""Why a group goes without a host (`plan/explain.py`, worded by `plan/reasons.py`), with
sub-groups: a group larger than the host's capacity; a host another group fills whenever this
one could come; a host open only on the dates the delegation travels together; and every
reason of a group's node begins with the group's name, in en, de and fr.

The trip is tests/test_check_groups.py's (Automation 12, Plastics 8; KTP holds 12, Tiny Lab 6).
"""

from __future__ import annotations

import pytest
from conftest import plan_checked
from test_check_groups import GROUPS_TRIP, loaded_trip

from itinerary.model.compile import compile_spec
from itinerary.model.problem import Route, Solution, Stop
from itinerary.model.rules import earliest_starts
from itinerary.plan import Cause, Unscheduled
from itinerary.plan.explain import explain_all
from itinerary.plan.reasons import reason_in, word_cause

# KTP without the room for both groups at once, so that the solver may send both together.
ROOMY = GROUPS_TRIP.replace("capacity: 12\n", "capacity: 20\n")


def test_a_group_too_large_for_a_host_is_told_so_by_name_in_each_language() -> None:
    plan = plan_checked(loaded_trip(ROOMY))
    tiny = {u.group: u for u in plan.unscheduled if u.id == "tiny"}
    assert sorted(tiny) == ["auto", "plast"]
    assert tiny["auto"].reason == (
        "Automation: holds 6 visitors; the group has 12 — split the delegation or ask for two tours"
    )
    assert tiny["plast"].cause is not None
    assert tiny["plast"].cause.args["group"] == "plast"
    assert reason_in(tiny["plast"], "de").startswith("Plastics: ")
    assert reason_in(tiny["plast"], "fr").startswith("Plastics\u202f: ")
    assert "8" in reason_in(tiny["plast"], "fr")


def test_a_host_open_only_on_the_together_date_is_explained_for_a_group_it_alone_may_visit() -> (
    None
):
    text = ROOMY.replace(
        "    capacity: 6\n    open: [{dates: [2016-05-23, 2016-05-24]",
        "    capacity: 6\n    open: [{dates: [2016-05-25]",
    ).replace("    capacity: 6\n", "    for: [plast]\n")
    plan = plan_checked(loaded_trip(text))
    (tiny,) = [u for u in plan.unscheduled if u.id == "tiny"]
    assert tiny.group == "plast"
    assert tiny.reason == "Plastics: open only on the dates the whole delegation travels together"
    assert reason_in(tiny, "de") == (
        "Plastics: nur an den Tagen geöffnet, an denen die ganze Delegation gemeinsam reist"
    )


def test_a_host_another_group_fills_whenever_this_one_could_come() -> None:
    """KTP (12) is open 09:00–10:30 on Monday only, for a visit of 90 minutes: Automation (12)
    is there then, so Plastics (8) cannot be at the same time; its node, left out of a plan
    that has Automation's, is explained by the capacity, naming the other group."""
    text = GROUPS_TRIP.replace(
        'open: [{dates: [2016-05-23], from: "09:00", to: "17:00"}]',
        'open: [{dates: [2016-05-23], from: "09:00", to: "10:30"}]',
    )
    loaded = loaded_trip(text)
    compiled = compile_spec(loaded)
    problem = compiled.problem
    node = {(r.kind, r.id, r.group): n for n, r in enumerate(compiled.nodes)}
    ktp_auto, ktp_plast = node[("host", "ktp", "auto")], node[("host", "ktp", "plast")]
    assert any({ktp_auto, ktp_plast} <= set(c.nodes) for c in problem.capacity)
    monday_auto = next(
        t
        for t, ref in enumerate(compiled.tracks)
        if ref.group == "auto" and ref.date.isoformat() == "2016-05-23"
    )
    # The plan: Automation at KTP, the events for both groups, nothing else.
    wanted: dict[int, list[int]] = {monday_auto: [ktp_auto]}
    for n, ref in enumerate(compiled.nodes):
        if ref.kind == "event":
            (t,) = problem.allowed_tracks(n)
            wanted.setdefault(t, []).append(n)
    routes = []
    for t, sequence in wanted.items():
        starts = earliest_starts(problem, t, sequence)
        assert starts is not None
        stops = tuple(Stop(n, s) for n, s in zip(sequence, starts, strict=True))
        track = problem.tracks[t]
        routes.append(Route(t, track.earliest_start, track.latest_end, stops))
    served = {n for seq in wanted.values() for n in seq}
    dropped = tuple(n for n in range(len(problem.nodes)) if n not in served)
    solution = Solution(tuple(routes), dropped)

    (cause,) = explain_all(compiled, loaded, [ktp_plast], solution)
    assert cause.code == "capacity_shared"
    assert cause.args["groups"] == [["auto", "Automation"]]
    assert word_cause(cause) == (
        "Plastics: Automation would be there whenever this group could come, and together they "
        "would be 20 visitors; it holds 12"
    )
    assert word_cause(cause, "fr").startswith("Plastics\u202f: Automation y serait")


@pytest.mark.parametrize("lang", ["en", "de", "fr"])
def test_every_group_cause_is_worded_and_begins_with_the_groups_name(lang: str) -> None:
    causes = [
        Cause(code="over_capacity", args={"capacity": 12, "size": 20}),
        Cause(
            code="capacity_shared",
            args={"groups": [["plast", "Plastics"]], "total": 20, "capacity": 12},
        ),
        Cause(code="closed_when_together"),
        Cause(code="closed_when_split"),
        Cause(code="no_room"),
    ]
    for cause in causes:
        named = cause.model_copy(
            update={"args": {**cause.args, "group": "auto", "group_name": "Automation & Co"}}
        )
        entry = Unscheduled(id="x", name="X", reason=word_cause(named), cause=named, group="auto")
        worded = reason_in(entry, lang)  # type: ignore[arg-type]
        assert worded.startswith("Automation & Co"), worded
        assert "{" not in worded and worded != entry.reason or lang == "en"


def test_a_delegation_without_groups_too_large_for_a_host_is_told_to_split() -> None:
    from conftest import SMALL_TRIP

    text = SMALL_TRIP.replace("priority: 40}", "priority: 40, capacity: 8}")
    plan = plan_checked(loaded_trip(text))
    (beta,) = plan.unscheduled
    assert (beta.id, beta.group) == ("beta", None)
    assert beta.reason == (
        "holds 8 visitors; the group has 10 — split the delegation or ask for two tours"
    )
    assert reason_in(beta, "fr").startswith("accueille au plus 8 visiteurs")
