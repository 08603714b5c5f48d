"""The command line: arguments in, library calls, console and progress out, exit codes.

Heavy modules (pydantic models, OR-Tools) are imported inside the commands so `--help` is fast.
Exit status: 0 plan complete; 1 a plan was made but a must-visit, an event or a must choice is
missing; 2 invalid input or refused output; 3 internal error.
"""

from __future__ import annotations

import errno
import functools
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from . import __version__
from .errors import InputError, InternalError, Issue, OutputError, counted

EXIT_OK, EXIT_PARTIAL, EXIT_INVALID, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_TERMINATED, EXIT_CLOSED_PIPE = 130, 143, 141
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


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (SIGINT), as raised by the handler `main` installs: reported as "interrupted",
    exit status 130. A KeyboardInterrupt, so that the solver, which holds it while OR-Tools or
    CP-SAT runs (`solver.interrupts`), and every clean-up on the way out treat it as one."""

    status = 130
    word = "interrupted"


class Terminated(Interrupted):
    """SIGTERM or SIGHUP: ended as Ctrl-C ends a command, reported as "terminated", 143."""

    status = 143
    word = "terminated"


def _interruption(exc: BaseException) -> KeyboardInterrupt | None:
    """The Ctrl-C or SIGTERM behind an exception, if any: OR-Tools reports a KeyboardInterrupt
    raised in one of our callbacks as a SystemError whose context is that interrupt."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _internal_message(exc: BaseException) -> str:
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    if len(text) > 300:
        text = text[:300] + "…"
    return f"internal error: {text} (please report it with your visit file)"


def handles_errors(command: F) -> F:
    """The one place where outcomes become exit codes and one-line messages: invalid input and
    refused outputs 2, a broken guarantee or any unexpected exception 3, Ctrl-C 130 and SIGTERM
    143. Never a traceback."""

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
        except StandardOutputClosed:
            raise typer.Exit(EXIT_CLOSED_PIPE) from None
        except InternalError as exc:
            _err(f"internal error: {exc} (please report this with your visit file)")
            raise typer.Exit(EXIT_INTERNAL) from None
        except KeyboardInterrupt as exc:
            raise typer.Exit(_interrupted(exc)) from None
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except Exception as exc:
            interrupt = _interruption(exc)
            if interrupt is not None:
                raise typer.Exit(_interrupted(interrupt)) from None
            _err(_internal_message(exc))
            raise typer.Exit(EXIT_INTERNAL) from None

    return wrapper  # type: ignore[return-value]


def _interrupted(exc: KeyboardInterrupt) -> int:
    """Report an interruption once, in one line; its exit status."""
    if not getattr(exc, "reported", False):
        _err(getattr(exc, "word", Interrupted.word))
        exc.reported = True  # type: ignore[attr-defined]
    return int(getattr(exc, "status", Interrupted.status))


class StandardOutputClosed(Exception):
    """Whoever read standard output stopped reading (`itinerary schema | head`): not an error
    to report; the command ends quietly."""


@contextmanager
def standard_output() -> Iterator[None]:
    """Writing to standard output: a full disk or a closed pipe is one line, not a traceback.
    Flushed here, so that no write fails later, when Python exits."""
    try:
        yield
        sys.stdout.flush()
    except OSError as exc:
        _silence_standard_output()
        if exc.errno == errno.EPIPE:
            raise StandardOutputClosed from None
        reason = (exc.strerror or type(exc).__name__).lower()
        raise OutputError(f"cannot write to standard output: {reason}") from None


