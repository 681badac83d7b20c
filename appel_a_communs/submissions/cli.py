"""``submissions``: fetch submissions into envelopes, and process them into content files.

Exit status: 0 when the tool did its work (rejected submissions included, and those
rejected for a fault of the tool), 1 when the tool itself failed (a source unreachable,
the content not building, a run in progress, an envelope that could be neither processed
nor rejected), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

from appel_a_communs.content.settings import SiteSettingsError, read_site_settings
from appel_a_communs.content.types import GITHUB_REPO
from appel_a_communs.i18n import DEFAULT_LOCALE, translations
from appel_a_communs.submissions.fetch import fetch_csv, fetch_github, fetch_json, parse_issue_file
from appel_a_communs.submissions.messages import summary
from appel_a_communs.submissions.process import Processor, ToolError, run_lock
from appel_a_communs.submissions.publiccode import fetch_publiccode
from appel_a_communs.submissions.publiccode import report as publiccode_report

ROLE = re.compile(r":[\w:-]+:`([^`]*)`")
LINK = re.compile(r"`([^`<]*?)\s*<([^>]*)>`__?")


def plain_text(text: str) -> str:
    """Help as a terminal shows it: a docstring's reStructuredText marks taken out
    (````code````, ``:role:`x```, ```x```, links, ``**strong**``), its words kept."""
    text = LINK.sub(r"\1 (\2)", ROLE.sub(r"\1", text))
    text = re.sub(r"``(.+?)``", r"\1", text)
    text = re.sub(r"`([^`]+)`_?", r"\1", text)
    return re.sub(r"\*\*(.+?)\*\*", r"\1", text)


def summary_line(docstring: str | None) -> str:
    """A module's docstring's first line, in plain text: a parser's description."""
    return plain_text((docstring or "").strip().split("\n")[0])


