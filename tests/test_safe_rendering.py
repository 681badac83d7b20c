"""Hostile text in any field reaches no page as markup: scripts, handlers, javascript: links,
attr_list attributes and Pelican link placeholders are all neutralised."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
import yaml
from conftest import build_site

EVIL_BLOCK = """Texte normal.

<script>alert("body")</script>
<img src="x" onerror="alert('img')">
<iframe src="https://evil.example/"></iframe>
<style>body { display: none }</style>
<form action="https://evil.example/"><input name="x"></form>
<a href="javascript:alert('a')" onclick="alert('click')">lien-js-html</a>
[lien-js-md](javascript:alert('md'))
[lien-data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
[lien-placeholder]({filename}/pages/a-propos.md)
[lien-static]({static}/images/x.png)
![image]({attach}x.png)
Paragraphe avec attributs
{: onclick="alert('attr')" .evil-class #evil-id }

<div markdown="1" onmouseover="alert('div')">md_in_html</div>
"""
EVIL_LINE = "<script>alert('line')</script><img src=x onerror=alert(1)> {: .evil-class }"


def front(data: dict, body: str) -> str:
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n" + body


@pytest.fixture
def hostile_site(tmp_path):
    content = tmp_path / "content"
    files = {
        "challenges/defi.md": front(
            {
                "title": EVIL_LINE,
                "summary": EVIL_LINE,
                "facilitator": {"name": EVIL_LINE, "organisation": EVIL_LINE},
                "themes": [EVIL_LINE],
            },
            EVIL_BLOCK,
        ),
        "commons/commun.md": front(
            {
                "title": EVIL_LINE,
                "summary": EVIL_LINE,
                "challenges": ["defi"],
                "proposed_by": ["acteur"],
                "governance": EVIL_BLOCK,
                "needs": [{"kind": "skills", "description": EVIL_BLOCK}],
                "deliverables": [{"title": EVIL_LINE}],
                "budget": {"lines": [{"label": EVIL_LINE, "amount": "1000"}]},
                "tags": [EVIL_LINE],
            },
            EVIL_BLOCK,
        ),
        "actors/acteur.yml": yaml.safe_dump(
            {"name": EVIL_LINE, "territory": EVIL_LINE, "description": EVIL_BLOCK},
            allow_unicode=True,
        ),
        "pledges/engagement.yml": yaml.safe_dump(
            {
                "actor": "acteur",
                "common": "commun",
                "date": "2026-10-01",
                "money": {"amount": "100"},
                "skills": {"days": 1, "description": EVIL_BLOCK},
                "means": {"description": EVIL_BLOCK, "value": "10"},
                "note": EVIL_BLOCK,
            },
            allow_unicode=True,
        ),
        "pages/page.md": front({"title": EVIL_LINE}, EVIL_BLOCK),
    }
    for name, text in files.items():
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text(text, encoding="utf-8")
    return build_site(content, tmp_path / "out")


class Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.links: list[tuple[str | None, str]] = []
        self._open_link: str | bool | None = False

    def handle_starttag(self, tag, attrs):
        own_script = tag == "script" and re.search(
            r"/theme/js/(prefill|catalogue)\.js$", dict(attrs).get("src") or ""
        )
        # The page's schema.org JSON-LD (site/jsonld.py): data, checked in handle_data.
        own_data = tag == "script" and list(attrs) == [("type", "application/ld+json")]
        own_badge = tag == "img" and re.fullmatch(
            r"(\.\./)*badges/[a-z0-9-]+\.svg", dict(attrs).get("src") or ""
        )
        if own_script:
            self._own_script = True
        elif own_data:
            self._own_data = True
        elif own_badge:
            pass  # the site's own funding badge
        elif tag in ("script", "iframe", "style", "form", "input", "img", "object", "embed"):
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on"):
                self.problems.append(f"{name}= on <{tag}>")
            if name in ("href", "src", "action") and value.startswith(("javascript:", "data:")):
                self.problems.append(f"{name}={value[:20]} on <{tag}>")
            if name in ("class", "id") and "evil" in value:
                self.problems.append(f"{name}={value} on <{tag}>")
            if name in ("href", "src") and ("{" in value or "%7b" in value):
                self.problems.append(f"placeholder {name}={value}")
        if tag == "a":
            self._open_link = dict(attrs).get("href")

    def handle_data(self, data):
        if getattr(self, "_own_script", False) and data.strip():
            self.problems.append("inline code in the site's own <script>")
        if getattr(self, "_own_data", False):
            try:
                json.loads(data)  # the whole element, which no text closed early
            except ValueError:
                self.problems.append("JSON-LD that is not JSON")
            if re.search("[<>&]", data):
                self.problems.append("markup characters in the JSON-LD")
        if self._open_link is not False and data.strip():
            self.links.append((self._open_link, data.strip()))

    def handle_endtag(self, tag):
        if tag == "script":
            self._own_script = self._own_data = False
        if tag == "a":
            self._open_link = False


def audit(html: str) -> Audit:
    parser = Audit()
    parser.feed(html)
    return parser


def test_no_hostile_markup_reaches_any_page(hostile_site):
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) >= 8
    for page in pages:
        problems = audit(page.read_text(encoding="utf-8")).problems
        relative = page.relative_to(hostile_site).as_posix()
        if "contribuer" in relative or relative == "communs/index.html":
            # The site's own forms (submissions, catalogue filters): user text never
            # reaches them as markup.
            problems = [p for p in problems if p not in ("<form> element", "<input> element")]
        if page.parent.name == "widgets":
            # A widget's own inline style (theme/templates/_widget.css): no user text in it.
            problems = [p for p in problems if p != "<style> element"]
        if page.parent.name == "page":
            # Ordinary pages are the maintainers' own: Pelican's placeholders stay theirs.
            problems = [p for p in problems if not p.startswith("placeholder")]
        assert not problems, (page.relative_to(hostile_site), problems)


def test_hostile_text_is_shown_as_text(hostile_site):
    html = (hostile_site / "communs/commun/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;line&#39;)&lt;/script&gt;" in html  # titles: escaped text
    assert "Texte normal." in html  # bodies: the harmless part survives


@pytest.mark.parametrize("url", ["communs/commun", "defis/defi", "acteurs/acteur"])
def test_link_placeholders_are_not_honoured(hostile_site, url):
    html = (hostile_site / url / "index.html").read_text(encoding="utf-8")
    links = {text: href for href, text in audit(html).links}
    for text in ("lien-placeholder", "lien-static", "lien-js-md", "lien-data", "lien-js-html"):
        if text in links:
            assert links[text] is None, (text, links[text])
    # the text is still there, without a target, and not as a link without address
    # (a rel without href is invalid HTML)
    assert "lien-placeholder" in html
    assert "lien-placeholder" not in links


def test_a_common_cannot_set_pelican_metadata(make_content, tmp_path):
    from appel_a_communs.content.errors import ContentErrors

    content = make_content(
        {
            "commons/covoit.md": "---\ntitle: T\nsummary: S\nchallenges: [mobilite]\n"
            "proposed_by: [asso]\nsave_as: index.html\nurl: x\nstatus: draft\n---\n",
        }
    )
    with pytest.raises(ContentErrors) as info:
        build_site(content, tmp_path / "out")
    assert {e.field for e in info.value.errors} == {"save_as", "url", "status"}


def test_maintainer_pages_keep_pelican_links(make_content, tmp_path):
    content = make_content(
        {
            "pages/charte.md": "---\ntitle: Charte\n---\nVoir [à propos]({filename}a-propos.md).\n",
        }
    )
    html = (build_site(content, tmp_path / "out") / "charte/index.html").read_text()
    assert 'href="../a-propos/"' in html


def test_no_other_reader_can_set_pelican_metadata(make_content, tmp_path):
    """An HTML or reST page could set save_as or template: only Markdown pages are read."""
    content = make_content(
        {
            "pages/evil.html": '<html><head><title>Evil</title><meta name="save_as" '
            'content="evil.html"><meta name="template" content="common"></head>'
            "<body><script>alert(1)</script></body></html>",
            "pages/evil2.rst": "Evil\n####\n\n:save_as: evil2.html\n\nx\n",
        }
    )
    site = build_site(content, tmp_path / "out")
    assert not list(site.rglob("evil*"))
    assert "Evil" not in (site / "index.html").read_text()
