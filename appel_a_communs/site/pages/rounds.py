"""The pages of the funding and its rounds: the funding page of the current round and of
each other round (``funding.html``), a round's report to its funders (``round_report.html``),
the rounds' index (``rounds.html``), a round's engagement record
(``round_engagement.html``), a review date (``review.html``) and the maintainers'
eligibility list (``eligibility.html``).

Each page shows one round (``RoundView``, or None for a call without rounds) and reads its
figures from that round's own view; which round, its name (``CatalogueView.round_name``),
whether the call has several rounds, and whether it is sealed or closed are decided here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from appel_a_communs.content.models import Actor, Campaign, Common, Eligibility
from appel_a_communs.funding.eligibility import Criterion
from appel_a_communs.funding.engine import ActorFunding, CommonFunding, MatchingSummary, Totals
from appel_a_communs.site.charts import BarChart, FlowChart
from appel_a_communs.site.pages import PageContext
from appel_a_communs.site.pages.jury import JuryResults, jury_results
from appel_a_communs.site.pages.pledges import PledgeLine, pledge_line
from appel_a_communs.site.pages.pools import (
    FunderShare,
    PoolView,
    pool_totals,
    pool_views,
    shares_by_common,
)
from appel_a_communs.site.reporting import RoundReport

if TYPE_CHECKING:
    from appel_a_communs.site.view import CatalogueView, EngagementTotal, ReviewDate, RoundView


def has_rounds_index(view: CatalogueView) -> bool:
    """Whether the call has the rounds' index, and a report and an engagement page per
    round: files in ``rounds/`` (a call of ``campaign.yml`` has its funding page only). The
    one answer for those pages and for the links to them."""
    return bool(view.catalogue.rounds)


@dataclass(frozen=True)
class EngagementLine:
    """A row of a round's record of pledges by actor (``_macros.engagement_table``)."""

    actor: Actor
    funding: ActorFunding
    """Its record in that round (amounts None while the round is sealed)."""


def engagement_lines(round_view: CatalogueView) -> list[EngagementLine]:
    """The actors who pledged in a round (``round_view``: that round's own view), the most
    engaged first."""
    actors = round_view.funding.actors
    return [EngagementLine(a, actors[a.slug]) for a in round_view.engaged_actors]


@dataclass(frozen=True)
class ClosenessRow:
    """A row of the funding page's table of the commons closest to their goal."""

    common: Common
    funding: CommonFunding
    """Its result in the round the page shows."""


@dataclass(frozen=True)
class FundingPage(PageContext):
    """The funding of one round: the current round's at the funding page's address, any
    other round's at its own; a call without rounds has this page only."""

    nav_current: ClassVar[str] = "funding"

    round_slug: str | None
    """The round shown (None: a call without rounds); its report and engagement pages."""
    round_name: str | None
    """Its name when the call has several rounds (the title and heading say it), else
    None."""
    several_rounds: bool
    """The call has several rounds: the page links to their index."""
    state: str | None
    """The round's state (upcoming, open or closed); None for a call without rounds, whose
    page shows no round badge."""
    closed: bool
    """The round is closed: its figures are final results, its matching what it got."""
    opening: date | None
    """The day an upcoming round opens, when its file says it (the page announces it)."""
    opens: date | None
    closes: date | None
    """The round's dates, as far as its file gives them."""
    engagement_page: bool
    """The round has an engagement page (a call with files in ``rounds/``)."""
    sealed: bool
    """The round is under sealed bids: only totals are published."""
    totals: Totals
    matching: MatchingSummary | None
    """The round's matching (None: it has none); its first pool when it has several."""
    funder_name: str | None
    """The name of the matching funder (None: no matching)."""
    matching_pool: Decimal
    matching_total: Decimal
    """Every pool's money together, and what they distribute together."""
    pools: list[PoolView]
    """Each pool, funder by funder, when the round has several (else [])."""
    shares: dict[str, list[FunderShare]]
    """Common slug → its matching funder by funder, shown under its estimate in the table,
    when the round has several pools (else {})."""
    chart: BarChart
    rows: list[ClosenessRow]
    """The commons of the chart and the table, the closest to their goal first."""
    one_goal: bool
    """No common of the table has a minimum goal of its own, below its stretch goal: the
    table words their goals "Goal", in one column, rather than minimum and stretch."""
    commons_count: int
    """How many commons with a goal take part in the round."""
    truncated: bool
    """The table leaves some of them out (the page says where to find them all)."""
    declined: list[Common]
    """The commons a closed round's own review declined, by title."""
    flows: FlowChart | None
    """Funders to commons; None while the round hides per-actor amounts."""
    engagement: list[EngagementLine]
    jury: JuryResults | None
    """The round's jury: its criteria and the ranking (None: the round has none)."""


