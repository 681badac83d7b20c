"""A common's follow-up report (``report.html``): what it spent against the budget of its
round, beside what every report of that round spent, then its text and the common's
other reports."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from appel_a_communs.content.models import Common, Report
from appel_a_communs.funding.followup import ReportLine
from appel_a_communs.site.pages import PageContext

if TYPE_CHECKING:
    from appel_a_communs.site.view import CatalogueView


@dataclass(frozen=True)
class ReportSpending:
    """The report's spending in its round (``funding.followup.RoundFollowUp``, computed by
    the core)."""

    lines: list[ReportLine]
    """Each budget line of the round, with what this report spent on it."""
    budgeted: Decimal
    """The round's budget, every line."""
    spent_here: Decimal
    """What this report spent in all."""
    spent: Decimal
    """What every report of the round spent."""
    secured: Decimal
    percent_spent: Decimal | None
    """``spent`` in percent of ``secured`` (None: nothing secured)."""


@dataclass(frozen=True)
class ReportPage(PageContext):
    nav_current: ClassVar[str] = "commons"

    report: Report
    common: Common
    round_slug: str | None
    """The round the report belongs to, when the call has several rounds (the page names
    it and links to it); else None."""
    round_name: str | None
    spending: ReportSpending | None
    """None: the report is placed in no round (its page shows no spending)."""
    others: list[Report]
    """The common's other reports, the oldest first."""


def report_page(view: CatalogueView, report: Report) -> ReportPage:
    common = view.commons_by_slug[report.common]
    follow = view.follow_up.get(common.slug)
    placed = follow.round_of_report(report.slug) if follow else None
    shown = placed.round if placed and view.several_rounds else None
    spending = None
    if placed is not None:
        spending = ReportSpending(
            lines=placed.report_lines(report.slug),
            budgeted=placed.budgeted,
            spent_here=placed.spent_by(report.slug),
            spent=placed.spent,
            secured=placed.secured,
            percent_spent=placed.percent_spent,
        )
    return ReportPage(
        report=report,
        common=common,
        round_slug=shown,
        round_name=view.round_name(shown) if shown else None,
        spending=spending,
        others=follow.other_reports(report.slug) if follow else [],
    )
