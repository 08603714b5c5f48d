"""The terminal tables `itinerary plan` prints: legs folded into the rows they lead to, names
shortened for the terminal only, a golden file at 80 columns, and `--legs` for a row per leg."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from conftest import GOLDEN, assert_golden
from rich.console import Console
from typer.testing import CliRunner

from itinerary.cli import app
from itinerary.plan import LunchItem, Plan, TravelItem
from itinerary.render.terminal import ellipsize, print_plan, short_name, town

runner = CliRunner()
SAVED = GOLDEN / "limoges-plan.json"  # a real, checked plan


def printed(plan: Plan, width: int = 80, lang: str | None = None, legs: bool = False) -> str:
    console = Console(file=io.StringIO(), width=width, force_terminal=False, color_system=None)
    print_plan(plan, console, lang, legs)  # type: ignore[arg-type]
    return console.file.getvalue()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("lang", "golden_name"),
    [
        ("en", "limoges-plan.80.txt"),
        ("de", "limoges-plan.80.de.txt"),
        (None, "limoges-plan.80.fr.txt"),
    ],
)
def test_folded_tables_at_80_columns_match_the_golden_file(
    lang: str | None, golden_name: str
) -> None:
    """Review a diff here like code (look at it: it is what a user sees in a terminal of 80
    columns); regenerate with UPDATE_GOLDEN=1 when it is intended."""
    assert_golden(golden_name, printed(Plan.from_json(SAVED.read_bytes()), 80, lang))


def test_a_day_is_a_row_per_stop_with_its_leg_and_fits_80_columns() -> None:
    plan = Plan.from_json(SAVED.read_bytes())
    text = printed(plan, 80, "en")
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "→" not in text  # no row of its own for a leg
    day = text.split("Thursday, 10 April 2008")[0]
    # Every leg of the first day, in the row it leads to, with where it comes from.
    for leg in (i for i in plan.tracks[0].items if isinstance(i, TravelItem)):
        assert f"{leg.minutes} min from" in day
    assert "│ 10:20–11:20 │ Visit: CeRAMPilot" in day
    assert "19 min from Gare de" in day
    assert "23 min from CILAS " in day  # "CILAS – céramiques optiques", shortened
    # The first day: 7 rows of which 5 on two lines and one on three, a title, a header of 3
    # lines, a bottom line (with every leg a row, the day took 35 lines at 80 columns).
    assert len(day.splitlines()) <= 19
    wide = printed(plan, 200, "en")  # the same cells, on one line each
    thursday = wide.split("Thursday, 10 April 2008")[1].split("Friday")[0]
    assert "23 min from the hotel" in thursday  # the day's start is the hotel
    assert "(arr. 14:10)" in thursday  # 20 minutes before the brokerage event: the arrival


def test_legs_keep_a_row_per_leg_with_names_whole() -> None:
    plan = Plan.from_json(SAVED.read_bytes())
    text = printed(plan, 100, "en", legs=True)
    assert "│ 10:01–10:20 │ Travel " in text
    assert "Hôtel Mercure Limoges Centre" in text and "Royal Limousin" in text  # not shortened


def test_a_leg_split_by_lunch_on_the_way_goes_on_from_the_lunch() -> None:
    plan = Plan.from_json(SAVED.read_bytes())
    track = plan.tracks[0]
    index = next(i for i, item in enumerate(track.items) if isinstance(item, TravelItem) and i > 2)
    leg = track.items[index]
    assert isinstance(leg, TravelItem)
    first = leg.model_copy(update={"end": leg.start + dt.timedelta(minutes=5), "minutes": 5})
    lunch = LunchItem(start=first.end, end=first.end + dt.timedelta(hours=1))
    rest = leg.model_copy(update={"start": lunch.end, "minutes": leg.minutes - 5})
    items = [*track.items[:index], first, lunch, rest, *track.items[index + 1 :]]
    split = plan.model_copy(update={"tracks": [track.model_copy(update={"items": items})]})
    text = printed(split, 100, "en")
    lunch_row = next(line for line in text.splitlines() if "Lunch: on the way" in line)
    assert f"5 min from {leg.from_name}" in lunch_row
    next_row = text.split(lunch_row)[1].splitlines()[1]
    assert f"{leg.minutes - 5} min more" in next_row


@pytest.mark.parametrize(
    ("name", "limit", "short"),
    [
        ("Phoenix Contact GmbH & Co. KG", 34, "Phoenix Contact"),
        ("CLAAS KGaA mbH", 34, "CLAAS"),
        ("Miele & Cie. KG", 34, "Miele"),
        ("Arkema SA", 34, "Arkema"),
        ("AG", 34, "AG"),  # nothing would be left
        ("DMG MORI (Gildemeister Drehmaschinen)", 34, "DMG MORI"),
        ("DMG MORI (Gildemeister)", 34, "DMG MORI (Gildemeister)"),  # short enough
        ("CILAS – céramiques optiques", 20, "CILAS"),
        ("Heinz Nixdorf Institut, Universität Paderborn", 34, "Heinz Nixdorf Institut"),
        (
            "Fraunhofer-Einrichtung für Entwurfstechnik Mechatronik IEM",
            34,
            "Fraunhofer-Einrichtung… IEM",
        ),
        ("Réception des délégations à l'Hôtel de Ville", 30, "Réception des délégations…"),
        ("Hôtel Mercure Limoges Centre Royal Limousin", 34, "Hôtel Mercure Limoges Centre…"),
    ],
)
def test_short_names_lose_legal_forms_and_never_end_inside_a_word(
    name: str, limit: int, short: str
) -> None:
    result = short_name(name, limit)
    assert result == short
    assert len(result) <= limit or result == name


def test_ellipsize_cuts_between_words_and_a_single_long_word_at_a_hyphen() -> None:
    assert ellipsize("Gare de Limoges-Bénédictins", 30) == "Gare de Limoges-Bénédictins"
    assert ellipsize("Symposium « Internationalisation des clusters »", 30) == "Symposium…"
    assert ellipsize("Fraunhofer-Anwendungszentrum", 20) == "Fraunhofer…"
    assert ellipsize("Donaudampfschifffahrtsgesellschaft", 12) == "Donaudampfs…"


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("Zukunftsmeile 1, 33102 Paderborn", "Paderborn"),
        ("1 avenue d'Ester, F-87069 Limoges, France", "Limoges"),
        ("Parc d'Ester", "Parc d'Ester"),
        ("10 Downing Street, London SW1A 2AA", "London SW1A 2AA"),
    ],
)
def test_the_where_column_names_the_town(address: str, expected: str) -> None:
    assert town(address) == expected


def test_plan_folds_legs_and_legs_option_keeps_them(small_trip: Path) -> None:
    env = {"COLUMNS": "80"}
    folded = runner.invoke(app, ["plan", str(small_trip)], env=env)
    assert folded.exit_code == 0, folded.output
    legs = runner.invoke(app, ["plan", str(small_trip), "--legs"], env=env)
    assert legs.exit_code == 0, legs.output
    assert all(len(line) <= 80 for line in folded.stdout.splitlines())
    wide = runner.invoke(app, ["plan", str(small_trip)], env={"COLUMNS": "200"})
    assert "min from the hotel" in wide.stdout
    assert "│ Travel " not in folded.stdout and "→" not in folded.stdout
    assert "Hotel → Alpha GmbH" in legs.stdout or "Hotel → Beta AG" in legs.stdout
    assert "min from" not in legs.stdout
    # Legal forms are left out in the folded tables, kept with --legs.
    assert "Visit: Alpha " in folded.stdout and "Alpha GmbH" not in folded.stdout
    assert "Visit: Alpha GmbH" in legs.stdout
    # The same plan: the summary below the days is the same.
    assert folded.stdout.split("Summary")[1] == legs.stdout.split("Summary")[1]


@pytest.mark.parametrize(
    ("lang", "words", "english"),
    [
        ("de", ["Fahrt", "19 Min. ab Gare de", "23 Min. ab Hotel", "(an 14:10)"], ["from", "arr."]),
        (
            "fr",
            ["Trajet", "19 min depuis Gare de", "23 min depuis l'hôtel", "(arr. 14:10)"],
            ["from"],
        ),
    ],
)
def test_the_travel_column_speaks_the_readers_language(
    lang: str, words: list[str], english: list[str]
) -> None:
    text = printed(Plan.from_json(SAVED.read_bytes()), 200, lang)
    assert all(word in text for word in words), [w for w in words if w not in text]
    assert not [word for word in english if word in text]
