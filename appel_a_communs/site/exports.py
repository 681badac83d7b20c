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

from collections.abc import Callable, Iterator, Mapping, Set
from dataclasses import replace
from functools import cache
from operator import attrgetter
from types import SimpleNamespace
from typing import Any, NamedTuple

from pydantic import TypeAdapter

from appel_a_communs.content.kinds import CAMPAIGN_SCHEMA, KINDS, PAGE_SCHEMA
from appel_a_communs.content.models import Common, Model, Pledge
from appel_a_communs.funding.followup import SEALED
from appel_a_communs.i18n import DEFAULT_LOCALE, translate, translations
from appel_a_communs.site.tables import (
    AMOUNT,
    AMOUNTS,
    BOOLEAN,
    DATA,
    DATE,
    DAYS,
    INTEGER,
    PERCENT,
    RATIO,
    RECORD,
    RECORDS,
    TEXT,
    TEXTS,
    URL,
    Column,
    Table,
    record_model,
    table_csv,
    table_records,
)
from appel_a_communs.site.view import CatalogueView, RoundView

UrlOf = Callable[[str, str], str]
"""(kind, slug) → the page's URL, kind being challenge, common or actor."""
RoundUrlOf = Callable[[str], str]
"""A round's slug → the URL of its funding page (the current round's: the funding page)."""


# --- the pledges: pledges.csv, a common's data file, a round's statement -------------------


class PledgeFacts(NamedTuple):
    """What a pledge's row needs besides the pledge, the same for every row of a table."""

    counted: Set[str]
    """The pledges that count (``CatalogueView.counted``)."""
    rounds: Mapping[str, str | None]
    """Pledge id → its round (``CatalogueView.pledge_rounds``)."""
    currency: str
    withdrawn: Set[str] = frozenset()
    """The pledges withdrawn by the build's day (``CatalogueView.withdrawn``)."""


class PledgeRow(NamedTuple):
    pledge: Pledge
    facts: PledgeFacts


def _money(get: Callable[[Any], Any]) -> Callable[[PledgeRow], Any]:
    """A money pledge's value (None for a pledge of skills or means only)."""
    return lambda row: None if (money := row.pledge.money) is None else get(money)


def _money_row(get: Callable[[PledgeRow], Any]) -> Callable[[PledgeRow], Any]:
    return lambda row: None if row.pledge.money is None else get(row)


PLEDGES = Table("PledgeRecord", (
    Column("id", TEXT, lambda row: row.pledge.id),
    Column("date", DATE, lambda row: row.pledge.date),
    Column("actor", TEXT, lambda row: row.pledge.actor),
    Column("common", TEXT, lambda row: row.pledge.common),
    Column("role", TEXT, lambda row: row.pledge.role),
    Column("amount", AMOUNT, _money(lambda money: money.amount), nullable=True),
    Column("currency", TEXT, _money_row(lambda row: row.facts.currency), in_json=False),
    Column("money_status", TEXT, _money(lambda money: money.status), nullable=True),
    Column("conditional", BOOLEAN, _money(lambda money: bool(money.condition)), nullable=True),
    Column("counted", BOOLEAN, _money_row(lambda row: row.pledge.id in row.facts.counted),
           nullable=True),
    Column("skills_days", DAYS, lambda row: row.pledge.skills.days if row.pledge.skills else None,
           nullable=True),
    Column("skills_description", TEXT,
           lambda row: row.pledge.skills.description if row.pledge.skills else None,
           nullable=True, in_csv=False),
    Column("means_description", TEXT,
           lambda row: row.pledge.means.description if row.pledge.means else None,
           nullable=True, in_csv=False),
    Column("means_value", AMOUNT, lambda row: row.pledge.means.value if row.pledge.means else None,
           nullable=True),
    Column("round", TEXT, lambda row: row.facts.rounds.get(row.pledge.id), nullable=True),
    Column("withdrawn", DATE,
           lambda row: row.pledge.withdrawn if row.pledge.id in row.facts.withdrawn else None,
           nullable=True),
))  # fmt: skip
"""A pledge, amounts None while sealed: ``data/pledges.csv`` (every column a cell holds),
the ``pledges`` of ``data/commons/<slug>.json`` (every column but ``currency``), and the
``pledges`` sheet of a round's statement (``statements``: all of pledges.csv's but
``round``). A new column goes at the end: a program that reads columns by position keeps
working."""


