"""The publiccode.yml Standard's rules, as its reference parser checks them.

A publiccode.yml (https://github.com/publiccodeyml/publiccode.yml) describes public
software. This module checks a parsed one as the Standard requires, the way its reference
parser (italia/publiccode-parser-go) does with its network and file checks off. It knows
nothing of calls, envelopes or where the file came from: that is ``publiccode.py``, which
reads a file or URL, maps a valid one to our content keys and reports the run.

Versions: the ones the reference parser accepts, ``0`` (the latest 0.x), 0.2 to 0.5 and
0.7 (each with its ``.0``, and 0.2.1, 0.2.2), all read with the one 0.x schema as the
parser reads them; ``1`` (a draft) is refused as the parser refuses it.

What is checked: every key known (an unknown key is an error), types, required keys,
enumerations (developmentStatus, softwareType, categories, intendedAudience.scope,
maintenance.type, supports aliases, IT.countryExtensionVersion), URL, HTTP URL, URI and
URN forms, dates (YYYY-MM-DD), SPDX expressions, BCP 47 language tags (well-formed and
registered), ISO 3166-1 alpha-2 countries, MIME types, e-mail addresses, lengths in
grapheme clusters (shortDescription at most 150, longDescription 150 to 10000,
genericName at most 35), a non-empty ``features`` per language, the contractors/contacts
rules of each maintenance type, logo, screenshot and authors file paths (relative or
http(s), with the right file extension), ``IT`` and ``it`` not both.

What is not checked, because it needs the network, the software's repository or a
registry that changes: that URLs answer and that ``url`` is a code repository, that the
logo, screenshots and authors file exist (and that a PNG is one), that a video URL is
served by an oEmbed provider, that an Italian iPA code is one of IndicePA's. Every
error names its key (``description.en.shortDescription``), all of them at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from appel_a_communs.content.strict_yaml import format_path
from appel_a_communs.content.types import license_hint, spdx_errors

SUPPORTED_VERSIONS = (
    "0",
    *("0.2", "0.2.0", "0.2.1", "0.2.2", "0.3", "0.3.0", "0.4", "0.4.0"),
    *("0.5", "0.5.0", "0.7", "0.7.0"),
)
DEVELOPMENT_STATUS = ("concept", "development", "beta", "stable", "obsolete")
SOFTWARE_TYPES = (
    *("standalone/mobile", "standalone/iot", "standalone/desktop", "standalone/web"),
    *("standalone/backend", "standalone/other", "addon", "library", "configurationFiles"),
)
MAINTENANCE_TYPES = ("internal", "contract", "community", "none")
CATEGORIES = frozenset(
    [
        "accounting",
        "agile-project-management",
        "applicant-tracking",
        "application-development",
        "appointment-scheduling",
        "backup",
        "billing-and-invoicing",
        "blog",
        "budgeting",
        "business-intelligence",
        "business-process-management",
        "cad",
        "call-center-management",
        "cloud-management",
        "collaboration",
        "communications",
        "compliance-management",
        "contact-management",
        "content-management",
        "crm",
        "customer-service-and-support",
        "data-analytics",
        "data-collection",
        "data-visualization",
        "design",
        "design-system",
        "digital-asset-management",
        "digital-citizenship",
        "document-management",
        "donor-management",
        "e-commerce",
        "e-signature",
        "educational-content",
        "email-management",
        "email-marketing",
        "employee-management",
        "enterprise-project-management",
        "enterprise-social-networking",
        "erp",
        "event-management",
        "facility-management",
        "feedback-and-reviews-management",
        "financial-reporting",
        "fleet-management",
        "fundraising",
        "gamification",
        "geographic-information-systems",
        "grant-management",
        "graphic-design",
        "help-desk",
        "hr",
        "ide",
        "identity-management",
        "instant-messaging",
        "integrated-library-system",
        "inventory-management",
        "it-asset-management",
        "it-development",
        "it-management",
        "it-security",
        "it-service-management",
        "knowledge-management",
        "learning-management-system",
        "marketing",
        "mind-mapping",
        "mobile-marketing",
        "mobile-payment",
        "network-management",
        "office",
        "online-booking",
        "online-community",
        "payment-gateway",
        "payroll",
        "predictive-analysis",
        "procurement",
        "productivity-suite",
        "project-collaboration",
        "project-management",
        "property-management",
        "real-estate-management",
        "regulations-and-directives",
        "remote-support",
        "resource-management",
        "sales-management",
        "seo",
        "service-desk",
        "social-media-management",
        "survey",
        "talent-management",
        "task-management",
        "taxes-management",
        "test-management",
        "time-management",
        "time-tracking",
        "translation",
        "video-conferencing",
        "video-editing",
        "visitor-management",
        "voip",
        "warehouse-management",
        "web-collaboration",
        "web-conferencing",
        "whistleblowing",
        "website-builder",
        "workflow-management",
        "other",
    ]
)
SCOPES = frozenset(
    [
        "agriculture",
        "culture",
        "defence",
        "education",
        "emergency-services",
        "employment",
        "energy",
        "environment",
        "finance-and-economic-development",
        "foreign-affairs",
        "government",
        "healthcare",
        "infrastructures",
        "justice",
        "local-authorities",
        "manufacturing",
        "research",
        "science-and-technology",
        "security",
        "society",
        "sport",
        "tourism",
        "transportation",
        "welfare",
    ]
)
SUPPORTS_ALIASES = frozenset(
    ["gdpr", "eidas", "nis2", "cra", "spid", "cie", "anpr", "pagopa", "io"]
)

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
_BAD_URL_CHARS = re.compile(r"[\x00-\x20\x7f<>\"\\^`{|}]")
_URN = re.compile(
    r"urn:[a-z0-9][a-z0-9-]{0,31}:(?:[a-z0-9()+,\-.:=@;$_!*'/?#]|%[0-9a-f]{2})+", re.I
)
_MIME = re.compile(
    r" *([A-Za-z0-9][A-Za-z0-9!#$&^_-]{0,126})/([A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}) *"
)
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_EMAIL = re.compile(rf"[^@\s\"(),:;<>\[\]\\]+@{_LABEL}(?:\.{_LABEL})+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LICENSE_REF = re.compile(r"(?:DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+")
# RFC 5646 language tags (irregular grandfathered tags aside)
_LANGTAG = re.compile(
    r"(?:(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})"
    r"(?:-[a-z]{4})?(?:-(?:[a-z]{2}|[0-9]{3}))?(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"
    r"(?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*(?:-x(?:-[a-z0-9]{1,8})+)?)|x(?:-[a-z0-9]{1,8})+",
    re.I,
)


@dataclass(frozen=True)
class Problem:
    """One faulty key of a publiccode.yml: ``key`` is a dotted path (``''``: the file)."""

    key: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.key}: {self.message}" if self.key else f"{where}{self.message}"


class PubliccodeInvalid(ValueError):
    """A publiccode.yml that the Standard does not accept; ``problems`` names every key."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        super().__init__(f"{source}: " + "; ".join(map(str, problems)))
        self.source = source
        self.problems = problems


