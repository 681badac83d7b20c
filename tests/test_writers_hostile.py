"""Every writer escapes for its format, whatever text reaches it (issue 24).

The models refuse, at the door, the characters that XML 1.0 cannot carry; the writers do
not count on it: a value can still reach them from the settings, a Pelican page or a
field added later. Each writer is given the hostile corpus (the Big List of Naughty
Strings, every C0 and C1 control, lone surrogates, noncharacters) and its output is read
back with a strict parser: lxml for Atom, SVG, the sitemap and the workbook's XML,
``json.loads`` for JSON, ``csv`` for CSV, html5lib for the pages. What is read back is
the text given, less the characters that neither XML nor HTML lets a document hold
(``forbidden`` below, written again here rather than imported: the test must not trust
the code it checks).
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal
from operator import itemgetter
from pathlib import Path

import html5lib
import pytest
from conftest import REPO, build_site, naughty_strings, nu_errors, ods_parts, strict_xml

from appel_a_communs.site.atom import AtomEntry, atom_document
from appel_a_communs.site.exact_json import exact_json
from appel_a_communs.site.jobs import Output, compact_json, robots_text, write_sitemap
from appel_a_communs.site.jsonld import script_text
from appel_a_communs.site.statements import sheet_csv
from appel_a_communs.site.tables import (
    AMOUNT,
    TEXT,
    Column,
    Sheet,
    Table,
    neutralise,
    odf_row,
    rows_xml,
    workbook,
)
from appel_a_communs.site.xmltext import xml_chars

EXPLICIT = [
    "",
    "plain",
    "Mobilité rurale & co",
    "a < b & c > d",
    "<script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<!-- comment --> ]]> <![CDATA[ x ]]>",
    "\"double\" and 'single' quotes",
    "&amp; &lt; &#0; &#x1; &#xFFFE; &bogus;",
    "tab\there\nline\r\nfeed\rcarriage",
    "=1+1",
    "@SUM(A1)",
    "x\x07y",
    "bom\ufeffinside",
    "emoji 🦊 and \U0001fffe \U0010ffff noncharacters",
    "\ufdd0\ufdef",
    "high\ud800alone low\udc00alone",
]
CONTROLS = [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]]
ODD = ["\ud800", "\ufffe", "\uffff", "\u2028", "\u2029"]


def hostile_corpus() -> list[str]:
    strings = [*EXPLICIT, *(f"a{c}b" for c in CONTROLS + ODD), "".join(CONTROLS + ODD)]
    return list(dict.fromkeys([*strings, *naughty_strings()]))


HOSTILE = hostile_corpus()


def forbidden(character: str) -> bool:
    """Not allowed in a document: what XML 1.0 does not allow (C0 controls but tab, line
    feed and carriage return; lone surrogates; U+FFFE, U+FFFF) or discourages, and HTML
    calls a parse error (controls U+007F to U+009F, noncharacters)."""
    code = ord(character)
    return (
        (code < 0x20 and character not in "\t\n\r")
        or 0x7F <= code <= 0x9F
        or 0xD800 <= code <= 0xDFFF
        or 0xFDD0 <= code <= 0xFDEF
        or code & 0xFFFE == 0xFFFE
    )


def kept(text: str) -> str:
    """Each forbidden character replaced by U+FFFD: never removed, which would join what
    it separated (``java\x01script:`` must not become ``javascript:``)."""
    return "".join("\ufffd" if forbidden(c) else c for c in text)


def as_xml_text(text: str) -> str:
    """What an XML parser reads back from text content: line ends normalised (XML 1.0
    §2.11)."""
    return kept(text).replace("\r\n", "\n").replace("\r", "\n")


def encodable(text: str) -> str:
    """What a UTF-8 file can hold: each lone surrogate replaced by U+FFFD."""
    return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)


def no_forbidden(text: str) -> None:
    found = sorted({f"U+{ord(c):04X}" for c in text if forbidden(c)})
    assert not found, f"characters a document cannot hold: {found}"


ATOM = "{http://www.w3.org/2005/Atom}"


def test_an_atom_feed_of_hostile_texts_is_well_formed_and_keeps_what_xml_can_hold():
    entries = [
        AtomEntry(title=text, link=f"https://e.test/{text}", day=date(2026, 1, 1),
                  summary=f"<p>{text}</p>", id=f"urn:x:{text}")
        for text in HOSTILE
    ]  # fmt: skip
    document = atom_document("Feed " + HOSTILE[-1], "sub " + "".join(CONTROLS),
                             "https://e.test/\x01", "https://e.test/f\ufffe.xml",
                             "fr\x00", entries, date(2026, 1, 2))  # fmt: skip
    no_forbidden(document)
    feed = strict_xml(document)
    parsed = feed.findall(f"{ATOM}entry")
    assert len(parsed) == len(HOSTILE)
    for text, entry in zip(HOSTILE, parsed, strict=True):
        assert (entry.findtext(f"{ATOM}title") or "") == as_xml_text(text)
        assert entry.findtext(f"{ATOM}summary") == as_xml_text(f"<p>{text}</p>")
        assert entry.findtext(f"{ATOM}id") == as_xml_text(f"urn:x:{text}")
        assert entry.find(f"{ATOM}link").get("href") == kept(f"https://e.test/{text}")
    assert feed.findtext(f"{ATOM}title") == as_xml_text("Feed " + HOSTILE[-1])


def test_the_sitemap_of_hostile_urls_is_well_formed(tmp_path):
    out = Output(tmp_path, "https://e.test/\x02", "data", "schemas", "badges", "Site", "fr")
    write_sitemap(out, HOSTILE)
    root = strict_xml((tmp_path / "sitemap.xml").read_bytes())
    locs = [loc.text or "" for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs == [as_xml_text(out.address(url)) for url in dict.fromkeys(HOSTILE)]


def test_the_workbook_of_hostile_texts_is_well_formed_xml_and_keeps_what_xml_can_hold():
    table = Table(
        "t", (Column("title", TEXT, itemgetter(0)), Column("amount", AMOUNT, itemgetter(1)))
    )
    rows = [(text, Decimal("1.50")) for text in HOSTILE]
    data = workbook([Sheet("commons", table, rows, "EUR")], title="Site\x01 · " + HOSTILE[-1])
    parts = ods_parts(data)
    content, meta = parts["content.xml"], parts["meta.xml"]
    text_ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    table_ns = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    cells = []
    for row in content.iter(f"{{{table_ns}}}table-row"):
        first = row.find(f"{{{table_ns}}}table-cell")
        paragraph = first.find(f"{{{text_ns}}}p")
        cells.append(paragraph.text or "" if paragraph is not None else "")
    assert cells[1:] == [as_xml_text(neutralise(text)) if text else "" for text in HOSTILE]
    assert "".join(meta.itertext()).find(as_xml_text("Site\x01 · " + HOSTILE[-1])) >= 0


def test_the_fast_row_writer_still_writes_what_odfpy_writes_for_hostile_cells():
    table = Table("t", (Column("text", TEXT, itemgetter(0)),))
    for text in HOSTILE:
        written = io.StringIO()
        odf_row((text,), table.csv_columns, "EUR").toXml(1, written)
        assert rows_xml(table, [(text,)], "EUR") == written.getvalue(), repr(text)


def test_json_writers_give_back_every_string_a_utf8_file_can_hold():
    for write in (compact_json, exact_json):
        text = write({"texts": HOSTILE, "key\ud800": "v"})
        text.encode("utf-8")  # written as UTF-8: a lone surrogate would stop the build
        assert json.loads(text) == {"texts": [encodable(t) for t in HOSTILE], "key\ufffd": "v"}


def test_json_ld_stays_inside_its_script_element():
    text = str(script_text({"name": HOSTILE}))
    text.encode("utf-8")
    lowered = text.lower()
    assert "</script" not in lowered and "<!--" not in lowered and "<" not in text
    assert json.loads(text) == {"name": [encodable(t) for t in HOSTILE]}


def test_csv_statements_of_hostile_texts_read_back_as_written():
    table = Table("t", (Column("title", TEXT, itemgetter(0)),))
    text = sheet_csv(Sheet("commons", table, [(t,) for t in HOSTILE], "EUR"))
    text.encode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [row[0] if row else "" for row in rows[1:]] == [
        neutralise(encodable(t)) for t in HOSTILE
    ]


def test_robots_txt_names_a_hostile_site_on_one_line():
    for name in HOSTILE:
        out = Output(Path(), "https://e.test", "d", "s", "b", name, "fr")
        text = robots_text(out)
        no_forbidden(text)
        assert text.splitlines()[1] == "User-agent: *"


def test_the_badge_template_writes_a_well_formed_svg_whatever_its_texts():
    from jinja2 import Environment, FileSystemLoader

    from appel_a_communs.site.charts import badge
    from pelican.plugins.appel_a_communs.templating import install_translations, safe_output

    env = Environment(loader=FileSystemLoader(REPO / "theme" / "templates"), autoescape=True,
                      extensions=["jinja2.ext.i18n"])  # fmt: skip
    install_translations(env, "fr")
    safe_output(env)
    template = env.get_template("badge.svg")
    for text in HOSTILE:
        svg = template.render(badge=badge(text, "50 %" + text, "open"))
        svg.encode("utf-8")
        root = strict_xml(svg)
        texts = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
        assert texts == [as_xml_text(text), as_xml_text("50 %" + text)]


SITE_NAME = (
    "Appel <b>&amp;</b> \"x\" 'y' </script><!-- \x01\x0b\x1f\x7f\x85\ufffe\uffff\ufdd0\ud800 fin"
)


def not_refused(text: str) -> str:
    """The text less what the models refuse in a page (``types.FORBIDDEN``, the very set
    the writers replace by U+FFFD, and the line separators U+0085, U+2028, U+2029): the page brings
    the rest of the corpus, and the site name brings what only the writers stand against
    (the settings are not checked by the models)."""
    return "".join(c for c in text if c not in "\x85\u2028\u2029" and not forbidden(c))


PAGE_BODY = "\n\n".join(not_refused(t) for t in HOSTILE if t.strip())


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    """A small call whose site name holds what the models would refuse in a content file
    (the settings are not checked by them), and whose ordinary page holds the rest of the
    hostile corpus."""
    from conftest import MINIMAL, write

    root = tmp_path_factory.mktemp("hostile")
    for name, text in MINIMAL.items():
        write(root / "content" / name, text)
    page = "---\ntitle: Hostile\n---\n" + PAGE_BODY + "\n"
    (root / "content" / "pages" / "hostile.md").write_text(page, encoding="utf-8")
    return build_site(root / "content", root / "output", SITENAME=SITE_NAME,
                      SITEURL="https://e.test/site",
                      CATALOGUE_FUNDING_EMAIL="appel@e.test")  # fmt: skip


def test_a_build_with_hostile_settings_and_page_writes_only_well_formed_files(hostile_site):
    files = [p for p in hostile_site.rglob("*") if p.is_file()]
    assert any(p.suffix == ".html" for p in files)
    kinds: set[str] = set()
    for path in files:
        name = path.relative_to(hostile_site).as_posix()
        if path.suffix in (".xml", ".svg", ".atom"):
            strict_xml(path.read_bytes())
            kinds.add(path.suffix)
        elif path.suffix == ".html":
            text = path.read_text(encoding="utf-8")
            no_forbidden(text)
            html5lib.HTMLParser(strict=False).parse(text)
            kinds.add(".html")
        elif path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
            kinds.add(".json")
        elif path.suffix == ".csv":
            list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
            kinds.add(".csv")
        elif path.suffix == ".ods":
            ods_parts(path.read_bytes())
            kinds.add(".ods")
        else:
            path.read_text(encoding="utf-8")
        assert name
    assert {".xml", ".svg", ".html", ".json", ".csv", ".ods"} <= kinds


def test_every_file_of_the_hostile_site_holds_only_what_a_document_can(hostile_site):
    """The site name reaches robots.txt, the funding.json manifests, the data files and
    the workbooks' titles, not only the pages: each writes it with U+FFFD for what it
    cannot hold (a lone surrogate made the manifests' build stop with a traceback)."""
    manifests = list(hostile_site.rglob("funding.json"))
    assert manifests
    for path in hostile_site.rglob("*"):
        if path.is_file() and path.suffix not in (".ods", ".png", ".ico", ".woff2"):
            text = path.read_text(encoding="utf-8")
            no_forbidden(text)
    robots = (hostile_site / "robots.txt").read_text(encoding="utf-8")
    assert robots.splitlines()[0] == "# " + " ".join(kept(SITE_NAME).split())
    descriptions = [json.loads(path.read_bytes())["entity"]["description"] for path in manifests]
    assert all(kept(SITE_NAME) in description for description in descriptions)


def test_the_hostile_site_name_shows_as_text_on_the_pages(hostile_site):
    shown = kept(SITE_NAME)
    for page in ("index.html", "hostile/index.html"):
        text = (hostile_site / page).read_text(encoding="utf-8")
        document = html5lib.parse(text, namespaceHTMLElements=False)
        assert document.find(".//head/title").text.endswith(shown)
        assert not [s for s in document.iter("script") if "alert" in (s.text or "")]
    body = "".join(document.find(".//main").itertext())
    assert "Mobilité rurale & co" in body and "ab" in body  # a\x86b, less its control
    feed = strict_xml((hostile_site / "feeds" / "communs.atom.xml").read_bytes())
    assert feed.findtext(f"{ATOM}title").endswith(as_xml_text(shown))


def test_the_nu_checker_finds_no_error_in_the_hostile_pages(hostile_site):
    """The characters a page cannot hold are the ones the Nu Html Checker reports
    ("Forbidden code point U+0001", U+007F to U+009F, U+FDD0, U+FFFE… before the fix),
    from the site name as from the page. Not counted: the naughty strings' links whose
    address holds a backslash (``<a href="\\x0Bjavascript:…">``), which the page
    sanitiser keeps as a relative address, harmless but not a valid URL: the renderer's
    business, not the writers'."""
    pages = [hostile_site / "index.html", hostile_site / "hostile" / "index.html",
             next((hostile_site / "widgets").glob("*.html"))]  # fmt: skip
    errors = [line for line in nu_errors(*pages)
              if 'Backslash ("\\") used as path segment' not in line]  # fmt: skip
    assert not errors, "\n".join(errors[:30])


@pytest.mark.parametrize(
    "markdown",
    [
        '<a href="java&#1;script:alert(1)">x</a>',
        "[x](java&#1;script:alert(1))",
        "<a href=java&#1&#2&#3&#4&#5&#6&#7&#8&#11&#12script:javascript:alert(1)>XXX</a>",
    ],
)
def test_a_character_taken_out_never_joins_a_live_link(markdown):
    """nh3 decodes ``&#1;`` and keeps ``java\\x01script:`` as a relative address; removing
    the control afterwards (the page's filter, a feed's) would make it ``javascript:``.
    The writers replace it by U+FFFD instead, in the rendered text and in the page."""
    from appel_a_communs.site.markup import render_markdown

    html = render_markdown(markdown)
    for written in (html, xml_chars(html)):
        hrefs = re.findall(r"href=\"([^\"]*)\"", written)
        assert not [h for h in hrefs if h.strip().lower().startswith("javascript:")]
        no_forbidden(written)
