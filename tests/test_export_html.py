"""The printable HTML programme: structure, self-containment, escaping, languages, audiences,
the SVG pictures, a golden file, and a real headless Chromium (print to PDF, screenshot, DOM)."""

from __future__ import annotations

import html
import json
import math
import os
import re
import shutil
import struct
import subprocess
import zlib
from html import unescape
from html.parser import HTMLParser
from itertools import accumulate
from pathlib import Path

import pytest
from conftest import GOLDEN, assert_golden
from typer.testing import CliRunner

from itinerary.cli import app
from itinerary.plan import Plan, VisitItem
from itinerary.render import RenderOptions, render
from itinerary.render.i18n import LABELS, Words
from itinerary.render.program import TEXTS, build
from itinerary.render.svg import MAP_HEIGHT, MAP_WIDTH, PALETTE, Projection, map_svg, text_width
from itinerary.render.terminal import score_line

VOID = {"meta", "br", "wbr", "col", "img", "input", "link", "hr", "source"}


def html_of(plan: Plan, **options: str) -> str:
    content = render(plan, "html", RenderOptions(**options))
    assert isinstance(content, bytes)
    return content.decode("utf-8")


class Page(HTMLParser):
    """Every start tag with its attributes, the visible text, and a check that tags nest."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []
        self.stack: list[str] = []
        self.errors: list[str] = []
        self._hidden = 0  # inside <style> or <title>: not visible text
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)
        if tag in ("style", "title"):
            self._hidden += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
            return
        self.stack.pop()
        if tag in ("style", "title"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.texts.append(data.strip())

    def classes(self, tag: str, css_class: str) -> int:
        return sum(1 for t, a in self.tags if t == tag and css_class in (a.get("class") or ""))

    @property
    def text(self) -> str:
        return " ".join(self.texts)


def sections(html: str) -> list[str]:
    return re.findall(r'<section class="sheet day".*?</section>', html, flags=re.S)


@pytest.mark.parametrize("example", ["owl", "limoges"])
def test_examples_render_a_well_formed_page_with_every_day(
    example: str, request: pytest.FixtureRequest
) -> None:
    plan: Plan = request.getfixturevalue(example)
    html = html_of(plan)
    page = Page(html)
    assert page.errors == [] and page.stack == []
    assert html.startswith("<!DOCTYPE html>\n") and f'<html lang="{plan.trip.language}">' in html
    days = sections(html)
    assert len(days) == len(plan.tracks) == page.classes("section", "day")
    for day in days:
        assert day.count('<svg class="timeline"') == 1 and day.count('<svg class="map"') == 1
    for visit in plan.visits():
        assert visit.name.replace("&", "&amp;").replace("'", "&#x27;") in html
        assert f"{visit.start:%H:%M}–{visit.end:%H:%M}" in html
    words = Words(plan.trip.language)
    for track in plan.tracks:
        assert words.long_date(track.date) in page.text


def test_the_page_is_self_contained_and_has_no_script(owl: Plan) -> None:
    html = html_of(owl)
    page = Page(html)
    assert "<script" not in html.lower() and "<link" not in html.lower()
    assert "@import" not in html and "url(" not in html and "http" not in html
    for _, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs)
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            assert not value.lower().startswith(("http:", "https:", "//", "javascript:"))
    hrefs = [a["href"] for t, a in page.tags if t == "a"]
    assert hrefs and all(h.startswith(("mailto:", "tel:")) for h in hrefs)


def hostile(plan: Plan) -> Plan:
    """The plan with markup, quotes, newlines and control characters in every user field."""
    data = json.loads(plan.to_json())
    data["trip"]["name"] = "</title><script>alert('trip')</script>"
    evil_contact = {"name": "Eve <i>", "email": 'e"ve@x.org" onclick="alert(3)', "phone": "+1 <2>"}
    data["delegation"]["name"] = 'Team "A" & <b>B</b>'
    data["delegation"]["contact"] = evil_contact
    for track in data["tracks"]:
        track["notes"] = ["<!-- note --> <img src=x onerror=alert(1)>"]
        for item in track["items"]:
            if item["type"] == "visit":
                item["name"] = "<script>alert(1)</script>\nline two\x07"
                item["address"] = '"><img src=x onerror=alert(2)>'
                item["contact"] = evil_contact
            if item["type"] == "travel":
                item["to_name"] = "=HYPERLINK(\"http://x\") & 'quote'"
    for left in data["unscheduled"]:
        left["reason"] = "<b>not</b> & that"
    return Plan.model_validate(data)


def test_hostile_text_renders_as_text(limoges: Plan) -> None:
    html = html_of(hostile(limoges))
    page = Page(html)
    assert page.errors == [] and page.stack == []
    assert "<script" not in html.lower() and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>line two" in html
    assert "\x07" not in html
    assert "<script>alert(1)</script>" in page.text  # shown to the reader, literally
    assert "<!-- note --> <img src=x onerror=alert(1)>" in page.text
    assert not any(name.startswith("on") for _, attrs in page.tags for name in attrs)
    emails = [a["href"] for t, a in page.tags if t == "a" and a["href"].startswith("mailto:")]
    assert emails and set(emails) == {'mailto:e"ve@x.org" onclick="alert(3)'}
    allowed = {
        *("html", "head", "meta", "title", "style", "body", "main", "section", "div", "span"),
        *("h1", "h2", "h3", "p", "dl", "dt", "dd", "table", "colgroup", "col", "thead", "tbody"),
        *("tr", "th", "td", "figure", "figcaption", "ol", "ul", "li", "a", "br", "wbr"),
        *("svg", "g", "rect", "line", "path", "polygon", "circle", "text"),
    }
    assert {tag for tag, _ in page.tags} <= allowed


def test_german_and_french_use_their_dates_and_labels(owl: Plan, limoges: Plan) -> None:
    german = html_of(owl, lang="de")
    assert '<html lang="de">' in german and "Dienstag, 24. Mai 2016" in german
    french = html_of(owl, lang="fr")
    assert '<html lang="fr">' in french and "mardi 24 mai 2016" in french
    for lang, page_html in (("de", german), ("fr", french), ("de", html_of(limoges, lang="de"))):
        page = Page(page_html)
        texts = set(page.texts)
        for key in ("time", "what", "where", "contact", "travel", "lunch", "visit", "end"):
            assert LABELS[lang][key].upper() in {t.upper() for t in texts}
            if LABELS["en"][key] != LABELS[lang][key]:
                assert LABELS["en"][key] not in texts
        for key in ("copy_organiser", "map_caption"):
            assert TEXTS["en"][key] not in page.text and TEXTS[lang][key] in page.text


def test_the_delegation_does_not_see_what_was_left_out(limoges: Plan) -> None:
    assert limoges.unscheduled, "the example must leave hosts out for this test to mean much"
    organiser = html_of(limoges)
    delegation = html_of(limoges, audience="delegation")
    words = Words(limoges.trip.language)
    for left in limoges.unscheduled:
        reason = html.escape(words.reason(left))  # worded in the plan's language
        assert left.name in organiser and reason in organiser
        assert left.name not in delegation and reason not in delegation
    assert words["unscheduled"] in organiser and words["unscheduled"] not in delegation
    assert words["score"] in organiser and words["score"] not in delegation
    assert 'class="must"' in organiser and 'class="must"' not in delegation


def test_the_summary_reports_score_status_and_travel(owl: Plan) -> None:
    text = Page(html_of(owl)).text
    assert score_line(owl, Words("en")) in text
    assert f"({owl.travel_minutes} min)" in text and "complete" in text


def test_days_without_visits_or_items_and_a_lunch_on_the_way_still_render(owl: Plan) -> None:
    data = json.loads(owl.to_json())
    first = data["tracks"][0]
    first["items"] = [first["items"][0], first["items"][-1]]
    data["tracks"][2]["items"] = []  # not from the planner, but a plan file can say so
    data["tracks"][3]["group"] = "Team B"
    lunch = next(i for i in data["tracks"][1]["items"] if i["type"] == "lunch")
    lunch.update(at=None, place=None, location=None)
    html = html_of(Plan.model_validate(data))
    page = Page(html)
    assert page.errors == [] and len(sections(html)) == len(owl.tracks)
    assert "on the way" in page.text
    assert "Day 4 — Thursday, 26 May 2016 — Corpus Christi — Team B" in page.texts


def test_output_is_deterministic_and_matches_the_golden_file() -> None:
    """Review a diff here like code; regenerate with UPDATE_GOLDEN=1 when it is intended."""
    plan = Plan.from_json((GOLDEN / "limoges-plan.json").read_bytes())
    content = render(plan, "html", RenderOptions())
    assert content == render(plan, "html", RenderOptions())
    assert_golden("limoges-programme.html", content)  # type: ignore[arg-type]


# --- the pictures -------------------------------------------------------------------------------


def test_the_projection_puts_north_up_east_right_and_keeps_distances() -> None:
    paderborn, bielefeld = (51.7189, 8.7575), (52.0302, 8.5325)
    project = Projection.fit([paderborn, bielefeld])
    (px, py), (bx, by) = project(paderborn), project(bielefeld)
    assert by < py and bx < px  # Bielefeld is north-west of Paderborn
    for x, y in ((px, py), (bx, by)):
        assert 0 < x < MAP_WIDTH and 0 < y < MAP_HEIGHT
    lat = math.radians((paderborn[0] + bielefeld[0]) / 2)
    km = 6371.0 * math.hypot(
        math.radians(bielefeld[0] - paderborn[0]),
        math.radians(bielefeld[1] - paderborn[1]) * math.cos(lat),
    )
    assert math.dist((px, py), (bx, by)) / project.px_per_km == pytest.approx(km, rel=1e-6)


def test_one_place_gets_a_map_of_its_surroundings() -> None:
    project = Projection.fit([(45.8, 1.26)])
    assert project((45.8, 1.26)) == (MAP_WIDTH / 2, project.cy)
    assert math.isfinite(project.px_per_km) and project.px_per_km > 0


def test_map_markers_labels_and_scale_stay_inside_the_box(owl: Plan) -> None:
    programme = build(owl, RenderOptions())
    for day in programme.days:
        svg = map_svg(day, programme.words)
        assert svg.count("<circle") == sum(1 for s in day.stops if s.kind != "base")
        for x, y, size, text in re.findall(
            r'<text x="([\d.]+)" y="([\d.]+)" font-size="([\d.]+)"[^>]*>([^<]*)</text>', svg
        ):
            if 'text-anchor="middle"' in svg.split(f'x="{x}" y="{y}"')[1][:80]:
                continue  # marker numbers and the north arrow, centred on their own shapes
            left, width = float(x), text_width(unescape(text), float(size))
            assert 0 <= left and left + width <= MAP_WIDTH, text
            assert 0 <= float(y) <= MAP_HEIGHT
        assert re.search(r">\d+(\.\d+)? km</text>", svg)
        numbers = re.findall(r'font-weight="700" text-anchor="middle" fill="[^"]+">(\d+)<', svg)
        assert numbers == [s.marker for s in day.stops if s.kind != "base"]


def test_timeline_draws_every_item_in_its_colour_on_an_hour_axis(owl: Plan) -> None:
    html = html_of(owl)
    for day, track in zip(sections(html), owl.tracks, strict=True):
        timeline = re.search(r'<svg class="timeline".*?</svg>', day, flags=re.S)
        assert timeline
        svg = timeline.group(0)
        kinds = [i.type for i in track.items if i.type not in ("start", "end")]
        bars = re.findall(r'<g><rect x="([\d.]+)"[^>]*fill="(#[0-9a-f]{6})"', svg)
        assert [fill for _, fill in bars] == [PALETTE[k][0] for k in kinds]
        xs = [float(x) for x, _ in bars]
        assert xs == sorted(xs)
        start = track.items[0].time  # type: ignore[union-attr]
        assert f">{start:%H}:00</text>" in svg
        visits = [i for i in track.items if isinstance(i, VisitItem)]
        for visit in visits:
            assert f"{visit.start:%H:%M}" in svg  # in the bar's tooltip


def html_by_cli(plan: Plan, tmp_path: Path, lang: str, *options: str) -> str:
    saved = tmp_path / "plan.json"
    saved.write_text(plan.to_json(), encoding="utf-8")
    result = CliRunner().invoke(
        app, ["export", str(saved), "-f", "html", "--lang", lang, "--out", "-", *options]
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def bar_labels(page: str) -> list[tuple[list[str], str, bool]]:
    """Per bar (not travel) of every timeline: its labels, its tooltip, and whether the label
    is outside the bar (below the axis, with a leader line)."""
    found = []
    for svg in re.findall(r'<svg class="timeline".*?</svg>', page, flags=re.S):
        for group in re.findall(r'<g><rect [^>]*height="40.0".*?</g>', svg):
            labels = [unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", group)]
            tooltip = re.search(r"<title>([^<]*)</title>", group)
            assert tooltip
            found.append((labels, unescape(tooltip.group(1)), "<line" in group))
    return found


def assert_whole_words(labels: list[tuple[list[str], str, bool]]) -> None:
    """Every word of a label is a word of the bar's name (without the punctuation around it),
    or the part before a hyphen of one ("Fraunhofer…" of "Fraunhofer-Anwendungszentrum")."""
    for texts, tooltip, _ in labels:
        words = {word.strip(",;:()«»") for word in tooltip.split()}
        words |= {part for word in words for part in word.split("-")}
        for text in texts:
            for word in text.split():
                word = word.removesuffix("…").strip(",;:()«»")
                assert word in words or word.isdigit(), (text, tooltip)


@pytest.mark.parametrize("lang", ["en", "de", "fr"])
def test_timeline_labels_are_never_cut_inside_a_word(owl: Plan, tmp_path: Path, lang: str) -> None:
    page = html_by_cli(owl, tmp_path, lang)
    labels = bar_labels(page)
    assert labels
    assert_whole_words(labels)
    lunch = Words(lang)["lunch"]  # type: ignore[arg-type]
    lunches = [texts for texts, tooltip, _ in labels if tooltip.split()[1] == lunch]
    assert lunches and all(texts == [lunch] for texts in lunches)  # whole, inside or below
    assert "Mittage…" not in page


def test_a_label_too_long_for_its_bar_goes_below_the_axis(tmp_path: Path) -> None:
    # The first Limoges day ending at 23:30: a 14-hour axis, where "Mittagessen" is wider than
    # its hour-long bar even in the smaller size.
    plan = Plan.from_json((GOLDEN / "limoges-plan.json").read_bytes())
    track = plan.tracks[0]
    end = track.items[-1]
    late = end.model_copy(update={"time": end.time.replace(hour=23, minute=30)})
    day = track.model_copy(update={"items": [*track.items[:-1], late]})
    # One day of the plan, so its score and travel no longer add up: exported --unchecked.
    page = html_by_cli(plan.model_copy(update={"tracks": [day]}), tmp_path, "de", "--unchecked")
    labels = bar_labels(page)
    assert_whole_words(labels)
    (lunch,) = [(texts, outside) for texts, tooltip, outside in labels if "Mittagessen" in tooltip]
    assert lunch == (["Mittagessen"], True)
    svg = re.search(r'<svg class="timeline" viewBox="0 0 1000.0 ([\d.]+)"', page)
    assert svg and float(svg.group(1)) > 108  # taller, for the row of labels below the axis
    legend = re.search(r'<g class="legend"><rect x="[\d.]+" y="([\d.]+)"', page)
    label = re.search(r'height="40.0"[^>]*/><line [^>]*/><text x="[\d.]+" y="([\d.]+)"', page)
    assert legend and label and float(legend.group(1)) > float(label.group(1))  # no overlap
    # Visits keep their number and whole words inside the bar.
    visits = [texts for texts, tooltip, outside in labels if tooltip.split()[1] == "Besuch"]
    assert visits and all(texts and texts[0].split()[0].isdigit() for texts in visits)


# --- a real browser -----------------------------------------------------------------------------


def chromium() -> str:
    found = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if found is None:
        pytest.skip("chromium not installed; .ci/run installs Debian's chromium")
    return found


def run_chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Headless, offline, in a throw-away profile (the machine has no internet)."""
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",  # needed as root (CI containers); harmless otherwise
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={tmp / 'profile'}",
        *args,
    ]
    env = {**os.environ, "HOME": str(tmp)}
    return subprocess.run(command, capture_output=True, timeout=60, env=env, check=True)


