"""``appel-a-communs check [CONTENT]``: the build's content errors, without building."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from appel_a_communs.content.errors import ContentError, ContentErrors


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "content", type=Path, nargs="?", default=Path("content"), help="default: content"
    )
    parser.add_argument(
        "--today", type=date.fromisoformat, help="the date statuses and rules use (YYYY-MM-DD)"
    )


def check_content(content: Path, today: date) -> list[ContentError]:
    """Every error the build would report for the call and its ordinary pages."""
    from appel_a_communs.content.kinds import PAGES_FOLDER
    from appel_a_communs.content.loader import read_page_meta
    from appel_a_communs.site.view import load_call

    errors: list[ContentError] = []
    pages = content / PAGES_FOLDER
    for page in sorted(pages.rglob("*.md")) if pages.is_dir() else []:
        try:
            read_page_meta(page)
        except ContentErrors as exc:
            errors.extend(exc.errors)
    try:
        load_call(content, today)
    except ContentErrors as exc:
        errors.extend(exc.errors)
    return errors


def run(args: argparse.Namespace) -> int:
    errors = check_content(args.content, args.today or date.today())
    if errors:
        print(ContentErrors(errors), file=sys.stderr)
        return 1
    print(f"{args.content}: no content error.")
    return 0
