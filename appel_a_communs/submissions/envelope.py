"""The submission envelope (SPEC, "Submissions") and how envelope files are read and written."""

from __future__ import annotations

import contextlib
import json
import os
import re
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, PlainValidator, ValidationError, WithJsonSchema, model_validator

from appel_a_communs.content.errors import ContentError
from appel_a_communs.content.models import Model
from appel_a_communs.content.reading import MAX_FILE_SIZE, too_big
from appel_a_communs.content.strict_yaml import (
    StrictYAMLError,
    format_path,
    load_json,
    load_mapping,
)
from appel_a_communs.content.types import Line, Slug, clip
from appel_a_communs.content.validation import validation_errors
from appel_a_communs.i18n import M_
from appel_a_communs.vocabulary.forms import SubmissionType

ENVELOPE_SUFFIXES = (".json", ".yml", ".yaml")
Source = Literal["github-issue", "form", "file"]
ID_PREFIX = {"github-issue": "github-", "form": "form-", "file": "file-"}


def _check_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
    raise ValueError(
        M_(
            "%(value)s is not an ISO 8601 date and time (e.g. 2026-10-01T14:30:00Z)",
            value=repr(value),
        )
    )


DateTime = Annotated[
    datetime,
    PlainValidator(_check_datetime),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


def _check_email(value: Any) -> str:
    if not isinstance(value, str) or "@" not in value or any(c.isspace() for c in value):
        raise ValueError(M_("not an e-mail address"))
    return value


class Contact(Model):
    """Who to answer. Never written into content/ or any published file."""

    name: Line | None = None
    email: Annotated[str, PlainValidator(_check_email)] | None = None


class Author(Model):
    """Who submitted, as GitHub vouches for it (an issue's author): checked against the
    actors' ``members``, never written into content/ or any published file."""

    login: Line | None = None
    """As GitHub gives it, unchecked: apps and bots (``name[bot]``) and old accounts do not
    follow today's login rules, and only GitHub can vouch for it anyway."""


class Envelope(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Slug
    type: SubmissionType
    submitted_at: DateTime
    source: Source
    contact: Contact | None = None
    author: Author | None = None
    data: dict[str, Any]

    @model_validator(mode="after")
    def _author_from_github(self) -> Envelope:
        # Only GitHub says who opened an issue; a form or a file could name anyone.
        if self.login is not None and self.source != "github-issue":
            raise ValueError(
                M_("author.login is known only for a GitHub issue (source github-issue)")
            )
        return self

    @property
    def login(self) -> str | None:
        return self.author.login if self.author else None

    @property
    def ref(self) -> str:
        """The id in its source: 42 for github-42."""
        prefix = ID_PREFIX[self.source]
        return self.id[len(prefix) :] if self.id.startswith(prefix) else self.id


def read_envelope(
    path: Path, max_size: int = MAX_FILE_SIZE
) -> tuple[dict[str, Any] | None, Envelope | None, list[ContentError]]:
    """(raw mapping, envelope, errors): the raw mapping survives a validation error; a
    file above ``max_size`` bytes is refused unread."""
    name = path.name
    try:
        big = too_big(name, path.stat().st_size, max_size)
        if big:
            return None, None, [big]
        text = path.read_text(encoding="utf-8-sig")  # a byte-order mark, as content files may
    except (OSError, UnicodeDecodeError) as exc:
        # strerror, not str(exc): that names the file by its absolute path
        reason = (exc.strerror or type(exc).__name__) if isinstance(exc, OSError) else str(exc)
        return (
            None,
            None,
            [ContentError(name, None, M_("cannot be read: %(reason)s", reason=reason))],
        )
    try:
        raw = load_json(text) if path.suffix.lower() == ".json" else load_mapping(text).data
    except StrictYAMLError as exc:
        problem = M_("not a valid envelope file: %(problem)s", problem=exc.message)
        # a character refused in a value is named on its field, as in a JSON envelope
        path = exc.path[1:] if exc.path[:1] == ("data",) else exc.path
        return None, None, [ContentError(name, format_path(path) or None, problem, exc.line)]
    if not isinstance(raw, dict):
        return None, None, [ContentError(name, None, M_("an envelope is a mapping of keys"))]
    try:
        return raw, Envelope.model_validate(raw), []
    except ValidationError as exc:
        return raw, None, validation_errors(name, exc, Envelope, None)


def envelope_json(envelope: Envelope | dict[str, Any]) -> str:
    data = (
        envelope.model_dump(mode="json", exclude_none=True)
        if isinstance(envelope, Envelope)
        else envelope
    )
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# --- safe writes ------------------------------------------------------------------


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


NAME_MAX = 255
"""Bytes in one file name (ext4, XFS, Btrfs, APFS…): a longer name cannot be written."""
MAX_PID = 4194304
"""Linux's largest process id (``/proc/sys/kernel/pid_max`` at most): 7 digits."""
TEMP_GLOB = ".*.tmp"
"""What every temporary file's name matches (``temp_of``), to find those of a killed run."""
_TEMP = re.compile(r"\.(.+)\.[0-9]+\.tmp", re.DOTALL)


def temp_of(path: Path, pid: int | None = None) -> Path:
    """The hidden temporary file in which ``path`` is written (by the process ``pid``, this
    one by default) before it takes its name: no reader ever sees half a file, and the
    loader skips it (its name starts with a dot)."""
    return path.with_name(f".{path.name}.{os.getpid() if pid is None else pid}.tmp")


def temp_target(name: str) -> str | None:
    """The name of the file a temporary file (``temp_of``) was for; None if ``name`` is not
    a temporary file's."""
    found = _TEMP.fullmatch(name)
    return found[1] if found else None


TEMP_ROOM = len(temp_of(Path("x"), MAX_PID).name) - len("x")
"""What ``temp_of`` adds to a name, at most."""


def bounded_name(stem: str, suffix: str) -> str:
    """``stem + suffix``, or, when that and its temporary file would not fit in a file name,
    ``stem`` cut (``types.clip``) so that they do: the names made from ids and inbox names
    (records, reports), whose contents name the envelope in full."""
    return clip(stem, NAME_MAX - TEMP_ROOM - len(os.fsencode(suffix))) + suffix


def _write_temp(path: Path, text: str) -> Path:
    """``text`` on disk (fsynced) in a hidden temporary file beside ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_of(path)
    try:
        with temp.open("w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:  # a full disk, say: no temporary file left behind
        _remove(temp)
        raise
    return temp


def _remove(temp: Path) -> None:
    # a name too long to create, say; else the next run's ``remove_temporaries`` will
    with contextlib.suppress(OSError):
        temp.unlink(missing_ok=True)


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` all at once: a reader sees the old file or the new."""
    temp = _write_temp(path, text)
    try:
        temp.replace(path)
    except BaseException:
        _remove(temp)
        raise
    _fsync_dir(path.parent)


def write_new(path: Path, text: str) -> bool:
    """Create ``path`` with ``text``, never overwriting: True if written, False if the same
    text is already there (a run killed after this write), ContentErrors otherwise."""
    temp = _write_temp(path, text)
    try:
        os.link(temp, path)  # atomic, and fails if the path exists
        _fsync_dir(path.parent)
        return True
    except FileExistsError:
        if path.read_text(encoding="utf-8") == text:
            return False
        raise
    finally:
        temp.unlink(missing_ok=True)
