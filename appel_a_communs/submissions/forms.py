"""The fields of each submission form, tied to the content models.

One list per submission type says which model field each form field fills (its
``path``) and how a form's flat text becomes content data. Choices and required
marks come from the models; issue templates, site forms and the parser of fetched
submissions all read these lists, so that the field ids are the same everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal, get_args

from ..models import Actor, Challenge, Common, Model, Pledge
from ..types import ActorKind, Maturity, NeedKind, ResourceType, Role

SubmissionType = Literal["register-actor", "propose-challenge", "propose-common", "join", "pledge"]
SUBMISSION_TYPES: tuple[str, ...] = get_args(SubmissionType)

Kind = Literal["input", "textarea", "dropdown"]
Parse = Literal["text", "list", "int", "needs", "deliverables", "budget"]


@dataclass(frozen=True)
class FormField:
    id: str
    """The field id in issue forms, site forms and exports: [a-z0-9_]."""
    path: tuple[str, ...]
    """Where the value goes in the content data, e.g. ("money", "amount")."""
    label: str
    label_en: str
    kind: Kind = "input"
    help: str = ""
    parse: Parse = "text"
    options: tuple[str, ...] = ()
    multiple: bool = False
    required: bool = False
    markdown: bool = False


def _f(id_: str, label: str, label_en: str, **kw: Any) -> FormField:
    path = kw.pop("path", (id_,))
    return FormField(id=id_, path=path, label=label, label_en=label_en, **kw)


SLUG_HELP = "minuscules, chiffres et tirets (ex. velo-cargo-partage)"
LIST_HELP = "séparés par des virgules"

SLUG = _f("slug", "Identifiant", "Identifier", help=f"facultatif : {SLUG_HELP}")
SUMMARY = _f("summary", "Résumé", "Summary", required=True, help="une ligne, 200 caractères")
WEBSITE = _f("website", "Site web", "Website", help="https://…")
ACTOR = _f("actor", "Votre organisation (identifiant)", "Your organisation (identifier)",
           required=True)  # fmt: skip
COMMON = _f("common", "Le commun (identifiant)", "The common (identifier)", required=True)
NOTE = _f("note", "Message", "Note", kind="textarea", markdown=True)

FORMS: dict[str, tuple[type[Model], tuple[FormField, ...]]] = {
    "register-actor": (
        Actor,
        (
            _f("name", "Nom de l’organisation", "Organisation name", required=True),
            SLUG,
            _f(
                "kind",
                "Type d’organisation",
                "Kind of organisation",
                kind="dropdown",
                options=get_args(ActorKind),
            ),
            WEBSITE,
            _f("territory", "Territoire", "Territory"),
            _f("description", "Présentation", "Description", kind="textarea", markdown=True),
            _f(
                "allowance",
                "Enveloppe pour la campagne (€)",
                "Allowance for the round",
                help="facultatif : le montant que vous pourrez répartir entre les communs",
            ),
        ),
    ),
    "propose-challenge": (
        Challenge,
        (
            _f("title", "Titre du défi", "Title", required=True),
            SLUG,
            SUMMARY,
            _f(
                "facilitator_name",
                "Personne ressource",
                "Facilitator",
                path=("facilitator", "name"),
            ),
            _f(
                "facilitator_organisation",
                "Organisation de la personne ressource",
                "Facilitator's organisation",
                path=("facilitator", "organisation"),
            ),
            _f(
                "facilitator_url",
                "Page de la personne ressource",
                "Facilitator's page",
                path=("facilitator", "url"),
            ),
            _f("themes", "Thèmes", "Themes", parse="list", help=LIST_HELP),
            _f("deadline", "Échéance", "Deadline", help="AAAA-MM-JJ"),
            _f(
                "body",
                "Le problème, et à quoi ressemblerait une bonne réponse",
                "The problem, and what a good answer looks like",
                kind="textarea",
                markdown=True,
            ),
        ),
    ),
    "propose-common": (
        Common,
        (
            _f("title", "Nom du commun", "Name of the common", required=True),
            SLUG,
            SUMMARY,
            _f(
                "challenges",
                "Défis auxquels il répond",
                "Challenges it answers",
                parse="list",
                required=True,
                help=f"identifiants des défis, {LIST_HELP}",
            ),
            _f(
                "proposed_by",
                "Proposé par",
                "Proposed by",
                parse="list",
                required=True,
                help=f"identifiants des acteurs, {LIST_HELP}",
            ),
            _f("maturity", "Maturité", "Maturity", kind="dropdown", options=get_args(Maturity)),
            _f(
                "resource_types",
                "Types de ressource",
                "Resource types",
                kind="dropdown",
                options=get_args(ResourceType),
                multiple=True,
                parse="list",
            ),
            _f("license", "Licence (SPDX)", "Licence (SPDX)", help="ex. AGPL-3.0-or-later"),
            _f("repository", "Dépôt", "Repository", help="https://…"),
            WEBSITE,
            _f("governance", "Gouvernance", "Governance", kind="textarea", markdown=True),
            _f(
                "needs",
                "Besoins",
                "Needs",
                kind="textarea",
                parse="needs",
                help="un par ligne : type: description (types : "
                + ", ".join(get_args(NeedKind))
                + ")",
            ),
            _f(
                "deliverables",
                "Livrables",
                "Deliverables",
                kind="textarea",
                parse="deliverables",
                help="un par ligne : titre | AAAA-MM-JJ",
            ),
            _f(
                "budget_lines",
                "Budget",
                "Budget",
                kind="textarea",
                parse="budget",
                path=("budget", "lines"),
                help="une ligne par poste : libellé | montant, et | haut pour l’objectif haut",
            ),
            _f(
                "existing_funding",
                "Financement déjà acquis",
                "Existing funding",
                path=("budget", "existing_funding"),
            ),
            _f("tags", "Mots-clés", "Tags", parse="list", help=LIST_HELP),
            _f(
                "body",
                "Le commun : la ressource, sa communauté, ses règles",
                "The common: the resource, its community, its rules",
                kind="textarea",
                markdown=True,
            ),
        ),
    ),
    "join": (
        Pledge,
        (
            ACTOR,
            COMMON,
            _f("role", "Rôle", "Role", kind="dropdown", options=get_args(Role), required=True),
            NOTE,
        ),
    ),
    "pledge": (
        Pledge,
        (
            ACTOR,
            COMMON,
            _f("role", "Rôle", "Role", kind="dropdown", options=get_args(Role)),
            _f(
                "money_amount",
                "Montant (€)",
                "Amount",
                path=("money", "amount"),
                help="ex. 2500 ou 2500.50",
            ),
            _f(
                "money_total_at_least",
                "Seulement si le commun atteint…",
                "Only if the common reaches…",
                path=("money", "condition", "total_at_least"),
                help="facultatif : un montant, ou minimum, ou stretch",
            ),
            _f(
                "money_funders_at_least",
                "Seulement si au moins … financeurs",
                "Only if at least … funders",
                path=("money", "condition", "funders_at_least"),
                parse="int",
            ),
            _f("skills_days", "Jours de compétences", "Days of skills", path=("skills", "days")),
            _f(
                "skills_description",
                "Compétences apportées",
                "Skills brought",
                path=("skills", "description"),
                kind="textarea",
                markdown=True,
            ),
            _f(
                "means_description",
                "Moyens techniques",
                "Technical means",
                path=("means", "description"),
                kind="textarea",
                markdown=True,
            ),
            _f(
                "means_value",
                "Valorisation des moyens (€)",
                "Value of the means",
                path=("means", "value"),
            ),
            NOTE,
        ),
    ),
}

MARKDOWN_PATHS: frozenset[tuple[str, ...]] = frozenset(
    {("body",), ("description",), ("governance",), ("note",), ("skills", "description"),
     ("means", "description"), ("needs", "*", "description")}
)  # fmt: skip


# --- from flat form values to content data ---------------------------------------

_OPTION = re.compile(r"\(([a-z-]+)\)\s*$")


def option_value(text: str, options: tuple[str, ...]) -> str:
    """A dropdown answer: the value itself, or a label ending in "(value)"."""
    text = text.strip()
    if text in options:
        return text
    match = _OPTION.search(text)
    if match and match.group(1) in options:
        return match.group(1)
    return text


def _split(value: str | list[str]) -> list[str]:
    items = value if isinstance(value, list) else re.split(r"[,\n]", value)
    return [item.strip() for item in items if item.strip()]


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def _budget(value: str) -> list[dict[str, Any]]:
    lines = []
    for line in _lines(value):
        parts = [p.strip() for p in line.split("|")]
        item: dict[str, Any] = {"label": parts[0]}
        if len(parts) > 1 and parts[1]:
            item["amount"] = parts[1].replace("€", "").strip()
        if len(parts) > 2 and parts[2]:
            item["stretch"] = parts[2].lower() in ("haut", "stretch", "oui", "yes", "x", "true")
        lines.append(item)
    return lines


def _needs(value: str) -> list[dict[str, Any]]:
    needs = []
    for line in _lines(value):
        kind, _, description = line.partition(":")
        needs.append({"kind": kind.strip(), "description": description.strip()})
    return needs


def _deliverables(value: str) -> list[dict[str, Any]]:
    items = []
    for line in _lines(value):
        title, _, due = (p.strip() for p in line.partition("|"))
        items.append({"title": title, **({"due": due} if due else {})})
    return items


def _parsed(field: FormField, value: str | list[str]) -> Any:
    if field.kind == "dropdown":
        if field.multiple:
            return [option_value(v, field.options) for v in _split(value)]
        value = value if isinstance(value, str) else ", ".join(value)
        return option_value(value, field.options)
    if field.parse == "list":
        return _split(value)
    if isinstance(value, list):
        value = "\n".join(value)
    if field.parse == "int":
        stripped = value.strip()
        return int(stripped) if stripped.isascii() and stripped.isdigit() else stripped
    if field.parse == "budget":
        return _budget(value)
    if field.parse == "needs":
        return _needs(value)
    if field.parse == "deliverables":
        return _deliverables(value)
    return value.strip() if field.kind == "input" else value.strip("\n")


def fields_to_data(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """Content data from a form's flat values (field id → text); unknown ids are kept
    at the top level, so that validation names them instead of dropping them."""
    _, fields = FORMS[kind]
    by_id = {f.id: f for f in fields}
    data: dict[str, Any] = {}
    for key, value in values.items():
        if value is None or value == "" or value == []:
            continue
        field = by_id.get(key)
        if field is None:
            data[key] = value
            continue
        target = data
        for part in field.path[:-1]:
            target = target.setdefault(part, {})
        target[field.path[-1]] = _parsed(field, value)
    return data


def field_for_path(kind: str, path: tuple[str | int, ...]) -> str | None:
    """The form field that fills a content path, for error reports in form terms."""
    _, fields = FORMS.get(kind, (None, ()))
    names = tuple(p for p in path if isinstance(p, str))
    for field in fields:
        if names[: len(field.path)] == field.path:
            return field.id
    return None
