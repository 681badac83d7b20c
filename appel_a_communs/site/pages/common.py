"""A common's page (``common.html``): its funding in the round the page shows, its other
rounds, budget, follow-up, reviews, eligibility, pledges and working group."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from appel_a_communs.content.models import (
    Actor,
    Budget,
    Challenge,
    Common,
    Deliverable,
    Review,
)
from appel_a_communs.funding.eligibility import Checklist
from appel_a_communs.funding.engine import CommonFunding
from appel_a_communs.funding.followup import FollowUp, RoundFollowUp, TimelineEvent
from appel_a_communs.i18n import DEFAULT_LOCALE
from appel_a_communs.site.badges import badge_size
from appel_a_communs.site.pages import PageContext
from appel_a_communs.site.pages.jury import CommonJury, common_jury
from appel_a_communs.site.pages.pledges import PledgeTable, pledge_table
from appel_a_communs.site.pages.pools import FunderShare, funder_shares

if TYPE_CHECKING:
    from appel_a_communs.site.view import CatalogueView


@dataclass(frozen=True)
class RoundResult:
    """A row of the common's "other rounds" table: its result in one round."""

    slug: str | None
    name: str | None
    state: str
    """upcoming, open or closed."""
    result: CommonFunding


@dataclass(frozen=True)
class ReviewRow:
    review: Review
    round_slug: str | None
    """The round it belongs to (None: none)."""
    round_name: str | None


@dataclass(frozen=True)
class DeliverableRow:
    deliverable: Deliverable
    late: bool


@dataclass(frozen=True)
class FollowedRound:
    """The money paid and spent in one round; ``name`` is "" when the call has one round
    (its follow-up needs no heading)."""

    name: str
    follow: RoundFollowUp


@dataclass(frozen=True)
class TimelineRow:
    """An event of the timeline; ``round_name`` is "" unless the call has several rounds
    and the event belongs to one."""

    event: TimelineEvent
    round_name: str
    one_goal: bool
    """It is the day its minimum goal was reached, and the common has one goal there (its
    minimum goal is its stretch goal): the event says "Goal reached"."""


@dataclass(frozen=True)
class FollowUpSection:
    """What became of the common, when there is something to say (else the page has no
    follow-up section)."""

    follow: FollowUp
    deliverables: list[DeliverableRow]
    rounds: list[FollowedRound]
    timeline: list[TimelineRow]


@dataclass(frozen=True)
class CommonPage(PageContext):
    nav_current: ClassVar[str] = "commons"

    common: Common
    funding: CommonFunding
    """Its result in the round the page shows: the current round, or the last one it took
    part in (a call without rounds: its only result)."""
    shown_round: str | None
    """The slug of that round (None: a call without rounds); its funding page explains
    the matching."""
    elsewhere: str | None
    """The name of that round when it is not the current one (the page says so), else None."""
    matching_closed: bool
    """The matching shown is what the common got when that round closed, not an estimate."""
    one_more: Decimal | None
    """The contribution of "one more funder", when it would raise the common's match."""
    shares: list[FunderShare]
    """Its match funder by funder, when the round shown has several pools (else [])."""
    budget: Budget | None
    """The budget of the round shown (its own in a call without rounds)."""
    other_rounds: list[RoundResult]
    other_rounds_one_goal: bool
    """In none of those rounds has the common a minimum goal of its own, below its
    stretch goal: their table words its goal "Goal", in one column."""
    earlier_only: bool
    """Every other round is closed: they are its earlier rounds."""
    waiting_review: date | None
    """The next review date, when this proposal waits for it."""
    follow_up: FollowUpSection | None
    reviews: list[ReviewRow]
    checklist: Checklist | None
    """The current round's criteria, met or not (None: the round has none)."""
    criteria_round: str | None
    """The name of the round whose criteria these are (None: an unnamed round)."""
    evaluation: CommonJury | None
    """The jury's result in the round the page shows (None: not scored there)."""
    pledges: PledgeTable
    pledge_count: int
    challenges: list[Challenge]
    proposers: list[Actor]
    working_group: list[tuple[str, list[Actor]]]
    funding_manifest: str | None
    """Its funding.json, from the site's root (None: not published)."""
    badge_size: tuple[int, int]
    """(width, height) of its funding badge, in pixels, for the ``<img>`` that shows it
    (``site.badges``: the size of the badge the build writes)."""


def common_page(
    view: CatalogueView, common: Common, manifests: dict[str, str], locale: str = DEFAULT_LOCALE
) -> CommonPage:
    slug = common.slug
    funding = view.funding.commons[slug]
    shown = view.shown_round(slug)
    shown_funding = shown.funding if shown else view.funding
    others = [
        RoundResult(r.slug, view.round_name(r.slug), r.state, result)
        for r, result in view.round_results.get(slug, [])
        if r.slug != view.shown_slug(slug)
    ]
    pledges = view.pledges_by_common.get(slug, [])
    current = view.current_round
    return CommonPage(
        common=common,
        funding=funding,
        shown_round=shown.slug if shown else None,
        elsewhere=view.round_name(shown.slug) if shown and not shown.current else None,
        matching_closed=shown is not None and shown.state == "closed",
        one_more=shown_funding.matching.one_more if funding.matching_with_one_more else None,
        shares=funder_shares(view, shown_funding, slug),
        budget=view.shown_budget(slug),
        other_rounds=others,
        other_rounds_one_goal=not any(r.result.has_minimum_goal for r in others),
        earlier_only=all(r.state == "closed" for r in others),
        waiting_review=_waiting_review(view, slug),
        follow_up=_follow_up(view, common),
        reviews=[
            ReviewRow(e.review, e.round, view.round_name(e.round) if e.round else None)
            for e in view.reviews.get(slug, [])
        ],
        checklist=view.eligibility.get(slug),
        criteria_round=view.round_name(current.slug) if current else None,
        evaluation=common_jury(view, slug, shown.slug if shown else None),
        pledges=pledge_table(view, pledges, "actor"),
        pledge_count=len(pledges),
        challenges=[view.challenges_by_slug[c] for c in common.challenges],
        proposers=[view.actors_by_slug[a] for a in common.proposed_by],
        working_group=view.working_group[slug],
        funding_manifest=manifests.get(slug),
        badge_size=badge_size(funding, locale),
    )


def _waiting_review(view: CatalogueView, slug: str) -> date | None:
    """The next review date, when the common's proposal waits for it (only that date has
    ``waiting`` commons: ``view._review_dates``)."""
    return next(
        (day.date for day in view.review_dates if any(c.slug == slug for c in day.waiting)), None
    )


def _one_goal(view: CatalogueView, slug: str, round_slug: str | None) -> bool:
    """Whether the common has one goal in that round: a minimum that is its stretch goal."""
    result = view.result_in(slug, round_slug)
    return result is not None and result.minimum > 0 and not result.has_minimum_goal


def _follow_up(view: CatalogueView, common: Common) -> FollowUpSection | None:
    follow = view.follow_up.get(common.slug)
    if not follow or not (follow.progress.total or follow.followed_rounds or follow.timeline):
        return None
    several = view.several_rounds
    late = follow.progress.late
    return FollowUpSection(
        follow=follow,
        deliverables=[DeliverableRow(d, d in late) for d in common.deliverables],
        rounds=[
            FollowedRound((view.round_name(each.round) or "") if several else "", each)
            for each in follow.followed_rounds
        ],
        timeline=[
            TimelineRow(
                event,
                (view.round_name(event.round) or "") if several and event.round else "",
                event.kind == "minimum-reached" and _one_goal(view, common.slug, event.round),
            )
            for event in follow.timeline
        ],
    )
