"""The checks over a whole catalogue, once every file is read: every slug a file names
exists, every amount is in the call's currency, rounds neither overlap nor mix currencies.
``item_references`` is the one check the build and the submission processor share."""

from __future__ import annotations

import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from appel_a_communs.content.catalogue import Catalogue
from appel_a_communs.content.errors import ContentError, display_path
from appel_a_communs.content.kinds import CAMPAIGN_FILE, CAMPAIGN_ROUND, KINDS
from appel_a_communs.content.models import Common, Model, Pledge, Report, Round
from appel_a_communs.content.rounds import overlapping, pledge_round
from appel_a_communs.i18n import M_


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
        file = f"content/{folder}/{slug}{KINDS[folder].suffix}"
        expected = M_("expected %(file)s", file=file)
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
        file, campaign = f"content/rounds/{slug}.yml", f"content/{CAMPAIGN_FILE}"
        return Reference(
            field_name,
            M_("no round '%(slug)s'", slug=slug),
            M_("expected %(file)s", file=file)
            if cat.rounds or not cat.campaign
            else M_(
                "this call has one round, '%(round)s' (%(file)s)",
                round=CAMPAIGN_ROUND,
                file=campaign,
            ),
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
                if ref.field == "date" and broken.get("rounds"):
                    continue  # its round may be the one whose file has errors
                if ref.folder is None or ref.slug not in broken.get(ref.folder, ()):
                    source = str(cat.sources[(folder, key)])
                    message = (
                        ref.detail
                        if ref.folder is None
                        else M_("%(problem)s (%(detail)s)", problem=ref.message, detail=ref.detail)
                    )
                    errors.append(ContentError(source, ref.field, message))
    for round_ in cat.round_list:
        source = str(cat.sources[("rounds", round_.slug)])
        errors.extend(_pool_errors(cat, round_, source, broken))
        for slug in round_.allowances:
            if slug not in cat.actors and slug not in broken.get("actors", ()):
                errors.append(
                    ContentError(
                        source,
                        f"allowances.{slug}",
                        _no_actor(slug),
                    )
                )
        jury = round_.evaluation.reviewers if round_.evaluation else []
        for i, reviewer in enumerate(jury):
            for j, slug in enumerate(reviewer.ties):
                if slug not in cat.actors and slug not in broken.get("actors", ()):
                    field = f"evaluation.reviewers[{i}].ties[{j}]"
                    errors.append(ContentError(source, field, _no_actor(slug)))
    return errors


def check_evaluations(
    cat: Catalogue,
    broken: dict[str, set[str]] | None = None,
    name: typing.Callable[[Path], str] = display_path,
) -> list[ContentError]:
    """The jury's scores (``evaluations/<round>/<common>.yml``): a round with a jury, a
    common of the call, reviewers of that jury, every criterion scored once within the
    scale, no reviewer twice, and no conflict of interest: a reviewer tied to an actor
    that proposes the common or pledged money to it in that round may not score it."""
    errors: list[ContentError] = []
    broken = broken or {}
    rounds = {r.slug: r for r in cat.round_list}
    for key, scores in cat.evaluations.items():
        source = str(cat.sources[("evaluations", key)])
        round_ = rounds.get(scores.round)
        if round_ is None:
            errors.append(ContentError(source, None, _no_round_folder(cat, scores.round)))
            continue
        round_file = name(cat.sources[("rounds", round_.slug)])
        jury = round_.evaluation
        if jury is None:
            message = M_(
                "round '%(round)s' has no jury: add evaluation to %(file)s, or move this file",
                round=round_.slug,
                file=round_file,
            )
            errors.append(ContentError(source, None, message))
            continue
        common = cat.commons.get(scores.common)
        if common is None and scores.common not in broken.get("commons", ()):
            file = f"content/commons/{scores.common}{KINDS['commons'].suffix}"
            message = M_(
                "%(problem)s (%(detail)s)",
                problem=M_("no common '%(slug)s'", slug=scores.common),
                detail=M_("expected %(file)s", file=file),
            )
            errors.append(ContentError(source, None, message))
        reviewers = {r.id: r for r in jury.reviewers}
        criteria = [c.id for c in jury.criteria]
        ties = _interested(cat, round_, scores.common, common)
        first: dict[str, int] = {}
        for i, score in enumerate(scores.scores):
            at = f"scores[{i}]"
            reviewer = reviewers.get(score.reviewer)
            if reviewer is None:
                message = M_(
                    "no reviewer '%(id)s' in the jury of %(file)s (reviewers: %(known)s)",
                    id=score.reviewer,
                    file=round_file,
                    known=", ".join(reviewers),
                )
                errors.append(ContentError(source, f"{at}.reviewer", message))
            elif score.reviewer in first:
                message = M_(
                    "reviewer '%(id)s' already scored this common (scores[%(first)d]): one "
                    "entry per reviewer",
                    id=score.reviewer,
                    first=first[score.reviewer],
                )
                errors.append(ContentError(source, f"{at}.reviewer", message))
            else:
                first[score.reviewer] = i
                for tie in reviewer.ties:
                    if tie in ties:
                        message = M_(
                            "conflict of interest: reviewer '%(id)s' declares a tie to "
                            "'%(actor)s' (%(file)s), which %(why)s: the reviewer may not "
                            "score this common; remove these scores",
                            id=score.reviewer,
                            actor=tie,
                            file=round_file,
                            why=ties[tie],
                        )
                        errors.append(ContentError(source, f"{at}.reviewer", message))
            points = score.points
            for criterion in criteria:
                if criterion not in points:
                    message = M_(
                        "criterion '%(id)s' is not scored: every score gives each criterion "
                        "of the jury (%(criteria)s) a whole number from 0 to %(scale)d",
                        id=criterion,
                        criteria=", ".join(criteria),
                        scale=jury.scale,
                    )
                    errors.append(ContentError(source, f"{at}.{criterion}", message))
            for criterion, value in points.items():
                if criterion not in criteria:
                    message = M_(
                        "no criterion '%(id)s' in the jury of %(file)s (criteria: %(criteria)s)",
                        id=criterion,
                        file=round_file,
                        criteria=", ".join(criteria),
                    )
                    errors.append(ContentError(source, f"{at}.{criterion}", message))
                elif value > jury.scale:
                    message = M_(
                        "%(value)d is above the scale: scores go from 0 to %(scale)d",
                        value=value,
                        scale=jury.scale,
                    )
                    errors.append(ContentError(source, f"{at}.{criterion}", message))
    return errors


def _interested(cat: Catalogue, round_: Round, slug: str, common: Common | None) -> dict[str, str]:
    """The actors a reviewer may not be tied to for this common in this round, each with
    why: it proposes the common, or pledged money to it in the round."""
    found: dict[str, str] = {}
    for pledge in cat.pledges_by_common.get(slug, []):
        if pledge.money is not None:
            counted = pledge_round(cat.round_list, pledge)
            if counted is not None and counted.slug == round_.slug:
                found.setdefault(
                    pledge.actor,
                    M_(
                        "pledged money to it in round '%(round)s' (pledge %(id)s)",
                        round=round_.slug,
                        id=pledge.id,
                    ),
                )
    for actor in common.proposed_by if common else []:
        found[actor] = M_("proposes it (proposed_by)")
    return found


def _no_round_folder(cat: Catalogue, slug: str) -> str:
    expected, campaign = f"content/rounds/{slug}.yml", f"content/{CAMPAIGN_FILE}"
    if cat.rounds or not cat.campaign:
        detail = M_("expected %(file)s", file=expected)
    else:
        detail = M_(
            "this call has one round, '%(round)s' (%(file)s)", round=CAMPAIGN_ROUND, file=campaign
        )
    return M_(
        "%(problem)s (%(detail)s): the folder's name says which round it scores",
        problem=M_("no round '%(slug)s'", slug=slug),
        detail=detail,
    )


def valid_part(cat: Catalogue, broken: dict[str, set[str]], rounds_known: bool) -> Catalogue:
    """What the round rules may check in a call whose files have errors: the files that
    were read, less what depends on a file that was not, so that every error the rules
    find on it is one the whole call has too, and none is made by a missing file.

    - A file with errors is simply absent, and so is what needs it, or a slug that no
      file has, or two files have (``broken``), or an amount in another currency: a
      pledge without its common or actor, a common without a round it has a budget in,
      a report without its common or round. A common whose challenge or proposer is
      missing stays: neither changes a sum. The rules on money only compare sums of
      pledges with caps and goals, and a pledge's condition counts money and funders: a
      missing pledge can hide an error (an allowance exceeded), never make one.
    - The reports, which compare money spent with money secured and find their round
      from the pledges, are absent as soon as one pledge is.
    - When the rounds themselves are unknown (``rounds_known`` false: a round's file has
      errors, campaign.yml sits beside rounds/, rounds overlap or mix currencies), no
      round is kept, nor any pledge or report: the round rules wait for the rounds.
    """
    if not rounds_known:
        return Catalogue(
            challenges=cat.challenges,
            commons=cat.commons,
            actors=cat.actors,
            pledges={},
            sources=cat.sources,
        )

    def sound(part: Catalogue, item: Model, ignored: tuple[str, ...] = ()) -> bool:
        named = [getattr(item, key, None) in broken.get(folder, ()) for key, folder in
                 (("common", "commons"), ("actor", "actors"))]  # fmt: skip
        refs = (ref for ref in item_references(part, item) if ref.folder not in ignored)
        return not any(named) and next(refs, None) is None

    # a common's challenges and proposers change no sum: it stays without them
    commons = {
        slug: c for slug, c in cat.commons.items() if sound(cat, c, ("challenges", "actors"))
    }
    part = Catalogue(
        challenges=cat.challenges,
        commons=commons,
        actors=cat.actors,
        pledges=cat.pledges,
        campaign=cat.campaign,
        sources=cat.sources,
        rounds=cat.rounds,
    )
    pledges = {pid: p for pid, p in cat.pledges.items() if sound(part, p)}
    reports = {}
    if len(pledges) == len(cat.pledges) and not broken.get("pledges"):
        reports = {slug: r for slug, r in cat.reports.items() if sound(part, r)}
    return Catalogue(
        challenges=cat.challenges,
        commons=commons,
        actors=cat.actors,
        pledges=pledges,
        campaign=cat.campaign,
        sources=cat.sources,
        rounds=cat.rounds,
        reports=reports,
    )


def _pool_errors(
    cat: Catalogue, round_: Round, source: str, broken: dict[str, set[str]]
) -> Iterator[ContentError]:
    """A round's matching pools: each funder an actor, one pool per funder, each challenge
    a pool names one of the call's (a mapping's keys read ``matching.funder``, a list's
    ``matching[1].funder``)."""
    several = isinstance(round_.matching, list)
    seen: set[str] = set()
    for i, pool in enumerate(round_.pools):
        key = f"matching[{i}]" if several else "matching"
        if pool.funder in seen:
            yield ContentError(
                source,
                f"{key}.funder",
                M_("'%(funder)s' holds two pools: one pool per funder", funder=pool.funder),
            )
        seen.add(pool.funder)
        if pool.funder not in cat.actors and pool.funder not in broken.get("actors", ()):
            yield ContentError(source, f"{key}.funder", _no_actor(pool.funder))
        for j, slug in enumerate(pool.challenges):
            if slug not in cat.challenges and slug not in broken.get("challenges", ()):
                file = f"content/challenges/{slug}{KINDS['challenges'].suffix}"
                problem = M_("no challenge '%(slug)s'", slug=slug)
                detail = M_("expected %(file)s", file=file)
                yield ContentError(
                    source,
                    f"{key}.challenges[{j}]",
                    M_("%(problem)s (%(detail)s)", problem=problem, detail=detail),
                )


def _no_actor(slug: str) -> str:
    file = f"content/actors/{slug}.yml"
    return M_(
        "%(problem)s (%(detail)s)",
        problem=M_("no actor '%(slug)s'", slug=slug),
        detail=M_("expected %(file)s", file=file),
    )


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
