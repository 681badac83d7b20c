"""The Big List of Naughty Strings (tests/corpora/blns) in every free-text field of every
content kind and of every submission type, plus malformed envelopes: every value ends in
a refusal naming its file (or envelope) and field, or in a site whose every output a strict
parser reads, with no script, handler or ``javascript:`` link the theme did not put there;
``process`` loses no envelope, and its reports and summary carry no live Markdown.

Batched for speed: item ``i`` of a kind carries string ``i + j`` in its ``j``-th free-text
field, so that over the items every string reaches every field; a handful of builds in all.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import os
import re
import shutil
import types
import typing
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import html5lib
import lxml.html
import pytest
import yaml
from conftest import (
    MINIMAL,
    build_site,
    gfm,
    naughty_strings,
    ods_parts,
    strict_xml,
    submissions_site,
    write,
)
from lxml import etree
from pydantic import BaseModel

from appel_a_communs.content import types as content_types
from appel_a_communs.content.errors import ContentErrors
from appel_a_communs.content.kinds import CAMPAIGN_SCHEMA, KINDS, PAGE_SCHEMA
from appel_a_communs.content.loader import load_catalogue
from appel_a_communs.content.strict_yaml import format_path
from appel_a_communs.submissions.cli import main
from appel_a_communs.vocabulary.forms import FORMS, SUBMISSION_TYPES

STRINGS: list[str] = list(naughty_strings())
N = len(STRINGS)

# --- the free-text fields, read from the models ------------------------------------------

FREE_TEXT = (content_types.Text, content_types.Line, content_types.Summary)
"""The free-text types: what a person types in words (titles, names, descriptions)."""
NOT_FREE_TEXT = (
    content_types.Slug,
    content_types.Url,
    content_types.License,
    content_types.Currency,
    content_types.GitHubLogin,
)
"""Strings with a syntax of their own, checked by their own tests (properties, bad content)."""

Path_ = tuple[str, ...]
"""A field's path in the content data: names, and ``*`` for an item of a list or a dict."""


def _walk(hint: Any, path: Path_) -> Iterator[tuple[Path_, bool]]:
    """(path, is free text) of every string-valued leaf under ``hint``."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(hint):
            yield from _walk(arg, path)
    elif origin is list:
        yield from _walk(typing.get_args(hint)[0], (*path, "*"))
    elif origin is dict:
        yield from _walk(typing.get_args(hint)[1], (*path, "*"))
    elif isinstance(hint, type) and issubclass(hint, BaseModel):
        yield from model_paths(hint, path)
    elif any(hint == t for t in FREE_TEXT):
        yield path, True
    elif any(hint == t for t in NOT_FREE_TEXT) or origin is typing.Literal:
        return
    elif hint is str or (origin is typing.Annotated and typing.get_args(hint)[0] is str):
        yield path, False  # a type this test does not know: see the test of coverage below


def model_paths(model: type[BaseModel], prefix: Path_ = ()) -> Iterator[tuple[Path_, bool]]:
    hints = typing.get_type_hints(model, include_extras=True)
    for name in model.model_fields:
        yield from _walk(hints[name], (*prefix, name))


MODELS: dict[str, type[BaseModel]] = {
    **{folder: kind.model for folder, kind in KINDS.items()},
    "pages": PAGE_SCHEMA[1],
    "campaign": CAMPAIGN_SCHEMA[1],
}
"""Every content kind; ``campaign`` (campaign.yml) is a round without its slug, whose
fields the rounds carry."""


def text_fields(folder: str) -> list[Path_]:
    paths = [p for p, free in model_paths(MODELS[folder]) if free]
    if folder == "pages":
        paths.append(("body",))  # a page's body is Pelican's, outside PageMeta
    return paths


# --- a call whose every free-text field holds a string of the corpus --------------------

TIED = {("budget", "lines", "*", "label"), ("budgets", "*", "lines", "*", "label")}
"""A report's spent label must name a line of its common's budget: common i's budget
lines and report i's spent line carry the same string (offset 0)."""
TIED_REPORT = ("spent", "*", "label")
MAIN = "principal"
"""The round the pledges, reviews and reports fall in."""


