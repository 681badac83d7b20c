"""Which round a pledge or a review belongs to, and where each round stands on a day.

A call of several rounds keeps one file per round in ``rounds/``; a call with
``campaign.yml`` is a call of one round, which every pledge and review belongs to
(its own date rule then says whether a pledge is dated in it). Pure functions of the
rounds, shared by the loader's checks, the funding of each round and the processor.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal

from appel_a_communs.content.kinds import CAMPAIGN_ROUND
from appel_a_communs.content.models import Campaign, Pledge, Review, Round

RoundState = Literal["upcoming", "open", "closed"]


def contains(round_: Campaign, day: date) -> bool:
    """Whether ``day`` is within the round's dates (an open end holds every day on its side)."""
    return (round_.opens is None or round_.opens <= day) and (
        round_.closes is None or day <= round_.closes
    )


def is_campaign(rounds: Sequence[Round]) -> bool:
    """A call of ``campaign.yml``: its one round holds everything, whatever its dates (its
    date rule speaks for pledges outside them); ``rounds/`` may not use the slug."""
    return len(rounds) == 1 and rounds[0].slug == CAMPAIGN_ROUND


def dated_round(rounds: Sequence[Round], day: date) -> Round | None:
    """The round whose dates hold ``day``: rounds may not overlap, so there is one at most."""
    if is_campaign(rounds):
        return rounds[0]
    return next((r for r in rounds if contains(r, day)), None)


def pledge_round(rounds: Sequence[Round], pledge: Pledge) -> Round | None:
    """Its ``round`` key, else the round whose dates hold its date (None: in no round)."""
    if pledge.round is not None:
        return next((r for r in rounds if r.slug == pledge.round), None)
    return dated_round(rounds, pledge.date)


def review_round(rounds: Sequence[Round], review: Review) -> Round | None:
    """Its ``round`` key; else the round that lists its date among its review dates (a round
    is often reviewed after it closes); else the round whose dates hold it; else the next
    round to open after it (a proposal reviewed between rounds is for the next one); else
    none: a review never joins a round that had closed before it."""
    if review.round is not None:
        return next((r for r in rounds if r.slug == review.round), None)
    listed = next((r for r in rounds if review.date in r.reviews), None)
    if listed is not None:
        return listed
    dated = dated_round(rounds, review.date)
    if dated is not None:
        return dated
    return next((r for r in rounds if r.opens is not None and r.opens > review.date), None)


def round_state(round_: Campaign, today: date) -> RoundState:
    if round_.opens is not None and today < round_.opens:
        return "upcoming"
    if round_.closes is not None and today > round_.closes:
        return "closed"
    return "open"


def current_round(rounds: Sequence[Round], today: date) -> Round | None:
    """The round the call runs now: the open one; between rounds, the last one opened (its
    results are the news); before the first, the first."""
    if not rounds:
        return None
    opened = [r for r in rounds if round_state(r, today) != "upcoming"]
    open_now = [r for r in opened if round_state(r, today) == "open"]
    if open_now:
        return open_now[-1]
    return opened[-1] if opened else rounds[0]


def open_or_next_round(rounds: Sequence[Round], today: date) -> Round | None:
    """The round a pledge made today goes to: the open one, else the next one to open."""
    for round_ in rounds:
        if round_state(round_, today) != "closed":
            return round_
    return None


def overlapping(rounds: Sequence[Round]) -> list[tuple[Round, Round]]:
    """Pairs of rounds that share a day (rounds in order of opening)."""
    pairs = []
    for i, first in enumerate(rounds):
        for second in rounds[i + 1 :]:
            starts_after = (
                first.closes is not None
                and second.opens is not None
                and second.opens > first.closes
            )
            ends_before = (
                second.closes is not None
                and first.opens is not None
                and first.opens > second.closes
            )
            if not (starts_after or ends_before):
                pairs.append((first, second))
    return pairs
