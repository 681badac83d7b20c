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
    # velo reaches its one goal: 2 000 + 5 000 firm, then the conditional 1 000 counts
    "pledges/p5.yml": """
        actor: ville
        common: velo
        date: 2026-10-05
        money:
          amount: "5000"
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
    # it reached its goal: its status (stretch-reached in the data) and its timeline say so
    reached = "Objectif atteint" if lang == "fr" else "Goal reached"
    assert [text(b) for b in by_class(common, "badge--status-stretch-reached")] == [reached]
    timeline = text(by_class(common, "timeline")[0])
    assert reached in timeline and ("minimum" not in timeline.lower()), timeline
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
    assert reached in text(card) and reached in text(page(site, "widgets/velo.html"))
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
    # proportional, ratio 0.5: velo 8 000 → 4 000; covoit 2 500,50 → 1 250,25; carte:
    # nothing secured, no row
    rows = [[text(c) for c in tr] for tr in section.xpath(".//tbody/tr")]
    assert [row[0] for row in rows] == ["Vélos partagés", "Covoiturage ouvert"]
    amounts = [re.sub(r"\D", "", row[1]) for row in rows]
    assert amounts == ["400000", "125025"]
    total = re.sub(r"\D", "", text(section.xpath(".//tfoot//td")[0]))
    assert total == "525025"
    # the pool, what it matched and what is left: 150 000 − 5 250,25
    figures = [re.sub(r"\D", "", text(dd)) for dd in by_class(section, "figure__value")]
    assert figures == ["150000", "525025", "14474975"]
    # it pledges to no common: the page says what it does instead
    supported = text(actor.get_element_by_id("supported-title").getparent())
    assert ("abonde les communs" if lang == "fr" else "as a matching funder") in supported


def test_an_actor_without_a_pool_has_no_pool_section(built):
    actor = page(built / "fr", "acteurs/ville/index.html")
    assert not actor.xpath("//*[@id='pools-title']")


def test_a_sealed_round_shows_the_pool_and_its_matches_but_no_actor_s_amount(tmp_path):
    """While the round is sealed, the funder's page shows its pool and each common's match
    (the commons' figures are public), never an actor's own pledge, the funder's included."""
    from conftest import MINIMAL, write
    from test_sealed import digits

    sealed = CALL["campaign.yml"].replace(
        "closes: 2027-03-31", "closes: 2027-03-31\n        sealed: true"
    )
    own = 'actor: fondation\ncommon: covoit\ndate: 2026-10-06\nmoney:\n  amount: "4321.09"\n'
    files = {**MINIMAL, **CALL, "campaign.yml": sealed, "pledges/p6.yml": own}
    for name, body in files.items():
        write(tmp_path / "content" / name, body)
    site = build_site(tmp_path / "content", tmp_path / "fr")
    actor = (site / "acteurs/fondation/index.html").read_text(encoding="utf-8")
    section = text(page(site, "acteurs/fondation/index.html").get_element_by_id("pools-title"))
    assert section == "Réserve d’abondement"
    for amount in ("4321.09", "2500.50", "5000", "1000"):  # each actor's own pledges
        assert not digits(amount).search(actor), amount
    assert digits("150000").search(actor)  # the pool, public
    assert "Montant scellé" in actor  # its own pledge, sealed


def test_a_condition_names_the_goal_as_its_common_s_budget_has_it(built):
    from conftest import BUILD_DAY

    from appel_a_communs.site.pages.pledges import goal_word
    from appel_a_communs.site.view import load_call

    view = load_call(built / "content", BUILD_DAY)
    two, one, no_minimum = (view.funding.commons[s] for s in ("covoit", "velo", "carte"))
    assert [goal_word(g, two) for g in ("minimum", "stretch")] == ["minimum", "stretch"]
    assert [goal_word(g, one) for g in ("minimum", "stretch")] == ["goal", "goal"]
    # all its lines are stretch lines: its stretch goal is its goal; a condition on its
    # minimum (nothing) is met from the start, and keeps its own words
    assert [goal_word(g, no_minimum) for g in ("minimum", "stretch")] == ["minimum", "goal"]
    assert goal_word("stretch", None) == "stretch"


def _keys(document: html.HtmlElement) -> list[list[str]]:
    return [
        [text(li) for li in by_class(key, "funding__legend-item")]
        for key in by_class(document, "funding__legend--key")
    ]


def test_a_list_of_commons_of_one_goal_keys_one_goal(tmp_path):
    """The key above a list of cards and under a bar chart names what the bars draw: one
    "Goal" when no common drawn has a minimum below its stretch goal; both goals else."""
    from conftest import MINIMAL, write

    one_goal = MINIMAL["commons/covoit.md"].replace("\n              stretch: true", "")
    for name, body in {**MINIMAL, **CALL, "commons/covoit.md": one_goal}.items():
        write(tmp_path / "content" / name, body)
    site = build_site(tmp_path / "content", tmp_path / "out")
    # the home page's chart adds up each challenge's commons: carte's goal (stretch lines
    # only) and the others' make a minimum below the stretch there, which it marks; the
    # key of its list of commons is the one that names one goal
    (closest,) = page(site, "index.html").xpath('//section[@aria-labelledby="closest-title"]')
    documents = {"index.html#closest": closest}
    for path in ("communs/index.html", "defis/mobilite/index.html", "financement/index.html"):
        documents[path] = page(site, path)
    for path, document in documents.items():
        keys = _keys(document)
        assert keys, path
        for key in keys:
            assert key[-1] == "Objectif" and "Objectif minimum" not in key, (path, key)
            assert not any("Objectif haut" in item for item in key), (path, key)


def test_a_list_of_commons_with_two_goals_keys_both(built):
    """covoit has a minimum goal below its stretch goal: the lists it is in name both."""
    for path in ("communs/index.html", "financement/index.html"):
        for key in _keys(page(built / "fr", path)):
            assert key[-2:] == ["Objectif minimum", "Objectif haut"], (path, key)
