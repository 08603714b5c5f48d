"""Languages: every catalogue is complete in en, de and fr, dates come out the way each language
writes them, and no German or French output carries an English label."""

from __future__ import annotations

import datetime as dt
import html.parser
import importlib
import io
import re
from pathlib import Path

import pytest

from itinerary.plan import Cause, Plan, Unscheduled
from itinerary.plan.reasons import TEMPLATES, reason_in, word_cause
from itinerary.render import FORMATS, RenderOptions, render
from itinerary.render.i18n import LABELS, LANGUAGES, Words

GOLDEN = Path(__file__).resolve().parent / "golden"
# json is data, not labels; meetings needs a plan with matchmaking (tests/test_match_cli.py),
# members a plan with members (tests/test_groups_export.py)
RENDERED_FORMATS = [f for f in FORMATS if f not in ("json", "meetings", "members")]


def _catalogues() -> list[tuple[str, dict]]:
    found = [("i18n.LABELS", LABELS), ("reasons.TEMPLATES", TEMPLATES)]
    for fmt in FORMATS.values():
        module = importlib.import_module(fmt.module)
        texts = getattr(module, "TEXTS", None)
        if texts is not None:
            found.append((fmt.module, texts))
    return found


@pytest.mark.parametrize(("name", "catalogue"), _catalogues())
def test_every_catalogue_has_the_same_keys_in_every_language(name: str, catalogue: dict) -> None:
    assert set(catalogue) == set(LANGUAGES), name
    keys = set(catalogue["en"])
    for lang in LANGUAGES:
        assert set(catalogue[lang]) == keys, (name, lang, set(catalogue[lang]) ^ keys)
        assert all(isinstance(v, str) and v for v in catalogue[lang].values()), (name, lang)


@pytest.mark.parametrize(
    ("lang", "long", "medium"),
    [
        ("en", "Tuesday, 24 May 2016", "24 May 2016"),
        ("de", "Dienstag, 24. Mai 2016", "24.05.2016"),
        ("fr", "mardi 24 mai 2016", "24 mai 2016"),
    ],
)
def test_dates_are_written_as_each_language_writes_them(lang: str, long: str, medium: str) -> None:
    w = Words(lang)  # type: ignore[arg-type]
    day = dt.date(2016, 5, 24)
    assert w.long_date(day) == long
    assert w.medium_date(day) == medium


def test_causes_are_worded_in_each_language() -> None:
    clash = Cause(
        code="event_conflict", args={"events": [["fair", "2016-05-24"], ["gala", "2016-05-25"]]}
    )
    # A plan of an older version: event ids only; the dates are still the language's.
    assert word_cause(clash) == (
        "conflicts with fair on Tuesday, 24 May 2016 and gala on Wednesday, 25 May 2016"
    )
    named = clash.model_copy(
        update={
            "args": {
                **clash.args,
                "names": [["Fachmesse", "2016-05-24"], ["Galadiner", "2016-05-25"]],
            }
        }
    )
    assert word_cause(named, "de") == (
        "überschneidet sich mit Fachmesse am Dienstag, 24. Mai 2016 und Galadiner am "
        "Mittwoch, 25. Mai 2016"
    )
    assert word_cause(named, "fr") == (
        "en conflit avec Fachmesse le mardi 24 mai 2016 et Galadiner le mercredi 25 mai 2016"
    )
    crowded = Cause(code="crowded_out", args={"priority": 30})
    assert word_cause(crowded, "fr") == (
        "écarté au profit de visites plus prioritaires (priorité 30)"
    )


def test_a_plan_without_causes_keeps_its_english_reason() -> None:
    old = Unscheduled(id="x", name="X", priority=5, reason="left out for higher-priority visits")
    assert reason_in(old, "de") == "left out for higher-priority visits"
    unknown = old.model_copy(update={"cause": Cause(code="from_a_newer_version")})
    assert reason_in(unknown, "fr") == old.reason


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        Words("es")  # type: ignore[arg-type]


# --- no English label in German or French output -------------------------------------------------


