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
blocks and code spans; an unclosed ``<!--`` is kept as typed; see ``issue_comments``),
``_No response_`` (also escaped, ``\\_No response\\_``) is no answer, and a rendered
textarea loses GitHub's fence.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from functools import cache
from typing import Any

from appel_a_communs.i18n import M_, Message, message_from_record, message_record
from appel_a_communs.submissions.issue_comments import BodyLines, blank, strip_comments
from appel_a_communs.submissions.issue_template import IssueFormError, form_fields

NO_RESPONSE = "_No response_"
# GitHub reserves "None" for a dropdown left empty when it is not required.
NO_CHOICE = "None"
UNREADABLE = "_unreadable_issue"
"""The envelope data key that carries why an issue body could not be read (see fetch)."""

MAX_REPEATED_HEADINGS = 50
"""How many ``### <label>`` lines beyond one per label a body may hold (typed in values)."""

_HEADING = re.compile(r" {0,3}###[ \t]+(.*?)[ \t]*")
_ANY_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]+.*)?")
_CHECKBOX = re.compile(r"[ \t]*[-*+][ \t]+\[([ xX]?)\][ \t]+(.*?)[ \t]*")
_EMPTY = re.compile(r"\\?_no response\\?_", re.IGNORECASE)
_SEPARATOR = re.compile(r",[ \t]*")

Value = str | list[str] | None


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
    body_lines = BodyLines(lines)
    keys = heads.keys()

    @cache
    def section(k: int, at: int, until: int) -> Value | IssueFormError:
        try:
            return _value(fields[k], lines[at + 1 : until], keys)
        except IssueFormError as exc:
            return exc

    @cache
    def invalid(k: int, at: int, until: int) -> bool:
        return not _fits(body_lines, fields[k], at + 1, until, keys)

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


def _is_list(field: dict) -> bool:
    return field["type"] == "checkboxes" or (field["type"] == "dropdown" and field["multiple"])


def _nfc(text: str) -> str:
    """Labels and options compare after Unicode normalisation: an editor may decompose “é”."""
    return unicodedata.normalize("NFC", text)


def _strip_blank_lines(lines: list[str]) -> list[str]:
    first = 0
    last = len(lines)
    while first < last and blank(lines[first]):
        first += 1
    while last > first and blank(lines[last - 1]):
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
    return _read(field, _strip_blank_lines(strip_comments(section)), labels)


def _read(field: dict, lines: list[str], labels: Collection[str] = ()) -> Value:
    """The value of a section whose comments are gone, or IssueFormError.

    Whether it raises depends only on the lines that are not blank (see ``_fits``).
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


def _fits(body: BodyLines, field: dict, start: int, until: int, labels: Collection[str]) -> bool:
    """Whether ``_value(field, lines[start:until])`` gives a value (not for textareas).

    The value depends only on the section's lines that are not blank once stripped:
    too many of them (two for an input or a dropdown, one per option for checkboxes)
    and the section cannot fit; otherwise ``_read`` decides on those few lines.
    """
    if start >= until:
        return True
    most = len(field["options"]) if field["type"] == "checkboxes" else 1
    found = body.kept(start, until, most)
    if found is None:
        return False
    if field["type"] == "input":
        return True
    try:
        _read(field, found(), labels)
    except IssueFormError:
        return False
    return True


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
        if blank(line):
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
