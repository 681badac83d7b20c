"""Errors that say the fix: a licence written as people name it gets its SPDX id, an
amount written the French way its exact rewrite, a value outside a list the list and
the nearest one; each suggestion is itself accepted, and nothing is accepted in its
place."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import MINIMAL, build_site, site_language, write
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from appel_a_communs.content.errors import ContentErrors
from appel_a_communs.content.loader import read_catalogue
from appel_a_communs.content.models import Common
from appel_a_communs.content.types import (
    MAX_AMOUNT,
    check_license,
    license_hint,
    license_suggestion_list,
    parse_amount,
    parse_date,
    parse_days,
    spdx_ids,
    written_amount,
)
from appel_a_communs.content.validation import validation_errors
from appel_a_communs.i18n import translations
from appel_a_communs.submissions.cli import main as submissions
from appel_a_communs.submissions.publiccode_standard import spdx_problem

GNU3 = ["GPL-3.0-only", "GPL-3.0-or-later"]
LICENCES = [
    ("Licence Ouverte", ["etalab-2.0"]),
    ("Licence Ouverte 2.0", ["etalab-2.0"]),
    ("licence ouverte v2", ["etalab-2.0"]),
    ("Licence Ouverte / Open Licence 2.0", ["etalab-2.0"]),
    ("Etalab 2.0", ["etalab-2.0"]),
    ("Etalab", ["etalab-2.0"]),
    ("LO 2.0", ["etalab-2.0"]),
    ("CC BY-SA 4.0", ["CC-BY-SA-4.0"]),
    ("CC-BY-SA 4.0", ["CC-BY-SA-4.0"]),
    ("cc by sa", ["CC-BY-SA-4.0"]),
    ("Creative Commons Attribution Partage dans les mêmes conditions 4.0", ["CC-BY-SA-4.0"]),
    ("Creative Commons Attribution - Partage dans les Mêmes Conditions 4.0 International",
     ["CC-BY-SA-4.0"]),
    ("Creative Commons Attribution-ShareAlike 4.0", ["CC-BY-SA-4.0"]),
    ("CC BY 4.0", ["CC-BY-4.0"]),
    ("CC-BY 4.0", ["CC-BY-4.0"]),
    ("Creative Commons Attribution 4.0 International", ["CC-BY-4.0"]),
    ("CC BY-NC-ND 4.0", ["CC-BY-NC-ND-4.0"]),
    ("CC0", ["CC0-1.0"]),
    ("CC 0", ["CC0-1.0"]),
    ("Creative Commons Zero", ["CC0-1.0"]),
    ("GPLv3", GNU3),
    ("GPL 3", GNU3),
    ("GPL v3", GNU3),
    ("GNU GPL v3", GNU3),
    ("GNU General Public License v3.0", GNU3),
    ("GPLv3+", ["GPL-3.0-or-later"]),
    ("GPL v3 or later", ["GPL-3.0-or-later"]),
    ("GPL 3 ou toute version ultérieure", ["GPL-3.0-or-later"]),
    ("GPL-3 only", ["GPL-3.0-only"]),
    ("GPL 2", ["GPL-2.0-only", "GPL-2.0-or-later"]),
    ("AGPLv3", ["AGPL-3.0-only", "AGPL-3.0-or-later"]),
    ("GNU Affero General Public License v3", ["AGPL-3.0-only", "AGPL-3.0-or-later"]),
    ("LGPL", ["LGPL-3.0-only", "LGPL-3.0-or-later", "LGPL-2.1-only", "LGPL-2.1-or-later"]),
    ("LGPL 2.1", ["LGPL-2.1-only", "LGPL-2.1-or-later"]),
    ("MPL 2.0", ["MPL-2.0"]),
    ("Mozilla Public License 2.0", ["MPL-2.0"]),
    ("MIT License", ["MIT"]),
    ("Licence MIT", ["MIT"]),
    ("BSD 3", ["BSD-3-Clause"]),
    ("BSD 3-Clause", ["BSD-3-Clause"]),
    ("BSD 3 clauses", ["BSD-3-Clause"]),
    ("New BSD", ["BSD-3-Clause"]),
    ("BSD 2-Clause", ["BSD-2-Clause"]),
    ("Apache 2", ["Apache-2.0"]),
    ("Apache 2.0", ["Apache-2.0"]),
    ("Apache License 2.0", ["Apache-2.0"]),
    ("Apache License, Version 2.0", ["Apache-2.0"]),
    ("Apache", ["Apache-2.0"]),
    ("ODbL", ["ODbL-1.0"]),
    ("ODbL 1.0", ["ODbL-1.0"]),
    ("Open Database License", ["ODbL-1.0"]),
    ("EUPL 1.2", ["EUPL-1.2"]),
    ("CeCILL", ["CECILL-2.1"]),
    ("domaine public", ["CC0-1.0", "PDDL-1.0"]),
    ("Public Domain", ["CC0-1.0", "PDDL-1.0"]),
    ("AGPL-3.0-or-latter", ["AGPL-3.0-or-later"]),
    ("Apache-2", ["Apache-2.0"]),
    # expressions: each part, the operators as SPDX writes them
    ("MIT ou Apache 2", ["MIT OR Apache-2.0"]),
    ("MIT/Apache-2.0", ["MIT OR Apache-2.0"]),
    ("MIT et CC BY 4.0", ["MIT AND CC-BY-4.0"]),
    ("MIT, Apache-2.0", ["MIT OR Apache-2.0", "MIT AND Apache-2.0"]),
    ("GPLv3 / MIT", ["GPL-3.0-only OR MIT", "GPL-3.0-or-later OR MIT"]),
    ("(MIT OR Apache 2) AND CC BY 4.0", ["(MIT OR Apache-2.0) AND CC-BY-4.0"]),
]  # fmt: skip
NOTHING = ["foo bar", "3000", "MIT AND", "a/b", "ma licence à moi", "Licence", "GPL 9", "CC"]


@pytest.mark.parametrize(("written", "ids"), LICENCES, ids=[w for w, _ in LICENCES])
def test_a_licence_as_people_write_it_gets_its_spdx_id(written, ids):
    with pytest.raises(ValueError) as info:
        check_license(written)
    assert license_suggestion_list(written) == ids
    message = str(info.value)
    assert "did you mean" in message
    for suggestion in ids:
        assert suggestion in message
        assert check_license(suggestion) == suggestion  # every suggestion is accepted


@pytest.mark.parametrize("written", NOTHING)
def test_no_suggestion_is_made_up(written):
    with pytest.raises(ValueError) as info:  # never an AttributeError of the library
        check_license(written)
    assert license_suggestion_list(written) == []
    assert "see https://spdx.org/licenses/" in str(info.value)


def test_the_hint_says_what_each_choice_means():
    gnu = str(license_hint("GPLv3"))
    assert "'GPL-3.0-only' or 'GPL-3.0-or-later'" in gnu and "-or-later: that version or any" in gnu
    public = str(license_hint("domaine public"))
    assert "public domain is no licence SPDX can name" in public
    french = license_hint("domaine public").translated(translations("fr"))
    assert french.startswith("vouliez-vous dire « CC0-1.0 » ou « PDDL-1.0 » ?")
    assert "le domaine public n’est pas une licence" in french


@pytest.mark.parametrize("written", ["mit", "apache-2.0", "Cc-By-4.0", "ETALAB-2.0", "odbl-1.0"])
def test_spdx_ids_are_accepted_whatever_their_case(written):
    """SPDX ids match case-insensitively: no error, so nothing to suggest."""
    assert check_license(written) == written


def test_every_id_a_suggestion_may_give_is_accepted():
    ids = spdx_ids()
    assert {"etalab-2.0", "CC-BY-SA-4.0", "ODbL-1.0", "PDDL-1.0"} <= set(ids.values())
    assert "GPL-3.0" not in ids.values()  # deprecated: never suggested
    for licence in ids.values():
        assert check_license(licence) == licence


@given(st.text(alphabet=st.sampled_from("MITGPLvCcBbYySsAa0123./,() -+ouetORAND"), max_size=30))
def test_any_suggestion_is_accepted_and_nothing_raises_otherwise(text):
    try:
        check_license(text)
    except ValueError:
        for suggestion in license_suggestion_list(text):
            assert check_license(suggestion) == suggestion


def test_a_publiccode_licence_gets_the_same_hint():
    assert "did you mean 'etalab-2.0'?" in spdx_problem("Licence Ouverte 2.0")
    assert spdx_problem("LicenseRef-maison") is None
    assert "not a valid SPDX" in spdx_problem("MIT AND")  # no AttributeError


NNBSP, NBSP = "\u202f", "\u00a0"
AMOUNTS = [
    ("3 000,00", "3000.00"),
    ("3 000", "3000"),
    ("3 000 €", "3000"),
    ("3000 €", "3000"),
    ("3000€", "3000"),
    ("€ 3000", "3000"),
    ("3000 EUR", "3000"),
    ("1 500 euros", "1500"),
    ("3.000,50", "3000.50"),
    ("3000,5", "3000.50"),
    ("3000,50", "3000.50"),
    ("12,50", "12.50"),
    ("0,5", "0.50"),
    (f"1{NNBSP}500", "1500"),
    (f"1{NBSP}500", "1500"),
    (f"3{NNBSP}000,00{NBSP}€", "3000.00"),
    ("1\u2009500", "1500"),
    ("1 500 000,25", "1500000.25"),
    ("1.500.000", "1500000"),
    ("1.500.000,00", "1500000.00"),
    ("3,000.50", "3000.50"),
    ("3,000,000", "3000000"),
    ("1'500", "1500"),
    ("1 500.50", "1500.50"),
    ("  3 000,00  ", "3000.00"),
]
AMBIGUOUS = [
    "3,000",  # three thousand, or three?
    "3.000",
    "3.000.00",
    "30 00",
    "1 50 000",
    "3 000,505",
    "-3 000,00",
    "0,00",
    "01 500",
    "1500,",
    "3 000 $",
    "1 000 000 000 000,01",  # more than the largest amount
    "deux mille",
    "١٥٠٠",
]


@pytest.mark.parametrize(("written", "rewrite"), AMOUNTS, ids=[w for w, _ in AMOUNTS])
def test_an_amount_written_the_french_way_gets_its_exact_rewrite(written, rewrite):
    with pytest.raises(ValueError) as info:  # never accepted silently
        parse_amount(written)
    assert f'write "{rewrite}"' in str(info.value)
    assert written_amount(written) == rewrite
    assert parse_amount(rewrite) == parse_amount(rewrite.replace(",", ""))  # accepted


@pytest.mark.parametrize("written", AMBIGUOUS)
def test_no_rewrite_when_two_readings_or_none(written):
    with pytest.raises(ValueError) as info:
        parse_amount(written)
    assert written_amount(written) is None
    assert 'write "' not in str(info.value)


@given(st.decimals(min_value="0.01", max_value=MAX_AMOUNT, places=2))
def test_the_rewrite_of_a_french_amount_is_the_amount(amount):
    whole, cents = f"{amount:.2f}".split(".")
    groups = f"{int(whole):,}".replace(",", NNBSP)
    for written in (f"{groups},{cents}", f"{groups},{cents} €", f"{whole},{cents}"):
        rewrite = written_amount(written)
        assert rewrite is not None and parse_amount(rewrite) == amount, written


def test_days_written_with_a_comma():
    with pytest.raises(ValueError, match=r'write "2\.5"'):
        parse_days("2,5")
    with pytest.raises(ValueError, match="at most one decimal"):
        parse_days("2,55")


def test_a_build_names_the_file_the_field_and_the_fix(tmp_path):
    content = tmp_path / "content"
    common = MINIMAL["commons/covoit.md"].replace("AGPL-3.0-or-later", "Licence Ouverte 2.0")
    common = common.replace("license:", "resource_types: [Software]\n        license:")
    pledge = MINIMAL["pledges/p1.yml"].replace('"2500.50"', "3 000,00")
    for name, text in {**MINIMAL, "commons/covoit.md": common, "pledges/p1.yml": pledge}.items():
        write(content / name, text)
    with pytest.raises(ContentErrors) as info:
        build_site(content, tmp_path / "out")
    shown = {str(e).split("content/", 1)[1] for e in info.value.errors}
    assert shown == {
        "commons/covoit.md:6: resource_types[0]: 'Software' is not one of: 'software', 'data', "
        "'standard', 'knowledge', 'hardware', 'service' (did you mean 'software'?)",
        "commons/covoit.md:7: license: 'Licence Ouverte 2.0' is not a valid SPDX licence "
        "expression: did you mean 'etalab-2.0'?",
        "pledges/p1.yml:5: money.amount: '3 000,00' is not a valid amount: write \"3000.00\" "
        "(a dot before the cents, no space, no thousands separator, no currency)",
    }


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("needs[].kind", {"needs": [{"kind": "foo", "description": "x"}]},
         "'foo' is not one of: 'funding', 'skills', 'data', 'testing', 'hosting', 'animation', "
         "'other'"),
        ("resource_types", {"resource_types": ["bar"]},
         "'bar' is not one of: 'software', 'data', 'standard', 'knowledge', 'hardware', "
         "'service'"),
        ("maturity", {"maturity": "Beta"}, "(did you mean 'beta'?)"),
        ("stage", {"stage": "acepted"}, "'proposed', 'accepted', 'archived' (did you mean"),
        # cut short, or an ending of its own: the one value that starts as it does
        ("needs[].kind", {"needs": [{"kind": "tests", "description": "x"}]},
         "'other' (did you mean 'testing'?)"),
        ("resource_types", {"resource_types": ["Soft"]}, "(did you mean 'software'?)"),
    ],
)  # fmt: skip
def test_a_value_outside_its_list_lists_the_allowed_ones(tmp_path, field, value, words):
    messages = _common_errors(value)
    assert any(words in m for m in messages), messages


def _common_errors(value: dict) -> list[str]:
    data = {"slug": "c", "title": "T", "summary": "S", "challenges": ["x"],
            "proposed_by": ["a"], **value}  # fmt: skip
    with pytest.raises(ValidationError) as info:
        Common.model_validate(data)
    return [e.message for e in validation_errors("c.md", info.value, Common, None)]


@pytest.mark.parametrize("value", ["sta", "donnees", "documentation"])
def test_no_hint_where_no_value_is_near(value):
    """Three letters are too few to tell 'stable' from 'standard'; a word of another
    language is not guessed."""
    (message,) = _common_errors({"resource_types": [value]})
    assert "is not one of" in message and "did you mean" not in message, message


@pytest.mark.parametrize(
    ("language", "licence_hint", "amount_hint"),
    [
        (
            "fr",
            "vouliez-vous dire `etalab-2.0` ?",
            "n’est pas un montant valide : écrivez `3000.00`",
        ),
        ("en", "did you mean `etalab-2.0`?", "is not a valid amount: write `3000.00`"),
    ],
)
def test_a_submission_is_told_the_fix_in_the_sites_language(
    tmp_path, language, licence_hint, amount_hint
):
    site = site_language(tmp_path / "site", language)
    for name, text in MINIMAL.items():
        write(site / "content" / name, text)
    inbox = site / "submissions" / "inbox"
    inbox.mkdir(parents=True)
    common = {"title": "Parking vélo", "summary": "Des arceaux.", "challenges": ["mobilite"],
              "proposed_by": ["asso"], "license": "Licence Ouverte 2.0"}  # fmt: skip
    pledge = {"actor": "asso", "common": "covoit", "money": {"amount": "3 000,00"}}
    for ident, kind, data in (("form-1", "propose-common", common), ("form-2", "pledge", pledge)):
        envelope = {"id": ident, "type": kind, "submitted_at": "2026-11-20T10:00:00Z",
                    "source": "form", "contact": {}, "data": data}  # fmt: skip
        (inbox / f"{ident}.json").write_text(json.dumps(envelope), encoding="utf-8")
    submissions(["--root", str(site), "process", "--today", "2026-11-26"])
    rejected = site / "submissions" / "rejected"
    licence = (rejected / "form-1.report.md").read_text(encoding="utf-8")
    assert licence_hint in licence
    amount = (rejected / "form-2.report.md").read_text(encoding="utf-8")
    assert amount_hint in amount
    assert not (site / "content" / "pledges" / "form-2.yml").exists()


def test_the_rewrite_goes_through_yaml_as_written(tmp_path):
    """The message's rewrite, quotes included, is what a file must hold."""
    (error,) = _amount_errors(tmp_path, "3 000,00")
    rewrite = error.message.split("write ", 1)[1].split(" (", 1)[0]
    assert _amount_errors(tmp_path, rewrite) == []


