"""A round's jury (issue 27): criteria with weights and a scale, reviewers with their
declared ties, scores in ``content/evaluations/<round>/<common>.yml``; the figures worked
out by hand, every bad input refused naming its file, and where the results show, never
with a reviewer's name beside a score."""

from __future__ import annotations

import html
import json
import re
import shutil
import zipfile
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import jsonschema
import pytest
from conftest import axe, build_site, nu_errors, serve, write
from pydantic import TypeAdapter

from appel_a_communs.content.errors import ContentErrors
from appel_a_communs.content.loader import load_catalogue, read_catalogue
from appel_a_communs.content.strict_yaml import load_mapping
from appel_a_communs.funding.evaluation import evaluate, half_up
from appel_a_communs.site import exports
from appel_a_communs.site.tables import record_model
from appel_a_communs.site.view import load_call

ROUND = """
    name: Édition 2026
    opens: 2026-09-01
    closes: 2026-12-31
    reviews: [2026-11-15]
    evaluation:
      scale: 5
      criteria:
        - {id: impact, label: Impact sur le territoire, weight: 3}
        - {id: faisabilite, label: Faisabilité, weight: 2}
        - {id: ouverture, label: Ouverture, weight: 1}
      reviewers:
        - {id: alice, name: Alice Arnaud}
        - {id: bruno, name: Bruno Berger}
        - {id: chloe, name: Chloé Chevalier, ties: [asso]}
    """


def _common(slug: str, title: str, proposer: str) -> str:
    return f"""
        ---
        title: {title}
        summary: Un commun à évaluer.
        challenges: [mobilite]
        stage: accepted
        license: AGPL-3.0-or-later
        proposed_by: [{proposer}]
        budget:
          lines:
            - label: Développement
              amount: "10000"
        ---
        Le commun {slug}.
        """


def _scores(*rows: str, day: str = "2026-11-15") -> str:
    return f"date: {day}\nscores:\n" + "".join(f"  - {row}\n" for row in rows)


JURY = {
    "challenges/mobilite.md": """
        ---
        title: Mobilité rurale
        summary: Se déplacer sans voiture à la campagne.
        ---
        Le problème.
        """,
    "actors/asso.yml": "name: Association Roule\nkind: association\n",
    "actors/atelier.yml": "name: Atelier Vélo\nkind: association\n",
    "actors/ville.yml": "name: Ville de Valbrune\nkind: public-body\n",
    "rounds/2026.yml": ROUND,
    "commons/covoit.md": _common("covoit", "Covoiturage ouvert", "asso"),
    "commons/velo.md": _common("velo", "Vélo partagé", "atelier"),
    "commons/bus.md": _common("bus", "Bus à la demande", "atelier"),
    "commons/tram.md": _common("tram", "Tram-train", "atelier"),
    "pledges/p1.yml": """
        actor: ville
        common: velo
        date: 2026-10-01
        money:
          amount: "2000"
        """,
    # chloe is tied to asso, which proposes covoit: she is absent from its scores
    "evaluations/2026/covoit.yml": _scores(
        "{reviewer: alice, impact: 4, faisabilite: 3, ouverture: 5, comment: Un *bon* dossier.}",
        "{reviewer: bruno, impact: 5, faisabilite: 4, ouverture: 4}",
    ),
    "evaluations/2026/velo.yml": _scores(
        "{reviewer: alice, impact: 5, faisabilite: 4, ouverture: 3}",
        "{reviewer: bruno, impact: 4, faisabilite: 4, ouverture: 4, comment: Budget serré.}",
        "{reviewer: chloe, impact: 4, faisabilite: 3, ouverture: 3}",
    ),
    "evaluations/2026/bus.yml": _scores(
        "{reviewer: alice, impact: 5, faisabilite: 4, ouverture: 4}",
        "{reviewer: bruno, impact: 4, faisabilite: 3, ouverture: 5}",
    ),
    "evaluations/2026/tram.yml": _scores(
        "{reviewer: alice, impact: 2, faisabilite: 2, ouverture: 2}",
    ),
}


