"""The statements for the funder (SPEC, "After the money"): each round's workbook (ODS) and
its tables as CSV, each actor's statement as a page and a CSV.

Every workbook is read back with python-calamine, a reader independent of odfpy, and every
cell is compared with the CSV of its table and with the data files the site publishes
(``pledges.csv``, ``commons.json``, ``actors.json``, ``rounds.json``); the workbook's XML is
read with the standard library to check that amounts are written exact.

``tests/calls/followup``: in 2025 (closed), ``covoit`` secured 17 000 € (6 000 paid by
ville, 5 000 confirmed by region, 2 000 conditional from coop and 4 000 from asso: 17 000
pledged, 11 000 confirmed or paid), its reports spent 11 500.50 €, the matching pool of
2 000 € all goes to it. 2026 is open and sealed: region confirmed 8 000 € to carto and
ville paid 3 000 € to covoit, amounts no file may show per actor.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import FOLLOWUP, REPO, build_site, write
from python_calamine import CalamineWorkbook

from appel_a_communs.site import statements
from appel_a_communs.site.statements import statement_tables
from appel_a_communs.site.tables import (
    DATE,
    INTEGER,
    PLACES,
    Column,
    Table,
    odf_row,
    rows_xml,
    workbook,
)
from appel_a_communs.site.urls import STATEMENT_TABLES, actor_statement_path, statement_path
from appel_a_communs.site.view import load_call

D = Decimal
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
AMOUNT_KEYS = {"pledges": ("amount", "means_value"), "payments": ("amount",),
               "actors": ("allowance", "allocated", "secured", "pledged", "confirmed", "paid",
                          "means_value")}  # fmt: skip
"""The per-actor amounts of each table: blank while the round is sealed."""


# --- reading what the build wrote ---------------------------------------------------------


def data(site: Path, name: str):
    return json.loads((site / "data" / name).read_text(encoding="utf-8"))


def csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def csv_dicts(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def ods_sheets(path: Path) -> dict[str, list[list]]:
    """Each sheet's rows as python-calamine reads them."""
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def ods_xml_values(path: Path) -> dict[str, list[list[tuple[str | None, str | None, str]]]]:
    """Each sheet's cells as the XML says: (value type, office:value or date-value, text)."""
    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read("content.xml"))
    found = {}
    for table in root.iter(f"{{{TABLE}}}table"):
        rows = []
        for row in table.iter(f"{{{TABLE}}}table-row"):
            cells = []
            for cell in row.iter(f"{{{TABLE}}}table-cell"):
                value = cell.get(f"{{{OFFICE}}}value") or cell.get(f"{{{OFFICE}}}date-value")
                text = "".join(p.text or "" for p in cell.iter(f"{{{TEXT}}}p"))
                cells.append((cell.get(f"{{{OFFICE}}}value-type"), value, text))
            rows.append(cells)
        found[table.get(f"{{{TABLE}}}name")] = rows
    return found


def as_text(value, column: Column) -> str:
    """A cell read by calamine, written as its CSV writes it."""
    if value == "":
        return ""
    if column.kind == DATE:
        assert isinstance(value, date), (column.key, value)
        return value.isoformat()
    if column.kind in (*PLACES, INTEGER):
        assert isinstance(value, int | float) and not isinstance(value, bool), (column, value)
        number = Decimal(repr(value))
        if column.kind == INTEGER:
            return str(int(number))
        if PLACES[column.kind] is None:
            return format(number.normalize(), "f")
        return f"{number:.{PLACES[column.kind]}f}"
    assert isinstance(value, str), (column.key, value)
    return value


def check_workbook_against_csv(folder: Path, slug: str | None) -> dict[str, list[dict[str, str]]]:
    """Every cell of the round's workbook equals its CSV's (as calamine reads it, and as
    the XML writes it: a currency cell's office:value is the CSV's exact decimal string);
    returns each table's CSV rows."""
    sheets = ods_sheets(folder / statement_path(slug))
    xml = ods_xml_values(folder / statement_path(slug))
    assert list(sheets) == list(STATEMENT_TABLES)
    tables = {}
    for name in STATEMENT_TABLES:
        rows = csv_rows(folder / statement_path(slug, name))
        columns = statement_tables()[name].csv_columns
        assert rows[0] == [c.key for c in columns]
        assert sheets[name][0] == rows[0]
        assert len(sheets[name]) == len(rows), name
        for read, written, cells in zip(sheets[name][1:], rows[1:], xml[name][1:], strict=True):
            assert len(written) == len(columns)
            read = read + [""] * (len(columns) - len(read))
            assert [as_text(v, c) for v, c in zip(read, columns, strict=True)] == written
            for (kind, value, text), column, expected in zip(cells, columns, written, strict=True):
                if expected == "":
                    assert (kind, value, text) == (None, None, ""), (name, column.key)
                elif column.kind == "amount":
                    assert (kind, value, text) == ("currency", expected, expected)
                elif column.kind == "date":
                    assert (kind, value) == ("date", expected)
                elif column.kind in (*PLACES, INTEGER):
                    assert (kind, value) == ("float", expected)
                else:
                    assert (kind, value, text) == ("string", None, expected)
        tables[name] = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    return tables


