"""What the commands and the submissions read of a site's ``pelicanconf.py``: its plain
constants, without running the file (a command that checks a site must not execute it).

It lives with the content, below the site and the submissions, so that processing a
submission reads the site's language and limits without importing the command line."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from appel_a_communs.i18n import DEFAULT_LOCALE


class SiteSettingsError(Exception):
    """pelicanconf.py cannot be read: the message names it and says why."""


class Constants(dict):
    """The plain constants of pelicanconf.py; ``computed`` names those it computes (the
    commands cannot know their values)."""

    computed: frozenset[str] = frozenset()


def site_constants(root: Path) -> Constants:
    """``NAME = <literal>`` assignments at the top of the site's pelicanconf.py ({} if none)."""
    path = root / "pelicanconf.py"
    found = Constants()
    if not path.is_file():
        return found
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (SyntaxError, UnicodeDecodeError, OSError) as exc:
        raise SiteSettingsError(
            f"{path}: cannot be read ({exc.__class__.__name__}: {exc})"
        ) from None
    computed = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                try:
                    found[target.id] = ast.literal_eval(node.value)
                except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                    computed.add(target.id)  # not a constant the commands can read
    found.computed = frozenset(computed)
    return found


def site_language(root: Path, constants: dict[str, Any] | None = None) -> str:
    """The site's DEFAULT_LANG, which its issue forms, labels and reports must speak."""
    value = (site_constants(root) if constants is None else constants).get("DEFAULT_LANG")
    return value if isinstance(value, str) and value else DEFAULT_LOCALE


def max_file_size(constants: dict[str, Any]) -> int:
    """The site's CATALOGUE_MAX_FILE_SIZE (bytes a content file or an envelope may hold),
    checked with the type the build checks it with, so that ``check``, ``process`` and
    ``pelican`` never read different limits."""
    from pydantic import TypeAdapter, ValidationError

    from appel_a_communs.content.reading import MAX_FILE_SIZE
    from appel_a_communs.content.types import FileSize

    name = "CATALOGUE_MAX_FILE_SIZE"
    if name in getattr(constants, "computed", ()):
        raise SiteSettingsError(
            f"pelicanconf.py: {name}: write it as a plain number of bytes (such as 2_000_000), "
            "so that the commands can read it too"
        )
    if name not in constants:
        return MAX_FILE_SIZE
    try:
        return TypeAdapter(FileSize).validate_python(constants[name])
    except ValidationError:
        raise SiteSettingsError(
            f"pelicanconf.py: {name}: must be a whole number of bytes above 0 "
            f"(it is {constants[name]!r})"
        ) from None
