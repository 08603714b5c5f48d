"""Why a request is left out of a schedule, as pure checks on the schedule, and in words (en, de,
fr). The cause is the first that holds, in this order:

- `no_common_slot`: no slot in which both are present;
- `max_meetings`: one of them already has `max_meetings` meetings;
- `busy` / `both_busy` / `either_busy`: in every slot in which both are present, one of them
  (always the same, both, or either in turn) is already in a meeting;
- `tables_full`: in every slot in which both are free, every table is taken, by meetings of at
  least this priority when the schedule is optimal: "left out for higher-priority meetings";
- `no_interpreter`: where a table is free, no interpreter is;
- `room_left`: it would fit (the search stopped before it placed it).
"""

from __future__ import annotations

from collections.abc import Sequence

from .greedy import _Occupancy
from .problem import Meeting, MeetingProblem

TEMPLATES: dict[str, dict[str, str]] = {
    "en": {
        "no_common_slot": "no slot in which both are present",
        "max_meetings": "{who} already has the most meetings allowed ({most})",
        "busy": "{who} is in meetings in every slot in which {other} is free",
        "both_busy": "{a} and {b} are in other meetings in every slot in which both are present",
        "either_busy": "in every slot in which both are present, {a} or {b} is in another meeting",
        "tables_full": "left out for higher-priority meetings: every table is taken in the "
        "slots in which both are free",
        "no_interpreter": "no interpreter free in the slots in which both are free",
        "room_left": "it would still fit; the search stopped before it placed it",
    },
    "de": {
        "no_common_slot": "kein Zeitfenster, in dem beide anwesend sind",
        "max_meetings": "{who} hat schon die höchste erlaubte Zahl an Gesprächen ({most})",
        "busy": "{who} ist in jedem Zeitfenster, in dem {other} frei ist, in Gesprächen",
        "both_busy": "{a} und {b} sind in jedem Zeitfenster, in dem beide anwesend sind, in "
        "anderen Gesprächen",
        "either_busy": "in jedem Zeitfenster, in dem beide anwesend sind, ist {a} oder {b} in "
        "einem anderen Gespräch",
        "tables_full": "zugunsten wichtigerer Gespräche ausgelassen: in den Zeitfenstern, in "
        "denen beide frei sind, ist jeder Tisch belegt",
        "no_interpreter": "kein Dolmetscher frei in den Zeitfenstern, in denen beide frei sind",
        "room_left": "es passte noch; die Suche endete, bevor sie es einplante",
    },
    "fr": {
        "no_common_slot": "aucun créneau où les deux sont présents",
        "max_meetings": "{who} a déjà le nombre maximal de rendez-vous ({most})",
        "busy": "{who} est en rendez-vous à chaque créneau où {other} est libre",
        "both_busy": "{a} et {b} ont d’autres rendez-vous à chaque créneau où les deux sont "
        "présents",
        "either_busy": "à chaque créneau où les deux sont présents, {a} ou {b} a un autre "
        "rendez-vous",
        "tables_full": "écarté au profit de rendez-vous plus prioritaires : toutes les tables "
        "sont prises aux créneaux où les deux sont libres",
        "no_interpreter": "aucun interprète libre aux créneaux où les deux sont libres",
        "room_left": "il tiendrait encore ; la recherche s’est arrêtée avant de le placer",
    },
}


def word(code: str, args: dict[str, str | int], lang: str = "en") -> str:
    """The cause in words; an unknown code (a newer plan) as its code."""
    template = TEMPLATES.get(lang, TEMPLATES["en"]).get(code)
    if template is None:
        return code.replace("_", " ")
    return template.format(**args)


def cause(
    problem: MeetingProblem, meetings: Sequence[Meeting], r: int, names: Sequence[str]
) -> tuple[str, dict[str, str | int]]:
    """Why request `r` is not among `meetings`: (code, values with names)."""
    req = problem.requests[r]
    a, b = req.a, req.b
    common = problem.common_slots(r)
    if not common:
        return "no_common_slot", {}
    occupancy = _Occupancy.of(problem, meetings)
    busy, per_slot, interpreted = occupancy.busy, occupancy.meetings, occupancy.interpreted
    if problem.max_meetings is not None:
        for who in (a, b):
            if len(busy[who]) >= problem.max_meetings:
                return "max_meetings", {"who": names[who], "most": problem.max_meetings}
    free = [s for s in common if s not in busy[a] and s not in busy[b]]
    if not free:
        a_free = [s for s in common if s not in busy[a]]
        b_free = [s for s in common if s not in busy[b]]
        if b_free and not a_free:
            return "busy", {"who": names[a], "other": names[b]}
        if a_free and not b_free:
            return "busy", {"who": names[b], "other": names[a]}
        if not a_free and not b_free:
            return "both_busy", {"a": names[a], "b": names[b]}
        return "either_busy", {"a": names[a], "b": names[b]}
    with_table = [s for s in free if per_slot[s] < problem.tables]
    if not with_table:
        return "tables_full", {}
    if req.needs_interpreter and problem.interpreters is not None:
        if all(interpreted[s] >= problem.interpreters for s in with_table):
            return "no_interpreter", {}
    return "room_left", {}
