"""Errors the library raises; the CLI maps them to exit codes in one place."""

from __future__ import annotations

from dataclasses import dataclass


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`n` and the English noun in the number it needs, for the command's messages: "1 event",
    "3 events", "0 days", counted(2, "must-visit or event", "must-visits or events")."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


@dataclass(frozen=True, order=True)
class Issue:
    """One problem in an input file, located so a person can find it."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class InputError(Exception):
    """The input is invalid; carries every issue found, sorted by line."""

    def __init__(self, issues: list[Issue] | Issue) -> None:
        if isinstance(issues, Issue):
            issues = [issues]
        self.issues = sorted(set(issues))
        super().__init__("\n".join(str(i) for i in self.issues))


class OutputError(Exception):
    """An output could not be written (exists without --force, unwritable path)."""


class InternalError(Exception):
    """A bug: the program broke one of its own guarantees."""


class RoadError(Exception):
    """Road times or routing data cannot be had (`itinerary.roads`): the message is one line
    for the person planning; where it comes from a visit file, the loader locates it."""
