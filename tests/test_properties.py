"""Invariants of the funding engine, checked on generated calls (hypothesis)."""

from __future__ import annotations

from decimal import Decimal
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st
from test_funding import TODAY, make_common

from appel_a_communs.content.models import Common, Pledge
from appel_a_communs.funding.engine import (
    compute_common,
    counted_pledges,
    funders_needed,
    threshold,
)
from appel_a_communs.funding.matching import (
    cap_limit,
    proportional,
    proportional_marginals,
    quadratic,
    quadratic_marginals,
)

CENT = Decimal("0.01")
amounts = st.integers(min_value=1, max_value=5_000_000).map(lambda cents: Decimal(cents) / 100)
actors = st.sampled_from(["a", "b", "c", "d", "e"])
conditions = st.one_of(
    st.none(),
    st.fixed_dictionaries({"total_at_least": st.sampled_from(["minimum", "stretch"])}),
    st.fixed_dictionaries({"total_at_least": amounts.map(str)}),
    st.fixed_dictionaries({"funders_at_least": st.integers(1, 6)}),
    st.fixed_dictionaries(
        {
            "total_at_least": st.sampled_from(["minimum", "1000"]),
            "funders_at_least": st.integers(1, 4),
        }
    ),
)


@st.composite
def money_pledges(draw, max_size=8) -> list[Pledge]:
    items = draw(st.lists(st.tuples(actors, amounts, conditions), max_size=max_size))
    pledges = []
    for i, (actor, amount, condition) in enumerate(items):
        money = {"amount": str(amount)}
        if condition:
            money["condition"] = condition
        pledges.append(
            Pledge.model_validate(
                {"id": f"p{i}", "actor": actor, "common": "c", "date": "2026-10-01", "money": money}
            )
        )
    return pledges


commons = st.builds(
    make_common,
    minimum=st.integers(1, 100_000).map(str),
    stretch=st.one_of(st.none(), st.integers(1, 50_000).map(str)),
)


def consistent(subset, minimum, stretch) -> bool:
    total = sum((p.money.amount for p in subset), Decimal(0))
    funders = len({p.actor for p in subset})
    return all(
        total >= threshold(p, minimum, stretch) and funders >= funders_needed(p) for p in subset
    )


@settings(max_examples=300, deadline=None)
@given(common=commons, pledges=money_pledges())
def test_secured_plus_pending_is_all_money(common: Common, pledges):
    result = compute_common(common, pledges, "EUR", None, TODAY)
    assert result.secured + result.pending == sum((p.money.amount for p in pledges), Decimal(0))


@settings(max_examples=200, deadline=None)
@given(common=commons, pledges=money_pledges(max_size=7))
def test_counted_set_is_stable_and_the_largest_consistent_set(common: Common, pledges):
    minimum = sum((line.amount for line in common.budget.lines if not line.stretch), Decimal(0))
    stretch = sum((line.amount for line in common.budget.lines), Decimal(0))
    counted = counted_pledges(pledges, minimum, stretch)
    assert counted_pledges(counted, minimum, stretch) == counted  # stable
    assert consistent(counted, minimum, stretch)
    ids = {p.id for p in counted}
    for size in range(len(pledges) + 1):  # maximal: every consistent set is inside it
        for subset in combinations(pledges, size):
            if consistent(subset, minimum, stretch):
                assert {p.id for p in subset} <= ids


@settings(max_examples=300, deadline=None)
@given(common=commons, pledges=money_pledges(), actor=actors, amount=amounts)
def test_a_firm_pledge_never_lowers_anyones_secured_money(common, pledges, actor, amount):
    before = compute_common(common, pledges, "EUR", None, TODAY)
    extra = Pledge.model_validate(
        {
            "id": "extra",
            "actor": actor,
            "common": "c",
            "date": "2026-10-02",
            "money": {"amount": str(amount)},
        }
    )
    after = compute_common(common, [*pledges, extra], "EUR", None, TODAY)
    assert before.counted <= after.counted
    assert after.secured >= before.secured + amount


@settings(max_examples=200, deadline=None)
@given(common=commons, pledges=money_pledges())
def test_unlock_gap_is_the_least_money_that_activates_something(common, pledges):
    result = compute_common(common, pledges, "EUR", None, TODAY)
    gap = result.unlock_gap
    money = pledges
    if gap is None:
        # even a very large newcomer activates nothing
        assert (
            result.pending == 0
            or {
                p.id for p in counted_pledges(money, result.minimum, result.stretch, Decimal(10**9))
            }
            == result.counted
        )
        return
    with_gap = counted_pledges(money, result.minimum, result.stretch, gap.amount)
    released = sum((p.money.amount for p in with_gap), Decimal(0)) - result.secured
    assert released == gap.releases > 0
    if gap.amount > CENT:
        below = counted_pledges(money, result.minimum, result.stretch, gap.amount - CENT)
        assert {p.id for p in below} == result.counted


