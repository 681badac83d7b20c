"""Follow-up reports submitted like the rest (SPEC "After the money", "Submissions"): the
site's report form, the issue it opens, its envelope, ``process``, and the site rebuilt.

The call is ``tests/calls/followup`` (see tests/calls/README.md), copied for each test:
``covoit`` is proposed by ``asso``, whose only member is ``roule-tresoriere``; it secured
17 000 € in round 2025, of which its two reports spent 11 500.50 €, and 3 000 € in the
open, sealed round 2026, whose budget is one line, ``Maintenance`` (6 000 €). ``carto`` is
proposed by ``coop``, which lists no members; it secured 8 000 € in round 2026.
"""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from conftest import (
    FOLLOWUP,
    MINIMAL,
    REPO,
    build_site,
    github_issue_body,
    no_js_page,
    serve,
    site_language,
    submissions_site,
    write,
)
from pytest_httpserver import HTTPServer

from appel_a_communs.content.loader import load_catalogue
from appel_a_communs.site.forms import site_forms
from appel_a_communs.submissions.cli import main
from appel_a_communs.vocabulary.forms import FORMS, fields_to_data

TEMPLATE = REPO / ".github" / "ISSUE_TEMPLATE" / "report.yml"
TODAY = "2026-11-26"
MEMBER = "roule-tresoriere"
EMAIL = "camille.secret@example.org"
CONTACT = {"name": "Camille Cachée", "email": EMAIL}


@pytest.fixture
def site(tmp_path) -> Path:
    """A copy of the follow-up call, with an empty inbox; in English (its reports too)."""
    return submissions_site(tmp_path, FOLLOWUP, "en")


@pytest.fixture
def french_site(tmp_path) -> Path:
    """The same, French (the default): it reads the issue forms in French."""
    return submissions_site(tmp_path, FOLLOWUP)


def put(
    site: Path,
    ident: str,
    data: dict,
    *,
    login: str | None = None,
    contact: dict | None = None,
    when: str = "2026-11-20T10:00:00Z",
) -> Path:
    """A report envelope: from a GitHub issue when ``login`` is given, else from a form."""
    envelope: dict = {
        "id": ident,
        "type": "report",
        "submitted_at": when,
        "source": "github-issue" if login else "form",
        "data": data,
    }
    if login:
        envelope["author"] = {"login": login}
    if contact:
        envelope["contact"] = contact
    path = site / "submissions" / "inbox" / f"{ident}.json"
    path.write_text(json.dumps(envelope, ensure_ascii=False), encoding="utf-8")
    return path


def process(site: Path, capsys) -> str:
    capsys.readouterr()
    assert main(["--root", str(site), "process", "--today", TODAY]) == 0
    return capsys.readouterr().out


def rejection(site: Path, ident: str) -> str:
    assert (site / "submissions/rejected" / f"{ident}.json").is_file()  # never lost
    return (site / "submissions/rejected" / f"{ident}.report.md").read_text(encoding="utf-8")


def reports(site: Path) -> list[str]:
    return sorted(p.name for p in (site / "content/reports").iterdir())


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


OLD_REPORTS = ["covoit-2025-final.md", "covoit-2025-intermediaire.md"]
AMOUNT = "1\u202f200,50\xa0€"
"""1 200.50 € as the French pages write it (narrow no-break space, no-break space)."""


# --- the form page and the issue it opens ---------------------------------------------


