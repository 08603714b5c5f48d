"""Replies in the visit file (issue 19): `hosts[].confirmed` pins a visit at the time the host
accepted, even off the time grid, and counts it as required; `hosts[].declined` keeps a host out
of every plan, with its reason. A confirmed time that no longer fits is an input error naming
both items; the plan checker holds a plan to both replies. Through the CLI, each plan re-checked.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import plan_text
from typer.testing import CliRunner

from itinerary.cli import app
from itinerary.input.load import load_spec, load_spec_text
from itinerary.plan import Plan
from itinerary.plan.check import check_plan

runner = CliRunner()

TRIP = """\
trip:
  name: Replies
  start: 2016-05-23
  end: 2016-05-24
  timezone: Europe/Berlin
  round_minutes: 15
  day: {start: "08:00", end: "18:00"}
  lunch: {from: "12:00", to: "14:00", minutes: 60}
delegation: {name: Test delegation, size: 10}
stays:
  - {id: hotel, name: Hotel, location: [51.7155, 8.7630], from: 2016-05-23, to: 2016-05-24}
hosts:
  - id: alpha
    name: Alpha GmbH
    location: [51.7310, 8.7360]
    duration: 60
    open:
      - {days: [mon, tue], from: "07:00", to: "19:00"}
  - id: beta
    name: Beta AG
    location: [51.7400, 8.7000]
    duration: 60
    priority: 40
  - id: gamma
    name: Gamma KG
    location: [52.0200, 8.5300]
    duration: 30
    priority: 30
events:
  - id: talk
    name: Talk
    location: [51.7190, 8.7540]
    start: "2016-05-23 15:00"
    end: "2016-05-23 16:00"
"""


def with_reply(host: str, reply: str, text: str = TRIP) -> str:
    """TRIP with a line (`confirmed: "…"`, `declined: true`) added to a host."""
    return text.replace(f"  - id: {host}\n", f"  - id: {host}\n    {reply}\n", 1)


def line_of(text: str, needle: str, after: str = "") -> int:
    """The 1-based line of the first `needle` after the line holding `after` (0: none)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next((i for i, line in enumerate(lines) if i >= start and needle in line), -1) + 1


def plan_cli(tmp_path: Path, text: str, *extra: str, name: str = "plan.json") -> Plan:
    """Plan `text` through the CLI (--json), check exit 0 and re-check the plan."""
    visit = tmp_path / "visit.yaml"
    visit.write_text(text, encoding="utf-8")
    out = tmp_path / name
    result = runner.invoke(app, ["plan", str(visit), "--json", str(out), "--force", *extra])
    assert result.exit_code == 0, result.output
    plan = Plan.from_json(out.read_text(encoding="utf-8"))
    assert check_plan(plan, load_spec(visit)) == []
    return plan


def start_of(plan: Plan, host: str) -> str:
    visit = next(v for v in plan.visits() if v.id == host)
    return f"{visit.start:%Y-%m-%d %H:%M}"


# --- confirmed -------------------------------------------------------------------------------


def test_a_confirmed_host_is_at_its_time_off_the_grid_and_stays_there_through_a_replan(
    tmp_path: Path,
) -> None:
    # 10:07 is off the trip's 15-minute grid: the host accepted it, so it stays.
    text = with_reply("alpha", 'confirmed: "2016-05-24 10:07"')
    first = plan_cli(tmp_path, text)
    assert start_of(first, "alpha") == "2016-05-24 10:07"
    # Everything else keeps to the grid.
    assert all(v.start.minute % 15 == 0 for v in first.visits() if v.id != "alpha")
    # Beta declines; the re-plan against the first keeps alpha where it was confirmed.
    second = plan_cli(
        tmp_path,
        with_reply("beta", "declined: true", text),
        "--previous",
        str(tmp_path / "plan.json"),
        name="second.json",
    )
    assert start_of(second, "alpha") == "2016-05-24 10:07"
    assert "beta" not in {v.id for v in second.visits()}


