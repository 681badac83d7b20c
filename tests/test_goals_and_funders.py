"""Goal wording that follows the budget, and a matching funder's own page (issue 26).

A common whose minimum goal is its stretch goal (every budget line a minimum line, or
every line a stretch line) has one goal: every page, card, bar, legend, condition and data
file words it "Goal", never "Stretch goal". The actor that holds a round's matching pool
has a page that shows the pool, what it matched, common by common, and what is left.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import build_site
from lxml import html

EMAIL = "appel@example.org"
CALL = {
    "campaign.yml": """
        name: Édition 2026
        opens: 2026-09-01
        closes: 2027-03-31
        matching:
          funder: fondation
          pool: "150000"
          method: proportional
          ratio: "0.5"
          cap: "0.25"
        """,
    # one goal: no stretch line (minimum == stretch)
    "commons/velo.md": """
        ---
        title: Vélos partagés
        summary: Des vélos en commun.
        challenges: [mobilite]
        stage: accepted
        license: CC0-1.0
        proposed_by: [asso]
        budget:
          lines:
            - label: Ateliers
              amount: "8000"
        ---
        Le commun.
        """,
    # one goal: every line a stretch line (no minimum)
    "commons/carte.md": """
        ---
        title: Carte ouverte
        summary: Une carte des arrêts.
        challenges: [mobilite]
        stage: accepted
        license: ODbL-1.0
        proposed_by: [asso]
        budget:
          lines:
            - label: Relevés
              amount: "3000"
              stretch: true
        ---
        Le commun.
        """,
    "actors/fondation.yml": """
        name: Fondation Solidaire
        kind: association
        """,
    "pledges/p3.yml": """
        actor: ville
        common: velo
        date: 2026-10-03
        money:
          amount: "1000"
          condition:
            total_at_least: stretch
        """,
    "pledges/p4.yml": """
        actor: asso
        common: velo
        date: 2026-10-04
        money:
          amount: "2000"
        """,
}


def page(site: Path, path: str) -> html.HtmlElement:
    return html.fromstring((site / path).read_text(encoding="utf-8"))


def by_class(element: html.HtmlElement, name: str) -> list[html.HtmlElement]:
    return element.xpath(f".//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]")


def text(element: html.HtmlElement) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The call, built in French and in English."""
    from conftest import MINIMAL, write

    root = tmp_path_factory.mktemp("goals")
    for name, body in {**MINIMAL, **CALL}.items():
        write(root / "content" / name, body)
    # with an address and an email, each common publishes its funding.json
    settings = {"SITEURL": "https://appel.example.org", "CATALOGUE_FUNDING_EMAIL": EMAIL}
    build_site(root / "content", root / "fr", **settings)
    build_site(root / "content", root / "en", DEFAULT_LANG="en", **settings)
    return root


@pytest.mark.parametrize(
    ("lang", "stretch", "goal"),
    [("fr", "Objectif haut", "Objectif"), ("en", "Stretch goal", "Goal")],
)
def test_a_common_of_one_goal_says_goal_everywhere(built, lang, stretch, goal):
    site = built / lang
    common = page(site, "communs/velo/index.html")
    legend = [text(li) for li in by_class(common, "funding__legend-item")]
    assert any(item.startswith(f"{goal} :" if lang == "fr" else f"{goal}:") for item in legend)
    assert not any(stretch in item for item in legend), legend
    markers = [text(m) for m in by_class(common, "bar__marker")]
    assert markers == [goal]
    budget = text(common.get_element_by_id("budget-caption").getparent())
    assert stretch not in budget and goal in budget
    assert ("Objectif minimum" if lang == "fr" else "Minimum goal") not in budget
    # the conditional pledge waits for the stretch goal, which is its one goal
    pledges = text(common.get_element_by_id("pledges-caption").getparent())
    its_goal = "son objectif" if lang == "fr" else "its goal"
    assert its_goal in pledges and stretch.lower() not in pledges.lower()
    # every common of one goal, wherever its bar is drawn: cards, widget
    cards = by_class(page(site, "communs/index.html"), "card")
    card = next(c for c in cards if c.xpath(".//a[contains(@href, 'communs/velo/')]"))
    for document in (page(site, "communs/carte/index.html"), card, page(site, "widgets/velo.html")):
        words = [text(m) for m in by_class(document, "bar__marker")]
        assert words == [goal], words
    # the data: funding.json words the plans' goal as the page does
    manifest = json.loads((site / "communs/velo/funding.json").read_text(encoding="utf-8"))
    described = [plan["description"] for plan in manifest["funding"]["plans"]]
    assert described and all(d.startswith(goal) and stretch not in d for d in described)