def _silence_standard_output() -> None:
    """Send what is still buffered for standard output nowhere, so that Python's own flush at
    exit does not fail a second time with a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (tests capture it): nothing is flushed at exit


def _print_warnings(issues: tuple[Issue, ...] | list[Issue]) -> None:
    for issue in issues:
        _err(f"{issue.file}:{issue.line}: warning: {issue.message}")


def _print_notes(issues: tuple[Issue, ...]) -> None:
    for issue in issues:
        _err(f"{issue.file}:{issue.line}: note: {issue.message}")


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


WithTravelOption = Annotated[
    bool,
    typer.Option(
        "--with-travel",
        help="ics: add every coach departure to the calendar (from, to, departure and arrival).",
    ),
]


def _render_options(
    lang: str | None, audience: str, with_travel: bool = False, formats: tuple[str, ...] = ()
) -> Any:
    from .render import RenderOptions
    from .render.i18n import LANGUAGES

    if lang is not None and lang not in LANGUAGES:
        raise OutputError(f"--lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    if audience not in ("organiser", "delegation"):
        raise OutputError(f"--for must be organiser or delegation, not {audience!r}")
    if with_travel and "ics" not in formats:
        shown = ", ".join(formats) or "the terminal tables"
        raise OutputError(f"--with-travel applies to the ics calendar only, not to {shown}")
    return RenderOptions(lang=lang, audience=audience, with_travel=with_travel)  # type: ignore[arg-type]


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
        str | None,
        typer.Option(
            "--json",
            help="Also write the plan as JSON to this file ('-': standard output, with the "
            "tables on standard error).",
            show_default=False,
        ),
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
    with_travel: WithTravelOption = False,
    prove: Annotated[
        bool,
        typer.Option(
            "--bound/--no-bound",
            help="Prove how good the plan is (the best score and the least travel, 'optimal' when "
            "the plan meets both) on trip-sized problems; --no-bound skips the proof.",
        ),
    ] = True,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite existing output files.")
    ] = False,
    legs: Annotated[
        bool,
        typer.Option(
            "--legs",
            help="Print each coach leg as a row of its own, with names whole (by default a "
            "leg is folded into the row it leads to and long names are shortened).",
        ),
    ] = False,
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous",
            help="Re-plan against this earlier plan (JSON, as sent to the hosts): after the "
            "score, move or drop as few of its visits as possible, and list what changed. It "
            "is read before anything is written, so it may be the --json file (with --force).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Plan the trip and print the programme, one table per day."""
    from .solver import Deadline, time_limit_problem

    if time_limit is not None and (refused := time_limit_problem(time_limit)):
        raise OutputError(refused)
    # The limit bounds the whole command: its clock started before anything was loaded.
    deadline = None if time_limit is None else Deadline.within(time_limit, _started)

    from rich.console import Console

    from .fsio import write_text
    from .input.load import load_spec
    from .plan.planner import PLAN_PARAMS, make_plan
    from .render.export import (
        Destination,
        check_destinations,
        check_format,
        default_destination,
        export_plan,
    )
    from .render.terminal import print_plan

    old = None
    if previous is not None:
        from .render.export import read_plan

        old = read_plan(previous, warn=lambda issue: _print_warnings([issue]))
    formats = list(dict.fromkeys(export or []))
    for fmt in formats:
        check_format(fmt)
    options = _render_options(lang, audience, with_travel, tuple(formats))
    loaded = load_spec(visit)
    _print_warnings(loaded.warnings)
    _print_notes(loaded.notes)
    # Every output is checked before the plan is made (which can take minutes): a mistyped
    # folder, a read-only one, an existing file without --force, an output that is one of the
    # inputs, two outputs to one file.
    destinations = [Destination(fmt, default_destination(visit, fmt)) for fmt in formats]
    if json_out is not None:
        destinations.insert(0, Destination("json", json_out if json_out == "-" else Path(json_out)))
    check_destinations(destinations, list(loaded.files), force=force)
    params = PLAN_PARAMS if time_limit is None else PLAN_PARAMS.for_seconds(time_limit)
    if not prove:
        params = replace(params, proof=None)
    with LiveProgress(Console(stderr=True)) as observer:
        result = make_plan(loaded, params, observer, deadline, previous=old)
    tables_to_stderr = json_out == "-"  # standard output is then the JSON, and only it
    with standard_output():
        console = Console(stderr=tables_to_stderr)
        print_plan(result, console, options.language(result), legs)
        if old is not None:
            from .render.changes import changes_renderable

            console.print(changes_renderable(old, result, options.language(result)))
        if json_out == "-":
            sys.stdout.write(result.to_json())
    if json_out is not None and json_out != "-":
        write_text(json_out, result.to_json(), force=force)
        _err(f"wrote {json_out}")
    for fmt in formats:
        written = export_plan(result, fmt, default_destination(visit, fmt), options, force=force)
        _err(_describe_written(written))
    missing = [u.name for u in result.missing_required()]
    missing += [f"one of {' or '.join(c.names)}" for c in result.unmet()]
    if missing:
        _err(f"incomplete plan: {', '.join(missing)} could not be placed (see reasons above)")
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
    with_travel: WithTravelOption = False,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing file or non-empty folder.")
    ] = False,
) -> None:
    """Export a saved plan without planning again: calendars, host notes, printable pages."""
    from .render.export import (
        Destination,
        check_destinations,
        check_format,
        default_destination,
        export_plan,
        read_plan,
    )

    check_format(fmt)
    options = _render_options(lang, audience, with_travel, (fmt,))
    destination: Path | str = out if out is not None else default_destination(plan_file, fmt)
    if str(destination) == "-":
        destination = "-"
    saved = read_plan(plan_file, warn=lambda issue: _print_warnings([issue]))
    check_destinations([Destination(fmt, destination)], [plan_file], force=force)
    with standard_output():
        written = export_plan(saved, fmt, destination, options, force=force)
    if written.path != "-":
        _err(_describe_written(written))