def jury_call(root: Path, files: dict[str, str | None] | None = None) -> Path:
    content = root / "content"
    if content.exists():
        shutil.rmtree(content)
    for name, text in {**JURY, **(files or {})}.items():
        if text is not None:
            write(content / name, text)
    return content


def errors_of(root: Path, files: dict[str, str | None]) -> list[str]:
    content = jury_call(root, files)
    with pytest.raises(ContentErrors) as caught:
        load_catalogue(content)
    return [str(error) for error in caught.value.errors]


# --- the figures, by hand ------------------------------------------------------------------


def test_half_up_rounds_halves_up_exactly():
    assert half_up(Fraction(2125, 1000)) == Decimal("2.13")  # banker's rounding gives 2.12
    assert half_up(Fraction(11, 3)) == Decimal("3.67")
    assert half_up(Fraction(250, 3)) == Decimal("83.33")
    assert half_up(Fraction(0)) == Decimal("0.00")


def test_a_jury_of_three_by_hand(tmp_path):
    ranked = evaluate(load_catalogue(jury_call(tmp_path)))["2026"]
    by_common = {e.common: e for e in ranked}
    # covoit: impact (4+5)/2, faisabilité (3+4)/2, ouverture (5+4)/2;
    # total (3×4.5 + 2×3.5 + 1×4.5) ÷ (5 × 6) × 100 = 25/30 × 100 = 83.33…
    covoit = by_common["covoit"]
    assert covoit.reviewers == 2
    assert covoit.means == {
        "impact": Fraction(9, 2),
        "faisabilite": Fraction(7, 2),
        "ouverture": Fraction(9, 2),
    }
    assert covoit.total == Fraction(250, 3)
    assert covoit.shown_total == Decimal("83.33")
    # velo: 13/3, 11/3, 10/3 → 4.33, 3.67, 3.33; (13 + 22/3 + 10/3) ÷ 30 × 100 = 78.88…
    velo = by_common["velo"]
    assert velo.reviewers == 3
    assert velo.shown_means == {
        "impact": Decimal("4.33"),
        "faisabilite": Decimal("3.67"),
        "ouverture": Decimal("3.33"),
    }
    assert velo.total == Fraction(710, 9)
    assert velo.shown_total == Decimal("78.89")
    # bus: other scores, the same means as covoit: the same total, the same rank
    assert by_common["bus"].total == Fraction(250, 3)
    # tram: one reviewer, two needed: incomplete, no total, no rank
    tram = by_common["tram"]
    assert (tram.reviewers, tram.total, tram.rank) == (1, None, None)
    assert tram.shown_means["impact"] == Decimal("2.00")
    assert [(e.common, e.rank) for e in ranked] == [
        ("bus", 1),
        ("covoit", 1),
        ("velo", 3),
        ("tram", None),
    ]
    assert covoit.comments == ("Un *bon* dossier.",)


def test_min_reviewers_decides_what_is_complete(tmp_path):
    one = ROUND.replace("      scale: 5\n", "      scale: 5\n      min_reviewers: 3\n", 1)
    ranked = evaluate(load_catalogue(jury_call(tmp_path, {"rounds/2026.yml": one})))["2026"]
    assert [(e.common, e.rank) for e in ranked] == [
        ("velo", 1),
        ("bus", None),
        ("covoit", None),
        ("tram", None),
    ]


# --- bad input: one clear error each, naming the file ----------------------------------------

