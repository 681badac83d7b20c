"""Open data: every file published is documented, and validates against its published schema."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from conftest import REPO, SAMPLE, build_site

from appel_a_communs.content.strict_yaml import load_mapping, split_front_matter


def schema(site: Path, name: str) -> dict:
    return json.loads((site / "schemas" / name).read_text())


def validate(site: Path, name: str, instance) -> None:
    jsonschema.Draft202012Validator(schema(site, name)).validate(instance)


def test_every_schema_is_a_valid_json_schema(sample_site):
    names = sorted(p.name for p in (sample_site / "schemas").glob("*.json"))
    assert names == ["actor.json", "actors-data.json", "campaign.json", "challenge.json",
                     "challenges-data.json", "common-data.json", "common.json",
                     "commons-data.json", "evaluation.json", "page.json", "pledge.json",
                     "report.json", "round.json", "rounds-data.json"]  # fmt: skip
    for name in names:
        jsonschema.Draft202012Validator.check_schema(schema(sample_site, name))


@pytest.mark.parametrize(("data", "name"), [("commons.json", "commons-data.json"),
                                            ("challenges.json", "challenges-data.json"),
                                            ("actors.json", "actors-data.json"),
                                            ("rounds.json", "rounds-data.json")])  # fmt: skip
def test_data_files_validate_against_their_schema(sample_site, data, name):
    instance = json.loads((sample_site / "data" / data).read_text())
    assert instance
    validate(sample_site, name, instance)


def test_one_json_file_per_common(sample_site):
    files = sorted((sample_site / "data/commons").glob("*.json"))
    assert {p.stem for p in files} == {p.stem for p in (SAMPLE / "commons").glob("*.md")}
    for path in files:
        record = json.loads(path.read_text())
        validate(sample_site, "common-data.json", record)
        assert record["funding"]["slug"] == path.stem == record["content"]["slug"]
    registre = json.loads(
        (sample_site / "data/commons/registre-trajets-covoiturage.json").read_text()
    )
    assert sum(1 for p in registre["pledges"] if p["amount"]) >= 3


def _jsonable(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


@pytest.mark.parametrize(("folder", "name"), [("challenges", "challenge.json"),
                                              ("commons", "common.json"),
                                              ("actors", "actor.json"),
                                              ("pledges", "pledge.json"),
                                              ("pages", "page.json")])  # fmt: skip
def test_every_sample_content_file_validates_against_its_schema(sample_site, folder, name):
    validator = jsonschema.Draft202012Validator(schema(sample_site, name))
    files = sorted((SAMPLE / folder).iterdir())
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        yaml_text = split_front_matter(text)[0] if path.suffix == ".md" else text
        validator.validate(_jsonable(load_mapping(yaml_text).data))
    campaign = load_mapping((SAMPLE / "campaign.yml").read_text()).data
    validate(sample_site, "campaign.json", _jsonable(campaign))


ROUNDS_CALL = REPO / "tests" / "calls" / "rounds"


@pytest.mark.parametrize(("folder", "name"), [("rounds", "round.json"),
                                              ("commons", "common.json"),
                                              ("pledges", "pledge.json")])  # fmt: skip
def test_every_file_of_a_call_of_rounds_validates_against_its_schema(sample_site, folder, name):
    """Rounds, per-round budgets and reviews: the keys of issue 15 are in the schemas."""
    validator = jsonschema.Draft202012Validator(schema(sample_site, name))
    files = sorted((ROUNDS_CALL / folder).iterdir())
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        yaml_text = split_front_matter(text)[0] if path.suffix == ".md" else text
        validator.validate(_jsonable(load_mapping(yaml_text).data))


def test_the_round_schema_has_the_keys_of_a_round_and_refuses_others(sample_site):
    validator = jsonschema.Draft202012Validator(schema(sample_site, "round.json"))
    assert validator.is_valid({"slug": "2025", "opens": "2025-01-01", "reviews": ["2025-03-01"],
                               "allowances": {"ville": "3000"},
                               "eligibility": {"min_working_group": 2}})  # fmt: skip
    assert validator.is_valid({"opens": "2025-01-01"})  # the slug is the file's stem
    assert not validator.is_valid({"allowances": {"Ville de Valbrune": "3000"}})
    assert not validator.is_valid({"allowances": {"ville": "3e3"}})
    assert not validator.is_valid({"eligibility": {"licence": True}})
    common = jsonschema.Draft202012Validator(schema(sample_site, "common.json"))
    base = {"title": "T", "summary": "S", "challenges": ["c"], "proposed_by": ["a"]}
    assert common.is_valid({**base, "reviews": [{"date": "2025-03-01", "decision": "accepted"}]})
    assert not common.is_valid({**base, "reviews": [{"date": "2025-03-01", "decision": "maybe"}]})
    assert not common.is_valid({**base, "budgets": {"Édition 2025": {"lines": [
        {"label": "L", "amount": "1"}]}}})  # fmt: skip


def test_a_schema_catches_what_the_loader_refuses(sample_site):
    validator = jsonschema.Draft202012Validator(schema(sample_site, "pledge.json"))
    assert not validator.is_valid({"actor": "a", "common": "c", "date": "2026-01-01",
                                   "money": {"amount": "1e3"}})  # fmt: skip
    assert not validator.is_valid({"actor": "a", "common": "c", "date": "2026-01-01", "x": 1})


def test_content_files_can_name_their_schema_for_editors(make_content, tmp_path):
    comment = "# yaml-language-server: $schema=../schemas/pledge.json\n"
    pledge = comment + "actor: ville\ncommon: covoit\ndate: 2026-10-01\n"
    content = make_content({"pledges/p1.yml": pledge})
    build_site(content, tmp_path / "out")


def test_open_data_page_documents_files_and_licence(sample_site, make_content, tmp_path):
    html = (sample_site / "donnees/index.html").read_text()
    for words in (
        "commons.json",
        "challenges.json",
        "actors.json",
        "pledges.csv",
        "commons-data.json",
        "rounds.json",
        "rounds-data.json",
        "Licence Ouverte / Open Licence 2.0",
        "$schema=",
    ):
        assert words in html, words
    site = build_site(
        make_content(),
        tmp_path / "out",
        CATALOGUE_DATA_LICENSE="ODbL 1.0",
        CATALOGUE_DATA_LICENSE_URL="https://opendatacommons.org/licenses/odbl/",
    )
    assert "ODbL 1.0" in (site / "donnees/index.html").read_text()


def test_one_embeddable_badge_per_common(sample_site):
    import xml.etree.ElementTree as ET

    records = {r["slug"]: r for r in json.loads((sample_site / "data/commons.json").read_text())}
    badges = sorted((sample_site / "badges").glob("*.svg"))
    assert {p.stem for p in badges} == set(records)
    namespace = "{http://www.w3.org/2000/svg}"
    for path in badges:
        svg = ET.parse(path).getroot()
        assert svg.get("role") == "img"
        title = svg.find(f"{namespace}title").text
        assert svg.get("aria-label") == title
        record = records[path.stem]
        goal = record["percent_minimum"] if record["minimum"] != "0.00" else None
        if goal is not None:
            assert title == f"financement : {int(float(goal))}\u202f%", (path.stem, title)
        colour = svg.findall(f"{namespace}rect")[1].get("fill")
        expected = {"open": "#000091", "minimum-reached": "#18753c", "proposed": "#6a6a6a"}
        if record["status"] in expected:
            assert colour == expected[record["status"]]
    html = (sample_site / "communs/validateur-gtfs/index.html").read_text()
    assert 'src="../../badges/validateur-gtfs.svg"' in html


def test_the_schema_names_are_those_of_the_schemas():
    """The open data page lists the schemas by name without building them (schema_names):
    the same names as the schemas written."""
    from appel_a_communs.site.exports import schema_names, schemas

    assert schema_names() == list(schemas())
