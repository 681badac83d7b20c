"""The fields of each submission form, tied to the content models.

One list per submission type says which model field each form field fills (its
``path``) and how a form's flat text becomes content data. Choices and required
marks come from the models; issue templates, site forms and the parser of fetched
submissions all read these lists, so that the field ids are the same everywhere; the
forms' titles and their choices' wording are here too, so that a site's HTML form and
the issue form it prefills read alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal, get_args

from appel_a_communs.content.models import (
    Actor,
    Challenge,
    Common,
    Model,
    Pledge,
    Report,
    Withdrawal,
)
from appel_a_communs.content.types import ActorKind, Maturity, ResourceType, Role
from appel_a_communs.i18n import DEFAULT_LOCALE, N_
from appel_a_communs.vocabulary.labels import label

SubmissionType = Literal[
    "register-actor", "propose-challenge", "propose-common", "join", "pledge", "report", "withdraw"
]
SUBMISSION_TYPES: tuple[str, ...] = get_args(SubmissionType)

HONEYPOT = "_gotcha"
"""The field a person never sees: a record that fills it is a robot's (post mode)."""
CONTACT_KEYS = ("contact_name", "contact_email")
"""Contact fields of the site's forms; ``email`` is read too (form backends add it)."""

Kind = Literal["input", "textarea", "dropdown"]
Parse = Literal["text", "list", "int", "needs", "deliverables", "budget", "spent"]


@dataclass(frozen=True)
class FormField:
    id: str
    """The field id in issue forms, site forms and exports: [a-z0-9_]."""
    path: tuple[str, ...]
    """Where the value goes in the content data, e.g. ("money", "amount")."""
    label: str
    """An English message of the gettext catalogue; shown translated (see ``i18n``)."""
    kind: Kind = "input"
    help: str = ""
    parse: Parse = "text"
    options: tuple[str, ...] = ()
    multiple: bool = False
    required: bool = False
    markdown: bool = False


def _f(id_: str, label: str, **kw: Any) -> FormField:
    path = kw.pop("path", (id_,))
    return FormField(id=id_, path=path, label=label, **kw)


SLUG = _f(
    "slug",
    N_("Identifier"),
    help=N_(
        "optional: lower-case letters, digits and hyphens, 100 characters at most "
        "(e.g. shared-cargo-bikes)"
    ),
)
SUMMARY = _f("summary", N_("Summary"), required=True, help=N_("one line, 200 characters"))
WEBSITE = _f("website", N_("Website"), help="https://…")
ACTOR = _f("actor", N_("Your organisation (identifier)"),
           required=True)  # fmt: skip
COMMON = _f("common", N_("The common (identifier)"), required=True)
NOTE = _f("note", N_("Note"), kind="textarea", markdown=True)

