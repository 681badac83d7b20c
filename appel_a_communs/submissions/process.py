"""Turn inbox envelopes into content files, or into rejections that say why.

Order of writes, so that a run killed at any moment loses nothing and a re-run ends
where an uninterrupted run would: content files (temporary file, then a hard link that
never overwrites), then the record, then the envelope moved out of the inbox, last.
Whether an envelope may be accepted, and as what, is ``acceptance``'s question.
"""

from __future__ import annotations

import fcntl
import glob
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from appel_a_communs.content.errors import ContentError, ContentErrors
from appel_a_communs.content.kinds import KINDS
from appel_a_communs.content.loader import load_catalogue
from appel_a_communs.content.models import Model
from appel_a_communs.content.reading import build_item, parse_text
from appel_a_communs.content.settings import SiteSettingsError, read_site_settings
from appel_a_communs.i18n import M_, Message
from appel_a_communs.parallel import usable_cpus
from appel_a_communs.submissions.acceptance import (
    FOLDER,
    Acceptance,
    content_text,
    holds,
    key_of,
    shown_name,
    slug_of,
)
from appel_a_communs.submissions.envelope import (
    ENVELOPE_SUFFIXES,
    TEMP_GLOB,
    Envelope,
    bounded_name,
    envelope_json,
    read_envelope,
    temp_target,
    write_atomic,
    write_new,
)
from appel_a_communs.submissions.messages import Outcome, rejection_report


class ToolError(Exception):
    """A failure of the tool itself, not of a submission: the run stops, exit non-zero."""


