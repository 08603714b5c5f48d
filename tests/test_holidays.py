"""Public holidays (`trip.holidays`, `hosts[].holidays`) and closed dates (`hosts[].closed`)
through the command line: hosts closed on those days, reopened by a `dates` window, the day
headings and reasons in en/de/fr, the warning for a must-visit open only then, the input errors,
and the plan checker, which re-checks every plan here and catches a visit on such a day."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import EXAMPLES
from typer.testing import CliRunner

from itinerary.cli import app
from itinerary.input.load import load_spec
from itinerary.plan import Plan, VisitItem
from itinerary.plan.check import check_plan
from itinerary.render.export import parse_plan
from itinerary.render.i18n import Words
from itinerary.render.terminal import score_line

# Wide enough that a reason is not wrapped inside its table cell.
runner = CliRunner(env={"COLUMNS": "240"})

# Wed 25 – Fri 27 May 2016 in North Rhine-Westphalia; Thursday 26 May is Corpus Christi.
CORPUS_CHRISTI = """\
trip:
  name: Holiday trip
  start: 2016-05-25
  end: 2016-05-27
  timezone: Europe/Berlin
  holidays: DE-NW
  lunch: {from: "12:00", to: "14:00", minutes: 60}
delegation: {name: Test delegation, size: 10}
stays:
  - {id: hotel, name: Hotel, location: [51.7155, 8.7630], from: 2016-05-25, to: 2016-05-27}
hosts:
  - id: weekdays
    name: Weekdays GmbH
    location: [51.7310, 8.7360]
    duration: 60
    priority: must
    open: [{days: [mon, tue, wed, thu, fri], from: "09:00", to: "17:00"}]
  - id: thursdays
    name: Thursdays AG
    location: [51.7400, 8.7000]
    duration: 60
    priority: 40
    open: [{days: [thu], from: "09:00", to: "17:00"}]
  - id: anytime
    name: Anytime KG
    location: [51.7200, 8.7500]
    duration: 60
    priority: 30
"""


def _plan(tmp_path: Path, text: str, *args: str, code: int = 0) -> tuple[Plan, str, str]:
    """Plan `text` through the CLI; the plan, re-read from its JSON and re-checked against the
    visit file by the plan checker, with the run's stdout and stderr."""
    visit = tmp_path / "visit.yaml"
    visit.write_text(text, encoding="utf-8")
    out = tmp_path / "plan.json"
    result = runner.invoke(app, ["plan", str(visit), "--json", str(out), "--force", *args])
    assert result.exit_code == code, result.output
    plan = parse_plan(out.read_bytes(), str(out))
    assert check_plan(plan, load_spec(visit)) == []
    return plan, result.stdout, result.stderr


def _visits_on(plan: Plan, date: str) -> list[VisitItem]:
    return [
        i for t in plan.tracks if str(t.date) == date for i in t.items if isinstance(i, VisitItem)
    ]


def _visit(plan: Plan, host: str) -> VisitItem:
    return next(v for v in plan.visits() if v.id == host)


def test_a_public_holiday_closes_every_host_and_the_plan_says_why(tmp_path: Path) -> None:
    plan, stdout, _ = _plan(tmp_path, CORPUS_CHRISTI)
    assert _visits_on(plan, "2016-05-26") == []
    assert {v.id for v in plan.visits()} == {"weekdays", "anytime"}
    (left,) = plan.unscheduled
    assert left.id == "thursdays"
    assert left.reason == "closed on Thursday, 26 May 2016 (Corpus Christi)"
    assert "closed on Thursday, 26 May 2016 (Corpus Christi)" in stdout
    assert "Thursday, 26 May 2016 — Corpus Christi" in stdout


def test_without_trip_holidays_the_same_hosts_are_open_that_day(tmp_path: Path) -> None:
    plan, _, _ = _plan(tmp_path, CORPUS_CHRISTI.replace("  holidays: DE-NW\n", ""))
    assert "thursdays" in [v.id for v in _visits_on(plan, "2016-05-26")]
    assert not plan.unscheduled
    assert all(t.holiday is None for t in plan.tracks)


def test_a_dates_window_on_the_holiday_reopens_the_host_for_that_window_only(
    tmp_path: Path,
) -> None:
    text = CORPUS_CHRISTI.replace(
        '    open: [{days: [thu], from: "09:00", to: "17:00"}]',
        '    open: [{days: [thu], from: "09:00", to: "17:00"},\n'
        '           {dates: [2016-05-26], from: "14:30", to: "16:00"}]',
    )
    plan, _, _ = _plan(tmp_path, text)
    visit = _visit(plan, "thursdays")
    assert str(visit.start.date()) == "2016-05-26"
    # Only the window that lists the date applies on the holiday, not the Thursday hours.
    assert (visit.start.hour, visit.start.minute) >= (14, 30)
    assert (visit.end.hour, visit.end.minute) <= (16, 0)
    assert not plan.unscheduled


