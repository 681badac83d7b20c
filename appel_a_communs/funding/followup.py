"""After the money (SPEC): what became of each funded common, computed from its files.

Deliverables give a common's progress (delivered / total, late ones); money pledges with
status ``paid`` give what was paid against what was secured; reports (``content/reports/``)
give what was spent on each line of the budget. All of it per common and round, from each
round's own catalogue (``funding.rounds``), so that a later round never changes an
earlier one's follow-up. The rule: a round's reports may not spend more than the money
secured in that round.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from appel_a_communs.content.catalogue import Catalogue
from appel_a_communs.content.errors import ContentError, display_path
from appel_a_communs.content.models import Budget, Common, Deliverable, Pledge, Report
from appel_a_communs.content.rounds import is_campaign
from appel_a_communs.funding.engine import counted_pledges, goals, percent
from appel_a_communs.funding.rounds import CallFunding, RoundFunding
from appel_a_communs.i18n import M_

ZERO = Decimal(0)


@dataclass(frozen=True)
class MoneyStages:
    """Money pledged; of which secured (the pledges that count: firm, or whose condition
    holds); of which confirmed, of which paid: ``confirmed`` counts the paid pledges too
    (paid money was confirmed first). None when an amount is sealed."""

    pledged: Decimal | None
    confirmed: Decimal | None
    paid: Decimal | None
    secured: Decimal | None = None


def money_stages(pledges: Iterable[Pledge], counted: AbstractSet[str] = frozenset()):
    """What ``pledges`` put on the table (``secured``: those whose id is in ``counted``);
    amounts None (sealed) make every total None."""
    pledged = confirmed = paid = secured = ZERO
    for pledge in pledges:
        money = pledge.money
        if money is None:
            continue
        if money.amount is None:
            return SEALED
        pledged += money.amount
        if pledge.id in counted:
            secured += money.amount
        if money.status in ("confirmed", "paid"):
            confirmed += money.amount
        if money.status == "paid":
            paid += money.amount
    return MoneyStages(pledged, confirmed, paid, secured)


SEALED = MoneyStages(None, None, None, None)
"""The money of a sealed round."""


def add_stages(stages: Iterable[MoneyStages]) -> MoneyStages:
    """The sum of several; a sealed one (None) makes the sum None."""
    items = list(stages)

    def total(name: str) -> Decimal | None:
        values = [getattr(s, name) for s in items]
        return None if any(v is None for v in values) else sum(values, ZERO)

    return MoneyStages(total("pledged"), total("confirmed"), total("paid"), total("secured"))


def minimum_reached_on(pledges: Sequence[Pledge], minimum: Decimal, stretch: Decimal):
    """The first day on which the money counted from the pledges made so far reached the
    minimum goal (None: never, or no goal). Counting only grows as pledges are added (a
    condition met stays met), so the day is found by bisection over the pledges' days."""
    money = sorted((p for p in pledges if p.money), key=lambda p: (p.date, p.id))
    if minimum <= 0 or not money:
        return None
    if not any(p.money.condition for p in money if p.money):  # firm money: a running sum
        total = ZERO
        for pledge in money:
            total += pledge.money.amount  # type: ignore[union-attr]
            if total >= minimum:
                return pledge.date
        return None
    days = sorted({p.date for p in money})

    def reached(index: int) -> bool:
        made = [p for p in money if p.date <= days[index]]
        counted = counted_pledges(made, minimum, stretch)
        return sum((p.money.amount for p in counted if p.money), ZERO) >= minimum

    if not reached(len(days) - 1):
        return None
    return days[bisect_left(range(len(days)), True, key=reached)]


@dataclass(frozen=True)
class Progress:
    delivered: int
    total: int
    late: list[Deliverable]
    """Deliverables whose ``due`` day has passed undone, the oldest first."""

    @property
    def percent(self) -> Decimal | None:
        if not self.total:
            return None
        return percent(Decimal(self.delivered), Decimal(self.total))