# --- values ---------------------------------------------------------------------------


@cache
def _graphemes() -> Any:
    import regex

    return regex.compile(r"\X")


def graphemes(text: str) -> int:
    """The length a reader sees (what the Standard counts): grapheme clusters."""
    return len(_graphemes().findall(text))


def is_url(text: str) -> bool:
    """A URL as the reference parser's ``url`` check takes it: a scheme and then a host,
    a path of an opaque URL (``urn:…``, ``mailto:…``) or a fragment; no space."""
    if not text or _BAD_URL_CHARS.search(text):
        return False
    scheme, sep, rest = text.partition(":")
    if not sep or not _SCHEME.fullmatch(scheme):
        return False
    if scheme.lower() == "file":
        return True
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return False
    return bool(parts.netloc or parts.fragment or (rest and not rest.startswith("/")))


def is_http_url(text: str) -> bool:
    if not is_url(text):
        return False
    parts = urlsplit(text)
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def is_uri(text: str) -> bool:
    """An organisation's or a standard's URI: a URN (RFC 2141) or a URL with a host."""
    if not is_url(text):
        return False
    if text[:4].lower() == "urn:":
        return bool(_URN.fullmatch(text))
    return bool(urlsplit(text).netloc)


def is_language_tag(text: str) -> bool:
    """A BCP 47 tag, well-formed (``en_GB`` is not) and registered (``xxx`` is not)."""
    if not _LANGTAG.fullmatch(text):
        return False
    import langcodes

    try:
        return bool(langcodes.tag_is_valid(text))
    except (ValueError, LookupError):
        return False


