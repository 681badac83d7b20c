"""The funding round on real builds: round rules, the funding page, data files, sealed mode."""

from __future__ import annotations

import csv
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import SAMPLE, build_site

from appel_a_communs.content.errors import ContentErrors

CAMPAIGN = "name: Appel test\nopens: 2026-09-01\ncloses: 2027-03-31\n"


def pledge(amount: str, actor: str = "ville", common: str = "covoit", day: str = "2026-10-01"):
    return f'actor: {actor}\ncommon: {common}\ndate: {day}\nmoney:\n  amount: "{amount}"\n'


def errors_of(content: Path, tmp_path: Path) -> list[str]:
    with pytest.raises(ContentErrors) as info:
        build_site(content, tmp_path / "out")
    return [str(e) for e in info.value.errors]


RULES = [
    (
        "allowance",
        {"pledges/p1.yml": pledge("20000.01")},
        "actors/ville.yml: allowance: the money pledged (20000.01 EUR, conditional pledges "
        "included, in ",
    ),
    (
        "cap-per-actor-and-common",
        {
            "campaign.yml": CAMPAIGN + "max_per_actor_per_common: 2000\n",
            "pledges/p3.yml": pledge("100", day="2026-10-03"),
        },
        "p3.yml: money.amount: 'ville' pledges 2600.50 EUR to 'covoit' (",
    ),
    (
        "dated-outside",
        {"pledges/p1.yml": pledge("100", day="2026-08-31")},
        "p1.yml: date: 2026-08-31 is outside the campaign (2026-09-01 to 2027-03-31, campaign.yml)",
    ),
    (
        "overfunding",
        {"pledges/p1.yml": pledge("15000.01")},
        "commons/covoit.md: budget: secured money, 15000.01 EUR (",
    ),
    (
        "archived",
        {
            "commons/vieux.md": "---\ntitle: V\nsummary: S\nchallenges: [mobilite]\n"
            "stage: archived\nproposed_by: [asso]\n---\n",
            "pledges/p3.yml": "actor: asso\ncommon: vieux\ndate: 2026-10-01\n",
        },
        "p3.yml: common: 'vieux' is archived and takes no more pledges",
    ),
]


@pytest.mark.parametrize(("files", "words"), [r[1:] for r in RULES], ids=[r[0] for r in RULES])
def test_round_rules_fail_the_build_naming_the_files(make_content, tmp_path, files, words):
    content = make_content({"campaign.yml": CAMPAIGN, **files})
    errors = errors_of(content, tmp_path)
    assert any(words in e for e in errors), errors
    # every error names the pledge files involved, not only the file it belongs to
    assert all("p1.yml" in e or "p3.yml" in e for e in errors), errors


@pytest.mark.parametrize("files", [r[1] for r in RULES], ids=[r[0] for r in RULES])
def test_without_campaign_no_round_rule_applies(make_content, tmp_path, files):
    files = {k: v for k, v in files.items() if k != "campaign.yml"}
    build_site(make_content(files), tmp_path / "out")


def test_overfunding_allowed_when_the_campaign_says_so(make_content, tmp_path):
    content = make_content(
        {"campaign.yml": CAMPAIGN + "allow_overfunding: true\n", "pledges/p1.yml": pledge("18000")}
    )
    site = build_site(content, tmp_path / "out")
    (record,) = json.loads((site / "data/commons.json").read_text())
    assert (record["status"], record["secured"]) == ("stretch-reached", "18000.00")
    html = (site / "communs/covoit/index.html").read_text()
    assert 'style="width: 100.00%"' in html  # the bar's scale grows with the money


def test_status_is_unfunded_once_the_campaign_closed_below_the_minimum(make_content, tmp_path):
    content = make_content({"campaign.yml": "opens: 2026-09-01\ncloses: 2026-11-01\n"})
    site = build_site(content, tmp_path / "out")
    (record,) = json.loads((site / "data/commons.json").read_text())
    assert record["status"] == "unfunded"
    assert "Non financé" in (site / "communs/covoit/index.html").read_text()


# --- the sample call ------------------------------------------------------------