def base(folder: str, i: int) -> dict[str, Any]:
    """A valid item of ``folder`` with every optional part present (benign values)."""
    if folder == "challenges":
        return {
            "title": f"Défi {i}",
            "summary": "Un défi.",
            "facilitator": {"name": "Claire", "organisation": "Réseau"},
            "themes": ["mobilité"],
            "body": "Le problème.",
        }
    if folder == "commons":
        lines = [{"label": "Développement", "amount": "400"}]
        return {
            "title": f"Commun {i}",
            "summary": "Un commun.",
            "challenges": [f"d{i}"],
            "proposed_by": [f"a{i}"],
            "governance": "Une assemblée.",
            "needs": [{"kind": "skills", "description": "Du code."}],
            "deliverables": [{"title": "Version 1"}],
            "budget": {"lines": lines},
            "budgets": {MAIN: {"lines": [dict(x) for x in lines]}},
            "reviews": [
                {"date": "2026-06-01", "decision": "eligible", "reasons": "Oui.", "by": "Jury"}
            ],
            "tags": ["vélo"],
            "body": "Le commun.",
        }
    if folder == "actors":
        return {"name": f"Acteur {i}", "territory": "Valbrune", "description": "Une association."}
    if folder == "pledges":
        return {
            "actor": f"a{i}",
            "common": f"c{i}",
            "date": "2026-10-01",
            "money": {"amount": "300"},
            "skills": {"days": "1", "description": "Des tests."},
            "means": {"description": "Un serveur.", "value": "10"},
            "note": "Merci.",
            "source": {"kind": "manual", "ref": "courrier"},
        }
    if folder == "reports":
        return {
            "common": f"c{i}",
            "date": "2026-11-01",
            "round": MAIN,
            "title": f"Bilan {i}",
            "spent": [{"label": "Développement", "amount": "100"}],
            "body": "Fait.",
        }
    if folder == "rounds":
        day = (date(2019, 1, 1) + timedelta(days=i)).isoformat()
        jury = {
            "scale": 5,
            "criteria": [{"id": "q", "label": "Qualité", "weight": 1}],
            "reviewers": [{"id": "r", "name": "Camille", "ties": []}],
            "min_reviewers": 1,
        }
        return {"name": f"Tour {i}", "opens": day, "closes": day, "evaluation": jury}
    if folder == "evaluations":  # round t{i}'s jury scores common c{i}
        return {"date": "2026-06-01", "scores": [{"reviewer": "r", "q": 3, "comment": "Bien."}]}
    if folder == "pages":
        return {"title": f"Page {i}", "summary": "Une page.", "body": "Du texte."}
    raise AssertionError(folder)


FILE = {
    "challenges": "challenges/d{i}.md",
    "commons": "commons/c{i}.md",
    "actors": "actors/a{i}.yml",
    "pledges": "pledges/p{i}.yml",
    "reports": "reports/r{i}.md",
    "rounds": "rounds/t{i}.yml",
    "evaluations": "evaluations/t{i}/c{i}.yml",
    "pages": "pages/g{i}.md",
}
"""Where item i of each kind goes; ``campaign`` is covered by the rounds (same fields)."""


def set_path(data: Any, path: tuple, value: str) -> None:
    """Put ``value`` at a concrete ``path`` (see ``_resolve``)."""
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def _resolve(data: Any, path: Path_) -> tuple:
    """``path`` with each ``*`` replaced by the key ``data`` has there (0, or a dict's first)."""
    concrete: list[Any] = []
    for key in path:
        if key == "*":
            key = 0 if isinstance(data, list) else next(iter(data))
        concrete.append(key)
        data = data[key]
    return tuple(concrete)