def pledge_facts(view: CatalogueView, currency: str | None = None) -> PledgeFacts:
    """The facts of the call's pledges (``currency``: a round's, if not the call's)."""
    return PledgeFacts(view.counted, view.pledge_rounds, currency or view.currency, view.withdrawn)


def pledge_rows(view: CatalogueView, facts: PledgeFacts | None = None) -> Iterator[PledgeRow]:
    """The view's pledges, common by common (``view`` may be a round's: the facts are
    then the call's, with the round's currency)."""
    facts = facts or pledge_facts(view)
    for common in view.commons:
        for pledge in view.pledges_by_common.get(common.slug, []):
            yield PledgeRow(pledge, facts)


def pledges_csv(view: CatalogueView) -> str:
    """``data/pledges.csv``: one row per pledge, amounts blank while sealed."""
    return table_csv(PLEDGES, pledge_rows(view))


def pledge_records(view: CatalogueView, slug: str) -> list[dict[str, Any]]:
    """The pledges of one common, amounts null while sealed."""
    facts = pledge_facts(view)
    pledges = view.pledges_by_common.get(slug, [])
    return table_records(PLEDGES, (PledgeRow(pledge, facts) for pledge in pledges))


# --- a common's results: commons.json and data/commons/<slug>.json -------------------------

MATCHES = Table("MatchRecord", (
    Column("funder", TEXT, lambda match: match[0]),
    # what this funder's pool matches (an estimate while the round is open)
    Column("estimate", AMOUNT, lambda match: match[1]),
))  # fmt: skip
"""Rows: (funder, its match): a common's match from each pool that may fund it."""

FUNDING = (
    Column("status", TEXT, lambda f: f.status),
    Column("minimum", AMOUNT, lambda f: f.minimum),
    Column("stretch", AMOUNT, lambda f: f.stretch),
    Column("secured", AMOUNT, lambda f: f.secured),
    Column("pending", AMOUNT, lambda f: f.pending),
    Column("percent_minimum", PERCENT, lambda f: f.percent_minimum, nullable=True),
    Column("funders", INTEGER, lambda f: f.funders),
    Column("skills_days", DAYS, lambda f: f.skills_days),
    Column("means_value", AMOUNT, lambda f: f.means_value),
    Column("matching_estimate", AMOUNT, lambda f: f.matching_estimate, nullable=True),
    # matching_estimate funder by funder: one record per pool that may fund it
    Column("matching", RECORDS, lambda f: f.matches, table=MATCHES),
    Column("existing_funding", AMOUNT, lambda f: f.existing_funding),
)
"""The figures of a common's funding in one round (a ``CommonFunding``), as every data
file writes them."""

SPENDING = Table("SpendingRecord", (
    Column("label", TEXT, lambda line: line.label),
    Column("amount", AMOUNT, lambda line: line.amount),  # the budget line's, in that round
    Column("spent", AMOUNT, lambda line: line.spent),  # what the round's reports spent on it
))  # fmt: skip

FOLLOW_UP = (
    Column("pledged", AMOUNT, lambda follow: follow.money.pledged, nullable=True),
    Column("confirmed", AMOUNT, lambda follow: follow.money.confirmed, nullable=True),
    # paid: null while the round is sealed, as pledged and confirmed: split by status, a
    # common's money would show an actor's amount
    Column("paid", AMOUNT, lambda follow: follow.money.paid, nullable=True),
    Column("spent", AMOUNT, lambda follow: follow.spent),  # according to its reports
    Column("minimum_reached_on", DATE, lambda follow: follow.minimum_reached_on, nullable=True),
    Column("spending", RECORDS, lambda follow: follow.lines, table=SPENDING),
)
"""What became of a common's money in one round (SPEC, "After the money", a
``RoundFollowUp``): the common's totals, public while sealed as ``secured`` is."""