def test_a_host_across_the_border_follows_its_own_countrys_holidays(tmp_path: Path) -> None:
    # Trip in North Rhine-Westphalia, Wed 13 – Fri 15 July 2016: 14 July is France's, not ours.
    text = (
        CORPUS_CHRISTI.replace("2016-05-25", "2016-07-13")
        .replace("2016-05-27", "2016-07-15")
        .replace(
            "    name: Thursdays AG\n",
            "    name: Thursdays AG\n    holidays: FR\n",
        )
        + "  - id: german-thursdays\n"
        "    name: Deutsche Donnerstage GmbH\n"
        "    location: [51.7350, 8.7100]\n"
        "    duration: 60\n"
        "    priority: 35\n"
        '    open: [{days: [thu], from: "09:00", to: "17:00"}]\n'
    )
    plan, stdout, _ = _plan(tmp_path, text, "--lang", "de")
    on_the_14th = [v.id for v in _visits_on(plan, "2016-07-14")]
    assert "german-thursdays" in on_the_14th and "thursdays" not in on_the_14th
    (left,) = plan.unscheduled
    assert left.id == "thursdays"
    assert left.reason == "closed on Thursday, 14 July 2016 (National Day)"
    # The French holiday has no German name in the `holidays` package: its own name is used.
    assert "geschlossen am Donnerstag, 14. Juli 2016 (Fête nationale)" in stdout
    # The day heading names the trip's holidays only: 14 July is none in Germany.
    assert all(t.holiday is None for t in plan.tracks)


def test_a_host_with_holidays_none_keeps_its_hours_on_a_holiday(tmp_path: Path) -> None:
    text = CORPUS_CHRISTI.replace(
        "    name: Thursdays AG\n", "    name: Thursdays AG\n    holidays: none\n"
    )
    plan, _, _ = _plan(tmp_path, text)
    assert [v.id for v in _visits_on(plan, "2016-05-26")] == ["thursdays"]
    assert plan.tracks[1].holiday is not None  # the day is still the trip's holiday


def test_closed_single_dates_and_ranges_close_the_host(tmp_path: Path) -> None:
    week = (
        CORPUS_CHRISTI.replace("  holidays: DE-NW\n", "")
        .replace("start: 2016-05-25", "start: 2016-05-23")
        .replace("from: 2016-05-25", "from: 2016-05-23")
    )
    # Open Monday to Friday; closed on Monday and from Tuesday to Thursday: only Friday is left.
    text = week.replace(
        "    name: Weekdays GmbH\n",
        "    name: Weekdays GmbH\n    closed: [2016-05-23, {from: 2016-05-24, to: 2016-05-26}]\n",
    )
    plan, _, _ = _plan(tmp_path, text)
    assert str(_visit(plan, "weekdays").start.date()) == "2016-05-27"
    # Closed on its only open day: left out, with the date and why.
    text = week.replace(
        "    name: Thursdays AG\n", "    name: Thursdays AG\n    closed: [2016-05-26]\n"
    )
    plan, stdout, _ = _plan(tmp_path, text, "--lang", "fr")
    left = next(u for u in plan.unscheduled if u.id == "thursdays")
    assert left.reason == "closed on Thursday, 26 May 2016 (closed day)"
    assert "fermé le jeudi 26 mai 2016 (jour de fermeture)" in stdout