@functools.cache
def offsets(folder: str) -> dict[Path_, int]:
    """Which string (i + offset) each free-text field of item i carries."""
    result: dict[Path_, int] = {}
    following = 1
    for path in text_fields(folder):
        if path in TIED or (folder == "reports" and path == TIED_REPORT):
            result[path] = 0
        else:
            result[path] = following
            following += 1
    return result


def front(data: dict[str, Any], body: str) -> str:
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n" + body


class Call:
    """The hostile call: item i of each kind, the string each of its fields carries, and
    the (item, field) pairs refused so far (then written with a benign value)."""

    def __init__(self, strings: list[str], items: range | None = None) -> None:
        self.strings = strings
        self.items = items if items is not None else range(len(strings))
        """The items of this build: a slice, so that lists and menus stay short."""
        self.refused: dict[tuple[str, int, Path_], str] = {}
        """(folder, item, field) → the error that refused its string."""
        self.whole: dict[tuple[str, int], str] = {}
        """(folder, item) → an error on its file that names none of its fields."""

    def value(self, folder: str, i: int, path: Path_) -> str:
        return self.strings[(i + offsets(folder)[path]) % len(self.strings)]

    def item(self, folder: str, i: int) -> dict[str, Any]:
        data = base(folder, i)
        if (folder, i) in self.whole:
            return data
        for path in offsets(folder):
            tied = (folder == "commons" and path in TIED) or (
                folder == "reports" and path == TIED_REPORT
            )
            if (folder, i, path) in self.refused or (tied and self.tie_refused(i)):
                continue
            set_path(data, _resolve(data, path), self.value(folder, i, path))
        return data

    def tie_refused(self, i: int) -> bool:
        """Whether common i's budget label, which report i spends on, is written benign."""
        return (
            any(("commons", i, p) in self.refused for p in TIED)
            or ("reports", i, TIED_REPORT) in self.refused
            or ("commons", i) in self.whole
            or ("reports", i) in self.whole
        )

    def files(self) -> dict[str, str]:
        files: dict[str, str] = {}
        for folder, pattern in FILE.items():
            for i in self.items:
                data = self.item(folder, i)
                markdown = folder == "pages" or KINDS[folder].markdown
                if markdown:
                    body = data.pop("body")
                    text = front(data, body)
                else:
                    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
                files[pattern.format(i=i)] = text
        files["rounds/principal.yml"] = (
            "name: Édition 2026\nopens: 2026-01-01\ncloses: 2026-12-31\n"
        )
        return files

    def write(self, content: Path) -> Path:
        if content.exists():
            shutil.rmtree(content)
        for name, text in self.files().items():
            path = content / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return content

    def item_of(self, content: Path, error: Any) -> tuple[str, int] | None:
        """The (folder, item) whose file an error names, if it is one of ours."""
        try:
            relative = Path(error.path).resolve().relative_to(content.resolve()).as_posix()
        except ValueError:
            return None
        for folder, pattern in FILE.items():
            match = re.fullmatch(pattern.replace("{i}", r"(\d+)").replace(".", r"\."), relative)
            if match is not None:
                return folder, int(match.group(1))
        return None

    def where(self, content: Path, error: Any) -> tuple[str, int, Path_] | None:
        """The (folder, item, field) a content error is about, if it is one of ours."""
        found = self.item_of(content, error)
        if found is None or error.field is None:
            return None
        folder, i = found
        data = self.item(folder, i)
        for path in offsets(folder):
            if (folder, i, path) in self.refused or self.whole.get(found):
                continue
            if error.field == format_path(list(_resolve(data, path))):
                return folder, i, path
        return None


