"""The pages of a call that runs for years (SPEC, "Calls that run for years"): the rounds'
index, a funding and an engagement page per round, a page per review date, the
eligibility view, and what common, actor and catalogue pages show of the rounds.

``tests/calls/rounds`` has a closed round, 2025 (covoit funded on its 2025 budget, velo
unfunded, idee declined), and the open, sealed round 2026-2027 (review dates 2026-10-15 and
2027-03-15; covoit open again, nouveau proposed), built on ``BUILD_DAY`` (2026-11-26).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import REPO, build_site, write

from appel_a_communs.content.errors import ContentErrors

ROUNDS = REPO / "tests" / "calls" / "rounds"
NBSP, NNBSP = "\xa0", "\u202f"


def euros(amount: str) -> str:
    """``4 000,00 €`` as the French site writes it (narrow no-break space, no-break space)."""
    return amount.replace(" ", NNBSP) + NBSP + "€"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_site(ROUNDS, tmp_path_factory.mktemp("rounds") / "output")


@pytest.fixture(scope="module")
def english(tmp_path_factory) -> Path:
    return build_site(ROUNDS, tmp_path_factory.mktemp("rounds-en") / "output", DEFAULT_LANG="en")


def read(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def section(html: str, heading_id: str) -> str:
    """The section a heading id opens, up to the next section."""
    return html.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def rows(html: str, caption_id: str) -> list[list[str]]:
    """The body rows of the table with that caption, each as its cells' text."""
    table = html.split(f'id="{caption_id}"', 1)[1].split("</table>", 1)[0]
    found = []
    body = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        # Spaces of the markup collapsed; the no-break spaces of amounts and dates kept.
        found.append([re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", c)).strip()
                      for c in cells])  # fmt: skip
    return found


# --- the rounds and their pages -----------------------------------------------------


def test_the_rounds_index_lists_every_round_with_its_figures_and_links(site):
    html = read(site, "tours")
    table = rows(html, "rounds-caption")
    assert [r[0] for r in table] == ["Édition 2025", "Édition 2026-2027 (tour en cours)"]
    first, second = table
    assert first[2] == "Clos résultats définitifs" and second[2] == "Ouvert"
    assert first[3] == "1 mars 2025 15 juillet 2025"
    assert second[3] == "15 octobre 2026 15 mars 2027 (à venir)"
    assert first[4:7] == ["3", euros("5 000,00"), euros("8 000,00")]
    assert second[4:7] == ["2", euros("2 500,50"), euros("13 000,00")]
    # The current round's funding page is the funding page; the other has its own.
    assert 'href="../financement/">Édition 2026-2027</a>' in html
    assert 'href="../tours/2025/">Édition 2025</a>' in html
    for slug in ("2025", "2026-2027"):
        assert f'href="../tours/{slug}/engagement/"' in html
    assert 'href="../releves/2027-03-15/">15 mars 2027</a>' in html
    assert 'href="../eligibilite/"' in html


def test_the_funding_page_is_the_current_round_and_sealed(site):
    html = read(site, "financement")
    assert "<h1>Financement&nbsp;: Édition 2026-2027</h1>" in html
    assert "Du 1 septembre 2026 au 30 juin 2027." in html
    assert "sous pli scellé" in html and "Résultats définitifs" not in html
    assert 'class="badge badge--round-open">Ouvert<' in html
    assert 'href="../tours/2026-2027/engagement/"' in html and 'href="../tours/"' in html
    totals = section(html, "totals-title")
    assert euros("2 500,50") in totals and "13\u202f000\xa0€" in totals
    engagement = rows(html, "engagement-caption")
    assert {r[0] for r in engagement} == {"Atelier Vélo", "Ville de Valbrune"}
    assert all(r[2] == "Montant scellé" for r in engagement)
    # No second copy of the current round's page.
    assert not (site / "tours/2026-2027/index.html").exists()


