"""Read back the fields of a GitHub issue created from an issue form.

GitHub does not store form answers: it turns them into the issue's Markdown body, one
section per non-``markdown`` element, every one of them, in template order::

    ### <label>

    <value, or _No response_>

A ``textarea`` with ``render: <lang>`` gets its value wrapped in a ```` ```<lang> ```` fence,
a multiple ``dropdown`` joins the chosen options with ", ", and ``checkboxes`` become
``- [X] <label>`` / ``- [ ] <label>`` lines.

Which ``### <label>`` lines are the sections? A textarea may hold any line, including
``### <the label of another field>``, so a heading alone proves nothing. The parser
chooses, among all the ways to give each field at most one of the heading lines bearing
its label, in template order (required fields always one):

1. the most sections found (GitHub writes them all);
2. then the fewest sections whose text their field cannot hold (an input is one line, a
   dropdown one of its options, a checkbox section only its options' boxes);
3. then the latest heading for the last field, then the latest for the one before, and
   so on back to the first.

Rule 3 makes every ``### <label>`` line typed in a value stay in that value, whatever
field it names, except a value typing *its own* label. Proof: take a body GitHub wrote,
with true heading lines p1 < … < pn. Every line ``### <label n>`` after pn lies in the
last value, so if that value does not type its own label, pn is the last such line;
and the truth is a reading with all n sections, every one of them valid, so rules 1 and 2
keep it in the running and rule 3 picks pn. Given pk+1, every line ``### <label k>``
between pk and pk+1 lies in value k, so the same argument picks pk, down to p1.

A value that types its own label is still told apart by rule 2 when the field before it
is an input, a dropdown or checkboxes, which cannot hold the extra lines. After a
textarea the body is truly ambiguous (GitHub writes the same body when the earlier
textarea typed that heading), and the line is read as part of the earlier textarea.
Rules 1 and 2 also keep a section GitHub wrote from being absorbed by the one before
when it looks invalid: an unknown heading or an edited answer then gives an error naming
the field, instead of text moving between fields. Headings inside code fences or HTML
comments are not treated apart: the rules above do not need it, and GitHub's own fence
around a rendered textarea makes fences an unreliable guide across sections.

Values: HTML comments, which GitHub does not show, are removed outside code (fenced
blocks and code spans; an unclosed ``<!--`` is kept as typed), ``_No response_`` (also
escaped, ``\\_No response\\_``) is no answer, and a rendered textarea loses GitHub's fence.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection
from functools import cache
from os import PathLike
from pathlib import Path
from typing import Any

import yaml

from appel_a_communs.i18n import M_, Message, message_from_record, message_record

NO_RESPONSE = "_No response_"
# GitHub reserves "None" for a dropdown left empty when it is not required.
NO_CHOICE = "None"
UNREADABLE = "_unreadable_issue"
"""The envelope data key that carries why an issue body could not be read (see fetch)."""

MAX_REPEATED_HEADINGS = 50
"""How many ``### <label>`` lines beyond one per label a body may hold (typed in values)."""

_FIELD_TYPES = {"input", "textarea", "dropdown", "checkboxes"}
_HEADING = re.compile(r" {0,3}###[ \t]+(.*?)[ \t]*")
_ANY_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]+.*)?")
_FENCE_OPEN = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_FENCE_CLOSE = re.compile(r" {0,3}(`{3,}|~{3,})[ \t]*")
_CHECKBOX = re.compile(r"[ \t]*[-*+][ \t]+\[([ xX]?)\][ \t]+(.*?)[ \t]*")
_EMPTY = re.compile(r"\\?_no response\\?_", re.IGNORECASE)
_SEPARATOR = re.compile(r",[ \t]*")

Value = str | list[str] | None


class IssueFormError(ValueError):
    """A template that cannot drive the parser, or a body that does not fit its template.

    ``field`` is the id of the field at fault, when there is one (None for the template).
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def load_template(path: str | PathLike[str]) -> dict:
    """Read an issue form template, refusing files that have no ``body`` list to walk."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, ValueError) as exc:  # ValueError: not UTF-8
        raise IssueFormError(f"{path}: cannot read the template: {exc}") from exc
    try:
        template = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        # RecursionError: nesting deeper than the stack (``[[[…]]]``); ValueError: a
        # scalar PyYAML recognises but cannot build, such as the date 2024-13-45.
        why = "nested too deeply" if isinstance(exc, RecursionError) else exc
        raise IssueFormError(f"{path}: not valid YAML: {why}") from exc
    if not isinstance(template, dict) or not isinstance(template.get("body"), list):
        raise IssueFormError(f"{path}: an issue form template needs a `body` list")
    return template


