"""``robots.txt``: written by the build beside the sitemap, naming it by its absolute URL
when the site has one; a site's own robots.txt is kept, never overwritten."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from conftest import build_site

GITHUB_PAGES = "https://owner.github.io/repo"


def records(text: str) -> list[tuple[str, str]]:
    """The robots.txt lines as (field, value), comments and blank lines left out
    (RFC 9309, section 2.2); every other line must be a ``field: value`` record."""
    lines = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    pairs = []
    for line in filter(None, lines):
        field, colon, value = line.partition(":")
        assert colon, f"not a robots.txt record: {line!r}"
        pairs.append((field.strip().lower(), value.strip()))
    return pairs


def test_a_published_site_names_its_sitemap_by_its_absolute_url(make_content, tmp_path):
    site = build_site(make_content(), tmp_path / "out", SITEURL=GITHUB_PAGES,
                      RELATIVE_URLS=False)  # fmt: skip
    text = (site / "robots.txt").read_text(encoding="utf-8")
    assert records(text) == [
        ("user-agent", "*"),
        ("disallow", ""),
        ("sitemap", f"{GITHUB_PAGES}/sitemap.xml"),
    ]
    # The file it names is the sitemap, which lists the site under the same address.
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.parse(site / "sitemap.xml").getroot()
    assert f"{GITHUB_PAGES}/" in {loc.text for loc in root.findall("s:url/s:loc", namespace)}


@pytest.mark.parametrize("siteurl", ["", "/repo", "//owner.github.io/repo"])
def test_without_an_absolute_siteurl_the_sitemap_is_not_named(make_content, tmp_path, siteurl):
    """The protocol wants an absolute URL; a relative one would be read from the host's
    root, so the line is left out rather than written wrong."""
    site = build_site(make_content(), tmp_path / "out", SITEURL=siteurl)
    text = (site / "robots.txt").read_text(encoding="utf-8")
    assert records(text) == [("user-agent", "*"), ("disallow", "")]
    assert (site / "sitemap.xml").is_file()


def test_the_site_name_stays_a_comment(make_content, tmp_path):
    site = build_site(make_content(), tmp_path / "out", SITENAME="Appel\nSitemap: https://x")
    text = (site / "robots.txt").read_text(encoding="utf-8")
    assert text.startswith("# Appel Sitemap: https://x\n")
    assert records(text) == [("user-agent", "*"), ("disallow", "")]


OWN = "User-agent: *\nDisallow: /brouillons/\n"


def test_a_static_robots_txt_of_the_site_is_kept(make_content, tmp_path):
    """Pelican's way for an extra file at the site's root: STATIC_PATHS and
    EXTRA_PATH_METADATA. It is copied after the catalogue is written; even when Pelican
    copies only files newer than the output (STATIC_CHECK_IF_MODIFIED), it is the one kept."""
    content = make_content({"extra/robots.txt": OWN})
    site = build_site(
        content,
        tmp_path / "out",
        SITEURL=GITHUB_PAGES,
        STATIC_PATHS=["images", "extra/robots.txt"],
        EXTRA_PATH_METADATA={"extra/robots.txt": {"path": "robots.txt"}},
        STATIC_CHECK_IF_MODIFIED=True,
    )
    assert (site / "robots.txt").read_text(encoding="utf-8") == OWN
    # Rebuilt over the same output, the site's file is still the one there.
    build_site(
        content,
        site,
        SITEURL=GITHUB_PAGES,
        STATIC_PATHS=["images", "extra/robots.txt"],
        EXTRA_PATH_METADATA={"extra/robots.txt": {"path": "robots.txt"}},
        STATIC_CHECK_IF_MODIFIED=True,
    )
    assert (site / "robots.txt").read_text(encoding="utf-8") == OWN


def test_a_template_page_robots_txt_of_the_site_is_kept(make_content, tmp_path):
    content = make_content({"robots.txt": "User-agent: *\nDisallow: /{{ 'brouillons' }}/\n"})
    site = build_site(content, tmp_path / "out", TEMPLATE_PAGES={"robots.txt": "robots.txt"})
    assert (site / "robots.txt").read_text(encoding="utf-8") == OWN.rstrip("\n")  # Jinja's
