"""A build ends with one line saying what it built, in the site's language: Pelican's own
closing line counts articles and pages, never the call's challenges, commons and data."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from conftest import IN_ENGLISH, build_site, run_pelican, write

from appel_a_communs.site.build import CallCounts, build_summary, check_summary

LOGGER = "pelican.plugins.appel_a_communs"
ROUNDS = {
    "rounds/2025.yml": "opens: 2025-01-01\ncloses: 2025-06-30\n",
    "rounds/2026.yml": "opens: 2026-09-01\ncloses: 2027-03-31\n",
}


def closing_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("Appel à communs")]


def data_files(site: Path) -> int:
    return sum(
        1 for folder in ("data", "schemas") for p in (site / folder).rglob("*") if p.is_file()
    )


def html_pages(site: Path) -> int:
    """The pages the catalogue writes: every HTML file but the widgets (data, not pages)
    and the call's one ordinary page, a-propos, which Pelican counts in its own line."""
    return sum(
        1
        for p in site.rglob("*.html")
        if not {"widgets", "a-propos", "a-propos.html"} & set(p.relative_to(site).parts)
    )


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_build_says_what_it_built_in_one_line(make_content, tmp_path, caplog, language):
    content = make_content(ROUNDS)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        site = build_site(content, tmp_path / "out", DEFAULT_LANG=language)
    [line] = closing_lines(caplog)
    pages, files = html_pages(site), data_files(site)
    assert pages > 10 and files > 10
    if language == "fr":
        expected = (f"Appel à communs : 1 défi, 1 commun, 2 acteurs, 2 engagements, 2 tours, "
                    f"{pages} pages, {files} fichiers de données.")  # fmt: skip
    else:
        expected = (f"Appel à communs: 1 challenge, 1 common, 2 actors, 2 pledges, 2 rounds, "
                    f"{pages} pages, {files} data files.")  # fmt: skip
    assert line == expected
    # built again into the same folder: the files of this build, none counted twice
    caplog.clear()
    write(content / "actors/ville2.yml", "name: Ville deux\nkind: public-body\n")
    with caplog.at_level(logging.INFO, logger=LOGGER):
        build_site(content, tmp_path / "out", DEFAULT_LANG=language)
    [again] = closing_lines(caplog)
    actors = "3 acteurs" if language == "fr" else "3 actors"
    assert actors in again and f"{data_files(site)} " in again


def test_a_default_pelican_run_shows_the_line(make_content, tmp_path):
    """``pelican`` without -v shows no INFO message: the line is printed the way Pelican
    prints its own closing line, and never as a warning (``--fatal warnings`` passes)."""
    content = make_content()
    args = (str(content), "-o", str(tmp_path / "out"), "-s", "pelicanconf.py")
    done = run_pelican(*args, "--fatal", "warnings")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [line.strip() for line in done.stdout.splitlines() if "Appel à communs" in line]
    assert len(lines) == 1 and lines[0].startswith("Appel à communs : 1 défi, 1 commun,"), (
        done.stdout
    )
    assert "fichiers de données." in lines[0] and "WARNING" not in done.stdout
    english = run_pelican(*args, *IN_ENGLISH)
    assert "Appel à communs: 1 challenge, 1 common, 2 actors, 2 pledges, 0 rounds" in (
        english.stdout
    )
    quiet = run_pelican(*args, "-q")
    assert "Appel à communs" not in quiet.stdout + quiet.stderr


@pytest.mark.parametrize(
    ("counts", "pages", "files", "french", "english"),
    [
        (CallCounts(1, 1, 1, 1, 1), 1, 1,
         "Appel à communs : 1 défi, 1 commun, 1 acteur, 1 engagement, 1 tour, 1 page, "
         "1 fichier de données.",
         "Appel à communs: 1 challenge, 1 common, 1 actor, 1 pledge, 1 round, 1 page, "
         "1 data file."),
        (CallCounts(0, 0, 0, 0, 0), 0, 0,
         "Appel à communs : 0 défi, 0 commun, 0 acteur, 0 engagement, 0 tour, 0 page, "
         "0 fichier de données.",
         "Appel à communs: 0 challenges, 0 commons, 0 actors, 0 pledges, 0 rounds, 0 pages, "
         "0 data files."),
        (CallCounts(3, 14, 11, 42, 2), 128, 37,
         "Appel à communs : 3 défis, 14 communs, 11 acteurs, 42 engagements, 2 tours, "
         "128 pages, 37 fichiers de données.",
         "Appel à communs: 3 challenges, 14 commons, 11 actors, 42 pledges, 2 rounds, "
         "128 pages, 37 data files."),
    ],
)  # fmt: skip
def test_the_line_takes_each_languages_plurals(counts, pages, files, french, english):
    assert build_summary(counts, pages, files, "fr") == french
    assert build_summary(counts, pages, files, "fr_CA") == french
    assert build_summary(counts, pages, files, "en") == english
    assert check_summary(counts, 1, "fr").endswith(" ; 1 erreur.")
    assert check_summary(counts, 0, "en").endswith("; no error.")
