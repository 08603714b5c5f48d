"""Saved plan in, shareable files out: `read_plan` and `export_plan`.

Exports read the plan JSON that was reviewed and never plan again, so what is shared is exactly
what was checked. Writing is all-or-nothing: a file goes through a temporary file and a rename,
a folder (`hosts`) is filled beside its destination and renamed into place.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from ..errors import InputError, Issue, OutputError, counted
from ..fsio import check_folder, refuse_overwrite, write_bytes, write_folder
from ..input import groups as grouping
from ..input.yamlsrc import clean_text, data_path
from ..plan import FORMAT, Plan
from ..plan.diff import other_trip
from . import FORMATS, RenderOptions, render

if TYPE_CHECKING:
    from ..input.spec import VisitSpec
    from .hosts_export import ChangeLetters

MAX_PLAN_BYTES = 50 * 1024 * 1024
MAX_WARNINGS = 10  # unknown keys named one by one; the rest are counted


def read_plan(path: str | Path, warn: Callable[[Issue], None] | None = None) -> Plan:
    """Read an `itinerary-plan/1` file; every problem is one `file:line: message`. `warn` hears
    of what is read but ignored (keys a newer version added)."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except IsADirectoryError:
        raise InputError(Issue(name, 1, "this is a folder, not a plan file")) from None
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise InputError(Issue(name, 1, f"cannot read file: {reason}")) from None
    return parse_plan(raw, name, warn)