def is_country(text: str) -> bool:
    """An ISO 3166-1 alpha-2 code, upper or lower case (the Standard deprecates lower)."""
    if len(text) != 2 or text not in (text.upper(), text.lower()) or not text.isascii():
        return False
    import pycountry

    return pycountry.countries.get(alpha_2=text.upper()) is not None


def spdx_problem(text: str) -> str | None:
    if not text.strip():
        return "is required"
    # SPDX lets a file name its own licence (LicenseRef-…); whether a call takes it is ours
    errors = spdx_errors(_LICENSE_REF.sub("MIT", text), strict=False)
    if errors:
        hint = license_hint(text)
        if hint is not None:
            return f"{text!r} is not a valid SPDX licence expression: {hint}"
        return (
            f"{text!r} is not a valid SPDX licence expression ({'; '.join(errors)}); "
            "see https://spdx.org/licenses/"
        )
    return None


# --- the checker -------------------------------------------------------------------------

Key = tuple[str | int, ...]


class _Checker:
    def __init__(self, lines: Callable[[Key], int | None]) -> None:
        self.problems: list[Problem] = []
        self.lines = lines

    def bad(self, key: Key, message: str) -> None:
        self.problems.append(Problem(format_path(key), message, self.lines(key)))

    # each returns the value when it has the right type, else None (and a problem)

    def string(self, node: dict[str, Any], key: Key, required: bool = False) -> str | None:
        name = key[-1]
        if name not in node or node[name] is None:
            if required:
                self.bad(key, "is required")
            return None
        value = node[name]
        if isinstance(value, bool) or not isinstance(value, str | int | date):
            self.bad(key, f"must be a string, not {_kind(value)}")
            return None
        text = value.isoformat() if isinstance(value, date) else str(value)
        if required and not text:
            self.bad(key, "is required")
            return None
        return text

    def flag(self, node: dict[str, Any], key: Key, required: bool = False) -> bool | None:
        value = node.get(key[-1])
        if value is None:
            if required:
                self.bad(key, "is required")
            return None
        if not isinstance(value, bool):
            self.bad(key, f"must be true or false, not {_kind(value)}")
            return None
        return value

    def mapping(
        self, node: dict[str, Any], key: Key, known: Iterable[str] | None, required: bool = False
    ) -> dict[str, Any] | None:
        value = node.get(key[-1])
        if value is None:
            if required:  # its required keys are then named, as the reference parser does
                return {}
            return None
        if not isinstance(value, dict):
            self.bad(key, f"must be a mapping of keys, not {_kind(value)}")
            return None
        if known is not None:
            for extra in value:
                if extra not in known:
                    self.bad((*key, extra), "is not a key of the publiccode.yml Standard")
        return value

    def sequence(
        self, node: dict[str, Any], key: Key, required: bool = False, nonempty: bool = False
    ) -> list[Any] | None:
        value = node.get(key[-1])
        if value is None:
            if required or nonempty:
                self.bad(key, "is required (a list of at least one item)")
            return None
        if not isinstance(value, list):
            self.bad(key, f"must be a list, not {_kind(value)}")
            return None
        if nonempty and not value:
            self.bad(key, "must hold at least one item")
        return value

    def strings(
        self,
        node: dict[str, Any],
        key: Key,
        check: Callable[[str], str | None] | None = None,
        nonempty: bool = False,
    ) -> list[str]:
        items = self.sequence(node, key, nonempty=nonempty) or []
        out = []
        for i, _ in enumerate(items):
            text = self.string({i: items[i]}, (*key, i), required=True)  # type: ignore[dict-item]
            if text is None:
                continue
            problem = check(text) if check else None
            if problem:
                self.bad((*key, i), problem)
            else:
                out.append(text)
        return out

    def checked(
        self,
        node: dict[str, Any],
        key: Key,
        check: Callable[[str], str | None],
        required: bool = False,
    ) -> str | None:
        text = self.string(node, key, required)
        if text is not None:
            problem = check(text)
            if problem:
                self.bad(key, problem)
                return None
        return text

    def records(
        self, node: dict[str, Any], key: Key, known: Iterable[str]
    ) -> list[tuple[Key, dict[str, Any]]]:
        out = []
        for i, item in enumerate(self.sequence(node, key) or []):
            record = self.mapping({i: item}, (*key, i), known, required=False)  # type: ignore[dict-item]
            if item is None:
                self.bad((*key, i), "must be a mapping of keys, not nothing")
            elif record is not None:
                out.append(((*key, i), record))
        return out


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, date):
        return "a date"
    return "text"


