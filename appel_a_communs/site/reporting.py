"""A round's report for its funders (SPEC, "After the money"): per common, what was
promised, secured, paid, delivered and reported in that round, and the round's totals.

Every figure is a common's or the round's, never an actor's. What was secured, the goals
and the status come from the round's own funding, public while the round is sealed (as on
the funding page); what was promised and paid comes from each common's follow-up
(``funding.followup``), which holds it as None while the round is sealed (split by
status, a common's money could show one actor's amount): so are the totals then.
Templates print these figures and add nothing up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from appel_a_communs.content.models import Common, Deliverable, Report
from appel_a_communs.funding.engine import Funding, distinct_minimum, percent
from appel_a_communs.funding.followup import FollowUp

if TYPE_CHECKING:
    from appel_a_communs.site.view import RoundView

ZERO = Decimal(0)


@dataclass(frozen=True)
class ReportRow:
    """One common in one round."""

    common: Common
    """As the round saw it (its budget in that round)."""
    status: str
    """Its funding status in the round (``CommonFunding.status``)."""
    shown_status: str
    """That status as its label words it (``CommonFunding.shown_status``)."""
    pledged: Decimal | None
    """Every money pledge made to it in the round, conditional ones included; None while
    the round is sealed."""
    minimum: Decimal
    stretch: Decimal
    secured: Decimal
    matching: Decimal | None
    """Its matching in the round (an estimate while the round is open); None: no matching
    in the round, or the common is not eligible for it."""
    paid: Decimal | None
    """None while the round is sealed."""
    spent: Decimal
    """What its reports on the round spent."""
    delivered: int
    deliverables: int
    late: list[Deliverable]
    """Deliverables whose due day has passed undone, the oldest first."""
    reports: list[Report]
    """Its reports on the round, by date."""

    @property
    def percent_paid(self) -> Decimal | None:
        """Paid as a percentage of secured, rounded down (None: nothing secured, or
        sealed)."""
        return None if self.paid is None else percent(self.paid, self.secured)


@dataclass(frozen=True)
class ReportTotals:
    """The sums of a round's rows."""

    commons: int
    pledged: Decimal | None
    """None while the round is sealed, as each row's."""
    minimum: Decimal
    stretch: Decimal
    secured: Decimal
    matching: Decimal | None
    """None when the round has no matching."""
    paid: Decimal | None
    """None while the round is sealed."""
    spent: Decimal
    delivered: int
    deliverables: int
    late: int
    """Late deliverables, over every common of the round."""
    reports: int

    @property
    def percent_paid(self) -> Decimal | None:
        return None if self.paid is None else percent(self.paid, self.secured)


@dataclass(frozen=True)
class RoundReport:
    round: str | None
    """The round's slug; None for a call without rounds."""
    rows: list[ReportRow]
    """The commons taking part in the round, by title."""
    totals: ReportTotals
    matching: bool
    """Whether the round has matching (its report shows the column)."""
    one_goal: bool = False
    """No common of the round has a minimum goal of its own, below its stretch goal: the
    report words their goals "Goal", in one column, rather than minimum and stretch."""


def report_row(common: Common, funding: Funding, follow_up: FollowUp, round_slug: str | None):
    """The row of ``common`` in the round whose funding is ``funding``."""
    result = funding.commons[common.slug]
    money = follow_up.in_round(round_slug)
    progress = follow_up.progress
    return ReportRow(
        common=common,
        status=result.status,
        shown_status=result.shown_status,
        pledged=money.money.pledged if money else ZERO,
        minimum=result.minimum,
        stretch=result.stretch,
        secured=result.secured,
        matching=result.matching_estimate if funding.matching else None,
        paid=money.money.paid if money else ZERO,
        spent=money.spent if money else ZERO,
        delivered=progress.delivered,
        deliverables=progress.total,
        late=list(progress.late),
        reports=list(money.reports) if money else [],
    )


def report_totals(rows: list[ReportRow], matching: bool) -> ReportTotals:
    def total(name: str) -> Decimal:
        return sum((getattr(row, name) for row in rows), ZERO)

    def total_or_sealed(name: str) -> Decimal | None:
        values = [getattr(row, name) for row in rows]
        return None if any(v is None for v in values) else sum(values, ZERO)

    return ReportTotals(
        commons=len(rows),
        pledged=total_or_sealed("pledged"),
        minimum=total("minimum"),
        stretch=total("stretch"),
        secured=total("secured"),
        matching=sum((row.matching or ZERO for row in rows), ZERO) if matching else None,
        paid=total_or_sealed("paid"),
        spent=total("spent"),
        delivered=sum(row.delivered for row in rows),
        deliverables=sum(row.deliverables for row in rows),
        late=sum(len(row.late) for row in rows),
        reports=sum(len(row.reports) for row in rows),
    )


def round_report(
    round_slug: str | None,
    commons: Iterable[Common],
    funding: Funding,
    follow_ups: dict[str, FollowUp],
) -> RoundReport:
    """The report of one round: ``commons`` are those taking part in it (in the order
    shown), ``funding`` its own funding, ``follow_ups`` every common's follow-up."""
    rows = [report_row(c, funding, follow_ups[c.slug], round_slug) for c in commons]
    matching = funding.matching is not None
    one_goal = not any(distinct_minimum(row.minimum, row.stretch) for row in rows)
    return RoundReport(round_slug, rows, report_totals(rows, matching), matching, one_goal)


def round_reports(
    rounds: list[RoundView],
    commons: list[Common],
    funding: Funding,
    follow_ups: dict[str, FollowUp],
) -> dict[str | None, RoundReport]:
    """Round slug → its report, for each round (``rounds``: none for a call without
    rounds, which has one report, under None, of every common in ``commons`` and the
    call's ``funding``)."""
    if not rounds:
        return {None: round_report(None, commons, funding, follow_ups)}
    return {
        each.slug: round_report(each.slug, each.view.commons, each.funding, follow_ups)
        for each in rounds
    }
