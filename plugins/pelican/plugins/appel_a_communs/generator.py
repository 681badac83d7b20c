"""Pelican's side of a build: read the call through the core, hand its view to the
templates, and run the core's writing jobs (as Pelican's PagesGenerator reads, then writes)."""

from __future__ import annotations

import logging
import time
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import Generator

from appel_a_communs.content.errors import ContentError, ContentErrors, site_of
from appel_a_communs.parallel import can_fork, run_jobs, usable_cpus
from appel_a_communs.site import funding_manifest, jobs
from appel_a_communs.site.build import build_summary, call_counts, end_build, load_for_build
from appel_a_communs.site.forms import FORM_SLUGS, pledge_channel_error, site_forms
from appel_a_communs.site.pages.catalogue import Manifests
from appel_a_communs.site.urls import (
    DEFAULT_FOLDERS,
    Page,
    SiteUrls,
    catalogue_pages,
    feed_names,
    optional_pages,
    page_slug_errors,
)

from .settings import CatalogueSettings

logger = logging.getLogger(__name__)


def announce(line: str) -> None:
    """The line that says what the build built: logged at INFO (``pelican -v``, and any
    handler that listens), else printed as Pelican prints its own closing line ("Done:
    Processed…", on its console), which a default run shows; never a warning, which
    ``--fatal warnings`` would turn into a failure; nothing with ``-q``."""
    if logger.isEnabledFor(logging.INFO):
        logger.info("%s", line)
    elif logger.isEnabledFor(logging.WARNING):
        from pelican.log import console

        console.print(line, markup=False, highlight=False)


