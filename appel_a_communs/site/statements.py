"""The statements for the funder's accounts (SPEC, "After the money"), from the computed view.

Per round, a workbook (ODS, the format French public bodies must accept) and one CSV per
table of ``STATEMENT_TABLES``: the commons, the pledges, the actors, the payments and the
matching of that round. Per actor with a money pledge, a CSV of what it pledged,
confirmed and paid, per common and round.

Everything comes from the view, so nothing is shown that the pages hide: a round's tables
are computed from that round's own view, in which a sealed round's per-actor amounts are
None (blank cells); a common's totals are public, as on its page (``view.follow_up``).
Amounts are Decimals written as exact decimal strings, never floats: the CSV cells, and
the ``office:value`` of the workbook's currency cells. A text cell that a spreadsheet
would run is neutralised as in ``pledges.csv`` (``exports.neutralise``), in both.

The workbook is written with odfpy: the document, its styles, its sheets and their header
rows are odfpy elements. A round of 50 000 pledges makes 600 000 cells, which odfpy's DOM
takes most of a minute to build and write (about 100 µs a cell); so the data rows are
serialised here (``rows_xml``, about 3 µs a cell) as the same XML odfpy writes for the
same cells (``odf_row``: the tests compare the two), and handed to odfpy as they are.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from appel_a_communs.funding.followup import SEALED, MoneyStages, money_stages
from appel_a_communs.site.exports import csv_text, neutralise
from appel_a_communs.site.jobs import Job, Output, chunks
from appel_a_communs.site.urls import (
    STATEMENT_TABLES,
    SiteUrls,
    actor_statement_path,
    statement_path,
)
from appel_a_communs.site.view import CatalogueView, RoundView
from appel_a_communs.site.xmltext import xml_attribute, xml_chars, xml_text

Cell = str | Decimal | date | int | None
"""A cell: text, a Decimal (an amount, or a number such as days or a ratio), a date, a
count; None is a blank cell (a sealed amount, or nothing to say)."""


@dataclass(frozen=True)
class Column:
    key: str
    """The header cell: an English key, as in the data files."""
    kind: str
    """text, amount (a Decimal in the table's currency), number (a Decimal: days, a
    ratio), date or int."""
    places: int | None = 2
    """The places an amount or a number is written with (None: as it is, ``0.25``)."""


@dataclass(frozen=True)
class Sheet:
    """One table of a statement: a sheet of the workbook, and a CSV."""

    name: str
    columns: tuple[Column, ...]
    rows: list[tuple[Cell, ...]]
    currency: str
    """The ISO code of its amounts."""

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(column.key for column in self.columns)


def _columns(*specs: str) -> tuple[Column, ...]:
    """``"key:kind"`` each (``number1``: a number with one place, ``ratio``: as it is)."""
    found = []
    for spec in specs:
        key, _, kind = spec.partition(":")
        kind = kind or "text"
        if kind == "number1":
            found.append(Column(key, "number", 1))
        elif kind == "ratio":
            found.append(Column(key, "number", None))
        else:
            found.append(Column(key, kind))
    return tuple(found)


COLUMNS: dict[str, tuple[Column, ...]] = {
    "commons": _columns(
        "slug", "title", "url", "status", "minimum:amount", "stretch:amount", "secured:amount",
        "pending:amount", "funders:int", "skills_days:number1", "means_value:amount",
        "pledged:amount", "confirmed:amount", "paid:amount", "spent:amount",
        "matching_estimate:amount", "currency",
    ),
    "pledges": _columns(
        "id", "date:date", "actor", "common", "role", "amount:amount", "currency",
        "money_status", "conditional", "counted", "skills_days:number1", "means_value:amount",
    ),
    "actors": _columns(
        "slug", "name", "kind", "allowance:amount", "allocated:amount", "secured:amount",
        "pledged:amount", "confirmed:amount", "paid:amount", "skills_days:number1",
        "means_value:amount", "currency",
    ),
    "payments": _columns(
        "date:date", "pledge", "actor", "common", "amount:amount", "currency",
    ),
    "matching": _columns(
        "funder", "method", "pool:amount", "ratio:ratio", "cap:ratio", "min_funders:int",
        "total:amount", "common", "eligible", "matching_estimate:amount", "currency",
    ),
}  # fmt: skip
"""The columns of each table of a round's statement (new ones go at the end)."""
assert tuple(COLUMNS) == STATEMENT_TABLES