def check_money(row: dict[str, str], pledges: list[dict[str, str]]) -> None:
    """Pledged, confirmed and paid are the sums of the money pledges of pledges.csv, by
    status; blank when a sealed amount is among them."""
    money = [p for p in pledges if p["currency"]]
    for key, statuses in (("pledged", ("pledged", "confirmed", "paid")),
                          ("confirmed", ("confirmed", "paid")), ("paid", ("paid",))):  # fmt: skip
        if any(p["amount"] == "" for p in money):
            assert row[key] == "", key
        else:
            total = sum((D(p["amount"]) for p in money if p["money_status"] in statuses), D(0))
            assert row[key] == f"{total:.2f}", key


def check_against_data_files(site: Path, slug: str | None) -> dict[str, list[dict[str, str]]]:
    """The round's tables hold what the data files publish of that round, cell by cell."""
    folder = site / "data"
    tables = check_workbook_against_csv(folder, slug)
    commons = {r["slug"]: r for r in data(site, "commons.json")}
    actors = {r["slug"]: r for r in data(site, "actors.json")}
    rounds = {r["slug"]: r for r in data(site, "rounds.json")}
    pledges = [r for r in csv_dicts(folder / "pledges.csv") if (r["round"] or None) == slug]
    blank = lambda value: "" if value is None else str(value)  # noqa: E731

    # commons: their result in the round (commons.json's ``rounds``; the top level for a
    # call without rounds, which gives ``paid`` only of the follow-up figures)
    if slug is not None:
        assert [r["slug"] for r in tables["commons"]] == rounds[slug]["commons"]
    for row in tables["commons"]:
        record = commons[row["slug"]]
        result = next(r for r in record["rounds"] if r["round"] == slug) if slug else record
        assert (row["title"], row["url"], row["currency"]) == (
            record["title"], record["url"], record["currency"])  # fmt: skip
        for key in ("status", "minimum", "stretch", "secured", "pending", "funders",
                    "skills_days", "means_value", "pledged", "confirmed", "paid", "spent",
                    "matching_estimate"):  # fmt: skip
            if key in result:
                assert row[key] == blank(result[key]), (row["slug"], key)
        spent = [s["amount"] for r in record["reports"] if r["round"] == slug for s in r["spent"]]
        assert row["spent"] == f"{sum(map(D, spent), D(0)):.2f}"
        check_money(row, [p for p in pledges if p["common"] == row["slug"]])

    # pledges: the round's rows of pledges.csv, the same cells but the round
    keys = statement_tables()["pledges"].header
    assert [[r[k] for k in keys] for r in tables["pledges"]] == [
        [r[k] for k in keys] for r in pledges
    ]

    # actors: each actor with a pledge in the round, its record there (actors.json)
    engaged = [a for a in actors.values() if any(r["actor"] == a["slug"] for r in pledges)]
    assert [r["slug"] for r in tables["actors"]] == [a["slug"] for a in engaged]
    for row in tables["actors"]:
        record = actors[row["slug"]]
        result = next(r for r in record["rounds"] if r["round"] == slug) if slug else record
        assert (row["name"], row["kind"]) == (record["name"], record["kind"])
        for key in ("allowance", "allocated", "secured", "skills_days", "means_value"):
            assert row[key] == blank(result[key]), (row["slug"], key)
        check_money(row, [p for p in pledges if p["actor"] == row["slug"]])

    # payments: the round's paid money pledges, by date
    paid = sorted((p for p in pledges if p["money_status"] == "paid"),
                  key=lambda p: (p["date"], p["id"]))  # fmt: skip
    assert [[r["date"], r["pledge"], r["actor"], r["common"], r["amount"], r["currency"]]
            for r in tables["payments"]] == [
        [p["date"], p["id"], p["actor"], p["common"], p["amount"], p["currency"]] for p in paid
    ]  # fmt: skip

    # matching: the round's (rounds.json), and each common's estimate (commons.json)
    matching = rounds[slug]["matching"] if slug is not None else None
    if matching is None:
        assert tables["matching"] == []
    else:
        assert [r["common"] for r in tables["matching"]] == [r["slug"] for r in tables["commons"]]
        for row in tables["matching"]:
            for key in ("funder", "method", "pool", "ratio", "cap", "min_funders", "total"):
                assert row[key] == blank(matching[key]), key
            estimate = next(r for r in commons[row["common"]]["rounds"] if r["round"] == slug)[
                "matching_estimate"
            ]
            assert row["matching_estimate"] == blank(estimate)
            assert row["eligible"] == ("yes" if estimate is not None else "no")
    return tables


