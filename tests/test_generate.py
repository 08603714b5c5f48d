"""benchmarks/generate.py: generated trips are valid, realistic as documented, and plannable;
it and benchmarks/scaling.py overwrite no file without --force."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import math
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, load_benchmark, plan_checked
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from itinerary.input.load import load_spec, load_spec_text
from itinerary.input.spec import WEEKDAYS, VisitSpec
from itinerary.model.compile import compile_spec

GENERATE_PY = ROOT / "benchmarks" / "generate.py"
SCALING_PY = ROOT / "benchmarks" / "scaling.py"


generate = load_benchmark("generate")
scaling = load_benchmark("scaling")
HAS_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None

SIZES = [(1, 1), (10, 1), (10, 10), (15, 3), (25, 5), (50, 7), (100, 3), (200, 10), (400, 10)]


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def test_same_seed_same_text_and_other_seed_other_text() -> None:
    assert generate.trip_yaml(40, 3, seed=7) == generate.trip_yaml(40, 3, seed=7)
    assert generate.trip_yaml(40, 3, seed=7) != generate.trip_yaml(40, 3, seed=8)


@pytest.mark.parametrize(("hosts", "days"), SIZES)
def test_generated_trip_loads_and_has_the_documented_shape(hosts: int, days: int) -> None:
    loaded = load_spec_text(generate.trip_yaml(hosts, days, seed=3), "generated.yaml")
    spec = loaded.spec
    dates = spec.trip_dates()
    assert len(spec.hosts) == hosts and len(dates) == days
    assert spec.arrival is not None and spec.arrival.time.date() == dates[0]
    assert spec.departure is not None and spec.departure.time.date() == dates[-1]
    assert sorted(e.start.date() for e in spec.events) == dates  # one event a day
    assert spec.trip.lunch is not None
    assert all(spec.stay_for_night(night) is not None for night in dates[:-1])
    musts = [h for h in spec.hosts if h.must]
    assert 1 <= len(musts) <= min(days, 5)
    centre = generate.CENTRE[1]
    for host in spec.hosts:
        assert _km(centre, host.location) < 65  # a region ~100 km across, plus town jitter
        assert 45 <= host.duration <= 120
        assert host.must or 1 <= host.priority <= 100
        assert host.open is not None and 1 <= len(host.open) <= 3
        for window in host.open:
            assert window.days and not {"sat", "sun"} & set(window.days)  # closed at weekends
            assert 8 * 60 <= window.from_ < window.to <= 17 * 60  # business hours
        assert host.contact is not None and host.contact.email and host.language
        assert host.topics


@pytest.mark.parametrize("days", range(1, 11))
@pytest.mark.parametrize("seed", [0, 1])
def test_every_trip_length_from_one_to_ten_days_compiles(days: int, seed: int) -> None:
    compiled = compile_spec(load_spec_text(generate.trip_yaml(12, days, seed)))
    assert len(compiled.tracks) == days
    assert sum(1 for ref in compiled.nodes if ref.kind == "event") == days


def test_generated_hosts_vary_like_real_ones() -> None:
    spec = load_spec_text(generate.trip_yaml(200, 5, seed=1)).spec
    window_counts = {len({(w.from_, w.to) for w in h.open or []}) for h in spec.hosts}
    assert window_counts == {1, 2, 3}
    morning_only = [h for h in spec.hosts if all(w.to <= 13 * 60 for w in h.open or [])]
    afternoon_only = [h for h in spec.hosts if all(w.from_ >= 13 * 60 for w in h.open or [])]
    part_week = [h for h in spec.hosts if any(len(w.days or []) < 5 for w in h.open or [])]
    assert morning_only and afternoon_only and part_week
    assert len({h.duration for h in spec.hosts}) >= 4
    assert len({h.language for h in spec.hosts}) >= 2
    assert len({e.location for e in spec.events}) == len(spec.events)  # events move around


def test_ten_day_trip_has_weekend_days_with_an_event_but_no_host_open() -> None:
    loaded = load_spec_text(generate.trip_yaml(60, 10, seed=2))
    compiled = compile_spec(loaded)
    weekend = [t for t, ref in enumerate(compiled.tracks) if ref.date.weekday() >= 5]
    assert len(weekend) == 2
    for n, ref in enumerate(compiled.nodes):
        allowed = compiled.problem.nodes[n].tracks or ()
        if ref.kind == "host":
            assert not set(weekend) & set(allowed)
        elif compiled.tracks[allowed[0]].date.weekday() >= 5:
            assert ref.id.startswith("culture-")


def test_a_weekend_trip_has_no_must_visit_it_could_not_make() -> None:
    saturday = dt.date(2026, 9, 5)
    loaded = load_spec_text(generate.trip_yaml(10, 2, seed=0, start=saturday))
    assert loaded.spec.trip.start == saturday
    assert WEEKDAYS[loaded.spec.trip.start.weekday()] == "sat"
    assert not any(host.must for host in loaded.spec.hosts)
    plan = plan_checked(loaded)
    assert plan.status == "complete" and plan.visits() == []


@pytest.mark.parametrize(("hosts", "days"), [(0, 3), (10, 0), (10, 32)])
def test_out_of_range_sizes_are_refused(hosts: int, days: int) -> None:
    with pytest.raises(ValueError):
        generate.trip_yaml(hosts, days)


# --- rules between hosts (--after, --choices) -------------------------------------------------


def test_rules_are_added_to_the_same_trip_deterministically() -> None:
    plain = load_spec_text(generate.trip_yaml(25, 5, seed=1)).spec
    text = generate.trip_yaml(25, 5, seed=1, after=4, choices=3)
    assert text == generate.trip_yaml(25, 5, seed=1, after=4, choices=3)
    assert text.startswith(
        "# Generated by benchmarks/generate.py --hosts 25 --days 5 --seed 1 --after 4 --choices 3\n"
    )
    spec = load_spec_text(text).spec
    # the same hosts, times and events: only the rules are new
    assert [h.model_copy(update={"after": None}) for h in spec.hosts] == plain.hosts
    assert spec.events == plain.events and spec.trip == plain.trip
    assert sum(len(h.after or ()) for h in spec.hosts) == 4
    assert len(spec.choices) == 3 and sum(c.must for c in spec.choices) == 2  # round(1.5)
    assert all(2 <= len(c.one_of) <= 3 for c in spec.choices)
    other = generate.trip_yaml(25, 5, seed=1, after=4, choices=3, must_share=0)
    assert "--must-share 0" in other.splitlines()[0]
    assert not any(c.must for c in load_spec_text(other).spec.choices)


def _assert_rules_valid_by_construction(spec: VisitSpec) -> None:
    """The guarantees the generator's docstring gives, read back from the loaded trip."""
    hosts = spec.hosts
    index = {h.id: i for i, h in enumerate(hosts)}
    in_choice = {i for c in spec.choices for i in c.one_of}
    in_must_choice = {i for c in spec.choices if c.must for i in c.one_of}
    for i, host in enumerate(hosts):
        if host.must:
            assert not host.after
        if host.id in in_must_choice:
            assert not host.after
        for earlier in host.after or ():
            assert earlier not in in_choice
            assert earlier not in index or index[earlier] < i  # no cycle
    for choice in spec.choices:
        assert not any(hosts[index[h]].must for h in choice.one_of)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    hosts=st.integers(2, 40),
    days=st.integers(1, 7),
    seed=st.integers(0, 10_000),
    after=st.integers(0, 30),
    choices=st.integers(0, 12),
    must_share=st.sampled_from([0.0, 0.3, 0.5, 1.0]),
)
def test_generated_trips_with_rules_always_validate(
    hosts: int, days: int, seed: int, after: int, choices: int, must_share: float
) -> None:
    """Whatever is asked for, the trip is either refused at once (too few hosts for the
    rules) or valid: no cycle, every must choice can be met (load would refuse it else)."""
    try:
        text = generate.trip_yaml(hosts, days, seed, None, after, choices, must_share)
    except ValueError:
        reject()
    spec = load_spec_text(text, "generated.yaml").spec
    assert len(spec.choices) == choices
    assert sum(len(h.after or ()) for h in spec.hosts) == after
    _assert_rules_valid_by_construction(spec)
    compiled = compile_spec(load_spec_text(text))
    assert len(compiled.problem.after) == after and len(compiled.problem.one_of) == choices


