"""A site's settings are read once (issue 25, item 4): one model,
``content.settings.SiteSettings``, which the build makes from Pelican's settings and the
commands from the site's pelicanconf.py, so that ``pelican`` and ``appel-a-communs check``
never see another value, nor word a wrong one otherwise."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from conftest import run_pelican
from pelican.settings import DEFAULT_CONFIG
from pelican.settings import read_settings as pelican_settings
from test_commands import command

from appel_a_communs.content import settings as core
from appel_a_communs.content.settings import (
    SiteSettingsError,
    read_site_settings,
    site_settings,
)
from appel_a_communs.scaffold import NewSite, write_site
from pelican.plugins.appel_a_communs.settings import read_settings as plugin_settings

DAY = date(2026, 12, 1)


def new_site(tmp_path: Path, lang: str = "fr", extra: str = "") -> Path:
    """A complete site made by ``new``, its pelicanconf.py given ``extra`` lines."""
    site = tmp_path / "site"
    write_site(NewSite(site, "Communs", "region/appel", lang, today=DAY))
    if extra:
        settings = site / "pelicanconf.py"
        settings.write_text(settings.read_text() + "\n" + extra + "\n", encoding="utf-8")
    return site


def as_built(site: Path):
    """The model the build makes of the site's settings: Pelican reads the file and gives
    its settings to the plugin."""
    return plugin_settings(pelican_settings(str(site / "pelicanconf.py")))


def test_pelicans_defaults_are_pelicans():
    """The commands give a pelicanconf.py Pelican's defaults, as Pelican does."""
    assert {k: DEFAULT_CONFIG[k] for k in core.PELICAN_DEFAULTS} == core.PELICAN_DEFAULTS


def test_the_sites_addresses_are_the_settings_defaults():
    """site.urls uses the settings' defaults themselves: one place for a page's address."""
    from appel_a_communs.site import urls

    assert urls.DEFAULT_PATTERNS is core.DEFAULT_PATTERNS
    assert urls.DEFAULT_FOLDERS is core.DEFAULT_FOLDERS
    assert (urls.ITEMS, urls.PAGE_KINDS, urls.NESTED) == (core.ITEMS, core.PAGE_KINDS, core.NESTED)
    assert urls.site_patterns is core.site_patterns


@pytest.mark.parametrize(
    "extra",
    [
        "",
        "CATALOGUE_LOCALE = 'fr_CA'",
        # computed values, read as the build reads them
        "CATALOGUE_MAX_FILE_SIZE = 2 * 1024 * 1024\nCATALOGUE_ROUND_URL = 'cycles/' + '{slug}/'",
        "import datetime\nCATALOGUE_TODAY = datetime.date(2027, 1, 2)\nCATALOGUE_PROCESSES = 1",
        "del DEFAULT_LANG",  # Pelican's default, English, for both
    ],
    ids=["as-new-writes-it", "a-locale", "computed", "a-date", "no-language"],
)
def test_the_build_and_the_commands_see_the_same_settings(tmp_path, extra):
    """Every setting, defaults included (addresses, folders, limit, cache, locale), is the
    same in the model the build makes and in the one the commands read."""
    site = new_site(tmp_path, extra=extra)
    read = read_site_settings(site)
    assert read == as_built(site)
    if extra == "del DEFAULT_LANG":
        assert read.locale == "en"
    if "cycles/" in extra:
        assert read.max_file_size == 2 * 1024 * 1024
        assert read.urls["round_report"] == "cycles/{slug}/rapport/"  # moved with its round


def test_a_default_language_is_the_same_for_the_pages_and_the_issue_forms(tmp_path):
    """A pelicanconf.py without DEFAULT_LANG: its pages are in English (Pelican's default),
    and so are the issue forms that they prefill (the commands said French before)."""
    site = new_site(tmp_path, extra="del DEFAULT_LANG")
    assert run_pelican("-s", "pelicanconf.py", cwd=site).returncode == 0
    assert '<html lang="en">' in (site / "output/index.html").read_text()
    assert command("issue-templates", "--check", cwd=site).returncode == 1  # written in French
    assert command("issue-templates", cwd=site).returncode == 0
    assert "Make a pledge" in (site / ".github/ISSUE_TEMPLATE/pledge.yml").read_text()


def test_without_a_settings_file_the_defaults(tmp_path):
    settings = read_site_settings(tmp_path)
    assert settings.locale == "fr" and settings.max_file_size == 1_000_000
    assert settings.urls == core.DEFAULT_PATTERNS


def shown_errors(output: str) -> list[str]:
    return re.findall(r"^  - (pelicanconf\.py.*)$", output, re.M)


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ("CATALOGUE_MAX_FILE_SIZE = 0", "CATALOGUE_MAX_FILE_SIZE: must be a whole number"),
        ("CATALOGUE_FORMS_MODE = 'fax'", "CATALOGUE_FORMS_MODE: must be 'github' or 'post'"),
        ("CATALOGUE_DATA_PATH = '../' + 'ailleurs'", "CATALOGUE_DATA_PATH: must be a path"),
        ("DEFAULT_LANG = 'xx-nowhere'", "DEFAULT_LANG: the locale 'xx-nowhere' is unknown"),
    ],
    ids=["limit", "mode", "path", "language"],
)
def test_a_bad_setting_is_the_same_error_from_pelican_and_from_check(tmp_path, extra, words):
    """One wording, naming the file and the setting and saying what it must be; no
    traceback from either."""
    site = new_site(tmp_path, extra=extra)
    build = run_pelican("-s", "pelicanconf.py", cwd=site)
    check = command("check", "content", cwd=site)
    assert build.returncode != 0 and check.returncode == 1
    from_build = shown_errors(build.stdout + build.stderr)
    from_check = shown_errors(check.stderr)
    assert from_build == from_check and len(from_check) == 1, (build.stderr, check.stderr)
    assert f"pelicanconf.py: {words}" in from_check[0]
    for output in (build.stdout + build.stderr, check.stderr):
        assert "Traceback" not in output and "settings error:" in output


def test_a_settings_file_that_cannot_run_is_named(tmp_path):
    site = new_site(tmp_path, extra="from nowhere_to_be_found import *")
    for args in (["check"], ["issue-templates"], ["submissions", "process"]):
        done = command(*args, cwd=site)
        assert done.returncode == 1, args
        assert "pelicanconf.py: cannot be run (ModuleNotFoundError" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr


def test_a_settings_file_may_import_a_module_beside_it(tmp_path):
    site = new_site(tmp_path, extra="from call_settings import *")
    (site / "call_settings.py").write_text("CATALOGUE_MAX_FILE_SIZE = 5_000\n")
    assert read_site_settings(site).max_file_size == 5_000


def test_errors_name_every_wrong_setting_at_once():
    with pytest.raises(SiteSettingsError) as info:
        site_settings({"CATALOGUE_PROCESSES": "2", "CATALOGUE_TODAY": "demain"})
    fields = [e.field for e in info.value.errors]
    assert fields == ["CATALOGUE_PROCESSES", "CATALOGUE_TODAY"], str(info.value)
    assert "(it is 'demain')" in str(info.value) and "such as" in str(info.value)
