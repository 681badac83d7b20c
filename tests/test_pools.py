"""Several matching funders in one round (issue 27): ``matching`` as a list of pools,
each with its own rules, computed on its own over the commons it may fund.

The call below has two pools whose rules overlap, figures worked out by hand:

- ``etat`` (quadratic, a pool of 1 000, challenge ``rurale`` only, ``max_share`` 0.5):
  ``both`` (d1 100 + d2 100: V = 200), ``first`` (d1 400 + d2 100: V = 2√40 000 = 400),
  ``capped`` (d1 100 + d3 100: V = 200). ΣV = 800, the money secured (900) is below the
  pool: saturation, factor 900 / 800 = 1.125: 225, 450, 225. ``capped``'s limit is 0.5 ×
  its stretch goal 400 = 200: cut to 200, its excess 25 shared between ``both`` and
  ``first`` in proportion to their match (225 : 450): 233.333…, 466.666…; to the cent by
  the largest remainder: 233.33, 466.67, 200.00; 900.00 distributed, 100.00 left.
- ``fondation`` (proportional, ratio 1, a pool of 600, commons proposed by an
  association only): ``both`` (200 secured) and ``second`` (700): 900 > 600, scaled by
  2/3: 133.333…, 466.666… → 133.33, 466.67; 600.00 distributed, 0.00 left.

So ``both`` 366.66 (233.33 + 133.33), ``first`` 466.67, ``second`` 466.67, ``capped``
200.00. One more funder of 100 for ``both``: in ``etat``, V = 30² − 300 = 600, ΣV 1 200,
secured 1 000: factor 1 000 / 1 200, its match 500 (its limit 0.5 × 1 000, the others
below theirs): +266.67; in ``fondation`` 300 × 600 / 1 000 = 180: +46.67; 313.34 in all.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import build_site, write
from lxml import html

from appel_a_communs.content.errors import ContentErrors

ROUND = """
    name: Édition 2026
    opens: 2026-09-01
    closes: 2027-03-31
    matching:
      - funder: etat
        pool: "1000"
        method: quadratic
        min_funders: 2
        challenges: [rurale]
        max_share: "0.5"
      - funder: fondation
        pool: "600"
        method: proportional
        ratio: "1"
        proposer_kinds: [association]
    """


def common(title: str, challenge: str, proposer: str, amount: str) -> str:
    return f"""
        ---
        title: {title}
        summary: Un commun.
        challenges: [{challenge}]
        stage: accepted
        license: CC0-1.0
        proposed_by: [{proposer}]
        budget:
          lines:
            - label: Travaux
              amount: "{amount}"
        ---
        Le commun.
        """


def challenge(title: str) -> str:
    return f"---\ntitle: {title}\nsummary: Un défi.\n---\nLe problème.\n"


def actor(name: str, kind: str) -> str:
    return f"name: {name}\nkind: {kind}\n"


def pledge(who: str, what: str, amount: str, day: int) -> str:
    return f'actor: {who}\ncommon: {what}\ndate: 2026-10-{day:02d}\nmoney:\n  amount: "{amount}"\n'


CALL = {
    "campaign.yml": ROUND,
    "challenges/rurale.md": challenge("Mobilité rurale"),
    "challenges/velo.md": challenge("Vélo"),
    "commons/both.md": common("Les deux", "rurale", "asso", "1000"),
    "commons/first.md": common("Le premier", "rurale", "societe", "2000"),
    "commons/second.md": common("Le second", "velo", "asso", "1000"),
    "commons/capped.md": common("Plafonné", "rurale", "societe", "400"),
    "actors/etat.yml": actor("État", "public-body"),
    "actors/fondation.yml": actor("Fondation Commune", "other"),
    "actors/asso.yml": actor("Association Roule", "association"),
    "actors/societe.yml": actor("Société Trajet", "company"),
    "actors/d1.yml": actor("Donateur Un", "company"),
    "actors/d2.yml": actor("Donatrice Deux", "research"),
    "actors/d3.yml": actor("Donateur Trois", "citizen-group"),
    "pledges/p1.yml": pledge("d1", "both", "100", 1),
    "pledges/p2.yml": pledge("d2", "both", "100", 2),
    "pledges/p3.yml": pledge("d1", "first", "400", 3),
    "pledges/p4.yml": pledge("d2", "first", "100", 4),
    "pledges/p5.yml": pledge("d1", "capped", "100", 5),
    "pledges/p6.yml": pledge("d3", "capped", "100", 6),
    "pledges/p7.yml": pledge("d3", "second", "700", 7),
    "pages/a-propos.md": "---\ntitle: À propos\norder: 1\n---\nUn appel.\n",
}

EXPECTED = {
    "both": ("366.66", [("etat", "233.33"), ("fondation", "133.33")]),
    "first": ("466.67", [("etat", "466.67")]),
    "second": ("466.67", [("fondation", "466.67")]),
    "capped": ("200.00", [("etat", "200.00")]),
}


def make_call(root: Path, files: dict[str, str | None]) -> Path:
    for name, body in {**CALL, **files}.items():
        if body is not None:
            write(root / name, body)
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("pools")
    content = make_call(root / "content", {})
    return build_site(content, root / "en", DEFAULT_LANG="en")


def page(site: Path, path: str) -> html.HtmlElement:
    return html.fromstring((site / path).read_text(encoding="utf-8"))


def text(element: html.HtmlElement) -> str:
    words = re.sub(r"\s+", " ", element.text_content()).strip()
    return words.replace("\u202f", " ").replace("\u00a0", " ")


def test_each_pool_is_computed_on_its_own_over_the_commons_it_may_fund(built):
    records = {c["slug"]: c for c in json.loads((built / "data/commons.json").read_text())}
    for slug, (total, shares) in EXPECTED.items():
        record = records[slug]
        assert record["matching_estimate"] == total, slug
        assert [(m["funder"], m["estimate"]) for m in record["matching"]] == shares, slug
        assert Decimal(total) == sum(Decimal(amount) for _, amount in shares)


def test_rounds_json_gives_each_pool_its_rules_distributed_and_left(built):
    (round_,) = json.loads((built / "data/rounds.json").read_text())
    pools = {p["funder"]: p for p in round_["pools"]}
    assert list(pools) == ["etat", "fondation"]
    assert (pools["etat"]["total"], pools["etat"]["remaining"]) == ("900.00", "100.00")
    assert (pools["fondation"]["total"], pools["fondation"]["remaining"]) == ("600.00", "0.00")
    assert pools["etat"]["challenges"] == ["rurale"] and pools["etat"]["max_share"] == "0.5"
    assert pools["fondation"]["proposer_kinds"] == ["association"]
    assert (pools["etat"]["commons"], pools["fondation"]["commons"]) == (3, 2)
    # the first pool is also the round's matching, as a round of one funder gives it
    assert round_["matching"]["funder"] == "etat"


def test_the_common_page_shows_each_funder_s_share_and_one_more_funder(built):
    both = page(built, "communs/both/index.html")
    shares = [text(li) for li in both.xpath("//ul[@class='matching-shares']/li")]
    assert shares == ["État: €233.33", "Fondation Commune: €133.33"]
    notice = text(both.xpath("//p[contains(., 'One more funder')]")[0])
    assert "€366.66" in notice and "by €313.34" in notice, notice
    # a common only one pool may fund names that funder alone
    first = page(built, "communs/first/index.html")
    assert [text(li) for li in first.xpath("//ul[@class='matching-shares']/li")] == [
        "État: €466.67"
    ]


def test_the_funding_page_shows_each_pool_rules_distributed_and_left(built):
    funding = page(built, "financement/index.html")
    section = funding.get_element_by_id("matching-title").getparent()
    words = text(section)
    assert "Mobilité rurale" in words and "Association" in words
    assert "never exceeds 50% of that common’s stretch goal" in words, words
    figures = [text(dl) for dl in section.xpath(".//dl")]
    assert figures == [
        "Pool€1,000 Matched if the round closed today€900 Left in the pool€100",
        "Pool€600 Matched if the round closed today€600 Left in the pool€0",
    ]
    totals = text(funding.get_element_by_id("totals-title").getparent())
    assert "€1,600" in totals and "€1,500" in totals, totals  # the pools together
    report = text(page(built, "financement/rapport/index.html"))
    assert "Pool: État (€1,000; €100 left)" in report, report


NAMES = {"etat": "État", "fondation": "Fondation Commune"}
TITLES = {"both": "Les deux", "first": "Le premier", "second": "Le second", "capped": "Plafonné"}


def matching_cells(table: html.HtmlElement, label: str) -> dict[str, tuple[str, list[str]]]:
    """Row heading → (the matching cell's own text: the sum, its funders' shares listed)."""
    found = {}
    for tr in table.xpath("tbody/tr | tfoot/tr"):
        (cell,) = tr.xpath(f"td[@data-label='{label}']")
        shares = [text(li) for li in cell.xpath("ul/li")]
        found[text(tr.xpath("th")[0])] = (cell.text.strip(), shares)
    return found


def euros(amount: str, cents: bool) -> str:
    value = Decimal(amount)
    if not cents and value == value.to_integral_value():
        return f"€{value:,.0f}"
    return f"€{value:,.2f}"


@pytest.mark.parametrize(
    ("path", "caption", "label", "cents"),
    [
        ("financement/rapport/index.html", "report-money-caption", "Matching", False),
        ("financement/index.html", "closeness-caption", "Estimated matching", True),
    ],
    ids=["round-report", "funding-page"],
)
def test_the_tables_of_commons_give_each_funder_s_share(built, path, caption, label, cents):
    """The round's report and its funding page: each common's matching, then what each
    pool that may fund it gives it; the report's total, then what each pool distributed."""
    table = page(built, path).get_element_by_id(caption).getparent()
    cells = matching_cells(table, label)
    for slug, (total, shares) in EXPECTED.items():
        expected = [f"{NAMES[funder]}: {euros(amount, cents)}" for funder, amount in shares]
        assert cells.pop(TITLES[slug]) == (euros(total, cents), expected), slug
    if label == "Matching":  # the report's total row
        total = ("€1,500", ["État: €900", "Fondation Commune: €600"])
        assert cells.pop("Total (4 commons)") == total
    assert cells == {}


