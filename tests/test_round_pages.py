"""The contexts of the funding and round pages (``site.pages.rounds``): which round each page
shows and how it is named, decided once, read from a loaded call without building it.

``tests/calls/rounds`` has a closed round, 2025, and the open, sealed round 2026-2027 with
eligibility criteria, loaded on ``BUILD_DAY`` (2026-11-26).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import BUILD_DAY, REPO, build_site

from appel_a_communs.site.pages.rounds import (
    EligibilityPage,
    FundingPage,
    RoundEngagementPage,
    RoundReportPage,
    RoundsPage,
    has_eligibility_page,
)
from appel_a_communs.site.urls import DEFAULT_PATTERNS, Page, SiteUrls, round_pages
from appel_a_communs.site.view import CatalogueView, load_call

ROUNDS = REPO / "tests" / "calls" / "rounds"


def pages(view: CatalogueView) -> dict[str, Page]:
    return {page.url: page for page in round_pages(view, SiteUrls(DEFAULT_PATTERNS, {}))}


@pytest.fixture(scope="module")
def rounds_view() -> CatalogueView:
    return load_call(ROUNDS, BUILD_DAY)


def test_each_round_page_shows_its_round_named_by_the_view(rounds_view):
    found = pages(rounds_view)
    current = found["financement/"].context
    assert isinstance(current, FundingPage)
    assert (current.round_slug, current.state, current.sealed) == ("2026-2027", "open", True)
    assert current.round_name == "Édition 2026-2027" and current.several_rounds
    assert current.flows is None and not current.closed  # sealed: no per-actor flows
    closed = found["tours/2025/"].context
    assert (closed.round_name, closed.closed, closed.sealed) == ("Édition 2025", True, False)
    assert closed.funder_name == rounds_view.actors_by_slug["ville"].name
    for page in found.values():
        context = page.context
        if isinstance(context, (RoundReportPage, RoundEngagementPage)):
            assert context.round_name == rounds_view.round_name(context.round_slug)
    assert isinstance(found["tours/2025/engagement/"].context, RoundEngagementPage)
    over = found["tours/2025/engagement/"].context.over_rounds
    assert over and all(row.rounds >= 1 for row in over)


def test_the_rounds_index_and_the_eligibility_view_are_decided(rounds_view):
    found = pages(rounds_view)
    index = found["tours/"].context
    assert isinstance(index, RoundsPage)
    assert [(r.name, r.current, r.closed) for r in index.rounds] == [
        ("Édition 2025", False, True),
        ("Édition 2026-2027", True, False),
    ]
    assert [d.date.isoformat() for d in index.rounds[1].reviews] == ["2026-10-15", "2027-03-15"]
    assert index.eligibility_page
    eligibility = found["eligibilite/"].context
    assert isinstance(eligibility, EligibilityPage) and not eligibility.indexed
    checklists = rounds_view.eligibility.values()
    assert eligibility.eligible_count == sum(1 for c in checklists if c.eligible)
    assert [row.common for row in eligibility.unmet] == rounds_view.not_eligible


def test_a_round_without_criteria_has_no_eligibility_page_nor_a_link_to_one(tmp_path):
    """``eligibility: {}`` sets no criterion: no eligibility page, and the rounds' index
    does not link to it (it did, to a page that did not exist)."""
    content = tmp_path / "content"
    shutil.copytree(ROUNDS, content)
    current = content / "rounds" / "2026-2027.yml"
    text = current.read_text(encoding="utf-8")
    current.write_text(text[: text.index("eligibility:")] + "eligibility: {}\n", "utf-8")
    view = load_call(content, BUILD_DAY)
    assert not has_eligibility_page(view)
    assert "eligibilite/" not in pages(view)
    assert not pages(view)["tours/"].context.eligibility_page
    built = build_site(content, tmp_path / "out")
    assert not (built / "eligibilite").exists()
    assert "eligibilite" not in (built / "tours" / "index.html").read_text(encoding="utf-8")


def test_an_unnamed_campaign_is_named_on_no_funding_page(make_content, tmp_path: Path):
    content = make_content({"campaign.yml": "opens: 2026-09-01\ncloses: 2027-06-30\n"})
    view = load_call(content, BUILD_DAY)
    found = pages(view)
    funding, report = found["financement/"].context, found["financement/rapport/"].context
    assert (funding.round_name, funding.several_rounds, funding.state) == (None, False, "open")
    assert not funding.engagement_page  # no rounds/ files: no engagement page
    assert report.round_name is None and report.state == "open"
    built = build_site(content, tmp_path / "out")
    html = (built / "financement" / "rapport" / "index.html").read_text(encoding="utf-8")
    shown = re.sub(r'href="[^"]*"', "", html)  # its statement's files are campaign-*.csv
    assert "campaign" not in shown


def test_a_call_without_rounds_has_a_funding_page_of_no_round(make_content):
    view = load_call(make_content(), BUILD_DAY)
    found = pages(view)
    assert set(found) == {"financement/", "financement/rapport/"}
    funding = found["financement/"].context
    assert (funding.round_slug, funding.state, funding.round_name) == (None, None, None)
    assert funding.rows and funding.commons_count == len(funding.rows) and not funding.truncated


def test_no_field_of_a_context_is_named_as_a_writer_argument():
    """Pelican's writer takes ``name``, ``template``, ``context``, ``url``…: a field of that
    name would clash with them when the page is written."""
    import dataclasses
    import inspect

    from pelican.writers import Writer

    from appel_a_communs.site.pages.kinds import CONTEXTS

    taken = set(inspect.signature(Writer.write_file).parameters) - {"self", "kwargs"}
    for context in CONTEXTS.values():
        assert not {f.name for f in dataclasses.fields(context)} & taken, context.__name__


REVIEWED = """
---
title: Covoiturage ouvert
summary: Un registre ouvert des trajets.
challenges: [mobilite]
stage: accepted
license: MIT
proposed_by: [asso]
budget:
  lines:
    - label: Développement
      amount: "10000"
