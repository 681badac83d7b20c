"""Processing submissions: valid envelopes become content, invalid ones a report; nothing lost."""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import MINIMAL, REPO, build_site, site_language, tree, write

from appel_a_communs.content.loader import load_catalogue
from appel_a_communs.submissions.cli import main

CAMPAIGN = "opens: 2026-09-01\ncloses: 2027-03-31\nmax_per_actor_per_common: 8000\n"
EMAIL = "jeanne.secret@example.org"


def make_site(root: Path, language: str) -> Path:
    for name, text in {**MINIMAL, "campaign.yml": CAMPAIGN}.items():
        write(root / "content" / name, text)
    (root / "submissions" / "inbox").mkdir(parents=True)
    return site_language(root, language)


@pytest.fixture
def site(tmp_path) -> Path:
    """An English site: its reports and summaries are in English (the tests read them)."""
    return make_site(tmp_path / "site", "en")


@pytest.fixture
def french_site(tmp_path) -> Path:
    return make_site(tmp_path / "french", "fr")


def put(
    site: Path,
    ident: str,
    kind: str,
    data: dict,
    *,
    source: str = "form",
    when: str = "2026-11-20T10:00:00Z",
    suffix: str = ".json",
    **extra,
) -> Path:
    envelope = {
        "id": ident,
        "type": kind,
        "submitted_at": when,
        "source": source,
        "contact": {"name": "Jeanne", "email": EMAIL},
        "data": data,
        **extra,
    }
    path = site / "submissions" / "inbox" / f"{ident}{suffix}"
    text = (
        json.dumps(envelope) if suffix == ".json" else yaml.safe_dump(envelope, allow_unicode=True)
    )
    path.write_text(text, encoding="utf-8")
    return path


def process(site: Path, *args: str, capsys=None) -> tuple[int, str]:
    code = main(["--root", str(site), "process", "--today", "2026-11-26", *args])
    return code, capsys.readouterr().out if capsys else ""


COMMON = {
    "title": "Parking vélo partagé",
    "summary": "Des arceaux partagés entre voisins.",
    "challenges": ["mobilite"],
    "proposed_by": ["asso"],
    "budget": {
        "lines": [
            {"label": "Arceaux", "amount": "4000"},
            {"label": "Abri", "amount": "2000", "stretch": True},
        ]
    },
    "body": "## Le commun\n\nDes arceaux.\n",
}


def test_valid_envelopes_become_content_files(site, capsys):
    put(
        site,
        "form-1",
        "register-actor",
        {
            "name": "Vélo Club de Brume",
            "kind": "association",
            "description": "Un club **actif**.",
            "allowance": "3000",
        },
    )
    put(
        site,
        "form-2",
        "propose-challenge",
        {
            "title": "Stationner son vélo",
            "summary": "Où garer ?",
            "facilitator": {"name": "Ana"},
            "body": "Le problème.",
        },
    )
    put(site, "form-3", "propose-common", COMMON)
    put(
        site,
        "github-4",
        "join",
        {"actor": "asso", "common": "covoit", "role": "user"},
        source="github-issue",
    )
    put(
        site,
        "form-5",
        "pledge",
        {
            "actor": "velo-club-de-brume",
            "common": "parking-velo-partage",
            "money": {"amount": "1500"},
            "skills": {"days": "1.5", "description": "Pose des arceaux"},
        },
        when="2026-11-21T09:00:00Z",
    )
    code, out = process(site, capsys=capsys)
    assert code == 0
    content = site / "content"
    for path in (
        "actors/velo-club-de-brume.yml",
        "challenges/stationner-son-velo.md",
        "commons/parking-velo-partage.md",
        "pledges/github-4.yml",
        "pledges/form-5.yml",
    ):
        assert (content / path).is_file(), path
        assert f"`content/{path}`" in out
    catalogue = load_catalogue(content)
    assert catalogue.commons["parking-velo-partage"].stage == "proposed"
    pledge = catalogue.pledges["form-5"]
    assert (str(pledge.date), pledge.role, pledge.source.kind, pledge.source.ref) == (
        "2026-11-21",
        "funder",
        "form",
        "5",
    )
    assert catalogue.pledges["github-4"].source.model_dump() == {"kind": "github-issue", "ref": "4"}
    assert sorted(p.name for p in (site / "submissions/processed").iterdir()) == sorted(
        [f"{i}.json" for i in ("form-1", "form-2", "form-3", "github-4", "form-5")]
        + [f"{i}.record.json" for i in ("form-1", "form-2", "form-3", "github-4", "form-5")]
    )
    record = json.loads((site / "submissions/processed/form-3.record.json").read_text())
    assert record["files"] == ["content/commons/parking-velo-partage.md"]
    assert not list((site / "submissions/inbox").iterdir())
    # The next build shows them, and the pledge moves the new common's bar.
    built = build_site(content, site / "out")
    records = {r["slug"]: r for r in json.loads((built / "data/commons.json").read_text())}
    assert records["parking-velo-partage"]["secured"] == "1500.00"
    assert 'role="progressbar"' in (built / "communs/parking-velo-partage/index.html").read_text()
    # Contact details reach no content, no summary, no published file.
    for folder in (content, built):
        assert not any(
            EMAIL in p.read_text(errors="ignore") for p in folder.rglob("*") if p.is_file()
        )
    assert EMAIL not in out and "Jeanne" not in out


