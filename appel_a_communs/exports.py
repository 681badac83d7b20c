"""The published data files (SPEC, "Published data"), built from the computed view."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .view import CatalogueView


def decimal_text(value: Decimal | None, places: int = 2) -> str | None:
    """Amounts as decimal strings, never floats."""
    if value is None:
        return None
    return f"{value:.{places}f}"


def commons_records(view: CatalogueView, url_of: Callable[[str], str]) -> list[dict[str, Any]]:
    """One object per common for ``data/commons.json``; ``url_of`` maps a slug to its URL."""
    records = []
    for common in view.commons:
        funding = view.funding.commons[common.slug]
        records.append(
            {
                "slug": common.slug,
                "title": common.title,
                "url": url_of(common.slug),
                "challenges": list(common.challenges),
                "stage": common.stage,
                "status": funding.status,
                "currency": funding.currency,
                "minimum": decimal_text(funding.minimum),
                "stretch": decimal_text(funding.stretch),
                "secured": decimal_text(funding.secured),
                "pending": decimal_text(funding.pending),
                "percent_minimum": decimal_text(funding.percent_minimum),
                "funders": funding.funders,
                "skills_days": decimal_text(funding.skills_days, 1),
                "means_value": decimal_text(funding.means_value),
            }
        )
    return records
