"""Matchmaking (issue 21) through the command line and the loader: `itinerary match`, meetings
inside `itinerary plan`, the located errors of the `matchmaking` section, the plan checker."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from itinerary.cli import app
from itinerary.errors import InputError
from itinerary.input.load import load_spec, load_spec_text
from itinerary.input.spec import Language
from itinerary.match.assemble import match_events
from itinerary.plan import Plan
from itinerary.plan.check import check_plan
from itinerary.plan.check_meetings import check_meetings
from itinerary.plan.planner import make_plan

runner = CliRunner()

BROKERAGE = """\
trip:
  name: Brokerage
  start: 2016-06-02
  end: 2016-06-02
  timezone: Europe/Paris
delegation:
  name: Catalan delegation
  languages: [ca, en]
  members:
    - {id: jpuig, name: Jordi Puig, organisation: Leitat, language: ca, languages: [es, en]}
    - {id: amartin, name: Anna Martí, organisation: Eurecat}
events:
  - id: b2b
    name: Brokerage event
    location: [45.83, 1.26]
    start: "2016-06-02 14:00"
    end: "2016-06-02 16:00"
    matchmaking:
      minutes: 20
      pause_minutes: 5
      breaks: [{from: "15:00", to: "15:15"}]
      tables: 2
      interpreters: 1
      participants:
        - {id: jk, name: Jens Krause, organisation: Weidmüller, language: de,
           available: {from: "14:00", to: "15:00"}}
        - {id: md, name: Marie Dubois, organisation: Legrand, language: fr}
        - {id: lb, name: Luc Bernard, organisation: Nexans, language: fr, languages: [en]}
      requests:
        - {from: jpuig, to: jk, priority: 80}
        - {from: jk, to: jpuig, priority: 30}
        - {from: amartin, to: jk, priority: must}
        - {from: md, to: jpuig}
        - {from: amartin, to: md, priority: 10}
        - {from: lb, to: amartin, priority: 40}
