"""Bad content fails the build with every error named by file and field, never a traceback."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from conftest import IN_ENGLISH, build_site, run_pelican

from appel_a_communs.content.errors import ContentErrors

COMMON = """\
---
title: Covoiturage ouvert
summary: Un registre ouvert des trajets.
challenges: [mobilite]
stage: accepted
license: AGPL-3.0-or-later
proposed_by: [asso]
{extra}
---
Le commun.
"""


def common(extra: str = "", **replace: str) -> str:
    """The small call's common with ``extra`` front matter lines and key values replaced."""
    text = COMMON.replace("{extra}", textwrap.dedent(extra).strip())
    for key, value in replace.items():
        text = text.replace(f"\n{key}: ", f"\n{key}: {value}\n_old_{key}: ", 1)
        text = "\n".join(line for line in text.split("\n") if not line.startswith(f"_old_{key}:"))
    return text


def pledge(amount: str, money_extra: str = "") -> str:
    text = f"actor: ville\ncommon: covoit\ndate: 2026-10-01\nmoney:\n  amount: {amount}\n"
    return text + "".join(f"  {line}\n" for line in money_extra.splitlines())


def budget(amount: str) -> str:
    return common(f"budget:\n  lines:\n    - label: Développement\n      amount: {amount}")


# (case id, files to add or replace, expected file, expected field, words in the message)
CASES = [
    (
        "unknown-key",
        {"commons/covoit.md": common("titel: Autre")},
        "commons/covoit.md",
        "titel",
        "unknown key (did you mean 'title'?)",
    ),
    (
        "unknown-key-nested",
        {"actors/asso.yml": "name: A\nkind: association\nallowance:\n  x: 1\n"},
        "actors/asso.yml",
        "allowance",
        "expected an amount",
    ),
    (
        "missing-required",
        {"challenges/mobilite.md": "---\ntitle: Mobilité\n---\nx\n"},
        "challenges/mobilite.md",
        "summary",
        "required key is missing",
    ),
    (
        "missing-required-pledge-date",
        {"pledges/p1.yml": "actor: ville\ncommon: covoit\n"},
        "pledges/p1.yml",
        "date",
        "required key is missing",
    ),
    (
        "wrong-type-list",
        {"commons/covoit.md": common(challenges="mobilite")},
        "commons/covoit.md",
        "challenges",
        "expected a list",
    ),
    (
        "wrong-type-mapping",
        {"challenges/mobilite.md": "---\ntitle: M\nsummary: S\nfacilitator: Claire\n---\n"},
        "challenges/mobilite.md",
        "facilitator",
        "expected a mapping",
    ),
    (
        "wrong-enum",
        {"actors/asso.yml": "name: A\nkind: charity\n"},
        "actors/asso.yml",
        "kind",
        "'charity' is not one of",
    ),
    (
        "summary-too-long",
        {"challenges/mobilite.md": f"---\ntitle: M\nsummary: {'a' * 201}\n---\n"},
        "challenges/mobilite.md",
        "summary",
        "at most 200 characters",
    ),
    (
        "invalid-slug-file-name",
        {"actors/Mon Acteur.yml": "name: A\n"},
        "actors/Mon Acteur.yml",
        "slug",
        "taken from the file name",
    ),
    (
        "invalid-slug-key",
        {"actors/asso.yml": "name: A\nslug: Asso_Roule\n"},
        "actors/asso.yml",
        "slug",
        "not a valid slug",
    ),
    (
        "invalid-pledge-id",
        {"pledges/P 3.yml": "actor: ville\ncommon: covoit\ndate: 2026-10-01\n"},
        "pledges/P 3.yml",
        "id",
        "not a valid slug",
    ),
    (
        "slug-collision",
        {"actors/autre.yml": "name: Autre\nslug: asso\n"},
        "actors/autre.yml",
        "slug",
        "already used by",
    ),
    (
        "missing-challenge",
        {"commons/covoit.md": common(challenges="[mobilite, inconnu]")},
        "commons/covoit.md",
        "challenges[1]",
        "no challenge 'inconnu'",
    ),
    (
        "missing-common",
        {"pledges/p1.yml": "actor: ville\ncommon: nulle-part\ndate: 2026-10-01\n"},
        "pledges/p1.yml",
        "common",
        "no common 'nulle-part'",
    ),
    (
        "missing-actor",
        {"pledges/p1.yml": "actor: personne\ncommon: covoit\ndate: 2026-10-01\n"},
        "pledges/p1.yml",
        "actor",
        "no actor 'personne'",
    ),
    (
        "missing-proposer",
        {"commons/covoit.md": common(proposed_by="[fantome]")},
        "commons/covoit.md",
        "proposed_by[0]",
        "no actor 'fantome'",
    ),
    (
        "yaml-anchor",
        {"actors/asso.yml": "name: &n Asso\nterritory: Valbrune\n"},
        "actors/asso.yml",
        "name",
        "anchors (&n) are not allowed",
    ),
    (
        "yaml-alias",
        {"commons/covoit.md": common("governance: *s")},
        "commons/covoit.md",
        "governance",
        "aliases (*s) are not allowed",
    ),
    (
        "yaml-anchor-and-alias",
        {"commons/covoit.md": common("governance: *s", summary="&s Texte")},
        "commons/covoit.md",
        "summary",
        "anchors (&s) are not allowed",
    ),
    ("yaml-tag", {"actors/asso.yml": "name: !!str Asso\n"}, "actors/asso.yml", "name", "tags"),
    (
        "yaml-python-tag",
        {"actors/asso.yml": "name: !!python/object:os.system ls\n"},
        "actors/asso.yml",
        "name",
        "tags",
    ),
    (
        "yaml-merge-key",
        {"actors/asso.yml": "<<: {name: A}\nname: B\n"},
        "actors/asso.yml",
        None,
        "merge keys",
    ),
    (
        "yaml-duplicate-key",
        {"actors/asso.yml": "name: A\nkind: association\nname: B\n"},
        "actors/asso.yml",
        "name",
        "duplicate key 'name'",
    ),
    ("yaml-syntax", {"actors/asso.yml": "name: [A\n"}, "actors/asso.yml", None, "invalid YAML"),
    (
        "coerced-no-bool",
        {"commons/covoit.md": common("deliverables:\n  - title: API\n    done: NO")},
        "commons/covoit.md",
        "deliverables[0].done",
        "expected true or false, got 'NO'",
    ),
    (
        "coerced-octal",
        {"pledges/p1.yml": pledge("01000")},
        "pledges/p1.yml",
        "money.amount",
        "no leading zero",
    ),
    (
        "coerced-sexagesimal",
        {"pledges/p1.yml": pledge("1:30")},
        "pledges/p1.yml",
        "money.amount",
        "'1:30' is not a valid amount",
    ),
    (
        "coerced-nan",
        {"pledges/p1.yml": pledge(".nan")},
        "pledges/p1.yml",
        "money.amount",
        "'.nan' is not a valid amount",
    ),
    (
        "coerced-days-nan",
        {
            "pledges/p2.yml": "actor: asso\ncommon: covoit\ndate: 2026-10-02\n"
            "skills:\n  days: .nan\n  description: x\n"
        },
        "pledges/p2.yml",
        "skills.days",
        "not a valid number of days",
    ),
    (
        "coerced-date-time",
        {"pledges/p1.yml": "actor: ville\ncommon: covoit\ndate: 2026-10-01 10:00\n"},
        "pledges/p1.yml",
        "date",
        "not a valid date",
    ),
    (
        "invalid-date",
        {"pledges/p1.yml": "actor: ville\ncommon: covoit\ndate: 2026-02-30\n"},
        "pledges/p1.yml",
        "date",
        "not a valid date",
    ),
    (
        "amount-exponent",
        {"pledges/p1.yml": pledge("1e3")},
        "pledges/p1.yml",
        "money.amount",
        "exponent",
    ),
    (
        "amount-negative",
        {"pledges/p1.yml": pledge("-500")},
        "pledges/p1.yml",
        "money.amount",
        "positive",
    ),
    (
        "amount-zero",
        {"pledges/p1.yml": pledge('"0"')},
        "pledges/p1.yml",
        "money.amount",
        "positive",
    ),
    (
        "amount-zero-int",
        {"commons/covoit.md": budget("0")},
        "commons/covoit.md",
        "budget.lines[0].amount",
        "positive",
    ),
    (
        "amount-three-decimals",
        {"pledges/p1.yml": pledge('"12.345"')},
        "pledges/p1.yml",
        "money.amount",
        "at most two decimals",
    ),
    (
        "amount-comma",
        {"pledges/p1.yml": pledge('"12,50"')},
        "pledges/p1.yml",
        "money.amount",
        'write "12.50" (a dot before the cents',
    ),
    (
        "amount-thousands",
        {"commons/covoit.md": budget('"10 000"')},
        "commons/covoit.md",
        "budget.lines[0].amount",
        'write "10000"',
    ),
    (
        "amount-non-ascii-digits",
        {"pledges/p1.yml": pledge('"١٢٣"')},
        "pledges/p1.yml",
        "money.amount",
        "ASCII digits",
    ),
    (
        "amount-fullwidth-digits",
        {"commons/covoit.md": budget('"１０００"')},
        "commons/covoit.md",
        "budget.lines[0].amount",
        "ASCII digits",
    ),
    (
        "amount-boolean",
        {"pledges/p1.yml": pledge("true")},
        "pledges/p1.yml",
        "money.amount",
        "boolean",
    ),
    (
        "mixed-currency-pledge",
        {"pledges/p1.yml": pledge('"100"', "currency: USD")},
        "pledges/p1.yml",
        "money.currency",
        "USD differs from the call's currency EUR",
    ),
    (
        "mixed-currency-budget",
        {
            "campaign.yml": "name: Appel\ncurrency: CHF\n",
            "commons/covoit.md": common(
                "budget:\n  currency: EUR\n  lines:\n    - label: a\n      amount: 1"
            ),
        },
        "commons/covoit.md",
        "budget.currency",
        "EUR differs from the call's currency CHF",
    ),
    (
        "unknown-currency",
        {"campaign.yml": "currency: EURO\n"},
        "campaign.yml",
        "currency",
        "not an ISO 4217 currency code",
    ),
    (
        "invalid-spdx",
        {"commons/covoit.md": common(license="Licence-Libre-1.0")},
        "commons/covoit.md",
        "license",
        "not a valid SPDX licence expression",
    ),
    (
        "licence-required-once-accepted",
        {
            "commons/covoit.md": COMMON.replace("license: AGPL-3.0-or-later\n", "").replace(
                "{extra}", ""
            )
        },
        "commons/covoit.md",
        "license",
        "required once a common is accepted",
    ),
    (
        "javascript-url",
        {"commons/covoit.md": common("repository: javascript:alert(1)")},
        "commons/covoit.md",
        "repository",
        "only http:// and https:// URLs",
    ),
    (
        "data-url",
        {"actors/asso.yml": "name: A\nwebsite: data:text/html,<script>alert(1)</script>\n"},
        "actors/asso.yml",
        "website",
        "only http:// and https:// URLs",
    ),
    (
        "facilitator-url",
        {
            "challenges/mobilite.md": "---\ntitle: M\nsummary: S\nfacilitator:\n"
            "  name: C\n  url: ftp://example.org\n---\n"
        },
        "challenges/mobilite.md",
        "facilitator.url",
        "only http:// and https:// URLs",
    ),
    ("empty-file", {"actors/vide.yml": ""}, "actors/vide.yml", None, "the file is empty"),
    (
        "blank-file",
        {"challenges/vide.md": "\n  \n"},
        "challenges/vide.md",
        None,
        "the file is empty",
    ),
    (
        "no-front-matter",
        {"challenges/mobilite.md": "title: M\n"},
        "challenges/mobilite.md",
        None,
        "missing YAML front matter",
    ),
    (
        "unclosed-front-matter",
        {"challenges/mobilite.md": "---\ntitle: M\n"},
        "challenges/mobilite.md",
        None,
        "not closed",
    ),
    (
        "not-utf8",
        {"actors/asso.yml": b"name: Association \xe9t\xe9\n"},
        "actors/asso.yml",
        None,
        "not valid UTF-8",
    ),
    (
        "top-level-list",
        {"actors/asso.yml": "- name: A\n"},
        "actors/asso.yml",
        None,
        "expected a mapping",
    ),
    ("stray-file", {"pledges/notes.txt": "à faire"}, "pledges/notes.txt", None, "unexpected file"),
    (
        "condition-empty",
        {"pledges/p1.yml": pledge('"100"', "condition: {}")},
        "pledges/p1.yml",
        "money.condition",
        "needs total_at_least or funders_at_least",
    ),
    (
        "condition-bad-goal",
        {"pledges/p1.yml": pledge('"100"', "condition:\n  total_at_least: maximum")},
        "pledges/p1.yml",
        "money.condition.total_at_least",
        "minimum or stretch",
    ),
    (
        "matching-unknown-funder",
        {"campaign.yml": "matching:\n  funder: ademe\n  pool: 1000\n  method: quadratic\n"},
        "campaign.yml",
        "matching.funder",
        "no actor 'ademe'",
    ),
    (
        "campaign-dates",
        {"campaign.yml": "opens: 2027-01-01\ncloses: 2026-01-01\n"},
        "campaign.yml",
        "closes",
        "is before opens",
    ),
    (
        "body-key-in-front-matter",
        {"challenges/mobilite.md": "---\ntitle: M\nsummary: S\nbody: x\n---\n"},
        "challenges/mobilite.md",
        "body",
        "unknown key",
    ),
    (
        "id-key-in-pledge",
        {"pledges/p1.yml": "id: autre\nactor: ville\ncommon: covoit\ndate: 2026-10-01\n"},
        "pledges/p1.yml",
        "id",
        "unknown key",
    ),
    (
        "pelican-template-key",
        {"commons/covoit.md": common("template: evil")},
        "commons/covoit.md",
        "template",
        "unknown key",
    ),
    (
        "page-save-as",
        {"pages/a-propos.md": "---\ntitle: À propos\nsave_as: ../../evil.html\n---\n"},
        "pages/a-propos.md",
        "save_as",
        "unknown key",
    ),
    (
        "page-status-url",
        {"pages/a-propos.md": "---\ntitle: À propos\nstatus: hidden\nurl: x\n---\n"},
        "pages/a-propos.md",
        "status",
        "unknown key",
    ),
    (
        "page-missing-title",
        {"pages/a-propos.md": "---\norder: 1\n---\nx\n"},
        "pages/a-propos.md",
        "title",
        "required key is missing",
    ),
    (
        "page-reserved-slug",
        {"pages/communs.md": "---\ntitle: Nos communs\n---\nx\n"},
        "pages/communs.md",
        "slug",
        "reserved",
    ),
]


