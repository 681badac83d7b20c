"""``appel-a-communs check [CONTENT]``: the build's content errors, without building."""

from __future__ import annotations

import argparse
import ast
import sys
from datetime import date
from pathlib import Path

from appel_a_communs.content.errors import ContentError, ContentErrors, display_path, site_of
from appel_a_communs.content.settings import Constants, SiteSettingsError, site_constants

ENDPOINT = "CATALOGUE_FORMS_ENDPOINT"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "content", type=Path, nargs="?", default=Path("content"), help="default: content"
    )
    parser.add_argument(
        "--today", type=date.fromisoformat, help="the date statuses and rules use (YYYY-MM-DD)"
    )


def check_content(
    content: Path, today: date, constants: dict | None = None, notes: list[str] | None = None
) -> list[ContentError]:
    """Every error the build would report for the call and its ordinary pages.

    ``constants`` are the site's settings as pelicanconf.py writes them (the catalogue's
    addresses, which no page may take); the build alone checks the settings themselves.
    An error that hangs on a setting check cannot read (``computed``) is never reported:
    the build may pass; ``notes`` receives a word about it instead."""
    from appel_a_communs.content.folders import link_error
    from appel_a_communs.content.kinds import MARKDOWN_SUFFIXES, PAGES_FOLDER
    from appel_a_communs.content.reading import read_page_meta
    from appel_a_communs.content.settings import max_file_size
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
                page.is_symlink() and (not page.exists() or link_error(page, content))
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
    # A mode that is no literal: "github", the strictest (in the post mode, the build
    # refuses a missing endpoint all the same).
    mode = setting("forms_mode", "github")
    channel = view and pledge_channel_error(
        view.catalogue, today, "post" if mode == "post" else "github", setting("forms_endpoint", "")
    )
    channel_errors = [channel] if channel else []
    if channel and ENDPOINT in getattr(constants, "computed", ()):
        # the build may have an endpoint check cannot read: a note, never a false error
        channel_errors = []
        if notes is not None:
            where = display_path(Path(channel.path), site_of(content))
            notes.append(
                f"{ENDPOINT} is not a plain value of pelicanconf.py (computed, imported, or "
                f"set in publishconf.py): check cannot tell whether the sealed round of "
                f"{where} has a private channel for its pledges; the build checks it"
            )
    return [*errors, *page_slug_errors(found, reserved), *load_errors, *channel_errors]


def unread_settings(root: Path, constants: Constants) -> Constants:
    """``constants``, with ``computed`` naming CATALOGUE_FORMS_ENDPOINT too when the
    build may give it another value than a literal of pelicanconf.py's top level: set in
    a branch or by a star import of pelicanconf.py, or set by publishconf.py (the
    publishing build's settings). ``check`` then does not report, as an error, what only
    a missing endpoint would make one."""
    may_set = _may_set(root / "pelicanconf.py", top_literals=True) or _may_set(
        root / "publishconf.py", top_literals=False
    )
    if may_set:
        constants.computed = constants.computed | {ENDPOINT}
    return constants


def _may_set(path: Path, top_literals: bool) -> bool:
    """Whether the settings file may set the endpoint otherwise than (``top_literals``)
    by a literal assignment at its top level, which site_constants reads."""
    if not path.is_file():
        return False
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (SyntaxError, UnicodeDecodeError, OSError, ValueError):
        return True
    plain = set()
    if top_literals:
        plain = {
            id(node.targets[0])
            for node in tree.body
            if isinstance(node, ast.Assign) and len(node.targets) == 1
        }
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            # publishconf's own ``from pelicanconf import *`` brings what site_constants read
            if node.module != "pelicanconf" and any(a.name == "*" for a in node.names):
                return True
        elif isinstance(node, ast.Name) and node.id == ENDPOINT:
            stored = isinstance(node.ctx, ast.Store)
            if stored and id(node) not in plain:
                return True
    return False


def run(args: argparse.Namespace) -> int:
    try:
        root = args.content.resolve().parent
        constants = unread_settings(root, site_constants(root))
        notes: list[str] = []
        errors = check_content(args.content, args.today or date.today(), constants, notes)
    except SiteSettingsError as exc:
        print(f"appel-a-communs check: {exc}", file=sys.stderr)
        return 1
    if errors:
        # files named from the site (the content folder's parent), as the build names them
        print(ContentErrors(errors, site=site_of(args.content)), file=sys.stderr)
        return 1
    for note in notes:
        print(f"note: {note}")
    print(f"{args.content}: no content error.")
    return 0
