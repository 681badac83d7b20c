"""Odd files in content/ are named, never followed or skipped silently; a sealed round's
pledges never go to a public GitHub issue (issue 24).

Every site here is built from the repository's directory, outside the site: a message
that names a file by its absolute path (the machine's layout) instead of relative to the
site shows here.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import (
    BUILD_DAY,
    IN_ENGLISH,
    MINIMAL,
    REPO,
    build_site,
    run_pelican,
    site_language,
    write,
)
from test_commands import command

from appel_a_communs.content.errors import ContentErrors
from appel_a_communs.submissions.issue_forms import issue_form

SECRET = "root:x:0:0:the-secret-of-the-machine:/root:/bin/bash"
ENDPOINT = "https://forms.example.org/appel"
SEALED = "name: Édition 2026\nopens: 2026-09-01\ncloses: 2027-03-31\nsealed: true\n"
ABSOLUTE = re.compile(r"(?<![\w.])/(?:tmp|home|root|etc|work|var|usr)\b")


def failed_build(content: Path, tmp_path: Path, **overrides) -> ContentErrors:
    with pytest.raises(ContentErrors) as info:
        build_site(content, tmp_path / "out", **overrides)
    return info.value


def test_a_hidden_content_file_is_named_not_skipped(make_content, tmp_path):
    content = make_content(
        {
            "commons/.x.md": "---\ntitle: Caché\n---\nTexte.\n",
            # what editors and systems leave behind is passed over, as the README says
            "commons/.covoit.md.swp": "binary",
            "commons/.DS_Store": "binary",
            "commons/._covoit.md": "AppleDouble",
            "commons/.drafts/y.md": "---\ntitle: Brouillon\n---\n",
        }
    )
    error = failed_build(content, tmp_path)
    assert [(e.path, e.field) for e in error.errors] == [(str(content / "commons/.x.md"), None)]
    text = str(error)
    assert "content/commons/.x.md: " in text and "hidden" in text
    assert "rename" in text
    assert not ABSOLUTE.search(text), text


def test_the_check_command_names_it_relative_to_the_site_too(make_content, tmp_path):
    content = make_content({"pledges/.p3.yml": "actor: ville\n"})
    done = command("check", str(content), "--today", BUILD_DAY.isoformat())
    assert done.returncode == 1
    assert "  - content/pledges/.p3.yml: " in done.stderr, done.stderr
    assert not ABSOLUTE.search(done.stderr + done.stdout), done.stderr


def test_a_link_out_of_the_site_is_refused_never_followed(make_content, tmp_path):
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    secret = write(outside / "passwd.md", f"---\ntitle: {SECRET}\n---\n{SECRET}\n")
    content = make_content()
    (content / "commons/fuite.md").symlink_to(secret)
    (content / "pages/fuite.md").symlink_to(secret)
    (content / "challenges/dossier").symlink_to(outside, target_is_directory=True)
    error = failed_build(content, tmp_path)
    text = str(error)
    named = sorted(e.path for e in error.errors)
    assert named == sorted(
        str(content / p) for p in ("commons/fuite.md", "pages/fuite.md", "challenges/dossier")
    ), text
    assert "content/commons/fuite.md: " in text and "outside the content folder" in text
    assert f"'{secret}'" in text  # where it leads, as the link says it
    assert SECRET not in text
    assert not (tmp_path / "out").exists() or SECRET not in "".join(
        p.read_text(errors="replace") for p in (tmp_path / "out").rglob("*") if p.is_file()
    )
    build = run_pelican(str(content), "-o", str(tmp_path / "out2"), "-s", "pelicanconf.py")
    assert build.returncode == 1 and SECRET not in build.stdout + build.stderr
    assert "content/commons/fuite.md" in build.stderr


def test_a_linked_folder_or_campaign_out_of_the_site_is_never_read(make_content, tmp_path):
    outside = tmp_path.parent / f"{tmp_path.name}-ailleurs"
    write(outside / "pledges/p9.yml", f"actor: {SECRET}\n")
    write(outside / "campaign.yml", f"{SECRET}: [\n")
    content = make_content()
    shutil.rmtree(content / "pledges")
    (content / "pledges").symlink_to(outside / "pledges", target_is_directory=True)
    (content / "campaign.yml").symlink_to(outside / "campaign.yml")
    (content / "commons/boucle.md").symlink_to("boucle.md")  # a loop: named, not a traceback
    error = failed_build(content, tmp_path)
    text = str(error)
    assert SECRET not in text
    assert "content/pledges: is a link to " in text and "content/campaign.yml: is a link" in text
    assert "content/commons/boucle.md: cannot be read" in text, text
    done = command("check", str(content), "--today", BUILD_DAY.isoformat())
    assert done.returncode == 1 and SECRET not in done.stderr + done.stdout
    assert "Traceback" not in done.stderr


def test_a_link_inside_content_is_still_read(make_content, tmp_path):
    content = make_content()
    shared = write(content / "partage" / "velo.md", (content / "commons/covoit.md").read_text())
    (content / "commons/velo.md").symlink_to(os.path.relpath(shared, content / "commons"))
    site = build_site(content, tmp_path / "out")
    assert (site / "communs/velo/index.html").exists()


def test_no_content_error_names_an_absolute_path(make_content, tmp_path):
    content = make_content(
        {
            "commons/covoit-bis.md": MINIMAL["commons/covoit.md"].replace(
                "---", "---\n        slug: covoit", 1
            ),
            "rounds/a.yml": "opens: 2026-01-01\ncloses: 2026-12-31\n",
            "rounds/b.yml": "opens: 2026-06-01\ncloses: 2027-12-31\n",
        }
    )
    text = str(failed_build(content, tmp_path))
    assert "already used by content/commons/covoit-bis.md" in text, text
    assert "shares days with a (2026-01-01 – 2026-12-31) (content/rounds/a.yml)" in text, text
    assert not ABSOLUTE.search(text), text


# --- a sealed round's pledge form ------------------------------------------------------


def pledge_form(site: Path) -> tuple[str, str]:
    html = (site / "contribuer/engagement/index.html").read_text()
    found = re.search(r'<form class="submission-form" action="([^"]*)" method="([^"]*)"', html)
    assert found, html
    return found.group(1), found.group(2)


def test_a_sealed_rounds_pledge_form_posts_to_the_endpoint_in_github_mode(make_content, tmp_path):
    content = make_content({"rounds/2026.yml": SEALED})
    site = build_site(content, tmp_path / "out", CATALOGUE_FORMS_ENDPOINT=ENDPOINT)
    assert pledge_form(site) == (ENDPOINT, "post")
    html = (site / "contribuer/engagement/index.html").read_text()
    assert 'name="type" value="pledge"' in html and "github.com" not in html.split("<form")[1]
    # the other forms still open the prefilled GitHub issue
    join = (site / "contribuer/rejoindre/index.html").read_text()
    assert 'action="https://github.com/appel-a-communs/mobilites-du-quotidien/issues/new"' in join


@pytest.mark.parametrize("round_file", ["rounds/2026.yml", "campaign.yml"])
def test_a_sealed_round_without_an_endpoint_stops_the_build_with_one_error(
    make_content, tmp_path, round_file
):
    content = make_content({round_file: SEALED})
    error = failed_build(content, tmp_path, CATALOGUE_FORMS_ENDPOINT="")
    (only,) = error.errors
    assert only.path == str(content / round_file) and only.field == "sealed"
    text = str(error)
    assert f"content/{round_file}: sealed: " in text
    assert "CATALOGUE_FORMS_ENDPOINT" in text and "public" in text
    assert not ABSOLUTE.search(text), text
    done = command("check", str(content), "--today", BUILD_DAY.isoformat(), cwd=REPO)
    assert f"content/{round_file}: sealed: " in done.stderr and done.returncode == 1
    # an endpoint that is no address is no channel either
    error = failed_build(content, tmp_path, CATALOGUE_FORMS_ENDPOINT="formulaires")
    assert [e.field for e in error.errors] == ["sealed"]


def test_a_closed_sealed_round_asks_for_nothing(make_content, tmp_path):
    closed = "opens: 2026-01-01\ncloses: 2026-10-31\nsealed: true\n"
    content = make_content({"rounds/2026.yml": closed})
    site = build_site(content, tmp_path / "out", CATALOGUE_FORMS_ENDPOINT="")
    assert pledge_form(site)[0].startswith("https://github.com/")


def test_the_pledge_issue_form_says_it_is_public():
    def notes(kind: str, locale: str) -> str:
        body = issue_form(kind, locale)["body"]
        return "\n".join(e["attributes"]["value"] for e in body if e["type"] == "markdown")

    assert "This issue is public" in notes("pledge", "en") and "sealed" in notes("pledge", "en")
    assert "Ce ticket est public" in notes("pledge", "fr")
    assert "sealed" not in notes("join", "en")


# --- links to folders, links out of content/, hidden pages (security review) ---------------


def test_a_link_to_a_folder_or_a_loop_is_named_everywhere_in_content(make_content, tmp_path):
    content = make_content({"images/logo.svg": "<svg/>", "news/.gitkeep": ""})
    (content / "pages/loop").symlink_to("../commons", target_is_directory=True)
    (content / "pages/me").symlink_to(".", target_is_directory=True)
    (content / "images/tout").symlink_to("..", target_is_directory=True)
    (content / "news/pages").symlink_to("../pages", target_is_directory=True)
    links = ("images/tout", "news/pages", "pages/loop", "pages/me")
    site_language(content.parent, "en")  # the messages asserted below are English
    done = command("check", str(content), "--today", BUILD_DAY.isoformat())
    assert done.returncode == 1, done.stdout
    for link in links:
        assert f"  - content/{link}: is a link to a folder" in done.stderr, done.stderr
    error = failed_build(content, tmp_path)
    assert sorted(e.path for e in error.errors) == [str(content / p) for p in links], str(error)
    assert not ABSOLUTE.search(str(error)), str(error)
    build = run_pelican(
        str(content), "-o", str(tmp_path / "out2"), "-s", "pelicanconf.py", *IN_ENGLISH
    )
    assert build.returncode == 1
    assert "content/pages/me: is a link to a folder" in build.stderr, build.stderr
    assert not ABSOLUTE.search(build.stdout + build.stderr), build.stdout + build.stderr


def test_a_link_to_the_sites_private_files_is_refused(make_content, tmp_path):
    """The site's folder also holds .git/, .env and submissions/processed/ (envelopes with
    contact details): a link is followed only to a file inside content/."""
    site = tmp_path
    write(site / "submissions/processed/github-12.json", '{"contact": "ada@example.org"}')
    write(site / ".env", "GITHUB_TOKEN=ghp_the-token\n")
    write(site / ".git/config", "[core]\n\tthe-git-config = 1\n")
    content = make_content({"media/logo.svg": "<svg/>"})
    (content / "images").mkdir(exist_ok=True)
    (content / "images/c.json").symlink_to("../../submissions/processed/github-12.json")
    (content / "images/env.txt").symlink_to("../../.env")
    (content / "images/git").symlink_to("../../.git", target_is_directory=True)
    (content / "images/logo.svg").symlink_to("../media/logo.svg")  # inside content/: read
    refused = ("images/c.json", "images/env.txt", "images/git")
    site_language(content.parent, "en")  # the messages asserted below are English
    done = command("check", str(content), "--today", BUILD_DAY.isoformat())
    assert done.returncode == 1
    assert "  - content/images/env.txt: is a link to '../../.env', outside the content " in (
        done.stderr
    ), done.stderr
    error = failed_build(content, tmp_path)
    assert sorted(e.path for e in error.errors) == [str(content / p) for p in refused]
    text = str(error)
    assert "content/images/c.json: is a link to '../../submissions/processed/" in text, text
    out = tmp_path / "out"
    written = "".join(p.read_text(errors="replace") for p in out.rglob("*") if p.is_file())
    for secret in ("ada@example.org", "the-token", "the-git-config"):
        assert secret not in text + written


def test_a_link_inside_content_is_read(make_content, tmp_path):
    content = make_content({"media/logo.svg": "<svg/>"})
    (content / "images").mkdir(exist_ok=True)
    (content / "images/logo.svg").symlink_to("../media/logo.svg")
    site = build_site(content, tmp_path / "out")
    assert (site / "images/logo.svg").read_text() == "<svg/>"


def test_hidden_files_are_not_published_but_a_well_known_folder_is(make_content, tmp_path):
    """Editors' and systems' hidden files stay out of the site; ``.well-known/`` (RFC 8615:
    security.txt, a funding list of the site's own) is the one hidden folder published."""
    content = make_content(
        {
            "images/logo.svg": "<svg/>",
            "images/.DS_Store": "finder",
            "images/.cache/x.svg": "<svg/>",
            ".well-known/security.txt": "Contact: mailto:appel@example.org\n",
        }
    )
    site = build_site(content, tmp_path / "out", STATIC_PATHS=["images", ".well-known"])
    assert (site / "images/logo.svg").exists()
    assert not (site / "images/.DS_Store").exists()
    assert not (site / "images/.cache").exists()
    assert (site / ".well-known/security.txt").read_text().startswith("Contact:")


@pytest.mark.parametrize("folder", ["pages", "news"])
def test_a_hidden_page_is_named_as_a_hidden_file(make_content, tmp_path, folder):
    content = make_content(
        {
            f"{folder}/.brouillon.md": "---\ntitle: Brouillon\n---\nTexte.\n",
            f"{folder}/.drafts/y.md": "---\ntitle: Brouillon\n---\n",  # passed over
            f"{folder}/.#a-propos.md": "lock",  # an Emacs lock: passed over
        }
    )
    error = failed_build(content, tmp_path)
    assert [(e.path, e.field) for e in error.errors] == [
        (str(content / f"{folder}/.brouillon.md"), None)
    ], str(error)
    assert f"content/{folder}/.brouillon.md: a hidden file (its name starts with a dot)" in str(
        error
    )
    site_language(content.parent, "en")  # the messages asserted below are English
    done = command("check", str(content), "--today", BUILD_DAY.isoformat())
    assert done.returncode == 1
    assert f"  - content/{folder}/.brouillon.md: a hidden file" in done.stderr, done.stderr
    assert "slug" not in done.stderr, done.stderr


REPO_SETTING = 'CATALOGUE_GITHUB_REPO = "owner/name"\n'


@pytest.mark.parametrize(
    "pelicanconf",
    [
        'import os\nCATALOGUE_FORMS_ENDPOINT = os.environ.get("ENDPOINT", "")\n',
        "from settings_of_the_call import *\n",
    ],
    ids=["from-the-environment", "imported"],
)
def test_check_reads_an_endpoint_as_the_build_reads_it(make_content, tmp_path, pelicanconf):
    """An endpoint that pelicanconf.py computes (from the environment, or a module beside
    it) is read as the build reads it: check passes where ``pelican`` passes, and names
    the sealed round where it stops."""
    content = make_content({"rounds/2026.yml": SEALED})
    write(tmp_path / "pelicanconf.py", REPO_SETTING + pelicanconf)
    module = 'import os\nCATALOGUE_FORMS_ENDPOINT = os.environ.get("ENDPOINT", "")\n'
    write(tmp_path / "settings_of_the_call.py", module)
    args = ("check", str(content), "--today", BUILD_DAY.isoformat())
    done = command(*args, env={"ENDPOINT": ENDPOINT})
    assert done.returncode == 0, done.stderr
    assert "note: " not in done.stdout
    done = command(*args)
    assert done.returncode == 1 and "content/rounds/2026.yml: sealed: " in done.stderr


def test_check_raises_no_sealed_error_the_publishing_build_may_not_give(make_content, tmp_path):
    """An endpoint that publishconf.py sets (the publishing build's settings, which check
    does not run) is one check cannot know: the build may pass, so check says so in a
    note, never in an error the build would not give."""
    content = make_content({"rounds/2026.yml": SEALED})
    write(tmp_path / "pelicanconf.py", REPO_SETTING + 'CATALOGUE_FORMS_ENDPOINT = ""\n')
    write(
        tmp_path / "publishconf.py",
        f'from pelicanconf import *\nCATALOGUE_FORMS_ENDPOINT = "{ENDPOINT}"\n',
    )
    done = command("check", str(content), "--today", BUILD_DAY.isoformat())
    assert done.returncode == 0, done.stderr
    assert "sealed" not in done.stderr
    assert "note: " in done.stdout and "CATALOGUE_FORMS_ENDPOINT" in done.stdout, done.stdout
    build_site(content, tmp_path / "out", CATALOGUE_FORMS_ENDPOINT=ENDPOINT)  # passes


def test_check_still_names_a_sealed_round_whose_endpoint_it_reads(make_content, tmp_path):
    content = make_content({"rounds/2026.yml": SEALED})
    write(tmp_path / "pelicanconf.py", REPO_SETTING + 'CATALOGUE_FORMS_ENDPOINT = "formulaires"\n')
    write(tmp_path / "publishconf.py", 'from pelicanconf import *\nSITEURL = "https://x.org"\n')
    done = command("check", str(content), "--today", BUILD_DAY.isoformat())
    assert done.returncode == 1 and "content/rounds/2026.yml: sealed: " in done.stderr


def next_steps(page: Path) -> str:
    html = page.read_text()
    found = re.search(r'<section class="section notice" aria-labelledby="next-title">.*?</section>',
                      html, re.S)  # fmt: skip
    assert found, html
    return re.sub(r"\s+", " ", found.group(0))


def test_the_forms_index_says_what_each_forms_button_does(make_content, tmp_path):
    content = make_content({"rounds/2026.yml": SEALED})
    site = build_site(content, tmp_path / "out", CATALOGUE_FORMS_ENDPOINT=ENDPOINT)
    index = next_steps(site / "contribuer/index.html")
    assert "ouvre sur GitHub un formulaire déjà rempli" in index, index
    pledge = re.search(
        r"<h1[^>]*>(.*?)</h1>", (site / "contribuer/engagement/index.html").read_text()
    )
    assert pledge and f"sauf celui de <em>{pledge.group(1)}</em>" in index, index
    assert "envoie votre soumission à la seule équipe de l’appel" in index, index
    # each form's own page says what its own button does
    assert "GitHub" not in next_steps(site / "contribuer/engagement/index.html")
    assert "sauf" not in next_steps(site / "contribuer/rejoindre/index.html")
    # a pull request is read by whoever can see the repository, not by anyone
    assert "chacun peut lire" not in index and "quiconque peut voir le dépôt" in index, index


def test_the_forms_index_of_one_mode_says_it_once(make_content, tmp_path):
    site = build_site(make_content(), tmp_path / "out")
    index = next_steps(site / "contribuer/index.html")
    assert "ouvre sur GitHub un formulaire déjà rempli" in index and "sauf" not in index


def test_a_link_to_nothing_outside_the_kinds_is_named_once_relative_to_the_site(
    make_content, tmp_path
):
    content = make_content()
    (content / "pages/perdu.md").symlink_to("absent.md")
    (content / "pages/boucle.md").symlink_to("boucle.md")
    expected = [
        "  - content/pages/boucle.md: cannot be read: Too many levels of symbolic links",
        "  - content/pages/perdu.md: cannot be read: No such file or directory",
    ]
    site_language(content.parent, "en")  # the messages asserted below are English
    done = command("check", str(content), "--today", BUILD_DAY.isoformat())
    assert done.stderr.splitlines()[1:] == expected, done.stderr
    build = run_pelican(
        str(content), "-o", str(tmp_path / "out"), "-s", "pelicanconf.py", *IN_ENGLISH
    )
    assert build.returncode == 1 and all(line in build.stderr for line in expected)
    assert not ABSOLUTE.search(build.stdout + build.stderr), build.stdout + build.stderr