INVALID_PLEDGE = {
    "actor": "personne",
    "common": "covoit",
    "money": {"amount": "1e3"},
    "skills": {"days": "0"},
}


def test_invalid_envelope_is_rejected_with_every_field_and_the_run_goes_on(site, capsys):
    put(site, "form-1", "pledge", INVALID_PLEDGE)
    put(site, "form-2", "join", {"actor": "asso", "common": "covoit", "role": "user"})
    code, out = process(site, capsys=capsys)
    assert code == 0
    report = (site / "submissions/rejected/form-1.report.md").read_text()
    for words in (
        "# Submission `form-1` rejected",
        "`money.amount` (form field `money_amount`)",
        "exponent notation",
        "skills.days",
        "skills.description",
        "required key is missing",
    ):
        assert words in report, words
    assert (site / "submissions/rejected/form-1.json").is_file()
    assert (site / "content/pledges/form-2.yml").is_file()
    assert "`form-1` (`pledge`)" in out and "exponent notation" in out


def test_a_french_site_rejects_in_french_only(french_site, capsys):
    put(french_site, "form-1", "pledge", INVALID_PLEDGE)
    _, out = process(french_site, capsys=capsys)
    report = (french_site / "submissions/rejected/form-1.report.md").read_text()
    assert report.startswith("# Soumission `form-1` refusée\n")
    assert (
        "`money.amount` (champ du formulaire `money_amount`) : `'1e3'` n’est pas un montant "
        "valide : la notation exponentielle n’est pas admise" in report
    )
    assert (
        "`skills.description` (champ du formulaire `skills_description`) : champ "
        "obligatoire manquant" in report
    )
    for english in ("exponent notation", "English", "rejected", "form field"):
        assert english not in report and english not in out, english
    assert "**0 ajoutée, 1 refusée**" in out and "### Refusées" in out


REJECTED = {
    "pledge": {"actor": "Personne", "common": "covoit", "money": {"amount": "12,50"},
               "skills": {"days": "2.55", "description": ""}, "date": "2026-13-01"},
    "register-actor": {"name": "A\nB", "website": "ftp://x", "kind": "firm", "extra": 1,
                       "members": ["@moi"]},
    "propose-common": {"title": "T", "summary": "x" * 201, "challenges": [], "proposed_by": "asso",
                       "license": "GPL-9", "stage": "accepted", "budget": {"lines": "x"}},
    "join": {"actor": "inconnu", "common": "nulle-part", "money": {"amount": "5"}},
    "propose-challenge": {"title": "Un défi \u202e", "summary": "ok", "status": "closed"},
}  # fmt: skip