def build_hostile(call: Call, tmp_path: Path, rounds: int = 8) -> tuple[Path, list[str]]:
    """Build the call, writing every refused value benign, and again until it builds.

    Returns the output and the findings: refusals that name no field, or a field that holds
    no string of the corpus, once nothing else is left to refuse (before, they may follow
    from another file's refusal: a pledge to a refused common). Such an item is then
    written benign as a whole, so that the rest of the corpus still gets built."""
    content = tmp_path / "content"
    out = tmp_path / "out"  # the same each time: its cache spares reading unchanged files
    findings: list[str] = []
    for _ in range(rounds):
        call.write(content)
        shutil.rmtree(out, ignore_errors=True)
        try:
            return build_site(content, out), findings
        except ContentErrors as exc:
            explained = [(w, e) for e in exc.errors if (w := call.where(content, e))]
            for where, error in explained:
                call.refused.setdefault(where, str(error))
            if explained:
                continue
            benign = set(call.whole)
            for error in exc.errors:
                item = call.item_of(content, error)
                if item is None or item in benign:
                    message = f"refused, with no string left to take out:\n{exc}"
                    raise AssertionError(message) from None
                call.whole.setdefault(item, str(error))
                findings.append(f"refused, naming no field that holds the string: {error}")
    raise AssertionError(f"still refused after {rounds} builds")


# --- every output, read by a strict parser ---------------------------------------------

JSON_LD = "application/ld+json"
STRICT = {
    "index.html",
    "communs/index.html",
    "acteurs/index.html",
    "defis/index.html",
    "tours/index.html",
    "contribuer/engagement/index.html",
}
"""The pages html5lib reads in strict mode: lists that hold every item of a build (the
names, titles, summaries and tags of each kind, as text, links and options). html5lib is
pure Python (some 300 kB/s here): all the pages would take minutes; the others are read by
lxml, after a search for every code point HTML forbids."""
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "poster")


def _strict_json(text: str) -> Any:
    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


def _pattern(relative: str) -> str:
    """A page's template: its address with the item numbers taken out (c12 → c#)."""
    return re.sub(r"\d+", "#", relative)


def scripts_of(tree: Any) -> Counter[str]:
    """The page's script elements, by their attributes (the values of ``src`` and ``type``;
    parsers differ on a boolean's: ``defer=""``, ``defer="defer"``); JSON-LD content is
    checked apart."""
    return Counter(
        json.dumps(sorted((k, v if k in ("src", "type") else "") for k, v in e.attrib.items()))
        for e in tree.iter("{*}script", "script")
    )


NOT_HTML = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff"
    "\U0001fffe\U0001ffff\U0010fffe\U0010ffff]"
)
"""What HTML's input stream may not hold (controls and noncharacters: parse errors)."""


def parse_html(data: bytes, strict: bool = False) -> Any:
    """The page as a tree; ``strict``: html5lib, where any parse error raises (slow, pure
    Python: for the pages every string reaches); otherwise lxml, after checking the text
    for what no HTML may hold."""
    text = data.decode("utf-8")
    bad = NOT_HTML.search(text)
    if bad:
        near = text[max(bad.start() - 40, 0) : bad.start()]
        raise ValueError(f"U+{ord(bad.group()):04X} in the page, after {near!r}")
    if strict:
        parser = html5lib.HTMLParser(strict=True, tree=html5lib.getTreeBuilder("lxml"))
        return parser.parse(text)
    return lxml.html.document_fromstring(data)


def audit_page(relative: str, tree: Any) -> list[str]:
    """Handlers, javascript: addresses and JSON-LD that is not JSON."""
    problems = []
    for attribute in tree.xpath("//@*"):
        name = attribute.attrname.rpartition("}")[2].lower()
        if name.startswith("on") or name in URL_ATTRIBUTES:
            tag = etree.QName(attribute.getparent()).localname
            compact = re.sub(r"[\x00-\x20]", "", attribute).lower()
            if name.startswith("on"):
                problems.append(f"{relative}: {name}= on <{tag}>")
            elif compact.startswith(("javascript:", "vbscript:", "data:text/html")):
                problems.append(f"{relative}: {name}={str(attribute)[:40]!r} on <{tag}>")
    for element in tree.iter("{*}script", "script"):
        if element.get("type") == JSON_LD:
            try:
                _strict_json(element.text or "")
            except ValueError as exc:
                problems.append(f"{relative}: JSON-LD is not JSON ({exc})")
    return problems


