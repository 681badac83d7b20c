"""A round's jury as its pages show it: the ranking and the criteria with their weights
(the round's funding page, a review date's page: ``JuryResults``), one common's result
(its page: ``CommonJury``), and the jury's own page (``jury.html``: its members' names,
the criteria and their weights).

Every figure comes from ``funding.evaluation``, anonymous: a score is never shown with
its reviewer's name, comments are shown without it; the names are on the jury's page
only, beside nothing that anyone scored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from appel_a_communs.content.models import Actor, Common, Criterion, Evaluation
from appel_a_communs.site.pages import PageContext

if TYPE_CHECKING:
    from appel_a_communs.site.view import CatalogueView, RoundView


def round_jury(view: CatalogueView, round_slug: str | None) -> Evaluation | None:
    """The jury of that round (None: it has none)."""
    found = next((r for r in view.rounds if r.slug == round_slug), None)
    return found.round.evaluation if found is not None and found.round is not None else None


def has_jury_page(view: CatalogueView, round_slug: str | None) -> bool:
    """Whether the round has a jury's page: a round of ``rounds/`` with a jury. The one
    answer for the page and for the links to it (a call of ``campaign.yml`` names its
    jury on its funding page)."""
    return bool(view.catalogue.rounds) and round_jury(view, round_slug) is not None


@dataclass(frozen=True)
class RankingRow:
    """A common in the jury's ranking: its means (in the order of the criteria), its
    total out of 100 and its rank, None when incomplete (too few reviewers)."""

    common: Common
    reviewers: int
    means: list[Decimal]
    total: Decimal | None
    rank: int | None


@dataclass(frozen=True)
class JuryResults:
    """What a round's page and a review date's page show of its jury: the criteria with
    their weights, and the ranking (``macros.jury_ranking``)."""

    round_slug: str | None
    scale: int
    min_reviewers: int
    criteria: list[Criterion]
    rows: list[RankingRow]
    """Ranked, best first, then the incomplete ones (empty: nothing scored yet)."""
    jury_page: bool
    """The round has a jury's page (its members' names): the block links to it."""
    members: list[str]
    """The jury's names when it has no page of its own (a call of ``campaign.yml``)."""


def jury_results(
    view: CatalogueView, round_slug: str | None, day: date | None = None
) -> JuryResults | None:
    """The jury of that round and its ranking (with ``day``, one of the round's review
    dates: only the commons whose scores prepare it, scored on it or since the review date
    before it, with their rank in the round); None when the round has no jury."""
    jury = round_jury(view, round_slug)
    if jury is None:
        return None
    found = next(r for r in view.rounds if r.slug == round_slug)
    dates = sorted(found.round.reviews) if found.round is not None else []

    def prepares(scored: date) -> date | None:
        return next((d for d in dates if d >= scored), None)

    rows = [
        RankingRow(
            view.commons_by_slug[e.common],
            e.reviewers,
            list(e.shown_means.values()),
            e.shown_total,
            e.rank,
        )
        for e in view.evaluations.get(round_slug or "", [])
        if day is None or prepares(e.date) == day
    ]
    page = has_jury_page(view, round_slug)
    return JuryResults(
        round_slug=round_slug,
        scale=jury.scale,
        min_reviewers=jury.min_reviewers,
        criteria=list(jury.criteria),
        rows=rows,
        jury_page=page,
        members=[] if page else [r.name for r in jury.reviewers],
    )


@dataclass(frozen=True)
class CriterionMean:
    criterion: Criterion
    mean: Decimal
    """Its mean over the reviewers, rounded half up to 2 decimals."""


@dataclass(frozen=True)
class CommonJury:
    """A common's result before the jury of the round its page shows."""

    round_slug: str | None
    jury_page: bool
    scale: int
    reviewers: int
    min_reviewers: int
    means: list[CriterionMean]
    total: Decimal | None
    """Out of 100; None: incomplete."""
    rank: int | None
    ranked: int
    """How many commons of the round have a total (the rank is out of them)."""
    comments: list[str]
    """The reviewers' comments (Markdown), without their names."""


def common_jury(view: CatalogueView, slug: str, round_slug: str | None) -> CommonJury | None:
    """The jury's result for the common in that round (None: not scored there)."""
    jury = round_jury(view, round_slug)
    result = view.evaluation_of(slug, round_slug)
    if jury is None or result is None:
        return None
    means = result.shown_means
    return CommonJury(
        round_slug=round_slug,
        jury_page=has_jury_page(view, round_slug),
        scale=jury.scale,
        reviewers=result.reviewers,
        min_reviewers=jury.min_reviewers,
        means=[CriterionMean(c, means[c.id]) for c in jury.criteria],
        total=result.shown_total,
        rank=result.rank,
        ranked=view.ranked_count(round_slug),
        comments=list(result.comments),
    )


@dataclass(frozen=True)
class JuryMember:
    name: str
    ties: list[Actor]
    """The actors the member declared a tie to: they do not score those actors' commons."""


@dataclass(frozen=True)
class JuryPage(PageContext):
    """A round's jury: its members' names and declared ties, the criteria and their
    weights, the scale; no score (those are on the round's page, without names)."""

    nav_current: ClassVar[str] = "funding"

    round_slug: str | None
    round_name: str | None
    """Its name (never ``name``: Pelican's writer takes that argument)."""
    members: list[JuryMember]
    criteria: list[Criterion]
    total_weight: int
    scale: int
    min_reviewers: int


def jury_page(view: CatalogueView, shown: RoundView) -> JuryPage:
    """The jury's page of ``shown``, when ``has_jury_page``."""
    jury = round_jury(view, shown.slug)
    assert jury is not None
    actors = view.actors_by_slug
    return JuryPage(
        round_slug=shown.slug,
        round_name=view.round_name(shown.slug),
        members=[JuryMember(r.name, [actors[a] for a in r.ties]) for r in jury.reviewers],
        criteria=list(jury.criteria),
        total_weight=sum(c.weight for c in jury.criteria),
        scale=jury.scale,
        min_reviewers=jury.min_reviewers,
    )