def test_a_closed_round_keeps_its_final_results_and_public_amounts(site):
    html = read(site, "tours/2025")
    assert "<h1>Financement&nbsp;: Édition 2025</h1>" in html
    assert "<strong>Résultats définitifs.</strong> Ce tour s’est clos le 30 juin 2025" in html
    assert "sous pli scellé" not in html
    table = {r[0]: r[1:] for r in rows(html, "closeness-caption")}
    assert table["Covoiturage ouvert"][:5] == [
        "Objectif atteint", euros("4 000,00"), euros("0,00"), euros("4 000,00"),
        euros("4 000,00")]  # fmt: skip
    assert table["Vélo partagé"][:4] == ["Non financé", euros("1 000,00"), euros("0,00"),
                                         euros("4 000,00")]  # fmt: skip
    assert table["Covoiturage ouvert"][-1] == euros("800,00")
    assert 'Non retenu aux relevés de ce tour&nbsp;: <a href="../../communs/idee/">' in html
    # The per-actor amounts of a closed round are public, beside a sealed current round.
    flows = rows(html, "flows-caption")
    assert ["Ville de Valbrune", "Covoiturage ouvert", euros("3 000,00")] in flows
    engagement = {r[0]: r for r in rows(html, "engagement-caption")}
    assert engagement["Ville de Valbrune"][2] == euros("3 000,00")
    assert engagement["Association Roule"][1:4] == ["2", euros("1 000,00"), "3"]
    assert "Montant scellé" not in main(html)


def test_each_round_has_an_engagement_page_with_the_formula(site):
    html = read(site, "tours/2025/engagement")
    record = {r[0]: r[1:] for r in rows(html, "round-record-caption")}
    assert record["Ville de Valbrune"] == ["1", euros("3 000,00"), "0", euros("0,00"), "0"]
    total = {r[0]: r[1:] for r in rows(html, "total-record-caption")}
    # ville pledged in both rounds: one common, amounts hidden by the sealed round.
    assert total["Ville de Valbrune"] == ["2", "1", "Montant scellé", "0", "Montant scellé", "0"]
    assert total["Association Roule"] == ["1", "2", euros("1 000,00"), "3", euros("0,00"), "0"]
    formula = section(html, "formula-title")
    for term in ("Communs soutenus", "Argent engagé", "Jours de compétences", "Moyens valorisés",
                 "Engagements déclencheurs", "Sur tous les tours"):  # fmt: skip
        assert f"<dt>{term}</dt>" in formula, term
    assert "engagements conditionnels compris" in formula
    assert "compte une fois" in formula and "sous pli scellé" in formula
    current = read(site, "tours/2026-2027/engagement")
    assert "sous pli scellé" in current
    assert all(r[2] == "Montant scellé" for r in rows(current, "round-record-caption"))


def test_review_pages_list_their_decisions_or_what_waits_for_them(site):
    decided = read(site, "releves/2025-03-01")
    assert "<h1>Relevé du 1 mars 2025</h1>" in decided
    assert 'href="../../tours/2025/">Édition 2025</a>' in decided
    decisions = rows(decided, "decisions-caption")
    assert [r[0] for r in decisions] == ["Covoiturage ouvert", "Vélo partagé"]
    assert decisions[0][1:] == ["Retenu", "Un registre attendu par trois collectivités.",
                                "Comité de sélection"]  # fmt: skip
    assert "À venir" not in main(decided)
    upcoming = read(site, "releves/2027-03-15")
    assert 'badge--round-upcoming">À venir<' in upcoming
    waiting = section(upcoming, "waiting-title")
    assert 'href="../../communs/nouveau/">Nouveau commun</a>' in waiting
    assert "covoit" not in waiting
    past = read(site, "releves/2026-10-15")
    assert "Aucune décision n’a été publiée pour cette date de relevé." in past
    declined = read(site, "releves/2025-07-15")
    assert rows(declined, "decisions-caption")[0][:2] == ["Idée en cours", "Non retenu"]


def test_the_eligibility_view_lists_the_commons_that_miss_a_criterion(site):
    html = read(site, "eligibilite")
    assert '<meta name="robots" content="noindex">' in html
    criteria = section(html, "criteria-title")
    assert "au moins 2 acteurs distincts dans son groupe de travail" in criteria
    unmet = rows(html, "unmet-caption")
    assert [r[0] for r in unmet] == ["Nouveau commun"]
    assert unmet[0][2].startswith("Groupe de travail") and "1, 2 demandés" in unmet[0][2]
    assert "Covoiturage ouvert" not in main(html)
    # Published for the maintainers, not listed for search engines.
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    sitemap = ET.parse(site / "sitemap.xml").getroot()
    listed = {e.text for e in sitemap.findall("s:url/s:loc", namespace)}
    assert "/eligibilite/" not in listed
    assert {"/tours/", "/tours/2025/", "/tours/2025/engagement/", "/releves/2025-03-01/"} <= listed


