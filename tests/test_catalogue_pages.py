"""The catalogue's browsing pages (``site.pages.catalogue``): what each context decides,
and the home page, which the catalogue writes in place of Pelican's ``index`` template."""

from __future__ import annotations

from conftest import BUILD_DAY, REPO, build_site
from pelican import Pelican
from pelican.settings import read_settings

from appel_a_communs.site.pages.catalogue import (
    Manifests,
    actors_page,
    challenge_page,
    commons_page,
    index_page,
    open_data_page,
)
from appel_a_communs.site.view import load_call

CALLS = REPO / "tests" / "calls"
NO_MANIFESTS = Manifests({}, ("", ""), at_root=False)


def test_the_home_page_of_a_call_of_one_campaign():
    view = load_call(CALLS / "compat-2026", BUILD_DAY)
    page = index_page(view)
    assert page.campaign_name == "Campagne 2026"
    assert (page.opens, page.closes) == (view.campaign.opens, view.campaign.closes)
    assert page.round_count == 0  # one campaign: no rounds' page to link to
    assert page.totals is view.funding.totals
    assert [c.answers for c in page.open_challenges] == [
        len(view.commons_by_challenge.get(c.challenge.slug, [])) for c in page.open_challenges
    ]
    assert [c.common for c in page.closest] == view.closest_to_goal
    assert all(c.facets is None for c in page.closest)
    assert page.variables()["nav_current"] == "home"


def test_the_home_page_of_a_call_of_several_rounds_counts_them():
    view = load_call(CALLS / "rounds", BUILD_DAY)
    assert index_page(view).round_count == len(view.rounds) > 1


def test_a_round_without_name_or_dates_leaves_the_title_and_dates_to_the_site(make_content):
    content = make_content({"campaign.yml": "currency: EUR\nopens: 2026-09-01\n"})
    page = index_page(load_call(content, BUILD_DAY))
    assert (page.campaign_name, page.opens, page.closes) == (None, None, None)


def test_the_commons_page_groups_cards_with_their_filter_values():
    view = load_call(CALLS / "rounds", BUILD_DAY)
    page = commons_page(view)
    assert page.count == len(view.commons)
    cards = [card for group in page.groups for card in group.cards]
    assert {c.common.slug for c in cards} <= set(view.commons_by_slug)
    assert all(c.facets == view.facets[c.common.slug] for c in cards)
    assert all(c.funding is view.funding.commons[c.common.slug] for c in cards)


def test_a_challenge_and_the_actors_show_counts_decided_by_the_view():
    view = load_call(CALLS / "rounds", BUILD_DAY)
    challenge = view.challenges[0]
    cards = challenge_page(view, challenge).commons
    assert [c.common for c in cards] == view.commons_by_challenge.get(challenge.slug, [])
    page = actors_page(view)
    assert page.count == len(view.actors)
    assert {card.actor.slug: card.supported for _, cards in page.kinds for card in cards} == {
        slug: len(found) for slug, found in view.supported_commons.items()
    }


def test_the_open_data_page_names_each_round_s_workbook():
    rounds = load_call(CALLS / "rounds", BUILD_DAY)
    page = open_data_page(rounds, ["pledge.json"], NO_MANIFESTS)
    assert page.workbook_files == [
        (f"statements/{r.slug}.ods", f"{r.slug}.ods") for r in rounds.rounds
    ]
    assert page.several_rounds and page.manifest_example is None
    campaign = open_data_page(load_call(CALLS / "compat-2026", BUILD_DAY), [], NO_MANIFESTS)
    assert campaign.workbook_files == [("statements/campaign.ods", "campaign.ods")]
    assert not campaign.several_rounds
    published = Manifests({"a": "communs/a/funding.json", "b": "x"}, ("communs/", "/f"), True)
    page = open_data_page(rounds, [], published)
    assert page.manifest_example == "communs/a/funding.json"
    assert page.manifest_pattern == ("communs/", "/f") and page.manifests_at_root


def test_a_call_without_rounds_has_one_statement(make_content):
    page = open_data_page(load_call(make_content(), BUILD_DAY), [], NO_MANIFESTS)
    assert page.workbook_files == [("statements/call.ods", "call.ods")]


def test_the_catalogue_writes_the_home_page_once_and_again_on_a_rebuild(make_content, tmp_path):
    """With one process Pelican's writer refuses to write a file twice: Pelican's own
    ``index`` template is left out. Pelican's autoreload runs the same instance again."""
    content = make_content()
    out = tmp_path / "out"
    settings = read_settings(
        str(REPO / "pelicanconf.py"),
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(out),
            "CACHE_PATH": str(tmp_path / "cache"),
            "CATALOGUE_TODAY": BUILD_DAY,
            "CATALOGUE_PROCESSES": 1,
        },
    )
    pelican = Pelican(settings)
    pelican.run()
    home = (out / "index.html").read_text("utf-8")
    # no campaign: the site's name is the title
    assert '<h1 id="hero-title">Communs des mobilités du quotidien</h1>' in home
    (out / "index.html").unlink()
    pelican.run()
    assert (out / "index.html").read_text("utf-8") == home


def test_a_site_without_pelican_s_index_template_has_no_home_page(make_content, tmp_path):
    site = build_site(make_content(), tmp_path / "out", DIRECT_TEMPLATES=[])
    assert (site / "communs" / "index.html").exists()
    assert not (site / "index.html").exists()
