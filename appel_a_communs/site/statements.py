"""The statements for the funder's accounts (SPEC, "After the money"), from the computed view.

Per round, a workbook (ODS, the format French public bodies must accept) and one CSV per
table of ``STATEMENT_TABLES``: the commons, the pledges, the actors, the payments and the
matching of that round. Per actor with a money pledge, a CSV of what it pledged,
confirmed and paid, per common and round.

Everything comes from the view, so nothing is shown that the pages hide: a round's tables
are computed from that round's own view, in which a sealed round's per-actor amounts are
None (blank cells); a common's totals are public, as on its page (``view.follow_up``).
Each table is a ``tables.Table``, whose columns are the data files' where they say the
same (``exports``: the pledge table is ``exports.PLEDGES`` less its round), written by
``tables``: amounts exact (the CSV cells, and the ``office:value`` of the workbook's
currency cells), a text cell that a spreadsheet would run neutralised, in both.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import replace
from functools import partial
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from appel_a_communs.funding.followup import MoneyStages, money_stages
from appel_a_communs.site import exports
from appel_a_communs.site.exports import (
    ACTORS,
    FOLLOW_UP,
    FUNDING,
    NO_FOLLOW_UP,
    ROUND_MATCHING,
    PledgeRow,
    pledge_facts,
    pledge_rows,
)
from appel_a_communs.site.jobs import Job, Output, chunks
from appel_a_communs.site.tables import (
    AMOUNT,
    BOOLEAN,
    INTEGER,
    PERCENT,
    TEXT,
    URL,
    Column,
    Sheet,
    Table,
    table_csv,
    write_csv,
    write_ods,
)
from appel_a_communs.site.urls import (
    STATEMENT_TABLES,
    SiteUrls,
    actor_statement_path,
    statement_path,
)
from appel_a_communs.site.view import CatalogueView, RoundView


def _pick(columns: tuple[Column, ...], *keys: str, of: Callable[[Any], Any] | None = None):
    """The columns ``keys`` of a data file's table, read from ``of(row)`` if given: a
    statement's column is the data file's, written alike."""
    by_key = {column.key: column for column in columns}
    return tuple(by_key[key].of(of) if of else by_key[key] for key in keys)


class RoundCommon(NamedTuple):
    common: Any
    url: str
    funding: Any
    """Its ``CommonFunding`` in the round."""
    follow: Any
    """Its ``RoundFollowUp`` in the round (``exports.NO_FOLLOW_UP``: none)."""


COMMONS = Table("commons", (
    Column("slug", TEXT, lambda row: row.common.slug),
    Column("title", TEXT, lambda row: row.common.title),
    Column("url", URL, lambda row: row.url),
    *_pick(FUNDING, "status", "minimum", "stretch", "secured", "pending", "funders",
           "skills_days", "means_value", of=attrgetter("funding")),
    *_pick(FOLLOW_UP, "pledged", "confirmed", "paid", "spent", of=attrgetter("follow")),
    *_pick(FUNDING, "matching_estimate", of=attrgetter("funding")),
    Column("currency", TEXT, lambda row: row.funding.currency),
))  # fmt: skip
"""A round's commons: their result in the round, and what became of their money."""


class ActorMoney(NamedTuple):
    actor: Any
    funding: Any
    """Its ``ActorFunding`` in the round."""
    money: MoneyStages
    currency: str


def _money_columns(*keys: str) -> tuple[Column, ...]:
    """Money pledged, secured, confirmed or paid (``MoneyStages``) of a row's ``money``."""
    return tuple(Column(key, AMOUNT, partial(_stage, key)) for key in keys)


def _stage(key: str, row: Any) -> Any:
    return getattr(row.money, key)


ACTOR_TABLE = Table("actors", (
    *_pick(ACTORS.columns, "slug", "name", "kind", "allowance", "allocated", "secured"),
    *_money_columns("pledged", "confirmed", "paid"),
    *_pick(ACTORS.columns, "skills_days", "means_value"),
    Column("currency", TEXT, lambda row: row.currency),
))  # fmt: skip
"""A round's actors (``ActorMoney`` rows): those with a pledge in it."""

PAYMENTS = Table("payments", (
    *_pick(exports.PLEDGES.columns, "date"),
    replace(_pick(exports.PLEDGES.columns, "id")[0], key="pledge"),
    *_pick(exports.PLEDGES.columns, "actor", "common", "amount", "currency"),
))  # fmt: skip
"""A round's paid money pledges (``exports.PledgeRow`` rows)."""

