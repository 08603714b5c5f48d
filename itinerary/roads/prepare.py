"""`itinerary roads prepare`: an OpenStreetMap extract → routing data OSRM answers from.

OSRM's multi-level Dijkstra pipeline, with the programs osrm-bindings ships: osrm-extract (the
road graph, with a profile's speeds and access rules), osrm-partition and osrm-customize. The
work happens in a temporary folder beside the result, whose files are moved into place only
when every step has succeeded: a failed or interrupted run leaves the earlier data, or none.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from ..errors import OutputError, RoadError
from ..fsio import check_folder, write_text
from .engine import INSTALL_HINT, META_SUFFIX, osrm_available

PROFILES = ("car", "coach")
EXTRACT_SUFFIXES = (".osm.pbf", ".osm.bz2", ".osm", ".pbf")
STEPS = ("extract", "partition", "customize")


@dataclass(frozen=True)
class Progress:
    """What `prepare_region` is doing: step `step` (1-based) of `STEPS`, and the last line the
    program wrote (for a live display)."""

    step: int
    name: str
    line: str


Observer = Callable[[Progress], None]


def region_name(extract: Path) -> str:
    """`detmold.osm.pbf` → `detmold`."""
    name = extract.name
    for suffix in EXTRACT_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)] or "region"
    return extract.stem or "region"


def output_base(extract: Path, out_dir: Path | None) -> Path:
    """The `.osrm` base path `prepare_region` writes: beside the extract unless `out_dir`."""
    return (out_dir if out_dir is not None else extract.parent) / (region_name(extract) + ".osrm")


def check_prepare(extract: Path, profile: str, out_dir: Path | None, force: bool) -> Path:
    """Everything that can be refused before the work: the extract, the profile, the output."""
    if profile not in PROFILES:
        raise RoadError(f"--profile must be one of {', '.join(PROFILES)}, not {profile!r}")
    if not extract.exists():
        raise RoadError(f"{extract} not found")
    if extract.is_dir():
        raise RoadError(f"{extract} is a folder, not an OpenStreetMap extract")
    if not extract.name.lower().endswith(EXTRACT_SUFFIXES):
        raise RoadError(
            f"{extract} is not an OpenStreetMap extract (.osm.pbf, .osm or .osm.bz2); "
            "download one for your region from an OpenStreetMap extract mirror"
        )
    if not osrm_available():
        raise RoadError(INSTALL_HINT)
    base = output_base(extract, out_dir)
    check_folder(base.parent)
    existing = _existing(base)
    if existing and not force:
        raise OutputError(f"{existing[0]} exists; use --force to overwrite the routing data")
    return base


def prepare_region(
    extract: Path,
    profile: str = "car",
    out_dir: Path | None = None,
    force: bool = False,
    observer: Observer | None = None,
) -> Path:
    """Prepare `extract` for routing with `profile`; returns the `.osrm` path to give as
    `trip.travel.roads`. Raises RoadError (a program failed: the extract is damaged, say) or
    OutputError (the data exists and `force` is off)."""
    base = check_prepare(extract, profile, out_dir, force)
    bin_dir, profiles_dir = _osrm_dirs()
    notify = observer or (lambda progress: None)
    # No ".osrm" in the folder's name: OSRM takes the first one in a path for its suffix.
    with tempfile.TemporaryDirectory(dir=base.parent, prefix=".itinerary-prepare-") as work_name:
        work = Path(work_name)
        profile_file = _profile_file(profile, profiles_dir, work / "profiles")
        staged = work / base.name  # region.osrm: OSRM's programs add their suffixes to it
        commands = [
            [str(bin_dir / "osrm-extract"), "-p", str(profile_file),
             "-o", str(staged.with_suffix("")), str(extract.resolve())],
            [str(bin_dir / "osrm-partition"), str(staged)],
            [str(bin_dir / "osrm-customize"), str(staged)],
        ]  # fmt: skip
        for step, command in enumerate(commands, 1):
            _run(command, step, extract, notify)
        made = sorted(work.glob(base.name + ".*"))
        if not made:
            raise RoadError(f"OSRM wrote no routing data for {extract}")
        meta = {
            "format": "itinerary-roads/1",
            "profile": profile,
            "extract": extract.name,
            "prepared": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "osrm_bindings": _osrm_version(),
        }
        for old in _existing(base):
            if old.is_file() and not (work / old.name).exists():
                old.unlink()
        for file in made:
            os.replace(file, base.parent / file.name)
        write_text(
            base.parent / (base.name + META_SUFFIX), json.dumps(meta, indent=2) + "\n", force=True
        )
    return base


def _existing(base: Path) -> list[Path]:
    return sorted(base.parent.glob(base.name + ".*"))


def _osrm_dirs() -> tuple[Path, Path]:
    import osrm

    package = Path(osrm.__file__).parent
    bin_dir, profiles = package / "bin", package / "share" / "profiles"
    if not (bin_dir / "osrm-extract").is_file() or not (profiles / "car.lua").is_file():
        raise RoadError(
            f"osrm-bindings at {package} lacks its programs or profiles; reinstall it: "
            "pip install --force-reinstall osrm-bindings"
        )
    return bin_dir, profiles


def _osrm_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("osrm-bindings")
    except PackageNotFoundError:
        return "unknown"


def _profile_file(profile: str, osrm_profiles: Path, folder: Path) -> Path:
    """OSRM's profile for a car, or ours for a coach: a copy of OSRM's profiles folder (the
    coach profile runs OSRM's car.lua and its lib/ from beside itself) with coach.lua added."""
    if profile == "car":
        return osrm_profiles / "car.lua"
    shutil.copytree(osrm_profiles, folder)
    target = folder / "coach.lua"
    target.write_text(
        files("itinerary.roads").joinpath("coach.lua").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    return target


def _run(command: list[str], step: int, extract: Path, notify: Observer) -> None:
    name = STEPS[step - 1]
    notify(Progress(step, name, ""))
    lines: list[str] = []
    try:
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            errors="replace",
        )
    except OSError as exc:
        raise RoadError(f"cannot run osrm-{name}: {exc.strerror or exc}") from None
    try:
        assert process.stdout is not None
        for raw in process.stdout:
            line = _log_text(raw)
            if line:
                lines.append(line)
                del lines[:-50]
                notify(Progress(step, name, line))
        code = process.wait()
    except BaseException:
        process.kill()
        process.wait()
        raise
    if code != 0:
        raise RoadError(f"osrm-{name} failed on {extract}: {_failure(lines, code)}")


def _log_text(raw: str) -> str:
    """A log line without OSRM's "[2026-…] [info] " prefix."""
    line = raw.strip()
    while line.startswith("["):
        end = line.find("]")
        if end < 0:
            break
        line = line[end + 1 :].lstrip()
    return line


def _failure(lines: list[str], code: int) -> str:
    """The line that says what went wrong (a C++ exception's `what():`, an `[error]`)."""
    lines = [_without_source(line) for line in lines]
    for line in reversed(lines):
        if line.startswith("what():"):
            return line[len("what():") :].strip()[:300] + _damaged_hint(line)
    for line in reversed(lines):
        lowered = line.lower()
        if "error" in lowered or "exception" in lowered:
            return line[:300] + _damaged_hint(line)
    detail = lines[-1][:300] if lines else "no output"
    return f"exit status {code} ({detail})"


def _damaged_hint(line: str) -> str:
    lowered = line.lower()
    if "pbf" in lowered or "xml" in lowered or "bzip" in lowered or "parse" in lowered:
        return " (the extract is damaged or not an OpenStreetMap file: download it again)"
    return ""


def _without_source(line: str) -> str:
    """OSRM's message without the C++ source position it appends: " (at include/….hpp:345)"."""
    at = line.find(" (at include/")
    return line[:at] if at >= 0 else line
