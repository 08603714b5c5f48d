"""Tests for the hardened YAML reader: each PyYAML surprise we handle has a test."""

from __future__ import annotations

import datetime
import math
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from itinerary.errors import InputError, Issue
from itinerary.input import yamlsrc
from itinerary.input.yamlsrc import MAX_BYTES, MAX_DEPTH, YamlDoc, load_yaml, read_yaml_file

F = "plan.yaml"


def issues(source: str | bytes) -> list[Issue]:
    with pytest.raises(InputError) as info:
        load_yaml(source, F)
    return info.value.issues


def one_issue(source: str | bytes) -> Issue:
    found = issues(source)
    assert len(found) == 1, found
    return found[0]


# --- plain data and line numbers -------------------------------------------------------


def test_plain_data_and_lines() -> None:
    doc = load_yaml(
        "# a comment\n"
        "trip:\n"
        "  name: Berlin\n"
        "  days: 3\n"
        "hosts:\n"
        "  - name: Siemens\n"
        "    slots: [1, 2]\n"
        "  - name: SAP\n",
        F,
    )
    assert doc.data == {
        "trip": {"name": "Berlin", "days": 3},
        "hosts": [{"name": "Siemens", "slots": [1, 2]}, {"name": "SAP"}],
    }
    assert doc.lines[()] == 2
    assert doc.lines[("trip",)] == 2
    assert doc.lines[("trip", "name")] == 3
    assert doc.lines[("trip", "days")] == 4
    assert doc.lines[("hosts",)] == 5
    assert doc.lines[("hosts", 0)] == 6
    assert doc.lines[("hosts", 0, "name")] == 6
    assert doc.lines[("hosts", 0, "slots")] == 7
    assert doc.lines[("hosts", 0, "slots", 1)] == 7
    assert doc.lines[("hosts", 1, "name")] == 8


def test_line_of_uses_nearest_existing_parent() -> None:
    doc = load_yaml("trip:\n  name: x\nhosts:\n  - name: a\n    city: b\n", F)
    assert doc.line_of(("hosts", 0, "city")) == 5
    # deeper than the data (e.g. a pydantic loc below a scalar), or a missing key
    assert doc.line_of(("hosts", 0, "city", "zip", 3)) == 5
    assert doc.line_of(("hosts", 0, "missing")) == 4
    assert doc.line_of(("hosts", 7, "name")) == 3
    assert doc.line_of(["trip", "start"]) == 1
    assert doc.line_of(()) == 1
    assert doc.line_of(("nowhere",)) == 1


def test_line_of_without_any_line_is_one() -> None:
    assert YamlDoc(data={}, lines={}).line_of(("a", "b")) == 1


def test_lines_are_read_only() -> None:
    doc = load_yaml("a: 1\n", F)
    with pytest.raises(TypeError):
        doc.lines[("b",)] = 2  # type: ignore[index]


# --- implicit typing ----------------------------------------------------------------------


def test_times_stay_text_not_sexagesimal() -> None:
    doc = load_yaml("a: 09:00\nb: 9:30\nc: 1:20:30\nd: 1:30.5\n", F)
    assert doc.data == {"a": "09:00", "b": "9:30", "c": "1:20:30", "d": "1:30.5"}


def test_dates_and_timestamps_stay_text() -> None:
    doc = load_yaml("a: 2016-05-23\nb: 2016-05-23 10:30\nc: 2016-05-23T10:30:00Z\n", F)
    assert doc.data == {"a": "2016-05-23", "b": "2016-05-23 10:30", "c": "2016-05-23T10:30:00Z"}


def test_booleans_only_true_false() -> None:
    doc = load_yaml("a: [true, True, TRUE, false, False, FALSE, yes, no, on, off, Y, n]\n", F)
    assert doc.data["a"] == [True, True, True, False, False, False] + [
        "yes",
        "no",
        "on",
        "off",
        "Y",
        "n",
    ]
    assert all(type(v) is bool for v in doc.data["a"][:6])


def test_nulls() -> None:
    doc = load_yaml("a: ~\nb: null\nc:\nd: ''\ne: 'null'\n", F)
    assert doc.data == {"a": None, "b": None, "c": None, "d": "", "e": "null"}