def test_every_rejection_message_is_translated(site, french_site, capsys):
    """The same envelopes rejected by a French and an English site: each line of the
    French reports comes from the gettext catalogue, none stays English."""
    reports = {}
    for root in (site, french_site):
        for i, (kind, data) in enumerate(REJECTED.items()):
            put(root, f"form-{i}", kind, data)
        outside = {"actor": "asso", "common": "covoit", "money": {"amount": "1"}}
        put(root, "form-9", "pledge", outside, when="2025-01-01T10:00:00Z")  # a round rule
        inbox = root / "submissions/inbox"
        (inbox / "form-10.yml").write_text("id: form-10\ntype: !pledge join\n", encoding="utf-8")
        (inbox / "form-11.json").write_text('{"id": "form-11", "id": "x"}', encoding="utf-8")
        process(root, capsys=capsys)
        found = sorted((root / "submissions/rejected").glob("*.report.md"))
        reports[root] = {p.name: p.read_text() for p in found}
    assert len(reports[site]) == len(REJECTED) + 3
    assert reports[site].keys() == reports[french_site].keys()
    count = 0
    for name, english in reports[site].items():
        french = reports[french_site][name]
        french_lines = [line for line in french.splitlines() if line.startswith("- ")]
        english_lines = [line for line in english.splitlines() if line.startswith("- ")]
        assert len(french_lines) == len(english_lines) > 0
        for fr, en in zip(french_lines, english_lines, strict=True):
            assert fr != en and " : " in fr, (name, fr)
            count += 1
    assert count >= 15


def test_references_are_checked_once_fields_are_valid(site, capsys):
    put(
        site,
        "form-1",
        "pledge",
        {"actor": "personne", "common": "nulle-part", "money": {"amount": "10"}},
    )
    process(site, capsys=capsys)
    report = (site / "submissions/rejected/form-1.report.md").read_text()
    assert "`actor`: no actor `personne`" in report and "`common`: no common `nulle-part`" in report


def test_a_taken_slug_is_rejected_and_nothing_is_overwritten(site, capsys):
    before = (site / "content/commons/covoit.md").read_bytes()
    put(site, "form-1", "propose-common", {**COMMON, "slug": "covoit"})
    put(site, "form-2", "register-actor", {"name": "Association Roule"})
    put(site, "form-3", "register-actor", {"name": "Autre", "slug": "asso"})
    process(site, capsys=capsys)
    assert (site / "content/commons/covoit.md").read_bytes() == before
    assert "`covoit` is taken" in (site / "submissions/rejected/form-1.report.md").read_text()
    assert "`asso` is taken" in (site / "submissions/rejected/form-3.report.md").read_text()
    assert (site / "content/actors/association-roule.yml").is_file()


@pytest.mark.parametrize("name", ["ASSOCIATION  roule", "Associátion Roule", "Аssociation Rоule"])
def test_near_duplicate_names_are_flagged(site, capsys, name):
    put(site, "form-1", "register-actor", {"name": name, "slug": "nouvelle"})
    _, out = process(site, capsys=capsys)
    assert "### To check" in out
    assert f"`{name}` looks like the existing `asso`" in out
    assert (site / "content/actors/nouvelle.yml").is_file()


def test_running_twice_changes_nothing_the_second_time(site, capsys):
    put(site, "form-1", "propose-common", COMMON)
    put(site, "form-2", "pledge", {"actor": "ville", "common": "covoit", "money": {"amount": "-3"}})
    process(site, capsys=capsys)
    first = tree(site)
    code, out = process(site, capsys=capsys)
    assert code == 0 and tree(site) == first
    assert "**0 added, 0 rejected**" in out


def test_an_interrupted_run_is_finished_by_the_next(site, capsys):
    """Killed after the content file was written: the envelope is still in the inbox."""
    path = put(site, "form-1", "propose-common", COMMON)
    process(site, capsys=capsys)
    done = tree(site)
    # back to the moment before the record and the move
    (site / "submissions/processed/form-1.record.json").unlink()
    (site / "submissions/processed/form-1.json").replace(path)
    process(site, capsys=capsys)
    assert tree(site) == done


