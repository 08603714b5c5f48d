"""Who must be told: `itinerary diff`, `export --format hosts --changed-since` (change letters
and iTIP calendar messages), the revision counts carried across re-plans, and calendars whose
UIDs survive a re-plan (issue 19, part 2)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import EXAMPLES, example_plan, plan_checked
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from typer.testing import CliRunner, Result

from itinerary.input.load import load_spec_text
from itinerary.plan import (
    EndItem,
    LunchItem,
    Plan,
    Unscheduled,
    VisitItem,
)
from itinerary.plan.diff import (
    Change,
    PlanDiff,
    Slot,
    carry_sequences,
    diff_plans,
    sequences,
    told_sequences,
)
from itinerary.render import RenderOptions
from itinerary.render.changes import TEXTS as DIFF_TEXTS
from itinerary.render.export import parse_plan
from itinerary.render.hosts_export import render, render_changes
from itinerary.render.i18n import LANGUAGES

runner = CliRunner()
OWL = EXAMPLES / "its-owl-week.yaml"
# Miele opens only on Tuesday morning instead of Wednesday and Friday: a re-plan that moves,
# drops and adds hosts.
MIELE_WINDOWS = """\
      - {dates: [2016-05-25], from: "09:00", to: "13:00"}
      - {dates: [2016-05-27], from: "09:00", to: "15:00"}"""
MIELE_TUESDAY = """\
      - {dates: [2016-05-24], from: "09:00", to: "12:00"}"""
STAMP = dt.datetime(2026, 5, 1, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def owl() -> Plan:
    return example_plan("its-owl-week")


@pytest.fixture(scope="module")
def replanned() -> Plan:
    """The OWL example planned again with one host's windows changed (checked by the plan
    checker, as every plan a test makes)."""
    text = OWL.read_text(encoding="utf-8")
    assert MIELE_WINDOWS in text
    variant = text.replace(MIELE_WINDOWS, MIELE_TUESDAY)
    return plan_checked(load_spec_text(variant, str(OWL), OWL.parent))


def visit_times(plan: Plan) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    return {v.id: (v.start, v.end) for v in plan.visits()}


def save(plan: Plan, path: Path) -> Path:
    path.write_text(plan.to_json(), encoding="utf-8")
    return path


def edited(
    plan: Plan,
    *,
    moved: dict[str, dt.timedelta] | None = None,
    removed: tuple[str, ...] = (),
    lunch: dt.timedelta | None = None,
    hotel: str | None = None,
) -> Plan:
    """A copy of `plan` edited as an organiser would: visits shifted, visits taken out (listed
    as unscheduled, declined), the first day's lunch shifted, the first day ending elsewhere."""
    moved = moved or {}
    tracks: list[list] = []
    left_out = list(plan.unscheduled)
    elsewhere: list[VisitItem] = []  # visits shifted to another day
    for n, track in enumerate(plan.tracks):
        items = []
        for item in track.items:
            if isinstance(item, VisitItem) and item.id in removed:
                left_out.append(
                    Unscheduled(
                        id=item.id, name=item.name, priority=item.priority, reason="declined"
                    )
                )
                continue
            if isinstance(item, VisitItem) and item.id in moved:
                shift = moved[item.id]
                item = item.model_copy(
                    update={"start": item.start + shift, "end": item.end + shift}
                )
                if item.start.date() != track.date:
                    elsewhere.append(item)
                    continue
            if isinstance(item, LunchItem) and lunch is not None and n == 0:
                item = item.model_copy(
                    update={"start": item.start + lunch, "end": item.end + lunch}
                )
            if isinstance(item, EndItem) and hotel is not None and n == 0:
                item = item.model_copy(update={"place": hotel})
            items.append(item)
        tracks.append(items)
    for visit in elsewhere:  # into its new day, before the day's end
        (n,) = [n for n, t in enumerate(plan.tracks) if t.date == visit.start.date()]
        tracks[n].insert(len(tracks[n]) - 1, visit)
    return plan.model_copy(
        update={
            "tracks": [
                t.model_copy(update={"items": i}) for t, i in zip(plan.tracks, tracks, strict=True)
            ],
            "unscheduled": left_out,
        }
    )


