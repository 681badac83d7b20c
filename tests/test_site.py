"""The sample call builds into a complete site whose figures match its YAML files."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from conftest import SAMPLE, build_site, run_pelican, write

from appel_a_communs.content.errors import ContentErrors
from appel_a_communs.site.view import KIND_ORDER


def yaml_pledges() -> list[dict]:
    """The sample's pledges read with plain PyYAML, independently of the project's loader."""
    return [yaml.safe_load(p.read_text()) for p in sorted((SAMPLE / "pledges").glob("*.yml"))]


def read(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


class Bars(HTMLParser):
    """Collects every progress bar of a page with the widths given to its parts."""

    def __init__(self) -> None:
        super().__init__()
        self.bars: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("role") == "progressbar":
            self.bars.append({**attrs, "parts": {}})
        elif self.bars and (cls := attrs.get("class", "")).startswith("bar__"):
            match = re.fullmatch(r"(width|left): ([0-9.]+)%", attrs.get("style", ""))
            assert match, f"style of {cls} must be one computed number: {attrs.get('style')!r}"
            self.bars[-1]["parts"][cls] = Decimal(match.group(2))


def bars(html: str) -> list[dict]:
    parser = Bars()
    parser.feed(html)
    return parser.bars


def test_every_page_is_built(sample_site):
    commons = {p.stem for p in (SAMPLE / "commons").glob("*.md")}
    challenges = {p.stem for p in (SAMPLE / "challenges").glob("*.md")}
    actors = {p.stem for p in (SAMPLE / "actors").glob("*.yml")}
    assert {p.name for p in (sample_site / "communs").iterdir() if p.is_dir()} == commons
    assert {p.name for p in (sample_site / "defis").iterdir() if p.is_dir()} == challenges
    assert {p.name for p in (sample_site / "acteurs").iterdir() if p.is_dir()} == actors
    for url in ("", "defis", "communs", "acteurs", "a-propos", "charte", "participer"):
        assert (sample_site / url / "index.html").is_file(), url
    assert (sample_site / "theme" / "css" / "style.css").is_file()


def test_sample_is_large_enough_to_be_credible():
    pledges = yaml_pledges()
    assert len(list((SAMPLE / "challenges").glob("*.md"))) >= 4
    assert len(list((SAMPLE / "commons").glob("*.md"))) >= 10
    assert len(pledges) >= 40
    kinds = {yaml.safe_load(p.read_text())["kind"] for p in (SAMPLE / "actors").glob("*.yml")}
    assert kinds == set(KIND_ORDER)
    assert any("money" in p for p in pledges) and any("skills" in p for p in pledges)
    assert any("means" in p for p in pledges)
    assert any(set(p) <= {"actor", "common", "date", "role"} for p in pledges)


def test_commons_json_totals_equal_the_yaml_pledges(sample_site):
    records = {r["slug"]: r for r in json.loads((sample_site / "data/commons.json").read_text())}
    money: dict[str, Decimal] = defaultdict(Decimal)
    firm: dict[str, Decimal] = defaultdict(Decimal)
    conditional: set[str] = set()
    days: dict[str, Decimal] = defaultdict(Decimal)
    for pledge in yaml_pledges():
        if "money" in pledge:
            amount = Decimal(str(pledge["money"]["amount"]))
            money[pledge["common"]] += amount
            if "condition" in pledge["money"]:
                conditional.add(pledge["common"])
            else:
                firm[pledge["common"]] += amount
        if "skills" in pledge:
            days[pledge["common"]] += Decimal(str(pledge["skills"]["days"]))

    assert set(records) == {p.stem for p in (SAMPLE / "commons").glob("*.md")}
    for slug, record in records.items():
        secured, pending = Decimal(record["secured"]), Decimal(record["pending"])
        assert secured + pending == money[slug], slug
        assert firm[slug] <= secured, slug
        if slug not in conditional:
            assert secured == firm[slug] and pending == 0, slug
        assert Decimal(record["skills_days"]) == days[slug], slug
        for key in ("minimum", "stretch", "secured", "pending"):
            assert re.fullmatch(r"[0-9]+\.[0-9]{2}", record[key]), (slug, key, record[key])
    # The sample shows every status a live round can show, and both outcomes of an
    # assurance pledge.
    statuses = {r["status"] for r in records.values()}
    assert statuses >= {"proposed", "open", "minimum-reached", "stretch-reached", "archived"}
    assert any(Decimal(r["pending"]) > 0 for r in records.values())
    assert any(s in conditional and Decimal(records[s]["secured"]) > firm[s] for s in records)


def test_matching_estimates_share_the_whole_pool_to_the_cent(sample_site):
    # The sample's pool is fully distributed: its shares add up to the pool exactly (it
    # read 149 999,97 € while each share was rounded down on its own).
    campaign = yaml.safe_load((SAMPLE / "campaign.yml").read_text(encoding="utf-8"))
    pool = Decimal(str(campaign["matching"]["pool"]))
    records = json.loads((sample_site / "data/commons.json").read_text())
    shares = [Decimal(r["matching_estimate"]) for r in records if r["matching_estimate"]]
    assert sum(shares) == pool
    page = (sample_site / "financement/index.html").read_text()
    total = re.search(r"Abondement estimé sur une réserve de ([^<]*)</dt><dd[^>]*>([^<]*)<", page)
    assert total and total.group(1) == total.group(2) == "150\u202f000\xa0€"


def test_commons_json_has_the_spec_fields(sample_site):
    record = json.loads((sample_site / "data/commons.json").read_text())[0]
    assert {
        "slug",
        "title",
        "url",
        "challenges",
        "stage",
        "status",
        "currency",
        "minimum",
        "stretch",
        "secured",
        "pending",
        "percent_minimum",
        "funders",
        "skills_days",
        "means_value",
    } <= set(record)
    assert record["url"] == f"/communs/{record['slug']}/"


def test_goals_are_sums_of_budget_lines(sample_site):
    records = {r["slug"]: r for r in json.loads((sample_site / "data/commons.json").read_text())}
    for path in (SAMPLE / "commons").glob("*.md"):
        front = yaml.safe_load(path.read_text().split("---")[1])
        lines = front.get("budget", {}).get("lines", [])
        minimum = sum(
            (Decimal(str(x["amount"])) for x in lines if not x.get("stretch")), Decimal(0)
        )
        stretch = sum((Decimal(str(x["amount"])) for x in lines), Decimal(0))
        assert Decimal(records[path.stem]["minimum"]) == minimum
        assert Decimal(records[path.stem]["stretch"]) == stretch


def test_progress_bar_is_accessible_and_computed(sample_site):
    records = {r["slug"]: r for r in json.loads((sample_site / "data/commons.json").read_text())}
    record = records["registre-trajets-covoiturage"]
    html = read(sample_site, "communs/registre-trajets-covoiturage")
    (bar,) = bars(html)
    secured, stretch = Decimal(record["secured"]), Decimal(record["stretch"])
    minimum, pending = Decimal(record["minimum"]), Decimal(record["pending"])
    assert Decimal(bar["aria-valuenow"]) == secured
    assert Decimal(bar["aria-valuemax"]) == stretch
    assert bar["aria-valuemin"] == "0"
    assert abs(bar["parts"]["bar__secured"] - secured * 100 / stretch) < Decimal("0.01")
    assert abs(bar["parts"]["bar__pending"] - pending * 100 / stretch) < Decimal("0.01")
    assert abs(bar["parts"]["bar__marker bar__marker--minimum"] - minimum * 100 / stretch) < 1
    # The visible text says the same as the bar, formatted for French.
    expected = "53\u202f000\xa0€ sur 70\u202f000\xa0€ (75\u202f%)"
    assert bar["aria-valuetext"] == expected
    assert "<strong>53\u202f000\xa0€</strong> sur 70\u202f000\xa0€ (75\u202f%)" in html
    assert "Engagements conditionnels en attente&nbsp;: 10\u202f000,00\xa0€" in html


def test_every_bar_of_the_site_uses_computed_numbers_only(sample_site):
    count = 0
    for page in sample_site.rglob("*.html"):
        for bar in bars(page.read_text()):  # Bars asserts on every style attribute
            assert Decimal(bar["aria-valuenow"]) <= Decimal(bar["aria-valuemax"])
            count += 1
    assert count > 20


def test_common_page_shows_every_field(sample_site):
    html = read(sample_site, "communs/registre-trajets-covoiturage")
    for words in (
        "Registre",
        "Licence",
        "Dépôt",
        "Proposé par",
        "Gouvernance",
        "Besoins",
        "Livrables",
        "Budget",
        "Objectif minimum",
        "Objectif haut",
        "Groupe de travail",
        "Financeurs",
        "Engagements",
        "Jours de compétences",
        "Moyens techniques valorisés",
        'href="../../defis/covoiturage-du-quotidien/"',
    ):
        assert words in html, words
    existing = read(sample_site, "communs/tad-rural-ouvert")
    assert (
        "Financement déjà acquis, hors objectifs" in existing
        or "existing_funding" not in (SAMPLE / "commons/tad-rural-ouvert.md").read_text()
    )


def test_existing_funding_is_shown_apart_from_the_bar(sample_site):
    for path in (SAMPLE / "commons").glob("*.md"):
        front = yaml.safe_load(path.read_text().split("---")[1])
        existing = (front.get("budget") or {}).get("existing_funding")
        if existing:
            html = read(sample_site, f"communs/{path.stem}")
            assert "Financement déjà acquis, hors objectifs" in html
            (bar,) = bars(html)
            record = next(
                r
                for r in json.loads((sample_site / "data/commons.json").read_text())
                if r["slug"] == path.stem
            )
            assert Decimal(bar["aria-valuenow"]) == Decimal(record["secured"])
            return
    raise AssertionError("the sample should have a common with existing funding")


def test_working_group_lists_every_actor_with_a_pledge(sample_site):
    html = read(sample_site, "communs/registre-trajets-covoiturage")
    group = html.split('id="group-title"', 1)[1]
    for pledge in yaml_pledges():
        if pledge["common"] == "registre-trajets-covoiturage":
            assert f'href="../../acteurs/{pledge["actor"]}/"' in group, pledge["actor"]


def test_challenge_page_lists_its_commons_with_bars(sample_site):
    html = read(sample_site, "defis/covoiturage-du-quotidien")
    answering = [
        p.stem
        for p in (SAMPLE / "commons").glob("*.md")
        if "covoiturage-du-quotidien" in yaml.safe_load(p.read_text().split("---")[1])["challenges"]
    ]
    assert answering
    for slug in answering:
        assert f'href="../../communs/{slug}/"' in html
    assert "Personne ressource" in html
    assert len(bars(html)) >= 1


def test_actors_index_is_grouped_by_kind(sample_site):
    html = read(sample_site, "acteurs")
    headings = re.findall(r'<h2 id="kind-([a-z-]+)">', html)
    assert headings == list(KIND_ORDER)  # every kind of the model, in its order


def test_actor_page_shows_commons_roles_and_pledges(sample_site):
    html = read(sample_site, "acteurs/metropole-valbrune")
    assert "Communs soutenus" in html and "Financeur" in html
    assert "Enveloppe" in html and "Disponible" in html


def test_home_page_has_headline_figures_and_open_challenges(sample_site):
    html = read(sample_site, "")
    records = json.loads((sample_site / "data/commons.json").read_text())
    live = [r for r in records if r["stage"] != "archived"]
    assert f'<dd class="figure__value">{len(live)}</dd>' in html
    assert "Comment ça marche" in html
    assert "Les défis ouverts" in html
    assert "Les communs les plus proches de leur objectif" in html
    assert len(bars(html)) >= 1


def test_ordinary_pages_are_in_the_navigation(sample_site):
    html = read(sample_site, "")
    nav = html.split('aria-label="Navigation principale"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'href="\./([a-z-]+)/"', nav) == [
        "defis",
        "communs",
        "acteurs",
        "financement",
        "contribuer",
        "a-propos",
        "participer",
        "charte",
    ]


def test_autoescape_is_on_for_the_whole_theme(make_content, tmp_path):
    content = make_content({"actors/asso.yml": "name: A & B <i>\nkind: association\n"})
    site = build_site(content, tmp_path / "out")
    assert "<h1>A &amp; B &lt;i&gt;</h1>" in read(site, "acteurs/asso")


def test_pelican_builds_another_content_folder(make_content, tmp_path):
    content = make_content()
    result = run_pelican(str(content), "-o", str(tmp_path / "site"))
    assert result.returncode == 0, result.stdout + result.stderr
    records = json.loads((tmp_path / "site" / "data/commons.json").read_text())
    assert [(r["slug"], r["secured"], r["minimum"], r["stretch"]) for r in records] == [
        ("covoit", "2500.50", "10000.00", "15000.00")
    ]
    html = (tmp_path / "site" / "communs/covoit/index.html").read_text()
    assert "2\u202f500,50\xa0€ sur 10\u202f000\xa0€ (25\u202f%)" in html


def test_content_cache_reuses_unchanged_files_and_sees_changes(make_content, tmp_path):
    content = make_content()
    out = tmp_path / "out"
    build_site(content, out, CATALOGUE_CACHE=True)
    assert list((tmp_path / "out-cache" / "catalogue").glob("catalogue-*.pickle"))
    # compiled templates are kept beside it
    assert list((tmp_path / "out-cache" / "catalogue").glob("templates-*/*.cache"))
    (content / "pledges" / "p1.yml").write_text(
        "actor: ville\ncommon: covoit\ndate: 2026-10-01\nmoney:\n  amount: '4000'\n"
    )
    build_site(content, out, CATALOGUE_CACHE=True)
    records = json.loads((out / "data/commons.json").read_text())
    assert records[0]["secured"] == "4000.00"
    # an invalid file is never cached: the next build still reports it
    (content / "actors" / "asso.yml").write_text("name: [\n")
    for _ in range(2):
        with pytest.raises(ContentErrors):
            build_site(content, out, CATALOGUE_CACHE=True)


def test_settings_errors_are_reported_not_raised(make_content, tmp_path):
    content = make_content({"campaign.yml": "opens: 2026-09-01\ncloses: 2026-11-01\n"})
    site = build_site(content, tmp_path / "out", CATALOGUE_TODAY="2026-12-01")
    assert json.loads((site / "data/commons.json").read_text())[0]["status"] == "unfunded"
    for settings, words in (
        ({"CATALOGUE_TODAY": "demain"}, "CATALOGUE_TODAY"),
        ({"CATALOGUE_FORMS_MODE": "fax"}, "CATALOGUE_FORMS_MODE"),
        ({"CATALOGUE_GITHUB_REPO": "pas un dépôt"}, "CATALOGUE_GITHUB_REPO"),
        (
            {"CATALOGUE_FORMS_MODE": "post", "CATALOGUE_FORMS_ENDPOINT": ""},
            "CATALOGUE_FORMS_ENDPOINT",
        ),
        ({"CATALOGUE_COMMON_URL": "c/{slug}/{x}/"}, "CATALOGUE_COMMON_URL"),
        ({"CATALOGUE_DATA_PATH": "../../ailleurs"}, "CATALOGUE_DATA_PATH"),
        ({"CATALOGUE_FEEDS_PATH": "/tmp/feeds"}, "CATALOGUE_FEEDS_PATH"),
        ({"CATALOGUE_FUNDING_URL": "communs/"}, "CATALOGUE_FUNDING_URL"),
        ({"CATALOGUE_PROCESSES": "2"}, "CATALOGUE_PROCESSES"),
    ):
        with pytest.raises(ContentErrors) as info:
            build_site(content, tmp_path / "bad", **settings)
        assert words in str(info.value) and "pelicanconf.py" in str(info.value)
    assert not (tmp_path / "ailleurs").exists() and not (tmp_path / "bad").exists()


def test_compiled_templates_are_kept_and_never_stale(make_content, tmp_path):
    """Compiled templates are cached by default; a changed template is compiled again."""
    content = make_content()
    overrides = tmp_path / "templates"
    page = overrides / "challenge.html"
    for marker in ("first", "second"):
        write(page, f'{{% extends "base.html" %}}{{% block content %}}<p>{marker}</p>'
                    "{% endblock %}")  # fmt: skip
        out = build_site(content, tmp_path / "out", THEME_TEMPLATES_OVERRIDES=[str(overrides)])
        assert f"<p>{marker}</p>" in (out / "defis/mobilite/index.html").read_text()
    assert list((tmp_path / "out-cache" / "catalogue").glob("templates-*/*.cache"))
    # Other Jinja options compile the same sources otherwise: they get their own folder.
    page.write_text("{% if true %}\n<p>x</p>\n{% endif %}")
    options = {"trim_blocks": False, "lstrip_blocks": False}
    for setting in ({}, {"JINJA_ENVIRONMENT": options}):
        out = build_site(content, tmp_path / "out", THEME_TEMPLATES_OVERRIDES=[str(overrides)],
                         **setting)  # fmt: skip
        kept = (out / "defis/mobilite/index.html").read_text()
        assert kept == ("<p>x</p>\n" if not setting else "\n<p>x</p>\n"), setting
    assert len(list((tmp_path / "out-cache" / "catalogue").glob("templates-*"))) == 2
