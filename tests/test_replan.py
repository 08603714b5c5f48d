"""Re-planning against what was sent (issue 19): `itinerary plan VISIT --previous OLD.json`.

After the score, the plan moves (another date or start) or drops as few visits of OLD as it can
(`rules.Rank`'s fourth field), says how many and whether that is proven the fewest (format 1.3
keys), and prints what changed. The OWL week with one host declined is re-planned through the
CLI, with and without --previous; tiny problems hold the count to exhaustive search. Every plan
is re-checked.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest
from conftest import EXAMPLES
from test_cpsat import tiny_problem
from typer.testing import CliRunner

from itinerary.cli import app
from itinerary.input.load import load_spec
from itinerary.model.problem import Previous, Problem
from itinerary.model.rules import Rank, changes, earliest_starts, starts_keeping
from itinerary.model.verify import verify_solution
from itinerary.plan import Plan
from itinerary.plan.changes import plan_changes
from itinerary.plan.check import check_plan
from itinerary.solver import Budget, ProofParams, SolveParams, solve

runner = CliRunner()
OWL = EXAMPLES / "its-owl-week.yaml"


def plan_cli(visit: Path, out: Path, *extra: str) -> tuple[Plan, str]:
    """Plan through the CLI into `out`; exit 0, the plan re-checked; (plan, terminal output)."""
    result = runner.invoke(app, ["plan", str(visit), "--json", str(out), "--force", *extra])
    assert result.exit_code == 0, result.output
    plan = Plan.from_json(out.read_text(encoding="utf-8"))
    assert check_plan(plan, load_spec(visit)) == []
    return plan, result.stdout


def declined(host: str, text: str) -> str:
    return text.replace(f"  - id: {host}\n", f"  - id: {host}\n    declined: true\n", 1)


@pytest.fixture(scope="module")
def owl_replan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Plan, str]]:
    """The OWL week planned; then DMG MORI declines and the week is re-planned with and
    without --previous."""
    folder = tmp_path_factory.mktemp("owl")
    original = folder / "its-owl-week.yaml"
    original.write_text(OWL.read_text(encoding="utf-8"), encoding="utf-8")
    out = {"old": plan_cli(original, folder / "old.json")}
    visit = folder / "declined.yaml"
    visit.write_text(declined("dmg-mori", OWL.read_text(encoding="utf-8")), encoding="utf-8")
    out["fresh"] = plan_cli(visit, folder / "fresh.json")
    out["replanned"] = plan_cli(visit, folder / "new.json", "--previous", str(folder / "old.json"))
    return out


def moved_or_dropped(old: Plan, new: Plan) -> int:
    return sum(1 for change in plan_changes(old, new) if change.change != "added")


def test_owl_one_host_declined_moves_only_what_must_move(
    owl_replan: dict[str, tuple[Plan, str]],
) -> None:
    old, _ = owl_replan["old"]
    fresh, _ = owl_replan["fresh"]
    new, printed = owl_replan["replanned"]
    assert "dmg-mori" in {v.id for v in old.visits()}
    assert "dmg-mori" not in {v.id for v in new.visits()}
    # The score comes first: re-planning keeps the best score the fresh plan has.
    assert new.score == fresh.score
    # Fewer visits of the plan sent out move: 4 (the declined host, and three that must make
    # room) against 8 when the week is planned afresh; proven the fewest.
    assert new.changes == moved_or_dropped(old, new) == 4
    assert moved_or_dropped(old, fresh) == 8
    assert new.changes_bound == 4 and new.changes_optimal is True
    assert new.format == "itinerary-plan/1.3"
    # The change summary after the plan: each change, and the count with its proof.
    text = " ".join(printed.split())
    assert "Changes against the previous plan" in text
    assert "dropped" in text and "moved" in text and "added" in text
    # DMG MORI said no itself: told apart from a visit the plan had to drop.
    assert re.search(r"DMG MORI\s*│\s*declined\s*│", printed)
    assert "4 of 8 visits of the previous plan moved or dropped (fewest changes, proven)" in text
    assert "Changes 4 (fewest changes, proven)" in text.replace("│", "").replace("  ", " ")


def test_a_plan_made_without_previous_has_no_change_keys(
    owl_replan: dict[str, tuple[Plan, str]],
) -> None:
    for key in ("old", "fresh"):
        plan, printed = owl_replan[key]
        data = json.loads(plan.to_json())
        assert not {"changes", "changes_bound", "changes_optimal"} & data.keys()
        assert "Changes" not in printed


def test_an_unchanged_file_replanned_keeps_every_visit(tmp_path: Path) -> None:
    visit = tmp_path / "visit.yaml"
    visit.write_text(OWL.read_text(encoding="utf-8"), encoding="utf-8")
    old, _ = plan_cli(visit, tmp_path / "plan.json")
    # --previous may be the --json file itself: it is read before anything is written.
    new, printed = plan_cli(
        visit, tmp_path / "plan.json", "--previous", str(tmp_path / "plan.json")
    )
    assert new.changes == 0 and new.changes_optimal is True
    assert plan_changes(old, new) == []
    assert "every visit of the previous plan keeps its time" in " ".join(printed.split())


def test_a_previous_plan_of_another_trip_is_named(tmp_path: Path) -> None:
    """Re-planning against another trip's plan (here renamed) works, with a located warning
    that change letters against it will be refused; the same trip's plan is quiet."""
    visit = tmp_path / "visit.yaml"
    visit.write_text(OWL.read_text(encoding="utf-8"), encoding="utf-8")
    first = tmp_path / "first.json"
    old, _ = plan_cli(visit, first)
    other = tmp_path / "other.json"
    renamed = old.trip.model_copy(update={"name": "Another trip"})
    other.write_text(old.model_copy(update={"trip": renamed}).to_json(), encoding="utf-8")
    result = runner.invoke(app, ["plan", str(visit), "--previous", str(other)])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"{other}:1: warning: a plan of another trip ('Another trip'")
    assert "change letters against it will be refused" in result.stderr
    same = runner.invoke(app, ["plan", str(visit), "--previous", str(first)])
    assert same.exit_code == 0, same.output
    assert "warning" not in same.stderr


