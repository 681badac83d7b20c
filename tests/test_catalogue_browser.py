"""The commons catalogue: complete without JavaScript; filters, search, shareable URLs."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import yaml
from conftest import SAMPLE, no_js_page


def visible_slugs(page) -> set[str]:
    cards = page.locator("[data-facets]:visible h3 a")
    return {href.rstrip("/").rsplit("/", 1)[-1] for href in cards.evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")}  # fmt: skip


ALL = {p.stem for p in (SAMPLE / "commons").glob("*.md")}


def test_without_javascript_the_catalogue_lists_everything_by_challenge(browser, base_url):
    with no_js_page(browser) as page:
        page.goto(f"{base_url}/communs/")
        assert visible_slugs(page) == ALL
        assert page.locator("form.filters").is_hidden()
        assert page.locator("section[data-group] h2").count() >= 4


def test_search_and_filters_change_the_list_and_the_url(browser, base_url):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{base_url}/communs/")
        page.fill("#filter-q", "covoiturage")
        shown = visible_slugs(page)
        assert shown and shown < ALL
        searched = page.locator("[data-facets]").evaluate_all(
            "cards => cards.map(c => [c.hidden, c.getAttribute('data-search')])"
        )
        assert all(("covoiturage" in text) != hidden for hidden, text in searched)
        assert parse_qs(urlsplit(page.url).query) == {"q": ["covoiturage"]}
        assert page.locator("#filter-count").inner_text().endswith(f"sur {len(ALL)}")
        page.fill("#filter-q", "")
        page.select_option("#filter-status", "minimum-reached")
        assert parse_qs(urlsplit(page.url).query) == {"status": ["minimum-reached"]}
        minimum_reached = visible_slugs(page)
        assert minimum_reached == {"validateur-gtfs"}
        page.select_option("#filter-status", "")
        page.select_option("#filter-type", "data")
        expected = {
            p.stem
            for p in (SAMPLE / "commons").glob("*.md")
            if "data" in (yaml.safe_load(p.read_text().split("---")[1]).get("resource_types") or [])
        }
        assert visible_slugs(page) == expected
    finally:
        context.close()


def test_a_shared_url_restores_the_filters(browser, base_url):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{base_url}/communs/?status=open&need=funding")
        assert page.locator("#filter-status").input_value() == "open"
        assert page.locator("#filter-need").input_value() == "funding"
        shown = visible_slugs(page)
        assert shown and shown < ALL
        for slug in shown:
            card = page.locator(f"[data-facets]:has(a[href$='/{slug}/'])").first
            assert card.get_attribute("data-status") == "open"
            assert "funding" in card.get_attribute("data-need").split()
    finally:
        context.close()


def test_open_needs_board_lists_every_need_of_live_commons(sample_site):
    html = (sample_site / "besoins/index.html").read_text()
    count = 0
    for path in (SAMPLE / "commons").glob("*.md"):
        front = yaml.safe_load(path.read_text().split("---")[1])
        if front.get("stage") != "archived":
            needs = front.get("needs") or []
            count += len(needs)
            if needs:
                assert f'href="../communs/{path.stem}/"' in html
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert main.count("<li><a href=") == count


def test_the_count_of_shown_commons_speaks_the_page_language(browser, base_url, english_url):
    """The script holds no words: it takes the count's plural forms from the page."""
    expected = {
        base_url: ("1 commun affiché sur", "communs affichés sur"),
        english_url: ("1 common shown out of", "commons shown out of"),
    }
    context = browser.new_context()
    try:
        page = context.new_page()
        for url, (one, many) in expected.items():
            page.goto(f"{url}/communs/?status=minimum-reached")
            assert page.locator("#filter-count").inner_text() == f"{one} {len(ALL)}"
            page.select_option("#filter-status", "")
            assert page.locator("#filter-count").inner_text() == f"{len(ALL)} {many} {len(ALL)}"
    finally:
        context.close()