def parse_ics(raw: bytes) -> Calendar:
    return Calendar.from_ical(raw)


def only_event(raw: bytes):  # noqa: ANN201 - an icalendar Event
    (event,) = parse_ics(raw).walk("VEVENT")
    return event


# --- itinerary diff ------------------------------------------------------------------------------


def test_diff_lists_exactly_the_hosts_whose_slot_differs(
    owl: Plan, replanned: Plan, tmp_path: Path
) -> None:
    old, new = save(owl, tmp_path / "old.json"), save(replanned, tmp_path / "new.json")
    out = tmp_path / "diff.json"
    wide = {"COLUMNS": "200"}  # names whole in the table
    result = runner.invoke(app(), ["diff", str(old), str(new), "--json", str(out)], env=wide)
    assert result.exit_code == 0, result.output
    before, after = visit_times(owl), visit_times(replanned)
    differ = {h for h in before.keys() | after.keys() if before.get(h) != after.get(h)}
    assert differ, "the variant must change something"
    changes = json.loads(out.read_text(encoding="utf-8"))["changes"]
    hosts = [c for c in changes if c["kind"] == "host"]
    assert {c["id"] for c in hosts if c["change"] != "unchanged"} == differ
    assert {c["id"] for c in hosts} == before.keys() | after.keys()
    for c in hosts:
        expected = (
            "added"
            if c["id"] not in before
            else "removed"
            if c["id"] not in after
            else "moved"
            if c["id"] in differ
            else "unchanged"
        )
        assert c["change"] == expected, c
    # The terminal names the hosts, never their ids, and says how many to tell.
    names = {v.id: v.name for v in [*owl.visits(), *replanned.visits()]}
    flat = " ".join(result.stdout.split())
    assert f"Hosts to tell: {len(differ)}" in flat
    for host_id in differ:
        assert names[host_id] in flat
    assert "miele " not in flat


