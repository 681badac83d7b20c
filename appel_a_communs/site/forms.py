"""The site's submission forms, generated from the form definitions and the models.

Labels, help and required marks come from ``vocabulary/forms.py``; HTML validation
attributes (pattern, type, maxlength, min) from the models' JSON Schema; choices of
challenges, commons and actors from the current content. The same field ids are the
issue form's ids (``github`` mode prefills the GitHub issue form) and the names a form
backend exports (``post`` mode, read back by ``fetch json``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any, Literal

from appel_a_communs.content.catalogue import Catalogue
from appel_a_communs.content.errors import ContentError
from appel_a_communs.content.models import Model, Round
from appel_a_communs.content.settings import has_endpoint
from appel_a_communs.i18n import DEFAULT_LOCALE, M_, N_, translations
from appel_a_communs.vocabulary.forms import (
    CONTACT_KEYS,
    FORMS,
    HONEYPOT,
    SUBMISSION_TYPES,
    TITLES,
    FormField,
    option_text,
)

Mode = Literal["github", "post"]
FORM_SLUGS = {
    "register-actor": "inscription",
    "propose-challenge": "proposer-un-defi",
    "propose-common": "proposer-un-commun",
    "join": "rejoindre",
    "pledge": "engagement",
    "report": "rapport",
    "withdraw": "retirer-un-engagement",
}
LEADS = {
    "register-actor": N_(
        "Register your organisation to propose commons, join them or pledge to them."
    ),
    "propose-challenge": N_(
        "A challenge describes a problem shared by several actors of a territory."
    ),
    "propose-common": N_(
        "A common is an open resource, governed by its community, that answers a challenge "
        "of the call."
    ),
    "join": N_("Join the working group of a common as a contributor, user or maintainer."),
    "pledge": N_(
        "Pledge money, days of skills or technical means. A pledge may be conditional: it "
        "only counts if others follow."
    ),
    "report": N_(
        "The people of a common tell what it has done and what its money was spent on, "
        "line by line of its budget. When the actors proposing it list members, only they "
        "may publish it."
    ),
    "withdraw": N_(
        "An actor may take back a pledge it made, until its round closes: from that day "
        "the pledge counts no more, and it stays listed, marked withdrawn. A paid pledge "
        "cannot be withdrawn. When the actor lists members, only they may withdraw it."
    ),
}
CHOOSE = N_("— Choose —")
# Fields whose choices are the call's own challenges, commons, actors or rounds.
CHOICES = {"challenges": "challenges", "common": "commons", "actor": "actors",
           "proposed_by": "actors", "round": "rounds"}  # fmt: skip
ROUND_FIELDS = frozenset({"round"})
"""Fields a call without ``rounds/`` leaves out of its forms (its one round, if any, is
every report's)."""


@dataclass(frozen=True)
class Control:
    name: str
    label: str
    help: str
    element: Literal["input", "textarea", "select"]
    required: bool
    attributes: dict[str, str] = field(default_factory=dict)
    """HTML attributes beyond name, id and required: type, pattern, maxlength, min…"""
    options: tuple[tuple[str, str], ...] = ()
    """(value, text) of a select; the first is an empty placeholder when not required."""
    multiple: bool = False


@dataclass(frozen=True)
class SiteForm:
    kind: str
    slug: str
    title: str
    lead: str
    mode: Mode
    action: str
    method: Literal["get", "post"]
    hidden: tuple[tuple[str, str], ...]
    controls: tuple[Control, ...]
    honeypot: str | None


# --- schema → HTML attributes ---------------------------------------------------------


@cache
def _schema(model: type[Model]) -> dict[str, Any]:
    return model.model_json_schema()


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in node:
        return defs[node["$ref"].split("/")[-1]]
    for key in ("anyOf", "oneOf"):
        options = [o for o in node.get(key, []) if o.get("type") != "null"]
        if len(options) == 1:
            return _resolve(options[0], defs)
    return node


def field_schema(model: type[Model], path: tuple[str, ...]) -> dict[str, Any]:
    """The JSON Schema of the value at ``path`` in ``model``."""
    schema = _schema(model)
    defs = schema.get("$defs", {})
    node: dict[str, Any] = schema
    for part in path:
        node = _resolve(node, defs)
        if node.get("type") == "array":
            node = _resolve(node.get("items", {}), defs)
        node = node.get("properties", {}).get(part, {})
    node = _resolve(node, defs)
    return _resolve(node["items"], defs) if node.get("type") == "array" else node


ONE_LINE = r"^[^\n\r]*$"


def html_pattern(pattern: str | None) -> str | None:
    """A JSON Schema pattern (a search) as an HTML pattern (matched whole), or None."""
    if not pattern or pattern == ONE_LINE:  # an <input> holds one line anyway
        return None
    body = pattern.removeprefix("^")
    return body.removesuffix("$") if body.endswith("$") else body + ".*"


def html_attributes(model: type[Model], form_field: FormField) -> dict[str, str]:
    if form_field.parse in ("list", "needs", "deliverables", "budget"):
        return {}
    schema = field_schema(model, form_field.path)
    strings = [s for s in schema.get("anyOf", [schema]) if s.get("type") == "string"]
    integers = [s for s in schema.get("anyOf", [schema]) if s.get("type") == "integer"]
    attributes: dict[str, str] = {}
    text = strings[0] if strings else {}
    if text.get("format") == "date":
        attributes["type"] = "date"
    elif text.get("format") == "uri":
        attributes["type"] = "url"
    elif integers and not strings:
        attributes["type"] = "number"
        if "minimum" in integers[0]:
            attributes["min"] = str(integers[0]["minimum"])
    pattern = html_pattern(text.get("pattern"))
    if pattern and form_field.kind == "input":
        attributes["pattern"] = pattern
        if integers:
            attributes["inputmode"] = "decimal"
    if "maxLength" in text:
        attributes["maxlength"] = str(text["maxLength"])
    return attributes


# --- the forms -----------------------------------------------------------------------


def _choices(catalogue: Catalogue, name: str) -> tuple[tuple[str, str], ...]:
    folder = CHOICES[name]
    if folder == "rounds":  # in their order, the latest last
        return tuple((r.slug, f"{r.name} ({r.slug})" if r.name else r.slug)
                     for r in catalogue.round_list)  # fmt: skip
    items = getattr(catalogue, folder)
    text = (lambda x: x.name) if folder == "actors" else (lambda x: x.title)
    return tuple(
        sorted(((slug, f"{text(item)} ({slug})") for slug, item in items.items()),
               key=lambda option: option[1].casefold())
    )  # fmt: skip


def _control(
    model: type[Model], form_field: FormField, catalogue: Catalogue, mode: Mode, locale: str
) -> Control:
    _ = translations(locale).gettext
    label, help_text = _(form_field.label), _(form_field.help) if form_field.help else ""
    if form_field.id in CHOICES:
        options = _choices(catalogue, form_field.id)
        # a list's help says how to type identifiers, which a select spares
        help_text = "" if form_field.parse == "list" else help_text
        return Control(form_field.id, label, help_text, "select", form_field.required,
                       options=(("", _(CHOOSE)), *options))  # fmt: skip
    if form_field.kind == "dropdown":
        options = tuple(
            (option_text(form_field, v, locale) if mode == "github" else v,
             option_text(form_field, v, locale))
            for v in form_field.options
        )  # fmt: skip
        # An empty first option: a required select then needs a real choice (HTML spec).
        placeholder = () if form_field.multiple else (("", _(CHOOSE)),)
        return Control(form_field.id, label, help_text, "select", form_field.required,
                       options=(*placeholder, *options), multiple=form_field.multiple)  # fmt: skip
    element = "textarea" if form_field.kind == "textarea" else "input"
    attributes = html_attributes(model, form_field)
    return Control(form_field.id, label, help_text, element, form_field.required,
                   attributes=attributes)  # fmt: skip


# --- a sealed round's pledges -------------------------------------------------------


def private_round(catalogue: Catalogue, today: date, mode: Mode) -> Round | None:
    """In the ``github`` mode, the first round whose pledges must not open a public GitHub
    issue: sealed, and not closed on ``today`` (open, or upcoming: the pledge form lets a
    pledge name it). Its per-actor amounts are hidden on the site; a pledge typed in an
    issue of a public repository would show them to anyone. None: nothing to hide now."""
    if mode != "github":
        return None
    return next(
        (r for r in catalogue.round_list if r.sealed and (r.closes is None or today <= r.closes)),
        None,
    )


def pledge_channel_error(
    catalogue: Catalogue, today: date, mode: Mode, endpoint: str
) -> ContentError | None:
    """The one error of a site in ``github`` mode with a sealed round open and no private
    channel for its pledges (CATALOGUE_FORMS_ENDPOINT, the ``post`` mode's endpoint), on
    the round's file; None when the pledges have somewhere private to go."""
    round_ = private_round(catalogue, today, mode)
    if round_ is None or has_endpoint(endpoint):
        return None
    source = catalogue.source_of("rounds", round_.slug)
    return ContentError(
        str(source) if source else round_.slug,
        "sealed",
        M_(
            "the round is sealed, and in the github forms mode the pledge form would open a "
            "public GitHub issue, where anyone reads the amount: set CATALOGUE_FORMS_ENDPOINT "
            "in pelicanconf.py to the http(s) address of a private form backend (as in the "
            "post forms mode), to which the pledge form then sends pledges"
        ),
    )


def site_forms(
    catalogue: Catalogue,
    mode: Mode,
    repo: str,
    endpoint: str,
    locale: str = DEFAULT_LOCALE,
    today: date | None = None,
) -> list[SiteForm]:
    """The forms, one per submission type, in the site's locale (github mode: that of
    the issue forms too).

    While a sealed round is open (``private_round`` on ``today``), the pledge form of the
    github mode is the post mode's, sent to ``endpoint``: a pledge never opens a public
    issue. A build without an endpoint then stops first (``pledge_channel_error``)."""
    _ = translations(locale).gettext
    private = today is not None and private_round(catalogue, today, mode) is not None
    if private and not has_endpoint(endpoint):
        raise ValueError("a sealed round's pledges need an endpoint (pledge_channel_error)")
    forms = []
    for kind in SUBMISSION_TYPES:
        form_mode: Mode = "post" if private and kind == "pledge" else mode
        model, fields = FORMS[kind]
        if not catalogue.rounds:  # campaign.yml, or no round: no round to choose
            fields = tuple(f for f in fields if f.id not in ROUND_FIELDS)
        controls = [_control(model, f, catalogue, form_mode, locale) for f in fields]
        if form_mode == "github":
            action, method = f"https://github.com/{repo}/issues/new", "get"
            hidden: tuple[tuple[str, str], ...] = (("template", f"{kind}.yml"),)
            honeypot = None
        else:
            action, method = endpoint, "post"
            hidden = (("type", kind),)
            honeypot = HONEYPOT
            controls += [
                Control(CONTACT_KEYS[0], _("Your name"), _("optional"), "input", False,
                        attributes={"autocomplete": "name"}),
                Control(CONTACT_KEYS[1], _("Your e-mail address"),
                        _("so that we can answer you; never published"), "input", True,
                        attributes={"type": "email", "autocomplete": "email"}),
            ]  # fmt: skip
        forms.append(
            SiteForm(
                kind=kind,
                slug=FORM_SLUGS[kind],
                title=_(TITLES[kind][0]),
                lead=_(LEADS[kind]),
                mode=form_mode,
                action=action,
                method=method,
                hidden=hidden,
                controls=tuple(controls),
                honeypot=honeypot,
            )
        )
    return forms
