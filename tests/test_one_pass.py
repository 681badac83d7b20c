"""Every content error of a build in one pass: the files' own, their references' and the
round rules', which run on what is valid (``content.checks.valid_part``), without an
error made by a file that failed."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MINIMAL, build_site, run_pelican
from test_commands import command

from appel_a_communs.content.errors import ContentErrors
from appel_a_communs.content.loader import load_catalogue, read_catalogue

CAMPAIGN = "opens: 2026-09-01\ncloses: 2026-12-31\n"
"""One round, overfunding not allowed (the default)."""
BIG = 'actor: ville\ncommon: covoit\ndate: 2026-10-03\nmoney:\n  amount: "16000"\n'
"""With p1's 2500.50, 18500.50 secured: above covoit's stretch goal, 15000."""

THREE = {
    "campaign.yml": CAMPAIGN,
    "actors/asso.yml": "name: Association Roule\nkind: association\ntitel: x\n",
    "pledges/p3.yml": "actor: personne\ncommon: covoit\ndate: 2026-10-01\n",
    "pledges/p4.yml": BIG,
}
"""A bad key in one file, a broken reference in another, an overfunded common."""
EXPECTED = {
    ("actors/asso.yml", "titel"),
    ("pledges/p3.yml", "actor"),
    ("commons/covoit.md", "budget"),
}


def _found(errors, content: Path) -> set[tuple[str, str | None]]:
    return {(Path(e.path).relative_to(content).as_posix(), e.field) for e in errors}


def _build_errors(content: Path, tmp_path: Path) -> list:
    with pytest.raises(ContentErrors) as info:
        build_site(content, tmp_path / "out")
    return info.value.errors


def test_a_build_reports_file_reference_and_rule_errors_at_once(make_content, tmp_path):
    content = make_content(THREE)
    errors = _build_errors(content, tmp_path)
    assert _found(errors, content) == EXPECTED
    (rule,) = [e for e in errors if e.field == "budget"]
    assert "allow_overfunding is false in campaign.yml" in rule.message
    # the rule did not wait: with the two other files fixed, it is the one error left
    fixed = make_content({"campaign.yml": CAMPAIGN, "pledges/p4.yml": BIG})
    assert _found(_build_errors(fixed, tmp_path), fixed) == {("commons/covoit.md", "budget")}


def test_check_and_the_pelican_command_report_all_three(make_content, tmp_path):
    content = make_content(THREE)
    done = command("check", str(content), "--today", "2026-11-26")
    assert done.returncode == 1
    # the site's language (French by default) is the errors' language
    assert "3 erreurs de contenu" in done.stderr, done.stderr
    for words in (
        "content/actors/asso.yml:3: titel: champ inconnu",
        "content/pledges/p3.yml: actor: aucun acteur « personne »",
        "content/commons/covoit.md: budget: l’argent sécurisé, 18500.50 EUR",
    ):
        assert words in done.stderr, done.stderr
    result = run_pelican(str(content), "-o", str(tmp_path / "out"), "-s", "pelicanconf.py")
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in output
    assert "3 erreurs de contenu" in output, output
    assert "allow_overfunding vaut false dans campaign.yml" in output, output


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            # the pledge that would overfund names no actor: it is absent from the rules
            {"pledges/p4.yml": BIG.replace("ville", "personne")},
            {("pledges/p4.yml", "actor")},
            id="overfunding-pledge-without-actor",
        ),
        pytest.param(
            # the actor's file failed: its pledge is absent, its allowance too
            {"actors/ville.yml": "name: Ville\nallowance: 100\nkind: mairie\n"},
            {("actors/ville.yml", "kind")},
            id="pledge-of-a-broken-actor",
        ),
        pytest.param(
            # the matching funder's file failed: it is not "no actor" as well
            {
                "campaign.yml": CAMPAIGN + "matching: {funder: ville, pool: 1000, method: "
                "proportional}\n",
                "actors/ville.yml": "name: Ville\nkind: mairie\n",
            },
            {("actors/ville.yml", "kind")},
            id="broken-matching-funder",
        ),
        pytest.param(
            # the common failed: its pledges are absent, no overfunding of nothing
            {"commons/covoit.md": MINIMAL["commons/covoit.md"].replace("AGPL-3.0", "AGPL 3")},
            {("commons/covoit.md", "license")},
            id="pledges-of-a-broken-common",
        ),
        pytest.param(
            # campaign.yml failed: its round is unknown, no rule runs
            {"campaign.yml": CAMPAIGN + "allow_overfunding: non\n"},
            {("campaign.yml", "allow_overfunding")},
            id="broken-campaign",
        ),
        pytest.param(
            # a round's file failed: no pledge is "in no round", no rule runs on a guess
            {
                "campaign.yml": None,
                "rounds/r2026.yml": CAMPAIGN + "titel: x\n",
                "rounds/r2025.yml": "opens: 2025-01-01\ncloses: 2025-12-31\n",
            },
            {("rounds/r2026.yml", "titel")},
            id="broken-round",
        ),
        pytest.param(
            # overlapping rounds: which round a pledge is in is not known yet
            {
                "campaign.yml": None,
                "rounds/a.yml": CAMPAIGN,
                "rounds/b.yml": "opens: 2026-10-01\ncloses: 2027-06-30\n",
            },
            {("rounds/b.yml", "opens")},
            id="overlapping-rounds",
        ),
    ],
)
def test_no_rule_error_is_made_by_a_file_that_failed(make_content, tmp_path, files, expected):
    content = make_content({"campaign.yml": CAMPAIGN, "pledges/p4.yml": BIG, **files})
    assert _found(_build_errors(content, tmp_path), content) == expected


def test_a_valid_call_reads_as_it_loads(make_content):
    content = make_content({"campaign.yml": CAMPAIGN})
    loaded = read_catalogue(content)
    assert loaded.errors == []
    assert loaded.catalogue == load_catalogue(content)


def test_the_valid_part_keeps_what_the_rules_may_check(make_content):
    """A common without its challenge stays (no sum changes); what names a failed file
    does not; reports wait for every pledge."""
    content = make_content(
        {
            "campaign.yml": CAMPAIGN,
            "commons/autre.md": (
                "---\ntitle: Autre\nsummary: x\nchallenges: [absent]\nproposed_by: [asso]\n---\nx\n"
            ),
            "actors/ville.yml": "name: Ville\nkind: mairie\n",
        }
    )
    loaded = read_catalogue(content)
    assert _found(loaded.errors, content) == {
        ("commons/autre.md", "challenges[0]"),
        ("actors/ville.yml", "kind"),
    }
    part = loaded.catalogue
    assert set(part.commons) == {"covoit", "autre"}
    assert set(part.pledges) == {"p2"}  # p1 is ville's
    with pytest.raises(ContentErrors):
        load_catalogue(content)


def test_overfunding_of_a_common_of_one_goal_names_its_goal(make_content, tmp_path):
    """A common whose lines are all minimum lines has one goal: the error calls it its
    goal, as its pages do, never a stretch goal it does not have."""
    one_goal = MINIMAL["commons/covoit.md"].replace("\n              stretch: true", "")
    content = make_content(
        {"campaign.yml": CAMPAIGN, "commons/covoit.md": one_goal, "pledges/p4.yml": BIG}
    )
    (rule,) = _build_errors(content, tmp_path)
    assert "is above its goal, 15000 EUR" in rule.message, rule.message
    assert "stretch" not in rule.message.replace("allow_overfunding", "")
    done = command("check", str(content), "--today", "2026-11-26")
    assert "dépasse son objectif, 15000 EUR" in done.stderr, done.stderr
