"""Read a content folder into models, reporting every error of every file at once."""

from __future__ import annotations

import difflib
import gc
import hashlib
import os
import pickle
import re
import typing
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache, cached_property, partial
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from appel_a_communs.content.errors import ContentError, ContentErrors, display_path, site_of
from appel_a_communs.content.kinds import (
    CAMPAIGN_FILE,
    CAMPAIGN_ROUND,
    KINDS,
    MARKDOWN_SUFFIXES,
    ContentKind,
)
from appel_a_communs.content.models import (
    Actor,
    Campaign,
    Challenge,
    Common,
    Model,
    PageMeta,
    Pledge,
    Report,
    Round,
)
from appel_a_communs.content.rounds import overlapping, pledge_round
from appel_a_communs.content.strict_yaml import (
    Document,
    StrictYAMLError,
    format_path,
    load_mapping,
    split_front_matter,
)
from appel_a_communs.content.types import character_problem, check_slug
from appel_a_communs.i18n import M_
from appel_a_communs.parallel import map_shares


@dataclass(frozen=True)
class Catalogue:
    """The validated content of a call, keyed by slug (pledges by id), in file order."""

    challenges: dict[str, Challenge]
    commons: dict[str, Common]
    actors: dict[str, Actor]
    pledges: dict[str, Pledge]
    campaign: Campaign | None = None
    sources: dict[tuple[str, str], Path] = field(default_factory=dict, compare=False)
    rounds: dict[str, Round] = field(default_factory=dict)
    """The files of ``rounds/``; a call has them or ``campaign.yml``, never both."""
    reports: dict[str, Report] = field(default_factory=dict)
    """The follow-up reports of ``reports/``, in file order."""

    @property
    def currency(self) -> str:
        first = self.round_list[0] if self.round_list else None
        return first.currency if first else "EUR"

    @cached_property
    def round_list(self) -> list[Round]:
        """The call's rounds by opening date: ``campaign.yml`` is a call of one round (slug
        ``campaign``); without it or ``rounds/``, there is none and no round rule applies."""
        if isinstance(self.campaign, Round):
            return [self.campaign]  # the catalogue of one round (funding.rounds)
        if self.campaign is not None:
            return [Round.model_construct(slug=CAMPAIGN_ROUND, **dict(self.campaign))]
        return sorted(self.rounds.values(), key=lambda r: (r.opens is not None, r.opens, r.slug))

    def source_of(self, folder: str, key: str) -> Path | None:
        return self.sources.get((folder, key))

    # The pledge index, built once on first use and shared by the funding engine, the round
    # rules and the view. The one code that adds items to a loaded catalogue, ``process``,
    # keeps an index of its own and checks rules on catalogues it builds for each pledge.

    @cached_property
    def pledges_in_order(self) -> list[Pledge]:
        """Every pledge by date, then id: the order of every table and every rule."""
        return sorted(self.pledges.values(), key=lambda p: (p.date, p.id))

    @cached_property
    def pledges_by_common(self) -> dict[str, list[Pledge]]:
        """Common slug → its pledges, in order (commons without any are absent)."""
        return _group(self.pledges_in_order, "common")

    @cached_property
    def pledges_by_round(self) -> dict[str | None, list[Pledge]]:
        """Round slug → its pledges, in order; None → those of no round (a call without
        rounds, or pledges the checks refuse)."""
        groups: dict[str | None, list[Pledge]] = {}
        rounds = self.round_list
        for pledge in self.pledges_in_order:
            found = pledge_round(rounds, pledge)
            groups.setdefault(found.slug if found else None, []).append(pledge)
        return groups

    @cached_property
    def pledges_by_actor(self) -> dict[str, list[Pledge]]:
        """Actor slug → its pledges, in order (actors without any are absent)."""
        return _group(self.pledges_in_order, "actor")


def _group(pledges: list[Pledge], key: str) -> dict[str, list[Pledge]]:
    groups: dict[str, list[Pledge]] = {}
    for pledge in pledges:
        groups.setdefault(getattr(pledge, key), []).append(pledge)
    return groups


# --- reading one file ------------------------------------------------------


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


