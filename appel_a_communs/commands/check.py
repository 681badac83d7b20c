"""``appel-a-communs check [CONTENT]``: the build's content errors, without building."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from appel_a_communs.commands.site import SiteSettingsError, site_constants
from appel_a_communs.content.errors import ContentError, ContentErrors


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "content", type=Path, nargs="?", default=Path("content"), help="default: content"
    )
    parser.add_argument(
        "--today", type=date.fromisoformat, help="the date statuses and rules use (YYYY-MM-DD)"
    )


def check_content(content: Path, today: date, constants: dict | None = None) -> list[ContentError]:
    """Every error the build would report for the call and its ordinary pages.

    ``constants`` are the site's settings as pelicanconf.py writes them (the catalogue's
    addresses, which no page may take); the build alone checks the settings themselves."""
    from appel_a_communs.commands.site import max_file_size
    from appel_a_communs.content.kinds import MARKDOWN_SUFFIXES, PAGES_FOLDER
    from appel_a_communs.content.loader import link_error, read_page_meta
    from appel_a_communs.site.forms import FORM_SLUGS, pledge_channel_error
    from appel_a_communs.site.urls import (
        DEFAULT_FOLDERS,
        DEFAULT_PATTERNS,
        SiteUrls,
        optional_pages,
        page_slug_errors,
        site_patterns,
    )
    from appel_a_communs.site.view import load_call

    constants = {} if constants is None else constants
    max_size = max_file_size(constants)  # raises SiteSettingsError
    errors: list[ContentError] = []
    pages = content / PAGES_FOLDER
    found = []
    if pages.is_dir():
        # what Pelican reads: no hidden name, no link the loader refuses (both are named
        # by load_call, as the build names them)
        for page in sorted(p for p in pages.rglob("*") if p.suffix in MARKDOWN_SUFFIXES):
            if any(part.startswith(".") for part in page.relative_to(pages).parts) or (
                page.is_symlink() and link_error(page, content) is not None
            ):
                continue
            try:
                meta, _ = read_page_meta(page, max_size)
                found.append((str(page), meta.slug))
            except ContentErrors as exc:
                errors.extend(exc.errors)

    def setting(name: str, default: str) -> str:
        value = constants.get(f"CATALOGUE_{name.upper()}")
        return value if isinstance(value, str) else default

    given = {
        kind: value
        for kind in DEFAULT_PATTERNS
        if isinstance(value := constants.get(f"CATALOGUE_{kind.upper()}_URL"), str)
    }
    urls = SiteUrls(site_patterns(given), FORM_SLUGS)
    folders = [setting(f"{name}_path", path) for name, path in DEFAULT_FOLDERS.items()]
    folders.append(str(constants.get("THEME_STATIC_DIR", "theme")))
    load_errors: list[ContentError] = []
    try:
        view = load_call(content, today, max_file_size=max_size)
    except ContentErrors as exc:
        load_errors, view = exc.errors, None
    # the pages of rounds and of reports reserve their folders only in a call that has them
    reserved = urls.reserved_slugs(folders, optional_pages(view, urls) if view else [])
    mode = setting("forms_mode", "github")
    channel = view and pledge_channel_error(
        view.catalogue, today, "post" if mode == "post" else "github", setting("forms_endpoint", "")
    )
    channel_errors = [channel] if channel else []
    return [*errors, *page_slug_errors(found, reserved), *load_errors, *channel_errors]


def run(args: argparse.Namespace) -> int:
    try:
        constants = site_constants(args.content.resolve().parent)
        errors = check_content(args.content, args.today or date.today(), constants)
    except SiteSettingsError as exc:
        print(f"appel-a-communs check: {exc}", file=sys.stderr)
        return 1
    if errors:
        # files named from the site (the content folder's parent), as the build names them
        print(ContentErrors(errors, site=args.content.absolute().parent), file=sys.stderr)
        return 1
    print(f"{args.content}: no content error.")
    return 0
