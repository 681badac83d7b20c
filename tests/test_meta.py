"""Sitemap, canonical URLs, Open Graph and Twitter metadata."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import yaml
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


def test_atom_feeds_parse_and_hold_the_newest_items(published):
    namespace = {"a": "http://www.w3.org/2005/Atom"}
    pledges = ET.parse(published / "feeds/engagements.atom.xml").getroot()
    entries = pledges.findall("a:entry", namespace)
    assert len(entries) == 50  # the 50 newest of the sample's 55
    days = [e.find("a:published", namespace).text for e in entries]
    assert days == sorted(days, reverse=True)
    first = entries[0].find("a:link", namespace).get("href")
    assert first.startswith(f"{ADDRESS}/communs/") and "#engagement-" in first
    commons = ET.parse(published / "feeds/communs.atom.xml").getroot()
    assert len(commons.findall("a:entry", namespace)) == len(
        list((SAMPLE / "commons").glob("*.md"))
    )
    challenge = ET.parse(published / "feeds/defis/intermodalite.atom.xml").getroot()
    links = {
        e.find("a:link", namespace).get("href") for e in challenge.findall("a:entry", namespace)
    }
    assert f"{ADDRESS}/communs/calculateur-itineraires-intermodal/" in links
    html = (published / "index.html").read_text()
    assert f'href="{ADDRESS}/feeds/engagements.atom.xml"' in html


def test_challenge_feeds_hold_only_their_own_items_at_most_fifty(published):
    namespace = {"a": "http://www.w3.org/2005/Atom"}
    for feed in (published / "feeds/defis").glob("*.atom.xml"):
        challenge = feed.name.removesuffix(".atom.xml")
        own = {
            path.stem
            for path in (SAMPLE / "commons").glob("*.md")
            if challenge in yaml.safe_load(path.read_text().split("---")[1])["challenges"]
        }
        entries = ET.parse(feed).getroot().findall("a:entry", namespace)
        assert 0 < len(entries) <= 50
        for entry in entries:
            href = entry.find("a:link", namespace).get("href")
            assert href.split("/communs/", 1)[1].split("/", 1)[0] in own, (challenge, href)