def _one_of(options: Iterable[str]) -> Callable[[str], str | None]:
    options = tuple(options)

    def check(text: str) -> str | None:
        if text in options:
            return None
        shown = ", ".join(repr(o) for o in options) if len(options) < 12 else "the Standard's list"
        return f"{text!r} is not one of {shown}"

    return check


def _url(text: str) -> str | None:
    return None if is_url(text) else f"{text!r} is not a valid URL"


def _http_url(text: str) -> str | None:
    return None if is_http_url(text) else f"{text!r} is not an http(s) URL"


def _uri(text: str) -> str | None:
    if not is_uri(text):
        return f"{text!r} is not a valid URI (a URL or a URN such as urn:x-italian-pa:CODE)"
    return None


def _date(text: str) -> str | None:
    if _DATE.fullmatch(text):
        try:
            date.fromisoformat(text)
            return None
        except ValueError:
            pass
    return f"{text!r} is not a date written YYYY-MM-DD"


def _language(text: str) -> str | None:
    return None if is_language_tag(text) else f"{text!r} is not a BCP 47 language tag"


def _country(text: str) -> str | None:
    if is_country(text):
        return None
    return f"{text!r} is not an ISO 3166-1 alpha-2 country code"


def _mime(text: str) -> str | None:
    return None if _MIME.fullmatch(text) else f"{text!r} is not a MIME type"


def _email(text: str) -> str | None:
    return None if _EMAIL.fullmatch(text) else f"{text!r} is not an e-mail address"


def _max(limit: int) -> Callable[[str], str | None]:
    def check(text: str) -> str | None:
        n = graphemes(text)
        return f"is {n} characters long: {limit} at most" if n > limit else None

    return check


def _file(extensions: tuple[str, ...]) -> Callable[[str], str | None]:
    """A file of the repository: a relative path or an http(s) URL, with an extension."""

    def check(text: str) -> str | None:
        if text.startswith("/"):
            return f"{text!r} is an absolute path: write a path relative to the file, or a URL"
        if text.lower().startswith("file:"):
            return f"{text!r} is a file:// URL: write a path relative to the file, or a URL"
        if ":" in text.split("/")[0] and not is_http_url(text):
            return f"{text!r} is neither a relative path nor an http(s) URL"
        path = urlsplit(text).path if is_http_url(text) else text
        if extensions and not path.lower().endswith(extensions):
            return f"{text!r} must be a {', '.join(extensions)} file"
        return None

    return check


def _supports_id(text: str) -> str | None:
    if text.startswith("alias:"):
        if text[len("alias:") :] in SUPPORTS_ALIASES:
            return None
        return f"{text!r} is not a known alias ({', '.join(sorted(SUPPORTS_ALIASES))})"
    return _uri(text)


ROOT_KEYS = {
    "publiccodeYmlVersion", "name", "applicationSuite", "url", "landingURL", "isBasedOn",
    "softwareVersion", "releaseDate", "logo", "monochromeLogo", "organisation", "inputTypes",
    "outputTypes", "platforms", "categories", "usedBy", "fundedBy", "roadmap",
    "developmentStatus", "softwareType", "supports", "intendedAudience", "description",
    "legal", "maintenance", "localisation", "dependsOn", "IT", "it",
}  # fmt: skip
DESCRIPTION_KEYS = {
    "localisedName", "genericName", "shortDescription", "longDescription", "documentation",
    "apiDocumentation", "features", "screenshots", "videos", "awards",
}  # fmt: skip


