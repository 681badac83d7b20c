"""The funding engine: pure functions from the catalogue to computed funding.

Nothing here is stored: every build recomputes it from the files. Money is
Decimal throughout. This module covers goals, firm and conditional money (the
counted set of the SPEC), in-kind totals, status and per-actor allocations; the
round rules, the unlock gap and matching estimates slot in beside these functions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal

from .loader import Catalogue
from .models import Common, Pledge

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ProgressBar:
    """Geometry of a funding bar, as percentages of its scale (the larger of stretch and money)."""

    scale: Decimal
    secured_width: Decimal
    pending_width: Decimal
    minimum_at: Decimal | None
    stretch_at: Decimal | None


@dataclass(frozen=True)
class CommonFunding:
    slug: str
    currency: str
    minimum: Decimal
    stretch: Decimal
    existing_funding: Decimal
    secured: Decimal
    pending: Decimal
    counted: frozenset[str]
    """Ids of the money pledges that count: firm ones and activated conditional ones."""
    funders: int
    skills_days: Decimal
    means_value: Decimal
    percent_minimum: Decimal | None
    percent_stretch: Decimal | None
    funded: bool
    status: str
    bar: ProgressBar | None

    @property
    def has_goal(self) -> bool:
        return self.stretch > 0

    @property
    def goal(self) -> Decimal:
        """The goal the bar's text speaks of: the minimum, or the stretch when all lines are."""
        return self.minimum if self.minimum > 0 else self.stretch

    @property
    def percent_goal(self) -> Decimal | None:
        return self.percent_minimum if self.minimum > 0 else self.percent_stretch


@dataclass(frozen=True)
class ActorFunding:
    slug: str
    allowance: Decimal | None
    allocated: Decimal
    """Every money pledge of the actor, conditional ones included (the SPEC's rule)."""
    remaining: Decimal | None
    secured: Decimal
    skills_days: Decimal
    means_value: Decimal
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Common slug → the roles the actor holds in it, in pledge order."""


@dataclass(frozen=True)
class Totals:
    commons: int
    actors: int
    minimum: Decimal
    stretch: Decimal
    secured: Decimal
    pending: Decimal
    skills_days: Decimal
    means_value: Decimal
    percent_minimum: Decimal | None


@dataclass(frozen=True)
class Funding:
    commons: dict[str, CommonFunding]
    actors: dict[str, ActorFunding]
    totals: Totals


# --- goals and percentages --------------------------------------------------


def goals(common: Common) -> tuple[Decimal, Decimal]:
    """(minimum, stretch): non-stretch lines, and all lines."""
    if common.budget is None:
        return ZERO, ZERO
    minimum = sum((line.amount for line in common.budget.lines if not line.stretch), ZERO)
    stretch = sum((line.amount for line in common.budget.lines), ZERO)
    return minimum, stretch


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole``, rounded down to the cent: 99.999 stays below 100."""
    if whole <= 0:
        return None
    return (part * HUNDRED / whole).quantize(CENT, rounding=ROUND_DOWN)


def _width(part: Decimal, scale: Decimal) -> Decimal:
    return min(HUNDRED, part * HUNDRED / scale).quantize(CENT, rounding=ROUND_DOWN)


def progress_bar(minimum: Decimal, stretch: Decimal, secured: Decimal, pending: Decimal):
    """The bar of a common with a goal; None when it has no budget."""
    if stretch <= 0:
        return None
    scale = max(stretch, secured)
    secured_width = _width(secured, scale)
    pending_width = min(HUNDRED - secured_width, _width(pending, scale))
    return ProgressBar(
        scale=scale,
        secured_width=secured_width,
        pending_width=pending_width,
        minimum_at=_width(minimum, scale) if 0 < minimum < stretch else None,
        stretch_at=_width(stretch, scale),
    )


# --- conditional money ------------------------------------------------------


def _condition_holds(
    pledge: Pledge, counted: Sequence[Pledge], minimum: Decimal, stretch: Decimal
) -> bool:
    condition = pledge.money.condition if pledge.money else None
    if condition is None:
        return True
    if condition.total_at_least is not None:
        threshold = {"minimum": minimum, "stretch": stretch}.get(
            condition.total_at_least,  # type: ignore[arg-type]
            condition.total_at_least,
        )
        total = sum((p.money.amount for p in counted if p.money), ZERO)
        if total < threshold:  # type: ignore[operator]
            return False
    if condition.funders_at_least is not None:
        funders = {p.actor for p in counted if p.money}
        if len(funders) < condition.funders_at_least:
            return False
    return True


