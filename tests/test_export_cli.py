"""`itinerary export` and `plan --export` through the CLI runner: every format, every option,
and the guarantees around writing (no overwrite without --force, clean errors, exit codes)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import EXAMPLES
from typer.testing import CliRunner

from itinerary.cli import app
from itinerary.errors import InputError
from itinerary.plan import Plan
from itinerary.render import FORMATS
from itinerary.render.export import parse_plan, read_plan

runner = CliRunner()
GOLDEN = Path(__file__).resolve().parent / "golden"
SAVED = GOLDEN / "limoges-plan.json"  # a real, checked plan; exports never plan again


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    path = tmp_path / "plan.json"
    path.write_bytes(SAVED.read_bytes())
    return path


# `meetings` needs a plan with matchmaking: tests/test_match_cli.py; `members` a plan with
# members: tests/test_groups_export.py
@pytest.mark.parametrize("fmt", [f for f in FORMATS if f not in ("json", "meetings", "members")])
def test_every_format_is_written_beside_the_plan_by_default(fmt: str, saved: Path) -> None:
    result = runner.invoke(app, ["export", str(saved), "--format", fmt])
    assert result.exit_code == 0, result.output
    target = saved.with_name("plan" + FORMATS[fmt].extension)
    assert target.exists()
    if FORMATS[fmt].folder:
        files = sorted(p.name for p in target.iterdir())
        assert files and all(not p.startswith(".") for p in files)
        assert f"wrote {target}/ ({len(files)} files)" in result.stderr
    else:
        assert target.stat().st_size > 200
        assert f"wrote {target}" in result.stderr
    # Nothing half-written or temporary is left beside the output.
    assert sorted(p.name for p in saved.parent.iterdir()) == sorted(["plan.json", target.name])


def test_json_needs_an_explicit_destination_and_copies_the_plan(saved: Path) -> None:
    result = runner.invoke(app, ["export", str(saved), "--format", "json"])
    assert result.exit_code == 2
    assert "give --out" in result.stderr
    out = saved.with_name("copy.json")
    result = runner.invoke(app, ["export", str(saved), "-f", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == saved.read_bytes()


@pytest.mark.parametrize("fmt", ["md", "csv", "ics", "html", "json"])
def test_text_formats_go_to_standard_output(fmt: str, saved: Path) -> None:
    result = runner.invoke(app, ["export", str(saved), "--format", fmt, "--out", "-"])
    assert result.exit_code == 0, result.output
    assert "Ceradrop" in result.stdout
    assert list(saved.parent.iterdir()) == [saved]


@pytest.mark.parametrize("fmt", ["xlsx", "hosts"])
def test_binary_and_folder_formats_refuse_standard_output(fmt: str, saved: Path) -> None:
    result = runner.invoke(app, ["export", str(saved), "--format", fmt, "--out", "-"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "standard output" in result.stderr


def test_an_existing_file_is_kept_without_force(saved: Path) -> None:
    out = saved.with_name("programme.md")
    out.write_text("my edits", encoding="utf-8")
    result = runner.invoke(app, ["export", str(saved), "-f", "md", "-o", str(out)])
    assert result.exit_code == 2
    assert "exists; use --force" in result.stderr
    assert out.read_text(encoding="utf-8") == "my edits"
    result = runner.invoke(app, ["export", str(saved), "-f", "md", "-o", str(out), "--force"])
    assert result.exit_code == 0
    assert "Ceradrop" in out.read_text(encoding="utf-8")


def test_a_non_empty_hosts_folder_is_replaced_only_with_force(saved: Path) -> None:
    folder = saved.with_name("briefings")
    folder.mkdir()
    (folder / "stale.md").write_text("an old briefing", encoding="utf-8")
    result = runner.invoke(app, ["export", str(saved), "-f", "hosts", "-o", str(folder)])
    assert result.exit_code == 2
    assert "not empty; use --force" in result.stderr
    assert [p.name for p in folder.iterdir()] == ["stale.md"]
    result = runner.invoke(app, ["export", str(saved), "-f", "hosts", "-o", str(folder), "--force"])
    assert result.exit_code == 0, result.output
    names = {p.name for p in folder.iterdir()}
    # Replaced, not merged: a host dropped from the plan must not keep its old briefing.
    assert "stale.md" not in names
    plan = read_plan(saved)
    assert {f"{v.id}.md" for v in plan.visits()} <= names
    assert sorted(p.name for p in saved.parent.iterdir()) == ["briefings", "plan.json"]


def test_hosts_into_an_empty_existing_folder_needs_no_force(saved: Path) -> None:
    folder = saved.with_name("empty")
    folder.mkdir()
    result = runner.invoke(app, ["export", str(saved), "-f", "hosts", "-o", str(folder)])
    assert result.exit_code == 0, result.output
    assert any(folder.iterdir())


def test_hosts_onto_a_file_is_refused(saved: Path) -> None:
    other = saved.with_name("notes.txt")
    other.write_text("kept\n")
    result = runner.invoke(app, ["export", str(saved), "-f", "hosts", "-o", str(other)])
    assert result.exit_code == 2
    assert result.stderr == f"error: {other} is not a folder\n"
    assert other.read_text() == "kept\n"


def test_a_file_format_onto_a_folder_is_refused(saved: Path) -> None:
    result = runner.invoke(app, ["export", str(saved), "-f", "md", "-o", str(saved.parent)])
    assert result.exit_code == 2
    assert "is a folder" in result.stderr


def test_missing_output_folder_is_one_clean_line(saved: Path) -> None:
    out = saved.parent / "no" / "such" / "p.md"
    result = runner.invoke(app, ["export", str(saved), "-f", "md", "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"error: folder {out.parent} does not exist"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "pdf"], "unknown format 'pdf'; choose from ics, hosts, html, md, csv, xlsx"),
        (["--format", "md", "--lang", "es"], "--lang must be one of en, de, fr, not 'es'"),
        (["--format", "md", "--for", "press"], "--for must be organiser or delegation"),
    ],
)
def test_bad_options_exit_2_with_one_line(args: list[str], message: str, saved: Path) -> None:
    result = runner.invoke(app, ["export", str(saved), *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert list(saved.parent.iterdir()) == [saved]


def test_lang_and_audience_reach_the_renderer(saved: Path) -> None:
    organiser = runner.invoke(app, ["export", str(saved), "-f", "md", "-o", "-", "--lang", "de"])
    assert organiser.exit_code == 0, organiser.output
    assert "Mittwoch, 9. April 2008" in organiser.stdout
    plan = read_plan(saved)
    left_out = [u.name for u in plan.unscheduled]
    assert left_out and all(name in organiser.stdout for name in left_out)
    delegation = runner.invoke(
        app, ["export", str(saved), "-f", "md", "-o", "-", "--lang", "fr", "--for", "delegation"]
    )
    assert delegation.exit_code == 0, delegation.output
    assert "mercredi 9 avril 2008" in delegation.stdout
    assert not any(name in delegation.stdout for name in left_out)


def test_csv_export_round_trips_the_plans_times(saved: Path) -> None:
    result = runner.invoke(app, ["export", str(saved), "-f", "csv", "-o", "-", "--lang", "en"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    plan = read_plan(saved)
    assert len(rows) - 1 == sum(len(t.items) for t in plan.tracks)


# --- reading a saved plan: bad input is one located line, exit 2 -------------------------------


def _invoke_on(tmp_path: Path, content: str | bytes) -> tuple[int, str]:
    path = tmp_path / "plan.json"
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    result = runner.invoke(app, ["export", str(path), "-f", "md", "-o", "-"])
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr.strip()


def test_a_missing_plan_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", str(tmp_path / "nope.json"), "-f", "md"])
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == f"{tmp_path / 'nope.json'}:1: cannot read file: No such file or directory"
    )


def test_broken_json_names_the_line(tmp_path: Path) -> None:
    text = SAVED.read_text(encoding="utf-8").replace('"status": "complete",', '"status": complete,')
    code, err = _invoke_on(tmp_path, text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if '"status": complete' in row)
    assert code == 2
    assert err.startswith(f"{tmp_path / 'plan.json'}:{line}: not valid JSON")


def test_a_wrong_value_names_its_line(tmp_path: Path) -> None:
    data = json.loads(SAVED.read_text(encoding="utf-8"))
    data["tracks"][1]["items"][2]["start"] = "half past nine"
    text = json.dumps(data, indent=2, ensure_ascii=False)
    code, err = _invoke_on(tmp_path, text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "half past nine" in row)
    assert code == 2
    assert err.startswith(f"{tmp_path / 'plan.json'}:{line}: tracks.1.items.2")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1, 2]", ":1: not an itinerary plan"),
        ("{}", ":1: not an itinerary plan"),
        (
            '{\n  "format": "itinerary-plan/9"\n}',
            ":2: this plan was written by a newer itinerary (format 'itinerary-plan/9')",
        ),
        (
            '{\n  "format": "timetable/1"\n}',
            ":2: plan format 'timetable/1' is not supported",
        ),
        (b"\xff\xfe{}", ":1: the file is not UTF-8 text"),
        ("", ":1: not valid JSON"),
        ("[" * 100_000, ":1: "),
    ],
)
def test_not_a_plan(content: str | bytes, message: str, tmp_path: Path) -> None:
    code, err = _invoke_on(tmp_path, content)
    assert code == 2
    assert len(err.splitlines()) == 1 and message in err


def test_parse_plan_accepts_what_to_json_writes() -> None:
    plan = read_plan(SAVED)
    assert parse_plan(plan.to_json()) == plan
    with pytest.raises(InputError):
        parse_plan('{"format": "itinerary-plan/1"}')


# --- plan --export ------------------------------------------------------------------------------


def test_plan_exports_beside_the_visit_file(tmp_path: Path) -> None:
    visit = tmp_path / "limoges.yaml"
    visit.write_bytes((EXAMPLES / "limoges-symposium.yaml").read_bytes())
    result = runner.invoke(
        app,
        ["plan", str(visit), "--export", "html", "--export", "ics", "--export", "hosts"],
    )
    assert result.exit_code == 0, result.output
    for name in ("limoges.html", "limoges.ics", "limoges-hosts"):
        assert (tmp_path / name).exists(), name
    # A second run refuses before planning, and keeps what is there.
    before = (tmp_path / "limoges.html").read_bytes()
    again = runner.invoke(app, ["plan", str(visit), "--export", "html"])
    assert again.exit_code == 2
    assert "exists; use --force" in again.stderr
    assert "planning" not in again.stdout and again.stdout == ""
    assert (tmp_path / "limoges.html").read_bytes() == before
    forced = runner.invoke(app, ["plan", str(visit), "--export", "html", "--force"])
    assert forced.exit_code == 0, forced.output


def test_plan_export_of_unknown_format_fails_before_planning(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["plan", str(EXAMPLES / "limoges-symposium.yaml"), "--export", "doc"]
    )
    assert result.exit_code == 2
    assert "unknown format 'doc'" in result.stderr
    assert result.stdout == ""


def test_plan_lang_switches_the_tables(tmp_path: Path) -> None:
    result = runner.invoke(app, ["plan", str(EXAMPLES / "limoges-symposium.yaml"), "--lang", "de"])
    assert result.exit_code == 0, result.output
    assert "Mittwoch, 9. April 2008" in result.stdout
    assert "Übersicht" in result.stdout
    assert "Synthèse" not in result.stdout and "Summary" not in result.stdout


def test_exports_match_the_plan_json_written_in_the_same_run(tmp_path: Path) -> None:
    visit = tmp_path / "owl.yaml"
    visit.write_bytes((EXAMPLES / "its-owl-week.yaml").read_bytes())
    out = tmp_path / "owl-plan.json"
    result = runner.invoke(app, ["plan", str(visit), "--json", str(out), "--export", "json"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "owl.json").read_bytes() == out.read_bytes()
    assert Plan.from_json(out.read_bytes()).status == "complete"


# --- the optimality proof through the CLI --------------------------------------------------------


def test_plan_proves_the_examples_optimal_and_no_bound_skips_it(tmp_path: Path) -> None:
    visit = str(EXAMPLES / "its-owl-week.yaml")
    proved, skipped = tmp_path / "proved.json", tmp_path / "skipped.json"
    result = runner.invoke(app, ["plan", visit, "--json", str(proved)])
    assert result.exit_code == 0, result.output
    plan = Plan.from_json(proved.read_bytes())
    assert plan.optimal is True and plan.bound == plan.score
    # Corpus Christi leaves some hosts out: the proven best is below the sum of all hosts.
    assert f"{plan.score} (optimal; all hosts together would be {plan.max_score})" in result.stdout
    data = json.loads(proved.read_text(encoding="utf-8"))
    assert data["bound"] == plan.score and data["optimal"] is True

    result = runner.invoke(app, ["plan", visit, "--no-bound", "--json", str(skipped)])
    assert result.exit_code == 0, result.output
    data = json.loads(skipped.read_text(encoding="utf-8"))
    assert "bound" not in data and "optimal" not in data
    # (the matchmaking's own bound, of its meetings, is not the plan's: issue 21)
    score_lines = [line for line in result.stdout.splitlines() if "Score" in line]
    assert score_lines and not any("optimal" in line for line in score_lines)
    assert f"{plan.score} of {plan.max_score}" in result.stdout


def test_plan_export_for_the_delegation_in_german(tmp_path: Path) -> None:
    visit = tmp_path / "limoges.yaml"
    visit.write_bytes((EXAMPLES / "limoges-symposium.yaml").read_bytes())
    out = tmp_path / "plan.json"
    args = ["plan", str(visit), "--export", "md", "--for", "delegation", "--lang", "de"]
    result = runner.invoke(app, [*args, "--json", str(out)])
    assert result.exit_code == 0, result.output
    programme = (tmp_path / "limoges.md").read_text(encoding="utf-8")
    assert "Mittwoch, 9. April 2008" in programme
    plan = Plan.from_json(out.read_bytes())
    assert plan.unscheduled and not any(u.id in programme for u in plan.unscheduled)
    assert "Übersicht" in result.stdout  # the tables follow --lang too


def test_a_lunch_place_is_found_by_its_key_in_the_days_items() -> None:
    plan = read_plan(SAVED)
    track, lunch = next(
        (t, i) for t in plan.tracks for i in t.items if i.type == "lunch" and i.at is not None
    )
    visits = {i.id: i.address for i in track.items if i.type == "visit"}
    stays = {i.key: i.address for i in track.items if i.type in ("start", "end")}
    assert track.address_of(lunch.at) == {**stays, **visits}[lunch.at]
    assert track.address_of("no-such-place") is None and track.address_of(None) is None
    assert track.addresses() == {**stays, **visits}  # every key at once, for the renderers
