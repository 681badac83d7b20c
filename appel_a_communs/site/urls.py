"""Where the catalogue's pages live: the URL patterns a site sets, and the pages they make.

The plugin hands the patterns over from its settings; the core decides which pages exist
and what each template receives, so that a theme only formats them.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

# The addresses' defaults are the settings' (one place); re-exported for the site's code.
from appel_a_communs.content.settings import DEFAULT_FOLDERS as DEFAULT_FOLDERS
from appel_a_communs.content.settings import DEFAULT_PATTERNS as DEFAULT_PATTERNS
from appel_a_communs.content.settings import ITEMS, PAGE_KINDS
from appel_a_communs.content.settings import NESTED as NESTED
from appel_a_communs.content.settings import site_patterns as site_patterns
from appel_a_communs.i18n import DEFAULT_LOCALE, M_, language_of

if TYPE_CHECKING:
    from appel_a_communs.site.pages import PageContext
    from appel_a_communs.site.pages.catalogue import Manifests

LISTS = tuple(kind for kind in PAGE_KINDS if kind not in ITEMS)
OPTIONAL_KINDS = (
    "rounds",
    "round",
    "round_engagement",
    "review",
    "eligibility",
    "round_report",
    "jury",
    "report",
)
"""The pages only some calls have: with rounds, review dates, eligibility criteria or
follow-up reports (``optional_pages``)."""

FEED_NAMES = {
    "fr": {
        "commons": "communs.atom.xml",
        "pledges": "engagements.atom.xml",
        "challenge": "defis/{slug}.atom.xml",
        "common": "communs/{slug}.atom.xml",
    },
    "en": {
        "commons": "commons.atom.xml",
        "pledges": "pledges.atom.xml",
        "challenge": "challenges/{slug}.atom.xml",
        "common": "commons/{slug}.atom.xml",
    },
}
"""Each Atom feed's name in the feeds folder, in the site's language (as the scaffold names
an English site's folders ``commons/``, ``challenges/``): the new commons, the new pledges,
and one feed per challenge and per common (``{slug}``). A language without its own names
(its interface falls back to English) takes the English ones."""


def feed_names(locale: str) -> Mapping[str, str]:
    """The feed names of a site whose language is ``locale`` (``fr``, ``en_GB``…)."""
    return FEED_NAMES.get(language_of(locale), FEED_NAMES["en"])


STATEMENT_TABLES = ("commons", "pledges", "actors", "payments", "matching")
"""The tables of a round's statement for the funder: the workbook's sheets, one CSV each."""


def statement_path(round_slug: str | None, table: str | None = None) -> str:
    """A round's statement, relative to the data folder: the workbook
    (``statements/<round>.ods``) or one of its tables as CSV
    (``statements/<round>-<table>.csv``); a call without rounds is ``call``."""
    name = round_slug or "call"
    return f"statements/{name}.ods" if table is None else f"statements/{name}-{table}.csv"


def actor_statement_path(slug: str) -> str:
    """An actor's statement as CSV, relative to the data folder."""
    return f"statements/actors/{slug}.csv"


def save_as(url: str) -> str:
    """``communs/velo/`` is saved as ``communs/velo/index.html``."""
    return url + "index.html" if url.endswith("/") or not url else url


@dataclass(frozen=True)
class SiteUrls:
    patterns: Mapping[str, str]
    """Page kind → URL pattern, relative to the site's root."""
    forms_slugs: Mapping[str, str]
    """Submission type → the slug of its form page under the forms page."""
    feeds: str = DEFAULT_FOLDERS["feeds"]
    """The folder of the Atom feeds (``CATALOGUE_FEEDS_PATH``), relative to the site's root."""
    feed_names: Mapping[str, str] = field(default_factory=lambda: FEED_NAMES["fr"])
    """Feed kind → its name in that folder (``feed_names``: the site's language)."""

    def url(self, kind: str, slug: str | None = None) -> str:
        pattern = self.patterns[kind]
        return pattern.format(slug=slug) if slug is not None else pattern

    def form_url(self, kind: str) -> str:
        return f"{self.url('forms')}{self.forms_slugs[kind]}/"

    def feed_url(self, kind: str, slug: str | None = None) -> str:
        """A feed's address relative to the site's root, which is also where it is saved
        (relative to the output folder): pages link and the feed writer writes the same
        path. ``kind`` is one of ``FEED_NAMES``' keys; ``slug`` for a challenge's or a
        common's feed."""
        name = self.feed_names[kind]
        return f"{self.feeds}/{name.format(slug=slug) if slug is not None else name}"

    def feed_folders(self) -> set[str]:
        """The folders the feeds are written in, relative to the output folder."""
        return {
            posixpath.dirname(self.feed_url(kind, "x" if "{slug}" in name else None))
            for kind, name in self.feed_names.items()
        }

    def top_folders(self, pages: Iterable[Page] = ()) -> set[str]:
        """The first folder of every catalogue page: no ordinary page may take it. The
        pages of ``OPTIONAL_KINDS`` exist only in calls that have them (``optional_pages``):
        their folders are taken only by the ``pages`` given, so that a call of before keeps
        its pages."""
        firsts = (
            self.patterns[kind].strip("/").split("/")[0]
            for kind in PAGE_KINDS
            if kind not in OPTIONAL_KINDS
        )
        found = {first for first in firsts if "{" not in first}
        return found | {page.url.strip("/").split("/")[0] for page in pages}

    def reserved_slugs(self, folders: Iterable[str], pages: Iterable[Page] = ()) -> set[str]:
        """What an ordinary page may not be called: a catalogue page's folder (of ``pages``
        too), or one of ``folders`` (the data files', the schemas', the badges', the
        theme's)."""
        return self.top_folders(pages) | {folder.strip("/").split("/")[0] for folder in folders}

    def round_url(self, slug: str | None, current: str | None) -> str:
        """A round's funding page: the current round's is the funding page itself."""
        return self.url("funding") if slug is None or slug == current else self.url("round", slug)

    def round_report_url(self, slug: str | None, current: str | None) -> str:
        """A round's printable report: the current round's lives beside the funding page."""
        if slug is None or slug == current:
            return self.url("funding_report")
        return self.url("round_report", slug)

    def review_url(self, day: date | str) -> str:
        return self.url("review", day.isoformat() if isinstance(day, date) else day)

    def template_globals(self, current_round: str | None = None) -> dict[str, Any]:
        """What every template may call or print to link to the catalogue's pages;
        ``current_round`` is the slug of the round whose page is the funding page."""
        names = {kind: f"{kind.upper()}_URL" for kind in LISTS}
        return {
            "challenge_url": lambda slug: self.url("challenge", slug),
            "common_url": lambda slug: self.url("common", slug),
            "actor_url": lambda slug: self.url("actor", slug),
            "round_url": lambda slug: self.round_url(slug, current_round),
            "round_engagement_url": lambda slug: self.url("round_engagement", slug),
            "round_report_url": lambda slug: self.round_report_url(slug, current_round),
            "jury_url": lambda slug: self.url("jury", slug),
            "report_url": lambda slug: self.url("report", slug),
            "actor_statement_url": lambda slug: self.url("actor_statement", slug),
            "review_url": self.review_url,
            "statement_path": statement_path,
            "actor_statement_path": actor_statement_path,
            "STATEMENT_TABLES": STATEMENT_TABLES,
            "form_url": self.form_url,
            "feed_url": self.feed_url,
            **{name: self.url(kind) for kind, name in names.items()},
        }


def page_slug_errors(pages: Iterable[tuple[str, str | None]], reserved: set[str]):
    """(source, slug) of each ordinary page → an error for each that takes a reserved name."""
    from appel_a_communs.content.errors import ContentError

    for source, slug in pages:
        if slug in reserved:
            yield ContentError(
                source,
                "slug",
                M_("'%(slug)s' is reserved for the catalogue's own pages", slug=slug),
            )


class Page:
    """A catalogue page: its URL, its template and its context (``site.pages``), whose
    fields are the template's variables.

    ``context`` may also be a function that makes it (a page of each common or actor):
    the context is then made where the page is written, in the process that writes it,
    so that the build's main process neither computes nor holds every page's rows; its
    ``kind`` (the context's class) says then whether the page is indexed."""

    __slots__ = ("_context", "_indexed", "_relative", "template", "url")

    def __init__(
        self,
        url: str,
        template: str,
        context: PageContext | Callable[[], PageContext],
        kind: type[PageContext] | None = None,
    ) -> None:
        self.url = url
        self.template = template
        self._context = context
        found = kind or (None if callable(context) else type(context))
        if found is None:
            raise TypeError("a page made by a function names its context's class (kind)")
        self._indexed = found.indexed
        self._relative = found.relative_urls

    @property
    def context(self) -> Any:
        """Made anew at each reading when made by a function: kept, every page's rows would
        stay in memory until the build ends (the writer reads it once)."""
        return self._context() if callable(self._context) else self._context

    @property
    def variables(self) -> dict[str, Any]:
        return self.context.variables()

    @property
    def save_as(self) -> str:
        return save_as(self.url)

    @property
    def indexed(self) -> bool:
        """Whether search engines are asked to index it (and the sitemap lists it): a
        page whose template receives ``indexed`` False says noindex."""
        return self._indexed

    @property
    def relative_urls(self) -> bool:
        """Whether its links may be relative to its own place (as the site's settings say):
        False for a page served at any address (the 404 page)."""
        return self._relative


def catalogue_pages(
    view: Any,
    urls: SiteUrls,
    forms: list[Any],
    schemas: list[str],
    manifests: Manifests | None = None,
    locale: str | None = None,
) -> list[Page]:
    """Every catalogue page, the home page (``""``) first: its URL, its template and what
    the template receives; ``manifests``: the funding.json files the build publishes
    (none: unpublished); ``locale``: the site's (the badges' words, and so their size)."""
    from appel_a_communs.site.pages import catalogue
    from appel_a_communs.site.pages.actor import ActorPage, actor_page
    from appel_a_communs.site.pages.common import CommonPage, common_page
    from appel_a_communs.site.pages.forms import form_page, forms_page
    from appel_a_communs.site.pages.not_found import NOT_FOUND, NotFoundPage
    from appel_a_communs.site.pages.statement import ActorStatementPage, actor_statement_page

    url = urls.url
    manifests = manifests or catalogue.Manifests({}, ("", ""), at_root=False)
    published = dict(manifests.paths)
    pages = [Page("", "index", catalogue.index_page(view))]
    pages.append(Page(url("challenges"), "challenges", catalogue.challenges_page(view)))
    pages += [
        Page(url("challenge", c.slug), "challenge", catalogue.challenge_page(view, c))
        for c in view.challenges
    ]
    pages.append(Page(url("commons"), "commons", catalogue.commons_page(view)))
    pages += [
        Page(
            url("common", c.slug),
            "common",
            partial(common_page, view, c, published, locale or DEFAULT_LOCALE),
            CommonPage,
        )
        for c in view.commons
    ]
    pages += report_pages(view, urls)
    pages.append(Page(url("actors"), "actors", catalogue.actors_page(view)))
    pages += [
        Page(url("actor", a.slug), "actor", partial(actor_page, view, a), ActorPage)
        for a in view.actors
    ]
    pages += [
        Page(
            url("actor_statement", a.slug),
            "actor_statement",
            partial(actor_statement_page, view, a),
            ActorStatementPage,
        )
        for a in view.actors
        if view.statements[a.slug].lines
    ]
    pages += round_pages(view, urls)
    pages.append(Page(url("forms"), "forms", forms_page(view, forms)))
    pages += [Page(urls.form_url(form.kind), "form", form_page(view, form)) for form in forms]
    pages.append(
        Page(url("open_data"), "open_data", catalogue.open_data_page(view, schemas, manifests))
    )
    pages.append(Page(url("needs"), "needs", catalogue.needs_page(view)))
    pages.append(Page(NOT_FOUND, "404", NotFoundPage()))
    return pages


def report_pages(view: Any, urls: SiteUrls) -> list[Page]:
    """A page per follow-up report (``content/reports/``)."""
    from appel_a_communs.site.pages.report import report_page

    return [
        Page(urls.url("report", r.slug), "report", report_page(view, r))
        for r in view.catalogue.reports.values()
    ]


def optional_pages(view: Any, urls: SiteUrls) -> list[Page]:
    """The pages of ``OPTIONAL_KINDS`` that this call has: only they reserve their folders,
    so that a call of before keeps an ordinary page of that name."""
    return round_pages(view, urls) + report_pages(view, urls)


def round_pages(view: Any, urls: SiteUrls) -> list[Page]:
    """The funding page (the current round, or a call without rounds: no round), and, for
    a call with rounds, the rounds' index, each other round's funding page, each round's
    engagement page, a page per review date and the eligibility view."""
    from appel_a_communs.site.pages.jury import has_jury_page, jury_page
    from appel_a_communs.site.pages.rounds import (
        eligibility_page,
        funding_page,
        has_eligibility_page,
        has_rounds_index,
        review_page,
        round_engagement_page,
        round_report_page,
        rounds_page,
    )

    url = urls.url
    current = view.current_round
    pages = [Page(url("funding"), "funding", funding_page(view, current))]
    # The current round's printable report (a call without rounds has one too: round None)
    pages.append(Page(url("funding_report"), "round_report", round_report_page(view, current)))
    if has_rounds_index(view):  # rounds/ (a call of campaign.yml has its funding page only)
        pages.append(Page(url("rounds"), "rounds", rounds_page(view)))
        for each in view.rounds:
            if not each.current:
                pages.append(Page(url("round", each.slug), "funding", funding_page(view, each)))
                pages.append(
                    Page(url("round_report", each.slug), "round_report",
                         round_report_page(view, each))
                )  # fmt: skip
            pages.append(
                Page(url("round_engagement", each.slug), "round_engagement",
                     round_engagement_page(view, each))
            )  # fmt: skip
    pages += [
        Page(urls.review_url(review.date), "review", review_page(view, review))
        for review in view.review_dates
    ]
    pages += [
        Page(url("jury", each.slug), "jury", jury_page(view, each))
        for each in view.rounds
        if has_jury_page(view, each.slug)
    ]
    if has_eligibility_page(view):
        # The maintainers' working list: published, but not for search engines.
        pages.append(Page(url("eligibility"), "eligibility", eligibility_page(view)))
    return pages