ACTOR_COLUMNS = _columns(
    "line", "round", "common", "title", "pledged:amount", "secured:amount", "confirmed:amount",
    "paid:amount", "currency",
)  # fmt: skip
"""An actor's statement: ``line`` is ``common`` (one common in one round), ``round`` (the
round's total) or ``total`` (every round)."""


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


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
    """The tables of one round's statement, in ``STATEMENT_TABLES`` order; ``common_url``
    gives a common's absolute address."""
    tables = {
        "commons": _commons_rows(view, each, common_url),
        "pledges": _pledge_rows(view, each),
        "actors": _actor_rows(each),
        "payments": _payment_rows(each),
        "matching": _matching_rows(each),
    }
    currency = each.view.currency
    return {name: Sheet(name, COLUMNS[name], rows, currency) for name, rows in tables.items()}


def _commons_rows(view: CatalogueView, each: RoundView, common_url: Callable[[str], str]):
    funding = each.funding
    rows = []
    for common in each.view.commons:
        f = funding.commons[common.slug]
        follow = view.follow_up.get(common.slug)
        found = follow.in_round(each.slug) if follow else None
        money = found.money if found else SEALED
        rows.append((
            common.slug, common.title, common_url(common.slug), f.status, f.minimum, f.stretch,
            f.secured, f.pending, f.funders, f.skills_days, f.means_value, money.pledged,
            money.confirmed, money.paid, found.spent if found else None, f.matching_estimate,
            f.currency,
        ))  # fmt: skip
    return rows


def _pledge_rows(view: CatalogueView, each: RoundView):
    """As ``pledges.csv`` writes them (``exports.pledges_csv``), the round's only."""
    counted = view.counted
    currency = each.view.currency
    rows = []
    for common in each.view.commons:
        for pledge in each.view.pledges_by_common.get(common.slug, []):
            money = pledge.money
            rows.append((
                pledge.id, pledge.date, pledge.actor, pledge.common, pledge.role,
                money.amount if money else None,
                currency if money else None,
                money.status if money else None,
                _yes_no(bool(money.condition)) if money else None,
                _yes_no(pledge.id in counted) if money else None,
                pledge.skills.days if pledge.skills else None,
                pledge.means.value if pledge.means else None,
            ))  # fmt: skip
    return rows


def _actor_rows(each: RoundView):
    """The actors with a pledge in the round (amounts None while it is sealed)."""
    rows = []
    for actor in each.view.actors:
        pledges = each.view.pledges_by_actor.get(actor.slug)
        if not pledges:
            continue
        f = each.funding.actors[actor.slug]
        money = money_stages(pledges)
        rows.append((
            actor.slug, actor.name, actor.kind, f.allowance, f.allocated, f.secured,
            money.pledged, money.confirmed, money.paid, f.skills_days, f.means_value,
            each.view.currency,
        ))  # fmt: skip
    return rows


def _payment_rows(each: RoundView):
    """The round's paid money pledges, by date."""
    return [
        (p.date, p.id, p.actor, p.common, p.money.amount, each.view.currency)
        for p in each.view.catalogue.pledges_in_order
        if p.money is not None and p.money.status == "paid"
    ]


def _matching_rows(each: RoundView):
    """The round's matching, repeated on the row of each common with its estimate; no
    row when the round has no matching."""
    summary = each.funding.matching
    if summary is None:
        return []
    matching = each.round.matching if each.round is not None else None
    cap = matching.cap if matching is not None else None
    rows = []
    for common in each.view.commons:
        f = each.funding.commons[common.slug]
        rows.append((
            summary.funder, summary.method, summary.pool, summary.ratio, cap,
            summary.min_funders, summary.total, common.slug,
            _yes_no(f.eligible_for_matching), f.matching_estimate, f.currency,
        ))  # fmt: skip
    return rows


def actor_statement_sheet(view: CatalogueView, slug: str) -> Sheet:
    """An actor's statement (``view.statements``): a row per common and round, then each
    round's total and the total; amounts None where a sealed round hides them."""
    statement = view.statements[slug]
    currencies = {r.slug: r.view.currency for r in view.rounds}
    rows: list[tuple[Cell, ...]] = []

    def row(line: str, round_slug: str | None, common: Any, money: MoneyStages) -> None:
        rows.append((
            line, round_slug, common.slug if common else None, common.title if common else None,
            money.pledged, money.secured, money.confirmed, money.paid,
            currencies.get(round_slug, view.currency),
        ))  # fmt: skip

    for line in statement.lines:
        row("common", line.round, line.common, line.money)
    for round_slug, money in statement.rounds:
        row("round", round_slug, None, money)
    row("total", None, None, statement.total)
    return Sheet("statement", ACTOR_COLUMNS, rows, view.currency)