MATCHING = Table("matching", (
    *_pick(ROUND_MATCHING.columns, "funder", "method", "pool", "ratio", "cap", "min_funders",
           "total", of=itemgetter(0)),
    Column("common", TEXT, lambda row: row[1].slug),
    # whether this pool may fund the common (accepted, within the pool's rules)
    Column("eligible", BOOLEAN, lambda row: row[0][0].funder in dict(row[2].matches)),
    # this funder's match for the common
    replace(_pick(FUNDING, "matching_estimate")[0],
            get=lambda row: dict(row[2].matches).get(row[0][0].funder)),
    Column("currency", TEXT, lambda row: row[2].currency),
))  # fmt: skip
"""A round's matching, one row per pool and common: the pool's rules repeated, the
common's match from it. Rows: ((a ``MatchingSummary`` of the round, its cap), the common,
its ``CommonFunding``)."""


class ScoreRow(NamedTuple):
    common: Any
    criterion: Any
    """The jury's ``Criterion``."""
    result: Any
    """The common's ``funding.evaluation.CommonEvaluation`` in the round."""


SCORES = Table("scores", (
    Column("common", TEXT, lambda row: row.common.slug),
    Column("title", TEXT, lambda row: row.common.title),
    Column("criterion", TEXT, lambda row: row.criterion.id),
    Column("label", TEXT, lambda row: row.criterion.label),
    Column("weight", INTEGER, lambda row: row.criterion.weight),
    Column("reviewers", INTEGER, lambda row: row.result.reviewers),  # how many, never who
    Column("mean", PERCENT, lambda row: row.result.shown_means[row.criterion.id]),
    Column("total", PERCENT, lambda row: row.result.shown_total, nullable=True),
    Column("rank", INTEGER, lambda row: row.result.rank, nullable=True),
))  # fmt: skip
"""A round's jury: a row per common and criterion, the commons ranked (``ScoreRow``
rows); no reviewer's name, ever. Only a round with a jury has this sheet."""


def statement_tables() -> dict[str, Table]:
    """The tables of a round's statement, in ``STATEMENT_TABLES`` order (new columns go at
    the end). A function, so that its pledges are ``exports.PLEDGES`` as it is when called:
    the pledge table is defined once, there."""
    return {
        "commons": COMMONS,
        "pledges": exports.PLEDGES.without("round"),
        "actors": ACTOR_TABLE,
        "payments": PAYMENTS,
        "matching": MATCHING,
        "scores": SCORES,
    }


class StatementRow(NamedTuple):
    line: str
    """``common`` (one common in one round), ``round`` (the round's total) or ``total``
    (every round)."""
    round: str | None
    common: Any
    money: MoneyStages
    currency: str


ACTOR_STATEMENT = Table("statement", (
    Column("line", TEXT, lambda row: row.line),
    Column("round", TEXT, lambda row: row.round),
    Column("common", TEXT, lambda row: row.common.slug if row.common else None),
    Column("title", TEXT, lambda row: row.common.title if row.common else None),
    *_money_columns("pledged", "secured", "confirmed", "paid"),
    Column("currency", TEXT, lambda row: row.currency),
))  # fmt: skip
"""An actor's statement (``StatementRow`` rows)."""


# --- the tables -----------------------------------------------------------------------------


def statement_rounds(view: CatalogueView) -> list[RoundView]:
    """The rounds that have a statement: every round, or the call itself (slug None) for a
    call without rounds."""
    if view.rounds:
        return list(view.rounds)
    return [RoundView(None, "open", True, view)]


def round_tables(
    view: CatalogueView, each: RoundView, common_url: Callable[[str], str] = lambda slug: ""
) -> dict[str, Sheet]:
    """The sheets of one round's statement, in ``STATEMENT_TABLES`` order; ``common_url``
    gives a common's absolute address."""
    currency = each.view.currency
    rows = {
        "commons": _commons_rows(view, each, common_url),
        # as pledges.csv writes them, the round's only (the counted set is the call's)
        "pledges": list(pledge_rows(each.view, pledge_facts(view, currency))),
        "actors": _actor_rows(each, view.withdrawn),
        "payments": _payment_rows(view, each),
        "matching": _matching_rows(each),
    }
    tables = statement_tables()
    found = {name: Sheet(name, tables[name], rows[name], currency) for name in STATEMENT_TABLES}
    jury = each.round.evaluation if each.round is not None else None
    if jury is not None:  # a round with a jury: its scores, one sheet more
        scored = view.evaluations.get(each.slug or "", [])
        commons = view.commons_by_slug
        score_rows = [ScoreRow(commons[e.common], c, e) for e in scored for c in jury.criteria]
        found["scores"] = Sheet("scores", SCORES, score_rows, currency)
    return found


