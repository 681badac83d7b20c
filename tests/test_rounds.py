"""Funding per round (SPEC, "Calls that run for years"), with every figure computed by hand.

The call has two rounds: 2025 (closed on 2025-06-30) and 2026 (open on the build day,
2026-11-26, and sealed). ``covoit`` is funded in 2025 on its 2025 budget and open again in
2026 on its own budget; ``velo`` is unfunded in 2025; ``idee`` was declined in 2025.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import MINIMAL, write

from appel_a_communs.content.errors import ContentErrors
from appel_a_communs.content.loader import load_catalogue
from appel_a_communs.funding.rounds import check_rules, compute_rounds
from appel_a_communs.site.view import load_call

DAY = date(2026, 11, 26)
D = Decimal

ROUNDS = {
    "rounds/2025.yml": """
        name: Édition 2025
        opens: 2025-01-01
        closes: 2025-06-30
        reviews: [2025-03-01, 2025-07-15]
        allowances:
          ville: "3000"
        matching:
          funder: ville
          pool: "1000"
          method: proportional
        """,
    "rounds/2026.yml": """
        name: Édition 2026
        opens: 2026-09-01
        closes: 2027-06-30
        sealed: true
        reviews: [2027-03-15]
        """,
    "commons/covoit.md": """
        ---
        title: Covoiturage ouvert
        summary: Un registre ouvert des trajets.
        challenges: [mobilite]
        stage: accepted
        license: AGPL-3.0-or-later
        proposed_by: [asso]
        budget:
          lines:
            - label: Développement
              amount: "10000"
            - label: Documentation
              amount: 5000
              stretch: true
        budgets:
          "2025":
            lines:
              - label: Prototype
                amount: "4000"
        reviews:
          - date: 2025-03-01
            decision: accepted
            by: Comité
        ---
        Le commun.
        """,
    "commons/velo.md": """
        ---
        title: Vélo partagé
        summary: Des plans ouverts.
        challenges: [mobilite]
        stage: accepted
        license: CERN-OHL-S-2.0
        proposed_by: [asso]
        budget:
          lines:
            - label: Prototype
              amount: "4000"
        reviews:
          - date: 2025-03-01
            decision: accepted
        ---
        Les plans.
        """,
    "commons/idee.md": """
        ---
        title: Idée
        summary: Une idée.
        challenges: [mobilite]
        proposed_by: [asso]
        reviews:
          - date: 2025-07-15
            decision: declined
            reasons: Pas encore de communauté.
        ---
        Une idée.
        """,
    "pledges/p1.yml": None,
    "pledges/p2.yml": None,
    "pledges/a1.yml": "actor: ville\ncommon: covoit\ndate: 2025-02-01\nmoney:\n  amount: '3000'\n",
    "pledges/a2.yml": "actor: asso\ncommon: covoit\ndate: 2025-03-10\nmoney:\n  amount: 1000\n",
    "pledges/a3.yml": "actor: asso\ncommon: velo\ndate: 2025-04-01\nmoney:\n  amount: 1000\n",
    "pledges/b1.yml": (
        "actor: ville\ncommon: covoit\ndate: 2026-10-01\nmoney:\n  amount: '2500.50'\n"
    ),
    "pledges/b2.yml": (
        "actor: asso\ncommon: covoit\ndate: 2026-10-02\nmoney:\n  amount: 800\n"
        "  condition:\n    funders_at_least: 3\n"
    ),
}


def make_call(tmp_path: Path, changes: dict[str, str | None] | None = None) -> Path:
    content = tmp_path / "content"
    for name, text in {**MINIMAL, **ROUNDS, **(changes or {})}.items():
        if text is not None:
            write(content / name, text)
    return content


def error_lines(content: Path) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        load_call(content, DAY)
    return [str(error) for error in caught.value.errors]


def test_each_round_is_computed_on_its_own_pledges_budgets_and_allowances(tmp_path):
    call = compute_rounds(load_catalogue(make_call(tmp_path)), DAY)
    first, second = call.rounds
    assert (first.slug, first.state, first.current) == ("2025", "closed", False)
    assert (second.slug, second.state, second.current) == ("2026", "open", True)

    covoit = first.funding.commons["covoit"]  # its 2025 budget: one line of 4 000
    assert (covoit.minimum, covoit.stretch, covoit.secured) == (D(4000), D(4000), D(4000))
    assert (covoit.status, covoit.percent_minimum, covoit.funders) == ("stretch-reached", D(100), 2)
    velo = first.funding.commons["velo"]
    assert (velo.secured, velo.minimum, velo.status) == (D(1000), D(4000), "unfunded")
    assert first.funding.commons["idee"].status == "declined"
    # proportional matching: 4 000 + 1 000 asked of a pool of 1 000, scaled to it
    assert covoit.matching_estimate == D("800.00")
    assert velo.matching_estimate == D("200.00")
    assert first.funding.matching.total == D("1000.00")
    assert covoit.matching_with_one_more is None  # closed: no more "what if"
    assert set(first.commons) == {"covoit", "velo", "idee"}

    again = second.funding.commons["covoit"]  # its own budget, 2026 pledges only
    assert (again.minimum, again.stretch) == (D(10000), D(15000))
    assert (again.secured, again.pending) == (D("2500.50"), D(800))  # b2 waits for 3 funders
    assert (again.status, again.percent_minimum) == ("open", D("25.00"))
    assert second.funding.matching is None
    assert set(second.commons) == {"covoit"}  # velo and idee are tied to 2025 only

    ville_2025, ville_2026 = first.funding.actors["ville"], second.funding.actors["ville"]
    assert (ville_2025.allowance, ville_2025.allocated, ville_2025.remaining) == (
        D(3000), D(3000), D(0))  # fmt: skip
    assert (ville_2026.allowance, ville_2026.allocated, ville_2026.remaining) == (
        D(20000), D("2500.50"), D("17499.50"))  # fmt: skip
    assert call.counted == {"a1", "a2", "a3", "b1"}
    assert check_rules(call) == []


def test_the_call_shows_each_common_in_its_current_or_last_round(tmp_path):
    view = load_call(make_call(tmp_path), DAY)
    assert {slug: view.shown_slug(slug) for slug in view.commons_by_slug} == {
        "covoit": "2026",
        "velo": "2025",
        "idee": "2025",
    }
    assert view.funding.commons["covoit"].secured == D("2500.50")
    assert view.funding.commons["velo"].status == "unfunded"
    assert [r.slug for r, _ in view.round_results["covoit"]] == ["2025", "2026"]
    assert view.funding.totals.secured == D("2500.50")  # the current round's totals
    assert view.campaign.name == "Édition 2026"
    assert view.pledge_rounds == {"a1": "2025", "a2": "2025", "a3": "2025", "b1": "2026",
                                  "b2": "2026"}  # fmt: skip


def test_a_sealed_current_round_keeps_the_closed_rounds_amounts_public(tmp_path):
    view = load_call(make_call(tmp_path), DAY)
    amounts = {p.id: p.money.amount for p in view.catalogue.pledges.values()}
    assert amounts == {"a1": D(3000), "a2": D(1000), "a3": D(1000), "b1": None, "b2": None}
    past, current = view.rounds
    assert (past.sealed, current.sealed) == (False, True)
    assert past.funding.actors["ville"].allocated == D(3000)
    assert past.round.allowances == {"ville": D(3000)}
    assert current.funding.actors["ville"].allocated is None
    assert view.actors_by_slug["ville"].allowance is None  # its allowance in the sealed round
    ville = view.engagement["ville"]
    assert [(r.slug, f.allocated) for r, f in ville.rounds] == [("2025", D(3000)), ("2026", None)]
    assert ville.total.allocated is None  # a total would give the sealed amount away
    assert ville.total.commons == 1
    asso = view.engagement["asso"]
    assert asso.total.commons == 2  # covoit (in both rounds, counted once) and velo
    # the commons' funding stays public while sealed
    assert current.funding.commons["covoit"].secured == D("2500.50")


def test_once_the_sealed_round_closes_everything_is_public(tmp_path):
    view = load_call(make_call(tmp_path), date(2027, 7, 1))
    assert view.catalogue.pledges["b1"].money.amount == D("2500.50")
    assert view.engagement["ville"].total.allocated == D("5500.50")
    closed = view.funding.commons["covoit"]
    assert closed.status == "unfunded"  # 2 500,50 of 10 000, closed
    assert closed.pending == D(800) and closed.unlock_gap is None  # nothing left to unlock


def test_a_later_round_never_changes_an_earlier_rounds_figures(tmp_path):
    before = compute_rounds(load_catalogue(make_call(tmp_path / "a")), DAY).rounds[0]
    later = {
        # velo takes part in 2026 with a new budget, gets pledges, covoit is archived later
        "commons/velo.md": ROUNDS["commons/velo.md"].replace(
            "        reviews:",
            '        budgets:\n          "2026":\n            lines:\n'
            '              - label: Série\n                amount: "9000"\n        reviews:',
        ),
        "commons/covoit.md": ROUNDS["commons/covoit.md"].replace(
            "stage: accepted", "stage: archived"
        ),
        "pledges/b1.yml": None,
        "pledges/b2.yml": None,
        "pledges/b3.yml": "actor: ville\ncommon: velo\ndate: 2026-10-03\nmoney:\n  amount: 4000\n",
    }
    after_call = compute_rounds(load_catalogue(make_call(tmp_path / "b", later)), DAY)
    after = after_call.rounds[0]
    for slug in ("covoit", "velo", "idee"):
        assert after.funding.commons[slug] == before.funding.commons[slug], slug
    assert after.funding.totals == before.funding.totals
    assert after_call.rounds[1].funding.commons["velo"].minimum == D(9000)
    assert check_rules(after_call) == []


def test_an_allowance_differs_per_round(tmp_path):
    more_2025 = "actor: ville\ncommon: velo\ndate: 2025-05-01\nmoney:\n  amount: '0.01'\n"
    lines = error_lines(make_call(tmp_path / "a", {"pledges/a9.yml": more_2025}))
    assert len(lines) == 1
    # the allowance comes from the round's file: the error names it, and its field
    assert "rounds/2025.yml: allowances.ville:" in lines[0]
    assert "3000" in lines[0] and "3000.01" in lines[0]
    more_2026 = "actor: ville\ncommon: covoit\ndate: 2026-10-05\nmoney:\n  amount: '12000'\n"
    load_call(make_call(tmp_path / "b", {"pledges/b9.yml": more_2026}), DAY)  # 20 000 in 2026


def test_a_pledge_dated_in_no_round_is_an_error_naming_it(tmp_path):
    between = (
        "actor: asso\ncommon: covoit\ndate: 2025-08-01\nskills:\n  days: 1\n  description: x\n"
    )
    lines = error_lines(make_call(tmp_path, {"pledges/x.yml": between}))
    assert len(lines) == 1
    assert "pledges/x.yml" in lines[0] and "date" in lines[0]
    assert "no round is open on 2025-08-01" in lines[0]
    assert (
        "2025 (2025-01-01 – 2025-06-30)" in lines[0]
        and "2026 (2026-09-01 – 2027-06-30)" in lines[0]
    )


def test_a_pledge_may_name_its_round_and_that_rounds_rules_apply(tmp_path):
    named = "actor: asso\ncommon: velo\ndate: 2026-10-01\nround: '2025'\nmoney:\n  amount: 1\n"
    lines = error_lines(make_call(tmp_path / "a", {"pledges/x.yml": named}))
    assert len(lines) == 1 and "pledges/x.yml" in lines[0]
    assert "outside the campaign (2025-01-01 to 2025-06-30, rounds/2025.yml)" in lines[0]
    unknown = "actor: asso\ncommon: velo\ndate: 2026-10-01\nround: '2024'\nmoney:\n  amount: 1\n"
    lines = error_lines(make_call(tmp_path / "b", {"pledges/x.yml": unknown}))
    assert all("pledges/x.yml" in line and "no round '2024'" in line for line in lines)
    assert len(lines) == 1


def test_two_overlapping_rounds_are_an_error_naming_both_files(tmp_path):
    overlap = "name: Rattrapage\nopens: 2025-06-15\ncloses: 2025-09-30\n"
    lines = error_lines(make_call(tmp_path, {"rounds/2025-bis.yml": overlap}))
    assert len(lines) == 1
    assert "rounds/2025-bis.yml" in lines[0] and "opens" in lines[0]
    assert "rounds/2025.yml" in lines[0] and "may not overlap" in lines[0]


def test_an_open_ended_round_overlaps_every_later_one(tmp_path):
    endless = "opens: 2024-01-01\n"
    lines = error_lines(make_call(tmp_path, {"rounds/2024.yml": endless}))
    assert len(lines) == 2  # with 2025 and with 2026
    assert all("rounds/2024.yml" in line for line in lines)


def test_campaign_and_rounds_together_are_an_error(tmp_path):
    named = "actor: asso\ncommon: velo\ndate: 2025-04-03\nround: '2025'\nmoney:\n  amount: 1\n"
    lines = error_lines(
        make_call(tmp_path, {"campaign.yml": "name: Vieux\n", "pledges/n.yml": named})
    )
    assert any("campaign.yml" in line and "not both" in line for line in lines)
    assert not any("no round" in line for line in lines), lines  # no follow-on errors


def edit(name: str, old: str, new: str) -> dict[str, str]:
    """One file of the call, with ``old`` replaced by ``new``."""
    assert old in ROUNDS[name]
    return {name: ROUNDS[name].replace(old, new)}


BUDGET_2023 = (
    '\n        budgets:\n          "2023":\n            lines:\n              - label: X\n'
)
BUDGET_2023 += "                amount: 1"


@pytest.mark.parametrize(
    ("changes", "file", "field", "words"),
    [
        (edit("commons/velo.md", '"4000"', '"4000"' + BUDGET_2023),
         "commons/velo.md", "budgets.2023", "no round '2023'"),
        (edit("commons/idee.md", "decision:", "round: '1999'\n            decision:"),
         "commons/idee.md", "reviews[0].round", "no round '1999'"),
        (edit("commons/idee.md", "[asso]", "[asso]\n        stage: accepted\n        license: MIT"),
         "commons/idee.md", "reviews", "the latest review (2025-07-15) decided 'declined'"),
        (edit("rounds/2026.yml", "sealed: true", "sealed: true\n        allowances: {nobody: 5}"),
         "rounds/2026.yml", "allowances.nobody", "no actor 'nobody'"),
        (edit("rounds/2026.yml", "2027-03-15", "2027-13-15"), "rounds/2026.yml", "reviews", ""),
    ],
    ids=["budget-of-no-round", "review-of-no-round", "stage-against-review",
         "allowance-of-no-actor", "bad-review-date"],
)  # fmt: skip
def test_round_keys_name_the_file_and_the_field(tmp_path, changes, file, field, words):
    lines = error_lines(make_call(tmp_path, changes))
    assert any(file in line and field in line and words in line for line in lines), lines


def test_archiving_a_common_keeps_its_closed_rounds_and_refuses_new_pledges(tmp_path):
    archived = ROUNDS["commons/covoit.md"].replace("stage: accepted", "stage: archived")
    lines = error_lines(make_call(tmp_path, {"commons/covoit.md": archived}))
    # its 2025 pledges stay valid; its two 2026 pledges are refused
    assert sorted(line.split(":")[0].rsplit("/", 1)[-1] for line in lines) == ["b1.yml", "b2.yml"]
    assert all("archived" in line for line in lines)


def test_a_call_of_one_campaign_is_a_call_of_one_round(tmp_path):
    content = tmp_path / "content"
    for name, text in MINIMAL.items():
        write(content / name, text)
    write(content / "campaign.yml", "name: Campagne\nopens: 2026-09-01\ncloses: 2027-01-31\n")
    view = load_call(content, DAY)
    assert [(r.slug, r.state, r.current) for r in view.rounds] == [("campaign", "open", True)]
    assert view.rounds[0].funding is view.funding
    assert view.round_results["covoit"][0][1] is view.funding.commons["covoit"]
    # no campaign, no round: nothing changes either
    (content / "campaign.yml").unlink()
    bare = load_call(content, DAY)
    assert bare.rounds == [] and bare.current_round is None
    assert bare.funding.commons["covoit"].secured == D("2500.50")


def test_check_reports_round_errors_without_a_traceback(tmp_path):
    content = make_call(
        tmp_path, {"rounds/2025-bis.yml": "opens: 2025-06-15\ncloses: 2025-09-30\n"}
    )
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from appel_a_communs.commands import main; "
         "sys.exit(main())", "check", str(content), "--today", "2026-11-26"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    # in French, the language of a site that names none
    assert "rounds/2025-bis.yml" in done.stderr and "ne peuvent pas se chevaucher" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


# --- what the second engineer's review found (a closed round must never move) -----------


def test_a_later_review_leaves_a_closed_round_alone(tmp_path):
    """velo's 2025 acceptance is recorded; a 2026 deferral (stage proposed) changes 2026."""
    before = compute_rounds(load_catalogue(make_call(tmp_path / "a")), DAY).rounds[0]
    deferred = edit(
        "commons/velo.md",
        "            decision: accepted\n",
        "            decision: accepted\n          - date: 2026-10-15\n"
        "            decision: deferred\n",
    )
    deferred["commons/velo.md"] = deferred["commons/velo.md"].replace(
        "stage: accepted", "stage: proposed"
    )
    after = compute_rounds(load_catalogue(make_call(tmp_path / "b", deferred)), DAY)
    assert after.rounds[0].funding.commons == before.funding.commons
    assert after.rounds[1].funding.commons["velo"].status == "proposed"


