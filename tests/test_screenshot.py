"""The README's picture of the programme cannot fall behind the code unnoticed: the page it was
taken of (docs/programme.html, committed beside docs/programme.png) must be what the code
renders now. No browser is needed here: the page is compared, not the picture."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "docs" / "screenshot.py"
REMAKE = (
    "run `python docs/screenshot.py --force` and commit docs/programme.html and docs/programme.png"
)


@pytest.fixture(scope="module")
def screenshot() -> ModuleType:
    spec = importlib.util.spec_from_file_location("screenshot", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["screenshot"] = module
    spec.loader.exec_module(module)
    return module


def test_the_committed_page_is_what_the_code_renders_now(
    screenshot: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The script's own command, without the picture: it plans the bundled example as
    # `itinerary plan` does and writes the page the picture is taken of.
    assert screenshot.main(["--html-only", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out == f"wrote {tmp_path / 'programme.html'}\n"
    assert list(tmp_path.iterdir()) == [tmp_path / "programme.html"]  # no picture asked for
    page = (tmp_path / "programme.html").read_bytes()
    committed = ROOT / "docs" / "programme.html"
    assert committed.exists(), f"docs/programme.html is missing: {REMAKE}"
    assert page == committed.read_bytes(), f"docs/programme.html is out of date: {REMAKE}"
    assert b"Catalan delegation to it" in page


def test_the_readme_shows_the_picture_and_names_the_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(r"!\[[^\]]+\]\(docs/programme\.png\)", readme)
    assert "python docs/screenshot.py" in readme
    png = (ROOT / "docs" / "programme.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")) == (1200, 1620)


def test_the_script_replaces_a_page_only_with_force(
    screenshot: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "programme.html"
    page.write_text("kept", encoding="utf-8")
    # Refused before any planning, in one line, and the file is left as it was.
    assert screenshot.main(["--html-only", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "exists" in err and str(page) in err
    assert page.read_text(encoding="utf-8") == "kept"
    assert screenshot.main(["--html-only", "--out", str(tmp_path), "--force"]) == 0
    assert page.read_bytes() == (ROOT / "docs" / "programme.html").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["programme.html"]  # no temp file left