def test_a_confirmed_host_counts_as_required_and_keeps_its_priority_in_the_score() -> None:
    # Gamma (far away, priority 30) would not be worth the drive on its own terms.
    plan = plan_text(with_reply("gamma", 'confirmed: "2016-05-24 09:30"'))
    assert start_of(plan, "gamma") == "2016-05-24 09:30"
    assert plan.status == "complete"
    assert plan.score == sum(int(v.priority) for v in plan.visits())


def test_the_checker_holds_a_plan_to_its_confirmed_time() -> None:
    text = with_reply("alpha", 'confirmed: "2016-05-24 10:07"')
    plan = plan_text(text)
    data = json.loads(plan.to_json())
    for track in data["tracks"]:
        for item in track["items"]:
            if item.get("id") == "alpha":
                item["start"] = item["start"].replace("10:07", "10:15")
                item["end"] = item["end"].replace("11:07", "11:15")
    moved = Plan.model_validate(data)
    found = [str(v) for v in check_plan(moved, load_spec_text(text))]
    assert any("not at its confirmed time 2016-05-24 10:07" in v for v in found), found


# --- declined --------------------------------------------------------------------------------


def test_a_declined_host_is_never_planned_and_says_why(tmp_path: Path) -> None:
    text = with_reply("alpha", "declined: true")
    plan = plan_cli(tmp_path, text)
    assert "alpha" not in {v.id for v in plan.visits()}
    left = next(u for u in plan.unscheduled if u.id == "alpha")
    assert left.reason == "the host declined the visit"
    assert left.cause is not None and left.cause.code == "declined"
    visit = tmp_path / "visit.yaml"
    for lang, words in (("de", "der Gastgeber hat den Besuch abgesagt"), ("fr", "décliné")):
        result = runner.invoke(app, ["plan", str(visit), "--lang", lang])
        assert result.exit_code == 0, result.output
        assert words in " ".join(result.stdout.split())


def test_the_checker_refuses_a_declined_host_in_the_plan() -> None:
    plan = plan_text(TRIP)
    assert "alpha" in {v.id for v in plan.visits()}
    declined = with_reply("alpha", "declined: true")
    found = [str(v) for v in check_plan(plan, load_spec_text(declined))]
    assert any("alpha: the host declined" in v for v in found), found


# --- a confirmed time that no longer fits: exit 2, naming both items ---------------------------

