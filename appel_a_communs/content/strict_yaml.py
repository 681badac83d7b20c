"""A strict YAML reader for content files.

PyYAML follows YAML 1.1, where ``NO`` is false, ``01000`` is octal 512 and ``1:30``
is 90. Content is written by people, so this reader never guesses: it refuses
anchors, aliases, tags, merge keys and duplicate keys, and a plain scalar becomes
something other than text only in these unambiguous forms:

- ``true`` / ``false`` (any case) → bool
- ``null``, ``~`` or nothing → None
- ``-?(0|[1-9][0-9]*)`` → int (so ``01000`` stays the text "01000")
- ``YYYY-MM-DD`` → date

Everything else, ``.nan``, ``1e3``, ``2500.50``, ``1:30``, ``NO`` included, is text;
the models decide whether that text is a valid amount, number or date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

_INT = re.compile(r"-?(0|[1-9][0-9]*)", re.ASCII)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}

Path_ = tuple[str | int, ...]


class StrictYAMLError(Exception):
    """A YAML problem at a known place: ``path`` is the key path, ``line`` is 1-based."""

    def __init__(self, message: str, line: int | None = None, path: Path_ = ()):
        super().__init__(message)
        self.message = message
        self.line = line
        self.path = path


def format_path(path: Path_) -> str:
    """``("budget", "lines", 1, "amount")`` → ``budget.lines[1].amount``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class _StrictComposer(Composer):
    """Refuses anchors, aliases and explicit tags while the node tree is built."""

    def __init__(self) -> None:
        super().__init__()
        self._path: list[str | int] = []

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        pushed = False
        if isinstance(index, ScalarNode):
            self._path.append(index.value)
            pushed = True
        elif isinstance(index, int) and not isinstance(index, bool):
            self._path.append(index)
            pushed = True
        try:
            event = self.peek_event()
            line = event.start_mark.line + 1 if event.start_mark else None
            if isinstance(event, AliasEvent):
                raise StrictYAMLError(
                    f"aliases (*{event.anchor}) are not allowed; write the value out",
                    line,
                    tuple(self._path),
                )
            if getattr(event, "anchor", None) is not None:
                raise StrictYAMLError(
                    f"anchors (&{event.anchor}) are not allowed",
                    line,
                    tuple(self._path),
                )
            tag = getattr(event, "tag", None)
            if tag not in (None, "!"):
                raise StrictYAMLError(
                    f"tags ({tag}) are not allowed; quote the value if it is text",
                    line,
                    tuple(self._path),
                )
            return super().compose_node(parent, index)
        finally:
            if pushed:
                self._path.pop()


class _StrictLoader(Reader, Scanner, Parser, _StrictComposer, BaseResolver):
    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _StrictComposer.__init__(self)
        BaseResolver.__init__(self)


@dataclass
class Document:
    """A parsed YAML mapping, with the line where each key path starts (for messages)."""

    data: dict[str, Any]
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int | None:
        """The line of the longest known prefix of ``path``."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None


def _plain_scalar(node: ScalarNode, path: Path_) -> Any:
    value = node.value
    if value in _NULL:
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.fullmatch(value):
        return int(value)
    if _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise StrictYAMLError(
                f"'{value}' is not a valid date", node.start_mark.line + 1, path
            ) from None
    return value


def _construct(node: Node, path: Path_, lines: dict[Path_, int]) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, ScalarNode):
        if not node.style:  # plain: None from PyYAML's composer, "" from LibYAML's
            return _plain_scalar(node, path)
        return node.value
    if isinstance(node, SequenceNode):
        return [_construct(item, (*path, i), lines) for i, item in enumerate(node.value)]
    if isinstance(node, MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, ScalarNode):
                raise StrictYAMLError("keys must be plain text", line, path)
            key = key_node.value
            if key == "<<" and not key_node.style:
                raise StrictYAMLError("merge keys (<<) are not allowed", line, path)
            if key in result:
                raise StrictYAMLError(f"duplicate key '{key}'", line, (*path, key))
            lines[(*path, key)] = line
            result[key] = _construct(value_node, (*path, key), lines)
        return result
    raise StrictYAMLError("unsupported YAML node", node.start_mark.line + 1, path)


_FAST = getattr(yaml, "__with_libyaml__", False)


class _UntaggedCLoader(getattr(yaml, "CBaseLoader", object)):  # type: ignore[misc]
    """LibYAML's composer without tag resolution: _construct reads node kinds and styles,
    never tags, and resolving them was a Python call for every node."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        return ""


_MARKERS = ("&", "*", "!")


def _compose_fast(text: str) -> Node | None:
    """LibYAML's composer, when the text can hold no anchor, alias or tag.

    Scanning in C is an order of magnitude faster than PyYAML's pure-Python scanner; a
    text that might hold one of the refused constructs (or that LibYAML rejects) goes
    to the Python composer, which reports exactly where.
    """
    if any(marker in text for marker in _MARKERS):
        for event in yaml.parse(text, Loader=yaml.CBaseLoader):
            if isinstance(event, AliasEvent) or getattr(event, "anchor", None) is not None:
                raise _SlowPath
            if getattr(event, "tag", None) not in (None, "!"):
                raise _SlowPath
    return yaml.compose(text, Loader=_UntaggedCLoader)


class _SlowPath(Exception):
    pass


def _compose(text: str) -> Node | None:
    if _FAST:
        try:
            return _compose_fast(text)
        except (_SlowPath, yaml.YAMLError):
            pass  # the Python composer says what is wrong, and where
    loader = _StrictLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def load_mapping(text: str, first_line: int = 1) -> Document:
    """Parse one YAML document that must be a mapping.

    ``first_line`` is the file line where ``text`` starts, so that messages about a
    front matter block point at the right line of the Markdown file.
    """
    offset = first_line - 1
    try:
        node = _compose(text)
    except StrictYAMLError as exc:
        if exc.line is not None:
            exc.line += offset
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise StrictYAMLError(f"invalid YAML: {problem}", line) from None
    except yaml.YAMLError as exc:
        raise StrictYAMLError(f"invalid YAML: {exc}") from None
    if node is None:
        raise StrictYAMLError("the YAML block is empty", first_line)
    lines: dict[Path_, int] = {}
    try:
        data = _construct(node, (), lines)
    except StrictYAMLError as exc:
        if exc.line is not None:
            exc.line += offset
        raise
    if not isinstance(data, dict):
        raise StrictYAMLError(
            "expected a mapping of keys (key: value) at the top level", first_line
        )
    return Document(data, {k: v + offset for k, v in lines.items()})


_FENCE = re.compile(r"^---[ \t]*$")
_END = re.compile(r"^(---|\.\.\.)[ \t]*$")


def split_front_matter(text: str) -> tuple[str, str, int]:
    """Split ``---`` front matter from a Markdown body.

    Returns (yaml_text, body, first_yaml_line). Raises StrictYAMLError when the
    block is missing or unclosed.
    """
    lines = text.splitlines(keepends=True)
    if not lines or not _FENCE.match(lines[0].rstrip("\r\n")):
        raise StrictYAMLError("missing YAML front matter: the file must start with a line '---'", 1)
    for i in range(1, len(lines)):
        if _END.match(lines[i].rstrip("\r\n")):
            return "".join(lines[1:i]), "".join(lines[i + 1 :]), 2
    raise StrictYAMLError("the front matter is not closed by a line '---'", 1)
