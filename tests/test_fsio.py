"""Tests for output writing: refuse to overwrite, atomic replace, safe names."""

from __future__ import annotations

import os
import re
import stat
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itinerary import fsio
from itinerary.errors import OutputError
from itinerary.fsio import (
    ensure_empty_dir,
    prepare_output,
    safe_filename,
    write_bytes,
    write_text,
)

SAFE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --- write_bytes / write_text -----------------------------------------------------------------


def test_write_new_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    assert write_bytes(target, b"hello") == target
    assert target.read_bytes() == b"hello"
    assert leftovers(tmp_path) == []


def test_write_accepts_str_path(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_text(str(target), "x")
    assert target.read_text(encoding="utf-8") == "x"


def test_write_text_is_utf8_with_newlines_as_given(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_text(target, "Zürich\nline2\n")
    assert target.read_bytes() == "Zürich\nline2\n".encode()


def test_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"precious")
    with pytest.raises(OutputError) as info:
        write_bytes(target, b"new")
    assert str(info.value) == f"{target} exists; use --force to overwrite"
    assert target.read_bytes() == b"precious"
    assert leftovers(tmp_path) == []


def test_force_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"old content that is longer")
    write_text(target, "new", force=True)
    assert target.read_bytes() == b"new"
    assert leftovers(tmp_path) == []


def test_refuses_a_folder_even_with_force(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    for force in (False, True):
        with pytest.raises(OutputError, match="is a folder"):
            write_bytes(folder, b"x", force=force)
    assert folder.is_dir()


def test_missing_parent_folder(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "out.txt"
    with pytest.raises(OutputError) as info:
        write_bytes(target, b"x")
    assert str(info.value) == f"folder {tmp_path / 'missing'} does not exist"


def test_relative_path_in_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_text("plain.txt", "x")
    assert (tmp_path / "plain.txt").read_text(encoding="utf-8") == "x"


def test_no_temp_file_left_after_failed_replace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")

    def broken_replace(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OutputError) as info:
        write_bytes(target, b"new", force=True)
    assert str(info.value) == f"cannot write {target}: permission denied"
    assert "\n" not in str(info.value)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_no_temp_file_left_after_failed_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OutputError, match="no space left on device"):
        write_bytes(tmp_path / "out.txt", b"new")
    assert list(tmp_path.iterdir()) == []


def test_interrupt_cleans_up_and_propagates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(src: object, dst: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)  # the rename of --force
    monkeypatch.setattr(os, "link", interrupted)  # the no-replace link otherwise
    with pytest.raises(KeyboardInterrupt):
        write_bytes(tmp_path / "out.txt", b"new")
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "old.txt").write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt):
        write_bytes(tmp_path / "old.txt", b"new", force=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.txt"]


def test_temp_file_cannot_be_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(**kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(fsio.tempfile, "mkstemp", refused)
    with pytest.raises(OutputError) as info:
        write_bytes(tmp_path / "out.txt", b"x")
    assert str(info.value) == f"cannot write {tmp_path / 'out.txt'}: permission denied"


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="needs POSIX non-root")
def test_unwritable_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="permission denied"):
            write_bytes(folder / "out.txt", b"x")
    finally:
        folder.chmod(0o700)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_prepare_output_makes_the_folders_and_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "results" / "today" / "run.csv"
    assert prepare_output(target) == target
    assert target.parent.is_dir() and not target.exists()
    write_text(target, "a,b\n")  # the folder is there for the write that follows the work
    assert target.read_text() == "a,b\n"


def test_prepare_output_refuses_an_existing_file_unless_force(tmp_path: Path) -> None:
    target = tmp_path / "run.csv"
    target.write_text("kept\n")
    with pytest.raises(OutputError, match="exists; use --force to overwrite"):
        prepare_output(target)
    assert prepare_output(target, force=True) == target
    assert target.read_text() == "kept\n"  # preparing never touches the file itself


def test_prepare_output_reports_a_folder_it_cannot_make(tmp_path: Path) -> None:
    blocker = tmp_path / "results"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(OutputError) as error:
        prepare_output(blocker / "run.csv", force=True)
    assert str(error.value).startswith(f"cannot make folder {blocker}: ")
    assert blocker.read_text() == "a file where the folder should be"


