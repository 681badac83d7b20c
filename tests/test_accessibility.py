"""Accessible and light: axe-core finds no WCAG 2.1 A/AA violation; pages stay small and
make no third-party request."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REPO, axe, build_site, nu_errors, serve

PAGES = [
    "",
    "defis/covoiturage-du-quotidien/",
    "communs/registre-trajets-covoiturage/",
    "acteurs/metropole-valbrune/",
    "acteurs/metropole-valbrune/bilan/",
    "acteurs/agence-transition-mobilites/",
    "communs/",
    "financement/",
    "contribuer/engagement/",
    "contribuer/rapport/",
    "financement/rapport/",
    "besoins/",
    "donnees/",
    "404.html",
]
ROUNDS = REPO / "tests" / "calls" / "rounds"
ROUND_PAGES = [
    "financement/",
    "tours/",
    "tours/2025/",
    "tours/2025/engagement/",
    "releves/2025-03-01/",
    "releves/2027-03-15/",
    "eligibilite/",
    "communs/",
    "communs/covoit/",
    "communs/nouveau/",
    "communs/idee/",
    "acteurs/ville/",
]
"""The pages of a call of two rounds (tests/calls/rounds): what the sample call has no
instance of (a closed round, review dates, decisions, eligibility checklists)."""


@pytest.fixture(scope="module")
def rounds_sites(tmp_path_factory) -> dict[str, Path]:
    return {
        language: build_site(ROUNDS, tmp_path_factory.mktemp(f"rounds-{language}") / "output",
                             DEFAULT_LANG=language)
        for language in ("fr", "en")
    }  # fmt: skip


@pytest.fixture(scope="module")
def rounds_urls(rounds_sites):
    with serve(rounds_sites["fr"]) as french, serve(rounds_sites["en"]) as english:
        yield {"fr": french, "en": english}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("url", PAGES)
def test_axe_finds_no_violation(request, browser, axe_source, url, language):
    base_url = request.getfixturevalue("base_url" if language == "fr" else "english_url")
    result = axe(browser, axe_source, f"{base_url}/{url}")
    violations = [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]
    assert violations == []
    assert result["passes"]  # axe really ran


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("url", ROUND_PAGES)
def test_axe_finds_no_violation_on_the_pages_of_rounds(
    browser, axe_source, rounds_urls, url, language
):
    result = axe(browser, axe_source, f"{rounds_urls[language]}/{url}")
    violations = [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]
    assert violations == []
    assert result["passes"]


def test_no_page_over_100_kb_and_one_stylesheet(sample_site, english_site):
    pages = [*sample_site.rglob("*.html"), *english_site.rglob("*.html")]
    assert len(pages) > 80
    # Widgets (widgets/<slug>.html, for an <iframe>) hold their style inline, with no stylesheet.
    pages = [p for p in pages if p.parent.name != "widgets"]
    for page in pages:
        assert page.stat().st_size < 100_000, page
        html = page.read_text(encoding="utf-8")
        assert html.count('rel="stylesheet"') == 1, page
    assert len(list((sample_site / "theme" / "css").glob("*.css"))) == 1


def test_no_third_party_request(sample_site):
    """Links may lead anywhere; nothing the browser loads by itself comes from elsewhere."""
    loads = re.compile(r"<(?:script|img|iframe|link|source|video|audio)\b[^>]*?\s(?:src|href)="
                       r"\"(https?:)?//", re.I)  # fmt: skip
    for page in sample_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        offending = [
            m.group(0)
            for m in loads.finditer(html)
            if 'rel="alternate"' not in m.group(0) and 'rel="canonical"' not in m.group(0)
        ]
        assert offending == [], page
    css = (sample_site / "theme/css/style.css").read_text()
    assert "@import" not in css and "url(http" not in css


def test_every_page_is_valid_html(sample_site, english_site, rounds_sites):
    """The Nu Html Checker (vnu-jar from the npm registry, run with Java) finds no error,
    in either language, in the sample call and in a call of two rounds."""
    errors = nu_errors(sample_site, english_site, *rounds_sites.values(), skip_non_html=True)
    assert not errors, "\n".join(errors[:30])
