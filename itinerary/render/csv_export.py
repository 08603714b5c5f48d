"""`csv`: one row per plan item (see `rows`), for spreadsheets and mail merges.

RFC 4180: comma-separated, CRLF line ends, fields quoted by the csv module when they hold a
comma, quote or line break. Dates are ISO (2016-05-24), times local 24-hour (09:05), travel
minutes plain integers; text cells that a spreadsheet would run as a formula get a leading `'`
(`rows.neutralise_formula`: a phone number such as "+49 521 106-0" is not one and is left as it
is).
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from ..plan import Plan
from . import RenderOptions
from .i18n import Words, clock
from .rows import Cell, headers, neutralise_formula, plan_rows


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, str):
        return neutralise_formula(cell)
    if isinstance(cell, dt.time):
        return clock(cell)
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)


def render(plan: Plan, options: RenderOptions) -> bytes:
    w = Words(options.language(plan))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    organiser = options.audience == "organiser"
    writer.writerow(neutralise_formula(h) for h in headers(w, organiser))
    writer.writerows([_text(cell) for cell in row.cells(organiser)] for row in plan_rows(plan, w))
    # The byte order mark is how Excel recognises UTF-8 in a CSV file; without it Excel reads the
    # file in the computer's legacy code page and "Düsseldorf" or "Délégation" come out garbled.
    return buffer.getvalue().encode("utf-8-sig")