def test_diff_json_has_the_agreed_shape(owl: Plan, tmp_path: Path) -> None:
    new_plan = edited(owl, moved={"claas": dt.timedelta(hours=1)}, removed=("miele",))
    old, new = save(owl, tmp_path / "old.json"), save(new_plan, tmp_path / "new.json")
    result = runner.invoke(app(), ["diff", str(old), str(new), "--json", "-"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)  # the tables went to standard error
    assert set(data) == {"format", "changes"}
    assert data["format"] == "itinerary-diff/1"
    by_id = {(c["kind"], c["id"]): c for c in data["changes"]}
    for change in data["changes"]:
        assert {"id", "change", "old", "new"} <= set(change)
        for side in ("old", "new"):
            if change[side] is not None:
                start = dt.datetime.fromisoformat(change[side]["start"])
                assert start.utcoffset() == dt.timedelta(hours=2)  # as the plan writes it
    claas = next(v for v in owl.visits() if v.id == "claas")
    assert by_id[("host", "claas")] == {
        "id": "claas",
        "kind": "host",
        "name": claas.name,
        "change": "moved",
        "old": {"start": claas.start.isoformat(), "end": claas.end.isoformat()},
        "new": {
            "start": (claas.start + dt.timedelta(hours=1)).isoformat(),
            "end": (claas.end + dt.timedelta(hours=1)).isoformat(),
        },
    }
    assert by_id[("host", "miele")]["change"] == "removed"
    assert by_id[("host", "miele")]["new"] is None
    assert by_id[("host", "its-owl")]["change"] == "unchanged"
    assert all(c["change"] == "unchanged" for c in data["changes"] if c["kind"] == "event")


def test_diff_says_what_changed_in_a_day(owl: Plan, tmp_path: Path) -> None:
    new_plan = edited(owl, lunch=dt.timedelta(minutes=30), hotel="Hotel Elsewhere")
    old, new = save(owl, tmp_path / "old.json"), save(new_plan, tmp_path / "new.json")
    result = runner.invoke(app(), ["diff", str(old), str(new), "--json", "-"])
    assert result.exit_code == 0, result.output
    first = owl.tracks[0].date.isoformat()
    days = [c for c in json.loads(result.stdout)["changes"] if c["kind"] in ("day", "lunch")]
    assert [(c["kind"], c["id"], c["change"]) for c in days] == [
        ("day", first, "moved"),
        ("lunch", first, "moved"),
    ]
    assert days[0]["new"]["to"] == "Hotel Elsewhere"
    assert days[0]["old"]["to"] == owl.tracks[0].items[-1].place  # type: ignore[union-attr]
    text = " ".join(result.stderr.split())
    assert "No host to tell" in text
    assert "ends at Hotel Elsewhere (was" in text
    lunch = next(i for i in owl.tracks[0].items if isinstance(i, LunchItem))
    later = (lunch.start + dt.timedelta(minutes=30)).strftime("%H:%M")
    assert f"lunch {later}" in text
    assert "Monday, 23 May 2016" in text


def test_diff_speaks_the_readers_language(owl: Plan, tmp_path: Path) -> None:
    new_plan = edited(owl, moved={"claas": dt.timedelta(days=1)}, removed=("miele",))
    old, new = save(owl, tmp_path / "old.json"), save(new_plan, tmp_path / "new.json")
    de = runner.invoke(app(), ["diff", str(old), str(new), "--lang", "de"])
    assert de.exit_code == 0, de.output
    text = " ".join(de.stdout.split())
    assert "Zu benachrichtigen: 2 Gastgeber (1 verschoben, 1 entfallen, 0 neu)" in text
    assert "Di., 24. Mai" in text and "Mi., 25. Mai" in text
    for english in ("Hosts to tell", "moved", "removed", "Before", "Unchanged"):
        assert english not in text
    fr = runner.invoke(app(), ["diff", str(old), str(new), "--lang", "fr"])
    assert "mar. 24 mai" in fr.stdout and "déplacée" in fr.stdout


def test_diff_counts_agree_with_their_number_in_french(owl: Plan, tmp_path: Path) -> None:
    """French counts 0 and 1 as singular: '1 déplacée', '2 supprimées', '0 ajoutée'."""
    new_plan = edited(owl, moved={"claas": dt.timedelta(days=1)}, removed=("miele", "dmg-mori"))
    old, new = save(owl, tmp_path / "old.json"), save(new_plan, tmp_path / "new.json")
    fr = runner.invoke(app(), ["diff", str(old), str(new), "--lang", "fr"])
    assert fr.exit_code == 0, fr.output
    text = " ".join(fr.stdout.split())
    assert "Hôtes à prévenir : 3 (1 déplacée, 2 supprimées, 0 ajoutée)" in text


def test_a_host_with_one_of_two_visits_moved_is_to_tell_not_unchanged(owl: Plan) -> None:
    """A hand-edited plan may visit a host twice: if one visit moves, the host is told, and
    is not also listed among the unchanged hosts."""
    from rich.console import Console

    from itinerary.render.changes import diff_renderable

    day = owl.tracks[0].date

    def at(hour: int) -> Slot:
        start = dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)
        return Slot(start, start + dt.timedelta(hours=1), day)

    diff = PlanDiff(
        (
            Change("host", "x", "X GmbH", "unchanged", at(9), at(9)),
            Change("host", "y", "Y AG", "unchanged", at(11), at(11)),
            Change("host", "x", "X GmbH", "moved", at(14), at(15)),
        )
    )
    console = Console(width=200, record=True)
    console.print(diff_renderable(diff, owl, owl, "en"))
    text = console.export_text()
    assert "Hosts to tell: 1 (1 moved, 0 removed, 0 added)" in text
    assert "Unchanged (1): Y AG" in text


