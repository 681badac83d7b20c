"""Follow a common (its Atom feed) and embed it (its widget), issue 16.

Built from tests/calls/followup (round 2025 closed, round 2026 open and sealed: the 2026
pledges of ville, 3 000 € to covoit, and of region, 8 000 € to carto, are secret) and
from the sample call (tests/calls/mobilites), in French and in English.
"""

from __future__ import annotations

import posixpath
import re
import shutil
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from conftest import FOLLOWUP, REPO, SAMPLE, axe, build_site, no_js_page, nu_errors, serve, write

SITE = "https://communs.example.org/appel"
URN = "urn:appel-a-communs:"
WIDGET_LIMIT = 10_240
SEPARATOR = "[\u202f\u00a0 .,]?"


def amount(whole: int) -> re.Pattern[str]:
    """An amount of ``whole`` euros as any locale writes it: 3000, 3 000, 3,000, 3.000."""
    text = str(whole)
    groups = []
    while len(text) > 3:
        text, groups = text[:-3], [text[-3:], *groups]
    return re.compile(rf"(?<![0-9]){text}{''.join(SEPARATOR + g for g in groups)}(?![0-9])")


@pytest.fixture(scope="module")
def published_site(tmp_path_factory) -> Path:
    """The follow-up call, built as publishconf.py builds it (an absolute SITEURL)."""
    output = tmp_path_factory.mktemp("published") / "output"
    return build_site(FOLLOWUP, output, SITEURL=SITE, RELATIVE_URLS=False)


