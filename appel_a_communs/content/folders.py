"""Which files a content folder holds: the files of each kind's folder, and the odd ones
named before anything reads them (a hidden file meant as content, a link leading out of
the content folder or to a folder, a link leading nowhere)."""

from __future__ import annotations

import os
from pathlib import Path

from appel_a_communs.content.errors import ContentError
from appel_a_communs.content.kinds import KINDS, MARKDOWN_SUFFIXES
from appel_a_communs.i18n import M_

EDITOR_FILES = (".#", "._")
"""Hidden names that editors and systems leave beside a file (an Emacs lock, a macOS
resource fork): passed over even with a content suffix."""


def kind_files(folder: Path, suffixes: tuple[str, ...]) -> tuple[list[Path], list[ContentError]]:
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
    Markdown suffix (the kinds' rule, see ``kind_files``). Hidden folders and other hidden
    files are passed over, their names added to ``hidden``: the plugin makes Pelican
    skip them (IGNORE_FILES), and every link named here (``plugin.configure``); but
    ``.well-known`` (``PUBLIC_HIDDEN``) is read as any folder."""
    errors: list[ContentError] = []
    pending = [str(content)]
    while pending:
        folder = pending.pop()
        for entry in _entries(folder, errors):
            if folder == str(content) and entry.name in KINDS:
                continue  # read by kind_files, which names its odd files
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