def funding_page(view: CatalogueView, shown: RoundView | None) -> FundingPage:
    """The funding page of ``shown`` (None: a call without rounds)."""
    own = shown.view if shown else view
    campaign: Campaign | None = shown.round if shown else view.campaign
    funding = own.funding
    matching = funding.matching
    several = view.several_rounds
    state = shown.state if shown else None
    rows = [ClosenessRow(c, funding.commons[c.slug]) for c in own.closeness_rows]
    return FundingPage(
        round_slug=shown.slug if shown else None,
        round_name=view.round_name(shown.slug) if shown and several else None,
        several_rounds=several,
        state=state,
        closed=state == "closed",
        opening=campaign.opens if campaign and state == "upcoming" else None,
        opens=campaign.opens if campaign else None,
        closes=campaign.closes if campaign else None,
        engagement_page=shown is not None and has_rounds_index(view),
        sealed=own.sealed,
        totals=funding.totals,
        matching=matching,
        funder_name=own.actors_by_slug[matching.funder].name if matching else None,
        matching_pool=funding.matching_pool,
        matching_total=funding.matching_total,
        pools=pool_views(view, funding),
        shares=shares_by_common(view, funding),
        chart=own.bar_chart,
        rows=rows,
        one_goal=not any(row.funding.has_minimum_goal for row in rows),
        commons_count=len(own.by_closeness),
        truncated=len(own.closeness_rows) < len(own.by_closeness),
        declined=own.declined,
        flows=own.flow_chart,
        engagement=engagement_lines(own),
        jury=jury_results(view, shown.slug if shown else None),
    )


@dataclass(frozen=True)
class OverRounds:
    """A row of the engagement page's table over every round: an actor's record in total."""

    actor: Actor
    rounds: int
    """How many rounds it pledged in."""
    total: EngagementTotal
    """Its figures over them (amounts None when a sealed round hides them)."""


@dataclass(frozen=True)
class WithdrawnRow:
    """A pledge of the round withdrawn by the build's day: listed on the engagement page,
    marked withdrawn with its day, counted in none of its figures."""

    line: PledgeLine
    actor: Actor
    common: Common


def withdrawn_rows(view: CatalogueView, round_slug: str | None) -> list[WithdrawnRow]:
    """The pledges of ``round_slug`` withdrawn by the build's day, by date (amounts None
    while the round is sealed: the view's pledges are those published)."""
    return [
        WithdrawnRow(pledge_line(view, p), view.actors_by_slug[p.actor],
                     view.commons_by_slug[p.common])
        for p in view.catalogue.pledges_in_order
        if p.id in view.withdrawn and view.pledge_rounds.get(p.id) == round_slug
    ]  # fmt: skip


@dataclass(frozen=True)
class RoundEngagementPage(PageContext):
    """A round's record of pledges by actor, how each figure is computed, and, in a call of
    several rounds, each actor's record over every round."""

    nav_current: ClassVar[str] = "funding"

    round_slug: str | None
    """The round (its funding page)."""
    round_name: str | None
    """Its name (never ``name``: Pelican's writer takes that argument)."""
    state: str
    """upcoming, open or closed."""
    sealed: bool
    """The round is under sealed bids: only totals are published."""
    engagement: list[EngagementLine]
    """The actors who pledged in it, the most engaged first (empty: none yet)."""
    several_rounds: bool
    """The call has several rounds: the page gives the record over every round, and how it
    is added up."""
    over_rounds: list[OverRounds]
    """Each actor who pledged in any round, in the call's order (empty with one round)."""
    withdrawn: list[WithdrawnRow]
    """The round's pledges withdrawn by the build's day, by date: in no figure above."""


