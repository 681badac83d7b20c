"""A round's jury, computed exactly: per common, the number of reviewers, each criterion's
mean, the weighted total out of 100; then the round's ranking. Pure functions of the
round's jury and its scores (``content/evaluations/<round>/<common>.yml``), checked by
``content.checks.check_evaluations`` before they get here.

Means and totals are exact fractions; what is shown is rounded half up to 2 decimals
(``half_up``). The total is Σ weightᵢ × meanᵢ ÷ (scale × Σ weightᵢ) × 100, from the
unrounded means; below the jury's ``min_reviewers`` a common is *incomplete* and has no
total. Commons are ranked by their total as shown: equal totals share a rank (1, 1, 3).
No reviewer's id goes further than this module: what it gives is anonymous.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from appel_a_communs.content.catalogue import Catalogue
from appel_a_communs.content.models import Evaluation, EvaluationScores

CENT = Decimal("0.01")


def half_up(value: Fraction) -> Decimal:
    """``value`` rounded half up to 2 decimals, exactly (no float on the way)."""
    hundredths = value * 100
    whole, rest = divmod(hundredths.numerator, hundredths.denominator)
    if 2 * rest >= hundredths.denominator:
        whole += 1
    return (Decimal(whole) / 100).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CommonEvaluation:
    """What a jury made of one common in one round, without any reviewer's name."""

    round: str
    common: str
    date: date
    reviewers: int
    means: dict[str, Fraction]
    """Criterion id → its exact mean, in the jury's order of criteria."""
    total: Fraction | None
    """The exact weighted total out of 100; None: incomplete (too few reviewers)."""
    rank: int | None
    """1 for the best total of the round; None when incomplete."""
    comments: tuple[str, ...]
    """The reviewers' comments (Markdown), in the file's order, without their names."""
    scores: tuple[dict[str, int], ...]
    """Each reviewer's scores, criterion id → score, in the file's order, without names."""

    @property
    def complete(self) -> bool:
        return self.total is not None

    @property
    def shown_means(self) -> dict[str, Decimal]:
        """Each criterion's mean as shown: rounded half up to 2 decimals."""
        return {key: half_up(mean) for key, mean in self.means.items()}

    @property
    def shown_total(self) -> Decimal | None:
        return None if self.total is None else half_up(self.total)


def evaluate_common(jury: Evaluation, scores: EvaluationScores) -> CommonEvaluation:
    """One common's means and total (its rank is the round's: ``evaluate_round``)."""
    count = len(scores.scores)
    means = {
        c.id: Fraction(sum(score.points[c.id] for score in scores.scores), count)
        for c in jury.criteria
    }
    total: Fraction | None = None
    if count >= jury.min_reviewers:
        weights = sum(c.weight for c in jury.criteria)
        weighted = sum((c.weight * means[c.id] for c in jury.criteria), Fraction(0))
        total = weighted / (jury.scale * weights) * 100
    return CommonEvaluation(
        round=scores.round,
        common=scores.common,
        date=scores.date,
        reviewers=count,
        means=means,
        total=total,
        rank=None,
        comments=tuple(s.comment for s in scores.scores if s.comment),
        scores=tuple({c.id: s.points[c.id] for c in jury.criteria} for s in scores.scores),
    )


def evaluate_round(jury: Evaluation, files: Iterable[EvaluationScores]) -> list[CommonEvaluation]:
    """The round's evaluated commons, ranked: by total as shown, best first (equal totals
    share a rank: 1, 1, 3), then the incomplete ones; within a rank, by slug."""
    found = [evaluate_common(jury, scores) for scores in files]
    complete = sorted(
        (e for e in found if e.complete), key=lambda e: (-(e.shown_total or 0), e.common)
    )
    ranked: list[CommonEvaluation] = []
    for position, item in enumerate(complete, start=1):
        previous = ranked[-1] if ranked else None
        rank = previous.rank if previous and previous.shown_total == item.shown_total else position
        ranked.append(_with_rank(item, rank))
    incomplete = sorted((e for e in found if not e.complete), key=lambda e: e.common)
    return ranked + incomplete


def _with_rank(item: CommonEvaluation, rank: int | None) -> CommonEvaluation:
    return CommonEvaluation(
        item.round,
        item.common,
        item.date,
        item.reviewers,
        item.means,
        item.total,
        rank,
        item.comments,
        item.scores,
    )


def evaluate(catalogue: Catalogue) -> dict[str, list[CommonEvaluation]]:
    """Round slug → its ranked evaluations, for every round that has a jury and scores."""
    by_round: dict[str, list[EvaluationScores]] = {}
    for scores in catalogue.evaluations.values():
        by_round.setdefault(scores.round, []).append(scores)
    found: dict[str, list[CommonEvaluation]] = {}
    for round_ in catalogue.round_list:
        if round_.evaluation is not None and round_.slug in by_round:
            found[round_.slug] = evaluate_round(round_.evaluation, by_round[round_.slug])
    return found
