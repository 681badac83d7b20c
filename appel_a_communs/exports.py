"""The published data files (SPEC, "Published data"), built from the computed view.

Amounts are decimal strings, never floats. While a sealed round is open, per-actor
amounts are None here exactly as they are absent from the pages.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .view import CatalogueView

UrlOf = Callable[[str, str], str]
"""(kind, slug) → the page's URL, kind being challenge, common or actor."""


def decimal_text(value: Decimal | None, places: int = 2) -> str | None:
    if value is None:
        return None
    return f"{value:.{places}f}"


def commons_records(view: CatalogueView, url_of: UrlOf) -> list[dict[str, Any]]:
    """One object per common for ``data/commons.json``."""
    records = []
    for common in view.commons:
        funding = view.funding.commons[common.slug]
        gap = funding.unlock_gap
        records.append(
            {
                "slug": common.slug,
                "title": common.title,
                "url": url_of("common", common.slug),
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
                "matching_estimate": decimal_text(funding.matching_estimate),
                "existing_funding": decimal_text(funding.existing_funding),
                "unlock_gap": {
                    "amount": decimal_text(gap.amount),
                    "releases": decimal_text(gap.releases),
                }
                if gap
                else None,
            }
        )
    return records


def challenges_records(view: CatalogueView, url_of: UrlOf) -> list[dict[str, Any]]:
    """One object per challenge for ``data/challenges.json``."""
    return [
        {
            "slug": challenge.slug,
            "title": challenge.title,
            "url": url_of("challenge", challenge.slug),
            "summary": challenge.summary,
            "status": challenge.status,
            "deadline": challenge.deadline.isoformat() if challenge.deadline else None,
            "themes": list(challenge.themes),
            "facilitator": challenge.facilitator.model_dump(mode="json")
            if challenge.facilitator
            else None,
            "commons": [c.slug for c in view.commons_by_challenge.get(challenge.slug, [])],
        }
        for challenge in view.challenges
    ]


def actors_records(view: CatalogueView, url_of: UrlOf) -> list[dict[str, Any]]:
    """One object per actor for ``data/actors.json``; no contact detail exists to publish."""
    sealed = view.sealed

    def amount(value: Decimal | None) -> str | None:
        return None if sealed else decimal_text(value)

    records = []
    for actor in view.actors:
        funding = view.funding.actors[actor.slug]
        records.append(
            {
                "slug": actor.slug,
                "name": actor.name,
                "kind": actor.kind,
                "territory": actor.territory,
                "website": actor.website,
                "url": url_of("actor", actor.slug),
                "allowance": amount(funding.allowance),
                "allocated": amount(funding.allocated),
                "remaining": amount(funding.remaining),
                "secured": amount(funding.secured),
                "skills_days": decimal_text(funding.skills_days, 1),
                "means_value": amount(funding.means_value),
                "activations": funding.activations,
                "commons": [
                    {"slug": common.slug, "roles": list(roles)}
                    for common, roles in view.supported_commons[actor.slug]
                ],
            }
        )
    return records


PLEDGE_COLUMNS = (
    "id",
    "date",
    "actor",
    "common",
    "role",
    "amount",
    "currency",
    "money_status",
    "conditional",
    "counted",
    "skills_days",
    "means_value",
)


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would read as a formula is prefixed with an apostrophe."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def pledges_csv(view: CatalogueView) -> str:
    """``data/pledges.csv``: one row per pledge, amounts blank while sealed."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PLEDGE_COLUMNS)
    sealed = view.sealed
    for common in view.commons:
        counted = view.funding.commons[common.slug].counted
        for pledge in view.pledges_by_common.get(common.slug, []):
            money = pledge.money
            row = {
                "id": pledge.id,
                "date": pledge.date.isoformat(),
                "actor": pledge.actor,
                "common": pledge.common,
                "role": pledge.role,
                "amount": "" if sealed or not money else decimal_text(money.amount),
                "currency": view.currency if money else "",
                "money_status": money.status if money else "",
                "conditional": ("yes" if money.condition else "no") if money else "",
                "counted": ("yes" if pledge.id in counted else "no") if money else "",
                "skills_days": decimal_text(pledge.skills.days, 1) if pledge.skills else "",
                "means_value": ""
                if sealed or not (pledge.means and pledge.means.value)
                else decimal_text(pledge.means.value),
            }
            writer.writerow([neutralise(str(row[c] or "")) for c in PLEDGE_COLUMNS])
    return out.getvalue()