class FormReader(HTMLParser):
    """The submission form of a page as a browser submits it: its action, its hidden
    fields, each control's name, and the values a select offers."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.hidden: dict[str, str] = {}
        self.controls: list[str] = []
        self.options: dict[str, list[str]] = {}
        self.labels: set[str] = set()
        self._select: str | None = None
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "submission-form" in (a.get("class") or ""):
            self._in_form, self.action = True, a["action"]
        if not self._in_form:
            return
        if tag == "input" and a.get("type") == "hidden":
            self.hidden[a["name"]] = a["value"]
        elif tag in ("input", "textarea", "select"):
            self.controls.append(a["name"])
            assert a["id"] == f"f-{a['name']}"
        if tag == "select":
            self._select = a["name"]
            self.options[a["name"]] = []
        elif tag == "option" and self._select:
            self.options[self._select].append(a["value"])
        elif tag == "label":
            self.labels.add(a["for"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


def read_form(page: Path) -> FormReader:
    reader = FormReader()
    reader.feed(page.read_text(encoding="utf-8"))
    return reader


def github_issue(number: int, login: str, params: dict[str, list[str]]) -> dict:
    template = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    return {
        "number": number,
        "title": f"{template['title']}{params['title'][0]}",
        "labels": [{"name": label} for label in template["labels"]],
        "created_at": "2026-11-20T10:00:00Z",
        "user": {"login": login},
        "body": github_issue_body("report", params),
    }


FILLED = {
    "common": ["covoit"],
    "title": ["Bilan 2026 : la maintenance"],
    "date": ["2026-11-20"],
    "round": [""],
    "spent": ["Maintenance : 1200.50 €\n"],
    "body": ["La **maintenance** avance.\n\n### Pas un titre de section\n\nFin."],
}
"""The report form as a person fills it (a GET form sends every control, empty or not)."""
SLUG = "covoit-2026-11-20-bilan-2026-la-maintenance"


def test_the_report_form_end_to_end(french_site, tmp_path, httpserver: HTTPServer, capsys):
    """The form page → the GitHub issue it opens, as GitHub renders it → fetch → process →
    the report's file → the site rebuilt: its page, and its common's follow-up."""
    site = french_site
    built = build_site(site / "content", tmp_path / "before")
    form = read_form(built / "contribuer/rapport/index.html")
    assert form.action == "https://github.com/appel-a-communs/mobilites-du-quotidien/issues/new"
    assert form.hidden == {"template": "report.yml"}
    ids = [f.id for f in FORMS["report"][1]]
    assert form.controls == ids == ["common", "title", "date", "round", "spent", "body"]
    template = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    assert [e["id"] for e in template["body"] if "id" in e] == ids  # the same ids
    assert template["labels"] == ["submission:report"]
    assert set(form.labels) == {f"f-{i}" for i in ids}  # every control labelled
    assert form.options["common"] == ["", "carto", "covoit"]
    assert form.options["round"] == ["", "2025", "2026"]  # the call's rounds, in order
    index = (built / "contribuer/index.html").read_text(encoding="utf-8")
    assert 'href="../contribuer/rapport/"' in index

    assert set(FILLED) == set(form.controls)
    assert all(FILLED[name][0] in form.options[name] for name in form.options)
    httpserver.expect_request("/repos/org/appel/issues/31").respond_with_json(
        github_issue(31, MEMBER, FILLED)
    )
    fetch = ["--root", str(site), "fetch", "github", "--repo", "org/appel",
             "--api-url", httpserver.url_for(""), "--issue", "31", "--author", MEMBER]  # fmt: skip
    assert main(fetch) == 0, capsys.readouterr().err
    envelope = json.loads((site / "submissions/inbox/github-31.json").read_text())
    assert envelope["type"] == "report" and envelope["author"] == {"login": MEMBER}
    assert envelope["data"]["spent"] == [{"label": "Maintenance", "amount": "1200.50"}]

    out = process(site, capsys)
    assert f"`content/reports/{SLUG}.md`" in out and "non vérifié" not in out
    text = (site / f"content/reports/{SLUG}.md").read_text(encoding="utf-8")
    assert MEMBER not in text  # a login is never published
    report = load_catalogue(site / "content").reports[SLUG]
    assert (report.common, str(report.date), report.round) == ("covoit", "2026-11-20", "2026")
    assert report.title == "Bilan 2026 : la maintenance"
    assert [(s.label, str(s.amount)) for s in report.spent] == [("Maintenance", "1200.50")]
    assert "### Pas un titre de section" in report.body

    rebuilt = build_site(site / "content", tmp_path / "after")
    page = (rebuilt / f"rapports/{SLUG}/index.html").read_text(encoding="utf-8")
    assert "<h1>Bilan 2026 : la maintenance</h1>" in page
    assert "<strong>maintenance</strong>" in page and AMOUNT in page
    common = (rebuilt / "communs/covoit/index.html").read_text(encoding="utf-8")
    followup = common[common.index('id="followup-title"') :]
    assert f'href="../../rapports/{SLUG}/"' in followup
    # the 2026 spending: the report's 1 200.50 € on Maintenance
    row = re.search(r"<th scope=\"row\">Maintenance</th>(.*?)</tr>", followup, re.S)
    assert row and AMOUNT in row.group(1)
    assert AMOUNT not in (built / "communs/covoit/index.html").read_text(encoding="utf-8")


def test_the_form_in_a_browser_opens_the_issue_form_that_parses_back(
    browser, site, tmp_path, capsys
):
    """JavaScript off: the form itself navigates to GitHub's issue form, prefilled."""
    built = build_site(site / "content", tmp_path / "out")
    urls: list[str] = []

    def answer(route):
        urls.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>GitHub</title>")

    with serve(built) as base, no_js_page(browser) as page:
        page.context.route("https://github.com/**", answer)
        page.goto(f"{base}/contribuer/rapport/")
        page.select_option("#f-common", "carto")
        page.fill("#f-title", "Relevés faits")
        page.fill("#f-date", "2026-07-01")
        page.select_option("#f-round", "2026")
        page.fill("#f-spent", "Relevés de terrain: 7999.99\n")
        page.fill("#f-body", "Les relevés sont **faits**.")
        page.click("button[type=submit]")
        page.wait_for_url("https://github.com/**")
    url = urlsplit(urls[-1])
    params = parse_qs(url.query, keep_blank_values=True)
    assert url.path == "/appel-a-communs/mobilites-du-quotidien/issues/new"
    assert params["template"] == ["report.yml"] and params["round"] == ["2026"]

    body = tmp_path / "body.md"
    body.write_text(github_issue_body("report", params), encoding="utf-8")
    capsys.readouterr()
    assert main(["parse-issue", "--template", str(TEMPLATE), str(body)]) == 0
    fields = json.loads(capsys.readouterr().out)
    assert fields["spent"] == "Relevés de terrain: 7999.99" and fields["date"] == "2026-07-01"
    put(site, "github-32", fields_to_data("report", fields), login="someone")
    out = process(site, capsys)
    assert "`content/reports/carto-2026-07-01-releves-faits.md`" in out
    # coop, carto's proposer, lists no members: anyone may, and the summary says so
    assert "not verified: the actors proposing `carto` list no members" in out
    assert "someone" not in out


