"""Withdrawn pledges (SPEC, "Several funders, a jury, and pledges withdrawn"): from its
``withdrawn`` day a pledge counts nowhere and stays listed, marked withdrawn; the build of
the day before still counts it. Every figure below is computed by hand.

The call: one round (``campaign.yml``, 2026-09-01 to 2026-12-31, a proportional pool of
1 000 € held by ``fondation``); ``covoit`` (minimum 10 000 €, stretch 15 000 €) has three
money pledges: ``p1``, ``ville``'s firm 2 500 € withdrawn on 2026-11-20; ``p3``, ``region``'s
1 000 € on condition that 3 000 € count; ``p4``, ``asso``'s firm 200 €.

On 2026-11-19: 2 500 + 1 000 + 200 = 3 700 € count (p3's condition holds), nothing pending,
the match is the pool, 1 000 €. On 2026-11-20: p1 is gone, 1 200 € < 3 000 € so p3 waits:
200 € secured, 1 000 € pending, a match of 200 € (ratio 1).
"""

from __future__ import annotations

import csv
import errno
import json
import os
import textwrap
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import (
    MINIMAL,
    REPO,
    axe,
    build_site,
    github_issue_body,
    nu_errors,
    serve,
    site_language,
    strict_xml,
    submissions_site,
    write,
)

from appel_a_communs.content.errors import ContentErrors
from appel_a_communs.content.loader import load_catalogue
from appel_a_communs.funding.rounds import check_rules, compute_rounds
from appel_a_communs.submissions import process as process_module
from appel_a_communs.submissions.cli import main
from appel_a_communs.vocabulary.forms import fields_to_data

BEFORE = date(2026, 11, 19)
ON = date(2026, 11, 20)
D = Decimal

CALL = {
    "campaign.yml": """
        name: Appel 2026
        currency: EUR
        opens: 2026-09-01
        closes: 2026-12-31
        matching:
          funder: fondation
          pool: "1000"
          method: proportional
        """,
    "actors/fondation.yml": """
        name: Fondation
        kind: other
        """,
    "actors/region.yml": """
        name: Région
        kind: public-body
        """,
    "actors/ville.yml": """
        name: Ville de Valbrune
        kind: public-body
        allowance: "20000"
        members: [maire-valbrune]
        """,
    "pledges/p1.yml": """
        actor: ville
        common: covoit
        date: 2026-10-01
        money:
          amount: "2500"
        withdrawn: 2026-11-20
        """,
    "pledges/p3.yml": """
        actor: region
        common: covoit
        date: 2026-10-03
        money:
          amount: "1000"
          condition:
            total_at_least: "3000"
        """,
    "pledges/p4.yml": """
        actor: asso
        common: covoit
        date: 2026-10-04
        money:
          amount: "200"
        """,
}


def add(text: str, *lines: str) -> str:
    """``text`` (a file of ``CALL``) with ``lines`` added at its end."""
    return textwrap.dedent(text).rstrip("\n") + "".join(f"\n{x}" for x in lines if x) + "\n"


@pytest.fixture
def call(make_content):
    def make(extra: dict | None = None):
        return make_content({**CALL, **(extra or {})})

    return make


def funding_on(content, day):
    return compute_rounds(load_catalogue(content), day).current.funding


def test_counts_the_day_before_and_nowhere_from_its_day(call):
    content = call()
    before, on = funding_on(content, BEFORE), funding_on(content, ON)
    covoit = before.commons["covoit"]
    assert (covoit.secured, covoit.pending, covoit.funders) == (D(3700), D(0), 3)
    assert covoit.counted == {"p1", "p3", "p4"}
    assert covoit.matching_estimate == D(1000)
    assert before.actors["ville"].allocated == D(2500)
    assert before.actors["ville"].remaining == D(17500)
    assert before.totals.secured == D(3700)

    covoit = on.commons["covoit"]
    assert (covoit.secured, covoit.pending, covoit.funders) == (D(200), D(1000), 1)
    assert covoit.counted == {"p4"}  # p3's condition no longer holds without p1
    assert covoit.matching_estimate == D(200)
    assert covoit.unlock_gap.amount == D(1800)  # 3 000 − 200 − 1 000
    assert on.actors["ville"].allocated == D(0)
    assert on.actors["ville"].remaining == D(20000)
    assert on.actors["ville"].secured == D(0)
    assert on.totals.secured == D(200) and on.totals.pending == D(1000)