def theme_scripts(output: Path) -> dict[str, Counter[str]]:
    """Per page template, the script elements the theme writes (a benign build)."""
    scripts: dict[str, Counter[str]] = {}
    for page in sorted(output.rglob("*.html")):
        relative = page.relative_to(output).as_posix()
        found = scripts_of(parse_html(page.read_bytes()))
        scripts[_pattern(relative)] = scripts.get(_pattern(relative), Counter()) | found
    return scripts


def check_outputs(output: Path, theme: dict[str, Counter[str]]) -> list[str]:
    """Every problem of every output file of a build (empty: all good). A page of an
    address the benign build has not may hold any script that build has (its submissions'
    slugs differ)."""
    anywhere: Counter[str] = Counter()
    for found in theme.values():
        anywhere |= found
    problems: list[str] = []
    counts: Counter[str] = Counter()
    for path in sorted(p for p in output.rglob("*") if p.is_file()):
        relative = path.relative_to(output).as_posix()
        name = path.name
        data = path.read_bytes()
        try:
            if name.endswith(".html"):
                counts["html"] += 1
                tree = parse_html(data, strict=relative in STRICT)
                problems += audit_page(relative, tree)
                allowed = theme.get(_pattern(relative), anywhere)
                extra = scripts_of(tree) - allowed
                if extra:
                    problems.append(f"{relative}: scripts the theme did not write: {dict(extra)}")
            elif name.endswith((".xml", ".atom", ".svg")):
                counts["xml"] += 1
                root = strict_xml(data)
                if name.endswith(".svg"):  # an image the pages show: no script, no handler
                    problems += audit_page(relative, root)
                    problems += [f"{relative}: <script>" for _ in root.iter("{*}script")]
                for element in root.iter("{*}content", "{*}summary", "{*}title"):
                    if element.get("type") == "html" and (element.text or "").strip():
                        # what a feed reader renders as HTML
                        fragment = lxml.html.document_fromstring(element.text)
                        problems += audit_page(f"{relative} (HTML of an entry)", fragment)
                        extra = scripts_of(fragment)
                        if extra:
                            problems.append(f"{relative}: scripts in an entry: {dict(extra)}")
            elif name.endswith(".json"):
                counts["json"] += 1
                _strict_json(data.decode("utf-8"))
            elif name.endswith(".csv"):
                counts["csv"] += 1
                rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
                widths = Counter(len(row) for row in rows)
                if len(widths) > 1:
                    problems.append(f"{relative}: rows of {dict(widths)} columns")
            elif name.endswith(".ods"):
                counts["ods"] += 1
                ods_parts(data)
        except Exception as exc:  # any parser's refusal is a finding, named with its file
            problems.append(f"{relative}: {type(exc).__name__}: {str(exc)[:300]}")
    for kind in ("html", "xml", "json", "csv", "ods"):
        if not counts[kind]:
            problems.append(f"no {kind} output at all: the build is not what this test expects")
    return problems


# --- the tests: content ------------------------------------------------------------------

CHUNK = 64
"""Items of each kind per build: the menus and the round pages list every item of a build,
so a build of all the corpus at once would be quadratic (460 MB of pages)."""


@pytest.fixture(scope="module")
def theme(tmp_path_factory) -> dict[str, Counter[str]]:
    """The scripts of a build of the same call with benign texts."""
    call = Call([f"Texte {k}" for k in range(CHUNK)], range(3))
    output, findings = build_hostile(call, tmp_path_factory.mktemp("benign"))
    assert not findings and not call.refused and not call.whole
    return theme_scripts(output)


