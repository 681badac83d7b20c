"""Whether an envelope may be accepted, and as what: the content item it implies, the
file it goes to and what a maintainer should look at twice, or every reason it may not
(``ContentErrors``). It asks the catalogue as the current content holds it and writes
nothing: ``process`` runs these rules, then writes crash-safely what they accept.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from appel_a_communs.content.catalogue import Catalogue
from appel_a_communs.content.checks import item_references
from appel_a_communs.content.errors import ContentError, ContentErrors, display_path
from appel_a_communs.content.kinds import KINDS
from appel_a_communs.content.models import Actor, Model, Pledge, Report, Round, Withdrawal
from appel_a_communs.content.reading import build_item, parse_text
from appel_a_communs.content.rounds import (
    is_campaign,
    open_or_next_round,
    pledge_round,
    round_state,
)
from appel_a_communs.content.strict_yaml import format_path
from appel_a_communs.content.types import same_login, slugify
from appel_a_communs.content.validation import validation_errors
from appel_a_communs.funding.engine import compute_funding
from appel_a_communs.funding.followup import check_reports, suggested_round
from appel_a_communs.funding.rounds import CallFunding, compute_rounds, round_catalogue
from appel_a_communs.funding.rules import check_round_rules
from appel_a_communs.i18n import DEFAULT_LOCALE, M_, Message
from appel_a_communs.submissions.envelope import Envelope
from appel_a_communs.submissions.issue_body import UNREADABLE, unreadable_problem
from appel_a_communs.submissions.text import fold, normalise, text_problem, walk
from appel_a_communs.vocabulary.forms import FORMS, MARKDOWN_PATHS, field_for_path
from appel_a_communs.vocabulary.labels import label

FOLDER = {
    "register-actor": "actors",
    "propose-challenge": "challenges",
    "propose-common": "commons",
    "join": "pledges",
    "pledge": "pledges",
    "report": "reports",
    "withdraw": "pledges",
}
SLUG_TRIES = 100
"""How many identifiers a report's title may yield (its slug, then slug-2, slug-3…)."""