def test_tables_of_commons_of_one_goal_have_one_goal_column(tmp_path):
    """The funding page's table and the round's report word the goals as their commons'
    budgets do: one "Goal" column when no common has a minimum below its stretch goal."""
    from conftest import MINIMAL, write

    covoit = MINIMAL["commons/covoit.md"].replace("              stretch: true\n", "")
    assert covoit != MINIMAL["commons/covoit.md"]
    for name, body in {**MINIMAL, **CALL, "commons/covoit.md": covoit}.items():
        write(tmp_path / "content" / name, body)
    site = build_site(tmp_path / "content", tmp_path / "fr")
    for path in ("financement/index.html", "financement/rapport/index.html"):
        table = page(site, path).xpath("//table[thead//th[.='Objectif']]")[0]
        headers = [text(th) for th in table.xpath("thead//th")]
        assert "Objectif haut" not in headers and "Objectif minimum" not in headers
        # each row has as many cells as the header has columns
        for row in table.xpath("tbody/tr | tfoot/tr"):
            assert len(row) == len(headers), (path, [text(c) for c in row])


def test_a_common_with_a_minimum_below_its_stretch_goal_keeps_both_words(built):
    common = page(built / "fr", "communs/covoit/index.html")
    markers = [text(m) for m in by_class(common, "bar__marker")]
    assert markers == ["Objectif minimum", "Objectif haut"]
    legend = " ".join(text(li) for li in by_class(common, "funding__legend-item"))
    assert "Objectif minimum" in legend and "Objectif haut" in legend
    for path in ("financement/index.html", "financement/rapport/index.html"):
        headers = [text(th) for th in page(built / "fr", path).xpath("//th[@scope='col']")]
        assert "Objectif minimum" in headers and "Objectif haut" in headers, path


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_matching_funder_s_page_shows_its_pool_and_what_it_matched(built, lang):
    actor = page(built / lang, "acteurs/fondation/index.html")
    section = actor.get_element_by_id("pools-title").getparent()
    words = text(section)
    pool = "150 000" if lang == "fr" else "150,000"
    assert pool in words.replace("\u202f", " ").replace("\u00a0", " ")
    # proportional, ratio 0.5: covoit 2 500,50 → 1 250,25; velo 2 000 (the conditional
    # pledge waits) → 1 000; carte: nothing secured, no row
    rows = [[text(c) for c in tr] for tr in section.xpath(".//tbody/tr")]
    assert [row[0] for row in rows] == ["Covoiturage ouvert", "Vélos partagés"]
    amounts = [re.sub(r"\D", "", row[1]) for row in rows]
    assert amounts == ["125025", "100000"]
    total = re.sub(r"\D", "", text(section.xpath(".//tfoot//td")[0]))
    assert total == "225025"
    # the pool, what it matched and what is left: 150 000 − 2 250,25
    figures = [re.sub(r"\D", "", text(dd)) for dd in by_class(section, "figure__value")]
    assert figures == ["150000", "225025", "14774975"]
    # it pledges to no common: the page says what it does instead
    supported = text(actor.get_element_by_id("supported-title").getparent())
    assert ("abonde les communs" if lang == "fr" else "as a matching funder") in supported


def test_an_actor_without_a_pool_has_no_pool_section(built):
    actor = page(built / "fr", "acteurs/ville/index.html")
    assert not actor.xpath("//*[@id='pools-title']")
