"""Two languages from one gettext catalogue: French by default, English with one setting.

The sample call's own text is French whatever the interface language, so the language
checks build the sample call with its text replaced by neutral words ("Lorem 12"):
what is left on the pages is the interface, and the catalogue says which language
each of its strings belongs to.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from itertools import count
from pathlib import Path

import pytest
import yaml
from conftest import REPO, SAMPLE, build_site

from appel_a_communs.content.types import NeedKind
from appel_a_communs.i18n import check_po, extract, load_po, translations
from appel_a_communs.submissions.issue_forms import issue_form
from appel_a_communs.vocabulary.forms import FORMS, option_text

# --- the catalogue -------------------------------------------------------------------


def test_french_catalogue_is_complete_and_in_step_with_the_sources():
    assert check_po(REPO, "fr") == []


def test_no_template_holds_a_literal_interface_string():
    """Text between tags, or in an attribute people read, outside gettext: none left."""
    literals = re.compile(
        r">([^<>]*[^\W\d_]{2,}[^<>]*)<|(?:title|alt|aria-label|placeholder)=\"([^\"]+)\""
    )
    offenders = []
    for template in sorted((REPO / "theme" / "templates").glob("*")):
        text = template.read_text(encoding="utf-8")
        # Comments, gettext, expressions, tags, entities, code and file names.
        for pattern in (r"{#.*?#}", r"{%-? *trans\b.*?endtrans *-?%}", r"{{.*?}}", r"{%.*?%}",
                        r"&\w+;", r"<code>.*?</code>", r"<pre>.*?</pre>",
                        r"[\w-]*\.(?:json|csv|svg|xml)\b"):  # fmt: skip
            text = re.sub(pattern, "", text, flags=re.S)
        for match in literals.finditer(text):
            words = (match.group(1) or match.group(2) or "").strip()
            if re.search(r"[^\W\d_]{2,}", words):
                offenders.append(f"{template.name}: {words!r}")
    assert offenders == []


def test_plural_forms_follow_each_language():
    french, english = translations("fr"), translations("en")
    one, other = "%(num)d other common", "%(num)d other commons"
    assert french.ngettext(one, other, 0) % {"num": 0} == "0 autre commun"
    assert french.ngettext(one, other, 2) % {"num": 2} == "2 autres communs"
    assert english.ngettext(one, other, 0) % {"num": 0} == "0 other commons"
    assert english.ngettext(one, other, 1) % {"num": 1} == "1 other common"


def test_needs_help_names_every_kind_of_need():
    _, fields = FORMS["propose-common"]
    needs = next(f for f in fields if f.id == "needs")
    assert all(kind in needs.help for kind in NeedKind.__args__)


def test_issue_forms_follow_the_locale_and_keep_the_values_for_the_parser():
    english, french = issue_form("pledge", "en"), issue_form("pledge", "fr")
    labels = [e["attributes"].get("label") for e in english["body"][1:]]
    assert "Amount (€)" in labels and "Montant (€)" not in labels
    assert french["name"] == "M’engager" and english["name"] == "Make a pledge"
    _, fields = FORMS["pledge"]
    role = next(f for f in fields if f.id == "role")
    assert option_text(role, "funder", "en") == "Funder (funder)"
    assert option_text(role, "funder", "fr") == "Financeur (funder)"


# --- the built sites -----------------------------------------------------------------

TEXT_KEYS = {"title", "summary", "name", "description", "governance", "note", "label",
             "territory", "organisation", "themes", "tags"}  # fmt: skip
NEUTRAL_BODY = "Lorem ipsum dolor sit amet.\n\n## Lorem\n\nIpsum dolor.\n"


def _neutral(value, key, numbers):
    if isinstance(value, dict):
        return {k: _neutral(v, k, numbers) for k, v in value.items()}
    if isinstance(value, list):
        return [_neutral(v, key, numbers) for v in value]
    if key in TEXT_KEYS and isinstance(value, str):
        return f"Lorem {next(numbers)}"
    return value


def neutral_call(target: Path) -> Path:
    """The sample call with every human text replaced by neutral words."""
    shutil.copytree(SAMPLE, target)
    numbers = count(1)
    for path in sorted(target.rglob("*")):
        if path.suffix in (".yml", ".yaml"):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            path.write_text(yaml.safe_dump(_neutral(data, None, numbers), allow_unicode=True))
        elif path.suffix == ".md":
            _, front, _body = path.read_text(encoding="utf-8").split("---\n", 2)
            data = _neutral(yaml.safe_load(front), None, numbers)
            path.write_text(f"---\n{yaml.safe_dump(data, allow_unicode=True)}---\n{NEUTRAL_BODY}")
    return target


NEUTRAL_SETTINGS = {"SITENAME": "Lorem site", "SITESUBTITLE": "Lorem 2027"}


@pytest.fixture(scope="module")
def neutral_sites(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("neutral")
    content = neutral_call(root / "content")
    return {
        language: build_site(content, root / language, DEFAULT_LANG=language, **NEUTRAL_SETTINGS)
        for language in ("fr", "en")
    }


# Attributes whose values people read (or hear): the rest are URLs, ids and keys.
READ_ATTRIBUTES = {"title", "alt", "aria-label", "aria-valuetext", "placeholder", "label"}
READ_META = {"description", "og:title", "og:description", "twitter:title", "twitter:description"}
PRODUCT = "Appel à communs"  # the software's name, the same in every language
# Identifiers read as they are in every language: slugs, URLs, feed ids, file names.
IDENTIFIER = re.compile(r"\S*[^\W_][-:/@_.][^\W_]\S*")


class _Texts(HTMLParser):
    """The pieces of text of a page that people read, code and scripts left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code", "pre"):
            self._skip += 1
        values = dict(attrs)
        if tag == "meta" and (values.get("name") or values.get("property")) in READ_META:
            self.texts.append(values.get("content") or "")
        for name, value in attrs:
            if value and (name in READ_ATTRIBUTES or name in ("data-one", "data-other")):
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code", "pre"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(data)


