"""The README's picture of the printable programme, made from the bundled OWL example.

    python docs/screenshot.py --force              # docs/programme.html and docs/programme.png
    python docs/screenshot.py --html-only --force  # docs/programme.html only (no Chromium)

Plans examples/its-owl-week.yaml as `itinerary plan` does (the default, fixed search budget, so
every machine gets the same plan), renders the organiser's HTML programme in the trip's
language, writes it to docs/programme.html, and has headless Chromium take a picture of the
top of the page (the cover and the first day: timeline, table and map), docs/programme.png,
which the README shows. Both files are committed; tests/test_screenshot.py checks that the
HTML is what the code renders now, so the picture cannot fall behind the code unnoticed: when
that test fails, run this script and commit both files. As every script of the project, it
replaces an existing file only with `--force` (checked before any work), and writes through a
temporary file and a rename (`itinerary.fsio`), so an interrupted run leaves the old files.

Run it from anywhere with the project installed (`pip install -e .`) or from the project's
root; Chromium is looked up as `chromium` or `chromium-browser` on the PATH, or /usr/bin/chromium
(`--chromium PATH` to name another).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: this checkout's package, not an installed one
    sys.path.insert(0, str(ROOT))

EXAMPLE = ROOT / "examples" / "its-owl-week.yaml"
HTML = ROOT / "docs" / "programme.html"
PNG = ROOT / "docs" / "programme.png"
# The README shows the cover and the whole of the first day at this size.
WINDOW = (1200, 1620)


def programme_html() -> bytes:
    """The programme page of the bundled example, as `itinerary plan` plans it and `itinerary
    export --format html` renders it (the organiser's copy, in the trip's language)."""
    from itinerary.input.load import load_spec
    from itinerary.plan.planner import PLAN_PARAMS, make_plan
    from itinerary.render import RenderOptions, render

    plan = make_plan(load_spec(EXAMPLE), PLAN_PARAMS)  # checked against every rule inside
    page = render(plan, "html", RenderOptions())
    assert isinstance(page, bytes)
    return page


def find_chromium(given: str | None) -> str:
    found = given or shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and Path("/usr/bin/chromium").exists():
        found = "/usr/bin/chromium"
    if found is None:
        raise SystemExit("chromium not found: install it, or name it with --chromium PATH")
    return found


def screenshot(chromium: str, page: Path) -> bytes:
    """Headless Chromium's picture of the top of `page` (PNG), offline, in a throw-away
    profile."""
    with tempfile.TemporaryDirectory() as home:
        png = Path(home) / "programme.png"
        command = [
            chromium,
            "--headless",
            "--no-sandbox",  # needed as root (containers); harmless otherwise
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={Path(home) / 'profile'}",
            f"--window-size={WINDOW[0]},{WINDOW[1]}",
            f"--screenshot={png}",
            page.as_uri(),
        ]
        env = {**os.environ, "HOME": home}
        subprocess.run(command, capture_output=True, timeout=120, env=env, check=True)
        return png.read_bytes()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html-only", action="store_true", help="write the HTML, no picture")
    parser.add_argument("--chromium", help="the Chromium to run (default: found on the PATH)")
    parser.add_argument(
        "--out", type=Path, default=HTML.parent, help="folder to write to (default: docs/)"
    )
    parser.add_argument("--force", action="store_true", help="replace files that exist")
    args = parser.parse_args(argv)
    from itinerary.errors import OutputError
    from itinerary.fsio import prepare_output, write_bytes

    chromium = None if args.html_only else find_chromium(args.chromium)
    html, png = args.out / HTML.name, args.out / PNG.name
    try:
        for path in [html] if chromium is None else [html, png]:
            prepare_output(path, force=args.force)  # before the plan, not after
        write_bytes(html, programme_html(), force=args.force)
        print(f"wrote {html}")
        if chromium is not None:
            write_bytes(png, screenshot(chromium, html), force=args.force)
            print(f"wrote {png}")
    except OutputError as exc:
        print(f"screenshot.py: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