def form_fields(template: dict) -> list[dict]:
    """The elements that produce a section in the issue body, in template order.

    Each is ``{"id", "type", "label", "required", "options", "multiple", "render"}``;
    ``id`` may be None (GitHub allows it), ``options`` holds dropdown options or checkbox
    labels. A checkboxes element counts as required when one of its options is, since
    GitHub then cannot create the issue without that section.
    """
    body = template.get("body") if isinstance(template, dict) else None
    if not isinstance(body, list):
        raise IssueFormError("an issue form template needs a `body` list")
    fields = []
    for index, element in enumerate(body):
        where = f"body[{index}]"
        if not isinstance(element, dict):
            raise IssueFormError(f"{where}: each body element must be a mapping")
        kind = element.get("type")
        if kind == "markdown":
            continue
        if kind not in _FIELD_TYPES:
            raise IssueFormError(f"{where}: unknown element type {kind!r}")
        attributes = element.get("attributes") or {}
        validations = element.get("validations") or {}
        if not isinstance(attributes, dict) or not isinstance(validations, dict):
            raise IssueFormError(f"{where}: `attributes` and `validations` must be mappings")
        label = _text(attributes.get("label"), f"{where}.attributes.label")
        element_id = element.get("id")
        if element_id is not None:
            element_id = _text(element_id, f"{where}.id")
        options: list[str] = []
        required = validations.get("required") is True
        if kind in {"dropdown", "checkboxes"}:
            raw_options = attributes.get("options")
            if not isinstance(raw_options, list) or not raw_options:
                raise IssueFormError(f"{where}.attributes.options: must be a non-empty list")
            for n, option in enumerate(raw_options):
                option_where = f"{where}.attributes.options[{n}]"
                if kind == "checkboxes":
                    if not isinstance(option, dict):
                        raise IssueFormError(f"{option_where}: a checkbox needs a `label`")
                    options.append(_text(option.get("label"), f"{option_where}.label"))
                    required = required or option.get("required") is True
                else:
                    options.append(_text(option, option_where))
        render = attributes.get("render") if kind == "textarea" else None
        fields.append(
            {
                "id": element_id,
                "type": kind,
                "label": label,
                "required": required,
                "options": options,
                "multiple": kind == "dropdown" and attributes.get("multiple") is True,
                "render": _text(render, f"{where}.attributes.render") if render else None,
            }
        )
    return fields


def parse_issue_body(template: dict, body: str) -> dict[str, Value]:
    """Map each field id to its answer: text or None, or a list for multi-choice fields.

    Sections are chosen as the module docstring says; a missing optional section gives
    None (or []). Raises IssueFormError, naming the field, when a required section is
    missing or a section holds what its field cannot (a dropdown answer that is none of
    its options, a line that is none of the checkboxes, several lines for an input).
    """
    fields = form_fields(template)
    lines = (body or "").lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    end = len(lines)
    labels = [_nfc(f["label"]) for f in fields]
    heads: dict[str, list[int]] = {label: [] for label in labels}
    for i, line in enumerate(lines):
        match = _HEADING.fullmatch(line)
        if match and (label := _nfc(match.group(1))) in heads:
            heads[label].append(i)
    candidates = [heads[label] for label in labels]
    repeated = sum(max(len(at) - 1, 0) for at in heads.values())
    if repeated > MAX_REPEATED_HEADINGS:  # the search below grows with their square
        raise IssueFormError(
            M_(
                "the body repeats the headings of this form's sections %(count)d times (at "
                "most %(most)d): it cannot be read as an answer to the form",
                count=repeated,
                most=MAX_REPEATED_HEADINGS,
            )
        )
    body_lines = _Lines(lines)
    keys = heads.keys()

    @cache
    def section(k: int, at: int, until: int) -> Value | IssueFormError:
        try:
            return _value(fields[k], lines[at + 1 : until], keys)
        except IssueFormError as exc:
            return exc

    @cache
    def invalid(k: int, at: int, until: int) -> bool:
        return not body_lines.fits(fields[k], at + 1, until, keys)

    @cache
    def best(k: int, limit: int) -> tuple[int, int, tuple[int, ...]] | None:
        """The best reading of fields 0..k with their headings before line ``limit``:
        (sections found, minus invalid sections, heading lines from field k down)."""
        if k < 0:
            return (0, 0, ())
        choice = None
        for at in candidates[k]:
            if at >= limit:
                break
            rest = best(k - 1, at)
            if rest is None:
                continue
            # A textarea holds anything: only the other fields' sections can be invalid.
            wrong = fields[k]["type"] != "textarea" and invalid(k, at, limit)
            option = (rest[0] + 1, rest[1] - wrong, (at, *rest[2]))
            choice = option if choice is None or option > choice else choice
        if not fields[k]["required"] and (rest := best(k - 1, limit)) is not None:
            option = (rest[0], rest[1], (-1, *rest[2]))
            choice = option if choice is None or option > choice else choice
        return choice

    reading = best(len(fields) - 1, end)
    if reading is None:
        raise _missing(fields, candidates)
    starts = list(reversed(reading[2]))
    values: dict[str, Value] = {
        f["id"]: ([] if _is_list(f) else None) for f in fields if f["id"] is not None
    }
    until = end
    found: dict[int, Value | IssueFormError] = {}
    for k in range(len(fields) - 1, -1, -1):
        if starts[k] >= 0:
            found[k] = section(k, starts[k], until)
            until = starts[k]
    for k in sorted(found):
        value = found[k]
        if isinstance(value, IssueFormError):
            raise value
        if fields[k]["id"] is not None:
            values[fields[k]["id"]] = value
    return values


