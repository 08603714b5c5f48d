"""Bad visit.yaml files get one clear line per problem: `file:line: message`.

Each file in tests/bad/ is a minimal trip with one thing wrong (the first line says what).
The expected output is kept here, exactly, so a change of wording or line is a visible diff.
Files are loaded by their bare name from inside tests/bad/, so the output does not depend
on where pytest is started.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from itinerary.errors import InputError
from itinerary.input.load import load_spec, load_spec_text

HERE = Path(__file__).resolve().parent
BAD = HERE / "bad"
GOOD = HERE / "good"

EXPECTED: dict[str, list[str]] = {
    # --- the YAML itself ------------------------------------------------------------------
    "malformed-yaml": [
        "malformed-yaml.yaml:20: invalid YAML: expected ',' or ']', but got ':'"
        " (while parsing a flow sequence started at line 19)",
    ],
    "empty": ["empty.yaml:1: the file is empty"],
    "not-a-mapping": [
        "not-a-mapping.yaml:1: expected a mapping with sections such as trip:, hosts: …,"
        " found a list",
    ],
    "alias-bomb": [
        "alias-bomb.yaml:3: YAML aliases (*a) are not supported; repeat the value instead",
    ],
    "duplicate-key": ["duplicate-key.yaml:10: duplicate key 'size' (first at line 9)"],
    "python-tag": ["python-tag.yaml:8: tag '!!python/object/apply:os.system' is not allowed"],
    # --- keys -----------------------------------------------------------------------------
    "unknown-key": ["unknown-key.yaml:20: unknown key 'duraton' — did you mean 'duration'?"],
    "unknown-key-no-match": [
        "unknown-key-no-match.yaml:21: unknown key 'parking' (expected one of: id, name,"
        " address, location, duration, priority, open, contact, language, languages, topics,"
        " message, notes, holidays, closed, after, capacity, for, confirmed, declined)",
    ],
    "missing-location": ["missing-location.yaml:17: missing required key 'location'"],
    # --- single values --------------------------------------------------------------------
    "time-25": ['time-25.yaml:22: to: "25:00" is not a valid time of day (00:00 to 24:00)'],
    "window-end-before-start": [
        "window-end-before-start.yaml:24: to: window end 09:00 is not after its start 17:00",
    ],
    "id-not-simple": [
        "id-not-simple.yaml:17: id: '../../etc/passwd' is not a simple name: use letters,"
        " digits, '-', '_' and '.', starting with a letter or digit (at most 64 characters)",
    ],
    "latitude-out-of-range": [
        "latitude-out-of-range.yaml:19: location: latitude 151.7313 is out of range"
        " (-90 to 90); write [lat, lon]",
    ],
    "location-one-number": [
        "location-one-number.yaml:19: location: expected [latitude, longitude], got only 1 number",
    ],
    "unknown-timezone": [
        "unknown-timezone.yaml:6: timezone: unknown time zone 'Europe/Berlim';"
        " did you mean Europe/Berlin?",
    ],
    "negative-duration": [
        "negative-duration.yaml:20: duration: must be more than 0 minutes, got -30",
    ],
    "size-not-number": ["size-not-number.yaml:9: size: expected a whole number, got 'twenty'"],
    "priority-high": [
        "priority-high.yaml:21: priority: expected 'must' or a whole number from 1 to 100,"
        " got 'high'",
    ],
    "invalid-date": [
        "invalid-date.yaml:5: end: expected a date like 2016-05-23, got '2016-05-32'"
        " (there is no such day)",
    ],
    "trip-end-before-start": [
        "trip-end-before-start.yaml:5: end: trip end 2016-05-23 is before its start 2016-05-24",
    ],
    "event-ends-before-start": [
        "event-ends-before-start.yaml:26: end: event end 2016-05-23 13:00 is not after its"
        " start 2016-05-23 14:00",
    ],
    # --- across sections ------------------------------------------------------------------
    "night-uncovered": [
        "night-uncovered.yaml:10: no stay covers the night of 2016-05-24"
        " (with no departure given, the last night needs a stay too)",
    ],
    "no-stays": [
        "no-stays.yaml:2: no stay covers the nights of 2016-05-23 to 2016-05-24"
        " (with no departure given, the last night needs a stay too); add hotels under stays:",
    ],
    "stays-overlap": [
        "stays-overlap.yaml:16: stay 'Hotel Zur Post' (nights 2016-05-24 to 2016-05-24)"
        " overlaps stay 'Hotel Am Markt' (nights 2016-05-23 to 2016-05-24, line 11)",
    ],
    "event-outside-trip": [
        "event-outside-trip.yaml:25: event 'fair' on 2016-05-26 is outside the trip dates"
        " (2016-05-23 to 2016-05-24)",
    ],
    "event-outside-day-hours": [
        "event-outside-day-hours.yaml:26: event 'fair' (19:00–22:00) is outside the day's"
        " hours 08:30–18:30 on 2016-05-23; to allow it, set trip.days for 2016-05-23"
        ' to {end: "22:00"}',
    ],
    "events-overlap": [
        "events-overlap.yaml:30: event 'lunch-talk' (15:00–17:00) overlaps event 'fair'"
        " (14:00–16:00, line 22)",
    ],
    "duplicate-id": ["duplicate-id.yaml:22: duplicate id 'acme' (first used at line 17)"],
    "arrival-wrong-date": [
        "arrival-wrong-date.yaml:7: arrival is on 2016-05-24, not the trip's first day 2016-05-23",
    ],
    # --- order and either/or hosts (`after`, `choices`) --------------------------------------
    "after-unknown-id": [
        "after-unknown-id.yaml:16: after: unknown host or event 'its-ow' — did you mean 'its-owl'?",
    ],
    "after-itself": [
        "after-itself.yaml:16: after: 'smartfactory' is this host itself; a host cannot come"
        " after itself",
    ],
    "after-twice": ["after-twice.yaml:16: after: 'its-owl' is named twice"],
    "after-cycle": [
        "after-cycle.yaml:16: after: a cycle, its-owl → smartfactory → its-owl (each only after"
        " the next), so none of them can be visited first",
    ],
    "one-of-unknown-id": [
        "one-of-unknown-id.yaml:22: one_of: unknown host 'clas' — did you mean 'claas'?",
    ],
    "one-of-event": [
        "one-of-event.yaml:22: one_of: 'fair' is an event, which is always attended; a choice is"
        " between hosts",
    ],
    "one-of-twice": ["one-of-twice.yaml:22: one_of: 'benteler' is named twice in this choice"],
    "one-of-single": [
        "one-of-single.yaml:22: one_of: a choice needs two or more host ids, got only 'benteler'",
    ],
    "choice-two-musts": [
        "choice-two-musts.yaml:22: one_of: 'benteler' (a must-visit) and 'claas' (before"
        " must-visit 'smartfactory') must both be visited, but a choice allows at most one of"
        " them",
    ],
    "choice-must-impossible": [
        "choice-must-impossible.yaml:24: one_of: none of this must choice can be visited:"
        " 'miele' would mean visiting 'benteler' (which 'miele' comes after) and 'claas'"
        " (a must-visit), two of the choice at line 22; 'dmg-mori' would mean visiting"
        " 'its-owl' (which 'dmg-mori' comes after) and 'claas' (a must-visit), two of the"
        " choice at line 23",
    ],
    "choices-cannot-both-hold": [
        "choices-cannot-both-hold.yaml:27: one_of: this must choice and the one at line 22"
        " cannot both be met: whichever hosts are chosen, with the hosts they come after and the"
        " must-visits, two hosts of one choice would be visited",
    ],
    "choices-cannot-all-hold": [
        "choices-cannot-all-hold.yaml:24: one_of: the must choices at lines 22, 23 and this one"
        " cannot all be met: whichever hosts are chosen, with the hosts they come after and the"
        " must-visits, two hosts of one choice would be visited",
    ],
    # --- travel matrix (problems inside the CSV name the CSV and its line) -----------------
    "matrix-not-found": [
        "matrix-not-found.yaml:7: travel matrix file 'nope.csv' not found (looked for nope.csv)",
    ],
    "matrix-not-a-number": [
        "matrix-not-a-number.csv:3: 'twenty' (hotel → acme) is not a number of minutes",
    ],
    "matrix-missing-pair": ["matrix-missing-pair.csv:1: travel matrix lacks hotel → acme"],
}

BAD_CASES = sorted(p.stem for p in BAD.glob("*.yaml"))


def _error_lines(name: str) -> list[str]:
    with pytest.raises(InputError) as info:
        load_spec(f"{name}.yaml")
    return str(info.value).splitlines()


@pytest.fixture(autouse=True)
def _in_bad_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)


def test_every_bad_file_has_an_expectation() -> None:
    assert BAD_CASES == sorted(EXPECTED)


@pytest.mark.parametrize("name", BAD_CASES)
def test_bad_file_reports_exact_lines(name: str) -> None:
    assert _error_lines(name) == EXPECTED[name]


@pytest.mark.parametrize("name", BAD_CASES)
def test_each_issue_is_one_clean_line(name: str) -> None:
    with pytest.raises(InputError) as info:
        load_spec(f"{name}.yaml")
    error = info.value
    assert error.issues
    assert len(str(error).splitlines()) == len(error.issues)
    for issue in error.issues:
        assert issue.line >= 1
        assert "\n" not in issue.message and "\r" not in issue.message
        assert issue.message == issue.message.strip()
        for leak in (
            "Traceback",
            "pydantic",
            "For further information",
            "Value error",
            "Input should be",
            "instance of",
        ):
            assert leak not in issue.message, issue


def test_the_line_is_that_of_the_offending_key() -> None:
    """Spot checks against the file text, not only against the expected numbers."""
    for name, needle in [
        ("unknown-key", "duraton:"),
        ("window-end-before-start", 'to: "09:00"'),
        ("time-25", '"25:00"'),
        ("trip-end-before-start", "end:"),
        ("negative-duration", "duration:"),
        ("size-not-number", "size: twenty"),
        ("duplicate-key", "size: 6"),
        ("priority-high", "priority:"),
        ("latitude-out-of-range", "location:"),
        ("unknown-timezone", "timezone:"),
        ("matrix-not-found", "matrix:"),
        ("after-cycle", "id: smartfactory"),  # the entry that closes the cycle
        ("one-of-twice", "one_of: [benteler, claas, benteler]"),
        ("choices-cannot-both-hold", "{one_of: [benteler, claas], must: true}"),
    ]:
        lines = (BAD / f"{name}.yaml").read_text(encoding="utf-8").splitlines()
        (reported,) = _error_lines(name)
        line = int(reported.split(":")[1])
        assert needle in lines[line - 1], (name, reported)


def test_alias_bomb_fails_fast() -> None:
    started = time.perf_counter()
    _error_lines("alias-bomb")
    assert time.perf_counter() - started < 1.0


def test_file_name_is_reported_as_given(tmp_path: Path) -> None:
    target = tmp_path / "sub dir" / "visit.yaml"
    target.parent.mkdir()
    target.write_bytes((BAD / "unknown-key.yaml").read_bytes())
    with pytest.raises(InputError) as info:
        load_spec(target)
    assert str(info.value) == f"{target}:20: unknown key 'duraton' — did you mean 'duration'?"


def test_text_input_uses_the_given_name() -> None:
    text = (BAD / "duplicate-id.yaml").read_text(encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_spec_text(text, "visit.yaml")
    assert str(info.value) == "visit.yaml:22: duplicate id 'acme' (first used at line 17)"


def test_several_problems_are_all_reported_in_line_order() -> None:
    text = (BAD / "unknown-key.yaml").read_text(encoding="utf-8")
    text = text.replace("size: 5", "size: twenty").replace("Europe/Berlin", "Europe/Berlim")
    with pytest.raises(InputError) as info:
        load_spec_text(text, "visit.yaml")
    assert [i.line for i in info.value.issues] == [6, 9, 20]


# --- files that are fine ----------------------------------------------------------------------


def test_unquoted_times_and_date_keys_mean_what_they_look_like() -> None:
    spec = load_spec(GOOD / "unquoted-times.yaml").spec
    assert (spec.trip.day.start, spec.trip.day.end) == (8 * 60 + 30, 18 * 60 + 30)
    assert list(spec.trip.days) == [dt.date(2016, 5, 25)]
    override = spec.trip.days[dt.date(2016, 5, 25)]
    assert (override.start, override.end) == (9 * 60, 22 * 60 + 30)
    assert spec.trip.lunch is not None
    assert (spec.trip.lunch.from_, spec.trip.lunch.to, spec.trip.lunch.minutes) == (720, 840, 60)
    host = spec.hosts[0]
    assert host.duration == 90  # "1h30"
    assert host.must
    assert host.open is not None
    assert host.open[0].days == ["mon", "tue"]
    assert (host.open[0].from_, host.open[0].to) == (540, 1020)
    assert (host.open[1].from_, host.open[1].to) == (810, 1440)
    assert spec.events[0].start == dt.datetime(2016, 5, 25, 19, 0)


def test_day_defaults_are_minutes() -> None:
    """Defaults given as "08:30" text are parsed like values from the file."""
    text = (GOOD / "unquoted-times.yaml").read_text(encoding="utf-8")
    text = text.replace("  day: {start: 8:30, end: 18:30}\n", "")
    spec = load_spec_text(text, "visit.yaml", base_dir=GOOD).spec
    assert spec.day_bounds(dt.date(2016, 5, 23)) == (510, 1110)


@pytest.mark.parametrize("name", ["its-owl-week.yaml", "limoges-symposium.yaml"])
def test_examples_load(name: str) -> None:
    loaded = load_spec(HERE.parent / "examples" / name)
    assert loaded.spec.hosts
