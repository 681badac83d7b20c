"""funding.json manifests (issue 17, "Publish"): real sites built into tmp_path, every
manifest written validated against the official JSON Schema of v1.1.0 (vendored under
tests/corpora/funding-json), the figures given by hand."""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import FOLLOWUP, MINIMAL, REPO, SAMPLE, build_site, write

from appel_a_communs.content.errors import ContentErrors
from appel_a_communs.content.types import slugify
from appel_a_communs.i18n import translations
from appel_a_communs.site import funding_manifest as fm
from appel_a_communs.site.exact_json import exact_json, number_text
from appel_a_communs.site.urls import DEFAULT_PATTERNS, SiteUrls

CORPUS = REPO / "tests" / "corpora" / "funding-json"
ROOT_SITE = "https://communs.example.org"
SUB_SITE = "https://owner.github.io/appel"
EMAIL = "appel@example.org"
WELL_KNOWN = f"{ROOT_SITE}/.well-known/funding-manifest-urls"
AT_ROOT = translations("fr").gettext(
    "The address of every funding manifest of the site, one per line, at the site’s root: it "
    "shows that the manifests are published by the site whose pages they name."
)
NOT_AT_ROOT = translations("fr").gettext(
    "The address of every funding manifest of the site, one per line. The site is not served "
    "from the root of its host, where directories look for this list: the pages a manifest "
    "names outside its own folder stay unverified."
)
MATCHED = translations("fr").gettext("%(rounds)s: the pledges that count and the call’s matching")


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads((CORPUS / "schema" / "v1.1.0.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    assert cls is jsonschema.Draft7Validator  # what its "$schema" says
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def errors(validator, manifest) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(manifest)]  # fmt: skip


def test_the_vendored_schema_accepts_the_official_example_and_refuses_a_broken_one(validator):
    example = json.loads((CORPUS / "examples" / "example-funding.json").read_text("utf-8"))
    assert errors(validator, example) == []
    del example["entity"]["email"]
    example["funding"]["plans"][0]["frequency"] = "sometimes"
    found = errors(validator, example)
    assert any("email" in e for e in found) and any("sometimes" in e for e in found)


# The FLOSS/fund directory's own rules, beyond the JSON Schema: a copy of those of
# github.com/floss-fund/go-funding-json at commit ecd6af9477404edb4f8317d63942534ed319cef8,
# schemas/v1/schema.go (Validate, ValidateEntity, ValidateProject, ValidateChannel,
# ValidatePlan, ValidateHistory, CheckProvenance) and common/validations.go (IsID, IsTag,
# reID, reTag). Go's len() of a string counts UTF-8 bytes.
# reID is ``^[a-z0-9]([[a-z\d-]+)?[a-z0-9]$``: its inner class holds ``[`` too (RE2), escaped
# here for Python.
DIRECTORY_ID = re.compile(r"^[a-z0-9]([\[a-z\d-]+)?[a-z0-9]$")
DIRECTORY_TAG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def directory_problems(manifest: dict) -> list[str]:
    """What the directory's validator refuses in a manifest (licences' membership of its
    SPDX list aside), as ``field: value`` texts."""
    found: list[str] = []

    def size(field: str, value: int, low: int, high: int) -> None:
        if not low <= value <= high:
            found.append(f"{field}: {value} not in {low}-{high}")

    def text(field: str, value: str, low: int, high: int) -> None:
        size(field, len(value.encode("utf-8")), low, high)

    def guid(field: str, value: str) -> None:
        text(field, value, 3, 32)
        if not DIRECTORY_ID.match(value) or "--" in value:
            found.append(f"{field}: {value!r}")

    entity = manifest["entity"]
    text("entity.name", entity["name"], 2, 250)
    text("entity.email", entity["email"], 1, 250)
    text("entity.description", entity["description"], 5, 2000)
    size("projects", len(manifest["projects"]), 1, 30)
    for project in manifest["projects"]:
        guid("project.guid", project["guid"])
        text("project.name", project["name"], 1, 250)
        text("project.description", project["description"], 5, 2000)
        size("project.licenses", len(project["licenses"]), 1, 5)
        for licence in project["licenses"]:
            text("project.license", licence, 2, 64)
        size("project.tags", len(project["tags"]), 1, 10)
        for tag in project["tags"]:
            text("project.tag", tag, 2, 32)
            if not DIRECTORY_TAG.match(tag):
                found.append(f"project.tag: {tag!r}")
    for url in (entity["webpageUrl"], *(u for p in manifest["projects"]
                for u in (p["webpageUrl"], p["repositoryUrl"]))):  # fmt: skip
        text("url", url["url"], 1, 250)
    funding = manifest["funding"]
    size("funding.channels", len(funding["channels"]), 1, 10)
    for channel in funding["channels"]:
        guid("channel.guid", channel["guid"])
        text("channel.address", channel.get("address", ""), 0, 250)
        text("channel.description", channel.get("description", ""), 0, 500)
    size("funding.plans", len(funding["plans"]), 1, 10)
    channels = {c["guid"] for c in funding["channels"]}
    for plan in funding["plans"]:
        guid("plan.guid", plan["guid"])
        text("plan.name", plan["name"], 3, 250)
        text("plan.description", plan.get("description", ""), 0, 500)
        size("plan.amount", plan["amount"], 0, 1_000_000_000)
        if not set(plan["channels"]) <= channels:
            found.append(f"plan.channels: {plan['channels']}")
    for ids in ([p["guid"] for p in manifest["projects"]], [c["guid"] for c in
                funding["channels"]], [p["guid"] for p in funding["plans"]]):  # fmt: skip
        if len(set(ids)) != len(ids):
            found.append(f"guids not unique: {ids}")
    for item in funding.get("history", []):
        size("history.year", item["year"], 1970, 2075)
        size("history.income", item.get("income", 0), 0, 1_000_000_000)
        text("history.description", item.get("description", ""), 0, 500)
    return found


def manifests(site: Path, check: bool = True) -> dict[str, dict]:
    """Slug → manifest, as written (amounts read as decimals), each in its common's page
    folder; ``check``: each passes the directory's rules but its licence count (a common
    without a licence gets a manifest the directory refuses until it has one)."""
    found = {
        path.parent.name: json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
        for path in sorted((site / "communs").glob("*/funding.json"))
    }
    for slug, manifest in found.items():
        if check:
            problems = directory_problems(manifest)
            if not manifest["projects"][0]["licenses"]:
                problems.remove("project.licenses: 0 not in 1-5")
            assert problems == [], slug
    return found


def well_known(site: Path) -> list[str]:
    return (site / ".well-known" / "funding-manifest-urls").read_text("utf-8").splitlines()


def build(content: Path, out: Path, site: str = ROOT_SITE, **settings) -> Path:
    return build_site(content, out, **{"SITEURL": site, "CATALOGUE_FUNDING_EMAIL": EMAIL,
                                       **settings})  # fmt: skip


@pytest.fixture(scope="module")
def mobilites(tmp_path_factory) -> Path:
    return build(SAMPLE, tmp_path_factory.mktemp("mobilites") / "output")


@pytest.fixture(scope="module")
def followup(tmp_path_factory) -> Path:
    return build(FOLLOWUP, tmp_path_factory.mktemp("followup") / "output")


def content_commons(content: Path) -> dict[str, dict]:
    found = {}
    for path in (content / "commons").glob("*.md"):
        found[path.stem] = yaml.safe_load(path.read_text("utf-8").split("---")[1])
    return found


def test_every_manifest_of_the_sample_is_valid_and_only_commons_with_a_budget_have_one(
    mobilites, validator
):
    written = manifests(mobilites)
    commons = content_commons(SAMPLE)
    assert set(written) == {slug for slug, c in commons.items() if c.get("budget")}
    assert "observatoire-ponctualite-cars" not in written and len(written) == 13
    for slug, manifest in written.items():
        assert errors(validator, manifest) == [], slug
        assert manifest["version"] == "v1.1.0" and manifest["entity"]["email"] == EMAIL
        # The directory's own rules (go-funding-json), beyond the schema: ``manifests``.
        assert directory_problems(manifest) in ([], ["project.licenses: 0 not in 1-5"])


def test_the_plans_are_the_budget_lines_and_amounts_are_exact(mobilites):
    manifest = manifests(mobilites)["autopartage-villageois"]
    plans = [(p["name"], p["amount"], p["description"], p["status"], p["frequency"],
              p["currency"]) for p in manifest["funding"]["plans"]]  # fmt: skip
    minimum = "Objectif minimum · Appel à communs Mobilités du quotidien 2026-2027"
    stretch = minimum.replace("minimum", "haut")
    assert plans == [
        ("Accompagnement de trois villages pilotes", Decimal(9000), minimum, "active",
         "one-time", "EUR"),
        ("Modèles juridiques et montage assurantiel", Decimal(6000), minimum, "active",
         "one-time", "EUR"),
        ("Outil de réservation simple (tableur partagé ou logiciel libre existant)",
         Decimal(3000), minimum, "active", "one-time", "EUR"),
        ("Évaluation indépendante de l'expérimentation", Decimal(6000), stretch,
         "active", "one-time", "EUR"),
    ]  # fmt: skip
    assert "history" not in manifest["funding"]  # its one round (campaign.yml) is open
    project = manifest["projects"][0]
    assert project["guid"] == "autopartage-villageois"
    assert project["tags"][:4] == ["autopartage", "ruralite", "voisinage", "modeles-juridiques"]
    assert project["licenses"] == []  # no licence yet: the page says "to be defined"
    entity = manifest["entity"]
    assert entity["name"] == "Coopérative Roule Ensemble" and entity["type"] == "other"
    assert entity["description"] == (  # its own description, as plain text
        "Société coopérative d'intérêt collectif (SCIC) qui réunit collectivités, salariés, "
        "usagers et opérateurs autour du covoiturage du quotidien. Elle maintient le registre "
        "ouvert des trajets."
    )
    kinds = {m["entity"]["name"]: m["entity"]["type"] for m in manifests(mobilites).values()}
    assert kinds["Cargonaute"] == "organisation"  # a startup
    # maintainer where the proposer holds that role in the common's working group
    roles = {slug: m["entity"]["role"] for slug, m in manifests(mobilites).items()}
    assert roles["registre-trajets-covoiturage"] == "maintainer"
    assert roles["autopartage-villageois"] == "steward"


def test_the_project_the_entity_and_the_channel(mobilites):
    written = manifests(mobilites)
    licences = {slug: m["projects"][0]["licenses"] for slug, m in written.items()}
    assert ["spdx:MIT", "spdx:Apache-2.0"] in licences.values()
    assert ["spdx:etalab-2.0"] in licences.values()  # the SPDX list spells it so
    commons = content_commons(SAMPLE)
    for slug, manifest in written.items():
        project, entity = manifest["projects"][0], manifest["entity"]
        page = f"{ROOT_SITE}/communs/{slug}/"
        # In the manifest's folder: verified by its place, no wellKnown.
        assert project["webpageUrl"] == {"url": page}
        repository = commons[slug].get("repository")
        if repository:  # on another host: this site cannot vouch for it
            assert project["repositoryUrl"] == {"url": repository}
        else:
            assert project["repositoryUrl"] == {"url": page}
        actor = commons[slug]["proposed_by"][0]
        assert entity["webpageUrl"] == {"url": f"{ROOT_SITE}/acteurs/{actor}/",
                                        "wellKnown": WELL_KNOWN}  # fmt: skip
        assert project["description"] == commons[slug]["summary"]
        assert manifest["funding"]["channels"] == [{
            "guid": "pledge-form", "type": "other",
            "address": f"{ROOT_SITE}/contribuer/engagement/?common={slug}",
            "description": manifest["funding"]["channels"][0]["description"],
        }]  # fmt: skip


def test_the_well_known_file_lists_exactly_the_manifests(mobilites, followup):
    for site in (mobilites, followup):
        urls = well_known(site)
        assert sorted(urls) == sorted(
            f"{ROOT_SITE}/communs/{slug}/funding.json" for slug in manifests(site)
        )
        text = (site / ".well-known" / "funding-manifest-urls").read_text("utf-8")
        assert text == "".join(f"{url}\n" for url in urls)  # one URL a line, nothing else
        sitemap = (site / "sitemap.xml").read_text("utf-8")
        assert "well-known" not in sitemap and "funding.json" not in sitemap


def test_history_gives_the_closed_round_and_the_plans_the_sealed_rounds_budget(followup, validator):
    written = manifests(followup)
    assert set(written) == {"covoit", "carto"}
    assert all(errors(validator, m) == [] for m in written.values())
    covoit = written["covoit"]["funding"]
    # 2026 (open, sealed) has a budget of its own for covoit: one line.
    assert [(p["name"], p["amount"], p["status"], p["description"]) for p in covoit["plans"]] == [
        ("Maintenance", Decimal(6000), "active", "Objectif · Édition 2026")  # its one goal
    ]
    # 2025 closed: 6 000 paid + 5 000 confirmed + 4 000 + 2 000 (its condition met), and
    # 2 000 of matching from the call (the lead's decision: money the common got).
    assert covoit["history"] == [
        {"year": 2025, "income": Decimal(19000), "currency": "EUR",
         "description": MATCHED % {"rounds": "Édition 2025"}}
    ]  # fmt: skip
    carto = written["carto"]["funding"]
    assert [(p["name"], p["amount"]) for p in carto["plans"]] == [
        ("Relevés de terrain", Decimal(8000))
    ]
    assert "history" not in carto  # in the open round only
    assert written["carto"]["projects"][0]["licenses"] == ["spdx:ODbL-1.0"]
    assert written["covoit"]["entity"]["name"] == "Association Roule"


def test_nothing_sealed_reaches_a_manifest(followup, tmp_path):
    """The 2026 round is sealed: its pledges' amounts change nothing in any manifest, and
    no funder of it is named."""
    content = tmp_path / "content"
    shutil.copytree(FOLLOWUP, content)
    for name, amount in (("p2026-ville-covoit.yml", "3000"), ("p2026-region-carto.yml", "8000")):
        path = content / "pledges" / name
        text = path.read_text("utf-8")
        assert f'amount: "{amount}"' in text
        path.write_text(text.replace(f'amount: "{amount}"', 'amount: "1234.56"'), "utf-8")
    other = build(content, tmp_path / "output")
    for slug in ("covoit", "carto"):
        path = Path("communs") / slug / "funding.json"
        assert (other / path).read_bytes() == (followup / path).read_bytes()
    for text in ((followup / "communs/carto/funding.json").read_text("utf-8"),
                 (followup / "communs/covoit/funding.json").read_text("utf-8")):  # fmt: skip
        assert "Région Sud-Est" not in text and "Ville de Valbrune" not in text
        assert "3000" not in text and "1234.56" not in text


def test_each_page_links_its_manifest_and_the_open_data_page_documents_them(mobilites):
    page = (mobilites / "communs/autopartage-villageois/index.html").read_text("utf-8")
    link = re.search(r'<a class="funding-manifest" href="([^"]+)"', page)
    assert link and link.group(1).endswith("/communs/autopartage-villageois/funding.json")
    without = (mobilites / "communs/observatoire-ponctualite-cars/index.html").read_text("utf-8")
    assert "funding-manifest" not in without
    open_data = (mobilites / "donnees/index.html").read_text("utf-8")
    assert "funding-manifest-urls" in open_data and "funding.json" in open_data
    assert "<code>communs/&lt;commun&gt;/funding.json</code>" in open_data
    assert AT_ROOT in open_data and NOT_AT_ROOT not in open_data


def test_a_site_under_a_sub_path_gives_no_well_known_in_its_manifests(tmp_path, validator):
    site = build(FOLLOWUP, tmp_path / "output", site=SUB_SITE)
    written = manifests(site)
    assert set(written) == {"covoit", "carto"}
    for manifest in written.values():
        assert errors(validator, manifest) == []
        assert "wellKnown" not in json.dumps(manifest)
        assert manifest["projects"][0]["webpageUrl"]["url"].startswith(f"{SUB_SITE}/communs/")
    assert sorted(well_known(site)) == [f"{SUB_SITE}/communs/{s}/funding.json"
                                        for s in ("carto", "covoit")]  # fmt: skip
    # The open-data page does not claim the list proves anything there.
    open_data = (site / "donnees/index.html").read_text("utf-8")
    assert NOT_AT_ROOT in open_data and AT_ROOT not in open_data


def test_exact_decimals_a_call_without_rounds_and_a_call_without_budgets(tmp_path, validator):
    content = tmp_path / "content"
    for name, text in MINIMAL.items():
        write(content / name, text)
    path = content / "commons" / "covoit.md"
    path.write_text(path.read_text("utf-8").replace('"10000"', '"1234.56"'), "utf-8")
    site = build(content, tmp_path / "output")
    text = (site / "communs/covoit/funding.json").read_text("utf-8")
    assert '"amount": 1234.56,' in text and '"amount": 5000,' in text
    manifest = manifests(site)["covoit"]
    assert errors(validator, manifest) == []
    assert [p["amount"] for p in manifest["funding"]["plans"]] == [Decimal("1234.56"), 5000]
    assert "history" not in manifest["funding"]  # no rounds, no history
    assert manifest["entity"]["type"] == "organisation"  # an association

    # The same call without any budget: no manifest, no list, no link.
    for common in (content / "commons").glob("*.md"):
        head, body = common.read_text("utf-8").split("---")[1:]
        data = yaml.safe_load(head)
        data.pop("budget", None)
        common.write_text(f"---\n{yaml.safe_dump(data, allow_unicode=True)}---{body}", "utf-8")
    bare = build(content, tmp_path / "bare")
    assert not list(bare.rglob("funding.json")) and not (bare / ".well-known").exists()
    assert "funding-manifest" not in (bare / "communs/covoit/index.html").read_text("utf-8")
    assert "funding-manifest-urls" not in (bare / "donnees/index.html").read_text("utf-8")


def test_no_manifest_without_the_call_address_or_an_absolute_siteurl(tmp_path):
    for name, settings in (("no-email", {"CATALOGUE_FUNDING_EMAIL": None}),
                           ("relative", {"SITEURL": ""})):  # fmt: skip
        site = build_site(FOLLOWUP, tmp_path / name, **{"SITEURL": ROOT_SITE,
                          "CATALOGUE_FUNDING_EMAIL": EMAIL, **settings})  # fmt: skip
        assert (site / "data" / "commons.json").exists()
        assert not list(site.rglob("funding.json")) and not (site / ".well-known").exists()
        assert "funding-manifest" not in (site / "communs/covoit/index.html").read_text("utf-8")


def test_a_wrong_call_address_is_a_settings_error(tmp_path):
    with pytest.raises(ContentErrors) as info:
        build(FOLLOWUP, tmp_path / "bad", CATALOGUE_FUNDING_EMAIL="Appel <appel>")
    assert "CATALOGUE_FUNDING_EMAIL" in str(info.value)
    assert not (tmp_path / "bad").exists()


def test_the_published_site_keeps_its_well_known_folder():
    """actions/upload-pages-artifact v5 leaves hidden files out unless told otherwise."""
    for path in (REPO / ".github/workflows/site.yml",
                 REPO / "appel_a_communs/scaffold/site/workflows/site.yml"):  # fmt: skip
        text = re.sub(r"@@[^@\n]+@@", "placeholder", path.read_text("utf-8"))  # template
        steps = yaml.safe_load(text)["jobs"]["build"]["steps"]
        upload = next(s for s in steps if s.get("name") == "Upload the site")
        assert upload["with"] == {"path": "output", "include-hidden-files": True}


@pytest.mark.parametrize(
    ("expression", "licences"),
    [
        ("MIT OR Apache-2.0", ["spdx:MIT", "spdx:Apache-2.0"]),
        ("mit", ["spdx:MIT"]),
        ("Etalab-2.0 AND ODbL-1.0", ["spdx:etalab-2.0", "spdx:ODbL-1.0"]),
        ("GPL-2.0-only WITH Classpath-exception-2.0", ["spdx:GPL-2.0-only"]),
        ("(MIT AND CC-BY-4.0) OR MIT", ["spdx:MIT", "spdx:CC-BY-4.0"]),
        ("LicenseRef-Maison", ["LicenseRef-Maison"]),
        (None, []),
    ],
)
def test_licences_are_listed_as_the_specification_writes_them(expression, licences):
    assert fm.spdx_licenses(expression) == licences


def test_numbers_tags_and_texts():
    assert [number_text(Decimal(v)) for v in ("10000", "2500.5", "2500.50", "0.01")] == [
        "10000", "2500.50", "2500.50", "0.01"
    ]  # fmt: skip
    assert exact_json({"a": [Decimal("0.10"), 1, True, None, "é"], "b": {}}, "") == (
        '{\n  "a": [\n    0.10,\n    1,\n    true,\n    null,\n    "é"\n  ],\n  "b": {}\n}'
    )
    assert slugify("Mobilité douce & vélo") == "mobilite-douce-velo"
    assert fm.clip_id("a" * 31 + "-b") == "a" * 31
    assert fm.clip("un deux trois", 10) == "un deux…"  # 10 bytes: "…" is 3
    assert fm.clip("un deux trois", 9) == "un…"
    assert fm.clip("é" * 10, 8) == "éé…" and fm.clip("é" * 4, 8) == "é" * 4
    assert fm.project_guid("ab") == "ab-common" and fm.project_guid("abc") == "abc"
    assert fm.plain_text("Une **coopérative** de\nlivraison.\n\n- à vélo") == (
        "Une coopérative de livraison.\n\nà vélo"
    )
    from appel_a_communs.content.settings import is_email  # CATALOGUE_FUNDING_EMAIL's rule

    assert is_email("appel@example.org") and not is_email("Appel <appel@example.org>")
    assert not is_email("a" * fm.MAX_URL + "@example.org")  # the directory's limit


def test_a_common_of_a_closed_round_only_asks_with_inactive_plans(tmp_path, validator):
    """``velo`` took part in the closed round 2025 only: its page shows that round, so its
    plans are that round's budget, inactive, and its history that round's money."""
    site = build(REPO / "tests" / "calls" / "rounds", tmp_path / "output")
    written = manifests(site)
    assert all(errors(validator, m) == [] for m in written.values())
    assert "idee" not in written  # no budget
    velo = written["velo"]["funding"]
    assert [(p["name"], p["amount"], p["status"], p["description"]) for p in velo["plans"]] == [
        ("Prototype", Decimal(4000), "inactive", "Objectif minimum · Édition 2025"),
        ("Essais", Decimal(2000), "inactive", "Objectif haut · Édition 2025"),
    ]
    # 1 000 from the workshop, 200 of matching; the association gave days of skills,
    # which are not money.
    assert velo["history"] == [
        {"year": 2025, "income": Decimal(1200), "currency": "EUR",
         "description": MATCHED % {"rounds": "Édition 2025"}}
    ]  # fmt: skip


def page_grants(site: Path, slug: str) -> list[dict]:
    """The MonetaryGrants of the common's page's JSON-LD (amounts as decimals)."""
    page = (site / "communs" / slug / "index.html").read_text("utf-8")
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert found, slug
    return json.loads(found.group(1), parse_float=Decimal).get("funding", [])


@pytest.mark.parametrize("call", ["followup", "rounds"])
def test_the_history_and_the_pages_json_ld_give_the_same_money(call, followup, tmp_path):
    """One figure, two publications: per closed round, the JSON-LD's grants (each funder's,
    and the call's matching) add up to the manifest's income of that round's year."""
    site = followup if call == "followup" else build(REPO / "tests/calls" / call, tmp_path / "o")
    checked = 0
    for slug, manifest in manifests(site).items():
        grants = page_grants(site, slug)
        for item in manifest["funding"].get("history", []):
            names = {g["name"] for g in grants if g.get("name", "") in item["description"]}
            assert names, (slug, item)
            total = sum(g["amount"]["value"] for g in grants if g.get("name") in names)
            assert total == item["income"], (slug, item["year"])
            checked += 1
    assert checked >= (1 if call == "followup" else 2)


@pytest.mark.parametrize("listed", [True, False])
def test_a_well_known_list_of_the_site_is_kept(make_content, tmp_path, listed):
    """A site that lists other manifests writes its own file (STATIC_PATHS and
    EXTRA_PATH_METADATA): it is the one published; the manifests are still written, and
    point to it (``wellKnown``) only if it lists them."""
    ours = f"{ROOT_SITE}/communs/covoit/funding.json\n" if listed else ""
    own = f"https://example.org/funding.json\n{ours}"
    content = make_content({"extra/funding-manifest-urls": own})
    for _ in range(2):  # rebuilt over the same output, copying only newer static files
        site = build(
            content,
            tmp_path / "out",
            STATIC_PATHS=["images", "extra/funding-manifest-urls"],
            EXTRA_PATH_METADATA={
                "extra/funding-manifest-urls": {"path": ".well-known/funding-manifest-urls"}
            },
            STATIC_CHECK_IF_MODIFIED=True,
        )
        assert (site / ".well-known" / "funding-manifest-urls").read_text("utf-8") == own
        written = manifests(site)
        assert set(written) == {"covoit"}
        entity = written["covoit"]["entity"]["webpageUrl"]
        if listed:
            assert entity == {"url": f"{ROOT_SITE}/acteurs/asso/", "wellKnown": WELL_KNOWN}
        else:  # a wellKnown the list does not confirm would get the manifest refused
            assert entity == {"url": f"{ROOT_SITE}/acteurs/asso/"}


def test_an_empty_data_folder_and_page_urls_that_are_not_folders(tmp_path, validator):
    """``communs/{slug}.html`` has no folder of its own: the manifest goes under the data
    folder, here empty (``""``), and never outside the output; its pages are outside the
    manifest's folder, so they carry the wellKnown."""
    output = tmp_path / "output"
    site = build(FOLLOWUP, output, CATALOGUE_DATA_PATH="",
                 CATALOGUE_COMMON_URL="communs/{slug}.html")  # fmt: skip
    written = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("funding.json")}
    assert written == {"output/funding/covoit/funding.json", "output/funding/carto/funding.json"}
    urls = well_known(site)
    assert sorted(urls) == [f"{ROOT_SITE}/funding/{s}/funding.json" for s in ("carto", "covoit")]
    manifest = json.loads((site / "funding/covoit/funding.json").read_text("utf-8"))
    assert errors(validator, manifest) == [] and directory_problems(manifest) == []
    project = manifest["projects"][0]
    page = f"{ROOT_SITE}/communs/covoit.html"
    assert (
        project["webpageUrl"] == project["repositoryUrl"] == {"url": page, "wellKnown": WELL_KNOWN}
    )
    link = (site / "communs/covoit.html").read_text("utf-8")
    assert 'href="../funding/covoit/funding.json"' in link  # RELATIVE_URLS
    open_data = (site / "donnees/index.html").read_text("utf-8")
    assert "<code>funding/&lt;commun&gt;/funding.json</code>" in open_data