FORMS: dict[str, tuple[type[Model], tuple[FormField, ...]]] = {
    "register-actor": (
        Actor,
        (
            _f("name", N_("Organisation name"), required=True),
            SLUG,
            _f(
                "kind",
                N_("Kind of organisation"),
                kind="dropdown",
                options=get_args(ActorKind),
            ),
            WEBSITE,
            _f("territory", N_("Territory")),
            _f("description", N_("Description"), kind="textarea", markdown=True),
            _f(
                "allowance",
                N_("Allowance for the round"),
                help=N_("optional: the amount you will share out among the commons"),
            ),
            _f(
                "members",
                N_("Who may commit it (GitHub logins)"),
                parse="list",
                help=N_(
                    "optional, separated by commas: then only these people may pledge or "
                    "join in its name through an issue; logins are never published"
                ),
            ),
        ),
    ),
    "propose-challenge": (
        Challenge,
        (
            _f("title", N_("Title"), required=True),
            SLUG,
            SUMMARY,
            _f(
                "facilitator_name",
                N_("Facilitator"),
                path=("facilitator", "name"),
            ),
            _f(
                "facilitator_organisation",
                N_("Facilitator's organisation"),
                path=("facilitator", "organisation"),
            ),
            _f(
                "facilitator_url",
                N_("Facilitator's page"),
                path=("facilitator", "url"),
            ),
            _f("themes", N_("Themes"), parse="list", help=N_("separated by commas")),
            _f("deadline", N_("Deadline"), help=N_("YYYY-MM-DD")),
            _f(
                "body",
                N_("The problem, and what a good answer looks like"),
                kind="textarea",
                markdown=True,
            ),
        ),
    ),
    "propose-common": (
        Common,
        (
            _f("title", N_("Name of the common"), required=True),
            SLUG,
            SUMMARY,
            _f(
                "challenges",
                N_("Challenges it answers"),
                parse="list",
                required=True,
                help=N_("identifiers of the challenges, separated by commas"),
            ),
            _f(
                "proposed_by",
                N_("Proposed by"),
                parse="list",
                required=True,
                help=N_("identifiers of the actors, separated by commas"),
            ),
            _f("maturity", N_("Maturity"), kind="dropdown", options=get_args(Maturity)),
            _f(
                "resource_types",
                N_("Resource types"),
                kind="dropdown",
                options=get_args(ResourceType),
                multiple=True,
                parse="list",
            ),
            _f("license", N_("Licence (SPDX)"), help=N_("e.g. AGPL-3.0-or-later")),
            _f("repository", N_("Repository"), help="https://…"),
            WEBSITE,
            _f("governance", N_("Governance"), kind="textarea", markdown=True),
            _f(
                "needs",
                N_("Needs"),
                kind="textarea",
                parse="needs",
                help=N_(
                    "one per line: kind: description (kinds: funding, skills, data, "
                    "testing, hosting, animation, other)"
                ),
            ),
            _f(
                "deliverables",
                N_("Deliverables"),
                kind="textarea",
                parse="deliverables",
                help=N_("one per line: title | YYYY-MM-DD"),
            ),
            _f(
                "budget_lines",
                N_("Budget"),
                kind="textarea",
                parse="budget",
                path=("budget", "lines"),
                help=N_("one line per item: label | amount, and | stretch for the stretch goal"),
            ),
            _f(
                "existing_funding",
                N_("Existing funding"),
                path=("budget", "existing_funding"),
            ),
            _f("tags", N_("Tags"), parse="list", help=N_("separated by commas")),
            _f(
                "body",
                N_("The common: the resource, its community, its rules"),
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
            _f("role", N_("Role"), kind="dropdown", options=get_args(Role), required=True),
            NOTE,
        ),
    ),
    "pledge": (
        Pledge,
        (
            ACTOR,
            COMMON,
            _f("role", N_("Role"), kind="dropdown", options=get_args(Role)),
            _f(
                "money_amount",
                N_("Amount (€)"),
                path=("money", "amount"),
                help=N_("e.g. 2500 or 2500.50"),
            ),
            _f(
                "money_total_at_least",
                N_("Only if the common reaches…"),
                path=("money", "condition", "total_at_least"),
                help=N_("optional: an amount, or minimum, or stretch"),
            ),
            _f(
                "money_funders_at_least",
                N_("Only if at least … funders"),
                path=("money", "condition", "funders_at_least"),
                parse="int",
            ),
            _f("skills_days", N_("Days of skills"), path=("skills", "days")),
            _f(
                "skills_description",
                N_("Skills brought"),
                path=("skills", "description"),
                kind="textarea",
                markdown=True,
            ),
            _f(
                "means_description",
                N_("Technical means"),
                path=("means", "description"),
                kind="textarea",
                markdown=True,
            ),
            _f(
                "means_value",
                N_("Value of the means (€)"),
                path=("means", "value"),
            ),
            NOTE,
        ),
    ),
    "report": (
        Report,
        (
            COMMON,
            _f("title", N_("Title of the report"), required=True),
            _f(
                "date",
                N_("Date"),
                help=N_("optional: YYYY-MM-DD, by default the day it is sent"),
            ),
            _f(
                "round",
                N_("Round (identifier)"),
                help=N_(
                    "optional: the round it reports on; by default the last round the "
                    "common took part in"
                ),
            ),
            _f(
                "spent",
                N_("Money spent"),
                kind="textarea",
                parse="spent",
                help=N_(
                    "one line per budget line: its label, a colon, the amount "
                    "(e.g. Development: 3000)"
                ),
            ),
            _f(
                "body",
                N_("The report: what was done, what comes next"),
                kind="textarea",
                markdown=True,
            ),
        ),
    ),
    "withdraw": (
        Withdrawal,
        (
            _f(
                "pledge",
                N_("The pledge (identifier)"),
                required=True,
                help=N_(
                    "the name of its file in content/pledges/, without .yml (e.g. "
                    "github-42), as the id column of data/pledges.csv gives it"
                ),
            ),
            _f(
                "note",
                N_("Why (optional)"),
                kind="textarea",
                markdown=True,
                help=N_("for the call's team; it is not published on the site"),
            ),
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


def _spent(value: str) -> list[dict[str, Any]]:
    """ "label: amount" lines ("label | amount" too, as in the budget): the last separator
    ends the label, which may hold colons of its own."""
    items = []
    for line in _lines(value):
        separator = "|" if "|" in line else ":"
        label, found, amount = (p.strip() for p in line.rpartition(separator))
        item: dict[str, Any] = {"label": label if found else amount}
        if found and amount:
            item["amount"] = amount.replace("€", "").strip()
        items.append(item)
    return items


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
    if field.parse == "spent":
        return _spent(value)
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


# The name of each form, and the prefix of its issues' titles.
TITLES = {
    "register-actor": (N_("Register my organisation"), N_("Registration")),
    "propose-challenge": (N_("Propose a challenge"), N_("Challenge")),
    "propose-common": (N_("Propose a common"), N_("Common")),
    "join": (N_("Join a common"), N_("Join")),
    "pledge": (N_("Make a pledge"), N_("Pledge")),
    "report": (N_("Publish a report"), N_("Report")),
    "withdraw": (N_("Withdraw a pledge"), N_("Withdrawal")),
}
OPTION_GROUPS = {"kind": "kind_one", "maturity": "maturity", "resource_types": "resource_type",
                 "role": "role"}  # fmt: skip


def option_text(field: FormField, value: str, locale: str = DEFAULT_LOCALE) -> str:
    """A dropdown choice as people read it, the value kept in brackets for the parser."""
    group = OPTION_GROUPS.get(field.id)
    return f"{label(value, group, locale)} ({value})" if group else value