def unreadable_entry(exc: ValueError) -> dict[str, Any]:
    """What an envelope carries under ``UNREADABLE`` when its issue body cannot be read.

    The envelope is kept (nothing is lost) and the processor rejects it with this problem,
    naming the field, instead of reporting the fields it lacks. The message travels with
    its message id and parameters, so that the report can translate it.
    """
    field = getattr(exc, "field", None)
    problem = exc.args[0] if exc.args else str(exc)
    entry: dict[str, Any] = {"problem": str(problem)}
    if isinstance(problem, Message):
        entry["message"] = message_record(problem)
    return {**entry, **({"field": field} if field else {})}


def unreadable_problem(entry: Any) -> tuple[str | None, Message]:
    """(form field id or None, message) for the rejection report of such an envelope."""
    if isinstance(entry, dict):
        field = entry.get("field")
        problem = message_from_record(entry.get("message")) or str(entry.get("problem"))
    else:  # envelopes fetched before the entry named its field
        field, problem = None, str(entry)
    return (
        field if isinstance(field, str) and field else None,
        M_("the issue body does not fit its form: %(problem)s", problem=problem),
    )


def _missing(fields: list[dict], candidates: list[list[int]]) -> IssueFormError:
    """The first required section that cannot be found after the ones before it."""
    start = 0
    for field, heads in zip(fields, candidates, strict=True):
        at = next((i for i in heads if i >= start), None)
        if at is not None:
            start = at + 1
        elif field["required"]:
            return IssueFormError(
                M_("the required section “### %(label)s” is missing", label=field["label"]),
                field["id"],
            )
    return IssueFormError(M_("the sections of the body are not in the order of the form"))


def _text(value: Any, where: str) -> str:
    """Template text must be a YAML string: an unquoted ``Yes`` or ``1.10`` loses its spelling."""
    if not isinstance(value, str) or not value.strip():
        raise IssueFormError(f"{where}: must be a non-empty string (quote it in the YAML)")
    return value.strip()


def _is_list(field: dict) -> bool:
    return field["type"] == "checkboxes" or (field["type"] == "dropdown" and field["multiple"])


def _nfc(text: str) -> str:
    """Labels and options compare after Unicode normalisation: an editor may decompose “é”."""
    return unicodedata.normalize("NFC", text)


def _blank(line: str) -> bool:
    return not line.strip()


def _strip_blank_lines(lines: list[str]) -> list[str]:
    first = 0
    last = len(lines)
    while first < last and _blank(lines[first]):
        first += 1
    while last > first and _blank(lines[last - 1]):
        last -= 1
    return lines[first:last]


