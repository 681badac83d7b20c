"""Matching funds: what a public funder would add to each common if the round closed now.

Pure functions over secured money, following the SPEC's formulas exactly. The shares
are computed exactly, then rounded to the cent by the largest remainder method
(``to_cents``), so that they add up to exactly what is distributed: a pool that is shared
out whole is shared out to the cent, never a cent lost or made up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal, localcontext

ZERO = Decimal(0)
CENT = Decimal("0.01")
PRECISION = 28


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_DOWN)


def _nearest_cent(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN)


def cap_limit(cap: Decimal | None, pool: Decimal) -> Decimal | None:
    """The most one common may receive: cap × pool, down to the cent, so that a share cut
    to it stays whole cents and the largest remainder never lifts it above the cap."""
    return None if cap is None else _cents(cap * pool)


def share_limit(max_share: Decimal | None, stretch: Decimal) -> Decimal | None:
    """The most a pool's ``max_share`` lets one common receive: max_share × its stretch
    goal in the round, down to the cent."""
    return None if max_share is None else _cents(max_share * stretch)


Limits = Mapping[str, Decimal]
"""Common slug → the most it may receive from the pool (no key: no limit of its own)."""


def limits_of(
    slugs: Iterable[str], cap: Decimal | None, pool: Decimal, own: Limits | None
) -> dict[str, Decimal]:
    """Each common's limit: the smaller of cap × pool and its own (``max_share`` × its
    stretch goal), each down to the cent; a common with neither has no key."""
    common_limit = cap_limit(cap, pool)
    found = {}
    for slug in slugs:
        mine = own.get(slug) if own else None
        both = [x for x in (common_limit, mine) if x is not None]
        if both:
            found[slug] = min(both)
    return found


def to_cents(shares: Mapping[str, Decimal], pool: Decimal) -> dict[str, Decimal]:
    """Exact shares rounded to the cent so that they add up to their total rounded to the
    cent (never above ``pool``): each share is rounded down, and the cents left over go
    one each to the largest remainders (ties: the first in order)."""
    total = min(pool, _nearest_cent(sum(shares.values(), ZERO)))
    floors = {slug: _cents(share) for slug, share in shares.items()}
    left = int((total - sum(floors.values(), ZERO)) / CENT)
    by_remainder = sorted(shares, key=lambda slug: floors[slug] - shares[slug])
    for slug in by_remainder[: max(left, 0)]:
        floors[slug] += CENT
    return floors


def proportional(
    secured: Mapping[str, Decimal],
    pool: Decimal,
    ratio: Decimal,
    cap: Decimal | None,
    own: Limits | None = None,
) -> dict[str, Decimal]:
    """ratio × secured money, cut to each common's limit, scaled down together if over
    the pool."""
    limits = limits_of(secured, cap, pool, own)
    return _proportional(secured, pool, ratio, limits)


def _proportional(
    secured: Mapping[str, Decimal], pool: Decimal, ratio: Decimal, limits: Limits
) -> dict[str, Decimal]:
    matches = {slug: _cut(ratio * money, limits.get(slug)) for slug, money in secured.items()}
    total = sum(matches.values(), ZERO)
    if total > pool:
        matches = {slug: match * pool / total for slug, match in matches.items()}
    return to_cents(matches, pool)


def _cut(match: Decimal, limit: Decimal | None) -> Decimal:
    return match if limit is None else min(match, limit)


@dataclass(frozen=True)
class _Roots:
    """Σ √cᵢ, Σ cᵢ and the number of funders of one common: enough to get Vₚ."""

    roots: Decimal
    total: Decimal
    funders: int

    @classmethod
    def of(cls, contributions: Mapping[str, Decimal]) -> _Roots:
        amounts = [c for c in contributions.values() if c > 0]
        return cls(sum((c.sqrt() for c in amounts), ZERO), sum(amounts, ZERO), len(amounts))

    def plus(self, amount: Decimal) -> _Roots:
        return _Roots(self.roots + amount.sqrt(), self.total + amount, self.funders + 1)

    def weight(self, min_funders: int) -> Decimal:
        # With one funder Vₚ is 0 exactly; computed, √c² − c leaves a rounding residue
        # that would take the whole pool when no other common has a weight.
        if self.funders < max(min_funders, 2):
            return ZERO
        return max(ZERO, self.roots * self.roots - self.total)


def quadratic(
    contributions: Mapping[str, Mapping[str, Decimal]],
    pool: Decimal,
    cap: Decimal | None,
    min_funders: int,
    own: Limits | None = None,
) -> dict[str, Decimal]:
    """The SPEC's quadratic matching.

    ``contributions`` maps each common to each actor's secured money in it (the
    matching funder's own already left out); ``own``, each common's limit of its own
    (``max_share`` × its stretch goal), beside cap × pool.
    """
    with localcontext() as ctx:
        ctx.prec = PRECISION
        roots = {slug: _Roots.of(c) for slug, c in contributions.items()}
        return _quadratic(roots, pool, limits_of(roots, cap, pool, own), min_funders)


def _quadratic(
    roots: Mapping[str, _Roots], pool: Decimal, limits: Limits, min_funders: int
) -> dict[str, Decimal]:
    weights = {slug: r.weight(min_funders) for slug, r in roots.items()}
    total_weight = sum(weights.values(), ZERO)
    if total_weight <= 0:
        return dict.fromkeys(roots, ZERO)
    secured = sum((r.total for r in roots.values()), ZERO)
    factor = _factor(pool, total_weight, secured)
    matches = {slug: weight * factor for slug, weight in weights.items()}
    if limits:
        matches = _cap_once(matches, limits)
    return to_cents(matches, pool)


def _factor(pool: Decimal, total_weight: Decimal, secured: Decimal) -> Decimal:
    """matchₚ = Vₚ × factor: pool × Vₚ / ΣV, scaled by secured / pool when below the pool."""
    factor = pool / total_weight
    if secured < pool:  # saturation: the pool never outweighs the money raised
        factor = factor * secured / pool
    return factor


def _over(match: Decimal, limit: Decimal | None) -> bool:
    return limit is not None and match > limit


def _cap_once(matches: dict[str, Decimal], limits: Limits) -> dict[str, Decimal]:
    """Cut matches to their limit and share the excess once among the commons below
    theirs, in proportion to their match, each cut again to its limit."""
    excess = sum((m - limits[s] for s, m in matches.items() if _over(m, limits.get(s))), ZERO)
    if excess <= 0:
        return matches
    uncapped = sum((m for s, m in matches.items() if not _over(m, limits.get(s))), ZERO)
    shared = {}
    for slug, match in matches.items():
        limit = limits.get(slug)
        if _over(match, limit):
            shared[slug] = limit  # type: ignore[assignment]
        elif uncapped > 0:
            shared[slug] = _cut(match + excess * match / uncapped, limit)
        else:
            shared[slug] = match
    return shared


# --- what one more funder would add -----------------------------------------


def proportional_marginals(
    secured: Mapping[str, Decimal],
    pool: Decimal,
    ratio: Decimal,
    cap: Decimal | None,
    extra: Decimal,
    own: Limits | None = None,
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """The matches, and for each common how much its match grows if one more funder
    brings ``extra``."""
    limits = limits_of(secured, cap, pool, own)
    base = _proportional(secured, pool, ratio, limits)
    raws = {slug: _cut(ratio * money, limits.get(slug)) for slug, money in secured.items()}
    total = sum(raws.values(), ZERO)
    result = {}
    for slug, money in secured.items():
        mine = _cut(ratio * (money + extra), limits.get(slug))
        new_total = total - raws[slug] + mine
        if new_total > pool:
            mine = mine * pool / new_total
        result[slug] = _nearest_cent(mine) - base[slug]
    return base, result


def quadratic_marginals(
    contributions: Mapping[str, Mapping[str, Decimal]],
    pool: Decimal,
    cap: Decimal | None,
    min_funders: int,
    extra: Decimal,
    own: Limits | None = None,
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """The matches, and for each common how much its match grows if one more funder
    brings ``extra``.

    Exact, and O(log n) a common: only that common's weight changes, every other
    match scales by one factor, so the capped commons (weight × factor above their
    limit) are a prefix of the commons in decreasing order of weight ÷ limit, found by
    bisection, and their sums come from prefix sums.
    """
    with localcontext() as ctx:
        ctx.prec = PRECISION
        roots = {slug: _Roots.of(c) for slug, c in contributions.items()}
        limits = limits_of(roots, cap, pool, own)
        base = _quadratic(roots, pool, limits, min_funders)
        weights = {slug: r.weight(min_funders) for slug, r in roots.items()}
        total_weight = sum(weights.values(), ZERO)
        capping = _Capping.of(weights, limits) if limits else None
        secured = sum((r.total for r in roots.values()), ZERO) + extra
        result = {}
        for slug in contributions:
            old = weights[slug]
            new = roots[slug].plus(extra).weight(min_funders)
            new_total = total_weight - old + new
            if new_total <= 0:
                result[slug] = -base[slug]
                continue
            factor = _factor(pool, new_total, secured)
            mine = new * factor
            if capping is not None:
                mine = capping.share(mine, old, limits.get(slug), factor)
            result[slug] = _nearest_cent(mine) - base[slug]
        return base, result


@dataclass(frozen=True)
class _Capping:
    """The commons with a limit, in decreasing order of weight ÷ limit (a common of limit
    0 and some weight first), with prefix sums of their weights and limits: those whose
    weight × factor exceeds their limit are a prefix, for any factor."""

    ordered: list[tuple[Decimal, Decimal]]
    """(weight, limit)."""
    weights: list[Decimal]
    limits: list[Decimal]
    free_weight: Decimal
    """The weight of the commons without a limit."""

    @classmethod
    def of(cls, weights: Mapping[str, Decimal], limits: Limits) -> _Capping:
        limited = [(w, limits[s]) for s, w in weights.items() if s in limits]

        def key(pair: tuple[Decimal, Decimal]) -> tuple[int, Decimal]:
            weight, limit = pair
            if limit == 0:
                return (0 if weight > 0 else 2, -weight)
            return (1, -(weight / limit))

        ordered = sorted(limited, key=key)
        prefix_w, prefix_l = [ZERO], [ZERO]
        for weight, limit in ordered:
            prefix_w.append(prefix_w[-1] + weight)
            prefix_l.append(prefix_l[-1] + limit)
        free = sum((w for s, w in weights.items() if s not in limits), ZERO)
        return cls(ordered, prefix_w, prefix_l, free)

    def share(
        self, mine: Decimal, old_weight: Decimal, limit: Decimal | None, factor: Decimal
    ) -> Decimal:
        """One common's match after the cap pass, the others' matches being weight ×
        factor (``old_weight``, ``limit``: that common's, left out of the others)."""
        low, high = 0, len(self.ordered)  # ordered[:n]: weight × factor > limit
        while low < high:
            middle = (low + high) // 2
            weight, its_limit = self.ordered[middle]
            if weight * factor > its_limit:
                low = middle + 1
            else:
                high = middle
        capped = low
        capped_weight, capped_limits = self.weights[capped], self.limits[capped]
        uncapped_weight = self.weights[-1] - capped_weight + self.free_weight
        if limit is not None and old_weight * factor > limit:  # its old self was capped
            capped_weight, capped_limits = capped_weight - old_weight, capped_limits - limit
        else:
            uncapped_weight -= old_weight
        excess = capped_weight * factor - capped_limits
        uncapped = uncapped_weight * factor
        if limit is not None and mine > limit:
            return limit
        uncapped += mine
        if excess > 0 and uncapped > 0:
            return _cut(mine + excess * mine / uncapped, limit)
        return mine
