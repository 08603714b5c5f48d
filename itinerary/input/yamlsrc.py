"""A hardened YAML reader that returns plain data plus the source line of every value.

Why not ``yaml.safe_load``: it silently turns ``09:00`` into 540 (YAML 1.1 base-60),
``no`` into False and ``2016-05-23`` into a date; it expands aliases (the "billion laughs"
bomb); it accepts duplicate keys (the last one wins, silently); and it forgets where each
value came from, so validation errors could not point at a line.  Here the document is
composed node by node with a loader of our own, and only str/int/float/bool/None, lists
and dicts with str keys are ever built.  Every problem becomes an ``InputError``.
The events come from libyaml's parser where PyYAML has it (several times faster on big
trips) and from PyYAML's own otherwise; see ``_parse`` for when each is used.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import (
    AliasEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from itinerary.errors import InputError, Issue

__all__ = [
    "YamlDoc",
    "clean_text",
    "data_path",
    "load_yaml",
    "read_yaml_file",
    "MAX_BYTES",
    "MAX_DEPTH",
]

MAX_BYTES = 2_000_000
"""Inputs larger than this are refused: a programme file is a few kilobytes."""

MAX_DEPTH = 64
"""Deepest allowed nesting of lists/mappings; keeps recursion far from Python's limit."""

_Path = tuple[str | int, ...]

_YAML_TAG_PREFIX = "tag:yaml.org,2002:"
_STR = _YAML_TAG_PREFIX + "str"
_INT = _YAML_TAG_PREFIX + "int"
_FLOAT = _YAML_TAG_PREFIX + "float"
_BOOL = _YAML_TAG_PREFIX + "bool"
_NULL = _YAML_TAG_PREFIX + "null"
_SEQ = _YAML_TAG_PREFIX + "seq"
_MAP = _YAML_TAG_PREFIX + "map"
_MERGE = _YAML_TAG_PREFIX + "merge"

# Implicit typing of plain (unquoted) scalars.  Deliberately narrower than YAML 1.1:
# no base-60 ("9:30" stays text), no octal/hex/binary ("010" stays text), no timestamps
# (pydantic parses dates later), booleans only true/false.  Each pattern must match the
# whole text (BaseResolver uses re.match, hence the explicit anchors).
_NULL_RE = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL_RE = re.compile(r"^(?:[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$")
_INT_RE = re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$")
_FLOAT_RE = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?
          |[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
          |[-+]?\.(?:inf|Inf|INF)
          |\.(?:nan|NaN|NAN))$""",
    re.X,
)
_MERGE_RE = re.compile(r"^<<$")

# Text an explicitly tagged scalar must match (``!!float 1`` is a valid float).
_EXPLICIT_OK: dict[str, tuple[re.Pattern[str], ...]] = {
    _NULL: (_NULL_RE,),
    _BOOL: (_BOOL_RE,),
    _INT: (_INT_RE,),
    _FLOAT: (_FLOAT_RE, _INT_RE),
}


# Control characters other than tab and line feed (NUL, escape, C1 controls) and the
# bidirectional controls (U+202E turns "moc.elpmaxe@" into what looks like an address): they
# have no place in a name or a note, and would reach every calendar, letter and spreadsheet.
_UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean_text(text: str) -> str:
    """User text without control and bidirectional-control characters (tab and line feed
    stay). Applied to every text the visit file and a plan file hold, when they are read."""
    return _UNWANTED.sub("", text) if _UNWANTED.search(text) else text


class _Problem(Exception):
    """Internal: one located problem; turned into an Issue by load_yaml."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _line(node_or_event: Any) -> int:
    return int(node_or_event.start_mark.line) + 1


def _shorten(text: str, limit: int = 20) -> str:
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "…"


def _show_tag(tag: str) -> str:
    """Tags the way people write them: ``!!python/...`` rather than ``tag:yaml.org,2002:...``."""
    if tag.startswith(_YAML_TAG_PREFIX):
        return "!!" + tag[len(_YAML_TAG_PREFIX) :]
    return tag


