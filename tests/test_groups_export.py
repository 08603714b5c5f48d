"""Everything printed and exported knows the delegation's groups (issue 20): the terminal and
the HTML programme put a date's groups side by side, `export --format members` writes each
member's own programme and calendar, the host letters say which group comes (and, with
`--visitor-list`, who), and the tables and calendars name the group of each row.

The plan is tests/good/limoges-groups-plan.json, made by hand from the Limoges plan (format
1.4): on 9 April the groups "ceramics" (Céramiques techniques, 3) and "photonics" (Photonique et
lasers, 3) tour apart and both visit KREON; on 10 April both attend the symposium and the
brokerage (with one-to-one meetings) and only ceramics the reception; on 11 April the whole
delegation travels together. Plans without groups render as before: the other golden files.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from conftest import GOLDEN, assert_golden
from icalendar import Calendar
from rich.console import Console
from typer.testing import CliRunner

from itinerary.cli import app
from itinerary.plan import Plan
from itinerary.render import RenderOptions, render
from itinerary.render.terminal import print_plan

GROUPS_PLAN = Path(__file__).resolve().parent / "good" / "limoges-groups-plan.json"
runner = CliRunner()


@pytest.fixture(scope="module")
def plan() -> Plan:
    return Plan.from_json(GROUPS_PLAN.read_bytes())


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    path = tmp_path / "plan.json"
    path.write_bytes(GROUPS_PLAN.read_bytes())
    return path


def printed(plan: Plan, width: int, lang: str | None = None, legs: bool = False) -> str:
    console = Console(file=io.StringIO(), width=width, force_terminal=False, color_system=None)
    print_plan(plan, console, lang, legs)  # type: ignore[arg-type]
    return console.file.getvalue()  # type: ignore[attr-defined]


def files_of(content: bytes | dict[str, bytes]) -> dict[str, bytes]:
    assert isinstance(content, dict)
    return content


def test_the_fixture_is_a_plan_with_groups(plan: Plan) -> None:
    assert plan.format == "itinerary-plan/1.4" and plan.split
    assert [(t.date.isoformat(), t.group) for t in plan.tracks] == [
        ("2008-04-09", "ceramics"),
        ("2008-04-09", "photonics"),
        ("2008-04-10", "ceramics"),
        ("2008-04-10", "photonics"),
        ("2008-04-11", "all"),
    ]


# --- terminal ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("width", "lang", "golden_name"),
    [
        (100, "en", "limoges-groups-plan.100.txt"),
        (100, None, "limoges-groups-plan.100.fr.txt"),
        (80, "de", "limoges-groups-plan.80.de.txt"),
    ],
)
def test_terminal_tables_match_the_golden_file(
    plan: Plan, width: int, lang: str | None, golden_name: str
) -> None:
    """Review a diff here like code: at 100 columns a split date is one table with a column
    per group; at 80 each group's table, titled with its name, one below the other."""
    text = printed(plan, width, lang)
    assert all(len(line) <= width for line in text.splitlines())
    assert_golden(golden_name, text)


def test_at_100_columns_the_groups_are_side_by_side(plan: Plan) -> None:
    text = printed(plan, 100, "en")
    heads = [line for line in text.splitlines() if "Céramiques techniques (3 people)" in line]
    # The two groups' names head the two columns of one table, on one line, on both dates.
    assert len(heads) == 2
    assert all("Photonique et lasers (3 people)" in line for line in heads)
    # The together date keeps the usual table (its Where column).
    friday = text[text.index("Friday, 11 April 2008") :]
    assert "┃ Where" in friday.splitlines()[2]


def test_too_narrow_for_columns_each_group_gets_a_titled_table(plan: Plan) -> None:
    text = printed(plan, 80, "en")
    for title in (
        "Wednesday, 9 April 2008 — Céramiques techniques (3 people)",
        "Wednesday, 9 April 2008 — Photonique et lasers (3 people)",
        "Thursday, 10 April 2008 — Photonique et lasers (3 people)",
    ):
        assert title in text
    assert "Friday, 11 April 2008 — " not in text  # together: as without groups


def test_legs_name_each_groups_table_and_what_was_left_out_names_the_group(plan: Plan) -> None:
    text = printed(plan, 100, "en", legs=True)
    assert "Wednesday, 9 April 2008 — Photonique et lasers (3 people)" in text
    left = text[text.rindex("┃ Id") :]
    assert "┃ Group" in left.splitlines()[0]
    assert "│ Photonique et lasers  │" in left