@contextmanager
def run_lock(root: Path, wait: float) -> Iterator[None]:
    """One processing run at a time; the lock dies with its process (flock)."""
    path = root / "submissions" / ".lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise ToolError(
                        "another run is processing submissions (submissions/.lock); "
                        "try again when it has finished"
                    ) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Processor:
    def __init__(self, root: Path, today: date | None = None) -> None:
        self.root = root
        try:
            settings = read_site_settings(root)
        except SiteSettingsError as exc:
            raise ToolError(str(exc)) from None
        self.max_file_size = settings.max_file_size
        """Bytes an envelope or a content file may hold (CATALOGUE_MAX_FILE_SIZE)."""
        self.language = settings.locale
        """The site's locale: the language of the rejection reports and of the summary."""
        self.content = root / "content"
        self.inbox = root / "submissions" / "inbox"
        self.processed = root / "submissions" / "processed"
        self.rejected = root / "submissions" / "rejected"
        self.today = today or date.today()
        self.notes: list[str] = []
        """For maintainers (the CLI prints them on stderr): odd inbox entries, tool faults."""
        self.left: list[tuple[str, Message]] = []
        """The inbox's entries that are no envelope (``odd_entries``), for the summary."""
        self.taken: dict[str, str] = {}
        """The ids of the envelopes this run processed, each with its envelope's file (named
        from the site): a second envelope bearing one is refused (``_taken_by``)."""
        try:
            self.catalogue = load_catalogue(
                self.content, processes=usable_cpus(), max_file_size=self.max_file_size
            )
        except ContentErrors as exc:
            raise ToolError(f"the current content does not build; fix it first.\n{exc}") from None
        self.acceptance = Acceptance(root, self.catalogue, self.today, self.language)
        """The rules an envelope meets to be accepted, told of each file this run adds."""

    def envelopes(self) -> list[Path]:
        """The inbox's envelopes in name order: its files named ``*.json``, ``*.yml`` or
        ``*.yaml``, in any case (``odd_entries`` names the rest)."""
        if not self.inbox.is_dir():
            return []
        return sorted(p for p in self.inbox.iterdir() if _odd_entry(p) is None)

    def odd_entries(self) -> list[tuple[str, Message]]:
        """What the inbox holds besides envelopes, each named as the site root sees it, with
        what to do: never skipped silently (``.gitkeep`` aside, which keeps the folder in
        git)."""
        if not self.inbox.is_dir():
            return []
        return [
            (self._named(p), why)
            for p in sorted(self.inbox.iterdir())
            if (why := _odd_entry(p)) is not None and p.name != ".gitkeep"
        ]

    def run(self, dry_run: bool = False) -> list[Outcome]:
        """Process the inbox; the caller holds the run lock (``run_lock``) unless dry.
        ``left`` then holds what the inbox holds besides envelopes, and ``notes`` says it,
        for maintainers, with which envelope met a fault of the tool."""
        if not dry_run:
            self.remove_temporaries()
        self.left = self.odd_entries()
        self.notes = [f"{name}: not processed: {why}" for name, why in self.left]
        return [self.process(path, dry_run) for path in self.envelopes()]

    def remove_temporaries(self) -> None:
        """Temporary files of a killed run: under the lock nobody else is writing them."""
        for folder in (self.content, self.root / "submissions"):
            for temp in folder.rglob(TEMP_GLOB):
                if temp_target(temp.name) is not None:
                    temp.unlink(missing_ok=True)

    # --- one envelope ---------------------------------------------------------------

    def process(self, path: Path, dry_run: bool = False) -> Outcome:
        """One envelope, processed wholly or rejected wholly whatever goes wrong. An
        unexpected error (a file that cannot be written, a bug, an input too large or too
        deeply nested for the tool) takes back the files this run wrote for the envelope
        and rejects it with a report saying so, and the run goes on to the next envelope.
        If even that fails, the envelope stays in the inbox as it was (status ``failed``)."""
        outcome = Outcome(path.stem, "?", "rejected", inbox=self._named(path))
        writes = _Writes()
        try:
            self._process(path, dry_run, outcome, writes)
            return outcome
        except Exception as exc:  # one envelope never stops the others
            return self._settle_fault(path, self._fault(exc), dry_run, outcome, writes)

    def _settle_fault(
        self, path: Path, fault: str, dry_run: bool, outcome: Outcome, writes: _Writes
    ) -> Outcome:
        """After an unexpected error (``fault``, in words): the files written for the
        envelope taken back (``writes``) and the envelope rejected with a report saying so;
        if either cannot be done, it stays in the inbox (``failed``)."""
        if writes.moved:  # settled already; only the catalogue kept in memory may lack it
            self.notes.append(f"{shown_name(path.name)}: {fault} after it was moved")
            return outcome
        where = outcome.inbox
        if not self._undo(writes):
            outcome.status, outcome.fault = "failed", fault
            self.notes.append(
                f"{where}: {fault}, and the files written for it could not all be removed; "
                "it stays in the inbox: fix the cause and run process again"
            )
            return outcome
        outcome.status, outcome.files, outcome.warnings = "rejected", [], []
        problem = M_(
            "could not be processed: %(fault)s. Nothing of this submission was kept. This is "
            "a fault of the tool, or a submission too large or too deeply nested for it. "
            "Maintainers: fix the cause, then move submissions/rejected/%(file)s back to "
            "submissions/inbox/ and run process again",
            fault=fault,
            file=path.name,
        )
        outcome.errors = [*outcome.errors, ContentError(outcome.id, None, problem)]
        if dry_run:
            self.notes.append(f"{where}: {fault}; it would be rejected")
            return outcome
        writes = _Writes()
        try:
            report = self._reject(path, outcome, writes)
        except Exception as exc:  # the report cannot be written either: leave the envelope
            self._undo(writes)
            outcome.status, outcome.errors = "failed", []
            outcome.fault = f"{fault}; and it could not be rejected ({self._fault(exc)})"
            self.notes.append(
                f"{where}: {outcome.fault}: it stays in the inbox: fix the cause and run "
                "process again"
            )
            return outcome
        self.notes.append(f"{where}: {fault}; rejected, see {self._named(report)}")
        return outcome

    def _process(self, path: Path, dry_run: bool, outcome: Outcome, writes: _Writes) -> None:
        """``process`` as long as nothing unexpected happens: ``outcome`` says what became of
        the envelope, ``writes`` what was written for it."""
        raw, envelope, errors = read_envelope(path, self.max_file_size)
        ident = envelope.id if envelope else str((raw or {}).get("id") or path.stem)
        kind = envelope.type if envelope else str((raw or {}).get("type") or "?")
        outcome.id, outcome.type = ident, kind
        outcome.errors = [_rename(e, ident) for e in errors]
        if envelope is not None and envelope.type == "withdraw":
            try:
                self._withdraw(path, envelope, dry_run, outcome, writes)
                return
            except ContentErrors as exc:
                outcome.errors = list(exc.errors)
        elif envelope is not None:
            try:
                item, target, warnings = self.check(envelope)
                outcome.warnings = warnings
                text = content_text(item, KINDS[target.parent.name].markdown)
                self._round_trip(target, text, envelope.id)
                relative = target.relative_to(self.root).as_posix()
                self._taken_by(envelope.id, path, relative)
                if target.exists():
                    if target.read_text(encoding="utf-8") != text:
                        raise ContentErrors(
                            [
                                ContentError(
                                    envelope.id,
                                    key_of(item),
                                    M_(
                                        "'%(slug)s' is taken: %(file)s exists",
                                        slug=slug_of(item),
                                        file=relative,
                                    ),
                                )
                            ]
                        )
                    outcome.status = "unchanged"
                else:
                    outcome.status = "added"
                outcome.files = [relative]
                where = outcome.inbox
                if not dry_run:
                    self._accept(path, envelope, item, target, text, outcome, writes)
                    where = self._named(self.processed / path.name)
                self.taken[envelope.id] = where
                return
            except ContentErrors as exc:
                outcome.errors = list(exc.errors)
        if not dry_run:
            self._reject(path, outcome, writes)

    def _withdraw(
        self, path: Path, envelope: Envelope, dry_run: bool, outcome: Outcome, writes: _Writes
    ) -> None:
        """A withdrawal: the pledge's file edited in place (``Acceptance.withdrawal``), its
        text before kept to put back if the run cannot settle the envelope."""
        done = self.acceptance.withdrawal(envelope)
        outcome.warnings, outcome.changes = done.warnings, done.changes
        relative = done.target.relative_to(self.root.resolve()).as_posix()
        self._taken_by(envelope.id, path, relative)
        outcome.status = "unchanged" if done.unchanged else "added"
        outcome.files = [relative]
        where = outcome.inbox
        if not dry_run:
            if not done.unchanged:
                write_atomic(done.target, done.text)
                writes.restore.append((done.target, done.text, done.before))
            self._settle(path, envelope, outcome, writes)
            self.acceptance.withdrawn(done.pledge)
            where = self._named(self.processed / path.name)
        self.taken[envelope.id] = where

    def _taken_by(self, ident: str, path: Path, relative: str) -> None:
        """Refuse an envelope whose id another envelope has taken: one processed by this
        run, or one whose record (``record_path``) names another envelope file. Two
        envelopes never share an id (a record, a pledge file is named by it); the same
        envelope processed again (an interrupted run, an envelope put back in the inbox)
        is its own id's owner. A record written before records named their envelope is
        this envelope's if it lists the same file (``relative``)."""
        other = self.taken.get(ident)
        if other is None:
            try:
                record = json.loads(self.record_path(ident).read_text(encoding="utf-8"))
            except (OSError, ValueError):  # no record (or none readable): the id is free
                return
            if not isinstance(record, dict):
                return
            name = record.get("envelope")
            if name == path.name or (name is None and record.get("files") == [relative]):
                return
            processed = self.processed / name if isinstance(name, str) else None
            other = self._named(processed or self.record_path(ident))
        raise ContentErrors(
            [
                ContentError(
                    ident,
                    "id",
                    M_(
                        "'%(id)s' is the id of another submission, %(file)s: two submissions "
                        "never share an id; give this one another id and submit it again",
                        id=ident,
                        file=other,
                    ),
                )
            ]
        )

    def check(self, envelope: Envelope) -> tuple[Model, Path, list[str]]:
        """The content item an envelope implies, where it goes, and what to look at twice
        (``Acceptance.check``), or ``ContentErrors``: nothing written."""
        return self.acceptance.check(envelope)

    def _named(self, path: Path | str | None) -> str:
        """A file named as the site root sees it (``Acceptance.named``)."""
        return self.acceptance.named(path)

    def _round_trip(self, target: Path, text: str, ident: str) -> None:
        """The written file must load back into the same content: check before writing."""
        kind = KINDS[target.parent.name]
        doc, body = parse_text(target, text, kind.markdown)
        build_item(kind, target, doc, body)

    # --- writing --------------------------------------------------------------------

    def record_path(self, ident: str) -> Path:
        """``submissions/processed/<id>.record.json``, the name cut to fit (``bounded_name``)."""
        return self.processed / bounded_name(ident, ".record.json")

    def report_path(self, envelope: Path) -> Path:
        """``submissions/rejected/<stem>.report.md``, the name cut to fit (``bounded_name``:
        an inbox file's name may already be 255 bytes long). When ``rejected/`` holds
        another envelope of the same stem (``x.json`` and ``x.yml``), whose report that
        name may be, ``<name>.report.md`` (the full file name): one report never replaces
        another's."""
        stem, name = envelope.stem, envelope.name
        same_stem = self.rejected.glob(glob.escape(stem) + ".*") if self.rejected.is_dir() else ()
        if any(
            p.stem == stem and p.name != name and p.suffix.lower() in ENVELOPE_SUFFIXES
            for p in same_stem
        ):
            stem = name
        return self.rejected / bounded_name(stem, ".report.md")

    def _accept(
        self,
        path: Path,
        envelope: Envelope,
        item: Model,
        target: Path,
        text: str,
        outcome: Outcome,
        writes: _Writes,
    ) -> None:
        if write_new(target, text):  # else an interrupted run wrote it: not this run's
            writes.files.append((target, text))
        self._settle(path, envelope, outcome, writes)
        self.acceptance.add(FOLDER[envelope.type], item, target)

    def _settle(self, path: Path, envelope: Envelope, outcome: Outcome, writes: _Writes) -> None:
        """Once its content is written: the envelope's record, then the envelope moved to
        ``processed/``."""
        record = {
            "id": envelope.id,
            "type": envelope.type,
            "envelope": path.name,
            "files": outcome.files,
            "warnings": outcome.warnings,
        }
        record_path, record_text = self.record_path(envelope.id), envelope_json(record)
        if not holds(record_path, record_text):
            write_atomic(record_path, record_text)
            writes.files.append((record_path, record_text))
        self._move(path, self.processed)
        writes.moved = True

    def _reject(self, path: Path, outcome: Outcome, writes: _Writes) -> Path:
        """The report written, then the envelope moved to ``rejected/``: the report's path."""
        report, text = self.report_path(path), rejection_report(outcome, self.language)
        write_atomic(report, text)
        writes.files.append((report, text))
        self._move(path, self.rejected)
        writes.moved = True
        return report

    def _undo(self, writes: _Writes) -> bool:
        """Remove what this run wrote for an envelope, each file only if it still holds
        exactly what was written; False if one could not be removed."""
        done = True
        for path, text in reversed(writes.files):
            try:
                if holds(path, text):
                    path.unlink()
            except OSError:
                done = False
        for path, text, before in reversed(writes.restore):  # an edited file: put it back
            try:
                if holds(path, text):
                    write_atomic(path, before)
            except OSError:
                done = False
        writes.files.clear()
        writes.restore.clear()
        return done

    def _fault(self, exc: BaseException) -> str:
        """An unexpected error in words a maintainer can act on: its kind, what it says and
        the file it names relative to the site (reports are posted publicly: the paths of
        the machine that ran ``process`` mean nothing there), never a traceback."""
        if isinstance(exc, OSError):
            what = exc.strerror or str(exc)
            if exc.filename is not None:
                name = Path(os.fsdecode(exc.filename))
                target = temp_target(name.name)  # the file being written, not its temp
                name = name.with_name(target) if target else name
                what += f" ({self._named(name)})"
        else:
            what = str(exc)
        for root in {str(self.root.resolve()), str(self.root.absolute())} - {"/"}:
            what = what.replace(root + os.sep, "").replace(root, ".")
        what = " ".join(what.split())
        what = what if len(what) <= 300 else what[:299] + "…"
        return f"{type(exc).__name__}: {what}" if what else type(exc).__name__

    def _move(self, path: Path, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        path.replace(folder / path.name)
        try:
            fd = os.open(folder, os.O_RDONLY)
            os.fsync(fd)
            os.close(fd)
        except OSError:
            pass


@dataclass
class _Writes:
    """What ``process`` wrote for one envelope, to take back if it cannot be settled."""

    files: list[tuple[Path, str]] = field(default_factory=list)
    restore: list[tuple[Path, str, str]] = field(default_factory=list)
    """Files edited in place (a withdrawal): (path, text written, text before)."""
    moved: bool = False
    """The envelope has left the inbox: it is settled, nothing is taken back."""


def _odd_entry(path: Path) -> Message | None:
    """Why an inbox entry is not an envelope, and what to do; None for an envelope. An
    envelope is a regular file (not a link) named ``*.json``, ``*.yml`` or ``*.yaml`` in
    any case; a name starting with a dot is a writer's temporary or hidden file."""
    if path.name.startswith("."):
        return M_(
            "a name starting with a dot is a temporary or hidden file; if it is an "
            "envelope, rename it without the leading dot, else remove it"
        )
    if path.is_symlink():
        return M_("a symbolic link; put the envelope file itself in the inbox")
    if path.is_dir():
        return M_("a folder; move the envelopes it holds into submissions/inbox/, then remove it")
    if not path.is_file():
        return M_("not a regular file; remove it")
    if path.suffix.lower() not in ENVELOPE_SUFFIXES:
        return M_(
            "an envelope's name ends in .json, .yml or .yaml; rename it if it is one, "
            "else remove it"
        )
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        return M_("its name is not UTF-8 text; rename it")
    return None


def _rename(error: ContentError, ident: str) -> ContentError:
    return ContentError(ident, error.field, error.message)