# --- the follow-up rule, field by field --------------------------------------------------


def test_spending_above_the_money_secured_is_refused_naming_both_files(site, capsys):
    # 11 500.50 € already spent of 17 000 € secured in 2025: 5 499.50 € more fits exactly
    put(site, "github-1", {"common": "covoit", "title": "Un euro de trop", "round": "2025",
        "date": "2025-12-01", "spent": [{"label": "Documentation", "amount": "5500.50"}]},
        login=MEMBER)  # fmt: skip
    out = process(site, capsys)
    assert "1 rejected**" in out
    assert reports(site) == OLD_REPORTS  # nothing written
    report = rejection(site, "github-1")
    new = "content/reports/covoit-2025-12-01-un-euro-de-trop.md"
    assert "`spent`" in report and "`17001.00 EUR`" in report and "`17000.00 EUR` secured" in report
    assert new in report and "content/commons/covoit.md" in report  # both files named
    assert "content/reports/covoit-2025-final.md" in report
    assert MEMBER not in report

    put(site, "github-2", {"common": "covoit", "title": "Tout juste", "round": "2025",
        "date": "2025-12-01", "spent": [{"label": "Documentation", "amount": "5499.50"}]},
        login=MEMBER)  # fmt: skip
    out = process(site, capsys)
    assert "`content/reports/covoit-2025-12-01-tout-juste.md`" in out  # secured, not above


