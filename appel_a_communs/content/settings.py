"""A site's settings, read once: every ``CATALOGUE_*`` setting with its type, default and
rule, and the site's locale, in one model (``SiteSettings``) that the build and the commands
share, so that ``pelican``, ``appel-a-communs check`` and ``submissions process`` never read
different values, nor word a wrong one differently.

Two ways in, one model:

- the build: the plugin hands over Pelican's settings (``site_settings(pelican.settings)``);
- the commands and the submissions: ``read_site_settings(root)`` runs the site's
  ``pelicanconf.py`` as Pelican runs it (a module whose upper-case names are the settings;
  its folder importable), so a value the file computes (``2 * 1024 * 1024``, from the
  environment, imported from a module beside it) is read as the build reads it, and
  gives the Pelican defaults that the model reads (``PELICAN_DEFAULTS``) to the names it
  leaves out. Running the file is what ``pelican`` does with it anyway, in the same
  repository; a file that cannot run is one error naming it. ``publishconf.py`` is the
  publishing build's: the commands read ``pelicanconf.py``, the settings of a plain
  ``pelican`` run.

Without ``pelicanconf.py`` (a content folder on its own, which no build reads) every setting
has its default (``default_settings``: nothing to check) and the language is
``i18n.DEFAULT_LOCALE``. With one, the commands check it whole, as the build does: a
setting the build refuses stops them too, with the same words. A file without
``DEFAULT_LANG`` speaks Pelican's default, English, in the build and in the commands alike
(before, the commands spoke French to a site the build made English).

It lives with the content, below the site and the submissions, with no Pelican import: the
defaults of the catalogue's addresses (``DEFAULT_PATTERNS``, ``DEFAULT_FOLDERS``) are
settings' defaults, which ``site.urls`` builds on.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Mapping
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, model_validator

from appel_a_communs.content.errors import ContentError, ContentErrors
from appel_a_communs.content.reading import MAX_FILE_SIZE
from appel_a_communs.content.types import GITHUB_REPO, FileSize
from appel_a_communs.i18n import DEFAULT_LOCALE, locale_tags

PREFIX = "CATALOGUE_"
SETTINGS_FILE = "pelicanconf.py"

PELICAN_DEFAULTS: dict[str, Any] = {
    "DEFAULT_LANG": "en",
    "THEME_STATIC_DIR": "theme",
    "LOAD_CONTENT_CACHE": False,
}
"""Pelican's own defaults of the settings the model reads besides its own (pelican's
``DEFAULT_CONFIG``, which the build gets from Pelican and a test compares with these):
the commands give them to a ``pelicanconf.py`` that leaves them out, as Pelican does."""

DEFAULT_PATTERNS = {
    "challenges": "defis/",
    "challenge": "defis/{slug}/",
    "commons": "communs/",
    "common": "communs/{slug}/",
    "actors": "acteurs/",
    "actor": "acteurs/{slug}/",
    "funding": "financement/",
    "forms": "contribuer/",
    "open_data": "donnees/",
    "needs": "besoins/",
    "rounds": "tours/",
    "round": "tours/{slug}/",
    "round_engagement": "tours/{slug}/engagement/",
    "review": "releves/{slug}/",
    "eligibility": "eligibilite/",
    "funding_report": "financement/rapport/",
    "round_report": "tours/{slug}/rapport/",
    "jury": "tours/{slug}/jury/",
    "report": "rapports/{slug}/",
    "actor_statement": "acteurs/{slug}/bilan/",
}
"""Where catalogue pages are written by default (``CATALOGUE_<KIND>_URL`` changes one).
The current round's funding page is ``funding``; ``round`` is every other round's; a
review page's slug is the ISO date of its review date. ``funding_report`` is the printable
report of the current round (or of a call without rounds), ``round_report`` every other
round's; ``report`` is a common's follow-up report (``content/reports/``), and
``actor_statement`` an actor's statement of what it pledged, confirmed and paid; ``jury``
a round's jury (its members, criteria and weights)."""

