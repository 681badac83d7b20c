"""Read a GitHub issue form template: the fields it turns into sections of an issue body,
in template order, or ``IssueFormError`` saying what keeps it from driving the parser
(``issue_body``). The workflows' and the scaffold's forms are checked with it too.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import Any

import yaml

_FIELD_TYPES = {"input", "textarea", "dropdown", "checkboxes"}


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


def _text(value: Any, where: str) -> str:
    """Template text must be a YAML string: an unquoted ``Yes`` or ``1.10`` loses its spelling."""
    if not isinstance(value, str) or not value.strip():
        raise IssueFormError(f"{where}: must be a non-empty string (quote it in the YAML)")
    return value.strip()
