"""schema.org JSON-LD in the common's and challenge's pages (appel_a_communs.site.jsonld).

Each page is built for real, its ``<script type="application/ld+json">`` read as a browser
reads it (the HTML parser ends a script at the first ``</script``), parsed, and expanded
by a maintained JSON-LD processor (PyLD) against schema.org's own context, vendored in
tests/corpora/schemaorg/ and served by a document loader that serves nothing else: no
network request. The types and properties are then looked up in schema.org's vocabulary
of the same release (which types exist, which properties they may carry), and the values
are checked by hand, the money against the amounts the same page shows.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
from conftest import MINIMAL, REPO, SAMPLE, build_site, nu_errors
from pyld import jsonld

from appel_a_communs.site.exact_json import exact_json
from appel_a_communs.site.formatting import format_money
from appel_a_communs.site.jsonld import license_value, script_text

CORPUS = REPO / "tests" / "corpora" / "schemaorg"
SCHEMA = "http://schema.org/"
"""The vocabulary's IRIs: schema.org's context maps its terms to http://schema.org/."""
SITE = "https://appel.example.org"
LOCAL_BASE = "https://local.test/"
"""Where a site built without SITEURL is taken to be served, to resolve its addresses."""

# --- reading a page's JSON-LD ----------------------------------------------------------


class _Scripts(HTMLParser):
    """The ``<script>`` elements of a page as the HTML parser splits them: (where, type,
    text), where is head or body."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[str, str | None, str]] = []
        self._in: tuple[str, str | None] | None = None
        self._where = "head"

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self._where = "body"
        if tag == "script":
            self._in = (self._where, dict(attrs).get("type"))
            self.scripts.append((*self._in, ""))

    def handle_data(self, data):
        if self._in is not None:
            where, kind, text = self.scripts[-1]
            self.scripts[-1] = (where, kind, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = None


def scripts(html: str) -> list[tuple[str, str | None, str]]:
    parser = _Scripts()
    parser.feed(html)
    parser.close()
    return parser.scripts


def page_jsonld(page: Path) -> tuple[dict, str]:
    """The page's one JSON-LD object (amounts as Decimal) and its raw text."""
    found = [s for s in scripts(page.read_text(encoding="utf-8")) if s[1] == "application/ld+json"]
    assert len(found) == 1, page
    where, _, text = found[0]
    assert where == "head", page
    return json.loads(text, parse_float=Decimal), text


def loader(url: str, options=None) -> dict:
    """PyLD's document loader: schema.org's context from the vendored copy, nothing else."""
    if url.rstrip("/") not in ("https://schema.org", "http://schema.org"):
        raise AssertionError(f"the JSON-LD processor asked for {url}")
    return {"contextUrl": None, "documentUrl": url, "document": schema_context()}


@cache
def schema_context() -> dict:
    return json.loads((CORPUS / "schemaorgcontext.jsonld").read_text(encoding="utf-8"))


def expand(data: dict, base: str) -> list[dict]:
    plain = json.loads(exact_json(data))  # PyLD takes numbers as floats
    return jsonld.expand(plain, {"base": base, "documentLoader": loader})


# --- schema.org's vocabulary -----------------------------------------------------------


def _ids(value) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [SCHEMA + v["@id"][7:] for v in values if v["@id"].startswith("schema:")]


@cache
def vocabulary() -> tuple[dict[str, set[str]], dict[str, tuple[set[str], set[str]]]]:
    """(class → its superclasses, property → (domainIncludes, rangeIncludes))."""
    graph = json.loads((CORPUS / "schemaorg-current-http.jsonld").read_text("utf-8"))["@graph"]
    classes: dict[str, set[str]] = {}
    properties: dict[str, tuple[set[str], set[str]]] = {}
    for node in graph:
        if not node["@id"].startswith("schema:"):
            continue
        iri = SCHEMA + node["@id"][7:]
        kinds = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
        if "rdfs:Class" in kinds:
            classes[iri] = set(_ids(node.get("rdfs:subClassOf", [])))
        if "rdf:Property" in kinds:
            properties[iri] = (
                set(_ids(node.get("schema:domainIncludes", []))),
                set(_ids(node.get("schema:rangeIncludes", []))),
            )
    return classes, properties


