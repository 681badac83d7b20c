"""The sample call in content/, which the README's first command serves, builds and holds
what a newcomer is promised: a call of two rounds, a closed 2025 one with its results and
decisions, and the open 2026-2027 one waiting for its next review date. The only test that
reads content/: every other one builds its own call (tests/calls/, or tmp_path)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from conftest import REPO, build_site

from appel_a_communs.commands.check import check_content
from appel_a_communs.content.loader import load_catalogue
from appel_a_communs.site.view import load_call

CONTENT = REPO / "content"
TODAY = date(2026, 12, 1)
"""The day the history below is told from: the 2026-2027 round is open, its first review
date still ahead."""
FUNDED = ("minimum-reached", "stretch-reached")


@pytest.fixture(scope="module")
def view():
    return load_call(CONTENT, TODAY)


def test_the_sample_call_builds_every_page(tmp_path):
    catalogue = load_catalogue(CONTENT)
    site = build_site(CONTENT, tmp_path / "out")
    assert (site / "index.html").is_file() and (site / "financement/index.html").is_file()
    for folder, url in (("challenges", "defis"), ("commons", "communs"), ("actors", "acteurs")):
        items = getattr(catalogue, folder)
        assert items, folder
        for slug in items:
            assert (site / url / slug / "index.html").is_file(), (folder, slug)
    records = json.loads((site / "data/commons.json").read_text(encoding="utf-8"))
    assert {r["slug"] for r in records} == set(catalogue.commons)
    for page in ("a-propos", "charte", "participer"):
        assert (site / page / "index.html").is_file(), page


def test_the_sample_call_has_no_content_error():
    assert not (CONTENT / "campaign.yml").exists()  # rounds/ instead: both is an error
    assert check_content(CONTENT, TODAY) == []


def test_two_rounds_one_closed_one_open(view):
    assert [(r.slug, r.state, r.current) for r in view.rounds] == [
        ("2025", "closed", False),
        ("2026-2027", "open", True),
    ]
    assert view.current_round.slug == "2026-2027" and not view.current_round.sealed
    closed, current = view.rounds
    assert closed.round.closes < current.round.opens  # rounds may not overlap
    for round_view in view.rounds:
        assert round_view.round.eligibility is not None, round_view.slug
        assert round_view.funding.totals.secured > 0, round_view.slug
    # A round's allowance differs from the actor's own: the 2025 one applies in 2025 only.
    actor = "metropole-valbrune"
    assert closed.round.allowances[actor] == Decimal("50000")
    assert closed.funding.actors[actor].allowance == Decimal("50000")
    assert current.funding.actors[actor].allowance == view.actors_by_slug[actor].allowance


def test_the_2025_round_closed_with_commons_funded_unfunded_and_declined(view):
    closed = view.rounds[0]
    status = {slug: c.status for slug, c in closed.funding.commons.items()}
    funded = sorted(slug for slug, s in status.items() if s in FUNDED)
    assert len(funded) >= 2, status
    assert "unfunded" in status.values() and "declined" in status.values(), status
    for slug, result in closed.funding.commons.items():
        if status[slug] in FUNDED:
            assert result.secured >= result.minimum > 0, slug
            assert result.secured <= result.stretch, slug  # no over-funding
        elif status[slug] == "unfunded":
            assert result.secured < result.minimum, slug
    # Each common funded or decided in 2025 has its decision in that round, on one of its
    # review dates, with the committee's reasons.
    for slug in funded + [s for s, v in status.items() if v in ("unfunded", "declined")]:
        decisions = [e for e in view.reviews[slug] if e.round == "2025"]
        assert decisions, slug
        for entry in decisions:
            assert entry.review.date in closed.round.reviews, slug
            assert entry.review.by == "Comité de sélection" and entry.review.reasons, slug
    (declined,) = (slug for slug, s in status.items() if s == "declined")
    (entry,) = (e for e in view.reviews[declined] if e.round == "2025")
    assert entry.review.decision == "declined" and "\n- " in entry.review.reasons  # Markdown
    assert view.commons_by_slug[declined].stage in ("proposed", "archived")


def test_a_closed_round_keeps_its_own_budgets_and_figures(view):
    """The register was funded in 2025 on its 2025 budget; the 2026-2027 round computes it
    again from its budget of today and its 2026 pledges, leaving 2025 as it was."""
    slug = "registre-trajets-covoiturage"
    (first, then), (second, now) = view.round_results[slug]
    assert (first.slug, second.slug) == ("2025", "2026-2027")
    assert then.status == "minimum-reached" and now.status == "open"
    assert (then.minimum, then.secured) == (Decimal("40000"), Decimal("45000"))
    assert now.minimum == Decimal("70000") and now.secured < now.minimum
    assert not (then.counted & now.counted)  # each round counts its own pledges


def test_the_2026_2027_round_waits_for_its_next_review_date(view):
    current = view.current_round
    assert len(current.round.reviews) == 2
    assert all(day > TODAY for day in current.round.reviews)
    assert view.next_review == current.round.reviews[0] == date(2026, 12, 15)
    (next_date,) = (d for d in view.review_dates if d.date == view.next_review)
    assert next_date.upcoming and next_date.round == "2026-2027" and not next_date.decisions
    assert len(next_date.waiting) >= 2
    for common in next_date.waiting:
        assert common.stage == "proposed", common.slug
        assert common.slug in current.funding.commons, common.slug
        assert not any(e.round == "2026-2027" for e in view.reviews[common.slug]), common.slug
    # Every decision is dated before today: nothing is decided ahead of time.
    assert all(e.review.date < TODAY for entries in view.reviews.values() for e in entries)


def test_a_jury_of_three_with_one_recusal(view):
    """The open round's jury scored the proposals waiting for its first review date; one
    member, tied to the proposer of one of them, is absent from its scores."""
    current = view.current_round
    jury = current.round.evaluation
    assert len(jury.reviewers) == 3
    first = next(d for d in view.review_dates if d.round == current.slug)
    ranked = view.evaluations[current.slug]
    assert {e.common for e in ranked} == {c.slug for c in first.waiting}
    assert all(e.date <= first.date and e.complete for e in ranked)
    recused = [(r, e) for r in jury.reviewers for e in ranked
               if set(r.ties) & set(view.commons_by_slug[e.common].proposed_by)]  # fmt: skip
    assert [(r.id, e.common, e.reviewers) for r, e in recused] == [
        ("claire-dumont", "tournees-cyclologistique", 2)
    ]
    assert [e.rank for e in ranked] == [1, 2, 3]