class CatalogueGenerator(Generator):
    """Writes the challenge, common and actor pages and the published data."""

    @property
    def checked(self) -> CatalogueSettings:
        return self.settings["CATALOGUE_SETTINGS"]

    def generate_context(self) -> None:
        checked = self.checked
        self.urls = SiteUrls(
            checked.urls,
            FORM_SLUGS,
            feeds=checked.feeds_path,
            feed_names=feed_names(self.settings["CATALOGUE_LOCALE"]),
        )
        errors: list[ContentError] = []
        cache = Path(self.settings["CACHE_PATH"]) / "catalogue" if checked.cache else None
        self.processes = checked.processes or usable_cpus()
        try:
            self.view = load_for_build(
                Path(self.path),
                checked.today or date.today(),
                cache,
                self.settings["CATALOGUE_LOCALE"],
                self.processes,
                checked.max_file_size,
            )
        except ContentErrors as exc:
            errors.extend(exc.errors)
        view = getattr(self, "view", None) if not errors else None
        errors[:0] = self._page_errors(optional_pages(view, self.urls) if view else [])
        today = checked.today or date.today()
        if view is not None:
            channel = pledge_channel_error(
                view.catalogue, today, checked.forms_mode, checked.forms_endpoint
            )
            errors += [channel] if channel else []
        if errors:
            end_build()  # the build stops here: nothing to keep frozen
            raise ContentErrors(errors, site=site_of(self.path))
        self.forms = site_forms(
            self.view.catalogue,
            checked.forms_mode,
            checked.github_repo,
            checked.forms_endpoint,
            self.settings["CATALOGUE_LOCALE"],
            today,
        )
        # The call's currency, for the money filter: templates receive no view, only their
        # page's context (site.pages).
        self.context["CATALOGUE_CURRENCY"] = self.view.currency
        current = self.view.current_round
        self.context.update(self.urls.template_globals(current.slug if current else None))
        # The absolute address, whatever RELATIVE_URLS does to SITEURL on each page.
        self.context["SITE_ADDRESS"] = self.settings.get("SITEURL", "").rstrip("/")
        # The funding.json files this build publishes, for the pages that link to them.
        self.manifests = Manifests(
            self._funding_manifests(),
            funding_manifest.manifest_pattern(self.urls, self.checked.data_path),
            funding_manifest.at_host_root(self.context["SITE_ADDRESS"]),
        )
        # The home page is a catalogue page (site.pages.catalogue.IndexPage): when the site
        # asks for Pelican's "index" direct template, this generator writes it instead.
        # Pelican's autoreload builds again with the same settings: the answer stays in them.
        direct = self.settings.get("DIRECT_TEMPLATES", [])
        self.home = self.settings.setdefault("CATALOGUE_HOME", "index" in direct)
        self.settings["DIRECT_TEMPLATES"] = [name for name in direct if name != "index"]
        pages = self.context.get("pages", [])
        pages.sort(
            key=lambda p: (getattr(p, "order", None) is None, getattr(p, "order", 0), p.title)
        )

    def _page_errors(self, catalogue_pages: list[Page]) -> list[ContentError]:
        """Errors of the ordinary pages, and pages that take a catalogue page's place
        (``catalogue_pages``: the pages of rounds this call has)."""
        return list(self._page_problems(catalogue_pages))

    def _page_problems(self, catalogue_pages: list[Page]):
        checked = self.checked
        folders = [getattr(checked, f"{name}_path") for name in DEFAULT_FOLDERS]
        folders.append(self.settings["THEME_STATIC_DIR"])
        pages = [page for key in ("pages", "hidden_pages", "draft_pages")
                 for page in self.context.get(key, [])]  # fmt: skip
        for page in pages:
            yield from page.metadata.get("content_errors", [])
        yield from page_slug_errors(
            ((page.source_path, page.slug) for page in pages),
            self.urls.reserved_slugs(folders, catalogue_pages),
        )

    def generate_output(self, writer: Any) -> None:
        """Write every page and data file; the jobs are independent, so they are spread
        over CATALOGUE_PROCESSES processes (see appel_a_communs.parallel)."""
        from appel_a_communs.site.exports import schema_names
        from appel_a_communs.site.statements import statement_jobs

        self.context["pledge_cells"], self.context["pledge_link"] = self._pledge_pieces()
        schemas = sorted(schema_names())
        pages = catalogue_pages(
            self.view, self.urls, self.forms, schemas, self.manifests,
            self.settings["CATALOGUE_LOCALE"],
        )  # fmt: skip
        if not self.home:
            pages = [page for page in pages if page.template != "index"]
        out = self._output()
        badge = self.env.get_template("badge.svg")
        # The longest jobs first (a round's workbook, the data files), so that no process
        # is left with one of them at the end while the others wait (parallel.run_jobs).
        work = statement_jobs(self.view, self.urls, out)
        work += jobs.data_jobs(self.view, self.urls, out)
        work += jobs.feed_jobs(self.view, self.urls, out)
        work += jobs.funding_jobs(self.view, self.urls, out, self._own_funding_list())
        work += [partial(self._write, writer, page) for page in pages]
        work += jobs.badge_jobs(self.view, out, lambda geometry: badge.render(badge=geometry))
        work += jobs.widget_jobs(
            self.view, self.urls, out, partial(self.get_template("widget").render, self.context)
        )
        processes = min(self.processes, len(work))
        if not can_fork() or signals.content_written.receivers:
            # Another plugin collects what is written: it would not hear from the workers.
            processes = 1
        logger.info(
            "Writing %d catalogue pages and data jobs in %d process%s",
            len(work),
            processes,
            "es" if processes > 1 else "",
        )
        started = time.time()
        run_jobs(work, processes)
        ordinary = [page.url for page in self.context.get("pages", [])]
        indexed = (page.url for page in pages if page.indexed)
        jobs.write_sitemap(out, ["", *indexed, *ordinary])
        if not self._writes_elsewhere("robots.txt"):
            jobs.write_robots(out)
        built = build_summary(
            call_counts(self.view.catalogue),
            len(pages),
            jobs.data_files_written(out, started),
            self.settings["CATALOGUE_LOCALE"],
        )
        announce(built)

    def _funding_manifests(self) -> dict[str, str]:
        out = self._output()
        site = funding_manifest.manifest_site(
            out.site, self.urls, out.funding_email, out.sitename, out.locale, out.data
        )
        return funding_manifest.manifest_paths(self.view, site)

    def _own_funding_list(self) -> str | None:
        """The text of the site's own ``.well-known/funding-manifest-urls`` (a static file;
        "" for a template page, not read), or None when the build writes its own."""
        if not self._writes_elsewhere(funding_manifest.WELL_KNOWN):
            return None
        for static in self.context.get("staticfiles", []):
            if static.save_as == funding_manifest.WELL_KNOWN:
                return Path(static.source_path).read_text(encoding="utf-8", errors="replace")
        return ""

    def _writes_elsewhere(self, save_as: str) -> bool:
        """Whether the site writes this file itself: a static file (STATIC_PATHS, placed
        by EXTRA_PATH_METADATA, copied after this generator has run) or a template page."""
        static = (sc.save_as for sc in self.context.get("staticfiles", []))
        return save_as in {*static, *self.settings.get("TEMPLATE_PAGES", {}).values()}

    def _output(self) -> jobs.Output:
        checked = self.checked
        return jobs.Output(
            folder=Path(self.output_path),
            site=self.settings.get("SITEURL", "").rstrip("/"),
            data=checked.data_path,
            schemas=checked.schemas_path,
            badges=checked.badges_path,
            widgets=checked.widgets_path,
            funding_email=checked.funding_email,
            sitename=self.settings["SITENAME"],
            locale=self.settings["CATALOGUE_LOCALE"],
        )

    def _write(self, writer: Any, page: Page) -> None:
        variables = page.variables  # its context, made here for a page of each item
        writer.write_file(
            page.save_as,
            self.get_template(page.template),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"] and page.relative_urls,
            url=page.url,
            canonical_url=page.url,
            **variables,
            **self._linked_data(page, variables),
        )

    def _linked_data(self, page: Page, variables: dict[str, Any]) -> dict[str, Any]:
        """A common's or a challenge's schema.org JSON-LD (``site.jsonld``), computed
        here, in the process that writes the page."""
        from appel_a_communs.site.jsonld import page_jsonld

        site = self.settings.get("SITEURL", "").rstrip("/")
        sitename, locale = self.settings["SITENAME"], self.settings["CATALOGUE_LOCALE"]
        return page_jsonld(
            self.view, self.urls, page.url, page.template, variables, site, sitename, locale
        )

    def _pledge_pieces(self) -> tuple[Any, Any]:
        """Render the pieces of pledge rows once: every pledge shows on its common's page
        and on its actor's page, and an actor's link on each of its pledges' rows; these
        rows are most of what those pages render."""
        macros = self.get_template("_macros").make_module(vars=self.context)
        cells: dict[str, Any] = {}
        links: dict[tuple[str, str, str], Any] = {}

        def pledge_cells(line: Any) -> Any:
            html = cells.get(line.id)
            if html is None:
                html = cells[line.id] = macros.pledge_row_cells(line)
            return html

        def pledge_link(who: str, slug: str, name: str, siteurl: str) -> Any:
            # SITEURL is relative to each page's depth when RELATIVE_URLS is on.
            html = links.get((who, slug, siteurl))
            if html is None:
                html = macros.pledge_link_cell(who, slug, name, siteurl)
                links[(who, slug, siteurl)] = html
            return html

        return pledge_cells, pledge_link
