"""An actor's page (``actor.html``): the commons it supports, its engagement per round,
its pledges and, in the sidebar, its record in the current round."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from appel_a_communs.content.models import Actor, Common
from appel_a_communs.funding.engine import ActorFunding
from appel_a_communs.site.pages import PageContext
from appel_a_communs.site.pages.pledges import PledgeTable, pledge_table

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
class ActorPage(PageContext):
    nav_current: ClassVar[str] = "actors"

    actor: Actor
    funding: ActorFunding
    """Its record in the current round (amounts None while that round is sealed)."""
    supported: list[tuple[Common, tuple[str, ...]]]
    """Each common it supports, in any round, with its roles there, by title."""
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