def _plain(value: Any) -> Any:
    """Model data as YAML can write it: Decimal as text, everything else as it is."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def content_text(item: Model, markdown: bool) -> str:
    """The file a maintainer reviews, written by a YAML emitter, never by concatenation."""
    data = _plain(
        item.model_dump(mode="python", exclude_unset=True, exclude={"slug", "id", "body"})
    )
    front = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    if not markdown:
        return front
    body = getattr(item, "body", "") or ""
    return f"---\n{front}---\n{body.strip()}\n" if body.strip() else f"---\n{front}---\n"


@dataclass(frozen=True)
class Withdrawn:
    """A withdrawal accepted (``Acceptance.withdrawal``): the pledge as its file will hold
    it, that file, the text it holds and the text to write in its place, what to look at
    twice, and what the withdrawal changes (for the summary)."""

    pledge: Pledge
    target: Path
    before: str
    text: str
    warnings: list[str]
    changes: list[Message]

    @property
    def unchanged(self) -> bool:
        """An interrupted run wrote it already: the file holds the text to write."""
        return self.before == self.text


def withdrawal_line(day: date, ident: str) -> str:
    """The line a withdrawal adds at the end of a pledge's file: the day, and the
    submission that asked it (a YAML comment: the file's history says who, this says
    which envelope, so that a run interrupted after writing it ends as the first would)."""
    return f"withdrawn: {day.isoformat()}  # {ident}\n"


class Acceptance:
    """The rules an envelope meets to be accepted, asked of one catalogue: the current
    content, with what this run accepted added (``add``) as it goes."""

    def __init__(
        self, root: Path, catalogue: Catalogue, today: date, locale: str = DEFAULT_LOCALE
    ) -> None:
        self.root = root
        self.locale = locale
        """The site's locale: the words of a common's status in a withdrawal's summary."""
        self.content = root / "content"
        self.catalogue = catalogue
        self.today = today
        self.pledges_of_common: dict[str, list[Pledge]] = defaultdict(list)
        self.pledges_of_actor: dict[str, list[Pledge]] = defaultdict(list)
        for pledge in self.catalogue.pledges.values():
            self._index(pledge)
        self.folded: dict[str, dict[str, str]] = {
            "actors": {fold(a.name): s for s, a in self.catalogue.actors.items()},
            "commons": {fold(c.title): s for s, c in self.catalogue.commons.items()},
            "challenges": {fold(c.title): s for s, c in self.catalogue.challenges.items()},
        }

    def _index(self, pledge: Pledge) -> None:
        self.pledges_of_common[pledge.common].append(pledge)
        self.pledges_of_actor[pledge.actor].append(pledge)

    def add(self, folder: str, item: Model, target: Path) -> None:
        """An accepted item, written to ``target``: the envelopes that follow are checked
        against it (its slug taken, its pledges counted in their round's rules)."""
        getattr(self.catalogue, folder)[slug_of(item)] = item
        self.catalogue.sources[(folder, slug_of(item))] = target
        if isinstance(item, Pledge):
            self._index(item)
        elif folder in self.folded:
            name = item.name if isinstance(item, Actor) else item.title  # type: ignore[union-attr]
            self.folded[folder].setdefault(fold(name), slug_of(item))

    def check(self, envelope: Envelope) -> tuple[Model, Path, list[str]]:
        """The content item an envelope implies, where it goes, and what to look at twice."""
        if UNREADABLE in envelope.data:  # fetch could not read the issue: say why, and only that
            field_id, problem = unreadable_problem(envelope.data[UNREADABLE])
            raise ContentErrors([ContentError(envelope.id, field_id, problem)])
        errors = [
            ContentError(envelope.id, format_path(p), problem)
            for p, value in walk(envelope.data)
            if (problem := text_problem(value))
        ]
        # a text refused for its characters is refused once: what else is wrong comes next
        refused_texts = {error.field for error in errors}
        data = normalise(dict(envelope.data), MARKDOWN_PATHS)
        kind = envelope.type
        model, _ = FORMS[kind]
        folder = FOLDER[kind]

        def refuse(key: str, why: Message) -> None:
            errors.append(ContentError(envelope.id, key, why))

        if kind in ("join", "pledge"):
            for key in ("id", "source"):
                if key in data:
                    refuse(key, M_("is set by the submission processor"))
            data["id"] = envelope.id
            data.setdefault("date", envelope.submitted_at.date())
            data["source"] = {"kind": envelope.source, "ref": envelope.ref}
            given = [k for k in ("money", "skills", "means") if data.get(k)]
            if kind == "join" and given:
                refuse(given[0], M_("a join brings no money, skills or means: use the pledge form"))
            if kind == "pledge" and not given:
                refuse(
                    "money",
                    M_("a pledge brings money, skills or means (to join only, use the join form)"),
                )
        elif kind == "report":
            if "slug" in data:
                refuse("slug", M_("is set by the submission processor"))
            # a stand-in: the slug comes from the valid report (``_report_target``)
            data["slug"] = "report"
            data.setdefault("date", envelope.submitted_at.date())
        else:
            name = data.get("name") if kind == "register-actor" else data.get("title")
            data.setdefault("slug", slugify(name) if isinstance(name, str) else "")
        if kind == "propose-common":
            if data.get("stage", "proposed") != "proposed":
                refuse("stage", M_("is set by maintainers: a proposal is 'proposed'"))
            data["stage"] = "proposed"
        if kind == "propose-challenge" and data.get("status", "open") != "open":
            refuse("status", M_("is set by maintainers: a proposed challenge is 'open'"))

        try:
            item = model.model_validate(data)
        except ValidationError as exc:
            for error in validation_errors(envelope.id, exc, model, None):
                if error.field in refused_texts:
                    continue
                form_field = field_for_path(
                    kind, tuple(error.field.split(".")) if error.field else ()
                )
                where = (
                    M_("%(key)s (form field %(field)s)", key=error.field, field=form_field)
                    if form_field and form_field != error.field
                    else error.field
                )
                errors.append(ContentError(envelope.id, where, error.message))
            raise ContentErrors(errors) from None
        if errors:
            raise ContentErrors(errors)
        if isinstance(item, Report):
            return self._report(envelope, item)

        slug = slug_of(item)
        target = (self.content / folder / f"{slug}{KINDS[folder].suffix}").resolve()
        if self.content.resolve() not in target.parents:
            raise ContentErrors([ContentError(envelope.id, key_of(item), M_("escapes content/"))])
        existing = getattr(self.catalogue, folder).get(slug)
        source = self.catalogue.source_of(folder, slug)
        if existing is not None and source is not None and source.resolve() != target:
            raise ContentErrors(
                [
                    ContentError(
                        envelope.id,
                        key_of(item),
                        M_(
                            "'%(slug)s' is taken by %(file)s",
                            slug=slug,
                            file=self.named(source),
                        ),
                    )
                ]
            )
        errors = list(self._references(envelope.id, item))
        warnings = self._near_duplicates(folder, item)
        if isinstance(item, Pledge) and not errors:
            item, refusals = self._in_round(envelope, item, new=existing is None)
            errors.extend(refusals)
        if isinstance(item, Pledge) and not errors:
            refusals, unverified = self._who_commits(envelope, item)
            errors.extend(refusals)
            warnings.extend(unverified)
        if isinstance(item, Pledge) and not errors and existing is None:
            errors.extend(self._round_rules(item, target))
        if errors:
            raise ContentErrors(errors)
        return item, target, warnings

    # --- withdrawals ----------------------------------------------------------------

    def withdrawal(self, envelope: Envelope) -> Withdrawn:
        """A ``withdraw`` envelope: the pledge it names with the submission's day written
        as ``withdrawn``, in a minimal edit of its file (one line added at its end, the
        rest kept byte for byte; rewritten by the YAML emitter only if that edit would not
        read back), or every reason it may not: the pledge is unknown, the author is not
        one of its actor's members, it is withdrawn already or paid, or its round had
        closed on the day it was submitted."""
        errors = [
            ContentError(envelope.id, format_path(p), problem)
            for p, value in walk(envelope.data)
            if (problem := text_problem(value))
        ]
        if errors:
            raise ContentErrors(errors)
        try:
            asked = Withdrawal.model_validate(normalise(dict(envelope.data), MARKDOWN_PATHS))
        except ValidationError as exc:
            raise ContentErrors(validation_errors(envelope.id, exc, Withdrawal, None)) from None
        cat, ident = self.catalogue, asked.pledge
        pledge = cat.pledges.get(ident)
        source = cat.source_of("pledges", ident)
        if pledge is None or source is None:
            raise ContentErrors(
                [
                    ContentError(
                        envelope.id,
                        "pledge",
                        M_("no pledge '%(pledge)s' in content/pledges/", pledge=ident),
                    )
                ]
            )
        file = self.named(source)
        day = envelope.submitted_at.date()
        line = withdrawal_line(day, envelope.id)
        try:
            before = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:  # strerror: str(exc) names the path
            reason = (exc.strerror or type(exc).__name__) if isinstance(exc, OSError) else str(exc)
            raise ContentErrors(
                [
                    ContentError(
                        envelope.id, "pledge", M_("cannot be read: %(reason)s", reason=reason)
                    )
                ]
            ) from None
        again = pledge.withdrawn == day and before.endswith(line)  # an interrupted run's
        refuse: list[ContentError] = []

        def why(message: Message) -> None:
            refuse.append(ContentError(envelope.id, "pledge", message))

        if pledge.withdrawn is not None and not again:
            why(
                M_(
                    "'%(pledge)s' was withdrawn already, on %(date)s (%(file)s)",
                    pledge=ident,
                    date=pledge.withdrawn,
                    file=file,
                )
            )
        if pledge.money is not None and pledge.money.status == "paid":
            why(
                M_(
                    "'%(pledge)s' is paid (money.status in %(file)s): a paid pledge cannot be "
                    "withdrawn",
                    pledge=ident,
                    file=file,
                )
            )
        found = pledge_round(cat.round_list, pledge)
        if found is not None and round_state(found, min(self.today, day)) == "closed":
            why(
                M_(
                    "'%(pledge)s' is in round '%(round)s', which closed on %(closes)s: a "
                    "pledge is withdrawn before its round closes",
                    pledge=ident,
                    round=found.slug,
                    closes=found.closes,
                )
            )
        if day < pledge.date:
            why(
                M_(
                    "'%(pledge)s' is dated %(date)s, after this submission (%(day)s)",
                    pledge=ident,
                    date=pledge.date,
                    day=day,
                )
            )
        refusals, warnings = self._who_commits(envelope, pledge)
        refuse += [ContentError(e.path, "pledge", e.message) for e in refusals]
        standing = pledge.model_copy(update={"withdrawn": None})
        updated = pledge.model_copy(update={"withdrawn": day})
        if not refuse and not again:
            # the money its common's reports spent must stay secured without it (the
            # current content builds: whatever the follow-up rule says now is the withdrawal's)
            relevant, call = self._report_call(pledge.common, updated)
            refuse += [
                ContentError(
                    envelope.id,
                    "pledge",
                    M_("without '%(pledge)s', %(problem)s", pledge=ident, problem=e.message),
                )
                for e in check_reports(relevant, call, self.named)
            ]
        if refuse:
            raise ContentErrors(refuse)
        text = before if again else self._withdrawn_text(source, before, line, standing, updated)
        changes = self._withdrawal_changes(standing, updated)
        if asked.note:
            changes.append(M_("the reason given: %(note)s", note=asked.note))
        return Withdrawn(updated, source.resolve(), before, text, warnings, changes)

    def _withdrawn_text(
        self, source: Path, before: str, line: str, standing: Pledge, updated: Pledge
    ) -> str:
        """The pledge's file with ``line`` added at its end, if it reads back as the pledge
        withdrawn; else the pledge as the YAML emitter writes it, with that line."""
        kind = KINDS["pledges"]
        edited = (before if before.endswith("\n") or not before else before + "\n") + line
        for text in (edited, content_text(standing, markdown=False) + line):
            try:
                doc, body = parse_text(source, text, kind.markdown)
                if build_item(kind, source, doc, body) == updated:
                    return text
            except (ContentErrors, ValueError):
                continue
        raise ContentErrors(
            [
                ContentError(
                    str(source),
                    "withdrawn",
                    M_("the withdrawal cannot be written into this file: write it by hand"),
                )
            ]
        )

    def _withdrawal_changes(self, standing: Pledge, updated: Pledge) -> list[Message]:
        """What the withdrawal changes in the pledge's round: the conditional pledges of its
        common that stop counting, and the common's status, on the processor's day."""
        cat, slug = self.catalogue, standing.common
        others = {p.id: p for p in self.pledges_of_common[slug] if p.id != standing.id}
        today = max(self.today, updated.withdrawn or self.today)
        round_ = pledge_round(cat.round_list, standing)

        def result(pledge: Pledge):
            relevant = Catalogue(
                challenges={}, commons={slug: cat.commons[slug]}, actors=cat.actors,
                pledges={**others, pledge.id: pledge}, campaign=cat.campaign, rounds=cat.rounds,
            )  # fmt: skip
            if round_ is not None:
                relevant = round_catalogue(relevant, round_, [slug], today)
                relevant = replace(relevant, campaign=round_.model_copy(update={"matching": None}))
            return compute_funding(relevant, today).commons[slug]

        before, after = result(standing), result(updated)
        changes = [
            M_(
                "from %(date)s, '%(pledge)s' counts nowhere",
                date=updated.withdrawn,
                pledge=standing.id,
            )
        ]
        for ident in sorted(before.counted - after.counted - {standing.id}):
            changes.append(
                M_(
                    "'%(pledge)s', conditional, stops counting: its condition no longer holds",
                    pledge=ident,
                )
            )

        def status(result) -> str:  # the status as the common's page words it
            return label(result.shown_status, "status", self.locale)

        if before.status != after.status:
            changes.append(
                M_(
                    "the status of '%(common)s' goes from %(before)s to %(after)s",
                    common=slug,
                    before=status(before),
                    after=status(after),
                )
            )
        else:
            changes.append(
                M_("the status of '%(common)s' stays %(status)s", common=slug, status=status(after))
            )
        return changes

    def withdrawn(self, pledge: Pledge) -> None:
        """A withdrawal written: the envelopes that follow see the pledge withdrawn."""
        self.catalogue.pledges[pledge.id] = pledge
        for index in (self.pledges_of_common[pledge.common], self.pledges_of_actor[pledge.actor]):
            index[:] = [pledge if p.id == pledge.id else p for p in index]

    def _who_commits(
        self, envelope: Envelope, pledge: Pledge
    ) -> tuple[list[ContentError], list[str]]:
        """SPEC, "Who may commit an actor": refused when the known author is not one of the
        actor's members; flagged when nothing says the author may speak for the actor.
        The login itself appears in neither (reports and summaries are public)."""
        actor = self.catalogue.actors[pledge.actor]
        login = envelope.login
        if actor.members and login is not None:
            if any(same_login(login, member) for member in actor.members):
                return [], []
            where = self.named(self.catalogue.source_of("actors", pledge.actor))
            return [
                ContentError(
                    envelope.id,
                    "actor",
                    M_(
                        "only the members listed in %(file)s may commit '%(actor)s', "
                        "and the author of this submission is not one of them",
                        file=where,
                        actor=pledge.actor,
                    ),
                )
            ], []
        if actor.members:
            why = M_(
                "'%(actor)s' lists members, but the author of this submission is unknown",
                actor=pledge.actor,
            )
        else:
            why = M_(
                "'%(actor)s' lists no members, so anyone may submit in its name",
                actor=pledge.actor,
            )
        return [], [M_("not verified: %(why)s", why=why)]

    # --- reports --------------------------------------------------------------------

    def _report(self, envelope: Envelope, report: Report) -> tuple[Model, Path, list[str]]:
        """A report, its round written in, where it goes, and what to look at twice; or
        why not: what it names that the call lacks, who may publish it, and the follow-up
        rule (``funding.followup.check_reports``), checked with the report added."""
        errors = list(self._references(envelope.id, report))
        if errors:
            raise ContentErrors(errors)
        errors, warnings = self._who_reports(envelope, report)
        relevant, call = self._report_call(report.common)
        found = suggested_round(call, report)
        # Written in, as a pledge's is (not the one round of campaign.yml): the report
        # stays in that round when the rounds' dates are edited later.
        if (
            report.round is None
            and found is not None
            and found.round is not None
            and not is_campaign(relevant.round_list)
        ):
            report = report.model_copy(update={"round": found.slug})
        report, target = self._report_target(envelope, report)
        relevant.reports[report.slug] = report
        relevant.sources[("reports", report.slug)] = target
        errors += [
            ContentError(envelope.id, e.field, e.message)
            for e in check_reports(relevant, call, self.named)
            if _about(e, report, target, self.named(target))
        ]
        if errors:
            raise ContentErrors(errors)
        return report, target, warnings

    def _report_call(
        self, slug: str, instead: Pledge | None = None
    ) -> tuple[Catalogue, CallFunding]:
        """The call as the follow-up rule sees one common: its pledges (one of them replaced
        by ``instead``, a pledge withdrawn), its reports, every round (a common's funding
        depends on its own pledges only). A new catalogue each time: a loaded one caches
        indexes that the items ``process`` adds would not be in."""
        cat = self.catalogue
        pledges = {p.id: p for p in self.pledges_of_common[slug]}
        if instead is not None:
            pledges[instead.id] = instead
        reports = {key: r for key, r in cat.reports.items() if r.common == slug}
        keys = [("commons", slug)] + [("reports", key) for key in reports]
        keys += [("pledges", ident) for ident in pledges]
        keys += [("rounds", r.slug) for r in cat.round_list]
        relevant = Catalogue(
            challenges=cat.challenges,
            commons={slug: cat.commons[slug]},
            actors=cat.actors,
            pledges=pledges,
            campaign=cat.campaign,
            sources={key: cat.sources[key] for key in keys if key in cat.sources},
            rounds=cat.rounds,
            reports=reports,
        )
        return relevant, compute_rounds(relevant, self.today)

    def _report_target(self, envelope: Envelope, report: Report) -> tuple[Report, Path]:
        """The report with its slug, from its common, day and title: the first of slug,
        slug-2, slug-3… that no file holds, or whose file holds this very report (an
        interrupted run wrote it: the run then ends as the first would have)."""
        text = content_text(report, markdown=True)
        base = slugify(f"{report.common} {report.date.isoformat()} {report.title}")
        folder = self.content / "reports"
        for n in range(1, SLUG_TRIES + 1):
            slug = base if n == 1 else f"{base[:56].rstrip('-')}-{n}"
            target = (folder / f"{slug}{KINDS['reports'].suffix}").resolve()
            source = self.catalogue.source_of("reports", slug)
            elsewhere = source is not None and source.resolve() != target
            if elsewhere or (slug in self.catalogue.reports and source is None):
                continue
            if not target.exists() or holds(target, text):
                return report.model_copy(update={"slug": slug}), target
        raise ContentErrors(
            [
                ContentError(
                    envelope.id,
                    "title",
                    M_(
                        "%(count)s reports of '%(common)s' already bear this title on this "
                        "day: give it another title",
                        count=SLUG_TRIES,
                        common=report.common,
                    ),
                )
            ]
        )

    def _who_reports(
        self, envelope: Envelope, report: Report
    ) -> tuple[list[ContentError], list[str]]:
        """A report speaks for its common: when an actor proposing it lists ``members``,
        only they may publish it, so a known author who is not one of them is refused, and
        so is an unknown one (a form says nothing of who sent it). When none lists
        members, the summary flags it. The login appears in neither (they are public)."""
        cat = self.catalogue
        proposers = [s for s in cat.commons[report.common].proposed_by if s in cat.actors]
        listing = [s for s in proposers if cat.actors[s].members]
        if not listing:
            why = M_(
                "the actors proposing '%(common)s' list no members, so anyone may publish "
                "its reports",
                common=report.common,
            )
            return [], [M_("not verified: %(why)s", why=why)]
        login = envelope.login
        members = [m for s in listing for m in cat.actors[s].members]
        if login is not None and any(same_login(login, member) for member in members):
            return [], []
        files = ", ".join(self.named(cat.source_of("actors", s)) for s in listing)
        if login is None:
            why = M_(
                "only the members listed in %(files)s may publish a report of '%(common)s', "
                "and the author of this submission is unknown: send it through the GitHub "
                "issue form",
                files=files,
                common=report.common,
            )
        else:
            why = M_(
                "only the members listed in %(files)s may publish a report of '%(common)s', "
                "and the author of this submission is not one of them",
                files=files,
                common=report.common,
            )
        return [ContentError(envelope.id, "common", why)], []

    def named(self, path: Path | str | None) -> str:
        """A file named as the site root sees it (``display_path``), its bytes that are not
        UTF-8 shown escaped: reports travel to issue comments, where the paths of the
        machine that ran ``process`` mean nothing (and say too much), so a file outside the
        site is named by its name alone."""
        if path is None:
            return "?"
        shown = display_path(path, site=self.root)
        return shown_name(Path(path).name if Path(shown).is_absolute() else shown)

    def _references(self, ident: str, item: Model) -> Iterator[ContentError]:
        rounds = self.catalogue.round_list if self.catalogue.rounds else []
        for ref in item_references(self.catalogue, item):
            message = ref.message
            if ref.folder == "actors" and ref.field == "actor":
                message = M_("%(problem)s: register it first", problem=ref.message)
            elif rounds and ref.folder == "rounds" and ref.field == "round":
                message = M_(
                    "%(problem)s (rounds: %(rounds)s)",
                    problem=ref.message,
                    rounds=", ".join(r.slug for r in rounds),
                )
            elif rounds and isinstance(item, Pledge) and ref.field == "date":
                # in no round: say where pledges go now
                message = M_("%(problem)s; %(hint)s", problem=ref.message, hint=self._next_round())
            yield ContentError(ident, ref.field, message)

    def _next_round(self) -> Message:
        """Where a pledge goes on the processor's today: the open round, else the next one."""
        found = open_or_next_round(self.catalogue.round_list, self.today)
        if found is None:
            return M_("no round is open now, and none is announced")
        if round_state(found, self.today) == "open":
            return M_(
                "pledges go to the open round, '%(round)s' (%(dates)s)",
                round=found.slug,
                dates=_dates(found),
            )
        return M_(
            "the next round, '%(round)s', opens on %(opens)s", round=found.slug, opens=found.opens
        )

    def _in_round(
        self, envelope: Envelope, pledge: Pledge, new: bool
    ) -> tuple[Pledge, list[ContentError]]:
        """The pledge with its round written in (a call with ``rounds/``), or why the
        submission may not go to that round: it had closed when it was submitted (unless
        it is not ``new``: an interrupted run wrote it already). Maintainers may still
        write a pledge to a closed round in its file.

        The round is the one its ``round`` key names, else the one its date falls in (the
        submission's date by default). Written into the file, it keeps the pledge in that
        round when the round's dates are edited later. A call with ``campaign.yml`` has one
        round, which pledges never name: their files are written as before rounds."""
        cat = self.catalogue
        found = pledge_round(cat.round_list, pledge) if cat.rounds else None
        if found is None:
            return pledge, []  # no rounds/, or in no round (``_references`` said so)
        # Closed on the day it was submitted: processed a day late, a pledge sent on a
        # round's last day still counts in it.
        day = min(self.today, envelope.submitted_at.date())
        if new and round_state(found, day) == "closed":
            hint = self._next_round()
            if pledge.round is not None:
                key = "round"
                why = M_(
                    "round '%(round)s' closed on %(closes)s; %(hint)s",
                    round=found.slug,
                    closes=found.closes,
                    hint=hint,
                )
            else:
                key = "date"
                why = M_(
                    "%(date)s is in round '%(round)s', which closed on %(closes)s; %(hint)s",
                    date=pledge.date,
                    round=found.slug,
                    closes=found.closes,
                    hint=hint,
                )
            return pledge, [ContentError(envelope.id, key, why)]
        if pledge.round is None:
            pledge = pledge.model_copy(update={"round": found.slug})
        return pledge, []

    def _round_rules(self, pledge: Pledge, target: Path) -> list[ContentError]:
        """The rules of the pledge's round, checked on the actor, the common and their
        pledges only, in that round's own catalogue (``funding.rounds.round_catalogue``:
        its pledges, the common's budget and each actor's allowance for that round), as
        the build checks each round."""
        cat = self.catalogue
        pledges = {p.id: p for p in self.pledges_of_common[pledge.common]}
        pledges.update({p.id: p for p in self.pledges_of_actor[pledge.actor]})
        pledges[pledge.id] = pledge
        actors = {p.actor: cat.actors[p.actor] for p in pledges.values() if p.actor in cat.actors}
        # The files errors can name: these pledges', actors', common's and the rounds' (not
        # a copy of the whole call's sources for each envelope).
        keys = [("pledges", ident) for ident in pledges]
        keys += [("actors", slug) for slug in actors] + [("commons", pledge.common)]
        keys += [("rounds", r.slug) for r in cat.round_list]
        sources = {key: cat.sources[key] for key in keys if key in cat.sources}
        sources[("pledges", pledge.id)] = target
        relevant = Catalogue(
            challenges={},
            commons={pledge.common: cat.commons[pledge.common]},
            actors=actors,
            pledges=pledges,
            campaign=cat.campaign,
            sources=sources,
            rounds=cat.rounds,
        )
        round_ = pledge_round(relevant.round_list, pledge)
        if round_ is None:
            return []  # a call without rounds: no round rule applies
        sub = round_catalogue(relevant, round_, [pledge.common], self.today)
        # no round rule depends on matching, whose funder need not be among these actors
        sub = replace(sub, campaign=round_.model_copy(update={"matching": None}))
        errors = check_round_rules(sub, compute_funding(sub, self.today), self.named)
        return [
            ContentError(
                pledge.id,
                e.field,
                M_("%(problem)s (%(file)s)", problem=e.message, file=self.named(Path(e.path))),
            )
            for e in errors
        ]

    def _near_duplicates(self, folder: str, item: Model) -> list[str]:
        names = self.folded.get(folder)
        if names is None:
            return []
        name = item.name if isinstance(item, Actor) else item.title  # type: ignore[union-attr]
        other = names.get(fold(name))
        if other is None or other == slug_of(item):
            return []
        path = self.catalogue.source_of(folder, other)
        where = self.named(path) if path else other
        return [
            M_(
                "« %(name)s » looks like the existing '%(other)s' (%(file)s)",
                name=name,
                other=other,
                file=where,
            )
        ]