def png_pixels(data: bytes):
    """(width, height, rows of RGB bytes) of an 8-bit RGB or RGBA, non-interlaced PNG: just
    enough of a decoder to read Chromium's screenshots without an imaging library."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        chunks[kind] = chunks.get(kind, b"") + data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert depth == 8 and colour in (2, 6) and interlace == 0
    bpp = 3 if colour == 2 else 4
    stride = width * bpp
    raw = zlib.decompress(chunks[b"IDAT"])
    low, high = int.from_bytes(b"\x7f" * stride, "big"), int.from_bytes(b"\x80" * stride, "big")
    previous, rows = bytes(stride), []
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], raw[start + 1 : start + 1 + stride]
        if kind == 1:  # Sub: a running sum per channel
            out = bytearray(stride)
            for c in range(bpp):
                out[c::bpp] = bytes(accumulate(line[c::bpp], lambda a, b: (a + b) & 255))
            line = bytes(out)
        elif kind == 2:  # Up: byte-wise addition without carries, on whole rows at once
            x, p = int.from_bytes(line, "big"), int.from_bytes(previous, "big")
            line = (((x & low) + (p & low)) ^ ((x ^ p) & high)).to_bytes(stride, "big")
        elif kind in (3, 4):  # Average, Paeth: each byte needs the decoded one to its left
            out = bytearray(line)
            for i in range(stride):
                a = out[i - bpp] if i >= bpp else 0
                b = previous[i]
                if kind == 3:
                    out[i] = (out[i] + (a + b) // 2) & 255
                    continue
                c = previous[i - bpp] if i >= bpp else 0
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                out[i] = (out[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            line = bytes(out)
        previous = line
        rows.append(line if bpp == 3 else bytes(v for i, v in enumerate(line) if i % 4 != 3))
    return width, height, rows


def test_html_in_headless_chromium(owl: Plan, tmp_path: Path) -> None:
    chromium()
    page = tmp_path / "programme.html"
    page.write_bytes(render(owl, "html", RenderOptions()))  # type: ignore[arg-type]
    url = page.as_uri()

    pdf = tmp_path / "p.pdf"
    run_chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", url)
    data = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
    assert data.startswith(b"%PDF") and len(data) > 50_000
    assert pages >= len(owl.tracks) + 2  # a cover, a page (or more) per day, a summary

    shot = tmp_path / "s.png"
    run_chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,1600", url)
    width, height, rows = png_pixels(shot.read_bytes())
    assert (width, height) == (1200, 1600)
    colours = {row[i : i + 3] for row in rows[::4] for i in range(0, len(row), 12)}
    assert len(colours) > 50, "the screenshot is blank"
    for kind in ("visit", "lunch", "travel"):  # day 1 has these three on its timeline
        wanted = bytes.fromhex(PALETTE[kind][0][1:])
        assert any(all(abs(a - b) <= 3 for a, b in zip(c, wanted, strict=True)) for c in colours)

    dom = run_chromium(tmp_path, "--dump-dom", url).stdout.decode("utf-8")
    text = Page(dom).text
    for day in build(owl, RenderOptions()).days:
        assert day.heading in text
