"""Submissions in a call of several rounds: a pledge gets its round, that round's rules
apply, a pledge while no round is open (or to a closed round) is refused saying where
pledges go, and the pledge form names the open round.

Every test runs the real processor (through the CLI) on a site built from
tests/calls/rounds: 2025 (closed, ville's allowance 3000, all pledged) and 2026-2027
(open 2026-09-01 to 2027-06-30, sealed; ville's own allowance 20000, 2500.50 pledged).
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import MINIMAL, REPO, build_site, submissions_site, write

from appel_a_communs.content.loader import load_catalogue
from appel_a_communs.submissions.cli import main
from appel_a_communs.submissions.process import Processor

ROUNDS = REPO / "tests" / "calls" / "rounds"
TODAY = "2026-11-26"


@pytest.fixture
def site(tmp_path) -> Path:
    return submissions_site(tmp_path, ROUNDS, "en")  # reports in English


def put(
    site: Path, ident: str, data: dict, *, kind: str = "pledge", when: str = "2026-11-20T10:00:00Z"
) -> Path:
    envelope = {"id": ident, "type": kind, "submitted_at": when, "source": "form", "data": data}
    path = site / "submissions" / "inbox" / f"{ident}.json"
    path.write_text(json.dumps(envelope), encoding="utf-8")
    return path  # fmt: skip


def process(site: Path, capsys, today: str = TODAY) -> str:
    assert main(["--root", str(site), "process", "--today", today]) == 0
    return capsys.readouterr().out


def report(site: Path, ident: str) -> str:
    """A rejection report (in English: the site's language)."""
    return (site / "submissions/rejected" / f"{ident}.report.md").read_text()


def written(site: Path, ident: str) -> dict:
    return yaml.safe_load((site / "content/pledges" / f"{ident}.yml").read_text())


def money(actor: str, common: str, amount: str, **more) -> dict:
    return {"actor": actor, "common": common, "money": {"amount": amount}, **more}


# --- the round of a pledge --------------------------------------------------------------


def test_a_pledge_gets_the_round_its_date_falls_in_written_into_its_file(site, capsys):
    put(site, "form-1", money("asso", "covoit", "1000", date="2026-10-20"))
    put(site, "form-2", money("asso", "velo", "500"))  # dated the day it was submitted
    put(site, "form-3", {"actor": "asso", "common": "nouveau", "role": "user"}, kind="join")
    process(site, capsys)
    assert written(site, "form-1") == {
        "actor": "asso",
        "common": "covoit",
        "date": date(2026, 10, 20),
        "role": "funder",
        "money": {"amount": "1000"},
        "source": {"kind": "form", "ref": "1"},
        "round": "2026-2027",
    }
    assert written(site, "form-2")["date"] == date(2026, 11, 20)
    assert written(site, "form-2")["round"] == written(site, "form-3")["round"] == "2026-2027"
    catalogue = load_catalogue(site / "content")
    assert [p.id for p in catalogue.pledges_by_round["2026-2027"]] == [
        "p2026-ville-covoit", "p2026-atelier-nouveau", "form-1", "form-2", "form-3"
    ]  # fmt: skip
    # main stays green, and the pledges count in the open round (its totals are public)
    built = build_site(site / "content", site / "out")
    commons = {c["slug"]: c for c in json.loads((built / "data/commons.json").read_text())}
    assert commons["covoit"]["secured"] == "3500.50"  # 2500.50 + 1000, not 2025's 4000
    assert commons["velo"]["secured"] == "500.00"


def test_a_call_with_campaign_yml_writes_its_pledges_as_before(tmp_path, capsys):
    root = tmp_path / "site"
    for name, text in {**MINIMAL, "campaign.yml": "opens: 2026-09-01\n"}.items():
        write(root / "content" / name, text)
    (root / "submissions" / "inbox").mkdir(parents=True)
    put(root, "form-1", money("asso", "covoit", "100"))
    process(root, capsys)
    assert "round" not in written(root, "form-1")


def test_a_pledge_in_no_round_is_refused_naming_the_date_and_the_rounds(site, capsys):
    put(site, "form-1", money("asso", "covoit", "1000", date="2025-08-01"))
    out = process(site, capsys)
    assert not (site / "content/pledges/form-1.yml").exists()
    assert (
        "- `date`: no round is open on 2025-08-01 (rounds: `2025 (2025-01-01 – 2025-06-30), "
        "2026-2027 (2026-09-01 – 2027-06-30)`); pledges go to the open round, `2026-2027` "
        "(2026-09-01 to 2027-06-30)" in report(site, "form-1")
    )
    assert "`form-1` (`pledge`)" in out


def test_between_rounds_a_pledge_is_told_when_the_next_round_opens(site, capsys):
    put(site, "form-1", money("asso", "covoit", "1000"), when="2026-07-14T10:00:00Z")
    process(site, capsys, today="2026-07-15")
    assert "- `date`: no round is open on 2026-07-14 (rounds: " in report(site, "form-1")
    assert "; the next round, `2026-2027`, opens on 2026-09-01" in report(site, "form-1")


def test_after_the_last_round_a_pledge_is_told_none_is_announced(site, capsys):
    put(site, "form-1", money("asso", "covoit", "1000"), when="2027-08-01T10:00:00Z")
    process(site, capsys, today="2027-08-02")
    assert "no round is open now, and none is announced" in report(site, "form-1")


def test_a_round_that_has_closed_is_refused_for_submissions(site, capsys):
    put(site, "form-1", money("asso", "covoit", "100", round="2025"))
    put(site, "form-2", money("asso", "covoit", "100", date="2025-05-02"))
    put(site, "form-3", money("asso", "covoit", "100", round="2024"))
    process(site, capsys)
    assert not list((site / "content/pledges").glob("form-*"))
    assert (
        "- `round`: round `2025` closed on 2025-06-30; pledges go to the open round, "
        "`2026-2027` (2026-09-01 to 2027-06-30)" in report(site, "form-1")
    )
    assert (
        "- `date`: 2025-05-02 is in round `2025`, which closed on 2025-06-30; pledges go to "
        "the open round" in report(site, "form-2")
    )
    assert "- `round`: no round `2024` (rounds: `2025, 2026-2027`)" in report(site, "form-3")


def test_a_maintainers_file_may_still_name_a_closed_round(site, capsys):
    write(
        site / "content/pledges/late.yml",
        'actor: asso\ncommon: velo\ndate: 2025-06-30\nround: "2025"\nmoney:\n  amount: "10"\n',
    )
    put(site, "form-1", money("asso", "velo", "10"))
    process(site, capsys)  # the processor loads the call: no error in it
    assert written(site, "form-1")["round"] == "2026-2027"
    assert load_catalogue(site / "content").pledges["late"].round == "2025"


def test_sent_on_the_last_day_and_processed_the_next_it_counts_in_that_round(site, capsys):
    put(site, "form-1", money("asso", "covoit", "100"), when="2027-06-30T21:00:00Z")
    process(site, capsys, today="2027-07-01")
    assert written(site, "form-1")["round"] == "2026-2027"


# --- the rules of that round ------------------------------------------------------------


def test_the_allowance_of_the_pledges_round_applies(site, capsys):
    """ville's 2025 allowance (3000, all pledged in 2025) does not limit it in 2026-2027,
    where its own allowance, 20000, does."""
    put(site, "form-1", money("ville", "covoit", "5000"))
    put(site, "form-2", money("ville", "velo", "20000"), when="2026-11-21T10:00:00Z")
    process(site, capsys)
    assert (site / "content/pledges/form-1.yml").is_file()
    refused = report(site, "form-2")
    assert (
        "- `allowance`: the money pledged (`27500.50 EUR`, conditional pledges included, in "
        "`content/pledges/p2026-ville-covoit.yml, content/pledges/form-1.yml, "
        "content/pledges/form-2.yml`) is more than the allowance of `20000 EUR` "
        "(`content/actors/ville.yml`)" in refused
    )
    assert "3000" not in refused and "p2025-ville-covoit" not in refused


def test_a_round_allowance_applies_in_its_round(site, capsys):
    path = site / "content/rounds/2026-2027.yml"
    path.write_text(path.read_text() + 'allowances:\n  ville: "4000"\n', encoding="utf-8")
    put(site, "form-1", money("ville", "covoit", "1499.50"))  # 4000 with its 2500.50
    put(site, "form-2", money("ville", "covoit", "0.01"), when="2026-11-21T10:00:00Z")
    process(site, capsys)
    assert (site / "content/pledges/form-1.yml").is_file()
    assert "is more than the allowance of `4000 EUR`" in report(site, "form-2")


def test_the_cap_per_actor_and_common_is_that_of_the_pledges_round(site, capsys):
    for name, cap in (("2025.yml", "3000"), ("2026-2027.yml", "6000")):
        path = site / "content/rounds" / name
        path.write_text(path.read_text() + f'max_per_actor_per_common: "{cap}"\n')
    put(site, "form-1", money("ville", "covoit", "3499.50"))  # 6000 in 2026-2027
    put(site, "form-2", money("ville", "covoit", "0.01"), when="2026-11-21T10:00:00Z")
    process(site, capsys)
    assert (site / "content/pledges/form-1.yml").is_file()
    assert (
        "`ville` pledges `6000.01 EUR` to `covoit` (`content/pledges/p2026-ville-covoit.yml, "
        "content/pledges/form-1.yml, content/pledges/form-2.yml`), more than "
        "max_per_actor_per_common, `6000 EUR` (`rounds/2026-2027.yml`)" in report(site, "form-2")
    )


def test_over_funding_is_measured_against_the_budget_of_the_pledges_round(site, capsys):
    """covoit's 2025 budget is 4000; in 2026-2027 its own budget applies, 15000 at most."""
    put(site, "form-1", money("asso", "covoit", "12000"))  # 14500.50
    put(site, "form-2", money("atelier", "covoit", "500.51"), when="2026-11-21T10:00:00Z")
    process(site, capsys)
    assert (site / "content/pledges/form-1.yml").is_file()
    assert (
        "- `budget`: secured money, `15001.01 EUR` (`content/pledges/form-1.yml, "
        "content/pledges/form-2.yml, content/pledges/p2026-ville-covoit.yml`), is above its "
        "stretch goal, `15000 EUR`; allow_overfunding is false in `rounds/2026-2027.yml` "
        "(`content/commons/covoit.md`)" in report(site, "form-2")
    )


def test_an_archived_common_takes_no_pledge_in_the_open_round(site, capsys):
    path = site / "content/commons/velo.md"
    path.write_text(path.read_text().replace("stage: accepted", "stage: archived"))
    put(site, "form-1", {"actor": "asso", "common": "velo", "role": "user"}, kind="join")
    process(site, capsys)
    assert "- `common`: `velo` is archived and takes no more pledges" in report(site, "form-1")


def test_the_processors_today_says_where_pledges_go(site):
    """The Processor itself, with its today: between the rounds, then in the open one."""
    put(site, "form-1", money("asso", "covoit", "100", date="2025-08-01"))
    between = Processor(site, today=date(2025, 8, 2)).run(dry_run=True)[0]
    now = Processor(site, today=date(2026, 11, 26)).run(dry_run=True)[0]
    assert [e.field for e in between.errors] == [e.field for e in now.errors] == ["date"]
    assert "the next round, '2026-2027', opens on 2026-09-01" in between.errors[0].message
    assert "pledges go to the open round, '2026-2027'" in now.errors[0].message
    assert (site / "submissions/inbox/form-1.json").is_file()  # a dry run moves nothing


# --- the pledge form -------------------------------------------------------------------


def notice(page: Path) -> str:
    """The round notice of a built page, as text."""
    found = re.search(r'<p class="notice round-notice">(.*?)</p>', page.read_text(), re.S)
    return found.group(1) if found else ""


def test_the_pledge_form_names_the_open_round(site):
    built = build_site(site / "content", site / "out")
    pledge = notice(built / "contribuer/engagement/index.html")
    assert "Édition 2026-2027" in pledge
    assert "1 septembre 2026" in pledge and "30 juin 2027" in pledge
    # the other forms, and the forms page, say nothing while a round is open
    assert notice(built / "contribuer/rejoindre/index.html") == ""
    assert notice(built / "contribuer/index.html") == ""
    # and nobody is asked for a round: the forms have no such field
    assert 'name="round"' not in (built / "contribuer/engagement/index.html").read_text()


def test_between_rounds_the_forms_say_when_pledges_open(site):
    built = build_site(site / "content", site / "out", CATALOGUE_TODAY=date(2026, 7, 15))
    for page in ("contribuer/engagement", "contribuer/rejoindre", "contribuer"):
        text = notice(built / page / "index.html")
        assert "1 septembre 2026" in text and "Édition 2026-2027" in text, page
    assert notice(built / "contribuer/inscription/index.html") == ""


def test_after_the_last_round_the_forms_say_pledges_are_closed(site):
    built = build_site(site / "content", site / "out", CATALOGUE_TODAY=date(2027, 8, 1))
    pledge = notice(built / "contribuer/engagement/index.html")
    assert pledge and "Édition" not in pledge and "2027" not in pledge
