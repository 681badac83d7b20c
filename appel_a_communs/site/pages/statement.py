"""An actor's statement (``actor_statement.html``): what it pledged, confirmed and paid to
each common, a table per round, then its totals over every round."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from appel_a_communs.content.models import Actor
from appel_a_communs.funding.followup import MoneyStages
from appel_a_communs.site.pages import PageContext

if TYPE_CHECKING:
    from appel_a_communs.site.view import CatalogueView, StatementLine


@dataclass(frozen=True)
class StatementRound:
    """A round the actor pledged money in: its table of commons and its totals."""

    slug: str | None
    """Its report explains the round's figures (None: a call without rounds)."""
    name: str | None
    """Its name when the call has several rounds (the table is titled by it); None when
    the call has one round, whose table is simply "by common"."""
    money: MoneyStages
    """Its totals (amounts None while it is sealed)."""
    lines: list[StatementLine]
    """Each common, by title."""


@dataclass(frozen=True)
class ActorStatementPage(PageContext):
    nav_current: ClassVar[str] = "actors"

    actor: Actor
    sealed: bool
    """A round under sealed bids keeps some of its amounts out: the page says so."""
    rounds: list[StatementRound]
    """Each round it pledged money in, in order."""
    in_several: bool
    """It pledged in several rounds: a table of each round's totals and the total over
    every round follows."""
    total: MoneyStages
    """Over every round (amounts None when one round hides them)."""


def actor_statement_page(view: CatalogueView, actor: Actor) -> ActorStatementPage:
    statement = view.statements[actor.slug]
    several = view.several_rounds
    return ActorStatementPage(
        actor=actor,
        sealed=statement.total.pledged is None,
        rounds=[
            StatementRound(slug, view.round_name(slug) if several else None, money, lines)
            for slug, money, lines in statement.by_round
        ],
        in_several=len(statement.rounds) > 1,
        total=statement.total,
    )
