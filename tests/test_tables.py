"""A published table is defined once (``site/tables.py``): its CSV, its JSON records, their
schema and its workbook sheet are written from its columns, by one writer per format, with
one way of writing an amount.

The proof that a column is one line: a pledge table with one more column, and nothing
else changed, puts that column in ``pledges.csv``, in each common's data file and its
schema, and in a round's statement (CSV and workbook)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date
from decimal import Decimal
from operator import itemgetter
from xml.etree import ElementTree

import pytest
from conftest import FOLLOWUP, REPO
from pydantic import TypeAdapter, ValidationError

from appel_a_communs.content.types import amount_text
from appel_a_communs.site import exports, statements
from appel_a_communs.site.exact_json import number_text
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
    Sheet,
    Table,
    record_model,
    table_csv,
    table_records,
    workbook,
)
from appel_a_communs.site.view import load_call

D = Decimal
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


@pytest.fixture(scope="module")
def followup_view():
    return load_call(FOLLOWUP, date(2026, 11, 26))


def sheet_cells(data: bytes, name: str) -> list[list[tuple[str | None, str | None, str]]]:
    """A workbook sheet's cells as the XML says: (value type, value, text)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = ElementTree.fromstring(archive.read("content.xml"))
    table = next(t for t in root.iter(f"{TABLE}table") if t.get(f"{TABLE}name") == name)
    return [
        [
            (
                cell.get(f"{OFFICE}value-type"),
                cell.get(f"{OFFICE}value") or cell.get(f"{OFFICE}date-value"),
                "".join(p.text or "" for p in cell.iter(f"{TEXT_NS}p")),
            )
            for cell in row.iter(f"{TABLE}table-cell")
        ]
        for row in table.iter(f"{TABLE}table-row")
    ]


# --- a pledge column is one line -----------------------------------------------------------


def test_a_pledge_column_added_once_is_in_every_file_that_publishes_pledges(
    followup_view, monkeypatch
):
    note = Column("note", TEXT, lambda row: f"=note {row.pledge.id}", nullable=True)
    extended = Table(exports.PLEDGES.name, (*exports.PLEDGES.columns, note), exports.PLEDGES.doc)
    monkeypatch.setattr(exports, "PLEDGES", extended)  # the one line, as the test adds it
    view = followup_view
    pledge_ids = [p.id for c in view.commons for p in view.pledges_by_common.get(c.slug, [])]

    rows = list(csv.reader(io.StringIO(exports.pledges_csv(view))))
    assert rows[0][-3:] == ["round", "withdrawn", "note"]
    assert [row[-1] for row in rows[1:]] == [f"'=note {i}" for i in pledge_ids]  # neutralised

    common = view.commons[0]
    records = exports.commons_records(view, lambda kind, slug: f"/{kind}/{slug}/")
    record = next(r for r in records if r["slug"] == common.slug)
    written = exports.common_file(view, common, record)
    assert [p["note"] for p in written["pledges"]] == [
        f"=note {p.id}" for p in view.pledges_by_common[common.slug]
    ]
    schema = exports.schemas.__wrapped__()["common-data.json"]
    assert "note" in schema["$defs"]["PledgeRecord"]["properties"]
    assert "note" in schema["$defs"]["PledgeRecord"]["required"]
    record_model(exports.common_file_table()).model_validate(written)

    each = view.rounds[0]
    sheet = statements.round_tables(view, each)["pledges"]
    table = list(csv.reader(io.StringIO(statements.sheet_csv(sheet))))
    assert table[0][-1] == "note" and "round" not in table[0]
    assert all(row[-1].startswith("'=note ") for row in table[1:])
    cells = sheet_cells(workbook([sheet]), "pledges")
    assert cells[0][-1] == ("string", None, "note")
    assert [row[-1] for row in cells[1:]] == [("string", None, row[-1]) for row in table[1:]]


def test_the_data_files_and_statements_are_written_from_the_tables(followup_view):
    view = followup_view
    assert exports.pledges_csv(view) == table_csv(exports.PLEDGES, exports.pledge_rows(view))
    assert (
        statements.statement_tables()["pledges"].header == exports.PLEDGES.without("round").header
    )
    assert "currency" not in record_model(exports.PLEDGES).model_fields  # a CSV column only
    assert "means_description" not in exports.PLEDGES.header  # a JSON field only