def _excerpt(text: str, size: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


def _value(field: dict, section: list[str], labels: Collection[str] = ()) -> Value:
    """Turn the lines of one section into the field's value, or raise IssueFormError.

    ``labels`` (NFC) are the form's: a heading naming none of them, in a section that
    cannot hold it, is pointed out as a section the form does not have.
    """
    if field["render"]:
        fenced = _strip_blank_lines(section)
        inner = _unfence(fenced)
        if inner is not fenced:  # GitHub's code block: the text exactly as typed
            text = "\n".join(_strip_blank_lines(inner))
            return text if text.strip() else None
    return _read(field, _strip_blank_lines(_strip_comments(section)), labels)


def _read(field: dict, lines: list[str], labels: Collection[str] = ()) -> Value:
    """The value of a section whose comments are gone, or IssueFormError.

    Whether it raises depends only on the lines that are not blank (see ``_Lines.fits``).
    """
    text = "\n".join(lines)
    empty = not text.strip() or _EMPTY.fullmatch(text.strip()) is not None
    if field["type"] == "checkboxes":
        return [] if empty or text.strip() == NO_CHOICE else _checked(field, lines, labels)
    if field["type"] == "dropdown":
        if empty or text.strip() == NO_CHOICE:
            return [] if field["multiple"] else None
        if len(lines) > 1:
            raise _several_lines(field, lines, labels, M_("must hold its option(s) on one line"))
        if field["multiple"]:
            return _split_options(field, text.strip())
        option = _option(field, text.strip())
        if option is None:
            raise _not_an_option(field, text.strip())
        return option
    if empty:
        return None
    if field["type"] == "input":
        if len(lines) > 1:
            raise _several_lines(field, lines, labels, M_("is a one-line answer"))
        return text.strip()
    if field["render"]:  # a comment was added after GitHub's fence
        text = "\n".join(_strip_blank_lines(_unfence(lines)))
    return text if text.strip() else None


def _several_lines(
    field: dict, lines: list[str], labels: Collection[str], what: Message
) -> IssueFormError:
    """Several lines where one is expected: often a heading the form does not have."""
    heading = _unknown_heading(lines, labels)
    params = {"label": field["label"], "what": what, "count": len(lines)}
    message = (
        M_("“### %(label)s” %(what)s, but it holds %(count)d lines", **params)
        if heading is None
        else M_(
            "“### %(label)s” %(what)s, but it holds %(count)d lines "
            "(“%(heading)s” is not a section of this form)",
            heading=_excerpt(heading),
            **params,
        )
    )
    return IssueFormError(message, field["id"])


def _unknown_heading(lines: list[str], labels: Collection[str]) -> str | None:
    """The first heading line that names no field of the form, if any."""
    for line in lines:
        if _ANY_HEADING.fullmatch(line):
            match = _HEADING.fullmatch(line)
            if match is None or _nfc(match.group(1)) not in labels:
                return line.strip()
    return None


def _not_an_option(field: dict, piece: str) -> IssueFormError:
    options = "; ".join(field["options"])
    return IssueFormError(
        M_(
            "“%(piece)s” is not one of the options of “### %(label)s” (%(options)s)",
            piece=_excerpt(piece),
            label=field["label"],
            options=options,
        ),
        field["id"],
    )


def _option(field: dict, text: str) -> str | None:
    """The template's spelling of the option ``text`` names, or None."""
    text = _nfc(text)
    return next((o for o in field["options"] if _nfc(o) == text), None)


def _strip_comments(lines: list[str]) -> list[str]:
    """Remove the HTML comments GitHub hides, but not those inside code.

    Fenced blocks (a fence left open runs to the end of the section, as in Markdown) are
    kept verbatim; elsewhere code spans are kept and ``<!-- … -->`` removed, across lines
    if need be. A ``<!--`` that nothing closes is kept as typed: no text is lost unseen.
    """
    out: list[str] = []
    prose: list[str] = []
    fence: tuple[str, int] | None = None
    for line in lines:
        if fence is not None:
            out.append(line)
            close = _FENCE_CLOSE.fullmatch(line)
            if close and close.group(1)[0] == fence[0] and len(close.group(1)) >= fence[1]:
                fence = None
            continue
        opening = _FENCE_OPEN.fullmatch(line)
        if opening and not (opening.group(1)[0] == "`" and "`" in opening.group(2)):
            out.extend(_uncomment("\n".join(prose)).split("\n") if prose else [])
            prose = []
            fence = (opening.group(1)[0], len(opening.group(1)))
            out.append(line)
            continue
        prose.append(line)
    if prose:
        out.extend(_uncomment("\n".join(prose)).split("\n"))
    return out


_INLINE = re.compile(r"\\|`+|<!--")


def _uncomment(text: str) -> str:
    """``text`` without its HTML comments, code spans and backslash escapes left alone."""
    if "<!--" not in text:
        return text
    out: list[str] = []
    line_at = 0  # out[line_at:] is the output line being written, out[:line_at] ends with \n
    blank = True  # whether that line is blank so far

    def add(piece: str) -> None:
        nonlocal line_at, blank
        cut = piece.rfind("\n")
        if cut < 0:
            blank = blank and not piece.strip()
            out.append(piece)
        else:
            out.append(piece[: cut + 1])
            line_at = len(out)
            out.append(piece[cut + 1 :])
            blank = not piece[cut + 1 :].strip()

    i = 0
    while (found := _INLINE.search(text, i)) is not None:
        add(text[i : found.start()])
        token, i = found.group(), found.end()
        if token == "\\":
            add(text[found.start() : i + 1])
            i += 1
        elif token[0] == "`":
            close = _closing_run(len(token)).search(text, i)
            stop = close.end() if close else i
            add(text[found.start() : stop])
            i = stop
        else:
            close_at = text.find("-->", i)
            if close_at == -1:  # nothing closes it: kept as typed
                add(text[found.start() :])
                return "".join(out)
            i = close_at + 3
            line_end = text.find("\n", i)
            line_end = len(text) if line_end == -1 else line_end
            if blank and not text[i:line_end].strip():
                # The comment fills its lines, which go with it, as on GitHub's page.
                del out[line_at:]
                i = line_end + 1
    add(text[i:])
    return "".join(out)


@cache
def _closing_run(size: int) -> re.Pattern[str]:
    """A run of exactly ``size`` backticks: what closes a code span opened by such a run."""
    return re.compile(rf"(?<!`)`{{{size}}}(?!`)")


@cache
def _closing_fence(char: str, size: int) -> re.Pattern[str]:
    """A line that closes a fence opened by ``size`` times ``char`` (see _FENCE_CLOSE)."""
    return re.compile(rf"^ {{0,3}}{re.escape(char)}{{{size},}}[ \t]*$", re.MULTILINE)


_NONBLANK = re.compile(r"\S")


class _Lines:
    """A body's lines, and what ``_strip_comments`` makes of any section of them, found
    without stripping each section anew: the search weighs up to (headings)² sections, and
    a body may be 65 536 characters of comments.

    The stripping of lines ``s:e`` is a walk over the text from line s: prose runs up to
    the next line that opens a fence (whatever the walk did before), a fence to its closing
    line, and in prose each ``\\`` escape, code span and comment is found by searching on
    from the last one. Two facts make walks cheap:

    - A walk that reaches a line break outside any code span, comment or fence carries on
      exactly as a walk starting on the next line: one walk (``_Walk``) serves every
      section, and walks meet at such breaks (``owner``) instead of walking on side by side.
    - Cutting the text at line e changes the walk only where a code span or a comment
      opened before the cut closes after it: the comment is then kept as typed to the cut,
      and the code span's backticks are kept and the walk goes on after them (a walk of its
      own, ``run``). Everything else is read from the walk of the whole text.

    Comments that fill their lines also take those lines with them; that only drops blank
    lines, which change no section's validity, so the walks ignore it (``fits``).
    """

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.text = "\n".join(lines)
        size = len(lines)
        self.size = size
        self.off = [0] * (size + 1)  # where each line starts; off[size] is past the end
        self.nonblank = [0] * (size + 1)  # prefix counts of the lines that are not blank
        for j, line in enumerate(lines):
            self.off[j + 1] = self.off[j] + len(line) + 1
            self.nonblank[j + 1] = self.nonblank[j] + (not _blank(line))
        self.opener = [size] * (size + 1)  # the first line at or after j that opens a fence
        for j in range(size - 1, -1, -1):
            line = lines[j]
            head = line[:6]
            opening = ("```" in head or "~~~" in head) and _FENCE_OPEN.fullmatch(line)
            opens = opening and not (opening.group(1)[0] == "`" and "`" in opening.group(2))
            self.opener[j] = j if opens else self.opener[j + 1]
        self.owner: dict[int, tuple[_Walk, int]] = {}  # line → (walk, its count there)
        self.walks: dict[tuple[int, bool], _Walk] = {}
        self.fences: dict[int, tuple[int, int]] = {}

    def fits(self, field: dict, start: int, until: int, labels: Collection[str]) -> bool:
        """Whether ``_value(field, lines[start:until])`` gives a value (not for textareas).

        The value depends only on the section's lines that are not blank once stripped:
        too many of them (two for an input or a dropdown, one per option for checkboxes)
        and the section cannot fit; otherwise ``_read`` decides on those few lines.
        """
        if start >= until:
            return True
        most = len(field["options"]) if field["type"] == "checkboxes" else 1
        found = self.walk(start).read(self.off[until] - 1, most)
        if found is None:
            return False
        if field["type"] == "input":
            return True
        try:
            _read(field, found(), labels)
        except IssueFormError:
            return False
        return True

    def line_of(self, pos: int) -> int:
        return bisect_right(self.off, pos) - 1

    def chunk_end(self, line: int) -> int:
        """Where the prose holding ``line`` ends: at the line break before the next fence."""
        opener = self.opener[line]
        return self.off[opener] - 1 if opener < self.size else len(self.text)

    def fence(self, opener: int) -> tuple[int, int]:
        """(end of the fence that ``opener`` opens, the line after it)."""
        if opener not in self.fences:
            run = _FENCE_OPEN.fullmatch(self.lines[opener]).group(1)  # type: ignore[union-attr]
            close = None
            if opener + 1 < self.size:
                pattern = _closing_fence(run[0], len(run))
                close = pattern.search(self.text, self.off[opener + 1])
            if close is None:
                self.fences[opener] = (len(self.text), self.size)
            else:
                line = self.line_of(close.start())
                self.fences[opener] = (self.off[line + 1] - 1, line + 1)
        return self.fences[opener]

    def walk(self, line: int) -> _Walk:
        """The walk of the text from the start of ``line``."""
        key = (self.off[line], False)
        if key not in self.walks:
            walk = self.walks[key] = _Walk(self, self.off[line], False)
            walk.rest(line)
        return self.walks[key]

    def run(self, pos: int) -> _Walk:
        """The walk on from ``pos``, just after backticks whose code span a cut leaves open."""
        key = (pos, True)
        if key not in self.walks:
            self.walks[key] = _Walk(self, pos, True)
        return self.walks[key]


class _Walk:
    """The stripping of a body's text from ``start`` on, read at any cut (see _Lines).

    The walk keeps the state after each comment or code span it meets (``starts`` to
    ``lines``: the events a cut can fall in), and the lines it has finished that are not
    blank (``firsts`` to ``tos``: one line, or a range of whole raw lines). A count of
    them, whether the line being written is blank and where it starts are all that the
    validity of a section needs, with those few lines' text.
    """

    def __init__(self, body: _Lines, start: int, flag: bool) -> None:
        self.body = body
        self.start = start
        self.flag0 = flag  # a walk after backticks starts on a line that is not blank
        self.pos = start  # what is walked so far
        self.count = 0  # finished lines that are not blank
        self.flag = flag  # whether the line being written is not blank
        self.line = start  # where that line starts
        self.end = body.chunk_end(body.line_of(start)) if start <= len(body.text) else start
        self.done = False
        self.link: tuple[int, _Walk, int, int] | None = None  # (pos, walk, its count, ours)
        # Events (code spans and comments that close), with the state after each.
        self.starts: list[int] = []
        self.stops: list[int] = []
        self.runs: list[int] = []  # a code span's backticks, or 0 for a comment
        self.counts: list[int] = []
        self.flags: list[bool] = []
        self.lines: list[int] = []
        self.removed: list[int] = []  # the comments taken out: starts, and their ends
        self.removed_ends: list[int] = []
        self.firsts: list[int] = []  # groups: index of their first line, kind, extent
        self.kinds: list[bool] = []  # True: raw lines [a, b); False: text [a, b)
        self.froms: list[int] = []
        self.tos: list[int] = []

    def rest(self, line: int) -> bool:
        """At the start of ``line``, outside any construct: meet the walk that was there."""
        owner = self.body.owner.get(line)
        if owner is None:
            self.body.owner[line] = (self, self.count)
            return False
        self.link = (self.body.off[line], owner[0], owner[1], self.count)
        return True

    def group(self, raw: bool, a: int, b: int, count: int) -> None:
        if raw and self.kinds and self.kinds[-1] and self.tos[-1] == a:
            self.tos[-1] = b
        else:
            self.firsts.append(self.count)
            self.kinds.append(raw)
            self.froms.append(a)
            self.tos.append(b)
        self.count += count

    def literal(self, i: int, j: int, rest: bool) -> bool:
        """Walk over text kept as it is; with ``rest``, its line breaks are outside any
        construct. False when this walk met another one there and stops."""
        if i >= j:
            return True
        body, text = self.body, self.body.text
        brk = text.find("\n", i, j)
        if brk < 0:
            self.flag = self.flag or _NONBLANK.search(text, i, j) is not None
            return True
        if self.flag or _NONBLANK.search(text, i, brk):
            self.group(False, self.line, brk, 1)
        self.flag = False
        self.line = brk + 1
        last = text.rfind("\n", brk + 1, j)
        first = body.line_of(brk + 1)
        if rest:
            if self.rest(first):
                return False
            if last >= 0:
                nonblank, off = body.nonblank, body.off
                for line in range(first, body.line_of(last + 1)):
                    if nonblank[line + 1] > nonblank[line]:
                        self.group(True, line, line + 1, 1)
                    self.line = off[line + 1]
                    if self.rest(line + 1):
                        return False
        elif last >= 0:
            final = body.line_of(last + 1)
            count = body.nonblank[final] - body.nonblank[first]
            if count:
                self.group(True, first, final, count)
            self.line = last + 1
        self.flag = _NONBLANK.search(text, self.line, j) is not None
        return True

    def event(self, start: int, stop: int, run: int) -> None:
        self.starts.append(start)
        self.stops.append(stop)
        self.runs.append(run)
        self.counts.append(self.count)
        self.flags.append(self.flag)
        self.lines.append(self.line)
        self.pos = stop

    def extend(self, until: int) -> None:
        """Walk on until ``until`` at least, or until meeting another walk."""
        body, text = self.body, self.body.text
        size = len(text)
        while self.pos < until and self.link is None and not self.done:
            i, end = self.pos, self.end
            if i >= end:  # the line break before a fence, then the fence as it is
                if end >= size:
                    self.done = True
                    break
                stop, after = body.fence(body.line_of(end + 1))
                if i <= end:
                    if not self.literal(i, end + 1, True):
                        break
                    i = end + 1
                self.literal(i, stop, False)
                self.pos = stop
                if after >= body.size:
                    self.done = True
                else:
                    self.end = body.chunk_end(after)
                continue
            found = _INLINE.search(text, i, end)
            if found is None:
                if self.literal(i, end, True):
                    self.pos = end
                continue
            at, token = found.start(), found.group()
            if token == "\\":
                if self.literal(i, min(at + 2, size), True):
                    self.pos = at + 2
            elif token[0] == "`":
                close = _closing_run(len(token)).search(text, found.end(), end)
                if close is None:
                    if self.literal(i, found.end(), True):
                        self.pos = found.end()
                elif self.literal(i, at, True):
                    self.literal(at, close.end(), False)
                    self.event(at, close.end(), len(token))
            else:
                close_at = text.find("-->", found.end(), end)
                if close_at < 0:  # kept as typed to the end of the prose
                    if self.literal(i, at, True):
                        self.literal(at, end, False)
                        self.pos = end
                elif self.literal(i, at, True):
                    self.removed.append(at)
                    self.removed_ends.append(close_at + 3)
                    self.event(at, close_at + 3, 0)

    def state(self, k: int) -> tuple[tuple[int, bool, int], int]:
        """(count, flag, line) after event k (before the first for -1), and where."""
        if k < 0:
            return (0, self.flag0, self.start), self.start
        return (self.counts[k], self.flags[k], self.lines[k]), self.stops[k]

    def counted(self, state: tuple[int, bool, int], i: int, j: int) -> tuple[int, bool, int]:
        """The state after the text [i, j) kept as it is."""
        count, flag, line = state
        body, text = self.body, self.body.text
        brk = text.find("\n", i, j)
        if brk < 0:
            return count, flag or _NONBLANK.search(text, i, j) is not None, line
        count += flag or _NONBLANK.search(text, i, brk) is not None
        last = text.rfind("\n", brk + 1, j)
        line = brk + 1
        if last >= 0:
            count += body.nonblank[body.line_of(last + 1)] - body.nonblank[body.line_of(line)]
            line = last + 1
        return count, _NONBLANK.search(text, line, j) is not None, line

    def read(self, cut: int, most: int) -> Callable[[], list[str]] | None:
        """The lines that are not blank in the stripping of the text [start, cut), as a
        function giving them, or None if there are more than ``most``."""
        walk, skip, count = self, 0, 0  # lines before this walk's own, which start at skip
        parts: list[tuple] = []
        while True:
            walk.extend(cut)
            if walk.link is not None and cut >= walk.link[0]:
                _, other, theirs, ours = walk.link
                parts.append(("done", walk, skip, ours))
                count += ours - skip
                walk, skip = other, theirs
                if count > most:
                    return None
                continue
            k = bisect_left(walk.starts, cut) - 1
            if k >= 0 and walk.stops[k] > cut and walk.runs[k]:
                # A code span the cut leaves open: its backticks stay, the walk goes on.
                state, at = walk.state(k - 1)
                after = walk.starts[k] + walk.runs[k]
                state = walk.counted(state, at, after)
                parts.append(("done", walk, skip, state[0]))
                parts.append(("prefix", walk, state[2], after))
                count += state[0] - skip
                walk, skip = walk.body.run(after), 0
                if count + 1 > most:  # the line being written holds the backticks
                    return None
                continue
            # A comment the cut leaves open is kept as typed, from where it opens.
            state, at = walk.state(k if k < 0 or walk.stops[k] <= cut else k - 1)
            final = walk.counted(state, at, cut)
            if count + final[0] - skip + final[1] > most:
                return None
            parts.append(("done", walk, skip, state[0]))
            parts.append(("text", walk, state, at, cut, skip))
            return lambda: _gather(parts)

    def text_of(self, i: int, j: int) -> str:
        """The text [i, j) of one output line, without the comments taken out of it."""
        text, removed = self.body.text, self.removed
        k = bisect_left(removed, i)
        if k == len(removed) or removed[k] >= j:
            return text[i:j]
        pieces = []
        while k < len(removed) and removed[k] < j:
            pieces.append(text[i : removed[k]])
            i = self.removed_ends[k]
            k += 1
        pieces.append(text[i:j])
        return "".join(pieces)

    def finished(self, first: int, last: int) -> list[str]:
        """The finished lines that are not blank, numbered first to last (excluded)."""
        body, out = self.body, []
        g = max(bisect_right(self.firsts, first) - 1, 0)
        while g < len(self.firsts) and self.firsts[g] < last:
            index, a, b = self.firsts[g], self.froms[g], self.tos[g]
            if not self.kinds[g]:
                if index >= first:
                    out.append(self.text_of(a, b))
            else:
                nonblank = body.nonblank
                stop = min(last - index, nonblank[b] - nonblank[a])
                for n in range(max(first - index, 0), stop):
                    out.append(body.lines[bisect_left(nonblank, nonblank[a] + n + 1) - 1])
            g += 1
        return out

    def written(self, state: tuple[int, bool, int], i: int, j: int) -> list[str]:
        """The lines that are not blank of the text [i, j) kept as it is, after ``state``."""
        _, flag, line = state
        body, text = self.body, self.body.text
        brk = text.find("\n", i, j)
        if brk < 0:
            nonblank = flag or _NONBLANK.search(text, i, j) is not None
            return [self.text_of(line, i) + text[i:j]] if nonblank else []
        out = []
        if flag or _NONBLANK.search(text, i, brk):
            out.append(self.text_of(line, i) + text[i:brk])
        last = text.rfind("\n", brk + 1, j)
        line = brk + 1
        if last >= 0:
            first, final = body.line_of(line), body.line_of(last + 1)
            nonblank = body.nonblank
            for n in range(nonblank[first], nonblank[final]):
                out.append(body.lines[bisect_left(nonblank, n + 1) - 1])
            line = last + 1
        if _NONBLANK.search(text, line, j):
            out.append(text[line:j])
        return out


def _gather(parts: list[tuple]) -> list[str]:
    """The lines that ``_Walk.read``'s parts describe, in order."""
    out: list[str] = []
    prefix = ""  # backticks and what precedes them, at the start of the next line
    for tag, walk, *where in parts:
        if tag == "prefix":
            prefix += walk.text_of(*where)
            continue
        if tag == "done":
            lines = walk.finished(*where)
        else:
            state, at, cut, skip = where
            lines = walk.written(state, at, cut)[max(skip - state[0], 0) :]
        if lines and prefix:
            lines[0] = prefix + lines[0]
            prefix = ""
        out.extend(lines)
    return out


def _unfence(lines: list[str]) -> list[str]:
    """Drop the fence GitHub wrapped around a rendered textarea, and only that one."""
    if (
        len(lines) >= 2
        and lines[0].lstrip(" ").startswith("```")
        and "`" not in lines[0].lstrip(" ")[3:].lstrip("`")
        and lines[-1].strip() == "```"
    ):
        return lines[1:-1]
    return lines


def _checked(field: dict, lines: list[str], labels: Collection[str] = ()) -> list[str]:
    """Labels of the ticked boxes; GitHub writes ``[X]`` and people editing write ``[x]``.

    Every line must be the box of one of the field's options, each at most once: a line
    that is none of them is text GitHub did not write, refused rather than dropped.
    """
    checked, seen = [], set()
    for line in lines:
        if _blank(line):
            continue
        match = _CHECKBOX.fullmatch(line)
        option = _option(field, match.group(2)) if match else None
        where = {"label": field["label"], "line": _excerpt(line.strip())}
        if match is None:
            if _unknown_heading([line], labels):
                raise IssueFormError(
                    M_(
                        "“### %(label)s”: the line “%(line)s” is not a section of this form",
                        **where,
                    ),
                    field["id"],
                )
            raise IssueFormError(
                M_(
                    "“### %(label)s”: the line “%(line)s” is not a checkbox (- [X] option)", **where
                ),
                field["id"],
            )
        if option is None:
            options = "; ".join(field["options"])
            raise IssueFormError(
                M_(
                    "“### %(label)s”: the line “%(line)s” is none of its checkboxes (%(options)s)",
                    options=options,
                    **where,
                ),
                field["id"],
            )
        if option in seen:
            raise IssueFormError(
                M_("“### %(label)s”: the line “%(line)s” repeats a checkbox", **where), field["id"]
            )
        seen.add(option)
        if match.group(1) in {"x", "X"}:
            checked.append(option)
    return checked


def _split_options(field: dict, text: str) -> list[str]:
    """Split "A, B" into the chosen options, where an option text may itself contain ", ".

    Of all the ways to read the text as options, the longest option winning a tie, the
    one with the fewest unknown pieces wins; an unknown piece left in it is an error
    naming that piece (an edited body, a renamed option).
    """
    text = _nfc(text)
    options = sorted({_nfc(o): o for o in field["options"]}.items(), key=lambda o: len(o[0]))
    size = len(text)
    # From the end: the fewest unknown pieces in text[pos:], and the piece starting at pos
    # as (end of piece, next pos, option or None).
    cost = [0] * (size + 1)
    step: list[tuple[int, int, str | None]] = [(size, size, None)] * (size + 1)
    cut, after_cut = size, size  # the next separator at or after pos, and its end
    for pos in range(size - 1, -1, -1):
        if separator := _SEPARATOR.match(text, pos):
            cut, after_cut = pos, separator.end()
        cost[pos], step[pos] = cost[after_cut] + 1, (cut, after_cut, None)
        for key, option in options:  # shortest first, so that on a tie the longest wins
            end = pos + len(key)
            if not text.startswith(key, pos):
                continue
            separator = _SEPARATOR.match(text, end)
            if end == size or separator:
                after = separator.end() if separator else size
                if cost[after] <= cost[pos]:
                    cost[pos], step[pos] = cost[after], (end, after, option)
    chosen, pos = [], 0
    while pos < size:
        end, after, option = step[pos]
        if option is None:
            raise _not_an_option(field, text[pos:end])
        chosen.append(option)
        pos = after
    return chosen
