"""A published table is its columns, and every file that publishes it is written from them.

A ``Column`` is a key (the CSV header, the JSON key), a kind (text, amount, days, date…),
how to get its value from a row's source object, and where a page shows it, its label. A
``Table`` is its columns in order. One function per format writes a table and its rows:
``table_csv`` (the CSV files), ``table_records`` (the records of the JSON data files, and
``record_model``, the pydantic model their JSON Schema comes from) and ``workbook`` (the
ODS sheets). So a column added to a table is in each of them, written alike: before,
``pledges.csv``, a common's data file and a round's statement each built a pledge row of
their own, and a column was six edits.

Values are what the view holds: amounts are Decimals, dates are dates, counts are ints,
None is what nobody may see (a sealed amount) or nothing to say. Each format writes them
its way: an amount is ``content.types.amount_text`` everywhere (a JSON string, a CSV cell,
a workbook cell's exact ``office:value``), a boolean ``true``/``false`` in JSON and
``yes``/``no`` in a cell, None ``null`` or a blank cell. A text cell a spreadsheet would
run is neutralised (``neutralise``) in the CSV files and the workbooks, not in JSON.

The workbook is written with odfpy: the document, its styles, its sheets and their header
rows are odfpy elements. A round of 50 000 pledges makes 600 000 cells, which odfpy's DOM
takes most of a minute to build and write (about 100 µs a cell); so the data rows are
serialised here (``rows_xml``, about 3 µs a cell) as the same XML odfpy writes for the
same cells (``odf_row``: the tests compare the two), and streamed into the archive a
thousand rows at a time (``write_ods``), as the CSV files are (``write_csv``): neither
holds a whole table's text.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache, cached_property, lru_cache
from typing import Any, BinaryIO, TextIO

from pydantic import BaseModel, ConfigDict, create_model

from appel_a_communs.content.types import amount_text
from appel_a_communs.i18n import Message
from appel_a_communs.site.xmltext import utf8_text, xml_attribute, xml_chars, xml_text

# --- the kinds of a column ------------------------------------------------------------------

TEXT = "text"
URL = "url"
AMOUNT = "amount"
"""A Decimal in the table's currency: two places, and a currency cell in a workbook."""
PERCENT = "percent"
"""A Decimal written with two places (``percent_minimum``)."""
DAYS = "days"
"""A Decimal written with one place (days of skills)."""
RATIO = "ratio"
"""A Decimal written as it is (``1``, ``0.25``): a matching ratio, a cap."""
DATE = "date"
INTEGER = "integer"
BOOLEAN = "boolean"
"""``true``/``false`` in JSON, ``yes``/``no`` in a cell."""
TEXTS = "texts"
"""A list of strings (JSON only)."""
AMOUNTS = "amounts"
"""A mapping of keys to amounts (JSON only): a round's allowances."""
RECORD = "record"
"""One record of the column's ``table`` (JSON only): the getter gives its source object,
or the record written already (a common's data file reuses its ``commons.json`` record)."""
RECORDS = "records"
"""A list of records of the column's ``table`` (JSON only)."""
DATA = "data"
"""JSON data written as it is (JSON only): a content file's own dump."""

PLACES: dict[str, int | None] = {AMOUNT: 2, PERCENT: 2, DAYS: 1, RATIO: None}
"""The kinds written by ``amount_text``, and their places."""
CELL_KINDS = frozenset({TEXT, URL, BOOLEAN, DATE, INTEGER, *PLACES})
"""The kinds a CSV cell or a workbook cell can hold."""


@dataclass(frozen=True)
class Column:
    """One column of a published table."""

    key: str
    """Its CSV header and its JSON key: English, as the SPEC names it."""
    kind: str
    """One of the kinds above."""
    get: Callable[[Any], Any]
    """The value of the column in a row's source object."""
    label: Message | None = None
    """Its name where a page shows it to people (``M_()``); None for a column only files
    hold (a header row is made of keys: the files are for programs)."""
    nullable: bool = False
    """Whether the value may be None (a sealed amount, a pledge without money): the JSON
    Schema says so; every writer writes None as null or a blank cell."""
    required: bool = True
    """Whether the JSON Schema requires the key (the record always writes it)."""
    table: Table | None = None
    """The table of a RECORD or RECORDS column's records."""
    in_csv: bool = True
    """Whether the CSV files and the workbooks' sheets hold it (cells: ``CELL_KINDS``)."""
    in_json: bool = True
    """Whether the JSON records hold it."""

    def __post_init__(self) -> None:
        if self.in_csv and self.kind not in CELL_KINDS:
            object.__setattr__(self, "in_csv", False)
        if (self.kind in (RECORD, RECORDS)) != (self.table is not None):
            raise ValueError(f"{self.key}: a table for RECORD and RECORDS columns only")

    def of(self, part: Callable[[Any], Any]) -> Column:
        """The same column, read from ``part(row)``: a table whose rows hold, say, a
        ``CommonFunding`` takes the funding's columns so."""
        get = self.get
        return replace(self, get=lambda row: get(part(row)))