@pytest.mark.parametrize("call", [FOLLOWUP, REPO / "tests" / "calls" / "rounds"])
def test_every_record_is_what_its_model_says(call):
    """The build writes records without validating them (it cost a second at 50 000
    pledges): here each is validated by the model its published schema comes from."""
    view = load_call(call, date(2026, 11, 26))
    url_of = lambda kind, slug: f"https://e.test/{kind}/{slug}/"  # noqa: E731
    commons = exports.commons_records(view, url_of)
    checks = [
        (exports.COMMONS, commons),
        (exports.CHALLENGES, exports.challenges_records(view, url_of)),
        (exports.ACTORS, exports.actors_records(view, url_of)),
        (exports.ROUNDS, exports.rounds_records(view, lambda slug: f"/tours/{slug}/")),
    ]
    for table, records in checks:
        adapter = TypeAdapter(list[record_model(table)])  # type: ignore[misc]
        # a key a call may leave out (evaluations, without a jury) stays out
        valid = adapter.validate_python(records)
        assert adapter.dump_python(valid, mode="json", exclude_unset=True) == records
    model = record_model(exports.common_file_table())
    for common, written in exports.common_files(view, commons).items():
        dumped = model.model_validate(written).model_dump(mode="json", exclude_unset=True)
        assert dumped == written, common


# --- the writers ----------------------------------------------------------------------------


def test_one_way_of_writing_an_amount():
    assert amount_text(D("2500.5")) == "2500.50"
    assert amount_text(D("1000000000000")) == "1000000000000.00"
    assert amount_text(D("2.5"), 1) == "2.5" and amount_text(D("3"), 1) == "3.0"
    assert amount_text(D("0.25"), None) == "0.25" and amount_text(D("1"), None) == "1"
    assert number_text(D("2500.5")) == "2500.50" and number_text(D("0.125")) == "0.125"
    assert number_text(D("10000.00")) == "10000"
    from appel_a_communs.content.types import Amount

    assert TypeAdapter(Amount).dump_python(D("12.5"), mode="json") == "12.50"


KINDS_TABLE = Table("KindsRecord", (
    Column("text", TEXT, itemgetter(0)),
    Column("url", URL, itemgetter(1)),
    Column("amount", AMOUNT, itemgetter(2), nullable=True),
    Column("percent", PERCENT, itemgetter(3)),
    Column("days", DAYS, itemgetter(4)),
    Column("ratio", RATIO, itemgetter(5)),
    Column("date", DATE, itemgetter(6)),
    Column("count", INTEGER, itemgetter(7)),
    Column("flag", BOOLEAN, itemgetter(8), nullable=True),
    Column("only_json", TEXTS, lambda row: ["a", "b"]),
))  # fmt: skip
ROW = ("=cmd", "https://e.test/a,b", D("1234.5"), D("12.5"), D("2.5"), D("0.250"),
       date(2026, 1, 2), 3, True)  # fmt: skip
BLANK = ("", "u", None, D(0), D(0), D(1), date(2026, 1, 2), 0, None)


def test_csv_cells_quoting_and_blanks():
    table = Table("T", (Column("a", TEXT, itemgetter(0)), Column("b", TEXT, itemgetter(1))))
    text = table_csv(table, [("x,y", 'say "hi"'), ("line\nfeed", "cr\rhere"), (None, "-1")])
    assert text == (
        'a,b\n"x,y","say ""hi"""\n"line\nfeed","cr\rhere"\n' + ",'-1\n"
    )  # the row holding a carriage return is quoted whole; a formula is neutralised
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["a", "b"], ["x,y", 'say "hi"'], ["line\nfeed", "cr\rhere"], ["", "'-1"],
    ]  # fmt: skip
    rows = list(csv.reader(io.StringIO(table_csv(KINDS_TABLE, [ROW, BLANK]))))
    # a JSON-only column has no cell
    header = ["text", "url", "amount", "percent", "days", "ratio", "date", "count", "flag"]
    assert rows[0] == header
    assert rows[1] == ["'=cmd", "https://e.test/a,b", "1234.50", "12.50", "2.5", "0.250",
                       "2026-01-02", "3", "yes"]  # fmt: skip
    assert rows[2] == ["", "u", "", "0.00", "0.0", "1", "2026-01-02", "0", ""]