@pytest.mark.parametrize("seed", [0, 1])
def test_a_generated_trip_with_rules_plans_completely_and_passes_the_checker(seed: int) -> None:
    loaded = load_spec_text(generate.trip_yaml(15, 3, seed, None, after=4, choices=3))
    plan = plan_checked(loaded)  # the checker re-derives after and one_of from the spec
    assert plan.status == "complete" and plan.unmet_choices is None
    visited = {v.id for v in plan.visits()}
    for choice in loaded.spec.choices:
        chosen = visited & set(choice.one_of)
        assert len(chosen) == 1 if choice.must else len(chosen) <= 1


def test_a_trip_without_working_days_gets_no_must_choice() -> None:
    saturday = dt.date(2026, 9, 5)
    spec = load_spec_text(generate.trip_yaml(10, 2, 0, saturday, choices=3, must_share=1)).spec
    assert len(spec.choices) == 3 and not any(c.must for c in spec.choices)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--choices", "5"], "5 choices need at least 10 hosts that are not must-visits"),
        (["--after", "500"], "500 after pairs asked for; this trip allows"),
        (["--after", "-1"], "after and choices must be 0 or more"),
        (["--choices", "1", "--must-share", "2"], "must share must be 0..1, got 2.0"),
    ],
)
def test_script_refuses_rules_the_trip_cannot_hold(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        generate.main(["--hosts", "6", "--days", "2", *arguments])
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_script_writes_rules_as_the_library_does(capsys: pytest.CaptureFixture[str]) -> None:
    assert generate.main(["--hosts", "12", "--days", "3", "--after", "3", "--choices", "2"]) == 0
    assert capsys.readouterr().out == generate.trip_yaml(12, 3, 0, None, 3, 2)


def test_fifteen_hosts_three_days_plans_completely_and_passes_the_checker() -> None:
    plan = plan_checked(load_spec_text(generate.trip_yaml(15, 3, seed=0)))
    assert plan.status == "complete"
    assert len(plan.tracks) == 3
    assert plan.visits() and plan.travel_minutes > 0
    events = [i for t in plan.tracks for i in t.items if i.type == "event"]
    assert len(events) == 3


@pytest.mark.parametrize(("hosts", "days", "seed"), [(10, 1, 0), (12, 10, 4), (20, 5, 9)])
def test_small_generated_trips_plan_and_pass_the_checker(hosts: int, days: int, seed: int) -> None:
    plan = plan_checked(load_spec_text(generate.trip_yaml(hosts, days, seed)))
    assert plan.status == "complete"
    assert len(plan.tracks) == days


def test_script_writes_the_same_file_as_the_library(tmp_path: Path) -> None:
    out = tmp_path / "visit.yaml"
    command = [sys.executable, str(GENERATE_PY), "--hosts", "12", "--days", "4", "--seed", "5"]
    subprocess.run([*command, "--out", str(out)], check=True, capture_output=True)
    assert out.read_text(encoding="utf-8") == generate.trip_yaml(12, 4, seed=5)
    assert len(load_spec(out).spec.hosts) == 12
    shown = subprocess.run(
        [sys.executable, str(GENERATE_PY), "--help"], check=True, capture_output=True, text=True
    )
    assert "--hosts" in shown.stdout and "--seed" in shown.stdout and "--force" in shown.stdout


def test_script_replaces_an_existing_file_only_with_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "visit.yaml"
    command = ["--hosts", "12", "--days", "2", "--out", str(out)]
    assert generate.main([*command, "--seed", "1"]) == 0
    first = out.read_text(encoding="utf-8")
    assert first == generate.trip_yaml(12, 2, seed=1)
    capsys.readouterr()

    assert generate.main([*command, "--seed", "2"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [f"generate.py: {out} exists; use --force to overwrite"]
    assert out.read_text(encoding="utf-8") == first

    assert generate.main([*command, "--seed", "2", "--force"]) == 0
    assert out.read_text(encoding="utf-8") == generate.trip_yaml(12, 2, seed=2)
    assert [p.name for p in tmp_path.iterdir()] == ["visit.yaml"]  # no temporary file left


def test_script_without_out_writes_standard_output_even_if_files_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "visit.yaml").write_text("kept\n", encoding="utf-8")
    assert generate.main(["--hosts", "3", "--days", "1"]) == 0
    assert capsys.readouterr().out == generate.trip_yaml(3, 1)
    assert (tmp_path / "visit.yaml").read_text(encoding="utf-8") == "kept\n"


def test_scaling_script_measures_a_case_end_to_end(tmp_path: Path) -> None:
    csv_out, png_out = tmp_path / "scaling.csv", tmp_path / "scaling.png"
    command = [sys.executable, str(SCALING_PY), "--hosts", "10"]
    command += ["--days", "2", "--time-limit", "1", "--out", str(csv_out), "--png", str(png_out)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    with csv_out.open(encoding="utf-8") as f:
        (row,) = list(csv.DictReader(f))
    assert row["feasible"] == "True" and row["error"] == ""
    assert (row["hosts"], row["days"], row["nodes"]) == ("10", "2", "12")  # 10 hosts, 2 events
    # first_plan_s counts from the start of loading, plan_s and first_solution_s from planning.
    assert 0 < float(row["load_s"]) <= float(row["first_plan_s"])
    assert 0 <= float(row["first_solution_s"]) <= float(row["plan_s"])
    assert 0 < int(row["score"]) <= int(row["max_score"]) and float(row["peak_mb"]) > 0
    assert "| 10 | 2 | 1 |" in done.stdout  # the README table row
    if importlib.util.find_spec("matplotlib") is None:  # the chart is a bench extra
        assert "matplotlib is not installed" in done.stderr and not png_out.exists()
    else:
        assert png_out.read_bytes().startswith(b"\x89PNG")


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml")
def test_yaml_load_script_times_both_parsers_on_the_given_files() -> None:
    example = ROOT / "examples" / "limoges-symposium.yaml"
    command = [sys.executable, str(ROOT / "benchmarks" / "yaml_load.py"), str(example)]
    done = subprocess.run([*command, "--rounds", "1"], check=True, capture_output=True, text=True)
    header, rule, row = done.stdout.splitlines()
    assert "pure Python" in header and "libyaml" in header and rule.startswith("| ---")
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[0] == example.name and cells[4].endswith("×") and float(cells[4][:-1]) > 0


def _fake_row(hosts: int, days: int, seed: int, time_limit: float) -> dict[str, object]:
    """A measured case as run_in_child returns it, without planning anything."""
    row: dict[str, object] = {"hosts": hosts, "days": days, "seed": seed}
    row.update(time_limit_s=time_limit, first_plan_s=0.5 * hosts, peak_mb=100.0 + hosts)
    row.update(score=hosts, max_score=2 * hosts, score_ratio=0.5, status="complete")
    return row


def _no_case(*args: object) -> dict[str, object]:
    pytest.fail(f"a case was run although the output was refused: {args}")


@pytest.mark.parametrize("existing", ["csv", "png"])
def test_scaling_refuses_to_start_when_an_output_exists(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    existing: str,
) -> None:
    outputs = {"csv": tmp_path / "s.csv", "png": tmp_path / "s.png"}
    outputs[existing].write_bytes(b"an earlier run\n")
    monkeypatch.setattr(scaling, "run_in_child", _no_case)
    command = ["--hosts", "10", "--days", "1", "--time-limit", "1"]
    command += ["--out", str(outputs["csv"]), "--png", str(outputs["png"])]
    assert scaling.main(command) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"scaling.py: {outputs[existing]} exists; use --force to overwrite"
    ]
    assert captured.out == ""  # no table: nothing was measured
    assert outputs[existing].read_bytes() == b"an earlier run\n"
    assert [p.name for p in tmp_path.iterdir()] == [outputs[existing].name]


def test_scaling_plot_only_refuses_to_replace_the_chart_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    csv_out, png_out = tmp_path / "s.csv", tmp_path / "s.png"
    scaling.write_csv([_fake_row(10, 1, 0, 1.0), _fake_row(25, 1, 0, 1.0)], csv_out)
    csv_text = csv_out.read_bytes()
    png_out.write_bytes(b"an earlier chart")
    monkeypatch.setattr(scaling, "run_in_child", _no_case)
    command = ["--plot-only", "--out", str(csv_out), "--png", str(png_out)]
    assert scaling.main(command) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"scaling.py: {png_out} exists; use --force to overwrite"
    ]
    assert png_out.read_bytes() == b"an earlier chart" and csv_out.read_bytes() == csv_text
    if not HAS_MATPLOTLIB:  # the chart is a bench extra
        return
    assert scaling.main([*command, "--force"]) == 0
    assert png_out.read_bytes().startswith(b"\x89PNG")
    assert csv_out.read_bytes() == csv_text  # --plot-only only reads the CSV
    assert "| 25 | 1 | 1 |" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.csv", "s.png"]


def test_scaling_plot_only_without_a_csv_is_one_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing, png_out = tmp_path / "none.csv", tmp_path / "s.png"
    assert scaling.main(["--plot-only", "--out", str(missing), "--png", str(png_out)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"scaling.py: {missing} not found: nothing to plot"
    ]
    assert not png_out.exists()


def test_scaling_refuses_an_output_folder_it_cannot_make_before_any_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "results"
    blocker.write_text("a file where the folder should be")
    monkeypatch.setattr(scaling, "run_in_child", _no_case)
    out, png = blocker / "s.csv", tmp_path / "s.png"
    assert scaling.main(["--hosts", "10", "--days", "1", "--out", str(out), "--png", str(png)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"scaling.py: cannot make folder {blocker}: ")
    assert blocker.read_text() == "a file where the folder should be" and not png.exists()


def test_scaling_with_force_replaces_the_outputs_and_saves_the_csv_after_every_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    csv_out, png_out = tmp_path / "s.csv", tmp_path / "s.png"
    csv_out.write_bytes(b"an earlier run\n")
    png_out.write_bytes(b"an earlier chart")
    saved_before: list[list[str]] = []

    def fake_case(hosts: int, days: int, seed: int, limit: float) -> dict[str, object]:
        text = csv_out.read_text(encoding="utf-8")  # what an interruption now would leave
        saved_before.append([] if text == "an earlier run\n" else text.splitlines()[1:])
        return _fake_row(hosts, days, seed, limit)

    monkeypatch.setattr(scaling, "run_in_child", fake_case)
    command = ["--hosts", "10", "25", "--days", "2", "--time-limit", "1", "--force"]
    assert scaling.main([*command, "--out", str(csv_out), "--png", str(png_out)]) == 0
    assert [len(rows) for rows in saved_before] == [0, 1]  # the first case was saved at once
    with csv_out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["hosts"], r["days"], r["score"]) for r in rows] == [
        ("10", "2", "10"),
        ("25", "2", "25"),
    ]
    if HAS_MATPLOTLIB:
        assert png_out.read_bytes().startswith(b"\x89PNG")
    assert "| 10 | 2 | 1 |" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.csv", "s.png"]  # no temporary file


def test_scaling_keeps_a_csv_another_process_wrote_while_the_first_case_ran(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    csv_out, png_out = tmp_path / "s.csv", tmp_path / "s.png"

    def case_meanwhile_written(hosts: int, days: int, seed: int, limit: float) -> dict:
        csv_out.write_text("someone else's\n", encoding="utf-8")
        return _fake_row(hosts, days, seed, limit)

    monkeypatch.setattr(scaling, "run_in_child", case_meanwhile_written)
    command = ["--hosts", "10", "--days", "1", "--out", str(csv_out), "--png", str(png_out)]
    assert scaling.main(command) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"scaling.py: {csv_out} exists; use --force to overwrite"
    )
    assert csv_out.read_text(encoding="utf-8") == "someone else's\n" and not png_out.exists()


def test_scaling_help_mentions_force(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        scaling.main(["--help"])
    assert exited.value.code == 0
    assert "--force" in capsys.readouterr().out


# --- sub-groups (--groups) ----------------------------------------------------------------------

# The text of two trips without groups, as the generator wrote them before it knew groups: a trip
# without `--groups` stays byte for byte what it was.
UNGROUPED_SHA256 = {
    (25, 5, 1, 0, 0): "5da2b1a4711b7f48e57901323336b90dbc2074085aa54d570e3fae792a53a93f",
    (25, 5, 1, 4, 3): "86927f4a5d8007af1a96f4bda64a7960c6c420cf16a34b47c572df3cb6d72c59",
}


@pytest.mark.parametrize("key", sorted(UNGROUPED_SHA256))
def test_a_trip_without_groups_is_the_text_it_always_was(key: tuple[int, ...]) -> None:
    import hashlib

    hosts, days, seed, after, choices = key
    text = generate.trip_yaml(hosts, days, seed, None, after, choices)
    assert hashlib.sha256(text.encode()).hexdigest() == UNGROUPED_SHA256[key]
    assert "groups" not in text and "capacity" not in text and "together" not in text


@pytest.mark.parametrize(("hosts", "days", "groups"), [(40, 5, 3), (20, 3, 2), (12, 1, 4)])
def test_groups_are_added_to_the_same_trip_deterministically(
    hosts: int, days: int, groups: int
) -> None:
    plain = load_spec_text(generate.trip_yaml(hosts, days, seed=2)).spec
    text = generate.trip_yaml(hosts, days, seed=2, groups=groups)
    assert text == generate.trip_yaml(hosts, days, seed=2, groups=groups)
    assert text.splitlines()[0].endswith(f"--seed 2 --groups {groups}")
    spec = load_spec_text(text, "generated.yaml").spec
    # the same hosts, times and events: only what groups need is new
    new = {"capacity": None, "for_": None}
    assert [h.model_copy(update=new) for h in spec.hosts] == plain.hosts
    assert [e.model_copy(update={"groups": None}) for e in spec.events] == plain.events
    ids = [g.id for g in spec.groups]
    assert len(ids) == groups and all(e.groups == ids for e in spec.events)  # joint events
    assert spec.delegation.size == sum(g.size for g in spec.groups)
    sizes = [g.size for g in spec.groups]
    capacities = [h.capacity for h in spec.hosts if h.capacity is not None]
    assert capacities and all(min(sizes) <= c < spec.delegation.size for c in capacities)
    assert not any(h.must and (h.capacity or h.for_) for h in spec.hosts)
    assert any(h.for_ for h in spec.hosts)
    together = [d for d, o in spec.trip.days.items() if o.together]
    assert len(together) == (1 if days >= 3 else 0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_generated_trip_with_groups_compiles_to_parallel_tracks_the_solver_keeps(
    seed: int,
) -> None:
    from itinerary.model.rules import cross_track_violations
    from itinerary.model.verify import verify_solution
    from itinerary.solver import Budget, SolveParams, solve

    loaded = load_spec_text(generate.trip_yaml(20, 3, seed=seed, groups=2), "generated.yaml")
    problem = compile_spec(loaded).problem
    assert len(problem.tracks) == 2 + 1 + 2  # the middle date together
    assert problem.tracks_overlap() and problem.capacity
    solution = solve(problem, SolveParams(budget=Budget(iterations=100, solution_limit=0)))
    assert verify_solution(problem, solution) == []
    assert cross_track_violations(problem, solution) == []


@pytest.mark.parametrize("groups", ["1", "5", "x"])
def test_script_refuses_a_group_count_it_cannot_make(
    groups: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        generate.main(["--hosts", "6", "--days", "2", "--groups", groups])
    assert exited.value.code == 2
    assert "groups" in capsys.readouterr().err
