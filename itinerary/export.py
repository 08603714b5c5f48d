"""Saved plan in, shareable files out: `read_plan` and `export_plan`.

Exports read the plan JSON that was reviewed and never plan again, so what is shared is exactly
what was checked. Writing is all-or-nothing: a file goes through a temporary file and a rename,
a folder (`hosts`) is filled beside its destination and renamed into place.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import InputError, Issue, OutputError
from .fsio import refuse_overwrite, write_bytes, write_folder
from .plan import FORMAT, Plan
from .render import FORMATS, RenderOptions, render

MAX_PLAN_BYTES = 50 * 1024 * 1024


def read_plan(path: str | Path) -> Plan:
    """Read an `itinerary-plan/1` file; every problem is one `file:line: message`."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise InputError(Issue(name, 1, f"cannot read file: {reason}")) from None
    return parse_plan(raw, name)


def parse_plan(raw: bytes | str, name: str = "plan.json") -> Plan:
    if len(raw) > MAX_PLAN_BYTES:
        raise InputError(Issue(name, 1, "the file is too large to be a plan"))
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1 if isinstance(raw, bytes) else 1
        raise InputError(Issue(name, line, "the file is not UTF-8 text")) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(Issue(name, exc.lineno, f"not valid JSON: {exc.msg}")) from None
    except RecursionError:
        raise InputError(Issue(name, 1, "nesting is too deep")) from None
    if not isinstance(data, dict) or "format" not in data:
        raise InputError(
            Issue(
                name, 1, "not an itinerary plan (write one with: itinerary plan visit.yaml --json)"
            )
        )
    if data["format"] != FORMAT:
        raise InputError(
            Issue(
                name,
                _line_of(text, ("format",)),
                f"plan format {data['format']!r} is not supported; this version reads {FORMAT!r}",
            )
        )
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        issues = []
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            where = ".".join(str(p) for p in loc if not str(p)[:1].isupper())
            message = " ".join(f"{where}: {err['msg']}".split())
            issues.append(Issue(name, _line_of(text, loc), message))
        raise InputError(issues) from None


def _line_of(text: str, loc: tuple[Any, ...]) -> int:
    """Source line of a JSON value, found by reading the JSON as YAML (which keeps lines)."""
    from .yamlsrc import load_yaml

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
        if target.exists() and not target.is_dir():
            raise OutputError(f"{out} is a file, not a folder")
        if target.is_dir() and any(target.iterdir()) and not force:
            raise OutputError(f"{out} is not empty; use --force to replace it")
    else:
        refuse_overwrite(target, force=force)
    if not target.parent.is_dir():
        raise OutputError(f"folder {target.parent} does not exist")


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