def test_funding_page_has_totals_charts_and_the_table_by_closeness(sample_site):
    html = (sample_site / "financement/index.html").read_text()
    assert html.count('role="img"') == 2
    for chart_id in ("bars", "flows-svg"):
        assert f'id="{chart_id}-title"' in html and f'id="{chart_id}-desc"' in html
    table = html.split('id="closeness-caption"', 1)[1].split("</table>", 1)[0]
    percents = [int(p) for p in re.findall(r'<td class="num"[^>]*>(\d+)\u202f%</td>', table)]
    assert len(percents) >= 10 and percents == sorted(percents, reverse=True)
    records = json.loads((sample_site / "data/commons.json").read_text())
    total = sum(Decimal(r["matching_estimate"] or 0) for r in records)
    assert total <= Decimal(
        yaml.safe_load((SAMPLE / "campaign.yml").read_text())["matching"]["pool"]
    )
    assert f"{int(total)}" not in ("0",)
    assert "Financement quadratique" in html
    assert "Engagements déclencheurs" in html


def test_common_page_shows_unlock_gap_and_matching(sample_site):
    html = (sample_site / "communs/registre-trajets-covoiturage/index.html").read_text()
    record = next(
        r
        for r in json.loads((sample_site / "data/commons.json").read_text())
        if r["slug"] == "registre-trajets-covoiturage"
    )
    gap = record["unlock_gap"]
    assert Decimal(gap["amount"]) > 0 and Decimal(gap["releases"]) > 0
    assert "de plus en engagements fermes débloqueraient" in html
    assert "Abondement estimé, si la campagne se terminait aujourd’hui" in html
    assert "Un financeur de plus apportant 100\xa0€" in html


def test_data_files_cover_every_pledge_and_actor(sample_site):
    rows = list(csv.DictReader((sample_site / "data/pledges.csv").open(encoding="utf-8")))
    files = sorted(p.stem for p in (SAMPLE / "pledges").glob("*.yml"))
    assert sorted(r["id"] for r in rows) == files
    money = {r["id"]: Decimal(r["amount"]) for r in rows if r["amount"]}
    for path in (SAMPLE / "pledges").glob("*.yml"):
        data = yaml.safe_load(path.read_text())
        if "money" in data:
            assert money[path.stem] == Decimal(str(data["money"]["amount"]))
    actors = json.loads((sample_site / "data/actors.json").read_text())
    assert {a["slug"] for a in actors} == {p.stem for p in (SAMPLE / "actors").glob("*.yml")}
    allocated = {a["slug"]: Decimal(a["allocated"]) for a in actors}
    for actor in allocated:
        assert allocated[actor] == sum(
            (
                v
                for k, v in money.items()
                if next(r for r in rows if r["id"] == k)["actor"] == actor
            ),
            Decimal(0),
        )
    challenges = json.loads((sample_site / "data/challenges.json").read_text())
    assert {c["slug"] for c in challenges} == {p.stem for p in (SAMPLE / "challenges").glob("*.md")}


