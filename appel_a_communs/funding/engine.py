"""The funding engine: pure functions from the catalogue to computed funding.

Nothing here is stored: every build recomputes it from the files. Money is
Decimal throughout. This module covers goals, firm and conditional money (the
counted set of the SPEC), in-kind totals, status and per-actor allocations; the
round rules, the unlock gap and matching estimates slot in beside these functions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_DOWN, Decimal

from appel_a_communs.content.catalogue import Catalogue
from appel_a_communs.content.models import Common, Matching, Pledge
from appel_a_communs.funding.matching import (
    proportional_marginals,
    quadratic_marginals,
    share_limit,
)

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class UnlockGap:
    """The least extra firm money that would activate a pending pledge, and what it releases."""

    amount: Decimal
    releases: Decimal


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
    unlock_gap: UnlockGap | None = None
    eligible_for_matching: bool = False
    matching_estimate: Decimal | None = None
    """The match "if the round closed now"; None without matching or when not eligible."""
    matching_with_one_more: Decimal | None = None
    """What one more funder of ``ONE_MORE_FUNDER`` would add to the match (every pool's)."""
    matches: tuple[tuple[str, Decimal], ...] = ()
    """(funder, its match) for each pool that may fund the common, in the round's order:
    ``matching_estimate`` is their sum."""

    @property
    def has_goal(self) -> bool:
        return self.stretch > 0

    @property
    def has_minimum_goal(self) -> bool:
        """Whether its minimum goal is a goal of its own, below the stretch goal: the bar
        marks it and the legend names it only then."""
        return distinct_minimum(self.minimum, self.stretch)

    @property
    def shown_status(self) -> str:
        """Its status as its label words it: ``goal-reached`` for a common of one goal (no
        minimum of its own below the stretch goal) that reached it, whose status
        ``stretch-reached`` would speak of a stretch goal it does not have; else its status."""
        if self.status == "stretch-reached" and not self.has_minimum_goal:
            return "goal-reached"
        return self.status

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
    activations: int = 0
    """How many of its pledges activated others' conditional pledges."""


@dataclass(frozen=True)
class Totals:
    commons: int
    actors: int
    allowances: Decimal
    allocated: Decimal
    minimum: Decimal
    stretch: Decimal
    secured: Decimal
    pending: Decimal
    skills_days: Decimal
    means_value: Decimal
    percent_minimum: Decimal | None


@dataclass(frozen=True)
class MatchingSummary:
    funder: str
    method: str
    pool: Decimal
    ratio: Decimal
    min_funders: int
    cap_percent: Decimal | None
    """The cap as a percentage of the pool (0.25 → 25)."""
    total: Decimal
    """The sum of every estimate: what the pool would pay out if the round closed now."""
    one_more: Decimal
    """The pledge of the hypothetical extra funder behind ``matching_with_one_more``."""
    challenges: tuple[str, ...] = ()
    """It matches only the commons that answer one of these challenges (empty: any)."""
    proposer_kinds: tuple[str, ...] = ()
    """It matches only the commons proposed by an actor of one of these kinds (empty: any)."""
    max_share_percent: Decimal | None = None
    """Its match for a common is at most this percentage of the common's stretch goal."""
    matched: int = 0
    """How many commons it may fund (accepted, within its rules)."""

    @property
    def remaining(self) -> Decimal:
        """What the pool keeps: the pool less what it pays out, never below 0."""
        return max(self.pool - self.total, ZERO)

    @property
    def restricted(self) -> bool:
        """Whether it has rules of its own beyond the method (challenges, kinds, share)."""
        return bool(self.challenges or self.proposer_kinds or self.max_share_percent is not None)


@dataclass(frozen=True)
class Funding:
    commons: dict[str, CommonFunding]
    actors: dict[str, ActorFunding]
    totals: Totals
    pools: tuple[MatchingSummary, ...] = ()
    """The round's matching pools, one per funder, in its file's order (empty: none)."""
    sealed: bool = False
    """Per-actor amounts are hidden everywhere while a sealed round is open."""

    @property
    def matching(self) -> MatchingSummary | None:
        """The round's first matching pool; None: it has no matching."""
        return self.pools[0] if self.pools else None

    @property
    def several_pools(self) -> bool:
        return len(self.pools) > 1

    @property
    def matching_total(self) -> Decimal:
        """What every pool would pay out together."""
        return _sum(p.total for p in self.pools)

    @property
    def matching_pool(self) -> Decimal:
        """Every pool's money together."""
        return _sum(p.pool for p in self.pools)


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


def distinct_minimum(minimum: Decimal, stretch: Decimal) -> bool:
    """Whether a minimum goal stands on its own, below the stretch goal: the one rule for
    marking it on a bar, a chart or a legend."""
    return 0 < minimum < stretch


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
        minimum_at=_width(minimum, scale) if distinct_minimum(minimum, stretch) else None,
        stretch_at=_width(stretch, scale),
    )


