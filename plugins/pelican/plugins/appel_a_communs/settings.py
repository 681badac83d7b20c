"""The plugin's settings: one prefix, defaults in one place, checked once by one model.

Every ``CATALOGUE_*`` setting a site may write in its ``pelicanconf.py`` is a field of
``CatalogueSettings``; a wrong value is a settings error naming the setting, reported
with every other one at once, before anything is read or written.
"""

from __future__ import annotations

from datetime import date
from pathlib import PurePosixPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, model_validator

from appel_a_communs.content.errors import ContentError, ContentErrors
from appel_a_communs.content.kinds import KINDS
from appel_a_communs.content.reading import MAX_FILE_SIZE
from appel_a_communs.content.types import GITHUB_REPO, FileSize
from appel_a_communs.site.forms import has_endpoint
from appel_a_communs.site.funding_manifest import is_email
from appel_a_communs.site.urls import (
    DEFAULT_FOLDERS,
    DEFAULT_PATTERNS,
    ITEMS,
    PAGE_KINDS,
    site_patterns,
)

PREFIX = "CATALOGUE_"


class CatalogueSettings(BaseModel):
    """The ``CATALOGUE_*`` settings, named without their prefix, in lower case."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    locale: str | None = None
    """Locale of the interface (its language picks the translation catalogue) and of
    amounts, numbers and dates (Babel); None means DEFAULT_LANG."""
    urls: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_PATTERNS))
    schemas_path: str = DEFAULT_FOLDERS["schemas"]
    badges_path: str = DEFAULT_FOLDERS["badges"]
    feeds_path: str = DEFAULT_FOLDERS["feeds"]
    data_path: str = DEFAULT_FOLDERS["data"]
    widgets_path: str = DEFAULT_FOLDERS["widgets"]
    data_license: str = "Licence Ouverte / Open Licence 2.0"
    """The licence of the published data."""
    data_license_url: str = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    funding_email: str = ""
    """The call's public address that each common's funding.json gives as its contact (the
    specification requires one; actors' contact details are never published). Without it,
    or without an absolute SITEURL, no funding.json is written."""
    forms_mode: Literal["github", "post"] = "github"
    """How the forms deliver a submission: "github" (a GET to the repository's prefilled
    issue form, no JavaScript needed) or "post" (to a form backend's endpoint)."""
    github_repo: str = ""
    forms_endpoint: str = ""
    cache: bool | None = None
    """Keep validated content files between builds and read again only those that
    changed (None: follow Pelican's LOAD_CONTENT_CACHE). The cache lives under CACHE_PATH."""
    processes: StrictInt | None = Field(default=None, ge=1)
    """How many processes read the content files (a folder of 2 000 files or more) and
    write the pages and data files (None: as many as the CPUs this build may use). 1
    does everything in Pelican's own process, as does a system without fork; a plugin
    that listens to Pelican's content_written signal keeps the writing in one."""
    today: date | None = None
    """The build date used for statuses (None: today): set it for reproducible builds."""
    max_file_size: FileSize = MAX_FILE_SIZE
    """Bytes a content file (or a submission envelope) may hold: a bigger one is refused
    before it is parsed, with an error naming it. 1 MB by default."""

    @model_validator(mode="after")
    def _forms_deliver_somewhere(self) -> CatalogueSettings:
        if self.forms_mode == "github" and not GITHUB_REPO.fullmatch(self.github_repo):
            raise ValueError("github_repo: must be OWNER/NAME for the github forms mode")
        if self.forms_mode == "post" and not has_endpoint(self.forms_endpoint):
            raise ValueError("forms_endpoint: must be an http(s) URL for the post forms mode")
        if self.funding_email and not is_email(self.funding_email):
            raise ValueError("funding_email: must be an email address such as call@example.org")
        for kind in ITEMS:
            if "{slug}" not in self.urls[kind]:
                raise ValueError(f"{kind}_url: must contain {{slug}}")
        places = {f"{kind}_url": url for kind, url in self.urls.items()}
        places |= {f"{name}_path": getattr(self, f"{name}_path") for name in DEFAULT_FOLDERS}
        for name, place in places.items():
            try:
                place.format(slug="x")
            except (KeyError, IndexError, ValueError):
                raise ValueError(f"{name}: may hold {{slug}} and nothing else in braces") from None
            parts = PurePosixPath(place).parts
            if place.startswith(("/", "\\")) or ".." in parts or "\\" in place or ":" in place:
                raise ValueError(f"{name}: must be a path inside the site, such as 'x/'")
        seen: dict[str, str] = {}
        for name, place in places.items():
            written = place.format(slug="x").strip("/")
            if written in seen:
                other = _setting_name(seen[written])
                raise ValueError(f"{name}: writes at '{written}/' as {other} does")
            seen[written] = name
        return self

    def as_settings(self) -> dict[str, Any]:
        """Every setting under its own name, defaults applied: what templates may print."""
        values = {_setting_name(f): getattr(self, f) for f in type(self).model_fields}
        del values[_setting_name("urls")]
        values.update({f"{PREFIX}{kind.upper()}_URL": url for kind, url in self.urls.items()})
        return values


def _setting_name(field: str) -> str:
    return PREFIX + field.upper()


def read_settings(settings: dict[str, Any]) -> CatalogueSettings:
    """The checked settings of a site, or ContentErrors naming each wrong setting."""
    values: dict[str, Any] = {}
    keys = {kind: f"{PREFIX}{kind.upper()}_URL" for kind in PAGE_KINDS}
    given = {kind: settings[key] for kind, key in keys.items() if key in settings}
    values["urls"] = site_patterns(given)
    for field in CatalogueSettings.model_fields:
        key = _setting_name(field)
        if field != "urls" and settings.get(key) is not None:
            values[field] = settings[key]
    try:
        return CatalogueSettings.model_validate(values)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"])
            message = error["msg"].removeprefix("Value error, ")
            if not where and ": " in message:
                where, message = message.split(": ", 1)
            if where.startswith("urls."):
                where = where.removeprefix("urls.") + "_url"
            value = settings.get(_setting_name(where)) if where else None
            shown = f" (it is {value!r})" if value is not None else ""
            problems.append(f"{_setting_name(where) if where else PREFIX}: {message}{shown}")
        raise ContentErrors([ContentError("pelicanconf.py", None, p) for p in problems]) from None


CATALOGUE_FOLDERS = tuple(KINDS)
"""Content folders read by the core, never by Pelican's article or page generators."""