def shown_name(name: str) -> str:
    """A file name fit for a message: bytes that are not UTF-8 shown escaped."""
    return name.encode("utf-8", "backslashreplace").decode("utf-8")


def holds(path: Path, text: str) -> bool:
    """Whether a file holds exactly this text: a file an interrupted run wrote is this run's
    to keep (or take back), any other is not."""
    try:
        return path.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        return False


def _about(error: ContentError, report: Report, target: Path, name: str) -> bool:
    """Whether a follow-up error is the new report's to answer for: one of its own fields,
    or spending above the secured money that it adds to (it names the report among the
    round's). A fault of the files as they are is the build's to report."""
    if error.field == "spent":  # the round's spending, on its latest report
        return any(item.amount > 0 for item in report.spent) and name in error.message
    return Path(error.path).resolve() == target


def slug_of(item: Model) -> str:
    """The name an item is filed under: a pledge's id, anything else's slug."""
    return item.id if isinstance(item, Pledge) else item.slug  # type: ignore[union-attr]


def key_of(item: Model) -> str:
    """The key that names an item, for an error about its name being taken."""
    return "id" if isinstance(item, Pledge) else "slug"


def _dates(round_: Round) -> Message:
    return M_("%(opens)s to %(closes)s", opens=round_.opens or "…", closes=round_.closes or "…")
