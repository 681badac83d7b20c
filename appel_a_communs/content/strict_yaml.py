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
give the same events (tests/test_yaml_suite.py runs the YAML test suite on both); where
LibYAML finds a syntax error, the reference reads only the lines around it, to say what is
wrong in its own words without reading a long file twice (``_reread_around``). The
simplest texts, mappings of one-line texts such as a pledge, are read line by line
(``_read_simple``), where YAML has no choice to make; tests/test_strict_yaml_fast.py holds
each shortcut to the full way.
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
    DocumentEndEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.scanner import Scanner, ScannerError
from yaml.tokens import FlowMappingEndToken, FlowSequenceEndToken, ScalarToken

from appel_a_communs.content.types import (
    FORBIDDEN,
    LINE_SEPARATORS,
    SURROGATE,
    character_problem,
)
from appel_a_communs.i18n import M_, Message

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
_FORBIDDEN = re.compile(f"[{''.join(LINE_SEPARATORS)}]|(?<!^)\ufeff")
_FORBIDDEN_NAMES = {**LINE_SEPARATORS, "\ufeff": "byte order mark (U+FEFF)"}
_REFUSED_CHARACTER = re.compile(f"{_FORBIDDEN.pattern}|{Reader.NON_PRINTABLE.pattern}")
"""What no YAML file may hold as such: the characters YAML 1.1 and 1.2 read differently
and those YAML wants escaped (XML's forbidden ones among them)."""
_ANY_REFUSED = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
"""``_REFUSED_CHARACTER`` as one class of characters, ten times faster to search, except
that it refuses a byte order mark at the start too: searched from past that mark, it finds
a character exactly where that one finds one (a test checks every character)."""

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


class _Refusal(ScannerError):
    """A construct ``_StrictScanner`` refuses, with our message (translated in reports)."""

    def __init__(self, message: Message, mark: Any) -> None:
        super().__init__(None, None, str(message), mark)
        self.message = message


class _StrictScanner(Scanner):
    """PyYAML's scanner, refusing what it would read differently from YAML 1.2.

    Each override names the construct; the YAML test suite holds a case for each.
    """

    def __init__(self) -> None:
        super().__init__()
        self._last: object = None  # the last token scanned
        self._kept_break = True  # the block text being read keeps its last line break

    def _refuse(self, message: Message) -> None:
        raise _Refusal(message, self.get_mark())

    def fetch_more_tokens(self) -> None:
        super().fetch_more_tokens()
        if self.tokens:
            self._last = self.tokens[-1]

    def fetch_directive(self) -> None:
        self._refuse(M_("directives (%) are not allowed"))

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
                    self._refuse(M_("a comment (#) must be separated from the value by a space"))
                while self.peek() not in "\0\r\n":
                    self.forward()
            if self.scan_line_break():
                if not self.flow_level:
                    self.allow_simple_key = True
                continue
            if self.flow_level and self.column <= self.indent and ch not in "\0#":
                self._refuse(M_("a line inside brackets must be indented more than its key"))
            return

    def check_key(self) -> bool:
        """In brackets, ``?x`` is text in YAML 1.2, a key for PyYAML: refused."""
        if self.flow_level and self.peek(1) not in _BLANK:
            self._refuse(M_("'?' followed by text inside brackets: quote the text"))
        return super().check_key()

    def check_value(self) -> bool:
        """In brackets, ``:x`` is text in YAML 1.2 unless it follows a quoted key or a
        closed bracket; PyYAML reads a value: refused."""
        if self.flow_level and self.peek(1) not in _BLANK + ",[]{}":
            last = self._last
            quoted = isinstance(last, ScalarToken) and not last.plain
            if not (quoted or isinstance(last, FlowSequenceEndToken | FlowMappingEndToken)):
                self._refuse(M_("':' followed by text inside brackets: add a space or quote it"))
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
            self._refuse(M_("a continued line must be indented more than its key"))

    def scan_block_scalar(self, style: str) -> ScalarToken:
        """A block text's header on a line of its own is read differently by YAML readers
        (and ``key:`` then ``|`` below ``key`` is invalid).

        At the end of a file without a final line break, a block text's last line has no
        line break to keep: ``a: |`` then ``  x`` is "x", as YAML 1.2 says (chomping's
        "end of file") and LibYAML reads it. The one exception is a last line of spaces
        only, when the line break is kept (``|``, ``|+``, ``>``): YAML 1.2 and LibYAML
        give "x\\n " there, the YAML test suite (L24T) "x\\n \\n"; refused."""
        if not self.buffer[self.pointer - self.column : self.pointer].strip(" "):
            self._refuse(M_("put the block text's '|' or '>' on the line of its key"))
        token = super().scan_block_scalar(style)
        last = token.value.rpartition("\n")[2]
        if last and not last.strip(" \t") and self._kept_break:
            self._refuse(
                M_("a block text ends the file on a line of spaces; remove them or end the line")
            )
        return token

    def scan_block_scalar_indicators(self, start_mark: Any) -> tuple[bool | None, int | None]:
        """Readers disagree about the lines of spaces of a block text whose indentation is
        given (``|2``): refused, the text's own indentation says it."""
        chomping, increment = super().scan_block_scalar_indicators(start_mark)
        self._kept_break = chomping is not False
        if increment is not None:
            self._refuse(M_("indentation indicators ('|2') are not allowed; indent the text"))
        return chomping, increment

    def scan_block_scalar_indentation(self) -> tuple[list[str], int, Any]:
        """Blank lines before a block scalar's first line may not be indented more."""
        chunks, max_indent, end_mark = super().scan_block_scalar_indentation()
        if self.peek() not in "\0\r\n" and max(self.indent + 1, 1) <= self.column < max_indent:
            self._refuse(M_("a blank line before the text is indented more than its first line"))
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
# where a quoted text may start: a line's start, after '- ' or ': ', and after an anchor or tag
_QUOTE_START = re.compile(r"(?:^ *(?:- +)*|: +|- +)(?:[&!][^ \n]* +)*([\"'])", re.MULTILINE)
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