def deliverable_progress(common: Common, today: date) -> Progress:
    late = [d for d in common.deliverables if not d.done and d.due is not None and d.due < today]
    return Progress(
        delivered=sum(1 for d in common.deliverables if d.done),
        total=len(common.deliverables),
        late=sorted(late, key=lambda d: d.due or today),
    )


# --- reports -----------------------------------------------------------------------------


def report_round(call: CallFunding, report: Report) -> RoundFunding | None:
    """The round a report speaks of: its ``round`` key; else the one round opened by the
    report's day. Once several rounds have opened, a report must name its round: a default
    taken from the rounds its common took part in would move the report (and a closed
    round's spending) the day its common joined another one. The one round of
    ``campaign.yml``, and a call without rounds, take every report. None: no such round."""
    rounds = [r.round for r in call.rounds if r.round is not None]
    if not rounds or is_campaign(rounds):
        return call.rounds[0]
    if report.round is not None:
        return next((r for r in call.rounds if r.slug == report.round), None)
    opened = _opened_by(call, report.date)
    return opened[0] if len(opened) == 1 else None


def suggested_round(call: CallFunding, report: Report) -> RoundFunding | None:
    """The round a submitted report without one is written with: of the rounds its common
    took part in, the last one opened by its day (a report often comes after its round
    has closed); None: none. The processor writes it into the file (``report_round``)."""
    found = report_round(call, report)
    if found is not None and report.common in found.funding.commons:
        return found
    opened = {id(r) for r in _opened_by(call, report.date)}
    taken = [r for r, _ in call.of_common(report.common) if id(r) in opened]
    return taken[-1] if taken else None


def _opened_by(call: CallFunding, day: date) -> list[RoundFunding]:
    return [r for r in call.rounds
            if r.round is not None and (r.round.opens is None or r.round.opens <= day)]  # fmt: skip


def reports_by_common(catalogue: Catalogue) -> dict[str, list[Report]]:
    """Common slug → its reports, by date then slug (commons without any are absent)."""
    found: dict[str, list[Report]] = defaultdict(list)
    for report in sorted(catalogue.reports.values(), key=lambda r: (r.date, r.slug)):
        found[report.common].append(report)
    return dict(found)


def round_budget(result: RoundFunding, slug: str) -> Budget | None:
    """The common's budget in that round (its ``budgets`` entry, else its ``budget``)."""
    common = result.catalogue.commons.get(slug)
    return common.budget if common else None


@dataclass(frozen=True)
class LineSpending:
    """One budget line of a round, and what the round's reports spent on it."""

    label: str
    amount: Decimal
    stretch: bool
    spent: Decimal

    @property
    def over(self) -> bool:
        return self.spent > self.amount

    @property
    def percent(self) -> Decimal | None:
        if self.amount <= 0:
            return None
        return percent(self.spent, self.amount)


def spending(budget: Budget | None, reports: Iterable[Report]) -> list[LineSpending]:
    """Each line of the budget with the money the reports spent on it, in budget order."""
    spent: dict[str, Decimal] = defaultdict(Decimal)
    for report in reports:
        for item in report.spent:
            spent[item.label] += item.amount
    lines = budget.lines if budget else []
    return [LineSpending(line.label, line.amount, line.stretch, spent.get(line.label, ZERO))
            for line in lines]  # fmt: skip


def placed_reports(
    call: CallFunding, catalogue: Catalogue
) -> dict[tuple[str, str | None], list[Report]]:
    """(common slug, round slug) → the reports of that common on that round, by date;
    reports that name no round the common took part in are left out (``check_reports``
    reports them)."""
    placed: dict[tuple[str, str | None], list[Report]] = defaultdict(list)
    for slug, reports in reports_by_common(catalogue).items():
        for report in reports:
            found = report_round(call, report)
            if found is not None and slug in found.funding.commons:
                placed[(slug, found.slug)].append(report)
    return dict(placed)


