"""Read back the fields of a GitHub issue created from an issue form.

GitHub does not store form answers: it turns them into the issue's Markdown body, one
section per non-``markdown`` element, in template order::

    ### <label>

    <value, or _No response_>

A ``textarea`` with ``render: <lang>`` gets its value wrapped in a ```` ```<lang> ```` fence,
a multiple ``dropdown`` joins the chosen options with ", ", and ``checkboxes`` become
``- [X] <label>`` / ``- [ ] <label>`` lines. Only the template says which heading is a
section and which is text the user typed, so the parser walks the template's labels in
order and never treats a heading inside a fenced code block as a section boundary.
"""

from __future__ import annotations

import re
import unicodedata
from os import PathLike
from pathlib import Path
from typing import Any

import yaml

NO_RESPONSE = "_No response_"
# GitHub reserves "None" for a dropdown left empty when it is not required.
NO_CHOICE = "None"

_FIELD_TYPES = {"input", "textarea", "dropdown", "checkboxes"}
_HEADING = re.compile(r" {0,3}###[ \t]+(.*?)[ \t]*")
_FENCE_OPEN = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_FENCE_CLOSE = re.compile(r" {0,3}(`{3,}|~{3,})[ \t]*")
_CHECKBOX = re.compile(r"[ \t]*[-*+][ \t]+\[([ xX]?)\][ \t]+(.*?)[ \t]*")

Value = str | list[str] | None


class IssueFormError(ValueError):
    """A template that cannot drive the parser, or a body that lacks a required section."""


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

    Sections are found by walking the template's labels in order, each one searched after
    the previous section found: a missing optional section gives None (or []), a missing
    required one raises IssueFormError. Headings inside fenced code blocks, and headings
    that name no field still to come, stay part of the value they appear in.
    """
    fields = form_fields(template)
    lines = (body or "").lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")

    found: list[tuple[int, dict]] = []  # (heading line, field), in body order
    start = 0
    for field in fields:
        at = _find_outside_fences(lines, field["label"], start)
        if at is None:
            if field["required"]:
                raise IssueFormError(f"the required section “### {field['label']}” is missing")
            continue
        found.append((at, field))
        start = at + 1

    values: dict[str, Value] = {
        f["id"]: ([] if _is_list(f) else None) for f in fields if f["id"] is not None
    }
    for n, (at, field) in enumerate(found):
        end = found[n + 1][0] if n + 1 < len(found) else len(lines)
        if field["id"] is not None:
            values[field["id"]] = _value(field, lines[at + 1 : end])
    return values


def _text(value: Any, where: str) -> str:
    """Template text must be a YAML string: an unquoted ``Yes`` or ``1.10`` loses its spelling."""
    if not isinstance(value, str) or not value.strip():
        raise IssueFormError(f"{where}: must be a non-empty string (quote it in the YAML)")
    return value.strip()


def _is_list(field: dict) -> bool:
    return field["type"] == "checkboxes" or (field["type"] == "dropdown" and field["multiple"])


def _same(a: str, b: str) -> bool:
    """Labels compare after Unicode normalisation: an editor may decompose “é”."""
    return unicodedata.normalize("NFC", a) == unicodedata.normalize("NFC", b)


def _is_heading(line: str, label: str) -> bool:
    match = _HEADING.fullmatch(line)
    return match is not None and _same(match.group(1), label)


def _blank(line: str) -> bool:
    return not line.strip()


def _find_outside_fences(lines: list[str], label: str, start: int) -> int | None:
    """The first ``### <label>`` line at or after ``start`` that is not in a fenced block.

    A fence left open to the end of the body is taken as a typo rather than as code that
    swallows every later section: the search resumes just after its opening line. A fence
    the user left open that a later fence closes (say, GitHub's fence of a rendered
    textarea) pairs with it, as it does on the issue's page.
    """
    while True:
        fence: tuple[str, int] | None = None
        opened_at = start
        for i in range(start, len(lines)):
            line = lines[i]
            if fence is not None:
                close = _FENCE_CLOSE.fullmatch(line)
                if close and close.group(1)[0] == fence[0] and len(close.group(1)) >= fence[1]:
                    fence = None
                continue
            opening = _FENCE_OPEN.fullmatch(line)
            if opening and not (opening.group(1)[0] == "`" and "`" in opening.group(2)):
                fence, opened_at = (opening.group(1)[0], len(opening.group(1))), i
                continue
            if _is_heading(line, label):
                return i
        if fence is None:
            return None
        start = opened_at + 1


def _strip_blank_lines(lines: list[str]) -> list[str]:
    first = 0
    last = len(lines)
    while first < last and _blank(lines[first]):
        first += 1
    while last > first and _blank(lines[last - 1]):
        last -= 1
    return lines[first:last]


def _value(field: dict, section: list[str]) -> Value:
    """Turn the lines of one section into the field's value."""
    lines = _strip_blank_lines(section)
    text = "\n".join(lines)
    if field["type"] == "checkboxes":
        return _checked(lines)
    if field["type"] == "dropdown":
        text = text.strip()
        empty = text in {"", NO_RESPONSE, NO_CHOICE}
        if field["multiple"]:
            return [] if empty else _split_options(text, tuple(field["options"]))
        return None if empty else text
    if field["render"] and text.strip() != NO_RESPONSE:
        text = "\n".join(_strip_blank_lines(_unfence(lines)))
    if field["type"] == "input":
        text = text.strip()
    return None if text.strip() in {"", NO_RESPONSE} else text


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


def _checked(lines: list[str]) -> list[str]:
    """Labels of the ticked boxes; GitHub writes ``[X]`` and people editing write ``[x]``."""
    checked = []
    for line in lines:
        match = _CHECKBOX.fullmatch(line)
        if match and match.group(1) in {"x", "X"}:
            checked.append(match.group(2))
    return checked


def _split_options(text: str, options: tuple[str, ...]) -> list[str]:
    """Split "A, B" into chosen options, where an option text may itself contain ", ".

    Of all the ways to read the text as known options, the longest option winning a tie,
    the one with the fewest unknown pieces wins; an unknown piece (an edited body, a
    renamed option) is kept as the text up to the next ", ".
    """
    shortest_first = sorted(options, key=len)
    size = len(text)
    # From the end: the fewest unknown pieces in text[pos:], and the piece starting at pos.
    cost = [0] * (size + 1)
    step: list[tuple[int, int]] = [(size, size)] * (size + 1)  # (end of piece, next pos)
    cut = size  # the next ", " at or after pos
    for pos in range(size - 1, -1, -1):
        if text.startswith(", ", pos):
            cut = pos
        after = size if cut == size else cut + 2
        cost[pos] = cost[after] + 1
        step[pos] = (cut, after)
        for option in shortest_first:  # so that on a tie the longest, tried last, wins
            end = pos + len(option)
            if text.startswith(option, pos) and (end == size or text.startswith(", ", end)):
                after = end if end == size else end + 2
                if cost[after] <= cost[pos]:
                    cost[pos], step[pos] = cost[after], (end, after)
    pieces, pos = [], 0
    while pos < size:
        end, after = step[pos]
        if piece := text[pos:end].strip():
            pieces.append(piece)
        pos = after
    return pieces