def _amount_errors(tmp_path: Path, amount: str) -> list:
    content = tmp_path / "content"
    for name, text in MINIMAL.items():
        write(content / name, text)
    write(content / "pledges/p1.yml", MINIMAL["pledges/p1.yml"].replace('"2500.50"', amount))
    return read_catalogue(content).errors


@pytest.mark.parametrize(
    ("written", "fix"),
    [
        ("25/12/2026", "write 2026-12-25 (YYYY-MM-DD)"),
        ("12/25/2026", "write 2026-12-25 (YYYY-MM-DD)"),
        ("7.12.2026", "write 2026-12-07 (day first) or 2026-07-12 (month first), as YYYY-MM-DD"),
        ("03-03-2027", "write 2027-03-03 (YYYY-MM-DD)"),
        ("31/02/2027", "is not a valid date: write YYYY-MM-DD"),
        ("2026/12/25", "is not a valid date: write YYYY-MM-DD"),
    ],
)
def test_a_date_written_the_usual_way_gets_its_rewrite(written, fix):
    """Day first or month first: the one date it can be, or both when both can; each
    rewrite is itself accepted, and nothing is accepted in its place."""
    with pytest.raises(ValueError) as info:
        parse_date(written)
    assert fix in str(info.value), str(info.value)
    for rewrite in re.findall(r"\d{4}-\d{2}-\d{2}", str(info.value)):
        assert parse_date(rewrite).isoformat() == rewrite