def ancestors(iri: str) -> set[str]:
    classes, _ = vocabulary()
    found, todo = set(), [iri]
    while todo:
        each = todo.pop()
        if each not in found:
            found.add(each)
            todo.extend(classes.get(each, ()))
    return found


def vocabulary_problems(expanded: list[dict]) -> list[str]:
    """Every type that schema.org lacks, every property it lacks, used on a type outside
    its domain, or holding a typed node outside its range."""
    classes, properties = vocabulary()
    problems: list[str] = []

    def check(node: dict, path: str) -> None:
        types = node.get("@type", [])
        for each in types:
            if each not in classes:
                problems.append(f"{path}: no type {each}")
        lineage = set().union(*(ancestors(t) for t in types)) if types else set()
        for key, values in node.items():
            if key.startswith("@"):
                continue
            if key not in properties:
                problems.append(f"{path}: no property {key}")
                continue
            domain, range_ = properties[key]
            if types and not domain & lineage:
                problems.append(f"{path}: {key} is not a property of {types}")
            for i, value in enumerate(values):
                if "@value" in value:
                    continue
                inner = value.get("@type", [])
                if inner and not range_ & set().union(*(ancestors(t) for t in inner)):
                    problems.append(f"{path}.{key}: {inner} outside {sorted(range_)}")
                check(value, f"{path}.{key}[{i}]")

    for i, node in enumerate(expanded):
        check(node, f"[{i}]")
    return problems


def test_the_vocabulary_check_can_fail():
    """A made-up property, a property outside its domain, a node outside a range."""
    doc = {"@context": "https://schema.org", "@type": "CreativeWork", "name": "x",
           "codeRepository": "https://git.example.org/x", "fundingLevel": "high",
           "creator": {"@type": "MonetaryAmount", "value": 1}}  # fmt: skip
    problems = vocabulary_problems(expand(doc, SITE + "/"))
    assert len(problems) == 3, problems
    assert any("codeRepository is not a property" in p for p in problems)
    assert any("no property http://schema.org/fundingLevel" in p for p in problems)
    assert any(".http://schema.org/creator: " in p for p in problems)


# --- the sites -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def published_site(tmp_path_factory) -> Path:
    """The sample call, published at an address (SITEURL set)."""
    return build_site(SAMPLE, tmp_path_factory.mktemp("jsonld") / "output", SITEURL=SITE)


def page_paths(site: Path) -> list[Path]:
    return sorted([*site.glob("communs/*/index.html"), *site.glob("defis/*/index.html")])


def text_of(html: str) -> str:
    """The page without its scripts: what a reader sees (entities kept, as format_money)."""
    return re.sub(r"<script\b.*?</script>", "", html, flags=re.S).replace("&nbsp;", "\u00a0")


def grants(data: dict) -> list[dict]:
    return data.get("funding", [])


def values(data: dict) -> list[Decimal]:
    return [g["amount"]["value"] for g in grants(data) if "amount" in g]


def funders(grant: dict) -> list[dict]:
    found = grant["funder"]
    return found if isinstance(found, list) else [found]


@pytest.mark.parametrize("which", ["published", "local"])
def test_every_page_holds_schema_org_the_processor_expands(which, published_site, followup_site):
    site = published_site if which == "published" else followup_site
    pages = page_paths(site)
    counted = [
        json.loads((site / f"data/{name}.json").read_text()) for name in ("commons", "challenges")
    ]
    assert len(pages) == sum(map(len, counted)) >= 3
    for page in pages:
        data, _ = page_jsonld(page)
        url = page.parent.relative_to(site).as_posix() + "/"
        base = f"{SITE}/{url}" if which == "published" else LOCAL_BASE + url
        expanded = expand(data, base)
        assert len(expanded) == 1, page
        assert vocabulary_problems(expanded) == [], page
        node = expanded[0]
        assert node["@id"] == base, page  # the node is the page's own address
        assert node[SCHEMA + "url"] == [{"@id": base}], page
        assert node[SCHEMA + "isPartOf"][0]["@id"] == urljoin(base, "../../")
        # Every term of the page is schema.org's: none is dropped or left as a blank key.
        assert set(data) - {"@context"} == {k.removeprefix(SCHEMA) for k in node}, page