_TYPED_START = frozenset("~nNtTfF-0123456789")
"""The first characters of every plain scalar that is not text (``_NULL``, ``_BOOL``,
``_INT``, ``_DATE``); the empty scalar, None, has none."""


def _plain_scalar(value: str, line: int, path: Path_) -> Any:
    """A plain scalar's value: most are text starting with a letter, returned at once."""
    if value and value[0] not in _TYPED_START:
        return value
    return _typed_plain_scalar(value, line, path)


def _typed_plain_scalar(value: str, line: int, path: Path_) -> Any:
    """A plain scalar's value under the policy of the module docstring, tried in full."""
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
        message = M_("a block text ('|' or '>') without text; write '' for an empty text")
        raise StrictYAMLError(message, line, path)
    if event.style == '"' and SURROGATE.search(event.value):
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
_STARTS = {MappingStartEvent, SequenceStartEvent}
_UNCHECKED = {StreamStartEvent, DocumentEndEvent}
"""The events ``feed`` lets by (with the stream's end)."""
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

    def walk(self, parser: Any) -> None:
        """Feed every event of ``parser`` (LibYAML's), as ``feed`` would one by one, and
        dispose of the parser. Nine events in ten are a key, a text or an end, so those are
        handled here, in one loop, when ``feed`` would accept them as they are: a key
        that is text and new, a plain, single-quoted or (without a lone surrogate)
        double-quoted text without anchor or tag, the end of a mapping or a list. Every
        other event, and every one ``feed`` would refuse, goes to ``feed``, which has the
        last word on it."""
        get = parser.get_event
        stack = self.stack
        lines = self.lines
        try:
            while True:
                event = get()
                kind = type(event)
                if kind is ScalarEvent:
                    if stack and event.anchor is None and event.tag is None:
                        parent = stack[-1]
                        container = parent.value
                        value = event.value
                        style = event.style
                        if style == '"' and SURROGATE.search(value):
                            self.feed(event)  # refused, by the key's or the value's rule
                            continue
                        line = event.start_mark.line + 1
                        if type(container) is not dict:
                            path = (*parent.path, len(container))
                            lines.setdefault(path, line)
                            if not style:
                                value = _plain_scalar(value, line, path)
                            elif style not in ("'", '"'):
                                value = _scalar(event, line, path)
                            container.append(value)  # type: ignore[union-attr]
                            continue
                        key = parent.key
                        if key is None:
                            if (style or (value != "<<" and value not in _NULL)) and (
                                value not in container
                            ):
                                lines[(*parent.path, value)] = line
                                parent.key = value
                                continue
                        else:
                            # the key's line is the value's path's (``_key``)
                            if not style:
                                value = _plain_scalar(value, line, (*parent.path, key))
                            elif style not in ("'", '"'):
                                value = _scalar(event, line, (*parent.path, key))
                            container[key] = value
                            parent.key = None
                            continue
                elif kind in _ENDS:
                    stack.pop()
                    continue
                elif kind in _STARTS:
                    if (
                        stack
                        and event.anchor is None
                        and event.tag is None
                        and len(stack) < MAX_DEPTH
                        and (type(stack[-1].value) is not dict or stack[-1].key is not None)
                    ):
                        parent = stack[-1]
                        path = self._path(parent)
                        lines.setdefault(path, event.start_mark.line + 1)
                        value = {} if kind is MappingStartEvent else []
                        self._attach(parent, value)
                        stack.append(_Frame(value, path))
                        continue
                elif kind is StreamEndEvent:
                    return
                elif kind in _UNCHECKED:
                    continue
                self.feed(event)
        finally:
            parser.dispose()

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
        if SURROGATE.search(key):
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


