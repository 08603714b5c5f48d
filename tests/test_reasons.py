"""Why a host is left out, as the organiser reads it (issue 18): names, not ids; dates as each
language writes them; and "left out for higher-priority visits" only when it is true, else what
putting the host in would cost.

The trip has one scene per day, so that each reason has a day of its own: hosts open only on
their day, four hours a day (09:00–13:00), no lunch. Every host but one stands at the hotel's
coordinates, so every move takes the 10-minute buffer:

- Monday: Anker (priority 50, 200 min), Berg and Chemie (30 each, 100 min), Dorf (20, 200 min).
  Berg and Chemie fill the day (score 60): Anker outranks both yet is left out, since it fits
  only in place of both, which would lower the score by 10; Dorf is left out for visits that
  do outrank it.
- Tuesday: Nah and Nachbar at the hotel, Fern 10 km away, 180 min each, priority 30: one fits.
  Fern would score the same with more travel; the one of Nah and Nachbar left out would make a
  plan just as good.
- Wednesday: the must-visit Muss and Leicht (20) fill the day; Neu (50) fits only in place of
  both, which would leave the plan incomplete.
- Thursday: Kollision is open only while the matchmaking runs.
- Fernweh is 300 km away.

Each plan is made through the command line in each language, and re-checked by the plan
checker; what each reason claims is held to the plan (`assert_claims_hold`).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest
from conftest import EXAMPLES, example_plan
from typer.testing import CliRunner

from itinerary.cli import app
from itinerary.input.load import Loaded, load_spec
from itinerary.input.spec import Language
from itinerary.model.compile import compile_spec
from itinerary.model.problem import Solution
from itinerary.model.rules import earliest_starts
from itinerary.model.schedule import timed_route
from itinerary.plan import Cause, EventItem, Plan, Unscheduled, VisitItem
from itinerary.plan.assemble import assemble
from itinerary.plan.check import check_plan
from itinerary.plan.reasons import reason_in, word_cause
from itinerary.render.md_export import md

runner = CliRunner()
WIDE = {"COLUMNS": "400"}  # the terminal tables keep a reason on one line

HOTEL = "[51.7155, 8.7630]"


def _host(
    ident: str, name: str, day: str, minutes: int, priority: int | str, where: str = HOTEL
) -> str:
    return (
        f"  - {{id: {ident}, name: {name}, location: {where}, duration: {minutes}, "
        f'priority: {priority}, open: [{{dates: [{day}], from: "09:00", to: "13:00"}}]}}\n'
    )


TRIP = (
    """\
trip:
  name: Reasons trip
  start: 2016-05-23
  end: 2016-05-26
  timezone: Europe/Berlin
  travel: {speed_kmh: 50}  # the minutes these scenes were built on
  day: {start: "09:00", end: "13:00"}
delegation: {name: Test delegation, size: 10}
stays:
  - {id: hotel, name: Hotel Adler, location: [51.7155, 8.7630], from: 2016-05-23, to: 2016-05-26}
hosts:
"""
    + _host("x-anker", "Anker Werke", "2016-05-23", 200, 50)
    + _host("x-berg", "Berg AG", "2016-05-23", 100, 30)
    + _host("x-chemie", "Chemie GmbH", "2016-05-23", 100, 30)
    + _host("x-dorf", "Dorf KG", "2016-05-23", 200, 20)
    + _host("x-nah", "Nah GmbH", "2016-05-24", 180, 30)
    + _host("x-nachbar", "Nachbar AG", "2016-05-24", 180, 30)
    + _host("x-fern", "Fern GmbH", "2016-05-24", 180, 30, "[51.8055, 8.7630]")
    + _host("x-muss", "Muss AG", "2016-05-25", 100, "must")
    + _host("x-leicht", "Leicht KG", "2016-05-25", 100, 20)
    + _host("x-neu", "Neu GmbH", "2016-05-25", 200, 50)
    + """\
  - {id: x-kollision, name: Kollision AG, location: [51.7155, 8.7630], duration: 60,
     open: [{dates: [2016-05-26], from: "10:00", to: "12:00"}]}
  - {id: x-fernweh, name: Fernweh SE, location: [54.4155, 8.7630], duration: 60}
