"""The follow-up of a common as the site shows it (SPEC, "After the money"): the "Follow-up"
section of a common's page and the page of each report, built from real calls.

``tests/calls/followup``, built on ``BUILD_DAY`` (2026-11-26): ``covoit`` has three
deliverables, "Application v1" delivered on 2025-04-20, "Documentation des données" due on
2025-09-30 and not delivered (late), "Traductions" due in 2027 (upcoming): 1 of 3. In the
closed round 2025 it secured 17 000 € (6 000 paid by ``ville``, 5 000 confirmed by
``region``, 2 000 conditional from ``coop``, 4 000 from ``asso`` on 2025-04-01, the day the
minimum of 15 000 € was reached): 6 000 € paid of 17 000 € secured, 35.29 %; confirmed,
paid included, 11 000 €. Its reports spend 7 000 + 3 000 = 10 000 € of the 10 000 € of
"Développement" (100 %), 1 000 € of the 5 000 € of "Documentation" (20 %), 500.50 € of the
3 000 € of "Animation" (16.7 %, shown 16 %: percents are rounded down), 11 500.50 € of
18 000 € budgeted in all, 67 % of the 17 000 € secured. The round 2026 is sealed: its
3 000 € secured show, what was confirmed and paid does not.
"""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import FOLLOWUP, axe, build_site, no_js_page, nu_errors, serve, write
from test_site import bars

from appel_a_communs.content.errors import ContentErrors

NBSP, NNBSP = "\xa0", "\u202f"
COMMON = "communs/covoit/"
REPORT = "rapports/covoit-2025-intermediaire/"


def euros(amount: str) -> str:
    """``6 000,00 €`` as the French site writes it (narrow no-break space, no-break space)."""
    return amount.replace(" ", NNBSP) + NBSP + "€"


def percent(whole: int) -> str:
    return f"{whole}{NNBSP}%"