def check_reports(
    catalogue: Catalogue, call: CallFunding, name: Callable[[Path], str] = display_path
) -> list[ContentError]:
    """Each report's round and budget lines must exist, and a round's reports may not
    spend more than the money secured in it: the error names the reports and the common."""
    errors: list[ContentError] = []
    spent: dict[tuple[str, str | None], list[Report]] = defaultdict(list)
    for report in sorted(catalogue.reports.values(), key=lambda r: (r.date, r.slug)):
        source = str(catalogue.source_of("reports", report.slug))
        if report.common not in catalogue.commons:
            continue  # the loader reports it
        found = report_round(call, report)
        if found is None or report.common not in found.funding.commons:
            field = "round" if report.round else "date"
            errors.append(ContentError(source, field, _no_round(call, report)))
            continue
        budget = round_budget(found, report.common)
        labels = [line.label for line in budget.lines] if budget else []
        for i, item in enumerate(report.spent):
            if item.label not in labels:
                problem = _no_line(item.label, report.common, found, labels)
                errors.append(ContentError(source, f"spent[{i}].label", problem))
        spent[(report.common, found.slug)].append(report)
    for (slug, round_slug), reports in spent.items():
        result = next(r for r in call.rounds if r.slug == round_slug)
        secured = result.funding.commons[slug].secured
        total = sum((item.amount for r in reports for item in r.spent), ZERO)
        if total > secured:
            files = [catalogue.source_of("reports", r.slug) for r in reports]
            common_file = catalogue.source_of("commons", slug)
            errors.append(
                ContentError(
                    str(files[-1]),
                    "spent",
                    _overspent(
                        slug,
                        round_slug if _has_rounds(call) else None,
                        f"{total:.2f} {catalogue.currency}",
                        ", ".join(name(p) for p in files if p is not None),
                        f"{secured:.2f} {catalogue.currency}",
                        name(common_file) if common_file else slug,
                    ),
                )
            )
    return errors


def _overspent(
    common: str, round_slug: str | None, total: str, files: str, secured: str, common_file: str
) -> str:
    words = {"common": common, "round": round_slug, "total": total, "files": files,
             "secured": secured, "common_file": common_file}  # fmt: skip
    if round_slug is None:
        return M_(
            "the reports of '%(common)s' spend %(total)s (%(files)s), more than the "
            "%(secured)s secured (%(common_file)s)",
            **words,
        )
    return M_(
        "the reports of '%(common)s' in round '%(round)s' spend %(total)s (%(files)s), more "
        "than the %(secured)s secured in round '%(round)s' (%(common_file)s)",
        **words,
    )


def _has_rounds(call: CallFunding) -> bool:
    rounds = [r.round for r in call.rounds if r.round is not None]
    return bool(rounds) and not is_campaign(rounds)


def _no_round(call: CallFunding, report: Report) -> str:
    taken = ", ".join(r.slug or "" for r, _ in call.of_common(report.common)) or "—"
    if report.round is not None:
        return M_(
            "'%(common)s' takes no part in round '%(round)s' (its rounds: %(rounds)s)",
            common=report.common,
            round=report.round,
            rounds=taken,
        )
    opened = _opened_by(call, report.date)
    if len(opened) > 1:
        return M_(
            "several rounds had opened by %(date)s (%(opened)s): set round to the one it "
            "reports on (the rounds of '%(common)s': %(rounds)s)",
            date=report.date,
            opened=", ".join(r.slug or "" for r in opened),
            common=report.common,
            rounds=taken,
        )
    if opened:
        return M_(
            "'%(common)s' takes no part in round '%(round)s', the one round opened by "
            "%(date)s (its rounds: %(rounds)s); set round",
            common=report.common,
            round=opened[0].slug,
            date=report.date,
            rounds=taken,
        )
    return M_(
        "no round had opened by %(date)s (the rounds of '%(common)s': %(rounds)s); set round",
        date=report.date,
        common=report.common,
        rounds=taken,
    )


