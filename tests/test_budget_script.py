"""benchmarks/budget.py: the whole `itinerary plan` command timed from outside."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import load_benchmark

budget = load_benchmark("budget")


def test_budget_script_times_a_plan_and_a_refused_trip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "budget.csv"
    assert budget.main(["--cases", "3x1", "501x1", "--budgets", "1", "--out", str(out)]) == 0
    with out.open(encoding="utf-8") as f:
        planned, refused = list(csv.DictReader(f))
    assert (planned["case"], planned["budget"], planned["exit"]) == ("3x1", "1 s", "0")
    assert float(planned["seconds"]) > 0 and float(planned["peak_mb"]) > 0
    assert float(planned["overrun_s"]) == pytest.approx(float(planned["seconds"]) - 1, abs=0.011)
    assert int(planned["score"]) <= int(planned["max_score"])
    assert planned["stopped_by"] == "time limit (1 s)"
    assert refused["exit"] == "2" and refused["score"] == ""
    refusal = "501 hosts: the planner supports at most 500 in one trip"
    assert refused["message"].endswith(f"trip-501x1.yaml:31: {refusal}")
    table = capsys.readouterr().out.splitlines()
    assert table[0].startswith("| case | budget |") and len(table) == 4


def _no_run(*args: object) -> dict[str, object]:
    pytest.fail(f"a plan was run although the arguments were refused: {args}")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--cases", "3by1"], "a case is HOSTSxDAYS, e.g. 300x5, not '3by1'"),
        (["--budgets", "0"], "a budget in seconds must be above 0, not '0'"),
        (["--budgets", "soon"], "a budget is 'default' or seconds, not 'soon'"),
        (["--repeat", "0"], "--repeat must be at least 1 and --timeout above 0"),
    ],
)
def test_budget_script_refuses_bad_arguments_in_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    arguments: list[str],
    message: str,
) -> None:
    monkeypatch.setattr(budget, "run_plan", _no_run)
    assert budget.main([*arguments, "--out", str(tmp_path / "b.csv")]) == 2
    assert capsys.readouterr().err.splitlines() == [f"budget.py: {message}"]


def test_budget_script_refuses_an_existing_csv_before_running(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "budget.csv"
    out.write_text("an earlier run\n", encoding="utf-8")
    monkeypatch.setattr(budget, "run_plan", _no_run)
    assert budget.main(["--cases", "3x1", "--out", str(out)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"budget.py: {out} exists; use --force to overwrite"
    ]
    assert out.read_text(encoding="utf-8") == "an earlier run\n"