def page_texts(site: Path) -> dict[str, list[str]]:
    """What a person reads on each page, badge and feed of a built site."""
    texts = {}
    for path in sorted(site.rglob("*")):
        if path.suffix in (".html", ".svg", ".xml") and path.name != "sitemap.xml":
            parser = _Texts()
            parser.feed(path.read_text(encoding="utf-8"))
            pieces = [
                " ".join(IDENTIFIER.sub("", p.replace(PRODUCT, "")).split()) for p in parser.texts
            ]
            texts[path.relative_to(site).as_posix()] = [p for p in pieces if p]
    return texts


def _fragments(message: str) -> set[str]:
    """The literal pieces of a message: what shows on a page whatever the placeholders."""
    message = message.replace(PRODUCT, "")
    pieces = re.split(r"%\(\w+\)[sd]|<[^>]+>|&nbsp;|\u00a0|[:;,.!?()«»…—–|/]", message)
    return {" ".join(p.split()) for p in pieces if len(re.findall(r"[^\W\d_]", p)) >= 4}


def _catalogue_fragments() -> tuple[set[str], set[str]]:
    english, french = set(), set()
    for message in load_po("fr"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in ids:
            english |= _fragments(text)
        for text in strings:
            french |= _fragments(text)
    return english - french, french - english


def _found(fragments: set[str], texts: dict[str, list[str]]) -> list[str]:
    """Where fragments show: a phrase anywhere in a piece of text, a single word only as
    a whole piece (a label), since one word alone may belong to both languages' phrases."""
    found = []
    for fragment in sorted(fragments):
        if " " in fragment:
            pattern = re.compile(rf"(?<![^\W\d_]){re.escape(fragment)}(?![^\W\d_])")
            hit = next((page for page, pieces in texts.items()
                        if any(pattern.search(piece) for piece in pieces)), None)  # fmt: skip
        else:
            hit = next((page for page, pieces in texts.items()
                        if fragment in (p.strip(" :") for p in pieces)), None)  # fmt: skip
        if hit:
            found.append(f"{hit}: {fragment!r}")
    return found


# Per language: words of the other language that a string outside the catalogue would
# leave on the page, and strings that must show (so that the check is not vacuous).
OTHER_LANGUAGE = {
    "en": (r"\w*[éèêàùçôîœ]\w*|\b(?:les|des|du|une|pour|sur|avec)\b",
           {"Skip to content", "Challenges", "Funding"}),
    "fr": (r"\b(?:the|of|and|with|to|by|pledges?|commons?)\b",
           {"Aller au contenu", "Défis", "Financement"}),
}  # fmt: skip


@pytest.mark.parametrize("language", ["en", "fr"])
def test_each_build_holds_no_interface_string_of_the_other_language(neutral_sites, language):
    """English: no French interface string left; French: none in English."""
    only_english, only_french = _catalogue_fragments()
    texts = page_texts(neutral_sites[language])
    assert len(texts) > 40
    assert _found(only_french if language == "en" else only_english, texts) == []
    # Strings outside the catalogue: the other language's letters and words show them.
    words, expected = OTHER_LANGUAGE[language]
    leftovers = [
        f"{page}: {word!r}"
        for page, pieces in texts.items()
        for piece in pieces
        for word in re.findall(words, piece)
    ]
    assert leftovers == []
    assert len(_found(expected, texts)) == len(expected)


def test_the_language_setting_sets_lang_formats_and_feeds(neutral_sites):
    english = (neutral_sites["en"] / "index.html").read_text(encoding="utf-8")
    french = (neutral_sites["fr"] / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in english and '<html lang="fr">' in french
    assert 'og:locale" content="en_US"' in english and 'og:locale" content="fr_FR"' in french
    assert re.search(r"€\d{1,3}(,\d{3})+", english) and not re.search(r"\d\u202f\d{3}", english)
    assert re.search(r"\d\u202f\d{3}\u00a0€", french)
    assert "November" in english or "October" in english or "September" in english
    feed = (neutral_sites["en"] / "feeds" / "pledges.atom.xml").read_text(encoding="utf-8")
    assert 'xml:lang="en"' in feed and "New pledges" in feed and "pledges to" in feed
    assert re.search(r"\b\d+\.5 days of skills", feed)  # a fractional number of days is plural
    badge = next((neutral_sites["en"] / "badges").glob("*.svg")).read_text(encoding="utf-8")
    assert ">funding<" in badge


def test_english_site_forms_prefill_the_english_issue_forms(neutral_sites):
    """github mode sends the option texts: they must be the issue form's, in one language."""
    page = (neutral_sites["en"] / "contribuer" / "engagement" / "index.html").read_text("utf-8")
    form = issue_form("pledge", "en")
    role = next(e for e in form["body"] if e.get("id") == "role")
    for option in role["attributes"]["options"]:
        assert f'value="{option}"' in page


def test_extraction_sees_templates_and_code():
    sources = {location for message in extract(REPO) for location, _ in message.locations}
    expected = {"theme/templates/base.html", "appel_a_communs/vocabulary/labels.py",
                "appel_a_communs/site/forms.py", "appel_a_communs/site/jobs.py"}  # fmt: skip
    assert expected <= sources


@pytest.mark.parametrize(
    ("days", "french", "english"),
    [
        ("0.5", "jour", "days"),
        ("1", "jour", "day"),
        ("1.5", "jours", "days"),
        ("3", "jours", "days"),
    ],
)
def test_fractional_days_take_the_right_plural_in_each_language(days, french, english):
    from decimal import Decimal

    from appel_a_communs.site.formatting import plural_count

    one, many = "%(num)s day of skills: %(description)s", "%(num)s days of skills: %(description)s"
    n = plural_count(Decimal(days))
    assert f" {french} " in translations("fr").ngettext(one, many, n)
    assert f" {english} " in translations("en").ngettext(one, many, n)


def test_the_plugins_gettext_renders_exactly_as_jinjas_newstyle_gettext():
    """The plugin's cheaper gettext functions (constants translated once) change nothing."""

    from jinja2 import Environment

    from pelican.plugins.appel_a_communs.templating import gettext_functions

    source = (
        '{{ _("Funding") }}|{{ _("Funding") }}|{{ _("100%% open") }}|'
        '{{ _("%(secured)s of %(goal)s", secured="<b>1</b>", goal=2) }}|'
        '{{ ngettext("%(num)d other common", "%(num)d other commons", 0) }}|'
        '{{ ngettext("%(num)d other common", "%(num)d other commons", 3) }}|'
        '{{ pgettext("need", "Other") }}|{{ pgettext("kind", "Others") }}|'
        "{% trans n=2 %}{{ n }} pledges{% endtrans %}|"
        '{% autoescape false %}{{ _("%(x)s", x="<i>") }}{% endautoescape %}'
    )
    rendered = []
    for fast in (False, True):
        env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
        env.install_gettext_translations(translations("fr"), newstyle=True)
        if fast:
            env.globals.update(gettext_functions(translations("fr")))
        rendered.append(env.from_string(source).render())
    assert rendered[0] == rendered[1]
    assert "Financement|Financement|100% open|&lt;b&gt;1&lt;/b&gt;" in rendered[1]
    assert "0 autre commun|3 autres communs|Autre|Autres" in rendered[1]
    assert rendered[1].endswith("|<i>")


def test_a_language_without_catalogue_builds_in_english_and_says_so(tmp_path, caplog):
    """German has no catalogue: English words, German formats, and a warning."""
    content = neutral_call(tmp_path / "content")
    with caplog.at_level("WARNING"):
        site = build_site(content, tmp_path / "de", DEFAULT_LANG="de", **NEUTRAL_SETTINGS)
    assert any("No translation catalogue for 'de'" in r.getMessage() for r in caplog.records)
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="de">' in home and "Skip to content" in home
    assert re.search(r"\d\.\d{3}\u00a0€", home)  # 12.500 € in German
