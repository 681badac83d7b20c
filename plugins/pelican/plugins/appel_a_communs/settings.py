"""Settings of the catalogue plugin: one prefix, defaults in one place."""

from __future__ import annotations

from typing import Any

from appel_a_communs.content.kinds import KINDS

DEFAULTS: dict[str, Any] = {
    # Locale of the interface (its language picks the translation catalogue) and of
    # amounts, numbers and dates (Babel); None means DEFAULT_LANG.
    "CATALOGUE_LOCALE": None,
    # Where catalogue pages are written (URL, and file saved under OUTPUT_PATH).
    "CATALOGUE_CHALLENGES_URL": "defis/",
    "CATALOGUE_CHALLENGE_URL": "defis/{slug}/",
    "CATALOGUE_COMMONS_URL": "communs/",
    "CATALOGUE_COMMON_URL": "communs/{slug}/",
    "CATALOGUE_ACTORS_URL": "acteurs/",
    "CATALOGUE_ACTOR_URL": "acteurs/{slug}/",
    "CATALOGUE_FUNDING_URL": "financement/",
    "CATALOGUE_FORMS_URL": "contribuer/",
    "CATALOGUE_OPEN_DATA_URL": "donnees/",
    "CATALOGUE_NEEDS_URL": "besoins/",
    "CATALOGUE_SCHEMAS_PATH": "schemas",
    "CATALOGUE_BADGES_PATH": "badges",
    "CATALOGUE_FEEDS_PATH": "feeds",
    # The licence of the published data.
    "CATALOGUE_DATA_LICENSE": "Licence Ouverte / Open Licence 2.0",
    "CATALOGUE_DATA_LICENSE_URL": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    # How the forms deliver a submission: "github" (a GET to the repository's prefilled
    # issue form, no JavaScript needed) or "post" (to a form backend's endpoint).
    "CATALOGUE_FORMS_MODE": "github",
    "CATALOGUE_GITHUB_REPO": "",
    "CATALOGUE_FORMS_ENDPOINT": "",
    "CATALOGUE_DATA_PATH": "data",
    # Keep validated content files between builds and read again only those that changed
    # (None: follow Pelican's LOAD_CONTENT_CACHE). The cache lives under CACHE_PATH.
    "CATALOGUE_CACHE": None,
    # How many processes read the content files (a folder of 2 000 files or more) and
    # write the pages and data files (None: as many as the CPUs this build may use). 1
    # does everything in Pelican's own process, as does a system without fork; a plugin
    # that listens to Pelican's content_written signal keeps the writing in one.
    "CATALOGUE_PROCESSES": None,
    # The build date used for statuses (a date, or None for today): set it for
    # reproducible builds.
    "CATALOGUE_TODAY": None,
}

# Content folders read by the core, never by Pelican's article or page generators.
CATALOGUE_FOLDERS = tuple(KINDS)


def save_as(url: str) -> str:
    """``communs/velo/`` is saved as ``communs/velo/index.html``."""
    return url + "index.html" if url.endswith("/") or not url else url