def test_a_later_day_still_does_not_count_it(call):
    on = funding_on(call(), date(2026, 12, 15))
    assert on.commons["covoit"].secured == D(200)


def test_the_allowance_frees_what_it_took(call):
    """ville's allowance is 3 000 €; p1 (2 500 €) and p5 (1 000 €) exceed it until p1 is
    withdrawn."""
    content = call(
        {
            "actors/ville.yml": """
                name: Ville de Valbrune
                kind: public-body
                allowance: "3000"
                """,
            "pledges/p5.yml": """
                actor: ville
                common: covoit
                date: 2026-10-05
                money:
                  amount: "1000"
                """,
        }
    )
    catalogue = load_catalogue(content)
    errors = check_rules(compute_rounds(catalogue, BEFORE))
    assert [e.field for e in errors] == ["allowance"]
    assert "3500" in str(errors[0])
    assert check_rules(compute_rounds(catalogue, ON)) == []
    assert compute_rounds(catalogue, ON).current.funding.actors["ville"].remaining == D(2000)


def test_the_cap_per_actor_and_common_frees_what_it_took(call):
    content = call(
        {
            "campaign.yml": add(CALL["campaign.yml"], 'max_per_actor_per_common: "3000"'),
            "pledges/p5.yml": """
                actor: ville
                common: covoit
                date: 2026-10-05
                money:
                  amount: "1000"
                """,
        }
    )
    catalogue = load_catalogue(content)
    errors = check_rules(compute_rounds(catalogue, BEFORE))
    assert [e.field for e in errors] == ["money.amount"]
    assert "p1.yml" in str(errors[0]) and "p5.yml" in str(errors[0])
    assert check_rules(compute_rounds(catalogue, ON)) == []


def test_a_withdrawn_conditional_pledge_no_longer_activates_nor_waits(call):
    """p3, the conditional pledge, withdrawn: not pending either."""
    content = call(
        {
            "pledges/p1.yml": CALL["pledges/p1.yml"].replace("withdrawn: 2026-11-20", ""),
            "pledges/p3.yml": add(CALL["pledges/p3.yml"], "withdrawn: 2026-11-20"),
        }
    )
    before, on = funding_on(content, BEFORE), funding_on(content, ON)
    assert (before.commons["covoit"].secured, before.commons["covoit"].pending) == (
        D(3700),
        D(0),
    )
    assert (on.commons["covoit"].secured, on.commons["covoit"].pending) == (D(2700), D(0))
    assert on.commons["covoit"].unlock_gap is None


def test_quadratic_matching_leaves_it_out(call):
    """Quadratic, pool 1 000 €: before, (√2500 + √1000 + √200)² − 3 700 is far above the
    pool, so covoit gets it all; on the day only asso's 200 € counts, one funder: (√200)² −
    200 = 0."""
    content = call(
        {
            "campaign.yml": CALL["campaign.yml"].replace("proportional", "quadratic"),
        }
    )
    assert funding_on(content, BEFORE).commons["covoit"].matching_estimate == D(1000)
    assert funding_on(content, ON).commons["covoit"].matching_estimate == D(0)


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ("  status: paid", "a paid pledge cannot be withdrawn"),
        ("", "is before the pledge's date"),
    ],
)
def test_a_paid_or_early_withdrawal_is_an_error_naming_file_and_key(call, extra, needle):
    withdrawn = "2026-11-20" if extra else "2026-09-30"
    content = call(
        {
            "pledges/p4.yml": add(CALL["pledges/p4.yml"], extra, f"withdrawn: {withdrawn}"),
        }
    )
    with pytest.raises(ContentErrors) as caught:
        load_catalogue(content)
    [error] = caught.value.errors
    assert error.path.endswith("p4.yml") and error.field == "withdrawn"
    assert needle in str(error)