def test_new_file_gets_normal_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        target = write_bytes(tmp_path / "out.txt", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


# --- ensure_empty_dir -------------------------------------------------------------------------


def test_ensure_empty_dir_creates(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "b"
    assert ensure_empty_dir(folder, force=False) == folder
    assert folder.is_dir()


def test_ensure_empty_dir_accepts_existing_empty(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    assert ensure_empty_dir(folder, force=False) == folder


def test_ensure_empty_dir_refuses_non_empty(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "keep.txt").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError) as info:
        ensure_empty_dir(folder, force=False)
    assert str(info.value).startswith(f"{folder} is not empty; use --force")
    # force allows writing into it and deletes nothing
    assert ensure_empty_dir(folder, force=True) == folder
    assert (folder / "keep.txt").read_text(encoding="utf-8") == "x"


def test_ensure_empty_dir_refuses_a_file(tmp_path: Path) -> None:
    path = tmp_path / "out"
    path.write_text("x", encoding="utf-8")
    for force in (False, True):
        with pytest.raises(OutputError, match="is a file"):
            ensure_empty_dir(path, force=force)


# --- safe_filename ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../x", "x"),
        ("con", "_con"),
        ("CON.txt", "_CON.txt"),
        ("Lpt9.tar.gz", "_Lpt9.tar.gz"),
        ("com1", "_com1"),
        ("console", "console"),
        ("a/b\\c", "a-b-c"),
        ("\x00\x1fevil", "evil"),
        ("", "unnamed"),
        ("...", "unnamed"),
        ("--", "unnamed"),
        ("/", "unnamed"),
        (".hidden", "hidden"),
        ("-rf", "rf"),
        ("report.", "report"),
        ("Müller & Söhne GmbH", "M-ller-S-hne-GmbH"),
        ("a  --  b", "a-b"),
        ("2016-05-23_plan.v2.html", "2016-05-23_plan.v2.html"),
        ("_x", "_x"),
    ],
)
def test_safe_filename_examples(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_safe_filename_length() -> None:
    assert len(safe_filename("a" * 500)) == fsio.MAX_FILENAME
    assert safe_filename("a" * 99 + ".b") == "a" * 99  # cut at a dot, trailing dot dropped


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_safe_filename_property(name: str) -> None:
    result = safe_filename(name)
    assert result
    assert SAFE.match(result), result
    assert len(result) <= fsio.MAX_FILENAME
    assert safe_filename(name) == result  # deterministic
    assert not re.match(r"(?i)^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)", result)


@settings(max_examples=300, deadline=None)
@given(name=st.text())
def test_safe_filename_stays_inside(tmp_path_factory: pytest.TempPathFactory, name: str) -> None:
    base = tmp_path_factory.getbasetemp().resolve()
    resolved = (base / safe_filename(name)).resolve()
    assert resolved.parent == base
    assert resolved.is_relative_to(base)


# --- write_folder: a whole folder, all or nothing ------------------------------------------------


def test_write_folder_creates_the_folder_with_every_file(tmp_path: Path) -> None:
    from itinerary.fsio import write_folder

    target = write_folder(tmp_path / "hosts", {"a.md": b"A", "b.ics": b"B"})
    assert sorted(p.name for p in target.iterdir()) == ["a.md", "b.ics"]
    assert (target / "a.md").read_bytes() == b"A"
    assert [p.name for p in tmp_path.iterdir()] == ["hosts"]


@pytest.mark.parametrize(
    "hostile",
    ["../../x", "/etc/passwd", "a/b", "..", ".", "con", "NUL.md", "x\x00y", "\n", "..\\..\\w"],
)
def test_write_folder_keeps_every_name_inside(tmp_path: Path, hostile: str) -> None:
    from itinerary.fsio import write_folder

    target = write_folder(tmp_path / "out", {hostile: b"data"})
    files = list(target.iterdir())
    assert len(files) == 1
    assert files[0].parent == target and files[0].read_bytes() == b"data"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_write_folder_refuses_names_that_clean_to_the_same_file(tmp_path: Path) -> None:
    from itinerary.fsio import write_folder

    with pytest.raises(OutputError, match="would both be named"):
        write_folder(tmp_path / "out", {"a/b": b"1", "a-b": b"2"})
    assert list(tmp_path.iterdir()) == []


def test_write_folder_refuses_a_non_empty_folder_without_force(tmp_path: Path) -> None:
    from itinerary.fsio import write_folder

    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "keep.md").write_bytes(b"mine")
    with pytest.raises(OutputError, match="not empty; use --force"):
        write_folder(folder, {"new.md": b"x"})
    assert [p.name for p in folder.iterdir()] == ["keep.md"]
    write_folder(folder, {"new.md": b"x"}, force=True)
    assert [p.name for p in folder.iterdir()] == ["new.md"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_write_folder_refuses_a_file_or_a_symlink(tmp_path: Path) -> None:
    from itinerary.fsio import write_folder

    (tmp_path / "file").write_bytes(b"x")
    with pytest.raises(OutputError, match="is not a folder"):
        write_folder(tmp_path / "file", {"a": b"1"}, force=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "link").symlink_to(elsewhere)
    with pytest.raises(OutputError, match="is not a folder"):
        write_folder(tmp_path / "link", {"a": b"1"}, force=True)
    assert list(elsewhere.iterdir()) == []


def test_an_interrupted_write_folder_leaves_the_old_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import itinerary.fsio as fsio

    folder = tmp_path / "out"
    fsio.write_folder(folder, {"old.md": b"old"})
    real = fsio.write_bytes
    calls = []

    def failing(path, data, *, force=False):  # type: ignore[no-untyped-def]
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(path, data, force=force)

    monkeypatch.setattr(fsio, "write_bytes", failing)
    with pytest.raises(KeyboardInterrupt):
        fsio.write_folder(folder, {"a.md": b"1", "b.md": b"2"}, force=True)
    assert [p.name for p in folder.iterdir()] == ["old.md"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging folder left behind


def test_write_folder_into_a_missing_parent_is_one_clean_error(tmp_path: Path) -> None:
    from itinerary.fsio import write_folder

    with pytest.raises(OutputError, match="does not exist"):
        write_folder(tmp_path / "no" / "out", {"a": b"1"})
