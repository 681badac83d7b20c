"""The follow-up of funded commons (SPEC, "After the money"), every figure computed by hand.

``tests/calls/followup`` has two rounds: 2025 (closed on 2025-06-30, with matching) and 2026
(open on the build day, 2026-11-26, and sealed). In 2025, ``covoit`` (minimum 15 000 €,
stretch 18 000 €) gets 6 000 € paid by ``ville`` on 2025-02-10, 5 000 € confirmed by
``region`` on 2025-03-01, 2 000 € from ``coop`` on 2025-03-15 on condition that the minimum is
reached, and 4 000 € from ``asso`` on 2025-04-01: the minimum is reached that day (11 000 €
firm before it, 17 000 € with the condition met after it). Its two reports spend
7 000 + 1 000 and 3 000 + 500.50 on the 2025 budget.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import BUILD_DAY, FOLLOWUP, REPO, write

from appel_a_communs.content.errors import ContentErrors
from appel_a_communs.content.loader import load_catalogue
from appel_a_communs.content.models import Pledge
from appel_a_communs.funding.followup import (
    check_reports,
    minimum_reached_on,
    money_stages,
    report_round,
    suggested_round,
)
from appel_a_communs.funding.rounds import compute_rounds
from appel_a_communs.site.view import load_call

D = Decimal


@pytest.fixture
def call(tmp_path) -> Path:
    """A copy of the follow-up call that a test may change."""
    return Path(shutil.copytree(FOLLOWUP, tmp_path / "content"))


def errors_of(content: Path, today: date = BUILD_DAY) -> list[str]:
    with pytest.raises(ContentErrors) as info:
        load_call(content, today)
    return [str(error) for error in info.value.errors]


def test_the_follow_up_of_a_funded_common_by_hand():
    view = load_call(FOLLOWUP, BUILD_DAY)
    covoit = view.follow_up["covoit"]
    assert (covoit.progress.delivered, covoit.progress.total) == (1, 3)
    assert covoit.progress.percent == D("33.33")  # rounded down, as every percentage
    assert [d.title for d in covoit.progress.late] == ["Documentation des données"]
    first, second = covoit.rounds
    assert first.round == "2025" and second.round == "2026"
    assert first.secured == D(17000)
    assert (first.money.pledged, first.money.confirmed, first.money.paid) == (
        D(17000),
        D(11000),
        D(6000),
    )
    assert first.percent_paid == D("35.29")
    assert first.minimum_reached_on == date(2025, 4, 1)
    assert [r.slug for r in first.reports] == ["covoit-2025-intermediaire", "covoit-2025-final"]
    assert first.spent == D("11500.50")
    assert [(line.label, line.amount, line.spent, line.over) for line in first.lines] == [
        ("Développement", D(10000), D(10000), False),
        ("Documentation", D(5000), D(1000), False),
        ("Animation", D(3000), D("500.50"), False),
    ]
    # 2026: its own budget (one line), no report yet, minimum not reached; sealed, so its
    # money is not split by status (one funder's confirmed or paid money would show)
    assert [(line.label, line.spent) for line in second.lines] == [("Maintenance", D(0))]
    assert (second.secured, second.paid, second.spent) == (D(3000), None, D(0))
    assert second.money.pledged is None and second.percent_paid is None
    assert second.minimum_reached_on is None
    after = load_call(FOLLOWUP, date(2027, 1, 1)).follow_up["covoit"]
    assert after.rounds[1].paid == D(3000)


def test_the_timeline_is_in_date_order():
    covoit = load_call(FOLLOWUP, BUILD_DAY).follow_up["covoit"]
    events = [(e.day.isoformat(), e.kind, e.round) for e in covoit.timeline]
    assert events == [
        ("2025-02-01", "proposed", None),  # its first review, before its first pledge
        ("2025-02-01", "review", "2025"),
        ("2025-04-01", "minimum-reached", "2025"),
        ("2025-04-20", "deliverable", None),
        ("2025-06-15", "report", "2025"),
        ("2025-09-30", "report", "2025"),
    ]
    carto = load_call(FOLLOWUP, BUILD_DAY).follow_up["carto"]
    # delivered without a day: counted, but on no day of the timeline
    assert (carto.progress.delivered, carto.progress.total) == (1, 1)
    # its minimum was reached in the sealed round 2026: not on which day while sealed
    # (with the pledges' days, the day would bound the sealed amounts)
    assert [(e.day.isoformat(), e.kind) for e in carto.timeline] == [("2026-02-01", "proposed")]
    closed = load_call(FOLLOWUP, date(2027, 1, 1)).follow_up["carto"]
    assert ("2026-02-01", "minimum-reached") in [(e.day.isoformat(), e.kind)
                                                  for e in closed.timeline]  # fmt: skip


def test_a_deliverable_is_late_only_once_its_day_has_passed():
    on_the_day = load_call(FOLLOWUP, date(2025, 9, 30)).follow_up["covoit"].progress
    assert on_the_day.late == []
    assert len(load_call(FOLLOWUP, date(2025, 10, 1)).follow_up["covoit"].progress.late) == 1


def test_the_actor_statement_hides_a_sealed_rounds_amounts():
    view = load_call(FOLLOWUP, BUILD_DAY)
    ville = view.statements["ville"]
    assert [(line.round, line.common.slug) for line in ville.lines] == [
        ("2025", "covoit"),
        ("2026", "covoit"),
    ]
    assert ville.lines[0].money.paid == D(6000) and ville.lines[0].money.secured == D(6000)
    # coop's conditional 2 000 € counts: the minimum was reached
    assert view.statements["coop"].lines[0].money.secured == D(2000)
    assert ville.lines[1].money.paid is None  # 2026 is sealed and open
    assert ville.rounds[0] == ("2025", ville.lines[0].money)
    assert ville.total.paid is None  # a total over a sealed amount is sealed too
    region = view.statements["region"]
    assert region.lines[0].money.confirmed == D(5000) and region.lines[0].money.paid == D(0)
    # once 2026 has closed, its amounts are public
    after = load_call(FOLLOWUP, date(2027, 1, 1)).statements["ville"]
    assert (after.total.pledged, after.total.paid) == (D(9000), D(9000))
    assert view.statements["asso"].total.pledged == D(4000)


def test_minimum_reached_on_follows_conditions_as_pledges_arrive():
    def pledge(ident: str, day: str, amount: str, **condition: object) -> Pledge:
        money: dict[str, object] = {"amount": amount}
        if condition:
            money["condition"] = condition
        return Pledge.model_validate(
            {"id": ident, "actor": ident, "common": "c", "date": day, "money": money}
        )

    pledges = [
        pledge("a", "2025-01-01", "500", total_at_least="1000"),
        pledge("b", "2025-01-05", "400"),
        pledge("c", "2025-01-09", "100"),
    ]
    # a's condition holds from the 9th: 500 + 400 + 100 = 1 000
    assert minimum_reached_on(pledges, D(1000), D(2000)) == date(2025, 1, 9)
    assert minimum_reached_on(pledges[:2], D(1000), D(2000)) is None
    assert minimum_reached_on(pledges, D(0), D(0)) is None  # no goal, nothing to reach
    assert minimum_reached_on(pledges, D(400), D(400)) == date(2025, 1, 5)
    stages = money_stages(pledges)
    assert (stages.pledged, stages.confirmed, stages.paid) == (D(1000), D(0), D(0))


def test_spending_above_the_money_secured_is_refused_naming_both_files(call):
    write(
        call / "reports/covoit-2025-extra.md",
        """
        ---
        common: covoit
        date: 2025-10-15
        title: Dépenses de fin d'année
        spent:
          - label: Documentation
            amount: "5499.50"
        ---
        Trop.
        """,
    )
    # 11 500.50 + 5 499.50 = 17 000: exactly what was secured, accepted
    load_call(call, BUILD_DAY)
    write(
        call / "reports/covoit-2025-extra.md",
        (call / "reports/covoit-2025-extra.md").read_text().replace("5499.50", "5499.51"),
    )
    [error] = errors_of(call)
    assert error.startswith(f"{call}/reports/covoit-2025-extra.md: spent:")
    assert "17000.01 EUR" in error and "17000.00 EUR" in error
    assert "round '2025'" in error
    for name in ("covoit-2025-intermediaire.md", "covoit-2025-final.md", "commons/covoit.md"):
        assert name in error


def test_a_round_cannot_spend_what_another_round_secured(call):
    # The 2026 budget has one line; the 2025 secured money does not count in 2026.
    write(
        call / "reports/covoit-2026.md",
        """
        ---
        common: covoit
        date: 2026-06-01
        round: "2026"
        title: Maintenance 2026
        spent:
          - label: Maintenance
            amount: "3000.01"
        ---
        """,
    )
    [error] = errors_of(call)
    assert "covoit-2026.md: spent:" in error and "round '2026'" in error
    assert "3000.00 EUR secured" in error


def test_report_fields_are_checked_and_all_reported_together(call):
    write(
        call / "reports/bad-line.md",
        """
        ---
        common: covoit
        date: 2025-06-20
        title: Ligne inconnue
        spent:
          - label: Maintenance
            amount: "10"
        ---
        """,
    )
    write(call / "reports/no-common.md", "---\ncommon: nope\ndate: 2025-06-20\ntitle: X\n---\n")
    write(call / "reports/no-round.md",
          "---\ncommon: covoit\ndate: 2025-06-20\ntitle: X\nround: '2030'\n---\n")  # fmt: skip
    write(call / "reports/not-in-it.md", "---\ncommon: carto\ndate: 2025-06-20\ntitle: X\n---\n")
    write(call / "reports/which.md", "---\ncommon: covoit\ndate: 2026-02-01\ntitle: X\n---\n")
    write(call / "reports/too-early.md", "---\ncommon: covoit\ndate: 2024-12-31\ntitle: X\n---\n")
    write(call / "reports/bad-key.md",
          "---\ncommon: covoit\ndate: 2025-06-20\ntitle: X\nspend: []\n---\n")  # fmt: skip
    errors = errors_of(call)
    text = "\n".join(errors)
    assert "bad-key.md:5: spend: unknown key (did you mean 'spent'?)" in text
    assert "no-common.md: common: no common 'nope' (expected content/commons/nope.md)" in text
    assert "no-round.md: round: no round '2030'" in text
    # every error in one pass: the follow-up rules run on the reports that are valid
    first = len(errors)
    for name in ("bad-key.md", "no-common.md", "no-round.md"):
        (call / "reports" / name).unlink()
    errors = errors_of(call)
    assert set(errors) < set(text.split("\n"))
    text = "\n".join(errors)
    lines = "'Développement', 'Documentation', 'Animation'"
    assert "bad-line.md: spent[0].label: no line 'Maintenance' in the budget of 'covoit' for " \
           f"round '2025'; its lines: {lines}" in text  # fmt: skip
    assert "not-in-it.md: date: 'carto' takes no part in round '2025', the one round opened " \
           "by 2025-06-20 (its rounds: 2026); set round" in text  # fmt: skip
    assert "which.md: date: several rounds had opened by 2026-02-01 (2025, 2026): set round " \
           "to the one it reports on (the rounds of 'covoit': 2025, 2026)" in text  # fmt: skip
    assert "too-early.md: date: no round had opened by 2024-12-31 (the rounds of 'covoit': " \
           "2025, 2026); set round" in text  # fmt: skip
    assert first == 7 and len(errors) == 4


def test_a_deliverable_done_on_a_day_is_done(call):
    common = call / "commons/carto.md"
    text = common.read_text()
    write(common, text.replace("    done: true\n", "    done: false\n    done_on: 2026-05-01\n"))
    [error] = errors_of(call)
    assert "carto.md:9: deliverables[0]: done is false but done_on says it was delivered on " \
           "2026-05-01" in error  # fmt: skip
    write(common, text.replace("    done: true\n", "    done_on: 2026-05-01\n"))
    carto = load_call(call, BUILD_DAY).follow_up["carto"]
    assert carto.progress.delivered == 1
    assert ("2026-05-01", "deliverable") in [(e.day.isoformat(), e.kind) for e in carto.timeline]


def test_a_report_names_its_round_once_several_have_opened(call):
    catalogue = load_catalogue(call)
    rounds = compute_rounds(catalogue, BUILD_DAY)
    final = catalogue.reports["covoit-2025-final"]
    # dated after 2025 closed and before 2026 opened: 2025 is the one round opened
    assert report_round(rounds, final).slug == "2025"
    # once 2026 has opened, a default would move the report the day covoit joined 2026
    later = final.model_copy(update={"date": date(2026, 2, 1)})
    assert report_round(rounds, later) is None
    assert suggested_round(rounds, later).slug == "2026"  # what a submission is written with
    assert report_round(rounds, later.model_copy(update={"round": "2025"})).slug == "2025"
    carto = later.model_copy(update={"common": "carto", "date": date(2025, 9, 1)})
    assert report_round(rounds, carto).slug == "2025"  # takes no part in it: an error
    assert suggested_round(rounds, carto) is None
    assert check_reports(catalogue, rounds) == []


def test_a_call_of_one_campaign_takes_every_report(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REPO / "tests" / "calls" / "compat-2026", content)
    common = next(iter(load_catalogue(content).commons))
    write(content / "reports/bilan.md",
          f"---\ncommon: {common}\ndate: 2030-01-01\ntitle: Bilan\n---\nFait.\n")  # fmt: skip
    view = load_call(content, BUILD_DAY)
    assert [r.slug for r in view.follow_up[common].rounds[0].reports] == ["bilan"]


def test_check_reports_follow_up_errors_without_a_traceback(call):
    write(call / "reports/x.md", "---\ncommon: covoit\ndate: 2025-06-20\ntitle: X\n"
          "spent:\n  - label: Animation\n    amount: '99999'\n---\n")  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from appel_a_communs.commands import main; "
         "sys.exit(main())", "check", str(call), "--today", BUILD_DAY.isoformat()],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    # on the round's latest report, naming every report of the round and the common
    assert "covoit-2025-final.md: spent:" in done.stderr
    assert "reports/x.md" in done.stderr and "commons/covoit.md" in done.stderr
