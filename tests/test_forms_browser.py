"""The site's forms in a real browser, JavaScript off: GitHub mode, post mode, the whole path.

GitHub mode: the form navigates to the repository's issue form; the URL is captured,
turned into the issue body GitHub would make from those prefilled fields, and parsed
back through ``parse-issue`` and ``process``. Post mode: the form posts to a form backend
on loopback, whose export ``fetch json`` reads.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import REPO, SAMPLE, build_site, github_issue_body, no_js_page, serve
from pytest_httpserver import HTTPServer

from appel_a_communs.content.loader import load_catalogue
from appel_a_communs.submissions.cli import main

REPOSITORY = "appel-a-communs/mobilites-du-quotidien"


def capture_github(page) -> list[str]:
    urls: list[str] = []

    def answer(route):
        urls.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>GitHub</title>")

    page.context.route("https://github.com/**", answer)
    return urls


def test_github_mode_prefills_the_issue_form_which_parses_back_into_content(
    browser,
    base_url,
    tmp_path,
    capsys,
):
    with no_js_page(browser) as page:
        urls = capture_github(page)
        page.goto(f"{base_url}/contribuer/engagement/")
        page.select_option("#f-actor", "metropole-valbrune")
        page.select_option("#f-common", "velo-cargo-ouvert")
        page.select_option("#f-role", label="Financeur (funder)")
        page.fill("#f-money_amount", "1500")
        page.fill("#f-money_total_at_least", "minimum")
        page.fill("#f-note", "Premier paragraphe.\n\n### Pas un titre de section")
        page.click("button[type=submit]")
        page.wait_for_url("https://github.com/**")
    url = urlsplit(urls[-1])
    params = parse_qs(url.query, keep_blank_values=True)
    assert url.path == f"/{REPOSITORY}/issues/new"
    assert params["template"] == ["pledge.yml"]
    assert params["role"] == ["Financeur (funder)"] and params["common"] == ["velo-cargo-ouvert"]

    body = tmp_path / "body.md"
    body.write_text(github_issue_body("pledge", params), encoding="utf-8")
    assert (
        main(
            [
                "parse-issue",
                "--template",
                str(REPO / ".github/ISSUE_TEMPLATE/pledge.yml"),
                str(body),
            ]
        )
        == 0
    )
    fields = json.loads(capsys.readouterr().out)
    assert fields["money_amount"] == "1500" and fields["note"].endswith("Pas un titre de section")

    site = tmp_path / "site"
    shutil.copytree(SAMPLE, site / "content")
    (site / "submissions/inbox").mkdir(parents=True)
    (site / "submissions/inbox/github-101.json").write_text(
        json.dumps(
            {
                "id": "github-101",
                "type": "pledge",
                "submitted_at": "2026-11-25T10:00:00Z",
                "source": "github-issue",
                "data": fields_to_data_for("pledge", fields),
            }
        )
    )
    assert main(["--root", str(site), "process", "--today", "2026-11-26"]) == 0
    pledge = load_catalogue(site / "content").pledges["github-101"]
    assert (pledge.actor, pledge.common, pledge.role) == (
        "metropole-valbrune",
        "velo-cargo-ouvert",
        "funder",
    )
    assert str(pledge.money.amount) == "1500"
    assert pledge.money.condition.total_at_least == "minimum"


def fields_to_data_for(kind, fields):
    from appel_a_communs.vocabulary.forms import fields_to_data

    return fields_to_data(kind, fields)


def test_the_browser_enforces_required_fields_and_patterns(browser, base_url):
    with no_js_page(browser) as page:
        urls = capture_github(page)
        page.goto(f"{base_url}/contribuer/engagement/")
        page.click("button[type=submit]")
        assert page.locator("#f-actor:invalid").count() == 1
        page.select_option("#f-actor", "metropole-valbrune")
        page.select_option("#f-common", "velo-cargo-ouvert")
        page.fill("#f-money_amount", "12,50")
        page.click("button[type=submit]")
        assert page.locator("#f-money_amount:invalid").count() == 1
        page.fill("#f-money_amount", "9999999999999.99")  # beyond the largest amount
        assert page.locator("#f-money_amount:invalid").count() == 1
        page.fill("#f-money_amount", "1000000000000.00")
        assert page.locator("#f-money_amount:invalid").count() == 0
        page.fill("#f-money_total_at_least", "1000000000000.01")
        assert page.locator("#f-money_total_at_least:invalid").count() == 1
        page.fill("#f-money_total_at_least", "minimum")
        assert page.locator("#f-money_total_at_least:invalid").count() == 0
        page.fill("#f-skills_days", "1000000.1")
        assert page.locator("#f-skills_days:invalid").count() == 1
        page.goto(f"{base_url}/contribuer/proposer-un-commun/")
        page.fill("#f-slug", "Pas Un Slug")
        assert page.locator("#f-slug:invalid").count() == 1
        page.fill("#f-repository", "javascript:alert(1)")
        assert page.locator("#f-repository:invalid").count() == 1
        assert page.locator("#f-summary").get_attribute("maxlength") == "200"
    assert urls == []  # nothing invalid ever left the page


def test_links_from_challenges_and_commons_prefill_the_form(browser, base_url):
    with no_js_page(browser) as page:
        page.goto(f"{base_url}/communs/velo-cargo-ouvert/")
        href = page.get_by_role("link", name="S’engager").get_attribute("href")
        assert href.endswith("contribuer/engagement/?common=velo-cargo-ouvert")
        page.goto(f"{base_url}/defis/covoiturage-du-quotidien/")
        link = page.get_by_role("link", name="Proposer un commun pour ce défi")
        assert link.get_attribute("href").endswith("?challenges=covoiturage-du-quotidien")
    context = browser.new_context()  # the prefill is JavaScript's enhancement
    try:
        page = context.new_page()
        page.goto(f"{base_url}/contribuer/rejoindre/?common=velo-cargo-ouvert")
        assert page.locator("#f-common").input_value() == "velo-cargo-ouvert"
    finally:
        context.close()


@pytest.fixture
def post_site(tmp_path, httpserver: HTTPServer) -> Path:
    root = tmp_path / "post"
    shutil.copytree(SAMPLE, root / "content")
    return root


def post_form(browser, site: Path, endpoint: str, path: str, fill) -> None:
    with (
        serve(
            build_site(
                site / "content",
                site / "output",
                CATALOGUE_FORMS_MODE="post",
                CATALOGUE_FORMS_ENDPOINT=endpoint,
            )
        ) as url,
        no_js_page(browser) as page,
    ):
        page.goto(f"{url}/{path}")
        assert page.locator("input[name=_gotcha]").count() == 1
        fill(page)
        page.fill("#f-contact_email", "jeanne@example.org")
        page.click("button[type=submit]")
        page.wait_for_url(endpoint)


def test_post_mode_and_the_whole_path_to_a_rebuilt_site(browser, post_site, httpserver):
    """Form → form backend → fetch json → process → rebuild: the common and its bar."""
    endpoint = httpserver.url_for("/submit")
    httpserver.expect_request("/submit", method="POST").respond_with_data("Merci")

    def propose(page):
        page.fill("#f-title", "Atelier vélo mobile")
        page.fill("#f-summary", "Un atelier de réparation qui va de village en village.")
        page.select_option("#f-challenges", "velo-et-cyclologistique")
        page.select_option("#f-proposed_by", "velo-valbrune")
        page.select_option("#f-resource_types", ["knowledge", "service"])
        page.fill("#f-budget_lines", "Remorque atelier | 6000\nOutillage | 2000 | haut")

    post_form(browser, post_site, endpoint, "contribuer/proposer-un-commun/", propose)
    received = last_post(httpserver).form
    assert received["type"] == "propose-common" and received["_gotcha"] == ""
    assert received.getlist("resource_types") == ["knowledge", "service"]
    assert received["contact_email"] == "jeanne@example.org"
    export = [
        {
            **{k: (v if len(v) > 1 else v[0]) for k, v in received.lists()},
            "id": "r1",
            "submitted_at": "2026-11-25T10:00:00Z",
        }
    ]

    def pledge(page):
        page.select_option("#f-actor", "velo-valbrune")
        page.select_option("#f-common", "atelier-velo-mobile")
        page.fill("#f-money_amount", "2500")

    # The second form needs the first submission on the site: process, rebuild, then pledge.
    serve_export(httpserver, export)
    assert main(["--root", str(post_site), "fetch", "json", httpserver.url_for("/export")]) == 0
    assert main(["--root", str(post_site), "process", "--today", "2026-11-26"]) == 0
    site = build_site(post_site / "content", post_site / "output")
    page_html = (site / "communs/atelier-velo-mobile/index.html").read_text()
    assert 'role="progressbar"' in page_html and 'aria-valuenow="0"' in page_html
    assert "jeanne@example.org" not in page_html

    post_form(browser, post_site, endpoint, "contribuer/engagement/", pledge)
    record = {
        **last_post(httpserver).form.to_dict(),
        "id": "r2",
        "submitted_at": "2026-11-25T11:00:00Z",
    }
    serve_export(httpserver, [record])
    assert main(["--root", str(post_site), "fetch", "json", httpserver.url_for("/export")]) == 0
    assert main(["--root", str(post_site), "process", "--today", "2026-11-26"]) == 0
    site = build_site(post_site / "content", post_site / "output")
    page_html = (site / "communs/atelier-velo-mobile/index.html").read_text()
    assert 'aria-valuenow="2500"' in page_html  # the pledge moved the bar
    records = {r["slug"]: r for r in json.loads((site / "data/commons.json").read_text())}
    assert records["atelier-velo-mobile"]["secured"] == "2500.00"


def serve_export(httpserver: HTTPServer, records: list[dict]) -> None:
    httpserver.clear_all_handlers()
    httpserver.expect_request("/submit", method="POST").respond_with_data("Merci")
    httpserver.expect_request("/export").respond_with_json(records)


def last_post(httpserver: HTTPServer):
    """The last form posted to the backend (the browser also asks for a favicon)."""
    return [request for request, _ in httpserver.log if request.method == "POST"][-1]