def test_other_pages_hold_none(published_site):
    for page in ("index.html", "acteurs/metropole-valbrune/index.html", "financement/index.html",
                 "donnees/index.html", "communs/index.html"):  # fmt: skip
        html = (published_site / page).read_text(encoding="utf-8")
        assert "application/ld+json" not in html.split("<main", 1)[0], page


def test_a_software_common_with_a_repository(published_site):
    data, _ = page_jsonld(published_site / "communs/registre-trajets-covoiturage/index.html")
    page = f"{SITE}/communs/registre-trajets-covoiturage/"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "SoftwareSourceCode"
    assert (data["@id"], data["url"]) == (page, page)
    assert data["name"] == "Registre ouvert des trajets de covoiturage"
    assert data["description"].startswith("Un registre libre qui certifie les trajets")
    assert data["keywords"] == ["covoiturage", "incitations", "vie privée", "api"]
    assert data["creativeWorkStatus"] == "stable"
    assert data["license"] == "https://spdx.org/licenses/AGPL-3.0-or-later.html"
    assert data["codeRepository"] == "https://git.example.org/roule-ensemble/registre-trajets"
    assert data["sameAs"] == "https://registre-covoiturage.example/"
    assert [(a["@type"], a["name"], a["url"]) for a in data["creator"]] == [
        ("Organization", "Coopérative Roule Ensemble",
         f"{SITE}/acteurs/cooperative-roule-ensemble/"),
        ("GovernmentOrganization", "Métropole de Valbrune", f"{SITE}/acteurs/metropole-valbrune/"),
    ]  # fmt: skip
    assert [a["name"] for a in data["maintainer"]] == ["Coopérative Roule Ensemble"]
    assert {a["@type"] for a in data["contributor"]} == {"Corporation", "ResearchOrganization"}
    assert [c["url"] for c in data["about"]] == [
        f"{SITE}/defis/covoiturage-du-quotidien/",
        f"{SITE}/defis/donnees-ouvertes-transport/",
    ]
    assert data["isPartOf"] == {"@type": "WebSite", "@id": f"{SITE}/", "url": f"{SITE}/",
                                "name": "Communs des mobilités du quotidien"}  # fmt: skip
    # One grant per funder whose money counts; the conditional 10 000 of Ponant waits for the
    # minimum goal (70 000, with 53 000 secured): pending, it is no grant.
    given = {(funders(g)[0]["name"], g["amount"]["value"], g["amount"]["currency"])
             for g in grants(data)}  # fmt: skip
    assert given == {
        ("Métropole de Valbrune", Decimal("30000.00"), "EUR"),
        ("Kilomètre Partagé", Decimal("8000.00"), "EUR"),
        ("Syndicat mixte des mobilités de l'Estuaire", Decimal("15000.00"), "EUR"),
    }
    assert {g["url"] for g in grants(data)} == {f"{SITE}/financement/"}
    assert all("Ponant" not in f["name"] for g in grants(data) for f in funders(g))


def test_a_common_that_is_not_software_is_a_creative_work(published_site):
    data, _ = page_jsonld(
        published_site / "communs/guide-plateformes-mobilite-solidaire/index.html"
    )
    assert data["@type"] == "CreativeWork"
    assert "codeRepository" not in data


def test_a_compound_licence_names_its_expression_and_links_each_licence(published_site):
    data, _ = page_jsonld(published_site / "communs/validateur-gtfs/index.html")
    assert data["license"] == {
        "@type": "CreativeWork",
        "name": "MIT OR Apache-2.0",
        "hasPart": [{"@id": "https://spdx.org/licenses/MIT.html"},
                    {"@id": "https://spdx.org/licenses/Apache-2.0.html"}],
    }  # fmt: skip
    assert license_value("mit") == "https://spdx.org/licenses/MIT.html"  # SPDX's own case
    assert license_value("GPL-2.0-only WITH Classpath-exception-2.0")["hasPart"] == [
        {"@id": "https://spdx.org/licenses/GPL-2.0-only.html"},
        {"@id": "https://spdx.org/licenses/Classpath-exception-2.0.html"},
    ]