contributions = st.dictionaries(
    st.sampled_from([f"k{i}" for i in range(8)]),
    st.dictionaries(actors, amounts, max_size=5),
    min_size=1,
    max_size=8,
)
pools = st.integers(1, 10_000_000).map(lambda cents: Decimal(cents) / 100)
caps = st.one_of(st.none(), st.integers(1, 100).map(lambda p: Decimal(p) / 100))


@settings(max_examples=300, deadline=None)
@given(contributions=contributions, pool=pools, cap=caps, min_funders=st.integers(1, 3))
def test_quadratic_matches_fit_the_pool_and_the_cap(contributions, pool, cap, min_funders):
    matches = quadratic(contributions, pool, cap, min_funders)
    assert sum(matches.values(), Decimal(0)) <= pool
    for slug, match in matches.items():
        assert match >= 0
        if cap is not None:
            assert match <= cap * pool
        if len([c for c in contributions[slug].values() if c > 0]) < max(min_funders, 2):
            assert match == 0  # one funder alone is never matched


@settings(max_examples=300, deadline=None)
@given(
    contributions=contributions, pool=pools, cap=caps, min_funders=st.integers(1, 3), extra=amounts
)
def test_one_more_funder_equals_recomputing_everything(
    contributions, pool, cap, min_funders, extra
):
    base, more = quadratic_marginals(contributions, pool, cap, min_funders, extra)
    assert base == quadratic(contributions, pool, cap, min_funders)
    for slug in contributions:
        grown = {**contributions, slug: {**contributions[slug], "newcomer": extra}}
        expected = quadratic(grown, pool, cap, min_funders)[slug] - base[slug]
        assert abs(more[slug] - expected) <= CENT


@settings(max_examples=300, deadline=None)
@given(
    secured=st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), amounts, min_size=1),
    pool=pools,
    ratio=st.integers(0, 300).map(lambda r: Decimal(r) / 100),
    cap=caps,
    extra=amounts,
)
def test_proportional_matches_and_one_more_funder(secured, pool, ratio, cap, extra):
    matches = proportional(secured, pool, ratio, cap)
    assert sum(matches.values(), Decimal(0)) <= pool
    assert all(cap is None or m <= cap * pool for m in matches.values())
    base, more = proportional_marginals(secured, pool, ratio, cap, extra)
    assert base == matches
    for slug in secured:
        grown = proportional({**secured, slug: secured[slug] + extra}, pool, ratio, cap)
        # the estimate rounds this common's exact share to the nearest cent; recomputing
        # everything rounds it by the largest remainder among all commons: a cent apart
        assert abs(more[slug] - (grown[slug] - matches[slug])) <= CENT


def _exact_proportional_total(secured, pool, ratio, cap) -> Decimal:
    limit = cap_limit(cap, pool)
    raw = [ratio * money if limit is None else min(ratio * money, limit) for money in secured]
    return min(pool, sum(raw, Decimal(0)))


@settings(max_examples=500, deadline=None)
@given(
    secured=st.dictionaries(st.sampled_from(["a", "b", "c", "d", "e", "f"]), amounts, min_size=1),
    pool=pools,
    ratio=st.integers(1, 300).map(lambda r: Decimal(r) / 100),
    cap=caps,
)
def test_proportional_shares_add_up_to_what_is_distributed(secured, pool, ratio, cap):
    matches = proportional(secured, pool, ratio, cap)
    total = _exact_proportional_total(secured.values(), pool, ratio, cap)
    assert sum(matches.values(), Decimal(0)) == total.quantize(CENT)
    if total == pool:  # the pool fully distributed: to the cent
        assert sum(matches.values(), Decimal(0)) == pool
    assert all(m == m.quantize(CENT) for m in matches.values())


@settings(max_examples=500, deadline=None)
@given(contributions=contributions, pool=pools, min_funders=st.integers(1, 3))
def test_quadratic_pool_fully_distributed_adds_up_to_the_cent(contributions, pool, min_funders):
    matches = quadratic(contributions, pool, None, min_funders)
    secured = sum((sum(c.values(), Decimal(0)) for c in contributions.values()), Decimal(0))
    if secured >= pool and any(m > 0 for m in matches.values()):
        assert sum(matches.values(), Decimal(0)) == pool
    else:
        assert sum(matches.values(), Decimal(0)) <= pool
    assert all(m == m.quantize(CENT) for m in matches.values())
