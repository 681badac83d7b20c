"""Read the call through the core, hand the computed view to templates, write the pages.

Pelican still builds the ordinary pages (``content/pages``), through a reader that
applies the same strict front matter and the same sanitiser as the catalogue.
"""

from __future__ import annotations

import gc
import json
import logging
import re
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from feedgenerator import Atom1Feed
from jinja2 import pass_context
from jinja2.bccache import FileSystemBytecodeCache
from markupsafe import Markup, escape
from pelican import signals
from pelican.generators import Generator
from pelican.readers import BaseReader

from appel_a_communs.content.errors import ContentError, ContentErrors
from appel_a_communs.content.loader import cycle_collection_paused, read_page_meta
from appel_a_communs.i18n import available_languages, language_of, translations
from appel_a_communs.parallel import can_fork, run_jobs, usable_cpus
from appel_a_communs.site.charts import badge
from appel_a_communs.site.exports import (
    actors_records,
    challenges_records,
    common_file,
    commons_records,
    pledges_csv,
    schemas,
)
from appel_a_communs.site.feeds import common_entries, newest, pledge_entries
from appel_a_communs.site.formatting import (
    format_day,
    format_money,
    format_number,
    format_percent,
    plural_count,
)
from appel_a_communs.site.forms import FORM_SLUGS, site_forms
from appel_a_communs.site.labels import label
from appel_a_communs.site.markup import render_markdown
from appel_a_communs.site.view import CatalogueView, load_call

from .settings import CATALOGUE_FOLDERS, DEFAULTS, save_as

logger = logging.getLogger(__name__)


# --- settings ---------------------------------------------------------------


def locale_of(settings: dict[str, Any]) -> str:
    return settings.get("CATALOGUE_LOCALE") or settings.get("DEFAULT_LANG") or "fr"


def configure(pelican: Any) -> None:
    """Apply defaults and the safety rules that no configuration may turn off."""
    settings = pelican.settings
    for key, value in DEFAULTS.items():
        settings.setdefault(key, value)
    if settings["CATALOGUE_CACHE"] is None:
        settings["CATALOGUE_CACHE"] = bool(settings.get("LOAD_CONTENT_CACHE"))
    # Jinja autoescape for the whole theme; interface strings through gettext.
    environment = settings.get("JINJA_ENVIRONMENT", {})
    extensions = [*environment.get("extensions", [])]
    if "jinja2.ext.i18n" not in extensions:
        extensions.append("jinja2.ext.i18n")
    settings["JINJA_ENVIRONMENT"] = {**environment, "autoescape": True, "extensions": extensions}
    if settings["CATALOGUE_CACHE"] and "bytecode_cache" not in environment:
        # With the content cache, compiled templates are kept too (keyed by their source).
        folder = Path(settings["CACHE_PATH"]) / "catalogue" / "templates"
        folder.mkdir(parents=True, exist_ok=True)
        settings["JINJA_ENVIRONMENT"]["bytecode_cache"] = FileSystemBytecodeCache(str(folder))
    # Pages are Markdown read by FrontMatterReader: no reader may take metadata such as
    # save_as or template from HTML <meta> tags or reST fields.
    settings["READERS"] = {**settings.get("READERS", {}), "html": None, "htm": None, "rst": None}
    # The catalogue folders are read by the core only.
    for key in ("ARTICLE_EXCLUDES", "PAGE_EXCLUDES"):
        settings[key] = [*settings.get(key, []), *CATALOGUE_FOLDERS]
    locale = locale_of(settings)
    settings["CATALOGUE_HTML_LANG"], settings["CATALOGUE_OG_LOCALE"] = _locale_tags(locale)
    language = language_of(locale)
    if language != "en" and language not in available_languages():
        logger.warning(
            "No translation catalogue for %r: the interface is in English, amounts and dates "
            "in %r (add appel_a_communs/locale/%s/LC_MESSAGES/messages.po).",
            language,
            locale,
            language,
        )
    settings["JINJA_FILTERS"] = {
        **settings.get("JINJA_FILTERS", {}),
        "money": _money_filter(locale),
        "number": partial(format_number, locale=locale),
        "percent": partial(format_percent, locale=locale),
        "day": partial(format_day, locale=locale),
        "markdown": _markdown,
        "plural_count": plural_count,
        "label": partial(label, locale=locale),
    }


