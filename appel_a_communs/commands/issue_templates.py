"""``appel-a-communs issue-templates``: the issue forms, generated from the form definitions."""

from __future__ import annotations

import argparse
from pathlib import Path

from appel_a_communs.submissions.issue_forms import DEFAULT_LOCALE, sync_issue_forms


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the site (default: here)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    parser.add_argument(
        "--locale",
        default=None,
        help="language of the forms: the site's DEFAULT_LANG, whose forms prefill them "
        f"(default: read from pelicanconf.py, else {DEFAULT_LOCALE})",
    )


def site_language(root: Path) -> str:
    """DEFAULT_LANG as the site's pelicanconf.py writes it, without running the file."""
    import ast

    path = root / "pelicanconf.py"
    if path.is_file():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "DEFAULT_LANG" for t in node.targets)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                return node.value.value
    return DEFAULT_LOCALE


def run(args: argparse.Namespace) -> int:
    locale = args.locale or site_language(args.root)
    stale = sync_issue_forms(args.root, args.check, locale)
    if args.check and stale:
        print("Out of date (run appel-a-communs issue-templates):", *stale, sep="\n  ")
        return 1
    print("\n".join(f"{'stale' if args.check else 'written'}: {p}" for p in stale) or "up to date")
    return 0