def test_numbers() -> None:
    doc = load_yaml(
        "ints: [0, 7, -3, +4, 1_000]\n"
        "floats: [1.5, .5, -.5, 1e3, 2E-2, 1., .inf, -.inf]\n"
        "nan: .nan\n"
        "text: [010, 07, 0x1f, 0b101, 0o7, '12', 1e, ., -]\n",
        F,
    )
    assert doc.data["ints"] == [0, 7, -3, 4, 1000]
    assert all(type(v) is int for v in doc.data["ints"])
    assert doc.data["floats"] == [1.5, 0.5, -0.5, 1000.0, 0.02, 1.0, math.inf, -math.inf]
    assert all(type(v) is float for v in doc.data["floats"])
    assert math.isnan(doc.data["nan"])
    # no octal/hex/binary surprises: a leading zero keeps the text as written
    assert doc.data["text"] == ["010", "07", "0x1f", "0b101", "0o7", "12", "1e", ".", "-"]


def test_equals_sign_is_text() -> None:
    # SafeLoader resolves a bare '=' to tag:yaml.org,2002:value and then cannot construct it
    assert load_yaml("a: =\n", F).data == {"a": "="}


def test_explicit_standard_tags() -> None:
    doc = load_yaml("a: !!str 12\nb: !!int '12'\nc: !!float 1\nd: !!bool 'true'\ne: ! 12\n", F)
    assert doc.data == {"a": "12", "b": 12, "c": 1.0, "d": True, "e": "12"}


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("a: 1\nb: !!int 9:30\n", 2, "'9:30' is not a valid !!int value"),
        ("a: !!bool yes\n", 1, "'yes' is not a valid !!bool value"),
        ("a: !!float abc\n", 1, "'abc' is not a valid !!float value"),
        ("a: !!null x\n", 1, "'x' is not a valid !!null value"),
    ],
)
def test_explicit_tag_with_bad_value(source: str, line: int, message: str) -> None:
    assert one_issue(source) == Issue(F, line, message)


def test_huge_numbers_are_clean_errors() -> None:
    assert one_issue("a: 1\nb: " + "9" * 5000 + "\n") == Issue(
        F, 2, "the number '99999999999999999999'… is too long"
    )
    assert one_issue("a: 1e999\n") == Issue(F, 1, "the number '1e999' is too large")


def test_default_safe_loader_is_not_modified() -> None:
    load_yaml("a: 1\n", F)
    assert yaml.safe_load("a: 9:30\nb: yes\nc: 2016-05-23\n") == {
        "a": 570,
        "b": True,
        "c": datetime.date(2016, 5, 23),
    }


# --- tags ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "line", "tag"),
    [
        ("a: 1\nb: !!python/object/apply:os.system ['ls']\n", 2, "!!python/object/apply:os.system"),
        ("a: !!binary aGVsbG8=\n", 1, "!!binary"),
        ("a:\n  b: !!set {x, y}\n", 2, "!!set"),
        ("a: !foo x\n", 1, "!foo"),
        ("a: !!timestamp 2016-05-23\n", 1, "!!timestamp"),
        ("a: !!omap [x: 1]\n", 1, "!!omap"),
        ("a: !!python/name:os.system\n", 1, "!!python/name:os.system"),
        ("a: !!map [1]\n", 1, "!!map"),
        ("a: !!str [1]\n", 1, "!!str"),
        ("!foo x: 1\n", 1, "!foo"),
        (
            "%TAG !p! tag:yaml.org,2002:python/\n---\na: !p!object/apply:os.system [x]\n",
            3,
            "!!python/object/apply:os.system",
        ),
    ],
)
def test_non_standard_tags_are_refused(source: str, line: int, tag: str) -> None:
    assert one_issue(source) == Issue(F, line, f"tag '{tag}' is not allowed")


def test_python_object_tag_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    source = f'a: !!python/object/apply:os.system ["touch {marker}"]\n'
    assert one_issue(source).message == "tag '!!python/object/apply:os.system' is not allowed"
    assert not marker.exists()


# --- keys -------------------------------------------------------------------------------------


def test_keys_become_the_text_as_written() -> None:
    doc = load_yaml("2016-05-25: a\n1: b\ntrue: c\n1.50: d\n09:00: e\n'x': f\n", F)
    assert doc.data == {
        "2016-05-25": "a",
        "1": "b",
        "true": "c",
        "1.50": "d",
        "09:00": "e",
        "x": "f",
    }
    assert all(type(k) is str for k in doc.data)
    assert doc.lines[("1.50",)] == 4


def test_non_scalar_keys_are_refused() -> None:
    assert one_issue("a: 1\n? [a, b]\n: 1\n") == Issue(F, 2, "a key must be plain text, not a list")
    assert one_issue("? {a: b}\n: 1\n") == Issue(F, 1, "a key must be plain text, not a mapping")