def test_every_string_field_of_the_models_is_covered():
    """A new string field fails here until it is free text (then the corpus reaches it
    by itself) or a type with a syntax of its own."""
    unknown = [
        (folder, ".".join(path))
        for folder, model in MODELS.items()
        for path, free in model_paths(model)
        if not free
    ]
    assert not unknown, f"string fields of a type this test does not know: {unknown}"
    assert set(text_fields("campaign")) <= set(text_fields("rounds"))
    for folder in FILE:
        data = base(folder, 0)
        for path in text_fields(folder):
            _resolve(data, path)  # base() has a place for it (KeyError otherwise)
    assert sum(len(text_fields(f)) for f in FILE) >= 30


@pytest.mark.parametrize("start", range(0, N, CHUNK), ids=lambda s: f"strings-{s}")
def test_every_string_in_every_content_field_is_refused_or_built_safely(start, theme, tmp_path):
    call = Call(STRINGS, range(start, min(start + CHUNK, N)))
    output, findings = build_hostile(call, tmp_path)
    problems = findings + check_outputs(output, theme)
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems[:60])


def test_the_checks_find_what_they_look_for(tmp_path, theme):
    """The checks of this file catch each fault they are there for (else a pass means
    nothing)."""
    out = tmp_path / "out"
    write(
        out / "index.html",
        "<!DOCTYPE html><html><head><title>x</title></head><body>"
        '<p onclick="x()">a</p><a href=" jAvascript:alert(1)">b</a><script>c()</script>'
        '<script type="application/ld+json">{"a": </script>\x01</body></html>',
    )
    write(out / "feeds/x.atom.xml", "<?xml version='1.0'?><feed>\ufffe</feed>")
    write(
        out / "feeds/y.atom.xml",
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><content type="html">'
        "&lt;a href='javascript:x()'&gt;a&lt;/a&gt;&lt;script&gt;x()&lt;/script&gt;"
        "</content></entry></feed>",
    )
    write(out / "badges/y.svg", '<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>')
    write(out / "badges/x.svg", "<svg><text>a &nbsp; b</text></svg>")
    write(out / "data/x.json", '{"a": NaN}')
    write(out / "data/x.csv", "a,b\n1,2,3\n")
    (out / "data/x.ods").write_bytes(b"not a zip")
    problems = "\n".join(check_outputs(out, theme))
    for words in ("html: ValueError: U+0001", "x.atom.xml", "x.svg", "x.json", "x.csv", "x.ods"):
        assert words in problems, words
    (out / "index.html").write_text((out / "index.html").read_text().replace("\x01", ""))
    problems = "\n".join(check_outputs(out, theme))
    for words in (
        "onclick=",
        "jAvascript",
        "scripts the theme did not write",
        "JSON-LD",
        "y.atom.xml (HTML of an entry): href='javascript:x()'",
        "y.atom.xml: scripts in an entry",
        "y.svg: onload=",
    ):
        assert words in problems, words


# --- the tests: submissions ------------------------------------------------------------

ENVELOPE_BASE: dict[str, dict[str, Any]] = {
    "register-actor": {
        "name": "Acteur",
        "kind": "association",
        "territory": "Valbrune",
        "description": "Une association.",
    },
    "propose-challenge": {
        "title": "Défi",
        "summary": "Un défi.",
        "facilitator": {"name": "Claire", "organisation": "Réseau"},
        "themes": ["mobilité"],
        "body": "Le problème.",
    },
    "propose-common": {
        "title": "Commun",
        "summary": "Un commun.",
        "challenges": ["mobilite"],
        "proposed_by": ["asso"],
        "governance": "Une assemblée.",
        "needs": [{"kind": "skills", "description": "Du code."}],
        "deliverables": [{"title": "Version 1"}],
        "budget": {"lines": [{"label": "Développement", "amount": "1000"}]},
        "tags": ["vélo"],
        "body": "Le commun.",
    },
    "join": {"actor": "asso", "common": "covoit", "role": "user", "note": "Merci."},
    "pledge": {
        "actor": "asso",
        "common": "covoit",
        "skills": {"days": "1", "description": "Des tests."},
        "means": {"description": "Un serveur."},
        "note": "Merci.",
    },
    "report": {
        "common": "covoit",
        "title": "Bilan",
        "spent": [{"label": "Développement", "amount": "0.01"}],
        "body": "Fait.",
    },
    "withdraw": {"pledge": "p2", "note": "Budget réaffecté."},
}
"""A valid envelope's data of each type, with a place for every free-text field of its form."""
SLUGGED = {"register-actor": "name", "propose-challenge": "title", "propose-common": "title"}