def test_a_round_spends_only_its_own_money(site, capsys):
    """3 000 € secured in 2026: the 5 499.50 € left over from 2025 cannot be spent there."""
    put(site, "github-1", {"common": "covoit", "title": "Maintenance",
        "spent": [{"label": "Maintenance", "amount": "3000.01"}]}, login=MEMBER)  # fmt: skip
    process(site, capsys)
    report = rejection(site, "github-1")
    assert "in round `2026`" in report and "content/commons/covoit.md" in report
    assert "content/reports/covoit-2026-11-20-maintenance.md" in report
    assert "covoit-2025-final.md" not in report  # 2025's reports are not 2026's


def test_an_unknown_budget_line_is_named_with_the_lines_of_that_round(site, capsys):
    spent = "Maintenance: 100\nDéveloppement: 200\nCafé | 5 €"  # 2026's lines: Maintenance only
    data = {"common": "covoit", "title": "Lignes", "spent": spent}
    put(site, "github-1", fields_to_data("report", data), login=MEMBER)
    process(site, capsys)
    report = rejection(site, "github-1")
    assert "`spent[1].label`: no line `Développement`" in report
    assert "`spent[2].label`: no line `Café`" in report
    assert "`spent[0]" not in report  # Maintenance is a line of 2026
    assert "its lines: `'Maintenance'`" in report
    assert reports(site) == OLD_REPORTS


def test_every_faulty_field_is_named_at_once(site, capsys):
    put(site, "form-1", {"common": "covoit", "date": "31/12/2026", "slug": "mine",
        "spent": [{"label": "Maintenance", "amount": "12,50"}, {"label": ""}]})  # fmt: skip
    process(site, capsys)
    report = rejection(site, "form-1")
    for field in ("`title`", "`date`", "`slug`", "`spent[0].amount`", "`spent[1].label`",
                  "`spent[1].amount`"):  # fmt: skip
        assert field in report, field
    assert "is set by the submission processor" in report


def test_an_unknown_common_or_round_is_named(site, capsys):
    put(site, "github-1", {"common": "velo", "title": "X"}, login=MEMBER)
    put(site, "github-2", {"common": "covoit", "title": "X", "round": "2030"}, login=MEMBER)
    put(site, "github-3", {"common": "covoit", "title": "X", "date": "2024-06-01"}, login=MEMBER)
    process(site, capsys)
    assert "`common`" in rejection(site, "github-1") and "no common `velo`" in rejection(
        site, "github-1"
    )
    assert "no round `2030` (rounds: `2025, 2026`)" in rejection(site, "github-2")
    # before any round of covoit had opened: no round to report on
    assert "no round had opened by 2024-06-01" in rejection(site, "github-3")
    assert reports(site) == OLD_REPORTS


def test_the_round_is_written_in_the_file(site, capsys):
    """By default the last round of its common opened by its day (report_round), written
    in the file so that later edits of the rounds' dates do not move it."""
    put(site, "github-1", {"common": "covoit", "title": "Fin 2025", "date": "2025-10-01"},
        login=MEMBER)  # fmt: skip
    put(site, "github-2", {"common": "covoit", "title": "Fin 2026"}, login=MEMBER)
    process(site, capsys)
    first = yaml.safe_load(
        (site / "content/reports/covoit-2025-10-01-fin-2025.md").read_text().split("---")[1]
    )
    second = yaml.safe_load(
        (site / "content/reports/covoit-2026-11-20-fin-2026.md").read_text().split("---")[1]
    )
    assert first == {"common": "covoit", "date": first["date"], "round": "2025",
                     "title": "Fin 2025"}  # fmt: skip
    assert str(first["date"]) == "2025-10-01"
    assert second["round"] == "2026" and str(second["date"]) == "2026-11-20"  # the day sent


# --- who may publish -------------------------------------------------------------------


def test_a_member_of_the_proposing_actor_may_publish(site, capsys):
    put(
        site,
        "github-1",
        {"common": "covoit", "title": "Par la trésorière"},
        login="Roule-Tresoriere",
    )  # fmt: skip  (logins are case-insensitive)
    out = process(site, capsys)
    assert "`content/reports/covoit-2026-11-20-par-la-tresoriere.md`" in out
    assert "not verified" not in out and "Roule-Tresoriere" not in out