def test_a_new_proposal_never_joins_a_closed_round(tmp_path):
    new = (
        "---\ntitle: Neuf\nsummary: Une proposition.\nchallenges: [mobilite]\n"
        "proposed_by: [asso]\nbudget:\n  lines:\n    - label: Étude\n      amount: 700\n---\nx\n"
    )
    content = make_call(tmp_path, {"commons/neuf.md": new})
    between = date(2025, 8, 1)  # 2025 closed, 2026 announced: it waits for 2026
    call = compute_rounds(load_catalogue(content), between)
    assert "neuf" not in call.rounds[0].commons and "neuf" in call.rounds[1].commons
    assert call.current.slug == "2025"
    later = compute_rounds(load_catalogue(content), date(2027, 8, 1))  # every round closed
    assert all("neuf" not in r.commons for r in later.rounds)
    assert later.shown("neuf").minimum == D(700) and later.shown("neuf").secured == 0
    view = load_call(content, date(2027, 8, 1))
    assert view.shown_round("neuf") is None and view.round_results["neuf"] == []


def test_a_review_between_rounds_is_for_the_next_one(tmp_path):
    reviewed = edit("commons/idee.md", "date: 2025-07-15", "date: 2025-08-01")
    call = compute_rounds(load_catalogue(make_call(tmp_path, reviewed)), DAY)
    assert "idee" not in call.rounds[0].commons  # 2025 closed on 2025-06-30
    assert "idee" in call.rounds[1].commons