def test_json_records_keep_types_and_write_amounts_as_strings():
    (record,) = table_records(KINDS_TABLE, [ROW])
    assert record == {
        "text": "=cmd", "url": "https://e.test/a,b", "amount": "1234.50", "percent": "12.50",
        "days": "2.5", "ratio": "0.250", "date": "2026-01-02", "count": 3, "flag": True,
        "only_json": ["a", "b"],
    }  # fmt: skip
    assert json.dumps(record)  # no Decimal, no date left
    (blank,) = table_records(KINDS_TABLE, [BLANK])
    assert blank["amount"] is None and blank["flag"] is None and blank["count"] == 0
    inner = Table("InnerRecord", (Column("v", AMOUNT, lambda v: v),))
    outer = Table("OuterRecord", (
        Column("one", RECORD, itemgetter(0), nullable=True, table=inner),
        Column("many", RECORDS, itemgetter(1), table=inner),
        Column("map", AMOUNTS, itemgetter(2)),
        Column("data", DATA, itemgetter(3)),
    ))  # fmt: skip
    written = table_records(outer, [(D(1), [D(2)], {"k": D(3)}, {"x": [1]}),
                                    ({"v": "kept"}, [], {}, {})])  # fmt: skip
    assert written == [
        {"one": {"v": "1.00"}, "many": [{"v": "2.00"}], "map": {"k": "3.00"}, "data": {"x": [1]}},
        {"one": {"v": "kept"}, "many": [], "map": {}, "data": {}},  # a record written already
    ]
    schema = TypeAdapter(list[record_model(outer)]).json_schema()  # type: ignore[misc]
    assert set(schema["$defs"]) == {"OuterRecord", "InnerRecord"}
    model = record_model(KINDS_TABLE)
    model.model_validate(record)
    with pytest.raises(ValidationError):
        model.model_validate({**record, "extra": 1})
    with pytest.raises(ValidationError):
        model.model_validate({**record, "count": None})  # not nullable


def test_ods_cells_are_typed_by_kind():
    data = workbook([Sheet("kinds", KINDS_TABLE, [ROW, BLANK], "EUR")], "t")
    header, row, blank = sheet_cells(data, "kinds")
    assert [text for _, _, text in header] == list(KINDS_TABLE.header)
    assert row == [
        ("string", None, "'=cmd"),
        ("string", None, "https://e.test/a,b"),
        ("currency", "1234.50", "1234.50"),
        ("float", "12.50", "12.50"),
        ("float", "2.5", "2.5"),
        ("float", "0.250", "0.250"),
        ("date", "2026-01-02", "2026-01-02"),
        ("float", "3", "3"),
        ("string", None, "yes"),
    ]
    assert blank[0] == (None, None, "") and blank[2] == (None, None, "")
    assert blank[8] == (None, None, "")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert 'office:currency="EUR"' in archive.read("content.xml").decode()


def test_a_table_refuses_what_it_cannot_write():
    with pytest.raises(ValueError):
        Table("T", (Column("a", TEXT, itemgetter(0)), Column("a", AMOUNT, itemgetter(1))))
    with pytest.raises(ValueError):
        Column("r", RECORDS, itemgetter(0))  # a list of records of no table
    with pytest.raises(KeyError):
        exports.PLEDGES.without("nothing")
    assert not Column("l", TEXTS, itemgetter(0)).in_csv  # a cell holds no list


def test_a_table_written_in_pieces_is_the_table_written_at_once(followup_view, monkeypatch):
    """``write_csv`` and ``write_ods`` hold ``ROWS_AT_ONCE`` rows at a time: however the
    rows are cut, the bytes are the same (zlib's stream does not depend on how its input
    is cut), as the build's before/after comparison found at 50 000 pledges."""
    from appel_a_communs.site import tables

    sheets = list(statements.round_tables(followup_view, followup_view.rounds[0]).values())
    sheets.append(Sheet("many", KINDS_TABLE, [ROW, BLANK] * 1500, "EUR"))
    whole = workbook(sheets, "t"), [table_csv(s.table, s.rows) for s in sheets]
    monkeypatch.setattr(tables, "ROWS_AT_ONCE", 7)
    assert (workbook(sheets, "t"), [table_csv(s.table, s.rows) for s in sheets]) == whole
    cells = sheet_cells(whole[0], "many")
    assert len(cells) == 3001 and cells[-1] == cells[2]