def test_anyone_else_is_refused_and_no_login_is_named(site, capsys):
    put(site, "github-1", {"common": "covoit", "title": "Usurpé"}, login="mallory")
    process(site, capsys)
    report = rejection(site, "github-1")
    assert "`common`" in report and "content/actors/asso.yml" in report
    assert "is not one of them" in report
    assert "mallory" not in report and MEMBER not in report
    assert reports(site) == OLD_REPORTS


def test_an_unknown_author_is_refused_when_members_are_listed(site, capsys):
    """A web form says nothing of who sent it: only an issue can show a member sent it."""
    put(site, "form-1", {"common": "covoit", "title": "Sans auteur"}, contact=CONTACT)
    out = process(site, capsys)
    assert "1 rejected**" in out
    report = rejection(site, "form-1")
    assert "content/actors/asso.yml" in report
    assert "the author of this submission is unknown" in report and "GitHub" in report
    assert reports(site) == OLD_REPORTS


def test_with_no_members_anyone_may_publish_flagged_and_no_contact_is_written(site, capsys):
    put(site, "form-1", {"common": "carto", "title": "Relevés", "date": "2026-07-01",
        "spent": [{"label": "Relevés de terrain", "amount": "8000"}],
        "body": "Tout est relevé."}, contact=CONTACT)  # fmt: skip
    out = process(site, capsys)
    assert "not verified: the actors proposing `carto` list no members" in out
    written = site / "content/reports/carto-2026-07-01-releves.md"
    text = written.read_text(encoding="utf-8")
    assert text.startswith("---\ncommon: carto\n") and text.endswith("---\nTout est relevé.\n")
    for secret in (EMAIL, "Camille", "contact"):
        assert secret not in text and secret not in out
    record = (site / "submissions/processed/form-1.record.json").read_text(encoding="utf-8")
    assert EMAIL not in record


# --- never overwritten, never twice ----------------------------------------------------


def test_a_second_run_changes_nothing(site, capsys):
    put(site, "github-1", {"common": "covoit", "title": "Bilan", "spent": "x"}, login=MEMBER)
    put(site, "github-2", {"common": "covoit", "title": "Bilan",
        "spent": [{"label": "Maintenance", "amount": "10"}]}, login=MEMBER)  # fmt: skip
    process(site, capsys)
    before = tree(site)
    out = process(site, capsys)
    assert "**0 added, 0 rejected**" in out
    assert tree(site) == before


def test_an_interrupted_run_ends_as_the_first_would_have(site, capsys):
    """Killed after the content file was written, before the envelope left the inbox: the
    re-run finds its own file (unchanged), and writes no second one."""
    envelope = put(site, "github-1", {"common": "covoit", "title": "Bilan"}, login=MEMBER)
    saved = envelope.read_text()
    process(site, capsys)
    (site / "submissions/processed/github-1.json").unlink()
    (site / "submissions/processed/github-1.record.json").unlink()
    envelope.write_text(saved)
    out = process(site, capsys)
    assert "`content/reports/covoit-2026-11-20-bilan.md`" in out
    assert reports(site) == sorted(["covoit-2026-11-20-bilan.md", *OLD_REPORTS])


def test_the_same_title_on_the_same_day_never_overwrites(site, capsys):
    existing = site / "content/reports/covoit-2026-11-20-bilan.md"
    existing.write_text("---\ncommon: covoit\ndate: 2026-11-20\ntitle: Bilan\n---\nLe mien.\n")
    put(site, "github-1", {"common": "covoit", "title": "Bilan", "body": "Un autre."},
        login=MEMBER)  # fmt: skip
    put(site, "github-2", {"common": "covoit", "title": "Bilan", "body": "Un troisième."},
        login=MEMBER)  # fmt: skip
    out = process(site, capsys)
    assert "covoit-2026-11-20-bilan-2.md" in out and "covoit-2026-11-20-bilan-3.md" in out
    assert existing.read_text().endswith("Le mien.\n")
    assert (
        (site / "content/reports/covoit-2026-11-20-bilan-3.md")
        .read_text()
        .endswith("Un troisième.\n")
    )
    load_catalogue(site / "content")  # and the call still loads


