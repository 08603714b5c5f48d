"""Unit tests of the visit.yaml value types and the JSON Schema made from them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from itinerary.input.spec import (
    DayBounds,
    Event,
    Host,
    Minutes,
    OpenWindow,
    Priority,
    Stay,
    TimeOfDay,
    Trip,
    VisitSpec,
    Weekday,
    format_time_of_day,
    slug,
)

minutes = TypeAdapter(Minutes)
time_of_day = TypeAdapter(TimeOfDay)
weekday = TypeAdapter(Weekday)
priority = TypeAdapter(Priority)


def error_text(adapter: TypeAdapter[Any], value: Any) -> str:
    with pytest.raises(ValidationError) as info:
        adapter.validate_python(value)
    (error,) = info.value.errors(include_url=False)
    return str(error["msg"]).removeprefix("Value error, ")


# --- durations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90", 90),
        (90, 90),
        (90.0, 90),
        ("1h30", 90),
        ("1h 30m", 90),
        ("1H30MIN", 90),
        ("2h", 120),
        ("45min", 45),
        ("45m", 45),
        (" 45 ", 45),
        ("24h", 1440),
    ],
)
def test_duration_accepted(text: Any, expected: int) -> None:
    assert minutes.validate_python(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0", "must be more than 0 minutes, got '0'"),
        (0, "must be more than 0 minutes, got 0"),
        ("-5", "must be more than 0 minutes, got '-5'"),
        (-5, "must be more than 0 minutes, got -5"),
        ("0h0", "must be more than 0 minutes, got '0h0'"),
        ("1441", "1441 minutes is longer than a day"),
        ("", '"" is not a duration like 90, "90min" or "1h30"'),
        ("h", '"h" is not a duration like 90, "90min" or "1h30"'),
        ("ninety", '"ninety" is not a duration like 90, "90min" or "1h30"'),
        ("1.5h", '"1.5h" is not a duration like 90, "90min" or "1h30"'),
        (True, "expected minutes (90) or hours and minutes (1h30)"),
        (None, "expected minutes (90) or hours and minutes (1h30)"),
        (90.5, "expected minutes (90) or hours and minutes (1h30), got 90.5"),
        ([90], "expected minutes (90) or hours and minutes (1h30), got [90]"),
    ],
)
def test_duration_refused(text: Any, message: str) -> None:
    assert error_text(minutes, text) == message


# --- times of day ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9:00", 540),
        ("09:00", 540),
        ("00:00", 0),
        ("23:59", 1439),
        ("24:00", 1440),
        (" 8:30 ", 510),
    ],
)
def test_time_accepted(text: str, expected: int) -> None:
    assert time_of_day.validate_python(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("24:30", '"24:30" is not a valid time of day (00:00 to 24:00)'),
        ("25:00", '"25:00" is not a valid time of day (00:00 to 24:00)'),
        ("12:60", '"12:60" is not a valid time of day (00:00 to 24:00)'),
        ("9", '"9" is not a time of day like "09:30"'),
        ("9.30", '"9.30" is not a time of day like "09:30"'),
        ("09:00:00", '"09:00:00" is not a time of day like "09:30"'),
        (540, 'expected a time of day like "09:30", got 540'),
        (None, 'expected a time of day like "09:30", got nothing'),
        (True, 'expected a time of day like "09:30", got true'),
    ],
)
def test_time_refused(text: Any, message: str) -> None:
    assert error_text(time_of_day, text) == message


def test_time_round_trip() -> None:
    assert format_time_of_day(time_of_day.validate_python("9:05")) == "09:05"
    assert format_time_of_day(1440) == "24:00"


# --- weekdays -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("mon", "mon"), ("Mon", "mon"), ("MONDAY", "mon"), ("tuesday", "tue"), (" sun ", "sun")],
)
def test_weekday_accepted(text: str, expected: str) -> None:
    assert weekday.validate_python(text) == expected


@pytest.mark.parametrize("text", ["tues", "mo", "montag", "", 1])
def test_weekday_refused(text: Any) -> None:
    assert error_text(weekday, text) == (
        f"{text!r} is not a weekday; use mon, tue, wed, thu, fri, sat or sun"
    )


# --- priority -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("must", "must"),
        ("MUST", "must"),
        (" Must ", "must"),
        (50, 50),
        ("50", 50),
        (1, 1),
        (100, 100),
        (7.0, 7),
    ],
)
def test_priority_accepted(value: Any, expected: Any) -> None:
    assert priority.validate_python(value) == expected


@pytest.mark.parametrize("value", [0, 101, -1, "high", 2.5, True, None, "must!"])
def test_priority_refused(value: Any) -> None:
    assert error_text(priority, value) == (
        f"expected 'must' or a whole number from 1 to 100, got {value!r}"
    )


# --- cross-field checks inside one section point at the later field ----------------------------


def _locs(model: type, data: dict[str, Any]) -> list[tuple[Any, ...]]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return [tuple(e["loc"]) for e in info.value.errors()]


def test_order_errors_sit_on_the_closing_field() -> None:
    assert _locs(OpenWindow, {"days": ["mon"], "from": "17:00", "to": "09:00"}) == [("to",)]
    assert _locs(OpenWindow, {"days": ["mon"], "from": "09:00", "to": "09:00"}) == [("to",)]
    assert _locs(DayBounds, {"start": "19:00", "end": "18:00"}) == [("end",)]
    base_trip = {"name": "t", "timezone": "Europe/Berlin"}
    assert _locs(Trip, {**base_trip, "start": "2016-05-24", "end": "2016-05-23"}) == [("end",)]
    assert _locs(Trip, {**base_trip, "start": "2016-05-01", "end": "2016-06-30"}) == [("end",)]
    stay = {"name": "h", "location": [1, 2], "from": "2016-05-24", "to": "2016-05-23"}
    assert _locs(Stay, stay) == [("to",)]
    event = {"id": "e", "name": "e", "location": [1, 2], "start": "2016-05-23 14:00"}
    assert _locs(Event, {**event, "end": "2016-05-23 13:00"}) == [("end",)]
    assert _locs(Event, {**event, "end": "2016-05-24 10:00"}) == [("end",)]
    assert _locs(Event, {**event, "end": "2016-05-25 00:00"}) == [("end",)]


def test_event_may_end_at_midnight() -> None:
    event = Event.model_validate(
        {
            "id": "e",
            "name": "e",
            "location": [1, 2],
            "start": "2016-05-23 20:00",
            "end": "2016-05-24 00:00",
        }
    )
    assert event.end == dt.datetime(2016, 5, 24)


def test_window_needs_days_or_dates() -> None:
    with pytest.raises(ValidationError, match="give `days` \\(weekdays\\) or `dates`"):
        OpenWindow.model_validate({"from": "09:00", "to": "17:00"})


def test_day_bounds_defaults_are_minutes() -> None:
    assert (DayBounds().start, DayBounds().end) == (510, 1110)
    assert DayBounds().model_dump() == {"start": "08:30", "end": "18:30"}


def test_ids_and_slugs() -> None:
    host = {"name": "h", "location": [1, 2], "duration": 60}
    assert Host.model_validate({**host, "id": "its-owl.2016_a"}).id == "its-owl.2016_a"
    for bad in ("../../etc/passwd", "-x", ".hidden", "a b", "", "x" * 65):
        with pytest.raises(ValidationError, match="is not a simple name"):
            Host.model_validate({**host, "id": bad})
    assert slug("Welcome Hotel Paderborn") == "welcome-hotel-paderborn"
    assert slug("  ---  ") == "stay"


# --- JSON Schema ---------------------------------------------------------------------------------


def _walk(node: Any) -> list[dict[str, Any]]:
    found = []
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            found += _walk(value)
    elif isinstance(node, list):
        for value in node:
            found += _walk(value)
    return found


def test_json_schema_uses_the_keys_people_write() -> None:
    schema = VisitSpec.model_json_schema(by_alias=True)
    defs = schema["$defs"]
    for name in ("Lunch", "Stay", "OpenWindow"):
        assert "from" in defs[name]["properties"], name
        assert "from_" not in defs[name]["properties"], name
        assert "from" in defs[name]["required"], name
    keys = {key for node in _walk(schema) for key in node.get("properties", {})}
    assert "from_" not in keys


def test_json_schema_is_closed() -> None:
    schema = VisitSpec.model_json_schema(by_alias=True)
    assert schema["additionalProperties"] is False
    assert schema["$defs"]["Host"]["additionalProperties"] is False
    for name, definition in schema["$defs"].items():
        if definition.get("type") == "object":
            assert definition.get("additionalProperties") is False, name


def test_json_schema_describes_values_in_peoples_words() -> None:
    defs = VisitSpec.model_json_schema(by_alias=True)["$defs"]
    host = defs["Host"]["properties"]
    assert host["priority"]["default"] == 10
    assert {"const": "must"} in host["priority"]["anyOf"]
    assert "1h30" in host["duration"]["examples"]
    assert defs["DayBounds"]["properties"]["start"]["default"] == "08:30"
    assert defs["OpenWindow"]["properties"]["days"]["anyOf"][0]["items"]["enum"][0] == "mon"