def test_a_round_beside_a_sealed_one_hides_the_allowances_it_shares(tmp_path):
    """asso has no 2025 allowance of its own: its allowance, the sealed round's too, is
    hidden in 2025; ville's 2025 allowance comes from the round file and stays."""
    actor = "name: Association Roule\nkind: association\nallowance: '9000'\n"
    view = load_call(make_call(tmp_path, {"actors/asso.yml": actor}), DAY)
    past = view.rounds[0]
    assert past.funding.actors["asso"].allowance is None
    assert past.funding.actors["asso"].remaining is None
    assert past.funding.actors["asso"].allocated == D(2000)  # its 2025 money: public
    assert past.view.actors_by_slug["asso"].allowance is None
    assert past.funding.actors["ville"].allowance == D(3000)


def test_an_upcoming_sealed_round_is_sealed_too(tmp_path):
    changes = {
        "rounds/2028.yml": "name: Édition 2028\nopens: 2028-01-01\ncloses: 2028-06-30\n"
        "sealed: true\n",
        "rounds/2026.yml": ROUNDS["rounds/2026.yml"].replace("sealed: true", "sealed: false"),
        "pledges/c1.yml": (
            "actor: asso\ncommon: covoit\ndate: 2028-01-02\nmoney:\n  amount: 777.77\n"
        ),
    }
    view = load_call(make_call(tmp_path, changes), DAY)
    assert view.catalogue.pledges["c1"].money.amount is None
    assert view.catalogue.pledges["b1"].money.amount == D("2500.50")  # 2026: not sealed
    assert view.rounds[2].sealed and view.engagement["asso"].total.allocated is None


