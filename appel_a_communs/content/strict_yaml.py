"""A strict YAML reader for content files.

PyYAML follows YAML 1.1, where ``NO`` is false, ``01000`` is octal 512 and ``1:30``
is 90. Content is written by people, so this reader never guesses: it refuses
anchors, aliases, tags (the non-specific ``!`` included), directives, merge keys,
duplicate keys, null keys and more than one document, and a plain scalar becomes
something other than text only in these unambiguous forms:

- ``true`` / ``false`` (any case) → bool
- ``null``, ``~`` or nothing → None
- ``-?(0|[1-9][0-9]*)`` → int (so ``01000`` stays the text "01000"), at most
  ``MAX_INT_DIGITS`` digits
- ``YYYY-MM-DD`` → date

Everything else, ``.nan``, ``1e3``, ``2500.50``, ``1:30``, ``NO`` included, is text;
the models decide whether that text is a valid amount, number or date. A key is the
text it is written with. Nesting deeper than ``MAX_DEPTH`` levels is refused.

Every text gives a value or a StrictYAMLError naming the line, never another exception,
and the same result with or without LibYAML: the reference is PyYAML's pure-Python
scanner made stricter where it is wrong about YAML 1.2 (see ``_StrictScanner``);
LibYAML only reads, faster, the texts that ``_plain_enough`` lets through, where both
give the same events (tests/test_yaml_suite.py runs the YAML test suite on both).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.scanner import Scanner, ScannerError
from yaml.tokens import FlowMappingEndToken, FlowSequenceEndToken, ScalarToken

from appel_a_communs.i18n import M_

try:
    from yaml.cyaml import CParser
except ImportError:  # PyYAML built without LibYAML
    CParser = None

MAX_DEPTH = 100
"""Content is a few levels deep; deeper nesting is a mistake (or an attack on the stack)."""
MAX_INT_DIGITS = 100
"""No amount or count has more digits; longer ones are refused, not converted slowly."""

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
_SURROGATE = re.compile("[\ud800-\udfff]")
_FORBIDDEN = re.compile("[\x85\u2028\u2029]|(?<!^)\ufeff")
_FORBIDDEN_NAMES = {
    "\x85": "next-line (U+0085)",
    "\u2028": "line separator (U+2028)",
    "\u2029": "paragraph separator (U+2029)",
    "\ufeff": "byte order mark (U+FEFF)",
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


# --- the reference reader: PyYAML's scanner, where it errs about YAML 1.2, refusing ------

_BLANK = "\0 \t\r\n"


class _StrictScanner(Scanner):
    """PyYAML's scanner, refusing what it would read differently from YAML 1.2.

    Each override names the construct; the YAML test suite holds a case for each.
    """

    def __init__(self) -> None:
        super().__init__()
        self._last: object = None  # the last token scanned
        self._in_block_scalar = False

    def _refuse(self, problem: str) -> None:
        raise ScannerError(None, None, problem, self.get_mark())

    def fetch_more_tokens(self) -> None:
        super().fetch_more_tokens()
        if self.tokens:
            self._last = self.tokens[-1]

    def fetch_directive(self) -> None:
        self._refuse("directives (%) are not allowed")

    def scan_to_next_token(self) -> None:
        """Comments need a space before them (``"a"# b`` is invalid); inside brackets, a
        continued line is indented more than the key that holds them."""
        if self.index == 0 and self.peek() == "\ufeff":
            self.forward()
        while True:
            while self.peek() == " ":
                self.forward()
            ch = self.peek()
            if ch == "#":
                if self.index > 0 and self.buffer[self.pointer - 1] not in " \n":
                    self._refuse("a comment (#) must be separated from the value by a space")
                while self.peek() not in "\0\r\n":
                    self.forward()
            if self.scan_line_break():
                if not self.flow_level:
                    self.allow_simple_key = True
                continue
            if self.flow_level and self.column <= self.indent and ch not in "\0#":
                self._refuse("a line inside brackets must be indented more than its key")
            return

    def check_key(self) -> bool:
        """In brackets, ``?x`` is text in YAML 1.2, a key for PyYAML: refused."""
        if self.flow_level and self.peek(1) not in _BLANK:
            self._refuse("'?' followed by text inside brackets: quote the text")
        return super().check_key()

    def check_value(self) -> bool:
        """In brackets, ``:x`` is text in YAML 1.2 unless it follows a quoted key or a
        closed bracket; PyYAML reads a value: refused."""
        if self.flow_level and self.peek(1) not in _BLANK + ",[]{}":
            last = self._last
            quoted = isinstance(last, ScalarToken) and not last.plain
            if not (quoted or isinstance(last, FlowSequenceEndToken | FlowMappingEndToken)):
                self._refuse("':' followed by text inside brackets: add a space or quote it")
        return super().check_value()

    def scan_flow_scalar_breaks(self, double: bool, start_mark: Any) -> list[str]:
        """A quoted text continued on a line indented no more than its key is invalid."""
        chunks = super().scan_flow_scalar_breaks(double, start_mark)
        self._check_continued_line()
        return chunks

    def scan_plain_spaces(self, indent: int, start_mark: Any) -> list[str] | None:
        line = self.line
        chunks = super().scan_plain_spaces(indent, start_mark)
        if self.flow_level and self.line != line:
            self._check_continued_line()
        return chunks

    def _check_continued_line(self) -> None:
        prefix = self.buffer[self.pointer - self.column : self.pointer]
        spaces = len(prefix) - len(prefix.lstrip(" "))  # tabs do not indent
        if self.peek() not in "\0\r\n" and spaces <= self.indent:
            self._refuse("a continued line must be indented more than its key")

    def scan_block_scalar(self, style: str) -> ScalarToken:
        """A block text's header on a line of its own is read differently by YAML readers
        (and ``key:`` then ``|`` below ``key`` is invalid)."""
        if not self.buffer[self.pointer - self.column : self.pointer].strip(" "):
            self._refuse("put the block text's '|' or '>' on the line of its key")
        self._in_block_scalar = True
        try:
            return super().scan_block_scalar(style)
        finally:
            self._in_block_scalar = False

    def scan_block_scalar_indicators(self, start_mark: Any) -> tuple[bool | None, int | None]:
        """Readers disagree about the lines of spaces of a block text whose indentation is
        given (``|2``): refused, the text's own indentation says it."""
        chomping, increment = super().scan_block_scalar_indicators(start_mark)
        if increment is not None:
            self._refuse("indentation indicators ('|2') are not allowed; indent the text")
        return chomping, increment

    def scan_line_break(self) -> str:
        """The end of the text ends a block scalar's last line as a line break would."""
        if self._in_block_scalar and self.peek() == "\0":
            return "\n"
        return super().scan_line_break()

    def scan_block_scalar_indentation(self) -> tuple[list[str], int, Any]:
        """Blank lines before a block scalar's first line may not be indented more."""
        chunks, max_indent, end_mark = super().scan_block_scalar_indentation()
        if self.peek() not in "\0\r\n" and max(self.indent + 1, 1) <= self.column < max_indent:
            self._refuse("a blank line before the text is indented more than its first line")
        return chunks, max_indent, end_mark


class _StrictParser(Reader, _StrictScanner, Parser):
    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        _StrictScanner.__init__(self)
        Parser.__init__(self)


def _events(parser: Any) -> Iterator[Event]:
    """A parser's events, the parser disposed of at the end (or on an error)."""
    try:
        get = parser.get_event
        while True:
            event = get()
            yield event
            if isinstance(event, StreamEndEvent):
                return
    finally:
        parser.dispose()


# --- the fast reader: LibYAML, on texts where it gives the same events ---------------------

# (characters that must be in the text for the pattern to match, the pattern)
_NOT_PLAIN = [
    (("\t", "\r"), re.compile(r"[\t\r]")),
    ((" \n",), re.compile(r"^ +$", re.MULTILINE)),  # lines of spaces
    (("%", "---", "..."), re.compile(r"^(?:%|---|\.\.\.)", re.MULTILINE)),
    (("|", ">"), re.compile(r"^ *[|>]|[|>][-+]?[0-9]", re.MULTILINE)),
    (("#",), re.compile(r"[^ \n]#")),
    (("?",), re.compile(r"(?:^|[ \[{,])\?(?: |$)", re.MULTILINE)),
]
_FLOW_TAIL = re.compile(r"[\[{][^\n]*")
_FLOW_SPECIAL = re.compile(r"[:?#\"']")
_QUOTE_START = re.compile(r"(?:^ *(?:- +)*|: +|- +)([\"'])", re.MULTILINE)
_QUOTED = {
    '"': re.compile(r'"(?:[^"\\\n]|\\[^\n])*"(?: *(?: #[^\n]*)?$| *:(?= |$))', re.MULTILINE),
    "'": re.compile(r"'(?:[^'\n]|'')*'(?: *(?: #[^\n]*)?$| *:(?= |$))", re.MULTILINE),
}


def _plain_enough(text: str) -> bool:
    """Whether ``text`` keeps to what LibYAML and ``_StrictScanner`` read alike: no tab,
    directive, document marker, explicit key or comment stuck to a value; brackets and
    quoted texts opened and closed on one line, without quotes or colons in brackets."""
    if not text.endswith("\n"):
        return False
    for needles, pattern in _NOT_PLAIN:
        if any(needle in text for needle in needles) and pattern.search(text):
            return False
    if "[" in text or "{" in text:
        for match in _FLOW_TAIL.finditer(text):
            tail = match.group()
            if _FLOW_SPECIAL.search(tail):
                return False
            if tail.count("[") != tail.count("]") or tail.count("{") != tail.count("}"):
                return False
    if '"' in text or "'" in text:
        for match in _QUOTE_START.finditer(text):
            if not _QUOTED[match.group(1)].match(text, match.start(1)):
                return False
    return True


FAST = CParser is not None
"""Whether LibYAML reads the texts it may; tests set it to False to run the reference."""


# --- from events to values -------------------------------------------------------------------


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


@dataclass(slots=True)
class _Frame:
    value: dict[str, Any] | list[Any]
    path: Path_
    key: str | None = None  # a mapping's key waiting for its value


def _plain_scalar(value: str, line: int, path: Path_) -> Any:
    if value in _NULL:
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.fullmatch(value):
        if len(value.lstrip("-")) > MAX_INT_DIGITS:
            raise StrictYAMLError(
                M_(
                    "a number of more than %(most)d digits; quote it if it is text",
                    most=MAX_INT_DIGITS,
                ),
                line,
                path,
            )
        return int(value)
    if _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise StrictYAMLError(
                M_("'%(value)s' is not a valid date", value=value), line, path
            ) from None
    return value


def _scalar(event: ScalarEvent, line: int, path: Path_) -> Any:
    if event.style in ("|", ">") and not event.value.strip(" \n"):
        # readers disagree about the lines of spaces of a block text without text
        message = "a block text ('|' or '>') without text; write '' for an empty text"
        raise StrictYAMLError(message, line, path)
    if event.style == '"' and _SURROGATE.search(event.value):
        raise StrictYAMLError(
            M_("a \\u escape names a lone surrogate, not a character"), line, path
        )
    if not event.style:  # plain: None from PyYAML, "" from LibYAML
        return _plain_scalar(event.value, line, path)
    return event.value


class _PropertyError(StrictYAMLError):
    """An anchor, alias or tag: LibYAML's reading of it gives way to the reference's."""


def _check_node(event: Event, line: int, path: Path_) -> None:
    if event.anchor is None and getattr(event, "tag", None) is None:
        return
    if isinstance(event, AliasEvent):
        raise _PropertyError(
            M_("aliases (*%(name)s) are not allowed; write the value out", name=event.anchor),
            line,
            path,
        )
    if event.anchor is not None:
        raise _PropertyError(
            M_("anchors (&%(name)s) are not allowed", name=event.anchor), line, path
        )
    if event.tag is not None:
        raise _PropertyError(
            M_("tags (%(tag)s) are not allowed; quote the value if it is text", tag=event.tag),
            line,
            path,
        )


_ENDS = {MappingEndEvent, SequenceEndEvent}
_NODES = {ScalarEvent, MappingStartEvent, SequenceStartEvent, AliasEvent}


class _Builder:
    """Builds the values from a parser's events, without recursion, refusing what the
    policy refuses; both readers feed it, so both refuse alike."""

    def __init__(self) -> None:
        self.stack: list[_Frame] = []
        self.lines: dict[Path_, int] = {}
        self.root: dict[str, Any] | None = None
        self.documents = 0

    def feed(self, event: Event) -> None:
        kind = type(event)
        if kind in _ENDS:
            self.stack.pop()
        elif kind in _NODES:
            self._node(event, event.start_mark.line + 1)
        elif kind is DocumentStartEvent:
            self.documents += 1
            if self.documents > 1:
                line = event.start_mark.line + 1
                raise StrictYAMLError(M_("a second YAML document: a file holds only one"), line)

    def _node(self, event: Event, line: int) -> None:
        parent = self.stack[-1] if self.stack else None
        if parent is not None and parent.key is None and type(parent.value) is dict:
            _check_node(event, line, parent.path)
            self._key(parent, event, line)
            return
        path = self._path(parent)
        _check_node(event, line, path)
        if parent is None and not isinstance(event, MappingStartEvent):
            raise StrictYAMLError(M_("expected a mapping of keys (key: value) at the top level"), 1)
        self.lines.setdefault(path, line)
        if isinstance(event, ScalarEvent):
            self._attach(parent, _scalar(event, line, path))
            return
        if len(self.stack) >= MAX_DEPTH:
            raise StrictYAMLError(
                M_("nested more than %(most)d levels deep", most=MAX_DEPTH), line, path
            )
        value: dict[str, Any] | list[Any] = {} if isinstance(event, MappingStartEvent) else []
        self._attach(parent, value)
        self.stack.append(_Frame(value, path))

    @staticmethod
    def _path(parent: _Frame | None) -> Path_:
        if parent is None:
            return ()
        if isinstance(parent.value, dict):
            return (*parent.path, parent.key)  # type: ignore[arg-type]
        return (*parent.path, len(parent.value))

    def _attach(self, parent: _Frame | None, value: Any) -> None:
        if parent is None:
            self.root = value
        elif isinstance(parent.value, dict):
            parent.value[parent.key] = value  # type: ignore[index]
            parent.key = None
        else:
            parent.value.append(value)

    def _key(self, parent: _Frame, event: Event, line: int) -> None:
        if not isinstance(event, ScalarEvent):
            raise StrictYAMLError(M_("keys must be plain text"), line, parent.path)
        key = event.value
        if not event.style and key == "<<":
            raise StrictYAMLError(M_("merge keys (<<) are not allowed"), line, parent.path)
        if not event.style and key in _NULL:
            raise StrictYAMLError(M_("a key is missing (or is null)"), line, parent.path)
        if _SURROGATE.search(key):
            raise StrictYAMLError(M_("a \\u escape names a lone surrogate"), line, parent.path)
        if key in parent.value:
            raise StrictYAMLError(M_("duplicate key '%(key)s'", key=key), line, (*parent.path, key))
        self.lines[(*parent.path, key)] = line
        parent.key = key


def _build(events: Iterator[Event]) -> _Builder:
    builder = _Builder()
    for event in events:
        builder.feed(event)
    return builder


def _read(text: str) -> _Builder:
    """The reference reader, or LibYAML when it reads ``text`` the same way; a text
    LibYAML refuses, or where it finds an anchor, alias or tag, is read again by the
    reference, which says what is wrong, and where, in its own words."""
    if FAST and _plain_enough(text):
        try:
            return _build(_events(CParser(text)))
        except (yaml.YAMLError, _PropertyError):
            pass
    return _build(_events(_StrictParser(text)))


def _normalised(text: str) -> str:
    """Line breaks as ``\\n`` (YAML reads them so anyway); characters that YAML 1.1 and
    1.2 read differently refused."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = _FORBIDDEN.search(text)
    if bad:
        name = _FORBIDDEN_NAMES[bad.group()]
        line = text.count("\n", 0, bad.start()) + 1
        raise StrictYAMLError(M_("the text holds a %(name)s character; remove it", name=name), line)
    return text


def load_mapping(text: str, first_line: int = 1) -> Document:
    """Parse one YAML document that must be a mapping.

    ``first_line`` is the file line where ``text`` starts, so that messages about a
    front matter block point at the right line of the Markdown file.
    """
    offset = first_line - 1
    try:
        builder = _read(_normalised(text))
    except StrictYAMLError as exc:
        if exc.line is not None:
            exc.line += offset
        raise
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + first_line
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        message = M_("invalid YAML: the character U+%(code)04X is not allowed", code=code)
        raise StrictYAMLError(message, line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise StrictYAMLError(M_("invalid YAML: %(problem)s", problem=problem), line) from None
    except yaml.YAMLError as exc:
        raise StrictYAMLError(M_("invalid YAML: %(problem)s", problem=str(exc))) from None
    if builder.root is None:
        raise StrictYAMLError(M_("the YAML block is empty"), first_line)
    return Document(builder.root, {k: v + offset for k, v in builder.lines.items()})


# --- JSON, read as strictly -----------------------------------------------------------------

_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def load_json(text: str) -> Any:
    """JSON, with the YAML reader's limits: no float (numbers with a fraction stay text),
    no NaN or Infinity, no duplicate key, no lone surrogate, at most ``MAX_DEPTH`` levels
    and ``MAX_INT_DIGITS`` digits. Raises StrictYAMLError."""
    _check_json_depth(text)
    try:
        value = json.loads(
            text,
            parse_float=str,
            parse_int=_json_int,
            parse_constant=_json_constant,
            object_pairs_hook=_json_object,
        )
    except json.JSONDecodeError as exc:
        raise StrictYAMLError(
            M_("invalid JSON: %(problem)s", problem=exc.msg), exc.lineno
        ) from None
    _check_json_text(value)
    return value


def _check_json_depth(text: str) -> None:
    """json.loads recurses: deep nesting is refused before it runs."""
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, match.start()) + 1
                raise StrictYAMLError(
                    M_("nested more than %(most)d levels deep", most=MAX_DEPTH), line
                )
        elif token in "]}":
            depth -= 1


def _json_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise StrictYAMLError(M_("a number of more than %(most)d digits", most=MAX_INT_DIGITS))
    return int(digits)


def _json_constant(name: str) -> None:
    raise StrictYAMLError(M_("%(name)s is not allowed", name=name))


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise StrictYAMLError(M_("duplicate key '%(key)s'", key=key))
        result[key] = value
    return result


def _check_json_text(value: Any) -> None:
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                raise StrictYAMLError(M_("a \\u escape names a lone surrogate, not a character"))
        elif isinstance(item, dict):
            todo.extend(item)
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)


_FENCE = re.compile(r"^---[ \t]*$")
_END = re.compile(r"^(---|\.\.\.)[ \t]*$")


def split_front_matter(text: str) -> tuple[str, str, int]:
    """Split ``---`` front matter from a Markdown body.

    Returns (yaml_text, body, first_yaml_line). Raises StrictYAMLError when the
    block is missing or unclosed.
    """
    # Lines end at line breaks only, as YAML's do: str.splitlines would also end them at
    # form feeds, U+2028 and the like, and could close the front matter early.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    lines = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    if not lines or not _FENCE.match(lines[0].rstrip("\r\n")):
        raise StrictYAMLError(
            M_("missing YAML front matter: the file must start with a line '---'"), 1
        )
    for i in range(1, len(lines)):
        if _END.match(lines[i].rstrip("\r\n")):
            return "".join(lines[1:i]), "".join(lines[i + 1 :]), 2
    raise StrictYAMLError(M_("the front matter is not closed by a line '---'"), 1)