def _no_line(label: str, common: str, result: RoundFunding, labels: list[str]) -> str:
    if not labels:
        return M_("'%(common)s' has no budget to spend on", common=common)
    lines = ", ".join(f"'{x}'" for x in labels)
    if not result.slug:
        return M_(
            "no line '%(label)s' in the budget of '%(common)s'; its lines: %(lines)s",
            label=label,
            common=common,
            lines=lines,
        )
    return M_(
        "no line '%(label)s' in the budget of '%(common)s' for round '%(round)s'; its lines: "
        "%(lines)s",
        label=label,
        common=common,
        round=result.slug,
        lines=lines,
    )


# --- the follow-up of each common ----------------------------------------------------------


@dataclass(frozen=True)
class RoundFollowUp:
    """A common's money in one round: secured, and the stages of what was pledged; what
    its reports spent, line by line."""

    round: str | None
    secured: Decimal
    money: MoneyStages
    """None while the round is sealed: split by status, a common's money would show an
    actor's amount (the one funder who confirmed, or paid)."""
    minimum_reached_on: date | None
    lines: list[LineSpending]
    reports: list[Report]

    @property
    def paid(self) -> Decimal | None:
        return self.money.paid

    @property
    def spent(self) -> Decimal:
        return sum((item.amount for r in self.reports for item in r.spent), ZERO)

    @property
    def percent_paid(self) -> Decimal | None:
        if self.secured <= 0 or self.paid is None:
            return None
        return percent(self.paid, self.secured)

    @property
    def paid_width(self) -> Decimal:
        """The width of the paid part of a bar whose whole is the secured money, in
        percent (0 to 100: money paid on a pledge that does not count fills it at most)."""
        return min(self.percent_paid or ZERO, Decimal(100))

    @property
    def budgeted(self) -> Decimal:
        """The round's budget, every line (stretch ones too)."""
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def percent_spent(self) -> Decimal | None:
        """What the round's reports spent, in percent of the money secured in it."""
        if self.secured <= 0:
            return None
        return percent(self.spent, self.secured)

    @property
    def shown(self) -> bool:
        """Whether there is anything to follow up in this round: money secured or paid,
        or a report."""
        return self.secured > 0 or (self.paid or ZERO) > 0 or bool(self.reports)

    def report_lines(self, slug: str) -> list[ReportLine]:
        """Each budget line of the round with what the report ``slug`` spent on it."""
        report = next((r for r in self.reports if r.slug == slug), None)
        spent: dict[str, Decimal] = defaultdict(Decimal)
        for item in report.spent if report else []:
            spent[item.label] += item.amount
        return [ReportLine(line, spent.get(line.label, ZERO)) for line in self.lines]

    def spent_by(self, slug: str) -> Decimal:
        """What the report ``slug`` spent in all (0 if it is not one of this round's)."""
        report = next((r for r in self.reports if r.slug == slug), None)
        return sum((item.amount for item in report.spent), ZERO) if report else ZERO


@dataclass(frozen=True)
class ReportLine:
    """One budget line on a report's page: what that report spent on it, beside the
    round's line (``line.spent``: what every report of the round spent on it)."""

    line: LineSpending
    spent: Decimal


@dataclass(frozen=True)
class TimelineEvent:
    day: date
    kind: str
    """proposed, review, minimum-reached, deliverable, report."""
    round: str | None = None
    item: object = None
    """The Review, Deliverable or Report it is about (None for the others)."""


TIMELINE_ORDER = ("proposed", "review", "minimum-reached", "deliverable", "report")