def test_the_funder_s_page_shows_what_its_pool_matched(built):
    etat = page(built, "acteurs/etat/index.html")
    section = etat.get_element_by_id("pools-title").getparent()
    rows = [[text(c) for c in tr] for tr in section.xpath(".//tbody/tr")]
    assert rows == [["Le premier", "€466.67"], ["Les deux", "€233.33"], ["Plafonné", "€200.00"]]
    assert "Mobilité rurale" in text(section)
    fondation = page(built, "acteurs/fondation/index.html")
    rows = [[text(c) for c in tr] for tr in fondation.xpath("//section//tbody/tr")]
    assert ["Le second", "€466.67"] in rows and ["Les deux", "€133.33"] in rows


def test_the_statement_has_one_matching_row_per_common_and_funder(built):
    folder = built / "data"
    sheets = sorted(folder.rglob("*matching*.csv"))
    assert sheets, sorted(p.name for p in folder.rglob("*.csv"))
    rows = list(csv.DictReader(io.StringIO(sheets[0].read_text(encoding="utf-8"))))
    found = {(r["funder"], r["common"]): (r["eligible"], r["matching_estimate"]) for r in rows}
    assert found[("etat", "both")] == ("yes", "233.33")
    assert found[("fondation", "both")] == ("yes", "133.33")
    assert found[("fondation", "first")] == ("no", "")
    assert found[("etat", "capped")] == ("yes", "200.00")
    assert len(rows) == 8