events:
  - {id: x-matchmaking, name: Matchmaking Hannover, location: [51.7155, 8.7630],
     start: "2016-05-26 10:00", end: "2016-05-26 12:00"}
"""
)

DATES = {
    "en": {
        "2016-05-23": "Monday, 23 May 2016",
        "2016-05-24": "Tuesday, 24 May 2016",
        "2016-05-25": "Wednesday, 25 May 2016",
        "2016-05-26": "Thursday, 26 May 2016",
    },
    "de": {
        "2016-05-23": "Montag, 23. Mai 2016",
        "2016-05-24": "Dienstag, 24. Mai 2016",
        "2016-05-25": "Mittwoch, 25. Mai 2016",
        "2016-05-26": "Donnerstag, 26. Mai 2016",
    },
    "fr": {
        "2016-05-23": "lundi 23 mai 2016",
        "2016-05-24": "mardi 24 mai 2016",
        "2016-05-25": "mercredi 25 mai 2016",
        "2016-05-26": "jeudi 26 mai 2016",
    },
}
PRIORITY = {"en": "priority", "de": "Priorität", "fr": "priorité"}
MUST = {"en": "must-visit", "de": "Pflichtbesuch", "fr": "visite incontournable"}
AND = {"en": " and ", "de": " und ", "fr": " et "}


def _trip(tmp_path: Path) -> Path:
    visit = tmp_path / "visit.yaml"
    visit.write_text(TRIP, encoding="utf-8")
    return visit


def _planned(tmp_path: Path, lang: Language) -> tuple[Plan, str, Loaded]:
    """The trip planned through the command line with `--lang`, checked; the plan and the
    terminal output."""
    visit = _trip(tmp_path)
    saved = tmp_path / f"plan-{lang}.json"
    result = runner.invoke(
        app, ["plan", str(visit), "--json", str(saved), "--lang", lang, "--force"], env=WIDE
    )
    assert result.exit_code == 0, result.output
    plan = Plan.from_json(saved.read_bytes())
    loaded = load_spec(visit)
    assert check_plan(plan, loaded) == []
    return plan, result.stdout, loaded


def _exported(saved: Path, fmt: str, lang: Language) -> str:
    result = runner.invoke(
        app, ["export", str(saved), "--format", fmt, "--lang", lang, "--out", "-"]
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def _day_order(plan: Plan, date: str) -> list[str]:
    """The names of the visits of a date, in the order of the day."""
    return [v.name for v in plan.visits() if v.start.date().isoformat() == date]


def _listed(items: list[str], lang: str) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + AND[lang] + items[-1]


def _visits(plan: Plan, date: str, lang: str) -> str:
    """'Berg AG (priority 30) and Chemie GmbH (priority 30)': the day's visits, as reasons
    name them."""
    priority = {v.name: v.priority for v in plan.visits()}
    return _listed(
        [
            f"{name} ({MUST[lang]})"
            if priority[name] == "must"
            else f"{name} ({PRIORITY[lang]} {priority[name]})"
            for name in _day_order(plan, date)
        ],
        lang,
    )


def _by_name(plan: Plan) -> dict[str, Unscheduled]:
    return {u.name: u for u in plan.unscheduled}


NEW_CODES = {
    "outranked",
    "leaves_must_out",
    "lower_score",
    "more_travel",
    "equal_swap",
    "better_swap",
    "room_left",
    "adds_travel",
    "no_room",
}


def assert_claims_hold(plan: Plan, loaded: Loaded) -> None:
    """What each reason says of the plan is what the plan shows: the visits it names are in the
    plan on the dates it gives, with the priorities it gives; "higher-priority" visits each
    outrank the host; a score it would lower or raise adds up; a host "left out for
    higher-priority visits" is never one that outranks a visit it names; the host is open on
    the day it would fit."""
    track_dates = {t.date.isoformat() for t in plan.tracks}
    in_plan = {
        v.id: (v.name, "must" if v.priority == "must" else str(v.priority), v.start.date())
        for v in plan.visits()
    }
    for u in plan.unscheduled:
        assert u.cause is not None
        cause = u.cause
        if cause.code not in NEW_CODES:
            continue
        if cause.code == "no_room":
            continue
        date = cause.args["date"]
        assert date in track_dates, u
        host = next(h for h in loaded.spec.hosts if h.id == u.id)
        on_date = dt.date.fromisoformat(str(date))
        assert host.open is None or any(w.applies_to(on_date) for w in host.open), u  # open then
        listed = cause.args["visits"]
        assert isinstance(listed, list)
        for ident, name, priority, on in listed:
            assert in_plan[ident] == (name, priority, dt.date.fromisoformat(on)), (u.id, ident)
            assert name in u.reason and ident not in u.reason
        mine = u.priority
        scores = [int(p) for _, _, p, _ in listed if p != "must"]
        musts = sum(1 for _, _, p, _ in listed if p == "must")
        if cause.code == "outranked":
            assert mine != "must" and isinstance(mine, int)
            assert all(p == "must" or int(p) > mine for _, _, p, _ in listed), u
            assert "higher-priority" in u.reason
        else:
            assert "higher-priority" not in u.reason, u
        own = 0 if mine == "must" else mine  # a must-visit adds no score of its own
        if cause.code == "lower_score":
            assert musts == (1 if mine == "must" else 0)  # as many musts out as in
            assert cause.args["points"] == sum(scores) - own > 0
            if mine != "must":  # else each would outrank it
                assert any(int(p) <= mine for _, _, p, _ in listed)
        if cause.code == "leaves_must_out":
            assert musts >= 1 if mine != "must" else musts >= 2
        if cause.code in ("more_travel", "equal_swap"):
            assert musts == (1 if mine == "must" else 0)
            assert sum(scores) == own
        if cause.code in ("better_swap", "room_left"):
            assert cause.args["points"] == own - sum(scores)
        if cause.code == "room_left":
            assert listed == []


def assert_room_as_claimed(plan: Plan, loaded: Loaded) -> None:
    """Re-derived from the plan by the rules alone (`earliest_starts`), not by the explanation:
    a host said to fit "only in place of" visits fits on no day of the plan as it is, and fits
    on the date given once those visits are out; one said to fit "without dropping a visit"
    fits on that date as the plan is."""
    compiled = compile_spec(loaded)
    problem = compiled.problem
    node_of = {ref.id: n for n, ref in enumerate(compiled.nodes)}
    day_of = {ref.date.isoformat(): t for t, ref in enumerate(compiled.tracks)}
    days = {
        day_of[track.date.isoformat()]: [
            node_of[i.id] for i in track.items if isinstance(i, VisitItem | EventItem)
        ]
        for track in plan.tracks
    }

    def fits(t: int, seq: list[int], n: int) -> bool:
        return any(
            earliest_starts(problem, t, seq[:p] + [n] + seq[p:]) is not None
            for p in range(len(seq) + 1)
        )

    for u in plan.unscheduled:
        code = u.cause.code if u.cause is not None else None
        n = node_of[u.id]
        if code in ("outranked", "lower_score", "leaves_must_out", "more_travel", "room_left"):
            assert u.cause is not None
            t = day_of[str(u.cause.args["date"])]
            out = {node_of[v[0]] for v in u.cause.args["visits"]}  # type: ignore[index,union-attr]
            assert fits(t, [m for m in days[t] if m not in out], n), u
            if code != "room_left":  # "only in place of": no room as the plan is
                assert not any(fits(d, seq, n) for d, seq in days.items()), u


def _no_ids_or_iso_dates(plan: Plan, text: str) -> None:
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), text
    ids = [i.id for t in plan.tracks for i in t.items if isinstance(i, VisitItem | EventItem)]
    ids += [u.id for u in plan.unscheduled]
    for ident in ids:
        assert ident not in text, ident


@pytest.mark.parametrize("lang", ["en", "de", "fr"])
def test_reasons_name_the_visits_and_the_dates_in_the_language(
    tmp_path: Path, lang: Language
) -> None:
    plan, terminal, loaded = _planned(tmp_path, lang)
    assert_claims_hold(plan, loaded)
    assert_room_as_claimed(plan, loaded)
    left = _by_name(plan)
    codes = {name: u.cause.code for name, u in left.items() if u.cause is not None}
    assert codes["Anker Werke"] == "lower_score"
    assert codes["Dorf KG"] == "outranked"
    assert codes["Fern GmbH"] == "more_travel"
    assert codes["Neu GmbH"] == "leaves_must_out"
    assert codes["Kollision AG"] == "event_conflict"
    assert codes["Fernweh SE"] == "too_far_for_day"
    tie = "Nah GmbH" if "Nah GmbH" in left else "Nachbar AG"
    assert codes[tie] == "equal_swap"
    assert {v.name for v in plan.visits()} == {
        "Berg AG",
        "Chemie GmbH",
        "Muss AG",
        "Leicht KG",
        ({"Nah GmbH", "Nachbar AG"} - {tie}).pop(),
    }

    reasons = {name: reason_in(u, lang) for name, u in left.items()}
    dates = DATES[lang]
    monday = _visits(plan, "2016-05-23", lang)
    tuesday = _visits(plan, "2016-05-24", lang)
    wednesday = _visits(plan, "2016-05-25", lang)
    compiled = compile_spec(loaded)
    place = {p.key: i for i, p in enumerate(compiled.places)}
    there = compiled.problem.travel[place["hotel"]]
    more = 2 * (there[place["x-fern"]] - there[place["x-nah"]])
    expected = {
        "en": {
            "Anker Werke": f"fits on {dates['2016-05-23']} only in place of {monday}, which "
            "would lower the score by 10",
            "Dorf KG": f"left out for higher-priority visits: it fits only in place of {monday} "
            f"on {dates['2016-05-23']}",
            "Fern GmbH": f"fits on {dates['2016-05-24']} only in place of {tuesday}, for the "
            f"same score with {more} min more travel",
            tie: f"fits on {dates['2016-05-24']} in place of {tuesday}, for a plan just as "
            "good (the same score and travel)",
            "Neu GmbH": f"fits on {dates['2016-05-25']} only in place of {wednesday}, which "
            "would leave the plan incomplete",
            "Kollision AG": f"conflicts with Matchmaking Hannover on {dates['2016-05-26']}",
        },
        "de": {
            "Anker Werke": f"Platz wäre am {dates['2016-05-23']} nur anstelle von {monday}, "
            "was die Punktzahl um 10 senken würde",
            "Dorf KG": "zugunsten wichtigerer Besuche ausgelassen: Platz wäre nur anstelle von "
            f"{monday} am {dates['2016-05-23']}",
            "Fern GmbH": f"Platz wäre am {dates['2016-05-24']} nur anstelle von {tuesday}, bei "
            f"gleicher Punktzahl mit {more} Min. mehr Fahrzeit",
            tie: f"Platz wäre am {dates['2016-05-24']} anstelle von {tuesday}, für einen "
            "ebenso guten Plan (gleiche Punktzahl und Fahrzeit)",
            "Neu GmbH": f"Platz wäre am {dates['2016-05-25']} nur anstelle von {wednesday}, "
            "womit der Plan unvollständig würde",
            "Kollision AG": f"überschneidet sich mit Matchmaking Hannover am {dates['2016-05-26']}",
        },
        "fr": {
            "Anker Werke": f"seul le retrait de {monday} le {dates['2016-05-23']} lui ferait de "
            "la place, ce qui abaisserait le score de 10",
            "Dorf KG": "écarté au profit de visites plus prioritaires\u202f: seul le retrait de "
            f"{monday} le {dates['2016-05-23']} lui ferait de la place",
            "Fern GmbH": f"seul le retrait de {tuesday} le {dates['2016-05-24']} lui ferait de "
            f"la place, pour le même score avec {more} min de trajet en plus",
            tie: f"le retrait de {tuesday} le {dates['2016-05-24']} lui ferait de la place, "
            "pour un programme aussi bon (même score, mêmes trajets)",
            "Neu GmbH": f"seul le retrait de {wednesday} le {dates['2016-05-25']} lui ferait de "
            "la place, ce qui rendrait le programme incomplet",
            "Kollision AG": f"en conflit avec Matchmaking Hannover le {dates['2016-05-26']}",
        },
    }[lang]
    for name, words in expected.items():
        assert reasons[name] == words, name
    far = {"en": "needs 15 h", "de": "15 h", "fr": "15 h"}[lang]
    assert far in reasons["Fernweh SE"] and "Hotel Adler" in reasons["Fernweh SE"]

    # Where the organiser reads them: the terminal, the Markdown and HTML programmes.
    saved = tmp_path / f"plan-{lang}.json"
    markdown = _exported(saved, "md", lang)
    page = _exported(saved, "html", lang)
    for words in reasons.values():
        assert words in terminal
        assert md(words, cell=True) in markdown
        assert html.escape(words) in page
    for text in reasons.values():
        _no_ids_or_iso_dates(plan, text)
    # The plan file keeps the English words and, for programs, the codes, ids and ISO dates.
    data = json.loads(saved.read_text(encoding="utf-8"))
    anker = next(u for u in data["unscheduled"] if u["id"] == "x-anker")
    assert anker["reason"] == reason_in(left["Anker Werke"], "en")
    assert anker["cause"]["code"] == "lower_score"
    assert anker["cause"]["args"]["date"] == "2016-05-23"
    assert {v[0] for v in anker["cause"]["args"]["visits"]} == {"x-berg", "x-chemie"}
    kollision = next(u for u in data["unscheduled"] if u["id"] == "x-kollision")
    assert kollision["cause"]["args"]["events"] == [["x-matchmaking", "2016-05-26"]]


def test_a_host_that_outranks_a_scheduled_one_is_not_said_to_be_outranked(
    tmp_path: Path,
) -> None:
    """Anker (50) is left out while Berg and Chemie (30) are in: its reason gives what putting
    it in would cost, and no "higher-priority" claim."""
    plan, _, loaded = _planned(tmp_path, "en")
    anker = _by_name(plan)["Anker Werke"]
    scheduled = {v.name: v.priority for v in plan.visits()}
    assert anker.priority == 50 and scheduled["Berg AG"] == 30 == scheduled["Chemie GmbH"]
    assert "higher-priority" not in anker.reason
    assert "lower the score by 10" in anker.reason
    assert_claims_hold(plan, loaded)
    assert_room_as_claimed(plan, loaded)


def _hand_made(loaded: Loaded, days: list[list[str]]) -> Plan:
    """A plan of the trip with the days' hosts (ids) in this order, timed by the rules, no
    solver: to show reasons a solver's plan should never need."""
    compiled = compile_spec(loaded)
    problem = compiled.problem
    index = {ref.id: n for n, ref in enumerate(compiled.nodes)}
    routes = []
    for t, ids in enumerate(days):
        route = timed_route(problem, t, [index[i] for i in ids])
        assert route is not None, ids
        routes.append(route)
    served = {s.node for r in routes for s in r.stops}
    dropped = tuple(n for n in range(len(problem.nodes)) if n not in served)
    plan = assemble(compiled, loaded, Solution(tuple(routes), dropped))
    assert check_plan(plan, loaded) == []
    return plan


