"""Fetching submissions from a real HTTP server on loopback shaped like GitHub and form backends."""

from __future__ import annotations

import json
import time

import yaml
from conftest import write
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from appel_a_communs.content.loader import load_catalogue
from appel_a_communs.i18n import translations
from appel_a_communs.submissions import fetch as fetch_module
from appel_a_communs.submissions.cli import main
from appel_a_communs.submissions.issue_forms import issue_form, submission_label
from appel_a_communs.vocabulary.forms import FORMS, option_text


def render_body(kind: str, values: dict[str, str | list[str]]) -> str:
    """An issue body exactly as GitHub renders a submitted issue form."""
    _, fields = FORMS[kind]
    sections = []
    for field in fields:
        value = values.get(field.id)
        if field.kind == "dropdown" and value:
            items = value if isinstance(value, list) else [value]
            value = ", ".join(option_text(field, v) for v in items)
        label = translations("fr").gettext(field.label)  # the committed forms are French
        sections.append(f"### {label}\n\n{value or '_No response_'}")
    return "\n\n".join(sections)


def issue(number: int, kind: str | None, values: dict, **extra) -> dict:
    labels = [{"name": submission_label(kind)}] if kind else [{"name": "bug"}]
    return {
        "number": number,
        "title": f"[x] {number}",
        "labels": labels,
        "created_at": "2026-11-20T10:00:00Z",
        "user": {"login": f"user{number}"},
        "body": render_body(kind, values) if kind else "Un bug",
        **extra,
    }


NEW_COMMON = {
    "title": "Parking vélo partagé",
    "summary": "Des arceaux partagés.",
    "challenges": "mobilite",
    "proposed_by": "asso, ville",
    "maturity": "idea",
    "resource_types": ["data", "knowledge"],
    "budget_lines": "Arceaux | 4000\nAbri | 2000 | haut",
    "needs": "testing: des testeurs\nhosting: un serveur",
    "body": "## Le commun\n\nUn paragraphe.\n\n### Un titre dans le texte\n\nEt du code :\n\n"
    "```\n### Résumé\n```",
}


def test_github_issues_become_envelopes_over_every_page(
    site, httpserver: HTTPServer, monkeypatch, capsys
):
    monkeypatch.setenv("GITHUB_TOKEN", "secret-token")
    base = httpserver.url_for("")
    page2 = f"{base}repos/org/appel/issues?page=2"
    httpserver.expect_request(
        "/repos/org/appel/issues",
        query_string={"state": "open", "per_page": "100", "labels": "submission"},
        headers={"Authorization": "Bearer secret-token"},
    ).respond_with_json(
        [
            issue(7, "propose-common", NEW_COMMON),
            issue(8, None, {}),
            issue(
                9,
                "join",
                {"actor": "asso", "common": "covoit", "role": "user"},
                pull_request={"url": "x"},
            ),
        ],
        headers={"Link": f'<{page2}>; rel="next", <{page2}>; rel="last"'},
    )
    httpserver.expect_request(
        "/repos/org/appel/issues", query_string={"page": "2"}
    ).respond_with_json(
        [
            issue(
                10,
                "pledge",
                {
                    "actor": "ville",
                    "common": "covoit",
                    "role": "funder",
                    "money_amount": "1200",
                    "money_total_at_least": "minimum",
                    "note": "Premier paragraphe.\n\nSecond paragraphe.",
                },
            )
        ]
    )
    fetch = ["--root", str(site), "fetch", "github", "--repo", "org/appel",
             "--label", "submission", "--api-url", base]  # fmt: skip
    code = main(fetch)
    assert code == 0, capsys.readouterr().err
    inbox = sorted(p.name for p in (site / "submissions/inbox").iterdir())
    assert inbox == ["github-10.json", "github-7.json"]  # the bug and the pull request are skipped
    common = json.loads((site / "submissions/inbox/github-7.json").read_text())
    assert common["source"] == "github-issue" and common["author"] == {"login": "user7"}
    assert "contact" not in common  # the login is the author, not a contact detail
    data = common["data"]
    assert data["challenges"] == ["mobilite"] and data["proposed_by"] == ["asso", "ville"]
    assert data["resource_types"] == ["data", "knowledge"] and data["maturity"] == "idea"
    assert data["budget"]["lines"] == [
        {"label": "Arceaux", "amount": "4000"},
        {"label": "Abri", "amount": "2000", "stretch": True},
    ]
    assert "### Un titre dans le texte" in data["body"] and "### Résumé" in data["body"]
    pledge = json.loads((site / "submissions/inbox/github-10.json").read_text())["data"]
    assert pledge["money"] == {"amount": "1200", "condition": {"total_at_least": "minimum"}}
    assert pledge["note"] == "Premier paragraphe.\n\nSecond paragraphe."
    # fetched twice: nothing new
    assert main(fetch) == 0
    assert "0 nouvelle enveloppe dans submissions/inbox/" in capsys.readouterr().out
    # and processing makes content that builds
    assert main(["--root", str(site), "process", "--today", "2026-11-26"]) == 0
    catalogue = load_catalogue(site / "content")
    assert catalogue.commons["parking-velo-partage"].budget.lines[1].stretch is True
    assert catalogue.pledges["github-10"].money.condition.total_at_least == "minimum"


