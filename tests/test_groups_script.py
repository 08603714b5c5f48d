"""benchmarks/groups.py: sub-group trips planned and checked, from outside."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import load_benchmark

groups = load_benchmark("groups")


def test_groups_script_plans_checks_and_keeps_its_csv_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "groups.csv"
    arguments = ["--first", "8x2x2", "--proof", "6x1x2", "--seeds", "0", "--proof-seconds", "5"]
    assert groups.main([*arguments, "--out", str(out)]) == 0
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert tuple(rows[0]) == groups.FIELDS
    assert [(r["measure"], r["case"], r["seed"]) for r in rows] == [
        ("first", "8x2x2", "0"),
        ("proof", "6x1x2", "0"),
    ]
    assert all(r["checker"] == "ok" and r["verify"] == "ok" for r in rows)
    assert all(int(r["tracks"]) == 2 * int(r["case"].split("x")[1]) for r in rows)
    printed = capsys.readouterr().out
    assert "first 8x2x2: 1 seeds;" in printed and "1/1 pass the checker and verify.py" in printed
    # Written once: a second run without --force leaves it alone, with a one-line error.
    before = out.read_text(encoding="utf-8")
    assert groups.main([*arguments, "--out", str(out)]) == 2
    assert "groups.py: " in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--first", "40x5"], "a case is HOSTSxDAYSxGROUPS, e.g. 40x5x3, not '40x5'"),
        (["--seeds", "a-b"], "--seeds takes e.g. 0-4 or 1,3,5, not 'a-b'"),
    ],
)
def test_groups_script_refuses_a_bad_argument_in_one_line(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert groups.main(arguments) == 2
    err = capsys.readouterr().err
    assert err == f"groups.py: {message}\n"