@pytest.mark.parametrize(
    ("files", "field", "words"),
    [
        pytest.param(
            {"campaign.yml": ROUND.replace("funder: fondation", "funder: etat")},
            "matching[1].funder",
            "two pools",
            id="two-pools-of-one-funder",
        ),
        pytest.param(
            {"campaign.yml": ROUND.replace("challenges: [rurale]", "challenges: [marche]")},
            "matching[0].challenges[0]",
            "no challenge 'marche'",
            id="unknown-challenge",
        ),
        pytest.param(
            {"campaign.yml": ROUND.replace("[association]", "[club]")},
            "matching[1].proposer_kinds[0]",
            "",
            id="unknown-actor-kind",
        ),
        pytest.param(
            {"campaign.yml": ROUND.replace('max_share: "0.5"', 'max_share: "1.5"')},
            "matching[0].max_share",
            "",
            id="max-share-above-1",
        ),
        pytest.param(
            {"campaign.yml": ROUND.replace('max_share: "0.5"', 'max_share: "-0.1"')},
            "matching[0].max_share",
            "",
            id="max-share-below-0",
        ),
        pytest.param(
            {"campaign.yml": ROUND.replace("funder: fondation", "funder: mecene")},
            "matching[1].funder",
            "no actor 'mecene'",
            id="funder-not-an-actor",
        ),
    ],
)
def test_bad_pools_are_refused_with_one_clear_error(tmp_path, files, field, words):
    content = make_call(tmp_path / "content", files)
    with pytest.raises(ContentErrors) as info:
        build_site(content, tmp_path / "out", DEFAULT_LANG="en")
    errors = info.value.errors
    assert len(errors) == 1, [str(e) for e in errors]
    (error,) = errors
    assert Path(error.path).name == "campaign.yml" and error.field == field, str(error)
    assert words in error.message, str(error)