# --- the workbooks ------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["2025", "2026"])
def test_each_round_of_the_followup_call_matches_the_data_files(followup_site, slug):
    check_against_data_files(followup_site, slug)


def test_the_one_round_of_the_sample_call_matches_the_data_files(sample_site):
    tables = check_against_data_files(sample_site, "campaign")
    assert len(tables["pledges"]) > 20 and tables["matching"]
    assert all(r["currency"] == "EUR" for r in tables["commons"])
    assert {r["money_status"] for r in tables["pledges"]} >= {"pledged", "confirmed"}


def test_the_2025_figures_by_hand(followup_site):
    tables = check_workbook_against_csv(followup_site / "data", "2025")
    (covoit,) = tables["commons"]
    assert (covoit["slug"], covoit["status"]) == ("covoit", "minimum-reached")
    assert (covoit["secured"], covoit["pledged"], covoit["confirmed"], covoit["paid"]) == (
        "17000.00", "17000.00", "11000.00", "6000.00")  # fmt: skip
    assert (covoit["spent"], covoit["matching_estimate"]) == ("11500.50", "2000.00")
    actors = {r["slug"]: r for r in tables["actors"]}
    assert set(actors) == {"asso", "coop", "region", "ville"}
    assert (actors["ville"]["pledged"], actors["ville"]["paid"]) == ("6000.00", "6000.00")
    assert (actors["region"]["confirmed"], actors["region"]["paid"]) == ("5000.00", "0.00")
    assert actors["asso"]["skills_days"] == "10.0"
    assert [(r["pledge"], r["amount"]) for r in tables["payments"]] == [
        ("p2025-ville-covoit", "6000.00")
    ]
    coop = next(r for r in tables["pledges"] if r["actor"] == "coop")
    assert (coop["amount"], coop["conditional"], coop["counted"]) == ("2000.00", "yes", "yes")
    (matching,) = tables["matching"]
    assert (matching["funder"], matching["pool"], matching["ratio"]) == ("ville", "2000.00", "1")
    # and as a spreadsheet reads them: numbers and dates, not text
    sheets = ods_sheets(followup_site / "data" / statement_path("2025"))
    header = sheets["commons"][0]
    row = dict(zip(header, sheets["commons"][1], strict=True))
    assert (row["secured"], row["paid"], row["spent"]) == (17000, 6000, 11500.5)
    payment = dict(zip(sheets["payments"][0], sheets["payments"][1], strict=True))
    assert payment["date"] == date(2025, 2, 10) and payment["amount"] == 6000


def test_a_sealed_round_leaves_every_per_actor_amount_blank(followup_site):
    folder = followup_site / "data"
    tables = check_workbook_against_csv(folder, "2026")
    sheets = ods_sheets(folder / statement_path("2026"))
    assert len(tables["pledges"]) == 2 and len(tables["payments"]) == 1
    for name, keys in AMOUNT_KEYS.items():
        assert tables[name], name
        header = sheets[name][0]
        for row, read in zip(tables[name], sheets[name][1:], strict=True):
            for key in keys:
                assert row[key] == "", (name, key)
                assert read[header.index(key)] == "", (name, key)
    for row in tables["commons"]:  # split by status, a common's money would show a funder's
        assert (row["pledged"], row["confirmed"], row["paid"]) == ("", "", "")
    assert {r["slug"]: r["secured"] for r in tables["commons"]} == {  # public, as on its page
        "carto": "8000.00", "covoit": "3000.00"}  # fmt: skip
    # the sealed amounts appear in none of the per-actor files, in no form
    per_actor = [folder / statement_path("2026", name) for name in AMOUNT_KEYS]
    per_actor += [folder / actor_statement_path(slug) for slug in ("region", "ville")]
    for path in per_actor:
        assert not re.search(r"\b(3000|8000)(\.00?)?\b", path.read_text()), path
    xml = ods_xml_values(folder / statement_path("2026"))
    for name in AMOUNT_KEYS:
        values = {value for row in xml[name] for _, value, _ in row}
        assert not values & {"3000.00", "8000.00", "3000", "8000"}, name