# --- a common across rounds -----------------------------------------------------------


def test_a_common_shows_its_earlier_rounds_and_its_reviews(site):
    html = read(site, "communs/covoit")
    # The current round's bar, as before.
    assert f"<strong>2{NNBSP}500,50{NBSP}€</strong> sur 10{NNBSP}000{NBSP}€" in html
    assert "ne participe pas au tour en cours" not in html
    earlier = rows(html, "rounds-caption")
    # one goal in 2025 (no stretch line): "Objectif" in one column (issue 26)
    assert earlier == [["Édition 2025", "Objectif atteint", euros("4 000,00"),
                        euros("4 000,00"), euros("800,00")]]  # fmt: skip
    assert '<h2 id="rounds-title">Tours précédents</h2>' in html
    reviews = rows(html, "reviews-caption")
    assert reviews == [
        [
            "1 mars 2025",
            "Édition 2025",
            "Retenu",
            "Un registre attendu par trois collectivités.",
            "Comité de sélection",
        ]
    ]
    assert 'href="../../releves/2025-03-01/">1 mars 2025</a>' in html
    checklist = section(html, "eligibility-title")
    assert "remplit tous les critères d’éligibilité du tour Édition 2026-2027" in checklist
    assert checklist.count("checklist__item--met") == 4


def test_a_common_out_of_the_current_round_says_which_round_its_result_is_from(site):
    html = read(site, "communs/velo")
    assert ("le résultat ci-dessous est celui du tour "
            '<a href="../../tours/2025/">Édition 2025</a>') in html  # fmt: skip
    assert f"<strong>1{NNBSP}000{NBSP}€</strong> sur 4{NNBSP}000{NBSP}€" in html
    # Its matching is the closed round's, linked to that round's explanation.
    assert f"Abondement à la clôture du tour&nbsp;: <strong>200,00{NBSP}€</strong>" in html
    assert 'href="../../tours/2025/#matching-title"' in html
    assert 'id="rounds-title"' not in html  # its only round is the one shown
    assert 'id="eligibility-title"' not in html  # not in the current round


def test_a_declined_common_shows_its_review_with_its_reasons(site):
    html = read(site, "communs/idee")
    assert 'badge--status-declined">Non retenu<' in html
    (review,) = rows(html, "reviews-caption")
    assert review[:3] == ["15 juillet 2025", "Édition 2025", "Non retenu"]
    assert "Pas encore de communauté d'utilisateurs ; licence non ouverte." in review[3]
    assert '<div class="prose"><p>Pas encore de communauté' in html  # Markdown, sanitised


def test_a_proposal_waits_for_the_next_review_and_shows_its_checklist(site):
    html = read(site, "communs/nouveau")
    assert ("Cette proposition est en attente du relevé du "
            '<a href="../../releves/2027-03-15/">15 mars 2027</a>.') in html  # fmt: skip
    checklist = section(html, "eligibility-title")
    assert "ne remplit pas encore 1 critère d’éligibilité" in checklist
    unmet = re.findall(r'checklist__item--unmet">(.*?)</li>', checklist)
    assert len(unmet) == 1 and unmet[0].startswith("<strong>Groupe de travail</strong>, non rempli")
    assert "1, 2 demandés" in unmet[0]
    assert checklist.count("checklist__item--met") == 3
    assert 'href="../../eligibilite/"' in checklist
    # covoit was decided in 2025 and takes part in the current round: it waits for nothing.
    assert "en attente du relevé" not in read(site, "communs/covoit")


def test_the_sanitised_reasons_keep_no_markup_of_their_own(tmp_path):
    content = tmp_path / "content"
    for path in ROUNDS.rglob("*"):
        if path.is_file():
            target = content / path.relative_to(ROUNDS)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    idee = content / "commons/idee.md"
    idee.write_text(idee.read_text().replace(
        "reasons: Pas encore", "reasons: \"<script>alert(1)</script> **Pas** encore"))  # fmt: skip
    idee.write_text(idee.read_text().replace("non ouverte.\n", 'non ouverte."\n'))
    site = build_site(content, tmp_path / "out")
    for url in ("communs/idee", "releves/2025-07-15"):
        html = read(site, url)
        assert "<strong>Pas</strong> encore" in html and "<script>alert" not in html, url


