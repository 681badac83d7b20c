"""GitHub issue forms generated from the form definitions (field ids = form field ids)."""

from __future__ import annotations

from typing import Any

from ..labels import label
from .forms import FORMS, FormField

TITLES = {
    "register-actor": ("Inscrire mon organisation", "Inscription"),
    "propose-challenge": ("Proposer un défi", "Défi"),
    "propose-common": ("Proposer un commun", "Commun"),
    "join": ("Rejoindre un commun", "Rejoindre"),
    "pledge": ("M’engager", "Engagement"),
}
OPTION_GROUPS = {"kind": "kind_one", "maturity": "maturity", "resource_types": "resource_type",
                 "role": "role"}  # fmt: skip
LABEL_PREFIX = "submission:"


def submission_label(kind: str) -> str:
    """The issue label that tells which form an issue came from."""
    return LABEL_PREFIX + kind


def option_text(field: FormField, value: str) -> str:
    """A dropdown choice as people read it, the value kept in brackets for the parser."""
    group = OPTION_GROUPS.get(field.id)
    return f"{label(value, group)} ({value})" if group else value


def _element(field: FormField) -> dict[str, Any]:
    attributes: dict[str, Any] = {"label": field.label}
    if field.help:
        attributes["description"] = field.help
    element: dict[str, Any] = {"type": field.kind, "id": field.id, "attributes": attributes}
    if field.kind == "dropdown":
        attributes["options"] = [option_text(field, v) for v in field.options]
        if field.multiple:
            attributes["multiple"] = True
    if field.required:
        element["validations"] = {"required": True}
    return element


def issue_form(kind: str) -> dict[str, Any]:
    """The issue form of a submission type, as the YAML mapping GitHub reads."""
    _, fields = FORMS[kind]
    name, prefix = TITLES[kind]
    intro = (
        "Votre soumission sera relue par l’équipe de l’appel, qui la publiera sous forme de "
        "*pull request* puis sur le site une fois fusionnée. Vos coordonnées ne sont jamais "
        "publiées."
    )
    return {
        "name": name,
        "description": f"{name} : appel à communs",
        "title": f"[{prefix}] ",
        "labels": [submission_label(kind)],
        "body": [{"type": "markdown", "attributes": {"value": intro}}]
        + [_element(field) for field in fields],
    }