def _locale_tags(locale: str) -> tuple[str, str]:
    """``fr`` → (``fr``, ``fr_FR``): the HTML lang attribute and Open Graph's og:locale."""
    from babel import Locale, UnknownLocaleError
    from babel.core import get_global

    try:
        parsed = Locale.parse(locale.replace("-", "_"))
    except (ValueError, UnknownLocaleError) as exc:
        problem = f"the locale {locale!r} is unknown ({exc}): set DEFAULT_LANG or CATALOGUE_LOCALE"
        raise ContentErrors([ContentError("pelicanconf.py", None, problem)]) from None
    full = (
        parsed
        if parsed.territory
        else Locale.parse(get_global("likely_subtags").get(parsed.language, str(parsed)))
    )
    html = parsed.language + (f"-{parsed.territory}" if parsed.territory else "")
    return html, f"{full.language}_{full.territory}" if full.territory else full.language


def _gettext_functions(translated: Any) -> dict[str, Any]:
    """Jinja's newstyle gettext functions, made cheaper: a message without values is
    translated and marked safe once per build (a page repeats the same labels thousands
    of times), and ``_`` is the function itself rather than an alias that looks
    ``gettext`` up again on every call."""
    constants: dict[tuple[str | None, str], Markup] = {}

    def finish(context: Any, text: str, values: dict[str, Any]) -> str:
        # Always %-formatted, as Jinja's newstyle gettext does; values escaped if autoescaping.
        return (Markup(text) if context.eval_ctx.autoescape else text) % values

    @pass_context
    def gettext(context: Any, message: str, /, **values: Any) -> str:
        if values or not context.eval_ctx.autoescape:
            return finish(context, translated.gettext(message), values)
        hit = constants.get((None, message))
        if hit is None:
            hit = constants[(None, message)] = Markup(translated.gettext(message)) % {}
        return hit

    @pass_context
    def pgettext(context: Any, message_context: str, message: str, /, **values: Any) -> str:
        if values or not context.eval_ctx.autoescape:
            return finish(context, translated.pgettext(message_context, message), values)
        hit = constants.get((message_context, message))
        if hit is None:
            text = translated.pgettext(message_context, message)
            hit = constants[(message_context, message)] = Markup(text) % {}
        return hit

    @pass_context
    def ngettext(context: Any, singular: str, plural: str, num: int, /, **values: Any) -> str:
        values.setdefault("num", num)
        return finish(context, translated.ngettext(singular, plural, num), values)

    @pass_context
    def npgettext(
        context: Any, message_context: str, singular: str, plural: str, num: int, /, **values: Any
    ) -> str:
        values.setdefault("num", num)
        text = translated.npgettext(message_context, singular, plural, num)
        return finish(context, text, values)

    return {"_": gettext, "gettext": gettext, "pgettext": pgettext, "ngettext": ngettext,
            "npgettext": npgettext}  # fmt: skip


def install_translations(generator: Any) -> None:
    """Every generator's templates speak the call's language (Pelican's, ours)."""
    env = getattr(generator, "env", None)
    if env is not None and hasattr(env, "install_gettext_translations"):
        # Whitespace inside {% trans %} blocks is collapsed, as the extractor does.
        env.policies["ext.i18n.trimmed"] = True
        translated = translations(locale_of(generator.settings))
        env.install_gettext_translations(translated, newstyle=True)
        env.globals.update(_gettext_functions(translated))


def _money_filter(locale: str):
    @pass_context
    def money(context: Any, amount: Any, cents: bool = True, currency: str | None = None) -> str:
        call = context.get("call")
        code = currency or (call.currency if call else "EUR")
        return format_money(amount, code, locale, cents=cents)

    return money


def _markdown(text: str | None) -> Markup:
    # render_markdown sanitises with nh3 before anything is marked safe.
    return Markup(render_markdown(text))


# --- errors without tracebacks ---------------------------------------------


