"""One content file into one model: its bytes (size, UTF-8, not empty), its YAML or front
matter and Markdown body, its validation. The same reading serves the build, ``check``, the
plugin's page reader and the submission processor, so that they name one file's errors alike."""

from __future__ import annotations

import os
from codecs import BOM_UTF8
from dataclasses import replace
from pathlib import Path
from stat import S_ISREG
from typing import Any

from pydantic import ValidationError

from appel_a_communs.content.compact import compact
from appel_a_communs.content.errors import ContentError, ContentErrors
from appel_a_communs.content.kinds import KINDS, ContentKind
from appel_a_communs.content.models import Model, PageMeta
from appel_a_communs.content.strict_yaml import (
    Document,
    StrictYAMLError,
    format_path,
    load_mapping,
    split_front_matter,
)
from appel_a_communs.content.types import character_problem, check_slug
from appel_a_communs.content.validation import validation_errors
from appel_a_communs.i18n import M_

MAX_FILE_SIZE = 1_000_000
"""Bytes a content file or an envelope may hold (CATALOGUE_MAX_FILE_SIZE): reading a
bigger one would take seconds, and no call needs one."""


def too_big(path: Path | str, size: int, max_size: int) -> ContentError | None:
    """The error for a file of ``size`` bytes above ``max_size``, before anything parses it."""
    if size <= max_size:
        return None
    message = M_(
        "is %(size)d bytes, more than the %(most)d allowed (CATALOGUE_MAX_FILE_SIZE)",
        size=size,
        most=max_size,
    )
    return ContentError(str(path), None, message)


def _unreadable(path: Path, exc: OSError) -> ContentErrors:
    reason = exc.strerror or str(exc)
    return ContentErrors(
        [ContentError(str(path), None, M_("cannot be read: %(reason)s", reason=reason))]
    )


def _read_bytes(path: Path, max_size: int) -> bytes:
    """The file's bytes, its size checked first; raises ContentErrors. One opening of the
    file, its size asked of the opened file, and its bytes read with the system's own
    reads: a build reads tens of thousands of small files, and ``Path.stat`` then
    ``Path.read_bytes`` cost twice as much. A file that does not open is asked its size
    by its path then opened again (``_read_bytes_by_path``), so that what is said of it
    (too big, or why it cannot be read) is what that order says."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except OSError:
        return _read_bytes_by_path(path, max_size)
    try:
        status = os.fstat(descriptor)
        size = status.st_size
        big = too_big(path, size, max_size)
        if big:
            raise ContentErrors([big])
        data = os.read(descriptor, size + 1)  # the whole file, unless it grew meanwhile
        if len(data) <= size and S_ISREG(status.st_mode):
            return data  # fewer bytes than asked from a file on disk: its end
        rest = []
        while data and (chunk := os.read(descriptor, 65536)):  # to its end, as it is now
            rest.append(chunk)
        return data + b"".join(rest) if rest else data
    except OSError as exc:
        raise _unreadable(path, exc) from None
    finally:
        os.close(descriptor)


def _read_bytes_by_path(path: Path, max_size: int) -> bytes:
    """The file's bytes, its size asked by its path first (``_read_bytes``)."""
    try:
        big = too_big(path, path.stat().st_size, max_size)
        if big:
            raise ContentErrors([big])
        return path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, exc) from None


def read_text(path: Path, max_size: int = MAX_FILE_SIZE) -> str:
    """The file's text; raises ContentErrors when it is unreadable, bigger than
    ``max_size`` bytes, not UTF-8 or empty."""
    raw = _read_bytes(path, max_size)
    if raw.startswith(BOM_UTF8):
        raw = raw[3:]
    try:
        # as raw.decode("utf-8-sig") (the byte counted after the mark, too), without the
        # codec's Python function
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContentErrors(
            [
                ContentError(
                    str(path), None, M_("is not valid UTF-8 text (byte %(byte)d)", byte=exc.start)
                )
            ]
        ) from None
    if not text or text.isspace():  # as ``not text.strip()``, without a copy
        raise ContentErrors([ContentError(str(path), None, M_("the file is empty"))])
    return text


def _yaml_error(path: Path, exc: StrictYAMLError) -> ContentError:
    return ContentError(str(path), format_path(exc.path) or None, exc.message, exc.line)


def parse_document(
    path: Path, markdown: bool, max_size: int = MAX_FILE_SIZE
) -> tuple[Document, str]:
    """Read a YAML file, or a Markdown file's front matter and body."""
    return parse_text(path, read_text(path, max_size), markdown)