def _syntax_error(exc: yaml.YAMLError, text: str, offset: int = 0) -> StrictYAMLError:
    """A YAML reader's error as ours, its line counted from ``offset`` (0-based)."""
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1 + offset
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return StrictYAMLError(
            M_("invalid YAML: the character U+%(code)04X is not allowed", code=code), line
        )
    if isinstance(exc, _Refusal):
        return StrictYAMLError(exc.message, exc.problem_mark.line + 1 + offset)
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        return StrictYAMLError(M_("invalid YAML: %(problem)s", problem=problem), line)
    return StrictYAMLError(M_("invalid YAML: %(problem)s", problem=str(exc)))


def _read_reference(text: str) -> _Builder:
    try:
        return _build(_events(_StrictParser(text)))
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, text) from None


# --- the simplest texts, read line by line ----------------------------------------------------

# A line of a block mapping holding only mappings and one-line texts: indentation, a key of
# letters, digits, '_' and '-', then nothing (a mapping below, or null), a plain text that
# starts with no indicator and holds none of ':#,[]{}'"', nor ends with a space, a
# single-quoted text without a quote or a double-quoted one without '\' or '"'; no tab nor
# carriage return; each line up to its line break.
_SIMPLE_LINES = re.compile(
    r"^( *)([A-Za-z_][A-Za-z0-9_-]*):(?: +(?:"
    r"([^\s\-?:,\[\]{}#&*!|>'\"%@`](?:[^\t\r\n:#,\[\]{}'\"]*[^\s:#,\[\]{}'\"])?)"
    r"|('[^'\t\r\n]*')|(\"[^\"\\\t\r\n]*\")))?\n",
    re.MULTILINE,
)
_SIMPLE_DEPTH = 10
"""Levels ``_read_simple`` reads; a deeper text goes to the other readers."""


def _read_simple(text: str) -> _Builder | None:
    """What ``_Builder`` makes of ``text`` when it holds only mappings of keys of letters,
    digits, '_' and '-' at the top level and below, their values one-line texts (plain, or
    quoted without escapes) or nothing, each key on its own line, the top level at column 0:
    most content files (a pledge, an actor). None for any other text, and for one that
    breaks a rule here (a duplicate key, a bad indentation), so that the other readers say
    what is wrong in their words. On these texts YAML has no choice to make: a line is a
    key, its value is the rest of the line as written, or the lines below indented more.

    A plain text's typing (``_plain_scalar``) may refuse it (a date that is not one, a long
    number); the first such refusal is raised, as ``_Builder`` would, once the whole text
    is known to be one ``_read_simple`` reads."""
    rows = _SIMPLE_LINES.findall(text)
    # each match is one whole line (from a line's start to its line break): as many
    # matches as line breaks, and a line break at the end, is every line matched
    if len(rows) != text.count("\n") or not text.endswith("\n"):
        return None
    builder = _Builder()
    root: dict[str, Any] = {}
    builder.root = root
    lines = builder.lines
    lines[()] = 1
    stack: list[tuple[int, dict[str, Any], Path_]] = [(0, root, ())]
    indent, mapping, base = stack[0]  # the mapping being read, its indentation and path
    opened: tuple[dict[str, Any], str, Path_] | None = None  # a key with nothing after it
    refusal: StrictYAMLError | None = None
    for number, (spaces, key, plain, single, double) in enumerate(rows, 1):
        if len(spaces) != indent:
            if len(spaces) > indent:
                if opened is None or len(stack) >= _SIMPLE_DEPTH:
                    return None
                parent, parent_key, base = opened
                mapping = parent[parent_key] = {}
                stack.append((len(spaces), mapping, base))
            else:
                while len(spaces) < stack[-1][0]:
                    stack.pop()
                if len(spaces) != stack[-1][0]:
                    return None
            indent, mapping, base = stack[-1]
        if key in mapping or key in _NULL:
            return None
        path = (*base, key)
        lines[path] = number
        opened = None
        value: Any
        if plain:
            if plain[0] not in _TYPED_START:
                value = plain
            else:
                try:
                    value = _typed_plain_scalar(plain, number, path)
                except StrictYAMLError as exc:
                    refusal = refusal or exc
                    value = None
        elif single or double:
            value = (single or double)[1:-1]
        else:
            value = None
            opened = (mapping, key, path)
        mapping[key] = value
    if refusal is not None:
        raise refusal
    return builder


