"""``appel-a-communs``: start a call, check its content, process its submissions.

Each command is a module of this package with ``add_arguments(parser)`` and
``run(args) -> int``; exit status 0 when the command did its work, 1 when it found
problems or failed (with a message, never a traceback), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import import_module

COMMANDS = {
    "new": "start a new call: write a complete site into a new folder",
    "check": "check a content folder without building the site",
    "submissions": "fetch submissions into envelopes, process them into content files",
    "issue-templates": "write the issue forms of .github/ISSUE_TEMPLATE/ (--check: compare)",
    "labels": "create or update the submission labels of a GitHub repository",
    "reference": "print the reference of every content key and site setting (--output: "
    "write it to a file; --check: compare)",
}


def _parser() -> argparse.ArgumentParser:
    from appel_a_communs.scaffold import tool_version
    from appel_a_communs.submissions.cli import summary_line

    parser = argparse.ArgumentParser(prog="appel-a-communs", description=summary_line(__doc__))
    parser.add_argument("--version", action="version", version=f"%(prog)s {tool_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        description = help_text[:1].upper() + help_text[1:] + "."
        sub = commands.add_parser(name, help=help_text, description=description)
        if name == "submissions":
            # Its own parser (the one of scripts/submissions.py) takes every argument.
            sub.add_argument("arguments", nargs=argparse.REMAINDER)
        else:
            _module(name).add_arguments(sub)
    return parser


def _module(name: str):
    return import_module(f"appel_a_communs.commands.{name.replace('-', '_')}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        status = _main(argv)
        sys.stdout.flush()
    except BrokenPipeError:
        # Whoever read the output left early (`appel-a-communs new … | head`): what the
        # command did is done; the rest of its output has no reader, and no traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return status


def _main(argv: list[str]) -> int:
    if argv[:1] == ["submissions"]:
        from appel_a_communs.submissions.cli import main as submissions

        return submissions(argv[1:], prog="appel-a-communs submissions")
    args = _parser().parse_args(argv)
    return _module(args.command).run(args)
