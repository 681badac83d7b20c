"""schema.org JSON-LD of a common's page and of a challenge's page, from the view.

Search engines and aggregators read a page's ``<script type="application/ld+json">``;
what it holds is computed here, never in a template, and says no more than the page:

- The common is a ``SoftwareSourceCode`` when it is software with a repository, else a
  ``CreativeWork``: its name, summary, tags (``keywords``), maturity
  (``creativeWorkStatus``, our code: idea, prototype, beta, stable, obsolete), licence
  (an SPDX URL; a compound expression is a ``CreativeWork`` named by the expression, whose
  ``hasPart`` are the URLs of its licences and exceptions), repository, website
  (``sameAs``), the actors who propose it (``creator``), its contributors and maintainers
  (``contributor``, ``maintainer``), the challenges it answers (``about``, whose inverse
  ``subjectOf`` the challenge's page gives) and the call (``isPartOf``).
- Its funding is a list of ``MonetaryGrant``: in each round it took part in that is open
  or closed (not an upcoming one), named as the pages name it (``CatalogueView.round_name``),
  one grant per funder with the money of its pledges that count (firm, or conditional with
  the condition met): the ``secured`` of the funder's statement line for the common and the
  round (``view.statements``), the figures its statement shows. A pending conditional
  pledge is not a grant: it is left out, as it is left out of the secured money. While a
  round is sealed, no per-actor amount exists in the view: the round has one grant, from
  every funder whose money counts, for the common's secured money in it
  (``view.follow_up``), and that amount only where the page shows it
  (``CatalogueView.shows_secured``) and when at least two funders share it (one funder's
  total would be its own amount); elsewhere the grant has no ``amount``. A closed round's
  matching (as the round's report gives it, ``view.matches_in``) is a grant of each
  matching funder, its own pool's match: money the common gets from the call, which its
  ``funding.json`` counts in that year's income too, so that both give the same money;
  an open round's matching is an estimate, not a grant, and is left out. Money outside
  the goals (``existing_funding``) names no funder and is left out.
- An actor is an ``Organization`` (our actors are organisations, never persons), of the
  schema.org subtype of its kind (``ORGANIZATION_TYPES``), its ``url`` its page.
- The challenge is a ``CreativeWork``: schema.org has no type for a problem statement or a
  call for proposals (``Question`` is a question and its answers on a Q&A page, ``Project``
  an organisation), and a challenge is a text the call publishes: ``isPartOf`` the call
  (the site: ``WebSite``, its name and home page), ``subjectOf`` the commons answering it.

Every node of ours has ``@id`` = ``url`` = its page's address. With a site address
(``SITEURL``) these are absolute; without one (a local build), they are relative to the
page itself (``../../acteurs/ville/``), which a JSON-LD processor resolves against the
page's address, as a browser resolves the page's links.

Amounts are exact JSON numbers written from the Decimal (``6000``, ``2500.50``, as schema.org
recommends a Number for ``MonetaryAmount.value``), never a float. The text is safe inside
a ``<script>`` element: ``<``, ``>`` and ``&`` are written ``\\u003c``, ``\\u003e`` and
``\\u0026``, so no value can close the element or open a comment.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from markupsafe import Markup

from appel_a_communs.content.models import Actor, Challenge, Common
from appel_a_communs.content.types import spdx_licensing
from appel_a_communs.i18n import DEFAULT_LOCALE, translations
from appel_a_communs.site.exact_json import exact_json
from appel_a_communs.site.urls import SiteUrls
from appel_a_communs.site.view import CatalogueView, StatementLine

CONTEXT = "https://schema.org"

ORGANIZATION_TYPES = {
    "company": "Corporation",
    "startup": "Corporation",
    "public-body": "GovernmentOrganization",
    "association": "NGO",
    "research": "ResearchOrganization",
    "citizen-group": "Organization",
    "other": "Organization",
}
"""Our actor kinds as schema.org types (each a subtype of ``Organization``)."""

CONTRIBUTING_ROLES = {"contributor": "contributor", "maintainer": "maintainer"}
"""Working-group roles → the property that lists them; a funder is in ``funding``, a user
has no schema.org property."""

SPDX = "https://spdx.org/licenses/{}.html"

Json = dict[str, Any]
UrlOf = Callable[[str], str]
"""A page's URL relative to the site's root → its address in this page's JSON-LD."""


# --- the pages --------------------------------------------------------------------------


def page_jsonld(
    view: CatalogueView,
    urls: SiteUrls,
    page_url: str,
    template: str,
    variables: Mapping[str, Any],
    site: str,
    sitename: str,
    locale: str,
) -> dict[str, Markup]:
    """What a page's template receives: ``jsonld``, the text of its ``<script
    type="application/ld+json">``, for a common's or a challenge's page (``variables``:
    what its template receives); nothing for any other. ``site`` is the site's address
    (``SITEURL``, may be empty)."""
    if template not in ("common", "challenge"):
        return {}
    address = address_of(site, page_url)
    if template == "common":
        data = common_jsonld(view, urls, variables["common"], address, sitename, locale)
    else:
        data = challenge_jsonld(view, urls, variables["challenge"], address, sitename)
    return {"jsonld": script_text(data)}


