"""Sitemap, canonical URLs, Open Graph and Twitter metadata."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from conftest import SAMPLE, build_site

ADDRESS = "https://appel.example"


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    return build_site(SAMPLE, tmp_path_factory.mktemp("published") / "output",
                      SITEURL=ADDRESS, RELATIVE_URLS=False)  # fmt: skip


def test_sitemap_lists_every_html_page(published):
    root = ET.parse(published / "sitemap.xml").getroot()
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = {loc.text for loc in root.findall("s:url/s:loc", namespace)}
    pages = {
        f"{ADDRESS}/{p.parent.relative_to(published).as_posix()}/".replace("/./", "/")
        for p in published.rglob("index.html")
    }
    assert locations == pages
    assert f"{ADDRESS}/communs/validateur-gtfs/" in locations


@pytest.mark.parametrize("url", ["", "communs/validateur-gtfs/", "defis/intermodalite/",
                                 "acteurs/cargonaute/", "financement/", "a-propos/",
                                 "contribuer/engagement/"])  # fmt: skip
def test_pages_have_canonical_and_sharing_metadata(published, url):
    html = (published / url / "index.html").read_text()
    assert f'<link rel="canonical" href="{ADDRESS}/{url}">' in html
    assert f'<meta property="og:url" content="{ADDRESS}/{url}">' in html
    title = re.search(r'<meta property="og:title" content="([^"]+)">', html).group(1)
    assert title == re.search(r"<title>([^<]+)</title>", html).group(1)
    description = re.search(r'<meta property="og:description" content="([^"]*)">', html).group(1)
    assert description.strip()
    assert '<meta name="twitter:card" content="summary">' in html


def test_no_canonical_without_a_site_address(sample_site):
    assert 'rel="canonical"' not in (sample_site / "index.html").read_text()