def test_the_change_summary_speaks_the_readers_language(
    owl_replan: dict[str, tuple[Plan, str]], tmp_path: Path
) -> None:
    from rich.console import Console

    from itinerary.render.replan import changes_renderable

    old, _ = owl_replan["old"]
    new, _ = owl_replan["replanned"]
    for lang, words in (
        ("de", ["Änderungen gegenüber dem vorigen Plan", "verschoben", "Freitag, 27. Mai 2016"]),
        ("fr", ["Changements par rapport au plan précédent", "annulée", "vendredi 27 mai 2016"]),
    ):
        console = Console(width=200, record=True)
        console.print(changes_renderable(old, new, lang))  # type: ignore[arg-type]
        text = console.export_text()
        for word in words:
            assert word in text, (lang, word)


def test_a_bad_previous_file_is_a_located_input_error(tmp_path: Path) -> None:
    visit = tmp_path / "visit.yaml"
    visit.write_text(OWL.read_text(encoding="utf-8"), encoding="utf-8")
    broken = tmp_path / "old.json"
    broken.write_text('{"format": "itinerary-plan/1",\n "trip": 3\n', encoding="utf-8")
    for path, message in ((broken, f"{broken}:"), (tmp_path / "missing.json", "cannot read")):
        result = runner.invoke(app, ["plan", str(visit), "--previous", str(path)])
        assert result.exit_code == 2, result.output
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.output


# --- tiny problems: the fewest changes, against exhaustive search ------------------------------


def with_previous(problem: Problem, rng: random.Random) -> Problem | None:
    """`problem` re-planned against a previous plan: a feasible plan of some of its nodes (each
    put on a random track where it fits, so rarely the best), with one of its visits' node then
    "declined" (no windows) and another node's windows narrowed: the best score then often
    needs some of its visits to move."""
    sequences: list[list[int]] = [[] for _ in problem.tracks]
    some = [n for n in range(len(problem.nodes)) if rng.random() < 0.7]
    for n in rng.sample(some, len(some)):
        for t in rng.sample(range(len(problem.tracks)), len(problem.tracks)):
            if earliest_starts(problem, t, [*sequences[t], n]) is not None:
                sequences[t].append(n)
                break
    previous = []
    for t, seq in enumerate(sequences):
        starts = earliest_starts(problem, t, seq)
        assert starts is not None
        previous += [Previous(n, t, s) for n, s in zip(seq, starts, strict=True)]
    if len(previous) < 2:
        return None
    nodes = list(problem.nodes)
    gone = rng.choice(previous).node
    nodes[gone] = replace(nodes[gone], windows=(), required=False)
    other = rng.choice([n for n in range(len(nodes)) if n != gone])
    if nodes[other].windows:
        a, b = nodes[other].windows[-1]
        nodes[other] = replace(
            nodes[other], windows=tuple(sorted({*nodes[other].windows[:-1], (a, a)}))
        )
    changed = Problem.build(problem.travel, nodes, problem.tracks)
    return changed.with_previous(previous)