reviews:
  - date: 2026-03-01
    decision: accepted
---
Le commun.
"""


def test_a_review_of_a_campaign_sits_under_the_funding_page(make_content, tmp_path: Path):
    """A call of ``campaign.yml`` has no rounds' index: its review pages linked to one (a
    page never built), and, for an unnamed campaign, named its round "None"."""
    named = make_content({"campaign.yml": "name: Édition 2026\n", "commons/covoit.md": REVIEWED})
    context = pages(load_call(named, BUILD_DAY))["releves/2026-03-01/"].context
    assert (context.rounds_index, context.round_name) == (False, "Édition 2026")
    content = make_content({"campaign.yml": "opens: 2026-01-01\n", "commons/covoit.md": REVIEWED})
    built = build_site(content, tmp_path / "out")
    assert not (built / "tours").exists()
    html = (built / "releves" / "2026-03-01" / "index.html").read_text(encoding="utf-8")
    crumbs = html[html.index('class="breadcrumb"') : html.index("</nav>", html.index("breadcrumb"))]
    assert 'href="../../financement/"' in crumbs and "tours" not in crumbs
    lead = html[html.index('class="page-header__lead"') :].split("</p>", 1)[0]
    assert "None" not in lead and "<a " not in lead


def test_an_unnamed_campaign_s_eligibility_page_names_no_round(make_content, tmp_path: Path):
    """Its criteria are "the current round's" (the page read "du tour None" three times)."""
    campaign = "opens: 2026-01-01\neligibility:\n  open_license: true\n  min_working_group: 3\n"
    content = make_content({"campaign.yml": campaign})
    context = pages(load_call(content, BUILD_DAY))["eligibilite/"].context
    assert context.round_name is None and context.criteria is not None
    built = build_site(content, tmp_path / "out")
    html = (built / "eligibilite" / "index.html").read_text(encoding="utf-8")
    assert "None" not in html
    assert "Les critères du tour en cours</h2>" in html
