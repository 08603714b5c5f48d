"""benchmarks/toptw.py, steadiness.py, walkspeed.py and walkseeds.py on small instances written
here (the shared benchmark data sits outside the repository, so these tests make their own)."""

from __future__ import annotations

import csv
import math
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ROOT, load_benchmark

from itinerary.model.verify import verify_solution

BENCHMARKS = ROOT / "benchmarks"


toptw = load_benchmark("toptw")
steadiness = load_benchmark("steadiness")
walkspeed = load_benchmark("walkspeed")
walkseeds = load_benchmark("walkseeds")

REQUIRED_COLUMNS = {"instance", "m", "solver", "score", "seconds", "feasible"}


def _instance_text(vertices: list[tuple[float | str, ...]]) -> str:
    """A file in the TOPTW text format: header k v N t / D Q, then one line per vertex
    (i x y d S f a list O C), the depot first."""
    lines = [f"4 10 {len(vertices) - 1} 1", "0 200"]
    for i, (x, y, d, s, o, c) in enumerate(vertices):
        lines.append(f"  {i} {x} {y} {d} {s} 0 0 {o} {c}")
    return "\n".join(lines) + "\n"


# Six customers around a depot; every window is wide enough for one or two days' tours.
CUSTOMERS = [
    ("3.00", "4.00", "1.00", "10", "0", "30"),
    ("-3.00", "4.00", "1.00", "20", "0", "40"),
    ("6.00", "8.00", "2.00", "15", "5", "60"),
    ("-6.00", "-8.00", "2.00", "12", "0", "70"),
    ("1.50", "-2.50", "0.50", "8", "10", "90"),
    ("0.70", "0.10", "1.00", "5", "0", "95"),
]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A --data folder: three small Solomon-style instances (set c9) and a bks.csv."""
    folder = tmp_path / "toptw" / "instances" / "solomon_100"
    folder.mkdir(parents=True)
    depot = ("0.00", "0.00", "0", "0", "0", "100")
    for k, name in enumerate(["c901", "c902", "c903"]):
        customers = CUSTOMERS[: 4 + k]
        (folder / f"{name}.txt").write_text(_instance_text([depot, *customers]))
    (tmp_path / "toptw" / "bks.csv").write_text(
        "instance,m,bks,source,status,note\n"
        "c901,1,57,test,optimal,\n"
        "c901,2,57,test,best_known,\n"
        "c902,1,65,test,lower_bound,\n"
    )
    return tmp_path / "toptw"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def _run(data: Path, out: Path, *extra: str) -> int:
    return toptw.main(
        ["--data", str(data), "--time-limit", "0.3", "--out", str(out), "--quiet", *extra]
    )


@pytest.fixture
def no_solver(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Fail the test if any solver runs: for inputs that must be refused before the run."""

    def no_solving(*args: object) -> None:
        raise AssertionError("a solver ran although the run had to be refused")

    monkeypatch.setattr(toptw, "run_solver", no_solving)
    return monkeypatch


def test_reader_floors_distances_exactly_and_scales_times(tmp_path: Path) -> None:
    # pr instances: times x 100, three-decimal coordinates; a float product could round
    # 100 * 5.0000 to 499.99999 and floor it wrongly.
    vertices = [
        ("0.000", "0.000", "0", "0", "0", "1000"),
        ("3.000", "4.000", "2", "12", "354", "509"),
        ("-29.730", "64.136", "2.25", "7", "0", "1000"),
    ]
    path = tmp_path / "pr99.txt"
    path.write_text(_instance_text(vertices))
    instance = toptw.read_instance(path)
    assert instance.scale == 100
    assert instance.travel[0][1] == 500
    exact = Decimal(29.730**2 + 64.136**2).sqrt()
    assert instance.travel[0][2] == math.floor(100 * exact)
    assert instance.travel[1][2] == instance.travel[2][1]
    assert instance.duration[1:] == (200, 225)
    assert (instance.opens[1], instance.closes[1]) == (35400, 50900)
    problem = instance.problem(2)
    assert len(problem.tracks) == 2 and len(problem.nodes) == 2
    assert problem.nodes[0].windows == ((35400, 50900),)

    path.write_text(_instance_text([vertices[0], ("1.000", "1.000", "0.001", "1", "0", "9")]))
    with pytest.raises(toptw.InputError, match=r"pr99.txt: not a TOPTW instance \(duration"):
        toptw.read_instance(path)
    path.write_text("4 10 3 1\n0 200\n 0 0 0 0 0 0 0 0 100\n")
    with pytest.raises(toptw.InputError, match="expected 4 vertex lines, found 1"):
        toptw.read_instance(path)