def check_publiccode(
    data: Any, lines: Callable[[Key], int | None] = lambda _: None
) -> list[Problem]:
    """Every problem of a parsed publiccode.yml, each naming its key; [] when valid."""
    c = _Checker(lines)
    if not isinstance(data, dict):
        return [Problem("", "a publiccode.yml is a mapping of keys")]
    version = c.string(data, ("publiccodeYmlVersion",), required=True)
    if isinstance(data.get("publiccodeYmlVersion"), int) and not isinstance(
        data.get("publiccodeYmlVersion"), bool
    ):
        # YAML reads 0 as a number: the Standard wants the text "0"
        where = lines(("publiccodeYmlVersion",))
        return [Problem("publiccodeYmlVersion", 'must be text: write it quoted, as "0"', where)]
    if version is None:
        return c.problems
    if version not in SUPPORTED_VERSIONS:
        return [
            Problem(
                "publiccodeYmlVersion",
                f"unsupported version {version!r}; supported: {', '.join(SUPPORTED_VERSIONS)}",
                lines(("publiccodeYmlVersion",)),
            )
        ]
    for extra in data:
        if extra not in ROOT_KEYS:
            c.bad((extra,), "is not a key of the publiccode.yml Standard")

    c.string(data, ("name",), required=True)
    c.string(data, ("applicationSuite",))
    c.checked(data, ("url",), _url, required=True)
    c.checked(data, ("landingURL",), _http_url)
    if isinstance(data.get("isBasedOn"), str):
        if not is_url(data["isBasedOn"]):
            c.bad(("isBasedOn", 0), f"{data['isBasedOn']!r} is not a valid URL")
    else:
        c.strings(data, ("isBasedOn",), _url)
    c.string(data, ("softwareVersion",))
    if not isinstance(data.get("releaseDate"), date):
        c.checked(data, ("releaseDate",), _date)
    elif isinstance(data["releaseDate"], datetime):
        c.bad(("releaseDate",), "must be a date written YYYY-MM-DD, without a time")
    c.checked(data, ("logo",), _file((".svg", ".svgz", ".png")))
    c.checked(data, ("monochromeLogo",), _file((".svg", ".svgz", ".png")))
    organisation = c.mapping(data, ("organisation",), ("name", "uri"))
    if organisation is not None:
        _organisation(c, organisation, ("organisation",))
    c.strings(data, ("inputTypes",), _mime)
    c.strings(data, ("outputTypes",), _mime)
    c.strings(data, ("platforms",), nonempty=True)
    c.strings(data, ("categories",), _one_of(CATEGORIES))
    c.strings(data, ("usedBy",))
    for key, record in c.records(data, ("fundedBy",), ("name", "uri")):
        _organisation(c, record, key)
    c.checked(data, ("roadmap",), _http_url)
    c.checked(data, ("developmentStatus",), _one_of(DEVELOPMENT_STATUS), required=True)
    c.checked(data, ("softwareType",), _one_of(SOFTWARE_TYPES), required=True)
    for key, record in c.records(data, ("supports",), ("id",)):
        c.checked(record, (*key, "id"), _supports_id, required=True)
    audience = c.mapping(
        data, ("intendedAudience",), ("scope", "countries", "unsupportedCountries")
    )
    if audience is not None:
        c.strings(audience, ("intendedAudience", "scope"), _one_of(SCOPES))
        c.strings(audience, ("intendedAudience", "countries"), _country)
        c.strings(audience, ("intendedAudience", "unsupportedCountries"), _country)
    _descriptions(c, data)
    legal = c.mapping(
        data, ("legal",), ("license", "mainCopyrightOwner", "repoOwner", "authorsFile"), True
    )
    if legal is not None:
        c.checked(legal, ("legal", "license"), spdx_problem, required=True)
        c.string(legal, ("legal", "mainCopyrightOwner"))
        c.string(legal, ("legal", "repoOwner"))
        c.checked(legal, ("legal", "authorsFile"), _file(()))
    _maintenance(c, data)
    localisation = c.mapping(
        data, ("localisation",), ("localisationReady", "availableLanguages"), True
    )
    if localisation is not None:
        c.flag(localisation, ("localisation", "localisationReady"), required=True)
        c.strings(localisation, ("localisation", "availableLanguages"), _language, True)
    depends = c.mapping(data, ("dependsOn",), ("open", "proprietary", "hardware"))
    for kind in ("open", "proprietary", "hardware") if depends is not None else ():
        known = ("name", "versionMin", "versionMax", "optional", "version")
        for key, record in c.records(depends, ("dependsOn", kind), known):  # type: ignore[arg-type]
            c.string(record, (*key, "name"), required=True)
            for name in ("versionMin", "versionMax", "version"):
                c.string(record, (*key, name))
            c.flag(record, (*key, "optional"))
    if data.get("IT") is not None and data.get("it") is not None:
        c.bad(("it",), "the IT section is already there: remove this lowercase one")
    for section in ("IT", "it"):
        _italy(c, data, section)
    return c.problems