def read_text(path: Path, max_size: int = MAX_FILE_SIZE) -> str:
    """The file's text; raises ContentErrors when it is unreadable, bigger than
    ``max_size`` bytes, not UTF-8 or empty."""
    try:
        big = too_big(path, path.stat().st_size, max_size)
        if big:
            raise ContentErrors([big])
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ContentErrors(
            [ContentError(str(path), None, M_("cannot be read: %(reason)s", reason=reason))]
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ContentErrors(
            [
                ContentError(
                    str(path), None, M_("is not valid UTF-8 text (byte %(byte)d)", byte=exc.start)
                )
            ]
        ) from None
    if not text.strip():
        raise ContentErrors([ContentError(str(path), None, M_("the file is empty"))])
    return text


def _yaml_error(path: Path, exc: StrictYAMLError) -> ContentError:
    return ContentError(str(path), format_path(exc.path) or None, exc.message, exc.line)


def _message(err: dict[str, Any], model: type[Model], loc: tuple) -> str:
    kind = err["type"]
    value = err.get("input")
    if kind == "missing":
        return M_("required key is missing")
    if kind == "extra_forbidden":
        owner = _model_at(model, loc[:-1])
        known = [k for k in (owner.model_fields if owner else ()) if k not in ("id", "body")]
        hint = difflib.get_close_matches(str(loc[-1]), known, n=1)
        if hint:
            return M_(
                "unknown key (did you mean '%(hint)s'?); known keys: %(known)s",
                hint=hint[0],
                known=", ".join(known),
            )
        return M_("unknown key; known keys: %(known)s", known=", ".join(known))
    if kind == "literal_error":
        # pydantic's "'a', 'b' or 'c'" as "'a', 'b', 'c'": its "or" is English
        expected = err["ctx"]["expected"]
        options = re.findall(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|-?[0-9][0-9.]*", expected)
        return M_(
            "%(value)s is not one of: %(expected)s",
            value=_short(value),
            expected=", ".join(options) or expected,
        )
    if kind in ("list_type", "tuple_type"):
        return M_("expected a list, got %(value)s", value=_short(value))
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return M_("expected a mapping of keys (key: value), got %(value)s", value=_short(value))
    if kind == "too_short":
        return M_("needs at least one item")
    if kind == "value_error":
        error = err["ctx"]["error"]
        return error.args[0] if error.args and isinstance(error.args[0], str) else str(error)
    return err["msg"]


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _model_at(model: type[Model], loc: tuple) -> type[Model] | None:
    """The model class that owns the key at ``loc`` (for 'did you mean' hints)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return None
        annotation = fields[part].annotation
        current = _first_model(annotation)
        if current is None:
            return None
    return current if isinstance(current, type) and issubclass(current, Model) else None


def _first_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, Model):
        return annotation
    for arg in typing.get_args(annotation):
        found = _first_model(arg)
        if found is not None:
            return found
    return None


def validation_errors(
    path: Path | str, exc: ValidationError, model: type[Model], doc: Document | None
) -> list[ContentError]:
    """Turn pydantic's errors into ContentErrors naming the file, the field and the line."""
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(part for part in err["loc"] if not isinstance(part, str) or part)
        line = doc.line_of(loc) if doc else None
        out.append(
            ContentError(str(path), format_path(loc) or None, _message(err, model, loc), line)
        )
    return out


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
        result = model.model_validate(data)
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
                        f"from the file name: {exc}; rename the file or set slug",
                    )
                ]
            ) from None
        meta = meta.model_copy(update={"slug": slug})
    return meta, body


# --- reading a content folder ----------------------------------------------


EDITOR_FILES = (".#", "._")
"""Hidden names that editors and systems leave beside a file (an Emacs lock, a macOS
resource fork): passed over even with a content suffix."""


