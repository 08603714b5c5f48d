"""The command line: arguments in, library calls, console and progress out, exit codes.

Heavy modules (pydantic models, OR-Tools) are imported inside the commands so `--help` is fast.
Exit status: 0 plan complete; 1 a plan was made but a must-visit or event is missing;
2 invalid input or refused output; 3 internal error.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from . import __version__
from .errors import InputError, InternalError, OutputError

EXIT_OK, EXIT_PARTIAL, EXIT_INVALID, EXIT_INTERNAL = 0, 1, 2, 3
# When the command began: `main_options` runs first for every command (also when the tests
# invoke one in-process), before the command's options are read; `plan --time-limit` counts
# from here.
_started = time.monotonic()

app = typer.Typer(
    name="itinerary",
    help="Plan a business delegation's multi-day visit programme from a YAML file.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)

F = TypeVar("F", bound=Callable[..., Any])


def _err(message: str) -> None:
    typer.echo(message, err=True)


def handles_errors(command: F) -> F:
    """The one place where domain errors become exit codes."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InputError as exc:
            for issue in exc.issues:
                _err(str(issue))
            raise typer.Exit(EXIT_INVALID) from None
        except OutputError as exc:
            _err(f"error: {exc}")
            raise typer.Exit(EXIT_INVALID) from None
        except InternalError as exc:
            _err(f"internal error: {exc} (please report this with your visit file)")
            raise typer.Exit(EXIT_INTERNAL) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"itinerary {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Plan a business delegation's multi-day visit programme from a YAML file."""
    global _started
    _started = time.monotonic()


VisitFile = Annotated[
    Path,
    typer.Argument(help="The trip description (visit.yaml).", show_default=False, metavar="VISIT"),
]
LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language of labels and dates: en, de or fr (default: the trip's language).",
        show_default=False,
    ),
]
AudienceOption = Annotated[
    str,
    typer.Option(
        "--for",
        help="organiser: also list left-out hosts with reasons; delegation: the programme only.",
    ),
]


def _render_options(lang: str | None, audience: str) -> Any:
    from .render import RenderOptions
    from .render.i18n import LANGUAGES

    if lang is not None and lang not in LANGUAGES:
        raise OutputError(f"--lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    if audience not in ("organiser", "delegation"):
        raise OutputError(f"--for must be organiser or delegation, not {audience!r}")
    return RenderOptions(lang=lang, audience=audience)  # type: ignore[arg-type]


@app.command()
@handles_errors
def plan(
    visit: VisitFile,
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit",
            help="Finish within this many seconds (1 to 3600), searching as long as that "
            "allows, instead of the fixed search budget (results may then differ between "
            "machines).",
            show_default=False,
        ),
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the plan as JSON to this file.")
    ] = None,
    export: Annotated[
        list[str] | None,
        typer.Option(
            "--export",
            help="Also export the plan in this format (repeatable): ics, hosts, html, md, csv, "
            "xlsx, json. Written beside the visit file (visit.html, visit-hosts/, …).",
            show_default=False,
        ),
    ] = None,
    lang: LangOption = None,
    audience: AudienceOption = "organiser",
    prove: Annotated[
        bool,
        typer.Option(
            "--bound/--no-bound",
            help="Prove how good the plan is (an upper bound on the score, 'optimal' when met) "
            "on trip-sized problems; --no-bound skips the proof.",
        ),
    ] = True,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite existing output files.")
    ] = False,
) -> None:
    """Plan the trip and print the programme, one table per day."""
    from .solver import Deadline, time_limit_problem

    if time_limit is not None and (refused := time_limit_problem(time_limit)):
        raise OutputError(refused)
    # The limit bounds the whole command: its clock started before anything was loaded.
    deadline = None if time_limit is None else Deadline.within(time_limit, _started)

    from rich.console import Console

    from .export import check_destination, check_format, default_destination, export_plan
    from .fsio import refuse_overwrite, write_text
    from .load import load_spec
    from .planner import DEFAULT_BOUND, make_plan
    from .render.terminal import print_plan
    from .solver import SolveParams

    formats = list(dict.fromkeys(export or []))
    for fmt in formats:
        check_format(fmt)
    options = _render_options(lang, audience)
    if json_out is not None:
        refuse_overwrite(json_out, force=force)
    for fmt in formats:
        check_destination(fmt, default_destination(visit, fmt), force=force)
    loaded = load_spec(visit)
    params = SolveParams() if time_limit is None else SolveParams.for_seconds(time_limit)
    bound = DEFAULT_BOUND if prove else None
    with LiveProgress(Console(stderr=True)) as observer:
        result = make_plan(loaded, params, observer, bound, deadline)
    print_plan(result, Console(), options.language(result))
    if json_out is not None:
        write_text(json_out, result.to_json(), force=force)
        _err(f"wrote {json_out}")
    for fmt in formats:
        written = export_plan(result, fmt, default_destination(visit, fmt), options, force=force)
        _err(_describe_written(written))
    missing = result.missing_required()
    if missing:
        names = ", ".join(u.id for u in missing)
        _err(f"incomplete plan: {names} could not be placed (see reasons above)")
        raise typer.Exit(EXIT_PARTIAL)