def test_a_second_run_waits_then_refuses(site, capsys):
    put(site, "form-1", "propose-common", COMMON)
    lock = site / "submissions" / ".lock"
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        code = main(["--root", str(site), "process", "--wait", "0.3"])
    assert code == 1
    assert "another run is processing submissions" in capsys.readouterr().err
    assert not (site / "content/commons/parking-velo-partage.md").exists()


def test_dry_run_writes_nothing(site, capsys):
    put(site, "form-1", "propose-common", COMMON)
    before = tree(site)
    code, out = process(site, "--dry-run", capsys=capsys)
    assert code == 0 and tree(site) == before
    assert "## Submissions (dry run)" in out
    assert "`content/commons/parking-velo-partage.md`" in out


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (
            {"actor": "ville", "common": "covoit", "money": {"amount": "9000"}},
            "max_per_actor_per_common",
        ),
        (
            {"actor": "ville", "common": "covoit", "money": {"amount": "5000"}},
            None,
        ),  # fine: 7500.50 with p1.yml, under the cap and under the allowance
    ],
)
def test_round_rules_apply_at_submission(site, capsys, data, words):
    put(site, "form-1", "pledge", data)
    process(site, capsys=capsys)
    report = site / "submissions/rejected/form-1.report.md"
    if words is None:
        assert not report.exists()
        build_site(site / "content", site / "out")  # main stays green
    else:
        assert words in report.read_text()


def test_over_the_allowance_and_to_an_archived_common_are_rejected(site, capsys):
    write(
        site / "content/commons/vieux.md",
        "---\ntitle: V\nsummary: S\nchallenges: [mobilite]\nstage: archived\n"
        "proposed_by: [asso]\n---\n",
    )
    write(site / "content/actors/ville.yml", "name: Ville\nallowance: 9000\n")
    put(
        site,
        "form-1",
        "pledge",
        {"actor": "ville", "common": "covoit", "money": {"amount": "5000"}},
    )
    put(
        site,
        "form-2",
        "pledge",
        {"actor": "ville", "common": "covoit", "money": {"amount": "2000"}},
        when="2026-11-21T10:00:00Z",
    )
    put(site, "form-3", "join", {"actor": "asso", "common": "vieux", "role": "user"})
    process(site, capsys=capsys)
    assert (site / "content/pledges/form-1.yml").is_file()
    allowance = (site / "submissions/rejected/form-2.report.md").read_text()
    assert "is more than the allowance of `9000 EUR`" in allowance
    # the files involved are named: the actor's, its earlier pledge's and this one's
    assert all(name in allowance for name in ("ville.yml", "form-1.yml", "form-2.yml"))
    assert "`vieux` is archived" in (site / "submissions/rejected/form-3.report.md").read_text()


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({**COMMON, "title": "Vélo\u202ecargo"}, "title", "bidirectional control character"),
        ({**COMMON, "summary": "Zéro\u200blargeur"}, "summary", "invisible character"),
        ({**COMMON, "title": "Deux\nlignes"}, "title", "must fit on one line"),
        ({**COMMON, "slug": "../../etc"}, "slug", "not a valid slug"),
        ({**COMMON, "slug": ".git"}, "slug", "not a valid slug"),
        ({**COMMON, "slug": "a/b"}, "slug", "not a valid slug"),
        ({**COMMON, "stage": "accepted"}, "stage", "set by maintainers"),
        ({**COMMON, "repository": "javascript:alert(1)"}, "repository", "only http"),
        ({**COMMON, "template": "x"}, "template", "unknown key"),
    ],
)
def test_unsafe_text_and_paths_are_refused(site, capsys, data, field, words):
    put(site, "form-1", "propose-common", data)
    process(site, capsys=capsys)
    report = (site / "submissions/rejected/form-1.report.md").read_text()
    assert f"`{field}" in report and words in report, report
    assert sorted(p.name for p in (site / "content/commons").iterdir()) == ["covoit.md"]
    assert not list(site.parent.glob("etc*"))


