"""The sample call in content/, which the README's first command serves, builds and holds
what a newcomer is promised. The only test that reads content/: every other one builds
its own call (tests/calls/, or tmp_path)."""

from __future__ import annotations

import json

from conftest import REPO, build_site

from appel_a_communs.content.loader import load_catalogue


def test_the_sample_call_builds_every_page(tmp_path):
    content = REPO / "content"
    catalogue = load_catalogue(content)
    site = build_site(content, tmp_path / "out")
    assert (site / "index.html").is_file() and (site / "financement/index.html").is_file()
    for folder, url in (("challenges", "defis"), ("commons", "communs"), ("actors", "acteurs")):
        items = getattr(catalogue, folder)
        assert items, folder
        for slug in items:
            assert (site / url / slug / "index.html").is_file(), (folder, slug)
    records = json.loads((site / "data/commons.json").read_text(encoding="utf-8"))
    assert {r["slug"] for r in records} == set(catalogue.commons)
    for page in ("a-propos", "charte", "participer"):
        assert (site / page / "index.html").is_file(), page
