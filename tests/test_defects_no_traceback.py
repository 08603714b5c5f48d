"""Cases that ended in a Python traceback (exit 1, the status of "plan incomplete"), found by an
adversarial round: each now ends with one line and its own status. Standard output on a full
disk and signals need a real process, so those cases run `python -m itinerary.cli`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import SMALL_TRIP
from typer.testing import CliRunner

from itinerary.cli import app

runner = CliRunner()

VISIT = SMALL_TRIP


@pytest.fixture
def visit(small_trip: Path) -> Path:
    return small_trip


def run_cli(
    *args: str, stdout: object = subprocess.PIPE, prelude: str = ""
) -> subprocess.CompletedProcess[str]:
    """`itinerary ARGS` in a process of its own; `prelude` is Python run before the command
    (to send a signal at a chosen moment)."""
    code = textwrap.dedent(prelude) + "\nimport sys\nfrom itinerary.cli import main\n"
    code += f"sys.argv = ['itinerary', *{list(args)!r}]\nmain()\n"
    return subprocess.run(
        [sys.executable, "-c", code],
        stdout=stdout,  # type: ignore[arg-type]
        stderr=subprocess.PIPE,
        text=True,
        timeout=300,
    )


# --- standard output on a full disk ---------------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "command",
    [
        ["plan", "{visit}", "--no-bound"],
        ["plan", "{visit}", "--no-bound", "--json", "-"],
        ["validate", "{visit}"],
        ["schema"],
        ["export", "{plan}", "--format", "md", "--out", "-"],
    ],
)
def test_standard_output_on_a_full_disk_is_one_line_and_status_2(
    visit: Path, command: list[str]
) -> None:
    plan = visit.with_name("plan.json")
    made = run_cli("plan", str(visit), "--no-bound", "--json", str(plan))
    assert made.returncode == 0, made.stderr
    args = [part.format(visit=visit, plan=plan) for part in command]
    with open("/dev/full", "w") as full:
        result = run_cli(*args, stdout=full)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines()[-1] == (
        "error: cannot write to standard output: no space left on device"
    )
    assert "Traceback" not in result.stderr


def test_a_closed_pipe_ends_quietly(visit: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "itinerary.cli", "schema"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(10)
    process.stdout.close()  # the reader goes away, as `| head -c 10` does
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) in (0, 141)
    assert "Traceback" not in err


# --- Ctrl-C and SIGTERM in every phase --------------------------------------------------------


BIG = (
    # Off the time grid (round_minutes: 1), so that the OR-Tools polish runs and its phase
    # can be interrupted: a problem on a grid is not polished.
    SMALL_TRIP.split("hosts:")[0].replace(
        "  timezone: Europe/Berlin\n", "  timezone: Europe/Berlin\n  round_minutes: 1\n"
    )
    + "hosts:\n"
    + "".join(
        f"  - {{id: h{i}, name: Host {i}, location: [{51.6 + (i % 7) * 0.05:.4f}, "
        f"{8.5 + (i // 7) * 0.06:.4f}], duration: 60, priority: {1 + (i * 37) % 100}}}\n"
        for i in range(40)
    )
)

# Each prelude sends the signal from inside one phase of the command.
PHASES = {
    "walk": """
        import os, signal
        from itinerary.solver import lns
        original = lns.improve
        def improve(*args, **kwargs):
            os.kill(os.getpid(), signal.SIG)
            return original(*args, **kwargs)
        lns.improve = improve
    """,
    "polish": """
        import os, signal
        from itinerary.solver import routing
        original = routing._Search.on_solution
        def on_solution(self):
            os.kill(os.getpid(), signal.SIG)
            return original(self)
        routing._Search.on_solution = on_solution
    """,
    "proof": """
        import os, signal
        from ortools.sat.python import cp_model
        original = cp_model.CpSolver.solve
        def solve(self, *args, **kwargs):
            os.kill(os.getpid(), signal.SIG)
            return original(self, *args, **kwargs)
        cp_model.CpSolver.solve = solve
    """,
    "write": """
        import os, signal
        original = os.fsync
        def fsync(fd):
            os.kill(os.getpid(), signal.SIG)
            return original(fd)
        os.fsync = fsync
    """,
}


@pytest.mark.parametrize("phase", list(PHASES))
@pytest.mark.parametrize(
    ("name", "status", "word"), [("SIGINT", 130, "interrupted"), ("SIGTERM", 143, "terminated")]
)
def test_a_signal_in_any_phase_ends_with_one_line_and_leaves_no_file(
    tmp_path: Path, phase: str, name: str, status: int, word: str
) -> None:
    visit = tmp_path / "visit.yaml"
    visit.write_text(BIG if phase in ("walk", "polish") else VISIT, encoding="utf-8")
    out = tmp_path / "plan.json"
    result = run_cli(
        "plan", str(visit), "--json", str(out), prelude=PHASES[phase].replace("SIG)", f"{name})")
    )
    assert result.returncode == status, result.stderr
    assert result.stderr.splitlines() == [word]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["visit.yaml"]  # no plan, no temporary


def test_a_held_interrupt_stops_cp_sat_at_once() -> None:
    """CP-SAT is asked to stop when Ctrl-C arrives, instead of running out its budget."""
    import threading

    from ortools.sat.python import cp_model

    from itinerary.solver.interrupts import run_stoppable

    model = cp_model.CpModel()
    xs = [model.new_int_var(0, 180, f"x{i}") for i in range(60)]
    model.add_all_different(xs)
    model.maximize(sum((i % 7 + 1) * x * (1 if i % 2 else -1) for i, x in enumerate(xs)))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 600
    solver.parameters.catch_sigint_signal = False
    stops: list[bool] = []

    def stop() -> None:
        stops.append(True)
        solver.stop_search()

    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        run_stoppable(lambda: solver.solve(model), stop)
    timer.cancel()
    assert stops == [True]
    assert solver.wall_time < 60  # stopped, not run to its 600-second limit


# --- bad numbers and oversized cells ----------------------------------------------------------


def test_a_matrix_cell_over_the_csv_field_limit_is_one_located_line(tmp_path: Path) -> None:
    (tmp_path / "times.csv").write_text(
        "from/to,alpha,hotel\nalpha,," + "9" * 200_000 + "\nhotel,12,\n", encoding="utf-8"
    )
    visit = tmp_path / "visit.yaml"
    visit.write_text(
        VISIT.replace("  lunch:", "  travel: {matrix: times.csv}\n  lunch:").split("  - {id: beta")[
            0
        ],
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", str(visit)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"{tmp_path / 'times.csv'}:2: a cell is too long to be a place id or a number of minutes\n"
    )


@pytest.mark.parametrize("speed", ["1e-300", "0.5", "0"])
def test_a_speed_too_slow_to_compute_with_is_refused(visit: Path, speed: str) -> None:
    visit.write_text(
        VISIT.replace("  lunch:", f"  travel: {{speed_kmh: {speed}}}\n  lunch:"), encoding="utf-8"
    )
    for command in ("validate", "plan"):
        result = runner.invoke(app, [command, str(visit)])
        assert result.exit_code == 2
        assert result.stderr == f"{visit}:6: speed_kmh: must be at least 1, got {speed}\n"


# --- anything unexpected is status 3, one line ----------------------------------------------


def test_an_unexpected_exception_is_status_3_and_one_line(
    visit: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import itinerary.plan.planner

    def broken(*args: object) -> None:
        raise KeyError("night-7")

    monkeypatch.setattr(itinerary.plan.planner, "compile_spec", broken)
    result = runner.invoke(app, ["plan", str(visit)])
    assert result.exit_code == 3
    assert result.stderr == (
        "internal error: KeyError: 'night-7' (please report it with your visit file)\n"
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_an_unexpected_exception_in_a_real_process_has_no_traceback(tmp_path: Path) -> None:
    visit = tmp_path / "visit.yaml"
    visit.write_text(VISIT, encoding="utf-8")
    result = run_cli(
        "validate",
        str(visit),
        prelude="""
            import itinerary.input.load
            def broken(*args): raise RuntimeError("boom\\nwith two lines")
            itinerary.input.load.semantic_issues = broken
        """,
    )
    assert result.returncode == 3
    assert result.stderr == (
        "internal error: RuntimeError: boom with two lines (please report it with your visit"
        " file)\n"
    )