NO_FOLLOW_UP = SimpleNamespace(money=SEALED, spent=None, minimum_reached_on=None, lines=())
"""The follow-up of a common in no round: every figure null."""


class RoundResult(NamedTuple):
    round: str | None
    funding: Any
    """Its ``CommonFunding`` in the round."""
    follow: Any
    """Its ``RoundFollowUp`` in the round."""


ROUND_RESULTS = Table(
    "RoundResultRecord",
    (
        *(column.of(attrgetter("follow")) for column in FOLLOW_UP),
        Column("round", TEXT, lambda result: result.round),
        *(column.of(attrgetter("funding")) for column in FUNDING),
    ),
    doc="""A common's result in one round it takes part in (amounts are public: they are the
    common's, not an actor's), and what became of its money there.""",
)

UNLOCK_GAP = Table("UnlockGapRecord", (
    Column("amount", AMOUNT, lambda gap: gap.amount),
    Column("releases", AMOUNT, lambda gap: gap.releases),
))  # fmt: skip

REVIEWS = Table("ReviewRecord", (
    Column("date", DATE, lambda entry: entry.review.date),
    # the review's round key, else the round of its date
    Column("round", TEXT, lambda entry: entry.round, nullable=True),
    Column("decision", TEXT, lambda entry: entry.review.decision),
    Column("reasons", TEXT, lambda entry: entry.review.reasons, nullable=True),  # Markdown
    Column("by", TEXT, lambda entry: entry.review.by, nullable=True),
))  # fmt: skip

CRITERIA = Table("CriterionRecord", (
    # open_license, min_working_group, challenge or budget
    Column("criterion", TEXT, lambda row: row[0].name),
    Column("met", BOOLEAN, lambda row: row[0].met),
    Column("why", TEXT, lambda row: translate(row[0].why, row[1])),  # in the site's language
))  # fmt: skip
"""Rows: (criterion, the site's gettext catalogue)."""

EVALUATIONS = Table("EvaluationRecord", (
    Column("round", TEXT, lambda e: e.round),
    Column("reviewers", INTEGER, lambda e: e.reviewers),  # how many, never who
    # criterion id → its mean over the reviewers, rounded half up to 2 decimals
    Column("criteria", AMOUNTS, lambda e: e.shown_means),
    # out of 100, rounded half up to 2 decimals; null: incomplete (too few reviewers)
    Column("total", PERCENT, lambda e: e.shown_total, nullable=True),
    Column("rank", INTEGER, lambda e: e.rank, nullable=True),  # equal totals share a rank
))  # fmt: skip
"""A common's result before a round's jury (``funding.evaluation.CommonEvaluation``)."""

PROGRESS = Table("ProgressRecord", (
    Column("delivered", INTEGER, lambda progress: progress.delivered),
    Column("total", INTEGER, lambda progress: progress.total),
    # the titles of the deliverables whose due date has passed undone
    Column("late", TEXTS, lambda progress: [d.title for d in progress.late]),
))  # fmt: skip

SPENT = Table("SpentRecord", (
    Column("label", TEXT, lambda item: item.label),
    Column("amount", AMOUNT, lambda item: item.amount),
))  # fmt: skip


class ReportRow(NamedTuple):
    report: Any
    round: str | None
    """The round it reports on (``funding.followup.report_round``): ``campaign`` for a
    call with ``campaign.yml``, None for a call without rounds."""
    url: str


REPORTS = Table("ReportRecord", (
    Column("slug", TEXT, lambda row: row.report.slug),
    Column("url", URL, lambda row: row.url),
    Column("date", DATE, lambda row: row.report.date),
    Column("round", TEXT, lambda row: row.round, nullable=True),
    Column("title", TEXT, lambda row: row.report.title),
    Column("spent", RECORDS, lambda row: row.report.spent, table=SPENT),
))  # fmt: skip


