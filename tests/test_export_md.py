"""The Markdown programme: sections and tables per day, escaping checked by rendering the
Markdown with a CommonMark parser (markdown-it, which rich already installs), languages,
audiences and a golden file."""

from __future__ import annotations

import html
import json
import re

import pytest
from conftest import GOLDEN, assert_golden
from markdown_it import MarkdownIt

from itinerary.plan import Plan
from itinerary.render import RenderOptions, render
from itinerary.render.i18n import LABELS, Words
from itinerary.render.md_export import md


def md_of(plan: Plan, **options: str) -> str:
    content = render(plan, "md", RenderOptions(**options))
    assert isinstance(content, bytes)
    return content.decode("utf-8")


def as_html(markdown: str) -> str:
    """What GitHub would show, near enough: CommonMark with tables and strikethrough."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)


def tables(rendered: str) -> list[list[list[str]]]:
    """Each table as rows of cell contents (header row included)."""
    found = []
    for table in re.findall(r"<table>.*?</table>", rendered, flags=re.S):
        rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)
        found.append([re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S) for row in rows])
    return found


@pytest.mark.parametrize("example", ["owl", "limoges"])
def test_examples_render_a_section_and_a_table_per_day(
    example: str, request: pytest.FixtureRequest
) -> None:
    plan: Plan = request.getfixturevalue(example)
    text = md_of(plan)
    w = Words(plan.trip.language)
    assert text.startswith(f"# {plan.trip.name}\n")
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    expected = [f"{w['day']} {n} — {w.day_title(t)}" for n, t in enumerate(plan.tracks, 1)]
    assert headings[: len(plan.tracks)] == expected
    assert headings[len(plan.tracks)] == w["summary"]
    rendered = as_html(text)
    found = tables(rendered)
    assert len(found) == len(plan.tracks) + (1 if plan.unscheduled else 0)
    for table, track in zip(found, plan.tracks, strict=False):
        assert len(table) == 1 + len(track.items)
        assert all(len(row) == 5 for row in table)
    for visit in plan.visits():
        assert f"{visit.start:%H:%M}–{visit.end:%H:%M}" in text
        assert html.escape(visit.name, quote=False) in rendered


HOSTILE = (
    "<script>alert(1)</script> | *bold* _it_ [link](http://x) ![img](y) `code` ~~gone~~ "
    "$x$ # not a heading &amp; \\ back\nsecond line"
)


def hostile(plan: Plan) -> Plan:
    data = json.loads(plan.to_json())
    data["trip"]["name"] = "# " + HOSTILE
    for track in data["tracks"]:
        track["notes"] = [HOSTILE]
        for item in track["items"]:
            if item["type"] in ("visit", "event"):
                item["name"] = HOSTILE
                item["address"] = "a | b\r\nc"
            if item["type"] == "travel":
                item["to_name"] = "=HYPERLINK(\"http://x\") | '+1'"
    for left in data["unscheduled"]:
        left["name"] = HOSTILE
        left["reason"] = "<b>x</b> | y"
    return Plan.model_validate(data)


def test_hostile_text_shows_as_written_and_keeps_the_tables(limoges: Plan) -> None:
    plan = hostile(limoges)
    text = md_of(plan)
    rendered = as_html(text)
    tags = set(re.findall(r"</?([a-z0-9]+)", rendered))
    # Our own markup only: no script, link, image, code, strikethrough or heading from user text.
    assert tags <= {"h1", "h2", "p", "strong", "em", "ul", "li", "table", "thead", "tbody"} | {
        "tr",
        "th",
        "td",
        "br",
        "blockquote",
    }
    assert rendered.count("<h1>") == 1
    assert rendered.count("<h2>") == len(plan.tracks) + 2
    shown = html.unescape(rendered)
    assert HOSTILE.replace("\n", "<br>") in shown  # in the table cells, as written
    assert HOSTILE.replace("\n", " ") in shown  # in headings and notes, on one line
    found = tables(rendered)
    assert len(found) == len(plan.tracks) + 1
    assert all(len(row) == 5 for table in found[:-1] for row in table)
    assert all(len(row) == 3 for row in found[-1])


def test_md_escapes_what_markdown_would_read() -> None:
    assert md("a|b*c_d") == r"a\|b\*c\_d"
    assert md("[x](y) `z` ~s~ $m$ #h <t> \\") == r"\[x\](y) \`z\` \~s\~ \$m\$ \#h \<t\> \\"
    assert md("&amp; &#169; &#x41;") == r"\&amp; &\#169; &\#x41;"
    assert md("R&D and A & B") == "R&D and A & B"  # no entity: left readable
    assert md("one\r\ntwo\x00", cell=True) == "one<br>two"
    assert md("one\ntwo") == "one two"


def test_german_and_french_use_their_dates_and_labels(owl: Plan) -> None:
    for lang, date in (("de", "Dienstag, 24. Mai 2016"), ("fr", "mardi 24 mai 2016")):
        text = md_of(owl, lang=lang)
        labels = LABELS[lang]
        assert date in text
        header = f"| {labels['time']} | {labels['what']} | {labels['where']} |"
        assert text.count(header) == len(owl.tracks)
        assert f"| {LABELS['en']['time']} |" not in text


def test_the_delegation_does_not_see_what_was_left_out(limoges: Plan) -> None:
    assert limoges.unscheduled
    organiser, delegation = md_of(limoges), md_of(limoges, audience="delegation")
    w = Words(limoges.trip.language)
    for left in limoges.unscheduled:
        assert md(left.name) in organiser and md(w.reason(left)) in organiser
        assert md(left.name) not in delegation and md(w.reason(left)) not in delegation
    assert f"## {w['unscheduled']}" in organiser and w["unscheduled"] not in delegation
    assert f"**{w['score']}**" in organiser and w["score"] not in delegation


def test_output_is_deterministic_and_matches_the_golden_file() -> None:
    """Review a diff here like code; regenerate with UPDATE_GOLDEN=1 when it is intended."""
    plan = Plan.from_json((GOLDEN / "limoges-plan.json").read_bytes())
    content = render(plan, "md", RenderOptions())
    assert content == render(plan, "md", RenderOptions())
    assert_golden("limoges-programme.md", content)  # type: ignore[arg-type]