def test_csv_cells_cannot_be_formulas():
    from appel_a_communs.site.tables import neutralise

    assert neutralise("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert neutralise("@SUM") == "'@SUM" and neutralise("2026-10-01") == "2026-10-01"


# --- sealed mode -------------------------------------------------------------------


def all_output(site: Path) -> str:
    return "\n".join(
        p.read_text(encoding="utf-8")
        for p in site.rglob("*")
        if p.suffix in (".html", ".json", ".csv", ".xml")
    )


SEALED_AMOUNTS = (
    "1234.56",
    "1 234,56",
    "1\u202f234,56",
    "2345.67",
    "2\u202f345,67",
    "2 345,67",
    "987.65",
    "987,65",
)


def sealed_call(make_content, closes: str) -> Path:
    return make_content(
        {
            "campaign.yml": f"opens: 2026-09-01\ncloses: {closes}\nsealed: true\n",
            "pledges/p1.yml": pledge("1234.56"),
            "pledges/p2.yml": "actor: asso\ncommon: covoit\ndate: 2026-10-02\n"
            'means:\n  description: Serveur\n  value: "12.35"\n',
            "pledges/p3.yml": "actor: asso\ncommon: covoit\ndate: 2026-10-05\n"
            'money:\n  amount: "2345.67"\nmeans:\n  description: Salle\n  value: "987.65"\n',
        }
    )


def test_sealed_round_publishes_totals_only(make_content, tmp_path):
    site = build_site(sealed_call(make_content, "2027-03-31"), tmp_path / "out")
    text = all_output(site)
    for amount in SEALED_AMOUNTS:
        assert amount not in text, amount
    assert "3\u202f580,23" in text and "3580.23" in text  # the common's totals
    assert "1000.00" in text
    assert "Montant scellé" in (site / "communs/covoit/index.html").read_text()
    actors = json.loads((site / "data/actors.json").read_text())
    assert all(a["allocated"] is None and a["allowance"] is None for a in actors)
    rows = list(csv.DictReader((site / "data/pledges.csv").open()))
    assert [r["amount"] for r in rows if r["money_status"]] == ["", ""]


def test_sealed_round_opens_its_amounts_once_closed(make_content, tmp_path):
    site = build_site(sealed_call(make_content, "2026-11-01"), tmp_path / "out")
    text = all_output(site)
    assert "1234.56" in text and "1\u202f234,56" in text


def test_sealed_copy_of_the_sample_hides_every_pledge_amount(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SAMPLE, content)
    campaign = (content / "campaign.yml").read_text().replace("sealed: false", "sealed: true")
    assert "sealed: true" in campaign
    (content / "campaign.yml").write_text(campaign)
    site = build_site(content, tmp_path / "out")
    assert (
        "Montant scellé" in (site / "communs/registre-trajets-covoiturage/index.html").read_text()
    )
    assert "Qui finance quoi" in (site / "financement/index.html").read_text()
    assert 'class="chart__flow"' not in (site / "financement/index.html").read_text()
    for page in (site / "acteurs").glob("*/index.html"):
        assert "Enveloppe" not in page.read_text() and "Engagé<" not in page.read_text()
    actors = json.loads((site / "data/actors.json").read_text())
    assert all(a["allocated"] is None and a["means_value"] is None for a in actors)
    assert {r["amount"] for r in csv.DictReader((site / "data/pledges.csv").open())} == {""}


def test_flow_chart_groups_small_funders_and_commons():
    from appel_a_communs.i18n import translations
    from appel_a_communs.site.charts import flow_chart

    flows = {(f"a{i}", f"c{i % 15}"): Decimal(100 + i) for i in range(30)}
    labels = {f"a{i}": f"Acteur {i}" for i in range(30)} | {f"c{i}": f"C {i}" for i in range(15)}
    chart = flow_chart(flows, labels, keep=5, ngettext=translations("fr").ngettext)
    assert len(chart.funders) == 6 and len(chart.commons) == 6
    assert any(n.label == "25 autres financeurs" for n in chart.funders)
    assert any(n.label == "10 autres communs" for n in chart.commons)
    english = flow_chart(flows, labels, keep=5)
    assert any(n.label == "25 other funders" for n in english.funders)
    assert sum(link.amount for link in chart.links) == sum(flows.values())


def test_funding_page_of_a_large_call_shows_the_closest_and_points_to_the_rest(tmp_path):
    """Chart and table hold the 40 commons closest to their goal; the rest are a link away."""
    from bench import generate_call

    content = generate_call(tmp_path, commons=60, pledges=400)
    site = build_site(content, tmp_path / "out")
    html = (site / "financement/index.html").read_text()
    table = html.split('id="closeness-caption"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") == 1 + 40  # the head row and 40 commons
    with_goal = sum(1 for r in json.loads((site / "data/commons.json").read_text()) if r["minimum"])
    assert with_goal > 40
    assert f"les 40 communs les plus proches de leur objectif, sur {with_goal}" in html
    assert 'href="../data/commons.json"' in html


def test_a_flow_label_cut_short_gives_the_whole_name_on_hover(sample_site):
    """The flows chart cuts long names with '…'; each node's group carries the whole name
    as its <title>, as the bar chart's rows do (and the table under the chart)."""
    from lxml import html as lxml_html

    page = lxml_html.fromstring((sample_site / "financement/index.html").read_bytes())
    (svg,) = page.xpath('//figure[contains(@class, "chart--flows")]/*[local-name()="svg"]')
    groups = svg.xpath('*[local-name()="g"]')
    cut = 0
    for group in groups:
        (title,) = group.xpath('*[local-name()="title"]/text()')
        (label,) = group.xpath('*[local-name()="text"]/text()')
        if label.endswith("…"):
            cut += 1
            assert title.startswith(label[:-1].rstrip()) and len(title) > len(label), title
        else:
            assert title == label
    assert groups and cut, "the sample call has names long enough to be cut"