def test_a_bad_pool_is_reported_by_check_without_a_traceback(tmp_path):
    from test_commands import command

    content = make_call(
        tmp_path / "content", {"campaign.yml": ROUND.replace("funder: fondation", "funder: etat")}
    )
    done = command("check", str(content), "--today", "2026-11-26")
    assert done.returncode != 0
    assert "Traceback" not in done.stderr + done.stdout
    assert "campaign.yml" in done.stderr + done.stdout
    assert "matching[1].funder" in done.stderr + done.stdout


def test_one_mapping_is_a_list_of_one(tmp_path):
    """A round of one pool written as a list of one builds the same figures as the mapping."""
    one = ROUND.split("      - funder: fondation")[0]
    mapping = one.replace("      - funder: etat", "      funder: etat").replace(
        "\n        ", "\n      "
    )
    built = {}
    for name, body in (("list", one), ("mapping", mapping)):
        content = make_call(tmp_path / name / "content", {"campaign.yml": body})
        site = build_site(content, tmp_path / name / "out", DEFAULT_LANG="en")
        built[name] = json.loads((site / "data/commons.json").read_text())
        # one funder: the tables of commons give each common's match alone, as they did
        for path in ("financement/rapport/index.html", "financement/index.html"):
            document = page(site, path)
            assert document.xpath("//td[contains(@data-label, 'atching')]"), path
            assert not document.xpath("//*[contains(@class, 'table-shares')]"), path
    assert built["list"] == built["mapping"]
    assert {c["slug"]: c["matching_estimate"] for c in built["list"]}["capped"] == "200.00"


def test_a_closed_round_gives_a_grant_per_matching_funder(tmp_path):
    """Once the round has closed, the JSON-LD of a common has one matching grant per funder
    (its own pool's match), and its funding.json counts their sum in the year's income."""
    content = make_call(tmp_path / "content", {"campaign.yml": None, "rounds/2026.yml": ROUND})
    site = build_site(
        content,
        tmp_path / "out",
        DEFAULT_LANG="en",
        CATALOGUE_TODAY=date(2027, 4, 15),
        SITEURL="https://appel.example.org",
        CATALOGUE_FUNDING_EMAIL="appel@example.org",
    )
    both = page(site, "communs/both/index.html")
    (script,) = both.xpath("//script[@type='application/ld+json']")
    data = json.loads(script.text)
    grants = [
        (node["funder"]["name"], str(node["amount"]["value"]))
        for node in _nodes(data)
        if node.get("@type") == "MonetaryGrant" and node.get("description") == "Matching"
    ]
    assert sorted(grants) == [("Fondation Commune", "133.33"), ("État", "233.33")], grants
    manifest = json.loads((site / "communs/both/funding.json").read_text(encoding="utf-8"))
    (year,) = manifest["funding"]["history"]
    assert (year["year"], Decimal(str(year["income"]))) == (2027, Decimal("566.66"))


def _nodes(data):
    """Every mapping of a JSON-LD document."""
    if isinstance(data, dict):
        yield data
        for value in data.values():
            yield from _nodes(value)
    elif isinstance(data, list):
        for value in data:
            yield from _nodes(value)


def test_a_proportional_pool_is_worded_in_the_call_s_currency(tmp_path):
    """Each unit of the call's currency, not 'each euro': a Swiss call reads francs."""
    franc = ROUND.replace("    closes: 2027-03-31\n", "    closes: 2027-03-31\n    currency: CHF\n")
    content = make_call(tmp_path / "content", {"campaign.yml": franc})
    site = build_site(content, tmp_path / "out", DEFAULT_LANG="en")
    for path in ("financement/index.html", "acteurs/fondation/index.html"):
        words = text(page(site, path))
        # Babel writes "CHF1.00" in English (its currency pattern, no space)
        assert re.search(r"[Ee]ach CHF\s?1 secured receives CHF\s?1\.00 of matching", words), path
        assert "€" not in words and "euro" not in words, path