class CommonRow(NamedTuple):
    """What a common's record is made of."""

    common: Common
    url: str
    funding: Any
    """Its ``CommonFunding`` in the round of its figures."""
    round: str | None
    """The round of its figures: the current one, or the last it took part in (None for
    a call without rounds)."""
    results: list[RoundResult]
    reviews: list[Any]
    checklist: Any
    """Its eligibility ``Checklist`` in the current round; None when that round sets no
    criterion, or when the common does not take part in it."""
    criteria: list[tuple[Any, Any]]
    shown: Any
    """Its follow-up in the round of its figures (``NO_FOLLOW_UP`` in none)."""
    progress: Any
    reports: list[ReportRow]
    """Oldest first."""
    evaluations: list[Any]
    """Its results before the juries of the rounds, in the rounds' order."""


def _shown(row: CommonRow) -> Any:
    return row.shown


COMMONS = Table(
    "CommonRecord",
    (
        Column("slug", TEXT, lambda row: row.common.slug),
        Column("title", TEXT, lambda row: row.common.title),
        Column("url", URL, lambda row: row.url),
        Column("challenges", TEXTS, lambda row: list(row.common.challenges)),
        Column("stage", TEXT, lambda row: row.common.stage),
        FUNDING[0].of(attrgetter("funding")),
        Column("currency", TEXT, lambda row: row.funding.currency),
        *(column.of(attrgetter("funding")) for column in FUNDING[1:]),
        Column(
            "unlock_gap",
            RECORD,
            lambda row: row.funding.unlock_gap,
            nullable=True,
            table=UNLOCK_GAP,
        ),
        Column("round", TEXT, lambda row: row.round, nullable=True),
        Column("rounds", RECORDS, lambda row: row.results, table=ROUND_RESULTS),
        Column("reviews", RECORDS, lambda row: row.reviews, table=REVIEWS),  # oldest first
        Column(
            "eligible",
            BOOLEAN,
            lambda row: row.checklist.eligible if row.checklist is not None else None,
            nullable=True,
        ),
        # the current round's checklist ([] when eligible is null)
        Column("eligibility", RECORDS, lambda row: row.criteria, table=CRITERIA),
        # what became of the money in the round of the figures (null: a common in no
        # round, or a sealed round's pledged, confirmed and paid)
        *(column.of(_shown) for column in FOLLOW_UP[:3]),
        replace(FOLLOW_UP[3].of(_shown), nullable=True),  # null: in no round
        *(column.of(_shown) for column in FOLLOW_UP[4:]),
        Column("progress", RECORD, lambda row: row.progress, table=PROGRESS),
        Column("reports", RECORDS, lambda row: row.reports, table=REPORTS),
        # a call with a jury only: a call without one writes what it wrote before
        Column(
            "evaluations", RECORDS, lambda row: row.evaluations, table=EVALUATIONS, required=False
        ),
    ),
    doc="""A common in ``data/commons.json``: the SPEC's fields, then ours. The top-level
    figures are the common's result in the current round, or in the last round it took
    part in (``round``); ``rounds`` gives its result in each round.""",
)


def common_rows(view: CatalogueView, url_of: UrlOf, locale: str) -> Iterator[CommonRow]:
    """A ``CommonRow`` per common; ``locale`` is the language of the eligibility
    checklist's explanations."""
    catalogue = translations(locale)
    for common in view.commons:
        slug = common.slug
        checklist = view.eligibility.get(slug)
        follow = view.follow_up[slug]
        shown = follow.in_round(view.shown_slug(slug)) if follow.rounds else None
        reports = [ReportRow(report, each.round, url_of("report", report.slug))
                   for each in follow.rounds for report in each.reports]  # fmt: skip
        yield CommonRow(
            common=common,
            url=url_of("common", slug),
            funding=view.funding.commons[slug],
            round=view.shown_slug(slug),
            results=[
                RoundResult(r.slug, result, follow.in_round(r.slug))
                for r, result in view.round_results.get(slug, [])
            ],
            reviews=view.reviews.get(slug, []),
            checklist=checklist,
            criteria=[(c, catalogue) for c in checklist.criteria] if checklist else [],
            shown=shown or NO_FOLLOW_UP,
            progress=follow.progress,
            reports=sorted(reports, key=lambda row: (row.report.date, row.report.slug)),
            evaluations=[
                found
                for each in view.rounds
                if (found := view.evaluation_of(slug, each.slug)) is not None
            ],
        )


