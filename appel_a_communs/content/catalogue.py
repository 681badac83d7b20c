"""The content of a call once read and checked: the ``Catalogue``, its items by slug, and the
pledge indexes that the funding engine, the round rules and the view share. Reading it is
``loader``'s question, checking it ``checks``'s."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from pathlib import Path

from appel_a_communs.content.kinds import CAMPAIGN_ROUND
from appel_a_communs.content.models import (
    Actor,
    Campaign,
    Challenge,
    Common,
    EvaluationScores,
    Pledge,
    Report,
    Round,
)
from appel_a_communs.content.rounds import pledge_round


@dataclass(frozen=True)
class Catalogue:
    """The validated content of a call, keyed by slug (pledges by id), in file order."""

    challenges: dict[str, Challenge]
    commons: dict[str, Common]
    actors: dict[str, Actor]
    pledges: dict[str, Pledge]
    campaign: Campaign | None = None
    sources: dict[tuple[str, str], Path] = field(default_factory=dict, compare=False)
    rounds: dict[str, Round] = field(default_factory=dict)
    """The files of ``rounds/``; a call has them or ``campaign.yml``, never both."""
    reports: dict[str, Report] = field(default_factory=dict)
    """The follow-up reports of ``reports/``, in file order."""
    evaluations: dict[str, EvaluationScores] = field(default_factory=dict)
    """The jury's scores of ``evaluations/<round>/<common>.yml``, keyed ``<round>/<common>``."""
    withdrawn: dict[str, Pledge] = field(default_factory=dict)
    """In the catalogue the funding counts on (``standing``), the pledges withdrawn by its
    day, taken out of ``pledges``: listed, counted nowhere."""
    standing_on: date | None = field(default=None, compare=False)
    """The day ``standing`` set the withdrawn pledges apart for (None: not done)."""

    @property
    def currency(self) -> str:
        first = self.round_list[0] if self.round_list else None
        return first.currency if first else "EUR"

    @cached_property
    def round_list(self) -> list[Round]:
        """The call's rounds by opening date: ``campaign.yml`` is a call of one round (slug
        ``campaign``); without it or ``rounds/``, there is none and no round rule applies."""
        if isinstance(self.campaign, Round):
            return [self.campaign]  # the catalogue of one round (funding.rounds)
        if self.campaign is not None:
            return [Round.model_construct(slug=CAMPAIGN_ROUND, **dict(self.campaign))]
        return sorted(self.rounds.values(), key=lambda r: (r.opens is not None, r.opens, r.slug))

    def standing(self, today: date) -> Catalogue:
        """The catalogue the funding counts on, on ``today``: the pledges withdrawn by that
        day move from ``pledges`` to ``withdrawn`` (itself when none is)."""
        if self.standing_on == today:
            return self
        gone = {
            k: p
            for k, p in self.pledges.items()
            if p.withdrawn is not None and p.withdrawn <= today  # from that day on
        }
        if not gone:
            return self
        pledges = {k: p for k, p in self.pledges.items() if k not in gone}
        return replace(
            self, pledges=pledges, withdrawn={**self.withdrawn, **gone}, standing_on=today
        )

    def source_of(self, folder: str, key: str) -> Path | None:
        return self.sources.get((folder, key))

    # The pledge index, built once on first use and shared by the funding engine, the round
    # rules and the view. The one code that adds items to a loaded catalogue, ``process``,
    # keeps an index of its own and checks rules on catalogues it builds for each pledge.

    @cached_property
    def pledges_in_order(self) -> list[Pledge]:
        """Every pledge by date, then id: the order of every table and every rule."""
        return sorted(self.pledges.values(), key=lambda p: (p.date, p.id))

    @cached_property
    def pledges_by_common(self) -> dict[str, list[Pledge]]:
        """Common slug → its pledges, in order (commons without any are absent)."""
        return _group(self.pledges_in_order, "common")

    @cached_property
    def pledges_by_round(self) -> dict[str | None, list[Pledge]]:
        """Round slug → its pledges, in order; None → those of no round (a call without
        rounds, or pledges the checks refuse)."""
        groups: dict[str | None, list[Pledge]] = {}
        rounds = self.round_list
        for pledge in self.pledges_in_order:
            found = pledge_round(rounds, pledge)
            groups.setdefault(found.slug if found else None, []).append(pledge)
        return groups

    @cached_property
    def pledges_by_actor(self) -> dict[str, list[Pledge]]:
        """Actor slug → its pledges, in order (actors without any are absent)."""
        return _group(self.pledges_in_order, "actor")


def _group(pledges: list[Pledge], key: str) -> dict[str, list[Pledge]]:
    groups: dict[str, list[Pledge]] = {}
    for pledge in pledges:
        groups.setdefault(getattr(pledge, key), []).append(pledge)
    return groups