def form_text_fields(kind: str) -> list[Path_]:
    """The free-text fields a submission of ``kind`` fills: the model's, under a form field."""
    model, fields = FORMS[kind]
    return [
        path
        for path, free in model_paths(model)
        if free and any(path[: len(f.path)] == f.path for f in fields)
    ]


def envelope(kind: str, i: int, strings: list[str], keep: Path_ | None = None) -> dict[str, Any]:
    """Envelope i of ``kind``: string i + j in its j-th free-text field (but ``keep``)."""
    data = json.loads(json.dumps(ENVELOPE_BASE[kind]))
    for j, path in enumerate(form_text_fields(kind)):
        if path != keep:
            set_path(data, _resolve(data, path), strings[(i + j) % len(strings)])
    if kind in SLUGGED:  # a slug of its own: names alike would otherwise be refused as taken
        data["slug"] = f"h-{kind}-{i}"
    day = date(2026, 1, 1) + timedelta(days=i % 300)  # a report's slug is its common, day, title
    return {
        "id": f"form-{kind}-{i}",
        "type": kind,
        "submitted_at": f"{day.isoformat()}T10:00:00Z",
        "source": "form",
        "contact": {"name": strings[(i + 7) % len(strings)], "email": "x@example.org"},
        "data": data,
    }


def malformed(strings: list[str]) -> dict[str, bytes]:
    """Envelope files that are not envelopes, or whose every key is wrong."""
    files: dict[str, bytes] = {
        "not-json.json": b"{not json",
        "empty.json": b"",
        "array.json": b"[]",
        "null.json": b"null",
        "not-utf8.json": b'{"id": "form-x", "type": "\xff\xfe"}',
        "bom.json": "\ufeff".encode() + json.dumps(envelope("join", 0, ["Merci"])).encode(),
        "nested.json": b'{"data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        "yaml-bomb.yml": b"a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n",
        "tabs.yml": b"id:\tform-t\n",
        "upper.JSON": json.dumps(envelope("join", 1, ["Merci"])).encode(),
    }
    wrong = [
        {"type": "join"},
        {"id": 12, "type": ["pledge"], "submitted_at": 5, "source": None, "data": []},
        {**envelope("join", 2, ["x"]), "data": "x"},
        {**envelope("join", 3, ["x"]), "id": "form-" + "a" * 10_000},
        {**envelope("join", 4, ["x"]), "id": "form-`x`` @octocat [a](https://e.vil)"},
        {**envelope("join", 5, ["x"]), "id": "../../content/actors/asso"},
        {**envelope("join", 6, ["x"]), "extra": "key"},
        {**envelope("pledge", 7, ["x"]), "author": {"login": "[x](https://e.vil)"}},
    ]
    for n, data in enumerate(wrong):
        files[f"wrong-{n}.json"] = json.dumps(data).encode()
    for i, text in enumerate(strings):  # every string as the id, the type, the date, the source
        data = envelope("join", i, ["Merci"])
        data.update(
            id=text,
            type=strings[(i + 1) % len(strings)],
            submitted_at=strings[(i + 2) % len(strings)],
            source=strings[(i + 3) % len(strings)],
        )
        files[f"keys-{i}.json"] = json.dumps(data).encode()
    return files


LIVE = ("link_open", "image", "html_block", "html_inline")
"""What a submitted value may never become in a report or the summary (GitHub renders them:
links, images, raw HTML; bare addresses too, through linkify)."""


def live_markdown(text: str) -> list[str]:
    """The tokens of a GitHub-flavoured rendering that no quoted value may produce."""
    found = []
    for token in gfm().parse(text):
        for t in [token, *(token.children or [])]:
            if t.type in LIVE:
                found.append(f"{t.type}: {(t.content or t.attrs.get('href', ''))!r:.80}")
    return found