@pytest.mark.parametrize("lang", ["en", "de", "fr"])
def test_room_the_plan_left_is_said_and_exported(tmp_path: Path, lang: Language) -> None:
    """A plan with room left (one a search that stopped early could give): the reasons say a
    better plan exists and how, in each language, through `export`."""
    loaded = load_spec(_trip(tmp_path))
    plan = _hand_made(
        loaded,
        [["x-berg"], ["x-fern"], ["x-muss", "x-leicht"], ["x-matchmaking"]],
    )
    assert_claims_hold(plan, loaded)
    assert_room_as_claimed(plan, loaded)
    codes = {u.id: u.cause.code for u in plan.unscheduled if u.cause is not None}
    assert codes["x-chemie"] == "room_left"
    assert codes["x-anker"] == "better_swap"  # 50 in place of Berg's 30
    assert codes["x-dorf"] == "outranked"  # 20, only in place of Berg's 30
    assert codes["x-nah"] == codes["x-nachbar"] == "better_swap"  # as much score, less travel
    saved = tmp_path / "plan.json"
    saved.write_text(plan.to_json(), encoding="utf-8")
    markdown = _exported(saved, "md", lang)
    monday = DATES[lang]["2016-05-23"]
    berg = f"Berg AG ({PRIORITY[lang]} 30)"
    expected = {
        "en": [
            f"fits on {monday} without dropping a visit; the search stopped before it found "
            "this better plan",
            f"fits on {monday} in place of {berg}, which makes a better plan; the search "
            "stopped before it found it",
        ],
        "de": [
            f"Platz wäre am {monday}, ohne einen Besuch zu streichen; die Suche endete, bevor "
            "sie diesen besseren Plan fand",
            f"Platz wäre am {monday} anstelle von {berg}, was einen besseren Plan ergibt; die "
            "Suche endete, bevor sie ihn fand",
        ],
        "fr": [
            f"il y a de la place le {monday} sans retirer de visite\u202f; la recherche s'est "
            "arrêtée avant de trouver ce meilleur programme",
            f"le retrait de {berg} le {monday} lui ferait de la place et donnerait un meilleur "
            "programme\u202f; la recherche s'est arrêtée avant de le trouver",
        ],
    }[lang]
    for words in expected:
        assert md(words, cell=True) in markdown
    for u in plan.unscheduled:
        _no_ids_or_iso_dates(plan, reason_in(u, lang))