# --- CSV ------------------------------------------------------------------------------------


def cell_text(cell: Cell, column: Column) -> str:
    """A cell as its CSV writes it: amounts and numbers exact, dates ISO, a text cell that
    a spreadsheet would run neutralised, None blank."""
    if cell is None:
        return ""
    kind = column.kind
    if kind == "text":
        return neutralise(str(cell))
    if kind == "date":
        return cell.isoformat()  # type: ignore[union-attr]
    if kind == "int":
        return str(cell)
    if column.places is None:
        return format(cell, "f")
    return f"{cell:.{column.places}f}"


def sheet_csv(sheet: Sheet) -> str:
    """The table as CSV (UTF-8 once written): a header row of keys, then its rows."""
    columns = sheet.columns
    return csv_text([list(sheet.header)] + [
        [cell_text(cell, column) for cell, column in zip(row, columns, strict=True)]
        for row in sheet.rows
    ])  # fmt: skip


# --- ODS ------------------------------------------------------------------------------------

AMOUNT_STYLE, DATE_STYLE, HEADER_STYLE = "amount", "date", "header"
"""The workbook's cell styles (named styles, in ``styles.xml``)."""

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""Every member of the workbook is dated so: a rebuild writes the same bytes."""


@lru_cache(maxsize=8192)
def _escape(text: str) -> str:
    """Text for XML content (``xmltext.xml_text``: the characters XML cannot hold are
    replaced by U+FFFD, as ``site/xmltext.py`` says why; & < > escaped), as odfpy writes
    a text node once ``odf_row`` has replaced the same characters. Slugs, statuses and
    currencies repeat on every row: each is escaped once."""
    return xml_text(text)


def _odf_attributes(cell: Cell, column: Column, currency: str) -> list[tuple[str, str, str]]:
    """The attributes of a cell's ``table:table-cell`` as (prefix, name, value), in the
    order they are written; [] for a blank cell (None, or no text)."""
    if cell is None or cell == "":
        return []
    text = cell_text(cell, column)
    if column.kind == "amount":
        return [
            ("table", "style-name", AMOUNT_STYLE),
            ("office", "value-type", "currency"),
            ("office", "currency", currency),
            ("office", "value", text),
        ]
    if column.kind in ("number", "int"):
        return [("office", "value-type", "float"), ("office", "value", text)]
    if column.kind == "date":
        return [
            ("table", "style-name", DATE_STYLE),
            ("office", "value-type", "date"),
            ("office", "date-value", text),
        ]
    return [("office", "value-type", "string")]


def _cell_writer(column: Column, currency: str) -> Callable[[Cell], str]:
    """What writes a column's cells as XML, with the attributes of ``_odf_attributes``
    in the same order (the value's last), the value and the text of ``cell_text``."""
    kind = column.kind
    if kind == "amount":
        opening = f' table:style-name="{AMOUNT_STYLE}" office:value-type="currency"'
        opening += f" office:currency={xml_attribute(currency)}"
        value = "office:value"
    elif kind in ("number", "int"):
        opening, value = ' office:value-type="float"', "office:value"
    elif kind == "date":
        opening = f' table:style-name="{DATE_STYLE}" office:value-type="date"'
        value = "office:date-value"
    else:
        opening, value = ' office:value-type="string"', ""

    def write(cell: Cell) -> str:
        if cell is None or cell == "":
            return "<table:table-cell/>"
        text = cell_text(cell, column)
        paragraph = f"<text:p>{_escape(text)}</text:p>"  # a non-empty cell has a text
        if not value:
            return f"<table:table-cell{opening}>{paragraph}</table:table-cell>"
        return f'<table:table-cell{opening} {value}="{text}">{paragraph}</table:table-cell>'

    return write


def rows_xml(rows: Iterable[Sequence[Cell]], columns: Sequence[Column], currency: str) -> str:
    """Data rows as ODF XML: what odfpy writes for ``odf_row`` of the same cells."""
    writers = [_cell_writer(column, currency) for column in columns]
    return "".join(
        "<table:table-row>"
        + "".join([write(cell) for write, cell in zip(writers, row, strict=True)])
        + "</table:table-row>"
        for row in rows
    )


def _namespaces() -> dict[str, str]:
    from odf.namespaces import OFFICENS, TABLENS

    return {"office": OFFICENS, "table": TABLENS}


def odf_row(row: Sequence[Cell], columns: Sequence[Column], currency: str, style: str = ""):
    """A row as odfpy elements (the header row; the tests compare it with ``rows_xml``)."""
    from odf.table import TableCell, TableRow
    from odf.text import P

    namespaces = _namespaces()
    element = TableRow()
    for cell, column in zip(row, columns, strict=True):
        attributes = _odf_attributes(cell, column, currency)
        if style and attributes and attributes[0][1] != "style-name":
            attributes.insert(0, ("table", "style-name", style))
        qualified = {(namespaces[prefix], name): value for prefix, name, value in attributes}
        item = TableCell(qattributes=qualified)
        if attributes:
            item.addElement(P(text=xml_chars(cell_text(cell, column))))
        element.addElement(item)
    return element


def _raw_rows(xml: str):
    """Rows already serialised (``rows_xml``), which odfpy writes as they are."""
    from odf.element import Element
    from odf.namespaces import TABLENS

    class RawRows(Element):
        def toXml(self, level: int, f: Any) -> None:
            f.write(self.xml)

    rows = RawRows(qname=(TABLENS, "table-row"), check_grammar=False)
    rows.xml = xml
    return rows


def _styles(doc: Any) -> None:
    from odf import number
    from odf.style import Style, TextProperties

    amount = number.NumberStyle(name="amount-format")
    amount.addElement(number.Number(decimalplaces="2", minintegerdigits="1", grouping="true"))
    day = number.DateStyle(name="date-format")
    for part in (number.Year(style="long"), number.Text(text="-"), number.Month(style="long"),
                 number.Text(text="-"), number.Day(style="long")):  # fmt: skip
        day.addElement(part)
    header = Style(name=HEADER_STYLE, family="table-cell")
    header.addElement(TextProperties(fontweight="bold"))
    for element in (
        amount,
        day,
        Style(name=AMOUNT_STYLE, family="table-cell", datastylename="amount-format"),
        Style(name=DATE_STYLE, family="table-cell", datastylename="date-format"),
        header,
    ):
        doc.styles.addElement(element)


def workbook(sheets: Iterable[Sheet], title: str = "") -> bytes:
    """The sheets as an ODS workbook, one sheet each: a bold header row of keys, then
    typed cells (amounts as currency cells of exact value, dates as dates, counts and
    numbers as numbers, text as text)."""
    from odf.dc import Title
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table

    _declare_namespaces()
    doc = OpenDocumentSpreadsheet()
    if title:
        doc.meta.addElement(Title(text=xml_chars(title)))
    _styles(doc)
    for sheet in sheets:
        table = Table(name=sheet.name)
        header = tuple(Column(key, "text") for key in sheet.header)
        table.addElement(odf_row(sheet.header, header, sheet.currency, HEADER_STYLE))
        xml = rows_xml(sheet.rows, sheet.columns, sheet.currency)
        table.addElement(_raw_rows(xml), check_grammar=False)
        doc.spreadsheet.addElement(table)
    written = io.BytesIO()
    doc.write(written)
    return _reproducible(written.getvalue())


def _declare_namespaces() -> None:
    """Every namespace odfpy knows, in its own order, declared by each part of the
    workbook. odfpy keeps the namespaces it has met in one dict for the whole process
    (``Element.namespaces``) and declares them in the order met: a workbook would
    otherwise depend on what the process wrote before it (the build's jobs are spread
    over processes), and a rebuild would not write the same bytes."""
    from odf.element import Element
    from odf.namespaces import nsdict

    if list(Element.namespaces) != list(nsdict):
        Element.namespaces.clear()
        Element.namespaces.update(nsdict)


def _reproducible(data: bytes) -> bytes:
    """The same archive with every member dated ``ZIP_TIME`` (odfpy dates them now)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, ZIP_TIME)
            member.compress_type = info.compress_type
            member.external_attr = info.external_attr
            target.writestr(member, source.read(info))
    return out.getvalue()


# --- the jobs -------------------------------------------------------------------------------


def write_workbook(
    view: CatalogueView, each: RoundView, folder: Path, title: str, common_url: Callable
) -> None:
    """A round's workbook, under the data folder (``folder``)."""
    tables = round_tables(view, each, common_url)
    (folder / statement_path(each.slug)).write_bytes(workbook(tables.values(), title))


def write_tables(view: CatalogueView, each: RoundView, folder: Path, common_url: Callable) -> None:
    """A round's tables as CSV, the same rows as its workbook's sheets."""
    for name, sheet in round_tables(view, each, common_url).items():
        (folder / statement_path(each.slug, name)).write_text(sheet_csv(sheet), encoding="utf-8")


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
