"""benchmarks/proof.py: `itinerary plan` against `itinerary validate`, and the proof, from
outside."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from conftest import load_benchmark

proof = load_benchmark("proof")


def test_proof_script_times_plan_against_validate_and_reads_the_proof(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "proof.csv"
    arguments = ["--cases", "3x1", "--seeds", "1", "--repeat", "1", "--no-examples"]
    assert proof.main([*arguments, "--out", str(out)]) == 0
    with out.open(encoding="utf-8") as f:
        (row,) = list(csv.DictReader(f))
    assert tuple(row) == proof.COLUMNS
    assert (row["case"], row["seed"], row["checkout"], row["round"]) == ("3x1", "1", "this", "1")
    assert (row["validate_exit"], row["plan_exit"], row["message"]) == ("0", "0", "")
    validate, plan, ratio = (float(row[k]) for k in ("validate_s", "plan_s", "ratio"))
    assert validate > 0 and plan > 0 and ratio == pytest.approx(plan / validate, abs=0.011)
    assert float(row["plan_cpu_s"]) > 0 and float(row["plan_peak_mb"]) > 0
    # A three-host day is proven before any search, in score and in travel.
    assert int(row["score"]) == int(row["bound"]) <= int(row["max_score"])
    assert int(row["travel_minutes"]) == int(row["travel_bound"])
    assert (row["optimal"], row["travel_optimal"], row["search_skipped"]) == ("True",) * 3
    assert row["stopped_by"] == proof.SKIPPED and row["solutions"] == "0"
    printed = capsys.readouterr().out
    assert "| 3x1 seed 1 | this | 1 |" in printed
    assert "| 3x1 | this | 1 (1) | 1 / 1 (1 / 1) | 1 / 1 |" in printed


def test_proof_script_passes_generator_options_through(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    starts: list[str] = []

    def fake_measure(case: Any, checkout: Path, timeout: float) -> dict[str, object]:
        starts.extend(
            line
            for line in case.visit.read_text(encoding="utf-8").splitlines()
            if line.startswith("  start: 20")
        )
        return dict(
            validate_s=1.0,
            plan_s=2.0,
            ratio=2.0,
            validate_cpu_s=0.5,
            plan_cpu_s=1.0,
            plan_peak_mb=100.0,
            validate_exit=0,
            plan_exit=0,
            message="",
            load_avg=0.0,
        )

    monkeypatch.setattr(proof, "measure", fake_measure)
    out = tmp_path / "proof.csv"
    extra = ["--generate-args", "--start 2026-03-02", "--no-examples", "--repeat", "1"]
    assert proof.main(["--cases", "3x1", "--seeds", "0-1", *extra, "--out", str(out)]) == 0
    assert set(starts) == {"  start: 2026-03-02"} and len(starts) == 3  # warm-up, two trips
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["seed"], r["generate_args"]) for r in rows] == [
        ("0", "--start 2026-03-02"),
        ("1", "--start 2026-03-02"),
    ]


def _no_run(*args: object) -> dict[str, object]:
    pytest.fail(f"a command was run although the arguments were refused: {args}")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--cases", "3by1"], "a case is HOSTSxDAYS, e.g. 25x5, not '3by1'"),
        (["--cases", "0x1"], "a case is HOSTSxDAYS, e.g. 25x5, not '0x1'"),
        (["--seeds", "zero"], "seeds are N or A-B, e.g. 0-9 or 1,4, not 'zero'"),
        (["--seeds", "3-1"], "a range of seeds goes upwards, not '3-1'"),
        (["--repeat", "0"], "--repeat must be at least 1 and --timeout above 0"),
        (["--cases", "--no-examples"], "nothing to measure: no --cases and --no-examples"),
        (
            ["--baseline", "/nonexistent"],
            "--baseline /nonexistent is not a checkout (no itinerary/)",
        ),
        (
            ["--cases", "3x1", "--seeds", "0", "--generate-args", "--weather rain"],
            "generate.py rejected --generate-args '--weather rain': "
            "unrecognized arguments: --weather rain",
        ),
        (
            ["--cases", "3x1", "--seeds", "0", "--generate-args", "--after 2 --choices 2"],
            "generate.py rejected --generate-args '--after 2 --choices 2': "
            "2 choices need at least 4 hosts that are not must-visits; the trip has 2",
        ),
        (["--generate-args", "'open"], '--generate-args "\'open": No closing quotation'),
        (
            ["--cases", "2001x1", "--seeds", "0"],
            "generate.py rejected 2001x1: hosts must be 1..2000, got 2001",
        ),
    ],
)
def test_proof_script_refuses_bad_arguments_in_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    arguments: list[str],
    message: str,
) -> None:
    monkeypatch.setattr(proof, "run_command", _no_run)
    assert proof.main([*arguments, "--out", str(tmp_path / "p.csv")]) == 2
    assert capsys.readouterr().err.splitlines() == [f"proof.py: {message}"]
    assert not (tmp_path / "p.csv").exists()


def test_proof_script_refuses_an_existing_csv_before_running(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "proof.csv"
    out.write_text("an earlier run\n", encoding="utf-8")
    monkeypatch.setattr(proof, "run_command", _no_run)
    assert proof.main(["--cases", "3x1", "--seeds", "0", "--out", str(out)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"proof.py: {out} exists; use --force to overwrite"
    ]
    assert out.read_text(encoding="utf-8") == "an earlier run\n"