def exhaustive_best(problem: Problem) -> tuple[tuple[int, int, int], int]:
    """The best (events, required nodes, score) of any feasible schedule, and the fewest
    changes among the schedules that reach it: every assignment of nodes to tracks, every
    order, each order timed to keep the most previous starts (`rules.starts_keeping`, itself
    held to exhaustive search by tests/test_rules_conformance.py)."""
    n, n_tracks = len(problem.nodes), len(problem.tracks)
    old = {(v.node, v.track, v.start) for v in problem.previous}

    @cache
    def most_kept(t: int, members: frozenset[int]) -> int | None:
        found = []
        for order in itertools.permutations(sorted(members)):
            starts = starts_keeping(problem, t, order)
            if starts is not None:
                found.append(sum((m, t, s) in old for m, s in zip(order, starts, strict=True)))
        return max(found) if found else None

    best: tuple[tuple[int, int, int], int] | None = None
    for assignment in itertools.product(range(-1, n_tracks), repeat=n):
        kept = [
            most_kept(t, frozenset(i for i in range(n) if assignment[i] == t))
            for t in range(n_tracks)
        ]
        if any(k is None for k in kept):
            continue
        served = [i for i in range(n) if assignment[i] >= 0]
        rank = (
            -sum(1 for i in served if problem.nodes[i].fixed),
            -sum(1 for i in served if problem.nodes[i].required),
            -sum(problem.nodes[i].score for i in served),
        )
        changed = len(problem.previous) - sum(k for k in kept if k is not None)
        if best is None or (rank, changed) < best:
            best = (rank, changed)
    assert best is not None
    return best


SOLVE = SolveParams(budget=Budget(solution_limit=500, patience=200), proof=ProofParams())


@pytest.mark.parametrize("seed", range(30))
def test_the_change_count_matches_exhaustive_search_on_tiny_trips(seed: int) -> None:
    rng = random.Random(seed)
    problem = None
    while problem is None:
        problem = with_previous(tiny_problem(rng), rng)
    solution = solve(problem, SOLVE)
    assert verify_solution(problem, solution) == []
    (events, required, score), fewest = exhaustive_best(problem)
    rank = Rank.of(problem, solution)
    assert (rank.missing_fixed, rank.lost_score) == (
        sum(nd.fixed for nd in problem.nodes) + events,
        problem.max_score() + score,
    )
    # The bound never claims more than exhaustive search allows, and what the plan makes is
    # the fewest whenever it meets the bound (and, on these tiny trips, always).
    if solution.changes_bound is not None:
        assert solution.changes_bound <= fewest
    assert changes(problem, solution) == fewest


def shifted(problem: Problem, rng: random.Random) -> Problem | None:
    """`with_previous`, its previous starts then moved by 0 to 90 minutes: times a plan can keep
    only in part (a later start for one visit can leave no room for the next)."""
    replanned = with_previous(problem, rng)
    if replanned is None:
        return None
    moved = [
        replace(v, start=v.start + rng.choice([0, 0, 15, 30, 60, 90])) for v in replanned.previous
    ]
    return replanned.with_previous(moved)