def test_github_rate_limit_is_reported_clearly(site, httpserver: HTTPServer, capsys):
    httpserver.expect_request("/repos/org/appel/issues").respond_with_json(
        {"message": "API rate limit exceeded"},
        status=403,
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1795000000"},
    )
    code = main(
        [
            "--root",
            str(site),
            "fetch",
            "github",
            "--repo",
            "org/appel",
            "--api-url",
            httpserver.url_for(""),
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "rate limit is reached (HTTP 403)" in err and "GITHUB_TOKEN" in err
    assert "Traceback" not in err


def test_github_server_error_is_reported_clearly(site, httpserver: HTTPServer, capsys):
    httpserver.expect_request("/repos/org/appel/issues").respond_with_json(
        {"message": "Server Error"}, status=500
    )
    code = main(
        [
            "--root",
            str(site),
            "fetch",
            "github",
            "--repo",
            "org/appel",
            "--api-url",
            httpserver.url_for(""),
        ]
    )
    assert code == 1
    assert "GitHub answered HTTP 500" in capsys.readouterr().err
    assert not (site / "submissions/inbox").exists() or not any(
        (site / "submissions/inbox").iterdir()
    )


def test_every_call_has_a_timeout(site, httpserver: HTTPServer, monkeypatch, capsys):
    def slow(request: Request) -> Response:
        time.sleep(1.5)
        return Response("[]", content_type="application/json")

    httpserver.expect_request("/export").respond_with_handler(slow)
    monkeypatch.setattr(fetch_module, "TIMEOUT", 0.3)
    code = main(["--root", str(site), "fetch", "json", httpserver.url_for("/export")])
    assert code == 1
    assert "could not reach" in capsys.readouterr().err


def test_form_backend_json_export(site, httpserver: HTTPServer, capsys):
    httpserver.expect_request("/export", headers={"Authorization": "Bearer k"}).respond_with_json(
        {
            "submissions": [
                {
                    "id": "abc123",
                    "type": "register-actor",
                    "submitted_at": "2026-11-21T08:00:00Z",
                    "contact_name": "Jeanne",
                    "email": "jeanne@example.org",
                    "kind": "startup",
                    "name_of_org": "ignored",
                },
                {
                    "_id": "def456",
                    "form": "join",
                    "created_at": "2026-11-21T09:00:00Z",
                    "data": {"actor": "asso", "common": "covoit", "role": "user"},
                },
                {"id": "spam1", "type": "join", "_gotcha": "http://spam", "actor": "x"},
            ]
        }
    )
    code = main(
        [
            "--root",
            str(site),
            "fetch",
            "json",
            httpserver.url_for("/export"),
            "--header",
            "Authorization: Bearer k",
        ]
    )
    assert code == 0
    inbox = site / "submissions/inbox"
    assert sorted(p.name for p in inbox.iterdir()) == ["form-abc123.json", "form-def456.json"]
    actor = json.loads((inbox / "form-abc123.json").read_text())
    assert actor["contact"] == {"name": "Jeanne", "email": "jeanne@example.org"}
    assert actor["data"] == {"kind": "startup", "name_of_org": "ignored"}  # no org name: refused
    # processing names the missing and unknown fields
    main(["--root", str(site), "process"])
    report = (site / "submissions/rejected/form-abc123.report.md").read_text()
    assert "`name` : champ obligatoire manquant" in report  # the site's language: French
    assert "`name_of_org` : champ inconnu" in report
    assert (site / "content/pledges/form-def456.yml").is_file()


def test_csv_export(site, tmp_path, capsys):
    export = tmp_path / "export.csv"
    export.write_text(
        "id,type,submitted_at,contact_name,contact_email,name,kind,actor,common,role,"
        "money_amount,skills_days,skills_description\n"
        "r1,pledge,2026-11-22T10:00:00Z,,a@example.org,,,ville,covoit,funder,300,,\n"
        "r2,pledge,2026-11-22T11:00:00Z,,,,,asso,covoit,contributor,,2.5,Tests\n"
        "r3,register-actor,2026-11-22T12:00:00Z,Paul,p@example.org,Nouvelle asso,association,"
        ",,,,,\n",
        encoding="utf-8",
    )
    assert main(["--root", str(site), "fetch", "csv", str(export)]) == 0
    envelope = json.loads((site / "submissions/inbox/form-r3.json").read_text())
    assert envelope["contact"] == {"name": "Paul", "email": "p@example.org"}
    assert envelope["data"] == {"name": "Nouvelle asso", "kind": "association"}
    assert main(["--root", str(site), "process", "--today", "2026-11-26"]) == 0
    catalogue = load_catalogue(site / "content")
    assert str(catalogue.pledges["form-r1"].money.amount) == "300"
    assert str(catalogue.pledges["form-r2"].skills.days) == "2.5"
    assert catalogue.actors["nouvelle-asso"].name == "Nouvelle asso"


def test_parse_issue_prints_the_fields(site, tmp_path, capsys):
    template = tmp_path / "pledge.yml"
    template.write_text(yaml.safe_dump(issue_form("pledge"), allow_unicode=True))
    body = tmp_path / "body.md"
    body.write_text(
        render_body(
            "pledge", {"actor": "ville", "common": "covoit", "role": "funder", "money_amount": "10"}
        )
    )
    assert main(["parse-issue", "--template", str(template), str(body)]) == 0
    fields = json.loads(capsys.readouterr().out)
    assert fields["actor"] == "ville" and fields["role"] == "Financeur (funder)"
    assert fields["note"] is None


def test_a_broken_issue_form_stops_the_fetch_with_its_name(site, httpserver: HTTPServer, capsys):
    write(site / ".github/ISSUE_TEMPLATE/join.yml", "body: [unclosed\n")
    httpserver.expect_request("/repos/org/appel/issues").respond_with_json([])
    fetch = ["--root", str(site), "fetch", "github", "--repo", "org/appel",
             "--api-url", httpserver.url_for("")]  # fmt: skip
    assert main(fetch) == 1
    err = capsys.readouterr().err
    assert "ISSUE_TEMPLATE/join.yml" in err and "not valid YAML" in err
    assert "Traceback" not in err


def test_without_issue_forms_the_site_language_gives_the_labels(site, httpserver, capsys):
    """An English site that has not written its templates reads English issue bodies."""
    (site / "pelicanconf.py").write_text(
        'DEFAULT_LANG = "en"\nCATALOGUE_GITHUB_REPO = "org/appel"\n', encoding="utf-8"
    )
    body = "### Your organisation (identifier)\n\nasso\n\n### The common (identifier)\n\ncovoit"
    body += "\n\n### Role\n\nUser (user)\n\n### Note\n\n_No response_"
    english = {
        "number": 3,
        "body": body,
        "user": {"login": "u"},
        "labels": [{"name": "submission:join"}],
        "created_at": "2026-11-20T10:00:00Z",
    }
    httpserver.expect_request("/repos/org/appel/issues").respond_with_json([english])
    fetch = ["--root", str(site), "fetch", "github", "--repo", "org/appel",
             "--api-url", httpserver.url_for("")]  # fmt: skip
    assert main(fetch) == 0, capsys.readouterr().err
    data = json.loads((site / "submissions/inbox/github-3.json").read_text())["data"]
    assert data == {"actor": "asso", "common": "covoit", "role": "user"}


def test_a_deep_or_strict_json_export_is_a_fetch_error_naming_the_url(
    site, httpserver: HTTPServer, capsys
):
    """json.loads recurses: an export nested 100 000 deep is refused by the strict reader,
    with the URL and the line, never a RecursionError; so are NaN and duplicate keys."""
    deep = '[{"id": "x1", "type": "pledge", "data": {"a": ' + "[" * 100_000 + "]" * 100_000 + "}}]"
    exports = {
        "/deep": (deep, "nested more than 100 levels deep"),
        "/nan": ('[\n  {"id": "x2",\n   "amount": NaN}\n]', "(line 3): NaN is not allowed"),
        "/twice": ('{"submissions": [],\n "submissions": []}', "(line 2): duplicate key"),
        "/text": ("<html>busy</html>", "did not answer valid JSON (line 1): invalid JSON"),
    }
    for path, (body, _) in exports.items():
        httpserver.expect_request(path).respond_with_data(body, content_type="application/json")
    for path, (_, words) in exports.items():
        url = httpserver.url_for(path)
        assert main(["--root", str(site), "fetch", "json", url]) == 1
        err = capsys.readouterr().err
        assert f"{url} did not answer valid JSON" in err and words in err, err
        assert "Traceback" not in err and "RecursionError" not in err
    assert not (site / "submissions/inbox").exists() or not any(
        (site / "submissions/inbox").iterdir()
    )
    # a valid export still goes through, floats kept as their text
    httpserver.expect_request("/ok").respond_with_data(
        json.dumps([{"id": "r9", "type": "pledge", "actor": "asso", "common": "covoit",
                     "skills_days": 2.5, "skills_description": "Tests"}]),
        content_type="application/json; charset=utf-8",
    )  # fmt: skip
    assert main(["--root", str(site), "fetch", "json", httpserver.url_for("/ok")]) == 0
    envelope = json.loads((site / "submissions/inbox/form-r9.json").read_text())
    assert envelope["data"]["skills"]["days"] == "2.5"