@dataclass(frozen=True)
class FollowUp:
    progress: Progress
    rounds: list[RoundFollowUp]
    """Each round the common took part in, in order."""
    reports: list[Report]
    """Every report of the common, the oldest first."""
    timeline: list[TimelineEvent]
    proposed_on: date | None = None
    """The common's day (``proposed_on``): its timeline's first event, its feeds' date."""

    @property
    def followed_rounds(self) -> list[RoundFollowUp]:
        """The rounds with something to follow up (``RoundFollowUp.shown``)."""
        return [r for r in self.rounds if r.shown]

    def in_round(self, round_slug: str | None) -> RoundFollowUp | None:
        """Its follow-up in that round (None: it took no part in it)."""
        return next((r for r in self.rounds if r.round == round_slug), None)

    def round_of_report(self, slug: str) -> RoundFollowUp | None:
        """The round whose reports include ``slug`` (None: a report placed in no round)."""
        return next((r for r in self.rounds if any(x.slug == slug for x in r.reports)), None)

    def other_reports(self, slug: str) -> list[Report]:
        """Every report of the common but ``slug``, the oldest first."""
        return [r for r in self.reports if r.slug != slug]


def proposed_on(catalogue: Catalogue, call: CallFunding, slug: str) -> date | None:
    """The SPEC gives commons no date: a common's is that of its first pledge (its
    proposers usually join it at once), else the opening of its first round; never after
    its first review."""
    pledges = catalogue.pledges_by_common.get(slug)
    first = next((r.round for r, _ in call.of_common(slug) if r.round is not None), None)
    day = pledges[0].date if pledges else first.opens if first is not None else None
    reviews = [r.date for r in catalogue.commons[slug].reviews]
    if reviews and (day is None or min(reviews) < day):
        return min(reviews)
    return day


def follow_up(
    catalogue: Catalogue,
    call: CallFunding,
    today: date,
    reviews: dict[str, list] | None = None,
) -> dict[str, FollowUp]:
    """Common slug → its follow-up; ``reviews`` gives each common's (review, round slug)
    entries for its timeline (the view's review history)."""
    placed = placed_reports(call, catalogue)
    by_common = reports_by_common(catalogue)
    found = {}
    for slug, common in catalogue.commons.items():
        rounds = []
        for result, funding in call.of_common(slug):
            budget = round_budget(result, slug)
            sealed = result.funding.sealed
            minimum, stretch = goals(result.catalogue.commons[slug])
            pledges = result.catalogue.pledges_by_common.get(slug, [])
            reports = placed.get((slug, result.slug), [])
            rounds.append(
                RoundFollowUp(
                    round=result.slug,
                    secured=funding.secured,
                    money=SEALED
                    if result.funding.sealed
                    else money_stages(pledges, funding.counted),
                    # None while sealed: with the pledges' days, the day would bound
                    # the sealed amounts of the pledges before and after it
                    minimum_reached_on=None
                    if sealed
                    else minimum_reached_on(pledges, minimum, stretch),
                    lines=spending(budget, reports),
                    reports=reports,
                )
            )
        proposed = proposed_on(catalogue, call, slug)
        events = _timeline(common, proposed, rounds, (reviews or {}).get(slug, []))
        found[slug] = FollowUp(
            progress=deliverable_progress(common, today),
            rounds=rounds,
            reports=by_common.get(slug, []),
            timeline=events,
            proposed_on=proposed,
        )
    return found


def _timeline(
    common: Common, proposed: date | None, rounds: list[RoundFollowUp], reviews: list
) -> list[TimelineEvent]:
    events = []
    if proposed is not None:
        events.append(TimelineEvent(proposed, "proposed"))
    for entry in reviews:
        events.append(TimelineEvent(entry.review.date, "review", entry.round, entry.review))
    for each in rounds:
        if each.minimum_reached_on is not None:
            events.append(TimelineEvent(each.minimum_reached_on, "minimum-reached", each.round))
        for report in each.reports:
            events.append(TimelineEvent(report.date, "report", each.round, report))
    for deliverable in common.deliverables:
        if deliverable.done_on is not None:
            events.append(TimelineEvent(deliverable.done_on, "deliverable", None, deliverable))
    return sorted(events, key=lambda e: (e.day, TIMELINE_ORDER.index(e.kind)))
