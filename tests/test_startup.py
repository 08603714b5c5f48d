"""Commands that do not plan never load OR-Tools (tests/test_cli.py covers --help and validate).

Each check runs in a fresh interpreter, because this test process has long imported OR-Tools.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, load_benchmark

# Runs the typer app with the given arguments and prints the OR-Tools modules it loaded.
_PROBE = """
import json, sys
from itinerary.cli import app
try:
    app(sys.argv[1:], prog_name="itinerary")
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] == "ortools")))
"""


def ortools_modules_after(*args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "args",
    [
        ("schema",),
        ("export", "--help"),
        ("plan", "--help"),
        ("init", "--help"),
        ("validate", "--help"),
    ],
    ids=" ".join,
)
def test_command_does_not_import_ortools(args: tuple[str, ...]) -> None:
    assert ortools_modules_after(*args) == []


def test_validate_of_an_invalid_file_does_not_import_ortools(tmp_path: Path) -> None:
    bad = tmp_path / "visit.yaml"
    text = (EXAMPLES / "its-owl-week.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("duration: 90", "duration: -90", 1), encoding="utf-8")
    assert ortools_modules_after("validate", str(bad)) == []


def test_export_of_a_saved_plan_does_not_import_ortools(tmp_path: Path) -> None:
    from itinerary.input.load import load_spec
    from itinerary.plan.planner import make_plan
    from itinerary.solver import Budget, ProofParams, SolveParams

    saved = tmp_path / "plan.json"
    plan = make_plan(
        load_spec(EXAMPLES / "limoges-symposium.yaml"),
        SolveParams(budget=Budget(solution_limit=200), proof=ProofParams()),
    )
    saved.write_text(plan.to_json(), encoding="utf-8")
    out = tmp_path / "plan.md"
    assert ortools_modules_after("export", str(saved), "--format", "md", "--out", str(out)) == []
    assert out.is_file()


def test_the_probe_does_see_ortools_when_planning() -> None:
    # Guards the tests above against passing vacuously (e.g. a module-name typo).
    modules = ortools_modules_after(
        "plan", str(EXAMPLES / "limoges-symposium.yaml"), "--time-limit", "1"
    )
    assert "ortools.constraint_solver.pywrapcp" in modules


def test_startup_importtime_parser_reads_python_output() -> None:
    startup = load_benchmark("startup")
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import json"],
        capture_output=True,
        text=True,
        check=True,
    )
    imports = startup.parse_importtime(done.stderr)
    assert "json" in [i.module for i in startup.biggest_top_level(imports, n=50)]
    assert any(i.module == "json.decoder" and i.depth > 0 for i in imports)
    assert not startup.uses_ortools(imports)


def test_startup_script_refuses_an_existing_csv_before_measuring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    startup = load_benchmark("startup")
    out = tmp_path / "startup.csv"
    out.write_text("an earlier run\n")

    def no_measuring(runs: int) -> None:
        raise AssertionError("measured although the output was refused")

    monkeypatch.setattr(startup, "measure", no_measuring)
    assert startup.main(["--out", str(out)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"startup.py: {out} exists; use --force to overwrite"
    ]
    assert out.read_text() == "an earlier run\n"

    row = {"command": "itinerary --help", "median_ms": 90.0, "over_python_ms": 70.0}
    row.update(over_typer_ms=20.0, modules=300, imports_ortools=False)
    row.update(must_not_import_ortools=True, biggest_imports="typer 40 ms")
    monkeypatch.setattr(startup, "measure", lambda runs: [row])
    assert startup.main(["--out", str(out), "--force"]) == 0
    lines = out.read_text().splitlines()
    assert lines[0].startswith("command,median_ms,") and lines[1].startswith("itinerary --help,")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["startup.csv"]  # no temporary file
