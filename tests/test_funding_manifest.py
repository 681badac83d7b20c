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
from appel_a_communs.site import funding_manifest as fm

CORPUS = REPO / "tests" / "corpora" / "funding-json"
ROOT_SITE = "https://communs.example.org"
SUB_SITE = "https://owner.github.io/appel"
EMAIL = "appel@example.org"
WELL_KNOWN = f"{ROOT_SITE}/.well-known/funding-manifest-urls"


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


def manifests(site: Path) -> dict[str, dict]:
    """Slug → manifest, as written (amounts read as decimals)."""
    return {
        path.parent.name: json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
        for path in sorted((site / "data" / "funding").glob("*/funding.json"))
    }


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
        # The directory's own rules (go-funding-json), beyond the schema.
        plan_ids = [p["guid"] for p in manifest["funding"]["plans"]]
        channel_ids = {c["guid"] for c in manifest["funding"]["channels"]}
        assert 1 <= len(plan_ids) <= 10 and len(set(plan_ids)) == len(plan_ids)
        assert all(set(p["channels"]) <= channel_ids for p in manifest["funding"]["plans"])
        for guid in [*plan_ids, *channel_ids, manifest["projects"][0]["guid"]]:
            assert re.fullmatch(r"[a-z0-9][a-z0-9-]+[a-z0-9]", guid) and "--" not in guid
        assert len(manifest["entity"]["description"]) >= 5


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
        assert project["webpageUrl"] == {"url": page, "wellKnown": WELL_KNOWN}
        repository = commons[slug].get("repository")
        if repository:  # on another host: this site cannot vouch for it
            assert project["repositoryUrl"] == {"url": repository}
        else:
            assert project["repositoryUrl"] == {"url": page, "wellKnown": WELL_KNOWN}
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
            f"{ROOT_SITE}/data/funding/{slug}/funding.json" for slug in manifests(site)
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
        ("Maintenance", Decimal(6000), "active", "Objectif minimum · Édition 2026")
    ]
    # 2025 closed: 6 000 paid + 5 000 confirmed + 4 000 + 2 000 (its condition met).
    assert covoit["history"] == [
        {"year": 2025, "income": Decimal(17000), "currency": "EUR", "description": "Édition 2025"}
    ]
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
        path = Path("data/funding") / slug / "funding.json"
        assert (other / path).read_bytes() == (followup / path).read_bytes()
    for text in ((followup / "data/funding/carto/funding.json").read_text("utf-8"),
                 (followup / "data/funding/covoit/funding.json").read_text("utf-8")):  # fmt: skip
        assert "Région Sud-Est" not in text and "Ville de Valbrune" not in text
        assert "3000" not in text and "1234.56" not in text


def test_each_page_links_its_manifest_and_the_open_data_page_documents_them(mobilites):
    page = (mobilites / "communs/autopartage-villageois/index.html").read_text("utf-8")
    link = re.search(r'<a class="funding-manifest" href="([^"]+)"', page)
    assert link and link.group(1).endswith("/data/funding/autopartage-villageois/funding.json")
    without = (mobilites / "communs/observatoire-ponctualite-cars/index.html").read_text("utf-8")
    assert "funding-manifest" not in without
    open_data = (mobilites / "donnees/index.html").read_text("utf-8")
    assert "funding-manifest-urls" in open_data and "funding.json" in open_data


def test_a_site_under_a_sub_path_gives_no_well_known_in_its_manifests(tmp_path, validator):
    site = build(FOLLOWUP, tmp_path / "output", site=SUB_SITE)
    written = manifests(site)
    assert set(written) == {"covoit", "carto"}
    for manifest in written.values():
        assert errors(validator, manifest) == []
        assert "wellKnown" not in json.dumps(manifest)
        assert manifest["projects"][0]["webpageUrl"]["url"].startswith(f"{SUB_SITE}/communs/")
    assert sorted(well_known(site)) == [f"{SUB_SITE}/data/funding/{s}/funding.json"
                                        for s in ("carto", "covoit")]  # fmt: skip


def test_exact_decimals_a_call_without_rounds_and_a_call_without_budgets(tmp_path, validator):
    content = tmp_path / "content"
    for name, text in MINIMAL.items():
        write(content / name, text)
    path = content / "commons" / "covoit.md"
    path.write_text(path.read_text("utf-8").replace('"10000"', '"1234.56"'), "utf-8")
    site = build(content, tmp_path / "output")
    text = (site / "data/funding/covoit/funding.json").read_text("utf-8")
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
    assert not (bare / "data" / "funding").exists() and not (bare / ".well-known").exists()
    assert "funding-manifest" not in (bare / "communs/covoit/index.html").read_text("utf-8")
    assert "funding-manifest-urls" not in (bare / "donnees/index.html").read_text("utf-8")


def test_no_manifest_without_the_call_address_or_an_absolute_siteurl(tmp_path):
    for name, settings in (("no-email", {"CATALOGUE_FUNDING_EMAIL": None}),
                           ("relative", {"SITEURL": ""})):  # fmt: skip
        site = build_site(FOLLOWUP, tmp_path / name, **{"SITEURL": ROOT_SITE,
                          "CATALOGUE_FUNDING_EMAIL": EMAIL, **settings})  # fmt: skip
        assert (site / "data" / "commons.json").exists()
        assert not (site / "data" / "funding").exists() and not (site / ".well-known").exists()
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
    assert [fm.number_text(Decimal(v)) for v in ("10000", "2500.5", "2500.50", "0.01")] == [
        "10000", "2500.50", "2500.50", "0.01"
    ]  # fmt: skip
    assert fm.manifest_text({"a": [Decimal("0.10"), 1, True, None, "é"]}) == (
        '{\n  "a": [\n    0.10,\n    1,\n    true,\n    null,\n    "é"\n  ]\n}'
    )
    assert fm.slugify("Mobilité douce & vélo") == "mobilite-douce-velo"
    assert fm.clip_id("a" * 31 + "-b") == "a" * 31
    assert fm.clip("un deux trois", 9) == "un deux…"
    assert fm.plain_text("Une **coopérative** de\nlivraison.\n\n- à vélo") == (
        "Une coopérative de livraison.\n\nà vélo"
    )
    assert fm.is_email("appel@example.org") and not fm.is_email("Appel <appel@example.org>")


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
    # 1 000 from the workshop; the association gave days of skills, which are not money.
    assert velo["history"] == [
        {"year": 2025, "income": Decimal(1000), "currency": "EUR", "description": "Édition 2025"}
    ]


def test_a_well_known_list_of_the_site_is_kept(make_content, tmp_path):
    """A site that lists other manifests writes its own file (STATIC_PATHS and
    EXTRA_PATH_METADATA): it is the one published; the manifests are still written."""
    own = "https://example.org/funding.json\nhttps://communs.example.org/data/funding/covoit/funding.json\n"
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
        assert set(manifests(site)) == {"covoit"}