class _ReportContentErrors(logging.Filter):
    """Pelican logs a failed build with a traceback in a narrow column; content errors
    are for people: print them one per line, unwrapped, and log a one-line summary."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, ContentErrors):
            sys.stderr.write(f"{error}\n")
            sys.stderr.flush()
            record.msg = "The build stopped: %d content error(s), listed above."
            record.args = (len(error.errors),)
            record.exc_info = None
            record.exc_text = None
        return True


_REPORT_FILTER = _ReportContentErrors()


# --- ordinary pages ---------------------------------------------------------


class FrontMatterReader(BaseReader):
    """Markdown with strict YAML front matter; Pelican's own keys cannot be set from it."""

    enabled = True
    file_extensions: ClassVar[list[str]] = ["md", "markdown"]

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        path = Path(source_path)
        try:
            meta, body = read_page_meta(path)
        except ContentErrors as exc:
            # Reported with every other content error by CatalogueGenerator.
            return "", {"title": path.stem, "status": "hidden", "content_errors": exc.errors}
        metadata: dict[str, Any] = {"title": meta.title, "slug": meta.slug}
        if meta.summary:
            metadata["summary"] = meta.summary
        if meta.order is not None:
            metadata["order"] = meta.order
        return render_markdown(body, allow_placeholders=True), metadata


def add_reader(readers: Any) -> None:
    for extension in FrontMatterReader.file_extensions:
        readers.reader_classes[extension] = FrontMatterReader


# --- the catalogue ----------------------------------------------------------