# --- conditional money ------------------------------------------------------


def threshold(pledge: Pledge, minimum: Decimal, stretch: Decimal) -> Decimal:
    """The counted money a conditional pledge waits for (0 when it sets no total)."""
    condition = pledge.money.condition if pledge.money else None
    if condition is None or condition.total_at_least is None:
        return ZERO
    goal = condition.total_at_least
    if goal == "minimum":
        return minimum
    if goal == "stretch":
        return stretch
    return goal  # type: ignore[return-value]


def funders_needed(pledge: Pledge) -> int:
    condition = pledge.money.condition if pledge.money else None
    return (condition.funders_at_least or 0) if condition else 0


def counted_pledges(
    money_pledges: Sequence[Pledge], minimum: Decimal, stretch: Decimal, extra: Decimal = ZERO
) -> list[Pledge]:
    """The largest set of money pledges whose conditions all hold when only it counts.

    Start from all pledges, drop those whose condition fails, repeat until nothing
    changes (SPEC, "Funding, computed at build time"). ``extra`` is firm money from
    one more funder, to ask "what if": it counts in totals and as one funder. Firm
    pledges always hold, so each pass only looks at the conditional ones.
    """
    waiting = [
        (p, threshold(p, minimum, stretch), funders_needed(p))
        for p in money_pledges
        if p.money and p.money.condition
    ]
    if not waiting:
        return list(money_pledges)
    total = extra + sum((p.money.amount for p in money_pledges if p.money), ZERO)
    pledges_of = Counter(p.actor for p in money_pledges)
    newcomer = 1 if extra > 0 else 0
    dropped: set[str] = set()
    while True:
        funders = newcomer + len(pledges_of)
        failing = [item for item in waiting if item[1] > total or item[2] > funders]
        if not failing:
            return [p for p in money_pledges if p.id not in dropped]
        for pledge, _, _ in failing:
            dropped.add(pledge.id)
            total -= pledge.money.amount  # type: ignore[union-attr]
            pledges_of[pledge.actor] -= 1
            if not pledges_of[pledge.actor]:
                del pledges_of[pledge.actor]
        waiting = [item for item in waiting if item[0].id not in dropped]


def unlock_gap(
    money_pledges: Sequence[Pledge],
    counted: Sequence[Pledge],
    minimum: Decimal,
    stretch: Decimal,
) -> UnlockGap | None:
    """How much one more firm funder must bring to set pending pledges off.

    The pledges that activate first form a group A whose conditions hold together:
    counted money + money of A + X reaches every threshold in A, and the funders of
    the counted pledges, of A and the newcomer reach every funder count in A. For a
    cap on funder counts, the best group is every pending pledge under the cap, taken
    in order of threshold; X is the smallest shortfall over those groups. None when
    money from one more funder cannot activate anything.
    """
    counted_ids = {p.id for p in counted}
    pending = [p for p in money_pledges if p.id not in counted_ids]
    if not pending:
        return None
    base_total = sum((p.money.amount for p in counted if p.money), ZERO)
    base_funders = {p.actor for p in counted}
    best: Decimal | None = None
    for cap in sorted({funders_needed(p) for p in pending}):
        group = sorted(
            (p for p in pending if funders_needed(p) <= cap),
            key=lambda p: threshold(p, minimum, stretch),
        )
        total, funders, most_needed = ZERO, set(base_funders), 0
        for pledge in group:
            total += pledge.money.amount if pledge.money else ZERO
            funders.add(pledge.actor)
            most_needed = max(most_needed, funders_needed(pledge))
            if len(funders) + 1 < most_needed:
                continue
            gap = max(CENT, threshold(pledge, minimum, stretch) - base_total - total)
            if best is None or gap < best:
                best = gap
    if best is None:
        return None
    after = counted_pledges(money_pledges, minimum, stretch, extra=best)
    released = sum((p.money.amount for p in after if p.money), ZERO) - base_total
    return UnlockGap(amount=best, releases=released)