def test_an_error_names_the_file_and_field_the_value_came_from(tmp_path):
    over = "actor: ville\ncommon: covoit\ndate: 2025-05-01\nmoney:\n  amount: 1\n"
    lines = error_lines(
        make_call(
            tmp_path / "a",
            {
                "pledges/a9.yml": over,
                "rounds/2025.yml": ROUNDS["rounds/2025.yml"].replace('"3000"', '"9000"'),
            },
        )
    )
    assert len(lines) == 1 and "commons/covoit.md: budgets.2025:" in lines[0]  # 4001 > 4000
    franc = ROUNDS["rounds/2026.yml"].replace("sealed: true", "sealed: true\n        currency: CHF")
    lines = error_lines(make_call(tmp_path / "b", {"rounds/2026.yml": franc}))
    assert any(
        "rounds/2026.yml: currency:" in line and "one call, one currency" in line for line in lines
    ), lines
    lines = error_lines(make_call(tmp_path / "c", {"rounds/campaign.yml": "opens: 2028-01-01\n"}))
    assert any("rounds/campaign.yml: slug:" in line for line in lines), lines


def test_where_a_pledge_goes_and_who_a_round_declined(tmp_path):
    content = make_call(tmp_path)
    assert load_call(content, DAY).next_round.slug == "2026"  # open
    between = load_call(content, date(2025, 8, 1))
    assert (between.next_round.slug, between.next_round.state) == ("2026", "upcoming")
    assert load_call(content, date(2027, 8, 1)).next_round is None  # every round closed
    past = load_call(content, DAY).rounds[0]
    assert [c.slug for c in past.view.declined] == ["idee"]