def round_engagement_page(view: CatalogueView, shown: RoundView) -> RoundEngagementPage:
    """The engagement page of ``shown``; the record over every round only when there are
    several (with one, it would repeat the round's own)."""
    several = view.several_rounds
    over = []
    if several:
        for actor in view.actors:
            found = view.engagement[actor.slug]
            if found.rounds:
                over.append(OverRounds(actor, len(found.rounds), found.total))
    return RoundEngagementPage(
        round_slug=shown.slug,
        round_name=view.round_name(shown.slug),
        state=shown.state,
        sealed=shown.sealed,
        engagement=engagement_lines(shown.view),
        several_rounds=several,
        over_rounds=over,
        withdrawn=withdrawn_rows(view, shown.slug),
    )


@dataclass(frozen=True)
class RoundReportPage(PageContext):
    """A round's report to its funders, made to be printed: per common, what was promised,
    secured, paid, delivered and reported in the round. Every figure is a common's or the
    round's, never an actor's, so a sealed round shows them too."""

    nav_current: ClassVar[str] = "funding"

    round_slug: str | None
    """The round (None: a call without rounds); its funding page and its statement."""
    round_name: str | None
    """Its name (None: a call without rounds, or an unnamed ``campaign.yml``)."""
    several_rounds: bool
    """The call has several rounds: the page links to their index."""
    state: str | None
    """upcoming, open or closed; None for a call without rounds (no badge, and the link
    says "the funding page")."""
    closed: bool
    """The round is closed: what was promised and secured in it is final."""
    opens: date | None
    closes: date | None
    today: date
    """The day the figures are computed on."""
    sealed: bool
    """The round is under sealed bids: what was promised and paid is not published."""
    report: RoundReport
    pool: Decimal | None
    """The round's matching pool, every pool's money together (None: no matching)."""
    pools: list[PoolView]
    """Each pool, funder by funder, when the round has several (else [])."""
    shares: dict[str, list[FunderShare]]
    """Common slug → its matching funder by funder, shown under its matching in the table,
    when the round has several pools (else {})."""
    pool_totals: list[FunderShare]
    """What each pool distributed, under the table's total of matching, when the round
    has several pools (else [])."""
    jury_scores: bool
    """The round has a jury: its statement has a sheet of scores, and a CSV of it."""


def round_report_page(view: CatalogueView, shown: RoundView | None) -> RoundReportPage:
    """The report of ``shown`` (None: a call without rounds)."""
    own = shown.view if shown else view
    campaign: Campaign | None = shown.round if shown else view.campaign
    slug = shown.slug if shown else None
    matching = own.funding.matching
    state = shown.state if shown else None
    return RoundReportPage(
        round_slug=slug,
        round_name=view.round_name(slug) if shown else None,
        several_rounds=view.several_rounds,
        state=state,
        closed=state == "closed",
        opens=campaign.opens if campaign else None,
        closes=campaign.closes if campaign else None,
        today=view.today,
        sealed=own.sealed,
        report=view.round_reports[slug],
        pool=own.funding.matching_pool if matching else None,
        pools=pool_views(view, own.funding),
        shares=shares_by_common(view, own.funding),
        pool_totals=pool_totals(view, own.funding),
        jury_scores=campaign is not None and campaign.evaluation is not None,
    )


def has_eligibility_page(view: CatalogueView) -> bool:
    """Whether the maintainers' eligibility page exists: the current round sets a
    criterion. The one answer for the page and for the links to it."""
    current = view.current_round
    criteria = current.round.eligibility if current is not None and current.round else None
    return bool(view.eligibility) or (criteria is not None and criteria.any)