CLOSED = TRIP.replace(
    '      - {days: [mon, tue], from: "07:00", to: "19:00"}\n',
    '      - {days: [mon, tue], from: "07:00", to: "19:00"}\n    closed: [2016-05-24]\n',
)
HOLIDAY = TRIP.replace(  # 24 May: a public holiday in Bulgaria, where this host is
    '      - {days: [mon, tue], from: "07:00", to: "19:00"}\n',
    '      - {days: [mon, tue], from: "07:00", to: "19:00"}\n    holidays: BG\n',
)
MONDAYS = TRIP.replace("days: [mon, tue], from", "days: [mon], from")
NOT_FITTING = [
    pytest.param(
        TRIP,
        {"alpha": "2016-05-30 10:00"},
        "host 'alpha' is confirmed for 2016-05-30 10:00, on no day of the trip "
        "(2016-05-23 to 2016-05-24, line 3)",
        id="no-trip-day",
    ),
    pytest.param(
        CLOSED,
        {"alpha": "2016-05-24 10:00"},
        "host 'alpha' is confirmed for 2016-05-24 10:00, but 2016-05-24 is one of its closed "
        "dates (line {closed})",
        id="closed-date",
    ),
    pytest.param(
        HOLIDAY,
        {"alpha": "2016-05-24 10:00"},
        "host 'alpha' is confirmed for 2016-05-24 10:00, but 2016-05-24 is a public holiday "
        "in BG (Day of Bulgarian Enlightenment and Culture and Slavonic Alphabet) "
        "(line {holidays})",
        id="public-holiday",
    ),
    pytest.param(
        MONDAYS,
        {"alpha": "2016-05-24 10:00"},
        "host 'alpha' is confirmed for 2016-05-24 10:00, but 2016-05-24 is a day it is not "
        "open (line {open})",
        id="not-open-that-day",
    ),
    pytest.param(
        TRIP,
        {"alpha": "2016-05-23 18:30"},
        "host 'alpha' is confirmed for 2016-05-23 18:30–19:30, outside its opening hours on "
        "2016-05-23 (07:00–19:00, line {open})",
        id="outside-opening-hours",
    ),
    pytest.param(
        TRIP,
        {"alpha": "2016-05-23 08:00"},
        "host 'alpha' is confirmed for 2016-05-23 08:00, but the day begins at 08:00 at Hotel "
        "and the journey there takes",
        id="before-the-day-can-reach-it",
    ),
    pytest.param(
        TRIP,
        {"alpha": "2016-05-23 17:00"},
        "host 'alpha' is confirmed for 2016-05-23 17:00–18:00, but the day ends at 18:00 at "
        "Hotel and the journey there takes",
        id="after-the-day-ends",
    ),
    pytest.param(
        TRIP,
        {"alpha": "2016-05-23 14:30"},
        "host 'alpha' (14:30–15:30) overlaps event 'talk' (15:00–16:00, line {talk})",
        id="overlaps-an-event",
    ),
    pytest.param(
        TRIP,
        {"gamma": "2016-05-23 16:05"},
        "the group cannot be at host 'gamma' by 16:05 after event 'talk' ends at 16:00: the "
        "journey takes",
        id="unreachable-after-an-event",
    ),
    pytest.param(
        TRIP,
        {"alpha": "2016-05-23 10:00", "beta": "2016-05-23 10:30"},
        "host 'beta' (10:30–11:30) overlaps host 'alpha' (10:00–11:00, line {alpha})",
        id="overlaps-another-confirmed-visit",
    ),
    pytest.param(
        TRIP,
        {"alpha": "2016-05-23 09:00", "gamma": "2016-05-23 10:10"},
        "the group cannot be at host 'gamma' by 10:10 after host 'alpha' ends at 10:00: the "
        "journey takes",
        id="unreachable-from-another-confirmed-visit",
    ),
]


@pytest.mark.parametrize(("base", "replies", "message"), NOT_FITTING)
def test_a_confirmed_time_that_does_not_fit_is_a_located_input_error(
    tmp_path: Path, base: str, replies: dict[str, str], message: str
) -> None:
    text = base
    for host, when in replies.items():
        text = with_reply(host, f'confirmed: "{when}"', text)
    visit = tmp_path / "visit.yaml"
    visit.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["plan", str(visit)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    # Located at the confirmed key of the host whose reply does not fit.
    located = re.match(rf"{re.escape(str(visit))}:(\d+): (.*)", lines[0])
    assert located is not None, lines[0]
    assert text.splitlines()[int(located.group(1)) - 1].strip().startswith("confirmed:")
    lines_of = {
        "closed": line_of(text, "closed:"),
        "holidays": line_of(text, "holidays:"),
        "open": line_of(text, "open:", after="id: alpha"),
        "talk": line_of(text, "start:", after="id: talk"),
        "alpha": line_of(text, "confirmed:", after="id: alpha"),
    }
    assert located.group(2).startswith(message.format(**lines_of)), located.group(2)


def test_confirmed_and_declined_together_or_a_bad_time_are_located_errors(tmp_path: Path) -> None:
    both = with_reply("alpha", 'confirmed: "2016-05-23 10:00"\n    declined: true')
    bad = with_reply("alpha", 'confirmed: "tomorrow morning"')
    for text, message in (
        (both, "a host is either confirmed or declined, not both"),
        (bad, '"tomorrow morning" is not a local date and time like "2016-05-23 10:30"'),
    ):
        visit = tmp_path / "visit.yaml"
        visit.write_text(text, encoding="utf-8")
        result = runner.invoke(app, ["plan", str(visit)])
        assert result.exit_code == 2, result.output
        assert message in result.stderr, result.stderr
        assert re.match(rf"{re.escape(str(visit))}:\d+: ", result.stderr)
