"""The ``appel-a-communs`` command: new, check, issue-templates, labels, submissions."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import MINIMAL, REPO, SOURCES, run_pelican, site_language, write
from pytest_httpserver import HTTPServer

from appel_a_communs.commands import main
from appel_a_communs.content.loader import load_catalogue
from appel_a_communs.scaffold import NewSite, write_site
from appel_a_communs.vocabulary.forms import SUBMISSION_TYPES

DAY = date(2026, 12, 1)


def command(*args: str, cwd: Path = REPO, env: dict | None = None):
    """The command's entry point in a process of its own, as an operator runs it (the
    installed console script itself is run by tests/test_packaging.py)."""
    return subprocess.run(
        [sys.executable, "-c", "import sys; from appel_a_communs.commands import main; "
         "sys.exit(main())", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(cwd), **SOURCES, **(env or {})},
    )  # fmt: skip


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_new_writes_a_complete_site_that_builds(tmp_path, lang):
    site = tmp_path / "ma-campagne"
    written = write_site(NewSite(site, "Communs d'Armor", "region/appel", lang, today=DAY))
    assert {"pelicanconf.py", "publishconf.py", "requirements.txt", "README.md", ".gitignore",
            ".github/dependabot.yml", ".github/workflows/site.yml",
            ".github/workflows/submissions.yml", "content/campaign.yml",
            "submissions/inbox/.gitkeep", "submissions/.gitignore"} <= set(written)  # fmt: skip
    assert {f".github/ISSUE_TEMPLATE/{kind}.yml" for kind in SUBMISSION_TYPES} <= set(written)
    catalogue = load_catalogue(site / "content")
    counts = [len(getattr(catalogue, f)) for f in ("challenges", "commons", "actors", "pledges")]
    assert counts == [1, 1, 2, 1] and catalogue.campaign.opens == DAY
    pages = sorted(p.stem for p in (site / "content/pages").glob("*.md"))
    assert pages == (
        ["a-propos", "charte", "participer"] if lang == "fr" else ["about", "charter", "take-part"]
    )
    settings = (site / "pelicanconf.py").read_text()
    assert "PLUGIN_PATHS" not in settings and "appel_a_communs.THEME" in settings
    # The site holds no copy of the tool: no template, no Python package.
    assert not list(site.rglob("*.html")) and not list(site.rglob("__init__.py"))
    done = run_pelican("-s", "pelicanconf.py", cwd=site)
    assert done.returncode == 0, done.stderr
    index = (site / "output/index.html").read_text()
    assert f'<html lang="{lang}">' in index and "Communs d&#39;Armor" in index
    common = "communs/annuaire-ouvert" if lang == "fr" else "commons/open-directory"
    shown = (
        "5\u202f000\xa0€ sur 18\u202f000\xa0€ (27\u202f%)"
        if lang == "fr"
        else "€5,000 of €18,000 (27%)"
    )
    assert f'aria-valuetext="{shown}"' in (site / "output" / common / "index.html").read_text()
    forms = yaml.safe_load((site / ".github/ISSUE_TEMPLATE/pledge.yml").read_text())
    assert forms["name"] == ("M’engager" if lang == "fr" else "Make a pledge")
    assert "region/appel" in settings


def test_a_folder_name_that_is_no_repository_name_still_builds(tmp_path):
    site = tmp_path / "mon appel à communs"
    done = command("new", str(site), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "cd '" in done.stdout  # the hint can be pasted into a shell
    assert "CATALOGUE_GITHUB_REPO = 'OWNER/mon-appel-" in (site / "pelicanconf.py").read_text()
    assert run_pelican("-s", "pelicanconf.py", cwd=site).returncode == 0


def test_new_writes_the_whole_site_or_nothing(tmp_path, monkeypatch):
    """A write that fails halfway leaves no folder, names the file, and a retry works."""
    import appel_a_communs.scaffold as scaffold

    real = Path.write_text
    calls = []

    def failing(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 10:
            raise OSError(28, "No space left on device")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", failing)
    with pytest.raises(scaffold.ScaffoldError, match=r"could not write .*No space left"):
        write_site(NewSite(tmp_path / "site", today=DAY))
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(Path, "write_text", real)
    assert write_site(NewSite(tmp_path / "site", today=DAY))
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_new_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    done = command("new", str(tmp_path))
    assert done.returncode == 1 and "not empty" in done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--repo", "pas un dépôt"], "--repo"),
        (["--repo", "a/b; rm -rf /"], "--repo"),
        (["--name", "deux\nlignes"], "--name"),
    ],
)
def test_new_refuses_bad_options_and_writes_nothing(tmp_path, args, words):
    done = command("new", str(tmp_path / "site"), *args)
    assert done.returncode == 1 and words in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "site").exists()


def test_a_name_with_quotes_stays_text(tmp_path):
    site = tmp_path / "site"
    write_site(NewSite(site, 'L\'appel "2027" \\ ok', lang="fr", today=DAY))
    catalogue = load_catalogue(site / "content")
    assert catalogue.campaign.name == 'L\'appel "2027" \\ ok'
    from pelican.settings import get_settings_from_file

    settings = get_settings_from_file(str(site / "pelicanconf.py"))
    assert settings["SITENAME"] == 'L\'appel "2027" \\ ok'


def test_check_reports_what_the_build_reports(tmp_path):
    content = tmp_path / "content"
    for name, text in MINIMAL.items():
        write(content / name, text)
    write(content / "pledges/p9.yml", "actor: personne\ncommon: covoit\ndate: 2026-10-01\n")
    write(content / "pages/x.md", "---\ntitle: X\ncolour: bleu\n---\nTexte.\n")
    done = command("check", str(content), "--today", "2026-11-26")
    assert done.returncode == 1, done.stdout
    lines = [line.strip() for line in done.stderr.splitlines() if line.startswith("  - ")]
    assert any("pledges/p9.yml" in line and "actor" in line for line in lines)
    assert any("pages/x.md" in line and "colour" in line for line in lines)
    build = run_pelican(str(content), "-o", str(tmp_path / "out"), "-s", "pelicanconf.py")
    assert build.returncode == 1
    built = [line.strip() for line in build.stderr.splitlines() if line.startswith("  - ")]
    assert sorted(built) == sorted(lines)  # the same errors, both ways
    assert "Traceback" not in done.stderr + done.stdout


def test_check_sees_every_page_and_the_reserved_names(tmp_path):
    site = tmp_path / "site"
    write_site(NewSite(site, lang="en", today=DAY))
    write(site / "content/pages/extra.markdown", "---\ntitle: X\nbogus: 1\n---\nText.\n")
    # An English site's funding page is funding/: a page may not take that name.
    write(site / "content/pages/money.md", "---\ntitle: Money\nslug: funding\n---\nText.\n")
    write(site / "content/pages/ok.md", "---\ntitle: Fine\nslug: financement\n---\nText.\n")
    done = command("check", cwd=site)
    assert done.returncode == 1
    assert "extra.markdown" in done.stderr and "bogus" in done.stderr
    assert "money.md: slug: 'funding' is reserved" in done.stderr
    assert "ok.md" not in done.stderr
    build = run_pelican("-s", "pelicanconf.py", cwd=site)
    assert build.returncode == 1
    assert "extra.markdown" in build.stderr and "'funding' is reserved" in build.stderr


def test_check_passes_a_valid_call(tmp_path):
    for name, text in MINIMAL.items():
        write(tmp_path / "content" / name, text)
    done = command("check", "--today", "2026-11-26", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == (  # French: the site names no language
        "Appel à communs : vérification de 1 défi, 1 commun, 2 acteurs, 2 engagements, "
        "0 tour ; aucune erreur."
    )


@pytest.mark.parametrize(
    ("language", "ok", "failed"),
    [
        ("fr", "Appel à communs : vérification de 1 défi, 1 commun, 2 acteurs, 3 engagements, "
               "1 tour ; aucune erreur.",
         "Appel à communs : vérification de 1 défi, 1 commun, 2 acteurs, 4 engagements, "
         "1 tour ; 2 erreurs."),
        ("en", "Appel à communs: checked 1 challenge, 1 common, 2 actors, 3 pledges, 1 round; "
               "no error.",
         "Appel à communs: checked 1 challenge, 1 common, 2 actors, 4 pledges, 1 round; "
         "2 errors."),
    ],
)  # fmt: skip
def test_check_ends_with_one_line_saying_what_it_checked(tmp_path, capsys, language, ok, failed):
    """What check read and how many errors it found, in the site's language, as its last
    line: counted from the call, or from its files when it does not load."""
    site = tmp_path / "site"
    for name, text in MINIMAL.items():
        write(site / "content" / name, text)
    write(site / "content/campaign.yml", "opens: 2026-09-01\n")
    pledge = "actor: asso\ncommon: covoit\ndate: 2026-10-01\nmoney:\n  amount: 10\n"
    write(site / "content/pledges/p3.yml", pledge)
    site_language(site, language)
    args = ["check", str(site / "content"), "--today", "2026-11-26"]
    assert main(args) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[-1] == ok and err == ""
    # two errors: an unknown actor, an unknown key
    write(site / "content/pledges/p9.yml", "actor: personne\ncommon: covoit\ndate: 2026-10-01\n")
    write(site / "content/actors/ville.yml", "name: Ville\ncolour: bleu\n")
    assert main(args) == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[-1] == failed
    errors = [line for line in err.splitlines() if line.startswith("  - ")]
    assert len(errors) == 2 and err.startswith("2 erreurs de contenu :" if language == "fr"
                                               else "2 content errors:")  # fmt: skip
    if language == "fr":
        assert "champ inconnu" in err and "unknown key" not in err
    else:
        assert "unknown key" in err and "champ inconnu" not in err


def test_issue_templates_follow_the_sites_language(tmp_path):
    site = tmp_path / "site"
    write_site(NewSite(site, lang="en", today=DAY))
    assert command("issue-templates", "--check", cwd=site).returncode == 0
    pledge = site / ".github/ISSUE_TEMPLATE/pledge.yml"
    pledge.write_text(pledge.read_text().replace("Make a pledge", "Pledge something"))
    stale = command("issue-templates", "--check", cwd=site)
    assert stale.returncode == 1 and "pledge.yml" in stale.stdout
    assert command("issue-templates", cwd=site).returncode == 0
    assert "Make a pledge" in pledge.read_text()


def test_a_broken_pelicanconf_is_a_message_not_a_traceback(tmp_path):
    site = tmp_path / "site"
    write_site(NewSite(site, today=DAY))
    (site / "pelicanconf.py").write_text("DEFAULT_LANG = (\n")
    for args in (["issue-templates", "--check"], ["check"], ["labels", "--repo", "a/b"]):
        done = command(*args, cwd=site, env={"GITHUB_TOKEN": "x"})
        assert done.returncode == 1, args
        assert "pelicanconf.py" in done.stderr and "Traceback" not in done.stderr, args


def test_submissions_is_the_submissions_tool(tmp_path):
    for name, text in MINIMAL.items():
        write(tmp_path / "content" / name, text)
    done = command("submissions", "--root", str(tmp_path), "process", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert command("submissions", "--help").stdout.startswith("usage: appel-a-communs submissions")


def test_version_and_help():
    assert command("--version").stdout.startswith("appel-a-communs ")
    done = command("--help")
    for name in ("new", "check", "submissions", "issue-templates", "labels"):
        assert name in done.stdout


def _command_paths(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """Every command and subcommand of a parser, as the words that name it."""
    yield path
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _command_paths(sub, (*path, name))


RST = re.compile(r"``|:[a-z]+:`|`[^`]+`_")


def test_every_help_is_plain_text_and_says_something(capsys):
    """``--help`` of each command and subcommand (the submissions tool's too, under both
    its names) exits 0 and describes it in words, without reStructuredText marks."""
    from appel_a_communs.commands import _parser
    from appel_a_communs.submissions.cli import _parser as submissions_parser
    from appel_a_communs.submissions.cli import main as submissions_main

    paths = [p for p in _command_paths(_parser()) if p[:1] != ("submissions",)]
    paths += [("submissions", *p) for p in _command_paths(submissions_parser("x"))]
    assert len(paths) > 12 and ("submissions", "fetch", "github") in paths
    runs = [(main, list(p)) for p in paths]
    runs += [(submissions_main, list(p[1:])) for p in paths if p[:1] == ("submissions",)]
    for run, words in runs:
        with pytest.raises(SystemExit) as exit_:
            run([*words, "--help"])
        out = capsys.readouterr().out
        assert exit_.value.code == 0, words
        assert out.startswith("usage: ") and not RST.search(out), (words, out)
        description = out.split("\n\n")[1]  # the paragraph after the usage
        assert not description.startswith(("options:", "positional arguments:")), (words, out)
        assert re.search(r"[a-z]{3,} [a-z]{3,}", description), (words, out)


# --- labels, against a real HTTP server on loopback -----------------------------------


def _labels(httpserver: HTTPServer, *args: str, token: str | None = "t0k3n"):
    env = {"GITHUB_TOKEN": token} if token else {}
    return command("labels", "--repo", "region/appel", "--api-url", httpserver.url_for("/"),
                   *args, env=env)  # fmt: skip


def test_labels_are_created(httpserver: HTTPServer):
    created = []

    def create(request):
        from werkzeug import Response

        assert request.headers["Authorization"] == "Bearer t0k3n"
        created.append(request.get_json())
        return Response(json.dumps(request.get_json()), status=201)

    httpserver.expect_request("/repos/region/appel/labels", method="POST").respond_with_handler(
        create
    )
    done = _labels(httpserver)
    assert done.returncode == 0, done.stderr
    assert [label["name"] for label in created] == [f"submission:{k}" for k in SUBMISSION_TYPES]
    assert all(len(label["color"]) == 6 and label["description"] for label in created)
    assert "M’engager" in {label["description"] for label in created}


def test_existing_labels_are_updated(httpserver: HTTPServer):
    exists = {"message": "Validation Failed", "errors": [{"resource": "Label",
              "code": "already_exists", "field": "name"}]}  # fmt: skip
    httpserver.expect_request("/repos/region/appel/labels", method="POST").respond_with_json(
        exists, status=422
    )
    for kind in SUBMISSION_TYPES:
        httpserver.expect_request(
            f"/repos/region/appel/labels/submission:{kind}", method="PATCH"
        ).respond_with_json({"name": f"submission:{kind}"})
    done = _labels(httpserver, "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("updated: ") == len(SUBMISSION_TYPES)
    patches = [r for r, _ in httpserver.log if r.method == "PATCH"]
    assert patches[-1].get_json()["description"] == "Withdraw a pledge"  # the last type


def test_labels_report_refusals_and_missing_tokens(httpserver: HTTPServer):
    httpserver.expect_request("/repos/region/appel/labels", method="POST").respond_with_json(
        {"message": "Bad credentials"}, status=401
    )
    refused = _labels(httpserver)
    assert refused.returncode == 1 and "401 Bad credentials" in refused.stderr
    no_token = _labels(httpserver, token=None)
    assert no_token.returncode == 1 and "GITHUB_TOKEN" in no_token.stderr
    for done in (refused, no_token):
        assert "Traceback" not in done.stderr


def test_labels_report_an_unreachable_api(tmp_path):
    done = command("labels", "--repo", "region/appel", "--api-url", "http://127.0.0.1:9/",
                   env={"GITHUB_TOKEN": "x"})  # fmt: skip
    assert done.returncode == 1 and "could not reach" in done.stderr


def test_the_entry_point_returns_the_exit_status(tmp_path, capsys):
    assert main(["new", str(tmp_path / "s"), "--lang", "en"]) == 0
    assert "files written" in capsys.readouterr().out
    assert (tmp_path / "s/content/pages/take-part.md").is_file()
    assert main(["new", str(tmp_path / "s")]) == 1
    assert "not empty" in capsys.readouterr().err


def test_a_new_sites_git_keeps_envelopes_and_output_out(tmp_path):
    """Envelopes hold contact details: git never takes them, but keeps the empty folders."""
    site = tmp_path / "site"
    write_site(NewSite(site, today=DAY))
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    for name in ("submissions/inbox/github-1.json", "submissions/rejected/form-2.report.md",
                 "submissions/.lock", "output/index.html", "cache/x"):  # fmt: skip
        write(site / name, "{}")
    listed = subprocess.run(
        ["git", "-C", str(site), "ls-files", "--others", "--exclude-standard"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert "submissions/inbox/.gitkeep" in listed and "content/campaign.yml" in listed
    assert not [name for name in listed if name.startswith(("output/", "cache/"))]
    assert not [n for n in listed if n.startswith("submissions/") and not n.endswith(
        (".gitkeep", ".gitignore"))]  # fmt: skip


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_new_sites_readme_points_to_the_reference_of_every_key(tmp_path, lang):
    """Where an officer finds the allowed values (a need's kind, resource_types…): the
    site's README names `appel-a-communs reference`, and every command it names exists."""
    site = tmp_path / "site"
    write_site(NewSite(site, "Communs d'Armor", "region/appel", lang, today=DAY))
    readme = (site / "README.md").read_text()
    assert "`appel-a-communs reference`" in readme
    named = set(re.findall(r"appel-a-communs ([a-z-]+)", readme))
    assert named >= {"check", "reference", "labels", "issue-templates"}, named
    for name in named:
        assert command(name, "--help", cwd=site).returncode == 0, name
    done = command("reference", cwd=site)
    assert done.returncode == 0, done.stderr
    assert "`testing` (Testing)" in done.stdout and "`knowledge` (Knowledge)" in done.stdout


def test_a_reader_that_leaves_early_gets_no_traceback(tmp_path):
    """`appel-a-communs reference | head -1`: the pipe closes before the output ends; the
    command stops quietly (status 1, as Python's own advice has it), no traceback. The
    reading end is closed before the command has written anything."""
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys; from appel_a_communs.commands import main; "
         "sys.exit(main())", "reference"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **SOURCES},
    )  # fmt: skip
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(timeout=120) == 1
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr
