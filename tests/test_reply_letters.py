"""Letters for the hosts' replies (issue 19): a host that declined gets an acknowledgement, not
the apology for a cancellation, and its calendar entry is cancelled; a host the organiser has
marked `confirmed` since the earlier plan gets thanks for confirming, with its entry CONFIRMED.
The loop is walked through the CLI with the OWL example, each plan re-checked by the checker."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import EXAMPLES, GOLDEN
from icalendar import Calendar
from typer.testing import CliRunner

from itinerary.input.load import load_spec
from itinerary.plan import Plan
from itinerary.plan.check import check_plan
from itinerary.plan.diff import carry_sequences, diff_plans, told_sequences
from itinerary.render.changes import TEXTS as DIFF_TEXTS
from itinerary.render.check_words import describe
from itinerary.render.hosts_export import TEXTS as LETTER_TEXTS
from itinerary.render.i18n import LANGUAGES

runner = CliRunner()
OWL = EXAMPLES / "its-owl-week.yaml"
# CLAAS's slot in the first OWL plan, which the organiser marks confirmed after its reply.
CLAAS_TIME = "2016-05-24 09:35"


def app():  # noqa: ANN201 - the typer app, imported late like the CLI tests do
    from itinerary.cli import app as the_app

    return the_app


def with_reply(text: str, host: str, reply: str) -> str:
    marker = f"  - id: {host}\n"
    assert marker in text
    return text.replace(marker, f"{marker}    {reply}\n", 1)


def plan_cli(visit: Path, out: Path, *extra: str) -> Plan:
    """Plan through the CLI, check exit 0, and re-check the plan against the visit file."""
    result = runner.invoke(app(), ["plan", str(visit), "--json", str(out), *extra])
    assert result.exit_code == 0, result.output
    plan = Plan.from_json(out.read_text(encoding="utf-8"))
    assert check_plan(plan, load_spec(visit)) == []
    return plan


def only_event(raw: bytes):  # noqa: ANN201 - an icalendar Event
    calendar = Calendar.from_ical(raw)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The loop of the brief: plan (p1.json) and send the letters (first/); DMG MORI declines
    and the organiser marks CLAAS confirmed at its slot; plan --previous p1.json (p2.json)."""
    folder = tmp_path_factory.mktemp("loop")
    text = OWL.read_text(encoding="utf-8")
    visit = folder / "visit.yaml"
    visit.write_text(text, encoding="utf-8")
    p1 = folder / "p1.json"
    first = plan_cli(visit, p1)
    claas = next(v for v in first.visits() if v.id == "claas")
    assert f"{claas.start:%Y-%m-%d %H:%M}" == CLAAS_TIME
    assert "dmg-mori" in {v.id for v in first.visits()}
    sent = runner.invoke(app(), ["export", str(p1), "-f", "hosts", "-o", str(folder / "first")])
    assert sent.exit_code == 0, sent.output
    text = with_reply(text, "dmg-mori", "declined: true")
    text = with_reply(text, "claas", f'confirmed: "{CLAAS_TIME}"')
    visit.write_text(text, encoding="utf-8")
    plan_cli(visit, folder / "p2.json", "--previous", str(p1))
    return {"folder": folder, "visit": visit, "p1": p1, "p2": folder / "p2.json"}


def export_changes(loop: dict[str, Path], out: str, *extra: str) -> dict[str, str]:
    args = ["export", str(loop["p2"]), "-f", "hosts", "--changed-since", str(loop["p1"])]
    target = loop["folder"] / out
    result = runner.invoke(app(), [*args, "--visit", str(loop["visit"]), "-o", str(target), *extra])
    assert result.exit_code == 0, result.output
    assert "1 refusal acknowledged, 1 thanked for confirming" in result.stderr
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(target.iterdir())}


def test_the_new_plan_marks_the_confirmed_visit_and_knows_who_declined(
    loop: dict[str, Path],
) -> None:
    data = json.loads(loop["p2"].read_text(encoding="utf-8"))
    assert data["format"] == "itinerary-plan/1.3"
    flags = {
        i["id"]: i.get("confirmed")
        for t in data["tracks"]
        for i in t["items"]
        if i["type"] == "visit"
    }
    # Written only when true: the other visits have no key at all.
    assert flags.pop("claas") is True
    assert set(flags.values()) == {None}
    (dmg,) = [u for u in data["unscheduled"] if u["id"] == "dmg-mori"]
    assert dmg["cause"]["code"] == "declined"


def test_diff_says_declined_and_confirmed(loop: dict[str, Path]) -> None:
    out = loop["folder"] / "diff.json"
    result = runner.invoke(
        app(), ["diff", str(loop["p1"]), str(loop["p2"]), "--json", str(out), "--force"]
    )
    assert result.exit_code == 0, result.output
    changes = {c["id"]: c for c in json.loads(out.read_text(encoding="utf-8"))["changes"]}
    dmg, claas = changes["dmg-mori"], changes["claas"]
    assert (dmg["change"], dmg["reason"], dmg["new"]) == ("removed", "declined", None)
    assert claas["change"] == "confirmed" and claas["old"] == claas["new"]
    # Only a declined host's removal carries a reason; no other change has the key.
    assert all("reason" not in c for key, c in changes.items() if key != "dmg-mori")
    assert "1 declined, 1 confirmed)" in result.output
    lines = {line.split("│")[1].strip(): line for line in result.output.splitlines() if "│" in line}
    assert "declined" in lines["DMG MORI"] and "confirmed" in lines["CLAAS KGaA mbH"]
    german = runner.invoke(app(), ["diff", str(loop["p1"]), str(loop["p2"]), "--lang", "de"])
    assert "abgesagt" in german.output and "bestätigt" in german.output


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_declined_host_gets_an_acknowledgement_not_an_apology(
    loop: dict[str, Path], lang: str
) -> None:
    files = export_changes(loop, f"changes-{lang}", "--lang", lang)
    letter = files["dmg-mori.md"]
    words = LETTER_TEXTS[lang]
    if lang == "en":
        assert "Dear Mr Richter," in letter
        assert (
            "Thank you for letting us know that you are unable to receive our delegation "
            "(ACCIÓ – Catalan industry delegation) on Friday, 27 May 2016, 09:00–11:00."
        ) in letter
        assert "another occasion" in letter
    else:
        assert "Sehr geehrter Herr Richter," in letter
        assert "vielen Dank für Ihre Nachricht" in letter
        assert "am Freitag, 27. Mai 2016, 09:00–11:00 Uhr nicht empfangen können" in letter
    assert words["declined_regret"] in letter
    # Not the organiser's cancellation: no regret to cancel, no apology, no programme.
    for key in ("cancel_thanks", "moved_sorry", "confirm"):
        assert words[key] not in letter
    assert "absagen" not in letter and "cancel" not in letter.lower()
    assert "Petra Lange" in letter
    # Its calendar entry is cleared: the first letter's UID, a higher SEQUENCE, cancelled.
    calendar, event = only_event(files["dmg-mori.ics"].encode("utf-8"))
    _, sent = only_event((loop["folder"] / "first" / "dmg-mori.ics").read_bytes())
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == str(sent["UID"])
    assert int(event["SEQUENCE"]) > int(sent.get("SEQUENCE", 0))
    assert event.decoded("DTSTART") == sent.decoded("DTSTART")


def test_a_newly_confirmed_host_is_thanked_with_its_details(loop: dict[str, Path]) -> None:
    files = export_changes(loop, "changes-thanks")
    letter = files["claas.md"]  # CLAAS's own language: German
    words = LETTER_TEXTS["de"]
    assert letter.startswith("Sehr geehrte Frau Meyer,")
    assert words["confirmed_intro"] in letter and words["confirmed_close"] in letter
    # The confirmed date and time, the address and the route on, as in the first letter.
    for fact in (
        "**Datum**: Dienstag, 24. Mai 2016",
        "**Ankunft**: 09:35",
        "**Abfahrt**: 11:35",
        "**Adresse**: Münsterstraße 33, 33428 Harsewinkel",
        "**Weiterfahrt zu**: SmartFactoryOWL",
    ):
        assert fact in letter
    # No request to confirm what the host has confirmed, no change to apologise for.
    for key in ("confirm", "moved_confirm", "moved_sorry", "moved_intro"):
        assert words[key] not in letter
    calendar, event = only_event(files["claas.ics"].encode("utf-8"))
    _, sent = only_event((loop["folder"] / "first" / "claas.ics").read_bytes())
    assert str(sent["STATUS"]) == "TENTATIVE"
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["UID"]) == str(sent["UID"])
    assert int(event["SEQUENCE"]) > int(sent.get("SEQUENCE", 0))
    assert event.decoded("DTSTART") == sent.decoded("DTSTART")
    assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    # The unchanged hosts get nothing; every other change its usual letter.
    assert "smartfactory-owl.md" not in files
    assert LETTER_TEXTS["de"]["moved_intro"] in files["heinz-nixdorf-institut.md"]


def test_the_english_thanks_reads_as_english(loop: dict[str, Path]) -> None:
    files = export_changes(loop, "changes-thanks-en", "--lang", "en")
    letter = files["claas.md"]
    assert "Dear Ms Meyer," in letter
    assert "Thank you for confirming the visit of our delegation." in letter
    assert "- **Date**: Tuesday, 24 May 2016" in letter


def test_full_exports_show_a_confirmed_visit_as_confirmed(loop: dict[str, Path]) -> None:
    out = loop["folder"] / "full"
    result = runner.invoke(app(), ["export", str(loop["p2"]), "-f", "hosts", "-o", str(out)])
    assert result.exit_code == 0, result.output
    _, claas = only_event((out / "claas.ics").read_bytes())
    _, other = only_event((out / "smartfactory-owl.ics").read_bytes())
    assert (str(claas["STATUS"]), str(other["STATUS"])) == ("CONFIRMED", "TENTATIVE")
    assert LETTER_TEXTS["de"]["confirmed_intro"] in (out / "claas.md").read_text("utf-8")
    # The delegation's calendar shows every planned visit CONFIRMED, this one included.
    ics = runner.invoke(app(), ["export", str(loop["p2"]), "-f", "ics", "-o", "-"])
    entries = {str(e["UID"]): e for e in Calendar.from_ical(ics.stdout_bytes).walk("VEVENT")}
    (mine,) = [e for uid, e in entries.items() if uid.startswith("visit-claas-")]
    assert str(mine["STATUS"]) == "CONFIRMED"


def test_the_programme_marks_the_confirmed_visit(loop: dict[str, Path]) -> None:
    shown = runner.invoke(app(), ["export", str(loop["p2"]), "-f", "md", "-o", "-"])
    assert shown.exit_code == 0, shown.output
    claas = [line for line in shown.stdout.splitlines() if "CLAAS" in line and "| Visit" in line]
    assert claas and "✓ confirmed" in claas[0]
    assert all("✓" not in line for line in shown.stdout.splitlines() if "SmartFactory" in line)
    html = runner.invoke(
        app(), ["export", str(loop["p2"]), "-f", "html", "-o", "-", "--lang", "fr"]
    )
    assert html.exit_code == 0, html.output
    assert '<span class="must confirmed">✓ confirmé</span>' in html.stdout


def test_the_terminal_programme_marks_the_confirmed_visit(loop: dict[str, Path]) -> None:
    shown = runner.invoke(
        app(), ["plan", str(loop["visit"]), "--lang", "de"], env={"COLUMNS": "200"}
    )
    assert shown.exit_code == 0, shown.output
    assert "Besuch (Pflicht, ✓ bestätigt): CLAAS" in shown.output
    assert shown.output.count("✓") == 1


def test_carried_counts_raise_the_confirmed_host(loop: dict[str, Path]) -> None:
    old = Plan.from_json(loop["p1"].read_text(encoding="utf-8"))
    new = Plan.from_json(loop["p2"].read_text(encoding="utf-8"))
    told = diff_plans(old, new).hosts_to_tell()
    assert (told["claas"], told["dmg-mori"]) == ("confirmed", "declined")
    counts = told_sequences(old, new)
    assert counts["claas"] == counts["dmg-mori"] == 1
    carried = carry_sequences(old, new)
    assert next(v for v in carried.visits() if v.id == "claas").sequence == 1
    assert carried == carry_sequences(old, carried)  # idempotent


def test_the_checker_catches_a_wrong_confirmed_flag(loop: dict[str, Path]) -> None:
    loaded = load_spec(loop["visit"])
    data = json.loads(loop["p2"].read_text(encoding="utf-8"))
    for track in data["tracks"]:
        for item in track["items"]:
            if item.get("id") == "claas":
                del item["confirmed"]  # confirmed in the visit file, not marked in the plan
            if item.get("id") == "smartfactory-owl":
                item["confirmed"] = True  # marked, but the visit file confirms nothing
    found = check_plan(Plan.model_validate(data), loaded)
    kinds = {(v.kind, v.id) for v in found}
    assert kinds == {("unconfirmed_flag", "claas"), ("confirmed_flag", "smartfactory-owl")}, found
    texts = [describe(v, "Europe/Berlin", "en") for v in found]
    assert any("the host has confirmed it, but the plan does not mark it" in t for t in texts)
    assert any("marked confirmed, but the visit file has no confirmed time" in t for t in texts)
    # Through the CLI: `check` says so and fails; the export refuses the plan.
    bad = loop["folder"] / "bad.json"
    bad.write_text(Plan.model_validate(data).to_json(), encoding="utf-8")
    checked = runner.invoke(app(), ["check", str(loop["visit"]), str(bad)])
    assert checked.exit_code == 1
    assert "SmartFactoryOWL" in checked.output and "CLAAS KGaA mbH" in checked.output
    refused = runner.invoke(
        app(), ["export", str(bad), "-f", "hosts", "--visit", str(loop["visit"]), "-o", "-x"]
    )
    assert refused.exit_code == 2


def test_the_flag_is_written_only_when_true_and_only_then_raises_the_format() -> None:
    golden = (GOLDEN / "limoges-plan.json").read_text(encoding="utf-8")
    assert Plan.from_json(golden).to_json() == golden
    data = json.loads(golden)
    visit = next(i for t in data["tracks"] for i in t["items"] if i["type"] == "visit")
    visit["confirmed"] = False
    assert Plan.model_validate(data).to_json() == golden
    visit["confirmed"] = True
    flagged = json.loads(Plan.model_validate(data).to_json())
    assert flagged["format"] == "itinerary-plan/1.3"
    assert any(i.get("confirmed") is True for t in flagged["tracks"] for i in t["items"])


def test_every_new_word_is_in_every_language() -> None:
    for catalogue in (DIFF_TEXTS, LETTER_TEXTS):
        keys = [set(catalogue[lang]) for lang in LANGUAGES]
        assert all(k == keys[0] for k in keys)
