"""The round report for the funders (SPEC, "After the money"): per common, what was promised,
secured, paid, delivered and reported in a round, as a page made to be printed.

``tests/calls/followup`` (see tests/calls/README.md) has the closed round 2025, where
``covoit`` (minimum 15 000 €, stretch 18 000 €) was promised 6 000 (paid) + 5 000
(confirmed) + 2 000 (on condition, met) + 4 000 = 17 000 €, all of it secured, of which
6 000 € paid (35 % of 17 000, rounded down); its two reports on 2025 spend 7 000 + 1 000
and 3 000 + 500.50 = 11 500.50 €; one of its three deliverables is delivered, one is late
on the build day (due 2025-09-30). Matching: the 2 000 € pool, all to covoit. The open
round 2026 is sealed: carto secures 8 000 € and covoit 3 000 €.
"""

from __future__ import annotations

import html as markup
import re
import unicodedata
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from conftest import BUILD_DAY, FOLLOWUP, SAMPLE, axe, build_site, serve, write

from appel_a_communs.site.view import load_call

D = Decimal
NBSP, NNBSP = "\xa0", "\u202f"


def euros(amount: str) -> str:
    """``17 000 €`` as the French site writes it (narrow no-break space, no-break space)."""
    return amount.replace(" ", NNBSP) + NBSP + "€"


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    def build(content: Path, name: str, **settings) -> Path:
        return build_site(content, tmp_path_factory.mktemp(name) / "output", **settings)

    return {
        "followup": build(FOLLOWUP, "followup"),
        "english": build(FOLLOWUP, "followup-en", DEFAULT_LANG="en"),
        "mobilites": build(SAMPLE, "mobilites"),
    }