def _neutral_plan() -> Plan:
    """The golden plan with every piece of user text replaced by a neutral token, so only the
    program's own words are left to inspect (a host called "Event Hall" must not count)."""
    import json

    data = json.loads((GOLDEN / "limoges-plan.json").read_text(encoding="utf-8"))
    counter = iter(range(10**6))

    def scrub(node: object, key: str = "") -> object:
        if isinstance(node, dict):
            return {k: scrub(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [scrub(v, key) for v in node]
        user_text = {
            "name",
            "place",
            "address",
            "from_name",
            "to_name",
            "reason",
            "organisation",
            "role",
            "topics",
            "notes",
            "message",
            "venue",
            "salutation",
            "email",
            "phone",
        }
        if isinstance(node, str) and key in user_text:
            return f"Q{next(counter)}"
        return node

    return Plan.model_validate(scrub(data))


class _Text(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._skip += tag in ("style", "script")
        self.parts += [v for k, v in attrs if k in ("title", "alt", "aria-label") and v]

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _visible_text(fmt: str, content: bytes | dict[str, bytes]) -> str:
    """What a reader sees: not file-format keywords (VEVENT, <div class=…>, sheet XML)."""
    if isinstance(content, dict):
        return "\n".join(
            _visible_text("ics" if name.endswith(".ics") else "md", data)
            for name, data in sorted(content.items())
        )
    if fmt == "html":
        parser = _Text()
        parser.feed(content.decode("utf-8"))
        return "\n".join(parser.parts)
    if fmt == "ics":
        import icalendar

        calendar = icalendar.Calendar.from_ical(content)
        return "\n".join(
            str(component[prop])
            for component in calendar.walk()
            for prop in ("SUMMARY", "DESCRIPTION", "LOCATION", "X-WR-CALNAME", "COMMENT")
            if prop in component
        )
    if fmt == "xlsx":
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(content))
        cells = [book.sheetnames]
        for sheet in book.worksheets:
            cells += [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
        return "\n".join(map(str, cells))
    return content.decode("utf-8-sig")


def _english_labels(lang: str) -> set[str]:
    labels = set()
    for _, catalogue in _catalogues():
        for key, english in catalogue["en"].items():
            translated = catalogue[lang][key]
            if english != translated:
                # A template like "{score} of {max_score}" is checked by its words.
                labels |= {w for w in re.split(r"\{[^}]*\}", english) if _words_in(w)}
    return {label.strip() for label in labels if label.strip()}


def _words_in(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-zÀ-ÿ'’-]+", text))


@pytest.mark.parametrize("lang", ["de", "fr"])
@pytest.mark.parametrize("fmt", RENDERED_FORMATS)
def test_no_english_label_in_german_or_french_output(fmt: str, lang: str) -> None:
    plan = _neutral_plan()
    text = _visible_text(fmt, render(plan, fmt, RenderOptions(lang=lang)))  # type: ignore[arg-type]
    translated_words = _words_in(" ".join(c[lang][k] for _, c in _catalogues() for k in c[lang]))
    leaks = []
    for label in _english_labels(lang):
        words = _words_in(label)
        # Words the translation uses too ("Programme", "Date", "Type", "optimal") are not leaks.
        if words and words <= translated_words:
            continue
        pattern = r"(?<![A-Za-zÀ-ÿ])" + re.escape(label) + r"(?![A-Za-zÀ-ÿ])"
        if re.search(pattern, text):
            leaks.append(label)
    assert leaks == [], f"English labels in {fmt}/{lang}: {sorted(leaks)}"


@pytest.mark.parametrize("fmt", RENDERED_FORMATS)
def test_english_output_uses_english_labels(fmt: str) -> None:
    """The check above must be able to fail: English output does contain the English words."""
    plan = _neutral_plan()
    text = _visible_text(fmt, render(plan, fmt, RenderOptions(lang="en")))
    assert re.search(r"\b(Visit|Lunch|Travel)\b", text), fmt


@pytest.mark.parametrize(
    ("lang", "counts"),
    [
        ("en", ["0 people", "1 person", "2 people", "21 people"]),
        ("de", ["0 Personen", "1 Person", "2 Personen", "21 Personen"]),
        ("fr", ["0 personne", "1 personne", "2 personnes", "21 personnes"]),  # 0 is singular
    ],
)
def test_counts_follow_each_languages_plural_rule(lang: str, counts: list[str]) -> None:
    w = Words(lang)  # type: ignore[arg-type]
    assert [w.count(n, "person", "people") for n in (0, 1, 2, 21)] == counts


@pytest.mark.parametrize(
    ("lang", "fmt", "one"),
    [("en", "md", "1 person"), ("de", "md", "1 Person"), ("fr", "html", "1 personne")],
)
def test_a_delegation_of_one_is_one_person_in_every_export(
    lang: str, fmt: str, one: str, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from itinerary.cli import app

    data = (GOLDEN / "limoges-plan.json").read_text(encoding="utf-8")
    plan = Plan.from_json(data)
    single = plan.model_copy(update={"delegation": plan.delegation.model_copy(update={"size": 1})})
    saved = tmp_path / "plan.json"
    saved.write_text(single.to_json(), encoding="utf-8")
    result = CliRunner().invoke(
        app, ["export", str(saved), "-f", fmt, "--lang", lang, "--out", "-"]
    )
    assert result.exit_code == 0, result.output
    assert one in result.stdout
    assert f"1 {Words(lang)['people']}" not in result.stdout  # type: ignore[arg-type]
    hosts = tmp_path / "hosts"
    result = CliRunner().invoke(app, ["export", str(saved), "-f", "hosts", "--out", str(hosts)])
    assert result.exit_code == 0, result.output
    letters = [p.read_text(encoding="utf-8") for p in hosts.glob("*.md")]
    assert letters and all("1 people" not in t and "1 Personen" not in t for t in letters)
    assert all(re.search(r"1 (person|Person|personne)\b", t) for t in letters)


def test_french_elides_de_before_a_name_that_begins_with_a_vowel() -> None:
    """The words say "de {name}"; filled with a name that begins with a vowel, French writes
    "d’": "Planning de rendez-vous d’Isabelle Moreau", but "… de Marie Dubois"; other languages
    and other words are left as they are."""
    from itinerary.render.i18n import fill
    from itinerary.render.meetings import MEETING_LABELS

    fr = Words("fr", MEETING_LABELS)
    assert fr.fmt("m_schedule_for", name="Isabelle Moreau") == (
        "Planning de rendez-vous d’Isabelle Moreau"
    )
    assert (
        fr.fmt("m_schedule_for", name="Marie Dubois") == "Planning de rendez-vous de Marie Dubois"
    )
    assert fr.fmt("m_schedule_for", name="Émile Roux").endswith("d’Émile Roux")
    assert fill("après la fin de {frm} à {left}", "fr", {"frm": "IEM", "left": "14:00"}) == (
        "après la fin d’IEM à 14:00"
    )
    assert fill("Plan de {name}", "de", {"name": "Anna"}) == "Plan de Anna"
    assert fill("la liste de {names}", "fr", {"names": ""}) == "la liste de "
