"""Page contexts: for each kind of catalogue page, what its template shows, decided.

A template receives its page's context as variables (each field of the context is one),
beside the ``GLOBALS`` every template may use (the site's settings, the address
functions, gettext). The view decides which round a page shows and how it is named,
whether the call has several rounds, the goal's wording, the statuses: a context holds
the answers, so a template only lays them out and formats them, and a custom theme
cannot get a rule wrong. ``tests/test_page_contexts.py`` holds each template to its
context: it may use only what the context documents, and the context holds nothing the
template does not show.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar

LAYOUT: frozenset[str] = frozenset({"nav_current", "indexed"})
"""What ``base.html`` reads of every catalogue page's context: the navigation entry it
marks as current, and whether search engines may index the page."""

GLOBALS: frozenset[str] = frozenset(
    {
        # Pelican's settings and context, as the theme uses them
        "SITENAME", "SITESUBTITLE", "SITEURL", "SITE_ADDRESS", "pages",
        "CATALOGUE_HTML_LANG", "CATALOGUE_OG_LOCALE", "CATALOGUE_BADGES_PATH",
        "CATALOGUE_WIDGETS_PATH", "CATALOGUE_DATA_PATH", "CATALOGUE_SCHEMAS_PATH",
        "CATALOGUE_DATA_LICENSE", "CATALOGUE_DATA_LICENSE_URL",
        # what Pelican's writer gives each page
        "url", "canonical_url",
        # gettext (plugin templating.install_translations)
        "_", "gettext", "ngettext", "pgettext", "npgettext",
        # addresses (site.urls.SiteUrls.template_globals)
        "challenge_url", "common_url", "actor_url", "round_url", "round_engagement_url",
        "round_report_url", "jury_url", "report_url", "actor_statement_url", "review_url",
        "statement_path", "actor_statement_path", "STATEMENT_TABLES", "form_url", "feed_url",
        "CHALLENGES_URL", "COMMONS_URL", "ACTORS_URL", "FUNDING_URL", "FORMS_URL",
        "OPEN_DATA_URL", "NEEDS_URL", "ROUNDS_URL", "ELIGIBILITY_URL", "FUNDING_REPORT_URL",
        # a pledge's cells and a row's link, rendered once per build (the plugin's generator)
        "pledge_cells", "pledge_link",
    }
)  # fmt: skip
"""What every template may use besides its context."""


@dataclass(frozen=True)
class PageContext:
    """What every catalogue page's template receives: its own fields (a subclass's), and
    the layout's (``LAYOUT``), which each kind of page sets as a class attribute."""

    nav_current: ClassVar[str] = ""
    """The entry of the main navigation this page belongs to ("" for none)."""
    indexed: ClassVar[bool] = True
    """False: a working page that search engines are asked not to index (nor the sitemap
    to list)."""
    relative_urls: ClassVar[bool] = True
    """False: a page served at any address (the 404 page), whose links start from
    ``SITEURL`` even when the site's are relative (``RELATIVE_URLS``)."""

    def variables(self) -> dict[str, Any]:
        """The template's variables: the layout's, then each field by its name."""
        found: dict[str, Any] = {"nav_current": self.nav_current, "indexed": self.indexed}
        found.update((f.name, getattr(self, f.name)) for f in fields(self))
        return found