def _add(commands: Any, name: str, help: str, lead: str = "") -> argparse.ArgumentParser:
    """A subcommand whose ``--help`` says what it does: its help, after ``lead``."""
    text = f"{lead} {help}" if lead else help
    return commands.add_parser(name, help=help, description=text[:1].upper() + text[1:] + ".")


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=summary_line(__doc__))
    parser.add_argument(
        "--root",
        type=Path,
        default=Path.cwd(),
        help="the site folder holding content/ and submissions/ (default: here)",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    fetch = _add(commands, "fetch", "write envelopes into submissions/inbox/")
    sources = fetch.add_subparsers(dest="source", required=True)
    github = _add(
        sources, "github", lead="fetch from", help="open issues made from the issue forms"
    )
    github.add_argument("--repo", required=True, help="OWNER/NAME")
    github.add_argument("--label", help="only issues with this label")
    github.add_argument("--api-url", default="https://api.github.com")
    github.add_argument("--issue", type=int, help="only this issue number")
    github.add_argument(
        "--author",
        help="with --issue: the login of the issue's author as the workflow's event names it "
        "(passed through an environment variable); the fetch stops if GitHub says otherwise",
    )
    from_json = _add(sources, "json", lead="fetch from", help="a form backend's JSON export")
    from_json.add_argument("url")
    from_json.add_argument("--header", action="append", default=[], help="'Name: value'")
    from_csv = _add(
        sources, "csv", lead="fetch from", help="a CSV export (header row = field keys)"
    )
    from_csv.add_argument("file", type=Path)
    from_publiccode = _add(
        sources,
        "publiccode",
        lead="fetch from",
        help="publiccode.yml files or URLs: one proposed common each (exit 1 if one is "
        "invalid or unreadable; the others are still fetched)",
    )
    from_publiccode.add_argument("sources", nargs="+", metavar="FILE_OR_URL")
    from_publiccode.add_argument(
        "--challenge", action="append", default=[], metavar="SLUG", help="repeatable"
    )
    from_publiccode.add_argument(
        "--proposed-by", action="append", default=[], metavar="SLUG", help="an actor; repeatable"
    )
    wiki = _add(sources, "mediawiki", lead="fetch from", help="the pages of a MediaWiki category")
    wiki.add_argument("api_url", help="the wiki's api.php address")
    wiki.add_argument("--category", required=True, help="e.g. Communs or Catégorie:Communs")
    wiki.add_argument("--map", required=True, type=Path, help="the map file (YAML)")
    wiki.add_argument("--contact", help="an e-mail or URL for the User-Agent, as wikis ask")

    parse = _add(commands, "parse-issue", "print an issue body's fields as JSON")
    parse.add_argument("--template", type=Path, required=True)
    parse.add_argument("body", type=Path)

    process = _add(commands, "process", "turn the inbox into content files")
    process.add_argument(
        "--dry-run", action="store_true", help="say what would happen, write nothing"
    )
    process.add_argument("--wait", type=float, default=10, help="seconds to wait for another run")
    process.add_argument("--today", type=date.fromisoformat, help="the date round rules use")
    return parser


def main(argv: list[str] | None = None, prog: str = "submissions") -> int:
    args = _parser(prog).parse_args(argv)
    root: Path = args.root.resolve()
    try:
        if args.command == "fetch":
            if args.source == "github":
                if not GITHUB_REPO.fullmatch(args.repo):
                    raise ToolError(f"--repo is {args.repo!r}: write OWNER/NAME")
                if args.author is not None and args.issue is None:
                    raise ToolError("--author goes with --issue")
                written = fetch_github(
                    root,
                    args.repo,
                    args.label,
                    args.api_url,
                    os.environ.get("GITHUB_TOKEN"),
                    number=args.issue,
                    author=args.author or None,
                )
            elif args.source == "publiccode":
                result = fetch_publiccode(root, args.sources, args.challenge, args.proposed_by)
                print(publiccode_report(result))
                return 0 if result.complete else 1
            elif args.source == "json":
                headers = dict(_header(h) for h in args.header)
                written = fetch_json(root, args.url, headers)
            elif args.source == "mediawiki":
                from appel_a_communs.submissions.mediawiki import fetch_mediawiki

                report = fetch_mediawiki(
                    root, args.api_url, args.category, args.map, contact=args.contact
                )
                print(report.summary())
                return 0
            else:
                written = fetch_csv(root, args.file)
            catalogue = translations(_site_locale(root))
            count = catalogue.ngettext(
                "%(num)d new envelope in submissions/inbox/",
                "%(num)d new envelopes in submissions/inbox/",
                len(written),
            ) % {"num": len(written)}
            print(count + "".join(f"\n- {i}" for i in written))
        elif args.command == "parse-issue":
            print(parse_issue_file(args.template, args.body))
        else:
            processor = Processor(root, args.today)
            if args.dry_run:
                outcomes = processor.run(dry_run=True)
                print(summary(outcomes, True, processor.left, processor.language))
            else:
                with run_lock(root, args.wait):
                    outcomes = processor.run()
                    print(summary(outcomes, False, processor.left, processor.language))
            for note in processor.notes:  # for maintainers: the summary is a PR's body
                print(f"submissions: {note}", file=sys.stderr)
            if any(o.status == "failed" for o in outcomes):
                return 1  # an envelope neither processed nor rejected: still in the inbox
    except ToolError as exc:
        print(f"submissions: {exc}", file=sys.stderr)
        return 1
    except (OSError, ValueError) as exc:
        print(f"submissions: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 1
    except (MemoryError, RecursionError) as exc:  # an input too big or too deep: no traceback
        print(
            f"submissions: {exc.__class__.__name__}: an input is too large or nested too "
            "deeply; nothing more was done",
            file=sys.stderr,
        )
        return 1
    return 0


def _site_locale(root: Path) -> str:
    """The site's locale, for what fetch says (the default when its settings cannot be
    read: fetching needs none of them, and process says what is wrong with them)."""
    try:
        return read_site_settings(root).locale
    except SiteSettingsError:
        return DEFAULT_LOCALE


def _header(text: str) -> tuple[str, str]:
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise ToolError(f"--header takes 'Name: value', not {text!r}")
    return name.strip(), value.strip()
