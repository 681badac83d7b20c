"""The files a build writes besides its pages: data files and their schemas, badges, feeds
and the sitemap. Each is a job (a function of no arguments) so that the plugin can spread
them over processes with the pages (see appel_a_communs.parallel)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any

from appel_a_communs.i18n import language_of, translations
from appel_a_communs.site.pages.widget import widget_card
from appel_a_communs.site.urls import SiteUrls
from appel_a_communs.site.xmltext import utf8_text, xml_chars, xml_text

Job = Callable[[], object]


@dataclass(frozen=True)
class Output:
    """Where the build writes, and the site's absolute address."""

    folder: Path
    site: str
    """SITEURL without its trailing slash ('' for a site served from its root)."""
    data: str
    schemas: str
    badges: str
    sitename: str
    locale: str
    widgets: str = "widgets"
    funding_email: str = ""
    """CATALOGUE_FUNDING_EMAIL: the address the funding.json manifests give (none without)."""

    def __post_init__(self) -> None:
        """The settings' texts, which no model checks, with each character no published
        file may hold replaced by U+FFFD (``xmltext.xml_chars``), here where the build
        reads them once: robots.txt, the manifests, the sitemap and the workbooks' titles
        write them as they are (a lone surrogate in SITENAME stopped the manifests' build
        with a traceback, U+0001 reached robots.txt, U+FFFE funding.json). The pages have
        theirs from the templates, whose output goes through the same rule."""
        for name in ("site", "sitename", "funding_email"):
            object.__setattr__(self, name, xml_chars(getattr(self, name)))

    def address(self, url: str) -> str:
        return f"{self.site}/{url}"


def chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def compact_json(data: Any) -> str:
    """Data files are for programs: compact JSON, which the C encoder writes (an indented
    one goes through the pure-Python encoder, several times slower at 50 000 pledges).
    A lone surrogate, which UTF-8 cannot hold, is replaced by U+FFFD (``xmltext.utf8_text``,
    which says why): JSON's syntax is ASCII, so only strings hold one."""
    return utf8_text(json.dumps(data, ensure_ascii=False, separators=(",", ":"))) + "\n"


def _write(path: Path, make: Callable[[], str]) -> None:
    path.write_text(make(), encoding="utf-8")


def data_jobs(view: Any, urls: SiteUrls, out: Output) -> list[Job]:
    """The published data files and the JSON Schemas of the content and data files."""
    from appel_a_communs.site.exports import (
        actors_records,
        challenges_records,
        common_file,
        commons_records,
        pledges_csv,
        rounds_records,
        schemas,
    )

    def url_of(kind: str, slug: str) -> str:
        return out.address(urls.url(kind, slug))

    current = view.current_round.slug if view.current_round is not None else None

    def round_url(slug: str) -> str:
        return out.address(urls.round_url(slug, current))

    folder = out.folder / out.data
    (folder / "commons").mkdir(parents=True, exist_ok=True)
    schema_folder = out.folder / out.schemas
    schema_folder.mkdir(parents=True, exist_ok=True)
    commons = commons_records(view, url_of, out.locale)  # commons.json and each common's file
    records_of = dict(zip((c.slug for c in view.commons), commons, strict=True))

    def write_commons(chunk: list[Any]) -> None:
        for common in chunk:
            record = common_file(view, common, records_of[common.slug])
            _write(folder / "commons" / f"{common.slug}.json", partial(compact_json, record))

    def write_schemas() -> None:
        for name, schema in schemas().items():
            text = json.dumps(schema, ensure_ascii=False, indent=2)
            (schema_folder / name).write_text(text + "\n", encoding="utf-8")

    return [
        partial(_write, folder / "commons.json", partial(compact_json, commons)),
        partial(_write, folder / "challenges.json",
                lambda: compact_json(challenges_records(view, url_of))),
        partial(_write, folder / "actors.json", lambda: compact_json(actors_records(view, url_of))),
        partial(_write, folder / "pledges.csv", partial(pledges_csv, view)),
        partial(_write, folder / "rounds.json",
                lambda: compact_json(rounds_records(view, round_url))),
        write_schemas,
        *(partial(write_commons, chunk) for chunk in chunks(view.commons, 50)),
    ]  # fmt: skip


