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
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from . import __version__
from .errors import InputError, InternalError, Issue, OutputError, RoadError, counted

if TYPE_CHECKING:
    from .input.spec import Language

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
        except (OutputError, RoadError) as exc:
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


def _check_lang(lang: str | None) -> Language | None:
    """`--lang` as one of the languages the outputs are printed in (None: not given)."""
    from .render.i18n import LANGUAGES

    if lang is None:
        return None
    for known in LANGUAGES:
        if lang == known:
            return known
    raise OutputError(f"--lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")


def _render_options(
    lang: str | None, audience: str, with_travel: bool = False, formats: tuple[str, ...] = ()
) -> Any:
    from .render import RenderOptions

    _check_lang(lang)
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
            help="Also export the plan in this format (repeatable): ics, hosts, meetings, "
            "members, html, md, csv, xlsx, json. Written beside the visit file (visit.html, "
            "visit-hosts/, …).",
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
        check_exportable_visit,
        check_format,
        default_destination,
        export_plan,
        replan_warnings,
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
    check_exportable_visit(loaded.spec, formats, visit)
    params = PLAN_PARAMS if time_limit is None else PLAN_PARAMS.for_seconds(time_limit)
    if not prove:
        params = replace(params, proof=None)
    with LiveProgress(Console(stderr=True)) as observer:
        result = make_plan(loaded, params, observer, deadline, previous=old)
    if old is not None and previous is not None:
        _print_warnings(replan_warnings(old, result, previous))
    tables_to_stderr = json_out == "-"  # standard output is then the JSON, and only it
    with standard_output():
        console = Console(stderr=tables_to_stderr)
        print_plan(result, console, options.language(result), legs)
        if old is not None:
            from .render.replan import changes_renderable

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