LUNCH_AND_EVENT = """\
trip:
  name: Lunch and matchmaking
  start: 2016-05-26
  end: 2016-05-26
  timezone: Europe/Berlin
  travel: {speed_kmh: 50}  # the minutes these scenes were built on
  day: {start: "09:00", end: "18:00"}
  lunch: {from: "11:00", to: "14:00", minutes: 60}
delegation: {name: Test delegation, size: 10}
stays:
  - {id: hotel, name: Hotel Adler, location: [51.7155, 8.7630], from: 2016-05-26, to: 2016-05-26}
hosts:
  - {id: x-morgen, name: Morgen GmbH, location: [51.7455, 8.7630], duration: 170,
     open: [{dates: [2016-05-26], from: "09:00", to: "15:00"}]}
events:
  - {id: x-matchmaking, name: Matchmaking Hannover, location: [51.7155, 8.7630],
     start: "2016-05-26 13:00", end: "2016-05-26 17:00"}
"""


def test_a_host_that_fits_with_lunch_or_with_the_event_but_not_both(tmp_path: Path) -> None:
    """Morgen fits the day alone, with lunch after it, and before the matchmaking without
    lunch; lunch, Morgen and the matchmaking together do not fit: neither "no room for lunch"
    nor "conflicts with the matchmaking" alone would be true."""
    visit = tmp_path / "visit.yaml"
    visit.write_text(LUNCH_AND_EVENT, encoding="utf-8")
    saved = tmp_path / "plan.json"
    result = runner.invoke(
        app, ["plan", str(visit), "--json", str(saved), "--lang", "de"], env=WIDE
    )
    assert result.exit_code == 0, result.output
    plan = Plan.from_json(saved.read_bytes())
    assert check_plan(plan, load_spec(visit)) == []
    [morgen] = plan.unscheduled
    assert morgen.cause is not None and morgen.cause.code == "lunch_and_events"
    assert morgen.reason == "fits on no day together with that day's lunch and events"
    german = "passt an keinem Tag zusammen mit Mittagessen und Terminen dieses Tages"
    assert reason_in(morgen, "de") == german and german in result.stdout
    assert reason_in(morgen, "fr") == (
        "ne trouve place dans aucune journée avec son déjeuner et ses rendez-vous"
    )