def funding_jobs(view: Any, urls: SiteUrls, out: Output, own_list: str | None = None) -> list[Job]:
    """Each common's ``funding.json`` (``funding_manifest.manifest_path``: in its page's
    folder) and the site's ``.well-known/funding-manifest-urls`` listing them, unless the
    site ships that file itself (``own_list``, its text: "" if unread); nothing unless
    ``funding_manifest.publishes``."""
    from appel_a_communs.site import funding_manifest as fm
    from appel_a_communs.site.exact_json import exact_json

    site = fm.manifest_site(out.site, urls, out.funding_email, out.sitename, out.locale,
                            out.data, own_list)  # fmt: skip
    paths = fm.manifest_paths(view, site)
    if site is None or not paths:
        return []
    vouched = fm.vouched(site, paths)

    def write(slugs: list[str]) -> None:
        for slug in slugs:
            manifest = fm.funding_manifest(view, view.commons_by_slug[slug], site, slug in vouched)
            path = out.folder / paths[slug]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(exact_json(manifest, indent="") + "\n", encoding="utf-8")

    def write_well_known() -> None:
        path = out.folder / fm.WELL_KNOWN
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(fm.well_known_text(map(out.address, paths.values())), encoding="utf-8")

    jobs = [partial(write, chunk) for chunk in chunks(list(paths), 100)]
    return [*jobs, write_well_known] if own_list is None else jobs


def badge_jobs(view: Any, out: Output, render: Callable[[Any], str]) -> list[Job]:
    """``badges/<slug>.svg``: each common's funding, to embed in a README or a page;
    ``render`` turns the badge's geometry into SVG (the theme's ``badge.svg``)."""
    from appel_a_communs.site.badges import funding_badge

    folder = out.folder / out.badges
    folder.mkdir(parents=True, exist_ok=True)

    def write(commons: list[Any]) -> None:
        for common in commons:
            svg = render(funding_badge(view.funding.commons[common.slug], out.locale))
            (folder / f"{common.slug}.svg").write_text(svg, encoding="utf-8")

    return [partial(write, chunk) for chunk in chunks(view.commons, 100)]


def widget_jobs(view: Any, urls: SiteUrls, out: Output, render: Callable[..., str]) -> list[Job]:
    """``widgets/<slug>.html``: each common's funding as a card to embed in an
    ``<iframe>``, a whole document with no script and no resource of its own.
    ``render`` is the theme's ``widget.html``: it receives a ``site.pages.widget.WidgetCard``
    (the common, its funding as on its page, the round's name, the page's address)."""
    folder = out.folder / out.widgets
    folder.mkdir(parents=True, exist_ok=True)
    up = "../" * len(PurePosixPath(out.widgets).parts)

    def write(commons: list[Any]) -> None:
        for common in commons:
            url = urls.url("common", common.slug)
            card = widget_card(view, common, out.address(url) if out.site else up + url)
            html = render(**card.variables())
            (folder / f"{common.slug}.html").write_text(html, encoding="utf-8")

    return [partial(write, chunk) for chunk in chunks(view.commons, 100)]


