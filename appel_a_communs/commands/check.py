"""``appel-a-communs check [CONTENT]``: the build's content errors, without building."""

from __future__ import annotations

import argparse
import ast
import sys
from datetime import date
from pathlib import Path

from appel_a_communs.content.errors import ContentError, ContentErrors, display_path, site_of
from appel_a_communs.content.settings import (
    SiteSettings,
    SiteSettingsError,
    default_settings,
    read_site_settings,
)
from appel_a_communs.site.build import CallCounts

ENDPOINT = "CATALOGUE_FORMS_ENDPOINT"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "content", type=Path, nargs="?", default=Path("content"), help="default: content"
    )
    parser.add_argument(
        "--today", type=date.fromisoformat, help="the date statuses and rules use (YYYY-MM-DD)"
    )


def check_content(
    content: Path,
    today: date,
    settings: SiteSettings | None = None,
    notes: list[str] | None = None,
    publishing_may_set_endpoint: bool = False,
    counts: list[CallCounts] | None = None,
) -> list[ContentError]:
    """Every error the build would report for the call and its ordinary pages.

    ``settings`` are the site's (``read_site_settings``; the defaults without): the size
    limit, the catalogue's addresses, which no page may take, the forms' channel. When
    the publishing build may set the forms' endpoint otherwise
    (``publishing_may_set_endpoint``), a missing endpoint is never reported: that build may
    pass; ``notes`` receives a word about it instead. ``counts`` receives what the call
    holds (its files' counts when it does not load), for the line that ends a check."""
    from appel_a_communs.content.folders import link_error
    from appel_a_communs.content.kinds import MARKDOWN_SUFFIXES, PAGES_FOLDER
    from appel_a_communs.content.reading import read_page_meta
    from appel_a_communs.content.settings import DEFAULT_FOLDERS
    from appel_a_communs.site.build import call_counts, file_counts
    from appel_a_communs.site.forms import FORM_SLUGS, pledge_channel_error
    from appel_a_communs.site.urls import SiteUrls, optional_pages, page_slug_errors
    from appel_a_communs.site.view import load_call

    settings = default_settings() if settings is None else settings
    max_size = settings.max_file_size
    errors: list[ContentError] = []
    pages = content / PAGES_FOLDER
    found = []
    if pages.is_dir():
        # what Pelican reads: no hidden name, no link the loader refuses (both are named
        # by load_call, as the build names them)
        for page in sorted(p for p in pages.rglob("*") if p.suffix in MARKDOWN_SUFFIXES):
            if any(part.startswith(".") for part in page.relative_to(pages).parts) or (
                page.is_symlink() and (not page.exists() or link_error(page, content))
            ):
                continue
            try:
                meta, _ = read_page_meta(page, max_size)
                found.append((str(page), meta.slug))
            except ContentErrors as exc:
                errors.extend(exc.errors)

    urls = SiteUrls(settings.urls, FORM_SLUGS)
    folders = [getattr(settings, f"{name}_path") for name in DEFAULT_FOLDERS]
    folders.append(settings.theme_static_dir)
    load_errors: list[ContentError] = []
    try:
        view = load_call(content, today, max_file_size=max_size)
    except ContentErrors as exc:
        load_errors, view = exc.errors, None
    if counts is not None:
        counts.append(call_counts(view.catalogue) if view else file_counts(content))
    # the pages of rounds and of reports reserve their folders only in a call that has them
    reserved = urls.reserved_slugs(folders, optional_pages(view, urls) if view else [])
    channel = view and pledge_channel_error(
        view.catalogue, today, settings.forms_mode, settings.forms_endpoint
    )
    channel_errors = [channel] if channel else []
    if channel and publishing_may_set_endpoint:
        # the publishing build may have an endpoint: a note, never a false error
        channel_errors = []
        if notes is not None:
            where = display_path(Path(channel.path), site_of(content))
            notes.append(
                f"{ENDPOINT} is not set by pelicanconf.py, and publishconf.py may set it: "
                f"check cannot tell whether the sealed round of {where} has a private "
                "channel for its pledges in the publishing build; that build checks it"
            )
    return [*errors, *page_slug_errors(found, reserved), *load_errors, *channel_errors]


def publishing_may_set_endpoint(root: Path) -> bool:
    """Whether publishconf.py (the publishing build's settings, which check does not run:
    it reads the environment of a deployment) may set CATALOGUE_FORMS_ENDPOINT: it names
    it, or imports every name of a module other than pelicanconf. ``check`` then does not
    report, as an error, what only a missing endpoint would make one."""
    path = root / "publishconf.py"
    if not path.is_file():
        return False
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (SyntaxError, UnicodeDecodeError, OSError, ValueError):
        return True
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            # its own ``from pelicanconf import *`` brings what check read
            if node.module != "pelicanconf" and any(a.name == "*" for a in node.names):
                return True
        elif isinstance(node, ast.Name) and node.id == ENDPOINT and isinstance(node.ctx, ast.Store):
            return True
    return False


def run(args: argparse.Namespace) -> int:
    from appel_a_communs.i18n import translations
    from appel_a_communs.site.build import check_summary

    try:
        root = args.content.resolve().parent
        settings = read_site_settings(root)
        notes: list[str] = []
        counts: list[CallCounts] = []
        errors = check_content(
            args.content,
            args.today or date.today(),
            settings,
            notes,
            publishing_may_set_endpoint(root),
            counts,
        )
    except SiteSettingsError as exc:
        print(exc, file=sys.stderr)
        return 1
    catalogue = translations(settings.locale)
    if errors:
        # files named from the site (the content folder's parent), as the build names them
        print(ContentErrors(errors, site=site_of(args.content)).text(catalogue), file=sys.stderr)
    for note in notes:
        print(f"note: {note}")
    print(check_summary(counts[0], len(errors), settings.locale))
    return 1 if errors else 0
