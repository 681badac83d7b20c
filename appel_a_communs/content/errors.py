"""Content errors: every one names its file and field, and a build reports them all."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


def display_path(path: str | os.PathLike[str]) -> str:
    """The path as the user typed it: relative to the working directory when inside it."""
    p = Path(path)
    try:
        return p.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return p.as_posix()


@dataclass(frozen=True)
class ContentError:
    """One problem in one file; ``field`` is a dotted path such as ``budget.lines[1].amount``."""

    path: str
    field: str | None
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = display_path(self.path)
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.message}"


class ContentErrors(Exception):
    """All the errors of a load, raised together so that a build lists every one at once."""

    def __init__(self, errors: Iterable[ContentError]):
        self.errors = sorted(
            errors, key=lambda e: (display_path(e.path), e.line or 0, e.field or "")
        )
        super().__init__(self._message())

    def __reduce__(self):
        # Rebuilt from its errors (not from the message), e.g. when a worker process sends it.
        return type(self), (self.errors,)

    def _message(self) -> str:
        count = len(self.errors)
        head = f"{count} content error{'s' if count != 1 else ''}:"
        return "\n".join([head, *(f"  - {e}" for e in self.errors)])
