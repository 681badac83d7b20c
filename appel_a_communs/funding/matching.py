"""Matching funds: what a public funder would add to each common if the round closed now.

Pure functions over secured money, following the SPEC's formulas exactly. The shares
are computed exactly, then rounded to the cent by the largest remainder method
(``to_cents``), so that they add up to exactly what is distributed: a pool that is shared
out whole is shared out to the cent, never a cent lost or made up.
"""

from __future__ import annotations

from collections.abc import Mapping
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
    secured: Mapping[str, Decimal], pool: Decimal, ratio: Decimal, cap: Decimal | None
) -> dict[str, Decimal]:
    """ratio × secured money, capped at cap × pool, scaled down together if over the pool."""
    matches = {slug: ratio * money for slug, money in secured.items()}
    limit = cap_limit(cap, pool)
    if limit is not None:
        matches = {slug: min(match, limit) for slug, match in matches.items()}
    total = sum(matches.values(), ZERO)
    if total > pool:
        matches = {slug: match * pool / total for slug, match in matches.items()}
    return to_cents(matches, pool)


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
) -> dict[str, Decimal]:
    """The SPEC's quadratic matching.

    ``contributions`` maps each common to each actor's secured money in it (the
    matching funder's own already left out).
    """
    with localcontext() as ctx:
        ctx.prec = PRECISION
        roots = {slug: _Roots.of(c) for slug, c in contributions.items()}
        return _quadratic(roots, pool, cap, min_funders)


def _quadratic(
    roots: Mapping[str, _Roots], pool: Decimal, cap: Decimal | None, min_funders: int
) -> dict[str, Decimal]:
    weights = {slug: r.weight(min_funders) for slug, r in roots.items()}
    total_weight = sum(weights.values(), ZERO)
    if total_weight <= 0:
        return dict.fromkeys(roots, ZERO)
    secured = sum((r.total for r in roots.values()), ZERO)
    factor = _factor(pool, total_weight, secured)
    matches = {slug: weight * factor for slug, weight in weights.items()}
    limit = cap_limit(cap, pool)
    if limit is not None:
        matches = _cap_once(matches, limit)
    return to_cents(matches, pool)


def _factor(pool: Decimal, total_weight: Decimal, secured: Decimal) -> Decimal:
    """matchₚ = Vₚ × factor: pool × Vₚ / ΣV, scaled by secured / pool when below the pool."""
    factor = pool / total_weight
    if secured < pool:  # saturation: the pool never outweighs the money raised
        factor = factor * secured / pool
    return factor


def _cap_once(matches: dict[str, Decimal], limit: Decimal) -> dict[str, Decimal]:
    """Cut matches to ``limit`` and share the excess once among the uncapped commons."""
    excess = sum((m - limit for m in matches.values() if m > limit), ZERO)
    if excess <= 0:
        return matches
    uncapped = sum((m for m in matches.values() if m <= limit), ZERO)
    shared = {}
    for slug, match in matches.items():
        if match > limit:
            shared[slug] = limit
        elif uncapped > 0:
            shared[slug] = min(limit, match + excess * match / uncapped)
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
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """The matches, and for each common how much its match grows if one more funder
    brings ``extra``."""
    limit = cap_limit(cap, pool)

    def raw(money: Decimal) -> Decimal:
        match = ratio * money
        return min(match, limit) if limit is not None else match

    base = proportional(secured, pool, ratio, cap)
    raws = {slug: raw(money) for slug, money in secured.items()}
    total = sum(raws.values(), ZERO)
    result = {}
    for slug, money in secured.items():
        mine = raw(money + extra)
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
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """The matches, and for each common how much its match grows if one more funder
    brings ``extra``.

    Exact, and O(log n) a common: only that common's weight changes, every other
    match scales by one factor, so the capped commons are a prefix of the weights in
    decreasing order, found by bisection, and their sums come from prefix sums.
    """
    with localcontext() as ctx:
        ctx.prec = PRECISION
        roots = {slug: _Roots.of(c) for slug, c in contributions.items()}
        base = _quadratic(roots, pool, cap, min_funders)
        weights = {slug: r.weight(min_funders) for slug, r in roots.items()}
        ordered = sorted(weights.values(), reverse=True)
        prefix = [ZERO]
        for weight in ordered:
            prefix.append(prefix[-1] + weight)
        total_weight = prefix[-1]
        secured = sum((r.total for r in roots.values()), ZERO) + extra
        limit = cap_limit(cap, pool)
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
            if limit is not None:
                mine = _capped_share(mine, old, factor, limit, ordered, prefix)
            result[slug] = _nearest_cent(mine) - base[slug]
        return base, result


def _capped_share(
    mine: Decimal,
    old_weight: Decimal,
    factor: Decimal,
    limit: Decimal,
    ordered: list[Decimal],
    prefix: list[Decimal],
) -> Decimal:
    """One common's match after the cap pass, the others' matches being weight × factor."""
    low, high = 0, len(ordered)  # ordered[:n] are the capped ones: weight × factor > limit
    while low < high:
        middle = (low + high) // 2
        if ordered[middle] * factor > limit:
            low = middle + 1
        else:
            high = middle
    capped, capped_weight = low, prefix[low]
    uncapped_weight = prefix[-1] - capped_weight
    if old_weight * factor > limit:  # leave this common's old weight out of the others
        capped, capped_weight = capped - 1, capped_weight - old_weight
    else:
        uncapped_weight -= old_weight
    excess = capped_weight * factor - limit * capped
    uncapped = uncapped_weight * factor
    if mine > limit:
        return limit
    uncapped += mine
    if excess > 0 and uncapped > 0:
        return min(limit, mine + excess * mine / uncapped)
    return mine