def parse_text(path: Path, text: str, markdown: bool) -> tuple[Document, str]:
    """Parse a content file's text; ``path`` only names it in errors. A Markdown body's
    line is the document's line of ``body`` (``body_line``), so that an error on the body
    names its line in the file, as a YAML error does."""
    try:
        if markdown:
            yaml_text, body, first_line = split_front_matter(text)
            doc = load_mapping(yaml_text, first_line)
            start = first_line + yaml_text.count("\n") + 1  # past the closing ---
            # a ``body:`` key in the front matter (refused: build_model) keeps its own line
            doc.lines.setdefault(("body",), body_line(body, start))
            return doc, body
        return load_mapping(text), ""
    except StrictYAMLError as exc:
        raise ContentErrors([_yaml_error(path, exc)]) from None


def body_line(body: str, start: int) -> int:
    """The line of the file where a Markdown body beginning at line ``start`` breaks the
    rule of every text (``types.character_problem``), or ``start`` when it does not. Lines
    end at line feeds, as ``split_front_matter`` reads them."""
    if character_problem(body) is None:
        return start
    for number, line in enumerate(body.split("\n")):
        if character_problem(line) is not None:
            return start + number
    return start


def build_model(
    model: type[Model],
    path: Path,
    doc: Document,
    extra: dict[str, Any],
    reserved: tuple[str, ...],
) -> Model:
    """Validate ``doc`` as ``model``; ``reserved`` keys are set by the loader, never by the file."""
    errors = [
        ContentError(
            str(path),
            key,
            M_("unknown key (this value comes from the file itself)"),
            doc.line_of((key,)),
        )
        for key in reserved
        if key in doc.data
    ]
    data = {k: v for k, v in doc.data.items() if k not in reserved}
    for key, value in extra.items():
        data.setdefault(key, value)
    try:
        result = compact(model.model_validate(data))
    except ValidationError as exc:
        errors.extend(validation_errors(path, exc, model, doc))
        raise ContentErrors(errors) from None
    if errors:
        raise ContentErrors(errors)
    return result


def read_page_meta(path: Path, max_size: int = MAX_FILE_SIZE) -> tuple[PageMeta, str]:
    """Front matter and Markdown body of an ordinary page (``content/pages/``): its body
    follows the rule of every text (``types.character_problem``), as a challenge's does."""
    doc, body = parse_document(path, markdown=True, max_size=max_size)
    problem = character_problem(body)
    line = doc.line_of(("body",))
    body_errors = [ContentError(str(path), "body", problem, line)] if problem else []
    try:
        meta = build_model(PageMeta, path, doc, {}, reserved=())
    except ContentErrors as exc:
        raise ContentErrors([*exc.errors, *body_errors]) from None
    if body_errors:
        raise ContentErrors(body_errors)
    assert isinstance(meta, PageMeta)
    if meta.slug is None:
        try:
            slug = check_slug(path.stem)
        except ValueError as exc:
            raise ContentErrors(
                [
                    ContentError(
                        str(path),
                        "slug",
                        M_(
                            "from the file name: %(problem)s; rename the file or set slug",
                            problem=exc.args[0] if exc.args else str(exc),
                        ),
                    )
                ]
            ) from None
        meta = meta.model_copy(update={"slug": slug})
    return meta, body


FileResult = tuple[Model | None, list[ContentError], set[str]]


def build_item(kind: ContentKind, path: Path, doc: Document, body: str) -> Model:
    """The model of one content file: its stem gives the slug (or the id), its Markdown
    the body; neither may be written in the file itself where the file names it."""
    extra: dict[str, Any] = {kind.key: path.stem}
    reserved: tuple[str, ...] = ("id",) if kind.key == "id" else ()
    if kind.nested:
        extra = {"round": path.parent.name, "common": path.stem}
        reserved = ("round", "common")
    if kind.markdown:
        extra["body"] = body
        reserved += ("body",)
    return build_model(kind.model, path, doc, extra, reserved)


def read_files(name: str, paths: list[Path], max_size: int = MAX_FILE_SIZE) -> list[FileResult]:
    return [read_file(name, path, max_size) for path in paths]


def read_file(name: str, path: Path, max_size: int = MAX_FILE_SIZE) -> FileResult:
    """One file of a folder: its model, or the errors that keep it out and the ids it held."""
    kind = KINDS[name]
    key = kind.key
    if kind.nested and path.parent.parent.name != name:
        message = M_(
            "%(folder)s/ holds one folder per round, named after the round, and in it one "
            "file per common: move this file to %(folder)s/<round>/%(file)s",
            folder=name,
            file=path.name,
        )
        return None, [ContentError(str(path), None, message)], set()
    try:
        doc, body = parse_document(path, kind.markdown, max_size)
    except ContentErrors as exc:
        return None, exc.errors, {path.stem}
    from_file_name = key == "id" or key not in doc.data
    if kind.nested:  # round and common are the folder's and the file's names
        from_file_name = False
        key = "common"
    try:
        return build_item(kind, path, doc, body), [], set()
    except ContentErrors as exc:
        errors = [
            replace(error, message=f"{error.message} (taken from the file name: rename the file)")
            if from_file_name and error.field == key
            else error
            for error in exc.errors
        ]
        return None, errors, {path.stem, str(doc.data.get(key, path.stem))}