@pytest.mark.parametrize("source", ["~: 1\n", "null: 1\n", "? \n: 1\n", "{? : 1}\n"])
def test_null_keys_are_refused(source: str) -> None:
    assert one_issue(source) == Issue(F, 1, "a key is empty (null); give it a name")


def test_duplicate_keys() -> None:
    source = "trip:\n  x: 1\n  name: a\n  y: 2\n  name: b\n"
    assert one_issue(source) == Issue(F, 5, "duplicate key 'name' (first at line 3)")


def test_duplicate_keys_compare_as_text() -> None:
    assert one_issue("1: a\n'1': b\n") == Issue(F, 2, "duplicate key '1' (first at line 1)")


# --- aliases, anchors, merge keys ---------------------------------------------------------


def test_alias_is_refused() -> None:
    source = "base: &x\n  a: 1\nother:\n  b: *x\n"
    assert one_issue(source) == Issue(
        F, 4, "YAML aliases (*x) are not supported; repeat the value instead"
    )


def test_anchor_alone_is_fine() -> None:
    assert load_yaml("a: &x 1\nb: &y [1]\n", F).data == {"a": 1, "b": [1]}


def test_merge_key_is_refused() -> None:
    assert one_issue("a: 1\n<<: {b: 2}\n") == Issue(
        F, 2, "merge keys (<<) are not supported; repeat the values instead"
    )
    # with an alias the alias is found first, still an InputError
    assert "aliases" in one_issue("a: &x {b: 1}\nc:\n  <<: *x\n").message


def test_quoted_merge_key_is_a_normal_key() -> None:
    assert load_yaml("'<<': 1\n", F).data == {"<<": 1}


def test_billion_laughs_fails_fast() -> None:
    lines = ['lol: &lol "lol"', "lol1: &lol1 [" + ", ".join(["*lol"] * 9) + "]"]
    for i in range(2, 10):
        lines.append(f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * 9) + "]")
    source = "\n".join(lines) + "\n"
    start = time.perf_counter()
    with pytest.raises(InputError) as info:
        load_yaml(source, F)
    assert time.perf_counter() - start < 0.5
    assert info.value.issues == [
        Issue(F, 2, "YAML aliases (*lol) are not supported; repeat the value instead")
    ]


# --- documents and root ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "source", ["", "\n\n", "   \n", "# only a comment\n\n# another\n", "---\n"]
)
def test_empty_file(source: str) -> None:
    assert one_issue(source) == Issue(F, 1, "the file is empty")


def test_empty_bytes_file() -> None:
    assert one_issue(b"") == Issue(F, 1, "the file is empty")


def test_more_than_one_document() -> None:
    assert one_issue("a: 1\nb: 2\n---\nc: 3\n") == Issue(F, 3, "only one YAML document is allowed")
    assert one_issue("---\na: 1\n---\n") == Issue(F, 3, "only one YAML document is allowed")


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("- a\n- b\n", "a list"),
        ("hello\n", "text"),
        ("42\n", "a number"),
        ("1.5\n", "a number"),
        ("true\n", "true/false"),
        ("~\n", "an empty value"),
        ("\n\n[1, 2]\n", "a list"),
    ],
)
def test_root_must_be_a_mapping(source: str, found: str) -> None:
    assert one_issue(source) == Issue(
        F, 1, f"expected a mapping with sections such as trip:, hosts: …, found {found}"
    )


# --- malformed YAML -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "line", "fragment"),
    [
        ("a: 1\nb: c: d\n", 2, "invalid YAML: mapping values are not allowed here"),
        ("a: 1\n  b: 2\n", 2, "invalid YAML: mapping values are not allowed here"),
        ("a: [1, 2\n", 2, "invalid YAML: expected ',' or ']', but got '<stream end>'"),
        ("a: 'x\n\n", 3, "invalid YAML: found unexpected end of stream"),
        ("a: 1\n\tb: 2\n", 2, "invalid YAML: found character '\\t' that cannot start any token"),
        ("a: 1\n- b\n", 2, "invalid YAML:"),
        ("a: 1\n...\nb: 2\n", 3, "invalid YAML: expected '<document start>'"),
    ],
)
def test_malformed_yaml(source: str, line: int, fragment: str) -> None:
    issue = one_issue(source)
    assert issue.line == line
    assert issue.message.startswith(fragment), issue.message
    assert "\n" not in issue.message


def test_malformed_yaml_mentions_where_the_context_started() -> None:
    issue = one_issue("a: 1\nb: 'unterminated\n\n\n")
    assert issue.line == 5
    assert "started at line 2" in issue.message


# --- encoding and characters ----------------------------------------------------------------


