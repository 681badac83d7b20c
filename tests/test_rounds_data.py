"""The data files of a call of several rounds (issue 15): rounds.json, and what commons.json,
actors.json, pledges.csv and each common's file add, with figures computed by hand.

``tests/calls/rounds``, built on 2026-11-26 (``BUILD_DAY``): the 2025 round is closed
(allowance of ville 3000, proportional matching from a pool of 1000), the 2026-2027 round
is open and sealed. Per round, from the files:

- 2025: covoit's budget for 2025 is 4000 (one line, no stretch); ville 3000 (paid) and
  asso 1000 → secured 4000 of 4000: stretch reached. velo (minimum 4000, stretch 6000):
  atelier 1000 → 1000, unfunded once the round closed. idee: declined on 2025-07-15, no
  budget. Matching, proportional, ratio 1: covoit 4000 and velo 1000 ask 5000 > the pool
  of 1000, so both are scaled to it: 4000 / 5000 × 1000 = 800 and 1000 / 5000 × 1000 = 200.
  Totals: minimum 4000 + 0 + 4000 = 8000, stretch 4000 + 0 + 6000 = 10000, secured and
  allocated 3000 + 1000 + 1000 = 5000, skills 3 days (asso on velo).
- 2026-2027: covoit (its own budget: minimum 10000, stretch 15000) gets ville's 2500.50;
  nouveau (3000) atelier's 800, conditional on two funders: pending. Totals: minimum
  13000, stretch 18000, secured 2500.50, pending 800, allocated 2500.50 + 800 = 3300.50.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from conftest import REPO, build_site

from appel_a_communs.i18n import M_, translate, translations

ROUNDS_CALL = REPO / "tests" / "calls" / "rounds"


@pytest.fixture(scope="module")
def rounds_site(tmp_path_factory) -> Path:
    return build_site(ROUNDS_CALL, tmp_path_factory.mktemp("rounds-data") / "output")


def data(site: Path, name: str):
    return json.loads((site / "data" / name).read_text(encoding="utf-8"))


def by_slug(items: list[dict]) -> dict[str, dict]:
    return {item["slug"]: item for item in items}


def pledge_rows(site: Path) -> list[dict[str, str]]:
    text = (site / "data" / "pledges.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


# --- rounds.json ----------------------------------------------------------------------------


def test_rounds_json_has_each_round_with_its_figures(rounds_site):
    rounds = data(rounds_site, "rounds.json")
    assert [r["slug"] for r in rounds] == ["2025", "2026-2027"]
    first, current = rounds
    assert first == {
        "slug": "2025",
        "name": "Édition 2025",
        "url": "/tours/2025/",
        "state": "closed",
        "current": False,
        "opens": "2025-01-01",
        "closes": "2025-06-30",
        "currency": "EUR",
        "sealed": False,
        "reviews": ["2025-03-01", "2025-07-15"],
        "eligibility": {
            "open_license": True,
            "min_working_group": 2,
            "challenge": True,
            "budget": True,
        },
        "allowances": {"ville": "3000.00"},
        "matching": {
            "method": "proportional",
            "funder": "ville",
            "pool": "1000.00",
            "ratio": "1",
            "cap": None,
            "min_funders": 2,
            "total": "1000.00",
        },
        # the same pool with the rules a pool may add (issue 27: several funders)
        "pools": [
            {
                "method": "proportional",
                "funder": "ville",
                "pool": "1000.00",
                "ratio": "1",
                "cap": None,
                "min_funders": 2,
                "total": "1000.00",
                "challenges": [],
                "proposer_kinds": [],
                "max_share": None,
                "commons": 2,
                "remaining": "0.00",
            }
        ],
        "totals": {
            "commons": 3,
            "minimum": "8000.00",
            "stretch": "10000.00",
            "secured": "5000.00",
            "pending": "0.00",
            "allocated": "5000.00",
            "skills_days": "3.0",
            "means_value": "0.00",
        },
        "commons": ["covoit", "idee", "velo"],
    }
    assert current["url"] == "/financement/"  # the current round's page is the funding page
    assert (current["state"], current["current"], current["sealed"]) == ("open", True, True)
    assert current["reviews"] == ["2026-10-15", "2027-03-15"]
    assert current["allowances"] == {}  # sealed: no actor's allowance is published
    assert current["matching"] is None
    assert current["totals"] == {
        "commons": 2,
        "minimum": "13000.00",
        "stretch": "18000.00",
        "secured": "2500.50",
        "pending": "800.00",
        "allocated": "3300.50",
        "skills_days": "0.0",
        "means_value": "0.00",
    }
    assert current["commons"] == ["covoit", "nouveau"]
    for each in rounds:  # each round's url is a page the site built
        assert (rounds_site / each["url"].lstrip("/") / "index.html").is_file()


def test_a_round_with_a_cap_publishes_it_as_its_file_gives_it(make_content, tmp_path):
    campaign = """
        opens: 2026-09-01
        closes: 2027-06-30
        matching:
          funder: ville
          pool: "1000"
          method: proportional
          ratio: "0.5"
          cap: "0.25"
        """
    site = build_site(make_content({"campaign.yml": campaign}), tmp_path / "out")
    (only,) = data(site, "rounds.json")
    assert only["slug"] == "campaign"
    assert only["matching"]["ratio"] == "0.5"
    assert only["matching"]["cap"] == "0.25"
    assert only["matching"]["pool"] == "1000.00"


# --- commons.json ---------------------------------------------------------------------------


def test_each_common_has_its_result_in_each_round(rounds_site):
    commons = by_slug(data(rounds_site, "commons.json"))
    covoit = commons["covoit"]
    first, second = covoit["rounds"]
    follow_up = {
        key: first.pop(key)
        for key in ("pledged", "confirmed", "paid", "spent", "minimum_reached_on", "spending")
    }
    assert follow_up["minimum_reached_on"] == "2025-03-10"  # tests/test_followup.py: the rest
    assert first == {
        "round": "2025",
        "status": "stretch-reached",
        "minimum": "4000.00",
        "stretch": "4000.00",
        "secured": "4000.00",
        "pending": "0.00",
        "percent_minimum": "100.00",
        "funders": 2,
        "skills_days": "0.0",
        "means_value": "0.00",
        "matching_estimate": "800.00",
        "matching": [{"funder": "ville", "estimate": "800.00"}],
        "existing_funding": "0.00",
    }
    assert (second["round"], second["status"], second["secured"]) == (
        "2026-2027",
        "open",
        "2500.50",
    )
    assert (second["minimum"], second["stretch"], second["funders"]) == ("10000.00", "15000.00", 1)
    # The top-level fields are the current round's.
    assert covoit["round"] == "2026-2027"
    assert {k: covoit[k] for k in second if k != "round"} == {
        k: v for k, v in second.items() if k != "round"
    }
    (velo_2025,) = commons["velo"]["rounds"]
    assert velo_2025["status"] == "unfunded"
    assert (velo_2025["secured"], velo_2025["matching_estimate"]) == ("1000.00", "200.00")
    assert velo_2025["skills_days"] == "3.0"
    # velo takes no part in 2026-2027: its top-level fields are its 2025 result.
    assert commons["velo"]["round"] == "2025"
    assert (commons["velo"]["status"], commons["velo"]["secured"]) == ("unfunded", "1000.00")
    (idee_2025,) = commons["idee"]["rounds"]
    assert (idee_2025["status"], commons["idee"]["round"]) == ("declined", "2025")
    assert [r["round"] for r in commons["nouveau"]["rounds"]] == ["2026-2027"]
    # The pool of 2025 is distributed exactly: 800 + 200, the round's published total.
    paid = sum(
        Decimal(r["matching_estimate"])
        for c in commons.values()
        for r in c["rounds"]
        if r["round"] == "2025" and r["matching_estimate"]
    )
    (pool,) = [r["matching"] for r in data(rounds_site, "rounds.json") if r["slug"] == "2025"]
    assert paid == Decimal(pool["total"]) == Decimal(pool["pool"]) == 1000


def test_reviews_are_published_with_their_reasons(rounds_site):
    commons = by_slug(data(rounds_site, "commons.json"))
    assert commons["idee"]["reviews"] == [
        {
            "date": "2025-07-15",
            "round": "2025",
            "decision": "declined",
            "reasons": "Pas encore de communauté d'utilisateurs ; licence non ouverte.",
            "by": "Comité de sélection",
        }
    ]
    assert commons["velo"]["reviews"] == [
        {"date": "2025-03-01", "round": "2025", "decision": "accepted", "reasons": None,
         "by": "Comité de sélection"}
    ]  # fmt: skip
    assert commons["nouveau"]["reviews"] == []


def test_eligibility_is_the_current_rounds_checklist(rounds_site):
    commons = by_slug(data(rounds_site, "commons.json"))
    nouveau = commons["nouveau"]
    assert nouveau["eligible"] is False
    checks = {c["criterion"]: c for c in nouveau["eligibility"]}
    assert list(checks) == ["open_license", "min_working_group", "challenge", "budget"]
    assert [c["criterion"] for c in nouveau["eligibility"] if not c["met"]] == ["min_working_group"]
    fr = translations("fr")
    # Only atelier pledged to nouveau: one actor in its working group, two needed.
    expected = M_("actors in its working group: %(count)d, %(need)d needed", count=1, need=2)
    assert checks["min_working_group"]["why"] == translate(expected, fr)
    assert checks["open_license"]["why"] == translate(
        M_("%(licence)s is an open licence", licence="MIT"), fr
    )
    assert commons["covoit"]["eligible"] is True
    assert all(c["met"] for c in commons["covoit"]["eligibility"])
    # Neither velo nor idee takes part in the current round: no checklist.
    for slug in ("velo", "idee"):
        assert (commons[slug]["eligible"], commons[slug]["eligibility"]) == (None, [])


def test_eligibility_reasons_are_in_the_sites_language(tmp_path):
    site = build_site(ROUNDS_CALL, tmp_path / "out", DEFAULT_LANG="en")
    nouveau = by_slug(data(site, "commons.json"))["nouveau"]
    checks = {c["criterion"]: c["why"] for c in nouveau["eligibility"]}
    assert checks["min_working_group"] == "actors in its working group: 1, 2 needed"
    assert checks["budget"] == "a budget with a minimum goal"


def test_each_commons_file_carries_the_same_record_and_its_pledges_rounds(rounds_site):
    commons = by_slug(data(rounds_site, "commons.json"))
    for slug, record in commons.items():
        assert data(rounds_site, f"commons/{slug}.json")["funding"] == record
    covoit = data(rounds_site, "commons/covoit.json")
    pledges = {p["id"]: p for p in covoit["pledges"]}
    assert pledges["p2025-ville-covoit"]["round"] == "2025"
    assert pledges["p2025-ville-covoit"]["amount"] == "3000.00"  # a closed round: public
    assert pledges["p2026-ville-covoit"]["round"] == "2026-2027"
    assert pledges["p2026-ville-covoit"]["amount"] is None  # the sealed round's
    assert covoit["content"]["budgets"]["2025"]["lines"][0]["amount"] == "4000.00"
    assert covoit["content"]["reviews"][0]["decision"] == "accepted"


# --- actors.json ----------------------------------------------------------------------------


def test_actors_engagement_per_round_hides_only_the_sealed_rounds_amounts(rounds_site):
    actors = by_slug(data(rounds_site, "actors.json"))
    ville = actors["ville"]
    assert ville["rounds"] == [
        {"round": "2025", "allowance": "3000.00", "allocated": "3000.00", "remaining": "0.00",
         "secured": "3000.00", "skills_days": "0.0", "means_value": "0.00", "activations": 0,
         "commons": 1},
        {"round": "2026-2027", "allowance": None, "allocated": None, "remaining": None,
         "secured": None, "skills_days": "0.0", "means_value": None, "activations": 0,
         "commons": 1},
    ]  # fmt: skip
    # The top-level amounts are the current round's, sealed; so is any total including it.
    assert (ville["allowance"], ville["allocated"], ville["secured"]) == (None, None, None)
    assert ville["total"] == {"commons": 1, "allocated": None, "secured": None,
                              "skills_days": "0.0", "means_value": None,
                              "activations": 0}  # fmt: skip
    atelier = actors["atelier"]
    # No per-round allowance in 2025: its own (5000) applies, which is also its allowance
    # in the sealed round, so it is hidden in 2025 too; its 2025 money stays public.
    assert atelier["rounds"][0] == {
        "round": "2025", "allowance": None, "allocated": "1000.00", "remaining": None,
        "secured": "1000.00", "skills_days": "0.0", "means_value": "0.00", "activations": 0,
        "commons": 1,
    }  # fmt: skip
    assert atelier["rounds"][1]["round"] == "2026-2027"
    assert atelier["rounds"][1]["allocated"] is None
    assert atelier["total"]["commons"] == 2  # velo in 2025, nouveau in 2026-2027
    # asso pledged in 2025 only: nothing sealed in its record, so its total is public.
    asso = actors["asso"]
    assert [r["round"] for r in asso["rounds"]] == ["2025"]
    assert asso["rounds"][0]["commons"] == 2
    assert asso["total"] == {"commons": 2, "allocated": "1000.00", "secured": "1000.00",
                             "skills_days": "3.0", "means_value": "0.00",
                             "activations": 0}  # fmt: skip


# --- pledges.csv ----------------------------------------------------------------------------


def test_pledges_csv_ends_with_the_round_of_each_pledge(rounds_site):
    text = (rounds_site / "data" / "pledges.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0].endswith(",means_value,round,withdrawn")
    rows = {row["id"]: row for row in pledge_rows(rounds_site)}
    assert {i: r["round"] for i, r in rows.items()} == {
        "p2025-ville-covoit": "2025",
        "p2025-asso-covoit": "2025",
        "p2025-atelier-velo": "2025",
        "p2025-asso-velo": "2025",
        "p2026-ville-covoit": "2026-2027",
        "p2026-atelier-nouveau": "2026-2027",
    }
    assert rows["p2025-atelier-velo"]["amount"] == "1000.00"
    assert rows["p2026-ville-covoit"]["amount"] == ""  # sealed
    assert rows["p2026-atelier-nouveau"]["amount"] == ""


# --- the schemas ----------------------------------------------------------------------------


def test_every_data_file_validates_against_its_published_schema(rounds_site):
    def validator(name: str) -> jsonschema.Draft202012Validator:
        schema = json.loads((rounds_site / "schemas" / name).read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        return jsonschema.Draft202012Validator(schema)

    for data_file, schema in (("commons.json", "commons-data.json"),
                              ("actors.json", "actors-data.json"),
                              ("challenges.json", "challenges-data.json"),
                              ("rounds.json", "rounds-data.json")):  # fmt: skip
        instance = data(rounds_site, data_file)
        assert instance
        validator(schema).validate(instance)
    common = validator("common-data.json")
    files = sorted((rounds_site / "data" / "commons").glob("*.json"))
    assert [p.stem for p in files] == ["covoit", "idee", "nouveau", "velo"]
    for path in files:
        common.validate(json.loads(path.read_text(encoding="utf-8")))
    # The schemas are strict: a float amount or an unknown key would not pass.
    rounds = data(rounds_site, "rounds.json")
    assert not validator("rounds-data.json").is_valid([{**rounds[0], "extra": 1}])
    assert not validator("rounds-data.json").is_valid(
        [{**rounds[0], "allowances": {"ville": 3000.0}}]
    )


def test_open_data_page_documents_rounds_and_the_sealed_round(rounds_site):
    html = (rounds_site / "donnees/index.html").read_text(encoding="utf-8")
    fr = translations("fr")
    assert 'href="../data/rounds.json"' in html
    assert 'href="../schemas/rounds-data.json"' in html
    notice = (
        "The current round is under sealed bids: its amounts per actor are left empty in "
        "these files until it closes; those of closed rounds stay published."
    )
    assert fr.gettext(notice) in html


# --- a call of one round, and a call without rounds ------------------------------------------


def test_a_call_of_one_round_has_one_round_named_campaign(sample_site):
    (only,) = data(sample_site, "rounds.json")
    assert (only["slug"], only["current"], only["url"]) == ("campaign", True, "/financement/")
    commons = data(sample_site, "commons.json")
    assert sorted(only["commons"]) == sorted(c["slug"] for c in commons)
    assert {c["round"] for c in commons} == {"campaign"}
    for common in commons:
        (result,) = common["rounds"]
        assert {k: common[k] for k in result if k != "round"} == {
            k: v for k, v in result.items() if k != "round"
        }
    assert {row["round"] for row in pledge_rows(sample_site)} == {"campaign"}
    actor = next(a for a in data(sample_site, "actors.json") if a["rounds"])
    assert actor["total"]["allocated"] == actor["allocated"]


def test_a_call_without_rounds_publishes_none(make_content, tmp_path):
    site = build_site(make_content(), tmp_path / "out")  # no campaign.yml, no rounds/
    assert data(site, "rounds.json") == []
    (covoit,) = data(site, "commons.json")
    assert (covoit["round"], covoit["rounds"], covoit["reviews"]) == (None, [], [])
    assert (covoit["eligible"], covoit["eligibility"]) == (None, [])
    assert covoit["secured"] == "2500.50"
    for actor in data(site, "actors.json"):
        assert (actor["rounds"], actor["total"]) == ([], None)
    assert {row["round"] for row in pledge_rows(site)} == {""}
