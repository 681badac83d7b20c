"""Funding per round: each round is computed on its own catalogue, as the call stood in it.

A round's catalogue holds that round's pledges only, each common's budget for that round,
each actor's allowance for that round, and the round as its campaign; the funding engine
and the round rules then run on it unchanged. So a later round never changes an earlier
round's figures, and a call with ``campaign.yml`` (one round, every pledge in it) is
computed exactly as before rounds existed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from appel_a_communs.content.errors import ContentError, display_path
from appel_a_communs.content.loader import Catalogue
from appel_a_communs.content.models import Common, Round
from appel_a_communs.content.rounds import (
    RoundState,
    current_round,
    review_round,
    round_state,
)
from appel_a_communs.funding.engine import CommonFunding, Funding, compute_funding
from appel_a_communs.funding.rules import check_round_rules


@dataclass(frozen=True)
class RoundFunding:
    """One round's funding, computed on ``catalogue``, the call as it stood in that round."""

    round: Round | None
    """None for a call without rounds (no ``campaign.yml``, no ``rounds/``)."""
    state: RoundState
    current: bool
    catalogue: Catalogue
    funding: Funding

    @property
    def slug(self) -> str | None:
        return self.round.slug if self.round else None

    @property
    def commons(self) -> list[str]:
        """The commons taking part in the round, in file order."""
        return list(self.catalogue.commons)


@dataclass(frozen=True)
class CallFunding:
    rounds: list[RoundFunding]
    """Every round, by opening date (one, round None, for a call without rounds)."""
    current: RoundFunding

    def of_common(self, slug: str) -> list[tuple[RoundFunding, CommonFunding]]:
        """The common's result in each round it takes part in, in order."""
        return [(r, r.funding.commons[slug]) for r in self.rounds if slug in r.funding.commons]

    def shown(self, slug: str) -> CommonFunding:
        """The result a common's page and card show: the current round's if it takes part
        in it, else that of the last round it took part in."""
        results = self.of_common(slug)
        for result in results:
            if result[0].current:
                return result[1]
        return results[-1][1]

    @property
    def counted(self) -> frozenset[str]:
        """Ids of the money pledges that count, in every round."""
        return frozenset().union(
            *(c.counted for r in self.rounds for c in r.funding.commons.values())
        )


def tied_rounds(catalogue: Catalogue) -> dict[str, set[str]]:
    """Common slug → the rounds its own files tie it to: a budget for it, a review in it,
    a pledge in it."""
    rounds = catalogue.round_list
    tied: dict[str, set[str]] = {slug: set(c.budgets) for slug, c in catalogue.commons.items()}
    for slug, common in catalogue.commons.items():
        for review in common.reviews:
            found = review_round(rounds, review)
            if found is not None:
                tied[slug].add(found.slug)
    for round_slug, pledges in catalogue.pledges_by_round.items():
        if round_slug is not None:
            for pledge in pledges:
                if pledge.common in tied:
                    tied[pledge.common].add(round_slug)
    return tied


def participants(catalogue: Catalogue, today: date) -> dict[str, list[str]]:
    """Round slug → the commons taking part: those its files tie to it and, in the current
    round, every common tied to none (a new proposal, or any common of a call of one round)."""
    current = current_round(catalogue.round_list, today)
    taking: dict[str, list[str]] = {r.slug: [] for r in catalogue.round_list}
    for slug, rounds in tied_rounds(catalogue).items():
        tied = rounds & taking.keys()
        for round_slug in sorted(tied) or ([current.slug] if current else []):
            taking[round_slug].append(slug)
    return taking


def stage_in_round(common: Common, round_: Round, rounds: list[Round], closed: bool) -> str:
    """The stage a closed round saw: what its reviews decided by then; without a review in
    it, the stage now, except ``archived``, which comes after the rounds a common was in.
    An open or upcoming round sees the stage now."""
    if not closed:
        return common.stage
    decided = [r for r in common.reviews if review_round(rounds, r) == round_]
    if decided:
        latest = max(decided, key=lambda r: r.date).decision
        return {"accepted": "accepted", "declined": "declined"}.get(latest, "proposed")
    return "accepted" if common.stage == "archived" else common.stage


def round_catalogue(
    catalogue: Catalogue, round_: Round, commons: list[str], today: date
) -> Catalogue:
    """The call as it stood in ``round_``: its pledges, its budgets, its allowances."""
    closed = round_state(round_, today) == "closed"
    rounds = catalogue.round_list

    def in_round(common: Common) -> Common:
        update = {"stage": stage_in_round(common, round_, rounds, closed)}
        if round_.slug in common.budgets:
            update["budget"] = common.budgets[round_.slug]
        if all(getattr(common, k) == v for k, v in update.items()):
            return common
        return common.model_copy(update=update)

    actors = {
        slug: actor.model_copy(update={"allowance": round_.allowances[slug]})
        if slug in round_.allowances
        else actor
        for slug, actor in catalogue.actors.items()
    }
    pledges = catalogue.pledges_by_round.get(round_.slug, [])
    return Catalogue(
        challenges=catalogue.challenges,
        commons={slug: in_round(catalogue.commons[slug]) for slug in commons},
        actors=actors,
        pledges={p.id: p for p in pledges},
        campaign=round_,
        sources=catalogue.sources,
    )


def compute_rounds(catalogue: Catalogue, today: date) -> CallFunding:
    """The funding of every round of the call."""
    rounds = catalogue.round_list
    if not rounds:
        funding = compute_funding(catalogue, today)
        only = RoundFunding(None, "open", True, catalogue, funding)
        return CallFunding([only], only)
    current = current_round(rounds, today)
    taking = participants(catalogue, today)
    results = []
    for round_ in rounds:
        sub = round_catalogue(catalogue, round_, taking[round_.slug], today)
        results.append(
            RoundFunding(
                round_,
                round_state(round_, today),
                round_ is current,
                sub,
                compute_funding(sub, today),
            )
        )
    return CallFunding(results, next(r for r in results if r.current))


def check_rules(
    call: CallFunding, name: Callable[[Path], str] = display_path
) -> list[ContentError]:
    """The round rules, each round on its own catalogue."""
    errors: list[ContentError] = []
    for result in call.rounds:
        if result.round is not None:
            errors.extend(check_round_rules(result.catalogue, result.funding, name))
    return errors


def shown_funding(call: CallFunding, catalogue: Catalogue) -> Funding:
    """The current round's funding, where every common of the call has the result its
    page shows (``CallFunding.shown``): the call's totals and matching stay the current
    round's."""
    return replace(
        call.current.funding, commons={slug: call.shown(slug) for slug in catalogue.commons}
    )
