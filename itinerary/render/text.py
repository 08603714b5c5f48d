"""User text made safe to print, shared by every renderer (escaping for a format is the
renderer's own job: HTML, Markdown, iCalendar each escape differently)."""

from __future__ import annotations

import unicodedata

_LINE_BREAKS = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n", "\x85": "\n"})


def printable(text: str) -> str:
    """User text without control characters (invalid in HTML and iCalendar, garbling a
    terminal); every kind of line break becomes "\\n", which each format renders its own way."""
    text = text.replace("\r\n", "\n").translate(_LINE_BREAKS).replace("\t", " ")
    return "".join(c for c in text if c == "\n" or unicodedata.category(c) != "Cc")


def one_line(text: str) -> str:
    """Printable text on one line: line breaks and runs of white space become one space."""
    return " ".join(printable(text).split())


def joined(*parts: str | None, sep: str = ", ") -> str:
    """The parts that are there: joined("Claas", None) == "Claas"."""
    return sep.join(part for part in parts if part)
