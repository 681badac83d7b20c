"""The built sample site in a real browser (Chromium through Playwright), JavaScript off.

The site must work without JavaScript, so every page here is loaded in a context
with ``java_script_enabled=False``. That only blocks the site's own scripts:
Playwright's ``evaluate`` runs in an isolated world and still works, which is how
the overflow test reads ``scrollWidth``.

Without ``/usr/bin/chromium`` or the ``playwright`` package the module is skipped,
unless ``APPEL_REQUIRE_BROWSER=1`` is set, in which case it fails: CI must not
pass silently on a missing browser.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import pytest
from conftest import no_js_page

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the browser fixture skips or fails first
    expect = None

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator

NARROW = 320
#: Rendered width of the secured segment vs. secured/scale, in percentage points.
BAR_TOLERANCE = 1.5


def aria_number(bar: Locator, name: str) -> float:
    """A numeric ``aria-value*`` attribute of a progress bar."""
    return float(bar.get_attribute(f"aria-value{name}") or "nan")


def test_funding_bar_is_drawn_to_scale(browser: Browser, base_url: str) -> None:
    """Home → Communs (main nav) → a partly funded common: the bar matches its numbers."""
    with no_js_page(browser) as page:
        page.goto(f"{base_url}/")
        nav = page.get_by_role("navigation", name="Navigation principale")
        nav.get_by_role("link", name="Communs", exact=True).click()
        expect(page).to_have_url(f"{base_url}/communs/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Communs")

        partly_funded = [
            card
            for card in page.locator(".card").all()
            if (bar := card.locator(".bar[role=progressbar]")).count()
            and 0 < aria_number(bar, "now") < aria_number(bar, "max")
        ]
        assert partly_funded, "no partly funded common in the catalogue"
        card = partly_funded[0]
        link = card.locator(".card__title a")
        title = link.inner_text().strip()
        target = urljoin(page.url, link.get_attribute("href") or "")
        assert target.startswith(f"{base_url}/communs/") and target != page.url, target
        link.click()
        expect(page).to_have_url(target)
        expect(page.get_by_role("heading", level=1)).to_have_text(title)

        bar = page.locator("main .bar[role=progressbar]")
        expect(bar).to_have_count(1)
        secured, scale = aria_number(bar, "now"), aria_number(bar, "max")
        text = bar.get_attribute("aria-valuetext")
        assert 0 < secured < scale, (secured, scale)
        assert text and "€" in text
        # The accessible value is also plain visible text for everyone.
        expect(page.locator("main .funding__text")).to_have_text(text)
        expect(page.locator("main .funding__text")).to_be_visible()

        outer = bar.bounding_box()
        fill = bar.locator(".bar__secured").bounding_box()
        assert outer and fill, "funding bar is not rendered"
        border = fill["x"] - outer["x"]  # the bar's left border; the right one is the same
        inner = outer["width"] - 2 * border
        assert inner > 100, f"bar is only {inner}px wide"
        drawn = 100 * fill["width"] / inner
        expected = 100 * secured / scale
        assert abs(drawn - expected) <= BAR_TOLERANCE, f"drawn {drawn:.2f} %, data {expected:.2f} %"


def test_skip_link_is_first_and_focuses_main(browser: Browser, base_url: str) -> None:
    """The first Tab reaches the visible skip link; following it puts focus on main."""
    with no_js_page(browser) as page:
        page.goto(f"{base_url}/")
        page.keyboard.press("Tab")
        focused = page.locator(":focus")
        expect(focused).to_have_count(1)
        assert (focused.get_attribute("href") or "").endswith("#contenu")
        box = focused.bounding_box()
        assert box and box["y"] >= 0 and box["height"] > 0, f"skip link off-screen: {box}"

        page.keyboard.press("Enter")
        expect(page).to_have_url(f"{base_url}/#contenu")
        expect(page.locator("main#contenu")).to_be_focused()


PAGES = ["/", "/defis/covoiturage-du-quotidien/", "/communs/registre-trajets-covoiturage/",
         "/acteurs/metropole-valbrune/", "/communs/", "/acteurs/", "/financement/",
         "/contribuer/engagement/", "/besoins/", "/donnees/"]  # fmt: skip


def png_width(image: bytes) -> int:
    """The width of a PNG, from its IHDR chunk."""
    assert image[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(image[16:20], "big")


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("width", [NARROW, 1280])
@pytest.mark.parametrize("path", PAGES)
def test_screenshots_show_no_horizontal_overflow(
    request, browser: Browser, tmp_path, path: str, width: int, language: str
) -> None:
    """A full-page screenshot is exactly as wide as the window: nothing makes the page
    scroll sideways. Screenshots are kept in APPEL_SCREENSHOTS when it is set."""
    base_url = request.getfixturevalue("base_url" if language == "fr" else "english_url")
    with no_js_page(browser, width=width, height=640) as page:
        response = page.goto(f"{base_url}{path}")
        assert response and response.ok
        expect(page.locator("main h1")).to_be_visible()
        image = page.screenshot(full_page=True)
        folder = Path(os.environ.get("APPEL_SCREENSHOTS") or tmp_path)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{language}-{width}-{path.strip('/').replace('/', '-') or 'accueil'}.png"
        (folder / name).write_bytes(image)
        if png_width(image) > width:
            culprits = page.evaluate(
                """(limit) => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > limit + 0.5)
                    .slice(0, 5)
                    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))""",
                width,
            )
            pytest.fail(f"{path}: screenshot {png_width(image)}px > {width}px; widest: {culprits}")


def test_print_stylesheet_hides_navigation_and_shows_link_addresses(
    browser: Browser, base_url: str
) -> None:
    """Printed, a common page keeps its content, drops the navigation, and spells out
    where its external links go."""
    with no_js_page(browser) as page:
        page.goto(urljoin(base_url, "/communs/registre-trajets-covoiturage/"))
        assert page.locator(".site-nav").is_visible()
        page.emulate_media(media="print")
        assert not page.locator(".site-nav").is_visible()
        assert not page.locator(".breadcrumb").is_visible()
        assert page.locator("h1").is_visible() and page.locator(".bar").first.is_visible()
        after = page.locator("a[rel~=external]").first.evaluate(
            "a => getComputedStyle(a, '::after').content"
        )
        assert "http" in after
