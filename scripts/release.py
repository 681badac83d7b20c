"""What the release workflow (.github/workflows/release.yml) checks before it publishes,
and the notes of the GitHub release.

    python scripts/release.py check TAG DIST   # the tag is v<version>; DIST holds exactly
                                               # that version's wheel and sdist; CHANGELOG.md
                                               # has its section
    python scripts/release.py notes TAG        # that section, for the release's notes

The version is read from appel_a_communs/__init__.py (the one place it is written) without
importing the package. Exit status 1 with a message when something does not match.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = "appel_a_communs"


def package_version(root: Path = ROOT) -> str:
    tree = ast.parse((root / NAME / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and [getattr(t, "id", None) for t in node.targets] == ["__version__"]
            and isinstance(node.value, ast.Constant)
        ):
            return str(node.value.value)
    raise ReleaseError(f"{NAME}/__init__.py sets no __version__")


class ReleaseError(Exception):
    pass


def notes(version: str, root: Path = ROOT) -> str:
    """The section ``## [version]`` of CHANGELOG.md, without its heading."""
    text = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    heading = re.compile(rf"^## \[{re.escape(version)}\][^\n]*\n", re.M)
    found = heading.search(text)
    if found is None:
        raise ReleaseError(f"CHANGELOG.md has no section '## [{version}]'")
    following = re.compile(r"^## |^\[[^\]]+\]: ", re.M).search(text, found.end())
    section = text[found.end() : following.start() if following else len(text)].strip()
    if not section:
        raise ReleaseError(f"CHANGELOG.md's section '## [{version}]' is empty")
    return section + "\n"


def check(tag: str, dist: Path, root: Path = ROOT) -> str:
    """The version released, once the tag, the built files and the changelog agree."""
    version = package_version(root)
    if tag != f"v{version}":
        raise ReleaseError(
            f"the tag is {tag!r} but the package's version is {version!r} "
            f"({NAME}/__init__.py): tag v{version}, or change the version"
        )
    expected = {f"{NAME}-{version}-py3-none-any.whl", f"{NAME}-{version}.tar.gz"}
    found = {path.name for path in dist.iterdir()} if dist.is_dir() else set()
    if found != expected:
        raise ReleaseError(
            f"{dist} holds {sorted(found)}, not {sorted(expected)}: build them from the tag"
        )
    notes(version, root)
    return version


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    checking = commands.add_parser("check")
    checking.add_argument("tag")
    checking.add_argument("dist", type=Path)
    noting = commands.add_parser("notes")
    noting.add_argument("tag")
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            print(f"Releasing {NAME} {check(args.tag, args.dist)}")
        else:
            sys.stdout.write(notes(args.tag.removeprefix("v")))
    except (ReleaseError, OSError) as exc:
        print(f"release: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
