"""Renderers: a saved Plan in, bytes out. They never solve, never read the visit file, and never
write files themselves (`itinerary.render.export` does that, safely).

Every export format is a module here with `render(plan, options)`. Single-file formats return
`bytes`; folder formats (`hosts`) return `{file name: bytes}` with names built by
`fsio.safe_filename`, and the writer checks again that no name leaves the folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..input.spec import Language
from ..plan import Plan

Audience = Literal["organiser", "delegation"]


@dataclass(frozen=True)
class RenderOptions:
    """`lang`: None means the plan's own language (for `hosts`: each host's language).
    `audience`: the organiser also sees why hosts were left out, and its own notes; the
    delegation does not."""

    lang: Language | None = None
    audience: Audience = "organiser"
    with_travel: bool = False  # `ics`: the coach departures as entries too
    # `hosts`: each letter lists the names and organisations of the members who come
    # (personal data: only when asked, `export --visitor-list`).
    visitor_list: bool = False

    def language(self, plan: Plan) -> Language:
        return self.lang or plan.trip.language


@dataclass(frozen=True)
class Format:
    name: str
    extension: str  # of the file, or of the folder's name suffix ("-hosts") for folder formats
    folder: bool
    text: bool  # may be written to standard output with --out -
    help: str
    # What a folder format writes (by suffix): anything else in the folder is somebody's own.
    written: tuple[str, ...] = ()

    @property
    def module(self) -> str:
        return f"itinerary.render.{self.name}_export"


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("ics", ".ics", False, True, "the delegation's calendar (iCalendar)"),
        Format(
            "hosts",
            "-hosts",
            True,
            False,
            "a folder with a note and a calendar per host",
            (".md", ".ics"),
        ),
        Format("html", ".html", False, True, "a printable, self-contained programme page"),
        Format("md", ".md", False, True, "the programme as Markdown"),
        Format("csv", ".csv", False, True, "one row per item, for spreadsheets"),
        Format("xlsx", ".xlsx", False, False, "an Excel workbook, one sheet per day"),
        Format(
            "meetings",
            "-meetings",
            True,
            False,
            "a folder with a printable schedule and a calendar per matchmaking participant",
            (".html", ".ics"),
        ),
        Format(
            "members",
            "-members",
            True,
            False,
            "a folder with a one-page programme and a calendar per member of the delegation",
            (".html", ".ics"),
        ),
        Format("json", ".json", False, True, "the plan as it is"),
    )
}


def render(plan: Plan, fmt: str, options: RenderOptions | None = None) -> bytes | dict[str, bytes]:
    """Render `plan` in format `fmt`; see FORMATS."""
    from importlib import import_module

    module = import_module(FORMATS[fmt].module)
    return module.render(plan, options or RenderOptions())


__all__ = ["FORMATS", "Audience", "Format", "RenderOptions", "render"]
