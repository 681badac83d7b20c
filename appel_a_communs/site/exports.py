"""The published data files (SPEC, "Published data"), built from the computed view.

Amounts are decimal strings, never floats. While a sealed round is open, per-actor
amounts are null (blank in the CSV): the view holds None for them (see
``appel_a_communs.site.view``), and None is what is written, as on the pages. A closed
round's amounts stay public beside a sealed current round: the view keeps them.

A call's top-level figures (each common's, each actor's) are those of the round the call
runs now, as they were before rounds existed; what spans rounds is added beside them
(``rounds``, ``reviews``, ``eligibility``, ``total``), never in their place.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter

from appel_a_communs.content.kinds import CAMPAIGN_SCHEMA, KINDS, PAGE_SCHEMA
from appel_a_communs.content.models import Common, Model, Report
from appel_a_communs.funding.engine import CommonFunding
from appel_a_communs.funding.followup import RoundFollowUp
from appel_a_communs.i18n import DEFAULT_LOCALE, translate, translations
from appel_a_communs.site.view import CatalogueView, RoundView
from appel_a_communs.site.xmltext import utf8_text

UrlOf = Callable[[str, str], str]
"""(kind, slug) → the page's URL, kind being challenge, common or actor."""
RoundUrlOf = Callable[[str], str]
"""A round's slug → the URL of its funding page (the current round's: the funding page)."""


def decimal_text(value: Decimal | None, places: int = 2) -> str | None:
    if value is None:
        return None
    return f"{value:.{places}f}"


def plain_decimal(value: Decimal | None) -> str | None:
    """A ratio or a share as its file gives it (``1``, ``0.25``): no places added."""
    return None if value is None else format(value, "f")


# --- the records, as models: the data files' schemas come from them -----------------------

Decimal_ = str | None
"""An amount as a decimal string (never a float), or null."""


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UnlockGapRecord(Record):
    amount: str
    releases: str


class SpendingRecord(Record):
    label: str
    amount: str
    """The budget line's amount in that round."""
    spent: str
    """What the round's reports spent on it."""


class FollowUpFigures(Record):
    """What became of a common's money in one round (SPEC, "After the money"): the common's
    totals, public while sealed as ``secured`` is."""

    pledged: Decimal_
    confirmed: Decimal_
    """Confirmed or paid."""
    paid: Decimal_
    """Null while the round is sealed, as ``pledged`` and ``confirmed``: split by status,
    a common's money would show an actor's amount."""
    spent: str
    """Spent, according to the common's reports on that round."""
    minimum_reached_on: str | None
    spending: list[SpendingRecord]


class ProgressRecord(Record):
    delivered: int
    total: int
    late: list[str]
    """The titles of the deliverables whose due date has passed undone."""


class SpentRecord(Record):
    label: str
    amount: str


class ReportRecord(Record):
    slug: str
    url: str
    date: str
    round: str | None
    """The round it reports on (``funding.followup.report_round``): ``campaign`` for a call
    with ``campaign.yml``, null for a call without rounds."""
    title: str
    spent: list[SpentRecord]


class RoundResultRecord(FollowUpFigures):
    """A common's result in one round it takes part in (amounts are public: they are the
    common's, not an actor's), and what became of its money there."""

    round: str
    status: str
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


class ReviewRecord(Record):
    date: str
    round: str | None
    """The round the review belongs to (its ``round`` key, else the round of its date)."""
    decision: str
    reasons: str | None
    """Short Markdown, as the common's file gives it."""
    by: str | None


class CriterionRecord(Record):
    criterion: str
    """open_license, min_working_group, challenge or budget."""
    met: bool
    why: str
    """In the site's language."""


class CommonRecord(Record):
    """A common in ``data/commons.json``: the SPEC's fields, then ours. The top-level
    figures are the common's result in the current round, or in the last round it took
    part in (``round``); ``rounds`` gives its result in each round."""

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
    round: str | None
    """The round of the figures above; null for a call without rounds."""
    rounds: list[RoundResultRecord]
    reviews: list[ReviewRecord]
    """Oldest first."""
    eligible: bool | None
    """Whether it meets every criterion of the current round; null when that round sets
    none, or when the common does not take part in it."""
    eligibility: list[CriterionRecord]
    """The current round's checklist ([] when ``eligible`` is null)."""
    pledged: Decimal_
    """What became of the money in the round of the figures above, as in ``rounds``
    (null: a common in no round, or a sealed round's pledged, confirmed and paid)."""
    confirmed: Decimal_
    paid: Decimal_
    spent: Decimal_
    minimum_reached_on: str | None
    spending: list[SpendingRecord]
    progress: ProgressRecord
    reports: list[ReportRecord]
    """Every report of the common, oldest first."""


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