# --- status -----------------------------------------------------------------


def common_status(
    common: Common,
    minimum: Decimal,
    stretch: Decimal,
    secured: Decimal,
    closes: date | None,
    today: date,
) -> str:
    """proposed → open → minimum-reached → stretch-reached; unfunded after closing. In a
    closed round, a common its review declined then is ``declined`` (funding.rounds)."""
    if common.stage in ("proposed", "archived", "declined"):
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
        unlock_gap=unlock_gap(money, counted, minimum, stretch),
        eligible_for_matching=common.stage == "accepted",
    )


def activating_pledges(
    money_pledges: Sequence[Pledge], counted: Sequence[Pledge], minimum: Decimal, stretch: Decimal
) -> list[Pledge]:
    """Counted pledges without which another actor's conditional pledge would not count."""
    conditional = [p for p in counted if p.money and p.money.condition]
    if not conditional:
        return []
    total = sum((p.money.amount for p in counted if p.money), ZERO)
    pledges_of: dict[str, int] = defaultdict(int)
    for pledge in counted:
        pledges_of[pledge.actor] += 1
    most_money = max(threshold(p, minimum, stretch) for p in conditional)
    most_funders = max(funders_needed(p) for p in conditional)
    found = []
    for pledge in counted:
        funders = len(pledges_of) - (pledges_of[pledge.actor] == 1)
        if total - pledge.money.amount >= most_money and funders >= most_funders:  # type: ignore[union-attr]
            continue  # every condition still holds without it: it activates nothing
        others = [p for p in money_pledges if p is not pledge]
        still = {p.id for p in counted_pledges(others, minimum, stretch)}
        if any(q.actor != pledge.actor and q.id not in still for q in conditional):
            found.append(pledge)
    return found


def roles_by_common(pledges: Iterable[Pledge]) -> dict[str, tuple[str, ...]]:
    """Common slug → the roles the pledges give their actor in it, in pledge order."""
    roles: dict[str, list[str]] = defaultdict(list)
    for pledge in pledges:
        if pledge.role not in roles[pledge.common]:
            roles[pledge.common].append(pledge.role)
    return {common: tuple(r) for common, r in roles.items()}


def is_sealed(catalogue: Catalogue, today: date) -> bool:
    campaign = catalogue.campaign
    return bool(
        campaign and campaign.sealed and (campaign.closes is None or today <= campaign.closes)
    )


def compute_funding(catalogue: Catalogue, today: date) -> Funding:
    """Funding of every common and actor, the matching estimates and the call's totals;
    a pledge withdrawn by ``today`` counts nowhere (``Catalogue.standing``)."""
    catalogue = catalogue.standing(today)
    by_common = defaultdict(list, catalogue.pledges_by_common)
    by_actor = defaultdict(list, catalogue.pledges_by_actor)

    closes = catalogue.campaign.closes if catalogue.campaign else None
    commons = {
        slug: compute_common(common, by_common[slug], catalogue.currency, closes, today)
        for slug, common in catalogue.commons.items()
    }
    counted = frozenset().union(*(c.counted for c in commons.values()))

    activations: dict[str, int] = defaultdict(int)
    for slug, result in commons.items():
        money = [p for p in by_common[slug] if p.money]
        chosen = [p for p in money if p.id in result.counted]
        for pledge in activating_pledges(money, chosen, result.minimum, result.stretch):
            activations[pledge.actor] += 1

    actors = {}
    for slug, actor in catalogue.actors.items():
        own = by_actor[slug]
        allocated = _sum(p.money.amount for p in own if p.money)
        actors[slug] = ActorFunding(
            slug=slug,
            allowance=actor.allowance,
            allocated=allocated,
            remaining=actor.allowance - allocated if actor.allowance is not None else None,
            secured=_sum(p.money.amount for p in own if p.money and p.id in counted),
            skills_days=_sum(p.skills.days for p in own if p.skills),
            means_value=_sum(p.means.value for p in own if p.means and p.means.value),
            roles=roles_by_common(own),
            activations=activations[slug],
        )

    summaries = []
    pools = catalogue.campaign.pools if catalogue.campaign else []
    if pools:
        commons, scopes = _with_matching(commons, by_common, pools, catalogue)
        summaries = [
            MatchingSummary(
                funder=matching.funder,
                method=matching.method,
                pool=matching.pool,
                ratio=matching.ratio,
                min_funders=matching.min_funders,
                cap_percent=matching.cap * HUNDRED if matching.cap is not None else None,
                total=_sum(dict(commons[slug].matches)[matching.funder] for slug in scope),
                one_more=ONE_MORE_FUNDER,
                challenges=tuple(matching.challenges),
                proposer_kinds=tuple(matching.proposer_kinds),
                max_share_percent=(
                    matching.max_share * HUNDRED if matching.max_share is not None else None
                ),
                matched=len(scope),
            )
            for matching, scope in zip(pools, scopes, strict=True)
        ]

    live = [commons[slug] for slug, c in catalogue.commons.items() if c.stage != "archived"]
    minimum = _sum(c.minimum for c in live)
    totals = Totals(
        commons=len(live),
        actors=len(catalogue.actors),
        allowances=_sum(a.allowance for a in catalogue.actors.values() if a.allowance),
        allocated=_sum(a.allocated for a in actors.values()),
        minimum=minimum,
        stretch=_sum(c.stretch for c in live),
        secured=_sum(c.secured for c in live),
        pending=_sum(c.pending for c in live),
        skills_days=_sum(c.skills_days for c in live),
        means_value=_sum(c.means_value for c in live),
        percent_minimum=percent(_sum(c.secured for c in live), minimum),
    )
    return Funding(
        commons=commons,
        actors=actors,
        totals=totals,
        pools=tuple(summaries),
        sealed=is_sealed(catalogue, today),
    )