def test_paths_never_leave_the_site():
    assert fm.site_path("", "funding", "velo", "funding.json") == "funding/velo/funding.json"
    assert fm.site_path("data/", "/funding/", "./x") == "data/funding/x"
    assert fm.site_path("", "") == ""
    with pytest.raises(ValueError):
        fm.site_path("..", "x")


def test_which_urls_need_a_well_known():
    manifest = f"{ROOT_SITE}/communs/velo/funding.json"
    assert not fm.needs_well_known(manifest, f"{ROOT_SITE}/communs/velo/")
    assert not fm.needs_well_known(manifest, f"{ROOT_SITE}/communs/velo")
    assert not fm.needs_well_known(manifest, f"{ROOT_SITE}/")  # a prefix of its folder
    assert fm.needs_well_known(manifest, f"{ROOT_SITE}/acteurs/ville/")
    assert fm.needs_well_known(manifest, f"{ROOT_SITE}/communs/velo-2/")
    assert fm.needs_well_known(manifest, "https://forge.example.org/communs/velo/")
    assert not fm.needs_well_known(f"{ROOT_SITE}/funding.json", f"{ROOT_SITE}/acteurs/x/")


def test_a_long_list_of_manifests_gives_no_well_known():
    """The directory reads about 100 lines of a list, then refuses the manifest: past
    ``MAX_LIST`` manifests, none carries a wellKnown (they stay unverified)."""
    urls = SiteUrls(DEFAULT_PATTERNS, {})
    site = fm.ManifestSite(ROOT_SITE, urls, EMAIL, "Appel")
    paths = {f"c{n:03}": f"communs/c{n:03}/funding.json" for n in range(fm.MAX_LIST + 1)}
    assert fm.vouched(site, paths) == frozenset()
    del paths["c000"]
    assert fm.vouched(site, paths) == frozenset(paths)
    sub = fm.ManifestSite(SUB_SITE, urls, EMAIL, "Appel")
    assert fm.vouched(sub, paths) == frozenset()
    # The site's own list: those in its first MAX_LIST lines only.
    own = "".join(f"{ROOT_SITE}/{paths[s]}\n" for s in sorted(paths)[::-1])
    mine = fm.ManifestSite(ROOT_SITE, urls, EMAIL, "Appel", own_list=own)
    assert fm.vouched(mine, paths) == frozenset(paths)
    longer = "x\n" * fm.MAX_LIST + own
    assert fm.vouched(fm.ManifestSite(ROOT_SITE, urls, EMAIL, "Appel",
                                      own_list=longer), paths) == frozenset()  # fmt: skip
    assert fm.vouched(fm.ManifestSite(ROOT_SITE, urls, EMAIL, "Appel",
                                      own_list=""), paths) == frozenset()  # fmt: skip