def read(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def cells(row: str) -> list[str]:
    found = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
    # Spaces of the markup collapsed; the no-break spaces of amounts and dates kept.
    return [markup.unescape(re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", c)).strip())
            for c in found]  # fmt: skip


def table(html: str, caption_id: str) -> tuple[list[list[str]], list[str]]:
    """The body rows of the table with that caption, and its footer row."""
    found = html.split(f'id="{caption_id}"', 1)[1].split("</table>", 1)[0]
    body = found.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    foot = found.split("<tfoot>", 1)[1].split("</tfoot>", 1)[0]
    return [cells(r) for r in re.findall(r"<tr>(.*?)</tr>", body, re.S)], cells(foot)


def figures(html: str) -> dict[str, str]:
    """The summary's figures: label → value."""
    summary = html.split('id="report-summary-title"', 1)[1].split("</section>", 1)[0]
    pairs = re.findall(r"<dt[^>]*>(.*?)</dt><dd[^>]*>(.*?)</dd>", summary, re.S)
    return {re.sub(r"<[^>]+>", "", label): value for label, value in pairs}


# --- the figures, computed by the core ------------------------------------------------


def test_a_closed_round_report_by_hand():
    view = load_call(FOLLOWUP, BUILD_DAY)
    assert list(view.round_reports) == ["2025", "2026"]
    report = view.round_reports["2025"]
    assert report.matching
    (row,) = report.rows
    assert row.common.slug == "covoit" and row.status == "minimum-reached"
    assert (row.pledged, row.minimum, row.stretch, row.secured) == (
        D(17000), D(15000), D(18000), D(17000))  # fmt: skip
    assert (row.matching, row.paid, row.spent) == (D(2000), D(6000), D("11500.50"))
    assert row.percent_paid == D("35.29")  # 6 000 / 17 000, rounded down to the cent
    assert (row.delivered, row.deliverables) == (1, 3)
    assert [d.title for d in row.late] == ["Documentation des données"]
    assert [r.slug for r in row.reports] == ["covoit-2025-intermediaire", "covoit-2025-final"]
    totals = report.totals
    assert (totals.commons, totals.pledged, totals.secured, totals.paid, totals.spent) == (
        1, D(17000), D(17000), D(6000), D("11500.50"))  # fmt: skip
    assert (totals.matching, totals.percent_paid) == (D(2000), D("35.29"))
    assert (totals.delivered, totals.deliverables, totals.late, totals.reports) == (1, 3, 1, 2)


def test_a_sealed_round_report_gives_the_commons_secured_money_only():
    report = load_call(FOLLOWUP, BUILD_DAY).round_reports["2026"]
    assert not report.matching
    assert [(r.common.slug, r.status, r.secured, r.minimum) for r in report.rows] == [
        ("carto", "stretch-reached", D(8000), D(8000)),  # "Carte des arrêts" comes first
        ("covoit", "open", D(3000), D(6000)),
    ]
    # What was promised and paid, split by status, would show one actor's amount.
    assert all(r.pledged is None and r.paid is None and r.percent_paid is None
               for r in report.rows)  # fmt: skip
    assert [r.spent for r in report.rows] == [D(0), D(0)]
    totals = report.totals
    assert (totals.commons, totals.secured, totals.minimum, totals.stretch) == (
        2, D(11000), D(14000), D(14000))  # fmt: skip
    assert (totals.pledged, totals.paid, totals.percent_paid, totals.matching) == (
        None, None, None, None)  # fmt: skip
    # covoit's late deliverable counts in every round it takes part in
    assert (totals.delivered, totals.deliverables, totals.late, totals.reports) == (2, 4, 1, 0)


def test_the_totals_of_a_call_of_campaign_yml_add_up_its_pledges():
    view = load_call(SAMPLE, BUILD_DAY)
    assert list(view.round_reports) == ["campaign"]
    report = view.round_reports["campaign"]
    assert [r.common.slug for r in report.rows] == [c.slug for c in view.commons]
    money = [p.money for p in view.catalogue.pledges.values() if p.money]
    totals = report.totals
    assert totals.pledged == sum(m.amount for m in money) == D(293500)
    assert totals.paid == sum(m.amount for m in money if m.status == "paid")
    assert totals.secured == view.funding.totals.secured
    assert totals.minimum == sum(r.minimum for r in report.rows) == D(513000)
    assert totals.matching == view.funding.matching.total
    assert totals.deliverables == sum(len(c.deliverables) for c in view.commons)


def test_a_call_without_rounds_has_one_report(make_content):
    view = load_call(make_content(), BUILD_DAY)
    assert list(view.round_reports) == [None]
    (row,) = view.round_reports[None].rows
    assert (row.pledged, row.secured, row.paid, row.percent_paid) == (
        D("2500.50"), D("2500.50"), D(0), D(0))  # fmt: skip
    assert view.round_reports[None].totals.matching is None


# --- the pages --------------------------------------------------------------------------


def test_the_closed_round_report_page(sites):
    html = main(read(sites["followup"], "tours/2025/rapport"))
    rows, total = table(html, "report-money-caption")
    expected = ["Covoiturage ouvert", "Objectif minimum atteint", euros("15 000"),
                euros("18 000"), euros("17 000"), euros("17 000"), euros("2 000"),
                euros("6 000"), "35\u202f%", euros("11 500,50")]  # fmt: skip
    assert rows == [expected]
    assert total[0].startswith("Total") and total[2:] == expected[2:]
    summary = list(figures(html).values())
    assert summary[:2] == [euros("17 000"), euros("17 000")]
    assert summary[2:5] == [euros("2 000"), euros("6 000"), euros("11 500,50")]
    assert summary[-2:] == ["1", "2"]  # late deliverables, reports
    # Deliverables and reports: the late one marked, the reports linked
    rows, _ = table(html, "report-delivery-caption")
    assert rows[0][0] == "Covoiturage ouvert"
    assert html.count('class="badge badge--late"') == 1
    assert "Documentation des données" in rows[0][2] and "30 septembre 2025" in rows[0][2]
    assert '<a href="../../../rapports/covoit-2025-intermediaire/">Bilan intermédiaire</a>' in html
    assert '<a href="../../../rapports/covoit-2025-final/">Bilan final 2025</a>' in html
    # The round's statement, for the funders' accounts: each link leads to its file
    assert 'href="../../../data/statements/2025.ods"' in html
    for name in ("commons", "pledges", "actors", "payments", "matching"):
        assert f'href="../../../data/statements/2025-{name}.csv"' in html
    for href in re.findall(r'href="([^"]*/statements/[^"]*)"', html):
        assert (sites["followup"] / "tours/2025/rapport" / href).resolve().is_file(), href
    assert "Montant scellé" not in html


def test_the_closed_round_report_in_english(sites):
    html = main(read(sites["english"], "tours/2025/rapport"))
    assert "<h1>Funding report: Édition 2025</h1>" in html
    assert "From January 1, 2025 to June 30, 2025." in html
    rows, _ = table(html, "report-money-caption")
    assert rows[0][1:5] == ["Minimum reached", "€15,000", "€18,000", "€17,000"]
    assert rows[0][-3:] == ["€6,000", "35%", "€11,500.50"]
    rows, total = table(html, "report-delivery-caption")
    assert rows[0][1] == "1 of 3"
    assert rows[0][2] == "Late Documentation des données, due on September 30, 2025"
    assert rows[0][3] == ("Bilan intermédiaire (June 15, 2025) "
                          "Bilan final 2025 (September 30, 2025)")  # fmt: skip
    assert total == ["Total (1 common)", "1 of 3", "1 late", "2 reports"]
    labels = figures(html)
    assert labels["Paid (35% of the money secured)"] == "€6,000"
    assert labels["Deliverables delivered"] == "1 of 3"


def test_the_current_round_report_is_sealed_and_names_no_actor(sites):
    page = read(sites["followup"], "financement/rapport")
    html = main(page)
    assert "Édition 2026" in html.split("</h1>", 1)[0]
    rows, total = table(html, "report-money-caption")
    sealed = "Montant scellé"
    assert [r[0] for r in rows] == ["Carte des arrêts", "Covoiturage ouvert"]
    # both commons have one goal in 2026 (no stretch line): one "Objectif" column
    assert rows[0][2:] == [euros("8 000"), sealed, euros("8 000"), sealed, "—", euros("0")]
    assert rows[1][2:] == [euros("6 000"), sealed, euros("3 000"), sealed, "—", euros("0")]
    assert total[2:] == [euros("14 000"), sealed, euros("11 000"), sealed, "—", euros("0")]
    # No actor, and so no actor's amount: the page speaks of commons only.
    for name in ("Ville de Valbrune", "Région Sud-Est", "Coopérative Carto", "Association Roule"):
        assert name not in html
    assert "acteurs/" not in html
    assert 'href="../../data/statements/2026.ods"' in html


def test_the_funding_page_and_the_rounds_link_to_their_reports(sites):
    site = sites["followup"]
    assert 'href="../financement/rapport/"' in read(site, "financement")
    assert 'href="../../tours/2025/rapport/"' in read(site, "tours/2025")
    index = read(site, "tours")
    assert 'href="../tours/2025/rapport/"' in index and 'href="../financement/rapport/"' in index
    # Other rounds only: the current round's report is the funding report
    assert not (site / "tours/2026/rapport").exists()
    mobilites = sites["mobilites"]
    assert 'href="../financement/rapport/"' in read(mobilites, "financement")
    html = main(read(mobilites, "financement/rapport"))
    rows, _ = table(html, "report-money-caption")
    assert len(rows) == 14
    links = re.findall(r'href="([^"]*/statements/[^"]*)"', html)
    assert len(links) == 6 and all(
        (mobilites / "financement/rapport" / href).resolve().is_file() for href in links
    )


# --- printed by Chromium ------------------------------------------------------------------


def pdf_pages(browser, site: Path, url: str) -> list:
    from pypdf import PdfReader

    with serve(site) as base:
        page = browser.new_page()
        try:
            page.goto(f"{base}/{url}")
            # The stylesheet's @page wins over the format asked, so its size is tested too.
            data = page.pdf(format="A4", prefer_css_page_size=True)
        finally:
            page.close()
    return PdfReader(BytesIO(data)).pages


def plain(text: str) -> str:
    """PDF text as one line: ligatures (ﬁ) and no-break spaces undone, lines joined."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def words(text: str) -> str:
    """Only the words and numbers of a text, to compare a table row of the HTML with the
    PDF: what the stylesheet draws (a badge's ✓ or !) and punctuation are left out."""
    return " ".join(re.findall(r"\w+", plain(text)))


A4 = (595.28, 841.89)  # points
SCREEN_ONLY = ("Aller au contenu", "Accueil", "Défis", "Contribuer", "Propulsé par")
"""The skip link, the navigation and the footer, which the page has and the paper has not."""


def test_the_report_prints_on_a4_without_navigation(browser, sites):
    site = sites["followup"]
    page = read(site, "tours/2025/rapport")
    # What the screen shows and the paper must not
    for chrome in SCREEN_ONLY:
        assert chrome in page
    pages = pdf_pages(browser, site, "tours/2025/rapport/")
    for each in pages:
        assert abs(float(each.mediabox.width) - A4[0]) < 2
        assert abs(float(each.mediabox.height) - A4[1]) < 2
    text = plain(" ".join(p.extract_text() for p in pages))
    for chrome in SCREEN_ONLY:
        assert chrome not in text
    assert "Édition 2025" in text and "Covoiturage ouvert" in text
    for figure in ("17 000 €", "15 000 €", "6 000 €", "11 500,50 €", "35 %"):
        assert figure in text
    assert "Documentation des données" in text
    assert "Bilan intermédiaire" in text and "Bilan final 2025" in text


def test_a_long_report_keeps_every_row_whole_and_its_headings_on_each_page(browser, sites):
    """The sample call's 14 commons take two pages: no row is cut between them, and the
    second page repeats the table's headings."""
    site = sites["mobilites"]
    html = main(read(site, "financement/rapport"))
    rows, _ = table(html, "report-money-caption")
    pages = [words(p.extract_text()) for p in pdf_pages(browser, site, "financement/rapport/")]
    assert len(pages) >= 2
    for row in rows:
        line = words(" ".join(row))
        assert any(line in text for text in pages), f"row cut or lost: {line}"
    headings = words(" ".join(table_headings(html, "report-money-caption")))
    assert sum(headings in text for text in pages) >= 2


def late_call(root: Path, commons: int = 12, deliverables: int = 6) -> Path:
    """A call without rounds whose commons each have many late deliverables: rows of
    several lines, listed, that a page break would cut without the print stylesheet."""
    write(root / "challenges/mobilite.md", "---\ntitle: Mobilité\nsummary: Bouger.\n---\nTexte.\n")
    write(root / "actors/asso.yml", "name: Association Roule\nkind: association\n")
    for i in range(1, commons + 1):
        late = "".join(f"  - title: Livrable {i:02d}-{j}\n    due: 2025-0{j}-01\n"
                       for j in range(1, deliverables + 1))  # fmt: skip
        write(
            root / f"commons/commun-{i:02d}.md",
            f"---\ntitle: Commun numéro {i:02d}\nsummary: Un commun.\nchallenges: [mobilite]\n"
            "proposed_by: [asso]\n"
            f"deliverables:\n{late}---\nTexte.\n",
        )
    return root


def test_rows_of_several_lines_are_not_cut_between_pages(browser, tmp_path):
    site = build_site(late_call(tmp_path / "content"), tmp_path / "output")
    html = main(read(site, "financement/rapport"))
    rows, _ = table(html, "report-delivery-caption")
    assert len(rows) == 12 and all(row[2].count("Livrable") == 6 for row in rows)
    pages = [words(p.extract_text()) for p in pdf_pages(browser, site, "financement/rapport/")]
    assert len(pages) >= 2
    for row in rows:
        line = words(" ".join(row))
        assert any(line in text for text in pages), f"row cut or lost: {line}"


def table_headings(html: str, caption_id: str) -> list[str]:
    found = html.split(f'id="{caption_id}"', 1)[1].split("</thead>", 1)[0]
    return cells(found.split("<thead>", 1)[1])


# --- accessible --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "url"),
    [("followup", "tours/2025/rapport/"), ("followup", "financement/rapport/"),
     ("english", "tours/2025/rapport/"), ("mobilites", "financement/rapport/")],
)  # fmt: skip
def test_axe_finds_no_violation_on_the_report(browser, axe_source, sites, name, url):
    with serve(sites[name]) as base:
        result = axe(browser, axe_source, f"{base}/{url}")
    violations = [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]
    assert violations == []
    assert result["passes"]