@pytest.fixture(scope="module")
def processed(tmp_path_factory) -> Iterator[tuple[Path, dict[str, bytes], int, str, str]]:
    """A small call whose inbox got every string in every text field of every submission
    type, and the malformed envelopes; processed once through the CLI. Without fsync: the
    run's 8 000 writes would wait a minute on the disk, and what a killed run leaves is
    tests/test_crash.py's business."""
    root = submissions_site(tmp_path_factory.mktemp("submissions"), MINIMAL)
    inbox = root / "submissions" / "inbox"
    files = malformed(STRINGS)
    for kind in SUBMISSION_TYPES:
        for i in range(N):
            files[f"form-{kind}-{i}.json"] = json.dumps(envelope(kind, i, STRINGS)).encode()
    for i in range(N):  # a spent label must name a budget line: the others' strings, accepted
        data = envelope("report", i, STRINGS, keep=TIED_REPORT)
        files[f"form-report-kept-{i}.json"] = json.dumps({**data, "id": f"form-rk-{i}"}).encode()
    for name, data in files.items():
        (inbox / name).write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "fsync", lambda fd: None)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--root", str(root), "process", "--today", "2026-11-26"])
    yield root, files, code, out.getvalue(), err.getvalue()


def test_every_submission_type_has_its_text_fields_covered():
    for kind in SUBMISSION_TYPES:
        fields = form_text_fields(kind)
        assert fields, kind
        data = ENVELOPE_BASE[kind]
        for path in fields:
            _resolve(data, path)  # ENVELOPE_BASE has a place for it (KeyError otherwise)


def test_process_loses_nothing_and_writes_what_loads(processed):
    root, files, code, out, err = processed
    assert code == 0, err
    assert "Traceback" not in out + err
    submissions = root / "submissions"
    lost, twice = [], []
    for name in files:
        where = [f for f in ("processed", "rejected") if (submissions / f / name).is_file()]
        (lost if not where else twice if len(where) > 1 else []).append(name)
    assert not lost and not twice, (lost[:20], twice[:20])
    assert not [p.name for p in (submissions / "inbox").iterdir()]
    rejected = {p.name for p in (submissions / "rejected").iterdir() if p.name in files}
    reports = list((submissions / "rejected").glob("*.report.md"))
    assert len(reports) == len(rejected)
    accepted = Counter(name.rsplit("-", 1)[0] for name in files if name not in rejected)
    # Enough of each type is accepted for the outputs below to show its texts (a report whose
    # spent label is not a budget line's is refused: report-kept keeps that one).
    for kind in (*(k for k in SUBMISSION_TYPES if k not in ("report", "withdraw")), "report-kept"):
        assert accepted[f"form-{kind}"] > N / 2, (kind, accepted)
    assert accepted["form-withdraw"] == 1, accepted  # a pledge is withdrawn once
    load_catalogue(root / "content")
    # Each refusal of a field's value names the field, not the envelope.
    for report in (submissions / "rejected").glob("form-*.report.md"):
        text = report.read_text(encoding="utf-8")  # in French, the site's language
        reasons = [line for line in text.splitlines() if line.startswith("- ")]
        assert reasons and not any("(soumission)" in line for line in reasons), report.name


def test_reports_and_summary_carry_no_live_markdown(processed):
    root, _, _, out, _ = processed
    problems = [f"summary: {p}" for p in live_markdown(out)]
    for report in sorted((root / "submissions" / "rejected").glob("*.report.md")):
        problems += [f"{report.name}: {p}" for p in live_markdown(report.read_text("utf-8"))]
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems[:60])


def test_the_site_with_every_submission_builds_safely(processed, theme, tmp_path):
    root = processed[0]
    output = build_site(root / "content", tmp_path / "out")
    problems = check_outputs(output, theme)
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems[:60])