def _itself(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Table:
    """A published table: its columns in the order every file writes them (new ones go at
    the end, so that a program reading columns by position keeps working)."""

    name: str
    """The name of its record in the JSON Schemas (``PledgeRecord``)."""
    columns: tuple[Column, ...]
    doc: str | None = None
    """The record's description in the JSON Schemas."""

    def __post_init__(self) -> None:
        keys = [column.key for column in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"{self.name}: a key twice in {keys}")

    def without(self, *keys: str) -> Table:
        """The table less the columns ``keys`` (a round's pledges need no round)."""
        missing = set(keys) - {column.key for column in self.columns}
        if missing:
            raise KeyError(sorted(missing))
        return replace(self, columns=tuple(c for c in self.columns if c.key not in keys))

    @cached_property
    def csv_columns(self) -> tuple[Column, ...]:
        """The columns of its CSV files and workbook sheets."""
        return tuple(column for column in self.columns if column.in_csv)

    @cached_property
    def json_columns(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.in_json)

    @property
    def header(self) -> tuple[str, ...]:
        """Its CSV header row, and its sheets' first row: the keys."""
        return tuple(column.key for column in self.csv_columns)

    def cells(self, row: Any) -> tuple[Any, ...]:
        """A row's values, one per cell (``csv_columns``)."""
        return tuple(column.get(row) for column in self.csv_columns)


# --- cells: the CSV files and the workbooks ------------------------------------------------


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would read as a formula is prefixed with an apostrophe."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def cell_text(value: Any, column: Column) -> str:
    """A value as a cell writes it: amounts exact (``amount_text``), dates ISO, booleans
    yes or no, a text a spreadsheet would run neutralised, None blank."""
    if value is None:
        return ""
    kind = column.kind
    if kind in (TEXT, URL):
        return neutralise(str(value))
    if kind == BOOLEAN:
        return "yes" if value else "no"
    if kind == DATE:
        return value.isoformat()
    if kind == INTEGER:
        return str(value)
    return amount_text(value, PLACES[kind])


ROWS_AT_ONCE = 1000
"""The rows written at a time by ``write_csv`` and ``write_ods``: what is held at once of
a table of 50 000 pledges."""


def write_csv(file: TextIO, table: Table, rows: Iterable[Any]) -> None:
    """The table as CSV, written to ``file``: a header row of keys, then a line per row,
    ``ROWS_AT_ONCE`` at a time (the text of 50 000 pledges never exists whole).

    Lines end with ``\n``, and a cell is quoted when it holds a delimiter, a quote or a
    line feed (``csv``'s minimal quoting), or a carriage return, which that quoting
    leaves bare and readers (``csv``, spreadsheets) take for the end of the row: a row
    holding one is written with every cell quoted. Lone surrogates are replaced by U+FFFD
    (``xmltext.utf8_text``, which says why)."""
    columns = table.csv_columns
    out = io.StringIO()
    plain = csv.writer(out, lineterminator="\n")
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    plain.writerow(table.header)
    for count, row in enumerate(rows, 1):
        cells = [cell_text(column.get(row), column) for column in columns]
        (quoted if any("\r" in cell for cell in cells) else plain).writerow(cells)
        if count % ROWS_AT_ONCE == 0:
            file.write(utf8_text(out.getvalue()))
            out.seek(0)
            out.truncate()
    file.write(utf8_text(out.getvalue()))


def table_csv(table: Table, rows: Iterable[Any]) -> str:
    """The table as CSV (``write_csv``), as a string (UTF-8 once written)."""
    out = io.StringIO()
    write_csv(out, table, rows)
    return out.getvalue()


# --- JSON records and their schema ---------------------------------------------------------


def _json_value(column: Column) -> Callable[[Any], Any]:
    """What writes a column's value in a row as JSON data (for ``json.dumps``)."""
    get, kind = column.get, column.kind
    if kind in PLACES:
        places = PLACES[kind]
        return lambda row: None if (value := get(row)) is None else amount_text(value, places)
    if kind == DATE:
        return lambda row: None if (value := get(row)) is None else value.isoformat()
    if kind == AMOUNTS:
        return lambda row: {key: amount_text(value) for key, value in get(row).items()}
    if kind in (RECORD, RECORDS):
        assert column.table is not None
        write = _record_writer(column.table)
        if kind == RECORDS:
            return lambda row: [write(item) for item in get(row)]

        def one(row: Any) -> Any:
            value = get(row)
            return value if value is None or isinstance(value, dict) else write(value)

        return one
    return get  # text, url, integer, boolean, texts, data: as they are


def _record_writer(table: Table) -> Callable[[Any], dict[str, Any]]:
    fields = [(column.key, _json_value(column)) for column in table.json_columns]
    return lambda row: {key: write(row) for key, write in fields}


def table_records(table: Table, rows: Iterable[Any]) -> list[dict[str, Any]]:
    """The table's rows as JSON records (``json_columns`` in order), which
    ``record_model(table)`` validates: the tests check it, the build trusts it (validating
    every record cost about a second at 50 000 pledges)."""
    write = _record_writer(table)
    return [write(row) for row in rows]


class Record(BaseModel):
    """The base of every record model: a record holds its columns and nothing else."""

    model_config = ConfigDict(extra="forbid")


_SCHEMA_TYPES: dict[str, Any] = {
    TEXT: str, URL: str, DATE: str, TEXTS: list[str], AMOUNTS: dict[str, str],
    INTEGER: int, BOOLEAN: bool, DATA: dict[str, Any], **dict.fromkeys(PLACES, str),
}  # fmt: skip
"""Each kind's type in JSON (an amount, a date: a string), as the records write it."""


@cache
def record_model(table: Table) -> type[BaseModel]:
    """The pydantic model of the table's records, named ``table.name``: the published JSON
    Schemas of the data files come from it (``exports.schemas``)."""
    fields: dict[str, Any] = {}
    for column in table.json_columns:
        if column.table is not None:
            model = record_model(column.table)
            kind: Any = list[model] if column.kind == RECORDS else model  # type: ignore[valid-type]
        else:
            kind = _SCHEMA_TYPES[column.kind]
        if column.nullable:
            kind = kind | None
        fields[column.key] = (kind, ...) if column.required else (kind, None)
    return create_model(table.name, __doc__=table.doc, __base__=Record, **fields)


# --- ODS ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: a table, its rows, and the ISO code of its amounts."""

    name: str
    table: Table
    rows: Sequence[Any]
    currency: str

    @property
    def header(self) -> tuple[str, ...]:
        return self.table.header


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


def _odf_attributes(value: Any, column: Column, currency: str) -> list[tuple[str, str, str]]:
    """The attributes of a cell's ``table:table-cell`` as (prefix, name, value), in the
    order they are written; [] for a blank cell (None, or no text)."""
    if value is None or value == "":
        return []
    text = cell_text(value, column)
    if column.kind == AMOUNT:
        return [
            ("table", "style-name", AMOUNT_STYLE),
            ("office", "value-type", "currency"),
            ("office", "currency", currency),
            ("office", "value", text),
        ]
    if column.kind in (PERCENT, DAYS, RATIO, INTEGER):
        return [("office", "value-type", "float"), ("office", "value", text)]
    if column.kind == DATE:
        return [
            ("table", "style-name", DATE_STYLE),
            ("office", "value-type", "date"),
            ("office", "date-value", text),
        ]
    return [("office", "value-type", "string")]


def _cell_writer(column: Column, currency: str) -> Callable[[Any], str]:
    """What writes a column's cells as XML, with the attributes of ``_odf_attributes``
    in the same order (the value's last), the value and the text of ``cell_text``."""
    kind = column.kind
    if kind == AMOUNT:
        opening = f' table:style-name="{AMOUNT_STYLE}" office:value-type="currency"'
        opening += f" office:currency={xml_attribute(currency)}"
        value = "office:value"
    elif kind in (PERCENT, DAYS, RATIO, INTEGER):
        opening, value = ' office:value-type="float"', "office:value"
    elif kind == DATE:
        opening = f' table:style-name="{DATE_STYLE}" office:value-type="date"'
        value = "office:date-value"
    else:
        opening, value = ' office:value-type="string"', ""

    def write(cell: Any) -> str:
        if cell is None or cell == "":
            return "<table:table-cell/>"
        text = cell_text(cell, column)
        paragraph = f"<text:p>{_escape(text)}</text:p>"  # a non-empty cell has a text
        if not value:
            return f"<table:table-cell{opening}>{paragraph}</table:table-cell>"
        return f'<table:table-cell{opening} {value}="{text}">{paragraph}</table:table-cell>'

    return write


def rows_xml(table: Table, rows: Iterable[Any], currency: str) -> str:
    """The rows as ODF XML: what odfpy writes for ``odf_row`` of the same cells."""
    cells = [(column.get, _cell_writer(column, currency)) for column in table.csv_columns]
    return "".join(
        "<table:table-row>"
        + "".join([write(get(row)) for get, write in cells])
        + "</table:table-row>"
        for row in rows
    )


def _namespaces() -> dict[str, str]:
    from odf.namespaces import OFFICENS, TABLENS

    return {"office": OFFICENS, "table": TABLENS}


def odf_row(cells: Sequence[Any], columns: Sequence[Column], currency: str, style: str = ""):
    """A row of values as odfpy elements (the header row; the tests compare it with
    ``rows_xml``)."""
    from odf.table import TableCell, TableRow
    from odf.text import P

    namespaces = _namespaces()
    element = TableRow()
    for cell, column in zip(cells, columns, strict=True):
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
    """The sheets as an ODS workbook (``write_ods``), in memory."""
    out = io.BytesIO()
    write_ods(out, sheets, title)
    return out.getvalue()


def write_ods(file: BinaryIO, sheets: Iterable[Sheet], title: str = "") -> None:
    """The sheets as an ODS workbook written to ``file`` (seekable), one sheet each: a bold
    header row of keys, then typed cells (amounts as currency cells of exact value, dates
    as dates, counts and numbers as numbers, text as text).

    odfpy writes the package with a marker where each sheet's data rows go; the archive is
    then written again, each member dated ``ZIP_TIME`` (odfpy dates them now), and
    ``content.xml`` streamed: its text up to a marker, then that sheet's rows,
    ``ROWS_AT_ONCE`` at a time, straight into the compressed member. The document never
    exists whole: it held about 230 MiB at 50 000 pledges (the rows' XML, odfpy's copy,
    its UTF-8, the archive read back); zlib's stream does not depend on how its input is
    cut, so the bytes are those of the whole document compressed at once."""
    from odf.dc import Title
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table as OdfTable

    _declare_namespaces()
    doc = OpenDocumentSpreadsheet()
    if title:
        doc.meta.addElement(Title(text=xml_chars(title)))
    _styles(doc)
    sheets = list(sheets)
    for number, sheet in enumerate(sheets):
        table = OdfTable(name=sheet.name)
        header = tuple(Column(key, TEXT, _itself) for key in sheet.header)
        table.addElement(odf_row(sheet.header, header, sheet.currency, HEADER_STYLE))
        table.addElement(_raw_rows(_marker(number)), check_grammar=False)
        doc.spreadsheet.addElement(table)
    package = io.BytesIO()
    doc.write(package)
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(file, "w") as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, ZIP_TIME)
            member.compress_type = info.compress_type
            member.external_attr = info.external_attr
            if info.filename != "content.xml":
                target.writestr(member, source.read(info))
                continue
            rest = source.read(info)
            with target.open(member, "w") as written:
                for number, sheet in enumerate(sheets):
                    before, rest = rest.split(_marker(number).encode(), 1)
                    written.write(before)
                    for start in range(0, len(sheet.rows), ROWS_AT_ONCE):
                        rows = sheet.rows[start : start + ROWS_AT_ONCE]
                        written.write(rows_xml(sheet.table, rows, sheet.currency).encode())
                written.write(rest)


def _marker(number: int) -> str:
    """Where the data rows of the sheet ``number`` go in odfpy's ``content.xml``: a
    comment no cell can write (a cell's text has its ``<`` escaped)."""
    return f"<!--rows of sheet {number}-->"


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