# --- actors ---------------------------------------------------------------------------


def test_an_actor_page_shows_its_engagement_per_round_and_in_total(site):
    html = read(site, "acteurs/ville")
    table = rows(html, "rounds-caption")
    assert table == [
        ["Édition 2025", "1", euros("3 000,00"), euros("3 000,00"), "0", euros("0,00"), "0"],
        ["Édition 2026-2027 (Ouvert)", "1", "Montant scellé", "Montant scellé", "0",
         "Montant scellé", "0"],
    ]  # fmt: skip
    foot = html.split('id="rounds-caption"', 1)[1].split("<tfoot>", 1)[1].split("</tfoot>")[0]
    assert "Tous les tours" in foot and foot.count("Montant scellé") == 3
    assert 'href="../../tours/2025/engagement/"' in html
    # An actor that pledged in the closed round only: its total is public.
    asso = read(site, "acteurs/asso")
    assert [r[0] for r in rows(asso, "rounds-caption")] == ["Édition 2025"]
    total = asso.split("<tfoot>", 1)[1].split("</tfoot>")[0]
    assert euros("1 000,00") in total and "Montant scellé" not in total


# --- the catalogue ----------------------------------------------------------------------


def test_the_catalogue_offers_the_eligible_filter_and_marks_each_card(site):
    html = read(site, "communs")
    select = html.split('id="filter-eligible"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option value="([^"]*)">', select) == ["", "eligible", "not-eligible"]
    assert ">Éligible<" in select and ">Pas encore éligible<" in select
    cards = {slug: attrs for attrs, slug in re.findall(
        r'<article class="card" data-facets([^>]*)>\s*<h3 class="card__title">'
        r'<a href="[^"]*/communs/([^/]+)/"', html)}  # fmt: skip
    marks = {slug: re.search(r'data-eligible="([^"]*)"', attrs) for slug, attrs in cards.items()}
    # velo and idee take no part in the current round: no checklist, no value to match
    assert {slug: m.group(1) if m else None for slug, m in marks.items()} == {
        "covoit": "eligible", "nouveau": "not-eligible", "velo": "", "idee": ""}  # fmt: skip
    # The declined status has its label in the status filter.
    assert '<option value="declined">Non retenu</option>' in html


def test_the_english_site_names_the_rounds_in_english(english):
    assert "<strong>Final results.</strong> This round closed on June 30, 2025" in read(
        english, "tours/2025"
    )
    nouveau = read(english, "communs/nouveau")
    assert "This proposal is waiting for the review of" in nouveau and "March 15, 2027" in nouveau
    assert "<strong>Working group</strong>, not met: actors in its working group: 1, 2 needed" in (
        nouveau
    )
    assert ">Not eligible yet<" in read(english, "communs")
    assert 'badge--decision-declined">Declined<' in read(english, "communs/idee")


# --- calls of one round, and without rounds ---------------------------------------------


def test_a_call_of_one_round_has_no_earlier_rounds_and_its_record_page(sample_site):
    common = read(sample_site, "communs/registre-trajets-covoiturage")
    for absent in ('id="rounds-title"', 'id="reviews-title"', 'id="eligibility-title"',
                   "ne participe pas au tour en cours", "en attente du relevé"):  # fmt: skip
        assert absent not in common, absent
    funding = read(sample_site, "financement")
    assert "<h1>Financement</h1>" in funding and "Résultats définitifs" not in funding
    # campaign.yml: the funding page holds the record; no page of rounds is written, so
    # that a call of before keeps every page name it had (tours/, releves/...)
    assert "tours/" not in funding and 'id="engagement-caption"' in funding
    assert not (sample_site / "tours").exists()
    for absent in ("eligibilite", "releves"):
        assert not (sample_site / absent).exists(), absent
    assert 'id="filter-eligible"' not in read(sample_site, "communs")
    assert "data-eligible" not in read(sample_site, "communs")
    actor = read(sample_site, "acteurs/metropole-valbrune")
    assert 'id="rounds-title"' not in actor and "Dans le tour en cours" not in actor