# --- html / md ---------------------------------------------------------------------------------


def test_html_matches_the_golden_file(plan: Plan) -> None:
    page = render(plan, "html", RenderOptions())
    assert page == render(plan, "html", RenderOptions())
    assert_golden("limoges-groups-programme.html", page)  # type: ignore[arg-type]


def test_md_matches_the_golden_file(plan: Plan) -> None:
    assert_golden("limoges-groups-programme.md", render(plan, "md", RenderOptions()))  # type: ignore[arg-type]


def test_html_has_a_column_and_a_timeline_lane_per_group(plan: Plan) -> None:
    page = render(plan, "html", RenderOptions(lang="en"))
    assert isinstance(page, bytes)
    text = page.decode("utf-8")
    sections = re.findall(r'<section class="sheet day[^"]*" id="day-(\d+)"', text)
    assert sections == ["1", "2", "3"]  # a sheet per date, numbered by date
    assert text.count('<div class="groups" style="--groups: 2">') == 2
    assert text.count('<svg class="timeline lanes"') == 2
    assert text.count('<svg class="timeline"') == 1  # the together date: as without groups
    for day in re.split(r'<section class="sheet day', text)[1:3]:
        lanes = re.findall(
            r'<g class="lane"><text[^>]*>([^<]*)</text><text[^>]*>([^<]*)</text>', day
        )
        assert lanes == [
            ("Céramiques techniques", "3 people"),
            ("Photonique et lasers", "3 people"),
        ]
        heads = re.findall(r'<div class="group-head"><h3>([^<]*)</h3>', day)
        assert heads == ["Céramiques techniques", "Photonique et lasers"]
    # The cover lists the groups, and a line per group on the dates they split.
    cover = text[: text.index('<section class="sheet day')]
    assert "Céramiques techniques (3 people)<br>Photonique et lasers (3 people)" in cover
    assert cover.count('<span class="group-name">') == 4


def test_the_joint_event_is_at_one_time_in_both_lanes(plan: Plan) -> None:
    """Both groups' symposium bars start at the same x: the lanes share one hour axis."""
    page = render(plan, "html", RenderOptions(lang="en"))
    assert isinstance(page, bytes)
    day2 = page.decode("utf-8").split('id="day-2"')[1].split("</svg>")[0]
    xs = re.findall(
        r'<rect x="([\d.]+)" y="[\d.]+" width="[\d.]+" height="40.0" rx="3" fill="#e07b24"', day2
    )
    # ceramics: symposium, brokerage, reception; photonics: symposium, brokerage
    assert len(xs) == 5 and xs[:2] == xs[3:]


