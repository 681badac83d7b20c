"""The 404 page a static host serves for any missing address (issue 26), and the size of
every image: each ``<img>`` of the site says its width and height."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import BUILD_DAY, MINIMAL, build_site, nu_errors, write
from lxml import etree, html

from appel_a_communs.site.badges import BADGE_HEIGHT, funding_badge
from appel_a_communs.site.view import load_call

SITEURL = "https://owner.example.org/appel"
"""A site served from a sub-path, as a GitHub Pages project site is."""


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    """The small call, built in French and in English with relative URLs (the default),
    and in French without a SITEURL."""
    root = tmp_path_factory.mktemp("not-found")
    for name, body in MINIMAL.items():
        write(root / "content" / name, body)
    return {
        "fr": build_site(root / "content", root / "fr", SITEURL=SITEURL),
        "en": build_site(root / "content", root / "en", SITEURL=SITEURL, DEFAULT_LANG="en"),
        "bare": build_site(root / "content", root / "bare"),
    }


def read(path: Path) -> html.HtmlElement:
    return html.fromstring(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("lang", "title", "words"),
    [("fr", "Page introuvable", "n’existe pas"), ("en", "Page not found", "does not exist")],
)
def test_the_404_page_speaks_the_site_s_language_and_links_from_the_root(sites, lang, title, words):
    page = read(sites[lang] / "404.html")
    assert page.get("lang") == lang
    assert page.findtext(".//h1").strip() == title
    assert words in page.text_content()
    links = {a.get("href") for a in page.xpath("//main//a")}
    # every link and the stylesheet start from SITEURL, even on a site of relative URLs:
    # the host serves the page at whatever depth the missing address had
    commons, challenges = ("communs/", "defis/")
    assert {f"{SITEURL}/", f"{SITEURL}/{commons}", f"{SITEURL}/{challenges}"} <= links
    hrefs = [e.get("href") or e.get("src") for e in page.xpath("//a | //link | //img | //script")]
    assert all(h.startswith(("https:", "#")) for h in hrefs if h), hrefs
    # not for search engines: noindex, and absent from the sitemap
    assert page.xpath("//meta[@name='robots']/@content") == ["noindex"]
    sitemap = (sites[lang] / "sitemap.xml").read_text(encoding="utf-8")
    assert "404" not in sitemap and f"{SITEURL}/{commons}" in sitemap


def test_without_siteurl_the_404_page_links_from_the_host_s_root(sites):
    page = read(sites["bare"] / "404.html")
    links = {a.get("href") for a in page.xpath("//main//a")}
    assert {"/", "/communs/", "/defis/"} <= links
    assert page.xpath("//link[@rel='stylesheet']/@href") == ["/theme/css/style.css"]


def test_the_404_page_is_valid_html(sites):
    assert nu_errors(sites["fr"] / "404.html", sites["en"] / "404.html") == []


@pytest.mark.parametrize("how", ["template page", "static file"])
def test_a_site_with_its_own_404_page_keeps_it(make_content, tmp_path, how):
    """A template page is written before the catalogue's pages (Pelican's writer then
    keeps it), a static file after: either way, the site's own 404 page is published."""
    content = make_content({"extra/404.html": "<!doctype html><title>Perdu</title>Perdu."})
    if how == "template page":
        settings = {"TEMPLATE_PAGES": {"extra/404.html": "404.html"}}
    else:
        settings = {"STATIC_PATHS": ["extra/404.html"],
                    "EXTRA_PATH_METADATA": {"extra/404.html": {"path": "404.html"}}}  # fmt: skip
    site = build_site(content, tmp_path / "own", **settings)
    assert "Perdu." in (site / "404.html").read_text(encoding="utf-8")


def test_every_image_has_its_width_and_height(sites):
    for lang in ("fr", "en"):
        for path in sites[lang].rglob("*.html"):
            for img in read(path).xpath("//img"):
                width, height = img.get("width"), img.get("height")
                assert width and height, (path, etree.tostring(img))
                assert re.fullmatch(r"[1-9][0-9]*", width) and re.fullmatch(r"[1-9][0-9]*", height)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_badge_s_img_has_the_badge_s_own_size(sites, lang):
    img = read(sites[lang] / "communs/covoit/index.html").xpath("//img")[0]
    badge = etree.fromstring((sites[lang] / "badges/covoit.svg").read_bytes())
    # the SVG says its size; the <img> says the same, its width rounded up to a pixel
    width, height = float(badge.get("width")), int(badge.get("height"))
    assert int(img.get("height")) == height == BADGE_HEIGHT
    assert int(img.get("width")) - 1 < width <= int(img.get("width"))
    view = load_call(sites[lang].parent / "content", BUILD_DAY)
    assert float(funding_badge(view.funding.commons["covoit"], lang).width) == width