def test_every_diff_catalogue_has_the_same_keys_in_every_language() -> None:
    keys = set(DIFF_TEXTS["en"])
    assert set(DIFF_TEXTS) == set(LANGUAGES)
    for lang in LANGUAGES:
        assert set(DIFF_TEXTS[lang]) == keys, lang


def test_diff_json_is_never_written_over_a_file_without_force(owl: Plan, tmp_path: Path) -> None:
    old, new = save(owl, tmp_path / "old.json"), save(owl, tmp_path / "new.json")
    out = tmp_path / "diff.json"
    out.write_text("mine", encoding="utf-8")
    refused = runner.invoke(app(), ["diff", str(old), str(new), "--json", str(out)])
    assert refused.exit_code == 2
    assert "exists; use --force" in refused.stderr
    assert out.read_text(encoding="utf-8") == "mine"
    forced = runner.invoke(app(), ["diff", str(old), str(new), "--json", str(out), "--force"])
    assert forced.exit_code == 0, forced.output
    assert json.loads(out.read_text(encoding="utf-8"))["format"] == "itinerary-diff/1"
    # An input is never an output, even with --force.
    over_input = runner.invoke(app(), ["diff", str(old), str(new), "--json", str(old), "--force"])
    assert over_input.exit_code == 2
    assert "is an input of this command" in over_input.stderr
    assert parse_plan(old.read_bytes()) == parse_plan(new.read_bytes())