class _Duplicate(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


class _Constant(Exception):
    def __init__(self, name: str) -> None:
        self.name = name


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON objects without a key twice: with two, which one is meant cannot be known."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _Duplicate(key)
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise _Constant(name)  # NaN, Infinity: not JSON, and no time or place


_FORMAT_RE = re.compile(r"itinerary-plan/(\d+)(?:\.(\d+))?")


def parse_plan(
    raw: bytes | str, name: str = "plan.json", warn: Callable[[Issue], None] | None = None
) -> Plan:
    """The plan in `raw`, read strictly: every time must carry its UTC offset, no key may appear
    twice, a time zone must be an IANA name. Keys this version does not know are ignored with a
    warning (a newer version may add keys within format 1); a newer major format is refused.
    Every time is returned in the trip's time zone, so that every export reads it the same way."""
    if len(raw) > MAX_PLAN_BYTES:
        raise InputError(Issue(name, 1, "the file is too large to be a plan"))
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1 if isinstance(raw, bytes) else 1
        raise InputError(Issue(name, line, "the file is not UTF-8 text")) from None
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InputError(Issue(name, exc.lineno, f"not valid JSON: {exc.msg}")) from None
    except RecursionError:
        raise InputError(Issue(name, 1, "nesting is too deep")) from None
    except _Duplicate as exc:
        line = _duplicate_line(text, name)
        raise InputError(Issue(name, line, f"the key {exc.key!r} appears twice")) from None
    except _Constant as exc:
        line = text.count("\n", 0, max(0, text.find(exc.name))) + 1
        raise InputError(Issue(name, line, f"{exc.name} is not a number JSON allows")) from None
    if not isinstance(data, dict) or "format" not in data:
        raise InputError(
            Issue(
                name, 1, "not an itinerary plan (write one with: itinerary plan visit.yaml --json)"
            )
        )
    _check_format(data["format"], text, name)
    data["format"] = FORMAT
    data = _cleaned(data)
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        extra = [e for e in errors if e["type"] == "extra_forbidden"]
        if len(extra) < len(errors):
            raise InputError(_issues(errors, text, name)) from None
        ignored = []
        for n, err in enumerate(extra):
            path = data_path(data, tuple(err["loc"]))
            if n < MAX_WARNINGS:  # each line costs a reading of the file: the first few only
                shown = ".".join(str(p) for p in path)
                line = _line_of(text, path)
                ignored.append(Issue(name, line, f"unknown key {shown!r} ignored"))
            _drop(data, path)
        if len(extra) > MAX_WARNINGS:
            more = len(extra) - MAX_WARNINGS
            ignored.append(Issue(name, 1, f"and {counted(more, 'more unknown key')} ignored"))
        for issue in sorted(ignored):
            if warn is not None:
                warn(issue)
        try:
            plan = Plan.model_validate(data)
        except ValidationError as again:
            raise InputError(_issues(again.errors(include_url=False), text, name)) from None
    return _in_trip_zone(plan)


def _check_format(given: Any, text: str, name: str) -> None:
    match = _FORMAT_RE.fullmatch(given) if isinstance(given, str) else None
    if match is not None and match.group(1) == "1":
        return
    line = _line_of(text, ("format",))
    if match is not None and int(match.group(1)) > 1:
        message = (
            f"this plan was written by a newer itinerary (format {given!r}); this version reads "
            f"{FORMAT!r}: update itinerary to read it"
        )
    else:
        message = f"plan format {given!r} is not supported; this version reads {FORMAT!r}"
    raise InputError(Issue(name, line, message))


def _issues(errors: list[Any], text: str, name: str) -> list[Issue]:
    issues: list[Issue] = []
    for err in errors:
        loc = tuple(err["loc"])
        where = ".".join(str(p) for p in loc if not str(p)[:1].isupper())
        if err["type"] == "timezone_aware":
            message = (
                f"{where}: a time without a UTC offset (write it like 2016-05-23T10:30:00+02:00)"
            )
        else:
            message = " ".join(f"{where}: {err['msg']}".split())
        issues.append(Issue(name, _line_of(text, loc), message))
    return issues


def _drop(data: Any, path: tuple[str | int, ...]) -> None:
    """Drop the key at `path`; a path that ends at a list item names no key (pydantic can name
    one key twice, under a union member and beside it: the first drop took it)."""
    for part in path[:-1]:
        data = data[part]
    if path and isinstance(data, dict):
        data.pop(path[-1], None)


def _cleaned(data: Any) -> Any:
    """Every text without control and bidirectional-control characters, as the visit file's."""
    if isinstance(data, str):
        return clean_text(data)
    if isinstance(data, list):
        return [_cleaned(v) for v in data]
    if isinstance(data, dict):
        return {clean_text(k): _cleaned(v) for k, v in data.items()}
    return data


def _in_trip_zone(plan: Plan) -> Plan:
    """The plan with every time in the trip's time zone (the same instants)."""
    zone = ZoneInfo(plan.trip.timezone)

    def moved(item: Any) -> Any:
        update = {
            f: getattr(item, f).astimezone(zone)
            for f in ("time", "start", "end", "departs")
            if getattr(item, f, None) is not None
        }
        return item.model_copy(update=update)

    tracks = [t.model_copy(update={"items": [moved(i) for i in t.items]}) for t in plan.tracks]
    return plan.model_copy(update={"tracks": tracks})


def _duplicate_line(text: str, name: str) -> int:
    """The line of a key's second appearance (the YAML reader, which reads JSON, finds it)."""
    from ..input.yamlsrc import load_yaml

    try:
        load_yaml(text, name)
    except InputError as exc:
        return exc.issues[0].line
    return 1


def _line_of(text: str, loc: tuple[Any, ...]) -> int:
    """Source line of a JSON value, found by reading the JSON as YAML (which keeps lines)."""
    from ..input.yamlsrc import load_yaml

    try:
        doc = load_yaml(text, "plan.json")
    except InputError:
        return 1
    path = [p for p in loc if isinstance(p, int) or p in _keys_along(doc.data, loc)]
    return doc.line_of(path)


def _keys_along(data: Any, loc: tuple[Any, ...]) -> set[str]:
    keys: set[str] = set()
    node = data
    for part in loc:
        if isinstance(node, dict):
            keys.update(node)
            if part in node:
                node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
    return keys


@dataclass(frozen=True)
class Written:
    format: str
    path: str  # "-" for standard output
    files: int


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise OutputError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")


def default_destination(source: Path, fmt: str) -> Path:
    """Beside the plan or visit file: plan.json -> plan.html, plan-hosts/, …"""
    spec = FORMATS[fmt]
    stem = source.name.removesuffix(".json").removesuffix(".yaml").removesuffix(".yml")
    destination = source.with_name(stem + spec.extension)
    if destination == source:  # `export plan.json --format json`
        raise OutputError(f"give --out for {fmt} (the default would be {source} itself)")
    return destination


def check_destination(fmt: str, out: Path | str, *, force: bool) -> None:
    """Refuse a destination before any work is done (planning can take a while)."""
    spec = FORMATS[fmt]
    if str(out) == "-":
        if not spec.text:
            raise OutputError(f"{fmt} cannot be written to standard output; give --out FILE")
        return
    target = Path(out)
    if spec.folder:
        if target.is_symlink() or (target.exists() and not target.is_dir()):
            raise OutputError(f"{out} is not a folder")
        if target.is_dir() and any(target.iterdir()):
            if not force:
                raise OutputError(f"{out} is not empty; use --force to replace it")
            foreign = _foreign_entry(target, spec)
            if foreign is not None:
                raise OutputError(
                    f"{out} holds {foreign.name}, which no {fmt} export writes; it is never "
                    "replaced, even with --force (choose an empty or new folder)"
                )
        check_folder(target.parent)
    else:
        refuse_overwrite(target, force=force)


def _foreign_entry(folder: Path, spec: Any) -> Path | None:
    """Something in `folder` that an export of this format did not write: with it there, the
    folder is somebody's own (a mistyped --out), and --force must not replace it."""
    written = set(spec.written)  # e.g. a `hosts` folder: one note and calendar per host
    for entry in sorted(folder.iterdir()):
        if entry.is_symlink() or not entry.is_file() or entry.suffix not in written:
            return entry
    return None


@dataclass(frozen=True)
class Destination:
    """Where one output of a command goes: `format` is a render format (the plan JSON of
    `plan --json` is "json"); `path` "-" means standard output."""

    format: str
    path: Path | str


def check_destinations(destinations: list[Destination], inputs: list[Path], *, force: bool) -> None:
    """Refuse, before any work, every output that could not be written or would lose data: an
    existing file without --force; a device, pipe or socket even with it; a missing or
    read-only folder; one of the command's own inputs (the visit file, its travel matrix, the
    plan), even with --force; two outputs to one file; two outputs to standard output."""
    on_stdout: Destination | None = None
    taken: list[Destination] = []
    for destination in destinations:
        check_format(destination.format)
        shown = str(destination.path)
        if shown == "-":
            if on_stdout is not None:
                raise OutputError(
                    f"only one output can go to standard output ({on_stdout.format} already does)"
                )
            on_stdout = destination
            check_destination(destination.format, "-", force=force)
            continue
        target = Path(destination.path)
        folder = FORMATS[destination.format].folder
        for source in inputs:
            if _same_file(target, source) or (folder and _inside(source, target)):
                raise OutputError(
                    f"{shown} is an input of this command ({source}); it is never overwritten,"
                    " even with --force"
                )
        for other in taken:
            if _same_file(target, Path(other.path)):
                raise OutputError(
                    f"{shown} would be written twice ({other.format} and {destination.format});"
                    " give one of them another name"
                )
        check_destination(destination.format, target, force=force)
        taken.append(destination)


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file: the same file on disk (hard links and symbolic links
    included), or the same absolute path for a file not there yet."""
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def check_exportable_visit(spec: VisitSpec, formats: list[str], source: Path) -> None:
    """Before planning (`plan --export`): refuse what `check_exportable` would refuse after it,
    as far as the visit file tells. A plan lists the members only when the delegation has
    groups (`plan.assemble`)."""
    if "members" in formats and not (grouping.is_split(spec) and spec.delegation.members):
        raise OutputError(
            f"{source} lists no members in groups to write programmes for (add "
            "delegation.members, each with a group, to the visit file)"
        )


def check_exportable(plan: Plan, fmt: str, options: RenderOptions) -> None:
    """Refuse, before any work, an export the plan holds nothing for: meetings without
    matchmaking, members' programmes or host letters naming the visitors (--visitor-list)
    without the delegation's members."""
    if fmt == "meetings" and not plan.matchmaking_events():
        raise OutputError("the plan has no matchmaking meetings to export")
    if fmt == "members" and not plan.delegation.members:
        raise OutputError(
            "the plan lists no members to write programmes for (add delegation.members, "
            "each with a group, to the visit file and plan again)"
        )
    if options.visitor_list and not plan.delegation.members:
        raise OutputError(
            "the plan lists no members of the delegation, so the letters cannot name the "
            "visitors (add delegation.members to the visit file and plan again)"
        )


def export_plan(
    plan: Plan,
    fmt: str,
    out: Path | str,
    options: RenderOptions | None = None,
    *,
    force: bool = False,
) -> Written:
    """Render `plan` as `fmt` and write it to `out` ("-": standard output)."""
    check_format(fmt)
    check_exportable(plan, fmt, options or RenderOptions())
    check_destination(fmt, out, force=force)
    content = render(plan, fmt, options or RenderOptions())
    if str(out) == "-":
        assert isinstance(content, bytes)
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
        return Written(fmt, "-", 1)
    if isinstance(content, dict):
        write_folder(out, content, force=force)
        return Written(fmt, str(out), len(content))
    write_bytes(out, content, force=force)
    return Written(fmt, str(out), 1)


# Why change letters need plans of one trip (`diff.same_trip`).
_OTHER_UIDS = (
    "its hosts' calendar entries have other UIDs, so change letters would add entries instead "
    "of updating them"
)


def changes_destination(source: Path) -> Path:
    """Beside the plan: plan.json -> plan-changes/ (not plan-hosts/, which a full export of the
    same plan may already hold)."""
    stem = source.name.removesuffix(".json")
    return source.with_name(stem + "-changes")


def export_changes(
    earlier: Plan,
    plan: Plan,
    out: Path,
    options: RenderOptions,
    stamp: dt.datetime,
    *,
    force: bool = False,
) -> tuple[Written | None, ChangeLetters]:
    """Write the letters to the hosts whose visit differs between `earlier` and `plan` (see
    `hosts_export.render_changes`) as the folder `out`, all or nothing. Nothing is written when
    no host must be told (the Written is then None)."""
    from .hosts_export import render_changes

    if (other := other_trip(earlier, plan)) is not None:
        raise OutputError(f"the earlier plan is {other}: {_OTHER_UIDS}")
    check_destination("hosts", out, force=force)
    letters = render_changes(earlier, plan, options, stamp)
    if not letters.files:
        return None, letters
    write_folder(out, letters.files, force=force)
    return Written("hosts", str(out), len(letters.files)), letters


def read_plans_for_changes(
    old_file: Path, plan_file: Path, warn: Callable[[Issue], None] | None = None
) -> tuple[Plan, Plan]:
    """The earlier plan and the new one for change letters (`export --changed-since`), refused
    (at the earlier plan's first line) unless both are of one trip: the letters' calendar
    entries must update the entries the hosts already have, whose UIDs are the trip's."""
    earlier = read_plan(old_file, warn)
    plan = read_plan(plan_file, warn)
    if (other := other_trip(earlier, plan)) is not None:
        raise InputError(
            Issue(
                str(old_file),
                1,
                f"{other}: {_OTHER_UIDS}",
            )
        )
    return earlier, plan


def replan_warnings(previous: Plan, plan: Plan, previous_file: Path) -> list[Issue]:
    """What the organiser should know of a plan re-planned against `previous`
    (`plan --previous`): a previous plan of another trip is kept to where it can be, but
    change letters against it will be refused (`read_plans_for_changes`)."""
    other = other_trip(previous, plan)
    if other is None:
        return []
    message = (
        f"{other}: the new plan keeps its visits where it can, but change letters against it "
        "will be refused (its hosts' calendar entries have other UIDs)"
    )
    return [Issue(str(previous_file), 1, message)]


# What `changes_summary` says of each kind of letter, in its order.
_LETTER_KINDS = (
    ("moved", "moved"),
    ("removed", "cancelled"),
    ("added", "invited"),
    ("declined", "refusal acknowledged"),
    ("confirmed", "thanked for confirming"),
)


def changes_summary(letters: ChangeLetters) -> str:
    """'8 hosts to tell (3 moved, 1 cancelled, 2 invited, 1 refusal acknowledged); 2 unchanged
    hosts skipped'. The hosts' own replies (declined, confirmed) are named only when there are
    any."""
    told: list[str] = list(letters.told.values())
    counts = [(told.count(kind), word) for kind, word in _LETTER_KINDS]
    shown = [f"{n} {word}" for i, (n, word) in enumerate(counts) if n or i < 3]
    return (
        f"{counted(len(told), 'host')} to tell ({', '.join(shown)}); "
        f"{counted(len(letters.unchanged), 'unchanged host')} skipped"
    )


def changes_warnings(earlier: Plan, plan: Plan, old_file: Path, plan_file: Path) -> list[Issue]:
    """What the organiser should know of change letters made from `plan` (at its first line):
    without an organiser e-mail address the calendar updates name no ORGANIZER, which some
    calendar programs need; a plan not made with --previous from `earlier` does not count the
    letters sent since (`diff.carry_sequences`), so a later re-plan from it numbers too low."""
    from ..plan.diff import sequences, told_sequences

    issues: list[Issue] = []
    if plan.organiser is None or not (plan.organiser.email or "").strip():
        issues.append(
            Issue(
                str(plan_file),
                1,
                "the plan has no organiser e-mail address, so the calendar updates name no "
                "ORGANIZER, which some calendar programs need to apply them (add "
                "organiser.email to the visit file)",
            )
        )
    held = sequences(plan)
    counts = told_sequences(earlier, plan)
    if any(host in held and held[host] < count for host, count in counts.items()):
        issues.append(
            Issue(
                str(plan_file),
                1,
                f"this plan does not count the letters sent since {old_file} (its visits' "
                "`sequence`): these letters are numbered right, but a later re-plan made "
                f"from it would number its own too low; make it with --previous {old_file}",
            )
        )
    return issues