NESTED = {
    "funding_report": ("funding", "rapport/"),
    "round_report": ("round", "rapport/"),
    "jury": ("round", "jury/"),
    "actor_statement": ("actor", "bilan/"),
}
"""Pages that live under another page: a site that moves that page (``CATALOGUE_ROUND_URL``)
moves them with it, unless it sets their own pattern too."""

PAGE_KINDS = tuple(DEFAULT_PATTERNS)
"""The kinds of catalogue page, each with a URL pattern (``{slug}`` for one item)."""

ITEMS = (
    "challenge",
    "common",
    "actor",
    "round",
    "round_engagement",
    "review",
    "round_report",
    "jury",
    "report",
    "actor_statement",
)
"""The kinds of page written once per item: their pattern holds ``{slug}``."""

DEFAULT_FOLDERS = {
    "data": "data",
    "schemas": "schemas",
    "badges": "badges",
    "feeds": "feeds",
    "widgets": "widgets",
}
"""Where the data files, schemas, badges, feeds and embeddable widgets are written
(``CATALOGUE_<NAME>_PATH``)."""


def site_patterns(given: Mapping[str, Any]) -> dict[str, Any]:
    """A site's URL patterns: the defaults, those it sets (``given``: kind → its
    ``CATALOGUE_<KIND>_URL``, checked later), and the pages nested in a page it moved."""
    patterns = {**DEFAULT_PATTERNS, **given}
    for kind, (parent, tail) in NESTED.items():
        moved = given.get(parent)
        if isinstance(moved, str) and moved.endswith("/") and kind not in given:
            patterns[kind] = moved + tail
    return patterns


def has_endpoint(endpoint: object) -> bool:
    """Whether CATALOGUE_FORMS_ENDPOINT is a form backend the forms can post to: an
    http(s) address. The one rule of the post mode's settings, of a sealed round's pledge
    form and of ``appel-a-communs check``, so that they never disagree."""
    return isinstance(endpoint, str) and endpoint.startswith(("https://", "http://"))


EMAIL_BYTES = 250
"""The most UTF-8 bytes the funding.json directory takes in an address (its URL limit)."""
_EMAIL = re.compile(r"[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[^@\s<>(),;:\"\[\]]+")


def is_email(text: str) -> bool:
    """An address the funding.json directory's validator accepts (it parses it as RFC
    5322's): the rule of CATALOGUE_FUNDING_EMAIL, which every manifest gives."""
    return len(text.encode("utf-8")) <= EMAIL_BYTES and _EMAIL.fullmatch(text) is not None


