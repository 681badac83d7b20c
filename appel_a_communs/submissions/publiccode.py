"""``submissions fetch publiccode``: one propose-common envelope per publiccode.yml.

A publiccode.yml (https://github.com/publiccodeyml/publiccode.yml) describes public
software. This module reads one (a local file, or an http(s) URL, within limits), has
``publiccode_standard`` check it as the Standard requires, maps a valid one to our
content keys (a propose-common envelope in submissions/inbox/) and reports the run. The
Standard's own rules, and what of them is not checked, are in ``publiccode_standard``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from appel_a_communs.content.strict_yaml import (
    StrictYAMLError,
    format_path,
    load_json,
    load_mapping,
)
from appel_a_communs.content.types import slugify
from appel_a_communs.submissions.fetch import (
    TIMEOUT,
    FetchError,
    clean_envelope,
    read_limited,
    store_envelope,
)
from appel_a_communs.submissions.publiccode_standard import (
    Problem,
    PubliccodeInvalid,
    check_publiccode,
)

MAX_SIZE = 1024 * 1024
"""Bytes a publiccode.yml may hold: real ones are a few kilobytes, longDescription is at
most 10000 characters per language."""

DEADLINE = 60
"""Seconds the answer of one URL may take in all (TIMEOUT bounds each socket read only: a
server sending a byte a second would never trip it)."""

MATURITY = {  # the Standard's developmentStatus → our maturity (SPEC, a common)
    "concept": "idea",
    "development": "prototype",
    "beta": "beta",
    "stable": "stable",
    "obsolete": "obsolete",
}


# --- reading ----------------------------------------------------------------------------


def parse_publiccode(raw: bytes, source: str) -> dict[str, Any]:
    """The mapping of a valid publiccode.yml, or PubliccodeInvalid naming every fault."""
    if len(raw) > MAX_SIZE:
        raise PubliccodeInvalid(source, [Problem("", f"is over {MAX_SIZE} bytes")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        at = raw.count(b"\n", 0, exc.start) + 1
        raise PubliccodeInvalid(source, [Problem("", "is not UTF-8 text", at)]) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        document = load_mapping(text)
    except StrictYAMLError as exc:
        key = format_path(exc.path) if exc.path else ""
        raise PubliccodeInvalid(source, [Problem(key, str(exc.message), exc.line)]) from None
    except RecursionError:  # pragma: no cover - load_mapping limits depth
        raise PubliccodeInvalid(source, [Problem("", "is nested too deeply")]) from None
    problems = check_publiccode(document.data, document.line_of)
    if problems:
        raise PubliccodeInvalid(source, problems)
    return document.data


def read_source(source: str, session: requests.Session | None = None) -> bytes:
    """The bytes of a local file (at most MAX_SIZE, +1 to tell) or of an http(s) URL (at
    most MAX_SIZE, within DEADLINE seconds, else FetchError)."""
    if re.match(r"https?://", source, re.I):
        session = session or requests.Session()
        try:
            with session.get(source, timeout=TIMEOUT, stream=True) as response:
                if response.status_code >= 400:
                    raise FetchError(f"{source} answered HTTP {response.status_code}")
                return read_limited(response, MAX_SIZE, DEADLINE, source)
        except requests.RequestException as exc:
            raise FetchError(f"could not reach {source}: {exc.__class__.__name__}") from None
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]+://", source):
        raise FetchError(f"{source}: only local files and http(s) URLs can be read")
    path = Path(source)
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_SIZE + 1)
    except OSError as exc:
        raise FetchError(f"cannot read {source}: {exc.strerror or exc}") from None


# --- mapping to a common ----------------------------------------------------------------


def _pick_language(descriptions: dict[str, Any], language: str) -> str:
    """The description in the call's language, else English, else the first one."""
    tags = list(descriptions)

    def primary(tag: str) -> str:
        return tag.split("-")[0].lower()

    for wanted in (language, "en"):
        for tag in tags:
            if tag.lower() == wanted.lower():
                return tag
        for tag in tags:
            if primary(tag) == primary(wanted):
                return tag
    return tags[0]


def envelope_id(data: dict[str, Any]) -> str:
    """``file-publiccode-`` and the slug of the repository URL (host and path): the same
    software gives the same id on every run; a long URL is cut and a hash added."""
    import hashlib

    url = str(data["url"])
    parts = urlsplit(url)
    base = (parts.netloc + parts.path) if parts.netloc else url
    base = re.sub(r"\.git/?$", "", base.rstrip("/"))
    slug = slugify(base) or "software"
    if len(slug) > 40:
        digest = hashlib.sha256(url.encode()).hexdigest()[:8]
        slug = f"{slug[:40].strip('-')}-{digest}"
    return f"file-publiccode-{slug}"


