"""``appel-a-communs new FOLDER``: a complete site for a new call, ready to build."""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
from pathlib import Path

from appel_a_communs.i18n import DEFAULT_LOCALE, translations
from appel_a_communs.scaffold import (
    LANGUAGES,
    NewSite,
    ScaffoldError,
    default_repo,
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
    _report(args, site, len(written), found, problem)
    return 0


def _report(args: argparse.Namespace, site: NewSite, count: int, found, problem: str | None):
    """What ``new`` made and what to do next, in the new site's language (``--lang``)."""
    catalogue = translations(args.lang)
    _, ngettext = catalogue.gettext, catalogue.ngettext
    folder = shlex.quote(str(args.folder))
    print(ngettext("%(num)d file written in %(folder)s/. Next:",
                   "%(num)d files written in %(folder)s/. Next:", count)
          % {"num": count, "folder": args.folder})  # fmt: skip
    print(f"  cd {folder} && pelican && pelican --listen")
    print("  " + _("then edit content/campaign.yml and the pages (see README.md)"))
    if args.repo is None:
        print("  " + _("the site's GitHub repository is not known yet: pelicanconf.py says "
                       "%(repo)s; write OWNER/NAME there (CATALOGUE_GITHUB_REPO) before you "
                       "publish, or run new again with --repo OWNER/NAME")
              % {"repo": default_repo(args.folder)})  # fmt: skip
    if site.wheel_path is not None:
        print(
            "\n"
            + _(
                "This tool was not installed from PyPI (it came from %(place)s): the site "
                "carries a wheel of it, %(wheel)s, which requirements.txt names, so that the "
                "site's workflows install this very tool. To use a released version later, write "
                "appel-a-communs==X.Y.Z in requirements.txt and delete %(vendor)s/ (README.md, "
                "last section)."
            )
            % {"place": found.place, "wheel": site.wheel_path, "vendor": VENDOR}
        )
    elif problem is not None:
        source = found.source or _("<the tool's source folder>")
        vendor = shlex.quote(str(args.folder / VENDOR))
        command = (
            f"{shlex.quote(sys.executable)} -m pip wheel --no-deps -w {vendor} "
            f"{shlex.quote(str(source))}"
        )
        print("\n" + _(
            "appel-a-communs new: warning: this tool was not installed from PyPI (it came from "
            "%(place)s) and no wheel of it could be made: %(problem)s.\nrequirements.txt pins "
            "appel-a-communs==%(version)s, which the site's workflows can install only once "
            "that version is on PyPI. Before you push the site, either install the tool from "
            "PyPI and run new again, or put a wheel of your copy in the site (%(command)s) and "
            "write ./%(vendor)s/<its file name> as the last line of requirements.txt. (Without "
            "the package index, pip cannot fetch setuptools to build it: install setuptools 77 "
            "or later in this Python, and new builds the wheel with it.)"
        ) % {"place": found.place, "problem": problem, "version": tool_version(),
             "command": command, "vendor": VENDOR}, file=sys.stderr)  # fmt: skip