ONE_MORE_FUNDER = Decimal(100)


def may_fund(matching: Matching, common: Common, catalogue: Catalogue) -> bool:
    """Whether the pool's rules let it match the common: one of its challenges, and a
    proposer of one of its kinds (no rule: any common)."""
    if matching.challenges and not set(matching.challenges) & set(common.challenges):
        return False
    if matching.proposer_kinds:
        kinds = {
            actor.kind
            for slug in common.proposed_by
            if (actor := catalogue.actors.get(slug)) is not None
        }
        if not kinds & set(matching.proposer_kinds):
            return False
    return True


def _with_matching(
    commons: dict[str, CommonFunding],
    by_common: dict[str, list[Pledge]],
    pools: Sequence[Matching],
    catalogue: Catalogue,
) -> tuple[dict[str, CommonFunding], list[list[str]]]:
    """The commons with their matching estimates (each pool computed on its own over
    the commons it may fund, then summed), what one more funder would add to them, and
    for each pool the commons it may fund."""
    eligible = [slug for slug, c in commons.items() if c.eligible_for_matching]
    estimates: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    more: dict[str, Decimal] = defaultdict(Decimal)
    scopes = []
    for matching in pools:
        scope = [
            slug for slug in eligible if may_fund(matching, catalogue.commons[slug], catalogue)
        ]
        scopes.append(scope)
        own = (
            {slug: share_limit(matching.max_share, commons[slug].stretch) for slug in scope}
            if matching.max_share is not None
            else None
        )
        if matching.method == "proportional":
            secured = {slug: commons[slug].secured for slug in scope}
            found, with_one_more = proportional_marginals(
                secured, matching.pool, matching.ratio, matching.cap, ONE_MORE_FUNDER, own
            )
        else:
            contributions: dict[str, dict[str, Decimal]] = {}
            for slug in scope:
                by_actor: dict[str, Decimal] = defaultdict(Decimal)
                for pledge in by_common[slug]:
                    if pledge.id in commons[slug].counted and pledge.actor != matching.funder:
                        by_actor[pledge.actor] += pledge.money.amount  # type: ignore[union-attr]
                contributions[slug] = dict(by_actor)
            found, with_one_more = quadratic_marginals(
                contributions,
                matching.pool,
                matching.cap,
                matching.min_funders,
                ONE_MORE_FUNDER,
                own,
            )
        for slug in scope:
            estimates[slug].append((matching.funder, found[slug]))
            more[slug] += with_one_more[slug]
    commons = {
        slug: replace(
            result,
            matching_estimate=_sum(m for _, m in estimates[slug]) if slug in estimates else None,
            matching_with_one_more=more[slug] if slug in estimates else None,
            matches=tuple(estimates.get(slug, ())),
        )
        for slug, result in commons.items()
    }
    return commons, scopes