class ActorRoundRecord(Record):
    """An actor's record in one round it pledged in: null amounts while that round is
    sealed; a closed round's stay public."""

    round: str
    allowance: Decimal_
    allocated: Decimal_
    remaining: Decimal_
    secured: Decimal_
    skills_days: str
    means_value: Decimal_
    activations: int
    commons: int
    """Commons it supports in that round."""


class EngagementTotalRecord(Record):
    """An actor's engagement over every round: an amount is null when a sealed round
    would be part of it; a common supported in several rounds counts once."""

    commons: int
    allocated: Decimal_
    secured: Decimal_
    skills_days: str
    means_value: Decimal_
    activations: int


class ActorRecord(Record):
    """Per-actor amounts are null while a sealed round is open. The top-level figures are
    the current round's; ``rounds`` and ``total`` span the call (``rounds`` is [] and
    ``total`` null for a call without rounds)."""

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
    rounds: list[ActorRoundRecord]
    total: EngagementTotalRecord | None


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
    round: str | None
    """The round the pledge belongs to; null for a call without rounds."""


class RoundMatchingRecord(Record):
    method: str
    funder: str
    pool: str
    ratio: str
    cap: str | None
    """The share of the pool one common may receive at most, as the round's file gives it
    (``0.25``); null without a cap."""
    min_funders: int
    total: str
    """The sum of every common's matching estimate: what the pool pays out (an estimate
    while the round is open)."""


class RoundTotalsRecord(Record):
    commons: int
    minimum: str
    stretch: str
    secured: str
    pending: str
    allocated: str
    skills_days: str
    means_value: str


class EligibilityRecord(Record):
    open_license: bool
    min_working_group: int | None
    challenge: bool
    budget: bool


class RoundRecord(Record):
    """A round in ``data/rounds.json``. Its totals are public; the ``allowances`` of
    each actor are {} while the round is sealed."""

    slug: str
    name: str | None
    url: str
    state: str
    """upcoming, open or closed."""
    current: bool
    opens: str | None
    closes: str | None
    currency: str
    sealed: bool
    """Whether its per-actor amounts are hidden now (a sealed round that is still open)."""
    reviews: list[str]
    eligibility: EligibilityRecord | None
    allowances: dict[str, str]
    matching: RoundMatchingRecord | None
    totals: RoundTotalsRecord
    commons: list[str]
    """The commons taking part in it."""


class CommonFile(Record):
    """``data/commons/<slug>.json``: a common's content, its funding and its pledges."""

    funding: CommonRecord
    content: dict[str, Any]
    pledges: list[PledgeRecord]


def iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def round_result_record(
    slug: str | None, funding: CommonFunding, follow: RoundFollowUp
) -> dict[str, Any]:
    """A common's result in one round, from its ``CommonFunding`` and its follow-up there."""
    return {"round": slug, **funding_figures(funding), **follow_up_figures(follow)}


def follow_up_figures(follow: RoundFollowUp) -> dict[str, Any]:
    money = follow.money
    return {
        "pledged": decimal_text(money.pledged),
        "confirmed": decimal_text(money.confirmed),
        "paid": decimal_text(money.paid),
        "spent": decimal_text(follow.spent),
        "minimum_reached_on": iso(follow.minimum_reached_on),
        "spending": [
            {"label": line.label, "amount": decimal_text(line.amount),
             "spent": decimal_text(line.spent)}
            for line in follow.lines
        ],
    }  # fmt: skip


NO_FOLLOW_UP = {
    "pledged": None,
    "confirmed": None,
    "paid": None,
    "spent": None,
    "minimum_reached_on": None,
    "spending": [],
}
"""The follow-up figures of a common in no round."""


