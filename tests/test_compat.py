"""Every call that was valid before rounds builds with the same figures (issue 15).

``tests/calls/expected/`` holds the data files that the code before rounds (commit
``e9c7860``) built from two calls of that time: ``compat-2026`` (a small one) and
``mobilites`` (the tests' full call). Built again today, every field they published must
be published with the same value; fields added since are allowed, none may go or change.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from conftest import REPO, build_site

CALLS = REPO / "tests" / "calls"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


BUILDS = {
    "compat-2026": ("compat-2026", None),
    "compat-2026-closed": ("compat-2026", date(2027, 2, 15)),  # after its campaign closed
    "mobilites": ("mobilites", None),
}
"""Frozen files → (the call, the day it was built; None: conftest's BUILD_DAY)."""


@pytest.fixture(scope="module", params=sorted(BUILDS))
def built(request, tmp_path_factory) -> tuple[Path, Path]:
    name, day = BUILDS[request.param]
    settings = {"CATALOGUE_TODAY": day} if day else {}
    out = build_site(CALLS / name, tmp_path_factory.mktemp(request.param) / "output", **settings)
    return out / "data", CALLS / "expected" / request.param


@pytest.mark.parametrize("name", ["commons.json", "actors.json", "challenges.json"])
def test_every_field_published_before_rounds_keeps_its_value(built, name):
    data, expected = built
    before = json.loads((expected / name).read_text(encoding="utf-8"))
    now = json.loads((data / name).read_text(encoding="utf-8"))
    assert [item["slug"] for item in now] == [item["slug"] for item in before]
    for old, new in zip(before, now, strict=True):
        assert {key: new.get(key) for key in old} == old, old["slug"]


def test_pledges_csv_keeps_its_columns_and_rows(built):
    data, expected = built
    before, now = _rows(expected / "pledges.csv"), _rows(data / "pledges.csv")
    assert len(now) == len(before)
    columns = list(before[0])
    assert list(now[0])[: len(columns)] == columns  # new columns only after the old ones
    for old, new in zip(before, now, strict=True):
        assert {key: new[key] for key in columns} == old


def test_the_frozen_files_are_the_ones_a_test_can_fail_on(built):
    """A guard against a comparison that would pass on empty files."""
    _, expected = built
    commons = json.loads((expected / "commons.json").read_text(encoding="utf-8"))
    assert len(commons) >= 3
    assert any(c["secured"] != "0.00" and c["matching_estimate"] for c in commons)
    assert any(c["pending"] != "0.00" for c in commons)