def _files(folder: Path, suffixes: tuple[str, ...]) -> tuple[list[Path], list[ContentError]]:
    """The content files of a kind's folder, sorted.

    Hidden folders and files (a name that starts with a dot: ``.git``, ``.DS_Store``, an
    editor's swap file) are passed over, but a hidden file with the folder's suffix is
    named: someone likely meant it, and the call would lack it without a word. A link is
    read only when it leads to a file inside the content folder (``link_error``); a link
    to a folder is named, never followed (no loop, no second copy of a folder)."""
    if not folder.is_dir():
        return [], []
    content = folder.parent
    if folder.is_symlink():  # the folder itself, as content/commons -> elsewhere
        problem = link_error(folder, content)
        if problem is not None:
            return [], [problem]
    found: list[str] = []
    errors: list[ContentError] = []
    pending = [str(folder)]
    while pending:
        for entry in _entries(pending.pop(), errors):
            name = entry.name
            if name.startswith("."):
                if name.lower().endswith(suffixes) and not name.startswith(EDITOR_FILES):
                    errors.append(_hidden_error(entry.path, folder.name))
                continue
            if entry.is_symlink():
                problem = link_error(Path(entry.path), content)
                if problem is not None:
                    errors.append(problem)
                    continue
            if entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
            else:
                # strings, not Path objects: 50 000 files sort and join noticeably faster
                found.append(entry.path)
    files = []
    for name in sorted(found):
        path = Path(name)
        if path.suffix.lower() in suffixes:
            files.append(path)
        else:
            errors.append(
                ContentError(
                    name,
                    None,
                    f"unexpected file here: {folder.name}/ holds {' or '.join(suffixes)} files",
                )
            )
    return files, errors


def _entries(folder: str, errors: list[ContentError]) -> list[os.DirEntry[str]]:
    """What a folder holds; an unreadable one is an error naming it, not a traceback."""
    try:
        with os.scandir(folder) as entries:
            return list(entries)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        errors.append(ContentError(folder, None, M_("cannot be read: %(reason)s", reason=reason)))
        return []


def _hidden_error(path: str, folder: str) -> ContentError:
    return ContentError(
        path,
        None,
        M_(
            "a hidden file (its name starts with a dot) is not read: rename it without the "
            "dot to publish it in %(folder)s/, or move it out of the content folder",
            folder=folder,
        ),
    )


def link_error(link: Path, content: Path) -> ContentError | None:
    """The error of a link in the content folder, or None when it may be read: a link is
    followed only to a file inside the content folder (a file linked from elsewhere in
    ``content``). The site's folder also holds ``.git/``, ``.env`` and the processed
    envelopes (contact details, kept out of git), and anywhere else is the machine that
    builds (a key, a password file): a link leading there is named with where it leads,
    never read. A link to a folder is named, never followed (no loop, no second copy of a
    folder), wherever it leads."""
    target = Path(os.path.realpath(link))
    root = Path(os.path.realpath(content))
    written = link.readlink()
    if root not in target.parents and target != root:
        return ContentError(
            str(link),
            None,
            M_(
                "is a link to '%(target)s', outside the content folder: a link is followed "
                "only to a file inside content/; put the file itself here",
                target=written,
            ),
        )
    if target.is_dir():
        return ContentError(
            str(link),
            None,
            M_(
                "is a link to a folder ('%(target)s'), which is not followed: move or copy "
                "its files here",
                target=written,
            ),
        )
    return None


PUBLIC_HIDDEN = ".well-known"
"""The one hidden folder a site publishes (RFC 8615: ``security.txt``, a funding list of
its own…): read and copied like any other."""


def odd_files(content: Path, hidden: set[str] | None = None) -> list[ContentError]:
    """The odd files of the content folder outside the kinds' folders (pages, news,
    images, campaign.yml, anything Pelican reads or copies), named before Pelican reads
    anything: links it may not follow (see ``link_error``), and hidden files with a
    Markdown suffix (the kinds' rule, see ``_files``). Hidden folders and other hidden
    files are passed over, their names added to ``hidden``: the plugin makes Pelican
    skip them (IGNORE_FILES), and every link named here (``plugin.configure``); but
    ``.well-known`` (``PUBLIC_HIDDEN``) is read as any folder."""
    errors: list[ContentError] = []
    pending = [str(content)]
    while pending:
        folder = pending.pop()
        for entry in _entries(folder, errors):
            if folder == str(content) and entry.name in KINDS:
                continue  # read by _files, which names its odd files
            if entry.name.startswith(".") and entry.name != PUBLIC_HIDDEN:
                if hidden is not None:
                    hidden.add(entry.name)
                name = entry.name.lower()
                meant = name.endswith(MARKDOWN_SUFFIXES) and not name.startswith(EDITOR_FILES)
                if meant and folder != str(content):  # content/ itself publishes no page
                    top = Path(entry.path).relative_to(content).parts[0]
                    errors.append(_hidden_error(entry.path, top))
                continue
            if entry.is_symlink():
                problem = link_error(Path(entry.path), content) or _unreadable(entry.path)
                if problem is not None:
                    errors.append(problem)
            elif entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
    return errors