def describe_progress(progress: Any) -> str:
    """One status line for the best solution so far."""
    missing = (
        f" · {counted(progress.missing_required, 'must-visit or event', 'must-visits or events')}"
        " missing"
        if progress.missing_required
        else ""
    )
    doing = "proving how good it is…" if progress.proving else "planning…"
    return (
        f"{doing} {counted(progress.solutions, 'solution')} · best score {progress.score} of "
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
    from .input.load import letter_warnings, load_spec

    loaded = load_spec(visit)
    _print_warnings([*loaded.warnings, *letter_warnings(loaded)])
    _print_notes(loaded.notes)
    spec = loaded.spec
    hosts, events = len(spec.hosts), len(spec.events)
    days = len(spec.trip_dates())
    with standard_output():
        typer.echo(
            f"{visit}: valid — {counted(hosts, 'host')}, {counted(events, 'event')}, "
            f"{counted(days, 'day')} ({spec.trip.start} to {spec.trip.end})"
        )


@app.command()
@handles_errors
def init(
    path: Annotated[
        str, typer.Argument(help="Where to write the starter file ('-': standard output).")
    ] = "visit.yaml",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented starter visit.yaml that validates and plans."""
    from importlib.resources import files

    from .fsio import write_text

    text = files("itinerary").joinpath("starter.yaml").read_text(encoding="utf-8")
    if path == "-":
        with standard_output():
            sys.stdout.write(text)
        return
    write_text(path, text, force=force)
    with standard_output():
        typer.echo(f"wrote {path}; next: itinerary plan {path}")


@app.command()
@handles_errors
def schema() -> None:
    """Print the JSON Schema of visit.yaml (for editors that check YAML)."""
    import json

    from .input.spec import VisitSpec

    text = json.dumps(VisitSpec.model_json_schema(by_alias=True), indent=2, ensure_ascii=False)
    with standard_output():
        typer.echo(text)


def main() -> None:
    """The console script: Ctrl-C, SIGTERM and SIGHUP end a command with one line and status
    130 or 143 (every temporary file removed on the way out), and whatever escapes a command is
    one line, never a traceback."""
    raised: list[Interrupted] = []

    def raising(kind: type[Interrupted]) -> Callable[[int, Any], None]:
        def handler(signum: int, frame: Any) -> None:
            exc = kind()
            raised.append(exc)
            raise exc

        return handler

    for name, kind in (("SIGINT", Interrupted), ("SIGTERM", Terminated), ("SIGHUP", Terminated)):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), raising(kind))
    try:
        code = app(standalone_mode=False)
    except KeyboardInterrupt as exc:  # outside a command: while the arguments were read
        code = _interrupted(exc)
    except typer.Abort as exc:
        code = _interrupted(_interruption(exc) or Interrupted())
    except typer.TyperException as exc:
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            _err(f"error: {exc}")
        code = int(getattr(exc, "exit_code", EXIT_INVALID))
    except Exception as exc:
        interrupt = _interruption(exc)
        if interrupt is not None:
            code = _interrupted(interrupt)
        else:
            _err(_internal_message(exc))
            code = EXIT_INTERNAL
    if raised and not getattr(raised[-1], "reported", False):
        # Typer ends a command interrupted outside our handler with 130, silently.
        code = _interrupted(raised[-1])
    try:
        with standard_output():
            pass
    except OutputError as exc:
        _err(f"error: {exc}")
        code = code or EXIT_INVALID
    except StandardOutputClosed:
        code = code or EXIT_CLOSED_PIPE
    sys.exit(code if isinstance(code, int) else EXIT_OK)


if __name__ == "__main__":
    main()
