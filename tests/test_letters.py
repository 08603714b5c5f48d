"""Host letters and what the organiser sees (issue 18): greetings by salutation, the host's
`message` in its letter and the organiser's `notes` only in the organiser's copy, the
organiser's signature, "interpreter needed", tentative host calendars, coach departures in the
delegation's calendar, and events named by their venue. All through the command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from itinerary.cli import app
from itinerary.input.load import load_spec
from itinerary.input.spec import Contact
from itinerary.plan import Plan, TravelItem, VisitItem
from itinerary.plan.check import check_plan
from itinerary.render.greeting import family_name, greeting, read_salutation

runner = CliRunner()

ORGANISER = """\
organiser:
  name: Petra Lange
  role: Internationale Projekte
  organisation: Wetzlar Network e.V.
  email: p.lange@example.org
  phone: "+49 6441 000 100"
"""

TRIP = """\
trip:
  name: Delegation Auvergne-Rhône-Alpes in Wetzlar
  start: 2016-05-23
  end: 2016-05-24
  timezone: Europe/Berlin
  language: en
  day: {start: "08:30", end: "19:00"}
  lunch: {from: "12:00", to: "14:00", minutes: 60}
delegation:
  name: Délégation Auvergne-Rhône-Alpes
  size: 12
  languages: [fr, en]
ORGANISER
arrival: {place: Bahnhof Wetzlar, location: [50.5650, 8.5030], time: "2016-05-23 08:30"}
stays:
  - {id: hotel, name: Wetzlarer Hof, location: [50.556, 8.501], from: 2016-05-23, to: 2016-05-24}
hosts:
  - id: mueller
    name: Optik Müller GmbH
    location: [50.5610, 8.5100]
    duration: 60
    priority: must
    language: de
    languages: [en]
    contact: {salutation: Frau Dr., name: Katrin Müller, email: k.mueller@example.org}
  - id: werk
    name: Stahlwerk Wetzlar
    address: Hermannsteiner Straße 1, 35576 Wetzlar
    location: [50.5700, 8.4900]
    duration: 60
    priority: must
    language: de
    contact: {name: Werkschutz / Besucheranmeldung, phone: "+49 6441 000 999"}
    message: |-
      Bitte halten Sie für die Gruppe Besucherausweise bereit.
      Die Teilnehmer bringen ihre Personalausweise mit.
    notes: Technikum max. 12 Personen
  - id: dupont
    name: Dupont Photonique
    location: [50.5580, 8.4950]
    duration: 60
    priority: must
    language: fr
    contact: {salutation: Madame, name: Claire Dupont}
  - id: smith
    name: Smith Instruments Ltd
    location: [50.5520, 8.5150]
    duration: 60
    priority: must
    language: en
    contact: {salutation: Ms, name: Jane Smith}
events:
  - id: welcome
    name: Begrüßung (Wetzlar Network)
    venue: KNUT Energiebox
    address: Karl-Kellner-Ring 7, 35576 Wetzlar
    location: [50.5540, 8.5060]
    start: "2016-05-23 16:30"
    end: "2016-05-23 17:30"