def test_bytes_utf8_and_bom() -> None:
    assert load_yaml("a: Zürich\n".encode(), F).data == {"a": "Zürich"}
    assert load_yaml(b"\xef\xbb\xbfa: 1\nb: 2\n", F).data == {"a": 1, "b": 2}
    doc = load_yaml("\ufeffa: 1\nb: 2\n", F)
    assert doc.data == {"a": 1, "b": 2}
    assert doc.lines[("b",)] == 2


def test_bytes_not_utf8() -> None:
    assert one_issue(b"a: 1\nb: 2\nc: \xff\xfe\n") == Issue(F, 3, "the file is not UTF-8 text")
    assert one_issue(b"\xff\xfea\x00:\x00") == Issue(F, 1, "the file is not UTF-8 text")
    assert one_issue("a: 1\nb: é\n".encode("latin-1")) == Issue(F, 2, "the file is not UTF-8 text")


@pytest.mark.parametrize("source", [b"a: 1\nb: x\x00y\n", "a: 1\nb: x\x00y\n", "a: 1\nb: \x07\n"])
def test_control_characters(source: str | bytes) -> None:
    issue = one_issue(source)
    assert issue.line == 2
    assert issue.message.startswith("invalid YAML: character #x")
    assert issue.message.endswith("is not allowed here")


# --- limits ---------------------------------------------------------------------------------


def nested(levels: int) -> str:
    return "a: " + "[" * (levels - 1) + "]" * (levels - 1) + "\n"


def test_nesting_limit() -> None:
    # the root mapping is level 1
    assert load_yaml(nested(MAX_DEPTH), F).data["a"] is not None
    issue = one_issue(nested(MAX_DEPTH + 1))
    assert issue.line == 1
    assert issue.message.startswith("nesting is too deep")


def test_very_deep_nesting_is_fast_and_clean() -> None:
    start = time.perf_counter()
    for source in ["a: " + "[" * 500_000, "a: " + "{a: " * 100_000, "[" * 100_000]:
        assert one_issue(source).message.startswith("nesting is too deep")
    block = "a:\n" + "".join(" " * i + "- \n" for i in range(200))
    assert one_issue(block) == Issue(
        F, MAX_DEPTH + 1, f"nesting is too deep (more than {MAX_DEPTH} levels)"
    )
    assert time.perf_counter() - start < 5


def test_size_limit() -> None:
    big = b"a: " + b"x" * MAX_BYTES + b"\n"
    issue = one_issue(big)
    assert issue.line == 1
    assert issue.message.startswith("the file is too large (")
    assert one_issue(big.decode()).message.startswith("the file is too large (")


def test_size_limit_when_reading_a_file(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * MAX_BYTES + b"\n")
    with pytest.raises(InputError) as info:
        read_yaml_file(path)
    [issue] = info.value.issues
    assert issue.file == str(path)
    assert issue.message.startswith("the file is too large (")


# --- files ------------------------------------------------------------------------------------


def test_read_yaml_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"trip:\n  name: x\n")
    doc = read_yaml_file(path)
    assert doc.data == {"trip": {"name": "x"}}
    assert doc.lines[("trip", "name")] == 2