@pytest.mark.parametrize(
    ("lang", "heading", "reason"),
    [
        (
            "en",
            "Thursday, 26 May 2016 — Corpus Christi",
            "closed on Thursday, 26 May 2016 (Corpus Christi)",
        ),
        (
            "de",
            "Donnerstag, 26. Mai 2016 — Fronleichnam",
            "geschlossen am Donnerstag, 26. Mai 2016 (Fronleichnam)",
        ),
        # No French name for a German holiday in the `holidays` package: its own name.
        (
            "fr",
            "jeudi 26 mai 2016 — Fronleichnam",
            "fermé le jeudi 26 mai 2016 (Fronleichnam)",
        ),
    ],
)
def test_every_output_names_the_holiday_in_its_language(
    lang: str, heading: str, reason: str, tmp_path: Path
) -> None:
    plan, stdout, _ = _plan(tmp_path, CORPUS_CHRISTI, "--lang", lang)
    assert heading in stdout and reason in stdout
    assert plan.tracks[1].holiday == {
        "en": "Corpus Christi",
        "de": "Fronleichnam",
        "fr": "Fronleichnam",
    }
    saved = tmp_path / "plan.json"
    for fmt in ("md", "html"):
        out = tmp_path / f"plan.{fmt}"
        args = ["export", str(saved), "--format", fmt, "--lang", lang, "--out", str(out)]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        text = out.read_text(encoding="utf-8")
        assert heading in text and reason in text, fmt
    out = tmp_path / "plan.xlsx"
    args = ["export", str(saved), "--format", "xlsx", "--lang", lang, "--out", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    from openpyxl import load_workbook

    sheet = load_workbook(out)["2016-05-26"]
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert heading.split(" — ")[1] in cells


def test_a_host_letter_on_a_holiday_names_it(tmp_path: Path) -> None:
    text = CORPUS_CHRISTI.replace(
        '    open: [{days: [thu], from: "09:00", to: "17:00"}]',
        '    open: [{dates: [2016-05-26], from: "09:00", to: "17:00"}]',
    )
    _plan(tmp_path, text, "--lang", "de")
    folder = tmp_path / "hosts"
    args = ["export", str(tmp_path / "plan.json"), "--format", "hosts", "--lang", "de"]
    result = runner.invoke(app, [*args, "--out", str(folder)])
    assert result.exit_code == 0, result.output
    letters = {p.name: p.read_text(encoding="utf-8") for p in folder.rglob("*.md")}
    letter = next(t for name, t in letters.items() if "thursdays" in name)
    assert "Donnerstag, 26. Mai 2016 — Fronleichnam" in letter


def test_the_plan_json_is_format_1_2_only_with_a_holiday_and_export_reads_it(
    tmp_path: Path,
) -> None:
    _plan(tmp_path, CORPUS_CHRISTI)
    data = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert data["format"] == "itinerary-plan/1.2"
    assert [t.get("holiday") for t in data["tracks"]] == [
        None,
        {"en": "Corpus Christi", "de": "Fronleichnam", "fr": "Fronleichnam"},
        None,
    ]
    result = runner.invoke(
        app, ["export", str(tmp_path / "plan.json"), "--format", "md", "--out", "-"]
    )
    assert result.exit_code == 0 and "Corpus Christi" in result.stdout
    assert result.stderr == ""  # no key ignored
    _plan(tmp_path, CORPUS_CHRISTI.replace("  holidays: DE-NW\n", ""))
    data = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert data["format"] == "itinerary-plan/1"
    assert all("holiday" not in t for t in data["tracks"])


def test_validate_and_plan_warn_of_a_must_visit_open_only_on_a_holiday(tmp_path: Path) -> None:
    text = CORPUS_CHRISTI.replace("    priority: 40\n", "    priority: must\n")
    visit = tmp_path / "visit.yaml"
    visit.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(visit)])
    assert result.exit_code == 0
    line = text.splitlines().index("  - id: thursdays") + 1
    assert [li for li in result.stderr.splitlines() if "`organiser`" not in li] == [
        f"{visit}:{line}: warning: must-visit 'thursdays' is open during the trip only on days "
        "it is closed: 2016-05-26 (a public holiday in DE-NW: Corpus Christi); it cannot be "
        "planned (an `open` window with `dates` opens it on a public holiday)"
    ]
    plan, _, stderr = _plan(tmp_path, text, code=1)
    assert f"{visit}:{line}: warning: must-visit 'thursdays'" in stderr
    assert "Thursdays AG could not be placed" in stderr
    assert plan.status == "partial"
    assert plan.unscheduled[0].reason == "closed on Thursday, 26 May 2016 (Corpus Christi)"