def test_text_is_normalised_and_yaml_is_emitted_safely(site, capsys):
    put(
        site,
        "form-1",
        "register-actor",
        {
            "name": 'Ve\u0301lo: "club" #1',
            "territory": "NO",
            "slug": "velo",
            "description": "Un <b>club</b> <script>alert(1)</script>\n\n> citation & plus",
        },
    )
    put(
        site,
        "form-2",
        "register-actor",
        {"name": "Code postal", "territory": "01000", "slug": "cp"},
    )
    process(site, capsys=capsys)
    actor = load_catalogue(site / "content").actors["velo"]
    assert actor.name == 'Vélo: "club" #1' and actor.name == 'V\u00e9lo: "club" #1'
    assert actor.territory == "NO"
    assert actor.description == "Un club \n\n> citation & plus"
    assert load_catalogue(site / "content").actors["cp"].territory == "01000"


@pytest.mark.parametrize(
    ("envelope", "field"),
    [
        ({"type": "vote"}, "type"),
        ({"submitted_at": "hier"}, "submitted_at"),
        ({"source": "fax"}, "source"),
        ({"contact": {"email": "pas une adresse"}}, "contact.email"),
        ({"extra": 1}, "extra"),
    ],
)
def test_bad_envelopes_are_rejected_naming_the_field(site, capsys, envelope, field):
    path = put(site, "form-1", "join", {"actor": "asso", "common": "covoit", "role": "user"})
    data = json.loads(path.read_text())
    path.write_text(json.dumps({**data, **envelope}))
    process(site, capsys=capsys)
    assert f"`{field}`" in (site / "submissions/rejected/form-1.report.md").read_text()


def test_unreadable_envelope_is_rejected_not_lost(site, capsys):
    (site / "submissions/inbox/broken.json").write_text("{not json")
    (site / "submissions/inbox/anchors.yml").write_text("id: &a x\n")
    code, _ = process(site, capsys=capsys)
    assert code == 0
    assert sorted(p.name for p in (site / "submissions/rejected").iterdir()) == [
        "anchors.report.md",
        "anchors.yml",
        "broken.json",
        "broken.report.md",
    ]


def test_yaml_envelopes_and_the_pledge_and_join_rules(site, capsys):
    put(site, "form-1", "pledge", {"actor": "asso", "common": "covoit"}, suffix=".yml")
    put(
        site,
        "form-2",
        "join",
        {"actor": "asso", "common": "covoit", "role": "user", "money": {"amount": "10"}},
    )
    process(site, capsys=capsys)
    assert (
        "a pledge brings money, skills or means"
        in (site / "submissions/rejected/form-1.report.md").read_text()
    )
    assert "a join brings no money" in (site / "submissions/rejected/form-2.report.md").read_text()


def test_tool_errors_exit_non_zero(site, capsys):
    (site / "content/actors/asso.yml").write_text("name: [broken\n")
    put(site, "form-1", "join", {"actor": "asso", "common": "covoit", "role": "user"})
    code = main(["--root", str(site), "process"])
    assert code == 1
    assert "the current content does not build" in capsys.readouterr().err
    assert (site / "submissions/inbox/form-1.json").exists()


def test_script_and_console_entry_points(site):
    put(site, "form-1", "join", {"actor": "asso", "common": "covoit", "role": "user"})
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts/submissions.py"),
            "--root",
            str(site),
            "process",
            "--dry-run",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "`form-1` (`join`)" in result.stdout
    result = subprocess.run(
        ["appel-submissions", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and "process" in result.stdout


def test_an_english_site_rejects_in_english_only(site, capsys):
    (site / "pelicanconf.py").write_text(
        'DEFAULT_LANG = "en"\nCATALOGUE_GITHUB_REPO = "org/appel"\n', encoding="utf-8"
    )
    put(site, "form-1", "pledge", {"actor": "asso", "common": "covoit", "money": {"amount": "0"}})
    process(site, capsys=capsys)
    report = (site / "submissions/rejected/form-1.report.md").read_text()
    assert report.startswith("# Submission `form-1` rejected\n")
    assert "Soumission" not in report and "champ" not in report
    assert "- `money.amount` (form field `money_amount`): `'0'` must be positive" in report