"""


def write(tmp: Path, text: str, name: str = "visit.yaml") -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def plan_file(tmp: Path, text: str) -> Path:
    """Plan `text` through the CLI (which re-checks the plan) and re-check the saved plan."""
    visit = write(tmp, text)
    out = tmp / "plan.json"
    result = runner.invoke(app, ["plan", str(visit), "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert check_plan(Plan.from_json(out.read_bytes()), load_spec(visit)) == []
    return out


def export(plan: Path, *args: str) -> Result:
    result = runner.invoke(app, ["export", str(plan), *args])
    assert result.exit_code == 0, result.output
    return result


def letters(plan: Path, out: Path, *args: str) -> dict[str, str]:
    export(plan, "--format", "hosts", "--out", str(out), *args)
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.iterdir())}


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return plan_file(tmp_path_factory.mktemp("trip"), TRIP.replace("ORGANISER\n", ORGANISER))


# --- greetings -----------------------------------------------------------------------------------


def test_letters_greet_by_salutation_in_the_host_language(saved: Path, tmp_path: Path) -> None:
    files = letters(saved, tmp_path / "hosts")
    assert files["mueller.md"].startswith("Sehr geehrte Frau Dr. Müller,\n\nhier finden Sie")
    assert files["dupont.md"].startswith("Madame,\n\nVoici les détails")
    assert files["smith.md"].startswith("Dear Ms Smith,\n\nHere are the details")
    # A function, not a person, and no salutation: the neutral formal greeting.
    assert files["werk.md"].startswith("Sehr geehrte Damen und Herren,\n\n")
    assert "Werkschutz" not in files["werk.md"].split("\n")[0]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            {
                "mueller": "Dear Dr Müller,",
                "dupont": "Dear Ms Dupont,",
                "werk": "Dear Sir or Madam,",
            },
        ),
        ("fr", {"mueller": "Madame,", "smith": "Madame,", "werk": "Madame, Monsieur,"}),
        ("de", {"dupont": "Sehr geehrte Frau Dupont,", "smith": "Sehr geehrte Frau Smith,"}),
    ],
)
def test_one_language_for_all_letters_translates_the_salutation(
    saved: Path, tmp_path: Path, lang: str, expected: dict[str, str]
) -> None:
    files = letters(saved, tmp_path / "hosts", "--lang", lang)
    for host, first_line in expected.items():
        assert files[f"{host}.md"].split("\n")[0] == first_line


@pytest.mark.parametrize(
    ("salutation", "name", "lang", "expected"),
    [
        ("Herr", "Thomas Schmidt", "de", "Sehr geehrter Herr Schmidt,"),
        ("Herr Prof. Dr.", "Stefan Hoffmann", "de", "Sehr geehrter Herr Prof. Dr. Hoffmann,"),
        ("Herr Prof. Dr.", "Stefan Hoffmann", "en", "Dear Professor Hoffmann,"),
        ("Monsieur", "Jean de la Tour", "de", "Sehr geehrter Herr de la Tour,"),
        ("Monsieur", "Jean de la Tour", "fr", "Monsieur,"),
        ("Mme", "Claire Dupont", "en", "Dear Ms Dupont,"),
        ("Mrs", "Ann Jones", "en", "Dear Mrs Jones,"),
        ("Frau", "Ursula von der Leyen", "de", "Sehr geehrte Frau von der Leyen,"),
        ("Dr", "Kim Lee", "en", "Dear Dr Lee,"),
        ("Dr", "Kim Lee", "de", "Guten Tag Dr. Kim Lee,"),
        ("Dr", "Kim Lee", "fr", "Madame, Monsieur,"),
        ("Docteur", "Kim Lee", "en", "Dear Dr Lee,"),
        ("Frau Dr.-Ing.", "Eva Roth", "de", "Sehr geehrte Frau Dr.-Ing. Roth,"),
        ("Herr", None, "de", "Sehr geehrte Damen und Herren,"),
        (None, "Katrin Brandt", "en", "Dear Sir or Madam,"),
    ],
)
def test_greetings(salutation: str | None, name: str | None, lang: str, expected: str) -> None:
    assert greeting(Contact(name=name, salutation=salutation), lang) == expected


def test_salutations_are_read_in_all_three_languages() -> None:
    assert read_salutation("Madame la Professeure").professor
    assert read_salutation("Frau Prof. Dr.").titles == ("Prof.", "Dr.")
    assert read_salutation("Monsieur").gender == "m" and read_salutation("Ms").gender == "f"
    assert family_name("Madonna") == "Madonna"


# --- the host's message, the organiser's notes ---------------------------------------------------


def test_message_is_in_the_letter_and_notes_never_reach_a_host(saved: Path, tmp_path: Path) -> None:
    files = letters(saved, tmp_path / "hosts")
    letter = files["werk.md"]
    assert (
        "Bitte halten Sie für die Gruppe Besucherausweise bereit.  \n"
        "Die Teilnehmer bringen ihre Personalausweise mit.\n" in letter
    )
    # The message comes after the facts and before the request to confirm.
    assert letter.index("Sprache des Besuchs") < letter.index("Besucherausweise")
    assert letter.index("Besucherausweise") < letter.index("bestätigen")
    (entry,) = Calendar.from_ical(files["werk.ics"]).events
    assert "Besucherausweise bereit.\nDie Teilnehmer" in str(entry["description"])
    for name, text in files.items():
        assert "Technikum" not in text, name
        if not name.startswith("werk"):
            assert "Besucherausweise" not in text, name


def test_notes_are_in_the_organisers_html_md_csv_and_xlsx_only(saved: Path, tmp_path: Path) -> None:
    for fmt in ("html", "md", "csv"):
        organiser = export(saved, "--format", fmt, "--out", "-").stdout
        delegation = export(saved, "--format", fmt, "--out", "-", "--for", "delegation").stdout
        assert "Technikum max. 12 Personen" in organiser, fmt
        assert "Technikum" not in delegation, fmt
        assert "interpreter needed" in organiser and "interpreter" not in delegation, fmt
    rows = list(csv.reader(io.StringIO(export(saved, "-f", "csv", "-o", "-").stdout)))
    header, body = rows[0], rows[1:]
    werk = next(r for r in body if r[header.index("Id")] == "werk")
    assert (
        werk[header.index("Note")] == "German: interpreter needed; Note: Technikum max. 12 Personen"
    )
    for audience in ("organiser", "delegation"):
        out = tmp_path / f"{audience}.xlsx"
        export(saved, "-f", "xlsx", "-o", str(out), "--for", audience)
        book = load_workbook(out)
        cells = [str(c.value) for ws in book.worksheets for r in ws.iter_rows() for c in r]
        found = any("Technikum max. 12 Personen" in c for c in cells)
        assert found == (audience == "organiser")
        day = book.worksheets[1]
        assert ("Note" in [c.value for c in day[1]]) == (audience == "organiser")


def test_the_html_programme_names_the_organiser_and_marks_the_interpreter(
    saved: Path,
) -> None:
    page = export(saved, "--format", "html", "--out", "-").stdout
    assert "Petra Lange (Internationale Projekte)<br>Wetzlar Network e.V." in page
    assert '<span class="remark">German: interpreter needed</span>' in page
    md = export(saved, "--format", "md", "--out", "-", "--lang", "de").stdout
    assert "- **Veranstalter**: Petra Lange (Internationale Projekte), Wetzlar Network e.V." in md
    assert "_Deutsch: Dolmetscher erforderlich_" in md


# --- signature ------------------------------------------------------------------------------------


def test_the_organiser_signs_every_letter(saved: Path, tmp_path: Path) -> None:
    signature = (
        "\n\nPetra Lange  \nInternationale Projekte  \nWetzlar Network e.V.  \n"
        "+49 6441 000 100  \np.lange@example.org\n"
    )
    files = letters(saved, tmp_path / "hosts")
    assert files["mueller.md"].endswith("Mit freundlichen Grüßen" + signature)
    assert files["dupont.md"].endswith("Bien cordialement," + signature)
    assert files["smith.md"].endswith("Kind regards," + signature)


def test_without_an_organiser_the_delegation_signs_and_validate_warns(tmp_path: Path) -> None:
    text = TRIP.replace("ORGANISER\n", "")
    visit = write(tmp_path, text)
    result = runner.invoke(app, ["validate", str(visit)])
    assert result.exit_code == 0, result.output
    warnings = result.stderr.strip().splitlines()
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{visit}:1: warning: no `organiser`: host letters")
    signed = runner.invoke(app, ["validate", str(write(tmp_path, text + ORGANISER, "signed.yaml"))])
    assert signed.exit_code == 0 and signed.stderr == ""
    saved = plan_file(tmp_path, text)
    files = letters(saved, tmp_path / "hosts")
    assert files["smith.md"].endswith("Kind regards,\n\nDélégation Auvergne-Rhône-Alpes\n")


# --- languages ------------------------------------------------------------------------------------


def test_a_visit_is_held_in_a_language_both_sides_speak(saved: Path, tmp_path: Path) -> None:
    plan = Plan.from_json(saved.read_bytes())
    assert plan.format == "itinerary-plan/1.2"
    visits = {v.id: v for v in plan.visits()}
    assert (visits["mueller"].language, visits["mueller"].held_in) == ("de", "en")
    assert visits["mueller"].interpreter is None
    assert visits["werk"].interpreter is True and visits["werk"].held_in == "de"
    assert visits["dupont"].held_in == "fr" and visits["smith"].held_in == "en"
    files = letters(saved, tmp_path / "hosts")
    # Written in the host's language, held in one the delegation speaks.
    assert "- **Sprache des Besuchs**: Englisch\n" in files["mueller.md"]
    assert "Dolmetscher" not in files["mueller.md"]
    assert (
        "- **Sprache des Besuchs**: Deutsch (Dolmetscher erforderlich: die Delegation spricht "
        "Französisch und Englisch)\n" in files["werk.md"]
    )
    assert "- **Langue de la visite**\u202f: français\n" in files["dupont.md"]
    english = letters(saved, tmp_path / "en", "--lang", "en")["werk.md"]
    assert "German (interpreter needed: the delegation speaks French and English)" in english


def test_the_checker_refuses_a_visit_in_a_language_nobody_shares(
    saved: Path, tmp_path: Path
) -> None:
    spec = load_spec(write(tmp_path, TRIP.replace("ORGANISER\n", ORGANISER)))
    plan = Plan.from_json(saved.read_bytes())

    def edited(host: str, **update: object) -> Plan:
        tracks = [
            t.model_copy(
                update={
                    "items": [
                        i.model_copy(update=update)
                        if isinstance(i, VisitItem) and i.id == host
                        else i
                        for i in t.items
                    ]
                }
            )
            for t in plan.tracks
        ]
        return plan.model_copy(update={"tracks": tracks})

    unmarked = [str(v) for v in check_plan(edited("werk", interpreter=None), spec)]
    assert any("no interpreter is marked" in v for v in unmarked)
    german = [str(v) for v in check_plan(edited("mueller", visit_language=None), spec)]
    assert any("held in de, which the delegation does not speak" in v for v in german)


def test_unknown_language_code_is_one_line_exit_2(tmp_path: Path) -> None:
    text = TRIP.replace("ORGANISER\n", "").replace("languages: [fr, en]", "languages: [fr, xx]")
    visit = write(tmp_path, text)
    result = runner.invoke(app, ["validate", str(visit)])
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    number = text.splitlines().index("  languages: [fr, xx]") + 1
    assert line.startswith(f"{visit}:{number}: ") and "'xx' is not a language code" in line


# --- calendars ------------------------------------------------------------------------------------


def test_host_calendars_are_tentative_the_delegations_confirmed(
    saved: Path, tmp_path: Path
) -> None:
    out = tmp_path / "hosts"
    export(saved, "--format", "hosts", "--out", str(out))
    for path in out.glob("*.ics"):
        (event,) = Calendar.from_ical(path.read_bytes()).events
        assert event["status"] == "TENTATIVE", path.name
    own = Calendar.from_ical(export(saved, "-f", "ics", "-o", "-").stdout_bytes)
    assert {str(e["status"]) for e in own.events} == {"CONFIRMED"}


def test_with_travel_adds_the_coach_departures(saved: Path) -> None:
    plan = Plan.from_json(saved.read_bytes())
    legs = [(t, i) for t in plan.tracks for i in t.items if isinstance(i, TravelItem)]
    assert legs
    plain = Calendar.from_ical(export(saved, "-f", "ics", "-o", "-").stdout_bytes)
    full = Calendar.from_ical(export(saved, "-f", "ics", "-o", "-", "--with-travel").stdout_bytes)
    coaches = [e for e in full.events if str(e["summary"]).startswith("Coach: ")]
    assert len(full.events) == len(plain.events) + len(legs) == len(plain.events) + len(coaches)
    for (_, leg), event in zip(legs, coaches, strict=True):
        assert str(event["summary"]) == f"Coach: {leg.from_name} → {leg.to_name}"
        assert (event.start, event.end) == (leg.start, leg.end)
        start, end = f"{leg.start:%H:%M}", f"{leg.end:%H:%M}"
        assert f"Departure {start} from {leg.from_name}, arrival {end} at {leg.to_name}" in str(
            event["description"]
        )
    assert len({str(e["uid"]) for e in full.events}) == len(full.events)
    german = Calendar.from_ical(
        export(saved, "-f", "ics", "-o", "-", "--with-travel", "--lang", "de").stdout_bytes
    )
    assert any(str(e["summary"]).startswith("Bus: Bahnhof Wetzlar → ") for e in german.events)


@pytest.mark.parametrize("fmt", ["html", "hosts", "csv"])
def test_with_travel_is_refused_where_it_does_not_apply(saved: Path, fmt: str) -> None:
    result = runner.invoke(app, ["export", str(saved), "-f", fmt, "--with-travel"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"error: --with-travel applies to the ics calendar only, not to {fmt}"
    ]
    assert sorted(p.name for p in saved.parent.iterdir()) == ["plan.json", "visit.yaml"]


def test_plan_with_travel_needs_an_ics_export(tmp_path: Path) -> None:
    visit = write(tmp_path, TRIP.replace("ORGANISER\n", ORGANISER))
    result = runner.invoke(app, ["plan", str(visit), "--with-travel", "--export", "html"])
    assert result.exit_code == 2
    assert "--with-travel applies to the ics calendar only" in result.stderr
    result = runner.invoke(app, ["plan", str(visit), "--with-travel", "--export", "ics"])
    assert result.exit_code == 0, result.output
    calendar = Calendar.from_ical((tmp_path / "visit.ics").read_bytes())
    assert any(str(e["summary"]).startswith("Coach: ") for e in calendar.events)


# --- events' venue --------------------------------------------------------------------------------


def test_travel_rows_name_the_venue_not_the_title(saved: Path) -> None:
    plan = Plan.from_json(saved.read_bytes())
    to_welcome = [i for t in plan.tracks for i in t.items if isinstance(i, TravelItem)]
    assert "KNUT Energiebox" in {i.to_name for i in to_welcome if i.to == "welcome"}
    assert all("Begrüßung" not in i.to_name + i.from_name for i in to_welcome)
    md = export(saved, "--format", "md", "--out", "-").stdout
    assert "→ KNUT Energiebox" in md and "→ Begrüßung" not in md
    # The event's row: its title as what, its venue and address as where.
    row = next(line for line in md.splitlines() if "Begrüßung" in line)
    assert "| KNUT Energiebox<br>Karl-Kellner-Ring 7, 35576 Wetzlar |" in row
    calendar = Calendar.from_ical(export(saved, "-f", "ics", "-o", "-").stdout_bytes)
    (welcome,) = [e for e in calendar.events if "Begrüßung" in str(e["summary"])]
    assert str(welcome["location"]) == "KNUT Energiebox, Karl-Kellner-Ring 7, 35576 Wetzlar"


def test_without_a_venue_the_address_names_the_place(tmp_path: Path) -> None:
    text = TRIP.replace("ORGANISER\n", "").replace("    venue: KNUT Energiebox\n", "")
    visit = write(tmp_path, text)
    result = runner.invoke(app, ["plan", str(visit), "--json", "-"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    names = {i["to_name"] for t in data["tracks"] for i in t["items"] if i.get("to") == "welcome"}
    assert names == {"Karl-Kellner-Ring 7, 35576 Wetzlar"}
    assert "→ Begrüßung" not in result.stderr


def test_a_plan_without_the_letters_facts_keeps_format_1(small_trip: Path) -> None:
    result = runner.invoke(app, ["plan", str(small_trip), "--json", "-"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["format"] == "itinerary-plan/1"