class SiteSettings(BaseModel):
    """The ``CATALOGUE_*`` settings, named without their prefix, in lower case, and the
    site's locale; built by ``site_settings`` (never by hand: it resolves the locale, the
    nested URL patterns and the cache)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    locale: str = Field(
        DEFAULT_LOCALE,
        description="Locale of the interface (its language picks the translation catalogue) "
        "and of amounts, numbers and dates: CATALOGUE_LOCALE, else DEFAULT_LANG.",
    )
    urls: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_PATTERNS),
        description="Where each kind of catalogue page is written (CATALOGUE_<KIND>_URL): "
        "a path inside the site; the pattern of a page written once per item holds {slug}.",
    )
    schemas_path: str = Field(
        DEFAULT_FOLDERS["schemas"], description="The folder of the published JSON Schemas."
    )
    badges_path: str = Field(DEFAULT_FOLDERS["badges"], description="The folder of the badges.")
    feeds_path: str = Field(DEFAULT_FOLDERS["feeds"], description="The folder of the feeds.")
    data_path: str = Field(
        DEFAULT_FOLDERS["data"], description="The folder of the open data files."
    )
    widgets_path: str = Field(
        DEFAULT_FOLDERS["widgets"], description="The folder of the embeddable widgets."
    )
    data_license: str = Field(
        "Licence Ouverte / Open Licence 2.0", description="The licence of the published data."
    )
    data_license_url: str = Field(
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        description="The address of the published data's licence.",
    )
    funding_email: str = Field(
        "",
        description="The call's public address that each common's funding.json gives as its "
        "contact (the specification requires one; actors' contact details are never "
        "published). Without it, or without an absolute SITEURL, no funding.json is written.",
    )
    forms_mode: Literal["github", "post"] = Field(
        "github",
        description='How the forms deliver a submission: "github" (a GET to the repository\'s '
        'prefilled issue form, no JavaScript needed) or "post" (to a form backend\'s '
        "endpoint).",
    )
    github_repo: str = Field(
        "",
        description="The call's GitHub repository, OWNER/NAME, whose issue forms the forms "
        'open: required in the "github" forms mode.',
    )
    forms_endpoint: str = Field(
        "",
        description="The form backend's http(s) address the forms post to: required in the "
        '"post" forms mode, and for the pledge form of an open sealed round.',
    )
    cache: bool = Field(
        False,
        description="Keep validated content files between builds and read again only those "
        "that changed (unset: follow Pelican's LOAD_CONTENT_CACHE). The cache lives under "
        "CACHE_PATH.",
    )
    processes: StrictInt | None = Field(
        default=None,
        ge=1,
        description="How many processes read the content files (a folder of 2 000 files or "
        "more) and write the pages and data files (None: as many as the CPUs this build may "
        "use). 1 does everything in Pelican's own process, as does a system without fork; a "
        "plugin that listens to Pelican's content_written signal keeps the writing in one.",
    )
    today: date | None = Field(
        None,
        description="The build date used for statuses (None: today): set it for "
        "reproducible builds.",
    )
    max_file_size: FileSize = Field(
        MAX_FILE_SIZE,
        description="Bytes a content file (or a submission envelope) may hold: a bigger one "
        "is refused before it is parsed, with an error naming it. 1 MB by default.",
    )
    theme_static_dir: str = Field(
        PELICAN_DEFAULTS["THEME_STATIC_DIR"],
        description="Pelican's THEME_STATIC_DIR: the theme's folder in the site, which no "
        "page may take.",
    )

    @model_validator(mode="after")
    def _forms_deliver_somewhere(self) -> SiteSettings:
        try:
            locale_tags(self.locale)
        except ValueError as exc:
            raise ValueError(f"locale: {exc}: set DEFAULT_LANG or CATALOGUE_LOCALE") from None
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
                other = setting_name(seen[written])
                raise ValueError(f"{name}: writes at '{written}/' as {other} does")
            seen[written] = name
        return self

    def as_settings(self) -> dict[str, Any]:
        """Every ``CATALOGUE_*`` setting under its own name, defaults applied: what the
        plugin gives Pelican's settings, for templates to print."""
        own = (f for f in type(self).model_fields if f not in ("urls", "theme_static_dir"))
        values = {setting_name(f): getattr(self, f) for f in own}
        values.update({f"{PREFIX}{kind.upper()}_URL": url for kind, url in self.urls.items()})
        return values


def setting_name(field: str) -> str:
    """A field's setting: ``max_file_size`` → ``CATALOGUE_MAX_FILE_SIZE`` (``urls.common``
    and ``common_url`` → ``CATALOGUE_COMMON_URL``)."""
    return PREFIX + field.removeprefix("urls.").upper() + ("_URL" if "urls." in field else "")


FIXES = {
    "max_file_size": "must be a whole number of bytes above 0, such as 2_000_000",
    "processes": "must be a whole number of processes, 1 or more (or None: one per CPU)",
    "today": "must be a date, such as datetime.date(2026, 11, 26) or '2026-11-26'",
    "cache": "must be True or False (or None: as LOAD_CONTENT_CACHE)",
    "forms_mode": "must be 'github' or 'post'",
}
"""What a setting must be, said instead of pydantic's words for a value of the wrong type
(``Input should be a valid integer``), so that an error says the fix."""


