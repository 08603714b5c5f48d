"""Commands that do not plan never load OR-Tools (tests/test_cli.py covers --help and validate).

Each check runs in a fresh interpreter, because this test process has long imported OR-Tools.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT

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
    from itinerary.load import load_spec
    from itinerary.planner import make_plan
    from itinerary.solver import SolveParams

    saved = tmp_path / "plan.json"
    plan = make_plan(
        load_spec(EXAMPLES / "limoges-symposium.yaml"), SolveParams(solution_limit=200)
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
    spec = importlib.util.spec_from_file_location(
        "bench_startup", ROOT / "benchmarks" / "startup.py"
    )
    assert spec is not None and spec.loader is not None
    startup = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = startup  # its dataclasses look their module up while defined
    spec.loader.exec_module(startup)
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