def test_a_call_without_rounds_has_one_statement(make_content, tmp_path):
    site = build_site(make_content(), tmp_path / "out")
    assert (site / "data" / "statements" / "call.ods").exists()
    tables = check_against_data_files(site, None)
    assert [(r["id"], r["amount"], r["skills_days"]) for r in tables["pledges"]] == [
        ("p1", "2500.50", ""), ("p2", "", "2.5")]  # fmt: skip
    assert tables["matching"] == []
    assert not (site / "data" / "statements" / "ville.csv").exists()


def test_cells_a_spreadsheet_would_run_are_neutralised(make_content, tmp_path):
    title = '=HYPERLINK("https://evil.example","x")'
    names = {"ville": "+SUM(1;2)", "asso": "@cmd|' /C calc'!A0"}
    files = {
        "actors/ville.yml": f'name: "{names["ville"]}"\nkind: public-body\nallowance: "20000"\n',
        "actors/asso.yml": f'name: "{names["asso"]}"\nkind: association\n',
    }
    content = make_content(files)
    common = content / "commons" / "covoit.md"
    common.write_text(
        common.read_text().replace("title: Covoiturage ouvert", f"title: '{title}'"),
        encoding="utf-8",
    )
    site = build_site(content, tmp_path / "out")
    folder = site / "data"
    tables = check_workbook_against_csv(folder, None)
    assert tables["commons"][0]["title"] == "'" + title
    assert {r["slug"]: r["name"] for r in tables["actors"]} == {
        slug: "'" + name for slug, name in names.items()}  # fmt: skip
    sheets = ods_sheets(folder / statement_path(None))
    assert sheets["commons"][1][1] == "'" + title
    assert sorted(r[1] for r in sheets["actors"][1:]) == sorted("'" + n for n in names.values())
    xml = ods_xml_values(folder / statement_path(None))
    texts = [text for sheet in xml.values() for row in sheet for _, _, text in row]
    assert not [t for t in texts if t[:1] in ("=", "+", "-", "@")]
    statement = csv_dicts(folder / actor_statement_path("ville"))
    assert statement[0]["title"] == "'" + title
    assert not [row for row in csv_rows(folder / actor_statement_path("ville"))
                for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]  # fmt: skip


def test_the_writer_writes_what_odfpy_writes_for_the_same_cells(followup_site, sample_site):
    """The data rows are serialised by ``rows_xml``, not by odfpy's DOM (too slow at
    50 000 pledges): they must be what odfpy writes for the same cells."""
    for content in (FOLLOWUP, REPO / "tests" / "calls" / "mobilites"):
        view = load_call(content, date(2026, 11, 26))
        for each in statements.statement_rounds(view):
            for sheet in statements.round_tables(view, each).values():
                table = sheet.table
                for row in sheet.rows:
                    written = io.StringIO()
                    odf_row(table.cells(row), table.csv_columns, sheet.currency).toXml(1, written)
                    assert rows_xml(table, [row], sheet.currency) == written.getvalue()
    odd = ("a < b & c > d", "'=1+1", "tab\there", "x\x07y")
    table = Table("t", (Column("text", "text", lambda text: text),))
    for text in odd:
        written = io.StringIO()
        odf_row((text,), table.csv_columns, "EUR").toXml(1, written)
        assert rows_xml(table, [text], "EUR") == written.getvalue()


def test_the_workbook_is_a_valid_package_written_the_same_every_time(followup_site):
    path = followup_site / "data" / statement_path("2025")
    with zipfile.ZipFile(path) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        meta = archive.read("meta.xml").decode()
    assert "Édition 2025" in meta
    # odfpy keeps the namespaces it has met for the whole process: whatever it did
    # before (here: read a document), the same workbook is written byte for byte.
    view = load_call(FOLLOWUP, date(2026, 11, 26))
    tables = statements.round_tables(view, view.rounds[0])
    before = workbook(tables.values(), "t")
    from odf.element import Element
    from odf.namespaces import ANIMNS, FORMNS
    from odf.opendocument import load

    load(str(path))
    Element(qname=(FORMNS, "form"), check_grammar=False)
    Element(qname=(ANIMNS, "par"), check_grammar=False)
    assert workbook(tables.values(), "t") == before