def _read(text: str) -> _Builder:
    """The reference reader, or a faster one where it reads ``text`` the same way: the
    line reader (``_read_simple``) for the simplest texts, else LibYAML. Where LibYAML
    finds an anchor, alias or tag, the reference reads the text again and words the
    refusal; where LibYAML finds a syntax error, the reference reads only the lines
    around it (``_reread_around``), so the message is the reference's all the same."""
    if FAST:
        simple = _read_simple(text)
        if simple is not None:
            return simple
    if FAST and _plain_enough(text):
        builder = _Builder()
        try:
            builder.walk(CParser(text))
            return builder
        except _PropertyError:
            pass
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            if mark is not None:
                error = _reread_around(text, mark.line, builder)
                if error is not None:
                    raise error from None
        except yaml.YAMLError:
            pass
    return _read_reference(text)


# A line that starts a key of a mapping at the top level, as a fresh document would.
_TOP_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_ .-]*:(?: |$)")
_WINDOW = 20
"""Lines read past LibYAML's error, at first, by ``_reread_around``."""


def _reread_around(text: str, error_line: int, builder: _Builder) -> StrictYAMLError | None:
    """The reference's error on ``text``, which ``_plain_enough`` let through and LibYAML
    failed to read at ``error_line`` (0-based), reading only lines from the last top-level
    key before that line; None when no such key proves the reading the same.

    Why a window gives the reference's message and line: ``_plain_enough`` is checked line
    by line, so the text up to the start of any line is a text it lets through, and
    LibYAML read it without error up to ``error_line``; on such texts both readers give
    the same events (the premise of the fast reader, which the YAML test suite and the
    random texts of tests/test_strict_yaml.py check), so the reference reads the lines
    before the window without error. At a line starting at column 0 with ``key:``, in a
    text whose top level is a mapping at column 0, the reference is where a fresh
    document's first key leaves it: no bracket is open (``_plain_enough`` closes them on
    their line), no quoted text goes on (closed on their line too), a plain or block text
    ends at column 0, and only the mapping at the top level is open. The window's reader
    gets the keys read before it (for duplicates), and its error counts only if its
    scanner stopped at least two lines before the window's end (PyYAML's scanner looks at
    most a few characters into the next line), or the window reaches the text's end;
    otherwise the window grows."""
    if Reader.NON_PRINTABLE.search(text):
        return None  # the reference refuses the whole text at once
    lines = text.split("\n")  # the last item is "": the text ends with a line break
    first = next((i for i, line in enumerate(lines) if line.strip(" ")[:1] not in ("", "#")), 0)
    if not _TOP_KEY.match(lines[first]):
        return None
    start = next(
        (
            i
            for i in range(min(error_line, len(lines)) - 1, first - 1, -1)
            if _TOP_KEY.match(lines[i])
        ),
        None,
    )
    if start is None:
        return None
    keys = [path[0] for path, line in builder.lines.items() if len(path) == 1 and line <= start]
    size = _WINDOW
    while True:
        end = min(error_line + 1 + size, len(lines) - 1)
        window = "\n".join(lines[start:end]) + "\n"
        parser = _StrictParser(window)
        error = _window_error(parser, window, start, keys)
        if end == len(lines) - 1:
            return error  # the window is the rest of the text: what the reference says
        if error is not None and parser.line < end - start - 2:
            return error
        size = 4 * size + 1  # no error, or one the window's end may have caused: read further


def _window_error(parser: Any, window: str, start: int, keys: list[str]) -> StrictYAMLError | None:
    """The reference's error on a window starting at line ``start`` (0-based) of a text,
    after the top-level ``keys`` of the lines before it; None if it reads the window."""
    builder = _Builder()
    try:
        for event in _events(parser):
            builder.feed(event)
            if keys and builder.root is not None:
                builder.root.update(dict.fromkeys(keys))  # type: ignore[union-attr]
                keys = []
    except StrictYAMLError as exc:
        if exc.line is not None:
            exc.line += start
        return exc
    except yaml.YAMLError as exc:
        return _syntax_error(exc, window, start)
    return None