def test_a_must_visit_closed_on_its_only_open_dates_is_warned_at_its_closed_key(
    tmp_path: Path,
) -> None:
    text = CORPUS_CHRISTI.replace("  holidays: DE-NW\n", "").replace(
        "    priority: 40\n",
        "    priority: must\n    closed: [{from: 2016-05-20, to: 2016-05-31}]\n",
    )
    visit = tmp_path / "visit.yaml"
    visit.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(visit)])
    line = text.splitlines().index("    closed: [{from: 2016-05-20, to: 2016-05-31}]") + 1
    assert result.exit_code == 0
    assert result.stderr.startswith(f"{visit}:{line}: warning: must-visit 'thursdays' is open ")
    assert "2016-05-26 (listed in `closed`)" in result.stderr


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "  holidays: DE-NW\n",
            "  holidays: DE-XX\n",
            "unknown region 'XX' of DE for public holidays; use one of BB, BE, BW, BY, HB, HE, "
            "HH, MV, NI, NW, RP, SH (and 5 more), e.g. DE-BB",
        ),
        (
            "  holidays: DE-NW\n",
            "  holidays: XY\n",
            "unknown country 'XY' for public holidays; use a two-letter ISO 3166 code",
        ),
        (
            "    name: Thursdays AG\n",
            "    name: Thursdays AG\n    holidays: FR-ZZ\n",
            "unknown region 'ZZ' of FR for public holidays; use one of",
        ),
        (
            "    name: Thursdays AG\n",
            "    name: Thursdays AG\n    closed: [{from: 2016-07-25, to: 2016-07-01}]\n",
            "the closure ends 2016-07-01, before it begins 2016-07-25",
        ),
        (
            "    name: Thursdays AG\n",
            "    name: Thursdays AG\n    closed: [2016-02-30]\n",
            "2016-02-30",
        ),
        (
            '    open: [{days: [thu], from: "09:00", to: "17:00"}]',
            '    open: [{dates: [2016-05-26], from: "09:00", to: "17:00"}]\n'
            "    closed: [2016-05-26]",
            "host 'thursdays' has an open window on 2016-05-26, a date its `closed` list closes",
        ),
    ],
    ids=["region", "country", "host-region", "from-after-to", "bad-date", "open-and-closed"],
)
def test_bad_codes_and_dates_are_one_located_line_exit_2(
    old: str, new: str, message: str, tmp_path: Path
) -> None:
    text = CORPUS_CHRISTI.replace(old, new)
    assert text != CORPUS_CHRISTI
    visit = tmp_path / "visit.yaml"
    visit.write_text(text, encoding="utf-8")
    changed = next(line for line in new.splitlines() if line not in CORPUS_CHRISTI.splitlines())
    for command in ("validate", "plan"):
        result = runner.invoke(app, [command, str(visit)])
        assert result.exit_code == 2, result.output
        (line,) = result.stderr.strip().splitlines()
        number = text.splitlines().index(changed) + 1
        assert line.startswith(f"{visit}:{number}: "), line
        assert message in line
        assert "Traceback" not in result.output


def test_a_holiday_code_is_read_as_the_holidays_package_spells_it(tmp_path: Path) -> None:
    plan, _, _ = _plan(tmp_path, CORPUS_CHRISTI.replace("DE-NW", "de-nw"))
    assert plan.tracks[1].holiday is not None


def test_the_checker_refuses_a_visit_on_a_holiday_or_a_closed_date(tmp_path: Path) -> None:
    # Planned without holidays, a visit lands on Corpus Christi; checked against the same trip
    # with holidays, the checker names it (it does not trust the planner to have left it out).
    plan, _, _ = _plan(tmp_path, CORPUS_CHRISTI.replace("  holidays: DE-NW\n", ""))
    holiday = tmp_path / "holiday.yaml"
    holiday.write_text(CORPUS_CHRISTI, encoding="utf-8")
    found = [str(v) for v in check_plan(plan, load_spec(holiday))]
    assert (
        "2016-05-26/all: visit thursdays on 2016-05-26, a public holiday (Corpus Christi)" in found
    )
    assert (
        "2016-05-26/all: the day's public holiday is 'Corpus Christi', not as the plan says"
        in found
    )
    closed = tmp_path / "closed.yaml"
    closed.write_text(
        CORPUS_CHRISTI.replace("  holidays: DE-NW\n", "").replace(
            "    name: Thursdays AG\n", "    name: Thursdays AG\n    closed: [2016-05-26]\n"
        ),
        encoding="utf-8",
    )
    found = [str(v) for v in check_plan(plan, load_spec(closed))]
    assert found == ["2016-05-26/all: visit thursdays on 2016-05-26, one of its closed dates"]


def test_the_owl_example_plans_nothing_on_corpus_christi_and_is_optimal(tmp_path: Path) -> None:
    visit = EXAMPLES / "its-owl-week.yaml"
    out = tmp_path / "plan.json"
    result = runner.invoke(app, ["plan", str(visit), "--json", str(out)])
    assert result.exit_code == 0, result.output
    plan = Plan.from_json(out.read_bytes())
    assert check_plan(plan, load_spec(visit)) == []
    assert plan.status == "complete"
    assert _visits_on(plan, "2016-05-26") == []
    assert plan.optimal is True and plan.travel_optimal is True
    assert score_line(plan, Words("en")) in result.stdout
    assert f"{plan.score} (optimal; all hosts together would be {plan.max_score})" in result.stdout
    assert "shortest possible" in result.stdout
    assert "Thursday, 26 May 2016 — Corpus Christi" in result.stdout
