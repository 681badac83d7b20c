"""Content errors: every one names its file and field, and a build reports them all."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from gettext import NullTranslations
from pathlib import Path

from appel_a_communs.i18n import translate


def site_of(content: str | os.PathLike[str]) -> Path:
    """The site: the folder that holds the content folder (its settings, ``submissions/``),
    from which every message names files (``display_path``)."""
    return Path(content).absolute().parent


def display_path(path: str | os.PathLike[str], site: str | os.PathLike[str] | None = None) -> str:
    """The path as its reader knows it: relative to ``site`` (the folder that holds the
    content folder) when it is given and holds the path, else relative to the working
    directory when inside it. A build's or a check's messages name files from the site,
    wherever it was run from: the machine's own layout means nothing to the reader (and
    says too much in a public CI log)."""
    p = Path(path)
    for base in (site, Path.cwd()):
        shown = _relative(p, Path(base)) if base is not None else None
        if shown is not None:
            return shown
    return p.as_posix()


def _relative(path: Path, base: Path) -> str | None:
    """``path`` from ``base``: as written first (a link is named where it is, not where it
    leads), then both resolved (a base reached through a link); None when outside."""
    try:
        return path.absolute().relative_to(base.absolute()).as_posix()
    except ValueError:
        pass
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a link loop (Python < 3.13)
        return None


@dataclass(frozen=True)
class ContentError:
    """One problem in one file; ``field`` is a dotted path such as ``budget.lines[1].amount``."""

    path: str
    field: str | None
    message: str
    line: int | None = None

    def __str__(self) -> str:
        return self.show()

    def show(
        self, site: str | os.PathLike[str] | None = None, catalogue: NullTranslations | None = None
    ) -> str:
        """The error as a line, its file named relative to ``site`` (see display_path), its
        message in the ``catalogue``'s language when one is given (English without)."""
        where = display_path(self.path, site)
        if self.line is not None:
            where += f":{self.line}"
        message = self.message if catalogue is None else translate(self.message, catalogue)
        if self.field:
            return f"{where}: {self.field}: {message}"
        return f"{where}: {message}"


class ContentErrors(Exception):
    """All the errors of a load, raised together so that a build lists every one at once."""

    def __init__(self, errors: Iterable[ContentError], site: str | os.PathLike[str] | None = None):
        self.site = site
        """The folder that holds the content folder: files are named from it."""
        self.errors = sorted(
            errors, key=lambda e: (display_path(e.path, site), e.line or 0, e.field or "")
        )
        super().__init__(self._message())

    def __reduce__(self):
        # Rebuilt from its errors (not from the message), e.g. when a worker process sends it.
        return type(self), (self.errors, self.site)

    def _message(self) -> str:
        return self.text()

    def text(self, catalogue: NullTranslations | None = None) -> str:
        """Every error, one a line, in the ``catalogue``'s language (English without)."""
        count = len(self.errors)
        head = (catalogue or NullTranslations()).ngettext(
            "%(num)d content error:", "%(num)d content errors:", count
        ) % {"num": count}
        return "\n".join([head, *(f"  - {e.show(self.site, catalogue)}" for e in self.errors)])
