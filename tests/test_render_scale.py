"""A day of thousands of items through `itinerary export`, and benchmarks/render_scale.py (which
builds such days and times every renderer) on tiny days and on bad input. No wall-clock
asserts: the machines are shared; the benchmark's README section has the times."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from conftest import load_benchmark
from typer.testing import CliRunner

from itinerary.cli import app
from itinerary.plan import Plan, VisitItem
from itinerary.render.svg import MAP_LABEL_LIMIT

render_scale = load_benchmark("render_scale")
runner = CliRunner()


def test_the_benchmark_day_is_a_valid_plan_of_distinct_places() -> None:
    plan = render_scale.day_plan(40, seed=3)
    (track,) = plan.tracks
    visits = [i for i in track.items if isinstance(i, VisitItem)]
    assert len(track.items) == 2 * 40 + 3 and len(visits) == 40
    assert len({v.location for v in visits}) == 40
    assert [i.type for i in track.items[:3]] == ["start", "travel", "visit"]
    assert track.items[-1].type == "end" and track.items[-2].type == "travel"
    ends = [getattr(i, "end", getattr(i, "time", None)) for i in track.items]
    assert ends == sorted(ends)  # one item after the other
    assert Plan.from_json(plan.to_json()) == plan
    assert render_scale.day_plan(40, seed=3) == plan


def test_a_day_of_two_thousand_items_exports_to_html(tmp_path: Path) -> None:
    plan = render_scale.day_plan(1000)  # 2,003 items: start, 1,001 legs, 1,000 visits, end
    source, out = tmp_path / "plan.json", tmp_path / "day.html"
    source.write_text(plan.to_json(), encoding="utf-8")
    result = runner.invoke(app, ["export", str(source), "--format", "html", "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    assert page.count('<tr class="visit">') == 1000 and page.count('<tr class="travel">') == 1001
    (timeline,) = re.findall(r'<svg class="timeline".*?</svg>', page, flags=re.S)
    assert timeline.count("<g><rect") == 2001  # a bar per visit and per leg
    (map_,) = re.findall(r'<svg class="map".*?</svg>', page, flags=re.S)
    assert map_.count("<circle") == 1000  # a numbered circle per visit (the hotel is a square)
    numbers = re.findall(r'font-weight="700" text-anchor="middle" fill="[^"]+">(\d+)<', map_)
    assert numbers == [str(n) for n in range(1, 1001)]
    assert 1001 > MAP_LABEL_LIMIT and 'paint-order="stroke"' not in map_  # no names on the map
    (key,) = re.findall(r'<ol class="map-key">.*?</ol>', page, flags=re.S)
    assert key.count("<li>") == 1001  # the key beside the map names every stop


def test_the_script_times_every_format_for_every_n(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results" / "render.csv"  # the folder is made
    assert render_scale.main(["--visits", "6,3", "--rounds", "2", "--out", str(out)]) == 0
    with out.open(newline="") as f:
        rows = list(csv.DictReader(f))
    formats = ["html", "md", "csv", "ics", "xlsx"]
    assert [(r["visits"], r["format"]) for r in rows] == [
        (n, fmt) for n in ("3", "6") for fmt in formats
    ]
    assert {r["items"] for r in rows} == {"9", "15"} and {r["rounds"] for r in rows} == {"2"}
    assert all(float(r["median_s"]) >= float(r["min_s"]) > 0 for r in rows)
    assert {r["ratio"] for r in rows if r["visits"] == "3"} == {"1.0"}
    table = capsys.readouterr().out.splitlines()
    assert table[0] == (
        "| visits | items | html s (× 3 visits) | md s (× 3 visits) | csv s (× 3 visits) "
        "| ics s (× 3 visits) | xlsx s (× 3 visits) |"
    )
    assert table[2].startswith("| 3 | 9 | ") and table[2].count("(1.0×)") == 5
    assert table[3].startswith("| 6 | 15 | ") and len(table) == 4


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--visits", "0,10"], "--visits: each N must be between 1 and 20,000"),
        (["--visits", "20001"], "--visits: each N must be between 1 and 20,000"),
        (["--visits", "10,many"], "--visits: '10,many' is not a list of whole numbers"),
        (["--formats", "html,pdf"], "--formats: 'pdf' is not one of ics, html, md, csv, xlsx"),
        (["--formats", "hosts"], "--formats: 'hosts' is not one of"),
        (["--rounds", "0"], "--rounds: '0' is not a whole number of at least 1"),
        (["--rounds", "two"], "--rounds: 'two' is not a whole number of at least 1"),
        (["--seed", "-1"], "--seed: '-1' is not a whole number"),
    ],
)
def test_the_script_refuses_bad_input_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: list[str], message: str
) -> None:
    out = tmp_path / "render.csv"
    assert render_scale.main(["--visits", "3", *option, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("render_scale.py: ") and message in err and err.count("\n") == 1
    assert not out.exists()


def test_the_script_keeps_an_existing_file_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "render.csv"
    out.write_text("kept\n")
    monkeypatch.setattr(render_scale, "measure", lambda *_: pytest.fail("measured anyway"))
    assert render_scale.main(["--visits", "3", "--out", str(out)]) == 2
    assert capsys.readouterr().err == f"render_scale.py: {out} exists; use --force to overwrite\n"
    assert out.read_text() == "kept\n"
    monkeypatch.undo()
    assert render_scale.main(["--visits", "3", "--rounds", "1", "--out", str(out), "--force"]) == 0
    assert out.read_text().startswith("visits,items,format,")