# --- each actor's statement ---------------------------------------------------------------


def test_an_actor_statement_csv_by_hand(followup_site):
    folder = followup_site / "data"
    assert sorted(p.stem for p in (folder / "statements" / "actors").glob("*.csv")) == [
        "asso", "coop", "region", "ville"]  # fmt: skip
    assert csv_rows(folder / actor_statement_path("ville")) == [
        ["line", "round", "common", "title", "pledged", "secured", "confirmed", "paid",
         "currency"],
        ["common", "2025", "covoit", "Covoiturage ouvert", "6000.00", "6000.00", "6000.00",
         "6000.00", "EUR"],
        ["common", "2026", "covoit", "Covoiturage ouvert", "", "", "", "", "EUR"],
        ["round", "2025", "", "", "6000.00", "6000.00", "6000.00", "6000.00", "EUR"],
        ["round", "2026", "", "", "", "", "", "", "EUR"],
        ["total", "", "", "", "", "", "", "", "EUR"],
    ]  # fmt: skip
    assert csv_rows(folder / actor_statement_path("asso"))[1:] == [
        ["common", "2025", "covoit", "Covoiturage ouvert", "4000.00", "4000.00", "0.00", "0.00",
         "EUR"],
        ["round", "2025", "", "", "4000.00", "4000.00", "0.00", "0.00", "EUR"],
        ["total", "", "", "", "4000.00", "4000.00", "0.00", "0.00", "EUR"],
    ]  # fmt: skip
    # coop's 2 000 € counts: its condition (the minimum) was met
    assert csv_rows(folder / actor_statement_path("coop"))[1][4:6] == ["2000.00", "2000.00"]
    # the same lines as the round's pledges in pledges.csv
    pledges = csv_dicts(folder / "pledges.csv")
    for path in (folder / "statements" / "actors").glob("*.csv"):
        for row in csv_dicts(path):
            if row["line"] != "common":
                continue
            own = [p for p in pledges if (p["actor"], p["common"], p["round"]) ==
                   (path.stem, row["common"], row["round"]) and p["currency"]]  # fmt: skip
            assert own
            if own[0]["amount"]:
                assert row["pledged"] == f"{sum(D(p['amount']) for p in own):.2f}"