def test_a_fault_already_in_the_files_is_not_the_submitters(site, capsys):
    """A report file a maintainer broke by hand is the build's to report: a good report of
    the same common is not refused for it."""
    broken = site / "content/reports/carto-a-la-main.md"
    broken.write_text(
        "---\ncommon: carto\ndate: 2026-06-01\ntitle: À la main\nspent:\n"
        "  - label: Inconnue\n    amount: '10'\n---\n",
        encoding="utf-8",
    )
    put(site, "form-1", {"common": "carto", "title": "Relevés", "date": "2026-07-01",
        "spent": [{"label": "Relevés de terrain", "amount": "100"}]})  # fmt: skip
    put(site, "form-2", {"common": "carto", "title": "Autre", "date": "2026-07-02",
        "spent": [{"label": "Inconnue", "amount": "1"}]})  # fmt: skip
    out = process(site, capsys)
    assert "`content/reports/carto-2026-07-01-releves.md`" in out
    report = rejection(site, "form-2")  # its own unknown line is its own
    assert "`spent[0].label`" in report and "carto-a-la-main" not in report


def test_an_overspending_already_in_the_files_blocks_only_reports_that_add_to_it(site, capsys):
    """A maintainer raised a report's spending above the round's secured money by hand: a
    report that spends nothing more on that round is published; one that spends is not."""
    hand = site / "content/reports/covoit-2025-intermediaire.md"
    hand.write_text(hand.read_text(encoding="utf-8").replace('"7000"', '"13000"'),
                    encoding="utf-8")  # fmt: skip
    put(site, "github-40", {"common": "covoit", "title": "Rien de plus", "round": "2025",
        "date": "2025-12-01"}, login=MEMBER)  # fmt: skip
    put(site, "github-41", {"common": "covoit", "title": "Encore", "round": "2025",
        "date": "2025-12-02", "spent": [{"label": "Animation", "amount": "1"}]},
        login=MEMBER)  # fmt: skip
    out = process(site, capsys)
    assert "`content/reports/covoit-2025-12-01-rien-de-plus.md`" in out
    report = rejection(site, "github-41")
    assert "`spent`" in report and "covoit-2025-12-02-encore.md" in report


# --- a call of one campaign ------------------------------------------------------------


@pytest.fixture
def campaign(tmp_path) -> Path:
    """The small call of conftest (covoit: 2 500.50 € secured, proposed by asso, which lists
    no members) with campaign.yml: one round, which every report is about."""
    root = tmp_path / "campaign"
    for name, text in {**MINIMAL, "campaign.yml": "opens: 2026-09-01\n"}.items():
        write(root / "content" / name, text)
    (root / "submissions" / "inbox").mkdir(parents=True)
    return site_language(root, "en")


def test_a_campaign_call_has_no_round_to_choose_or_write(campaign, capsys):
    forms = {f.kind: f for f in site_forms(load_catalogue(campaign / "content"), "github",
                                           "org/appel", "")}  # fmt: skip
    assert [c.name for c in forms["report"].controls] == ["common", "title", "date", "spent",
                                                          "body"]  # fmt: skip
    spent = [{"label": "Développement", "amount": "2500.50"}]
    put(campaign, "form-1", {"common": "covoit", "title": "Tout", "spent": spent})
    put(campaign, "form-2", {"common": "covoit", "title": "Trop",
        "spent": [{"label": "Documentation", "amount": "0.01"}]})  # fmt: skip
    out = process(campaign, capsys)
    text = (campaign / "content/reports/covoit-2026-11-20-tout.md").read_text(encoding="utf-8")
    assert "round" not in text and "not verified" in out
    report = rejection(campaign, "form-2")
    assert "spend `2500.51 EUR`" in report and "`2500.50 EUR` secured" in report
    assert "in round" not in report
