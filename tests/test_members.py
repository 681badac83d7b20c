"""Who may commit an actor (SPEC): an actor's ``members``, the issue's author checked by
``process``, and the logins never published."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import build_site, site_language, write
from pytest_httpserver import HTTPServer
from test_submissions import process, put, site  # noqa: F401  (the fixture)

from appel_a_communs.submissions.cli import main

MEMBERS = "name: Ville de Brume\nkind: public-body\nmembers: [Octo-Cat, jeanne-d]\n"
PLEDGE = {"actor": "ville", "common": "covoit", "money": {"amount": "500"}}
JOIN = {"actor": "ville", "common": "covoit", "role": "user"}


@pytest.fixture
def locked(site):  # noqa: F811
    write(site / "content/actors/ville.yml", MEMBERS)
    return site


def _author(login: str | None) -> dict:
    return {"author": {"login": login}} if login else {}


@pytest.mark.parametrize("kind, data", [("pledge", PLEDGE), ("join", JOIN)])
def test_a_member_may_commit_the_actor(locked, capsys, kind, data):
    put(locked, "github-1", kind, data, source="github-issue", **_author("octo-cat"))
    code, out = process(locked, capsys=capsys)
    assert code == 0, out
    assert (locked / "content/pledges/github-1.yml").exists()  # logins are case-insensitive
    assert "not verified" not in out


@pytest.mark.parametrize("kind, data", [("pledge", PLEDGE), ("join", JOIN)])
def test_anyone_else_is_refused_and_the_report_names_no_login(locked, capsys, kind, data):
    put(locked, "github-2", kind, data, source="github-issue", **_author("mallory"))
    process(locked, capsys=capsys)
    assert not (locked / "content/pledges/github-2.yml").exists()
    report = (locked / "submissions/rejected/github-2.report.md").read_text()
    assert "`actor`" in report and "content/actors/ville.yml" in report
    for login in ("mallory", "Octo-Cat", "jeanne-d"):
        assert login not in report


def test_an_actor_without_members_is_flagged_not_verified(site, capsys):  # noqa: F811
    put(site, "github-3", "pledge", PLEDGE, source="github-issue", **_author("someone"))
    code, out = process(site, capsys=capsys)
    assert code == 0 and (site / "content/pledges/github-3.yml").exists()
    assert "not verified: `ville` lists no members" in out
    assert "someone" not in out
    record = json.loads((site / "submissions/processed/github-3.record.json").read_text())
    assert any("not verified" in w for w in record["warnings"])


def test_an_unknown_author_is_flagged_when_the_actor_has_members(locked, capsys):
    put(locked, "form-4", "pledge", PLEDGE)  # a web form says nothing of who sent it
    code, out = process(locked, capsys=capsys)
    assert code == 0 and (locked / "content/pledges/form-4.yml").exists()
    assert "not verified: `ville` lists members, but the author" in out


def test_only_github_vouches_for_an_author(locked, capsys):
    put(locked, "form-5", "pledge", PLEDGE, **_author("octo-cat"))
    process(locked, capsys=capsys)
    report = (locked / "submissions/rejected/form-5.report.md").read_text()
    assert "author.login is known only for a GitHub issue" in report


def test_members_are_validated_and_never_published(tmp_path, make_content):
    content = make_content()
    write(content / "actors/ville.yml", MEMBERS)
    output = build_site(content, tmp_path / "out")
    for path in output.rglob("*"):
        if path.is_file() and path.suffix not in (".png", ".ico", ".woff2"):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert "Octo-Cat" not in text and "jeanne-d" not in text, path
    # the schema of actor files documents the key, with the login pattern
    schema = json.loads((output / "schemas/actor.json").read_text())
    assert schema["properties"]["members"]["anyOf"][0]["items"]["pattern"].startswith("^[A-Za-z")


@pytest.mark.parametrize("login", ["@octocat", "a b", "-x", "x--y", "a" * 40, 12, "x\n"])
def test_a_bad_login_is_a_content_error(tmp_path, make_content, login):
    from appel_a_communs.content.errors import ContentErrors
    from appel_a_communs.content.loader import load_catalogue

    content = make_content()
    write(content / "actors/ville.yml", f"name: Ville\nmembers: [{json.dumps(login)}]\n")
    with pytest.raises(ContentErrors) as caught:
        load_catalogue(content)
    assert "actors/ville.yml:2: members[0]: " in str(caught.value)
    assert "is not a GitHub login" in str(caught.value)


# --- the author comes from GitHub, and the event must agree -------------------------


def _issue(number: int, login: str) -> dict:
    body = "### Votre organisation (identifiant)\n\nville\n\n### Le commun (identifiant)\n\ncovoit"
    body += "\n\n### Rôle\n\nUtilisateur (user)\n\n### Message\n\n_No response_"
    return {
        "number": number,
        "title": "Rejoindre",
        "body": body,
        "user": {"login": login},
        "labels": [{"name": "submission:join"}],
        "created_at": "2026-11-20T10:00:00Z",
    }


def _fetch(root: Path, base: str, *extra: str) -> int:
    args = ["--root", str(root), "fetch", "github", "--repo", "org/appel", "--api-url", base]
    return main([*args, "--issue", "5", *extra])


def test_fetch_records_the_issue_author(locked, httpserver: HTTPServer, capsys):
    site_language(locked, "fr")  # the issue was written with the French forms
    httpserver.expect_request("/repos/org/appel/issues/5").respond_with_json(_issue(5, "Octo-Cat"))
    assert _fetch(locked, httpserver.url_for(""), "--author", "Octo-Cat") == 0
    envelope = json.loads((locked / "submissions/inbox/github-5.json").read_text())
    assert envelope["author"] == {"login": "Octo-Cat"}
    code, out = process(locked, capsys=capsys)
    assert code == 0 and (locked / "content/pledges/github-5.yml").exists(), out
    assert "Octo-Cat" not in (locked / "content/pledges/github-5.yml").read_text()


def test_fetch_stops_when_the_event_names_another_author(locked, httpserver, capsys):
    httpserver.expect_request("/repos/org/appel/issues/5").respond_with_json(_issue(5, "mallory"))
    assert _fetch(locked, httpserver.url_for(""), "--author", "octo-cat") != 0
    assert "another account" in capsys.readouterr().err
    assert not any((locked / "submissions/inbox").iterdir())


def test_reports_name_files_relative_to_the_site_root(locked, capsys, monkeypatch):
    """Reports reach issue comments: no path of the machine that ran ``process``."""
    write(locked / "content/pledges/p9.yml", "actor: asso\ncommon: covoit\ndate: 2026-10-01\n")
    put(locked, "github-6", "pledge", PLEDGE, source="github-issue", **_author("mallory"))
    put(locked, "form-7", "register-actor", {"name": "Asso", "slug": "asso"})
    put(locked, "form-8", "pledge", {**PLEDGE, "actor": "asso", "date": "2025-01-01"})
    monkeypatch.chdir(os.sep)  # the working directory is not the site root
    code, out = process(locked, capsys=capsys)
    assert code == 0  # rejections are the tool doing its work
    reports = [p.read_text() for p in (locked / "submissions/rejected").glob("*.report.md")]
    assert len(reports) == 3
    for text in [out, *reports]:
        assert str(locked) not in text and str(locked.parent) not in text
    assert any("content/actors/ville.yml" in r for r in reports)
    assert any("content/actors/asso.yml" in r for r in reports)  # taken by
    assert any("(`content/" in r for r in reports)  # a round rule names the files


@pytest.mark.parametrize("login", ["my-app[bot]", "old--account", "trailing-"])
def test_any_login_github_gives_is_an_author_and_never_printed(locked, capsys, login):
    """Apps, bots and old accounts do not follow today's login rules: GitHub vouches for
    them all the same, and a refusal names none."""
    put(locked, "github-7", "join", JOIN, source="github-issue", **_author(login))
    put(locked, "github-8", "join", {**JOIN, "actor": "asso"}, source="github-issue",
        **_author(login))  # fmt: skip
    code, out = process(locked, capsys=capsys)
    assert code == 0 and (locked / "content/pledges/github-8.yml").exists()
    report = (locked / "submissions/rejected/github-7.report.md").read_text()
    assert "may commit `ville`" in report
    assert login not in report + out


def test_a_bad_login_in_a_registration_is_not_repeated(site, capsys):  # noqa: F811
    put(site, "form-1", "register-actor", {"name": "Club", "members": ["jeanne-d", "@Moi.Perso"]})
    code, out = process(site, capsys=capsys)
    assert code == 0
    report = (site / "submissions/rejected/form-1.report.md").read_text()
    assert "`members[1]`: is not a GitHub login" in report
    assert "Moi.Perso" not in report + out and "jeanne-d" not in report + out