@app.command()
@handles_errors
def match(
    visit: VisitFile,
    event: Annotated[
        str | None,
        typer.Option("--event", help="Only this matchmaking event (its id).", show_default=False),
    ] = None,
    json_out: Annotated[
        str | None,
        typer.Option(
            "--json",
            help="Also write the meetings as JSON (itinerary-meetings/1) to this file ('-': "
            "standard output, with the tables on standard error).",
            show_default=False,
        ),
    ] = None,
    lang: LangOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing JSON file.")
    ] = False,
) -> None:
    """Schedule the one-to-one meetings of the matchmaking events only (not the trip)."""
    from rich.console import Console

    from .fsio import write_text
    from .input.load import load_spec
    from .match.assemble import match_events, matchmaking_events
    from .render.export import Destination, check_destinations
    from .render.meetings import all_meetings_renderable

    chosen = _check_lang(lang)
    loaded = load_spec(visit)
    _print_warnings(loaded.warnings)
    events = matchmaking_events(loaded.spec)
    if not events:
        raise OutputError(f"{visit} has no event with `matchmaking`")
    if event is not None and event not in {e.id for e in events}:
        ids = ", ".join(e.id for e in events)
        raise OutputError(f"no matchmaking event {event!r} in {visit} (there is: {ids})")
    if json_out is not None:
        target: Path | str = json_out if json_out == "-" else Path(json_out)
        check_destinations([Destination("json", target)], list(loaded.files), force=force)
    result = match_events(loaded, event_id=event)
    language = chosen or loaded.spec.trip.language
    with standard_output():
        Console(stderr=json_out == "-").print(all_meetings_renderable(result.events, language))
        if json_out == "-":
            sys.stdout.write(result.to_json())
    if json_out is not None and json_out != "-":
        write_text(json_out, result.to_json(), force=force)
        _err(f"wrote {json_out}")
    missing = [" and ".join(u.with_) for e in result.events for u in e.unmatched if u.must]
    if missing:
        _err(f"incomplete: the must meetings {'; '.join(missing)} could not be scheduled")
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
            help="ics, hosts (a folder: a note and a calendar per host), meetings (a folder: a "
            "schedule and a calendar per matchmaking participant), members (a folder: a "
            "programme and a calendar per member of the delegation), html, md, csv, xlsx or "
            "json.",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="File (or folder for hosts, meetings and members) to write; '-' for standard "
            "output. "
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
    changed_since: Annotated[
        Path | None,
        typer.Option(
            "--changed-since",
            help="hosts: write letters only to the hosts whose visit differs from this earlier "
            "plan (a new time, a cancellation, a new invitation), each with a calendar update "
            "of the earlier entry. Default folder: beside the plan (plan-changes/).",
            show_default=False,
            metavar="OLD",
        ),
    ] = None,
    visit: Annotated[
        Path | None,
        typer.Option(
            "--visit",
            help="The plan's visit file: check the plan against every rule of the trip before "
            "exporting (without it, only what the plan alone can tell is checked).",
            show_default=False,
        ),
    ] = None,
    unchecked: Annotated[
        bool,
        typer.Option(
            "--unchecked", help="Export the plan even if it fails the check (a hand-edited plan)."
        ),
    ] = False,
    visitor_list: Annotated[
        bool,
        typer.Option(
            "--visitor-list",
            help="hosts: each letter lists the names and organisations of the delegation's "
            "members who come on the visit (sites often need them in advance for security). "
            "Off by default: these are personal data.",
        ),
    ] = False,
) -> None:
    """Export a saved plan without planning again: calendars, host notes, printable pages,
    members' programmes."""
    from .render.export import (
        Destination,
        check_destinations,
        check_exportable,
        check_format,
        default_destination,
        export_plan,
        read_plan,
    )

    check_format(fmt)
    options = _render_options(lang, audience, with_travel, (fmt,))
    if visitor_list:
        if fmt != "hosts":
            raise OutputError(f"--visitor-list applies to --format hosts only, not to {fmt}")
        options = replace(options, visitor_list=True)
    loaded = None
    if visit is not None and not unchecked:
        from .input.load import load_spec

        loaded = load_spec(visit)
        _print_warnings(loaded.warnings)
    if changed_since is not None:
        if fmt != "hosts":
            raise OutputError(f"--changed-since applies to --format hosts only, not to {fmt}")
        check = None if unchecked else (loaded, visit)
        _export_changes(plan_file, changed_since, out, options, check, force=force)
        return
    destination: Path | str = out if out is not None else default_destination(plan_file, fmt)
    if str(destination) == "-":
        destination = "-"
    saved = read_plan(plan_file, warn=lambda issue: _print_warnings([issue]))
    check_exportable(saved, fmt, options)
    inputs = [plan_file] if loaded is None else [plan_file, *loaded.files]
    check_destinations([Destination(fmt, destination)], inputs, force=force)
    if not unchecked:
        _refuse_unless_it_holds(saved, loaded, plan_file, visit, options.language(saved))
    with standard_output():
        written = export_plan(saved, fmt, destination, options, force=force)
    if written.path != "-":
        _err(_describe_written(written))


def _export_changes(
    plan_file: Path,
    old_file: Path,
    out: Path | None,
    options: Any,
    check: tuple[Any, Path | None] | None,
    *,
    force: bool,
) -> None:
    """`export --format hosts --changed-since OLD`: letters to the hosts that must be told.
    `check`: the loaded visit file (or None) and its path, to refuse a plan that does not hold
    as every export does; None with --unchecked."""
    import datetime as dt

    from .render.export import (
        Destination,
        changes_destination,
        changes_summary,
        changes_warnings,
        check_destinations,
        check_exportable,
        export_changes,
        read_plans_for_changes,
    )

    destination = out if out is not None else changes_destination(plan_file)
    if str(destination) == "-":
        raise OutputError("hosts cannot be written to standard output; give --out FOLDER")
    earlier, saved = read_plans_for_changes(
        old_file, plan_file, warn=lambda issue: _print_warnings([issue])
    )
    check_exportable(saved, "hosts", options)
    loaded, visit = check if check is not None else (None, None)
    inputs = [plan_file, old_file] + ([] if loaded is None else list(loaded.files))
    check_destinations([Destination("hosts", destination)], inputs, force=force)
    if check is not None:
        _refuse_unless_it_holds(saved, loaded, plan_file, visit, options.language(saved))
    # A scheduling message is stamped when it is made (RFC 5545 DTSTAMP with METHOD).
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    written, letters = export_changes(earlier, saved, destination, options, stamp, force=force)
    if written is None:
        _err(
            f"no host must be told: {counted(len(letters.unchanged), 'host')} unchanged since "
            f"{old_file}; nothing written"
        )
        return
    _err(f"{_describe_written(written)}: {changes_summary(letters)}")
    _print_warnings(changes_warnings(earlier, saved, old_file, plan_file))