def address_of(site: str, page_url: str) -> UrlOf:
    """Addresses as seen from the page at ``page_url``: absolute under ``site``, else
    relative to the page (``communs/velo/`` sees ``acteurs/x/`` as ``../../acteurs/x/``)."""
    if site:
        root = site.rstrip("/") + "/"
        return lambda url: root + url
    up = "../" * page_url.count("/") or "./"
    return lambda url: up + url


def common_jsonld(
    view: CatalogueView,
    urls: SiteUrls,
    common: Common,
    address: UrlOf,
    sitename: str,
    locale: str = DEFAULT_LOCALE,
) -> Json:
    """The common as its page presents it (see the module's docstring)."""
    page = address(urls.url("common", common.slug))
    data: Json = {
        "@context": CONTEXT,
        "@type": common_type(common),
        "@id": page,
        "url": page,
        "name": common.title,
        "description": common.summary,
    }
    if common.tags:
        data["keywords"] = list(common.tags)
    if common.maturity:
        data["creativeWorkStatus"] = common.maturity
    if common.license:
        data["license"] = license_value(common.license)
    if data["@type"] == "SoftwareSourceCode":
        data["codeRepository"] = str(common.repository)
    if common.website:
        data["sameAs"] = str(common.website)
    actors = view.actors_by_slug
    data["creator"] = [organization(actors[slug], urls, address) for slug in common.proposed_by]
    for role, members in view.working_group.get(common.slug, []):
        if role in CONTRIBUTING_ROLES:
            data[CONTRIBUTING_ROLES[role]] = [organization(a, urls, address) for a in members]
    challenges = view.challenges_by_slug
    data["about"] = [
        challenge_node(challenges[slug], urls, address)
        for slug in common.challenges
        if slug in challenges
    ]
    data["isPartOf"] = call_node(address, sitename)
    grants = funding_grants(view, urls, common, address, locale)
    if grants:
        data["funding"] = grants
    return data


def challenge_jsonld(
    view: CatalogueView, urls: SiteUrls, challenge: Challenge, address: UrlOf, sitename: str
) -> Json:
    """The challenge, part of the call, and the commons answering it."""
    page = address(urls.url("challenge", challenge.slug))
    data: Json = {
        "@context": CONTEXT,
        "@type": "CreativeWork",
        "@id": page,
        "url": page,
        "name": challenge.title,
        "description": challenge.summary,
        "creativeWorkStatus": challenge.status,
    }
    if challenge.themes:
        data["keywords"] = list(challenge.themes)
    data["isPartOf"] = call_node(address, sitename)
    commons = view.commons_by_challenge.get(challenge.slug, [])
    if commons:
        data["subjectOf"] = [common_node(c, urls, address) for c in commons]
    return data


# --- nodes ------------------------------------------------------------------------------


def common_type(common: Common) -> str:
    if "software" in common.resource_types and common.repository:
        return "SoftwareSourceCode"
    return "CreativeWork"


def organization(actor: Actor, urls: SiteUrls, address: UrlOf) -> Json:
    page = address(urls.url("actor", actor.slug))
    node: Json = {
        "@type": ORGANIZATION_TYPES.get(actor.kind, "Organization"),
        "@id": page,
        "url": page,
        "name": actor.name,
    }
    if actor.website:
        node["sameAs"] = str(actor.website)
    return node


def challenge_node(challenge: Challenge, urls: SiteUrls, address: UrlOf) -> Json:
    page = address(urls.url("challenge", challenge.slug))
    return {"@type": "CreativeWork", "@id": page, "url": page, "name": challenge.title}


def common_node(common: Common, urls: SiteUrls, address: UrlOf) -> Json:
    page = address(urls.url("common", common.slug))
    return {"@type": common_type(common), "@id": page, "url": page, "name": common.title}


def call_node(address: UrlOf, sitename: str) -> Json:
    home = address("")
    return {"@type": "WebSite", "@id": home, "url": home, "name": sitename}


@cache
def license_value(expression: str) -> str | Json:
    """A licence's SPDX page; a compound expression (``MIT OR Apache-2.0``, ``WITH`` an
    exception) as a ``CreativeWork`` named by the expression, its parts linked."""
    licensing = spdx_licensing()  # one index per process: building it takes 0.1 s
    parsed = licensing.parse(expression, validate=True, strict=True)
    key = getattr(parsed, "key", None)
    if isinstance(key, str):  # one licence
        return SPDX.format(key)
    keys = [symbol.key for symbol in licensing.license_symbols(parsed, decompose=True)]
    return {
        "@type": "CreativeWork",
        "name": str(parsed),
        "hasPart": [{"@id": SPDX.format(k)} for k in dict.fromkeys(keys)],
    }