"""


def write(tmp_path: Path, text: str = BROKERAGE, name: str = "visit.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_trip_of_an_event_and_no_hosts_or_stays_is_valid(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(write(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "valid — 0 hosts, 1 event" in result.stdout


def test_match_prints_the_grid_and_writes_the_meetings_file(tmp_path: Path) -> None:
    visit = write(tmp_path)
    out = tmp_path / "meetings.json"
    result = runner.invoke(app, ["match", str(visit), "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "Meetings — Brokerage event" in result.stdout
    assert "Jens Krause (Weidmüller)" in result.stdout and "Table 1" in result.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["format"] == "itinerary-meetings/1"
    [event] = data["events"]
    assert {"id", "score", "bound", "optimal", "meetings", "unmatched"} <= set(event)
    assert event["id"] == "b2b" and event["optimal"] is True
    for meeting in event["meetings"]:
        assert set(meeting) >= {"start", "end", "table", "with", "priority"}
        assert meeting["start"].endswith("+02:00")
    pairs = {frozenset(m["with"]): m for m in event["meetings"]}
    # A request both ways is one meeting worth both priorities; the must one is met.
    assert pairs[frozenset({"jpuig", "jk"})]["priority"] == 110
    assert pairs[frozenset({"amartin", "jk"})]["must"] is True
    assert event["score"] == sum(m["priority"] for m in event["meetings"])
    # Jens Krause (de) and Jordi Puig (ca, es, en) need an interpreter; one is there at a time.
    assert pairs[frozenset({"jpuig", "jk"})]["interpreter"] is True
    starts = [m["start"] for m in event["meetings"] if m.get("interpreter")]
    assert len(starts) == len(set(starts))
    # Refused again without --force, the file kept.
    again = runner.invoke(app, ["match", str(visit), "--json", str(out)])
    assert again.exit_code == 2 and "--force" in again.stderr


def test_match_never_writes_its_json_over_an_input(tmp_path: Path) -> None:
    visit = write(tmp_path)
    before = visit.read_text(encoding="utf-8")
    linked = tmp_path / "linked.yaml"
    os.link(visit, linked)
    for target in (visit, linked):
        result = runner.invoke(app, ["match", str(visit), "--json", str(target), "--force"])
        assert result.exit_code == 2, result.output
        assert "is an input of this command" in result.stderr
        assert "even with --force" in result.stderr
    assert visit.read_text(encoding="utf-8") == before


def test_match_in_german_and_a_wrong_event(tmp_path: Path) -> None:
    visit = write(tmp_path)
    result = runner.invoke(app, ["match", str(visit), "--lang", "de"])
    assert result.exit_code == 0 and "Gespräche — Brokerage event" in result.stdout
    assert "Tisch 1" in result.stdout
    wrong = runner.invoke(app, ["match", str(visit), "--event", "nope"])
    assert wrong.exit_code == 2 and "no matchmaking event 'nope'" in wrong.stderr
    spanish = runner.invoke(app, ["match", str(visit), "--lang", "es"])
    assert spanish.exit_code == 2 and "--lang must be one of" in spanish.stderr
    assert "not 'es'" in spanish.stderr


def test_a_must_meeting_left_out_exits_1_with_its_reason(tmp_path: Path) -> None:
    # Anna Martí speaks the delegation's ca and en, Jens Krause de: no interpreter, no meeting.
    visit = write(tmp_path, BROKERAGE.replace("interpreters: 1", "interpreters: 0"))
    result = runner.invoke(app, ["match", str(visit), "--json", "-"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    [left] = [u for u in data["events"][0]["unmatched"] if u.get("must")]
    assert left["with"] == ["amartin", "jk"]
    assert left["reason"] == "no interpreter free in the slots in which both are free"
    assert left["cause"]["code"] == "no_interpreter"
    assert "incomplete: the must meetings amartin and jk could not be scheduled" in result.stderr
    german = runner.invoke(app, ["match", str(visit), "--lang", "de"])
    assert "kein Dolmetscher frei" in german.stdout


def test_plan_schedules_the_meetings_inside_the_event(tmp_path: Path) -> None:
    loaded = load_spec(write(tmp_path))
    plan = make_plan(loaded)
    assert plan.format == "itinerary-plan/1.3"
    assert check_plan(plan, loaded) == []
    [event] = plan.matchmaking_events()
    assert event.meetings and event.matchmaking is not None
    for m in event.meetings:
        assert event.start <= m.start < m.end <= event.end
    again = Plan.from_json(plan.to_json())
    assert again == plan
    result = runner.invoke(app, ["plan", str(tmp_path / "visit.yaml")])
    assert result.exit_code == 0, result.output
    assert "Meetings — Brokerage event" in result.stdout


def test_the_checker_finds_a_broken_meeting(tmp_path: Path) -> None:
    loaded = load_spec(write(tmp_path))
    [event] = match_events(loaded).events
    spec_event = loaded.spec.events[0]
    assert (
        check_meetings(loaded, spec_event, event.meetings, event.unmatched, event.matchmaking) == []
    )
    first = event.meetings[0]
    moved = first.model_copy(update={"start": first.start.replace(minute=1)})
    twice = [*event.meetings, event.meetings[0]]
    wrong_priority = [
        first.model_copy(update={"priority": first.priority + 1}),
        *event.meetings[1:],
    ]
    for meetings, words in (
        ([moved, *event.meetings[1:]], "is not a slot"),
        (twice, "two meetings at"),
        (wrong_priority, "the requests add up to"),
        (event.meetings[1:], "neither met nor listed"),
    ):
        found = check_meetings(loaded, spec_event, meetings, event.unmatched, event.matchmaking)
        assert any(words in v for v in found), (words, found)
    # The idle gaps stated must be the meetings' own.
    info = event.matchmaking.model_copy(update={"idle_gaps": event.idle_gaps + 1})
    found = check_meetings(loaded, spec_event, event.meetings, event.unmatched, info)
    assert found == [f"idle_gaps is {event.idle_gaps + 1}, the meetings leave {event.idle_gaps}"]


def test_requests_from_a_csv_file(tmp_path: Path) -> None:
    (tmp_path / "requests.csv").write_text(
        "from,to,priority\njpuig,jk,80\njk,jpuig,30\namartin,md,\n", encoding="utf-8"
    )
    head, _, _ = BROKERAGE.partition("      requests:")
    visit = write(tmp_path, head + "      requests: requests.csv\n")
    loaded = load_spec(visit)
    assert [r.line for r in loaded.requests["b2b"]] == [2, 3, 4]
    assert tmp_path / "requests.csv" in loaded.files
    [event] = match_events(loaded).events
    assert {frozenset(m.with_) for m in event.meetings} == {
        frozenset({"jpuig", "jk"}),
        frozenset({"amartin", "md"}),
    }


def _errors(text: str, base: Path | None = None) -> list[str]:
    with pytest.raises(InputError) as info:
        load_spec_text(text, "visit.yaml", base)
    return [str(i) for i in info.value.issues]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "{from: md, to: jpuig}",
            "{from: md, to: jpiug}",
            "visit.yaml:33: request names 'jpiug', who is not a participant of event 'b2b'; "
            "did you mean 'jpuig'?",
        ),
        (
            "{from: md, to: jpuig}",
            "{from: md, to: md}",
            "visit.yaml:33: a request from 'md' to themselves",
        ),
        (
            'available: {from: "14:00", to: "15:00"}',
            'available: {from: "13:00", to: "15:00"}',
            "visit.yaml:26: Jens Krause is available 13:00–15:00, outside the event (14:00–16:00)",
        ),
        ("tables: 2", "tables: 0", "visit.yaml:22: tables: give at least 1 table, got 0"),
        (
            "minutes: 20",
            "minutes: 50",
            "visit.yaml:19: a slot of 50 minutes does not divide into the event: the 45 minutes "
            "of 15:15–16:00 hold none (shorten the slots or move the breaks)",
        ),
        (
            "{from: md, to: jpuig}",
            "{from: jk, to: jpuig, priority: 5}",
            "visit.yaml:33: 'jk' asks to meet 'jpuig' twice (first at visit.yaml:31); give one "
            "request",
        ),
        (
            '{from: "15:00", to: "15:15"}',
            '{from: "15:50", to: "16:15"}',
            "visit.yaml:21: the break 15:50–16:15 is outside the event (14:00–16:00)",
        ),
        (
            "- {id: md, name: Marie Dubois",
            "- {id: jpuig, name: Marie Dubois",
            "visit.yaml:27: participant id 'jpuig' is already used by a member of the delegation",
        ),
    ],
)
def test_bad_matchmaking_input_is_located(old: str, new: str, expected: str) -> None:
    assert old in BROKERAGE
    assert expected in _errors(BROKERAGE.replace(old, new))


def test_more_must_requests_than_slots_is_refused() -> None:
    text = BROKERAGE.replace("{from: md, to: jpuig}", "{from: jk, to: md, priority: must}").replace(
        "{from: lb, to: amartin, priority: 40}", "{from: jk, to: lb, priority: must}"
    )
    text = text.replace('to: "15:00"}}', 'to: "14:45"}}')
    errors = _errors(text)
    assert any(
        "Jens Krause has 3 must meetings, but they are present for 2 slots" in e for e in errors
    )


def test_a_bad_csv_line_is_located_in_the_csv(tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text("from,to,priority\njpuig,jk,80\njpuig,md,high\n", "utf-8")
    head, _, _ = BROKERAGE.partition("      requests:")
    errors = _errors(head + "      requests: r.csv\n", tmp_path)
    assert len(errors) == 1 and errors[0].startswith(f"{tmp_path / 'r.csv'}:3: priority:")
    missing = _errors(head + "      requests: nope.csv\n", tmp_path)
    assert "requests: the file 'nope.csv' not found" in missing[0]


def test_leftover_minutes_are_a_warning(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(write(tmp_path))])
    assert "warning: 15 minutes of 14:00–15:00 hold no slot (the last ends at 14:45)" in (
        result.stderr
    )


EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def saved_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plan")
    visit = write(folder)
    result = runner.invoke(app, ["plan", str(visit), "--json", str(folder / "plan.json")])
    assert result.exit_code == 0, result.output
    return folder / "plan.json"


def test_export_meetings_writes_a_schedule_and_calendar_per_participant(
    saved_plan: Path, tmp_path: Path
) -> None:
    from icalendar import Calendar

    out = tmp_path / "schedules"
    result = runner.invoke(
        app, ["export", str(saved_plan), "--format", "meetings", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    ids = ["amartin", "jk", "jpuig", "lb", "md"]
    assert names == sorted([f"{i}.html" for i in ids] + [f"{i}.ics" for i in ids])
    german = (out / "jk.html").read_text(encoding="utf-8")
    assert '<html lang="de">' in german and "Gesprächsplan von Jens Krause" in german
    assert "Jordi Puig" in german and "Leitat" in german
    french = (out / "md.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in french and "Planning de rendez-vous de Marie Dubois" in french
    calendar = Calendar.from_ical((out / "jk.ics").read_bytes())
    events = [c for c in calendar.walk("VEVENT")]
    plan = Plan.from_json(saved_plan.read_text(encoding="utf-8"))
    [event] = plan.matchmaking_events()
    assert len(events) == sum("jk" in m.with_ for m in event.meetings or [])
    assert all(str(e["SUMMARY"]).startswith("Gesprächspartner: ") for e in events)


def test_export_meetings_of_a_plan_without_matchmaking_is_refused(tmp_path: Path) -> None:
    text = BROKERAGE.split("    matchmaking:")[0]
    visit = write(tmp_path, text)
    runner.invoke(app, ["plan", str(visit), "--json", str(tmp_path / "p.json")])
    result = runner.invoke(
        app,
        ["export", str(tmp_path / "p.json"), "--format", "meetings", "--out", str(tmp_path / "m")],
    )
    assert result.exit_code == 2 and "no matchmaking meetings" in result.stderr


def test_the_programme_shows_the_grid_and_the_interpreters(saved_plan: Path) -> None:
    from itinerary.render import RenderOptions, render

    plan = Plan.from_json(saved_plan.read_text(encoding="utf-8"))
    organiser = render(plan, "html", RenderOptions(lang="en"))
    assert isinstance(organiser, bytes)
    page = organiser.decode("utf-8")
    assert '<section class="sheet matchmaking">' in page
    assert "Meetings — Brokerage event" in page and "Table 2" in page
    assert "Meetings needing an interpreter" in page
    delegation = render(plan, "html", RenderOptions(lang="en", audience="delegation"))
    assert isinstance(delegation, bytes)
    assert "Meetings needing an interpreter" not in delegation.decode("utf-8")


def test_the_workbook_has_a_sheet_per_matchmaking_event(saved_plan: Path) -> None:
    import io

    from openpyxl import load_workbook

    from itinerary.render import RenderOptions, render

    plan = Plan.from_json(saved_plan.read_text(encoding="utf-8"))
    data = render(plan, "xlsx", RenderOptions(lang="en"))
    assert isinstance(data, bytes)
    book = load_workbook(io.BytesIO(data))
    sheet = book["Brokerage event"]
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Meetings — Brokerage event"
    assert values[3][:3] == ("Time", "Table 1", "Table 2")
    [event] = plan.matchmaking_events()
    meeting_rows = [r for r in values if not isinstance(r[0], str) and r[2]]
    assert len(meeting_rows) == len(event.meetings or [])
    # Under the grid, the summary the html programme prints.
    from itinerary.render.meetings import summary, words

    assert (summary(event, words("en")),) == values[3 + len(event.matchmaking.slots) + 2][:1]


def test_the_workbook_lists_a_slots_meetings_in_table_order(saved_plan: Path) -> None:
    """Tables 1 … 11: the meeting at table 9 comes before the one at table 10, as in the grid
    (not in the order of their ids as text)."""
    import io

    from openpyxl import load_workbook

    from itinerary.plan.meetings import MeetingTable
    from itinerary.render import RenderOptions, render

    plan = Plan.from_json(saved_plan.read_text(encoding="utf-8"))
    [event] = plan.matchmaking_events()
    assert event.matchmaking is not None and event.meetings
    starts = [m.start for m in event.meetings]
    busiest = max(starts, key=starts.count)
    pair = [m for m in event.meetings if m.start == busiest]
    assert len(pair) == 2
    tables = [MeetingTable(id=str(i), name=str(i)) for i in range(1, 12)]
    moved = [pair[0].model_copy(update={"table": "10"}), pair[1].model_copy(update={"table": "9"})]
    item = event.model_copy(
        update={
            "meetings": [*moved, *(m for m in event.meetings if m.start != busiest)],
            "matchmaking": event.matchmaking.model_copy(update={"tables": tables}),
        }
    )
    tracks = [
        t.model_copy(update={"items": [item if i is event else i for i in t.items]})
        for t in plan.tracks
    ]
    data = render(plan.model_copy(update={"tracks": tracks}), "xlsx", RenderOptions(lang="en"))
    assert isinstance(data, bytes)
    sheet = load_workbook(io.BytesIO(data))["Brokerage event"]
    rows = [r for r in sheet.iter_rows(values_only=True) if not isinstance(r[0], str) and r[2]]
    assert [r[2] for r in rows if r[0] == busiest.time().replace(tzinfo=None)] == [
        "Table 9",
        "Table 10",
    ]


def test_the_owl_example_prints_its_meeting_grid() -> None:
    from conftest import example_plan

    plan = example_plan("its-owl-week")
    [event] = plan.matchmaking_events()
    assert event.meetings and len(event.meetings) >= 25
    assert {m.with_[0] for m in event.meetings} & {"puig", "soler", "vidal"}
    # The gap stage proves that this event's meetings fit without an idle gap.
    assert event.matchmaking is not None and event.matchmaking.idle_gaps == 0
    result = runner.invoke(app, ["match", str(EXAMPLES / "its-owl-week.yaml")])
    assert result.exit_code == 0, result.output
    assert "Meetings — German-Catalan matchmaking (World Café)" in result.stdout
    assert "Pere Soler (Girbau)" in result.stdout


def test_the_limoges_brokerage_example(tmp_path: Path) -> None:
    visit = EXAMPLES / "limoges-brokerage.yaml"
    assert runner.invoke(app, ["validate", str(visit)]).exit_code == 0
    out = tmp_path / "meetings.json"
    result = runner.invoke(app, ["match", str(visit), "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "Rendez-vous — Brokerage event" in result.stdout
    [event] = json.loads(out.read_text(encoding="utf-8"))["events"]
    tables = {m["table"] for m in event["meetings"]}
    assert tables <= {"t1", "t2", "t3", "t4"}
    must = [m for m in event["meetings"] if m.get("must")]
    assert {frozenset(m["with"]) for m in must} == {
        frozenset({"vogel", "elopsys"}),
        frozenset({"keller", "ceramique"}),
    }
    # Its one idle gap is proven fewest for these meetings: in the file and in the summary.
    assert event["gaps_optimal"] is True
    printed = " ".join(result.stdout.split())
    assert f"· {event['idle_gaps']} temps mort" in printed and "(le moins possible)" in printed
    loaded = load_spec(visit)
    plan = make_plan(loaded)
    assert check_plan(plan, loaded) == []
    [item] = plan.matchmaking_events()
    assert item.matchmaking is not None and item.matchmaking.gaps_optimal is True


@pytest.mark.parametrize(
    ("lang", "gaps", "proven", "expected"),
    [
        ("en", 1, True, "· 1 idle gap (fewest possible) ·"),
        ("en", 2, False, "· 2 idle gaps ·"),
        ("en", 0, True, "· 0 idle gaps ·"),
        ("de", 1, True, "· 1 Leerlaufzeit (so wenige wie möglich) ·"),
        ("de", 3, None, "· 3 Leerlaufzeiten ·"),
        ("fr", 1, True, "· 1 temps mort (le moins possible) ·"),
        ("fr", 0, False, "· 0 temps mort ·"),
        ("fr", 2, False, "· 2 temps morts ·"),
    ],
)
def test_the_summary_counts_idle_gaps_and_says_when_they_are_fewest(
    saved_plan: Path, lang: Language, gaps: int, proven: bool | None, expected: str
) -> None:
    from itinerary.render.meetings import summary, words

    plan = Plan.from_json(saved_plan.read_text(encoding="utf-8"))
    [event] = plan.matchmaking_events()
    assert event.matchmaking is not None and event.matchmaking.gaps_optimal is not None
    info = event.matchmaking.model_copy(update={"idle_gaps": gaps, "gaps_optimal": proven})
    text = summary(event.model_copy(update={"matchmaking": info}), words(lang))
    assert expected in text


@pytest.mark.parametrize("lang", ["de", "fr"])
def test_no_english_label_in_german_or_french_meetings(saved_plan: Path, lang: str) -> None:
    """As tests/test_i18n.py checks every other export, on a plan with matchmaking: the meetings
    folder, the programme's grid and the workbook's sheet carry no English label."""
    import re

    from test_i18n import _catalogues, _english_labels, _visible_text, _words_in

    from itinerary.match.explain import TEMPLATES
    from itinerary.render import RenderOptions, render
    from itinerary.render.meetings import MEETING_LABELS

    plan = Plan.from_json(saved_plan.read_text(encoding="utf-8"))
    catalogues = [MEETING_LABELS, TEMPLATES]
    labels = _english_labels(lang) | {
        label.strip()
        for c in catalogues
        for k, english in c["en"].items()
        if english != c[lang][k]
        for label in re.split(r"\{[^}]*\}", english)
        if _words_in(label)
    }
    every = [c for _, c in _catalogues()] + catalogues
    translated = _words_in(" ".join(c[lang][k] for c in every for k in c[lang]))
    for fmt in ("meetings", "html", "xlsx"):
        text = _visible_text(fmt, render(plan, fmt, RenderOptions(lang=lang)))  # type: ignore[arg-type]
        english = _visible_text(fmt, render(plan, fmt, RenderOptions(lang="en")))
        assert "Table 1" in english or "Meets" in english, fmt
        leaks = []
        for label in labels:
            words = _words_in(label)
            if not words or words <= translated:
                continue
            if re.search(r"(?<![A-Za-zÀ-ÿ])" + re.escape(label) + r"(?![A-Za-zÀ-ÿ])", text):
                leaks.append(label)
        assert leaks == [], f"English labels in {fmt}/{lang}: {sorted(leaks)}"


def test_meeting_files_stay_inside_their_folder_whatever_the_ids(
    saved_plan: Path, tmp_path: Path
) -> None:
    from itinerary.render import RenderOptions
    from itinerary.render.export import export_plan

    text = saved_plan.read_text(encoding="utf-8").replace('"jk"', '"../CON"')
    plan = Plan.from_json(text)
    out = tmp_path / "out" / "meetings"
    out.parent.mkdir()
    export_plan(plan, "meetings", out, RenderOptions())
    names = [p.name for p in out.iterdir()]
    assert len(names) == 10 and all(p.parent == out and p.is_file() for p in out.iterdir())
    assert not any(n.startswith(".") or n.lower().split(".")[0] == "con" for n in names)
    assert [p for p in tmp_path.rglob("*") if out.parent not in p.parents and p != out.parent] == []