@app.command()
@handles_errors
def suggest(
    visit: VisitFile,
    host: Annotated[
        str,
        typer.Argument(help="The id of a host not in the plan.", show_default=False),
    ],
    plan_file: Annotated[
        Path | None,
        typer.Option(
            "--plan",
            help="The plan to suggest against (saved with plan --json); default: plan the "
            "trip first, as `itinerary plan` does.",
            show_default=False,
            metavar="PLAN",
        ),
    ] = None,
    json_out: Annotated[
        str | None,
        typer.Option(
            "--json",
            help="Also write the slots as JSON (itinerary-suggest/1) to this file ('-': "
            "standard output, with the text on standard error).",
            show_default=False,
        ),
    ] = None,
    lang: LangOption = None,
    limit: Annotated[
        int, typer.Option("--limit", help="Show at most this many slots, best first.")
    ] = 10,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing JSON file.")
    ] = False,
) -> None:
    """List the slots where a host left out would fit if it agreed, best first, with their
    cost to the plan and the sentence to send the host."""
    from rich.console import Console

    from .fsio import write_text
    from .input.load import load_spec
    from .plan.suggest import find_host
    from .plan.suggest import suggest as suggest_slots
    from .render.export import Destination, check_destinations, read_plan
    from .render.suggestion import suggestion_json, suggestion_text

    chosen = _check_lang(lang)
    if limit < 1:
        raise OutputError(f"--limit must be 1 or more, not {limit}")
    loaded = load_spec(visit)
    _print_warnings(loaded.warnings)
    _print_notes(loaded.notes)
    find_host(loaded, host)  # an unknown id is refused before any planning
    inputs = list(loaded.files) + ([plan_file] if plan_file is not None else [])
    if json_out is not None:
        out = json_out if json_out == "-" else Path(json_out)
        check_destinations([Destination("json", out)], inputs, force=force)
    if plan_file is not None:
        saved = read_plan(plan_file, warn=lambda issue: _print_warnings([issue]))
    else:
        from .plan.planner import make_plan

        with LiveProgress(Console(stderr=True)) as observer:
            saved = make_plan(loaded, observer=observer)
    try:
        found = suggest_slots(loaded, saved, host)
    except ValueError as exc:
        shown = str(plan_file) if plan_file is not None else str(visit)
        raise InputError(Issue(shown, 1, f"{exc}")) from None
    language = chosen or loaded.spec.trip.language
    text = suggestion_text(found, language, limit)
    data = suggestion_json(found, language, limit)
    with standard_output():
        if json_out == "-":
            sys.stderr.write(text)
            sys.stdout.write(data)
        else:
            sys.stdout.write(text)
    if json_out is not None and json_out != "-":
        write_text(json_out, data, force=force)
        _err(f"wrote {json_out}")


# How many of a refused plan's broken rules `export` prints.
REFUSAL_SHOWN = 5


