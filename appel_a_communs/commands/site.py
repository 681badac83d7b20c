"""What the commands read of a site's ``pelicanconf.py``: its plain constants, without
running the file (a command that checks a site must not execute it)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

DEFAULT_LANGUAGE = "fr"


class SiteSettingsError(Exception):
    """pelicanconf.py cannot be read: the message names it and says why."""


def site_constants(root: Path) -> dict[str, Any]:
    """``NAME = <literal>`` assignments at the top of the site's pelicanconf.py ({} if none)."""
    path = root / "pelicanconf.py"
    if not path.is_file():
        return {}
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (SyntaxError, UnicodeDecodeError, OSError) as exc:
        raise SiteSettingsError(
            f"{path}: cannot be read ({exc.__class__.__name__}: {exc})"
        ) from None
    found: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                try:
                    found[target.id] = ast.literal_eval(node.value)
                except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                    continue  # computed: not a constant the commands can read
    return found


def site_language(root: Path, constants: dict[str, Any] | None = None) -> str:
    """The site's DEFAULT_LANG, which its issue forms, labels and reports must speak."""
    value = (site_constants(root) if constants is None else constants).get("DEFAULT_LANG")
    return value if isinstance(value, str) and value else DEFAULT_LANGUAGE


def max_file_size(constants: dict[str, Any]) -> int:
    """The site's CATALOGUE_MAX_FILE_SIZE (bytes a content file or an envelope may hold),
    as pelicanconf.py writes it; the build checks the setting itself."""
    from appel_a_communs.content.loader import MAX_FILE_SIZE

    limit = constants.get("CATALOGUE_MAX_FILE_SIZE")
    valid = isinstance(limit, int) and not isinstance(limit, bool) and limit > 0
    return limit if valid else MAX_FILE_SIZE
