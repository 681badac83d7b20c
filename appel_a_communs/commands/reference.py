"""``appel-a-communs reference``: the reference of every content key and site setting, as
the installed version reads them, generated from its models (``vocabulary.reference``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from appel_a_communs.vocabulary.reference import reference


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the reference to this file (default: print it)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="with --output: write nothing; exit 1 if the file is not the reference",
    )


def run(args: argparse.Namespace) -> int:
    text = reference()
    if args.output is None:
        if args.check:
            print("--check compares a file: give it with --output FILE", file=sys.stderr)
            return 2
        sys.stdout.write(text)
        return 0
    path: Path = args.output
    try:
        current = path.read_text(encoding="utf-8") if path.is_file() else None
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{path}: cannot be read ({exc})", file=sys.stderr)
        return 1
    if current == text:
        print(f"up to date: {path}")
        return 0
    if args.check:
        print(f"Out of date (run appel-a-communs reference --output {path}):\n  {path}")
        return 1
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    except OSError as exc:
        print(f"{path}: cannot be written ({exc})", file=sys.stderr)
        return 1
    print(f"written: {path}")
    return 0