def test_run_writes_checked_rows_and_a_summary(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "results" / "run.csv"
    assert _run(data, out, "--instances", "c901,c902", "--m", "1,2") == 0
    rows = _rows(out)
    assert REQUIRED_COLUMNS <= set(rows[0])
    assert [(r["instance"], r["m"]) for r in rows] == [
        ("c901", "1"),
        ("c901", "2"),
        ("c902", "1"),
        ("c902", "2"),
    ]
    for row in rows:
        assert row["solver"] == "ours" and row["feasible"] == "True" and row["violations"] == ""
    by_key = {(r["instance"], r["m"]): r for r in rows}
    # c901: 57 is every customer's score; one day holds them all in this small instance.
    assert by_key[("c901", "1")]["score"] == "57"
    assert by_key[("c901", "1")]["ratio_bks"] == "1.0000"
    assert by_key[("c902", "1")]["status"] == "lower_bound"
    assert by_key[("c902", "2")]["bks"] == "" and by_key[("c902", "2")]["ratio_bks"] == ""
    summary = out.with_suffix(".md").read_text()
    assert "Mean score / BKS by m" in summary and "| m=1 | ours | 1 | 1.0000 |" in summary
    assert "Infeasible results: 0" in summary
    assert not list(out.parent.glob(".*partial")), "the partial file must become --out"


def test_every_result_is_rechecked_and_an_infeasible_one_scores_nothing(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def late_visit(solver: str, problem, seconds: float):
        # Customer 4, then 3, then 1: customer 1's window (start by 300) is long closed.
        solution = toptw.schedule_greedily(problem, [[3, 2, 0]])
        assert verify_solution(problem, solution) != []
        return solution, 0.0

    monkeypatch.setattr(toptw, "run_solver", late_visit)
    out = tmp_path / "run.csv"
    assert _run(data, out, "--instances", "c901", "--m", "1") == 1
    (row,) = _rows(out)
    assert row["feasible"] == "False" and row["ratio_bks"] == "0.0000"
    assert row["score"] == "37" and "node 0 starts at 390, outside" in row["violations"]
    summary = out.with_suffix(".md").read_text()
    assert "Infeasible results: 1" in summary and "- c901 m=1 ours:" in summary


def test_shards_split_the_list_and_merge_into_one_run(data: Path, tmp_path: Path) -> None:
    first, second, merged = (tmp_path / f"{n}.csv" for n in ("a", "b", "all"))
    names = ["--instances", "c901,c902,c903", "--m", "1"]
    assert _run(data, first, *names, "--shard", "1/2") == 0
    assert _run(data, second, *names, "--shard", "2/2") == 0
    assert [r["instance"] for r in _rows(first)] == ["c901", "c903"]
    assert [r["instance"] for r in _rows(second)] == ["c902"]

    assert toptw.main(["--merge", str(first), str(second), "--out", str(merged), "--quiet"]) == 0
    rows = _rows(merged)
    assert rows == _rows(first) + _rows(second)
    assert merged.with_suffix(".md").read_text() == toptw.summary(rows) + "\n"


@pytest.mark.parametrize(
    "option",
    [["--shard", "0/2"], ["--shard", "3/2"], ["--shard", "1"], ["--m", "1,x"], ["--m", "0"]],
)
def test_a_bad_shard_or_m_is_refused_by_the_parser(option: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        toptw.parse_args(option)
    assert exit_.value.code == 2


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--instances", "c901,c999"], "instance 'c999' not found under "),
        (["--instances", "c901", "--solvers", "ours,gurobi"], "unknown solver 'gurobi'; choose"),
        (["--m", "1"], "no instances: give --instances and/or --subset"),
        (["--instances", "c901,broken"], "broken.txt: not a TOPTW instance ("),
    ],
)
def test_unusable_input_is_one_line_and_exit_2_before_anything_runs(
    option: list[str],
    message: str,
    data: Path,
    tmp_path: Path,
    no_solver: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    (data / "instances" / "solomon_100" / "broken.txt").write_text("4 10 1 1\n0 200\n 0 x\n")
    out = tmp_path / "run.csv"
    assert _run(data, out, *option) == 2
    err = capsys.readouterr().err
    assert err.startswith("toptw.py: ") and message in err and len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["toptw"]  # no CSV, no partial file


def test_existing_output_is_refused_before_anything_runs(
    data: Path, tmp_path: Path, no_solver: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "run.csv"
    out.write_text("kept\n")
    assert _run(data, out, "--instances", "c901", "--m", "1") == 2
    assert out.read_text() == "kept\n"
    assert capsys.readouterr().err.strip() == f"toptw.py: {out} exists; use --force to overwrite"
    # The summary beside it is protected the same way.
    out.unlink()
    out.with_suffix(".md").write_text("kept too\n")
    assert _run(data, out, "--instances", "c901", "--m", "1") == 2
    assert not out.exists() and out.with_suffix(".md").read_text() == "kept too\n"

    no_solver.undo()
    assert _run(data, out, "--instances", "c901", "--m", "1", "--force") == 0
    assert [r["instance"] for r in _rows(out)] == ["c901"]
    assert "Mean score / BKS" in out.with_suffix(".md").read_text()


def test_an_output_folder_that_cannot_be_made_is_one_line_before_anything_runs(
    data: Path, tmp_path: Path, no_solver: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    blocker = tmp_path / "results"
    blocker.write_text("a file where the folder should be")
    assert _run(data, blocker / "run.csv", "--instances", "c901", "--m", "1") == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"toptw.py: cannot make folder {blocker}: ")


def test_an_interrupted_run_keeps_its_rows_in_the_partial_file(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    solve = toptw.run_solver
    calls = []

    def interrupted_second_time(*args: object):
        calls.append(args)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return solve(*args)

    monkeypatch.setattr(toptw, "run_solver", interrupted_second_time)
    out = tmp_path / "run.csv"
    with pytest.raises(KeyboardInterrupt):
        _run(data, out, "--instances", "c901,c902", "--m", "1")
    assert not out.exists()
    (partial,) = tmp_path.glob(".run.csv.*.partial")
    assert [r["instance"] for r in _rows(partial)] == ["c901"]
    assert str(partial) in capsys.readouterr().err


def test_merge_refuses_what_is_not_one_run(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    run = tmp_path / "run.csv"
    assert _run(data, run, "--instances", "c901", "--m", "1") == 0
    other_budget = tmp_path / "other.csv"
    rows = _rows(run)
    rows[0]["time_limit"] = "20.0"
    rows[0]["m"] = "2"
    with other_budget.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"\xff\xfe\x00 not a csv")
    no_numbers = tmp_path / "bad.csv"
    no_numbers.write_text(run.read_text().replace(",ours,", ",pyvrp,").replace(",57,", ",x,"))

    cases = [
        ([run, run], f"{run}: c901 m=1 ours is also in {run}"),
        ([run, other_budget], "the CSVs mix time limits (0.3, 20 s)"),
        ([garbage], f"{garbage}: not a toptw.py CSV"),
        ([tmp_path / "missing.csv"], f"cannot read {tmp_path / 'missing.csv'}"),
        ([no_numbers], f"{no_numbers}, line 2: m, score and time_limit must be numbers"),
    ]
    for inputs, message in cases:
        out = tmp_path / "merged.csv"
        code = toptw.main(["--merge", *map(str, inputs), "--out", str(out), "--quiet"])
        assert code == 2
        err = capsys.readouterr().err
        assert message in err and len(err.strip().splitlines()) == 1, err
        assert not out.exists()
    code = toptw.main(["--merge", str(run), "--subset", "13", "--out", str(out)])
    assert code == 2 and "--merge runs nothing" in capsys.readouterr().err


def test_help_names_every_option() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "toptw.py"), "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for option in ("--instances", "--m", "--time-limit", "--solvers", "--out", "--shard"):
        assert option in done.stdout
    assert "--merge" in done.stdout and "--force" in done.stdout


def _write_run(path: Path, scores: dict[tuple[str, int, str], int], limit: str = "10.0") -> None:
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=toptw.FIELDS)
        writer.writeheader()
        for (name, m, solver), score in scores.items():
            writer.writerow(
                {
                    "instance": name,
                    "set": "pr01-10",
                    "m": m,
                    "solver": solver,
                    "score": score,
                    "seconds": "10.01",
                    "feasible": score >= 0,
                    "time_limit": limit,
                    "bks": "",
                    "status": "",
                    "ratio_bks": "",
                    "violations": "",
                }
            )


def test_steadiness_measures_each_solver_against_itself_and_every_pairing(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    _write_run(
        a,
        {("pr01", 1, "ours"): 100, ("pr01", 1, "pyvrp"): 100, ("pr02", 2, "ours"): 200,
         ("pr02", 2, "pyvrp"): 200},
    )  # fmt: skip
    _write_run(
        b,
        {("pr01", 1, "ours"): 96, ("pr01", 1, "pyvrp"): 99, ("pr02", 2, "ours"): 200,
         ("pr02", 2, "pyvrp"): 210},
    )  # fmt: skip
    assert steadiness.main([str(a), str(b)]) == 0
    text = capsys.readouterr().out
    # ours moved 100 -> 96 on pr01 (0.96: below 0.99, 0.98 and 0.97), not on pr02.
    assert "| ours | 2 | 0.9800 | 1 | 1 | 1 | pr01 m=1 100/96 (0.960), pr02 m=2 200/200" in text
    assert "| pyvrp | 2 | 0.9712 | 1 | 1 | 1 | pr02 m=2 200/210 (0.952), pr01 m=1 100/99" in text
    # The four pairings: A against A is even; ours of either run falls below 0.97 against
    # B's pyvrp on pr02 (200/210), B's ours against A's pyvrp on pr01 (96/100), and against
    # B's pyvrp on pr01 as well (96/99 = 0.9697).
    assert "| A | A | 2 | 1.0000 | 0 |" in text
    assert "| A | B | 2 | 0.9812 | 1 | pr02 m=2 (0.952), pr01 m=1 (1.010)" in text
    assert "| B | A | 2 | 0.9800 | 1 | pr01 m=1 (0.960), pr02 m=2 (1.000)" in text
    assert "| B | B | 2 | 0.9610 | 2 | pr02 m=2 (0.952), pr01 m=1 (0.970)" in text

    # --below moves the head-to-head threshold, --worst the number of cases shown.
    assert steadiness.main([str(a), str(b), "--below", "0.955", "--worst", "1"]) == 0
    text = capsys.readouterr().out
    assert "| ours | 2 | 0.9800 | 1 | 1 | 1 | pr01 m=1 100/96 (0.960) |" in text
    assert "| ours of | pyvrp of | pairs | mean | below 0.955 | worst |" in text
    assert "| B | A | 2 | 0.9800 | 0 | pr01 m=1 (0.960) |" in text
    assert "| B | B | 2 | 0.9610 | 1 | pr02 m=2 (0.952) |" in text
    assert steadiness.main([str(a), str(b), "--labels", "d5be75f,9847f4c"]) == 0
    assert "| 9847f4c | d5be75f | 2 | 0.9800 | 1 | pr01 m=1 (0.960)" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_:
        steadiness.main([str(a), str(b), "--labels", "A"])
    assert exit_.value.code == 2

    other = tmp_path / "other.csv"
    _write_run(other, {("pr01", 1, "ours"): 100}, limit="20.0")
    assert steadiness.main([str(a), str(other)]) == 2
    assert "different time limits (10, 20 s)" in capsys.readouterr().err
    unrelated = tmp_path / "unrelated.csv"
    _write_run(unrelated, {("c101", 1, "ours"): 320})
    assert steadiness.main([str(a), str(unrelated)]) == 2
    assert "no (instance, m, solver) in common" in capsys.readouterr().err
    assert steadiness.main([str(a), str(tmp_path / "missing.csv")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_walkspeed_times_both_checkouts_and_says_whether_the_walks_agree(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # This checkout as its own baseline: each walk runs in a fresh process of each "checkout",
    # and the two must end with the same plan.
    argv = ["--baseline", str(ROOT), "--data", str(data), "--instances", "c901:1,c903:2"]
    assert walkspeed.main([*argv, "--iterations", "30", "--rounds", "2"]) == 0
    text = capsys.readouterr().out
    assert "30 iterations, seed 1, least CPU seconds of 2" in text
    rows = [line.split("|")[1:-1] for line in text.splitlines() if line.startswith("| c90")]
    assert [(r[0].strip(), r[1].strip(), r[5].strip()) for r in rows] == [
        ("c901", "1", "yes"),
        ("c903", "2", "yes"),
    ]
    for row in rows:  # CPU seconds of each, and their ratio (of the unrounded seconds)
        assert all(float(x) > 0 for x in row[2:5])
    assert "| all | |" in text


def test_walkspeed_hands_the_problem_over_whole() -> None:
    # The baseline rebuilds the problem from plain numbers: every field must survive, breaks,
    # several windows and the tracks a node may use included.
    from itinerary.model.problem import Break, Node, Problem, Track

    problem = Problem.build(
        [[0, 5, 7], [5, 0, 3], [7, 3, 0]],
        [
            Node(1, 30, ((500, 560), (900, 960)), score=4),
            Node(2, 45, ((600, 600),), required=True, tracks=(1,)),
        ],
        [Track(0, 0, 480, 1020, (Break(720, 840, 45),)), Track(0, 2, 1920, 2460)],
    )
    rebuilt = walkspeed.problem_from_json(walkspeed.problem_json(problem))
    assert rebuilt == problem


def test_walkspeed_reports_the_least_seconds_and_a_walk_that_differs(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A stand-in baseline that takes 2.0 s and then 1.6 s and ends with another plan; this
    # checkout takes 1.5 s and then 1.2 s: the least of each counts.
    base = tmp_path / "base"
    (base / "itinerary" / "solver").mkdir(parents=True)
    (base / "itinerary" / "solver" / "lns.py").write_text("")
    times = {base: iter([2.0, 1.6]), ROOT: iter([1.5, 1.2])}

    def run_one(repo: Path, problem_file: Path, iterations: int, seed: int) -> tuple[float, str]:
        assert problem_file.is_file() and (iterations, seed) == (10, 4)
        return next(times[repo]), "b" if repo == base else "t"

    monkeypatch.setattr(walkspeed, "_run_one", run_one)
    argv = ["--baseline", str(base), "--data", str(data), "--instances", "c901:1"]
    assert walkspeed.main([*argv, "--iterations", "10", "--rounds", "2", "--seed", "4"]) == 0
    text = capsys.readouterr().out
    assert "| c901 | 1 | 1.600 | 1.200 | 0.750 | no |" in text
    assert "| all | | 1.600 | 1.200 | 0.750 | |" in text


def test_walkseeds_runs_each_instance_and_seed_and_checks_every_plan(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--data", str(data), "--instances", "c901:1,c903:2", "--seeds", "1,2"]
    assert walkseeds.main([*argv, "--time-limit", "0.2"]) == 0
    text = capsys.readouterr().out
    rows = [line.split("|")[1:-1] for line in text.splitlines() if line.startswith("| c90")]
    cells = [[cell.strip() for cell in row] for row in rows]
    assert [row[:3] for row in cells] == [
        ["c901", "1", "1"],
        ["c901", "1", "2"],
        ["c903", "2", "1"],
        ["c903", "2", "2"],
    ]
    assert all(row[7] == "yes" and int(row[6]) > 0 for row in cells)
    # c901 (four customers, 57 points in all) has a BKS of 57, c903 m=2 none in bks.csv.
    assert [row[4:6] for row in cells[:2]] == [["57", f"{int(cells[0][3]) / 57:.4f}"]] * 2
    assert all(row[4:6] == ["—", "—"] for row in cells[2:])
    assert "mean score / BKS over 2 runs:" in text


def test_walkseeds_with_iterations_makes_that_many_and_the_same_walk_each_time(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--data", str(data), "--instances", "c903:2", "--seeds", "5", "--iterations", "40"]
    outputs = []
    for _ in range(2):
        assert walkseeds.main(argv) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert outputs[0].startswith("the walk alone, 40 iterations per run, params: defaults")
    row = next(line for line in outputs[0].splitlines() if line.startswith("| c903"))
    cells = [cell.strip() for cell in row.split("|")[1:-1]]
    assert cells[6:] == ["40", "yes"]


def test_walkseeds_reads_the_walk_parameters_by_their_types() -> None:
    params = walkseeds._params("exchange=false, restart_after=5,noise=0.3")
    assert params == walkseeds.lns.WalkParams(exchange=False, restart_after=5, noise=0.3)
    assert walkseeds._params("") == walkseeds.lns.WalkParams()


@pytest.mark.parametrize(
    ("script", "extra", "message"),
    [
        ("walkspeed", ["--baseline", "/nonexistent"], "--baseline: /nonexistent is not a checkout"),
        ("walkspeed", ["--instances", "c901"], "--instances: 'c901' is not NAME:m"),
        ("walkspeed", ["--instances", "c999:1"], "c999"),
        ("walkspeed", ["--iterations", "0"], "--iterations and --rounds must be at least 1"),
        ("walkseeds", ["--instances", "c901"], "--instances: 'c901' is not NAME:m"),
        ("walkseeds", ["--instances", "c999:1"], "c999"),
        ("walkseeds", ["--seeds", "1,x"], "--seeds: '1,x' is not a list of whole numbers"),
        (
            "walkseeds",
            ["--params", "exchange=maybe"],
            "--params: 'exchange=maybe' is not exchange=<bool>",
        ),
        ("walkseeds", ["--params", "speed=2"], "--params: 'speed' is not one of"),
        ("walkseeds", ["--time-limit", "0"], "--time-limit must be above 0"),
        ("walkseeds", ["--iterations", "-1"], "--iterations must be at least 1"),
        ("walkseeds", ["--iterations", "0"], "--iterations must be at least 1"),
    ],
)
def test_the_walk_scripts_refuse_bad_input_in_one_line(
    data: Path, capsys: pytest.CaptureFixture[str], script: str, extra: list[str], message: str
) -> None:
    # walkspeed.py needs a baseline checkout (this one will do); walkseeds.py does not.
    baseline = ["--baseline", str(ROOT)] if script == "walkspeed" else []
    argv = [*baseline, "--data", str(data), "--instances", "c901:1", *extra]
    assert {"walkspeed": walkspeed, "walkseeds": walkseeds}[script].main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{script}.py: ") and message in err and err.count("\n") == 1


def test_walkseeds_reports_a_plan_the_verifier_refuses(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(walkseeds, "verify_solution", lambda *_: ["node 2 starts late"])
    argv = ["--data", str(data), "--instances", "c901:1", "--seeds", "3", "--time-limit", "0.1"]
    assert walkseeds.main(argv) == 1
    assert "| NO: node 2 starts late |" in capsys.readouterr().out