def test_no_room_is_worded_in_each_language() -> None:
    """The last resort, when no trial found a way in (a rule between hosts can bar them all)."""
    no_room = Cause(code="no_room")
    assert word_cause(no_room) == (
        "no day of the plan has room for it, not even in place of other visits"
    )
    assert word_cause(no_room, "de") == (
        "an keinem Tag des Plans ist Platz dafür, auch nicht anstelle anderer Besuche"
    )
    assert word_cause(no_room, "fr") == (
        "aucune journée du programme n'a de place pour cette visite, même à la place d'autres "
        "visites"
    )


def test_causes_of_older_plans_still_read() -> None:
    """A plan written before names were recorded: ids, but the dates in the language."""
    old = Cause(code="event_conflict", args={"events": [["fair", "2016-05-24"]]})
    assert word_cause(old, "de") == "überschneidet sich mit fair am Dienstag, 24. Mai 2016"
    crowded = Unscheduled(
        id="x",
        name="X",
        priority=5,
        reason="left out",
        cause=Cause(code="crowded_out", args={"priority": 5}),
    )
    assert reason_in(crowded, "fr") == "écarté au profit de visites plus prioritaires (priorité 5)"
    broken = crowded.model_copy(update={"cause": Cause(code="outranked", args={"visits": [["a"]]})})
    assert reason_in(broken, "de") == "left out"  # values of another shape: the English words