def test_grants_add_up_to_what_each_page_shows(published_site):
    """On every common's page, the grants are the money that counts: the common's secured
    money (commons.json), and each amount is shown on the page itself."""
    records = {c["slug"]: c for c in json.loads((published_site / "data/commons.json").read_text())}
    for page in published_site.glob("communs/*/index.html"):
        data, _ = page_jsonld(page)
        record = records[page.parent.name]
        assert sum(values(data), Decimal(0)) == Decimal(record["secured"]), page
        shown = text_of(page.read_text(encoding="utf-8"))
        for value in values(data):
            assert format_money(value, "EUR", "fr") in shown, (page, value)
    # An open round's matching is an estimate, not a grant.
    assert not any(g.get("description") for p in published_site.glob("communs/*/index.html")
                   for g in grants(page_jsonld(p)[0]))  # fmt: skip


def test_a_challenge_is_part_of_the_call_and_subject_of_its_commons(published_site):
    data, _ = page_jsonld(published_site / "defis/covoiturage-du-quotidien/index.html")
    assert data["@type"] == "CreativeWork"
    assert data["url"] == f"{SITE}/defis/covoiturage-du-quotidien/"
    assert data["name"] == "Faire du covoiturage du quotidien une solution fiable"
    assert data["creativeWorkStatus"] == "open"
    assert data["isPartOf"]["url"] == f"{SITE}/"
    assert data["isPartOf"]["name"] == "Communs des mobilités du quotidien"
    challenges = json.loads((published_site / "data/challenges.json").read_text())
    record = next(c for c in challenges if c["slug"] == "covoiturage-du-quotidien")
    answering = {f"{SITE}/communs/{slug}/" for slug in record["commons"]}
    assert len(answering) >= 2
    assert {c["url"] for c in data["subjectOf"]} == answering
    # ...and each of those commons says it is about the challenge: the same node.
    for common in data["subjectOf"]:
        slug = common["url"].rstrip("/").rsplit("/", 1)[1]
        about = page_jsonld(published_site / f"communs/{slug}/index.html")[0]["about"]
        assert data["@id"] in {c["@id"] for c in about}


# --- a call of two rounds, the current one sealed (tests/calls/followup) ----------------


def test_closed_round_grants_and_matching_and_the_sealed_round_total(followup_site):
    """Built without SITEURL: addresses are relative to the page. 2025 is closed: one grant
    per funder (the coop's conditional pledge met its condition) and the matching; 2026 is
    sealed: one grant from its funders, without the secured money the page shows, since a
    single funder's total would be its own amount."""
    page = followup_site / "communs/covoit/index.html"
    data, _ = page_jsonld(page)
    assert data["@id"] == "../../communs/covoit/"
    assert data["@type"] == "CreativeWork"
    assert data["creator"][0]["url"] == "../../acteurs/asso/"
    assert data["creator"][0]["@type"] == "NGO"
    given = [(g["name"], g["url"], g.get("description"), [f["@id"] for f in funders(g)],
              g.get("amount", {}).get("value")) for g in grants(data)]  # fmt: skip
    assert given == [
        ("Édition 2025", "../../tours/2025/", None, ["../../acteurs/ville/"], Decimal("6000.00")),
        ("Édition 2025", "../../tours/2025/", None, ["../../acteurs/region/"], Decimal("5000.00")),
        ("Édition 2025", "../../tours/2025/", None, ["../../acteurs/coop/"], Decimal("2000.00")),
        ("Édition 2025", "../../tours/2025/", None, ["../../acteurs/asso/"], Decimal("4000.00")),
        (
            "Édition 2025",
            "../../tours/2025/#matching-title",
            "Abondement",
            ["../../acteurs/ville/"],
            Decimal("2000.00"),
        ),
        ("Édition 2026", "../../financement/", None, ["../../acteurs/ville/"], None),
    ]
    expanded = expand(data, LOCAL_BASE + "communs/covoit/")
    funding = expanded[0][SCHEMA + "funding"]
    assert funding[-1][SCHEMA + "funder"][0]["@id"] == LOCAL_BASE + "acteurs/ville/"
    assert SCHEMA + "amount" not in funding[-1]  # one funder: its total is its amount
    shown = text_of(page.read_text(encoding="utf-8"))
    for value in values(data):
        assert format_money(value, "EUR", "fr") in shown, value
    assert "Sécurisé\u00a0: 3\u202f000,00\u00a0€" in shown  # the sealed round's total, shown


