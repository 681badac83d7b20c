"""``appel-a-communs issue-templates``: the issue forms, generated from the form definitions."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from appel_a_communs.content.settings import SiteSettingsError, read_site_settings
from appel_a_communs.i18n import DEFAULT_LOCALE
from appel_a_communs.submissions.issue_forms import sync_issue_forms


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the site (default: here)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    parser.add_argument(
        "--lang",
        "--locale",
        default=None,
        help="language of the forms: the site's, whose forms prefill them (default: its "
        f"CATALOGUE_LOCALE or DEFAULT_LANG, read from pelicanconf.py; {DEFAULT_LOCALE} "
        "without one)",
    )


def run(args: argparse.Namespace) -> int:
    try:
        locale = args.lang or read_site_settings(args.root).locale
    except SiteSettingsError as exc:
        print(exc, file=sys.stderr)
        return 1
    stale = sync_issue_forms(args.root, args.check, locale)
    if args.check and stale:
        print("Out of date (run appel-a-communs issue-templates):", *stale, sep="\n  ")
        return 1
    print("\n".join(f"{'stale' if args.check else 'written'}: {p}" for p in stale) or "up to date")
    return 0