def counted_pledges(
    money_pledges: Sequence[Pledge], minimum: Decimal, stretch: Decimal
) -> list[Pledge]:
    """The largest set of money pledges whose conditions all hold when only it counts.

    Start from all pledges, drop those whose condition fails, repeat until nothing
    changes (SPEC, "Funding, computed at build time").
    """
    counted = list(money_pledges)
    while True:
        kept = [p for p in counted if _condition_holds(p, counted, minimum, stretch)]
        if len(kept) == len(counted):
            return kept
        counted = kept


# --- status -----------------------------------------------------------------


def common_status(
    common: Common,
    minimum: Decimal,
    stretch: Decimal,
    secured: Decimal,
    closes: date | None,
    today: date,
) -> str:
    """proposed → open → minimum-reached → stretch-reached; unfunded after closing."""
    if common.stage in ("proposed", "archived"):
        return common.stage
    if stretch > 0 and secured >= stretch:
        return "stretch-reached"
    if stretch > 0 and secured >= minimum:
        return "minimum-reached"
    if closes is not None and today > closes and stretch > 0:
        return "unfunded"
    return "open"


# --- the whole call ---------------------------------------------------------


def _sum(values: Iterable[Decimal]) -> Decimal:
    return sum(values, ZERO)


def compute_common(
    common: Common, pledges: Sequence[Pledge], currency: str, closes: date | None, today: date
) -> CommonFunding:
    minimum, stretch = goals(common)
    money = [p for p in pledges if p.money is not None]
    counted = counted_pledges(money, minimum, stretch)
    counted_ids = frozenset(p.id for p in counted)
    secured = _sum(p.money.amount for p in counted if p.money)
    pending = _sum(p.money.amount for p in money if p.money and p.id not in counted_ids)
    return CommonFunding(
        slug=common.slug,
        currency=currency,
        minimum=minimum,
        stretch=stretch,
        existing_funding=(common.budget.existing_funding or ZERO) if common.budget else ZERO,
        secured=secured,
        pending=pending,
        counted=counted_ids,
        funders=len({p.actor for p in counted}),
        skills_days=_sum(p.skills.days for p in pledges if p.skills),
        means_value=_sum(p.means.value for p in pledges if p.means and p.means.value),
        percent_minimum=percent(secured, minimum),
        percent_stretch=percent(secured, stretch),
        funded=stretch > 0 and secured >= minimum,
        status=common_status(common, minimum, stretch, secured, closes, today),
        bar=progress_bar(minimum, stretch, secured, pending),
    )


def compute_funding(catalogue: Catalogue, today: date) -> Funding:
    """Funding of every common and actor, and the call's headline totals."""
    by_common: dict[str, list[Pledge]] = defaultdict(list)
    by_actor: dict[str, list[Pledge]] = defaultdict(list)
    for pledge in sorted(catalogue.pledges.values(), key=lambda p: (p.date, p.id)):
        by_common[pledge.common].append(pledge)
        by_actor[pledge.actor].append(pledge)

    closes = catalogue.campaign.closes if catalogue.campaign else None
    commons = {
        slug: compute_common(common, by_common[slug], catalogue.currency, closes, today)
        for slug, common in catalogue.commons.items()
    }
    counted = frozenset().union(*(c.counted for c in commons.values()))

    actors = {}
    for slug, actor in catalogue.actors.items():
        own = by_actor[slug]
        roles: dict[str, list[str]] = defaultdict(list)
        for pledge in own:
            if pledge.role not in roles[pledge.common]:
                roles[pledge.common].append(pledge.role)
        allocated = _sum(p.money.amount for p in own if p.money)
        actors[slug] = ActorFunding(
            slug=slug,
            allowance=actor.allowance,
            allocated=allocated,
            remaining=actor.allowance - allocated if actor.allowance is not None else None,
            secured=_sum(p.money.amount for p in own if p.money and p.id in counted),
            skills_days=_sum(p.skills.days for p in own if p.skills),
            means_value=_sum(p.means.value for p in own if p.means and p.means.value),
            roles={common: tuple(r) for common, r in roles.items()},
        )

    live = [commons[slug] for slug, c in catalogue.commons.items() if c.stage != "archived"]
    minimum = _sum(c.minimum for c in live)
    totals = Totals(
        commons=len(live),
        actors=len(catalogue.actors),
        minimum=minimum,
        stretch=_sum(c.stretch for c in live),
        secured=_sum(c.secured for c in live),
        pending=_sum(c.pending for c in live),
        skills_days=_sum(c.skills_days for c in live),
        means_value=_sum(c.means_value for c in live),
        percent_minimum=percent(_sum(c.secured for c in live), minimum),
    )
    return Funding(commons=commons, actors=actors, totals=totals)