def test_the_open_data_page_documents_it(followup_site, published_site):
    local = (followup_site / "donnees/index.html").read_text(encoding="utf-8")
    published = (published_site / "donnees/index.html").read_text(encoding="utf-8")
    for html in (local, published):
        assert 'id="jsonld-title"' in html and "MonetaryGrant" in html
    assert "SITEURL" in local and "SITEURL" not in published


# --- a sealed round with two funders; hostile text -------------------------------------

SEALED = {
    "campaign.yml": "opens: 2026-09-01\ncloses: 2027-03-31\nsealed: {sealed}\n",
    "actors/asso.yml": "name: Association Roule\nkind: association\n",
    "actors/coop.yml": "name: Coopérative\nkind: company\n",
    "pledges/p1.yml": "actor: ville\ncommon: covoit\ndate: 2026-10-01\n"
    'money:\n  amount: "1234.56"\n',
    "pledges/p2.yml": "actor: asso\ncommon: covoit\ndate: 2026-10-05\n"
    'money:\n  amount: "2345.67"\n  condition:\n    total_at_least: "1000"\n',
    "pledges/p3.yml": "actor: coop\ncommon: covoit\ndate: 2026-10-06\n"
    'money:\n  amount: "4321.09"\n  condition:\n    total_at_least: "100000"\n',
}
"""Two funders whose money counts (1234.56 firm, 2345.67 whose condition is met: 3580.23
secured) and one whose conditional pledge is pending (4321.09)."""


def sealed_files(sealed: bool) -> dict[str, str]:
    return {**SEALED, "campaign.yml": SEALED["campaign.yml"].format(sealed=str(sealed).lower())}


@pytest.mark.parametrize("sealed", [True, False])
def test_a_sealed_round_shows_its_total_only_and_a_pending_pledge_is_no_grant(
    make_content, tmp_path, sealed
):
    site = build_site(make_content(sealed_files(sealed)), tmp_path / "out", SITEURL=SITE)
    page = site / "communs/covoit/index.html"
    data, text = page_jsonld(page)
    ville = {"@type": "GovernmentOrganization", "@id": f"{SITE}/acteurs/ville/",
             "url": f"{SITE}/acteurs/ville/", "name": "Ville de Valbrune"}  # fmt: skip
    asso = {"@type": "NGO", "@id": f"{SITE}/acteurs/asso/", "url": f"{SITE}/acteurs/asso/",
            "name": "Association Roule"}  # fmt: skip
    money = {"@type": "MonetaryAmount", "currency": "EUR"}
    base = {"@type": "MonetaryGrant", "url": f"{SITE}/financement/"}
    if sealed:
        assert grants(data) == [
            {**base, "funder": [ville, asso], "amount": {**money, "value": Decimal("3580.23")}}
        ]
        for secret in ("1234", "2345", "4321"):
            assert secret not in text
    else:
        assert grants(data) == [
            {**base, "funder": ville, "amount": {**money, "value": Decimal("1234.56")}},
            {**base, "funder": asso, "amount": {**money, "value": Decimal("2345.67")}},
        ]
        assert "4321" not in text  # pending: shown on the page, granted by nobody
    shown = text_of(page.read_text(encoding="utf-8"))
    for value in values(data):
        assert format_money(value, "EUR", "fr") in shown
    assert vocabulary_problems(expand(data, f"{SITE}/communs/covoit/")) == []


HOSTILE = "</script><script>alert(1)</script><!-- & ]]>"