def report_record(report: Report, round_slug: str | None, url_of: UrlOf) -> dict[str, Any]:
    return {
        "slug": report.slug,
        "url": url_of("report", report.slug),
        "date": report.date.isoformat(),
        "round": round_slug,
        "title": report.title,
        "spent": [{"label": s.label, "amount": decimal_text(s.amount)} for s in report.spent],
    }


def funding_figures(funding: CommonFunding) -> dict[str, Any]:
    """The figures of a common's funding in one round, as every data file writes them."""
    return {
        "status": funding.status,
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
    }


def commons_records(
    view: CatalogueView, url_of: UrlOf, locale: str = DEFAULT_LOCALE
) -> list[dict[str, Any]]:
    """One object per common for ``data/commons.json``; ``locale`` is the language of
    the eligibility checklist's explanations."""
    catalogue = translations(locale)
    records = []
    for common in view.commons:
        funding = view.funding.commons[common.slug]
        gap = funding.unlock_gap
        checklist = view.eligibility.get(common.slug)
        follow = view.follow_up[common.slug]
        shown = follow.in_round(view.shown_rounds.get(common.slug)) if follow.rounds else None
        progress = follow.progress
        records.append(
            {
                "slug": common.slug,
                "title": common.title,
                "url": url_of("common", common.slug),
                "challenges": list(common.challenges),
                "stage": common.stage,
                "currency": funding.currency,
                **funding_figures(funding),
                "unlock_gap": {
                    "amount": decimal_text(gap.amount),
                    "releases": decimal_text(gap.releases),
                }
                if gap
                else None,
                "round": view.shown_rounds.get(common.slug),
                "rounds": [
                    round_result_record(r.slug, result, follow.in_round(r.slug))
                    for r, result in view.round_results.get(common.slug, [])
                ],
                "reviews": [
                    {
                        "date": entry.review.date.isoformat(),
                        "round": entry.round,
                        "decision": entry.review.decision,
                        "reasons": entry.review.reasons,
                        "by": entry.review.by,
                    }
                    for entry in view.reviews.get(common.slug, [])
                ],
                "eligible": checklist.eligible if checklist is not None else None,
                "eligibility": [
                    {"criterion": c.name, "met": c.met, "why": translate(c.why, catalogue)}
                    for c in checklist.criteria
                ]
                if checklist is not None
                else [],
                **(follow_up_figures(shown) if shown else NO_FOLLOW_UP),
                "progress": {
                    "delivered": progress.delivered,
                    "total": progress.total,
                    "late": [d.title for d in progress.late],
                },
                "reports": sorted(
                    (
                        report_record(report, each.round, url_of)
                        for each in follow.rounds
                        for report in each.reports
                    ),
                    key=lambda r: (r["date"], r["slug"]),
                ),
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
                **engagement_records(view, actor.slug),
            }
        )
    return [ActorRecord(**r).model_dump(mode="json") for r in records]


def engagement_records(view: CatalogueView, slug: str) -> dict[str, Any]:
    """An actor's ``rounds`` and ``total``, from ``view.engagement`` (whose amounts are
    None where a sealed round hides them)."""
    engagement = view.engagement.get(slug)
    if engagement is None:  # a call without rounds
        return {"rounds": [], "total": None}
    total = engagement.total
    return {
        "rounds": [
            {
                "round": r.slug,
                "allowance": decimal_text(f.allowance),
                "allocated": decimal_text(f.allocated),
                "remaining": decimal_text(f.remaining),
                "secured": decimal_text(f.secured),
                "skills_days": decimal_text(f.skills_days, 1),
                "means_value": decimal_text(f.means_value),
                "activations": f.activations,
                "commons": len(f.roles),
            }
            for r, f in engagement.rounds
        ],
        "total": {
            "commons": total.commons,
            "allocated": decimal_text(total.allocated),
            "secured": decimal_text(total.secured),
            "skills_days": decimal_text(total.skills_days, 1),
            "means_value": decimal_text(total.means_value),
            "activations": total.activations,
        },
    }


def rounds_records(view: CatalogueView, round_url: RoundUrlOf) -> list[dict[str, Any]]:
    """One object per round for ``data/rounds.json`` ([] for a call without rounds)."""
    return [
        RoundRecord(**round_record(each, round_url)).model_dump(mode="json") for each in view.rounds
    ]