def test_a_call_without_rounds_has_no_round_pages(make_content, tmp_path):
    built = build_site(make_content(), tmp_path / "out")
    assert (built / "financement/index.html").is_file()
    assert "badge--round-" not in read(built, "financement")
    for absent in ("tours", "releves", "eligibilite"):
        assert not (built / absent).exists(), absent
    assert 'id="rounds-title"' not in read(built, "communs/covoit")


def test_a_review_without_rounds_gets_its_page_under_the_funding_page(make_content, tmp_path):
    content = make_content()
    write(
        content / "commons/covoit.md",
        """
        ---
        title: Covoiturage ouvert
        summary: Un registre ouvert des trajets.
        challenges: [mobilite]
        stage: accepted
        license: MIT
        proposed_by: [asso]
        reviews:
          - date: 2026-03-01
            decision: accepted
        ---
        Le commun.
        """,
    )
    built = build_site(content, tmp_path / "out")
    html = read(built, "releves/2026-03-01")
    assert 'href="../../financement/">Financement</a>' in html  # no rounds index to go to
    assert rows(html, "decisions-caption")[0][:2] == ["Covoiturage ouvert", "Retenu"]


# --- addresses --------------------------------------------------------------------------


def test_round_addresses_follow_the_settings(tmp_path):
    site = build_site(ROUNDS, tmp_path / "out", CATALOGUE_ROUNDS_URL="editions/",
                      CATALOGUE_ROUND_URL="editions/{slug}/",
                      CATALOGUE_ROUND_ENGAGEMENT_URL="editions/{slug}/bilan/",
                      CATALOGUE_REVIEW_URL="decisions/{slug}/")  # fmt: skip
    assert (site / "editions/index.html").is_file()
    assert (site / "editions/2025/index.html").is_file()
    assert (site / "editions/2026-2027/bilan/index.html").is_file()
    assert (site / "decisions/2025-03-01/index.html").is_file()
    assert not (site / "tours").exists() and not (site / "releves").exists()
    assert 'href="../../decisions/2025-03-01/"' in read(site, "communs/covoit")


def test_a_round_address_needs_its_slug_and_the_review_folder_is_reserved(make_content, tmp_path):
    with pytest.raises(ContentErrors) as info:
        build_site(make_content(), tmp_path / "bad", CATALOGUE_REVIEW_URL="releves/")
    assert "CATALOGUE_REVIEW_URL" in str(info.value) and "{slug}" in str(info.value)
    page = {"pages/releves.md": "---\ntitle: Relevés\nslug: releves\n---\nx\n"}
    build_site(make_content(page), tmp_path / "before")  # no review date: the name is free
    review = {"campaign.yml": "name: Tour\nreviews: [2026-12-15]\n"}
    with pytest.raises(ContentErrors) as info:
        build_site(make_content({**page, **review}), tmp_path / "out")
    assert "'releves' is reserved" in str(info.value)


def test_pledge_tables_name_each_pledges_round(site, sample_site):
    html = read(site, "communs/covoit")
    table = html.split('id="pledges-caption"', 1)[1].split("</table>", 1)[0]
    assert '<th scope="col">Tour</th>' in table
    found = re.findall(r'<tr id="engagement-([^"]+)">(.*?)</tr>', table, re.S)
    rounds = {ident: re.findall(r"<td[^>]*>([^<]*)</td>\s*$", row.strip()) for ident, row in found}
    assert rounds == {"p2025-ville-covoit": ["Édition 2025"],
                      "p2025-asso-covoit": ["Édition 2025"],
                      "p2026-ville-covoit": ["Édition 2026-2027"]}  # fmt: skip
    actor = read(site, "acteurs/ville")
    assert actor.count('<td data-label="Tour">Édition 2025</td>') == 1
    assert '<td data-label="Tour">Édition 2026-2027</td>' in actor
    one = read(sample_site, "communs/registre-trajets-covoiturage")  # campaign.yml: no column
    assert '<th scope="col">Tour</th>' not in one.split('id="pledges-caption"', 1)[1]


def test_the_home_page_links_the_rounds(site, sample_site):
    assert '<a href="./tours/">Les 2 tours de l’appel</a>' in read(site, "")
    assert "tours/" not in read(sample_site, "")  # campaign.yml: one round, no index