class _Loader(yaml.SafeLoader):
    """SafeLoader with our own implicit resolvers and a composer that refuses aliases.

    Only the reader/scanner/parser/composer parts are used; the constructor machinery
    (``construct_document``) is never called, so no tag can build a Python object.
    """

    # Our own dict: SafeLoader's class-level resolvers are left untouched.
    yaml_implicit_resolvers: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    # YAML allows tabs as white space inside a line ("notes: Technikum<TAB>max. 12",
    # "[a,<TAB>b]", "name:<TAB>Acme"); PyYAML's scanner refuses every tab. These two overrides
    # take a tab inside a line as libyaml does (which reads the texts without tabs); a tab in
    # the indentation stays an error, as YAML says.

    def scan_plain_spaces(self, indent: int, start_mark: Any) -> Any:
        length = 0
        while self.peek(length) in " \t":
            length += 1
        if "\t" not in self.prefix(length):
            return super().scan_plain_spaces(indent, start_mark)
        whitespace = self.prefix(length)
        self.forward(length)
        if self.peek() in "\r\n\x85\u2028\u2029":  # trailing white space: dropped
            return super().scan_plain_spaces(indent, start_mark)
        return [whitespace]

    def scan_to_next_token(self) -> None:
        line_start = self.pointer - self.column
        if self.buffer[line_start : self.pointer].strip(" \t"):  # after something on this line
            while self.peek() in " \t":
                self.forward()
        super().scan_to_next_token()

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        # Refuse aliases *before* anything is expanded: the alias bomb fails at its first '*'.
        if self.check_event(AliasEvent):
            event = self.get_event()
            raise _Problem(
                _line(event),
                f"YAML aliases (*{event.anchor}) are not supported; repeat the value instead",
            )
        event = self.peek_event()
        nested = isinstance(event, SequenceStartEvent | MappingStartEvent)
        if nested:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise _Problem(_line(event), f"nesting is too deep (more than {MAX_DEPTH} levels)")
        try:
            self.descend_resolver(parent, index)
            # Anchors are never registered (anchor=None): nothing can refer to them anyway.
            if isinstance(event, ScalarEvent):
                if event.tag == "!":
                    # YAML says the non-specific tag '!' makes a scalar plain text;
                    # PyYAML's parser marks it implicit and would resolve "! 12" to 12.
                    event.implicit = (False, False)
                # types-PyYAML types the anchor argument as a dict; PyYAML takes the anchor's
                # name or None (and None registers nothing).
                node: Node = self.compose_scalar_node(None)  # type: ignore[arg-type]
            elif isinstance(event, SequenceStartEvent):
                node = self.compose_sequence_node(None)  # type: ignore[arg-type]
            else:
                node = self.compose_mapping_node(None)  # type: ignore[arg-type]
            self.ascend_resolver()
        finally:
            if nested:
                self._depth -= 1
        return node


_Loader.add_implicit_resolver(_NULL, _NULL_RE, ["~", "n", "N", ""])
_Loader.add_implicit_resolver(_BOOL, _BOOL_RE, list("tTfF"))
_Loader.add_implicit_resolver(_INT, _INT_RE, list("-+0123456789"))
_Loader.add_implicit_resolver(_FLOAT, _FLOAT_RE, list("-+0123456789."))
_Loader.add_implicit_resolver(_MERGE, _MERGE_RE, ["<"])