def feed(site: Path, slug: str):
    parsed = feedparser.parse((site / "feeds" / "communs" / f"{slug}.atom.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def entries_by_id(parsed) -> dict[str, object]:
    found = {entry.id.removeprefix(URN): entry for entry in parsed.entries}
    assert len(found) == len(parsed.entries)  # ids are unique
    return found


# --- the feed --------------------------------------------------------------------------


def test_a_common_feed_holds_its_pledges_reviews_reports_and_deliverables(followup_site):
    parsed = feed(followup_site, "covoit")
    assert parsed.feed.title.startswith("Covoiturage ouvert · ")
    assert parsed.feed.language == "fr"
    entries = entries_by_id(parsed)
    assert set(entries) == {
        "proposed:covoit",
        "pledge:p2025-ville-covoit",
        "pledge:p2025-region-covoit",
        "pledge:p2025-coop-covoit",
        "pledge:p2025-asso-covoit",
        "pledge:p2026-ville-covoit",
        "review:covoit:2025-02-01",
        "report:covoit-2025-intermediaire",
        "report:covoit-2025-final",
        "deliverable:covoit:2025-04-20:Application%20v1",
    }
    # Newest first, each on its own day.
    days = [date(*entry.updated_parsed[:3]) for entry in parsed.entries]
    assert days == sorted(days, reverse=True)
    assert parsed.entries[0].id == f"{URN}pledge:p2026-ville-covoit"
    day = {key: date(*entry.updated_parsed[:3]) for key, entry in entries.items()}
    assert day["review:covoit:2025-02-01"] == date(2025, 2, 1)
    assert day["proposed:covoit"] == date(2025, 2, 1)  # its review came before any pledge
    assert day["report:covoit-2025-intermediaire"] == date(2025, 6, 15)
    assert day["report:covoit-2025-final"] == date(2025, 9, 30)
    assert day["deliverable:covoit:2025-04-20:Application%20v1"] == date(2025, 4, 20)

    review = entries["review:covoit:2025-02-01"]
    assert "Retenu" in review.title and "1 février 2025" in review.title
    assert "Un besoin partagé par trois communes." in review.summary
    intermediate = entries["report:covoit-2025-intermediaire"]
    assert "Bilan intermédiaire" in intermediate.title
    assert "<strong>publiée</strong>" in intermediate.summary  # its body, as sanitised HTML
    assert amount(8000).search(intermediate.summary)  # 7 000 + 1 000 spent in 2025
    assert re.search(r"3" + SEPARATOR + r"500,50", entries["report:covoit-2025-final"].summary)
    deliverable = entries["deliverable:covoit:2025-04-20:Application%20v1"]
    assert "Application v1" in deliverable.title
    assert "20 avril 2025" in deliverable.summary
    assert 'href="https://example.org/covoit/v1"' in deliverable.summary
    # The 2025 round is closed and was never sealed: its pledges show their amounts.
    assert amount(6000).search(entries["pledge:p2025-ville-covoit"].summary)


def test_each_entry_leads_to_a_page_and_an_anchor_that_exist(followup_site):
    for slug in ("covoit", "carto"):
        for entry in feed(followup_site, slug).entries:
            path, _, anchor = entry.link.partition("#")
            page = followup_site / path.lstrip("/") / "index.html"
            assert page.is_file(), entry.link
            if anchor:
                assert f'id="{anchor}"' in page.read_text(encoding="utf-8"), entry.link
    reports = [e.link for e in feed(followup_site, "covoit").entries if "report:" in e.id]
    assert sorted(reports) == [
        "/rapports/covoit-2025-final/",
        "/rapports/covoit-2025-intermediaire/",
    ]


def test_no_amount_of_the_sealed_round_is_in_the_feeds(followup_site):
    covoit = entries_by_id(feed(followup_site, "covoit"))
    carto = entries_by_id(feed(followup_site, "carto"))
    for entry, secret in ((covoit["pledge:p2026-ville-covoit"], 3000),
                          (carto["pledge:p2026-region-carto"], 8000)):  # fmt: skip
        assert entry.summary == "Montant scellé"
        assert not amount(secret).search(entry.title + entry.summary)
    # Nothing in carto's feed gives its one pledge's amount, in any form.
    text = (followup_site / "feeds/communs/carto.atom.xml").read_text(encoding="utf-8")
    assert not amount(8000).search(text) and "8000" not in text
    assert set(carto) == {"proposed:carto", "pledge:p2026-region-carto"}  # done, no done_on


def test_a_report_on_the_sealed_round_gives_its_spending_and_no_pledges_amount(tmp_path):
    """What a report spent is the common's figure, public as on its page; a pledge's note
    never goes to a feed, nor its amount while sealed."""
    content = tmp_path / "content"
    shutil.copytree(FOLLOWUP, content)
    write(
        content / "reports/covoit-2026-maintenance.md",
        '---\ncommon: covoit\ndate: 2026-06-01\nround: "2026"\ntitle: Maintenance 2026\n'
        'spent:\n  - label: Maintenance\n    amount: "1234.50"\n---\nLes serveurs tournent.\n',
    )
    pledge = content / "pledges/p2026-ville-covoit.yml"
    pledge.write_text(pledge.read_text() + "note: Virement de 3 000 € reçu le 2 mars.\n")
    site = build_site(content, tmp_path / "out")
    entries = entries_by_id(feed(site, "covoit"))
    report = entries["report:covoit-2026-maintenance"]
    assert "Les serveurs tournent." in report.summary
    text = (site / "feeds/communs/covoit.atom.xml").read_text(encoding="utf-8")
    assert amount(1234).search(report.summary)  # 1 234,50 €, the report's spending
    assert "Virement" not in text and not re.search(r"3" + SEPARATOR + "000", text)
    # The closed round's reports still say what they spent.
    assert amount(8000).search(entries["report:covoit-2025-intermediaire"].summary)


ATOM = {"a": "http://www.w3.org/2005/Atom"}


def test_the_feeds_are_what_feedgenerator_writes(followup_site, sample_site, published_site):
    """Our Atom writer (``site.atom``) writes, byte for byte, what feedgenerator's Atom1Feed
    writes from the same feed: every feed of three sites, read back and written again."""
    import io
    import xml.etree.ElementTree as ET
    from datetime import datetime

    from feedgenerator import Atom1Feed

    compared = 0
    for site in (followup_site, sample_site, published_site):
        for path in sorted((site / "feeds").rglob("*.atom.xml")):
            root = ET.parse(path).getroot()
            entries = root.findall("a:entry", ATOM)
            if not entries:
                continue  # dated with the build day, where feedgenerator takes the clock
            feed = Atom1Feed(
                title=root.findtext("a:title", namespaces=ATOM),
                link=root.find("a:link[@rel='alternate']", ATOM).get("href"),
                feed_url=root.find("a:link[@rel='self']", ATOM).get("href"),
                description=root.findtext("a:subtitle", namespaces=ATOM),
                language=root.get("{http://www.w3.org/XML/1998/namespace}lang"),
            )
            for entry in entries:
                feed.add_item(
                    title=entry.findtext("a:title", namespaces=ATOM),
                    link=entry.find("a:link", ATOM).get("href"),
                    description=entry.findtext("a:summary", namespaces=ATOM),
                    pubdate=datetime.fromisoformat(entry.findtext("a:published", namespaces=ATOM)),
                    unique_id=entry.findtext("a:id", namespaces=ATOM),
                )
            written = io.StringIO()
            feed.write(written, "utf-8")
            assert written.getvalue() == path.read_text(encoding="utf-8"), path
            compared += 1
    assert compared >= 30  # 5 + 22 + 5 feeds with entries


def test_a_feed_without_entries_is_dated_with_the_build_day(make_content, tmp_path):
    site = build_site(make_content({"pledges/p1.yml": None, "pledges/p2.yml": None}),
                      tmp_path / "out")  # fmt: skip
    text = (site / "feeds/communs/covoit.atom.xml").read_text(encoding="utf-8")
    assert "<entry>" not in text and "<updated>2026-11-26T00:00:00+00:00</updated>" in text


def test_the_common_page_links_its_feed(followup_site):
    html = (followup_site / "communs/covoit/index.html").read_text(encoding="utf-8")
    head = html.split("</head>", 1)[0]
    alternate = re.search(
        r'<link rel="alternate" type="application/atom\+xml" '
        r'title="[^"]*Covoiturage ouvert[^"]*" href="([^"]+)">',
        head,
    )
    assert alternate and alternate.group(1) == "../../feeds/communs/covoit.atom.xml"
    body = html.split("</head>", 1)[1]
    link = re.search(r'<a href="([^"]+\.atom\.xml)"[^>]*>([^<]+)</a>', body)
    assert link and link.group(1) == alternate.group(1) and link.group(2).strip()
    target = posixpath.normpath(posixpath.join("communs/covoit", link.group(1)))
    assert (followup_site / target).is_file()


class _FeedLinks(HTMLParser):
    """The Atom feeds a page links to: its ``<link rel="alternate">`` and its visible links."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("link", "a") and (found.get("href") or "").endswith(".atom.xml"):
            assert tag == "a" or found.get("type") == "application/atom+xml"
            self.hrefs.append(found["href"] or "")


@pytest.fixture(scope="module")
def scaffolded_english_site(tmp_path_factory) -> Path:
    """The sample call built as ``appel-a-communs new --lang en`` sets a site: the English
    interface and the English addresses (``commons/``, ``challenges/``…)."""
    from appel_a_communs.scaffold import ENGLISH_URLS

    output = tmp_path_factory.mktemp("scaffolded-english") / "output"
    urls = {f"CATALOGUE_{kind}_URL": url for kind, url in ENGLISH_URLS.items()}
    return build_site(SAMPLE, output, DEFAULT_LANG="en", **urls)


@pytest.mark.parametrize("which", ["english_site", "scaffolded_english_site"])
def test_an_english_site_links_and_writes_its_feeds_at_english_paths(request, which):
    """Every feed a page links to is a file of the site, named in English (issue 25: the
    templates linked ``communs/<slug>.atom.xml`` whatever the language); the feeds written
    are the same English ones (a challenge's feed is written, not linked)."""
    site = request.getfixturevalue(which)
    linked = set()
    for page in site.rglob("*.html"):
        parser = _FeedLinks()
        parser.feed(page.read_text(encoding="utf-8"))
        here = posixpath.dirname(page.relative_to(site).as_posix())
        # the 404 page links from the root (served at any depth: issue 26)
        linked |= {
            posixpath.normpath(href[1:] if href.startswith("/") else posixpath.join(here, href))
            for href in parser.hrefs
        }
    written = {path.relative_to(site).as_posix() for path in site.rglob("*.atom.xml")}
    assert linked and not linked - written  # every link leads to a feed of the site
    pages = "communs" if which == "english_site" else "commons"  # the site's common pages
    commons = {path.parent.name for path in (site / pages).glob("*/index.html")}
    expected = {"feeds/commons.atom.xml", "feeds/pledges.atom.xml"}
    expected |= {f"feeds/commons/{slug}.atom.xml" for slug in commons}
    assert len(commons) > 5 and linked == expected
    challenges = written - linked
    assert challenges and all(re.fullmatch(r"feeds/challenges/[^/]+\.atom\.xml", path)
                              for path in challenges)  # fmt: skip


def test_no_template_writes_a_feed_path():
    """A feed's address comes from ``SiteUrls.feed_url`` (the template global ``feed_url``),
    where the writer takes it too: a path in a template would part from the file."""
    templates = REPO / "theme" / "templates"
    assert [path.name for path in templates.rglob("*") if path.is_file()
            and ".atom.xml" in path.read_text(encoding="utf-8")] == []  # fmt: skip


def test_a_published_feed_and_widget_give_absolute_addresses(published_site):
    parsed = feed(published_site, "covoit")
    assert parsed.feed.link == f"{SITE}/communs/covoit/"
    assert all(entry.link.startswith(f"{SITE}/") for entry in parsed.entries)
    links = Document.of(published_site / "widgets/covoit.html").links
    assert links == [(f"{SITE}/communs/covoit/", "_top")]
    html = (published_site / "communs/covoit/index.html").read_text(encoding="utf-8")
    code = f"&lt;iframe src=&#34;{SITE}/widgets/covoit.html&#34; title=&#34;"
    assert code in html and "&lt;/iframe&gt;</code></pre>" in html
    assert "<iframe" not in html  # the code is shown, never loaded


# --- the widget ------------------------------------------------------------------------


class Document(HTMLParser):
    """A widget's tags and attributes: what it links to, what it would load."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[tuple[str, str | None]] = []
        self.loads: list[str] = []
        self.attrs: dict[str, dict[str, str | None]] = {}
        self.styles: list[str] = []
        self._in_style = False

    @classmethod
    def of(cls, path: Path) -> Document:
        parser = cls()
        parser.feed(path.read_text(encoding="utf-8"))
        return parser

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        self.tags.append(tag)
        self.attrs.setdefault(tag, values)
        if tag == "a":
            self.links.append((values.get("href") or "", values.get("target")))
        elif values.get("href") or values.get("src") or values.get("srcset"):
            self.loads.append(f"<{tag}>")
        if any(name.startswith("on") for name in values):
            self.loads.append(f"<{tag}> handler")
        if values.get("style"):
            self.styles.append(values["style"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def widgets_of(site: Path, content: Path) -> dict[str, Path]:
    found = {p.stem: p for p in (site / "widgets").glob("*.html")}
    assert set(found) == {p.stem for p in (content / "commons").glob("*.md")}
    return found


@pytest.mark.parametrize("which", ["followup", "sample", "english"])
def test_every_widget_is_a_small_standalone_document(request, which):
    site, content, lang = {
        "followup": (request.getfixturevalue("followup_site"), FOLLOWUP, "fr"),
        "sample": (request.getfixturevalue("sample_site"), SAMPLE, "fr"),
        "english": (request.getfixturevalue("english_site"), SAMPLE, "en"),
    }[which]
    for slug, path in widgets_of(site, content).items():
        text = path.read_text(encoding="utf-8")
        assert path.stat().st_size < WIDGET_LIMIT, path
        assert text.lower().startswith("<!doctype html>\n")
        assert f'<html lang="{lang}">' in text
        assert "<script" not in text.lower() and "javascript:" not in text.lower()
        assert '<meta name="robots" content="noindex">' in text
        document = Document.of(path)
        assert document.loads == [], (path, document.loads)  # no image, font, stylesheet, frame
        assert not any(re.search(r"url\(|@import|@font-face", s, re.I) for s in document.styles)
        # No address outside the site: one link, to the common's page, opened in the top page.
        assert re.findall(r"https?://", text) == []
        assert document.links == [(f"../communs/{slug}/", "_top")]
        assert (site / "communs" / slug / "index.html").is_file()
        assert document.tags.count("title") == 1 and document.tags.count("h1") == 1


def test_the_widget_shows_the_common_s_figures(followup_site, english_site):
    html = (followup_site / "widgets/covoit.html").read_text(encoding="utf-8")
    assert "<h1><a " in html and ">Covoiturage ouvert</a></h1>" in html
    assert ">En financement</span>" in html and "Édition 2026" in html  # status, its round
    assert 'class="bar__secured" style="width: 50.00%"' in html  # 3 000 of 6 000 in 2026
    assert "<strong>3\u202f000\xa0€</strong> sur 6\u202f000\xa0€ (50\u202f%)" in html
    carto = (followup_site / "widgets/carto.html").read_text(encoding="utf-8")
    assert 'style="width: 100.00%"' in carto and "Objectif atteint" in carto
    english = (english_site / "widgets/validateur-gtfs.html").read_text(encoding="utf-8")
    assert "Minimum reached" in english and re.search(r"<strong>€[\d,]+</strong> of €", english)


def test_widgets_are_valid_html(followup_site, english_site):
    errors = nu_errors(followup_site / "widgets", english_site / "widgets",
                       followup_site / "communs/covoit/index.html")  # fmt: skip
    assert not errors, "\n".join(errors[:30])


def test_widgets_and_feeds_stay_out_of_the_sitemap(followup_site):
    sitemap = (followup_site / "sitemap.xml").read_text(encoding="utf-8")
    assert "communs/covoit/" in sitemap
    assert "widgets/" not in sitemap and ".atom.xml" not in sitemap


def test_the_common_page_gives_the_embed_code(followup_site):
    html = (followup_site / "communs/covoit/index.html").read_text(encoding="utf-8")
    details = html.split('<details class="embed">', 1)[1].split("</details>", 1)[0]
    code = re.search(r"<pre><code>(&lt;iframe [^<]*&lt;/iframe&gt;)</code></pre>", details)
    assert code, details
    snippet = code.group(1)
    for part in ('src=&#34;../../widgets/covoit.html&#34;', "title=&#34;Financement de "
                 "Covoiturage ouvert&#34;", "width=&#34;360&#34;", "height=&#34;200&#34;",
                 "loading=&#34;lazy&#34;"):  # fmt: skip
        assert part in snippet
    assert "badges/covoit.svg" in details  # beside the badge's code
    assert 'href="../../widgets/covoit.html"' in details  # a look at the card itself


# --- in Chromium -----------------------------------------------------------------------

HOST_PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Une page qui intègre un commun</title>
<link rel="icon" href="data:,"></head>
<body><p>Avant.</p>
<iframe src="/widgets/covoit.html" title="Financement de Covoiturage ouvert" width="360"
 height="200" loading="lazy"></iframe>
</body></html>
"""


@pytest.fixture(scope="module")
def embedding_url(followup_site) -> str:
    (followup_site / "embed-test.html").write_text(HOST_PAGE, encoding="utf-8")
    with serve(followup_site) as url:
        yield url


def check_embedded(page, url: str) -> None:
    requests, problems = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{url}/embed-test.html")
    frame = page.frame_locator("iframe")
    title = frame.get_by_role("link", name="Covoiturage ouvert")
    title.wait_for()
    assert title.is_visible()
    figures = frame.locator(".figures")
    assert figures.is_visible() and "50\u202f%" in figures.inner_text()
    assert frame.get_by_role("progressbar").is_visible()
    # The bar is drawn: its secured part spans half of it.
    bar = frame.locator(".bar").bounding_box()
    secured = frame.locator(".bar__secured").bounding_box()
    assert bar and secured and abs(secured["width"] / bar["width"] - 0.5) < 0.02
    # The card fits the frame that the embed code gives (360 × 200).
    box = page.locator("iframe").bounding_box()
    footer = frame.locator(".site").bounding_box()
    assert box and footer and footer["y"] + footer["height"] <= box["y"] + box["height"]
    assert frame.locator("html").get_attribute("lang") == "fr"
    # Its link opens the common in the top page, not in the frame.
    title.click()
    page.wait_for_url(f"{url}/communs/covoit/")
    assert page.locator("h1").inner_text() == "Covoiturage ouvert"
    assert requests and all(r.startswith(f"{url}/") for r in requests), requests
    assert f"{url}/widgets/covoit.html" in requests
    assert problems == []


def test_the_widget_renders_inside_an_iframe(browser, embedding_url):
    context = browser.new_context(viewport={"width": 1000, "height": 700})
    try:
        check_embedded(context.new_page(), embedding_url)
    finally:
        context.close()


def test_the_widget_renders_without_javascript(browser, embedding_url):
    with no_js_page(browser) as page:
        check_embedded(page, embedding_url)


def test_axe_finds_no_violation_in_the_widget(browser, axe_source, embedding_url):
    for slug in ("covoit", "carto"):
        result = axe(browser, axe_source, f"{embedding_url}/widgets/{slug}.html")
        violations = [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]
        assert violations == [] and result["passes"], slug