def commons_records(
    view: CatalogueView, url_of: UrlOf, locale: str = DEFAULT_LOCALE
) -> list[dict[str, Any]]:
    """One record per common for ``data/commons.json``; ``locale`` is the language of
    the eligibility checklist's explanations."""
    jury = any(r.round is not None and r.round.evaluation is not None for r in view.rounds)
    table = COMMONS if jury else COMMONS.without("evaluations")
    return table_records(table, common_rows(view, url_of, locale))


def common_file_table() -> Table:
    """``data/commons/<slug>.json``: a common's content, its funding and its pledges. A
    function, so that it holds ``PLEDGES`` as it is when called."""
    return Table(
        "CommonFile",
        (
            # the common's commons.json record, written already
            Column("funding", RECORD, lambda row: row[0], table=COMMONS),
            Column("content", DATA, lambda row: row[1].model_dump(mode="json", exclude_none=True)),
            Column("pledges", RECORDS, lambda row: row[2], table=PLEDGES),
        ),
        doc="``data/commons/<slug>.json``: a common's content, its funding and its pledges.",
    )


def common_file(view: CatalogueView, common: Common, record: dict[str, Any]) -> dict[str, Any]:
    """``data/commons/<slug>.json``, from the common's ``commons_records`` record."""
    facts = pledge_facts(view)
    pledges = [PledgeRow(pledge, facts) for pledge in view.pledges_by_common.get(common.slug, [])]
    (written,) = table_records(common_file_table(), [(record, common, pledges)])
    return written


