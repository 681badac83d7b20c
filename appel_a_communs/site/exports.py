"""The published data files (SPEC, "Published data"), built from the computed view.

Amounts are decimal strings, never floats. While a sealed round is open, per-actor
amounts are null (blank in the CSV): the view holds None for them (see
``appel_a_communs.site.view``), and None is what is written, as on the pages.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter

from appel_a_communs.content.kinds import CAMPAIGN_SCHEMA, KINDS, PAGE_SCHEMA
from appel_a_communs.content.models import Common, Model
from appel_a_communs.site.view import CatalogueView

UrlOf = Callable[[str, str], str]
"""(kind, slug) → the page's URL, kind being challenge, common or actor."""


def decimal_text(value: Decimal | None, places: int = 2) -> str | None:
    if value is None:
        return None
    return f"{value:.{places}f}"


# --- the records, as models: the data files' schemas come from them -----------------------

Decimal_ = str | None
"""An amount as a decimal string (never a float), or null."""


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UnlockGapRecord(Record):
    amount: str
    releases: str


class CommonRecord(Record):
    """A common in ``data/commons.json``: the SPEC's fields, then ours."""

    slug: str
    title: str
    url: str
    challenges: list[str]
    stage: str
    status: str
    currency: str
    minimum: str
    stretch: str
    secured: str
    pending: str
    percent_minimum: Decimal_
    funders: int
    skills_days: str
    means_value: str
    matching_estimate: Decimal_
    existing_funding: str
    unlock_gap: UnlockGapRecord | None


class FacilitatorRecord(Record):
    name: str
    organisation: str | None = None
    url: str | None = None


class ChallengeRecord(Record):
    slug: str
    title: str
    url: str
    summary: str
    status: str
    deadline: str | None
    themes: list[str]
    facilitator: FacilitatorRecord | None
    commons: list[str]


class SupportRecord(Record):
    slug: str
    roles: list[str]


class ActorRecord(Record):
    """Per-actor amounts are null while a sealed round is open."""

    slug: str
    name: str
    kind: str
    territory: str | None
    website: str | None
    url: str
    allowance: Decimal_
    allocated: Decimal_
    remaining: Decimal_
    secured: Decimal_
    skills_days: str
    means_value: Decimal_
    activations: int
    commons: list[SupportRecord]


class PledgeRecord(Record):
    id: str
    date: str
    actor: str
    common: str
    role: str
    amount: Decimal_
    money_status: str | None
    conditional: bool | None
    counted: bool | None
    skills_days: str | None
    skills_description: str | None
    means_description: str | None
    means_value: Decimal_


class CommonFile(Record):
    """``data/commons/<slug>.json``: a common's content, its funding and its pledges."""

    funding: CommonRecord
    content: dict[str, Any]
    pledges: list[PledgeRecord]


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
    return [CommonRecord(**r).model_dump(mode="json") for r in records]


def challenges_records(view: CatalogueView, url_of: UrlOf) -> list[dict[str, Any]]:
    """One object per challenge for ``data/challenges.json``."""
    return [
        ChallengeRecord(
            slug=challenge.slug,
            title=challenge.title,
            url=url_of("challenge", challenge.slug),
            summary=challenge.summary,
            status=challenge.status,
            deadline=challenge.deadline.isoformat() if challenge.deadline else None,
            themes=list(challenge.themes),
            facilitator=challenge.facilitator.model_dump(mode="json")
            if challenge.facilitator
            else None,
            commons=[c.slug for c in view.commons_by_challenge.get(challenge.slug, [])],
        ).model_dump(mode="json")
        for challenge in view.challenges
    ]