def round_record(each: RoundView, round_url: RoundUrlOf) -> dict[str, Any]:
    round_ = each.round
    assert round_ is not None  # view.rounds is empty for a call without rounds
    funding = each.funding
    totals = funding.totals
    summary = funding.matching
    return {
        "slug": round_.slug,
        "name": round_.name,
        "url": round_url(round_.slug),
        "state": each.state,
        "current": each.current,
        "opens": iso(round_.opens),
        "closes": iso(round_.closes),
        "currency": round_.currency,
        "sealed": each.sealed,
        "reviews": [day.isoformat() for day in round_.reviews],
        "eligibility": round_.eligibility.model_dump(mode="json")
        if round_.eligibility is not None
        else None,
        # {} while sealed: the view publishes a sealed round without its allowances.
        "allowances": {slug: decimal_text(a) for slug, a in round_.allowances.items()},
        "matching": {
            "method": summary.method,
            "funder": summary.funder,
            "pool": decimal_text(summary.pool),
            "ratio": plain_decimal(summary.ratio),
            "cap": plain_decimal(round_.matching.cap) if round_.matching else None,
            "min_funders": summary.min_funders,
            "total": decimal_text(summary.total),
        }
        if summary is not None
        else None,
        "totals": {
            "commons": totals.commons,
            "minimum": decimal_text(totals.minimum),
            "stretch": decimal_text(totals.stretch),
            "secured": decimal_text(totals.secured),
            "pending": decimal_text(totals.pending),
            "allocated": decimal_text(totals.allocated),
            "skills_days": decimal_text(totals.skills_days, 1),
            "means_value": decimal_text(totals.means_value),
        },
        "commons": [c.slug for c in each.view.commons],
    }


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
    "round",
)
"""New columns go at the end: a program that reads columns by position keeps working."""


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would read as a formula is prefixed with an apostrophe."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def csv_text(rows: list[list[str]]) -> str:
    """The CSV files' text: lines end with ``\n``, and a cell is quoted when it holds a
    delimiter, a quote or a line feed (``csv``'s minimal quoting), or a carriage return,
    which that quoting leaves bare and readers (``csv``, spreadsheets) take for the end of
    the row: a row holding one is written again with every cell quoted. Lone surrogates
    are replaced by U+FFFD (``xmltext.utf8_text``, which says why)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    text = out.getvalue()
    if "\r" in text:  # only a cell can hold one
        out = io.StringIO()
        plain = csv.writer(out, lineterminator="\n")
        quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
        for row in rows:
            (quoted if any("\r" in cell for cell in row) else plain).writerow(row)
        text = out.getvalue()
    return utf8_text(text)


def pledges_csv(view: CatalogueView) -> str:
    """``data/pledges.csv``: one row per pledge, amounts blank while sealed."""
    rows = [list(PLEDGE_COLUMNS)]
    counted = view.counted
    rounds = view.pledge_rounds
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
                "round": rounds.get(pledge.id),
            }
            rows.append([neutralise(str(row[c] or "")) for c in PLEDGE_COLUMNS])
    return csv_text(rows)


def pledge_records(view: CatalogueView, slug: str) -> list[dict[str, Any]]:
    """The pledges of one common, amounts null while sealed."""
    counted = view.counted
    rounds = view.pledge_rounds
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
                round=rounds.get(pledge.id),
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


def _closed_maps(schema: Any) -> None:
    """A map keyed by slugs (``allowances``, ``budgets``) admits no other key, as the
    loader refuses one: pydantic gives its key pattern only, which JSON Schema reads as
    "these keys, and any other"."""
    if isinstance(schema, dict):
        if "patternProperties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
        for value in schema.values():
            _closed_maps(value)
    elif isinstance(schema, list):
        for value in schema:
            _closed_maps(value)


def _content_schema(model: type[Model], drop: tuple[str, ...], optional: tuple[str, ...]):
    """A content file's schema: keys the file itself implies are optional or absent."""
    schema = model.model_json_schema()
    _closed_maps(schema)
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
        "rounds-data.json": TypeAdapter(list[RoundRecord]).json_schema(),
    }
    for name, schema in found.items():
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = SCHEMA_BASE + name
    return found