def _refuse_unless_it_holds(
    plan: Any, loaded: Any, plan_file: Path, visit: Path | None, lang: Any
) -> None:
    """`export` of a plan that fails the check: its first broken rules, in the reader's words,
    and an OutputError (exit 2: the output is refused). With the visit file every rule is
    checked; without it, what the plan alone can tell (`check.check_plan_alone`)."""
    from .plan.check import check_plan, check_plan_alone
    from .render.check_words import summary

    violations = check_plan(plan, loaded) if loaded is not None else check_plan_alone(plan)
    if not violations:
        return
    for line in summary(violations, plan.trip.timezone, lang, REFUSAL_SHOWN):
        _err(line)
    how = f"itinerary check {visit} {plan_file}" if visit else f"itinerary check VISIT {plan_file}"
    raise OutputError(
        f"{plan_file} does not hold ({counted(len(violations), 'broken rule')}), so it is not "
        f"exported; see {how}, or export it anyway with --unchecked"
    )


@app.command()
@handles_errors
def check(
    visit: VisitFile,
    plan_file: Annotated[
        Path,
        typer.Argument(
            help="A plan (plan.json) or its spreadsheet (itinerary export --format xlsx), "
            "edited by hand.",
            metavar="PLAN",
            show_default=False,
        ),
    ],
    json_out: Annotated[
        str | None,
        typer.Option(
            "--json",
            help="Write the plan as read (drives laid out again, figures recounted) to this "
            "file ('-': standard output, with the findings on standard error).",
            show_default=False,
        ),
    ] = None,
    lang: LangOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing output file.")
    ] = False,
) -> None:
    """Check a hand-edited plan or spreadsheet against every rule of the trip."""
    from .fsio import write_text
    from .input.load import load_spec
    from .plan.check import check_edited
    from .plan.retime import retime
    from .render.check_words import edited_report
    from .render.export import Destination, check_destinations, read_plan
    from .render.xlsx_import import is_xlsx, read_edited

    options = _render_options(lang, "organiser")
    loaded = load_spec(visit)
    _print_warnings(loaded.warnings)
    if json_out is not None:
        target: Path | str = json_out if json_out == "-" else Path(json_out)
        check_destinations([Destination("json", target)], [plan_file, *loaded.files], force=force)
    stated = None
    if is_xlsx(plan_file):
        result = read_edited(plan_file, loaded)
        if any(e.matchmaking is not None for e in loaded.spec.events):
            from .plan.planner import with_meetings

            # The spreadsheet's meeting sheets are for reading, not read back (their rows name
            # people, not ids): the meetings are scheduled again inside the events as edited.
            result = with_meetings(result, loaded)
            _err(
                f"{plan_file}: the matchmaking meetings are scheduled again from {visit}; "
                "edits on a meetings sheet are not read back"
            )
    else:
        stated = read_plan(plan_file, warn=lambda issue: _print_warnings([issue]))
        result = retime(stated, loaded)
    found = check_edited(result, loaded, stated)
    lines = edited_report(found, options.language(result))
    on_stdout = json_out != "-"
    with standard_output():
        text = "\n".join(lines)
        if on_stdout:
            typer.echo(text)
        else:
            _err(text)
            sys.stdout.write(result.to_json())
    if json_out is not None and json_out != "-":
        write_text(json_out, result.to_json(), force=force)
        _err(f"wrote {json_out}")
    if found.missing:
        _err(f"incomplete plan: {', '.join(found.missing)} not in the programme")
    if not found.holds:
        raise typer.Exit(EXIT_PARTIAL)


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