def page_text(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", main))


def test_the_actor_statement_page_shows_its_figures_and_links_its_csv(followup_site):
    page = followup_site / "acteurs" / "ville" / "bilan" / "index.html"
    text = page_text(page)
    assert "Ville de Valbrune" in text and "Édition 2025" in text and "Édition 2026" in text
    # pledged, secured, confirmed, paid: in the line, the 2025 total, the 2025 row
    assert text.count("6\u202f000,00\u00a0€") == 4 * 3
    assert "Montant scellé" in text and "3\u202f000" not in text
    html = page.read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+\.csv)"', html)
    assert len(links) == 1
    target = (page.parent / links[0]).resolve()
    assert target == (followup_site / "data" / actor_statement_path("ville")).resolve()
    assert target.exists()
    assert "<caption" in html and 'scope="row"' in html
    actor = (followup_site / "acteurs" / "ville" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../acteurs/ville/bilan/"' in actor


def test_only_actors_with_a_money_pledge_have_a_statement(sample_site):
    view = load_call(REPO / "tests" / "calls" / "mobilites", date(2026, 11, 26))
    with_money = {a.slug for a in view.actors if view.statements[a.slug].lines}
    without = {a.slug for a in view.actors} - with_money
    assert with_money and without
    folder = sample_site / "data" / "statements" / "actors"
    assert {p.stem for p in folder.glob("*.csv")} == with_money
    for slug in without:
        assert not (sample_site / "acteurs" / slug / "bilan").exists()
        assert "/bilan/" not in (sample_site / "acteurs" / slug / "index.html").read_text()
    slug = sorted(with_money)[0]
    text = page_text(sample_site / "acteurs" / slug / "bilan" / "index.html")
    total = csv_dicts(folder / f"{slug}.csv")[-1]
    assert total["line"] == "total" and total["pledged"]
    whole, cents = total["pledged"].split(".")
    shown = f"{int(whole):,}".replace(",", "\u202f") + f",{cents}\u00a0€"
    assert shown in text


def test_the_open_data_page_documents_the_statements(followup_site):
    html = (followup_site / "donnees" / "index.html").read_text(encoding="utf-8")
    tables = "<code>commons</code>, <code>pledges</code>"
    for words in ("statements/", ".ods", "statements/actors/", tables):
        assert words in html, words
    for slug in ("2025", "2026"):
        link = f'href="../data/{statement_path(slug)}"'
        assert link in html, link
        assert (followup_site / "data" / statement_path(slug)).exists()


def test_a_neutralised_name_is_what_the_writer_would_break(tmp_path):
    """The mutation the neutralisation tests catch: without it, a name starting with =
    would reach both files as a formula."""
    view = load_call(write_call(tmp_path), date(2026, 11, 26))
    (each,) = statements.statement_rounds(view)
    sheet = statements.round_tables(view, each)["actors"]
    assert statements.sheet_csv(sheet).splitlines()[1].startswith("ville,'=1+1,")


def write_call(tmp_path: Path) -> Path:
    root = tmp_path / "call"
    write(root / "actors/ville.yml", 'name: "=1+1"\nkind: public-body\n')
    write(
        root / "commons/covoit.md",
        """
        ---
        title: Covoiturage
        summary: Un registre.
        challenges: [mobilite]
        stage: accepted
        license: MIT
        proposed_by: [ville]
        ---
        Le commun.
        """,
    )
    write(
        root / "challenges/mobilite.md",
        """
        ---
        title: Mobilité
        summary: Se déplacer.
        ---
        Le défi.
        """,
    )
    write(root / "pledges/p1.yml", "actor: ville\ncommon: covoit\ndate: 2026-10-01\n"
          'money:\n  amount: "10"\n')  # fmt: skip
    return root


def workbook_title(path: Path) -> str:
    """The workbook's title, as a spreadsheet shows it (meta.xml's dc:title)."""
    with zipfile.ZipFile(path) as archive:
        meta = ElementTree.fromstring(archive.read("meta.xml"))
    found = meta.find(".//{http://purl.org/dc/elements/1.1/}title")
    assert found is not None and found.text
    return found.text


def test_an_unnamed_campaign_is_not_named_by_its_slug(tmp_path):
    """A ``campaign.yml`` without a name: its workbook is titled like its pages, by the
    site's name alone, never by the internal slug ``campaign`` (``view.round_name``)."""
    import shutil

    content = tmp_path / "content"
    shutil.copytree(REPO / "tests" / "calls" / "compat-2026", content)
    campaign = content / "campaign.yml"
    campaign.write_text(campaign.read_text().replace("name: Campagne 2026\n", ""))
    site = build_site(content, tmp_path / "out")
    title = workbook_title(site / "data" / statement_path("campaign"))
    assert "campaign" not in title.lower()
    assert "·" not in title
    report = (site / "financement" / "rapport" / "index.html").read_text()
    assert "campaign" not in re.search(r"<h1>(.*?)</h1>", report).group(1)
    # closed, with its funding manifests: their yearly history names it by its year
    closed = build_site(
        content,
        tmp_path / "closed",
        CATALOGUE_TODAY=date(2027, 2, 15),
        SITEURL="https://appel.example",
        CATALOGUE_FUNDING_EMAIL="appel@example.org",
    )
    histories = [
        entry
        for manifest in closed.rglob("funding.json")
        for entry in json.loads(manifest.read_text())["funding"].get("history", [])
    ]
    assert histories
    assert all(entry["description"].startswith("2027") for entry in histories), histories


def test_a_named_round_is_named_alike_on_its_page_its_widget_and_its_workbook(followup_site):
    """One function names a round: the current round of the follow-up call reads the
    same in its funding page's heading, a common's card and its workbook's title."""
    name = "Édition 2026"
    page = (followup_site / "financement" / "index.html").read_text()
    heading = re.search(r"<h1>(.*?)</h1>", page).group(1)
    assert heading.endswith(f"&nbsp;: {name}")
    assert f"<span>{name}</span>" in (followup_site / "widgets" / "covoit.html").read_text()
    title = workbook_title(followup_site / "data" / statement_path("2026"))
    assert title.endswith(f" · {name}")