def _unreadable(path: str) -> ContentError | None:
    """A link that leads nowhere (to no file, or round in a loop), named here: Pelican
    would warn about it by its absolute path before the reader named it."""
    try:
        Path(path).stat()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return ContentError(path, None, M_("cannot be read: %(reason)s", reason=reason))
    return None


class ModelCache:
    """Validated models of unchanged files, kept between builds (Pelican's content cache).

    A file is reused when its size and modification time are those it had when it was
    validated, and the code of the models is the same; invalid files are never cached.
    Entries are spread over ``SHARDS`` files by path, so that one changed pledge rewrites
    one small shard, not the models of the whole call.
    """

    SHARDS = 64
    Entry = tuple[int, int, Model]

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.entries: dict[str, ModelCache.Entry] = {}
        self.used: dict[str, ModelCache.Entry] = {}
        self.dirty: set[int] = set()
        if folder is None:
            return
        for shard in range(self.SHARDS):
            try:
                with self._path(shard).open("rb") as handle:
                    signature, entries = pickle.load(handle)
            except FileNotFoundError:
                continue
            except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
                self.dirty.add(shard)  # unreadable: written again
                continue
            if signature == _code_signature():
                self.entries.update(entries)
            else:
                self.dirty.add(shard)

    def _path(self, shard: int) -> Path:
        assert self.folder is not None
        return self.folder / f"catalogue-{shard:02d}.pickle"

    def _shard(self, path: str) -> int:
        return zlib.crc32(path.encode()) % self.SHARDS

    def get(self, path: Path) -> Model | None:
        if self.folder is None:
            return None
        stat = path.stat()
        entry = self.entries.get(str(path))
        if entry and entry[:2] == (stat.st_mtime_ns, stat.st_size):
            self.used[str(path)] = entry
            return entry[2]
        return None

    def put(self, path: Path, item: Model) -> None:
        if self.folder is not None:
            stat = path.stat()
            self.used[str(path)] = (stat.st_mtime_ns, stat.st_size, item)
            self.dirty.add(self._shard(str(path)))

    def save(self) -> None:
        """Write the shards that changed: new or changed files, and removed ones."""
        if self.folder is None:
            return
        for gone in self.entries.keys() - self.used.keys():
            self.dirty.add(self._shard(gone))
        if not self.dirty:
            return  # nothing was read again: the cache on disk is still exact
        shards: dict[int, dict[str, ModelCache.Entry]] = {n: {} for n in self.dirty}
        for name, entry in self.used.items():
            shard = self._shard(name)
            if shard in shards:
                shards[shard][name] = entry
        self.folder.mkdir(parents=True, exist_ok=True)
        signature = _code_signature()
        for shard, entries in shards.items():
            temp = self._path(shard).with_suffix(".tmp")
            with temp.open("wb") as handle:
                pickle.dump((signature, entries), handle, protocol=pickle.HIGHEST_PROTOCOL)
            temp.replace(self._path(shard))