@app.command("diff")
@handles_errors
def diff_command(
    old_file: Annotated[
        Path,
        typer.Argument(
            help="The earlier plan (the one the hosts were written from).", metavar="OLD"
        ),
    ],
    new_file: Annotated[Path, typer.Argument(help="The new plan.", metavar="NEW")],
    json_out: Annotated[
        str | None,
        typer.Option(
            "--json",
            help="Also write the changes as JSON (itinerary-diff/1) to this file ('-': standard "
            "output, with the tables on standard error).",
            show_default=False,
        ),
    ] = None,
    lang: LangOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing JSON file.")
    ] = False,
) -> None:
    """Say what changed between two saved plans: which hosts to tell (moved, removed, added),
    events, and the shape of each day."""
    from rich.console import Console

    from .fsio import write_text
    from .plan.diff import diff_plans
    from .render.changes import print_diff
    from .render.export import Destination, check_destinations, read_plan

    options = _render_options(lang, "organiser")
    destination = json_out if json_out in (None, "-") else Path(json_out)
    if destination is not None:
        check_destinations([Destination("json", destination)], [old_file, new_file], force=force)
    old = read_plan(old_file, warn=lambda issue: _print_warnings([issue]))
    new = read_plan(new_file, warn=lambda issue: _print_warnings([issue]))
    changes = diff_plans(old, new)
    with standard_output():
        print_diff(changes, old, new, Console(stderr=json_out == "-"), options.language(new))
        if json_out == "-":
            sys.stdout.write(changes.to_json())
    if json_out is not None and json_out != "-":
        write_text(json_out, changes.to_json(), force=force)
        _err(f"wrote {json_out}")


@app.command()
@handles_errors
def validate(visit: VisitFile) -> None:
    """Check a visit file without planning."""
    from .input.group_issues import group_summary
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
        for line in group_summary(spec):
            typer.echo(line)
        if loaded.roads is not None:
            typer.echo(loaded.roads.summary())


roads_app = typer.Typer(
    name="roads",
    help="Road travel times from OpenStreetMap data with OSRM (the roads extra).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(roads_app)


@roads_app.command("prepare")
@handles_errors
def roads_prepare(
    extract: Annotated[
        Path,
        typer.Argument(
            help="An OpenStreetMap extract of the region (.osm.pbf, .osm or .osm.bz2).",
            metavar="REGION.osm.pbf",
            show_default=False,
        ),
    ],
    profile: Annotated[
        str,
        typer.Option(
            "--profile",
            help="car (OSRM's car profile) or coach (100 km/h at most, slower in towns, roads "
            "open to buses).",
        ),
    ] = "car",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder for the routing data (default: beside the extract).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite routing data prepared before.")
    ] = False,
) -> None:
    """Prepare routing data once (OSRM's extract, partition and customize), for
    trip.travel.roads."""
    from rich.console import Console

    from .roads.prepare import check_prepare, prepare_region

    check_prepare(extract, profile, out, force)
    console = Console(stderr=True)
    started = time.monotonic()
    with PrepareProgress(console) as observer:
        base = prepare_region(extract, profile, out, force, observer)
    seconds = time.monotonic() - started
    _err(f"prepared {extract} with the {profile} profile in {seconds:.1f} s")
    with standard_output():
        typer.echo(
            f"wrote {base} (the routing data: give its path as trip.travel.roads, relative to "
            "the visit file)"
        )


class PrepareProgress:
    """The three steps of `roads prepare` with a bar, the step's name, the time taken and the
    last line OSRM wrote; on a terminal only (elsewhere nothing but the result)."""

    def __init__(self, console: Any) -> None:
        self.console = console
        self.progress: Any = None
        self.task: Any = None

    def __enter__(self) -> Callable[[Any], None]:
        if self.console.is_terminal:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self.progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("[dim]{task.fields[line]}"),
                console=self.console,
                transient=False,
            )
            self.progress.start()
            self.task = self.progress.add_task("osrm-extract", total=3, line="")
        return self.update

    def update(self, progress: Any) -> None:
        if self.progress is None:
            return
        line = progress.line if len(progress.line) <= 60 else progress.line[:59] + "…"
        self.progress.update(
            self.task,
            completed=progress.step - 1,
            description=f"osrm-{progress.name}",
            line=line,
        )

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            if exc[0] is None:
                self.progress.update(self.task, completed=3, description="done", line="")
            self.progress.stop()


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