def _errors(content: Path, tmp_path: Path) -> list:
    with pytest.raises(ContentErrors) as info:
        build_site(content, tmp_path / "out")
    return info.value.errors


@pytest.mark.parametrize(
    ("files", "path", "field", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_content_is_reported_with_file_and_field(
    make_content, tmp_path, files, path, field, words
):
    errors = _errors(make_content(files), tmp_path)
    matching = [e for e in errors if Path(e.path).as_posix().endswith(path)]
    assert matching, f"no error for {path}: {[str(e) for e in errors]}"
    assert any(e.field == field and words in e.message for e in matching), [
        str(e) for e in matching
    ]


def test_every_error_names_its_line_when_known(make_content, tmp_path):
    errors = _errors(make_content({"pledges/p1.yml": pledge("1e3")}), tmp_path)
    (error,) = errors
    assert error.line == 5
    assert str(error).endswith(
        "p1.yml:5: money.amount: '1e3' is not a valid amount: "
        "exponent notation is not allowed; write the digits out"
    )


def test_unreadable_file_is_reported(make_content, tmp_path):
    content = make_content()
    (content / "actors" / "lien.yml").symlink_to(content / "actors" / "absent.yml")
    errors = _errors(content, tmp_path)
    assert [str(e).split(": ", 1)[1] for e in errors] == [
        "cannot be read: No such file or directory"
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_file_without_read_permission_is_reported(make_content, tmp_path):
    content = make_content()
    (content / "actors" / "asso.yml").chmod(0)
    errors = _errors(content, tmp_path)
    assert any("cannot be read: Permission denied" in str(e) for e in errors)


def test_values_yaml_would_coerce_stay_text(make_content, tmp_path):
    """NO (Norway), a postcode with a leading zero and a time stay exactly as written."""
    content = make_content(
        {
            "actors/asso.yml": "name: 1:30 Mobilité\nkind: association\nterritory: NO\n",
            "actors/ville.yml": "name: Ville\nterritory: 01000\n",
        }
    )
    site = build_site(content, tmp_path / "out")
    asso = (site / "acteurs" / "asso" / "index.html").read_text()
    ville = (site / "acteurs" / "ville" / "index.html").read_text()
    assert "<h1>1:30 Mobilité</h1>" in asso
    assert "<dd>NO</dd>" in asso
    assert "<dd>01000</dd>" in ville


def test_all_errors_of_a_build_are_listed_together(make_content, tmp_path):
    content = make_content(
        {
            "commons/covoit.md": common("titel: x"),
            "pledges/p1.yml": pledge("1e3"),
            "actors/asso.yml": "name: A\nname: B\n",
            "pages/a-propos.md": "---\ntitle: À propos\ntemplate: x\n---\n",
        }
    )
    errors = _errors(content, tmp_path)
    assert {(Path(e.path).name, e.field) for e in errors} == {
        ("covoit.md", "titel"),
        ("p1.yml", "money.amount"),
        ("asso.yml", "name"),
        ("a-propos.md", "template"),
    }


def test_pelican_command_fails_with_every_error_and_no_traceback(make_content, tmp_path):
    content = make_content(
        {
            "commons/covoit.md": common("website: javascript:alert(1)"),
            "pledges/p1.yml": pledge('"12,50"'),
            "pledges/p3.yml": "actor: personne\ncommon: covoit\ndate: 2026-10-01\n",
            "actors/asso.yml": "name: &a A\n",
        }
    )
    result = run_pelican(
        str(content), "-o", str(tmp_path / "out"), "-s", "pelicanconf.py", *IN_ENGLISH
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    assert "4 content errors" in output
    for words in (
        "covoit.md:8: website: 'javascript:alert(1)' is not allowed",
        "p1.yml:5: money.amount: '12,50' is not a valid amount",
        "p3.yml: actor: no actor 'personne'",
        "asso.yml:1: name: anchors (&a) are not allowed",
    ):
        assert words in output, output
    assert not (tmp_path / "out" / "index.html").exists()