class SiteSettingsError(ContentErrors):
    """Settings the build would refuse, or a settings file that cannot be run: each error
    names the file and the setting, and says what it must be. The same from ``pelican``
    and from the commands (the one model words them); a build lists them as content
    errors, a command prints them, neither with a traceback."""

    def _message(self) -> str:
        count = len(self.errors)
        head = f"{count} settings error{'s' if count != 1 else ''}:"
        return "\n".join([head, *(f"  - {e.show(self.site)}" for e in self.errors)])

    def text(self, catalogue: Any = None) -> str:
        """In English, whatever the catalogue: the settings are what says the language."""
        return self._message()


def default_settings() -> SiteSettings:
    """Every setting's default, for a content folder without settings (no forms to
    deliver anywhere: the rule that wants a repository or an endpoint is not asked)."""
    return SiteSettings.model_construct()


def site_settings(values: Mapping[str, Any], source: str = SETTINGS_FILE) -> SiteSettings:
    """The checked settings of a site from its settings (Pelican's, or what a settings file
    defines), or SiteSettingsError naming each wrong one in ``source``."""
    fields: dict[str, Any] = {}
    given = {
        kind: values[key] for kind in PAGE_KINDS if (key := f"{PREFIX}{kind.upper()}_URL") in values
    }
    fields["urls"] = site_patterns(given)
    for field in SiteSettings.model_fields:
        key = setting_name(field)
        if field not in ("urls", "locale", "theme_static_dir") and values.get(key) is not None:
            fields[field] = values[key]
    if values.get(f"{PREFIX}CACHE") is None:
        fields["cache"] = bool(values.get("LOAD_CONTENT_CACHE"))
    locale_from = f"{PREFIX}LOCALE" if values.get(f"{PREFIX}LOCALE") else "DEFAULT_LANG"
    language = values.get("DEFAULT_LANG")
    if isinstance(language, str):
        language = language.lower()  # as Pelican does
    locale = values.get(f"{PREFIX}LOCALE") or language
    if locale:
        fields["locale"] = locale
    if values.get("THEME_STATIC_DIR") is not None:
        fields["theme_static_dir"] = values["THEME_STATIC_DIR"]
    try:
        return SiteSettings.model_validate(fields)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"])
            message = error["msg"].removeprefix("Value error, ")
            if not where and ": " in message:
                where, message = message.split(": ", 1)
            message = FIXES.get(where, message)
            if where == "locale":
                key = locale_from
            elif where == "theme_static_dir":
                key = "THEME_STATIC_DIR"
            else:
                key = setting_name(where) if where else PREFIX
            value = values.get(key)
            shown = (
                f" (it is {value!r})" if value is not None and repr(value) not in message else ""
            )
            problems.append(ContentError(source, key, f"{message}{shown}"))
        raise SiteSettingsError(problems) from None


def read_site_settings(root: Path) -> SiteSettings:
    """The settings of the site in ``root`` from its pelicanconf.py (the defaults without
    one): what the commands and the submissions read, as the build reads it."""
    path = root / SETTINGS_FILE
    if not path.is_file():
        return default_settings()
    try:
        return site_settings({**PELICAN_DEFAULTS, **settings_file_values(path)}, str(path))
    except SiteSettingsError as exc:  # named from the site, as the build names it
        raise SiteSettingsError(exc.errors, site=root) from None


def settings_file_values(path: Path) -> dict[str, Any]:
    """The upper-case names a settings file defines once run, as Pelican reads them
    (``pelican.settings.get_settings_from_file``), with its folder importable while it
    runs; SiteSettingsError naming the file when it cannot run."""
    name = path.stem
    folder = str(path.parent.absolute())
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SiteSettingsError([ContentError(str(path), None, "is not a Python file")])
    module = importlib.util.module_from_spec(spec)
    before = sys.modules.get(name)
    sys.modules[name] = module
    sys.path.insert(0, folder)
    try:
        spec.loader.exec_module(module)
    except (Exception, SystemExit) as exc:
        problem = (
            f"cannot be run ({exc.__class__.__name__}: {exc}); fix it so that pelican reads it"
        )
        raise SiteSettingsError([ContentError(str(path), None, problem)]) from None
    finally:
        sys.path.remove(folder)
        if before is None:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = before
    return {key: value for key, value in vars(module).items() if key.isupper()}
