"""Start-up cost of the command line, against the bare interpreter, in fresh processes.

Commands run round-robin (one run of each, then the next round), so a busy moment on a shared
machine hits all of them alike; the median of `--runs` rounds is reported with its difference
from two baselines measured in the same run: `python -c pass` and `python -c "import typer"`.
Each command then runs once more with `-X importtime` (PYTHONPROFILEIMPORTTIME) to list its
biggest imports and to prove the rule that `--help`, `validate`, `schema` and `export --help`
never import OR-Tools; the script exits with status 1 if one does.

    python benchmarks/startup.py --force         # 15 rounds; replaces results/startup.csv
    python benchmarks/startup.py --runs 5 --out /tmp/startup.csv
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from itinerary.errors import OutputError
from itinerary.fsio import prepare_output, write_text

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXAMPLE = ROOT / "examples" / "its-owl-week.yaml"
PY = sys.executable


def _itinerary() -> tuple[str, ...]:
    """The console script pip installed next to this interpreter (what users run), else -m."""
    script = shutil.which("itinerary", path=str(Path(PY).parent))
    return (script,) if script else (PY, "-m", "itinerary.cli")


ITINERARY = _itinerary()


@dataclass(frozen=True)
class Command:
    name: str
    argv: tuple[str, ...]
    must_not_import_ortools: bool


PYTHON_BASELINE = Command("python -c pass", (PY, "-c", "pass"), False)
TYPER_BASELINE = Command('python -c "import typer"', (PY, "-c", "import typer"), False)
COMMANDS = (
    PYTHON_BASELINE,
    TYPER_BASELINE,
    Command('python -c "import itinerary.cli"', (PY, "-c", "import itinerary.cli"), True),
    Command("itinerary --help", (*ITINERARY, "--help"), True),
    Command(
        "itinerary validate examples/its-owl-week.yaml",
        (*ITINERARY, "validate", str(EXAMPLE)),
        True,
    ),
    Command("itinerary schema", (*ITINERARY, "schema"), True),
    Command("itinerary export --help", (*ITINERARY, "export", "--help"), True),
)


@dataclass(frozen=True)
class Import:
    """One line of -X importtime: a module, its own and cumulative time, its nesting depth."""

    module: str
    self_us: int
    cumulative_us: int
    depth: int


def run_once(command: Command) -> float:
    """Wall seconds of one run; a failing command is an error, not a timing."""
    start = time.perf_counter()
    subprocess.run(command.argv, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def imports_of(command: Command) -> list[Import]:
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    done = subprocess.run(command.argv, check=True, capture_output=True, text=True, env=env)
    return parse_importtime(done.stderr)


def parse_importtime(stderr: str) -> list[Import]:
    """Lines like `import time:      1234 |      5678 |   pydantic.main` (depth = indent / 2)."""
    imports = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        self_us, cumulative_us, name = line.removeprefix("import time:").split("|", 2)
        if not self_us.strip().isdigit():
            continue  # the header line
        depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
        imports.append(Import(name.strip(), int(self_us), int(cumulative_us), depth))
    return imports


def biggest_top_level(imports: Sequence[Import], n: int = 5) -> list[Import]:
    """The slowest imports the program asked for itself (depth 0), by cumulative time."""
    return sorted((i for i in imports if i.depth == 0), key=lambda i: -i.cumulative_us)[:n]


def uses_ortools(imports: Sequence[Import]) -> bool:
    return any(i.module.split(".")[0] == "ortools" for i in imports)


def measure(runs: int) -> list[dict[str, object]]:
    for command in COMMANDS:
        run_once(command)  # warm the file cache and the .pyc files first
    times: dict[str, list[float]] = {c.name: [] for c in COMMANDS}
    for _ in range(runs):
        for command in COMMANDS:
            times[command.name].append(run_once(command))
    medians = {name: statistics.median(ts) for name, ts in times.items()}
    python_ms = medians[PYTHON_BASELINE.name] * 1000
    typer_ms = medians[TYPER_BASELINE.name] * 1000
    rows = []
    for command in COMMANDS:
        imports = imports_of(command)
        ms = medians[command.name] * 1000
        top = biggest_top_level(imports)
        rows.append(
            {
                "command": command.name,
                "runs": runs,
                "median_ms": round(ms, 1),
                "min_ms": round(min(times[command.name]) * 1000, 1),
                "max_ms": round(max(times[command.name]) * 1000, 1),
                "over_python_ms": round(ms - python_ms, 1),
                "over_typer_ms": round(ms - typer_ms, 1),
                "modules": len(imports),
                "imports_ortools": uses_ortools(imports),
                "must_not_import_ortools": command.must_not_import_ortools,
                "biggest_imports": "; ".join(
                    f"{i.module} {i.cumulative_us / 1000:.0f} ms" for i in top
                ),
            }
        )
    return rows


def markdown_table(rows: Sequence[dict[str, object]]) -> str:
    lines = [
        "| command | median ms | over `python -c pass` | over `import typer` | modules "
        "| OR-Tools | biggest imports (cumulative) |",
        "| --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for r in rows:
        ortools = "imported" if r["imports_ortools"] else "not imported"
        lines.append(
            f"| `{r['command']}` | {r['median_ms']} | {r['over_python_ms']:+} | "
            f"{r['over_typer_ms']:+} | {r['modules']} | {ortools} | {r['biggest_imports']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Measure the start-up time of itinerary commands (median of fresh "
        "processes) against python and typer, and check that OR-Tools is not imported."
    )
    parser.add_argument("--runs", type=int, default=15, help="rounds of every command (15)")
    parser.add_argument(
        "--out",
        type=Path,
        default=HERE / "results" / "startup.csv",
        help="CSV file to write; an existing one is kept unless --force",
    )
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    args = parser.parse_args(argv)
    try:
        prepare_output(args.out, force=args.force)  # before the minute of measuring
        rows = measure(args.runs)
        text = io.StringIO(newline="")
        writer = csv.DictWriter(text, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        write_text(args.out, text.getvalue(), force=args.force)
    except OutputError as exc:
        print(f"startup.py: {exc}", file=sys.stderr)
        return 2
    print(markdown_table(rows))
    print(f"\nwrote {args.out} ({args.runs} runs each, cpus: {os.cpu_count()})", file=sys.stderr)
    offenders = [
        r["command"] for r in rows if r["must_not_import_ortools"] and r["imports_ortools"]
    ]
    if offenders:
        print(f"FAIL: OR-Tools imported by {', '.join(map(str, offenders))}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