def test_read_yaml_file_names_the_path_as_given(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("a: 1\na: 2\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_yaml_file(str(path))
    assert info.value.issues == [Issue(str(path), 2, "duplicate key 'a' (first at line 1)")]


def test_read_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(InputError) as info:
        read_yaml_file(path)
    [issue] = info.value.issues
    assert (issue.file, issue.line) == (str(path), 1)
    assert issue.message.startswith("cannot read file: ")


def test_read_a_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_yaml_file(tmp_path)
    assert info.value.issues[0].message.startswith("cannot read file: ")


# --- nothing but InputError escapes -------------------------------------------------------

YAML_PIECES = list("-:?[]{},&*!|>'\"#%@`<= \n\t\r.~_\\") + [
    "a",
    "b",
    "1",
    "0",
    "x: ",
    "- ",
    "  ",
    "é",
    "!!",
    "!!python/object:os.system",
    "---",
    "...",
    "&a ",
    "*a",
    "9:30",
    "\x00",
    "\ufeff",
    "%YAML 1.1\n",
    "%TAG ! !\n",
    "<<: ",
]
YAMLISH = st.lists(st.sampled_from(YAML_PIECES), max_size=60).map("".join)


def check_total(source: str | bytes) -> None:
    try:
        doc = load_yaml(source, F)
    except InputError as error:
        assert error.issues
        for issue in error.issues:
            assert issue.file == F
            assert issue.line >= 1
            assert issue.message and "\n" not in issue.message
        return
    assert isinstance(doc.data, dict)
    assert all(isinstance(k, str) for k in doc.data)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_give_data_or_input_error(source: bytes) -> None:
    check_total(source)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_random_text_gives_data_or_input_error(source: str) -> None:
    check_total(source)


@settings(max_examples=300, deadline=None)
@given(YAMLISH)
def test_yaml_like_text_gives_data_or_input_error(source: str) -> None:
    check_total(source)


# --- libyaml and the pure-Python parser read the same -------------------------------------

ROOT = Path(__file__).resolve().parents[1]
needs_libyaml = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml")


def composed(loader_class: type, source: str) -> tuple[object, dict] | None:
    """(data, lines) as one loader reads `source`, or None if it refuses it."""
    try:
        _, converter, data = yamlsrc._compose(loader_class, source)
    except (yamlsrc._Problem, yaml.YAMLError):
        return None
    return (data, dict(converter.lines)) if isinstance(data, dict) else None


@needs_libyaml
@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "examples").glob("*.yaml")) + sorted((ROOT / "tests").rglob("*.yaml")),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_both_parsers_give_the_same_data_and_lines(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    fast = composed(yamlsrc._FastLoader, text)
    assert fast == composed(yamlsrc._Loader, text)
    if fast is not None:
        doc = load_yaml(text, F)
        assert (doc.data, dict(doc.lines)) == fast


@needs_libyaml
@settings(max_examples=300, deadline=None)
@given(YAMLISH)
def test_both_parsers_agree_on_what_both_accept(source: str) -> None:
    assume("\t" not in source and "\ufeff" not in source)  # these never reach libyaml
    fast, pure = composed(yamlsrc._FastLoader, source), composed(yamlsrc._Loader, source)
    if fast is not None and pure is not None:
        assert fast == pure


@needs_libyaml
def test_text_libyaml_would_read_differently_goes_to_the_pure_python_parser() -> None:
    # libyaml drops a byte-order mark inside the text; texts with tabs are read by the
    # pure-Python parser too, which takes a tab inside a line as libyaml does (below).
    assert load_yaml("a: x\ufeffy\n", F).data == {"a": "x\ufeffy"}


TABS_INSIDE_LINES = [
    "trip:\n  name:\tTest\n",
    "notes: Technikum\tmax. 12 Personen\n",
    "a: [x\t, y]\n",
    "a: {b: c\t}\n",
    "a: [1,\t2]\n",
    "a: x\t# comment\n",
    "a: x \t y\nb: 2\n",
    "a:\n  b: c\td\n",
]


@needs_libyaml
@pytest.mark.parametrize("source", TABS_INSIDE_LINES)
def test_a_tab_inside_a_line_is_white_space_as_yaml_and_libyaml_have_it(source: str) -> None:
    assert load_yaml(source, F).data == yaml.load(source, Loader=yaml.CSafeLoader)


@pytest.mark.parametrize("source", ["a:\n\tb: 1\n", "a:\n  b: 1\n  \tc: 2\n", "a: b\n\t\n"])
def test_a_tab_in_the_indentation_stays_an_error(source: str) -> None:
    assert "'\\t'" in one_issue(source).message


@needs_libyaml
def test_errors_are_worded_by_the_pure_python_parser() -> None:
    source = "a: [1, 2\nb: 3\n"
    assert composed(yamlsrc._FastLoader, source) is None  # libyaml refuses it too
    with pytest.raises(yaml.YAMLError) as pure:
        yamlsrc._compose(yamlsrc._Loader, source)
    issue = one_issue(source)
    assert issue == yamlsrc._yaml_error_issue(F, pure.value, source)


@needs_libyaml
def test_libyaml_reads_what_it_may_and_only_that(monkeypatch: pytest.MonkeyPatch) -> None:
    # The speed-up is only real if ordinary files reach libyaml at all.
    read: list[str] = []

    class Counting(yamlsrc._FastLoader):
        def __init__(self, stream: str) -> None:
            read.append(stream)
            super().__init__(stream)

    monkeypatch.setattr(yamlsrc, "_FAST", Counting)
    example = (ROOT / "examples" / "its-owl-week.yaml").read_text(encoding="utf-8")
    assert load_yaml(example, F).data["trip"]
    assert read == [example]
    assert load_yaml('a: "x\ty"\n', F).data == {"a": "x\ty"}  # a tab both parsers accept
    assert load_yaml("a: x\ufeffy\n", F).data == {"a": "x\ufeffy"}
    assert len(read) == 1