def common_data(
    data: dict[str, Any], language: str, challenges: list[str], proposed_by: list[str]
) -> dict[str, Any]:
    """A valid publiccode.yml as our content keys (SPEC, a common)."""
    descriptions = data["description"]
    desc = descriptions[_pick_language(descriptions, language)]
    body = str(desc["longDescription"]).strip()
    features = [" ".join(str(f).split()) for f in desc.get("features") or []]
    if features:
        body += "\n\n" + "\n".join(f"- {f}" for f in features if f)
    tags = [data["softwareType"], *(data.get("categories") or [])]
    out: dict[str, Any] = {
        "title": " ".join(str(desc.get("localisedName") or data["name"]).split()),
        "summary": " ".join(str(desc["shortDescription"]).split()),
        "body": body + "\n",
        "license": str(data["legal"]["license"]).strip(),
        "repository": str(data["url"]),
        "maturity": MATURITY[data["developmentStatus"]],
        "resource_types": ["software"],
        "tags": list(dict.fromkeys(tags)),
    }
    if data.get("landingURL"):
        out["website"] = str(data["landingURL"])
    if challenges:
        out["challenges"] = list(challenges)
    if proposed_by:
        out["proposed_by"] = list(proposed_by)
    return out


def _first_seen(root: Path, ident: str) -> str | None:
    """When this software was first fetched: the earlier envelope's ``submitted_at``."""
    for folder in ("inbox", "rejected", "processed"):
        path = root / "submissions" / folder / f"{ident}.json"
        try:
            earlier = load_json(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, StrictYAMLError):
            continue
        if isinstance(earlier, dict) and isinstance(earlier.get("submitted_at"), str):
            return earlier["submitted_at"]
    return None


def publiccode_envelope(
    root: Path,
    data: dict[str, Any],
    language: str,
    challenges: list[str],
    proposed_by: list[str],
    now: datetime | None = None,
) -> dict[str, Any]:
    ident = envelope_id(data)
    when = _first_seen(root, ident) or (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return clean_envelope(
        {
            "id": ident,
            "type": "propose-common",
            "submitted_at": when,
            "source": "file",
            "data": common_data(data, language, challenges, proposed_by),
        }
    )


@dataclass
class FetchResult:
    written: list[str]
    """Ids of the new envelopes in submissions/inbox/."""
    unchanged: list[str]
    """Ids of envelopes already there, handled or waiting, word for word."""
    rejected: dict[str, list[Problem]]
    """Source → every faulty key of an invalid publiccode.yml."""
    failed: dict[str, str]
    """Source → why it could not be read (missing file, HTTP error, unreachable)."""
    refused: dict[str, str] = field(default_factory=dict)
    """Source → why a valid one was not stored: it gives the envelope id of an earlier
    source of the same run (the same repository url), which it would replace."""

    @property
    def complete(self) -> bool:
        """Every source was read, valid, and stored or already there."""
        return not (self.rejected or self.failed or self.refused)


def fetch_publiccode(
    root: Path,
    sources: list[str],
    challenges: list[str] | None = None,
    proposed_by: list[str] | None = None,
    session: requests.Session | None = None,
) -> FetchResult:
    """One propose-common envelope per valid publiccode.yml of ``sources``; an invalid or
    unreadable one is listed, and the others are still fetched."""
    from appel_a_communs.content.settings import SiteSettingsError, read_site_settings

    try:
        language = read_site_settings(root).locale.replace("_", "-")  # a BCP 47 tag
    except SiteSettingsError as exc:
        raise FetchError(str(exc)) from None
    session = session or requests.Session()
    result = FetchResult([], [], {}, {})
    first_source: dict[str, str] = {}  # envelope id → the source of this run that gave it
    for source in sources:
        try:
            data = parse_publiccode(read_source(source, session), source)
        except FetchError as exc:
            result.failed[source] = str(exc)
            continue
        except PubliccodeInvalid as exc:
            result.rejected[source] = exc.problems
            continue
        envelope = publiccode_envelope(root, data, language, challenges or [], proposed_by or [])
        ident = envelope["id"]
        if ident in first_source:
            result.refused[source] = (
                f"{source}: its url {data['url']} gives the envelope {ident}, as "
                f"{first_source[ident]} did earlier in this run (the same software): only "
                f"{first_source[ident]} was kept; give one publiccode.yml per repository"
            )
            continue
        first_source[ident] = source
        if store_envelope(root, envelope):
            result.written.append(envelope["id"])
        else:
            result.unchanged.append(envelope["id"])
    return result


def report(result: FetchResult) -> str:
    lines = [f"{len(result.written)} new envelope(s) in submissions/inbox/"]
    lines += [f"- {i}" for i in result.written]
    if result.unchanged:
        lines.append(f"{len(result.unchanged)} already there, unchanged:")
        lines += [f"- {i}" for i in result.unchanged]
    for source, problems in result.rejected.items():
        lines.append(f"rejected {source}: not a valid publiccode.yml")
        lines += [f"  - {p}" for p in problems]
    for why in result.failed.values():
        lines.append(f"could not read: {why}")  # the reason names the source
    for why in result.refused.values():
        lines.append(f"refused {why}")  # names both sources
    return "\n".join(lines)
