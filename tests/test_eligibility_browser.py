"""The catalogue's eligibility filter, in Chromium: it keeps the commons that meet the
current round's criteria, or those that do not yet; without JavaScript every common is
listed. The call is ``tests/calls/rounds``: of its four commons, covoit and nouveau take
part in the current round, whose criteria covoit meets and nouveau does not (its working
group is one actor, two are needed); velo and idee took part in 2025 only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import REPO, build_site, no_js_page, serve

ROUNDS = REPO / "tests" / "calls" / "rounds"
ALL = {p.stem for p in (ROUNDS / "commons").glob("*.md")}


@pytest.fixture(scope="module")
def rounds_url(tmp_path_factory) -> Iterator[str]:
    site: Path = build_site(ROUNDS, tmp_path_factory.mktemp("rounds") / "output")
    with serve(site) as url:
        yield url


def visible_slugs(page) -> set[str]:
    cards = page.locator("[data-facets]:visible h3 a")
    return {href.rstrip("/").rsplit("/", 1)[-1] for href in cards.evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")}  # fmt: skip


def test_the_eligible_filter_keeps_the_commons_that_meet_the_criteria(browser, rounds_url):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{rounds_url}/communs/")
        assert page.locator("#filter-eligible").is_visible()
        assert visible_slugs(page) == ALL
        page.select_option("#filter-eligible", "eligible")
        assert visible_slugs(page) == {"covoit"}
        assert parse_qs(urlsplit(page.url).query) == {"eligible": ["eligible"]}
        assert page.locator("#filter-count").inner_text() == f"1 commun affiché sur {len(ALL)}"
        page.select_option("#filter-eligible", "not-eligible")
        assert visible_slugs(page) == {"nouveau"}
        assert parse_qs(urlsplit(page.url).query) == {"eligible": ["not-eligible"]}
        # With another filter: the proposals that do not meet a criterion yet.
        page.select_option("#filter-status", "proposed")
        assert visible_slugs(page) == {"nouveau"}
        page.select_option("#filter-eligible", "eligible")
        assert visible_slugs(page) == set()
        page.select_option("#filter-status", "")
        page.select_option("#filter-eligible", "")
        assert visible_slugs(page) == ALL
    finally:
        context.close()


def test_a_shared_url_restores_the_eligible_filter(browser, rounds_url):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{rounds_url}/communs/?eligible=not-eligible")
        assert page.locator("#filter-eligible").input_value() == "not-eligible"
        assert visible_slugs(page) == {"nouveau"}
        card = page.locator("[data-facets]:has(a[href$='/nouveau/'])").first
        assert card.get_attribute("data-eligible") == "not-eligible"
    finally:
        context.close()


def test_without_javascript_every_common_is_listed(browser, rounds_url):
    with no_js_page(browser) as page:
        page.goto(f"{rounds_url}/communs/?eligible=eligible")
        assert visible_slugs(page) == ALL
        assert page.locator("form.filters").is_hidden()