def test_hostile_text_stays_inside_the_json(make_content, tmp_path):
    common = MINIMAL["commons/covoit.md"].replace("title: Covoiturage ouvert",
                                                  f"title: '{HOSTILE}'")  # fmt: skip
    common = common.replace(
        "summary: Un registre ouvert des trajets.",
        "summary: 'Résumé </SCRIPT > <script src=//evil.example/x.js>'",
    )
    actor = "name: 'Asso </script><b>&amp;</b>'\nkind: association\n"
    challenge = MINIMAL["challenges/mobilite.md"].replace("title: Mobilité rurale",
                                                          "title: '<!--<script>'")  # fmt: skip
    content = make_content({"commons/covoit.md": common, "actors/asso.yml": actor,
                            "challenges/mobilite.md": challenge})  # fmt: skip
    site = build_site(content, tmp_path / "out")
    for path in ("communs/covoit/index.html", "defis/mobilite/index.html"):
        html = (site / path).read_text(encoding="utf-8")
        found = scripts(html)
        assert [(w, k) for w, k, _ in found] == [("head", "application/ld+json")], path
        assert not re.search(r"[<>&]", found[0][2]), path
    data, _ = page_jsonld(site / "communs/covoit/index.html")
    assert data["name"] == HOSTILE
    assert data["description"] == "Résumé </SCRIPT > <script src=//evil.example/x.js>"
    assert data["creator"][0]["name"] == "Asso </script><b>&amp;</b>"
    assert data["about"][0]["name"] == "<!--<script>"
    assert page_jsonld(site / "defis/mobilite/index.html")[0]["name"] == "<!--<script>"


def test_script_text_escapes_what_could_end_the_element():
    text = script_text({"a": "</script>&<!--", "b": [Decimal("1.5"), 2, None, True]})
    assert str(text) == '{"a":"\\u003c/script\\u003e\\u0026\\u003c!--","b":[1.50,2,null,true]}'
    assert json.loads(text) == {"a": "</script>&<!--", "b": [1.5, 2, None, True]}
    with pytest.raises(ValueError):
        exact_json({"v": Decimal("NaN")})
    with pytest.raises(TypeError):
        exact_json({"v": 1.5})  # a float is never written


def test_the_pages_are_valid_html(followup_site, make_content, tmp_path):
    site = build_site(make_content(sealed_files(True)), tmp_path / "sealed")
    pages = [*page_paths(followup_site), *page_paths(site), followup_site / "donnees/index.html"]
    errors = nu_errors(*pages)
    assert not errors, "\n".join(errors[:30])


def test_a_sealed_total_the_page_would_not_show_is_left_out(make_content):
    """A common without a goal shows its secured money in its follow-up only: without that
    section, a sealed round's grant names its funders and no amount. (Two funders: with
    one, the grant never has an amount.)"""
    import dataclasses
    from datetime import date

    from appel_a_communs.site.jsonld import address_of, funding_grants
    from appel_a_communs.site.urls import DEFAULT_PATTERNS, SiteUrls
    from appel_a_communs.site.view import load_call

    common = MINIMAL["commons/covoit.md"]
    common = common[: common.index("        budget:")] + "        ---\n        Le commun.\n"
    campaign = "opens: 2026-09-01\ncloses: 2027-03-31\nsealed: true\nallow_overfunding: true\n"
    second = 'actor: asso\ncommon: covoit\ndate: 2026-10-03\nmoney:\n  amount: "100"\n'
    view = load_call(make_content({"commons/covoit.md": common, "campaign.yml": campaign,
                                   "pledges/p3.yml": second}), date(2026, 11, 26))  # fmt: skip
    urls = SiteUrls(DEFAULT_PATTERNS, {})
    covoit = view.commons_by_slug["covoit"]
    address = address_of(SITE, "communs/covoit/")
    [shown] = funding_grants(view, urls, covoit, address)
    assert shown["amount"]["value"] == Decimal("2600.50")  # "2 600,50 € secured" in follow-up
    [hidden] = funding_grants(dataclasses.replace(view, follow_up={}), urls, covoit, address)
    assert "amount" not in hidden
    assert [f["name"] for f in hidden["funder"]] == ["Ville de Valbrune", "Association Roule"]
    # The same round with a single funder: no amount, whatever the page shows.
    alone = dataclasses.replace(view, statements={"ville": view.statements["ville"]})
    [single] = funding_grants(alone, urls, covoit, address)
    assert "amount" not in single and single["funder"]["name"] == "Ville de Valbrune"