def feed_jobs(view: Any, urls: SiteUrls, out: Output) -> list[Job]:
    """Atom feeds: new commons, new pledges, and both for each challenge; and for each
    common, what became of it (``feeds.followed_entries``). Each is written where
    ``urls.feed_url`` says, the address the pages link to."""
    from appel_a_communs.site.atom import AtomEntry, atom_document
    from appel_a_communs.site.feeds import (
        common_entries,
        followed_entries,
        newest,
        pledge_entries,
    )

    for folder in sorted(urls.feed_folders()):
        (out.folder / folder).mkdir(parents=True, exist_ok=True)
    _ = translations(out.locale).gettext

    def write(path: str, title: str, entries: Callable[[], list[Any]], link: str = "") -> None:
        text = atom_document(
            title=f"{title} · {out.sitename}",
            subtitle=title,
            link=out.address(link),
            feed_url=out.address(path),
            language=language_of(out.locale),
            entries=(
                AtomEntry(entry.title, out.address(entry.url), entry.day, entry.summary,
                          f"urn:appel-a-communs:{entry.unique_id}")
                for entry in entries()
            ),
            today=view.today,
        )  # fmt: skip
        (out.folder / path).write_text(text, encoding="utf-8")

    def challenge_entries(slug: str) -> list[Any]:
        slugs = [c.slug for c in view.commons_by_challenge.get(slug, [])]
        return newest(
            common_entries(view, urls.url, slugs)
            + pledge_entries(view, urls.url, out.locale, slugs)
        )

    def write_commons(commons: list[Any]) -> None:
        for c in commons:
            entries = partial(followed_entries, view, urls.url, out.locale, c.slug)
            write(urls.feed_url("common", c.slug), c.title, entries, urls.url("common", c.slug))

    return [
        partial(write, urls.feed_url("commons"), _("New commons"),
                partial(common_entries, view, urls.url)),
        partial(write, urls.feed_url("pledges"), _("New pledges"),
                partial(pledge_entries, view, urls.url, out.locale)),
        *(partial(write, urls.feed_url("challenge", c.slug), c.title,
                  partial(challenge_entries, c.slug))
          for c in view.challenges),
        *(partial(write_commons, chunk) for chunk in chunks(view.commons, 100)),
    ]  # fmt: skip


def data_files_written(out: Output, since: float) -> int:
    """How many files the data and schema folders hold that were written at ``since`` or
    later (a build's start, as ``time.time()`` gives it): the data files of one build,
    whichever process wrote them, and none left there by an earlier build."""
    margin = 0.05  # a file's time comes from a coarser clock than time.time()
    count = 0
    for folder in {out.folder / out.data, out.folder / out.schemas}:
        if folder.is_dir():
            count += sum(
                1
                for path in folder.rglob("*")
                if path.is_file() and path.stat().st_mtime >= since - margin
            )
    return count


def write_sitemap(out: Output, urls: Iterable[str]) -> None:
    """``sitemap.xml``: every HTML page of the site, given as URLs relative to its root."""
    entries = "".join(
        f"  <url><loc>{xml_text(out.address(url))}</loc></url>\n" for url in dict.fromkeys(urls)
    )
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}</urlset>\n"
    )
    (out.folder / "sitemap.xml").write_text(text, encoding="utf-8")


def robots_text(out: Output) -> str:
    """``robots.txt``: every crawler may read everything, and the sitemap is named.

    The robots protocol (RFC 9309) and the sitemaps protocol want the sitemap's absolute
    URL, so the ``Sitemap:`` line is written only when SITEURL is an absolute http(s)
    address (``publishconf.py``). A development build (SITEURL empty) or a SITEURL without
    a scheme cannot name it: a relative one would be read from the crawler's host root,
    so it is left out rather than written wrong. Crawlers read robots.txt at the root of
    a host only: on a project site served from a sub-path (``https://owner.github.io/repo/``)
    this file is not read, but the sitemap it names can still be given to search engines.
    """
    lines = [f"# {' '.join(out.sitename.split())}", "User-agent: *", "Disallow:"]
    if out.site.startswith(("https://", "http://")):
        lines += ["", f"Sitemap: {out.address('sitemap.xml')}"]
    return utf8_text("\n".join(lines) + "\n")


def write_robots(out: Output) -> None:
    (out.folder / "robots.txt").write_text(robots_text(out), encoding="utf-8")