def _normalised(text: str) -> str:
    """Line breaks as ``\\n`` (YAML reads them so anyway); characters that YAML 1.1 and
    1.2 read differently, or that YAML wants escaped, refused (``_character_error``)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    error = _character_error(text)
    if error is not None:
        raise error
    return text


def _character_error(text: str) -> StrictYAMLError | None:
    """The first refused character of ``text`` (see ``_REFUSED_CHARACTER``), at its line
    and, when the text reads without it, at its key: a character of a text is refused on
    its field, whether the file writes it as such or escaped (``"\\x01"``, which the
    models refuse), in the words the models use (``types.character_problem``)."""
    if _ANY_REFUSED.search(text, 1 if text.startswith("\ufeff") else 0) is None:
        return None
    bad = _REFUSED_CHARACTER.search(text)
    if bad is None:
        return None
    char = bad.group()
    line = text.count("\n", 0, bad.start()) + 1
    if char in _FORBIDDEN_NAMES:
        message = M_("the text holds a %(name)s character; remove it", name=_FORBIDDEN_NAMES[char])
    elif FORBIDDEN.match(char):
        message = character_problem(char)
    else:
        message = M_("invalid YAML: the character U+%(code)04X is not allowed", code=ord(char))
    try:
        lines = _read(_REFUSED_CHARACTER.sub("\ufffd", text)).lines
    except StrictYAMLError:
        return StrictYAMLError(message, line)
    # the key whose value holds the line: the last one starting at that line or before
    before = [path for path, start in lines.items() if start <= line]
    return StrictYAMLError(message, line, before[-1] if before else ())


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
    if builder.root is None:
        raise StrictYAMLError(M_("the YAML block is empty"), first_line)
    if not offset:
        return Document(builder.root, builder.lines)
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
    except _JSONValueError as exc:
        exc.line = _json_line(text, exc.kind)
        raise
    if _has_surrogate(value):
        raise StrictYAMLError(
            M_("a \\u escape names a lone surrogate, not a character"),
            _json_line(text, "surrogate"),
        )
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


class _JSONValueError(StrictYAMLError):
    """A value json.loads hands to a hook and the hook refuses; ``kind`` says which, so that
    ``_json_line`` finds its line."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


def _json_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise _JSONValueError(
            M_("a number of more than %(most)d digits", most=MAX_INT_DIGITS), "number"
        )
    return int(digits)


def _json_constant(name: str) -> None:
    raise _JSONValueError(M_("%(name)s is not allowed", name=name), "constant")


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _JSONValueError(M_("duplicate key '%(key)s'", key=key), "duplicate")
        result[key] = value
    return result


def _has_surrogate(value: Any) -> bool:
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            if SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            todo.extend(item)
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
    return False


_JSON_LEXEME = re.compile(
    r'(?P<string>"(?:[^"\\]|\\.)*")'
    r"|(?P<number>-?(?:0|[1-9][0-9]*)(?P<fraction>(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?))"
    r"|(?P<constant>NaN|-?Infinity)"
    r"|(?P<open>[\[{])|(?P<close>[\]}])|(?P<comma>,)|[^\s]"
)


def _json_line(text: str, kind: str) -> int | None:
    """The line of the first refused value of ``kind`` in the order json.loads meets it: a
    long number or a constant as it is read, a duplicate key when its object closes (inner
    objects first), a lone surrogate in the first text holding one."""
    objects: list[list[tuple[str, int]] | None] = []  # per open bracket: its keys, or None
    expect_key = False
    for match in _JSON_LEXEME.finditer(text):
        group, token = match.lastgroup, match.group()
        found = False
        if group == "string":
            if kind == "surrogate" and ("\\u" in token or SURROGATE.search(token)):
                found = bool(SURROGATE.search(json.loads(token)))
            elif expect_key and objects and objects[-1] is not None:
                objects[-1].append((json.loads(token), match.start()))
            expect_key = False
        elif group == "number":
            found = (
                kind == "number"
                and not match.group("fraction")
                and (len(token.lstrip("-")) > MAX_INT_DIGITS)
            )
        elif group == "constant":
            found = kind == "constant"
        elif group == "open":
            objects.append([] if token == "{" else None)
            expect_key = token == "{"
        elif group == "close":
            keys = objects.pop() if objects else None
            seen: set[str] = set()
            for key, start in keys or ():
                if key in seen and kind == "duplicate":
                    return text.count("\n", 0, start) + 1
                seen.add(key)
        elif group == "comma":
            expect_key = bool(objects) and objects[-1] is not None
        if found:
            return text.count("\n", 0, match.start()) + 1
    return None


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
