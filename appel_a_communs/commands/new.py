"""``appel-a-communs new FOLDER``: a complete site for a new call, ready to build."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from appel_a_communs.i18n import DEFAULT_LOCALE
from appel_a_communs.scaffold import LANGUAGES, NewSite, ScaffoldError, write_site


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path, help="a new or empty folder")
    parser.add_argument("--name", help="the call's name (the site's title)")
    parser.add_argument("--repo", help="the GitHub repository of the site, OWNER/NAME")
    parser.add_argument(
        "--lang", default=DEFAULT_LOCALE, choices=LANGUAGES, help=f"default: {DEFAULT_LOCALE}"
    )


def run(args: argparse.Namespace) -> int:
    site = NewSite(args.folder, args.name, args.repo, args.lang)
    try:
        written = write_site(site)
    except (ScaffoldError, OSError) as exc:
        print(f"appel-a-communs new: {exc}", file=sys.stderr)
        return 1
    print(f"{len(written)} files written in {args.folder}/. Next:")
    print(f"  cd {shlex.quote(str(args.folder))} && pelican && pelican --listen")
    print("  then edit content/campaign.yml and the pages (see README.md)")
    return 0