@pytest.mark.parametrize("seed", range(30))
def test_cp_sats_change_bound_holds_and_is_tight_where_proven(seed: int) -> None:
    from itinerary.solver.cpsat import prove_changes

    rng = random.Random(1000 + seed)
    problem = None
    while problem is None:
        problem = shifted(tiny_problem(rng), rng)
    solution = solve(problem, SOLVE)
    _, fewest = exhaustive_best(problem)
    assert solution.changes_bound is None or solution.changes_bound <= fewest
    assert changes(problem, solution) == fewest
    proof = prove_changes(problem, solution, ProofParams(max_change_copies=1000))
    if proof is None:
        return  # a previous track in a lane of several, or an event left out
    assert proof.bound <= fewest
    if proof.best is not None:
        assert verify_solution(problem, proof.best) == []
        assert Rank.of(problem, proof.best).key()[:3] <= Rank.of(problem, solution).key()[:3]
    if proof.proven:
        assert proof.bound == fewest
        # (No schedule comes with it when no previous start can be kept at all.)
        assert proof.best is None or changes(problem, proof.best) == fewest


def test_a_replanned_problem_is_not_polished(monkeypatch: pytest.MonkeyPatch) -> None:
    # OR-Tools' objective does not rank changes to a previous plan (it would trade them for
    # travel): the walk's plan is kept; the polish itself refuses one.
    from itinerary.errors import InternalError
    from itinerary.model.problem import Node, Track
    from itinerary.solver import routing, search

    def no_polish(*args: object) -> None:
        raise AssertionError("a re-planned problem was handed to the OR-Tools polish")

    travel = [[0, 7, 13], [7, 0, 9], [13, 9, 0]]
    nodes = [Node(1, 30, ((480, 900),), score=5), Node(2, 45, ((480, 900),), score=3)]
    problem = Problem.build(travel, nodes, [Track(0, 0, 480, 1000)])
    problem = problem.with_previous([Previous(0, 0, 600)])
    assert routing.unpolishable(problem) == "re-planning"
    monkeypatch.setattr(search, "polish", no_polish)
    params = SolveParams(budget=Budget(iterations=50, solution_limit=20))
    solution = search.solve_search(problem, params, None)
    assert verify_solution(problem, solution) == []
    assert solution.score(problem) == 8 and changes(problem, solution) == 0
    monkeypatch.undo()
    with pytest.raises(InternalError, match="re-planning"):
        routing.polish(problem, params, None, solution, Rank.of(problem, solution), 0, None, "")


def test_the_change_words_are_complete_in_every_language() -> None:
    from itinerary.render.replan import TEXTS

    assert set(TEXTS) == {"en", "de", "fr"}
    for lang in ("de", "fr"):
        assert set(TEXTS[lang]) == set(TEXTS["en"]), lang
        # Translated, not copied: only the placeholders may be alike.
        assert all(TEXTS[lang][k] != TEXTS["en"][k] for k in TEXTS["en"]), lang


def test_replanning_a_trip_with_groups_changes_each_groups_visits_and_names_the_group(
    tmp_path: Path,
) -> None:
    """The Plastipolis example, then Miele declines: each group's visit of Miele is a change of
    its own (the previous visits are matched group by group), the fewest changes are proven, the
    re-plan passes the checker, and the change table names the groups by their names."""
    import yaml

    first = tmp_path / "first.json"
    visit = EXAMPLES / "plastipolis-owl.yaml"
    result = runner.invoke(app, ["plan", str(visit), "--json", str(first), "--lang", "en"])
    assert result.exit_code == 0, result.output
    before = Plan.from_json(first.read_text(encoding="utf-8"))
    miele = {(t.group, i.id) for t in before.tracks for i in t.items if i.type == "visit"}
    assert {("automation", "miele"), ("plastics", "miele")} <= miele

    data = yaml.safe_load(visit.read_text(encoding="utf-8"))
    next(h for h in data["hosts"] if h["id"] == "miele")["declined"] = True
    declined = tmp_path / "visit.yaml"
    declined.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    again = tmp_path / "again.json"
    result = runner.invoke(
        app,
        ["plan", str(declined), "--previous", str(first), "--json", str(again), "--lang", "en"],
    )
    assert result.exit_code == 0, result.output
    after = Plan.from_json(again.read_text(encoding="utf-8"))
    assert check_plan(after, load_spec(declined)) == []
    dropped = [c for c in plan_changes(before, after) if c.new is None]
    assert sorted((c.id, c.old.group) for c in dropped if c.old) == [
        ("miele", "automation"),
        ("miele", "plastics"),
    ]
    assert after.changes is not None and after.changes >= 2
    assert after.changes_optimal is True
    assert "(Plasturgie)" in result.output and "(plastics)" not in result.output