# --- listed, marked withdrawn: pages, the common's feed, the data ---------------------------


def built(call, tmp_path, day: date | None = None):
    settings = {"CATALOGUE_TODAY": day} if day else {}
    return build_site(call(), tmp_path / "out", **settings)


def _row(html: str, pledge: str) -> str:
    start = html.index(f'id="engagement-{pledge}"')
    return html[start : html.index("</tr>", start)]


def test_pages_feed_and_data_mark_it_withdrawn_with_its_day(call, tmp_path):
    site = built(call, tmp_path)  # conftest's BUILD_DAY, 2026-11-26: after the withdrawal
    for page in ("communs/covoit/index.html", "acteurs/ville/index.html"):
        html = (site / page).read_text(encoding="utf-8")
        assert "Retiré le 20 novembre 2026" in _row(html, "p1"), page
    common = (site / "communs/covoit/index.html").read_text(encoding="utf-8")
    assert "Retiré" not in _row(common, "p3")  # only p1 is withdrawn
    assert "</strong> (promis)</li>" in _row(common, "p1")  # its money still shown

    with (site / "data/pledges.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    assert rows["p1"]["withdrawn"] == "2026-11-20" and rows["p1"]["counted"] == "no"
    assert rows["p3"]["withdrawn"] == "" and rows["p3"]["counted"] == "no"
    record = json.loads((site / "data/commons/covoit.json").read_text(encoding="utf-8"))
    withdrawn = {p["id"]: p["withdrawn"] for p in record["pledges"]}
    assert withdrawn == {"p1": "2026-11-20", "p2": None, "p3": None, "p4": None}
    schema = json.loads((site / "schemas/pledge.json").read_text(encoding="utf-8"))
    assert "withdrawn" in schema["properties"]  # the content file's key
    schema = json.loads((site / "schemas/common-data.json").read_text(encoding="utf-8"))
    assert "withdrawn" in schema["$defs"]["PledgeRecord"]["properties"]  # the record's

    feed = strict_xml((site / "feeds/communs/covoit.atom.xml").read_bytes())
    atom = {"a": "http://www.w3.org/2005/Atom"}
    entries = {e.findtext("a:id", "", atom): e for e in feed.iterfind("a:entry", atom)}
    ids = list(entries)
    [entry] = [e for i, e in entries.items() if i.endswith(":withdrawn:p1")]
    assert any(i.endswith(":pledge:p1") for i in ids)  # still listed as a pledge too
    assert entry.findtext("a:title", "", atom) == (
        "Ville de Valbrune retire un engagement envers Covoiturage ouvert"
    )
    assert entry.findtext("a:updated", "", atom).startswith("2026-11-20")
    assert "Retiré le 20 novembre 2026" in entry.findtext("a:summary", "", atom)


def test_the_day_before_nothing_is_marked(call, tmp_path):
    site = built(call, tmp_path, BEFORE)
    html = (site / "communs/covoit/index.html").read_text(encoding="utf-8")
    assert "Retiré" not in html
    with (site / "data/pledges.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    assert rows["p1"]["withdrawn"] == "" and rows["p1"]["counted"] == "yes"
    assert "withdrawn:p1" not in (site / "feeds/communs/covoit.atom.xml").read_text("utf-8")


# --- the withdraw submission, through process ----------------------------------------------

TEMPLATE = REPO / ".github" / "ISSUE_TEMPLATE" / "withdraw.yml"
STANDING = {**MINIMAL, **CALL, "pledges/p1.yml": CALL["pledges/p1.yml"].replace(
    "withdrawn: 2026-11-20", "")}  # fmt: skip
"""The call before anyone withdrew: p1 stands."""
MEMBER = "maire-valbrune"


@pytest.fixture
def site(tmp_path) -> Path:
    return submissions_site(tmp_path, STANDING)


def put(
    site: Path,
    ident: str,
    pledge: str,
    login: str | None = MEMBER,
    when: str = "2026-11-20",
    note: str | None = None,
):
    envelope = {
        "id": ident,
        "type": "withdraw",
        "submitted_at": f"{when}T10:00:00Z",
        "source": "github-issue",
        "data": {"pledge": pledge, **({"note": note} if note else {})},
        **({"author": {"login": login}} if login else {}),
    }
    path = site / "submissions/inbox" / f"{ident}.json"
    path.write_text(json.dumps(envelope), encoding="utf-8")
    return path


def run(site: Path, capsys, today: str = "2026-11-26") -> str:
    capsys.readouterr()
    assert main(["--root", str(site), "process", "--today", today]) == 0
    return capsys.readouterr().out


def rejection(site: Path, ident: str) -> str:
    assert (site / "submissions/rejected" / f"{ident}.json").is_file()  # never lost
    return (site / "submissions/rejected" / f"{ident}.report.md").read_text(encoding="utf-8")


def test_a_withdrawal_from_the_form_to_the_rebuilt_site(site, tmp_path, capsys):
    # the site's form, and the issue form it prefills
    built = build_site(site / "content", tmp_path / "before")
    form = (built / "contribuer/retirer-un-engagement/index.html").read_text(encoding="utf-8")
    assert 'name="pledge"' in form and 'value="withdraw.yml"' in form
    body = tmp_path / "body.md"
    body.write_text(github_issue_body("withdraw", {"pledge": ["p1"]}), encoding="utf-8")
    capsys.readouterr()
    assert main(["parse-issue", "--template", str(TEMPLATE), str(body)]) == 0
    fields = json.loads(capsys.readouterr().out)
    data = fields_to_data("withdraw", fields)
    assert data == {"pledge": "p1"}

    before = (site / "content/pledges/p1.yml").read_text(encoding="utf-8")
    put(site, "github-7", data["pledge"])
    out = run(site, capsys)
    after = (site / "content/pledges/p1.yml").read_text(encoding="utf-8")
    assert after == before + "withdrawn: 2026-11-20  # github-7\n"  # the file kept as it was
    assert "**1 ajoutée" in out or "1 ajout" in out, out
    assert "`content/pledges/p1.yml`" in out
    assert "`p3`" in out and "cesse de compter" in out  # p3's condition no longer holds
    # 3 700 € then 200 € of a 10 000 € minimum: raising funds either way
    assert "le statut de `covoit` reste `En financement`" in out
    assert MEMBER not in out
    record = json.loads((site / "submissions/processed/github-7.record.json").read_text())
    assert record["files"] == ["content/pledges/p1.yml"]

    # processed again (the envelope put back): nothing changes
    (site / "submissions/processed/github-7.json").replace(site / "submissions/inbox/github-7.json")
    run(site, capsys)
    assert (site / "content/pledges/p1.yml").read_text(encoding="utf-8") == after
    assert (site / "submissions/processed/github-7.json").is_file()

    rebuilt = build_site(site / "content", tmp_path / "after")
    commons = json.loads((rebuilt / "data/commons.json").read_text(encoding="utf-8"))
    covoit = next(c for c in commons if c["slug"] == "covoit")
    assert (covoit["secured"], covoit["pending"]) == ("200.00", "1000.00")
    page = (rebuilt / "communs/covoit/index.html").read_text(encoding="utf-8")
    assert "Retiré le 20 novembre 2026" in _row(page, "p1")


def test_a_withdrawal_that_changes_the_status_says_so(site, capsys):
    """covoit's minimum lowered to 3 000 €: with p1 it is reached, without it not."""
    write(site / "content/commons/covoit.md", MINIMAL["commons/covoit.md"].replace(
        '"10000"', '"3000"'))  # fmt: skip
    put(site, "github-8", "p1")
    out = run(site, capsys)
    assert "passe de `Objectif minimum atteint` à `En financement`" in out


def _refused(site, capsys, ident, pledge, needle, **kw) -> str:
    before = {p.name: p.read_text() for p in (site / "content/pledges").iterdir()}
    today = kw.pop("today", "2026-11-26")
    put(site, ident, pledge, **kw)
    out = run(site, capsys, today)
    assert "1 refusée" in out, out
    assert {p.name: p.read_text() for p in (site / "content/pledges").iterdir()} == before
    report = rejection(site, ident)
    assert "`pledge`" in report and needle in report, report
    return report


def test_refused_when_the_author_is_not_a_member(site, capsys):
    report = _refused(site, capsys, "github-9", "p1", "content/actors/ville.yml", login="mallory")
    assert "mallory" not in report and MEMBER not in report


def test_refused_when_already_withdrawn(site, capsys):
    write(site / "content/pledges/p1.yml", CALL["pledges/p1.yml"])  # withdrawn on 2026-11-20
    _refused(site, capsys, "github-10", "p1", "déjà été retiré")


def test_refused_when_paid(site, capsys):
    write(site / "content/pledges/p4.yml", add(CALL["pledges/p4.yml"], "  status: paid"))
    report = _refused(site, capsys, "github-11", "p4", "payé")
    assert "content/pledges/p4.yml" in report


def test_refused_when_its_round_has_closed(site, capsys):
    report = _refused(
        site, capsys, "github-12", "p1", "fermé le", when="2027-01-05", today="2027-01-05"
    )
    assert "2026-12-31" in report


def test_refused_when_no_such_pledge(site, capsys):
    _refused(site, capsys, "github-13", "p99", "aucun engagement")


def test_the_submitted_text_is_quoted_inertly(site, capsys):
    report = _refused(site, capsys, "github-14", "@octocat", "`pledge`")
    assert "`'@octocat'`" in report  # in a code span, where GitHub mentions no one
    assert "@octocat" not in report.replace("`'@octocat'`", "")


def test_the_reason_given_is_quoted_inertly_in_the_summary(site, capsys):
    note = "Budget **coupé**, voir @octocat et #12\n<script>x</script>"
    put(site, "github-15", "p1", note=note)
    out = run(site, capsys)
    line = next(x for x in out.splitlines() if "la raison donnée" in x)
    # one code span, on one line: no emphasis, mention, reference or HTML on GitHub
    assert line.endswith(": `Budget **coupé**, voir @octocat et #12\\n`") and "<" not in line
    assert "octocat" not in (site / "content/pledges/p1.yml").read_text()  # never written


def test_a_record_that_cannot_be_written_puts_the_pledge_file_back(site, capsys, monkeypatch):
    """A withdrawal edits a file that was there before: a run that cannot settle the
    envelope puts that file back as it was (it never removes it), and rejects the envelope
    with a report saying so; processed again once the fault is gone, it is accepted."""
    real = process_module.write_atomic

    def failing(path: Path, text: str) -> None:
        if path.name == "github-16.record.json":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real(path, text)

    monkeypatch.setattr(process_module, "write_atomic", failing)
    before = (site / "content/pledges/p1.yml").read_text(encoding="utf-8")
    put(site, "github-16", "p1")
    run(site, capsys)
    assert (site / "content/pledges/p1.yml").read_text(encoding="utf-8") == before
    assert "github-16.record.json" in rejection(site, "github-16")
    monkeypatch.undo()
    (site / "submissions/rejected/github-16.json").replace(site / "submissions/inbox/x.json")
    run(site, capsys)
    assert (
        (site / "content/pledges/p1.yml")
        .read_text(encoding="utf-8")
        .endswith("withdrawn: 2026-11-20  # github-16\n")
    )


def test_an_english_site_is_told_in_english(site, capsys):
    site_language(site, "en")
    put(site, "github-17", "p1")
    out = run(site, capsys)
    assert "from 2026-11-20, `p1` counts nowhere" in out
    assert "`p3`, conditional, stops counting: its condition no longer holds" in out
    assert "the status of `covoit` stays `Raising funds`" in out


def test_refused_when_its_common_spent_the_money(site, capsys):
    """A report of covoit spends 1 000 €: 3 700 € are secured with p1, 200 € without it."""
    write(
        site / "content/reports/bilan.md",
        """
        ---
        common: covoit
        date: 2026-11-10
        title: Bilan
        spent:
          - label: Développement
            amount: "1000"
        ---
        Fait.
        """,
    )
    report = _refused(site, capsys, "github-18", "p1", "sans `p1`")
    assert "content/reports/bilan.md" in report


def test_a_call_without_rounds_leaves_it_out_too(make_content):
    """MINIMAL has no round: ville's 2 500.50 € is its one money pledge."""
    content = make_content(
        {"pledges/p1.yml": add(MINIMAL["pledges/p1.yml"], "withdrawn: 2026-11-20")}
    )
    catalogue = load_catalogue(content)
    assert compute_rounds(catalogue, BEFORE).current.funding.commons["covoit"].secured == D(
        "2500.50"
    )
    on = compute_rounds(catalogue, ON).current.funding
    assert on.commons["covoit"].secured == D(0) and on.actors["ville"].allocated == D(0)


def test_with_rounds_it_keeps_its_round_in_the_data_and_on_its_row(make_content, tmp_path):
    content = make_content(
        {
            "rounds/2025.yml": """
                name: Édition 2025
                opens: 2025-01-01
                closes: 2025-06-30
                """,
            "rounds/2026.yml": """
                name: Édition 2026
                opens: 2026-09-01
                closes: 2027-06-30
                """,
            "pledges/p1.yml": add(MINIMAL["pledges/p1.yml"], "withdrawn: 2026-11-20"),
        }
    )
    site = build_site(content, tmp_path / "out")
    with (site / "data/pledges.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    assert (rows["p1"]["round"], rows["p1"]["withdrawn"]) == ("2026", "2026-11-20")
    row = _row((site / "communs/covoit/index.html").read_text(encoding="utf-8"), "p1")
    assert "Retiré le 20 novembre 2026" in row and "Édition 2026" in row


# --- a round's own views: its engagement page, its statement, the call's feed -------------

ROUNDS = {
    "rounds/2025.yml": """
        name: Édition 2025
        opens: 2025-01-01
        closes: 2025-06-30
        """,
    "rounds/2026.yml": """
        name: Édition 2026
        opens: 2026-09-01
        closes: 2026-12-31
        """,
    "actors/region.yml": CALL["actors/region.yml"],
    "actors/club.yml": """
        name: Club Mobilité
        kind: association
        """,
    "pledges/p1.yml": CALL["pledges/p1.yml"],  # ville's one pledge, withdrawn on 2026-11-20
    "pledges/p3.yml": CALL["pledges/p3.yml"],
    "pledges/p4.yml": CALL["pledges/p4.yml"],
    "pledges/j1.yml": """
        actor: club
        common: covoit
        date: 2026-10-05
        role: user
        withdrawn: 2026-11-21
        """,
}
"""Two rounds; in Édition 2026, ``p1`` (ville's 2 500 €, its only pledge) and ``j1`` (club
joining as a user, its only pledge) are withdrawn; asso's 200 € and region's 1 000 € (its
condition, 3 000 €, no longer met) stand: 1 200 € pledged in the round."""


def _section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def _caption_rows(html: str, caption_id: str) -> str:
    start = html.index(f'id="{caption_id}"')
    return html[start : html.index("</table>", start)]


@pytest.fixture
def rounds_site(make_content, tmp_path) -> Path:
    return build_site(make_content(ROUNDS), tmp_path / "out")


def test_the_round_engagement_page_lists_them_apart_counted_in_no_figure(rounds_site):
    html = (rounds_site / "tours/2026/engagement/index.html").read_text(encoding="utf-8")
    section = _section(html, "withdrawn-title")
    assert "Engagements retirés" in section
    p1 = _row(section.replace('id="withdrawn-', 'id="engagement-'), "p1")
    assert "Retiré le 20 novembre 2026" in p1 and "2 500,00" in p1.replace("\u202f", " ")
    assert "Ville de Valbrune" in p1 and "Covoiturage ouvert" in p1
    j1 = _row(section.replace('id="withdrawn-', 'id="engagement-'), "j1")
    assert "Retiré le 21 novembre 2026" in j1 and "Club Mobilité" in j1
    assert "p3" not in section and "p4" not in section  # only the withdrawn ones
    # every cell labelled, for the narrow layout
    assert section.count("<td") == section.count("<td data-label=") + section.count(
        '<td class="num" data-label='
    )
    # the round's record: neither ville nor club pledged anything that counts
    record = _caption_rows(html, "round-record-caption")
    assert "Association Roule" in record and "Région" in record
    assert "Ville de Valbrune" not in record and "Club Mobilité" not in record
    over = _caption_rows(html, "total-record-caption")
    assert "Ville de Valbrune" not in over and "Club Mobilité" not in over
    assert nu_errors(rounds_site / "tours/2026/engagement/index.html") == []  # valid HTML
    # the closed round of 2025 has none
    assert 'id="withdrawn-title"' not in (
        rounds_site / "tours/2025/engagement/index.html"
    ).read_text(encoding="utf-8")


def test_the_round_statement_lists_them_with_their_day_in_no_total(rounds_site):
    from test_statements import ods_sheets

    from appel_a_communs.site.urls import statement_path

    data = rounds_site / "data"
    with (data / statement_path("2026", "pledges")).open(encoding="utf-8", newline="") as f:
        pledges = {row["id"]: row for row in csv.DictReader(f)}
    assert set(pledges) == {"p1", "p2", "p3", "p4", "j1"}
    assert (pledges["p1"]["withdrawn"], pledges["p1"]["counted"]) == ("2026-11-20", "no")
    assert pledges["j1"]["withdrawn"] == "2026-11-21"
    assert pledges["p4"]["withdrawn"] == "" and pledges["p4"]["counted"] == "yes"
    with (data / statement_path("2026", "actors")).open(encoding="utf-8", newline="") as f:
        actors = {row["slug"]: row for row in csv.DictReader(f)}
    assert "ville" not in actors and "club" not in actors
    assert sum(D(row["pledged"]) for row in actors.values()) == D(1200)  # 200 + 1 000
    sheets = ods_sheets(data / statement_path("2026"))
    header, *rows = sheets["pledges"]
    p1 = next(r for r in rows if r[header.index("id")] == "p1")
    assert str(p1[header.index("withdrawn")]).startswith("2026-11-20")
    # the actor's own statement: the pledge listed, its money in no total
    with (data / "statements/actors/ville.csv").open(encoding="utf-8", newline="") as f:
        statement = list(csv.DictReader(f))
    assert statement and all(D(row["pledged"] or 0) == 0 for row in statement)


def test_the_call_feed_gives_the_withdrawal_its_entry(rounds_site):
    feed = strict_xml((rounds_site / "feeds/engagements.atom.xml").read_bytes())
    atom = {"a": "http://www.w3.org/2005/Atom"}
    entries = {e.findtext("a:id", "", atom): e for e in feed.iterfind("a:entry", atom)}
    [p1] = [e for i, e in entries.items() if i.endswith(":withdrawn:p1")]
    assert any(i.endswith(":pledge:p1") for i in entries)  # still at its own date too
    assert p1.findtext("a:title", "", atom) == (
        "Ville de Valbrune retire un engagement envers Covoiturage ouvert"
    )
    assert p1.findtext("a:updated", "", atom).startswith("2026-11-20")
    assert any(i.endswith(":withdrawn:j1") for i in entries)
    # the common's feed has each withdrawal once
    common = (rounds_site / "feeds/communs/covoit.atom.xml").read_text(encoding="utf-8")
    assert common.count("withdrawn:p1</id>") == 1


def test_a_withdrawn_pledge_makes_no_supporter_nor_member(rounds_site):
    ville = (rounds_site / "acteurs/ville/index.html").read_text(encoding="utf-8")
    assert "Communs soutenus (0)" in ville
    assert "Covoiturage ouvert" not in _section(ville, "supported-title")
    assert "Retiré le 20 novembre 2026" in _row(ville, "p1")  # still in its pledges, marked
    common = (rounds_site / "communs/covoit/index.html").read_text(encoding="utf-8")
    group = _section(common, "group-title")
    assert "Association Roule" in group and "Région" in group
    assert "Ville de Valbrune" not in group and "Club Mobilité" not in group
    assert "Retiré le 21 novembre 2026" in _row(common, "j1")
    actors = json.loads((rounds_site / "data/actors.json").read_text(encoding="utf-8"))
    by_slug = {a["slug"]: a for a in actors}
    assert by_slug["ville"]["commons"] == [] and by_slug["club"]["commons"] == []
    assert by_slug["asso"]["commons"] != []


def test_the_day_before_they_support_and_count(make_content, tmp_path):
    site = build_site(make_content(ROUNDS), tmp_path / "out", CATALOGUE_TODAY=BEFORE)
    html = (site / "tours/2026/engagement/index.html").read_text(encoding="utf-8")
    assert 'id="withdrawn-title"' not in html
    assert "Ville de Valbrune" in _caption_rows(html, "round-record-caption")
    common = (site / "communs/covoit/index.html").read_text(encoding="utf-8")
    assert "Ville de Valbrune" in _section(common, "group-title")
    assert "withdrawn:p1" not in (site / "feeds/engagements.atom.xml").read_text("utf-8")


def test_in_a_sealed_round_it_is_marked_without_its_amount(make_content, tmp_path):
    sealed = {**ROUNDS, "rounds/2026.yml": add(ROUNDS["rounds/2026.yml"], "sealed: true")}
    site = build_site(make_content(sealed), tmp_path / "out")
    html = (site / "tours/2026/engagement/index.html").read_text(encoding="utf-8")
    p1 = _row(_section(html, "withdrawn-title").replace('id="withdrawn-', 'id="engagement-'), "p1")
    assert "Retiré le 20 novembre 2026" in p1 and "Montant scellé" in p1
    assert "2\u202f500" not in html and "2 500" not in html and "2500" not in html
    from appel_a_communs.site.urls import statement_path

    path = site / "data" / statement_path("2026", "pledges")
    with path.open(encoding="utf-8", newline="") as f:
        pledges = {row["id"]: row for row in csv.DictReader(f)}
    assert (pledges["p1"]["amount"], pledges["p1"]["withdrawn"]) == ("", "2026-11-20")
    assert "2500" not in path.read_text(encoding="utf-8")
    feed = (site / "feeds/engagements.atom.xml").read_text(encoding="utf-8")
    assert "withdrawn:p1" in feed and "2500" not in feed and "2\u202f500" not in feed


def test_the_engagement_page_with_withdrawn_pledges_is_accessible(rounds_site, browser, axe_source):
    with serve(rounds_site) as url:
        result = axe(browser, axe_source, f"{url}/tours/2026/engagement/")
    violations = [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]
    assert violations == []
    assert result["passes"]  # axe really ran


def test_the_working_group_a_round_requires_leaves_them_out(make_content):
    """Édition 2026 requires 4 members: asso, region, ville and club before the
    withdrawals, asso and region after."""
    from appel_a_communs.site.view import build_view

    rounds = {
        **ROUNDS,
        "rounds/2026.yml": add(ROUNDS["rounds/2026.yml"], "eligibility:", "  min_working_group: 4"),
    }
    catalogue = load_catalogue(make_content(rounds))
    assert build_view(catalogue, BEFORE).eligibility["covoit"].eligible
    assert not build_view(catalogue, date(2026, 11, 26)).eligibility["covoit"].eligible