def _commons_rows(
    view: CatalogueView, each: RoundView, common_url: Callable[[str], str]
) -> list[RoundCommon]:
    rows = []
    for common in each.view.commons:
        follow = view.follow_up.get(common.slug)
        found = follow.in_round(each.slug) if follow else None
        funding = each.funding.commons[common.slug]
        rows.append(RoundCommon(common, common_url(common.slug), funding, found or NO_FOLLOW_UP))
    return rows


def _actor_rows(each: RoundView, withdrawn: AbstractSet[str] = frozenset()) -> list[ActorMoney]:
    """The actors with a pledge in the round (amounts None while it is sealed); a withdrawn
    pledge (its id in ``withdrawn``) is in the pledges sheet, marked, and in no total here."""
    rows = []
    for actor in each.view.actors:
        pledges = [
            p for p in each.view.pledges_by_actor.get(actor.slug, []) if p.id not in withdrawn
        ]
        if pledges:
            funding = each.funding.actors[actor.slug]
            rows.append(ActorMoney(actor, funding, money_stages(pledges), each.view.currency))
    return rows


def _payment_rows(view: CatalogueView, each: RoundView) -> list[PledgeRow]:
    """The round's paid money pledges, by date."""
    facts = pledge_facts(view, each.view.currency)
    return [
        PledgeRow(p, facts)
        for p in each.view.catalogue.pledges_in_order
        if p.money is not None and p.money.status == "paid"
    ]


def _matching_rows(each: RoundView) -> list[tuple[Any, Any, Any]]:
    """Each pool of the round on the row of each common, pool by pool; no row when it has
    no matching."""
    return [
        (pool[:2], c, each.funding.commons[c.slug])
        for pool in exports.round_pools(each)
        for c in each.view.commons
    ]


def actor_statement_sheet(view: CatalogueView, slug: str) -> Sheet:
    """An actor's statement (``view.statements``): a row per common and round, then each
    round's total and the total; amounts None where a sealed round hides them."""
    statement = view.statements[slug]
    currencies = {r.slug: r.view.currency for r in view.rounds}

    def row(line: str, round_slug: str | None, common: Any, money: MoneyStages) -> StatementRow:
        return StatementRow(line, round_slug, common, money,
                            currencies.get(round_slug, view.currency))  # fmt: skip

    rows = [row("common", line.round, line.common, line.money) for line in statement.lines]
    rows += [row("round", round_slug, None, money) for round_slug, money in statement.rounds]
    rows.append(row("total", None, None, statement.total))
    return Sheet("statement", ACTOR_STATEMENT, rows, view.currency)


def sheet_csv(sheet: Sheet) -> str:
    """The sheet as CSV (UTF-8 once written): a header row of keys, then its rows."""
    return table_csv(sheet.table, sheet.rows)


# --- the jobs -------------------------------------------------------------------------------


def write_workbook(
    view: CatalogueView, each: RoundView, folder: Path, title: str, common_url: Callable
) -> None:
    """A round's workbook, under the data folder (``folder``)."""
    tables = round_tables(view, each, common_url)
    with (folder / statement_path(each.slug)).open("wb") as file:
        write_ods(file, tables.values(), title)


def write_tables(view: CatalogueView, each: RoundView, folder: Path, common_url: Callable) -> None:
    """A round's tables as CSV, the same rows as its workbook's sheets."""
    for name, sheet in round_tables(view, each, common_url).items():
        with (folder / statement_path(each.slug, name)).open("w", encoding="utf-8") as file:
            write_csv(file, sheet.table, sheet.rows)


def write_actor_statements(view: CatalogueView, slugs: list[str], folder: Path) -> None:
    for slug in slugs:
        text = sheet_csv(actor_statement_sheet(view, slug))
        (folder / actor_statement_path(slug)).write_text(text, encoding="utf-8")


def statement_jobs(view: CatalogueView, urls: SiteUrls, out: Output) -> list[Job]:
    """Each round's statement (a workbook; its tables as CSV, a job apart: a round of
    50 000 pledges takes seconds) and the statement of each actor that has a statement
    page (a money pledge); ``out`` is the build's ``jobs.Output``."""
    folder = out.folder / out.data
    (folder / statement_path(None)).parent.mkdir(parents=True, exist_ok=True)
    (folder / actor_statement_path("x")).parent.mkdir(parents=True, exist_ok=True)

    def common_url(slug: str) -> str:
        return out.address(urls.url("common", slug))

    found: list[Job] = []
    for each in statement_rounds(view):
        title = " · ".join(part for part in (out.sitename, view.round_name(each.slug)) if part)
        found.append(partial(write_workbook, view, each, folder, title, common_url))
        found.append(partial(write_tables, view, each, folder, common_url))
    slugs = [a.slug for a in view.actors if view.statements[a.slug].lines]
    found += [partial(write_actor_statements, view, chunk, folder) for chunk in chunks(slugs, 200)]
    return found