# --- funding ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Round:
    """One round as the common's page shows it."""

    slug: str | None
    name: str | None
    url: str
    state: str
    sealed: bool


def _rounds(view: CatalogueView, urls: SiteUrls, common: Common) -> list[_Round]:
    """The rounds the common took part in; a call without rounds is one, unnamed."""
    if not view.rounds:  # a call without rounds: its funding page
        return [_Round(None, None, urls.url("funding"), "open", view.sealed)]
    current = view.current_round.slug if view.current_round else None
    found = []
    for each, _result in view.round_results.get(common.slug, []):
        found.append(
            _Round(each.slug, view.round_name(each.slug), urls.round_url(each.slug, current),
                   each.state, each.sealed)
        )  # fmt: skip
    return found


_LINES: dict[int, tuple[CatalogueView, dict]] = {}


def statement_lines(
    view: CatalogueView,
) -> dict[tuple[str, str | None], list[tuple[str, StatementLine]]]:
    """(common, round) → each actor's line of its statement there, in the order of their
    first pledge on the common's page: built once per view (and process), as every
    common's page reads it."""
    found = _LINES.get(id(view))
    if found is None or found[0] is not view:
        order = {p.id: n for pledges in view.pledges_by_common.values()
                 for n, p in enumerate(pledges)}  # fmt: skip
        index: dict[tuple[str, str | None], list[tuple[str, StatementLine]]] = {}
        for slug, statement in view.statements.items():
            for line in statement.lines:
                index.setdefault((line.common.slug, line.round), []).append((slug, line))
        for lines in index.values():
            lines.sort(key=lambda item: min(order.get(p.id, 0) for p in item[1].pledges))
        _LINES.clear()  # one view at a time: that of the build
        found = _LINES[id(view)] = (view, index)
    return found[1]


def funding_grants(
    view: CatalogueView,
    urls: SiteUrls,
    common: Common,
    address: UrlOf,
    locale: str = DEFAULT_LOCALE,
) -> list[Json]:
    """The common's ``MonetaryGrant``s (see the module's docstring): per funder, its
    statement's secured money to the common in the round (``view.statements``); in a sealed
    round, the common's secured money (``view.follow_up``); a closed round's matching as
    the round's report gives it, one grant per matching funder (``view.matches_in``)."""
    actors = view.actors_by_slug
    currency = view.currency
    follow = view.follow_up.get(common.slug)
    grants: list[Json] = []
    for round_ in _rounds(view, urls, common):
        if round_.state == "upcoming":
            continue
        # Each funder's statement line for this common and round, if any pledge counts.
        lines = [(slug, line) for slug, line in statement_lines(view).get(
                     (common.slug, round_.slug), [])
                 if any(p.id in view.counted for p in line.pledges)]  # fmt: skip
        base: Json = {"@type": "MonetaryGrant"}
        if round_.name:
            base["name"] = round_.name
        base["url"] = address(round_.url)
        if round_.sealed or any(line.money.secured is None for _, line in lines):
            if not lines:
                continue
            nodes = [organization(actors[slug], urls, address) for slug, _ in lines]
            grant = {**base, "funder": nodes[0] if len(nodes) == 1 else nodes}
            money = follow.in_round(round_.slug) if follow is not None else None
            # One funder's total would be its own amount: no amount below two.
            if (
                len(nodes) >= 2
                and money is not None
                and view.shows_secured(common.slug, round_.slug)
            ):
                grant["amount"] = monetary_amount(money.secured, currency)
            grants.append(grant)
            continue
        for slug, line in lines:
            grants.append(
                {**base, "funder": organization(actors[slug], urls, address),
                 "amount": monetary_amount(line.money.secured, currency)}  # type: ignore[arg-type]
            )  # fmt: skip
        if round_.state != "closed":
            continue
        # one grant per matching funder: what its pool gave the common
        for funder, matching in view.matches_in(common.slug, round_.slug):
            if matching and funder in actors:
                grants.append(
                    {**base, "url": address(round_.url) + "#matching-title",
                     "description": translations(locale).pgettext("round results", "Matching"),
                     "funder": organization(actors[funder], urls, address),
                     "amount": monetary_amount(matching, currency)}
                )  # fmt: skip
    return grants


def monetary_amount(amount: Decimal, currency: str) -> Json:
    return {"@type": "MonetaryAmount", "currency": currency, "value": amount}


# --- writing it -------------------------------------------------------------------------

SCRIPT_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"))


def script_text(data: Json) -> Markup:
    """The JSON text, safe between ``<script type="application/ld+json">`` and
    ``</script>``: the only ``<``, ``>`` and ``&`` of JSON are inside strings, where their
    escapes mean the same character."""
    text = exact_json(data)
    for character, escape in SCRIPT_ESCAPES:
        text = text.replace(character, escape)
    return Markup(text)
