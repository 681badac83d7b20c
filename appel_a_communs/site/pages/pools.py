"""A round's matching pools as pages show them, funder by funder: each pool's rules
(method, ratio, cap, and those of its own: challenges, actor kinds, largest share), what it
distributes and what it keeps."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from appel_a_communs.content.models import Challenge
from appel_a_communs.funding.engine import Funding, MatchingSummary

if TYPE_CHECKING:
    from appel_a_communs.site.view import CatalogueView


@dataclass(frozen=True)
class PoolView:
    """One matching pool of a round."""

    matching: MatchingSummary
    """Its rules (method, ratio, cap, least funders), its ``pool``, in ``total`` what it
    distributes and in ``remaining`` what it keeps."""
    funder_name: str
    challenges: list[Challenge]
    """It matches only the commons that answer one of these (empty: any common)."""
    kinds: list[str]
    """It matches only the commons proposed by an actor of one of these kinds (empty: any)."""
    max_share_percent: Decimal | None
    """Its match for a common is at most this percentage of the common's stretch goal."""


def pool_views(view: CatalogueView, funding: Funding) -> list[PoolView]:
    """The pools of a round whose ``funding`` it is, in its file's order, when it has more
    than one or rules of their own (a round of one pool without such rules shows it as it
    always did: [])."""
    if not funding.several_pools and not any(p.restricted for p in funding.pools):
        return []
    return [
        PoolView(
            matching=pool,
            funder_name=view.actors_by_slug[pool.funder].name,
            challenges=[
                view.challenges_by_slug[c] for c in pool.challenges if c in view.challenges_by_slug
            ],
            kinds=list(pool.proposer_kinds),
            max_share_percent=pool.max_share_percent,
        )
        for pool in funding.pools
    ]


@dataclass(frozen=True)
class FunderShare:
    """A common's match from one pool, beside the sum."""

    funder: str
    """The funder's slug (its page's address)."""
    name: str
    amount: Decimal


def funder_shares(view: CatalogueView, funding: Funding, slug: str) -> list[FunderShare]:
    """The common ``slug``'s match funder by funder in a round of several pools ([]: one
    pool, whose match is the sum)."""
    if not funding.several_pools:
        return []
    result = funding.commons.get(slug)
    if result is None:
        return []
    return [
        FunderShare(funder, view.actors_by_slug[funder].name, amount)
        for funder, amount in result.matches
    ]


def shares_by_common(view: CatalogueView, funding: Funding) -> dict[str, list[FunderShare]]:
    """Common slug → its match funder by funder (``funder_shares``), for a table of the
    round's commons: {} in a round of one pool, whose tables show the match alone."""
    if not funding.several_pools:
        return {}
    return {slug: funder_shares(view, funding, slug) for slug in funding.commons}


def pool_totals(view: CatalogueView, funding: Funding) -> list[FunderShare]:
    """What each pool distributes, funder by funder, beside a table's total of matching
    ([]: a round of one pool)."""
    if not funding.several_pools:
        return []
    return [
        FunderShare(pool.funder, view.actors_by_slug[pool.funder].name, pool.total)
        for pool in funding.pools
    ]