BAD = {
    "unknown round": (
        {
            "evaluations/2025/covoit.yml": _scores(
                "{reviewer: alice, impact: 1, faisabilite: 1, ouverture: 1}"
            )
        },
        "evaluations/2025/covoit.yml",
        "no round '2025'",
    ),
    "unknown common": (
        {
            "evaluations/2026/metro.yml": _scores(
                "{reviewer: alice, impact: 1, faisabilite: 1, ouverture: 1}"
            )
        },
        "evaluations/2026/metro.yml",
        "no common 'metro'",
    ),
    "unknown reviewer": (
        {
            "evaluations/2026/tram.yml": _scores(
                "{reviewer: zoe, impact: 1, faisabilite: 1, ouverture: 1}"
            )
        },
        "evaluations/2026/tram.yml: scores[0].reviewer",
        "no reviewer 'zoe'",
    ),
    "unknown criterion": (
        {
            "evaluations/2026/tram.yml": _scores(
                "{reviewer: alice, impact: 1, faisabilite: 1, ouverture: 1, beaute: 2}"
            )
        },
        "evaluations/2026/tram.yml: scores[0].beaute",
        "no criterion 'beaute'",
    ),
    "missing criterion": (
        {"evaluations/2026/tram.yml": _scores("{reviewer: alice, impact: 1, faisabilite: 1}")},
        "evaluations/2026/tram.yml: scores[0].ouverture",
        "criterion 'ouverture' is not scored",
    ),
    "score above the scale": (
        {
            "evaluations/2026/tram.yml": _scores(
                "{reviewer: alice, impact: 6, faisabilite: 1, ouverture: 1}"
            )
        },
        "evaluations/2026/tram.yml: scores[0].impact",
        "6 is above the scale: scores go from 0 to 5",
    ),
    "score below zero": (
        {
            "evaluations/2026/tram.yml": _scores(
                "{reviewer: alice, impact: -1, faisabilite: 1, ouverture: 1}"
            )
        },
        "evaluations/2026/tram.yml: scores[0].impact",
        "must be 0 or more",
    ),
    "a score that is not a whole number": (
        {
            "evaluations/2026/tram.yml": _scores(
                "{reviewer: alice, impact: 2.5, faisabilite: 1, ouverture: 1}"
            )
        },
        "evaluations/2026/tram.yml: scores[0].impact",
        "expected a whole number",
    ),
    "a reviewer twice": (
        {
            "evaluations/2026/tram.yml": _scores(
                "{reviewer: alice, impact: 1, faisabilite: 1, ouverture: 1}",
                "{reviewer: alice, impact: 2, faisabilite: 1, ouverture: 1}",
            )
        },
        "evaluations/2026/tram.yml: scores[1].reviewer",
        "reviewer 'alice' already scored this common (scores[0])",
    ),
    "a conflict of interest: the proposer": (
        {
            "evaluations/2026/covoit.yml": _scores(
                "{reviewer: alice, impact: 1, faisabilite: 1, ouverture: 1}",
                "{reviewer: chloe, impact: 5, faisabilite: 5, ouverture: 5}",
            )
        },
        "evaluations/2026/covoit.yml: scores[1].reviewer",
        "conflict of interest: reviewer 'chloe' declares a tie to 'asso'",
    ),
    "a conflict of interest: a funder in the round": (
        {"rounds/2026.yml": ROUND.replace("ties: [asso]", "ties: [asso, ville]")},
        "evaluations/2026/velo.yml: scores[2].reviewer",
        "conflict of interest: reviewer 'chloe' declares a tie to 'ville'",
    ),
    "an unknown tie": (
        {"rounds/2026.yml": ROUND.replace("ties: [asso]", "ties: [asso, mairie]")},
        "rounds/2026.yml: evaluation.reviewers[2].ties[1]",
        "no actor 'mairie'",
    ),
    "a round without a jury": (
        {
            "rounds/2026.yml": ROUND.split("    evaluation:")[0],
            "evaluations/2026/covoit.yml": None,
            "evaluations/2026/velo.yml": None,
            "evaluations/2026/tram.yml": None,
        },
        "evaluations/2026/bus.yml",
        "round '2026' has no jury",
    ),
    "a file outside a round's folder": (
        {
            "evaluations/tram.yml": _scores(
                "{reviewer: alice, impact: 1, faisabilite: 1, ouverture: 1}"
            )
        },
        "evaluations/tram.yml",
        "one folder per round",
    ),
    "a criterion listed twice": (
        {"rounds/2026.yml": ROUND.replace("id: ouverture", "id: impact")},
        "rounds/2026.yml: evaluation.criteria",
        "'impact' is listed twice",
    ),
    "a weight of zero": (
        {"rounds/2026.yml": ROUND.replace("weight: 1}", "weight: 0}")},
        "rounds/2026.yml: evaluation.criteria[2].weight",
        "must be at least 1",
    ),
    "round written in the file": (
        {
            "evaluations/2026/tram.yml": "round: 2026\n"
            + _scores("{reviewer: alice, impact: 1, faisabilite: 1, ouverture: 1}")
        },
        "evaluations/2026/tram.yml: round",
        "unknown key",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_one_clear_error_naming_the_file(tmp_path, case):
    files, where, what = BAD[case]
    content = jury_call(tmp_path, files)
    with pytest.raises(ContentErrors) as caught:
        load_catalogue(content)
    found = caught.value.errors
    assert len(found) == 1, found
    (error,) = found
    file, _, field = where.partition(": ")
    assert Path(error.path) == content / file, error
    assert error.field == (field or None), error
    assert what in error.message, error
    assert "Traceback" not in str(error)


def test_a_conflict_of_interest_says_which_tie(tmp_path):
    """A funder's pledge in the round ties it; the same actor's pledge in another round, or
    skills without money, do not."""
    files = {
        "rounds/2026.yml": ROUND.replace("ties: [asso]", "ties: [asso, ville]"),
    }
    (found,) = errors_of(tmp_path, files)
    assert "pledged money to it in round '2026' (pledge p1)" in found
    assert "rounds/2026.yml" in found
    skills = {
        **files,
        "pledges/p1.yml": """
            actor: ville
            common: velo
            date: 2026-10-01
            skills:
              days: 2
              description: Des tests
            """,
    }
    assert load_catalogue(jury_call(tmp_path, skills))


def test_every_fault_in_one_pass(tmp_path):
    """Faults of several files and of the round rules' path, all at once."""
    files = {
        "evaluations/2026/tram.yml": _scores("{reviewer: zoe, impact: 9, faisabilite: 1}"),
        "evaluations/2026/metro.yml": BAD["unknown common"][0]["evaluations/2026/metro.yml"],
        "evaluations/2026/covoit.yml": BAD["a conflict of interest: the proposer"][0][
            "evaluations/2026/covoit.yml"
        ],
    }
    loaded = read_catalogue(jury_call(tmp_path, files))
    text = "\n".join(str(e) for e in loaded.errors)
    for part in ("no reviewer 'zoe'", "9 is above the scale", "'ouverture' is not scored",
                 "no common 'metro'", "conflict of interest"):  # fmt: skip
        assert part in text, text


# --- where it shows --------------------------------------------------------------------------

NAMES = ("Alice Arnaud", "Bruno Berger", "Chloé Chevalier")


@pytest.fixture(scope="module")
def jury_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("jury")
    return build_site(jury_call(root), root / "output", DEFAULT_LANG="en", CATALOGUE_LOCALE="en")


def _text(path: Path) -> str:
    page = path.read_text(encoding="utf-8")
    main = page[page.index("<main") : page.index("</main>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def test_the_rounds_page_ranks_the_commons(jury_site):
    text = _text(jury_site / "financement" / "index.html")
    page = (jury_site / "financement" / "index.html").read_text(encoding="utf-8")
    assert "<strong>Impact sur le territoire</strong>, weight 3" in page
    rows = text[text.index("The commons scored by the jury, best first") :]
    assert rows.index("1 Bus à la demande 2 4.5 3.5 4.5 83.33") < rows.index(
        "1 Covoiturage ouvert 2 4.5 3.5 4.5 83.33"
    )
    assert "3 Vélo partagé 3 4.33 3.67 3.33 78.89" in rows
    assert "— Tram-train 1 2 2 2 Incomplete" in rows


def test_the_review_dates_page_shows_the_commons_scored_for_it(tmp_path):
    """Scores prepare the first review date on or after their date: the page of each
    review date shows those, with their rank in the round."""
    files = {
        "rounds/2026.yml": ROUND.replace(
            "reviews: [2026-11-15]", "reviews: [2026-11-15, 2026-12-15]"
        ),
        "evaluations/2026/velo.yml": JURY["evaluations/2026/velo.yml"].replace(
            "2026-11-15", "2026-11-20"
        ),
    }
    out = build_site(jury_call(tmp_path, files), tmp_path / "output", DEFAULT_LANG="en")
    first = _text(out / "releves" / "2026-11-15" / "index.html")
    second = _text(out / "releves" / "2026-12-15" / "index.html")
    assert "1 Bus à la demande" in first and "Vélo partagé" not in first
    assert "3 Vélo partagé 3 4.33 3.67 3.33 78.89" in second and "Bus" not in second


def test_the_commons_page_shows_its_result_and_comments_without_names(jury_site):
    text = _text(jury_site / "communs" / "covoit" / "index.html")
    assert "Scored by 2 reviewers: 83.33 out of 100, ranked 1 of 3." in text
    assert "Impact sur le territoire 3 4.5" in text
    assert "Un bon dossier." in text
    page = (jury_site / "communs" / "covoit" / "index.html").read_text(encoding="utf-8")
    assert "<em>bon</em>" in page  # the comment's Markdown, rendered
    tram = _text(jury_site / "communs" / "tram" / "index.html")
    assert "Scored by 1 reviewer: incomplete, a total needs at least 2." in tram
    assert "The jury" not in _text(jury_site / "acteurs" / "asso" / "index.html")


def test_the_jury_page_names_the_members_criteria_and_weights(jury_site):
    text = _text(jury_site / "tours" / "2026" / "jury" / "index.html")
    for name in NAMES:
        assert name in text
    assert "Chloé Chevalier (declared ties, whose commons this member does not score: " in text
    assert "Impact sur le territoire 3 of 6" in text
    assert "from 0 to 5" in text


def test_the_data_and_the_statements(jury_site):
    records = {c["slug"]: c for c in json.loads((jury_site / "data" / "commons.json").read_text())}
    assert records["velo"]["evaluations"] == [
        {
            "round": "2026",
            "reviewers": 3,
            "criteria": {"impact": "4.33", "faisabilite": "3.67", "ouverture": "3.33"},
            "total": "78.89",
            "rank": 3,
        }
    ]
    assert records["tram"]["evaluations"][0]["total"] is None
    assert records["tram"]["evaluations"][0]["rank"] is None
    written = json.loads((jury_site / "data" / "commons.json").read_text())
    adapter = TypeAdapter(list[record_model(exports.COMMONS)])  # the published schema's model
    assert adapter.dump_python(adapter.validate_python(written), mode="json") == written
    schema = json.loads((jury_site / "schemas" / "commons-data.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(written)
    scores_schema = json.loads((jury_site / "schemas" / "evaluation.json").read_text())
    document = load_mapping(JURY["evaluations/2026/velo.yml"]).data
    jsonschema.Draft202012Validator(scores_schema).validate(
        json.loads(json.dumps(document, default=str))
    )
    assert "round" not in scores_schema["properties"]  # its folder's name
    with pytest.raises(jsonschema.ValidationError):
        bad = {**document, "scores": [{"reviewer": "alice", "impact": -1}]}
        jsonschema.Draft202012Validator(scores_schema).validate(bad)
    scores = (jury_site / "data" / "statements" / "2026-scores.csv").read_text(encoding="utf-8")
    lines = scores.splitlines()
    assert lines[0] == "common,title,criterion,label,weight,reviewers,mean,total,rank"
    assert "velo,Vélo partagé,faisabilite,Faisabilité,2,3,3.67,78.89,3" in lines
    assert "tram,Tram-train,impact,Impact sur le territoire,3,1,2.00,," in lines
    report = (jury_site / "financement" / "rapport" / "index.html").read_text(encoding="utf-8")
    assert "statements/2026-scores.csv" in report
    with zipfile.ZipFile(jury_site / "data" / "statements" / "2026.ods") as ods:
        assert 'table:name="scores"' in ods.read("content.xml").decode()


def test_no_reviewer_is_named_anywhere_but_the_jury_page(jury_site):
    """Names, and the ids the scores use, in every file the build wrote (pages, data,
    statements, feeds, schemas): only the jury's page names the members, beside no score."""
    found = []
    for path in sorted(jury_site.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".ods":
            with zipfile.ZipFile(path) as ods:
                data = b"".join(ods.read(name) for name in ods.namelist())
        text = data.decode("utf-8", errors="replace")
        for word in (*NAMES, "alice", "bruno", "chloe"):
            if re.search(rf"\b{re.escape(word)}\b", text, re.I):
                found.append((path.relative_to(jury_site).as_posix(), word))
    assert {path for path, _ in found} == {"tours/2026/jury/index.html"}, found
    jury = _text(jury_site / "tours" / "2026" / "jury" / "index.html")
    assert not re.search(r"\b\d+[.,]\d\d\b", jury)  # no mean, no total on it


def test_a_call_without_a_jury_has_no_jury_anywhere(tmp_path):
    content = jury_call(tmp_path, {"rounds/2026.yml": ROUND.split("    evaluation:")[0]})
    shutil.rmtree(content / "evaluations")
    out = build_site(content, tmp_path / "output")
    assert not (out / "tours" / "2026" / "jury").exists()
    assert not (out / "data" / "statements" / "2026-scores.csv").exists()
    assert "scores.csv" not in (out / "financement" / "rapport" / "index.html").read_text()
    assert "jury" not in (out / "financement" / "index.html").read_text(encoding="utf-8")
    assert not any(
        "evaluations" in c for c in json.loads((out / "data" / "commons.json").read_text())
    )


JURY_PAGES = [
    "tours/2026/jury/",
    "financement/",
    "releves/2026-11-15/",
    "communs/covoit/",
    "communs/tram/",
]


def test_the_jurys_pages_are_valid_html(jury_site):
    errors = nu_errors(*(jury_site / url / "index.html" for url in JURY_PAGES))
    assert not errors, "\n".join(errors[:30])


@pytest.mark.parametrize("url", JURY_PAGES)
def test_axe_finds_no_violation_on_the_jurys_pages(jury_site, browser, axe_source, url):
    with serve(jury_site) as address:
        result = axe(browser, axe_source, f"{address}/{url}")
    violations = [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]
    assert violations == []
    assert result["passes"]


def test_the_jurys_faults_and_the_round_rules_in_one_pass(tmp_path):
    """A build reports a conflict of interest with a round rule's error (an allowance
    exceeded), in one run."""
    files = {
        "actors/ville.yml": "name: Ville de Valbrune\nkind: public-body\nallowance: '1000'\n",
        "evaluations/2026/covoit.yml": _scores(
            "{reviewer: chloe, impact: 5, faisabilite: 5, ouverture: 5}",
            "{reviewer: bruno, impact: 5, faisabilite: 4, ouverture: 4}",
        ),
    }
    with pytest.raises(ContentErrors) as caught:
        load_call(jury_call(tmp_path, files), date(2026, 11, 26))
    text = "\n".join(str(e) for e in caught.value.errors)
    assert "conflict of interest: reviewer 'chloe'" in text
    assert "allowance" in text


def test_a_call_of_campaign_yml_names_its_jury_on_its_funding_page(tmp_path):
    """campaign.yml is a call of one round, ``campaign``: its scores go in
    evaluations/campaign/, and its funding page names the jury (it has no rounds' pages)."""
    files = {
        "rounds/2026.yml": None,
        "campaign.yml": ROUND,
        **{f"evaluations/2026/{slug}.yml": None for slug in ("covoit", "velo", "bus", "tram")},
        "evaluations/campaign/velo.yml": JURY["evaluations/2026/velo.yml"],
    }
    out = build_site(jury_call(tmp_path, files), tmp_path / "output", DEFAULT_LANG="en")
    text = _text(out / "financement" / "index.html")
    assert "The jury: Alice Arnaud, Bruno Berger, Chloé Chevalier." in text
    assert "1 Vélo partagé 3 4.33 3.67 3.33 78.89" in text
    assert not (out / "tours").exists()
    records = json.loads((out / "data" / "commons.json").read_text())
    assert [e["round"] for c in records for e in c["evaluations"]] == ["campaign"]