# --- a small DOM, enough to query the built pages ---------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    @property
    def text(self) -> str:
        """The text inside, the markup's spaces collapsed (no-break spaces kept)."""
        parts = [c if isinstance(c, str) else c.text for c in self.children]
        return re.sub(r"[ \t\n\r]+", " ", "".join(parts)).strip()

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Node]:
        return [
            n
            for n in self.iter()
            if (tag is None or n.tag == tag)
            and (cls is None or cls in n.classes)
            and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def one(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Node:
        found = self.all(tag, cls, **attrs)
        assert len(found) == 1, (tag, cls, attrs, len(found))
        return found[0]

    def section(self, heading_id: str) -> Node:
        """The section a heading opens."""
        node = self.one(id=heading_id)
        while node.tag != "section":
            node = node.parent
        return node

    def table(self, caption_id: str) -> Node:
        return self.one(id=caption_id).parent

    def rows(self, part: str = "tbody") -> list[list[str]]:
        return [[cell.text for cell in row.all() if cell.tag in ("th", "td")]
                for row in self.one(part).all("tr")]  # fmt: skip


class Dom(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {}, None)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def page(site: Path, url: str) -> Node:
    parser = Dom()
    parser.feed((site / url / "index.html").read_text(encoding="utf-8"))
    return parser.root.one("main")


# --- the sites ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(followup_site) -> Path:
    return followup_site


@pytest.fixture(scope="module")
def english(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("followup-en") / "output"
    return build_site(FOLLOWUP, output, DEFAULT_LANG="en")


def copy_call(tmp_path: Path, files: dict[str, str]) -> Path:
    """tests/calls/followup with ``files`` added or replaced."""
    content = tmp_path / "content"
    shutil.copytree(FOLLOWUP, content)
    for name, text in files.items():
        write(content / name, text)
    return content


# --- the common's page -------------------------------------------------------------------


def test_deliverables_show_their_progress_and_the_late_one(site):
    followup = page(site, COMMON).section("followup-title")
    bar = followup.one("progress", aria_labelledby="deliverables-text")
    assert (bar.attrs["value"], bar.attrs["max"]) == ("1", "3")
    assert re.findall(r"\d+", followup.one(id="deliverables-text").text) == ["1", "3"]
    table = followup.table("deliverables-caption")
    assert [row[0] for row in table.rows()] == [
        "Application v1",
        "Documentation des données",
        "Traductions",
    ]
    delivered, late, upcoming = table.one("tbody").all("tr")
    link = delivered.one("a")
    assert (link.text, link.attrs["href"]) == ("Application v1", "https://example.org/covoit/v1")
    assert [t.attrs["datetime"] for t in delivered.all("time")] == ["2025-05-01", "2025-04-20"]
    assert delivered.one(cls="badge--delivered") and not delivered.all(cls="badge--late")
    # Late: its due day (2025-09-30) passed before the build day (2026-11-26), undone.
    assert late.one(cls="badge--late")
    assert [t.attrs["datetime"] for t in late.all("time")] == ["2025-09-30"]
    assert "deliverable--late" in late.classes
    assert not upcoming.all(cls="badge") and upcoming.text.endswith("À venir")
    assert [t.attrs["datetime"] for t in upcoming.all("time")] == ["2027-01-31"]
    assert len(followup.all(cls="badge--late")) == 1


def test_deliverables_are_shown_once(site):
    main = page(site, COMMON)
    assert len(main.all("caption")) == len({c.attrs["id"] for c in main.all("caption")})
    tables = [t for t in main.all("table") if "Documentation des données" in t.text]
    assert len(tables) == 1


def test_money_paid_against_secured_and_spent_against_each_line(site):
    followup = page(site, COMMON).section("followup-title")
    first, second = followup.all(cls="followup__round")
    assert first.one("h4").text == "Édition 2025"
    bar = first.one("progress")
    assert (bar.attrs["value"], bar.attrs["max"]) == ("35.29", "100")
    # The words are the translators' (tested in English below); the figures are these.
    text = first.one(id=bar.attrs["aria-labelledby"]).text
    assert re.findall(r"[\d\u202f]+\xa0€|[\d]+\u202f%", text) == [
        euros("6 000"),
        euros("17 000"),
        percent(35),
    ]
    figures = [dd.text for dd in first.one("dl", cls="followup__figures").all("dd")]
    assert figures == [euros("17 000,00"), euros("11 000,00"), euros("6 000,00")]
    table = first.table("spending-caption-1")
    assert "Édition 2025" in table.one("caption").text
    assert table.rows() == [
        ["Développement", euros("10 000,00"), euros("10 000,00"), percent(100)],
        ["Documentation", euros("5 000,00"), euros("1 000,00"), percent(20)],
        ["Animation", euros("3 000,00"), euros("500,50"), percent(16)],
    ]
    assert table.rows("tfoot") == [["Total", euros("18 000,00"), euros("11 500,50"), ""]]
    assert not table.all(cls="badge--over")
    assert percent(67) in first.text and euros("11 500,50") in first.text
    links = [a.attrs["href"] for a in first.one("ul", cls="followup__reports").all("a")]
    assert links == [f"../../{REPORT}", "../../rapports/covoit-2025-final/"]
    # 2026 is sealed: its secured money shows, not what was confirmed or paid.
    assert second.one("h4").text == "Édition 2026"
    assert not second.all("progress")
    figures = [dd.text for dd in second.one("dl", cls="followup__figures").all("dd")]
    assert figures == [euros("3 000,00"), "Montant scellé", "Montant scellé"]


def test_the_timeline_runs_in_date_order(site):
    followup = page(site, COMMON).section("followup-title")
    timeline = followup.one("ol", cls="timeline")
    events = timeline.all("li")
    days = [e.one("time").attrs["datetime"] for e in events]
    kinds = [c.removeprefix("timeline__event--") for e in events for c in e.classes
             if c.startswith("timeline__event--")]  # fmt: skip
    assert list(zip(days, kinds, strict=True)) == [
        ("2025-02-01", "proposed"),
        ("2025-02-01", "review"),
        ("2025-04-01", "minimum-reached"),
        ("2025-04-20", "deliverable"),
        ("2025-06-15", "report"),
        ("2025-09-30", "report"),
    ]
    assert events[0].one("time").text == "1 février 2025"
    assert events[1].one(cls="badge--decision-accepted").text == "Retenu"
    assert "Édition 2025" in events[1].text and "Édition 2025" in events[2].text
    assert events[3].one("a").attrs["href"] == "https://example.org/covoit/v1"
    assert [e.one("a").attrs["href"] for e in events[4:]] == [
        f"../../{REPORT}",
        "../../rapports/covoit-2025-final/",
    ]
    assert [e.one("a").text for e in events[4:]] == ["Bilan intermédiaire", "Bilan final 2025"]


def test_events_are_ordered_by_day_whatever_their_kind(tmp_path):
    """Delivered after both reports, "Documentation des données" comes last; it is no
    longer late, and the progress is 2 of 3."""
    content = copy_call(tmp_path, {})
    common = content / "commons" / "covoit.md"
    text = common.read_text(encoding="utf-8")
    assert text.count("    due: 2025-09-30\n") == 1
    common.write_text(
        text.replace("    due: 2025-09-30\n", "    due: 2025-09-30\n    done_on: 2025-10-15\n")
    )
    site = build_site(content, tmp_path / "out")
    followup = page(site, COMMON).section("followup-title")
    events = followup.one("ol", cls="timeline").all("li")
    assert [e.one("time").attrs["datetime"] for e in events] == [
        "2025-02-01",
        "2025-02-01",
        "2025-04-01",
        "2025-04-20",
        "2025-06-15",
        "2025-09-30",
        "2025-10-15",
    ]
    assert "timeline__event--deliverable" in events[-1].classes
    assert "Documentation des données" in events[-1].text
    bar = followup.one("progress", aria_labelledby="deliverables-text")
    assert (bar.attrs["value"], bar.attrs["max"]) == ("2", "3")
    assert not followup.all(cls="badge--late") and not followup.all(cls="notice--late")


def test_the_section_comes_after_the_funding_and_before_the_pledges(site):
    headings = [h.attrs.get("id") for h in page(site, COMMON).all("h2")]
    assert headings.index("funding-title") < headings.index("followup-title")
    assert headings.index("followup-title") < headings.index("pledges-title")


def test_the_follow_up_draws_with_computed_numbers_only(site):
    """Its progress elements hold the core's figures; nothing in it has a style."""
    (funding,) = bars((site / COMMON / "index.html").read_text(encoding="utf-8"))
    assert funding["aria-valuenow"] == "3000"  # the current round's funding bar, alone
    followup = page(site, COMMON).section("followup-title")
    assert not [n for n in followup.iter() if "style" in n.attrs]
    values = [(n.attrs["value"], n.attrs["max"]) for n in followup.all("progress")]
    assert values == [("1", "3"), ("35.29", "100")]


def test_a_line_spent_beyond_its_budget_is_marked(tmp_path):
    content = copy_call(
        tmp_path,
        {
            "reports/covoit-2025-final.md": """
                ---
                common: covoit
                date: 2025-09-30
                title: Bilan final 2025
                spent:
                  - label: Développement
                    amount: "3000"
                  - label: Animation
                    amount: "3500.50"
                ---
                Plus d'ateliers que prévu.
                """
        },
    )
    site = build_site(content, tmp_path / "out")
    table = page(site, COMMON).table("spending-caption-1")
    over = [row for row in table.one("tbody").all("tr") if "spending__line--over" in row.classes]
    assert [row.one("th").text for row in over] == ["Animation"]
    assert over[0].one(cls="badge--over")
    assert table.rows()[2][:4] == [
        "Animation",
        euros("3 000,00"),
        euros("3 500,50"),
        f"{percent(116)} {over[0].one(cls='badge--over').text}",
    ]
    final = page(site, "rapports/covoit-2025-final/").table("spent-caption")
    assert len(final.all(cls="badge--over")) == 1


# --- a report's page ---------------------------------------------------------------------


def test_a_report_page_shows_its_spending_against_the_round_budget(site):
    main = page(site, REPORT)
    crumbs = main.one("nav", cls="breadcrumb").all("li")
    assert [li.text for li in crumbs] == [
        "Accueil",
        "Communs",
        "Covoiturage ouvert",
        "Bilan intermédiaire",
    ]
    assert crumbs[2].one("a").attrs["href"] == "../../communs/covoit/"
    assert crumbs[3].attrs.get("aria-current") == "page"
    header = main.one("header")
    assert header.one("h1").text == "Bilan intermédiaire"
    assert header.one("time").attrs["datetime"] == "2025-06-15"
    assert header.one("time").text == "15 juin 2025"
    hrefs = {a.text: a.attrs["href"] for a in header.all("a")}
    assert hrefs == {
        "Covoiturage ouvert": "../../communs/covoit/",
        "Édition 2025": "../../tours/2025/",
    }
    table = main.table("spent-caption")
    assert table.rows() == [
        ["Développement", euros("10 000,00"), euros("7 000,00"), euros("10 000,00"), percent(100)],
        ["Documentation", euros("5 000,00"), euros("1 000,00"), euros("1 000,00"), percent(20)],
        ["Animation", euros("3 000,00"), euros("0,00"), euros("500,50"), percent(16)],
    ]
    assert table.rows("tfoot") == [
        ["Total", euros("18 000,00"), euros("8 000,00"), euros("11 500,50"), ""]
    ]
    body = main.one("section", cls="report__body")
    assert body.one("strong").text == "publiée"
    others = main.section("other-reports-title").one("ul")
    assert [a.attrs["href"] for a in others.all("a")] == ["../../rapports/covoit-2025-final/"]


def test_the_other_report_links_back(site):
    main = page(site, "rapports/covoit-2025-final/")
    assert main.one("h1").text == "Bilan final 2025"
    rows = main.table("spent-caption").rows()
    assert [row[2] for row in rows] == [euros("3 000,00"), euros("0,00"), euros("500,50")]
    others = main.section("other-reports-title").one("ul")
    assert [a.attrs["href"] for a in others.all("a")] == [f"../../{REPORT}"]


def test_a_report_body_is_markdown_sanitised(tmp_path):
    content = copy_call(
        tmp_path,
        {
            "reports/covoit-2025-note.md": """
                ---
                common: covoit
                date: 2025-07-01
                title: Note d'étape
                ---
                Un *atelier* de plus.

                <script>alert("rapport")</script>
                <img src="x" onerror="alert('img')">

                [un lien](javascript:alert('lien'))
                """
        },
    )
    site = build_site(content, tmp_path / "out")
    html = (site / "rapports/covoit-2025-note/index.html").read_text(encoding="utf-8")
    body = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert "<em>atelier</em>" in body
    assert "<script" not in body and "alert(" not in body
    assert "onerror" not in body and "javascript:" not in body
    # It has no spending, and takes its place among the others, by date.
    main = page(site, "rapports/covoit-2025-note/")
    assert not main.all(id="spent-caption")
    timeline = page(site, COMMON).one("ol", cls="timeline")
    assert timeline.all("a")[2].attrs["href"] == "../../rapports/covoit-2025-note/"


def test_a_call_without_rounds_names_no_round(make_content, tmp_path):
    content = make_content(
        {
            "reports/covoit-bilan.md": """
                ---
                common: covoit
                date: 2026-11-01
                title: Premier bilan
                spent:
                  - label: Développement
                    amount: "1000"
                ---
                Le travail avance.
                """
        }
    )
    site = build_site(content, tmp_path / "out")
    followup = page(site, COMMON).section("followup-title")
    (each,) = followup.all(cls="followup__round")
    assert not each.all("h4")
    assert Decimal(each.one("progress").attrs["value"]) == 0
    table = each.one("table")
    assert table.rows() == [
        ["Développement", euros("10 000,00"), euros("1 000,00"), percent(10)],
        ["Documentation", euros("5 000,00"), euros("0,00"), percent(0)],
    ]
    report = page(site, "rapports/covoit-bilan/")
    assert not report.all(cls="report__round")
    assert report.table("spent-caption").rows()[0][2] == euros("1 000,00")


# --- in English ----------------------------------------------------------------------------


def test_an_english_build_words_the_follow_up_in_english(english):
    followup = page(english, COMMON).section("followup-title")
    assert followup.one("h2").text == "Follow-up"
    assert followup.all("p", cls="followup__text")[0].text == "Deliverables delivered: 1 of 3"
    assert followup.one(cls="badge--late").text == "Late"
    assert followup.one(cls="notice--late").text == "1 deliverable is late."
    assert "Delivered on April 20, 2025" in followup.text
    first = followup.all(cls="followup__round")[0]
    assert first.all("p", cls="followup__text")[0].text == ("€6,000 paid of €17,000 secured (35%)")
    assert first.one("caption").text == "Money spent against the budget of Édition 2025"
    assert "Spent in all: €11,500.50 of the €17,000.00 secured (67%)." in first.text
    events = [e.one(cls="timeline__what").text for e in followup.one("ol").all("li")]
    assert events == [
        "Common proposed",
        "Review in Édition 2025: Accepted",
        "Minimum goal reached in Édition 2025",
        "Deliverable delivered: Application v1",
        "Report published: Bilan intermédiaire",
        "Report published: Bilan final 2025",
    ]
    report = page(english, REPORT)
    assert [li.text for li in report.one("nav").all("li")] == [
        "Home",
        "Commons",
        "Covoiturage ouvert",
        "Bilan intermédiaire",
    ]
    assert report.one("header").one("p", cls="page-header__lead").text == (
        "A report of Covoiturage ouvert, published on June 15, 2025."
    )
    assert report.one("h2", id="spent-title").text == "Money spent"
    assert report.section("other-reports-title").one("h2").text == (
        "Other reports of Covoiturage ouvert"
    )


# --- in a browser --------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("url", [COMMON, REPORT])
def test_axe_finds_no_violation(browser, axe_source, site, english, url, language):
    with serve(site if language == "fr" else english) as base:
        result = axe(browser, axe_source, f"{base}/{url}")
    violations = [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]
    assert violations == []
    assert result["passes"]


def test_the_follow_up_reads_without_javascript_on_a_narrow_screen(browser, site):
    with serve(site) as base, no_js_page(browser, width=360, height=800) as tab:
        tab.goto(f"{base}/{COMMON}")
        # Nothing wider than the screen but what scrolls inside its own region.
        assert tab.evaluate("document.documentElement.scrollWidth") <= 360
        bar = tab.locator("progress").first
        assert abs(bar.evaluate("e => e.position") - 1 / 3) < 0.001
        box = bar.bounding_box()
        assert box and 300 < box["width"] <= 360 and box["height"] > 8
        assert tab.locator(".timeline li").count() == 6


def test_the_pages_are_valid_html(site, english):
    pages = [str(s / url / "index.html") for s in (site, english) for url in (COMMON, REPORT)]
    errors = nu_errors(*pages)
    assert not errors, "\n".join(errors[:30])


def test_the_reports_folder_is_reserved_only_in_a_call_that_has_reports(make_content, tmp_path):
    """A call of before may have an ordinary page called ``rapports``; once the call has a
    report, the page would take the reports' folder: an error naming it."""
    page = {"pages/rapports.md": "---\ntitle: Nos rapports\nslug: rapports\n---\nTexte.\n"}
    built = build_site(make_content(page), tmp_path / "before")
    assert (built / "rapports/index.html").is_file()
    report = {
        "reports/bilan.md": "---\ncommon: covoit\ndate: 2026-11-01\ntitle: Bilan\n---\nFait.\n"
    }
    with pytest.raises(ContentErrors) as info:
        build_site(make_content({**page, **report}), tmp_path / "after")
    assert "rapports.md: slug: 'rapports' is reserved" in str(info.value)