def _describe_written(written: Any) -> str:
    if written.files != 1:
        return f"wrote {written.path}/ ({written.files} files)"
    return f"wrote {written.path}"


@app.command("export")
@handles_errors
def export_command(
    plan_file: Annotated[
        Path,
        typer.Argument(
            help="A plan saved with: itinerary plan visit.yaml --json plan.json", metavar="PLAN"
        ),
    ],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="ics, hosts (a folder: a note and a calendar per host), html, md, csv, xlsx "
            "or json.",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="File (or folder for hosts) to write; '-' for standard output. "
            "Default: beside the plan (plan.html, plan-hosts/, …).",
            show_default=False,
        ),
    ] = None,
    lang: LangOption = None,
    audience: AudienceOption = "organiser",
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing file or non-empty folder.")
    ] = False,
) -> None:
    """Export a saved plan without planning again: calendars, host notes, printable pages."""
    from .export import check_format, default_destination, export_plan, read_plan

    check_format(fmt)
    options = _render_options(lang, audience)
    destination: Path | str = out if out is not None else default_destination(plan_file, fmt)
    saved = read_plan(plan_file)
    written = export_plan(saved, fmt, destination, options, force=force)
    if written.path != "-":
        _err(_describe_written(written))


def describe_progress(progress: Any) -> str:
    """One status line for the best solution so far."""
    missing = (
        f" · {progress.missing_required} must-visits or events missing"
        if progress.missing_required
        else ""
    )
    doing = "proving how good it is…" if progress.proving else "planning…"
    return (
        f"{doing} {progress.solutions} solutions · best score {progress.score} of "
        f"{progress.max_score} · travel {progress.travel_minutes} min{missing}"
    )


class LiveProgress:
    """A live status line with the best score so far, drawn only on a terminal."""

    def __init__(self, console: Any) -> None:
        self.console = console
        self.status: Any = None

    def __enter__(self) -> Callable[[Any], None]:
        if self.console.is_terminal:
            self.status = self.console.status("planning…")
            self.status.start()
        return self.update

    def update(self, progress: Any) -> None:
        if self.status is not None:
            self.status.update(describe_progress(progress))

    def __exit__(self, *exc: object) -> None:
        if self.status is not None:
            self.status.stop()


@app.command()
@handles_errors
def validate(visit: VisitFile) -> None:
    """Check a visit file without planning."""
    from .load import load_spec

    loaded = load_spec(visit)
    spec = loaded.spec
    typer.echo(
        f"{visit}: valid — {len(spec.hosts)} hosts, {len(spec.events)} events, "
        f"{len(spec.trip_dates())} days ({spec.trip.start} to {spec.trip.end})"
    )


@app.command()
@handles_errors
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the starter file.")] = Path(
        "visit.yaml"
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented starter visit.yaml that validates and plans."""
    from importlib.resources import files

    from .fsio import write_text

    text = files("itinerary").joinpath("starter.yaml").read_text(encoding="utf-8")
    write_text(path, text, force=force)
    typer.echo(f"wrote {path}; next: itinerary plan {path}")


@app.command()
def schema() -> None:
    """Print the JSON Schema of visit.yaml (for editors that check YAML)."""
    import json

    from .spec import VisitSpec

    typer.echo(json.dumps(VisitSpec.model_json_schema(by_alias=True), indent=2, ensure_ascii=False))


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
