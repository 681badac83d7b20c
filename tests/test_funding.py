"""The funding engine on hand-computed examples."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from appel_a_communs.content.models import Common, Pledge
from appel_a_communs.funding.engine import (
    UnlockGap,
    activating_pledges,
    compute_common,
    counted_pledges,
    percent,
)
from appel_a_communs.funding.matching import (
    proportional,
    proportional_marginals,
    quadratic,
    quadratic_marginals,
)

TODAY = date(2026, 11, 26)


def make_common(
    minimum: str = "1000",
    stretch: str | None = "500",
    stage: str = "accepted",
    existing: str | None = None,
) -> Common:
    lines = [{"label": "min", "amount": minimum}] if minimum else []
    if stretch:
        lines.append({"label": "plus", "amount": stretch, "stretch": True})
    budget = {"lines": lines, "existing_funding": existing} if lines else None
    if budget and existing is None:
        del budget["existing_funding"]
    return Common.model_validate(
        {
            "slug": "c",
            "title": "C",
            "summary": "S",
            "challenges": ["d"],
            "stage": stage,
            "license": "MIT",
            "proposed_by": ["a"],
            "budget": budget,
        }
    )


def money(pid: str, actor: str, amount: str, **condition) -> Pledge:
    data = {
        "id": pid,
        "actor": actor,
        "common": "c",
        "date": "2026-10-01",
        "money": {"amount": amount},
    }
    if condition:
        data["money"]["condition"] = condition
    return Pledge.model_validate(data)


def test_goals_secured_and_percentages():
    result = compute_common(
        make_common(), [money("p1", "a", "250"), money("p2", "b", "125.50")], "EUR", None, TODAY
    )
    assert (result.minimum, result.stretch) == (Decimal(1000), Decimal(1500))
    assert result.secured == Decimal("375.50")
    assert result.percent_minimum == Decimal("37.55")
    assert result.percent_stretch == Decimal("25.03")  # 25.0333… rounded down
    assert result.funders == 2 and not result.funded and result.status == "open"
    assert result.bar.secured_width == Decimal("25.03")
    assert result.bar.minimum_at == Decimal("66.66")


@pytest.mark.parametrize(
    ("amount", "funded", "status"),
    [
        ("999.99", False, "open"),
        ("1000", True, "minimum-reached"),
        ("1499.99", True, "minimum-reached"),
        ("1500", True, "stretch-reached"),
    ],
)
def test_boundaries_of_the_goals(amount, funded, status):
    result = compute_common(make_common(), [money("p", "a", amount)], "EUR", None, TODAY)
    assert result.funded is funded
    assert result.status == status


def test_99_95_percent_is_not_funded_and_never_reads_100():
    result = compute_common(
        make_common("2000", None), [money("p", "a", "1999")], "EUR", None, TODAY
    )
    assert result.percent_minimum == Decimal("99.95")
    assert not result.funded


def test_existing_funding_counts_in_no_goal():
    result = compute_common(make_common(existing="800"), [], "EUR", None, TODAY)
    assert result.existing_funding == Decimal(800)
    assert result.secured == 0 and result.minimum == Decimal(1000)


def test_common_without_budget_has_no_bar():
    result = compute_common(
        make_common(minimum="", stretch=None), [money("p", "a", "10")], "EUR", None, TODAY
    )
    assert result.bar is None and result.percent_minimum is None and not result.funded
    assert result.status == "open"


def test_status_follows_stage_and_dates():
    common = make_common()
    assert (
        compute_common(make_common(stage="proposed"), [], "EUR", None, TODAY).status == "proposed"
    )
    assert (
        compute_common(make_common(stage="archived"), [], "EUR", None, TODAY).status == "archived"
    )
    assert compute_common(common, [], "EUR", date(2026, 11, 1), TODAY).status == "unfunded"
    assert compute_common(common, [], "EUR", TODAY, TODAY).status == "open"


def test_conditional_pledge_counts_once_its_condition_holds():
    pledges = [money("firm", "a", "600"), money("cond", "b", "400", total_at_least="minimum")]
    assert [p.id for p in counted_pledges(pledges, Decimal(1000), Decimal(1500))] == [
        "firm",
        "cond",
    ]
    result = compute_common(make_common(), pledges, "EUR", None, TODAY)
    assert (result.secured, result.pending) == (Decimal(1000), Decimal(0))


def test_conditional_pledge_waits_when_its_condition_fails():
    pledges = [money("firm", "a", "599.99"), money("cond", "b", "400", total_at_least="minimum")]
    result = compute_common(make_common(), pledges, "EUR", None, TODAY)
    assert (result.secured, result.pending) == (Decimal("599.99"), Decimal(400))
    assert result.funders == 1
    assert result.bar.pending_width == Decimal("26.66")


def test_funders_condition_counts_distinct_actors():
    pledges = [
        money("a1", "a", "10"),
        money("a2", "a", "10"),
        money("cond", "b", "10", funders_at_least=3),
    ]
    result = compute_common(make_common(), pledges, "EUR", None, TODAY)
    assert result.pending == Decimal(10)
    pledges.append(money("c1", "c", "10"))
    result = compute_common(make_common(), pledges, "EUR", None, TODAY)
    assert result.pending == 0 and result.funders == 3


def test_pledges_all_conditional_on_each_other():
    """Together they reach the minimum, so the largest consistent set keeps them all."""
    pledges = [
        money("x", "a", "500", total_at_least="minimum"),
        money("y", "b", "500", total_at_least="minimum"),
    ]
    result = compute_common(make_common(), pledges, "EUR", None, TODAY)
    assert result.secured == Decimal(1000)
    short = [
        money("x", "a", "500", total_at_least="minimum"),
        money("y", "b", "499", total_at_least="minimum"),
    ]
    result = compute_common(make_common(), short, "EUR", None, TODAY)
    assert (result.secured, result.pending) == (0, Decimal(999))


def test_dropping_one_pledge_can_drop_another():
    pledges = [
        money("f", "a", "100"),
        money("big", "b", "900", total_at_least="1000", funders_at_least=2),
        money("tail", "c", "100", total_at_least="1100"),
    ]
    # Together 1100: all hold.
    assert len(counted_pledges(pledges, Decimal(1000), Decimal(1500))) == 3
    pledges[0] = money("f", "a", "50")
    # 1050 < 1100 drops tail; then 950 < 1000 drops big.
    assert [p.id for p in counted_pledges(pledges, Decimal(1000), Decimal(1500))] == ["f"]


def test_percent_of_zero_goal_is_none():
    assert percent(Decimal(5), Decimal(0)) is None


# --- the unlock gap -----------------------------------------------------------


def test_unlock_gap_of_a_pledge_waiting_for_the_minimum():
    pledges = [money("f", "a", "530"), money("c", "b", "100", total_at_least="minimum")]
    result = compute_common(make_common(), pledges, "EUR", None, TODAY)
    # 1000 − 530 − 100 (the conditional pledge counts itself) = 370
    assert result.unlock_gap == UnlockGap(amount=Decimal(370), releases=Decimal(100))


def test_unlock_gap_of_a_funder_count_is_one_cent():
    pledges = [money("f", "a", "10"), money("c", "b", "10", funders_at_least=3)]
    result = compute_common(make_common(), pledges, "EUR", None, TODAY)
    assert result.unlock_gap == UnlockGap(amount=Decimal("0.01"), releases=Decimal(10))


def test_no_unlock_gap_when_money_from_one_funder_cannot_help():
    pledges = [money("f", "a", "10"), money("c", "b", "10", funders_at_least=4)]
    assert compute_common(make_common(), pledges, "EUR", None, TODAY).unlock_gap is None
    assert compute_common(make_common(), pledges[:1], "EUR", None, TODAY).unlock_gap is None


def test_unlock_gap_releases_a_cascade():
    pledges = [
        money("f", "a", "500"),
        money("q1", "b", "200", total_at_least="1000"),
        money("q2", "c", "300", total_at_least="1300"),
    ]
    result = compute_common(make_common(), pledges, "EUR", None, TODAY)
    # {q1}: 1000 − 500 − 200 = 300; {q1, q2}: 1300 − 500 − 500 = 300; 300 frees both.
    assert result.unlock_gap == UnlockGap(amount=Decimal(300), releases=Decimal(500))


# --- activations --------------------------------------------------------------


def test_a_pledge_activates_others_only_if_they_would_drop_without_it():
    pledges = [
        money("a1", "a", "600"),
        money("c1", "c", "500"),
        money("b1", "b", "400", total_at_least="minimum"),
    ]
    counted = counted_pledges(pledges, Decimal(1000), Decimal(1500))
    # Without a1: 900 < 1000, b1 drops. Without c1: 1000, b1 holds.
    assert [p.id for p in activating_pledges(pledges, counted, Decimal(1000), Decimal(1500))] == [
        "a1"
    ]


# --- matching, by hand ---------------------------------------------------------

D = Decimal


def test_quadratic_matching_worked_example():
    contributions = {
        "a": {"x": D(100), "y": D(100)},  # (10 + 10)² − 200 = 200
        "b": {"x": D(400)},  # one funder: 0
        "c": {"x": D(25), "y": D(25), "z": D(25), "w": D(25)},  # (4 × 5)² − 100 = 300
    }
    # ΣV = 500; secured 700 < pool 1000, so every match × 0.7
    assert quadratic(contributions, D(1000), None, 2) == {"a": D(280), "b": D(0), "c": D(420)}
    # cap 0.3 → 300: c cut to 300, its 120 go to a (280 + 120 = 400), cut again to 300
    assert quadratic(contributions, D(1000), D("0.3"), 2) == {"a": D(300), "b": 0, "c": D(300)}


def test_quadratic_matching_without_saturation_and_min_funders():
    contributions = {"a": {"x": D(900), "y": D(100)}, "b": {"x": D(400), "y": D(400)}}
    # a: (30 + 10)² − 1000 = 600; b: (20 + 20)² − 800 = 800; secured 1800 ≥ pool 1400
    assert quadratic(contributions, D(1400), None, 2) == {"a": D(600), "b": D(800)}
    assert quadratic(contributions, D(1400), None, 3) == {"a": D(0), "b": D(0)}


def test_proportional_matching_worked_example():
    secured = {"a": D(1000), "b": D(3000)}
    assert proportional(secured, D(2000), D(1), D("0.5")) == {"a": D(1000), "b": D(1000)}
    assert proportional(secured, D(1500), D(1), D("0.5")) == {"a": D(750), "b": D(750)}
    assert proportional(secured, D(10000), D("0.5"), None) == {"a": D(500), "b": D(1500)}


def test_shares_of_a_pool_add_up_to_the_cent():
    # a pool of 10 000 with a cap of 0.6 between two commons with 9 000 each: 5 000 each
    secured = {"a": D(9000), "b": D(9000)}
    assert proportional(secured, D(10000), D(1), D("0.6")) == {"a": D(5000), "b": D(5000)}
    # capped to 6 000 and 5 000, then scaled by 10 000 / 11 000: 5 454.5454… + 4 545.4545…
    secured = {"a": D(20000), "b": D(5000)}
    assert proportional(secured, D(10000), D(1), D("0.6")) == {
        "a": D("5454.55"),
        "b": D("4545.45"),
    }
    # thirds: 33.33 + 33.33 + 33.34, the extra cent to the largest remainder (the first)
    thirds = proportional({"a": D(50), "b": D(50), "c": D(50)}, D(100), D(1), None)
    assert thirds == {"a": D("33.34"), "b": D("33.33"), "c": D("33.33")}
    assert sum(thirds.values()) == D(100)
    # quadratic: a (√100 + √400)² − 500 = 400, b (3 × √25)² − 75 = 150,
    # c (√100 + √100 + √25)² − 225 = 400: ΣV = 950, secured 800 ≥ pool 700, so
    # 294.736… + 110.526… + 294.736…: the floors make 699.98, the two cents go to a and c
    contributions = {
        "a": {"x": D(100), "y": D(400)},
        "b": {"x": D(25), "y": D(25), "z": D(25)},
        "c": {"x": D(100), "y": D(100), "z": D(25)},
    }
    matches = quadratic(contributions, D(700), None, 2)
    assert matches == {"a": D("294.74"), "b": D("110.52"), "c": D("294.74")}
    # a cap of a third of 100.01 is 33.33 (down to the cent): never a cent above the cap
    capped = proportional({"a": D(90), "b": D(90), "c": D(90)}, D("100.01"), D(1), D("0.3333"))
    assert capped == {"a": D("33.33"), "b": D("33.33"), "c": D("33.33")}


def test_one_more_funder_worked_example():
    contributions = {"a": {"x": D(900), "y": D(100)}, "b": {"x": D(400), "y": D(400)}}
    base, more = quadratic_marginals(contributions, D(1400), None, 2, D(100))
    assert base == {"a": D(600), "b": D(800)}
    # a + 100: (40 + 10)² − 1100 = 1400; ΣV = 2200 → a = 1400 × 1400 / 2200 = 890.909…,
    # which the largest remainder rounds up (b = 509.0909… takes the rest, to 1400.00)
    assert more["a"] == D("890.91") - D(600)
    base, more = proportional_marginals({"a": D(100)}, D(1000), D(1), None, D(100))
    assert (base, more) == ({"a": D(100)}, {"a": D(100)})