@cache
def _code_signature() -> str:
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in ("models.py", "types.py", "loader.py", "strict_yaml.py", "kinds.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


# Below this many files to read, a folder is read in one process: forking costs more.
PARALLEL_FROM = 2_000

FileResult = tuple[Model | None, list[ContentError], set[str]]


def _read_folder(
    content: Path,
    name: str,
    errors: list[ContentError],
    broken: set[str],
    cache: ModelCache,
    processes: int,
    max_size: int = MAX_FILE_SIZE,
) -> Iterator[tuple[Path, Model]]:
    """Valid items of a folder, in file order; the ids of invalid files go to ``broken``.
    Files the cache does not hold are read in ``processes`` processes when they are many."""
    files, found = _files(content / name, KINDS[name].suffixes)
    errors.extend(found)
    known = [cache.get(path) for path in files]
    unread = [path for path, item in zip(files, known, strict=True) if item is None]
    if len(unread) < PARALLEL_FROM:
        processes = 1
    fresh = iter(map_shares(partial(_read_files, name, max_size=max_size), unread, processes))
    for path, item in zip(files, known, strict=True):
        if item is None:
            item, file_errors, ids = next(fresh)
            errors.extend(file_errors)
            broken.update(ids)
            if item is None:
                continue
            cache.put(path, item)
        yield path, item


def build_item(kind: ContentKind, path: Path, doc: Document, body: str) -> Model:
    """The model of one content file: its stem gives the slug (or the id), its Markdown
    the body; neither may be written in the file itself where the file names it."""
    extra: dict[str, Any] = {kind.key: path.stem}
    reserved: tuple[str, ...] = ("id",) if kind.key == "id" else ()
    if kind.markdown:
        extra["body"] = body
        reserved += ("body",)
    return build_model(kind.model, path, doc, extra, reserved)


def _read_files(name: str, paths: list[Path], max_size: int = MAX_FILE_SIZE) -> list[FileResult]:
    return [_read_file(name, path, max_size) for path in paths]


def _read_file(name: str, path: Path, max_size: int = MAX_FILE_SIZE) -> FileResult:
    """One file of a folder: its model, or the errors that keep it out and the ids it held."""
    kind = KINDS[name]
    key = kind.key
    try:
        doc, body = parse_document(path, kind.markdown, max_size)
    except ContentErrors as exc:
        return None, exc.errors, {path.stem}
    from_file_name = key == "id" or key not in doc.data
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


def load_catalogue(
    content: Path | str,
    cache_folder: Path | None = None,
    processes: int = 1,
    max_file_size: int = MAX_FILE_SIZE,
) -> Catalogue:
    """Load and cross-check a content folder; raises ContentErrors listing every problem.

    With ``cache_folder``, unchanged files are not read again (see ModelCache). With
    ``processes``, a folder of many files is read by that many processes (forks).
    """
    with cycle_collection_paused():
        return _load_catalogue(Path(content), cache_folder, processes, max_file_size)


@contextmanager
def cycle_collection_paused(freeze: bool = False) -> Iterator[None]:
    """Reading makes tens of thousands of objects that all survive: the cycle collector
    walked them again and again and found nothing (models hold no cycles), a quarter of
    the loading time at 50 000 pledges.

    When it ends, what was made goes to the oldest generation at once (freezing then
    unfreezing does that without a pass): enabled with all of it in the youngest, the
    collector's next passes would walk it three times on its way there. With ``freeze``
    it stays frozen, out of the collector's reach (the build's view, while the build
    runs). Objects a caller keeps frozen are never unfrozen here."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if freeze:
                gc.freeze()
            elif not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _load_catalogue(
    content: Path, cache_folder: Path | None, processes: int, max_size: int
) -> Catalogue:
    reuse = ModelCache(cache_folder)
    errors: list[ContentError] = []
    if not content.is_dir():
        raise ContentErrors([ContentError(str(content), None, "content folder not found")])
    site = site_of(content)
    links = odd_files(content)
    errors.extend(links)

    collections: dict[str, dict[str, Model]] = {}
    sources: dict[tuple[str, str], Path] = {}
    broken: dict[str, set[str]] = {}
    for name, kind in KINDS.items():
        key = kind.key
        items: dict[str, Model] = {}
        broken[name] = set()
        found = _read_folder(content, name, errors, broken[name], reuse, processes, max_size)
        for path, item in found:
            ident = getattr(item, key)
            if ident in items:
                other = sources[(name, ident)]
                errors.append(
                    ContentError(
                        str(path),
                        key,
                        f"'{ident}' is already used by {display_path(other, site)}",
                    )
                )
                continue
            items[ident] = item
            sources[(name, ident)] = path
        collections[name] = items

    campaign = None
    campaign_path = content / CAMPAIGN_FILE
    if campaign_path.exists() and str(campaign_path) not in {e.path for e in links}:
        try:
            doc, _ = parse_document(campaign_path, markdown=False, max_size=max_size)
            campaign = build_model(Campaign, campaign_path, doc, {}, reserved=())
        except ContentErrors as exc:
            errors.extend(exc.errors)

    catalogue = Catalogue(
        challenges=collections["challenges"],  # type: ignore[arg-type]
        commons=collections["commons"],  # type: ignore[arg-type]
        actors=collections["actors"],  # type: ignore[arg-type]
        pledges=collections["pledges"],  # type: ignore[arg-type]
        campaign=campaign,  # type: ignore[arg-type]
        sources=sources,
        rounds=collections["rounds"],  # type: ignore[arg-type]
        reports=collections["reports"],  # type: ignore[arg-type]
    )
    if campaign is not None:
        sources[("campaign", "campaign")] = campaign_path
        sources[("rounds", CAMPAIGN_ROUND)] = campaign_path
    if campaign_path.exists() and (collections["rounds"] or broken["rounds"]):
        errors.append(
            ContentError(
                str(campaign_path),
                None,
                M_(
                    "a call has campaign.yml (one round) or rounds/ (one file per round), "
                    "not both: move this file to rounds/ and give it a name"
                ),
            )
        )
    errors.extend(check_rounds(catalogue, partial(display_path, site=site)))
    errors.extend(check_references(catalogue, broken))
    if errors:
        raise ContentErrors(errors)
    reuse.save()
    return catalogue


@dataclass(frozen=True)
class Reference:
    """A problem with what one item names: a slug that does not exist, a foreign currency."""

    field: str
    message: str
    """What is wrong, in words a submitter reads too (``no actor 'x'``)."""
    detail: str
    """What a maintainer reads in the build: the file expected (after the message), or the
    whole story of a currency (instead of it)."""
    folder: str | None = None
    """The folder the missing slug was looked for in (None: not a missing slug)."""
    slug: str | None = None


def item_references(cat: Catalogue, item: Model) -> Iterator[Reference]:
    """What one challenge, common, pledge or report names that the call lacks: the one check that
    both the build and the submission processor run (each words it for its readers)."""
    currency = cat.currency
    origin = f"content/{CAMPAIGN_FILE}" if cat.campaign else "the default, EUR"

    def foreign(field_name: str, code: str) -> Reference:
        return Reference(
            field_name,
            M_("the call's currency is %(currency)s", currency=currency),
            f"{code} differs from the call's currency {currency} ({origin}); "
            "one campaign, one currency",
        )

    def missing(field_name: str, folder: str, slug: str) -> Reference:
        expected = f"expected content/{folder}/{slug}{KINDS[folder].suffix}"
        message = {
            "challenges": M_("no challenge '%(slug)s'", slug=slug),
            "commons": M_("no common '%(slug)s'", slug=slug),
            "actors": M_("no actor '%(slug)s'", slug=slug),
        }[folder]
        return Reference(field_name, message, expected, folder, slug)

    rounds = {r.slug for r in cat.round_list}
    # campaign.yml beside rounds/ is reported once, on campaign.yml: no round is checked
    # against a set of rounds the maintainer is about to change
    both = cat.campaign is not None and bool(cat.rounds)

    def no_round(field_name: str, slug: str) -> Reference:
        return Reference(
            field_name,
            M_("no round '%(slug)s'", slug=slug),
            f"expected content/rounds/{slug}.yml"
            if cat.rounds or not cat.campaign
            else f"this call has one round, '{CAMPAIGN_ROUND}' (content/{CAMPAIGN_FILE})",
            "rounds",
            slug,
        )

    if isinstance(item, Common):
        for slug in item.budgets:
            if slug not in rounds and not both:
                yield no_round(f"budgets.{slug}", slug)
        for i, review in enumerate(item.reviews):
            if review.round is not None and review.round not in rounds and not both:
                yield no_round(f"reviews[{i}].round", review.round)
        for i, ref in enumerate(item.challenges):
            if ref not in cat.challenges:
                yield missing(f"challenges[{i}]", "challenges", ref)
        for i, ref in enumerate(item.proposed_by):
            if ref not in cat.actors:
                yield missing(f"proposed_by[{i}]", "actors", ref)
        if item.budget and item.budget.currency and item.budget.currency != currency:
            yield foreign("budget.currency", item.budget.currency)
        for slug, budget in item.budgets.items():
            if budget.currency and budget.currency != currency:
                yield foreign(f"budgets.{slug}.currency", budget.currency)
    elif isinstance(item, Report):
        if item.common not in cat.commons:
            yield missing("common", "commons", item.common)
        if item.round is not None and item.round not in rounds and not both:
            yield no_round("round", item.round)
    elif isinstance(item, Pledge):
        if item.actor not in cat.actors:
            yield missing("actor", "actors", item.actor)
        if item.common not in cat.commons:
            yield missing("common", "commons", item.common)
        if item.money and item.money.currency and item.money.currency != currency:
            yield foreign("money.currency", item.money.currency)
        if both:
            pass
        elif item.round is not None and item.round not in rounds:
            yield no_round("round", item.round)
        elif cat.rounds and pledge_round(cat.round_list, item) is None:
            message = M_(
                "no round is open on %(date)s (rounds: %(rounds)s)",
                date=item.date,
                rounds=", ".join(_round_dates(r) for r in cat.round_list),
            )
            yield Reference("date", message, message)


def check_references(
    cat: Catalogue, broken: dict[str, set[str]] | None = None
) -> list[ContentError]:
    """Every slug a file names must exist, and every amount be in the call's currency.

    A reference to a file that exists but is invalid (``broken``) is not reported
    again: that file's own errors say what to fix.
    """
    errors: list[ContentError] = []
    broken = broken or {}
    for folder in ("commons", "pledges", "reports"):
        for key, item in getattr(cat, folder).items():
            for ref in item_references(cat, item):
                if ref.folder is None or ref.slug not in broken.get(ref.folder, ()):
                    source = str(cat.sources[(folder, key)])
                    message = ref.detail if ref.folder is None else f"{ref.message} ({ref.detail})"
                    errors.append(ContentError(source, ref.field, message))
    for round_ in cat.round_list:
        source = str(cat.sources[("rounds", round_.slug)])
        if round_.matching and round_.matching.funder not in cat.actors:
            errors.append(
                ContentError(
                    source,
                    "matching.funder",
                    f"no actor '{round_.matching.funder}' (expected content/actors/"
                    f"{round_.matching.funder}.yml)",
                )
            )
        for slug in round_.allowances:
            if slug not in cat.actors and slug not in broken.get("actors", ()):
                errors.append(
                    ContentError(
                        source,
                        f"allowances.{slug}",
                        f"no actor '{slug}' (expected content/actors/{slug}.yml)",
                    )
                )
    return errors


def _round_dates(round_: Round) -> str:
    """A round and its dates, in no language: ``2025 (2025-01-01 – 2025-06-30)``."""
    return f"{round_.slug} ({round_.opens or '…'} – {round_.closes or '…'})"


def check_rounds(
    cat: Catalogue, name: typing.Callable[[Path], str] = display_path
) -> list[ContentError]:
    """Rounds may not overlap in dates: a pledge's date must say which round it is in. One
    call, one currency; the slug ``campaign`` names the round of ``campaign.yml`` only.
    ``name`` names another file in a message (from the site, by the loader)."""
    errors = []
    first = cat.round_list[0] if cat.round_list else None
    for round_ in cat.rounds.values():
        source = str(cat.sources[("rounds", round_.slug)])
        if first is not None and round_.currency != first.currency:
            errors.append(
                ContentError(
                    source,
                    "currency",
                    M_(
                        "%(currency)s differs from %(first)s, the currency of %(file)s: "
                        "one call, one currency",
                        currency=round_.currency,
                        first=first.currency,
                        file=name(cat.sources[("rounds", first.slug)]),
                    ),
                )
            )
        if round_.slug == CAMPAIGN_ROUND:
            errors.append(
                ContentError(
                    source,
                    "slug",
                    M_(
                        "'%(slug)s' names the round of campaign.yml: give this round "
                        "another name (its file name)",
                        slug=CAMPAIGN_ROUND,
                    ),
                )
            )
    for first, second in overlapping(cat.round_list):
        errors.append(
            ContentError(
                str(cat.sources[("rounds", second.slug)]),
                "opens",
                M_(
                    "rounds may not overlap: %(second)s shares days with %(first)s (%(file)s)",
                    second=_round_dates(second),
                    first=_round_dates(first),
                    file=name(cat.sources[("rounds", first.slug)]),
                ),
            )
        )
    return errors