def test_diff_of_a_missing_or_broken_plan_is_one_line(tmp_path: Path, owl: Plan) -> None:
    old = save(owl, tmp_path / "old.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "format": 3\n}\n', encoding="utf-8")
    result = runner.invoke(app(), ["diff", str(old), str(broken)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{broken}:2: ")
    assert len(result.stderr.splitlines()) == 1
    missing = runner.invoke(app(), ["diff", str(old), str(tmp_path / "none.json")])
    assert missing.exit_code == 2 and "cannot read file" in missing.stderr


# --- change letters ------------------------------------------------------------------------------


@pytest.fixture
def round_one(owl: Plan, tmp_path: Path) -> tuple[Path, Path, Plan, Plan]:
    """OLD: the OWL plan without Fraunhofer IEM's visit (as if it had been left out); NEW: IEM
    in (a new invitation), CLAAS a day later, Miele cancelled, everyone else unchanged."""
    old_plan = edited(owl, removed=("fraunhofer-iem",))
    new_plan = edited(owl, moved={"claas": dt.timedelta(days=1)}, removed=("miele",))
    return (
        save(old_plan, tmp_path / "old.json"),
        save(new_plan, tmp_path / "new.json"),
        old_plan,
        new_plan,
    )


def letters(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}


def test_letters_go_only_to_the_hosts_that_must_be_told(
    round_one: tuple[Path, Path, Plan, Plan], tmp_path: Path
) -> None:
    old, new, old_plan, _ = round_one
    result = changed_since(new, old)
    assert result.exit_code == 0, result.output
    folder = tmp_path / "new-changes"
    assert sorted(letters(folder)) == [
        f"{h}.{ext}" for h in ("claas", "fraunhofer-iem", "miele") for ext in ("ics", "md")
    ]
    unchanged = len(old_plan.visits()) - 2  # CLAAS and Miele change; IEM was not in OLD
    assert (
        f"3 hosts to tell (1 moved, 1 cancelled, 1 invited); {unchanged} unchanged hosts skipped"
        in result.stderr
    )


def test_each_letter_is_worded_for_its_change_in_english(
    round_one: tuple[Path, Path, Plan, Plan], tmp_path: Path
) -> None:
    old, new, _, new_plan = round_one
    result = changed_since(new, old, "--lang", "en")
    assert result.exit_code == 0, result.output
    got = letters(tmp_path / "new-changes")
    moved = got["claas.md"]
    assert moved.startswith(
        "Dear Ms Meyer,\n\nThe time of our delegation's visit has changed; it is now:"
    )
    assert "- **Date**: Wednesday, 25 May 2016" in moved
    assert "Previously planned: Tuesday, 24 May 2016, 09:35–11:35. We apologise" in moved
    assert "Could you please confirm the new time" in moved
    assert moved.rstrip().endswith("p.lange@its-owl.example.org")
    cancelled = got["miele.md"]
    assert cancelled.startswith("Dear Ms Schmitz,\n\nWe are sorry to cancel the visit of our ")
    assert "planned for Friday, 27 May 2016, 13:00–15:00." in cancelled
    assert "**Date**" not in cancelled and "confirm" not in cancelled
    # A new invitation is the usual letter, word for word.
    usual = render(new_plan, RenderOptions(lang="en"))
    assert got["fraunhofer-iem.md"] == usual["fraunhofer-iem.md"].decode("utf-8")


def test_each_letter_is_worded_for_its_change_in_german(
    round_one: tuple[Path, Path, Plan, Plan], tmp_path: Path
) -> None:
    old, new, _, _ = round_one
    out = tmp_path / "briefe"
    result = changed_since(new, old, "--out", str(out))
    assert result.exit_code == 0, result.output
    got = letters(out)  # the hosts' own language: German
    moved = got["claas.md"]
    assert moved.startswith(
        "Sehr geehrte Frau Meyer,\n\nder Termin des Besuchs unserer Delegation hat sich "
        "geändert. Der neue Termin:"
    )
    assert "- **Datum**: Mittwoch, 25. Mai 2016" in moved
    assert "Bisher geplant: Dienstag, 24. Mai 2016, 09:35–11:35 Uhr." in moved
    assert "Könnten Sie uns den neuen Termin bitte bestätigen" in moved
    cancelled = got["miele.md"]
    assert cancelled.startswith(
        "Sehr geehrte Frau Schmitz,\n\nzu unserem Bedauern müssen wir den für Freitag, "
        "27. Mai 2016, 13:00–15:00 Uhr geplanten Besuch unserer Delegation"
    )
    assert "absagen." in cancelled
    for english in ("Dear", "cancel", "Previously", "Kind regards"):
        assert english not in moved + cancelled


def test_french_letters_read_as_french(round_one: tuple[Path, Path, Plan, Plan]) -> None:
    _, _, old_plan, new_plan = round_one
    files = render_changes(old_plan, new_plan, RenderOptions(lang="fr"), STAMP).files
    assert "L'horaire de la visite de notre délégation a changé" in files["claas.md"].decode()
    assert "prévue le vendredi 27 mai 2016, de 13:00 à 15:00." in files["miele.md"].decode()


def test_calendar_messages_update_the_hosts_entries(
    round_one: tuple[Path, Path, Plan, Plan], tmp_path: Path
) -> None:
    old, new, old_plan, new_plan = round_one
    first = tmp_path / "first"
    sent = runner.invoke(
        app(), ["export", "--unchecked", str(old), "--format", "hosts", "--out", str(first)]
    )
    assert sent.exit_code == 0, sent.output
    changes = tmp_path / "changes"
    result = changed_since(new, old, "-o", str(changes))
    assert result.exit_code == 0, result.output
    for host in ("claas", "miele"):
        earlier = only_event((first / f"{host}.ics").read_bytes())
        assert "SEQUENCE" not in earlier  # the first letter: revision 0
        message = parse_ics((changes / f"{host}.ics").read_bytes())
        (event,) = message.walk("VEVENT")
        assert str(event["UID"]) == str(earlier["UID"])
        assert int(event["SEQUENCE"]) == 1
        assert str(event["ORGANIZER"]) == "mailto:p.lange@its-owl.example.org"
        assert str(event["ATTENDEE"]).startswith("mailto:")
        assert event.decoded("DTSTAMP") > earlier.decoded("DTSTAMP")  # made now
        if host == "claas":
            assert str(message["METHOD"]) == "REQUEST"
            assert event.decoded("DTSTART") == earlier.decoded("DTSTART") + dt.timedelta(days=1)
            assert str(event["STATUS"]) == "TENTATIVE"
        else:
            assert str(message["METHOD"]) == "CANCEL"
            assert str(event["STATUS"]) == "CANCELLED"
            assert event.decoded("DTSTART") == earlier.decoded("DTSTART")
    invitation = parse_ics((changes / "fraunhofer-iem.ics").read_bytes())
    (event,) = invitation.walk("VEVENT")
    assert str(invitation["METHOD"]) == "REQUEST"
    assert int(event["SEQUENCE"]) == 0
    usual = only_event(render(new_plan, RenderOptions())["fraunhofer-iem.ics"])
    assert str(event["UID"]) == str(usual["UID"])


def test_revisions_count_on_across_several_replans(owl: Plan) -> None:
    """plan 1 → 2: CLAAS moves, Miele is cancelled; 2 → 3: CLAAS moves again, Miele is invited
    again; each plan carried from the one before. Every letter is numbered above the last one
    the host got."""
    one = owl
    two = carry_sequences(
        one, edited(owl, moved={"claas": dt.timedelta(days=1)}, removed=("miele",))
    )
    three_raw = edited(owl, moved={"claas": dt.timedelta(days=1, hours=1)})
    assert told_sequences(one, two) == {"claas": 1, "miele": 1}
    assert sequences(two)["miele"] == 1  # kept on its unscheduled entry
    assert two.format == "itinerary-plan/1.3"
    assert parse_plan(two.to_json()) == two
    assert told_sequences(two, three_raw) == {"claas": 2, "miele": 2}
    three = carry_sequences(two, three_raw)
    assert {v.id: v.sequence for v in three.visits() if v.sequence} == {"claas": 2, "miele": 2}
    letters_three = render_changes(two, three, RenderOptions(), STAMP).files
    assert int(only_event(letters_three["claas.ics"])["SEQUENCE"]) == 2
    assert int(only_event(letters_three["miele.ics"])["SEQUENCE"]) == 2
    # The delegation's calendar and the full host export carry the counts too.
    assert "SEQUENCE:2" in render(three, RenderOptions())["claas.ics"].decode()
    # A plan with no count stays as it was, byte for byte.
    assert "sequence" not in owl.to_json()
    assert carry_sequences(owl, owl).to_json() == owl.to_json()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_carrying_counts_is_idempotent_and_raises_exactly_the_changed(
    owl: Plan, data: st.DataObject
) -> None:
    ids = [v.id for v in owl.visits()]
    hours = st.sampled_from([dt.timedelta(hours=h) for h in (-2, -1, 1, 2)])

    def random_edit(plan: Plan) -> Plan:
        gone = data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=3))
        shifted = data.draw(st.dictionaries(st.sampled_from(ids), hours, max_size=3))
        return edited(plan, moved=shifted, removed=tuple(gone))

    old = carry_sequences(owl, random_edit(owl))
    new = random_edit(owl)
    carried = carry_sequences(old, new)
    assert carry_sequences(old, carried) == carried
    before, after = sequences(old), sequences(carried)
    told = diff_plans(old, new).hosts_to_tell()
    for host_id in after.keys() | before.keys():
        if host_id not in after:
            continue
        if host_id in told and (told[host_id] != "added" or before.get(host_id, 0) > 0):
            assert after[host_id] == before.get(host_id, 0) + 1
        else:
            assert after[host_id] == before.get(host_id, 0)


def test_nothing_is_written_when_no_host_must_be_told(owl: Plan, tmp_path: Path) -> None:
    old = save(owl, tmp_path / "old.json")
    new = save(edited(owl, lunch=dt.timedelta(minutes=15)), tmp_path / "new.json")
    result = changed_since(new, old)
    assert result.exit_code == 0, result.output
    assert f"no host must be told: {len(owl.visits())} hosts unchanged" in result.stderr
    assert not (tmp_path / "new-changes").exists()


def test_letters_never_replace_a_folder_without_force(
    round_one: tuple[Path, Path, Plan, Plan], tmp_path: Path
) -> None:
    old, new, _, _ = round_one
    out = tmp_path / "letters"
    out.mkdir()
    (out / "claas.md").write_text("my own draft", encoding="utf-8")
    refused = changed_since(new, old, "-o", str(out))
    assert refused.exit_code == 2
    assert "not empty; use --force" in refused.stderr
    assert (out / "claas.md").read_text(encoding="utf-8") == "my own draft"
    forced = changed_since(new, old, "-o", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert "Dear" in (out / "claas.md").read_text(encoding="utf-8") or "Sehr" in (
        out / "claas.md"
    ).read_text(encoding="utf-8")
    # The earlier plan is an input: never the output, even with --force.
    inside = changed_since(new, old, "-o", str(tmp_path), "--force")
    assert inside.exit_code == 2 and "is an input of this command" in inside.stderr


def test_change_letters_are_never_written_to_standard_output(
    round_one: tuple[Path, Path, Plan, Plan],
) -> None:
    old, new, _, _ = round_one
    result = changed_since(new, old, "-o", "-")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: hosts cannot be written to standard output; give --out FOLDER"
    ]
    assert result.stdout == ""


def test_changed_since_is_refused_where_it_cannot_hold(owl: Plan, tmp_path: Path) -> None:
    old = save(owl, tmp_path / "old.json")
    other = owl.model_copy(update={"trip": owl.trip.model_copy(update={"name": "Another trip"})})
    new = save(other, tmp_path / "new.json")
    ics = runner.invoke(
        app(), ["export", "--unchecked", str(new), "-f", "ics", "--changed-since", str(old)]
    )
    assert ics.exit_code == 2
    assert "--changed-since applies to --format hosts only" in ics.stderr
    trips = changed_since(new, old)
    assert trips.exit_code == 2
    assert trips.stderr.startswith(f"{old}:1: a plan of another trip")
    assert len(trips.stderr.splitlines()) == 1
    assert not (tmp_path / "new-changes").exists()
    # `diff` still compares them, and says so.
    compared = runner.invoke(app(), ["diff", str(old), str(new)])
    assert compared.exit_code == 0, compared.output
    assert "These plans are of different trips" in " ".join(compared.stdout.split())


def test_a_plan_without_the_organisers_address_is_named(owl: Plan, tmp_path: Path) -> None:
    nobody = owl.model_copy(update={"organiser": None})
    old = save(nobody, tmp_path / "old.json")
    new = save(edited(nobody, removed=("miele",)), tmp_path / "new.json")
    result = changed_since(new, old)
    assert result.exit_code == 0, result.output
    assert f"{new}:1: warning: the plan has no organiser e-mail address" in result.stderr
    message = only_event((tmp_path / "new-changes" / "miele.ics").read_bytes())
    assert "ORGANIZER" not in message and str(message["STATUS"]) == "CANCELLED"


# --- the delegation's calendar keeps its UIDs across re-plans ------------------------------------


def test_the_delegation_calendar_keeps_its_uids_across_replans(
    owl: Plan, replanned: Plan, tmp_path: Path
) -> None:
    old, new = save(owl, tmp_path / "old.json"), save(replanned, tmp_path / "new.json")
    for path in (old, new):
        result = runner.invoke(app(), ["export", "--unchecked", str(path), "--format", "ics"])
        assert result.exit_code == 0, result.output
    before = {
        str(e["UID"]): e for e in parse_ics((tmp_path / "old.ics").read_bytes()).walk("VEVENT")
    }
    after = {
        str(e["UID"]): e for e in parse_ics((tmp_path / "new.ics").read_bytes()).walk("VEVENT")
    }
    both = {v.id for v in owl.visits()} & {v.id for v in replanned.visits()}
    moved = {h for h in both if visit_times(owl)[h] != visit_times(replanned)[h]}
    assert moved
    for host_id in both:
        (uid,) = [u for u in before if u.startswith(f"visit-{host_id}-")]
        assert uid in after  # the same entry, updated rather than duplicated
        if host_id in moved:
            assert before[uid].decoded("DTSTART") != after[uid].decoded("DTSTART")
    # Events and lunches are named by what they are (an event's id, a lunch's day).
    shared_days = {t.date for t in owl.tracks} & {t.date for t in replanned.tracks}
    for uid in before:
        if uid.startswith(("event-", "lunch-")) and any(str(d) in uid for d in shared_days):
            assert uid in after or uid.startswith("lunch-")
    assert {u for u in before if u.startswith("event-")} == {
        u for u in after if u.startswith("event-")
    }


def changed_since(new: Path, old: Path, *extra: str) -> Result:
    """`itinerary export --unchecked NEW -f hosts --changed-since OLD …`: the change letters."""
    args = ["export", "--unchecked", str(new), "-f", "hosts", "--changed-since", str(old)]
    return runner.invoke(app(), [*args, *extra])


def app():  # noqa: ANN201 - the typer app, imported late like the CLI tests do
    from itinerary.cli import app as the_app

    return the_app


def test_a_new_plan_that_does_not_carry_the_counts_is_named(
    round_one: tuple[Path, Path, Plan, Plan], tmp_path: Path
) -> None:
    """Letters from a plan made without the counts are numbered from the earlier plan's, and
    the organiser is told that the next round needs a carried plan; a carried one is quiet."""
    old, new, old_plan, new_plan = round_one
    plain = changed_since(new, old, "-o", str(tmp_path / "a"))
    assert plain.exit_code == 0, plain.output
    assert f"{new}:1: warning: this plan does not count the letters sent since {old}" in (
        plain.stderr
    )
    save(carry_sequences(old_plan, new_plan), new)
    carried = changed_since(new, old, "-o", str(tmp_path / "b"))
    assert carried.exit_code == 0, carried.output
    assert "warning" not in carried.stderr
    for name in ("claas.ics", "miele.ics", "fraunhofer-iem.ics"):
        a = only_event((tmp_path / "a" / name).read_bytes())
        b = only_event((tmp_path / "b" / name).read_bytes())
        assert (str(a["UID"]), int(a["SEQUENCE"])) == (str(b["UID"]), int(b["SEQUENCE"]))
    # The delegation's own calendar carries the count of a changed visit too.
    ics = runner.invoke(app(), ["export", "--unchecked", str(new), "-f", "ics", "-o", "-"])
    claas = next(
        e
        for e in parse_ics(ics.stdout_bytes).walk("VEVENT")
        if str(e["UID"]).startswith("visit-claas-")
    )
    assert int(claas["SEQUENCE"]) == 1


def test_change_letters_of_a_plan_that_does_not_hold_are_refused(
    round_one: tuple[Path, Path, Plan, Plan], tmp_path: Path
) -> None:
    """Like every export, `--changed-since` refuses a plan that breaks a rule (here CLAAS moved
    a day by hand, onto the evening's dinner), naming the rule; `--unchecked` writes it."""
    old, new, _, _ = round_one
    args = ["export", str(new), "-f", "hosts", "--changed-since", str(old)]
    refused = runner.invoke(app(), args)
    assert refused.exit_code == 2
    assert "CLAAS KGaA mbH" in refused.stderr and "--unchecked" in refused.stderr
    assert not (tmp_path / "new-changes").exists()
    assert runner.invoke(app(), [*args, "--unchecked"]).exit_code == 0
    assert (tmp_path / "new-changes").is_dir()
