"""Funding per round: each round is computed on its own catalogue, as the call stood in it.

A round's catalogue holds that round's pledges only, each common's budget for that round,
each actor's allowance for that round, and the round as its campaign; the funding engine
and the round rules then run on it unchanged. So a later round never changes an earlier
round's figures, and a call with ``campaign.yml`` (one round, every pledge in it) is
computed exactly as before rounds existed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from appel_a_communs.content.catalogue import Catalogue
from appel_a_communs.content.errors import ContentError, display_path
from appel_a_communs.content.models import Common, Round
from appel_a_communs.content.rounds import (
    RoundState,
    current_round,
    is_campaign,
    open_or_next_round,
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
    unplaced: dict[str, CommonFunding] = field(default_factory=dict)
    """Commons in no round (see ``participants``), by slug."""

    def of_common(self, slug: str) -> list[tuple[RoundFunding, CommonFunding]]:
        """The common's result in each round it takes part in, in order."""
        return [(r, r.funding.commons[slug]) for r in self.rounds if slug in r.funding.commons]

    def shown_round(self, slug: str) -> RoundFunding | None:
        """The round whose result a common's page and card show: the current round if it
        takes part in it, else the last round it took part in (None: in no round)."""
        results = self.of_common(slug)
        for result in results:
            if result[0].current:
                return result[0]
        return results[-1][0] if results else None

    def shown(self, slug: str) -> CommonFunding:
        found = self.shown_round(slug)
        return found.funding.commons[slug] if found else self.unplaced[slug]

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
    """Round slug → the commons taking part: those its files tie to it and, in the open
    round (else the next one to open), every common tied to none (a new proposal). A
    common never joins a round that has closed by itself, so a closed round's commons stay
    what they were; one tied to no round while no round is open or announced takes part in
    none. With ``campaign.yml``, every common takes part in its one round."""
    rounds = catalogue.round_list
    taking: dict[str, list[str]] = {r.slug: [] for r in rounds}
    home = rounds[0] if is_campaign(rounds) else open_or_next_round(rounds, today)
    for slug, tied in tied_rounds(catalogue).items():
        for round_slug in sorted(tied & taking.keys()) or ([home.slug] if home else []):
            taking[round_slug].append(slug)
    return taking


def stage_in_round(common: Common, round_: Round, rounds: list[Round], closed: bool) -> str:
    """The stage a closed round saw: what the reviews of that round, or of an earlier one,
    decided last (``declined`` when that round's own review declined it); without such a
    review, the stage now, where ``archived`` reads as ``accepted`` (archiving comes after
    the rounds a common took part in). A review of a later round never changes it. An open
    or upcoming round, and the one round of ``campaign.yml``, see the stage now."""
    if not closed or is_campaign(rounds):
        return common.stage
    order = {r.slug: i for i, r in enumerate(rounds)}
    decided = []
    for review in common.reviews:
        found = review_round(rounds, review)
        if found is not None and order[found.slug] <= order[round_.slug]:
            decided.append((review, found is round_))
    if decided:
        latest, own = max(decided, key=lambda item: item[0].date)
        if latest.decision == "declined" and own:
            return "declined"
        return "accepted" if latest.decision == "accepted" else "proposed"
    return "accepted" if common.stage == "archived" else common.stage


def round_catalogue(
    catalogue: Catalogue, round_: Round, commons: list[str], today: date
) -> Catalogue:
    """The call as it stood in ``round_``: its pledges, its budgets, its allowances; the
    pledges withdrawn by ``today`` set apart (``Catalogue.standing``), so that nothing
    computed on it counts them."""
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
    ).standing(today)


def compute_rounds(catalogue: Catalogue, today: date) -> CallFunding:
    """The funding of every round of the call."""
    rounds = catalogue.round_list
    if not rounds:
        standing = catalogue.standing(today)
        funding = compute_funding(standing, today)
        only = RoundFunding(None, "open", True, standing, funding)
        return CallFunding([only], only)
    current = current_round(rounds, today)
    taking = participants(catalogue, today)
    results = []
    for round_ in rounds:
        sub = round_catalogue(catalogue, round_, taking[round_.slug], today)
        state = round_state(round_, today)
        funding = compute_funding(sub, today)
        if state == "closed" and not is_campaign(rounds):
            funding = final_results(funding)
        results.append(RoundFunding(round_, state, round_ is current, sub, funding))
    unplaced = [slug for slug in catalogue.commons if not any(slug in t for t in taking.values())]
    return CallFunding(
        results, next(r for r in results if r.current), _unplaced(catalogue, unplaced, today)
    )


def final_results(funding: Funding) -> Funding:
    """A closed round's funding without its "what if" figures (the unlock gap, one more
    funder): its matching estimates are its results. The one round of ``campaign.yml``
    keeps them, as it always did."""
    return replace(
        funding,
        commons={
            slug: replace(c, unlock_gap=None, matching_with_one_more=None)
            for slug, c in funding.commons.items()
        },
    )


def _unplaced(catalogue: Catalogue, slugs: list[str], today: date) -> dict[str, CommonFunding]:
    """The funding of commons in no round (tied to none while no round is open or
    announced): their goals and stage, without pledges or round rules."""
    if not slugs:
        return {}
    alone = Catalogue(
        challenges=catalogue.challenges,
        commons={slug: catalogue.commons[slug] for slug in slugs},
        actors=catalogue.actors,
        pledges={},
        sources=catalogue.sources,
    )
    return compute_funding(alone, today).commons


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
