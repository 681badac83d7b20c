"""An actor's page (``actor.html``): the commons it supports, the matching pools it
holds, its engagement per round, its pledges and, in the sidebar, its record in the
current round."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from appel_a_communs.content.models import Actor, Common
from appel_a_communs.funding.engine import ActorFunding, Funding, MatchingSummary
from appel_a_communs.site.pages import PageContext
from appel_a_communs.site.pages.pledges import PledgeTable, pledge_table
from appel_a_communs.site.pages.pools import PoolView, pool_views

if TYPE_CHECKING:
    from appel_a_communs.site.view import CatalogueView, EngagementTotal


@dataclass(frozen=True)
class EngagementRow:
    """What the actor pledged in one round: a row of its "engagement by round" table."""

    slug: str | None
    name: str | None
    state: str
    funding: ActorFunding


@dataclass(frozen=True)
class MatchedCommon:
    """A row of a pool's table: a common and what the pool matched for it."""

    common: Common
    amount: Decimal
    """Its match from the pool: an estimate until the round closes, then what it got."""


@dataclass(frozen=True)
class HeldPool:
    """A matching pool the actor holds in one round, and what it matched there. Every
    figure is a common's or the round's, public while the round is sealed (as on the
    funding page): none is the actor's own pledge."""

    round_slug: str | None
    """The round (its funding page explains the matching); None: a call without rounds."""
    round_name: str | None
    """Its name (None: an unnamed ``campaign.yml``), the heading of the pool."""
    closed: bool
    """The round is closed: what it matched is final, not an estimate."""
    matching: MatchingSummary
    """Its rules (method, ratio, cap, least funders), its ``pool`` and, in ``total``,
    what it matched in all."""
    remaining: Decimal
    """What is left of the pool once the matches are paid out."""
    commons: list[MatchedCommon]
    """The commons it matched (a match above nothing), the largest match first, then by
    title."""
    rules: PoolView | None = None
    """Its rules of its own (challenges, actor kinds, largest share), in a round of several
    pools (None: the round's only pool)."""


def held_pools(view: CatalogueView, slug: str) -> list[HeldPool]:
    """The matching pools the actor ``slug`` holds, one per round whose ``matching`` names
    it as funder, in the rounds' order (a list, so that a round of several funders adds
    one per pool)."""
    found: list[tuple[str | None, str, Funding]] = [
        (r.slug, r.state, r.funding) for r in view.rounds if r.funding.pools
    ] or ([(None, "open", view.funding)] if view.funding.pools else [])
    pools = []
    for round_slug, state, funding in found:
        matching = next((p for p in funding.pools if p.funder == slug), None)
        if matching is None:
            continue
        matched = [
            (common, amount)
            for common_slug, result in funding.commons.items()
            if (amount := dict(result.matches).get(slug))
            and (common := view.commons_by_slug.get(common_slug))
        ]
        matched.sort(key=lambda pair: (-pair[1], pair[0].title, pair[0].slug))
        rules = (
            next((p for p in pool_views(view, funding) if p.matching.funder == slug), None)
            if funding.several_pools
            else None
        )
        pools.append(
            HeldPool(
                round_slug=round_slug,
                round_name=view.round_name(round_slug),
                closed=state == "closed",
                matching=matching,
                remaining=matching.remaining,
                commons=[MatchedCommon(common, amount) for common, amount in matched],
                rules=rules,
            )
        )
    return pools


@dataclass(frozen=True)
class ActorPage(PageContext):
    nav_current: ClassVar[str] = "actors"

    actor: Actor
    funding: ActorFunding
    """Its record in the current round (amounts None while that round is sealed)."""
    supported: list[tuple[Common, tuple[str, ...]]]
    """Each common it supports, in any round, with its roles there, by title."""
    pools: list[HeldPool]
    """The matching pools it holds, one per round whose matching funder it is (empty:
    it is no matching funder)."""
    engagement: list[EngagementRow]
    """Its record in each round it pledged in, shown only when the call has several
    rounds (else empty)."""
    engagement_total: EngagementTotal | None
    engagement_round: str | None
    """The slug of the round whose engagement page explains the figures."""
    current_round: str | None
    """The name of the current round, which the sidebar speaks of when the call has
    several rounds (else None)."""
    sealed: bool
    """A round's amounts are sealed: the sidebar says so."""
    has_statement: bool
    """It pledged money: its statement page exists."""
    pledges: PledgeTable
    pledge_count: int


def actor_page(view: CatalogueView, actor: Actor) -> ActorPage:
    slug = actor.slug
    engagement = view.engagement.get(slug)
    several = view.several_rounds
    shown = several and engagement is not None and bool(engagement.rounds)
    current = view.current_round
    pledges = view.pledges_by_actor.get(slug, [])
    return ActorPage(
        actor=actor,
        funding=view.funding.actors[slug],
        supported=view.supported_commons[slug],
        pools=held_pools(view, slug),
        engagement=[
            EngagementRow(r.slug, view.round_name(r.slug), r.state, f) for r, f in engagement.rounds
        ]
        if shown and engagement
        else [],
        engagement_total=engagement.total if shown and engagement else None,
        engagement_round=current.slug if current else None,
        current_round=view.round_name(current.slug) if several and current else None,
        sealed=view.sealed,
        has_statement=bool(view.statements[slug].lines),
        pledges=pledge_table(view, pledges, "common"),
        pledge_count=len(pledges),
    )