def _organisation(c: _Checker, record: dict[str, Any], key: Key) -> None:
    c.string(record, (*key, "name"))
    c.checked(record, (*key, "uri"), _uri, required=True)


def _descriptions(c: _Checker, data: dict[str, Any]) -> None:
    descriptions = c.mapping(data, ("description",), None, required=True)
    if descriptions is None:
        return
    if not descriptions:
        c.bad(("description",), "is required: a description in at least one language")
    for lang, desc in descriptions.items():
        key: Key = ("description", lang)
        if not is_language_tag(lang):
            c.bad(key, f"{lang!r} is not a BCP 47 language tag")
        desc = c.mapping(descriptions, key, DESCRIPTION_KEYS, required=True)
        if desc is None:
            continue
        c.string(desc, (*key, "localisedName"))
        c.checked(desc, (*key, "genericName"), _max(35))
        c.checked(desc, (*key, "shortDescription"), _max(150), required=True)
        long = c.string(desc, (*key, "longDescription"), required=True)
        if long is not None:
            n = graphemes(long)
            if n < 150 or n > 10000:
                c.bad((*key, "longDescription"), f"is {n} characters long: 150 to 10000")
        c.checked(desc, (*key, "documentation"), _http_url)
        c.checked(desc, (*key, "apiDocumentation"), _http_url)
        c.strings(desc, (*key, "features"), nonempty=True)
        c.strings(desc, (*key, "screenshots"), _file((".jpg", ".png")))
        c.strings(desc, (*key, "videos"), _http_url)
        c.strings(desc, (*key, "awards"))


def _maintenance(c: _Checker, data: dict[str, Any]) -> None:
    m = c.mapping(data, ("maintenance",), ("type", "contractors", "contacts"), True)
    if m is None:
        return
    kind = c.checked(m, ("maintenance", "type"), _one_of(MAINTENANCE_TYPES), required=True)
    key: Key = ("maintenance", "contractors")
    if m.get("contractors") is not None and kind is not None and kind != "contract":
        c.bad(key, f"must not be there unless type is 'contract' (it is {kind!r})")
    elif kind == "contract" and not m.get("contractors"):
        c.bad(key, "is required when type is 'contract'")
    for k, record in c.records(m, key, ("name", "email", "website", "until")):
        c.string(record, (*k, "name"), required=True)
        c.checked(record, (*k, "email"), _email)
        c.checked(record, (*k, "website"), _http_url)
        if not isinstance(record.get("until"), date):
            c.checked(record, (*k, "until"), _date, required=True)
    key = ("maintenance", "contacts")
    if kind in ("community", "internal") and not m.get("contacts"):
        c.bad(key, f"is required when type is {kind!r}")
    for k, record in c.records(m, key, ("name", "email", "affiliation", "phone")):
        c.string(record, (*k, "name"), required=True)
        c.checked(record, (*k, "email"), _email)
        c.string(record, (*k, "affiliation"))
        c.string(record, (*k, "phone"))


def _italy(c: _Checker, data: dict[str, Any], section: str) -> None:
    known = ("countryExtensionVersion", "conforme", "riuso", "piattaforme")
    it = c.mapping(data, (section,), known)
    if it is None:
        return
    c.checked(it, (section, "countryExtensionVersion"), _one_of(("0.2", "1.0")))
    flags = {
        "conforme": (
            "lineeGuidaDesign",
            "modelloInteroperabilita",
            "misureMinimeSicurezza",
            "gdpr",
        ),
        "piattaforme": ("spid", "pagopa", "cie", "anpr", "io"),
    }
    for name, keys in flags.items():
        part = c.mapping(it, (section, name), keys)
        for flag in keys if part is not None else ():
            c.flag(part, (section, name, flag))  # type: ignore[arg-type]
    riuso = c.mapping(it, (section, "riuso"), ("codiceIPA",))
    if riuso is not None:
        c.checked(riuso, (section, "riuso", "codiceIPA"), _ipa)


def _ipa(text: str) -> str | None:
    # the codes themselves are IndicePA's, a registry that changes: only the form is checked
    if re.fullmatch(r"[A-Za-z0-9_]{1,20}", text):
        return None
    return f"{text!r} is not an iPA code"