@dataclass(frozen=True)
class RoundRow:
    """A row of the rounds' index: one round."""

    slug: str | None
    name: str | None
    current: bool
    """The round the call runs now."""
    round: Campaign | None
    """Its file, for its dates."""
    state: str
    """upcoming, open or closed."""
    closed: bool
    """Its results are final."""
    totals: Totals
    reviews: list[ReviewDate]
    """Its review dates, in order."""


@dataclass(frozen=True)
class RoundsPage(PageContext):
    """The rounds' index: each round's dates, state, review dates and totals."""

    nav_current: ClassVar[str] = "funding"

    rounds: list[RoundRow]
    """Every round, in the order they open."""
    next_review: date | None
    """The next review date (None: none announced)."""
    eligibility_page: bool
    """The current round sets eligibility criteria: the page links to their list."""


def rounds_page(view: CatalogueView) -> RoundsPage:
    """The rounds' index of a call with files in ``rounds/``."""
    return RoundsPage(
        rounds=[
            RoundRow(
                slug=r.slug,
                name=view.round_name(r.slug),
                current=r.current,
                round=r.round,
                state=r.state,
                closed=r.state == "closed",
                totals=r.funding.totals,
                reviews=[d for d in view.review_dates if d.round == r.slug],
            )
            for r in view.rounds
        ],
        next_review=view.next_review,
        eligibility_page=has_eligibility_page(view),
    )


@dataclass(frozen=True)
class ReviewPage(PageContext):
    """A review date: what was decided on it, or, for the next one, the proposals waiting
    for it."""

    nav_current: ClassVar[str] = "funding"

    review: ReviewDate
    rounds_index: bool
    """The call has the rounds' index: the page sits under it (else under the funding
    page, as in a call of ``campaign.yml``)."""
    round_name: str | None
    """The name of the round the review date belongs to (None: none, or an unnamed
    ``campaign.yml``: the page names no round)."""
    is_next: bool
    """It is the next review date: nothing waits for it yet, rather than not yet known."""
    jury: JuryResults | None
    """The round's jury and the commons it scored on this date, with their rank in the
    round (None: the round has no jury)."""


def review_page(view: CatalogueView, review: ReviewDate) -> ReviewPage:
    """The page of one review date, named after the round it belongs to."""
    return ReviewPage(
        review=review,
        rounds_index=has_rounds_index(view),
        round_name=view.round_name(review.round) if review.round else None,
        is_next=review.date == view.next_review,
        jury=jury_results(view, review.round, review.date) if review.round else None,
    )


@dataclass(frozen=True)
class UnmetRow:
    """A common of the current round that does not meet a criterion yet."""

    common: Common
    unmet: tuple[Criterion, ...]
    """What it does not meet, and why."""


@dataclass(frozen=True)
class EligibilityPage(PageContext):
    """The maintainers' view: the current round's criteria, and the commons of that round
    that do not meet one yet, with what is unmet and why."""

    nav_current: ClassVar[str] = "commons"
    indexed: ClassVar[bool] = False

    round_name: str | None
    """The current round's name (None: an unnamed ``campaign.yml``, which the page calls
    the current round)."""
    criteria: Eligibility | None
    """Its criteria (None: it sets none)."""
    unmet: list[UnmetRow]
    eligible_count: int
    """How many commons of the round meet every criterion."""


def eligibility_page(view: CatalogueView) -> EligibilityPage:
    """The maintainers' list, when ``has_eligibility_page``: the count of the commons that
    meet every criterion is worked out here, not by the template."""
    current = view.current_round
    return EligibilityPage(
        round_name=view.round_name(current.slug) if current else None,
        criteria=current.round.eligibility if current is not None and current.round else None,
        unmet=[UnmetRow(c, view.eligibility[c.slug].unmet) for c in view.not_eligible],
        eligible_count=len(view.eligibility) - len(view.not_eligible),
    )