def actors_records(view: CatalogueView, url_of: UrlOf) -> list[dict[str, Any]]:
    """One object per actor for ``data/actors.json``; no contact detail exists to publish."""
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
                "allowance": decimal_text(funding.allowance),
                "allocated": decimal_text(funding.allocated),
                "remaining": decimal_text(funding.remaining),
                "secured": decimal_text(funding.secured),
                "skills_days": decimal_text(funding.skills_days, 1),
                "means_value": decimal_text(funding.means_value),
                "activations": funding.activations,
                "commons": [
                    {"slug": common.slug, "roles": list(roles)}
                    for common, roles in view.supported_commons[actor.slug]
                ],
            }
        )
    return [ActorRecord(**r).model_dump(mode="json") for r in records]


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
    counted = view.counted
    for common in view.commons:
        for pledge in view.pledges_by_common.get(common.slug, []):
            money = pledge.money
            row = {
                "id": pledge.id,
                "date": pledge.date.isoformat(),
                "actor": pledge.actor,
                "common": pledge.common,
                "role": pledge.role,
                "amount": decimal_text(money.amount) if money else "",
                "currency": view.currency if money else "",
                "money_status": money.status if money else "",
                "conditional": ("yes" if money.condition else "no") if money else "",
                "counted": ("yes" if pledge.id in counted else "no") if money else "",
                "skills_days": decimal_text(pledge.skills.days, 1) if pledge.skills else "",
                "means_value": decimal_text(pledge.means.value) if pledge.means else "",
            }
            writer.writerow([neutralise(str(row[c] or "")) for c in PLEDGE_COLUMNS])
    return out.getvalue()


def pledge_records(view: CatalogueView, slug: str) -> list[dict[str, Any]]:
    """The pledges of one common, amounts null while sealed."""
    counted = view.counted
    rows = []
    for pledge in view.pledges_by_common.get(slug, []):
        money = pledge.money
        rows.append(
            PledgeRecord(
                id=pledge.id,
                date=pledge.date.isoformat(),
                actor=pledge.actor,
                common=pledge.common,
                role=pledge.role,
                amount=decimal_text(money.amount) if money else None,
                money_status=money.status if money else None,
                conditional=bool(money.condition) if money else None,
                counted=(pledge.id in counted) if money else None,
                skills_days=decimal_text(pledge.skills.days, 1) if pledge.skills else None,
                skills_description=pledge.skills.description if pledge.skills else None,
                means_description=pledge.means.description if pledge.means else None,
                means_value=decimal_text(pledge.means.value) if pledge.means else None,
            ).model_dump(mode="json")
        )
    return rows


def common_file(view: CatalogueView, common: Common, record: dict[str, Any]) -> dict[str, Any]:
    """``data/commons/<slug>.json`` (``CommonFile``), from the common's ``commons_records``
    record. Its parts are validated records already: validating them again as a
    ``CommonFile`` cost about a second at 50 000 pledges and could change nothing."""
    return {
        "funding": record,
        "content": common.model_dump(mode="json", exclude_none=True),
        "pledges": pledge_records(view, common.slug),
    }


def common_files(view: CatalogueView, records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every common's ``common_file``, by slug."""
    records_of = {r["slug"]: r for r in records}
    return {c.slug: common_file(view, c, records_of[c.slug]) for c in view.commons}


# --- JSON Schemas ---------------------------------------------------------------------------

SCHEMA_BASE = "https://appel-a-communs.example/schemas/"


def _content_schema(model: type[Model], drop: tuple[str, ...], optional: tuple[str, ...]):
    """A content file's schema: keys the file itself implies are optional or absent."""
    schema = model.model_json_schema()
    for key in drop:
        schema["properties"].pop(key, None)
    schema["required"] = [k for k in schema.get("required", []) if k not in drop + optional]
    return schema


@cache
def schemas() -> dict[str, dict[str, Any]]:
    """Every published schema by file name: the content files', then the data files'.
    Computed once per process (pydantic builds them slowly); callers must not change them."""
    found = {
        # The key a file's stem gives is optional (slug) or absent (id), as is the body.
        **{
            kind.schema: _content_schema(
                kind.model,
                ("body",) * kind.markdown + ("id",) * (kind.key == "id"),
                ("slug",) if kind.key == "slug" else ("role",),
            )
            for kind in KINDS.values()
        },
        CAMPAIGN_SCHEMA[0]: _content_schema(CAMPAIGN_SCHEMA[1], (), ()),
        PAGE_SCHEMA[0]: _content_schema(PAGE_SCHEMA[1], (), ()),
        "commons-data.json": TypeAdapter(list[CommonRecord]).json_schema(),
        "challenges-data.json": TypeAdapter(list[ChallengeRecord]).json_schema(),
        "actors-data.json": TypeAdapter(list[ActorRecord]).json_schema(),
        "common-data.json": CommonFile.model_json_schema(),
    }
    for name, schema in found.items():
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = SCHEMA_BASE + name
    return found
