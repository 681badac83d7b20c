"""``appel-a-communs new FOLDER``: a complete site for a new call, ready to build."""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
from pathlib import Path

from appel_a_communs.i18n import DEFAULT_LOCALE
from appel_a_communs.scaffold import (
    LANGUAGES,
    NewSite,
    ScaffoldError,
    tool_version,
    write_site,
)
from appel_a_communs.scaffold.install import VENDOR, WheelError, installed_origin, make_wheel


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
        site.check()
    except ScaffoldError as exc:
        print(f"appel-a-communs new: {exc}", file=sys.stderr)
        return 1
    found = installed_origin()
    with tempfile.TemporaryDirectory(prefix="appel-a-communs-new-") as work:
        problem = None
        if not found.from_index:
            try:
                site = NewSite(args.folder, args.name, args.repo, args.lang,
                               wheel=make_wheel(found, Path(work)))  # fmt: skip
            except WheelError as exc:
                problem = str(exc)
        try:
            written = write_site(site)
        except (ScaffoldError, OSError) as exc:
            print(f"appel-a-communs new: {exc}", file=sys.stderr)
            return 1
    print(f"{len(written)} files written in {args.folder}/. Next:")
    print(f"  cd {shlex.quote(str(args.folder))} && pelican && pelican --listen")
    print("  then edit content/campaign.yml and the pages (see README.md)")
    if site.wheel_path is not None:
        print(
            f"\nThis tool was not installed from PyPI (it came from {found.place}): the site"
            f" carries a wheel of it, {site.wheel_path}, which requirements.txt names, so that"
            " the site's workflows install this very tool. To use a released version later,"
            f" write appel-a-communs==X.Y.Z in requirements.txt and delete {VENDOR}/"
            " (README.md, last section)."
        )
    elif problem is not None:
        source = found.source or "<the tool's source folder>"
        print(
            f"\nappel-a-communs new: warning: this tool was not installed from PyPI (it came"
            f" from {found.place}) and no wheel of it could be made: {problem}.\n"
            f"requirements.txt pins appel-a-communs=={tool_version()}, which the site's"
            " workflows can install only once that version is on PyPI. Before you push the"
            " site, either install the tool from PyPI and run new again, or put a wheel of"
            f" your copy in the site ({shlex.quote(sys.executable)} -m pip wheel --no-deps"
            f" -w {shlex.quote(str(args.folder / VENDOR))} {shlex.quote(str(source))}) and"
            f" write ./{VENDOR}/<its file name> as the last line of requirements.txt. (Without"
            " the package index, pip cannot fetch setuptools to build it: install setuptools"
            " 77 or later in this Python, and new builds the wheel with it.)",
            file=sys.stderr,
        )
    return 0