EDGE_COMMON = """
    ---
    title: AB
    summary: Vélo.
    challenges: [mobilite]
    stage: proposed
    proposed_by: [longue]
    budget:
      lines:
        - label: Étude
          amount: "1000"
        - label: Étude
          amount: "2000"
        - label: UI
          amount: "500"
        - label: "{label}"
          amount: "700"
          stretch: true
    ---
    Le commun.
    """
EDGE_ACTOR = """
    name: Association au très long nom
    kind: association
    description: "{description}"
    """


def test_texts_are_clipped_in_bytes_and_guids_made_valid(make_content, tmp_path, validator):
    """Limits are bytes (go-funding-json counts them): French texts of fewer characters
    than the limit may be longer in bytes. A 2-letter slug, a short or repeated label, a
    common without tags nor licence: all end in the directory's shapes."""
    label = "Évaluation " * 30  # 330 characters, 360 bytes
    description = "Une très longue présentation, " * 80  # 2 400 characters, more bytes
    content = make_content({
        "commons/ab.md": EDGE_COMMON.replace("{label}", label.strip()),
        "actors/longue.yml": EDGE_ACTOR.replace("{description}", description.strip()),
    })  # fmt: skip
    site = build(content, tmp_path / "output")
    manifest = manifests(site)["ab"]  # the directory's rules, checked by ``manifests``
    assert errors(validator, manifest) == []
    project = manifest["projects"][0]
    assert project["guid"] == "ab-common"
    assert project["tags"] == ["commons"] and project["licenses"] == []
    assert directory_problems(manifest) == ["project.licenses: 0 not in 1-5"]
    entity = manifest["entity"]["description"]
    assert len(entity.encode()) <= 2000 < len(entity.encode()) + 40 and entity.endswith("…")
    plans = manifest["funding"]["plans"]
    assert [p["guid"] for p in plans] == ["etude", "etude-line-2", "ui-line-3",
                                          plans[3]["guid"]]  # fmt: skip
    assert plans[2]["name"] == f"{translations('fr').gettext('Minimum goal')} · UI"
    assert len(plans[3]["name"].encode()) <= 250 and plans[3]["name"].endswith("Évaluation…")
    assert plans[3]["guid"] == "evaluation-evaluation-evaluation"  # 32 bytes


@pytest.mark.parametrize(("length", "pledge"), [(220, "without query"), (225, None)])
def test_urls_longer_than_the_specification_allows(make_content, tmp_path, length, pledge):
    """The pledge form's URL drops its ``?common=`` to fit in 250 bytes; a common whose
    manifest's own URL would not fit gets no manifest."""
    site_url = "https://example.org/" + "p" * (length - len("https://example.org/"))
    assert len(site_url) == length
    site = build(make_content(), tmp_path / "output", site=site_url)
    written = manifests(site)
    if pledge is None:
        assert written == {} and not (site / ".well-known").exists()
        return
    channel = written["covoit"]["funding"]["channels"][0]
    assert channel["address"] == f"{site_url}/contribuer/engagement/"
    assert len(f"{site_url}/contribuer/engagement/?common=covoit") > fm.MAX_URL