if yaml.__with_libyaml__:
    from yaml._yaml import CParser  # what yaml.cyaml re-exports (its stubs do not)

    class _FastLoader(CParser, _Loader):
        """The same composer and resolvers over libyaml's parser, which is many times faster
        on big trips. For any problem the pure-Python loader reads the text again, so messages
        stay as they are; and it alone reads texts with tabs or byte-order marks, which libyaml
        accepts in places where PyYAML refuses them (tab indents) or drops them (a BOM inside
        the text)."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            Resolver.__init__(self)
            self._depth = 0

    _FAST: type[_Loader] | None = _FastLoader
else:  # pragma: no cover - PyYAML built without libyaml
    _FAST = None


@dataclass(frozen=True)
class YamlDoc:
    """Plain data from one YAML file, with the 1-based source line of every value."""

    data: Any
    lines: Mapping[_Path, int]

    def line_of(self, path: Sequence[str | int]) -> int:
        """Line of the longest prefix of ``path`` that exists (a missing key or a
        validation error below a scalar is reported at its nearest parent); 1 if none."""
        key = tuple(path)
        for n in range(len(key), -1, -1):
            line = self.lines.get(key[:n])
            if line is not None:
                return line
        return 1


def data_path(data: Any, loc: Sequence[Any]) -> tuple[str | int, ...]:
    """The part of a pydantic error location that exists in the data: pydantic puts the names
    of union members (an item's type, say) in its locations, which are no keys of the file."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            continue
        path.append(part)
    return tuple(path)


class _Converter:
    """Turns a composed node tree into plain Python values, recording lines as it goes."""

    def __init__(self, loader: _Loader) -> None:
        self.loader = loader
        self.lines: dict[_Path, int] = {}

    def value(self, node: Node, path: _Path) -> Any:
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ:
                raise _Problem(_line(node), f"tag '{_show_tag(node.tag)}' is not allowed")
            items = []
            for index, item in enumerate(node.value):
                self.lines[path + (index,)] = _line(item)
                items.append(self.value(item, path + (index,)))
            return items
        if isinstance(node, MappingNode):
            return self.mapping(node, path)
        raise _Problem(_line(node), "unsupported YAML node")  # pragma: no cover

    def scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        patterns = _EXPLICIT_OK.get(tag)
        if tag != _STR and patterns is None:
            if tag == _MERGE:
                raise _Problem(
                    _line(node), "merge keys (<<) are not supported; repeat the values instead"
                )
            raise _Problem(_line(node), f"tag '{_show_tag(tag)}' is not allowed")
        if patterns is not None and not any(p.match(node.value) for p in patterns):
            raise _Problem(_line(node), f"{node.value!r} is not a valid {_show_tag(tag)} value")
        loader = self.loader
        try:
            if tag == _STR:
                return clean_text(loader.construct_yaml_str(node))
            if tag == _NULL:
                return loader.construct_yaml_null(node)
            if tag == _BOOL:
                return loader.construct_yaml_bool(node)
            if tag == _INT:
                return loader.construct_yaml_int(node)
            result = loader.construct_yaml_float(node)
        except ValueError as exc:  # more digits than int() accepts (CVE-2020-10735 limit)
            raise _Problem(_line(node), f"the number {_shorten(node.value)} is too long") from exc
        if math.isinf(result) and "inf" not in node.value.lower():
            raise _Problem(_line(node), f"the number {_shorten(node.value)} is too large")
        return result

    def mapping(self, node: MappingNode, path: _Path) -> dict[str, Any]:
        if node.tag != _MAP:
            raise _Problem(_line(node), f"tag '{_show_tag(node.tag)}' is not allowed")
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = self.key(key_node)
            line = _line(key_node)
            if key in first_line:
                raise _Problem(line, f"duplicate key {key!r} (first at line {first_line[key]})")
            first_line[key] = line
            self.lines[path + (key,)] = line
            result[key] = self.value(value_node, path + (key,))
        return result

    def key(self, node: Node) -> str:
        """Keys become the text the user wrote: ``2016-05-25`` and ``1`` are both str."""
        if not isinstance(node, ScalarNode):
            kind = "a list" if isinstance(node, SequenceNode) else "a mapping"
            raise _Problem(_line(node), f"a key must be plain text, not {kind}")
        value = self.scalar(node)  # validates the tag
        if value is None:
            raise _Problem(_line(node), "a key is empty (null); give it a name")
        return clean_text(str(node.value))


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if value is None:
        return "an empty value"
    return type(value).__name__  # pragma: no cover


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _yaml_error_issue(filename: str, error: yaml.YAMLError, text: str) -> Issue:
    """One short, located line for a scanner/parser/reader error (never a traceback)."""
    if isinstance(error, yaml.reader.ReaderError):
        # Reader positions are indexes into the (decoded) text.
        position = max(0, min(int(error.position), len(text)))
        line = text.count("\n", 0, position) + 1
        char = error.character
        shown = f"#x{char:04x}" if isinstance(char, int) else repr(char)
        return Issue(filename, line, f"invalid YAML: character {shown} is not allowed here")
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        message = _one_line(error.problem or error.context or "syntax error")
        if error.context and error.problem:
            context = _one_line(error.context)
            cmark = error.context_mark
            if cmark is not None and cmark.line + 1 != line:
                context += f" started at line {cmark.line + 1}"
            message += f" ({context})"
        return Issue(filename, line, f"invalid YAML: {message}")
    return Issue(filename, 1, f"invalid YAML: {_one_line(str(error))}")


def _decode(source: bytes, filename: str) -> str:
    if source.startswith(b"\xef\xbb\xbf"):
        source = source[3:]  # UTF-8 BOM; removing it does not shift line numbers
    try:
        return source.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = source.count(b"\n", 0, exc.start) + 1
        raise InputError(Issue(filename, line, "the file is not UTF-8 text")) from None


def _too_large(size: int) -> str:
    return f"the file is too large ({size:,} bytes; the limit is {MAX_BYTES:,})"


def _compose(loader_class: type[_Loader], text: str) -> tuple[Node, _Converter, Any]:
    """The one document of `text` as a node tree, and as plain data with its lines."""
    loader = loader_class(text)
    try:
        loader.get_event()  # STREAM-START
        if loader.check_event(StreamEndEvent):
            raise _Problem(1, "the file is empty")
        root = loader.compose_document()
        assert root is not None  # our compose_node always returns a node; the stubs allow None
        if not loader.check_event(StreamEndEvent):
            raise _Problem(_line(loader.peek_event()), "only one YAML document is allowed")
        converter = _Converter(loader)
        converter.lines[()] = _line(root)
        return root, converter, converter.value(root, ())
    finally:
        loader.dispose()


def _parse(text: str) -> tuple[Node, _Converter, Any]:
    """`_compose` with libyaml when it may read the text, else (and on any problem, so that the
    message is the one it always was) with the pure-Python parser."""
    if _FAST is not None and "\t" not in text and "\ufeff" not in text:
        try:
            return _compose(_FAST, text)
        except (_Problem, yaml.YAMLError, RecursionError):
            pass
    return _compose(_Loader, text)


def load_yaml(source: str | bytes, filename: str) -> YamlDoc:
    """Parse one YAML document whose root is a mapping; raise InputError on anything else."""
    if isinstance(source, bytes | bytearray | memoryview):
        raw = bytes(source)
        if len(raw) > MAX_BYTES:
            raise InputError(Issue(filename, 1, _too_large(len(raw))))
        text = _decode(raw, filename)
    else:
        text = source
        if len(text) > MAX_BYTES // 4:  # only encode when it could matter
            size = len(text.encode("utf-8", "surrogatepass"))
            if size > MAX_BYTES:
                raise InputError(Issue(filename, 1, _too_large(size)))
    if text.startswith("\ufeff"):
        text = text[1:]

    try:
        root, converter, data = _parse(text)
    except _Problem as problem:
        raise InputError(Issue(filename, problem.line, problem.message)) from None
    except yaml.YAMLError as error:
        raise InputError(_yaml_error_issue(filename, error, text)) from None
    except RecursionError:  # belt and braces: MAX_DEPTH should make this unreachable
        raise InputError(Issue(filename, 1, "nesting is too deep")) from None

    if not isinstance(data, dict):
        if data is None and isinstance(root, ScalarNode) and root.value == "":
            raise InputError(Issue(filename, 1, "the file is empty"))
        raise InputError(
            Issue(
                filename,
                1,
                f"expected a mapping with sections such as trip:, hosts: …, found {_kind(data)}",
            )
        )
    return YamlDoc(data=data, lines=MappingProxyType(converter.lines))


def read_yaml_file(path: str | os.PathLike[str]) -> YamlDoc:
    """Read and parse a file; messages name it exactly as the user gave it."""
    name = str(path)
    try:
        with open(path, "rb") as handle:
            # Read one byte past the limit so a huge file is refused without loading it all.
            raw = handle.read(MAX_BYTES + 1)
            if len(raw) > MAX_BYTES:
                size = os.fstat(handle.fileno()).st_size
                raise InputError(Issue(name, 1, _too_large(max(size, len(raw)))))
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise InputError(Issue(name, 1, f"cannot read file: {reason}")) from None
    return load_yaml(raw, name)