class CatalogueGenerator(Generator):
    """Writes the challenge, common and actor pages and the published data."""

    def url(self, kind: str, slug: str | None = None) -> str:
        pattern = self.settings[f"CATALOGUE_{kind.upper()}_URL"]
        return pattern.format(slug=slug) if slug is not None else pattern

    def generate_context(self) -> None:
        errors: list[ContentError] = list(self._page_errors())
        today = self._today()
        self.processes = self._processes()
        cache = None
        if self.settings.get("CATALOGUE_CACHE"):
            cache = Path(self.settings["CACHE_PATH"]) / "catalogue"
        gc.unfreeze()  # a build of this process that failed while writing kept its view
        gc.collect()  # cheap before loading; what is frozen below stays out of reach
        # The view lives as long as the build: frozen, the cycle collector need not walk
        # its hundreds of thousands of objects again while pages render (a third of the
        # engine's time at 50 000 pledges, and memory pages copied into every worker).
        # Given back when the build ends (unfreeze), for a process that builds again.
        try:
            with cycle_collection_paused(freeze=True):
                self.view = load_call(
                    self.path, today, cache, locale_of(self.settings), self.processes
                )
        except ContentErrors as exc:
            errors.extend(exc.errors)
        if errors:
            gc.unfreeze()  # the build stops here: nothing to keep
            raise ContentErrors(errors)
        self.context["call"] = self.view
        self.context["challenge_url"] = partial(self.url, "challenge")
        self.context["common_url"] = partial(self.url, "common")
        self.context["actor_url"] = partial(self.url, "actor")
        self.context["CHALLENGES_URL"] = self.url("challenges")
        self.context["COMMONS_URL"] = self.url("commons")
        self.context["ACTORS_URL"] = self.url("actors")
        self.context["FUNDING_URL"] = self.url("funding")
        self.context["FORMS_URL"] = self.url("forms")
        self.context["OPEN_DATA_URL"] = self.url("open_data")
        self.context["NEEDS_URL"] = self.url("needs")
        # The absolute address, whatever RELATIVE_URLS does to SITEURL on each page.
        self.context["SITE_ADDRESS"] = self.settings.get("SITEURL", "").rstrip("/")
        self.forms = site_forms(
            self.view.catalogue,
            self._forms_mode(),
            self.settings["CATALOGUE_GITHUB_REPO"],
            self.settings["CATALOGUE_FORMS_ENDPOINT"],
            locale_of(self.settings),
        )
        self.context["form_url"] = self.form_url
        pages = self.context.get("pages", [])
        pages.sort(
            key=lambda p: (getattr(p, "order", None) is None, getattr(p, "order", 0), p.title)
        )

    def _today(self) -> date:
        value = self.settings.get("CATALOGUE_TODAY") or date.today()
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                problem = f"CATALOGUE_TODAY is {value!r}: write a date, YYYY-MM-DD"
                raise ContentErrors([ContentError("pelicanconf.py", None, problem)]) from None
        return value

    def form_url(self, kind: str) -> str:
        return f"{self.url('forms')}{FORM_SLUGS[kind]}/"

    def _forms_mode(self) -> str:
        mode = self.settings["CATALOGUE_FORMS_MODE"]
        problem = None
        if mode == "github" and not re.fullmatch(
            r"[\w.-]+/[\w.-]+", self.settings["CATALOGUE_GITHUB_REPO"]
        ):
            problem = "CATALOGUE_GITHUB_REPO must be OWNER/NAME for the github forms mode"
        elif mode == "post" and not self.settings["CATALOGUE_FORMS_ENDPOINT"].startswith(
            ("https://", "http://")
        ):
            problem = "CATALOGUE_FORMS_ENDPOINT must be an http(s) URL for the post forms mode"
        elif mode not in ("github", "post"):
            problem = f"CATALOGUE_FORMS_MODE is {mode!r}: use github or post"
        if problem:
            raise ContentErrors([ContentError("pelicanconf.py", None, problem)])
        return mode

    def _page_errors(self):
        reserved = {
            self.url(kind).strip("/").split("/")[0]
            for kind in (
                "challenges",
                "commons",
                "actors",
                "funding",
                "forms",
                "open_data",
                "needs",
            )
        } | {
            self.settings["CATALOGUE_DATA_PATH"],
            self.settings["CATALOGUE_BADGES_PATH"],
            self.settings["CATALOGUE_SCHEMAS_PATH"],
            self.settings["THEME_STATIC_DIR"],
        }
        for key in ("pages", "hidden_pages", "draft_pages"):
            for page in self.context.get(key, []):
                yield from page.metadata.get("content_errors", [])
                if page.slug in reserved:
                    yield ContentError(
                        page.source_path,
                        "slug",
                        f"'{page.slug}' is reserved for the catalogue's own pages",
                    )

    def _write(self, writer: Any, url: str, template: str, kwargs: dict[str, Any]) -> None:
        writer.write_file(
            save_as(url),
            self.get_template(template),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            url=url,
            canonical_url=url,
            **kwargs,
        )

    def _pledge_pieces(self) -> tuple[Any, Any]:
        """Render the pieces of pledge rows once: every pledge shows on its common's page
        and on its actor's page, and an actor's link on each of its pledges' rows; these
        rows are most of what those pages render."""
        macros = self.get_template("_macros").make_module(vars=self.context)
        cells: dict[str, Markup] = {}
        links: dict[tuple[str, str, str], Markup] = {}

        def pledge_cells(pledge: Any) -> Markup:
            html = cells.get(pledge.id)
            if html is None:
                html = cells[pledge.id] = macros.pledge_row_cells(pledge)
            return html

        def pledge_link(who: str, slug: str, siteurl: str) -> Markup:
            # SITEURL is relative to each page's depth when RELATIVE_URLS is on.
            html = links.get((who, slug, siteurl))
            if html is None:
                html = links[(who, slug, siteurl)] = macros.pledge_link_cell(who, slug, siteurl)
            return html

        return pledge_cells, pledge_link

    def _pages(self) -> list[tuple[str, str, dict[str, Any]]]:
        """Every catalogue page: its URL, its template and what the template receives."""
        view: CatalogueView = self.view
        funding = view.funding
        pages = [(self.url("challenges"), "challenges", {"nav_current": "challenges"})]
        pages += [
            (self.url("challenge", c.slug), "challenge",
             {"challenge": c, "nav_current": "challenges"})
            for c in view.challenges
        ]  # fmt: skip
        pages.append((self.url("commons"), "commons", {"nav_current": "commons"}))
        pages += [
            (self.url("common", c.slug), "common",
             {"common": c, "funding": funding.commons[c.slug], "nav_current": "commons"})
            for c in view.commons
        ]  # fmt: skip
        pages.append((self.url("actors"), "actors", {"nav_current": "actors"}))
        pages += [
            (self.url("actor", a.slug), "actor",
             {"actor": a, "funding": funding.actors[a.slug], "nav_current": "actors"})
            for a in view.actors
        ]  # fmt: skip
        pages.append((self.url("funding"), "funding", {"nav_current": "funding"}))
        pages.append((self.url("forms"), "forms", {"forms": self.forms, "nav_current": "forms"}))
        pages += [
            (self.form_url(form.kind), "form", {"form": form, "nav_current": "forms"})
            for form in self.forms
        ]
        pages.append((self.url("open_data"), "open_data", {"schemas": sorted(schemas())}))
        pages.append((self.url("needs"), "needs", {"nav_current": "commons"}))
        return pages

    def _processes(self) -> int:
        """CATALOGUE_PROCESSES, checked: the processes that read the content and write."""
        processes = self.settings.get("CATALOGUE_PROCESSES")
        if processes is None:
            processes = usable_cpus()
        if not isinstance(processes, int) or isinstance(processes, bool) or processes < 1:
            problem = f"CATALOGUE_PROCESSES is {processes!r}: write a whole number, 1 or more"
            raise ContentErrors([ContentError("pelicanconf.py", None, problem)])
        return processes

    def generate_output(self, writer: Any) -> None:
        """Write every page and data file; the jobs are independent, so they are spread
        over CATALOGUE_PROCESSES processes (see appel_a_communs.parallel)."""
        view: CatalogueView = self.view
        self.context["pledge_cells"], self.context["pledge_link"] = self._pledge_pieces()
        pages = self._pages()
        self.written_urls = [url for url, _, _ in pages]
        jobs: list[Callable[[], object]] = [
            partial(self._write, writer, url, template, kwargs) for url, template, kwargs in pages
        ]
        jobs += self._data_jobs(view)
        jobs += self._badge_jobs(view)
        jobs += self._feed_jobs(view)
        processes = min(self.processes, len(jobs))
        if not can_fork() or signals.content_written.receivers:
            # Another plugin collects what is written: it would not hear from the workers.
            processes = 1
        logger.info(
            "Writing %d catalogue pages and data jobs in %d process%s",
            len(jobs),
            processes,
            "es" if processes > 1 else "",
        )
        run_jobs(jobs, processes)
        self._write_sitemap()

    def _badge_jobs(self, view: CatalogueView) -> list[Callable[[], object]]:
        """``badges/<slug>.svg``: each common's funding, to embed in a README or a page."""
        folder = Path(self.output_path) / self.settings["CATALOGUE_BADGES_PATH"]
        folder.mkdir(parents=True, exist_ok=True)
        template = self.env.get_template("badge.svg")
        locale = locale_of(self.settings)
        title = translations(locale).gettext("funding")

        def write(commons: list[Any]) -> None:
            for common in commons:
                funding = view.funding.commons[common.slug]
                if funding.has_goal:
                    value = format_percent(funding.percent_goal, locale)
                else:
                    value = label(funding.status, "status", locale)
                svg = template.render(badge=badge(title, value, funding.status))
                (folder / f"{common.slug}.svg").write_text(svg, encoding="utf-8")

        return [partial(write, chunk) for chunk in _chunks(view.commons, 100)]

    def _feed_jobs(self, view: CatalogueView) -> list[Callable[[], object]]:
        """Atom feeds: new commons, new pledges, and both for each challenge."""
        site = self.settings.get("SITEURL", "").rstrip("/")
        folder = Path(self.output_path) / self.settings["CATALOGUE_FEEDS_PATH"]
        (folder / "defis").mkdir(parents=True, exist_ok=True)
        locale = locale_of(self.settings)
        _ = translations(locale).gettext

        def write(name: str, title: str, entries: Callable[[], list[Any]]) -> None:
            path = f"{self.settings['CATALOGUE_FEEDS_PATH']}/{name}"
            feed = Atom1Feed(
                title=f"{title} · {self.settings['SITENAME']}",
                link=f"{site}/",
                feed_url=f"{site}/{path}",
                description=title,
                language=language_of(locale),
            )
            for entry in entries():
                feed.add_item(
                    title=entry.title,
                    link=f"{site}/{entry.url}",
                    description=entry.summary,
                    pubdate=datetime.combine(entry.day, datetime.min.time(), UTC),
                    unique_id=f"urn:appel-a-communs:{entry.unique_id}",
                )
            with (Path(self.output_path) / path).open("w", encoding="utf-8") as out:
                feed.write(out, "utf-8")

        def challenge_entries(slug: str) -> list[Any]:
            slugs = [c.slug for c in view.commons_by_challenge.get(slug, [])]
            return newest(
                common_entries(view, self.url, slugs)
                + pledge_entries(view, self.url, locale, slugs)
            )

        return [
            partial(write, "communs.atom.xml", _("New commons"),
                    partial(common_entries, view, self.url)),
            partial(write, "engagements.atom.xml", _("New pledges"),
                    partial(pledge_entries, view, self.url, locale)),
            *(partial(write, f"defis/{c.slug}.atom.xml", c.title,
                      partial(challenge_entries, c.slug))
              for c in view.challenges),
        ]  # fmt: skip

    def _write_sitemap(self) -> None:
        """Every HTML page of the site, the home and the ordinary pages included."""
        site = self.settings.get("SITEURL", "").rstrip("/")
        urls = ["", *self.written_urls, *(page.url for page in self.context.get("pages", []))]
        entries = "".join(
            f"  <url><loc>{escape(f'{site}/{url}')}</loc></url>\n" for url in dict.fromkeys(urls)
        )
        text = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{entries}</urlset>\n"
        )
        (Path(self.output_path) / "sitemap.xml").write_text(text, encoding="utf-8")

    def _data_jobs(self, view: CatalogueView) -> list[Callable[[], object]]:
        """The published data files and their JSON Schemas."""
        site = self.settings.get("SITEURL", "").rstrip("/")

        def url_of(kind: str, slug: str) -> str:
            return f"{site}/{self.url(kind, slug)}"

        folder = Path(self.output_path) / self.settings["CATALOGUE_DATA_PATH"]
        (folder / "commons").mkdir(parents=True, exist_ok=True)
        schema_folder = Path(self.output_path) / self.settings["CATALOGUE_SCHEMAS_PATH"]
        schema_folder.mkdir(parents=True, exist_ok=True)
        commons = commons_records(view, url_of)  # for commons.json and each common's file
        records_of = dict(zip((c.slug for c in view.commons), commons, strict=True))

        def write(path: Path, make: Callable[[], str]) -> None:
            path.write_text(make(), encoding="utf-8")

        def write_commons(chunk: list[Any]) -> None:
            for common in chunk:
                record = common_file(view, common, records_of[common.slug])
                write(folder / "commons" / f"{common.slug}.json", partial(_json, record))

        def write_schemas() -> None:
            for name, schema in schemas().items():
                text = json.dumps(schema, ensure_ascii=False, indent=2)
                (schema_folder / name).write_text(text + "\n", encoding="utf-8")

        return [
            partial(write, folder / "commons.json", partial(_json, commons)),
            partial(write, folder / "challenges.json",
                    lambda: _json(challenges_records(view, url_of))),
            partial(write, folder / "actors.json", lambda: _json(actors_records(view, url_of))),
            partial(write, folder / "pledges.csv", partial(pledges_csv, view)),
            write_schemas,
            *(partial(write_commons, chunk) for chunk in _chunks(view.commons, 50)),
        ]  # fmt: skip


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _json(data: Any) -> str:
    """Data files are for programs: compact JSON, which the C encoder writes (an indented
    one goes through the pure-Python encoder, several times slower at 50 000 pledges)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def get_generators(pelican: Any) -> type[CatalogueGenerator]:
    return CatalogueGenerator


def unfreeze(pelican: Any) -> None:
    """The build is over: its view may be collected like anything else (autoreload)."""
    gc.unfreeze()


def register() -> None:
    logging.getLogger("pelican").addFilter(_REPORT_FILTER)
    signals.finalized.connect(unfreeze)
    signals.initialized.connect(configure)
    signals.generator_init.connect(install_translations)
    signals.readers_init.connect(add_reader)
    signals.get_generators.connect(get_generators)