def common_files(view: CatalogueView, records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every common's ``common_file``, by slug."""
    records_of = {r["slug"]: r for r in records}
    return {c.slug: common_file(view, c, records_of[c.slug]) for c in view.commons}


# --- challenges.json -------------------------------------------------------------------------

FACILITATORS = Table("FacilitatorRecord", (
    Column("name", TEXT, lambda facilitator: facilitator.name),
    Column("organisation", TEXT, lambda facilitator: facilitator.organisation, nullable=True,
           required=False),
    Column("url", TEXT, lambda facilitator: facilitator.url, nullable=True, required=False),
))  # fmt: skip


class ChallengeRow(NamedTuple):
    challenge: Any
    url: str
    commons: list[str]


CHALLENGES = Table("ChallengeRecord", (
    Column("slug", TEXT, lambda row: row.challenge.slug),
    Column("title", TEXT, lambda row: row.challenge.title),
    Column("url", URL, lambda row: row.url),
    Column("summary", TEXT, lambda row: row.challenge.summary),
    Column("status", TEXT, lambda row: row.challenge.status),
    Column("deadline", DATE, lambda row: row.challenge.deadline, nullable=True),
    Column("themes", TEXTS, lambda row: list(row.challenge.themes)),
    Column("facilitator", RECORD, lambda row: row.challenge.facilitator, nullable=True,
           table=FACILITATORS),
    Column("commons", TEXTS, lambda row: row.commons),
))  # fmt: skip


def challenges_records(view: CatalogueView, url_of: UrlOf) -> list[dict[str, Any]]:
    """One record per challenge for ``data/challenges.json``."""
    return table_records(CHALLENGES, (
        ChallengeRow(challenge, url_of("challenge", challenge.slug),
                     [c.slug for c in view.commons_by_challenge.get(challenge.slug, [])])
        for challenge in view.challenges
    ))  # fmt: skip


# --- actors.json -----------------------------------------------------------------------------

SUPPORTS = Table("SupportRecord", (
    Column("slug", TEXT, lambda row: row[0].slug),
    Column("roles", TEXTS, lambda row: list(row[1])),
))  # fmt: skip
"""Rows: (common, its roles)."""

ACTOR_ROUNDS = Table(
    "ActorRoundRecord",
    (
        Column("round", TEXT, lambda row: row[0].slug),
        Column("allowance", AMOUNT, lambda row: row[1].allowance, nullable=True),
        Column("allocated", AMOUNT, lambda row: row[1].allocated, nullable=True),
        Column("remaining", AMOUNT, lambda row: row[1].remaining, nullable=True),
        Column("secured", AMOUNT, lambda row: row[1].secured, nullable=True),
        Column("skills_days", DAYS, lambda row: row[1].skills_days),
        Column("means_value", AMOUNT, lambda row: row[1].means_value, nullable=True),
        Column("activations", INTEGER, lambda row: row[1].activations),
        # the commons it supports in that round
        Column("commons", INTEGER, lambda row: len(row[1].roles)),
    ),
    doc="""An actor's record in one round it pledged in: null amounts while that round is
    sealed; a closed round's stay public.""",
)
"""Rows: (``RoundView``, the actor's ``ActorFunding`` there)."""

ENGAGEMENT_TOTALS = Table(
    "EngagementTotalRecord",
    (
        Column("commons", INTEGER, lambda total: total.commons),
        Column("allocated", AMOUNT, lambda total: total.allocated, nullable=True),
        Column("secured", AMOUNT, lambda total: total.secured, nullable=True),
        Column("skills_days", DAYS, lambda total: total.skills_days),
        Column("means_value", AMOUNT, lambda total: total.means_value, nullable=True),
        Column("activations", INTEGER, lambda total: total.activations),
    ),
    doc="""An actor's engagement over every round: an amount is null when a sealed round
    would be part of it; a common supported in several rounds counts once.""",
)


class ActorRow(NamedTuple):
    actor: Any
    url: str
    funding: Any
    """Its ``ActorFunding`` in the current round."""
    supported: list[tuple[Common, tuple[str, ...]]]
    engagement: Any
    """Its ``Engagement`` (``view.engagement``: amounts None where a sealed round hides
    them); None for a call without rounds."""


ACTORS = Table(
    "ActorRecord",
    (
        Column("slug", TEXT, lambda row: row.actor.slug),
        Column("name", TEXT, lambda row: row.actor.name),
        Column("kind", TEXT, lambda row: row.actor.kind),
        Column("territory", TEXT, lambda row: row.actor.territory, nullable=True),
        Column("website", TEXT, lambda row: row.actor.website, nullable=True),
        Column("url", URL, lambda row: row.url),
        Column("allowance", AMOUNT, lambda row: row.funding.allowance, nullable=True),
        Column("allocated", AMOUNT, lambda row: row.funding.allocated, nullable=True),
        Column("remaining", AMOUNT, lambda row: row.funding.remaining, nullable=True),
        Column("secured", AMOUNT, lambda row: row.funding.secured, nullable=True),
        Column("skills_days", DAYS, lambda row: row.funding.skills_days),
        Column("means_value", AMOUNT, lambda row: row.funding.means_value, nullable=True),
        Column("activations", INTEGER, lambda row: row.funding.activations),
        Column("commons", RECORDS, lambda row: row.supported, table=SUPPORTS),
        Column(
            "rounds",
            RECORDS,
            lambda row: row.engagement.rounds if row.engagement else [],
            table=ACTOR_ROUNDS,
        ),
        Column(
            "total",
            RECORD,
            lambda row: row.engagement.total if row.engagement else None,
            nullable=True,
            table=ENGAGEMENT_TOTALS,
        ),
    ),
    doc="""Per-actor amounts are null while a sealed round is open. The top-level figures are
    the current round's; ``rounds`` and ``total`` span the call (``rounds`` is [] and
    ``total`` null for a call without rounds).""",
)


def actors_records(view: CatalogueView, url_of: UrlOf) -> list[dict[str, Any]]:
    """One record per actor for ``data/actors.json``; no contact detail exists to publish."""
    return table_records(ACTORS, (
        ActorRow(actor, url_of("actor", actor.slug), view.funding.actors[actor.slug],
                 view.supported_commons[actor.slug], view.engagement.get(actor.slug))
        for actor in view.actors
    ))  # fmt: skip


# --- rounds.json -----------------------------------------------------------------------------

ELIGIBILITY = Table("EligibilityRecord", (
    Column("open_license", BOOLEAN, lambda criteria: criteria.open_license),
    Column("min_working_group", INTEGER, lambda criteria: criteria.min_working_group,
           nullable=True),
    Column("challenge", BOOLEAN, lambda criteria: criteria.challenge),
    Column("budget", BOOLEAN, lambda criteria: criteria.budget),
))  # fmt: skip

ROUND_MATCHING = Table("RoundMatchingRecord", (
    Column("method", TEXT, lambda row: row[0].method),
    Column("funder", TEXT, lambda row: row[0].funder),
    Column("pool", AMOUNT, lambda row: row[0].pool),
    Column("ratio", RATIO, lambda row: row[0].ratio),
    # the share of the pool one common may receive at most, as the round's file gives it
    Column("cap", RATIO, lambda row: row[1], nullable=True),
    Column("min_funders", INTEGER, lambda row: row[0].min_funders),
    # the sum of every common's matching estimate: what the pool pays out (an estimate
    # while the round is open)
    Column("total", AMOUNT, lambda row: row[0].total),
))  # fmt: skip
"""Rows: (the round's ``MatchingSummary``, its cap or None)."""

ROUND_POOL = Table("RoundPoolRecord", (
    *ROUND_MATCHING.columns,
    # its own rules: the challenges and actor kinds of the commons it may fund ([]: any),
    # the largest share of a common's stretch goal it may match (null: none)
    Column("challenges", TEXTS, lambda row: list(row[0].challenges)),
    Column("proposer_kinds", TEXTS, lambda row: list(row[0].proposer_kinds)),
    Column("max_share", RATIO, lambda row: row[2], nullable=True),
    # how many commons it may fund, and what it keeps (the pool less the total)
    Column("commons", INTEGER, lambda row: row[0].matched),
    Column("remaining", AMOUNT, lambda row: row[0].remaining),
))  # fmt: skip
"""Rows: (a ``MatchingSummary`` of the round, its cap or None, its max_share or None)."""

ROUND_TOTALS = Table("RoundTotalsRecord", (
    Column("commons", INTEGER, lambda totals: totals.commons),
    Column("minimum", AMOUNT, lambda totals: totals.minimum),
    Column("stretch", AMOUNT, lambda totals: totals.stretch),
    Column("secured", AMOUNT, lambda totals: totals.secured),
    Column("pending", AMOUNT, lambda totals: totals.pending),
    Column("allocated", AMOUNT, lambda totals: totals.allocated),
    Column("skills_days", DAYS, lambda totals: totals.skills_days),
    Column("means_value", AMOUNT, lambda totals: totals.means_value),
))  # fmt: skip


def round_matching(each: RoundView) -> tuple[Any, Any] | None:
    """The round's first ``MatchingSummary`` and its cap (None: none), or None without
    matching."""
    pools = round_pools(each)
    return pools[0][:2] if pools else None


def round_pools(each: RoundView) -> list[tuple[Any, Any, Any]]:
    """Each pool of the round: its ``MatchingSummary``, its cap and its max_share (None:
    none); [] without matching."""
    rules = each.round.pools if each.round is not None else []
    return [
        (summary, pool.cap, pool.max_share)
        for summary, pool in zip(each.funding.pools, rules, strict=False)
    ]


ROUNDS = Table(
    "RoundRecord",
    (
        Column("slug", TEXT, lambda row: row[0].round.slug),
        Column("name", TEXT, lambda row: row[0].round.name, nullable=True),
        Column("url", URL, lambda row: row[1]),
        Column("state", TEXT, lambda row: row[0].state),  # upcoming, open or closed
        Column("current", BOOLEAN, lambda row: row[0].current),
        Column("opens", DATE, lambda row: row[0].round.opens, nullable=True),
        Column("closes", DATE, lambda row: row[0].round.closes, nullable=True),
        Column("currency", TEXT, lambda row: row[0].round.currency),
        # whether its per-actor amounts are hidden now (a sealed round that is still open)
        Column("sealed", BOOLEAN, lambda row: row[0].sealed),
        Column("reviews", TEXTS, lambda row: [day.isoformat() for day in row[0].round.reviews]),
        Column(
            "eligibility",
            RECORD,
            lambda row: row[0].round.eligibility,
            nullable=True,
            table=ELIGIBILITY,
        ),
        # {} while sealed: the view publishes a sealed round without its allowances
        Column("allowances", AMOUNTS, lambda row: row[0].round.allowances),
        Column(
            "matching",
            RECORD,
            lambda row: round_matching(row[0]),
            nullable=True,
            table=ROUND_MATCHING,
        ),
        # every matching pool of the round, one per funder, with its own rules ([]: none);
        # matching is the first
        Column("pools", RECORDS, lambda row: round_pools(row[0]), table=ROUND_POOL),
        Column("totals", RECORD, lambda row: row[0].funding.totals, table=ROUND_TOTALS),
        # the commons taking part in it
        Column("commons", TEXTS, lambda row: [c.slug for c in row[0].view.commons]),
    ),
    doc="""A round in ``data/rounds.json``. Its totals are public; the ``allowances`` of
    each actor are {} while the round is sealed.""",
)
"""Rows: (``RoundView``, the URL of its funding page)."""


def rounds_records(view: CatalogueView, round_url: RoundUrlOf) -> list[dict[str, Any]]:
    """One record per round for ``data/rounds.json`` ([] for a call without rounds)."""
    # view.rounds is empty for a call without rounds: each has a round
    return table_records(ROUNDS, ((each, round_url(each.slug or "")) for each in view.rounds))


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


def _list_schema(table: Table) -> dict[str, Any]:
    """The schema of a data file holding a list of the table's records."""
    return TypeAdapter(list[record_model(table)]).json_schema()  # type: ignore[misc]


DATA_SCHEMAS = (
    "commons-data.json",
    "challenges-data.json",
    "actors-data.json",
    "common-data.json",
    "rounds-data.json",
)


def schema_names() -> list[str]:
    """The published schemas' file names, in order, without building them: the open data
    page lists them in the build's main process, which would otherwise build every schema
    (pydantic, slowly) before the jobs start, then again in the job that writes them."""
    kinds = [kind.schema for kind in KINDS.values()]
    return [*kinds, CAMPAIGN_SCHEMA[0], PAGE_SCHEMA[0], *DATA_SCHEMAS]


@cache
def schemas() -> dict[str, dict[str, Any]]:
    """Every published schema by file name: the content files', then the data files'.
    Computed once per process (pydantic builds them slowly); callers must not change them."""
    found = {
        # The key a file's stem gives is optional (slug) or absent (id), as is the body,
        # and the round and common of a file in a round's folder (evaluations).
        **{
            kind.schema: _content_schema(
                kind.model,
                ("body",) * kind.markdown
                + ("id",) * (kind.key == "id")
                + ("round", "common") * kind.nested,
                ("slug",) if kind.key == "slug" else ("role",),
            )
            for kind in KINDS.values()
        },
        CAMPAIGN_SCHEMA[0]: _content_schema(CAMPAIGN_SCHEMA[1], (), ()),
        PAGE_SCHEMA[0]: _content_schema(PAGE_SCHEMA[1], (), ()),
        "commons-data.json": _list_schema(COMMONS),
        "challenges-data.json": _list_schema(CHALLENGES),
        "actors-data.json": _list_schema(ACTORS),
        "common-data.json": record_model(common_file_table()).model_json_schema(),
        "rounds-data.json": _list_schema(ROUNDS),
    }
    for name, schema in found.items():
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = SCHEMA_BASE + name
    return found