def test_html_groups_side_by_side_in_headless_chromium(plan: Plan, tmp_path: Path) -> None:
    """The page as a browser draws it: the two groups' heads (their accent bar) side by side
    on one band of the screenshot."""
    from test_export_html import chromium, png_pixels, run_chromium

    chromium()
    page = tmp_path / "programme.html"
    page.write_bytes(render(plan, "html", RenderOptions()))  # type: ignore[arg-type]
    shot = tmp_path / "s.png"
    run_chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,2400", page.as_uri())
    width, _, rows = png_pixels(shot.read_bytes())
    accent = bytes.fromhex("1f4e79")

    def is_accent(row: bytes, x: int) -> bool:
        return all(abs(a - b) <= 3 for a, b in zip(row[3 * x : 3 * x + 3], accent, strict=True))

    # A row where a 5-pixel accent bar stands in both the left and the right half.
    bars = [
        y
        for y, row in enumerate(rows)
        if any(all(is_accent(row, x + i) for i in range(5)) for x in range(40, width // 2, 2))
        and any(
            all(is_accent(row, x + i) for i in range(5)) for x in range(width // 2, width - 60, 2)
        )
    ]
    assert len(bars) > 10, "no two group heads side by side"


# --- members ---------------------------------------------------------------------------------


def test_members_export_writes_a_page_and_a_calendar_per_member(
    saved: Path, tmp_path: Path
) -> None:
    out = tmp_path / "members"
    result = runner.invoke(
        app, ["export", str(saved), "-f", "members", "-o", str(out), "--unchecked"]
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    ids = ["hartmann", "keller", "lange", "vogel", "weber", "zimmer"]
    assert names == sorted([f"{i}.html" for i in ids] + [f"{i}.ics" for i in ids])
    assert f"wrote {out}/ (12 files)" in result.stderr


def test_a_member_sees_exactly_their_groups_days_and_their_meetings(plan: Plan) -> None:
    files = files_of(render(plan, "members", RenderOptions()))
    keller = files["keller.html"].decode("utf-8")  # ceramics, French
    assert '<html lang="fr">' in keller and "Programme d’Andreas Keller" in keller
    assert "Votre groupe\u202f: Céramiques techniques (3 personnes)" in keller
    for seen in ("CeRAMPilot", "KREON Technologies", "Réception des délégations", "Ceradrop"):
        assert seen in keller
    for unseen in ("ELOPSYS", "CILAS – céramiques optiques", "Photonique et lasers"):
        assert unseen not in keller
    assert "— avec le groupe Céramiques techniques" in keller
    assert "— avec toute la délégation" in keller
    # Only his own meetings: Keller meets at the ceramics table; Hartmann's are not his.
    assert "Vos rendez-vous à Brokerage event" in keller
    own = [m for e in plan.matchmaking_events() for m in e.meetings or [] if "keller" in m.with_]
    assert keller.count("<td>Table ") == len(own) > 0
    vogel = files["vogel.html"].decode("utf-8")  # photonics, German
    assert '<html lang="de">' in vogel and "Programm von Katharina Vogel" in vogel
    assert "ELOPSYS" in vogel and "CeRAMPilot" not in vogel and "Réception" not in vogel
    assert "Mittwoch, 9. April 2008" in vogel
    weber = files["weber.html"].decode("utf-8")  # English
    assert "Programme of Ralf Weber" in weber and "Wednesday, 9 April 2008" in weber
    lange = files["lange.html"].decode("utf-8")  # no language: the trip's (French)
    assert '<html lang="fr">' in lange


def test_a_members_calendar_holds_their_items_and_meetings(plan: Plan) -> None:
    files = files_of(render(plan, "members", RenderOptions(lang="en")))
    cal = Calendar.from_ical(files["keller.ics"])
    events = [c for c in cal.walk("VEVENT")]
    summaries = [str(e["SUMMARY"]) for e in events]
    assert "Visit: CeRAMPilot (Céramiques techniques)" in summaries
    assert "Visit: Ceradrop" in summaries  # the together date
    assert not any("ELOPSYS" in s for s in summaries)
    meetings = [s for s in summaries if s.startswith("Meets")]
    own = [m for e in plan.matchmaking_events() for m in e.meetings or [] if "keller" in m.with_]
    assert len(meetings) == len(own) > 0
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids))
    starts = [e.decoded("DTSTART") for e in events]
    assert starts == sorted(starts)


def test_members_pages_render_hostile_names_as_text(plan: Plan) -> None:
    member = plan.delegation.members[0]  # type: ignore[index]
    bad = member.model_copy(update={"name": "<script>x</script>", "organisation": "<b>o</b>"})
    hostile = plan.model_copy(
        update={"delegation": plan.delegation.model_copy(update={"members": [bad]})}
    )
    page = files_of(render(hostile, "members", RenderOptions()))[f"{member.id}.html"]
    assert b"<script>x" not in page and b"&lt;script&gt;x" in page and b"<b>o" not in page


def test_members_of_a_plan_without_members_is_refused_in_one_line(tmp_path: Path) -> None:
    plain = tmp_path / "plan.json"
    plain.write_bytes((GOLDEN / "limoges-plan.json").read_bytes())
    out = tmp_path / "members"
    result = runner.invoke(app, ["export", str(plain), "-f", "members", "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: the plan lists no members to write programmes for (add delegation.members, "
        "each with a group, to the visit file and plan again)"
    ]
    assert not out.exists()


def test_plan_export_members_of_a_visit_without_members_is_refused_before_planning(
    tmp_path: Path,
) -> None:
    """`plan --export members` tells at once, not after a planning run and the plan's JSON."""
    visit = tmp_path / "visit.yaml"
    visit.write_bytes(
        (
            Path(__file__).resolve().parent.parent / "examples" / "limoges-symposium.yaml"
        ).read_bytes()
    )
    out = tmp_path / "plan.json"
    result = runner.invoke(app, ["plan", str(visit), "--export", "members", "--json", str(out)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {visit} lists no members in groups to write programmes for (add "
        "delegation.members, each with a group, to the visit file)"
    ]
    assert result.stdout == "" and not out.exists() and not (tmp_path / "visit-members").exists()


def test_members_never_overwrites_without_force(saved: Path, tmp_path: Path) -> None:
    out = tmp_path / "members"
    args = ["export", str(saved), "-f", "members", "-o", str(out), "--unchecked"]
    assert runner.invoke(app, args).exit_code == 0
    before = (out / "keller.html").read_bytes()
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "is not empty; use --force" in result.stderr
    (out / "notes.txt").write_text("mine")
    result = runner.invoke(app, [*args, "--force"])
    assert result.exit_code == 2 and "notes.txt, which no members export writes" in result.stderr
    (out / "notes.txt").unlink()
    result = runner.invoke(app, [*args, "--force", "--lang", "de"])
    assert result.exit_code == 0, result.output
    assert (out / "keller.html").read_bytes() != before
    assert '<html lang="de">' in (out / "keller.html").read_text(encoding="utf-8")


def test_members_default_folder_is_beside_the_plan(saved: Path) -> None:
    result = runner.invoke(app, ["export", str(saved), "-f", "members", "--unchecked"])
    assert result.exit_code == 0, result.output
    assert (saved.parent / "plan-members" / "vogel.ics").exists()


# --- host letters ----------------------------------------------------------------------------


def test_a_host_two_groups_visit_gets_both_visits_in_one_letter(plan: Plan) -> None:
    files = files_of(render(plan, "hosts", RenderOptions(lang="en")))
    letter = files["kreon.md"].decode("utf-8")
    assert "Our delegation will visit you in 2 groups" in letter
    first = letter.index("- **Visitors**: a group of 3 from Photonique et lasers")
    second = letter.index("- **Visitors**: a group of 3 from Céramiques techniques")
    assert letter.index("- **Arrival**: 10:30") < first < letter.index("- **Arrival**: 13:00")
    assert first < second
    assert "Could you please confirm these visits" in letter  # both of them, in the plural
    cal = Calendar.from_ical(files["kreon.ics"])
    events = list(cal.walk("VEVENT"))
    uids = [str(e["UID"]) for e in events]
    assert len(events) == 2 and uids[0].startswith("host-visit-kreon-photonics-")
    assert uids[1].startswith("host-visit-kreon-ceramics-")
    # Stable: the same plan gives the same UIDs, whatever the order of its tracks.
    swapped = plan.model_copy(update={"tracks": [plan.tracks[1], plan.tracks[0], *plan.tracks[2:]]})
    again = files_of(render(swapped, "hosts", RenderOptions(lang="en")))
    assert sorted(
        str(e["UID"]) for e in Calendar.from_ical(again["kreon.ics"]).walk("VEVENT")
    ) == sorted(uids)


@pytest.mark.parametrize(
    ("lang", "one_group", "together"),
    [
        (
            "en",
            "- **Visitors**: a group of 3 from Photonique et lasers",
            "the whole delegation (6 people)",
        ),
        (
            "de",
            "- **Besucher**: eine Gruppe von 3 Personen (Photonique et lasers)",
            "die gesamte Delegation (6 Personen)",
        ),
        (
            "fr",
            "- **Visiteurs**\u202f: un groupe de 3 personnes (Photonique et lasers)",
            "toute la délégation (6 personnes)",
        ),
    ],
)
def test_letters_name_the_visiting_group_and_its_size(
    plan: Plan, lang: str, one_group: str, together: str
) -> None:
    files = files_of(render(plan, "hosts", RenderOptions(lang=lang)))  # type: ignore[arg-type]
    assert one_group in files["elopsys.md"].decode("utf-8")
    assert together in files["ceradrop.md"].decode("utf-8")  # a together date
    assert "Katharina Vogel, Initiative" not in files["elopsys.md"].decode("utf-8")


def test_visitor_list_names_the_members_who_come(saved: Path, tmp_path: Path) -> None:
    out = tmp_path / "hosts"
    args = ["export", str(saved), "-f", "hosts", "-o", str(out), "--unchecked", "--lang", "en"]
    result = runner.invoke(app, [*args, "--visitor-list"])
    assert result.exit_code == 0, result.output
    letter = (out / "elopsys.md").read_text(encoding="utf-8")
    names = letter[letter.index("- **Names of the visitors**:") :].split("\n\n")[0].splitlines()
    assert names[1:] == [
        "  - Katharina Vogel, Initiative Kompetenznetze Deutschland",
        "  - Peter Hartmann, OptecNet Deutschland",
        "  - Susanne Zimmer, Lasertechnik Zimmer GmbH",
    ]
    ceradrop = (out / "ceradrop.md").read_text(encoding="utf-8")  # together: all six
    assert ceradrop.count("\n  - ") == 6
    plain = tmp_path / "plain"
    result = runner.invoke(
        app, ["export", str(saved), "-f", "hosts", "-o", str(plain), "--unchecked"]
    )
    assert result.exit_code == 0
    assert not any("Vogel, Initiative" in p.read_text(encoding="utf-8") for p in plain.iterdir())


def test_visitor_list_is_refused_for_other_formats_and_plans_without_members(
    saved: Path, tmp_path: Path
) -> None:
    result = runner.invoke(
        app, ["export", str(saved), "-f", "html", "-o", str(tmp_path / "p.html"), "--visitor-list"]
    )
    assert result.exit_code == 2
    assert (
        result.stderr.strip() == "error: --visitor-list applies to --format hosts only, not to html"
    )
    plain = tmp_path / "plain.json"
    plain.write_bytes((GOLDEN / "limoges-plan.json").read_bytes())
    result = runner.invoke(
        app, ["export", str(plain), "-f", "hosts", "-o", str(tmp_path / "h"), "--visitor-list"]
    )
    assert result.exit_code == 2
    assert "lists no members of the delegation, so the letters cannot name" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "h").exists()


def test_visitor_list_in_change_letters(saved: Path, tmp_path: Path) -> None:
    plan = Plan.from_json(saved.read_bytes())
    earlier = plan.model_copy(
        update={
            "tracks": [
                t
                if t.group != "photonics" or t.date.day != 9
                else t.model_copy(
                    update={"items": [i for i in t.items if getattr(i, "id", None) != "elopsys"]}
                )
                for t in plan.tracks
            ]
        }
    )
    old = tmp_path / "old.json"
    old.write_text(earlier.to_json(), encoding="utf-8")
    out = tmp_path / "changes"
    result = runner.invoke(
        app,
        [
            "export",
            str(saved),
            "-f",
            "hosts",
            "--changed-since",
            str(old),
            "-o",
            str(out),
            "--unchecked",
            "--visitor-list",
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 0, result.output
    letter = (out / "elopsys.md").read_text(encoding="utf-8")
    assert "- **Names of the visitors**:" in letter and "Peter Hartmann" in letter


def test_visitor_list_in_change_letters_of_a_plan_without_members(tmp_path: Path) -> None:
    """--changed-since refuses --visitor-list as the full export does, before writing."""
    plain = tmp_path / "plain.json"
    plain.write_bytes((GOLDEN / "limoges-plan.json").read_bytes())
    old = tmp_path / "old.json"
    old.write_bytes(plain.read_bytes())
    out = tmp_path / "changes"
    result = runner.invoke(
        app,
        ["export", str(plain), "-f", "hosts", "--changed-since", str(old), "-o", str(out)]
        + ["--unchecked", "--visitor-list"],
    )
    assert result.exit_code == 2
    assert "lists no members of the delegation, so the letters cannot name" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not out.exists()


# --- tables and calendars ------------------------------------------------------------------------


def test_csv_names_the_group_of_every_row(plan: Plan) -> None:
    data = render(plan, "csv", RenderOptions(lang="en"))
    assert isinstance(data, bytes)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    group = header.index("Group")
    assert {r[group] for r in body} == {
        "Céramiques techniques",
        "Photonique et lasers",
        "whole delegation",
    }
    kreon = [
        r[group]
        for r in body
        if r[header.index("Id")] == "kreon" and r[header.index("Type")] == "Visit"
    ]
    assert kreon == ["Céramiques techniques", "Photonique et lasers"]


def test_xlsx_has_a_sheet_per_group_per_day_and_a_group_column(plan: Plan, tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "p.xlsx"
    data = render(plan, "xlsx", RenderOptions(lang="en"))
    assert isinstance(data, bytes)
    path.write_bytes(data)
    book = openpyxl.load_workbook(path)
    facts = {r[0]: r[1] for r in book.worksheets[0].iter_rows(max_row=7, values_only=True)}
    assert facts["Groups"] == "Céramiques techniques (3 people), Photonique et lasers (3 people)"
    titles = book.sheetnames
    # At most 31 characters, as Excel wants: a long group name is cut after a whole word.
    assert titles[1:6] == [
        "2008-04-09 Céramiques…",
        "2008-04-09 Photonique et lasers",
        "2008-04-10 Céramiques…",
        "2008-04-10 Photonique et lasers",
        "2008-04-11",
    ]
    ws = book["2008-04-09 Photonique et lasers"]  # the group column says the whole name
    header = [c.value for c in ws[1]]
    assert header[1] == "Group" and {r[1].value for r in ws.iter_rows(min_row=2)} == {
        "Photonique et lasers"
    }
    left = book["Not in the programme"]
    assert [c.value for c in left[1]][:5] == ["Id", "Name", "Group", "Priority", "Reason"]
    assert [(r[0].value, r[2].value) for r in left.iter_rows(min_row=2)] == [
        ("cerlase", "Céramiques techniques"),
        ("legrand", "Céramiques techniques"),
        ("legrand", "Photonique et lasers"),
    ]
    assert left.column_dimensions["F"].hidden
    assert left["F2"].value == '["left_out", "cerlase", "ceramics"]'


def test_delegation_calendar_says_the_group_of_each_entry(plan: Plan) -> None:
    data = render(plan, "ics", RenderOptions(lang="en"))
    assert isinstance(data, bytes)
    events = list(Calendar.from_ical(data).walk("VEVENT"))
    summaries = [str(e["SUMMARY"]) for e in events]
    assert summaries.count("Visit: KREON Technologies (Céramiques techniques)") == 1
    assert summaries.count("Visit: KREON Technologies (Photonique et lasers)") == 1
    assert "Visit: Ceradrop" in summaries  # together
    symposium = [e for e in events if str(e["SUMMARY"]).startswith("Symposium")]
    assert len(symposium) == 2
    assert all("Group: " in str(e["DESCRIPTION"]) for e in symposium)
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids) and not any("#" in u for u in uids)


def test_md_puts_each_group_under_its_date(plan: Plan) -> None:
    data = render(plan, "md", RenderOptions(lang="en"))
    assert isinstance(data, bytes)
    text = data.decode("utf-8")
    assert "## Day 1 — Wednesday, 9 April 2008\n\n### Céramiques techniques (3 people)\n" in text
    assert "\n### Photonique et lasers (3 people)\n" in text
    assert "## Day 3 — Friday, 11 April 2008\n" in text
    assert "| Legrand – siège et showroom Innoval (Photonique et lasers) |" in text


def test_plans_without_groups_keep_their_golden_files() -> None:
    """The other golden files are the proof; this one names them, so that a change to them
    shows up here too."""
    plain = Plan.from_json((GOLDEN / "limoges-plan.json").read_bytes())
    assert not plain.split
    assert_golden("limoges-programme.html", render(plain, "html", RenderOptions()))  # type: ignore[arg-type]
    assert_golden("limoges-programme.md", render(plain, "md", RenderOptions()))  # type: ignore[arg-type]


# --- xlsx read back ------------------------------------------------------------------------------

MEMBERS_AND_GROUPS = """\
  members:
    - {id: vogel, name: Katharina Vogel, language: de, group: photonics}
    - {id: keller, name: Andreas Keller, language: fr, group: ceramics}

groups:
  - {id: ceramics, name: Céramiques techniques, size: 3, interests: [céramiques techniques]}
  - {id: photonics, name: Photonique et lasers, size: 3, interests: [photonique, lasers]}
"""


def groups_visit_text() -> str:
    """The Limoges trip of the fixture plan with its groups: split on 9 and 10 April, together
    on 11 April."""
    text = (
        Path(__file__).resolve().parent.parent / "examples" / "limoges-symposium.yaml"
    ).read_text(encoding="utf-8")
    text = text.replace(
        '    2008-04-10: {end: "22:00"}',
        '    2008-04-10: {end: "22:00"}\n    2008-04-11: {together: true}',
    )
    return text.replace(
        "  languages: [de, en]\n", "  languages: [de, en]\n" + MEMBERS_AND_GROUPS, 1
    )


def test_an_edited_xlsx_of_a_split_plan_reads_back_into_its_groups_tracks(
    plan: Plan, tmp_path: Path
) -> None:
    import openpyxl

    from itinerary.input.load import load_spec_text
    from itinerary.render.xlsx_export import KEY_HEADER
    from itinerary.render.xlsx_import import read_edited

    loaded = load_spec_text(groups_visit_text(), "visit.yaml")
    path = tmp_path / "plan.xlsx"
    data = render(plan, "xlsx", RenderOptions())
    assert isinstance(data, bytes)
    path.write_bytes(data)
    back = read_edited(path, loaded)

    def shape(p: Plan) -> list[tuple[str, str, list[str]]]:
        return [
            (t.date.isoformat(), t.group, [i.id for i in t.items if i.type in ("visit", "event")])
            for t in p.tracks
        ]

    assert shape(back) == shape(plan)
    assert {(u.id, u.group) for u in back.unscheduled} >= {
        ("cerlase", "ceramics"),
        ("legrand", "photonics"),
    }
    # A host typed in by hand on a group's sheet joins that group's day.
    book = openpyxl.load_workbook(path)
    ws = book[[n for n in book.sheetnames if n.startswith("2008-04-09 Photonique")][0]]
    columns = [c.value for c in ws[1]]
    row = ws.max_row + 1
    values = {"Date": "2008-04-09", "Début": "17:30", "Fin": "18:00", "Identifiant": "legrand"}
    for name, value in values.items():
        ws.cell(row, columns.index(name) + 1, value)
    book.save(path)
    edited = read_edited(path, loaded)
    photonics = next(t for t in edited.tracks if t.group == "photonics" and t.date.day == 9)
    assert "legrand" in [getattr(i, "id", None) for i in photonics.items]
    # A row cut from the other group's sheet of the day and pasted here joins this group too.
    book = openpyxl.load_workbook(path)
    (other,) = [n for n in book.sheetnames if n.startswith("2008-04-09") and "Photonique" not in n]
    source, ws = book[other], book[[n for n in book.sheetnames if n.startswith("2008-04-09 Ph")][0]]
    key_column = [c.value for c in source[1]].index(KEY_HEADER) + 1
    moved = next(
        r
        for r in range(2, source.max_row + 1)
        if str(source.cell(r, key_column).value or "").startswith('["visit"')
    )
    values = [c.value for c in source[moved]]
    source.delete_rows(moved)
    target = ws.max_row + 1
    for column, value in enumerate(values, 1):
        ws.cell(target, column, value)
    book.save(path)
    edited = read_edited(path, loaded)
    ident = json.loads(values[key_column - 1])[1]
    photonics = next(t for t in edited.tracks if t.group == "photonics" and t.date.day == 9)
    assert ident in [getattr(i, "id", None) for i in photonics.items]
    assert all(
        ident not in [getattr(i, "id", None) for i in t.items]
        for t in edited.tracks
        if t.group != "photonics" and t.date.day == 9
    )
    # A row of the whole delegation moved to a date the groups split is refused at its line.
    book = openpyxl.load_workbook(path)
    ws = book["2008-04-11"]
    date_column = [c.value for c in ws[1]].index("Date") + 1
    ws.cell(3, date_column, "2008-04-09")
    book.save(path)
    with pytest.raises(Exception) as refused:
        read_edited(path, loaded)
    assert "the row is of the whole delegation, but on 2008-04-09 the groups tour apart" in str(
        refused.value.issues[0]  # type: ignore[attr-defined]
    )
    assert refused.value.issues[0].line == 3  # type: ignore[attr-defined]


def test_members_cannot_go_to_standard_output(saved: Path) -> None:
    result = runner.invoke(app, ["export", str(saved), "-f", "members", "-o", "-", "--unchecked"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: members cannot be written to standard output; give --out FILE"
    )


def test_a_long_group_name_goes_on_two_lines_beside_its_lane(plan: Plan) -> None:
    groups = plan.delegation.groups or []
    long = groups[0].model_copy(update={"name": "Automatisation et Industrie 4.0"})
    renamed = plan.model_copy(
        update={"delegation": plan.delegation.model_copy(update={"groups": [long, *groups[1:]]})}
    )
    page = render(renamed, "html", RenderOptions(lang="en"))
    assert isinstance(page, bytes)
    lane = page.decode("utf-8").split('<g class="lane">')[1]
    lines = re.findall(r'font-weight="600" fill="#1b1b1b">([^<]*)</text>', lane.split("<line")[0])
    assert lines == ["Automatisation et", "Industrie 4.0"]
