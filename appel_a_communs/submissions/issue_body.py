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
from collections.abc import Collection
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
        template = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise IssueFormError(f"{path}: not valid YAML: {exc}") from exc
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
    # Prefix counts, so that a section that cannot be valid is told in constant time.
    nonblank, odd, comments = [0], [0], [0]
    for line in lines:
        nonblank.append(nonblank[-1] + (not _blank(line)))
        odd.append(odd[-1] + (not _blank(line) and _CHECKBOX.fullmatch(line) is None))
        comments.append(comments[-1] + ("<!--" in line))

    def hopeless(k: int, at: int, until: int) -> bool:
        """A section with no comment that is several lines (input, dropdown) or holds a
        line that is no checkbox: invalid, without reading it."""
        if comments[until] - comments[at + 1]:
            return False
        if fields[k]["type"] == "checkboxes":
            return odd[until] - odd[at + 1] > 1 or (
                odd[until] - odd[at + 1] == 1 and nonblank[until] - nonblank[at + 1] > 1
            )
        return nonblank[until] - nonblank[at + 1] > 1

    @cache
    def section(k: int, at: int, until: int) -> Value | IssueFormError:
        try:
            return _value(fields[k], lines[at + 1 : until], heads.keys())
        except IssueFormError as exc:
            return exc

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
            invalid = fields[k]["type"] != "textarea" and (
                hopeless(k, at, limit) or isinstance(section(k, at, limit), IssueFormError)
            )
            option = (rest[0] + 1, rest[1] - invalid, (at, *rest[2]))
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
    lines = _strip_blank_lines(_strip_comments(section))
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
    out = []
    i = 0
    while (found := _INLINE.search(text, i)) is not None:
        out.append(text[i : found.start()])
        token, i = found.group(), found.end()
        if token == "\\":
            out.append(text[found.start() : i + 1])
            i += 1
        elif token[0] == "`":
            close = re.compile(rf"(?<!`)`{{{len(token)}}}(?!`)").search(text, i)
            stop = close.end() if close else i
            out.append(text[found.start() : stop])
            i = stop
        else:
            close_at = text.find("-->", i)
            if close_at == -1:  # nothing closes it: kept as typed
                out.append(text[found.start() :])
                return "".join(out)
            i = close_at + 3
            line_end = text.find("\n", i)
            line_end = len(text) if line_end == -1 else line_end
            before = "".join(out).rpartition("\n")
            if not before[2].strip() and not text[i:line_end].strip():
                # The comment fills its lines, which go with it, as on GitHub's page.
                out = [before[0] + before[1]]
                i = line_end + 1
    out.append(text[i:])
    return "".join(out)


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