def test_a_visit_on_another_day_says_its_date() -> None:
    cause = Cause(
        code="lower_score",
        args={
            "date": "2016-05-23",
            "visits": [
                ["a", "Berg AG", "30", "2016-05-23"],
                ["b", "Chemie GmbH", "must", "2016-05-24"],
            ],
            "points": 10,
        },
    )
    assert word_cause(cause) == (
        "fits on Monday, 23 May 2016 only in place of Berg AG (priority 30) and Chemie GmbH "
        "(must-visit, Tuesday, 24 May 2016), which would lower the score by 10"
    )


def test_an_event_left_out_names_the_event_it_clashes_with(tmp_path: Path) -> None:
    """Two events too close for the journey between them (the matchmaking ends at 12:00, the
    reception 3 km away begins at 12:05): one is left out (the plan is incomplete), and its
    reason names the other and its date."""
    visit = tmp_path / "visit.yaml"
    visit.write_text(
        TRIP.replace(
            "events:\n",
            "events:\n"
            "  - {id: x-empfang, name: Empfang im Rathaus, location: [51.7455, 8.7630],\n"
            '     start: "2016-05-26 12:05", end: "2016-05-26 12:40"}\n',
        ),
        encoding="utf-8",
    )
    saved = tmp_path / "plan.json"
    result = runner.invoke(
        app, ["plan", str(visit), "--json", str(saved), "--lang", "fr"], env=WIDE
    )
    assert result.exit_code == 1, result.output
    plan = Plan.from_json(saved.read_bytes())
    assert check_plan(plan, load_spec(visit)) == []
    [event] = [u for u in plan.unscheduled if u.kind == "event"]
    other = "Matchmaking Hannover" if event.name == "Empfang im Rathaus" else "Empfang im Rathaus"
    assert event.reason == f"conflicts with {other} on Thursday, 26 May 2016"
    assert reason_in(event, "fr") == f"en conflit avec {other} le jeudi 26 mai 2016"
    assert reason_in(event, "fr") in result.stdout


@pytest.mark.parametrize("name", ["its-owl-week", "limoges-symposium"])
def test_the_examples_reasons_hold_and_claim_no_better_plan_than_a_proven_one(name: str) -> None:
    plan = example_plan(name)
    loaded = load_spec(EXAMPLES / f"{name}.yaml")
    assert_claims_hold(plan, loaded)
    assert_room_as_claimed(plan, loaded)
    for u in plan.unscheduled:
        assert u.cause is not None
        if plan.optimal:
            assert u.cause.code not in ("better_swap", "room_left"), u
        for lang in ("en", "de", "fr"):
            _no_ids_or_iso_dates(plan, reason_in(u, lang))
