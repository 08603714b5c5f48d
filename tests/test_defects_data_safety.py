"""Data at risk, found by an adversarial round: outputs that replaced the command's own input, a
device, or a file that appeared meanwhile; work lost to an output that could not be written."""

from __future__ import annotations

import errno
import json
import os
import sys
from pathlib import Path

import pytest
from conftest import SMALL_TRIP
from typer.testing import CliRunner

import itinerary.plan.planner
from itinerary.cli import app
from itinerary.input.load import load_spec
from itinerary.plan import Plan
from itinerary.plan.check import check_plan

runner = CliRunner()

VISIT = SMALL_TRIP


@pytest.fixture
def visit(small_trip: Path) -> Path:
    return small_trip


@pytest.fixture
def saved(visit: Path) -> Path:
    out = visit.with_name("plan.json")
    result = runner.invoke(app, ["plan", str(visit), "--no-bound", "--json", str(out)])
    assert result.exit_code == 0, result.stderr
    assert check_plan(Plan.from_json(out.read_bytes()), load_spec(visit)) == []
    return out


@pytest.fixture
def no_planning(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refusals must come before the plan is made: planning here fails the test."""

    def planned(*args: object, **kwargs: object) -> None:
        raise AssertionError("planned although an output was refused")

    monkeypatch.setattr(itinerary.plan.planner, "make_plan", planned)


def refused(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output + result.stderr
    assert len(result.stderr.splitlines()) == 1
    return result.stderr


# --- an output is never one of the command's inputs ---------------------------------------------


def test_the_visit_file_is_never_an_output_even_with_force(visit: Path, no_planning: None) -> None:
    message = refused(["plan", str(visit), "--json", str(visit), "--force"])
    assert message == (
        f"error: {visit} is an input of this command ({visit}); it is never overwritten, "
        "even with --force\n"
    )
    assert visit.read_text() == VISIT


def test_the_visit_file_under_another_name_is_never_an_output(
    visit: Path, no_planning: None
) -> None:
    link = visit.with_name("same.json")
    os.link(visit, link)
    assert "is an input of this command" in refused(
        ["plan", str(visit), "--json", str(link), "--force"]
    )
    assert visit.read_text() == VISIT


def test_the_travel_matrix_is_never_an_output(visit: Path, no_planning: None) -> None:
    matrix = visit.with_name("times.json")  # an unlucky name for a CSV
    keys = ["alpha", "beta", "hotel"]
    matrix.write_text(
        "x," + ",".join(keys) + "\n" + "".join(f"{a},10,10,10\n" for a in keys), encoding="utf-8"
    )
    visit.write_text(VISIT.replace("  timezone:", "  travel: {matrix: times.json}\n  timezone:"))
    before = matrix.read_text()
    message = refused(["plan", str(visit), "--json", str(matrix), "--force"])
    assert "is an input of this command" in message
    assert matrix.read_text() == before


def test_export_never_replaces_the_plan_it_reads(saved: Path) -> None:
    before = saved.read_bytes()
    message = refused(["export", str(saved), "--format", "json", "--out", str(saved), "--force"])
    assert "is an input of this command" in message
    assert saved.read_bytes() == before


def test_a_hosts_folder_that_holds_the_plan_is_never_replaced(saved: Path) -> None:
    folder = saved.parent
    message = refused(["export", str(saved), "--format", "hosts", "--out", str(folder), "--force"])
    assert "is an input of this command" in message
    assert saved.exists()


def test_a_folder_with_files_no_export_wrote_is_never_replaced(saved: Path) -> None:
    folder = saved.parent / "documents"
    folder.mkdir()
    (folder / "contract.docx").write_bytes(b"precious")
    message = refused(["export", str(saved), "--format", "hosts", "--out", str(folder), "--force"])
    assert message == (
        f"error: {folder} holds contract.docx, which no hosts export writes; it is never "
        "replaced, even with --force (choose an empty or new folder)\n"
    )
    assert (folder / "contract.docx").read_bytes() == b"precious"


def test_a_hosts_folder_written_before_is_replaced_with_force(saved: Path) -> None:
    folder = saved.parent / "letters"
    args = ["export", str(saved), "--format", "hosts", "--out", str(folder)]
    assert runner.invoke(app, args).exit_code == 0
    (folder / "stale-host.md").write_text("from an older plan")
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0
    assert not (folder / "stale-host.md").exists()


# --- only regular files are ever replaced ---------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_force_never_replaces_a_pipe(visit: Path, no_planning: None) -> None:
    pipe = visit.with_name("pipe.json")
    os.mkfifo(pipe)
    message = refused(["plan", str(visit), "--json", str(pipe), "--force"])
    assert message == (
        f"error: {pipe} is not a regular file (a device, a pipe or a socket); choose another name\n"
    )
    assert pipe.is_fifo()


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_force_never_replaces_a_device(saved: Path) -> None:
    message = refused(["export", str(saved), "--format", "md", "--out", "/dev/null", "--force"])
    assert "/dev/null is not a regular file" in message
    assert Path("/dev/null").is_char_device()


# --- a file that appears while the output is written ------------------------------------------


def test_a_file_that_appears_during_the_write_is_never_replaced(
    saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = saved.with_name("programme.md")
    real_fsync = os.fsync

    def someone_else_writes(fd: int) -> None:
        real_fsync(fd)
        if not target.exists():
            target.write_text("written by someone else meanwhile")

    monkeypatch.setattr(os, "fsync", someone_else_writes)
    message = refused(["export", str(saved), "--format", "md", "--out", str(target)])
    assert message == (
        f"error: {target} appeared while it was being written; use --force to overwrite\n"
    )
    assert target.read_text() == "written by someone else meanwhile"
    assert sorted(p.name for p in saved.parent.iterdir() if p.name.startswith(".")) == []


def test_without_hard_links_the_target_is_checked_again(
    saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = saved.with_name("programme.md")
    real_fsync = os.fsync

    def no_links(src: object, dst: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    def someone_else_writes(fd: int) -> None:
        real_fsync(fd)
        if not target.exists():
            target.write_text("theirs")

    monkeypatch.setattr(os, "link", no_links)
    args = ["export", str(saved), "--format", "md", "--out", str(target)]
    assert runner.invoke(app, args).exit_code == 0  # no race: written by the rename
    assert target.read_text().startswith("#")
    target.unlink()
    monkeypatch.setattr(os, "fsync", someone_else_writes)
    assert "appeared while it was being written" in refused(args)
    assert target.read_text() == "theirs"


def test_a_hosts_folder_that_fills_up_during_the_write_is_never_replaced(
    saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = saved.with_name("letters")
    folder.mkdir()  # empty: may be written without --force
    real_fsync = os.fsync

    def someone_else_writes(fd: int) -> None:
        real_fsync(fd)
        if not (folder / "mine.txt").exists():
            (folder / "mine.txt").write_text("theirs")

    monkeypatch.setattr(os, "fsync", someone_else_writes)
    message = refused(["export", str(saved), "--format", "hosts", "--out", str(folder)])
    assert "appeared or filled up while it was being written" in message
    assert sorted(p.name for p in folder.iterdir()) == ["mine.txt"]
    assert not [p for p in saved.parent.iterdir() if p.name.startswith(".")]


# --- every destination is checked before the plan is made -------------------------------------


def test_a_missing_folder_is_reported_before_planning(visit: Path, no_planning: None) -> None:
    missing = visit.parent / "nosuchdir" / "p.json"
    assert refused(["plan", str(visit), "--json", str(missing)]) == (
        f"error: folder {missing.parent} does not exist\n"
    )


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="needs POSIX non-root")
def test_a_read_only_folder_is_reported_before_planning(visit: Path, no_planning: None) -> None:
    folder = visit.parent / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert refused(["plan", str(visit), "--json", str(folder / "p.json")]) == (
            f"error: cannot write into folder {folder}: permission denied\n"
        )
    finally:
        folder.chmod(0o700)


def test_two_outputs_to_one_file_are_refused_before_planning(
    visit: Path, no_planning: None
) -> None:
    both = visit.with_name("visit.json")  # --export json writes visit.json too
    assert refused(["plan", str(visit), "--json", str(both), "--export", "json"]) == (
        f"error: {both} would be written twice (json and json); give one of them another name\n"
    )
    assert not both.exists()


def test_an_existing_export_is_reported_before_planning(visit: Path, no_planning: None) -> None:
    visit.with_name("visit.html").write_text("kept")
    assert "exists; use --force" in refused(["plan", str(visit), "--export", "html"])
    assert visit.with_name("visit.html").read_text() == "kept"


# --- "-" is standard output everywhere ----------------------------------------------------------


def test_json_dash_writes_the_plan_to_standard_output_and_the_tables_to_standard_error(
    visit: Path,
) -> None:
    result = runner.invoke(app, ["plan", str(visit), "--no-bound", "--json", "-"])
    assert result.exit_code == 0, result.stderr
    plan = Plan.model_validate(json.loads(result.stdout))
    assert check_plan(plan, load_spec(visit)) == []
    assert "Visit: Alpha" in result.stderr  # the tables (which leave out legal forms: "GmbH")
    assert not visit.with_name("-").exists()


def test_two_outputs_to_standard_output_are_refused(saved: Path) -> None:
    assert refused(["export", str(saved), "--format", "xlsx", "--out", "-"]) == (
        "error: xlsx cannot be written to standard output; give --out FILE\n"
    )


def test_init_dash_writes_the_starter_to_standard_output(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", "-"])
    assert result.exit_code == 0
    assert result.stdout.startswith("# itinerary starter trip")
    visit = tmp_path / "visit.yaml"
    visit.write_text(result.stdout, encoding="utf-8")
    assert runner.invoke(app, ["validate", str(visit)]).exit_code == 0
